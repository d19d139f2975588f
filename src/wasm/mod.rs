//! The wasm-bindgen boundary: the functions and classes the npm package exports.

mod errors;

pub use errors::{is_kps_error, KpsError};

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
