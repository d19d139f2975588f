//! Step 3, authentication: `token` or `credentials` (exactly one), then its values: the IAM token, or the access
//! key's `accessKeyId`, `secretAccessKey` and `securityToken`.
//!
//! `signRequest` takes the same `credentials` object and checks it with [`access_key`]. Secrets are never
//! echoed: a message says what is wrong with one, never which character or where.

use super::fields::{required, secret, string, wrong_type, Fields};
use super::Credentials;
use crate::error::Failure;
use crate::input::Input;
use crate::messages::{decimal, too_long};
use crate::secret::Secret;

/// Largest `token` and `credentials.securityToken`, in bytes (IAM tokens are about 5 to 20 KB).
pub const MAX_TOKEN_BYTES: usize = 64 * 1024;
/// Largest `credentials.secretAccessKey`, in bytes (Huawei Cloud secret keys are 40 characters).
pub const MAX_SECRET_KEY_BYTES: usize = 256;
/// Longest `credentials.accessKeyId`, in characters (Huawei Cloud access key ids are 20).
pub const MAX_ACCESS_KEY_ID_CHARS: usize = 128;

/// Reads `token` and `credentials`: their types, exactly one of them, then its values.
pub(super) fn from_fields(fields: &mut Fields) -> Result<Credentials, Failure> {
    let token = secret(
        "token",
        fields.take("token"),
        "a string (an IAM token)",
        true,
    )?;
    let credentials = match fields.take("credentials") {
        Input::Undefined => None,
        Input::Object(entries) => Some(Fields { entries }),
        other => {
            return Err(wrong_type(
                "credentials",
                "an object { accessKeyId, secretAccessKey, securityToken? }",
                other,
                true,
            ))
        }
    };
    match (token, credentials) {
        (None, None) => Err(Failure::invalid(
            "token",
            "either token (an IAM token, sent as X-Auth-Token) or credentials ({ accessKeyId, \
             secretAccessKey, securityToken? }, to sign requests with an access key) is required",
        )),
        (Some(_), Some(_)) => Err(Failure::invalid(
            "credentials",
            "pass either token or credentials, not both: they are two ways to authenticate",
        )),
        (Some(token), None) => {
            check_token(&token)?;
            Ok(Credentials::Token(token))
        }
        (None, Some(mut fields)) => {
            let key = access_key(&mut fields)?;
            Ok(Credentials::AccessKey {
                access_key_id: key.access_key_id,
                secret_access_key: key.secret_access_key,
                security_token: key.security_token,
            })
        }
    }
}

fn check_token(token: &Secret) -> Result<(), Failure> {
    let value = token.expose();
    let bearer = value
        .get(..7)
        .is_some_and(|prefix| prefix.eq_ignore_ascii_case("bearer "));
    if bearer {
        return Err(Failure::invalid(
            "token",
            "token must be the IAM token itself (the X-Subject-Token value), without a 'Bearer ' prefix",
        ));
    }
    check_secret_text("token", token, MAX_TOKEN_BYTES, "64 KiB", IN_A_HEADER)
}

/// Why a token or security token must be ASCII: `fetch` refuses any other header value, and its error
/// names the character and its position, which would be a piece of the secret.
const IN_A_HEADER: &str = "a character that cannot be sent in an HTTP header";

// Non-empty, bounded, printable ASCII without spaces: IAM tokens and keys. `non_ascii` says why anything
// else is refused (the message never shows the character or where it is: it is part of a secret).
fn check_secret_text(
    field: &str,
    secret: &Secret,
    max_bytes: usize,
    max_text: &str,
    non_ascii: &str,
) -> Result<(), Failure> {
    if secret.is_empty() {
        return Err(Failure::invalid(
            field,
            [field, " must not be empty"].concat(),
        ));
    }
    if secret.len() > max_bytes {
        return Err(Failure::invalid(
            field,
            too_long(field, secret.len(), max_bytes, max_text),
        ));
    }
    let value = secret.expose();
    let bad = |c: char| c.is_whitespace() || c.is_control();
    if value.starts_with(bad) || value.ends_with(bad) {
        return Err(Failure::invalid(
            field,
            [
                field,
                " has leading or trailing whitespace (a line break, for example): trim it",
            ]
            .concat(),
        ));
    }
    // Not `reject_blanks`: where the blank sits is already something about a secret.
    if value.contains(bad) {
        return Err(Failure::invalid(
            field,
            [
                field,
                " must not contain whitespace or control characters (a space or line break pasted inside it)",
            ]
            .concat(),
        ));
    }
    if !value.is_ascii() {
        return Err(Failure::invalid(
            field,
            [
                field,
                " must be plain ASCII text (as IAM issues it): it contains ",
                non_ascii,
            ]
            .concat(),
        ));
    }
    Ok(())
}

/// A checked `credentials` object: what [`Credentials::AccessKey`] holds, and what `signRequest` signs with.
pub(crate) struct AccessKey {
    pub(crate) access_key_id: String,
    pub(crate) secret_access_key: Secret,
    pub(crate) security_token: Option<Secret>,
}

/// Checks a `credentials` object: `accessKeyId`, then `secretAccessKey`, then `securityToken`.
pub(crate) fn access_key(fields: &mut Fields) -> Result<AccessKey, Failure> {
    const AK: &str = "credentials.accessKeyId";
    const SK: &str = "credentials.secretAccessKey";
    const ST: &str = "credentials.securityToken";
    let access_key_id = string(AK, fields.take("accessKeyId"), "a string", false)?;
    let access_key_id = required(AK, access_key_id, "the access key ID (AK)")?;
    let count = access_key_id.chars().count();
    if count == 0 {
        return Err(Failure::invalid(
            AK,
            "credentials.accessKeyId must not be empty",
        ));
    }
    if count > MAX_ACCESS_KEY_ID_CHARS {
        return Err(Failure::invalid(
            AK,
            [
                "credentials.accessKeyId must be at most ",
                &decimal(MAX_ACCESS_KEY_ID_CHARS as u64),
                " letters and digits; got ",
                &decimal(count as u64),
                " characters",
            ]
            .concat(),
        ));
    }
    if let Some(position) = access_key_id
        .chars()
        .position(|c| !c.is_ascii_alphanumeric())
    {
        return Err(Failure::invalid(
            AK,
            [
                "credentials.accessKeyId must contain only letters and digits (A-Z, a-z, 0-9); found another \
                 character at position ",
                &decimal(position as u64 + 1),
            ]
            .concat(),
        ));
    }
    let secret_access_key = secret(SK, fields.take("secretAccessKey"), "a string", false)?;
    let secret_access_key = required(SK, secret_access_key, "the secret access key (SK)")?;
    check_secret_text(
        SK,
        &secret_access_key,
        MAX_SECRET_KEY_BYTES,
        "the secret access key is 40 characters",
        // Only an HMAC key, never sent; but no SK that IAM issues has such a character (a pasted typographic
        // quote, say), and refusing it here beats the server's opaque signature mismatch.
        "a character that no secret access key has",
    )?;
    let security_token = secret(ST, fields.take("securityToken"), "a string", true)?;
    if let Some(token) = &security_token {
        check_secret_text(ST, token, MAX_TOKEN_BYTES, "64 KiB", IN_A_HEADER)?;
    }
    Ok(AccessKey {
        access_key_id,
        secret_access_key,
        security_token,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::options::test_support::access_key;
    use crate::options::test_support::*;

    #[test]
    fn valid_access_key_options_produce_access_key_credentials() {
        let options = valid(with_access_key(vec![set("securityToken", s(ST))]));
        match &options.client.credentials {
            Credentials::AccessKey {
                access_key_id,
                secret_access_key,
                security_token,
            } => {
                assert_eq!(access_key_id, AK);
                assert_eq!(secret_access_key.expose(), SK);
                assert_eq!(security_token.as_ref().map(Secret::expose), Some(ST));
            }
            other => panic!("{other:?}"),
        }
        let options = valid(with_access_key(vec![]));
        assert!(matches!(
            options.client.credentials,
            Credentials::AccessKey {
                security_token: None,
                ..
            }
        ));
    }

    #[test]
    fn neither_token_nor_credentials_says_which_are_accepted() {
        let message = rejects(with(vec![unset("token")]), "token", &[]);
        assert_eq!(
            message,
            "either token (an IAM token, sent as X-Auth-Token) or credentials ({ accessKeyId, secretAccessKey, \
             securityToken? }, to sign requests with an access key) is required"
        );
    }

    #[test]
    fn both_token_and_credentials_asks_to_pick_one() {
        let input = with(vec![set("credentials", access_key(vec![]))]);
        rejects(
            input,
            "credentials",
            &["pass either token or credentials, not both"],
        );
    }

    #[test]
    fn a_null_token_next_to_credentials_is_a_type_error_not_a_conflict() {
        let input = with(vec![
            set("token", Input::Null),
            set("credentials", access_key(vec![])),
        ]);
        rejects(
            input,
            "token",
            &["token must be a string (an IAM token); got null"],
        );
    }

    #[test]
    fn a_token_must_be_non_empty_without_whitespace_or_control_characters() {
        for (token, needle) in [
            ("", "token must not be empty"),
            (
                "abc def",
                "must not contain whitespace or control characters (",
            ),
            (
                "abc\tdef",
                "must not contain whitespace or control characters (",
            ),
            (
                "abc\u{7f}def",
                "must not contain whitespace or control characters (",
            ),
            (
                "abc\u{2028}def",
                "must not contain whitespace or control characters (",
            ),
            ("abc\n", "has leading or trailing whitespace"),
            ("\r\nabc", "has leading or trailing whitespace"),
            (" abc", "has leading or trailing whitespace"),
        ] {
            rejects(with(vec![set("token", s(token))]), "token", &[needle]);
        }
    }

    #[test]
    fn a_header_bound_token_with_a_non_ascii_character_is_rejected_without_showing_it() {
        for token in [
            "abc\u{201c}def\u{201d}",
            "tok\u{e9}n",
            "\u{2014}token",
            "token\u{1f600}",
        ] {
            let message = rejects(with(vec![set("token", s(token))]), "token", &[]);
            assert_eq!(
                message,
                "token must be plain ASCII text (as IAM issues it): it contains a character that cannot be sent in \
                 an HTTP header"
            );
        }
        let message = rejects(
            with_access_key(vec![set("securityToken", s("gQ\u{2018}pAX"))]),
            "credentials.securityToken",
            &[],
        );
        assert_eq!(
            message,
            "credentials.securityToken must be plain ASCII text (as IAM issues it): it contains a character that \
             cannot be sent in an HTTP header"
        );
        valid(with(vec![set(
            "token",
            s("!#$%&'()*+,-./09:;<=>?@AZ[\\]^_`az{|}~"),
        )]));
    }

    #[test]
    fn a_secret_access_key_with_a_non_ascii_character_is_rejected_without_showing_it() {
        let message = rejects(
            with_access_key(vec![set("secretAccessKey", s("qLZB\u{201c}J9k7"))]),
            "credentials.secretAccessKey",
            &[],
        );
        assert_eq!(
            message,
            "credentials.secretAccessKey must be plain ASCII text (as IAM issues it): it contains a character that \
             no secret access key has"
        );
    }

    #[test]
    fn a_non_ascii_secret_error_contains_no_piece_of_the_secret_its_character_or_position() {
        let secret = "Zq7\u{201c}Xw9Vb";
        for (input, field) in [
            (with(vec![set("token", s(secret))]), "token"),
            (
                with_access_key(vec![set("secretAccessKey", s(secret))]),
                "credentials.secretAccessKey",
            ),
            (
                with_access_key(vec![set("securityToken", s(secret))]),
                "credentials.securityToken",
            ),
        ] {
            let failure = failure_in(input, &NODE);
            assert_eq!(failure.field.as_deref(), Some(field));
            for text in [
                failure.message.clone(),
                failure.to_string(),
                format!("{failure:?}"),
            ] {
                for piece in [
                    "Zq7", "Xw9", "Vb", "\u{201c}", "8220", "201c", "201C", "position", "index",
                    " 4",
                ] {
                    assert!(!text.contains(piece), "{piece:?} in {text}");
                }
            }
        }
    }

    #[test]
    fn a_token_with_a_bearer_prefix_is_rejected_with_a_hint() {
        for token in ["Bearer abc", "bearer abc", "BEARER abc"] {
            rejects(
                with(vec![set("token", s(token))]),
                "token",
                &["without a 'Bearer ' prefix"],
            );
        }
    }

    #[test]
    fn a_token_of_64_kib_is_accepted_and_one_byte_more_is_rejected_naming_the_limit() {
        valid(with(vec![set("token", s(&"t".repeat(65_536)))]));
        rejects(
            with(vec![set("token", s(&"t".repeat(65_537)))]),
            "token",
            &["token is too long: 65537 bytes; at most 65536 bytes (64 KiB) are accepted"],
        );
    }

    #[test]
    fn an_access_key_id_is_1_to_128_letters_and_digits() {
        const F: &str = "credentials.accessKeyId";
        valid(with_access_key(vec![set("accessKeyId", s("A"))]));
        valid(with_access_key(vec![set(
            "accessKeyId",
            s(&"A1".repeat(64)),
        )]));
        rejects(
            with_access_key(vec![set("accessKeyId", s(&"A".repeat(129)))]),
            F,
            &["at most 128 letters and digits; got 129 characters"],
        );
        rejects(
            with_access_key(vec![set("accessKeyId", s(""))]),
            F,
            &["must not be empty"],
        );
        for (id, position) in [
            ("HPUA-1", "position 5"),
            ("HPUA 1", "position 5"),
            ("É1", "position 1"),
            ("AK\n", "position 3"),
        ] {
            rejects(
                with_access_key(vec![set("accessKeyId", s(id))]),
                F,
                &["only letters and digits", position],
            );
        }
        rejects(
            with_access_key(vec![unset("accessKeyId")]),
            F,
            &["credentials.accessKeyId is required: the access key ID (AK)"],
        );
    }

    #[test]
    fn a_secret_access_key_is_required_non_empty_at_most_256_bytes_without_whitespace() {
        const F: &str = "credentials.secretAccessKey";
        valid(with_access_key(vec![set(
            "secretAccessKey",
            s(&"k".repeat(256)),
        )]));
        rejects(
            with_access_key(vec![set("secretAccessKey", s(&"k".repeat(257)))]),
            F,
            &["257 bytes; at most 256 bytes"],
        );
        rejects(
            with_access_key(vec![set("secretAccessKey", s(""))]),
            F,
            &["must not be empty"],
        );
        rejects(
            with_access_key(vec![set("secretAccessKey", s("ab cd"))]),
            F,
            &["whitespace or control characters ("],
        );
        rejects(
            with_access_key(vec![set("secretAccessKey", s("abcd\n"))]),
            F,
            &["trailing whitespace"],
        );
        rejects(
            with_access_key(vec![unset("secretAccessKey")]),
            F,
            &["credentials.secretAccessKey is required: the secret access key (SK)"],
        );
    }

    #[test]
    fn a_security_token_is_optional_but_when_given_non_empty_bounded_and_without_whitespace() {
        const F: &str = "credentials.securityToken";
        valid(with_access_key(vec![set(
            "securityToken",
            s(&"t".repeat(65_536)),
        )]));
        rejects(
            with_access_key(vec![set("securityToken", s(&"t".repeat(65_537)))]),
            F,
            &["65537 bytes; at most 65536 bytes"],
        );
        rejects(
            with_access_key(vec![set("securityToken", s(""))]),
            F,
            &["must not be empty"],
        );
        rejects(
            with_access_key(vec![set("securityToken", s("ab\u{0}cd"))]),
            F,
            &["whitespace or control characters ("],
        );
    }
}
