//! Endpoint resolution: the KPS base URL from the `region` or `endpoint` option, and the host an AK/SK
//! signature covers.
//!
//! URLs are checked by hand rather than with the `url` crate, which would add tens of KB to the wasm. Only a
//! small, unambiguous subset of URLs is accepted, and it is normalised the way the WHATWG URL parser behind
//! `fetch` would normalise it (lowercase scheme and host, no default port, canonical IPv6), so that the host
//! we sign is exactly the `Host` header the request carries:
//!
//! - `https://host[:port][/path]`, or `http://` to a loopback host (`localhost`, `127.0.0.0/8`, `[::1]`) unless
//!   `allowInsecureHttp` is set;
//! - no `user:password@`, no `?query`, no `#fragment`, no whitespace, no backslash, no `.`/`..` path segments;
//!   the host is ASCII (internationalised names in their `xn--` form, which must be valid punycode), an IPv4
//!   address is four decimal numbers, an IPv6 address is in brackets; path characters outside RFC 3986's `pchar` set must be percent-encoded;
//! - trailing slashes are trimmed (the API paths, which start with `/v3/`, are appended to the base);
//! - where the environment allows it (browsers), a path starting with `/` (not `//`), resolved by `fetch`
//!   against the page's URL: `/kps`, or `/` for the page's own origin (base `""`).
//!
//! The endpoint is never echoed in full in a message: it could carry credentials (in `user:pass@` or a query).

use crate::error::Failure;
use crate::messages::{decimal, quote, reject_blanks};
use crate::suggestions::nearest;

/// The regions of the official Node/Java SDKs (DESIGN.md §1), in that order.
pub const REGIONS: &[&str] = &[
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

/// Longest `endpoint` or `signingHost` accepted; far above any real base URL, it bounds the work done on input.
pub const MAX_ENDPOINT_CHARS: usize = 2048;

/// Where requests go, and which host AK/SK signatures cover.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Endpoint {
    /// The base URL without a trailing slash, to which `/v3/...` is appended:
    /// `https://kms.cn-north-4.myhuaweicloud.com`, `http://127.0.0.1:8787/prefix`, or, in browsers, a path such
    /// as `/kps` (or `""` for the page's own origin), which `fetch` resolves against the page's URL.
    pub base: String,
    /// `host[:port]` (the port only when it is not the scheme's default) to sign as `host` for AK/SK: the host of
    /// an absolute base, or the user's `signingHost`. `None` for a relative endpoint without `signingHost`.
    pub signing_host: Option<String>,
    /// Whether `base` is a proxy in front of KPS: set with the user's `signingHost`. The proxy strips its own
    /// path, so the signature covers only the path below `base`, as the upstream receives it.
    pub proxied: bool,
}

impl Endpoint {
    /// Whether `base` is a path that `fetch` resolves against the page's URL (browsers only).
    pub fn is_relative(&self) -> bool {
        !(self.base.starts_with("https://") || self.base.starts_with("http://"))
    }
}

/// The KPS base URL of a region: `https://kms.{region}.myhuaweicloud.com` (KPS is served on the KMS host).
pub fn region_endpoint(region: &str) -> String {
    ["https://", &region_host(region)].concat()
}

/// The KPS host of a region: `kms.{region}.myhuaweicloud.com`.
pub fn region_host(region: &str) -> String {
    ["kms.", region, ".myhuaweicloud.com"].concat()
}

/// The endpoint of a `region` option, after [`check_region`].
pub fn resolve_region(region: &str) -> Result<Endpoint, Failure> {
    check_region(region)?;
    Ok(Endpoint {
        base: region_endpoint(region),
        signing_host: Some(region_host(region)),
        proxied: false,
    })
}

/// Checks the `region` option (field `region`): one of [`REGIONS`].
///
/// A region that is not listed is refused, with the listed one it is nearest to ("did you mean") and the way to
/// reach it anyway: `endpoint`, with the URL that the region would have given. (Accepting any well-formed id
/// sent `cn-north-99` to a host that does not exist, where it failed as a network error.)
pub fn check_region(region: &str) -> Result<(), Failure> {
    const F: &str = "region";
    const EXAMPLE: &str = "a region id such as 'cn-north-4'";
    if region.is_empty() {
        return Err(Failure::invalid(
            F,
            ["region must not be empty; expected ", EXAMPLE].concat(),
        ));
    }
    if REGIONS.contains(&region) {
        return Ok(());
    }
    if region.contains("://") || region.contains('.') || region.contains('/') {
        return Err(Failure::invalid(
            F,
            [
                "region must be ",
                EXAMPLE,
                ", not a URL or host name; pass a URL as endpoint instead",
            ]
            .concat(),
        ));
    }
    if region.len() <= 64 {
        let lower = region.to_ascii_lowercase();
        if lower != region && is_region_id(&lower) {
            return Err(Failure::invalid(
                F,
                [
                    "region must be lowercase: did you mean ",
                    &quote(&lower),
                    "?",
                ]
                .concat(),
            ));
        }
    }
    if is_region_id(region) {
        let mut message = [
            "region ",
            &quote(region),
            " is not one of the KPS regions that kps-wasm knows (those of the official SDKs)",
        ]
        .concat();
        if let Some(known) = nearest(region, REGIONS.iter().copied(), 2, str::to_owned) {
            message.push_str("; did you mean ");
            message.push_str(&quote(known));
            message.push('?');
        }
        // Messages echo at most 40 characters of a value (`quote`); real region ids are far shorter.
        let shown = if region.len() <= 40 {
            region
        } else {
            "<region>"
        };
        message.push_str(" To reach a region that is not listed yet, pass endpoint: '");
        message.push_str(&region_endpoint(shown));
        message.push_str("' instead of region");
        return Err(Failure::invalid(F, message));
    }
    let mut message = [
        "region must be ",
        EXAMPLE,
        " (lowercase letters, digits and hyphens, ending in -<number>); got ",
        &quote(region),
    ]
    .concat();
    if let Some(known) = nearest(
        &separators_to_hyphens(region),
        REGIONS.iter().copied(),
        2,
        str::to_owned,
    ) {
        message.push_str("; did you mean ");
        message.push_str(&quote(known));
        message.push('?');
    }
    Err(Failure::invalid(F, message))
}

/// A well-formed region id: at most 63 characters (it is one DNS label of the host), two lowercase letters,
/// one or more hyphen-separated groups of lowercase letters and digits, and a final `-<digits>`
/// (`cn-north-4`, `my-kualalumpur-1`, `ap-southeast-3`); in regex terms `^[a-z]{2}(-[a-z0-9]+)+-[0-9]+$`.
pub fn is_region_id(s: &str) -> bool {
    if s.len() > 63 {
        return false;
    }
    let mut parts = s.split('-');
    let country = parts.next().unwrap_or_default();
    if country.len() != 2 || !country.bytes().all(|b| b.is_ascii_lowercase()) {
        return false;
    }
    let mut groups = 0;
    let mut last = "";
    for part in parts {
        if part.is_empty()
            || !part
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        {
            return false;
        }
        groups += 1;
        last = part;
    }
    groups >= 2 && last.bytes().all(|b| b.is_ascii_digit())
}

// For suggestions only: `CN_North 4` → `cn-north-4`.
fn separators_to_hyphens(region: &str) -> String {
    region
        .trim()
        .chars()
        .take(64)
        .map(|c| match c {
            '_' | ' ' | '.' => '-',
            c => c.to_ascii_lowercase(),
        })
        .collect()
}

/// Parses the `endpoint` option (field `endpoint`); see the module documentation for what is accepted.
///
/// The endpoint's host becomes `signing_host` for an absolute URL; a relative endpoint has none.
pub fn parse_endpoint(
    text: &str,
    relative_allowed: bool,
    allow_insecure_http: bool,
) -> Result<Endpoint, Failure> {
    const F: &str = "endpoint";
    let expected: &str = if relative_allowed {
        "an absolute URL such as https://kms.cn-north-4.myhuaweicloud.com, or a path such as /kps"
    } else {
        "an absolute URL such as https://kms.cn-north-4.myhuaweicloud.com"
    };
    if text.is_empty() {
        return Err(Failure::invalid(
            F,
            ["endpoint must not be empty; expected ", expected].concat(),
        ));
    }
    check_common(text, F)?;
    if text.contains('@') {
        return Err(Failure::invalid(
            F,
            "endpoint must not contain '@': credentials in a URL (user:password@host) are not supported; \
             use token or credentials",
        ));
    }
    if text.contains('?') {
        return Err(Failure::invalid(
            F,
            "endpoint must not have a query (?...): it is a base URL to which the API paths are appended",
        ));
    }
    if text.contains('#') {
        return Err(Failure::invalid(
            F,
            "endpoint must not have a fragment (#...): it is a base URL to which the API paths are appended",
        ));
    }
    if text.contains('\\') {
        return Err(Failure::invalid(
            F,
            "endpoint must use '/' as its separator, not '\\'",
        ));
    }

    if text.starts_with('/') {
        if text.starts_with("//") {
            return Err(Failure::invalid(
                F,
                "endpoint must not start with '//' (a scheme-relative URL); use https://host, or a path such as /kps",
            ));
        }
        if !relative_allowed {
            return Err(Failure::invalid(
                F,
                "relative endpoints such as '/kps' work only in browsers, where the page's URL is the base; \
                 here pass an absolute URL such as https://kms.cn-north-4.myhuaweicloud.com",
            ));
        }
        check_path(text, F)?;
        return Ok(Endpoint {
            base: text.trim_end_matches('/').to_owned(),
            signing_host: None,
            proxied: false,
        });
    }

    let (secure, rest) = split_scheme(text, expected)?;
    let authority_end = rest.find('/').unwrap_or(rest.len());
    let (authority, path) = rest.split_at(authority_end);
    if authority.is_empty() {
        return Err(Failure::invalid(
            F,
            "endpoint has no host; expected https://<host>[:port][/path]",
        ));
    }
    let authority = parse_authority(authority, F)?;
    check_path(path, F)?;
    if !secure && !authority.loopback && !allow_insecure_http {
        return Err(Failure::invalid(
            F,
            [
                "endpoint uses http:// to ",
                &quote(&authority.host),
                ", which is not a loopback host, so the request (and its credentials) would travel unencrypted; \
                 use https://, or set allowInsecureHttp: true if that is intended",
            ]
            .concat(),
        ));
    }
    let default_port = if secure { 443 } else { 80 };
    let mut host = authority.host;
    if let Some(port) = authority.port.filter(|&port| port != default_port) {
        host.push(':');
        host.push_str(&decimal(port.into()));
    }
    let scheme = if secure { "https://" } else { "http://" };
    Ok(Endpoint {
        base: [scheme, &host, path.trim_end_matches('/')].concat(),
        signing_host: Some(host),
        proxied: false,
    })
}

/// Parses the `signingHost` option: `host[:port]`, exactly as the upstream service receives it in `Host` (a
/// port is kept even when it is 443 or 80: the scheme of the upstream is unknown here). The host is lowercased.
pub fn parse_signing_host(text: &str) -> Result<String, Failure> {
    const F: &str = "signingHost";
    const EXAMPLE: &str =
        "the host your proxy forwards to, such as 'kms.cn-north-4.myhuaweicloud.com'";
    if text.is_empty() {
        return Err(Failure::invalid(
            F,
            ["signingHost must not be empty; expected ", EXAMPLE].concat(),
        ));
    }
    check_common(text, F)?;
    if text.contains("://") {
        return Err(Failure::invalid(
            F,
            [
                "signingHost must be a host name without a scheme (no https://): ",
                EXAMPLE,
            ]
            .concat(),
        ));
    }
    if text.contains('@') {
        return Err(Failure::invalid(
            F,
            "signingHost must not contain '@': it is host[:port] only",
        ));
    }
    if text.contains(['/', '?', '#', '\\']) {
        return Err(Failure::invalid(
            F,
            "signingHost must be host[:port] only, without a path, query or fragment",
        ));
    }
    let authority = parse_authority(text, F)?;
    let mut host = authority.host;
    if let Some(port) = authority.port {
        host.push(':');
        host.push_str(&decimal(port.into()));
    }
    Ok(host)
}

/// Whether a canonical host (as in [`Endpoint::signing_host`], without port) is a loopback host, to which plain
/// `http://` is allowed: `localhost`, `127.0.0.0/8` or `[::1]`.
pub fn is_loopback(host: &str) -> bool {
    host == "localhost"
        || host == "[::1]"
        || parse_ipv4(host).is_some_and(|octets| octets[0] == 127)
}

// Length, whitespace and control characters: the checks `endpoint` and `signingHost` share.
fn check_common(text: &str, field: &str) -> Result<(), Failure> {
    if text.chars().count() > MAX_ENDPOINT_CHARS {
        return Err(Failure::invalid(
            field,
            [
                field,
                " is longer than ",
                &decimal(MAX_ENDPOINT_CHARS as u64),
                " characters",
            ]
            .concat(),
        ));
    }
    reject_blanks(field, text)
}

// `https://` or `http://` (either case): whether it is https, and what follows the `//`.
fn split_scheme<'a>(text: &'a str, expected: &str) -> Result<(bool, &'a str), Failure> {
    const F: &str = "endpoint";
    let colon = text.find(':');
    let scheme = colon.map_or("", |i| &text[..i]);
    let after = colon.map_or("", |i| &text[i + 1..]);
    let is_http = scheme.eq_ignore_ascii_case("http");
    let is_https = scheme.eq_ignore_ascii_case("https");
    if let Some(rest) = after.strip_prefix("//") {
        if is_http || is_https {
            return Ok((is_https, rest));
        }
        let scheme_like = scheme.len() <= 16
            && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
            && scheme
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'-' || b == b'.');
        if scheme_like {
            return Err(Failure::invalid(
                F,
                [
                    "endpoint must use https:// (or http:// for a local server); got a '",
                    scheme,
                    ":' URL",
                ]
                .concat(),
            ));
        }
    } else if is_http || is_https {
        return Err(Failure::invalid(
            F,
            "endpoint must be written as https://host, with two slashes after the colon",
        ));
    }
    Err(Failure::invalid(
        F,
        [
            "endpoint must be ",
            expected,
            "; got no http:// or https:// scheme (did you forget https://?)",
        ]
        .concat(),
    ))
}

// A canonical host (lowercase; IPv6 in brackets) and an optional port.
pub(crate) struct Authority {
    pub(crate) host: String,
    pub(crate) port: Option<u16>,
    pub(crate) loopback: bool,
}

pub(crate) fn parse_authority(authority: &str, field: &str) -> Result<Authority, Failure> {
    let (host, port) = if let Some(inner) = authority.strip_prefix('[') {
        let Some(close) = inner.find(']') else {
            return Err(Failure::invalid(
                field,
                [field, " has an IPv6 address without its closing ']'"].concat(),
            ));
        };
        let after = &inner[close + 1..];
        let port = match after.strip_prefix(':') {
            Some(port) => Some(port),
            None if after.is_empty() => None,
            None => {
                return Err(Failure::invalid(
                    field,
                    [
                        field,
                        ": only ':port' may follow an IPv6 address in brackets",
                    ]
                    .concat(),
                ))
            }
        };
        let Some(address) = parse_ipv6(&inner[..close]) else {
            return Err(Failure::invalid(
                field,
                [
                    field,
                    " has an invalid IPv6 address in brackets; expected hex groups such as [::1] or \
                     [2001:db8::1]",
                ]
                .concat(),
            ));
        };
        (ipv6_host(address), port)
    } else {
        let (host, port) = match authority.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        };
        if port.is_some_and(|port| port.contains(':')) {
            return Err(Failure::invalid(
                field,
                [
                    field,
                    ": an IPv6 address must be written in brackets, e.g. http://[::1]:8787",
                ]
                .concat(),
            ));
        }
        (host_name(host, field)?, port)
    };
    let port = port.map(|port| parse_port(port, field)).transpose()?;
    let loopback = is_loopback(&host);
    Ok(Authority {
        host,
        port,
        loopback,
    })
}

// A registered name or IPv4 address, lowercased; rejects what the WHATWG parser would rewrite.
fn host_name(host: &str, field: &str) -> Result<String, Failure> {
    if host.is_empty() {
        return Err(Failure::invalid(field, [field, " has no host"].concat()));
    }
    if let Some(c) = host.chars().find(|c| !c.is_ascii()) {
        let mut found = String::new();
        found.push(c);
        return Err(Failure::invalid(
            field,
            [
                field,
                "'s host must be ASCII (found '",
                &found,
                "'): write an internationalised name in its punycode form (xn--...)",
            ]
            .concat(),
        ));
    }
    if let Some(c) = host
        .bytes()
        .find(|&b| !(b.is_ascii_alphanumeric() || b == b'.' || b == b'-' || b == b'_'))
    {
        let found = [c];
        let found = core::str::from_utf8(&found).unwrap_or("?");
        return Err(Failure::invalid(
            field,
            [
                field,
                "'s host contains '",
                found,
                "'; a host has only letters, digits, '.', '-' and '_'",
            ]
            .concat(),
        ));
    }
    if host.len() > 253
        || host
            .split('.')
            .any(|label| label.is_empty() || label.len() > 63)
    {
        return Err(Failure::invalid(
            field,
            [
                field,
                "'s host is not a valid name: labels between dots must be 1 to 63 characters (no leading, \
                 trailing or doubled dots) and the whole at most 253",
            ]
            .concat(),
        ));
    }
    if let Some(label) = host.split('.').find(|label| !is_valid_a_label(label)) {
        return Err(Failure::invalid(
            field,
            [
                field,
                "'s host label '",
                label,
                "' is not valid punycode: an xn-- label must be the punycode form of a name with letters \
                 beyond ASCII (write the name itself, e.g. bücher, through a converter)",
            ]
            .concat(),
        ));
    }
    let last = host.rsplit('.').next().unwrap_or_default();
    let numeric = last.bytes().all(|b| b.is_ascii_digit())
        || last
            .get(..2)
            .is_some_and(|prefix| prefix.eq_ignore_ascii_case("0x"))
            && last.bytes().skip(2).all(|b| b.is_ascii_hexdigit());
    // A name ending in a number is an IPv4 address to `fetch`, which also reads `127.1` or `0x7f.1`: accept only
    // the plain dotted-quad form, so that what we sign and check is what `fetch` connects to.
    if numeric && parse_ipv4(host).is_none() {
        return Err(Failure::invalid(
            field,
            [
                field,
                "'s host looks like an IPv4 address but is not four decimal numbers from 0 to 255 without \
                 leading zeros (e.g. 127.0.0.1)",
            ]
            .concat(),
        ));
    }
    Ok(host.to_ascii_lowercase())
}

/// Whether `label` is not an `xn--` label, or is one that the WHATWG parser behind `fetch` can decode: valid
/// punycode (RFC 3492) of a name with a character beyond ASCII, with no uppercase letter, control character or
/// dot in it. The rest of IDNA's validity rules (NFC, disallowed code points, bidi, joiners) need Unicode's
/// tables and are left to `fetch`, which refuses such a name as a network error. Decoded by hand: the `idna`
/// crate builds with 43 crates (`cargo tree -p idna -e normal --prefix none | sort -u | wc -l`) for these 40
/// lines; kps-fuzz checks them against its `punycode` module.
fn is_valid_a_label(label: &str) -> bool {
    let Some(encoded) = label
        .get(..4)
        .filter(|prefix| prefix.eq_ignore_ascii_case("xn--"))
        .map(|_| label[4..].to_ascii_lowercase())
    else {
        return true;
    };
    punycode_decode(&encoded).is_some_and(|name| {
        name.iter().any(|c| !c.is_ascii())
            && !name
                .iter()
                .any(|c| c.is_uppercase() || c.is_control() || *c == '.')
    })
}

/// RFC 3492 §6.2: the code points `encoded` (the part after `xn--`) stands for; `None` when it is not valid.
fn punycode_decode(encoded: &str) -> Option<Vec<char>> {
    const BASE: u32 = 36;
    const T_MIN: u32 = 1;
    const T_MAX: u32 = 26;
    // The last delimiter ends the basic code points; one in first place is not a delimiter (§6.2: "in = b > 0
    // ? b + 1 : 0"), so that it is read as a digit and refused.
    let (basic, extended) = match encoded.rfind('-') {
        Some(at) if at > 0 => (&encoded[..at], &encoded[at + 1..]),
        _ => ("", encoded),
    };
    let mut output: Vec<char> = basic.chars().collect();
    let (mut n, mut i, mut bias) = (128u32, 0u32, 72u32);
    let mut digits = extended.bytes().peekable();
    while digits.peek().is_some() {
        let old_i = i;
        let mut weight = 1u32;
        let mut k = BASE;
        loop {
            let digit = match digits.next()? {
                byte @ b'a'..=b'z' => u32::from(byte - b'a'),
                byte @ b'0'..=b'9' => u32::from(byte - b'0') + 26,
                _ => return None,
            };
            i = i.checked_add(digit.checked_mul(weight)?)?;
            let t = k.saturating_sub(bias).clamp(T_MIN, T_MAX);
            if digit < t {
                break;
            }
            weight = weight.checked_mul(BASE - t)?;
            k += BASE;
        }
        let length = output.len() as u32 + 1;
        bias = adapt(i - old_i, length, old_i == 0);
        n = n.checked_add(i / length)?;
        i %= length;
        output.insert(i as usize, char::from_u32(n)?);
        i += 1;
    }
    Some(output)
}

/// RFC 3492 §6.1's bias adaptation.
fn adapt(delta: u32, length: u32, first: bool) -> u32 {
    const BASE: u32 = 36;
    const T_MIN: u32 = 1;
    const T_MAX: u32 = 26;
    const SKEW: u32 = 38;
    const DAMP: u32 = 700;
    let mut delta = if first { delta / DAMP } else { delta / 2 };
    delta += delta / length;
    let mut k = 0;
    while delta > ((BASE - T_MIN) * T_MAX) / 2 {
        delta /= BASE - T_MIN;
        k += BASE;
    }
    k + (BASE - T_MIN + 1) * delta / (delta + SKEW)
}

// Strict dotted-quad IPv4: four decimal numbers 0..=255, no leading zeros.
fn parse_ipv4(host: &str) -> Option<[u8; 4]> {
    let mut octets = [0u8; 4];
    let mut parts = host.split('.');
    for octet in &mut octets {
        let part = parts.next()?;
        let valid = !part.is_empty()
            && part.len() <= 3
            && part.bytes().all(|b| b.is_ascii_digit())
            && (part == "0" || !part.starts_with('0'));
        if !valid {
            return None;
        }
        *octet = part.parse().ok()?;
    }
    parts.next().is_none().then_some(octets)
}

// An IPv6 address of eight hex groups, or fewer around one `::`. Hand-written because `core::net`'s parser
// costs about 2 KB of gzipped wasm; the dotted-quad tail form (`::ffff:1.2.3.4`) and zone ids are not accepted.
fn parse_ipv6(text: &str) -> Option<[u16; 8]> {
    fn groups(part: &str, out: &mut [u16; 8]) -> Option<usize> {
        if part.is_empty() {
            return Some(0);
        }
        let mut count = 0;
        for group in part.split(':') {
            let hex =
                (1..=4).contains(&group.len()) && group.bytes().all(|b| b.is_ascii_hexdigit());
            if !hex || count == out.len() {
                return None;
            }
            out[count] = group.bytes().fold(0, |value, b| {
                value << 4 | char::from(b).to_digit(16).unwrap_or(0) as u16
            });
            count += 1;
        }
        Some(count)
    }
    let mut pieces = [0u16; 8];
    match text.split_once("::") {
        None => (groups(text, &mut pieces)? == 8).then_some(pieces),
        Some((head, tail)) => {
            let mut back = [0u16; 8];
            let (front, end) = (groups(head, &mut pieces)?, groups(tail, &mut back)?);
            // `::` stands for at least one zero group.
            if front + end > 7 {
                return None;
            }
            pieces[8 - end..].copy_from_slice(&back[..end]);
            Some(pieces)
        }
    }
}

// The WHATWG serialisation of an IPv6 host: lowercase hex, the first longest run of 2+ zero pieces as `::`.
fn ipv6_host(pieces: [u16; 8]) -> String {
    let (mut compress, mut best, mut run) = (None, 1, 0);
    for (index, &piece) in pieces.iter().enumerate() {
        run = if piece == 0 { run + 1 } else { 0 };
        if run > best {
            best = run;
            compress = Some(index + 1 - run);
        }
    }
    let mut out = String::from("[");
    let mut skipping = false;
    for (index, &piece) in pieces.iter().enumerate() {
        if skipping && piece == 0 {
            continue;
        }
        skipping = false;
        if compress == Some(index) {
            out.push_str(if index == 0 { "::" } else { ":" });
            skipping = true;
            continue;
        }
        let digits = [
            piece >> 12,
            (piece >> 8) & 0xf,
            (piece >> 4) & 0xf,
            piece & 0xf,
        ];
        let first = digits.iter().position(|&d| d != 0).unwrap_or(3);
        for &digit in &digits[first..] {
            out.push(char::from_digit(digit.into(), 16).unwrap_or('0'));
        }
        if index != 7 {
            out.push(':');
        }
    }
    out.push(']');
    out
}

fn parse_port(port: &str, field: &str) -> Result<u16, Failure> {
    if port.is_empty() {
        return Err(Failure::invalid(
            field,
            [field, " has ':' but no port number after it"].concat(),
        ));
    }
    if !port.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Failure::invalid(
            field,
            [field, "'s port must be a number from 1 to 65535"].concat(),
        ));
    }
    // Without leading zeros, a number up to 65535 has at most 5 digits; a longer one fails to parse or is larger.
    let significant = port.trim_start_matches('0');
    match significant.parse::<u32>() {
        Ok(value @ 1..=65535) => Ok(value as u16),
        _ => {
            let got = match significant {
                "" => "0",
                digits if digits.len() <= 10 => digits,
                _ => "a larger number",
            };
            Err(Failure::invalid(
                field,
                [field, "'s port must be from 1 to 65535; got ", got].concat(),
            ))
        }
    }
}

// A path (possibly empty): RFC 3986 `pchar`s and `/`, well-formed `%XX` escapes, no `.`/`..` segments (which
// `fetch` would resolve away, silently changing the URL).
pub(crate) fn check_path(path: &str, field: &str) -> Result<(), Failure> {
    let bytes = path.as_bytes();
    for (index, c) in path.char_indices() {
        let allowed = c.is_ascii_alphanumeric() || "-._~!$&'()*+,;=:/".contains(c);
        if c == '%' {
            let escape = bytes.get(index + 1..index + 3);
            if !escape.is_some_and(|hex| hex.iter().all(u8::is_ascii_hexdigit)) {
                return Err(Failure::invalid(
                    field,
                    [
                        field,
                        "'s path has a '%' that is not followed by two hex digits",
                    ]
                    .concat(),
                ));
            }
        } else if !allowed {
            let mut found = String::new();
            found.push(c);
            return Err(Failure::invalid(
                field,
                [
                    field,
                    "'s path contains '",
                    &found,
                    "', which must be percent-encoded",
                ]
                .concat(),
            ));
        }
    }
    let dot = |segment: &str| {
        [".", "..", "%2e", ".%2e", "%2e.", "%2e%2e"]
            .iter()
            .any(|dot| segment.eq_ignore_ascii_case(dot))
    };
    if path.split('/').any(dot) {
        return Err(Failure::invalid(
            field,
            [field, "'s path must not contain '.' or '..' segments"].concat(),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;

    fn absolute(text: &str) -> Endpoint {
        parse_endpoint(text, false, false).unwrap_or_else(|failure| panic!("{text}: {failure}"))
    }

    fn rejected(text: &str, relative_allowed: bool, allow_insecure_http: bool) -> Failure {
        let failure = parse_endpoint(text, relative_allowed, allow_insecure_http)
            .expect_err(&["expected a rejection of ", text].concat());
        assert_eq!(failure.kind, ErrorKind::Validation);
        assert_eq!(failure.field.as_deref(), Some("endpoint"), "{text}");
        failure
    }

    fn rejected_with(text: &str, needle: &str) {
        let failure = rejected(text, true, false);
        assert!(
            failure.message.contains(needle),
            "{text}: {:?} lacks {needle:?}",
            failure.message
        );
    }

    fn region_message(region: &str) -> String {
        let failure = check_region(region).expect_err(region);
        assert_eq!(failure.field.as_deref(), Some("region"));
        failure.message
    }

    #[test]
    fn the_thirty_regions_of_the_official_sdks_are_listed_in_their_order_without_duplicates() {
        assert_eq!(REGIONS.len(), 30);
        assert_eq!(REGIONS[0], "cn-north-4");
        assert_eq!(REGIONS[21], "my-kualalumpur-1");
        assert_eq!(REGIONS[29], "cn-southwest-3");
        for (i, region) in REGIONS.iter().enumerate() {
            assert!(!REGIONS[i + 1..].contains(region), "{region} twice");
        }
    }

    #[test]
    fn every_known_region_is_a_well_formed_region_id_and_is_accepted() {
        for region in REGIONS {
            assert!(is_region_id(region), "{region}");
            assert_eq!(check_region(region), Ok(()));
        }
    }

    #[test]
    fn a_region_resolves_to_the_kms_host_over_https_which_is_also_the_signed_host() {
        assert_eq!(
            region_endpoint("cn-north-4"),
            "https://kms.cn-north-4.myhuaweicloud.com"
        );
        let endpoint = resolve_region("ap-southeast-3").unwrap();
        assert_eq!(
            endpoint.base,
            "https://kms.ap-southeast-3.myhuaweicloud.com"
        );
        assert_eq!(
            endpoint.signing_host.as_deref(),
            Some("kms.ap-southeast-3.myhuaweicloud.com")
        );
        assert!(!endpoint.is_relative());
    }

    #[test]
    fn a_well_formed_region_that_is_not_listed_is_refused_with_the_nearest_one_and_the_endpoint_to_use(
    ) {
        assert_eq!(
            region_message("cn-north-99"),
            "region 'cn-north-99' is not one of the KPS regions that kps-wasm knows (those of the official \
             SDKs); did you mean 'cn-north-9'? To reach a region that is not listed yet, pass endpoint: \
             'https://kms.cn-north-99.myhuaweicloud.com' instead of region"
        );
        for (region, meant) in [
            ("cn-north-13", Some("cn-north-1")),
            ("ap-southeast-6", Some("ap-southeast-1")),
            ("eu-west-101", None),
            ("xx-yyyy-1", None),
        ] {
            let message = region_message(region);
            let suggestion = meant.map(|meant| ["did you mean '", meant, "'?"].concat());
            assert_eq!(
                suggestion
                    .as_ref()
                    .is_some_and(|s| message.contains(s.as_str())),
                meant.is_some(),
                "{message}"
            );
            assert!(
                !message.contains("did you mean") || meant.is_some(),
                "{message}"
            );
            assert!(
                message
                    .contains(&["endpoint: 'https://kms.", region, ".myhuaweicloud.com'"].concat()),
                "{message}"
            );
        }
    }

    #[test]
    fn a_region_id_of_63_characters_is_accepted_and_one_of_64_is_rejected() {
        let long = |len: usize| ["ab-", &"c".repeat(len - 5), "-1"].concat();
        assert_eq!(long(63).len(), 63);
        assert!(is_region_id(&long(63)));
        assert!(region_message(&long(63)).contains("is not one of the KPS regions"));
        assert!(!is_region_id(&long(64)));
        assert!(region_message(&long(64)).contains("lowercase letters, digits and hyphens"));
    }

    #[test]
    fn an_uppercase_region_is_rejected_with_a_lowercase_hint() {
        let message = region_message("CN-NORTH-4");
        assert!(message.contains("lowercase"), "{message}");
        assert!(message.contains("'cn-north-4'"), "{message}");
        assert!(region_message("Eu-West-9").contains("'eu-west-9'"));
    }

    #[test]
    fn a_region_written_with_underscores_or_spaces_gets_the_hyphenated_suggestion() {
        assert!(region_message("cn_north_4").ends_with("did you mean 'cn-north-4'?"));
        assert!(region_message(" cn-north-4").ends_with("did you mean 'cn-north-4'?"));
        assert!(region_message("AP_SOUTHEAST_1").ends_with("did you mean 'ap-southeast-1'?"));
    }

    #[test]
    fn a_well_formed_region_one_edit_from_a_known_one_is_rejected_as_a_typo() {
        for (typo, meant) in [
            ("cn-noth-4", "cn-north-4"),
            ("cn-nroth-4", "cn-north-4"),
            ("my-kualalumpr-1", "my-kualalumpur-1"),
            ("ap-southaest-3", "ap-southeast-3"),
            ("la-sough-2", "la-south-2"),
        ] {
            let message = region_message(typo);
            assert!(
                message.contains("is not one of the KPS regions"),
                "{message}"
            );
            assert!(
                message.contains(&["did you mean '", meant, "'?"].concat()),
                "{message}"
            );
        }
    }

    #[test]
    fn a_malformed_region_near_a_known_one_gets_a_suggestion() {
        for (typo, meant) in [
            ("cn-north4", "cn-north-4"),
            ("cnnorth-4", "cn-north-4"),
            ("cn-north-4-", "cn-north-4"),
        ] {
            let message = region_message(typo);
            assert!(
                message.contains("(lowercase letters, digits and hyphens, ending in -<number>)"),
                "{message}"
            );
            assert!(
                message.ends_with(&["did you mean '", meant, "'?"].concat()),
                "{message}"
            );
        }
    }

    #[test]
    fn malformed_regions_far_from_any_known_one_are_rejected_without_a_suggestion() {
        for region in [
            "x",
            "north",
            "q-zzzz-4",
            "123-north-4",
            "zz-top",
            "zz--top-1",
            "zz-top-1a",
            "zz-tôp-1",
        ] {
            let message = region_message(region);
            assert!(
                message.starts_with("region must be a region id such as 'cn-north-4'"),
                "{message}"
            );
            assert!(!message.contains("did you mean"), "{message}");
        }
    }

    #[test]
    fn an_empty_region_is_rejected() {
        assert_eq!(
            region_message(""),
            "region must not be empty; expected a region id such as 'cn-north-4'"
        );
    }

    #[test]
    fn a_url_or_host_name_given_as_region_is_pointed_to_endpoint() {
        for region in [
            "https://kms.cn-north-4.myhuaweicloud.com",
            "kms.cn-north-4.myhuaweicloud.com",
            "cn-north-4/",
        ] {
            assert!(
                region_message(region).contains("pass a URL as endpoint instead"),
                "{region}"
            );
        }
    }

    #[test]
    fn a_huge_or_multibyte_region_is_echoed_at_most_forty_characters_without_panicking() {
        for region in ["q".repeat(100_000), "é".repeat(1000), "😀a".repeat(50)] {
            let message = region_message(&region);
            assert!(message.chars().count() < 200, "{message}");
            assert!(message.contains('…'), "{message}");
        }
    }

    #[test]
    fn an_https_endpoint_keeps_its_host_as_the_signing_host() {
        let endpoint = absolute("https://kms.cn-north-4.myhuaweicloud.com");
        assert_eq!(endpoint.base, "https://kms.cn-north-4.myhuaweicloud.com");
        assert_eq!(
            endpoint.signing_host.as_deref(),
            Some("kms.cn-north-4.myhuaweicloud.com")
        );
        assert!(!endpoint.is_relative());
    }

    #[test]
    fn trailing_slashes_are_trimmed_and_a_path_prefix_is_kept() {
        for (text, base) in [
            ("https://example.com/", "https://example.com"),
            ("https://example.com//", "https://example.com"),
            ("https://example.com/prefix", "https://example.com/prefix"),
            ("https://example.com/prefix/", "https://example.com/prefix"),
            ("http://127.0.0.1:8787/a/b/", "http://127.0.0.1:8787/a/b"),
            (
                "https://example.com/a%20b/~x/",
                "https://example.com/a%20b/~x",
            ),
        ] {
            assert_eq!(absolute(text).base, base, "{text}");
        }
    }

    #[test]
    fn the_scheme_and_host_are_lowercased_as_fetch_does_but_the_path_is_not() {
        let endpoint = absolute("HTTPS://KMS.Example.COM/Prefix");
        assert_eq!(endpoint.base, "https://kms.example.com/Prefix");
        assert_eq!(endpoint.signing_host.as_deref(), Some("kms.example.com"));
    }

    #[test]
    fn a_default_port_is_dropped_and_any_other_port_is_kept_in_base_and_signing_host() {
        for (text, base, host) in [
            (
                "https://example.com:443/x",
                "https://example.com/x",
                "example.com",
            ),
            ("http://localhost:80", "http://localhost", "localhost"),
            (
                "https://example.com:80",
                "https://example.com:80",
                "example.com:80",
            ),
            (
                "http://localhost:443",
                "http://localhost:443",
                "localhost:443",
            ),
            (
                "https://example.com:8443",
                "https://example.com:8443",
                "example.com:8443",
            ),
            (
                "https://example.com:08443",
                "https://example.com:8443",
                "example.com:8443",
            ),
        ] {
            let endpoint = absolute(text);
            assert_eq!(endpoint.base, base, "{text}");
            assert_eq!(endpoint.signing_host.as_deref(), Some(host), "{text}");
        }
    }

    #[test]
    fn ports_from_1_to_65535_are_accepted_and_0_or_65536_are_rejected() {
        assert_eq!(absolute("https://h:1").base, "https://h:1");
        assert_eq!(absolute("https://h:65535").base, "https://h:65535");
        for (text, got) in [
            ("https://h:0", "got 0"),
            ("https://h:000", "got 0"),
            ("https://h:65536", "got 65536"),
            ("https://h:99999999999999", "got a larger number"),
        ] {
            let message = rejected(text, false, false).message;
            assert!(
                message.contains("port must be from 1 to 65535"),
                "{message}"
            );
            assert!(message.ends_with(got), "{message}");
        }
    }

    #[test]
    fn a_port_that_is_empty_or_not_a_number_is_rejected() {
        rejected_with("https://h:", "has ':' but no port number after it");
        rejected_with("https://h:80a", "port must be a number from 1 to 65535");
        rejected_with("https://h:-1", "port must be a number from 1 to 65535");
        rejected_with("https://h:+80", "port must be a number from 1 to 65535");
    }

    #[test]
    fn plain_http_is_allowed_to_loopback_hosts() {
        for (text, base) in [
            ("http://localhost:8787", "http://localhost:8787"),
            ("http://LOCALHOST", "http://localhost"),
            ("http://127.0.0.1:8787/kps/", "http://127.0.0.1:8787/kps"),
            ("http://127.255.255.254", "http://127.255.255.254"),
            ("http://[::1]:8787", "http://[::1]:8787"),
        ] {
            assert_eq!(absolute(text).base, base, "{text}");
        }
    }

    #[test]
    fn plain_http_to_other_hosts_is_refused_unless_allow_insecure_http_is_set() {
        for text in [
            "http://192.168.1.10",
            "http://128.0.0.1",
            "http://126.255.255.255",
            "http://localhost.example.com",
            "http://kms.cn-north-4.myhuaweicloud.com",
            "http://[::2]",
            "http://[::ffff:7f00:1]",
        ] {
            let message = rejected(text, false, false).message;
            assert!(
                message.contains("which is not a loopback host"),
                "{message}"
            );
            assert!(message.contains("allowInsecureHttp: true"), "{message}");
            assert!(parse_endpoint(text, false, true).is_ok(), "{text}");
        }
        assert!(rejected("http://10.0.0.1:8080/kps", false, false)
            .message
            .contains("'10.0.0.1'"));
    }

    #[test]
    fn https_to_any_host_needs_no_flag() {
        assert_eq!(absolute("https://10.0.0.1").base, "https://10.0.0.1");
        assert_eq!(
            absolute("https://[2001:db8::1]").base,
            "https://[2001:db8::1]"
        );
    }

    #[test]
    fn ipv6_hosts_are_written_in_the_canonical_form_that_fetch_sends() {
        for (text, host) in [
            ("http://[0:0:0:0:0:0:0:1]", "[::1]"),
            ("https://[2001:DB8:0:0:1:0:0:1]", "[2001:db8::1:0:0:1]"),
            ("https://[1:0:0:2:0:0:0:3]", "[1:0:0:2::3]"),
            ("https://[1:2:3:4:5:6:7:0]", "[1:2:3:4:5:6:7:0]"),
            ("https://[1:0:3:4:5:6:7:8]", "[1:0:3:4:5:6:7:8]"),
            ("https://[::]", "[::]"),
            ("https://[1::]", "[1::]"),
            ("https://[00ab:0:0:0:0:0:0:0]:444", "[ab::]:444"),
            ("https://[::ffff:7f00:1]", "[::ffff:7f00:1]"),
            ("https://[1:2:3:4:5:6::8]", "[1:2:3:4:5:6:0:8]"),
            (
                "https://[ABCD:EF01:2345:6789:abcd:ef01:2345:6789]",
                "[abcd:ef01:2345:6789:abcd:ef01:2345:6789]",
            ),
        ] {
            assert_eq!(absolute(text).signing_host.as_deref(), Some(host), "{text}");
        }
    }

    #[test]
    fn an_ipv6_address_that_is_unbracketed_unclosed_or_invalid_is_rejected() {
        rejected_with("http://::1", "must be written in brackets");
        rejected_with("http://[::1", "without its closing ']'");
        rejected_with("http://[::g]", "invalid IPv6 address");
        rejected_with("http://[::1]x", "only ':port' may follow");
        for text in [
            "http://[fe80::1%25eth0]",
            "http://[::ffff:127.0.0.1]",
            "http://[1:2:3:4:5:6:7:8:9]",
            "http://[1:2:3:4:5:6:7]",
            "http://[1:2:3:4:5:6:7::8]",
            "http://[1::2::3]",
            "http://[12345::]",
            "http://[:1]",
            "http://[1:]",
            "http://[:::]",
            "http://[::-1]",
            "http://[::+1]",
        ] {
            rejected_with(
                text,
                "invalid IPv6 address in brackets; expected hex groups",
            );
        }
    }

    #[test]
    fn the_ipv6_parser_and_serialiser_agree_with_core_net_on_every_hex_group_form() {
        use core::net::Ipv6Addr;
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let alphabet = b"0001f:::aF";
        let mut accepted = 0;
        for round in 0..200_000 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let len = 2 + (state % 24) as usize;
            let text: String = (0..len)
                .map(|i| {
                    char::from(
                        alphabet[((state >> (i * 2 % 60)) as usize + i + round) % alphabet.len()],
                    )
                })
                .collect();
            let ours = parse_ipv6(&text);
            let theirs = text.parse::<Ipv6Addr>().ok();
            assert_eq!(ours, theirs.map(|address| address.segments()), "{text}");
            if let Some(address) = theirs.filter(|address| address.to_ipv4_mapped().is_none()) {
                accepted += 1;
                assert_eq!(
                    ipv6_host(address.segments()),
                    ["[", &address.to_string(), "]"].concat()
                );
            }
        }
        assert!(
            accepted > 1000,
            "only {accepted} valid addresses were generated"
        );
    }

    #[test]
    fn credentials_in_the_url_are_rejected_without_echoing_them() {
        for text in [
            "https://alice:hunter2secret@example.com",
            "https://hunter2secret@example.com/kps",
            "https://example.com/a@hunter2secret",
            "ftp://alice:hunter2secret@example.com",
            "https://alice:pa/hunter2secret@example.com",
        ] {
            let message = rejected(text, false, false).message;
            assert!(message.contains("must not contain '@'"), "{message}");
            assert!(!message.contains("hunter2"), "{message}");
            assert!(!message.contains("alice"), "{message}");
        }
    }

    #[test]
    fn a_query_or_a_fragment_is_rejected_without_echoing_it() {
        let message = rejected("https://example.com/?token=hunter2secret", false, false).message;
        assert!(message.contains("must not have a query"), "{message}");
        assert!(!message.contains("hunter2"), "{message}");
        rejected_with("https://example.com?", "must not have a query");
        rejected_with("https://example.com/#top", "must not have a fragment");
        rejected_with("/kps?x=1", "must not have a query");
    }

    #[test]
    fn a_url_with_another_scheme_is_rejected_naming_the_scheme() {
        for (text, scheme) in [
            ("ftp://example.com", "'ftp:'"),
            ("ws://localhost", "'ws:'"),
            ("file:///etc", "'file:'"),
        ] {
            let message = rejected(text, false, false).message;
            assert!(message.contains("must use https://"), "{message}");
            assert!(message.contains(scheme), "{message}");
        }
    }

    #[test]
    fn a_url_without_a_scheme_is_rejected_with_a_hint_to_add_https() {
        for text in [
            "kms.cn-north-4.myhuaweicloud.com",
            "localhost:8080",
            "kps",
            "mailto:a",
            ":80",
        ] {
            let message = rejected(text, false, false).message;
            assert!(
                message.contains("did you forget https://?"),
                "{text}: {message}"
            );
            assert!(!message.contains("a path such as /kps"), "{message}");
        }
        assert!(rejected("kps", true, false)
            .message
            .contains("or a path such as /kps"));
    }

    #[test]
    fn a_scheme_without_its_two_slashes_is_rejected() {
        rejected_with("https:/example.com", "with two slashes after the colon");
        rejected_with("https:example.com", "with two slashes after the colon");
        rejected_with("HTTP:localhost", "with two slashes after the colon");
    }

    #[test]
    fn an_endpoint_without_a_host_is_rejected() {
        rejected_with("https://", "has no host");
        rejected_with("https:///v3", "has no host");
        rejected_with("http://:8080", "has no host");
        rejected_with("http://[]", "invalid IPv6 address");
    }

    #[test]
    fn whitespace_control_characters_and_backslashes_are_rejected() {
        rejected_with(" https://example.com", "found one at position 1");
        rejected_with("https://example.com ", "found one at position 20");
        rejected_with(
            "https://example.com/a b",
            "must not contain whitespace or control characters",
        );
        rejected_with(
            "https://example.com/\t",
            "must not contain whitespace or control characters",
        );
        rejected_with(
            "https://example.com/\u{0}",
            "must not contain whitespace or control characters",
        );
        rejected_with(
            "https://example.com\u{a0}",
            "must not contain whitespace or control characters",
        );
        rejected_with("https://example.com\\kps", "not '\\'");
        rejected_with("https:\\\\example.com", "not '\\'");
    }

    #[test]
    fn hosts_that_fetch_would_rewrite_or_refuse_are_rejected() {
        for (text, needle) in [
            ("https://127.1", "not four decimal numbers"),
            ("https://0x7f.0.0.1", "not four decimal numbers"),
            ("https://example.0x1f", "not four decimal numbers"),
            ("https://127.000.0.1", "not four decimal numbers"),
            ("https://256.1.1.1", "not four decimal numbers"),
            ("https://1.2.3.4.5", "not four decimal numbers"),
            ("https://1.2.3", "not four decimal numbers"),
            (
                "https://example..com",
                "labels between dots must be 1 to 63 characters",
            ),
            (
                "https://.example.com",
                "labels between dots must be 1 to 63 characters",
            ),
            (
                "https://example.com.",
                "labels between dots must be 1 to 63 characters",
            ),
            ("https://bücher.de", "punycode form (xn--...)"),
            ("https://ex%61mple.com", "host contains '%'"),
            ("https://ex*mple.com", "host contains '*'"),
            ("https://ex,mple.com", "host contains ','"),
        ] {
            rejected_with(text, needle);
        }
        let label = "a".repeat(63);
        assert!(parse_endpoint(&["https://", &label, ".com"].concat(), false, false).is_ok());
        rejected_with(
            &["https://", &label, "a.com"].concat(),
            "1 to 63 characters",
        );
        let long = [label.as_str(); 4].join(".");
        rejected_with(&["https://", &long, ".com"].concat(), "at most 253");
    }

    #[test]
    fn invalid_punycode_xn_labels_are_rejected_as_fetch_would_refuse_them() {
        for host in [
            "xn--",
            "xn--a",
            "xn--zz",
            "xn--abc-",
            "xn--ABC-",
            "xn--99999999999",
            "xn--a-0",
            "xn---pfa4a0e10t",
            "xn--wca",
            "example.xn--1.com",
        ] {
            rejected_with(&["https://", host, ".de"].concat(), "is not valid punycode");
        }
        for host in [
            "xn--mnchen-3ya",
            "XN--MNCHEN-3YA",
            "xn--tda",
            "xn--ls8h",
            "xn----bga",
        ] {
            assert!(
                parse_endpoint(&["https://", host, ".de"].concat(), false, false).is_ok(),
                "{host}"
            );
        }
    }

    #[test]
    fn another_scheme_is_named_only_when_it_is_written_like_one() {
        for url in [
            "ftp://example.com",
            "git+ssh://example.com",
            "a.b-c://example.com",
            "abcdefghijklmnop://example.com",
        ] {
            let scheme = &url[..url.find(':').unwrap()];
            rejected_with(url, &["got a '", scheme, ":' URL"].concat());
        }
        for url in [
            "1ftp://example.com",
            "f_p://example.com",
            "f~p://example.com",
            "abcdefghijklmnopq://example.com",
            "://example.com",
        ] {
            rejected_with(url, "got no http:// or https:// scheme");
        }
    }

    /// RFC 3492 §7.1's sample strings (and five more), each checked with Python's `punycode` codec: a
    /// decoder that accepts the right labels but decodes them wrongly would let `fetch` see another name.
    #[test]
    fn punycode_labels_decode_to_the_names_of_rfc_3492_s_samples() {
        for (encoded, name) in [
            ("egbpdaj6bu4bxfgehfvwxn", "ليهمابتكلموشعربي؟"),
            ("ihqwcrb4cv8a8dqg056pqjye", "他们为什么不说中文"),
            ("ihqwctvzc91f659drss3x8bo0yb", "他們爲什麽不說中文"),
            ("Proprostnemluvesky-uyb24dma41a", "Pročprostěnemluvíčesky"),
            ("4dbcagdahymbxekheh6e0a7fei0b", "למההםפשוטלאמדבריםעברית"),
            (
                "i1baa7eci9glrd9b2ae1bj0hfcgg6iyaf8o0a1dig0cd",
                "यहलोगहिन्दीक्योंनहींबोलसकतेहैं",
            ),
            (
                "n8jok5ay5dzabd5bym9f0cm5685rrjetr6pdxa",
                "なぜみんな日本語を話してくれないのか",
            ),
            (
                "b1abfaaepdrnnbgefbadotcwatmq2g4l",
                "почемужеонинеговорятпорусски",
            ),
            (
                "PorqunopuedensimplementehablarenEspaol-fmd56a",
                "PorquénopuedensimplementehablarenEspañol",
            ),
            (
                "TisaohkhngthchnitingVit-kjcr8268qyxafd2f1b9g",
                "TạisaohọkhôngthểchỉnóitiếngViệt",
            ),
            ("3B-ww4c5e180e575a65lsy2b", "3年B組金八先生"),
            (
                "-with-SUPER-MONKEYS-pc58ag80a8qai00g7n9n",
                "安室奈美恵-with-SUPER-MONKEYS",
            ),
            (
                "Hello-Another-Way--fc4qua05auwb3674vfr0b",
                "Hello-Another-Way-それぞれの場所",
            ),
            ("2-u9tlzr9756bt3uc0v", "ひとつ屋根の下2"),
            ("MajiKoi5-783gue6qz075azm5e", "MajiでKoiする5秒前"),
            ("de-jg4avhby1noc0d", "パフィーdeルンバ"),
            ("d9juau41awczczp", "そのスピードで"),
            ("mnchen-3ya", "münchen"),
            ("e28h", "😀"),
            // Found by search: bias adaptation at its threshold (a delta of exactly 455), and just above it
            // (459 and 476).
            ("ab-era24en61pnjah195as2zd", "ab鸷ガŇふǽ櫢"),
            ("pea72d664s", "Ɏ掂ě"),
            ("ab-9va77e0271b15j", "abȿƀ礡焺"),
        ] {
            let decoded: Option<String> =
                punycode_decode(encoded).map(|name| name.into_iter().collect());
            assert_eq!(decoded.as_deref(), Some(name), "{encoded}");
        }
    }

    #[test]
    fn a_host_of_253_characters_is_accepted_and_one_of_254_is_not() {
        let label = "a".repeat(63);
        let host = [label.as_str(), &label, &label, &"b".repeat(61)].join(".");
        assert_eq!(host.len(), 253);
        let endpoint = parse_endpoint(&["https://", &host].concat(), false, false).unwrap();
        assert_eq!(endpoint.signing_host.as_deref(), Some(host.as_str()));
        rejected_with(&["https://", &host, "b"].concat(), "at most 253");
    }

    #[test]
    fn plausible_host_names_are_accepted() {
        for host in [
            "xn--bcher-kva.de",
            "my_proxy",
            "a-b.c-d.example",
            "1.2.3.4",
            "0.0.0.0",
            "host1",
            "123abc.example",
        ] {
            assert_eq!(
                absolute(&["https://", host].concat()).base,
                ["https://", host].concat()
            );
        }
    }

    #[test]
    fn dot_segments_and_unencoded_characters_in_the_path_are_rejected() {
        for (text, needle) in [
            ("https://h/./kps", "'.' or '..' segments"),
            ("https://h/kps/..", "'.' or '..' segments"),
            ("https://h/%2E%2e/kps", "'.' or '..' segments"),
            ("https://h/.%2E", "'.' or '..' segments"),
            ("/kps/../x", "'.' or '..' segments"),
            (
                "https://h/a\"b",
                "contains '\"', which must be percent-encoded",
            ),
            ("https://h/é", "contains 'é', which must be percent-encoded"),
            (
                "https://h/{x}",
                "contains '{', which must be percent-encoded",
            ),
            (
                "https://h/%zz",
                "'%' that is not followed by two hex digits",
            ),
            ("https://h/%4", "'%' that is not followed by two hex digits"),
            ("/kps%", "'%' that is not followed by two hex digits"),
        ] {
            rejected_with(text, needle);
        }
        assert_eq!(
            absolute("https://h/.well-known/..x/a.b").base,
            "https://h/.well-known/..x/a.b"
        );
        assert_eq!(
            absolute("https://h/a;b=c,d!$&'()*+:~").base,
            "https://h/a;b=c,d!$&'()*+:~"
        );
    }

    #[test]
    fn relative_endpoints_are_accepted_where_the_environment_allows_them() {
        for (text, base) in [
            ("/kps", "/kps"),
            ("/kps/", "/kps"),
            ("/a/b//", "/a/b"),
            ("/", ""),
        ] {
            let endpoint = parse_endpoint(text, true, false).unwrap();
            assert_eq!(endpoint.base, base, "{text}");
            assert_eq!(endpoint.signing_host, None);
            assert!(endpoint.is_relative());
        }
    }

    #[test]
    fn relative_endpoints_are_rejected_in_node_with_a_message_that_they_work_only_in_browsers() {
        let message = rejected("/kps", false, false).message;
        assert!(message.contains("work only in browsers"), "{message}");
        assert!(
            message.contains("https://kms.cn-north-4.myhuaweicloud.com"),
            "{message}"
        );
    }

    #[test]
    fn scheme_relative_endpoints_are_rejected_everywhere() {
        for relative_allowed in [true, false] {
            let message = rejected("//example.com/kps", relative_allowed, false).message;
            assert!(message.contains("must not start with '//'"), "{message}");
        }
    }

    #[test]
    fn an_empty_endpoint_is_rejected_with_what_is_expected_here() {
        assert_eq!(
            rejected("", false, false).message,
            "endpoint must not be empty; expected an absolute URL such as https://kms.cn-north-4.myhuaweicloud.com"
        );
        assert!(rejected("", true, false)
            .message
            .ends_with("or a path such as /kps"));
    }

    #[test]
    fn an_endpoint_of_2048_characters_is_accepted_and_one_longer_is_rejected() {
        let base = "https://example.com/";
        let at_limit = [base, &"a".repeat(MAX_ENDPOINT_CHARS - base.len())].concat();
        assert!(parse_endpoint(&at_limit, false, false).is_ok());
        rejected_with(
            &[at_limit.as_str(), "a"].concat(),
            "longer than 2048 characters",
        );
    }

    #[test]
    fn loopback_means_localhost_127_slash_8_and_ipv6_one() {
        for host in [
            "localhost",
            "127.0.0.1",
            "127.0.0.0",
            "127.255.255.255",
            "[::1]",
        ] {
            assert!(is_loopback(host), "{host}");
        }
        for host in [
            "localhost.",
            "a.localhost",
            "128.0.0.1",
            "127.0.0.1.nip.io",
            "[::]",
            "::1",
            "0.0.0.0",
        ] {
            assert!(!is_loopback(host), "{host}");
        }
    }

    #[test]
    fn a_signing_host_is_a_lowercased_host_with_its_port_kept_as_given() {
        for (text, host) in [
            (
                "KMS.cn-north-4.myhuaweicloud.com",
                "kms.cn-north-4.myhuaweicloud.com",
            ),
            (
                "kms.cn-north-4.myhuaweicloud.com:443",
                "kms.cn-north-4.myhuaweicloud.com:443",
            ),
            ("127.0.0.1:08787", "127.0.0.1:8787"),
            ("[0::1]:8787", "[::1]:8787"),
        ] {
            assert_eq!(parse_signing_host(text).as_deref(), Ok(host), "{text}");
        }
    }

    #[test]
    fn a_signing_host_with_a_scheme_path_credentials_or_nothing_is_rejected() {
        for (text, needle) in [
            ("", "must not be empty"),
            ("https://kms.example.com", "without a scheme"),
            ("kms.example.com/kps", "without a path"),
            ("kms.example.com?x", "without a path"),
            ("user:hunter2@kms.example.com", "must not contain '@'"),
            ("kms.example.com:0", "port must be from 1 to 65535"),
            ("kms example.com", "whitespace"),
            ("::1", "in brackets"),
            ("kms.example.com:", "no port number"),
        ] {
            let failure = parse_signing_host(text).expect_err(text);
            assert_eq!(failure.field.as_deref(), Some("signingHost"));
            assert!(
                failure.message.starts_with("signingHost"),
                "{}",
                failure.message
            );
            assert!(
                failure.message.contains(needle),
                "{text}: {}",
                failure.message
            );
            assert!(!failure.message.contains("hunter2"));
        }
    }
}
