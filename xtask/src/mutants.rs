//! `cargo xtask mutants [--missed | --rest | --record | --summary] [FILE...]`: how strong the native tests
//! are, measured with cargo-mutants.
//!
//! cargo-mutants (crates.io, [`VERSION`], installed if missing) changes the pure core one operator at a time
//! and runs the native tests against each change: a change no test notices is a *missed* mutant. What is
//! mutated, which tests judge it, the timeouts and the mutants skipped as equivalent (each with its reason)
//! are in `.cargo/mutants.toml`. Not part of `cargo xtask test`: the whole core takes hours of one core.
//!
//! Results, in `target/mutants/`:
//! - `mutants.out/`: cargo-mutants' own output of the last run (a diff and a log per mutant);
//! - `files/<file>.tsv`: each mutant's latest outcome, file by file, kept across runs, so that the core can
//!   be measured a few files at a time (`cargo xtask mutants src/signing.rs`) and the table still covers
//!   every file measured;
//! - `missed.txt`: every missed mutant of those records; `summary.md`: the table README copies.
//!
//! A run of FILEs replaces their records (no FILE: every file of the core, every record). `--missed` tests
//! again only the mutants recorded as missed (after new tests or skips); `--rest` tests the mutants of FILEs
//! that have no record yet (a run cut short goes on); `--record` records the last run's outcomes as they
//! are (one stopped with Ctrl-C); `--summary` prints the table without running anything.

use crate::bench::json::Json;
use crate::process::{self, output};
use crate::{fail, repo_root, Result};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::path::Path;
use std::process::Command;
use std::time::Instant;

/// The cargo-mutants release the config and the figures in README were made with.
pub const VERSION: &str = "27.1.0";

/// The outcomes cargo-mutants gives a mutant, in the order of the table's columns.
const OUTCOMES: [&str; 4] = ["caught", "missed", "timeout", "unviable"];

const USAGE: &str =
    "usage: cargo xtask mutants [--missed | --rest | --record | --summary] [FILE...]";

pub fn run(args: &[&str]) -> Result {
    let mut mode = None;
    let mut files = Vec::new();
    for &arg in args {
        match arg {
            "--missed" | "--rest" | "--record" | "--summary" if mode.is_none() => mode = Some(arg),
            option if option.starts_with('-') => fail!("unexpected option {option}; {USAGE}"),
            file if repo_root().join(file).is_file() => files.push(file),
            file => fail!("no file {file} (paths from the repository root, e.g. src/signing.rs)"),
        }
    }
    let out = repo_root().join("target/mutants");
    let mut records = Records::load(&out)?;
    let outcome = match mode {
        Some("--summary") => Ok(()),
        Some("--record") => {
            records.merge(read_outcomes(&out)?);
            Ok(())
        }
        Some("--missed") => {
            let names = records.names(&files, |outcome| outcome == "missed");
            if names.is_empty() {
                println!("no missed mutants to test again");
                Ok(())
            } else {
                let mut selection = Vec::new();
                for name in &names {
                    selection.extend(["--re".to_owned(), format!("^{}$", regex_escaped(name))]);
                }
                // cargo-mutants also takes a few mutants whose names the patterns do not match (a
                // deleted field of the same struct elsewhere): only those asked for are recorded.
                let run = cargo_mutants(&out, &selection, &mut records, Some(&names));
                if run.is_ok() {
                    // Those missing from the run are now skipped in .cargo/mutants.toml.
                    records.forget_untested(&names, &read_outcomes(&out)?);
                }
                run
            }
        }
        Some(_) => {
            if files.is_empty() {
                fail!("--rest needs the FILEs to go on with; {USAGE}");
            }
            let mut selection = Vec::new();
            for file in &files {
                selection.extend(["--file".to_owned(), (*file).to_owned()]);
            }
            for name in records.names(&files, |_| true) {
                selection.extend([
                    "--exclude-re".to_owned(),
                    format!("^{}$", regex_escaped(&name)),
                ]);
            }
            cargo_mutants(&out, &selection, &mut records, None)
        }
        None => {
            let mut selection = Vec::new();
            for file in &files {
                selection.extend(["--file".to_owned(), (*file).to_owned()]);
            }
            let run = cargo_mutants(&out, &selection, &mut records, None);
            if run.is_ok() {
                // A whole run replaces the records of its files (a file that lost its last mutant has none).
                records.replace(&files, read_outcomes(&out)?);
            }
            run
        }
    };
    records.save(&out)?;
    report(&out, &records)?;
    outcome
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

/// Runs cargo-mutants with `selection` (which mutants), one mutant at a time at low priority, and merges
/// the outcomes (of `only` these mutants, when given) into `records`, those of a run cut short too.
fn cargo_mutants(
    out: &Path,
    selection: &[String],
    records: &mut Records,
    only: Option<&[String]>,
) -> Result {
    ensure_installed()?;
    // Not the last run's outcomes, should this one end before writing its own.
    let _ = fs::remove_file(out.join("mutants.out/outcomes.json"));
    let mut cmd = Command::new("nice");
    cmd.args(["-n", "10", "cargo", "mutants", "--jobs", "1", "--output"])
        .arg(out)
        .args(selection)
        .current_dir(repo_root());
    let started = Instant::now();
    println!(
        "$ nice -n 10 cargo mutants --jobs 1 --output {} {}",
        out.display(),
        selection.join(" ")
    );
    let status = cmd.status()?;
    println!(
        "cargo-mutants ran for {:.1} min",
        started.elapsed().as_secs_f64() / 60.0
    );
    let mut outcomes = read_outcomes(out)?;
    if let Some(names) = only {
        outcomes.retain(|o| names.contains(&o.name));
    }
    records.merge(outcomes);
    // 0: every mutant caught; 2: some missed; 3: some timed out. Anything else is a failed run.
    if !matches!(status.code(), Some(0 | 2 | 3)) {
        fail!(
            "cargo mutants failed or was stopped ({status}); the mutants it tested are recorded, \
             `--rest FILE...` goes on; its log is in {}/mutants.out",
            out.display()
        );
    }
    Ok(())
}

/// One mutant's outcome.
#[derive(Clone)]
struct Outcome {
    file: String,
    name: String,
    /// One of [`OUTCOMES`].
    summary: String,
    seconds: f64,
}

/// The outcomes of the last run, from its `outcomes.json` (none when it tested nothing).
fn read_outcomes(out: &Path) -> Result<Vec<Outcome>> {
    let Ok(text) = fs::read_to_string(out.join("mutants.out/outcomes.json")) else {
        return Ok(Vec::new());
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
            summary: summary.to_owned(),
            seconds: outcome
                .array(&["phase_results"])?
                .iter()
                .filter_map(|phase| phase.number(&["duration"]).ok())
                .sum(),
        });
    }
    Ok(outcomes)
}

/// Each mutant's latest outcome, by file (`target/mutants/files/`).
struct Records {
    files: BTreeMap<String, Vec<Outcome>>,
}

impl Records {
    fn load(out: &Path) -> Result<Records> {
        let mut files = BTreeMap::new();
        if let Ok(entries) = fs::read_dir(out.join("files")) {
            for entry in entries {
                let path = entry?.path();
                let Some(stem) = path
                    .file_name()
                    .and_then(|n| n.to_str()?.strip_suffix(".tsv"))
                else {
                    continue;
                };
                let file = stem.replace("__", "/");
                let mut outcomes = Vec::new();
                for line in fs::read_to_string(&path)?.lines() {
                    let mut fields = line.splitn(3, '\t');
                    let (Some(summary), Some(seconds), Some(name)) =
                        (fields.next(), fields.next(), fields.next())
                    else {
                        fail!("{}: not outcome, seconds, mutant: {line}", path.display());
                    };
                    if !OUTCOMES.contains(&summary) {
                        fail!("{}: unknown outcome {summary}", path.display());
                    }
                    outcomes.push(Outcome {
                        file: file.clone(),
                        name: name.to_owned(),
                        summary: summary.to_owned(),
                        seconds: seconds.parse().unwrap_or(0.0),
                    });
                }
                files.insert(file, outcomes);
            }
        }
        Ok(Records { files })
    }

    fn save(&self, out: &Path) -> Result {
        let dir = out.join("files");
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir)?;
        for (file, outcomes) in &self.files {
            let mut text = String::new();
            for o in outcomes {
                writeln!(text, "{}\t{:.1}\t{}", o.summary, o.seconds, o.name)?;
            }
            fs::write(dir.join(format!("{}.tsv", file.replace('/', "__"))), text)?;
        }
        Ok(())
    }

    /// The names of the recorded mutants of `files` (every file when empty) whose outcome passes `keep`.
    fn names(&self, files: &[&str], keep: impl Fn(&str) -> bool) -> Vec<String> {
        self.files
            .iter()
            .filter(|(file, _)| files.is_empty() || files.contains(&file.as_str()))
            .flat_map(|(_, outcomes)| outcomes)
            .filter(|o| keep(&o.summary))
            .map(|o| o.name.clone())
            .collect()
    }

    /// Each outcome in place of the mutant's earlier one.
    fn merge(&mut self, outcomes: Vec<Outcome>) {
        for outcome in outcomes {
            let list = self.files.entry(outcome.file.clone()).or_default();
            match list.iter_mut().find(|o| o.name == outcome.name) {
                Some(old) => *old = outcome,
                None => list.push(outcome),
            }
        }
    }

    /// The records of `files` (every file when empty) are exactly `outcomes`.
    fn replace(&mut self, files: &[&str], outcomes: Vec<Outcome>) {
        self.files
            .retain(|file, _| !files.is_empty() && !files.contains(&file.as_str()));
        self.merge(outcomes);
    }

    /// Drops the mutants of `asked` that `tested` lacks.
    fn forget_untested(&mut self, asked: &[String], tested: &[Outcome]) {
        for outcomes in self.files.values_mut() {
            outcomes
                .retain(|o| !asked.contains(&o.name) || tested.iter().any(|t| t.name == o.name));
        }
    }
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

/// Prints the table of every file recorded, and writes it and the missed mutants to `out`.
fn report(out: &Path, records: &Records) -> Result {
    let mut files: BTreeMap<&str, Counts> = BTreeMap::new();
    let mut missed = String::new();
    for (file, outcomes) in &records.files {
        let counts = files.entry(file).or_default();
        for o in outcomes {
            let column = OUTCOMES.iter().position(|s| *s == o.summary).unwrap_or(0);
            counts.outcomes[column] += 1;
            counts.seconds += o.seconds;
            if o.summary == "missed" {
                missed.push_str(&o.name);
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
