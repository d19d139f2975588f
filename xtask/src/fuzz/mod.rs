//! `cargo xtask fuzz [--stage NAME]... [--seed X] [PROPERTY OPTIONS]`: the reliability set, stage by stage.
//!
//! A full run (no arguments) runs every stage of [`STAGES`] at its full size and prints each stage's figures.
//! `--stage NAME` (repeatable) runs only those stages; `--seed X` (hex) is given to every stage, so a failure
//! printed with its seed replays. The `properties` stage takes kps-fuzz's own options (`--cases N`,
//! `--seconds S`, `--jobs J`, `--list`, target names); given any of them without `--stage`, only that stage
//! runs, as before stages existed.
//!
//! Stages that drive the npm package (everything but `properties`) get the tools of `cargo xtask setup` and a
//! fresh `cargo xtask build` first. `cargo xtask test` runs a smoke of each stage instead ([`Scale::Smoke`]).
//!
//! Every run writes its figures as Markdown to `target/fuzz/results.md`; a full run (every stage, no option
//! but `--seed`) that passed also writes them into README.md's Reliability block (see `crate::readme`).

mod hostile;
mod js_boundary;
mod properties;
mod soak;

use crate::bench::{cpu_model, load_average, utc_now};
use crate::readme::RELIABILITY;
use crate::setup::Tools;
use crate::{build, fail, repo_root, setup, Result};
use std::fmt::Write as _;
use std::time::Instant;

/// How big a stage's run is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scale {
    /// Seconds: what `cargo xtask test` runs on every commit.
    Smoke,
    /// The full run that README's figures come from.
    Full,
}

/// What a stage is given.
pub struct StageRun<'a> {
    /// The tools of `cargo xtask setup` (the package in `pkg/` is freshly built), or `None` for stages that
    /// declared [`Stage::needs_package`] false.
    #[allow(dead_code)]
    // read by the stages that drive the package (hostile, js-boundary, soak), landing next
    pub tools: Option<&'a Tools>,
    /// The seed every random choice of the run derives from.
    pub seed: u64,
    pub scale: Scale,
    /// Arguments for this stage only (kps-fuzz's options for `properties`; empty for the others).
    pub args: &'a [&'a str],
}

/// A stage's figures: (what, figure) rows, printed after the run and shown as a two-column table in README.
#[derive(Debug, Default)]
pub struct Figures {
    pub rows: Vec<(String, String)>,
}

impl Figures {
    pub fn row(&mut self, what: impl Into<String>, figure: impl Into<String>) {
        self.rows.push((what.into(), figure.into()));
    }
}

/// One stage of the reliability set.
pub struct Stage {
    /// Its name on the command line (`--stage NAME`).
    pub name: &'static str,
    /// One line: what it runs and what must hold.
    pub what: &'static str,
    /// Whether it drives the built npm package (setup and build run first).
    pub needs_package: bool,
    /// Runs it; an error means a property failed (the message says how to replay it) or it could not run.
    pub run: fn(&StageRun) -> Result<Figures>,
}

/// The stages, in the order a full run takes them.
pub const STAGES: &[Stage] = &[
    Stage {
        name: "properties",
        what: "kps-fuzz's property targets over the pure core (10 million cases and more)",
        needs_package: false,
        run: properties::run,
    },
    Stage {
        name: "hostile",
        what: "the package in Node and Chromium against a seeded hostile server (10,000 exchanges and more)",
        needs_package: true,
        run: hostile::run,
    },
    Stage {
        name: "soak",
        what: "40,000 calls of the package in Node, 256 in flight, one shared AbortSignal: none fails, \
               no listener is left, the wasm memory and the JS heap stay flat",
        needs_package: true,
        run: soak::run,
    },
    Stage {
        name: "js-boundary",
        what: "arbitrary JS values as every function's options, in Node (fast-check, 100,000 values): \
               each settles as a result or a KpsError, no request for invalid ones, no secret in errors",
        needs_package: true,
        run: js_boundary::run,
    },
];

pub fn run(args: &[&str]) -> Result {
    let mut names: Vec<&str> = Vec::new();
    let mut seed: Option<u64> = None;
    let mut property_args: Vec<&str> = Vec::new();
    let mut hostile_args: Vec<&str> = Vec::new();
    let mut rest = args.iter();
    while let Some(&arg) = rest.next() {
        match arg {
            "--stage" => match rest.next() {
                Some(&name) if STAGES.iter().any(|s| s.name == name) => names.push(name),
                Some(name) => fail!("no stage {name}; the stages are {}", stage_names()),
                None => fail!("--stage needs a name; the stages are {}", stage_names()),
            },
            "--seed" => {
                let Some(&value) = rest.next() else {
                    fail!("--seed needs a value (hex)")
                };
                match u64::from_str_radix(value.trim_start_matches("0x"), 16) {
                    Ok(value) => seed = Some(value),
                    Err(_) => fail!("--seed {value}: not hex"),
                }
            }
            // Replays one exchange of the hostile stage (which then runs alone unless --stage says more).
            "--exchange" => match rest.next() {
                Some(&index) if index.parse::<u64>().is_ok() => {
                    hostile_args = vec!["--exchange", index]
                }
                _ => fail!("--exchange needs an exchange index (the I of `seed X exchange I`)"),
            },
            other => property_args.push(other),
        }
    }
    let full = names.is_empty() && property_args.is_empty() && hostile_args.is_empty();
    if names.is_empty() && !hostile_args.is_empty() {
        names.push("hostile");
    }
    if names.is_empty() {
        if full {
            names = STAGES.iter().map(|s| s.name).collect();
        } else {
            names.push("properties");
        }
    }
    let readme_path = repo_root().join("README.md");
    if full {
        // Fail now rather than after half an hour: a full run ends by writing its figures there.
        RELIABILITY.text(&std::fs::read_to_string(&readme_path)?)?;
    }
    let seed = seed.unwrap_or_else(fresh_seed);
    let stages: Vec<&Stage> = STAGES.iter().filter(|s| names.contains(&s.name)).collect();
    let started = Instant::now();
    let load_before = load_average();
    let tools = if stages.iter().any(|s| s.needs_package) {
        let tools = setup::run()?;
        build::run(&tools)?;
        Some(tools)
    } else {
        None
    };

    let mut outcomes = Vec::new();
    for stage in &stages {
        println!(
            "\n== fuzz stage {}: {} (seed {seed:#x})",
            stage.name, stage.what
        );
        let given = StageRun {
            tools: tools.as_ref(),
            seed,
            scale: Scale::Full,
            args: match stage.name {
                "properties" => &property_args,
                "hostile" => &hostile_args,
                _ => &[],
            },
        };
        let stage_started = Instant::now();
        let result = (stage.run)(&given);
        outcomes.push(Outcome {
            stage,
            result,
            seconds: stage_started.elapsed().as_secs_f64(),
        });
    }

    println!("\n== fuzz summary (seed {seed:#x}; `--seed {seed:x}` replays it)");
    let mut failed = 0;
    for outcome in &outcomes {
        let name = outcome.stage.name;
        match &outcome.result {
            Ok(figures) => {
                println!("PASS  {name}");
                for (what, figure) in &figures.rows {
                    println!("      {what}: {figure}");
                }
            }
            Err(e) => {
                failed += 1;
                println!("FAIL  {name}: {}", e.0);
            }
        }
    }

    let run = Run {
        date: utc_now(),
        plan: if full { "full run" } else { "partial run" },
        command: replay_command(args, seed),
        cores: std::thread::available_parallelism().map_or(0, usize::from),
        cpu: cpu_model(),
        load_before,
        load_after: load_average(),
        seed,
        seconds: started.elapsed().as_secs_f64(),
    };
    let results = results(&run, &outcomes);
    let out = repo_root().join("target/fuzz");
    std::fs::create_dir_all(&out)?;
    std::fs::write(out.join("results.md"), &results)?;
    println!("written: target/fuzz/results.md");
    if failed > 0 {
        fail!("{failed} of {} stages failed", outcomes.len());
    }
    if full {
        let readme = std::fs::read_to_string(&readme_path)?;
        std::fs::write(&readme_path, RELIABILITY.splice(&readme, &results)?)?;
        println!(
            "written: README.md's Reliability figures (between its fuzz:start and fuzz:end lines)"
        );
    }
    Ok(())
}

/// A stage that ran, and how.
struct Outcome<'a> {
    stage: &'a Stage,
    result: Result<Figures>,
    seconds: f64,
}

/// What the header of the results says about the run.
struct Run {
    /// `YYYY-MM-DD HH:MM UTC`.
    date: String,
    /// `full run` or `partial run`.
    plan: &'static str,
    /// The command that runs it again, seed included.
    command: String,
    cores: usize,
    cpu: String,
    load_before: String,
    load_after: String,
    seed: u64,
    seconds: f64,
}

/// The Markdown of `target/fuzz/results.md` and README's Reliability block: a header line (date, machine,
/// seed, time), the command that reproduces the run, then each stage's title and a two-column table of its
/// figures (or its error).
fn results(run: &Run, outcomes: &[Outcome]) -> String {
    let mut md = String::new();
    let _ = writeln!(
        md,
        "kps-wasm fuzz, {}, {} — {} cores ({}), load average {} before / {} after; seed {:#x}; {:.0} s in all\n",
        run.plan, run.date, run.cores, run.cpu, run.load_before, run.load_after, run.seed, run.seconds
    );
    let _ = writeln!(
        md,
        "Reproduce: `{}` (every stage at full size unless `--stage` names some)",
        run.command
    );
    for outcome in outcomes {
        let verdict = if outcome.result.is_ok() {
            "passed"
        } else {
            "FAILED"
        };
        let _ = writeln!(
            md,
            "\n**{}** ({verdict} in {:.0} s): {}\n",
            outcome.stage.name,
            outcome.seconds,
            outcome.stage.what.replace('\n', " ")
        );
        match &outcome.result {
            Ok(figures) => {
                md.push_str("| what | figure |\n| --- | --- |\n");
                for (what, figure) in &figures.rows {
                    let cell = |text: &str| text.replace('|', "\\|");
                    let _ = writeln!(md, "| {} | {} |", cell(what), cell(figure));
                }
            }
            Err(e) => {
                let _ = writeln!(md, "{}", e.0);
            }
        }
    }
    md
}

/// `cargo xtask fuzz` with `args`, their `--seed` replaced by `seed`.
fn replay_command(args: &[&str], seed: u64) -> String {
    let mut command = vec!["cargo xtask fuzz".to_owned()];
    let mut rest = args.iter();
    while let Some(&arg) = rest.next() {
        if arg == "--seed" {
            rest.next();
        } else {
            command.push(arg.to_owned());
        }
    }
    command.push(format!("--seed {seed:#x}"));
    command.join(" ")
}

fn stage_names() -> String {
    STAGES.iter().map(|s| s.name).collect::<Vec<_>>().join(", ")
}

/// A seed from the clock: every run explores new inputs, and prints the seed that replays it.
fn fresh_seed() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |time| time.as_nanos() as u64)
}

/// Runs stage `name` at [`Scale::Smoke`] with a fresh seed, for `cargo xtask test` (which has built the
/// package), and prints its figures.
pub fn smoke(name: &str, tools: &Tools) -> Result {
    let Some(stage) = STAGES.iter().find(|s| s.name == name) else {
        fail!("no stage {name}; the stages are {}", stage_names())
    };
    let seed = fresh_seed();
    println!("fuzz stage {name}, smoke (seed {seed:#x}; `cargo xtask fuzz --stage {name} --seed {seed:x}` replays it at full size)");
    let given = StageRun {
        tools: Some(tools),
        seed,
        scale: Scale::Smoke,
        args: &[],
    };
    for (what, figure) in (stage.run)(&given)?.rows {
        println!("      {what}: {figure}");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::readme::layout;

    fn made_up_run() -> Run {
        Run {
            date: "2026-12-02 05:00 UTC".to_owned(),
            plan: "full run",
            command: "cargo xtask fuzz --seed 0x1f2e3d4c".to_owned(),
            cores: 2,
            cpu: "AMD EPYC".to_owned(),
            load_before: "1.50".to_owned(),
            load_after: "2.25".to_owned(),
            seed: 0x1f2e_3d4c,
            seconds: 612.4,
        }
    }

    fn passed(stage: &Stage) -> Outcome<'_> {
        let mut figures = Figures::default();
        figures.row("cases", "1,000 in 1.5 s");
        figures.row("failed", "0 of 1,000");
        Outcome {
            stage,
            result: Ok(figures),
            seconds: 12.0,
        }
    }

    #[test]
    fn readme_reliability_block_has_the_layout_a_full_cargo_xtask_fuzz_writes() {
        let text = std::fs::read_to_string(repo_root().join("README.md")).unwrap();
        let block = RELIABILITY.text(&text).unwrap();
        // The stages it shows, in their order: one that landed since the last full run is missing until the
        // next one writes it, and one that is no longer a stage makes the layouts differ.
        let shown: Vec<Outcome> = STAGES
            .iter()
            .filter(|stage| block.contains(&format!("\n**{}** (", stage.name)))
            .map(passed)
            .collect();
        assert!(
            !shown.is_empty(),
            "README's Reliability block shows no stage"
        );
        assert_eq!(
            layout(block),
            layout(&results(&made_up_run(), &shown)),
            "README.md's block between the fuzz markers is not what `cargo xtask fuzz` writes: run a full \
             `cargo xtask fuzz` to regenerate it rather than editing it by hand"
        );
    }

    #[test]
    fn the_results_give_the_run_the_command_that_replays_it_and_a_table_per_stage() {
        let failed = Outcome {
            stage: &STAGES[0],
            result: Err(crate::Error("a property failed".to_owned())),
            seconds: 3.0,
        };
        let md = results(&made_up_run(), &[passed(&STAGES[0]), failed]);
        assert!(md.starts_with(
            "kps-wasm fuzz, full run, 2026-12-02 05:00 UTC — 2 cores (AMD EPYC), load average 1.50 before / \
             2.25 after; seed 0x1f2e3d4c; 612 s in all\n"
        ));
        assert!(md.contains("`cargo xtask fuzz --seed 0x1f2e3d4c`"), "{md}");
        let title = format!(
            "**{}** (passed in 12 s): {}",
            STAGES[0].name, STAGES[0].what
        );
        assert!(md.contains(&format!(
            "\n{title}\n\n| what | figure |\n| --- | --- |\n| cases | 1,000 in 1.5 s |\n"
        )));
        assert!(
            md.contains(&format!("**{}** (FAILED in 3 s)", STAGES[0].name)),
            "{md}"
        );
        assert!(md.trim_end().ends_with("a property failed"), "{md}");
    }

    #[test]
    fn the_replay_command_keeps_the_arguments_and_pins_the_seed() {
        assert_eq!(replay_command(&[], 0x1f), "cargo xtask fuzz --seed 0x1f");
        assert_eq!(
            replay_command(&["--seed", "0x2", "--stage", "soak"], 0x2),
            "cargo xtask fuzz --stage soak --seed 0x2"
        );
    }

    #[test]
    fn a_bar_in_a_figure_does_not_split_its_cell() {
        let mut figures = Figures::default();
        figures.row("a | b", "c");
        let outcome = Outcome {
            stage: &STAGES[0],
            result: Ok(figures),
            seconds: 1.0,
        };
        assert!(results(&made_up_run(), &[outcome]).contains("| a \\| b | c |"));
    }
}
