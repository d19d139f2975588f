//! `cargo xtask alternatives`: re-measures the design decisions of ARCHITECTURE.md, where the library does by
//! hand what a well-kept library would do (options, responses, fetch, the endpoint URL).
//!
//! Builds the probe crate `bench/alternatives/` once per alternative, with the package's release profile,
//! wasm-bindgen and `wasm-opt -Oz` flags, so that each build is the shipped library plus that one
//! alternative; writes each build's wasm size (raw and `gzip -9 -n`) to `target/alternatives/builds.json`;
//! then `bench/alternatives/report.mjs` times each alternative against the library's way in Node, checks
//! the behaviour differences the record claims, prints Markdown tables and writes
//! `target/alternatives/results.json`. A claim that no longer holds is reported, not asserted.

use crate::process;
use crate::setup::Tools;
use crate::{build, fail, repo_root, setup, Result};
use std::fmt::Write as _;
use std::fs;
use std::path::Path;
use std::process::Command;

const PROBE: &str = "bench/alternatives";
const OUT_DIR: &str = "target/alternatives";

/// Each build: a directory name, what it holds, and the probe's features that make it.
const BUILDS: &[(&str, &str, &str)] = &[
    ("library", "the library as shipped", ""),
    (
        "options-serde",
        "+ options read by serde-wasm-bindgen into #[derive(Deserialize)] structs",
        "options-serde",
    ),
    (
        "responses-serde-json",
        "+ responses read by serde_json into #[derive(Deserialize)] models",
        "responses-serde-json",
    ),
    (
        "responses-serde-wasm-bindgen",
        "+ responses read by JSON.parse + serde-wasm-bindgen into the same models",
        "responses-serde-wasm-bindgen",
    ),
    (
        "options-and-responses-serde",
        "+ options and responses, both through serde-wasm-bindgen",
        "options-serde,responses-serde-wasm-bindgen",
    ),
    (
        "fetch-gloo-net",
        "+ fetch through gloo-net",
        "fetch-gloo-net",
    ),
    (
        "endpoint-url",
        "+ the endpoint's host read by the url crate (size only)",
        "endpoint-url",
    ),
];

pub fn run(quick: bool) -> Result {
    let tools = setup::run()?;
    let root = repo_root();
    let out = root.join(OUT_DIR);
    fs::create_dir_all(&out)?;
    let mut builds = String::from("[\n");
    for (index, (slug, name, features)) in BUILDS.iter().enumerate() {
        println!("== alternatives: {name}");
        let dir = out.join(slug);
        build_probe(&tools, features, &dir)?;
        let wasm = dir.join("kps_alternatives_bg.wasm");
        let raw = fs::metadata(&wasm)?.len();
        let gzip = gzip_size(&wasm)?;
        println!("    {raw} B raw, {gzip} B gzip -9 -n");
        let separator = if index + 1 < BUILDS.len() { "," } else { "" };
        writeln!(
            builds,
            "  {{ \"dir\": \"{slug}\", \"name\": \"{name}\", \"features\": \"{features}\", \"raw\": {raw}, \
             \"gzip\": {gzip} }}{separator}"
        )?;
    }
    builds.push_str("]\n");
    fs::write(out.join("builds.json"), builds)?;

    let mut report = Command::new("node");
    report
        .arg(root.join(PROBE).join("report.mjs"))
        .arg(&out)
        .current_dir(&root);
    if quick {
        report.args(["--calls", "2000", "--rounds", "2"]);
    }
    process::run(&mut report)
}

/// The probe with `features`, through the package's pipeline (see build.rs), into `dir`.
fn build_probe(tools: &Tools, features: &str, dir: &Path) -> Result {
    let root = repo_root();
    let target = root.join(OUT_DIR).join("cargo");
    let mut cargo = Command::new("cargo");
    cargo
        .args(["build", "--release", "--target", "wasm32-unknown-unknown"])
        .arg("--manifest-path")
        .arg(root.join(PROBE).join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", &target)
        .current_dir(&root);
    if !features.is_empty() {
        cargo.args(["--features", features]);
    }
    process::run(&mut cargo)?;

    let glue = root.join(OUT_DIR).join("wasm-bindgen");
    let _ = fs::remove_dir_all(&glue);
    process::run(
        Command::new(&tools.wasm_bindgen)
            .args([
                "--target",
                "bundler",
                "--out-name",
                "kps_alternatives",
                "--out-dir",
            ])
            .arg(&glue)
            .arg(target.join("wasm32-unknown-unknown/release/kps_alternatives.wasm")),
    )?;
    let _ = fs::remove_dir_all(dir);
    fs::create_dir_all(dir)?;
    process::run(
        Command::new(&tools.wasm_opt)
            .arg("-Oz")
            .args(build::WASM_FEATURES)
            .args(["--strip-debug", "--strip-producers"])
            .arg(glue.join("kps_alternatives_bg.wasm"))
            .arg("-o")
            .arg(dir.join("kps_alternatives_bg.wasm")),
    )?;
    fs::copy(
        glue.join("kps_alternatives_bg.js"),
        dir.join("kps_alternatives_bg.js"),
    )?;
    build::copy_tree(&glue.join("snippets"), &dir.join("snippets"))?;
    // The glue and its snippets are ES modules.
    fs::write(dir.join("package.json"), "{ \"type\": \"module\" }\n")?;
    Ok(())
}

fn gzip_size(path: &Path) -> Result<u64> {
    let gzip = Command::new("gzip")
        .args(["-9", "-n", "-c"])
        .arg(path)
        .output()?;
    if !gzip.status.success() {
        fail!("gzip failed on {}", path.display());
    }
    Ok(gzip.stdout.len() as u64)
}
