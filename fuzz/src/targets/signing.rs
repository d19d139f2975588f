//! AK/SK signing against the reference signer ([`crate::reference::signer`], written from DESIGN.md §3): the
//! signer itself on random requests (any method, path, query, headers and body bytes), `X-Sdk-Date` from the
//! JS clock (against `httpdate`'s calendar), every request a call prepares (`kps_wasm::request::prepare`,
//! behind a region, an endpoint, a relative or absolute proxy), and `signRequest` from its options to its
//! headers (the URL read by the `url` crate).
//!
//! Properties: nothing panics; the canonical request, the string to sign and the `Authorization` value are
//! the reference's, byte for byte; a date formats and parses back as `httpdate` says.

use std::time::{Duration, UNIX_EPOCH};

use kps_wasm::input::Input;
use kps_wasm::options::{validate_task_query, Environment};
use kps_wasm::request::{prepare, Operation};
use kps_wasm::secret::Secret;
use kps_wasm::sign_request::{sign_request, validate_sign_request};
use kps_wasm::signing::{format_sdk_date, parse_sdk_date, sign, SignableRequest};
use percent_encoding::percent_decode_str;
use proptest::prelude::*;
use proptest::sample::select;
use url::Url;

use super::endpoint::any_url;
use crate::inputs::{any_char, any_text, Js};
use crate::reference::signer::{self, Request};
use crate::Session;

/// HTTP token characters, for header names.
const TOKEN: &str = "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

fn header_name() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => select(&["Content-Type", "X-Project-Id", "X-Sdk-Date", "X-Security-Token", "content-type", "CONTENT-TYPE", "X-Sdk-Content-Sha256", "Accept"][..]).prop_map(str::to_owned),
        2 => prop::collection::vec(select(TOKEN.as_bytes()), 1..12).prop_map(|b| String::from_utf8(b).expect("ASCII")),
    ]
}

/// A header value: any text, often padded with the blanks Python's `strip()` removes (and some it keeps).
fn header_value() -> impl Strategy<Value = String> {
    let pad = select(
        &[
            "", " ", "\t", "\u{b}", "\u{1c}", "\u{1f}", "\u{85}", "\u{a0}", "\u{2003}", "\u{3000}",
            "\u{200b}", "\u{feff}", " \r\n",
        ][..],
    );
    (pad.clone(), any_text(20), pad)
        .prop_map(|(before, text, after)| format!("{before}{text}{after}"))
}

fn path() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => prop::collection::vec(
            prop_oneof![
                3 => any_text(8),
                1 => prop::string::string_regex("%[0-9A-Fa-f]{2}").expect("regex"),
                1 => select(&["%", "%2", "%zz", "%2F", "%C3%A9", "%FF", "%e9", ".", "..", ""][..]).prop_map(str::to_owned),
            ],
            0..5,
        )
        .prop_map(|segments| format!("/{}", segments.join("/"))),
        1 => any_text(20),
    ]
}

/// A request for the signer alone.
#[derive(Clone, Debug)]
pub struct RawRequest {
    request: Request,
    access_key_id: String,
    secret_key: String,
    sdk_date: String,
}

fn any_raw_request() -> impl Strategy<Value = RawRequest> {
    (
        prop_oneof![
            select(&["GET", "POST", "put", "Delete", "PATCH", "HEAD"][..]).prop_map(str::to_owned),
            any_text(6)
        ],
        prop::option::of(prop_oneof![
            prop::string::string_regex("[a-z0-9.-]{1,30}(:[0-9]{1,5})?").expect("regex"),
            header_value()
        ]),
        path(),
        prop::collection::vec((any_text(8), any_text(8)), 0..5),
        prop::collection::vec((header_name(), header_value()), 0..6),
        prop_oneof![
            prop::collection::vec(any::<u8>(), 0..64),
            any_text(64).prop_map(String::into_bytes)
        ],
        any_text(24),
        any_text(48),
        prop_oneof![
            prop::string::string_regex("[0-9]{8}T[0-9]{6}Z").expect("regex"),
            any_text(16)
        ],
    )
        .prop_map(
            |(method, host, path, query, headers, body, access_key_id, secret_key, sdk_date)| {
                RawRequest {
                    request: Request {
                        method,
                        host,
                        path,
                        query,
                        headers,
                        body,
                    },
                    access_key_id,
                    secret_key,
                    sdk_date,
                }
            },
        )
}

/// Where a prepared call's requests go.
#[derive(Clone, Debug)]
pub enum Place {
    Region(&'static str),
    Endpoint(String),
    /// A relative endpoint (a browser) with `signingHost`.
    RelativeProxy(&'static str, String),
    /// An absolute endpoint with `signingHost`: a proxy too.
    AbsoluteProxy(String, String),
}

/// One request of a call: options, an operation, the clock.
#[derive(Clone, Debug)]
pub struct Prepared {
    place: Place,
    access_key_id: String,
    secret_key: String,
    security_token: Option<String>,
    method: &'static str,
    /// Below `/v3/{project_id}`.
    path: String,
    query: Vec<(&'static str, String)>,
    body: Option<String>,
    now_ms: f64,
}

fn any_prepared() -> impl Strategy<Value = Prepared> {
    let host = || {
        prop::string::string_regex(
            "[a-z][a-z0-9-]{0,10}(\\.[a-z][a-z0-9-]{0,10}){0,2}(:[1-9][0-9]{0,3})?",
        )
        .expect("regex")
    };
    let place = prop_oneof![
        select(&["cn-north-4", "ap-southeast-1", "cn-north-13"][..]).prop_map(Place::Region),
        any_url().prop_map(|url| Place::Endpoint(url.text())),
        (select(&["/kps", "/", "/a/b/"][..]), host())
            .prop_map(|(path, host)| Place::RelativeProxy(path, host)),
        (any_url(), host()).prop_map(|(url, host)| Place::AbsoluteProxy(url.text(), host)),
    ];
    let operation = prop_oneof![
        prop::string::string_regex("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
            .expect("regex")
            .prop_map(|server| (
                "POST",
                "/keypairs/disassociate".to_owned(),
                vec![],
                Some(format!("{{\"server\":{{\"id\":\"{server}\"}}}}"))
            )),
        any_text(30).prop_map(|body| (
            "POST",
            "/keypairs/disassociate".to_owned(),
            vec![],
            Some(body)
        )),
        prop::string::string_regex("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
            .expect("regex")
            .prop_map(|task| ("GET", format!("/tasks/{task}"), vec![], None)),
        (any_text(6), any_text(6)).prop_map(|(limit, offset)| (
            "GET",
            "/running-tasks".to_owned(),
            vec![("limit", limit), ("offset", offset)],
            None
        )),
        Just(("DELETE", "/failed-tasks".to_owned(), vec![], None)),
    ];
    (
        place,
        prop::string::string_regex("[A-Za-z0-9]{1,30}").expect("regex"),
        prop::string::string_regex("[!-~]{1,50}").expect("regex"),
        prop::option::of(prop::string::string_regex("[!-~]{1,80}").expect("regex")),
        operation,
        prop_oneof![0.0..253_402_300_799_999.0f64, Just(1_795_860_900_000.0)],
    )
        .prop_map(
            |(
                place,
                access_key_id,
                secret_key,
                security_token,
                (method, path, query, body),
                now_ms,
            )| Prepared {
                place,
                access_key_id,
                secret_key,
                security_token,
                method,
                path,
                query,
                body,
                now_ms,
            },
        )
}

/// `signRequest`'s options.
#[derive(Clone, Debug)]
pub struct SignOptions {
    method: String,
    url: String,
    headers: Vec<(String, String)>,
    body: Option<String>,
    access_key_id: String,
    secret_key: String,
    security_token: Option<String>,
    date_ms: f64,
}

fn any_sign_options() -> impl Strategy<Value = SignOptions> {
    let query = prop::collection::vec(
        (
            prop::string::string_regex("[A-Za-z0-9_.~+*!$'(),;:/?@-]{0,6}").expect("regex"),
            prop::collection::vec(
                prop_oneof![
                    prop::string::string_regex("[A-Za-z0-9_.~+*!$'(),;:/?@=-]{1,4}")
                        .expect("regex"),
                    prop::string::string_regex("%[0-9A-Fa-f]{2}").expect("regex"),
                    any_char()
                        .prop_filter("no blank, #, % or &", |c| !c.is_whitespace()
                            && !c.is_control()
                            && !matches!(c, '#' | '%' | '&'))
                        .prop_map(String::from),
                ],
                0..4,
            ),
        ),
        0..4,
    )
    .prop_map(|pairs| {
        pairs
            .into_iter()
            .map(|(k, v)| format!("{k}={}", v.concat()))
            .collect::<Vec<_>>()
            .join("&")
    });
    let name = prop_oneof![
        select(
            &[
                "Content-Type",
                "X-Project-Id",
                "Accept",
                "X-Language",
                "x-custom"
            ][..]
        )
        .prop_map(str::to_owned),
        prop::string::string_regex("X-[A-Za-z0-9-]{1,10}").expect("regex"),
    ];
    let value = (
        select(&["", " ", "\t"][..]),
        prop::string::string_regex("[ -~]{0,20}").expect("regex"),
        select(&["", " ", "\t"][..]),
    )
        .prop_map(|(a, v, b)| format!("{a}{v}{b}"));
    (
        select(&["GET", "post", "Put", "PATCH", "DELETE", "head"][..]).prop_map(str::to_owned),
        (any_url(), prop::option::of(query)).prop_map(|(url, query)| match query {
            Some(query) => format!("{}?{query}", url.text()),
            None => url.text(),
        }),
        prop::collection::vec((name, value), 0..4),
        prop::option::of(any_text(40)),
        prop::string::string_regex("[A-Za-z0-9]{1,30}").expect("regex"),
        prop::string::string_regex("[!-~]{1,50}").expect("regex"),
        prop::option::of(prop::string::string_regex("[!-~]{1,80}").expect("regex")),
        0.0..253_402_300_799_999.0f64,
    )
        .prop_map(
            |(method, url, headers, body, access_key_id, secret_key, security_token, date_ms)| {
                SignOptions {
                    method,
                    url,
                    headers,
                    body,
                    access_key_id,
                    secret_key,
                    security_token,
                    date_ms,
                }
            },
        )
}

#[derive(Clone, Debug)]
pub enum Case {
    Raw(RawRequest),
    /// Epoch milliseconds to format, and a text to parse.
    Date(f64, String),
    Prepared(Prepared),
    SignRequest(SignOptions),
}

fn any_date_text() -> impl Strategy<Value = String> {
    prop_oneof![
        (
            1960u32..10_010,
            0u32..14,
            0u32..33,
            0u32..25,
            0u32..61,
            0u32..61
        )
            .prop_map(|(y, mo, d, h, mi, s)| format!("{y:04}{mo:02}{d:02}T{h:02}{mi:02}{s:02}Z")),
        any_text(18),
    ]
}

fn any_case() -> impl Strategy<Value = Case> {
    prop_oneof![
        4 => any_raw_request().prop_map(Case::Raw),
        2 => (
            prop_oneof![
                3 => 0.0..253_402_300_799_999.0f64,
                1 => select(&[-1.0, -0.0, 0.0, 0.999, f64::NAN, f64::INFINITY, 253_402_300_799_999.0, 253_402_300_800_000.0, 951_782_400_000.0, 4_107_542_399_999.0][..]),
                1 => any::<f64>(),
            ],
            any_date_text()
        )
            .prop_map(|(ms, text)| Case::Date(ms, text)),
        3 => any_prepared().prop_map(Case::Prepared),
        3 => any_sign_options().prop_map(Case::SignRequest),
    ]
}

fn header<'a>(headers: &'a [(impl AsRef<str>, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n.as_ref() == name)
        .map(|(_, v)| v.as_str())
}

/// The query pairs of `url` as the gateway decodes them: split on `&` and `=`, percent-decoded, `+` a plus.
fn query_pairs(url: &Url) -> Vec<(String, String)> {
    let decode = |text: &str| percent_decode_str(text).decode_utf8_lossy().into_owned();
    url.query()
        .unwrap_or_default()
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            (decode(key), decode(value))
        })
        .collect()
}

fn check_prepared(case: &Prepared) -> Result<(), TestCaseError> {
    let mut credentials = vec![
        ("accessKeyId", Js::s(&case.access_key_id)),
        ("secretAccessKey", Js::s(&case.secret_key)),
    ];
    if let Some(token) = &case.security_token {
        credentials.push(("securityToken", Js::s(token)));
    }
    let mut options = Js::object(vec![
        ("credentials", Js::object(credentials)),
        ("projectId", Js::s("0a1b2c3d4e5f60718293a4b5c6d7e8f9")),
        ("taskId", Js::s("d76baba7-ef09-40a2-87ff-3eafec0696e7")),
        ("allowInsecureHttp", Js::Bool(true)),
    ]);
    let browser = matches!(case.place, Place::RelativeProxy(..));
    match &case.place {
        Place::Region(region) => options.set("region", Js::s(region)),
        Place::Endpoint(url) => options.set("endpoint", Js::s(url)),
        Place::RelativeProxy(path, host) => {
            options.set("endpoint", Js::s(path));
            options.set("signingHost", Js::s(host));
        }
        Place::AbsoluteProxy(url, host) => {
            options.set("endpoint", Js::s(url));
            options.set("signingHost", Js::s(host));
        }
    }
    let env = Environment {
        relative_endpoints_allowed: browser,
    };
    let Ok(validated) = validate_task_query(options.to_input(), &env) else {
        // An endpoint with an xn-- label the generator made, say: the options target checks validation.
        return Ok(());
    };
    let project = "0a1b2c3d4e5f60718293a4b5c6d7e8f9";
    let query: Vec<(&str, String)> = case.query.clone();
    let operation = Operation {
        name: "Fuzz",
        method: case.method,
        path: format!("/v3/{project}{}", case.path),
        query: &query,
        body: case.body.clone(),
    };
    let prepared = prepare(operation, project, &validated.client, case.now_ms)
        .map_err(|failure| TestCaseError::fail(format!("prepare failed: {failure}")))?;

    // The reference reads the request as it goes out: the URL `fetch` requests, from the page for a relative
    // endpoint.
    let page = Url::parse("https://page.example/app/").expect("a URL");
    let url = page
        .join(&prepared.url)
        .map_err(|e| TestCaseError::fail(format!("{}: {e}", prepared.url)))?;
    let endpoint = &validated.client.endpoint;
    let (host, path) = if endpoint.proxied {
        // Behind a proxy: signingHost, and the path below the proxy's own, which it strips.
        let own = page
            .join(if endpoint.base.is_empty() {
                "/"
            } else {
                &endpoint.base
            })
            .expect("a URL");
        let own = own.path().trim_end_matches('/');
        let below = url
            .path()
            .strip_prefix(own)
            .unwrap_or(url.path())
            .to_owned();
        (endpoint.signing_host.clone(), below)
    } else {
        let host = match url.port() {
            Some(port) => format!("{}:{port}", url.host_str().unwrap_or_default()),
            None => url.host_str().unwrap_or_default().to_owned(),
        };
        (Some(host), url.path().to_owned())
    };
    let query = query_pairs(&url);
    prop_assert_eq!(
        query.clone(),
        case.query
            .iter()
            .map(|(k, v)| ((*k).to_owned(), v.clone()))
            .collect::<Vec<_>>(),
        "the query as sent"
    );
    let signed_headers: Vec<(String, String)> = prepared
        .headers
        .iter()
        .filter(|(name, _)| *name != "Authorization")
        .map(|(name, value)| ((*name).to_owned(), value.clone()))
        .collect();
    let date = header(&prepared.headers, "X-Sdk-Date")
        .unwrap_or_default()
        .to_owned();
    prop_assert_eq!(
        Some(date.clone()),
        signer::sdk_date(case.now_ms),
        "X-Sdk-Date"
    );
    prop_assert_eq!(
        header(&prepared.headers, "X-Security-Token"),
        case.security_token.as_deref()
    );
    let reference = signer::sign(
        &Request {
            method: case.method.to_owned(),
            host,
            path,
            query,
            headers: signed_headers,
            body: case.body.clone().unwrap_or_default().into_bytes(),
        },
        &case.access_key_id,
        &case.secret_key,
        &date,
    );
    prop_assert_eq!(
        header(&prepared.headers, "Authorization"),
        Some(reference.authorization.as_str())
    );
    Ok(())
}

fn check_sign_request(case: &SignOptions) -> Result<(), TestCaseError> {
    let mut credentials = vec![
        ("accessKeyId", Js::s(&case.access_key_id)),
        ("secretAccessKey", Js::s(&case.secret_key)),
    ];
    if let Some(token) = &case.security_token {
        credentials.push(("securityToken", Js::s(token)));
    }
    let mut options = Js::object(vec![
        ("method", Js::s(&case.method)),
        ("url", Js::s(&case.url)),
        ("credentials", Js::object(credentials)),
        ("date", Js::Number(case.date_ms)),
    ]);
    if !case.headers.is_empty() {
        options.set(
            "headers",
            Js::Object(
                case.headers
                    .iter()
                    .map(|(n, v)| (n.clone(), Js::s(v)))
                    .collect(),
            ),
        );
    }
    if let Some(body) = &case.body {
        options.set("body", Js::s(body));
    }
    let input: Input = options.to_input();
    let Ok(request) = validate_sign_request(input) else {
        // A header given twice in two cases, a body on GET, an xn-- host: refused, as the options say.
        return Ok(());
    };
    let headers =
        sign_request(&request, 0.0).map_err(|failure| TestCaseError::fail(failure.to_string()))?;
    let url =
        Url::parse(&case.url).map_err(|e| TestCaseError::fail(format!("{}: {e}", case.url)))?;
    let host = match url.port() {
        Some(port) => format!("{}:{port}", url.host_str().unwrap_or_default()),
        None => url.host_str().unwrap_or_default().to_owned(),
    };
    let query = query_pairs(&url);
    let date = signer::sdk_date(case.date_ms).unwrap_or_default();
    let mut signed: Vec<(String, String)> = case.headers.clone();
    signed.push(("X-Sdk-Date".to_owned(), date.clone()));
    if let Some(token) = &case.security_token {
        signed.push(("X-Security-Token".to_owned(), token.clone()));
    }
    let reference = signer::sign(
        &Request {
            method: case.method.to_ascii_uppercase(),
            host: Some(host),
            path: url.path().to_owned(),
            query,
            headers: signed,
            body: case.body.clone().unwrap_or_default().into_bytes(),
        },
        &case.access_key_id,
        &case.secret_key,
        &date,
    );
    prop_assert_eq!(header(&headers, "X-Sdk-Date"), Some(date.as_str()));
    prop_assert_eq!(
        header(&headers, "Authorization"),
        Some(reference.authorization.as_str()),
        "{:?}",
        case.url
    );
    Ok(())
}

pub fn property(session: &mut Session) {
    session.check(any_case(), |case| match case {
        Case::Raw(raw) => {
            let query: Vec<(&str, &str)> = raw
                .request
                .query
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            let headers: Vec<(&str, &str)> = raw
                .request
                .headers
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            let signature = sign(
                &SignableRequest {
                    method: &raw.request.method,
                    host: raw.request.host.as_deref(),
                    path: &raw.request.path,
                    query: &query,
                    headers: &headers,
                    body: &raw.request.body,
                },
                &raw.access_key_id,
                &Secret::new(raw.secret_key.clone()),
                &raw.sdk_date,
            );
            let reference = signer::sign(
                &raw.request,
                &raw.access_key_id,
                &raw.secret_key,
                &raw.sdk_date,
            );
            prop_assert_eq!(&signature.canonical_request, &reference.canonical_request);
            prop_assert_eq!(&signature.string_to_sign, &reference.string_to_sign);
            prop_assert_eq!(&signature.authorization, &reference.authorization);
            Ok(())
        }
        Case::Date(ms, text) => {
            prop_assert_eq!(format_sdk_date(ms), signer::sdk_date(ms), "{}", ms);
            if let Some(date) = format_sdk_date(ms) {
                prop_assert_eq!(parse_sdk_date(&date), Some((ms / 1000.0).floor() as u64));
            }
            // Parsed as httpdate parses the same instant written as an IMF-fixdate.
            let reference = imf(&text)
                .and_then(|imf| httpdate::parse_http_date(&imf).ok())
                .and_then(|time| time.duration_since(UNIX_EPOCH).ok().map(|d| d.as_secs()));
            prop_assert_eq!(parse_sdk_date(&text), reference, "{:?}", text);
            if let Some(seconds) = reference {
                let again = httpdate::fmt_http_date(UNIX_EPOCH + Duration::from_secs(seconds));
                prop_assert_eq!(
                    imf(&text),
                    Some(again.clone()),
                    "{:?} is not the date it names",
                    text
                );
            }
            Ok(())
        }
        Case::Prepared(prepared) => check_prepared(&prepared),
        Case::SignRequest(options) => check_sign_request(&options),
    });
}

/// `YYYYMMDDTHHMMSSZ` as an IMF-fixdate with the weekday it falls on, for httpdate to parse; `None` unless the
/// text has that shape.
fn imf(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    if bytes.len() != 16 || bytes[8] != b'T' || bytes[15] != b'Z' {
        return None;
    }
    let digits = |range: std::ops::Range<usize>| -> Option<u32> {
        let part = text.get(range)?;
        part.bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| part.parse().ok())
            .flatten()
    };
    let (year, month, day) = (digits(0..4)?, digits(4..6)?, digits(6..8)?);
    let (hour, minute, second) = (digits(9..11)?, digits(11..13)?, digits(13..15)?);
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let month_name = MONTHS.get(usize::try_from(month).ok()?.checked_sub(1)?)?;
    // The weekday by Zeller's congruence (httpdate checks it), on a date that may not exist (httpdate refuses those).
    let (y, m) = if month <= 2 {
        (year as i64 - 1, month as i64 + 12)
    } else {
        (year as i64, month as i64)
    };
    let h = (day as i64 + (13 * (m + 1)) / 5 + y + y / 4 - y / 100 + y / 400) % 7;
    let weekday = ["Sat", "Sun", "Mon", "Tue", "Wed", "Thu", "Fri"][h as usize];
    Some(format!(
        "{weekday}, {day:02} {month_name} {year:04} {hour:02}:{minute:02}:{second:02} GMT"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;

    /// Most prepared calls and signRequest options must be valid, or the comparison with the reference
    /// signer is skipped more than it runs; some date texts must parse.
    #[test]
    fn most_generated_calls_reach_the_signer() {
        let mut runner = TestRunner::deterministic();
        let (mut prepared, mut signed, mut dates) = ((0, 0), (0, 0), (0, 0));
        let strategy = any_case();
        for _ in 0..3_000 {
            match strategy.new_tree(&mut runner).unwrap().current() {
                Case::Prepared(case) => {
                    prepared.1 += 1;
                    let browser = matches!(case.place, Place::RelativeProxy(..));
                    let endpoint = match &case.place {
                        Place::Region(_) => None,
                        Place::Endpoint(url) | Place::AbsoluteProxy(url, _) => Some(url.as_str()),
                        Place::RelativeProxy(path, _) => Some(*path),
                    };
                    let valid = endpoint.is_none_or(|url| {
                        kps_wasm::endpoint::parse_endpoint(url, browser, true).is_ok()
                    });
                    prepared.0 += u32::from(valid);
                }
                Case::SignRequest(case) => {
                    signed.1 += 1;
                    let mut options = Js::object(vec![
                        ("method", Js::s(&case.method)),
                        ("url", Js::s(&case.url)),
                        (
                            "credentials",
                            Js::object(vec![
                                ("accessKeyId", Js::s(&case.access_key_id)),
                                ("secretAccessKey", Js::s(&case.secret_key)),
                            ]),
                        ),
                    ]);
                    if !case.headers.is_empty() {
                        options.set(
                            "headers",
                            Js::Object(
                                case.headers
                                    .iter()
                                    .map(|(n, v)| (n.clone(), Js::s(v)))
                                    .collect(),
                            ),
                        );
                    }
                    if let Some(body) = &case.body {
                        options.set("body", Js::s(body));
                    }
                    signed.0 += u32::from(validate_sign_request(options.to_input()).is_ok());
                }
                Case::Date(_, text) => {
                    dates.1 += 1;
                    dates.0 += u32::from(parse_sdk_date(&text).is_some());
                }
                Case::Raw(_) => {}
            }
        }
        for (name, (valid, all)) in [("prepared", prepared), ("signRequest", signed)] {
            assert!(valid * 2 >= all, "{name}: {valid} of {all} valid");
        }
        assert!(
            dates.0 * 20 >= dates.1 && dates.0 < dates.1,
            "dates: {dates:?}"
        );
    }
}
