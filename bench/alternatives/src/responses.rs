//! Responses through serde's derive: the library's response models declared `#[derive(Deserialize)]`, read
//! with serde_json from the body text (`probeResponseSerdeJson`) or with serde-wasm-bindgen from what
//! `JSON.parse` made of it (`probeResponseSerdeWasmBindgen`). Each answers like `probeResponseHand`.

use serde::Deserialize;
use wasm_bindgen::prelude::*;

// Field for field the library's models (src/model.rs), whose readers are hand-written.
#[derive(Deserialize)]
#[allow(dead_code)] // read only as a port would: the summary uses two fields
struct DisassociateResponse {
    task_id: Option<String>,
    server_id: Option<String>,
    status: Option<String>,
    error_code: Option<String>,
    error_msg: Option<String>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct ApiErrorBody {
    error_code: Option<String>,
    error_msg: Option<String>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct TaskResponse {
    task_id: Option<String>,
    server_id: Option<String>,
    task_status: Option<String>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct TaskListResponse {
    total: Option<f64>,
    tasks: Option<Vec<TaskEntryResponse>>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct TaskEntryResponse {
    task_id: Option<String>,
    operate_type: Option<String>,
    task_time: Option<StringOrNumber>,
    server_name: Option<String>,
    server_id: Option<String>,
    keypair_name: Option<String>,
    task_error_code: Option<String>,
    task_error_msg: Option<String>,
}

/// `task_time`: a string in the doc, a number in one SDK.
#[derive(Deserialize)]
#[serde(untagged)]
#[allow(dead_code)]
enum StringOrNumber {
    String(String),
    Number(f64),
}

/// The body of `kind` read by `parse`, summarised as `probeResponseHand` does; every model is read by one
/// kind or another, so that all of them are linked, as in a port.
fn summary<E: ToString>(
    kind: &str,
    parse_disassociate: impl FnOnce() -> Result<DisassociateResponse, E>,
    parse_list: impl FnOnce() -> Result<TaskListResponse, E>,
    parse_task: impl FnOnce() -> Result<TaskResponse, E>,
    parse_error: impl FnOnce() -> Result<ApiErrorBody, E>,
) -> Result<String, JsValue> {
    let text = |e: E| JsValue::from(e.to_string());
    match kind {
        "disassociate" => parse_disassociate()
            .map_err(text)?
            .task_id
            .ok_or_else(|| "no task_id".into()),
        "list" => Ok(parse_list()
            .map_err(text)?
            .tasks
            .map_or(0, |tasks| tasks.len())
            .to_string()),
        "task" => Ok(parse_task().map_err(text)?.task_status.unwrap_or_default()),
        _ => Ok(parse_error().map_err(text)?.error_code.unwrap_or_default()),
    }
}

#[cfg(feature = "responses-serde-json")]
#[wasm_bindgen(js_name = probeResponseSerdeJson)]
pub fn probe_response_serde_json(kind: &str, text: &str) -> Result<String, JsValue> {
    summary(
        kind,
        || serde_json::from_str(text),
        || serde_json::from_str(text),
        || serde_json::from_str(text),
        || serde_json::from_str(text),
    )
}

#[cfg(feature = "responses-serde-wasm-bindgen")]
#[wasm_bindgen(js_name = probeResponseSerdeWasmBindgen)]
pub fn probe_response_serde_wasm_bindgen(kind: &str, text: &str) -> Result<String, JsValue> {
    let value = js_sys::JSON::parse(text).map_err(|_| JsValue::from("not JSON"))?;
    summary(
        kind,
        || serde_wasm_bindgen::from_value(value.clone()),
        || serde_wasm_bindgen::from_value(value.clone()),
        || serde_wasm_bindgen::from_value(value.clone()),
        || serde_wasm_bindgen::from_value(value.clone()),
    )
}
