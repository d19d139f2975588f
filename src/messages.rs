//! The wording validation messages share: a user's value in quotes, numbers in decimal, a character described,
//! a length over its limit, and the check for blanks that says where the first one is.
//!
//! Options ([`crate::options`]), endpoints ([`crate::endpoint`]) and `signRequest` ([`crate::sign_request`]) all
//! word their messages with these. They live here, depending on none of the three, so that no validator imports
//! another one for its wording (`endpoint` once imported them from `options`, which imports `endpoint`).

use crate::error::Failure;

/// A user's (non-secret) value in quotes for a message: at most 40 characters (cut at a character boundary,
/// then `…`), control and invisible formatting characters shown as `�`.
pub(crate) fn quote(value: &str) -> String {
    let mut out = String::from("'");
    for (index, c) in value.chars().enumerate() {
        if index == 40 {
            out.push('…');
            break;
        }
        out.push(shown(c));
    }
    out.push('\'');
    out
}

/// A character as [`quote`] shows it: control and invisible formatting characters as `�`.
pub(crate) fn shown(c: char) -> char {
    if c.is_control() || is_invisible_formatting(c) {
        '\u{FFFD}'
    } else {
        c
    }
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

/// `n` and `noun`, the noun in the singular for one: `1 character`, `37 characters`.
pub(crate) fn count(n: u64, noun: &str) -> String {
    let plural = if n == 1 { "" } else { "s" };
    [decimal(n).as_str(), " ", noun, plural].concat()
}

/// What wraps an id that was pasted with more than the id (`{…}`, `"…"`, whitespace around it), in the words
/// of a message that says what to remove, when what is inside passes `is_id`; `None` otherwise.
pub(crate) fn wrapping(value: &str, is_id: fn(&str) -> bool) -> Option<&'static str> {
    const PAIRS: &[(char, char, &str)] = &[
        ('{', '}', "the braces"),
        ('"', '"', "the quotes"),
        ('\'', '\'', "the quotes"),
        ('\u{201C}', '\u{201D}', "the quotes"),
        ('\u{2018}', '\u{2019}', "the quotes"),
        ('`', '`', "the backquotes"),
        ('[', ']', "the brackets"),
        ('<', '>', "the angle brackets"),
    ];
    let trimmed = value.trim();
    let spaced = trimmed.len() != value.len();
    let mut chars = trimmed.chars();
    let (first, last) = (chars.next()?, chars.next_back()?);
    let pair = PAIRS
        .iter()
        .find(|(open, close, _)| first == *open && last == *close);
    let inner = match pair {
        Some(_) => chars.as_str().trim(),
        None => trimmed,
    };
    if !is_id(inner) {
        return None;
    }
    match (pair, spaced) {
        (Some((_, _, words)), false) => Some(words),
        (Some(_), true) => Some("what surrounds it (the whitespace, and the braces or quotes)"),
        (None, true) => Some("the whitespace around it"),
        (None, false) => None,
    }
}

/// How a character is named in a message: `a space`, `a whitespace or control character` or `an invisible
/// formatting character` (which would not show), or the character itself in quotes.
pub(crate) fn describe_char(c: char) -> String {
    if c == ' ' {
        "a space".into()
    } else if c.is_whitespace() || c.is_control() {
        "a whitespace or control character".into()
    } else if is_invisible_formatting(c) {
        "an invisible formatting character".into()
    } else {
        ["'", c.encode_utf8(&mut [0; 4]), "'"].concat()
    }
}

/// Unicode's invisible formatting characters (category Cf, less the few that print a sign): zero-width spaces
/// and joiners, the byte-order mark, the soft hyphen, bidirectional marks and overrides, tags. Pasted with an id
/// or a region they showed as nothing in a message. Listed by hand: std has no general-category lookup.
fn is_invisible_formatting(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{061C}'
            | '\u{180E}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{206F}'
            | '\u{FEFF}'
            | '\u{FFF9}'..='\u{FFFB}'
            | '\u{E0001}'
            | '\u{E0020}'..='\u{E007F}'
    )
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
    fn a_count_of_one_is_singular() {
        assert_eq!(count(1, "character"), "1 character");
        assert_eq!(count(0, "character"), "0 characters");
        assert_eq!(count(37, "character"), "37 characters");
    }

    #[test]
    fn an_id_wrapped_in_braces_quotes_or_whitespace_is_told_what_to_remove() {
        fn is_abc(value: &str) -> bool {
            value == "abc"
        }
        for (value, words) in [
            ("{abc}", Some("the braces")),
            ("\"abc\"", Some("the quotes")),
            ("\u{201C}abc\u{201D}", Some("the quotes")),
            (" abc\n", Some("the whitespace around it")),
            (
                " {abc} ",
                Some("what surrounds it (the whitespace, and the braces or quotes)"),
            ),
            ("{ abc }", Some("the braces")),
            ("abc", None),
            ("{abd}", None),
            ("{abc", None),
            ("{abc)", None),
            ("(abc}", None),
            ("\"abc'", None),
            ("", None),
            ("{", None),
        ] {
            assert_eq!(wrapping(value, is_abc), words, "{value:?}");
        }
    }

    #[test]
    fn decimal_writes_integers_without_core_fmt() {
        for n in [0, 7, 10, 600_000, u64::MAX] {
            assert_eq!(decimal(n), n.to_string());
        }
    }

    #[test]
    fn quote_shows_invisible_formatting_characters_as_replacement_characters() {
        // Shown as they are, they quoted 'cn-north-4\u{200B}' as 'cn-north-4' next to "did you mean 'cn-north-4'?".
        for c in [
            '\u{200B}',
            '\u{FEFF}',
            '\u{202E}',
            '\u{00AD}',
            '\u{2060}',
            '\u{E0041}',
        ] {
            let value = ["cn-north-4", c.encode_utf8(&mut [0; 4])].concat();
            assert_eq!(quote(&value), "'cn-north-4\u{FFFD}'", "U+{:04X}", c as u32);
        }
        assert_eq!(quote("é 😀"), "'é 😀'");
    }

    #[test]
    fn describe_char_names_an_invisible_formatting_character_instead_of_quoting_nothing() {
        for c in ['\u{200B}', '\u{FEFF}', '\u{200E}'] {
            assert_eq!(describe_char(c), "an invisible formatting character");
        }
        assert_eq!(describe_char('é'), "'é'");
    }

    #[test]
    fn describe_char_names_a_space_a_blank_and_a_control_character_in_words() {
        assert_eq!(describe_char(' '), "a space");
        // A no-break space is whitespace but no control character; U+0001 the other way round.
        for c in ['\u{A0}', '\t', '\n', '\u{1}', '\u{7F}'] {
            assert_eq!(
                describe_char(c),
                "a whitespace or control character",
                "U+{:04X}",
                c as u32
            );
        }
    }
}
