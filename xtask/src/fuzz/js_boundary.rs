//! The `js-boundary` stage: arbitrary JavaScript values as the options of every exported function that takes
//! options, in Node, with fast-check (`tests/reliability/js-boundary.mjs`, which says what must hold for each
//! value). Its figures are the values per function, valid and rejected, and the requests sent, read from the
//! report the script writes.

use super::{Figures, Scale, StageRun};
use crate::{fail, process, repo_root, Result};
use std::process::Command;

/// Values per full run (issue #15: at least 100,000), shared evenly by the ten functions.
const FULL_VALUES: u32 = 100_000;
/// Values per smoke: a few seconds in `cargo xtask test`.
const SMOKE_VALUES: u32 = 3_000;

pub fn run(given: &StageRun) -> Result<Figures> {
    let report = repo_root().join("target/fuzz/js-boundary.tsv");
    std::fs::create_dir_all(report.parent().unwrap_or(&repo_root()))?;
    let _ = std::fs::remove_file(&report);
    let values = match given.scale {
        Scale::Smoke => SMOKE_VALUES,
        Scale::Full => FULL_VALUES,
    };
    let outcome = process::run(
        Command::new("node")
            .arg("tests/reliability/js-boundary.mjs")
            .args(["--seed", &format!("{:x}", given.seed)])
            .args(["--values", &values.to_string()])
            .arg("--report")
            .arg(&report)
            .args(given.args)
            .current_dir(repo_root()),
    );
    if let Err(e) = outcome {
        fail!(
            "{} (the failure and its replay are printed above; `cargo xtask fuzz --stage js-boundary --seed {:x}` runs it again)",
            e.0,
            given.seed
        );
    }
    figures(&std::fs::read_to_string(&report).unwrap_or_default())
}

/// The script's report: one `what<TAB>figure` line per row.
fn figures(report: &str) -> Result<Figures> {
    let mut figures = Figures::default();
    for line in report.lines() {
        let Some((what, figure)) = line.split_once('\t') else {
            fail!("js-boundary.mjs's report has a line that is not what, figure: {line:?}")
        };
        figures.row(what, figure);
    }
    if figures.rows.is_empty() {
        fail!("js-boundary.mjs wrote no report (it did not run to the end)");
    }
    Ok(figures)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_report_becomes_one_row_per_line() {
        let figures = figures("values\t100,000 (10,000 per function)\ntime\t212 s\n").unwrap();
        assert_eq!(
            figures.rows,
            [
                (
                    "values".to_owned(),
                    "100,000 (10,000 per function)".to_owned()
                ),
                ("time".to_owned(), "212 s".to_owned())
            ]
        );
    }

    #[test]
    fn an_empty_or_malformed_report_is_an_error() {
        assert!(figures("").is_err());
        assert!(figures("values 100,000\n").is_err());
    }
}
