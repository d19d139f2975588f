//! `validateOptions`: the validation every call does, without the call, for forms that check as the
//! user types.

use super::{convert, environment, errors::invalid_options};
use crate::error::Failure;
use crate::options::{
    validate_delete_failed_task, validate_disassociate, validate_disassociate_and_wait,
    validate_disassociate_keypairs, validate_task_list, validate_task_query,
    validate_wait_for_task,
};
use crate::sign_request::validate_sign_request;
use wasm_bindgen::prelude::*;

/// Checks `options` as the function named `operation` would, and returns the `KpsValidationError` it
/// would reject with, or `undefined` when the options are valid. Sends nothing.
///
/// ```js
/// const problem = validateOptions('disassociateKeypair', formValues);
/// if (problem) highlight(problem.field, problem.message);
/// ```
#[wasm_bindgen(js_name = validateOptions)]
pub fn validate_options(operation: JsValue, options: JsValue) -> JsValue {
    let (input, thrown) = convert::input(&options);
    let env = environment();
    let outcome = match operation.as_string().as_deref() {
        Some("disassociateKeypair") => validate_disassociate(input, &env).map(drop),
        Some("disassociateKeypairAndWait") => validate_disassociate_and_wait(input, &env).map(drop),
        Some("disassociateKeypairs") => validate_disassociate_keypairs(input, &env).map(drop),
        Some("getKeypairTask") => validate_task_query(input, &env).map(drop),
        Some("waitForKeypairTask") => validate_wait_for_task(input, &env).map(drop),
        Some("listRunningTasks" | "listFailedTasks") => validate_task_list(input, &env).map(drop),
        Some("deleteFailedTask") => validate_delete_failed_task(input, &env).map(drop),
        Some("signRequest") => validate_sign_request(input).map(drop),
        _ => Err(Failure::invalid(
            "operation",
            "operation must name a kps-wasm function: 'disassociateKeypair', 'disassociateKeypairAndWait', \
             'disassociateKeypairs', 'getKeypairTask', 'waitForKeypairTask', 'listRunningTasks', 'listFailedTasks', \
             'deleteFailedTask' or 'signRequest'",
        )),
    };
    match outcome {
        Ok(()) => JsValue::UNDEFINED,
        Err(failure) => invalid_options(failure, &thrown),
    }
}
