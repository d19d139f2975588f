//! The DisassociateKeypair wire model, written to exactly the JSON the official SDKs send:
//! `{"server":{"id":"…","auth":{"type":"keypair","key":"…"}}}` (the field is `auth`; the doc's example
//! `authentication` is a doc error).

use crate::json::{expect_object, opt_array, opt_number, opt_string, FromJson, JsonValue};
use crate::secret::Secret;
use serde::{Serialize, Serializer};

/// The body of `POST /v3/{project_id}/keypairs/disassociate`.
#[derive(Debug, Serialize)]
pub struct DisassociateRequest {
    pub server: Server,
}

/// The server to unbind the key pair from. Members are written in declaration order, the official SDKs'.
#[derive(Debug, Serialize)]
pub struct Server {
    /// The ECS server ID (a UUID).
    pub id: String,
    /// Needed when the server is running: its current private key (or password). Left out when `None`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auth: Option<ServerAuth>,
}

/// How to log in to a running server to remove the key.
#[derive(Clone, Debug, Serialize)]
pub struct ServerAuth {
    #[serde(rename = "type")]
    pub kind: AuthType,
    #[serde(serialize_with = "expose_on_the_wire")]
    pub key: Secret,
}

/// The key has to go on the wire: this is the one place a [`Secret`] is serialized (it has no `Serialize` of
/// its own, so no other struct holding one can write it out by accident).
fn expose_on_the_wire<S: Serializer>(key: &Secret, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(key.expose())
}

/// `auth.type`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum AuthType {
    /// `key` is the server's password.
    Password,
    /// `key` is the PEM private key of the bound key pair.
    Keypair,
}

impl DisassociateRequest {
    /// The compact JSON body, members in the official SDKs' order (`id`, then `auth` when set: `type`,
    /// `key`).
    pub fn to_json(&self) -> String {
        match serde_json::to_string(self) {
            Ok(json) => json,
            // Not `expect`: printing the error would link serde_json::Error's Debug and its messages
            // (+2.9 KB of wasm, `cargo xtask build`).
            Err(_) => {
                unreachable!("serde_json fails only on non-string map keys or a failing Serialize")
            }
        }
    }
}

/// The 202 body. The official SDKs' model also carries `server_id`, `status` (`SUCCESS` | `FAILED`),
/// `error_code` and `error_msg`: a 202 whose `status` is `FAILED` is a failure.
#[derive(Debug, Default)]
pub struct DisassociateResponse {
    pub task_id: Option<String>,
    pub server_id: Option<String>,
    pub status: Option<String>,
    pub error_code: Option<String>,
    pub error_msg: Option<String>,
}

/// The body of an error response: `{"error_code":"KPS.0002","error_msg":"…"}`.
#[derive(Debug, Default)]
pub struct ApiErrorBody {
    pub error_code: Option<String>,
    pub error_msg: Option<String>,
}

/// A key pair task as the package returns it: `{ taskId, serverId, status }`. `status` is the service's raw
/// string (`READY_UNBIND`, `RUNNING_UNBIND`, `SUCCESS_UNBIND`, `FAILED_UNBIND`, or one it adds later).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct KeypairTask {
    pub task_id: String,
    pub server_id: String,
    pub status: String,
}

/// The 200 body of `GET /v3/{project_id}/tasks/{task_id}`.
#[derive(Debug)]
pub struct TaskResponse {
    pub task_id: Option<String>,
    pub server_id: Option<String>,
    pub task_status: Option<String>,
}

/// The 200 body of `GET /v3/{project_id}/running-tasks` and `…/failed-tasks`.
#[derive(Debug)]
pub struct TaskListResponse {
    pub total: Option<f64>,
    pub tasks: Option<Vec<TaskEntryResponse>>,
}

/// One task of a list, as the service sends it.
#[derive(Debug)]
pub struct TaskEntryResponse {
    pub task_id: Option<String>,
    pub operate_type: Option<String>,
    /// Milliseconds since the epoch: a string in the doc, a number in one SDK.
    pub task_time: Option<StringOrNumber>,
    pub server_name: Option<String>,
    pub server_id: Option<String>,
    pub keypair_name: Option<String>,
    pub task_error_code: Option<String>,
    pub task_error_msg: Option<String>,
}

/// A value the service sends as a string or as a number.
#[derive(Debug)]
pub enum StringOrNumber {
    String(String),
    Number(f64),
}

/// A page of tasks as the package returns it: `{ total, tasks: [...] }`.
#[derive(Debug, PartialEq, Serialize)]
pub struct TaskList {
    pub total: f64,
    pub tasks: Vec<TaskEntry>,
}

/// One task of a list as the package returns it; `taskTime` is milliseconds since the epoch.
#[derive(Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TaskEntry {
    pub task_id: String,
    pub operate_type: String,
    pub task_time: f64,
    pub server_name: String,
    pub server_id: String,
    pub keypair_name: String,
    /// Absent from the JS object when `None` (running tasks), as is `taskErrorMessage`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub task_error_code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub task_error_message: Option<String>,
}

impl FromJson for DisassociateResponse {
    fn from_json(value: &JsonValue) -> Result<Self, String> {
        expect_object(value)?;
        Ok(DisassociateResponse {
            task_id: opt_string(value, "task_id")?,
            server_id: opt_string(value, "server_id")?,
            status: opt_string(value, "status")?,
            error_code: opt_string(value, "error_code")?,
            error_msg: opt_string(value, "error_msg")?,
        })
    }
}

impl FromJson for ApiErrorBody {
    fn from_json(value: &JsonValue) -> Result<Self, String> {
        expect_object(value)?;
        Ok(ApiErrorBody {
            error_code: opt_string(value, "error_code")?,
            error_msg: opt_string(value, "error_msg")?,
        })
    }
}

impl FromJson for TaskResponse {
    fn from_json(value: &JsonValue) -> Result<Self, String> {
        expect_object(value)?;
        Ok(TaskResponse {
            task_id: opt_string(value, "task_id")?,
            server_id: opt_string(value, "server_id")?,
            task_status: opt_string(value, "task_status")?,
        })
    }
}

impl FromJson for TaskListResponse {
    fn from_json(value: &JsonValue) -> Result<Self, String> {
        expect_object(value)?;
        Ok(TaskListResponse {
            total: opt_number(value, "total")?,
            tasks: opt_array(value, "tasks")?,
        })
    }
}

impl FromJson for TaskEntryResponse {
    fn from_json(value: &JsonValue) -> Result<Self, String> {
        expect_object(value)?;
        let task_time = match value.get("task_time") {
            None | Some(JsonValue::Null) => None,
            Some(JsonValue::String(text)) => Some(StringOrNumber::String(text.clone())),
            Some(JsonValue::Number(n)) => Some(StringOrNumber::Number(*n)),
            Some(other) => {
                return Err(crate::json::mismatch(
                    "task_time",
                    "a string or a number",
                    other,
                ))
            }
        };
        Ok(TaskEntryResponse {
            task_id: opt_string(value, "task_id")?,
            operate_type: opt_string(value, "operate_type")?,
            task_time,
            server_name: opt_string(value, "server_name")?,
            server_id: opt_string(value, "server_id")?,
            keypair_name: opt_string(value, "keypair_name")?,
            task_error_code: opt_string(value, "task_error_code")?,
            task_error_msg: opt_string(value, "task_error_msg")?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(auth: Option<ServerAuth>) -> DisassociateRequest {
        DisassociateRequest {
            server: Server {
                id: "d76baba7-ef09-40a2-87ff-3eafec0696e7".to_owned(),
                auth,
            },
        }
    }

    #[test]
    fn the_body_is_compact_json_with_id_then_auth_type_and_key() {
        let auth = ServerAuth {
            kind: AuthType::Keypair,
            key: Secret::new("-----BEGIN KEY-----\n\"q\"\\é\u{1}\n-----END KEY-----\n"),
        };
        assert_eq!(
            request(Some(auth)).to_json(),
            r#"{"server":{"id":"d76baba7-ef09-40a2-87ff-3eafec0696e7","auth":{"type":"keypair","key":"-----BEGIN KEY-----\n\"q\"\\é\u0001\n-----END KEY-----\n"}}}"#
        );
    }

    #[test]
    fn without_auth_the_body_has_no_auth_member() {
        assert_eq!(
            request(None).to_json(),
            r#"{"server":{"id":"d76baba7-ef09-40a2-87ff-3eafec0696e7"}}"#
        );
    }

    #[test]
    fn a_password_is_sent_with_type_password() {
        let auth = ServerAuth {
            kind: AuthType::Password,
            key: Secret::new("pw"),
        };
        assert!(request(Some(auth))
            .to_json()
            .ends_with(r#""auth":{"type":"password","key":"pw"}}}"#));
    }

    #[test]
    fn debug_of_the_request_still_hides_the_key() {
        let auth = ServerAuth {
            kind: AuthType::Password,
            key: Secret::new("hunter2-password"),
        };
        let text = format!("{:?}", request(Some(auth)));
        assert!(!text.contains("hunter2"), "{text}");
    }
}
