//! Response handling ([`kps_wasm::response`], [`kps_wasm::tasks`]): any status, `X-Request-Id` and
//! `Retry-After`, and any body — the documented shapes with members of every type, duplicated members,
//! secrets of the call echoed anywhere in any escaping, text cut short, bytes that are not UTF-8, HTML, deep
//! nesting, numbers JSON cannot hold — read by each operation's reader.
//!
//! Properties: nothing panics; every failure is an API or response failure with the response's status, an
//! identifier or `HTTP_<status>` as its code and a message of bounded length; every identifier a result
//! carries has the documented shape; a 2xx `{"task_id": …}` resolves exactly when a reference reading of the
//! body says it should; no secret of the masker is anywhere in the result or the failure (all of it, through
//! `{:?}`), the failure of a task built from a failed-tasks entry included.

use kps_wasm::error::{ErrorKind, Failure};
use kps_wasm::identifiers::{is_identifier, MAX_ID_CHARS, MAX_REQUEST_ID_CHARS};
use kps_wasm::json::JsonValue;
use kps_wasm::masking::{Masker, MIN_SECRET_BYTES};
use kps_wasm::model::KeypairTask;
use kps_wasm::response::{self, Body, HttpResponse, Json};
use kps_wasm::tasks;
use proptest::prelude::*;
use proptest::sample::select;

use super::masking::{any_escaping, any_secret, reference_mask, write, Piece};
use crate::inputs::{any_number, any_text};
use crate::reference::encoders::{encode, Encoder, ENCODERS};
use crate::reference::json::{inject, EngineLike, Injected};
use crate::Session;

/// The members the readers look at, and a few they do not.
const MEMBERS: &[&str] = &[
    "task_id",
    "server_id",
    "status",
    "error_code",
    "error_msg",
    "task_status",
    "total",
    "tasks",
    "task_time",
    "operate_type",
    "server_name",
    "keypair_name",
    "task_error_code",
    "task_error_msg",
    "extra",
];

/// A string value: pieces (filler, secrets in an escaping, prefixes of secrets), or an identifier.
#[derive(Clone, Debug)]
pub enum Text {
    Pieces(Vec<Piece>),
    Identifier(String),
    /// A secret with every space written as other whitespace (a line break, a tab, two spaces): not the
    /// secret, until something collapses whitespace.
    Respaced(usize, &'static str),
}

/// A JSON value of a body; object members may repeat.
#[derive(Clone, Debug)]
pub enum Node {
    Null,
    Bool(bool),
    Number(f64),
    /// A number as written in the text (huge, precise, exponent).
    Literal(&'static str),
    String(Text, Encoder),
    Array(Vec<Node>),
    Object(Vec<(String, Node)>),
}

/// How a body is written.
#[derive(Clone, Debug)]
pub enum BodySpec {
    Empty,
    TooLarge,
    NotUtf8(Vec<u8>),
    /// A JSON document, cut after `cut` bytes (at a character boundary) when given.
    Json(Node, Option<usize>),
    /// Any text: an HTML error page, plain text.
    Text(Vec<Text>),
    /// `depth` arrays or objects inside each other around a member.
    Deep(usize, bool, Node),
    /// A tree handed to the core as the engine's parser would build it: numbers JSON text cannot hold (NaN,
    /// ±Infinity), nesting to the boundary's cut.
    Tree(Node),
}

/// Which reader.
#[derive(Clone, Copy, Debug)]
pub enum Reader {
    Disassociate,
    Task,
    TaskList,
    Delete,
    ApiFailure,
}

#[derive(Clone, Debug)]
pub struct Case {
    pub reader: Reader,
    pub status: u16,
    pub request_id: Option<Text>,
    pub retry_after: Option<String>,
    pub body: BodySpec,
    pub secrets: Vec<String>,
}

fn any_text_value() -> impl Strategy<Value = Text> {
    prop_oneof![
        4 => prop::collection::vec(
            prop_oneof![
                3 => any_text(16).prop_map(Piece::Filler),
                2 => (0usize..4, any_escaping()).prop_map(|(i, e)| Piece::Secret(i, e)),
                1 => (0usize..4, 1usize..20).prop_map(|(i, n)| Piece::Prefix(i, n)),
            ],
            0..5
        )
        .prop_map(Text::Pieces),
        3 => prop_oneof![
            prop::string::string_regex("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}").expect("regex"),
            prop::string::string_regex("[A-Za-z0-9._:-]{1,70}").expect("regex"),
            select(&["READY_UNBIND", "RUNNING_UNBIND", "SUCCESS_UNBIND", "FAILED_UNBIND", "KPS.0002", "APIGW.0308", "FAILED", "SUCCESS", "", "***"][..]).prop_map(str::to_owned),
        ]
        .prop_map(Text::Identifier),
        1 => (0usize..4, select(&["\n", "\t", "  ", "\r\n", " \u{a0}", "\u{2028}"][..])).prop_map(|(i, s)| Text::Respaced(i, s)),
    ]
}

fn any_node() -> impl Strategy<Value = Node> {
    let leaf = prop_oneof![
        1 => Just(Node::Null),
        1 => any::<bool>().prop_map(Node::Bool),
        2 => any_number().prop_map(Node::Number),
        1 => select(&["1e400", "-1e400", "123456789012345678901234567890", "1.0000000000000000001", "-0", "0.1e-400", "9007199254740993"][..]).prop_map(Node::Literal),
        6 => (any_text_value(), select(&ENCODERS[..])).prop_map(|(t, e)| Node::String(t, e)),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            1 => prop::collection::vec(inner.clone(), 0..4).prop_map(Node::Array),
            3 => prop::collection::vec((member_name(), inner), 0..7).prop_map(Node::Object),
        ]
    })
}

fn member_name() -> impl Strategy<Value = String> {
    prop_oneof![8 => select(MEMBERS).prop_map(str::to_owned), 1 => any_text(8)]
}

/// A body of the documented shape for `reader`, with members of any type (and some repeated).
fn documented(reader: Reader) -> BoxedStrategy<Node> {
    let string = || (any_text_value(), select(&ENCODERS[..])).prop_map(|(t, e)| Node::String(t, e));
    let member = move |name: &'static str| {
        prop_oneof![6 => string(), 1 => any_node()].prop_map(move |node| (name.to_owned(), node))
    };
    let entry = prop::collection::vec(
        prop_oneof![
            member("task_id"),
            member("server_id"),
            member("operate_type"),
            member("task_time"),
            (
                Just("task_time".to_owned()),
                any_number().prop_map(Node::Number)
            ),
            member("server_name"),
            member("keypair_name"),
            member("task_error_code"),
            member("task_error_msg"),
        ],
        0..9,
    )
    .prop_map(Node::Object);
    match reader {
        Reader::Disassociate => prop::collection::vec(
            prop_oneof![
                member("task_id"),
                member("server_id"),
                member("status"),
                member("error_code"),
                member("error_msg")
            ],
            0..7,
        )
        .prop_map(Node::Object)
        .boxed(),
        Reader::Task => prop::collection::vec(
            prop_oneof![
                member("task_id"),
                member("server_id"),
                member("task_status")
            ],
            0..5,
        )
        .prop_map(Node::Object)
        .boxed(),
        Reader::TaskList => (
            prop::collection::vec(entry, 0..5),
            prop_oneof![Just(None), any_number().prop_map(Some)],
        )
            .prop_map(|(tasks, total)| {
                let mut members = vec![("tasks".to_owned(), Node::Array(tasks))];
                if let Some(total) = total {
                    members.push(("total".to_owned(), Node::Number(total)));
                }
                Node::Object(members)
            })
            .boxed(),
        Reader::Delete | Reader::ApiFailure => {
            prop::collection::vec(prop_oneof![member("error_code"), member("error_msg")], 0..4)
                .prop_map(Node::Object)
                .boxed()
        }
    }
}

fn any_body(reader: Reader) -> impl Strategy<Value = BodySpec> {
    prop_oneof![
        1 => Just(BodySpec::Empty),
        1 => Just(BodySpec::TooLarge),
        1 => prop::collection::vec(any::<u8>(), 1..40)
            .prop_filter("not UTF-8", |bytes| std::str::from_utf8(bytes).is_err())
            .prop_map(BodySpec::NotUtf8),
        6 => (documented(reader), prop_oneof![4 => Just(None), 1 => (0usize..200).prop_map(Some)])
            .prop_map(|(node, cut)| BodySpec::Json(node, cut)),
        2 => (any_node(), prop_oneof![3 => Just(None), 1 => (0usize..200).prop_map(Some)])
            .prop_map(|(node, cut)| BodySpec::Json(node, cut)),
        1 => prop::collection::vec(any_text_value(), 0..4).prop_map(BodySpec::Text),
        1 => (1usize..200, any::<bool>(), documented(reader)).prop_map(|(d, arrays, node)| BodySpec::Deep(d, arrays, node)),
        2 => prop_oneof![documented(reader), any_node()].prop_map(BodySpec::Tree),
    ]
}

fn any_status() -> impl Strategy<Value = u16> {
    prop_oneof![
        4 => select(&[200u16, 201, 202, 204, 299, 300, 301, 302, 304, 400, 401, 403, 404, 409, 429, 500, 502, 503, 504][..]),
        1 => any::<u16>(),
        1 => 100u16..600,
    ]
}

fn any_case() -> impl Strategy<Value = Case> {
    // One strategy per reader, built once (a `prop_flat_map` would build the body's strategy for every case).
    let case = |reader: Reader| {
        (
            any_status(),
            prop::option::of(any_text_value()),
            prop::option::of(prop_oneof![
                prop::string::string_regex("[0-9]{1,12}").expect("regex"),
                Just("Wed, 21 Oct 2026 07:28:00 GMT".to_owned()),
                any_text(30),
            ]),
            any_body(reader),
            prop::collection::vec(any_secret(), 0..4),
        )
            .prop_map(
                move |(status, request_id, retry_after, body, secrets)| Case {
                    reader,
                    status,
                    request_id,
                    retry_after,
                    body,
                    secrets,
                },
            )
    };
    prop_oneof![
        case(Reader::Disassociate),
        case(Reader::Task),
        case(Reader::TaskList),
        case(Reader::Delete),
        case(Reader::ApiFailure),
    ]
}

/// Writes a string value.
fn text(value: &Text, secrets: &[String]) -> String {
    let secret = |index: usize| {
        secrets
            .get(index % secrets.len().max(1))
            .cloned()
            .unwrap_or_default()
    };
    match value {
        Text::Pieces(pieces) if secrets.is_empty() => pieces
            .iter()
            .filter_map(|piece| match piece {
                Piece::Filler(filler) => Some(filler.as_str()),
                _ => None,
            })
            .collect(),
        Text::Pieces(pieces) => write(pieces, secrets).0,
        Text::Identifier(id) => id.clone(),
        Text::Respaced(index, space) => secret(*index).replace(' ', space),
    }
}

/// The JSON text of `node` (members repeated as given; strings in their encoder's escaping).
fn json_text(node: &Node, secrets: &[String], out: &mut String) {
    match node {
        Node::Null => out.push_str("null"),
        Node::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Node::Number(n) if n.is_finite() => {
            out.push_str(&serde_json::to_string(n).expect("a finite number"))
        }
        Node::Number(n) => out.push_str(if n.is_nan() {
            "null"
        } else if *n > 0.0 {
            "1e400"
        } else {
            "-1e400"
        }),
        Node::Literal(literal) => out.push_str(literal),
        Node::String(value, encoder) => {
            out.push('"');
            out.push_str(&encode(*encoder, &text(value, secrets)));
            out.push('"');
        }
        Node::Array(items) => {
            out.push('[');
            for (index, item) in items.iter().enumerate() {
                if index > 0 {
                    out.push(',');
                }
                json_text(item, secrets, out);
            }
            out.push(']');
        }
        Node::Object(members) => {
            out.push('{');
            for (index, (name, value)) in members.iter().enumerate() {
                if index > 0 {
                    out.push(',');
                }
                out.push_str(&serde_json::to_string(name).expect("a string"));
                out.push(':');
                json_text(value, secrets, out);
            }
            out.push('}');
        }
    }
}

/// The tree the engine's parser would build from `node` (duplicates as `JSON.parse` keeps them).
fn tree(node: &Node, secrets: &[String]) -> JsonValue {
    match node {
        Node::Null => JsonValue::Null,
        Node::Bool(b) => JsonValue::Bool(*b),
        Node::Number(n) => JsonValue::Number(*n),
        Node::Literal(literal) => JsonValue::Number(literal.parse().unwrap_or(f64::NAN)),
        Node::String(value, _) => JsonValue::String(text(value, secrets)),
        Node::Array(items) => {
            JsonValue::Array(items.iter().map(|item| tree(item, secrets)).collect())
        }
        Node::Object(members) => {
            let mut out: Vec<(String, JsonValue)> = Vec::new();
            for (name, value) in members {
                let value = tree(value, secrets);
                match out.iter_mut().find(|(n, _)| n == name) {
                    Some((_, slot)) => *slot = value,
                    None => out.push((name.clone(), value)),
                }
            }
            JsonValue::Object(out)
        }
    }
}

fn body(spec: &BodySpec, secrets: &[String]) -> Body {
    match spec {
        BodySpec::Empty => Body::Empty,
        BodySpec::TooLarge => Body::TooLarge,
        BodySpec::NotUtf8(bytes) => Body::NotUtf8(bytes.clone()),
        BodySpec::Json(node, cut) => {
            let mut out = String::new();
            json_text(node, secrets, &mut out);
            if let Some(cut) = cut {
                let cut = (0..=(*cut).min(out.len()))
                    .rev()
                    .find(|&i| out.is_char_boundary(i))
                    .unwrap_or(0);
                out.truncate(cut);
            }
            if out.is_empty() {
                Body::Empty
            } else {
                Body::Text(out)
            }
        }
        BodySpec::Text(texts) => {
            let out: String = texts.iter().map(|t| text(t, secrets)).collect();
            if out.is_empty() {
                Body::Empty
            } else {
                Body::Text(out)
            }
        }
        BodySpec::Deep(depth, arrays, node) => {
            let mut inner = String::new();
            json_text(node, secrets, &mut inner);
            let (open, close) = if *arrays {
                ("[", "]")
            } else {
                ("{\"tasks\":", "}")
            };
            Body::Text([open.repeat(*depth), inner, close.repeat(*depth)].concat())
        }
        BodySpec::Tree(_) => Body::Text("(a tree the engine parsed)".to_owned()),
    }
}

/// What a reader returned, as one `Result` to check.
#[derive(Debug)]
enum Outcome {
    TaskId(String),
    Task(KeypairTask),
    List(kps_wasm::model::TaskList, Option<Failure>),
    Deleted,
}

fn read<J: Json>(case: &Case, response: HttpResponse, masker: &Masker) -> Result<Outcome, Failure> {
    match case.reader {
        Reader::Disassociate => {
            response::disassociate_result::<J>(response, masker).map(Outcome::TaskId)
        }
        Reader::Task => tasks::task_result::<J>(response, masker).map(Outcome::Task),
        Reader::TaskList => tasks::task_list_result::<J>(response, masker).map(|list| {
            // A wait that saw this task fail reports it with the failed-tasks entry's details.
            let failed = list.tasks.first().map(|entry| {
                let task = KeypairTask {
                    task_id: entry.task_id.clone(),
                    server_id: entry.server_id.clone(),
                    status: "FAILED_UNBIND".to_owned(),
                };
                tasks::task_failed(task, Some(entry))
            });
            Outcome::List(list, failed)
        }),
        Reader::Delete => tasks::delete_result::<J>(response, masker).map(|()| Outcome::Deleted),
        Reader::ApiFailure => Err(response::api_failure::<J>(response, masker)),
    }
}

/// The secret (of at least 4 bytes) that `shown`, the `{:?}` of a result, holds, if any: `{:?}` escapes each
/// string field character by character, so a secret in a field shows as its own `{:?}`. Masks are looked
/// past (a secret ending in `*` next to one).
fn holds_secret(shown: &str, secrets: &[String]) -> Option<String> {
    let unmasked = shown.replace("***", "\u{1}");
    secrets
        .iter()
        .filter(|s| s.len() >= MIN_SECRET_BYTES)
        .find_map(|secret| {
            let debug = format!("{secret:?}");
            unmasked
                .contains(&debug[1..debug.len() - 1])
                .then(|| secret.clone())
        })
}

/// How many times `secret` (as `{:?}` shows it) is in `shown`, masks looked past as in [`holds_secret`].
fn occurrences(shown: &str, secret: &str) -> usize {
    let debug = format!("{secret:?}");
    shown
        .replace("***", "\u{1}")
        .matches(&debug[1..debug.len() - 1])
        .count()
}

fn check_failure(failure: &Failure, case: &Case) -> Result<(), TestCaseError> {
    prop_assert!(
        matches!(failure.kind, ErrorKind::Api | ErrorKind::Response),
        "a response reader failed with {:?}",
        failure.kind
    );
    prop_assert_eq!(failure.status, case.status);
    prop_assert!(failure.field.is_none() && failure.attempts == 1);
    prop_assert!(!failure.message.is_empty());
    prop_assert!(
        failure.message.chars().count() <= 400,
        "a message of {} characters",
        failure.message.chars().count()
    );
    let http = format!("HTTP_{}", case.status);
    prop_assert!(
        failure.code == http
            || failure.code == "INVALID_RESPONSE"
            || is_identifier(&failure.code, MAX_ID_CHARS),
        "code {:?}",
        failure.code
    );
    if failure.kind == ErrorKind::Api && (200..300).contains(&case.status) {
        prop_assert!(
            matches!(case.reader, Reader::Disassociate | Reader::ApiFailure),
            "an API error for a 2xx"
        );
    }
    if let Some(id) = &failure.request_id {
        prop_assert!(is_identifier(id, MAX_REQUEST_ID_CHARS), "request id {id:?}");
    }
    if failure.retry_after.is_some() {
        prop_assert!(case.retry_after.is_some());
    }
    Ok(())
}

fn check_outcome(outcome: &Outcome) -> Result<(), TestCaseError> {
    let id = |value: &str| is_identifier(value, MAX_ID_CHARS);
    match outcome {
        Outcome::TaskId(task_id) => prop_assert!(id(task_id), "task id {task_id:?}"),
        Outcome::Task(task) => {
            prop_assert!(id(&task.task_id) && id(&task.status), "{task:?}");
            prop_assert!(task.server_id.is_empty() || id(&task.server_id), "{task:?}");
        }
        Outcome::List(list, failed) => {
            for task in &list.tasks {
                prop_assert!(id(&task.task_id), "{task:?}");
                prop_assert!(task.server_id.is_empty() || id(&task.server_id), "{task:?}");
            }
            if let Some(failed) = failed {
                prop_assert_eq!(failed.kind, ErrorKind::TaskFailed);
                // Two excerpts of the service's text at most, and the identifiers.
                prop_assert!(failed.message.chars().count() <= 1000, "{}", failed.message);
            }
        }
        Outcome::Deleted => {}
    }
    Ok(())
}

/// The reference reading of a 2xx answer to an unbind: `{"task_id": <identifier>}` (other documented members
/// absent, `null` or strings; `status` not `FAILED`) resolves to that task ID; anything else does not.
fn expected_task_id(body: &Body, secrets: &[String]) -> Option<String> {
    let Body::Text(text) = body else {
        return None;
    };
    let JsonValue::Object(members) = EngineLike::parse(text)? else {
        return None;
    };
    let member = |name: &str| members.iter().find(|(n, _)| n == name).map(|(_, v)| v);
    for name in ["task_id", "server_id", "status", "error_code", "error_msg"] {
        if !matches!(
            member(name),
            None | Some(JsonValue::Null) | Some(JsonValue::String(_))
        ) {
            return None;
        }
    }
    if let Some(JsonValue::String(status)) = member("status") {
        if reference_mask(status, secrets) == "FAILED" {
            return None;
        }
    }
    match member("task_id") {
        Some(JsonValue::String(task_id)) => {
            let clean = reference_mask(task_id, secrets) == *task_id;
            let shape = regex_identifier(task_id);
            (clean && shape).then(|| task_id.clone())
        }
        _ => None,
    }
}

/// The documented identifier shape (README "Errors"): 1–64 characters of `A–Z a–z 0–9 - _ . :`.
fn regex_identifier(text: &str) -> bool {
    (1..=64).contains(&text.chars().count())
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ':'))
}

/// What reading `case`'s response gives, with `secrets` planted where the case says and masked.
fn outcome_of(case: &Case, secrets: &[String]) -> Result<Outcome, Failure> {
    let masker = Masker::new(secrets.iter().map(String::as_str));
    let request_id = case.request_id.as_ref().map(|id| text(id, secrets));
    let response = HttpResponse::received(
        case.status,
        request_id,
        case.retry_after.clone(),
        body(&case.body, secrets),
        &masker,
    );
    match &case.body {
        BodySpec::Tree(node) => {
            inject(Some(kps_wasm_cut(tree(node, secrets))));
            read::<Injected>(case, response, &masker)
        }
        _ => read::<EngineLike>(case, response, &masker),
    }
}

pub fn property(session: &mut Session) {
    session.check(any_case(), |case| {
        let body = body(&case.body, &case.secrets);
        let expected = match (&case.body, case.reader) {
            (BodySpec::Tree(_), _)
            | (_, Reader::Task | Reader::TaskList | Reader::Delete | Reader::ApiFailure) => None,
            (_, Reader::Disassociate) if (200..300).contains(&case.status) => {
                Some(expected_task_id(&body, &case.secrets))
            }
            _ => Some(None),
        };
        let outcome = outcome_of(&case, &case.secrets);
        let shown = format!("{outcome:?}");
        if let Some(secret) = holds_secret(&shown, &case.secrets) {
            // Unless the library's own words hold it as often (a 4-byte secret such as "e re" is in "the
            // response"): the same case with every secret replaced by one found nowhere.
            let stand_ins: Vec<String> = (0..case.secrets.len())
                .map(|i| format!("\u{e000}{i}\u{e001}"))
                .collect();
            let own_words = format!("{:?}", outcome_of(&case, &stand_ins));
            if occurrences(&shown, &secret) > occurrences(&own_words, &secret) {
                return Err(TestCaseError::fail(format!(
                    "the secret {secret:?} is in {shown}"
                )));
            }
        }
        match &outcome {
            Ok(outcome) => check_outcome(outcome)?,
            Err(failure) => check_failure(failure, &case)?,
        }
        if let Some(expected) = expected {
            let got = match &outcome {
                Ok(Outcome::TaskId(task_id)) => Some(task_id.clone()),
                _ => None,
            };
            prop_assert_eq!(got, expected, "the unbind's result");
        }
        Ok(())
    });
}

/// The boundary's depth cut, applied to an injected tree as the wasm applies it to `JSON.parse`'s result.
fn kps_wasm_cut(value: JsonValue) -> JsonValue {
    crate::reference::json::cut(value, 0)
}
