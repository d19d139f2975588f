//! [`JsonValue`]: a parsed JSON document as plain Rust data, and [`FromJson`] for the response models.
//!
//! The wasm parses with the engine's `JSON.parse` and converts the result into a `JsonValue`; native tests
//! use serde_json. The models are read by hand rather than with serde's derive, which costs the wasm +18.1 KB
//! gzip with serde_json or +15.4 KB with `JSON.parse` + serde-wasm-bindgen (`cargo xtask alternatives`; see
//! ARCHITECTURE.md, "Design decisions").

/// A JSON value.
#[derive(Clone, Debug, PartialEq)]
pub enum JsonValue {
    Null,
    Bool(bool),
    Number(f64),
    String(String),
    Array(Vec<JsonValue>),
    /// Members in document order.
    Object(Vec<(String, JsonValue)>),
}

impl JsonValue {
    /// The member `key` of an object (`None` for other values or a missing key).
    pub fn get(&self, key: &str) -> Option<&JsonValue> {
        match self {
            JsonValue::Object(members) => members.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// "a string", "a number"… for messages.
    pub fn kind(&self) -> &'static str {
        match self {
            JsonValue::Null => "null",
            JsonValue::Bool(_) => "a boolean",
            JsonValue::Number(_) => "a number",
            JsonValue::String(_) => "a string",
            JsonValue::Array(_) => "an array",
            JsonValue::Object(_) => "an object",
        }
    }
}

/// A model read from a [`JsonValue`]; the error says what is not as documented.
pub trait FromJson: Sized {
    fn from_json(value: &JsonValue) -> Result<Self, String>;
}

/// Fails unless `value` is an object.
pub fn expect_object(value: &JsonValue) -> Result<(), String> {
    match value {
        JsonValue::Object(_) => Ok(()),
        other => Err(mismatch("the body", "an object", other)),
    }
}

/// The optional string member `key`: absent or `null` is `None`.
pub fn opt_string(object: &JsonValue, key: &str) -> Result<Option<String>, String> {
    match object.get(key) {
        None | Some(JsonValue::Null) => Ok(None),
        Some(JsonValue::String(text)) => Ok(Some(text.clone())),
        Some(other) => Err(mismatch(key, "a string", other)),
    }
}

/// The optional number member `key`: absent or `null` is `None`.
pub fn opt_number(object: &JsonValue, key: &str) -> Result<Option<f64>, String> {
    match object.get(key) {
        None | Some(JsonValue::Null) => Ok(None),
        Some(JsonValue::Number(n)) => Ok(Some(*n)),
        Some(other) => Err(mismatch(key, "a number", other)),
    }
}

/// The optional array member `key`, each element read as `T`.
pub fn opt_array<T: FromJson>(object: &JsonValue, key: &str) -> Result<Option<Vec<T>>, String> {
    match object.get(key) {
        None | Some(JsonValue::Null) => Ok(None),
        Some(JsonValue::Array(items)) => items
            .iter()
            .map(T::from_json)
            .collect::<Result<_, _>>()
            .map(Some),
        Some(other) => Err(mismatch(key, "an array", other)),
    }
}

/// "`key` is a number, expected a string".
pub fn mismatch(what: &str, expected: &str, got: &JsonValue) -> String {
    let mut message = String::with_capacity(48);
    message.push_str(what);
    message.push_str(" is ");
    message.push_str(got.kind());
    message.push_str(", expected ");
    message.push_str(expected);
    message
}

#[cfg(test)]
impl From<serde_json::Value> for JsonValue {
    fn from(value: serde_json::Value) -> Self {
        use serde_json::Value;
        match value {
            Value::Null => JsonValue::Null,
            Value::Bool(b) => JsonValue::Bool(b),
            Value::Number(n) => JsonValue::Number(n.as_f64().unwrap_or(f64::NAN)),
            Value::String(s) => JsonValue::String(s),
            Value::Array(items) => {
                JsonValue::Array(items.into_iter().map(JsonValue::from).collect())
            }
            Value::Object(members) => JsonValue::Object(
                members
                    .into_iter()
                    .map(|(k, v)| (k, JsonValue::from(v)))
                    .collect(),
            ),
        }
    }
}

/// Native tests' JSON parser (the wasm uses the engine's).
#[cfg(test)]
pub struct SerdeJson;

#[cfg(test)]
impl crate::response::Json for SerdeJson {
    fn parse(text: &str) -> Option<JsonValue> {
        serde_json::from_str::<serde_json::Value>(text)
            .ok()
            .map(JsonValue::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn members_are_read_with_their_types_checked() {
        let value = JsonValue::from(serde_json::json!({ "a": "x", "n": 2, "z": null, "l": [1] }));
        assert_eq!(opt_string(&value, "a"), Ok(Some("x".to_owned())));
        assert_eq!(opt_string(&value, "z"), Ok(None));
        assert_eq!(opt_string(&value, "missing"), Ok(None));
        assert_eq!(opt_number(&value, "n"), Ok(Some(2.0)));
        assert_eq!(
            opt_string(&value, "n"),
            Err("n is a number, expected a string".to_owned())
        );
        assert_eq!(
            opt_number(&value, "l"),
            Err("l is an array, expected a number".to_owned())
        );
        assert_eq!(
            expect_object(&JsonValue::Null),
            Err("the body is null, expected an object".to_owned())
        );
    }
}
