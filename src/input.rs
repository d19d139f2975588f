//! [`Input`]: a JavaScript value as plain Rust data, so that option validation is pure and tested natively.
//!
//! The wasm boundary converts the options object a user passed (two levels deep: `auth` and `credentials`
//! are objects) into an `Input`; everything after that, including type errors, is decided in pure Rust.

/// The most elements of an array that are converted: one more than any option takes (1000 servers), so that
/// validation can say the array is too long without converting a huge one.
pub const MAX_ARRAY_ITEMS: usize = 1001;

/// A JavaScript value, as far as option validation needs to know it.
pub enum Input {
    Undefined,
    Null,
    Bool(bool),
    Number(f64),
    /// A string (well-formed: one with an unpaired surrogate is an [`Input::Other`]). Strings that are secrets
    /// are moved into [`crate::secret::Secret`] by validation, never copied.
    String(String),
    /// A plain object's own enumerable string-keyed properties, in their order.
    Object(Vec<(String, Input)>),
    /// An array: its first [`MAX_ARRAY_ITEMS`] elements, converted where an option is an array (`servers`),
    /// and none elsewhere (an array where an object or a string belongs is a type error whatever it holds).
    Array(Vec<Input>),
    Function,
    /// Something that behaves as an `AbortSignal` (the boundary keeps the JS object itself).
    AbortSignal,
    /// A `Date`, as its epoch milliseconds (`getTime()`; NaN for an invalid date).
    Date(f64),
    /// Any other kind of value (bigint, symbol, a class instance that is not a plain object...), or one whose
    /// inspection threw (a revoked Proxy, a throwing getter), described for the message that rejects it.
    Other(&'static str),
}

impl Input {
    /// How the value is described to the user in a type error ("a number", "null", "an array"...).
    pub fn describe(&self) -> &'static str {
        match self {
            Input::Undefined => "undefined",
            Input::Null => "null",
            Input::Bool(_) => "a boolean",
            Input::Number(_) => "a number",
            Input::String(_) => "a string",
            Input::Object(_) => "an object",
            Input::Array(_) => "an array",
            Input::Function => "a function",
            Input::AbortSignal => "an AbortSignal",
            Input::Date(_) => "a Date",
            Input::Other(kind) => kind,
        }
    }
}

// Deliberately no derived Debug: an Input may hold a token, a secret key or a private key.
impl core::fmt::Debug for Input {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.describe())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_of_an_input_says_what_kind_of_value_it_is_and_never_its_text() {
        let token = Input::String("MIIabc-secret-token".to_owned());
        assert_eq!(format!("{token:?}"), "a string");
        let options = Input::Object(vec![("token".to_owned(), token)]);
        assert_eq!(format!("{options:?}"), "an object");
        assert_eq!(format!("{:?}", Input::Other("a bigint")), "a bigint");
    }
}
