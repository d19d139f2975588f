//! [`Masker`]: the call's secrets, and the one place that masks them in whatever a server sends back.
//!
//! A server may echo a request: a misconfigured gateway, a debug proxy, a hostile endpoint. Every string of a
//! response that can reach the caller passes through a `Masker` holding every secret of the call — the token,
//! the secret key, the security token, the access key ID, `auth.key`, and each request's `Authorization` value
//! and signature — before it becomes a result or an error: the JSON tree of a body is masked as a whole as
//! soon as it is parsed ([`Masker::mask_json`]), and any other text (an excerpt of a body that is not JSON, a
//! runtime's description of a failed fetch) with [`Masker::mask`]. Identifiers are then checked for their
//! shape ([`crate::identifiers`]); a masked one fails that check by construction.
//!
//! Each secret of 4 bytes or more is looked for as it is, JSON-escaped as the request body writes it
//! (serde_json, as [`crate::model::DisassociateRequest::to_json`] does) and as other encoders write it
//! (`\/` for `/`, `\u00e9` for non-ASCII, Go's `\u003c` for `<>&` and `\u2028`), percent-encoded as a URL
//! carries it (`encodeURIComponent`, RFC 3986, a form's `+` for a space: a gateway that echoes a query string),
//! and each of those escaped twice by the same encoder (a body printed inside another JSON string). A secret with blanks between its
//! words (a password with spaces, a PEM key, an `Authorization` value) is also found with other blanks there
//! (a line break for a space, CRLF for LF): a reformatted echo, and what an excerpt, which collapses blanks,
//! would turn back into the secret; in a text an excerpt reads as HTML (it starts with `<`), also with tags
//! there, which an excerpt drops leaving a space (`correct<br>horse` for `correct horse`). Overlapping matches, of one secret or of several, are masked as one span,
//! so no piece of a secret survives between them.
//! A secret cut short where a text ends (a server that cut its message or its body in the middle of an echo,
//! maybe adding `...` or `…`) is masked from [`MIN_CUT_PREFIX_BYTES`] of it: a text that ends, before any
//! trailing blanks and ellipsis, with at least that long a beginning of one of a secret's forms has that
//! beginning masked. (Shorter beginnings would mask ordinary words; they show at most 7 bytes of a secret.)
//! The escaped forms of a secret are built the first time a text at least as long as the secret is masked
//! (no form is shorter than the secret): a call whose answers are short never builds the forms of a 10 KB
//! IAM token.

use core::cell::OnceCell;
use std::borrow::Cow;

use zeroize::Zeroize;

use crate::json::JsonValue;

/// Secrets shorter than this are not masked: they would mask ordinary words.
pub const MIN_SECRET_BYTES: usize = 4;

/// The shortest beginning of a secret that is masked where a text ends ([`Masker::mask`]): a secret cut short.
pub const MIN_CUT_PREFIX_BYTES: usize = 8;

/// The secrets of one call (or one request of it), and their escaped forms once needed.
#[derive(Clone, Default)]
pub struct Masker<'a> {
    secrets: Vec<Pattern<'a>>,
}

#[derive(Clone)]
struct Pattern<'a> {
    value: Cow<'a, str>,
    forms: OnceCell<Vec<String>>,
    /// The secret's words, each run of blanks between them as one space ([`words_of`]).
    words: OnceCell<Option<String>>,
    /// The first [`MIN_CUT_PREFIX_BYTES`] (or fewer, at a character boundary) of each form: a text ending
    /// with a cut form contains one, and only then are the forms built for a text shorter than the secret.
    heads: OnceCell<Vec<String>>,
}

impl<'a> Masker<'a> {
    /// A masker of `secrets` (those shorter than [`MIN_SECRET_BYTES`] are left out).
    pub fn new(secrets: impl IntoIterator<Item = &'a str>) -> Masker<'a> {
        let mut masker = Masker::default();
        for secret in secrets {
            masker.push(Cow::Borrowed(secret));
        }
        masker
    }

    /// This masker plus `extra` secrets it owns (a request's `Authorization` value and signature).
    pub fn with(&self, extra: impl IntoIterator<Item = String>) -> Masker<'a> {
        let mut masker = self.clone();
        for secret in extra {
            masker.push(Cow::Owned(secret));
        }
        masker
    }

    fn push(&mut self, value: Cow<'a, str>) {
        if value.len() >= MIN_SECRET_BYTES && !self.secrets.iter().any(|s| s.value == value) {
            self.secrets.push(Pattern {
                value,
                forms: OnceCell::new(),
                words: OnceCell::new(),
                heads: OnceCell::new(),
            });
        }
    }

    /// `text` with every occurrence of a secret, in any of its forms, and a secret's form cut short where the
    /// text ends, replaced by `***`.
    pub fn mask<'t>(&self, text: &'t str) -> Cow<'t, str> {
        let mut spans: Vec<(usize, usize)> = Vec::new();
        // Read as `response::excerpt` reads the text, and, for HTML, as plain text too: masking a leading tag's
        // `<` makes the masked text plain to an excerpt, which then shows what was inside tags.
        let mut readings: Option<Vec<Collapsed>> = None;
        let cut = cut_end(text);
        for secret in &self.secrets {
            spans.extend(secret.cut_at(&text[..cut]));
            if secret.value.len() <= text.len() {
                for form in secret.forms.get_or_init(|| escaped_forms(&secret.value)) {
                    find_spans(text, form, &mut spans);
                }
            }
            // A secret with blanks between its words, written with other blanks (a line break for a space,
            // CRLF for LF, two spaces): a reformatted echo, and what `response::excerpt` would collapse back
            // into the secret.
            let words = secret.words.get_or_init(|| words_of(&secret.value));
            let Some(words) = words.as_deref() else {
                continue;
            };
            let first_word = words.split(' ').next().unwrap_or_default();
            if words.len() > text.len() || !text.contains(first_word) {
                continue;
            }
            let readings = readings.get_or_insert_with(|| {
                let mut readings = vec![Collapsed::of(text, false)];
                if is_html(text) {
                    readings.push(Collapsed::of(text, true));
                }
                readings
            });
            for collapsed in readings.iter() {
                let mut found = Vec::new();
                find_spans(&collapsed.text, words, &mut found);
                spans.extend(
                    found
                        .into_iter()
                        .map(|(start, end)| collapsed.origin(start, end)),
                );
            }
        }
        if spans.is_empty() {
            return Cow::Borrowed(text);
        }
        // A mask rather than sorting and merging the spans: no sort in the wasm, and overlaps merge by themselves.
        let mut masked = vec![false; text.len()];
        for (start, end) in spans {
            if let Some(bytes) = masked.get_mut(start..end) {
                bytes.fill(true);
            }
        }
        let mut out = String::with_capacity(text.len());
        let mut start = 0;
        while start < text.len() {
            let secret = masked[start];
            let end = masked[start..]
                .iter()
                .position(|&m| m != secret)
                .map_or(text.len(), |run| start + run);
            if secret {
                out.push_str("***");
            } else {
                // Spans are matches of whole UTF-8 strings in UTF-8 text: runs start and end on character
                // boundaries.
                out.push_str(text.get(start..end).unwrap_or_default());
            }
            start = end;
        }
        Cow::Owned(out)
    }

    /// Masks every string of a parsed body in place (members' names too: a reader may report one).
    pub fn mask_json(&self, value: &mut JsonValue) {
        if self.secrets.is_empty() {
            return;
        }
        match value {
            JsonValue::String(text) => self.mask_in_place(text),
            JsonValue::Array(items) => items.iter_mut().for_each(|item| self.mask_json(item)),
            JsonValue::Object(members) => {
                for (name, member) in members {
                    self.mask_in_place(name);
                    self.mask_json(member);
                }
            }
            JsonValue::Null | JsonValue::Bool(_) | JsonValue::Number(_) => {}
        }
    }

    fn mask_in_place(&self, text: &mut String) {
        if let Cow::Owned(masked) = self.mask(text) {
            *text = masked;
        }
    }
}

impl Drop for Masker<'_> {
    fn drop(&mut self) {
        for secret in &mut self.secrets {
            if let Cow::Owned(value) = &mut secret.value {
                value.zeroize();
            }
            if let Some(forms) = secret.forms.get_mut() {
                forms.iter_mut().for_each(Zeroize::zeroize);
            }
            if let Some(Some(words)) = secret.words.get_mut() {
                words.zeroize();
            }
            if let Some(heads) = secret.heads.get_mut() {
                heads.iter_mut().for_each(Zeroize::zeroize);
            }
        }
    }
}

// Deliberately not derived: a Masker holds the call's secrets.
impl core::fmt::Debug for Masker<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "Masker({} secrets)", self.secrets.len())
    }
}

impl Pattern<'_> {
    /// The span of the longest beginning (at least [`MIN_CUT_PREFIX_BYTES`], shorter than the whole) of one of
    /// this secret's forms that `text` ends with.
    fn cut_at(&self, text: &str) -> Option<(usize, usize)> {
        let last = *text.as_bytes().last()?;
        let heads = self.heads.get_or_init(|| {
            let head: String = self.value.chars().take(MIN_CUT_PREFIX_BYTES).collect();
            escaped_forms(&head)
                .into_iter()
                .map(|mut form| {
                    let mut end = form.len().min(MIN_CUT_PREFIX_BYTES);
                    while !form.is_char_boundary(end) {
                        end -= 1;
                    }
                    form.truncate(end);
                    form
                })
                .collect()
        });
        // Every form's cut beginning starts with its head: without one in the text, no form is built.
        if self.value.len() <= MIN_CUT_PREFIX_BYTES
            || !heads.iter().any(|head| text.contains(head.as_str()))
        {
            return None;
        }
        let forms = self.forms.get_or_init(|| escaped_forms(&self.value));
        let longest = forms
            .iter()
            .filter_map(|form| {
                (MIN_CUT_PREFIX_BYTES..form.len().min(text.len() + 1))
                    .rev()
                    .filter(|&n| form.as_bytes()[n - 1] == last && form.is_char_boundary(n))
                    .find(|&n| text.ends_with(&form[..n]))
            })
            .max()?;
        Some((text.len() - longest, text.len()))
    }
}

/// Where a text's content ends: before its trailing blanks and one trailing ellipsis (`…` or `...`), which
/// a server that cut a text may add.
fn cut_end(text: &str) -> usize {
    let trimmed = text.trim_end_matches(is_blank);
    trimmed
        .strip_suffix('…')
        .or_else(|| trimmed.strip_suffix("..."))
        .unwrap_or(trimmed)
        .len()
}

/// Whitespace and control characters: what `response::excerpt` collapses into one space.
fn is_blank(c: char) -> bool {
    c.is_whitespace() || c.is_control()
}

/// `secret` trimmed, each run of blanks in it as one space: `None` when it has no blanks between its words
/// (its exact forms then find every echo of it), or when what is left is shorter than [`MIN_SECRET_BYTES`].
fn words_of(secret: &str) -> Option<String> {
    let words = Collapsed::of(secret.trim_matches(is_blank), false).text;
    (words.contains(' ') && words.len() >= MIN_SECRET_BYTES).then_some(words)
}

/// Whether `response::excerpt` reads `text` as HTML: it then drops its tags, each leaving a space.
fn is_html(text: &str) -> bool {
    text.trim_start().starts_with('<')
}

/// A text with each run of blanks (and, in HTML, of tags, which `response::excerpt` turns into a space) as
/// one space, and where each of its bytes came from.
struct Collapsed {
    text: String,
    /// The byte offset in the original text of each byte of `text` (a collapsed run: where the run starts).
    offsets: Vec<usize>,
}

impl Collapsed {
    fn of(original: &str, html: bool) -> Collapsed {
        let mut text = String::with_capacity(original.len());
        let mut offsets = Vec::with_capacity(original.len());
        let mut in_blanks = false;
        let mut in_tag = false;
        for (offset, c) in original.char_indices() {
            // As `response::excerpt` reads it: a tag runs from `<` to the next `>`.
            let tag = html && (in_tag || c == '<');
            in_tag = tag && c != '>';
            if tag || is_blank(c) {
                if !in_blanks {
                    text.push(' ');
                    offsets.push(offset);
                }
                in_blanks = true;
                continue;
            }
            in_blanks = false;
            text.push(c);
            offsets.extend(offset..offset + c.len_utf8());
        }
        Collapsed { text, offsets }
    }

    /// The original span of `start..end` of `text`, which starts and ends with a word's character.
    fn origin(&self, start: usize, end: usize) -> (usize, usize) {
        (self.offsets[start], self.offsets[end - 1] + 1)
    }
}

/// `secret` as it is, and as each JSON encoder writes it inside a string, once and escaped again by the same
/// encoder (a body printed inside another JSON string): the forms `mask` looks for, each once.
fn escaped_forms(secret: &str) -> Vec<String> {
    const ENCODERS: [fn(&str) -> String; 9] = [
        json_escaped,
        python_escaped,
        uppercase_escaped,
        php_escaped,
        go_escaped,
        slashes_escaped,
        uri_component_encoded,
        rfc3986_encoded,
        form_encoded,
    ];
    let mut forms: Vec<String> = Vec::with_capacity(1 + 2 * ENCODERS.len());
    forms.push(secret.to_owned());
    for encode in ENCODERS {
        let once = encode(secret);
        let twice = encode(&once);
        for form in [once, twice] {
            if !forms.contains(&form) {
                forms.push(form);
            }
        }
    }
    // A request body echoed in a URL or a form: the secret JSON-escaped as the body writes it, then encoded.
    let in_body = json_escaped(secret);
    for encode in [uri_component_encoded, rfc3986_encoded, form_encoded] {
        let form = encode(&in_body);
        if !forms.contains(&form) {
            forms.push(form);
        }
    }
    forms
}

/// Python's `json.dumps` (`ensure_ascii`, its default): everything outside printable ASCII as `\uxxxx`.
fn python_escaped(text: &str) -> String {
    escape_non_ascii(&json_escaped(text), LOWER_HEX).replace('\u{7f}', "\\u007f")
}

/// Java encoders that escape non-ASCII with uppercase hex (`\u00E9`).
fn uppercase_escaped(text: &str) -> String {
    escape_non_ascii(&json_escaped(text), UPPER_HEX)
}

/// PHP's `json_encode`: `\/` for `/`, and non-ASCII as `\uxxxx`.
fn php_escaped(text: &str) -> String {
    escape_non_ascii(&slashes_escaped(text), LOWER_HEX)
}

/// Go's `encoding/json`, HTML-safe by default: `<`, `>`, `&`, U+2028 and U+2029 as `\u003c`… as well.
fn go_escaped(text: &str) -> String {
    json_escaped(text)
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
        .replace('\u{2028}', "\\u2028")
        .replace('\u{2029}', "\\u2029")
}

/// Encoders that write `/` as `\/` and nothing else beyond the usual escapes.
fn slashes_escaped(text: &str) -> String {
    json_escaped(text).replace('/', "\\/")
}

/// JavaScript's `encodeURIComponent`: a secret echoed in a URL or a query string.
fn uri_component_encoded(text: &str) -> String {
    percent_encoded(text, b"-_.!~*'()", false)
}

/// RFC 3986's unreserved characters kept, every other byte `%XX`: what signers and most URL libraries write.
fn rfc3986_encoded(text: &str) -> String {
    percent_encoded(text, b"-_.~", false)
}

/// `application/x-www-form-urlencoded` as HTML forms and `URLSearchParams` write it: `+` for a space.
fn form_encoded(text: &str) -> String {
    percent_encoded(text, b"*-._", true)
}

/// `text` with every byte `%XX` (upper-case hex) but ASCII letters, digits and `keep`, a space as `+` when
/// `plus_for_space`. By hand: the `percent-encoding` crate would be a dependency for these 15 lines (kps-fuzz
/// checks these against it and the `url` crate).
fn percent_encoded(text: &str, keep: &[u8], plus_for_space: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for &byte in text.as_bytes() {
        if byte.is_ascii_alphanumeric() || keep.contains(&byte) {
            out.push(char::from(byte));
        } else if byte == b' ' && plus_for_space {
            out.push('+');
        } else {
            out.push('%');
            out.push(char::from(UPPER_HEX[usize::from(byte >> 4)]));
            out.push(char::from(UPPER_HEX[usize::from(byte & 0x0f)]));
        }
    }
    out
}

const LOWER_HEX: &[u8; 16] = b"0123456789abcdef";
const UPPER_HEX: &[u8; 16] = b"0123456789ABCDEF";

/// `\uXXXX` (in `hex` digits, surrogate pairs beyond the BMP) for every non-ASCII character, as Python's
/// `json.dumps` and PHP's `json_encode` (lowercase) or some Java encoders (uppercase) write them. The digits by
/// hand: `write!(out, "\\u{unit:04x}")` costs +0.1 KB gzip of wasm (`cargo xtask build`).
fn escape_non_ascii(text: &str, hex: &[u8; 16]) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii() {
            out.push(c);
            continue;
        }
        let mut units = [0u16; 2];
        for unit in c.encode_utf16(&mut units) {
            out.push_str("\\u");
            for shift in [12, 8, 4, 0] {
                out.push(char::from(hex[usize::from((*unit >> shift) & 0xf)]));
            }
        }
    }
    out
}

/// `text` escaped as inside a JSON string literal, without the quotes.
fn json_escaped(text: &str) -> String {
    let Ok(quoted) = serde_json::to_string(text) else {
        unreachable!("serde_json writes any str");
    };
    // `"…"`: the quotes are one byte each.
    quoted[1..quoted.len() - 1].to_owned()
}

/// Appends the byte range of every occurrence of `pattern` in `text`, overlapping ones included, merging those
/// that overlap. The usual case (no occurrence) is one `str::find`; the rest is Knuth–Morris–Pratt, linear in
/// `text` even for a pattern such as `aaaa` that overlaps itself. By hand because `str::match_indices` and
/// `memchr::memmem` skip overlapping matches (`baaaaaab` would keep `aa`), a `find` from each match on is
/// quadratic (the 1 MiB test), and aho-corasick's overlapping search costs +31.2 KB gzip of wasm.
fn find_spans(text: &str, pattern: &str, spans: &mut Vec<(usize, usize)>) {
    let Some(first) = text.find(pattern) else {
        return;
    };
    let pattern = pattern.as_bytes();
    let mut border = vec![0; pattern.len()];
    let mut matched = 0;
    for i in 1..pattern.len() {
        while matched > 0 && pattern[i] != pattern[matched] {
            matched = border[matched - 1];
        }
        if pattern[i] == pattern[matched] {
            matched += 1;
        }
        border[i] = matched;
    }
    let mut current: Option<(usize, usize)> = None;
    matched = 0;
    for (i, &byte) in text.as_bytes().iter().enumerate().skip(first) {
        while matched > 0 && byte != pattern[matched] {
            matched = border[matched - 1];
        }
        if byte == pattern[matched] {
            matched += 1;
        }
        if matched == pattern.len() {
            let (start, end) = (i + 1 - pattern.len(), i + 1);
            current = match current {
                Some((open, close)) if start <= close => Some((open, end)),
                Some(done) => {
                    spans.push(done);
                    Some((start, end))
                }
                None => Some((start, end)),
            };
            matched = border[matched - 1];
        }
    }
    spans.extend(current);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::response::MAX_BODY_BYTES;

    fn redact(text: &str, secrets: &[&str]) -> String {
        Masker::new(secrets.iter().copied()).mask(text).into_owned()
    }

    const PEM_KEY: &str = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ\nAAAAMwAAAAtzc2gtZWQy\n-----END OPENSSH PRIVATE KEY-----\n";
    const PASSWORD: &str = "pa\"ss\\wörd\n\t€1";

    /// `text` as a JSON string literal, by serde_json rather than by the escaper under test.
    fn quoted(text: &str) -> String {
        serde_json::to_string(text).unwrap()
    }

    #[test]
    fn a_pem_key_and_a_password_are_masked_raw_json_escaped_and_escaped_twice() {
        for secret in [PEM_KEY, PASSWORD] {
            let once = quoted(secret);
            let twice = quoted(&once);
            for (form, expected) in [
                (secret.to_owned(), "echo: *** end"),
                (once.clone(), "echo: \"***\" end"),
                (twice, "echo: \"\\\"***\\\"\" end"),
            ] {
                let text = format!("echo: {form} end");
                assert_eq!(redact(&text, &[secret]), expected, "{text}");
            }
            let body = serde_json::json!({"server": {"id": "s-1", "auth": {"type": "password", "key": secret}}})
                .to_string();
            let logged = serde_json::json!({"request": {"body": body}}).to_string();
            let masked = redact(&[body.as_str(), " ", &logged].concat(), &[secret]);
            assert_eq!(masked.matches("***").count(), 2, "{masked}");
            for piece in ["b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ", "wörd", "€1"] {
                if secret.contains(piece) {
                    assert!(!masked.contains(piece), "{piece:?} in {masked}");
                }
            }
        }
    }

    #[test]
    fn a_masker_with_a_request_s_signature_masks_it_and_the_call_s_secrets() {
        let call = Masker::new(["canary-token-123"]);
        let request = call.with([
            "Signature=0123abcd".to_owned(),
            "canary-token-123".to_owned(),
        ]);
        let echo = "token canary-token-123, auth Signature=0123abcd";
        assert_eq!(request.mask(echo), "token ***, auth ***");
        // The call's own masker is unchanged.
        assert_eq!(call.mask(echo), "token ***, auth Signature=0123abcd");
        assert_eq!(format!("{request:?}"), "Masker(2 secrets)");
    }

    #[test]
    fn text_without_the_secrets_is_returned_unchanged() {
        let text = "{\"error_code\":\"KPS.0002\",\"error_msg\":\"pa\\\"ss ö\\n€ -----BEGIN\"}";
        assert_eq!(redact(text, &[PEM_KEY, PASSWORD, "canary-token-123"]), text);
        assert_eq!(redact(text, &[]), text);
        assert_eq!(redact("", &[PASSWORD]), "");
    }

    /// Found by the hostile stage of `cargo xtask fuzz` once it looked for a secret's beginning: a PEM key
    /// echoed URI-encoded (`%20` for its spaces, `%0A` for its line breaks) was not one of the forms masked.
    #[test]
    fn a_secret_echoed_percent_encoded_in_a_url_or_a_form_is_masked_whole_or_cut_short() {
        let secret = "-----BEGIN RSA PRIVATE KEY-----\nMIIE/a+b=\n-----END RSA PRIVATE KEY-----";
        for (encoder, echoed) in [
            (
                "encodeURIComponent",
                "-----BEGIN%20RSA%20PRIVATE%20KEY-----%0AMIIE%2Fa%2Bb%3D%0A-----END%20RSA%20PRIVATE%20KEY-----",
            ),
            (
                "a form",
                "-----BEGIN+RSA+PRIVATE+KEY-----%0AMIIE%2Fa%2Bb%3D%0A-----END+RSA+PRIVATE+KEY-----",
            ),
        ] {
            let text = ["GET /callback?key=", echoed, "&x=1 refused"].concat();
            assert_eq!(
                redact(&text, &[secret]),
                "GET /callback?key=***&x=1 refused",
                "{encoder}"
            );
            let cut = ["GET /callback?key=", &echoed[..30]].concat();
            assert_eq!(redact(&cut, &[secret]), "GET /callback?key=***", "{encoder}");
        }
        // The request's body echoed URI-encoded: the key as the body writes it (`\n` escaped), then encoded.
        let body = "%7B%22key%22%3A%22-----BEGIN%20RSA%20PRIVATE%20KEY-----%5CnMIIE%2Fa%2Bb%3D%5Cn-----END%20RSA%20PRIVATE%20KEY-----%22%7D";
        assert_eq!(redact(body, &[secret]), "%7B%22key%22%3A%22***%22%7D");
        let password = "p@ss w0rd!(1)";
        for echoed in [
            "p%40ss%20w0rd!(1)",
            "p%40ss%20w0rd%21%281%29",
            "p%40ss+w0rd%21%281%29",
        ] {
            let text = ["password=", echoed].concat();
            assert_eq!(redact(&text, &[password]), "password=***", "{echoed}");
        }
    }

    #[test]
    fn a_secret_echoed_by_other_json_encoders_is_masked_too() {
        let secret = "p\u{e4}ssw\u{f6}rd/\u{20ac}<&>\u{1f511}";
        for (encoder, echoed) in [
            ("PHP", r"p\u00e4ssw\u00f6rd\/\u20ac<&>\ud83d\udd11"),
            ("Python", r"p\u00e4ssw\u00f6rd/\u20ac<&>\ud83d\udd11"),
            (
                "Java, uppercase hex",
                r"p\u00E4ssw\u00F6rd/\u20AC<&>\uD83D\uDD11",
            ),
            (
                "Go",
                "p\u{e4}ssw\u{f6}rd/\u{20ac}\\u003c\\u0026\\u003e\u{1f511}",
            ),
            (
                "with slashes only",
                "p\u{e4}ssw\u{f6}rd\\/\u{20ac}<&>\u{1f511}",
            ),
        ] {
            let text = ["{\"error_msg\":\"bad password ", echoed, "\"}"].concat();
            assert_eq!(
                redact(&text, &[secret]),
                "{\"error_msg\":\"bad password ***\"}",
                "{encoder}"
            );
        }
    }

    /// Found by `cargo xtask fuzz` (target `masking`): only serde_json's escaping was looked for twice, so a
    /// secret escaped twice by Python, PHP or Go, or one with U+2028 echoed by Go, came back.
    #[test]
    fn a_secret_escaped_twice_by_python_php_or_go_or_with_a_line_separator_by_go_is_masked() {
        for (secret, echoed) in [
            ("K\u{a0}\u{2028}\u{a0}", r"K\\u00a0\\u2028\\u00a0"),
            ("A/AA", r"A\\\/AA"),
            ("A&A!", r"A\\u0026A!"),
            ("line\u{2028}sep", r"line\u2028sep"),
            ("p\u{e4}ss/\u{7f}", r"p\\u00e4ss/\\u007f"),
        ] {
            let text = ["{\"error_msg\":\"echo ", echoed, "\"}"].concat();
            assert_eq!(
                redact(&text, &[secret]),
                "{\"error_msg\":\"echo ***\"}",
                "{echoed}"
            );
        }
    }

    #[test]
    fn a_secret_whose_words_are_shorter_than_4_bytes_is_masked_only_as_it_is() {
        assert_eq!(redact("a b, then ' a b '", &[" a b "]), "a b, then '***'");
    }

    #[test]
    fn a_secret_with_doubled_blanks_echoed_with_single_ones_as_the_whole_text_is_masked() {
        // The echo is exactly as long as the secret's words: the shortest text that can hold them.
        assert_eq!(redact("correct horse", &["correct  horse"]), "***");
        assert_eq!(redact("correct\thorse", &["correct \n horse"]), "***");
    }

    /// Found by `cargo xtask fuzz` (target `response`): a password with spaces that a server echoed with a
    /// line break instead of one was not masked, and the excerpt of the error message then collapsed the line
    /// break into a space, which put the password itself in the message; a PEM key echoed with CRLF line
    /// ends came back whole.
    #[test]
    fn a_secret_echoed_with_other_blanks_between_its_words_is_masked() {
        let password = "correct horse battery staple";
        let text = "bad password 'correct\nhorse  battery\u{a0}\tstaple'";
        let masked = redact(text, &[password]);
        assert_eq!(masked, "bad password '***'");
        assert!(!crate::response::excerpt(&masked).contains(password));
        assert_eq!(
            redact(&PEM_KEY.replace('\n', "\r\n"), &[PEM_KEY]),
            "***\r\n"
        );
        assert_eq!(
            redact("horse battery staple", &[password]),
            "horse battery staple"
        );
        assert_eq!(
            redact("correct horsebattery staple", &[password]),
            "correct horsebattery staple"
        );
    }

    #[test]
    fn a_secret_echoed_cut_short_at_the_end_of_a_text_is_masked_from_8_bytes_of_it() {
        let token = "MIIEnQYJKoZIhvcNAQcCoIIEjjCCBIoCAQExDTALBglghkgBZQMEAgEw";
        let cut = &token[..20];
        for (text, expected) in [
            (["token ", cut].concat(), "token ***"),
            (["token ", cut, "..."].concat(), "token ***..."),
            (["token ", cut, "… \n"].concat(), "token ***… \n"),
            (["{\"msg\":\"", cut].concat(), "{\"msg\":\"***"),
            (["token ", &token[..8]].concat(), "token ***"),
            (["token ", &token[..7]].concat(), "token MIIEnQY"),
            (
                ["token ", cut, " and more"].concat(),
                "token MIIEnQYJKoZIhvcNAQcC and more",
            ),
        ] {
            assert_eq!(redact(&text, &[token]), expected, "{text}");
        }
        let password = "pässwörd/2026\"x";
        let escaped = quoted(password);
        let cut = &escaped[1..16];
        assert_eq!(redact(&["auth ", cut].concat(), &[password]), "auth ***");
    }

    #[test]
    fn a_text_that_is_only_the_beginning_of_a_secret_is_masked_whole() {
        let token = "MIIEnQYJKoZIhvcNAQcCoIIEjjCCBIoCAQExDTALBglghkgBZQMEAgEw";
        assert_eq!(redact(&token[..20], &[token]), "***");
        assert_eq!(redact(&token[..8], &[token]), "***");
    }

    #[test]
    fn a_secret_of_8_bytes_or_fewer_is_never_masked_cut_short_in_any_of_its_forms() {
        // A cut of it shows at most 7 of its bytes, as the shortest cut masked of a longer secret does.
        let password = "p/ss/w0";
        assert_eq!(
            redact("{\"error\":\"bad p\\/ss\\/w", &[password]),
            "{\"error\":\"bad p\\/ss\\/w"
        );
        assert_eq!(
            redact("{\"error\":\"bad p\\/ss\\/w0\"}", &[password]),
            "{\"error\":\"bad ***\"}"
        );
    }

    #[test]
    fn a_text_ending_in_a_character_that_shares_a_byte_with_one_of_a_secret_s_is_left_as_it_is() {
        // `₂` ends with 0x82, the middle byte of the secret's `€`: a cut inside `€` is no cut of the secret.
        let secret = "abcdefgh€uro-rate";
        let text = "rate abcdefgh₂";
        assert_eq!(redact(text, &[secret]), text);
    }

    #[test]
    fn a_password_with_a_space_split_by_a_tag_is_masked_before_an_excerpt_could_join_it() {
        let password = "correct horse";
        let text = "<p>login failed for correct<br/>horse</p>";
        let masked = redact(text, &[password]);
        assert_eq!(masked, "<p>login failed for ***</p>");
        assert_eq!(crate::response::excerpt(&masked), "login failed for ***");
        // Not HTML (an excerpt keeps its tags): left as it is.
        let text = "failed: correct<br/>horse";
        assert_eq!(redact(text, &[password]), text);
    }

    #[test]
    fn secrets_shorter_than_4_bytes_are_not_masked() {
        assert_eq!(redact("a \"b\" abc", &["abc", "\"b\"", ""]), "a \"b\" abc");
        assert_eq!(
            redact("a \\\"b\\\" abcd", &["\"b\"", "abcd"]),
            "a \\\"b\\\" ***"
        );
    }

    #[test]
    fn overlapping_and_nested_secrets_are_masked_as_one_span() {
        assert_eq!(redact("xabcdefghix", &["abcdef", "defghi"]), "x***x");
        assert_eq!(redact("xabcdefghix", &["defghi", "abcdef"]), "x***x");
        assert_eq!(
            redact("zz-abcd-zz abcd", &["abcd", "zz-abcd-zz"]),
            "*** ***"
        );
        assert_eq!(redact("baaaaaab aaaa", &["aaaa"]), "b***b ***");
        assert_eq!(redact("abcdabcd", &["abcd"]), "***");
    }

    #[test]
    fn a_secret_that_starts_over_inside_itself_is_found_each_time_it_occurs() {
        // Each echo begins with a false start ("aa" then "aab…" again, "aba" then "abac"): the search must
        // resume from what it already matched rather than skip past it.
        assert_eq!(redact("aaaab:aaab:aaaaab", &["aaab"]), "a***:***:aa***");
        // ...and what follows an echo is not taken for another one.
        assert_eq!(redact("aaabab", &["aaab"]), "***ab");
        assert_eq!(
            redact("ababac/abac/abababac", &["abac"]),
            "ab***/***/abab***"
        );
        assert_eq!(
            redact("aabaabaabaaab+aabaaab", &["aabaaab"]),
            "aabaab***+***"
        );
    }

    #[test]
    fn a_megabyte_of_text_against_a_16_kib_secret_that_overlaps_itself_is_masked_in_linear_time() {
        let text = "a".repeat(MAX_BODY_BYTES);
        let secret = "a".repeat(16 * 1024);
        assert_eq!(redact(&text, &[&secret]), "***");
        let text = ["b", &"a".repeat(MAX_BODY_BYTES), "b"].concat();
        let secret = [&"a".repeat(16 * 1024 - 1), "b"].concat();
        assert_eq!(
            redact(&text, &[&secret]),
            ["b", &"a".repeat(MAX_BODY_BYTES - secret.len() + 1), "***"].concat()
        );
    }
}
