//! The wasm-bindgen boundary: the functions and classes the npm package exports. Each export converts its
//! JS input, calls the pure core, and maps failures to `KpsError`; nothing here decides anything.

mod convert;
mod errors;
mod json;
mod transport;

pub use errors::{is_kps_error, KpsError};

use crate::error::Failure;
use crate::options::{validate_disassociate, Credentials, Environment};
use crate::request::{prepare, Operation};
use crate::response::disassociate_result;
use json::EngineJson;
use wasm_bindgen::prelude::*;

/// The version of kps-wasm (the crate and the npm package share it).
///
/// ```js
/// import { version } from 'kps-wasm';
/// console.log(version()); // "0.1.0"
/// ```
#[wasm_bindgen]
pub fn version() -> String {
    crate::VERSION.to_owned()
}

/// Unbinds the SSH key pair from an ECS server (KPS DisassociateKeypair). Resolves with the task ID;
/// rejects with a `KpsError`. Every option is checked before any request is made.
///
/// ```js
/// import { disassociateKeypair } from 'kps-wasm';
/// const taskId = await disassociateKeypair({
///   region: 'cn-north-4', token, projectId, serverId,
///   auth: { type: 'keypair', key: privateKeyPem },   // for a running server
/// });
/// ```
#[wasm_bindgen(js_name = disassociateKeypair)]
pub async fn disassociate_keypair(options: JsValue) -> Result<String, JsValue> {
    disassociate(&options).await.map_err(errors::to_js)
}

async fn disassociate(options: &JsValue) -> Result<String, Failure> {
    let validated = validate_disassociate(convert::input(options), &environment())?;
    let signal = convert::signal(options);
    let body = json::to_json(&validated.request).ok_or_else(|| {
        Failure::local(
            crate::error::ErrorKind::Validation,
            "the request body could not be encoded",
        )
    })?;
    let operation = Operation {
        method: "POST",
        path: format!("/v3/{}/keypairs/disassociate", validated.project_id),
        query: &[],
        body: Some(body),
    };
    let client = &validated.client;
    let request = prepare(
        operation,
        &validated.project_id,
        client,
        js_sys::Date::now(),
    )?;
    let response = transport::send(request, client.timeout_ms, signal).await?;
    let auth_key = validated
        .request
        .server
        .auth
        .as_ref()
        .map(|auth| auth.key.expose());
    disassociate_result::<EngineJson>(response, &secrets(&client.credentials, auth_key))
}

/// The call's secret values, masked in any error text a server echoes back.
fn secrets<'a>(credentials: &'a Credentials, auth_key: Option<&'a str>) -> Vec<&'a str> {
    let mut secrets: Vec<&str> = auth_key.into_iter().collect();
    match credentials {
        Credentials::Token(token) => secrets.push(token.expose()),
        Credentials::AccessKey {
            secret_access_key,
            security_token,
            ..
        } => {
            secrets.push(secret_access_key.expose());
            secrets.extend(security_token.as_ref().map(|token| token.expose()));
        }
    }
    secrets
}

/// Relative endpoints resolve against the page's URL: allowed where there is one (pages, workers).
fn environment() -> Environment {
    let location = js_sys::Reflect::get(&js_sys::global(), &JsValue::from_str("location")).ok();
    Environment {
        relative_endpoints_allowed: location.is_some_and(|l| l.is_object()),
    }
}
