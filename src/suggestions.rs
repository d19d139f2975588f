//! Typo suggestions: the known word a user probably meant ("did you mean 'serverId'?").
//!
//! [`nearest`] finds the closest candidate within a few edits (strsim's optimal-string-alignment distance:
//! insertions, deletions, substitutions and swaps of neighbours each count 1, so `porjectId` is one edit from
//! `projectId`), after [`normalise_key`] has set aside case, `_` and `-`. Option keys ([`crate::options`]),
//! `auth.type`, regions ([`crate::endpoint`]) and `signRequest`'s keys are suggested with these; the alias
//! tables of what people type instead of a key are the options' own (`options/keys.rs`).

use strsim::osa_distance;

/// `key` in lowercase without `_` or `-`: `server_id`, `ServerID` and `server-id` all become `serverid`.
pub(crate) fn normalise_key(key: &str) -> String {
    key.chars()
        .filter(|c| *c != '_' && *c != '-')
        .map(|c| c.to_ascii_lowercase())
        .collect()
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
        let distance = osa_distance(needle, &prepare(candidate));
        if distance <= max && best.is_none_or(|(best_distance, _)| distance < best_distance) {
            best = Some((distance, candidate));
        }
    }
    best.map(|(_, candidate)| candidate)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distance_counts_a_swap_of_neighbours_as_one_edit() {
        assert_eq!(osa_distance("projectid", "projectid"), 0);
        assert_eq!(osa_distance("porjectid", "projectid"), 1);
        assert_eq!(osa_distance("projetid", "projectid"), 1);
        assert_eq!(osa_distance("projectidd", "projectid"), 1);
        assert_eq!(osa_distance("", "auth"), 4);
        assert_eq!(osa_distance("kitten", "sitting"), 3);
        assert_eq!(
            nearest("tokne", ["token", "auth"].into_iter(), 2, str::to_owned),
            Some("token")
        );
    }

    #[test]
    fn a_needle_of_up_to_64_characters_is_matched_and_a_longer_one_is_not() {
        let long = "x".repeat(64);
        assert_eq!(
            nearest(&long, [long.as_str()].into_iter(), 0, str::to_owned),
            Some(long.as_str())
        );
        assert_eq!(
            nearest(&"x".repeat(65), ["x"].into_iter(), 100, str::to_owned),
            None
        );
    }
}
