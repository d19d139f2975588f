//! The `hostile` stage: the npm package in Node and in Chromium against a server that answers from a seeded
//! generator (any status; missing, duplicated and huge headers; bodies that drip, stop mid-chunk, lie in
//! Content-Length, are not UTF-8 or are gzip bombs; redirects; resets before and after the headers; valid KPS
//! answers and KPS/APIGW errors; 429s with odd `Retry-After`; HTML gateway pages; wrong CORS now and then).
//! Every call must settle within its bound, reject only with a `KpsError` of a known name carrying none of its
//! secrets, leave no unhandled rejection and no trap, and a normal call must succeed afterwards.
//!
//! Why the server is JavaScript (`tests/reliability/hostile-server.mjs`, Node's `net`) and not a mode of the
//! emulator: the server's choices and the client's (operation, credentials, timeouts, aborts) are one
//! generator in one file, `hostile-client.mjs`, shared by the Node driver, the Chromium page and the server,
//! so a failure's exchange is replayed whole from (seed, index) alone, with the server's trace; Node's raw
//! sockets give every fault needed (`resetAndDestroy` for a RST, partial writes, no framing at all) and its
//! `zlib` the gzip bomb, with no new crate in the emulator that CI rebuilds from scratch. Exchange `i` runs
//! in Node when even, in Chromium when odd, and names itself in its endpoint's path (`/h/<i>`), which the
//! package keeps as a prefix: concurrency does not change what an exchange gets.
//!
//! `--exchange I` replays one exchange (with the server's trace of its requests); `--seed X` the whole run.

use super::properties::thousands;
use super::{Figures, Scale, StageRun};
use crate::emulator::Emulator;
use crate::{fail, process, repo_root, Result};
use std::process::Command;

/// Exchanges of a full run (half in Node, half in Chromium): issue #15 asks for 10,000 at least.
const FULL_EXCHANGES: u64 = 12_000;
/// Exchanges of the smoke in `cargo xtask test`: about ten seconds.
const SMOKE_EXCHANGES: u64 = 300;

pub fn run(given: &StageRun) -> Result<Figures> {
    let figures_file = repo_root().join("target/fuzz/hostile.tsv");
    std::fs::create_dir_all(repo_root().join("target/fuzz"))?;
    let _ = std::fs::remove_file(&figures_file);
    // The normal emulator, for the call that must still succeed after the hostile run.
    let emulator = Emulator::start(0, &[])?;
    let exchanges = match given.scale {
        Scale::Smoke => SMOKE_EXCHANGES,
        Scale::Full => FULL_EXCHANGES,
    };
    let mut cmd = Command::new("node");
    cmd.arg("tests/reliability/hostile.mjs")
        .args(["--seed", &format!("{:x}", given.seed)])
        .arg("--figures")
        .arg(&figures_file)
        .env("KPS_EMULATOR_URL", &emulator.url)
        .current_dir(repo_root());
    match given.args {
        [] => {
            cmd.args(["--exchanges", &exchanges.to_string()]);
        }
        ["--exchange", index] => {
            cmd.args(["--exchange", index]);
        }
        other => fail!("the hostile stage takes --exchange I only, not {other:?}"),
    }
    let outcome = process::run(&mut cmd);
    let figures = figures(&std::fs::read_to_string(&figures_file).unwrap_or_default());
    match outcome {
        Ok(()) if figures.rows.is_empty() => fail!("the hostile driver wrote no figures"),
        Ok(()) => Ok(figures),
        Err(_) => fail!(
            "hostile exchanges failed (each printed above as `seed X exchange I`); replay with \
             `cargo xtask fuzz --stage hostile --seed {:x}`, one exchange with `--exchange I` (sizes: {} \
             in a full run, {} in the smoke)",
            given.seed,
            thousands(FULL_EXCHANGES),
            thousands(SMOKE_EXCHANGES)
        ),
    }
}

/// The driver's `what<TAB>figure` lines.
fn figures(tsv: &str) -> Figures {
    let mut figures = Figures::default();
    for line in tsv.lines() {
        if let Some((what, figure)) = line.split_once('\t') {
            figures.row(what, figure);
        }
    }
    figures
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_driver_s_lines_become_rows_and_a_line_without_a_tab_is_left_out() {
        let figures = figures("exchanges\t12,000 (Node 6,000, Chromium 6,000)\nstray\n");
        assert_eq!(
            figures.rows,
            vec![(
                "exchanges".to_owned(),
                "12,000 (Node 6,000, Chromium 6,000)".to_owned()
            )]
        );
    }
}
