//! Fault injection over real HTTP: every fault, by path prefix, header and rule, with CORS.

mod common;

use std::io::ErrorKind;
use std::time::{Duration, Instant};

use common::*;
use serde_json::{json, Value};

fn fault_path(spec: &str) -> String {
    format!("/__emulator/fault/{spec}/v3/{PROJECT}/keypairs/disassociate")
}

fn faulty(spec: &str) -> Req {
    Req::post(&fault_path(spec))
        .token(TOKEN)
        .json(&disassociate_body(STOPPED_SERVER, None))
        .header("Origin", "http://localhost:5173")
}

/// Checks the headers every fault response carries.
fn assert_gateway_headers(response: &Response, spec: &str) {
    assert_eq!(
        response.header("access-control-allow-origin"),
        Some("http://localhost:5173")
    );
    assert!(response
        .header("x-request-id")
        .is_some_and(|id| id.len() == 32));
    assert_eq!(response.header("x-emulator-fault-applied"), Some(spec));
}

#[tokio::test]
async fn status_429_carries_an_apigw_error_and_retry_after() {
    let emulator = Emulator::start().await;
    let response = emulator.send(faulty("status=429")).await;
    assert_eq!(
        (response.status, response.error_code().as_str()),
        (429, "APIGW.0308")
    );
    assert_eq!(response.header("retry-after"), Some("1"));
    assert_gateway_headers(&response, "status=429");
    let custom = emulator.send(faulty("status=429,retry-after=7")).await;
    assert_eq!(custom.header("retry-after"), Some("7"));
}

#[tokio::test]
async fn status_500_and_503_carry_kps_0003() {
    let emulator = Emulator::start().await;
    for (spec, status) in [("status=500", 500), ("status=503", 503)] {
        let response = emulator.send(faulty(spec)).await;
        assert_eq!(
            (response.status, response.error_code().as_str()),
            (status, "KPS.0003")
        );
        assert_eq!(response.header("retry-after"), None);
        assert_gateway_headers(&response, spec);
    }
}

#[tokio::test]
async fn status_502_carries_an_html_page() {
    let emulator = Emulator::start().await;
    let response = emulator.send(faulty("status=502")).await;
    assert_eq!(response.status, 502);
    assert_eq!(response.header("content-type"), Some("text/html"));
    assert!(response.text().contains("<title>502 Bad Gateway</title>"));
    assert_gateway_headers(&response, "status=502");
}

#[tokio::test]
async fn the_202_body_faults_send_what_they_say() {
    let emulator = Emulator::start().await;
    for (spec, expected) in [
        ("body=empty", &b""[..]),
        ("body=no-task-id", b"{}"),
        ("body=numeric-task-id", b"{\"task_id\":1234567890}"),
        (
            "body=failed",
            b"{\"status\":\"FAILED\",\"error_code\":\"KPS.6009\",\"error_msg\":\"keypair verify failed\"}",
        ),
        ("body=not-json", b"Accepted"),
    ] {
        let response = emulator.send(faulty(spec)).await;
        assert_eq!(response.status, 202, "{spec}");
        assert_eq!(response.body, expected, "{spec}");
        assert_gateway_headers(&response, spec);
    }
    let not_json = emulator.send(faulty("body=not-json")).await;
    assert!(serde_json::from_slice::<serde_json::Value>(&not_json.body).is_err());
}

#[tokio::test]
async fn invalid_utf8_is_sent_as_json_typed_bytes() {
    let emulator = Emulator::start().await;
    let response = emulator.send(faulty("body=invalid-utf8")).await;
    assert_eq!(response.status, 202);
    assert_eq!(
        response.header("content-type"),
        Some("application/json;charset=UTF-8")
    );
    assert!(std::str::from_utf8(&response.body).is_err());
}

#[tokio::test]
async fn a_truncated_body_is_shorter_than_its_content_length_and_the_connection_closes() {
    let emulator = Emulator::start().await;
    let req = faulty("body=truncated");
    let started = Instant::now();
    let raw = match exchange(
        emulator.addr,
        &req.to_bytes(emulator.addr),
        Duration::from_secs(5),
    )
    .await
    {
        Ok(raw) => raw,
        Err(e) => panic!("expected the bytes then EOF, got {e}"),
    };
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "the connection closes promptly"
    );
    let response = Response::parse(&raw).expect("headers arrive");
    assert_eq!(response.status, 202);
    let declared: usize = response
        .header("content-length")
        .and_then(|v| v.parse().ok())
        .expect("content-length");
    assert!(
        !response.body.is_empty() && response.body.len() < declared,
        "{} of {declared}",
        response.body.len()
    );
    assert!(response.text().starts_with("{\"task_id\":\""));
}

#[tokio::test]
async fn a_redirect_points_at_a_target_that_answers_any_method_with_a_task_id() {
    let emulator = Emulator::start().await;
    let response = emulator.send(faulty("body=redirect")).await;
    assert_eq!(response.status, 307);
    assert_eq!(
        response.header("location"),
        Some("/__emulator/redirect-target")
    );
    assert!(response.body.is_empty());
    assert_gateway_headers(&response, "body=redirect");
    for req in [
        Req::post("/__emulator/redirect-target").json(&disassociate_body(STOPPED_SERVER, None)),
        Req::get("/__emulator/redirect-target"),
    ] {
        let followed = emulator.send(req).await;
        assert_eq!(followed.status, 202);
        assert!(followed.json()["task_id"]
            .as_str()
            .is_some_and(|id| id.len() == 36));
    }
}

#[tokio::test]
async fn a_huge_body_is_20_mib_of_valid_json() {
    let emulator = Emulator::start().await;
    let response = emulator.send(faulty("body=huge")).await;
    assert_eq!(response.status, 202);
    assert_eq!(response.body.len(), 20 * 1024 * 1024);
    assert_eq!(response.header("content-length"), Some("20971520"));
    let body = response.json();
    assert!(body["task_id"].as_str().is_some_and(|id| id.len() == 36));
}

#[tokio::test]
async fn an_endless_page_is_a_full_page_of_fresh_tasks_of_a_list_that_never_ends() {
    let emulator = Emulator::start().await;
    let response = emulator.send(faulty("body=endless-page")).await;
    assert_eq!(response.status, 200);
    let body = response.json();
    assert_eq!(body["total"].as_f64(), Some(1e9));
    let tasks = body["tasks"].as_array().expect("tasks");
    assert_eq!(tasks.len(), 1000);
    let again = emulator.send(faulty("body=endless-page")).await.json();
    assert_ne!(
        again["tasks"][0]["task_id"], tasks[0]["task_id"],
        "fresh tasks on every page"
    );
}

#[tokio::test]
async fn a_delay_holds_the_answer_then_handles_the_request_normally() {
    let emulator = Emulator::start().await;
    let started = Instant::now();
    let response = emulator.send(faulty("delay=300")).await;
    assert!(started.elapsed() >= Duration::from_millis(300));
    assert_eq!(response.status, 202, "{}", response.text());
    assert!(response.json()["task_id"].is_string());
    let unauthenticated = emulator
        .send(Req::post(&fault_path("delay=10")).json(&disassociate_body(STOPPED_SERVER, None)))
        .await;
    assert_eq!(
        unauthenticated.status, 401,
        "a delay does not skip authentication"
    );
    let delayed_error = emulator.send(faulty("delay=100,status=500")).await;
    assert_eq!(delayed_error.status, 500);
}

#[tokio::test]
async fn a_reset_fault_drops_the_connection_with_a_tcp_rst() {
    let emulator = Emulator::start().await;
    let req = faulty("reset");
    let result = exchange(
        emulator.addr,
        &req.to_bytes(emulator.addr),
        Duration::from_secs(5),
    )
    .await;
    match result {
        Err(e) => assert_eq!(e.kind(), ErrorKind::ConnectionReset, "{e}"),
        Ok(raw) => panic!("expected a reset, got {} bytes then EOF", raw.len()),
    }
}

#[tokio::test]
async fn a_close_fault_ends_the_connection_without_a_byte() {
    let emulator = Emulator::start().await;
    let req = faulty("close");
    let raw = exchange(
        emulator.addr,
        &req.to_bytes(emulator.addr),
        Duration::from_secs(5),
    )
    .await
    .expect("a clean EOF");
    assert!(raw.is_empty());
}

async fn open_connections(emulator: &Emulator) -> u64 {
    // The state request's own connection is open while it is answered.
    emulator.state().await["open_connections"]
        .as_u64()
        .expect("a count")
        - 1
}

#[tokio::test]
async fn a_hanging_request_never_answers_and_is_released_when_the_client_leaves() {
    let emulator = Emulator::start().await;
    let req = faulty("hang");
    let result = exchange(
        emulator.addr,
        &req.to_bytes(emulator.addr),
        Duration::from_millis(400),
    )
    .await;
    assert_eq!(
        result.map_err(|e| e.kind()).err(),
        Some(ErrorKind::TimedOut),
        "no answer, no close"
    );

    // The client above gave up and dropped its socket: the emulator must not keep the connection.
    let deadline = Instant::now() + Duration::from_secs(5);
    while open_connections(&emulator).await > 0 {
        assert!(
            Instant::now() < deadline,
            "the hanging connection was never released"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn shutting_down_ends_a_hanging_request_promptly() {
    let emulator = Emulator::start().await;
    let bytes = faulty("hang").to_bytes(emulator.addr);
    let addr = emulator.addr;
    let client = tokio::spawn(async move { exchange(addr, &bytes, Duration::from_secs(10)).await });
    tokio::time::sleep(Duration::from_millis(200)).await;
    let started = Instant::now();
    emulator.server.shutdown().await;
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    let raw = client
        .await
        .expect("client task")
        .expect("the connection ends, not times out");
    assert!(raw.is_empty(), "no response was ever sent");
}

#[tokio::test]
async fn the_fault_header_works_like_the_path_prefix() {
    let emulator = Emulator::start().await;
    let response = emulator
        .send(
            disassociate(PROJECT, STOPPED_SERVER, None)
                .token(TOKEN)
                .header("X-Emulator-Fault", "body=numeric-task-id"),
        )
        .await;
    assert_eq!(response.status, 202);
    assert_eq!(response.json(), json!({"task_id": 1234567890}));
}

#[tokio::test]
async fn a_percent_encoded_spec_and_a_prefix_with_nothing_after_it_both_work() {
    let emulator = Emulator::start().await;
    let encoded = emulator
        .send(Req::post(&format!(
            "/__emulator/fault/status%3D500%2Cretry-after%3D3/v3/{PROJECT}/keypairs/disassociate"
        )))
        .await;
    assert_eq!(
        (encoded.status, encoded.header("retry-after")),
        (500, Some("3"))
    );
    let bare = emulator
        .send(Req::get("/__emulator/fault/status=503"))
        .await;
    assert_eq!(bare.status, 503);
}

#[tokio::test]
async fn a_fault_prefix_applies_to_every_api() {
    let emulator = Emulator::start().await;
    let response = emulator
        .send(
            Req::get(&format!(
                "/__emulator/fault/status=500/v3/{PROJECT}/tasks/x"
            ))
            .token(TOKEN),
        )
        .await;
    assert_eq!(response.status, 500);
    let normal = emulator
        .send(Req::get(&format!("/__emulator/fault/delay=0/v3/{PROJECT}/tasks/x")).token(TOKEN))
        .await;
    assert_eq!(
        (normal.status, normal.error_code().as_str()),
        (400, "KPS.0001")
    );
}

#[tokio::test]
async fn a_bad_fault_spec_is_refused_with_a_reason() {
    let emulator = Emulator::start().await;
    let prefixed = emulator.send(faulty("status=700")).await;
    assert_eq!(
        (prefixed.status, prefixed.error_code().as_str()),
        (400, "EMULATOR.0001")
    );
    assert!(
        prefixed.error_msg().contains("status must be"),
        "{}",
        prefixed.error_msg()
    );
    let header = emulator
        .send(
            disassociate(PROJECT, STOPPED_SERVER, None)
                .token(TOKEN)
                .header("X-Emulator-Fault", "explode"),
        )
        .await;
    assert_eq!(
        (header.status, header.error_code().as_str()),
        (400, "EMULATOR.0001")
    );
    assert_eq!(header.header("access-control-allow-origin"), Some("*"));
}

#[tokio::test]
async fn a_preflight_to_a_fault_prefixed_path_succeeds_whatever_the_fault() {
    let emulator = Emulator::start().await;
    for spec in ["status=500", "reset", "hang"] {
        let response = emulator
            .send(
                Req::new("OPTIONS", &fault_path(spec))
                    .header("Origin", "http://localhost:5173")
                    .header("Access-Control-Request-Method", "POST")
                    .header(
                        "Access-Control-Request-Headers",
                        "x-auth-token,content-type",
                    ),
            )
            .await;
        assert_eq!(response.status, 204, "{spec}");
        assert_eq!(
            response.header("access-control-allow-origin"),
            Some("http://localhost:5173")
        );
        assert!(response
            .header("access-control-allow-headers")
            .is_some_and(|h| h.contains("X-Auth-Token")));
    }
}

#[tokio::test]
async fn a_rule_applies_to_matching_requests_for_its_number_of_times() {
    let emulator = Emulator::start().await;
    let added = emulator
        .send(Req::post("/__emulator/faults").json(&json!({
            "fault": "status=503", "path": "/keypairs/disassociate", "method": "post", "times": 2
        })))
        .await;
    assert_eq!(added.status, 201, "{}", added.text());
    assert_eq!(added.json()["rules"][0]["times"], 2);

    let task = emulator
        .send(Req::get(&format!("/v3/{PROJECT}/tasks/x")).token(TOKEN))
        .await;
    assert_eq!(task.status, 400, "a rule for another path does not apply");
    for _ in 0..2 {
        let response = emulator
            .send(disassociate(PROJECT, STOPPED_SERVER, None).token(TOKEN))
            .await;
        assert_eq!(response.status, 503);
        assert_eq!(
            response.header("x-emulator-fault-applied"),
            Some("status=503")
        );
    }
    emulator.unbind(STOPPED_SERVER, None).await;
    let listed = emulator.send(Req::get("/__emulator/faults")).await.json();
    assert_eq!(listed, json!({"rules": []}));
}

#[tokio::test]
async fn rules_last_until_cleared_and_leave_the_control_endpoints_alone() {
    let emulator = Emulator::start().await;
    let added = emulator
        .send(
            Req::post("/__emulator/faults")
                .json(&json!([{"fault": "status=500"}, {"fault": "hang", "path": "/never"}])),
        )
        .await;
    assert_eq!(added.status, 201);
    assert_eq!(added.json()["rules"].as_array().map(Vec::len), Some(2));
    for _ in 0..3 {
        let response = emulator
            .send(disassociate(PROJECT, STOPPED_SERVER, None).token(TOKEN))
            .await;
        assert_eq!(response.status, 500);
    }
    assert_eq!(
        emulator.state().await["faults"].as_array().map(Vec::len),
        Some(2)
    );

    let cleared = emulator.send(Req::delete("/__emulator/faults")).await;
    assert_eq!(cleared.status, 200);
    emulator.unbind(STOPPED_SERVER, None).await;
}

#[tokio::test]
async fn a_bad_rule_is_refused_and_nothing_is_added() {
    let emulator = Emulator::start().await;
    for body in [
        json!({"fault": "status=1000"}),
        json!({"fault": "status=500", "times": 0}),
        json!({"fault": "status=500", "method": "NOT A METHOD"}),
        json!({"fault": "status=500", "pth": "/x"}),
        json!([{"fault": "status=500"}, {"fault": "nope"}]),
        json!("status=500"),
    ] {
        let response = emulator
            .send(Req::post("/__emulator/faults").json(&body))
            .await;
        assert_eq!(
            (response.status, response.error_code().as_str()),
            (400, "EMULATOR.0001"),
            "{body}"
        );
    }
    assert_eq!(
        emulator.send(Req::get("/__emulator/faults")).await.json(),
        json!({"rules": []})
    );
}

#[tokio::test]
async fn the_echo_faults_send_the_requests_credentials_back_in_every_member() {
    let emulator = Emulator::start().await;
    let key = "canary-PASSWORD-echo";
    let request = |spec: &str| {
        Req::post(&fault_path(spec))
            .token("canary-TOKEN-echo")
            .header("X-Security-Token", "canary-SECURITY-echo")
            .json(&disassociate_body(STOPPED_SERVER, Some(("password", key))))
    };

    let text = emulator.send(request("body=echo")).await;
    assert_eq!(text.status, 202);
    assert_eq!(text.header("x-request-id"), Some("canary-TOKEN-echo"));
    let body = text.json();
    let echoed = body["error_msg"].as_str().expect("error_msg is text");
    for secret in ["canary-TOKEN-echo", "canary-SECURITY-echo", key] {
        assert!(echoed.contains(secret), "{secret} not echoed in {echoed}");
    }
    assert_eq!(body["tasks"][0]["server_name"], echoed);
    assert_eq!(body["tasks"][0]["task_error_msg"], echoed);
    assert_eq!(body["task_status"], "RUNNING_UNBIND");
    assert_eq!(body["error_code"], Value::Null, "no error code on a 2xx");
    let task_id = body["task_id"].as_str().expect("a task id");
    assert_eq!(task_id.len(), 36, "a fresh UUID: {task_id}");

    let on_error = emulator.send(request("status=400,body=echo")).await;
    assert_eq!(
        (on_error.status, on_error.error_code().as_str()),
        (400, "KPS.0002")
    );

    let ids = emulator
        .send(request("status=400,body=echo-ids"))
        .await
        .json();
    for member in ["task_id", "server_id", "task_status", "error_code"] {
        assert_eq!(ids[member], "canary-TOKEN-echo", "{member}");
    }
    assert_eq!(ids["tasks"][0]["task_id"], "canary-TOKEN-echo");

    // Signed requests echo their Authorization value.
    let signed = Req::post(&fault_path("body=echo-ids"))
        .json(&disassociate_body(STOPPED_SERVER, None))
        .sign(AK, SK, None, &emulator.host());
    let authorization = signed
        .get_header("authorization")
        .expect("signed")
        .to_owned();
    let response = emulator.send(signed).await;
    assert_eq!(
        response.header("x-request-id"),
        Some(authorization.as_str())
    );
    assert_eq!(response.json()["task_id"], authorization.as_str());
}

// ---- lost answers: the request is handled, its answer replaced ----

/// Fleet servers 1..=n (stopped, bound to KeyPair-fleet), tasks that stay pending for the whole test.
async fn start_fleet(n: u16) -> Emulator {
    Emulator::start_with(kps_emulator::Config {
        fleet: n,
        timings: SLOW,
        ..kps_emulator::Config::ephemeral()
    })
    .await
}

/// The tasks `GET /__emulator/state` holds for this server.
fn tasks_of(state: &Value, server_id: &str) -> Vec<Value> {
    state["tasks"]
        .as_array()
        .expect("tasks")
        .iter()
        .filter(|t| t["server_id"] == server_id)
        .cloned()
        .collect()
}

/// Asserts the server has exactly one task, that it is its pending task and listed in running-tasks with the
/// server's id; returns the task id.
async fn assert_one_pending_task(emulator: &Emulator, server_id: &str) -> String {
    let state = emulator.state().await;
    let tasks = tasks_of(&state, server_id);
    assert_eq!(tasks.len(), 1, "{tasks:?}");
    let task_id = tasks[0]["task_id"].as_str().expect("task_id").to_owned();
    let server = state["projects"][0]["servers"]
        .as_array()
        .expect("servers")
        .iter()
        .find(|s| s["id"] == server_id)
        .expect("the server");
    assert_eq!(server["active_task_id"], task_id.as_str());
    let running = emulator
        .send(Req::get(&format!("/v3/{PROJECT}/running-tasks")).token(TOKEN))
        .await
        .json();
    let listed: Vec<&Value> = running["tasks"]
        .as_array()
        .expect("tasks")
        .iter()
        .filter(|t| t["server_id"] == server_id)
        .collect();
    assert_eq!(listed.len(), 1, "{running}");
    assert_eq!(listed[0]["task_id"], task_id.as_str());
    task_id
}

#[tokio::test]
async fn a_rule_can_lose_the_answer_of_the_third_post_after_the_unbind_started() {
    let emulator = start_fleet(3).await;
    // Rules apply in order, first match first: a pass-through rule lets two POSTs by, then the lost answer.
    let added = emulator
        .send(Req::post("/__emulator/faults").json(&json!([
            {"fault": "delay=0", "method": "POST", "path": "/keypairs/disassociate", "times": 2},
            {"fault": "status=504,after", "method": "POST", "path": "/keypairs/disassociate", "times": 1},
        ])))
        .await;
    assert_eq!(added.status, 201, "{}", added.text());

    let mut statuses = Vec::new();
    for n in 1..=3 {
        let server = kps_emulator::fixture::fleet_server_id(n);
        let response = emulator
            .send(disassociate(PROJECT, &server, None).token(TOKEN))
            .await;
        statuses.push(response.status);
        if n == 3 {
            assert_eq!(response.header("content-type"), Some("text/html"));
            assert!(response
                .text()
                .contains("<title>504 Gateway Timeout</title>"));
            assert_eq!(
                response.header("x-emulator-fault-applied"),
                Some("status=504,after")
            );
        }
    }
    assert_eq!(statuses, [202, 202, 504]);
    for n in 1..=3 {
        assert_one_pending_task(&emulator, &kps_emulator::fixture::fleet_server_id(n)).await;
    }

    // Retrying the lost POST blindly meets the pending task; nothing is doubled.
    let server = kps_emulator::fixture::fleet_server_id(3);
    let retried = emulator
        .send(disassociate(PROJECT, &server, None).token(TOKEN))
        .await;
    assert_eq!(
        (retried.status, retried.error_code().as_str()),
        (400, "KPS.0002")
    );
    assert!(retried.error_msg().contains("in progress"));
    assert_one_pending_task(&emulator, &server).await;
}

#[tokio::test]
async fn a_reset_after_the_unbind_leaves_exactly_one_task_and_a_plain_reset_none() {
    let emulator = start_fleet(2).await;
    let unbind_reset_by = |server: String, spec: &'static str| {
        let bytes = disassociate(PROJECT, &server, None)
            .token(TOKEN)
            .header("X-Emulator-Fault", spec)
            .to_bytes(emulator.addr);
        async move {
            let result = exchange(emulator.addr, &bytes, Duration::from_secs(10)).await;
            assert_eq!(
                result.map_err(|e| e.kind()).err(),
                Some(ErrorKind::ConnectionReset),
                "{spec}"
            );
        }
    };

    let acted = kps_emulator::fixture::fleet_server_id(1);
    unbind_reset_by(acted.clone(), "reset,after").await;
    assert_one_pending_task(&emulator, &acted).await;

    let untouched = kps_emulator::fixture::fleet_server_id(2);
    unbind_reset_by(untouched.clone(), "reset").await;
    assert!(tasks_of(&emulator.state().await, &untouched).is_empty());
}

#[tokio::test]
async fn a_close_after_the_unbind_through_the_path_prefix_leaves_exactly_one_task() {
    let emulator = start_fleet(1).await;
    let server = kps_emulator::fixture::fleet_server_id(1);
    let req = Req::post(&format!(
        "/__emulator/fault/close,after/v3/{PROJECT}/keypairs/disassociate"
    ))
    .token(TOKEN)
    .json(&disassociate_body(&server, None));
    let raw = exchange(
        emulator.addr,
        &req.to_bytes(emulator.addr),
        Duration::from_secs(10),
    )
    .await
    .expect("a clean EOF");
    assert!(raw.is_empty(), "no answer at all");
    assert_one_pending_task(&emulator, &server).await;
}

#[tokio::test]
async fn a_lost_answer_replaces_whatever_the_service_answered() {
    let emulator = Emulator::start_slow().await;
    // Refused by the service (the server has no key pair): the client still sees only the 504.
    let response = emulator
        .send(
            disassociate(PROJECT, NO_KEYPAIR_SERVER, None)
                .token(TOKEN)
                .header("X-Emulator-Fault", "status=504,after"),
        )
        .await;
    assert_eq!(response.status, 504);
    assert!(tasks_of(&emulator.state().await, NO_KEYPAIR_SERVER).is_empty());
    // Authentication still runs: without a token nothing is created either.
    let unauthenticated = emulator
        .send(
            disassociate(PROJECT, STOPPED_SERVER, None)
                .header("X-Emulator-Fault", "status=502,after"),
        )
        .await;
    assert_eq!(unauthenticated.status, 502);
    assert!(tasks_of(&emulator.state().await, STOPPED_SERVER).is_empty());
}

#[tokio::test]
async fn a_fault_answer_reads_the_request_body_so_the_client_gets_the_answer() {
    let emulator = Emulator::start().await;
    let body = disassociate_body(STOPPED_SERVER, None).to_string();
    let head = format!(
        "POST /v3/{PROJECT}/keypairs/disassociate HTTP/1.1\r\nHost: x\r\nX-Auth-Token: {TOKEN}\r\nX-Emulator-Fault: status=503\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    let mut stream = tokio::net::TcpStream::connect(emulator.addr)
        .await
        .expect("connect");
    // The body arrives after the head, as from a client that writes them separately.
    tokio::io::AsyncWriteExt::write_all(&mut stream, head.as_bytes())
        .await
        .expect("write");
    tokio::time::sleep(Duration::from_millis(50)).await;
    tokio::io::AsyncWriteExt::write_all(&mut stream, body.as_bytes())
        .await
        .expect("write");
    let next = "GET /__emulator/faults HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    tokio::io::AsyncWriteExt::write_all(&mut stream, next.as_bytes())
        .await
        .expect("write");
    let mut raw = Vec::new();
    tokio::time::timeout(
        Duration::from_secs(10),
        tokio::io::AsyncReadExt::read_to_end(&mut stream, &mut raw),
    )
    .await
    .expect("answers in time")
    .expect("no reset");
    let text = String::from_utf8_lossy(&raw);
    assert!(text.starts_with("HTTP/1.1 503"), "{text}");
    assert_eq!(text.matches("HTTP/1.1 ").count(), 2, "{text}");
}

#[tokio::test]
async fn with_after_the_delay_comes_after_the_unbind_so_its_task_can_end_before_the_lost_answer() {
    let emulator = Emulator::start_with(kps_emulator::Config {
        fleet: 1,
        timings: FAST,
        ..kps_emulator::Config::ephemeral()
    })
    .await;
    let server = kps_emulator::fixture::fleet_server_id(1);
    let started = Instant::now();
    let response = emulator
        .send(
            disassociate(PROJECT, &server, None)
                .token(TOKEN)
                .header("X-Emulator-Fault", "delay=500,status=504,after"),
        )
        .await;
    assert_eq!(response.status, 504);
    assert!(started.elapsed() >= Duration::from_millis(500));
    let tasks = tasks_of(&emulator.state().await, &server);
    assert_eq!(tasks.len(), 1);
    assert_eq!(
        tasks[0]["task_status"], "SUCCESS_UNBIND",
        "the task ended while the answer was late: {tasks:?}"
    );
}
