//! The shared state every request handler sees.

use std::sync::atomic::AtomicUsize;
use std::sync::{PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};

use tokio::sync::watch;

use crate::faults::FaultRules;
use crate::fixture::Fixture;
use crate::ids::IdGenerator;
use crate::rate_limit::{RateLimit, RateLimiter};
use crate::state::State;
use crate::tasks::Timings;

/// Everything a handler needs: the immutable fixture (read without locking on the hot path), the mutable state
/// behind a `RwLock`, the gateway's rate limit and counts, fault rules, id generation and the shutdown signal.
#[derive(Debug)]
pub struct App {
    /// The loaded fixture.
    pub fixture: Fixture,
    /// Bound key pairs and tasks.
    pub state: RwLock<State>,
    /// The gateway's rate limit, and what it let through and refused.
    pub rate_limiter: RateLimiter,
    /// Rules set through `/__emulator/faults`.
    pub faults: FaultRules,
    /// Task and request ids.
    pub ids: IdGenerator,
    /// Task phase durations.
    pub timings: Timings,
    /// Open TCP connections, for `/__emulator/state` (tests check nothing leaks).
    pub open_connections: AtomicUsize,
    shutdown: watch::Receiver<bool>,
}

impl App {
    /// An app serving `fixture` with `rate_limit` (`None`: no limit), stopping when `shutdown` turns `true`.
    pub fn new(
        fixture: Fixture,
        timings: Timings,
        rate_limit: Option<RateLimit>,
        shutdown: watch::Receiver<bool>,
    ) -> Self {
        Self {
            state: RwLock::new(State::new(&fixture)),
            rate_limiter: RateLimiter::new(&fixture, rate_limit),
            fixture,
            faults: FaultRules::default(),
            ids: IdGenerator::new(),
            timings,
            open_connections: AtomicUsize::new(0),
            shutdown,
        }
    }

    /// Read access to the state. A panic in another handler cannot leave it half-updated in a way that matters
    /// to an emulator, so a poisoned lock is used as is.
    pub fn state(&self) -> RwLockReadGuard<'_, State> {
        self.state.read().unwrap_or_else(PoisonError::into_inner)
    }

    /// Write access to the state.
    pub fn state_mut(&self) -> RwLockWriteGuard<'_, State> {
        self.state.write().unwrap_or_else(PoisonError::into_inner)
    }

    /// Resolves once the server is shutting down.
    pub async fn shutting_down(&self) {
        let mut shutdown = self.shutdown.clone();
        // An error means the sender is gone, which also means shutting down.
        let _ = shutdown.wait_for(|stop| *stop).await;
    }
}
