//! The repository stands on its own: no tracked file names a path that climbs out of it (such as the
//! reference folder that sat beside the first checkouts). A clone anywhere must build and test.
//!
//! A relative path is resolved from the directory of the file that names it, and, when it starts with `/..`
//! (the `concat!(env!("CARGO_MANIFEST_DIR"), "/../x")` form), from the nearest crate root above that file.
//! It escapes when it has more `..` segments than its base is deep in the repository.

use crate::{fail, process::output, repo_root, Result};
use std::fs;
use std::path::Path;
use std::process::Command;

pub fn check() -> Result {
    let root = repo_root();
    let Some(listed) = output(
        Command::new("git")
            .args(["ls-files", "-z"])
            .current_dir(&root),
    ) else {
        fail!("git ls-files failed: the self-containment check needs a git checkout");
    };
    let mut found = Vec::new();
    // This file is skipped: its tests name escaping paths on purpose.
    let this_file = "xtask/src/self_contained.rs";
    for file in listed
        .split('\0')
        .filter(|f| !f.is_empty() && *f != this_file)
    {
        // Binary files (images) and files that went away in the work tree are not read.
        let Ok(text) = fs::read_to_string(root.join(file)) else {
            continue;
        };
        for (line_number, line) in text.lines().enumerate() {
            for climb in escaping_paths(&root, file, line) {
                found.push(format!("{file}:{}: {climb}", line_number + 1));
            }
        }
    }
    if !found.is_empty() {
        fail!(
            "tracked files name paths outside the repository (copy what they need into it):\n  {}",
            found.join("\n  ")
        );
    }
    println!("no tracked file names a path outside the repository");
    Ok(())
}

/// The paths in `line` of `file` that climb above the repository root. A path is a run of characters up to
/// a quote, a space, a bracket or a comma that starts with `../`, `./`, or `/..` right after a quote.
fn escaping_paths(root: &Path, file: &str, line: &str) -> Vec<String> {
    let is_delimiter = |c: char| c.is_whitespace() || "\"'`()[]{},;=<>".contains(c);
    let mut escaping = Vec::new();
    let mut previous = ' ';
    let mut rest = line;
    while let Some(start) = rest.find(|c: char| !is_delimiter(c)) {
        if start > 0 {
            previous = rest[..start].chars().next_back().unwrap_or(' ');
        }
        let token_end = rest[start..]
            .find(is_delimiter)
            .map_or(rest.len(), |n| start + n);
        let token = &rest[start..token_end];
        let base = if token.starts_with("../") || token.starts_with("./") {
            Some(parent_of(file))
        } else if token.starts_with("/../") && matches!(previous, '"' | '\'' | '`') {
            Some(crate_root_of(root, file))
        } else {
            None
        };
        if let Some(base) = base {
            let mut depth = base.split('/').filter(|s| !s.is_empty()).count() as isize;
            for segment in token.split('/') {
                match segment {
                    ".." => depth -= 1,
                    "" | "." => {}
                    _ => depth += 1,
                }
                if depth < 0 {
                    escaping.push(token.to_owned());
                    break;
                }
            }
        }
        previous = token.chars().next_back().unwrap_or(' ');
        rest = &rest[token_end..];
    }
    escaping
}

/// The directory of a repository-relative file path ("" for the root).
fn parent_of(file: &str) -> String {
    file.rsplit_once('/')
        .map_or(String::new(), |(dir, _)| dir.to_owned())
}

/// The nearest directory above `file` (itself included) that holds a Cargo.toml.
fn crate_root_of(root: &Path, file: &str) -> String {
    let mut dir = parent_of(file);
    loop {
        if root.join(&dir).join("Cargo.toml").is_file() || dir.is_empty() {
            return dir;
        }
        dir = parent_of(&dir);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn escapes(file: &str, line: &str) -> Vec<String> {
        escaping_paths(&repo_root(), file, line)
    }

    #[test]
    fn a_path_that_climbs_out_of_the_repository_is_found() {
        assert_eq!(
            escapes("src/request.rs", r#"include_str!("../../outside/v.json")"#),
            ["../../outside/v.json"]
        );
        assert_eq!(
            escapes("emulator/tests/auth.rs", r#""../../../outside/v.json""#),
            ["../../../outside/v.json"]
        );
        assert_eq!(
            escapes(
                "tests/signing_vectors.rs",
                r#"concat!(env!("CARGO_MANIFEST_DIR"), "/../outside/v.json")"#
            ),
            ["/../outside/v.json"]
        );
    }

    #[test]
    fn paths_inside_the_repository_pass() {
        assert!(escapes(
            "src/request.rs",
            r#"include_str!("../tests/fixtures/v.json")"#
        )
        .is_empty());
        assert!(escapes(
            "tests/js/pages/module.html",
            r#"import x from '../../../pkg/index.js'"#
        )
        .is_empty());
        assert!(escapes("emulator/tests/auth.rs", r#""../../tests/fixtures/v.json""#).is_empty());
        assert!(escapes("tests/signing_vectors.rs", r#""/tests/fixtures/v.json""#).is_empty());
        assert!(escapes("README.md", "see ./tests/../src/lib.rs").is_empty());
        assert!(escapes("README.md", "https://example.com/a/../b").is_empty());
    }
}
