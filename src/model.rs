//! The DisassociateKeypair wire model, serialised with serde to exactly the JSON the official SDKs send:
//! `{"server":{"id":"…","auth":{"type":"keypair","key":"…"}}}` (the field is `auth`; the doc's example
//! `authentication` is a doc error).

use crate::secret::Secret;
use serde::{Deserialize, Serialize, Serializer};

/// The body of `POST /v3/{project_id}/keypairs/disassociate`.
#[derive(Debug, Serialize)]
pub struct DisassociateRequest {
    pub server: Server,
}

/// The server to unbind the key pair from.
#[derive(Debug, Serialize)]
pub struct Server {
    /// The ECS server ID (a UUID).
    pub id: String,
    /// Needed when the server is running: its current private key (or password).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auth: Option<ServerAuth>,
}

/// How to log in to a running server to remove the key.
#[derive(Debug, Serialize)]
pub struct ServerAuth {
    #[serde(rename = "type")]
    pub kind: AuthType,
    #[serde(serialize_with = "expose_secret")]
    pub key: Secret,
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

impl AuthType {
    /// The wire value.
    pub fn as_str(self) -> &'static str {
        match self {
            AuthType::Password => "password",
            AuthType::Keypair => "keypair",
        }
    }
}

// The key has to go on the wire: this is the one place a Secret is serialised.
fn expose_secret<S: Serializer>(secret: &Secret, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(secret.expose())
}

/// The 202 body. The official SDKs' model also carries `server_id`, `status` (`SUCCESS` | `FAILED`),
/// `error_code` and `error_msg`: a 202 whose `status` is `FAILED` is a failure.
#[derive(Debug, Default, Deserialize)]
pub struct DisassociateResponse {
    pub task_id: Option<String>,
    pub server_id: Option<String>,
    pub status: Option<String>,
    pub error_code: Option<String>,
    pub error_msg: Option<String>,
}

/// The body of an error response: `{"error_code":"KPS.0002","error_msg":"…"}`.
#[derive(Debug, Default, Deserialize)]
pub struct ApiErrorBody {
    pub error_code: Option<String>,
    pub error_msg: Option<String>,
}
