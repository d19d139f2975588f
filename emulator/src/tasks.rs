//! Unbind tasks: their lifecycle (`READY_UNBIND` → `RUNNING_UNBIND` → `SUCCESS_UNBIND` | `FAILED_UNBIND`) and a
//! bounded store.
//!
//! A task's phase is a pure function of its age, so nothing runs in the background: the state is brought up to
//! date ("settled") whenever a request looks at it. Every task gets the same timings, so tasks finish in the
//! order they were created, which keeps settling and eviction to queue operations.

use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant};

use crate::fixture::TaskError;

/// How long a task stays in each pending phase.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timings {
    /// Time spent in `READY_UNBIND`.
    pub ready: Duration,
    /// Time spent in `RUNNING_UNBIND`, after `ready`.
    pub running: Duration,
}

impl Default for Timings {
    /// Fast enough for tests, slow enough that a poller sees both pending phases.
    fn default() -> Self {
        Self {
            ready: Duration::from_millis(150),
            running: Duration::from_millis(300),
        }
    }
}

/// Where a task is in its lifecycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaskPhase {
    /// `READY_UNBIND`.
    Ready,
    /// `RUNNING_UNBIND`.
    Running,
    /// `SUCCESS_UNBIND`: the key pair is no longer bound.
    Succeeded,
    /// `FAILED_UNBIND`: the key pair is still bound; the task is listed in failed tasks until deleted.
    Failed,
}

impl TaskPhase {
    /// The `task_status` string of the API.
    pub fn status(self) -> &'static str {
        match self {
            Self::Ready => "READY_UNBIND",
            Self::Running => "RUNNING_UNBIND",
            Self::Succeeded => "SUCCESS_UNBIND",
            Self::Failed => "FAILED_UNBIND",
        }
    }

    /// Whether the task is over.
    pub fn is_final(self) -> bool {
        matches!(self, Self::Succeeded | Self::Failed)
    }
}

/// One unbind task.
#[derive(Debug, Clone)]
pub struct Task {
    /// `task_id`.
    pub id: String,
    /// The project it was created in.
    pub project_id: String,
    /// `server_id`.
    pub server_id: String,
    /// `server_name`.
    pub server_name: String,
    /// `keypair_name`: the key pair being unbound.
    pub keypair_name: String,
    /// `task_time`: creation time in epoch milliseconds.
    pub created_epoch_ms: u64,
    /// When it was created, for the phase clock.
    pub created: Instant,
    /// Set when the task is to fail, with the error it will report.
    pub error: Option<TaskError>,
}

impl Task {
    /// The phase at `now`.
    pub fn phase(&self, now: Instant, timings: Timings) -> TaskPhase {
        let age = now.saturating_duration_since(self.created);
        if age < timings.ready {
            TaskPhase::Ready
        } else if age < timings.ready + timings.running {
            TaskPhase::Running
        } else if self.error.is_some() {
            TaskPhase::Failed
        } else {
            TaskPhase::Succeeded
        }
    }
}

/// A task that finished while settling, so the caller can update its server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finished {
    /// The task.
    pub task_id: String,
    /// Its server.
    pub server_id: String,
    /// How it ended.
    pub phase: TaskPhase,
}

/// Tasks by id, with at most `capacity` finished ones kept (the oldest go first).
///
/// Pending tasks are never evicted: each server runs one task at a time, so there are at most as many of them
/// as servers.
#[derive(Debug)]
pub struct TaskStore {
    tasks: HashMap<String, Task>,
    /// Pending tasks, oldest first.
    pending: VecDeque<String>,
    /// Finished tasks, oldest first; may hold ids already deleted, dropped lazily.
    finished: VecDeque<String>,
    capacity: usize,
}

impl TaskStore {
    /// An empty store keeping at most `capacity` finished tasks.
    pub fn new(capacity: usize) -> Self {
        Self {
            tasks: HashMap::new(),
            pending: VecDeque::new(),
            finished: VecDeque::new(),
            capacity,
        }
    }

    /// Number of tasks stored.
    pub fn len(&self) -> usize {
        self.tasks.len()
    }

    /// Whether no task is stored.
    pub fn is_empty(&self) -> bool {
        self.tasks.is_empty()
    }

    /// The task with this id.
    pub fn get(&self, task_id: &str) -> Option<&Task> {
        self.tasks.get(task_id)
    }

    /// Adds a new (pending) task. Call [`TaskStore::settle`] first, so finished tasks are counted as such.
    pub fn insert(&mut self, task: Task) {
        self.pending.push_back(task.id.clone());
        self.tasks.insert(task.id.clone(), task);
    }

    /// Moves every task that is over by `now` from pending to finished and returns them, oldest first; then
    /// evicts the oldest finished tasks beyond capacity.
    pub fn settle(&mut self, now: Instant, timings: Timings) -> Vec<Finished> {
        let mut done = Vec::new();
        while let Some(id) = self.pending.front() {
            let Some(task) = self.tasks.get(id) else {
                self.pending.pop_front();
                continue;
            };
            let phase = task.phase(now, timings);
            if !phase.is_final() {
                break;
            }
            done.push(Finished {
                task_id: task.id.clone(),
                server_id: task.server_id.clone(),
                phase,
            });
            if let Some(id) = self.pending.pop_front() {
                self.finished.push_back(id);
            }
        }
        self.evict();
        done
    }

    fn evict(&mut self) {
        while self.tasks.len() > self.capacity {
            let Some(id) = self.finished.pop_front() else {
                break;
            };
            self.tasks.remove(&id);
        }
        // Deleted ids linger in `finished` until evicted; compact so deletions cannot grow it without bound.
        if self.finished.len() > 2 * self.capacity.max(16) {
            let tasks = &self.tasks;
            self.finished.retain(|id| tasks.contains_key(id));
        }
    }

    /// Removes a task.
    pub fn remove(&mut self, task_id: &str) -> Option<Task> {
        self.tasks.remove(task_id)
    }

    /// Pending tasks, oldest first.
    pub fn pending(&self) -> impl Iterator<Item = &Task> {
        self.pending.iter().filter_map(|id| self.tasks.get(id))
    }

    /// Finished tasks, oldest first.
    pub fn finished(&self) -> impl Iterator<Item = &Task> {
        self.finished.iter().filter_map(|id| self.tasks.get(id))
    }

    /// Every task: finished ones first, then pending ones, each oldest first.
    pub fn all(&self) -> impl Iterator<Item = &Task> {
        self.finished().chain(self.pending())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TIMINGS: Timings = Timings {
        ready: Duration::from_millis(100),
        running: Duration::from_millis(200),
    };

    fn task(id: &str, created: Instant, error: Option<TaskError>) -> Task {
        Task {
            id: id.into(),
            project_id: "p".into(),
            server_id: format!("server-{id}"),
            server_name: "s".into(),
            keypair_name: "k".into(),
            created_epoch_ms: 0,
            created,
            error,
        }
    }

    #[test]
    fn a_task_goes_ready_then_running_then_succeeds_or_fails() {
        let t0 = Instant::now();
        let ok = task("a", t0, None);
        let failing = task(
            "b",
            t0,
            Some(TaskError {
                task_error_code: "KPS.0003".into(),
                task_error_msg: "x".into(),
            }),
        );
        let at = |ms| t0 + Duration::from_millis(ms);
        assert_eq!(ok.phase(at(0), TIMINGS), TaskPhase::Ready);
        assert_eq!(ok.phase(at(99), TIMINGS), TaskPhase::Ready);
        assert_eq!(ok.phase(at(100), TIMINGS), TaskPhase::Running);
        assert_eq!(ok.phase(at(299), TIMINGS), TaskPhase::Running);
        assert_eq!(ok.phase(at(300), TIMINGS), TaskPhase::Succeeded);
        assert_eq!(failing.phase(at(300), TIMINGS), TaskPhase::Failed);
    }

    #[test]
    fn settling_reports_finished_tasks_once_in_creation_order() {
        let t0 = Instant::now();
        let mut store = TaskStore::new(10);
        store.insert(task("a", t0, None));
        store.insert(task("b", t0 + Duration::from_millis(50), None));
        assert!(store.settle(t0, TIMINGS).is_empty());
        let done = store.settle(t0 + Duration::from_millis(320), TIMINGS);
        assert_eq!(done.len(), 1);
        assert_eq!(done[0].task_id, "a");
        let done = store.settle(t0 + Duration::from_millis(400), TIMINGS);
        assert_eq!(done.len(), 1);
        assert_eq!(done[0].task_id, "b");
        assert!(store
            .settle(t0 + Duration::from_secs(9), TIMINGS)
            .is_empty());
    }

    #[test]
    fn the_oldest_finished_tasks_are_evicted_beyond_capacity() {
        let t0 = Instant::now();
        let mut store = TaskStore::new(3);
        for i in 0..5 {
            store.insert(task(&format!("t{i}"), t0, None));
        }
        store.settle(t0 + Duration::from_secs(1), TIMINGS);
        assert_eq!(store.len(), 3);
        assert!(store.get("t0").is_none() && store.get("t1").is_none());
        assert!(store.get("t4").is_some());
    }

    #[test]
    fn deleting_tasks_does_not_grow_the_bookkeeping_without_bound() {
        let t0 = Instant::now();
        let mut store = TaskStore::new(4);
        for i in 0..1000 {
            let id = format!("t{i}");
            store.insert(task(&id, t0, None));
            store.settle(t0 + Duration::from_secs(1), TIMINGS);
            store.remove(&id);
        }
        assert!(store.finished.len() <= 2 * 16 + 1);
        assert!(store.is_empty());
    }
}
