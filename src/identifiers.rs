//! The shapes of the identifiers a response carries (`task_id`, `server_id`, `task_status`, `error_code`,
//! `X-Request-Id`), checked before any of them reaches the caller: an identifier is what applications log, key
//! their records on and put in support tickets, so a server that echoes a credential there, or sends 100 KB
//! instead of an ID, must not get it through.
//!
//! The shapes are those of the API's own values, with room to spare, and nothing a human would have to read
//! twice: printable ASCII letters, digits and `-` `_` `.` `:`, from 1 character up to a bound.
//! - `task_id`, `server_id`: UUIDs in the API doc (`aee8d2fe-5484-4753-9177-5a38dc15546c`, 36 characters);
//!   at most [`MAX_ID_CHARS`] = 64, which admits any other ID scheme Huawei Cloud uses (32 hex digits, or
//!   prefixed ones).
//! - `task_status`: `READY_UNBIND`, `RUNNING_UNBIND`… (at most 16 characters today); at most 64, as unknown
//!   statuses are kept raw.
//! - `error_code`: `KPS.0002`, `APIGW.0308` (10 characters); at most 64.
//! - `X-Request-Id`: 32 hex digits on Huawei Cloud; at most [`MAX_REQUEST_ID_CHARS`] = 128, for gateways and
//!   proxies that use UUIDs or longer trace IDs. A request ID that fails is dropped, not reported: it is help
//!   for support, and the call itself went fine.
//!
//! A credential of the call that a server echoes back has already been masked as `***` by then
//! ([`crate::masking`]), and `*` is outside every shape: a masked identifier fails the check by construction.

/// Longest `task_id`, `server_id`, `task_status` and `error_code`, in characters.
pub const MAX_ID_CHARS: usize = 64;
/// Longest `X-Request-Id` kept, in characters.
pub const MAX_REQUEST_ID_CHARS: usize = 128;

/// Whether `value` has the shape of a KPS identifier of at most `max` characters.
pub fn is_identifier(value: &str, max: usize) -> bool {
    !value.is_empty()
        && value.len() <= max
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':'))
}

/// What is wrong with the identifier `value` of the response member `field`, without echoing it; `None` when
/// it has the shape.
pub fn identifier_problem(field: &str, value: &str) -> Option<String> {
    if is_identifier(value, MAX_ID_CHARS) {
        return None;
    }
    let why = if value.contains("***") {
        "it echoes a credential of this call (masked)".to_owned()
    } else if value.is_empty() {
        "it is empty".to_owned()
    } else if value.chars().count() > MAX_ID_CHARS {
        format!("it is longer than {MAX_ID_CHARS} characters")
    } else {
        "it has characters other than A-Z, a-z, 0-9, '-', '_', '.' and ':'".to_owned()
    };
    Some(format!(
        "the response's {field} is not an identifier as KPS writes them: {why}"
    ))
}

/// The `X-Request-Id` worth reporting: `None` when the header is absent or not of the shape.
pub fn request_id(raw: Option<String>) -> Option<String> {
    raw.filter(|id| is_identifier(id, MAX_REQUEST_ID_CHARS))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_api_s_own_identifiers_have_the_shape() {
        for id in [
            "aee8d2fe-5484-4753-9177-5a38dc15546c",
            "KPS.0002",
            "APIGW.0308",
            "RUNNING_UNBIND",
            "0a1b2c3d4e5f60718293a4b5c6d7e8f9",
            "a:b",
            "x",
        ] {
            assert!(is_identifier(id, MAX_ID_CHARS), "{id}");
            assert_eq!(identifier_problem("task_id", id), None);
        }
        assert!(is_identifier(&"a".repeat(64), MAX_ID_CHARS));
    }

    #[test]
    fn an_identifier_that_is_empty_too_long_or_spaced_is_refused_without_being_echoed() {
        let long = "a".repeat(65);
        for (value, why) in [
            ("", "it is empty"),
            (long.as_str(), "longer than 64 characters"),
            ("abc def", "characters other than"),
            ("abc\n", "characters other than"),
            ("ab\"c", "characters other than"),
            ("é", "characters other than"),
            ("id-*** ", "echoes a credential of this call"),
        ] {
            let problem = identifier_problem("task_id", value).expect(value);
            assert!(
                problem.starts_with("the response's task_id is not an identifier"),
                "{problem}"
            );
            assert!(problem.contains(why), "{value:?}: {problem}");
            if value.len() > 1 {
                assert!(!problem.contains(value), "{problem} echoes {value:?}");
            }
        }
        assert_eq!(
            identifier_problem("task_id", &"a".repeat(100_000)).map(|p| p.len() < 200),
            Some(true)
        );
    }

    #[test]
    fn an_identifier_of_the_longest_length_with_a_stray_character_is_told_so_not_that_it_is_too_long(
    ) {
        let value = ["a".repeat(63), " ".to_owned()].concat();
        let problem = identifier_problem("server_id", &value).expect("a space is refused");
        assert!(
            problem.ends_with("it has characters other than A-Z, a-z, 0-9, '-', '_', '.' and ':'"),
            "{problem}"
        );
    }

    #[test]
    fn a_request_id_of_another_shape_is_dropped() {
        assert_eq!(
            request_id(Some("0123456789abcdef0123456789abcdef".into())).as_deref(),
            Some("0123456789abcdef0123456789abcdef")
        );
        assert_eq!(
            request_id(Some("a".repeat(128))).map(|id| id.len()),
            Some(128)
        );
        assert_eq!(request_id(Some("a".repeat(129))), None);
        assert_eq!(request_id(Some(String::new())), None);
        assert_eq!(
            request_id(Some("SDK-HMAC-SHA256 Access=AK, Signature=x".into())),
            None
        );
        assert_eq!(request_id(Some("***".into())), None);
        assert_eq!(request_id(None), None);
    }
}
