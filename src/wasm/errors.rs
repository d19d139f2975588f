//! The JS error class every kps-wasm failure is thrown as.
//!
//! The class is written in JavaScript (`errors.js`) because it must extend `Error`, keep a stack and be
//! recognisable across two copies of the package; wasm-bindgen re-exports it from the glue so the package's
//! entry modules export the very class the Rust side constructs.

use super::convert::Thrown;
use super::json::Preserved;
use crate::error::Failure;
use crate::model::KeypairTask;
use serde::Serialize;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/src/wasm/errors.js")]
extern "C" {
    /// `KpsError extends Error`, with `name`, `code`, `status`, `attempts`, and the details that apply:
    /// `requestId`, `field`, `taskId`, `task`, `taskErrorCode`, `taskErrorMessage`, `cause`.
    #[wasm_bindgen(reexport)]
    pub type KpsError;

    #[wasm_bindgen(constructor)]
    fn new(name: &str, code: &str, message: &str, details: &JsValue) -> KpsError;

    /// `isKpsError(value)`: true for a KpsError from any copy of the package.
    #[wasm_bindgen(reexport, js_name = isKpsError)]
    pub fn is_kps_error(value: &JsValue) -> bool;
}

/// The members of a `KpsError` besides `name`, `code` and `message`, as `errors.js` reads them; those that are
/// `None` are left out (the class then leaves them unset).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Details<'a> {
    status: u16,
    attempts: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    request_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    field: Option<&'a str>,
    /// The task the failure is about: its ID, the task as last read, and why it failed when the failed-tasks
    /// list says.
    #[serde(skip_serializing_if = "Option::is_none")]
    task_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    task: Option<&'a KeypairTask>,
    #[serde(skip_serializing_if = "Option::is_none")]
    task_error_code: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    task_error_message: Option<&'a str>,
    /// What the runtime threw, as it threw it.
    #[serde(skip_serializing_if = "Option::is_none")]
    cause: Option<Preserved>,
}

/// The JS `KpsError` for a failure.
pub fn to_js(failure: Failure) -> JsValue {
    with_cause(failure, None)
}

/// The JS `KpsError` for a validation failure of the options: its `cause` is what the option it names threw
/// while it was read (a getter, a Proxy trap), if it did.
pub fn invalid_options(failure: Failure, thrown: &Thrown) -> JsValue {
    let cause = thrown.cause_of(failure.field.as_deref());
    with_cause(failure, cause)
}

/// The JS `KpsError` for a failure, with `cause` (what the runtime threw) when there is one.
pub fn with_cause(failure: Failure, cause: Option<JsValue>) -> JsValue {
    let about = failure.task.as_deref();
    let details = Details {
        status: failure.status,
        attempts: failure.attempts,
        request_id: failure.request_id.as_deref(),
        field: failure.field.as_deref(),
        task_id: about.map(|about| about.task_id.as_str()),
        task: about.and_then(|about| about.task.as_ref()),
        task_error_code: about.and_then(|about| about.error_code.as_deref()),
        task_error_message: about.and_then(|about| about.error_message.as_deref()),
        cause: cause.map(Preserved),
    };
    // Strings, numbers and a JS value: serde-wasm-bindgen cannot fail on them, and the class copes with
    // undefined.
    let details = super::json::to_js(&details).unwrap_or(JsValue::UNDEFINED);
    KpsError::new(
        failure.kind.name(),
        &failure.code,
        &failure.message,
        &details,
    )
    .into()
}
