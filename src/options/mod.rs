//! Validation of the options objects the exported functions take, as pure Rust over [`Input`].
//!
//! Every operation is a table of its own keys plus the shared client keys ([`CLIENT_KEYS`]). A validator opens
//! the object against its table, then checks values in one fixed order, and reports the first problem found,
//! so the error a user sees for a given object is predictable. Each step lives in the file named after what it
//! checks:
//!
//! 1. `options` is a plain object (field `options`) — `fields.rs`;
//! 2. unknown keys: at the top level, then inside `credentials`, then inside `auth` (each level in the object's
//!    key order), with the intended key suggested for near-misses — `keys.rs`;
//! 3. authentication: `token` and `credentials` types, exactly one of them, then its values — `credentials.rs`;
//! 4. endpoint: `allowInsecureHttp`, `region`, `endpoint` and `signingHost` types, exactly one of `region` /
//!    `endpoint`, its value, then `signingHost` — `endpoint.rs` (the URL and region parsing is
//!    [`crate::endpoint`]'s);
//! 5. ids: `projectId`, then `serverId` or `taskId` — `ids.rs`;
//! 6. `auth`: the object, `auth.type`, `auth.key` — `auth.rs`;
//! 7. numbers: `timeoutMs`, `maxAttempts`, then the operation's (`intervalMs`, `waitTimeoutMs`, `limit`,
//!    `offset`) —
//!    `numbers.rs`;
//! 8. callbacks and signals: `signal`, then `onProgress`, then `onResponse` — `callbacks.rs`.
//!
//! This file holds what callers use: the validated option types, [`Environment`], and one `validate_*` per
//! operation, which reads as that operation's order of checks. Each file's tests sit at its end (the shared
//! test values are in `test_support.rs`); the tests here are those of the whole: the order of the steps, no
//! secret in any failure, no panic on any input.
//!
//! How the folder is cut, and why:
//! - the wording every message shares (quoting a value, numbers, a character described, the blank check) is
//!   `src/messages.rs`, and the typo suggestions (edit distance, nearest candidate, key normalisation) are
//!   `src/suggestions.rs`, outside this folder: [`crate::endpoint`] and [`crate::sign_request`] word their
//!   messages the same way, and taking that from here made `endpoint` and `options` import each other;
//! - `fields.rs` is the one reader of values (`undefined` is absent, `null` a type error, secrets moved into a
//!   [`Secret`]), so every check file applies the same rules; `signRequest` reads its options with it too;
//! - an option every operation takes (a retry count, say) is a field of [`ClientOptions`], set in
//!   `Connection::into_client`, which every validator goes through; its check goes in the file of its kind;
//! - a new operation is a key table in `keys.rs`, an options struct and a `validate_*` here; checks that
//!   report a path of their own (`servers[3].serverId`) take it as their `field` (as `keys::check_keys` takes
//!   its `parent`, and `ids.rs`' UUID check its field).
//!
//! `undefined` means absent; `null` is a type error. Messages name the option, say what is wrong and what is
//! expected. They echo ids and region names (at most 40 characters), never `token`, `auth.key`,
//! `credentials.secretAccessKey`, `credentials.securityToken` or `credentials.accessKeyId` (a swapped AK/SK
//! would echo the secret), and never the whole `endpoint` (see [`crate::endpoint`]); a quoted id, region or
//! host that is a piece of one of those secrets (one pasted into the wrong option) is shown as `***`
//! (`echoes.rs`).
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
//! - `region` is one of [`crate::endpoint::REGIONS`] (the official SDKs' list) and nothing else: accepting any
//!   well-formed id let `cn-north-99` through to fail as a network error; `endpoint` reaches an unlisted one,
//!   and the message says which URL;
//! - `onResponse` is a client option (every operation takes it, the fleet too): it observes each response and
//!   cannot change a call's outcome, so an exception it throws is reported as an event listener's is and it is
//!   not called again for that call (rejecting would lose the task ID of an unbind that was accepted);
//! - `auth.type` is echoed only when it is a known word (`'Keypair'`, `'pem'`): anything else may be a
//!   password or key put in the wrong field.

mod auth;
mod callbacks;
pub(crate) mod credentials;
pub(crate) mod echoes;
mod endpoint;
pub(crate) mod fields;
mod ids;
pub(crate) mod keys;
mod numbers;
mod servers;
#[cfg(test)]
mod test_support;

pub use auth::MAX_AUTH_KEY_BYTES;
pub use credentials::{MAX_ACCESS_KEY_ID_CHARS, MAX_SECRET_KEY_BYTES, MAX_TOKEN_BYTES};
pub use keys::CLIENT_KEYS;
pub use numbers::{
    DEFAULT_CONCURRENCY, DEFAULT_INTERVAL_MS, DEFAULT_TIMEOUT_MS, DEFAULT_WAIT_TIMEOUT_MS,
    MAX_CONCURRENCY, MAX_PAGE_NUMBER, MAX_TIMEOUT_MS, MAX_WAIT_TIMEOUT_MS, MIN_INTERVAL_MS,
};
pub use servers::{FleetServer, MAX_FLEET_SERVERS};

use crate::endpoint::Endpoint;
use crate::error::Failure;
use crate::input::Input;
use crate::model::{DisassociateRequest, Server};
use crate::secret::Secret;
use fields::Fields;

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
    /// The whole call, in milliseconds ([`DEFAULT_TIMEOUT_MS`] when not given), its retries included.
    pub timeout_ms: u32,
    /// At most this many requests per call, 1..=10 ([`crate::retry::DEFAULT_MAX_ATTEMPTS`] when not given).
    pub max_attempts: u32,
    /// Whether `signal` was given (the boundary keeps the JS `AbortSignal` itself).
    pub has_signal: bool,
    /// Whether `onResponse` was given (the boundary keeps the JS function itself).
    pub has_on_response: bool,
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

/// The validated options of `disassociateKeypairs`.
#[derive(Debug)]
pub struct FleetOptions {
    /// `timeoutMs` and `maxAttempts` apply to each request, not to the whole fleet.
    pub client: ClientOptions,
    pub project_id: String,
    /// In the order given; none twice.
    pub servers: Vec<FleetServer>,
    /// Unbind requests in flight, 1..=[`MAX_CONCURRENCY`].
    pub concurrency: u32,
    /// Whether to follow every task to its end (else unbind only).
    pub wait: bool,
    /// Between two rounds of progress, and each task's whole wait (from its start).
    pub wait_settings: WaitSettings,
}

/// Validates the options of `disassociateKeypairs`: `{ projectId, servers, concurrency?, wait?, intervalMs?,
/// waitTimeoutMs?, onProgress? }` and the client options, in the module's order of checks (the entries of
/// `servers` in step 2 for their keys and step 5 for their values, each named by its path).
pub fn validate_disassociate_keypairs(
    input: Input,
    env: &Environment,
) -> Result<FleetOptions, Failure> {
    let mut fields = Fields::open(input, keys::FLEET_KEYS)?;
    let listed = fields.entries.iter().find(|(key, _)| key == "servers");
    servers::check_entry_keys(listed.map(|(_, value)| value))?;
    let connection = Connection::read(&mut fields, env)?;
    let project_id = connection.quoting(ids::project_id(fields.take("projectId")), &fields)?;
    let servers = connection.quoting(servers::servers(fields.take("servers")), &fields)?;
    let timeout_ms = numbers::timeout_ms(fields.take("timeoutMs"))?;
    let max_attempts = numbers::max_attempts(fields.take("maxAttempts"))?;
    let concurrency = numbers::concurrency(fields.take("concurrency"))?;
    let wait = fields::boolean("wait", fields.take("wait"), true)?;
    let interval_ms = numbers::interval_ms(fields.take("intervalMs"))?;
    let wait_timeout_ms = numbers::wait_timeout_ms(fields.take("waitTimeoutMs"))?;
    let has_signal = callbacks::signal(fields.take("signal"))?;
    let has_on_progress = callbacks::on_progress(fields.take("onProgress"))?;
    let has_on_response = callbacks::on_response(fields.take("onResponse"))?;
    Ok(FleetOptions {
        client: connection.into_client(timeout_ms, max_attempts, has_signal, has_on_response),
        project_id,
        servers,
        concurrency,
        wait,
        wait_settings: WaitSettings {
            interval_ms,
            wait_timeout_ms,
            has_on_progress,
        },
    })
}

/// Validates the options of `disassociateKeypair` (order of checks: see the module documentation).
pub fn validate_disassociate(
    input: Input,
    env: &Environment,
) -> Result<DisassociateOptions, Failure> {
    let mut fields = Fields::open(input, keys::DISASSOCIATE_KEYS)?;
    let connection = Connection::read(&mut fields, env)?;
    let project_id = connection.quoting(ids::project_id(fields.take("projectId")), &fields)?;
    let server_id = connection.quoting(ids::server_id(fields.take("serverId")), &fields)?;
    let auth = auth::server_auth(fields.take("auth"))?;
    let client = client(&mut fields, connection)?;
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
    let mut fields = Fields::open(input, keys::TASK_KEYS)?;
    let connection = Connection::read(&mut fields, env)?;
    let project_id = connection.quoting(ids::project_id(fields.take("projectId")), &fields)?;
    let task_id = connection.quoting(ids::task_id(fields.take("taskId")), &fields)?;
    let client = client(&mut fields, connection)?;
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
    let mut fields = Fields::open(input, keys::WAIT_KEYS)?;
    let connection = Connection::read(&mut fields, env)?;
    let project_id = connection.quoting(ids::project_id(fields.take("projectId")), &fields)?;
    let task_id = connection.quoting(ids::task_id(fields.take("taskId")), &fields)?;
    let (client, wait) = client_and_wait(&mut fields, connection)?;
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
    let mut fields = Fields::open(input, keys::DISASSOCIATE_AND_WAIT_KEYS)?;
    let connection = Connection::read(&mut fields, env)?;
    let project_id = connection.quoting(ids::project_id(fields.take("projectId")), &fields)?;
    let server_id = connection.quoting(ids::server_id(fields.take("serverId")), &fields)?;
    let auth = auth::server_auth(fields.take("auth"))?;
    let (client, wait) = client_and_wait(&mut fields, connection)?;
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
    let mut fields = Fields::open(input, keys::LIST_KEYS)?;
    let connection = Connection::read(&mut fields, env)?;
    let project_id = connection.quoting(ids::project_id(fields.take("projectId")), &fields)?;
    let timeout_ms = numbers::timeout_ms(fields.take("timeoutMs"))?;
    let max_attempts = numbers::max_attempts(fields.take("maxAttempts"))?;
    let limit = numbers::limit(fields.take("limit"))?;
    let offset = numbers::offset(fields.take("offset"))?;
    let has_signal = callbacks::signal(fields.take("signal"))?;
    let has_on_response = callbacks::on_response(fields.take("onResponse"))?;
    Ok(TaskListOptions {
        client: connection.into_client(timeout_ms, max_attempts, has_signal, has_on_response),
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
    let mut fields = Fields::open(input, keys::TASK_KEYS)?;
    let connection = Connection::read(&mut fields, env)?;
    let project_id = connection.quoting(ids::project_id(fields.take("projectId")), &fields)?;
    let task_id = connection.quoting(ids::failed_task_id(fields.take("taskId")), &fields)?;
    let client = client(&mut fields, connection)?;
    Ok(DeleteFailedTaskOptions {
        client,
        project_id,
        task_id,
    })
}

/// Authentication and endpoint: the first half of [`ClientOptions`], checked before the operation's ids.
struct Connection {
    credentials: Credentials,
    endpoint: Endpoint,
}

impl Connection {
    /// Steps 3 and 4.
    fn read(fields: &mut Fields, env: &Environment) -> Result<Connection, Failure> {
        let credentials = credentials::from_fields(fields)?;
        let endpoint = endpoint::from_fields(fields, env, &credentials)
            .map_err(|failure| echoes::hide_secrets(failure, &credentials, fields))?;
        Ok(Connection {
            credentials,
            endpoint,
        })
    }

    /// `result` of a check that quotes its option (an id), with any secret of the options hidden from its
    /// message ([`echoes`]).
    fn quoting<T>(&self, result: Result<T, Failure>, fields: &Fields) -> Result<T, Failure> {
        result.map_err(|failure| echoes::hide_secrets(failure, &self.credentials, fields))
    }

    /// The client options, once steps 7 and 8 have read `timeoutMs`, `maxAttempts`, `signal` and
    /// `onResponse`.
    fn into_client(
        self,
        timeout_ms: u32,
        max_attempts: u32,
        has_signal: bool,
        has_on_response: bool,
    ) -> ClientOptions {
        ClientOptions {
            credentials: self.credentials,
            endpoint: self.endpoint,
            timeout_ms,
            max_attempts,
            has_signal,
            has_on_response,
        }
    }
}

/// Steps 7 and 8 for operations with no numbers or callbacks of their own: `timeoutMs`, `maxAttempts`, then
/// `signal` and `onResponse`.
fn client(fields: &mut Fields, connection: Connection) -> Result<ClientOptions, Failure> {
    let timeout_ms = numbers::timeout_ms(fields.take("timeoutMs"))?;
    let max_attempts = numbers::max_attempts(fields.take("maxAttempts"))?;
    let has_signal = callbacks::signal(fields.take("signal"))?;
    let has_on_response = callbacks::on_response(fields.take("onResponse"))?;
    Ok(connection.into_client(timeout_ms, max_attempts, has_signal, has_on_response))
}

/// Steps 7 and 8 for the waits, in the documented order: `timeoutMs`, `maxAttempts`, `intervalMs`,
/// `waitTimeoutMs`, `signal`, `onProgress`, `onResponse`.
fn client_and_wait(
    fields: &mut Fields,
    connection: Connection,
) -> Result<(ClientOptions, WaitSettings), Failure> {
    let timeout_ms = numbers::timeout_ms(fields.take("timeoutMs"))?;
    let max_attempts = numbers::max_attempts(fields.take("maxAttempts"))?;
    let interval_ms = numbers::interval_ms(fields.take("intervalMs"))?;
    let wait_timeout_ms = numbers::wait_timeout_ms(fields.take("waitTimeoutMs"))?;
    let has_signal = callbacks::signal(fields.take("signal"))?;
    let has_on_progress = callbacks::on_progress(fields.take("onProgress"))?;
    let has_on_response = callbacks::on_response(fields.take("onResponse"))?;
    let wait = WaitSettings {
        interval_ms,
        wait_timeout_ms,
        has_on_progress,
    };
    Ok((
        connection.into_client(timeout_ms, max_attempts, has_signal, has_on_response),
        wait,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;
    use crate::messages::decimal;
    use test_support::*;

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

    /// Valid `disassociateKeypairs` options (token, region, two servers) with `changes` applied.
    fn fleet(changes: Vec<(&str, Option<Input>)>) -> Input {
        let servers = Input::Array(vec![
            s(SERVER),
            object(vec![
                ("serverId", s(TASK)),
                ("auth", auth("password", "Fleet-Pa55word")),
            ]),
        ]);
        apply(
            vec![
                ("projectId", s(PROJECT)),
                ("servers", servers),
                ("token", s(TOKEN)),
                ("region", s("cn-north-4")),
            ],
            changes,
        )
    }

    #[test]
    fn disassociate_keypairs_takes_its_servers_concurrency_wait_and_the_wait_settings() {
        let options = validate_disassociate_keypairs(
            fleet(vec![
                set("concurrency", Input::Number(3.0)),
                set("wait", Input::Bool(false)),
                set("intervalMs", Input::Number(500.0)),
                set("waitTimeoutMs", Input::Number(60_000.0)),
                set("onProgress", Input::Function),
                set("timeoutMs", Input::Number(5_000.0)),
            ]),
            &NODE,
        )
        .unwrap();
        assert_eq!(options.project_id, PROJECT);
        let servers: Vec<(&str, Option<&str>)> = options
            .servers
            .iter()
            .map(|server| {
                let key = server.auth.as_ref().map(|auth| auth.key.expose());
                (server.server_id.as_str(), key)
            })
            .collect();
        assert_eq!(servers, [(SERVER, None), (TASK, Some("Fleet-Pa55word"))]);
        assert_eq!((options.concurrency, options.wait), (3, false));
        assert_eq!(
            (
                options.wait_settings.interval_ms,
                options.wait_settings.wait_timeout_ms,
                options.wait_settings.has_on_progress
            ),
            (500, 60_000, true)
        );
        assert_eq!(options.client.timeout_ms, 5_000);
        let defaults = validate_disassociate_keypairs(fleet(vec![]), &NODE).unwrap();
        assert_eq!(
            (defaults.concurrency, defaults.wait),
            (DEFAULT_CONCURRENCY, true)
        );
        assert_eq!(
            (
                defaults.wait_settings.interval_ms,
                defaults.wait_settings.wait_timeout_ms,
                defaults.wait_settings.has_on_progress
            ),
            (DEFAULT_INTERVAL_MS, DEFAULT_WAIT_TIMEOUT_MS, false)
        );
    }

    #[test]
    fn an_unknown_key_in_a_fleet_entry_is_reported_in_step_2_before_any_value() {
        let servers = Input::Array(vec![object(vec![("serverID", s(SERVER))])]);
        let failure = validate_disassociate_keypairs(
            fleet(vec![set("servers", servers), set("token", s(""))]),
            &NODE,
        )
        .unwrap_err();
        assert_eq!(failure.field.as_deref(), Some("servers[0].serverID"));
        assert!(
            failure
                .message
                .ends_with("did you mean 'servers[0].serverId'?"),
            "{}",
            failure.message
        );
    }

    #[test]
    fn a_fleet_entry_s_password_pasted_into_project_id_is_not_echoed() {
        let failure = validate_disassociate_keypairs(
            fleet(vec![set("projectId", s("Fleet-Pa55word"))]),
            &NODE,
        )
        .unwrap_err();
        assert_eq!(failure.field.as_deref(), Some("projectId"));
        assert!(
            !failure.message.contains("Pa55word") && failure.message.contains("'***'"),
            "{}",
            failure.message
        );
    }

    // --- the order of checks ---

    #[test]
    fn an_empty_options_object_asks_for_authentication_first() {
        rejects(
            object(vec![]),
            "token",
            &["either token", "or credentials", "is required"],
        );
    }

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
            with(vec![
                unset("token"),
                set("credentials", Input::Array(Vec::new())),
            ]),
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
            Input::Array(items) => Input::Array(items.iter().map(copy).collect()),
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

    /// Found by `cargo xtask fuzz` (target `options`): a secret pasted into an option that messages quote (a
    /// token given as `projectId`, a password as `region`) came back in the message, whole or its first 40
    /// characters.
    #[test]
    fn a_secret_pasted_into_an_option_that_messages_quote_is_not_echoed() {
        let token = ["CANARYtoken", &"MIIPAgYJKoZIhvcNAQcC".repeat(250)].concat();
        let password = "CANARYpass word";
        let key = pem("RSA", "CANARYprivateKeyMIIEowIBAAKCAQEAt");
        let tok = |changes: Vec<(&str, Option<Input>)>| {
            let mut all = vec![
                set("token", s(&token)),
                set("auth", auth("password", password)),
            ];
            all.extend(changes);
            with(all)
        };
        let insecure = |host: &str| set("endpoint", s(&["http://", host, "/kps"].concat()));
        let sk = "CANARYsecretKey12345";
        for input in [
            tok(vec![set("projectId", s(&token))]),
            tok(vec![set("projectId", s(password))]),
            tok(vec![set("serverId", s(&token))]),
            tok(vec![
                set("serverId", s(&key)),
                set("auth", auth("keypair", &key)),
            ]),
            tok(vec![set("region", s(password))]),
            tok(vec![set("region", s(&token))]),
            tok(vec![
                set("region", s("CANARYPASS-WORD-1")),
                set("auth", auth("password", "canarypass-word-1")),
            ]),
            tok(vec![
                unset("region"),
                insecure("CANARYpassword"),
                set("auth", auth("password", "CANARYpassword")),
            ]),
            with(vec![
                unset("token"),
                set(
                    "credentials",
                    access_key(vec![set("secretAccessKey", s(sk))]),
                ),
                set("projectId", s(sk)),
            ]),
        ] {
            let failure = validate_disassociate(input, &NODE).expect_err("an invalid option");
            assert!(
                !failure.message.to_ascii_lowercase().contains("canary"),
                "{}",
                failure.message
            );
        }
        let message = rejects(with(vec![set("projectId", s("nope"))]), "projectId", &[]);
        assert!(
            message.contains("'nope'"),
            "other values are still quoted: {message}"
        );
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
                9 => Input::Array(Vec::new()),
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
}
