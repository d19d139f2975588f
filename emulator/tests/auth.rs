//! Authentication: tokens, AK/SK signatures (checked against the official vectors and over HTTP), the
//! 15-minute date window and security tokens.

mod common;

use common::*;
use kps_emulator::auth::{verify_aksk, AuthRequest};
use kps_emulator::Fixture;
use kps_wasm::secret::Secret;
use kps_wasm::signing::{parse_sdk_date, sign, SignableRequest};
use serde_json::Value;

/// A fixture holding the AK/SK pairs of the reference vectors and of the Go SDK's signer tests.
fn vector_fixture() -> Fixture {
    Fixture::from_json(&format!(
        r#"{{"projects":[{{"id":"{PROJECT}","name":"p"}}],
            "credentials":[
              {{"access_key_id":"{AK}","secret_access_key":"{SK}","projects":["{PROJECT}"]}},
              {{"access_key_id":"AccessKey","secret_access_key":"SecretKey","projects":["{PROJECT}"]}}
            ]}}"#
    ))
    .expect("valid fixture")
}

/// Percent-encodes like a client putting decoded query text on the wire.
fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

struct Vector {
    name: String,
    method: String,
    path: String,
    query: Option<String>,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    date: String,
    authorization: String,
}

fn reference_vectors() -> Vec<Vector> {
    let file: Value = serde_json::from_str(include_str!(
        "../../tests/fixtures/aksk-signing-vectors.json"
    ))
    .expect("vectors are JSON");
    file["vectors"]
        .as_array()
        .expect("a vector list")
        .iter()
        .map(|v| {
            let input = &v["input"];
            let mut headers: Vec<(String, String)> = input["headers"]
                .as_object()
                .expect("headers")
                .iter()
                .map(|(k, v)| (k.clone(), v.as_str().expect("string header").to_owned()))
                .collect();
            headers.push(("Host".into(), input["host"].as_str().expect("host").into()));
            let query: Vec<String> = input["query"]
                .as_array()
                .expect("query")
                .iter()
                .map(|pair| {
                    format!(
                        "{}={}",
                        encode(pair[0].as_str().expect("key")),
                        encode(pair[1].as_str().expect("value"))
                    )
                })
                .collect();
            Vector {
                name: v["name"].as_str().expect("name").into(),
                method: input["method"].as_str().expect("method").into(),
                path: input["path"].as_str().expect("path").into(),
                query: (!query.is_empty()).then(|| query.join("&")),
                date: input["headers"]["X-Sdk-Date"]
                    .as_str()
                    .expect("date")
                    .into(),
                headers,
                body: input["body"].as_str().expect("body").as_bytes().to_vec(),
                authorization: v["expected"]["authorization"]
                    .as_str()
                    .expect("authorization")
                    .into(),
            }
        })
        .collect()
}

/// The Go SDK's own signer tests (DESIGN.md §3): only `x-sdk-date` signed, no host.
fn go_sdk_vectors() -> Vec<Vector> {
    let vector = |method: &str, body: &[u8], signature: &str| Vector {
        name: format!("go-sdk-{method}"),
        method: method.into(),
        path: "/path".into(),
        query: None,
        headers: vec![
            ("X-Sdk-Date".into(), "20060102T150405Z".into()),
            ("Host".into(), "example.com".into()),
        ],
        body: body.to_vec(),
        date: "20060102T150405Z".into(),
        authorization: format!(
            "SDK-HMAC-SHA256 Access=AccessKey, SignedHeaders=x-sdk-date, Signature={signature}"
        ),
    };
    vec![
        vector(
            "GET",
            b"",
            "eb70b3a0caf6633a8b8e4317622d8a0f6819821ec84896ceb7739a57e2d9ed76",
        ),
        vector(
            "POST",
            b"{\"Name\":\"test\",\"Id\":1}\n",
            "7f587e76874c5079f7e98769ab285ee75bea28e30110ab10dec4fc4d12c32f62",
        ),
    ]
}

fn verify(fixture: &Fixture, v: &Vector) -> Result<(), String> {
    let headers: Vec<(&str, &str)> = v
        .headers
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let now = parse_sdk_date(&v.date).expect("vector date parses");
    verify_aksk(
        fixture,
        &AuthRequest {
            method: &v.method,
            path: &v.path,
            query: v.query.as_deref(),
            headers: &headers,
            body: &v.body,
        },
        &v.authorization,
        now,
    )
    .map(|_| ())
    .map_err(|e| format!("{} {}", e.code, e.message))
}

/// Changes one character of `s` at byte `index` (to another character of the same class).
fn change_one_byte(s: &str, index: usize) -> String {
    let mut bytes = s.as_bytes().to_vec();
    bytes[index] = match bytes[index] {
        b'0' => b'1',
        b'a' => b'b',
        b'z' => b'y',
        _ => b'0',
    };
    String::from_utf8(bytes).expect("ASCII")
}

#[test]
fn every_reference_vector_and_go_sdk_vector_verifies() {
    let fixture = vector_fixture();
    let vectors: Vec<Vector> = reference_vectors()
        .into_iter()
        .chain(go_sdk_vectors())
        .collect();
    assert_eq!(vectors.len(), 9);
    for v in &vectors {
        assert_eq!(verify(&fixture, v), Ok(()), "{}", v.name);
    }
}

#[test]
fn a_vector_with_one_byte_changed_anywhere_signed_fails_to_verify() {
    let fixture = vector_fixture();
    for v in reference_vectors().into_iter().chain(go_sdk_vectors()) {
        let signature_at = v.authorization.len() - 1;
        let mut cases = vec![(
            "signature",
            Vector {
                authorization: change_one_byte(&v.authorization, signature_at),
                ..clone(&v)
            },
        )];
        let mut body = v.body.clone();
        body.push(b' ');
        cases.push(("body", Vector { body, ..clone(&v) }));
        cases.push((
            "path",
            Vector {
                path: format!("{}x", v.path),
                ..clone(&v)
            },
        ));
        cases.push((
            "method",
            Vector {
                method: if v.method == "GET" {
                    "POST".into()
                } else {
                    "GET".into()
                },
                ..clone(&v)
            },
        ));
        if let Some(query) = &v.query {
            cases.push((
                "query",
                Vector {
                    query: Some(change_one_byte(query, query.len() - 1)),
                    ..clone(&v)
                },
            ));
        }
        let mut headers = v.headers.clone();
        let signed_header = headers.iter_mut().find(|(name, _)| {
            !name.eq_ignore_ascii_case("x-sdk-date") && !name.eq_ignore_ascii_case("host")
        });
        if let Some((_, value)) = signed_header {
            *value = change_one_byte(value, 0);
            cases.push((
                "signed header",
                Vector {
                    headers,
                    ..clone(&v)
                },
            ));
        }
        for (what, tampered) in cases {
            let result = verify(&fixture, &tampered);
            assert!(
                result.as_ref().is_err_and(|e| e.starts_with("APIGW.0301")),
                "{} with its {what} changed: {result:?}",
                v.name
            );
        }
    }
}

fn clone(v: &Vector) -> Vector {
    Vector {
        name: v.name.clone(),
        method: v.method.clone(),
        path: v.path.clone(),
        query: v.query.clone(),
        headers: v.headers.clone(),
        body: v.body.clone(),
        date: v.date.clone(),
        authorization: v.authorization.clone(),
    }
}

#[test]
fn a_vector_checked_more_than_15_minutes_after_its_date_has_expired() {
    let fixture = vector_fixture();
    let v = &reference_vectors()[0];
    let headers: Vec<(&str, &str)> = v
        .headers
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let signed_at = parse_sdk_date(&v.date).expect("date");
    let request = AuthRequest {
        method: &v.method,
        path: &v.path,
        query: None,
        headers: &headers,
        body: &v.body,
    };
    for (now, ok) in [
        (signed_at + 900, true),
        (signed_at - 900, true),
        (signed_at + 901, false),
        (signed_at - 901, false),
    ] {
        let result = verify_aksk(&fixture, &request, &v.authorization, now);
        assert_eq!(
            result.is_ok(),
            ok,
            "now = signed_at {:+}",
            now as i64 - signed_at as i64
        );
    }
}

// ---- over HTTP ----

fn signed_disassociate(emulator: &Emulator, ak: &str, sk: &str, token: Option<&str>) -> Req {
    disassociate(PROJECT, STOPPED_SERVER, None).sign(ak, sk, token, &emulator.host())
}

async fn assert_iam_error(emulator: &Emulator, req: Req, expected_in_message: &str) {
    let response = emulator.send(req).await;
    assert_eq!(
        (response.status, response.error_code().as_str()),
        (401, "APIGW.0301"),
        "{}",
        response.text()
    );
    assert!(
        response
            .error_msg()
            .starts_with("Incorrect IAM authentication information: ")
            && response.error_msg().contains(expected_in_message),
        "expected {expected_in_message:?} in {:?}",
        response.error_msg()
    );
}

#[tokio::test]
async fn a_correct_signature_from_each_permanent_pair_is_accepted() {
    let emulator = Emulator::start().await;
    for (ak, sk, server) in [
        (AK, SK, "5ba4e000-0000-4000-8000-000000000001"),
        (
            "AKTESTAKTESTAKTEST01",
            "SKsecretSKsecretSKsecretSKsecretSKsecret",
            "5ba4e000-0000-4000-8000-000000000002",
        ),
    ] {
        let response = emulator
            .send(disassociate(PROJECT, server, None).sign(ak, sk, None, &emulator.host()))
            .await;
        assert_eq!(response.status, 202, "{ak}: {}", response.text());
    }
}

#[tokio::test]
async fn a_signed_query_string_is_verified_decoded() {
    let emulator = Emulator::start().await;
    let path = format!("/v3/{PROJECT}/running-tasks?limit=10&offset=0&a%20b=x%2Fy~z");
    let response = emulator
        .send(Req::get(&path).sign(AK, SK, None, &emulator.host()))
        .await;
    assert_eq!(response.status, 200, "{}", response.text());
    let mut tampered = Req::get(&path).sign(AK, SK, None, &emulator.host());
    tampered.path = path.replace("limit=10", "limit=11");
    assert_iam_error(&emulator, tampered, "verify aksk signature fail").await;
}

#[tokio::test]
async fn a_tampered_body_fails_the_signature() {
    let emulator = Emulator::start().await;
    let mut req = signed_disassociate(&emulator, AK, SK, None);
    req.body = disassociate_body(FAILING_SERVER, None)
        .to_string()
        .into_bytes();
    assert_iam_error(&emulator, req, "verify aksk signature fail").await;
}

#[tokio::test]
async fn a_tampered_signed_header_fails_the_signature() {
    let emulator = Emulator::start().await;
    let mut req = signed_disassociate(&emulator, AK, SK, None);
    for (name, value) in req.headers.iter_mut() {
        if name == "X-Project-Id" {
            *value = PROJECT2.into();
        }
    }
    assert_iam_error(&emulator, req, "verify aksk signature fail").await;

    let signed_for_other_host =
        disassociate(PROJECT, STOPPED_SERVER, None).sign(AK, SK, None, "127.0.0.1:1");
    assert_iam_error(
        &emulator,
        signed_for_other_host,
        "verify aksk signature fail",
    )
    .await;
}

#[tokio::test]
async fn a_wrong_secret_key_or_an_unknown_access_key_is_refused() {
    let emulator = Emulator::start().await;
    assert_iam_error(
        &emulator,
        signed_disassociate(
            &emulator,
            AK,
            "qLZBJ9k7Xh2mEXAMPLEsecretKEYqLZBJ9k7Xh2M",
            None,
        ),
        "verify aksk signature fail",
    )
    .await;
    assert_iam_error(
        &emulator,
        signed_disassociate(&emulator, "UNKNOWNAKUNKNOWNAK00", SK, None),
        "ak:UNKNOWNAKUNKNOWNAK00,err:ak not exist",
    )
    .await;
}

#[tokio::test]
async fn a_signature_dated_more_than_15_minutes_away_has_expired() {
    let emulator = Emulator::start().await;
    for offset in [-16 * 60, 16 * 60] {
        let req = disassociate(PROJECT, STOPPED_SERVER, None).sign_at(
            AK,
            SK,
            None,
            &emulator.host(),
            &sdk_date_now(offset),
        );
        assert_iam_error(&emulator, req, "signature expired").await;
    }
    let req = disassociate(PROJECT, STOPPED_SERVER, None).sign_at(
        AK,
        SK,
        None,
        &emulator.host(),
        &sdk_date_now(-14 * 60),
    );
    assert_eq!(emulator.send(req).await.status, 202);
}

#[tokio::test]
async fn a_missing_or_malformed_date_or_authorization_is_refused() {
    let emulator = Emulator::start().await;
    let mut no_date = signed_disassociate(&emulator, AK, SK, None);
    no_date.headers.retain(|(name, _)| name != "X-Sdk-Date");
    assert_iam_error(&emulator, no_date, "X-Sdk-Date header is missing").await;

    let mut bad_date = signed_disassociate(&emulator, AK, SK, None);
    for (name, value) in bad_date.headers.iter_mut() {
        if name == "X-Sdk-Date" {
            *value = "2026-11-28T10:15:00Z".into();
        }
    }
    assert_iam_error(&emulator, bad_date, "is not a YYYYMMDDTHHMMSSZ date").await;

    let malformed = disassociate(PROJECT, STOPPED_SERVER, None)
        .header("X-Sdk-Date", &sdk_date_now(0))
        .header("Authorization", "Bearer abc");
    assert_iam_error(&emulator, malformed, "Authorization header is not").await;
}

#[tokio::test]
async fn the_date_must_be_among_the_signed_headers() {
    let emulator = Emulator::start().await;
    let date = sdk_date_now(0);
    let body = disassociate_body(STOPPED_SERVER, None).to_string();
    let path = format!("/v3/{PROJECT}/keypairs/disassociate");
    let signature = sign(
        &SignableRequest {
            method: "POST",
            host: Some(&emulator.host()),
            path: &path,
            query: &[],
            headers: &[("Content-Type", "application/json")],
            body: body.as_bytes(),
        },
        AK,
        &Secret::new(SK),
        &date,
    );
    let req = Req::post(&path)
        .header("Content-Type", "application/json")
        .header("X-Sdk-Date", &date)
        .header("Authorization", &signature.authorization)
        .body(body);
    assert_iam_error(
        &emulator,
        req,
        "x-sdk-date must be one of the SignedHeaders",
    )
    .await;
}

#[tokio::test]
async fn extra_signed_headers_such_as_the_python_sdks_user_agent_are_verified_too() {
    let emulator = Emulator::start().await;
    let date = sdk_date_now(0);
    let body = disassociate_body(STOPPED_SERVER, None).to_string();
    let path = format!("/v3/{PROJECT}/keypairs/disassociate");
    let headers = [
        ("Content-Type", "application/json;charset=utf-8"),
        ("User-Agent", "huaweicloud-usdk-python/3.0"),
        ("X-Project-Id", PROJECT),
        ("X-Sdk-Date", date.as_str()),
    ];
    let signature = sign(
        &SignableRequest {
            method: "POST",
            host: Some(&emulator.host()),
            path: &path,
            query: &[],
            headers: &headers,
            body: body.as_bytes(),
        },
        "AKTESTAKTESTAKTEST01",
        &Secret::new("SKsecretSKsecretSKsecretSKsecretSKsecret"),
        &date,
    );
    let mut req = Req::post(&path).body(body);
    for (name, value) in headers {
        req = req.header(name, value);
    }
    let good = req
        .clone()
        .header("Authorization", &signature.authorization);
    assert_eq!(emulator.send(good).await.status, 202);
    let mut changed_agent = req.header("Authorization", &signature.authorization);
    for (name, value) in changed_agent.headers.iter_mut() {
        if name == "User-Agent" {
            *value = "curl/8".into();
        }
    }
    assert_iam_error(&emulator, changed_agent, "verify aksk signature fail").await;
}

#[tokio::test]
async fn a_temporary_pair_needs_its_security_token_signed() {
    let emulator = Emulator::start().await;
    assert_iam_error(
        &emulator,
        signed_disassociate(&emulator, TEMP_AK, TEMP_SK, None),
        "X-Security-Token header is required",
    )
    .await;
    assert_iam_error(
        &emulator,
        signed_disassociate(&emulator, TEMP_AK, TEMP_SK, Some("not-the-token")),
        "verify security token fail",
    )
    .await;
    let unsigned = signed_disassociate(&emulator, TEMP_AK, TEMP_SK, None)
        .header("X-Security-Token", SECURITY_TOKEN);
    assert_iam_error(
        &emulator,
        unsigned,
        "x-security-token must be one of the SignedHeaders",
    )
    .await;

    let good = emulator
        .send(signed_disassociate(
            &emulator,
            TEMP_AK,
            TEMP_SK,
            Some(SECURITY_TOKEN),
        ))
        .await;
    assert_eq!(good.status, 202, "{}", good.text());
}

#[tokio::test]
async fn an_encoded_percent_in_the_path_is_decoded_once_as_the_official_signers_do() {
    let emulator = Emulator::start().await;
    // Signed as sent, `%2541` canonicalises to `%2541` (decoded once to `%41`, re-encoded); decoding it twice
    // would give `A` and a signature mismatch (401) instead of the route's own answer.
    let path = format!("/v3/{PROJECT}/tasks/x%2541");
    let response = emulator
        .send(Req::get(&path).sign(AK, SK, None, &emulator.host()))
        .await;
    assert_eq!(response.status, 400, "{}", response.text());
    assert!(response.text().contains("KPS.0001"), "{}", response.text());
}

#[tokio::test]
async fn a_signature_over_a_fault_prefixed_path_is_checked_against_the_path_sent() {
    let emulator = Emulator::start().await;
    let path = format!("/__emulator/fault/delay=10/v3/{PROJECT}/keypairs/disassociate");
    let req = Req::post(&path)
        .json(&disassociate_body(STOPPED_SERVER, None))
        .header("X-Project-Id", PROJECT)
        .sign(AK, SK, None, &emulator.host());
    let response = emulator.send(req).await;
    assert_eq!(response.status, 202, "{}", response.text());
}

#[tokio::test]
async fn a_pair_without_permission_on_the_project_gets_kps_9003() {
    let emulator = Emulator::start().await;
    let response = emulator
        .send(signed_disassociate(
            &emulator,
            PROJECT2_AK,
            PROJECT2_SK,
            None,
        ))
        .await;
    assert_eq!(
        (response.status, response.error_code().as_str()),
        (403, "KPS.9003")
    );
}

#[tokio::test]
async fn a_missing_or_unknown_token_gets_kps_9001_on_every_api() {
    let emulator = Emulator::start().await;
    let task = "aee8d2fe-5484-4753-9177-5a38dc15546c";
    let requests = [
        disassociate(PROJECT, STOPPED_SERVER, None),
        Req::get(&format!("/v3/{PROJECT}/tasks/{task}")),
        Req::get(&format!("/v3/{PROJECT}/running-tasks")),
        Req::get(&format!("/v3/{PROJECT}/failed-tasks")),
        Req::delete(&format!("/v3/{PROJECT}/failed-tasks")),
        Req::delete(&format!("/v3/{PROJECT}/failed-tasks/{task}")),
    ];
    for req in requests {
        for candidate in [req.clone(), req.clone().token("not-a-token")] {
            let response = emulator.send(candidate.clone()).await;
            assert_eq!(
                (response.status, response.error_code().as_str()),
                (401, "KPS.9001"),
                "{} {} {:?}",
                candidate.method,
                candidate.path,
                candidate.get_header("x-auth-token")
            );
        }
    }
}

#[tokio::test]
async fn a_token_without_permission_on_the_project_gets_kps_9003() {
    let emulator = Emulator::start().await;
    for token in [TOKEN_DENIED, TOKEN_PROJECT2_ONLY] {
        let response = emulator
            .send(disassociate(PROJECT, STOPPED_SERVER, None).token(token))
            .await;
        assert_eq!(
            (response.status, response.error_code().as_str()),
            (403, "KPS.9003"),
            "{token}"
        );
    }
    let allowed = emulator
        .send(
            disassociate(PROJECT2, "2d4f6a8c-0e1b-4d3f-8a5c-7e9b1d3f5a7c", None)
                .token(TOKEN_PROJECT2_ONLY),
        )
        .await;
    assert_eq!(allowed.status, 202, "{}", allowed.text());
}
