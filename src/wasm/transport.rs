//! The fetch transport: one exchange in `host.js` (fetch with the whole call bounded by `timeoutMs`,
//! cancellable by the caller's `AbortSignal`, the body read with a size limit, redirects not followed),
//! turned into an [`HttpResponse`] or a [`Failure`] here.
//!
//! (gloo-net was dropped: it `unreachable!()`s on a non-Error rejection, and the Request and Headers objects
//! it builds first cost Node's fetch about a quarter of its throughput. Driving fetch from Rust through
//! web-sys then cost about 100 µs per call in crossings and closures; `host.js` does it in one call.)

use crate::error::{ErrorKind, Failure};
use crate::hints::{self, NoResponse};
use crate::masking::Masker;
use crate::request::PreparedRequest;
use crate::response::{request_id_of, Body, HttpResponse, MAX_BODY_BYTES};
use js_sys::Promise;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::AbortSignal;

#[wasm_bindgen(module = "/src/wasm/host.js")]
extern "C" {
    /// Resolves with an [`Exchange`]; never rejects.
    fn exchange(
        url: &str,
        method: &str,
        header_lines: &str,
        body: Option<String>,
        timeout_ms: u32,
        signal: Option<AbortSignal>,
        max_bytes: u32,
    ) -> Promise;

    /// What one exchange brought back, or what stopped it.
    type Exchange;
    #[wasm_bindgen(method, getter)]
    fn failure(this: &Exchange) -> u8;
    #[wasm_bindgen(method, getter)]
    fn detail(this: &Exchange) -> Option<String>;
    #[wasm_bindgen(method, getter)]
    fn error(this: &Exchange) -> JsValue;
    #[wasm_bindgen(method, getter)]
    fn code(this: &Exchange) -> Option<String>;
    #[wasm_bindgen(method, getter, js_name = crossOrigin)]
    fn cross_origin(this: &Exchange) -> Option<bool>;
    #[wasm_bindgen(method, getter)]
    fn status(this: &Exchange) -> u16;
    #[wasm_bindgen(method, getter, js_name = requestId)]
    fn request_id(this: &Exchange) -> Option<String>;
    #[wasm_bindgen(method, getter, js_name = retryAfter)]
    fn retry_after(this: &Exchange) -> Option<String>;
    #[wasm_bindgen(method, getter)]
    fn body(this: &Exchange) -> Option<Vec<u8>>;
    #[wasm_bindgen(method, getter, js_name = tooLarge)]
    fn too_large(this: &Exchange) -> bool;
}

// `Exchange.failure`, as host.js numbers it; anything else not 0 is NO_RESPONSE (3).
const TIMED_OUT: u8 = 1;
const ABORTED: u8 = 2;
const BODY_CUT: u8 = 4;
const REDIRECTED: u8 = 5;
const SIGNAL_UNUSABLE: u8 = 6;

/// The failure for an aborted call.
pub fn aborted() -> Failure {
    Failure::local(ErrorKind::Abort, "the call was aborted by its signal")
}

/// The failure for a signal whose `aborted` or `addEventListener` throws.
pub fn signal_unusable() -> Failure {
    Failure::invalid(
        "signal",
        "signal cannot be read or listened to (its aborted or addEventListener threw): pass an AbortSignal",
    )
}

/// A request that got no whole response: the failure, and, when `fetch` threw, what it threw (the
/// `KpsError`'s `cause`, kept as it is: it comes from the runtime, not from the server).
pub struct Unanswered {
    pub failure: Failure,
    pub cause: Option<JsValue>,
}

impl From<Failure> for Unanswered {
    fn from(failure: Failure) -> Unanswered {
        Unanswered {
            failure,
            cause: None,
        }
    }
}

/// Sends `request` and reads the whole response. `masker` holds the request's secrets: they are masked in
/// the description of a failed fetch (it comes from whatever `fetch` the page installed, and a mock may
/// print the request) and in the request ID.
///
/// `timeout_ms` bounds this request; `call_timeout_ms` is the call's `timeoutMs`, which a timeout names.
pub async fn send(
    request: PreparedRequest,
    timeout_ms: u32,
    call_timeout_ms: u32,
    signal: Option<AbortSignal>,
    masker: &Masker<'_>,
) -> Result<HttpResponse, Unanswered> {
    let mut header_lines = String::with_capacity(256);
    for (name, value) in &request.headers {
        if !header_lines.is_empty() {
            header_lines.push('\n');
        }
        header_lines.push_str(name);
        header_lines.push('\n');
        header_lines.push_str(value);
    }
    let pending = exchange(
        &request.url,
        request.method,
        &header_lines,
        request.body,
        timeout_ms,
        signal,
        MAX_BODY_BYTES as u32,
    );
    let url = request.url;
    let exchange: Exchange = JsFuture::from(pending)
        .await
        .map_err(|_| {
            let report = NoResponse {
                description: "the transport failed",
                ..NoResponse::default()
            };
            hints::no_response(&url, &report, masker)
        })?
        .unchecked_into();
    let in_response = |failure: Failure| Failure {
        status: exchange.status(),
        request_id: request_id_of(exchange.request_id(), masker),
        ..failure
    };
    match exchange.failure() {
        0 => {}
        TIMED_OUT => {
            let target = hints::target(&url);
            return Err(Failure::local(
                ErrorKind::Timeout,
                format!("no complete response from {target} within timeoutMs = {call_timeout_ms} ms"),
            )
            .into());
        }
        ABORTED => return Err(aborted().into()),
        SIGNAL_UNUSABLE => return Err(signal_unusable().into()),
        BODY_CUT => {
            let target = hints::target(&url);
            return Err(in_response(Failure::local(
                ErrorKind::Network,
                format!(
                    "the connection to {target} closed before the whole response body arrived"
                ),
            ))
            .into());
        }
        REDIRECTED => {
            return Err(in_response(Failure::local(
                ErrorKind::Response,
                "the service answered with a redirect, which kps-wasm does not follow (it would carry the \
                 credentials to another URL): set endpoint to the URL that answers the API itself",
            ))
            .into())
        }
        _ => {
            let detail = exchange.detail();
            let code = exchange.code();
            let report = NoResponse {
                description: detail.as_deref().unwrap_or("an unknown error"),
                code: code.as_deref(),
                cross_origin: exchange.cross_origin(),
            };
            return Err(Unanswered {
                failure: hints::no_response(&url, &report, masker),
                cause: Some(exchange.error()).filter(|error| !error.is_undefined()),
            });
        }
    }
    let body = if exchange.too_large() {
        Body::TooLarge
    } else {
        match exchange.body() {
            None => Body::Empty,
            Some(bytes) if bytes.is_empty() => Body::Empty,
            Some(bytes) => match String::from_utf8(bytes) {
                Ok(text) => Body::Text(text),
                Err(e) => Body::NotUtf8(e.into_bytes()),
            },
        }
    };
    Ok(HttpResponse::received(
        exchange.status(),
        exchange.request_id(),
        exchange.retry_after(),
        body,
        masker,
    ))
}
