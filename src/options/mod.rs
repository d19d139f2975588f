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
//!
//! Decisions where the contract leaves room:
//! - an unknown key is rejected even when its value is `undefined` (`{ serverID: id }` with `id` undefined is
//!   still a typo worth reporting);
//! - neither `token` nor `credentials` → field `token`; both → field `credentials`; likewise neither `region`
//!   nor `endpoint` → field `region`, both → field `endpoint` (the contract says exactly one of each);
//! - `signingHost` is required with `credentials` and a relative endpoint; with an absolute endpoint it makes
//!   that endpoint a proxy too (signed: `signingHost` and the path below the endpoint's own path, which the
//!   proxy strips). It is rejected with `token` (it would have no effect, and silently ignoring it would hide a
//!   misconfiguration) and with `region` (the signed host is the region's own);
//! - `projectId` is lowercase hex only (IAM returns it so); `serverId` and `taskId` are UUIDs in either case,
//!   kept as given;
//! - a `password` is non-empty, at most 16 KiB, and has no control characters (spaces are allowed); a `keypair`
//!   key is one PEM private-key block, sent verbatim (surrounding whitespace included); its PEM label (`RSA`,
//!   `EC`…) may appear in a message, its contents never;
//! - `auth.type` is echoed only when it is a known word (`'Keypair'`, `'pem'`): anything else may be a
//!   password or key put in the wrong field.

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
pub(crate) const CREDENTIALS_KEYS: &[&str] = &["accessKeyId", "secretAccessKey", "securityToken"];
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
const DISASSOCIATE_AND_WAIT_KEYS: &[&str] = &[
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
pub(crate) const CREDENTIALS_ALIASES: &[(&str, &str)] = &[
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

/// How a wait polls: `intervalMs`, `waitTimeoutMs` and whether `onProgress` was given.
#[derive(Debug)]
pub struct WaitSettings {
    pub interval_ms: u32,
    pub wait_timeout_ms: u32,
    /// Whether `onProgress` was given (the boundary keeps the JS function itself).
    pub has_on_progress: bool,
}

/// The validated options of `disassociateKeypairAndWait`.
#[derive(Debug)]
pub struct DisassociateAndWaitOptions {
    pub disassociate: DisassociateOptions,
    pub wait: WaitSettings,
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
    let (client, wait) = fields.client_and_wait(connection)?;
    Ok(WaitForTaskOptions {
        query: TaskQueryOptions {
            client,
            project_id,
            task_id,
        },
        interval_ms: wait.interval_ms,
        wait_timeout_ms: wait.wait_timeout_ms,
        has_on_progress: wait.has_on_progress,
    })
}

/// Validates the options of `disassociateKeypairAndWait`: those of `disassociateKeypair` plus the wait's
/// `intervalMs`, `waitTimeoutMs` and `onProgress` (as [`validate_wait_for_task`]).
pub fn validate_disassociate_and_wait(
    input: Input,
    env: &Environment,
) -> Result<DisassociateAndWaitOptions, Failure> {
    let mut fields = Fields::open(input, DISASSOCIATE_AND_WAIT_KEYS)?;
    let connection = fields.connection(env)?;
    let project_id = project_id(fields.take("projectId"))?;
    let server_id = uuid("serverId", fields.take("serverId"), "the ECS server ID")?;
    let auth = server_auth(fields.take("auth"))?;
    let (client, wait) = fields.client_and_wait(connection)?;
    Ok(DisassociateAndWaitOptions {
        disassociate: DisassociateOptions {
            client,
            project_id,
            request: DisassociateRequest {
                server: Server {
                    id: server_id,
                    auth,
                },
            },
        },
        wait,
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
    pub(crate) fn take(&mut self, key: &str) -> Input {
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
                endpoint.proxied = true;
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

    /// The client options with a wait's own, in the documented order: `timeoutMs`, `intervalMs`,
    /// `waitTimeoutMs`, `signal`, `onProgress`.
    fn client_and_wait(
        &mut self,
        connection: Connection,
    ) -> Result<(ClientOptions, WaitSettings), Failure> {
        let timeout_ms = self.timeout()?;
        let interval_ms = integer(
            "intervalMs",
            self.take("intervalMs"),
            MIN_INTERVAL_MS,
            MAX_TIMEOUT_MS,
            MS,
        )?;
        let wait_timeout_ms = integer(
            "waitTimeoutMs",
            self.take("waitTimeoutMs"),
            1,
            MAX_WAIT_TIMEOUT_MS,
            MS,
        )?;
        let has_signal = self.signal()?;
        let has_on_progress = match self.take("onProgress") {
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
        let client = ClientOptions {
            credentials: connection.credentials,
            endpoint: connection.endpoint,
            timeout_ms,
            has_signal,
        };
        let wait = WaitSettings {
            interval_ms: interval_ms.unwrap_or(DEFAULT_INTERVAL_MS),
            wait_timeout_ms: wait_timeout_ms.unwrap_or(DEFAULT_WAIT_TIMEOUT_MS),
            has_on_progress,
        };
        Ok((client, wait))
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
pub(crate) fn scrub(value: &mut Input) {
    match value {
        Input::String(text) => text.zeroize(),
        Input::Object(entries) => entries.iter_mut().for_each(|(_, value)| scrub(value)),
        _ => {}
    }
}

// Step 2 for one level: the first key not in `accepted` is reported, with the key probably meant.
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

/// Fails when `text` contains whitespace or a control character, saying where (1-based, in characters).
pub(crate) fn reject_blanks(field: &str, text: &str) -> Result<(), Failure> {
    if let Some(position) = text
        .chars()
        .position(|c| c.is_whitespace() || c.is_control())
    {
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

pub(crate) fn access_key(fields: &mut Fields) -> Result<Credentials, Failure> {
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
        // Only an HMAC key, never sent; but no SK that IAM issues has such a character (a pasted typographic
        // quote, say), and refusing it here beats the server's opaque signature mismatch.
        "a character that no secret access key has",
    )?;
    let security_token = secret(ST, fields.take("securityToken"), "a string", true)?;
    if let Some(token) = &security_token {
        check_secret_text(ST, token, MAX_TOKEN_BYTES, "64 KiB", IN_A_HEADER)?;
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
        // The label of the last `-----END <LABEL> PRIVATE KEY-----` line, if there is one.
        let end_label = after_header
            .rfind("-----END ")
            .and_then(|i| after_header[i + 9..].split("-----").next())
            .and_then(|end_header| match end_header {
                "PRIVATE KEY" => Some(""),
                _ => end_header
                    .strip_suffix(" PRIVATE KEY")
                    .filter(|label| is_pem_label(label)),
            });
        let message = match end_label {
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

// As [`string`], the string moved (not copied) into a `Secret` before anything else looks at it.
fn secret(
    field: &str,
    value: Input,
    expected: &str,
    optional: bool,
) -> Result<Option<Secret>, Failure> {
    Ok(string(field, value, expected, optional)?.map(Secret::new))
}

pub(crate) fn required<T>(field: &str, value: Option<T>, what: &str) -> Result<T, Failure> {
    value.ok_or_else(|| Failure::invalid(field, [field, " is required: ", what].concat()))
}

pub(crate) fn wrong_type(field: &str, expected: &str, mut got: Input, optional: bool) -> Failure {
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
                &["a number: ", &expected].concat(),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;

    const PROJECT: &str = "0123456789abcdef0123456789abcdef";
    const SERVER: &str = "b8a3f4c2-1d2e-4f60-9a7b-3c4d5e6f7a8b";
    const TASK: &str = "aee8d2fe-5484-4753-9177-5a38dc15546c";
    const TOKEN: &str = "MIIPAgYJKoZIhvcNAQcCoIIO8zCCDu8CAQExDTALBglghkgBZQMEAgEw";
    const AK: &str = "HPUAEXAMPLE1234567890";
    const SK: &str = "qLZBJ9k7Xh2mEXAMPLEsecretKEY0123456789ab";
    const ST: &str = "gQpAXRiRlZdRXhhbXBsZVNlY3VyaXR5VG9rZW4";
    const PEM: &str = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAtEXAMPLE\n-----END RSA PRIVATE KEY-----\n";
    const NODE: Environment = Environment {
        relative_endpoints_allowed: false,
    };
    const BROWSER: Environment = Environment {
        relative_endpoints_allowed: true,
    };

    fn s(text: &str) -> Input {
        Input::String(text.to_owned())
    }

    fn object(entries: Vec<(&str, Input)>) -> Input {
        Input::Object(
            entries
                .into_iter()
                .map(|(key, value)| (key.to_owned(), value))
                .collect(),
        )
    }

    fn set(key: &str, value: Input) -> (&str, Option<Input>) {
        (key, Some(value))
    }

    fn unset(key: &str) -> (&str, Option<Input>) {
        (key, None)
    }

    /// Valid disassociate options (token, region) with `changes` applied: set or replace a key, or remove it.
    fn with(changes: Vec<(&str, Option<Input>)>) -> Input {
        let base = vec![
            ("projectId", s(PROJECT)),
            ("serverId", s(SERVER)),
            ("token", s(TOKEN)),
            ("region", s("cn-north-4")),
        ];
        apply(base, changes)
    }

    fn apply(base: Vec<(&str, Input)>, changes: Vec<(&str, Option<Input>)>) -> Input {
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

    fn access_key(changes: Vec<(&str, Option<Input>)>) -> Input {
        apply(
            vec![("accessKeyId", s(AK)), ("secretAccessKey", s(SK))],
            changes,
        )
    }

    /// Valid options that authenticate with an access key whose fields get `changes`.
    fn with_access_key(changes: Vec<(&str, Option<Input>)>) -> Input {
        with(vec![
            unset("token"),
            set("credentials", access_key(changes)),
        ])
    }

    fn auth(kind: &str, key: &str) -> Input {
        object(vec![("type", s(kind)), ("key", s(key))])
    }

    fn pem(label: &str, body: &str) -> String {
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

    fn valid(input: Input) -> DisassociateOptions {
        validate_disassociate(input, &NODE).unwrap_or_else(|failure| panic!("{failure}"))
    }

    fn failure_in(input: Input, env: &Environment) -> Failure {
        let failure = validate_disassociate(input, env).expect_err("validation should fail");
        assert_eq!(failure.kind, ErrorKind::Validation);
        assert_eq!(failure.code, "INVALID_ARGUMENT");
        assert_eq!(failure.status, 0);
        failure
    }

    /// Asserts that `input` is rejected for `field`, with a message that contains every needle.
    fn rejects(input: Input, field: &str, needles: &[&str]) -> String {
        rejects_in(input, &NODE, field, needles)
    }

    fn rejects_in(input: Input, env: &Environment, field: &str, needles: &[&str]) -> String {
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

    /// One of every kind of value that is not a string, with how a message describes it.
    fn non_strings() -> Vec<(Input, &'static str)> {
        vec![
            (Input::Null, "got null"),
            (Input::Bool(true), "got a boolean"),
            (Input::Number(42.0), "got a number"),
            (Input::Object(Vec::new()), "got an object"),
            (Input::Array, "got an array"),
            (Input::Function, "got a function"),
            (Input::AbortSignal, "got an AbortSignal"),
            (Input::Other("a bigint"), "got a bigint"),
        ]
    }

    // --- successful outputs ---

    #[test]
    fn valid_token_and_region_options_produce_the_request_and_the_defaults() {
        let options = valid(with(vec![]));
        assert_eq!(options.project_id, PROJECT);
        assert_eq!(options.request.server.id, SERVER);
        assert!(options.request.server.auth.is_none());
        assert!(
            matches!(&options.client.credentials, Credentials::Token(token) if token.expose() == TOKEN)
        );
        assert_eq!(
            options.client.endpoint.base,
            "https://kms.cn-north-4.myhuaweicloud.com"
        );
        assert_eq!(
            options.client.endpoint.signing_host.as_deref(),
            Some("kms.cn-north-4.myhuaweicloud.com")
        );
        assert_eq!(options.client.timeout_ms, 30_000);
        assert!(!options.client.has_signal);
    }

    #[test]
    fn the_request_serialises_to_the_official_wire_json() {
        let options = valid(with(vec![set("auth", auth("keypair", PEM))]));
        let json = options.request.to_json();
        let expected =
            serde_json::json!({"server": {"id": SERVER, "auth": {"type": "keypair", "key": PEM}}});
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&json).unwrap(),
            expected
        );
        let without_auth = valid(with(vec![])).request.to_json();
        assert_eq!(
            without_auth,
            format!("{{\"server\":{{\"id\":\"{SERVER}\"}}}}")
        );
    }

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
    fn debug_output_of_validated_options_shows_no_secret() {
        let options = valid(with(vec![set("auth", auth("password", "Pa55word!"))]));
        let text = format!("{options:?}");
        assert!(
            !text.contains(TOKEN) && !text.contains("Pa55word"),
            "{text}"
        );
        let text = format!(
            "{:?}",
            valid(with_access_key(vec![set("securityToken", s(ST))]))
        );
        assert!(!text.contains(SK) && !text.contains(ST), "{text}");
        assert!(text.contains(AK), "the access key ID is not secret: {text}");
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

    // --- the options object ---

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
    fn an_empty_options_object_asks_for_authentication_first() {
        rejects(
            object(vec![]),
            "token",
            &["either token", "or credentials", "is required"],
        );
    }

    // --- unknown keys ---

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
                     signingHost, timeoutMs, signal, allowInsecureHttp",
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

    // --- wrong types ---

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

    #[test]
    fn allow_insecure_http_must_be_a_boolean() {
        for (value, got) in [
            (s("true"), "got a string"),
            (Input::Number(1.0), "got a number"),
            (Input::Null, "got null"),
            (Input::Object(Vec::new()), "got an object"),
        ] {
            rejects(
                with(vec![set("allowInsecureHttp", value)]),
                "allowInsecureHttp",
                &["allowInsecureHttp must be a boolean", got],
            );
        }
        valid(with(vec![set("allowInsecureHttp", Input::Bool(false))]));
    }

    #[test]
    fn signal_must_be_an_abort_signal_and_sets_has_signal() {
        for (value, got) in [
            (Input::Object(Vec::new()), "got an object"),
            (s("abort"), "got a string"),
            (Input::Null, "got null"),
            (Input::Bool(true), "got a boolean"),
            (Input::Function, "got a function"),
            (Input::Number(1.0), "got a number"),
            (Input::Array, "got an array"),
        ] {
            rejects(
                with(vec![set("signal", value)]),
                "signal",
                &["signal must be an AbortSignal", got],
            );
        }
        assert!(
            valid(with(vec![set("signal", Input::AbortSignal)]))
                .client
                .has_signal
        );
    }

    #[test]
    fn timeout_ms_rejects_values_that_are_not_numbers() {
        for (value, got) in [
            (s("1000"), "got a string"),
            (Input::Bool(true), "got a boolean"),
            (Input::Null, "got null"),
            (Input::Object(Vec::new()), "got an object"),
            (Input::Other("a bigint"), "got a bigint"),
        ] {
            rejects(
                with(vec![set("timeoutMs", value)]),
                "timeoutMs",
                &[
                    "timeoutMs must be a number: an integer from 1 to 600000 (milliseconds); got",
                    got,
                ],
            );
        }
    }

    // --- authentication ---

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

    // --- endpoint ---

    #[test]
    fn neither_region_nor_endpoint_says_which_are_accepted() {
        rejects(
            with(vec![unset("region")]),
            "region",
            &["either region (such as 'cn-north-4') or endpoint (a base URL) is required"],
        );
    }

    #[test]
    fn both_region_and_endpoint_asks_to_pick_one() {
        rejects(
            with(vec![set("endpoint", s("https://example.com"))]),
            "endpoint",
            &["pass either region or endpoint, not both"],
        );
    }

    #[test]
    fn region_problems_are_reported_for_the_region_field() {
        for (region, needle) in [
            (
                "CN-NORTH-4",
                "must be lowercase: did you mean 'cn-north-4'?",
            ),
            ("cn_north_4", "did you mean 'cn-north-4'?"),
            ("", "region must not be empty"),
            (
                "https://kms.cn-north-4.myhuaweicloud.com",
                "pass a URL as endpoint instead",
            ),
            (
                "cn-noth-4",
                "is not a known region; did you mean 'cn-north-4'?",
            ),
        ] {
            rejects(with(vec![set("region", s(region))]), "region", &[needle]);
        }
        for region in [
            "cn-north-4",
            "my-kualalumpur-1",
            "ap-southeast-3",
            "eu-west-7",
        ] {
            let options = valid(with(vec![set("region", s(region))]));
            assert_eq!(
                options.client.endpoint.base,
                ["https://kms.", region, ".myhuaweicloud.com"].concat()
            );
        }
    }

    #[test]
    fn an_absolute_endpoint_is_normalised_and_its_host_signed() {
        let input = with(vec![
            unset("region"),
            set("endpoint", s("https://KMS.example.com:443/kps/")),
        ]);
        let endpoint = valid(input).client.endpoint;
        assert_eq!(endpoint.base, "https://kms.example.com/kps");
        assert_eq!(endpoint.signing_host.as_deref(), Some("kms.example.com"));
        assert!(
            !endpoint.proxied,
            "without signingHost the endpoint is KPS itself"
        );
    }

    #[test]
    fn a_relative_endpoint_works_in_browsers_and_is_refused_in_node() {
        let input = || with(vec![unset("region"), set("endpoint", s("/kps/"))]);
        let options = validate_disassociate(input(), &BROWSER).unwrap();
        assert_eq!(options.client.endpoint.base, "/kps");
        assert_eq!(options.client.endpoint.signing_host, None);
        rejects_in(
            input(),
            &NODE,
            "endpoint",
            &["relative endpoints such as '/kps' work only in browsers"],
        );
    }

    #[test]
    fn credentials_with_a_relative_endpoint_require_signing_host() {
        let input = with(vec![
            unset("token"),
            set("credentials", access_key(vec![])),
            unset("region"),
            set("endpoint", s("/kps")),
        ]);
        rejects_in(
            input,
            &BROWSER,
            "signingHost",
            &[
                "signingHost is required when credentials are used with a relative endpoint",
                "'kms.cn-north-4.myhuaweicloud.com'",
            ],
        );
    }

    #[test]
    fn signing_host_sets_the_signed_host_behind_a_relative_or_absolute_endpoint() {
        for endpoint in ["/kps", "https://proxy.example.com/kps"] {
            let input = with(vec![
                unset("token"),
                set("credentials", access_key(vec![])),
                unset("region"),
                set("endpoint", s(endpoint)),
                set("signingHost", s("KMS.cn-north-4.myhuaweicloud.com")),
            ]);
            let options = validate_disassociate(input, &BROWSER).unwrap();
            assert_eq!(
                options.client.endpoint.signing_host.as_deref(),
                Some("kms.cn-north-4.myhuaweicloud.com")
            );
            assert!(options.client.endpoint.proxied, "{endpoint} is a proxy");
        }
    }

    #[test]
    fn signing_host_is_rejected_with_a_token_where_it_would_have_no_effect() {
        let input = with(vec![
            unset("region"),
            set("endpoint", s("/kps")),
            set("signingHost", s("kms.example.com")),
        ]);
        rejects_in(
            input,
            &BROWSER,
            "signingHost",
            &["with token it has no effect"],
        );
    }

    #[test]
    fn signing_host_is_rejected_with_region_whose_host_is_known() {
        let input = with_access_key(vec![]);
        let Input::Object(mut entries) = input else {
            panic!()
        };
        entries.push(("signingHost".into(), s("kms.example.com")));
        rejects(
            Input::Object(entries),
            "signingHost",
            &["signingHost applies only with endpoint"],
        );
    }

    #[test]
    fn an_invalid_signing_host_is_reported_for_its_field() {
        let input = with(vec![
            unset("token"),
            set("credentials", access_key(vec![])),
            unset("region"),
            set("endpoint", s("/kps")),
            set("signingHost", s("https://kms.example.com")),
        ]);
        rejects_in(input, &BROWSER, "signingHost", &["without a scheme"]);
    }

    #[test]
    fn plain_http_beyond_loopback_needs_allow_insecure_http_true() {
        let input = |allow: Input| {
            with(vec![
                unset("region"),
                set("endpoint", s("http://10.0.0.5:8080")),
                set("allowInsecureHttp", allow),
            ])
        };
        rejects(
            input(Input::Undefined),
            "endpoint",
            &["not a loopback host", "allowInsecureHttp: true"],
        );
        rejects(
            input(Input::Bool(false)),
            "endpoint",
            &["not a loopback host"],
        );
        assert_eq!(
            valid(input(Input::Bool(true))).client.endpoint.base,
            "http://10.0.0.5:8080"
        );
        let local = with(vec![
            unset("region"),
            set("endpoint", s("http://127.0.0.1:8787")),
        ]);
        assert_eq!(valid(local).client.endpoint.base, "http://127.0.0.1:8787");
    }

    // --- ids ---

    #[test]
    fn a_project_id_of_32_hex_characters_is_accepted_and_31_or_33_rejected() {
        valid(with(vec![set(
            "projectId",
            s("ffffffffffffffffffffffffffffffff"),
        )]));
        let message = rejects(
            with(vec![set("projectId", s(&PROJECT[..31]))]),
            "projectId",
            &[],
        );
        assert!(
            message.starts_with(
                "projectId must be 32 hex characters (the project ID from IAM); got 31 characters"
            ),
            "{message}"
        );
        let message = rejects(
            with(vec![set("projectId", s(&[PROJECT, "0"].concat()))]),
            "projectId",
            &[],
        );
        assert!(
            message.starts_with(
                "projectId must be 32 hex characters (the project ID from IAM); got 33 characters"
            ),
            "{message}"
        );
    }

    #[test]
    fn a_project_id_names_the_first_character_that_is_not_hex_and_its_position() {
        for (id, needle) in [
            ("0123g56789abcdef0123456789abcdef", "got 'g' at position 5"),
            ("0123456789abcdef0123456789abcde-", "got '-' at position 32"),
            (
                "0123 56789abcdef0123456789abcdef",
                "got a space at position 5",
            ),
            (
                "\t123456789abcdef0123456789abcdef",
                "got a whitespace or control character at position 1",
            ),
            ("é123456789abcdef0123456789abcdef", "got 'é' at position 1"),
        ] {
            rejects(with(vec![set("projectId", s(id))]), "projectId", &[needle]);
        }
    }

    #[test]
    fn an_uppercase_project_id_is_rejected_with_a_lowercase_hint() {
        rejects(
            with(vec![set(
                "projectId",
                s("0123456789ABCDEF0123456789abcdef"),
            )]),
            "projectId",
            &["must be lowercase hex"],
        );
    }

    #[test]
    fn an_empty_project_id_or_a_missing_one_is_rejected() {
        rejects(
            with(vec![set("projectId", s(""))]),
            "projectId",
            &["got an empty string"],
        );
        rejects(
            with(vec![unset("projectId")]),
            "projectId",
            &["projectId is required: the 32-character project ID from IAM"],
        );
        rejects(
            with(vec![set("projectId", Input::Undefined)]),
            "projectId",
            &["projectId is required"],
        );
    }

    #[test]
    fn a_uuid_or_a_region_given_as_project_id_gets_a_hint() {
        rejects(
            with(vec![set("projectId", s(SERVER))]),
            "projectId",
            &["without hyphens; got a UUID (is it the server ID?)"],
        );
        rejects(
            with(vec![set("projectId", s("cn-north-4"))]),
            "projectId",
            &["got 10 characters ('cn-north-4')", "that is a region"],
        );
    }

    #[test]
    fn a_huge_or_multibyte_project_id_is_echoed_at_most_forty_characters_without_panicking() {
        for id in ["a".repeat(1_000_000), "é".repeat(41), "😀".repeat(100)] {
            let message = rejects(with(vec![set("projectId", s(&id))]), "projectId", &["…')"]);
            assert!(message.chars().count() < 160, "{message}");
        }
    }

    #[test]
    fn a_server_id_is_a_uuid_in_either_case_kept_as_given() {
        valid(with(vec![set("serverId", s(SERVER))]));
        let upper = SERVER.to_ascii_uppercase();
        assert_eq!(
            valid(with(vec![set("serverId", s(&upper))]))
                .request
                .server
                .id,
            upper
        );
    }

    #[test]
    fn a_server_id_of_35_or_37_characters_is_rejected_with_its_length() {
        rejects(
            with(vec![set("serverId", s(&SERVER[..35]))]),
            "serverId",
            &[
                "serverId must be a UUID (8-4-4-4-12 hex digits",
                "got 35 characters",
            ],
        );
        rejects(
            with(vec![set("serverId", s(&[SERVER, "0"].concat()))]),
            "serverId",
            &["got 37 characters"],
        );
    }

    #[test]
    fn a_server_id_names_a_misplaced_hyphen_or_a_character_that_is_not_hex() {
        for (id, needle) in [
            (
                "b8a3f4c21-d2e-4f60-9a7b-3c4d5e6f7a8b",
                "'-' expected but got '1' at position 9",
            ),
            (
                "b8a3f4c2-1d2e-4f60-9a7b-3c4d5e6f7a8-",
                "got '-' at position 36",
            ),
            (
                "g8a3f4c2-1d2e-4f60-9a7b-3c4d5e6f7a8b",
                "got 'g' at position 1",
            ),
            (
                "{8a3f4c2-1d2e-4f60-9a7b-3c4d5e6f7a8}",
                "got '{' at position 1",
            ),
        ] {
            rejects(with(vec![set("serverId", s(id))]), "serverId", &[needle]);
        }
    }

    #[test]
    fn a_server_id_without_hyphens_an_empty_one_a_name_or_a_missing_one_is_rejected() {
        rejects(
            with(vec![set("serverId", s(&SERVER.replace('-', "")))]),
            "serverId",
            &["got 32 hex digits without the hyphens"],
        );
        rejects(
            with(vec![set("serverId", s(""))]),
            "serverId",
            &["got an empty string"],
        );
        rejects(
            with(vec![set("serverId", s("my-web-server"))]),
            "serverId",
            &["got 13 characters ('my-web-server')"],
        );
        rejects(
            with(vec![unset("serverId")]),
            "serverId",
            &["serverId is required: the ECS server ID"],
        );
    }

    // --- auth ---

    #[test]
    fn auth_with_a_pem_private_key_of_any_label_is_accepted_and_sent_verbatim() {
        for label in ["RSA", "EC", "DSA", "OPENSSH", "ENCRYPTED", ""] {
            let key = pem(label, "MIIEowIBAAKCAQEAtEXAMPLE\nAbCd==");
            let options = valid(with(vec![set("auth", auth("keypair", &key))]));
            let server_auth = options.request.server.auth.unwrap();
            assert_eq!(server_auth.kind, AuthType::Keypair);
            assert_eq!(server_auth.key.expose(), key);
        }
    }

    #[test]
    fn a_pem_key_may_have_surrounding_whitespace_crlf_line_breaks_and_legacy_headers() {
        for key in [
            ["\n\n  ", PEM, "\n\n"].concat(),
            PEM.replace('\n', "\r\n"),
            pem(
                "RSA",
                "Proc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,0123456789ABCDEF\n\nMIIEow==",
            ),
            PEM.trim_end().to_owned(),
        ] {
            valid(with(vec![set("auth", auth("keypair", &key))]));
        }
    }

    #[test]
    fn auth_with_a_password_is_accepted_with_spaces_and_symbols() {
        let options = valid(with(vec![set(
            "auth",
            auth("password", "Pa55 w0rd!@#$%^&*()€"),
        )]));
        let server_auth = options.request.server.auth.unwrap();
        assert_eq!(server_auth.kind, AuthType::Password);
        assert_eq!(server_auth.key.expose(), "Pa55 w0rd!@#$%^&*()€");
    }

    #[test]
    fn a_wrong_auth_type_suggests_keypair_or_password() {
        for (kind, meant, echoed) in [
            ("key", "keypair", true),
            ("Keypair", "keypair", true),
            ("KEYPAIR", "keypair", true),
            ("key_pair", "keypair", true),
            ("key-pair", "keypair", true),
            ("pem", "keypair", true),
            ("ssh", "keypair", true),
            ("privateKey", "keypair", true),
            ("rsa", "keypair", true),
            ("Password", "password", true),
            ("PASSWORD", "password", true),
            ("pass", "password", true),
            ("pwd", "password", true),
            ("passwrd", "password", false),
            ("keypiar", "keypair", false),
        ] {
            let input = with(vec![set("auth", auth(kind, PEM))]);
            let message = rejects(
                input,
                "auth.type",
                &["auth.type must be 'keypair' (key is the PEM private key) or 'password'"],
            );
            assert!(
                message.ends_with(&["did you mean '", meant, "'?"].concat()),
                "{message}"
            );
            assert_eq!(
                message.contains(&["'", kind, "'"].concat()),
                echoed,
                "{message}"
            );
        }
    }

    #[test]
    fn an_auth_type_far_from_both_values_is_rejected_without_echo_or_suggestion() {
        for kind in ["", "token", "hunter2", "-----BEGIN RSA PRIVATE KEY-----"] {
            let message = rejects(
                with(vec![set("auth", auth(kind, PEM))]),
                "auth.type",
                &["; got another value"],
            );
            assert!(!message.contains("did you mean"), "{message}");
        }
    }

    #[test]
    fn auth_type_and_auth_key_are_required_inside_auth() {
        rejects(
            with(vec![set("auth", object(vec![("key", s(PEM))]))]),
            "auth.type",
            &["auth.type is required: 'keypair' or 'password'"],
        );
        rejects(
            with(vec![set("auth", object(vec![]))]),
            "auth.type",
            &["is required"],
        );
        rejects(
            with(vec![set("auth", object(vec![("type", s("keypair"))]))]),
            "auth.key",
            &["auth.key is required: the server's current PEM private key"],
        );
        rejects(
            with(vec![set("auth", object(vec![("type", s("password"))]))]),
            "auth.key",
            &["auth.key is required: the server's password"],
        );
    }

    #[test]
    fn an_empty_auth_key_is_rejected_for_both_types() {
        for kind in ["keypair", "password"] {
            rejects(
                with(vec![set("auth", auth(kind, ""))]),
                "auth.key",
                &["auth.key must not be empty"],
            );
        }
    }

    #[test]
    fn an_auth_key_of_16_kib_is_accepted_and_one_byte_more_is_rejected_naming_the_limit() {
        let frame = pem("", "").len();
        let at_limit = pem("", &"A".repeat(MAX_AUTH_KEY_BYTES - frame));
        assert_eq!(at_limit.len(), 16_384);
        valid(with(vec![set("auth", auth("keypair", &at_limit))]));
        valid(with(vec![set(
            "auth",
            auth("password", &"p".repeat(16_384)),
        )]));
        let over = pem("", &"A".repeat(MAX_AUTH_KEY_BYTES - frame + 1));
        for (kind, key) in [("keypair", over), ("password", "p".repeat(16_385))] {
            rejects(
                with(vec![set("auth", auth(kind, &key))]),
                "auth.key",
                &["auth.key is too long: 16385 bytes; at most 16384 bytes (16 KiB) are accepted"],
            );
        }
    }

    #[test]
    fn a_public_key_is_rejected_with_a_message_that_the_private_key_is_needed() {
        for key in [
            "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC user@host",
            "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI user@host",
            "ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTY= user@host",
            "  ssh-rsa AAAA\n",
            "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n-----END PUBLIC KEY-----",
            "-----BEGIN RSA PUBLIC KEY-----\nMIIBCgKCAQEA\n-----END RSA PUBLIC KEY-----",
            "---- BEGIN SSH2 PUBLIC KEY ----\nAAAAB3NzaC1yc2E\n---- END SSH2 PUBLIC KEY ----",
        ] {
            rejects(with(vec![set("auth", auth("keypair", key))]), "auth.key", &["auth.key is a public key", "private key"]);
        }
    }

    #[test]
    fn a_keypair_key_that_is_not_a_pem_private_key_is_rejected_saying_what_is_wrong() {
        let begin_only = "-----BEGIN RSA PRIVATE KEY-----\nMIIEow";
        let two = [PEM, PEM].concat();
        let mismatch = "-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END EC PRIVATE KEY-----";
        let unlabelled_end = "-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----";
        for (key, needle) in [
            ("hunter2", "must be a PEM private key starting with '-----BEGIN ... PRIVATE KEY-----'"),
            ("Bag Attributes\n-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----", "starting with '-----BEGIN"),
            ("-----BEGIN RSA PRIVATE KEY\nMIIE", "BEGIN line is not closed with '-----'"),
            ("-----BEGIN rsa PRIVATE KEY-----\nMIIE\n-----END rsa PRIVATE KEY-----", "its first line must be"),
            ("-----BEGIN SECRET-----\nMIIE\n-----END SECRET-----", "its first line must be"),
            (mismatch, "END line ('-----END EC PRIVATE KEY-----') does not match its BEGIN line ('-----BEGIN RSA PRIVATE KEY-----')"),
            (unlabelled_end, "END line ('-----END PRIVATE KEY-----') does not match"),
            (begin_only, "must end with '-----END RSA PRIVATE KEY-----' (is the key cut short?)"),
            ("-----BEGIN PRIVATE KEY-----\n\n-----END PRIVATE KEY-----", "no key data between its BEGIN and END lines"),
            ("-----BEGIN PRIVATE KEY----------END PRIVATE KEY-----", "no key data"),
            (two.as_str(), "exactly one PEM block"),
            ("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----", "is a certificate, not a private key"),
            ("PuTTY-User-Key-File-3: ssh-rsa\nEncryption: none", "PuTTY .ppk key"),
            ("-----BEGIN RSA PRIVATE KEY-----\\nMIIE\\n-----END RSA PRIVATE KEY-----", "literal '\\n' sequences"),
        ] {
            rejects(with(vec![set("auth", auth("keypair", key))]), "auth.key", &[needle]);
        }
    }

    #[test]
    fn a_password_with_control_characters_or_a_pem_key_as_password_is_rejected() {
        for password in ["hunter2\n", "hun\tter2", "\u{0}"] {
            rejects(
                with(vec![set("auth", auth("password", password))]),
                "auth.key",
                &["must not contain control characters"],
            );
        }
        rejects(
            with(vec![set("auth", auth("password", PEM))]),
            "auth.key",
            &["looks like a PEM key", "use type 'keypair'"],
        );
    }

    // --- numbers ---

    #[test]
    fn timeout_ms_accepts_integers_from_1_to_600000() {
        for timeout in [1.0, 2.0, 30_000.0, 599_999.0, 600_000.0] {
            assert_eq!(
                valid(with(vec![set("timeoutMs", Input::Number(timeout))]))
                    .client
                    .timeout_ms,
                timeout as u32
            );
        }
    }

    #[test]
    fn timeout_ms_rejects_zero_negatives_fractions_nan_infinity_and_too_large_values() {
        for (timeout, got) in [
            (0.0, "got 0"),
            (-0.0, "got 0"),
            (-1.0, "got -1"),
            (600_001.0, "got 600001"),
            (1.5, "got a number with a fractional part"),
            (0.5, "got a number with a fractional part"),
            (f64::NAN, "got NaN"),
            (f64::INFINITY, "got Infinity"),
            (f64::NEG_INFINITY, "got -Infinity"),
            (1e300, "got a larger number"),
            (-1e300, "got a smaller number"),
            (4_294_967_296.0, "got 4294967296"),
        ] {
            let message = rejects(
                with(vec![set("timeoutMs", Input::Number(timeout))]),
                "timeoutMs",
                &[],
            );
            assert_eq!(
                message,
                [
                    "timeoutMs must be an integer from 1 to 600000 (milliseconds); ",
                    got
                ]
                .concat()
            );
        }
    }

    // --- precedence ---

    #[test]
    fn problems_are_reported_in_the_documented_order_one_at_a_time() {
        // Every option wrong at once; fixing the reported one reveals the next, in the documented order.
        let mut changes = vec![
            set("zzz", s("x")),
            set("token", s("")),
            set("region", s("NOT A REGION")),
            set("projectId", s("nope")),
            set("serverId", s("nope")),
            set("auth", object(vec![("type", s("nope")), ("key", s(""))])),
            set("timeoutMs", Input::Number(0.0)),
            set("signal", s("nope")),
        ];
        let fixes = vec![
            ("zzz", None),
            ("token", Some(s(TOKEN))),
            ("region", Some(s("cn-north-4"))),
            ("projectId", Some(s(PROJECT))),
            ("serverId", Some(s(SERVER))),
            (
                "auth.type",
                Some(object(vec![("type", s("password")), ("key", s(""))])),
            ),
            ("auth.key", Some(auth("password", "pw"))),
            ("timeoutMs", Some(Input::Number(1.0))),
            ("signal", Some(Input::AbortSignal)),
        ];
        fn inputs<'a>(changes: &[(&'a str, Option<Input>)]) -> Vec<(&'a str, Option<Input>)> {
            changes
                .iter()
                .map(|(k, v)| (*k, v.as_ref().map(copy)))
                .collect()
        }
        for (field, fix) in fixes {
            rejects(with(inputs(&changes)), field, &[]);
            let key = field.split('.').next().unwrap();
            let index = changes.iter().position(|(k, _)| *k == key).unwrap();
            match fix {
                Some(value) => changes[index].1 = Some(value),
                None => {
                    changes.remove(index);
                }
            }
        }
        valid(with(inputs(&changes)));
    }

    #[test]
    fn within_each_step_the_order_is_types_then_exactly_one_then_values() {
        // Authentication before endpoint, whatever the key order of the object.
        let input = object(vec![
            ("region", s("NOPE")),
            ("projectId", s(PROJECT)),
            ("serverId", s(SERVER)),
            ("token", s("")),
        ]);
        rejects(input, "token", &[]);
        // A bad credentials type before the missing-both message.
        rejects(
            with(vec![unset("token"), set("credentials", Input::Array)]),
            "credentials",
            &["got an array"],
        );
        // allowInsecureHttp's type before region/endpoint.
        rejects(
            with(vec![unset("region"), set("allowInsecureHttp", s("yes"))]),
            "allowInsecureHttp",
            &[],
        );
        // The region / endpoint conflict before the region's value.
        rejects(
            with(vec![
                set("region", s("NOPE")),
                set("endpoint", s("ftp://x")),
            ]),
            "endpoint",
            &["not both"],
        );
        // The endpoint before signingHost.
        let input = with(vec![
            unset("region"),
            set("endpoint", s("ftp://x")),
            set("signingHost", s("h")),
        ]);
        rejects(input, "endpoint", &["'ftp:'"]);
        // projectId before serverId; serverId before auth; auth before timeoutMs; timeoutMs before signal.
        rejects(
            with(vec![set("projectId", s("x")), set("serverId", s("x"))]),
            "projectId",
            &[],
        );
        rejects(
            with(vec![set("serverId", s("x")), set("auth", Input::Null)]),
            "serverId",
            &[],
        );
        rejects(
            with(vec![
                set("auth", Input::Null),
                set("timeoutMs", Input::Null),
            ]),
            "auth",
            &[],
        );
        rejects(
            with(vec![
                set("timeoutMs", Input::Null),
                set("signal", Input::Null),
            ]),
            "timeoutMs",
            &[],
        );
        // Inside auth: type before key; inside credentials: accessKeyId, then secretAccessKey, then securityToken.
        rejects(
            with(vec![set(
                "auth",
                object(vec![("key", s("")), ("type", s("x"))]),
            )]),
            "auth.type",
            &[],
        );
        let input = with_access_key(vec![
            set("securityToken", s("")),
            set("secretAccessKey", s("")),
            set("accessKeyId", s("")),
        ]);
        rejects(input, "credentials.accessKeyId", &[]);
        rejects(
            with_access_key(vec![
                set("securityToken", s("")),
                set("secretAccessKey", s("")),
            ]),
            "credentials.secretAccessKey",
            &[],
        );
    }

    // A fresh copy of a test value (Input is deliberately not Clone: it may hold secrets).
    fn copy(input: &Input) -> Input {
        match input {
            Input::Undefined => Input::Undefined,
            Input::Null => Input::Null,
            Input::Bool(b) => Input::Bool(*b),
            Input::Number(n) => Input::Number(*n),
            Input::String(text) => Input::String(text.clone()),
            Input::Object(entries) => {
                Input::Object(entries.iter().map(|(k, v)| (k.clone(), copy(v))).collect())
            }
            Input::Array => Input::Array,
            Input::Function => Input::Function,
            Input::AbortSignal => Input::AbortSignal,
            Input::Date(millis) => Input::Date(*millis),
            Input::Other(kind) => Input::Other(kind),
        }
    }

    // --- secrets never in messages ---

    const CANARY: &str = "CANARY";

    /// Inputs that fail somewhere, each carrying recognisable secrets in the secret options (and in places a
    /// user might paste them by mistake: `auth.type`, the endpoint's user info or query, unknown keys' values).
    fn canary_failures() -> Vec<(Input, Environment)> {
        let token = "CANARYtokenMIIPAgYJKoZIhvcNAQcCoIIO8z";
        let sk = "CANARYsecretKeyqLZBJ9k7Xh2mEXAMPLE0123";
        let st = "CANARYsecurityTokengQpAXRiRlZdRXhhbXBs";
        let key = pem("RSA", "CANARYprivateKeyMIIEowIBAAKCAQEAt");
        let password = "CANARYpassw0rd!";
        let canary_credentials = |changes: Vec<(&str, Option<Input>)>| {
            apply(
                vec![
                    ("accessKeyId", s(AK)),
                    ("secretAccessKey", s(sk)),
                    ("securityToken", s(st)),
                ],
                changes,
            )
        };
        let aksk = |changes: Vec<(&str, Option<Input>)>| {
            let mut all = vec![
                unset("token"),
                set("credentials", canary_credentials(vec![])),
                set("auth", auth("keypair", &key)),
            ];
            all.extend(changes);
            with(all)
        };
        let tok = |changes: Vec<(&str, Option<Input>)>| {
            let mut all = vec![
                set("token", s(token)),
                set("auth", auth("password", password)),
            ];
            all.extend(changes);
            with(all)
        };
        let long = |secret: &str, len: usize| secret.repeat(len / secret.len() + 1);
        let mut cases = vec![
            Input::String(token.into()),
            tok(vec![set("token", s(&[token, " x"].concat()))]),
            tok(vec![set("token", s(&[token, "\n"].concat()))]),
            tok(vec![set("token", s(&["Bearer ", token].concat()))]),
            tok(vec![set("token", s(&[token, "\u{201c}"].concat()))]),
            tok(vec![set("token", s(&long(token, 70_000)))]),
            tok(vec![set("credentials", canary_credentials(vec![]))]),
            tok(vec![set("zzz", s(token))]),
            tok(vec![set("authentication", auth("password", password))]),
            tok(vec![set("region", s("NOPE"))]),
            tok(vec![
                unset("region"),
                set(
                    "endpoint",
                    s(&["https://user:", password, "@example.com"].concat()),
                ),
            ]),
            tok(vec![
                unset("region"),
                set(
                    "endpoint",
                    s(&["https://example.com/?token=", token].concat()),
                ),
            ]),
            tok(vec![
                unset("region"),
                set(
                    "endpoint",
                    s(&["ftp://user:", password, "@example.com"].concat()),
                ),
            ]),
            tok(vec![
                unset("region"),
                set("endpoint", s(&["https://example.com:", password].concat())),
            ]),
            tok(vec![
                unset("region"),
                set("endpoint", s(&["https://", password, "/kps"].concat())),
            ]),
            tok(vec![set("projectId", s("nope"))]),
            tok(vec![set("serverId", s("nope"))]),
            tok(vec![set("auth", auth(password, password))]),
            tok(vec![set("auth", auth(token, token))]),
            tok(vec![set("auth", auth(&key, &key))]),
            tok(vec![set(
                "auth",
                auth("password", &[password, "\n"].concat()),
            )]),
            tok(vec![set("auth", auth("password", &long(password, 17_000)))]),
            tok(vec![set("auth", auth("password", &key))]),
            tok(vec![set("auth", auth("keypair", password))]),
            tok(vec![set(
                "auth",
                object(vec![
                    ("type", s("keypair")),
                    ("key", s(&key)),
                    ("pem", s(&key)),
                ]),
            )]),
            tok(vec![set("timeoutMs", Input::Number(0.0))]),
            tok(vec![set("signal", s(token))]),
            aksk(vec![set(
                "credentials",
                canary_credentials(vec![set("secretAccessKey", s(&[sk, " "].concat()))]),
            )]),
            aksk(vec![set(
                "credentials",
                canary_credentials(vec![set("secretAccessKey", s(&long(sk, 300)))]),
            )]),
            aksk(vec![set(
                "credentials",
                canary_credentials(vec![set("securityToken", s(&["\t", st].concat()))]),
            )]),
            aksk(vec![set(
                "credentials",
                canary_credentials(vec![set("securityToken", s(&long(st, 70_000)))]),
            )]),
            aksk(vec![set(
                "credentials",
                canary_credentials(vec![set("secretAccessKey", s(&[sk, "\u{201c}"].concat()))]),
            )]),
            aksk(vec![set(
                "credentials",
                canary_credentials(vec![set("securityToken", s(&[st, "\u{e9}"].concat()))]),
            )]),
            aksk(vec![set(
                "credentials",
                canary_credentials(vec![set("accessKeyId", s(&[sk, "-"].concat()))]),
            )]),
            aksk(vec![set(
                "credentials",
                canary_credentials(vec![set("accessKeyId", s(&long(sk, 200)))]),
            )]),
            aksk(vec![set(
                "credentials",
                canary_credentials(vec![set("sk", s(sk))]),
            )]),
            aksk(vec![set(
                "credentials",
                canary_credentials(vec![
                    set("accessKeyId", s(token)),
                    set("secretAccessKey", Input::Null),
                ]),
            )]),
            aksk(vec![set("signingHost", s(sk))]),
            aksk(vec![set(
                "auth",
                auth("keypair", &key.replace("END RSA", "END EC")),
            )]),
            aksk(vec![set(
                "auth",
                auth("keypair", &key.replace("-----END RSA PRIVATE KEY-----", "")),
            )]),
            aksk(vec![set(
                "auth",
                auth("keypair", &["ssh-rsa ", password].concat()),
            )]),
            aksk(vec![set(
                "auth",
                auth("keypair", &[key.as_str(), &key].concat()),
            )]),
            aksk(vec![
                set("projectId", s(PROJECT)),
                set("serverId", s(SERVER)),
                set("timeoutMs", Input::Number(f64::NAN)),
            ]),
        ];
        let mut inputs: Vec<(Input, Environment)> =
            cases.drain(..).map(|input| (input, NODE)).collect();
        let relative = aksk(vec![unset("region"), set("endpoint", s("/kps"))]);
        inputs.push((relative, BROWSER));
        inputs.push((
            tok(vec![
                unset("region"),
                set("endpoint", s("/kps")),
                set("signingHost", s(password)),
            ]),
            BROWSER,
        ));
        inputs
    }

    #[test]
    fn no_failure_message_field_debug_or_display_contains_a_secret() {
        let cases = canary_failures();
        assert!(cases.len() >= 40);
        for (index, (input, env)) in cases.into_iter().enumerate() {
            let failure = validate_disassociate(input, &env)
                .expect_err(&["case ", &decimal(index as u64)].concat());
            for text in [
                &failure.message,
                &format!("{failure:?}"),
                &failure.to_string(),
                &failure.field.clone().unwrap_or_default(),
            ] {
                assert!(!text.contains(CANARY), "case {index}: {text}");
            }
        }
    }

    #[test]
    fn the_debug_output_of_options_built_from_canary_secrets_contains_none_of_them() {
        let key = pem("OPENSSH", "CANARYprivateKey");
        let input = with(vec![
            unset("token"),
            set(
                "credentials",
                access_key(vec![
                    set("secretAccessKey", s("CANARYsk")),
                    set("securityToken", s("CANARYst")),
                ]),
            ),
            set("auth", auth("keypair", &key)),
        ]);
        let text = format!("{:?}", valid(input));
        assert!(!text.contains(CANARY), "{text}");
    }

    // --- no panics ---

    /// A deterministic stream of awkward values: every Input kind, strings near every boundary, multibyte text,
    /// near-miss keys; fed to every validator, which must return (never panic) and fail only with validation
    /// failures that name a field.
    #[test]
    fn no_input_makes_any_validator_panic() {
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let strings = [
            "",
            " ",
            "é",
            "😀",
            "\u{0}",
            "-----BEGIN ",
            "-----BEGIN PRIVATE KEY-----",
            PEM,
            PROJECT,
            SERVER,
            TASK,
            "cn-north-4",
            "CN-NORTH-4",
            "/",
            "//",
            "/kps",
            "http://",
            "https://[",
            "https://[::1]:",
            "http://a:b@c",
            "https://h:99999",
            "%",
            "%2",
            "\\",
            "keypair",
            "password",
            "Bearer x",
            "ssh-rsa ",
            "0x7f.1",
            "[::1]",
        ];
        let keys = [
            "projectId",
            "serverId",
            "auth",
            "token",
            "credentials",
            "region",
            "endpoint",
            "signingHost",
            "timeoutMs",
            "signal",
            "allowInsecureHttp",
            "taskId",
            "intervalMs",
            "waitTimeoutMs",
            "onProgress",
            "limit",
            "offset",
            "type",
            "key",
            "accessKeyId",
            "secretAccessKey",
            "securityToken",
            "serverID",
            "é",
        ];
        fn value(
            next: &mut dyn FnMut() -> u64,
            strings: &[&str],
            keys: &[&str],
            depth: u32,
        ) -> Input {
            match next() % 12 {
                0 => Input::Undefined,
                1 => Input::Null,
                2 => Input::Bool(next() % 2 == 0),
                3 => Input::Number(
                    [0.0, -1.0, 1.5, f64::NAN, 1e20, 600_000.0, 100.0, 1.0][(next() % 8) as usize],
                ),
                4 | 5 => {
                    let base = strings[(next() % strings.len() as u64) as usize];
                    let repeat = [1, 2, 33, 1000][(next() % 4) as usize];
                    Input::String(base.repeat(repeat))
                }
                6..=8 if depth < 3 => {
                    let len = next() % 6;
                    Input::Object(
                        (0..len)
                            .map(|_| {
                                let key = keys[(next() % keys.len() as u64) as usize].to_owned();
                                (key, value(next, strings, keys, depth + 1))
                            })
                            .collect(),
                    )
                }
                9 => Input::Array,
                10 => Input::Function,
                _ => Input::AbortSignal,
            }
        }
        for round in 0..5_000 {
            let env = if round % 2 == 0 { NODE } else { BROWSER };
            let results: Vec<Option<Failure>> = vec![
                validate_disassociate(value(&mut next, &strings, &keys, 0), &env).err(),
                validate_task_query(value(&mut next, &strings, &keys, 0), &env).err(),
                validate_wait_for_task(value(&mut next, &strings, &keys, 0), &env).err(),
                validate_task_list(value(&mut next, &strings, &keys, 0), &env).err(),
                validate_delete_failed_task(value(&mut next, &strings, &keys, 0), &env).err(),
            ];
            for failure in results.into_iter().flatten() {
                assert_eq!(failure.kind, ErrorKind::Validation);
                assert!(failure.field.is_some() && !failure.message.is_empty());
            }
        }
    }

    // --- the task operations ---

    fn task_options(changes: Vec<(&str, Option<Input>)>) -> Input {
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

    #[test]
    fn get_keypair_task_takes_a_project_id_and_a_task_uuid() {
        let options = validate_task_query(task_options(vec![]), &NODE).unwrap();
        assert_eq!(
            (options.project_id.as_str(), options.task_id.as_str()),
            (PROJECT, TASK)
        );
        assert_eq!(options.client.timeout_ms, DEFAULT_TIMEOUT_MS);
        let failure =
            validate_task_query(task_options(vec![set("taskId", s("123"))]), &NODE).unwrap_err();
        assert_eq!(failure.field.as_deref(), Some("taskId"));
        assert!(
            failure.message.starts_with("taskId must be a UUID"),
            "{}",
            failure.message
        );
        let failure = validate_task_query(task_options(vec![unset("taskId")]), &NODE).unwrap_err();
        assert_eq!(
            failure.message,
            "taskId is required: the task ID that disassociateKeypair returned"
        );
    }

    #[test]
    fn get_keypair_task_rejects_the_disassociate_only_keys_and_suggests_task_id() {
        let failure =
            validate_task_query(task_options(vec![set("serverId", s(SERVER))]), &NODE).unwrap_err();
        assert_eq!(failure.field.as_deref(), Some("serverId"));
        assert!(failure.message.ends_with("accepted options: projectId, taskId, token, credentials, region, endpoint, signingHost, timeoutMs, signal, allowInsecureHttp"), "{}", failure.message);
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

    #[test]
    fn wait_for_keypair_task_has_polling_defaults_and_bounds() {
        let options = validate_wait_for_task(task_options(vec![]), &NODE).unwrap();
        assert_eq!(
            (options.interval_ms, options.wait_timeout_ms),
            (20_000, 1_800_000)
        );
        assert!(!options.has_on_progress);
        let options = validate_wait_for_task(
            task_options(vec![
                set("intervalMs", Input::Number(100.0)),
                set("waitTimeoutMs", Input::Number(86_400_000.0)),
                set("onProgress", Input::Function),
                set("signal", Input::AbortSignal),
            ]),
            &NODE,
        )
        .unwrap();
        assert_eq!(
            (options.interval_ms, options.wait_timeout_ms),
            (100, 86_400_000)
        );
        assert!(options.has_on_progress && options.query.client.has_signal);
        for (key, value, message) in [
            (
                "intervalMs",
                99.0,
                "intervalMs must be an integer from 100 to 600000 (milliseconds); got 99",
            ),
            (
                "intervalMs",
                600_001.0,
                "intervalMs must be an integer from 100 to 600000 (milliseconds); got 600001",
            ),
            (
                "waitTimeoutMs",
                0.0,
                "waitTimeoutMs must be an integer from 1 to 86400000 (milliseconds); got 0",
            ),
            (
                "waitTimeoutMs",
                86_400_001.0,
                "waitTimeoutMs must be an integer from 1 to 86400000 (milliseconds); got 86400001",
            ),
        ] {
            let failure =
                validate_wait_for_task(task_options(vec![set(key, Input::Number(value))]), &NODE)
                    .unwrap_err();
            assert_eq!(
                (failure.field.as_deref(), failure.message.as_str()),
                (Some(key), message)
            );
        }
        let failure =
            validate_wait_for_task(task_options(vec![set("onProgress", s("log"))]), &NODE)
                .unwrap_err();
        assert_eq!(
            failure.message,
            "onProgress must be a function (task) => void; got a string"
        );
        let failure = validate_wait_for_task(
            task_options(vec![set("interval", Input::Number(1.0))]),
            &NODE,
        )
        .unwrap_err();
        assert!(failure.message.ends_with("did you mean 'intervalMs'?"));
    }

    #[test]
    fn listing_tasks_takes_an_optional_limit_from_1_and_offset_from_0() {
        let list = |changes| {
            let base = vec![
                ("projectId", s(PROJECT)),
                ("token", s(TOKEN)),
                ("region", s("cn-north-4")),
            ];
            validate_task_list(apply(base, changes), &NODE)
        };
        let options = list(vec![]).unwrap();
        assert_eq!((options.limit, options.offset), (None, None));
        let options = list(vec![
            set("limit", Input::Number(1.0)),
            set("offset", Input::Number(0.0)),
        ])
        .unwrap();
        assert_eq!((options.limit, options.offset), (Some(1), Some(0)));
        let options = list(vec![set("limit", Input::Number(2_147_483_647.0))]).unwrap();
        assert_eq!(options.limit, Some(2_147_483_647));
        for (key, value, got) in [
            ("limit", 0.0, "got 0"),
            ("offset", -1.0, "got -1"),
            ("limit", 2_147_483_648.0, "got 2147483648"),
        ] {
            let failure = list(vec![set(key, Input::Number(value))]).unwrap_err();
            assert_eq!(failure.field.as_deref(), Some(key));
            assert!(failure.message.ends_with(got), "{}", failure.message);
        }
        let failure = list(vec![set("taskId", s(TASK))]).unwrap_err();
        assert_eq!(failure.field.as_deref(), Some("taskId"));
        let failure = list(vec![set("pageSize", Input::Number(1.0))]).unwrap_err();
        assert!(failure.message.ends_with("did you mean 'limit'?"));
    }

    #[test]
    fn deleting_failed_tasks_takes_an_optional_task_id() {
        let options =
            validate_delete_failed_task(task_options(vec![unset("taskId")]), &NODE).unwrap();
        assert_eq!(options.task_id, None);
        let options = validate_delete_failed_task(task_options(vec![]), &NODE).unwrap();
        assert_eq!(options.task_id.as_deref(), Some(TASK));
        let failure =
            validate_delete_failed_task(task_options(vec![set("taskId", Input::Null)]), &NODE)
                .unwrap_err();
        assert_eq!(failure.message, "taskId must be a string; got null");
    }

    #[test]
    fn the_task_operations_share_the_client_checks() {
        let failure = validate_task_query(task_options(vec![unset("token")]), &NODE).unwrap_err();
        assert_eq!(failure.field.as_deref(), Some("token"));
        let failure = validate_task_query(
            task_options(vec![set("timeoutMs", Input::Number(0.0))]),
            &NODE,
        )
        .unwrap_err();
        assert_eq!(failure.field.as_deref(), Some("timeoutMs"));
        let failure = validate_wait_for_task(task_options(vec![set("signal", Input::Null)]), &NODE)
            .unwrap_err();
        assert_eq!(failure.field.as_deref(), Some("signal"));
        let failure = validate_task_list(
            task_options(vec![unset("taskId"), set("projectId", s("x"))]),
            &NODE,
        )
        .unwrap_err();
        assert_eq!(failure.field.as_deref(), Some("projectId"));
    }

    // --- message helpers ---

    #[test]
    fn quote_caps_at_forty_characters_on_a_character_boundary() {
        assert_eq!(quote("abc"), "'abc'");
        assert_eq!(quote(&"a".repeat(40)), ["'", &"a".repeat(40), "'"].concat());
        assert_eq!(
            quote(&"a".repeat(41)),
            ["'", &"a".repeat(40), "…'"].concat()
        );
        assert_eq!(
            quote(&"é".repeat(41)),
            ["'", &"é".repeat(40), "…'"].concat()
        );
        assert_eq!(quote("a\nb"), "'a\u{FFFD}b'");
    }

    #[test]
    fn decimal_writes_integers_without_core_fmt() {
        for n in [0, 7, 10, 600_000, u64::MAX] {
            assert_eq!(decimal(n), n.to_string());
        }
    }

    #[test]
    fn edit_distance_counts_a_swap_of_neighbours_as_one_edit() {
        assert_eq!(edit_distance("projectid", "projectid"), 0);
        assert_eq!(edit_distance("porjectid", "projectid"), 1);
        assert_eq!(edit_distance("projetid", "projectid"), 1);
        assert_eq!(edit_distance("projectidd", "projectid"), 1);
        assert_eq!(edit_distance("", "auth"), 4);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(
            nearest("tokne", ["token", "auth"].into_iter(), 2, str::to_owned),
            Some("token")
        );
        assert_eq!(
            nearest(&"x".repeat(65), ["x"].into_iter(), 100, str::to_owned),
            None
        );
    }

    #[test]
    fn disassociate_and_wait_takes_the_disassociate_options_and_the_waits_own() {
        let options = validate_disassociate_and_wait(
            with(vec![
                set("intervalMs", Input::Number(500.0)),
                set("waitTimeoutMs", Input::Number(60_000.0)),
                set("onProgress", Input::Function),
            ]),
            &NODE,
        )
        .unwrap();
        assert_eq!(options.disassociate.request.server.id, SERVER);
        assert_eq!(
            (options.wait.interval_ms, options.wait.wait_timeout_ms),
            (500, 60_000)
        );
        assert!(options.wait.has_on_progress);
        let defaults = validate_disassociate_and_wait(with(vec![]), &NODE).unwrap();
        assert_eq!(
            (defaults.wait.interval_ms, defaults.wait.wait_timeout_ms),
            (DEFAULT_INTERVAL_MS, DEFAULT_WAIT_TIMEOUT_MS)
        );
        assert!(!defaults.wait.has_on_progress);
    }

    #[test]
    fn disassociate_and_wait_rejects_a_task_id_and_bad_wait_options_by_name() {
        let failure = validate_disassociate_and_wait(with(vec![set("taskId", s(SERVER))]), &NODE)
            .unwrap_err();
        assert_eq!(failure.field.as_deref(), Some("taskId"));
        let failure = validate_disassociate_and_wait(
            with(vec![set("intervalMs", Input::Number(99.0))]),
            &NODE,
        )
        .unwrap_err();
        assert_eq!(failure.field.as_deref(), Some("intervalMs"));
        let failure =
            validate_disassociate_and_wait(with(vec![set("onProgress", s("console.log"))]), &NODE)
                .unwrap_err();
        assert_eq!(failure.field.as_deref(), Some("onProgress"));
    }
}
