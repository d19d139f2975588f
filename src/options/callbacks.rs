//! Step 8, callbacks and signals: `signal` (every operation), then `onProgress` (the waits and the fleet),
//! then `onResponse` (every operation).
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

/// `onResponse`: a function, or absent; whether one was given.
pub(super) fn on_response(value: Input) -> Result<bool, Failure> {
    match value {
        Input::Undefined => Ok(false),
        Input::Function => Ok(true),
        other => Err(wrong_type(
            "onResponse",
            "a function ({ operation, status, requestId, attempts }) => void",
            other,
            true,
        )),
    }
}

#[cfg(test)]
mod tests {
    use crate::input::Input;
    use crate::options::test_support::*;
    use crate::options::{
        validate_delete_failed_task, validate_disassociate_and_wait,
        validate_disassociate_keypairs, validate_task_list, validate_task_query,
        validate_wait_for_task,
    };

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

    #[test]
    fn every_operation_takes_on_response_as_a_function_and_refuses_anything_else() {
        let task = |extra| task_options(vec![extra]);
        let list = |extra| task_options(vec![unset("taskId"), extra]);
        let fleet = |extra| {
            with(vec![
                unset("serverId"),
                set("servers", Input::Array(vec![s(SERVER)])),
                extra,
            ])
        };
        for value in [Input::Undefined, Input::Function] {
            let given = matches!(value, Input::Function);
            assert_eq!(
                valid(with(vec![set("onResponse", copy_of(&value))]))
                    .client
                    .has_on_response,
                given
            );
        }
        for (value, got) in [
            (s("console.log"), "got a string"),
            (Input::Null, "got null"),
        ] {
            let set_it = || set("onResponse", copy_of(&value));
            let failures = [
                crate::options::validate_disassociate(with(vec![set_it()]), &NODE).err(),
                validate_disassociate_and_wait(with(vec![set_it()]), &NODE).err(),
                validate_task_query(task(set_it()), &NODE).err(),
                validate_wait_for_task(task(set_it()), &NODE).err(),
                validate_task_list(list(set_it()), &NODE).err(),
                validate_delete_failed_task(task(set_it()), &NODE).err(),
                validate_disassociate_keypairs(fleet(set_it()), &NODE).err(),
            ];
            for failure in failures {
                let failure = failure.expect("refused");
                assert_eq!(failure.field.as_deref(), Some("onResponse"));
                assert!(
                    failure.message.starts_with("onResponse must be a function")
                        && failure.message.contains(got),
                    "{}",
                    failure.message
                );
            }
        }
    }

    fn copy_of(value: &Input) -> Input {
        match value {
            Input::Function => Input::Function,
            Input::Null => Input::Null,
            Input::String(text) => Input::String(text.clone()),
            _ => Input::Undefined,
        }
    }
}
