//! `cargo xtask build`: the release wasm → wasm-bindgen (bundler glue) → wasm-opt → `pkg/`, assembled with the
//! hand-written entry modules and declarations of `pkg-template/`.
//!
//! The second build in a row with no change to the inputs does no work beyond cargo's own up-to-date check.

use crate::process;
use crate::setup::Tools;
use crate::{fail, repo_root, Result};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::UNIX_EPOCH;

const CRATE_WASM: &str = "target/wasm32-unknown-unknown/release/kps_wasm.wasm";
const GLUE_DIR: &str = "target/wasm-bindgen";
const STAMP: &str = "pkg/.build-inputs";
const VERSION_PLACEHOLDER: &str = "\"version\": \"0.0.0-set-by-xtask-build\"";

/// wasm-opt's feature flags: the features rustc's wasm32 target enables by default, no more, so that
/// optimisation never introduces instructions an older engine lacks.
pub(crate) const WASM_FEATURES: &[&str] = &[
    "--enable-bulk-memory",
    "--enable-bulk-memory-opt",
    "--enable-nontrapping-float-to-int",
    "--enable-sign-ext",
    "--enable-mutable-globals",
    "--enable-reference-types",
    "--enable-multivalue",
];

pub fn run(tools: &Tools) -> Result {
    println!("== build");
    let root = repo_root();
    // `cargo rustc --crate-type cdylib`, not `cargo build`: for a crate that is also an rlib (the emulator
    // and the native tests link it), Cargo silently drops `lto = true` (rust-lang/cargo#9672). With LTO the
    // wasm is 21 KB smaller raw, 8.2 KB gzip -9 (`cargo xtask build`, either way).
    process::run(
        Command::new("cargo")
            .args([
                "rustc",
                "--release",
                "--target",
                "wasm32-unknown-unknown",
                "--package",
                "kps-wasm",
                "--lib",
                "--crate-type",
                "cdylib",
            ])
            .current_dir(&root),
    )?;

    let inputs = describe_inputs(&root)?;
    if fs::read_to_string(root.join(STAMP)).is_ok_and(|stamp| stamp == inputs) {
        println!("ok  pkg/ is up to date");
        return Ok(());
    }

    let glue_dir = root.join(GLUE_DIR);
    let _ = fs::remove_dir_all(&glue_dir);
    process::run(
        Command::new(&tools.wasm_bindgen)
            .args(["--target", "bundler", "--out-name", "kps_wasm", "--out-dir"])
            .arg(&glue_dir)
            .arg(root.join(CRATE_WASM)),
    )?;
    check_glue_contract(&glue_dir)?;

    let pkg = root.join("pkg");
    let _ = fs::remove_dir_all(&pkg);
    fs::create_dir_all(&pkg)?;
    process::run(
        Command::new(&tools.wasm_opt)
            .arg("-Oz")
            .args(WASM_FEATURES)
            .args(["--strip-debug", "--strip-producers"])
            .arg(glue_dir.join("kps_wasm_bg.wasm"))
            .arg("-o")
            .arg(pkg.join("kps_wasm_bg.wasm")),
    )?;
    fs::copy(glue_dir.join("kps_wasm_bg.js"), pkg.join("kps_wasm_bg.js"))?;
    copy_tree(&glue_dir.join("snippets"), &pkg.join("snippets"))?;
    copy_template(&root.join("pkg-template"), &pkg)?;
    let declarations = fs::read_to_string(pkg.join("index.d.ts"))?;
    fs::write(
        pkg.join("index.d.cts"),
        commonjs_declarations(&declarations)?,
    )?;
    write_npm_readme(&root, &pkg)?;
    for shipped in SHIPPED_FROM_ROOT {
        fs::copy(root.join(shipped), pkg.join(shipped))?;
    }

    fs::write(root.join(STAMP), inputs)?;
    report_sizes(&pkg)?;
    Ok(())
}

/// The entry modules in pkg-template/ do what wasm-bindgen's own bundler entry does (attach the instance
/// with `__wbg_set_wasm`, then call `__wbindgen_start` if exported). Fail loudly if a new wasm-bindgen
/// starts doing more, rather than ship a package that half-initialises.
fn check_glue_contract(glue_dir: &Path) -> Result {
    let entry = fs::read_to_string(glue_dir.join("kps_wasm.js"))?;
    let known = ["__wbg_set_wasm(wasm);", "wasm.__wbindgen_start();"];
    let unexpected: Vec<&str> = entry
        .lines()
        .map(str::trim)
        .filter(|line| !line.starts_with("/*") && !line.starts_with("//"))
        .filter(|line| line.contains("wasm.") || line.contains("(wasm)"))
        .filter(|line| !known.contains(line))
        .collect();
    if !entry.contains(known[0]) || !unexpected.is_empty() {
        fail!(
            "wasm-bindgen's bundler entry changed shape ({unexpected:?}); update pkg-template/loader.js to match {}",
            glue_dir.join("kps_wasm.js").display()
        );
    }
    Ok(())
}

/// Repository files the npm package ships as they are.
const SHIPPED_FROM_ROOT: [&str; 3] = ["CHANGELOG.md", "LICENSE-MIT", "LICENSE-APACHE"];

fn copy_template(template: &Path, pkg: &Path) -> Result {
    for entry in fs::read_dir(template)? {
        let path = entry?.path();
        let Some(name) = path.file_name() else {
            continue;
        };
        if name == "package.json" {
            let text = fs::read_to_string(&path)?;
            if text.matches(VERSION_PLACEHOLDER).count() != 1 {
                fail!("pkg-template/package.json must contain {VERSION_PLACEHOLDER} exactly once");
            }
            let versioned = format!("\"version\": \"{}\"", crate_version()?);
            fs::write(
                pkg.join(name),
                text.replace(VERSION_PLACEHOLDER, &versioned),
            )?;
        } else {
            fs::copy(&path, pkg.join(name))?;
        }
    }
    Ok(())
}

/// Declarations that mean something else in a CommonJS file: a default export (`exports.default` there), an
/// export assignment, and relative imports (they would resolve to ES module declarations).
const ESM_ONLY_DECLARATIONS: [&str; 6] = [
    "export default",
    "export =",
    "from '.",
    "from \".",
    "import('.",
    "import(\".",
];

/// `index.d.cts`, for `require()`: the package is `"type": "module"`, so TypeScript reads `index.d.ts` as an ES
/// module, which a CommonJS file cannot require (TS1479). The same text declares the same API as CommonJS,
/// which is what node.cjs gives (`module.exports` is node.mjs's namespace). A thin `export =` re-export of
/// index.d.ts loses the types or needs import attributes that `module: node16` refuses (tested with tsc 7).
/// Constructs whose meaning differs between the two formats are refused rather than copied.
fn commonjs_declarations(esm: &str) -> Result<String> {
    for construct in ESM_ONLY_DECLARATIONS {
        if esm.contains(construct) {
            fail!(
                "pkg-template/index.d.ts uses `{construct}`, which means something else in the CommonJS copy \
                 (index.d.cts): keep the declarations self-contained, with named exports only"
            );
        }
    }
    Ok(format!(
        "// Generated by `cargo xtask build` from index.d.ts (edit that file): the same declarations, read as\n\
         // CommonJS by TypeScript for `require('kps-wasm')` (the package's `require` condition).\n{esm}"
    ))
}

/// The npm README is the repository README's part for users: everything before "## Develop". One text,
/// so the two cannot drift apart.
fn write_npm_readme(root: &Path, pkg: &Path) -> Result {
    let readme = fs::read_to_string(root.join("README.md"))?;
    let Some(end) = readme.find("\n## Develop") else {
        fail!("README.md has no \"## Develop\" section to end the npm README at");
    };
    let mut text = readme[..end].trim_end().to_owned();
    text.push_str(
        "\n\n## More\n\nThe source, the demo page, the tests and the benchmark are in the kps-wasm repository \
         (<https://github.com/kps-wasm/kps-wasm>), with a local KPS emulator that answers every call of this \
         package offline, misbehaves on demand and serves the demo \
         (<https://github.com/kps-wasm/kps-wasm/tree/main/emulator>). Changes: CHANGELOG.md. Licence: MIT or \
         Apache-2.0, at your option.\n",
    );
    fs::write(pkg.join("README.md"), text)?;
    Ok(())
}

fn crate_version() -> Result<String> {
    let manifest = fs::read_to_string(repo_root().join("Cargo.toml"))?;
    let package = manifest.split("[package]").nth(1).unwrap_or_default();
    let Some(line) = package.lines().find(|line| line.starts_with("version")) else {
        fail!("Cargo.toml: no version in [package]");
    };
    Ok(line.split('"').nth(1).unwrap_or_default().to_owned())
}

pub(crate) fn copy_tree(from: &Path, to: &Path) -> Result {
    if !from.exists() {
        return Ok(());
    }
    fs::create_dir_all(to)?;
    for entry in fs::read_dir(from)? {
        let path = entry?.path();
        let target = to.join(path.file_name().unwrap_or_default());
        if path.is_dir() {
            copy_tree(&path, &target)?;
        } else {
            fs::copy(&path, &target)?;
        }
    }
    Ok(())
}

/// One line per input file (size and modification time): equal lines mean pkg/ is current.
fn describe_inputs(root: &Path) -> Result<String> {
    let mut files: Vec<PathBuf> = vec![
        root.join(CRATE_WASM),
        root.join("Cargo.toml"),
        root.join("README.md"),
    ];
    files.extend(SHIPPED_FROM_ROOT.iter().map(|name| root.join(name)));
    for entry in fs::read_dir(root.join("pkg-template"))? {
        files.push(entry?.path());
    }
    files.sort();
    let mut text = format!("wasm-opt -Oz {}\n", WASM_FEATURES.join(" "));
    for file in files {
        let meta = fs::metadata(&file)?;
        let modified = meta
            .modified()?
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default()
            .as_nanos();
        text.push_str(&format!("{} {} {modified}\n", file.display(), meta.len()));
    }
    Ok(text)
}

/// Sizes of what a browser downloads, raw and gzip -9 (the benchmark reports them in full).
fn report_sizes(pkg: &Path) -> Result {
    for name in [
        "kps_wasm_bg.wasm",
        "kps_wasm_bg.js",
        "index.js",
        "loader.js",
        "api.js",
    ] {
        let raw = fs::metadata(pkg.join(name))?.len();
        let gzip = Command::new("gzip")
            .args(["-9", "-c"])
            .arg(pkg.join(name))
            .output()?;
        if !gzip.status.success() {
            fail!("gzip failed on {name}");
        }
        println!(
            "    pkg/{name:<18} {raw:>7} B raw {:>7} B gzip -9",
            gzip.stdout.len()
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::commonjs_declarations;

    #[test]
    fn the_commonjs_declarations_are_the_esm_ones_under_a_generated_header() {
        let esm = "export function version(): string;\nexport {};\n";
        let cjs = commonjs_declarations(esm).expect("plain named exports are copied");
        assert!(cjs.starts_with("// Generated by `cargo xtask build` from index.d.ts"));
        assert!(cjs.ends_with(esm));
    }

    #[test]
    fn declarations_that_mean_something_else_in_commonjs_are_refused() {
        for esm in [
            "export default function version(): string;",
            "declare const kps: object;\nexport = kps;",
            "export type { KpsError } from './errors.js';",
            "export type Task = import(\"./tasks.js\").Task;",
        ] {
            let error = commonjs_declarations(esm).expect_err(esm);
            assert!(error.0.contains("index.d.cts"), "{}", error.0);
        }
    }
}
