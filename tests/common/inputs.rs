//! Options a user can build that JavaScript cannot fully read: revoked Proxies, Proxies whose traps throw,
//! throwing getters, strings with an unpaired surrogate. Each is rejected with a KpsValidationError naming
//! the field (never an exception escaping the call, never a promise left pending), and the module keeps
//! working afterwards.

use super::*;
use js_sys::Function;

/// Runs `body` (JavaScript) with `base` bound to a fresh copy of valid options, and returns its result.
fn build(body: &str) -> JsValue {
    let base = options(BENCH_SERVER, json!({}));
    Function::new_with_args("base", body)
        .call1(&JsValue::NULL, &base)
        .expect("the test's JavaScript runs")
}

const REVOKED: &str = "const r = Proxy.revocable({}, {}); r.revoke(); return r.proxy;";
const THROWING_OWN_KEYS: &str =
    "return new Proxy(base, { ownKeys() { throw new Error('ownKeys trap'); } });";
const THROWING_PROTOTYPE: &str =
    "return new Proxy(base, { getPrototypeOf() { throw new Error('getPrototypeOf trap'); } });";

/// Options that cannot be read, each with the field a KpsValidationError must name and words its message
/// must hold.
fn unreadable_options() -> Vec<(&'static str, JsValue, &'static str, &'static str)> {
    vec![
        (
            "revoked options",
            build(REVOKED),
            "options",
            "revoked Proxy",
        ),
        (
            "revoked auth",
            build(&["base.auth = (() => {", REVOKED, "})(); return base;"].concat()),
            "auth",
            "revoked Proxy",
        ),
        (
            "revoked credentials",
            build(
                &[
                    "delete base.token; base.credentials = (() => {",
                    REVOKED,
                    "})(); return base;",
                ]
                .concat(),
            ),
            "credentials",
            "revoked Proxy",
        ),
        (
            "throwing ownKeys",
            build(THROWING_OWN_KEYS),
            "options",
            "cannot be listed",
        ),
        (
            "throwing getPrototypeOf",
            build(THROWING_PROTOTYPE),
            "options",
            "prototype cannot be read",
        ),
        (
            "throwing getPrototypeOf in auth",
            build(
                "base.auth = new Proxy({ type: 'password', key: 'pw' }, \
                 { getPrototypeOf() { throw new Error('trap'); } }); return base;",
            ),
            "auth",
            "prototype cannot be read",
        ),
        (
            "throwing getter",
            build(
                "Object.defineProperty(base, 'token', { enumerable: true, \
                 get() { throw new Error('getter'); } }); return base;",
            ),
            "token",
            "throws when read",
        ),
        (
            "throwing signal getter",
            build(
                "Object.defineProperty(base, 'signal', { enumerable: true, \
                 get() { throw new Error('getter'); } }); return base;",
            ),
            "signal",
            "throws when read",
        ),
    ]
}

fn assert_validation_error(error: &JsValue, case: &str, field: &str, words: &str) {
    assert_eq!(
        kind(error),
        ("KpsValidationError".into(), "INVALID_ARGUMENT".into(), 0),
        "{case}"
    );
    let message = text(error, "message");
    assert_eq!(text(error, "field"), field, "{case}: {message}");
    assert!(message.contains(words), "{case}: {message}");
}

#[wasm_bindgen_test]
fn validate_options_reports_options_that_cannot_be_read_instead_of_throwing() {
    for (case, opts, field, words) in unreadable_options() {
        let problem = wasm::validate_options(JsValue::from_str("disassociateKeypair"), opts);
        assert_validation_error(&problem, case, field, words);
    }
    let fine = wasm::validate_options(
        JsValue::from_str("disassociateKeypair"),
        options(BENCH_SERVER, json!({})),
    );
    assert!(fine.is_undefined(), "{fine:?}");
}

#[wasm_bindgen_test]
async fn a_call_with_options_that_cannot_be_read_rejects_and_the_next_call_works() {
    for (case, opts, field, words) in unreadable_options() {
        // Through the exported promise, as a user awaits it: it must settle.
        let promise =
            wasm_bindgen_futures::future_to_promise(
                async move { call(opts).await.map(JsValue::from) },
            );
        let error = JsFuture::from(promise).await.expect_err(case);
        assert_validation_error(&error, case, field, words);
    }
    call(options(BENCH_SERVER, json!({})))
        .await
        .expect("a valid call afterwards");
}

#[wasm_bindgen_test]
async fn a_password_with_an_unpaired_surrogate_is_rejected_before_any_request() {
    // Sent, the call would hang until its timeout: the answer must be the validation error, at once.
    let endpoint = format!("{EMULATOR}/__emulator/fault/hang");
    for key in ["lone\u{FFFD}sur", "\u{FFFD}"] {
        let opts = options(
            BENCH_SERVER,
            json!({ "endpoint": endpoint, "timeoutMs": 2000 }),
        );
        // JSON.parse turns the escape into the lone surrogate itself (Rust strings cannot hold one).
        let escaped = key.replace('\u{FFFD}', "\\ud800");
        let auth = js_sys::JSON::parse(&format!(r#"{{"type":"password","key":"{escaped}"}}"#))
            .expect("auth is JSON");
        Reflect::set(&opts, &JsValue::from_str("auth"), &auth).expect("set auth");
        let problem =
            wasm::validate_options(JsValue::from_str("disassociateKeypair"), opts.clone());
        assert_validation_error(&problem, key, "auth.key", "unpaired surrogate");
        let started = js_sys::Date::now();
        let error = call(opts).await.expect_err(key);
        assert_validation_error(&error, key, "auth.key", "unpaired surrogate");
        assert!(js_sys::Date::now() - started < 1000.0, "{key}: waited");
    }
}

#[wasm_bindgen_test]
fn a_real_replacement_character_and_paired_surrogates_are_valid_text() {
    for key in ["real\u{FFFD}char", "emoji \u{1F511} \u{FFFD}"] {
        let problem = wasm::validate_options(
            JsValue::from_str("disassociateKeypair"),
            options(
                BENCH_SERVER,
                json!({ "auth": { "type": "password", "key": key } }),
            ),
        );
        assert!(
            problem.is_undefined(),
            "{key}: {}",
            text(&problem, "message")
        );
    }
}

#[wasm_bindgen_test]
async fn options_without_a_prototype_and_proxies_of_plain_objects_are_walked() {
    for body in [
        "return Object.assign(Object.create(null), base);",
        "return new Proxy(base, {});",
    ] {
        call(build(body)).await.expect(body);
    }
}

#[wasm_bindgen_test]
fn a_plain_object_that_looks_like_a_signal_is_not_taken_for_one() {
    let opts = build("base.signal = { aborted: false, addEventListener() {} }; return base;");
    let problem = wasm::validate_options(JsValue::from_str("disassociateKeypair"), opts);
    assert_validation_error(&problem, "plain signal", "signal", "AbortSignal");
}

#[wasm_bindgen_test]
async fn a_getter_on_signal_runs_once_so_the_signal_checked_is_the_signal_used() {
    // A getter that gives a real signal once, then a look-alike that says it is aborted: read twice, the
    // call would validate one value and use the other.
    let built: js_sys::Array = build(
        "let reads = 0; const controller = new AbortController();
         Object.defineProperty(base, 'signal', { enumerable: true, get() { reads += 1;
           return reads === 1 ? controller.signal : { aborted: true, addEventListener() {} }; } });
         return [base, () => reads];",
    )
    .unchecked_into();
    let reads: Function = built.get(1).unchecked_into();
    call(built.get(0))
        .await
        .expect("the signal read once is the one used");
    assert_eq!(
        reads.call0(&JsValue::NULL).ok().and_then(|n| n.as_f64()),
        Some(1.0)
    );
}

#[wasm_bindgen_test]
async fn a_signal_that_cannot_be_read_or_unwatched_is_a_validation_error_not_a_crash() {
    for (case, body) in [
        // Passes `instanceof AbortSignal`, but reading `aborted` throws: it is no real signal.
        (
            "an object made from AbortSignal.prototype",
            "base.signal = Object.create(AbortSignal.prototype); return base;",
        ),
        // A look-alike without removeEventListener: its listener could never be removed.
        (
            "no removeEventListener",
            "base.signal = new (class { aborted = false; addEventListener() {} })(); return base;",
        ),
    ] {
        let error = call(build(body)).await.expect_err(case);
        assert_validation_error(&error, case, "signal", "AbortSignal");
    }
    call(options(BENCH_SERVER, json!({})))
        .await
        .expect("a call afterwards");
}

#[wasm_bindgen_test]
async fn what_a_getter_or_trap_threw_is_the_cause_of_the_error_naming_its_option() {
    // `build` returns [options, what their getter or trap throws]; the error names the option it was reading.
    for (case, body, field) in [
        (
            "throwing getter",
            "const thrown = new Error('getter'); Object.defineProperty(base, 'token', { enumerable: true, \
             get() { throw thrown; } }); return [base, thrown];",
            "token",
        ),
        (
            "throwing ownKeys",
            "const thrown = new Error('trap'); \
             return [new Proxy(base, { ownKeys() { throw thrown; } }), thrown];",
            "options",
        ),
        (
            "throwing getPrototypeOf in auth",
            "const thrown = new Error('trap'); base.auth = new Proxy({ type: 'password', key: 'pw' }, \
             { getPrototypeOf() { throw thrown; } }); return [base, thrown];",
            "auth",
        ),
        (
            "throwing getter in auth",
            "base.auth = { type: 'password' }; Object.defineProperty(base.auth, 'key', { enumerable: true, \
             get() { throw 'not an Error'; } }); return [base, 'not an Error'];",
            "auth.key",
        ),
    ] {
        let built: js_sys::Array = build(body).unchecked_into();
        let (opts, thrown) = (built.get(0), built.get(1));
        let problem = wasm::validate_options(JsValue::from_str("disassociateKeypair"), opts.clone());
        assert_validation_error(&problem, case, field, "");
        assert!(js_sys::Object::is(&get(&problem, "cause"), &thrown), "{case}");
        let error = call(opts).await.expect_err(case);
        assert_validation_error(&error, case, field, "");
        assert!(js_sys::Object::is(&get(&error, "cause"), &thrown), "{case}");
    }
    // An error about another option than the one that threw has no cause: it would explain nothing.
    let opts = build(
        "base.projectId = 'not hex'; Object.defineProperty(base, 'onResponse', { enumerable: true, \
         get() { throw new Error('getter'); } }); return base;",
    );
    let error = call(opts).await.expect_err("an invalid projectId");
    assert_validation_error(&error, "invalid projectId", "projectId", "");
    assert!(get(&error, "cause").is_undefined());
}
