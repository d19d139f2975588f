//! kps-fuzz: property-based tests of kps-wasm's pure core at volume (`cargo xtask fuzz`), and their smoke
//! (`cargo test -p kps-fuzz`, run by `cargo xtask test`).
//!
//! Each [`Target`] is one property over one part of the core, checked on values from one proptest strategy
//! that mixes well-formed input, near misses and arbitrary junk. Where a property says "the right answer",
//! the answer comes from an independent reference ([`reference`]): a well-kept crate (the `url` crate's WHATWG
//! parser, `core::net`, `httpdate`, serde_json) or a model written here from the documented rules
//! (README, DESIGN.md §3, the module docs), never kps-wasm's own code.
//!
//! How the targets are cut, and how to add one: a target is a function `fn(&mut Session)` that calls
//! [`Session::check`] once, listed in [`TARGETS`] with its full-run case count; a new surface (the hostile
//! server, the JS boundary) is one more entry, with its own file under `targets/`.

pub mod inputs;
pub mod reference;
pub mod runner;
mod targets;

pub use runner::{Budget, Report, Session};

/// One property-test target.
pub struct Target {
    /// The name on the command line and in the report.
    pub name: &'static str,
    /// What it checks, in a line.
    pub checks: &'static str,
    /// Cases in a full run (`cargo xtask fuzz` without `--cases`).
    pub full_cases: u64,
    /// The property: calls [`Session::check`] once.
    pub property: fn(&mut Session),
}

/// Every target, in the order the report lists them. The full-run counts (17.2 million cases) are sized from
/// the cases per second measured on a busy 2-core machine (README "Develop"): about two and a half minutes
/// of one core each, ten minutes in all with both cores.
pub const TARGETS: &[Target] = &[
    Target {
        name: "options",
        checks: "option validation: typed failures, exact acceptance of the documented id, secret and number rules, no secret echoed",
        full_cases: 1_000_000,
        property: targets::options::property,
    },
    Target {
        name: "endpoint",
        checks: "endpoint, signingHost, signRequest URL and region parsing against the url crate, core::net and the documented region rule",
        full_cases: 3_000_000,
        property: targets::endpoint::property,
    },
    Target {
        name: "response",
        checks: "response handling: any status, headers and body; typed failures, identifiers checked, no secret returned",
        full_cases: 1_200_000,
        property: targets::response::property,
    },
    Target {
        name: "masking",
        checks: "redaction: a secret in any encoder's escaping is masked, exactly as a reference masker does",
        full_cases: 2_000_000,
        property: targets::masking::property,
    },
    Target {
        name: "signing",
        checks: "AK/SK signing against a reference signer, for random requests, prepared calls and signRequest",
        full_cases: 1_500_000,
        property: targets::signing::property,
    },
    Target {
        name: "retry",
        checks: "the retry policy and the task waiter: the README's table, delays within budget, attempts within maxAttempts",
        full_cases: 5_000_000,
        property: targets::retry::property,
    },
    Target {
        name: "fleet",
        checks: "the fleet state machine against a simulated KPS: no server sent twice unless no task was found, totals add up, it finishes",
        full_cases: 3_000_000,
        property: targets::fleet::property,
    },
    Target {
        name: "pacing",
        checks: "the pacer: waits and spacing within their documented bounds, Retry-After honoured",
        full_cases: 500_000,
        property: targets::pacing::property,
    },
];

/// The target called `name`.
pub fn target(name: &str) -> Option<&'static Target> {
    TARGETS.iter().find(|target| target.name == name)
}
