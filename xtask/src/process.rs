//! Running external commands with a visible trace and a clear failure message.

use crate::{fail, Result};
use std::process::{Command, Stdio};

/// Prints the command, runs it with inherited stdio, and fails with its exit status.
pub fn run(cmd: &mut Command) -> Result {
    let shown = describe(cmd);
    println!("$ {shown}");
    let status = match cmd.status() {
        Ok(status) => status,
        Err(e) => fail!("could not start `{shown}`: {e}"),
    };
    if !status.success() {
        fail!("`{shown}` failed ({status})");
    }
    Ok(())
}

/// Runs the command quietly and returns its stdout, or None if it could not run or failed.
pub fn output(cmd: &mut Command) -> Option<String> {
    let out = cmd.stderr(Stdio::null()).output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

fn describe(cmd: &Command) -> String {
    let mut text = cmd.get_program().to_string_lossy().into_owned();
    for arg in cmd.get_args() {
        text.push(' ');
        text.push_str(&arg.to_string_lossy());
    }
    text
}
