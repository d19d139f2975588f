//! The wasm-bindgen boundary: the functions the npm package exports.

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
