//! JSON in the wasm without serde_json (≈ 25 KB of wasm): the engine's `JSON` with serde-wasm-bindgen.

use crate::response::Json;
use serde::de::DeserializeOwned;
use serde::Serialize;

/// `JSON.parse` + serde-wasm-bindgen.
pub struct EngineJson;

impl Json for EngineJson {
    fn parse<T: DeserializeOwned>(text: &str) -> Result<T, String> {
        let value = js_sys::JSON::parse(text).map_err(|_| "not JSON".to_owned())?;
        serde_wasm_bindgen::from_value(value).map_err(|e| e.to_string())
    }
}

/// Compact JSON text of `value` (serde-wasm-bindgen + `JSON.stringify`), in field order.
pub fn to_json<T: Serialize>(value: &T) -> Option<String> {
    let js = value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .ok()?;
    js_sys::JSON::stringify(&js).ok()?.as_string()
}

/// `value` as a plain JS value (objects, not Maps).
pub fn to_js<T: Serialize>(value: &T) -> wasm_bindgen::JsValue {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .unwrap_or(wasm_bindgen::JsValue::UNDEFINED)
}
