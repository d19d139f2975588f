//! JSON across the boundary: the engine's `JSON.parse` reads responses into a [`JsonValue`] for the pure
//! core (not serde's Deserialize: see `crate::json`), and results go back as plain JS objects through
//! serde-wasm-bindgen ([`to_js`]).

use crate::json::JsonValue;
use crate::response::Json;
use js_sys::{Array, Object, Reflect};
use serde::Serialize;
use wasm_bindgen::{JsCast, JsValue};

/// Deeper documents are cut off here (KPS bodies are three levels deep).
const MAX_DEPTH: u8 = 16;

/// `JSON.parse`, then [`tree`].
pub struct EngineJson;

impl Json for EngineJson {
    fn parse(text: &str) -> Option<JsonValue> {
        js_sys::JSON::parse(text).ok().map(|value| tree(&value, 0))
    }
}

/// A value that `JSON.parse` produced, as a [`JsonValue`].
fn tree(value: &JsValue, depth: u8) -> JsonValue {
    if let Some(text) = value.as_string() {
        return JsonValue::String(text);
    }
    if let Some(number) = value.as_f64() {
        return JsonValue::Number(number);
    }
    if let Some(b) = value.as_bool() {
        return JsonValue::Bool(b);
    }
    if depth >= MAX_DEPTH || !value.is_object() {
        return JsonValue::Null;
    }
    if let Some(array) = value.dyn_ref::<Array>() {
        return JsonValue::Array(array.iter().map(|item| tree(&item, depth + 1)).collect());
    }
    let object: &Object = value.unchecked_ref();
    let members = Object::keys(object)
        .iter()
        .filter_map(|key| {
            let member = Reflect::get(object, &key).ok()?;
            Some((key.as_string()?, tree(&member, depth + 1)))
        })
        .collect();
    JsonValue::Object(members)
}

/// A result as the package returns it: plain objects (not Maps) with the model's camelCase keys; an optional
/// member that is `None` is left out by the model's `skip_serializing_if`, never set to `undefined` or `null`.
pub fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsValue> {
    Ok(value.serialize(&serde_wasm_bindgen::Serializer::json_compatible())?)
}

/// A JS value put in a serialised result as it is.
#[derive(Serialize)]
pub struct Preserved(
    #[serde(serialize_with = "serde_wasm_bindgen::preserve::serialize")] pub JsValue,
);
