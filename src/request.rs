//! Building the exact request a call sends: method, URL, headers (token or AK/SK signature) and body.
//! Pure: the clock and the JSON body are inputs, so the bytes on the wire are tested natively.

use crate::endpoint::Endpoint;
use crate::error::Failure;
use crate::options::{ClientOptions, Credentials};
use crate::signing::{format_sdk_date, push_percent_encoded, sign, SignableRequest};

/// `Content-Type` of every request (the official SDKs send this; it is signed with AK/SK).
pub const CONTENT_TYPE: &str = "application/json;charset=UTF-8";

/// A request ready for `fetch`.
pub struct PreparedRequest {
    pub method: &'static str,
    pub url: String,
    /// Header names as the official SDKs spell them; values may be secrets (never print them).
    pub headers: Vec<(&'static str, String)>,
    pub body: Option<String>,
}

impl PreparedRequest {
    /// The secrets this request carries beyond the call's own: the `Authorization` value of a signed request,
    /// and its signature alone (a server may echo either).
    pub fn signature_secrets(&self) -> Vec<String> {
        let Some((_, authorization)) = self
            .headers
            .iter()
            .find(|(name, _)| *name == "Authorization")
        else {
            return Vec::new();
        };
        let mut secrets = vec![authorization.clone()];
        if let Some((_, signature)) = authorization.rsplit_once("Signature=") {
            secrets.push(signature.to_owned());
        }
        secrets
    }
}

impl core::fmt::Debug for PreparedRequest {
    // Headers and body carry tokens, signatures and private keys: show only their names.
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let names: Vec<&str> = self.headers.iter().map(|(name, _)| *name).collect();
        f.debug_struct("PreparedRequest")
            .field("method", &self.method)
            .field("url", &self.url)
            .field("headers", &names)
            .field("body", &self.body.as_ref().map(|body| body.len()))
            .finish()
    }
}

/// One API operation: `path` is below the endpoint (`/v3/{project_id}/…`), already percent-encoded where
/// needed (project and task IDs are validated to need no encoding).
pub struct Operation<'a> {
    /// The operation's name in the official SDKs (`DisassociateKeypair`, `ListKeypairTask`…), which
    /// `onResponse` reports.
    pub name: &'static str,
    pub method: &'static str,
    pub path: String,
    pub query: &'a [(&'a str, String)],
    pub body: Option<String>,
}

/// Builds the request for `operation`, authenticated with a token or signed with AK/SK at `now_millis`
/// (milliseconds since the Unix epoch, from the JS clock).
pub fn prepare(
    operation: Operation<'_>,
    project_id: &str,
    client: &ClientOptions,
    now_millis: f64,
) -> Result<PreparedRequest, Failure> {
    let mut url = String::with_capacity(client.endpoint.base.len() + operation.path.len() + 32);
    url.push_str(&client.endpoint.base);
    url.push_str(&operation.path);
    let query = encode_query(operation.query);
    if !query.is_empty() {
        url.push('?');
        url.push_str(&query);
    }
    let mut headers: Vec<(&'static str, String)> = vec![
        ("Content-Type", CONTENT_TYPE.to_owned()),
        ("X-Project-Id", project_id.to_owned()),
    ];
    match &client.credentials {
        Credentials::Token(token) => headers.push(("X-Auth-Token", token.expose().to_owned())),
        Credentials::AccessKey {
            access_key_id,
            secret_access_key,
            security_token,
        } => {
            let Some(date) = format_sdk_date(now_millis) else {
                // Every validation failure names an option: here the credentials that need a date to sign.
                return Err(Failure::invalid(
                    "credentials",
                    "the system clock gives no valid date to sign with (AK/SK signing needs the current time)",
                ));
            };
            headers.push(("X-Sdk-Date", date.clone()));
            if let Some(token) = security_token {
                headers.push(("X-Security-Token", token.expose().to_owned()));
            }
            let authorization = {
                let signed: Vec<(&str, &str)> = headers
                    .iter()
                    .map(|(name, value)| (*name, value.as_str()))
                    .collect();
                let query: Vec<(&str, &str)> = operation
                    .query
                    .iter()
                    .map(|(k, v)| (*k, v.as_str()))
                    .collect();
                let (host, path) = signing_target(&client.endpoint, &operation.path)?;
                sign(
                    &SignableRequest {
                        method: operation.method,
                        host: Some(host),
                        path: &path,
                        query: &query,
                        headers: &signed,
                        body: operation.body.as_deref().unwrap_or("").as_bytes(),
                    },
                    access_key_id,
                    secret_access_key,
                    &date,
                )
                .authorization
            };
            headers.push(("Authorization", authorization));
        }
    }
    Ok(PreparedRequest {
        method: operation.method,
        url,
        headers,
        body: operation.body,
    })
}

/// The host and path the gateway will verify the signature against: the endpoint's own host and full
/// path for an absolute endpoint; behind a proxy (`signingHost` given, the endpoint relative or absolute),
/// `signingHost` and the path below the proxy's prefix, which the proxy is expected to strip.
fn signing_target<'a>(endpoint: &'a Endpoint, path: &str) -> Result<(&'a str, String), Failure> {
    let Some(host) = endpoint.signing_host.as_deref() else {
        return Err(Failure::invalid(
            "signingHost",
            "signing with credentials behind a relative endpoint needs the upstream host: set signingHost \
             (e.g. 'kms.cn-north-4.myhuaweicloud.com')",
        ));
    };
    if endpoint.proxied {
        return Ok((host, path.to_owned()));
    }
    let prefix = match endpoint.base.split_once("://") {
        Some((_, rest)) => rest.find('/').map_or("", |slash| &rest[slash..]),
        None => "",
    };
    let mut full = String::with_capacity(prefix.len() + path.len());
    full.push_str(prefix);
    full.push_str(path);
    Ok((host, full))
}

/// `k=v&…` with RFC 3986 encoding (the signer canonicalises separately).
fn encode_query(query: &[(&str, String)]) -> String {
    let mut out = String::new();
    for (key, value) in query {
        if !out.is_empty() {
            out.push('&');
        }
        push_percent_encoded(&mut out, key.as_bytes(), false);
        out.push('=');
        push_percent_encoded(&mut out, value.as_bytes(), false);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::Input;
    use crate::options::{validate_disassociate, Environment};
    use crate::signing::parse_sdk_date;
    use serde_json::Value;

    const VECTORS: &str = include_str!("../tests/fixtures/aksk-signing-vectors.json");

    fn string(s: &str) -> Input {
        Input::String(s.to_owned())
    }

    fn node() -> Environment {
        Environment {
            relative_endpoints_allowed: false,
        }
    }

    /// The request kps-wasm builds for a vector's inputs, through validation, the body writer and signing.
    fn build_from_vector(vector: &Value) -> (PreparedRequest, String) {
        let input = &vector["input"];
        let body: Value = serde_json::from_str(input["body"].as_str().unwrap()).unwrap();
        let server = &body["server"];
        let host = input["host"].as_str().unwrap();
        let scheme = if host.starts_with("127.0.0.1") {
            "http"
        } else {
            "https"
        };
        let mut options = vec![
            ("endpoint".to_owned(), string(&format!("{scheme}://{host}"))),
            (
                "projectId".to_owned(),
                string(input["headers"]["X-Project-Id"].as_str().unwrap()),
            ),
            (
                "serverId".to_owned(),
                string(server["id"].as_str().unwrap()),
            ),
        ];
        let mut credentials = vec![
            (
                "accessKeyId".to_owned(),
                string(input["access_key_id"].as_str().unwrap()),
            ),
            (
                "secretAccessKey".to_owned(),
                string(input["secret_access_key"].as_str().unwrap()),
            ),
        ];
        if let Some(token) = input["headers"]["X-Security-Token"].as_str() {
            credentials.push(("securityToken".to_owned(), string(token)));
        }
        options.push(("credentials".to_owned(), Input::Object(credentials)));
        if let Some(auth) = server.get("auth") {
            let auth = vec![
                ("type".to_owned(), string(auth["type"].as_str().unwrap())),
                ("key".to_owned(), string(auth["key"].as_str().unwrap())),
            ];
            options.push(("auth".to_owned(), Input::Object(auth)));
        }
        let validated = validate_disassociate(Input::Object(options), &node())
            .expect("the vector's inputs are valid");
        let wire_body = validated.request.to_json();
        let date = input["headers"]["X-Sdk-Date"].as_str().unwrap();
        let now = parse_sdk_date(date).unwrap() as f64 * 1000.0;
        let operation = Operation {
            name: "DisassociateKeypair",
            method: "POST",
            path: format!("/v3/{}/keypairs/disassociate", validated.project_id),
            query: &[],
            body: Some(wire_body.clone()),
        };
        let request = prepare(operation, &validated.project_id, &validated.client, now).unwrap();
        (request, wire_body)
    }

    #[test]
    fn every_disassociate_vector_is_sent_with_the_official_body_headers_and_signature() {
        let vectors: Value = serde_json::from_str(VECTORS).unwrap();
        let mut checked = 0;
        for vector in vectors["vectors"].as_array().unwrap() {
            if !vector["input"]["path"]
                .as_str()
                .unwrap()
                .ends_with("/keypairs/disassociate")
            {
                continue;
            }
            let name = vector["name"].as_str().unwrap();
            let (request, body) = build_from_vector(vector);
            assert_eq!(
                body,
                vector["input"]["body"].as_str().unwrap(),
                "{name}: body"
            );
            assert_eq!(request.body.as_deref(), Some(body.as_str()));
            let header = |wanted: &str| {
                request
                    .headers
                    .iter()
                    .find(|(n, _)| *n == wanted)
                    .map(|(_, v)| v.clone())
            };
            for (wanted, value) in vector["input"]["headers"].as_object().unwrap() {
                assert_eq!(
                    header(wanted).as_deref(),
                    value.as_str(),
                    "{name}: {wanted}"
                );
            }
            assert_eq!(
                header("Authorization").as_deref(),
                vector["expected"]["authorization"].as_str(),
                "{name}: Authorization"
            );
            assert!(
                request
                    .url
                    .ends_with(vector["input"]["path"].as_str().unwrap()),
                "{name}"
            );
            checked += 1;
        }
        assert!(checked >= 4, "only {checked} disassociate vectors found");
    }

    #[test]
    fn a_token_request_carries_the_token_and_no_signature() {
        let options = vec![
            ("region".to_owned(), string("cn-north-4")),
            ("token".to_owned(), string("MIIabc-token")),
            (
                "projectId".to_owned(),
                string("0a1b2c3d4e5f60718293a4b5c6d7e8f9"),
            ),
            (
                "serverId".to_owned(),
                string("d76baba7-ef09-40a2-87ff-3eafec0696e7"),
            ),
        ];
        let validated = validate_disassociate(Input::Object(options), &node()).unwrap();
        let operation = Operation {
            name: "DisassociateKeypair",
            method: "POST",
            path: "/v3/0a1b2c3d4e5f60718293a4b5c6d7e8f9/keypairs/disassociate".to_owned(),
            query: &[],
            body: Some("{}".to_owned()),
        };
        let request = prepare(operation, &validated.project_id, &validated.client, 0.0).unwrap();
        assert_eq!(
            request.url,
            "https://kms.cn-north-4.myhuaweicloud.com/v3/0a1b2c3d4e5f60718293a4b5c6d7e8f9/keypairs/disassociate"
        );
        let names: Vec<&str> = request.headers.iter().map(|(n, _)| *n).collect();
        assert_eq!(names, ["Content-Type", "X-Project-Id", "X-Auth-Token"]);
        assert_eq!(request.headers[0].1, CONTENT_TYPE);
        assert_eq!(request.headers[2].1, "MIIabc-token");
        assert_eq!(
            format!("{request:?}"),
            "PreparedRequest { method: \"POST\", url: \"https://kms.cn-north-4.myhuaweicloud.com/v3/\
             0a1b2c3d4e5f60718293a4b5c6d7e8f9/keypairs/disassociate\", headers: [\"Content-Type\", \
             \"X-Project-Id\", \"X-Auth-Token\"], body: Some(2) }",
            "Debug shows the method, URL, header names and body length, never a header's value"
        );
        assert_eq!(
            request.signature_secrets(),
            Vec::<String>::new(),
            "a token request carries no secret but the call's own token"
        );
    }

    #[test]
    fn a_signed_request_names_its_authorization_and_its_signature_as_secrets_to_mask() {
        let vectors: Value = serde_json::from_str(VECTORS).unwrap();
        let vector = vectors["vectors"]
            .as_array()
            .unwrap()
            .iter()
            .find(|vector| {
                vector["input"]["path"]
                    .as_str()
                    .unwrap()
                    .ends_with("/keypairs/disassociate")
            })
            .expect("a disassociate vector");
        let (request, _) = build_from_vector(vector);
        let authorization = vector["expected"]["authorization"].as_str().unwrap();
        let signature = authorization.rsplit_once("Signature=").unwrap().1;
        assert_eq!(signature.len(), 64, "{authorization}");
        assert_eq!(
            request.signature_secrets(),
            [authorization.to_owned(), signature.to_owned()]
        );
    }

    #[test]
    fn an_absolute_endpoint_with_a_path_prefix_signs_the_full_path_and_a_proxy_the_upstream_path() {
        let absolute = Endpoint {
            base: "http://127.0.0.1:8787/__emulator/fault/delay=1".to_owned(),
            signing_host: Some("127.0.0.1:8787".to_owned()),
            proxied: false,
        };
        let (host, path) = signing_target(&absolute, "/v3/p/keypairs/disassociate").unwrap();
        assert_eq!(host, "127.0.0.1:8787");
        assert_eq!(path, "/__emulator/fault/delay=1/v3/p/keypairs/disassociate");
        let absolute_proxy = Endpoint {
            base: "https://gateway.example.com/kps".to_owned(),
            signing_host: Some("kms.cn-north-4.myhuaweicloud.com".to_owned()),
            proxied: true,
        };
        let (host, path) = signing_target(&absolute_proxy, "/v3/p/keypairs/disassociate").unwrap();
        assert_eq!(
            (host, path.as_str()),
            (
                "kms.cn-north-4.myhuaweicloud.com",
                "/v3/p/keypairs/disassociate"
            )
        );
        let relative = Endpoint {
            base: "/kps".to_owned(),
            signing_host: Some("kms.cn-north-4.myhuaweicloud.com".to_owned()),
            proxied: true,
        };
        let (host, path) = signing_target(&relative, "/v3/p/tasks/t").unwrap();
        assert_eq!(
            (host, path.as_str()),
            ("kms.cn-north-4.myhuaweicloud.com", "/v3/p/tasks/t")
        );
        let unsigned = Endpoint {
            base: "/kps".to_owned(),
            signing_host: None,
            proxied: false,
        };
        let failure = signing_target(&unsigned, "/v3").unwrap_err();
        assert_eq!(failure.field.as_deref(), Some("signingHost"));
    }

    #[test]
    fn query_values_are_percent_encoded_in_the_url() {
        let query = [("limit", "10".to_owned()), ("a b", "x/y~z".to_owned())];
        assert_eq!(encode_query(&query), "limit=10&a%20b=x%2Fy~z");
    }
}
