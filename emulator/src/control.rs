//! The emulator's own endpoints under `/__emulator/` (no auth): reset, state, fault rules, the rate limit and
//! the gateway's request counts.

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Instant;

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::app::App;
use crate::errors::{json_response, ApiError};
use crate::faults::{FaultRule, NewFaultRule};
use crate::fixture::ServerStatus;
use crate::rate_limit::{CountsView, RateLimit, RateLimitRequest};
use crate::routes::read_body;
use crate::state::State as EmulatorState;

/// [`crate::faults::REDIRECT_TARGET`]: a task ID for any method, so that a client following a `body=redirect`
/// fault is seen to succeed.
pub async fn redirect_target(State(app): State<Arc<App>>) -> Response {
    json_response(
        StatusCode::ACCEPTED,
        &serde_json::json!({ "task_id": app.ids.task_id() }),
    )
}

/// `POST /__emulator/reset`: servers back to the fixture, tasks and fault rules gone, the rate limit back to
/// the one given at start with full buckets, the counts zeroed.
pub async fn reset(State(app): State<Arc<App>>) -> Response {
    *app.state_mut() = EmulatorState::new(&app.fixture);
    app.faults.clear();
    app.rate_limiter.reset();
    json_response(StatusCode::OK, &serde_json::json!({ "reset": true }))
}

#[derive(Serialize)]
struct StateView<'a> {
    projects: Vec<ProjectView<'a>>,
    tasks: Vec<TaskView<'a>>,
    faults: Vec<FaultRule>,
    rate_limit: RateLimitView,
    open_connections: usize,
    task_ready_ms: u128,
    task_running_ms: u128,
}

#[derive(Serialize)]
struct ProjectView<'a> {
    id: &'a str,
    name: &'a str,
    servers: Vec<ServerView<'a>>,
}

#[derive(Serialize)]
struct ServerView<'a> {
    id: &'a str,
    name: &'a str,
    status: ServerStatus,
    keypair_name: Option<&'a str>,
    active_task_id: Option<&'a str>,
    benchmark: bool,
}

#[derive(Serialize)]
struct TaskView<'a> {
    task_id: &'a str,
    project_id: &'a str,
    server_id: &'a str,
    server_name: &'a str,
    keypair_name: &'a str,
    task_status: &'static str,
    task_time: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    task_error_code: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    task_error_msg: Option<&'a str>,
}

/// `GET /__emulator/state`: every server with its bound key pair, every stored task, the fault rules.
pub async fn state(State(app): State<Arc<App>>) -> Response {
    let now = Instant::now();
    let mut state = app.state_mut();
    state.settle(&app.fixture, now, app.timings);
    let fixture = &app.fixture;
    let projects = fixture
        .projects
        .iter()
        .map(|project| ProjectView {
            id: &project.id,
            name: &project.name,
            servers: fixture
                .servers
                .iter()
                .enumerate()
                .filter(|(_, s)| s.project_id == project.id)
                .map(|(index, server)| {
                    let current = state.server(index);
                    ServerView {
                        id: &server.id,
                        name: &server.name,
                        status: server.status,
                        keypair_name: current.and_then(|c| c.keypair_name.as_deref()),
                        active_task_id: current.and_then(|c| c.active_task.as_deref()),
                        benchmark: server.benchmark,
                    }
                })
                .collect(),
        })
        .collect();
    let tasks = state
        .tasks()
        .all()
        .map(|task| {
            let error = task.error.as_ref();
            TaskView {
                task_id: &task.id,
                project_id: &task.project_id,
                server_id: &task.server_id,
                server_name: &task.server_name,
                keypair_name: &task.keypair_name,
                task_status: task.phase(now, app.timings).status(),
                task_time: task.created_epoch_ms.to_string(),
                task_error_code: error.map(|e| e.task_error_code.as_str()),
                task_error_msg: error.map(|e| e.task_error_msg.as_str()),
            }
        })
        .collect();
    json_response(
        StatusCode::OK,
        &StateView {
            projects,
            tasks,
            faults: app.faults.list(),
            rate_limit: RateLimitView::from(app.rate_limiter.limit()),
            open_connections: app.open_connections.load(Ordering::Relaxed),
            task_ready_ms: app.timings.ready.as_millis(),
            task_running_ms: app.timings.running.as_millis(),
        },
    )
}

#[derive(Serialize)]
struct RulesView {
    rules: Vec<FaultRule>,
}

/// `GET /__emulator/faults`: the active rules.
pub async fn list_faults(State(app): State<Arc<App>>) -> Response {
    json_response(
        StatusCode::OK,
        &RulesView {
            rules: app.faults.list(),
        },
    )
}

/// `POST /__emulator/faults`: adds one rule (`{"fault": "status=500", "path": "/keypairs/", "method": "POST",
/// "times": 1}`) or an array of them; answers 201 with every active rule.
pub async fn add_faults(State(app): State<Arc<App>>, req: Request) -> Response {
    let result = async {
        let (_, body) = read_body(req).await?;
        let starts_with_array = body
            .iter()
            .find(|b| !b.is_ascii_whitespace())
            .is_some_and(|b| *b == b'[');
        let rules: Vec<NewFaultRule> = if starts_with_array {
            serde_json::from_slice(&body)
        } else {
            serde_json::from_slice(&body).map(|rule| vec![rule])
        }
        .map_err(|e| ApiError::emulator(format!("fault rules: {e}")))?;
        let rules = app.faults.add(rules).map_err(ApiError::emulator)?;
        Ok::<_, ApiError>(json_response(StatusCode::CREATED, &RulesView { rules }))
    }
    .await;
    result.unwrap_or_else(IntoResponse::into_response)
}

/// `DELETE /__emulator/faults`: removes every rule.
pub async fn clear_faults(State(app): State<Arc<App>>) -> Response {
    app.faults.clear();
    json_response(StatusCode::OK, &RulesView { rules: Vec::new() })
}

/// The rate limit as the control API shows it: `{"perSecond": 0, "burst": 0, "retryAfter": true}` when off.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RateLimitView {
    per_second: u32,
    burst: u32,
    retry_after: bool,
}

impl From<Option<RateLimit>> for RateLimitView {
    fn from(limit: Option<RateLimit>) -> Self {
        match limit {
            Some(limit) => Self {
                per_second: limit.per_second,
                burst: limit.burst,
                retry_after: limit.retry_after,
            },
            None => Self {
                per_second: 0,
                burst: 0,
                retry_after: true,
            },
        }
    }
}

/// `GET /__emulator/rate-limit`: the limit in force.
pub async fn rate_limit(State(app): State<Arc<App>>) -> Response {
    json_response(
        StatusCode::OK,
        &RateLimitView::from(app.rate_limiter.limit()),
    )
}

/// `POST /__emulator/rate-limit` `{"perSecond": N, "burst": B, "retryAfter": true}`: sets the limit (`perSecond`
/// 0: none) and fills every bucket; answers with the limit now in force.
pub async fn set_rate_limit(State(app): State<Arc<App>>, req: Request) -> Response {
    let result = async {
        let (_, body) = read_body(req).await?;
        let limit = serde_json::from_slice::<RateLimitRequest>(&body)
            .map_err(|e| e.to_string())
            .and_then(RateLimitRequest::validate)
            .map_err(|e| ApiError::emulator(format!("rate limit: {e}")))?;
        app.rate_limiter.set(limit);
        Ok::<_, ApiError>(json_response(StatusCode::OK, &RateLimitView::from(limit)))
    }
    .await;
    result.unwrap_or_else(IntoResponse::into_response)
}

/// `GET /__emulator/stats`: per project, the KPS API requests the gateway let through (`allowed`) and refused
/// with 429 (`throttled`), in total and per operation; and the limit in force.
pub async fn stats(State(app): State<Arc<App>>) -> Response {
    let counts =
        |c: CountsView| serde_json::json!({ "allowed": c.allowed, "throttled": c.throttled });
    let projects: serde_json::Map<String, serde_json::Value> = app
        .rate_limiter
        .counts()
        .into_iter()
        .map(|project| {
            let operations: serde_json::Map<String, serde_json::Value> = project
                .per_operation
                .into_iter()
                .map(|(op, c)| (op.name().to_owned(), counts(c)))
                .collect();
            let mut entry = counts(project.total);
            entry["operations"] = serde_json::Value::Object(operations);
            (project.project_id.to_owned(), entry)
        })
        .collect();
    json_response(
        StatusCode::OK,
        &serde_json::json!({
            "projects": projects,
            "rateLimit": RateLimitView::from(app.rate_limiter.limit()),
        }),
    )
}

/// `DELETE /__emulator/stats`: zeroes the counts (the limit and its buckets stay as they are).
pub async fn clear_stats(State(app): State<Arc<App>>) -> Response {
    app.rate_limiter.clear_counts();
    stats(State(app)).await
}
