//! Step 5, the ids: `projectId` (32 lowercase hex characters), then `serverId` or `taskId` (UUIDs).
//!
//! A wrong id gets a message that names its length or the first character that does not fit, and a hint when it
//! looks like another id (a UUID given as `projectId`, a region given as `projectId`, a UUID without hyphens).

use super::fields::{required, string};
use crate::endpoint;
use crate::error::Failure;
use crate::input::Input;
use crate::messages::{count as counted, decimal, describe_char, quote, wrapping};

/// `projectId`: the 32-character project ID from IAM.
pub(super) fn project_id(value: Input) -> Result<String, Failure> {
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
        let mut message = wrong_length(EXPECTED, &id, count, is_project_id);
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

/// `serverId`: the ECS server's UUID.
pub(super) fn server_id(value: Input) -> Result<String, Failure> {
    uuid("serverId", value, "the ECS server ID")
}

/// `taskId`: the UUID that `disassociateKeypair` returned.
pub(super) fn task_id(value: Input) -> Result<String, Failure> {
    uuid(
        "taskId",
        value,
        "the task ID that disassociateKeypair returned",
    )
}

/// `deleteFailedTask`'s `taskId`: one failed task's UUID, or `None` (absent) to delete them all.
pub(super) fn failed_task_id(value: Input) -> Result<Option<String>, Failure> {
    match value {
        Input::Undefined => Ok(None),
        value => Ok(Some(uuid(
            "taskId",
            value,
            "the ID of the failed task to delete (leave it out to delete all)",
        )?)),
    }
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
            wrong_length(&expected, &id, count, is_uuid),
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

/// `<expected>; got <count> characters ('<id>')`, and what to remove when the id was pasted with braces, quotes
/// or whitespace around it (what is inside passing `is_valid`).
fn wrong_length(expected: &str, id: &str, count: usize, is_valid: fn(&str) -> bool) -> String {
    let mut message = [
        expected,
        "; got ",
        &counted(count as u64, "character"),
        " (",
        &quote(id),
        ")",
    ]
    .concat();
    if let Some(what) = wrapping(id, is_valid) {
        message.push_str(": remove ");
        message.push_str(what);
    }
    message
}

/// 32 hex digits: a project ID, whatever its case (a wrong case is reported on its own).
fn is_project_id(id: &str) -> bool {
    id.len() == 32 && id.bytes().all(|b| b.is_ascii_hexdigit())
}

fn is_uuid(id: &str) -> bool {
    id.len() == 36
        && id.bytes().enumerate().all(|(i, b)| match i {
            8 | 13 | 18 | 23 => b == b'-',
            _ => b.is_ascii_hexdigit(),
        })
}

#[cfg(test)]
mod tests {
    use crate::input::Input;
    use crate::options::test_support::*;
    use crate::options::{validate_delete_failed_task, validate_task_query, DEFAULT_TIMEOUT_MS};

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
    fn an_id_of_the_wrong_length_is_told_only_its_length_when_no_hint_fits() {
        for (field, id) in [
            // Hex, but not 36 characters: no UUID.
            ("projectId", "0123abcd"),
            ("projectId", "0123456789abcdef0123456789abcdef0123"),
            // Not 32 hex digits: no UUID without its hyphens.
            ("serverId", "abc123"),
            ("serverId", "web-server-0123456789-abcdefghij"),
            // Still wrong inside its whitespace: nothing to remove.
            ("projectId", " abc "),
            ("serverId", " abc "),
        ] {
            let message = rejects(with(vec![set(field, s(id))]), field, &[]);
            let count = id.len().to_string();
            assert!(
                message.ends_with(&["; got ", &count, " characters ('", id, "')"].concat()),
                "{message}"
            );
        }
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
    fn an_id_of_one_character_says_one_character() {
        let message = rejects(with(vec![set("serverId", s("x"))]), "serverId", &[]);
        assert!(message.ends_with("; got 1 character ('x')"), "{message}");
        let message = rejects(with(vec![set("projectId", s("x"))]), "projectId", &[]);
        assert!(message.ends_with("; got 1 character ('x')"), "{message}");
    }

    #[test]
    fn an_id_pasted_with_its_braces_quotes_or_whitespace_is_told_what_to_remove() {
        let braced = ["{", SERVER, "}"].concat();
        let message = rejects(with(vec![set("serverId", s(&braced))]), "serverId", &[]);
        assert!(
            message
                .ends_with(&["; got 38 characters ('", &braced, "'): remove the braces"].concat()),
            "{message}"
        );
        for (field, value, words) in [
            (
                "serverId",
                ["\"", SERVER, "\""].concat(),
                "remove the quotes",
            ),
            (
                "serverId",
                [SERVER, "\n"].concat(),
                "remove the whitespace around it",
            ),
            (
                "projectId",
                ["{", PROJECT, "}"].concat(),
                "remove the braces",
            ),
            (
                "projectId",
                [" ", PROJECT].concat(),
                "remove the whitespace around it",
            ),
        ] {
            rejects(with(vec![set(field, s(&value))]), field, &[words]);
        }
        let failure = validate_task_query(
            task_options(vec![set("taskId", s(&["{", TASK, "}"].concat()))]),
            &NODE,
        )
        .unwrap_err();
        assert_eq!(failure.field.as_deref(), Some("taskId"));
        assert!(
            failure.message.ends_with("remove the braces"),
            "{}",
            failure.message
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
    fn an_id_with_an_invisible_character_names_it_instead_of_quoting_nothing() {
        // A byte-order mark or zero-width space pasted with an id was reported as "got '' at position 1".
        rejects(
            with(vec![set(
                "projectId",
                s("\u{FEFF}123456789abcdef0123456789abcdef"),
            )]),
            "projectId",
            &["; got an invisible formatting character at position 1"],
        );
        rejects(
            with(vec![set(
                "serverId",
                s("b8a3f4c2-1d2e-4f60-9a7b-3c4d5e6f7a8\u{200B}"),
            )]),
            "serverId",
            &["; got an invisible formatting character at position 36"],
        );
    }
}
