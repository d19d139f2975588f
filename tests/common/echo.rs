//! Secrets against a server that echoes them: every operation, with a token, with AK/SK and with temporary
//! AK/SK, against the emulator's `echo` and `echo-ids` faults (the request's credential in `X-Request-Id`, in
//! every text member and in every identifier). Whatever settles — a result, an error, an `onProgress`
//! argument — is walked property by property (own properties, nested objects, arrays), and read as JSON and as
//! `String()`: no form of any secret of the call may appear anywhere, and an identifier that echoes one is a
//! `KpsResponseError`. New fields are covered without being named here: the walk is generic.

use super::*;
use js_sys::{Array, Object};
use std::cell::RefCell;
use std::rc::Rc;

const TOKEN_CANARY: &str = "canary-TOKEN-echo-5e1d";
const AK_CANARY: &str = "CANARYAKECHO00000001";
const SK_CANARY: &str = "canary-SK-echo-secretKEYsecretKEY0123456";
const SECURITY_TOKEN_CANARY: &str = "canary-SECURITY-TOKEN-echo-77c1";
const KEY_CANARY: &str = "canaryECHOkeyMATERIAL0123456789";
const PASSWORD_CANARY: &str = "canary-PASS\"wörd\\echo";

/// How a call authenticates in the sweep.
#[derive(Clone, Copy, Debug)]
enum Auth {
    Token,
    AkSk,
    Temporary,
}

fn client(fault: &str, auth: Auth) -> Value {
    let endpoint = format!("{EMULATOR}/__emulator/fault/{fault}");
    let mut client = json!({ "endpoint": endpoint, "projectId": PROJECT, "timeoutMs": 2000 });
    match auth {
        Auth::Token => client["token"] = json!(TOKEN_CANARY),
        Auth::AkSk => {
            client["credentials"] =
                json!({ "accessKeyId": AK_CANARY, "secretAccessKey": SK_CANARY })
        }
        Auth::Temporary => {
            client["credentials"] = json!({
                "accessKeyId": AK_CANARY, "secretAccessKey": SK_CANARY,
                "securityToken": SECURITY_TOKEN_CANARY,
            })
        }
    }
    client
}

fn merged(mut base: Value, extra: Value) -> JsValue {
    if let (Some(base), Some(extra)) = (base.as_object_mut(), extra.as_object()) {
        for (k, v) in extra {
            base.insert(k.clone(), v.clone());
        }
    }
    js(base)
}

fn private_key() -> String {
    format!("-----BEGIN RSA PRIVATE KEY-----\n{KEY_CANARY}\n-----END RSA PRIVATE KEY-----")
}

/// Every string reachable from `value`: own property names' values (enumerable or not) of objects and
/// arrays, depth-first, plus `JSON.stringify` and `String()` of the value itself.
fn every_string(value: &JsValue, depth: u8, out: &mut Vec<String>) {
    if let Some(text) = value.as_string() {
        out.push(text);
        return;
    }
    if !value.is_object() || depth > 6 {
        return;
    }
    if let Ok(json) = js_sys::JSON::stringify(value) {
        out.extend(json.as_string());
    }
    // `String(error)`: what a log line shows of an error.
    if let Some(error) = value.dyn_ref::<js_sys::Error>() {
        out.extend(error.to_string().as_string());
    }
    let object: &Object = value.unchecked_ref();
    for name in Object::get_own_property_names(object).iter() {
        let member = Reflect::get(value, &name).unwrap_or(JsValue::UNDEFINED);
        every_string(&member, depth + 1, out);
    }
    if let Some(array) = value.dyn_ref::<Array>() {
        for item in array.iter() {
            every_string(&item, depth + 1, out);
        }
    }
}

/// A run of 64 hexadecimal digits: an AK/SK signature.
fn has_signature(text: &str) -> bool {
    let mut run = 0;
    for c in text.chars() {
        run = if c.is_ascii_hexdigit() { run + 1 } else { 0 };
        if run >= 64 {
            return true;
        }
    }
    false
}

/// Fails when any string reachable from `value` holds a secret of the sweep, in any form a JSON encoder writes.
fn assert_no_secret(value: &JsValue, context: &str) {
    let mut strings = Vec::new();
    every_string(value, 0, &mut strings);
    let escaped_password = serde_json::to_string(PASSWORD_CANARY).expect("a string");
    let escaped_password = &escaped_password[1..escaped_password.len() - 1];
    for text in &strings {
        for secret in [
            TOKEN_CANARY,
            AK_CANARY,
            SK_CANARY,
            SECURITY_TOKEN_CANARY,
            KEY_CANARY,
            PASSWORD_CANARY,
            escaped_password,
            "SDK-HMAC-SHA256 Access",
        ] {
            assert!(
                !text.contains(secret),
                "{context}: {secret:?} reached the caller in {text:?}"
            );
        }
        assert!(
            !has_signature(text),
            "{context}: a signature reached the caller in {text:?}"
        );
    }
}

/// The `onProgress` arguments a call received.
type Progress = Rc<RefCell<Vec<JsValue>>>;

fn with_progress(options: &JsValue) -> (Progress, Closure<dyn FnMut(JsValue)>) {
    let seen: Progress = Rc::new(RefCell::new(Vec::new()));
    let sink = seen.clone();
    let callback = Closure::<dyn FnMut(JsValue)>::new(move |value: JsValue| {
        sink.borrow_mut().push(value);
    });
    Reflect::set(options, &JsValue::from_str("onProgress"), callback.as_ref())
        .expect("set onProgress");
    (seen, callback)
}

/// Runs every operation once against `fault` with `auth`; returns (operation, outcome, progress) for each.
async fn every_operation(fault: &str, auth: Auth) -> Vec<(String, Result<JsValue, JsValue>)> {
    let base = client(fault, auth);
    let task = json!({ "taskId": "aee8d2fe-5484-4753-9177-5a38dc15546c" });
    let wait = json!({ "taskId": "aee8d2fe-5484-4753-9177-5a38dc15546c",
                       "intervalMs": 100, "waitTimeoutMs": 250 });
    let keypair = json!({ "serverId": STOPPED_SERVER,
                          "auth": { "type": "keypair", "key": private_key() } });
    let password = json!({ "serverId": STOPPED_SERVER,
                           "auth": { "type": "password", "key": PASSWORD_CANARY } });
    let mut outcomes = Vec::new();
    for (name, extra) in [("keypair", &keypair), ("password", &password)] {
        let outcome = wasm::disassociate_keypair(merged(base.clone(), extra.clone()))
            .await
            .map(JsValue::from);
        outcomes.push((format!("disassociateKeypair ({name})"), outcome));
        let mut and_wait = extra.clone();
        and_wait["intervalMs"] = json!(100);
        and_wait["waitTimeoutMs"] = json!(250);
        let options = merged(base.clone(), and_wait);
        let (progress, _callback) = with_progress(&options);
        let outcome = wasm::disassociate_keypair_and_wait(options).await;
        outcomes.extend(progress_outcomes("disassociateKeypairAndWait", &progress));
        outcomes.push((format!("disassociateKeypairAndWait ({name})"), outcome));
    }
    let outcome = wasm::get_keypair_task(merged(base.clone(), task.clone())).await;
    outcomes.push(("getKeypairTask".to_owned(), outcome));
    let options = merged(base.clone(), wait);
    let (progress, _callback) = with_progress(&options);
    let outcome = wasm::wait_for_keypair_task(options).await;
    outcomes.extend(progress_outcomes("waitForKeypairTask", &progress));
    outcomes.push(("waitForKeypairTask".to_owned(), outcome));
    let outcome = wasm::list_running_tasks(merged(base.clone(), json!({}))).await;
    outcomes.push(("listRunningTasks".to_owned(), outcome));
    let outcome = wasm::list_failed_tasks(merged(base.clone(), json!({}))).await;
    outcomes.push(("listFailedTasks".to_owned(), outcome));
    let outcome = wasm::delete_failed_task(merged(base.clone(), task))
        .await
        .map(|()| JsValue::UNDEFINED);
    outcomes.push(("deleteFailedTask".to_owned(), outcome));
    outcomes
}

fn progress_outcomes(
    operation: &str,
    progress: &Progress,
) -> Vec<(String, Result<JsValue, JsValue>)> {
    progress
        .borrow()
        .iter()
        .map(|value| (format!("{operation} onProgress"), Ok(value.clone())))
        .collect()
}

const AUTHS: [Auth; 3] = [Auth::Token, Auth::AkSk, Auth::Temporary];

#[wasm_bindgen_test]
async fn no_secret_reaches_any_property_of_any_result_or_error_when_the_server_echoes_the_request()
{
    for fault in ["body=echo", "status=400,body=echo", "status=500,body=echo"] {
        for auth in AUTHS {
            for (operation, outcome) in every_operation(fault, auth).await {
                let context = format!("{operation}, {fault}, {auth:?}");
                let value = match &outcome {
                    Ok(value) | Err(value) => value,
                };
                if outcome.is_err() {
                    kind(value);
                    assert_eq!(
                        get(value, "requestId"),
                        JsValue::UNDEFINED,
                        "{context}: an echoed request ID is dropped"
                    );
                }
                assert_no_secret(value, &context);
            }
        }
    }
}

#[wasm_bindgen_test]
async fn a_listed_task_whose_names_echo_a_secret_is_returned_with_the_secret_masked() {
    let list = wasm::list_running_tasks(merged(client("body=echo", Auth::Token), json!({})))
        .await
        .expect("a list whose identifiers are valid");
    let tasks: Array = get(&list, "tasks").unchecked_into();
    let entry = tasks.get(0);
    assert_eq!(text(&entry, "serverId"), STOPPED_SERVER);
    let name = text(&entry, "serverName");
    assert!(name.starts_with("echo: ***"), "{name}");
    assert_no_secret(&list, "listRunningTasks");
}

#[wasm_bindgen_test]
async fn an_identifier_that_echoes_a_secret_is_an_invalid_response_that_names_the_member() {
    for fault in ["body=echo-ids", "status=400,body=echo-ids"] {
        for auth in AUTHS {
            for (operation, outcome) in every_operation(fault, auth).await {
                let context = format!("{operation}, {fault}, {auth:?}");
                if operation == "deleteFailedTask" && fault == "body=echo-ids" {
                    // A 2xx is all a delete reads: there is no identifier to check.
                    assert!(outcome.is_ok(), "{context}");
                    continue;
                }
                if operation.ends_with("onProgress") {
                    panic!("{context}: a task with an echoed identifier reached onProgress");
                }
                let error = outcome.expect_err(&context);
                let (name, code, _) = kind(&error);
                assert_eq!(
                    (name.as_str(), code.as_str()),
                    ("KpsResponseError", "INVALID_RESPONSE"),
                    "{context}: {}",
                    text(&error, "message")
                );
                let message = text(&error, "message");
                assert!(
                    message.contains("is not an identifier as KPS writes them"),
                    "{context}: {message}"
                );
                assert_no_secret(&error, &context);
            }
        }
    }
}
