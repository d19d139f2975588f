//! How JSON encoders write a string inside a JSON string literal, as a server that echoes a request would:
//! each written here from that encoder's documented behaviour (serde_json is the library itself), for the
//! masking properties. Each returns the literal's content, without its quotes.

/// A JSON encoder a server might use.
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

/// `text` as `encoder` writes it inside a JSON string literal.
pub fn encode(encoder: Encoder, text: &str) -> String {
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
