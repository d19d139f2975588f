//! Turning an HTTP response into the caller's result: the task ID, or a [`Failure`] that says what the
//! service said (or why its answer could not be used). Pure: JSON parsing is supplied by the caller
//! ([`Json`]), `JSON.parse` in the wasm and serde_json in native tests; the models are read from the
//! resulting [`JsonValue`] with [`FromJson`].

use crate::error::{ErrorKind, Failure};
use crate::json::{push_json_string, FromJson, JsonValue};
use crate::model::{ApiErrorBody, DisassociateResponse};

/// Bodies larger than this are not read: KPS answers are a few hundred bytes.
pub const MAX_BODY_BYTES: usize = 1 << 20;

/// At most this many characters of a server's text reach an error message.
const MAX_EXCERPT_CHARS: usize = 300;

/// A response body, as read by the transport.
pub enum Body {
    Empty,
    Text(String),
    /// Bytes that are not UTF-8 (kept for the excerpt of error responses).
    NotUtf8(Vec<u8>),
    /// Longer than [`MAX_BODY_BYTES`]; reading stopped there.
    TooLarge,
}

/// What came back: status, `X-Request-Id`, `Retry-After` and body.
pub struct HttpResponse {
    pub status: u16,
    pub request_id: Option<String>,
    /// `Retry-After` in seconds, when the response has one (429, 503).
    pub retry_after_secs: Option<u32>,
    pub body: Body,
}

/// A JSON parser.
pub trait Json {
    /// Parses `text`; `None` when it is not JSON.
    fn parse(text: &str) -> Option<JsonValue>;
}

/// The result of `POST …/keypairs/disassociate`: the task ID on a 2xx with a usable body.
///
/// `secrets` are the call's secret values: any that a server echoes back are masked in the message.
pub fn disassociate_result<J: Json>(
    response: HttpResponse,
    secrets: &[&str],
) -> Result<String, Failure> {
    if !(200..300).contains(&response.status) {
        return Err(api_failure::<J>(response, secrets));
    }
    let parsed: DisassociateResponse = parse_success::<J, _>(&response, "{\"task_id\": \"…\"}")?;
    if parsed.status.as_deref() == Some("FAILED") {
        let code = parsed.error_code.filter(|code| !code.is_empty());
        let message = parsed
            .error_msg
            .filter(|msg| !msg.is_empty())
            .unwrap_or_else(|| {
                "the service accepted the request but reported status FAILED".to_owned()
            });
        return Err(Failure {
            kind: ErrorKind::Api,
            code: code.unwrap_or_else(|| http_code(response.status)),
            message: excerpt(&redact(&message, secrets)),
            status: response.status,
            request_id: response.request_id,
            field: None,
            task: None,
        });
    }
    match parsed.task_id {
        Some(task_id) if !task_id.is_empty() => Ok(task_id),
        _ => Err(invalid_response(
            &response,
            "the response has no task_id (expected {\"task_id\": \"…\"})".to_owned(),
        )),
    }
}

/// Parses the body of a 2xx response as `T`, or explains why it cannot be.
pub fn parse_success<J: Json, T: FromJson>(
    response: &HttpResponse,
    expected: &str,
) -> Result<T, Failure> {
    let text = match &response.body {
        Body::Text(text) => text,
        Body::Empty => {
            return Err(invalid_response(
                response,
                format!("the response body is empty (expected {expected})"),
            ))
        }
        Body::NotUtf8(_) => {
            return Err(invalid_response(
                response,
                "the response body is not valid UTF-8".to_owned(),
            ))
        }
        Body::TooLarge => {
            return Err(invalid_response(
                response,
                format!("the response body exceeds {MAX_BODY_BYTES} bytes"),
            ))
        }
    };
    let Some(value) = J::parse(text) else {
        return Err(invalid_response(
            response,
            "the response body is not JSON".to_owned(),
        ));
    };
    T::from_json(&value).map_err(|why| {
        invalid_response(
            response,
            format!("the response body is not the documented shape: {why}"),
        )
    })
}

fn invalid_response(response: &HttpResponse, message: String) -> Failure {
    Failure {
        status: response.status,
        request_id: response.request_id.clone(),
        ..Failure::local(ErrorKind::Response, message)
    }
}

/// A failure for an error status: the service's `error_code` and `error_msg` when the body has them,
/// else `HTTP_<status>` and a short excerpt of whatever the body was.
pub fn api_failure<J: Json>(response: HttpResponse, secrets: &[&str]) -> Failure {
    let status = response.status;
    let parsed = match &response.body {
        Body::Text(text) => J::parse(text).and_then(|value| ApiErrorBody::from_json(&value).ok()),
        _ => None,
    };
    let (code, message) = match parsed {
        Some(ApiErrorBody {
            error_code: Some(code),
            error_msg,
        }) if !code.is_empty() => {
            let message = error_msg
                .filter(|msg| !msg.is_empty())
                .unwrap_or_else(|| status_line(status));
            (code, message)
        }
        parsed => {
            let detail = match (&response.body, parsed.and_then(|body| body.error_msg)) {
                (_, Some(msg)) if !msg.is_empty() => msg,
                (Body::Text(text), _) => text.clone(),
                (Body::NotUtf8(bytes), _) => String::from_utf8_lossy(bytes).into_owned(),
                (Body::Empty, _) => String::new(),
                (Body::TooLarge, _) => "(a body too large to read)".to_owned(),
            };
            let detail = excerpt(&redact(&detail, secrets));
            let message = if detail.is_empty() {
                status_line(status)
            } else {
                format!("{}: {detail}", status_line(status))
            };
            (http_code(status), message)
        }
    };
    Failure {
        kind: ErrorKind::Api,
        code,
        message: excerpt(&redact(&message, secrets)),
        status,
        request_id: response.request_id,
        field: None,
        task: None,
    }
}

fn http_code(status: u16) -> String {
    format!("HTTP_{status}")
}

fn status_line(status: u16) -> String {
    format!("HTTP {status}")
}

/// One line of at most [`MAX_EXCERPT_CHARS`] characters, whitespace and control characters collapsed; an
/// HTML page (an error page from a gateway) loses its tags so that it reads as its text.
pub fn excerpt(text: &str) -> String {
    let is_html = text.trim_start().starts_with('<');
    let mut out = String::new();
    let mut in_tag = false;
    let mut pending_space = false;
    let mut chars = 0;
    for c in text.chars() {
        match c {
            '<' if is_html => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                pending_space = true;
            }
            _ if in_tag => {}
            c if c.is_whitespace() || c.is_control() => pending_space = true,
            c => {
                if pending_space && !out.is_empty() {
                    out.push(' ');
                    chars += 1;
                }
                pending_space = false;
                if chars >= MAX_EXCERPT_CHARS {
                    out.push('…');
                    break;
                }
                out.push(c);
                chars += 1;
            }
        }
    }
    out
}

/// Masks every occurrence of the call's secrets (a server may echo a request back in an error) with `***`.
///
/// Each secret of 4 bytes or more is looked for as it is, JSON-escaped as the request body writes it
/// ([`push_json_string`]) and as other encoders write it (`\/` for `/`, `\u00e9` for non-ASCII, Go's
/// `\u003c` for `<>&`), and escaped twice (a body printed inside another JSON string). Overlapping matches,
/// of one secret or of several, are masked as one span, so no piece of a secret survives between them.
pub fn redact(text: &str, secrets: &[&str]) -> String {
    let mut spans: Vec<(usize, usize)> = Vec::new();
    for secret in secrets.iter().filter(|s| s.len() >= 4) {
        for form in escaped_forms(secret) {
            find_spans(text, &form, &mut spans);
        }
    }
    if spans.is_empty() {
        return text.to_owned();
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
            // Spans are matches of whole UTF-8 strings in UTF-8 text: runs start and end on character boundaries.
            out.push_str(text.get(start..end).unwrap_or_default());
        }
        start = end;
    }
    out
}

/// `secret` as it is, and as JSON encoders write it inside a string: the forms `redact` looks for, each once.
fn escaped_forms(secret: &str) -> Vec<String> {
    let ours = json_escaped(secret);
    let with_slashes = ours.replace('/', "\\/");
    let candidates = [
        secret.to_owned(),
        json_escaped(&ours),
        escape_non_ascii(&ours, LOWER_HEX),
        escape_non_ascii(&ours, UPPER_HEX),
        escape_non_ascii(&with_slashes, LOWER_HEX),
        ours.replace('<', "\\u003c")
            .replace('>', "\\u003e")
            .replace('&', "\\u0026"),
        ours,
        with_slashes,
    ];
    let mut forms: Vec<String> = Vec::with_capacity(candidates.len());
    for form in candidates {
        if !forms.contains(&form) {
            forms.push(form);
        }
    }
    forms
}

const LOWER_HEX: &[u8; 16] = b"0123456789abcdef";
const UPPER_HEX: &[u8; 16] = b"0123456789ABCDEF";

/// `\uXXXX` (in `hex` digits, surrogate pairs beyond the BMP) for every non-ASCII character, as Python's
/// `json.dumps` and PHP's `json_encode` (lowercase) or some Java encoders (uppercase) write them.
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
    let mut quoted = String::with_capacity(text.len() + 2);
    push_json_string(&mut quoted, text);
    quoted[1..quoted.len() - 1].to_owned()
}

/// Appends the byte range of every occurrence of `pattern` in `text`, overlapping ones included, merging those
/// that overlap. The usual case (no occurrence) is one `str::find`; the rest is Knuth–Morris–Pratt, linear in
/// `text` even for a pattern such as `aaaa` that overlaps itself.
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

    use crate::json::SerdeJson;

    fn response(status: u16, body: &str) -> HttpResponse {
        HttpResponse {
            status,
            request_id: Some("req-1".to_owned()),
            retry_after_secs: None,
            body: if body.is_empty() {
                Body::Empty
            } else {
                Body::Text(body.to_owned())
            },
        }
    }

    fn result(status: u16, body: &str) -> Result<String, Failure> {
        disassociate_result::<SerdeJson>(
            response(status, body),
            &["canary-token-123", "-----BEGIN KEY-----"],
        )
    }

    #[test]
    fn a_202_with_a_task_id_resolves_to_it() {
        assert_eq!(
            result(202, r#"{"task_id":"aee8d2fe-5484-4753-9177-5a38dc15546c"}"#).unwrap(),
            "aee8d2fe-5484-4753-9177-5a38dc15546c"
        );
    }

    #[test]
    fn a_202_with_the_official_models_extra_fields_and_status_success_resolves() {
        let body = r#"{"task_id":"t-1","server_id":"s","status":"SUCCESS","error_code":null,"error_msg":null,"extra":1}"#;
        assert_eq!(result(202, body).unwrap(), "t-1");
    }

    #[test]
    fn a_202_whose_status_is_failed_is_an_api_error_with_its_code_and_message() {
        let failure = result(
            202,
            r#"{"status":"FAILED","error_code":"KPS.6004","error_msg":"no keypair found"}"#,
        )
        .unwrap_err();
        assert_eq!(
            (failure.kind, failure.code.as_str(), failure.status),
            (ErrorKind::Api, "KPS.6004", 202)
        );
        assert_eq!(failure.message, "no keypair found");
        assert_eq!(failure.request_id.as_deref(), Some("req-1"));
    }

    #[test]
    fn a_202_failed_without_a_code_gets_http_202() {
        let failure = result(202, r#"{"status":"FAILED"}"#).unwrap_err();
        assert_eq!(
            (failure.kind, failure.code.as_str()),
            (ErrorKind::Api, "HTTP_202")
        );
    }

    #[test]
    fn a_2xx_that_is_not_the_documented_shape_is_an_invalid_response() {
        for body in [
            "",
            "{}",
            r#"{"task_id":""}"#,
            r#"{"task_id":42}"#,
            "not json",
            "[]",
            "null",
            r#"{"task_id":null}"#,
        ] {
            let failure = result(202, body).unwrap_err();
            assert_eq!(failure.kind, ErrorKind::Response, "{body:?}");
            assert_eq!(failure.code, "INVALID_RESPONSE");
            assert_eq!(failure.status, 202);
            assert_eq!(failure.request_id.as_deref(), Some("req-1"));
        }
    }

    #[test]
    fn a_2xx_body_that_is_not_utf8_or_too_large_is_an_invalid_response() {
        for body in [Body::NotUtf8(vec![0xff, 0xfe]), Body::TooLarge] {
            let r = HttpResponse {
                status: 202,
                request_id: None,
                retry_after_secs: None,
                body,
            };
            let failure = disassociate_result::<SerdeJson>(r, &[]).unwrap_err();
            assert_eq!(failure.kind, ErrorKind::Response);
        }
    }

    #[test]
    fn an_error_status_with_a_kps_body_carries_its_code_message_status_and_request_id() {
        let failure = result(
            400,
            r#"{"error_code":"KPS.0002","error_msg":"parameter error"}"#,
        )
        .unwrap_err();
        assert_eq!(
            failure,
            Failure {
                kind: ErrorKind::Api,
                code: "KPS.0002".to_owned(),
                message: "parameter error".to_owned(),
                status: 400,
                request_id: Some("req-1".to_owned()),
                field: None,
                task: None,
            }
        );
    }

    #[test]
    fn an_error_status_without_a_json_body_gets_http_code_and_a_short_excerpt() {
        let html = format!(
            "<html><head><title>502 Bad Gateway</title></head><body>{}</body></html>",
            "x".repeat(5000)
        );
        let failure = result(502, &html).unwrap_err();
        assert_eq!(
            (failure.kind, failure.code.as_str(), failure.status),
            (ErrorKind::Api, "HTTP_502", 502)
        );
        assert!(
            failure.message.starts_with("HTTP 502: 502 Bad Gateway"),
            "{}",
            failure.message
        );
        assert!(
            failure.message.chars().count() <= MAX_EXCERPT_CHARS + 1,
            "{}",
            failure.message.len()
        );
        assert!(!failure.message.contains('<'));
    }

    #[test]
    fn an_error_status_with_an_empty_body_says_the_status() {
        let failure = result(503, "").unwrap_err();
        assert_eq!(
            (failure.code.as_str(), failure.message.as_str()),
            ("HTTP_503", "HTTP 503")
        );
    }

    #[test]
    fn an_error_message_that_echoes_a_secret_is_masked() {
        let failure = result(400, r#"{"error_code":"KPS.0002","error_msg":"bad token canary-token-123 in -----BEGIN KEY-----"}"#)
            .unwrap_err();
        assert_eq!(failure.message, "bad token *** in ***");
        let failure = result(500, "echo: canary-token-123").unwrap_err();
        assert!(
            !failure.message.contains("canary-token-123"),
            "{}",
            failure.message
        );
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
    fn a_secret_echoed_in_an_error_body_with_the_request_is_masked_in_the_message() {
        let body =
            serde_json::json!({"server": {"id": "s", "auth": {"type": "keypair", "key": PEM_KEY}}});
        let echo =
            serde_json::json!({"message": "bad request", "body": body.to_string()}).to_string();
        let failure = api_failure::<SerdeJson>(response(500, &echo), &[PEM_KEY]);
        assert!(!failure.message.contains("b3Blbn"), "{}", failure.message);
        assert!(failure.message.contains("***"), "{}", failure.message);
    }

    #[test]
    fn text_without_the_secrets_is_returned_unchanged() {
        let text = "{\"error_code\":\"KPS.0002\",\"error_msg\":\"pa\\\"ss ö\\n€ -----BEGIN\"}";
        assert_eq!(redact(text, &[PEM_KEY, PASSWORD, "canary-token-123"]), text);
        assert_eq!(redact(text, &[]), text);
        assert_eq!(redact("", &[PASSWORD]), "");
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

    #[test]
    fn an_excerpt_keeps_json_text_with_angle_brackets_and_collapses_whitespace() {
        assert_eq!(excerpt("a < b and c > d\n\n  e"), "a < b and c > d e");
        assert_eq!(excerpt("<p>Hello\n<b>world</b></p>"), "Hello world");
        assert_eq!(
            excerpt(&"é".repeat(400)).chars().count(),
            MAX_EXCERPT_CHARS + 1
        );
    }
}
