//! JSON in the wasm without serde (≈ 25 KB of wasm for serde_json, several KB for serde-wasm-bindgen): the
//! engine's `JSON.parse` reads responses into a [`JsonValue`] for the pure core; results are built as plain
//! JS objects member by member ([`ToJs`]).

use crate::json::JsonValue;
use crate::model::{KeypairTask, TaskEntry, TaskList};
use crate::response::Json;
use js_sys::{Array, Object, Reflect};
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

/// A result the package returns, as a plain JS object (camelCase keys; not a Map).
pub trait ToJs {
    /// The value as the package returns it to JS.
    fn to_js(&self) -> JsValue;
}

/// `value` as a plain JS value.
pub fn to_js<T: ToJs>(value: &T) -> JsValue {
    value.to_js()
}

fn set(object: &Object, key: &str, value: JsValue) {
    // Defining a data property on a fresh plain object cannot throw.
    let _ = Reflect::set(object, &JsValue::from_str(key), &value);
}

impl ToJs for KeypairTask {
    /// `{ taskId, serverId, status }`.
    fn to_js(&self) -> JsValue {
        let object = Object::new();
        set(&object, "taskId", self.task_id.as_str().into());
        set(&object, "serverId", self.server_id.as_str().into());
        set(&object, "status", self.status.as_str().into());
        object.into()
    }
}

impl ToJs for TaskList {
    /// `{ total, tasks: [...] }`.
    fn to_js(&self) -> JsValue {
        let object = Object::new();
        set(&object, "total", self.total.into());
        let tasks: Array = self.tasks.iter().map(ToJs::to_js).collect();
        set(&object, "tasks", tasks.into());
        object.into()
    }
}

impl ToJs for TaskEntry {
    /// `{ taskId, operateType, taskTime, serverName, serverId, keypairName, taskErrorCode?, taskErrorMessage? }`.
    fn to_js(&self) -> JsValue {
        let object = Object::new();
        set(&object, "taskId", self.task_id.as_str().into());
        set(&object, "operateType", self.operate_type.as_str().into());
        set(&object, "taskTime", self.task_time.into());
        set(&object, "serverName", self.server_name.as_str().into());
        set(&object, "serverId", self.server_id.as_str().into());
        set(&object, "keypairName", self.keypair_name.as_str().into());
        if let Some(code) = &self.task_error_code {
            set(&object, "taskErrorCode", code.as_str().into());
        }
        if let Some(message) = &self.task_error_message {
            set(&object, "taskErrorMessage", message.as_str().into());
        }
        object.into()
    }
}
