//! Test bodies shared by `tests/node.rs` and `tests/browser.rs`: each runs in Node and in headless Chromium.

use kps_wasm::wasm;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::wasm_bindgen_test;

#[wasm_bindgen_test]
fn version_reports_the_crate_version() {
    assert_eq!(wasm::version(), env!("CARGO_PKG_VERSION"));
}

#[wasm_bindgen_test]
fn is_kps_error_rejects_values_that_are_not_kps_errors() {
    for value in [
        js_sys::Error::new("plain").into(),
        JsValue::NULL,
        JsValue::UNDEFINED,
        JsValue::from_str("KpsError"),
        js_sys::Object::new().into(),
    ] {
        assert!(
            !wasm::is_kps_error(&value),
            "{value:?} taken for a KpsError"
        );
    }
}
