//! Who is calling: `X-Auth-Token` checked against the fixture, or an AK/SK `SDK-HMAC-SHA256` signature
//! recomputed with the library's own signer (`kps_wasm::signing`) and compared in constant time.
//!
//! The verifier is deliberately independent of HTTP types so the official test vectors can be fed to it with
//! their own clock (`now_secs`).

use kps_wasm::signing::{
    format_sdk_date, parse_authorization, parse_sdk_date, sign, signatures_match, SignableRequest,
};

use crate::errors::ApiError;
use crate::fixture::{Credential, Fixture, Identity};
use crate::percent;

/// How far `X-Sdk-Date` may be from the emulator's clock, either way (the gateway's limit).
pub const MAX_CLOCK_SKEW_SECS: u64 = 15 * 60;

/// The parts of a request that authentication reads.
#[derive(Clone, Copy)]
pub struct AuthRequest<'a> {
    /// HTTP method.
    pub method: &'a str,
    /// The path as received, still percent-encoded (including any `/__emulator/fault/...` prefix: the client
    /// signed the path it sent).
    pub path: &'a str,
    /// The raw query string, if any.
    pub query: Option<&'a str>,
    /// Every request header, names in any case; the `Host` header must be among them.
    pub headers: &'a [(&'a str, &'a str)],
    /// The body bytes.
    pub body: &'a [u8],
}

impl AuthRequest<'_> {
    /// The first value of a header, by case-insensitive name.
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| *v)
    }
}

/// Authenticates a request: `X-Auth-Token` if present, else the `Authorization` header.
///
/// Errors: no credentials or an unknown token → 401 `KPS.9001`; any AK/SK failure → 401 `APIGW.0301`.
pub fn authenticate<'f>(
    fixture: &'f Fixture,
    req: &AuthRequest<'_>,
    now_secs: u64,
) -> Result<&'f Identity, ApiError> {
    if let Some(token) = req.header("x-auth-token") {
        return fixture
            .token(token.trim())
            .ok_or_else(|| ApiError::token("the X-Auth-Token is not a valid token"));
    }
    if let Some(authorization) = req.header("authorization") {
        return verify_aksk(fixture, req, authorization, now_secs).map(|c| &c.identity);
    }
    Err(ApiError::token(
        "the request carries neither X-Auth-Token nor an AK/SK Authorization header",
    ))
}

/// Verifies an `SDK-HMAC-SHA256` signature, the date window and, for temporary credentials, the security token.
///
/// The signature is recomputed over exactly the headers the client says it signed (`host` from the `Host`
/// header), the path as received (the signer decodes it, once), the decoded query, and the body.
pub fn verify_aksk<'f>(
    fixture: &'f Fixture,
    req: &AuthRequest<'_>,
    authorization: &str,
    now_secs: u64,
) -> Result<&'f Credential, ApiError> {
    let parsed = parse_authorization(authorization).ok_or_else(|| {
        ApiError::iam(
            "the Authorization header is not \"SDK-HMAC-SHA256 Access=..., SignedHeaders=..., Signature=...\"",
        )
    })?;

    let sdk_date = req
        .header("x-sdk-date")
        .ok_or_else(|| ApiError::iam("the X-Sdk-Date header is missing"))?;
    let signed_at = parse_sdk_date(sdk_date.trim()).ok_or_else(|| {
        ApiError::iam(format!(
            "X-Sdk-Date {sdk_date:?} is not a YYYYMMDDTHHMMSSZ date"
        ))
    })?;
    if now_secs.abs_diff(signed_at) > MAX_CLOCK_SKEW_SECS {
        let server_time = format_sdk_date(now_secs as f64 * 1000.0).unwrap_or_default();
        return Err(ApiError::iam(format!(
            "signature expired, signature time:{},server time:{server_time}",
            sdk_date.trim()
        )));
    }
    let is_signed = |name: &str| parsed.signed_headers.iter().any(|h| h == name);
    if !is_signed("x-sdk-date") {
        return Err(ApiError::iam("x-sdk-date must be one of the SignedHeaders"));
    }

    let credential = fixture.credential(&parsed.access_key_id).ok_or_else(|| {
        ApiError::iam(format!(
            "Get secretKey failed,ak:{},err:ak not exist",
            parsed.access_key_id
        ))
    })?;

    let mut host = None;
    let mut signed: Vec<(&str, &str)> = Vec::with_capacity(parsed.signed_headers.len());
    for name in &parsed.signed_headers {
        if name == "host" {
            host = Some(req.header("host").ok_or_else(|| {
                ApiError::iam("host is signed but the request has no Host header")
            })?);
            continue;
        }
        let before = signed.len();
        signed.extend(
            req.headers
                .iter()
                .filter(|(n, _)| n.eq_ignore_ascii_case(name))
                .copied(),
        );
        if signed.len() == before {
            return Err(ApiError::iam(format!(
                "signed header {name} is missing from the request"
            )));
        }
    }

    // The signer decodes the path itself (as the official signers do): give it the path as received, so
    // that an encoded `%` (`%25`) is decoded once, not twice.
    let path = req.path;
    let query_pairs = req.query.map(percent::decode_query).unwrap_or_default();
    let query: Vec<(&str, &str)> = query_pairs
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let expected = sign(
        &SignableRequest {
            method: req.method,
            host,
            path,
            query: &query,
            headers: &signed,
            body: req.body,
        },
        &parsed.access_key_id,
        &credential.secret_access_key,
        sdk_date.trim(),
    );
    if !signatures_match(&expected.signature, &parsed.signature) {
        return Err(ApiError::iam("verify aksk signature fail"));
    }

    if let Some(required) = &credential.security_token {
        let given = req.header("x-security-token").ok_or_else(|| {
            ApiError::iam("this access key is temporary: the X-Security-Token header is required")
        })?;
        if !is_signed("x-security-token") {
            return Err(ApiError::iam(
                "x-security-token must be one of the SignedHeaders",
            ));
        }
        if !signatures_match(given.trim(), required.expose()) {
            return Err(ApiError::iam("verify security token fail"));
        }
    }
    Ok(credential)
}
