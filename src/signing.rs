//! AK/SK request signing with Huawei Cloud's `SDK-HMAC-SHA256` algorithm, plus the helpers a verifier needs.
//!
//! The rules follow the official signer (`huaweicloudsdkcore/signer/signer.py`), which computed the vectors in
//! `reference/aksk-signing-vectors.json`:
//!
//! ```text
//! CanonicalRequest = METHOD \n CanonicalURI \n CanonicalQuery \n CanonicalHeaders \n SignedHeaders \n hex(sha256(body))
//! StringToSign     = SDK-HMAC-SHA256 \n X-Sdk-Date \n hex(sha256(CanonicalRequest))
//! Signature        = hex(hmac_sha256(secret key, StringToSign))
//! Authorization    = SDK-HMAC-SHA256 Access=<AK>, SignedHeaders=<a;b;c>, Signature=<hex>
//! ```
//!
//! Pure Rust with no clock: the caller supplies the date (see [`format_sdk_date`]), so this compiles and behaves the
//! same natively and in `wasm32-unknown-unknown`. No input can make these functions panic.

use core::fmt;

use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};

use crate::secret::Secret;

/// The algorithm name that starts the string to sign and the `Authorization` header.
pub const ALGORITHM: &str = "SDK-HMAC-SHA256";

/// A signed header whose value replaces the body hash, as in the official signer (e.g. `UNSIGNED-PAYLOAD`).
const CONTENT_SHA256_HEADER: &str = "x-sdk-content-sha256";

/// The largest instant `X-Sdk-Date` can express: 9999-12-31T23:59:59.999Z, in epoch milliseconds.
const MAX_EPOCH_MILLIS: f64 = 253_402_300_799_999.0;

/// Days from 0000-03-01 to 1970-01-01 in the proleptic Gregorian calendar (shifts the epoch for the era maths).
const DAYS_FROM_YEAR_0_MARCH_TO_EPOCH: u64 = 719_468;

/// Days in a 400-year Gregorian cycle.
const DAYS_PER_ERA: u64 = 146_097;

/// The parts of an HTTP request that the signature covers.
///
/// Deliberately not `Debug`: `headers` may hold `X-Security-Token`.
#[derive(Clone, Copy)]
pub struct SignableRequest<'a> {
    /// HTTP method, e.g. `"POST"`; signed upper-cased.
    pub method: &'a str,
    /// `host[:port]` signed as the `host` header; `None` leaves `host` unsigned (as in the Go SDK's own vectors).
    /// Behind a same-origin proxy this must be the upstream host, which is what the gateway sees.
    pub host: Option<&'a str>,
    /// The path as given to the HTTP client, not yet percent-encoded, e.g. `"/v3/p/keypairs/disassociate"`.
    pub path: &'a str,
    /// Decoded query pairs, in any order.
    pub query: &'a [(&'a str, &'a str)],
    /// Every other header to sign, names in any case: `Content-Type`, `X-Project-Id`, `X-Sdk-Date`,
    /// `X-Security-Token`. All of them are signed, so pass only headers the request really carries.
    pub headers: &'a [(&'a str, &'a str)],
    /// The exact body bytes sent.
    pub body: &'a [u8],
}

/// Everything [`sign`] computed; the intermediate strings are kept for tests and for debugging a rejected signature.
///
/// `Debug` omits `canonical_request`, which contains the signed header values (including any security token).
#[derive(Clone, PartialEq, Eq)]
pub struct Signature {
    /// Lower-case signed header names joined by `;`, e.g. `content-type;host;x-project-id;x-sdk-date`.
    pub signed_headers: String,
    /// The canonical request that was hashed.
    pub canonical_request: String,
    /// The string that was HMAC-ed with the secret key.
    pub string_to_sign: String,
    /// Lower-case hex HMAC-SHA256 of the string to sign.
    pub signature: String,
    /// The complete `Authorization` header value.
    pub authorization: String,
}

impl fmt::Debug for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Signature")
            .field("signed_headers", &self.signed_headers)
            .field("string_to_sign", &self.string_to_sign)
            .field("signature", &self.signature)
            .field("authorization", &self.authorization)
            .finish_non_exhaustive()
    }
}

/// The fields of an `SDK-HMAC-SHA256` `Authorization` header, as read by [`parse_authorization`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParsedAuthorization {
    /// The `Access=` value: the access key id.
    pub access_key_id: String,
    /// The `SignedHeaders=` names, in the order given (lower-case, non-empty).
    pub signed_headers: Vec<String>,
    /// The `Signature=` value: 64 lower-case hex digits.
    pub signature: String,
}

/// Signs `req` with the access key pair, using `sdk_date` (`YYYYMMDDTHHMMSSZ`) in the string to sign.
///
/// The caller must also send `sdk_date` as the `X-Sdk-Date` header and include it in `req.headers`, so that it is
/// signed. Header names are compared case-insensitively and values are trimmed; a name given twice is signed once,
/// with one canonical line per value (values sorted), as the Go SDK does. A signed `X-Sdk-Content-Sha256` header
/// replaces the body hash when the body is not empty, as in the official Python signer.
///
/// ```
/// use kps_wasm::{secret::Secret, signing::{sign, SignableRequest}};
/// let headers = [("Content-Type", "application/json"), ("X-Sdk-Date", "20261128T101500Z")];
/// let req = SignableRequest {
///     method: "GET", host: Some("kms.cn-north-4.myhuaweicloud.com"), path: "/v3/p/tasks/t",
///     query: &[], headers: &headers, body: b"",
/// };
/// let signed = sign(&req, "AK", &Secret::new("SK"), "20261128T101500Z");
/// assert!(signed.authorization.starts_with("SDK-HMAC-SHA256 Access=AK, SignedHeaders=content-type;host;x-sdk-date, Signature="));
/// ```
pub fn sign(
    req: &SignableRequest<'_>,
    access_key_id: &str,
    secret: &Secret,
    sdk_date: &str,
) -> Signature {
    let lowercase_names: Vec<String> = req
        .headers
        .iter()
        .map(|(name, _)| name.to_ascii_lowercase())
        .collect();
    let mut headers: Vec<(&str, &str)> = Vec::with_capacity(req.headers.len() + 1);
    if let Some(host) = req.host {
        headers.push(("host", trim_header_value(host)));
    }
    for (name, (_, value)) in lowercase_names.iter().zip(req.headers) {
        headers.push((name, trim_header_value(value)));
    }
    sort_pairs(&mut headers);

    let mut signed_headers = String::new();
    let mut canonical_headers = String::new();
    let mut previous: Option<&str> = None;
    for &(name, value) in &headers {
        if previous != Some(name) {
            if previous.is_some() {
                signed_headers.push(';');
            }
            signed_headers.push_str(name);
            previous = Some(name);
        }
        canonical_headers.push_str(name);
        canonical_headers.push(':');
        canonical_headers.push_str(value);
        canonical_headers.push('\n');
    }

    let declared_payload_hash = headers
        .iter()
        .find(|(name, _)| *name == CONTENT_SHA256_HEADER)
        .map(|(_, value)| *value);
    let payload_hash = match declared_payload_hash {
        Some(value) if !req.body.is_empty() => String::from(value),
        _ => hex_sha256(req.body),
    };

    let mut canonical_request = req.method.to_ascii_uppercase();
    for part in [
        canonical_uri(req.path).as_str(),
        canonical_query(req.query).as_str(),
        canonical_headers.as_str(),
        signed_headers.as_str(),
        payload_hash.as_str(),
    ] {
        canonical_request.push('\n');
        canonical_request.push_str(part);
    }

    let mut string_to_sign = String::from(ALGORITHM);
    string_to_sign.push('\n');
    string_to_sign.push_str(sdk_date);
    string_to_sign.push('\n');
    string_to_sign.push_str(&hex_sha256(canonical_request.as_bytes()));

    let mut mac = Hmac::<Sha256>::new_from_slice(secret.expose().as_bytes())
        .expect("HMAC accepts keys of any length");
    mac.update(string_to_sign.as_bytes());
    let signature = hex::encode(mac.finalize().into_bytes());

    let mut authorization = String::from(ALGORITHM);
    authorization.push_str(" Access=");
    authorization.push_str(access_key_id);
    authorization.push_str(", SignedHeaders=");
    authorization.push_str(&signed_headers);
    authorization.push_str(", Signature=");
    authorization.push_str(&signature);

    Signature {
        signed_headers,
        canonical_request,
        string_to_sign,
        signature,
        authorization,
    }
}

/// The canonical URI: percent-encodes every byte except `A-Za-z0-9-_.~` and the `/` separators (upper-case hex),
/// and always ends in `/`.
///
/// Like the official Python signer, escapes already present (`%XX`) are decoded first: the gateway sees the path
/// as sent on the wire, where `%2F` and `/` look alike after decoding, so `/a%2Fb` signs as `/a/b/`. A `%` not
/// followed by two hex digits stays a literal `%` (`%25`); bytes that do not decode as UTF-8 become U+FFFD.
///
/// ```
/// assert_eq!(kps_wasm::signing::canonical_uri("/v3/p/a b"), "/v3/p/a%20b/");
/// ```
pub fn canonical_uri(path: &str) -> String {
    let decoded = percent_decode(path);
    let decoded = String::from_utf8_lossy(&decoded);
    let mut uri = String::with_capacity(decoded.len() + 1);
    push_percent_encoded(&mut uri, decoded.as_bytes(), true);
    if !uri.ends_with('/') {
        uri.push('/');
    }
    uri
}

/// The canonical query string: pairs sorted by key, then by value (code point order of the decoded text), each
/// `key=value` percent-encoded like [`canonical_uri`] but with `/` encoded too, joined by `&`. Keys keep their case.
///
/// ```
/// let query = [("limit", "10"), ("a b", "x/y~z")];
/// assert_eq!(kps_wasm::signing::canonical_query(&query), "a%20b=x%2Fy~z&limit=10");
/// ```
pub fn canonical_query(query: &[(&str, &str)]) -> String {
    let mut pairs: Vec<(&str, &str)> = query.to_vec();
    sort_pairs(&mut pairs);
    let mut canonical = String::new();
    for (index, (key, value)) in pairs.into_iter().enumerate() {
        if index > 0 {
            canonical.push('&');
        }
        push_percent_encoded(&mut canonical, key.as_bytes(), false);
        canonical.push('=');
        push_percent_encoded(&mut canonical, value.as_bytes(), false);
    }
    canonical
}

/// Formats epoch milliseconds (the JS clock, `Date.now()`) as `X-Sdk-Date`: `YYYYMMDDTHHMMSSZ` in UTC.
///
/// Fractions of a second are dropped. `None` for NaN, infinities, negative values and instants after year 9999.
///
/// ```
/// assert_eq!(kps_wasm::signing::format_sdk_date(1_795_860_900_000.0).as_deref(), Some("20261128T101500Z"));
/// ```
pub fn format_sdk_date(epoch_millis: f64) -> Option<String> {
    // NaN compares false, so it falls outside the range too.
    if !(0.0..=MAX_EPOCH_MILLIS).contains(&epoch_millis) {
        return None;
    }
    // In range and integral after `floor`, so the cast is exact.
    let seconds = epoch_millis.floor() as u64 / 1000;
    let (year, month, day) = civil_from_days(seconds / 86_400);
    let second_of_day = seconds % 86_400;
    Some(format!(
        "{year:04}{month:02}{day:02}T{:02}{:02}{:02}Z",
        second_of_day / 3600,
        second_of_day / 60 % 60,
        second_of_day % 60
    ))
}

/// Parses an `X-Sdk-Date` (`YYYYMMDDTHHMMSSZ`, UTC) back to epoch seconds, for a verifier's clock-skew check.
///
/// Strict: exactly 16 ASCII characters, upper-case `T` and `Z`, a real calendar date from 1970 on, `HH` ≤ 23,
/// `MM` and `SS` ≤ 59. Anything else is `None`.
///
/// ```
/// assert_eq!(kps_wasm::signing::parse_sdk_date("19700102T000001Z"), Some(86_401));
/// ```
pub fn parse_sdk_date(s: &str) -> Option<u64> {
    let bytes: &[u8; 16] = s.as_bytes().try_into().ok()?;
    let [y0, y1, y2, y3, mo0, mo1, d0, d1, b'T', h0, h1, mi0, mi1, s0, s1, b'Z'] = *bytes else {
        return None;
    };
    let year = parse_digits(&[y0, y1, y2, y3])?;
    let month = parse_digits(&[mo0, mo1])?;
    let day = parse_digits(&[d0, d1])?;
    let hour = parse_digits(&[h0, h1])?;
    let minute = parse_digits(&[mi0, mi1])?;
    let second = parse_digits(&[s0, s1])?;
    let valid = year >= 1970
        && (1..=12).contains(&month)
        && day >= 1
        && day <= days_in_month(year, month)
        && hour <= 23
        && minute <= 59
        && second <= 59;
    if !valid {
        return None;
    }
    Some(days_from_civil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second)
}

/// Parses `SDK-HMAC-SHA256 Access=AK, SignedHeaders=a;b, Signature=hex`, the header every official SDK sends.
///
/// The three parameters may come in any order, separated by commas with optional spaces or tabs. `None` for
/// another algorithm, a missing, repeated, unknown or empty parameter, an access key with spaces or control
/// characters, an empty or upper-case header name, or a signature that is not 64 lower-case hex digits.
///
/// ```
/// let parsed = kps_wasm::signing::parse_authorization(
///     "SDK-HMAC-SHA256 Access=AK, SignedHeaders=host;x-sdk-date, Signature=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
/// ).unwrap();
/// assert_eq!(parsed.signed_headers, ["host", "x-sdk-date"]);
/// ```
pub fn parse_authorization(header: &str) -> Option<ParsedAuthorization> {
    let params = header.strip_prefix(ALGORITHM)?.strip_prefix(' ')?;
    let (mut access, mut signed_headers, mut signature) = (None, None, None);
    for param in params.split(',') {
        let (key, value) = param.trim_matches([' ', '\t']).split_once('=')?;
        let slot = match key {
            "Access" => &mut access,
            "SignedHeaders" => &mut signed_headers,
            "Signature" => &mut signature,
            _ => return None,
        };
        if value.is_empty() || slot.replace(value).is_some() {
            return None;
        }
    }
    let (access, signed_headers, signature) = (access?, signed_headers?, signature?);

    if !access.bytes().all(|b| b.is_ascii_graphic()) {
        return None;
    }
    let signed_headers: Vec<String> = signed_headers.split(';').map(String::from).collect();
    if !signed_headers
        .iter()
        .all(|name| is_lowercase_header_name(name))
    {
        return None;
    }
    let is_lower_hex = |b: u8| b.is_ascii_digit() || (b'a'..=b'f').contains(&b);
    if signature.len() != 64 || !signature.bytes().all(is_lower_hex) {
        return None;
    }
    Some(ParsedAuthorization {
        access_key_id: String::from(access),
        signed_headers,
        signature: String::from(signature),
    })
}

/// Compares two signatures in time that depends only on their length, so a verifier does not reveal how many
/// leading characters of a forged signature were right. (std has none; `subtle` does the same fold, and only the
/// emulator's verifier calls this: the wasm does not link it, 0 bytes.)
pub fn signatures_match(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let difference = a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y));
    // Keeps the optimiser from turning the fold into an early-exit comparison.
    core::hint::black_box(difference) == 0
}

/// Sorts by name, then value (byte order): a heapsort, O(n log n) on any input. Equal pairs are identical, so
/// stability does not matter. Not `sort_unstable`: +3.2 KB raw, +1.3 KB gzip of wasm (`sort`: +1.8 KB gzip;
/// swap it in and `cargo xtask build`).
fn sort_pairs(pairs: &mut [(&str, &str)]) {
    fn sift_down(heap: &mut [(&str, &str)], mut node: usize) {
        loop {
            let mut child = 2 * node + 1;
            if child >= heap.len() {
                return;
            }
            if child + 1 < heap.len() && heap[child] < heap[child + 1] {
                child += 1;
            }
            if heap[node] >= heap[child] {
                return;
            }
            heap.swap(node, child);
            node = child;
        }
    }
    for node in (0..pairs.len() / 2).rev() {
        sift_down(pairs, node);
    }
    for end in (1..pairs.len()).rev() {
        pairs.swap(0, end);
        sift_down(&mut pairs[..end], 0);
    }
}

/// Trims like Python's `str.strip()` in the official signer: Unicode white space plus the ASCII separators
/// U+001C–U+001F, which Rust's `trim` keeps.
fn trim_header_value(value: &str) -> &str {
    value.trim_matches(|c: char| c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c))
}

/// A non-empty HTTP token (RFC 9110) without upper-case letters: the form signed header names take.
fn is_lowercase_header_name(name: &str) -> bool {
    !name.is_empty()
        && name.bytes().all(|b| {
            b.is_ascii_lowercase() || b.is_ascii_digit() || b"!#$%&'*+-.^_`|~".contains(&b)
        })
}

/// Decodes `%XX` escapes (either hex case); anything else, including a malformed escape, is kept as is.
/// (This and [`push_percent_encoded`] by hand: the `percent-encoding` crate for both costs +0.9 KB gzip of wasm,
/// `cargo xtask build`.)
pub(crate) fn percent_decode(s: &str) -> Vec<u8> {
    let mut decoded = Vec::with_capacity(s.len());
    let mut rest = s.as_bytes();
    while let [first, tail @ ..] = rest {
        if let (b'%', [high, low, after @ ..]) = (*first, tail) {
            if let (Some(high), Some(low)) = (hex_value(*high), hex_value(*low)) {
                decoded.push(high << 4 | low);
                rest = after;
                continue;
            }
        }
        decoded.push(*first);
        rest = tail;
    }
    decoded
}

fn hex_value(digit: u8) -> Option<u8> {
    char::from(digit).to_digit(16).map(|value| value as u8)
}

/// Appends `bytes` with every byte outside `A-Za-z0-9-_.~` (and `/` when `keep_slash`) as `%XX`, upper-case hex.
/// The request's own query string is encoded with it too (RFC 3986, as the signer encodes it).
pub(crate) fn push_percent_encoded(out: &mut String, bytes: &[u8], keep_slash: bool) {
    const HEX_UPPER: &[u8; 16] = b"0123456789ABCDEF";
    for &byte in bytes {
        if byte.is_ascii_alphanumeric()
            || matches!(byte, b'-' | b'_' | b'.' | b'~')
            || (keep_slash && byte == b'/')
        {
            out.push(char::from(byte));
        } else {
            out.push('%');
            out.push(char::from(HEX_UPPER[usize::from(byte >> 4)]));
            out.push(char::from(HEX_UPPER[usize::from(byte & 0x0f)]));
        }
    }
}

fn hex_sha256(data: &[u8]) -> String {
    hex::encode(Sha256::digest(data))
}

/// ASCII digits only: `str::parse` would also take a leading `+`.
fn parse_digits(digits: &[u8]) -> Option<u64> {
    digits.iter().try_fold(0u64, |value, &digit| {
        digit
            .is_ascii_digit()
            .then(|| value * 10 + u64::from(digit - b'0'))
    })
}

fn is_leap_year(year: u64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

/// The days of `month` (1–12) in `year`.
pub(crate) fn days_in_month(year: u64, month: u64) -> u64 {
    match month {
        2 if is_leap_year(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// (year, month, day) of a day counted from 1970-01-01, for days on or after it.
///
/// Counts in 400-year eras of years that start on March 1st, so the leap day is the last day of its year and
/// month lengths repeat in a 153-day pattern (H. Hinnant, "chrono-Compatible Low-Level Date Algorithms").
/// This and [`days_from_civil`] by hand: the `time` crate for them, here and in `retry`, costs +0.4 KB gzip of
/// wasm (`cargo xtask build`).
fn civil_from_days(days: u64) -> (u64, u64, u64) {
    let shifted = days + DAYS_FROM_YEAR_0_MARCH_TO_EPOCH;
    let era = shifted / DAYS_PER_ERA;
    let day_of_era = shifted % DAYS_PER_ERA;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_from_march = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_from_march + 2) / 5 + 1;
    let month = if month_from_march < 10 {
        month_from_march + 3
    } else {
        month_from_march - 9
    };
    let year = era * 400 + year_of_era + u64::from(month <= 2);
    (year, month, day)
}

/// Days from 1970-01-01 to a valid date in 1970 or later; the inverse of [`civil_from_days`].
pub(crate) fn days_from_civil(year: u64, month: u64, day: u64) -> u64 {
    let year = year - u64::from(month <= 2);
    let era = year / 400;
    let year_of_era = year % 400;
    let month_from_march = if month > 2 { month - 3 } else { month + 9 };
    let day_of_year = (153 * month_from_march + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * DAYS_PER_ERA + day_of_era - DAYS_FROM_YEAR_0_MARCH_TO_EPOCH
}

#[cfg(test)]
mod tests {
    use super::*;

    const SDK_DATE: &str = "20261128T101500Z";

    #[test]
    fn pairs_are_sorted_as_the_standard_sort_sorts_them() {
        const WORDS: [&str; 6] = ["", "a", "A", "ab", "b", "é"];
        // A fixed pseudo-random sequence (64-bit LCG): lengths 0 to 40, with many duplicates.
        let mut state: u64 = 1;
        let mut next = |below: usize| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (state >> 33) as usize % below
        };
        for _ in 0..2_000 {
            let len = next(41);
            let mut pairs: Vec<(&str, &str)> = (0..len)
                .map(|_| (WORDS[next(WORDS.len())], WORDS[next(WORDS.len())]))
                .collect();
            let mut expected = pairs.clone();
            expected.sort();
            sort_pairs(&mut pairs);
            assert_eq!(pairs, expected);
        }
    }

    fn sign_with(req: &SignableRequest<'_>) -> Signature {
        sign(req, "AK", &Secret::new("SK"), SDK_DATE)
    }

    fn request<'a>(headers: &'a [(&'a str, &'a str)], body: &'a [u8]) -> SignableRequest<'a> {
        SignableRequest {
            method: "POST",
            host: Some("kms.cn-north-4.myhuaweicloud.com"),
            path: "/v3/p/keypairs/disassociate",
            query: &[],
            headers,
            body,
        }
    }

    // ---- format_sdk_date / parse_sdk_date ----

    #[test]
    fn the_epoch_formats_as_1970_01_01_midnight() {
        assert_eq!(format_sdk_date(0.0).as_deref(), Some("19700101T000000Z"));
        assert_eq!(parse_sdk_date("19700101T000000Z"), Some(0));
    }

    #[test]
    fn fractions_of_a_second_are_dropped_not_rounded() {
        assert_eq!(
            format_sdk_date(999.999).as_deref(),
            Some("19700101T000000Z")
        );
        assert_eq!(
            format_sdk_date(1_795_860_900_999.0).as_deref(),
            Some("20261128T101500Z")
        );
    }

    #[test]
    fn leap_days_format_and_parse_correctly() {
        // 2000 is a leap year (divisible by 400), 2100 is not (divisible by 100), 2024 and 1972 are.
        for (date, seconds) in [
            ("19720229T000000Z", 68_169_600),
            ("20000229T000000Z", 951_782_400),
            ("20000229T235959Z", 951_868_799),
            ("20000301T000000Z", 951_868_800),
            ("20240229T120000Z", 1_709_208_000),
            ("21000301T000000Z", 4_107_542_400),
        ] {
            assert_eq!(parse_sdk_date(date), Some(seconds), "{date}");
            assert_eq!(
                format_sdk_date(seconds as f64 * 1000.0).as_deref(),
                Some(date)
            );
        }
        assert_eq!(parse_sdk_date("21000229T000000Z"), None);
        assert_eq!(parse_sdk_date("20260229T000000Z"), None);
        assert_eq!(parse_sdk_date("19000229T000000Z"), None);
    }

    #[test]
    fn the_last_second_of_year_9999_is_the_latest_date() {
        let last = 253_402_300_799u64;
        assert_eq!(
            format_sdk_date(last as f64 * 1000.0 + 999.0).as_deref(),
            Some("99991231T235959Z")
        );
        assert_eq!(parse_sdk_date("99991231T235959Z"), Some(last));
        assert_eq!(format_sdk_date((last + 1) as f64 * 1000.0), None);
    }

    #[test]
    fn nan_infinite_and_negative_clocks_give_no_date() {
        for millis in [
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            -1.0,
            -0.5,
            f64::MIN,
            f64::MAX,
            1e300,
        ] {
            assert_eq!(format_sdk_date(millis), None, "{millis}");
        }
        // -0.0 is the epoch, as `Date(-0)` is in JS.
        assert_eq!(format_sdk_date(-0.0).as_deref(), Some("19700101T000000Z"));
    }

    #[test]
    fn every_day_from_1970_to_9999_matches_a_day_by_day_calendar_walk() {
        let mut days = 0;
        for year in 1970..=9999 {
            for month in 1..=12 {
                for day in 1..=days_in_month(year, month) {
                    assert_eq!(civil_from_days(days), (year, month, day), "day {days}");
                    assert_eq!(days_from_civil(year, month, day), days);
                    days += 1;
                }
            }
        }
    }

    #[test]
    fn formatted_dates_parse_back_to_the_same_second() {
        // A step that is not a multiple of a day or an hour, to visit every field value.
        let mut seconds = 0u64;
        while seconds <= 253_402_300_799 {
            let date = format_sdk_date(seconds as f64 * 1000.0).expect("in range");
            assert_eq!(parse_sdk_date(&date), Some(seconds), "{date}");
            seconds += 9_876_543;
        }
    }

    #[test]
    fn malformed_sdk_dates_are_rejected() {
        for date in [
            "",
            "20261128T101500",
            "20261128T101500Z ",
            " 20261128T101500Z",
            "20261128t101500z",
            "20261128 101500Z",
            "2026-11-28T10:15:00Z",
            "20261128T1015000Z",
            "2026112T101500Z",
            "+0261128T101500Z",
            "2026112aT101500Z",
            "20260028T101500Z",
            "20261328T101500Z",
            "20261100T101500Z",
            "20261131T101500Z",
            "20261128T240000Z",
            "20261128T106000Z",
            "20261128T101560Z",
            "19691231T235959Z",
            "00000101T000000Z",
            "２0261128T101500Z",
            "20261128T1015€Z",
        ] {
            assert_eq!(parse_sdk_date(date), None, "{date:?}");
        }
    }

    // ---- canonical_uri ----

    #[test]
    fn canonical_uri_always_ends_in_a_slash() {
        assert_eq!(
            canonical_uri("/v3/p/keypairs/disassociate"),
            "/v3/p/keypairs/disassociate/"
        );
        assert_eq!(canonical_uri("/v3/p/"), "/v3/p/");
        assert_eq!(canonical_uri("/"), "/");
        assert_eq!(canonical_uri(""), "/");
        assert_eq!(canonical_uri("//a"), "//a/");
    }

    #[test]
    fn canonical_uri_encodes_unicode_as_upper_case_utf8_escapes() {
        assert_eq!(
            canonical_uri("/v3/项目/ä"),
            "/v3/%E9%A1%B9%E7%9B%AE/%C3%A4/"
        );
    }

    #[test]
    fn canonical_uri_encodes_reserved_characters_but_keeps_unreserved_ones() {
        assert_eq!(
            canonical_uri("/a b/c+d/e=f&g;h:i@j,k!l*m'n(o)p$q?r#s/AZaz09-_.~"),
            "/a%20b/c%2Bd/e%3Df%26g%3Bh%3Ai%40j%2Ck%21l%2Am%27n%28o%29p%24q%3Fr%23s/AZaz09-_.~/"
        );
    }

    #[test]
    fn canonical_uri_decodes_existing_escapes_before_encoding_like_the_python_sdk() {
        assert_eq!(canonical_uri("/a%20b"), "/a%20b/");
        assert_eq!(canonical_uri("/%e9%a1%b9"), "/%E9%A1%B9/");
        assert_eq!(canonical_uri("/%7E%41"), "/~A/");
        // An encoded slash becomes a separator: `/a%2Fb` and `/a/b` sign the same.
        assert_eq!(canonical_uri("/a%2Fb"), "/a/b/");
        assert_eq!(canonical_uri("/a%2fb"), canonical_uri("/a/b"));
    }

    #[test]
    fn canonical_uri_keeps_malformed_escapes_as_literal_percent_signs() {
        assert_eq!(canonical_uri("/100%"), "/100%25/");
        assert_eq!(canonical_uri("/%zz/%4"), "/%25zz/%254/");
        assert_eq!(canonical_uri("/%%41"), "/%25A/");
        // A decoded byte that is not UTF-8 becomes U+FFFD, as Python's `unquote` does.
        assert_eq!(canonical_uri("/%FF"), "/%EF%BF%BD/");
    }

    // ---- canonical_query ----

    #[test]
    fn canonical_query_sorts_keys_then_values_and_encodes_both() {
        let query = [
            ("b", "2"),
            ("a", "z"),
            ("a", "y"),
            ("A", "1"),
            ("a b", "x/y~z+w"),
        ];
        assert_eq!(canonical_query(&query), "A=1&a=y&a=z&a%20b=x%2Fy~z%2Bw&b=2");
    }

    #[test]
    fn canonical_query_keeps_empty_values_and_is_empty_without_pairs() {
        assert_eq!(canonical_query(&[("marker", "")]), "marker=");
        assert_eq!(canonical_query(&[]), "");
    }

    #[test]
    fn canonical_query_matches_the_go_sdk_encoding_test() {
        // huaweicloud-sdk-go-v3 core/auth/signer/signer_test.go, TestSigner_canonicalQueryString.
        let query = [
            ("limit", "1"),
            ("enable", "true"),
            ("test", "一 (&=?!#%.*)"),
            ("path", "/tmp/123"),
            ("multi", "3"),
            ("multi", "1"),
            ("multi", "2"),
        ];
        assert_eq!(
            canonical_query(&query),
            "enable=true&limit=1&multi=1&multi=2&multi=3&path=%2Ftmp%2F123&test=%E4%B8%80%20%28%26%3D%3F%21%23%25.%2A%29"
        );
    }

    // ---- sign ----

    #[test]
    fn header_names_are_lowercased_sorted_and_values_trimmed() {
        let headers = [
            ("X-Sdk-Date", SDK_DATE),
            ("CONTENT-type", "  application/json \t"),
            ("X-Project-Id", "\u{a0}p\u{1f}"),
        ];
        let signed = sign_with(&request(&headers, b"{}"));
        assert_eq!(
            signed.signed_headers,
            "content-type;host;x-project-id;x-sdk-date"
        );
        assert!(signed.canonical_request.contains(
            "\ncontent-type:application/json\nhost:kms.cn-north-4.myhuaweicloud.com\nx-project-id:p\nx-sdk-date:20261128T101500Z\n\n"
        ));
    }

    #[test]
    fn header_name_case_does_not_change_the_signature() {
        let lower = [
            ("content-type", "application/json"),
            ("x-sdk-date", SDK_DATE),
        ];
        let mixed = [
            ("X-SDK-DATE", SDK_DATE),
            ("Content-Type", "application/json"),
        ];
        assert_eq!(
            sign_with(&request(&lower, b"{}")),
            sign_with(&request(&mixed, b"{}"))
        );
    }

    #[test]
    fn a_header_given_twice_is_signed_once_with_both_values() {
        let headers = [("X-Sdk-Date", SDK_DATE), ("X-Tag", "b"), ("x-tag", "a")];
        let signed = sign_with(&request(&headers, b""));
        assert_eq!(signed.signed_headers, "host;x-sdk-date;x-tag");
        assert!(signed.canonical_request.contains("\nx-tag:a\nx-tag:b\n\n"));
    }

    #[test]
    fn without_a_host_only_the_given_headers_are_signed() {
        let headers = [("X-Sdk-Date", SDK_DATE)];
        let signed = sign_with(&SignableRequest {
            host: None,
            ..request(&headers, b"")
        });
        assert_eq!(signed.signed_headers, "x-sdk-date");
    }

    #[test]
    fn the_method_is_signed_upper_case() {
        let headers = [("X-Sdk-Date", SDK_DATE)];
        let lower = sign_with(&SignableRequest {
            method: "post",
            ..request(&headers, b"")
        });
        assert!(lower
            .canonical_request
            .starts_with("POST\n/v3/p/keypairs/disassociate/\n\n"));
        assert_eq!(lower, sign_with(&request(&headers, b"")));
    }

    #[test]
    fn the_string_to_sign_uses_the_given_sdk_date() {
        let headers = [("X-Sdk-Date", SDK_DATE)];
        let signed = sign(
            &request(&headers, b""),
            "AK",
            &Secret::new("SK"),
            "20300101T000000Z",
        );
        assert!(signed
            .string_to_sign
            .starts_with("SDK-HMAC-SHA256\n20300101T000000Z\n"));
    }

    #[test]
    fn the_body_hash_is_the_sha256_of_the_exact_bytes() {
        let headers = [("X-Sdk-Date", SDK_DATE)];
        let empty = sign_with(&request(&headers, b""));
        assert!(empty
            .canonical_request
            .ends_with("\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
        assert_ne!(
            sign_with(&request(&headers, b"{}")).signature,
            sign_with(&request(&headers, b"{} ")).signature
        );
    }

    #[test]
    fn a_signed_content_sha256_header_replaces_the_hash_of_a_non_empty_body() {
        let headers = [
            ("X-Sdk-Date", SDK_DATE),
            ("X-Sdk-Content-Sha256", "UNSIGNED-PAYLOAD"),
        ];
        assert!(sign_with(&request(&headers, b"data"))
            .canonical_request
            .ends_with("\nUNSIGNED-PAYLOAD"));
        // The Python signer ignores it for an empty body.
        assert!(sign_with(&request(&headers, b""))
            .canonical_request
            .ends_with("\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
    }

    #[test]
    fn the_secret_key_and_the_access_key_change_the_signature() {
        let headers = [("X-Sdk-Date", SDK_DATE)];
        let req = request(&headers, b"");
        let base = sign(&req, "AK", &Secret::new("SK"), SDK_DATE);
        assert_ne!(
            base.signature,
            sign(&req, "AK", &Secret::new("SK2"), SDK_DATE).signature
        );
        let other_ak = sign(&req, "AK2", &Secret::new("SK"), SDK_DATE);
        assert_eq!(base.signature, other_ak.signature);
        assert_ne!(base.authorization, other_ak.authorization);
    }

    #[test]
    fn signature_debug_output_leaves_out_the_signed_header_values() {
        let headers = [
            ("X-Sdk-Date", SDK_DATE),
            ("X-Security-Token", "temporary-token-value"),
        ];
        let signed = sign_with(&request(&headers, b""));
        assert!(signed.canonical_request.contains("temporary-token-value"));
        let debug = format!("{signed:?}");
        assert!(!debug.contains("temporary-token-value"), "{debug}");
        assert!(debug.contains(&signed.signature));
    }

    // ---- parse_authorization ----

    const SIGNATURE: &str = "71a5323ce090669ffe288a00bc2fa74a0b85412da1ab580e17a415d64a8da548";

    #[test]
    fn parse_authorization_reads_the_header_the_python_sdk_sends() {
        let header = "SDK-HMAC-SHA256 Access=AKTESTAKTESTAKTEST01, SignedHeaders=content-type;host;user-agent;x-project-id;x-sdk-date, Signature=71a5323ce090669ffe288a00bc2fa74a0b85412da1ab580e17a415d64a8da548";
        let parsed = parse_authorization(header).expect("official header");
        assert_eq!(parsed.access_key_id, "AKTESTAKTESTAKTEST01");
        assert_eq!(
            parsed.signed_headers,
            [
                "content-type",
                "host",
                "user-agent",
                "x-project-id",
                "x-sdk-date"
            ]
        );
        assert_eq!(parsed.signature, SIGNATURE);
    }

    #[test]
    fn parse_authorization_reads_what_sign_produces() {
        let headers = [
            ("Content-Type", "application/json"),
            ("X-Sdk-Date", SDK_DATE),
        ];
        let signed = sign_with(&request(&headers, b"{}"));
        let parsed = parse_authorization(&signed.authorization).expect("own header");
        assert_eq!(parsed.access_key_id, "AK");
        assert_eq!(parsed.signed_headers.join(";"), signed.signed_headers);
        assert_eq!(parsed.signature, signed.signature);
    }

    #[test]
    fn parse_authorization_accepts_any_parameter_order_and_spacing() {
        let header =
            format!("SDK-HMAC-SHA256 Signature={SIGNATURE},SignedHeaders=host ,\tAccess=AK");
        let parsed = parse_authorization(&header).expect("reordered header");
        assert_eq!(parsed.access_key_id, "AK");
        assert_eq!(parsed.signed_headers, ["host"]);
    }

    #[test]
    fn parse_authorization_rejects_malformed_headers() {
        let good = format!("Access=AK, SignedHeaders=host;x-sdk-date, Signature={SIGNATURE}");
        let upper = SIGNATURE.to_ascii_uppercase();
        let cases = [
            String::new(),
            good.clone(),
            format!("SDK-HMAC-SHA256{good}"),
            format!("sdk-hmac-sha256 {good}"),
            format!("SDK-HMAC-SM3 {good}"),
            format!("V11-HMAC-SHA256 {good}"),
            format!("Bearer {good}"),
            format!("SDK-HMAC-SHA256 {good},"),
            format!("SDK-HMAC-SHA256 {good}, Access=AK"),
            format!("SDK-HMAC-SHA256 {good}, Region=x"),
            format!("SDK-HMAC-SHA256 SignedHeaders=host, Signature={SIGNATURE}"),
            "SDK-HMAC-SHA256 Access=AK, SignedHeaders=host".to_string(),
            format!("SDK-HMAC-SHA256 Access=AK, Signature={SIGNATURE}"),
            format!("SDK-HMAC-SHA256 Access=, SignedHeaders=host, Signature={SIGNATURE}"),
            format!("SDK-HMAC-SHA256 Access=A K, SignedHeaders=host, Signature={SIGNATURE}"),
            format!("SDK-HMAC-SHA256 Access AK, SignedHeaders=host, Signature={SIGNATURE}"),
            format!("SDK-HMAC-SHA256 Access=AK, SignedHeaders=, Signature={SIGNATURE}"),
            format!(
                "SDK-HMAC-SHA256 Access=AK, SignedHeaders=host;;x-sdk-date, Signature={SIGNATURE}"
            ),
            format!("SDK-HMAC-SHA256 Access=AK, SignedHeaders=host;, Signature={SIGNATURE}"),
            format!("SDK-HMAC-SHA256 Access=AK, SignedHeaders=Host, Signature={SIGNATURE}"),
            format!("SDK-HMAC-SHA256 Access=AK, SignedHeaders=x sdk, Signature={SIGNATURE}"),
            format!("SDK-HMAC-SHA256 Access=AK, SignedHeaders=host, Signature={upper}"),
            "SDK-HMAC-SHA256 Access=AK, SignedHeaders=host, Signature=abc".to_string(),
            format!("SDK-HMAC-SHA256 Access=AK, SignedHeaders=host, Signature={SIGNATURE}0"),
            format!(
                "SDK-HMAC-SHA256 Access=AK, SignedHeaders=host, Signature={}g",
                &SIGNATURE[1..]
            ),
        ];
        for header in &cases {
            assert_eq!(parse_authorization(header), None, "{header:?}");
        }
    }

    // ---- signatures_match ----

    #[test]
    fn signatures_match_only_when_every_character_is_equal() {
        assert!(signatures_match(SIGNATURE, SIGNATURE));
        assert!(signatures_match("", ""));
        let mut last_changed = String::from(&SIGNATURE[..63]);
        last_changed.push('9');
        assert!(!signatures_match(SIGNATURE, &last_changed));
        let first_changed = format!("0{}", &SIGNATURE[1..]);
        assert!(!signatures_match(SIGNATURE, &first_changed));
        assert!(!signatures_match(SIGNATURE, &SIGNATURE[..63]));
        assert!(!signatures_match(SIGNATURE, ""));
        assert!(!signatures_match(
            SIGNATURE,
            &SIGNATURE.to_ascii_uppercase()
        ));
    }

    #[test]
    fn a_signature_with_two_characters_swapped_does_not_match() {
        // Two differences that are the same bits ('7' ^ '1' at both places): they must not cancel out.
        let swapped = format!("17{}", &SIGNATURE[2..]);
        assert!(SIGNATURE.starts_with("71"));
        assert!(!signatures_match(SIGNATURE, &swapped));
        assert!(!signatures_match("ab", "ba"));
    }
}
