//! `kps-fuzz [--cases N] [--seconds S] [--seed X] [--jobs J] [TARGET...]`: runs the property targets and prints
//! the cases, time and rate of each. `cargo xtask fuzz` runs it in the `fuzz` profile.
//!
//! Without `--cases` or `--seconds`, each target runs its full-run count (see `kps_fuzz::TARGETS`). `--cases N`
//! runs N cases of each target; `--seconds S` stops each target after S seconds (with `--cases`, whichever
//! comes first). Targets run `--jobs` at a time (default: the machine's cores). The exit status is non-zero if
//! any property failed; the failure shows the minimal input and the seed that replays it. `--report FILE`
//! also writes one tab-separated line per target (name, cases, seconds, `passed`/`failed`) for
//! `cargo xtask fuzz`'s figures.

use std::collections::VecDeque;
use std::process::ExitCode;
use std::sync::mpsc;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use kps_fuzz::{runner, Budget, Report, Target, TARGETS};

const USAGE: &str =
    "usage: kps-fuzz [--cases N] [--seconds S] [--seed X] [--jobs J] [--report FILE] [--list] [TARGET...]";

struct Args {
    cases: Option<u64>,
    seconds: Option<f64>,
    seed: u64,
    jobs: usize,
    report: Option<String>,
    targets: Vec<&'static Target>,
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|arg| arg == "--list") {
        for target in TARGETS {
            println!(
                "{:<10} {:>10} cases  {}",
                target.name, target.full_cases, target.checks
            );
        }
        return ExitCode::SUCCESS;
    }
    let args = match parse(&args) {
        Ok(args) => args,
        Err(message) => {
            eprintln!("kps-fuzz: {message}\n{USAGE}");
            return ExitCode::FAILURE;
        }
    };
    run(&args)
}

fn parse(args: &[String]) -> Result<Args, String> {
    let mut parsed = Args {
        cases: None,
        seconds: None,
        seed: std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |time| time.as_nanos() as u64),
        jobs: std::thread::available_parallelism().map_or(1, |n| n.get()),
        report: None,
        targets: Vec::new(),
    };
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().ok_or_else(|| format!("{name} needs a value"));
        match arg.as_str() {
            "--cases" => {
                let cases = value("--cases")?;
                parsed.cases = Some(
                    cases
                        .parse()
                        .map_err(|_| format!("--cases {cases}: not a count"))?,
                );
            }
            "--seconds" => {
                let seconds = value("--seconds")?;
                let seconds: f64 = seconds
                    .parse()
                    .map_err(|_| format!("--seconds {seconds}: not a number"))?;
                if !(seconds > 0.0 && seconds.is_finite()) {
                    return Err("--seconds must be positive".to_owned());
                }
                parsed.seconds = Some(seconds);
            }
            "--seed" => {
                let seed = value("--seed")?;
                let digits = seed.trim_start_matches("0x");
                parsed.seed = u64::from_str_radix(digits, 16)
                    .map_err(|_| format!("--seed {seed}: not hex"))?;
            }
            "--jobs" => {
                let jobs = value("--jobs")?;
                parsed.jobs = jobs
                    .parse()
                    .ok()
                    .filter(|&n| n > 0)
                    .ok_or(format!("--jobs {jobs}: not a count"))?;
            }
            "--report" => parsed.report = Some(value("--report")?.clone()),
            name if !name.starts_with('-') => {
                let target = kps_fuzz::target(name).ok_or_else(|| {
                    let names: Vec<&str> = TARGETS.iter().map(|t| t.name).collect();
                    format!("no target {name}; the targets are {}", names.join(", "))
                })?;
                parsed.targets.push(target);
            }
            other => return Err(format!("unknown argument {other}")),
        }
    }
    if parsed.targets.is_empty() {
        parsed.targets = TARGETS.iter().collect();
    }
    Ok(parsed)
}

fn budget(args: &Args, target: &Target) -> Budget {
    Budget {
        cases: match (args.cases, args.seconds) {
            (Some(cases), _) => cases,
            (None, Some(_)) => u64::MAX,
            (None, None) => target.full_cases,
        },
        time: args.seconds.map(Duration::from_secs_f64),
    }
}

fn run(args: &Args) -> ExitCode {
    let started = Instant::now();
    let planned: u64 = args
        .targets
        .iter()
        .map(|t| budget(args, t).cases)
        .fold(0, u64::saturating_add);
    let plan = if planned == u64::MAX {
        "as many cases as fit".to_owned()
    } else {
        format!("{planned} cases")
    };
    let time_box = args
        .seconds
        .map_or(String::new(), |s| format!(", at most {s} s per target"));
    println!(
        "kps-fuzz: {} targets, {plan}{time_box}, {} at a time, seed {:#018x}",
        args.targets.len(),
        args.jobs.min(args.targets.len()),
        args.seed
    );

    // The largest targets first, so that the last one to finish is a short one.
    let mut queue: Vec<&'static Target> = args.targets.clone();
    queue.sort_by_key(|t| std::cmp::Reverse(t.full_cases));
    let queue = Mutex::new(VecDeque::from(queue));
    let (sender, receiver) = mpsc::channel::<(&'static Target, Report)>();
    let mut reports: Vec<(&'static Target, Report)> = std::thread::scope(|scope| {
        for _ in 0..args.jobs.min(args.targets.len()) {
            let sender = sender.clone();
            let queue = &queue;
            scope.spawn(move || {
                while let Some(target) = next(queue) {
                    let report = runner::run(
                        target.name,
                        args.seed,
                        budget(args, target),
                        target.property,
                    );
                    if sender.send((target, report)).is_err() {
                        break;
                    }
                }
            });
        }
        drop(sender);
        receiver
            .iter()
            .inspect(|(target, report)| println!("  {}", line(target, report)))
            .collect()
    });

    let order = |name: &str| TARGETS.iter().position(|t| t.name == name);
    reports.sort_by_key(|(target, _)| order(target.name));
    println!(
        "\n{:<10} {:>12} {:>9} {:>10}  result",
        "target", "cases", "seconds", "cases/s"
    );
    for (target, report) in &reports {
        println!("{}", line(target, report));
    }
    let total: u64 = reports.iter().map(|(_, report)| report.cases).sum();
    println!(
        "{:<10} {:>12} {:>9.1}  (wall clock)",
        "all",
        total,
        started.elapsed().as_secs_f64()
    );
    if let Some(path) = &args.report {
        let lines: String = reports
            .iter()
            .map(|(target, report)| {
                let result = if report.failure.is_some() {
                    "failed"
                } else {
                    "passed"
                };
                format!(
                    "{}\t{}\t{:.1}\t{result}\n",
                    target.name,
                    report.cases,
                    report.elapsed.as_secs_f64()
                )
            })
            .collect();
        if let Err(e) = std::fs::write(path, lines) {
            eprintln!("kps-fuzz: could not write the report {path}: {e}");
            return ExitCode::FAILURE;
        }
    }
    let failures: Vec<_> = reports
        .iter()
        .filter(|(_, report)| report.failure.is_some())
        .collect();
    for (target, report) in &failures {
        println!(
            "\n== {} failed\n{}",
            target.name,
            report.failure.as_deref().unwrap_or_default()
        );
    }
    if failures.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

fn line(target: &Target, report: &Report) -> String {
    let seconds = report.elapsed.as_secs_f64();
    let result = match (&report.failure, report.timed_out) {
        (Some(_), _) => "FAILED (below)",
        (None, true) => "passed (time box reached)",
        (None, false) => "passed",
    };
    format!(
        "{:<10} {:>12} {:>9.1} {:>10.0}  {result}",
        target.name,
        report.cases,
        seconds,
        report.cases as f64 / seconds.max(1e-9)
    )
}

/// The next target to run (the queue's lock is released before it runs).
fn next(queue: &Mutex<VecDeque<&'static Target>>) -> Option<&'static Target> {
    queue.lock().ok()?.pop_front()
}
