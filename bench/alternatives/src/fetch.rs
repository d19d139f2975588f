//! fetch through gloo-net: `probeDisassociateKeypairGlooNet(options)` is the library's `disassociateKeypair`
//! (the same option conversion, validation, request and signing, and answer reading) with the exchange made
//! by gloo-net's `RequestBuilder` instead of `host.js`: redirects refused (`redirect: 'manual'`) and the call
//! bounded by `AbortSignal.timeout(timeoutMs)`, joined to the caller's signal with `AbortSignal.any`. No
//! body-size limit: gloo-net reads the whole body (`Response::text`).

use gloo_net::http::{Method, RequestBuilder};
use kps_wasm::error::Failure;
use kps_wasm::masking::Masker;
use kps_wasm::options::{validate_disassociate, Credentials, Environment};
use kps_wasm::request::{prepare, Operation};
use kps_wasm::response::{disassociate_result, Body, HttpResponse};
use kps_wasm::wasm::convert;
use kps_wasm::wasm::json::EngineJson;
use wasm_bindgen::prelude::*;
use web_sys::{AbortSignal, RequestRedirect};

fn to_js(failure: Failure) -> JsValue {
    JsValue::from(format!("{}: {}", failure.kind.name(), failure.message))
}

#[wasm_bindgen(js_name = probeDisassociateKeypairGlooNet)]
pub async fn probe_disassociate_keypair_gloo_net(options: JsValue) -> Result<String, JsValue> {
    let options = convert::options(&options);
    let env = Environment {
        relative_endpoints_allowed: false,
    };
    let validated = validate_disassociate(options.input, &env).map_err(to_js)?;
    let operation = Operation {
        name: "DisassociateKeypair",
        method: "POST",
        path: format!("/v3/{}/keypairs/disassociate", validated.project_id),
        query: &[],
        body: Some(validated.request.to_json()),
    };
    let client = &validated.client;
    let request = prepare(
        operation,
        &validated.project_id,
        client,
        js_sys::Date::now(),
    )
    .map_err(to_js)?;
    let timeout = AbortSignal::timeout_with_u32(client.timeout_ms);
    let signal = match &options.signal {
        Some(signal) => AbortSignal::any(&js_sys::Array::of2(&timeout, signal)),
        None => timeout,
    };
    let mut builder = RequestBuilder::new(&request.url)
        .method(Method::POST)
        .redirect(RequestRedirect::Manual)
        .abort_signal(Some(&signal));
    for (name, value) in &request.headers {
        builder = builder.header(name, value);
    }
    let sent = match request.body {
        Some(body) => builder
            .body(body)
            .map_err(|e| JsValue::from(e.to_string()))?,
        None => builder.build().map_err(|e| JsValue::from(e.to_string()))?,
    };
    let response = sent
        .send()
        .await
        .map_err(|e| JsValue::from(e.to_string()))?;
    let status = response.status();
    let request_id = response.headers().get("x-request-id");
    let text = response
        .text()
        .await
        .map_err(|e| JsValue::from(e.to_string()))?;
    let masker = Masker::new(match &client.credentials {
        Credentials::Token(token) => vec![token.expose()],
        Credentials::AccessKey {
            secret_access_key, ..
        } => vec![secret_access_key.expose()],
    });
    let body = if text.is_empty() {
        Body::Empty
    } else {
        Body::Text(text)
    };
    let answer = HttpResponse::received(status, request_id, None, body, &masker);
    disassociate_result::<EngineJson>(answer, &masker).map_err(to_js)
}
