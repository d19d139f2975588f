//! `cargo xtask`: the one entry point for setting up, building, testing and demonstrating kps-wasm.
//!
//! ```text
//! cargo xtask setup          install what the build and tests need (idempotent, fast when done)
//! cargo xtask build          setup, then build the npm package into pkg/
//! cargo xtask test           setup, build, then run every test suite
//! cargo xtask demo [--check] setup, build, then serve the demo page with the emulator
//! cargo xtask bench [--quick] setup, build, then measure size, start-up and speed (target/bench/results.json)
//! cargo xtask alternatives [--quick]  re-measure the hand-written parts against the libraries (ARCHITECTURE.md)
//! cargo xtask fuzz [--stage NAME]... [--seed X] [--cases N] [--seconds S] [TARGET...]
//!                            the reliability set: property tests at volume and the stages of xtask/src/fuzz
//! cargo xtask mutants [--missed | --rest | --record | --summary] [FILE...]
//!                            test strength: cargo-mutants on the pure core (target/mutants/summary.md)
//! ```

mod alternatives;
mod bench;
mod build;
mod demo;
mod emulator;
mod fuzz;
mod mutants;
mod process;
mod readme;
mod self_contained;
mod setup;
mod test;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// An xtask failure: a message for the person at the terminal.
#[derive(Debug)]
pub struct Error(pub String);

impl<E: std::fmt::Display> From<E> for Error {
    fn from(e: E) -> Self {
        Error(e.to_string())
    }
}

pub type Result<T = ()> = std::result::Result<T, Error>;

/// Returns early with a formatted [`Error`].
#[macro_export]
macro_rules! fail {
    ($($arg:tt)*) => { return Err($crate::Error(format!($($arg)*))) };
}

/// The repository root (the workspace that holds `xtask/`).
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives one level below the repository root")
        .to_path_buf()
}

const USAGE: &str =
    "usage: cargo xtask <setup | build | test | demo [--check] | bench [--quick] | alternatives [--quick] | \
     fuzz [--stage NAME]... [--seed X] [--cases N] [--seconds S] [--jobs J] [--list] [TARGET...] | \
     mutants [--missed | --rest | --record | --summary] [FILE...]>";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let outcome = match args.as_slice() {
        ["setup"] => setup::run().map(|_| ()),
        ["build"] => setup::run().and_then(|tools| build::run(&tools)),
        ["test"] => test::run(),
        ["demo"] => demo::run(false),
        ["demo", "--check"] => demo::run(true),
        ["bench"] => bench::run(false),
        ["bench", "--quick"] => bench::run(true),
        ["alternatives"] => alternatives::run(false),
        ["alternatives", "--quick"] => alternatives::run(true),
        ["fuzz", rest @ ..] => fuzz::run(rest),
        ["mutants", rest @ ..] => mutants::run(rest),
        _ => Err(Error(USAGE.to_owned())),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(Error(message)) => {
            eprintln!("xtask: {message}");
            ExitCode::FAILURE
        }
    }
}
