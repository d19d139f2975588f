//! Fault injection: a small grammar for "misbehave like this", the rules set through `/__emulator/faults`, and
//! the misbehaving responses themselves.
//!
//! # Grammar
//!
//! A fault spec is a comma-separated list of items (no spaces needed, case-sensitive):
//!
//! | item | effect |
//! | --- | --- |
//! | `delay=MS` | wait MS milliseconds (0–60000) first; alone, the request is then handled normally |
//! | `status=CODE` | answer with this status (200–599) without handling the request |
//! | `body=KIND` | answer with this body (see below) without handling the request |
//! | `retry-after=SECS` | add `Retry-After: SECS` to the answer (needs `status` or `body`) |
//! | `hang` | never answer; the connection stays open until the client leaves or the emulator stops |
//! | `reset` | drop the connection with a TCP RST (`SO_LINGER` 0) instead of answering |
//! | `close` | close the connection (FIN) without answering |
//! | `after` | handle the request normally first (auth, validation, the unbind itself), then throw its answer away and do what the other items say: the service acted, but the client never learns it. With `delay`, the delay comes after the handling: the task runs (and may end) before the lost answer comes |
//!
//! `hang`, `reset` and `close` cannot be combined with `status`, `body` or `retry-after`. `after` needs one of
//! `status`, `body`, `hang`, `reset` or `close`, and cannot be combined with the echo bodies (the handler has
//! read the request body by then). Examples of a lost answer: `status=504,after` (the gateway's HTML 504 instead
//! of the 202), `reset,after`, `close,after`, `body=truncated,after`; `delay=1000,status=504,after` (lost after
//! the emulator's default task has ended).
//!
//! Body kinds: `error` (the JSON error the status would carry), `html` (an nginx-style HTML error page),
//! `empty`, `no-task-id` (`{}`), `numeric-task-id` (`{"task_id":1234567890}`), `failed`
//! (`{"status":"FAILED","error_code":"KPS.6009","error_msg":...}`), `not-json` (`text/plain` text),
//! `invalid-utf8` (JSON-typed bytes that are not UTF-8), `truncated` (`Content-Length` larger than what is sent,
//! then the connection closes), `huge` (a valid 20 MiB JSON body with a `task_id`) and `redirect` (307 to
//! [`REDIRECT_TARGET`], which answers every method with a task ID: a client that follows it succeeds), and
//! `endless-page` (a full page of a task list: 1000 fresh tasks and a `total` of 1,000,000,000, as a server
//! that never lets a whole-list reading end would answer).
//!
//! Two body kinds play a server that echoes what it receives (a misconfigured gateway, a debug proxy, a hostile
//! endpoint), so a client's secret masking is tested for real. Both put the request's credential (its
//! `X-Auth-Token`, else its `Authorization` value) in `X-Request-Id`, and one body holds every member of every
//! KPS answer (task, task list, error), so each operation reads its own part:
//! - `echo`: identifiers are valid (a fresh `task_id`, a UUID `server_id`, `task_status` `RUNNING_UNBIND`, the
//!   status's `error_code` on an error status), and every text member (`error_msg`, a listed task's
//!   `operate_type`, `server_name`, `keypair_name`, `task_error_code`, `task_error_msg`) is
//!   `echo: <credential> <X-Security-Token> <request body>`;
//! - `echo-ids`: the identifiers themselves (`task_id`, `server_id`, `task_status`, `error_code`, a listed
//!   task's ids) are the credential.
//!
//! Without `body`, the status picks it: 2xx → `{"task_id":"<fresh id>"}`; 429 → `APIGW.0308` with
//! `Retry-After: 1`; 500 and 503 → `KPS.0003`; 502 and 504 → HTML; 400, 401, 403, 404, 413 → their documented
//! error; any other → `KPS.0004`. Without `status`, the body picks it: `error` → 500, `html` → 502, `redirect` → 307, others → 202.
//!
//! Examples: `status=429`, `status=503,retry-after=5`, `body=truncated`, `delay=2000`, `delay=200,status=500`.

use std::collections::VecDeque;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::Body;
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use http_body::{Frame, SizeHint};
use serde::Serialize;

use crate::errors::{json_bytes_response, ApiError};
use crate::ids::IdGenerator;

/// The request header that selects a fault.
pub const FAULT_HEADER: &str = "x-emulator-fault";

/// The path prefix that selects a fault: `/__emulator/fault/<spec>/<the normal path>`.
pub const FAULT_PATH_PREFIX: &str = "/__emulator/fault/";

/// Where `body=redirect` points: answered 202 with a task ID whatever the method, so that following the redirect
/// is visible as a success.
pub const REDIRECT_TARGET: &str = "/__emulator/redirect-target";

/// The response header naming the fault that produced a response, for whoever is debugging a test.
pub const FAULT_APPLIED_HEADER: &str = "x-emulator-fault-applied";

/// Size of the `body=huge` response.
pub const HUGE_BODY_BYTES: u64 = 20 * 1024 * 1024;

/// Most rules that can be active at once (state stays bounded whatever a test does).
pub const MAX_RULES: usize = 1000;

/// Longest accepted `delay`.
pub const MAX_DELAY_MS: u64 = 60_000;

/// Tasks in an `endless-page` answer: a full page of the package's whole-list reading.
const ENDLESS_PAGE_TASKS: usize = 1000;

/// What the faulty response carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyKind {
    /// Chosen by the status (see the module docs).
    ForStatus,
    /// The JSON error body of the status.
    Error,
    /// An HTML error page.
    Html,
    /// No bytes at all.
    Empty,
    /// `{}`.
    NoTaskId,
    /// `{"task_id":1234567890}`.
    NumericTaskId,
    /// `{"status":"FAILED",...}`.
    Failed,
    /// Plain text.
    NotJson,
    /// Bytes that are not UTF-8.
    InvalidUtf8,
    /// Fewer bytes than `Content-Length` promises, then the connection closes.
    Truncated,
    /// 20 MiB of valid JSON.
    Huge,
    /// `Location: /__emulator/redirect-target`.
    Redirect,
    /// The request's credentials and body echoed in every text member (identifiers valid).
    Echo,
    /// The request's credential as every identifier.
    EchoIds,
    /// 1000 fresh tasks of a list whose `total` is 10⁹.
    EndlessPage,
}

impl BodyKind {
    fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "error" => Self::Error,
            "html" => Self::Html,
            "empty" => Self::Empty,
            "no-task-id" => Self::NoTaskId,
            "numeric-task-id" => Self::NumericTaskId,
            "failed" => Self::Failed,
            "not-json" => Self::NotJson,
            "invalid-utf8" => Self::InvalidUtf8,
            "truncated" => Self::Truncated,
            "huge" => Self::Huge,
            "redirect" => Self::Redirect,
            "echo" => Self::Echo,
            "echo-ids" => Self::EchoIds,
            "endless-page" => Self::EndlessPage,
            _ => return None,
        })
    }

    fn default_status(self) -> StatusCode {
        match self {
            Self::Error => StatusCode::INTERNAL_SERVER_ERROR,
            Self::Html => StatusCode::BAD_GATEWAY,
            Self::Redirect => StatusCode::TEMPORARY_REDIRECT,
            Self::EndlessPage => StatusCode::OK,
            _ => StatusCode::ACCEPTED,
        }
    }
}

/// A response that replaces the normal one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FaultResponse {
    /// HTTP status.
    pub status: StatusCode,
    /// Body.
    pub body: BodyKind,
    /// `Retry-After` seconds.
    pub retry_after: Option<u32>,
}

/// What happens after the optional delay.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaultAction {
    /// Handle the request normally.
    Proceed,
    /// Answer with this instead.
    Respond(FaultResponse),
    /// Never answer.
    Hang,
    /// Drop the connection with a TCP RST.
    Reset,
    /// Close the connection without answering.
    Close,
}

/// A parsed fault spec.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FaultPlan {
    /// Wait this long first.
    pub delay: Option<Duration>,
    /// Handle the request normally before `action`, whose answer replaces the real one (`after`).
    pub after: bool,
    /// Then do this.
    pub action: FaultAction,
}

/// Parses a fault spec (see the module docs for the grammar).
pub fn parse_spec(spec: &str) -> Result<FaultPlan, String> {
    let mut delay = None;
    let mut status = None;
    let mut body = None;
    let mut retry_after = None;
    let mut connection = None;
    let mut after = false;
    let items: Vec<&str> = spec
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    if items.is_empty() {
        return Err("empty fault spec".into());
    }
    for item in items {
        let (key, value) = match item.split_once('=') {
            Some((key, value)) => (key, Some(value)),
            None => (item, None),
        };
        let duplicate = match (key, value) {
            ("delay", Some(v)) => {
                let ms = parse_number(key, v, 0, MAX_DELAY_MS)?;
                delay.replace(Duration::from_millis(ms)).is_some()
            }
            ("status", Some(v)) => {
                let code = parse_number(key, v, 200, 599)? as u16;
                let code = StatusCode::from_u16(code).map_err(|e| e.to_string())?;
                status.replace(code).is_some()
            }
            ("retry-after", Some(v)) => {
                let secs = parse_number(key, v, 0, 86_400)? as u32;
                retry_after.replace(secs).is_some()
            }
            ("body", Some(v)) => {
                let kind = BodyKind::parse(v).ok_or_else(|| {
                    format!(
                        "unknown body kind {v:?}: expected error, html, empty, no-task-id, numeric-task-id, \
                         failed, not-json, invalid-utf8, truncated, huge, redirect, echo, echo-ids or endless-page"
                    )
                })?;
                body.replace(kind).is_some()
            }
            ("hang", None) => connection.replace(FaultAction::Hang).is_some(),
            ("reset", None) => connection.replace(FaultAction::Reset).is_some(),
            ("close", None) => connection.replace(FaultAction::Close).is_some(),
            ("after", None) => std::mem::replace(&mut after, true),
            _ => {
                return Err(format!(
                    "unknown fault item {item:?}: expected delay=MS, status=CODE, body=KIND, retry-after=SECS, \
                     hang, reset, close or after"
                ))
            }
        };
        if duplicate {
            return Err(format!("fault item {key:?} given twice"));
        }
    }

    let responds = status.is_some() || body.is_some() || retry_after.is_some();
    let action = match (connection, responds) {
        (Some(_), true) => {
            return Err(
                "hang, reset and close cannot be combined with status, body or retry-after".into(),
            )
        }
        (Some(action), false) => action,
        (None, false) => FaultAction::Proceed,
        (None, true) => {
            if status.is_none() && body.is_none() {
                return Err("retry-after needs status or body".into());
            }
            let body_kind = body.unwrap_or(BodyKind::ForStatus);
            FaultAction::Respond(FaultResponse {
                status: status.unwrap_or_else(|| body_kind.default_status()),
                body: body_kind,
                retry_after,
            })
        }
    };
    if after {
        match action {
            FaultAction::Proceed => {
                return Err("after needs status, body, hang, reset or close".into())
            }
            FaultAction::Respond(response) if response.echoes() => {
                return Err(
                    "after cannot be combined with body=echo or body=echo-ids: the handler has read the request"
                        .into(),
                )
            }
            _ => {}
        }
    }
    Ok(FaultPlan {
        delay,
        after,
        action,
    })
}

fn parse_number(key: &str, value: &str, min: u64, max: u64) -> Result<u64, String> {
    match value.parse::<u64>() {
        Ok(n) if (min..=max).contains(&n) => Ok(n),
        _ => Err(format!(
            "{key} must be a whole number from {min} to {max}, not {value:?}"
        )),
    }
}

impl FaultResponse {
    /// Whether the response echoes the request (the gateway then reads the request's body for it).
    pub fn echoes(&self) -> bool {
        matches!(self.body, BodyKind::Echo | BodyKind::EchoIds)
    }
}

/// What an echo fault echoes: the request's secrets, as it carried them.
#[derive(Debug, Clone, Default)]
pub struct Echoed {
    /// `X-Auth-Token`, else `Authorization` (empty when the request had neither).
    pub credential: String,
    /// `X-Security-Token`, when sent.
    pub security_token: Option<String>,
    /// The request body as text (lossy UTF-8): it holds `auth.key` when one was sent.
    pub body: String,
}

/// The body of an `echo` or `echo-ids` fault (see the module docs): every member of every KPS answer at once.
fn echo_body(kind: BodyKind, status: StatusCode, echoed: &Echoed, ids: &IdGenerator) -> String {
    let credential = echoed.credential.as_str();
    let text = format!(
        "echo: {credential} {} {}",
        echoed.security_token.as_deref().unwrap_or(""),
        echoed.body
    );
    let error_code = (status.as_u16() >= 400).then(|| error_for_status(status).code);
    let body = if kind == BodyKind::EchoIds {
        serde_json::json!({
            "task_id": credential, "server_id": credential, "task_status": credential,
            "error_code": credential, "error_msg": text, "total": 1,
            "tasks": [{ "task_id": credential, "operate_type": "RUNNING_UNBIND", "task_time": "1700000000000",
                        "server_name": "echo", "server_id": credential, "keypair_name": "echo" }],
        })
    } else {
        serde_json::json!({
            "task_id": ids.task_id(), "server_id": ECHO_SERVER_ID, "task_status": "RUNNING_UNBIND",
            "error_code": error_code, "error_msg": text, "total": 1,
            "tasks": [{ "task_id": ids.task_id(), "operate_type": text, "task_time": "1700000000000",
                        "server_name": text, "server_id": ECHO_SERVER_ID, "keypair_name": text,
                        "task_error_code": text, "task_error_msg": text }],
        })
    };
    body.to_string()
}

/// The `server_id` an `echo` body names (the API doc's server).
pub const ECHO_SERVER_ID: &str = "d76baba7-ef09-40a2-87ff-3eafec0696e7";

/// Builds the response a [`FaultResponse`] describes. `spec` is echoed in `X-Emulator-Fault-Applied`;
/// `echoed` is what the request carried, for the echo faults (see [`FaultResponse::echoes`]).
pub fn fault_response(
    fault: &FaultResponse,
    spec: &str,
    ids: &IdGenerator,
    echoed: &Echoed,
) -> Response {
    let status = fault.status;
    let kind = match fault.body {
        BodyKind::ForStatus => match status.as_u16() {
            200..=299 => None,
            502 | 504 => Some(BodyKind::Html),
            _ => Some(BodyKind::Error),
        },
        other => Some(other),
    };
    let mut response = match kind {
        None => {
            let body = format!("{{\"task_id\":\"{}\"}}", ids.task_id());
            json_bytes_response(status, body)
        }
        // `ForStatus` was resolved above; it shares the arm so no `unreachable!` is needed.
        Some(BodyKind::Error | BodyKind::ForStatus) => {
            let mut response = error_for_status(status).into_response();
            *response.status_mut() = status;
            response
        }
        Some(BodyKind::Html) => {
            let reason = status.canonical_reason().unwrap_or("Error");
            let code = status.as_u16();
            let html = format!(
                "<html>\r\n<head><title>{code} {reason}</title></head>\r\n<body>\r\n<center><h1>{code} {reason}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
            );
            with_content_type(status, html, "text/html")
        }
        Some(BodyKind::Empty) => json_bytes_response(status, Body::empty()),
        Some(BodyKind::Redirect) => {
            let mut response = json_bytes_response(status, Body::empty());
            response
                .headers_mut()
                .insert(header::LOCATION, HeaderValue::from_static(REDIRECT_TARGET));
            response
        }
        Some(kind @ (BodyKind::Echo | BodyKind::EchoIds)) => {
            let mut response = json_bytes_response(status, echo_body(kind, status, echoed, ids));
            // The gateway keeps an X-Request-Id already set: this one echoes the credential.
            if let Ok(value) = HeaderValue::from_str(&echoed.credential) {
                response.headers_mut().insert("x-request-id", value);
            }
            response
        }
        Some(BodyKind::NoTaskId) => json_bytes_response(status, "{}"),
        Some(BodyKind::NumericTaskId) => json_bytes_response(status, "{\"task_id\":1234567890}"),
        Some(BodyKind::Failed) => json_bytes_response(
            status,
            "{\"status\":\"FAILED\",\"error_code\":\"KPS.6009\",\"error_msg\":\"keypair verify failed\"}",
        ),
        Some(BodyKind::NotJson) => with_content_type(status, "Accepted", "text/plain;charset=UTF-8"),
        Some(BodyKind::InvalidUtf8) => json_bytes_response(
            status,
            Bytes::from_static(b"{\"task_id\":\"\xff\xfe\xc3\x28\xa0\xa1\"}"),
        ),
        Some(BodyKind::Truncated) => {
            let full = format!("{{\"task_id\":\"{}\"}}", ids.task_id());
            let mut response = json_bytes_response(
                status,
                Body::new(FaultBody::truncated(Bytes::copy_from_slice(
                    &full.as_bytes()[..full.len() / 2],
                ))),
            );
            response
                .headers_mut()
                .insert(header::CONTENT_LENGTH, HeaderValue::from(full.len()));
            response
        }
        Some(BodyKind::EndlessPage) => {
            let tasks: Vec<_> = (0..ENDLESS_PAGE_TASKS)
                .map(|_| serde_json::json!({ "task_id": ids.task_id(), "operate_type": "UNBIND", "task_time": 0 }))
                .collect();
            json_bytes_response(status, serde_json::json!({ "total": 1e9, "tasks": tasks }).to_string())
        }
        Some(BodyKind::Huge) => {
            let prefix = format!("{{\"task_id\":\"{}\",\"padding\":\"", ids.task_id());
            let suffix = "\"}";
            let padding = HUGE_BODY_BYTES - (prefix.len() + suffix.len()) as u64;
            let body = FaultBody::huge(Bytes::from(prefix), padding, Bytes::from_static(suffix.as_bytes()));
            let mut response = json_bytes_response(status, Body::new(body));
            response
                .headers_mut()
                .insert(header::CONTENT_LENGTH, HeaderValue::from(HUGE_BODY_BYTES));
            response
        }
    };
    let retry_after = fault
        .retry_after
        .or((status == StatusCode::TOO_MANY_REQUESTS).then_some(1));
    if let Some(secs) = retry_after {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(secs));
    }
    if let Ok(value) = HeaderValue::from_str(spec) {
        response.headers_mut().insert(FAULT_APPLIED_HEADER, value);
    }
    response
}

fn with_content_type(
    status: StatusCode,
    body: impl Into<Body>,
    content_type: &'static str,
) -> Response {
    let mut response = Response::new(body.into());
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    response
}

/// The documented error a real service would send with this status.
fn error_for_status(status: StatusCode) -> ApiError {
    match status.as_u16() {
        400 => ApiError::parameter("injected fault"),
        401 => ApiError::token("injected fault"),
        403 => ApiError::new(status, "KPS.9003", "no operation permission"),
        404 => ApiError::api_not_found(),
        413 => ApiError::new(status, "APIGW.0201", "Request entity too large"),
        429 => ApiError::new(
            status,
            "APIGW.0308",
            "The throttling threshold has been reached: policy user over ratelimit,limit:100,time:1 minute",
        ),
        500 | 503 => ApiError::new(status, "KPS.0003", "dependency service unavailable"),
        code => ApiError::new(status, "KPS.0004", format!("response error (HTTP {code})")),
    }
}

/// 64 KiB of padding, sent again and again for `body=huge` so no response allocates 20 MiB.
static PADDING: [u8; 65_536] = [b'x'; 65_536];

/// A streaming body for the faults that a plain byte buffer cannot express.
pub struct FaultBody {
    chunks: VecDeque<Bytes>,
    padding_left: u64,
    suffix: Option<Bytes>,
    /// When set, the body fails after this pause (which lets hyper flush what was sent), so hyper drops the
    /// connection mid-body.
    fail_after: Option<Pin<Box<tokio::time::Sleep>>>,
    exact_len: Option<u64>,
}

impl FaultBody {
    /// `prefix`, `padding` bytes of `x`, then `suffix`.
    fn huge(prefix: Bytes, padding: u64, suffix: Bytes) -> Self {
        let exact_len = prefix.len() as u64 + padding + suffix.len() as u64;
        Self {
            chunks: VecDeque::from([prefix]),
            padding_left: padding,
            suffix: Some(suffix),
            fail_after: None,
            exact_len: Some(exact_len),
        }
    }

    /// `part`, then a failure that cuts the connection.
    fn truncated(part: Bytes) -> Self {
        Self {
            chunks: VecDeque::from([part]),
            padding_left: 0,
            suffix: None,
            fail_after: Some(Box::pin(tokio::time::sleep(Duration::from_millis(50)))),
            exact_len: None,
        }
    }
}

impl fmt::Debug for FaultBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FaultBody")
            .field("padding_left", &self.padding_left)
            .finish_non_exhaustive()
    }
}

impl http_body::Body for FaultBody {
    type Data = Bytes;
    type Error = std::io::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        if let Some(chunk) = self.chunks.pop_front() {
            return Poll::Ready(Some(Ok(Frame::data(chunk))));
        }
        if self.padding_left > 0 {
            let n = self.padding_left.min(PADDING.len() as u64);
            self.padding_left -= n;
            return Poll::Ready(Some(Ok(Frame::data(Bytes::from_static(
                &PADDING[..n as usize],
            )))));
        }
        if let Some(suffix) = self.suffix.take() {
            return Poll::Ready(Some(Ok(Frame::data(suffix))));
        }
        if let Some(sleep) = self.fail_after.as_mut() {
            if sleep.as_mut().poll(cx).is_pending() {
                return Poll::Pending;
            }
            self.fail_after = None;
            return Poll::Ready(Some(Err(std::io::Error::other(
                "kps-emulator fault: body cut short",
            ))));
        }
        Poll::Ready(None)
    }

    fn size_hint(&self) -> SizeHint {
        match self.exact_len {
            Some(n) => SizeHint::with_exact(n),
            None => SizeHint::default(),
        }
    }
}

/// A rule set through `POST /__emulator/faults`.
#[derive(Debug, Clone, Serialize)]
pub struct FaultRule {
    /// Id, for the listing.
    pub id: u64,
    /// The spec, as given.
    pub fault: String,
    /// Only requests whose path contains this.
    pub path: Option<String>,
    /// Only requests with this method.
    pub method: Option<String>,
    /// How many more requests get the fault; `None` means until the rules are cleared.
    pub times: Option<u64>,
    #[serde(skip)]
    plan: FaultPlan,
}

/// A rule to add.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewFaultRule {
    /// The fault spec.
    pub fault: String,
    /// Only requests whose path (after any fault prefix) contains this substring.
    #[serde(default)]
    pub path: Option<String>,
    /// Only requests with this method (any case).
    #[serde(default)]
    pub method: Option<String>,
    /// Only this many requests (at least 1); absent means until cleared.
    #[serde(default)]
    pub times: Option<u64>,
}

/// The active fault rules. Checking costs one atomic load while there are none, so the benchmark path does not
/// pay for the feature.
#[derive(Debug, Default)]
pub struct FaultRules {
    count: AtomicUsize,
    inner: Mutex<RulesInner>,
}

#[derive(Debug, Default)]
struct RulesInner {
    next_id: u64,
    rules: Vec<FaultRule>,
}

impl FaultRules {
    fn lock(&self) -> std::sync::MutexGuard<'_, RulesInner> {
        // A panic while holding the lock leaves plain data behind; carry on with it.
        self.inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Validates and adds rules (all or none); returns every active rule.
    pub fn add(&self, new_rules: Vec<NewFaultRule>) -> Result<Vec<FaultRule>, String> {
        let mut parsed = Vec::with_capacity(new_rules.len());
        for rule in new_rules {
            let plan = parse_spec(&rule.fault)?;
            if rule.times == Some(0) {
                return Err("times must be at least 1".into());
            }
            let method = match rule.method {
                Some(m) => Some(
                    Method::from_bytes(m.to_ascii_uppercase().as_bytes())
                        .map_err(|_| format!("method {m:?} is not an HTTP method"))?
                        .to_string(),
                ),
                None => None,
            };
            parsed.push((rule.fault, rule.path, method, rule.times, plan));
        }
        let mut inner = self.lock();
        if inner.rules.len() + parsed.len() > MAX_RULES {
            return Err(format!(
                "at most {MAX_RULES} fault rules can be active; clear them first"
            ));
        }
        for (fault, path, method, times, plan) in parsed {
            inner.next_id += 1;
            let id = inner.next_id;
            inner.rules.push(FaultRule {
                id,
                fault,
                path,
                method,
                times,
                plan,
            });
        }
        self.count.store(inner.rules.len(), Ordering::Release);
        Ok(inner.rules.clone())
    }

    /// Removes every rule.
    pub fn clear(&self) {
        let mut inner = self.lock();
        inner.rules.clear();
        self.count.store(0, Ordering::Release);
    }

    /// The active rules.
    pub fn list(&self) -> Vec<FaultRule> {
        self.lock().rules.clone()
    }

    /// The first rule matching this request, using up one of its `times`; returns its spec and plan.
    pub fn take(&self, method: &Method, path: &str) -> Option<(String, FaultPlan)> {
        if self.count.load(Ordering::Acquire) == 0 {
            return None;
        }
        let mut inner = self.lock();
        let position = inner.rules.iter().position(|rule| {
            rule.method.as_deref().is_none_or(|m| m == method.as_str())
                && rule.path.as_deref().is_none_or(|p| path.contains(p))
        })?;
        let rule = &mut inner.rules[position];
        let found = (rule.fault.clone(), rule.plan);
        if let Some(times) = rule.times.as_mut() {
            *times -= 1;
            if *times == 0 {
                inner.rules.remove(position);
            }
        }
        self.count.store(inner.rules.len(), Ordering::Release);
        Some(found)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn respond(status: u16, body: BodyKind, retry_after: Option<u32>) -> FaultAction {
        FaultAction::Respond(FaultResponse {
            status: StatusCode::from_u16(status).expect("valid status"),
            body,
            retry_after,
        })
    }

    #[test]
    fn specs_parse_into_plans() {
        let plan = |s| parse_spec(s).expect(s);
        assert_eq!(
            plan("status=429").action,
            respond(429, BodyKind::ForStatus, None)
        );
        assert_eq!(
            plan("body=empty").action,
            respond(202, BodyKind::Empty, None)
        );
        assert_eq!(plan("body=html").action, respond(502, BodyKind::Html, None));
        assert_eq!(
            plan("status=503, retry-after=5").action,
            respond(503, BodyKind::ForStatus, Some(5))
        );
        let delayed = plan("delay=250");
        assert_eq!(delayed.delay, Some(Duration::from_millis(250)));
        assert_eq!(delayed.action, FaultAction::Proceed);
        assert_eq!(plan("delay=10,reset").action, FaultAction::Reset);
        assert_eq!(plan("hang").action, FaultAction::Hang);
        assert_eq!(plan("close").action, FaultAction::Close);
        assert!(!plan("status=504").after);
        let lost = plan("status=504,after");
        assert!(lost.after);
        assert_eq!(lost.action, respond(504, BodyKind::ForStatus, None));
        assert_eq!(plan("after,reset").action, FaultAction::Reset);
        assert!(plan("delay=5,close,after").after);
    }

    #[test]
    fn bad_specs_are_rejected_with_a_reason() {
        for (spec, expected) in [
            ("", "empty"),
            ("status=99", "status must be"),
            ("status=abc", "status must be"),
            ("delay=60001", "delay must be"),
            ("body=weird", "unknown body kind"),
            ("explode", "unknown fault item"),
            ("hang=1", "unknown fault item"),
            ("status=500,status=502", "given twice"),
            ("hang,status=500", "cannot be combined"),
            ("retry-after=3", "needs status"),
            ("after", "after needs"),
            ("delay=10,after", "after needs"),
            ("after,status=504,after", "given twice"),
            ("after=1", "unknown fault item"),
            ("body=echo,after", "cannot be combined"),
        ] {
            let error = parse_spec(spec).expect_err(spec);
            assert!(error.contains(expected), "{spec}: {error}");
        }
    }

    #[test]
    fn a_rule_with_times_is_used_up_and_then_gone() {
        let rules = FaultRules::default();
        rules
            .add(vec![NewFaultRule {
                fault: "status=500".into(),
                path: Some("/keypairs/".into()),
                method: Some("post".into()),
                times: Some(2),
            }])
            .expect("valid rule");
        let path = "/v3/p/keypairs/disassociate";
        assert!(rules.take(&Method::GET, path).is_none());
        assert!(rules.take(&Method::POST, "/v3/p/tasks/t").is_none());
        assert!(rules.take(&Method::POST, path).is_some());
        assert!(rules.take(&Method::POST, path).is_some());
        assert!(rules.take(&Method::POST, path).is_none());
        assert!(rules.list().is_empty());
    }
}
