//! One call to the service: its attempts (the retry policy of [`crate::retry`]), each a signed request through
//! the transport whose answer is read with the request's secrets masked and explained where its usual cause
//! is the caller's setup ([`crate::hints`]), every response told to `onResponse` ([`OnResponse`]), and, in a
//! fleet, every request paced to the gateway's rate limit and counted ([`Pacing`]).

use super::errors::with_cause;
use super::json::EngineJson;
use super::{timer, transport};
use crate::error::{ErrorKind, Failure};
use crate::hints;
use crate::list_reading::{ListReading, PAGE_SIZE};
use crate::masking::Masker;
use crate::model::{KeypairTask, TaskEntry, TaskList};
use crate::options::{ClientOptions, Credentials};
use crate::pacing::Pacer;
use crate::request::{prepare, Operation};
use crate::response::HttpResponse;
use crate::retry::{proves_not_acted, Attempts, Method, Next};
use crate::tasks::{task_list_result, task_result};
use core::cell::{Cell, RefCell};
use js_sys::{Date, Function};
use wasm_bindgen::prelude::*;
use web_sys::AbortSignal;

#[wasm_bindgen(module = "/src/wasm/host.js")]
extern "C" {
    /// Calls `callback` with `{ operation, status, requestId, attempts }`; `false` when it threw (the exception
    /// is then reported as an event listener's would be).
    #[wasm_bindgen(js_name = notify)]
    fn notify_in_host(
        callback: &Function,
        operation: &str,
        status: u16,
        request_id: Option<String>,
        attempts: u32,
    ) -> bool;
}

/// The `onResponse` option: told of every response a call receives, in full (each attempt, each poll, each
/// list page), with the request ID already masked and checked. It observes a call and cannot change its
/// outcome: once it throws, it is not called again for that call.
pub(crate) struct OnResponse {
    callback: Function,
    broken: Cell<bool>,
}

impl OnResponse {
    /// The option's function, if one was given.
    pub(crate) fn new(callback: Option<Function>) -> Option<OnResponse> {
        callback.map(|callback| OnResponse {
            callback,
            broken: Cell::new(false),
        })
    }

    fn notify(&self, operation: &str, response: &HttpResponse, attempts: u32) {
        if self.broken.get() {
            return;
        }
        let request_id = response.request_id.clone();
        if !notify_in_host(
            &self.callback,
            operation,
            response.status,
            request_id,
            attempts,
        ) {
            self.broken.set(true);
        }
    }
}

/// The requests of a fleet, sharing one [`Pacer`] and one count.
#[derive(Default)]
pub(crate) struct Pacing {
    pacer: RefCell<Pacer>,
    requests: Cell<u32>,
}

impl Pacing {
    /// Requests sent so far, retries included.
    pub(crate) fn requests(&self) -> u32 {
        self.requests.get()
    }
}

/// Where a call's requests go and what they must not reveal: everything but the operation itself.
pub(crate) struct Caller<'a> {
    client: &'a ClientOptions,
    project_id: &'a str,
    signal: Option<&'a AbortSignal>,
    masker: &'a Masker<'a>,
    pacing: Option<&'a Pacing>,
    on_response: Option<&'a OnResponse>,
    /// What `fetch` threw when the last attempt got no response: the `cause` of the `KpsError` (see
    /// [`Caller::error`]). Kept aside because the pure [`Failure`] holds no JS value.
    cause: RefCell<Option<JsValue>>,
    /// The request ID of the last response received ([`Caller::request_id`]).
    request_id: RefCell<Option<String>>,
    /// Whether `signal` cuts a request already sent (else it stops only the waits before one).
    cut_in_flight: bool,
    /// Whether a paced request waits for its turn (else it goes out at once, still counted and reported).
    waits_for_turn: bool,
    /// Requests of the same operation sent by earlier calls ([`Caller::after_attempts`]): each call starts
    /// its count there (0: each request of a wait or a list reading has `maxAttempts` of its own).
    earlier: u32,
    /// The requests sent, by earlier calls and the last call, as each is sent ([`Caller::attempts`]).
    attempts: Cell<u32>,
}

/// A request that was answered: the response, the masker of its secrets, and the path it went to.
struct Answered<'a> {
    response: HttpResponse,
    masker: Masker<'a>,
    path: String,
}

impl<'a> Caller<'a> {
    /// A caller of one call (not paced, no `onResponse`: see [`Caller::paced_by`], [`Caller::observed_by`]).
    pub(crate) fn new(
        client: &'a ClientOptions,
        project_id: &'a str,
        signal: Option<&'a AbortSignal>,
        masker: &'a Masker<'a>,
    ) -> Caller<'a> {
        Caller {
            client,
            project_id,
            signal,
            masker,
            pacing: None,
            on_response: None,
            cause: RefCell::new(None),
            request_id: RefCell::new(None),
            cut_in_flight: true,
            waits_for_turn: true,
            earlier: 0,
            attempts: Cell::new(0),
        }
    }

    /// This caller, continuing the count of `made` requests sent by earlier calls of its operation: they share
    /// `maxAttempts`, and its error counts them all (a fleet's unbind of one server sent again).
    pub(crate) fn after_attempts(mut self, made: u32) -> Caller<'a> {
        self.earlier = made;
        self.attempts.set(made);
        self
    }

    /// The requests sent, by earlier calls ([`Caller::after_attempts`]) and this caller's last call.
    pub(crate) fn attempts(&self) -> u32 {
        self.attempts.get()
    }

    /// This caller, with requests already sent left to finish (within `timeoutMs`) when `signal` aborts: the
    /// signal then stops only the waits before a request. For a fleet's unbinds, whose answer is the only
    /// place their task ID comes from: cut in flight, an unbind the service acted on would be lost.
    pub(crate) fn uncut(mut self) -> Caller<'a> {
        self.cut_in_flight = false;
        self
    }

    /// This caller, with its paced requests sent at once whatever pause the pacer is in: for a fleet's
    /// requests after its abort, which must end within their `timeoutMs`, not wait out a `Retry-After`.
    pub(crate) fn without_turns(mut self) -> Caller<'a> {
        self.waits_for_turn = false;
        self
    }

    /// This caller, with every response told to `on_response`.
    pub(crate) fn observed_by(mut self, on_response: Option<&'a OnResponse>) -> Caller<'a> {
        self.on_response = on_response;
        self
    }

    /// This caller, with its requests paced and counted with a fleet's.
    pub(crate) fn paced_by(mut self, pacing: &'a Pacing) -> Caller<'a> {
        self.pacing = Some(pacing);
        self
    }

    /// The `KpsError` for a failure of this caller's call: a failure for want of a response keeps what
    /// `fetch` threw as its `cause`.
    pub(crate) fn error(&self, failure: Failure) -> JsValue {
        let cause = self.cause.borrow_mut().take();
        let cause = cause.filter(|_| failure.kind == ErrorKind::Network && failure.status == 0);
        with_cause(failure, cause)
    }

    /// One call: requests `operation` (built anew for each attempt) and turns the answer into a result with
    /// `read`, retrying as [`crate::retry`]'s policy says within `timeout_ms`. Each request and its answer see
    /// its secrets masked: the call's and the request's own signature, which exists only once it is signed. A
    /// rejected call's error counts its attempts.
    pub(crate) async fn send<'q, T>(
        &self,
        operation: impl Fn() -> Operation<'q>,
        timeout_ms: u32,
        read: impl Fn(HttpResponse, &Masker) -> Result<T, Failure>,
    ) -> Result<T, Failure> {
        let first = operation();
        let method = Method::of(first.method);
        let mut next = Some(first);
        self.attempts.set(self.earlier);
        // The failure of the attempt before, while a retry is under way.
        let mut last: Option<Failure> = None;
        // A fleet's request waits for its turn first: `timeoutMs` bounds the request, not the queue.
        self.wait_for_turn().await?;
        let mut attempts = Attempts::new(self.client.max_attempts, method, Date::now(), timeout_ms)
            .resumed(self.earlier);
        loop {
            let operation = next.take().unwrap_or_else(&operation);
            // The first attempt always goes out. A retry is only scheduled when its attempt would have time,
            // but its timer may fire late (a busy machine, a background tab): past the deadline, it is not
            // sent (an unbind sent with no time to answer would be performed and its answer lost).
            let attempt_timeout = match (attempts.start(Date::now()), last.take()) {
                (Some(ms), _) => ms,
                (None, None) => 1,
                (None, Some(failure)) => return Err(attempts.counted(failure)),
            };
            self.attempts.set(attempts.made());
            if let Some(pacing) = self.pacing {
                pacing.requests.set(pacing.requests.get() + 1);
            }
            let sent = Date::now();
            let outcome = match self
                .attempt(operation, attempt_timeout, timeout_ms, attempts.made())
                .await
            {
                Ok(answered) => read(answered.response, &answered.masker)
                    .map_err(|failure| self.explain(failure, &answered.path, &answered.masker)),
                Err(failure) => Err(failure),
            };
            let now = Date::now();
            let failure = match outcome {
                Ok(value) => {
                    self.answered(sent, now, None);
                    return Ok(value);
                }
                Err(failure) => failure,
            };
            let retry_after = failure
                .retry_after
                .as_deref()
                .map(|retry_after| retry_after.delay_ms(now));
            self.answered(sent, now, Some((&failure, retry_after)));
            match attempts.after_failure(failure.clone(), retry_after, now, js_sys::Math::random())
            {
                Next::RetryAfter(ms) => {
                    last = Some(failure);
                    timer::sleep(ms, self.signal)
                        .await
                        .map_err(|failure| attempts.counted(failure))?;
                    let queued = Date::now();
                    self.wait_for_turn()
                        .await
                        .map_err(|failure| attempts.counted(failure))?;
                    attempts.postpone(Date::now() - queued);
                }
                Next::GiveUp(failure) => return Err(failure),
            }
        }
    }

    /// One attempt of [`Caller::send`], the part that does not depend on the result's type (kept out of the
    /// generic function, which the wasm has one copy of per result type): the request signed, sent and
    /// answered, `onResponse` told. Without a response, what `fetch` threw is kept for [`Caller::error`].
    async fn attempt(
        &self,
        operation: Operation<'_>,
        attempt_timeout: u32,
        timeout_ms: u32,
        made: u32,
    ) -> Result<Answered<'a>, Failure> {
        self.cause.replace(None);
        let (name, path) = (operation.name, operation.path.clone());
        let request = prepare(operation, self.project_id, self.client, Date::now())?;
        let masker = self.masker.with(request.signature_secrets());
        let sent = transport::send(
            request,
            attempt_timeout,
            timeout_ms,
            if self.cut_in_flight {
                self.signal.cloned()
            } else {
                None
            },
            &masker,
        )
        .await;
        let response = match sent {
            Ok(response) => response,
            Err(unanswered) => {
                self.cause.replace(unanswered.cause);
                return Err(unanswered.failure);
            }
        };
        self.request_id.replace(response.request_id.clone());
        if let Some(on_response) = self.on_response {
            on_response.notify(name, &response, made);
        }
        Ok(Answered {
            response,
            masker,
            path,
        })
    }

    /// `failure`, read from the answer to a request of `path`, with its likely cause ([`hints`]).
    fn explain(&self, failure: Failure, path: &str, masker: &Masker) -> Failure {
        let signed = matches!(self.client.credentials, Credentials::AccessKey { .. });
        hints::explain_answer(failure, &self.client.endpoint, path, signed, masker)
    }

    /// The `X-Request-Id` of the last response this caller received (masked and checked), if it had one.
    pub(crate) fn request_id(&self) -> Option<String> {
        self.request_id.borrow().clone()
    }

    /// In a fleet, waits until the pacer lets the next request go: for its slot, and for a new one if the
    /// gateway refused a request meanwhile (the slot was spaced at a pace it refused).
    async fn wait_for_turn(&self) -> Result<(), Failure> {
        let Some(pacing) = self.pacing.filter(|_| self.waits_for_turn) else {
            return Ok(());
        };
        loop {
            let (wait, episode) = {
                let mut pacer = pacing.pacer.borrow_mut();
                (pacer.wait_ms(Date::now()), pacer.episode())
            };
            if wait >= 1.0 {
                timer::sleep(wait as u32, self.signal).await?;
            }
            if pacing.pacer.borrow().episode() == episode {
                return Ok(());
            }
        }
    }

    /// Tells the pacer how a request sent at `sent` was answered (`failure` with its `Retry-After`, or `None`).
    fn answered(&self, sent: f64, now: f64, failure: Option<(&Failure, Option<f64>)>) {
        if let Some(pacing) = self.pacing {
            let (throttled, retry_after) = match failure {
                Some((failure, retry_after)) => (proves_not_acted(failure), retry_after),
                None => (false, None),
            };
            pacing
                .pacer
                .borrow_mut()
                .answered(sent, now, throttled, retry_after);
        }
    }

    /// `GET /v3/{project_id}/tasks/{task_id}`.
    pub(crate) async fn read_task(
        &self,
        task_id: &str,
        timeout_ms: u32,
    ) -> Result<KeypairTask, Failure> {
        let operation = || Operation {
            name: "ListKeypairTask",
            method: "GET",
            path: format!("/v3/{}/tasks/{task_id}", self.project_id),
            query: &[],
            body: None,
        };
        self.send(operation, timeout_ms, task_result::<EngineJson>)
            .await
    }

    /// One page of `GET /v3/{project_id}/{which}` (`running-tasks` or `failed-tasks`), within `timeout_ms`.
    pub(crate) async fn list_tasks(
        &self,
        which: &str,
        limit: Option<u32>,
        offset: Option<u32>,
        timeout_ms: u32,
    ) -> Result<TaskList, Failure> {
        let mut query: Vec<(&str, String)> = Vec::new();
        if let Some(limit) = limit {
            query.push(("limit", limit.to_string()));
        }
        if let Some(offset) = offset {
            query.push(("offset", offset.to_string()));
        }
        let name = if which == "running-tasks" {
            "ListRunningTask"
        } else {
            "ListFailedTask"
        };
        let operation = || Operation {
            name,
            method: "GET",
            path: format!("/v3/{}/{which}", self.project_id),
            query: &query,
            body: None,
        };
        self.send(operation, timeout_ms, task_list_result::<EngineJson>)
            .await
    }

    /// Every task of a list, page after page, as [`ListReading`] decides: complete, or an `INVALID_RESPONSE`
    /// when its pages cannot make a list within [`crate::list_reading::MAX_PAGES`] pages. After a fleet's abort
    /// ([`Caller::without_turns`]), the whole reading fits in one `timeoutMs`.
    pub(crate) async fn list_all_tasks(&self, which: &str) -> Result<Vec<TaskEntry>, Failure> {
        let timeout_ms = self.client.timeout_ms;
        let mut reading = ListReading::new(which);
        if !self.waits_for_turn {
            reading = reading.within(Date::now() + f64::from(timeout_ms));
        }
        loop {
            let offset = reading.offset();
            let page_timeout = reading.page_timeout(Date::now(), timeout_ms)?;
            let page = self
                .list_tasks(which, Some(PAGE_SIZE), Some(offset), page_timeout)
                .await
                .map_err(|failure| reading.page_failed(failure, Date::now()))?;
            if reading.add(page)? {
                return Ok(reading.into_tasks());
            }
        }
    }
}

/// The call's secrets, masked in anything a server sends back: the token, or the access key ID, secret key
/// and security token; and `auth_keys`, the passwords or private keys of the unbinds, where the call has them.
pub(crate) fn call_masker<'a>(
    credentials: &'a Credentials,
    auth_keys: impl IntoIterator<Item = &'a str>,
) -> Masker<'a> {
    let mut secrets: Vec<&str> = auth_keys.into_iter().collect();
    match credentials {
        Credentials::Token(token) => secrets.push(token.expose()),
        Credentials::AccessKey {
            access_key_id,
            secret_access_key,
            security_token,
        } => {
            secrets.push(access_key_id);
            secrets.push(secret_access_key.expose());
            secrets.extend(security_token.as_ref().map(|token| token.expose()));
        }
    }
    Masker::new(secrets)
}
