//! The alternatives probe: kps-wasm's library, as shipped, plus one well-kept library it does not use, each
//! behind a feature. `cargo xtask alternatives` builds it once per feature with the package's release
//! settings, and `measure.mjs` prices and checks each build in Node (see ARCHITECTURE.md, "Design decisions").
//!
//! Every build exports the library's own functions (`validateOptions`, `disassociateKeypair`…) and
//! `probeResponseHand`, so that each alternative is timed against the library's way in the same instance.

use kps_wasm::json::FromJson;
use kps_wasm::model::{DisassociateResponse, TaskListResponse};
use kps_wasm::response::Json;
use kps_wasm::wasm::json::EngineJson;
use wasm_bindgen::prelude::*;

#[cfg(feature = "endpoint-url")]
mod endpoint;
#[cfg(feature = "fetch-gloo-net")]
mod fetch;
#[cfg(feature = "options-serde")]
mod options;
#[cfg(any(
    feature = "responses-serde-json",
    feature = "responses-serde-wasm-bindgen"
))]
mod responses;

/// What a response body of `kind` reads as, the library's way (`JSON.parse`, then [`FromJson`]): the task
/// ID of a disassociate answer (`"disassociate"`), or the number of tasks of a task list (`"list"`).
#[wasm_bindgen(js_name = probeResponseHand)]
pub fn probe_response_hand(kind: &str, text: &str) -> Result<String, JsValue> {
    let value = EngineJson::parse(text).ok_or("not JSON")?;
    match kind {
        "disassociate" => {
            let parsed = DisassociateResponse::from_json(&value)?;
            parsed.task_id.ok_or_else(|| "no task_id".into())
        }
        _ => {
            let parsed = TaskListResponse::from_json(&value)?;
            Ok(parsed.tasks.map_or(0, |tasks| tasks.len()).to_string())
        }
    }
}
