//! JSON parsing for the response properties, as the wasm does it: the engine's `JSON.parse`, whose result the
//! boundary converts to a [`JsonValue`] (`src/wasm/json.rs`, not compiled natively). Modelled here with
//! serde_json's parser and a visitor that keeps what `JSON.parse` keeps: members in document order, a
//! duplicated name once (at its first place, with its last value), and nothing below depth 16 (the
//! boundary's cut: deeper values become `null`).
//!
//! [`Injected`] instead hands the core a tree built by the test: values no JSON text yields through serde_json
//! (`1e400`, which `JSON.parse` reads as `Infinity`) but the engine's parser can.

use std::cell::RefCell;
use std::fmt;

use kps_wasm::json::JsonValue;
use kps_wasm::response::Json;
use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};

/// The boundary's depth cut (`MAX_DEPTH` in `src/wasm/json.rs`).
pub const MAX_DEPTH: usize = 16;

/// `JSON.parse`, as the wasm reads a body.
pub struct EngineLike;

impl Json for EngineLike {
    fn parse(text: &str) -> Option<JsonValue> {
        let Parsed(value) = serde_json::from_str(text).ok()?;
        Some(cut(value, 0))
    }
}

/// A parser that returns the tree set by [`inject`] for any text.
pub struct Injected;

thread_local! {
    static INJECTED: RefCell<Option<JsonValue>> = const { RefCell::new(None) };
}

/// The tree [`Injected`] returns from now on, on this thread (`None`: "not JSON").
pub fn inject(value: Option<JsonValue>) {
    INJECTED.with(|slot| *slot.borrow_mut() = value);
}

impl Json for Injected {
    fn parse(_: &str) -> Option<JsonValue> {
        INJECTED.with(|slot| slot.borrow().clone())
    }
}

/// The boundary's depth cut.
pub fn cut(value: JsonValue, depth: usize) -> JsonValue {
    match value {
        JsonValue::Array(_) | JsonValue::Object(_) if depth >= MAX_DEPTH => JsonValue::Null,
        JsonValue::Array(items) => {
            JsonValue::Array(items.into_iter().map(|v| cut(v, depth + 1)).collect())
        }
        JsonValue::Object(members) => JsonValue::Object(
            members
                .into_iter()
                .map(|(k, v)| (k, cut(v, depth + 1)))
                .collect(),
        ),
        other => other,
    }
}

struct Parsed(JsonValue);

impl<'de> Deserialize<'de> for Parsed {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ValueVisitor).map(Parsed)
    }
}

struct ValueVisitor;

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = JsonValue;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("JSON")
    }
    fn visit_unit<E>(self) -> Result<JsonValue, E> {
        Ok(JsonValue::Null)
    }
    fn visit_bool<E>(self, b: bool) -> Result<JsonValue, E> {
        Ok(JsonValue::Bool(b))
    }
    fn visit_i64<E>(self, n: i64) -> Result<JsonValue, E> {
        Ok(JsonValue::Number(n as f64))
    }
    fn visit_u64<E>(self, n: u64) -> Result<JsonValue, E> {
        Ok(JsonValue::Number(n as f64))
    }
    fn visit_f64<E>(self, n: f64) -> Result<JsonValue, E> {
        Ok(JsonValue::Number(n))
    }
    fn visit_str<E>(self, text: &str) -> Result<JsonValue, E> {
        Ok(JsonValue::String(text.to_owned()))
    }
    fn visit_string<E>(self, text: String) -> Result<JsonValue, E> {
        Ok(JsonValue::String(text))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<JsonValue, A::Error> {
        let mut items = Vec::new();
        while let Some(Parsed(item)) = seq.next_element()? {
            items.push(item);
        }
        Ok(JsonValue::Array(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<JsonValue, A::Error> {
        let mut members: Vec<(String, JsonValue)> = Vec::new();
        while let Some((name, Parsed(value))) = map.next_entry::<String, Parsed>()? {
            match members.iter_mut().find(|(n, _)| *n == name) {
                Some((_, slot)) => *slot = value,
                None => members.push((name, value)),
            }
        }
        Ok(JsonValue::Object(members))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_duplicated_member_keeps_its_first_place_and_its_last_value_as_json_parse_does() {
        let value = EngineLike::parse(r#"{"a":1,"b":2,"a":3}"#).unwrap();
        assert_eq!(
            value,
            JsonValue::Object(vec![
                ("a".into(), JsonValue::Number(3.0)),
                ("b".into(), JsonValue::Number(2.0))
            ])
        );
    }

    #[test]
    fn values_below_depth_16_become_null_as_the_boundary_cuts_them() {
        let deep = format!("{}1{}", "[".repeat(20), "]".repeat(20));
        let mut value = EngineLike::parse(&deep).unwrap();
        let mut depth = 0;
        while let JsonValue::Array(mut items) = value {
            value = items.remove(0);
            depth += 1;
        }
        assert_eq!((depth, value), (16, JsonValue::Null));
        assert_eq!(EngineLike::parse("{\"a\""), None);
    }
}
