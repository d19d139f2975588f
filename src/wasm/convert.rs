//! JS values in: the options object as an [`Input`] for the pure validators, and the JS-only values
//! (the AbortSignal, callbacks) kept aside as JS objects.

use crate::input::Input;
use js_sys::{Array, Date, Function, Object, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::AbortSignal;

/// Options nest at most this deep (`options.credentials.accessKeyId`); deeper objects are not walked.
const MAX_DEPTH: u8 = 2;

/// Converts `value` into an [`Input`]. Getters on the user's object run once, here.
pub fn input(value: &JsValue) -> Input {
    convert(value, 0)
}

fn convert(value: &JsValue, depth: u8) -> Input {
    if value.is_undefined() {
        return Input::Undefined;
    }
    if value.is_null() {
        return Input::Null;
    }
    if let Some(b) = value.as_bool() {
        return Input::Bool(b);
    }
    if let Some(n) = value.as_f64() {
        return Input::Number(n);
    }
    if let Some(s) = value.as_string() {
        return Input::String(s);
    }
    if value.is_function() {
        return Input::Function;
    }
    if value.is_bigint() {
        return Input::Other("a bigint");
    }
    if value.is_symbol() {
        return Input::Other("a symbol");
    }
    if Array::is_array(value) {
        return Input::Array;
    }
    let Some(object) = value.dyn_ref::<Object>() else {
        return Input::Other("an unsupported value");
    };
    // Plain objects first: they are most of what comes in, and the signal test costs two property reads.
    if !is_plain_object(object) {
        if is_abort_signal(value) {
            return Input::AbortSignal;
        }
        if let Some(date) = value.dyn_ref::<Date>() {
            return Input::Date(date.get_time());
        }
        return Input::Other("an instance of a class (expected a plain object)");
    }
    if depth >= MAX_DEPTH {
        return Input::Object(Vec::new());
    }
    let mut entries = Vec::new();
    for key in Object::keys(object).iter() {
        let Some(name) = key.as_string() else {
            continue;
        };
        let field = Reflect::get(object, &key).unwrap_or(JsValue::UNDEFINED);
        entries.push((name, convert(&field, depth + 1)));
    }
    Input::Object(entries)
}

/// A plain object: its prototype is `Object.prototype` or `null` (object literals, `Object.create(null)`,
/// objects from another realm's literal).
fn is_plain_object(object: &Object) -> bool {
    let proto = Object::get_prototype_of(object);
    if proto.is_null() {
        return true;
    }
    Object::get_prototype_of(&proto).is_null()
}

/// An AbortSignal, or something that behaves as one (a polyfill, another realm's): `aborted` is a
/// boolean and `addEventListener` a function.
fn is_abort_signal(value: &JsValue) -> bool {
    // Reflect.get throws on a primitive, and a thrown TypeError (with its stack) costs more than the rest
    // of a call: look only at objects.
    if !value.is_object() {
        return false;
    }
    if value.is_instance_of::<AbortSignal>() {
        return true;
    }
    let aborted = Reflect::get(value, &JsValue::from_str("aborted")).ok();
    let listen = Reflect::get(value, &JsValue::from_str("addEventListener")).ok();
    aborted.is_some_and(|a| a.as_bool().is_some()) && listen.is_some_and(|l| l.is_function())
}

/// `options.signal`, when it is an AbortSignal (validation has checked that it is one if present).
pub fn signal(options: &JsValue) -> Option<AbortSignal> {
    let value = Reflect::get(options, &JsValue::from_str("signal")).ok()?;
    is_abort_signal(&value).then(|| value.unchecked_into())
}

/// `options[name]`, when it is a function (validation has checked that it is one if present).
pub fn function(options: &JsValue, name: &str) -> Option<Function> {
    let value = Reflect::get(options, &JsValue::from_str(name)).ok()?;
    value.dyn_into::<Function>().ok()
}
