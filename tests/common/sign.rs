//! `signRequest` in Node and Chromium: the headers it returns authenticate a plain `fetch` to the emulator's
//! gateway, and any change after signing (body, a signed header, the secret, a stale date) gets 401 APIGW.0301.

use super::*;
use gloo_net::http::{Method, RequestBuilder};
use js_sys::{Array, Object};

const AK: &str = "HPUAL7MDDNZ3EXAMPLE1";
const SK: &str = "qLZBJ9k7Xh2mEXAMPLEsecretKEYqLZBJ9k7Xh2m";
const CONTENT_TYPE: &str = "application/json;charset=UTF-8";
const BENCH_BODY: &str = r#"{"server":{"id":"b0000000-0000-4000-8000-000000000001"}}"#;

fn disassociate_url() -> String {
    format!("{EMULATOR}/v3/{PROJECT}/keypairs/disassociate")
}

/// `signRequest` options for unbinding the benchmark server, with `extra` merged over them.
fn sign_options(extra: Value) -> Value {
    let mut base = json!({
        "method": "POST",
        "url": disassociate_url(),
        "headers": { "Content-Type": CONTENT_TYPE, "X-Project-Id": PROJECT },
        "body": BENCH_BODY,
        "credentials": { "accessKeyId": AK, "secretAccessKey": SK },
    });
    if let (Some(base), Some(extra)) = (base.as_object_mut(), extra.as_object()) {
        for (k, v) in extra {
            base.insert(k.clone(), v.clone());
        }
    }
    base
}

/// The headers `signRequest` returns for `options`, in their order.
fn signed_headers(options: Value) -> Vec<(String, String)> {
    let headers = wasm::sign::sign_request(js(options)).expect("valid signRequest options");
    Object::entries(&headers)
        .iter()
        .map(|entry| {
            let entry = Array::from(&entry);
            let value = entry.get(1).as_string().expect("header values are strings");
            (entry.get(0).as_string().unwrap_or_default(), value)
        })
        .collect()
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> &'a str {
    headers
        .iter()
        .find(|(n, _)| n == name)
        .map_or("", |(_, v)| v.as_str())
}

/// Sends a request with `fetch` (through gloo-net); returns the status and the body's `error_code`, if any.
async fn send(
    method: Method,
    url: &str,
    headers: &[(String, String)],
    body: Option<&str>,
) -> (u16, String) {
    let mut builder = RequestBuilder::new(url).method(method);
    for (name, value) in headers {
        builder = builder.header(name, value);
    }
    let request = match body {
        Some(body) => builder.body(body),
        None => builder.build(),
    }
    .expect("a valid request");
    let response = request.send().await.expect("the emulator answers");
    let text = response.text().await.unwrap_or_default();
    let code = serde_json::from_str::<Value>(&text)
        .ok()
        .and_then(|body| body["error_code"].as_str().map(str::to_owned))
        .unwrap_or_default();
    (response.status(), code)
}

async fn send_disassociate(headers: &[(String, String)], body: &str) -> (u16, String) {
    send(Method::POST, &disassociate_url(), headers, Some(body)).await
}

#[wasm_bindgen_test]
async fn a_fetch_with_the_headers_of_sign_request_is_accepted_by_the_gateway() {
    let headers = signed_headers(sign_options(json!({})));
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
    assert!(
        header(&headers, "Authorization").starts_with(
            "SDK-HMAC-SHA256 Access=HPUAL7MDDNZ3EXAMPLE1, SignedHeaders=content-type;host;x-project-id;x-sdk-date, Signature="
        ),
        "{}",
        header(&headers, "Authorization")
    );
    assert_eq!(
        send_disassociate(&headers, BENCH_BODY).await,
        (202, String::new())
    );
}

#[wasm_bindgen_test]
async fn temporary_credentials_sign_and_return_their_security_token() {
    let credentials = json!({
        "accessKeyId": "TMPAKEMULATOREXAMPLE",
        "secretAccessKey": "TMPskEXAMPLEtemporarySecretKey0123456789",
        "securityToken": "emulator-security-token-EXAMPLE",
    });
    let headers = signed_headers(sign_options(json!({ "credentials": credentials })));
    assert_eq!(
        header(&headers, "X-Security-Token"),
        "emulator-security-token-EXAMPLE"
    );
    assert!(header(&headers, "Authorization").contains(";x-sdk-date;x-security-token,"));
    assert_eq!(send_disassociate(&headers, BENCH_BODY).await.0, 202);
}

#[wasm_bindgen_test]
async fn a_get_with_a_query_is_signed_over_its_decoded_sorted_pairs() {
    let url = format!("{EMULATOR}/v3/{PROJECT}/running-tasks?offset=0&limit=10");
    let headers = signed_headers(json!({
        "method": "get",
        "url": url,
        "headers": { "X-Project-Id": PROJECT },
        "credentials": { "accessKeyId": AK, "secretAccessKey": SK },
    }));
    assert_eq!(
        send(Method::GET, &url, &headers, None).await,
        (200, String::new())
    );
    let reordered = format!("{EMULATOR}/v3/{PROJECT}/running-tasks?limit=10&offset=0");
    assert_eq!(send(Method::GET, &reordered, &headers, None).await.0, 200);
    let other_page = format!("{EMULATOR}/v3/{PROJECT}/running-tasks?offset=1&limit=10");
    assert_eq!(
        send(Method::GET, &other_page, &headers, None).await,
        (401, "APIGW.0301".into())
    );
}

#[wasm_bindgen_test]
async fn a_body_changed_after_signing_is_rejected() {
    let headers = signed_headers(sign_options(json!({})));
    let tampered = r#"{"server":{"id":"b0000000-0000-4000-8000-000000000001"} }"#;
    assert_eq!(
        send_disassociate(&headers, tampered).await,
        (401, "APIGW.0301".into())
    );
}

#[wasm_bindgen_test]
async fn a_signed_header_changed_after_signing_is_rejected() {
    let mut headers = signed_headers(sign_options(json!({})));
    for (name, value) in &mut headers {
        if name == "Content-Type" {
            *value = "application/json".into();
        }
    }
    assert_eq!(
        send_disassociate(&headers, BENCH_BODY).await,
        (401, "APIGW.0301".into())
    );
}

#[wasm_bindgen_test]
async fn a_header_added_after_signing_is_sent_unsigned_and_does_not_break_the_signature() {
    let mut headers = signed_headers(sign_options(json!({})));
    // `Accept` needs no CORS preflight, so a browser sends it to the emulator as it is.
    headers.push(("Accept".into(), "application/json".into()));
    assert_eq!(send_disassociate(&headers, BENCH_BODY).await.0, 202);
}

#[wasm_bindgen_test]
async fn a_wrong_secret_key_is_rejected() {
    let credentials =
        json!({ "accessKeyId": AK, "secretAccessKey": "WRONGk7Xh2mEXAMPLEsecretKEYqLZBJ9k7Xh2m" });
    let headers = signed_headers(sign_options(json!({ "credentials": credentials })));
    assert_eq!(
        send_disassociate(&headers, BENCH_BODY).await,
        (401, "APIGW.0301".into())
    );
}

#[wasm_bindgen_test]
async fn a_date_twenty_minutes_old_is_rejected_and_a_recent_one_accepted() {
    let now = js_sys::Date::now();
    let stale = signed_headers(sign_options(json!({ "date": now - 20.0 * 60_000.0 })));
    assert_eq!(
        send_disassociate(&stale, BENCH_BODY).await,
        (401, "APIGW.0301".into())
    );
    let recent = signed_headers(sign_options(json!({ "date": now - 60_000.0 })));
    assert_eq!(send_disassociate(&recent, BENCH_BODY).await.0, 202);
}

#[wasm_bindgen_test]
fn a_date_object_signs_like_its_epoch_milliseconds() {
    let millis = 1_795_860_900_000.0;
    let with_date = js(sign_options(json!({})));
    Reflect::set(
        &with_date,
        &JsValue::from_str("date"),
        &js_sys::Date::new(&JsValue::from_f64(millis)),
    )
    .expect("set date");
    let from_date = wasm::sign::sign_request(with_date).expect("a Date is accepted");
    let from_number = signed_headers(sign_options(json!({ "date": millis })));
    assert_eq!(text(&from_date, "X-Sdk-Date"), "20261128T101500Z");
    assert_eq!(
        text(&from_date, "Authorization"),
        header(&from_number, "Authorization")
    );
}

#[wasm_bindgen_test]
async fn a_date_where_a_number_is_expected_is_rejected_as_a_date() {
    let opts = options(BENCH_SERVER, json!({}));
    Reflect::set(
        &opts,
        &JsValue::from_str("timeoutMs"),
        &js_sys::Date::new_0(),
    )
    .expect("set timeoutMs");
    let error = call(opts).await.expect_err("a Date is not a number");
    assert_eq!(text(&error, "field"), "timeoutMs");
    assert!(
        text(&error, "message").ends_with("; got a Date"),
        "{}",
        text(&error, "message")
    );
}

#[wasm_bindgen_test]
fn invalid_options_throw_a_validation_error_naming_the_field_without_any_secret() {
    let cases = [
        (
            json!({ "headers": { "Host": "kms.example" } }),
            "headers.Host",
        ),
        (
            json!({ "headers": { "X-Sdk-Date": "20261128T101500Z" } }),
            "headers.X-Sdk-Date",
        ),
        (json!({ "url": format!("{EMULATOR}/v3#frag") }), "url"),
        (json!({ "method": "OPTIONS" }), "method"),
        (
            json!({ "credentials": { "accessKeyId": AK, "secretAccessKey": format!("{SK} ") } }),
            "credentials.secretAccessKey",
        ),
        (json!({ "date": "yesterday" }), "date"),
        (json!({ "secretKey": SK }), "secretKey"),
    ];
    for (extra, field) in cases {
        let error = wasm::sign::sign_request(js(sign_options(extra))).expect_err("invalid options");
        assert_eq!(
            kind(&error),
            ("KpsValidationError".into(), "INVALID_ARGUMENT".into(), 0)
        );
        assert_eq!(text(&error, "field"), field);
        let views = [
            text(&error, "message"),
            text(&error, "stack"),
            js_sys::JSON::stringify(&error)
                .ok()
                .and_then(|s| s.as_string())
                .unwrap_or_default(),
        ];
        for view in views {
            assert!(!view.contains(SK), "the secret key leaked: {view}");
        }
    }
    let error = wasm::sign::sign_request(JsValue::UNDEFINED).expect_err("no options");
    assert_eq!(text(&error, "field"), "options");
}

#[wasm_bindgen_test]
fn the_result_is_a_plain_object_that_keeps_any_header_name() {
    let headers = wasm::sign::sign_request(js(sign_options(json!({
        "headers": { "__proto__": "kept", "X-Project-Id": PROJECT },
    }))))
    .expect("signed");
    // Its prototype is Object.prototype, whose own prototype is null.
    assert!(Object::get_prototype_of(&Object::get_prototype_of(&headers)).is_null());
    assert!(Object::has_own(&headers, &JsValue::from_str("__proto__")));
    assert_eq!(text(&headers, "X-Project-Id"), PROJECT);
}
