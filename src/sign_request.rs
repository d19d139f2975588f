//! `signRequest`: the headers that authenticate a request to any Huawei Cloud API with an access key pair
//! (SDK-HMAC-SHA256), for console tooling that calls other services with its own `fetch`. Pure Rust over
//! [`Input`]; the signing itself is [`crate::signing::sign`], the signer every kps-wasm call uses.
//!
//! The options are `{ method, url, headers?, body?, credentials, date? }`. Checks run in this order, and the
//! first problem found is reported (as in [`crate::options`]):
//!
//! 1. `options` is a plain object;
//! 2. unknown keys, at the top level then inside `credentials`, with the intended key suggested;
//! 3. `credentials`: required, then its values, with the same rules and messages as every other call;
//! 4. `method`: `GET`, `POST`, `PUT`, `PATCH`, `DELETE` or `HEAD`, in any case (signed upper-case);
//! 5. `url`: an absolute `https://` or `http://` URL (see [`parse_url`]);
//! 6. `headers`: a plain object of string values (see [`check_header`]);
//! 7. `body`: a string, none for `GET` and `HEAD`;
//! 8. `date`: a `Date` or epoch milliseconds, from 1970 to 9999.
//!
//! What is signed is exactly what `fetch(url, { method, headers: result, body })` sends: the URL's host (with
//! its port when it is not the scheme's default), its path as written and its query pairs, every header given
//! plus `X-Sdk-Date` and, for temporary credentials, `X-Security-Token`, and the body's UTF-8 bytes. Inputs
//! that `fetch` would rewrite, merge or refuse (dot segments, user info, a duplicated header name, a header the
//! runtime sets itself) are rejected rather than signed into a request that the gateway would then refuse.
//!
//! Messages never echo `url` (its query may carry a secret), a header value, the body or any credential.

use crate::options::echoes::hide_quoted_secrets;
use zeroize::Zeroize;

use crate::endpoint::{check_path, parse_authority};
use crate::error::Failure;
use crate::input::Input;
use crate::messages::{decimal, quote};
use crate::options::credentials::{access_key, AccessKey};
use crate::options::fields::{required, string, wrong_type, Fields};
use crate::options::keys::{check_keys, CREDENTIALS, TOP_ALIASES};
use crate::secret::Secret;
use crate::signing::{format_sdk_date, percent_decode, sign, SignableRequest, Signature};

/// The keys `signRequest` accepts.
pub const SIGN_REQUEST_KEYS: &[&str] = &["method", "url", "headers", "body", "credentials", "date"];
/// The methods `signRequest` signs: those of the Huawei Cloud APIs.
pub const METHODS: &[&str] = &["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"];
/// Longest `url`, in characters: far above any API URL, it bounds the work done on input.
pub const MAX_URL_CHARS: usize = 16 * 1024;
/// Most headers in `headers`.
pub const MAX_HEADERS: usize = 100;
/// Longest header name, in bytes.
pub const MAX_HEADER_NAME_BYTES: usize = 256;
/// Longest header value, in bytes (as `token` and `credentials.securityToken`).
pub const MAX_HEADER_VALUE_BYTES: usize = 64 * 1024;

const SET_BY_SIGN_REQUEST: &str =
    " is set by signRequest (from credentials and date) and must not be given";
const SET_BY_FETCH: &str =
    " cannot be signed: fetch sets it itself or refuses it, so the request would not \
                            carry the value signed; leave it out";

/// Headers `headers` must not name, and why: those signRequest sets, and those `fetch` controls (the Fetch
/// standard's forbidden request headers, with `Proxy-*` and `Sec-*`) or browsers may replace.
const REFUSED_HEADERS: &[(&str, &str)] = &[
    (
        "host",
        " must not be given: the signed host is taken from url, and fetch sets Host itself",
    ),
    ("authorization", SET_BY_SIGN_REQUEST),
    ("x-sdk-date", SET_BY_SIGN_REQUEST),
    ("x-security-token", SET_BY_SIGN_REQUEST),
    (
        "user-agent",
        " cannot be signed: browsers may replace it, which would break the signature; add it to the returned \
         headers instead (headers added after signing are sent unsigned)",
    ),
    ("accept-charset", SET_BY_FETCH),
    ("accept-encoding", SET_BY_FETCH),
    ("access-control-request-headers", SET_BY_FETCH),
    ("access-control-request-method", SET_BY_FETCH),
    ("connection", SET_BY_FETCH),
    ("content-length", SET_BY_FETCH),
    ("cookie", SET_BY_FETCH),
    ("cookie2", SET_BY_FETCH),
    ("date", SET_BY_FETCH),
    ("dnt", SET_BY_FETCH),
    ("expect", SET_BY_FETCH),
    ("keep-alive", SET_BY_FETCH),
    ("origin", SET_BY_FETCH),
    ("referer", SET_BY_FETCH),
    ("set-cookie", SET_BY_FETCH),
    ("te", SET_BY_FETCH),
    ("trailer", SET_BY_FETCH),
    ("transfer-encoding", SET_BY_FETCH),
    ("upgrade", SET_BY_FETCH),
    ("via", SET_BY_FETCH),
];

/// Names people reach for instead of a `signRequest` option (normalised: lowercase, no `_` or `-`); the
/// credential aliases of the other calls ([`TOP_ALIASES`]) apply too.
const SIGN_ALIASES: &[(&str, &str)] = &[
    ("verb", "method"),
    ("httpmethod", "method"),
    ("uri", "url"),
    ("href", "url"),
    ("endpoint", "url"),
    ("path", "url"),
    ("header", "headers"),
    ("data", "body"),
    ("payload", "body"),
    ("content", "body"),
    ("timestamp", "date"),
    ("time", "date"),
    ("now", "date"),
    ("sdkdate", "date"),
    ("xsdkdate", "date"),
    ("signedat", "date"),
];

/// Validated `signRequest` options.
///
/// Deliberately not `Debug`-derived: headers, body and query may hold secrets of the caller's own API.
pub struct SignRequest {
    /// Upper case, one of [`METHODS`].
    pub method: &'static str,
    /// `host[:port]` as `fetch` sends it in `Host`: lowercase, the port only when it is not the default.
    pub host: String,
    /// The URL's path as written (percent-escapes kept; the signer decodes them once, as the gateway does).
    pub path: String,
    /// The URL's query as decoded pairs, in order (`+` is a plus sign, not a space, as for the gateway).
    pub query: Vec<(String, String)>,
    /// The caller's headers, names as given.
    pub headers: Vec<(String, String)>,
    /// Signed as its UTF-8 bytes; empty when not given.
    pub body: String,
    pub access_key_id: String,
    pub secret_access_key: Secret,
    pub security_token: Option<Secret>,
    /// The `date` option in epoch milliseconds; `None` signs with the clock.
    pub date_millis: Option<f64>,
}

impl core::fmt::Debug for SignRequest {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let names: Vec<&str> = self.headers.iter().map(|(name, _)| name.as_str()).collect();
        f.debug_struct("SignRequest")
            .field("method", &self.method)
            .field("host", &self.host)
            .field("headers", &names)
            .field("body", &self.body.len())
            .field("temporary", &self.security_token.is_some())
            .finish_non_exhaustive()
    }
}

impl Drop for SignRequest {
    fn drop(&mut self) {
        self.path.zeroize();
        self.body.zeroize();
        for (key, value) in self.query.iter_mut().chain(self.headers.iter_mut()) {
            key.zeroize();
            value.zeroize();
        }
    }
}

impl SignRequest {
    /// The signature of this request at `sdk_date` (`YYYYMMDDTHHMMSSZ`).
    pub fn signature(&self, sdk_date: &str) -> Signature {
        let mut headers: Vec<(&str, &str)> = Vec::with_capacity(self.headers.len() + 2);
        headers.extend(self.headers.iter().map(|(n, v)| (n.as_str(), v.as_str())));
        headers.push(("X-Sdk-Date", sdk_date));
        if let Some(token) = &self.security_token {
            headers.push(("X-Security-Token", token.expose()));
        }
        let query: Vec<(&str, &str)> = self
            .query
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        sign(
            &SignableRequest {
                method: self.method,
                host: Some(&self.host),
                path: &self.path,
                query: &query,
                headers: &headers,
                body: self.body.as_bytes(),
            },
            &self.access_key_id,
            &self.secret_access_key,
            sdk_date,
        )
    }
}

/// The headers to send: the caller's, then `X-Sdk-Date`, `X-Security-Token` (temporary credentials only) and
/// `Authorization`. Signed at the `date` option, else at `now_millis` (the JS clock, epoch milliseconds).
///
/// ```
/// use kps_wasm::{input::Input, sign_request::{sign_request, validate_sign_request}};
/// let s = |v: &str| Input::String(v.to_owned());
/// let credentials = vec![("accessKeyId".into(), s("AK")), ("secretAccessKey".into(), s("SK"))];
/// let options = Input::Object(vec![
///     ("method".into(), s("GET")),
///     ("url".into(), s("https://ecs.cn-north-4.myhuaweicloud.com/v1/p/cloudservers?limit=10")),
///     ("credentials".into(), Input::Object(credentials)),
/// ]);
/// let request = validate_sign_request(options).unwrap();
/// let headers = sign_request(&request, 1_795_860_900_000.0).unwrap();
/// assert_eq!(headers[0], ("X-Sdk-Date".into(), "20261128T101500Z".into()));
/// assert!(headers[1].1.starts_with("SDK-HMAC-SHA256 Access=AK, SignedHeaders=host;x-sdk-date, Signature="));
/// ```
pub fn sign_request(
    request: &SignRequest,
    now_millis: f64,
) -> Result<Vec<(String, String)>, Failure> {
    let Some(sdk_date) = format_sdk_date(request.date_millis.unwrap_or(now_millis)) else {
        return Err(Failure::invalid(
            "date",
            "the system clock gives no valid date to sign with; pass date",
        ));
    };
    let authorization = request.signature(&sdk_date).authorization;
    let mut headers = Vec::with_capacity(request.headers.len() + 3);
    headers.extend(request.headers.iter().cloned());
    headers.push(("X-Sdk-Date".to_owned(), sdk_date));
    if let Some(token) = &request.security_token {
        headers.push(("X-Security-Token".to_owned(), token.expose().to_owned()));
    }
    headers.push(("Authorization".to_owned(), authorization));
    Ok(headers)
}

/// Validates the options of `signRequest` (order of checks: see the module documentation).
pub fn validate_sign_request(input: Input) -> Result<SignRequest, Failure> {
    let entries = match input {
        Input::Object(entries) => entries,
        other => {
            return Err(wrong_type(
                "options",
                "an object { method, url, headers?, body?, credentials, date? }",
                other,
                false,
            ))
        }
    };
    let mut fields = Fields { entries };
    check_option_keys(&fields.entries)?;

    let AccessKey {
        access_key_id,
        secret_access_key,
        security_token,
    } = credentials(&mut fields)?;
    // A later failure may quote a value (a method, a host): one that is a credential pasted into the wrong
    // option, or part of one, is hidden.
    let hide = |failure: Failure| {
        let mut secrets = vec![access_key_id.as_str(), secret_access_key.expose()];
        secrets.extend(security_token.as_ref().map(|token| token.expose()));
        hide_quoted_secrets(failure, secrets)
    };
    let method = method(fields.take("method")).map_err(hide)?;
    let mut url = required(
        "url",
        string("url", fields.take("url"), "a string (an absolute URL)", false)?,
        "the absolute URL of the request, such as 'https://ecs.cn-north-4.myhuaweicloud.com/v1/{project_id}/cloudservers'",
    )?;
    let parsed = parse_url(&url).map(|parsed| (parsed.host, parsed.path.to_owned(), parsed.query));
    url.zeroize();
    let (host, path, query) = parsed.map_err(hide)?;
    let headers = headers(fields.take("headers")).map_err(hide)?;
    let body = match fields.take("body") {
        Input::Undefined => String::new(),
        Input::String(_) if matches!(method, "GET" | "HEAD") => {
            return Err(Failure::invalid(
                "body",
                [
                    "a ",
                    method,
                    " request has no body (fetch refuses one); leave body out",
                ]
                .concat(),
            ))
        }
        Input::String(body) => body,
        other => {
            return Err(wrong_type(
                "body",
                "a string, the exact text sent (JSON.stringify an object first)",
                other,
                true,
            ))
        }
    };
    let date_millis = date(fields.take("date")).map_err(hide)?;
    Ok(SignRequest {
        method,
        host,
        path,
        query,
        headers,
        body,
        access_key_id,
        secret_access_key,
        security_token,
        date_millis,
    })
}

// Step 2: unknown keys at the top level (the other calls' aliases suggest the `credentials.*` keys), then
// inside `credentials`.
fn check_option_keys(entries: &[(String, Input)]) -> Result<(), Failure> {
    let all_known = entries
        .iter()
        .all(|(key, _)| SIGN_REQUEST_KEYS.contains(&key.as_str()));
    if !all_known {
        check_keys(
            entries,
            "",
            &[SIGN_REQUEST_KEYS],
            &[SIGN_ALIASES, TOP_ALIASES].concat(),
        )?;
    }
    match entries.iter().find(|(key, _)| key == "credentials") {
        Some((_, Input::Object(inner))) => CREDENTIALS.check_keys(inner),
        _ => Ok(()),
    }
}

fn credentials(fields: &mut Fields) -> Result<AccessKey, Failure> {
    let mut inner = match fields.take("credentials") {
        Input::Object(entries) => Fields { entries },
        Input::Undefined => {
            return Err(Failure::invalid(
                "credentials",
                "credentials is required: { accessKeyId, secretAccessKey, securityToken? }, the access key to \
                 sign with",
            ))
        }
        other => {
            return Err(wrong_type(
                "credentials",
                "an object { accessKeyId, secretAccessKey, securityToken? }",
                other,
                false,
            ))
        }
    };
    access_key(&mut inner)
}

fn method(value: Input) -> Result<&'static str, Failure> {
    const F: &str = "method";
    const EXPECTED: &str = "method must be one of GET, POST, PUT, PATCH, DELETE, HEAD";
    let text = required(
        F,
        string(F, value, "a string such as 'GET' or 'POST'", false)?,
        "'GET', 'POST', 'PUT', 'PATCH', 'DELETE' or 'HEAD'",
    )?;
    if let Some(method) = METHODS.iter().find(|m| m.eq_ignore_ascii_case(&text)) {
        return Ok(method);
    }
    // Echo only what looks like a method name: anything else may be a value put in the wrong option.
    let word =
        !text.is_empty() && text.len() <= 16 && text.bytes().all(|b| b.is_ascii_alphabetic());
    let got = if word {
        ["; got ", &quote(&text)].concat()
    } else {
        String::from("; got another value")
    };
    Err(Failure::invalid(F, [EXPECTED, &got].concat()))
}

/// What is signed of a `url`.
pub struct ParsedUrl<'a> {
    /// `host[:port]`, lowercase, the port only when it is not the scheme's default.
    pub host: String,
    /// The path as written, possibly empty.
    pub path: &'a str,
    /// The decoded query pairs, in order.
    pub query: Vec<(String, String)>,
}

/// Splits `url` into the signed `host[:port]`, the path as written and the decoded query pairs.
///
/// Accepted: `https://` or `http://` (either case), a host as for `endpoint` (ASCII, lowercased; IPv4 as four
/// decimal numbers; IPv6 in brackets), an optional port, a path of RFC 3986 characters and `%XX` escapes
/// without `.`/`..` segments, and a query of anything but whitespace and control characters (`%` only in
/// escapes). Rejected: user info, fragments, backslashes in the path, whitespace anywhere.
pub fn parse_url(url: &str) -> Result<ParsedUrl<'_>, Failure> {
    const F: &str = "url";
    if url.is_empty() {
        return Err(Failure::invalid(
            F,
            "url must not be empty; expected an absolute URL such as \
             'https://ecs.cn-north-4.myhuaweicloud.com/v1/{project_id}/cloudservers'",
        ));
    }
    if url.chars().count() > MAX_URL_CHARS {
        return Err(Failure::invalid(
            F,
            [
                "url is longer than ",
                &decimal(MAX_URL_CHARS as u64),
                " characters",
            ]
            .concat(),
        ));
    }
    if let Some(position) = url
        .chars()
        .position(|c| c.is_whitespace() || c.is_control())
    {
        return Err(Failure::invalid(
            F,
            [
                "url must not contain whitespace or control characters (percent-encode a space as %20); found \
                 one at position ",
                &decimal(position as u64 + 1),
            ]
            .concat(),
        ));
    }
    if url.contains('#') {
        return Err(Failure::invalid(
            F,
            "url must not have a fragment (#...): fetch does not send it; percent-encode a '#' that belongs \
             to the path or query as %23",
        ));
    }
    let scheme_end = url.find("://").unwrap_or(0);
    let (scheme, rest) = url.split_at(scheme_end);
    let secure = scheme.eq_ignore_ascii_case("https");
    if !secure && !scheme.eq_ignore_ascii_case("http") {
        return Err(Failure::invalid(
            F,
            "url must be an absolute URL starting with https:// (or http://): the signature covers its host",
        ));
    }
    let rest = &rest[3..];
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, path_and_query) = rest.split_at(authority_end);
    if authority.contains('@') {
        return Err(Failure::invalid(
            F,
            "url must not contain user information (user:password@): fetch refuses such URLs; the access key \
             goes in credentials",
        ));
    }
    if authority.is_empty() {
        return Err(Failure::invalid(
            F,
            "url has no host; expected https://<host>[:port]/<path>",
        ));
    }
    let authority = parse_authority(authority, F)?;
    let mut host = authority.host;
    let default_port = if secure { 443 } else { 80 };
    if let Some(port) = authority.port.filter(|&port| port != default_port) {
        host.push(':');
        host.push_str(&decimal(port.into()));
    }
    let (path, query) = match path_and_query.split_once('?') {
        Some((path, query)) => (path, query),
        None => (path_and_query, ""),
    };
    check_path(path, F)?;
    if query
        .match_indices('%')
        .any(|(i, _)| !query.get(i + 1..i + 3).is_some_and(is_hex_pair))
    {
        return Err(Failure::invalid(
            F,
            "url's query has a '%' that is not followed by two hex digits (write a literal '%' as %25)",
        ));
    }
    let query = query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            (decode(key), decode(value))
        })
        .collect();
    Ok(ParsedUrl { host, path, query })
}

fn is_hex_pair(text: &str) -> bool {
    text.bytes().all(|b| b.is_ascii_hexdigit())
}

fn decode(text: &str) -> String {
    match String::from_utf8(percent_decode(text)) {
        Ok(decoded) => decoded,
        Err(error) => String::from_utf8_lossy(error.as_bytes()).into_owned(),
    }
}

fn headers(value: Input) -> Result<Vec<(String, String)>, Failure> {
    let entries =
        match value {
            Input::Undefined => return Ok(Vec::new()),
            Input::Object(entries) => entries,
            other => return Err(wrong_type(
                "headers",
                "a plain object of header names and string values (for a Headers instance, pass \
                 Object.fromEntries(headers))",
                other,
                true,
            )),
        };
    // Taken values move out; whatever is left when a check fails is zeroized on drop.
    let mut fields = Fields { entries };
    if fields.entries.len() > MAX_HEADERS {
        return Err(Failure::invalid(
            "headers",
            [
                "headers has more than ",
                &decimal(MAX_HEADERS as u64),
                " entries",
            ]
            .concat(),
        ));
    }
    let mut checked: Vec<(String, String)> = Vec::with_capacity(fields.entries.len());
    for index in 0..fields.entries.len() {
        let name = core::mem::take(&mut fields.entries[index].0);
        let value = core::mem::replace(&mut fields.entries[index].1, Input::Undefined);
        let value = check_header(&name, value, &checked)?;
        checked.push((name, value));
    }
    Ok(checked)
}

/// One entry of `headers`: a valid name, not one `signRequest` or the runtime sets, not given twice (in any
/// case: `fetch` would merge the two), and a string value of printable ASCII (and tabs) that `fetch` sends as
/// it is, bar the leading and trailing spaces it trims (and the signer trims too).
pub fn check_header(
    name: &str,
    value: Input,
    earlier: &[(String, String)],
) -> Result<String, Failure> {
    let valid_name = !name.is_empty()
        && name.len() <= MAX_HEADER_NAME_BYTES
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b));
    if !valid_name {
        return Err(Failure::invalid(
            "headers",
            [
                "headers has an invalid header name ",
                &quote(name),
                ": a name is 1 to 256 letters, digits and !#$%&'*+-.^_`|~",
            ]
            .concat(),
        ));
    }
    let field = ["headers.", name].concat();
    let fetch_only = ["proxy-", "sec-"].iter().any(|prefix| {
        name.get(..prefix.len())
            .is_some_and(|p| p.eq_ignore_ascii_case(prefix))
    });
    let refused = REFUSED_HEADERS
        .iter()
        .find(|(refused, _)| refused.eq_ignore_ascii_case(name))
        .map(|(_, why)| *why)
        .or(fetch_only.then_some(SET_BY_FETCH));
    if let Some(why) = refused {
        return Err(Failure::invalid(&field, [&field, why].concat()));
    }
    if let Some((first, _)) = earlier
        .iter()
        .find(|(earlier, _)| earlier.eq_ignore_ascii_case(name))
    {
        return Err(Failure::invalid(
            &field,
            [
                "headers has both ",
                &quote(first),
                " and ",
                &quote(name),
                ": fetch would send them as one header; give each header once",
            ]
            .concat(),
        ));
    }
    let value = match value {
        Input::String(value) => value,
        other => return Err(wrong_type(&field, "a string", other, false)),
    };
    if value.len() > MAX_HEADER_VALUE_BYTES {
        return Err(Failure::invalid(
            &field,
            [
                &field,
                " is too long: at most ",
                &decimal(MAX_HEADER_VALUE_BYTES as u64),
                " bytes are accepted",
            ]
            .concat(),
        ));
    }
    // Every byte before the first bad one is ASCII, so its byte index is also its character index.
    if let Some((position, byte)) = value
        .bytes()
        .enumerate()
        .find(|(_, b)| !(matches!(b, b' '..=b'~') || *b == b'\t'))
    {
        let what = if byte.is_ascii() {
            " must not contain line breaks or control characters; found one at position "
        } else {
            " must be ASCII (percent- or base64-encode other text); found another character at position "
        };
        return Err(Failure::invalid(
            &field,
            [&field, what, &decimal(position as u64 + 1)].concat(),
        ));
    }
    Ok(value)
}

fn date(value: Input) -> Result<Option<f64>, Failure> {
    const F: &str = "date";
    let (millis, from_date) = match value {
        Input::Undefined => return Ok(None),
        Input::Number(millis) => (millis, false),
        Input::Date(millis) => (millis, true),
        other => {
            return Err(wrong_type(
                F,
                "a Date or a number of milliseconds since 1970 (such as Date.now()); for a date string pass \
                 new Date(text)",
                other,
                true,
            ))
        }
    };
    if millis.is_nan() && from_date {
        return Err(Failure::invalid(
            F,
            "date is an invalid Date (its getTime() is NaN)",
        ));
    }
    if format_sdk_date(millis).is_none() {
        let got = if millis.is_nan() {
            "NaN"
        } else if millis < 0.0 {
            "a date before 1970"
        } else {
            "a date after 9999"
        };
        return Err(Failure::invalid(
            F,
            [
                "date must be from 1970-01-01 to 9999-12-31 (UTC), as a Date or epoch milliseconds; got ",
                got,
            ]
            .concat(),
        ));
    }
    Ok(Some(millis))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;
    use crate::options::{validate_task_list, Environment};
    use crate::signing::parse_sdk_date;
    use serde_json::Value;

    const VECTORS: &str = include_str!("../tests/fixtures/aksk-signing-vectors.json");
    const AK: &str = "HPUAL7MDDNZ3EXAMPLE1";
    const SK: &str = "qLZBJ9k7Xh2mEXAMPLEsecretKEYqLZBJ9k7Xh2m";
    const PROJECT: &str = "0a1b2c3d4e5f60718293a4b5c6d7e8f9";
    const URL: &str =
        "https://kms.cn-north-4.myhuaweicloud.com/v3/0a1b2c3d4e5f60718293a4b5c6d7e8f9/keypairs/disassociate";
    const BODY: &str = r#"{"server":{"id":"d76baba7-ef09-40a2-87ff-3eafec0696e7"}}"#;
    /// 2026-11-28T10:15:00Z, the date of the vectors.
    const MILLIS: f64 = 1_795_860_900_000.0;
    const EMPTY_SHA256: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    fn s(value: &str) -> Input {
        Input::String(value.to_owned())
    }

    fn object(entries: Vec<(&str, Input)>) -> Input {
        Input::Object(
            entries
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v))
                .collect(),
        )
    }

    fn credentials(security_token: Option<&str>) -> Input {
        let mut entries = vec![("accessKeyId", s(AK)), ("secretAccessKey", s(SK))];
        if let Some(token) = security_token {
            entries.push(("securityToken", s(token)));
        }
        object(entries)
    }

    /// A valid `POST` with a body and two headers, with `changes` applied (`None` removes the key).
    fn options(changes: Vec<(&str, Option<Input>)>) -> Input {
        let mut entries: Vec<(String, Input)> = vec![
            ("method".into(), s("POST")),
            ("url".into(), s(URL)),
            (
                "headers".into(),
                object(vec![
                    ("Content-Type", s("application/json;charset=UTF-8")),
                    ("X-Project-Id", s(PROJECT)),
                ]),
            ),
            ("body".into(), s(BODY)),
            ("credentials".into(), credentials(None)),
            ("date".into(), Input::Number(MILLIS)),
        ];
        for (key, value) in changes {
            entries.retain(|(k, _)| k != key);
            if let Some(value) = value {
                entries.push((key.to_owned(), value));
            }
        }
        Input::Object(entries)
    }

    fn set(key: &str, value: Input) -> (&str, Option<Input>) {
        (key, Some(value))
    }

    fn unset(key: &str) -> (&str, Option<Input>) {
        (key, None)
    }

    fn valid(input: Input) -> SignRequest {
        validate_sign_request(input).unwrap_or_else(|failure| panic!("{failure}"))
    }

    fn failure(input: Input) -> Failure {
        let failure = validate_sign_request(input).expect_err("invalid options");
        assert_eq!(failure.kind, ErrorKind::Validation);
        failure
    }

    /// `(field, message)` of the failure for `changes`.
    fn rejected(changes: Vec<(&str, Option<Input>)>) -> (String, String) {
        let failure = failure(options(changes));
        (failure.field.unwrap_or_default(), failure.message)
    }

    fn headers_of(input: Input) -> Vec<(String, String)> {
        sign_request(&valid(input), 0.0).unwrap()
    }

    fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
        headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    fn canonical(changes: Vec<(&str, Option<Input>)>) -> String {
        valid(options(changes))
            .signature("20261128T101500Z")
            .canonical_request
    }

    fn encode(text: &str) -> String {
        let mut out = String::new();
        for byte in text.bytes() {
            if byte.is_ascii_alphanumeric() || b"-_.~".contains(&byte) {
                out.push(char::from(byte));
            } else {
                out.push_str(&format!("%{byte:02X}"));
            }
        }
        out
    }

    // ---- the official vectors ----

    #[test]
    fn every_signing_vector_is_reproduced_through_sign_request() {
        let vectors: Value = serde_json::from_str(VECTORS).unwrap();
        let vectors = vectors["vectors"].as_array().unwrap();
        assert!(vectors.len() >= 7, "only {} vectors", vectors.len());
        for vector in vectors {
            let name = vector["name"].as_str().unwrap();
            let input = &vector["input"];
            let expected = &vector["expected"];
            let host = input["host"].as_str().unwrap();
            let scheme = if host.starts_with("127.") {
                "http"
            } else {
                "https"
            };
            let mut url = format!("{scheme}://{host}{}", input["path"].as_str().unwrap());
            for (index, pair) in input["query"].as_array().unwrap().iter().enumerate() {
                url.push(if index == 0 { '?' } else { '&' });
                url.push_str(&encode(pair[0].as_str().unwrap()));
                url.push('=');
                url.push_str(&encode(pair[1].as_str().unwrap()));
            }
            let given = input["headers"].as_object().unwrap();
            let sdk_date = given["X-Sdk-Date"].as_str().unwrap();
            let token = given.get("X-Security-Token").and_then(Value::as_str);
            let headers: Vec<(String, Input)> = given
                .iter()
                .filter(|(n, _)| !matches!(n.as_str(), "X-Sdk-Date" | "X-Security-Token"))
                .map(|(n, v)| (n.clone(), s(v.as_str().unwrap())))
                .collect();
            let mut credentials = vec![
                ("accessKeyId", s(input["access_key_id"].as_str().unwrap())),
                (
                    "secretAccessKey",
                    s(input["secret_access_key"].as_str().unwrap()),
                ),
            ];
            if let Some(token) = token {
                credentials.push(("securityToken", s(token)));
            }
            let body = input["body"].as_str().unwrap();
            let mut options = vec![
                ("method", s(input["method"].as_str().unwrap())),
                ("url", s(&url)),
                ("headers", Input::Object(headers)),
                ("credentials", object(credentials)),
                (
                    "date",
                    Input::Number(parse_sdk_date(sdk_date).unwrap() as f64 * 1000.0),
                ),
            ];
            if !body.is_empty() {
                options.push(("body", s(body)));
            }
            let request = valid(object(options));

            let signature = request.signature(sdk_date);
            assert_eq!(
                signature.canonical_request,
                expected["canonical_request"].as_str().unwrap(),
                "{name}: canonical request"
            );
            assert_eq!(
                signature.string_to_sign,
                expected["string_to_sign"].as_str().unwrap(),
                "{name}: string to sign"
            );
            let headers = sign_request(&request, 0.0).unwrap();
            assert_eq!(
                header(&headers, "Authorization"),
                expected["authorization"].as_str(),
                "{name}: Authorization"
            );
            assert_eq!(header(&headers, "X-Sdk-Date"), Some(sdk_date), "{name}");
            assert_eq!(header(&headers, "X-Security-Token"), token, "{name}");
        }
    }

    // ---- what is returned ----

    #[test]
    fn the_result_is_the_callers_headers_then_the_date_and_the_authorization() {
        let headers = headers_of(options(vec![]));
        let names: Vec<&str> = headers.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            [
                "Content-Type",
                "X-Project-Id",
                "X-Sdk-Date",
                "Authorization"
            ]
        );
        assert_eq!(headers[0].1, "application/json;charset=UTF-8");
        assert_eq!(headers[1].1, PROJECT);
        assert_eq!(headers[2].1, "20261128T101500Z");
        assert!(headers[3].1.starts_with(
            "SDK-HMAC-SHA256 Access=HPUAL7MDDNZ3EXAMPLE1, SignedHeaders=content-type;host;x-project-id;x-sdk-date, Signature="
        ), "{}", headers[3].1);
    }

    #[test]
    fn temporary_credentials_add_and_sign_their_security_token() {
        let headers = headers_of(options(vec![set(
            "credentials",
            credentials(Some("sts-token")),
        )]));
        let names: Vec<&str> = headers.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            [
                "Content-Type",
                "X-Project-Id",
                "X-Sdk-Date",
                "X-Security-Token",
                "Authorization"
            ]
        );
        assert_eq!(headers[3].1, "sts-token");
        assert!(headers[4]
            .1
            .contains("SignedHeaders=content-type;host;x-project-id;x-sdk-date;x-security-token,"));
    }

    #[test]
    fn without_headers_only_host_and_the_date_are_signed() {
        let headers = headers_of(options(vec![
            unset("headers"),
            unset("body"),
            set("method", s("GET")),
        ]));
        assert_eq!(headers.len(), 2);
        assert!(headers[1].1.contains("SignedHeaders=host;x-sdk-date,"));
    }

    #[test]
    fn without_a_date_the_clock_is_used_and_with_one_the_clock_is_ignored() {
        let request = valid(options(vec![unset("date")]));
        let headers = sign_request(&request, 86_400_000.0).unwrap();
        assert_eq!(header(&headers, "X-Sdk-Date"), Some("19700102T000000Z"));
        let failure = sign_request(&request, f64::NAN).unwrap_err();
        assert!(
            failure.message.contains("system clock"),
            "{}",
            failure.message
        );

        let dated = valid(options(vec![]));
        let headers = sign_request(&dated, f64::NAN).unwrap();
        assert_eq!(header(&headers, "X-Sdk-Date"), Some("20261128T101500Z"));
    }

    #[test]
    fn a_date_object_and_its_epoch_milliseconds_sign_the_same_and_fractions_are_dropped() {
        let number = headers_of(options(vec![]));
        let date = headers_of(options(vec![set("date", Input::Date(MILLIS))]));
        let fraction = headers_of(options(vec![set("date", Input::Number(MILLIS + 999.9))]));
        assert_eq!(number, date);
        assert_eq!(number, fraction);
        let later = headers_of(options(vec![set("date", Input::Number(MILLIS + 1000.0))]));
        assert_eq!(header(&later, "X-Sdk-Date"), Some("20261128T101501Z"));
        assert_ne!(number[3], later[3]);
    }

    // ---- method ----

    #[test]
    fn methods_are_accepted_in_any_case_and_signed_upper_case() {
        for (given, signed) in [
            ("get", "GET"),
            ("Post", "POST"),
            ("put", "PUT"),
            ("patch", "PATCH"),
            ("DELETE", "DELETE"),
            ("head", "HEAD"),
        ] {
            let mut changes = vec![set("method", s(given))];
            if matches!(signed, "GET" | "HEAD") {
                changes.push(unset("body"));
            }
            let request = valid(options(changes));
            assert_eq!(request.method, signed);
            assert!(request
                .signature("20261128T101500Z")
                .canonical_request
                .starts_with(&[signed, "\n"].concat()));
        }
    }

    #[test]
    fn a_credential_pasted_as_the_method_is_never_echoed() {
        let short_sk = "abcdefghijklmnop";
        let credentials = || {
            object(vec![
                ("accessKeyId", s("HPUAEXAMPLE")),
                ("secretAccessKey", s(short_sk)),
            ])
        };
        for pasted in [short_sk, "HPUAEXAMPLE", "abcdefghijkl"] {
            let (field, message) = rejected(vec![
                set("credentials", credentials()),
                set("method", s(pasted)),
            ]);
            assert_eq!(field, "method");
            assert!(!message.contains(pasted), "{message}");
            assert!(message.ends_with("; got '***'"), "{message}");
        }
    }

    #[test]
    fn other_methods_are_rejected_and_only_method_like_values_are_echoed() {
        assert_eq!(
            rejected(vec![set("method", s("OPTIONS"))]),
            (
                "method".into(),
                "method must be one of GET, POST, PUT, PATCH, DELETE, HEAD; got 'OPTIONS'".into()
            )
        );
        let (_, message) = rejected(vec![set("method", s("qLZBJ9k7Xh2m/secret"))]);
        assert_eq!(
            message,
            "method must be one of GET, POST, PUT, PATCH, DELETE, HEAD; got another value"
        );
        assert_eq!(
            rejected(vec![unset("method")]),
            (
                "method".into(),
                "method is required: 'GET', 'POST', 'PUT', 'PATCH', 'DELETE' or 'HEAD'".into()
            )
        );
        // Only a word of at most 16 letters reads as a method name.
        let (_, message) = rejected(vec![set("method", s("ABCDEFGHIJKLMNOP"))]);
        assert!(message.ends_with("got 'ABCDEFGHIJKLMNOP'"), "{message}");
        let (_, message) = rejected(vec![set("method", s("ABCDEFGHIJKLMNOPQ"))]);
        assert!(message.ends_with("got another value"), "{message}");
        let (_, message) = rejected(vec![set("method", Input::Number(1.0))]);
        assert_eq!(
            message,
            "method must be a string such as 'GET' or 'POST'; got a number"
        );
    }

    // ---- url ----

    fn signed_host(url: &str) -> String {
        valid(options(vec![set("url", s(url))])).host.clone()
    }

    #[test]
    fn the_signed_host_carries_the_port_only_when_it_is_not_the_schemes_default() {
        assert_eq!(
            signed_host("https://ECS.cn-north-4.MyHuaweiCloud.com:443/v1"),
            "ecs.cn-north-4.myhuaweicloud.com"
        );
        assert_eq!(signed_host("HTTP://127.0.0.1:80/v1"), "127.0.0.1");
        assert_eq!(signed_host("http://127.0.0.1:8787/v1"), "127.0.0.1:8787");
        assert_eq!(signed_host("https://example.com:80/v1"), "example.com:80");
        assert_eq!(signed_host("http://example.com:443"), "example.com:443");
        assert_eq!(signed_host("https://[0:0::1]:8443/x"), "[::1]:8443");
        assert_eq!(signed_host("https://h.example?x=1"), "h.example");
    }

    #[test]
    fn the_path_is_signed_as_the_gateway_sees_it() {
        let path_line = |url: &str| {
            canonical(vec![set("url", s(url))])
                .lines()
                .nth(1)
                .unwrap()
                .to_owned()
        };
        assert_eq!(path_line("https://h.example"), "/");
        assert_eq!(path_line("https://h.example/"), "/");
        assert_eq!(path_line("https://h.example/v1/a%20b/c"), "/v1/a%20b/c/");
        // fetch sends `~` and `%7E`, `:` and `%3A` as written; the gateway decodes both the same way.
        assert_eq!(
            path_line("https://h.example/v1/~x:y"),
            path_line("https://h.example/v1/%7ex%3Ay")
        );
        assert_eq!(path_line("https://h.example/v1/x/"), "/v1/x/");
    }

    #[test]
    fn query_pairs_are_decoded_then_signed_sorted_with_plus_as_a_plus_sign() {
        let query_line = |url: &str| {
            canonical(vec![set("url", s(url))])
                .lines()
                .nth(2)
                .unwrap()
                .to_owned()
        };
        assert_eq!(
            query_line("https://h.example/v1?offset=0&limit=10&a%20b=x%2Fy~z"),
            "a%20b=x%2Fy~z&limit=10&offset=0"
        );
        assert_eq!(
            query_line("https://h.example/v1?b=2&a=z&a=y&&flag&e=&q=1+1&k=v=w"),
            "a=y&a=z&b=2&e=&flag=&k=v%3Dw&q=1%2B1"
        );
        assert_eq!(
            query_line("https://h.example/v1?name=%E9%A1%B9&raw=é"),
            "name=%E9%A1%B9&raw=%C3%A9"
        );
        assert_eq!(query_line("https://h.example/v1?"), "");
        assert_eq!(query_line("https://h.example/v1?x=%ff"), "x=%EF%BF%BD");
    }

    #[test]
    fn urls_that_fetch_would_refuse_or_rewrite_are_rejected_without_being_echoed() {
        let cases: &[(&str, &str)] = &[
            ("", "url must not be empty"),
            (
                "/v3/p/tasks",
                "url must be an absolute URL starting with https://",
            ),
            ("//h.example/v1", "url must be an absolute URL"),
            ("ftp://h.example/v1", "url must be an absolute URL"),
            ("h.example/v1", "url must be an absolute URL"),
            (
                "https://user:pass@h.example/v1",
                "url must not contain user information",
            ),
            ("https://h.example/v1#top", "url must not have a fragment"),
            (
                "https://h.example/v1?q=a b",
                "url must not contain whitespace",
            ),
            ("https://h.example/v1\n", "url must not contain whitespace"),
            ("https://", "url has no host"),
            ("https:///v1", "url has no host"),
            (
                "https://h.example:0/v1",
                "url's port must be from 1 to 65535",
            ),
            (
                "https://h.example:99999/v1",
                "url's port must be from 1 to 65535",
            ),
            ("https://hé.example/v1", "url's host must be ASCII"),
            ("https://h_ex%41mple/v1", "url's host contains '%'"),
            (
                "https://[::1/v1",
                "url has an IPv6 address without its closing ']'",
            ),
            (
                "https://h.example/a/../b",
                "url's path must not contain '.' or '..' segments",
            ),
            (
                "https://h.example/a/%2E/b",
                "url's path must not contain '.' or '..' segments",
            ),
            ("https://h.example/a\\b", "url's path contains '\\'"),
            ("https://h.example/a{b}", "url's path contains '{'"),
            ("https://h.example/100%", "url's path has a '%' that is not"),
            (
                "https://h.example/v1?q=100%",
                "url's query has a '%' that is not",
            ),
            (
                "https://h.example/v1?q=%zz",
                "url's query has a '%' that is not",
            ),
        ];
        for (url, start) in cases {
            let (field, message) = rejected(vec![set("url", s(url))]);
            assert_eq!(field, "url", "{url}");
            assert!(message.starts_with(start), "{url}: {message}");
            if url.len() > 12 {
                assert!(!message.contains(url), "{url} echoed: {message}");
            }
        }
        let (_, message) = rejected(vec![set("url", s(&"a".repeat(MAX_URL_CHARS + 1)))]);
        assert_eq!(message, "url is longer than 16384 characters");
        let longest = ["https://a.com/", &"p".repeat(MAX_URL_CHARS - 14)].concat();
        assert_eq!(longest.len(), MAX_URL_CHARS);
        valid(options(vec![set("url", s(&longest))]));
        let (_, message) = rejected(vec![set("url", s("https://a.com/x y"))]);
        assert_eq!(
            message,
            "url must not contain whitespace or control characters (percent-encode a space as %20); found one \
             at position 16"
        );
        let (_, message) = rejected(vec![unset("url")]);
        assert!(
            message.starts_with("url is required: the absolute URL"),
            "{message}"
        );
        let (_, message) = rejected(vec![set("url", Input::Object(vec![]))]);
        assert_eq!(
            message,
            "url must be a string (an absolute URL); got an object"
        );
    }

    // ---- headers ----

    fn with_headers(headers: Vec<(&str, Input)>) -> Input {
        options(vec![set("headers", object(headers))])
    }

    #[test]
    fn every_given_header_is_signed_whatever_the_case_of_its_name() {
        let request = valid(with_headers(vec![
            ("x-b", s("2")),
            ("X-A", s(" 1\t")),
            ("Content-Type", s("application/json")),
        ]));
        let signature = request.signature("20261128T101500Z");
        assert_eq!(
            signature.signed_headers,
            "content-type;host;x-a;x-b;x-sdk-date"
        );
        assert!(signature.canonical_request.contains("\nx-a:1\nx-b:2\n"));
        // Values are returned as given (fetch trims the same spaces the signer does).
        let headers = sign_request(&request, 0.0).unwrap();
        assert_eq!(header(&headers, "X-A"), Some(" 1\t"));
    }

    #[test]
    fn headers_signrequest_or_the_runtime_sets_are_rejected_with_the_reason() {
        let cases = [
            (
                "Host",
                "headers.Host must not be given: the signed host is taken from url",
            ),
            (
                "authorization",
                "headers.authorization is set by signRequest",
            ),
            ("X-Sdk-Date", "headers.X-Sdk-Date is set by signRequest"),
            (
                "X-SECURITY-TOKEN",
                "headers.X-SECURITY-TOKEN is set by signRequest",
            ),
            (
                "User-Agent",
                "headers.User-Agent cannot be signed: browsers may replace it",
            ),
            (
                "Content-Length",
                "headers.Content-Length cannot be signed: fetch sets it itself or refuses it",
            ),
            ("Cookie", "headers.Cookie cannot be signed"),
            ("Date", "headers.Date cannot be signed"),
            ("Connection", "headers.Connection cannot be signed"),
            (
                "Sec-Fetch-Mode",
                "headers.Sec-Fetch-Mode cannot be signed: fetch sets it itself",
            ),
            (
                "Proxy-Authorization",
                "headers.Proxy-Authorization cannot be signed",
            ),
        ];
        for (name, start) in cases {
            let failure = failure(with_headers(vec![(name, s("value"))]));
            assert_eq!(
                failure.field.as_deref(),
                Some(["headers.", name].concat().as_str())
            );
            assert!(
                failure.message.starts_with(start),
                "{name}: {}",
                failure.message
            );
        }
        // Names that only contain a reserved word are the caller's own.
        valid(with_headers(vec![
            ("X-Host", s("a")),
            ("X-Date", s("b")),
            ("Accept", s("*/*")),
        ]));
    }

    #[test]
    fn a_header_name_given_twice_in_different_cases_is_rejected() {
        let failure = failure(with_headers(vec![("X-Tag", s("a")), ("x-tag", s("b"))]));
        assert_eq!(failure.field.as_deref(), Some("headers.x-tag"));
        assert_eq!(
            failure.message,
            "headers has both 'X-Tag' and 'x-tag': fetch would send them as one header; give each header once"
        );
    }

    #[test]
    fn header_names_must_be_http_tokens_and_values_printable_ascii_strings() {
        for name in ["", "X Tag", "X-Tag:", "Tâg", &"x".repeat(257)] {
            let failure = failure(with_headers(vec![(name, s("v"))]));
            assert_eq!(failure.field.as_deref(), Some("headers"));
            assert!(
                failure
                    .message
                    .starts_with("headers has an invalid header name"),
                "{}",
                failure.message
            );
        }
        let cases = [
            (Input::Number(1.0), "headers.X-Tag must be a string; got a number"),
            (Input::Undefined, "headers.X-Tag must be a string; got undefined"),
            (Input::Null, "headers.X-Tag must be a string; got null"),
            (
                s("a\r\nInjected: 1"),
                "headers.X-Tag must not contain line breaks or control characters; found one at position 2",
            ),
            (
                s("caf\u{e9}"),
                "headers.X-Tag must be ASCII (percent- or base64-encode other text); found another character at position 4",
            ),
            (
                s(&"v".repeat(MAX_HEADER_VALUE_BYTES + 1)),
                "headers.X-Tag is too long: at most 65536 bytes are accepted",
            ),
        ];
        for (value, message) in cases {
            let failure = failure(with_headers(vec![("X-Tag", value)]));
            assert_eq!(failure.field.as_deref(), Some("headers.X-Tag"));
            assert_eq!(failure.message, message);
        }
        valid(with_headers(vec![("X-Empty", s("")), ("X-Tab", s("a\tb"))]));
        let longest = "v".repeat(MAX_HEADER_VALUE_BYTES);
        let signed = headers_of(with_headers(vec![("X-Tag", s(&longest))]));
        assert_eq!(header(&signed, "X-Tag"), Some(longest.as_str()));
        let headers = |count: usize| {
            let many = (0..count)
                .map(|i| (["X-", &i.to_string()].concat(), s("v")))
                .collect();
            options(vec![set("headers", Input::Object(many))])
        };
        // The 100 given, then the date and the authorization.
        assert_eq!(headers_of(headers(MAX_HEADERS)).len(), MAX_HEADERS + 2);
        let too_many = failure(headers(MAX_HEADERS + 1));
        assert_eq!(too_many.message, "headers has more than 100 entries");
        let failure = failure(options(vec![set(
            "headers",
            Input::Other("an instance of a class (expected a plain object)"),
        )]));
        assert!(failure.message.ends_with("pass Object.fromEntries(headers)); got an instance of a class (expected a plain object)"), "{}", failure.message);
    }

    // ---- body ----

    #[test]
    fn the_body_is_signed_as_its_utf8_bytes_and_defaults_to_empty() {
        let empty = canonical(vec![unset("body")]);
        assert!(empty.ends_with(EMPTY_SHA256), "{empty}");
        let text = canonical(vec![set("body", s("{\"p\":\"Pässwörd!密码\"}"))]);
        let hash = text.rsplit('\n').next().unwrap();
        assert_eq!(hash.len(), 64);
        assert_ne!(hash, EMPTY_SHA256);
        assert_ne!(
            canonical(vec![set("body", s("{} "))]),
            canonical(vec![set("body", s("{}"))])
        );
    }

    #[test]
    fn get_and_head_requests_take_no_body_and_a_body_must_be_a_string() {
        for method in ["GET", "head"] {
            let (field, message) = rejected(vec![set("method", s(method))]);
            assert_eq!(field, "body");
            assert!(
                message.ends_with("request has no body (fetch refuses one); leave body out"),
                "{message}"
            );
            let (_, message) = rejected(vec![set("method", s(method)), set("body", s(""))]);
            assert!(message.contains("has no body"), "{message}");
        }
        let (field, message) = rejected(vec![set("body", object(vec![("a", s("b"))]))]);
        assert_eq!(field, "body");
        assert_eq!(
            message,
            "body must be a string, the exact text sent (JSON.stringify an object first); got an object"
        );
        let (_, message) = rejected(vec![set("body", Input::Null)]);
        assert!(
            message.ends_with("got null (to leave it out, omit it or set it to undefined)"),
            "{message}"
        );
    }

    // ---- credentials ----

    #[test]
    fn credentials_are_required_and_checked_with_the_messages_of_every_other_call() {
        assert_eq!(
            rejected(vec![unset("credentials")]),
            (
                "credentials".into(),
                "credentials is required: { accessKeyId, secretAccessKey, securityToken? }, the access key to sign with".into()
            )
        );
        let (_, message) = rejected(vec![set("credentials", s("AK:SK"))]);
        assert_eq!(
            message,
            "credentials must be an object { accessKeyId, secretAccessKey, securityToken? }; got a string"
        );
        let bad = || {
            vec![
                object(vec![("secretAccessKey", s(SK))]),
                object(vec![("accessKeyId", s("AK-1")), ("secretAccessKey", s(SK))]),
                object(vec![("accessKeyId", s(AK))]),
                object(vec![("accessKeyId", s(AK)), ("secretAccessKey", s(" x"))]),
                object(vec![
                    ("accessKeyId", s(AK)),
                    ("secretAccessKey", s(SK)),
                    ("securityToken", s("")),
                ]),
                object(vec![
                    ("accessKeyId", s(AK)),
                    ("secretAccessKey", Input::Number(1.0)),
                ]),
                object(vec![("accessKeyId", s(AK)), ("secret", s(SK))]),
            ]
        };
        for (mine, theirs) in bad().into_iter().zip(bad()) {
            let mine = failure(options(vec![set("credentials", mine)]));
            let list = object(vec![
                ("projectId", s(PROJECT)),
                ("region", s("cn-north-4")),
                ("credentials", theirs),
            ]);
            let env = Environment {
                relative_endpoints_allowed: false,
            };
            let theirs = validate_task_list(list, &env).unwrap_err();
            assert_eq!(mine, theirs);
        }
    }

    // ---- date ----

    #[test]
    fn a_date_must_be_a_valid_date_or_epoch_milliseconds_from_1970_to_9999() {
        let cases = [
            (Input::Date(f64::NAN), "date is an invalid Date (its getTime() is NaN)"),
            (Input::Number(f64::NAN), "date must be from 1970-01-01 to 9999-12-31 (UTC), as a Date or epoch milliseconds; got NaN"),
            (Input::Number(-1.0), "date must be from 1970-01-01 to 9999-12-31 (UTC), as a Date or epoch milliseconds; got a date before 1970"),
            (Input::Date(253_402_300_800_000.0), "date must be from 1970-01-01 to 9999-12-31 (UTC), as a Date or epoch milliseconds; got a date after 9999"),
            (Input::Number(f64::INFINITY), "date must be from 1970-01-01 to 9999-12-31 (UTC), as a Date or epoch milliseconds; got a date after 9999"),
            (s("2026-11-28T10:15:00Z"), "date must be a Date or a number of milliseconds since 1970 (such as Date.now()); for a date string pass new Date(text); got a string"),
        ];
        for (value, message) in cases {
            assert_eq!(
                rejected(vec![set("date", value)]),
                ("date".into(), message.into())
            );
        }
        valid(options(vec![set("date", Input::Number(0.0))]));
        valid(options(vec![set(
            "date",
            Input::Date(253_402_300_799_999.0),
        )]));
    }

    #[test]
    fn a_date_where_a_number_is_expected_is_still_a_type_error_elsewhere() {
        let list = object(vec![
            ("projectId", s(PROJECT)),
            ("region", s("cn-north-4")),
            ("token", s("t")),
            ("limit", Input::Date(MILLIS)),
        ]);
        let env = Environment {
            relative_endpoints_allowed: false,
        };
        let failure = validate_task_list(list, &env).unwrap_err();
        assert_eq!(failure.field.as_deref(), Some("limit"));
        assert!(
            failure.message.ends_with("; got a Date"),
            "{}",
            failure.message
        );
    }

    // ---- keys and order ----

    #[test]
    fn unknown_keys_are_rejected_with_the_key_meant() {
        let cases = [
            ("uri", "unknown option 'uri'; did you mean 'url'?"),
            ("URL", "unknown option 'URL'; did you mean 'url'?"),
            ("header", "unknown option 'header'; did you mean 'headers'?"),
            ("data", "unknown option 'data'; did you mean 'body'?"),
            ("timestamp", "unknown option 'timestamp'; did you mean 'date'?"),
            ("verb", "unknown option 'verb'; did you mean 'method'?"),
            ("ak", "unknown option 'ak'; did you mean 'credentials.accessKeyId'?"),
            ("secretKey", "unknown option 'secretKey'; did you mean 'credentials.secretAccessKey'?"),
            (
                "token",
                "unknown option 'token'; accepted options: method, url, headers, body, credentials, date",
            ),
            (
                "region",
                "unknown option 'region'; accepted options: method, url, headers, body, credentials, date",
            ),
        ];
        for (key, message) in cases {
            assert_eq!(
                rejected(vec![set(key, s("x"))]),
                (key.into(), message.into())
            );
        }
        let inner = object(vec![("accessKeyId", s(AK)), ("sk", s(SK))]);
        assert_eq!(
            rejected(vec![set("credentials", inner)]),
            (
                "credentials.sk".into(),
                "unknown option 'credentials.sk'; did you mean 'credentials.secretAccessKey'?"
                    .into()
            )
        );
    }

    #[test]
    fn options_must_be_an_object_and_the_first_problem_in_the_documented_order_is_reported() {
        let not_an_object = failure(Input::Array(Vec::new()));
        assert_eq!(
            not_an_object.message,
            "options must be an object { method, url, headers?, body?, credentials, date? }; got an array"
        );
        let all_wrong = |skip: usize| {
            let wrong = [
                ("uri", s("x")),
                ("credentials", Input::Null),
                ("method", s("FETCH")),
                ("url", s("x")),
                ("headers", s("x")),
                ("body", Input::Number(1.0)),
                ("date", s("x")),
            ];
            let mut entries: Vec<(&str, Option<Input>)> = wrong
                .into_iter()
                .skip(skip)
                .map(|(k, v)| (k, Some(v)))
                .collect();
            entries.reverse();
            options(entries)
        };
        let order = [
            "uri",
            "credentials",
            "method",
            "url",
            "headers",
            "body",
            "date",
        ];
        for (skip, field) in order.into_iter().enumerate() {
            assert_eq!(failure(all_wrong(skip)).field.as_deref(), Some(field));
        }
    }

    // ---- secrets and robustness ----

    const CANARY: &str = "CANARYqLZBJ9k7Xh2mEXAMPLE";

    #[test]
    fn no_failure_and_no_debug_output_contains_a_secret_or_a_header_value() {
        let canary_credentials = |ak: &str, sk: &str, st: &str| {
            object(vec![
                ("accessKeyId", s(ak)),
                ("secretAccessKey", s(sk)),
                ("securityToken", s(st)),
            ])
        };
        let cases = vec![
            vec![set(
                "credentials",
                canary_credentials(CANARY, "sk with space", "t"),
            )],
            vec![set("credentials", canary_credentials("AK-", CANARY, "t"))],
            vec![set(
                "credentials",
                canary_credentials(AK, &[CANARY, " "].concat(), "t"),
            )],
            vec![set(
                "credentials",
                canary_credentials(AK, SK, &[CANARY, "\n"].concat()),
            )],
            vec![set(
                "url",
                s(&["https://", CANARY, ":x@h.example/v1"].concat()),
            )],
            vec![set(
                "url",
                s(&["https://h.example/v1?sig=", CANARY, "#x"].concat()),
            )],
            vec![set(
                "url",
                s(&["https://h.example/", CANARY, " x"].concat()),
            )],
            vec![set("method", s(&[CANARY, "-"].concat()))],
            vec![set(
                "headers",
                object(vec![("X-Auth-Token", s(&[CANARY, "\n"].concat()))]),
            )],
            vec![set(
                "headers",
                object(vec![("X-Auth-Token", s(&[CANARY, "é"].concat()))]),
            )],
            vec![set("headers", object(vec![("Cookie", s(CANARY))]))],
            vec![set("method", s("GET")), set("body", s(CANARY))],
        ];
        for changes in cases {
            let failure = failure(options(changes));
            let text = format!("{failure} {failure:?}");
            assert!(!text.contains(CANARY), "{text}");
        }
        let request = valid(options(vec![
            set(
                "credentials",
                canary_credentials(AK, &[CANARY, "sk"].concat(), &[CANARY, "st"].concat()),
            ),
            set(
                "headers",
                object(vec![("X-Auth-Token", s(&[CANARY, "h"].concat()))]),
            ),
            set("body", s(&[CANARY, "b"].concat())),
            set("url", s(&["https://h.example/v1?q=", CANARY].concat())),
        ]));
        let debug = format!("{request:?}");
        assert!(!debug.contains(CANARY), "{debug}");
        assert!(debug.contains("X-Auth-Token"), "{debug}");
    }

    #[test]
    fn no_input_makes_validation_or_signing_panic() {
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let strings = [
            "",
            " ",
            "é",
            "😀",
            "%",
            "%4",
            "%zz",
            "?",
            "#",
            "&",
            "=",
            "+",
            "@",
            "[",
            "]",
            ":",
            "/",
            "\\",
            "..",
            "GET",
            "post",
            "https://",
            "http://h",
            "https://[::1]",
            "https://h:65536",
            "https://h.example/v1?a=b&c",
            "Host",
            "X-Tag",
            "x-tag",
            "Content-Length",
            "Sec-X",
            AK,
            SK,
        ];
        let keys = [
            "method",
            "url",
            "headers",
            "body",
            "credentials",
            "date",
            "accessKeyId",
            "secretAccessKey",
            "securityToken",
            "X-Tag",
            "x-tag",
            "Host",
            "Cookie",
            "uri",
            "é",
        ];
        fn value(
            next: &mut dyn FnMut() -> u64,
            strings: &[&str],
            keys: &[&str],
            depth: u32,
        ) -> Input {
            match next() % 10 {
                0 => Input::Undefined,
                1 => Input::Null,
                2 => Input::Number([0.0, -1.0, 1.5, f64::NAN, 1e20, MILLIS][(next() % 6) as usize]),
                3 => Input::Date([f64::NAN, MILLIS, -5.0][(next() % 3) as usize]),
                4..=6 => {
                    let count = 1 + next() % 4;
                    let text: String = (0..count)
                        .map(|_| strings[(next() % strings.len() as u64) as usize])
                        .collect();
                    Input::String(text)
                }
                7 | 8 if depth < 2 => Input::Object(
                    (0..next() % 7)
                        .map(|_| {
                            let key = keys[(next() % keys.len() as u64) as usize].to_owned();
                            (key, value(next, strings, keys, depth + 1))
                        })
                        .collect(),
                ),
                _ => Input::Array(Vec::new()),
            }
        }
        let mut signed = 0;
        for round in 0..20_000 {
            let input = if round % 2 == 0 {
                value(&mut next, &strings, &keys, 0)
            } else {
                // Mostly valid options with one or two random values, to reach the later checks.
                let mut changes = Vec::new();
                for _ in 0..=next() % 2 {
                    let key = keys[(next() % 6) as usize];
                    changes.push((key, Some(value(&mut next, &strings, &keys, 1))));
                }
                options(changes)
            };
            match validate_sign_request(input) {
                Ok(request) => {
                    sign_request(&request, MILLIS).unwrap();
                    signed += 1;
                }
                Err(failure) => {
                    assert_eq!(failure.kind, ErrorKind::Validation);
                    assert!(failure.field.is_some() && !failure.message.is_empty());
                }
            }
        }
        assert!(signed > 100, "only {signed} inputs were valid");
    }
}
