//! The retry policy of every call, as pure decisions: which failures are worth another attempt, how long to
//! wait before it, and when to stop. The clock, the random numbers and the sleeping are the caller's.
//!
//! What is retried (README "Retries" has the same table):
//!
//! | answer | GET | POST, DELETE |
//! | --- | --- | --- |
//! | `429`, `503`, a gateway throttling code ([`THROTTLING_CODES`]) | yes | yes: it proves the service did not act |
//! | no response, a body cut short, `500`, `502`, `504` | yes | no: the request may have been acted on |
//! | any other answer (`4xx`, a body that is not the documented shape) | no | no |
//! | the call's `timeoutMs` or its `signal` | no | no |
//!
//! Like AWS SDK v3's standard mode: at most `maxAttempts` attempts (1–10, default 3); before attempt `n + 1`,
//! a delay drawn uniformly from `[0, min(20 s, 100 ms × 2^(n-1))]` ("full jitter", so that many clients
//! throttled at once do not come back at once), but never less than the answer's `Retry-After` (seconds or an
//! HTTP date in one of RFC 9110's three forms, exactly). Every attempt and every delay fits in the call's
//! `timeoutMs`: a delay that would leave less than [`MIN_ATTEMPT_MS`] for the next attempt is not started,
//! and the call rejects with the last answer's error. The error says how many attempts were made.

use crate::error::{ErrorKind, Failure};
use crate::signing::{days_from_civil, days_in_month};

/// `maxAttempts` when not given.
pub const DEFAULT_MAX_ATTEMPTS: u32 = 3;
/// Largest `maxAttempts`.
pub const MAX_MAX_ATTEMPTS: u32 = 10;
/// The first retry's jitter bound; it doubles with each retry.
pub const BASE_DELAY_MS: f64 = 100.0;
/// The largest jitter bound (a `Retry-After` may ask for longer).
pub const MAX_DELAY_MS: f64 = 20_000.0;
/// A retry is not started unless at least this much of `timeoutMs` would be left for it.
pub const MIN_ATTEMPT_MS: f64 = 50.0;
/// The gateway's codes for "too many requests": the request was refused before it reached KPS. Huawei Cloud's
/// API gateway answers `APIG.0308` ("The throttling threshold has been reached: policy user over ratelimit…",
/// HTTP 429); KPS's gateway writes the same code with the `APIGW.` prefix.
pub const THROTTLING_CODES: [&str; 2] = ["APIGW.0308", "APIG.0308"];

/// Whether a request's method lets it be sent twice without doing its work twice.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    /// `GET`: reading again changes nothing.
    Safe,
    /// `POST` (an unbind), `DELETE` (a failed task): sent again, it may act twice, or report that the first
    /// one did (`KPS.0005` for a task the lost answer had deleted).
    Unsafe,
}

impl Method {
    /// The kind of an HTTP method: `GET` and `HEAD` are safe, the rest are not.
    pub fn of(http_method: &str) -> Method {
        match http_method {
            "GET" | "HEAD" => Method::Safe,
            _ => Method::Unsafe,
        }
    }
}

/// Whether the answer proves the service did not act on the request: throttled, or unavailable.
pub fn proves_not_acted(failure: &Failure) -> bool {
    failure.kind == ErrorKind::Api
        && (matches!(failure.status, 429 | 503)
            || THROTTLING_CODES.contains(&failure.code.as_str()))
}

/// Whether the request may have reached the service and its answer been lost: no response, a body cut
/// short, or a gateway's `500`, `502` or `504`. Safe to retry only for a [`Method::Safe`] request.
pub fn may_have_acted(failure: &Failure) -> bool {
    match failure.kind {
        ErrorKind::Network => true,
        ErrorKind::Api => matches!(failure.status, 500 | 502 | 504),
        _ => false,
    }
}

/// Whether `failure` is worth another attempt of a `method` request.
pub fn is_retryable(failure: &Failure, method: Method) -> bool {
    proves_not_acted(failure) || (method == Method::Safe && may_have_acted(failure))
}

/// The attempts of one call: counts them, and decides after each failure whether to try again and when.
#[derive(Debug)]
pub struct Attempts {
    max_attempts: u32,
    made: u32,
    deadline_ms: f64,
    method: Method,
}

/// What to do after a failed attempt.
#[derive(Debug, PartialEq)]
pub enum Next {
    /// Wait this many milliseconds, then try again.
    RetryAfter(u32),
    /// Stop: the call rejects with this failure (its `attempts` set).
    GiveUp(Failure),
}

impl Attempts {
    /// The attempts of a call of `method` that starts at `now_ms` and must end within `timeout_ms`.
    pub fn new(max_attempts: u32, method: Method, now_ms: f64, timeout_ms: u32) -> Attempts {
        Attempts {
            max_attempts: max_attempts.clamp(1, MAX_MAX_ATTEMPTS),
            made: 0,
            deadline_ms: now_ms + f64::from(timeout_ms),
            method,
        }
    }

    /// These attempts, counting `made` made before by earlier calls of the same request: a fleet's unbind of
    /// one server sent again after a lost answer shares `maxAttempts` with the sends before it, and its
    /// error counts them all.
    pub fn resumed(mut self, made: u32) -> Attempts {
        self.made = made;
        self
    }

    /// Starts an attempt at `now_ms`: its timeout, the time left of the call's; `None` when none is left.
    pub fn start(&mut self, now_ms: f64) -> Option<u32> {
        let left = self.deadline_ms - now_ms;
        if left < 1.0 {
            return None;
        }
        self.made += 1;
        Some(left as u32)
    }

    /// Moves the deadline `queued_ms` later. In a fleet, a retry first waits for its turn at the gateway, and
    /// that queue is not the request's (`timeoutMs` bounds the requests): without this, a long queue left a
    /// retried unbind a timeout of a millisecond, so that it was sent and acted on but its answer lost.
    pub fn postpone(&mut self, queued_ms: f64) {
        self.deadline_ms += queued_ms.max(0.0);
    }

    /// How many attempts were started.
    pub fn made(&self) -> u32 {
        self.made
    }

    /// After attempt number [`Attempts::made`] failed at `now_ms` with `failure` (whose answer asked to wait
    /// `retry_after_ms`, if it did): retry after a delay, or give up. `random` is uniform in `[0, 1)`.
    pub fn after_failure(
        &self,
        failure: Failure,
        retry_after_ms: Option<f64>,
        now_ms: f64,
        random: f64,
    ) -> Next {
        if self.made >= self.max_attempts || !is_retryable(&failure, self.method) {
            return Next::GiveUp(self.counted(failure));
        }
        let bound = (BASE_DELAY_MS * 2f64.powi(self.made as i32 - 1)).min(MAX_DELAY_MS);
        let delay = (bound * random.clamp(0.0, 1.0)).max(retry_after_ms.unwrap_or(0.0));
        if now_ms + delay + MIN_ATTEMPT_MS > self.deadline_ms {
            return Next::GiveUp(self.counted(failure));
        }
        Next::RetryAfter(delay as u32)
    }

    /// `failure` with the number of attempts made, and the count in its message when there were several.
    pub fn counted(&self, mut failure: Failure) -> Failure {
        failure.attempts = self.made.max(1);
        if failure.attempts > 1 {
            failure
                .message
                .push_str(&format!(" (after {} attempts)", failure.attempts));
        }
        failure
    }
}

/// A `Retry-After` value: delay-seconds (`120`) or an HTTP date (`Wed, 21 Oct 2026 07:28:00 GMT`, the
/// IMF-fixdate servers send, or RFC 9110's two obsolete forms: [`http_date_ms`]). Anything else is ignored. Parsed where the answer is read, so that a
/// [`Failure`] carries 16 bytes rather than the header's text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RetryAfter {
    /// Seconds to wait.
    Seconds(u64),
    /// Not before this time, in epoch milliseconds.
    At(i64),
}

impl RetryAfter {
    /// The header's value, or `None` when it is neither form.
    pub fn parse(value: &str) -> Option<RetryAfter> {
        let trimmed = value.trim();
        if !trimmed.is_empty() && trimmed.bytes().all(|b| b.is_ascii_digit()) {
            // More seconds than a u64 holds still asks for the longest wait ([`RetryAfter::delay_ms`] caps it).
            return Some(RetryAfter::Seconds(trimmed.parse().unwrap_or(u64::MAX)));
        }
        // A date is ASCII throughout, blanks around it included.
        if !value.is_ascii() {
            return None;
        }
        http_date_ms(trimmed).map(|ms| RetryAfter::At(ms as i64))
    }

    /// Milliseconds to wait at `now_ms` (a date in the past means 0), at most a day: a larger value is a
    /// server's mistake, and the call's `timeoutMs` bounds the wait anyway.
    pub fn delay_ms(self, now_ms: f64) -> f64 {
        const DAY_MS: f64 = 86_400_000.0;
        match self {
            RetryAfter::Seconds(seconds) => (seconds as f64 * 1000.0).min(DAY_MS),
            RetryAfter::At(date_ms) => (date_ms as f64 - now_ms).clamp(0.0, DAY_MS),
        }
    }
}

/// Milliseconds a `Retry-After` value asks to wait, at `now_ms` ([`RetryAfter`]); `None` for anything else.
pub fn retry_after_ms(value: &str, now_ms: f64) -> Option<f64> {
    RetryAfter::parse(value).map(|retry_after| retry_after.delay_ms(now_ms))
}

/// Epoch milliseconds of an HTTP date (RFC 9110 §5.6.7), exactly as written there: the IMF-fixdate servers send
/// (`Sun, 06 Nov 1994 08:49:37 GMT`), or one of the two obsolete forms a recipient must accept, RFC 850's
/// (`Sunday, 06-Nov-94 08:49:37 GMT`; a two-digit year 70–99 is 19xx, 00–69 20xx) and asctime's
/// (`Sun Nov  6 08:49:37 1994`). The weekday must be the date's, the date a real one from 1970 to 9999, no
/// leap second: anything else is not a date a server wrote, and is ignored. The `httpdate` crate reads the
/// same (kps-fuzz checks it); it is not used here for the wasm's sake (one dependency for 60 lines).
fn http_date_ms(value: &str) -> Option<f64> {
    let date = imf_fixdate(value.as_bytes())
        .or_else(|| rfc850_date(value.as_bytes()))
        .or_else(|| asctime_date(value.as_bytes()))?;
    date.epoch_ms()
}

/// The fields of an HTTP date, as written.
struct HttpDate {
    /// 0 for Monday … 6 for Sunday.
    weekday: u64,
    day: u64,
    month: u64,
    year: u64,
    hours: u64,
    minutes: u64,
    seconds: u64,
}

impl HttpDate {
    fn epoch_ms(&self) -> Option<f64> {
        let valid = (1970..=9999).contains(&self.year)
            && (1..=days_in_month(self.year, self.month)).contains(&self.day)
            && self.hours <= 23
            && self.minutes <= 59
            && self.seconds <= 59;
        if !valid {
            return None;
        }
        let days = days_from_civil(self.year, self.month, self.day);
        // 1 January 1970 was a Thursday.
        if (days + 3) % 7 != self.weekday {
            return None;
        }
        Some(((days * 86_400 + self.hours * 3600 + self.minutes * 60 + self.seconds) * 1000) as f64)
    }
}

const MONTHS: [&[u8]; 12] = [
    b"Jan", b"Feb", b"Mar", b"Apr", b"May", b"Jun", b"Jul", b"Aug", b"Sep", b"Oct", b"Nov", b"Dec",
];
const DAYS: [&[u8]; 7] = [
    b"Monday",
    b"Tuesday",
    b"Wednesday",
    b"Thursday",
    b"Friday",
    b"Saturday",
    b"Sunday",
];

/// The digits of `text`, which must all be digits.
fn digits(text: &[u8]) -> Option<u64> {
    text.iter().try_fold(0u64, |value, &b| {
        b.is_ascii_digit().then(|| value * 10 + u64::from(b - b'0'))
    })
}

/// `hh:mm:ss`.
fn time_of_day(text: &[u8]) -> Option<(u64, u64, u64)> {
    match text {
        [h1, h2, b':', m1, m2, b':', s1, s2] => Some((
            digits(&[*h1, *h2])?,
            digits(&[*m1, *m2])?,
            digits(&[*s1, *s2])?,
        )),
        _ => None,
    }
}

fn month(name: &[u8]) -> Option<u64> {
    MONTHS.iter().position(|m| *m == name).map(|i| i as u64 + 1)
}

/// A weekday's three-letter name (`Sun`).
fn short_day(name: &[u8]) -> Option<u64> {
    DAYS.iter().position(|d| &d[..3] == name).map(|i| i as u64)
}

/// `Sun, 06 Nov 1994 08:49:37 GMT`.
fn imf_fixdate(text: &[u8]) -> Option<HttpDate> {
    if text.len() != 29
        || &text[3..5] != b", "
        || text[7] != b' '
        || text[11] != b' '
        || text[16] != b' '
    {
        return None;
    }
    if &text[25..] != b" GMT" {
        return None;
    }
    let (hours, minutes, seconds) = time_of_day(&text[17..25])?;
    Some(HttpDate {
        weekday: short_day(&text[..3])?,
        day: digits(&text[5..7])?,
        month: month(&text[8..11])?,
        year: digits(&text[12..16])?,
        hours,
        minutes,
        seconds,
    })
}

/// `Sunday, 06-Nov-94 08:49:37 GMT`.
fn rfc850_date(text: &[u8]) -> Option<HttpDate> {
    let weekday = DAYS.iter().position(|d| text.starts_with(d))?;
    let rest = &text[DAYS[weekday].len()..];
    if rest.len() != 24
        || &rest[..2] != b", "
        || rest[4] != b'-'
        || rest[8] != b'-'
        || rest[11] != b' '
    {
        return None;
    }
    if &rest[20..] != b" GMT" {
        return None;
    }
    let (hours, minutes, seconds) = time_of_day(&rest[12..20])?;
    let year = digits(&rest[9..11])?;
    Some(HttpDate {
        weekday: weekday as u64,
        day: digits(&rest[2..4])?,
        month: month(&rest[5..8])?,
        year: if year < 70 { 2000 + year } else { 1900 + year },
        hours,
        minutes,
        seconds,
    })
}

/// `Sun Nov  6 08:49:37 1994` (the day as two digits, or a space and one).
fn asctime_date(text: &[u8]) -> Option<HttpDate> {
    if text.len() != 24
        || text[3] != b' '
        || text[7] != b' '
        || text[10] != b' '
        || text[19] != b' '
    {
        return None;
    }
    let day = match &text[8..10] {
        [b' ', digit] => digits(&[*digit])?,
        two => digits(two)?,
    };
    let (hours, minutes, seconds) = time_of_day(&text[11..19])?;
    Some(HttpDate {
        weekday: short_day(&text[..3])?,
        day,
        month: month(&text[4..7])?,
        year: digits(&text[20..24])?,
        hours,
        minutes,
        seconds,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api(status: u16, code: &str) -> Failure {
        Failure {
            status,
            code: code.to_owned(),
            ..Failure::local(ErrorKind::Api, "refused")
        }
    }

    fn network() -> Failure {
        Failure::local(ErrorKind::Network, "no response from the service")
    }

    #[test]
    fn throttling_and_unavailability_are_retried_for_every_method() {
        for failure in [
            api(429, "APIGW.0308"),
            api(503, "KPS.0003"),
            api(429, "HTTP_429"),
            api(400, "APIG.0308"),
        ] {
            assert!(is_retryable(&failure, Method::Safe), "{failure:?}");
            assert!(is_retryable(&failure, Method::Unsafe), "{failure:?}");
        }
    }

    #[test]
    fn an_answer_that_may_have_been_lost_is_retried_only_for_a_get() {
        let cut = Failure {
            status: 202,
            ..network()
        };
        for failure in [
            network(),
            cut,
            api(500, "KPS.0003"),
            api(502, "HTTP_502"),
            api(504, "HTTP_504"),
        ] {
            assert!(is_retryable(&failure, Method::Safe), "{failure:?}");
            assert!(!is_retryable(&failure, Method::Unsafe), "{failure:?}");
        }
    }

    #[test]
    fn client_errors_bad_answers_timeouts_and_aborts_are_never_retried() {
        for failure in [
            api(400, "KPS.0002"),
            api(401, "APIGW.0301"),
            api(404, "APIGW.0101"),
            Failure::local(ErrorKind::Response, "not the documented shape"),
            Failure::local(ErrorKind::Timeout, "timeoutMs"),
            Failure::local(ErrorKind::Abort, "aborted"),
            Failure::invalid("serverId", "not a UUID"),
        ] {
            assert!(!is_retryable(&failure, Method::Safe), "{failure:?}");
        }
    }

    #[test]
    fn get_and_head_are_safe_to_send_twice_and_post_and_delete_are_not() {
        assert_eq!(Method::of("GET"), Method::Safe);
        assert_eq!(Method::of("HEAD"), Method::Safe);
        assert_eq!(Method::of("POST"), Method::Unsafe);
        assert_eq!(Method::of("DELETE"), Method::Unsafe);
    }

    #[test]
    fn the_attempts_made_count_each_one_started_and_none_refused_for_lack_of_time() {
        let mut attempts = Attempts::new(5, Method::Safe, 0.0, 1_000);
        assert_eq!(attempts.made(), 0);
        for _ in 0..3 {
            attempts.start(0.0);
        }
        assert_eq!(attempts.made(), 3);
        assert_eq!(attempts.start(1_000.0), None);
        assert_eq!(attempts.made(), 3);
    }

    #[test]
    fn delays_are_full_jitter_doubling_from_100_ms_and_never_shorter_than_retry_after() {
        let mut attempts = Attempts::new(10, Method::Safe, 0.0, 600_000);
        let mut bounds = Vec::new();
        for _ in 0..9 {
            attempts.start(0.0);
            let Next::RetryAfter(top) = attempts.after_failure(network(), None, 0.0, 0.999_999)
            else {
                panic!("retried")
            };
            assert_eq!(
                attempts.after_failure(network(), None, 0.0, 0.0),
                Next::RetryAfter(0)
            );
            bounds.push(top);
        }
        assert_eq!(bounds, [99, 199, 399, 799, 1599, 3199, 6399, 12799, 19999]);
        assert_eq!(
            attempts.after_failure(api(429, "APIGW.0308"), Some(25_000.0), 0.0, 0.5),
            Next::RetryAfter(25_000)
        );
    }

    #[test]
    fn the_last_attempt_gives_up_with_the_count_in_the_error_and_its_message() {
        let mut attempts = Attempts::new(3, Method::Unsafe, 0.0, 30_000);
        for _ in 0..2 {
            attempts.start(0.0);
            assert!(matches!(
                attempts.after_failure(api(429, "APIGW.0308"), None, 0.0, 0.5),
                Next::RetryAfter(_)
            ));
        }
        attempts.start(0.0);
        let Next::GiveUp(failure) = attempts.after_failure(api(429, "APIGW.0308"), None, 0.0, 0.5)
        else {
            panic!("the third attempt is the last")
        };
        assert_eq!((failure.attempts, failure.code.as_str()), (3, "APIGW.0308"));
        assert!(
            failure.message.ends_with("refused (after 3 attempts)"),
            "{}",
            failure.message
        );
    }

    #[test]
    fn attempts_resumed_after_earlier_sends_share_max_attempts_and_count_them_all() {
        let mut attempts = Attempts::new(3, Method::Unsafe, 0.0, 30_000).resumed(2);
        attempts.start(0.0);
        let Next::GiveUp(failure) = attempts.after_failure(api(429, "APIGW.0308"), None, 0.0, 0.5)
        else {
            panic!("two sent before and one now: the third is the last")
        };
        assert_eq!(failure.attempts, 3);
        assert!(
            failure.message.ends_with("(after 3 attempts)"),
            "{}",
            failure.message
        );
    }

    #[test]
    fn max_attempts_1_never_retries_and_the_message_does_not_count_one_attempt() {
        let mut attempts = Attempts::new(1, Method::Safe, 0.0, 30_000);
        attempts.start(0.0);
        let Next::GiveUp(failure) = attempts.after_failure(api(429, "APIGW.0308"), None, 0.0, 0.5)
        else {
            panic!("no retry")
        };
        assert_eq!((failure.attempts, failure.message.as_str()), (1, "refused"));
    }

    #[test]
    fn a_wait_that_does_not_fit_in_timeout_ms_is_not_started() {
        let mut attempts = Attempts::new(5, Method::Safe, 1_000.0, 2_000);
        assert_eq!(attempts.start(1_000.0), Some(2_000));
        let Next::GiveUp(failure) =
            attempts.after_failure(api(503, "KPS.0003"), Some(5_000.0), 1_500.0, 0.5)
        else {
            panic!("a 5 s Retry-After cannot fit in the 1.5 s left")
        };
        assert_eq!(failure.attempts, 1);
        assert_eq!(
            attempts.after_failure(api(503, "KPS.0003"), Some(1_000.0), 1_500.0, 0.0),
            Next::RetryAfter(1_000)
        );
        assert_eq!(attempts.start(2_900.0), Some(100));
        assert_eq!(attempts.start(2_999.0), Some(1), "the last millisecond");
        assert_eq!(attempts.start(3_000.0), None);
    }

    #[test]
    fn a_retry_is_started_only_when_its_wait_leaves_min_attempt_ms_of_timeout_ms() {
        let mut attempts = Attempts::new(5, Method::Safe, 0.0, 3_000);
        attempts.start(0.0);
        // A 1 s Retry-After: from 1 950, 50 ms are left after the wait; from 1 951, 49.
        assert_eq!(
            attempts.after_failure(api(503, "KPS.0003"), Some(1_000.0), 1_950.0, 0.0),
            Next::RetryAfter(1_000)
        );
        assert!(matches!(
            attempts.after_failure(api(503, "KPS.0003"), Some(1_000.0), 1_951.0, 0.0),
            Next::GiveUp(_)
        ));
    }

    #[test]
    fn a_refusal_is_given_up_at_once_though_attempts_are_left() {
        let mut attempts = Attempts::new(3, Method::Safe, 0.0, 30_000);
        attempts.start(0.0);
        assert_eq!(
            attempts.after_failure(api(400, "KPS.0002"), None, 0.0, 0.5),
            Next::GiveUp(Failure {
                attempts: 1,
                ..api(400, "KPS.0002")
            })
        );
    }

    #[test]
    fn a_retry_that_queued_for_its_turn_keeps_the_time_it_was_given() {
        let mut attempts = Attempts::new(3, Method::Unsafe, 0.0, 2_000);
        attempts.start(0.0);
        assert_eq!(
            attempts.after_failure(api(429, "APIGW.0308"), Some(1_000.0), 100.0, 0.0),
            Next::RetryAfter(1_000)
        );
        // Slept until 1 100, then queued 5 s behind the fleet's other requests.
        attempts.postpone(5_000.0);
        assert_eq!(attempts.start(6_100.0), Some(900));
    }

    #[test]
    fn retry_after_is_read_as_seconds_or_an_http_date() {
        let now = http_date_ms("Wed, 02 Dec 2026 00:00:00 GMT").unwrap();
        assert_eq!(retry_after_ms("3", now), Some(3_000.0));
        assert_eq!(retry_after_ms(" 0 ", now), Some(0.0));
        assert_eq!(retry_after_ms("99999999", now), Some(86_400_000.0));
        for centuries in ["9999999999", "99999999999", "99999999999999999999999"] {
            assert_eq!(
                retry_after_ms(centuries, now),
                Some(86_400_000.0),
                "{centuries} seconds: a day, not ignored"
            );
        }
        assert_eq!(
            retry_after_ms("Wed, 02 Dec 2026 00:00:07 GMT", now),
            Some(7_000.0)
        );
        assert_eq!(
            retry_after_ms("Tue, 01 Dec 2026 23:59:00 GMT", now),
            Some(0.0)
        );
        for junk in [
            "",
            "-1",
            "1.5",
            "soon",
            "Wed, 02 Dec 2026 00:00:07 UTC",
            "Wed, 32 Dec 2026 00:00:07 GMT",
            "Mon, 30 Feb 2026 00:00:07 GMT",
        ] {
            assert_eq!(retry_after_ms(junk, now), None, "{junk:?}");
        }
    }

    #[test]
    fn http_dates_match_the_calendar() {
        assert_eq!(http_date_ms("Thu, 01 Jan 1970 00:00:00 GMT"), Some(0.0));
        assert_eq!(
            http_date_ms("Sun, 06 Nov 1994 08:49:37 GMT"),
            Some(784_111_777_000.0)
        );
        assert_eq!(
            http_date_ms("Tue, 29 Feb 2028 12:00:00 GMT"),
            Some(1_835_438_400_000.0)
        );
    }

    #[test]
    fn retry_after_reads_exactly_the_three_http_date_forms_and_ignores_lenient_ones() {
        let sunday = Some(784_111_777_000.0);
        for form in [
            "Sun, 06 Nov 1994 08:49:37 GMT",
            "Sunday, 06-Nov-94 08:49:37 GMT",
            "Sun Nov  6 08:49:37 1994",
            "Sun Nov 06 08:49:37 1994",
        ] {
            assert_eq!(http_date_ms(form), sunday, "{form}");
        }
        for lenient in [
            "Xyz, 06 Nov 1994 08:49:37 GMT",
            ", 06 Nov 1994 08:49:37 GMT",
            "Mon, 06 Nov 1994 08:49:37 GMT",
            "sun, 06 Nov 1994 08:49:37 GMT",
            "Sun, 06 nov 1994 08:49:37 GMT",
            "Sun, 6 Nov 1994 08:49:37 GMT",
            "Sun,  06 Nov 1994 08:49:37 GMT",
            "Sun, 06 Nov 1994 08:49:37 gmt",
            "Sun, 06 Nov 1994 8:49:37 GMT",
            "Sun, 06 Nov 1994 08:49:60 GMT",
            "Sun, 06 Nov 1994 08:60:37 GMT",
            "Sun, 06 Nov 1994 24:49:37 GMT",
            "Mon, 00 Nov 1994 08:49:37 GMT",
            "Wed, 31 Dec 1969 23:59:59 GMT",
            "Sun, 06 Nov 1994 08:49:37 GMT extra",
            "Sun, 06-Nov-94 08:49:37 GMT",
            "Sunday, 06 Nov 1994 08:49:37 GMT",
            "Sun Nov 6 08:49:37 1994",
            "Sun Nov  6 08:49:37 1994 GMT",
            // Cut short, or with another separator in one place.
            "Sun, 06 Nov 1994",
            "Sun,-06 Nov 1994 08:49:37 GMT",
            "Sun, 06-Nov 1994 08:49:37 GMT",
            "Sun, 06 Nov-1994 08:49:37 GMT",
            "Sunday, 06-Nov",
            "Sunday,-06-Nov-94 08:49:37 GMT",
            "Sunday, 06 Nov-94 08:49:37 GMT",
            "Sunday, 06-Nov 94 08:49:37 GMT",
            "Sun Nov  6 08:49:37",
            "Sun,Nov  6 08:49:37 1994",
            "Sun Nov- 6 08:49:37 1994",
            "Sun Nov  6-08:49:37 1994",
        ] {
            assert_eq!(http_date_ms(lenient), None, "{lenient}");
            assert_eq!(RetryAfter::parse(lenient), None, "{lenient}");
        }
        assert_eq!(
            http_date_ms("Thursday, 01-Jan-70 00:00:00 GMT"),
            Some(0.0),
            "70-99 is the 1900s"
        );
        assert_eq!(
            http_date_ms("Tuesday, 01-Jan-69 00:00:00 GMT"),
            Some(3_124_224_000_000.0),
            "00-69 is the 2000s"
        );
    }
}
