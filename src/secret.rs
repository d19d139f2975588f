//! [`Secret`]: a string that never shows up in logs, errors or `Debug` output.
//!
//! Secret keys, security tokens, passwords and private keys travel through the crate as `Secret`, so printing a
//! struct that holds one (in a panic message, a log line or an error) cannot leak it.

use core::fmt;

use zeroize::Zeroize;

/// A secret string: `Debug` and `Display` print `***`, and the bytes are zeroed when it is dropped.
///
/// The value can only be read with [`Secret::expose`], which makes every read easy to find in review.
/// It deliberately implements neither `Serialize` nor `PartialEq`: comparing secrets should be done in constant
/// time (see [`crate::signing::signatures_match`]) and serialising one is almost always a leak (the request
/// body, which must carry the server's key, names the one field it writes with `serialize_with`).
///
/// Zeroizing on drop covers this copy only: copies the caller made before handing the string over (or that a
/// `String` left behind when it reallocated) are outside its reach.
///
/// ```
/// use kps_wasm::secret::Secret;
/// let sk = Secret::new("my-secret-key");
/// assert_eq!(format!("{sk:?} {sk}"), "*** ***");
/// assert_eq!(sk.expose(), "my-secret-key");
/// ```
#[derive(Clone)]
pub struct Secret(String);

impl Secret {
    /// Wraps a value; takes ownership so no un-zeroized copy is made here.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The secret value. The only way to read it.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Whether the value is empty (validation needs this without exposing the value).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Length of the value in bytes (UTF-8).
    pub fn len(&self) -> usize {
        self.0.len()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl Drop for Secret {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

impl zeroize::ZeroizeOnDrop for Secret {}

#[cfg(test)]
mod tests {
    use super::Secret;

    const VALUE: &str = "qLZBJ9k7Xh2mEXAMPLEsecretKEY";

    #[test]
    fn debug_and_display_print_stars_instead_of_the_value() {
        let secret = Secret::new(VALUE);
        assert_eq!(format!("{secret:?}"), "***");
        assert_eq!(format!("{secret}"), "***");
        assert_eq!(format!("{secret:#?}"), "***");
        assert_eq!(secret.to_string(), "***");
    }

    #[test]
    fn debug_of_a_struct_holding_a_secret_does_not_contain_the_value() {
        #[derive(Debug)]
        #[allow(dead_code)] // only read through Debug
        struct Credentials {
            access_key_id: String,
            secret_access_key: Secret,
        }
        let credentials = Credentials {
            access_key_id: "AK".into(),
            secret_access_key: Secret::new(VALUE),
        };
        for text in [format!("{credentials:?}"), format!("{credentials:#?}")] {
            assert!(!text.contains(VALUE), "{text}");
            assert!(text.contains("***"), "{text}");
        }
    }

    #[test]
    fn expose_returns_the_value_and_len_counts_its_bytes() {
        let secret = Secret::new(String::from("pässwörd"));
        assert_eq!(secret.expose(), "pässwörd");
        assert_eq!(secret.len(), "pässwörd".len());
        assert!(!secret.is_empty());
        assert!(Secret::new("").is_empty());
    }

    #[test]
    fn a_clone_is_an_independent_copy_with_the_same_value() {
        let original = Secret::new(VALUE);
        let copy = original.clone();
        drop(original);
        assert_eq!(copy.expose(), VALUE);
    }
}
