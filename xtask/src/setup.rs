//! `cargo xtask setup`: installs what the build and the tests need, skipping whatever is already in place.
//!
//! - the `wasm32-unknown-unknown` Rust target (rustup);
//! - the wasm-bindgen CLI at exactly the version of the `wasm-bindgen` crate in Cargo.lock (cargo install --locked);
//! - Debian's `chromium` and `chromium-driver` (apt-get), for wasm-bindgen-test and Playwright;
//! - the JS dev tools from package-lock.json (npm ci): wasm-opt (npm `binaryen`), playwright-core, vite, typescript.

use crate::process::{self, output};
use crate::{fail, repo_root, Result};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

const WASM_TARGET: &str = "wasm32-unknown-unknown";
pub const CHROMIUM: &str = "/usr/bin/chromium";
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// Where the tools live once setup has run.
pub struct Tools {
    pub wasm_bindgen: PathBuf,
    pub wasm_bindgen_test_runner: PathBuf,
    pub wasm_opt: PathBuf,
}

pub fn run() -> Result<Tools> {
    println!("== setup");
    ensure_wasm_target()?;
    let (wasm_bindgen, wasm_bindgen_test_runner) = ensure_wasm_bindgen()?;
    ensure_chromium()?;
    ensure_npm_packages()?;
    let wasm_opt = repo_root().join("node_modules/.bin/wasm-opt");
    if output(Command::new(&wasm_opt).arg("--version")).is_none() {
        fail!(
            "{} does not run; delete node_modules/ and run `cargo xtask setup` again",
            wasm_opt.display()
        );
    }
    Ok(Tools {
        wasm_bindgen,
        wasm_bindgen_test_runner,
        wasm_opt,
    })
}

fn ensure_wasm_target() -> Result {
    let installed =
        output(Command::new("rustup").args(["target", "list", "--installed"])).unwrap_or_default();
    if installed.lines().any(|line| line.trim() == WASM_TARGET) {
        println!("ok  Rust target {WASM_TARGET}");
        return Ok(());
    }
    println!("..  adding the Rust target {WASM_TARGET}");
    process::run(Command::new("rustup").args(["target", "add", WASM_TARGET]))
}

/// The version of a package as locked in Cargo.lock.
pub fn locked_version(package: &str) -> Result<String> {
    let lock = fs::read_to_string(repo_root().join("Cargo.lock"))?;
    let needle = format!("name = \"{package}\"\nversion = \"");
    let Some(start) = lock.find(&needle).map(|i| i + needle.len()) else {
        fail!("Cargo.lock has no package {package}; run `cargo generate-lockfile`");
    };
    let version: String = lock[start..].chars().take_while(|c| *c != '"').collect();
    Ok(version)
}

fn cargo_bin_dir() -> PathBuf {
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| Path::new(&home).join(".cargo")))
        .unwrap_or_else(|| PathBuf::from(".cargo"));
    home.join("bin")
}

fn ensure_wasm_bindgen() -> Result<(PathBuf, PathBuf)> {
    let version = locked_version("wasm-bindgen")?;
    let bin = cargo_bin_dir();
    let cli = bin.join("wasm-bindgen");
    let runner = bin.join("wasm-bindgen-test-runner");
    // Both print "<name> <version>".
    let installed = |path: &Path| {
        output(Command::new(path).arg("--version"))
            .is_some_and(|v| v.split_whitespace().nth(1) == Some(version.as_str()))
    };
    if installed(&cli) && installed(&runner) {
        println!("ok  wasm-bindgen CLI {version} (as locked)");
        return Ok((cli, runner));
    }
    println!("..  installing the wasm-bindgen CLI {version}, the version Cargo.lock pins (a few minutes)");
    process::run(Command::new("cargo").args([
        "install",
        "wasm-bindgen-cli",
        "--version",
        &version,
        "--locked",
        "--force",
    ]))?;
    if !installed(&cli) {
        fail!(
            "{} still does not report version {version} after cargo install",
            cli.display()
        );
    }
    Ok((cli, runner))
}

fn ensure_chromium() -> Result {
    if Path::new(CHROMIUM).exists() && Path::new(CHROMEDRIVER).exists() {
        println!("ok  Chromium and ChromeDriver (Debian packages)");
        return Ok(());
    }
    println!("..  installing Debian's chromium and chromium-driver for the browser tests");
    let apt = |args: &[&str]| {
        let mut cmd = if is_root() {
            Command::new("apt-get")
        } else {
            let mut sudo = Command::new("sudo");
            sudo.args(["-n", "apt-get"]);
            sudo
        };
        cmd.args(args).env("DEBIAN_FRONTEND", "noninteractive");
        process::run(&mut cmd)
    };
    let packages = [
        "install",
        "-y",
        "--no-install-recommends",
        "chromium",
        "chromium-driver",
    ];
    if apt(&packages).is_err() {
        // A fresh machine may have no package lists yet.
        apt(&["update"])?;
        apt(&packages)?;
    }
    if !Path::new(CHROMIUM).exists() || !Path::new(CHROMEDRIVER).exists() {
        fail!("apt-get finished but {CHROMIUM} or {CHROMEDRIVER} is missing");
    }
    Ok(())
}

fn is_root() -> bool {
    output(Command::new("id").arg("-u")).is_some_and(|uid| uid.trim() == "0")
}

/// `npm ci` when package-lock.json changed since the last install, then links pkg/ as
/// node_modules/kps-wasm so that tests import the package by name, as users do.
fn ensure_npm_packages() -> Result {
    let root = repo_root();
    let lock = fs::read(root.join("package-lock.json"))?;
    let stamp = root.join("node_modules/.kps-wasm-installed-lock.json");
    if fs::read(&stamp).is_ok_and(|installed| installed == lock) {
        println!("ok  npm packages (package-lock.json unchanged since npm ci)");
    } else {
        println!("..  installing the JS dev tools from package-lock.json");
        process::run(
            Command::new("npm")
                .args(["ci", "--no-audit", "--no-fund"])
                .current_dir(&root),
        )?;
        fs::write(&stamp, &lock)?;
    }
    let link = root.join("node_modules/kps-wasm");
    if fs::read_link(&link).is_err() {
        let _ = fs::remove_dir_all(&link);
        std::os::unix::fs::symlink("../pkg", &link)?;
    }
    Ok(())
}
