//! `cargo xtask mutants [--summary | --missed] [FILE...]`: how strong the native tests are, measured with cargo-mutants.
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
//! `--missed` tests again only the mutants recorded as missed (after new tests or skips); `--summary` prints
//! the table of the files measured so far without running anything.

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
    let mut summary_only = false;
    let mut missed_only = false;
    let mut files = Vec::new();
    for &arg in args {
        match arg {
            "--summary" => summary_only = true,
            "--missed" => missed_only = true,
            option if option.starts_with('-') => fail!("unknown option {option}; {USAGE}"),
            file => files.push(file),
        }
    }
    let out = repo_root().join("target/mutants");
    if !summary_only {
        ensure_installed()?;
        if missed_only {
            retest_missed(&out, &files)?;
        } else {
            mutate(&out, &files)?;
        }
    }
    report(&out)
}

const USAGE: &str = "usage: cargo xtask mutants [--summary | --missed] [FILE...]";

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
    let mut selection = Vec::new();
    for file in files {
        selection.extend(["--file", file]);
    }
    let outcomes = cargo_mutants(out, &selection)?;
    let records = out.join("files");
    if files.is_empty() {
        // A whole run replaces every record (a file that lost its last mutant has none).
        let _ = fs::remove_dir_all(&records);
    }
    fs::create_dir_all(&records)?;
    for file in files {
        let _ = fs::remove_file(record_path(&records, file));
    }
    let mut by_file: BTreeMap<&str, String> = BTreeMap::new();
    for outcome in &outcomes {
        by_file
            .entry(&outcome.file)
            .or_default()
            .push_str(&outcome.line());
    }
    for (file, lines) in by_file {
        fs::write(record_path(&records, file), lines)?;
    }
    Ok(())
}

/// Tests again only the mutants the records have as missed (of `files`, or of every file), after new tests
/// or new skips: each gets its new outcome, and one now skipped in `.cargo/mutants.toml` leaves the record.
fn retest_missed(out: &Path, files: &[&str]) -> Result {
    let records = out.join("files");
    let mut names = Vec::new();
    for file in files_measured(out)? {
        if !files.is_empty() && !files.contains(&file.as_str()) {
            continue;
        }
        for line in fs::read_to_string(record_path(&records, &file))?.lines() {
            let (outcome, _, name) = split_record(line)?;
            if outcome == "missed" {
                names.push(name.to_owned());
            }
        }
    }
    if names.is_empty() {
        println!("no missed mutants to test again");
        return Ok(());
    }
    let patterns: Vec<String> = names
        .iter()
        .map(|name| format!("^{}$", regex_escaped(name)))
        .collect();
    let mut selection = Vec::new();
    for pattern in &patterns {
        selection.extend(["--re", pattern.as_str()]);
    }
    let outcomes = cargo_mutants(out, &selection)?;
    for file in files_measured(out)? {
        let path = record_path(&records, &file);
        let mut lines = String::new();
        for line in fs::read_to_string(&path)?.lines() {
            let (_, _, name) = split_record(line)?;
            if !names.iter().any(|n| n == name) {
                lines.push_str(line);
                lines.push('\n');
            } else if let Some(outcome) = outcomes.iter().find(|o| o.name == name) {
                lines.push_str(&outcome.line());
            }
        }
        fs::write(&path, lines)?;
    }
    Ok(())
}

/// One mutant's outcome in a run.
struct Outcome {
    file: String,
    name: String,
    /// caught, missed, timeout or unviable.
    summary: &'static str,
    seconds: f64,
}

impl Outcome {
    /// Its line in a file's record: outcome, seconds, name, tab-separated.
    fn line(&self) -> String {
        format!("{}\t{:.1}\t{}\n", self.summary, self.seconds, self.name)
    }
}

/// Runs cargo-mutants with `selection` (which mutants), one mutant at a time at low priority, and reads
/// the outcome of each mutant from its `outcomes.json`.
fn cargo_mutants(out: &Path, selection: &[&str]) -> Result<Vec<Outcome>> {
    let mut cmd = Command::new("nice");
    cmd.args(["-n", "10", "cargo", "mutants", "--jobs", "1", "--output"])
        .arg(out)
        .args(selection)
        .current_dir(repo_root());
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
    let Ok(text) = fs::read_to_string(out.join("mutants.out/outcomes.json")) else {
        return Ok(Vec::new()); // nothing to test (every mutant selected is skipped)
    };
    let mut outcomes = Vec::new();
    for outcome in Json::parse(&text)?.array(&["outcomes"])? {
        let Ok(mutant) = outcome.at(&["scenario", "Mutant"]) else {
            continue; // the baseline
        };
        let summary = match outcome.text(&["summary"])? {
            "CaughtMutant" => "caught",
            "MissedMutant" => "missed",
            "Timeout" => "timeout",
            "Unviable" => "unviable",
            other => fail!("cargo-mutants reported {other} for a mutant"),
        };
        outcomes.push(Outcome {
            file: mutant.text(&["file"])?.to_owned(),
            name: mutant.text(&["name"])?.to_owned(),
            summary,
            seconds: outcome
                .array(&["phase_results"])?
                .iter()
                .filter_map(|phase| phase.number(&["duration"]).ok())
                .sum(),
        });
    }
    Ok(outcomes)
}

/// `text` with every character that means something in a regular expression escaped.
fn regex_escaped(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        if "\\.+*?()|[]{}^$".contains(c) {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped
}

/// The files that have a record, as paths from the repository root.
fn files_measured(out: &Path) -> Result<Vec<String>> {
    let Ok(entries) = fs::read_dir(out.join("files")) else {
        fail!("no mutants measured yet: run `cargo xtask mutants [FILE...]` first");
    };
    let mut files = Vec::new();
    for entry in entries {
        let name = entry?.file_name().to_string_lossy().into_owned();
        if let Some(stem) = name.strip_suffix(".tsv") {
            files.push(stem.replace("__", "/"));
        }
    }
    files.sort();
    Ok(files)
}

/// A record line's outcome, seconds and mutant name.
fn split_record(line: &str) -> Result<(&str, f64, &str)> {
    let mut fields = line.splitn(3, '\t');
    let (Some(outcome), Some(seconds), Some(name)) = (fields.next(), fields.next(), fields.next())
    else {
        fail!("a record line that is not outcome, seconds, mutant: {line}");
    };
    Ok((outcome, seconds.parse().unwrap_or(0.0), name))
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
    let mut files: BTreeMap<String, Counts> = BTreeMap::new();
    let mut missed = String::new();
    for file in files_measured(out)? {
        let text = fs::read_to_string(record_path(&out.join("files"), &file))?;
        let counts = files.entry(file).or_default();
        for line in text.lines() {
            let (outcome, seconds, mutant) = split_record(line)?;
            let Some(column) = OUTCOMES.iter().position(|o| *o == outcome) else {
                fail!("unknown outcome {outcome} in {line}");
            };
            counts.outcomes[column] += 1;
            counts.seconds += seconds;
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
