//! `cargo xtask fuzz [--cases N] [--seconds S] [--seed X] [--jobs J] [TARGET...]`: the property tests of
//! `fuzz/` (kps-fuzz) at volume. Without options, each target runs its full-run count (at least 10 million
//! cases in all; `cargo xtask fuzz --list` shows them); `--cases N` runs N cases of each target, `--seconds S`
//! stops each after S seconds. It prints the cases, time and rate of each target, and for a failure the
//! minimal input and the seed that replays it (`--seed`).
//!
//! Built in the `fuzz` profile (Cargo.toml): release speed, but a panic unwinds, so that proptest catches
//! and shrinks it, and integer overflow is checked. `cargo xtask test` runs a smoke of every target
//! instead (`cargo test -p kps-fuzz`, a few hundred cases each).

use crate::{process, repo_root, Result};
use std::process::Command;

pub fn run(args: &[&str]) -> Result {
    let mut cmd = Command::new("cargo");
    cmd.args(["run", "--profile", "fuzz", "--package", "kps-fuzz", "--"])
        .args(args)
        .current_dir(repo_root());
    process::run(&mut cmd)
}
