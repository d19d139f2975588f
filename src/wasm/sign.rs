//! The `signRequest` export: AK/SK signatures for requests to any Huawei Cloud API, made with the caller's own
//! `fetch`. Validation and signing are [`crate::sign_request`]; this converts in and out.

use super::convert;
use super::errors::{invalid_options, to_js};
use crate::sign_request::validate_sign_request;
use js_sys::{Array, Date, Object};
use wasm_bindgen::prelude::*;
use zeroize::Zeroize;

/// Signs a request to any Huawei Cloud API with an access key (SDK-HMAC-SHA256) and returns the headers to
/// send with it: the given `headers`, `X-Sdk-Date`, `X-Security-Token` (temporary credentials) and
/// `Authorization`. Throws a `KpsValidationError` for invalid options.
///
/// ```js
/// import { signRequest } from 'kps-wasm';
/// const url = `https://ecs.cn-north-4.myhuaweicloud.com/v1/${projectId}/cloudservers/detail?limit=10`;
/// const headers = signRequest({ method: 'GET', url, headers: { 'X-Project-Id': projectId }, credentials });
/// const servers = await (await fetch(url, { method: 'GET', headers })).json();
/// ```
#[wasm_bindgen(js_name = signRequest)]
pub fn sign_request(options: JsValue) -> Result<Object, JsValue> {
    let (input, thrown) = convert::input(&options);
    let request =
        validate_sign_request(input).map_err(|failure| invalid_options(failure, &thrown))?;
    let mut headers = crate::sign_request::sign_request(&request, Date::now()).map_err(to_js)?;
    let entries = Array::new();
    for (name, value) in &mut headers {
        entries.push(&Array::of2(
            &JsValue::from_str(name),
            &JsValue::from_str(value),
        ));
        value.zeroize();
    }
    // `fromEntries` defines own properties, so even a header named `__proto__` is kept.
    Object::from_entries(&entries)
}
