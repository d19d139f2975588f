//! Configuration, and the command line that builds it (hand-parsed: clap would double the build time).

use std::path::PathBuf;
use std::time::Duration;

use crate::tasks::Timings;

/// The usage text for `--help` and for errors.
pub const USAGE: &str = "\
usage: kps-emulator [--port 8787] [--fixture FILE] [--www DIR] [--pkg DIR] [--task-ready-ms N] [--task-running-ms N]

  --port N             port on 127.0.0.1 (0 = any free port); default 8787
  --fixture FILE       JSON fixture replacing the built-in one
  --www DIR            serve DIR at /
  --pkg DIR            serve DIR at /pkg/
  --task-ready-ms N    how long a task stays READY_UNBIND; default 150
  --task-running-ms N  how long a task stays RUNNING_UNBIND; default 300
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
}

impl Default for Config {
    fn default() -> Self {
        Self {
            port: 8787,
            fixture: FixtureSource::Default,
            www: None,
            pkg: None,
            timings: Timings::default(),
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
                _ => config.timings.running = millis(&value)?,
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
        ]) else {
            panic!("valid arguments");
        };
        assert_eq!(config.port, 0);
        assert_eq!(config.fixture, FixtureSource::File("f.json".into()));
        assert_eq!(config.www, Some(PathBuf::from("www")));
        assert_eq!(config.pkg, Some(PathBuf::from("pkg")));
        assert_eq!(config.timings.ready, Duration::from_millis(5));
        assert_eq!(config.timings.running, Duration::from_millis(7));
    }

    #[test]
    fn bad_arguments_are_reported() {
        assert!(parse(&["--port", "99999"]).is_err());
        assert!(parse(&["--port"]).is_err());
        assert!(parse(&["--verbose"]).is_err());
        assert!(parse(&["--task-ready-ms", "soon"]).is_err());
        assert_eq!(parse(&["--help"]), Ok(Command::Help));
    }
}
