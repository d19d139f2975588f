//! Saying where and why, in Node and Chromium: a network error names the host and keeps the runtime's cause,
//! a wrong endpoint path shows the path requested, a wait that fails keeps its task ID, every response's
//! metadata reaches `onResponse`, and the service's setup errors say their likely cause.

use super::*;
use std::cell::RefCell;
use std::rc::Rc;

/// Nothing listens on port 2 of the loopback (a privileged port no test binds; 1 is one `fetch` refuses).
const REFUSED: &str = "http://127.0.0.1:2";
/// `.invalid` resolves nowhere (RFC 2606): no network needed to fail.
const UNKNOWN_HOST: &str = "https://kms.nowhere.invalid";

/// Servers for these tests alone: fleet servers the fleet suite leaves alone (it uses 1–9, 101–1100).
fn spare(n: usize) -> String {
    format!("f1ee7000-0000-4000-8000-{:012}", 1150 + n)
}

/// Whether the suite runs in a page (Chromium), where a failed fetch says nothing of why.
fn in_browser() -> bool {
    Reflect::has(&js_sys::global(), &JsValue::from_str("document")).unwrap_or(false)
}

/// An `onResponse` recorder: every response object it was called with.
type Responses = Rc<RefCell<Vec<JsValue>>>;

fn record_responses(options: &JsValue) -> (Responses, Closure<dyn FnMut(JsValue)>) {
    let seen: Responses = Rc::new(RefCell::new(Vec::new()));
    let sink = seen.clone();
    let callback = Closure::<dyn FnMut(JsValue)>::new(move |response: JsValue| {
        sink.borrow_mut().push(response);
    });
    Reflect::set(options, &JsValue::from_str("onResponse"), callback.as_ref())
        .expect("set onResponse");
    (seen, callback)
}

/// Each response's `(operation, status, attempts)`.
fn summarised(responses: &[JsValue]) -> Vec<(String, f64, f64)> {
    responses
        .iter()
        .map(|r| {
            (
                text(r, "operation"),
                get(r, "status").as_f64().unwrap_or(0.0),
                get(r, "attempts").as_f64().unwrap_or(0.0),
            )
        })
        .collect()
}

fn own_keys(value: &JsValue) -> Vec<String> {
    js_sys::Object::keys(value.unchecked_ref::<js_sys::Object>())
        .iter()
        .filter_map(|key| key.as_string())
        .collect()
}

#[wasm_bindgen_test]
async fn a_refused_connection_names_the_host_and_keeps_the_runtime_s_cause() {
    let error = call(options(
        BENCH_SERVER,
        json!({ "endpoint": REFUSED, "token": "canary-token-0123", "maxAttempts": 1 }),
    ))
    .await
    .expect_err("nothing listens there");
    assert_eq!(
        kind(&error),
        ("KpsNetworkError".into(), "NETWORK_ERROR".into(), 0)
    );
    let message = text(&error, "message");
    assert!(
        message.starts_with("no response from 127.0.0.1:2"),
        "{message}"
    );
    assert!(!message.contains("canary-token-0123"), "{message}");
    let cause = get(&error, "cause");
    assert!(
        cause.is_instance_of::<js_sys::Error>(),
        "e.cause is what fetch threw: {cause:?}"
    );
    assert_eq!(text(&cause, "name"), "TypeError");
    let stringified = js_sys::JSON::stringify(&error)
        .ok()
        .and_then(|s| s.as_string())
        .unwrap_or_default();
    assert!(!stringified.contains("\"cause\""), "{stringified}");
    if in_browser() {
        for words in [
            "CORS",
            "same-origin proxy",
            "It may also be",
            "Failed to fetch",
        ] {
            assert!(message.contains(words), "{words}: {message}");
        }
    } else {
        for words in [
            ": the connection was refused: nothing listens at that address and port",
            "(ECONNREFUSED)",
            "The runtime said: TypeError: fetch failed; cause: Error: connect ECONNREFUSED 127.0.0.1:2",
        ] {
            assert!(message.contains(words), "{words}: {message}");
        }
        assert_eq!(text(&get(&cause, "cause"), "code"), "ECONNREFUSED");
    }
}

#[wasm_bindgen_test]
async fn an_unknown_host_is_named_without_the_query_and_explained() {
    let list = js(json!({
        "endpoint": UNKNOWN_HOST, "token": TOKEN, "projectId": PROJECT, "limit": 7, "maxAttempts": 1,
    }));
    let error = wasm::list_running_tasks(list)
        .await
        .expect_err("the host resolves nowhere");
    assert_eq!(
        kind(&error),
        ("KpsNetworkError".into(), "NETWORK_ERROR".into(), 0)
    );
    let message = text(&error, "message");
    assert!(
        message.starts_with("no response from kms.nowhere.invalid"),
        "{message}"
    );
    assert!(
        !message.contains("limit=") && !message.contains(PROJECT),
        "{message}"
    );
    if in_browser() {
        assert!(message.contains("CORS"), "{message}");
    } else {
        // ENOTFOUND where DNS answers that the name does not exist; EAI_AGAIN on a machine with no DNS.
        assert!(
            message.contains(": the host name was not found (DNS)")
                && message.contains("(ENOTFOUND)")
                || message.contains("(EAI_AGAIN)"),
            "{message}"
        );
    }
}

#[wasm_bindgen_test]
async fn an_endpoint_with_v3_gets_apigw_0101_with_the_path_requested_and_a_hint() {
    let error = call(options(
        BENCH_SERVER,
        json!({ "endpoint": format!("{EMULATOR}/v3") }),
    ))
    .await
    .expect_err("no API at /v3/v3/…");
    assert_eq!(
        kind(&error),
        ("KpsApiError".into(), "APIGW.0101".into(), 404)
    );
    let message = text(&error, "message");
    let path = format!("The request went to /v3/v3/{PROJECT}/keypairs/disassociate,");
    for words in [
        path.as_str(),
        "the service's root",
        "remove /v3 from endpoint",
    ] {
        assert!(message.contains(words), "{words}: {message}");
    }
    let list = js(json!({
        "endpoint": format!("{EMULATOR}/kps"), "token": TOKEN, "projectId": PROJECT, "limit": 7,
    }));
    let error = wasm::list_running_tasks(list).await.expect_err("no API");
    let message = text(&error, "message");
    assert!(
        message.contains(&format!("went to /kps/v3/{PROJECT}/running-tasks,")),
        "{message}"
    );
    assert!(!message.contains("limit"), "{message}");
}

#[wasm_bindgen_test]
async fn kps_9003_on_a_well_formed_project_says_it_may_belong_to_another_account_or_region() {
    let error = call(options(
        BENCH_SERVER,
        json!({ "token": "emulator-token-denied" }),
    ))
    .await
    .expect_err("no permission");
    assert_eq!(kind(&error), ("KpsApiError".into(), "KPS.9003".into(), 403));
    let message = text(&error, "message");
    assert!(
        message.contains("another account") && message.contains("another region"),
        "{message}"
    );
}

#[wasm_bindgen_test]
fn a_region_that_is_not_listed_is_refused_before_any_request_with_the_endpoint_to_use() {
    let problem = wasm::validate_options(
        JsValue::from_str("disassociateKeypair"),
        js(
            json!({ "region": "cn-north-99", "token": TOKEN, "projectId": PROJECT, "serverId": BENCH_SERVER }),
        ),
    );
    assert_eq!(
        kind(&problem),
        ("KpsValidationError".into(), "INVALID_ARGUMENT".into(), 0)
    );
    assert_eq!(text(&problem, "field"), "region");
    let message = text(&problem, "message");
    assert!(message.contains("did you mean 'cn-north-9'?"), "{message}");
    assert!(
        message.contains("endpoint: 'https://kms.cn-north-99.myhuaweicloud.com'"),
        "{message}"
    );
}

#[wasm_bindgen_test]
async fn a_wait_that_times_out_after_the_unbind_carries_the_task_id_the_last_task_and_the_unbind_s_request_id(
) {
    let opts = options(
        &spare(1),
        json!({ "intervalMs": 100, "waitTimeoutMs": 200 }),
    );
    let (responses, _callback) = record_responses(&opts);
    let error = wasm::disassociate_keypair_and_wait(opts)
        .await
        .expect_err("timed out");
    assert_eq!(
        kind(&error),
        ("KpsTimeoutError".into(), "TIMEOUT".into(), 0)
    );
    let task_id = text(&error, "taskId");
    assert_eq!(task_id.len(), 36, "e.taskId: {task_id:?}");
    let task = get(&error, "task");
    assert_eq!(text(&task, "taskId"), task_id);
    assert_eq!(text(&task, "serverId"), spare(1));
    assert!(
        ["READY_UNBIND", "RUNNING_UNBIND"].contains(&text(&task, "status").as_str()),
        "{task:?}"
    );
    let unbind = responses.borrow()[0].clone();
    assert_eq!(text(&unbind, "operation"), "DisassociateKeypair");
    assert_eq!(text(&error, "requestId"), text(&unbind, "requestId"));
    let json = js_sys::JSON::stringify(&error)
        .ok()
        .and_then(|s| s.as_string())
        .unwrap_or_default();
    assert!(
        json.contains(&format!("\"taskId\":\"{task_id}\"")),
        "{json}"
    );
    // The task goes on, and can be followed with the ID the error kept.
    let follow = js(json!({
        "endpoint": EMULATOR, "token": TOKEN, "projectId": PROJECT, "taskId": task_id, "intervalMs": 100,
    }));
    let done = wasm::wait_for_keypair_task(follow)
        .await
        .expect("the task finishes");
    assert_eq!(text(&done, "status"), "SUCCESS_UNBIND");
}

#[wasm_bindgen_test]
async fn aborting_a_wait_after_the_unbind_started_keeps_the_task_id() {
    let controller = abort_controller();
    let opts = options_with_signal(
        options(&spare(2), json!({ "intervalMs": 5000 })),
        &controller.signal(),
    );
    let aborter = controller.clone();
    wasm_bindgen_futures::spawn_local(async move {
        sleep(400).await;
        aborter.abort_with_reason(&JsValue::from_str("user-cancel"));
    });
    let error = wasm::disassociate_keypair_and_wait(opts)
        .await
        .expect_err("aborted");
    assert_eq!(kind(&error), ("KpsAbortError".into(), "ABORTED".into(), 0));
    assert_eq!(text(&error, "taskId").len(), 36, "{error:?}");
    assert_eq!(text(&get(&error, "task"), "serverId"), spare(2));
    let waited = js(json!({
        "endpoint": EMULATOR, "token": TOKEN, "projectId": PROJECT,
        "taskId": "00000000-0000-4000-8000-0000000000ab", "waitTimeoutMs": 1, "intervalMs": 100,
    }));
    let error = wasm::wait_for_keypair_task(waited)
        .await
        .expect_err("no time to wait");
    assert_eq!(
        text(&error, "taskId"),
        "00000000-0000-4000-8000-0000000000ab",
        "{error:?}"
    );
}

#[wasm_bindgen_test]
async fn on_response_gets_every_response_s_operation_status_request_id_and_attempts() {
    add_fault_rule(
        json!({ "fault": "status=503,retry-after=0", "path": "keypairs/disassociate",
                "method": "POST", "times": 1 }),
    )
    .await;
    let opts = options(BENCH_SERVER, json!({}));
    let (responses, _callback) = record_responses(&opts);
    let task_id = call(opts).await.expect("the retry is accepted");
    assert_eq!(task_id.len(), 36);
    let seen = responses.borrow().clone();
    assert_eq!(seen.len(), 2, "{seen:?}");
    assert_eq!(
        own_keys(&seen[1]),
        ["operation", "status", "requestId", "attempts"]
    );
    let summary = summarised(&seen);
    assert_eq!(
        summary,
        [
            ("DisassociateKeypair".to_owned(), 503.0, 1.0),
            ("DisassociateKeypair".to_owned(), 202.0, 2.0)
        ]
    );
    assert_eq!(text(&seen[1], "requestId").len(), 32, "{:?}", seen[1]);
    assert_ne!(text(&seen[0], "requestId"), text(&seen[1], "requestId"));
}

#[wasm_bindgen_test]
async fn the_finished_task_of_an_unbind_and_wait_carries_the_unbind_s_request_id() {
    let opts = options(&spare(3), json!({ "intervalMs": 100 }));
    let (responses, _callback) = record_responses(&opts);
    let task = wasm::disassociate_keypair_and_wait(opts)
        .await
        .expect("the task succeeds");
    assert_eq!(text(&task, "status"), "SUCCESS_UNBIND");
    let seen = responses.borrow().clone();
    let operations: Vec<String> = seen.iter().map(|r| text(r, "operation")).collect();
    assert_eq!(operations[0], "DisassociateKeypair");
    assert!(
        operations.len() >= 2 && operations[1..].iter().all(|o| o == "ListKeypairTask"),
        "{operations:?}"
    );
    assert_eq!(text(&task, "requestId"), text(&seen[0], "requestId"));
    assert_eq!(text(&task, "requestId").len(), 32);
    assert_eq!(
        own_keys(&task),
        ["taskId", "serverId", "status", "requestId"]
    );
}

#[wasm_bindgen_test]
async fn each_request_of_a_fleet_counts_and_retries_its_own_attempts() {
    // The GET that confirms a finished task is refused once: it is retried in the same round. The round's
    // list reads come before it, with the same caller: they must not use up its maxAttempts.
    add_fault_rule(
        json!({ "fault": "status=503,retry-after=0", "path": "/tasks/", "method": "GET", "times": 1 }),
    )
    .await;
    let opts = js(json!({
        "endpoint": EMULATOR, "token": TOKEN, "projectId": PROJECT, "maxAttempts": 2,
        "servers": [spare(5), spare(6)],
        "intervalMs": 200, "waitTimeoutMs": 20_000,
    }));
    let (responses, _callback) = record_responses(&opts);
    let report = wasm::disassociate_keypairs(opts).await.expect("report");
    assert_eq!(get(&report, "succeeded").as_f64(), Some(2.0), "{report:?}");
    let seen = summarised(&responses.borrow());
    let refused = seen
        .iter()
        .position(|(_, status, _)| *status == 503.0)
        .expect("the refused GET is observed");
    assert_eq!(
        (&seen[refused], &seen[refused + 1]),
        (
            &("ListKeypairTask".to_owned(), 503.0, 1.0),
            &("ListKeypairTask".to_owned(), 200.0, 2.0)
        ),
        "{seen:?}"
    );
    let others: Vec<_> = seen
        .iter()
        .enumerate()
        .filter(|(i, (_, _, attempts))| *i != refused + 1 && *attempts != 1.0)
        .collect();
    assert!(
        others.is_empty(),
        "first attempts counted as later ones: {seen:?}"
    );
}

#[wasm_bindgen_test]
async fn each_poll_of_a_wait_is_a_first_attempt_with_max_attempts_of_its_own() {
    let opts = options(&spare(4), json!({ "intervalMs": 100, "maxAttempts": 2 }));
    let (responses, _callback) = record_responses(&opts);
    let task = wasm::disassociate_keypair_and_wait(opts)
        .await
        .expect("the task succeeds");
    assert_eq!(text(&task, "status"), "SUCCESS_UNBIND");
    let polls: Vec<f64> = responses
        .borrow()
        .iter()
        .filter(|r| text(r, "operation") == "ListKeypairTask")
        .map(|r| get(r, "attempts").as_f64().unwrap_or(0.0))
        .collect();
    // The emulator's task phases last 0.9 s: about nine polls, more than maxAttempts.
    assert!(polls.len() > 2, "{polls:?}");
    assert!(polls.iter().all(|&attempts| attempts == 1.0), "{polls:?}");
}
