//! What a failure usually means, said in its message: the words a user needs once a request has left and the
//! answer (or its absence) does not say what to fix.
//!
//! - No response ([`no_response`]): the host that was tried, the runtime's reason in words (Node reports
//!   `ECONNREFUSED`, `ENOTFOUND`, certificate errors… as the `code` of its `TypeError: fetch failed`'s cause),
//!   and, in a browser, which tells a script nothing, what usually causes it there (CORS, for an endpoint of
//!   another origin) without claiming to know which.
//! - An answer whose usual cause is the caller's setup ([`explain_answer`]): an API the gateway does not know
//!   (`APIGW.0101`, a bare 404) gets the URL path requested and what `endpoint` should be; a relative endpoint
//!   that answers something other than KPS is probably a page server without a proxy; `KPS.9001`, `KPS.9003`,
//!   `APIGW.0301`, `KPS.6004`, `KPS.6005` and `KPS.6009` get their likely causes.
//!
//! Pure, and tested natively; the transport and the call ([`crate::response`]'s callers in `src/wasm/`) apply
//! it. Every text added to a message here that did not come from this crate passes through the call's
//! [`Masker`]: the runtime's description of a failed fetch (a page's own fetch may print the request) and the
//! URL path (the endpoint is the user's). The query is never shown; the endpoint has no user info (refused by
//! validation, [`crate::endpoint`]).

use crate::endpoint::Endpoint;
use crate::error::{ErrorKind, Failure};
use crate::identifiers::is_identifier;
use crate::masking::Masker;
use crate::response::excerpt;

/// What the runtime reported when a request got no response.
#[derive(Debug, Default)]
pub struct NoResponse<'a> {
    /// `name: message` of the value `fetch` threw, and of its `cause` when it has one.
    pub description: &'a str,
    /// The `code` of that cause (Node's `ECONNREFUSED`…), or of the value itself; ignored unless it has an
    /// identifier's shape.
    pub code: Option<&'a str>,
    /// Whether the URL's origin is not the page's: `None` where there is no page (Node).
    pub cross_origin: Option<bool>,
}

/// Where a request went, for a message: the host (with its port) of an absolute URL, or this page's origin
/// for a relative one. The URL is one that [`crate::request::prepare`] built: no user info.
pub fn target(url: &str) -> String {
    match url.split_once("://") {
        Some((_, rest)) => rest[..rest.find(['/', '?']).unwrap_or(rest.len())].to_owned(),
        None => "this page's origin".to_owned(),
    }
}

/// The path of a URL that [`crate::request::prepare`] built, without its query.
fn path_of(url: &str) -> &str {
    let path = match url.split_once("://") {
        Some((_, rest)) => rest.find('/').map_or("", |start| &rest[start..]),
        None => url,
    };
    path.split('?').next().unwrap_or_default()
}

/// What Node's codes for a connection that failed mean, in words.
const CODES: &[(&str, &str)] = &[
    (
        "ECONNREFUSED",
        "the connection was refused: nothing listens at that address and port; check endpoint, and that the \
         service or proxy there is running",
    ),
    (
        "ENOTFOUND",
        "the host name was not found (DNS): check region or endpoint for a typo, and this machine's DNS",
    ),
    (
        "EAI_AGAIN",
        "the host name could not be looked up (DNS): check this machine's network and DNS server",
    ),
    (
        "ECONNRESET",
        "the connection was reset: a proxy or firewall on the way may have cut it",
    ),
    (
        "ETIMEDOUT",
        "connecting timed out: a firewall may drop the traffic, or this network reaches the internet only \
         through a proxy",
    ),
    (
        "UND_ERR_CONNECT_TIMEOUT",
        "connecting timed out: a firewall may drop the traffic, or this network reaches the internet only \
         through a proxy",
    ),
    (
        "EHOSTUNREACH",
        "the host cannot be reached from this machine (no route to it)",
    ),
    (
        "ENETUNREACH",
        "the network cannot be reached from this machine (no route to it)",
    ),
    (
        "UND_ERR_SOCKET",
        "the server closed the connection before it answered",
    ),
    (
        "EPROTO",
        "the TLS handshake failed: does the endpoint say https:// for a server that speaks plain http?",
    ),
    (
        "ERR_SSL_WRONG_VERSION_NUMBER",
        "the TLS handshake failed: does the endpoint say https:// for a server that speaks plain http?",
    ),
    (
        "ERR_TLS_CERT_ALTNAME_INVALID",
        "the server's certificate is for another host name: check the host in endpoint",
    ),
    (
        "CERT_HAS_EXPIRED",
        "the server's certificate has expired (or this machine's clock is wrong)",
    ),
    (
        "CERT_NOT_YET_VALID",
        "the server's certificate is not valid yet (or this machine's clock is wrong)",
    ),
];

/// Node's codes for a certificate that could not be verified: usually a proxy that inspects TLS.
const UNVERIFIED_CERTIFICATE_CODES: &[&str] = &[
    "DEPTH_ZERO_SELF_SIGNED_CERT",
    "SELF_SIGNED_CERT_IN_CHAIN",
    "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
    "UNABLE_TO_GET_ISSUER_CERT",
    "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
    "CERT_UNTRUSTED",
    "CERT_SIGNATURE_FAILURE",
    "CERT_REVOKED",
];

/// What a code means, when it is one of Node's for a failed connection.
fn meaning_of(code: &str) -> Option<&'static str> {
    if UNVERIFIED_CERTIFICATE_CODES.contains(&code) {
        return Some(
            "the server's certificate could not be verified: a proxy or firewall that inspects TLS needs its \
             CA certificate given to Node (NODE_EXTRA_CA_CERTS=ca.pem)",
        );
    }
    CODES
        .iter()
        .find(|(known, _)| *known == code)
        .map(|(_, meaning)| *meaning)
}

/// The failure of a request to `url` that got no response: where it went, why (as far as the runtime says),
/// and what the runtime reported, its secrets masked.
pub fn no_response(url: &str, report: &NoResponse, masker: &Masker) -> Failure {
    let mut message = ["no response from ", &target(url)].concat();
    let code = report.code.filter(|code| is_identifier(code, 64));
    match (code, report.cross_origin) {
        (Some(code), _) => {
            if let Some(meaning) = meaning_of(code) {
                message.push_str(": ");
                message.push_str(meaning);
            }
            message.push_str(" (");
            message.push_str(code);
            message.push(')');
        }
        (None, Some(true)) => message.push_str(
            ". A browser does not tell a script why a request failed. From a web page the usual cause is that \
             the API does not allow this page's origin (CORS): call it through a same-origin proxy, with a \
             relative endpoint such as '/kps' (README, \"AK/SK and console tooling\"). It may also be a host \
             that cannot be reached, or a certificate the browser refused: the browser's console says which",
        ),
        (None, Some(false)) => message.push_str(
            ". A browser does not tell a script why a request failed: the server or proxy of this page's \
             origin may be down, or have closed the connection; the browser's console says which",
        ),
        (None, None) => {}
    }
    let description = excerpt(report.description);
    if !description.is_empty() {
        message.push_str(". The runtime said: ");
        message.push_str(&description);
    }
    Failure::local(ErrorKind::Network, masker.mask(&message).into_owned())
}

/// `failure`, the answer to a request to `endpoint` + `api_path` (signed with AK/SK when `signed`), with the
/// likely cause added to its message where the answer usually means a setup to fix.
pub fn explain_answer(
    mut failure: Failure,
    endpoint: &Endpoint,
    api_path: &str,
    signed: bool,
    masker: &Masker,
) -> Failure {
    let hint = match failure.kind {
        ErrorKind::Api if failure.code == "APIGW.0101" || failure.code == "HTTP_404" => {
            let url = [endpoint.base.as_str(), api_path].concat();
            Some(not_found(endpoint, &masker.mask(path_of(&url))))
        }
        ErrorKind::Api => api_hint(&failure.code, signed).map(str::to_owned),
        ErrorKind::Response if endpoint.is_relative() && (200..300).contains(&failure.status) => {
            Some(
                "An answer that is not KPS's, from a relative endpoint, usually comes from this page's own \
                 server: it needs a proxy at that path that forwards to the service (README, \"AK/SK and \
                 console tooling\")"
                    .to_owned(),
            )
        }
        _ => None,
    };
    if let Some(hint) = hint {
        let message = failure.message.trim_end_matches(['.', ' ']).len();
        failure.message.truncate(message);
        failure.message.push_str(". ");
        failure.message.push_str(&hint);
    }
    failure
}

/// The hint for an API the gateway does not know: the path requested, and what `endpoint` should be.
fn not_found(endpoint: &Endpoint, path: &str) -> String {
    let mut hint = [
        "The request went to ",
        path,
        ", which the gateway does not know. endpoint must be the service's root (such as \
         https://kms.cn-north-4.myhuaweicloud.com, or a proxy's path that forwards to it): kps-wasm adds \
         the API's path, /v3/…, itself",
    ]
    .concat();
    let base_path = path_of(&endpoint.base);
    if base_path
        .split('/')
        .any(|segment| segment.eq_ignore_ascii_case("v3"))
    {
        hint.push_str("; remove /v3 from endpoint");
    } else if endpoint.is_relative() {
        hint.push_str(
            "; a relative endpoint such as '/kps' needs a proxy at this page's server that forwards that \
             path to the service (README, \"AK/SK and console tooling\")",
        );
    }
    hint
}

/// The likely causes of a service's error code whose usual cause is the caller's setup.
fn api_hint(code: &str, signed: bool) -> Option<&'static str> {
    Some(match code {
        "KPS.9001" => {
            "The token is missing, wrong or expired: IAM tokens last 24 hours, and one scoped to another project \
             or region is refused too"
        }
        "KPS.9003" => {
            "The credentials were accepted but may not act on this project: projectId may belong to another \
             account, or to another region than the one called (each region has its own project ID), or the \
             user lacks a KPS permission in IAM"
        }
        "APIGW.0301" if signed => {
            "The signature was refused: check the secret access key and the security token (temporary keys \
             need it), that this machine's clock is right (the gateway accepts 15 minutes of skew), and behind \
             a proxy, that signingHost is the host it forwards to"
        }
        "KPS.6004" => "The server has no key pair bound: there is nothing to unbind",
        "KPS.6005" => {
            "The server is running: give auth: { type: 'keypair', key: <its private key, PEM> } (or its \
             password), or stop the server first"
        }
        "KPS.6009" => {
            "auth.key is not the private key of the key pair bound to the server (or not the server's password)"
        }
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::endpoint::{parse_endpoint, resolve_region};

    fn masker() -> Masker<'static> {
        Masker::new(["canary-token-123"])
    }

    fn report<'a>(description: &'a str, code: Option<&'a str>) -> NoResponse<'a> {
        NoResponse {
            description,
            code,
            cross_origin: None,
        }
    }

    #[test]
    fn the_target_is_the_host_with_its_port_or_this_page_s_origin() {
        assert_eq!(
            target("http://127.0.0.1:2/v3/p/keypairs/disassociate"),
            "127.0.0.1:2"
        );
        assert_eq!(
            target("https://kms.cn-north-4.myhuaweicloud.com/v3/x?limit=1"),
            "kms.cn-north-4.myhuaweicloud.com"
        );
        assert_eq!(target("https://h?x=1"), "h");
        assert_eq!(target("/kps/v3/p/tasks/t"), "this page's origin");
        assert_eq!(path_of("https://h:8/a/v3/x?limit=1&token=z"), "/a/v3/x");
        assert_eq!(path_of("/kps/v3/x?offset=2"), "/kps/v3/x");
    }

    #[test]
    fn a_refused_connection_names_the_host_the_code_and_what_it_means() {
        let failure = no_response(
            "http://127.0.0.1:2/v3/p/keypairs/disassociate",
            &report(
                "TypeError: fetch failed; cause: Error: connect ECONNREFUSED 127.0.0.1:2",
                Some("ECONNREFUSED"),
            ),
            &masker(),
        );
        assert_eq!(
            (failure.kind, failure.code.as_str()),
            (ErrorKind::Network, "NETWORK_ERROR")
        );
        assert_eq!(
            failure.message,
            "no response from 127.0.0.1:2: the connection was refused: nothing listens at that address and port; \
             check endpoint, and that the service or proxy there is running (ECONNREFUSED). The runtime said: \
             TypeError: fetch failed; cause: Error: connect ECONNREFUSED 127.0.0.1:2"
        );
    }

    #[test]
    fn an_unknown_host_and_certificate_errors_are_explained() {
        let unknown = no_response(
            "https://kms.nowhere.invalid/v3/x",
            &report("TypeError: fetch failed", Some("ENOTFOUND")),
            &masker(),
        );
        assert!(
            unknown.message.starts_with(
                "no response from kms.nowhere.invalid: the host name was not found (DNS)"
            ),
            "{}",
            unknown.message
        );
        assert!(unknown.message.contains("(ENOTFOUND)"));
        for (code, words) in [
            ("DEPTH_ZERO_SELF_SIGNED_CERT", "NODE_EXTRA_CA_CERTS"),
            ("UNABLE_TO_GET_ISSUER_CERT_LOCALLY", "NODE_EXTRA_CA_CERTS"),
            ("ERR_TLS_CERT_ALTNAME_INVALID", "for another host name"),
            ("CERT_HAS_EXPIRED", "has expired"),
        ] {
            let message = no_response("https://h/v3", &report("x", Some(code)), &masker()).message;
            assert!(
                message.contains(words) && message.contains(code),
                "{code}: {message}"
            );
        }
    }

    #[test]
    fn an_unknown_code_is_shown_as_it_is_and_one_that_is_not_an_identifier_is_left_out() {
        let message = no_response(
            "https://h/v3",
            &report("x", Some("E_SOMETHING_NEW")),
            &masker(),
        )
        .message;
        assert!(
            message.starts_with("no response from h (E_SOMETHING_NEW). The runtime said: x"),
            "{message}"
        );
        let message =
            no_response("https://h/v3", &report("x", Some("not a code")), &masker()).message;
        assert_eq!(message, "no response from h. The runtime said: x");
    }

    #[test]
    fn in_a_browser_a_cross_origin_failure_names_cors_as_the_usual_cause_without_claiming_it() {
        let browser = |cross_origin| NoResponse {
            description: "TypeError: Failed to fetch",
            code: None,
            cross_origin: Some(cross_origin),
        };
        let message = no_response(
            "https://kms.cn-north-4.myhuaweicloud.com/v3/x",
            &browser(true),
            &masker(),
        )
        .message;
        for words in [
            "no response from kms.cn-north-4.myhuaweicloud.com",
            "usual cause",
            "CORS",
            "same-origin proxy",
            "README",
            "may also be",
            "Failed to fetch",
        ] {
            assert!(message.contains(words), "{words}: {message}");
        }
        let message = no_response("/kps/v3/x", &browser(false), &masker()).message;
        assert!(
            message.starts_with("no response from this page's origin"),
            "{message}"
        );
        assert!(!message.contains("CORS"), "{message}");
    }

    #[test]
    fn the_runtime_s_description_is_masked_and_cut_short() {
        let description = [
            "Error: request with X-Auth-Token canary-token-123 failed ",
            &"x".repeat(5000),
        ]
        .concat();
        let message = no_response("https://h/v3", &report(&description, None), &masker()).message;
        assert!(
            !message.contains("canary-token-123") && message.contains("X-Auth-Token ***"),
            "{message}"
        );
        assert!(message.chars().count() < 400, "{}", message.len());
    }

    fn api(code: &str, status: u16) -> Failure {
        Failure {
            code: code.to_owned(),
            status,
            ..Failure::local(
                ErrorKind::Api,
                "The API does not exist or has not been published in the environment",
            )
        }
    }

    #[test]
    fn an_api_the_gateway_does_not_know_shows_the_path_and_says_to_remove_v3() {
        let endpoint =
            parse_endpoint("https://kms.cn-north-4.myhuaweicloud.com/v3", false, false).unwrap();
        let failure = explain_answer(
            api("APIGW.0101", 404),
            &endpoint,
            "/v3/0a1b/keypairs/disassociate",
            false,
            &masker(),
        );
        assert_eq!(
            failure.message,
            "The API does not exist or has not been published in the environment. The request went to \
             /v3/v3/0a1b/keypairs/disassociate, which the gateway does not know. endpoint must be the service's \
             root (such as https://kms.cn-north-4.myhuaweicloud.com, or a proxy's path that forwards to it): \
             kps-wasm adds the API's path, /v3/…, itself; remove /v3 from endpoint"
        );
        assert_eq!((failure.code.as_str(), failure.status), ("APIGW.0101", 404));
    }

    #[test]
    fn a_404_from_a_relative_endpoint_says_it_needs_a_proxy_and_the_path_is_masked() {
        let endpoint = parse_endpoint("/kps", true, false).unwrap();
        let message = explain_answer(
            api("HTTP_404", 404),
            &endpoint,
            "/v3/p/tasks/t",
            false,
            &masker(),
        )
        .message;
        assert!(
            message.contains("The request went to /kps/v3/p/tasks/t,"),
            "{message}"
        );
        assert!(message.ends_with("needs a proxy at this page's server that forwards that path to the service (README, \"AK/SK and console tooling\")"), "{message}");
        let endpoint =
            parse_endpoint("https://proxy.example/canary-token-123", false, false).unwrap();
        let message =
            explain_answer(api("APIGW.0101", 404), &endpoint, "/v3/p", false, &masker()).message;
        assert!(
            message.contains("went to /***/v3/p,") && !message.contains("canary"),
            "{message}"
        );
    }

    #[test]
    fn kps_9003_says_the_project_may_belong_to_another_account_or_region() {
        let endpoint = resolve_region("cn-north-4").unwrap();
        let failure = Failure {
            message: "no operation permission".into(),
            ..api("KPS.9003", 403)
        };
        let message = explain_answer(
            failure,
            &endpoint,
            "/v3/p/keypairs/disassociate",
            false,
            &masker(),
        )
        .message;
        assert!(
            message.starts_with("no operation permission. The credentials were accepted"),
            "{message}"
        );
        assert!(
            message.contains("another account") && message.contains("another region"),
            "{message}"
        );
    }

    #[test]
    fn setup_codes_get_their_likely_cause_and_other_answers_are_left_as_they_are() {
        let endpoint = resolve_region("cn-north-4").unwrap();
        let explain = |code: &str, signed| {
            explain_answer(api(code, 400), &endpoint, "/v3/p", signed, &masker()).message
        };
        assert!(explain("KPS.9001", false).contains("expired"));
        assert!(explain("APIGW.0301", true).contains("clock"));
        assert!(explain("KPS.6005", false).contains("auth: { type: 'keypair'"));
        assert!(explain("KPS.6009", false).contains("auth.key"));
        assert!(explain("KPS.6004", false).contains("nothing to unbind"));
        let plain = api("x", 400).message;
        assert_eq!(explain("KPS.0002", false), plain);
        assert_eq!(
            explain("APIGW.0301", false),
            plain,
            "a token call has no signature to blame"
        );
        let timeout = Failure::local(ErrorKind::Timeout, "slow");
        assert_eq!(
            explain_answer(timeout.clone(), &endpoint, "/v3/p", false, &masker()),
            timeout
        );
    }

    #[test]
    fn a_relative_endpoint_that_answers_with_something_else_than_kps_is_probably_a_page_server() {
        let invalid = Failure {
            status: 200,
            ..Failure::local(ErrorKind::Response, "the response body is not JSON")
        };
        let relative = parse_endpoint("/kps", true, false).unwrap();
        let message = explain_answer(invalid.clone(), &relative, "/v3/p", false, &masker()).message;
        assert!(
            message.starts_with("the response body is not JSON. An answer that is not KPS's"),
            "{message}"
        );
        let absolute = resolve_region("cn-north-4").unwrap();
        assert_eq!(
            explain_answer(invalid.clone(), &absolute, "/v3/p", false, &masker()),
            invalid
        );
    }
}
