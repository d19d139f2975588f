//! Step 4, where requests go: `allowInsecureHttp`, `region` and `endpoint` (exactly one), then `signingHost`.
//!
//! This file decides which of the options apply together; [`crate::endpoint`] parses the values themselves
//! (region ids, URLs, hosts) and words their problems.

use super::fields::{string, wrong_type, Fields};
use super::{Credentials, Environment};
use crate::endpoint::{self, Endpoint};
use crate::error::Failure;
use crate::input::Input;

/// Reads `allowInsecureHttp`, `region`, `endpoint` and `signingHost` (their types first, then exactly one of
/// `region` and `endpoint`, its value, then `signingHost`, which depends on `credentials`).
pub(super) fn from_fields(
    fields: &mut Fields,
    env: &Environment,
    credentials: &Credentials,
) -> Result<Endpoint, Failure> {
    let allow_insecure_http = match fields.take("allowInsecureHttp") {
        Input::Undefined => false,
        Input::Bool(allow) => allow,
        other => return Err(wrong_type("allowInsecureHttp", "a boolean", other, true)),
    };
    let region = string(
        "region",
        fields.take("region"),
        "a string such as 'cn-north-4'",
        true,
    )?;
    let url = string(
        "endpoint",
        fields.take("endpoint"),
        "a string (a base URL)",
        true,
    )?;
    let signing_host = string(
        "signingHost",
        fields.take("signingHost"),
        "a string (host[:port])",
        true,
    )?;
    let mut endpoint = match (region, url) {
        (None, None) => {
            return Err(Failure::invalid(
                "region",
                "either region (such as 'cn-north-4') or endpoint (a base URL) is required",
            ))
        }
        (Some(_), Some(_)) => {
            return Err(Failure::invalid(
                "endpoint",
                "pass either region or endpoint, not both: each one says where requests go",
            ))
        }
        (Some(region), None) => {
            let resolved = endpoint::resolve_region(&region)?;
            if signing_host.is_some() {
                return Err(Failure::invalid(
                    "signingHost",
                    "signingHost applies only with endpoint (a proxy in front of KPS); with region the \
                     signed host is the region's own",
                ));
            }
            resolved
        }
        (None, Some(url)) => {
            endpoint::parse_endpoint(&url, env.relative_endpoints_allowed, allow_insecure_http)?
        }
    };
    let signs = matches!(credentials, Credentials::AccessKey { .. });
    match signing_host {
        Some(_) if !signs => Err(Failure::invalid(
            "signingHost",
            "signingHost is used only to sign requests made with credentials (AK/SK); with token it has no \
             effect: remove it",
        )),
        Some(host) => {
            endpoint.signing_host = Some(endpoint::parse_signing_host(&host)?);
            endpoint.proxied = true;
            Ok(endpoint)
        }
        None if signs && endpoint.signing_host.is_none() => Err(Failure::invalid(
            "signingHost",
            "signingHost is required when credentials are used with a relative endpoint: the signature \
             covers the Host header that KPS receives, which the browser cannot know behind a proxy; set it \
             to the host your proxy forwards to, such as 'kms.cn-north-4.myhuaweicloud.com'",
        )),
        None => Ok(endpoint),
    }
}

#[cfg(test)]
mod tests {
    use crate::input::Input;
    use crate::options::test_support::*;
    use crate::options::validate_disassociate;

    #[test]
    fn allow_insecure_http_must_be_a_boolean() {
        for (value, got) in [
            (s("true"), "got a string"),
            (Input::Number(1.0), "got a number"),
            (Input::Null, "got null"),
            (Input::Object(Vec::new()), "got an object"),
        ] {
            rejects(
                with(vec![set("allowInsecureHttp", value)]),
                "allowInsecureHttp",
                &["allowInsecureHttp must be a boolean", got],
            );
        }
        valid(with(vec![set("allowInsecureHttp", Input::Bool(false))]));
    }

    #[test]
    fn neither_region_nor_endpoint_says_which_are_accepted() {
        rejects(
            with(vec![unset("region")]),
            "region",
            &["either region (such as 'cn-north-4') or endpoint (a base URL) is required"],
        );
    }

    #[test]
    fn both_region_and_endpoint_asks_to_pick_one() {
        rejects(
            with(vec![set("endpoint", s("https://example.com"))]),
            "endpoint",
            &["pass either region or endpoint, not both"],
        );
    }

    #[test]
    fn region_problems_are_reported_for_the_region_field() {
        for (region, needle) in [
            (
                "CN-NORTH-4",
                "must be lowercase: did you mean 'cn-north-4'?",
            ),
            ("cn_north_4", "did you mean 'cn-north-4'?"),
            ("", "region must not be empty"),
            (
                "https://kms.cn-north-4.myhuaweicloud.com",
                "pass a URL as endpoint instead",
            ),
            (
                "cn-noth-4",
                "is not one of the KPS regions that kps-wasm knows (those of the official SDKs); did you \
                 mean 'cn-north-4'?",
            ),
            (
                "eu-west-7",
                "pass endpoint: 'https://kms.eu-west-7.myhuaweicloud.com' instead of region",
            ),
        ] {
            rejects(with(vec![set("region", s(region))]), "region", &[needle]);
        }
        for region in ["cn-north-4", "my-kualalumpur-1", "ap-southeast-3"] {
            let options = valid(with(vec![set("region", s(region))]));
            assert_eq!(
                options.client.endpoint.base,
                ["https://kms.", region, ".myhuaweicloud.com"].concat()
            );
        }
    }

    #[test]
    fn an_absolute_endpoint_is_normalised_and_its_host_signed() {
        let input = with(vec![
            unset("region"),
            set("endpoint", s("https://KMS.example.com:443/kps/")),
        ]);
        let endpoint = valid(input).client.endpoint;
        assert_eq!(endpoint.base, "https://kms.example.com/kps");
        assert_eq!(endpoint.signing_host.as_deref(), Some("kms.example.com"));
        assert!(
            !endpoint.proxied,
            "without signingHost the endpoint is KPS itself"
        );
    }

    #[test]
    fn a_relative_endpoint_works_in_browsers_and_is_refused_in_node() {
        let input = || with(vec![unset("region"), set("endpoint", s("/kps/"))]);
        let options = validate_disassociate(input(), &BROWSER).unwrap();
        assert_eq!(options.client.endpoint.base, "/kps");
        assert_eq!(options.client.endpoint.signing_host, None);
        rejects_in(
            input(),
            &NODE,
            "endpoint",
            &["relative endpoints such as '/kps' work only in browsers"],
        );
    }

    #[test]
    fn credentials_with_a_relative_endpoint_require_signing_host() {
        let input = with(vec![
            unset("token"),
            set("credentials", access_key(vec![])),
            unset("region"),
            set("endpoint", s("/kps")),
        ]);
        rejects_in(
            input,
            &BROWSER,
            "signingHost",
            &[
                "signingHost is required when credentials are used with a relative endpoint",
                "'kms.cn-north-4.myhuaweicloud.com'",
            ],
        );
    }

    #[test]
    fn signing_host_sets_the_signed_host_behind_a_relative_or_absolute_endpoint() {
        for endpoint in ["/kps", "https://proxy.example.com/kps"] {
            let input = with(vec![
                unset("token"),
                set("credentials", access_key(vec![])),
                unset("region"),
                set("endpoint", s(endpoint)),
                set("signingHost", s("KMS.cn-north-4.myhuaweicloud.com")),
            ]);
            let options = validate_disassociate(input, &BROWSER).unwrap();
            assert_eq!(
                options.client.endpoint.signing_host.as_deref(),
                Some("kms.cn-north-4.myhuaweicloud.com")
            );
            assert!(options.client.endpoint.proxied, "{endpoint} is a proxy");
        }
    }

    #[test]
    fn signing_host_is_rejected_with_a_token_where_it_would_have_no_effect() {
        let input = with(vec![
            unset("region"),
            set("endpoint", s("/kps")),
            set("signingHost", s("kms.example.com")),
        ]);
        rejects_in(
            input,
            &BROWSER,
            "signingHost",
            &["with token it has no effect"],
        );
    }

    #[test]
    fn signing_host_is_rejected_with_region_whose_host_is_known() {
        let input = with_access_key(vec![]);
        let Input::Object(mut entries) = input else {
            panic!()
        };
        entries.push(("signingHost".into(), s("kms.example.com")));
        rejects(
            Input::Object(entries),
            "signingHost",
            &["signingHost applies only with endpoint"],
        );
    }

    #[test]
    fn an_invalid_signing_host_is_reported_for_its_field() {
        let input = with(vec![
            unset("token"),
            set("credentials", access_key(vec![])),
            unset("region"),
            set("endpoint", s("/kps")),
            set("signingHost", s("https://kms.example.com")),
        ]);
        rejects_in(input, &BROWSER, "signingHost", &["without a scheme"]);
    }

    #[test]
    fn plain_http_beyond_loopback_needs_allow_insecure_http_true() {
        let input = |allow: Input| {
            with(vec![
                unset("region"),
                set("endpoint", s("http://10.0.0.5:8080")),
                set("allowInsecureHttp", allow),
            ])
        };
        rejects(
            input(Input::Undefined),
            "endpoint",
            &["not a loopback host", "allowInsecureHttp: true"],
        );
        rejects(
            input(Input::Bool(false)),
            "endpoint",
            &["not a loopback host"],
        );
        assert_eq!(
            valid(input(Input::Bool(true))).client.endpoint.base,
            "http://10.0.0.5:8080"
        );
        let local = with(vec![
            unset("region"),
            set("endpoint", s("http://127.0.0.1:8787")),
        ]);
        assert_eq!(valid(local).client.endpoint.base, "http://127.0.0.1:8787");
    }

    #[test]
    fn a_region_with_a_zero_width_space_is_not_quoted_as_the_region_it_suggests() {
        // It read: "got 'cn-north-4'; did you mean 'cn-north-4'?".
        let message = rejects(
            with(vec![set("region", s("cn-north-4\u{200B}"))]),
            "region",
            &["; got 'cn-north-4\u{FFFD}'; did you mean 'cn-north-4'?"],
        );
        assert!(!message.contains('\u{200B}'), "{message}");
    }
}
