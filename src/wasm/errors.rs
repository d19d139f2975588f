//! The JS error class every kps-wasm failure is thrown as.
//!
//! The class is written in JavaScript (`errors.js`) because it must extend `Error`, keep a stack and be
//! recognisable across two copies of the package; wasm-bindgen re-exports it from the glue so the package's
//! entry modules export the very class the Rust side constructs.

use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/src/wasm/errors.js")]
extern "C" {
    /// `KpsError extends Error`, with `name`, `code`, `status`, `requestId` and `field`.
    #[wasm_bindgen(reexport)]
    pub type KpsError;

    /// `isKpsError(value)`: true for a KpsError from any copy of the package.
    #[wasm_bindgen(reexport, js_name = isKpsError)]
    pub fn is_kps_error(value: &JsValue) -> bool;
}
