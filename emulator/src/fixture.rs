//! The emulator's world: projects, tokens, AK/SK pairs and servers, loaded from a JSON fixture.
//!
//! The default fixture (`fixtures/default.json`) is compiled in; `--fixture FILE` replaces it. A fixture is read
//! once and never changes: what changes while the emulator runs (bound key pairs, tasks) lives in
//! [`crate::state`], which starts from the fixture and goes back to it on `POST /__emulator/reset`.

use std::collections::{HashMap, HashSet};
use std::fmt;

use kps_wasm::secret::Secret;
use serde::{Deserialize, Deserializer};

use crate::ids::is_uuid;

/// The fixture compiled into the binary.
pub const DEFAULT_FIXTURE_JSON: &str = include_str!("../fixtures/default.json");

/// Most fleet servers [`Fixture::with_fleet`] adds: their ids and names carry 4 decimal digits.
pub const MAX_FLEET: u16 = 9999;

/// The key pair fleet servers are bound to.
pub const FLEET_KEYPAIR: &str = "KeyPair-fleet";

/// The id of fleet server `n` (1-based): `f1ee7000-0000-4000-8000-00000000NNNN`, NNNN = `n` in 4 decimal digits.
pub fn fleet_server_id(n: u16) -> String {
    format!("f1ee7000-0000-4000-8000-{n:012}")
}

/// Whether an ECS server is running or stopped: KPS wants the private key only for a running one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
pub enum ServerStatus {
    /// Running: unbinding needs `auth` (its private key, or its password when it has one), unless KPS manages
    /// the private key.
    #[serde(rename = "ACTIVE")]
    Active,
    /// Stopped: unbinding needs no `auth`.
    #[serde(rename = "SHUTOFF")]
    Shutoff,
}

/// Why a server's unbind task fails: copied to `task_error_code`/`task_error_msg` of the failed task.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TaskError {
    /// `task_error_code`, e.g. `KPS.0003`.
    pub task_error_code: String,
    /// `task_error_msg`.
    pub task_error_msg: String,
}

/// A project (the `{project_id}` in every path).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Project {
    /// 32 alphanumeric characters, as IAM returns them.
    pub id: String,
    /// A label (a region name, say); informational.
    pub name: String,
}

/// An IAM token the emulator accepts in `X-Auth-Token`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct TokenSpec {
    token: String,
    /// Projects this token may act on; any other project gets 403 `KPS.9003`.
    projects: Vec<String>,
    #[serde(default, rename = "description")]
    _description: Option<String>,
}

/// An AK/SK pair the emulator accepts in `Authorization: SDK-HMAC-SHA256 ...`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CredentialSpec {
    access_key_id: String,
    #[serde(deserialize_with = "secret")]
    secret_access_key: Secret,
    /// Temporary credentials: requests must carry this `X-Security-Token`, signed.
    #[serde(default, deserialize_with = "optional_secret")]
    security_token: Option<Secret>,
    projects: Vec<String>,
    #[serde(default, rename = "description")]
    _description: Option<String>,
}

/// One ECS server, as the fixture describes it.
#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Server {
    /// UUID, unique across the fixture.
    pub id: String,
    /// The project the server belongs to.
    pub project_id: String,
    /// `server_name` in task listings.
    pub name: String,
    /// Running or stopped.
    pub status: ServerStatus,
    /// The key pair bound at start, if any: a name from the fixture's `keypairs`.
    #[serde(default)]
    pub keypair_name: Option<String>,
    /// The login password: `auth: {type: "password"}` is accepted only when this is set and matches.
    #[serde(default, deserialize_with = "optional_secret")]
    pub password: Option<Secret>,
    /// When set, every unbind task of this server ends `FAILED_UNBIND` with this error.
    #[serde(default)]
    pub unbind_error: Option<TaskError>,
    /// The benchmark server: disassociate always answers 202 with a fresh task id and changes nothing.
    #[serde(default)]
    pub benchmark: bool,
    #[serde(default, rename = "description")]
    _description: Option<String>,
}

impl fmt::Debug for Server {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Server")
            .field("id", &self.id)
            .field("project_id", &self.project_id)
            .field("name", &self.name)
            .field("status", &self.status)
            .field("keypair_name", &self.keypair_name)
            .field("benchmark", &self.benchmark)
            .finish_non_exhaustive()
    }
}

/// An SSH key pair: servers bound to it are unbound with its private key.
#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeyPair {
    /// The key pair name (`keypair_name` in task listings).
    pub name: String,
    /// The PEM private key: what `auth: {type: "keypair", key}` must carry for a running server.
    #[serde(deserialize_with = "secret")]
    pub private_key: Secret,
    /// KPS holds the private key, so a running server bound to this pair can be unbound without `auth`.
    #[serde(default)]
    pub private_key_managed: bool,
    #[serde(default, rename = "description")]
    _description: Option<String>,
}

/// A caller the fixture knows (a token or an AK/SK pair) and the projects it may act on.
#[derive(Debug)]
pub struct Identity {
    /// Project ids this caller may act on.
    pub projects: HashSet<String>,
}

/// An AK/SK pair.
pub struct Credential {
    /// The secret access key the signature is computed with.
    pub secret_access_key: Secret,
    /// The security token a temporary pair requires.
    pub security_token: Option<Secret>,
    /// Who this pair is.
    pub identity: Identity,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FixtureFile {
    #[serde(default, rename = "description")]
    _description: Option<String>,
    projects: Vec<Project>,
    #[serde(default)]
    tokens: Vec<TokenSpec>,
    #[serde(default)]
    credentials: Vec<CredentialSpec>,
    #[serde(default)]
    keypairs: Vec<KeyPair>,
    #[serde(default)]
    servers: Vec<Server>,
}

/// A loaded, validated fixture with lookup tables for the request path. Immutable.
pub struct Fixture {
    /// Projects, in fixture order.
    pub projects: Vec<Project>,
    /// Servers, in fixture order.
    pub servers: Vec<Server>,
    keypairs: HashMap<String, KeyPair>,
    server_index: HashMap<String, usize>,
    tokens: HashMap<String, Identity>,
    credentials: HashMap<String, Credential>,
}

impl fmt::Debug for Fixture {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Fixture")
            .field("projects", &self.projects.len())
            .field("servers", &self.servers.len())
            .field("tokens", &self.tokens.len())
            .field("credentials", &self.credentials.len())
            .finish()
    }
}

impl Fixture {
    /// The compiled-in default fixture.
    pub fn default_fixture() -> Self {
        Self::from_json(DEFAULT_FIXTURE_JSON)
            .expect("the embedded default fixture is valid (tested)")
    }

    /// Parses and validates a fixture; the error says what is wrong and where.
    pub fn from_json(json: &str) -> Result<Self, String> {
        let file: FixtureFile =
            serde_json::from_str(json).map_err(|e| format!("fixture is not valid: {e}"))?;

        let mut project_ids = HashSet::new();
        for project in &file.projects {
            if project.id.len() != 32 || !project.id.bytes().all(|b| b.is_ascii_alphanumeric()) {
                return Err(format!(
                    "project id {:?} is not 32 alphanumeric characters",
                    project.id
                ));
            }
            if !project_ids.insert(project.id.as_str()) {
                return Err(format!("project id {} appears twice", project.id));
            }
        }
        let check_projects =
            |owner: &str, projects: &[String]| -> Result<HashSet<String>, String> {
                projects
                    .iter()
                    .map(|p| {
                        if project_ids.contains(p.as_str()) {
                            Ok(p.clone())
                        } else {
                            Err(format!("{owner} names unknown project {p}"))
                        }
                    })
                    .collect()
            };

        let mut tokens = HashMap::new();
        for spec in file.tokens {
            if spec.token.is_empty() {
                return Err("a token is empty".into());
            }
            let identity = Identity {
                projects: check_projects("a token", &spec.projects)?,
            };
            if tokens.insert(spec.token, identity).is_some() {
                return Err("a token appears twice".into());
            }
        }

        let mut credentials = HashMap::new();
        for spec in file.credentials {
            if spec.access_key_id.is_empty() || spec.secret_access_key.is_empty() {
                return Err("an access key id or secret access key is empty".into());
            }
            let owner = format!("access key {}", spec.access_key_id);
            let credential = Credential {
                secret_access_key: spec.secret_access_key,
                security_token: spec.security_token,
                identity: Identity {
                    projects: check_projects(&owner, &spec.projects)?,
                },
            };
            if credentials.insert(spec.access_key_id, credential).is_some() {
                return Err(format!("{owner} appears twice"));
            }
        }

        let mut keypairs = HashMap::new();
        for keypair in file.keypairs {
            if keypair.private_key.is_empty() {
                return Err(format!(
                    "key pair {} has an empty private key",
                    keypair.name
                ));
            }
            if let Some(previous) = keypairs.insert(keypair.name.clone(), keypair) {
                return Err(format!("key pair {} appears twice", previous.name));
            }
        }

        let mut server_index = HashMap::new();
        for (index, server) in file.servers.iter().enumerate() {
            if !is_uuid(&server.id) {
                return Err(format!("server id {:?} is not a UUID", server.id));
            }
            if !project_ids.contains(server.project_id.as_str()) {
                return Err(format!(
                    "server {} names unknown project {}",
                    server.id, server.project_id
                ));
            }
            if let Some(name) = &server.keypair_name {
                if !keypairs.contains_key(name) {
                    return Err(format!(
                        "server {} is bound to unknown key pair {name}",
                        server.id
                    ));
                }
            }
            if server_index
                .insert(server.id.to_ascii_lowercase(), index)
                .is_some()
            {
                return Err(format!("server id {} appears twice", server.id));
            }
        }

        Ok(Self {
            projects: file.projects,
            servers: file.servers,
            keypairs,
            server_index,
            tokens,
            credentials,
        })
    }

    /// This fixture with `count` fleet servers added to its first project: stopped, bound to [`FLEET_KEYPAIR`]
    /// (added with a placeholder private key unless the fixture has it), ids from [`fleet_server_id`] and names
    /// `fleet-0001`, `fleet-0002`... Stopped servers unbind without `auth`, so a fleet needs no key material.
    pub fn with_fleet(mut self, count: u16) -> Result<Self, String> {
        if count == 0 {
            return Ok(self);
        }
        if count > MAX_FLEET {
            return Err(format!(
                "a fleet has at most {MAX_FLEET} servers, not {count}"
            ));
        }
        let project_id = self
            .projects
            .first()
            .map(|p| p.id.clone())
            .ok_or("a fleet needs a project in the fixture")?;
        self.keypairs
            .entry(FLEET_KEYPAIR.to_owned())
            .or_insert_with(|| KeyPair {
                name: FLEET_KEYPAIR.to_owned(),
                private_key: Secret::new(
                    "-----BEGIN RSA PRIVATE KEY-----\nZmxlZXQgcGxhY2Vob2xkZXIsIG5vdCBhIGtleQ==\n-----END RSA PRIVATE KEY-----\n",
                ),
                private_key_managed: false,
                _description: None,
            });
        for n in 1..=count {
            let server = Server {
                id: fleet_server_id(n),
                project_id: project_id.clone(),
                name: format!("fleet-{n:04}"),
                status: ServerStatus::Shutoff,
                keypair_name: Some(FLEET_KEYPAIR.to_owned()),
                password: None,
                unbind_error: None,
                benchmark: false,
                _description: None,
            };
            if self
                .server_index
                .insert(server.id.clone(), self.servers.len())
                .is_some()
            {
                return Err(format!(
                    "fleet server {} is already in the fixture",
                    server.id
                ));
            }
            self.servers.push(server);
        }
        Ok(self)
    }

    /// The index of the server with this id (case-insensitive), whatever its project.
    pub fn server_position(&self, server_id: &str) -> Option<usize> {
        match self.server_index.get(server_id) {
            Some(index) => Some(*index),
            None => self
                .server_index
                .get(&server_id.to_ascii_lowercase())
                .copied(),
        }
    }

    /// The identity behind an `X-Auth-Token`.
    pub fn token(&self, token: &str) -> Option<&Identity> {
        self.tokens.get(token)
    }

    /// The AK/SK pair with this access key id.
    pub fn credential(&self, access_key_id: &str) -> Option<&Credential> {
        self.credentials.get(access_key_id)
    }

    /// The key pair with this name.
    pub fn keypair(&self, name: &str) -> Option<&KeyPair> {
        self.keypairs.get(name)
    }

    /// The index of the server with this id (case-insensitive, as UUIDs are) in this project.
    pub fn server_index(&self, project_id: &str, server_id: &str) -> Option<usize> {
        let index = self.server_position(server_id)?;
        (self.servers[index].project_id == project_id).then_some(index)
    }
}

fn secret<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Secret, D::Error> {
    String::deserialize(deserializer).map(Secret::new)
}

fn optional_secret<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Secret>, D::Error> {
    Ok(Option::<String>::deserialize(deserializer)?.map(Secret::new))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_fixture_loads() {
        let fixture = Fixture::default_fixture();
        assert!(fixture.token("emulator-token").is_some());
        assert!(fixture.credential("HPUAL7MDDNZ3EXAMPLE1").is_some());
        assert!(fixture
            .server_index(
                "0a1b2c3d4e5f60718293a4b5c6d7e8f9",
                "d76baba7-ef09-40a2-87ff-3eafec0696e7"
            )
            .is_some());
    }

    #[test]
    fn a_fixture_naming_an_unknown_project_is_rejected() {
        let json = r#"{"projects":[{"id":"0a1b2c3d4e5f60718293a4b5c6d7e8f9","name":"a"}],
            "tokens":[{"token":"t","projects":["ffffffffffffffffffffffffffffffff"]}]}"#;
        let error = Fixture::from_json(json).expect_err("unknown project");
        assert!(error.contains("unknown project"), "{error}");
    }

    #[test]
    fn a_fleet_is_added_to_the_first_project_stopped_and_bound_to_the_fleet_key_pair() {
        let fixture = Fixture::default_fixture()
            .with_fleet(1000)
            .expect("a fleet fits");
        let first = fixture
            .server_index(
                "0a1b2c3d4e5f60718293a4b5c6d7e8f9",
                "f1ee7000-0000-4000-8000-000000000001",
            )
            .expect("fleet-0001");
        let last = fixture
            .server_index(
                "0a1b2c3d4e5f60718293a4b5c6d7e8f9",
                "f1ee7000-0000-4000-8000-000000001000",
            )
            .expect("fleet-1000");
        assert_eq!(fixture.servers[first].name, "fleet-0001");
        assert_eq!(fixture.servers[last].name, "fleet-1000");
        assert_eq!(fixture.servers[last].status, ServerStatus::Shutoff);
        assert_eq!(
            fixture.servers[last].keypair_name.as_deref(),
            Some(FLEET_KEYPAIR)
        );
        assert!(fixture.keypair(FLEET_KEYPAIR).is_some());
        assert!(fixture
            .server_position("f1ee7000-0000-4000-8000-000000001001")
            .is_none());
        assert_eq!(
            fleet_server_id(MAX_FLEET),
            "f1ee7000-0000-4000-8000-000000009999"
        );
        assert!(crate::ids::is_uuid(&fleet_server_id(MAX_FLEET)));
    }

    #[test]
    fn a_fleet_needs_a_project_and_ids_of_its_own() {
        let empty = Fixture::from_json(r#"{"projects":[]}"#).expect("valid");
        assert!(empty.with_fleet(1).is_err());
        let taken = Fixture::from_json(
            r#"{"projects":[{"id":"0a1b2c3d4e5f60718293a4b5c6d7e8f9","name":"a"}],
                "servers":[{"id":"f1ee7000-0000-4000-8000-000000000002","project_id":"0a1b2c3d4e5f60718293a4b5c6d7e8f9",
                            "name":"mine","status":"ACTIVE"}]}"#,
        )
        .expect("valid");
        let error = taken.with_fleet(3).expect_err("id taken");
        assert!(error.contains("000000000002"), "{error}");
    }

    #[test]
    fn a_fixture_with_a_typo_in_a_field_name_is_rejected() {
        let json = r#"{"projects":[],"server":[]}"#;
        let error = Fixture::from_json(json).expect_err("unknown field");
        assert!(error.contains("unknown field `server`"), "{error}");
    }
}
