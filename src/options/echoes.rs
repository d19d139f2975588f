//! A secret pasted into the wrong option (a token given as `projectId`, a password as `region`) must not come
//! back in the message that quotes that option.
//!
//! Ids, regions and hosts are quoted in messages ([`crate::messages::quote`]: at most 40 characters, between
//! apostrophes). Once the credentials are read (step 3), a failure of a check that quotes its option passes
//! through [`hide_secrets`], which replaces each quoted piece that is part of a secret of the options, or holds
//! one, with `***`; the secrets are the credentials and the `auth.key`s still in the options object. Nothing
//! is copied on the way to a valid result: this runs only on a failure. The fleet's `servers` are taken out
//! of the options before their ids are checked: `servers.rs` hides the `auth.key`s of every entry itself
//! ([`hide_quoted_secrets`]).

use super::fields::Fields;
use super::Credentials;
use crate::error::Failure;
use crate::input::Input;
use crate::masking::{Masker, MIN_SECRET_BYTES};
use crate::messages::shown;

/// A quoted piece this long that a secret contains is a piece of that secret (shorter ones may be chance).
const MIN_PIECE_CHARS: usize = 8;

/// `failure` with every quoted piece of a secret of the options hidden.
pub(super) fn hide_secrets(
    failure: Failure,
    credentials: &Credentials,
    fields: &Fields,
) -> Failure {
    let mut secrets: Vec<&str> = match credentials {
        Credentials::Token(token) => vec![token.expose()],
        Credentials::AccessKey {
            access_key_id,
            secret_access_key,
            security_token,
        } => {
            let mut secrets = vec![access_key_id.as_str(), secret_access_key.expose()];
            secrets.extend(security_token.as_ref().map(|token| token.expose()));
            secrets
        }
    };
    for (key, value) in &fields.entries {
        match (key.as_str(), value) {
            ("auth", auth) => secrets.extend(auth_key(auth)),
            ("servers", Input::Array(entries)) => {
                secrets.extend(entries.iter().filter_map(entry_auth_key))
            }
            _ => {}
        }
    }
    hide_quoted_secrets(failure, secrets)
}

/// `failure` with every quoted piece that is part of one of `secrets`, or holds one, hidden, and any whole
/// secret elsewhere in its message masked. For `signRequest`, whose failures after its `credentials` quote
/// values that may be a credential pasted into the wrong option.
pub(crate) fn hide_quoted_secrets(mut failure: Failure, mut secrets: Vec<&str>) -> Failure {
    secrets.retain(|secret| secret.len() >= MIN_SECRET_BYTES);
    if secrets.is_empty() {
        return failure;
    }
    // As `quote` shows them (a quoted piece of a PEM key has `�` for its line breaks), in lowercase: hosts
    // are quoted lowercased.
    let lowercase = |text: &str| -> String {
        text.chars()
            .map(|c| shown(c).to_ascii_lowercase())
            .collect()
    };
    let shown_secrets: Vec<String> = secrets.iter().map(|secret| lowercase(secret)).collect();
    let message = &failure.message;
    // Every stretch between two apostrophes: a quoted value may hold an apostrophe itself.
    let marks: Vec<usize> = message
        .match_indices('\'')
        .map(|(index, _)| index)
        .collect();
    let mut pieces: Vec<(usize, usize)> = Vec::new();
    for pair in marks.windows(2) {
        let start = pair[0] + 1;
        let piece = message[start..pair[1]].trim_end_matches('…');
        let lower = lowercase(piece);
        let secret = shown_secrets.iter().any(|secret| {
            lower.contains(secret.as_str())
                || (piece.chars().count() >= MIN_PIECE_CHARS && secret.contains(&lower))
        });
        if secret {
            pieces.push((start, start + piece.len()));
        }
    }
    let mut hidden = String::with_capacity(message.len());
    let mut at = 0;
    for (start, end) in pieces {
        if start >= at {
            hidden.push_str(&message[at..start]);
            hidden.push_str("***");
            at = end;
        }
    }
    hidden.push_str(&message[at..]);
    // And any whole secret outside the quotes.
    failure.message = Masker::new(secrets).mask(&hidden).into_owned();
    failure
}

/// The `auth.key` string of a fleet entry `{ serverId, auth }`.
pub(super) fn entry_auth_key(entry: &Input) -> Option<&str> {
    let Input::Object(members) = entry else {
        return None;
    };
    members
        .iter()
        .find_map(|(key, auth)| (key == "auth").then(|| auth_key(auth)).flatten())
}

/// The `key` string of an `auth` object.
pub(super) fn auth_key(auth: &Input) -> Option<&str> {
    let Input::Object(members) = auth else {
        return None;
    };
    members
        .iter()
        .find_map(|(key, value)| match (key.as_str(), value) {
            ("key", Input::String(text)) => Some(text.as_str()),
            _ => None,
        })
}
