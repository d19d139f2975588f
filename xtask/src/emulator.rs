//! Starting the KPS emulator (`kps-emulator`) for the demo, the test suites that need a server, and the bench.

use crate::{fail, process, repo_root, Result};
use std::io::{BufRead, BufReader, Lines};
use std::process::{Child, ChildStdout, Command, Stdio};

/// A running emulator; stopped when dropped.
pub struct Emulator {
    child: Child,
    /// Its base URL, e.g. `http://127.0.0.1:8787`.
    pub url: String,
    /// The rest of its stdout (the first line, the URL, is consumed).
    pub output: Lines<BufReader<ChildStdout>>,
}

/// The cargo profile the emulator is built with.
#[derive(Clone, Copy)]
pub enum Profile {
    /// Shared with `cargo test`, so tests and the demo build nothing twice.
    Dev,
    /// Optimised (opt-level 3, see Cargo.toml), for the bench: the server must not be the bottleneck.
    Release,
}

impl Emulator {
    /// Builds (dev profile, shared with `cargo test`) and starts the emulator serving `www/` and `pkg/`.
    /// `port` 0 picks a free port.
    pub fn start(port: u16, extra_args: &[&str]) -> Result<Emulator> {
        let mut args = vec!["--www", "www", "--pkg", "pkg"];
        args.extend_from_slice(extra_args);
        Emulator::start_with(Profile::Dev, port, &args)
    }

    /// Builds the emulator with `profile` and starts it on `port` (0 picks a free one) with `args`, from the
    /// repository root.
    pub fn start_with(profile: Profile, port: u16, args: &[&str]) -> Result<Emulator> {
        let root = repo_root();
        let (build_args, binary): (&[&str], _) = match profile {
            Profile::Dev => (
                &["build", "--package", "kps-emulator"],
                "target/debug/kps-emulator",
            ),
            Profile::Release => (
                &["build", "--release", "--package", "kps-emulator"],
                "target/release/kps-emulator",
            ),
        };
        process::run(Command::new("cargo").args(build_args).current_dir(&root))?;
        let mut child = Command::new(root.join(binary))
            .args(["--port", &port.to_string()])
            .args(args)
            .current_dir(&root)
            .stdout(Stdio::piped())
            .spawn()?;
        let Some(stdout) = child.stdout.take() else {
            fail!("the emulator's stdout is not piped");
        };
        let mut output = BufReader::new(stdout).lines();
        let first = output.next().transpose()?.unwrap_or_default();
        let Some(url) = first.strip_prefix("listening on ") else {
            let _ = child.kill();
            let _ = child.wait();
            fail!("the emulator did not start (its first line was {first:?})");
        };
        let url = url.to_owned();
        Ok(Emulator { child, url, output })
    }

    /// Waits for the emulator to exit (Ctrl-C), echoing what it prints.
    pub fn wait(mut self) -> Result {
        for line in self.output.by_ref() {
            println!("{}", line?);
        }
        self.child.wait()?;
        Ok(())
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
