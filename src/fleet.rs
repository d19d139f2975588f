//! The fleet unbind (`disassociateKeypairs`) as a pure state machine: which server to unbind next, what an
//! unbind's answer means, how an ambiguous answer is reconciled with the task lists, how progress is learnt
//! from the lists rather than by polling every task, and the report. The requests, the clock and the
//! sleeping are the driver's (`src/wasm/fleet.rs`); every decision is here and tested natively.
//!
//! Decisions where the contract leaves room:
//! - **No unbind lost or doubled.** An unbind whose answer may have been lost (no response, a body cut short,
//!   `500`/`502`/`504`, the request's timeout) and one answered `KPS.0002` (which KPS also answers when a task
//!   is already in progress on the server) are *reconciled*: the running and failed task lists are read, and a
//!   task of that server is adopted. A failed task counts only if it was not in the failed-tasks list read when
//!   the fleet started ([`Fleet::known_failed`]: failed tasks stay listed until deleted, so a fleet re-run after
//!   a failed one would otherwise adopt the old failure); when that list could not be read, only if it is
//!   younger than the first attempt minus [`CLOCK_SKEW_MS`]. Not found: an ambiguous unbind is sent again
//!   (within `maxAttempts`); a `KPS.0002` is the failure it says. Not found means never performed, or already
//!   succeeded (a fast task leaves both lists): sending again is what tells them apart, since KPS answers
//!   `KPS.6004` (no key pair bound) to an unbind of a server its first unbind freed. That answer, after a lost
//!   one, is a success without a task ID ([`ServerState::Unbound`]).
//! - **No evidence, no second unbind.** When the lists cannot be read, or no more unbind may be sent (its
//!   `maxAttempts`, an abort), a server whose unbind's answer was lost is [`ServerState::Unknown`] (outcome
//!   `started` without a task ID: check the server), never `not-started` (which invites sending it again) nor
//!   `failed`: a second unbind is sent only after lists that were read showed no task of the server.
//! - `attempts` is the number of unbind requests actually sent for a server, retries of throttled ones and
//!   resends after a lost answer included; `maxAttempts` bounds that number, and the error's `attempts` is the
//!   same number.
//! - **Few requests.** Progress comes from the running-tasks list (all pages, once per `intervalMs` for the
//!   whole fleet). A task that left it is looked up in the failed-tasks list (read only in rounds where some
//!   task left); one that is not there is confirmed with one `GET` of the task.
//! - `waitTimeoutMs` bounds each task's wait from the moment it started: a task still running then keeps its
//!   task ID with outcome `started` and a timeout error.
//! - On abort, no unbind starts, and waiting stops. The driver never cuts an unbind in flight (its answer is the
//!   only place its task ID comes from, and the service may act on it after a cut): it lets it finish within its
//!   `timeoutMs`. So an unbind that fails with an abort was never sent (the abort stopped a wait before it: a
//!   pacing turn, or a retry after an answer that proved the service did not act): it is `not-started`.

use crate::error::{ErrorKind, Failure};
use crate::masking::Masker;
use crate::model::{KeypairTask, TaskEntry};
use crate::retry::{may_have_acted, proves_not_acted};
use crate::tasks::TaskPhase;

/// A failed task older than an unbind's first attempt by more than this is not its task (client and service
/// clocks may differ by this much).
pub const CLOCK_SKEW_MS: f64 = 5.0 * 60.0 * 1000.0;

/// The `status` of a server found unbound by a resend ([`ServerState::Unbound`]): not a task status, since no
/// task was seen.
pub const KEYPAIR_NOT_BOUND: &str = "KEYPAIR_NOT_BOUND";

/// Where one server of the fleet is.
#[derive(Clone, Debug, PartialEq)]
pub enum ServerState {
    /// Not sent yet.
    Queued,
    /// An unbind request is in flight.
    Unbinding,
    /// The unbind's answer was ambiguous (or `KPS.0002`): its task is being looked for in the lists.
    Reconciling {
        /// Whether the unbind may be sent again when no task is found (false for `KPS.0002`).
        resend: bool,
        /// The readings of the lists started before the answer came ([`Fleet::reading_started`]): only a
        /// later one can show its task.
        after_reading: u32,
    },
    /// The task runs; `status` is the last one seen.
    Started { task_id: String, status: String },
    /// The task ended `SUCCESS_*`.
    Succeeded { task_id: String, status: String },
    /// An unbind's answer was lost, its task was in neither list, and the unbind sent again was answered
    /// `KPS.6004`: no key pair is bound to the server any more, and which task unbound it is unknown.
    Unbound,
    /// An unbind's answer was lost, and nothing could tell whether it was performed (the task lists could not
    /// be read, or no unbind may be sent again to find out): its error says why. Reported `started` without a
    /// task ID, so that nobody sends it again without checking the server.
    Unknown,
    /// The unbind was refused, or its task ended `FAILED_*`.
    Failed {
        task_id: Option<String>,
        status: Option<String>,
    },
    /// Never started: throttled on every attempt, or the fleet was aborted first (its error says which).
    NotStarted,
}

/// One server's line of the report.
#[derive(Clone, Debug, PartialEq)]
pub struct FleetEntry {
    pub server_id: String,
    pub state: ServerState,
    /// Unbind requests actually sent for this server, retries and resends included (0 when none was).
    pub attempts: u32,
    /// Why it failed, or why its wait stopped (a timeout, an abort).
    pub error: Option<Failure>,
    /// When its first unbind was sent (the JS clock), for reconciliation.
    first_sent_ms: Option<f64>,
    /// When its task was known to have started, for `waitTimeoutMs`.
    started_ms: Option<f64>,
    /// Whether an unbind of this server may have been performed with its answer lost.
    lost: bool,
}

/// The outcome of a server as the report names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Succeeded,
    Failed,
    Started,
    NotStarted,
}

impl Outcome {
    /// The report's spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Succeeded => "succeeded",
            Outcome::Failed => "failed",
            Outcome::Started => "started",
            Outcome::NotStarted => "not-started",
        }
    }
}

impl FleetEntry {
    /// The outcome this entry would have if the fleet ended now. A server whose unbind's answer was lost is
    /// `started` until the fleet knows more (its task is looked for, or it is sent again to find out): that
    /// unbind may have been performed, and `not-started` would invite sending it again.
    pub fn outcome(&self) -> Outcome {
        match self.state {
            ServerState::Succeeded { .. } | ServerState::Unbound => Outcome::Succeeded,
            ServerState::Failed { .. } => Outcome::Failed,
            ServerState::Started { .. } | ServerState::Unknown => Outcome::Started,
            ServerState::Queued | ServerState::Unbinding | ServerState::Reconciling { .. }
                if self.lost =>
            {
                Outcome::Started
            }
            ServerState::Queued
            | ServerState::Unbinding
            | ServerState::Reconciling { .. }
            | ServerState::NotStarted => Outcome::NotStarted,
        }
    }

    /// The task ID, once known.
    pub fn task_id(&self) -> Option<&str> {
        match &self.state {
            ServerState::Started { task_id, .. } | ServerState::Succeeded { task_id, .. } => {
                Some(task_id)
            }
            ServerState::Failed { task_id, .. } => task_id.as_deref(),
            _ => None,
        }
    }

    /// The task's last status, once known.
    pub fn status(&self) -> Option<&str> {
        match &self.state {
            ServerState::Started { status, .. } | ServerState::Succeeded { status, .. } => {
                Some(status)
            }
            ServerState::Failed { status, .. } => status.as_deref(),
            ServerState::Unbound => Some(KEYPAIR_NOT_BOUND),
            _ => None,
        }
    }

    /// After a lost answer, nothing can tell whether the unbind was performed ([`ServerState::Unknown`]): its
    /// error (the lost answer's) says `why`.
    fn unverifiable(&mut self, why: &str) {
        self.state = ServerState::Unknown;
        self.error = self.error.take().map(|lost| unverified(lost, why));
    }

    fn is_final(&self, wait: bool) -> bool {
        match self.state {
            ServerState::Succeeded { .. }
            | ServerState::Unbound
            | ServerState::Unknown
            | ServerState::Failed { .. }
            | ServerState::NotStarted => true,
            // Without waiting, a started task is as far as the fleet goes; with it, a task whose wait timed
            // out (it has an error) is too.
            ServerState::Started { .. } => !wait || self.error.is_some(),
            _ => false,
        }
    }
}

/// Running totals, as `onProgress` and the report give them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Totals {
    pub total: usize,
    pub succeeded: usize,
    pub failed: usize,
    pub started: usize,
    pub not_started: usize,
}

/// The fleet: every server's state, in the order of `servers`.
#[derive(Debug)]
pub struct Fleet {
    entries: Vec<FleetEntry>,
    /// The first server never sent.
    next_queued: usize,
    /// Servers to send again (an ambiguous answer and no task found), sent before new ones.
    resend: Vec<usize>,
    in_flight: usize,
    concurrency: usize,
    max_attempts: u32,
    wait: bool,
    wait_timeout_ms: f64,
    aborted: bool,
    /// The IDs of the failed tasks listed when the fleet started, when that list could be read.
    failed_before: Option<Vec<String>>,
    /// Readings of the task lists started so far to reconcile lost answers, and the number of the one under
    /// way: one reading serves every server whose answer was lost before it started.
    readings_started: u32,
    reading: Option<u32>,
    /// Whether the last reading failed and served nobody: the next one is the servers' last chance.
    reading_failed: bool,
}

/// What an unbind's failure leads to.
#[derive(Debug, PartialEq)]
pub enum AfterUnbind {
    /// The server's state changed for good (failed); report it.
    Settled,
    /// Look for its task in the lists first.
    Reconcile,
}

impl Fleet {
    /// A fleet of `server_ids`, in order, none sent yet.
    pub fn new(
        server_ids: Vec<String>,
        concurrency: u32,
        max_attempts: u32,
        wait: bool,
        wait_timeout_ms: u32,
    ) -> Fleet {
        Fleet {
            entries: server_ids
                .into_iter()
                .map(|server_id| FleetEntry {
                    server_id,
                    state: ServerState::Queued,
                    attempts: 0,
                    error: None,
                    first_sent_ms: None,
                    started_ms: None,
                    lost: false,
                })
                .collect(),
            next_queued: 0,
            resend: Vec::new(),
            in_flight: 0,
            concurrency: concurrency.max(1) as usize,
            max_attempts: max_attempts.max(1),
            wait,
            wait_timeout_ms: f64::from(wait_timeout_ms),
            aborted: false,
            failed_before: None,
            readings_started: 0,
            reading: None,
            reading_failed: false,
        }
    }

    /// The failed tasks listed before the fleet sent anything: none of them is ever taken for one of its
    /// unbinds.
    pub fn known_failed(&mut self, failed: &[TaskEntry]) {
        self.failed_before = Some(failed.iter().map(|task| task.task_id.clone()).collect());
    }

    /// The servers, in order.
    pub fn entries(&self) -> &[FleetEntry] {
        &self.entries
    }

    /// Whether the caller's signal aborted the fleet.
    pub fn aborted(&self) -> bool {
        self.aborted
    }

    /// The next server to send an unbind for at `now_ms`, if one is queued and fewer than `concurrency`
    /// unbinds are in flight. Servers to send again (an ambiguous answer, no task found) come first. Its
    /// requests are counted when they are sent ([`Fleet::unbind_started`], [`Fleet::unbind_failed`]), not
    /// here: the request may yet wait for its turn and be aborted unsent.
    pub fn next_unbind(&mut self, now_ms: f64) -> Option<usize> {
        if self.aborted || self.in_flight >= self.concurrency {
            return None;
        }
        let index = match self.resend.pop() {
            Some(index) => index,
            None if self.next_queued < self.entries.len() => {
                self.next_queued += 1;
                self.next_queued - 1
            }
            None => return None,
        };
        let entry = &mut self.entries[index];
        entry.state = ServerState::Unbinding;
        entry.first_sent_ms.get_or_insert(now_ms);
        self.in_flight += 1;
        Some(index)
    }

    /// Whether every server is as far as the fleet takes it (or the fleet was aborted and nothing is in flight).
    pub fn is_done(&self) -> bool {
        if self.aborted {
            return self.in_flight == 0
                && !self
                    .entries
                    .iter()
                    .any(|e| matches!(e.state, ServerState::Reconciling { .. }));
        }
        self.entries.iter().all(|e| e.is_final(self.wait))
    }

    /// Whether unbinds remain to send or are in flight.
    pub fn unbinding(&self) -> bool {
        !self.aborted
            && self
                .entries
                .iter()
                .any(|e| matches!(e.state, ServerState::Queued | ServerState::Unbinding))
    }

    /// The unbind of server `index` was accepted with `task_id` at `now_ms`, after `attempts` unbind requests
    /// sent for the server in all.
    pub fn unbind_started(&mut self, index: usize, task_id: String, attempts: u32, now_ms: f64) {
        self.in_flight = self.in_flight.saturating_sub(1);
        let entry = &mut self.entries[index];
        entry.attempts = entry.attempts.max(attempts);
        entry.state = ServerState::Started {
            task_id,
            status: "READY_UNBIND".to_owned(),
        };
        entry.started_ms = Some(now_ms);
        entry.error = None;
    }

    /// The unbind of server `index` failed with `failure` (after the retries its policy allows), after
    /// `attempts` unbind requests sent for the server in all.
    pub fn unbind_failed(
        &mut self,
        index: usize,
        mut failure: Failure,
        attempts: u32,
    ) -> AfterUnbind {
        self.in_flight = self.in_flight.saturating_sub(1);
        let ambiguous = may_have_acted(&failure) || failure.kind == ErrorKind::Timeout;
        let in_progress = failure.kind == ErrorKind::Api && failure.code == "KPS.0002";
        let after_reading = self.readings_started;
        let entry = &mut self.entries[index];
        entry.attempts = entry.attempts.max(attempts);
        failure.attempts = entry.attempts.max(1);
        entry.lost |= ambiguous;
        if entry.lost && failure.kind == ErrorKind::Api && failure.code == "KPS.6004" {
            // Sent again after a lost answer, and no key pair is bound: the first one freed the server.
            entry.state = ServerState::Unbound;
            entry.error = None;
            return AfterUnbind::Settled;
        }
        entry.state = if ambiguous || in_progress {
            ServerState::Reconciling {
                resend: ambiguous,
                after_reading,
            }
        } else if entry.lost {
            // A resend refused: what the lost unbind did is still unknown.
            ServerState::Unknown
        } else if proves_not_acted(&failure) || failure.kind == ErrorKind::Abort {
            ServerState::NotStarted
        } else {
            ServerState::Failed {
                task_id: None,
                status: None,
            }
        };
        if entry.state == ServerState::Unknown {
            let why = if failure.kind == ErrorKind::Abort {
                "the fleet was aborted before the unbind could be sent again to find out"
            } else {
                "the unbind sent again to find out was refused"
            };
            failure = unverified(failure, why);
        }
        entry.error = Some(failure);
        if ambiguous || in_progress {
            AfterUnbind::Reconcile
        } else {
            AfterUnbind::Settled
        }
    }

    /// The servers waiting for reconciliation.
    pub fn to_reconcile(&self) -> Vec<usize> {
        self.entries
            .iter()
            .enumerate()
            .filter(|(_, e)| matches!(e.state, ServerState::Reconciling { .. }))
            .map(|(i, _)| i)
            .collect()
    }

    /// Whether the driver should read the task lists now ([`Fleet::reading_started`], then
    /// [`Fleet::lists_read`]): a server's task is to be looked for and no reading is under way. After an
    /// abort, only once no unbind is in flight (its answer may be lost too): one reading after the last of
    /// them then serves every server, so that an aborted fleet ends within one `timeoutMs` for the unbinds in
    /// flight and one reading of the two lists.
    pub fn reading_due(&self) -> bool {
        self.reading.is_none()
            && (!self.aborted || self.in_flight == 0)
            && self
                .entries
                .iter()
                .any(|e| matches!(e.state, ServerState::Reconciling { .. }))
    }

    /// The driver starts reading the task lists.
    pub fn reading_started(&mut self) {
        self.readings_started += 1;
        self.reading = Some(self.readings_started);
    }

    /// The reading under way ended at `now_ms` with the lists (`running`, `failed`) or the failure that
    /// stopped it. It serves every server whose answer came before it started: each is reconciled with the
    /// lists ([`Fleet::reconcile`]), or, when they could not be read, left without evidence
    /// ([`Fleet::lists_unreadable`]). A server whose answer came later waits for the next reading. Serving
    /// none: an abort (the fleet is aborted, and the next reading is made without the signal), and, before
    /// an abort, lists that could not be read after a reading that could (one failed page, after its
    /// retries, is not yet proof: the next reading decides; after an abort there is no time for it).
    /// Returns the servers served, to report.
    pub fn lists_read(
        &mut self,
        lists: Result<(&[TaskEntry], &[TaskEntry]), &Failure>,
        now_ms: f64,
        masker: &Masker,
    ) -> Vec<usize> {
        let Some(reading) = self.reading.take() else {
            return Vec::new();
        };
        if let Err(failure) = lists {
            if failure.kind == ErrorKind::Abort {
                self.abort(failure);
                return Vec::new();
            }
            if !self.aborted && !self.reading_failed {
                self.reading_failed = true;
                return Vec::new();
            }
        }
        self.reading_failed = false;
        let served: Vec<usize> = self
            .entries
            .iter()
            .enumerate()
            .filter(|(_, e)| {
                matches!(e.state, ServerState::Reconciling { after_reading, .. } if after_reading < reading)
            })
            .map(|(index, _)| index)
            .collect();
        for &index in &served {
            match lists {
                Ok((running, failed)) => {
                    self.reconcile(index, running, failed, now_ms, masker);
                }
                Err(failure) => self.lists_unreadable(index, failure),
            }
        }
        served
    }

    /// Reconciles server `index` with the task lists just read (`running`, `failed`) at `now_ms`. Returns
    /// whether its state changed in a way worth reporting.
    pub fn reconcile(
        &mut self,
        index: usize,
        running: &[TaskEntry],
        failed: &[TaskEntry],
        now_ms: f64,
        masker: &Masker,
    ) -> bool {
        let max_attempts = self.max_attempts;
        let aborted = self.aborted;
        let failed_before = self.failed_before.as_deref();
        let entry = &mut self.entries[index];
        let ServerState::Reconciling { resend, .. } = entry.state else {
            return false;
        };
        let sent = entry.first_sent_ms.unwrap_or(now_ms);
        if let Some(task) = running
            .iter()
            .find(|t| t.server_id == entry.server_id && is_unbind(&t.operate_type))
        {
            entry.state = ServerState::Started {
                task_id: task.task_id.clone(),
                status: listed_status(&task.operate_type),
            };
            entry.started_ms = Some(now_ms);
            entry.error = None;
            return true;
        }
        if let Some(task) = failed
            .iter()
            .filter(|t| t.server_id == entry.server_id && is_unbind(&t.operate_type))
            .filter(|t| match failed_before {
                Some(before) => !before.contains(&t.task_id),
                None => t.task_time >= sent - CLOCK_SKEW_MS,
            })
            .max_by(|a, b| a.task_time.total_cmp(&b.task_time))
        {
            entry.state = ServerState::Failed {
                task_id: Some(task.task_id.clone()),
                status: Some("FAILED_UNBIND".to_owned()),
            };
            entry.error = Some(listed_failure(task, masker));
            return true;
        }
        if resend && !aborted && entry.attempts < max_attempts {
            entry.state = ServerState::Queued;
            self.resend.push(index);
            return false;
        }
        // Not found, and not to be sent again: a KPS.0002 is the failure it says; after a lost answer, not
        // found means never performed or already succeeded, which only a resend could tell.
        if entry.lost {
            entry.unverifiable(
                "its task is in neither task list, and no more unbind may be sent to find out",
            );
        } else {
            entry.state = ServerState::Failed {
                task_id: None,
                status: None,
            };
        }
        true
    }

    /// The task lists could not be read (`failure`) to reconcile server `index`: without evidence either way,
    /// its unbind is never sent again (it may have been performed); the server is [`ServerState::Unknown`], or,
    /// after a `KPS.0002`, the failure it says.
    pub fn lists_unreadable(&mut self, index: usize, failure: &Failure) {
        let entry = &mut self.entries[index];
        if !matches!(entry.state, ServerState::Reconciling { .. }) {
            return;
        }
        if entry.lost {
            entry.unverifiable(&format!(
                "the task lists could not be read to find its task ({})",
                failure.message
            ));
        } else {
            entry.state = ServerState::Failed {
                task_id: None,
                status: None,
            };
        }
    }

    /// The fleet's signal aborted: no unbind starts from now on (the servers never sent are `not-started`),
    /// and waiting stops.
    pub fn abort(&mut self, error: &Failure) {
        self.aborted = true;
        for entry in &mut self.entries {
            if entry.state != ServerState::Queued {
                continue;
            }
            if entry.lost {
                // Queued to be sent again after a lost answer: what that answer was is still unknown.
                entry.unverifiable(
                    "the fleet was aborted before the unbind could be sent again to find out",
                );
            } else {
                entry.state = ServerState::NotStarted;
                entry.error.get_or_insert_with(|| error.clone());
            }
        }
        self.resend.clear();
        self.next_queued = self.entries.len();
    }

    /// The task IDs still being waited for, with their servers' indexes.
    pub fn waiting(&self) -> Vec<(usize, String)> {
        if !self.wait || self.aborted {
            return Vec::new();
        }
        self.entries
            .iter()
            .enumerate()
            .filter(|(_, e)| e.error.is_none())
            .filter_map(|(i, e)| match &e.state {
                ServerState::Started { task_id, .. } => Some((i, task_id.clone())),
                _ => None,
            })
            .collect()
    }

    /// A round of progress at `now_ms` from the running-tasks list: returns the indexes whose status changed
    /// (to report), and those whose task left the list (to look up in the failed list, then confirm).
    pub fn observe_running(
        &mut self,
        running: &[TaskEntry],
        now_ms: f64,
    ) -> (Vec<usize>, Vec<usize>) {
        let mut changed = Vec::new();
        let mut left = Vec::new();
        for (index, task_id) in self.waiting() {
            let entry = &mut self.entries[index];
            match running.iter().find(|t| t.task_id == task_id) {
                Some(task) => {
                    let status = listed_status(&task.operate_type);
                    if let ServerState::Started { status: last, .. } = &mut entry.state {
                        if *last != status {
                            *last = status;
                            changed.push(index);
                        }
                    }
                    if now_ms - entry.started_ms.unwrap_or(now_ms) > self.wait_timeout_ms {
                        entry.error = Some(wait_timed_out(&task_id, self.wait_timeout_ms));
                        changed.push(index);
                    }
                }
                None => left.push(index),
            }
        }
        (changed, left)
    }

    /// A task that left the running list and is in the failed list: it failed, for the list's reason.
    /// Returns false when the task is not in `failed` (it must then be confirmed with a GET).
    pub fn observe_failed(&mut self, index: usize, failed: &[TaskEntry], masker: &Masker) -> bool {
        let entry = &mut self.entries[index];
        let Some(task_id) = entry.task_id().map(str::to_owned) else {
            return false;
        };
        let Some(task) = failed.iter().find(|t| t.task_id == task_id) else {
            return false;
        };
        entry.state = ServerState::Failed {
            task_id: Some(task_id),
            status: Some("FAILED_UNBIND".to_owned()),
        };
        entry.error = Some(listed_failure(task, masker));
        true
    }

    /// The GET of the task of server `index` answered at `now_ms`. Returns whether its state changed.
    pub fn confirmed(
        &mut self,
        index: usize,
        read: Result<KeypairTask, Failure>,
        now_ms: f64,
    ) -> bool {
        let wait_timeout_ms = self.wait_timeout_ms;
        let entry = &mut self.entries[index];
        let ServerState::Started { task_id, status } = &mut entry.state else {
            return false;
        };
        let timed_out = now_ms - entry.started_ms.unwrap_or(now_ms) > wait_timeout_ms;
        let task = match read {
            Ok(task) => task,
            // A transient read failure: the next round tries again, within the task's waitTimeoutMs; any
            // other failure ends this server's wait.
            Err(failure) if may_have_acted(&failure) || proves_not_acted(&failure) => {
                if timed_out {
                    entry.error = Some(wait_timed_out(task_id, wait_timeout_ms));
                    return true;
                }
                return false;
            }
            Err(failure) => {
                entry.error = Some(failure);
                return true;
            }
        };
        let task_id = task_id.clone();
        match TaskPhase::of(&task.status) {
            TaskPhase::Succeeded => {
                entry.state = ServerState::Succeeded {
                    task_id,
                    status: task.status,
                };
            }
            TaskPhase::Failed => {
                entry.state = ServerState::Failed {
                    task_id: Some(task_id.clone()),
                    status: Some(task.status.clone()),
                };
                entry.error = Some(Failure::local(
                    ErrorKind::TaskFailed,
                    format!("task {task_id} ended {}", task.status),
                ));
            }
            TaskPhase::Pending => {
                let changed = *status != task.status;
                *status = task.status;
                if now_ms - entry.started_ms.unwrap_or(now_ms) > wait_timeout_ms {
                    entry.error = Some(wait_timed_out(&task_id, wait_timeout_ms));
                    return true;
                }
                return changed;
            }
        }
        true
    }

    /// The running totals.
    pub fn totals(&self) -> Totals {
        let mut totals = Totals {
            total: self.entries.len(),
            ..Totals::default()
        };
        for entry in &self.entries {
            match entry.outcome() {
                Outcome::Succeeded => totals.succeeded += 1,
                Outcome::Failed => totals.failed += 1,
                Outcome::Started => totals.started += 1,
                Outcome::NotStarted => totals.not_started += 1,
            }
        }
        totals
    }
}

/// Whether a listed task is an unbind: its `operate_type` (KPS lists the task's kind or its current status,
/// `RUNNING_UNBIND`) names one, or is empty. A reset or replace running on the server (what `KPS.0002` may mean)
/// is never taken for this fleet's unbind: its success would leave the key bound.
fn is_unbind(operate_type: &str) -> bool {
    operate_type.is_empty() || operate_type.contains("UNBIND")
}

/// The status of a task in the running list. The list has no `task_status`: its `operate_type` is the
/// task's current status on some services (`READY_UNBIND`, as the emulator lists it) and the task's kind on
/// others (`UNBIND`), which is not a status: then the list's own meaning, `RUNNING_UNBIND`.
fn listed_status(operate_type: &str) -> String {
    match operate_type {
        "READY_UNBIND" | "RUNNING_UNBIND" => operate_type,
        _ => "RUNNING_UNBIND",
    }
    .to_owned()
}

/// A lost unbind's `failure`, saying that what it did is unknown and `why`.
fn unverified(mut failure: Failure, why: &str) -> Failure {
    failure.message = format!(
        "{}; the unbind's answer was lost and {why}: it may have been performed: check the server's key pair \
         before unbinding it again",
        failure.message
    );
    failure
}

/// The failure of a task as the failed-tasks list explains it. The message joins two of the server's strings
/// (each masked alone when its answer was parsed), so it is masked again as a whole: a password with a space
/// could be echoed as the code and the text.
fn listed_failure(task: &TaskEntry, masker: &Masker) -> Failure {
    let mut message = format!("task {} of server {} failed", task.task_id, task.server_id);
    let code = task.task_error_code.as_deref().filter(|c| !c.is_empty());
    let text = task.task_error_message.as_deref().filter(|m| !m.is_empty());
    match (code, text) {
        (Some(code), Some(text)) => message.push_str(&format!(": {code} {text}")),
        (Some(code), None) => message.push_str(&format!(": {code}")),
        (None, Some(text)) => message.push_str(&format!(": {text}")),
        (None, None) => {}
    }
    Failure::local(
        ErrorKind::TaskFailed,
        crate::response::excerpt(&masker.mask(&message)),
    )
}

fn wait_timed_out(task_id: &str, wait_timeout_ms: f64) -> Failure {
    Failure::local(
        ErrorKind::Timeout,
        format!(
            "task {task_id} did not finish within waitTimeoutMs = {} ms: it may still finish; follow it with \
             waitForKeypairTask",
            wait_timeout_ms as u64
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINUTE: f64 = 60_000.0;

    fn ids(n: usize) -> Vec<String> {
        (0..n).map(|i| format!("server-{i}")).collect()
    }

    fn api(status: u16, code: &str) -> Failure {
        Failure {
            status,
            code: code.to_owned(),
            ..Failure::local(ErrorKind::Api, "refused")
        }
    }

    fn listed(task_id: &str, server_id: &str, time: f64) -> TaskEntry {
        TaskEntry {
            task_id: task_id.to_owned(),
            operate_type: "RUNNING_UNBIND".to_owned(),
            task_time: time,
            server_name: String::new(),
            server_id: server_id.to_owned(),
            keypair_name: String::new(),
            task_error_code: Some("KPS.0003".to_owned()),
            task_error_message: Some("plug-in did not answer".to_owned()),
        }
    }

    fn task(task_id: &str, status: &str) -> KeypairTask {
        KeypairTask {
            task_id: task_id.to_owned(),
            server_id: String::new(),
            status: status.to_owned(),
        }
    }

    fn outcomes(fleet: &Fleet) -> Vec<&'static str> {
        fleet
            .entries()
            .iter()
            .map(|e| e.outcome().as_str())
            .collect()
    }

    #[test]
    fn unbinds_go_out_in_order_and_never_more_than_concurrency_at_once() {
        let mut fleet = Fleet::new(ids(5), 2, 3, false, 1000);
        assert_eq!(fleet.next_unbind(0.0), Some(0));
        assert_eq!(fleet.next_unbind(0.0), Some(1));
        assert_eq!(fleet.next_unbind(0.0), None, "two in flight");
        fleet.unbind_started(1, "t-1".into(), 1, 0.0);
        assert_eq!(fleet.next_unbind(0.0), Some(2));
        for (index, task) in [(0, "t-0"), (2, "t-2")] {
            fleet.unbind_started(index, task.into(), 1, 0.0);
        }
        assert_eq!(fleet.next_unbind(0.0), Some(3));
        assert_eq!(fleet.next_unbind(0.0), Some(4));
        assert!(!fleet.is_done());
        fleet.unbind_started(3, "t-3".into(), 1, 0.0);
        fleet.unbind_failed(4, api(400, "KPS.6004"), 1);
        assert!(fleet.is_done(), "without waiting, started is final");
        assert_eq!(
            outcomes(&fleet),
            ["started", "started", "started", "started", "failed"]
        );
        assert_eq!(
            fleet.entries()[4].error.as_ref().map(|e| e.code.as_str()),
            Some("KPS.6004")
        );
        assert_eq!(
            fleet.totals(),
            Totals {
                total: 5,
                succeeded: 0,
                failed: 1,
                started: 4,
                not_started: 0
            }
        );
    }

    #[test]
    fn a_lost_answer_adopts_the_task_the_running_list_shows_for_the_server() {
        let mut fleet = Fleet::new(ids(1), 1, 3, true, 600_000);
        fleet.next_unbind(1000.0);
        let lost = Failure {
            status: 504,
            ..api(504, "HTTP_504")
        };
        assert_eq!(fleet.unbind_failed(0, lost, 1), AfterUnbind::Reconcile);
        assert_eq!(fleet.to_reconcile(), [0]);
        let running = [listed("t-9", "server-0", 1000.0)];
        assert!(fleet.reconcile(0, &running, &[], 1500.0, &Masker::default()));
        assert_eq!(fleet.entries()[0].task_id(), Some("t-9"));
        assert_eq!(fleet.entries()[0].attempts, 1, "adopted, not sent again");
        assert!(fleet.entries()[0].error.is_none());
        assert_eq!(fleet.waiting(), [(0, "t-9".to_owned())]);
    }

    #[test]
    fn only_the_servers_whose_answer_was_lost_are_reconciled_and_never_with_another_server_s_task()
    {
        let mut fleet = Fleet::new(ids(3), 3, 3, false, 1000);
        for _ in 0..3 {
            fleet.next_unbind(0.0);
        }
        assert!(fleet.to_reconcile().is_empty(), "three in flight");
        fleet.unbind_started(0, "t-0".into(), 1, 0.0);
        fleet.unbind_failed(1, api(504, "HTTP_504"), 1);
        fleet.unbind_failed(2, api(403, "KPS.9003"), 1);
        assert_eq!(fleet.to_reconcile(), [1]);
        // server-0's unbind is running and server-2's failed: neither is server-1's.
        let running = [listed("t-0", "server-0", 0.0)];
        let failed = [listed("t-2", "server-2", 0.0)];
        assert!(!fleet.reconcile(1, &running, &failed, 10.0, &Masker::default()));
        assert_eq!(fleet.entries()[1].task_id(), None);
        assert_eq!(
            fleet.next_unbind(20.0),
            Some(1),
            "in neither list: sent again"
        );
    }

    #[test]
    fn a_lost_answer_with_no_task_found_is_sent_again_first_and_at_most_max_attempts_times() {
        let mut fleet = Fleet::new(ids(3), 1, 2, false, 1000);
        assert_eq!(fleet.next_unbind(0.0), Some(0));
        fleet.unbind_failed(0, Failure::local(ErrorKind::Network, "no response"), 1);
        assert!(
            !fleet.reconcile(0, &[], &[], 10.0, &Masker::default()),
            "requeued"
        );
        assert_eq!(
            fleet.next_unbind(20.0),
            Some(0),
            "sent again before server-1"
        );
        fleet.unbind_failed(0, Failure::local(ErrorKind::Network, "no response"), 2);
        assert_eq!(fleet.entries()[0].attempts, 2);
        assert!(fleet.reconcile(0, &[], &[], 30.0, &Masker::default()));
        let entry = &fleet.entries()[0];
        assert_eq!(
            (entry.outcome(), entry.task_id()),
            (Outcome::Started, None),
            "it may have been performed: never reported as not started"
        );
        assert!(entry
            .error
            .as_ref()
            .unwrap()
            .message
            .contains("check the server"));
        assert_eq!(fleet.next_unbind(40.0), Some(1));
    }

    #[test]
    fn kps_0002_is_a_task_in_progress_when_the_list_has_one_and_a_failure_when_not() {
        let mut fleet = Fleet::new(ids(2), 2, 3, false, 1000);
        fleet.next_unbind(0.0);
        fleet.next_unbind(0.0);
        assert_eq!(
            fleet.unbind_failed(0, api(400, "KPS.0002"), 1),
            AfterUnbind::Reconcile
        );
        assert_eq!(
            fleet.unbind_failed(1, api(400, "KPS.0002"), 1),
            AfterUnbind::Reconcile
        );
        let running = [listed("t-0", "server-0", 0.0)];
        fleet.reconcile(0, &running, &[], 10.0, &Masker::default());
        fleet.reconcile(1, &running, &[], 10.0, &Masker::default());
        assert_eq!(outcomes(&fleet), ["started", "failed"]);
        assert_eq!(
            fleet.entries()[1].attempts,
            1,
            "a KPS.0002 is never sent again"
        );
        assert_eq!(fleet.entries()[1].error.as_ref().unwrap().code, "KPS.0002");
    }

    #[test]
    fn an_old_failed_task_of_the_server_is_not_taken_for_this_unbind() {
        let mut fleet = Fleet::new(ids(1), 1, 1, false, 1000);
        let now = 100.0 * MINUTE;
        fleet.next_unbind(now);
        fleet.unbind_failed(0, api(502, "HTTP_502"), 1);
        let old = [listed("t-old", "server-0", now - 6.0 * MINUTE)];
        fleet.reconcile(0, &[], &old, now + 10.0, &Masker::default());
        assert_eq!(fleet.entries()[0].task_id(), None);
        assert_eq!(fleet.entries()[0].outcome(), Outcome::Started);

        let mut fleet = Fleet::new(ids(1), 1, 1, false, 1000);
        fleet.next_unbind(now);
        fleet.unbind_failed(0, api(502, "HTTP_502"), 1);
        let recent = [
            listed("t-old", "server-0", now - 6.0 * MINUTE),
            listed("t-new", "server-0", now - MINUTE),
        ];
        fleet.reconcile(0, &[], &recent, now + 10.0, &Masker::default());
        assert_eq!(fleet.entries()[0].outcome(), Outcome::Failed);
        assert_eq!(fleet.entries()[0].task_id(), Some("t-new"));
        let message = &fleet.entries()[0].error.as_ref().unwrap().message;
        assert!(
            message.contains("KPS.0003 plug-in did not answer"),
            "{message}"
        );
    }

    #[test]
    fn a_failed_task_a_few_minutes_older_than_the_first_attempt_is_taken_as_clocks_may_differ() {
        let now = 100.0 * MINUTE;
        let mut fleet = Fleet::new(ids(1), 1, 1, false, 1000);
        fleet.next_unbind(now);
        fleet.unbind_failed(0, api(504, "HTTP_504"), 1);
        let skewed = [listed("t-skewed", "server-0", now - 4.0 * MINUTE)];
        fleet.reconcile(0, &[], &skewed, now + 10.0, &Masker::default());
        assert_eq!(fleet.entries()[0].outcome(), Outcome::Failed);
        assert_eq!(fleet.entries()[0].task_id(), Some("t-skewed"));
    }

    #[test]
    fn a_failed_task_listed_before_the_fleet_started_is_never_taken_for_its_unbind() {
        let now = 100.0 * MINUTE;
        let mut fleet = Fleet::new(ids(1), 1, 1, false, 1000);
        fleet.known_failed(&[listed("t-earlier", "server-0", now - MINUTE)]);
        fleet.next_unbind(now);
        fleet.unbind_failed(0, api(504, "HTTP_504"), 1);
        let failed = [
            listed("t-earlier", "server-0", now - MINUTE),
            listed("t-now", "server-0", now - 10.0 * MINUTE),
        ];
        fleet.reconcile(0, &[], &failed[..1], now + 10.0, &Masker::default());
        assert_eq!(fleet.entries()[0].task_id(), None);
        assert_eq!(fleet.entries()[0].outcome(), Outcome::Started);

        let mut fleet = Fleet::new(ids(1), 1, 1, false, 1000);
        fleet.known_failed(&failed[..1]);
        fleet.next_unbind(now);
        fleet.unbind_failed(0, api(504, "HTTP_504"), 1);
        fleet.reconcile(0, &[], &failed, now + 10.0, &Masker::default());
        assert_eq!(
            fleet.entries()[0].task_id(),
            Some("t-now"),
            "new since the fleet started, whatever its clock says"
        );
    }

    #[test]
    fn throttled_on_every_attempt_is_not_started_and_other_refusals_are_failures() {
        let mut fleet = Fleet::new(ids(3), 3, 3, false, 1000);
        for _ in 0..3 {
            fleet.next_unbind(0.0);
        }
        assert_eq!(
            fleet.unbind_failed(0, api(429, "APIGW.0308"), 1),
            AfterUnbind::Settled
        );
        fleet.unbind_failed(1, api(403, "KPS.9003"), 1);
        fleet.unbind_failed(2, Failure::local(ErrorKind::Response, "no task_id"), 1);
        assert_eq!(outcomes(&fleet), ["not-started", "failed", "failed"]);
        assert!(fleet.is_done());
        assert_eq!(
            fleet.totals(),
            Totals {
                total: 3,
                succeeded: 0,
                failed: 2,
                started: 0,
                not_started: 1
            }
        );
    }

    #[test]
    fn progress_comes_from_the_lists_and_each_finished_task_is_confirmed_once() {
        let mut fleet = Fleet::new(ids(3), 3, 3, true, 600_000);
        for (index, task_id) in [(0, "t-0"), (1, "t-1"), (2, "t-2")] {
            fleet.next_unbind(0.0);
            fleet.unbind_started(index, task_id.into(), 1, 0.0);
        }
        let running = [
            listed("t-0", "server-0", 0.0),
            listed("t-1", "server-1", 0.0),
            listed("t-2", "server-2", 0.0),
        ];
        let (changed, left) = fleet.observe_running(&running, 100.0);
        assert_eq!((changed, left), (vec![0, 1, 2], vec![]), "READY → RUNNING");
        let (changed, left) = fleet.observe_running(&running[..1], 200.0);
        assert_eq!((changed.len(), left), (0, vec![1, 2]));
        let failed = [listed("t-1", "server-1", 0.0)];
        assert!(fleet.observe_failed(1, &failed, &Masker::default()));
        assert!(
            !fleet.observe_failed(2, &failed, &Masker::default()),
            "not failed: confirm it"
        );
        assert!(fleet.confirmed(2, Ok(task("t-2", "SUCCESS_UNBIND")), 300.0));
        assert_eq!(outcomes(&fleet), ["started", "failed", "succeeded"]);
        assert_eq!(fleet.entries()[1].status(), Some("FAILED_UNBIND"));
        assert!(!fleet.is_done());
        assert!(fleet.confirmed(0, Ok(task("t-0", "FAILED_UNBIND")), 400.0));
        assert!(fleet.is_done());
        assert_eq!(fleet.totals().failed, 2);
    }

    #[test]
    fn a_password_echoed_across_the_listed_error_code_and_text_is_masked_in_the_fleet_message() {
        let mut fleet = Fleet::new(ids(1), 1, 3, true, 600_000);
        fleet.next_unbind(0.0);
        fleet.unbind_started(0, "t-0".into(), 1, 0.0);
        fleet.observe_running(&[], 100.0);
        // Neither part holds the password alone: each passed the masker when its answer was parsed.
        let failed = [TaskEntry {
            task_error_code: Some("KPS1".to_owned()),
            task_error_message: Some("hunter22".to_owned()),
            ..listed("t-0", "server-0", 0.0)
        }];
        let masker = Masker::new(["KPS1 hunter22"]);
        assert!(fleet.observe_failed(0, &failed, &masker));
        let message = &fleet.entries()[0].error.as_ref().unwrap().message;
        assert!(
            message.starts_with("task t-0 of server server-0 failed: "),
            "{message}"
        );
        assert!(!message.contains("hunter22"), "{message}");
    }

    #[test]
    fn a_task_that_outlives_wait_timeout_ms_keeps_its_id_with_a_timeout_error() {
        let mut fleet = Fleet::new(ids(1), 1, 3, true, 1000);
        fleet.next_unbind(0.0);
        // Timed from when the task started, and over only past waitTimeoutMs.
        fleet.unbind_started(0, "t-0".into(), 1, 10_000.0);
        let running = [listed("t-0", "server-0", 10_000.0)];
        fleet.observe_running(&running, 10_500.0);
        assert!(!fleet.is_done());
        fleet.observe_running(&running, 11_000.0);
        assert!(!fleet.is_done(), "exactly waitTimeoutMs: still waited for");
        let (changed, _) = fleet.observe_running(&running, 11_001.0);
        assert_eq!(changed, [0]);
        assert!(fleet.is_done());
        let entry = &fleet.entries()[0];
        assert_eq!(
            (entry.outcome(), entry.task_id()),
            (Outcome::Started, Some("t-0"))
        );
        assert_eq!(entry.error.as_ref().unwrap().kind, ErrorKind::Timeout);
        assert!(fleet.waiting().is_empty());
    }

    #[test]
    fn a_pending_task_s_confirmation_reports_a_new_status_once_and_ends_the_wait_past_wait_timeout_ms(
    ) {
        let mut fleet = Fleet::new(ids(1), 1, 3, true, 1000);
        fleet.next_unbind(0.0);
        fleet.unbind_started(0, "t-0".into(), 1, 10_000.0);
        assert!(fleet.confirmed(0, Ok(task("t-0", "RUNNING_UNBIND")), 10_100.0));
        assert!(
            !fleet.confirmed(0, Ok(task("t-0", "RUNNING_UNBIND")), 10_200.0),
            "the same status: nothing to report"
        );
        assert_eq!(fleet.entries()[0].status(), Some("RUNNING_UNBIND"));
        assert!(!fleet.confirmed(0, Ok(task("t-0", "RUNNING_UNBIND")), 11_000.0));
        assert!(fleet.entries()[0].error.is_none(), "exactly waitTimeoutMs");
        assert!(fleet.confirmed(0, Ok(task("t-0", "RUNNING_UNBIND")), 11_001.0));
        let entry = &fleet.entries()[0];
        assert_eq!(
            (entry.outcome(), entry.task_id()),
            (Outcome::Started, Some("t-0"))
        );
        assert_eq!(
            entry.error.as_ref().map(|e| e.kind),
            Some(ErrorKind::Timeout)
        );
        assert!(fleet.is_done());
    }

    #[test]
    fn a_failing_confirmation_ends_the_wait_only_past_wait_timeout_ms_from_the_task_s_start() {
        let mut fleet = Fleet::new(ids(1), 1, 3, true, 1000);
        fleet.next_unbind(0.0);
        fleet.unbind_started(0, "t-0".into(), 1, 10_000.0);
        assert!(!fleet.confirmed(0, Err(api(503, "KPS.0003")), 10_500.0));
        assert!(!fleet.confirmed(0, Err(api(503, "KPS.0003")), 11_000.0));
        assert!(!fleet.is_done(), "exactly waitTimeoutMs: tried again");
        assert!(fleet.confirmed(0, Err(api(503, "KPS.0003")), 11_001.0));
        assert_eq!(
            fleet.entries()[0].error.as_ref().map(|e| e.kind),
            Some(ErrorKind::Timeout)
        );
    }

    #[test]
    fn a_transient_confirmation_failure_is_tried_again_next_round() {
        let mut fleet = Fleet::new(ids(1), 1, 3, true, 60_000);
        fleet.next_unbind(0.0);
        fleet.unbind_started(0, "t-0".into(), 1, 0.0);
        assert!(!fleet.confirmed(0, Err(api(503, "KPS.0003")), 10.0));
        assert_eq!(fleet.waiting().len(), 1);
        assert!(fleet.confirmed(0, Err(api(400, "KPS.0001")), 20.0));
        assert!(fleet.is_done(), "a client error ends that server's wait");
        assert_eq!(fleet.entries()[0].outcome(), Outcome::Started);
    }

    #[test]
    fn an_unbind_stopped_by_an_abort_before_it_was_sent_is_not_started() {
        let mut fleet = Fleet::new(ids(2), 2, 3, true, 60_000);
        fleet.next_unbind(0.0);
        let aborted = Failure::local(ErrorKind::Abort, "the call was aborted by its signal");
        assert_eq!(
            fleet.unbind_failed(0, aborted.clone(), 1),
            AfterUnbind::Settled
        );
        fleet.abort(&aborted);
        assert!(fleet.is_done());
        assert_eq!(outcomes(&fleet), ["not-started", "not-started"]);
    }

    #[test]
    fn unbinds_remain_while_a_server_is_queued_or_in_flight_and_none_once_the_fleet_is_aborted() {
        let mut fleet = Fleet::new(ids(2), 2, 3, true, 60_000);
        assert!(fleet.unbinding(), "two queued");
        fleet.next_unbind(0.0);
        fleet.next_unbind(0.0);
        fleet.unbind_started(0, "t-0".into(), 1, 0.0);
        assert!(fleet.unbinding(), "server-1's unbind is in flight");
        fleet.unbind_started(1, "t-1".into(), 1, 0.0);
        assert!(!fleet.unbinding(), "both started: only waiting is left");

        let mut fleet = Fleet::new(ids(2), 1, 3, true, 60_000);
        fleet.next_unbind(0.0);
        assert!(!fleet.aborted());
        fleet.abort(&Failure::local(ErrorKind::Abort, "aborted"));
        assert!(fleet.aborted());
        assert!(
            !fleet.unbinding(),
            "an aborted fleet sends nothing more, whatever is still in flight"
        );
    }

    #[test]
    fn an_abort_starts_nothing_more_and_an_unbind_that_timed_out_is_looked_for() {
        let mut fleet = Fleet::new(ids(4), 2, 3, true, 60_000);
        fleet.next_unbind(0.0);
        fleet.next_unbind(0.0);
        fleet.unbind_started(0, "t-0".into(), 1, 0.0);
        let aborted = Failure::local(ErrorKind::Abort, "the call was aborted by its signal");
        fleet.abort(&aborted);
        assert_eq!(fleet.next_unbind(0.0), None);
        assert!(fleet.waiting().is_empty(), "waiting stops");
        assert!(!fleet.is_done(), "server-1's unbind is still in flight");
        let timed_out = Failure::local(ErrorKind::Timeout, "no complete response within timeoutMs");
        assert_eq!(fleet.unbind_failed(1, timed_out, 1), AfterUnbind::Reconcile);
        fleet.reconcile(
            1,
            &[listed("t-1", "server-1", 0.0)],
            &[],
            10.0,
            &Masker::default(),
        );
        assert!(fleet.is_done());
        assert_eq!(
            outcomes(&fleet),
            ["started", "started", "not-started", "not-started"]
        );
        assert_eq!(fleet.entries()[1].task_id(), Some("t-1"));
        assert_eq!(
            fleet.entries()[2].error.as_ref().unwrap().kind,
            ErrorKind::Abort
        );
    }

    #[test]
    fn a_task_whose_confirmation_keeps_failing_stops_being_waited_for_at_wait_timeout_ms() {
        let mut fleet = Fleet::new(ids(1), 1, 3, true, 1000);
        fleet.next_unbind(0.0);
        fleet.unbind_started(0, "t-0".into(), 1, 0.0);
        assert!(!fleet.confirmed(0, Err(api(503, "KPS.0003")), 500.0));
        assert!(!fleet.is_done());
        assert!(fleet.confirmed(0, Err(api(503, "KPS.0003")), 1500.0));
        assert!(
            fleet.is_done(),
            "the wait ends at waitTimeoutMs even when every read fails"
        );
        let entry = &fleet.entries()[0];
        assert_eq!(
            (entry.outcome(), entry.task_id()),
            (Outcome::Started, Some("t-0"))
        );
        assert_eq!(entry.error.as_ref().unwrap().kind, ErrorKind::Timeout);
    }

    #[test]
    fn a_reset_or_replace_running_on_the_server_is_never_taken_for_its_unbind() {
        let mut fleet = Fleet::new(ids(1), 1, 3, false, 1000);
        fleet.next_unbind(0.0);
        fleet.unbind_failed(0, api(400, "KPS.0002"), 1);
        let mut other = listed("t-reset", "server-0", 0.0);
        other.operate_type = "RUNNING_RESET".to_owned();
        fleet.reconcile(0, &[other], &[], 10.0, &Masker::default());
        assert_eq!(fleet.entries()[0].outcome(), Outcome::Failed);
        assert_eq!(fleet.entries()[0].task_id(), None);
        assert_eq!(fleet.entries()[0].error.as_ref().unwrap().code, "KPS.0002");
    }

    #[test]
    fn a_lost_answer_whose_task_already_succeeded_is_a_success_without_a_task_id() {
        let mut fleet = Fleet::new(ids(1), 1, 3, true, 60_000);
        fleet.next_unbind(0.0);
        fleet.unbind_failed(0, api(504, "HTTP_504"), 1);
        assert!(
            !fleet.reconcile(0, &[], &[], 10.0, &Masker::default()),
            "in neither list: sent again"
        );
        assert_eq!(fleet.next_unbind(20.0), Some(0));
        assert_eq!(
            fleet.unbind_failed(0, api(400, "KPS.6004"), 2),
            AfterUnbind::Settled
        );
        let entry = &fleet.entries()[0];
        assert_eq!(entry.outcome(), Outcome::Succeeded);
        assert_eq!(
            (entry.task_id(), entry.status()),
            (None, Some(KEYPAIR_NOT_BOUND))
        );
        assert!(entry.error.is_none());
        assert_eq!(entry.attempts, 2);
        assert!(fleet.is_done());
        assert_eq!(fleet.totals().succeeded, 1);
    }

    #[test]
    fn kps_6004_without_a_lost_answer_before_it_is_still_a_failure() {
        let mut fleet = Fleet::new(ids(1), 1, 3, true, 60_000);
        fleet.next_unbind(0.0);
        fleet.unbind_failed(0, api(400, "KPS.6004"), 1);
        assert_eq!(fleet.entries()[0].outcome(), Outcome::Failed);
    }

    #[test]
    fn attempts_count_the_requests_sent_and_the_error_says_the_same_number() {
        let mut fleet = Fleet::new(ids(2), 2, 5, false, 1000);
        fleet.next_unbind(0.0);
        fleet.next_unbind(0.0);
        assert_eq!(
            fleet.entries()[0].attempts,
            0,
            "not counted before the request is sent"
        );
        // Throttled on three requests (the call's own retries), then given up.
        fleet.unbind_failed(0, api(429, "APIGW.0308"), 3);
        let entry = &fleet.entries()[0];
        assert_eq!(
            (entry.attempts, entry.error.as_ref().unwrap().attempts),
            (3, 3)
        );
        // Aborted while waiting for its turn: nothing sent.
        let aborted = Failure::local(ErrorKind::Abort, "aborted");
        fleet.unbind_failed(1, aborted, 0);
        assert_eq!(fleet.entries()[1].attempts, 0);
    }

    #[test]
    fn lists_that_cannot_be_read_never_lead_to_a_second_unbind() {
        let mut fleet = Fleet::new(ids(2), 2, 3, true, 60_000);
        fleet.next_unbind(0.0);
        fleet.next_unbind(0.0);
        fleet.unbind_failed(0, api(502, "HTTP_502"), 1);
        fleet.unbind_failed(1, api(400, "KPS.0002"), 1);
        let unreadable = Failure::local(ErrorKind::Network, "no response from the service");
        fleet.lists_unreadable(0, &unreadable);
        fleet.lists_unreadable(1, &unreadable);
        assert_eq!(fleet.next_unbind(10.0), None, "nothing is sent again");
        assert!(fleet.is_done());
        let lost = &fleet.entries()[0];
        assert_eq!(
            (lost.outcome(), lost.task_id(), lost.attempts),
            (Outcome::Started, None, 1)
        );
        let error = lost.error.as_ref().unwrap();
        assert_eq!(error.code, "HTTP_502");
        assert!(
            error.message.contains("task lists could not be read")
                && error.message.contains("check the server"),
            "{}",
            error.message
        );
        assert_eq!(
            fleet.entries()[1].outcome(),
            Outcome::Failed,
            "a KPS.0002 is what it says"
        );
    }

    #[test]
    fn a_resend_refused_or_stopped_by_an_abort_after_a_lost_answer_says_which_and_is_never_not_started(
    ) {
        let aborted = Failure::local(ErrorKind::Abort, "the call was aborted by its signal");
        for (failure, attempts, why) in [
            (
                api(429, "APIGW.0308"),
                3,
                "the unbind sent again to find out was refused",
            ),
            (
                aborted,
                1,
                "the fleet was aborted before the unbind could be sent again",
            ),
        ] {
            let mut fleet = Fleet::new(ids(1), 1, 3, false, 1000);
            fleet.next_unbind(0.0);
            fleet.unbind_failed(0, api(504, "HTTP_504"), 1);
            fleet.reconcile(0, &[], &[], 10.0, &Masker::default());
            fleet.next_unbind(20.0);
            fleet.unbind_failed(0, failure, attempts);
            let entry = &fleet.entries()[0];
            assert_eq!((entry.outcome(), entry.task_id()), (Outcome::Started, None));
            let message = &entry.error.as_ref().unwrap().message;
            assert!(
                message.contains(why) && message.contains("may have been performed"),
                "{message}"
            );
        }
    }

    #[test]
    fn a_lost_answer_queued_to_be_sent_again_when_the_fleet_aborts_is_never_reported_not_started() {
        let mut fleet = Fleet::new(ids(2), 1, 3, false, 1000);
        fleet.next_unbind(0.0);
        fleet.unbind_failed(0, api(504, "HTTP_504"), 1);
        fleet.reconcile(0, &[], &[], 10.0, &Masker::default());
        fleet.abort(&Failure::local(ErrorKind::Abort, "aborted"));
        assert_eq!(
            fleet.next_unbind(20.0),
            None,
            "nothing is sent after the abort"
        );
        let lost = &fleet.entries()[0];
        assert_eq!(
            (lost.outcome(), lost.task_id(), lost.attempts),
            (Outcome::Started, None, 1)
        );
        let error = lost.error.as_ref().unwrap();
        assert_eq!(error.code, "HTTP_504");
        assert!(
            error
                .message
                .contains("aborted before the unbind could be sent again")
                && error.message.contains("check the server"),
            "{}",
            error.message
        );
        assert_eq!(
            fleet.entries()[1].outcome(),
            Outcome::NotStarted,
            "a server never sent is not-started"
        );
    }

    #[test]
    fn a_reconciled_task_s_status_is_a_task_status_not_the_list_s_operate_type() {
        let mut fleet = Fleet::new(ids(1), 1, 3, true, 60_000);
        fleet.next_unbind(0.0);
        fleet.unbind_failed(0, api(504, "HTTP_504"), 1);
        let listed_as = |operate_type: &str| TaskEntry {
            operate_type: operate_type.to_owned(),
            ..listed("t-0", "server-0", 0.0)
        };
        fleet.reconcile(0, &[listed_as("UNBIND")], &[], 10.0, &Masker::default());
        assert_eq!(fleet.entries()[0].status(), Some("RUNNING_UNBIND"));
        let (changed, _) = fleet.observe_running(&[listed_as("READY_UNBIND")], 20.0);
        assert_eq!(changed, [0]);
        assert_eq!(fleet.entries()[0].status(), Some("READY_UNBIND"));
    }

    #[test]
    fn one_reading_serves_every_server_whose_answer_came_before_it_started_and_a_later_one_waits() {
        let mut fleet = Fleet::new(ids(3), 3, 3, true, 60_000);
        for _ in 0..3 {
            fleet.next_unbind(0.0);
        }
        assert!(!fleet.reading_due(), "no answer lost yet");
        fleet.unbind_failed(0, api(504, "HTTP_504"), 1);
        fleet.unbind_failed(1, api(400, "KPS.0002"), 1);
        assert!(fleet.reading_due());
        fleet.reading_started();
        assert!(!fleet.reading_due(), "one reading at a time");
        // Lost while the lists were being read: they may have been read before its task existed.
        fleet.unbind_failed(2, api(502, "HTTP_502"), 1);
        let running = [
            listed("t-0", "server-0", 0.0),
            listed("t-1", "server-1", 0.0),
        ];
        let served = fleet.lists_read(Ok((&running, &[])), 10.0, &Masker::default());
        assert_eq!(served, [0, 1]);
        assert_eq!(fleet.entries()[0].task_id(), Some("t-0"));
        assert_eq!(fleet.entries()[1].task_id(), Some("t-1"));
        assert_eq!(
            fleet.to_reconcile(),
            [2],
            "server-2 waits for the next reading"
        );
        assert!(fleet.reading_due());
        fleet.reading_started();
        let running = [listed("t-2", "server-2", 5.0)];
        assert_eq!(
            fleet.lists_read(Ok((&running, &[])), 20.0, &Masker::default()),
            [2]
        );
        assert_eq!(fleet.entries()[2].task_id(), Some("t-2"));
        assert!(!fleet.reading_due());
    }

    #[test]
    fn lists_that_could_not_be_read_twice_leave_every_server_waiting_for_them_without_evidence() {
        let mut fleet = Fleet::new(ids(2), 2, 3, true, 60_000);
        fleet.next_unbind(0.0);
        fleet.next_unbind(0.0);
        fleet.unbind_failed(0, api(502, "HTTP_502"), 1);
        fleet.unbind_failed(1, Failure::local(ErrorKind::Timeout, "timed out"), 1);
        fleet.reading_started();
        let unreadable = Failure::local(ErrorKind::Network, "no response from the service");
        assert!(
            fleet
                .lists_read(Err(&unreadable), 10.0, &Masker::default())
                .is_empty(),
            "one failed reading is not yet proof"
        );
        assert!(fleet.reading_due(), "the lists are read again");
        fleet.reading_started();
        assert_eq!(
            fleet.lists_read(Err(&unreadable), 10.0, &Masker::default()),
            [0, 1]
        );
        assert!(
            !fleet.reading_due(),
            "no second reading for the same servers"
        );
        assert_eq!(fleet.next_unbind(20.0), None, "and no second unbind");
        assert!(fleet.is_done());
        for entry in fleet.entries() {
            assert_eq!((entry.outcome(), entry.task_id()), (Outcome::Started, None));
            let error = entry.error.as_ref().unwrap();
            assert!(
                error
                    .message
                    .contains("could not be read to find its task (no response from the service)"),
                "{}",
                error.message
            );
        }
    }

    #[test]
    fn after_an_abort_the_lists_are_read_once_no_unbind_is_in_flight_and_once_for_all() {
        let mut fleet = Fleet::new(ids(3), 3, 3, true, 60_000);
        for _ in 0..3 {
            fleet.next_unbind(0.0);
        }
        fleet.unbind_failed(0, api(504, "HTTP_504"), 1);
        // The reading was under way with the signal when it aborted.
        fleet.reading_started();
        let aborted = Failure::local(ErrorKind::Abort, "the call was aborted by its signal");
        assert!(fleet
            .lists_read(Err(&aborted), 10.0, &Masker::default())
            .is_empty());
        assert!(fleet.aborted());
        assert_eq!(fleet.to_reconcile(), [0], "a cut reading serves nobody");
        assert!(!fleet.reading_due(), "two unbinds are still in flight");
        fleet.unbind_failed(1, Failure::local(ErrorKind::Timeout, "timed out"), 1);
        assert!(!fleet.reading_due(), "one unbind is still in flight");
        fleet.unbind_failed(2, api(502, "HTTP_502"), 1);
        assert!(fleet.reading_due());
        fleet.reading_started();
        let running = [listed("t-1", "server-1", 0.0)];
        assert_eq!(
            fleet.lists_read(Ok((&running, &[])), 30.0, &Masker::default()),
            [0, 1, 2]
        );
        assert!(fleet.is_done());
        assert!(!fleet.reading_due());
        assert_eq!(fleet.entries()[1].task_id(), Some("t-1"));
        for index in [0, 2] {
            let entry = &fleet.entries()[index];
            assert_eq!((entry.outcome(), entry.task_id()), (Outcome::Started, None));
        }
        // After an abort one reading decides, even one that failed: there is no time for another.
        let mut fleet = Fleet::new(ids(1), 1, 3, true, 60_000);
        fleet.next_unbind(0.0);
        fleet.abort(&aborted);
        fleet.unbind_failed(0, api(504, "HTTP_504"), 1);
        fleet.reading_started();
        let unreadable = Failure::local(ErrorKind::Timeout, "no complete response");
        assert_eq!(
            fleet.lists_read(Err(&unreadable), 10.0, &Masker::default()),
            [0]
        );
        assert!(fleet.is_done());
    }

    #[test]
    fn a_lost_answer_is_reported_started_while_its_task_is_looked_for_and_while_it_is_sent_again() {
        let mut fleet = Fleet::new(ids(1), 1, 3, true, 60_000);
        fleet.next_unbind(0.0);
        fleet.unbind_failed(0, api(504, "HTTP_504"), 1);
        assert_eq!(fleet.entries()[0].outcome(), Outcome::Started);
        fleet.reading_started();
        fleet.lists_read(Ok((&[], &[])), 10.0, &Masker::default());
        assert_eq!(
            fleet.entries()[0].state,
            ServerState::Queued,
            "to be sent again"
        );
        assert_eq!(fleet.entries()[0].outcome(), Outcome::Started);
        fleet.next_unbind(20.0);
        assert_eq!(fleet.entries()[0].outcome(), Outcome::Started);
        // A KPS.0002 (a task in progress) performed nothing of this fleet's yet.
        let mut fleet = Fleet::new(ids(1), 1, 3, true, 60_000);
        fleet.next_unbind(0.0);
        fleet.unbind_failed(0, api(400, "KPS.0002"), 1);
        assert_eq!(fleet.entries()[0].outcome(), Outcome::NotStarted);
    }
}
