//! Step 8, callbacks and signals: `signal` (every operation), then `onProgress` (the waits).
//!
//! Validation only checks what kind of value each is; the wasm boundary keeps the JS objects themselves (an
//! `AbortSignal` cannot cross into Rust), so the validated options only say whether each was given.

use super::fields::wrong_type;
use crate::error::Failure;
use crate::input::Input;

/// `signal`: an `AbortSignal`, or absent; whether one was given.
pub(super) fn signal(value: Input) -> Result<bool, Failure> {
    match value {
        Input::Undefined => Ok(false),
        Input::AbortSignal => Ok(true),
        other => Err(wrong_type(
            "signal",
            "an AbortSignal (such as new AbortController().signal)",
            other,
            true,
        )),
    }
}

/// `onProgress`: a function, or absent; whether one was given.
pub(super) fn on_progress(value: Input) -> Result<bool, Failure> {
    match value {
        Input::Undefined => Ok(false),
        Input::Function => Ok(true),
        other => Err(wrong_type(
            "onProgress",
            "a function (task) => void",
            other,
            true,
        )),
    }
}

#[cfg(test)]
mod tests {
    use crate::input::Input;
    use crate::options::test_support::*;

    #[test]
    fn signal_must_be_an_abort_signal_and_sets_has_signal() {
        for (value, got) in [
            (Input::Object(Vec::new()), "got an object"),
            (s("abort"), "got a string"),
            (Input::Null, "got null"),
            (Input::Bool(true), "got a boolean"),
            (Input::Function, "got a function"),
            (Input::Number(1.0), "got a number"),
            (Input::Array(Vec::new()), "got an array"),
        ] {
            rejects(
                with(vec![set("signal", value)]),
                "signal",
                &["signal must be an AbortSignal", got],
            );
        }
        assert!(
            valid(with(vec![set("signal", Input::AbortSignal)]))
                .client
                .has_signal
        );
    }
}
