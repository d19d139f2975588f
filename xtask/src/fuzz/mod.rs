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

mod hostile;
mod properties;

use crate::setup::Tools;
use crate::{build, fail, setup, Result};

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
pub const STAGES: &[Stage] = &[Stage {
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
}];

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
    if names.is_empty() && !hostile_args.is_empty() {
        names.push("hostile");
    }
    if names.is_empty() {
        if property_args.is_empty() {
            names = STAGES.iter().map(|s| s.name).collect();
        } else {
            names.push("properties");
        }
    }
    let seed = seed.unwrap_or_else(fresh_seed);
    let stages: Vec<&Stage> = STAGES.iter().filter(|s| names.contains(&s.name)).collect();
    let tools = if stages.iter().any(|s| s.needs_package) {
        let tools = setup::run()?;
        build::run(&tools)?;
        Some(tools)
    } else {
        None
    };

    let mut results = Vec::new();
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
        results.push((stage.name, (stage.run)(&given)));
    }

    println!("\n== fuzz summary (seed {seed:#x}; `--seed {seed:x}` replays it)");
    let mut failed = 0;
    for (name, outcome) in &results {
        match outcome {
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
    if failed > 0 {
        fail!("{failed} of {} stages failed", results.len());
    }
    Ok(())
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
