//! Validation of the options objects the exported functions take, as pure Rust over [`Input`].
//!
//! Every operation is a table of its own keys plus the shared client keys ([`CLIENT_KEYS`]). A validator opens
//! the object against its table, then checks values in one fixed order, and reports the first problem found,
//! so the error a user sees for a given object is predictable:
//!
//! 1. `options` is a plain object (field `options`);
//! 2. unknown keys: at the top level, then inside `credentials`, then inside `auth` (each level in the object's
//!    key order), with the intended key suggested for near-misses;
//! 3. authentication: `token` and `credentials` types, exactly one of them, then its values;
//! 4. endpoint: `allowInsecureHttp`, `region`, `endpoint` and `signingHost` types, exactly one of `region` /
//!    `endpoint`, its value, then `signingHost`;
//! 5. ids: `projectId`, then `serverId` or `taskId`;
//! 6. `auth`: the object, `auth.type`, `auth.key`;
//! 7. numbers: `timeoutMs`, then the operation's (`intervalMs`, `waitTimeoutMs`, `limit`, `offset`);
//! 8. callbacks and signals: `signal`, then `onProgress`.
//!
//! `undefined` means absent; `null` is a type error. Messages name the option, say what is wrong and what is
//! expected. They echo ids and region names (at most 40 characters), never `token`, `auth.key`,
//! `credentials.secretAccessKey`, `credentials.securityToken` or `credentials.accessKeyId` (a swapped AK/SK
//! would echo the secret), and never the whole `endpoint` (see [`crate::endpoint`]).
//!
//! Secret strings are moved out of the [`Input`] into a [`Secret`] before they are checked, so a rejected one is
//! zeroized too; every other string left in the options object is zeroized when validation ends.

use zeroize::Zeroize;

use crate::endpoint::{self, Endpoint};
use crate::error::Failure;
use crate::input::Input;
use crate::model::{AuthType, DisassociateRequest, Server, ServerAuth};
use crate::secret::Secret;

/// `timeoutMs` when not given: the whole call, in milliseconds.
pub const DEFAULT_TIMEOUT_MS: u32 = 30_000;
/// Largest `timeoutMs` (10 minutes).
pub const MAX_TIMEOUT_MS: u32 = 600_000;
/// Largest `auth.key`, in UTF-8 bytes: a 16384-bit RSA key in PEM is about 12.5 KiB.
pub const MAX_AUTH_KEY_BYTES: usize = 16 * 1024;
/// Largest `token` and `credentials.securityToken`, in bytes (IAM tokens are about 5 to 20 KB).
pub const MAX_TOKEN_BYTES: usize = 64 * 1024;
/// Largest `credentials.secretAccessKey`, in bytes (Huawei Cloud secret keys are 40 characters).
pub const MAX_SECRET_KEY_BYTES: usize = 256;
/// Longest `credentials.accessKeyId`, in characters (Huawei Cloud access key ids are 20).
pub const MAX_ACCESS_KEY_ID_CHARS: usize = 128;
/// `intervalMs` when not given: how long `waitForKeypairTask` waits between polls (Terraform's waiter).
pub const DEFAULT_INTERVAL_MS: u32 = 20_000;
/// Smallest `intervalMs`: polling faster only spends the API gateway's rate limit.
pub const MIN_INTERVAL_MS: u32 = 100;
/// `waitTimeoutMs` when not given: how long `waitForKeypairTask` waits in all (Terraform's 30 minutes).
pub const DEFAULT_WAIT_TIMEOUT_MS: u32 = 1_800_000;
/// Largest `waitTimeoutMs` (24 hours).
pub const MAX_WAIT_TIMEOUT_MS: u32 = 86_400_000;
/// Largest `limit` and `offset` of the task listings: the API's parameters are 32-bit integers.
pub const MAX_PAGE_NUMBER: u32 = i32::MAX as u32;

/// The keys every operation accepts.
pub const CLIENT_KEYS: &[&str] = &[
    "token",
    "credentials",
    "region",
    "endpoint",
    "signingHost",
    "timeoutMs",
    "signal",
    "allowInsecureHttp",
];
const CREDENTIALS_KEYS: &[&str] = &["accessKeyId", "secretAccessKey", "securityToken"];
const AUTH_KEYS: &[&str] = &["type", "key"];
const DISASSOCIATE_KEYS: &[&str] = &["projectId", "serverId", "auth"];
const TASK_KEYS: &[&str] = &["projectId", "taskId"];
const WAIT_KEYS: &[&str] = &[
    "projectId",
    "taskId",
    "intervalMs",
    "waitTimeoutMs",
    "onProgress",
];
const LIST_KEYS: &[&str] = &["projectId", "limit", "offset"];

/// Names people reach for instead of an option, normalised (lowercase, no `_` or `-`), and the option meant.
/// A row applies only where its target's first segment is an accepted key.
const TOP_ALIASES: &[(&str, &str)] = &[
    ("authentication", "auth"),
    ("serverauth", "auth"),
    ("password", "auth"),
    ("privatekey", "auth"),
    ("key", "auth"),
    ("keypair", "auth"),
    ("type", "auth.type"),
    ("authtype", "auth.type"),
    ("timeout", "timeoutMs"),
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
struct NestedObject {
    name: &'static str,
    keys: &'static [&'static str],
    aliases: &'static [(&'static str, &'static str)],
}

const NESTED: [NestedObject; 2] = [
    NestedObject {
        name: "credentials",
        keys: CREDENTIALS_KEYS,
        aliases: CREDENTIALS_ALIASES,
    },
    NestedObject {
        name: "auth",
        keys: AUTH_KEYS,
        aliases: AUTH_ALIASES,
    },
];

/// What validation needs to know about the JS environment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Environment {
    /// True where a relative URL has a base to resolve against (browsers and workers: a document or worker
    /// location exists), false in Node.
    pub relative_endpoints_allowed: bool,
}

/// How requests authenticate: exactly one of the `token` and `credentials` options.
#[derive(Debug)]
pub enum Credentials {
    /// An IAM token, sent as `X-Auth-Token`.
    Token(Secret),
    /// An access key pair, used to sign requests (SDK-HMAC-SHA256); with `security_token` for temporary keys.
    AccessKey {
        access_key_id: String,
        secret_access_key: Secret,
        security_token: Option<Secret>,
    },
}

/// The options every call takes.
#[derive(Debug)]
pub struct ClientOptions {
    pub credentials: Credentials,
    pub endpoint: Endpoint,
    /// The whole call, in milliseconds ([`DEFAULT_TIMEOUT_MS`] when not given).
    pub timeout_ms: u32,
    /// Whether `signal` was given (the boundary keeps the JS `AbortSignal` itself).
    pub has_signal: bool,
}

/// The validated options of `disassociateKeypair`.
#[derive(Debug)]
pub struct DisassociateOptions {
    pub client: ClientOptions,
    /// 32 lowercase hex characters.
    pub project_id: String,
    pub request: DisassociateRequest,
}

/// The validated options of `getKeypairTask`.
#[derive(Debug)]
pub struct TaskQueryOptions {
    pub client: ClientOptions,
    pub project_id: String,
    /// A UUID.
    pub task_id: String,
}

/// The validated options of `waitForKeypairTask`.
#[derive(Debug)]
pub struct WaitForTaskOptions {
    pub query: TaskQueryOptions,
    /// Between polls ([`DEFAULT_INTERVAL_MS`] when not given).
    pub interval_ms: u32,
    /// For the whole wait ([`DEFAULT_WAIT_TIMEOUT_MS`] when not given).
    pub wait_timeout_ms: u32,
    /// Whether `onProgress` was given (the boundary keeps the JS function itself).
    pub has_on_progress: bool,
}

/// The validated options of `listRunningTasks` and `listFailedTasks`.
#[derive(Debug)]
pub struct TaskListOptions {
    pub client: ClientOptions,
    pub project_id: String,
    /// Page size; the service's default when `None`.
    pub limit: Option<u32>,
    /// Tasks to skip; the service's default (0) when `None`.
    pub offset: Option<u32>,
}

/// The validated options of `deleteFailedTask`.
#[derive(Debug)]
pub struct DeleteFailedTaskOptions {
    pub client: ClientOptions,
    pub project_id: String,
    /// One failed task, or all of them when `None`.
    pub task_id: Option<String>,
}

/// Validates the options of `disassociateKeypair` (order of checks: see the module documentation).
pub fn validate_disassociate(
    input: Input,
    env: &Environment,
) -> Result<DisassociateOptions, Failure> {
    let mut fields = Fields::open(input, DISASSOCIATE_KEYS)?;
    let connection = fields.connection(env)?;
    let project_id = project_id(fields.take("projectId"))?;
    let server_id = uuid("serverId", fields.take("serverId"), "the ECS server ID")?;
    let auth = server_auth(fields.take("auth"))?;
    let client = fields.client(connection)?;
    Ok(DisassociateOptions {
        client,
        project_id,
        request: DisassociateRequest {
            server: Server {
                id: server_id,
                auth,
            },
        },
    })
}

/// Validates the options of `getKeypairTask`: `{ projectId, taskId }` and the client options.
pub fn validate_task_query(input: Input, env: &Environment) -> Result<TaskQueryOptions, Failure> {
    let mut fields = Fields::open(input, TASK_KEYS)?;
    let connection = fields.connection(env)?;
    let project_id = project_id(fields.take("projectId"))?;
    let task_id = uuid(
        "taskId",
        fields.take("taskId"),
        "the task ID that disassociateKeypair returned",
    )?;
    let client = fields.client(connection)?;
    Ok(TaskQueryOptions {
        client,
        project_id,
        task_id,
    })
}

/// Validates the options of `waitForKeypairTask`: those of `getKeypairTask` plus `intervalMs`
/// ([`MIN_INTERVAL_MS`]..=600000), `waitTimeoutMs` (1..=[`MAX_WAIT_TIMEOUT_MS`]) and `onProgress` (a function).
pub fn validate_wait_for_task(
    input: Input,
    env: &Environment,
) -> Result<WaitForTaskOptions, Failure> {
    let mut fields = Fields::open(input, WAIT_KEYS)?;
    let connection = fields.connection(env)?;
    let project_id = project_id(fields.take("projectId"))?;
    let task_id = uuid(
        "taskId",
        fields.take("taskId"),
        "the task ID that disassociateKeypair returned",
    )?;
    let timeout_ms = fields.timeout()?;
    let interval_ms = integer(
        "intervalMs",
        fields.take("intervalMs"),
        MIN_INTERVAL_MS,
        MAX_TIMEOUT_MS,
        MS,
    )?;
    let wait_timeout_ms = integer(
        "waitTimeoutMs",
        fields.take("waitTimeoutMs"),
        1,
        MAX_WAIT_TIMEOUT_MS,
        MS,
    )?;
    let has_signal = fields.signal()?;
    let has_on_progress = match fields.take("onProgress") {
        Input::Undefined => false,
        Input::Function => true,
        other => {
            return Err(wrong_type(
                "onProgress",
                "a function (task) => void",
                other,
                true,
            ))
        }
    };
    Ok(WaitForTaskOptions {
        query: TaskQueryOptions {
            client: ClientOptions {
                credentials: connection.credentials,
                endpoint: connection.endpoint,
                timeout_ms,
                has_signal,
            },
            project_id,
            task_id,
        },
        interval_ms: interval_ms.unwrap_or(DEFAULT_INTERVAL_MS),
        wait_timeout_ms: wait_timeout_ms.unwrap_or(DEFAULT_WAIT_TIMEOUT_MS),
        has_on_progress,
    })
}

/// Validates the options of `listRunningTasks` and `listFailedTasks`: `{ projectId, limit?, offset? }` (limit
/// 1..=[`MAX_PAGE_NUMBER`], offset 0..=[`MAX_PAGE_NUMBER`]) and the client options.
pub fn validate_task_list(input: Input, env: &Environment) -> Result<TaskListOptions, Failure> {
    let mut fields = Fields::open(input, LIST_KEYS)?;
    let connection = fields.connection(env)?;
    let project_id = project_id(fields.take("projectId"))?;
    let timeout_ms = fields.timeout()?;
    let limit = integer("limit", fields.take("limit"), 1, MAX_PAGE_NUMBER, "")?;
    let offset = integer("offset", fields.take("offset"), 0, MAX_PAGE_NUMBER, "")?;
    let has_signal = fields.signal()?;
    Ok(TaskListOptions {
        client: ClientOptions {
            credentials: connection.credentials,
            endpoint: connection.endpoint,
            timeout_ms,
            has_signal,
        },
        project_id,
        limit,
        offset,
    })
}

/// Validates the options of `deleteFailedTask`: `{ projectId, taskId? }` (without `taskId`, every failed task
/// is deleted) and the client options.
pub fn validate_delete_failed_task(
    input: Input,
    env: &Environment,
) -> Result<DeleteFailedTaskOptions, Failure> {
    let mut fields = Fields::open(input, TASK_KEYS)?;
    let connection = fields.connection(env)?;
    let project_id = project_id(fields.take("projectId"))?;
    let task_id = match fields.take("taskId") {
        Input::Undefined => None,
        value => Some(uuid(
            "taskId",
            value,
            "the ID of the failed task to delete (leave it out to delete all)",
        )?),
    };
    let client = fields.client(connection)?;
    Ok(DeleteFailedTaskOptions {
        client,
        project_id,
        task_id,
    })
}

const MS: &str = " (milliseconds)";

/// Authentication and endpoint: the first half of [`ClientOptions`], checked before the operation's ids.
struct Connection {
    credentials: Credentials,
    endpoint: Endpoint,
}

/// An options object whose keys have been checked, from which values are taken one by one. Whatever is left
/// when it is dropped (rejected values, and everything after the first failure) has its strings zeroized.
struct Fields {
    entries: Vec<(String, Input)>,
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
    fn open(input: Input, operation_keys: &'static [&'static str]) -> Result<Fields, Failure> {
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
        let fields = Fields { entries };
        check_keys(
            &fields.entries,
            "",
            &[operation_keys, CLIENT_KEYS],
            TOP_ALIASES,
        )?;
        for level in NESTED {
            let accepted =
                operation_keys.contains(&level.name) || CLIENT_KEYS.contains(&level.name);
            if let (true, Some(Input::Object(inner))) = (accepted, fields.get(level.name)) {
                check_keys(inner, level.name, &[level.keys], level.aliases)?;
            }
        }
        Ok(fields)
    }

    fn get(&self, key: &str) -> Option<&Input> {
        self.entries
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, value)| value)
    }

    /// The value of `key`, moved out (`undefined` when absent).
    fn take(&mut self, key: &str) -> Input {
        match self.entries.iter_mut().find(|(k, _)| k == key) {
            Some((_, value)) => core::mem::replace(value, Input::Undefined),
            None => Input::Undefined,
        }
    }

    /// Steps 3 and 4.
    fn connection(&mut self, env: &Environment) -> Result<Connection, Failure> {
        let credentials = self.credentials()?;
        let endpoint = self.endpoint(env, &credentials)?;
        Ok(Connection {
            credentials,
            endpoint,
        })
    }

    fn credentials(&mut self) -> Result<Credentials, Failure> {
        let token = secret("token", self.take("token"), "a string (an IAM token)", true)?;
        let credentials = match self.take("credentials") {
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
            (None, Some(mut fields)) => access_key(&mut fields),
        }
    }

    fn endpoint(
        &mut self,
        env: &Environment,
        credentials: &Credentials,
    ) -> Result<Endpoint, Failure> {
        let allow_insecure_http = match self.take("allowInsecureHttp") {
            Input::Undefined => false,
            Input::Bool(allow) => allow,
            other => return Err(wrong_type("allowInsecureHttp", "a boolean", other, true)),
        };
        let region = string(
            "region",
            self.take("region"),
            "a string such as 'cn-north-4'",
            true,
        )?;
        let url = string(
            "endpoint",
            self.take("endpoint"),
            "a string (a base URL)",
            true,
        )?;
        let signing_host = string(
            "signingHost",
            self.take("signingHost"),
            "a string (host[:port])",
            true,
        )?;
        let mut endpoint = match (region, url) {
            (None, None) => {
                return Err(Failure::invalid(
                    "region",
                    "either region (such as 'cn-north-4') or endpoint (a base URL) is required",
                ))
            }
            (Some(_), Some(_)) => {
                return Err(Failure::invalid(
                    "endpoint",
                    "pass either region or endpoint, not both: each one says where requests go",
                ))
            }
            (Some(region), None) => {
                let resolved = endpoint::resolve_region(&region)?;
                if signing_host.is_some() {
                    return Err(Failure::invalid(
                        "signingHost",
                        "signingHost applies only with endpoint (a proxy in front of KPS); with region the \
                         signed host is the region's own",
                    ));
                }
                resolved
            }
            (None, Some(url)) => {
                endpoint::parse_endpoint(&url, env.relative_endpoints_allowed, allow_insecure_http)?
            }
        };
        let signs = matches!(credentials, Credentials::AccessKey { .. });
        match signing_host {
            Some(_) if !signs => Err(Failure::invalid(
                "signingHost",
                "signingHost is used only to sign requests made with credentials (AK/SK); with token it has no \
                 effect: remove it",
            )),
            Some(host) => {
                endpoint.signing_host = Some(endpoint::parse_signing_host(&host)?);
                Ok(endpoint)
            }
            None if signs && endpoint.signing_host.is_none() => Err(Failure::invalid(
                "signingHost",
                "signingHost is required when credentials are used with a relative endpoint: the signature \
                 covers the Host header that KPS receives, which the browser cannot know behind a proxy; set it \
                 to the host your proxy forwards to, such as 'kms.cn-north-4.myhuaweicloud.com'",
            )),
            None => Ok(endpoint),
        }
    }

    /// Steps 7 and 8 for operations with no numbers of their own.
    fn client(&mut self, connection: Connection) -> Result<ClientOptions, Failure> {
        let timeout_ms = self.timeout()?;
        let has_signal = self.signal()?;
        Ok(ClientOptions {
            credentials: connection.credentials,
            endpoint: connection.endpoint,
            timeout_ms,
            has_signal,
        })
    }

    fn timeout(&mut self) -> Result<u32, Failure> {
        let timeout = integer("timeoutMs", self.take("timeoutMs"), 1, MAX_TIMEOUT_MS, MS)?;
        Ok(timeout.unwrap_or(DEFAULT_TIMEOUT_MS))
    }

    fn signal(&mut self) -> Result<bool, Failure> {
        match self.take("signal") {
            Input::Undefined => Ok(false),
            Input::AbortSignal => Ok(true),
            other => Err(wrong_type(
                "signal",
                "an AbortSignal (such as new AbortController().signal)",
                other,
                true,
            )),
        }
    }
}

// Zeroizes the strings a value holds (keys are option names, not secrets).
fn scrub(value: &mut Input) {
    match value {
        Input::String(text) => text.zeroize(),
        Input::Object(entries) => entries.iter_mut().for_each(|(_, value)| scrub(value)),
        _ => {}
    }
}

// Step 2 for one level: the first key not in `accepted` is reported, with the key probably meant.
fn check_keys(
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

fn normalise_key(key: &str) -> String {
    key.chars()
        .filter(|c| *c != '_' && *c != '-')
        .map(|c| c.to_ascii_lowercase())
        .collect()
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
    check_secret_text("token", token, MAX_TOKEN_BYTES, "64 KiB")
}

// Non-empty, bounded, no whitespace or control characters: tokens and keys that go into headers.
fn check_secret_text(
    field: &str,
    secret: &Secret,
    max_bytes: usize,
    max_text: &str,
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
    if let Some(position) = value.chars().position(bad) {
        return Err(Failure::invalid(
            field,
            [
                field,
                " must not contain whitespace or control characters; found one at position ",
                &decimal(position as u64 + 1),
            ]
            .concat(),
        ));
    }
    Ok(())
}

fn too_long(field: &str, len: usize, max: usize, max_text: &str) -> String {
    [
        field,
        " is too long: ",
        &decimal(len as u64),
        " bytes; at most ",
        &decimal(max as u64),
        " bytes (",
        max_text,
        ") are accepted",
    ]
    .concat()
}

fn access_key(fields: &mut Fields) -> Result<Credentials, Failure> {
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
                "credentials.accessKeyId must be at most 128 letters and digits; got ",
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
    )?;
    let security_token = secret(ST, fields.take("securityToken"), "a string", true)?;
    if let Some(token) = &security_token {
        check_secret_text(ST, token, MAX_TOKEN_BYTES, "64 KiB")?;
    }
    Ok(Credentials::AccessKey {
        access_key_id,
        secret_access_key,
        security_token,
    })
}

fn project_id(value: Input) -> Result<String, Failure> {
    const F: &str = "projectId";
    const EXPECTED: &str = "projectId must be 32 hex characters (the project ID from IAM)";
    let id = required(
        F,
        string(F, value, "a string", false)?,
        "the 32-character project ID from IAM",
    )?;
    let count = id.chars().count();
    if count == 0 {
        return Err(Failure::invalid(
            F,
            [EXPECTED, "; got an empty string"].concat(),
        ));
    }
    if is_uuid(&id) {
        return Err(Failure::invalid(
            F,
            [
                EXPECTED,
                " without hyphens; got a UUID (is it the server ID?)",
            ]
            .concat(),
        ));
    }
    if count != 32 {
        let mut message = [
            EXPECTED,
            "; got ",
            &decimal(count as u64),
            " characters (",
            &quote(&id),
            ")",
        ]
        .concat();
        if endpoint::is_region_id(&id) {
            message.push_str(
                ": that is a region, the project's name; the project ID is listed next to it",
            );
        }
        return Err(Failure::invalid(F, message));
    }
    if let Some((position, c)) = id.chars().enumerate().find(|(_, c)| !c.is_ascii_hexdigit()) {
        return Err(Failure::invalid(
            F,
            [
                EXPECTED,
                "; got ",
                &describe_char(c),
                " at position ",
                &decimal(position as u64 + 1),
            ]
            .concat(),
        ));
    }
    if id.bytes().any(|b| b.is_ascii_uppercase()) {
        return Err(Failure::invalid(
            F,
            "projectId must be lowercase hex, as IAM returns it; got uppercase letters",
        ));
    }
    Ok(id)
}

/// A UUID, 8-4-4-4-12 hex digits, in either case (RFC 4122 UUIDs are case-insensitive on input); kept as given.
fn uuid(field: &str, value: Input, what: &str) -> Result<String, Failure> {
    let id = required(field, string(field, value, "a string", false)?, what)?;
    let expected = [
        field,
        " must be a UUID (8-4-4-4-12 hex digits, such as 'b8a3f4c2-1d2e-4f60-9a7b-3c4d5e6f7a8b')",
    ]
    .concat();
    let count = id.chars().count();
    if count == 0 {
        return Err(Failure::invalid(
            field,
            [&expected, "; got an empty string"].concat(),
        ));
    }
    if count == 32 && id.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(Failure::invalid(
            field,
            [&expected, "; got 32 hex digits without the hyphens"].concat(),
        ));
    }
    if count != 36 {
        return Err(Failure::invalid(
            field,
            [
                &expected,
                "; got ",
                &decimal(count as u64),
                " characters (",
                &quote(&id),
                ")",
            ]
            .concat(),
        ));
    }
    for (position, c) in id.chars().enumerate() {
        let hyphen = matches!(position, 8 | 13 | 18 | 23);
        let problem = match (hyphen, c) {
            (true, '-') => continue,
            (false, c) if c.is_ascii_hexdigit() => continue,
            (true, c) => ["'-' expected but got ", &describe_char(c)].concat(),
            (false, c) => ["got ", &describe_char(c)].concat(),
        };
        return Err(Failure::invalid(
            field,
            [
                &expected,
                "; ",
                &problem,
                " at position ",
                &decimal(position as u64 + 1),
            ]
            .concat(),
        ));
    }
    Ok(id)
}

fn is_uuid(id: &str) -> bool {
    id.len() == 36
        && id.bytes().enumerate().all(|(i, b)| match i {
            8 | 13 | 18 | 23 => b == b'-',
            _ => b.is_ascii_hexdigit(),
        })
}

fn server_auth(value: Input) -> Result<Option<ServerAuth>, Failure> {
    let mut fields = match value {
        Input::Undefined => return Ok(None),
        Input::Object(entries) => Fields { entries },
        other => return Err(wrong_type(
            "auth",
            "an object { type: 'keypair' | 'password', key } (leave auth out for a stopped server)",
            other,
            true,
        )),
    };
    let kind = auth_type(fields.take("type"))?;
    let key = secret("auth.key", fields.take("key"), "a string", false)?;
    let what = match kind {
        AuthType::Keypair => "the server's current PEM private key",
        AuthType::Password => "the server's password",
    };
    let key = required("auth.key", key, what)?;
    check_auth_key(kind, &key)?;
    Ok(Some(ServerAuth { kind, key }))
}

fn auth_type(value: Input) -> Result<AuthType, Failure> {
    const F: &str = "auth.type";
    const EXPECTED: &str =
        "auth.type must be 'keypair' (key is the PEM private key) or 'password' (key is the server's password)";
    let kind = required(
        F,
        string(F, value, "a string", false)?,
        "'keypair' or 'password'",
    )?;
    match kind.as_str() {
        "keypair" => return Ok(AuthType::Keypair),
        "password" => return Ok(AuthType::Password),
        _ => {}
    }
    let normal: String = normalise_key(&kind).chars().filter(|c| *c != ' ').collect();
    let known_word = match normal.as_str() {
        "keypair" | "key" | "keys" | "pem" | "ssh" | "sshkey" | "sshkeypair" | "privatekey"
        | "rsa" | "privkey" | "keyfile" => Some("keypair"),
        "password" | "pass" | "passwd" | "pwd" | "pw" => Some("password"),
        _ => None,
    };
    // Only a known word is echoed: anything else may be a password or key put in `type` by mistake.
    let mut message = match known_word {
        Some(_) => [EXPECTED, "; got ", &quote(&kind)].concat(),
        None => [EXPECTED, "; got another value"].concat(),
    };
    let meant = known_word.or_else(|| {
        nearest(
            &normal,
            ["keypair", "password"].into_iter(),
            2,
            str::to_owned,
        )
    });
    if let Some(meant) = meant {
        message.push_str("; did you mean '");
        message.push_str(meant);
        message.push_str("'?");
    }
    Err(Failure::invalid(F, message))
}

fn check_auth_key(kind: AuthType, key: &Secret) -> Result<(), Failure> {
    const F: &str = "auth.key";
    if key.is_empty() {
        return Err(Failure::invalid(F, "auth.key must not be empty"));
    }
    if key.len() > MAX_AUTH_KEY_BYTES {
        return Err(Failure::invalid(
            F,
            too_long(F, key.len(), MAX_AUTH_KEY_BYTES, "16 KiB"),
        ));
    }
    match kind {
        AuthType::Keypair => check_private_key(key.expose()),
        AuthType::Password => {
            if key.expose().trim_start().starts_with("-----BEGIN") {
                return Err(Failure::invalid(
                    F,
                    "auth.key looks like a PEM key, but auth.type is 'password'; use type 'keypair' for a key",
                ));
            }
            // ECS passwords are printable; a control character is a paste accident (a trailing newline).
            if key.expose().chars().any(char::is_control) {
                return Err(Failure::invalid(
                    F,
                    "auth.key (a password) must not contain control characters such as line breaks or tabs",
                ));
            }
            Ok(())
        }
    }
}

/// A PEM private key: `-----BEGIN <LABEL> PRIVATE KEY-----` … `-----END <LABEL> PRIVATE KEY-----`, with the same
/// label (`RSA`, `EC`, `OPENSSH`, `ENCRYPTED`, …, or none), something in between, and only whitespace around.
/// The key's contents are not decoded: the service is the judge of those.
fn check_private_key(key: &str) -> Result<(), Failure> {
    const F: &str = "auth.key";
    const PUBLIC: &str =
        "auth.key is a public key; unbinding needs the key pair's private key, a PEM block \
                          starting with '-----BEGIN ... PRIVATE KEY-----'";
    let text = key.trim_matches(|c: char| c.is_ascii_whitespace());
    let openssh_public = [
        "ssh-rsa ",
        "ssh-ed25519 ",
        "ssh-dss ",
        "ecdsa-sha2-",
        "sk-ssh-",
        "sk-ecdsa-",
        "---- BEGIN SSH2 PUBLIC KEY",
    ];
    if openssh_public.iter().any(|prefix| text.starts_with(prefix)) {
        return Err(Failure::invalid(F, PUBLIC));
    }
    if text.starts_with("PuTTY-User-Key-File-") {
        return Err(Failure::invalid(
            F,
            "auth.key is a PuTTY .ppk key; convert it to PEM first (puttygen key.ppk -O private-openssh -o key.pem)",
        ));
    }
    if !text.contains('\n') && text.contains("\\n") {
        return Err(Failure::invalid(
            F,
            "auth.key has literal '\\n' sequences instead of line breaks; replace them with real newlines",
        ));
    }
    let Some(rest) = text.strip_prefix("-----BEGIN ") else {
        return Err(Failure::invalid(
            F,
            "auth.key must be a PEM private key starting with '-----BEGIN ... PRIVATE KEY-----' (auth.type is \
             'keypair'; for a password use type 'password')",
        ));
    };
    let Some(header_end) = rest.find("-----") else {
        return Err(Failure::invalid(
            F,
            "auth.key's BEGIN line is not closed with '-----'",
        ));
    };
    let header = &rest[..header_end];
    if header == "PUBLIC KEY" || header.ends_with(" PUBLIC KEY") {
        return Err(Failure::invalid(F, PUBLIC));
    }
    if header == "CERTIFICATE" {
        return Err(Failure::invalid(
            F,
            "auth.key is a certificate, not a private key; pass the key pair's PEM private key",
        ));
    }
    let label = if header == "PRIVATE KEY" {
        Some("")
    } else {
        header
            .strip_suffix(" PRIVATE KEY")
            .filter(|label| is_pem_label(label))
    };
    let Some(label) = label else {
        return Err(Failure::invalid(
            F,
            "auth.key must be a PEM private key: its first line must be '-----BEGIN PRIVATE KEY-----' or \
             '-----BEGIN <TYPE> PRIVATE KEY-----' (such as RSA, EC or OPENSSH)",
        ));
    };
    let separator = if label.is_empty() { "" } else { " " };
    let end = ["-----END ", label, separator, "PRIVATE KEY-----"].concat();
    let after_header = &rest[header_end + 5..];
    let Some(body) = after_header.strip_suffix(end.as_str()) else {
        let end_header = after_header
            .rfind("-----END ")
            .map(|i| &after_header[i + 9..])
            .and_then(|tail| tail.split("-----").next())
            .and_then(|end_header| end_header.strip_suffix(" PRIVATE KEY").or(Some(end_header)))
            .filter(|end_label| is_pem_label(end_label) || end_label.is_empty());
        let message = match end_header {
            Some(end_label) if end_label != label => [
                "auth.key's END line ('-----END ",
                end_label,
                if end_label.is_empty() { "" } else { " " },
                "PRIVATE KEY-----') does not match its BEGIN line ('-----BEGIN ",
                header,
                "-----')",
            ]
            .concat(),
            _ => [
                "auth.key must end with '",
                &end,
                "' (is the key cut short?)",
            ]
            .concat(),
        };
        return Err(Failure::invalid(F, message));
    };
    if body.contains("-----") {
        return Err(Failure::invalid(
            F,
            "auth.key must hold exactly one PEM block, the private key",
        ));
    }
    if body.trim().is_empty() {
        return Err(Failure::invalid(
            F,
            "auth.key has no key data between its BEGIN and END lines",
        ));
    }
    Ok(())
}

// `RSA`, `EC`, `OPENSSH`, `ENCRYPTED`, `DSA`...: uppercase words, single spaces, bounded.
fn is_pem_label(label: &str) -> bool {
    !label.is_empty()
        && label.len() <= 32
        && label.split(' ').all(|word| {
            !word.is_empty()
                && word
                    .bytes()
                    .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
        })
}

// `undefined` → `None`; a string → `Some`; anything else, `null` included, is a type error.
fn string(
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

// As [`string`], the string moved (not copied) into a `Secret` before anything else looks at it.
fn secret(
    field: &str,
    value: Input,
    expected: &str,
    optional: bool,
) -> Result<Option<Secret>, Failure> {
    Ok(string(field, value, expected, optional)?.map(Secret::new))
}

fn required<T>(field: &str, value: Option<T>, what: &str) -> Result<T, Failure> {
    value.ok_or_else(|| Failure::invalid(field, [field, " is required: ", what].concat()))
}

fn wrong_type(field: &str, expected: &str, mut got: Input, optional: bool) -> Failure {
    let mut message = [field, " must be ", expected, "; got ", got.describe()].concat();
    if matches!(got, Input::Null) && optional {
        message.push_str(" (to leave it out, omit it or set it to undefined)");
    }
    scrub(&mut got);
    Failure::invalid(field, message)
}

// An integer in `min..=max`; `undefined` → `None`.
fn integer(
    field: &str,
    value: Input,
    min: u32,
    max: u32,
    unit: &str,
) -> Result<Option<u32>, Failure> {
    let expected = [
        "an integer from ",
        &decimal(min.into()),
        " to ",
        &decimal(max.into()),
        unit,
    ]
    .concat();
    let number = match value {
        Input::Undefined => return Ok(None),
        Input::Number(number) => number,
        other => {
            return Err(wrong_type(
                field,
                &["a number (", &expected, ")"].concat(),
                other,
                true,
            ))
        }
    };
    let got = if number.is_nan() {
        "NaN".into()
    } else if number.is_infinite() {
        if number > 0.0 {
            "Infinity"
        } else {
            "-Infinity"
        }
        .into()
    } else if number.fract() != 0.0 {
        "a number with a fractional part".into()
    } else if number >= f64::from(min) && number <= f64::from(max) {
        return Ok(Some(number as u32));
    } else if number.abs() < 1e15 {
        let sign = if number < 0.0 { "-" } else { "" };
        [sign, &decimal(number.abs() as u64)].concat()
    } else if number > 0.0 {
        "a larger number".into()
    } else {
        "a smaller number".into()
    };
    Err(Failure::invalid(
        field,
        [field, " must be ", &expected, "; got ", &got].concat(),
    ))
}

/// A non-negative integer in decimal, without `core::fmt` (whose machinery costs kilobytes in the wasm).
pub(crate) fn decimal(mut n: u64) -> String {
    let mut digits = [0u8; 20];
    let mut start = digits.len();
    loop {
        start -= 1;
        digits[start] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    digits[start..].iter().map(|&d| char::from(d)).collect()
}

/// A user's (non-secret) value in quotes for a message: at most 40 characters (cut at a character boundary,
/// then `…`), control characters shown as `�`.
pub(crate) fn quote(value: &str) -> String {
    let mut out = String::from("'");
    for (index, c) in value.chars().enumerate() {
        if index == 40 {
            out.push('…');
            break;
        }
        out.push(if c.is_control() { '\u{FFFD}' } else { c });
    }
    out.push('\'');
    out
}

// Truncates to at most `max` characters, at a character boundary.
fn truncate(value: &str, max: usize) -> String {
    value.chars().take(max).collect()
}

fn describe_char(c: char) -> String {
    if c == ' ' {
        "a space".into()
    } else if c.is_whitespace() || c.is_control() {
        "a whitespace or control character".into()
    } else {
        ["'", c.encode_utf8(&mut [0; 4]), "'"].concat()
    }
}

/// The candidate nearest to `needle` (already normalised) within `max` edits, comparing `prepare(candidate)`;
/// the first one on a tie. Needles over 64 characters match nothing (bounds the work on hostile input).
pub(crate) fn nearest<'a>(
    needle: &str,
    candidates: impl Iterator<Item = &'a str>,
    max: usize,
    prepare: fn(&str) -> String,
) -> Option<&'a str> {
    if needle.chars().count() > 64 {
        return None;
    }
    let mut best: Option<(usize, &str)> = None;
    for candidate in candidates {
        let distance = edit_distance(needle, &prepare(candidate));
        if distance <= max && best.is_none_or(|(best_distance, _)| distance < best_distance) {
            best = Some((distance, candidate));
        }
    }
    best.map(|(_, candidate)| candidate)
}

/// Optimal-string-alignment distance: insertions, deletions, substitutions and swaps of neighbours each count 1
/// (`porjectId` is one edit from `projectId`).
pub(crate) fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let width = b.len() + 1;
    let mut rows = vec![0usize; (a.len() + 1) * width];
    for i in 0..=a.len() {
        for j in 0..=b.len() {
            rows[i * width + j] = if i == 0 || j == 0 {
                i + j
            } else {
                let cost = usize::from(a[i - 1] != b[j - 1]);
                let mut best = (rows[(i - 1) * width + j] + 1)
                    .min(rows[i * width + j - 1] + 1)
                    .min(rows[(i - 1) * width + j - 1] + cost);
                if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                    best = best.min(rows[(i - 2) * width + j - 2] + 1);
                }
                best
            };
        }
    }
    rows[a.len() * width + b.len()]
}
