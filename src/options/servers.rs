//! Steps 2 and 5–6 of `disassociateKeypairs`: the `servers` list. Each entry is a server ID, or
//! `{ serverId, auth? }`; every entry is checked as `disassociateKeypair` checks its `serverId` and `auth`, and a
//! failure names the entry's path (`servers[3]`, `servers[3].serverId`, `servers[3].auth.key`). A server listed
//! twice is refused (IDs compared without case, as UUIDs are), so that no server is unbound twice.

use super::auth::server_auth;
use super::echoes::{auth_key, entry_auth_key, hide_quoted_secrets};
use super::fields::{wrong_type, Fields};
use super::ids::server_id;
use super::keys::{check_keys, AUTH};
use crate::error::Failure;
use crate::input::Input;
use crate::messages::{decimal, quote};
use crate::model::ServerAuth;

/// Most servers one `disassociateKeypairs` call takes.
pub const MAX_FLEET_SERVERS: usize = 1000;

/// The keys of an entry given as an object.
const ENTRY_KEYS: &[&str] = &["serverId", "auth"];
/// What people write instead of an entry's keys.
const ENTRY_ALIASES: &[(&str, &str)] = &[
    ("id", "serverId"),
    ("server", "serverId"),
    ("instanceid", "serverId"),
    ("ecsid", "serverId"),
    ("authentication", "auth"),
    ("password", "auth"),
    ("privatekey", "auth"),
    ("key", "auth"),
];

/// One server of a fleet.
#[derive(Debug)]
pub struct FleetServer {
    pub server_id: String,
    pub auth: Option<ServerAuth>,
}

/// Step 2 for `servers`: the first unknown key of an entry given as an object, or of its `auth`, named by its
/// path. Run with the other unknown-key checks, before any value is looked at.
pub(super) fn check_entry_keys(servers: Option<&Input>) -> Result<(), Failure> {
    let Some(Input::Array(items)) = servers else {
        return Ok(());
    };
    for (index, item) in items.iter().enumerate() {
        let Input::Object(entries) = item else {
            continue;
        };
        let path = entry_path(index);
        check_keys(entries, &path, &[ENTRY_KEYS], ENTRY_ALIASES)?;
        if let Some((_, Input::Object(auth))) = entries.iter().find(|(key, _)| key == "auth") {
            AUTH.check_keys_at(&[path.as_str(), ".auth"].concat(), auth)?;
        }
    }
    Ok(())
}

/// `servers`: 1..=[`MAX_FLEET_SERVERS`] entries, each a server ID or `{ serverId, auth? }`, none twice.
pub(super) fn servers(value: Input) -> Result<Vec<FleetServer>, Failure> {
    const F: &str = "servers";
    const EXPECTED: &str =
        "an array of server IDs or { serverId, auth? } objects (1 to 1000 of them)";
    let items = match value {
        Input::Array(items) => items,
        Input::Undefined => {
            return Err(Failure::invalid(
                F,
                ["servers is required: ", EXPECTED].concat(),
            ))
        }
        other => return Err(wrong_type(F, EXPECTED, other, false)),
    };
    if items.is_empty() {
        return Err(Failure::invalid(
            F,
            "servers must list at least one server; got an empty array",
        ));
    }
    if items.len() > MAX_FLEET_SERVERS {
        return Err(Failure::invalid(
            F,
            "servers lists more than 1000 servers; split the fleet into calls of at most 1000",
        ));
    }
    let mut fleet: Vec<FleetServer> = Vec::with_capacity(items.len());
    let mut seen: Vec<String> = Vec::with_capacity(items.len());
    // Every entry is read, so that the strings of those after a failure are zeroized too (by `Fields`).
    let mut entries = Fields {
        entries: items
            .into_iter()
            .enumerate()
            .map(|(index, item)| (decimal(index as u64), item))
            .collect(),
    };
    // `servers` is out of the options object by now: a failure that quotes an id hides the `auth.key`s of the
    // entries here (a password pasted into a serverId), those read and those not yet.
    let hidden =
        |failure: Failure, fleet: &[FleetServer], current: Option<&FleetServer>, rest: &Fields| {
            let read = fleet
                .iter()
                .chain(current)
                .filter_map(|server| server.auth.as_ref());
            let keys = read.map(|auth| auth.key.expose());
            let unread = rest
                .entries
                .iter()
                .filter_map(|(_, entry)| entry_auth_key(entry));
            hide_quoted_secrets(failure, keys.chain(unread).collect())
        };
    for index in 0..entries.entries.len() {
        let item = entries.take(&decimal(index as u64));
        let server =
            entry(index, item).map_err(|failure| hidden(failure, &fleet, None, &entries))?;
        let normal = server.server_id.to_ascii_lowercase();
        if let Some(first) = seen.iter().position(|id| *id == normal) {
            let failure = Failure::invalid(
                entry_path(index),
                [
                    &entry_path(index),
                    " repeats ",
                    &entry_path(first),
                    " (",
                    &quote(&server.server_id),
                    "): list each server once, so that none is unbound twice",
                ]
                .concat(),
            );
            return Err(hidden(failure, &fleet, Some(&server), &entries));
        }
        seen.push(normal);
        fleet.push(server);
    }
    Ok(fleet)
}

/// One entry: a server ID string, or `{ serverId, auth? }`.
fn entry(index: usize, item: Input) -> Result<FleetServer, Failure> {
    let path = entry_path(index);
    match item {
        Input::String(_) => Ok(FleetServer {
            server_id: server_id(item).map_err(|failure| at(&path, "serverId", failure))?,
            auth: None,
        }),
        Input::Object(object) => {
            let mut fields = Fields { entries: object };
            let server_id = server_id(fields.take("serverId")).map_err(|failure| {
                let failure = at(&[path.as_str(), ".serverId"].concat(), "serverId", failure);
                // This entry's own key is still in `fields`.
                let own = fields.entries.iter().filter(|(key, _)| key == "auth");
                hide_quoted_secrets(
                    failure,
                    own.filter_map(|(_, auth)| auth_key(auth)).collect(),
                )
            })?;
            let auth = server_auth(fields.take("auth"))
                .map_err(|failure| at(&[path.as_str(), ".auth"].concat(), "auth", failure))?;
            Ok(FleetServer { server_id, auth })
        }
        other => Err(wrong_type(
            &path,
            "a server ID (a UUID) or an object { serverId, auth? }",
            other,
            false,
        )),
    }
}

fn entry_path(index: usize) -> String {
    ["servers[", &decimal(index as u64), "]"].concat()
}

/// `failure` of the option `own` (`serverId`, `auth`), reported at `path` instead: its field, and its message
/// where the message names the option first (`auth.key is required` → `servers[3].auth.key is required`).
fn at(path: &str, own: &str, mut failure: Failure) -> Failure {
    if let Some(field) = failure.field.take() {
        failure.field = Some(match field.strip_prefix(own) {
            Some(rest) => [path, rest].concat(),
            None => field,
        });
    }
    if let Some(rest) = failure.message.strip_prefix(own) {
        failure.message = [path, rest].concat();
    }
    failure
}

#[cfg(test)]
mod tests {
    use super::*;

    const SERVER: &str = "d76baba7-ef09-40a2-87ff-3eafec0696e7";
    const OTHER: &str = "3f1d2c4b-5a69-4788-9a0b-1c2d3e4f5a6b";
    const PEM: &str =
        "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\n-----END RSA PRIVATE KEY-----";

    fn s(text: &str) -> Input {
        Input::String(text.to_owned())
    }

    fn object(entries: Vec<(&str, Input)>) -> Input {
        Input::Object(
            entries
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v))
                .collect(),
        )
    }

    fn refused(items: Vec<Input>) -> Failure {
        let list = Input::Array(items);
        check_entry_keys(Some(&list))
            .and_then(|()| servers(list).map(|_| ()))
            .unwrap_err()
    }

    #[test]
    fn entries_are_ids_or_objects_with_an_optional_auth() {
        let fleet = servers(Input::Array(vec![
            s(SERVER),
            object(vec![
                ("serverId", s(OTHER)),
                (
                    "auth",
                    object(vec![("type", s("keypair")), ("key", s(PEM))]),
                ),
            ]),
        ]))
        .unwrap();
        assert_eq!(fleet.len(), 2);
        assert_eq!(
            (fleet[0].server_id.as_str(), fleet[0].auth.is_none()),
            (SERVER, true)
        );
        assert_eq!(fleet[1].auth.as_ref().map(|a| a.key.expose()), Some(PEM));
    }

    #[test]
    fn a_bad_entry_is_named_by_its_path() {
        for (items, field, start) in [
            (
                vec![s(SERVER), s("web-01")],
                "servers[1]",
                "servers[1] must be a UUID",
            ),
            (
                vec![Input::Number(1.0)],
                "servers[0]",
                "servers[0] must be a server ID (a UUID) or an object",
            ),
            (
                vec![object(vec![("auth", Input::Undefined)])],
                "servers[0].serverId",
                "servers[0].serverId is required",
            ),
            (
                vec![
                    s(SERVER),
                    object(vec![
                        ("serverId", s(OTHER)),
                        ("auth", object(vec![("type", s("keypair"))])),
                    ]),
                ],
                "servers[1].auth.key",
                "servers[1].auth.key is required",
            ),
            (
                vec![object(vec![
                    ("serverId", s(SERVER)),
                    ("auth", object(vec![("type", s("pem")), ("key", s(PEM))])),
                ])],
                "servers[0].auth.type",
                "servers[0].auth.type must be 'keypair'",
            ),
        ] {
            let failure = refused(items);
            assert_eq!(failure.field.as_deref(), Some(field), "{}", failure.message);
            assert!(failure.message.starts_with(start), "{}", failure.message);
        }
    }

    #[test]
    fn unknown_keys_in_an_entry_or_its_auth_name_the_key_meant() {
        let failure = refused(vec![s(SERVER), object(vec![("serverID", s(OTHER))])]);
        assert_eq!(failure.field.as_deref(), Some("servers[1].serverID"));
        assert!(
            failure
                .message
                .ends_with("did you mean 'servers[1].serverId'?"),
            "{}",
            failure.message
        );
        let failure = refused(vec![object(vec![("id", s(OTHER))])]);
        assert!(
            failure
                .message
                .ends_with("did you mean 'servers[0].serverId'?"),
            "{}",
            failure.message
        );
        let failure = refused(vec![object(vec![
            ("serverId", s(OTHER)),
            ("auth", object(vec![("tpye", s("keypair"))])),
        ])]);
        assert_eq!(failure.field.as_deref(), Some("servers[0].auth.tpye"));
    }

    #[test]
    fn a_server_listed_twice_in_any_case_is_refused() {
        let failure = refused(vec![s(SERVER), s(OTHER), s(&SERVER.to_uppercase())]);
        assert_eq!(failure.field.as_deref(), Some("servers[2]"));
        assert!(
            failure.message.starts_with("servers[2] repeats servers[0]"),
            "{}",
            failure.message
        );
    }

    #[test]
    fn the_list_holds_one_to_a_thousand_servers() {
        assert!(refused(vec![]).message.contains("at least one server"));
        let too_many: Vec<Input> = (0..=MAX_FLEET_SERVERS).map(|_| s(SERVER)).collect();
        assert!(refused(too_many).message.contains("more than 1000"));
        let full: Vec<Input> = (0..MAX_FLEET_SERVERS)
            .map(|i| s(&format!("00000000-0000-4000-8000-{i:012}")))
            .collect();
        assert_eq!(servers(Input::Array(full)).unwrap().len(), 1000);
        let failure = servers(Input::Undefined).unwrap_err();
        assert!(
            failure.message.starts_with("servers is required"),
            "{}",
            failure.message
        );
        let failure = servers(s(SERVER)).unwrap_err();
        assert!(
            failure.message.contains("got a string"),
            "{}",
            failure.message
        );
    }

    #[test]
    fn no_secret_of_an_entry_appears_in_a_failure() {
        let password = "hunter2-CANARY";
        let failure = refused(vec![object(vec![
            ("serverId", s("not-a-uuid")),
            (
                "auth",
                object(vec![("type", s("password")), ("key", s(password))]),
            ),
        ])]);
        assert!(!failure.message.contains("CANARY"), "{}", failure.message);
        let failure = refused(vec![object(vec![
            ("serverId", s(SERVER)),
            (
                "auth",
                object(vec![("type", s(password)), ("key", s(password))]),
            ),
        ])]);
        assert!(!failure.message.contains("CANARY"), "{}", failure.message);
    }

    /// Caught by the js-boundary fuzz: `servers` is taken out of the options before its ids are checked, so
    /// the keys of its entries were not among the secrets an echoed id is checked against.
    #[test]
    fn a_password_pasted_into_a_server_id_of_the_fleet_is_not_echoed() {
        let password = "CANARY000000000000000d";
        let pasted = |auth_at: usize, id_at: usize, in_id: &str| {
            let mut items: Vec<Input> = [SERVER, OTHER, "6c1f0e2a-8b3d-4e5f-9a7b-2c3d4e5f6a7b"]
                .iter()
                .map(|id| s(id))
                .collect();
            items[auth_at] = object(vec![
                (
                    "serverId",
                    s([SERVER, OTHER, "6c1f0e2a-8b3d-4e5f-9a7b-2c3d4e5f6a7b"][auth_at]),
                ),
                (
                    "auth",
                    object(vec![("type", s("password")), ("key", s(password))]),
                ),
            ]);
            match &mut items[id_at] {
                Input::Object(members) => members[0].1 = s(in_id),
                item => *item = s(in_id),
            }
            refused(items)
        };
        for (auth_at, id_at, in_id) in [
            (0, 0, password),        // its own entry's password
            (0, 2, password),        // an earlier entry's, already read
            (2, 0, password),        // a later entry's, not read yet
            (1, 1, &password[..12]), // a piece of it
        ] {
            let failure = pasted(auth_at, id_at, in_id);
            assert!(
                failure
                    .field
                    .as_deref()
                    .is_some_and(|f| f.starts_with("servers[")),
                "{failure:?}"
            );
            assert!(!failure.message.contains("CANARY"), "{}", failure.message);
            assert!(failure.message.contains("***"), "{}", failure.message);
        }
    }
}
