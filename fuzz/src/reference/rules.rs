//! The documented validation rules, written from the README, DESIGN.md and the module docs of
//! `kps_wasm::options` as regular expressions and small predicates: what validation must accept, exactly.

use std::sync::LazyLock;

use regex::Regex;

fn regex(pattern: &str) -> Regex {
    Regex::new(pattern).expect("the reference patterns are valid")
}

/// `projectId`: "32 hex characters", lowercase only ("IAM returns it so").
pub fn is_project_id(text: &str) -> bool {
    static PATTERN: LazyLock<Regex> = LazyLock::new(|| regex("^[0-9a-f]{32}$"));
    PATTERN.is_match(text)
}

/// `serverId`, `taskId`: "UUIDs in either case, kept as given": 8-4-4-4-12 hex digits.
pub fn is_uuid(text: &str) -> bool {
    static PATTERN: LazyLock<Regex> = LazyLock::new(|| {
        regex("^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$")
    });
    PATTERN.is_match(text)
}

/// `token` and `credentials.securityToken`: non-empty, at most 64 KiB, printable ASCII without whitespace
/// ("as IAM issues it"; `fetch` refuses any other header value). A `Bearer ` prefix has a space, so it fails.
pub fn is_token(text: &str) -> bool {
    static PATTERN: LazyLock<Regex> = LazyLock::new(|| regex("^[!-~]+$"));
    text.len() <= 64 * 1024 && PATTERN.is_match(text)
}

/// `credentials.secretAccessKey`: as a token, at most 256 bytes.
pub fn is_secret_key(text: &str) -> bool {
    text.len() <= 256 && is_token(text)
}

/// `credentials.accessKeyId`: 1 to 128 letters and digits.
pub fn is_access_key_id(text: &str) -> bool {
    static PATTERN: LazyLock<Regex> = LazyLock::new(|| regex("^[A-Za-z0-9]{1,128}$"));
    PATTERN.is_match(text)
}

/// `auth.key` with type `password`: non-empty, at most 16 KiB, no control characters (spaces allowed), and not
/// a PEM key (which belongs to type `keypair`).
pub fn is_password(text: &str) -> bool {
    static CONTROL: LazyLock<Regex> = LazyLock::new(|| regex(r"\p{Cc}"));
    static PEM: LazyLock<Regex> = LazyLock::new(|| regex(r"^\s*-----BEGIN"));
    !text.is_empty() && text.len() <= 16 * 1024 && !CONTROL.is_match(text) && !PEM.is_match(text)
}

/// `auth.key` with type `keypair`: at most 16 KiB, one PEM private-key block (`-----BEGIN [LABEL ]PRIVATE
/// KEY-----`, something in between, `-----END [LABEL ]PRIVATE KEY-----` with the same label: uppercase
/// words of letters and digits, single spaces, at most 32 characters), only ASCII whitespace around; and not
/// a one-line key with literal `\n` sequences (a key pasted from a JSON string).
pub fn is_private_key(text: &str) -> bool {
    static BLOCK: LazyLock<Regex> = LazyLock::new(|| {
        regex(
            r"^[\t\n\x0C\r ]*-----BEGIN ([A-Z0-9 ]*)PRIVATE KEY-----((?s).*)-----END ([A-Z0-9 ]*)PRIVATE KEY-----[\t\n\x0C\r ]*$",
        )
    });
    static LABEL: LazyLock<Regex> = LazyLock::new(|| regex("^(?:[A-Z0-9]+ )*$"));
    if text.is_empty() || text.len() > 16 * 1024 {
        return false;
    }
    let trimmed = text.trim_matches(|c: char| c.is_ascii_whitespace());
    if !trimmed.contains('\n') && trimmed.contains("\\n") {
        return false;
    }
    let Some(block) = BLOCK.captures(text) else {
        return false;
    };
    let (begin, body, end) = (&block[1], &block[2], &block[3]);
    begin == end
        && LABEL.is_match(begin)
        && begin.trim_end().len() <= 32
        && !body.contains("-----")
        && !body.trim().is_empty()
}

/// A number option: an integer (`Number.isInteger`) from `min` to `max`.
pub fn is_integer_in(value: f64, min: f64, max: f64) -> bool {
    value.is_finite() && value.trunc() == value && value >= min && value <= max
}

/// The 30 regions of the official Node/Java SDKs (DESIGN.md §1), copied here rather than read from
/// `kps_wasm::endpoint::REGIONS`, which is what this checks.
pub const KNOWN_REGIONS: &[&str] = &[
    "cn-north-4",
    "cn-north-1",
    "cn-north-2",
    "cn-north-9",
    "cn-east-2",
    "cn-east-3",
    "cn-south-1",
    "cn-southwest-2",
    "ap-southeast-1",
    "ap-southeast-3",
    "ap-southeast-4",
    "la-south-2",
    "sa-brazil-1",
    "la-north-2",
    "ap-southeast-2",
    "na-mexico-1",
    "af-south-1",
    "cn-south-4",
    "cn-south-2",
    "me-east-1",
    "tr-west-1",
    "my-kualalumpur-1",
    "ru-moscow-1",
    "cn-east-5",
    "cn-east-4",
    "ap-southeast-5",
    "cn-north-12",
    "cn-north-11",
    "af-north-1",
    "cn-southwest-3",
];

/// A well-formed region id: `^[a-z]{2}(-[a-z0-9]+)+-[0-9]+$`, at most 63 characters (one DNS label).
pub fn is_region_id(text: &str) -> bool {
    static PATTERN: LazyLock<Regex> = LazyLock::new(|| regex("^[a-z]{2}(-[a-z0-9]+)+-[0-9]+$"));
    text.len() <= 63 && PATTERN.is_match(text)
}

/// `region`: one of the known regions (README: "`region` must be a known KPS region (`endpoint` reaches any
/// other)").
pub fn is_accepted_region(text: &str) -> bool {
    KNOWN_REGIONS.contains(&text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_documented_examples_are_accepted() {
        assert!(is_project_id("0a1b2c3d4e5f60718293a4b5c6d7e8f9"));
        assert!(is_uuid("d76baba7-ef09-40a2-87ff-3eafec0696e7"));
        assert!(is_uuid("D76BABA7-EF09-40A2-87FF-3EAFEC0696E7"));
        assert!(is_token("MIIPAgYJKoZIhvcNAQcCoIIO8z"));
        assert!(is_access_key_id("HPUAL7MDDNZ3EXAMPLE1"));
        assert!(is_secret_key("qLZBJ9k7Xh2mEXAMPLEsecretKEYqLZBJ9k7Xh2m"));
        assert!(is_password("correct horse battery staple"));
        for label in ["", "RSA ", "EC ", "OPENSSH ", "ENCRYPTED "] {
            let key = format!(
                "-----BEGIN {label}PRIVATE KEY-----\nMIIE\n-----END {label}PRIVATE KEY-----\n"
            );
            assert!(is_private_key(&key), "{key}");
        }
        for region in KNOWN_REGIONS {
            assert!(is_accepted_region(region));
        }
        assert!(is_integer_in(-0.0, 0.0, 10.0));
    }

    #[test]
    fn the_documented_counterexamples_are_refused() {
        assert!(!is_project_id("0A1B2C3D4E5F60718293A4B5C6D7E8F9"));
        assert!(!is_uuid("d76baba7ef0940a287ff3eafec0696e7"));
        assert!(!is_token("Bearer abc"));
        assert!(!is_token(&"a".repeat(64 * 1024 + 1)));
        assert!(!is_secret_key(&"a".repeat(257)));
        assert!(!is_password("line\nbreak"));
        assert!(!is_password("  -----BEGIN RSA PRIVATE KEY-----"));
        assert!(!is_private_key(
            "-----BEGIN RSA PRIVATE KEY-----\nx\n-----END EC PRIVATE KEY-----"
        ));
        assert!(!is_private_key(
            "-----BEGIN RSA PRIVATE KEY-----\\nx\\n-----END RSA PRIVATE KEY-----"
        ));
        assert!(!is_private_key(
            "-----BEGIN RSA PRIVATE KEY-----\n \n-----END RSA PRIVATE KEY-----"
        ));
        assert!(!is_private_key(
            "-----BEGIN PUBLIC KEY-----\nx\n-----END PUBLIC KEY-----"
        ));
        assert!(!is_accepted_region("cn-noth-4"));
        assert!(!is_accepted_region("cn-north-13"));
        assert!(!is_accepted_region("CN-NORTH-4"));
        assert!(!is_integer_in(0.5, 0.0, 10.0));
    }
}
