//! Step 2, unknown keys: which keys each operation accepts, the names people reach for instead (aliases), and the
//! suggestion in the message ("unknown option 'serverID'; did you mean 'serverId'?").
//!
//! A key is checked against the operation's table plus [`CLIENT_KEYS`], then `credentials` and `auth` against
//! theirs ([`NestedObject`]). A new operation adds its table here; a new nested object (a fleet call's
//! `servers[i]`, say) is one more [`NestedObject`], or a call to [`check_keys`] with its path as `parent`.

use crate::error::Failure;
use crate::input::Input;
use crate::messages::{quote, truncate};
use crate::suggestions::{nearest, normalise_key};

/// The keys every operation accepts.
pub const CLIENT_KEYS: &[&str] = &[
    "token",
    "credentials",
    "region",
    "endpoint",
    "signingHost",
    "timeoutMs",
    "maxAttempts",
    "signal",
    "onResponse",
    "allowInsecureHttp",
];
/// The keys of `credentials` and `auth`, then each operation's own (besides [`CLIENT_KEYS`]).
const CREDENTIALS_KEYS: &[&str] = &["accessKeyId", "secretAccessKey", "securityToken"];
const AUTH_KEYS: &[&str] = &["type", "key"];
pub(super) const DISASSOCIATE_KEYS: &[&str] = &["projectId", "serverId", "auth"];
pub(super) const TASK_KEYS: &[&str] = &["projectId", "taskId"];
pub(super) const WAIT_KEYS: &[&str] = &[
    "projectId",
    "taskId",
    "intervalMs",
    "waitTimeoutMs",
    "onProgress",
];
pub(super) const LIST_KEYS: &[&str] = &["projectId", "limit", "offset"];
pub(super) const FLEET_KEYS: &[&str] = &[
    "projectId",
    "servers",
    "concurrency",
    "wait",
    "intervalMs",
    "waitTimeoutMs",
    "onProgress",
];
pub(super) const DISASSOCIATE_AND_WAIT_KEYS: &[&str] = &[
    "projectId",
    "serverId",
    "auth",
    "intervalMs",
    "waitTimeoutMs",
    "onProgress",
];

/// Names people reach for instead of an option, normalised (lowercase, no `_` or `-`), and the option meant.
/// A row applies only where its target's first segment is an accepted key.
pub(crate) const TOP_ALIASES: &[(&str, &str)] = &[
    ("authentication", "auth"),
    ("serverauth", "auth"),
    ("password", "auth"),
    ("privatekey", "auth"),
    ("key", "auth"),
    ("keypair", "auth"),
    ("type", "auth.type"),
    ("authtype", "auth.type"),
    ("timeout", "timeoutMs"),
    ("retries", "maxAttempts"),
    ("serverids", "servers"),
    ("serverlist", "servers"),
    ("instances", "servers"),
    ("instanceids", "servers"),
    ("parallelism", "concurrency"),
    ("parallel", "concurrency"),
    ("maxconcurrency", "concurrency"),
    ("waitfortasks", "wait"),
    ("maxretries", "maxAttempts"),
    ("retry", "maxAttempts"),
    ("attempts", "maxAttempts"),
    ("timeoutmillis", "timeoutMs"),
    ("requesttimeout", "timeoutMs"),
    ("abortsignal", "signal"),
    ("project", "projectId"),
    ("tenantid", "projectId"),
    ("server", "serverId"),
    ("instanceid", "serverId"),
    ("ecsid", "serverId"),
    ("id", "serverId"),
    ("task", "taskId"),
    ("id", "taskId"),
    ("url", "endpoint"),
    ("baseurl", "endpoint"),
    ("endpointurl", "endpoint"),
    ("uri", "endpoint"),
    ("host", "endpoint"),
    ("regionid", "region"),
    ("regionname", "region"),
    ("ak", "credentials.accessKeyId"),
    ("accesskey", "credentials.accessKeyId"),
    ("accesskeyid", "credentials.accessKeyId"),
    ("sk", "credentials.secretAccessKey"),
    ("secretkey", "credentials.secretAccessKey"),
    ("secretaccesskey", "credentials.secretAccessKey"),
    ("secret", "credentials.secretAccessKey"),
    ("securitytoken", "credentials.securityToken"),
    ("sessiontoken", "credentials.securityToken"),
    ("ststoken", "credentials.securityToken"),
    ("authtoken", "token"),
    ("xauthtoken", "token"),
    ("iamtoken", "token"),
    ("accesstoken", "token"),
    ("subjecttoken", "token"),
    ("xsubjecttoken", "token"),
    ("credential", "credentials"),
    ("creds", "credentials"),
    ("aksk", "credentials"),
    ("insecure", "allowInsecureHttp"),
    ("allowhttp", "allowInsecureHttp"),
    ("allowinsecure", "allowInsecureHttp"),
    ("insecurehttp", "allowInsecureHttp"),
    ("hostheader", "signingHost"),
    ("upstreamhost", "signingHost"),
    ("signhost", "signingHost"),
    ("interval", "intervalMs"),
    ("pollinterval", "intervalMs"),
    ("pollintervalms", "intervalMs"),
    ("waittimeout", "waitTimeoutMs"),
    ("maxwait", "waitTimeoutMs"),
    ("maxwaitms", "waitTimeoutMs"),
    ("progress", "onProgress"),
    ("onupdate", "onProgress"),
    ("pagesize", "limit"),
    ("skip", "offset"),
];
const CREDENTIALS_ALIASES: &[(&str, &str)] = &[
    ("ak", "accessKeyId"),
    ("accesskey", "accessKeyId"),
    ("access", "accessKeyId"),
    ("accessid", "accessKeyId"),
    ("keyid", "accessKeyId"),
    ("id", "accessKeyId"),
    ("sk", "secretAccessKey"),
    ("secretkey", "secretAccessKey"),
    ("secret", "secretAccessKey"),
    ("secretaccess", "secretAccessKey"),
    ("token", "securityToken"),
    ("sessiontoken", "securityToken"),
    ("ststoken", "securityToken"),
    ("xsecuritytoken", "securityToken"),
];
const AUTH_ALIASES: &[(&str, &str)] = &[
    ("kind", "type"),
    ("authtype", "type"),
    ("mode", "type"),
    ("method", "type"),
    ("value", "key"),
    ("privatekey", "key"),
    ("password", "key"),
    ("secret", "key"),
    ("pem", "key"),
];

/// An option whose value is an object with keys of its own.
pub(crate) struct NestedObject {
    name: &'static str,
    keys: &'static [&'static str],
    aliases: &'static [(&'static str, &'static str)],
}

impl NestedObject {
    /// Step 2 inside this object: its first unknown key, reported as `name.key`.
    pub(crate) fn check_keys(&self, entries: &[(String, Input)]) -> Result<(), Failure> {
        check_keys(entries, self.name, &[self.keys], self.aliases)
    }

    /// As [`NestedObject::check_keys`], for this object found at `path` (`servers[3].auth`).
    pub(crate) fn check_keys_at(
        &self,
        path: &str,
        entries: &[(String, Input)],
    ) -> Result<(), Failure> {
        check_keys(entries, path, &[self.keys], self.aliases)
    }
}

/// `credentials`, the access key of every operation and of `signRequest`.
pub(crate) const CREDENTIALS: NestedObject = NestedObject {
    name: "credentials",
    keys: CREDENTIALS_KEYS,
    aliases: CREDENTIALS_ALIASES,
};

/// `auth`, how `disassociateKeypair` proves it may unbind a running server's key pair.
pub(super) const AUTH: NestedObject = NestedObject {
    name: "auth",
    keys: AUTH_KEYS,
    aliases: AUTH_ALIASES,
};

/// Step 2 of an operation: unknown keys at the top level, then inside `credentials` and `auth` where the
/// operation takes them (each level in the object's key order).
pub(super) fn check_operation_keys(
    entries: &[(String, Input)],
    operation_keys: &'static [&'static str],
) -> Result<(), Failure> {
    check_keys(entries, "", &[operation_keys, CLIENT_KEYS], TOP_ALIASES)?;
    for level in [CREDENTIALS, AUTH] {
        let accepted = operation_keys.contains(&level.name) || CLIENT_KEYS.contains(&level.name);
        let value = entries.iter().find(|(key, _)| key == level.name);
        if let (true, Some((_, Input::Object(inner)))) = (accepted, value) {
            level.check_keys(inner)?;
        }
    }
    Ok(())
}

/// Step 2 for one level: the first key not in `accepted` is reported, with the key probably meant.
pub(crate) fn check_keys(
    entries: &[(String, Input)],
    parent: &str,
    accepted: &[&[&'static str]],
    aliases: &[(&str, &'static str)],
) -> Result<(), Failure> {
    let is_accepted = |key: &str| accepted.iter().any(|keys| keys.contains(&key));
    let Some(key) = entries
        .iter()
        .map(|(key, _)| key.as_str())
        .find(|key| !is_accepted(key))
    else {
        return Ok(());
    };
    let prefix = if parent.is_empty() {
        String::new()
    } else {
        [parent, "."].concat()
    };
    let path = [prefix.as_str(), key].concat();
    let mut message = ["unknown option ", &quote(&path)].concat();
    match suggest_key(key, accepted, aliases) {
        Some(meant) => {
            message.push_str("; did you mean ");
            message.push_str(&quote(&[prefix.as_str(), meant].concat()));
            message.push('?');
        }
        None => {
            message.push_str(if parent.is_empty() {
                "; accepted options: "
            } else {
                "; accepted: "
            });
            let names: Vec<&str> = accepted
                .iter()
                .flat_map(|keys| keys.iter().copied())
                .collect();
            message.push_str(&names.join(", "));
        }
    }
    Err(Failure::invalid(truncate(&path, 64), message))
}

// The accepted key meant by `key`: one that differs only in case, `_` or `-`; a known alias; or the nearest
// accepted key within 2 edits.
fn suggest_key(
    key: &str,
    accepted: &[&[&'static str]],
    aliases: &[(&str, &'static str)],
) -> Option<&'static str> {
    if key.len() > 64 {
        return None;
    }
    let all = || accepted.iter().flat_map(|keys| keys.iter().copied());
    let normal = normalise_key(key);
    if let Some(meant) = all().find(|candidate| normalise_key(candidate) == normal) {
        return Some(meant);
    }
    let reachable = |target: &str| {
        let first = target.split('.').next().unwrap_or(target);
        all().any(|candidate| candidate == first)
    };
    if let Some((_, target)) = aliases
        .iter()
        .find(|(alias, target)| *alias == normal && reachable(target))
    {
        return Some(target);
    }
    nearest(&normal, all(), 2, normalise_key)
}

#[cfg(test)]
mod tests {
    use crate::input::Input;
    use crate::options::test_support::*;
    use crate::options::validate_task_query;

    #[test]
    fn near_miss_top_level_keys_name_the_key_meant() {
        for (key, meant) in [
            ("serverID", "serverId"),
            ("serverid", "serverId"),
            ("server_id", "serverId"),
            ("ServerId", "serverId"),
            ("project_id", "projectId"),
            ("ProjectId", "projectId"),
            ("PROJECT-ID", "projectId"),
            ("porjectId", "projectId"),
            ("projectIdd", "projectId"),
            ("timeout_ms", "timeoutMs"),
            ("timeout", "timeoutMs"),
            ("authentication", "auth"),
            ("Authentication", "auth"),
            ("aut", "auth"),
            ("Token", "token"),
            ("tokne", "token"),
            ("x-auth-token", "token"),
            ("credential", "credentials"),
            ("creds", "credentials"),
            ("regoin", "region"),
            ("region_id", "region"),
            ("endpoit", "endpoint"),
            ("url", "endpoint"),
            ("baseUrl", "endpoint"),
            ("signinghost", "signingHost"),
            ("signing_host", "signingHost"),
            ("abortSignal", "signal"),
            ("singal", "signal"),
            ("allow_insecure_http", "allowInsecureHttp"),
            ("insecure", "allowInsecureHttp"),
            ("accessKey", "credentials.accessKeyId"),
            ("accessKeyId", "credentials.accessKeyId"),
            ("ak", "credentials.accessKeyId"),
            ("AK", "credentials.accessKeyId"),
            ("sk", "credentials.secretAccessKey"),
            ("secretKey", "credentials.secretAccessKey"),
            ("secretAccessKey", "credentials.secretAccessKey"),
            ("securitytoken", "credentials.securityToken"),
            ("securityToken", "credentials.securityToken"),
            ("password", "auth"),
            ("privateKey", "auth"),
            ("type", "auth.type"),
            ("server", "serverId"),
            ("instanceId", "serverId"),
            ("id", "serverId"),
            ("project", "projectId"),
        ] {
            let message = rejects(with(vec![set(key, s("x"))]), key, &[]);
            assert_eq!(
                message,
                ["unknown option '", key, "'; did you mean '", meant, "'?"].concat()
            );
        }
    }

    #[test]
    fn an_unknown_key_with_no_near_miss_lists_the_accepted_options() {
        for key in ["foo", "taskId", "limit", "onProgress", "x-request-id", ""] {
            let message = rejects(with(vec![set(key, s("x"))]), key, &[]);
            assert_eq!(
                message,
                [
                    "unknown option '",
                    key,
                    "'; accepted options: projectId, serverId, auth, token, credentials, region, endpoint, \
                     signingHost, timeoutMs, maxAttempts, signal, onResponse, allowInsecureHttp",
                ]
                .concat()
            );
        }
    }

    #[test]
    fn near_miss_keys_inside_credentials_name_the_key_meant() {
        for (key, meant) in [
            ("accessKey", "accessKeyId"),
            ("ak", "accessKeyId"),
            ("AK", "accessKeyId"),
            ("AccessKeyId", "accessKeyId"),
            ("access_key_id", "accessKeyId"),
            ("accessKeyID", "accessKeyId"),
            ("sk", "secretAccessKey"),
            ("secretKey", "secretAccessKey"),
            ("secret", "secretAccessKey"),
            ("secret_access_key", "secretAccessKey"),
            ("SecretAccessKey", "secretAccessKey"),
            ("securitytoken", "securityToken"),
            ("security_token", "securityToken"),
            ("sessionToken", "securityToken"),
            ("token", "securityToken"),
            ("securityTokn", "securityToken"),
        ] {
            let path = ["credentials.", key].concat();
            let message = rejects(with_access_key(vec![set(key, s("x"))]), &path, &[]);
            assert_eq!(
                message,
                [
                    "unknown option '",
                    &path,
                    "'; did you mean 'credentials.",
                    meant,
                    "'?"
                ]
                .concat()
            );
        }
        let message = rejects(
            with_access_key(vec![set("region", s("x"))]),
            "credentials.region",
            &[],
        );
        assert!(
            message.ends_with("; accepted: accessKeyId, secretAccessKey, securityToken"),
            "{message}"
        );
    }

    #[test]
    fn near_miss_keys_inside_auth_name_the_key_meant() {
        for (key, meant) in [
            ("Type", "type"),
            ("TYPE", "type"),
            ("tpye", "type"),
            ("kind", "type"),
            ("authType", "type"),
            ("Key", "key"),
            ("keys", "key"),
            ("value", "key"),
            ("privateKey", "key"),
            ("private_key", "key"),
            ("password", "key"),
        ] {
            let path = ["auth.", key].concat();
            let input = with(vec![set(
                "auth",
                object(vec![("type", s("password")), (key, s("x"))]),
            )]);
            let message = rejects(input, &path, &[]);
            assert_eq!(
                message,
                [
                    "unknown option '",
                    &path,
                    "'; did you mean 'auth.",
                    meant,
                    "'?"
                ]
                .concat()
            );
        }
        let input = with(vec![set("auth", object(vec![("serverId", s(SERVER))]))]);
        assert!(rejects(input, "auth.serverId", &[]).ends_with("; accepted: type, key"));
    }

    #[test]
    fn an_unknown_key_is_rejected_even_when_its_value_is_undefined() {
        rejects(
            with(vec![set("serverID", Input::Undefined)]),
            "serverID",
            &["did you mean 'serverId'?"],
        );
        let input = with(vec![set(
            "auth",
            object(vec![
                ("type", s("password")),
                ("key", s("x")),
                ("Key", Input::Undefined),
            ]),
        )]);
        rejects(input, "auth.Key", &["did you mean 'auth.key'?"]);
    }

    #[test]
    fn the_first_unknown_key_in_object_order_is_the_one_reported() {
        rejects(
            with(vec![set("zzz", s("x")), set("serverID", s("x"))]),
            "zzz",
            &[],
        );
        rejects(
            with(vec![set("serverID", s("x")), set("zzz", s("x"))]),
            "serverID",
            &[],
        );
    }

    #[test]
    fn a_huge_or_multibyte_unknown_key_is_echoed_at_most_forty_characters_without_panicking() {
        for key in ["k".repeat(100_000), "ключ".repeat(30), "😀".repeat(41)] {
            let failure = failure_in(with(vec![set(&key, s("x"))]), &NODE);
            assert!(
                failure.message.starts_with("unknown option '"),
                "{}",
                failure.message
            );
            assert!(failure.message.contains("…'"), "{}", failure.message);
            assert!(failure.message.chars().count() < 250, "{}", failure.message);
            assert_eq!(
                failure.field.unwrap().chars().count(),
                key.chars().count().min(64)
            );
        }
    }

    #[test]
    fn a_key_of_up_to_64_bytes_gets_the_key_meant_and_a_longer_one_the_accepted_keys() {
        let padded = |len: usize| ["server", &"_".repeat(len - 8), "id"].concat();
        let message = rejects(with(vec![set(&padded(64), s(SERVER))]), &padded(64), &[]);
        assert!(message.ends_with("did you mean 'serverId'?"), "{message}");
        let message = rejects(
            with(vec![set(&padded(65), s(SERVER))]),
            &padded(65)[..64],
            &[],
        );
        assert!(
            message.contains("; accepted options: projectId, serverId"),
            "{message}"
        );
    }

    #[test]
    fn unknown_keys_at_every_level_are_reported_before_any_value_problem() {
        let everything_else_wrong = || {
            vec![
                set("projectId", s("nope")),
                set("serverId", Input::Null),
                set("token", s("")),
                set("region", s("NOPE")),
                set("timeoutMs", Input::Number(0.0)),
            ]
        };
        let mut changes = everything_else_wrong();
        changes.push(set("auth", object(vec![("tpye", s("keypair"))])));
        rejects(with(changes), "auth.tpye", &[]);
        let mut changes = everything_else_wrong();
        changes.push(set("credentials", object(vec![("sk", s(SK))])));
        changes.push(set("auth", object(vec![("tpye", s("keypair"))])));
        rejects(with(changes), "credentials.sk", &[]);
    }

    #[test]
    fn get_keypair_task_rejects_the_disassociate_only_keys_and_suggests_task_id() {
        let failure =
            validate_task_query(task_options(vec![set("serverId", s(SERVER))]), &NODE).unwrap_err();
        assert_eq!(failure.field.as_deref(), Some("serverId"));
        assert!(failure.message.ends_with("accepted options: projectId, taskId, token, credentials, region, endpoint, signingHost, timeoutMs, maxAttempts, signal, onResponse, allowInsecureHttp"), "{}", failure.message);
        for key in ["task_id", "TaskID", "task", "id"] {
            let failure =
                validate_task_query(task_options(vec![set(key, s(TASK))]), &NODE).unwrap_err();
            assert!(
                failure.message.ends_with("did you mean 'taskId'?"),
                "{}",
                failure.message
            );
        }
    }
}
