//! What changes while the emulator runs: which key pair each server has bound, and the unbind tasks. Starts from
//! the fixture and returns to it on reset. KPS's rules for `DisassociateKeypair` live here.

use std::time::{Instant, SystemTime, UNIX_EPOCH};

use axum::http::StatusCode;
use kps_wasm::signing::signatures_match;

use crate::errors::ApiError;
use crate::fixture::{Fixture, ServerStatus};
use crate::ids::IdGenerator;
use crate::tasks::{Task, TaskPhase, TaskStore, Timings};

/// At most this many finished tasks are kept, so a load test cannot grow memory without bound.
pub const TASK_CAPACITY: usize = 10_000;

/// The mutable part of a server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerState {
    /// The key pair bound now; `None` once an unbind task succeeded.
    pub keypair_name: Option<String>,
    /// The pending unbind task, if one is running: a server runs one task at a time.
    pub active_task: Option<String>,
}

/// The `auth` of a disassociate request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnbindAuth<'a> {
    /// No `auth`.
    None,
    /// `{"type": "keypair", "key": <PEM private key>}`.
    Keypair(&'a str),
    /// `{"type": "password", "key": <password>}`.
    Password(&'a str),
}

/// Servers' key pairs and the task store.
#[derive(Debug)]
pub struct State {
    /// Parallel to `Fixture::servers`.
    servers: Vec<ServerState>,
    tasks: TaskStore,
}

impl State {
    /// The state the fixture describes: its key pairs bound, no tasks.
    pub fn new(fixture: &Fixture) -> Self {
        Self {
            servers: fixture
                .servers
                .iter()
                .map(|server| ServerState {
                    keypair_name: server.keypair_name.clone(),
                    active_task: None,
                })
                .collect(),
            tasks: TaskStore::new(TASK_CAPACITY),
        }
    }

    /// The server at this fixture index.
    pub fn server(&self, index: usize) -> Option<&ServerState> {
        self.servers.get(index)
    }

    /// The task store.
    pub fn tasks(&self) -> &TaskStore {
        &self.tasks
    }

    /// The task store, to delete failed tasks.
    pub fn tasks_mut(&mut self) -> &mut TaskStore {
        &mut self.tasks
    }

    /// Applies every task that ended by `now`: a success unbinds the server's key pair, and either way the server
    /// is free for the next task.
    pub fn settle(&mut self, fixture: &Fixture, now: Instant, timings: Timings) {
        for finished in self.tasks.settle(now, timings) {
            let Some(index) = fixture.server_position(&finished.server_id) else {
                continue;
            };
            let server = &mut self.servers[index];
            if server.active_task.as_deref() == Some(finished.task_id.as_str()) {
                server.active_task = None;
            }
            if finished.phase == TaskPhase::Succeeded {
                server.keypair_name = None;
            }
        }
    }

    /// Applies KPS's rules for unbinding the key pair of the server at `index` and, when they allow it, starts a
    /// task and returns its id. Call [`State::settle`] first.
    ///
    /// - no key pair bound → 400 `KPS.6004`; a task already pending → 400 `KPS.0002`;
    /// - stopped server → no `auth` needed (any given is ignored, as the server is not logged into);
    /// - running server: `auth` keypair must be the bound pair's private key, `auth` password must match the
    ///   server's password (if it has one) → else 403 `KPS.6009`; no `auth` works only when KPS manages the
    ///   private key → else 400 `KPS.6005`.
    pub fn start_unbind(
        &mut self,
        fixture: &Fixture,
        index: usize,
        auth: UnbindAuth<'_>,
        ids: &IdGenerator,
        now: Instant,
    ) -> Result<String, ApiError> {
        let server = fixture
            .servers
            .get(index)
            .ok_or_else(|| ApiError::parameter("server does not exist"))?;
        let current = &self.servers[index];
        let Some(keypair_name) = current.keypair_name.clone() else {
            return Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                "KPS.6004",
                format!(
                    "no keypair found: server {} has no key pair bound",
                    server.id
                ),
            ));
        };
        // The task's id is not in the message: a client finds it in the running-tasks list, as it must with KPS.
        if current.active_task.is_some() {
            return Err(ApiError::parameter(format!(
                "server {} already has a key pair task in progress",
                server.id
            )));
        }
        let keypair = fixture.keypair(&keypair_name);
        if server.status == ServerStatus::Active {
            match auth {
                UnbindAuth::None => {
                    if !keypair.is_some_and(|k| k.private_key_managed) {
                        return Err(ApiError::new(
                            StatusCode::BAD_REQUEST,
                            "KPS.6005",
                            format!(
                                "no private key managed: server {} is running, so auth with the private key of {keypair_name} is required",
                                server.id
                            ),
                        ));
                    }
                }
                UnbindAuth::Keypair(key) => {
                    let matches = keypair.is_some_and(|k| {
                        signatures_match(
                            &normalize_pem(k.private_key.expose()),
                            &normalize_pem(key),
                        )
                    });
                    if !matches {
                        return Err(ApiError::new(
                            StatusCode::FORBIDDEN,
                            "KPS.6009",
                            format!(
                                "keypair verify failed: the private key is not the one of {keypair_name}"
                            ),
                        ));
                    }
                }
                UnbindAuth::Password(password) => {
                    let matches = server
                        .password
                        .as_ref()
                        .is_some_and(|p| signatures_match(p.expose(), password));
                    if !matches {
                        return Err(ApiError::new(
                            StatusCode::FORBIDDEN,
                            "KPS.6009",
                            format!(
                                "keypair verify failed: wrong password for server {}",
                                server.id
                            ),
                        ));
                    }
                }
            }
        }

        let task_id = ids.task_id();
        self.tasks.insert(Task {
            id: task_id.clone(),
            project_id: server.project_id.clone(),
            server_id: server.id.clone(),
            server_name: server.name.clone(),
            keypair_name,
            created_epoch_ms: epoch_millis(),
            created: now,
            error: server.unbind_error.clone(),
        });
        self.servers[index].active_task = Some(task_id.clone());
        Ok(task_id)
    }
}

/// Milliseconds since the Unix epoch (for `task_time`).
pub fn epoch_millis() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

/// A PEM with CRLF line ends and surrounding white space removed, so a key pasted from a Windows file or with
/// a trailing newline still matches.
fn normalize_pem(pem: &str) -> String {
    pem.trim()
        .lines()
        .map(str::trim_end)
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pem_matches_whatever_its_line_ends() {
        let pem = "-----BEGIN RSA PRIVATE KEY-----\nMIIabc\n-----END RSA PRIVATE KEY-----\n";
        assert_eq!(
            normalize_pem(pem),
            normalize_pem(&pem.replace('\n', "\r\n"))
        );
        assert_ne!(
            normalize_pem(pem),
            normalize_pem(&pem.replace("abc", "abd"))
        );
    }
}
