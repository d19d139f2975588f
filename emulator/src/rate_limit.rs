//! The gateway's rate limit: one token bucket per project, and per-project counts of the requests the gateway
//! let through and refused.
//!
//! Every request to a `/v3/{project_id}/...` path of a project the fixture knows meets [`RateLimiter::admit`]
//! first, before faults and authentication, as it would meet Huawei's API gateway. With a limit set, a request
//! finding the bucket empty is refused with 429 `APIGW.0308` and `Retry-After`; either way it is counted, under
//! its project and its KPS operation, for `GET /__emulator/stats`.
//!
//! The bucket is kept as GCRA (a "theoretical arrival time" per project), which is exactly a token bucket of
//! `burst` tokens refilled at `per_second`, in integer nanoseconds and with one `Instant` of state.
//!
//! Cost: with no limit set, a request pays a path split, a scan of the fixture's projects and one relaxed atomic
//! add; measured with `cargo test --release -p kps-emulator --lib rate_limit -- --ignored --nocapture` (see
//! [`tests::admission_cost`]).

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

use crate::errors::ApiError;
use crate::fixture::Fixture;

/// Largest `perSecond` and `burst` accepted (a token every microsecond).
pub const MAX_RATE: u32 = 1_000_000;

/// A rate limit: `per_second` requests per second per project, with bursts of up to `burst`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RateLimit {
    /// Tokens added per second, 1..=[`MAX_RATE`].
    pub per_second: u32,
    /// Bucket size: how many requests may pass at once after a quiet period, 1..=[`MAX_RATE`].
    pub burst: u32,
    /// Whether a 429 carries `Retry-After` (Huawei documents none; a client must cope without it too).
    pub retry_after: bool,
}

impl RateLimit {
    /// `per_second` requests per second with a burst of as many, and `Retry-After`; `None` for 0 (no limit).
    pub fn per_second(per_second: u32) -> Option<Self> {
        (per_second > 0).then_some(Self {
            per_second,
            burst: per_second,
            retry_after: true,
        })
    }

    /// The time between two tokens.
    fn interval(self) -> Duration {
        Duration::from_nanos(1_000_000_000 / u64::from(self.per_second.max(1)))
    }
}

/// The body of `POST /__emulator/rate-limit`: `{"perSecond": N, "burst": B, "retryAfter": true}`, `burst`
/// defaulting to `perSecond` and `retryAfter` to `true`; `perSecond` 0 turns the limit off.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RateLimitRequest {
    /// Tokens per second; 0 = no limit.
    pub per_second: u32,
    /// Bucket size; defaults to `per_second`.
    #[serde(default)]
    pub burst: Option<u32>,
    /// Send `Retry-After` with a 429; defaults to `true`.
    #[serde(default)]
    pub retry_after: Option<bool>,
}

impl RateLimitRequest {
    /// The limit this asks for (`None`: no limit), or why it is out of range.
    pub fn validate(self) -> Result<Option<RateLimit>, String> {
        if self.per_second > MAX_RATE {
            return Err(format!(
                "perSecond must be from 0 to {MAX_RATE}, not {}",
                self.per_second
            ));
        }
        let burst = self.burst.unwrap_or(self.per_second);
        if self.per_second > 0 && !(1..=MAX_RATE).contains(&burst) {
            return Err(format!("burst must be from 1 to {MAX_RATE}, not {burst}"));
        }
        Ok(
            RateLimit::per_second(self.per_second).map(|limit| RateLimit {
                burst,
                retry_after: self.retry_after.unwrap_or(true),
                ..limit
            }),
        )
    }
}

/// The KPS operations the counts are kept by (the official SDKs' operation names), plus `Other` for any other
/// path or method under `/v3/{project_id}/`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operation {
    /// `POST keypairs/disassociate`.
    DisassociateKeypair,
    /// `GET tasks/{task_id}`.
    ListKeypairTask,
    /// `GET running-tasks`.
    ListRunningTask,
    /// `GET failed-tasks`.
    ListFailedTask,
    /// `DELETE failed-tasks`.
    DeleteAllFailedTask,
    /// `DELETE failed-tasks/{task_id}`.
    DeleteFailedTask,
    /// Anything else (answered 404 `APIGW.0101` by the router).
    Other,
}

impl Operation {
    /// Every operation, in the order of the counters.
    pub const ALL: [Self; 7] = [
        Self::DisassociateKeypair,
        Self::ListKeypairTask,
        Self::ListRunningTask,
        Self::ListFailedTask,
        Self::DeleteAllFailedTask,
        Self::DeleteFailedTask,
        Self::Other,
    ];

    /// The name used in `GET /__emulator/stats`.
    pub fn name(self) -> &'static str {
        match self {
            Self::DisassociateKeypair => "DisassociateKeypair",
            Self::ListKeypairTask => "ListKeypairTask",
            Self::ListRunningTask => "ListRunningTask",
            Self::ListFailedTask => "ListFailedTask",
            Self::DeleteAllFailedTask => "DeleteAllFailedTask",
            Self::DeleteFailedTask => "DeleteFailedTask",
            Self::Other => "Other",
        }
    }

    /// The operation a method and the path after `/v3/{project_id}/` name, as the router would route it.
    fn of(method: &Method, rest: &str) -> Self {
        let single = |prefix: &str| {
            rest.strip_prefix(prefix)
                .is_some_and(|id| !id.is_empty() && !id.contains('/'))
        };
        match (method, rest) {
            (&Method::POST, "keypairs/disassociate") => Self::DisassociateKeypair,
            (&Method::GET, "running-tasks") => Self::ListRunningTask,
            (&Method::GET, "failed-tasks") => Self::ListFailedTask,
            (&Method::DELETE, "failed-tasks") => Self::DeleteAllFailedTask,
            (&Method::GET, _) if single("tasks/") => Self::ListKeypairTask,
            (&Method::DELETE, _) if single("failed-tasks/") => Self::DeleteFailedTask,
            _ => Self::Other,
        }
    }
}

/// What the gateway decided for one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Admission {
    /// Not a KPS API request of a known project: neither limited nor counted.
    NotCounted,
    /// Let through (and counted).
    Allowed,
    /// Refused (and counted): answer with [`Throttled::into_response`].
    Throttled(Throttled),
}

/// A refusal: the limit that refused, and how long until a token is available.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Throttled {
    /// The limit in force.
    pub limit: RateLimit,
    /// Time until the bucket holds a token again.
    pub wait: Duration,
}

impl Throttled {
    /// `Retry-After` in whole seconds: the wait rounded up, at least 1.
    pub fn retry_after_secs(&self) -> u64 {
        let nanos = self.wait.as_nanos();
        nanos.div_ceil(1_000_000_000).max(1) as u64
    }
}

impl IntoResponse for Throttled {
    /// 429 `APIGW.0308` with the gateway's message, and `Retry-After` unless the limit says not to.
    fn into_response(self) -> Response {
        let mut response = ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "APIGW.0308",
            format!(
                "The throttling threshold has been reached: policy user over ratelimit,limit:{},time:1 second",
                self.limit.per_second
            ),
        )
        .into_response();
        if self.limit.retry_after {
            response.headers_mut().insert(
                header::RETRY_AFTER,
                HeaderValue::from(self.retry_after_secs()),
            );
        }
        response
    }
}

/// How many requests of one project the gateway let through and refused, for one operation.
#[derive(Debug, Default)]
struct Counts {
    allowed: AtomicU64,
    throttled: AtomicU64,
}

/// A snapshot of [`Counts`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct CountsView {
    /// Let through.
    pub allowed: u64,
    /// Refused with 429.
    pub throttled: u64,
}

/// One project's counts, for `GET /__emulator/stats`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectCounts<'a> {
    /// The project.
    pub project_id: &'a str,
    /// Every operation together.
    pub total: CountsView,
    /// Each operation, in [`Operation::ALL`] order.
    pub per_operation: Vec<(Operation, CountsView)>,
}

/// The limit in force and each project's bucket (its theoretical arrival time).
#[derive(Debug)]
struct Buckets {
    limit: Option<RateLimit>,
    arrival: Vec<Instant>,
}

/// The rate limit and the counts, for every project of the fixture.
#[derive(Debug)]
pub struct RateLimiter {
    /// Fixture project ids, in fixture order: index `i` owns `counts[i]` and bucket `i`.
    projects: Vec<String>,
    /// Mirrors `buckets.limit.is_some()`, so that no lock is taken while there is no limit.
    enabled: AtomicBool,
    buckets: Mutex<Buckets>,
    /// `projects.len() * Operation::ALL.len()` counters.
    counts: Vec<Counts>,
    /// The limit given at start, restored by [`RateLimiter::reset`].
    initial: Option<RateLimit>,
}

impl RateLimiter {
    /// A limiter for the fixture's projects, starting with `limit` (`None`: no limit).
    pub fn new(fixture: &Fixture, limit: Option<RateLimit>) -> Self {
        let projects: Vec<String> = fixture.projects.iter().map(|p| p.id.clone()).collect();
        let counts = (0..projects.len() * Operation::ALL.len())
            .map(|_| Counts::default())
            .collect();
        let limiter = Self {
            buckets: Mutex::new(Buckets {
                limit: None,
                arrival: vec![Instant::now(); projects.len()],
            }),
            projects,
            enabled: AtomicBool::new(false),
            counts,
            initial: limit,
        };
        limiter.set(limit);
        limiter
    }

    fn buckets(&self) -> MutexGuard<'_, Buckets> {
        // Plain data: a panic elsewhere cannot leave it in a state worse than "one bucket a little off".
        self.buckets.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The limit in force.
    pub fn limit(&self) -> Option<RateLimit> {
        self.buckets().limit
    }

    /// Sets the limit (`None`: no limit) and fills every bucket.
    pub fn set(&self, limit: Option<RateLimit>) {
        let mut buckets = self.buckets();
        buckets.limit = limit;
        let now = Instant::now();
        buckets.arrival.iter_mut().for_each(|at| *at = now);
        self.enabled.store(limit.is_some(), Ordering::Release);
    }

    /// Zeroes every count.
    pub fn clear_counts(&self) {
        for counts in &self.counts {
            counts.allowed.store(0, Ordering::Relaxed);
            counts.throttled.store(0, Ordering::Relaxed);
        }
    }

    /// Back to the limit given at start, full buckets, zero counts.
    pub fn reset(&self) {
        self.set(self.initial);
        self.clear_counts();
    }

    /// Decides on a request by its method and path (after any fault prefix), and counts it.
    pub fn admit(&self, method: &Method, path: &str) -> Admission {
        self.admit_with_clock(method, path, Instant::now)
    }

    /// [`RateLimiter::admit`] with the time read from `clock`, which is called only while a limit is set.
    pub fn admit_with_clock(
        &self,
        method: &Method,
        path: &str,
        clock: impl FnOnce() -> Instant,
    ) -> Admission {
        let Some(rest) = path.strip_prefix("/v3/") else {
            return Admission::NotCounted;
        };
        let (project_id, rest) = rest.split_once('/').unwrap_or((rest, ""));
        // A linear scan: fixtures have a handful of projects, and this beats hashing the id.
        let Some(project) = self.projects.iter().position(|p| p == project_id) else {
            return Admission::NotCounted;
        };
        let counts =
            &self.counts[project * Operation::ALL.len() + Operation::of(method, rest) as usize];
        let throttled = if self.enabled.load(Ordering::Acquire) {
            let mut buckets = self.buckets();
            match buckets.limit {
                Some(limit) => take_token(&mut buckets.arrival[project], clock(), limit)
                    .err()
                    .map(|wait| Throttled { limit, wait }),
                None => None,
            }
        } else {
            None
        };
        match throttled {
            None => {
                counts.allowed.fetch_add(1, Ordering::Relaxed);
                Admission::Allowed
            }
            Some(throttled) => {
                counts.throttled.fetch_add(1, Ordering::Relaxed);
                Admission::Throttled(throttled)
            }
        }
    }

    /// Each project's counts: the totals, and per operation.
    pub fn counts(&self) -> Vec<ProjectCounts<'_>> {
        self.projects
            .iter()
            .enumerate()
            .map(|(index, project)| {
                let per_operation: Vec<(Operation, CountsView)> = Operation::ALL
                    .iter()
                    .map(|op| {
                        let counts = &self.counts[index * Operation::ALL.len() + *op as usize];
                        let view = CountsView {
                            allowed: counts.allowed.load(Ordering::Relaxed),
                            throttled: counts.throttled.load(Ordering::Relaxed),
                        };
                        (*op, view)
                    })
                    .collect();
                let total = per_operation
                    .iter()
                    .fold(CountsView::default(), |sum, (_, c)| CountsView {
                        allowed: sum.allowed + c.allowed,
                        throttled: sum.throttled + c.throttled,
                    });
                ProjectCounts {
                    project_id: project,
                    total,
                    per_operation,
                }
            })
            .collect()
    }
}

/// Takes a token from the bucket whose theoretical arrival time is `arrival`, or says how long until one is
/// there. GCRA: each request pushes `arrival` one interval later; a request that would push it more than `burst`
/// intervals past `now` finds the bucket empty.
fn take_token(arrival: &mut Instant, now: Instant, limit: RateLimit) -> Result<(), Duration> {
    let interval = limit.interval();
    let capacity = interval * limit.burst;
    let next = (*arrival).max(now) + interval;
    let ahead = next.duration_since(now);
    if ahead > capacity {
        return Err(ahead - capacity);
    }
    *arrival = next;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const PROJECT: &str = "0a1b2c3d4e5f60718293a4b5c6d7e8f9";
    const PROJECT2: &str = "9f8e7d6c5b4a39281706f5e4d3c2b1a0";

    fn limit(per_second: u32, burst: u32) -> RateLimit {
        RateLimit {
            per_second,
            burst,
            retry_after: true,
        }
    }

    fn limiter(limit: Option<RateLimit>) -> RateLimiter {
        RateLimiter::new(&Fixture::default_fixture(), limit)
    }

    fn post(limiter: &RateLimiter, project: &str, now: Instant) -> Admission {
        limiter.admit_with_clock(
            &Method::POST,
            &format!("/v3/{project}/keypairs/disassociate"),
            || now,
        )
    }

    #[test]
    fn a_full_bucket_lets_a_burst_through_then_one_request_per_interval() {
        let limiter = limiter(Some(limit(10, 3)));
        let t0 = Instant::now();
        for _ in 0..3 {
            assert_eq!(post(&limiter, PROJECT, t0), Admission::Allowed);
        }
        let Admission::Throttled(refused) = post(&limiter, PROJECT, t0) else {
            panic!("the fourth request at once is refused");
        };
        assert_eq!(refused.wait, Duration::from_millis(100));
        assert_eq!(refused.retry_after_secs(), 1);
        let at = |ms| t0 + Duration::from_millis(ms);
        assert!(matches!(
            post(&limiter, PROJECT, at(99)),
            Admission::Throttled(_)
        ));
        assert_eq!(post(&limiter, PROJECT, at(100)), Admission::Allowed);
        assert!(matches!(
            post(&limiter, PROJECT, at(150)),
            Admission::Throttled(_)
        ));
        // A quiet second refills the bucket to its burst, no more.
        let later = at(1_200);
        for _ in 0..3 {
            assert_eq!(post(&limiter, PROJECT, later), Admission::Allowed);
        }
        assert!(matches!(
            post(&limiter, PROJECT, later),
            Admission::Throttled(_)
        ));
    }

    #[test]
    fn each_project_has_its_own_bucket() {
        let limiter = limiter(Some(limit(1, 1)));
        let t0 = Instant::now();
        assert_eq!(post(&limiter, PROJECT, t0), Admission::Allowed);
        assert!(matches!(
            post(&limiter, PROJECT, t0),
            Admission::Throttled(_)
        ));
        assert_eq!(post(&limiter, PROJECT2, t0), Admission::Allowed);
    }

    #[test]
    fn retry_after_is_the_wait_rounded_up_to_whole_seconds_and_at_least_one() {
        let throttled = |ms| Throttled {
            limit: limit(1, 1),
            wait: Duration::from_millis(ms),
        };
        assert_eq!(throttled(0).retry_after_secs(), 1);
        assert_eq!(throttled(1).retry_after_secs(), 1);
        assert_eq!(throttled(1_000).retry_after_secs(), 1);
        assert_eq!(throttled(1_001).retry_after_secs(), 2);
    }

    #[test]
    fn requests_are_counted_by_project_and_operation_whether_limited_or_not() {
        let limiter = limiter(None);
        for (method, path) in [
            (Method::POST, format!("/v3/{PROJECT}/keypairs/disassociate")),
            (Method::GET, format!("/v3/{PROJECT}/tasks/abc")),
            (Method::GET, format!("/v3/{PROJECT}/running-tasks")),
            (Method::GET, format!("/v3/{PROJECT}/failed-tasks")),
            (Method::DELETE, format!("/v3/{PROJECT}/failed-tasks")),
            (Method::DELETE, format!("/v3/{PROJECT}/failed-tasks/abc")),
            (Method::GET, format!("/v3/{PROJECT}/keypairs/disassociate")),
            (Method::GET, format!("/v3/{PROJECT}/tasks/a/b")),
            (Method::GET, format!("/v3/{PROJECT2}/tasks/abc")),
        ] {
            assert_eq!(limiter.admit(&method, &path), Admission::Allowed, "{path}");
        }
        for path in [
            "/v3/ffffffffffffffffffffffffffffffff/tasks/a",
            "/__emulator/state",
            "/index.html",
        ] {
            assert_eq!(limiter.admit(&Method::GET, path), Admission::NotCounted);
        }
        let counts = limiter.counts();
        assert_eq!(counts[0].project_id, PROJECT);
        assert_eq!(counts[0].total.allowed, 8);
        let allowed: Vec<(&str, u64)> = counts[0]
            .per_operation
            .iter()
            .map(|(op, c)| (op.name(), c.allowed))
            .collect();
        assert_eq!(
            allowed,
            [
                ("DisassociateKeypair", 1),
                ("ListKeypairTask", 1),
                ("ListRunningTask", 1),
                ("ListFailedTask", 1),
                ("DeleteAllFailedTask", 1),
                ("DeleteFailedTask", 1),
                ("Other", 2),
            ]
        );
        assert_eq!(counts[1].total.allowed, 1);
        limiter.reset();
        assert_eq!(limiter.counts()[0].total, CountsView::default());
    }

    #[test]
    fn reset_restores_the_limit_given_at_start() {
        let limiter = limiter(Some(limit(5, 5)));
        limiter.set(None);
        assert_eq!(limiter.limit(), None);
        limiter.reset();
        assert_eq!(limiter.limit(), Some(limit(5, 5)));
    }

    #[test]
    fn a_limit_request_is_checked_and_defaults_its_burst_to_its_rate() {
        let request = |json: &str| {
            serde_json::from_str::<RateLimitRequest>(json)
                .map_err(|e| e.to_string())
                .and_then(RateLimitRequest::validate)
        };
        assert_eq!(request(r#"{"perSecond": 50}"#), Ok(Some(limit(50, 50))));
        assert_eq!(
            request(r#"{"perSecond": 50, "burst": 5}"#),
            Ok(Some(limit(50, 5)))
        );
        assert_eq!(
            request(r#"{"perSecond": 2, "retryAfter": false}"#),
            Ok(Some(RateLimit {
                retry_after: false,
                ..limit(2, 2)
            }))
        );
        assert_eq!(request(r#"{"perSecond": 0, "burst": 0}"#), Ok(None));
        for bad in [
            r#"{"perSecond": 1000001}"#,
            r#"{"perSecond": 5, "burst": 0}"#,
            r#"{"perSecond": -1}"#,
            r#"{"perSecond": 1.5}"#,
            r#"{"per_second": 5}"#,
            r#"{}"#,
        ] {
            assert!(request(bad).is_err(), "{bad}");
        }
    }

    /// Measures what [`RateLimiter::admit`] costs per request, off and on. Run with
    /// `cargo test --release -p kps-emulator --lib rate_limit -- --ignored --nocapture`.
    #[test]
    #[ignore = "a measurement, not a check"]
    fn admission_cost() {
        let path = format!("/v3/{PROJECT}/keypairs/disassociate");
        for (label, limit) in [
            ("off", None),
            ("on, passing", Some(limit(MAX_RATE, MAX_RATE))),
            ("on, refusing", Some(limit(1, 1))),
        ] {
            let limiter = limiter(limit);
            let rounds = 2_000_000u32;
            let started = Instant::now();
            for _ in 0..rounds {
                std::hint::black_box(limiter.admit(&Method::POST, std::hint::black_box(&path)));
            }
            let per_request = started.elapsed() / rounds;
            println!("rate limit {label}: {per_request:?} per request");
        }
    }
}
