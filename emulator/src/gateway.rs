//! What sits in front of the API, like Huawei's API gateway: request ids, CORS, and fault injection.
//!
//! Every request passes through [`handle`]: a CORS preflight is answered here for any path (so a preflight to a
//! fault-prefixed URL succeeds); a fault path prefix is stripped; a KPS API request meets the rate limit
//! ([`crate::rate_limit`]), which counts it and may refuse it with 429; a fault selected by header, path prefix
//! or rule is applied; everything else goes to the router. Every response that is sent gets `X-Request-Id` and
//! CORS headers.

use std::convert::Infallible;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use axum::body::Body;
use axum::http::uri::PathAndQuery;
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, Method, Request, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Router;
use hyper::body::Incoming;
use tokio::sync::Notify;
use tower_service::Service;

use crate::app::App;
use crate::errors::ApiError;
use crate::faults::{
    fault_response, parse_spec, Echoed, FaultAction, FaultPlan, FAULT_HEADER, FAULT_PATH_PREFIX,
};
use crate::percent;
use crate::rate_limit::Admission;
use crate::routes::{SignedPath, MAX_BODY_BYTES};
use crate::static_files::fix_content_type;

/// Request headers a page on another origin may send (the library's, plus the fault header).
pub const CORS_ALLOW_HEADERS: &str =
    "X-Auth-Token, X-Sdk-Date, Authorization, X-Project-Id, X-Security-Token, Content-Type, X-Emulator-Fault";

/// Methods a page on another origin may use.
pub const CORS_ALLOW_METHODS: &str = "GET, POST, DELETE, OPTIONS";

/// Response headers a page on another origin may read.
pub const CORS_EXPOSE_HEADERS: &str = "X-Request-Id, Retry-After, X-Emulator-Fault-Applied";

const X_REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Lets a request handler end its connection without answering (for the `hang`, `close` and `reset` faults).
#[derive(Debug, Default)]
pub struct ConnectionControl {
    kill: Notify,
    reset: AtomicBool,
}

impl ConnectionControl {
    /// Drops the connection; with `reset`, the socket is closed with `SO_LINGER` 0 so the peer sees a RST.
    pub fn kill(&self, reset: bool) {
        if reset {
            self.reset.store(true, Ordering::Release);
        }
        self.kill.notify_one();
    }

    /// Resolves when [`ConnectionControl::kill`] was called.
    pub async fn killed(&self) {
        self.kill.notified().await;
    }

    /// Whether the connection should end with a RST.
    pub fn wants_reset(&self) -> bool {
        self.reset.load(Ordering::Acquire)
    }
}

/// Handles one request of a connection.
pub async fn handle(
    app: Arc<App>,
    router: Router,
    connection: Arc<ConnectionControl>,
    mut req: Request<Incoming>,
) -> Result<Response, Infallible> {
    let origin = req.headers().get(header::ORIGIN).cloned();
    let request_id = app.ids.request_id();

    let mut response = if req.method() == Method::OPTIONS {
        preflight(req.headers())
    } else {
        let prefixed = strip_fault_prefix(&mut req);
        match app.rate_limiter.admit(req.method(), req.uri().path()) {
            Admission::Throttled(throttled) => {
                drain(req).await;
                throttled.into_response()
            }
            Admission::Allowed | Admission::NotCounted => {
                match select_fault(&app, &req, prefixed) {
                    Err(error) => error.into_response(),
                    Ok(None) => route(router, req).await,
                    Ok(Some((spec, plan))) => {
                        apply_fault(&app, router, &connection, req, &spec, plan).await
                    }
                }
            }
        }
    };

    let headers = response.headers_mut();
    if !headers.contains_key(X_REQUEST_ID) {
        if let Ok(value) = HeaderValue::from_str(&request_id) {
            headers.insert(X_REQUEST_ID, value);
        }
    }
    add_cors_headers(headers, origin);
    Ok(response)
}

/// Hands the request to the router (the KPS API, the control endpoints, static files).
async fn route(mut router: Router, req: Request<Incoming>) -> Response {
    let path = req.uri().path().to_owned();
    let mut response = match router.call(req).await {
        Ok(response) => response,
        Err(never) => match never {},
    };
    fix_content_type(&path, &mut response);
    response
}

/// Reads (and drops) a request's body, up to [`MAX_BODY_BYTES`], before it is answered without being handled.
/// hyper closes a connection whose request body was not read; a body still in flight would then meet a RST, and
/// the client could see a network error instead of the answer (measured: `tests/rate_limit.rs` fails without it).
async fn drain(req: Request<Incoming>) {
    let _ = axum::body::to_bytes(Body::new(req.into_body()), MAX_BODY_BYTES).await;
}

/// Where a request is when the fault's action is played.
enum Handled {
    /// Not handled: the fault replaces the handling.
    No(Request<Incoming>),
    /// Handled (`after`): the service acted and this was its answer.
    Yes(Response),
}

/// Plays a fault: the delay and the request handled normally (with `after`: handled first, then the delay,
/// so the service's work goes on while the answer is late), then the answer, hang, reset or close the plan
/// names in place of the real answer.
async fn apply_fault(
    app: &App,
    router: Router,
    connection: &ConnectionControl,
    req: Request<Incoming>,
    spec: &str,
    plan: FaultPlan,
) -> Response {
    let handled = if plan.after {
        Handled::Yes(route(router.clone(), req).await)
    } else {
        Handled::No(req)
    };
    if let Some(delay) = plan.delay {
        tokio::select! {
            () = tokio::time::sleep(delay) => {}
            () = app.shutting_down() => {}
        }
    }
    match (plan.action, handled) {
        (FaultAction::Proceed, Handled::No(req)) => route(router, req).await,
        // `parse_spec` refuses `after` alone; were it allowed, the real answer would simply stand.
        (FaultAction::Proceed, Handled::Yes(answer)) => answer,
        (FaultAction::Respond(fault), handled) => {
            let echoed = match handled {
                Handled::No(req) if fault.echoes() => echoed(req).await,
                Handled::No(req) => {
                    drain(req).await;
                    Echoed::default()
                }
                Handled::Yes(_) => Echoed::default(),
            };
            fault_response(&fault, spec, &app.ids, &echoed)
        }
        (FaultAction::Hang, _) => {
            app.shutting_down().await;
            connection.kill(false);
            std::future::pending().await
        }
        (FaultAction::Close, _) => {
            connection.kill(false);
            std::future::pending().await
        }
        (FaultAction::Reset, _) => {
            connection.kill(true);
            std::future::pending().await
        }
    }
}

/// What an echo fault sends back: the request's credential headers and its body (at most 64 KiB of it).
async fn echoed(req: Request<Incoming>) -> Echoed {
    let header = |name: &str| {
        req.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let credential = header("x-auth-token")
        .or_else(|| header("authorization"))
        .unwrap_or_default();
    let security_token = header("x-security-token");
    let body = axum::body::to_bytes(Body::new(req.into_body()), 64 * 1024)
        .await
        .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
        .unwrap_or_default();
    Echoed {
        credential,
        security_token,
        body,
    }
}

/// The fault for this request, if any: the `X-Emulator-Fault` header, else the spec of a
/// `/__emulator/fault/<spec>/` path prefix (already stripped by [`strip_fault_prefix`]), else a rule matching an
/// API path.
fn select_fault(
    app: &App,
    req: &Request<Incoming>,
    prefixed: Option<String>,
) -> Result<Option<(String, FaultPlan)>, ApiError> {
    let header_spec = req
        .headers()
        .get(FAULT_HEADER)
        .map(|v| {
            v.to_str()
                .map(str::to_owned)
                .map_err(|_| ApiError::emulator("X-Emulator-Fault is not ASCII"))
        })
        .transpose()?;
    let spec = header_spec.or(prefixed);
    if let Some(spec) = spec {
        let plan = parse_spec(&spec)
            .map_err(|e| ApiError::emulator(format!("fault spec {spec:?}: {e}")))?;
        return Ok(Some((spec, plan)));
    }
    if req.uri().path().starts_with("/v3/") {
        return Ok(app.faults.take(req.method(), req.uri().path()));
    }
    Ok(None)
}

/// Removes a `/__emulator/fault/<spec>` prefix from the URI (remembering the path as sent, for signature checks)
/// and returns the (decoded) spec.
fn strip_fault_prefix(req: &mut Request<Incoming>) -> Option<String> {
    let path = req.uri().path();
    let rest = path.strip_prefix(FAULT_PATH_PREFIX)?;
    let (spec, remaining) = match rest.find('/') {
        Some(slash) => (&rest[..slash], &rest[slash..]),
        None => (rest, "/"),
    };
    let spec = percent::decode(spec).into_owned();
    let signed_path = path.to_owned();
    let new_path_and_query = match req.uri().query() {
        Some(query) => format!("{remaining}?{query}"),
        None => remaining.to_owned(),
    };
    let mut parts = req.uri().clone().into_parts();
    parts.path_and_query = PathAndQuery::try_from(new_path_and_query).ok();
    if let Ok(uri) = Uri::from_parts(parts) {
        *req.uri_mut() = uri;
    }
    req.extensions_mut().insert(SignedPath(signed_path));
    Some(spec)
}

/// Answers a CORS preflight (any path, any origin).
fn preflight(request_headers: &HeaderMap) -> Response {
    let mut response = Response::new(Body::empty());
    *response.status_mut() = StatusCode::NO_CONTENT;
    let headers = response.headers_mut();
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_METHODS,
        HeaderValue::from_static(CORS_ALLOW_METHODS),
    );
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_HEADERS,
        HeaderValue::from_static(CORS_ALLOW_HEADERS),
    );
    headers.insert(
        header::ACCESS_CONTROL_MAX_AGE,
        HeaderValue::from_static("600"),
    );
    // Chrome asks before a public page may call a loopback server (Private Network Access).
    if request_headers.contains_key("access-control-request-private-network") {
        headers.insert(
            "access-control-allow-private-network",
            HeaderValue::from_static("true"),
        );
    }
    response
}

/// Allows any origin: reflects `Origin` when the request has one (with `Vary: Origin`), `*` otherwise.
fn add_cors_headers(headers: &mut HeaderMap, origin: Option<HeaderValue>) {
    match origin {
        Some(origin) => {
            headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
            headers.append(header::VARY, HeaderValue::from_static("Origin"));
        }
        None => {
            headers.insert(
                header::ACCESS_CONTROL_ALLOW_ORIGIN,
                HeaderValue::from_static("*"),
            );
        }
    }
    headers.insert(
        header::ACCESS_CONTROL_EXPOSE_HEADERS,
        HeaderValue::from_static(CORS_EXPOSE_HEADERS),
    );
}
