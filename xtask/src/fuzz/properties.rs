//! The `properties` stage: kps-fuzz's property targets (`fuzz/`), built in the `fuzz` profile (release speed,
//! but a panic unwinds so that proptest catches and shrinks it, and integer overflow is checked). Its figures
//! are each target's cases and time, read from the report kps-fuzz writes.

use super::{Figures, Scale, StageRun};
use crate::{fail, process, repo_root, Result};
use std::process::Command;

pub fn run(given: &StageRun) -> Result<Figures> {
    let report = repo_root().join("target/fuzz/properties.tsv");
    std::fs::create_dir_all(report.parent().unwrap_or(&repo_root()))?;
    let _ = std::fs::remove_file(&report);
    let mut cmd = Command::new("cargo");
    cmd.args(["run", "--profile", "fuzz", "--package", "kps-fuzz", "--"])
        .args(["--seed", &format!("{:x}", given.seed)])
        .arg("--report")
        .arg(&report)
        .current_dir(repo_root());
    if given.scale == Scale::Smoke {
        cmd.args(["--cases", "300"]);
    }
    cmd.args(given.args);
    let outcome = process::run(&mut cmd);
    if given.args.contains(&"--list") {
        outcome?;
        return Ok(Figures::default());
    }
    let figures = figures(&std::fs::read_to_string(&report).unwrap_or_default())?;
    outcome.map(|()| figures)
}

/// One row per target (`12,000,000 cases in 512.3 s`) and the total, from kps-fuzz's `--report` lines.
fn figures(report: &str) -> Result<Figures> {
    let mut figures = Figures::default();
    let (mut cases, mut seconds) = (0u64, 0f64);
    for line in report.lines() {
        let [name, count, time, result] = line.split('\t').collect::<Vec<_>>()[..] else {
            fail!("kps-fuzz's report has a line that is not name, cases, seconds, result: {line:?}")
        };
        let (Ok(count), Ok(time)) = (count.parse::<u64>(), time.parse::<f64>()) else {
            fail!("kps-fuzz's report has a line with a bad number: {line:?}")
        };
        cases += count;
        seconds += time;
        figures.row(
            name,
            format!("{} cases in {time:.1} s, {result}", thousands(count)),
        );
    }
    if figures.rows.is_empty() {
        fail!("kps-fuzz wrote no report (it did not run to the end)");
    }
    figures.row(
        "all targets",
        format!("{} cases, {seconds:.1} s of work", thousands(cases)),
    );
    Ok(figures)
}

/// `17200000` → `17,200,000`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_report_becomes_one_row_per_target_and_a_total() {
        let figures =
            figures("options\t1200000\t101.5\tpassed\nretry\t300\t0.5\tpassed\n").unwrap();
        assert_eq!(
            figures.rows,
            [
                (
                    "options".to_owned(),
                    "1,200,000 cases in 101.5 s, passed".to_owned()
                ),
                ("retry".to_owned(), "300 cases in 0.5 s, passed".to_owned()),
                (
                    "all targets".to_owned(),
                    "1,200,300 cases, 102.0 s of work".to_owned()
                ),
            ]
        );
    }

    #[test]
    fn a_missing_or_garbled_report_is_an_error_not_empty_figures() {
        assert!(figures("").is_err());
        assert!(figures("options\tmany\t1.0\tpassed\n").is_err());
    }

    #[test]
    fn thousands_groups_digits_by_three() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(17_200_000), "17,200,000");
    }
}
