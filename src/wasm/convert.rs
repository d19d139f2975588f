//! JS values in: the options object as an [`Input`] for the pure validators, and the JS-only values
//! (the AbortSignal, callbacks) kept aside as JS objects.
//!
//! Nothing here may throw into Rust: a user's object can be a Proxy whose traps throw, or a revoked one.
//! Every operation that can run a trap goes through an import declared with `catch` (or, for `instanceof`,
//! through wasm-bindgen's shim, which catches), and a value whose inspection throws becomes an
//! [`Input::Other`] that validation rejects, naming the field. What was thrown is kept ([`Thrown`]) and
//! becomes the `cause` of that `KpsValidationError`, as a network error's `cause` is what fetch threw: the
//! user's own getter or trap failed, and its error says why.

use crate::input::{Input, MAX_ARRAY_ITEMS};
use js_sys::{Array, Function, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::AbortSignal;
use zeroize::Zeroize;

/// Options nest at most this deep (`options.servers[3].auth.key`); deeper objects are not walked.
const MAX_DEPTH: u8 = 4;
/// Arrays are walked only as an option's value (`options.servers`): one deeper is never one of the options.
const ARRAY_DEPTH: u8 = 1;

// Declared here with `catch` (js_sys declares isArray, getPrototypeOf and keys without): an exception from a
// Proxy would otherwise unwind through the wasm frames, and leave a call's promise unsettled.
#[wasm_bindgen]
extern "C" {
    /// `Array.isArray`: throws only for a revoked Proxy (it looks at no trap).
    #[wasm_bindgen(catch, js_namespace = Array, js_name = isArray)]
    fn is_array(value: &JsValue) -> Result<bool, JsValue>;

    /// `Object.getPrototypeOf`: runs a Proxy's getPrototypeOf trap.
    #[wasm_bindgen(catch, js_namespace = Object, js_name = getPrototypeOf)]
    fn prototype_of(value: &JsValue) -> Result<JsValue, JsValue>;

    /// `Object.keys`: runs a Proxy's ownKeys and getOwnPropertyDescriptor traps.
    #[wasm_bindgen(catch, js_namespace = Object, js_name = keys)]
    fn own_keys(object: &JsValue) -> Result<Array, JsValue>;

    /// `Date.prototype.getTime.call(value)`: the time of a Date from any realm, whatever its class overrides;
    /// throws for anything else (a Proxy of a Date included).
    #[wasm_bindgen(catch, js_namespace = ["Date", "prototype", "getTime"], js_name = call)]
    fn time_of(value: &JsValue) -> Result<f64, JsValue>;

    /// `encodeURIComponent`: throws a URIError exactly when the string holds an unpaired surrogate (as
    /// `String.prototype.isWellFormed` answers, which Safari < 16.4 and Firefox < 119 lack).
    #[wasm_bindgen(catch, js_name = encodeURIComponent)]
    fn encode_uri_component(text: &JsValue) -> Result<JsValue, JsValue>;
}

const REVOKED: &str = "a revoked Proxy (its properties cannot be read)";
const UNREADABLE_PROTOTYPE: &str =
    "an object whose prototype cannot be read (a Proxy getPrototypeOf trap threw)";
const UNLISTABLE: &str =
    "an object whose properties cannot be listed (a Proxy trap threw while they were listed)";
const UNREADABLE_PROPERTY: &str = "a property that throws when read";
const NOT_UNICODE: &str = "a string that is not valid Unicode (it has an unpaired surrogate)";

/// A call's options: the [`Input`] the validators check, and the JS values the call then uses, taken in the
/// same pass so that each getter on the user's object runs once and what was checked is what is used.
pub struct Options {
    pub input: Input,
    /// `signal`, when it is an AbortSignal.
    pub signal: Option<AbortSignal>,
    /// `onProgress`, when it is a function.
    pub on_progress: Option<Function>,
    /// `onResponse`, when it is a function.
    pub on_response: Option<Function>,
    /// What the options threw while they were read.
    pub thrown: Thrown,
}

/// What a getter or a Proxy trap of the user's options threw, by the path of the option being read
/// (`token`, `auth.key`, `servers[3]`, `options` for the object itself): the `cause` of the validation error
/// that names that option.
#[derive(Default)]
pub struct Thrown(Vec<(String, JsValue)>);

impl Thrown {
    /// What was thrown while the option `field` was read, if anything was.
    pub fn cause_of(&self, field: Option<&str>) -> Option<JsValue> {
        let field = field?;
        self.0
            .iter()
            .find(|(path, _)| path == field)
            .map(|(_, thrown)| thrown.clone())
    }

    fn keep(&mut self, at: At, thrown: JsValue) {
        self.0.push((at.path(), thrown));
    }
}

/// Where a value sits in the options, as validation names it in `field`. Built into a string only when
/// something there throws: walking the options costs no allocation for it.
#[derive(Clone, Copy)]
enum At<'a> {
    Options,
    Key(&'a At<'a>, &'a str),
    Index(&'a At<'a>, usize),
}

impl At<'_> {
    fn path(&self) -> String {
        match self {
            At::Options => "options".to_owned(),
            At::Key(At::Options, key) => (*key).to_owned(),
            At::Key(parent, key) => format!("{}.{key}", parent.path()),
            At::Index(parent, index) => format!("{}[{index}]", parent.path()),
        }
    }
}

/// Converts a call's options object.
pub fn options(value: &JsValue) -> Options {
    let mut kept = Options {
        input: Input::Undefined,
        signal: None,
        on_progress: None,
        on_response: None,
        thrown: Thrown::default(),
    };
    let mut thrown = Thrown::default();
    kept.input = if value.is_object() {
        object(value, 0, At::Options, Some(&mut kept), &mut thrown)
    } else {
        convert(value, 0, At::Options, &mut thrown)
    };
    kept.thrown = thrown;
    kept
}

/// Converts `value` into an [`Input`], with what it threw while it was read. Getters on the user's object
/// run once, here.
pub fn input(value: &JsValue) -> (Input, Thrown) {
    let mut thrown = Thrown::default();
    let input = convert(value, 0, At::Options, &mut thrown);
    (input, thrown)
}

fn convert(value: &JsValue, depth: u8, at: At, thrown: &mut Thrown) -> Input {
    // Each test is a crossing into JS: strings (most fields) and objects (the options, `auth`,
    // `credentials`) are asked about first.
    if let Some(text) = value.as_string() {
        return string(value, text);
    }
    if value.is_object() {
        return object(value, depth, at, None, thrown);
    }
    if let Some(n) = value.as_f64() {
        return Input::Number(n);
    }
    if let Some(b) = value.as_bool() {
        return Input::Bool(b);
    }
    if value.is_function() {
        return Input::Function;
    }
    if value.is_undefined() {
        return Input::Undefined;
    }
    if value.is_null() {
        return Input::Null;
    }
    if value.is_bigint() {
        return Input::Other("a bigint");
    }
    if value.is_symbol() {
        return Input::Other("a symbol");
    }
    Input::Other("an unsupported value")
}

/// A JS string crosses as UTF-8, an unpaired surrogate turned into U+FFFD: the value sent would not be the
/// one given (a wrong password). Only a string that came out with a U+FFFD is checked on the JS side.
fn string(value: &JsValue, mut text: String) -> Input {
    if text.contains('\u{FFFD}') && encode_uri_component(value).is_err() {
        // It may be a secret.
        text.zeroize();
        return Input::Other(NOT_UNICODE);
    }
    Input::String(text)
}

/// `value` is an object (`typeof` is "object"): a plain object (walked), an array, a signal, a Date or
/// another class's instance. With `kept`, its `signal`, `onProgress` and `onResponse` are kept there.
fn object(
    value: &JsValue,
    depth: u8,
    at: At,
    mut kept: Option<&mut Options>,
    thrown: &mut Thrown,
) -> Input {
    let plain = match prototype(value) {
        Ok(Prototype::Object) => true,
        // `Object.create(null)`, or an array whose prototype was taken away.
        Ok(Prototype::Null) => match array(value, depth, at, thrown) {
            Some(array) => return array,
            None => true,
        },
        Ok(Prototype::Other) => false,
        // Array.isArray throws for a revoked Proxy and for nothing else.
        Err(error) => {
            thrown.keep(at, error);
            return Input::Other(match is_array(value) {
                Err(_) => REVOKED,
                Ok(_) => UNREADABLE_PROTOTYPE,
            });
        }
    };
    if !plain {
        if let Some(array) = array(value, depth, at, thrown) {
            return array;
        }
        if is_abort_signal(value) {
            return Input::AbortSignal;
        }
        if let Ok(millis) = time_of(value) {
            return Input::Date(millis);
        }
        return Input::Other("an instance of a class (expected a plain object)");
    }
    if depth >= MAX_DEPTH {
        return Input::Object(Vec::new());
    }
    let keys = match own_keys(value) {
        Ok(keys) => keys,
        Err(error) => {
            thrown.keep(at, error);
            return Input::Other(UNLISTABLE);
        }
    };
    let mut entries = Vec::new();
    for key in keys.iter() {
        let Some(name) = key.as_string() else {
            continue;
        };
        let here = At::Key(&at, &name);
        let field = match Reflect::get(value, &key) {
            Ok(field) => {
                let converted = convert(&field, depth + 1, here, thrown);
                if let Some(kept) = kept.as_deref_mut() {
                    match (name.as_str(), &converted) {
                        ("signal", Input::AbortSignal) => {
                            kept.signal = Some(field.unchecked_into())
                        }
                        ("onProgress", Input::Function) => kept.on_progress = field.dyn_into().ok(),
                        ("onResponse", Input::Function) => kept.on_response = field.dyn_into().ok(),
                        _ => {}
                    }
                }
                converted
            }
            Err(error) => {
                thrown.keep(here, error);
                Input::Other(UNREADABLE_PROPERTY)
            }
        };
        entries.push((name, field));
    }
    Input::Object(entries)
}

/// `Input::Array` for an array (a Proxy of one included), `None` for any other object. Its first
/// [`MAX_ARRAY_ITEMS`] elements are converted when it is an option's value.
fn array(value: &JsValue, depth: u8, at: At, thrown: &mut Thrown) -> Option<Input> {
    match is_array(value) {
        Ok(true) => {}
        Ok(false) => return None,
        Err(error) => {
            thrown.keep(at, error);
            return Some(Input::Other(REVOKED));
        }
    }
    if depth != ARRAY_DEPTH {
        return Some(Input::Array(Vec::new()));
    }
    // `length` and each element go through Reflect.get, which catches what a Proxy's traps throw.
    let length = match Reflect::get(value, &JsValue::from_str("length")) {
        Ok(length) => length.as_f64(),
        Err(error) => {
            thrown.keep(at, error);
            None
        }
    };
    let Some(length) = length else {
        return Some(Input::Other(UNLISTABLE));
    };
    let count = (length as usize).min(MAX_ARRAY_ITEMS);
    let mut items = Vec::with_capacity(count);
    for index in 0..count {
        let here = At::Index(&at, index);
        items.push(match Reflect::get_u32(value, index as u32) {
            Ok(item) => convert(&item, depth + 1, here, thrown),
            Err(error) => {
                thrown.keep(here, error);
                Input::Other(UNREADABLE_PROPERTY)
            }
        });
    }
    Some(Input::Array(items))
}

/// Where an object's prototype chain starts, as far as telling plain objects apart needs.
enum Prototype {
    /// No prototype: `Object.create(null)`.
    Null,
    /// A prototype whose own prototype is null: `Object.prototype`, this realm's or another's (an object
    /// literal).
    Object,
    /// Anything else: an array, a class instance.
    Other,
}

/// `Err` when a Proxy's getPrototypeOf trap throws, or the Proxy is revoked.
fn prototype(value: &JsValue) -> Result<Prototype, JsValue> {
    let proto = prototype_of(value)?;
    if proto.is_null() {
        return Ok(Prototype::Null);
    }
    Ok(if prototype_of(&proto)?.is_null() {
        Prototype::Object
    } else {
        Prototype::Other
    })
}

/// Whether an object that is *not* plain is taken as an AbortSignal: one of this realm's
/// (`instanceof AbortSignal`), or one whose `aborted` is a boolean and `addEventListener` and
/// `removeEventListener` are functions (a polyfill's, another realm's). A plain object with those properties
/// is not a signal: [`convert`] walks plain objects as options before it asks (and `fetch` would refuse one).
fn is_abort_signal(value: &JsValue) -> bool {
    // Reflect.get throws on a primitive, and a thrown TypeError (with its stack) costs more than the rest
    // of a call: look only at objects.
    if !value.is_object() {
        return false;
    }
    // wasm-bindgen's instanceof shim catches what a Proxy's getPrototypeOf trap throws (→ false).
    if value.is_instance_of::<AbortSignal>() {
        return true;
    }
    let read = |key: &str| Reflect::get(value, &JsValue::from_str(key)).ok();
    read("aborted").is_some_and(|a| a.as_bool().is_some())
        && read("addEventListener").is_some_and(|f| f.is_function())
        && read("removeEventListener").is_some_and(|f| f.is_function())
}
