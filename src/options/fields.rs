//! Steps 1 and 2 open the options object into [`Fields`]; the readers here take one value out of it by type.
//!
//! Every check file reads its options with these, so the rules they share hold everywhere: `undefined` means
//! absent, `null` is a type error (with a hint when the option is optional), a type error names the option and
//! what it got, and a secret string is moved into a [`Secret`] before anything looks at it. Whatever is left in
//! the object when validation ends is zeroized ([`scrub`]).

use zeroize::Zeroize;

use super::keys;
use crate::error::Failure;
use crate::input::Input;
use crate::secret::Secret;

/// An options object whose keys have been checked, from which values are taken one by one. Whatever is left
/// when it is dropped (rejected values, and everything after the first failure) has its strings zeroized.
pub(crate) struct Fields {
    pub(crate) entries: Vec<(String, Input)>,
}

impl Drop for Fields {
    fn drop(&mut self) {
        for (_, value) in &mut self.entries {
            scrub(value);
        }
    }
}

impl Fields {
    /// Steps 1 and 2: `options` is an object and has no unknown keys, at the top level or inside
    /// `credentials` and `auth` (where the operation takes them).
    pub(super) fn open(
        input: Input,
        operation_keys: &'static [&'static str],
    ) -> Result<Fields, Failure> {
        let entries = match input {
            Input::Object(entries) => entries,
            other => {
                return Err(wrong_type(
                    "options",
                    "an object of named options, such as { projectId, token, region, ... }",
                    other,
                    false,
                ))
            }
        };
        // Built first, so that the strings of an object with an unknown key are zeroized too.
        let fields = Fields { entries };
        keys::check_operation_keys(&fields.entries, operation_keys)?;
        Ok(fields)
    }

    /// The value of `key`, moved out (`undefined` when absent).
    pub(crate) fn take(&mut self, key: &str) -> Input {
        match self.entries.iter_mut().find(|(k, _)| k == key) {
            Some((_, value)) => core::mem::replace(value, Input::Undefined),
            None => Input::Undefined,
        }
    }
}

/// Zeroizes the strings a value holds (keys are option names, not secrets).
pub(crate) fn scrub(value: &mut Input) {
    match value {
        Input::String(text) => text.zeroize(),
        Input::Object(entries) => entries.iter_mut().for_each(|(_, value)| scrub(value)),
        Input::Array(items) => items.iter_mut().for_each(scrub),
        _ => {}
    }
}

/// `undefined` → `None`; a string → `Some`; anything else, `null` included, is a type error.
pub(crate) fn string(
    field: &str,
    value: Input,
    expected: &str,
    optional: bool,
) -> Result<Option<String>, Failure> {
    match value {
        Input::Undefined => Ok(None),
        Input::String(text) => Ok(Some(text)),
        other => Err(wrong_type(field, expected, other, optional)),
    }
}

/// `undefined` → `default`; a boolean → itself; anything else, `null` included, is a type error.
pub(super) fn boolean(field: &str, value: Input, default: bool) -> Result<bool, Failure> {
    match value {
        Input::Undefined => Ok(default),
        Input::Bool(b) => Ok(b),
        other => Err(wrong_type(field, "a boolean", other, true)),
    }
}

/// As [`string`], the string moved (not copied) into a `Secret` before anything else looks at it.
pub(super) fn secret(
    field: &str,
    value: Input,
    expected: &str,
    optional: bool,
) -> Result<Option<Secret>, Failure> {
    Ok(string(field, value, expected, optional)?.map(Secret::new))
}

/// The value of an option that must be given, or `<field> is required: <what>`.
pub(crate) fn required<T>(field: &str, value: Option<T>, what: &str) -> Result<T, Failure> {
    value.ok_or_else(|| Failure::invalid(field, [field, " is required: ", what].concat()))
}

/// `<field> must be <expected>; got <what it is>`, with a hint for `null` where the option may be left out.
/// The rejected value's strings are zeroized.
pub(crate) fn wrong_type(field: &str, expected: &str, mut got: Input, optional: bool) -> Failure {
    let mut message = [field, " must be ", expected, "; got ", got.describe()].concat();
    if matches!(got, Input::Null) && optional {
        message.push_str(" (to leave it out, omit it or set it to undefined)");
    }
    scrub(&mut got);
    Failure::invalid(field, message)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::options::test_support::*;
    use crate::options::{Credentials, DEFAULT_TIMEOUT_MS};

    /// One of every kind of value that is not a string, with how a message describes it.
    fn non_strings() -> Vec<(Input, &'static str)> {
        vec![
            (Input::Null, "got null"),
            (Input::Bool(true), "got a boolean"),
            (Input::Number(42.0), "got a number"),
            (Input::Object(Vec::new()), "got an object"),
            (Input::Array(Vec::new()), "got an array"),
            (Input::Function, "got a function"),
            (Input::AbortSignal, "got an AbortSignal"),
            (Input::Other("a bigint"), "got a bigint"),
        ]
    }

    #[test]
    fn secrets_are_moved_out_of_the_input_not_copied() {
        let token = String::from(TOKEN);
        let token_bytes = token.as_ptr();
        let key = String::from(PEM);
        let key_bytes = key.as_ptr();
        let options = valid(with(vec![
            set("token", Input::String(token)),
            set(
                "auth",
                object(vec![("type", s("keypair")), ("key", Input::String(key))]),
            ),
        ]));
        let Credentials::Token(token) = &options.client.credentials else {
            panic!()
        };
        assert_eq!(token.expose().as_ptr(), token_bytes);
        assert_eq!(
            options
                .request
                .server
                .auth
                .as_ref()
                .unwrap()
                .key
                .expose()
                .as_ptr(),
            key_bytes
        );

        let (sk, st) = (String::from(SK), String::from(ST));
        let (sk_bytes, st_bytes) = (sk.as_ptr(), st.as_ptr());
        let options = valid(with_access_key(vec![
            set("secretAccessKey", Input::String(sk)),
            set("securityToken", Input::String(st)),
        ]));
        let Credentials::AccessKey {
            secret_access_key,
            security_token,
            ..
        } = &options.client.credentials
        else {
            panic!()
        };
        assert_eq!(secret_access_key.expose().as_ptr(), sk_bytes);
        assert_eq!(security_token.as_ref().unwrap().expose().as_ptr(), st_bytes);
    }

    #[test]
    fn scrubbing_zeroizes_every_string_left_in_an_options_object() {
        let mut input = object(vec![("token", s(TOKEN)), ("auth", auth("keypair", PEM))]);
        scrub(&mut input);
        let Input::Object(entries) = &input else {
            panic!()
        };
        let Input::String(token) = &entries[0].1 else {
            panic!()
        };
        assert!(token.is_empty());
        let Input::Object(auth) = &entries[1].1 else {
            panic!()
        };
        assert!(auth
            .iter()
            .all(|(_, value)| matches!(value, Input::String(text) if text.is_empty())));
    }

    #[test]
    fn scrubbing_zeroizes_the_strings_of_a_fleet_s_servers_too() {
        let entry = object(vec![
            ("serverId", s(SERVER)),
            ("auth", auth("password", "Fleet-Pa55word")),
        ]);
        let mut input = object(vec![("servers", Input::Array(vec![s(SERVER), entry]))]);
        scrub(&mut input);
        fn strings(value: &Input, out: &mut Vec<String>) {
            match value {
                Input::String(text) => out.push(text.clone()),
                Input::Object(entries) => entries.iter().for_each(|(_, v)| strings(v, out)),
                Input::Array(items) => items.iter().for_each(|v| strings(v, out)),
                _ => {}
            }
        }
        let mut left = Vec::new();
        strings(&input, &mut left);
        assert_eq!(left, ["", "", "", ""]);
    }

    #[test]
    fn undefined_counts_as_absent_for_every_optional_option() {
        let options = valid(with(vec![
            set("auth", Input::Undefined),
            set("timeoutMs", Input::Undefined),
            set("signal", Input::Undefined),
            set("allowInsecureHttp", Input::Undefined),
            set("endpoint", Input::Undefined),
            set("credentials", Input::Undefined),
            set("signingHost", Input::Undefined),
        ]));
        assert!(options.request.server.auth.is_none());
        assert_eq!(options.client.timeout_ms, DEFAULT_TIMEOUT_MS);
        let options = valid(with_access_key(vec![set(
            "securityToken",
            Input::Undefined,
        )]));
        assert!(matches!(
            options.client.credentials,
            Credentials::AccessKey {
                security_token: None,
                ..
            }
        ));
        let options = valid(with(vec![
            set("token", Input::Undefined),
            set("credentials", access_key(vec![])),
            set("region", Input::Undefined),
            set("endpoint", s("https://example.com")),
        ]));
        assert_eq!(options.client.endpoint.base, "https://example.com");
    }

    #[test]
    fn options_that_are_not_an_object_are_rejected_naming_what_they_are() {
        let mut values = non_strings();
        values.retain(|(value, _)| !matches!(value, Input::Object(_)));
        values.push((s("cn-north-4"), "got a string"));
        values.push((Input::Undefined, "got undefined"));
        for (value, got) in values {
            rejects(
                value,
                "options",
                &["options must be an object of named options", got],
            );
        }
    }

    #[test]
    fn every_string_option_rejects_every_other_type_naming_the_field() {
        type Build = fn(Input) -> Input;
        let cases: Vec<(&str, Build)> = vec![
            ("projectId", |v| with(vec![set("projectId", v)])),
            ("serverId", |v| with(vec![set("serverId", v)])),
            ("token", |v| with(vec![set("token", v)])),
            ("region", |v| with(vec![set("region", v)])),
            ("endpoint", |v| with(vec![set("endpoint", v)])),
            ("signingHost", |v| with(vec![set("signingHost", v)])),
            ("auth.type", |v| {
                with(vec![set(
                    "auth",
                    object(vec![("type", v), ("key", s(PEM))]),
                )])
            }),
            ("auth.key", |v| {
                with(vec![set(
                    "auth",
                    object(vec![("type", s("keypair")), ("key", v)]),
                )])
            }),
            ("credentials.accessKeyId", |v| {
                with_access_key(vec![set("accessKeyId", v)])
            }),
            ("credentials.secretAccessKey", |v| {
                with_access_key(vec![set("secretAccessKey", v)])
            }),
            ("credentials.securityToken", |v| {
                with_access_key(vec![set("securityToken", v)])
            }),
        ];
        for (field, build) in cases {
            for (value, got) in non_strings() {
                rejects(
                    build(value),
                    field,
                    &[&[field, " must be a string"].concat(), got],
                );
            }
        }
    }

    #[test]
    fn null_is_a_type_error_and_for_an_optional_option_the_message_says_to_leave_it_out() {
        let message = rejects(with(vec![set("auth", Input::Null)]), "auth", &["got null"]);
        assert!(
            message.ends_with("(to leave it out, omit it or set it to undefined)"),
            "{message}"
        );
        let message = rejects(with(vec![set("projectId", Input::Null)]), "projectId", &[]);
        assert_eq!(message, "projectId must be a string; got null");
        for key in [
            "timeoutMs",
            "signal",
            "allowInsecureHttp",
            "endpoint",
            "signingHost",
            "credentials",
        ] {
            let message = rejects(with(vec![set(key, Input::Null)]), key, &["got null"]);
            assert!(
                message.contains("omit it or set it to undefined"),
                "{message}"
            );
        }
    }

    #[test]
    fn auth_and_credentials_reject_every_value_that_is_not_an_object() {
        for (value, got) in non_strings()
            .into_iter()
            .filter(|(v, _)| !matches!(v, Input::Object(_)))
        {
            rejects(
                with(vec![set("auth", value)]),
                "auth",
                &[
                    "auth must be an object { type: 'keypair' | 'password', key }",
                    got,
                ],
            );
        }
        for (value, got) in non_strings()
            .into_iter()
            .filter(|(v, _)| !matches!(v, Input::Object(_)))
        {
            let input = with(vec![unset("token"), set("credentials", value)]);
            rejects(input, "credentials", &["credentials must be an object { accessKeyId, secretAccessKey, securityToken? }", got]);
        }
        rejects(with(vec![set("auth", s(PEM))]), "auth", &["got a string"]);
        rejects(
            with(vec![unset("token"), set("credentials", s(SK))]),
            "credentials",
            &["got a string"],
        );
    }
}
