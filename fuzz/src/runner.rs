//! Running a target's property for a number of cases or a time, in batches of proptest's [`TestRunner`], with
//! seeds derived from one run seed so that any failure can be replayed (`--seed`).
//!
//! proptest has no time box and one fixed case count per run; a target here runs batch after batch, each a
//! fresh `TestRunner` seeded from `(run seed, target, batch)`, until its case count is reached or its time is
//! up. A failing batch is shrunk by proptest to a minimal input, which the report prints with the seed.

use std::cell::RefCell;
use std::fmt::Debug;
use std::panic::AssertUnwindSafe;
use std::time::{Duration, Instant};

use proptest::strategy::Strategy;
use proptest::test_runner::{Config, RngAlgorithm, TestCaseResult, TestError, TestRng, TestRunner};
use sha2::{Digest, Sha256};

/// How much of a target to run.
#[derive(Clone, Copy, Debug)]
pub struct Budget {
    /// Stop after this many cases.
    pub cases: u64,
    /// Stop once this much time has passed (checked between batches), if set.
    pub time: Option<Duration>,
}

/// What running one target found.
#[derive(Debug)]
pub struct Report {
    /// Cases that passed.
    pub cases: u64,
    pub elapsed: Duration,
    /// Whether the time box ended the run before its case count.
    pub timed_out: bool,
    /// The failure, with its minimal input, if the property failed.
    pub failure: Option<String>,
}

/// A target's run in progress: its budget, its seed, and the cases run so far.
pub struct Session {
    target: &'static str,
    seed: u64,
    budget: Budget,
    started: Instant,
    cases: u64,
    failure: Option<String>,
}

/// Cases per batch at the start; batches then grow to take about [`BATCH_TIME`] each.
const FIRST_BATCH: u64 = 32;
const BATCH_TIME: Duration = Duration::from_millis(250);

impl Session {
    /// Checks `property` on values of `strategy` until the budget is spent or a case fails. A target calls
    /// this once, with one strategy that covers all its scenarios.
    pub fn check<S>(&mut self, strategy: S, property: impl Fn(S::Value) -> TestCaseResult)
    where
        S: Strategy,
        S::Value: Debug,
    {
        let mut batch_cases = FIRST_BATCH;
        let mut batch = 0u64;
        while self.cases < self.budget.cases && !self.out_of_time() {
            let cases = batch_cases.min(self.budget.cases - self.cases);
            let config = Config {
                cases: cases as u32,
                failure_persistence: None,
                // Shrinking a failure is worth minutes, not hours: a failure is reported either way.
                max_shrink_time: 60_000,
                max_shrink_iters: 100_000,
                ..Config::default()
            };
            let rng = TestRng::from_seed(
                RngAlgorithm::ChaCha,
                &batch_seed(self.seed, self.target, batch),
            );
            let mut runner = TestRunner::new_with_rng(config, rng);
            let batch_started = Instant::now();
            // proptest catches a panic of the property; one while generating or shrinking a value is caught here.
            let outcome = with_panics_recorded(|| {
                std::panic::catch_unwind(AssertUnwindSafe(|| runner.run(&strategy, &property)))
            });
            match outcome {
                (Ok(Ok(())), _) => self.cases += cases,
                (Ok(Err(error)), panic) => {
                    self.failure = Some(describe_failure(error, panic, self.seed, batch));
                    return;
                }
                (Err(_), panic) => {
                    self.failure = Some(format!(
                        "a panic outside the property (generating or shrinking a value): {}\n(seed {:#018x}, \
                         batch {batch}: replay with --seed {:#018x})",
                        panic.unwrap_or_default(),
                        self.seed,
                        self.seed
                    ));
                    return;
                }
            }
            batch += 1;
            let took = batch_started.elapsed().max(Duration::from_micros(1));
            let scaled = (cases as f64 * BATCH_TIME.as_secs_f64() / took.as_secs_f64()) as u64;
            batch_cases = scaled.clamp(FIRST_BATCH, 1 << 20);
        }
    }

    fn out_of_time(&self) -> bool {
        self.budget
            .time
            .is_some_and(|time| self.started.elapsed() >= time)
    }
}

/// Runs `property` (a target's body, which calls [`Session::check`]) within `budget`.
pub fn run(target: &'static str, seed: u64, budget: Budget, property: fn(&mut Session)) -> Report {
    let mut session = Session {
        target,
        seed,
        budget,
        started: Instant::now(),
        cases: 0,
        failure: None,
    };
    property(&mut session);
    Report {
        cases: session.cases,
        elapsed: session.started.elapsed(),
        timed_out: session.failure.is_none() && session.cases < budget.cases,
        failure: session.failure,
    }
}

/// The 32-byte ChaCha seed of one batch: SHA-256 of the run seed, the target's name and the batch number.
fn batch_seed(seed: u64, target: &str, batch: u64) -> [u8; 32] {
    let mut hash = Sha256::new();
    hash.update(seed.to_le_bytes());
    hash.update(target.as_bytes());
    hash.update(batch.to_le_bytes());
    hash.finalize().into()
}

fn describe_failure<T: Debug>(
    error: TestError<T>,
    panic: Option<String>,
    seed: u64,
    batch: u64,
) -> String {
    let mut text =
        format!("{error}\n(seed {seed:#018x}, batch {batch}: replay with --seed {seed:#018x})");
    if let Some(panic) = panic {
        text.push_str("\nthe last panic while shrinking: ");
        text.push_str(&panic);
    }
    text
}

thread_local! {
    /// The location and message of the last panic on this thread while a batch ran.
    static LAST_PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Runs `f` with panics recorded (where and why) instead of printed: proptest turns a panic into a failed case
/// and shrinks it, which would otherwise print one backtrace per shrinking step.
fn with_panics_recorded<T>(f: impl FnOnce() -> T) -> (T, Option<String>) {
    static HOOK: std::sync::Once = std::sync::Once::new();
    HOOK.call_once(|| {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let recording = LAST_PANIC.with(|last| {
                let mut last = last.borrow_mut();
                if last.is_some() {
                    *last = Some(info.to_string());
                    true
                } else {
                    false
                }
            });
            if !recording {
                default(info);
            }
        }));
    });
    // `Some("")` marks this thread as recording.
    LAST_PANIC.with(|last| *last.borrow_mut() = Some(String::new()));
    let outcome = f();
    let panic = LAST_PANIC
        .with(|last| last.borrow_mut().take())
        .filter(|text| !text.is_empty());
    (outcome, panic)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_run_stops_at_its_case_count_exactly() {
        let report = run(
            "count",
            1,
            Budget {
                cases: 1000,
                time: None,
            },
            |session| session.check(any::<u8>(), |_| Ok(())),
        );
        assert_eq!((report.cases, report.timed_out), (1000, false));
        assert!(report.failure.is_none());
    }

    #[test]
    fn a_run_stops_at_its_time_box_and_says_so() {
        let report = run(
            "time",
            1,
            Budget {
                cases: u64::MAX,
                time: Some(Duration::from_millis(50)),
            },
            |session| session.check(any::<u8>(), |_| Ok(())),
        );
        assert!(report.timed_out && report.cases > 0 && report.failure.is_none());
    }

    #[test]
    fn a_failure_is_shrunk_and_reported_with_its_seed_and_the_panic_location() {
        let report = run(
            "panic",
            7,
            Budget {
                cases: 10_000,
                time: None,
            },
            |session| {
                session.check(0u32..1_000_000, |n| {
                    assert!(n < 1000, "too big");
                    Ok(())
                })
            },
        );
        let failure = report.failure.expect("the property fails");
        assert!(failure.contains("minimal failing input: 1000"), "{failure}");
        assert!(failure.contains("--seed 0x0000000000000007"), "{failure}");
        assert!(
            failure.contains("runner.rs") && failure.contains("too big"),
            "{failure}"
        );
    }

    #[test]
    fn the_same_seed_gives_the_same_cases() {
        let values = |seed| {
            let seen = RefCell::new(Vec::new());
            let mut session = Session {
                target: "replay",
                seed,
                budget: Budget {
                    cases: 100,
                    time: None,
                },
                started: Instant::now(),
                cases: 0,
                failure: None,
            };
            session.check(any::<u64>(), |n| {
                seen.borrow_mut().push(n);
                Ok(())
            });
            seen.into_inner()
        };
        assert_eq!(values(3), values(3));
        assert_ne!(values(3), values(4));
    }
}
