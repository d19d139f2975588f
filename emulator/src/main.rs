//! `kps-emulator`: see `emulator/README.md`, or run with `--help`.

use std::io::Write;
use std::process::ExitCode;

use kps_emulator::{serve, Command, Config};

// One thread: the work per request is mostly the kernel's (loopback TCP), and on a 2-core machine the client
// under test needs the other core; measured faster than the 2-worker runtime with wrk on this machine.
#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let config = match Config::from_args(std::env::args().skip(1)) {
        Ok(Command::Run(config)) => config,
        Ok(Command::Help) => {
            println!("{}", kps_emulator::config::USAGE);
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("kps-emulator: {message}\n\n{}", kps_emulator::config::USAGE);
            return ExitCode::from(2);
        }
    };
    let server = match serve(config).await {
        Ok(server) => server,
        Err(error) => {
            eprintln!("kps-emulator: {error}");
            return ExitCode::FAILURE;
        }
    };
    // Scripts wait for exactly this first line, so flush it now rather than at exit.
    let mut stdout = std::io::stdout();
    let _ = writeln!(stdout, "listening on {}", server.url());
    let _ = stdout.flush();

    stop_signal().await;
    server.shutdown().await;
    ExitCode::SUCCESS
}

/// Resolves on Ctrl-C or SIGTERM.
async fn stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut terminate) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = terminate.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
