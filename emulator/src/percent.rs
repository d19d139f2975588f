//! Percent-decoding of request paths and query strings (RFC 3986: `+` stays a `+`).

use std::borrow::Cow;

/// Decodes `%XX` escapes; a malformed escape is kept as is, and bytes that are not UTF-8 become U+FFFD (as the
/// signer does with the path it is given).
pub fn decode(s: &str) -> Cow<'_, str> {
    if !s.contains('%') {
        return Cow::Borrowed(s);
    }
    let mut bytes = Vec::with_capacity(s.len());
    let mut rest = s.as_bytes();
    while let [first, tail @ ..] = rest {
        if let (b'%', [high, low, after @ ..]) = (*first, tail) {
            if let (Some(high), Some(low)) = (hex_value(*high), hex_value(*low)) {
                bytes.push(high << 4 | low);
                rest = after;
                continue;
            }
        }
        bytes.push(*first);
        rest = tail;
    }
    Cow::Owned(String::from_utf8_lossy(&bytes).into_owned())
}

/// Splits a raw query string into decoded `(key, value)` pairs; `k` without `=` has an empty value.
pub fn decode_query(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            (decode(key).into_owned(), decode(value).into_owned())
        })
        .collect()
}

fn hex_value(digit: u8) -> Option<u8> {
    char::from(digit).to_digit(16).map(|value| value as u8)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_are_decoded_and_malformed_ones_kept() {
        assert_eq!(decode("/a%20b/%E9%A1%B9"), "/a b/项");
        assert_eq!(decode("100%"), "100%");
        assert_eq!(decode("%zz+"), "%zz+");
    }

    #[test]
    fn a_query_splits_into_decoded_pairs() {
        assert_eq!(
            decode_query("a%20b=x%2Fy~z&limit=10&flag&&"),
            [
                ("a b".to_string(), "x/y~z".to_string()),
                ("limit".to_string(), "10".to_string()),
                ("flag".to_string(), String::new()),
            ]
        );
    }
}
