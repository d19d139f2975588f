//! Step 7, the numbers: `timeoutMs` and `maxAttempts` (every operation), then the operation's own: `intervalMs` and
//! `waitTimeoutMs` (the waits), `limit` and `offset` (the task listings).
//!
//! Each is an integer in a range, read by [`integer`], whose messages say the range, the unit and what was
//! given instead (`NaN`, `Infinity`, a fraction, or the number itself). Defaults and bounds are the constants
//! below; a new number option (such as a retry count) is one more function here.

use super::fields::wrong_type;
use crate::error::Failure;
use crate::input::Input;
use crate::messages::decimal;
use crate::retry::{DEFAULT_MAX_ATTEMPTS, MAX_MAX_ATTEMPTS};

/// `timeoutMs` when not given: the whole call, in milliseconds.
pub const DEFAULT_TIMEOUT_MS: u32 = 30_000;
/// Largest `timeoutMs` (10 minutes).
pub const MAX_TIMEOUT_MS: u32 = 600_000;
/// `intervalMs` when not given: how long `waitForKeypairTask` waits between polls (Terraform's waiter).
pub const DEFAULT_INTERVAL_MS: u32 = 20_000;
/// Smallest `intervalMs`: polling faster only spends the API gateway's rate limit.
pub const MIN_INTERVAL_MS: u32 = 100;
/// `waitTimeoutMs` when not given: how long `waitForKeypairTask` waits in all (Terraform's 30 minutes).
pub const DEFAULT_WAIT_TIMEOUT_MS: u32 = 1_800_000;
/// Largest `waitTimeoutMs` (24 hours).
pub const MAX_WAIT_TIMEOUT_MS: u32 = 86_400_000;
/// Largest `limit` and `offset` of the task listings: the API's parameters are 32-bit integers.
pub const MAX_PAGE_NUMBER: u32 = i32::MAX as u32;

const MS: &str = " (milliseconds)";

/// `timeoutMs`: the whole call, 1..=[`MAX_TIMEOUT_MS`]; [`DEFAULT_TIMEOUT_MS`] when not given.
pub(super) fn timeout_ms(value: Input) -> Result<u32, Failure> {
    let timeout = integer("timeoutMs", value, 1, MAX_TIMEOUT_MS, MS)?;
    Ok(timeout.unwrap_or(DEFAULT_TIMEOUT_MS))
}

/// `maxAttempts`: requests per call, 1..=[`MAX_MAX_ATTEMPTS`] (1 turns retries off);
/// [`DEFAULT_MAX_ATTEMPTS`] when not given. What is retried is [`crate::retry`]'s policy.
pub(super) fn max_attempts(value: Input) -> Result<u32, Failure> {
    let attempts = integer(
        "maxAttempts",
        value,
        1,
        MAX_MAX_ATTEMPTS,
        " (requests per call; 1 turns retries off)",
    )?;
    Ok(attempts.unwrap_or(DEFAULT_MAX_ATTEMPTS))
}

/// `concurrency` when not given: unbind requests a fleet keeps in flight.
pub const DEFAULT_CONCURRENCY: u32 = 8;
/// Largest `concurrency`.
pub const MAX_CONCURRENCY: u32 = 64;

/// `concurrency`: a fleet's unbind requests in flight, 1..=[`MAX_CONCURRENCY`]; [`DEFAULT_CONCURRENCY`] when not
/// given.
pub(super) fn concurrency(value: Input) -> Result<u32, Failure> {
    let concurrency = integer(
        "concurrency",
        value,
        1,
        MAX_CONCURRENCY,
        " (unbind requests in flight)",
    )?;
    Ok(concurrency.unwrap_or(DEFAULT_CONCURRENCY))
}

/// `intervalMs`: between two polls of a wait, [`MIN_INTERVAL_MS`]..=[`MAX_TIMEOUT_MS`]; [`DEFAULT_INTERVAL_MS`]
/// when not given.
pub(super) fn interval_ms(value: Input) -> Result<u32, Failure> {
    let interval = integer("intervalMs", value, MIN_INTERVAL_MS, MAX_TIMEOUT_MS, MS)?;
    Ok(interval.unwrap_or(DEFAULT_INTERVAL_MS))
}

/// `waitTimeoutMs`: a whole wait, 1..=[`MAX_WAIT_TIMEOUT_MS`]; [`DEFAULT_WAIT_TIMEOUT_MS`] when not given.
pub(super) fn wait_timeout_ms(value: Input) -> Result<u32, Failure> {
    let wait_timeout = integer("waitTimeoutMs", value, 1, MAX_WAIT_TIMEOUT_MS, MS)?;
    Ok(wait_timeout.unwrap_or(DEFAULT_WAIT_TIMEOUT_MS))
}

/// `limit`: a task listing's page size, 1..=[`MAX_PAGE_NUMBER`]; `None` (the service's default) when not given.
pub(super) fn limit(value: Input) -> Result<Option<u32>, Failure> {
    integer("limit", value, 1, MAX_PAGE_NUMBER, "")
}

/// `offset`: how many tasks a listing skips, 0..=[`MAX_PAGE_NUMBER`]; `None` (the service's 0) when not given.
pub(super) fn offset(value: Input) -> Result<Option<u32>, Failure> {
    integer("offset", value, 0, MAX_PAGE_NUMBER, "")
}

// An integer in `min..=max`; `undefined` → `None`.
fn integer(
    field: &str,
    value: Input,
    min: u32,
    max: u32,
    unit: &str,
) -> Result<Option<u32>, Failure> {
    let expected = [
        "an integer from ",
        &decimal(min.into()),
        " to ",
        &decimal(max.into()),
        unit,
    ]
    .concat();
    let number = match value {
        Input::Undefined => return Ok(None),
        Input::Number(number) => number,
        other => {
            return Err(wrong_type(
                field,
                &["a number: ", &expected].concat(),
                other,
                true,
            ))
        }
    };
    let got = if number.is_nan() {
        "NaN".into()
    } else if number.is_infinite() {
        if number > 0.0 {
            "Infinity"
        } else {
            "-Infinity"
        }
        .into()
    } else if number.fract() != 0.0 {
        "a number with a fractional part".into()
    } else if number >= f64::from(min) && number <= f64::from(max) {
        return Ok(Some(number as u32));
    } else if number.abs() < 1e15 {
        let sign = if number < 0.0 { "-" } else { "" };
        [sign, &decimal(number.abs() as u64)].concat()
    } else if number > 0.0 {
        "a larger number".into()
    } else {
        "a smaller number".into()
    };
    Err(Failure::invalid(
        field,
        [field, " must be ", &expected, "; got ", &got].concat(),
    ))
}

#[cfg(test)]
mod tests {
    use crate::input::Input;
    use crate::options::test_support::*;
    use crate::options::{validate_task_list, validate_wait_for_task};

    #[test]
    fn timeout_ms_rejects_values_that_are_not_numbers() {
        for (value, got) in [
            (s("1000"), "got a string"),
            (Input::Bool(true), "got a boolean"),
            (Input::Null, "got null"),
            (Input::Object(Vec::new()), "got an object"),
            (Input::Other("a bigint"), "got a bigint"),
        ] {
            rejects(
                with(vec![set("timeoutMs", value)]),
                "timeoutMs",
                &[
                    "timeoutMs must be a number: an integer from 1 to 600000 (milliseconds); got",
                    got,
                ],
            );
        }
    }

    #[test]
    fn timeout_ms_accepts_integers_from_1_to_600000() {
        for timeout in [1.0, 2.0, 30_000.0, 599_999.0, 600_000.0] {
            assert_eq!(
                valid(with(vec![set("timeoutMs", Input::Number(timeout))]))
                    .client
                    .timeout_ms,
                timeout as u32
            );
        }
    }

    #[test]
    fn timeout_ms_rejects_zero_negatives_fractions_nan_infinity_and_too_large_values() {
        for (timeout, got) in [
            (0.0, "got 0"),
            (-0.0, "got 0"),
            (-1.0, "got -1"),
            (600_001.0, "got 600001"),
            (1.5, "got a number with a fractional part"),
            (0.5, "got a number with a fractional part"),
            (f64::NAN, "got NaN"),
            (f64::INFINITY, "got Infinity"),
            (f64::NEG_INFINITY, "got -Infinity"),
            (1e300, "got a larger number"),
            (-1e300, "got a smaller number"),
            (4_294_967_296.0, "got 4294967296"),
            // Integers below 1e15 are shown in digits; from 1e15 on, in words.
            (999_999_999_999_999.0, "got 999999999999999"),
            (-999_999_999_999_999.0, "got -999999999999999"),
            (1e15, "got a larger number"),
            (-1e15, "got a smaller number"),
        ] {
            let message = rejects(
                with(vec![set("timeoutMs", Input::Number(timeout))]),
                "timeoutMs",
                &[],
            );
            assert_eq!(
                message,
                [
                    "timeoutMs must be an integer from 1 to 600000 (milliseconds); ",
                    got
                ]
                .concat()
            );
        }
    }

    #[test]
    fn max_attempts_is_3_by_default_and_an_integer_from_1_to_10_on_every_operation() {
        assert_eq!(valid(with(vec![])).client.max_attempts, 3);
        for attempts in [1.0, 2.0, 10.0] {
            let options = valid(with(vec![set("maxAttempts", Input::Number(attempts))]));
            assert_eq!(options.client.max_attempts, attempts as u32);
            let waits = validate_wait_for_task(
                task_options(vec![set("maxAttempts", Input::Number(attempts))]),
                &NODE,
            );
            assert_eq!(waits.unwrap().query.client.max_attempts, attempts as u32);
        }
        for (attempts, got) in [
            (0.0, "got 0"),
            (11.0, "got 11"),
            (2.5, "got a number with a fractional part"),
        ] {
            let message = rejects(
                with(vec![set("maxAttempts", Input::Number(attempts))]),
                "maxAttempts",
                &[],
            );
            assert_eq!(
                message,
                [
                    "maxAttempts must be an integer from 1 to 10 (requests per call; 1 turns retries off); ",
                    got
                ]
                .concat()
            );
        }
        rejects(
            with(vec![set("maxAttempts", s("3"))]),
            "maxAttempts",
            &["a string"],
        );
        rejects(
            with(vec![set("retries", Input::Number(3.0))]),
            "retries",
            &["maxAttempts"],
        );
    }

    #[test]
    fn wait_for_keypair_task_has_polling_defaults_and_bounds() {
        let options = validate_wait_for_task(task_options(vec![]), &NODE).unwrap();
        assert_eq!(
            (options.interval_ms, options.wait_timeout_ms),
            (20_000, 1_800_000)
        );
        assert!(!options.has_on_progress);
        let options = validate_wait_for_task(
            task_options(vec![
                set("intervalMs", Input::Number(100.0)),
                set("waitTimeoutMs", Input::Number(86_400_000.0)),
                set("onProgress", Input::Function),
                set("signal", Input::AbortSignal),
            ]),
            &NODE,
        )
        .unwrap();
        assert_eq!(
            (options.interval_ms, options.wait_timeout_ms),
            (100, 86_400_000)
        );
        assert!(options.has_on_progress && options.query.client.has_signal);
        for (key, value, message) in [
            (
                "intervalMs",
                99.0,
                "intervalMs must be an integer from 100 to 600000 (milliseconds); got 99",
            ),
            (
                "intervalMs",
                600_001.0,
                "intervalMs must be an integer from 100 to 600000 (milliseconds); got 600001",
            ),
            (
                "waitTimeoutMs",
                0.0,
                "waitTimeoutMs must be an integer from 1 to 86400000 (milliseconds); got 0",
            ),
            (
                "waitTimeoutMs",
                86_400_001.0,
                "waitTimeoutMs must be an integer from 1 to 86400000 (milliseconds); got 86400001",
            ),
        ] {
            let failure =
                validate_wait_for_task(task_options(vec![set(key, Input::Number(value))]), &NODE)
                    .unwrap_err();
            assert_eq!(
                (failure.field.as_deref(), failure.message.as_str()),
                (Some(key), message)
            );
        }
        let failure =
            validate_wait_for_task(task_options(vec![set("onProgress", s("log"))]), &NODE)
                .unwrap_err();
        assert_eq!(
            failure.message,
            "onProgress must be a function (task) => void; got a string"
        );
        let failure = validate_wait_for_task(
            task_options(vec![set("interval", Input::Number(1.0))]),
            &NODE,
        )
        .unwrap_err();
        assert!(failure.message.ends_with("did you mean 'intervalMs'?"));
    }

    #[test]
    fn listing_tasks_takes_an_optional_limit_from_1_and_offset_from_0() {
        let list = |changes| {
            let base = vec![
                ("projectId", s(PROJECT)),
                ("token", s(TOKEN)),
                ("region", s("cn-north-4")),
            ];
            validate_task_list(apply(base, changes), &NODE)
        };
        let options = list(vec![]).unwrap();
        assert_eq!((options.limit, options.offset), (None, None));
        let options = list(vec![
            set("limit", Input::Number(1.0)),
            set("offset", Input::Number(0.0)),
        ])
        .unwrap();
        assert_eq!((options.limit, options.offset), (Some(1), Some(0)));
        let options = list(vec![set("limit", Input::Number(2_147_483_647.0))]).unwrap();
        assert_eq!(options.limit, Some(2_147_483_647));
        for (key, value, got) in [
            ("limit", 0.0, "got 0"),
            ("offset", -1.0, "got -1"),
            ("limit", 2_147_483_648.0, "got 2147483648"),
        ] {
            let failure = list(vec![set(key, Input::Number(value))]).unwrap_err();
            assert_eq!(failure.field.as_deref(), Some(key));
            assert!(failure.message.ends_with(got), "{}", failure.message);
        }
        let failure = list(vec![set("taskId", s(TASK))]).unwrap_err();
        assert_eq!(failure.field.as_deref(), Some("taskId"));
        let failure = list(vec![set("pageSize", Input::Number(1.0))]).unwrap_err();
        assert!(failure.message.ends_with("did you mean 'limit'?"));
    }
}
