//! `disassociateKeypairs`: the fleet driver. The pure [`Fleet`] decides everything; this runs `concurrency`
//! unbind workers and one watcher that learns progress from the task lists, all pacing their requests with
//! one [`Pacing`], and calls `onProgress` on every change. The promise resolves with the report; it rejects
//! only for invalid options.
//!
//! An exception thrown by `onProgress` does not stop the fleet (unbinds under way must be followed to the
//! end, whatever a progress view does): `onProgress` is not called again, and the report carries the value
//! thrown as `progressError`.

use super::call::{call_masker, Caller, OnResponse, Pacing};
use super::errors::{invalid_options, to_js};
use super::json::{self, EngineJson, Preserved};
use super::{convert, environment, timer};
use crate::error::{ErrorKind, Failure};
use crate::fleet::{Fleet, FleetEntry, Totals};
use crate::masking::Masker;
use crate::model::{DisassociateRequest, Server};
use crate::options::{validate_disassociate_keypairs, FleetOptions};
use crate::request::Operation;
use crate::response::disassociate_result;
use core::cell::RefCell;
use js_sys::{Array, Date, Function, Promise, Reflect};
use serde::Serialize;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::{future_to_promise, JsFuture};
use web_sys::AbortSignal;

/// How often an idle worker or the watcher looks again: short enough that a fleet ends promptly.
const IDLE_MS: u32 = 25;
/// The watcher sleeps in steps of at most this, to notice a fleet that ended.
const WATCH_STEP_MS: u32 = 200;

/// Unbinds the SSH key pairs of many servers (up to 1000), `concurrency` at a time, and follows every task
/// to its end (unless `wait: false`). Resolves with a report in the order of `servers`; rejects only when
/// the options are invalid (no request is then made).
///
/// ```js
/// const report = await disassociateKeypairs({
///   region: 'cn-north-4', token, projectId,
///   servers: ['d76baba7-ef09-40a2-87ff-3eafec0696e7', { serverId: runningId, auth: { type: 'keypair', key } }],
///   onProgress: (event) => console.log(event.serverId, event.outcome, event.totals),
/// });
/// console.log(report.succeeded, 'of', report.total);
/// ```
#[wasm_bindgen(js_name = disassociateKeypairs)]
pub async fn disassociate_keypairs(options: JsValue) -> Result<JsValue, JsValue> {
    let options = convert::options(&options);
    let validated = validate_disassociate_keypairs(options.input, &environment())
        .map_err(|failure| invalid_options(failure, &options.thrown))?;
    let on_response = OnResponse::new(options.on_response);
    let run = Rc::new(Run::new(
        validated,
        options.signal,
        options.on_progress,
        on_response,
    ));
    run.note_known_failures().await;
    let workers = Array::new();
    let count = (run.options.concurrency as usize).min(run.options.servers.len());
    for _ in 0..count {
        workers.push(&future_to_promise(unbinder(run.clone())));
    }
    if run.options.wait {
        workers.push(&future_to_promise(watcher(run.clone())));
    }
    // The workers resolve (never reject): every failure is the report's.
    let _ = JsFuture::from(Promise::all(&workers)).await;
    Ok(run.report())
}

/// One fleet's shared state.
struct Run {
    options: FleetOptions,
    signal: Option<AbortSignal>,
    on_progress: RefCell<Option<Function>>,
    progress_error: RefCell<Option<JsValue>>,
    /// `onResponse`, told of every request's response (unbinds, list pages, confirmations).
    on_response: Option<OnResponse>,
    fleet: RefCell<Fleet>,
    pacing: Pacing,
}

impl Run {
    fn new(
        options: FleetOptions,
        signal: Option<AbortSignal>,
        on_progress: Option<Function>,
        on_response: Option<OnResponse>,
    ) -> Run {
        let fleet = Fleet::new(
            options
                .servers
                .iter()
                .map(|s| s.server_id.clone())
                .collect(),
            options.concurrency,
            options.client.max_attempts,
            options.wait,
            options.wait_settings.wait_timeout_ms,
        );
        Run {
            options,
            signal,
            on_progress: RefCell::new(on_progress),
            progress_error: RefCell::new(None),
            on_response,
            fleet: RefCell::new(fleet),
            pacing: Pacing::default(),
        }
    }

    /// Every secret of the fleet: the credentials and every server's `auth.key` (a server may echo any key
    /// it was sent, in any later answer).
    fn masker(&self) -> Masker<'_> {
        let keys = self
            .options
            .servers
            .iter()
            .filter_map(|server| server.auth.as_ref().map(|auth| auth.key.expose()));
        call_masker(&self.options.client.credentials, keys)
    }

    /// A caller for the fleet's requests; after an abort, without the signal (to reconcile what was cut) and
    /// without waiting for a turn (a `Retry-After` could otherwise hold an aborted fleet for a minute).
    fn caller<'a>(&'a self, masker: &'a Masker<'a>) -> Caller<'a> {
        let aborted = self.fleet.borrow().aborted();
        let signal = if aborted { None } else { self.signal.as_ref() };
        let caller = Caller::new(
            &self.options.client,
            &self.options.project_id,
            signal,
            masker,
        )
        .paced_by(&self.pacing)
        .observed_by(self.on_response.as_ref());
        if aborted {
            caller.without_turns()
        } else {
            caller
        }
    }

    fn abort(&self, failure: &Failure) {
        self.fleet.borrow_mut().abort(failure);
    }

    /// Reads the failed-tasks list before any unbind, so that reconciliation never takes an old failure for
    /// one of this fleet's (one request per fleet). If it cannot be read, reconciliation goes by task times.
    async fn note_known_failures(&self) {
        let masker = self.masker();
        match self.caller(&masker).list_all_tasks("failed-tasks").await {
            Ok(failed) => self.fleet.borrow_mut().known_failed(&failed),
            Err(failure) if failure.kind == ErrorKind::Abort => self.abort(&failure),
            Err(_) => {}
        }
    }

    /// Sleeps `ms`, or until the signal aborts (which aborts the fleet). Once aborted, a plain sleep: a
    /// sleep on an aborted signal would return at once, and a loop of those would starve the network.
    async fn pause(&self, ms: u32) {
        let signal = if self.fleet.borrow().aborted() {
            None
        } else {
            self.signal.as_ref()
        };
        if let Err(failure) = timer::sleep(ms, signal).await {
            self.abort(&failure);
        }
    }

    /// Sends the unbind of server `index`; returns its result and the unbind requests sent for the server in
    /// all (this call's and earlier ones').
    async fn unbind(&self, index: usize, masker: &Masker<'_>) -> (Result<String, Failure>, u32) {
        let server = &self.options.servers[index];
        let request = DisassociateRequest {
            server: Server {
                id: server.server_id.clone(),
                auth: server.auth.clone(),
            },
        };
        let operation = || Operation {
            name: "DisassociateKeypair",
            method: "POST",
            path: format!("/v3/{}/keypairs/disassociate", self.options.project_id),
            query: &[],
            body: Some(request.to_json()),
        };
        let sent_before = self.fleet.borrow().entries()[index].attempts;
        // Uncut: an abort stops the unbinds not yet sent, never one in flight (its answer holds its task ID).
        let caller = self.caller(masker).uncut().after_attempts(sent_before);
        let result = caller
            .send(
                operation,
                self.options.client.timeout_ms,
                disassociate_result::<EngineJson>,
            )
            .await;
        (result, caller.attempts())
    }

    /// Reads the running and failed task lists to look for the tasks of the unbinds whose answer was lost
    /// (one reading serves every server whose answer came before it started: [`Fleet::lists_read`]), and
    /// reports the servers it served.
    async fn read_lists(&self, masker: &Masker<'_>) {
        self.fleet.borrow_mut().reading_started();
        let caller = self.caller(masker);
        let running = caller.list_all_tasks("running-tasks").await;
        // Without the running list nothing can be concluded: the failed list is not read then.
        let failed = match &running {
            Ok(_) => caller.list_all_tasks("failed-tasks").await,
            Err(_) => Ok(Vec::new()),
        };
        let lists = match (&running, &failed) {
            (Ok(running), Ok(failed)) => Ok((running.as_slice(), failed.as_slice())),
            (Err(failure), _) | (_, Err(failure)) => Err(failure),
        };
        let served = self
            .fleet
            .borrow_mut()
            .lists_read(lists, Date::now(), masker);
        for index in served {
            self.report_progress(index);
        }
    }

    /// Calls `onProgress` with server `index`'s state and the running totals.
    fn report_progress(&self, index: usize) {
        let Some(callback) = self.on_progress.borrow().clone() else {
            return;
        };
        let event = {
            let fleet = self.fleet.borrow();
            json::to_js(&ProgressEvent {
                index,
                result: FleetResult::of(&fleet.entries()[index]),
                totals: TotalsJs::from(fleet.totals()),
            })
            // Numbers, strings and JS values only: serde-wasm-bindgen cannot fail on them.
            .unwrap_or(JsValue::UNDEFINED)
        };
        // The fleet's state is not borrowed while onProgress runs: it may call back into the package.
        if let Err(thrown) = callback.call1(&JsValue::NULL, &event) {
            // onProgress broke: the fleet goes on without it, and the report says what it threw.
            *self.on_progress.borrow_mut() = None;
            *self.progress_error.borrow_mut() = Some(thrown);
        }
    }

    fn report(&self) -> JsValue {
        let fleet = self.fleet.borrow();
        let totals = fleet.totals();
        let report = Report {
            total: totals.total,
            succeeded: totals.succeeded,
            failed: totals.failed,
            started: totals.started,
            not_started: totals.not_started,
            aborted: fleet.aborted(),
            requests: self.pacing.requests(),
            results: fleet.entries().iter().map(FleetResult::of).collect(),
        };
        let value = json::to_js(&report).unwrap_or(JsValue::UNDEFINED);
        if let Some(thrown) = self.progress_error.borrow().as_ref() {
            let _ = Reflect::set(&value, &JsValue::from_str("progressError"), thrown);
        }
        value
    }
}

/// One unbind worker: reads the task lists when an ambiguous answer needs them, or takes the next server and
/// unbinds it, until none is left.
async fn unbinder(run: Rc<Run>) -> Result<JsValue, JsValue> {
    let masker = run.masker();
    loop {
        // An abort (from onProgress, say) is seen before the next unbind is sent, not by sending it.
        if let Some(failure) = timer::aborted(run.signal.as_ref()) {
            run.abort(&failure);
        }
        if run.fleet.borrow().reading_due() {
            run.read_lists(&masker).await;
            continue;
        }
        let next = run.fleet.borrow_mut().next_unbind(Date::now());
        let Some(index) = next else {
            let busy = {
                let fleet = run.fleet.borrow();
                fleet.unbinding() || !fleet.to_reconcile().is_empty()
            };
            if !busy {
                break;
            }
            run.pause(IDLE_MS).await;
            continue;
        };
        let (outcome, attempts) = run.unbind(index, &masker).await;
        let now = Date::now();
        match outcome {
            Ok(task_id) => run
                .fleet
                .borrow_mut()
                .unbind_started(index, task_id, attempts, now),
            Err(failure) => {
                if failure.kind == ErrorKind::Abort {
                    run.abort(&failure);
                }
                // An ambiguous answer is looked for in the lists next ([`Fleet::reading_due`]), and its
                // outcome reported again then.
                run.fleet
                    .borrow_mut()
                    .unbind_failed(index, failure, attempts);
            }
        }
        run.report_progress(index);
    }
    Ok(JsValue::UNDEFINED)
}

/// The watcher: every `intervalMs`, reads the running list, then the failed list and the `GET` of each task
/// that left it, until every task has ended (or its wait timed out) or the fleet was aborted.
async fn watcher(run: Rc<Run>) -> Result<JsValue, JsValue> {
    let masker = run.masker();
    let interval = run.options.wait_settings.interval_ms;
    let mut next_round = Date::now() + f64::from(interval);
    loop {
        {
            let fleet = run.fleet.borrow();
            if fleet.is_done() || fleet.aborted() {
                break;
            }
        }
        let now = Date::now();
        if now < next_round {
            let step = ((next_round - now) as u32).clamp(1, WATCH_STEP_MS);
            run.pause(step).await;
            continue;
        }
        next_round = now + f64::from(interval);
        if run.fleet.borrow().waiting().is_empty() {
            continue;
        }
        let caller = run.caller(&masker);
        let running = match caller.list_all_tasks("running-tasks").await {
            Ok(running) => running,
            Err(failure) => {
                if failure.kind == ErrorKind::Abort {
                    run.abort(&failure);
                }
                // Otherwise the next round reads it again.
                continue;
            }
        };
        let (changed, left) = run
            .fleet
            .borrow_mut()
            .observe_running(&running, Date::now());
        for index in changed {
            run.report_progress(index);
        }
        if left.is_empty() {
            continue;
        }
        // Without the failed list, each task that left is confirmed by its GET (which says FAILED too).
        let failed = caller
            .list_all_tasks("failed-tasks")
            .await
            .unwrap_or_default();
        for index in left {
            if run
                .fleet
                .borrow_mut()
                .observe_failed(index, &failed, &masker)
            {
                run.report_progress(index);
                continue;
            }
            let task_id = run.fleet.borrow().entries()[index]
                .task_id()
                .map(str::to_owned);
            let Some(task_id) = task_id else {
                continue;
            };
            let read = caller
                .read_task(&task_id, run.options.client.timeout_ms)
                .await;
            if let Err(failure) = &read {
                if failure.kind == ErrorKind::Abort {
                    run.abort(failure);
                    break;
                }
            }
            if run.fleet.borrow_mut().confirmed(index, read, Date::now()) {
                run.report_progress(index);
            }
        }
    }
    Ok(JsValue::UNDEFINED)
}

/// The report `disassociateKeypairs` resolves with.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Report<'a> {
    total: usize,
    succeeded: usize,
    failed: usize,
    started: usize,
    not_started: usize,
    aborted: bool,
    /// Every request the fleet made, retries and list pages included.
    requests: u32,
    results: Vec<FleetResult<'a>>,
}

/// One server's line of the report, and of a progress event.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct FleetResult<'a> {
    server_id: &'a str,
    outcome: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    task_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    status: Option<&'a str>,
    attempts: u32,
    /// `KpsError.toJSON()` of the failure.
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<Preserved>,
}

impl<'a> FleetResult<'a> {
    fn of(entry: &'a FleetEntry) -> FleetResult<'a> {
        FleetResult {
            server_id: &entry.server_id,
            outcome: entry.outcome().as_str(),
            task_id: entry.task_id(),
            status: entry.status(),
            attempts: entry.attempts,
            error: entry
                .error
                .as_ref()
                .map(|failure| Preserved(error_json(failure))),
        }
    }
}

/// What `onProgress` receives: the server's line, its index in `servers`, and the running totals.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ProgressEvent<'a> {
    index: usize,
    #[serde(flatten)]
    result: FleetResult<'a>,
    totals: TotalsJs,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct TotalsJs {
    total: usize,
    succeeded: usize,
    failed: usize,
    started: usize,
    not_started: usize,
}

impl From<Totals> for TotalsJs {
    fn from(totals: Totals) -> TotalsJs {
        TotalsJs {
            total: totals.total,
            succeeded: totals.succeeded,
            failed: totals.failed,
            started: totals.started,
            not_started: totals.not_started,
        }
    }
}

/// `failure` as `KpsError.toJSON()` gives it: the one shape errors have in JSON.
fn error_json(failure: &Failure) -> JsValue {
    let error = to_js(failure.clone());
    Reflect::get(&error, &JsValue::from_str("toJSON"))
        .ok()
        .and_then(|to_json| to_json.dyn_into::<Function>().ok())
        .and_then(|to_json| to_json.call0(&error).ok())
        .unwrap_or(error)
}
