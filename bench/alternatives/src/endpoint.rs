//! The `url` crate for the endpoint, size only: `probeUrlHost(text)` is the host `url::Url::parse` reads,
//! the one thing the library's hand-written endpoint parser (src/endpoint.rs) would take from it. Its
//! checks (no user info, no fragment, loopback-only http…) would stay the library's.

use wasm_bindgen::prelude::*;

#[wasm_bindgen(js_name = probeUrlHost)]
pub fn probe_url_host(text: &str) -> Option<String> {
    let url = url::Url::parse(text).ok()?;
    Some(url.host_str()?.to_owned())
}
