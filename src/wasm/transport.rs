//! The fetch transport: one `fetch(url, init)` call, with the whole call (headers and body) bounded by
//! `timeoutMs`, cancellable by the caller's `AbortSignal`, and the body read with a size limit.
//!
//! fetch is given our own AbortController's signal, aborted with an `Error` reason, and every rejection is
//! handled as a plain JS value: whatever reason the caller aborts its signal with (a string, `undefined`,
//! an object) can neither leak into the error nor trap. (gloo-net was dropped: it `unreachable!()`s on a
//! non-Error rejection, and the Request and Headers objects it builds first cost Node's fetch about a
//! quarter of its throughput, measured by `cargo xtask bench`.)

use super::timer::{clear_timeout, set_timeout};
use crate::error::{ErrorKind, Failure};
use crate::request::PreparedRequest;
use crate::response::{Body, HttpResponse, MAX_BODY_BYTES};
use js_sys::{Object, Promise, Reflect, Uint8Array};
use std::cell::Cell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    AbortController, AbortSignal, ReadableStream, ReadableStreamDefaultReader, Response,
};

#[wasm_bindgen]
extern "C" {
    /// The global `fetch` (browsers, workers, Node ≥ 18).
    #[wasm_bindgen(catch, js_name = fetch)]
    fn fetch(input: &str, init: &Object) -> Result<Promise, JsValue>;
}

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
    let init = request_init(&request, &cancellation.controller.signal());
    // A missing `fetch` throws synchronously; a failed request rejects.
    let pending =
        fetch(&request.url, &init).map_err(|e| network_failure(&describe_js_error(&e)))?;
    let response: Response = JsFuture::from(pending)
        .await
        .map_err(|e| cancellation.failure(timeout_ms, || network_failure(&describe_js_error(&e))))?
        .unchecked_into();
    let headers = response.headers();
    let header = |name: &str| headers.get(name).ok().flatten();
    let status = response.status();
    let request_id = header("x-request-id");
    // Only the delay-in-seconds form: an HTTP-date would need a date parser for a header KPS does not send.
    let retry_after_secs = header("retry-after").and_then(|value| value.trim().parse().ok());
    let declared_length = header("content-length").and_then(|value| value.trim().parse().ok());
    let body = read_body(&response, declared_length, &cancellation, timeout_ms).await?;
    Ok(HttpResponse {
        status,
        request_id,
        retry_after_secs,
        body,
    })
}

/// `fetch`'s init: a plain object with plain headers and a string body, which every runtime takes as it is
/// (building `Request` and `Headers` objects first costs Node's fetch about a quarter of its throughput).
fn request_init(request: &PreparedRequest, signal: &AbortSignal) -> Object {
    let headers = Object::new();
    for (name, value) in &request.headers {
        let _ = Reflect::set(
            &headers,
            &JsValue::from_str(name),
            &JsValue::from_str(value),
        );
    }
    let init = Object::new();
    let set = |key: &str, value: &JsValue| {
        let _ = Reflect::set(&init, &JsValue::from_str(key), value);
    };
    set("method", &JsValue::from_str(request.method));
    set("headers", &headers);
    if let Some(body) = &request.body {
        set("body", &JsValue::from_str(body));
    }
    set("signal", signal);
    init
}

/// `name: message` of a JS error, or a description of whatever else was thrown.
fn describe_js_error(error: &JsValue) -> String {
    let text = |key: &str| {
        Reflect::get(error, &JsValue::from_str(key))
            .ok()
            .and_then(|v| v.as_string())
    };
    match (text("name"), text("message")) {
        (Some(name), Some(message)) => {
            let mut described = name;
            described.push_str(": ");
            described.push_str(&message);
            described
        }
        (None, Some(message)) => message,
        _ => error
            .as_string()
            .unwrap_or_else(|| "an unknown error".to_owned()),
    }
}

fn network_failure(detail: &str) -> Failure {
    Failure::local(
        ErrorKind::Network,
        format!("no response from the service ({detail})"),
    )
}

/// Reads the body up to [`MAX_BODY_BYTES`]: in one piece when its declared length is within the limit, else
/// as a stream, cancelled beyond the limit.
async fn read_body(
    response: &Response,
    declared_length: Option<usize>,
    cancellation: &Cancellation,
    timeout_ms: u32,
) -> Result<Body, Failure> {
    let cut_short = || {
        cancellation.failure(timeout_ms, || {
            Failure::local(
                ErrorKind::Network,
                "the connection closed before the whole response body arrived",
            )
        })
    };
    let Some(stream) = response.body() else {
        return Ok(Body::Empty);
    };
    let bytes = match declared_length {
        Some(length) if length > MAX_BODY_BYTES => {
            // Dropping the future still handles a rejection (no unhandled-rejection warning in Node).
            drop(JsFuture::from(stream.cancel()));
            return Ok(Body::TooLarge);
        }
        Some(_) => {
            let buffer = response.array_buffer().map_err(|_| cut_short())?;
            let buffer = JsFuture::from(buffer).await.map_err(|_| cut_short())?;
            let bytes = Uint8Array::new(&buffer).to_vec();
            if bytes.len() > MAX_BODY_BYTES {
                return Ok(Body::TooLarge);
            }
            bytes
        }
        None => match read_stream(stream, cut_short).await? {
            Some(bytes) => bytes,
            None => return Ok(Body::TooLarge),
        },
    };
    if bytes.is_empty() {
        return Ok(Body::Empty);
    }
    Ok(match String::from_utf8(bytes) {
        Ok(text) => Body::Text(text),
        Err(e) => Body::NotUtf8(e.into_bytes()),
    })
}

/// Reads a body of unknown length chunk by chunk; `None` (and the stream cancelled) beyond
/// [`MAX_BODY_BYTES`].
async fn read_stream(
    stream: ReadableStream,
    cut_short: impl Fn() -> Failure,
) -> Result<Option<Vec<u8>>, Failure> {
    let reader: ReadableStreamDefaultReader = stream.get_reader().unchecked_into();
    let mut bytes: Vec<u8> = Vec::with_capacity(256);
    loop {
        let chunk = JsFuture::from(reader.read())
            .await
            .map_err(|_| cut_short())?;
        let done = Reflect::get(&chunk, &JsValue::from_str("done")).ok();
        if done.and_then(|done| done.as_bool()) == Some(true) {
            return Ok(Some(bytes));
        }
        let Ok(value) = Reflect::get(&chunk, &JsValue::from_str("value")) else {
            continue;
        };
        let Some(array) = value.dyn_ref::<Uint8Array>() else {
            continue;
        };
        let length = array.length() as usize;
        if bytes.len() + length > MAX_BODY_BYTES {
            drop(JsFuture::from(reader.cancel()));
            return Ok(None);
        }
        let start = bytes.len();
        bytes.resize(start + length, 0);
        array.copy_to(&mut bytes[start..]);
    }
}
