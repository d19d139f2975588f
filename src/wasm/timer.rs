//! Timers on whatever global the package runs in (window, worker or Node): `setTimeout` and an abortable sleep.

use crate::error::Failure;
use js_sys::{Function, Promise};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::AbortSignal;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = setTimeout)]
    pub fn set_timeout(callback: &Function, millis: f64) -> JsValue;
    #[wasm_bindgen(js_name = clearTimeout)]
    pub fn clear_timeout(handle: &JsValue);
}

/// Waits `ms` milliseconds, or less if `signal` aborts (then fails with the abort failure).
pub async fn sleep(ms: u32, signal: Option<&AbortSignal>) -> Result<(), Failure> {
    if signal.is_some_and(AbortSignal::aborted) {
        return Err(super::transport::aborted());
    }
    // The promise settles either way; which way says whether the signal fired.
    let resolvers: Rc<RefCell<Option<(Function, Function)>>> = Rc::new(RefCell::new(None));
    let promise = {
        let resolvers = resolvers.clone();
        Promise::new(&mut move |resolve, reject| *resolvers.borrow_mut() = Some((resolve, reject)))
    };
    let Some((resolve, reject)) = resolvers.borrow_mut().take() else {
        return Ok(());
    };
    let timer = set_timeout(&resolve, f64::from(ms));
    let on_abort = Closure::<dyn FnMut()>::new(move || {
        let _ = reject.call0(&JsValue::NULL);
    });
    if let Some(signal) = signal {
        let _ = signal.add_event_listener_with_callback("abort", on_abort.as_ref().unchecked_ref());
    }
    let outcome = JsFuture::from(promise).await;
    clear_timeout(&timer);
    if let Some(signal) = signal {
        let _ =
            signal.remove_event_listener_with_callback("abort", on_abort.as_ref().unchecked_ref());
    }
    outcome.map(|_| ()).map_err(|_| super::transport::aborted())
}
