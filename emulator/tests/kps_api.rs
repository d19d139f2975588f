//! The KPS API over real HTTP: disassociate rules, the task lifecycle, task listings, bad input.

mod common;

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use common::*;
use serde_json::{json, Value};

fn server_in_state<'a>(state: &'a Value, server_id: &str) -> &'a Value {
    state["projects"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|p| p["servers"].as_array().into_iter().flatten())
        .find(|s| s["id"] == server_id)
        .expect("server in state")
}

async fn sleep_ms(ms: u64) {
    tokio::time::sleep(Duration::from_millis(ms)).await;
}

#[tokio::test]
async fn a_stopped_server_unbinds_without_auth_through_ready_running_and_success() {
    let emulator = Emulator::start_with(kps_emulator::Config {
        timings: kps_emulator::Timings {
            ready: Duration::from_millis(300),
            running: Duration::from_millis(300),
        },
        ..kps_emulator::Config::ephemeral()
    })
    .await;
    let task_id = emulator.unbind(STOPPED_SERVER, None).await;

    // Poll like a client would and record each status seen; a phase is only missed by a 300 ms stall.
    let mut seen: Vec<String> = Vec::new();
    let mut key_pair_while_running = None;
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        let status = emulator.task_status(&task_id).await;
        if seen.last() != Some(&status) {
            if status == "RUNNING_UNBIND" {
                key_pair_while_running = Some(
                    server_in_state(&emulator.state().await, STOPPED_SERVER)["keypair_name"]
                        .clone(),
                );
            }
            seen.push(status.clone());
        }
        if status == "SUCCESS_UNBIND" {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "{seen:?}");
        sleep_ms(20).await;
    }
    assert_eq!(seen, ["READY_UNBIND", "RUNNING_UNBIND", "SUCCESS_UNBIND"]);
    assert_eq!(
        key_pair_while_running,
        Some(json!("KeyPair-db")),
        "the key pair stays bound until the task succeeds"
    );

    let state = emulator.state().await;
    assert_eq!(
        server_in_state(&state, STOPPED_SERVER)["keypair_name"],
        Value::Null
    );
    let running = emulator
        .send(Req::get(&format!("/v3/{PROJECT}/running-tasks")).token(TOKEN))
        .await
        .json();
    assert_eq!(running, json!({"total": 0, "tasks": []}));

    let again = emulator
        .send(disassociate(PROJECT, STOPPED_SERVER, None).token(TOKEN))
        .await;
    assert_eq!(
        (again.status, again.error_code().as_str()),
        (400, "KPS.6004")
    );
}

#[tokio::test]
async fn a_pending_task_is_listed_in_running_tasks_with_its_phase() {
    let emulator = Emulator::start_slow().await;
    let task_id = emulator.unbind(STOPPED_SERVER, None).await;
    let running = emulator
        .send(Req::get(&format!("/v3/{PROJECT}/running-tasks")).token(TOKEN))
        .await
        .json();
    assert_eq!(running["total"], 1);
    assert_eq!(running["tasks"][0]["task_id"], task_id.as_str());
    assert_eq!(running["tasks"][0]["operate_type"], "READY_UNBIND");
    let other_project = emulator
        .send(Req::get(&format!("/v3/{PROJECT2}/running-tasks")).token(TOKEN))
        .await
        .json();
    assert_eq!(other_project["total"], 0);
}

#[tokio::test]
async fn the_task_answer_has_the_documented_fields_and_the_task_time_is_a_string_of_milliseconds() {
    let emulator = Emulator::start_slow().await;
    let before = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock")
        .as_millis();
    let task_id = emulator.unbind(STOPPED_SERVER, None).await;
    let task = emulator
        .send(Req::get(&format!("/v3/{PROJECT}/tasks/{task_id}")).token(TOKEN))
        .await;
    assert_eq!(
        task.header("content-type"),
        Some("application/json;charset=UTF-8")
    );
    assert_eq!(
        task.json(),
        json!({"server_id": STOPPED_SERVER, "task_id": task_id, "task_status": "READY_UNBIND"})
    );
    let running = emulator
        .send(Req::get(&format!("/v3/{PROJECT}/running-tasks")).token(TOKEN))
        .await
        .json();
    let listed = &running["tasks"][0];
    let task_time: u128 = listed["task_time"]
        .as_str()
        .expect("task_time is a string")
        .parse()
        .expect("of digits");
    assert!(
        task_time >= before && task_time < before + 5_000,
        "{task_time}"
    );
    assert_eq!(listed["server_name"], "db-01");
    assert_eq!(listed["server_id"], STOPPED_SERVER);
    assert_eq!(listed["keypair_name"], "KeyPair-db");
}

#[tokio::test]
async fn a_running_server_needs_the_private_key_of_its_key_pair() {
    let emulator = Emulator::start().await;
    let no_auth = emulator
        .send(disassociate(PROJECT, RUNNING_SERVER, None).token(TOKEN))
        .await;
    assert_eq!(
        (no_auth.status, no_auth.error_code().as_str()),
        (400, "KPS.6005")
    );

    let wrong_key =
        "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAwrong\n-----END RSA PRIVATE KEY-----";
    let wrong = emulator
        .send(disassociate(PROJECT, RUNNING_SERVER, Some(("keypair", wrong_key))).token(TOKEN))
        .await;
    assert_eq!(
        (wrong.status, wrong.error_code().as_str()),
        (403, "KPS.6009")
    );

    let key = web_private_key().replace('\n', "\r\n");
    emulator
        .unbind(RUNNING_SERVER, Some(("keypair", &key)))
        .await;
}

#[tokio::test]
async fn a_password_works_only_for_a_server_that_has_that_password() {
    let emulator = Emulator::start().await;
    let wrong = emulator
        .send(disassociate(PROJECT, PASSWORD_SERVER, Some(("password", "nope"))).token(TOKEN))
        .await;
    assert_eq!(
        (wrong.status, wrong.error_code().as_str()),
        (403, "KPS.6009")
    );
    let no_password = emulator
        .send(disassociate(PROJECT, RUNNING_SERVER, Some(("password", PASSWORD))).token(TOKEN))
        .await;
    assert_eq!(
        (no_password.status, no_password.error_code().as_str()),
        (403, "KPS.6009")
    );
    emulator
        .unbind(PASSWORD_SERVER, Some(("password", PASSWORD)))
        .await;
}

#[tokio::test]
async fn a_running_server_whose_private_key_kps_manages_unbinds_without_auth() {
    let emulator = Emulator::start().await;
    emulator.unbind(MANAGED_KEY_SERVER, None).await;
}

#[tokio::test]
async fn a_server_without_a_key_pair_answers_kps_6004() {
    let emulator = Emulator::start().await;
    let response = emulator
        .send(disassociate(PROJECT, NO_KEYPAIR_SERVER, None).token(TOKEN))
        .await;
    assert_eq!(
        (response.status, response.error_code().as_str()),
        (400, "KPS.6004")
    );
}

#[tokio::test]
async fn an_unknown_server_or_one_of_another_project_is_a_parameter_error() {
    let emulator = Emulator::start().await;
    for server in ["00000000-0000-4000-8000-000000000000", PROJECT2_SERVER] {
        let response = emulator
            .send(disassociate(PROJECT, server, None).token(TOKEN))
            .await;
        assert_eq!(
            (response.status, response.error_code().as_str()),
            (400, "KPS.0002")
        );
        assert!(
            response.error_msg().contains("does not exist"),
            "{}",
            response.error_msg()
        );
    }
}

#[tokio::test]
async fn a_server_with_a_task_in_progress_refuses_a_second_one() {
    let emulator = Emulator::start_slow().await;
    emulator.unbind(STOPPED_SERVER, None).await;
    let second = emulator
        .send(disassociate(PROJECT, STOPPED_SERVER, None).token(TOKEN))
        .await;
    assert_eq!(
        (second.status, second.error_code().as_str()),
        (400, "KPS.0002")
    );
    assert!(second.error_msg().contains("in progress"));
}

#[tokio::test]
async fn a_failed_task_is_listed_with_its_error_until_it_is_deleted() {
    let emulator = Emulator::start().await;
    let task_id = emulator.unbind(FAILING_SERVER, None).await;
    sleep_ms(400).await;
    assert_eq!(emulator.task_status(&task_id).await, "FAILED_UNBIND");
    assert_eq!(
        server_in_state(&emulator.state().await, FAILING_SERVER)["keypair_name"],
        "KeyPair-legacy",
        "a failed unbind leaves the key pair bound"
    );

    let failed = emulator
        .send(Req::get(&format!("/v3/{PROJECT}/failed-tasks")).token(TOKEN))
        .await
        .json();
    assert_eq!(failed["total"], 1);
    let listed = &failed["tasks"][0];
    assert_eq!(listed["task_id"], task_id.as_str());
    assert_eq!(listed["server_id"], FAILING_SERVER);
    assert_eq!(listed["operate_type"], "FAILED_UNBIND");
    assert_eq!(listed["task_error_code"], "KPS.0003");
    assert!(listed["task_error_msg"]
        .as_str()
        .is_some_and(|m| !m.is_empty()));
    let other_project = emulator
        .send(Req::get(&format!("/v3/{PROJECT2}/failed-tasks")).token(TOKEN))
        .await
        .json();
    assert_eq!(other_project["total"], 0);

    let path = format!("/v3/{PROJECT}/failed-tasks/{task_id}");
    let deleted = emulator.send(Req::delete(&path).token(TOKEN)).await;
    assert_eq!(deleted.status, 200);
    assert!(deleted.body.is_empty());
    let again = emulator.send(Req::delete(&path).token(TOKEN)).await;
    assert_eq!(
        (again.status, again.error_code().as_str()),
        (400, "KPS.0005")
    );
    let failed = emulator
        .send(Req::get(&format!("/v3/{PROJECT}/failed-tasks")).token(TOKEN))
        .await
        .json();
    assert_eq!(failed["total"], 0);
}

#[tokio::test]
async fn deleting_all_failed_tasks_empties_the_list_and_keeps_other_tasks() {
    let emulator = Emulator::start().await;
    emulator.unbind(FAILING_SERVER, None).await;
    sleep_ms(400).await;
    emulator.unbind(FAILING_SERVER, None).await;
    sleep_ms(400).await;
    let succeeded = emulator.unbind(STOPPED_SERVER, None).await;
    let failed_path = format!("/v3/{PROJECT}/failed-tasks");
    assert_eq!(
        emulator
            .send(Req::get(&failed_path).token(TOKEN))
            .await
            .json()["total"],
        2
    );

    let deleted = emulator.send(Req::delete(&failed_path).token(TOKEN)).await;
    assert_eq!(deleted.status, 200);
    assert_eq!(
        emulator
            .send(Req::get(&failed_path).token(TOKEN))
            .await
            .json()["total"],
        0
    );
    assert_ne!(
        emulator.task_status(&succeeded).await,
        "FAILED_UNBIND",
        "the other server's task is still there"
    );
}

#[tokio::test]
async fn only_a_failed_task_can_be_deleted_as_one() {
    let emulator = Emulator::start_slow().await;
    let pending = emulator.unbind(STOPPED_SERVER, None).await;
    let response = emulator
        .send(Req::delete(&format!("/v3/{PROJECT}/failed-tasks/{pending}")).token(TOKEN))
        .await;
    assert_eq!(
        (response.status, response.error_code().as_str()),
        (400, "KPS.0005")
    );
}

#[tokio::test]
async fn running_tasks_are_paginated_with_limit_and_offset() {
    let emulator = Emulator::start_slow().await;
    let mut ids = Vec::new();
    for n in 1..=4 {
        ids.push(
            emulator
                .unbind(&format!("5ba4e000-0000-4000-8000-00000000000{n}"), None)
                .await,
        );
    }
    let page = emulator
        .send(Req::get(&format!("/v3/{PROJECT}/running-tasks?limit=2&offset=1")).token(TOKEN))
        .await
        .json();
    assert_eq!(page["total"], 4);
    let listed: Vec<&str> = page["tasks"]
        .as_array()
        .expect("tasks")
        .iter()
        .filter_map(|t| t["task_id"].as_str())
        .collect();
    assert_eq!(listed, [ids[1].as_str(), ids[2].as_str()]);

    for query in ["limit=0", "limit=ten", "offset=-1"] {
        let response = emulator
            .send(Req::get(&format!("/v3/{PROJECT}/running-tasks?{query}")).token(TOKEN))
            .await;
        assert_eq!(
            (response.status, response.error_code().as_str()),
            (400, "KPS.0002"),
            "{query}"
        );
    }
}

#[tokio::test]
async fn an_unknown_task_or_one_of_another_project_is_an_illegal_task_id() {
    let emulator = Emulator::start().await;
    let task_id = emulator.unbind(STOPPED_SERVER, None).await;
    for (project, task) in [
        (PROJECT, "aee8d2fe-5484-4753-9177-5a38dc15546c"),
        (PROJECT2, task_id.as_str()),
    ] {
        let response = emulator
            .send(Req::get(&format!("/v3/{project}/tasks/{task}")).token(TOKEN))
            .await;
        assert_eq!(
            (response.status, response.error_code().as_str()),
            (400, "KPS.0001")
        );
    }
}

#[tokio::test]
async fn the_benchmark_server_always_accepts_with_a_fresh_task_id_and_changes_nothing() {
    let emulator = Emulator::start().await;
    let mut seen = std::collections::HashSet::new();
    for _ in 0..3 {
        let task_id = emulator.unbind(BENCH_SERVER, None).await;
        assert!(seen.insert(task_id.clone()));
        let task = emulator
            .send(Req::get(&format!("/v3/{PROJECT}/tasks/{task_id}")).token(TOKEN))
            .await
            .json();
        assert_eq!(task["task_status"], "SUCCESS_UNBIND");
        assert_eq!(task["server_id"], BENCH_SERVER);
    }
    let state = emulator.state().await;
    assert_eq!(state["tasks"], json!([]));
    assert_eq!(
        server_in_state(&state, BENCH_SERVER)["keypair_name"],
        "KeyPair-web"
    );

    // It still authenticates and validates.
    let unauthenticated = emulator
        .send(disassociate(PROJECT, BENCH_SERVER, None))
        .await;
    assert_eq!(unauthenticated.status, 401);
    let bad_body = emulator
        .send(
            Req::post(&format!("/v3/{PROJECT}/keypairs/disassociate"))
                .token(TOKEN)
                .body("{\"server\":{}}"),
        )
        .await;
    assert_eq!(
        (bad_body.status, bad_body.error_code().as_str()),
        (400, "KPS.0002")
    );
}

#[tokio::test]
async fn reset_brings_back_the_fixture_key_pairs_and_drops_tasks_and_fault_rules() {
    let emulator = Emulator::start().await;
    emulator.unbind(STOPPED_SERVER, None).await;
    emulator
        .send(Req::post("/__emulator/faults").json(&json!({"fault": "status=500"})))
        .await;
    sleep_ms(400).await;
    assert_eq!(
        server_in_state(&emulator.state().await, STOPPED_SERVER)["keypair_name"],
        Value::Null
    );

    let reset = emulator.send(Req::post("/__emulator/reset")).await;
    assert_eq!(reset.status, 200);
    let state = emulator.state().await;
    assert_eq!(
        server_in_state(&state, STOPPED_SERVER)["keypair_name"],
        "KeyPair-db"
    );
    assert_eq!(state["tasks"], json!([]));
    assert_eq!(state["faults"], json!([]));
    emulator.unbind(STOPPED_SERVER, None).await;
}

#[tokio::test]
async fn the_state_endpoint_lists_projects_servers_and_tasks() {
    let emulator = Emulator::start_slow().await;
    let task_id = emulator.unbind(STOPPED_SERVER, None).await;
    let state = emulator.state().await;
    assert_eq!(state["projects"].as_array().map(Vec::len), Some(2));
    let server = server_in_state(&state, STOPPED_SERVER);
    assert_eq!(server["status"], "SHUTOFF");
    assert_eq!(server["active_task_id"], task_id.as_str());
    assert_eq!(state["tasks"][0]["task_id"], task_id.as_str());
    assert_eq!(state["tasks"][0]["task_status"], "READY_UNBIND");
    assert_eq!(state["task_ready_ms"], 30_000);
}

// ---- bad input ----

async fn assert_parameter_error(emulator: &Emulator, body: &str, expected_in_message: &str) {
    let response = emulator
        .send(
            Req::post(&format!("/v3/{PROJECT}/keypairs/disassociate"))
                .token(TOKEN)
                .header("Content-Type", "application/json")
                .body(body),
        )
        .await;
    assert_eq!(
        (response.status, response.error_code().as_str()),
        (400, "KPS.0002"),
        "{body}: {}",
        response.text()
    );
    assert!(
        response.error_msg().contains(expected_in_message),
        "{body}: {}",
        response.error_msg()
    );
}

#[tokio::test]
async fn malformed_or_wrongly_typed_bodies_are_parameter_errors() {
    let emulator = Emulator::start().await;
    for (body, expected) in [
        ("", "not valid JSON"),
        ("{", "not valid JSON"),
        ("not json", "not valid JSON"),
        ("[]", "the request body must be a JSON object"),
        ("{\"server\":[]}", "server must be a JSON object"),
        ("{}", "server is required"),
        ("{\"server\":null}", "server must be a JSON object"),
        ("{\"server\":{}}", "server.id is required"),
        ("{\"server\":{\"id\":42}}", "server.id must be a string"),
        ("{\"server\":{\"id\":\"\"}}", "server.id must be"),
        ("{\"server\":{\"id\":\"not-a-uuid\"}}", "server.id must be"),
        (
            "{\"server\":{\"id\":\"d76baba7-ef09-40a2-87ff-3eafec0696e7\",\"auth\":{\"type\":\"ssh\",\"key\":\"k\"}}}",
            "auth.type",
        ),
        (
            "{\"server\":{\"id\":\"d76baba7-ef09-40a2-87ff-3eafec0696e7\",\"auth\":\"keypair\"}}",
            "server.auth must be a JSON object",
        ),
        (
            "{\"server\":{\"id\":\"d76baba7-ef09-40a2-87ff-3eafec0696e7\",\"auth\":{\"type\":\"keypair\",\"key\":7}}}",
            "server.auth.key must be a string",
        ),
        (
            "{\"server\":{\"id\":\"d76baba7-ef09-40a2-87ff-3eafec0696e7\",\"auth\":{\"type\":\"keypair\"}}}",
            "auth.key",
        ),
        (
            "{\"server\":{\"id\":\"d76baba7-ef09-40a2-87ff-3eafec0696e7\",\"auth\":{\"type\":\"keypair\",\"key\":\"\"}}}",
            "auth.key",
        ),
        (
            "{\"server\":{\"id\":\"d76baba7-ef09-40a2-87ff-3eafec0696e7\",\"authentication\":{\"type\":\"keypair\",\"key\":\"k\"}}}",
            "unknown field server.authentication: the API field is server.auth",
        ),
        (
            "{\"server\":{\"id\":\"d76baba7-ef09-40a2-87ff-3eafec0696e7\"},\"extra\":1}",
            "unknown field extra",
        ),
    ] {
        assert_parameter_error(&emulator, body, expected).await;
    }
}

#[tokio::test]
async fn a_body_that_is_not_declared_as_json_is_a_parameter_error() {
    let emulator = Emulator::start().await;
    let response = emulator
        .send(
            Req::post(&format!("/v3/{PROJECT}/keypairs/disassociate"))
                .token(TOKEN)
                .header("Content-Type", "text/plain")
                .body(disassociate_body(STOPPED_SERVER, None).to_string()),
        )
        .await;
    assert_eq!(
        (response.status, response.error_code().as_str()),
        (400, "KPS.0002")
    );
}

#[tokio::test]
async fn a_body_over_64_kib_is_refused_with_413_whether_declared_or_chunked() {
    let emulator = Emulator::start().await;
    let big = format!(
        "{{\"server\":{{\"id\":\"{STOPPED_SERVER}\",\"auth\":{{\"type\":\"password\",\"key\":\"{}\"}}}}}}",
        "x".repeat(70 * 1024)
    );
    let declared = emulator
        .send(
            disassociate(PROJECT, STOPPED_SERVER, None)
                .token(TOKEN)
                .body(big.clone()),
        )
        .await;
    assert_eq!(
        (declared.status, declared.error_code().as_str()),
        (413, "APIGW.0201")
    );

    let mut chunked_body = Vec::new();
    for chunk in big.as_bytes().chunks(8192) {
        chunked_body.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
        chunked_body.extend_from_slice(chunk);
        chunked_body.extend_from_slice(b"\r\n");
    }
    chunked_body.extend_from_slice(b"0\r\n\r\n");
    let chunked = emulator
        .send(
            Req::post(&format!("/v3/{PROJECT}/keypairs/disassociate"))
                .token(TOKEN)
                .header("Transfer-Encoding", "chunked")
                .body(chunked_body),
        )
        .await;
    assert_eq!(
        (chunked.status, chunked.error_code().as_str()),
        (413, "APIGW.0201")
    );
}

#[tokio::test]
async fn unknown_paths_and_wrong_methods_answer_apigw_0101() {
    let emulator = Emulator::start().await;
    for req in [
        Req::get("/v3/nothing"),
        Req::get(&format!("/v3/{PROJECT}/keypairs/disassociate")).token(TOKEN),
        Req::new("PUT", &format!("/v3/{PROJECT}/tasks/x")).token(TOKEN),
        Req::post(&format!("/v3/{PROJECT}/running-tasks")),
        Req::get("/"),
        Req::new("PATCH", "/__emulator/state"),
    ] {
        let response = emulator.send(req.clone()).await;
        assert_eq!(
            (response.status, response.error_code().as_str()),
            (404, "APIGW.0101"),
            "{} {}",
            req.method,
            req.path
        );
    }
}

#[tokio::test]
async fn garbage_on_the_wire_gets_an_http_error_and_the_server_keeps_serving() {
    let emulator = Emulator::start().await;
    for garbage in [
        &b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n"[..],
        b"GET / HTTP/9.9\r\n\r\n",
        b"GET /v3/\xff\xfe HTTP/1.1\r\nHost: x\r\n\r\n",
        b"POST /v3/p/keypairs/disassociate HTTP/1.1\r\nHost: x\r\nContent-Length: nope\r\n\r\n",
    ] {
        let raw = exchange(emulator.addr, garbage, Duration::from_secs(5))
            .await
            .expect("the server answers or closes");
        if let Some(response) = Response::parse(&raw) {
            assert!(response.status >= 400, "{}", response.status);
        }
    }
    emulator.unbind(STOPPED_SERVER, None).await;
}
