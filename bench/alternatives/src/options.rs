//! Options through serde-wasm-bindgen into `#[derive(Deserialize)]` structs, as a port to the design card's
//! stack would read them, then handed to the library's validators (as an `Input`) for the checks serde does
//! not make. `probeValidateOptions(operation, options)` answers like `validateOptions`, as a plain object
//! `{ stage, message, field? }` (`stage`: "deserialize" when serde refused the value, "validate" when the
//! library's checks did), or `undefined`.

use js_sys::{Object, Reflect};
use kps_wasm::input::Input;
use kps_wasm::options::{
    validate_delete_failed_task, validate_disassociate, validate_task_list, validate_task_query,
    validate_wait_for_task, Environment,
};
use kps_wasm::sign_request::validate_sign_request;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use std::collections::BTreeMap;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// A field's value as the library's validators take it; `None` leaves the key out.
trait ToInput {
    fn to_input(self) -> Option<Input>;
}

impl ToInput for String {
    fn to_input(self) -> Option<Input> {
        Some(Input::String(self))
    }
}

impl ToInput for u32 {
    fn to_input(self) -> Option<Input> {
        Some(Input::Number(f64::from(self)))
    }
}

impl ToInput for bool {
    fn to_input(self) -> Option<Input> {
        Some(Input::Bool(self))
    }
}

impl<T: ToInput> ToInput for Option<T> {
    fn to_input(self) -> Option<Input> {
        self.and_then(ToInput::to_input)
    }
}

impl ToInput for BTreeMap<String, String> {
    fn to_input(self) -> Option<Input> {
        Some(Input::Object(
            self.into_iter()
                .map(|(name, value)| (name, Input::String(value)))
                .collect(),
        ))
    }
}

/// `signal`, `onProgress` and `date` stay JS values (`serde_wasm_bindgen::preserve`).
impl ToInput for JsValue {
    fn to_input(self) -> Option<Input> {
        if self.is_undefined() {
            return None;
        }
        Some(if let Some(n) = self.as_f64() {
            Input::Number(n)
        } else if self.is_function() {
            Input::Function
        } else if self.is_instance_of::<web_sys::AbortSignal>() {
            Input::AbortSignal
        } else if let Some(date) = self.dyn_ref::<js_sys::Date>() {
            Input::Date(date.get_time())
        } else {
            Input::Other("an unsupported value")
        })
    }
}

/// A struct of options whose fields are named by their JS keys.
macro_rules! options {
    ($name:ident { $($(#[$attr:meta])* $key:literal => $field:ident : $ty:ty,)* }) => {
        #[derive(Deserialize)]
        struct $name {
            $(#[serde(rename = $key)] $(#[$attr])* $field: $ty,)*
        }
        impl ToInput for $name {
            fn to_input(self) -> Option<Input> {
                let mut entries = Vec::new();
                $(if let Some(value) = self.$field.to_input() {
                    entries.push(($key.to_owned(), value));
                })*
                Some(Input::Object(entries))
            }
        }
    };
}

/// Every operation's options: the client's, then its own.
macro_rules! client_options {
    ($name:ident { $($(#[$attr:meta])* $key:literal => $field:ident : $ty:ty,)* }) => {
        options!($name {
            "token" => token: Option<String>,
            "credentials" => credentials: Option<Credentials>,
            "region" => region: Option<String>,
            "endpoint" => endpoint: Option<String>,
            "signingHost" => signing_host: Option<String>,
            "timeoutMs" => timeout_ms: Option<u32>,
            "maxAttempts" => max_attempts: Option<u32>,
            #[serde(default, with = "serde_wasm_bindgen::preserve")]
            "signal" => signal: JsValue,
            "allowInsecureHttp" => allow_insecure_http: Option<bool>,
            $($(#[$attr])* $key => $field: $ty,)*
        });
    };
}

options!(Credentials {
    "accessKeyId" => access_key_id: String,
    "secretAccessKey" => secret_access_key: String,
    "securityToken" => security_token: Option<String>,
});

/// `auth.type`, as a port declares it.
#[derive(Deserialize)]
#[serde(rename_all = "lowercase")]
enum AuthType {
    Keypair,
    Password,
}

impl ToInput for AuthType {
    fn to_input(self) -> Option<Input> {
        let name = match self {
            AuthType::Keypair => "keypair",
            AuthType::Password => "password",
        };
        Some(Input::String(name.to_owned()))
    }
}

options!(Auth {
    "type" => kind: AuthType,
    "key" => key: String,
});

client_options!(DisassociateOptions {
    "projectId" => project_id: String,
    "serverId" => server_id: String,
    "auth" => auth: Option<Auth>,
});

client_options!(TaskOptions {
    "projectId" => project_id: String,
    "taskId" => task_id: Option<String>,
    "intervalMs" => interval_ms: Option<u32>,
    "waitTimeoutMs" => wait_timeout_ms: Option<u32>,
    #[serde(default, with = "serde_wasm_bindgen::preserve")]
    "onProgress" => on_progress: JsValue,
});

client_options!(ListOptions {
    "projectId" => project_id: String,
    "limit" => limit: Option<u32>,
    "offset" => offset: Option<u32>,
});

options!(SignRequestOptions {
    "method" => method: String,
    "url" => url: String,
    "headers" => headers: Option<BTreeMap<String, String>>,
    "body" => body: Option<String>,
    "credentials" => credentials: Option<Credentials>,
    #[serde(default, with = "serde_wasm_bindgen::preserve")]
    "date" => date: JsValue,
});

/// `options` as `T`, then as the `Input` the library's validators take.
fn read<T: DeserializeOwned + ToInput>(options: JsValue) -> Result<Input, JsValue> {
    let options: T = serde_wasm_bindgen::from_value(options)
        .map_err(|e| problem("deserialize", &e.to_string(), None))?;
    Ok(options.to_input().unwrap_or(Input::Undefined))
}

fn problem(stage: &str, message: &str, field: Option<&str>) -> JsValue {
    let object = Object::new();
    let set = |key: &str, value: JsValue| {
        let _ = Reflect::set(&object, &key.into(), &value);
    };
    set("stage", stage.into());
    set("message", message.into());
    if let Some(field) = field {
        set("field", field.into());
    }
    object.into()
}

/// `validateOptions(operation, options)`, with the options read by serde-wasm-bindgen.
#[wasm_bindgen(js_name = probeValidateOptions)]
pub fn probe_validate_options(operation: &str, options: JsValue) -> JsValue {
    let env = Environment {
        relative_endpoints_allowed: false,
    };
    let outcome =
        match operation {
            "disassociateKeypair" => read::<DisassociateOptions>(options)
                .map(|input| validate_disassociate(input, &env).map(drop)),
            "getKeypairTask" => {
                read::<TaskOptions>(options).map(|input| validate_task_query(input, &env).map(drop))
            }
            "waitForKeypairTask" => read::<TaskOptions>(options)
                .map(|input| validate_wait_for_task(input, &env).map(drop)),
            "deleteFailedTask" => read::<TaskOptions>(options)
                .map(|input| validate_delete_failed_task(input, &env).map(drop)),
            "listRunningTasks" | "listFailedTasks" => {
                read::<ListOptions>(options).map(|input| validate_task_list(input, &env).map(drop))
            }
            _ => read::<SignRequestOptions>(options)
                .map(|input| validate_sign_request(input).map(drop)),
        };
    match outcome {
        Err(refused) => refused,
        Ok(Ok(())) => JsValue::UNDEFINED,
        Ok(Err(failure)) => problem("validate", &failure.message, failure.field.as_deref()),
    }
}
