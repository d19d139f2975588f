//! Turning an HTTP response into the caller's result: the task ID, or a [`Failure`] that says what the
//! service said (or why its answer could not be used). Pure: JSON parsing is supplied by the caller
//! ([`Json`]), `JSON.parse` in the wasm and serde_json in native tests; the models are read from the
//! resulting [`JsonValue`] with [`FromJson`].
//!
//! Nothing a server sends reaches the caller unchecked: every body is parsed here ([`parsed_body`]) and its
//! strings masked with the request's [`Masker`] before any model reads them, other text is masked where it
//! is cut into a message, the request ID is kept only when it has an identifier's shape
//! ([`HttpResponse::received`]), and identifiers are checked before they are trusted
//! ([`crate::identifiers`]).

use crate::error::{ErrorKind, Failure};
use crate::identifiers::{self, identifier_problem};
use crate::json::{FromJson, JsonValue};
use crate::masking::Masker;
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

/// What came back: status, `X-Request-Id`, `Retry-After` and body. Build one with
/// [`HttpResponse::received`], which checks the request ID.
pub struct HttpResponse {
    pub status: u16,
    pub request_id: Option<String>,
    /// `Retry-After` as sent (seconds or an HTTP date; [`crate::retry::retry_after_ms`] reads it).
    pub retry_after: Option<String>,
    pub body: Body,
}

impl HttpResponse {
    /// A response as the transport read it. `request_id` is the raw `X-Request-Id`: kept only when it has the
    /// shape of one and holds no secret of the request (masked first, then checked: a masked one fails).
    pub fn received(
        status: u16,
        request_id: Option<String>,
        retry_after: Option<String>,
        body: Body,
        masker: &Masker,
    ) -> HttpResponse {
        HttpResponse {
            status,
            request_id: request_id_of(request_id, masker),
            retry_after,
            body,
        }
    }
}

/// The `X-Request-Id` worth reporting: masked, then kept only when it has an identifier's shape (a masked one
/// has not).
pub fn request_id_of(raw: Option<String>, masker: &Masker) -> Option<String> {
    identifiers::request_id(raw.map(|id| masker.mask(&id).into_owned()))
}

/// A JSON parser.
pub trait Json {
    /// Parses `text`; `None` when it is not JSON.
    fn parse(text: &str) -> Option<JsonValue>;
}

/// The result of `POST …/keypairs/disassociate`: the task ID on a 2xx with a usable body.
///
/// `masker` holds the request's secrets: any that a server echoes back are masked, and an identifier that
/// echoes one is refused.
pub fn disassociate_result<J: Json>(
    response: HttpResponse,
    masker: &Masker,
) -> Result<String, Failure> {
    if !(200..300).contains(&response.status) {
        return Err(api_failure::<J>(response, masker));
    }
    let parsed: DisassociateResponse =
        parse_success::<J, _>(&response, "{\"task_id\": \"…\"}", masker)?;
    if parsed.status.as_deref() == Some("FAILED") {
        let code = match parsed.error_code.filter(|code| !code.is_empty()) {
            Some(code) => identifier(&response, "error_code", code)?,
            None => http_code(response.status),
        };
        // Empty only after the excerpt when it was only blanks or tags.
        let message = parsed
            .error_msg
            .map(|msg| excerpt(&msg))
            .filter(|msg| !msg.is_empty())
            .unwrap_or_else(|| {
                "the service accepted the request but reported status FAILED".to_owned()
            });
        return Err(Failure {
            kind: ErrorKind::Api,
            code,
            message,
            status: response.status,
            request_id: response.request_id,
            field: None,
            task: None,
            attempts: 1,
            retry_after: None,
        });
    }
    match parsed.task_id {
        Some(task_id) => identifier(&response, "task_id", task_id),
        None => Err(invalid_response(
            &response,
            "the response has no task_id (expected {\"task_id\": \"…\"})".to_owned(),
        )),
    }
}

/// `value`, the identifier `field` of `response`, when it has the shape of one; else a
/// [`ErrorKind::Response`] failure that names the member without echoing it.
pub fn identifier(response: &HttpResponse, field: &str, value: String) -> Result<String, Failure> {
    match identifier_problem(field, &value) {
        None => Ok(value),
        Some(problem) => Err(invalid_response(response, problem)),
    }
}

/// The body of `response` parsed as JSON, every string in it masked; `None` when it is not JSON text.
pub fn parsed_body<J: Json>(response: &HttpResponse, masker: &Masker) -> Option<JsonValue> {
    let Body::Text(text) = &response.body else {
        return None;
    };
    let mut value = J::parse(text)?;
    masker.mask_json(&mut value);
    Some(value)
}

/// Parses the body of a 2xx response as `T` (its strings masked), or explains why it cannot be.
pub fn parse_success<J: Json, T: FromJson>(
    response: &HttpResponse,
    expected: &str,
    masker: &Masker,
) -> Result<T, Failure> {
    match &response.body {
        Body::Text(_) => {}
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
    let Some(value) = parsed_body::<J>(response, masker) else {
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
/// else `HTTP_<status>` and a short excerpt of whatever the body was. An `error_code` that is not an
/// identifier (one that echoes a credential, say) makes the answer unusable: a [`ErrorKind::Response`] failure.
pub fn api_failure<J: Json>(response: HttpResponse, masker: &Masker) -> Failure {
    let status = response.status;
    let parsed =
        parsed_body::<J>(&response, masker).and_then(|value| ApiErrorBody::from_json(&value).ok());
    let (code, message) = match parsed {
        Some(ApiErrorBody {
            error_code: Some(code),
            error_msg,
        }) if !code.is_empty() => {
            let code = match identifier(&response, "error_code", code) {
                Ok(code) => code,
                Err(failure) => return failure,
            };
            let message = error_msg
                .map(|msg| excerpt(&masker.mask(&msg)))
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
            let detail = excerpt(&masker.mask(&detail));
            let message = if detail.is_empty() {
                status_line(status)
            } else {
                // Cut to length again with its prefix (which starts with no tag, so nothing else changes).
                excerpt(&format!("{}: {detail}", status_line(status)))
            };
            (http_code(status), message)
        }
    };
    Failure {
        kind: ErrorKind::Api,
        code,
        // Cut once: an excerpt of an excerpt can differ (`\0<` gives `<`, which then reads as a tag).
        message: masker.mask(&message).into_owned(),
        status,
        request_id: response.request_id,
        field: None,
        task: None,
        attempts: 1,
        retry_after: response
            .retry_after
            .as_deref()
            .and_then(crate::retry::RetryAfter::parse)
            .map(Box::new),
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

#[cfg(test)]
mod tests {
    use super::*;

    use crate::json::SerdeJson;

    fn response(status: u16, body: &str) -> HttpResponse {
        HttpResponse {
            status,
            request_id: Some("req-1".to_owned()),
            retry_after: None,
            body: if body.is_empty() {
                Body::Empty
            } else {
                Body::Text(body.to_owned())
            },
        }
    }

    fn result(status: u16, body: &str) -> Result<String, Failure> {
        disassociate_result::<SerdeJson>(response(status, body), &masker())
    }

    fn masker() -> Masker<'static> {
        Masker::new(["canary-token-123", "-----BEGIN KEY-----"])
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
                retry_after: None,
                body,
            };
            let failure = disassociate_result::<SerdeJson>(r, &Masker::default()).unwrap_err();
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
                attempts: 1,
                retry_after: None,
            }
        );
    }

    /// Found by `cargo xtask fuzz` (target `response`): an `error_msg` of only blanks or HTML tags became an
    /// empty message once cut to an excerpt (and one that an excerpt turned into a tag, `\0<` into `<`, did
    /// when the excerpt was cut again).
    #[test]
    fn an_error_message_of_only_blanks_or_tags_gives_way_to_the_status() {
        let messages = |error_msg: &str| {
            let error = format!(r#"{{"error_code":"KPS.0002","error_msg":"{error_msg}"}}"#);
            let failed = format!(
                r#"{{"task_id":"t-1","status":"FAILED","error_code":"KPS.6004","error_msg":"{error_msg}"}}"#
            );
            (
                result(400, &error).unwrap_err().message,
                result(202, &failed).unwrap_err().message,
            )
        };
        for error_msg in [" ", "\\n\\t", "<p></p>", "<html><b> </b></html>"] {
            assert_eq!(
                messages(error_msg),
                (
                    "HTTP 400".to_owned(),
                    "the service accepted the request but reported status FAILED".to_owned()
                ),
                "{error_msg}"
            );
        }
        assert_eq!(messages("\\u0000<"), ("<".to_owned(), "<".to_owned()));
    }

    #[test]
    fn an_error_body_with_a_message_but_no_code_gets_http_code_and_the_message_after_the_status() {
        for body in [
            r#"{"error_msg":"quota exceeded"}"#,
            r#"{"error_code":"","error_msg":"quota exceeded"}"#,
            r#"{"error_code":null,"error_msg":"quota exceeded"}"#,
        ] {
            let failure = result(403, body).unwrap_err();
            assert_eq!(
                (
                    failure.kind,
                    failure.code.as_str(),
                    failure.message.as_str(),
                    failure.status,
                    failure.request_id.as_deref()
                ),
                (
                    ErrorKind::Api,
                    "HTTP_403",
                    "HTTP 403: quota exceeded",
                    403,
                    Some("req-1")
                ),
                "{body}"
            );
        }
        // With an empty message too, the body's text is the detail.
        let body = r#"{"error_code":"","error_msg":""}"#;
        assert_eq!(
            result(403, body).unwrap_err().message,
            format!("HTTP 403: {body}")
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

    #[test]
    fn a_secret_echoed_in_an_error_body_with_the_request_is_masked_in_the_message() {
        const PEM_KEY: &str = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ\n-----END OPENSSH PRIVATE KEY-----\n";
        let body =
            serde_json::json!({"server": {"id": "s", "auth": {"type": "keypair", "key": PEM_KEY}}});
        let echo =
            serde_json::json!({"message": "bad request", "body": body.to_string()}).to_string();
        let failure = api_failure::<SerdeJson>(response(500, &echo), &Masker::new([PEM_KEY]));
        assert!(!failure.message.contains("b3Blbn"), "{}", failure.message);
        assert!(failure.message.contains("***"), "{}", failure.message);
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

    #[test]
    fn a_task_id_that_is_too_long_spaced_or_an_echoed_secret_is_an_invalid_response_naming_it() {
        let long = "a".repeat(100_000);
        for (task_id, why) in [
            (long.as_str(), "longer than 64"),
            ("task 1", "characters other than"),
            ("", "it is empty"),
            ("canary-token-123", "echoes a credential of this call"),
        ] {
            let body = serde_json::json!({ "task_id": task_id }).to_string();
            let failure = result(202, &body).unwrap_err();
            assert_eq!(
                (failure.kind, failure.code.as_str(), failure.status),
                (ErrorKind::Response, "INVALID_RESPONSE", 202),
                "{task_id:.20}"
            );
            assert!(failure.message.contains("task_id"), "{}", failure.message);
            assert!(failure.message.contains(why), "{}", failure.message);
            assert!(failure.message.len() < 200, "{}", failure.message);
            assert_eq!(failure.request_id.as_deref(), Some("req-1"));
        }
    }

    #[test]
    fn an_error_code_that_echoes_a_secret_is_an_invalid_response_that_keeps_the_status() {
        let body = r#"{"error_code":"canary-token-123","error_msg":"bad canary-token-123"}"#;
        let failure = result(401, body).unwrap_err();
        assert_eq!(
            (failure.kind, failure.code.as_str(), failure.status),
            (ErrorKind::Response, "INVALID_RESPONSE", 401)
        );
        assert!(
            failure.message.contains("error_code"),
            "{}",
            failure.message
        );
        assert!(!failure.message.contains("canary"), "{}", failure.message);
        let failed_202 = result(202, r#"{"status":"FAILED","error_code":"KPS 6004"}"#).unwrap_err();
        assert_eq!(failed_202.kind, ErrorKind::Response);
    }

    #[test]
    fn a_request_id_is_kept_only_with_an_identifier_s_shape_and_no_secret() {
        let masker = masker();
        let received = |id: &str| {
            HttpResponse::received(202, Some(id.to_owned()), None, Body::Empty, &masker).request_id
        };
        assert_eq!(
            received("0123456789abcdef0123456789abcdef").as_deref(),
            Some("0123456789abcdef0123456789abcdef")
        );
        assert_eq!(received("canary-token-123"), None);
        assert_eq!(received("x-canary-token-123-y"), None);
        assert_eq!(received("SDK-HMAC-SHA256 Access=AK, Signature=00"), None);
        assert_eq!(received(&"a".repeat(129)), None);
    }
}
