//! Test values shared by the tests of every file in this folder: valid options to change one key of, and
//! assertions on the failure a validator returns.

use super::{validate_disassociate, DisassociateOptions, Environment};
use crate::error::{ErrorKind, Failure};
use crate::input::Input;

pub(super) const PROJECT: &str = "0123456789abcdef0123456789abcdef";
pub(super) const SERVER: &str = "b8a3f4c2-1d2e-4f60-9a7b-3c4d5e6f7a8b";
pub(super) const TASK: &str = "aee8d2fe-5484-4753-9177-5a38dc15546c";
pub(super) const TOKEN: &str = "MIIPAgYJKoZIhvcNAQcCoIIO8zCCDu8CAQExDTALBglghkgBZQMEAgEw";
pub(super) const AK: &str = "HPUAEXAMPLE1234567890";
pub(super) const SK: &str = "qLZBJ9k7Xh2mEXAMPLEsecretKEY0123456789ab";
pub(super) const ST: &str = "gQpAXRiRlZdRXhhbXBsZVNlY3VyaXR5VG9rZW4";
pub(super) const PEM: &str =
    "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAtEXAMPLE\n-----END RSA PRIVATE KEY-----\n";
pub(super) const NODE: Environment = Environment {
    relative_endpoints_allowed: false,
};
pub(super) const BROWSER: Environment = Environment {
    relative_endpoints_allowed: true,
};

pub(super) fn s(text: &str) -> Input {
    Input::String(text.to_owned())
}

pub(super) fn object(entries: Vec<(&str, Input)>) -> Input {
    Input::Object(
        entries
            .into_iter()
            .map(|(key, value)| (key.to_owned(), value))
            .collect(),
    )
}

pub(super) fn set(key: &str, value: Input) -> (&str, Option<Input>) {
    (key, Some(value))
}

pub(super) fn unset(key: &str) -> (&str, Option<Input>) {
    (key, None)
}

/// Valid disassociate options (token, region) with `changes` applied: set or replace a key, or remove it.
pub(super) fn with(changes: Vec<(&str, Option<Input>)>) -> Input {
    let base = vec![
        ("projectId", s(PROJECT)),
        ("serverId", s(SERVER)),
        ("token", s(TOKEN)),
        ("region", s("cn-north-4")),
    ];
    apply(base, changes)
}

pub(super) fn apply(base: Vec<(&str, Input)>, changes: Vec<(&str, Option<Input>)>) -> Input {
    let mut entries: Vec<(String, Input)> =
        base.into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
    for (key, value) in changes {
        let position = entries.iter().position(|(k, _)| k == key);
        match (position, value) {
            (Some(i), Some(value)) => entries[i].1 = value,
            (None, Some(value)) => entries.push((key.to_owned(), value)),
            (Some(i), None) => {
                entries.remove(i);
            }
            (None, None) => {}
        }
    }
    Input::Object(entries)
}

pub(super) fn access_key(changes: Vec<(&str, Option<Input>)>) -> Input {
    apply(
        vec![("accessKeyId", s(AK)), ("secretAccessKey", s(SK))],
        changes,
    )
}

/// Valid options that authenticate with an access key whose fields get `changes`.
pub(super) fn with_access_key(changes: Vec<(&str, Option<Input>)>) -> Input {
    with(vec![
        unset("token"),
        set("credentials", access_key(changes)),
    ])
}

pub(super) fn auth(kind: &str, key: &str) -> Input {
    object(vec![("type", s(kind)), ("key", s(key))])
}

pub(super) fn pem(label: &str, body: &str) -> String {
    let space = if label.is_empty() { "" } else { " " };
    [
        "-----BEGIN ",
        label,
        space,
        "PRIVATE KEY-----\n",
        body,
        "\n-----END ",
        label,
        space,
        "PRIVATE KEY-----\n",
    ]
    .concat()
}

pub(super) fn valid(input: Input) -> DisassociateOptions {
    validate_disassociate(input, &NODE).unwrap_or_else(|failure| panic!("{failure}"))
}

pub(super) fn failure_in(input: Input, env: &Environment) -> Failure {
    let failure = validate_disassociate(input, env).expect_err("validation should fail");
    assert_eq!(failure.kind, ErrorKind::Validation);
    assert_eq!(failure.code, "INVALID_ARGUMENT");
    assert_eq!(failure.status, 0);
    failure
}

/// Asserts that `input` is rejected for `field`, with a message that contains every needle.
pub(super) fn rejects(input: Input, field: &str, needles: &[&str]) -> String {
    rejects_in(input, &NODE, field, needles)
}

pub(super) fn rejects_in(input: Input, env: &Environment, field: &str, needles: &[&str]) -> String {
    let failure = failure_in(input, env);
    assert_eq!(failure.field.as_deref(), Some(field), "{}", failure.message);
    for needle in needles {
        assert!(
            failure.message.contains(needle),
            "{:?} lacks {needle:?}",
            failure.message
        );
    }
    failure.message
}

pub(super) fn task_options(changes: Vec<(&str, Option<Input>)>) -> Input {
    apply(
        vec![
            ("projectId", s(PROJECT)),
            ("taskId", s(TASK)),
            ("token", s(TOKEN)),
            ("region", s("cn-north-4")),
        ],
        changes,
    )
}
