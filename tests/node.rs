//! wasm-bindgen-test suite run in Node.js (`cargo xtask test`).
#![cfg(target_arch = "wasm32")]

mod common;
