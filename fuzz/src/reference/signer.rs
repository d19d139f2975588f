//! A reference SDK-HMAC-SHA256 signer, written from DESIGN.md §3 (the canonical-request rules) and the
//! documented behaviour of the official Python signer (`huaweicloudsdkcore/signer/signer.py`): escapes in the
//! path decoded before encoding, header values stripped as Python's `str.strip()` strips them, one canonical
//! line per value of a repeated header, and `X-Sdk-Content-Sha256` in place of the body hash. Percent-encoding
//! is the `percent-encoding` crate's, dates are `httpdate`'s; only the HMAC and the hash are the same crates as
//! kps-wasm's.

use std::time::{Duration, UNIX_EPOCH};

use hmac::{Hmac, KeyInit, Mac};
use percent_encoding::{percent_decode_str, utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use sha2::{Digest, Sha256};

/// Everything but `A-Za-z0-9-_.~` is encoded (in a query, `/` too).
const QUERY: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');
/// In a path, `/` separates segments and is kept.
const PATH: &AsciiSet = &QUERY.remove(b'/');

/// What the reference signs: the same parts as `kps_wasm::signing::SignableRequest`, owned.
#[derive(Clone, Debug)]
pub struct Request {
    pub method: String,
    pub host: Option<String>,
    pub path: String,
    pub query: Vec<(String, String)>,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

/// The reference's results.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Signed {
    pub canonical_request: String,
    pub string_to_sign: String,
    pub authorization: String,
}

/// Signs `request` as DESIGN.md §3 says.
pub fn sign(request: &Request, access_key_id: &str, secret_key: &str, sdk_date: &str) -> Signed {
    let mut headers: Vec<(String, String)> = request
        .host
        .iter()
        .map(|host| ("host".to_owned(), python_strip(host).to_owned()))
        .chain(
            request
                .headers
                .iter()
                .map(|(name, value)| (name.to_ascii_lowercase(), python_strip(value).to_owned())),
        )
        .collect();
    headers.sort();
    let canonical_headers: String = headers
        .iter()
        .map(|(name, value)| format!("{name}:{value}\n"))
        .collect();
    let mut names: Vec<&str> = headers.iter().map(|(name, _)| name.as_str()).collect();
    names.dedup();
    let signed_headers = names.join(";");

    let mut pairs = request.query.clone();
    pairs.sort();
    let canonical_query = pairs
        .iter()
        .map(|(key, value)| {
            format!(
                "{}={}",
                utf8_percent_encode(key, QUERY),
                utf8_percent_encode(value, QUERY)
            )
        })
        .collect::<Vec<_>>()
        .join("&");

    let decoded: Vec<u8> = percent_decode_str(&request.path).collect();
    let mut canonical_uri =
        utf8_percent_encode(&String::from_utf8_lossy(&decoded), PATH).to_string();
    if !canonical_uri.ends_with('/') {
        canonical_uri.push('/');
    }

    let declared = headers
        .iter()
        .find(|(name, _)| name == "x-sdk-content-sha256")
        .map(|(_, value)| value);
    let payload_hash = match declared {
        Some(value) if !request.body.is_empty() => value.clone(),
        _ => hex(&Sha256::digest(&request.body)),
    };

    let canonical_request = [
        request.method.to_ascii_uppercase(),
        canonical_uri,
        canonical_query,
        canonical_headers,
        signed_headers.clone(),
        payload_hash,
    ]
    .join("\n");
    let string_to_sign = format!(
        "SDK-HMAC-SHA256\n{sdk_date}\n{}",
        hex(&Sha256::digest(canonical_request.as_bytes()))
    );
    let mut mac =
        <Hmac<Sha256> as KeyInit>::new_from_slice(secret_key.as_bytes()).expect("any key length");
    mac.update(string_to_sign.as_bytes());
    let signature = hex(&mac.finalize().into_bytes());
    Signed {
        canonical_request,
        string_to_sign,
        authorization: format!(
            "SDK-HMAC-SHA256 Access={access_key_id}, SignedHeaders={signed_headers}, Signature={signature}"
        ),
    }
}

/// `X-Sdk-Date` (`YYYYMMDDTHHMMSSZ`) of epoch milliseconds, from httpdate's IMF-fixdate of that second;
/// `None` outside what it can express (before 1970, after 9999).
pub fn sdk_date(epoch_millis: f64) -> Option<String> {
    if !(0.0..253_402_300_800_000.0).contains(&epoch_millis) {
        return None;
    }
    let seconds = (epoch_millis / 1000.0).floor() as u64;
    let imf = httpdate::fmt_http_date(UNIX_EPOCH + Duration::from_secs(seconds));
    // `Sun, 06 Nov 1994 08:49:37 GMT`
    let parts: Vec<&str> = imf.split([' ', ':']).collect();
    let [_, day, month, year, hour, minute, second, "GMT"] = parts[..] else {
        return None;
    };
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let month = MONTHS.iter().position(|m| *m == month)? + 1;
    Some(format!("{year}{month:02}{day}T{hour}{minute}{second}Z"))
}

/// Python's `str.strip()`: the characters `str.isspace()` is true for, at both ends.
pub fn python_strip(value: &str) -> &str {
    const PYTHON_SPACE: &[char] = &[
        '\t', '\n', '\u{b}', '\u{c}', '\r', '\u{1c}', '\u{1d}', '\u{1e}', '\u{1f}', ' ', '\u{85}',
        '\u{a0}', '\u{1680}', '\u{2000}', '\u{2001}', '\u{2002}', '\u{2003}', '\u{2004}',
        '\u{2005}', '\u{2006}', '\u{2007}', '\u{2008}', '\u{2009}', '\u{200a}', '\u{2028}',
        '\u{2029}', '\u{202f}', '\u{205f}', '\u{3000}',
    ];
    value.trim_matches(PYTHON_SPACE)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    /// The reference is itself checked against the vectors the official signers computed: a reference that
    /// disagreed with them would prove nothing.
    #[test]
    fn the_reference_signer_reproduces_the_official_vectors() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../tests/fixtures/aksk-signing-vectors.json"
        );
        let vectors: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let mut checked = 0;
        for vector in vectors["vectors"].as_array().unwrap() {
            let input = &vector["input"];
            let text = |v: &Value| v.as_str().unwrap().to_owned();
            let headers: Vec<(String, String)> = input["headers"]
                .as_object()
                .unwrap()
                .iter()
                .map(|(k, v)| (k.clone(), text(v)))
                .collect();
            let date = headers
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case("x-sdk-date"))
                .unwrap()
                .1
                .clone();
            let request = Request {
                method: text(&input["method"]),
                host: input["host"].as_str().map(str::to_owned),
                path: text(&input["path"]),
                query: input["query"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|pair| (text(&pair[0]), text(&pair[1])))
                    .collect(),
                headers,
                body: text(&input["body"]).into_bytes(),
            };
            let signed = sign(
                &request,
                &text(&input["access_key_id"]),
                &text(&input["secret_access_key"]),
                &date,
            );
            let expected = &vector["expected"];
            assert_eq!(
                signed.canonical_request,
                text(&expected["canonical_request"]),
                "{}",
                vector["name"]
            );
            assert_eq!(
                signed.string_to_sign,
                text(&expected["string_to_sign"]),
                "{}",
                vector["name"]
            );
            assert_eq!(
                signed.authorization,
                text(&expected["authorization"]),
                "{}",
                vector["name"]
            );
            checked += 1;
        }
        assert!(checked >= 3, "{checked} vectors");
    }

    #[test]
    fn the_go_sdk_vectors_match_too() {
        let request = |method: &str, body: &str| Request {
            method: method.to_owned(),
            host: None,
            path: "/path".to_owned(),
            query: Vec::new(),
            headers: vec![("X-Sdk-Date".to_owned(), "20060102T150405Z".to_owned())],
            body: body.as_bytes().to_vec(),
        };
        let signature = |signed: Signed| {
            signed
                .authorization
                .rsplit_once("Signature=")
                .unwrap()
                .1
                .to_owned()
        };
        let get = sign(
            &request("GET", ""),
            "AccessKey",
            "SecretKey",
            "20060102T150405Z",
        );
        assert_eq!(
            signature(get),
            "eb70b3a0caf6633a8b8e4317622d8a0f6819821ec84896ceb7739a57e2d9ed76"
        );
        let post = sign(
            &request("POST", "{\"Name\":\"test\",\"Id\":1}\n"),
            "AccessKey",
            "SecretKey",
            "20060102T150405Z",
        );
        assert_eq!(
            signature(post),
            "7f587e76874c5079f7e98769ab285ee75bea28e30110ab10dec4fc4d12c32f62"
        );
    }

    #[test]
    fn sdk_dates_come_from_httpdate() {
        assert_eq!(
            sdk_date(1_795_860_900_000.0).as_deref(),
            Some("20261128T101500Z")
        );
        assert_eq!(sdk_date(0.0).as_deref(), Some("19700101T000000Z"));
        assert_eq!(sdk_date(-1.0), None);
    }
}
