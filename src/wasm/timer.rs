//! The pause between task polls: an abortable sleep on whatever global the package runs in (window, worker
//! or Node), written in `host.js`.

use crate::error::Failure;
use js_sys::Promise;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::AbortSignal;

#[wasm_bindgen(module = "/src/wasm/host.js")]
extern "C" {
    /// Resolves `true` after `ms`, `false` as soon as `signal` aborts, `null` if it cannot be listened to.
    #[wasm_bindgen(js_name = sleep)]
    fn sleep_in_host(ms: u32, signal: Option<AbortSignal>) -> Promise;

    /// `signal.aborted`, read without letting a throwing getter through (`None` then).
    #[wasm_bindgen(js_name = isAborted)]
    fn is_aborted_in_host(signal: &AbortSignal) -> Option<bool>;
}

/// The failure of a call whose `signal` has aborted (or cannot be read), checked without waiting.
pub fn aborted(signal: Option<&AbortSignal>) -> Option<Failure> {
    match is_aborted_in_host(signal?) {
        Some(false) => None,
        Some(true) => Some(super::transport::aborted()),
        None => Some(super::transport::signal_unusable()),
    }
}

/// Waits `ms` milliseconds, or less if `signal` aborts (then fails with the abort failure).
pub async fn sleep(ms: u32, signal: Option<&AbortSignal>) -> Result<(), Failure> {
    let slept = JsFuture::from(sleep_in_host(ms, signal.cloned())).await;
    match slept.ok().and_then(|slept| slept.as_bool()) {
        Some(true) => Ok(()),
        Some(false) => Err(super::transport::aborted()),
        None => Err(super::transport::signal_unusable()),
    }
}
