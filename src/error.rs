//! [`Failure`]: every way a call can fail, as plain data. The wasm boundary turns it into a JS `KpsError`.

use crate::model::KeypairTask;
use core::fmt;

/// The class of a failure; its JS `name` is [`ErrorKind::name`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// An option is missing, of the wrong type or invalid; no request was made.
    Validation,
    /// The service answered with an error status, or with a 202 whose `status` is `FAILED`.
    Api,
    /// The service answered 2xx with a body that is not the documented shape, or with a redirect (not
    /// followed: it would carry the credentials elsewhere).
    Response,
    /// No response: DNS, connection refused or reset, CORS, a body cut short.
    Network,
    /// `timeoutMs` elapsed.
    Timeout,
    /// The caller's `signal` aborted.
    Abort,
    /// A task ended in a `FAILED_*` state.
    TaskFailed,
}

impl ErrorKind {
    /// The JS error `name`.
    pub fn name(self) -> &'static str {
        match self {
            ErrorKind::Validation => "KpsValidationError",
            ErrorKind::Api => "KpsApiError",
            ErrorKind::Response => "KpsResponseError",
            ErrorKind::Network => "KpsNetworkError",
            ErrorKind::Timeout => "KpsTimeoutError",
            ErrorKind::Abort => "KpsAbortError",
            ErrorKind::TaskFailed => "KpsTaskFailedError",
        }
    }

    /// The `code` of local failures (API failures carry the service's code instead).
    pub fn local_code(self) -> &'static str {
        match self {
            ErrorKind::Validation => "INVALID_ARGUMENT",
            ErrorKind::Api => "API_ERROR",
            ErrorKind::Response => "INVALID_RESPONSE",
            ErrorKind::Network => "NETWORK_ERROR",
            ErrorKind::Timeout => "TIMEOUT",
            ErrorKind::Abort => "ABORTED",
            ErrorKind::TaskFailed => "TASK_FAILED",
        }
    }
}

/// A failed call: what the user catches, as plain data.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failure {
    pub kind: ErrorKind,
    /// `KPS.0002`, `APIGW.0301`, `HTTP_502`, or the kind's local code.
    pub code: String,
    pub message: String,
    /// HTTP status; 0 when there was no response.
    pub status: u16,
    pub request_id: Option<String>,
    /// For validation failures: the option path, e.g. `auth.type`.
    pub field: Option<String>,
    /// The task a failure is about: a failed task (with why, when the failed-tasks list says), and any
    /// failure of a wait (timeout, abort, an error answer to a poll), so the caller can follow the task still
    /// running. Boxed: it is rare.
    pub task: Option<Box<TaskDetails>>,
    /// How many requests the call made before it failed (1 when it made one, or none).
    pub attempts: u32,
    /// The answer's `Retry-After`: for the retry policy ([`crate::retry`]), not shown to the caller. Boxed:
    /// it is rare, and keeps `Result<_, Failure>` under clippy's 128-byte bound for error types.
    pub retry_after: Option<Box<crate::retry::RetryAfter>>,
}

/// The task a [`Failure`] is about: the task of a [`ErrorKind::TaskFailed`] failure, or the one a failed wait
/// was following.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TaskDetails {
    pub task_id: String,
    /// The task as last read; `None` when no poll had been answered yet.
    pub task: Option<KeypairTask>,
    /// `task_error_code` from `GET /v3/{project_id}/failed-tasks`.
    pub error_code: Option<String>,
    /// `task_error_msg` from `GET /v3/{project_id}/failed-tasks`.
    pub error_message: Option<String>,
}

impl Failure {
    /// A failure with the kind's local code and no response.
    pub fn local(kind: ErrorKind, message: impl Into<String>) -> Failure {
        Failure {
            kind,
            code: kind.local_code().to_owned(),
            message: message.into(),
            status: 0,
            request_id: None,
            field: None,
            task: None,
            attempts: 1,
            retry_after: None,
        }
    }

    /// This failure, about the task `task_id` last seen as `task`, unless it is about a task already, or is
    /// about an option (a validation failure names the option, not the task).
    pub fn about_task(mut self, task_id: &str, task: Option<&KeypairTask>) -> Failure {
        if self.task.is_none() && self.kind != ErrorKind::Validation {
            self.task = Some(Box::new(TaskDetails {
                task_id: task_id.to_owned(),
                task: task.cloned(),
                error_code: None,
                error_message: None,
            }));
        }
        self
    }

    /// A validation failure of the option at `field`.
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Failure {
        Failure {
            field: Some(field.into()),
            ..Failure::local(ErrorKind::Validation, message)
        }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.kind.name(), self.message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KINDS: [(ErrorKind, &str, &str); 7] = [
        (
            ErrorKind::Validation,
            "KpsValidationError",
            "INVALID_ARGUMENT",
        ),
        (ErrorKind::Api, "KpsApiError", "API_ERROR"),
        (ErrorKind::Response, "KpsResponseError", "INVALID_RESPONSE"),
        (ErrorKind::Network, "KpsNetworkError", "NETWORK_ERROR"),
        (ErrorKind::Timeout, "KpsTimeoutError", "TIMEOUT"),
        (ErrorKind::Abort, "KpsAbortError", "ABORTED"),
        (ErrorKind::TaskFailed, "KpsTaskFailedError", "TASK_FAILED"),
    ];

    #[test]
    fn each_kind_has_the_js_name_and_local_code_the_contract_documents() {
        for (kind, name, code) in KINDS {
            assert_eq!((kind.name(), kind.local_code()), (name, code));
            let failure = Failure::local(kind, "it went wrong");
            assert_eq!(failure.code, code);
            assert_eq!(failure.to_string(), [name, ": it went wrong"].concat());
        }
    }

    fn task(status: &str) -> KeypairTask {
        KeypairTask {
            task_id: "t-1".to_owned(),
            server_id: "s-1".to_owned(),
            status: status.to_owned(),
        }
    }

    #[test]
    fn a_failed_wait_is_about_the_task_it_was_following() {
        let running = task("RUNNING_UNBIND");
        let failure = Failure::local(ErrorKind::Timeout, "slow").about_task("t-1", Some(&running));
        let details = failure.task.expect("about its task");
        assert_eq!(details.task_id, "t-1");
        assert_eq!(details.task, Some(running));
    }

    #[test]
    fn a_failure_already_about_a_task_keeps_that_task() {
        let failed = Failure::local(ErrorKind::TaskFailed, "failed")
            .about_task("t-1", Some(&task("FAILED_UNBIND")));
        let again = failed.clone().about_task("t-2", None);
        assert_eq!(again, failed);
    }

    #[test]
    fn a_validation_failure_names_its_option_and_is_about_no_task() {
        let failure =
            Failure::invalid("intervalMs", "intervalMs must be …").about_task("t-1", None);
        assert_eq!(failure.field.as_deref(), Some("intervalMs"));
        assert_eq!(failure.kind, ErrorKind::Validation);
        assert_eq!(failure.task, None);
    }
}
