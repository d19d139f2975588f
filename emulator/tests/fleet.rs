//! Fleets over real HTTP: the `--fleet` servers, and the running and failed task listings paged over 1000 tasks,
//! each task with its server, so a client can find the task of a server whose answer it lost.

mod common;

use std::collections::HashSet;
use std::time::{Duration, Instant};

use common::*;
use kps_emulator::fixture::fleet_server_id;
use kps_emulator::Config;
use serde_json::{json, Value};
use tokio::task::JoinSet;

async fn start_fleet(n: u16, timings: kps_emulator::Timings) -> Emulator {
    Emulator::start_with(Config {
        fleet: n,
        timings,
        ..Config::ephemeral()
    })
    .await
}

async fn listing(emulator: &Emulator, list: &str, query: &str) -> Response {
    emulator
        .send(Req::get(&format!("/v3/{PROJECT}/{list}{query}")).token(TOKEN))
        .await
}

#[tokio::test]
async fn fleet_servers_are_stopped_bound_to_keypair_fleet_and_unbind_without_auth() {
    let emulator = start_fleet(3, FAST).await;
    let state = emulator.state().await;
    let fleet: Vec<&Value> = state["projects"][0]["servers"]
        .as_array()
        .expect("servers")
        .iter()
        .filter(|s| s["name"].as_str().is_some_and(|n| n.starts_with("fleet-")))
        .collect();
    assert_eq!(state["projects"][0]["id"], PROJECT);
    assert_eq!(
        fleet
            .iter()
            .map(|s| (s["id"].clone(), s["name"].clone()))
            .collect::<Vec<_>>(),
        [
            (
                json!("f1ee7000-0000-4000-8000-000000000001"),
                json!("fleet-0001")
            ),
            (
                json!("f1ee7000-0000-4000-8000-000000000002"),
                json!("fleet-0002")
            ),
            (
                json!("f1ee7000-0000-4000-8000-000000000003"),
                json!("fleet-0003")
            ),
        ]
    );
    assert!(fleet
        .iter()
        .all(|s| s["status"] == "SHUTOFF" && s["keypair_name"] == "KeyPair-fleet"));

    let task_id = emulator.unbind(&fleet_server_id(2), None).await;
    let deadline = Instant::now() + Duration::from_secs(20);
    while emulator.task_status(&task_id).await != "SUCCESS_UNBIND" {
        assert!(Instant::now() < deadline, "the task never ended");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let state = emulator.state().await;
    let unbound = state["projects"][0]["servers"]
        .as_array()
        .expect("servers")
        .iter()
        .find(|s| s["id"] == fleet_server_id(2))
        .expect("fleet-0002");
    assert_eq!(unbound["keypair_name"], Value::Null);

    let none = start_fleet(0, FAST).await;
    let servers = none.state().await["projects"][0]["servers"].clone();
    assert!(
        !servers.to_string().contains("fleet-"),
        "no fleet unless asked"
    );
}

#[tokio::test]
async fn a_thousand_running_tasks_page_by_limit_and_offset_each_with_its_server() {
    let emulator = start_fleet(1000, SLOW).await;
    // Eight clients at a time, as a fleet call would; each request on its own connection.
    let mut started = JoinSet::new();
    let addr = emulator.addr;
    for worker in 0..8u16 {
        started.spawn(async move {
            let mut ids = Vec::new();
            for n in (1..=1000u16).filter(|n| n % 8 == worker) {
                let response = disassociate(PROJECT, &fleet_server_id(n), None)
                    .token(TOKEN)
                    .send(addr)
                    .await;
                assert_eq!(response.status, 202, "{}", response.text());
                ids.push(response.json()["task_id"].as_str().expect("id").to_owned());
            }
            ids
        });
    }
    let mut task_ids = HashSet::new();
    while let Some(ids) = started.join_next().await {
        task_ids.extend(ids.expect("a worker"));
    }
    assert_eq!(task_ids.len(), 1000);

    let mut listed_servers = HashSet::new();
    let mut listed_tasks = HashSet::new();
    let mut last_time = 0u64;
    for offset in (0..1000).step_by(300) {
        let page = listing(
            &emulator,
            "running-tasks",
            &format!("?limit=300&offset={offset}"),
        )
        .await;
        assert_eq!(page.status, 200, "{}", page.text());
        let page = page.json();
        assert_eq!(page["total"], 1000);
        let tasks = page["tasks"].as_array().expect("tasks");
        assert_eq!(tasks.len(), (1000 - offset).min(300), "offset {offset}");
        for task in tasks {
            assert!(task_ids.contains(task["task_id"].as_str().expect("task_id")));
            assert_eq!(task["keypair_name"], "KeyPair-fleet");
            let time: u64 = task["task_time"]
                .as_str()
                .and_then(|t| t.parse().ok())
                .expect("task_time in ms");
            assert!(time >= last_time, "oldest first");
            last_time = time;
            listed_tasks.insert(task["task_id"].clone());
            listed_servers.insert(task["server_id"].as_str().expect("server_id").to_owned());
        }
    }
    assert_eq!(listed_tasks.len(), 1000, "every task once across the pages");
    let fleet: HashSet<String> = (1..=1000).map(fleet_server_id).collect();
    assert_eq!(listed_servers, fleet);

    let past_the_end = listing(&emulator, "running-tasks", "?limit=10&offset=1000")
        .await
        .json();
    assert_eq!(past_the_end, json!({"total": 1000, "tasks": []}));
    let default_page = listing(&emulator, "running-tasks", "").await.json();
    assert_eq!(
        default_page["tasks"].as_array().map(Vec::len),
        Some(1000),
        "the documented default limit is 1000"
    );
    let bigger = listing(&emulator, "running-tasks", "?limit=5000")
        .await
        .json();
    assert_eq!(bigger["tasks"].as_array().map(Vec::len), Some(1000));
    for bad in [
        "?limit=0",
        "?limit=-1",
        "?limit=ten",
        "?offset=-1",
        "?offset=x",
    ] {
        let response = listing(&emulator, "running-tasks", bad).await;
        assert_eq!(
            (response.status, response.error_code().as_str()),
            (400, "KPS.0002"),
            "{bad}"
        );
    }

    // Exactly one task per server, as the state shows.
    let state = emulator.state().await;
    let per_server: Vec<&str> = state["tasks"]
        .as_array()
        .expect("tasks")
        .iter()
        .filter_map(|t| t["server_id"].as_str())
        .collect();
    assert_eq!(per_server.len(), 1000);
    assert_eq!(per_server.iter().collect::<HashSet<_>>().len(), 1000);
}

#[tokio::test]
async fn failed_tasks_page_the_same_way_and_name_their_server() {
    // Failing servers come from a fixture of their own: the fleet's own servers always succeed.
    let servers: Vec<Value> = (1..=25)
        .map(|n| {
            json!({"id": format!("fa11ed00-0000-4000-8000-{n:012}"), "project_id": PROJECT,
                   "name": format!("failing-{n:02}"), "status": "SHUTOFF", "keypair_name": "K",
                   "unbind_error": {"task_error_code": "KPS.0003", "task_error_msg": "plug-in did not answer"}})
        })
        .collect();
    let fixture = json!({
        "projects": [{"id": PROJECT, "name": "p"}],
        "tokens": [{"token": TOKEN, "projects": [PROJECT]}],
        "keypairs": [{"name": "K", "private_key": "-----BEGIN RSA PRIVATE KEY-----\nx\n-----END RSA PRIVATE KEY-----"}],
        "servers": servers,
    });
    let emulator = Emulator::start_with(Config {
        fixture: kps_emulator::FixtureSource::Json(fixture.to_string()),
        timings: kps_emulator::Timings {
            ready: Duration::ZERO,
            running: Duration::ZERO,
        },
        ..Config::ephemeral()
    })
    .await;
    for n in 1..=25 {
        emulator
            .unbind(&format!("fa11ed00-0000-4000-8000-{n:012}"), None)
            .await;
    }
    let mut seen = HashSet::new();
    for offset in [0, 10, 20] {
        let page = listing(
            &emulator,
            "failed-tasks",
            &format!("?limit=10&offset={offset}"),
        )
        .await
        .json();
        assert_eq!(page["total"], 25);
        for task in page["tasks"].as_array().expect("tasks") {
            assert_eq!(task["operate_type"], "FAILED_UNBIND");
            assert_eq!(task["task_error_code"], "KPS.0003");
            seen.insert(task["server_id"].as_str().expect("server_id").to_owned());
        }
    }
    assert_eq!(seen.len(), 25);
    let running = listing(&emulator, "running-tasks", "").await.json();
    assert_eq!(
        running["total"], 0,
        "a finished task leaves the running list"
    );
}
