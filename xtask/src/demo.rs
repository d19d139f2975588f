//! `cargo xtask demo`: setup, build, then the emulator serves the demo page (`www/`) and the package (`pkg/`)
//! on 127.0.0.1. With `--check`, the same path runs headless: the page is loaded in Chromium, Disassociate is
//! pressed on the pre-filled form and the task must reach SUCCESS, then the pre-filled fleet must be unbound
//! whole, and the command exits.

use crate::emulator::Emulator;
use crate::{build, process, repo_root, setup, Result};
use std::process::Command;

const DEMO_PORT: u16 = 8787;
/// Task phases slow enough to watch READY → RUNNING → SUCCESS on the page (it polls every 500 ms). The check
/// keeps the emulator's fast defaults: it looks at the outcome, not the pace.
const DEMO_TASK_TIMINGS: &[&str] = &["--task-ready-ms", "1500", "--task-running-ms", "4000"];
/// Servers for the page's fleet mode (`f1ee7000-…-00000000NNNN`, emulator/README.md): its form is pre-filled
/// with the first five, and its emulator panel lists them all.
const DEMO_FLEET: &[&str] = &["--fleet", "200"];

pub fn run(check: bool) -> Result {
    let tools = setup::run()?;
    build::run(&tools)?;
    println!("== demo");
    if check {
        return check_demo_page();
    }
    let emulator = Emulator::start(DEMO_PORT, &[DEMO_TASK_TIMINGS, DEMO_FLEET].concat())?;
    println!("\nThe demo is at {}/  (Ctrl-C to stop)\n", emulator.url);
    emulator.wait()
}

/// Serves the demo on a free port and drives it headless with tests/e2e/demo-check.mjs.
pub fn check_demo_page() -> Result {
    let emulator = Emulator::start(0, DEMO_FLEET)?;
    let url = format!("{}/", emulator.url);
    process::run(
        Command::new("node")
            .args(["tests/e2e/demo-check.mjs", &url])
            .current_dir(repo_root()),
    )?;
    println!("demo check passed at {url}");
    Ok(())
}
