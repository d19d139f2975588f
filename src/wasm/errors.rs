//! The JS error class every kps-wasm failure is thrown as.
//!
//! The class is written in JavaScript (`errors.js`) because it must extend `Error`, keep a stack and be
//! recognisable across two copies of the package; wasm-bindgen re-exports it from the glue so the package's
//! entry modules export the very class the Rust side constructs.

use crate::error::Failure;
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

/// The JS `KpsError` for a failure.
///
/// The details object is the class's constructor argument, not a result: it is built member by member, as
/// a `#[derive(Serialize)]` struct it cost 0.8 KB more wasm (`cargo xtask build`). The task in it is a result.
pub fn to_js(failure: Failure) -> JsValue {
    with_cause(failure, None)
}

/// The JS `KpsError` for a failure, with `cause` (what the runtime threw) when there is one.
pub fn with_cause(failure: Failure, cause: Option<JsValue>) -> JsValue {
    let details = js_sys::Object::new();
    let set = |key: &str, value: JsValue| {
        let _ = js_sys::Reflect::set(&details, &JsValue::from_str(key), &value);
    };
    set("status", JsValue::from(failure.status));
    set("attempts", JsValue::from(failure.attempts));
    if let Some(request_id) = &failure.request_id {
        set("requestId", JsValue::from_str(request_id));
    }
    if let Some(field) = &failure.field {
        set("field", JsValue::from_str(field));
    }
    if let Some(failed) = &failure.task {
        set("taskId", JsValue::from_str(&failed.task_id));
        if let Some(task) = &failed.task {
            // Strings only: serde-wasm-bindgen cannot fail on them.
            set(
                "task",
                super::json::to_js(task).unwrap_or(JsValue::UNDEFINED),
            );
        }
        if let Some(code) = &failed.error_code {
            set("taskErrorCode", JsValue::from_str(code));
        }
        if let Some(message) = &failed.error_message {
            set("taskErrorMessage", JsValue::from_str(message));
        }
    }
    if let Some(cause) = cause {
        set("cause", cause);
    }
    KpsError::new(
        failure.kind.name(),
        &failure.code,
        &failure.message,
        &details,
    )
    .into()
}
