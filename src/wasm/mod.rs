//! The wasm-bindgen boundary: the functions and classes the npm package exports. Each export converts its
//! JS input, calls the pure core, and maps failures to `KpsError`; nothing here decides anything.

mod call;
// `convert` and `json` are public for Rust (they are no part of the JS API) so that bench/alternatives/ links
// the very boundary code it compares the libraries' ways with.
pub mod convert;
mod errors;
mod fleet;
pub mod json;
pub mod sign;
mod timer;
mod transport;
mod validate;

pub use errors::{is_kps_error, KpsError};
pub use fleet::disassociate_keypairs;
pub use validate::validate_options;

use crate::error::{ErrorKind, Failure};
use crate::model::KeypairTask;
use crate::options::{
    validate_delete_failed_task, validate_disassociate, validate_disassociate_and_wait,
    validate_task_list, validate_task_query, validate_wait_for_task, DisassociateOptions,
    Environment, TaskQueryOptions, WaitSettings,
};
use crate::request::Operation;
use crate::response::disassociate_result;
use crate::tasks::{delete_result, task_failed, Step, Waiter};
use call::{call_masker, Caller, OnResponse};
use errors::invalid_options;
use js_sys::{Date, Function};
use json::EngineJson;
use wasm_bindgen::prelude::*;
use web_sys::AbortSignal;

/// The version of kps-wasm (the crate and the npm package share it).
///
/// ```js
/// import { version } from 'kps-wasm';
/// console.log(version()); // "0.2.0"
/// ```
#[wasm_bindgen]
pub fn version() -> String {
    crate::VERSION.to_owned()
}

/// Unbinds the SSH key pair from an ECS server (KPS DisassociateKeypair). Resolves with the task ID;
/// rejects with a `KpsError`. Every option is checked before any request is made.
///
/// ```js
/// import { disassociateKeypair } from 'kps-wasm';
/// const taskId = await disassociateKeypair({
///   region: 'cn-north-4', token, projectId, serverId,
///   auth: { type: 'keypair', key: privateKeyPem },   // for a running server
///   onResponse: ({ requestId }) => log(requestId),  // optional: every response's metadata
/// });
/// ```
#[wasm_bindgen(js_name = disassociateKeypair)]
pub async fn disassociate_keypair(options: JsValue) -> Result<String, JsValue> {
    let options = convert::options(&options);
    let validated = validate_disassociate(options.input, &environment())
        .map_err(|failure| invalid_options(failure, &options.thrown))?;
    let on_response = OnResponse::new(options.on_response);
    let unbound = disassociate(&validated, options.signal.as_ref(), on_response.as_ref()).await?;
    Ok(unbound.task_id)
}

/// Unbinds the key pair like `disassociateKeypair`, then waits for the task like `waitForKeypairTask`;
/// resolves with the finished task, which carries the unbind's `requestId`. A wait that fails (a timeout, an
/// abort, an error answer to a poll) rejects with an error that carries `taskId` and the last `task` read:
/// the unbind goes on.
///
/// ```js
/// const task = await disassociateKeypairAndWait({ ...options, onProgress: (t) => console.log(t.status) });
/// console.log(task.status, task.requestId);
/// ```
#[wasm_bindgen(js_name = disassociateKeypairAndWait)]
pub async fn disassociate_keypair_and_wait(options: JsValue) -> Result<JsValue, JsValue> {
    let options = convert::options(&options);
    let validated = validate_disassociate_and_wait(options.input, &environment())
        .map_err(|failure| invalid_options(failure, &options.thrown))?;
    let signal = options.signal;
    let on_response = OnResponse::new(options.on_response);
    let unbound = disassociate(
        &validated.disassociate,
        signal.as_ref(),
        on_response.as_ref(),
    )
    .await?;
    let auth_key = validated
        .disassociate
        .request
        .server
        .auth
        .as_ref()
        .map(|auth| auth.key.expose());
    let query = TaskQueryOptions {
        project_id: validated.disassociate.project_id.clone(),
        task_id: unbound.task_id,
        client: validated.disassociate.client,
    };
    let waited = wait_for_task(
        &query,
        &validated.wait,
        signal.as_ref(),
        options.on_progress,
        on_response.as_ref(),
        auth_key,
        unbound.request_id.as_deref(),
    )
    .await;
    let task = waited?;
    if let Some(request_id) = &unbound.request_id {
        // A fresh plain object of our own: setting a property cannot throw.
        let _ = js_sys::Reflect::set(&task, &JsValue::from_str("requestId"), &request_id.into());
    }
    Ok(task)
}

/// Reads a key pair task: `{ taskId, serverId, status }`.
///
/// ```js
/// const { status } = await getKeypairTask({ region, token, projectId, taskId });
/// ```
#[wasm_bindgen(js_name = getKeypairTask)]
pub async fn get_keypair_task(options: JsValue) -> Result<JsValue, JsValue> {
    let options = convert::options(&options);
    let query = validate_task_query(options.input, &environment())
        .map_err(|failure| invalid_options(failure, &options.thrown))?;
    let masker = call_masker(&query.client.credentials, None);
    let on_response = OnResponse::new(options.on_response);
    let caller = Caller::new(
        &query.client,
        &query.project_id,
        options.signal.as_ref(),
        &masker,
    )
    .observed_by(on_response.as_ref());
    let task = caller
        .read_task(&query.task_id, query.client.timeout_ms)
        .await
        .map_err(|failure| caller.error(failure))?;
    json::to_js(&task)
}

/// Polls a key pair task until it succeeds (resolves with it) or fails (rejects with a
/// `KpsTaskFailedError`), calling `onProgress` on each status change. Any other failure of the wait (a
/// timeout, an abort, an error answer) carries `taskId` and the last `task` read.
///
/// ```js
/// const task = await waitForKeypairTask({ region, token, projectId, taskId, onProgress: (t) => show(t.status) });
/// ```
#[wasm_bindgen(js_name = waitForKeypairTask)]
pub async fn wait_for_keypair_task(options: JsValue) -> Result<JsValue, JsValue> {
    let options = convert::options(&options);
    let validated = validate_wait_for_task(options.input, &environment())
        .map_err(|failure| invalid_options(failure, &options.thrown))?;
    let wait = WaitSettings {
        interval_ms: validated.interval_ms,
        wait_timeout_ms: validated.wait_timeout_ms,
        has_on_progress: validated.has_on_progress,
    };
    let on_response = OnResponse::new(options.on_response);
    wait_for_task(
        &validated.query,
        &wait,
        options.signal.as_ref(),
        options.on_progress,
        on_response.as_ref(),
        None,
        None,
    )
    .await
}

/// Lists the key pair tasks in progress: `{ total, tasks: [...] }`.
#[wasm_bindgen(js_name = listRunningTasks)]
pub async fn list_running_tasks(options: JsValue) -> Result<JsValue, JsValue> {
    list_tasks(&options, "running-tasks").await
}

/// Lists the key pair tasks that failed, with `taskErrorCode` and `taskErrorMessage`.
#[wasm_bindgen(js_name = listFailedTasks)]
pub async fn list_failed_tasks(options: JsValue) -> Result<JsValue, JsValue> {
    list_tasks(&options, "failed-tasks").await
}

/// Deletes one failed task (`taskId`), or all of them.
#[wasm_bindgen(js_name = deleteFailedTask)]
pub async fn delete_failed_task(options: JsValue) -> Result<(), JsValue> {
    let options = convert::options(&options);
    let validated = validate_delete_failed_task(options.input, &environment())
        .map_err(|failure| invalid_options(failure, &options.thrown))?;
    let mut path = format!("/v3/{}/failed-tasks", validated.project_id);
    if let Some(task_id) = &validated.task_id {
        path.push('/');
        path.push_str(task_id);
    }
    let name = if validated.task_id.is_some() {
        "DeleteFailedTask"
    } else {
        "DeleteAllFailedTask"
    };
    let operation = || Operation {
        name,
        method: "DELETE",
        path: path.clone(),
        query: &[],
        body: None,
    };
    let client = &validated.client;
    let masker = call_masker(&client.credentials, None);
    let on_response = OnResponse::new(options.on_response);
    let caller = Caller::new(
        client,
        &validated.project_id,
        options.signal.as_ref(),
        &masker,
    )
    .observed_by(on_response.as_ref());
    let deleted = caller
        .send(operation, client.timeout_ms, delete_result::<EngineJson>)
        .await;
    deleted.map_err(|failure| caller.error(failure))
}

/// The outcome of an unbind: its task ID, and the request ID of the answer that gave it.
struct Unbound {
    task_id: String,
    request_id: Option<String>,
}

async fn disassociate(
    validated: &DisassociateOptions,
    signal: Option<&AbortSignal>,
    on_response: Option<&OnResponse>,
) -> Result<Unbound, JsValue> {
    let operation = || Operation {
        name: "DisassociateKeypair",
        method: "POST",
        path: format!("/v3/{}/keypairs/disassociate", validated.project_id),
        query: &[],
        body: Some(validated.request.to_json()),
    };
    let client = &validated.client;
    let auth_key = validated
        .request
        .server
        .auth
        .as_ref()
        .map(|auth| auth.key.expose());
    let masker = call_masker(&client.credentials, auth_key);
    let caller =
        Caller::new(client, &validated.project_id, signal, &masker).observed_by(on_response);
    let task_id = caller
        .send(
            operation,
            client.timeout_ms,
            disassociate_result::<EngineJson>,
        )
        .await
        .map_err(|failure| caller.error(failure))?;
    Ok(Unbound {
        task_id,
        request_id: caller.request_id(),
    })
}

async fn list_tasks(options: &JsValue, which: &str) -> Result<JsValue, JsValue> {
    let options = convert::options(options);
    let validated = validate_task_list(options.input, &environment())
        .map_err(|failure| invalid_options(failure, &options.thrown))?;
    let masker = call_masker(&validated.client.credentials, None);
    let on_response = OnResponse::new(options.on_response);
    let caller = Caller::new(
        &validated.client,
        &validated.project_id,
        options.signal.as_ref(),
        &masker,
    )
    .observed_by(on_response.as_ref());
    let list = caller
        .list_tasks(
            which,
            validated.limit,
            validated.offset,
            validated.client.timeout_ms,
        )
        .await
        .map_err(|failure| caller.error(failure))?;
    json::to_js(&list)
}

/// The wait loop: the pure [`Waiter`] decides, this runs the polls, the sleeps and `onProgress`. An
/// exception thrown by `onProgress` ends the wait and is rethrown as it is; every other failure is about the
/// task ([`Waiter::about_task`]). `auth_key` is the password or private key of the unbind being followed, if
/// the caller has it: masked like the credentials. `unbind_request_id`, the request ID of the unbind being
/// followed, is given to a failure that has none of its own: support asks for it.
async fn wait_for_task(
    query: &TaskQueryOptions,
    wait: &WaitSettings,
    signal: Option<&AbortSignal>,
    on_progress: Option<Function>,
    on_response: Option<&OnResponse>,
    auth_key: Option<&str>,
    unbind_request_id: Option<&str>,
) -> Result<JsValue, JsValue> {
    let client = &query.client;
    let masker = call_masker(&client.credentials, auth_key);
    let caller = Caller::new(client, &query.project_id, signal, &masker).observed_by(on_response);
    let mut waiter = Waiter::new(
        &query.task_id,
        wait.interval_ms,
        wait.wait_timeout_ms,
        Date::now(),
    );
    let fail = |failure: Failure| {
        let mut failure = failure;
        if failure.request_id.is_none() {
            failure.request_id = unbind_request_id.map(str::to_owned);
        }
        Err(caller.error(failure))
    };
    loop {
        let Some(poll_timeout) = waiter.poll_timeout(Date::now(), client.timeout_ms) else {
            return fail(waiter.timed_out());
        };
        let polled = caller.read_task(&query.task_id, poll_timeout).await;
        let polled = match polled {
            Err(failure) if failure.kind == ErrorKind::Abort => {
                return fail(waiter.about_task(failure))
            }
            other => other,
        };
        let now = Date::now();
        let retry_after = polled
            .as_ref()
            .err()
            .and_then(|failure| failure.retry_after.as_deref())
            .map(|retry_after| retry_after.delay_ms(now));
        let (progress, step) = waiter.observe(now, polled, retry_after);
        if let (Some(task), Some(callback)) = (progress, &on_progress) {
            callback.call1(&JsValue::NULL, &json::to_js(&task)?)?;
        }
        match step {
            Step::PollAfter(ms) => {
                if let Err(failure) = timer::sleep(ms, signal).await {
                    return fail(waiter.about_task(failure));
                }
            }
            Step::Succeeded(task) => return json::to_js(&task),
            Step::Failed(task) => {
                // The failed-tasks lookup is part of the wait: it gets what is left of waitTimeoutMs.
                let lookup_timeout = waiter.poll_timeout(Date::now(), client.timeout_ms);
                return fail(failed_task(&caller, task, lookup_timeout).await);
            }
            Step::Stop(failure) => return fail(failure),
        }
    }
}

/// The failure for a task that ended `FAILED_*`, with its error code and message from the failed-tasks
/// list when that can be read within `timeout_ms` (best effort: the task's failure is the news, not the
/// list's; `None`, the wait's time is up, skips the list).
async fn failed_task(caller: &Caller<'_>, task: KeypairTask, timeout_ms: Option<u32>) -> Failure {
    let list = match timeout_ms {
        Some(timeout_ms) => {
            caller
                .list_tasks("failed-tasks", None, None, timeout_ms)
                .await
        }
        None => return task_failed(task, None),
    };
    let entry = list.ok().and_then(|list| {
        list.tasks
            .into_iter()
            .find(|entry| entry.task_id == task.task_id)
    });
    task_failed(task, entry.as_ref())
}

/// Relative endpoints resolve against the page's URL: allowed where there is one (pages, workers).
pub(crate) fn environment() -> Environment {
    // Looked up on every call: test setups (jsdom, happy-dom) may install `location` after the first one.
    let location = js_sys::Reflect::get(&js_sys::global(), &JsValue::from_str("location"));
    Environment {
        relative_endpoints_allowed: location.is_ok_and(|location| location.is_object()),
    }
}
