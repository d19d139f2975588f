//! The fleet state machine ([`kps_wasm::fleet::Fleet`]), driven as `src/wasm/fleet.rs` drives it (unbind
//! workers, reconciliation through the task lists, a watcher reading the running list, the failed list and
//! one `GET` per task that left) against a simulated KPS: unbinds accepted, refused, throttled, lost before
//! or after the service acted, `KPS.0002` while a task runs, lists that cannot be read, tasks that succeed
//! or fail, an abort at any time, failures left in the failed list by an earlier fleet, a reset of the key
//! pair running on a server (a task of another kind).
//!
//! Properties: never more than `concurrency` unbinds in flight; never more than `maxAttempts` unbinds of a
//! server, and `attempts` is the number actually sent; a server is sent again only after lists that were
//! read showed no task for it (never after lists that could not be read), and never while the lists it read
//! showed its task; a server whose unbind the service acted on is never `not-started`; a success without a
//! task ID only for a server whose key pair an unbind took off; nothing is sent after an abort; the totals always add up to the fleet's size;
//! every outcome is true to the simulated service (a succeeded server's task succeeded, a task adopted is
//! that server's, an old failure is never taken for a new one); once the service has answered everything,
//! the fleet finishes.

use kps_wasm::error::{ErrorKind, Failure};
use kps_wasm::fleet::{AfterUnbind, Fleet, Outcome, ServerState};
use kps_wasm::masking::Masker;
use kps_wasm::model::{KeypairTask, TaskEntry};
use proptest::prelude::*;
use proptest::sample::select;

use crate::Session;

/// How the simulated service answers an unbind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Answer {
    Accepted,
    /// The service started a task, but its answer was lost: no response, a timeout, a 502.
    ActedButLost,
    /// No task, and no answer either.
    LostBeforeActing,
    Throttled,
    Refused,
    Aborted,
}

/// One step of the driver.
#[derive(Clone, Debug)]
pub enum Action {
    /// A worker takes the next server.
    Send,
    /// The `n`th unbind in flight is answered.
    Answer {
        n: usize,
        answer: Answer,
        lost_as: u8,
    },
    /// A worker starts reading the task lists to reconcile lost answers, if the fleet says one is due.
    StartReading,
    /// The reading under way ends: `readable` whether its lists could be read.
    EndReading {
        readable: bool,
    },
    /// A watcher round; `readable` for the failed list, `read_fails` for the `GET`s.
    Watch {
        readable: bool,
        read_fails: bool,
    },
    /// The `n`th running task of the service ends.
    Finish {
        n: usize,
        succeeded: bool,
    },
    Tick {
        ms: f64,
    },
    Abort,
}

#[derive(Clone, Debug)]
pub struct Case {
    servers: usize,
    concurrency: u32,
    max_attempts: u32,
    wait: bool,
    wait_timeout_ms: u32,
    /// Old failures of these servers in the failed list, and whether the fleet could read it at the start.
    old_failures: Vec<usize>,
    /// Servers on which a reset (not an unbind) runs when the fleet starts.
    resets: Vec<usize>,
    known: bool,
    actions: Vec<Action>,
}

fn any_action() -> impl Strategy<Value = Action> {
    let answer = select(
        &[
            Answer::Accepted,
            Answer::Accepted,
            Answer::ActedButLost,
            Answer::LostBeforeActing,
            Answer::Throttled,
            Answer::Refused,
            Answer::Aborted,
        ][..],
    );
    prop_oneof![
        4 => Just(Action::Send),
        4 => (0usize..8, answer, 0u8..4).prop_map(|(n, answer, lost_as)| Action::Answer { n, answer, lost_as }),
        2 => Just(Action::StartReading),
        2 => prop::bool::weighted(0.8).prop_map(|readable| Action::EndReading { readable }),
        2 => (prop::bool::weighted(0.8), prop::bool::weighted(0.2)).prop_map(|(readable, read_fails)| Action::Watch { readable, read_fails }),
        2 => (0usize..8, any::<bool>()).prop_map(|(n, succeeded)| Action::Finish { n, succeeded }),
        2 => prop_oneof![0.0..1_000.0f64, 0.0..600_000.0f64].prop_map(|ms| Action::Tick { ms }),
        1 => Just(Action::Abort),
    ]
}

fn any_case() -> impl Strategy<Value = Case> {
    (
        1usize..10,
        1u32..5,
        1u32..5,
        any::<bool>(),
        prop_oneof![1u32..10_000, 1u32..86_400_000],
        prop::collection::vec(0usize..10, 0..4),
        prop::collection::vec(0usize..10, 0..3),
        any::<bool>(),
        prop::collection::vec(any_action(), 0..80),
    )
        .prop_map(
            |(
                servers,
                concurrency,
                max_attempts,
                wait,
                wait_timeout_ms,
                old_failures,
                resets,
                known,
                mut actions,
            )| {
                // An abort is rare and final: keep at most one.
                if let Some(first) = actions.iter().position(|a| matches!(a, Action::Abort)) {
                    let mut index = 0;
                    actions.retain(|a| {
                        index += 1;
                        !matches!(a, Action::Abort) || index - 1 == first
                    });
                }
                Case {
                    servers,
                    concurrency,
                    max_attempts,
                    wait,
                    wait_timeout_ms,
                    old_failures,
                    resets,
                    known,
                    actions,
                }
            },
        )
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum TaskState {
    Running,
    Succeeded,
    Failed,
}

/// A task of the simulated service.
#[derive(Clone, Debug)]
struct Task {
    id: String,
    server: usize,
    state: TaskState,
    time_ms: f64,
    /// Left by an earlier fleet.
    old: bool,
    /// A reset of the key pair, not an unbind.
    reset: bool,
}

/// The simulated service, and what the driver has seen.
struct World {
    ids: Vec<String>,
    tasks: Vec<Task>,
    now: f64,
    in_flight: Vec<usize>,
    /// Unbinds sent per server (and answered, or in flight with an answer to come).
    sent: Vec<u32>,
    /// Whether an unbind of the server was acted on and its answer lost.
    acted_lost: Vec<bool>,
    /// Whether a server may be sent again: its last reconciliation found no task.
    may_resend: Vec<bool>,
    aborted: bool,
    /// Servers whose unbind's answer was lost (or `KPS.0002`), waiting for the lists.
    waiting: Vec<usize>,
    /// The reading of the lists under way.
    reading: Option<Reading>,
    /// Whether the server's last unbind's answer was lost (not a `KPS.0002`): if the lists show no task,
    /// it may be sent again.
    answer_lost: Vec<bool>,
    /// Whether the last reading failed and served nobody.
    reading_failed: bool,
}

/// A reading of the task lists: the running list as the service had it when the reading started (the failed
/// list is read after it, when the reading ends), the servers waiting for it then (the ones it must serve),
/// and whether the abort cut it (it was made with the signal).
struct Reading {
    running: Vec<TaskEntry>,
    serves: Vec<usize>,
    cut: bool,
}

impl World {
    fn entry(&self, task: &Task) -> TaskEntry {
        TaskEntry {
            task_id: task.id.clone(),
            operate_type: match (task.reset, task.state) {
                (true, _) => "RUNNING_RESET",
                (false, TaskState::Running) => "RUNNING_UNBIND",
                (false, _) => "",
            }
            .to_owned(),
            task_time: task.time_ms,
            server_name: String::new(),
            server_id: self.ids[task.server].clone(),
            keypair_name: String::new(),
            task_error_code: Some("KPS.0003".to_owned()),
            task_error_message: Some("plug-in did not answer".to_owned()),
        }
    }

    fn list(&self, state: TaskState) -> Vec<TaskEntry> {
        self.tasks
            .iter()
            .filter(|t| t.state == state)
            .map(|t| self.entry(t))
            .collect()
    }

    /// The task running on `server`, of any kind (KPS refuses an unbind while one runs).
    fn running_task_of(&self, server: usize) -> Option<&Task> {
        self.tasks
            .iter()
            .find(|t| t.server == server && t.state == TaskState::Running)
    }

    /// Whether an unbind of `server` succeeded: no key pair is bound any more.
    fn unbound(&self, server: usize) -> bool {
        self.tasks
            .iter()
            .any(|t| t.server == server && !t.reset && t.state == TaskState::Succeeded)
    }

    fn start_task(&mut self, server: usize) -> String {
        let id = format!("task-{}", self.tasks.len());
        self.tasks.push(Task {
            id: id.clone(),
            server,
            state: TaskState::Running,
            time_ms: self.now,
            old: false,
            reset: false,
        });
        id
    }
}

fn api(status: u16, code: &str) -> Failure {
    Failure {
        status,
        code: code.to_owned(),
        ..Failure::local(ErrorKind::Api, "the service refused")
    }
}

/// A failure whose answer was lost: no response, the request's timeout, a gateway's 500, 502 or 504.
fn lost(how: u8) -> Failure {
    match how {
        0 => Failure::local(ErrorKind::Network, "no response"),
        1 => Failure::local(ErrorKind::Timeout, "timed out"),
        2 => api(502, "HTTP_502"),
        _ => api(504, "HTTP_504"),
    }
}

/// Starts a reading of the lists when the fleet says one is due, and checks that it says so exactly when a
/// server waits for one, none is under way and, after an abort, no unbind is in flight.
fn start_reading(fleet: &mut Fleet, world: &mut World) -> Result<(), TestCaseError> {
    let due = world.reading.is_none()
        && !world.waiting.is_empty()
        && (!world.aborted || world.in_flight.is_empty());
    prop_assert_eq!(
        fleet.reading_due(),
        due,
        "a reading due with {:?} waiting, {:?} in flight, aborted {}",
        &world.waiting,
        &world.in_flight,
        world.aborted
    );
    if due {
        fleet.reading_started();
        world.reading = Some(Reading {
            running: world.list(TaskState::Running),
            serves: world.waiting.clone(),
            cut: false,
        });
    }
    Ok(())
}

/// Ends the reading under way (its lists, or a failure when they cannot be read or the abort cut it), and
/// checks that it served exactly the servers waiting when it started (none after an abort's cut, nor after a
/// first failure before an abort), adopted their running tasks, and sent again exactly those whose answer was
/// lost and whose task the lists do not show, within `maxAttempts` and not after an abort.
fn end_reading(
    fleet: &mut Fleet,
    world: &mut World,
    case: &Case,
    readable: bool,
) -> Result<(), TestCaseError> {
    let Some(reading) = world.reading.take() else {
        return Ok(());
    };
    let failed = world.list(TaskState::Failed);
    let aborted = Failure::local(ErrorKind::Abort, "aborted");
    let unreadable = lost(0);
    let lists = match (reading.cut, readable) {
        (true, _) => Err(&aborted),
        (false, true) => Ok((reading.running.as_slice(), failed.as_slice())),
        (false, false) => Err(&unreadable),
    };
    let mut served = fleet.lists_read(lists, world.now, &Masker::default());
    let serves_none = reading.cut || (!readable && !world.aborted && !world.reading_failed);
    if !reading.cut {
        world.reading_failed = serves_none;
    }
    if serves_none {
        prop_assert!(served.is_empty(), "the reading served {served:?}");
        return Ok(());
    }
    served.sort_unstable();
    let mut serves = reading.serves.clone();
    serves.sort_unstable();
    prop_assert_eq!(
        &served,
        &serves,
        "the reading served other servers than those waiting when it started"
    );
    world.waiting.retain(|index| !served.contains(index));
    let is_unbind_of = |task: &TaskEntry, index: usize| {
        task.server_id == world.ids[index] && !task.operate_type.contains("RESET")
    };
    for &index in &served {
        let entry = &fleet.entries()[index];
        let running = reading
            .running
            .iter()
            .find(|task| is_unbind_of(task, index));
        let failed_new = failed.iter().any(|task| {
            is_unbind_of(task, index) && !world.tasks.iter().any(|t| t.id == task.task_id && t.old)
        });
        let resend = readable
            && world.answer_lost[index]
            && !world.aborted
            && world.sent[index] < case.max_attempts.max(1)
            && running.is_none()
            && !failed_new;
        prop_assert_eq!(
            entry.state == ServerState::Queued,
            resend,
            "server {} after the reading: {:?}",
            index,
            &entry.state
        );
        world.may_resend[index] = resend;
        if let (true, Some(task)) = (readable, running) {
            prop_assert_eq!(
                entry.task_id(),
                Some(task.task_id.as_str()),
                "the running task of {} was not adopted: {:?}",
                index,
                &entry.state
            );
        }
    }
    Ok(())
}

fn check_entries(fleet: &Fleet, world: &World, case: &Case) -> Result<(), TestCaseError> {
    let totals = fleet.totals();
    prop_assert_eq!(totals.total, case.servers);
    prop_assert_eq!(
        totals.succeeded + totals.failed + totals.started + totals.not_started,
        case.servers
    );
    let max_attempts = case.max_attempts.max(1);
    for (index, entry) in fleet.entries().iter().enumerate() {
        // An unbind in flight is counted once it is answered (the driver learns the count then).
        let in_flight = u32::from(world.in_flight.contains(&index));
        prop_assert_eq!(
            entry.attempts,
            world.sent[index] - in_flight,
            "unbinds of server {}",
            index
        );
        prop_assert!(
            entry.attempts <= max_attempts,
            "{} unbinds of server {index}",
            entry.attempts
        );
        let task = entry
            .task_id()
            .map(|id| world.tasks.iter().find(|t| t.id == id));
        if let Some(Some(task)) = task {
            prop_assert!(
                !task.reset,
                "server {index} took a reset for its unbind: {task:?}"
            );
        }
        prop_assert!(
            !(world.acted_lost[index] && entry.outcome() == Outcome::NotStarted),
            "server {index}'s unbind was acted on, but it is reported not started"
        );
        match (entry.outcome(), task) {
            (Outcome::Succeeded, None) => prop_assert!(
                entry.state == ServerState::Unbound && world.unbound(index),
                "server {index} succeeded without a task: {:?}",
                entry.state
            ),
            // Unknown, or a lost answer still being looked into.
            (Outcome::Started, None) => prop_assert!(
                matches!(
                    entry.state,
                    ServerState::Unknown
                        | ServerState::Reconciling { .. }
                        | ServerState::Queued
                        | ServerState::Unbinding
                ) && world.sent[index] > 0,
                "server {index} started without a task: {:?}",
                entry.state
            ),
            (Outcome::Succeeded, Some(Some(task))) => {
                prop_assert!(task.server == index && task.state == TaskState::Succeeded)
            }
            (Outcome::Started, Some(Some(task))) => {
                prop_assert!(task.server == index, "server {index} adopted {task:?}")
            }
            (Outcome::Failed, Some(Some(task))) => {
                prop_assert!(
                    task.server == index && task.state == TaskState::Failed,
                    "{task:?}"
                );
                prop_assert!(
                    !(task.old && case.known),
                    "server {index} took an old failure for its own: {task:?}"
                );
            }
            (Outcome::Failed | Outcome::NotStarted, None) => {}
            (outcome, task) => {
                prop_assert!(false, "server {index}: {outcome:?} with task {task:?}")
            }
        }
    }
    Ok(())
}

fn step(
    fleet: &mut Fleet,
    world: &mut World,
    case: &Case,
    action: &Action,
) -> Result<(), TestCaseError> {
    match *action {
        Action::Send => {
            let before = world.in_flight.len();
            match fleet.next_unbind(world.now) {
                Some(index) => {
                    prop_assert!(!world.aborted, "an unbind after the abort");
                    prop_assert!(
                        before < case.concurrency as usize,
                        "more than concurrency in flight"
                    );
                    prop_assert!(
                        !world.in_flight.contains(&index),
                        "server {index} sent while in flight"
                    );
                    if world.sent[index] > 0 {
                        prop_assert!(
                            world.may_resend[index],
                            "server {index} sent again though a task may exist"
                        );
                        world.may_resend[index] = false;
                    }
                    world.sent[index] += 1;
                    world.in_flight.push(index);
                }
                None => prop_assert!(
                    world.aborted
                        || before >= case.concurrency as usize
                        || fleet
                            .entries()
                            .iter()
                            .all(|e| e.state != ServerState::Queued),
                    "a queued server was not sent"
                ),
            }
        }
        Action::Answer { n, answer, lost_as } => {
            if world.in_flight.is_empty() {
                return Ok(());
            }
            let index = world.in_flight.remove(n % world.in_flight.len());
            // KPS refuses a second unbind while a task of the server runs.
            // KPS refuses a second unbind while a task of the server runs, and any once no key pair is bound.
            let answer = match answer {
                Answer::Accepted | Answer::ActedButLost
                    if world.running_task_of(index).is_some() =>
                {
                    Err("KPS.0002")
                }
                Answer::Accepted | Answer::ActedButLost if world.unbound(index) => Err("KPS.6004"),
                answer => Ok(answer),
            };
            if answer == Ok(Answer::Aborted) {
                // Stopped before it was sent (an abort never cuts an unbind in flight).
                world.sent[index] -= 1;
            }
            let sent = world.sent[index];
            let failure = match answer {
                Err(code) => api(400, code),
                Ok(Answer::Accepted) => {
                    let task_id = world.start_task(index);
                    fleet.unbind_started(index, task_id, sent, world.now);
                    return Ok(());
                }
                Ok(Answer::ActedButLost) => {
                    world.start_task(index);
                    world.acted_lost[index] = true;
                    lost(lost_as)
                }
                Ok(Answer::LostBeforeActing) => lost(lost_as),
                Ok(Answer::Throttled) => api(429, "APIGW.0308"),
                Ok(Answer::Refused) => api(403, "KPS.6009"),
                Ok(Answer::Aborted) => {
                    let failure = Failure::local(ErrorKind::Abort, "aborted");
                    if !world.aborted {
                        fleet.abort(&failure);
                        world.aborted = true;
                    }
                    failure
                }
            };
            world.answer_lost[index] =
                matches!(answer, Ok(Answer::ActedButLost | Answer::LostBeforeActing));
            if fleet.unbind_failed(index, failure, sent) == AfterUnbind::Reconcile {
                world.waiting.push(index);
            }
        }
        Action::Watch {
            readable,
            read_fails,
        } => {
            let running = world.list(TaskState::Running);
            let (_, left) = fleet.observe_running(&running, world.now);
            let failed = if readable {
                world.list(TaskState::Failed)
            } else {
                Vec::new()
            };
            for index in left {
                if fleet.observe_failed(index, &failed, &Masker::default()) {
                    continue;
                }
                let Some(task_id) = fleet.entries()[index].task_id().map(str::to_owned) else {
                    continue;
                };
                let read = match world.tasks.iter().find(|t| t.id == task_id) {
                    _ if read_fails => Err(lost(0)),
                    Some(task) => Ok(KeypairTask {
                        task_id: task.id.clone(),
                        server_id: world.ids[task.server].clone(),
                        status: match task.state {
                            TaskState::Running => "RUNNING_UNBIND",
                            TaskState::Succeeded => "SUCCESS_UNBIND",
                            TaskState::Failed => "FAILED_UNBIND",
                        }
                        .to_owned(),
                    }),
                    None => Err(api(404, "KPS.0001")),
                };
                fleet.confirmed(index, read, world.now);
            }
        }
        Action::Finish { n, succeeded } => {
            let running: Vec<usize> = (0..world.tasks.len())
                .filter(|&i| world.tasks[i].state == TaskState::Running)
                .collect();
            if let Some(&task) = running.get(n % running.len().max(1)) {
                world.tasks[task].state = if succeeded {
                    TaskState::Succeeded
                } else {
                    TaskState::Failed
                };
            }
        }
        Action::StartReading => start_reading(fleet, world)?,
        Action::EndReading { readable } => end_reading(fleet, world, case, readable)?,
        Action::Tick { ms } => world.now += ms,
        Action::Abort => {
            if !world.aborted {
                fleet.abort(&Failure::local(ErrorKind::Abort, "aborted"));
                world.aborted = true;
                // A reading under way was made with the signal: the abort cuts it.
                if let Some(reading) = &mut world.reading {
                    reading.cut = true;
                }
            }
        }
    }
    check_entries(fleet, world, case)
}

fn check(case: &Case) -> Result<(), TestCaseError> {
    let ids: Vec<String> = (0..case.servers).map(|i| format!("server-{i}")).collect();
    let mut fleet = Fleet::new(
        ids.clone(),
        case.concurrency,
        case.max_attempts,
        case.wait,
        case.wait_timeout_ms,
    );
    let mut world = World {
        ids,
        tasks: Vec::new(),
        now: 1_795_860_900_000.0,
        in_flight: Vec::new(),
        sent: vec![0; case.servers],
        acted_lost: vec![false; case.servers],
        may_resend: vec![false; case.servers],
        aborted: false,
        waiting: Vec::new(),
        reading: None,
        answer_lost: vec![false; case.servers],
        reading_failed: false,
    };
    for (n, &server) in case.old_failures.iter().enumerate() {
        world.tasks.push(Task {
            id: format!("old-{n}"),
            server: server % case.servers,
            state: TaskState::Failed,
            time_ms: world.now - 86_400_000.0,
            old: true,
            reset: false,
        });
    }
    for (n, &server) in case.resets.iter().enumerate() {
        world.tasks.push(Task {
            id: format!("reset-{n}"),
            server: server % case.servers,
            state: TaskState::Running,
            time_ms: world.now - 1_000.0,
            old: false,
            reset: true,
        });
    }
    if case.known {
        fleet.known_failed(&world.list(TaskState::Failed));
    }
    for action in &case.actions {
        step(&mut fleet, &mut world, case, action)?;
    }
    // Then the service answers everything, and every task ends: the fleet must finish.
    let drain = [
        Action::Send,
        Action::Answer {
            n: 0,
            answer: Answer::Accepted,
            lost_as: 0,
        },
        Action::EndReading { readable: true },
        Action::StartReading,
        Action::EndReading { readable: true },
        Action::Finish {
            n: 0,
            succeeded: true,
        },
        Action::Watch {
            readable: true,
            read_fails: false,
        },
        Action::Tick { ms: 1_000.0 },
    ];
    for round in 0..(case.servers * 20 + 200) {
        if fleet.is_done() && world.in_flight.is_empty() {
            break;
        }
        prop_assert!(
            round + 1 < case.servers * 20 + 200,
            "the fleet never finished: {:?}",
            fleet.entries()
        );
        for action in &drain {
            step(&mut fleet, &mut world, case, action)?;
        }
    }
    prop_assert!(fleet.is_done());
    Ok(())
}

pub fn property(session: &mut Session) {
    session.check(any_case(), |case| check(&case));
}
