//! How JSON encoders write a string inside a JSON string literal, as a server that echoes a request would:
//! each written here from that encoder's documented behaviour (serde_json is the library itself), for the
//! masking properties. Each returns the literal's content, without its quotes. The URL encoders are the
//! well-kept crates' (`percent-encoding`, `url`): the library's are written by hand.

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use url::form_urlencoded;

/// A JSON encoder (or a URL's) a server might use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoder {
    /// serde_json, and JavaScript's `JSON.stringify`: `\"` `\\` `\b` `\f` `\n` `\r` `\t`, other C0 controls
    /// as `\u00xx`, everything else as it is.
    SerdeJson,
    /// Python's `json.dumps` (`ensure_ascii=True`, the default): as serde_json, plus everything outside
    /// printable ASCII (DEL included) as `\uxxxx`, surrogate pairs beyond the BMP.
    Python,
    /// PHP's `json_encode` (default flags): as Python, plus `/` as `\/`.
    Php,
    /// Go's `encoding/json` (default, HTML-safe): as serde_json, plus `<` `>` `&` as `\u003c` `\u003e`
    /// `\u0026` and U+2028, U+2029 as `\u2028`, `\u2029`.
    Go,
    /// Jackson (Java) by default: as serde_json, but C0 controls without a short form as `\u00XX` (uppercase).
    Jackson,
    /// An encoder that escapes `/` as `\/` and nothing else beyond serde_json (Java's `org.json`, Ruby's
    /// older `to_json`).
    Slashes,
    /// JavaScript's `encodeURIComponent` (the `percent-encoding` crate with its set): UTF-8 bytes as `%XX`
    /// except `A-Za-z0-9-_.!~*'()`.
    UriComponent,
    /// RFC 3986's unreserved characters kept, every other byte `%XX`: what signers and most URL libraries write.
    Rfc3986,
    /// `application/x-www-form-urlencoded` as the `url` crate writes it (`+` for a space; HTML forms,
    /// `URLSearchParams`).
    Form,
}

/// Every encoder.
pub const ENCODERS: [Encoder; 6] = [
    Encoder::SerdeJson,
    Encoder::Python,
    Encoder::Php,
    Encoder::Go,
    Encoder::Jackson,
    Encoder::Slashes,
];

/// The encoders of text in a URL: a server that echoes a query string or a form.
pub const URL_ENCODERS: [Encoder; 3] = [Encoder::UriComponent, Encoder::Rfc3986, Encoder::Form];

/// `text` as `encoder` writes it inside a JSON string literal (or, for [`URL_ENCODERS`], in a URL).
pub fn encode(encoder: Encoder, text: &str) -> String {
    const URI_COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
        .remove(b'-')
        .remove(b'_')
        .remove(b'.')
        .remove(b'!')
        .remove(b'~')
        .remove(b'*')
        .remove(b'\'')
        .remove(b'(')
        .remove(b')');
    const RFC_3986: &AsciiSet = &NON_ALPHANUMERIC
        .remove(b'-')
        .remove(b'_')
        .remove(b'.')
        .remove(b'~');
    match encoder {
        Encoder::UriComponent => return utf8_percent_encode(text, URI_COMPONENT).to_string(),
        Encoder::Rfc3986 => return utf8_percent_encode(text, RFC_3986).to_string(),
        Encoder::Form => return form_urlencoded::byte_serialize(text.as_bytes()).collect(),
        _ => {}
    }
    if encoder == Encoder::SerdeJson {
        let quoted = serde_json::to_string(text).expect("a string always serialises");
        return quoted[1..quoted.len() - 1].to_owned();
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '/' if matches!(encoder, Encoder::Php | Encoder::Slashes) => out.push_str("\\/"),
            '<' | '>' | '&' if encoder == Encoder::Go => push_units(&mut out, c, false),
            '\u{2028}' | '\u{2029}' if encoder == Encoder::Go => push_units(&mut out, c, false),
            c if c < ' ' => push_units(&mut out, c, encoder == Encoder::Jackson),
            c if (c == '\u{7f}' || !c.is_ascii())
                && matches!(encoder, Encoder::Python | Encoder::Php) =>
            {
                push_units(&mut out, c, false)
            }
            c => out.push(c),
        }
    }
    out
}

/// `text` encoded by `outer` after `inner`: a body printed inside another JSON string.
pub fn encode_twice(inner: Encoder, outer: Encoder, text: &str) -> String {
    encode(outer, &encode(inner, text))
}

/// `\uxxxx` for each UTF-16 unit of `c`.
fn push_units(out: &mut String, c: char, upper: bool) {
    let mut units = [0u16; 2];
    for unit in c.encode_utf16(&mut units) {
        if upper {
            out.push_str(&format!("\\u{unit:04X}"));
        } else {
            out.push_str(&format!("\\u{unit:04x}"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_url_encoder_writes_what_its_documentation_says() {
        let text = "a b/c!*'()~é+";
        assert_eq!(
            encode(Encoder::UriComponent, text),
            "a%20b%2Fc!*'()~%C3%A9%2B"
        );
        assert_eq!(
            encode(Encoder::Rfc3986, text),
            "a%20b%2Fc%21%2A%27%28%29~%C3%A9%2B"
        );
        assert_eq!(
            encode(Encoder::Form, text),
            "a+b%2Fc%21*%27%28%29%7E%C3%A9%2B"
        );
    }

    #[test]
    fn each_encoder_writes_what_its_documentation_says() {
        let text = "a\"b\\c/d<e>&\n\u{1}é😀\u{2028}\u{7f}";
        assert_eq!(
            encode(Encoder::SerdeJson, text),
            "a\\\"b\\\\c/d<e>&\\n\\u0001é😀\u{2028}\u{7f}"
        );
        assert_eq!(
            encode(Encoder::Python, text),
            "a\\\"b\\\\c/d<e>&\\n\\u0001\\u00e9\\ud83d\\ude00\\u2028\\u007f"
        );
        assert_eq!(
            encode(Encoder::Php, text),
            "a\\\"b\\\\c\\/d<e>&\\n\\u0001\\u00e9\\ud83d\\ude00\\u2028\\u007f"
        );
        assert_eq!(
            encode(Encoder::Go, text),
            "a\\\"b\\\\c/d\\u003ce\\u003e\\u0026\\n\\u0001é😀\\u2028\u{7f}"
        );
        assert_eq!(encode(Encoder::Jackson, "\u{1f}\n"), "\\u001F\\n");
        assert_eq!(encode(Encoder::Slashes, "a/b"), "a\\/b");
        for encoder in ENCODERS {
            let literal = format!("\"{}\"", encode(encoder, text));
            assert_eq!(
                serde_json::from_str::<String>(&literal).unwrap(),
                text,
                "{encoder:?}"
            );
        }
    }
}
