//! kps-emulator: a local stand-in for the Huawei Cloud KPS API (`DisassociateKeypair` and its task APIs), with
//! fault injection, so kps-wasm's tests, demo and benchmarks run with no account and no network.
//!
//! Start it in-process with [`serve`] (tests) or as the `kps-emulator` binary. It binds `127.0.0.1` only.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! let server = kps_emulator::serve(kps_emulator::Config::ephemeral()).await?;
//! println!("listening on {}", server.url());
//! server.shutdown().await;
//! # Ok(()) }
//! ```
//!
//! What it does, in one place each:
//! - [`routes`]: the KPS API and its rules; [`state`] and [`tasks`]: key pairs and the task lifecycle;
//! - [`auth`]: `X-Auth-Token` and AK/SK `SDK-HMAC-SHA256` verification with the library's signer;
//! - [`faults`]: the fault grammar (`X-Emulator-Fault` header, `/__emulator/fault/<spec>/` prefix, rules);
//! - [`gateway`]: request ids, CORS, fault dispatch; [`server`]: the accept loop;
//! - [`rate_limit`]: the gateway's per-project token bucket (429 `APIGW.0308`) and request counts;
//! - [`control`]: `/__emulator/reset`, `/__emulator/state`, `/__emulator/faults`, `/__emulator/rate-limit`,
//!   `/__emulator/stats`;
//! - [`fixture`]: the world the emulator starts from (plus `--fleet` servers). `emulator/README.md` documents all
//!   of it.

#![warn(missing_docs)]

pub mod app;
pub mod auth;
pub mod config;
pub mod control;
pub mod errors;
pub mod faults;
pub mod fixture;
pub mod gateway;
pub mod ids;
pub mod percent;
pub mod rate_limit;
pub mod routes;
pub mod server;
pub mod state;
pub mod static_files;
pub mod tasks;

use std::io;
use std::net::SocketAddr;
use std::sync::Arc;

use axum::routing::{get, post};
use axum::Router;
use tokio::sync::watch;
use tokio::task::JoinHandle;

pub use config::{Command, Config, FixtureSource};
pub use fixture::Fixture;
pub use rate_limit::RateLimit;
pub use tasks::Timings;

use app::App;

/// A running emulator. Dropping it stops the server too (without waiting); prefer [`RunningServer::shutdown`].
#[derive(Debug)]
pub struct RunningServer {
    addr: SocketAddr,
    shutdown: watch::Sender<bool>,
    accept_loop: JoinHandle<()>,
}

impl RunningServer {
    /// The bound address (`127.0.0.1:PORT`).
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT`, no trailing slash.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// A handle that can stop the server from elsewhere (a signal handler).
    pub fn shutdown_handle(&self) -> ShutdownHandle {
        ShutdownHandle(self.shutdown.clone())
    }

    /// Stops accepting, lets open requests finish (a couple of seconds at most; hanging ones are dropped), and
    /// returns when every connection is closed.
    pub async fn shutdown(self) {
        let _ = self.shutdown.send(true);
        let _ = self.accept_loop.await;
    }
}

/// Stops a [`RunningServer`] from another task.
#[derive(Debug, Clone)]
pub struct ShutdownHandle(watch::Sender<bool>);

impl ShutdownHandle {
    /// Starts the shutdown; [`RunningServer::shutdown`] waits for it to finish.
    pub fn shutdown(&self) {
        let _ = self.0.send(true);
    }
}

/// Loads the fixture, binds `127.0.0.1:config.port` and starts serving on the current Tokio runtime.
///
/// Errors: the port is taken, the fixture cannot be read or is invalid, or cannot take the fleet
/// (`InvalidData`), or `--www`/`--pkg` is not a directory (`NotFound`).
pub async fn serve(config: Config) -> io::Result<RunningServer> {
    let fixture = match &config.fixture {
        FixtureSource::Default => Fixture::default_fixture(),
        FixtureSource::File(path) => {
            let json = tokio::fs::read_to_string(path).await.map_err(|e| {
                io::Error::new(
                    e.kind(),
                    format!("cannot read fixture {}: {e}", path.display()),
                )
            })?;
            Fixture::from_json(&json).map_err(|e| {
                io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!("{}: {e}", path.display()),
                )
            })?
        }
        FixtureSource::Json(json) => {
            Fixture::from_json(json).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?
        }
    };
    let fixture = fixture
        .with_fleet(config.fleet)
        .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, format!("--fleet: {e}")))?;
    for (flag, dir) in [("--www", &config.www), ("--pkg", &config.pkg)] {
        if let Some(dir) = dir {
            if !dir.is_dir() {
                return Err(io::Error::new(
                    io::ErrorKind::NotFound,
                    format!("{flag} {} is not a directory", dir.display()),
                ));
            }
        }
    }

    let (listener, addr) = server::bind(config.port).await?;
    let (shutdown, shutdown_rx) = watch::channel(false);
    let app = Arc::new(App::new(
        fixture,
        config.timings,
        config.rate_limit,
        shutdown_rx.clone(),
    ));
    let router = router(app.clone(), &config);
    let accept_loop = tokio::spawn(server::accept_loop(listener, app, router, shutdown_rx));
    Ok(RunningServer {
        addr,
        shutdown,
        accept_loop,
    })
}

/// Every route: the KPS API, the control endpoints, then static files.
fn router(app: Arc<App>, config: &Config) -> Router {
    let api = Router::new()
        .route(
            "/v3/{project_id}/keypairs/disassociate",
            post(routes::disassociate),
        )
        .route("/v3/{project_id}/tasks/{task_id}", get(routes::get_task))
        .route("/v3/{project_id}/running-tasks", get(routes::running_tasks))
        .route(
            "/v3/{project_id}/failed-tasks",
            get(routes::failed_tasks).delete(routes::delete_failed_tasks),
        )
        .route(
            "/v3/{project_id}/failed-tasks/{task_id}",
            axum::routing::delete(routes::delete_failed_task),
        )
        .route("/__emulator/reset", post(control::reset))
        .route(
            faults::REDIRECT_TARGET,
            axum::routing::any(control::redirect_target),
        )
        .route("/__emulator/state", get(control::state))
        .route(
            "/__emulator/faults",
            get(control::list_faults)
                .post(control::add_faults)
                .delete(control::clear_faults),
        )
        .route(
            "/__emulator/rate-limit",
            get(control::rate_limit).post(control::set_rate_limit),
        )
        .route(
            "/__emulator/stats",
            get(control::stats).delete(control::clear_stats),
        )
        .method_not_allowed_fallback(routes::api_not_found)
        .with_state(app);
    static_files::with_static_files(api, config.www.as_deref(), config.pkg.as_deref())
}
