//! wasm-bindgen-test suite run in headless Chromium (`cargo xtask test`).
#![cfg(target_arch = "wasm32")]

wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

mod common;
