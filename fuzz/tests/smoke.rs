//! The smoke of every target, run by `cargo test` (and so by `cargo xtask test`): a few hundred cases each,
//! or `KPS_FUZZ_SMOKE_CASES` (`cargo xtask fuzz` runs the millions). The seed changes from run to run, so
//! that the smoke explores too; a failure prints the seed that replays it (`cargo xtask fuzz --seed …`).

use kps_fuzz::{runner, Budget};

/// Cases per target in the smoke.
fn cases() -> u64 {
    std::env::var("KPS_FUZZ_SMOKE_CASES")
        .ok()
        .and_then(|cases| cases.parse().ok())
        .unwrap_or(300)
}

fn smoke(name: &str) {
    let target = kps_fuzz::target(name).expect("a target of TARGETS");
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |time| time.as_nanos() as u64);
    let budget = Budget {
        cases: cases(),
        time: None,
    };
    let report = runner::run(target.name, seed, budget, target.property);
    if let Some(failure) = report.failure {
        panic!(
            "target {name} failed after {} cases:\n{failure}",
            report.cases
        );
    }
    assert_eq!(report.cases, budget.cases);
}

#[test]
fn every_target_has_a_smoke_test_here() {
    let source = include_str!("smoke.rs");
    for target in kps_fuzz::TARGETS {
        let call = format!("smoke(\"{}\")", target.name);
        assert!(source.contains(&call), "no smoke test calls {call}");
    }
}

#[test]
fn option_validation_holds_on_a_smoke_run() {
    smoke("options");
}

#[test]
fn endpoint_and_region_parsing_holds_on_a_smoke_run() {
    smoke("endpoint");
}

#[test]
fn response_handling_holds_on_a_smoke_run() {
    smoke("response");
}

#[test]
fn redaction_holds_on_a_smoke_run() {
    smoke("masking");
}

#[test]
fn signing_holds_on_a_smoke_run() {
    smoke("signing");
}

#[test]
fn the_retry_policy_and_the_waiter_hold_on_a_smoke_run() {
    smoke("retry");
}

#[test]
fn the_fleet_holds_on_a_smoke_run() {
    smoke("fleet");
}

#[test]
fn the_pacer_holds_on_a_smoke_run() {
    smoke("pacing");
}
