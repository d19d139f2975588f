//! `disassociateKeypairs` against the emulator: a mixed fleet's report in order, `wait: false`, an abort that
//! keeps every started task, `onProgress` throwing, and options refused before any request.

use super::*;
use std::cell::RefCell;
use std::rc::Rc;

/// Stopped spares no other test unbinds.
const SPARE_07: &str = "5ba4e000-0000-4000-8000-000000000007";
const SPARE_08: &str = "5ba4e000-0000-4000-8000-000000000008";
/// Running spares (KeyPair-spare's private key unbinds them).
const RUNNING_SPARES: [&str; 6] = [
    "5ba4e000-0000-4000-8000-000000000009",
    "5ba4e000-0000-4000-8000-000000000010",
    "5ba4e000-0000-4000-8000-000000000011",
    "5ba4e000-0000-4000-8000-000000000012",
    "5ba4e000-0000-4000-8000-000000000013",
    "5ba4e000-0000-4000-8000-000000000014",
];

fn fleet_options(servers: Value, extra: Value) -> JsValue {
    let mut base = json!({
        "endpoint": EMULATOR, "token": TOKEN, "projectId": PROJECT, "servers": servers,
        "intervalMs": 200, "waitTimeoutMs": 20_000,
    });
    if let (Some(base), Some(extra)) = (base.as_object_mut(), extra.as_object()) {
        for (k, v) in extra {
            base.insert(k.clone(), v.clone());
        }
    }
    js(base)
}

fn spare_key() -> String {
    private_key_of("KeyPair-spare")
}

fn results(report: &JsValue) -> Vec<JsValue> {
    js_sys::Array::from(&get(report, "results"))
        .iter()
        .collect()
}

fn number(value: &JsValue, key: &str) -> f64 {
    get(value, key).as_f64().unwrap_or(-1.0)
}

#[wasm_bindgen_test]
async fn a_mixed_fleet_reports_each_server_in_order_and_never_rejects_for_one_server() {
    let events: Rc<RefCell<Vec<JsValue>>> = Rc::default();
    let sink = events.clone();
    let on_progress = Closure::<dyn FnMut(JsValue)>::new(move |event: JsValue| {
        sink.borrow_mut().push(event);
    });
    let options = fleet_options(
        json!([
            SPARE_07,
            { "serverId": RUNNING_SPARES[0], "auth": { "type": "keypair", "key": spare_key() } },
            NO_KEYPAIR_SERVER,
            UNKNOWN_SERVER,
        ]),
        json!({ "concurrency": 2 }),
    );
    Reflect::set(
        &options,
        &JsValue::from_str("onProgress"),
        on_progress.as_ref(),
    )
    .unwrap();
    let report = wasm::disassociate_keypairs(options)
        .await
        .expect("a fleet resolves with its report");
    let lines = results(&report);
    let outcomes: Vec<String> = lines.iter().map(|r| text(r, "outcome")).collect();
    assert_eq!(outcomes, ["succeeded", "succeeded", "failed", "failed"]);
    let ids: Vec<String> = lines.iter().map(|r| text(r, "serverId")).collect();
    assert_eq!(
        ids,
        [
            SPARE_07,
            RUNNING_SPARES[0],
            NO_KEYPAIR_SERVER,
            UNKNOWN_SERVER
        ]
    );
    assert_eq!(text(&lines[0], "status"), "SUCCESS_UNBIND");
    assert_eq!(text(&lines[0], "taskId").len(), 36);
    assert_eq!(text(&get(&lines[2], "error"), "code"), "KPS.6004");
    assert_eq!(text(&get(&lines[3], "error"), "code"), "KPS.0002");
    assert_eq!(text(&get(&lines[3], "error"), "name"), "KpsApiError");
    assert_eq!(
        (
            number(&report, "total"),
            number(&report, "succeeded"),
            number(&report, "failed")
        ),
        (4.0, 2.0, 2.0)
    );
    assert_eq!(
        (number(&report, "started"), number(&report, "notStarted")),
        (0.0, 0.0)
    );
    assert_eq!(get(&report, "aborted"), JsValue::FALSE);
    let events = events.borrow();
    let last = events.last().expect("progress events");
    assert_eq!(
        number(&get(last, "totals"), "succeeded") + number(&get(last, "totals"), "failed"),
        4.0
    );
    for server in [SPARE_07, RUNNING_SPARES[0]] {
        let seen: Vec<String> = events
            .iter()
            .filter(|e| text(e, "serverId") == server)
            .map(|e| text(e, "outcome"))
            .collect();
        assert_eq!(
            seen.first().map(String::as_str),
            Some("started"),
            "{server}: {seen:?}"
        );
        assert_eq!(
            seen.last().map(String::as_str),
            Some("succeeded"),
            "{server}: {seen:?}"
        );
    }
    assert!(
        number(&report, "requests") >= 6.0,
        "unbinds, lists and confirmations are counted"
    );
}

#[wasm_bindgen_test]
async fn without_waiting_a_fleet_only_unbinds_and_reports_started_tasks() {
    let report =
        wasm::disassociate_keypairs(fleet_options(json!([SPARE_08]), json!({ "wait": false })))
            .await
            .expect("report");
    let line = &results(&report)[0];
    assert_eq!(text(line, "outcome"), "started");
    assert_eq!(number(line, "attempts"), 1.0);
    assert_eq!(
        number(&report, "requests"),
        2.0,
        "the failed-tasks list read at the start and one unbind: no poll"
    );
}

#[wasm_bindgen_test]
async fn an_abort_mid_fleet_resolves_with_every_started_task_and_starts_no_more() {
    let controller = abort_controller();
    let signal = controller.signal();
    let aborter = controller.clone();
    let on_progress = Closure::<dyn FnMut(JsValue)>::new(move |event: JsValue| {
        if text(&event, "outcome") == "started" {
            aborter.abort();
        }
    });
    let servers: Vec<Value> = RUNNING_SPARES[1..]
        .iter()
        .map(|id| json!({ "serverId": id, "auth": { "type": "keypair", "key": spare_key() } }))
        .collect();
    let options = options_with_signal(
        fleet_options(json!(servers), json!({ "concurrency": 1 })),
        &signal,
    );
    Reflect::set(
        &options,
        &JsValue::from_str("onProgress"),
        on_progress.as_ref(),
    )
    .unwrap();
    let report = wasm::disassociate_keypairs(options)
        .await
        .expect("an aborted fleet still resolves");
    assert_eq!(get(&report, "aborted"), JsValue::TRUE);
    let lines = results(&report);
    assert_eq!(text(&lines[0], "outcome"), "started");
    assert_eq!(
        text(&lines[0], "taskId").len(),
        36,
        "the started task keeps its ID"
    );
    for line in &lines[1..] {
        assert_eq!(text(line, "outcome"), "not-started");
        assert_eq!(text(&get(line, "error"), "name"), "KpsAbortError");
        assert_eq!(number(line, "attempts"), 0.0, "never sent");
    }
    assert_eq!(number(&report, "notStarted"), 4.0);
}

#[wasm_bindgen_test]
async fn on_progress_throwing_does_not_stop_the_fleet_and_the_report_says_what_it_threw() {
    let options = fleet_options(json!([RUNNING_SPARES[5]]), json!({ "wait": false }));
    let throw = js_sys::Function::new_no_args("throw new RangeError('from the view')");
    Reflect::set(&options, &JsValue::from_str("onProgress"), &throw).unwrap();
    let report = wasm::disassociate_keypairs(options)
        .await
        .expect("the fleet goes on");
    let line = &results(&report)[0];
    assert_eq!(
        text(line, "outcome"),
        "failed",
        "a running server without auth: KPS.6005"
    );
    let thrown = get(&report, "progressError");
    assert_eq!(text(&thrown, "name"), "RangeError");
}

#[wasm_bindgen_test]
async fn bad_fleet_options_reject_naming_the_entry_and_send_nothing() {
    for (servers, field) in [
        (json!([SPARE_07, "web-01"]), "servers[1]"),
        (json!([{ "serverID": SPARE_07 }]), "servers[0].serverID"),
        (json!([SPARE_07, SPARE_07]), "servers[1]"),
        (json!([]), "servers"),
        (
            json!([{ "serverId": SPARE_07, "auth": { "type": "keypair" } }]),
            "servers[0].auth.key",
        ),
    ] {
        let error = wasm::disassociate_keypairs(fleet_options(servers.clone(), json!({})))
            .await
            .expect_err("invalid");
        assert_eq!(kind(&error).0, "KpsValidationError", "{servers}");
        assert_eq!(text(&error, "field"), field, "{}", text(&error, "message"));
        let problem = wasm::validate_options(
            JsValue::from_str("disassociateKeypairs"),
            fleet_options(servers, json!({})),
        );
        assert_eq!(text(&problem, "field"), field);
    }
    let error = wasm::disassociate_keypairs(fleet_options(
        json!([SPARE_07]),
        json!({ "concurrency": 65 }),
    ))
    .await
    .expect_err("too many in flight");
    assert_eq!(text(&error, "field"), "concurrency");
}

/// `f1ee7000-0000-4000-8000-00000000NNNN`: the emulator's fleet servers (stopped, `KeyPair-fleet`).
fn fleet_server(n: usize) -> String {
    format!("f1ee7000-0000-4000-8000-{n:012}")
}

async fn control(method: &str, path: &str, body: Option<Value>) -> Value {
    let url = format!("{EMULATOR}/__emulator/{path}");
    let request = match method {
        "POST" => gloo_net::http::Request::post(&url),
        _ => gloo_net::http::Request::get(&url),
    };
    let response = match body {
        Some(body) => {
            request
                .header("Content-Type", "application/json")
                .body(body.to_string())
                .expect("a control request")
                .send()
                .await
        }
        None => request.send().await,
    }
    .expect("the control endpoint answers");
    assert!(response.ok(), "{path}: {}", response.status());
    let text = response.text().await.expect("a body");
    serde_json::from_str(&text).expect("JSON")
}

/// How many tasks the emulator holds for each of `servers`.
async fn tasks_per_server(servers: &[String]) -> Vec<usize> {
    let state = control("GET", "state", None).await;
    let tasks = state["tasks"].as_array().cloned().unwrap_or_default();
    servers
        .iter()
        .map(|id| {
            tasks
                .iter()
                .filter(|t| t["server_id"] == id.as_str())
                .count()
        })
        .collect()
}

#[wasm_bindgen_test]
async fn a_lost_answer_is_found_in_the_task_lists_and_no_server_gets_two_tasks() {
    let servers: Vec<String> = (1..=4).map(fleet_server).collect();
    // The second unbind is acted on, and its answer replaced by a gateway's 504.
    add_fault_rule(json!({ "fault": "delay=0", "method": "POST", "path": "/keypairs/disassociate", "times": 1 }))
        .await;
    add_fault_rule(
        json!({ "fault": "status=504,after", "method": "POST", "path": "/keypairs/disassociate",
                           "times": 1 }),
    )
    .await;
    let report =
        wasm::disassociate_keypairs(fleet_options(json!(servers), json!({ "concurrency": 1 })))
            .await
            .expect("report");
    let lines = results(&report);
    let outcomes: Vec<String> = lines.iter().map(|r| text(r, "outcome")).collect();
    assert_eq!(outcomes, ["succeeded"; 4]);
    let attempts: Vec<f64> = lines.iter().map(|r| number(r, "attempts")).collect();
    assert_eq!(
        attempts, [1.0; 4],
        "the lost one was adopted, not sent again"
    );
    assert_eq!(tasks_per_server(&servers).await, [1, 1, 1, 1]);
}

#[wasm_bindgen_test]
async fn a_thousand_servers_under_a_gateway_rate_limit_are_all_unbound_once() {
    let servers: Vec<String> = (101..1101).map(fleet_server).collect();
    // A small burst: the limit is met whatever the machine's speed, so the pacing is exercised.
    control(
        "POST",
        "rate-limit",
        Some(json!({ "perSecond": 200, "burst": 10 })),
    )
    .await;
    let report = wasm::disassociate_keypairs(fleet_options(
        json!(servers),
        json!({ "concurrency": 16, "intervalMs": 500, "timeoutMs": 30_000 }),
    ))
    .await;
    let stats = control("GET", "stats", None).await;
    let throttled = stats["projects"][PROJECT]["throttled"].as_u64();
    control("POST", "rate-limit", Some(json!({ "perSecond": 0 }))).await;
    let report = report.expect("report");
    let failures: Vec<String> = results(&report)
        .iter()
        .filter(|r| text(r, "outcome") != "succeeded")
        .map(|r| {
            format!(
                "{} {} {}",
                text(r, "serverId"),
                text(r, "outcome"),
                text(&get(r, "error"), "message")
            )
        })
        .take(5)
        .collect();
    assert!(failures.is_empty(), "{failures:?}");
    assert_eq!(
        (
            number(&report, "succeeded"),
            number(&report, "failed"),
            number(&report, "notStarted")
        ),
        (1000.0, 0.0, 0.0)
    );
    assert!(
        throttled.unwrap_or(0) > 0,
        "the limit was met: the pacing was exercised"
    );
    assert!(
        tasks_per_server(&servers).await.iter().all(|&n| n == 1),
        "one task per server"
    );
}

#[wasm_bindgen_test]
async fn a_lost_answer_whose_task_ended_before_the_lists_were_read_is_a_success_without_a_task_id()
{
    let server = fleet_server(5);
    // Acted on, then the 504 comes after the task (0.9 s in this suite's emulator) has ended: its task is in
    // neither list, and the unbind sent again finds no key pair bound.
    add_fault_rule(
        json!({ "fault": "delay=1500,status=504,after", "method": "POST",
                "path": "/keypairs/disassociate", "times": 1 }),
    )
    .await;
    let report = wasm::disassociate_keypairs(fleet_options(json!([server.clone()]), json!({})))
        .await
        .expect("report");
    let line = &results(&report)[0];
    assert_eq!(
        text(line, "outcome"),
        "succeeded",
        "{}",
        text(&get(line, "error"), "message")
    );
    assert_eq!(text(line, "status"), "KEYPAIR_NOT_BOUND");
    assert!(get(line, "taskId").is_undefined());
    assert!(get(line, "error").is_undefined());
    assert_eq!(
        number(line, "attempts"),
        2.0,
        "the lost one and the one that found it done"
    );
    assert_eq!(tasks_per_server(&[server]).await, [1]);
}

/// The result of a one-server fleet (no wait) whose unbind is performed but its answer lost (a 504), while
/// the running-tasks list answers with `list_fault` `times` times: the list it needs to find the task.
async fn a_lost_unbind_with_a_running_list_that(
    server: &str,
    list_fault: &str,
    times: u32,
) -> JsValue {
    add_fault_rule(
        json!({ "fault": "status=504,after", "method": "POST", "path": "/keypairs/disassociate",
                "times": 1 }),
    )
    .await;
    add_fault_rule(
        json!({ "fault": list_fault, "method": "GET", "path": "/running-tasks", "times": times }),
    )
    .await;
    let report =
        wasm::disassociate_keypairs(fleet_options(json!([server]), json!({ "wait": false })))
            .await
            .expect("report");
    results(&report)[0].clone()
}

/// [`a_lost_unbind_with_a_running_list_that`], whose lists are never read (a reading that fails is made
/// once more before the lists are taken for unreadable): `started` without a task ID.
async fn a_lost_unbind_reconciled_with_a_running_list_that(
    server: &str,
    list_fault: &str,
    times: u32,
) -> JsValue {
    let line = a_lost_unbind_with_a_running_list_that(server, list_fault, times).await;
    assert_eq!(text(&line, "outcome"), "started");
    assert!(get(&line, "taskId").is_undefined(), "no task ID is known");
    line
}

#[wasm_bindgen_test]
async fn a_lost_answer_whose_first_reading_of_the_lists_fails_is_found_by_the_next_one() {
    let server = fleet_server(12);
    // Every attempt of the first reading's running-tasks list (maxAttempts 3) fails.
    let line = a_lost_unbind_with_a_running_list_that(&server, "status=500", 3).await;
    assert_eq!(text(&line, "outcome"), "started", "{line:?}");
    assert_eq!(text(&line, "taskId").len(), 36, "{line:?}");
    assert_eq!(number(&line, "attempts"), 1.0);
    assert_eq!(tasks_per_server(&[server]).await, [1], "not sent again");
}

#[wasm_bindgen_test]
async fn task_lists_that_cannot_be_read_after_a_lost_answer_never_lead_to_a_second_unbind() {
    let server = fleet_server(6);
    // Every attempt of the running-tasks read (maxAttempts 3) fails, in both readings.
    let line = a_lost_unbind_reconciled_with_a_running_list_that(&server, "status=500", 6).await;
    assert_eq!(number(&line, "attempts"), 1.0);
    let error = get(&line, "error");
    assert_eq!(text(&error, "code"), "HTTP_504");
    let message = text(&error, "message");
    assert!(
        message.contains("task lists could not be read") && message.contains("check the server"),
        "{message}"
    );
    assert_eq!(tasks_per_server(&[server]).await, [1], "not sent again");
}

#[wasm_bindgen_test]
async fn a_task_list_of_endless_full_pages_is_unreadable_and_never_leads_to_a_second_unbind() {
    let server = fleet_server(9);
    // A full page of a list that says it holds 10⁹ tasks (read on, it would never end), in both readings.
    let line =
        a_lost_unbind_reconciled_with_a_running_list_that(&server, "body=endless-page", 2).await;
    let message = text(&get(&line, "error"), "message");
    assert!(
        message.contains("the running-tasks list cannot be read whole: it counts 1000000000 tasks")
            && message.contains("check the server"),
        "{message}"
    );
    assert_eq!(tasks_per_server(&[server]).await, [1], "not sent again");
}

#[wasm_bindgen_test]
async fn a_result_s_attempts_and_its_error_s_count_the_same_requests_sent() {
    let servers = [fleet_server(7), fleet_server(8)];
    add_fault_rule(
        json!({ "fault": "status=429", "method": "POST", "path": "/keypairs/disassociate", "times": 4 }),
    )
    .await;
    let report = wasm::disassociate_keypairs(fleet_options(
        json!(servers),
        json!({ "wait": false, "concurrency": 1 }),
    ))
    .await
    .expect("report");
    let lines = results(&report);
    assert_eq!(text(&lines[0], "outcome"), "not-started");
    let error = get(&lines[0], "error");
    assert_eq!(
        (number(&lines[0], "attempts"), number(&error, "attempts")),
        (3.0, 3.0),
        "throttled three times: {}",
        text(&error, "message")
    );
    assert!(text(&error, "message").ends_with("(after 3 attempts)"));
    assert_eq!(text(&lines[1], "outcome"), "started");
    assert_eq!(
        number(&lines[1], "attempts"),
        2.0,
        "throttled once, then accepted"
    );
}
