//! Following a task in Node and Chromium: progress in order, failure details, abort and timeout of the wait,
//! transient poll faults, and the running/failed task lists. The emulator runs tasks READY → RUNNING → done
//! on the timings `cargo xtask test` gives it (300 ms, then 600 ms).

use super::*;
use std::cell::RefCell;
use std::rc::Rc;

const FAILING_SERVER: &str = "e5a0c3f2-8b1d-4c7e-9f60-2d4b6a8c0e1f";

fn task_options(task_id: &str, extra: Value) -> JsValue {
    let mut base =
        json!({ "endpoint": EMULATOR, "token": TOKEN, "projectId": PROJECT, "taskId": task_id });
    if let (Some(base), Some(extra)) = (base.as_object_mut(), extra.as_object()) {
        for (k, v) in extra {
            base.insert(k.clone(), v.clone());
        }
    }
    js(base)
}

fn list_options() -> JsValue {
    js(json!({ "endpoint": EMULATOR, "token": TOKEN, "projectId": PROJECT }))
}

/// The statuses an `onProgress` recorder has seen.
type Seen = Rc<RefCell<Vec<String>>>;

/// Sets `onProgress` on `options` to a recorder of the statuses it sees.
fn record_progress(options: &JsValue) -> (Seen, Closure<dyn FnMut(JsValue)>) {
    let seen = Rc::new(RefCell::new(Vec::new()));
    let sink = seen.clone();
    let callback = Closure::<dyn FnMut(JsValue)>::new(move |task: JsValue| {
        sink.borrow_mut().push(text(&task, "status"));
    });
    Reflect::set(options, &JsValue::from_str("onProgress"), callback.as_ref())
        .expect("set onProgress");
    (seen, callback)
}

/// The keys of a listed task, in order; a failed one adds `taskErrorCode` and `taskErrorMessage`.
const ENTRY_KEYS: [&str; 6] = [
    "taskId",
    "operateType",
    "taskTime",
    "serverName",
    "serverId",
    "keypairName",
];

/// A result's own keys in order: results are plain objects with camelCase keys.
fn keys(value: &JsValue) -> Vec<String> {
    assert_eq!(
        js_sys::Object::get_prototype_of(value),
        js_sys::Object::get_prototype_of(&js_sys::Object::new()),
        "a plain object"
    );
    let object: &js_sys::Object = value.unchecked_ref();
    js_sys::Object::keys(object)
        .iter()
        .filter_map(|key| key.as_string())
        .collect()
}

async fn start_unbind(server: &str) -> String {
    call(options(server, json!({}))).await.expect("202")
}

#[wasm_bindgen_test]
async fn waiting_reports_ready_running_and_success_in_order_and_resolves_with_the_task() {
    let task_id = start_unbind("5ba4e000-0000-4000-8000-000000000001").await;
    let opts = task_options(&task_id, json!({ "intervalMs": 100 }));
    let (seen, _callback) = record_progress(&opts);
    let task = wasm::wait_for_keypair_task(opts)
        .await
        .expect("the task succeeds");
    assert_eq!(keys(&task), ["taskId", "serverId", "status"]);
    assert_eq!(text(&task, "status"), "SUCCESS_UNBIND");
    assert_eq!(text(&task, "taskId"), task_id);
    assert_eq!(
        text(&task, "serverId"),
        "5ba4e000-0000-4000-8000-000000000001"
    );
    assert_eq!(
        *seen.borrow(),
        ["READY_UNBIND", "RUNNING_UNBIND", "SUCCESS_UNBIND"]
    );
    let read = wasm::get_keypair_task(task_options(&task_id, json!({})))
        .await
        .expect("read the task");
    assert_eq!(text(&read, "status"), "SUCCESS_UNBIND");
}

#[wasm_bindgen_test]
async fn a_failed_unbind_rejects_with_the_task_and_its_error_details_then_the_failed_list_can_be_cleared(
) {
    let opts = options(FAILING_SERVER, json!({ "intervalMs": 100 }));
    let error = wasm::disassociate_keypair_and_wait(opts)
        .await
        .expect_err("the task fails");
    assert_eq!(
        kind(&error),
        ("KpsTaskFailedError".into(), "TASK_FAILED".into(), 0)
    );
    let task = get(&error, "task");
    assert_eq!(keys(&task), ["taskId", "serverId", "status"]);
    assert_eq!(text(&task, "status"), "FAILED_UNBIND");
    assert_eq!(text(&task, "serverId"), FAILING_SERVER);
    assert_eq!(text(&error, "taskErrorCode"), "KPS.0003");
    assert!(!text(&error, "taskErrorMessage").is_empty());
    assert!(
        text(&error, "message").contains("KPS.0003"),
        "{}",
        text(&error, "message")
    );

    let task_id = text(&task, "taskId");
    let failed = wasm::list_failed_tasks(list_options())
        .await
        .expect("list failed tasks");
    let listed = js_sys::Array::from(&get(&failed, "tasks"));
    let entry = listed
        .iter()
        .find(|t| text(t, "taskId") == task_id)
        .expect("the failed task is listed");
    assert_eq!(
        keys(&entry),
        [&ENTRY_KEYS[..], &["taskErrorCode", "taskErrorMessage"]].concat()
    );
    assert_eq!(keys(&failed), ["total", "tasks"]);
    assert_eq!(text(&entry, "taskErrorCode"), "KPS.0003");
    assert!(
        get(&entry, "taskTime").as_f64().unwrap_or(0.0) > 1.0e12,
        "taskTime is epoch milliseconds"
    );
    assert!(get(&failed, "total").as_f64().unwrap_or(0.0) >= 1.0);

    let delete = task_options(&task_id, json!({}));
    wasm::delete_failed_task(delete)
        .await
        .expect("delete the failed task");
    let failed = wasm::list_failed_tasks(list_options())
        .await
        .expect("list again");
    let listed = js_sys::Array::from(&get(&failed, "tasks"));
    assert!(
        listed.iter().all(|t| text(&t, "taskId") != task_id),
        "the task is gone"
    );
}

#[wasm_bindgen_test]
async fn running_tasks_lists_a_task_while_it_runs() {
    let task_id = start_unbind("5ba4e000-0000-4000-8000-000000000002").await;
    let running = wasm::list_running_tasks(list_options())
        .await
        .expect("list running tasks");
    let listed = js_sys::Array::from(&get(&running, "tasks"));
    let entry = listed
        .iter()
        .find(|t| text(t, "taskId") == task_id)
        .expect("the new task is running");
    // A running task has no error: its taskErrorCode and taskErrorMessage are absent, not undefined or null.
    assert_eq!(keys(&entry), ENTRY_KEYS);
    assert_eq!(
        text(&entry, "serverId"),
        "5ba4e000-0000-4000-8000-000000000002"
    );
    assert!(!text(&entry, "operateType").is_empty());
}

#[wasm_bindgen_test]
async fn aborting_stops_the_wait_between_polls() {
    let task_id = start_unbind("5ba4e000-0000-4000-8000-000000000003").await;
    let controller = abort_controller();
    let opts = options_with_signal(
        task_options(&task_id, json!({ "intervalMs": 5000 })),
        &controller.signal(),
    );
    let aborter = controller.clone();
    wasm_bindgen_futures::spawn_local(async move {
        sleep(150).await;
        aborter.abort_with_reason(&JsValue::from_str("user-cancel"));
    });
    let started = js_sys::Date::now();
    let error = wasm::wait_for_keypair_task(opts)
        .await
        .expect_err("aborted");
    assert_eq!(kind(&error), ("KpsAbortError".into(), "ABORTED".into(), 0));
    assert!(
        js_sys::Date::now() - started < 3000.0,
        "the 5 s sleep was cut short"
    );
}

#[wasm_bindgen_test]
async fn a_wait_that_runs_out_of_time_rejects_with_a_timeout_naming_the_last_status() {
    let task_id = start_unbind("5ba4e000-0000-4000-8000-000000000004").await;
    let opts = task_options(&task_id, json!({ "intervalMs": 100, "waitTimeoutMs": 200 }));
    let error = wasm::wait_for_keypair_task(opts)
        .await
        .expect_err("timed out");
    assert_eq!(
        kind(&error),
        ("KpsTimeoutError".into(), "TIMEOUT".into(), 0)
    );
    assert!(
        text(&error, "message").contains("READY_UNBIND"),
        "{}",
        text(&error, "message")
    );
    assert_eq!(text(&error, "taskId"), task_id);
    assert_eq!(text(&get(&error, "task"), "status"), "READY_UNBIND");
}

#[wasm_bindgen_test]
async fn transient_poll_failures_are_retried_and_the_wait_still_succeeds() {
    let task_id = start_unbind("5ba4e000-0000-4000-8000-000000000005").await;
    add_fault_rule(json!({ "fault": "status=503", "path": task_id, "times": 1 })).await;
    add_fault_rule(json!({ "fault": "reset", "path": task_id, "times": 1 })).await;
    let opts = task_options(&task_id, json!({ "intervalMs": 100 }));
    let task = wasm::wait_for_keypair_task(opts)
        .await
        .expect("succeeds despite two failed polls");
    assert_eq!(text(&task, "status"), "SUCCESS_UNBIND");
}

#[wasm_bindgen_test]
async fn an_unknown_task_id_ends_the_wait_at_once_with_kps_0001() {
    let opts = task_options(
        "00000000-0000-4000-8000-0000000000aa",
        json!({ "intervalMs": 100 }),
    );
    let error = wasm::wait_for_keypair_task(opts)
        .await
        .expect_err("illegal task id");
    assert_eq!(kind(&error), ("KpsApiError".into(), "KPS.0001".into(), 400));
}

#[wasm_bindgen_test]
async fn an_exception_in_on_progress_ends_the_wait_and_is_rethrown_as_it_is() {
    let task_id = start_unbind("5ba4e000-0000-4000-8000-000000000006").await;
    let opts = task_options(&task_id, json!({ "intervalMs": 100 }));
    let throw = js_sys::Function::new_no_args("throw new RangeError('from the callback')");
    Reflect::set(&opts, &JsValue::from_str("onProgress"), &throw).unwrap();
    let error = wasm::wait_for_keypair_task(opts)
        .await
        .expect_err("rethrown");
    assert_eq!(text(&error, "name"), "RangeError");
    assert!(!wasm::is_kps_error(&error));
}
