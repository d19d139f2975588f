//! The gateway's rate limit over real HTTP: the 429 and its `Retry-After`, refill, one bucket per project, the
//! control API, and the request counts of `/__emulator/stats`.
//!
//! The limits here are 1 request per second with a burst of 1, and tests never assume how fast they run: they
//! send until the gateway refuses (a loaded machine only makes that take a request or two more), wait at least
//! what `Retry-After` says before expecting a token, and check counts against what the test itself saw.

mod common;

use std::time::Duration;

use common::*;
use kps_emulator::{Config, RateLimit};
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const ONE_PER_SECOND: RateLimit = RateLimit {
    per_second: 1,
    burst: 1,
    retry_after: true,
};

async fn start_limited(limit: RateLimit) -> Emulator {
    Emulator::start_with(Config {
        rate_limit: Some(limit),
        timings: FAST,
        ..Config::ephemeral()
    })
    .await
}

fn list_running(project: &str) -> Req {
    Req::get(&format!("/v3/{project}/running-tasks")).token(TOKEN)
}

/// Sends `make()` until the gateway answers 429 (at most 50 times); returns every answer, the 429 last.
async fn send_until_throttled(emulator: &Emulator, make: impl Fn() -> Req) -> Vec<Response> {
    let mut answers = Vec::new();
    for _ in 0..50 {
        let response = emulator.send(make()).await;
        let throttled = response.status == 429;
        answers.push(response);
        if throttled {
            return answers;
        }
    }
    panic!("50 requests at 1 per second and none refused");
}

async fn stats(emulator: &Emulator) -> Value {
    let response = emulator.send(Req::get("/__emulator/stats")).await;
    assert_eq!(response.status, 200, "{}", response.text());
    response.json()
}

#[tokio::test]
async fn over_the_limit_the_gateway_answers_429_apigw_0308_with_retry_after() {
    let emulator = start_limited(ONE_PER_SECOND).await;
    let answers = send_until_throttled(&emulator, || list_running(PROJECT)).await;
    assert!(answers[..answers.len() - 1].iter().all(|r| r.status == 200));
    let refused = answers.last().expect("a 429");
    assert_eq!(
        refused.json(),
        json!({
            "error_code": "APIGW.0308",
            "error_msg": "The throttling threshold has been reached: policy user over ratelimit,limit:1,time:1 second"
        })
    );
    assert_eq!(refused.header("retry-after"), Some("1"));
    assert_eq!(
        refused.header("content-type"),
        Some("application/json;charset=UTF-8")
    );
    assert!(refused
        .header("x-request-id")
        .is_some_and(|id| id.len() == 32));
    assert_eq!(
        refused.header("x-emulator-fault-applied"),
        None,
        "a throttle is not a fault"
    );
}

#[tokio::test]
async fn after_retry_after_seconds_the_bucket_has_a_token_again() {
    let emulator = start_limited(ONE_PER_SECOND).await;
    let answers = send_until_throttled(&emulator, || list_running(PROJECT)).await;
    let wait: u64 = answers
        .last()
        .and_then(|r| r.header("retry-after"))
        .and_then(|v| v.parse().ok())
        .expect("Retry-After in seconds");
    tokio::time::sleep(Duration::from_secs(wait) + Duration::from_millis(50)).await;
    let retried = emulator.send(list_running(PROJECT)).await;
    assert_eq!(retried.status, 200, "{}", retried.text());
}

#[tokio::test]
async fn each_project_has_its_own_bucket() {
    let emulator = start_limited(ONE_PER_SECOND).await;
    send_until_throttled(&emulator, || list_running(PROJECT)).await;
    // The second project's bucket is full whatever the time: its first request passes.
    let other = emulator.send(list_running(PROJECT2)).await;
    assert_eq!(other.status, 200, "{}", other.text());
}

#[tokio::test]
async fn the_limit_applies_before_authentication_and_counts_every_kps_request() {
    let emulator = start_limited(ONE_PER_SECOND).await;
    let unauthenticated = || Req::get(&format!("/v3/{PROJECT}/running-tasks"));
    let answers = send_until_throttled(&emulator, unauthenticated).await;
    assert!(
        answers[..answers.len() - 1].iter().all(|r| r.status == 401),
        "let through, a request without a token meets authentication"
    );
    assert_eq!(answers.last().map(|r| r.status), Some(429));

    // Not KPS API requests of a known project: never refused, never counted.
    for req in [
        Req::get("/__emulator/state"),
        Req::new("OPTIONS", &format!("/v3/{PROJECT}/running-tasks")),
        Req::get("/v3/ffffffffffffffffffffffffffffffff/running-tasks").token(TOKEN),
        Req::get("/nothing-here"),
    ] {
        assert_ne!(emulator.send(req.clone()).await.status, 429, "{req:?}");
    }

    let stats = stats(&emulator).await;
    let project = &stats["projects"][PROJECT];
    let throttled = answers.iter().filter(|r| r.status == 429).count();
    assert_eq!(project["allowed"], answers.len() - throttled);
    assert_eq!(project["throttled"], throttled);
    assert_eq!(
        project["operations"]["ListRunningTask"],
        json!({"allowed": answers.len() - throttled, "throttled": throttled})
    );
    assert_eq!(
        stats["projects"][PROJECT2],
        json!({"allowed": 0, "throttled": 0, "operations": {
            "DisassociateKeypair": {"allowed": 0, "throttled": 0},
            "ListKeypairTask": {"allowed": 0, "throttled": 0},
            "ListRunningTask": {"allowed": 0, "throttled": 0},
            "ListFailedTask": {"allowed": 0, "throttled": 0},
            "DeleteAllFailedTask": {"allowed": 0, "throttled": 0},
            "DeleteFailedTask": {"allowed": 0, "throttled": 0},
            "Other": {"allowed": 0, "throttled": 0},
        }})
    );
}

#[tokio::test]
async fn without_a_limit_every_request_passes_and_is_counted_by_operation() {
    let emulator = Emulator::start().await;
    assert_eq!(
        emulator
            .send(Req::get("/__emulator/rate-limit"))
            .await
            .json(),
        json!({"perSecond": 0, "burst": 0, "retryAfter": true})
    );
    let task_id = emulator.unbind(STOPPED_SERVER, None).await;
    for _ in 0..3 {
        emulator.task_status(&task_id).await;
    }
    emulator.send(list_running(PROJECT)).await;
    emulator
        .send(Req::get(&format!("/v3/{PROJECT}/failed-tasks")).token(TOKEN))
        .await;
    emulator
        .send(Req::delete(&format!("/v3/{PROJECT}/failed-tasks/{task_id}")).token(TOKEN))
        .await;
    emulator
        .send(Req::delete(&format!("/v3/{PROJECT}/failed-tasks")).token(TOKEN))
        .await;
    emulator
        .send(Req::get(&format!("/v3/{PROJECT}/no-such-api")).token(TOKEN))
        .await;

    let stats = stats(&emulator).await;
    let operations = &stats["projects"][PROJECT]["operations"];
    for (operation, allowed) in [
        ("DisassociateKeypair", 1),
        ("ListKeypairTask", 3),
        ("ListRunningTask", 1),
        ("ListFailedTask", 1),
        ("DeleteFailedTask", 1),
        ("DeleteAllFailedTask", 1),
        ("Other", 1),
    ] {
        assert_eq!(
            operations[operation],
            json!({"allowed": allowed, "throttled": 0}),
            "{operation}"
        );
    }
    assert_eq!(stats["projects"][PROJECT]["allowed"], 9);
    assert_eq!(stats["rateLimit"]["perSecond"], 0);

    let cleared = emulator.send(Req::delete("/__emulator/stats")).await;
    assert_eq!(cleared.status, 200);
    assert_eq!(cleared.json()["projects"][PROJECT]["allowed"], 0);
}

#[tokio::test]
async fn the_limit_is_set_read_and_reset_through_the_control_api() {
    let emulator = start_limited(RateLimit {
        per_second: 500,
        burst: 500,
        retry_after: true,
    })
    .await;
    let read = || async {
        emulator
            .send(Req::get("/__emulator/rate-limit"))
            .await
            .json()
    };
    assert_eq!(
        read().await,
        json!({"perSecond": 500, "burst": 500, "retryAfter": true})
    );

    let set = emulator
        .send(Req::post("/__emulator/rate-limit").json(&json!({"perSecond": 1, "burst": 1})))
        .await;
    assert_eq!(set.status, 200, "{}", set.text());
    assert_eq!(
        set.json(),
        json!({"perSecond": 1, "burst": 1, "retryAfter": true})
    );
    assert_eq!(set.json(), read().await);
    assert_eq!(
        emulator.state().await["rate_limit"],
        json!({"perSecond": 1, "burst": 1, "retryAfter": true})
    );
    send_until_throttled(&emulator, || list_running(PROJECT)).await;

    let reset = emulator.send(Req::post("/__emulator/reset")).await;
    assert_eq!(reset.status, 200);
    assert_eq!(
        read().await,
        json!({"perSecond": 500, "burst": 500, "retryAfter": true}),
        "reset goes back to the limit given at start"
    );
    assert_eq!(stats(&emulator).await["projects"][PROJECT]["throttled"], 0);

    let off = emulator
        .send(Req::post("/__emulator/rate-limit").json(&json!({"perSecond": 0})))
        .await;
    assert_eq!(
        off.json(),
        json!({"perSecond": 0, "burst": 0, "retryAfter": true})
    );
    for _ in 0..20 {
        assert_eq!(emulator.send(list_running(PROJECT)).await.status, 200);
    }
}

#[tokio::test]
async fn a_limit_set_without_retry_after_refuses_without_the_header() {
    let emulator = Emulator::start().await;
    let set = emulator
        .send(
            Req::post("/__emulator/rate-limit").json(&json!({"perSecond": 1, "retryAfter": false})),
        )
        .await;
    assert_eq!(
        set.json(),
        json!({"perSecond": 1, "burst": 1, "retryAfter": false})
    );
    let answers = send_until_throttled(&emulator, || list_running(PROJECT)).await;
    let refused = answers.last().expect("a 429");
    assert_eq!(refused.error_code(), "APIGW.0308");
    assert_eq!(refused.header("retry-after"), None);
}

#[tokio::test]
async fn a_bad_limit_is_refused_and_the_limit_stays() {
    let emulator = Emulator::start().await;
    for body in [
        json!({"perSecond": -1}),
        json!({"perSecond": 1.5}),
        json!({"perSecond": 1000001}),
        json!({"perSecond": 5, "burst": 0}),
        json!({"per_second": 5}),
        json!({}),
        json!([{"perSecond": 5}]),
    ] {
        let response = emulator
            .send(Req::post("/__emulator/rate-limit").json(&body))
            .await;
        assert_eq!(
            (response.status, response.error_code().as_str()),
            (400, "EMULATOR.0001"),
            "{body}"
        );
    }
    assert_eq!(
        emulator
            .send(Req::get("/__emulator/rate-limit"))
            .await
            .json()["perSecond"],
        0
    );
}

#[tokio::test]
async fn a_refused_request_does_not_use_up_a_fault_rule() {
    let emulator = start_limited(ONE_PER_SECOND).await;
    let added = emulator
        .send(Req::post("/__emulator/faults").json(&json!({
            "fault": "status=503", "method": "POST", "times": 1000
        })))
        .await;
    assert_eq!(added.status, 201);
    let answers = send_until_throttled(&emulator, || {
        disassociate(PROJECT, STOPPED_SERVER, None).token(TOKEN)
    })
    .await;
    let faulted = answers.iter().filter(|r| r.status == 503).count();
    assert_eq!(
        faulted,
        answers.len() - 1,
        "every request let through meets the rule"
    );
    let rules = emulator.send(Req::get("/__emulator/faults")).await.json();
    assert_eq!(rules["rules"][0]["times"], 1000 - faulted);
}

#[tokio::test]
async fn a_refused_requests_body_is_read_so_its_connection_serves_the_next_request() {
    let emulator = start_limited(ONE_PER_SECOND).await;
    let body = disassociate_body(STOPPED_SERVER, None).to_string();
    let head = format!(
        "POST /v3/{PROJECT}/keypairs/disassociate HTTP/1.1\r\nHost: x\r\nX-Auth-Token: {TOKEN}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    let next = "GET /__emulator/state HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    // Until the POST is the one refused (a stall of a second between requests lets it through instead).
    for _ in 0..20 {
        send_until_throttled(&emulator, || list_running(PROJECT)).await;
        let mut stream = tokio::net::TcpStream::connect(emulator.addr)
            .await
            .expect("connect");
        // The body arrives after the head, as from a client that writes them separately.
        stream.write_all(head.as_bytes()).await.expect("write");
        tokio::time::sleep(Duration::from_millis(50)).await;
        stream.write_all(body.as_bytes()).await.expect("write");
        stream.write_all(next.as_bytes()).await.expect("write");
        let mut raw = Vec::new();
        tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut raw))
            .await
            .expect("answers in time")
            .expect("read");
        let text = String::from_utf8_lossy(&raw);
        if !text.starts_with("HTTP/1.1 429") {
            continue;
        }
        assert_eq!(text.matches("HTTP/1.1 ").count(), 2, "{text}");
        assert!(text.contains("HTTP/1.1 200"), "{text}");
        return;
    }
    panic!("the POST was never the refused request");
}
