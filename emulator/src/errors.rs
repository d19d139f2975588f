//! The error bodies the emulator sends: `{"error_code": "...", "error_msg": "..."}`, as KPS and its API gateway do.

use axum::body::Body;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// The `Content-Type` of every JSON body the emulator sends (the value Huawei Cloud APIs answer with).
pub const JSON_CONTENT_TYPE: &str = "application/json;charset=UTF-8";

/// An error response: HTTP status plus the documented `error_code`/`error_msg` pair.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// HTTP status code.
    pub status: StatusCode,
    /// `error_code`, e.g. `KPS.0002` or `APIGW.0301`.
    pub code: &'static str,
    /// `error_msg`: the documented text, sometimes followed by what exactly was wrong.
    pub message: String,
}

#[derive(Serialize)]
struct ErrorBody<'a> {
    error_code: &'a str,
    error_msg: &'a str,
}

impl ApiError {
    /// An error with any status, code and message.
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
        }
    }

    /// 400 `KPS.0002`: a missing, malformed or wrongly typed parameter.
    pub fn parameter(detail: impl AsRef<str>) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "KPS.0002",
            format!("parameter error: {}", detail.as_ref()),
        )
    }

    /// 400 `KPS.0001`: the task id names no task of this project.
    pub fn illegal_task_id(task_id: &str) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "KPS.0001",
            format!("taskId is illegal: {task_id}"),
        )
    }

    /// 401 `KPS.9001`: no token, or a token the fixture does not know.
    pub fn token(detail: &str) -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "KPS.9001",
            format!("token missing or not authenticated: {detail}"),
        )
    }

    /// 401 `APIGW.0301`: AK/SK authentication failed at the gateway.
    pub fn iam(detail: impl AsRef<str>) -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "APIGW.0301",
            format!(
                "Incorrect IAM authentication information: {}",
                detail.as_ref()
            ),
        )
    }

    /// 403 `KPS.9003`: authenticated, but not allowed to act on this project.
    pub fn no_permission(project_id: &str) -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "KPS.9003",
            format!("no operation permission on project {project_id}"),
        )
    }

    /// 404 `APIGW.0101`: no API at this method and path (the gateway answers 404 for a wrong method, too).
    pub fn api_not_found() -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "APIGW.0101",
            "The API does not exist or has not been published in the environment",
        )
    }

    /// 413 `APIGW.0201`: the request body is over the limit.
    pub fn entity_too_large(limit: usize) -> Self {
        Self::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "APIGW.0201",
            format!("Request entity too large: the limit is {limit} bytes"),
        )
    }

    /// 400 `EMULATOR.0001`: a request to the emulator's own control surface (faults, fixture) was wrong.
    pub fn emulator(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "EMULATOR.0001", detail)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        json_response(
            self.status,
            &ErrorBody {
                error_code: self.code,
                error_msg: &self.message,
            },
        )
    }
}

/// A response with `value` serialised as its JSON body.
pub fn json_response<T: Serialize + ?Sized>(status: StatusCode, value: &T) -> Response {
    match serde_json::to_vec(value) {
        Ok(bytes) => json_bytes_response(status, bytes),
        // Only reachable with a map that has non-string keys, which the emulator never builds.
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

/// A response whose body is already-serialised JSON.
pub fn json_bytes_response(status: StatusCode, bytes: impl Into<Body>) -> Response {
    let mut response = Response::new(bytes.into());
    *response.status_mut() = status;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(JSON_CONTENT_TYPE),
    );
    response
}
