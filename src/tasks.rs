//! Following a key pair task: reading a task, lists of running and failed tasks, and the pure state machine
//! behind `waitForKeypairTask` ([`Waiter`]): when to poll again, which failures to retry, when to give up.
//! The clock and the network are the caller's; everything decided here is tested natively.

use crate::error::{ErrorKind, Failure, TaskDetails};
use crate::masking::Masker;
use crate::model::{
    KeypairTask, StringOrNumber, TaskEntry, TaskEntryResponse, TaskList, TaskListResponse,
    TaskResponse,
};
use crate::response::{api_failure, excerpt, identifier, parse_success, HttpResponse, Json};
use crate::retry::{is_retryable, Method};

/// Where a task is, judged from its raw status.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TaskPhase {
    /// `READY_*`, `RUNNING_*`, or a status this version does not know (treated as not finished yet).
    Pending,
    /// `SUCCESS_*`.
    Succeeded,
    /// `FAILED_*`.
    Failed,
}

impl TaskPhase {
    /// The phase of a raw `task_status`.
    pub fn of(status: &str) -> TaskPhase {
        if status.starts_with("SUCCESS") {
            TaskPhase::Succeeded
        } else if status.starts_with("FAILED") {
            TaskPhase::Failed
        } else {
            TaskPhase::Pending
        }
    }
}

/// The result of `GET /v3/{project_id}/tasks/{task_id}`: `task_id` and `task_status` are required, and they
/// and `server_id` (when sent) must be identifiers.
pub fn task_result<J: Json>(
    response: HttpResponse,
    masker: &Masker,
) -> Result<KeypairTask, Failure> {
    if !(200..300).contains(&response.status) {
        return Err(api_failure::<J>(response, masker));
    }
    let expected = "{\"task_id\": \"…\", \"server_id\": \"…\", \"task_status\": \"…\"}";
    let parsed: TaskResponse = parse_success::<J, _>(&response, expected, masker)?;
    let (Some(task_id), Some(status)) = (parsed.task_id, parsed.task_status) else {
        return Err(Failure {
            status: response.status,
            request_id: response.request_id,
            ..Failure::local(
                ErrorKind::Response,
                format!("the task response lacks task_id or task_status (expected {expected})"),
            )
        });
    };
    Ok(KeypairTask {
        task_id: identifier(&response, "task_id", task_id)?,
        server_id: match parsed.server_id {
            Some(id) => identifier(&response, "server_id", id)?,
            None => String::new(),
        },
        status: identifier(&response, "task_status", status)?,
    })
}

/// The result of `GET /v3/{project_id}/running-tasks` or `…/failed-tasks`. Each listed task needs a `task_id`;
/// it and a non-empty `server_id` must be identifiers (a failure names the entry, e.g. `tasks[3].task_id`).
pub fn task_list_result<J: Json>(
    response: HttpResponse,
    masker: &Masker,
) -> Result<TaskList, Failure> {
    if !(200..300).contains(&response.status) {
        return Err(api_failure::<J>(response, masker));
    }
    let parsed: TaskListResponse =
        parse_success::<J, _>(&response, "{\"total\": n, \"tasks\": […]}", masker)?;
    let mut tasks = Vec::new();
    for (index, entry) in parsed.tasks.unwrap_or_default().into_iter().enumerate() {
        tasks.push(task_entry(&response, index, entry)?);
    }
    let total = parsed.total.unwrap_or(tasks.len() as f64);
    Ok(TaskList { total, tasks })
}

fn task_entry(
    response: &HttpResponse,
    index: usize,
    entry: TaskEntryResponse,
) -> Result<TaskEntry, Failure> {
    let field = |name: &str| format!("tasks[{index}].{name}");
    let invalid = |message: String| Failure {
        status: response.status,
        request_id: response.request_id.clone(),
        ..Failure::local(ErrorKind::Response, message)
    };
    let Some(task_id) = entry.task_id else {
        return Err(invalid(format!(
            "the response's {} is missing",
            field("task_id")
        )));
    };
    let task_id = identifier(response, &field("task_id"), task_id)?;
    let server_id = match entry.server_id.filter(|id| !id.is_empty()) {
        Some(id) => identifier(response, &field("server_id"), id)?,
        None => String::new(),
    };
    let task_time = match entry.task_time {
        None => 0.0,
        Some(StringOrNumber::Number(n)) => n,
        // Integral milliseconds: parsed as an integer, which keeps float parsing out of the wasm.
        Some(StringOrNumber::String(text)) => match text.trim().parse::<u64>() {
            Ok(ms) => ms as f64,
            Err(_) => {
                return Err(invalid(format!(
                    "the response's {} is not a number of milliseconds",
                    field("task_time")
                )))
            }
        },
    };
    Ok(TaskEntry {
        task_id,
        operate_type: entry.operate_type.unwrap_or_default(),
        task_time,
        server_name: entry.server_name.unwrap_or_default(),
        server_id,
        keypair_name: entry.keypair_name.unwrap_or_default(),
        task_error_code: entry.task_error_code,
        task_error_message: entry.task_error_msg,
    })
}

/// The result of `DELETE /v3/{project_id}/failed-tasks[/{task_id}]`: any 2xx.
pub fn delete_result<J: Json>(response: HttpResponse, masker: &Masker) -> Result<(), Failure> {
    if (200..300).contains(&response.status) {
        Ok(())
    } else {
        Err(api_failure::<J>(response, masker))
    }
}

/// The failure a wait ends with when the task failed; `details` is the task's entry in the failed-tasks
/// list, when it could be read. Its error text is the service's, masked when the list was read
/// ([`task_list_result`]), and cut to an excerpt here.
pub fn task_failed(task: KeypairTask, details: Option<&TaskEntry>) -> Failure {
    let text = |value: &Option<String>| {
        value
            .as_deref()
            .map(excerpt)
            .filter(|text| !text.is_empty())
    };
    let error_code = details.and_then(|d| text(&d.task_error_code));
    let error_message = details.and_then(|d| text(&d.task_error_message));
    let mut message = format!(
        "task {} of server {} ended {}",
        task.task_id, task.server_id, task.status
    );
    match (&error_code, &error_message) {
        (Some(code), Some(text)) => message.push_str(&format!(": {code} {text}")),
        (Some(code), None) => message.push_str(&format!(": {code}")),
        (None, Some(text)) => message.push_str(&format!(": {text}")),
        (None, None) => {}
    }
    Failure {
        task: Some(Box::new(TaskDetails {
            task_id: task.task_id.clone(),
            task: Some(task),
            error_code,
            error_message,
        })),
        ..Failure::local(ErrorKind::TaskFailed, message)
    }
}

/// Whether a poll that failed (after the retries of [`crate::retry`]) leaves the wait going: a failure the
/// policy would retry for a `GET` (no response, 429, 5xx), or a poll that ran out of its time. A 4xx (a wrong
/// task ID, `KPS.0001`; bad credentials) will not get better by waiting.
pub fn is_transient(failure: &Failure) -> bool {
    is_retryable(failure, Method::Safe) || failure.kind == ErrorKind::Timeout
}

/// What the waiter wants next.
#[derive(Debug, PartialEq)]
pub enum Step {
    /// Poll again after this many milliseconds.
    PollAfter(u32),
    /// The task succeeded.
    Succeeded(KeypairTask),
    /// The task failed: look up its details, then reject with [`task_failed`].
    Failed(KeypairTask),
    /// Give up with this failure (a 4xx, or the wait timed out).
    Stop(Failure),
}

/// The wait for one task: polls every `interval_ms` (each poll a call with the retry policy of
/// [`crate::retry`]), goes on after a poll that failed transiently, reports each status change once, and gives
/// up at `wait_timeout_ms`. Every failure it ends with is about its task ([`Waiter::about_task`]): the
/// unbind goes on, and the caller needs the task ID to follow it.
pub struct Waiter {
    task_id: String,
    interval_ms: f64,
    deadline_ms: f64,
    wait_timeout_ms: u32,
    last_task: Option<KeypairTask>,
}

impl Waiter {
    /// A wait that starts at `now_ms` (the JS clock).
    pub fn new(task_id: &str, interval_ms: u32, wait_timeout_ms: u32, now_ms: f64) -> Waiter {
        Waiter {
            task_id: task_id.to_owned(),
            interval_ms: f64::from(interval_ms),
            deadline_ms: now_ms + f64::from(wait_timeout_ms),
            wait_timeout_ms,
            last_task: None,
        }
    }

    /// How long the next poll may take: the call's `timeoutMs`, but never past the wait's deadline.
    /// `None` when the deadline has passed.
    pub fn poll_timeout(&self, now_ms: f64, call_timeout_ms: u32) -> Option<u32> {
        let left = self.deadline_ms - now_ms;
        if left < 1.0 {
            return None;
        }
        Some(f64::from(call_timeout_ms).min(left) as u32)
    }

    /// The failure for a wait that ran out of time.
    pub fn timed_out(&self) -> Failure {
        let last = self
            .last_task
            .as_ref()
            .map_or("no status read yet", |task| task.status.as_str());
        self.about_task(Failure::local(
            ErrorKind::Timeout,
            format!(
                "task {} did not finish within waitTimeoutMs = {} ms (last status: {last}); it may still \
                 finish: follow it with waitForKeypairTask and e.taskId",
                self.task_id, self.wait_timeout_ms
            ),
        ))
    }

    /// `failure`, which ended the wait, with the task ID and the task as last read (see [`Failure::task`]).
    pub fn about_task(&self, failure: Failure) -> Failure {
        failure.about_task(&self.task_id, self.last_task.as_ref())
    }

    /// Takes the outcome of a poll at `now_ms`. Returns the task to report to `onProgress` when its status
    /// changed, and the next step.
    pub fn observe(
        &mut self,
        now_ms: f64,
        poll: Result<KeypairTask, Failure>,
        retry_after_ms: Option<f64>,
    ) -> (Option<KeypairTask>, Step) {
        let task = match poll {
            Ok(task) => task,
            Err(failure) if is_transient(&failure) => {
                let delay = self.interval_ms.max(retry_after_ms.unwrap_or(0.0));
                return (None, self.after(now_ms, delay));
            }
            Err(failure) => return (None, Step::Stop(self.about_task(failure))),
        };
        let changed =
            self.last_task.as_ref().map(|last| last.status.as_str()) != Some(task.status.as_str());
        self.last_task = Some(task.clone());
        let progress = changed.then(|| task.clone());
        let step = match TaskPhase::of(&task.status) {
            TaskPhase::Succeeded => Step::Succeeded(task),
            TaskPhase::Failed => Step::Failed(task),
            TaskPhase::Pending => self.after(now_ms, self.interval_ms),
        };
        (progress, step)
    }

    /// Poll again after `delay_ms`, or stop if that would pass the deadline... but poll once more at the
    /// deadline rather than give up early when some time is left.
    fn after(&self, now_ms: f64, delay_ms: f64) -> Step {
        let left = self.deadline_ms - now_ms;
        if left < 1.0 {
            return Step::Stop(self.timed_out());
        }
        Step::PollAfter(delay_ms.min(left) as u32)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::SerdeJson;
    use crate::response::Body;

    fn response(status: u16, body: &str) -> HttpResponse {
        HttpResponse {
            status,
            request_id: Some("req-9".to_owned()),
            retry_after: None,
            body: Body::Text(body.to_owned()),
        }
    }

    fn task(status: &str) -> KeypairTask {
        KeypairTask {
            task_id: "t-1".to_owned(),
            server_id: "s-1".to_owned(),
            status: status.to_owned(),
        }
    }

    fn api(status: u16) -> Failure {
        Failure {
            status,
            ..Failure::local(ErrorKind::Api, "x")
        }
    }

    #[test]
    fn a_task_response_becomes_a_keypair_task_with_the_raw_status() {
        let body = r#"{"server_id":"s-1","task_id":"t-1","task_status":"SOMETHING_NEW"}"#;
        assert_eq!(
            task_result::<SerdeJson>(response(200, body), &Masker::default()).unwrap(),
            task("SOMETHING_NEW")
        );
    }

    #[test]
    fn a_task_response_without_a_status_is_an_invalid_response_and_an_error_status_an_api_error() {
        let failure =
            task_result::<SerdeJson>(response(200, r#"{"task_id":"t"}"#), &Masker::default())
                .unwrap_err();
        assert_eq!((failure.kind, failure.status), (ErrorKind::Response, 200));
        let failure = task_result::<SerdeJson>(
            response(
                400,
                r#"{"error_code":"KPS.0001","error_msg":"taskId is illegal"}"#,
            ),
            &Masker::default(),
        )
        .unwrap_err();
        assert_eq!(
            (failure.kind, failure.code.as_str()),
            (ErrorKind::Api, "KPS.0001")
        );
    }

    #[test]
    fn a_task_response_with_an_empty_or_missing_id_or_status_is_an_invalid_response_naming_it() {
        let cases = [
            (
                r#"{"task_id":"","task_status":"RUNNING_UNBIND"}"#,
                "task_id is not an identifier as KPS writes them: it is empty",
            ),
            (
                r#"{"task_id":"t-1","task_status":""}"#,
                "task_status is not an identifier as KPS writes them: it is empty",
            ),
            (
                r#"{"task_id":"t-1","server_id":"","task_status":"RUNNING_UNBIND"}"#,
                "server_id is not an identifier as KPS writes them: it is empty",
            ),
            (
                r#"{"task_status":"RUNNING_UNBIND"}"#,
                "lacks task_id or task_status",
            ),
            (r#"{"task_id":"t-1"}"#, "lacks task_id or task_status"),
        ];
        for (body, why) in cases {
            let failure =
                task_result::<SerdeJson>(response(200, body), &Masker::default()).unwrap_err();
            assert_eq!(
                (failure.kind, failure.status, failure.request_id.as_deref()),
                (ErrorKind::Response, 200, Some("req-9")),
                "{body}"
            );
            assert!(failure.message.contains(why), "{body}: {}", failure.message);
        }
    }

    #[test]
    fn a_poll_may_start_with_a_millisecond_left_and_not_with_less() {
        let waiter = Waiter::new("t-1", 1000, 10_000, 5_000.0);
        assert_eq!(waiter.poll_timeout(5_000.0, 3_000), Some(3_000));
        assert_eq!(waiter.poll_timeout(13_000.0, 3_000), Some(2_000));
        assert_eq!(waiter.poll_timeout(14_999.0, 3_000), Some(1));
        assert_eq!(waiter.poll_timeout(14_999.5, 3_000), None);
        let mut waiter = waiter;
        let (_, step) = waiter.observe(14_999.0, Ok(task("RUNNING_UNBIND")), None);
        assert_eq!(step, Step::PollAfter(1));
        let (_, step) = waiter.observe(14_999.5, Ok(task("RUNNING_UNBIND")), None);
        assert!(
            matches!(step, Step::Stop(ref f) if f.kind == ErrorKind::Timeout),
            "{step:?}"
        );
    }

    #[test]
    fn statuses_are_classified_and_unknown_ones_count_as_pending() {
        assert_eq!(TaskPhase::of("READY_UNBIND"), TaskPhase::Pending);
        assert_eq!(TaskPhase::of("RUNNING_UNBIND"), TaskPhase::Pending);
        assert_eq!(TaskPhase::of("PAUSED_SOMEHOW"), TaskPhase::Pending);
        assert_eq!(TaskPhase::of("SUCCESS_UNBIND"), TaskPhase::Succeeded);
        assert_eq!(TaskPhase::of("FAILED_RESET"), TaskPhase::Failed);
    }

    #[test]
    fn task_lists_accept_task_time_as_a_string_or_a_number() {
        let body = r#"{"total":2,"tasks":[
            {"task_id":"a","operate_type":"UNBIND","task_time":"1700000000000","server_name":"web","server_id":"s","keypair_name":"k"},
            {"task_id":"b","operate_type":"UNBIND","task_time":1700000000001,"task_error_code":"KPS.0003","task_error_msg":"down"}
        ]}"#;
        let list = task_list_result::<SerdeJson>(response(200, body), &Masker::default()).unwrap();
        assert_eq!(list.total, 2.0);
        assert_eq!(list.tasks[0].task_time, 1_700_000_000_000.0);
        assert_eq!(list.tasks[1].task_time, 1_700_000_000_001.0);
        assert_eq!(list.tasks[1].task_error_code.as_deref(), Some("KPS.0003"));
        assert_eq!(list.tasks[0].server_name, "web");
        assert_eq!(
            (
                list.tasks[0].server_id.as_str(),
                list.tasks[1].server_id.as_str()
            ),
            ("s", "")
        );
    }

    #[test]
    fn a_task_list_with_a_bad_entry_is_an_invalid_response() {
        for body in [
            r#"{"tasks":[{"task_time":"1"}]}"#,
            r#"{"tasks":[{"task_id":"a","task_time":"soon"}]}"#,
            r#"{"tasks":3}"#,
        ] {
            let failure =
                task_list_result::<SerdeJson>(response(200, body), &Masker::default()).unwrap_err();
            assert_eq!(
                (failure.kind, failure.status, failure.request_id.as_deref()),
                (ErrorKind::Response, 200, Some("req-9")),
                "{body}"
            );
        }
    }

    #[test]
    fn an_empty_list_has_total_zero() {
        let list = task_list_result::<SerdeJson>(
            response(200, r#"{"total":0,"tasks":[]}"#),
            &Masker::default(),
        )
        .unwrap();
        assert_eq!(
            list,
            TaskList {
                total: 0.0,
                tasks: vec![]
            }
        );
    }

    #[test]
    fn delete_accepts_any_2xx_and_reports_the_rest() {
        assert!(delete_result::<SerdeJson>(response(204, ""), &Masker::default()).is_ok());
        let failure = delete_result::<SerdeJson>(
            response(
                400,
                r#"{"error_code":"KPS.0005","error_msg":"failed task not found"}"#,
            ),
            &Masker::default(),
        )
        .unwrap_err();
        assert_eq!(failure.code, "KPS.0005");
    }

    /// Task t-1's entry in the failed-tasks list, with error code KPS.0003 and `message`.
    fn failed_entry(message: String) -> TaskEntry {
        TaskEntry {
            task_id: "t-1".into(),
            operate_type: "UNBIND".into(),
            task_time: 0.0,
            server_name: String::new(),
            server_id: "s-1".into(),
            keypair_name: String::new(),
            task_error_code: Some("KPS.0003".into()),
            task_error_message: Some(message),
        }
    }

    #[test]
    fn a_failed_task_carries_the_task_and_its_error_details() {
        let entry = failed_entry("plug-in not responding".into());
        let failure = task_failed(task("FAILED_UNBIND"), Some(&entry));
        assert_eq!(
            (failure.kind, failure.code.as_str()),
            (ErrorKind::TaskFailed, "TASK_FAILED")
        );
        assert_eq!(
            failure.message,
            "task t-1 of server s-1 ended FAILED_UNBIND: KPS.0003 plug-in not responding"
        );
        let details = failure.task.unwrap();
        assert_eq!(details.error_code.as_deref(), Some("KPS.0003"));
        assert_eq!(details.task_id, "t-1");
        assert_eq!(details.task, Some(task("FAILED_UNBIND")));
        let bare = task_failed(task("FAILED_UNBIND"), None);
        assert_eq!(bare.message, "task t-1 of server s-1 ended FAILED_UNBIND");
    }

    /// Found by `cargo xtask fuzz` (target `response`): an error text of only blanks ended the message with
    /// `: ` and nothing, and the task's details held an empty string.
    #[test]
    fn a_failed_task_whose_error_text_is_only_blanks_ends_at_its_status() {
        let mut entry = failed_entry(" \n ".into());
        entry.task_error_code = Some("\t".into());
        let failure = task_failed(task("FAILED_UNBIND"), Some(&entry));
        assert_eq!(
            failure.message,
            "task t-1 of server s-1 ended FAILED_UNBIND"
        );
        let details = failure.task.unwrap();
        assert_eq!((details.error_code, details.error_message), (None, None));
    }

    #[test]
    fn a_failed_task_s_error_text_is_cut_short_and_never_shows_the_call_s_secrets() {
        let body = serde_json::json!({ "tasks": [{
            "task_id": "t-1", "server_id": "s-1", "task_error_code": "KPS.0003",
            "task_error_msg": format!("bad password Pa55-word! {}", "x".repeat(5000)),
        }]})
        .to_string();
        let list =
            task_list_result::<SerdeJson>(response(200, &body), &Masker::new(["Pa55-word!"]))
                .unwrap();
        let failure = task_failed(task("FAILED_UNBIND"), list.tasks.first());
        assert!(
            !failure.message.contains("Pa55-word!"),
            "{}",
            failure.message
        );
        assert!(
            failure.message.contains("bad password ***"),
            "{}",
            failure.message
        );
        assert!(
            failure.message.len() < 600,
            "{} bytes",
            failure.message.len()
        );
        let details = failure.task.unwrap();
        let message = details.error_message.unwrap();
        assert!(!message.contains("Pa55-word!") && message.len() < 600);
    }

    #[test]
    fn the_waiter_reports_each_status_change_once_and_polls_at_the_interval() {
        let mut waiter = Waiter::new("t-1", 500, 10_000, 0.0);
        assert_eq!(
            waiter.observe(0.0, Ok(task("READY_UNBIND")), None),
            (Some(task("READY_UNBIND")), Step::PollAfter(500))
        );
        assert_eq!(
            waiter.observe(500.0, Ok(task("READY_UNBIND")), None),
            (None, Step::PollAfter(500))
        );
        assert_eq!(
            waiter.observe(1000.0, Ok(task("RUNNING_UNBIND")), None),
            (Some(task("RUNNING_UNBIND")), Step::PollAfter(500))
        );
        assert_eq!(
            waiter.observe(1500.0, Ok(task("SUCCESS_UNBIND")), None),
            (
                Some(task("SUCCESS_UNBIND")),
                Step::Succeeded(task("SUCCESS_UNBIND"))
            )
        );
    }

    #[test]
    fn the_waiter_hands_a_failed_task_back_for_its_details() {
        let mut waiter = Waiter::new("t-1", 500, 10_000, 0.0);
        let (progress, step) = waiter.observe(0.0, Ok(task("FAILED_UNBIND")), None);
        assert_eq!(progress, Some(task("FAILED_UNBIND")));
        assert_eq!(step, Step::Failed(task("FAILED_UNBIND")));
    }

    #[test]
    fn after_a_poll_that_failed_transiently_the_next_one_comes_at_the_interval_or_after_retry_after(
    ) {
        let mut waiter = Waiter::new("t-1", 500, 600_000, 0.0);
        let network = Failure::local(ErrorKind::Network, "down");
        assert_eq!(
            waiter.observe(0.0, Err(network), None).1,
            Step::PollAfter(500)
        );
        assert_eq!(
            waiter.observe(0.0, Err(api(503)), None).1,
            Step::PollAfter(500)
        );
        assert_eq!(
            waiter.observe(0.0, Err(api(429)), Some(7000.0)).1,
            Step::PollAfter(7000)
        );
        assert_eq!(
            waiter
                .observe(0.0, Err(Failure::local(ErrorKind::Timeout, "slow")), None)
                .1,
            Step::PollAfter(500)
        );
    }

    #[test]
    fn a_client_error_ends_the_wait_at_once() {
        let mut waiter = Waiter::new("t-1", 500, 600_000, 0.0);
        let illegal = Failure {
            code: "KPS.0001".into(),
            ..api(400)
        };
        let Step::Stop(stopped) = waiter.observe(0.0, Err(illegal.clone()), None).1 else {
            panic!("a 400 ends the wait")
        };
        assert_eq!(
            (stopped.code.as_str(), stopped.message.as_str()),
            ("KPS.0001", "x")
        );
        let forbidden = api(403);
        assert!(matches!(
            waiter.observe(0.0, Err(forbidden), None).1,
            Step::Stop(_)
        ));
    }

    #[test]
    fn the_wait_never_sleeps_past_its_deadline_and_then_times_out_with_the_last_status() {
        let mut waiter = Waiter::new("t-1", 5000, 2000, 1000.0);
        assert_eq!(
            waiter.observe(1000.0, Ok(task("RUNNING_UNBIND")), None).1,
            Step::PollAfter(2000)
        );
        assert_eq!(waiter.poll_timeout(1500.0, 30_000), Some(1500));
        assert_eq!(waiter.poll_timeout(3000.0, 30_000), None);
        let (_, step) = waiter.observe(3000.0, Ok(task("RUNNING_UNBIND")), None);
        let Step::Stop(failure) = step else {
            panic!("expected a timeout, got {step:?}")
        };
        assert_eq!(
            (failure.kind, failure.code.as_str()),
            (ErrorKind::Timeout, "TIMEOUT")
        );
        assert!(
            failure
                .message
                .contains("waitTimeoutMs = 2000 ms (last status: RUNNING_UNBIND)"),
            "{}",
            failure.message
        );
    }

    #[test]
    fn a_wait_that_ends_in_a_timeout_or_an_error_answer_carries_the_task_id_and_the_last_task_seen()
    {
        let mut waiter = Waiter::new("t-1", 100, 1000, 0.0);
        let unread = waiter
            .timed_out()
            .task
            .expect("a timeout is about its task");
        assert_eq!((unread.task_id.as_str(), unread.task), ("t-1", None));
        waiter.observe(0.0, Ok(task("RUNNING_UNBIND")), None);
        let timed_out = waiter.timed_out();
        assert!(
            timed_out.message.contains("e.taskId"),
            "{}",
            timed_out.message
        );
        let details = timed_out.task.expect("about its task");
        assert_eq!(details.task_id, "t-1");
        assert_eq!(details.task, Some(task("RUNNING_UNBIND")));
        let (_, step) = waiter.observe(10.0, Err(api(401)), None);
        let Step::Stop(unauthorised) = step else {
            panic!("a 401 ends the wait: {step:?}")
        };
        assert_eq!(
            unauthorised.task.map(|details| details.task),
            Some(Some(task("RUNNING_UNBIND")))
        );
        let aborted = waiter.about_task(Failure::local(ErrorKind::Abort, "aborted"));
        assert_eq!(
            aborted.task.map(|details| details.task_id).as_deref(),
            Some("t-1")
        );
    }

    #[test]
    fn transient_failures_count_and_client_errors_do_not() {
        assert!(is_transient(&Failure::local(ErrorKind::Network, "x")));
        assert!(is_transient(&api(502)));
        assert!(is_transient(&api(429)));
        assert!(!is_transient(&api(404)));
        assert!(!is_transient(&Failure::local(ErrorKind::Response, "x")));
        assert!(!is_transient(&Failure::local(ErrorKind::Abort, "x")));
    }

    /// The secrets of the echo sweep: a token, a secret key and an `Authorization` value, a password with
    /// characters JSON escapes, and a PEM key with newlines.
    const ECHOED: [&str; 5] = [
        "canary-TOKEN-91f3",
        "canarySECRETkey0123456789abcdef",
        "SDK-HMAC-SHA256 Access=CANARYAK, SignedHeaders=host, Signature=canarySIG0123",
        "canary-PASS\"w\u{f6}rd\\1",
        "-----BEGIN RSA PRIVATE KEY-----\ncanaryPEM0123456789\n-----END RSA PRIVATE KEY-----",
    ];
    /// A piece of each secret that `{:?}` writes as it is (no character Debug escapes).
    const CANARY_PIECES: [&str; 5] = [
        "canary-TOKEN-91f3",
        "canarySECRETkey",
        "canarySIG0123",
        "canary-PASS",
        "canaryPEM0123456789",
    ];

    /// A body holding every member of every KPS answer, each text member echoing every secret (raw and
    /// JSON-escaped twice over), and the identifiers too when `ids` is set: the emulator's echo faults.
    fn echo_body(ids: bool) -> String {
        let text: String = ECHOED
            .iter()
            .map(|s| format!("{s} {}", serde_json::to_string(s).unwrap()))
            .collect::<Vec<_>>()
            .join(" | ");
        let id = |valid: &str| {
            if ids {
                ECHOED[0].to_owned()
            } else {
                valid.to_owned()
            }
        };
        serde_json::json!({
            "task_id": id("t-1"), "server_id": id("s-1"), "task_status": id("RUNNING_UNBIND"),
            "status": "FAILED", "error_code": id("KPS.0002"), "error_msg": text, "total": 1,
            "tasks": [{ "task_id": id("t-1"), "operate_type": text, "task_time": "1", "server_name": text,
                        "server_id": id("s-1"), "keypair_name": text, "task_error_code": text,
                        "task_error_msg": text }],
        })
        .to_string()
    }

    /// Every result and failure the pure core makes from an echoing answer, as `{:?}` writes it: every field
    /// of every type, whatever fields are added later.
    fn everything_made_from_an_echo(ids: bool, status: u16) -> Vec<String> {
        let masker = Masker::new(ECHOED);
        let echo = || {
            HttpResponse::received(
                status,
                Some(ECHOED[0].to_owned()),
                None,
                Body::Text(echo_body(ids)),
                &masker,
            )
        };
        let mut made = vec![
            format!(
                "{:?}",
                crate::response::disassociate_result::<SerdeJson>(echo(), &masker)
            ),
            format!("{:?}", task_result::<SerdeJson>(echo(), &masker)),
            format!("{:?}", task_list_result::<SerdeJson>(echo(), &masker)),
            format!("{:?}", delete_result::<SerdeJson>(echo(), &masker)),
            format!("{:?}", api_failure::<SerdeJson>(echo(), &masker)),
        ];
        if let Ok(list) = task_list_result::<SerdeJson>(echo(), &masker) {
            made.push(format!(
                "{:?}",
                task_failed(task("FAILED_UNBIND"), list.tasks.first())
            ));
        }
        made
    }

    #[test]
    fn nothing_made_from_an_answer_that_echoes_the_request_holds_a_secret_in_any_field() {
        for ids in [false, true] {
            for status in [200, 202, 400, 401, 500] {
                for made in everything_made_from_an_echo(ids, status) {
                    for piece in CANARY_PIECES {
                        assert!(!made.contains(piece), "{piece} in {made}");
                    }
                }
            }
        }
        // The sweep sees real results, not only failures: a list with valid identifiers is returned masked.
        let made = everything_made_from_an_echo(false, 200);
        assert!(made[2].starts_with("Ok(TaskList"), "{}", made[2]);
        assert!(made[2].contains("server_name: \"*** "), "{}", made[2]);
    }
}
