//! Option validation (`kps_wasm::options::validate_*`) over JavaScript-shaped inputs: valid options of every
//! operation with one field replaced by a near miss or anything at all, whole objects of any shape and depth,
//! and secrets (each carrying a canary) left where they belong or pasted into any other field.
//!
//! Properties: no input panics; every failure is a validation failure with a field and a message; with one
//! field changed, validation accepts exactly when the documented rule for that field accepts (a reference
//! written from the README and the module docs: [`crate::reference::rules`]), and a refusal names that field;
//! no failure's message, field, `Display` or `Debug`, and no accepted options' `Debug`, holds a canary.

use kps_wasm::error::{ErrorKind, Failure};
use kps_wasm::options::{
    validate_delete_failed_task, validate_disassociate, validate_disassociate_and_wait,
    validate_disassociate_keypairs, validate_task_list, validate_task_query,
    validate_wait_for_task, Environment,
};
use proptest::prelude::*;
use proptest::sample::select;

use crate::inputs::{any_char, any_js, any_number, any_text, around, Js};
use crate::reference::rules;
use crate::Session;

/// An operation whose options are validated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    Disassociate,
    DisassociateAndWait,
    TaskQuery,
    WaitForTask,
    TaskList,
    DeleteFailedTask,
    Fleet,
}

const OPS: &[Op] = &[
    Op::Disassociate,
    Op::DisassociateAndWait,
    Op::TaskQuery,
    Op::WaitForTask,
    Op::TaskList,
    Op::DeleteFailedTask,
    Op::Fleet,
];

/// Every key any operation takes, for generated objects.
const KEYS: &[&str] = &[
    "token",
    "credentials",
    "region",
    "endpoint",
    "signingHost",
    "timeoutMs",
    "maxAttempts",
    "signal",
    "allowInsecureHttp",
    "projectId",
    "serverId",
    "auth",
    "taskId",
    "intervalMs",
    "waitTimeoutMs",
    "onProgress",
    "limit",
    "offset",
    "servers",
    "concurrency",
    "wait",
    "type",
    "key",
    "accessKeyId",
    "secretAccessKey",
    "securityToken",
    "serverID",
    "authentication",
];

const NODE: Environment = Environment {
    relative_endpoints_allowed: false,
};
const BROWSER: Environment = Environment {
    relative_endpoints_allowed: true,
};

impl Op {
    /// Validates `input`; the accepted options as their `Debug`.
    fn validate(self, input: &Js, env: &Environment) -> Result<String, Failure> {
        let input = input.to_input();
        match self {
            Op::Disassociate => validate_disassociate(input, env).map(|o| format!("{o:?}")),
            Op::DisassociateAndWait => {
                validate_disassociate_and_wait(input, env).map(|o| format!("{o:?}"))
            }
            Op::TaskQuery => validate_task_query(input, env).map(|o| format!("{o:?}")),
            Op::WaitForTask => validate_wait_for_task(input, env).map(|o| format!("{o:?}")),
            Op::TaskList => validate_task_list(input, env).map(|o| format!("{o:?}")),
            Op::DeleteFailedTask => {
                validate_delete_failed_task(input, env).map(|o| format!("{o:?}"))
            }
            Op::Fleet => validate_disassociate_keypairs(input, env).map(|o| format!("{o:?}")),
        }
    }

    fn takes_server(self) -> bool {
        matches!(self, Op::Disassociate | Op::DisassociateAndWait)
    }
    fn takes_task(self) -> bool {
        matches!(self, Op::TaskQuery | Op::WaitForTask | Op::DeleteFailedTask)
    }
    fn waits(self) -> bool {
        matches!(self, Op::DisassociateAndWait | Op::WaitForTask | Op::Fleet)
    }
}

/// How the base options authenticate.
#[derive(Clone, Debug)]
pub enum Auth {
    Token(String),
    AccessKey {
        ak: String,
        sk: String,
        st: Option<String>,
    },
}

/// Where the base options send requests.
#[derive(Clone, Debug)]
pub enum Place {
    Region(String),
    Absolute(String),
    /// A relative endpoint in a browser (with `signingHost` for AK/SK).
    Relative(String),
}

/// Valid options for an operation.
#[derive(Clone, Debug)]
pub struct Base {
    pub op: Op,
    pub auth: Auth,
    pub place: Place,
    pub project_id: String,
    pub server_id: String,
    pub task_id: String,
    /// `auth`: (`type`, `key`).
    pub server_auth: Option<(&'static str, String)>,
    pub servers: Vec<String>,
    /// Optional numbers given, valid.
    pub numbers: Vec<(&'static str, f64)>,
    pub signal: bool,
}

impl Base {
    fn env(&self) -> Environment {
        match self.place {
            Place::Relative(_) => BROWSER,
            _ => NODE,
        }
    }

    fn to_js(&self) -> Js {
        let mut object = Js::object(vec![]);
        match &self.auth {
            Auth::Token(token) => object.set("token", Js::s(token)),
            Auth::AccessKey { ak, sk, st } => {
                let mut credentials = Js::object(vec![
                    ("accessKeyId", Js::s(ak)),
                    ("secretAccessKey", Js::s(sk)),
                ]);
                if let Some(st) = st {
                    credentials.set("securityToken", Js::s(st));
                }
                object.set("credentials", credentials);
            }
        }
        match &self.place {
            Place::Region(region) => object.set("region", Js::s(region)),
            Place::Absolute(url) => object.set("endpoint", Js::s(url)),
            Place::Relative(path) => {
                object.set("endpoint", Js::s(path));
                if matches!(self.auth, Auth::AccessKey { .. }) {
                    object.set("signingHost", Js::s("kms.cn-north-4.myhuaweicloud.com"));
                }
            }
        }
        object.set("projectId", Js::s(&self.project_id));
        if self.op.takes_server() {
            object.set("serverId", Js::s(&self.server_id));
        }
        if self.op.takes_task() {
            object.set("taskId", Js::s(&self.task_id));
        }
        if let (Some((kind, key)), true) = (&self.server_auth, self.op.takes_server()) {
            object.set(
                "auth",
                Js::object(vec![("type", Js::s(kind)), ("key", Js::s(key))]),
            );
        }
        if self.op == Op::Fleet {
            object.set(
                "servers",
                Js::Array(self.servers.iter().map(|id| Js::s(id)).collect()),
            );
        }
        for (name, value) in &self.numbers {
            if number_fields(self.op)
                .iter()
                .any(|(field, _, _)| field == name)
            {
                object.set(name, Js::Number(*value));
            }
        }
        if self.signal {
            object.set("signal", Js::AbortSignal);
        }
        if self.op.waits() {
            object.set("onProgress", Js::Function);
        }
        object
    }
}

/// The number options of `op`, with their documented ranges.
fn number_fields(op: Op) -> Vec<(&'static str, f64, f64)> {
    let mut fields = vec![("timeoutMs", 1.0, 600_000.0), ("maxAttempts", 1.0, 10.0)];
    if op.waits() {
        fields.push(("intervalMs", 100.0, 600_000.0));
        fields.push(("waitTimeoutMs", 1.0, 86_400_000.0));
    }
    if op == Op::TaskList {
        fields.push(("limit", 1.0, 2_147_483_647.0));
        fields.push(("offset", 0.0, 2_147_483_647.0));
    }
    if op == Op::Fleet {
        fields.push(("concurrency", 1.0, 64.0));
    }
    fields
}

fn regex(pattern: &str) -> impl Strategy<Value = String> {
    prop::string::string_regex(pattern).expect("a valid pattern")
}

fn uuid() -> impl Strategy<Value = String> {
    regex("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
}

fn pem(label: &str, body: &str) -> String {
    format!("-----BEGIN {label}PRIVATE KEY-----\n{body}\n-----END {label}PRIVATE KEY-----\n")
}

fn any_base() -> impl Strategy<Value = Base> {
    let auth = prop_oneof![
        regex("[!-~]{1,60}").prop_map(Auth::Token),
        (
            regex("[A-Za-z0-9]{1,30}"),
            regex("[!-~]{1,50}"),
            prop::option::of(regex("[!-~]{1,60}"))
        )
            .prop_map(|(ak, sk, st)| Auth::AccessKey { ak, sk, st }),
    ];
    let place = prop_oneof![
        select(rules::KNOWN_REGIONS).prop_map(|r| Place::Region(r.to_owned())),
        select(
            &[
                "https://kms.cn-north-4.myhuaweicloud.com",
                "http://127.0.0.1:8787/prefix",
                "https://[::1]:9443"
            ][..]
        )
        .prop_map(|u| Place::Absolute(u.to_owned())),
        select(&["/kps", "/", "/a/b/"][..]).prop_map(|p| Place::Relative(p.to_owned())),
    ];
    let server_auth = prop::option::of(prop_oneof![
        regex("[ -~]{1,30}")
            .prop_filter("a password", |p| rules::is_password(p))
            .prop_map(|p| ("password", p)),
        select(&["RSA ", "EC ", "", "OPENSSH "][..])
            .prop_map(|label| ("keypair", pem(label, "MIIEowIBAAKCAQEA"))),
    ]);
    let numbers = prop::collection::vec(
        prop_oneof![
            (1u32..=600_000).prop_map(|n| ("timeoutMs", f64::from(n))),
            (1u32..=10).prop_map(|n| ("maxAttempts", f64::from(n))),
            (100u32..=600_000).prop_map(|n| ("intervalMs", f64::from(n))),
            (1u32..=86_400_000).prop_map(|n| ("waitTimeoutMs", f64::from(n))),
            (1u32..=i32::MAX as u32).prop_map(|n| ("limit", f64::from(n))),
            (0u32..=i32::MAX as u32).prop_map(|n| ("offset", f64::from(n))),
            (1u32..=64).prop_map(|n| ("concurrency", f64::from(n))),
        ],
        0..4,
    )
    .prop_map(|mut numbers| {
        numbers.sort_by_key(|(name, _)| *name);
        numbers.dedup_by_key(|(name, _)| *name);
        numbers
    });
    let servers = prop::collection::vec(uuid(), 1..5).prop_map(|mut ids| {
        ids.sort_by_key(|id| id.to_ascii_lowercase());
        ids.dedup_by_key(|id| id.to_ascii_lowercase());
        ids
    });
    (
        select(OPS),
        auth,
        place,
        regex("[0-9a-f]{32}"),
        uuid(),
        uuid(),
        server_auth,
        servers,
        numbers,
        any::<bool>(),
    )
        .prop_map(
            |(
                op,
                auth,
                place,
                project_id,
                server_id,
                task_id,
                server_auth,
                servers,
                numbers,
                signal,
            )| Base {
                op,
                auth,
                place,
                project_id,
                server_id,
                task_id,
                server_auth,
                servers,
                numbers,
                signal,
            },
        )
}

/// A string near a valid one: one character replaced, inserted or removed, or the case flipped.
fn near_miss(valid: impl Strategy<Value = String>) -> impl Strategy<Value = String> {
    (valid, 0usize..64, any_char(), 0u8..4).prop_map(|(valid, at, c, how)| {
        let mut chars: Vec<char> = valid.chars().collect();
        let at = at % (chars.len() + 1);
        match how {
            0 if at < chars.len() => chars[at] = c,
            1 => chars.insert(at, c),
            2 if at < chars.len() => {
                chars.remove(at);
            }
            _ => {
                chars = valid
                    .chars()
                    .map(|c| {
                        if c.is_ascii_lowercase() {
                            c.to_ascii_uppercase()
                        } else {
                            c.to_ascii_lowercase()
                        }
                    })
                    .collect()
            }
        }
        chars.into_iter().collect()
    })
}

/// Candidates for a string option: valid ones, near misses, sizes around the limit, anything.
fn candidates(valid: BoxedStrategy<String>, limit: usize) -> BoxedStrategy<String> {
    prop_oneof![
        3 => valid.clone(),
        4 => near_miss(valid),
        1 => around(limit, "a"),
        1 => around(limit, "é"),
        1 => around(limit, " "),
        2 => any_text(40),
    ]
    .boxed()
}

fn any_pem_like() -> BoxedStrategy<String> {
    let label = select(
        &[
            "RSA ",
            "EC ",
            "",
            "OPENSSH ",
            "ENCRYPTED ",
            "rsa ",
            "RSA  ",
            "A B ",
            "PUBLIC ",
            "X-Y ",
        ][..],
    );
    prop_oneof![
        (label.clone(), regex("[A-Za-z0-9+/=\n]{0,40}"))
            .prop_map(|(label, body)| pem(label, &body)),
        (label.clone(), label, regex("[A-Za-z0-9+/=]{1,20}")).prop_map(
            |(begin, end, body)| format!(
                "-----BEGIN {begin}PRIVATE KEY-----\n{body}\n-----END {end}PRIVATE KEY-----"
            )
        ),
        (
            select(&["", " ", "\n", "\t", "\u{a0}", "\u{feff}", "\r\n"][..]),
            select(&["", " ", "\n", "\u{2028}", "x"][..])
        )
            .prop_map(|(before, after)| format!("{before}{}{after}", pem("RSA ", "MIIE"))),
        Just("-----BEGIN RSA PRIVATE KEY-----\\nMIIE\\n-----END RSA PRIVATE KEY-----".to_owned()),
        Just("-----BEGIN RSA PRIVATE KEY-----MIIE-----END RSA PRIVATE KEY-----".to_owned()),
        Just(pem("RSA ", "MII-----E")),
        Just(pem("RSA ", " \n ")),
        Just("-----BEGIN PUBLIC KEY-----\nMIIE\n-----END PUBLIC KEY-----".to_owned()),
        Just("ssh-rsa AAAAB3NzaC1yc2E user@host".to_owned()),
        // Labels of 32 characters (the longest) and 33.
        Just(pem(&format!("{} ", "A".repeat(32)), "x")),
        Just(pem(&format!("{} ", "A".repeat(33)), "x")),
        near_miss(Just(pem("RSA ", "MIIEowIBAAKCAQEA"))),
        around(16 * 1024, "A").prop_map(|body| pem("RSA ", &body)),
    ]
    .boxed()
}

/// One field of the base options changed.
#[derive(Clone, Debug)]
pub enum Edit {
    /// A string option (or an entry of `servers`) set to `value`.
    Text(Field, String),
    /// A number option set to `value`.
    Number(&'static str, f64),
    /// An option set to a value of another type (or `undefined`, or removed).
    Other(Field, Js),
    /// `auth` given with this type and key.
    ServerAuth(String, String),
}

/// The options a change can touch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    ProjectId,
    ServerId,
    TaskId,
    Token,
    AccessKeyId,
    SecretKey,
    SecurityToken,
    Region,
    /// `servers[index]`, as a string entry.
    Server(usize),
}

fn any_edit() -> impl Strategy<Value = Edit> {
    let text = prop_oneof![
        candidates(regex("[0-9a-f]{32}").boxed(), 32).prop_map(|v| Edit::Text(Field::ProjectId, v)),
        candidates(uuid().boxed(), 36).prop_map(|v| Edit::Text(Field::ServerId, v)),
        candidates(uuid().boxed(), 36).prop_map(|v| Edit::Text(Field::TaskId, v)),
        candidates(regex("[!-~]{1,60}").boxed(), 64 * 1024)
            .prop_map(|v| Edit::Text(Field::Token, v)),
        Just(Edit::Text(Field::Token, "Bearer abc".to_owned())),
        candidates(regex("[A-Za-z0-9]{1,40}").boxed(), 128)
            .prop_map(|v| Edit::Text(Field::AccessKeyId, v)),
        candidates(regex("[!-~]{1,50}").boxed(), 256).prop_map(|v| Edit::Text(Field::SecretKey, v)),
        candidates(regex("[!-~]{1,60}").boxed(), 64 * 1024)
            .prop_map(|v| Edit::Text(Field::SecurityToken, v)),
        candidates(
            prop_oneof![
                select(rules::KNOWN_REGIONS).prop_map(str::to_owned),
                regex("[a-z]{2}(-[a-z0-9]{1,6}){1,3}-[0-9]{1,3}")
            ]
            .boxed(),
            63
        )
        .prop_map(|v| Edit::Text(Field::Region, v)),
        (0usize..6, candidates(uuid().boxed(), 36))
            .prop_map(|(i, v)| Edit::Text(Field::Server(i), v)),
    ];
    let auth = prop_oneof![(
        prop_oneof![
            4 => select(&["password", "keypair"][..]).prop_map(str::to_owned),
            1 => near_miss(Just("keypair".to_owned())),
            1 => any_text(10)
        ],
        prop_oneof![
            any_pem_like(),
            any_text(30),
            around(16 * 1024, "é"),
            regex("[ -~]{1,30}")
        ]
    )
        .prop_map(|(kind, key)| Edit::ServerAuth(kind, key)),];
    let field = select(
        &[
            Field::ProjectId,
            Field::ServerId,
            Field::TaskId,
            Field::Token,
            Field::AccessKeyId,
            Field::SecretKey,
            Field::SecurityToken,
            Field::Region,
            Field::Server(0),
        ][..],
    );
    prop_oneof![
        6 => text,
        2 => auth,
        2 => prop_oneof![
            number_edit("timeoutMs", 1, 600_000),
            number_edit("maxAttempts", 1, 10),
            number_edit("intervalMs", 100, 600_000),
            number_edit("waitTimeoutMs", 1, 86_400_000),
            number_edit("limit", 1, i32::MAX as i64),
            number_edit("offset", 0, i32::MAX as i64),
            number_edit("concurrency", 1, 64),
        ],
        1 => (field, any_js(KEYS, 1)).prop_map(|(field, value)| Edit::Other(field, value)),
    ]
}

/// A number option set to any number, often one near its range's ends.
fn number_edit(name: &'static str, min: i64, max: i64) -> impl Strategy<Value = Edit> {
    prop_oneof![
        2 => any_number(),
        1 => (min - 2..=min + 2).prop_map(|n| n as f64),
        1 => (max - 2..=max + 2).prop_map(|n| n as f64),
        1 => (min..=max).prop_map(|n| n as f64),
    ]
    .prop_map(move |value| Edit::Number(name, value))
}

/// Changes `base` so that `edit` applies to it: the operation that takes the option, the authentication or
/// place it belongs to.
fn fit(base: &mut Base, edit: &Edit) {
    let field = match edit {
        Edit::Text(field, _) | Edit::Other(field, _) => Some(*field),
        _ => None,
    };
    let op = match (edit, field) {
        (_, Some(Field::ServerId)) | (Edit::ServerAuth(..), _) if !base.op.takes_server() => {
            Some(Op::Disassociate)
        }
        (_, Some(Field::TaskId)) if !base.op.takes_task() => Some(Op::TaskQuery),
        (_, Some(Field::Server(_))) => Some(Op::Fleet),
        (Edit::Number("intervalMs" | "waitTimeoutMs", _), _) if !base.op.waits() => {
            Some(Op::WaitForTask)
        }
        (Edit::Number("limit" | "offset", _), _) => Some(Op::TaskList),
        (Edit::Number("concurrency", _), _) => Some(Op::Fleet),
        _ => None,
    };
    if let Some(op) = op {
        base.op = op;
    }
    match (field, &base.auth) {
        (Some(Field::Token), Auth::AccessKey { .. }) => {
            base.auth = Auth::Token("MIIPAgYJKoZIhvcNAQcC".to_owned())
        }
        (Some(Field::AccessKeyId | Field::SecretKey | Field::SecurityToken), Auth::Token(_)) => {
            base.auth = Auth::AccessKey {
                ak: "HPUAL7MDDNZ3EXAMPLE1".to_owned(),
                sk: "qLZBJ9k7Xh2mEXAMPLEsecretKEY".to_owned(),
                st: None,
            }
        }
        _ => {}
    }
    if field == Some(Field::Region) {
        base.place = Place::Region("cn-north-4".to_owned());
    }
}

/// What the reference expects of base + edit: `Ok(())` when the documented rules accept it, else the field
/// that must be reported. `None` when the edit does not apply to the base (it is then skipped).
fn expected(base: &Base, edit: &Edit) -> Option<Result<(), String>> {
    let verdict = |ok: bool, field: &str| Some(if ok { Ok(()) } else { Err(field.to_owned()) });
    let token = matches!(base.auth, Auth::Token(_));
    let region = matches!(base.place, Place::Region(_));
    let applies = |field: Field| match field {
        Field::ProjectId => true,
        Field::ServerId => base.op.takes_server(),
        Field::TaskId => base.op.takes_task(),
        Field::Token => token,
        Field::AccessKeyId | Field::SecretKey | Field::SecurityToken => !token,
        Field::Region => region,
        Field::Server(index) => base.op == Op::Fleet && index < base.servers.len(),
    };
    match edit {
        Edit::Text(field, value) => {
            if !applies(*field) {
                return None;
            }
            match field {
                Field::ProjectId => verdict(rules::is_project_id(value), "projectId"),
                Field::ServerId => verdict(rules::is_uuid(value), "serverId"),
                Field::TaskId => verdict(rules::is_uuid(value), "taskId"),
                Field::Token => verdict(rules::is_token(value), "token"),
                Field::AccessKeyId => {
                    verdict(rules::is_access_key_id(value), "credentials.accessKeyId")
                }
                Field::SecretKey => {
                    verdict(rules::is_secret_key(value), "credentials.secretAccessKey")
                }
                Field::SecurityToken => {
                    verdict(rules::is_token(value), "credentials.securityToken")
                }
                Field::Region => verdict(rules::is_accepted_region(value), "region"),
                Field::Server(index) => {
                    let path = format!("servers[{index}]");
                    if !rules::is_uuid(value) {
                        return Some(Err(path));
                    }
                    // A server listed twice (UUIDs compared without case) is refused at its second place.
                    let lower = value.to_ascii_lowercase();
                    let first = base
                        .servers
                        .iter()
                        .enumerate()
                        .find(|(i, id)| *i != *index && id.to_ascii_lowercase() == lower)
                        .map(|(i, _)| i);
                    match first {
                        Some(other) => Some(Err(format!("servers[{}]", other.max(*index)))),
                        None => Some(Ok(())),
                    }
                }
            }
        }
        Edit::Number(name, value) => {
            let (_, min, max) = number_fields(base.op)
                .into_iter()
                .find(|(field, _, _)| field == name)?;
            verdict(rules::is_integer_in(*value, min, max), name)
        }
        Edit::Other(field, value) => {
            if !applies(*field) || matches!(field, Field::Server(_)) {
                return None;
            }
            let name = match field {
                Field::ProjectId => "projectId",
                Field::ServerId => "serverId",
                Field::TaskId => "taskId",
                Field::Token => "token",
                Field::AccessKeyId => "credentials.accessKeyId",
                Field::SecretKey => "credentials.secretAccessKey",
                Field::SecurityToken => "credentials.securityToken",
                Field::Region => "region",
                Field::Server(_) => unreachable!("skipped above"),
            };
            // `undefined` is absent: fine where the option is optional (deleteFailedTask's taskId, the security
            // token); a string is a text edit; anything else is the wrong type.
            match value {
                Js::String(_) => None,
                Js::Undefined => {
                    let optional = *field == Field::SecurityToken
                        || (*field == Field::TaskId && base.op == Op::DeleteFailedTask);
                    verdict(optional, name)
                }
                _ => verdict(false, name),
            }
        }
        Edit::ServerAuth(kind, key) => {
            if !base.op.takes_server() {
                return None;
            }
            match kind.as_str() {
                "password" => verdict(rules::is_password(key), "auth.key"),
                "keypair" => verdict(rules::is_private_key(key), "auth.key"),
                _ => verdict(false, "auth.type"),
            }
        }
    }
}

fn apply(base: &Base, edit: &Edit) -> Js {
    let mut object = base.to_js();
    let credential = |object: &mut Js, key: &str, value: Js| {
        if let Some(credentials) = object.get_mut("credentials") {
            credentials.set(key, value);
        }
    };
    let set = |object: &mut Js, field: Field, value: Js| match field {
        Field::ProjectId => object.set("projectId", value),
        Field::ServerId => object.set("serverId", value),
        Field::TaskId => object.set("taskId", value),
        Field::Token => object.set("token", value),
        Field::AccessKeyId => credential(object, "accessKeyId", value),
        Field::SecretKey => credential(object, "secretAccessKey", value),
        Field::SecurityToken => credential(object, "securityToken", value),
        Field::Region => object.set("region", value),
        Field::Server(index) => {
            if let Some(Js::Array(items)) = object.get_mut("servers") {
                if let Some(item) = items.get_mut(index) {
                    *item = value;
                }
            }
        }
    };
    match edit {
        Edit::Text(field, value) => set(&mut object, *field, Js::String(value.clone())),
        Edit::Number(name, value) => object.set(name, Js::Number(*value)),
        Edit::Other(field, value) => set(&mut object, *field, value.clone()),
        Edit::ServerAuth(kind, key) => object.set(
            "auth",
            Js::object(vec![
                ("type", Js::String(kind.clone())),
                ("key", Js::String(key.clone())),
            ]),
        ),
    }
    object
}

/// Where a canary secret is pasted besides its own option.
#[derive(Clone, Copy, Debug)]
pub enum Paste {
    Nowhere,
    Into(&'static str),
    UnknownKey,
    EndpointUserInfo,
    EndpointQuery,
    EndpointPath,
    AuthType,
    ServerEntry,
}

#[derive(Clone, Debug)]
pub enum Case {
    /// Valid options with one field changed.
    Edited(Base, Edit),
    /// Any value at all.
    Anything(Op, bool, Js),
    /// Valid options whose secrets carry `canary`, made invalid by `spoil` or not, and one pasted elsewhere.
    Canary {
        base: Base,
        canary: String,
        /// Which secret is spoiled (and how), if any.
        spoil: Option<(u8, &'static str)>,
        paste: Paste,
        which: u8,
    },
}

fn any_case() -> impl Strategy<Value = Case> {
    let paste = prop_oneof![
        3 => Just(Paste::Nowhere),
        2 => select(&["projectId", "serverId", "taskId", "region", "signingHost", "timeoutMs", "signal", "onProgress", "servers"][..]).prop_map(Paste::Into),
        1 => Just(Paste::UnknownKey),
        1 => Just(Paste::EndpointUserInfo),
        1 => Just(Paste::EndpointQuery),
        1 => Just(Paste::EndpointPath),
        1 => Just(Paste::AuthType),
        1 => Just(Paste::ServerEntry),
    ];
    let spoil = prop::option::of((0u8..5, select(SPOILERS)));
    prop_oneof![
        6 => (any_base(), any_edit()).prop_map(|(base, edit)| Case::Edited(base, edit)),
        2 => (select(OPS), any::<bool>(), any_js(KEYS, 4)).prop_map(|(op, browser, value)| Case::Anything(op, browser, value)),
        3 => (any_base(), regex("[A-Za-z0-9]{8}"), spoil, paste, 0u8..5).prop_map(|(base, tag, spoil, paste, which)| Case::Canary {
            base,
            canary: format!("CANARY{tag}"),
            spoil,
            paste,
            which,
        }),
    ]
}

/// What makes a secret invalid: a blank, a character outside ASCII or a header's, a prefix, too many bytes.
const SPOILERS: &[&str] = &[
    " ",
    "\n",
    "é",
    "\u{2028}",
    "\u{0}",
    "\"",
    "Bearer ",
    "70000 bytes",
];

/// The canary case's options: every secret carries the canary; secret `which` is also pasted by `paste`.
fn canary_options(
    base: &Base,
    canary: &str,
    spoil: Option<(u8, &'static str)>,
    paste: Paste,
    which: u8,
) -> Js {
    let mut secrets = [
        format!("tok{canary}"),
        // The access key ID is no secret, but no message echoes it (a swapped AK/SK would echo the secret):
        // its own marker, checked in failures only.
        format!("AK{}", access_key_marker(canary)),
        format!("sk{canary}"),
        format!("st{canary}"),
        format!("pass {canary}!"),
    ];
    if let Some((index, spoiler)) = spoil {
        let secret = &mut secrets[usize::from(index) % secrets.len()];
        match spoiler {
            "Bearer " => secret.insert_str(0, spoiler),
            "70000 bytes" => *secret = secret.repeat(70_000 / secret.len() + 1),
            _ => secret.push_str(spoiler),
        }
    }
    let mut base = base.clone();
    base.auth = match base.auth {
        Auth::Token(_) => Auth::Token(secrets[0].clone()),
        Auth::AccessKey { st, .. } => Auth::AccessKey {
            ak: secrets[1].clone(),
            sk: secrets[2].clone(),
            st: st.map(|_| secrets[3].clone()),
        },
    };
    let key = if which % 2 == 0 {
        ("password", secrets[4].clone())
    } else {
        ("keypair", pem("RSA ", &format!("MIIE{canary}")))
    };
    base.server_auth = Some(key.clone());
    // Only a secret these options hold is pasted: another string is no secret of theirs.
    let mut held: Vec<String> = match &base.auth {
        Auth::Token(token) => vec![token.clone()],
        Auth::AccessKey { ak, sk, st } => [Some(ak.clone()), Some(sk.clone()), st.clone()]
            .into_iter()
            .flatten()
            .collect(),
    };
    if base.op.takes_server() {
        held.push(key.1);
    }
    let pasted = held[usize::from(which) % held.len()].clone();
    let mut object = base.to_js();
    match paste {
        Paste::Nowhere => {}
        Paste::Into(key) => object.set(key, Js::String(pasted)),
        Paste::UnknownKey => object.set("pasword", Js::String(pasted)),
        Paste::EndpointUserInfo => {
            object.remove("region");
            object.set(
                "endpoint",
                Js::String(format!("https://user:{pasted}@kms.example.com")),
            );
        }
        Paste::EndpointQuery => {
            object.remove("region");
            object.set(
                "endpoint",
                Js::String(format!("https://kms.example.com/kps?token={pasted}")),
            );
        }
        Paste::EndpointPath => {
            object.remove("region");
            object.set(
                "endpoint",
                Js::String(format!("https://kms.example.com/{pasted}")),
            );
        }
        Paste::AuthType => object.set(
            "auth",
            Js::object(vec![
                ("type", Js::String(pasted.clone())),
                ("key", Js::String(pasted)),
            ]),
        ),
        Paste::ServerEntry => object.set(
            "servers",
            Js::Array(vec![
                Js::s("d76baba7-ef09-40a2-87ff-3eafec0696e7"),
                Js::String(pasted),
            ]),
        ),
    }
    object
}

fn access_key_marker(canary: &str) -> String {
    canary.replace("CANARY", "PUBLIC")
}

fn check_failure(failure: &Failure) -> Result<(), TestCaseError> {
    prop_assert_eq!(failure.kind, ErrorKind::Validation);
    prop_assert_eq!(failure.code.as_str(), "INVALID_ARGUMENT");
    // A field is always named; it is empty only for an unknown key that is the empty string (`{ '': 1 }`).
    prop_assert!(failure.field.is_some(), "no field: {failure:?}");
    prop_assert!(!failure.message.is_empty());
    prop_assert!(failure.status == 0 && failure.request_id.is_none() && failure.task.is_none());
    Ok(())
}

pub fn property(session: &mut Session) {
    session.check(any_case(), |case| match case {
        Case::Edited(base, edit) => {
            let edit = match edit {
                Edit::Text(Field::Server(index), value) => {
                    Edit::Text(Field::Server(index % base.servers.len()), value)
                }
                edit => edit,
            };
            let mut base = base;
            fit(&mut base, &edit);
            let Some(expected) = expected(&base, &edit) else {
                return Ok(());
            };
            let got = base.op.validate(&apply(&base, &edit), &base.env());
            if let Err(failure) = &got {
                check_failure(failure)?;
            }
            let got = got
                .map(|_| ())
                .map_err(|failure| failure.field.unwrap_or_default());
            prop_assert_eq!(got, expected);
            Ok(())
        }
        Case::Anything(op, browser, value) => {
            let env = if browser { BROWSER } else { NODE };
            if let Err(failure) = op.validate(&value, &env) {
                check_failure(&failure)?;
            }
            Ok(())
        }
        Case::Canary {
            base,
            canary,
            spoil,
            paste,
            which,
        } => {
            let options = canary_options(&base, &canary, spoil, paste, which);
            match base.op.validate(&options, &base.env()) {
                // Where a secret was pasted into another option (an endpoint's path, say), that option holds it.
                Ok(shown) if matches!(paste, Paste::Nowhere) => {
                    prop_assert!(
                        !shown.contains(&canary),
                        "accepted options show a secret: {shown}"
                    )
                }
                Ok(_) => {}
                Err(failure) => {
                    check_failure(&failure)?;
                    for text in [
                        failure.message.clone(),
                        failure.field.clone().unwrap_or_default(),
                        failure.to_string(),
                        format!("{failure:?}"),
                    ] {
                        let ak = access_key_marker(&canary);
                        prop_assert!(
                            !text.contains(&canary) && !text.contains(&ak),
                            "a failure shows a secret: {text}"
                        );
                    }
                }
            }
            Ok(())
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    use std::collections::BTreeMap;

    /// The generator must reach both sides of every rule, or the exact-acceptance property proves little.
    #[test]
    fn the_edits_reach_both_sides_of_every_rule() {
        let mut runner = TestRunner::deterministic();
        let strategy = (any_base(), any_edit());
        let mut verdicts: BTreeMap<String, (u32, u32)> = BTreeMap::new();
        for _ in 0..6_000 {
            let (mut base, edit) = strategy.new_tree(&mut runner).unwrap().current();
            fit(&mut base, &edit);
            let name = match &edit {
                Edit::Text(field, _) | Edit::Other(field, _) => {
                    format!("{field:?}").split('(').next().unwrap().to_owned()
                }
                Edit::Number(name, _) => (*name).to_owned(),
                Edit::ServerAuth(kind, _) => format!(
                    "auth {}",
                    if kind == "password" || kind == "keypair" {
                        kind
                    } else {
                        "other"
                    }
                ),
            };
            if let Some(verdict) = expected(&base, &edit) {
                let entry = verdicts.entry(name).or_default();
                if verdict.is_ok() {
                    entry.0 += 1;
                } else {
                    entry.1 += 1;
                }
            }
        }
        for (name, (accepted, refused)) in &verdicts {
            if name == "auth other" {
                assert!(*refused > 0, "{name}");
                continue;
            }
            assert!(
                *accepted >= 5 && *refused >= 5,
                "{name}: {accepted} accepted, {refused} refused in {verdicts:?}"
            );
        }
        assert!(verdicts.len() >= 17, "{verdicts:?}");
    }
}
