//! The KPS API: disassociate, task query, running and failed task listings, failed task deletion.

use std::sync::Arc;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use axum::body::{to_bytes, Bytes};
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, Request, State};
use axum::http::{header, request::Parts, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::{Map, Value};

use crate::app::App;
use crate::auth::{authenticate, AuthRequest};
use crate::errors::{json_bytes_response, json_response, ApiError};
use crate::ids::{is_benchmark_task_id, is_uuid};
use crate::percent;
use crate::state::UnbindAuth;
use crate::tasks::{Task, TaskPhase};

/// Largest request body accepted; larger ones get 413 `APIGW.0201`.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// Default `limit` of the task listings (the documented default).
const DEFAULT_LIST_LIMIT: usize = 1000;

/// The path the client sent, before a `/__emulator/fault/<spec>` prefix was stripped: what it signed.
#[derive(Debug, Clone)]
pub struct SignedPath(pub String);

/// Reads the body (bounded) and authenticates the caller for `project_id`.
async fn authorize(app: &App, project_id: &str, req: Request) -> Result<(Parts, Bytes), ApiError> {
    let (parts, body) = read_body(req).await?;
    let headers: Vec<(&str, &str)> = parts
        .headers
        .iter()
        .filter_map(|(name, value)| Some((name.as_str(), value.to_str().ok()?)))
        .collect();
    let path = parts
        .extensions
        .get::<SignedPath>()
        .map_or(parts.uri.path(), |p| p.0.as_str());
    let auth_request = AuthRequest {
        method: parts.method.as_str(),
        path,
        query: parts.uri.query(),
        headers: &headers,
        body: &body,
    };
    let identity = authenticate(&app.fixture, &auth_request, now_secs())?;
    if !identity.projects.contains(project_id) {
        return Err(ApiError::no_permission(project_id));
    }
    Ok((parts, body))
}

/// Splits the request and reads at most [`MAX_BODY_BYTES`] of body.
pub async fn read_body(req: Request) -> Result<(Parts, Bytes), ApiError> {
    let (parts, body) = req.into_parts();
    let declared = parts
        .headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > MAX_BODY_BYTES as u64) {
        return Err(ApiError::entity_too_large(MAX_BODY_BYTES));
    }
    // Past the declared-length check, an error is a chunked body over the limit (or a client gone mid-body,
    // which will never read the answer anyway).
    let body = to_bytes(body, MAX_BODY_BYTES)
        .await
        .map_err(|_| ApiError::entity_too_large(MAX_BODY_BYTES))?;
    Ok((parts, body))
}

fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

fn path_error(rejection: PathRejection) -> ApiError {
    ApiError::parameter(format!("path: {}", rejection.body_text()))
}

/// A validated disassociate body.
struct DisassociateRequest<'a> {
    server_id: &'a str,
    auth: UnbindAuth<'a>,
}

/// Checks the body field by field, so errors name the field (`server.auth.type`) rather than a Rust type.
fn parse_disassociate(value: &Value) -> Result<DisassociateRequest<'_>, ApiError> {
    let root = object(value, "the request body")?;
    reject_unknown_fields(root, "", &["server"])?;
    let server = object(
        root.get("server")
            .ok_or_else(|| ApiError::parameter("server is required"))?,
        "server",
    )?;
    reject_unknown_fields(server, "server.", &["id", "auth"])?;
    let server_id = match server.get("id") {
        Some(Value::String(id)) if is_uuid(id) => id.as_str(),
        Some(Value::String(id)) => {
            return Err(ApiError::parameter(format!(
                "server.id must be a server UUID, not {id:?}"
            )))
        }
        Some(_) => return Err(ApiError::parameter("server.id must be a string")),
        None => return Err(ApiError::parameter("server.id is required")),
    };
    let auth = match server.get("auth") {
        None | Some(Value::Null) => UnbindAuth::None,
        Some(auth) => {
            let auth = object(auth, "server.auth")?;
            reject_unknown_fields(auth, "server.auth.", &["type", "key"])?;
            let key = match auth.get("key") {
                Some(Value::String(key)) if !key.is_empty() => key.as_str(),
                Some(Value::String(_)) | None | Some(Value::Null) => {
                    return Err(ApiError::parameter("server.auth.key is required"))
                }
                Some(_) => return Err(ApiError::parameter("server.auth.key must be a string")),
            };
            match auth.get("type").and_then(Value::as_str) {
                Some("keypair") => UnbindAuth::Keypair(key),
                Some("password") => UnbindAuth::Password(key),
                _ => {
                    return Err(ApiError::parameter(
                        "server.auth.type must be \"keypair\" or \"password\"",
                    ))
                }
            }
        }
    };
    Ok(DisassociateRequest { server_id, auth })
}

fn object<'v>(value: &'v Value, what: &str) -> Result<&'v Map<String, Value>, ApiError> {
    value
        .as_object()
        .ok_or_else(|| ApiError::parameter(format!("{what} must be a JSON object")))
}

fn reject_unknown_fields(
    object: &Map<String, Value>,
    prefix: &str,
    known: &[&str],
) -> Result<(), ApiError> {
    match object.keys().find(|key| !known.contains(&key.as_str())) {
        None => Ok(()),
        Some(key) if key == "authentication" => Err(ApiError::parameter(format!(
            "unknown field {prefix}authentication: the API field is {prefix}auth"
        ))),
        Some(key) => Err(ApiError::parameter(format!(
            "unknown field {prefix}{key}; expected {}",
            known.join(", ")
        ))),
    }
}

/// `POST /v3/{project_id}/keypairs/disassociate`.
///
/// Stricter than KPS on one point, to catch client bugs: unknown fields (such as the doc example's
/// `authentication`) are rejected with `KPS.0002` instead of ignored. A `null` `auth` counts as absent.
pub async fn disassociate(
    State(app): State<Arc<App>>,
    project_id: Result<Path<String>, PathRejection>,
    req: Request,
) -> Response {
    match disassociate_inner(&app, project_id, req).await {
        Ok(task_id) => json_bytes_response(
            StatusCode::ACCEPTED,
            format!("{{\"task_id\":\"{task_id}\"}}"),
        ),
        Err(error) => error.into_response(),
    }
}

async fn disassociate_inner(
    app: &App,
    project_id: Result<Path<String>, PathRejection>,
    req: Request,
) -> Result<String, ApiError> {
    let Path(project_id) = project_id.map_err(path_error)?;
    let (parts, body) = authorize(app, &project_id, req).await?;

    if let Some(content_type) = parts.headers.get(header::CONTENT_TYPE) {
        let media_type = content_type
            .to_str()
            .unwrap_or("")
            .split(';')
            .next()
            .unwrap_or("")
            .trim();
        if !media_type.eq_ignore_ascii_case("application/json") {
            return Err(ApiError::parameter("Content-Type must be application/json"));
        }
    }
    let value: Value = serde_json::from_slice(&body)
        .map_err(|e| ApiError::parameter(format!("the request body is not valid JSON: {e}")))?;
    let DisassociateRequest { server_id, auth } = parse_disassociate(&value)?;

    let index = app
        .fixture
        .server_index(&project_id, server_id)
        .ok_or_else(|| {
            ApiError::parameter(format!(
                "server {server_id} does not exist in project {project_id}"
            ))
        })?;
    if app.fixture.servers[index].benchmark {
        // The fixed path for client benchmarks: full auth and validation above, no state touched here.
        return Ok(app.ids.benchmark_task_id());
    }

    let now = Instant::now();
    let mut state = app.state_mut();
    state.settle(&app.fixture, now, app.timings);
    state.start_unbind(&app.fixture, index, auth, &app.ids, now)
}

#[derive(Serialize)]
struct TaskView<'a> {
    server_id: &'a str,
    task_id: &'a str,
    task_status: &'a str,
}

/// `GET /v3/{project_id}/tasks/{task_id}`.
pub async fn get_task(
    State(app): State<Arc<App>>,
    params: Result<Path<(String, String)>, PathRejection>,
    req: Request,
) -> Response {
    let result = async {
        let Path((project_id, task_id)) = params.map_err(path_error)?;
        authorize(&app, &project_id, req).await?;
        let state = app.state();
        if let Some(task) = state
            .tasks()
            .get(&task_id)
            .filter(|t| t.project_id == project_id)
        {
            let status = task.phase(Instant::now(), app.timings).status();
            return Ok(json_response(
                StatusCode::OK,
                &TaskView {
                    server_id: &task.server_id,
                    task_id: &task.id,
                    task_status: status,
                },
            ));
        }
        let bench_server = app
            .fixture
            .servers
            .iter()
            .find(|s| s.benchmark && s.project_id == project_id);
        match bench_server {
            Some(server) if is_benchmark_task_id(&task_id) => Ok(json_response(
                StatusCode::OK,
                &TaskView {
                    server_id: &server.id,
                    task_id: &task_id,
                    task_status: TaskPhase::Succeeded.status(),
                },
            )),
            _ => Err(ApiError::illegal_task_id(&task_id)),
        }
    }
    .await;
    result.unwrap_or_else(IntoResponse::into_response)
}

#[derive(Serialize)]
struct TaskListing<'a> {
    total: usize,
    tasks: Vec<ListedTask<'a>>,
}

#[derive(Serialize)]
struct ListedTask<'a> {
    task_id: &'a str,
    operate_type: &'static str,
    task_time: String,
    server_name: &'a str,
    server_id: &'a str,
    keypair_name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    task_error_code: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    task_error_msg: Option<&'a str>,
}

impl<'a> ListedTask<'a> {
    fn new(task: &'a Task, phase: TaskPhase, with_error: bool) -> Self {
        let error = task.error.as_ref().filter(|_| with_error);
        Self {
            task_id: &task.id,
            operate_type: phase.status(),
            task_time: task.created_epoch_ms.to_string(),
            server_name: &task.server_name,
            server_id: &task.server_id,
            keypair_name: &task.keypair_name,
            task_error_code: error.map(|e| e.task_error_code.as_str()),
            task_error_msg: error.map(|e| e.task_error_msg.as_str()),
        }
    }
}

/// `limit` and `offset` from a raw query string.
fn pagination(query: Option<&str>) -> Result<(usize, usize), ApiError> {
    let mut limit = DEFAULT_LIST_LIMIT;
    let mut offset = 0;
    for (key, value) in percent::decode_query(query.unwrap_or("")) {
        match key.as_str() {
            "limit" => {
                limit = value.parse().ok().filter(|n| *n >= 1).ok_or_else(|| {
                    ApiError::parameter(format!("limit must be a positive integer, not {value:?}"))
                })?;
            }
            "offset" => {
                offset = value.parse().map_err(|_| {
                    ApiError::parameter(format!(
                        "offset must be a non-negative integer, not {value:?}"
                    ))
                })?;
            }
            _ => {}
        }
    }
    Ok((limit, offset))
}

/// Which listing to produce.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Listing {
    Running,
    Failed,
}

async fn list_tasks(
    app: Arc<App>,
    project_id: Result<Path<String>, PathRejection>,
    req: Request,
    listing: Listing,
) -> Result<Response, ApiError> {
    let Path(project_id) = project_id.map_err(path_error)?;
    let (parts, _) = authorize(&app, &project_id, req).await?;
    let (limit, offset) = pagination(parts.uri.query())?;
    let now = Instant::now();
    let mut state = app.state_mut();
    state.settle(&app.fixture, now, app.timings);
    let matching: Vec<(&Task, TaskPhase)> = match listing {
        Listing::Running => state.tasks().pending().collect::<Vec<_>>(),
        Listing::Failed => state.tasks().finished().collect(),
    }
    .into_iter()
    .filter(|task| task.project_id == project_id)
    .map(|task| (task, task.phase(now, app.timings)))
    .filter(|(_, phase)| match listing {
        Listing::Running => !phase.is_final(),
        Listing::Failed => *phase == TaskPhase::Failed,
    })
    .collect();
    let body = TaskListing {
        total: matching.len(),
        tasks: matching
            .iter()
            .skip(offset)
            .take(limit)
            .map(|(task, phase)| ListedTask::new(task, *phase, listing == Listing::Failed))
            .collect(),
    };
    Ok(json_response(StatusCode::OK, &body))
}

/// `GET /v3/{project_id}/running-tasks?limit=&offset=`: tasks in `READY_UNBIND` or `RUNNING_UNBIND`.
pub async fn running_tasks(
    State(app): State<Arc<App>>,
    project_id: Result<Path<String>, PathRejection>,
    req: Request,
) -> Response {
    list_tasks(app, project_id, req, Listing::Running)
        .await
        .unwrap_or_else(IntoResponse::into_response)
}

/// `GET /v3/{project_id}/failed-tasks?limit=&offset=`: `FAILED_UNBIND` tasks not yet deleted.
pub async fn failed_tasks(
    State(app): State<Arc<App>>,
    project_id: Result<Path<String>, PathRejection>,
    req: Request,
) -> Response {
    list_tasks(app, project_id, req, Listing::Failed)
        .await
        .unwrap_or_else(IntoResponse::into_response)
}

/// `DELETE /v3/{project_id}/failed-tasks`: 200 with an empty body.
pub async fn delete_failed_tasks(
    State(app): State<Arc<App>>,
    project_id: Result<Path<String>, PathRejection>,
    req: Request,
) -> Response {
    let result = async {
        let Path(project_id) = project_id.map_err(path_error)?;
        authorize(&app, &project_id, req).await?;
        let now = Instant::now();
        let mut state = app.state_mut();
        state.settle(&app.fixture, now, app.timings);
        let failed: Vec<String> = state
            .tasks()
            .finished()
            .filter(|t| {
                t.project_id == project_id && t.phase(now, app.timings) == TaskPhase::Failed
            })
            .map(|t| t.id.clone())
            .collect();
        for id in failed {
            state.tasks_mut().remove(&id);
        }
        Ok::<_, ApiError>(StatusCode::OK.into_response())
    }
    .await;
    result.unwrap_or_else(IntoResponse::into_response)
}

/// `DELETE /v3/{project_id}/failed-tasks/{task_id}`: 200 with an empty body, or 400 `KPS.0005`.
pub async fn delete_failed_task(
    State(app): State<Arc<App>>,
    params: Result<Path<(String, String)>, PathRejection>,
    req: Request,
) -> Response {
    let result = async {
        let Path((project_id, task_id)) = params.map_err(path_error)?;
        authorize(&app, &project_id, req).await?;
        let now = Instant::now();
        let mut state = app.state_mut();
        state.settle(&app.fixture, now, app.timings);
        let is_failed = state.tasks().get(&task_id).is_some_and(|t| {
            t.project_id == project_id && t.phase(now, app.timings) == TaskPhase::Failed
        });
        if !is_failed {
            return Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                "KPS.0005",
                format!("failed task not found: {task_id}"),
            ));
        }
        state.tasks_mut().remove(&task_id);
        Ok(StatusCode::OK.into_response())
    }
    .await;
    result.unwrap_or_else(IntoResponse::into_response)
}

/// Unknown path or wrong method: 404 `APIGW.0101`, as the gateway answers.
pub async fn api_not_found() -> Response {
    ApiError::api_not_found().into_response()
}
