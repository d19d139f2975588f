//! Endpoint, `signingHost`, `signRequest` URL and region parsing ([`kps_wasm::endpoint`],
//! [`kps_wasm::sign_request::parse_url`]) against the `url` crate (the WHATWG URL parser, which `fetch` uses)
//! and `core::net`, on URLs of the documented subset, the same with a few characters changed, and anything.
//!
//! Properties: nothing panics; every failure is a validation failure of the option parsed; whatever is
//! accepted is what `fetch` would request — the same scheme, host (lowercased, IPv6 canonical), port (none
//! when it is the scheme's default), path and query pairs as the WHATWG parser reads them — so that the host
//! signed is the `Host` sent; plain `http://` is accepted only to a loopback host (as `core::net` defines
//! one, or `localhost`) unless `allowInsecureHttp`; every URL of the documented subset is accepted; a region
//! is accepted exactly when the documented region rule accepts it.

use std::net::{Ipv4Addr, Ipv6Addr};

use kps_wasm::endpoint::{check_region, parse_endpoint, parse_signing_host, Endpoint};
use kps_wasm::error::{ErrorKind, Failure};
use kps_wasm::sign_request::parse_url;
use percent_encoding::percent_decode_str;
use proptest::prelude::*;
use proptest::sample::select;
use url::{Host, Url};

use crate::inputs::{any_char, any_text};
use crate::reference::rules;
use crate::Session;

/// A host of the documented subset.
#[derive(Clone, Debug)]
pub enum HostSpec {
    /// Labels of letters, digits, `-` and `_`, the last not a number.
    Name(Vec<String>),
    Ipv4([u8; 4]),
    /// Eight groups, written with `::` for the run starting at `compress` of `length` groups, in either case.
    Ipv6([u16; 8], Option<(usize, usize)>, bool),
    Localhost(bool),
}

/// A URL of the documented subset.
#[derive(Clone, Debug)]
pub struct UrlSpec {
    pub https: bool,
    pub scheme_case: u8,
    pub host: HostSpec,
    pub port: Option<u16>,
    /// Path segments (pchars and `%XX`), and trailing slashes.
    pub segments: Vec<String>,
    pub trailing_slashes: usize,
}

impl UrlSpec {
    fn host_text(&self) -> String {
        match &self.host {
            HostSpec::Name(labels) => labels.join("."),
            HostSpec::Ipv4(octets) => octets.map(|o| o.to_string()).join("."),
            HostSpec::Ipv6(groups, compress, upper) => {
                let hex = |g: &u16| {
                    if *upper {
                        format!("{g:X}")
                    } else {
                        format!("{g:x}")
                    }
                };
                let inner = match compress {
                    Some((start, length)) => {
                        let head: Vec<String> = groups[..*start].iter().map(hex).collect();
                        let tail: Vec<String> = groups[start + length..].iter().map(hex).collect();
                        format!("{}::{}", head.join(":"), tail.join(":"))
                    }
                    None => groups.iter().map(hex).collect::<Vec<_>>().join(":"),
                };
                format!("[{inner}]")
            }
            HostSpec::Localhost(upper) => if *upper { "LocalHost" } else { "localhost" }.to_owned(),
        }
    }

    pub(crate) fn text(&self) -> String {
        let scheme = if self.https { "https" } else { "http" };
        let scheme = match self.scheme_case {
            0 => scheme.to_owned(),
            1 => scheme.to_ascii_uppercase(),
            _ => format!("{}{}", &scheme[..1].to_ascii_uppercase(), &scheme[1..]),
        };
        let port = self.port.map_or(String::new(), |port| format!(":{port}"));
        let path: String = self
            .segments
            .iter()
            .map(|segment| format!("/{segment}"))
            .collect();
        format!(
            "{scheme}://{}{port}{path}{}",
            self.host_text(),
            "/".repeat(self.trailing_slashes)
        )
    }
}

fn label() -> impl Strategy<Value = String> {
    prop::string::string_regex("[A-Za-z0-9_-]{1,20}").expect("regex")
}

fn any_host() -> impl Strategy<Value = HostSpec> {
    let name = (
        prop::collection::vec(prop_oneof![4 => label(), 1 => a_label()], 0..4),
        prop::string::string_regex("[A-Za-z_-][A-Za-z0-9_-]{0,12}").expect("regex"),
    )
        .prop_filter(
            "no punycode label, no hex-looking last label",
            |(labels, last)| {
                let lower = last.to_ascii_lowercase();
                let hex =
                    lower.starts_with("0x") && lower[2..].bytes().all(|b| b.is_ascii_hexdigit());
                !hex && !labels
                    .iter()
                    .chain([last])
                    .any(|l| l.to_ascii_lowercase().starts_with("xn--") && !decodes_to_a_name(l))
            },
        )
        .prop_map(|(mut labels, last)| {
            labels.push(last);
            HostSpec::Name(labels)
        });
    let ipv6 = (
        any::<[u16; 8]>(),
        prop::option::of((0usize..8, 1usize..=8)),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(mut groups, compress, upper, zeros)| {
            let compress = compress.map(|(start, length)| (start, length.min(8 - start)));
            if let (Some((start, length)), true) = (compress, zeros) {
                groups[start..start + length]
                    .iter_mut()
                    .for_each(|g| *g = 0);
            }
            // `::` stands for zero groups only.
            let compress = compress
                .filter(|(start, length)| groups[*start..start + length].iter().all(|g| *g == 0));
            HostSpec::Ipv6(groups, compress, upper)
        });
    prop_oneof![
        5 => name,
        2 => any::<[u8; 4]>().prop_map(HostSpec::Ipv4),
        1 => Just([127u8, 0, 0, 1]).prop_map(HostSpec::Ipv4),
        2 => ipv6,
        1 => Just(HostSpec::Ipv6([0, 0, 0, 0, 0, 0, 0, 1], Some((0, 7)), false)),
        1 => any::<bool>().prop_map(HostSpec::Localhost),
    ]
}

fn segment() -> impl Strategy<Value = String> {
    let pchar = prop_oneof![
        6 => prop::char::range('a', 'z').prop_map(String::from),
        2 => select(&["A", "Z", "0", "9", "-", ".", "_", "~", "!", "$", "&", "'", "(", ")", "*", "+", ",", ";", "=", ":"][..]).prop_map(str::to_owned),
        1 => prop::string::string_regex("%[0-9A-Fa-f]{2}").expect("regex"),
    ];
    prop::collection::vec(pchar, 1..8)
        .prop_map(|pieces| pieces.concat())
        .prop_filter("not a dot segment", |segment| {
            ![".", "..", "%2e", ".%2e", "%2e.", "%2e%2e"]
                .iter()
                .any(|dot| segment.eq_ignore_ascii_case(dot))
        })
}

pub(crate) fn any_url() -> impl Strategy<Value = UrlSpec> {
    (
        any::<bool>(),
        0u8..3,
        any_host(),
        prop::option::of(prop_oneof![
            1u16..=65535,
            Just(80u16),
            Just(443u16),
            Just(8787u16)
        ]),
        prop::collection::vec(segment(), 0..4),
        0usize..3,
    )
        .prop_map(
            |(https, scheme_case, host, port, segments, trailing_slashes)| UrlSpec {
                https,
                scheme_case,
                host,
                port,
                segments,
                trailing_slashes,
            },
        )
}

/// A few characters of `text` changed: inserted, removed, replaced, or a piece that URLs trip on put in.
fn mutated(text: String, edits: Vec<(usize, u8, char, &'static str)>) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    for (at, how, c, piece) in edits {
        let at = at % (chars.len() + 1);
        match how {
            0 => chars.insert(at, c),
            1 if at < chars.len() => {
                chars.remove(at);
            }
            2 if at < chars.len() => chars[at] = c,
            _ => {
                for (offset, c) in piece.chars().enumerate() {
                    chars.insert(at + offset, c);
                }
            }
        }
    }
    chars.into_iter().collect()
}

const PIECES: &[&str] = &[
    "@",
    "user:pass@",
    "..",
    "/./",
    "/../",
    "%",
    "%2",
    "%2e",
    "%zz",
    "[",
    "]",
    ":",
    "::",
    ":0",
    ":65536",
    ":00080",
    "//",
    "\\",
    " ",
    "\t",
    "\u{0}",
    "ß",
    "é",
    "xn--",
    "xn--a",
    "?",
    "#",
    "0x",
    ".1",
    ".",
    "..",
    "%00",
    "%2F",
    "\u{ff0e}",
    "\u{3002}",
    "\u{200b}",
    "[::ffff:1.2.3.4]",
    "[fe80::1%25eth0]",
    "127.1",
    "0177.0.0.1",
    "255.255.255.256",
];

fn edits() -> impl Strategy<Value = Vec<(usize, u8, char, &'static str)>> {
    prop::collection::vec((0usize..200, 0u8..4, any_char(), select(PIECES)), 1..4)
}

/// What is parsed.
#[derive(Clone, Debug)]
pub enum Case {
    /// An endpoint of the documented subset (in a browser or not, with `allowInsecureHttp` or not).
    Valid(UrlSpec, bool, bool),
    /// An endpoint near one, or anything.
    Endpoint(String, bool, bool),
    /// A `signingHost`.
    SigningHost(String),
    /// A `signRequest` URL: a valid one with a query, or a changed one.
    SignUrl(String),
    Region(String),
}

fn any_query() -> impl Strategy<Value = String> {
    prop::collection::vec(
        (
            prop::string::string_regex("[A-Za-z0-9_.~+*=!$'(),;:/?@-]{0,6}").expect("regex"),
            prop::option::of(prop::collection::vec(
                prop_oneof![
                    3 => prop::string::string_regex("[A-Za-z0-9_.~+*!$'(),;:/?@=-]{1,4}").expect("regex"),
                    1 => prop::string::string_regex("%[0-9A-Fa-f]{2}").expect("regex"),
                    1 => any_char().prop_filter("printable", |c| !c.is_whitespace() && !c.is_control() && !matches!(c, '#' | '%' | '&')).prop_map(String::from),
                ],
                0..4,
            )),
        ),
        0..4,
    )
    .prop_map(|pairs| {
        pairs
            .into_iter()
            .map(|(key, value)| match value {
                Some(value) => format!("{key}={}", value.concat()),
                None => key,
            })
            .collect::<Vec<_>>()
            .join("&")
    })
}

fn any_region() -> impl Strategy<Value = String> {
    let known = select(rules::KNOWN_REGIONS).prop_map(str::to_owned);
    prop_oneof![
        2 => known.clone(),
        3 => prop::string::string_regex("[a-z]{2}(-[a-z0-9]{1,8}){1,3}-[0-9]{1,3}").expect("regex"),
        // One edit of a known region: the typos the rule refuses, and new numbers it accepts.
        4 => (known, 0usize..20, 0u8..4, prop::char::range('a', 'z'), prop::char::range('0', '9')).prop_map(|(region, at, how, letter, digit)| {
            let mut chars: Vec<char> = region.chars().collect();
            let at = at % chars.len();
            match how {
                0 => chars[at] = letter,
                1 => chars.insert(at, letter),
                2 => {
                    chars.remove(at);
                }
                _ => {
                    if at + 1 < chars.len() {
                        chars.swap(at, at + 1);
                    } else {
                        chars.push(digit);
                    }
                }
            }
            chars.into_iter().collect()
        }),
        1 => any_text(20),
        1 => Just("a".repeat(64)),
    ]
}

fn any_case() -> impl Strategy<Value = Case> {
    prop_oneof![
        4 => (any_url(), any::<bool>(), any::<bool>()).prop_map(|(url, browser, allow)| Case::Valid(url, browser, allow)),
        4 => (any_url(), edits(), any::<bool>(), any::<bool>())
            .prop_map(|(url, edits, browser, allow)| Case::Endpoint(mutated(url.text(), edits), browser, allow)),
        1 => (prop::collection::vec(segment(), 0..3), edits(), any::<bool>())
            .prop_map(|(segments, edits, mutate)| {
                let path: String = segments.iter().map(|s| format!("/{s}")).collect();
                let path = if path.is_empty() { "/".to_owned() } else { path };
                Case::Endpoint(if mutate { mutated(path, edits) } else { path }, true, false)
            }),
        1 => (any_text(60), any::<bool>(), any::<bool>()).prop_map(|(text, browser, allow)| Case::Endpoint(text, browser, allow)),
        2 => (any_url(), prop::option::of(edits())).prop_map(|(url, edits)| {
            let host = url.host_text();
            let text = match url.port {
                Some(port) => format!("{host}:{port}"),
                None => host,
            };
            Case::SigningHost(match edits {
                Some(edits) => mutated(text, edits),
                None => text,
            })
        }),
        3 => (any_url(), any_query(), prop::option::of(edits())).prop_map(|(url, query, edits)| {
            let text = format!("{}?{query}", url.text());
            Case::SignUrl(match edits {
                Some(edits) => mutated(text, edits),
                None => text,
            })
        }),
        3 => any_region().prop_map(Case::Region),
    ]
}

fn check_failure(failure: &Failure, field: &str) -> Result<(), TestCaseError> {
    prop_assert_eq!(failure.kind, ErrorKind::Validation);
    prop_assert_eq!(failure.field.as_deref(), Some(field));
    prop_assert!(!failure.message.is_empty());
    Ok(())
}

/// `host[:port]` as `fetch` sends it in `Host` for `url`: the host as the WHATWG parser serialises it, and the
/// port unless it is the scheme's default.
fn fetch_host(url: &Url) -> Option<String> {
    let host = url.host_str()?;
    Some(match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_owned(),
    })
}

/// Whether `fetch` would request a loopback address: `localhost`, or an IP address `core::net` calls loopback.
fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(Host::Domain(name)) => name == "localhost",
        Some(Host::Ipv4(ip)) => ip.is_loopback(),
        Some(Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

/// The WHATWG parser's reading of `text`, which kps-wasm accepted; `None` for the one refusal kps-wasm does not
/// foresee: an `xn--` label that is valid punycode of a lowercase name beyond ASCII (checked here with the
/// `idna` crate's decoder), but breaks one of IDNA's rules that need Unicode's tables (NFC, disallowed code
/// points, bidi, joiners). `fetch` then refuses the URL and the call fails with a network error, not a wrong
/// signature. An `xn--` label that is not valid punycode at all is a failure: kps-wasm refuses those.
fn whatwg(text: &str) -> Result<Option<Url>, TestCaseError> {
    match Url::parse(text) {
        Ok(url) => Ok(Some(url)),
        Err(url::ParseError::IdnaError) if text.to_ascii_lowercase().contains("xn--") => {
            if let Some(label) = a_labels(text).find(|label| !decodes_to_a_name(label)) {
                return Err(TestCaseError::fail(format!(
                    "accepted {text:?}, whose label {label:?} is not valid punycode"
                )));
            }
            Ok(None)
        }
        Err(e) => Err(TestCaseError::fail(format!(
            "accepted {text:?}, which the url crate refuses: {e}"
        ))),
    }
}

/// The `xn--` labels of `text`'s host (lowercased).
fn a_labels(text: &str) -> impl Iterator<Item = String> {
    let authority = text.split_once("://").map_or(text, |(_, rest)| rest);
    let host = authority
        .split(['/', '?', '#'])
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    let labels: Vec<String> = host
        .split(['.', ':', '[', ']', '@'])
        .filter(|label| label.starts_with("xn--"))
        .map(str::to_owned)
        .collect();
    labels.into_iter()
}

/// Whether an `xn--` label decodes (the `idna` crate's punycode) to a name with a character beyond ASCII and
/// no uppercase letter, control character or dot: what the WHATWG parser needs before its Unicode tables.
fn decodes_to_a_name(label: &str) -> bool {
    idna::punycode::decode_to_string(&label[4..]).is_some_and(|name| {
        !name.is_ascii()
            && !name
                .chars()
                .any(|c| c.is_uppercase() || c.is_control() || c == '.')
    })
}

/// A label in `xn--` form that the WHATWG parser accepts: the punycode of lowercase letters, some beyond
/// ASCII, NFC, left-to-right, no joiners.
fn a_label() -> impl Strategy<Value = String> {
    let letter = select(
        &[
            'a', 'b', 'k', 'z', '0', '-', 'ü', 'é', 'ñ', 'ø', 'ß', 'ж', 'д', 'λ', '中', '文',
        ][..],
    );
    (
        prop::collection::vec(letter.clone(), 0..6),
        select(&['ü', 'é', 'ж', '中'][..]),
        prop::collection::vec(letter, 0..6),
    )
        .prop_map(|(before, wide, after)| {
            let name: String = before.into_iter().chain([wide]).chain(after).collect();
            let encoded = idna::punycode::encode_str(&name).expect("a short name encodes");
            format!("xn--{encoded}")
        })
}

/// An accepted absolute endpoint, as the WHATWG parser reads the same text.
fn agrees(text: &str, endpoint: &Endpoint, allow_insecure_http: bool) -> Result<(), TestCaseError> {
    let Some(url) = whatwg(text)? else {
        return Ok(());
    };
    let host = fetch_host(&url)
        .ok_or_else(|| TestCaseError::fail(format!("{text:?} has no host for the url crate")))?;
    let base = format!(
        "{}://{host}{}",
        url.scheme(),
        url.path().trim_end_matches('/')
    );
    prop_assert_eq!(&endpoint.base, &base, "base of {:?}", text);
    prop_assert_eq!(
        endpoint.signing_host.as_deref(),
        Some(host.as_str()),
        "signed host of {:?}",
        text
    );
    prop_assert!(!endpoint.proxied);
    if url.scheme() == "http" && !allow_insecure_http {
        prop_assert!(is_loopback(&url), "plain http to {host} accepted");
    }
    // IP hosts as core::net reads them.
    match url.host() {
        Some(Host::Ipv4(ip)) => prop_assert_eq!(
            url.host_str().and_then(|h| h.parse::<Ipv4Addr>().ok()),
            Some(ip)
        ),
        Some(Host::Ipv6(ip)) => {
            let inner = url
                .host_str()
                .map(|h| h.trim_start_matches('[').trim_end_matches(']'));
            prop_assert_eq!(inner.and_then(|h| h.parse::<Ipv6Addr>().ok()), Some(ip));
        }
        _ => {}
    }
    Ok(())
}

pub fn property(session: &mut Session) {
    session.check(any_case(), |case| match case {
        Case::Valid(spec, browser, allow) => {
            let text = spec.text();
            let url = Url::parse(&text).map_err(|e| {
                TestCaseError::fail(format!(
                    "the generator made {text:?}, which the url crate refuses: {e}"
                ))
            })?;
            let refused_http = url.scheme() == "http" && !allow && !is_loopback(&url);
            match parse_endpoint(&text, browser, allow) {
                Ok(endpoint) => {
                    prop_assert!(
                        !refused_http,
                        "plain http to a remote host accepted: {text}"
                    );
                    agrees(&text, &endpoint, allow)
                }
                Err(failure) => {
                    check_failure(&failure, "endpoint")?;
                    prop_assert!(
                        refused_http,
                        "a URL of the documented subset refused: {text}: {}",
                        failure.message
                    );
                    Ok(())
                }
            }
        }
        Case::Endpoint(text, browser, allow) => match parse_endpoint(&text, browser, allow) {
            Err(failure) => check_failure(&failure, "endpoint"),
            Ok(endpoint) if endpoint.is_relative() => {
                prop_assert!(
                    browser,
                    "a relative endpoint accepted outside a browser: {text}"
                );
                // Resolved against a page, the path is kept as written.
                let page = Url::parse("https://page.example/app/index.html").expect("a URL");
                let resolved = page
                    .join(&text)
                    .map_err(|e| TestCaseError::fail(format!("{text:?}: {e}")))?;
                prop_assert_eq!(
                    resolved.host_str(),
                    Some("page.example"),
                    "{:?} leaves the page's origin",
                    text
                );
                prop_assert_eq!(
                    endpoint.base.as_str(),
                    resolved.path().trim_end_matches('/'),
                    "{:?}",
                    text
                );
                prop_assert!(endpoint.signing_host.is_none());
                Ok(())
            }
            Ok(endpoint) => agrees(&text, &endpoint, allow),
        },
        Case::SigningHost(text) => match parse_signing_host(&text) {
            Err(failure) => check_failure(&failure, "signingHost"),
            Ok(host) => {
                let Some(url) = whatwg(&format!("https://{text}/"))? else {
                    return Ok(());
                };
                let name = url.host_str().unwrap_or_default();
                // The port is kept as given (the upstream's scheme is unknown here), 443 included.
                let given_port = text
                    .rsplit_once(':')
                    .filter(|(_, p)| p.bytes().all(|b| b.is_ascii_digit()) && !text.ends_with(']'));
                let expected = match (given_port, url.port_or_known_default()) {
                    (Some(_), Some(port)) => format!("{name}:{port}"),
                    _ => name.to_owned(),
                };
                prop_assert_eq!(host, expected, "signingHost {:?}", text);
                Ok(())
            }
        },
        Case::SignUrl(text) => match parse_url(&text) {
            Err(failure) => check_failure(&failure, "url"),
            Ok(parsed) => {
                let Some(url) = whatwg(&text)? else {
                    return Ok(());
                };
                prop_assert_eq!(
                    Some(parsed.host.clone()),
                    fetch_host(&url),
                    "host of {:?}",
                    text
                );
                let path = if parsed.path.is_empty() {
                    "/"
                } else {
                    parsed.path
                };
                prop_assert_eq!(path, url.path(), "path of {:?}", text);
                let query: Vec<(String, String)> = url
                    .query()
                    .unwrap_or_default()
                    .split('&')
                    .filter(|pair| !pair.is_empty())
                    .map(|pair| {
                        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
                        let decode =
                            |text: &str| percent_decode_str(text).decode_utf8_lossy().into_owned();
                        (decode(key), decode(value))
                    })
                    .collect();
                prop_assert_eq!(parsed.query, query, "query of {:?}", text);
                Ok(())
            }
        },
        Case::Region(region) => {
            let got = check_region(&region);
            if let Err(failure) = &got {
                check_failure(failure, "region")?;
            }
            prop_assert_eq!(
                got.is_ok(),
                rules::is_accepted_region(&region),
                "region {:?}",
                region
            );
            Ok(())
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;

    /// Changed URLs must land on both sides, or the agreement with the url crate is checked on too few.
    #[test]
    fn the_cases_land_on_both_sides_of_each_parser() {
        let mut runner = TestRunner::deterministic();
        let strategy = any_case();
        let mut tally = [(0u32, 0u32); 4];
        for _ in 0..4_000 {
            let (slot, ok) = match strategy.new_tree(&mut runner).unwrap().current() {
                Case::Endpoint(text, browser, allow) => {
                    (0, parse_endpoint(&text, browser, allow).is_ok())
                }
                Case::SigningHost(text) => (1, parse_signing_host(&text).is_ok()),
                Case::SignUrl(text) => (2, parse_url(&text).is_ok()),
                Case::Region(region) => (3, check_region(&region).is_ok()),
                Case::Valid(..) => continue,
            };
            if ok {
                tally[slot].0 += 1;
            } else {
                tally[slot].1 += 1;
            }
        }
        for (accepted, refused) in tally {
            let all = accepted + refused;
            assert!(accepted * 10 >= all && refused * 10 >= all, "{tally:?}");
        }
    }
}
