//! The retry policy ([`kps_wasm::retry`]) and the task waiter ([`kps_wasm::tasks::Waiter`]), driven through
//! random sequences of failed attempts and polls on a random clock, as `src/wasm/call.rs` drives them.
//!
//! Properties: a call never makes more than `maxAttempts` requests (1–10); a failure is retried exactly when
//! the README's table says so, there are attempts left, and the delay — drawn as documented (full jitter under
//! 100 ms × 2^(n−1), at most 20 s, never less than `Retry-After`) — leaves at least 50 ms of `timeoutMs`; the
//! failure given up with counts its attempts; `Retry-After` reads delay-seconds, and HTTP dates exactly as httpdate
//! does; a wait polls no later than its deadline, reports each status change once, and ends as the status or
//! the failure says.

use std::time::UNIX_EPOCH;

use kps_wasm::error::{ErrorKind, Failure};
use kps_wasm::model::KeypairTask;
use kps_wasm::retry::{Attempts, Method, Next, RetryAfter};
use kps_wasm::tasks::{Step, Waiter};
use proptest::prelude::*;
use proptest::sample::select;

use crate::inputs::any_text;
use crate::Session;

/// A failed attempt: the failure, its `Retry-After` in milliseconds, how long the attempt took, the random
/// number drawn for the jitter.
#[derive(Clone, Debug)]
pub struct Attempt {
    kind: ErrorKind,
    status: u16,
    code: &'static str,
    retry_after_ms: Option<f64>,
    took_ms: f64,
    random: f64,
}

fn any_failure() -> impl Strategy<Value = (ErrorKind, u16, &'static str)> {
    (
        select(
            &[
                ErrorKind::Api,
                ErrorKind::Api,
                ErrorKind::Api,
                ErrorKind::Network,
                ErrorKind::Response,
                ErrorKind::Timeout,
                ErrorKind::Abort,
                ErrorKind::Validation,
                ErrorKind::TaskFailed,
            ][..],
        ),
        prop_oneof![
            select(&[0u16, 200, 400, 401, 403, 404, 429, 500, 501, 502, 503, 504][..]),
            any::<u16>()
        ],
        select(
            &[
                "APIGW.0308",
                "APIG.0308",
                "KPS.0002",
                "KPS.0001",
                "HTTP_429",
                "HTTP_503",
                "APIGW.0301",
                "NETWORK_ERROR",
            ][..],
        ),
    )
}

fn any_attempt() -> impl Strategy<Value = Attempt> {
    (
        any_failure(),
        prop::option::of(prop_oneof![
            Just(0.0),
            0.0..5_000.0f64,
            0.0..86_400_000.0f64
        ]),
        prop_oneof![Just(0.0), 0.0..100.0f64, 0.0..700_000.0f64],
        prop_oneof![0.0..1.0f64, select(&[0.0, 0.999_999, -0.5, 1.5][..])],
    )
        .prop_map(
            |((kind, status, code), retry_after_ms, took_ms, random)| Attempt {
                kind,
                status,
                code,
                retry_after_ms,
                took_ms,
                random,
            },
        )
}

/// One poll of a wait.
#[derive(Clone, Debug)]
pub struct Poll {
    /// A status, or a failure.
    outcome: Result<&'static str, (ErrorKind, u16, &'static str)>,
    retry_after_ms: Option<f64>,
    /// Time from the step before to this poll's answer.
    after_ms: f64,
}

#[derive(Clone, Debug)]
pub enum Case {
    Call {
        max_attempts: u32,
        safe: bool,
        start_ms: f64,
        timeout_ms: u32,
        attempts: Vec<Attempt>,
    },
    RetryAfter(String, f64),
    Wait {
        interval_ms: u32,
        wait_timeout_ms: u32,
        call_timeout_ms: u32,
        start_ms: f64,
        polls: Vec<Poll>,
    },
}

fn any_retry_after_text() -> impl Strategy<Value = String> {
    let date = (
        0u8..8,
        1u32..32,
        0usize..13,
        1960u32..2200,
        0u32..25,
        0u32..61,
        0u32..62,
    )
        .prop_map(|(weekday, day, month, year, h, m, s)| {
            const DAYS: [&str; 8] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun", "Xyz"];
            const MONTHS: [&str; 13] = [
                "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
                "Foo",
            ];
            format!(
                "{}, {day:02} {} {year:04} {h:02}:{m:02}:{s:02} GMT",
                DAYS[weekday as usize], MONTHS[month]
            )
        });
    // RFC 850's and asctime's forms, from the same fields (the weekday's full name for RFC 850).
    let obsolete_date = (
        0u8..8,
        1u32..32,
        0usize..13,
        1960u32..2200,
        (0u32..25, 0u32..61, 0u32..62),
        any::<bool>(),
    )
        .prop_map(|(weekday, day, month, year, (h, m, s), rfc850)| {
            const DAYS: [&str; 8] = [
                "Monday",
                "Tuesday",
                "Wednesday",
                "Thursday",
                "Friday",
                "Saturday",
                "Sunday",
                "Xyzday",
            ];
            const MONTHS: [&str; 13] = [
                "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
                "Foo",
            ];
            let (weekday, month) = (DAYS[weekday as usize], MONTHS[month]);
            if rfc850 {
                format!(
                    "{weekday}, {day:02}-{month}-{:02} {h:02}:{m:02}:{s:02} GMT",
                    year % 100
                )
            } else {
                format!(
                    "{} {month} {day:>2} {h:02}:{m:02}:{s:02} {year:04}",
                    &weekday[..3]
                )
            }
        });
    prop_oneof![
        3 => date,
        2 => prop::string::string_regex("[0-9]{1,12}").expect("regex"),
        1 => prop::string::string_regex(" ?[0-9]{1,4} ?").expect("regex"),
        1 => obsolete_date,
        1 => any_text(30),
    ]
}

fn any_case() -> impl Strategy<Value = Case> {
    let poll = (
        prop_oneof![
            3 => select(&["READY_UNBIND", "RUNNING_UNBIND", "SUCCESS_UNBIND", "FAILED_UNBIND", "SOMETHING_NEW", "SUCCESS", "FAILED"][..]).prop_map(Ok),
            2 => any_failure().prop_map(Err),
        ],
        prop::option::of(0.0..120_000.0f64),
        prop_oneof![0.0..200.0f64, 0.0..30_000.0f64, 0.0..3_600_000.0f64],
    )
        .prop_map(|(outcome, retry_after_ms, after_ms)| Poll {
            outcome,
            retry_after_ms,
            after_ms,
        });
    prop_oneof![
        4 => (0u32..13, any::<bool>(), prop_oneof![Just(0.0), 0.0..2e12f64], prop_oneof![1u32..=600_000, 1u32..200], prop::collection::vec(any_attempt(), 1..12))
            .prop_map(|(max_attempts, safe, start_ms, timeout_ms, attempts)| Case::Call {
                max_attempts,
                safe,
                start_ms,
                timeout_ms,
                attempts,
            }),
        2 => (any_retry_after_text(), 0.0..4e12f64).prop_map(|(text, now)| Case::RetryAfter(text, now)),
        3 => (100u32..=600_000, prop_oneof![1u32..=86_400_000, 1u32..5_000], 1u32..=600_000, 0.0..2e12f64, prop::collection::vec(poll, 1..40))
            .prop_map(|(interval_ms, wait_timeout_ms, call_timeout_ms, start_ms, polls)| Case::Wait {
                interval_ms,
                wait_timeout_ms,
                call_timeout_ms,
                start_ms,
                polls,
            }),
    ]
}

fn failure(kind: ErrorKind, status: u16, code: &str) -> Failure {
    Failure {
        status,
        code: code.to_owned(),
        ..Failure::local(kind, "the attempt failed")
    }
}

/// The README's table: throttling and unavailability (`429`, `503`, `APIGW.0308`/`APIG.0308`) are retried for
/// every method; no response, a body cut short, `500`, `502`, `504` only for `GET`; nothing else.
fn table_retries(kind: ErrorKind, status: u16, code: &str, safe: bool) -> bool {
    let throttled = kind == ErrorKind::Api
        && (matches!(status, 429 | 503) || matches!(code, "APIGW.0308" | "APIG.0308"));
    let lost =
        kind == ErrorKind::Network || (kind == ErrorKind::Api && matches!(status, 500 | 502 | 504));
    throttled || (safe && lost)
}

fn check_call(
    max_attempts: u32,
    safe: bool,
    start_ms: f64,
    timeout_ms: u32,
    attempts: &[Attempt],
) -> Result<(), TestCaseError> {
    let method = if safe { Method::Safe } else { Method::Unsafe };
    prop_assert_eq!(Method::of(if safe { "GET" } else { "POST" }), method);
    let allowed = max_attempts.clamp(1, 10);
    let deadline = start_ms + f64::from(timeout_ms);
    let mut calls = Attempts::new(max_attempts, method, start_ms, timeout_ms);
    let mut now = start_ms;
    for (index, attempt) in attempts.iter().enumerate() {
        let Some(attempt_timeout) = calls.start(now) else {
            prop_assert!(
                deadline - now < 1.0,
                "no attempt started with {} ms left",
                deadline - now
            );
            return Ok(());
        };
        prop_assert!(
            f64::from(attempt_timeout) <= deadline - now,
            "an attempt may outlast the call"
        );
        prop_assert!(
            calls.made() <= allowed,
            "{} attempts of {allowed}",
            calls.made()
        );
        prop_assert_eq!(calls.made() as usize, index + 1);
        now += attempt.took_ms.min(f64::from(attempt_timeout));
        let next = calls.after_failure(
            failure(attempt.kind, attempt.status, attempt.code),
            attempt.retry_after_ms,
            now,
            attempt.random,
        );
        // The documented delay: full jitter under the bound, never less than Retry-After.
        let bound = (100.0 * 2f64.powi(calls.made() as i32 - 1)).min(20_000.0);
        let delay =
            (bound * attempt.random.clamp(0.0, 1.0)).max(attempt.retry_after_ms.unwrap_or(0.0));
        let retries = calls.made() < allowed
            && table_retries(attempt.kind, attempt.status, attempt.code, safe)
            && now + delay + 50.0 <= deadline;
        match next {
            Next::RetryAfter(ms) => {
                prop_assert!(
                    retries,
                    "retried: attempt {}, {:?} {} {}",
                    calls.made(),
                    attempt.kind,
                    attempt.status,
                    attempt.code
                );
                prop_assert_eq!(ms, delay as u32);
                prop_assert!(
                    now + f64::from(ms) + 50.0 <= deadline,
                    "a delay past the budget"
                );
                now += f64::from(ms);
            }
            Next::GiveUp(failure) => {
                prop_assert!(!retries, "given up although the policy retries");
                prop_assert_eq!(failure.attempts, calls.made());
                prop_assert_eq!(failure.kind, attempt.kind);
                let counted = failure
                    .message
                    .ends_with(&format!(" (after {} attempts)", calls.made()));
                prop_assert_eq!(counted, calls.made() > 1, "{}", failure.message);
                return Ok(());
            }
        }
    }
    Ok(())
}

fn check_retry_after(text: &str, now_ms: f64) -> Result<(), TestCaseError> {
    let parsed = RetryAfter::parse(text);
    if let Some(parsed) = parsed {
        let delay = parsed.delay_ms(now_ms);
        prop_assert!(
            (0.0..=86_400_000.0).contains(&delay),
            "a delay of {delay} ms"
        );
    }
    let trimmed = text.trim();
    if !trimmed.is_empty() && trimmed.bytes().all(|b| b.is_ascii_digit()) {
        // delay-seconds of any length: too many for a u64 is the longest wait.
        let seconds = trimmed.parse().unwrap_or(u64::MAX);
        prop_assert_eq!(parsed, Some(RetryAfter::Seconds(seconds)));
        return Ok(());
    }
    // Exactly what httpdate reads: the IMF-fixdate and RFC 9110's two obsolete forms, a weekday that is the
    // date's, a real date from 1970, no leap second.
    let reference = httpdate::parse_http_date(text).ok().map(|time| {
        time.duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_millis() as i64)
    });
    prop_assert_eq!(parsed, reference.map(RetryAfter::At), "{:?}", text);
    Ok(())
}

fn check_wait(
    interval_ms: u32,
    wait_timeout_ms: u32,
    call_timeout_ms: u32,
    start_ms: f64,
    polls: &[Poll],
) -> Result<(), TestCaseError> {
    let mut waiter = Waiter::new("t-1", interval_ms, wait_timeout_ms, start_ms);
    let deadline = start_ms + f64::from(wait_timeout_ms);
    let mut now = start_ms;
    let mut last_status: Option<&str> = None;
    for poll in polls {
        match waiter.poll_timeout(now, call_timeout_ms) {
            None => {
                prop_assert!(deadline - now < 1.0);
                return Ok(());
            }
            Some(timeout) => {
                prop_assert!(timeout <= call_timeout_ms && f64::from(timeout) <= deadline - now)
            }
        }
        now += poll.after_ms;
        let outcome = poll.outcome.map(|status| KeypairTask {
            task_id: "t-1".to_owned(),
            server_id: "s-1".to_owned(),
            status: status.to_owned(),
        });
        let outcome = outcome.map_err(|(kind, status, code)| failure(kind, status, code));
        let (progress, step) = waiter.observe(now, outcome.clone(), poll.retry_after_ms);
        let left = deadline - now;
        match poll.outcome {
            Ok(status) => {
                prop_assert_eq!(
                    progress.is_some(),
                    last_status != Some(status),
                    "progress reported once per change"
                );
                last_status = Some(status);
            }
            Err(_) => prop_assert!(progress.is_none()),
        }
        match step {
            Step::PollAfter(ms) => {
                prop_assert!(left >= 1.0, "a poll after the deadline");
                prop_assert!(f64::from(ms) <= left, "the next poll is after the deadline");
                let wanted = match &outcome {
                    Ok(_) => f64::from(interval_ms),
                    Err(_) => f64::from(interval_ms).max(poll.retry_after_ms.unwrap_or(0.0)),
                };
                prop_assert_eq!(ms, wanted.min(left) as u32);
                let transient = match &outcome {
                    Ok(task) => {
                        !task.status.starts_with("SUCCESS") && !task.status.starts_with("FAILED")
                    }
                    Err(f) => {
                        table_retries(f.kind, f.status, &f.code, true)
                            || f.kind == ErrorKind::Timeout
                    }
                };
                prop_assert!(transient, "polling again after {outcome:?}");
                now += f64::from(ms);
            }
            Step::Succeeded(task) => {
                prop_assert!(task.status.starts_with("SUCCESS"));
                return Ok(());
            }
            Step::Failed(task) => {
                prop_assert!(task.status.starts_with("FAILED"));
                return Ok(());
            }
            Step::Stop(failure) => {
                match &outcome {
                    Err(f)
                        if !(table_retries(f.kind, f.status, &f.code, true)
                            || f.kind == ErrorKind::Timeout) =>
                    {
                        // The poll's own failure ends the wait, about the task it was waiting for (unless it
                        // is about an option).
                        prop_assert_eq!(
                            (failure.kind, &failure.code, &failure.message),
                            (f.kind, &f.code, &f.message)
                        );
                        let task = (f.kind != ErrorKind::Validation).then_some("t-1");
                        prop_assert_eq!(failure.task.as_ref().map(|t| t.task_id.as_str()), task);
                    }
                    _ => {
                        prop_assert!(left < 1.0, "stopped with {left} ms left");
                        prop_assert_eq!(failure.kind, ErrorKind::Timeout);
                    }
                }
                return Ok(());
            }
        }
    }
    Ok(())
}

pub fn property(session: &mut Session) {
    session.check(any_case(), |case| match case {
        Case::Call {
            max_attempts,
            safe,
            start_ms,
            timeout_ms,
            attempts,
        } => check_call(max_attempts, safe, start_ms, timeout_ms, &attempts),
        Case::RetryAfter(text, now) => check_retry_after(&text, now),
        Case::Wait {
            interval_ms,
            wait_timeout_ms,
            call_timeout_ms,
            start_ms,
            polls,
        } => check_wait(
            interval_ms,
            wait_timeout_ms,
            call_timeout_ms,
            start_ms,
            &polls,
        ),
    });
}
