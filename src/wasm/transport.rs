//! The fetch transport: one request through gloo-net, with the whole call (headers and body) bounded by
//! `timeoutMs`, cancellable by the caller's `AbortSignal`, and the body read with a size limit.
//!
//! fetch is always given our own AbortController's signal, aborted with an `Error` reason: the caller's
//! signal may be aborted with any reason (a string, `undefined`, an object), and gloo-net traps when fetch
//! rejects with something that is not an `Error`.

use super::timer::{clear_timeout, set_timeout};
use crate::error::{ErrorKind, Failure};
use crate::request::PreparedRequest;
use crate::response::{Body, HttpResponse, MAX_BODY_BYTES};
use gloo_net::http::{Method, RequestBuilder};
use js_sys::{Reflect, Uint8Array};
use std::cell::Cell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, AbortSignal};

/// Why our controller aborted the request.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Stop {
    Running,
    TimedOut,
    Aborted,
}

/// Ties the timer and the caller's signal to our AbortController, and unties them when dropped.
struct Cancellation {
    controller: AbortController,
    stop: Rc<Cell<Stop>>,
    timer: JsValue,
    _on_timeout: Closure<dyn FnMut()>,
    caller: Option<(AbortSignal, Closure<dyn FnMut()>)>,
}

impl Cancellation {
    fn new(timeout_ms: u32, signal: Option<AbortSignal>) -> Result<Cancellation, Failure> {
        let controller = AbortController::new()
            .map_err(|_| Failure::local(ErrorKind::Network, "AbortController is not available"))?;
        let stop = Rc::new(Cell::new(Stop::Running));
        let abort_with = |why: Stop, message: &'static str| {
            let controller = controller.clone();
            let stop = stop.clone();
            move || {
                if stop.get() == Stop::Running {
                    stop.set(why);
                    controller.abort_with_reason(&js_sys::Error::new(message));
                }
            }
        };
        let on_timeout =
            Closure::<dyn FnMut()>::new(abort_with(Stop::TimedOut, "kps-wasm: timed out"));
        let timer = set_timeout(on_timeout.as_ref().unchecked_ref(), f64::from(timeout_ms));
        let caller = signal.map(|signal| {
            let on_abort =
                Closure::<dyn FnMut()>::new(abort_with(Stop::Aborted, "kps-wasm: aborted"));
            let _ =
                signal.add_event_listener_with_callback("abort", on_abort.as_ref().unchecked_ref());
            (signal, on_abort)
        });
        Ok(Cancellation {
            controller,
            stop,
            timer,
            _on_timeout: on_timeout,
            caller,
        })
    }

    /// The failure to report when the request or the body read failed: ours if we stopped it.
    fn failure(&self, timeout_ms: u32, otherwise: impl FnOnce() -> Failure) -> Failure {
        match self.stop.get() {
            Stop::TimedOut => Failure::local(ErrorKind::Timeout, timeout_message(timeout_ms)),
            Stop::Aborted => aborted(),
            Stop::Running => otherwise(),
        }
    }
}

impl Drop for Cancellation {
    fn drop(&mut self) {
        clear_timeout(&self.timer);
        if let Some((signal, on_abort)) = &self.caller {
            let _ = signal
                .remove_event_listener_with_callback("abort", on_abort.as_ref().unchecked_ref());
        }
    }
}

fn timeout_message(timeout_ms: u32) -> String {
    format!("no complete response within timeoutMs = {timeout_ms} ms")
}

/// The failure for an aborted call.
pub fn aborted() -> Failure {
    Failure::local(ErrorKind::Abort, "the call was aborted by its signal")
}

/// Sends `request` and reads the whole response.
pub async fn send(
    request: PreparedRequest,
    timeout_ms: u32,
    signal: Option<AbortSignal>,
) -> Result<HttpResponse, Failure> {
    if signal.as_ref().is_some_and(AbortSignal::aborted) {
        return Err(aborted());
    }
    let cancellation = Cancellation::new(timeout_ms, signal)?;
    let method = match request.method {
        "GET" => Method::GET,
        "DELETE" => Method::DELETE,
        _ => Method::POST,
    };
    let mut builder = RequestBuilder::new(&request.url)
        .method(method)
        .abort_signal(Some(&cancellation.controller.signal()));
    for (name, value) in &request.headers {
        builder = builder.header(name, value);
    }
    let built = match request.body {
        Some(body) => builder.body(body),
        None => builder.build(),
    };
    let built = built.map_err(|e| {
        Failure::local(
            ErrorKind::Network,
            format!("the request could not be built: {e}"),
        )
    })?;
    let response = built
        .send()
        .await
        .map_err(|e| cancellation.failure(timeout_ms, || network_failure(&e.to_string())))?;
    let status = response.status();
    let request_id = response.headers().get("x-request-id");
    // Only the delay-in-seconds form: an HTTP-date would need a date parser for a header KPS does not send.
    let retry_after_secs = response
        .headers()
        .get("retry-after")
        .and_then(|value| value.trim().parse().ok());
    let body = read_body(
        response.body(),
        content_length(&response),
        &cancellation,
        timeout_ms,
    )
    .await?;
    Ok(HttpResponse {
        status,
        request_id,
        retry_after_secs,
        body,
    })
}

fn network_failure(detail: &str) -> Failure {
    Failure::local(
        ErrorKind::Network,
        format!("no response from the service ({detail})"),
    )
}

fn content_length(response: &gloo_net::http::Response) -> Option<usize> {
    response
        .headers()
        .get("content-length")
        .and_then(|value| value.trim().parse().ok())
}

/// Reads the body stream up to [`MAX_BODY_BYTES`], cancelling it beyond.
async fn read_body(
    stream: Option<web_sys::ReadableStream>,
    declared_length: Option<usize>,
    cancellation: &Cancellation,
    timeout_ms: u32,
) -> Result<Body, Failure> {
    let Some(stream) = stream else {
        return Ok(Body::Empty);
    };
    if declared_length.is_some_and(|length| length > MAX_BODY_BYTES) {
        // Dropping the future still handles a rejection (no unhandled-rejection warning in Node).
        drop(JsFuture::from(stream.cancel()));
        return Ok(Body::TooLarge);
    }
    let reader: web_sys::ReadableStreamDefaultReader = stream.get_reader().unchecked_into();
    let mut bytes: Vec<u8> = Vec::with_capacity(declared_length.unwrap_or(256));
    loop {
        let chunk = JsFuture::from(reader.read()).await.map_err(|_| {
            cancellation.failure(timeout_ms, || {
                Failure::local(
                    ErrorKind::Network,
                    "the connection closed before the whole response body arrived",
                )
            })
        })?;
        if Reflect::get(&chunk, &JsValue::from_str("done"))
            .ok()
            .and_then(|done| done.as_bool())
            == Some(true)
        {
            break;
        }
        let Ok(value) = Reflect::get(&chunk, &JsValue::from_str("value")) else {
            continue;
        };
        let Some(array) = value.dyn_ref::<Uint8Array>() else {
            continue;
        };
        if bytes.len() + array.length() as usize > MAX_BODY_BYTES {
            drop(JsFuture::from(reader.cancel()));
            return Ok(Body::TooLarge);
        }
        let start = bytes.len();
        bytes.resize(start + array.length() as usize, 0);
        array.copy_to(&mut bytes[start..]);
    }
    if bytes.is_empty() {
        return Ok(Body::Empty);
    }
    Ok(match String::from_utf8(bytes) {
        Ok(text) => Body::Text(text),
        Err(e) => Body::NotUtf8(e.into_bytes()),
    })
}
