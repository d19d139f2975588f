//! Test bodies shared by `tests/node.rs` and `tests/browser.rs`: each runs in Node and in headless Chromium,
//! against the emulator that `cargo xtask test` starts and names in `KPS_EMULATOR_URL` (at compile time).

use js_sys::{Promise, Reflect};
use kps_wasm::wasm;
use serde_json::{json, Value};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::wasm_bindgen_test;

const EMULATOR: &str = match option_env!("KPS_EMULATOR_URL") {
    Some(url) => url,
    None => "http://127.0.0.1:8787",
};
const FIXTURE: &str = include_str!("../../emulator/fixtures/default.json");

mod diagnostics;
mod echo;
mod fleet;
mod inputs;
mod retries;
mod sign;
mod tasks;
const PROJECT: &str = "0a1b2c3d4e5f60718293a4b5c6d7e8f9";
const TOKEN: &str = "emulator-token";
const STOPPED_SERVER: &str = "d76baba7-ef09-40a2-87ff-3eafec0696e7";
const RUNNING_SERVER: &str = "3f1d2c4b-5a69-4788-9a0b-1c2d3e4f5a6b";
const NO_KEYPAIR_SERVER: &str = "7b2e9c10-4d3a-4f6b-8e21-5a9c0d1e2f30";
const BENCH_SERVER: &str = "b0000000-0000-4000-8000-000000000001";
const UNKNOWN_SERVER: &str = "00000000-1111-4222-8333-444444444444";

fn private_key_of(keypair: &str) -> String {
    let fixture: Value = serde_json::from_str(FIXTURE).expect("the emulator's fixture is JSON");
    let keypairs = fixture["keypairs"].as_array().expect("fixture.keypairs");
    let found = keypairs
        .iter()
        .find(|k| k["name"] == keypair)
        .expect("key pair in the fixture");
    found["private_key"]
        .as_str()
        .expect("private_key")
        .to_owned()
}

fn js(value: Value) -> JsValue {
    js_sys::JSON::parse(&value.to_string()).expect("test options are JSON")
}

/// Options for a call the emulator accepts, with `extra` merged over them.
fn options(server: &str, extra: Value) -> JsValue {
    let mut base =
        json!({ "endpoint": EMULATOR, "token": TOKEN, "projectId": PROJECT, "serverId": server });
    if let (Some(base), Some(extra)) = (base.as_object_mut(), extra.as_object()) {
        for (k, v) in extra {
            base.insert(k.clone(), v.clone());
        }
    }
    js(base)
}

fn with_fault(fault: &str, server: &str) -> JsValue {
    options(
        server,
        json!({ "endpoint": format!("{EMULATOR}/__emulator/fault/{fault}") }),
    )
}

fn get(value: &JsValue, key: &str) -> JsValue {
    Reflect::get(value, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

fn text(value: &JsValue, key: &str) -> String {
    get(value, key).as_string().unwrap_or_default()
}

/// The (name, code, status) of a KpsError, after checking it is one.
fn kind(error: &JsValue) -> (String, String, u16) {
    assert!(wasm::is_kps_error(error), "not a KpsError: {error:?}");
    assert!(
        error.is_instance_of::<js_sys::Error>(),
        "a KpsError is an Error"
    );
    let status = get(error, "status").as_f64().unwrap_or(-1.0) as u16;
    (text(error, "name"), text(error, "code"), status)
}

/// Adds an emulator fault rule through its control endpoint.
async fn add_fault_rule(rule: Value) {
    let response = gloo_net::http::Request::post(&format!("{EMULATOR}/__emulator/faults"))
        .header("Content-Type", "application/json")
        .body(rule.to_string())
        .expect("a rule request")
        .send()
        .await
        .expect("the control endpoint answers");
    assert!(response.ok(), "fault rule refused: {}", response.status());
}

async fn call(options: JsValue) -> Result<String, JsValue> {
    wasm::disassociate_keypair(options).await
}

async fn sleep(ms: i32) {
    let promise = Promise::new(&mut |resolve, _| {
        let global = js_sys::global();
        let set_timeout: js_sys::Function = get(&global, "setTimeout").unchecked_into();
        let _ = set_timeout.call2(&JsValue::NULL, &resolve, &JsValue::from(ms));
    });
    let _ = JsFuture::from(promise).await;
}

#[wasm_bindgen_test]
fn version_reports_the_crate_version() {
    assert_eq!(wasm::version(), env!("CARGO_PKG_VERSION"));
}

#[wasm_bindgen_test]
fn is_kps_error_rejects_values_that_are_not_kps_errors() {
    for value in [
        js_sys::Error::new("plain").into(),
        JsValue::NULL,
        JsValue::UNDEFINED,
        JsValue::from_str("KpsError"),
        js_sys::Object::new().into(),
    ] {
        assert!(
            !wasm::is_kps_error(&value),
            "{value:?} taken for a KpsError"
        );
    }
}

#[wasm_bindgen_test]
async fn a_stopped_server_is_unbound_without_auth_and_the_task_id_is_returned() {
    let task_id = call(options(STOPPED_SERVER, json!({}))).await.expect("202");
    assert_eq!(task_id.len(), 36, "a UUID task id: {task_id}");
}

#[wasm_bindgen_test]
async fn a_running_server_is_unbound_with_its_private_key() {
    let key = private_key_of("KeyPair-web");
    let task_id = call(options(
        RUNNING_SERVER,
        json!({ "auth": { "type": "keypair", "key": key } }),
    ))
    .await
    .expect("202");
    assert!(!task_id.is_empty());
}

#[wasm_bindgen_test]
async fn api_errors_carry_the_service_code_status_and_request_id() {
    let wrong_key = private_key_of("KeyPair-db");
    let cases = [
        (options(NO_KEYPAIR_SERVER, json!({})), "KPS.6004", 400),
        (
            options(BENCH_SERVER, json!({ "token": "not-a-valid-token" })),
            "KPS.9001",
            401,
        ),
        (
            options(BENCH_SERVER, json!({ "token": "emulator-token-denied" })),
            "KPS.9003",
            403,
        ),
        (options(UNKNOWN_SERVER, json!({})), "KPS.0002", 400),
        (
            options(
                "5ba4e000-0000-4000-8000-000000000016",
                json!({ "auth": { "type": "keypair", "key": wrong_key } }),
            ),
            "KPS.6009",
            403,
        ),
    ];
    for (opts, code, status) in cases {
        let error = call(opts).await.expect_err("an API error");
        let (name, got_code, got_status) = kind(&error);
        assert_eq!(name, "KpsApiError", "{error:?}");
        assert_eq!(
            (got_code.as_str(), got_status),
            (code, status),
            "{}",
            text(&error, "message")
        );
        assert!(
            !text(&error, "requestId").is_empty(),
            "requestId from X-Request-Id"
        );
        assert!(!text(&error, "message").is_empty());
    }
}

#[wasm_bindgen_test]
async fn each_injected_fault_rejects_with_the_right_kps_error() {
    let cases: &[(&str, &str, &str, u16)] = &[
        ("status=429", "KpsApiError", "APIGW.0308", 429),
        ("status=500", "KpsApiError", "KPS.0003", 500),
        ("status=502", "KpsApiError", "HTTP_502", 502),
        ("status=503", "KpsApiError", "KPS.0003", 503),
        ("body=empty", "KpsResponseError", "INVALID_RESPONSE", 202),
        (
            "body=no-task-id",
            "KpsResponseError",
            "INVALID_RESPONSE",
            202,
        ),
        (
            "body=numeric-task-id",
            "KpsResponseError",
            "INVALID_RESPONSE",
            202,
        ),
        ("body=failed", "KpsApiError", "KPS.6009", 202),
        ("body=not-json", "KpsResponseError", "INVALID_RESPONSE", 202),
        (
            "body=invalid-utf8",
            "KpsResponseError",
            "INVALID_RESPONSE",
            202,
        ),
        ("body=huge", "KpsResponseError", "INVALID_RESPONSE", 202),
        // A response arrived: its status is kept although its body was cut.
        ("body=truncated", "KpsNetworkError", "NETWORK_ERROR", 202),
        ("reset", "KpsNetworkError", "NETWORK_ERROR", 0),
        ("close", "KpsNetworkError", "NETWORK_ERROR", 0),
    ];
    for (fault, name, code, status) in cases {
        let error = call(with_fault(fault, BENCH_SERVER))
            .await
            .expect_err(fault);
        let got = kind(&error);
        assert_eq!(
            (got.0.as_str(), got.1.as_str(), got.2),
            (*name, *code, *status),
            "{fault}: {}",
            text(&error, "message")
        );
    }
    // The module still works after every one of them.
    call(options(BENCH_SERVER, json!({})))
        .await
        .expect("a call after the faults");
}

#[wasm_bindgen_test]
async fn a_502_html_page_becomes_a_short_readable_message() {
    let error = call(with_fault("status=502", BENCH_SERVER))
        .await
        .expect_err("502");
    let message = text(&error, "message");
    assert!(message.starts_with("HTTP 502"), "{message}");
    assert!(!message.contains('<') && message.len() < 400, "{message}");
}

#[wasm_bindgen_test]
async fn a_delayed_answer_within_the_timeout_succeeds() {
    call(options(
        BENCH_SERVER,
        json!({ "endpoint": format!("{EMULATOR}/__emulator/fault/delay=200"), "timeoutMs": 5000 }),
    ))
    .await
    .expect("202 after the delay");
}

#[wasm_bindgen_test]
async fn a_hanging_server_times_out_after_timeout_ms() {
    let started = js_sys::Date::now();
    let error = call(options(
        BENCH_SERVER,
        json!({ "endpoint": format!("{EMULATOR}/__emulator/fault/hang"), "timeoutMs": 300 }),
    ))
    .await
    .expect_err("timeout");
    assert_eq!(
        kind(&error),
        ("KpsTimeoutError".into(), "TIMEOUT".into(), 0)
    );
    let elapsed = js_sys::Date::now() - started;
    assert!((250.0..5000.0).contains(&elapsed), "took {elapsed} ms");
}

fn abort_controller() -> web_sys::AbortController {
    web_sys::AbortController::new().expect("AbortController")
}

fn options_with_signal(opts: JsValue, signal: &web_sys::AbortSignal) -> JsValue {
    Reflect::set(&opts, &JsValue::from_str("signal"), signal).expect("set signal");
    opts
}

/// Aborts `controller` with each kind of reason a user might pass.
fn abort(controller: &web_sys::AbortController, reason: &str) {
    match reason {
        "error" => controller.abort_with_reason(&js_sys::Error::new("user cancelled")),
        "string" => controller.abort_with_reason(&JsValue::from_str("user-cancel")),
        "object" => controller.abort_with_reason(&js_sys::Object::new()),
        _ => controller.abort(),
    }
}

#[wasm_bindgen_test]
async fn an_already_aborted_signal_rejects_at_once_whatever_the_reason() {
    for reason in ["error", "string", "object", "none"] {
        let controller = abort_controller();
        abort(&controller, reason);
        let opts = options_with_signal(options(BENCH_SERVER, json!({})), &controller.signal());
        let error = call(opts).await.expect_err(reason);
        assert_eq!(
            kind(&error),
            ("KpsAbortError".into(), "ABORTED".into(), 0),
            "{reason}"
        );
    }
}

#[wasm_bindgen_test]
async fn aborting_during_the_call_rejects_promptly_whatever_the_reason() {
    for reason in ["error", "string", "object", "none"] {
        let controller = abort_controller();
        let opts = options_with_signal(with_fault("hang", BENCH_SERVER), &controller.signal());
        let aborter = controller.clone();
        wasm_bindgen_futures::spawn_local(async move {
            sleep(50).await;
            abort(&aborter, reason);
        });
        let error = call(opts).await.expect_err(reason);
        assert_eq!(
            kind(&error),
            ("KpsAbortError".into(), "ABORTED".into(), 0),
            "{reason}"
        );
    }
    call(options(BENCH_SERVER, json!({})))
        .await
        .expect("a call after the aborts");
}

#[wasm_bindgen_test]
async fn one_signal_shared_by_many_calls_aborts_them_all_and_stays_usable_until_then() {
    let controller = abort_controller();
    let signal = controller.signal();
    // Twenty calls that complete, all watching the one signal while they run (host.js gives the signal one
    // listener for all of them: Node warns from the eleventh listener on a signal).
    let promises = js_sys::Array::new();
    for _ in 0..20 {
        let future = call(options_with_signal(
            options(BENCH_SERVER, json!({})),
            &signal,
        ));
        promises.push(&wasm_bindgen_futures::future_to_promise(async move {
            future.await.map(JsValue::from)
        }));
    }
    JsFuture::from(Promise::all(&promises))
        .await
        .expect("twenty calls sharing one signal");
    // Twenty calls that hang, then one abort: every one of them rejects.
    let promises = js_sys::Array::new();
    for _ in 0..20 {
        let future = call(options_with_signal(
            with_fault("hang", BENCH_SERVER),
            &signal,
        ));
        promises.push(&wasm_bindgen_futures::future_to_promise(async move {
            match future.await {
                Ok(task_id) => Err(JsValue::from_str(&format!("resolved with {task_id}"))),
                Err(error) => Ok(error),
            }
        }));
    }
    let aborter = controller.clone();
    wasm_bindgen_futures::spawn_local(async move {
        sleep(50).await;
        aborter.abort();
    });
    let errors: js_sys::Array = JsFuture::from(Promise::all(&promises))
        .await
        .expect("every hanging call rejects")
        .unchecked_into();
    assert_eq!(errors.length(), 20);
    for error in errors.iter() {
        assert_eq!(kind(&error), ("KpsAbortError".into(), "ABORTED".into(), 0));
    }
}

#[wasm_bindgen_test]
async fn a_redirect_is_not_followed_and_says_so() {
    // The emulator's redirect target answers with a task ID: following it would resolve.
    let error = call(with_fault("body=redirect", BENCH_SERVER))
        .await
        .expect_err("a redirect");
    let (name, code, status) = kind(&error);
    assert_eq!(
        (name.as_str(), code.as_str()),
        ("KpsResponseError", "INVALID_RESPONSE")
    );
    // Node sees the 307 itself; a browser only an opaque redirect, with status 0.
    assert!(status == 307 || status == 0, "status {status}");
    let message = text(&error, "message");
    assert!(message.contains("redirect"), "{message}");
}

#[wasm_bindgen_test]
async fn a_hundred_calls_in_parallel_all_resolve_with_distinct_task_ids() {
    let promises = js_sys::Array::new();
    for _ in 0..100 {
        let future = call(options(BENCH_SERVER, json!({})));
        promises.push(&wasm_bindgen_futures::future_to_promise(async move {
            future.await.map(JsValue::from)
        }));
    }
    let all = JsFuture::from(Promise::all(&promises))
        .await
        .expect("all 100 resolve");
    let ids: std::collections::HashSet<String> = js_sys::Array::from(&all)
        .iter()
        .map(|id| id.as_string().unwrap_or_default())
        .collect();
    assert_eq!(ids.len(), 100);
}

#[wasm_bindgen_test]
async fn validation_errors_name_the_field_and_make_no_request() {
    let cases = [
        (
            options(BENCH_SERVER, json!({ "projectId": "short" })),
            "projectId",
        ),
        (options("not-a-uuid", json!({})), "serverId"),
        (
            options(BENCH_SERVER, json!({ "serverID": BENCH_SERVER })),
            "serverID",
        ),
        (
            options(
                BENCH_SERVER,
                json!({ "auth": { "type": "pem", "key": "x" } }),
            ),
            "auth.type",
        ),
        (
            options(BENCH_SERVER, json!({ "timeoutMs": 0 })),
            "timeoutMs",
        ),
        (JsValue::from_str("options"), "options"),
        (JsValue::NULL, "options"),
    ];
    for (opts, field) in cases {
        let error = call(opts).await.expect_err(field);
        assert_eq!(
            kind(&error),
            ("KpsValidationError".into(), "INVALID_ARGUMENT".into(), 0),
            "{field}"
        );
        assert_eq!(text(&error, "field"), field, "{}", text(&error, "message"));
    }
}

#[wasm_bindgen_test]
async fn no_error_ever_contains_a_token_private_key_or_password() {
    let token = "canary-TOKEN-7f3a9c";
    let key = "-----BEGIN RSA PRIVATE KEY-----\ncanaryKEYmaterial0123456789\n-----END RSA PRIVATE KEY-----";
    let password = "canary-PASSWORD-b42";
    let canaries = [token, "canaryKEYmaterial0123456789", password];
    let mut errors = Vec::new();
    let faults = [
        "status=400",
        "status=401",
        "status=500",
        "status=502",
        "body=not-json",
        "body=failed",
        "reset",
        "hang",
    ];
    for fault in faults {
        for auth in [
            json!({ "type": "keypair", "key": key }),
            json!({ "type": "password", "key": password }),
        ] {
            let opts = options(
                BENCH_SERVER,
                json!({
                    "endpoint": format!("{EMULATOR}/__emulator/fault/{fault}"),
                    "token": token, "auth": auth, "timeoutMs": 200,
                }),
            );
            errors.push(call(opts).await.expect_err(fault));
        }
    }
    errors.push(
        call(options(
            RUNNING_SERVER,
            json!({ "token": token, "auth": { "type": "keypair", "key": key } }),
        ))
        .await
        .expect_err("bad token"),
    );
    errors.push(
        call(options(
            RUNNING_SERVER,
            json!({ "auth": { "type": "keypair", "key": key } }),
        ))
        .await
        .expect_err("wrong key"),
    );
    errors.push(
        call(options(
            RUNNING_SERVER,
            json!({ "token": format!("{token} with space") }),
        ))
        .await
        .expect_err("bad token"),
    );
    errors.push(
        call(options(
            "bad",
            json!({ "token": token, "auth": { "type": "password", "key": password } }),
        ))
        .await
        .expect_err("bad id"),
    );
    for error in errors {
        let stringify = js_sys::JSON::stringify(&error)
            .ok()
            .and_then(|s| s.as_string())
            .unwrap_or_default();
        let to_string = error
            .unchecked_ref::<js_sys::Error>()
            .to_string()
            .as_string()
            .unwrap_or_default();
        let views = [
            text(&error, "message"),
            text(&error, "stack"),
            stringify,
            to_string,
        ];
        for view in &views {
            for canary in canaries {
                assert!(!view.contains(canary), "{canary} leaked into {view}");
            }
        }
    }
}

fn credentials(access_key_id: &str, secret: &str, security_token: Option<&str>) -> Value {
    let mut credentials = json!({ "accessKeyId": access_key_id, "secretAccessKey": secret });
    if let Some(token) = security_token {
        credentials["securityToken"] = json!(token);
    }
    credentials
}

/// Options signed with AK/SK instead of a token.
fn signed(server: &str, credentials: Value) -> JsValue {
    let opts = options(server, json!({ "credentials": credentials }));
    Reflect::delete_property(
        opts.unchecked_ref::<js_sys::Object>(),
        &JsValue::from_str("token"),
    )
    .expect("delete token");
    opts
}

#[wasm_bindgen_test]
async fn a_call_signed_with_ak_sk_is_accepted_by_the_verifier() {
    let ak_sk = credentials(
        "HPUAL7MDDNZ3EXAMPLE1",
        "qLZBJ9k7Xh2mEXAMPLEsecretKEYqLZBJ9k7Xh2m",
        None,
    );
    call(signed(BENCH_SERVER, ak_sk))
        .await
        .expect("a correctly signed call");
    let key = private_key_of("KeyPair-spare");
    let ak_sk = credentials(
        "AKTESTAKTESTAKTEST01",
        "SKsecretSKsecretSKsecretSKsecretSKsecret",
        None,
    );
    let opts = signed(BENCH_SERVER, ak_sk);
    Reflect::set(
        &opts,
        &JsValue::from_str("auth"),
        &js(json!({ "type": "keypair", "key": key })),
    )
    .unwrap();
    call(opts)
        .await
        .expect("a signed call with a private key in the body");
}

#[wasm_bindgen_test]
async fn temporary_credentials_send_and_sign_their_security_token() {
    let (ak, sk) = (
        "TMPAKEMULATOREXAMPLE",
        "TMPskEXAMPLEtemporarySecretKey0123456789",
    );
    call(signed(
        BENCH_SERVER,
        credentials(ak, sk, Some("emulator-security-token-EXAMPLE")),
    ))
    .await
    .expect("temporary credentials with their security token");
    for token in [None, Some("a-wrong-security-token")] {
        let error = call(signed(BENCH_SERVER, credentials(ak, sk, token)))
            .await
            .expect_err("rejected");
        let (name, code, status) = kind(&error);
        assert_eq!(
            (name.as_str(), status),
            ("KpsApiError", 401),
            "{token:?}: {}",
            text(&error, "message")
        );
        assert!(code.starts_with("APIGW."), "{code}");
    }
}

#[wasm_bindgen_test]
async fn a_wrong_secret_key_gets_the_gateways_signature_error_without_leaking_it() {
    let secret = "canary-WRONG-secret-key-0123456789";
    let error = call(signed(
        BENCH_SERVER,
        credentials("HPUAL7MDDNZ3EXAMPLE1", secret, None),
    ))
    .await
    .expect_err("a wrong secret");
    assert_eq!(
        kind(&error),
        ("KpsApiError".into(), "APIGW.0301".into(), 401)
    );
    let json = js_sys::JSON::stringify(&error)
        .ok()
        .and_then(|s| s.as_string())
        .unwrap_or_default();
    assert!(!json.contains(secret) && !text(&error, "stack").contains(secret));
}

#[wasm_bindgen_test]
fn validate_options_returns_the_error_a_call_would_reject_with_and_sends_nothing() {
    let problem = wasm::validate_options(
        JsValue::from_str("disassociateKeypair"),
        options(BENCH_SERVER, json!({ "projectId": "short" })),
    );
    assert_eq!(
        kind(&problem),
        ("KpsValidationError".into(), "INVALID_ARGUMENT".into(), 0)
    );
    assert_eq!(text(&problem, "field"), "projectId");
    let fine = wasm::validate_options(
        JsValue::from_str("disassociateKeypair"),
        options(BENCH_SERVER, json!({})),
    );
    assert!(fine.is_undefined(), "{fine:?}");
    let task =
        json!({ "endpoint": EMULATOR, "token": TOKEN, "projectId": PROJECT, "taskId": "nope" });
    let problem = wasm::validate_options(JsValue::from_str("waitForKeypairTask"), js(task));
    assert_eq!(text(&problem, "field"), "taskId");
    let unknown =
        wasm::validate_options(JsValue::from_str("fetch"), options(BENCH_SERVER, json!({})));
    assert_eq!(text(&unknown, "field"), "operation");
}
