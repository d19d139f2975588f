//! `cargo xtask mutants [--summary] [FILE...]`: how strong the native tests are, measured with cargo-mutants.
//!
//! cargo-mutants (crates.io, [`VERSION`], installed if missing) changes the pure core one operator at a time
//! and runs the native tests against each change: a change no test notices is a *missed* mutant. What is
//! mutated, which tests judge it, the timeouts and the mutants skipped as equivalent (each with its reason)
//! are in `.cargo/mutants.toml`. Not part of `cargo xtask test`: a whole run takes hours of one core.
//!
//! Results, in `target/mutants/`:
//! - `mutants.out/`: cargo-mutants' own output of the last run (a diff and a log per mutant);
//! - `files/<file>.tsv`: each file's latest outcomes, kept across runs, so that the core can be measured a
//!   few files at a time (`cargo xtask mutants src/signing.rs`) and the table still covers every file;
//! - `missed.txt`: every missed mutant of those latest outcomes; `summary.md`: the table README copies.
//!
//! `--summary` prints the table of the files measured so far without running anything.

use crate::bench::json::Json;
use crate::process::{self, output};
use crate::{fail, repo_root, Result};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

/// The cargo-mutants release the config and the figures in README were made with.
pub const VERSION: &str = "27.1.0";

/// The outcomes cargo-mutants gives a mutant, in the order of the table's columns.
const OUTCOMES: [&str; 4] = ["caught", "missed", "timeout", "unviable"];

pub fn run(args: &[&str]) -> Result {
    let (summary_only, files): (Vec<&str>, Vec<&str>) =
        args.iter().partition(|arg| **arg == "--summary");
    if let Some(option) = files.iter().find(|file| file.starts_with('-')) {
        fail!("unknown option {option}; usage: cargo xtask mutants [--summary] [FILE...]");
    }
    let out = repo_root().join("target/mutants");
    if summary_only.is_empty() {
        ensure_installed()?;
        mutate(&out, &files)?;
    }
    report(&out)
}

/// Installs cargo-mutants [`VERSION`] unless that exact version is already on PATH.
fn ensure_installed() -> Result {
    // Prints "cargo-mutants <version>".
    let installed = output(Command::new("cargo").args(["mutants", "--version"]));
    if installed
        .as_deref()
        .is_some_and(|v| v.split_whitespace().nth(1) == Some(VERSION))
    {
        println!("ok  cargo-mutants {VERSION}");
        return Ok(());
    }
    println!("..  installing cargo-mutants {VERSION} (a few minutes)");
    process::run(
        Command::new("nice")
            .args(["-n", "10", "cargo", "install", "--locked", "--force"])
            .arg(format!("cargo-mutants@{VERSION}")),
    )
}

/// Runs cargo-mutants on `files` (every file of the core when empty), one mutant at a time at low priority,
/// and records each mutated file's outcomes.
fn mutate(out: &Path, files: &[&str]) -> Result {
    let root = repo_root();
    for file in files {
        if !root.join(file).is_file() {
            fail!("no file {file} (give paths from the repository root, e.g. src/signing.rs)");
        }
    }
    let mut cmd = Command::new("nice");
    cmd.args(["-n", "10", "cargo", "mutants", "--jobs", "1", "--output"])
        .arg(out)
        .current_dir(&root);
    for file in files {
        cmd.args(["--file", file]);
    }
    let started = Instant::now();
    println!("$ {cmd:?}");
    let status = cmd.status()?;
    // 0: every mutant caught; 2: some missed; 3: some timed out. Anything else is a failed run.
    if !matches!(status.code(), Some(0 | 2 | 3)) {
        fail!(
            "cargo mutants failed ({status}); its log is in {}/mutants.out",
            out.display()
        );
    }
    println!(
        "cargo-mutants ran for {:.1} min",
        started.elapsed().as_secs_f64() / 60.0
    );

    let records = out.join("files");
    if files.is_empty() {
        // A whole run replaces every record (a file that lost its last mutant has none).
        let _ = fs::remove_dir_all(&records);
    }
    fs::create_dir_all(&records)?;
    for file in files {
        let _ = fs::remove_file(record_path(&records, file));
    }
    let outcomes = Json::parse(&fs::read_to_string(out.join("mutants.out/outcomes.json"))?)?;
    let mut by_file: BTreeMap<String, String> = BTreeMap::new();
    for outcome in outcomes.array(&["outcomes"])? {
        let Ok(mutant) = outcome.at(&["scenario", "Mutant"]) else {
            continue; // the baseline
        };
        let seconds: f64 = outcome
            .array(&["phase_results"])?
            .iter()
            .filter_map(|phase| phase.number(&["duration"]).ok())
            .sum();
        let summary = match outcome.text(&["summary"])? {
            "CaughtMutant" => "caught",
            "MissedMutant" => "missed",
            "Timeout" => "timeout",
            "Unviable" => "unviable",
            other => fail!("cargo-mutants reported {other} for a mutant"),
        };
        let line = by_file
            .entry(mutant.text(&["file"])?.to_owned())
            .or_default();
        writeln!(line, "{summary}\t{seconds:.1}\t{}", mutant.text(&["name"])?)?;
    }
    for (file, lines) in by_file {
        fs::write(record_path(&records, &file), lines)?;
    }
    Ok(())
}

fn record_path(records: &Path, file: &str) -> PathBuf {
    records.join(format!("{}.tsv", file.replace('/', "__")))
}

/// One file's counts: [caught, missed, timeout, unviable], and the seconds its mutants took.
#[derive(Default)]
struct Counts {
    outcomes: [usize; 4],
    seconds: f64,
}

impl Counts {
    fn add(&mut self, other: &Counts) {
        for (total, n) in self.outcomes.iter_mut().zip(other.outcomes) {
            *total += n;
        }
        self.seconds += other.seconds;
    }

    /// Caught (timeouts included) per viable mutant, in percent.
    fn score(&self) -> String {
        let [caught, missed, timeout, _] = self.outcomes;
        let viable = caught + missed + timeout;
        if viable == 0 {
            return "–".to_owned();
        }
        format!("{:.1} %", 100.0 * (caught + timeout) as f64 / viable as f64)
    }
}

/// Prints the table of every file measured so far, and writes it and the missed mutants to `out`.
fn report(out: &Path) -> Result {
    let Ok(entries) = fs::read_dir(out.join("files")) else {
        fail!("no mutants measured yet: run `cargo xtask mutants [FILE...]` first");
    };
    let mut files: BTreeMap<String, Counts> = BTreeMap::new();
    let mut missed = String::new();
    for entry in entries {
        let path = entry?.path();
        let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        let file = name.trim_end_matches(".tsv").replace("__", "/");
        let counts = files.entry(file).or_default();
        for line in fs::read_to_string(&path)?.lines() {
            let mut fields = line.splitn(3, '\t');
            let (Some(outcome), Some(seconds), Some(mutant)) =
                (fields.next(), fields.next(), fields.next())
            else {
                fail!(
                    "{}: a line that is not outcome, seconds, mutant: {line}",
                    path.display()
                );
            };
            let Some(column) = OUTCOMES.iter().position(|o| *o == outcome) else {
                fail!("{}: unknown outcome {outcome}", path.display());
            };
            counts.outcomes[column] += 1;
            counts.seconds += seconds.parse::<f64>().unwrap_or(0.0);
            if outcome == "missed" {
                missed.push_str(mutant);
                missed.push('\n');
            }
        }
    }

    let mut table = String::from(
        "| file | mutants | caught | missed | timeout | unviable | caught of viable | minutes |\n\
         | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n",
    );
    let mut total = Counts::default();
    let mut row = |name: &str, counts: &Counts| -> Result {
        let [caught, missed, timeout, unviable] = counts.outcomes;
        writeln!(
            table,
            "| {name} | {} | {caught} | {missed} | {timeout} | {unviable} | {} | {:.1} |",
            caught + missed + timeout + unviable,
            counts.score(),
            counts.seconds / 60.0
        )?;
        Ok(())
    };
    for (file, counts) in &files {
        row(&format!("`{file}`"), counts)?;
        total.add(counts);
    }
    row("**all**", &total)?;
    fs::write(out.join("summary.md"), &table)?;
    fs::write(out.join("missed.txt"), &missed)?;
    println!("\n== mutants (the score counts a timeout as caught)\n{table}");
    if missed.is_empty() {
        println!("no missed mutants");
    } else {
        println!(
            "missed:\n{missed}(also in {})",
            out.join("missed.txt").display()
        );
    }
    Ok(())
}
