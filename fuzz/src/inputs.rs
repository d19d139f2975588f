//! Generated JavaScript-shaped values ([`Js`]) and the strategies for their parts: strings with any code point
//! and of sizes around every documented limit, numbers at every edge, trees of any shape.
//!
//! [`Js`] mirrors [`kps_wasm::input::Input`] with a derived `Debug`, so that a failing case prints in full
//! (`Input`'s own `Debug` hides values: it may hold secrets).

use kps_wasm::input::Input;
use proptest::prelude::*;
use proptest::sample::select;

/// A JavaScript value as the options' boundary converts it.
#[derive(Clone, Debug)]
pub enum Js {
    Undefined,
    Null,
    Bool(bool),
    Number(f64),
    String(String),
    Object(Vec<(String, Js)>),
    Array(Vec<Js>),
    Function,
    AbortSignal,
    Date(f64),
    Other(&'static str),
}

impl Js {
    /// The [`Input`] the boundary would build.
    pub fn to_input(&self) -> Input {
        match self {
            Js::Undefined => Input::Undefined,
            Js::Null => Input::Null,
            Js::Bool(b) => Input::Bool(*b),
            Js::Number(n) => Input::Number(*n),
            Js::String(text) => Input::String(text.clone()),
            Js::Object(entries) => Input::Object(
                entries
                    .iter()
                    .map(|(key, value)| (key.clone(), value.to_input()))
                    .collect(),
            ),
            Js::Array(items) => Input::Array(items.iter().map(Js::to_input).collect()),
            Js::Function => Input::Function,
            Js::AbortSignal => Input::AbortSignal,
            Js::Date(millis) => Input::Date(*millis),
            Js::Other(kind) => Input::Other(kind),
        }
    }

    /// A string value.
    pub fn s(text: &str) -> Js {
        Js::String(text.to_owned())
    }

    /// An object of `entries`.
    pub fn object(entries: Vec<(&str, Js)>) -> Js {
        Js::Object(
            entries
                .into_iter()
                .map(|(key, value)| (key.to_owned(), value))
                .collect(),
        )
    }

    /// Sets `key` of an object (replacing it where it is, else appending it); `Js::Undefined` still sets it
    /// (an own property whose value is `undefined`), as JavaScript does.
    pub fn set(&mut self, key: &str, value: Js) {
        if let Js::Object(entries) = self {
            match entries.iter_mut().find(|(k, _)| k == key) {
                Some((_, slot)) => *slot = value,
                None => entries.push((key.to_owned(), value)),
            }
        }
    }

    /// Removes `key` from an object.
    pub fn remove(&mut self, key: &str) {
        if let Js::Object(entries) = self {
            entries.retain(|(k, _)| k != key);
        }
    }

    /// The member `key` of an object, for changing it in place.
    pub fn get_mut(&mut self, key: &str) -> Option<&mut Js> {
        match self {
            Js::Object(entries) => entries.iter_mut().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }
}

/// Characters that sit on the edges of the rules: ASCII punctuation the validators treat specially, every
/// kind of whitespace and control, invisible formatting, non-BMP, the replacement character.
pub const EDGE_CHARS: &[char] = &[
    ' ',
    '\t',
    '\n',
    '\r',
    '\u{0}',
    '\u{7f}',
    '\u{85}',
    '\u{a0}',
    '\u{ad}',
    '\u{1c}',
    '\u{1f}',
    '\u{2028}',
    '\u{2029}',
    '\u{200b}',
    '\u{202e}',
    '\u{feff}',
    '\u{3000}',
    '\u{fffd}',
    '\u{10ffff}',
    '😀',
    'é',
    'ß',
    'İ',
    'K',
    '-',
    '_',
    '.',
    ':',
    '/',
    '\\',
    '%',
    '@',
    '?',
    '#',
    '[',
    ']',
    '"',
    '\'',
    '<',
    '>',
    '&',
    '=',
    ';',
    ',',
    '+',
    '*',
    '~',
    '!',
    '$',
    '(',
    ')',
    '{',
    '}',
    '|',
    '^',
    '`',
];

/// Any character, often one on an edge.
pub fn any_char() -> impl Strategy<Value = char> {
    prop_oneof![
        3 => select(EDGE_CHARS),
        3 => prop::char::range('!', '~'),
        1 => any::<char>(),
    ]
}

/// Short strings of any characters, biased to the edges.
pub fn any_text(max_chars: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(any_char(), 0..=max_chars).prop_map(|chars| chars.into_iter().collect())
}

/// A string of about `limit` units of `unit`, within a few of it: for the size limits (a limit of bytes,
/// with a multibyte unit, lands on both sides and inside a character).
pub fn around(limit: usize, unit: &'static str) -> impl Strategy<Value = String> {
    (0usize..8, any::<bool>()).prop_map(move |(delta, above)| {
        let count = (limit / unit.len().max(1)).saturating_sub(4);
        let count = if above {
            count + delta
        } else {
            count.saturating_sub(delta)
        };
        unit.repeat(count)
    })
}

/// Numbers at every edge of every range the options take, and any `f64`.
pub fn any_number() -> impl Strategy<Value = f64> {
    const EDGES: &[f64] = &[
        0.0,
        -0.0,
        1.0,
        -1.0,
        0.5,
        1.5,
        f64::NAN,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::MIN_POSITIVE,
        5e-324,
        f64::MAX,
        f64::MIN,
        f64::EPSILON,
        9_007_199_254_740_992.0,  // 2^53
        9_007_199_254_740_994.0,  // 2^53 + 2
        -9_007_199_254_740_992.0, // -2^53
        1e15,
        1e300,
        -1e300,
        2_147_483_647.0,
        2_147_483_648.0,
        4_294_967_295.0,
        4_294_967_296.0,
        10.0,
        11.0,
        64.0,
        65.0,
        99.0,
        100.0,
        600_000.0,
        600_001.0,
        86_400_000.0,
        86_400_001.0,
        599_999.999_999_999_9,
        600_000.000_000_000_1,
        99.999_999_999_999_99,
    ];
    prop_oneof![
        4 => select(EDGES),
        2 => (-20i64..700_000).prop_map(|n| n as f64),
        2 => (-2i64..=130).prop_map(|n| n as f64),
        1 => (select(EDGES), -3i32..=3).prop_map(|(edge, ulps)| next_after(edge, ulps)),
        2 => any::<f64>(),
    ]
}

/// `x` moved by `ulps` representable values (an edge's neighbours).
fn next_after(x: f64, ulps: i32) -> f64 {
    fn up(x: f64) -> f64 {
        match x {
            x if x.is_nan() || x == f64::INFINITY => x,
            0.0 => f64::from_bits(1),
            x if x > 0.0 => f64::from_bits(x.to_bits() + 1),
            x => f64::from_bits(x.to_bits() - 1),
        }
    }
    (0..ulps.unsigned_abs()).fold(x, |x, _| if ulps > 0 { up(x) } else { -up(-x) })
}

/// Any JavaScript value, as deep and as wide as asked (keys often the options' own).
pub fn any_js(keys: &'static [&'static str], depth: u32) -> impl Strategy<Value = Js> {
    let leaf = prop_oneof![
        Just(Js::Undefined),
        Just(Js::Null),
        any::<bool>().prop_map(Js::Bool),
        any_number().prop_map(Js::Number),
        any_text(40).prop_map(Js::String),
        Just(Js::Function),
        Just(Js::AbortSignal),
        any_number().prop_map(Js::Date),
        select(
            &[
                "a bigint",
                "a symbol",
                "an instance of Map",
                "a revoked Proxy"
            ][..]
        )
        .prop_map(Js::Other),
    ];
    leaf.prop_recursive(depth, 64, 8, move |inner| {
        prop_oneof![
            prop::collection::vec((any_key(keys), inner.clone()), 0..8).prop_map(Js::Object),
            prop::collection::vec(inner, 0..8).prop_map(Js::Array),
        ]
    })
}

/// An object key: usually one of `keys`, sometimes a near miss or anything.
pub fn any_key(keys: &'static [&'static str]) -> impl Strategy<Value = String> {
    prop_oneof![
        6 => select(keys).prop_map(str::to_owned),
        1 => select(keys).prop_map(|key| key.to_ascii_lowercase()),
        1 => any_text(12),
    ]
}
