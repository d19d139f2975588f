//! `cargo xtask test`: setup, build, then every test suite, with one summary line per suite.
//!
//! Suites run in order and all of them run even when one fails, so one run shows every failure; the exit
//! status is non-zero if any failed.

use crate::emulator::Emulator;
use crate::setup::{Tools, CHROMEDRIVER};
use crate::{build, demo, process, repo_root, setup, Result};
use std::process::Command;
use std::time::Instant;

struct Suite {
    name: &'static str,
    run: fn(&Tools) -> Result,
}

const SUITES: &[Suite] = &[
    Suite {
        name: "repository self-contained (no tracked file names a path outside it)",
        run: |_| crate::self_contained::check(),
    },
    Suite {
        name: "format and lints (cargo fmt, clippy native and wasm32, the alternatives probe)",
        run: lints,
    },
    Suite {
        name: "native Rust tests (cargo test, whole workspace)",
        run: native,
    },
    Suite {
        name: "property tests, a smoke of every cargo xtask fuzz target (cargo test -p kps-fuzz)",
        run: property_smoke,
    },
    Suite {
        name: "hostile server, a smoke of the fuzz stage (300 exchanges, Node and Chromium)",
        run: |tools| crate::fuzz::smoke("hostile", tools),
    },
    Suite {
        name: "wasm-bindgen-test in Node",
        run: wasm_in_node,
    },
    Suite {
        name: "wasm-bindgen-test in headless Chromium",
        run: wasm_in_chromium,
    },
    Suite {
        name: "package in Node (ESM, CJS; node:test)",
        run: package_in_node,
    },
    Suite {
        name:
            "soak, a smoke of the fuzz stage (3,000 calls, 256 in flight, one shared signal, Node)",
        run: |tools| crate::fuzz::smoke("soak", tools),
    },
    Suite {
        name: "JS-boundary fuzz, a smoke (cargo xtask fuzz --stage js-boundary, 3,000 values)",
        run: |tools| crate::fuzz::smoke("js-boundary", tools),
    },
    Suite {
        name: "package in Chromium (page, worker, Vite build, same-origin proxy; Playwright)",
        run: package_in_chromium,
    },
    Suite {
        name: "TypeScript declarations (tsc --strict: ESM, bundler, CommonJS; README examples)",
        run: typescript,
    },
    Suite {
        name: "demo page served by the emulator (demo --check)",
        run: demo_page,
    },
    Suite {
        name: "demo page end to end (Playwright, desktop and phone)",
        run: demo_end_to_end,
    },
];

pub fn run() -> Result {
    let tools = setup::run()?;
    build::run(&tools)?;
    let mut results = Vec::new();
    for suite in SUITES {
        println!("\n== test: {}", suite.name);
        let started = Instant::now();
        let outcome = (suite.run)(&tools);
        results.push((suite.name, outcome, started.elapsed()));
    }
    println!("\n== summary");
    let mut failed = 0;
    for (name, outcome, elapsed) in &results {
        match outcome {
            Ok(()) => println!("PASS  {name}  ({:.1}s)", elapsed.as_secs_f64()),
            Err(e) => {
                failed += 1;
                println!("FAIL  {name}  ({:.1}s): {}", elapsed.as_secs_f64(), e.0);
            }
        }
    }
    if failed > 0 {
        crate::fail!("{failed} of {} suites failed", results.len());
    }
    println!("all {} suites passed", results.len());
    Ok(())
}

fn cargo(args: &[&str]) -> Command {
    let mut cmd = Command::new("cargo");
    cmd.args(args).current_dir(repo_root());
    cmd
}

fn lints(_: &Tools) -> Result {
    process::run(&mut cargo(&["fmt", "--all", "--", "--check"]))?;
    process::run(&mut cargo(&[
        "clippy",
        "--workspace",
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ]))?;
    process::run(&mut cargo(&[
        "clippy",
        "--package",
        "kps-wasm",
        "--target",
        "wasm32-unknown-unknown",
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ]))?;
    // The alternatives probe is its own workspace: checked here so that it keeps building as the library
    // changes (`cargo xtask alternatives` is run by hand).
    let probe = "bench/alternatives/Cargo.toml";
    process::run(&mut cargo(&[
        "fmt",
        "--manifest-path",
        probe,
        "--",
        "--check",
    ]))?;
    process::run(&mut cargo(&[
        "clippy",
        "--manifest-path",
        probe,
        "--target",
        "wasm32-unknown-unknown",
        "--all-features",
        "--target-dir",
        "target/alternatives/cargo",
        "--",
        "-D",
        "warnings",
    ]))
}

/// The property tests have a suite of their own, below.
fn native(_: &Tools) -> Result {
    process::run(&mut cargo(&[
        "test",
        "--workspace",
        "--exclude",
        "kps-fuzz",
    ]))
}

/// A few hundred cases of each target (KPS_FUZZ_SMOKE_CASES), with a new seed each run.
fn property_smoke(_: &Tools) -> Result {
    process::run(&mut cargo(&["test", "--package", "kps-fuzz"]))
}

/// `cargo test` for wasm32, run by wasm-bindgen-test-runner; one test binary per environment.
fn wasm_tests(tools: &Tools, test: &str) -> Command {
    let mut cmd = cargo(&[
        "test",
        "--package",
        "kps-wasm",
        "--target",
        "wasm32-unknown-unknown",
        "--test",
        test,
    ]);
    cmd.env(
        "CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER",
        &tools.wasm_bindgen_test_runner,
    )
    .env("WASM_BINDGEN_TEST_TIMEOUT", "120");
    cmd
}

/// The port the wasm suites' emulator prefers: the tests read its URL at compile time, so a stable port
/// spares a rebuild of the test crate on every run.
const WASM_SUITE_PORT: u16 = 18787;

/// A fresh emulator (fresh state) for one wasm suite.
fn emulator_for_wasm_suite() -> Result<Emulator> {
    // Task phases long enough that a 100 ms poll sees each one, even on a busy machine; fleet servers for the
    // disassociateKeypairs suite (f1ee7000-…-00000000NNNN).
    let args = [
        "--task-ready-ms",
        "300",
        "--task-running-ms",
        "600",
        "--fleet",
        "1200",
    ];
    Emulator::start(WASM_SUITE_PORT, &args).or_else(|_| Emulator::start(0, &args))
}

fn wasm_in_node(tools: &Tools) -> Result {
    let emulator = emulator_for_wasm_suite()?;
    process::run(wasm_tests(tools, "node").env("KPS_EMULATOR_URL", &emulator.url))
}

fn wasm_in_chromium(tools: &Tools) -> Result {
    let emulator = emulator_for_wasm_suite()?;
    process::run(
        wasm_tests(tools, "browser")
            .env("KPS_EMULATOR_URL", &emulator.url)
            .env("CHROMEDRIVER", CHROMEDRIVER)
            .env(
                "WASM_BINDGEN_TEST_WEBDRIVER_JSON",
                repo_root().join("tests/webdriver.json"),
            ),
    )
}

fn node_test(files: &[&str]) -> Command {
    let mut cmd = Command::new("node");
    cmd.arg("--test")
        .arg("--test-reporter=spec")
        .args(files)
        .current_dir(repo_root());
    cmd
}

fn package_in_node(_: &Tools) -> Result {
    let emulator = Emulator::start(0, &[])?;
    process::run(
        node_test(&[
            "tests/js/node-esm.test.mjs",
            "tests/js/node-cjs.test.cjs",
            "tests/js/exports.test.mjs",
            "tests/js/hostile-regressions.test.mjs",
        ])
        .env("KPS_EMULATOR_URL", &emulator.url),
    )
}

/// The proxy tests forward to this emulator; the other pages need none but share the run.
fn package_in_chromium(_: &Tools) -> Result {
    let emulator = Emulator::start(0, &[])?;
    process::run(
        node_test(&[
            "tests/js/chromium.test.mjs",
            "tests/js/chromium-proxy.test.mjs",
        ])
        .env("KPS_EMULATOR_URL", &emulator.url),
    )
}

/// The declarations as each kind of project resolves them (node_modules/kps-wasm is a link to pkg/): an ES
/// module project (`nodenext`), a bundler one, and a CommonJS one (`node16`, which refuses to require ESM
/// declarations, and `nodenext`); then README.md's examples, extracted and compiled by
/// tests/types/readme-blocks.mjs.
fn typescript(_: &Tools) -> Result {
    let tsc = |project: &str, overrides: &[&str]| {
        let mut cmd = Command::new(repo_root().join("node_modules/.bin/tsc"));
        cmd.args(["--project", project])
            .args(overrides)
            .current_dir(repo_root());
        cmd
    };
    process::run(&mut tsc("tests/types/tsconfig.json", &[]))?;
    process::run(&mut tsc("tests/types/tsconfig.bundler.json", &[]))?;
    process::run(&mut tsc("tests/types/cjs/tsconfig.json", &[]))?;
    let nodenext = ["--module", "nodenext", "--moduleResolution", "nodenext"];
    process::run(&mut tsc("tests/types/cjs/tsconfig.json", &nodenext))?;
    process::run(&mut node_test(&["tests/types/readme-blocks.test.mjs"]))?;
    process::run(
        Command::new("node")
            .arg("tests/types/readme-blocks.mjs")
            .current_dir(repo_root()),
    )
}

fn demo_page(_: &Tools) -> Result {
    demo::check_demo_page()
}

/// tests/e2e/demo.test.mjs against a fresh emulator with short task phases (under a second in all, yet long
/// enough that a 100 ms poll sees RUNNING on a busy machine), and fleet servers for the fleet mode's cases.
/// Screenshots land in tests/e2e/artifacts/.
fn demo_end_to_end(_: &Tools) -> Result {
    let args = [
        "--task-ready-ms",
        "300",
        "--task-running-ms",
        "600",
        "--fleet",
        "400",
    ];
    let emulator = Emulator::start(0, &args)?;
    process::run(
        node_test(&["tests/e2e/demo.test.mjs"]).env("KPS_DEMO_URL", format!("{}/", emulator.url)),
    )
}
