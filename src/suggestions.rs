//! Typo suggestions: the known word a user probably meant ("did you mean 'serverId'?").
//!
//! [`nearest`] finds the closest candidate within a few edits ([`edit_distance`]), after [`normalise_key`] has
//! set aside case, `_` and `-`. Option keys ([`crate::options`]), `auth.type`, regions ([`crate::endpoint`]) and
//! `signRequest`'s keys are suggested with these; the alias tables of what people type instead of a key are the
//! options' own (`options/keys.rs`).

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
}
