//! The wording validation messages share: a user's value in quotes, numbers in decimal, a character described,
//! a length over its limit, and the check for blanks that says where the first one is.
//!
//! Options ([`crate::options`]), endpoints ([`crate::endpoint`]) and `signRequest` ([`crate::sign_request`]) all
//! word their messages with these. They live here, depending on none of the three, so that no validator imports
//! another one for its wording (`endpoint` once imported them from `options`, which imports `endpoint`).

use crate::error::Failure;

/// A user's (non-secret) value in quotes for a message: at most 40 characters (cut at a character boundary,
/// then `…`), control characters shown as `�`.
pub(crate) fn quote(value: &str) -> String {
    let mut out = String::from("'");
    for (index, c) in value.chars().enumerate() {
        if index == 40 {
            out.push('…');
            break;
        }
        out.push(if c.is_control() { '\u{FFFD}' } else { c });
    }
    out.push('\'');
    out
}

/// A non-negative integer in decimal, without `core::fmt` (whose machinery costs kilobytes in the wasm).
pub(crate) fn decimal(mut n: u64) -> String {
    let mut digits = [0u8; 20];
    let mut start = digits.len();
    loop {
        start -= 1;
        digits[start] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    digits[start..].iter().map(|&d| char::from(d)).collect()
}

/// How a character is named in a message: `a space`, `a whitespace or control character` (which would not show),
/// or the character itself in quotes.
pub(crate) fn describe_char(c: char) -> String {
    if c == ' ' {
        "a space".into()
    } else if c.is_whitespace() || c.is_control() {
        "a whitespace or control character".into()
    } else {
        ["'", c.encode_utf8(&mut [0; 4]), "'"].concat()
    }
}

/// Cuts `value` to at most `max` characters, at a character boundary (for a field path, which has no `…`).
pub(crate) fn truncate(value: &str, max: usize) -> String {
    value.chars().take(max).collect()
}

/// `<field> is too long: <len> bytes; at most <max> bytes (<max_text>) are accepted`.
pub(crate) fn too_long(field: &str, len: usize, max: usize, max_text: &str) -> String {
    [
        field,
        " is too long: ",
        &decimal(len as u64),
        " bytes; at most ",
        &decimal(max as u64),
        " bytes (",
        max_text,
        ") are accepted",
    ]
    .concat()
}

/// Fails when `text` contains whitespace or a control character, saying where (1-based, in characters).
pub(crate) fn reject_blanks(field: &str, text: &str) -> Result<(), Failure> {
    if let Some(position) = text
        .chars()
        .position(|c| c.is_whitespace() || c.is_control())
    {
        return Err(Failure::invalid(
            field,
            [
                field,
                " must not contain whitespace or control characters; found one at position ",
                &decimal(position as u64 + 1),
            ]
            .concat(),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quote_caps_at_forty_characters_on_a_character_boundary() {
        assert_eq!(quote("abc"), "'abc'");
        assert_eq!(quote(&"a".repeat(40)), ["'", &"a".repeat(40), "'"].concat());
        assert_eq!(
            quote(&"a".repeat(41)),
            ["'", &"a".repeat(40), "…'"].concat()
        );
        assert_eq!(
            quote(&"é".repeat(41)),
            ["'", &"é".repeat(40), "…'"].concat()
        );
        assert_eq!(quote("a\nb"), "'a\u{FFFD}b'");
    }

    #[test]
    fn decimal_writes_integers_without_core_fmt() {
        for n in [0, 7, 10, 600_000, u64::MAX] {
            assert_eq!(decimal(n), n.to_string());
        }
    }
}
