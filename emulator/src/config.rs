//! Configuration, and the command line that builds it (hand-parsed: clap would double the build time).

use std::path::PathBuf;
use std::time::Duration;

use crate::fixture::MAX_FLEET;
use crate::rate_limit::{RateLimit, MAX_RATE};
use crate::tasks::Timings;

/// The usage text for `--help` and for errors.
pub const USAGE: &str = "\
usage: kps-emulator [--port 8787] [--fixture FILE] [--www DIR] [--pkg DIR] [--task-ready-ms N] [--task-running-ms N]
                    [--rate-limit N] [--fleet N]

  --port N             port on 127.0.0.1 (0 = any free port); default 8787
  --fixture FILE       JSON fixture replacing the built-in one
  --www DIR            serve DIR at /
  --pkg DIR            serve DIR at /pkg/
  --task-ready-ms N    how long a task stays READY_UNBIND; default 150
  --task-running-ms N  how long a task stays RUNNING_UNBIND; default 300
  --rate-limit N       at most N KPS API requests per second per project (burst N), else 429 APIGW.0308;
                       0 = no limit (the default)
  --fleet N            add N stopped servers (fleet-0001 ...) bound to KeyPair-fleet to the first project
                       (0-9999); default 0
  --help               print this and exit

The first line on stdout is `listening on http://127.0.0.1:PORT`. Ctrl-C or SIGTERM stops the emulator.";

/// Where the fixture comes from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum FixtureSource {
    /// The built-in `fixtures/default.json`.
    #[default]
    Default,
    /// A JSON file.
    File(PathBuf),
    /// JSON text (tests).
    Json(String),
}

/// Everything [`crate::serve`] needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// Port on 127.0.0.1; 0 picks a free one.
    pub port: u16,
    /// The fixture.
    pub fixture: FixtureSource,
    /// Directory served at `/`.
    pub www: Option<PathBuf>,
    /// Directory served at `/pkg/`.
    pub pkg: Option<PathBuf>,
    /// Task phase durations.
    pub timings: Timings,
    /// The gateway's rate limit at start (and after a reset); `None`: no limit.
    pub rate_limit: Option<RateLimit>,
    /// How many fleet servers to add to the fixture's first project (see [`crate::Fixture::with_fleet`]).
    pub fleet: u16,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            port: 8787,
            fixture: FixtureSource::Default,
            www: None,
            pkg: None,
            timings: Timings::default(),
            rate_limit: None,
            fleet: 0,
        }
    }
}

/// What the command line asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// Run the emulator.
    Run(Config),
    /// Print [`USAGE`] and exit.
    Help,
}

impl Config {
    /// A configuration for tests: a free port, the default fixture, the given task timings.
    pub fn ephemeral() -> Self {
        Self {
            port: 0,
            ..Self::default()
        }
    }

    /// Parses the arguments after the program name. Accepts `--flag value` and `--flag=value`.
    pub fn from_args<I>(args: I) -> Result<Command, String>
    where
        I: IntoIterator<Item = String>,
    {
        let mut config = Self::default();
        let mut args = args.into_iter();
        while let Some(arg) = args.next() {
            if arg == "--help" || arg == "-h" {
                return Ok(Command::Help);
            }
            let (flag, inline_value) = match arg.split_once('=') {
                Some((flag, value)) if flag.starts_with("--") => {
                    (flag.to_owned(), Some(value.to_owned()))
                }
                _ => (arg.clone(), None),
            };
            if !matches!(
                flag.as_str(),
                "--port"
                    | "--fixture"
                    | "--www"
                    | "--pkg"
                    | "--task-ready-ms"
                    | "--task-running-ms"
                    | "--rate-limit"
                    | "--fleet"
            ) {
                return Err(format!("unknown argument {arg:?}"));
            }
            let value = match inline_value {
                Some(value) => value,
                None => args.next().ok_or_else(|| format!("{flag} needs a value"))?,
            };
            let millis = |value: &str| -> Result<Duration, String> {
                value
                    .parse::<u64>()
                    .map(Duration::from_millis)
                    .map_err(|_| format!("{flag} needs a number of milliseconds, not {value:?}"))
            };
            match flag.as_str() {
                "--port" => {
                    config.port = value.parse().map_err(|_| {
                        format!("--port needs a port number (0-65535), not {value:?}")
                    })?;
                }
                "--fixture" => config.fixture = FixtureSource::File(PathBuf::from(value)),
                "--www" => config.www = Some(PathBuf::from(value)),
                "--pkg" => config.pkg = Some(PathBuf::from(value)),
                "--task-ready-ms" => config.timings.ready = millis(&value)?,
                "--task-running-ms" => config.timings.running = millis(&value)?,
                "--rate-limit" => {
                    let per_second = value
                        .parse::<u32>()
                        .ok()
                        .filter(|n| *n <= MAX_RATE)
                        .ok_or_else(|| {
                            format!("--rate-limit needs requests per second (0-{MAX_RATE}), not {value:?}")
                        })?;
                    config.rate_limit = RateLimit::per_second(per_second);
                }
                _ => {
                    config.fleet = value
                        .parse::<u16>()
                        .ok()
                        .filter(|n| *n <= MAX_FLEET)
                        .ok_or_else(|| {
                            format!(
                                "--fleet needs a number of servers (0-{MAX_FLEET}), not {value:?}"
                            )
                        })?;
                }
            }
        }
        Ok(Command::Run(config))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Command, String> {
        Config::from_args(args.iter().map(|s| s.to_string()))
    }

    #[test]
    fn no_arguments_give_the_defaults() {
        assert_eq!(parse(&[]), Ok(Command::Run(Config::default())));
    }

    #[test]
    fn every_flag_is_read_in_both_forms() {
        let Ok(Command::Run(config)) = parse(&[
            "--port",
            "0",
            "--fixture=f.json",
            "--www",
            "www",
            "--pkg=pkg",
            "--task-ready-ms",
            "5",
            "--task-running-ms=7",
            "--rate-limit",
            "50",
            "--fleet=1000",
        ]) else {
            panic!("valid arguments");
        };
        assert_eq!(config.port, 0);
        assert_eq!(config.fixture, FixtureSource::File("f.json".into()));
        assert_eq!(config.www, Some(PathBuf::from("www")));
        assert_eq!(config.pkg, Some(PathBuf::from("pkg")));
        assert_eq!(config.timings.ready, Duration::from_millis(5));
        assert_eq!(config.timings.running, Duration::from_millis(7));
        assert_eq!(config.rate_limit, RateLimit::per_second(50));
        assert_eq!(config.rate_limit.map(|l| l.burst), Some(50));
        assert_eq!(config.fleet, 1000);
    }

    #[test]
    fn a_rate_limit_of_zero_is_no_limit() {
        let Ok(Command::Run(config)) = parse(&["--rate-limit=0"]) else {
            panic!("valid arguments");
        };
        assert_eq!(config.rate_limit, None);
    }

    #[test]
    fn bad_arguments_are_reported() {
        assert!(parse(&["--port", "99999"]).is_err());
        assert!(parse(&["--port"]).is_err());
        assert!(parse(&["--verbose"]).is_err());
        assert!(parse(&["--task-ready-ms", "soon"]).is_err());
        assert!(parse(&["--rate-limit", "-1"]).is_err());
        assert!(parse(&["--rate-limit", "1000001"]).is_err());
        assert!(parse(&["--fleet", "10000"]).is_err());
        assert!(parse(&["--fleet", "many"]).is_err());
        assert_eq!(parse(&["--help"]), Ok(Command::Help));
    }
}
