//! The fetch transport: one exchange in `host.js` (fetch with the whole call bounded by `timeoutMs`,
//! cancellable by the caller's `AbortSignal`, the body read with a size limit, redirects not followed),
//! turned into an [`HttpResponse`] or a [`Failure`] here.
//!
//! (gloo-net was dropped: it `unreachable!()`s on a non-Error rejection, and the Request and Headers objects
//! it builds first cost Node's fetch about a quarter of its throughput. Driving fetch from Rust through
//! web-sys then cost about 100 µs per call in crossings and closures; `host.js` does it in one call.)

use crate::error::{ErrorKind, Failure};
use crate::masking::Masker;
use crate::request::PreparedRequest;
use crate::response::{excerpt, request_id_of, Body, HttpResponse, MAX_BODY_BYTES};
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
) -> Result<HttpResponse, Failure> {
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
    let exchange: Exchange = JsFuture::from(pending)
        .await
        .map_err(|_| no_response("the transport failed", masker))?
        .unchecked_into();
    let in_response = |failure: Failure| Failure {
        status: exchange.status(),
        request_id: request_id_of(exchange.request_id(), masker),
        ..failure
    };
    match exchange.failure() {
        0 => {}
        TIMED_OUT => {
            return Err(Failure::local(
                ErrorKind::Timeout,
                format!("no complete response within timeoutMs = {call_timeout_ms} ms"),
            ))
        }
        ABORTED => return Err(aborted()),
        SIGNAL_UNUSABLE => return Err(signal_unusable()),
        BODY_CUT => {
            return Err(in_response(Failure::local(
                ErrorKind::Network,
                "the connection closed before the whole response body arrived",
            )))
        }
        REDIRECTED => {
            return Err(in_response(Failure::local(
                ErrorKind::Response,
                "the service answered with a redirect, which kps-wasm does not follow (it would carry the \
                 credentials to another URL): set endpoint to the URL that answers the API itself",
            )))
        }
        _ => {
            let detail = exchange.detail();
            return Err(no_response(
                detail.as_deref().unwrap_or("an unknown error"),
                masker,
            ));
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

/// No response: `detail` (from a thrown error) has its secrets masked, then is cut to an excerpt.
fn no_response(detail: &str, masker: &Masker) -> Failure {
    let detail = excerpt(&masker.mask(detail));
    Failure::local(
        ErrorKind::Network,
        format!("no response from the service ({detail})"),
    )
}
