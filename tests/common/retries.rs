//! Retries on every call, against the emulator's fault rules (each used up after `times` requests): a
//! throttled call succeeds after `Retry-After`, `maxAttempts: 1` turns retries off, an unbind whose answer may
//! have been lost is not sent twice while a read is, and a wait that cannot fit in `timeoutMs` is not started.

use super::*;
use std::cell::Cell;
use std::rc::Rc;

/// The time now, from the JS clock.
fn now() -> f64 {
    js_sys::Date::now()
}

fn attempts(error: &JsValue) -> f64 {
    get(error, "attempts").as_f64().unwrap_or(-1.0)
}

#[wasm_bindgen_test]
async fn a_throttled_unbind_succeeds_after_retry_after() {
    add_fault_rule(
        json!({ "fault": "status=429,retry-after=1", "path": "keypairs/disassociate",
                           "method": "POST", "times": 1 }),
    )
    .await;
    let started = now();
    let task_id = call(options(BENCH_SERVER, json!({ "timeoutMs": 10_000 })))
        .await
        .expect("the second attempt is accepted");
    assert_eq!(task_id.len(), 36, "{task_id}");
    assert!(
        now() - started >= 990.0,
        "waited for Retry-After: {} ms",
        now() - started
    );
}

#[wasm_bindgen_test]
async fn max_attempts_1_rejects_with_the_429_and_says_one_attempt() {
    add_fault_rule(
        json!({ "fault": "status=429", "path": "keypairs/disassociate",
                           "method": "POST", "times": 1 }),
    )
    .await;
    let error = call(options(BENCH_SERVER, json!({ "maxAttempts": 1 })))
        .await
        .expect_err("no retry");
    assert_eq!(
        kind(&error),
        ("KpsApiError".into(), "APIGW.0308".into(), 429)
    );
    assert_eq!(attempts(&error), 1.0);
    assert!(
        !text(&error, "message").contains("attempts"),
        "{}",
        text(&error, "message")
    );
}

#[wasm_bindgen_test]
async fn a_call_throttled_on_every_attempt_says_how_many_it_made() {
    add_fault_rule(
        json!({ "fault": "status=503,retry-after=0", "path": "keypairs/disassociate",
                           "method": "POST", "times": 3 }),
    )
    .await;
    let error = call(options(BENCH_SERVER, json!({ "maxAttempts": 3 })))
        .await
        .expect_err("three 503s");
    assert_eq!(kind(&error), ("KpsApiError".into(), "KPS.0003".into(), 503));
    assert_eq!(attempts(&error), 3.0);
    assert!(
        text(&error, "message").ends_with("(after 3 attempts)"),
        "{}",
        text(&error, "message")
    );
}

#[wasm_bindgen_test]
async fn an_unbind_whose_answer_may_be_lost_is_not_sent_again_but_a_read_is() {
    add_fault_rule(
        json!({ "fault": "status=502", "path": "keypairs/disassociate",
                           "method": "POST", "times": 1 }),
    )
    .await;
    let error = call(options(BENCH_SERVER, json!({})))
        .await
        .expect_err("a 502 to a POST is not retried");
    assert_eq!(kind(&error).2, 502);
    assert_eq!(attempts(&error), 1.0);

    let task_id = call(options(BENCH_SERVER, json!({}))).await.expect("202");
    add_fault_rule(json!({ "fault": "status=502", "path": task_id, "times": 1 })).await;
    add_fault_rule(json!({ "fault": "reset", "path": task_id, "times": 1 })).await;
    let read = wasm::get_keypair_task(js(json!({
        "endpoint": EMULATOR, "token": TOKEN, "projectId": PROJECT, "taskId": task_id,
    })))
    .await
    .expect("a GET is retried after a 502 and a reset");
    assert_eq!(text(&read, "taskId"), task_id);
}

#[wasm_bindgen_test]
async fn a_retry_after_that_cannot_fit_in_timeout_ms_is_not_waited_for() {
    add_fault_rule(
        json!({ "fault": "status=429,retry-after=30", "path": "keypairs/disassociate",
                           "method": "POST", "times": 1 }),
    )
    .await;
    let started = now();
    let error = call(options(BENCH_SERVER, json!({ "timeoutMs": 3000 })))
        .await
        .expect_err("30 s do not fit in 3 s");
    assert_eq!(
        kind(&error),
        ("KpsApiError".into(), "APIGW.0308".into(), 429)
    );
    assert_eq!(attempts(&error), 1.0);
    assert!(
        now() - started < 2000.0,
        "rejected at once, not after {} ms",
        now() - started
    );
}

/// Holds the JS thread (every timer with it) for `ms` milliseconds, `after` milliseconds from now.
fn hold_the_thread(after: i32, ms: u32) {
    let global = js_sys::global();
    let set_timeout: js_sys::Function = get(&global, "setTimeout").unchecked_into();
    let hold = js_sys::Function::new_no_args(&format!(
        "const end = Date.now() + {ms}; while (Date.now() < end) {{}}"
    ));
    set_timeout
        .call2(&global, &hold, &JsValue::from(after))
        .expect("setTimeout");
}

#[wasm_bindgen_test]
async fn a_retry_whose_timer_fires_past_the_deadline_is_not_sent_and_the_call_ends_with_its_answer()
{
    // A 503 asking for 1 s: the retry is planned at 1 s, within timeoutMs = 1.3 s. The thread is then held
    // from 0.4 s to 1.6 s, so the retry's timer fires past the call's deadline.
    add_fault_rule(
        json!({ "fault": "status=503,retry-after=1", "path": "keypairs/disassociate",
                "method": "POST", "times": 1 }),
    )
    .await;
    hold_the_thread(400, 1200);
    let opts = options(BENCH_SERVER, json!({ "timeoutMs": 1300 }));
    let sent = Rc::new(Cell::new(0));
    let counter = sent.clone();
    let on_response = Closure::<dyn FnMut(JsValue)>::new(move |_: JsValue| {
        counter.set(counter.get() + 1);
    });
    js_sys::Reflect::set(
        &opts,
        &JsValue::from_str("onResponse"),
        on_response.as_ref(),
    )
    .expect("set onResponse");
    let error = call(opts).await.expect_err("no time for the retry");
    assert_eq!(
        kind(&error),
        ("KpsApiError".into(), "KPS.0003".into(), 503),
        "{}",
        text(&error, "message")
    );
    assert_eq!(attempts(&error), 1.0);
    assert_eq!(sent.get(), 1, "one request answered");
}
