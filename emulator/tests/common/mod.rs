//! Shared by the integration tests: an in-process emulator on a free port, a raw HTTP/1.1 client (faults such
//! as cut bodies and resets need byte-level access, so no HTTP client library), and AK/SK signing.

#![allow(dead_code)] // Each test binary uses a different subset.

use std::net::SocketAddr;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use kps_emulator::{serve, Config, RunningServer, Timings};
use kps_wasm::secret::Secret;
use kps_wasm::signing::{format_sdk_date, sign, SignableRequest};
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

pub const PROJECT: &str = "0a1b2c3d4e5f60718293a4b5c6d7e8f9";
pub const PROJECT2: &str = "9f8e7d6c5b4a39281706f5e4d3c2b1a0";
pub const TOKEN: &str = "emulator-token";
pub const TOKEN_PROJECT2_ONLY: &str = "emulator-token-project2";
pub const TOKEN_DENIED: &str = "emulator-token-denied";

pub const RUNNING_SERVER: &str = "3f1d2c4b-5a69-4788-9a0b-1c2d3e4f5a6b";
pub const STOPPED_SERVER: &str = "d76baba7-ef09-40a2-87ff-3eafec0696e7";
pub const NO_KEYPAIR_SERVER: &str = "7b2e9c10-4d3a-4f6b-8e21-5a9c0d1e2f30";
pub const FAILING_SERVER: &str = "e5a0c3f2-8b1d-4c7e-9f60-2d4b6a8c0e1f";
pub const PASSWORD_SERVER: &str = "4a8c2e6f-1b3d-4e5f-a7b9-c0d1e2f3a4b5";
pub const PASSWORD: &str = "Pässwörd!密码#1";
pub const MANAGED_KEY_SERVER: &str = "6c9e1a3b-5d7f-4b0a-8c2e-4f6a8b0c2d4e";
pub const BENCH_SERVER: &str = "b0000000-0000-4000-8000-000000000001";
pub const PROJECT2_SERVER: &str = "c9aa197b-a6b6-4c33-b3a6-fa0b4ec50006";

pub const AK: &str = "HPUAL7MDDNZ3EXAMPLE1";
pub const SK: &str = "qLZBJ9k7Xh2mEXAMPLEsecretKEYqLZBJ9k7Xh2m";
pub const TEMP_AK: &str = "TMPAKEMULATOREXAMPLE";
pub const TEMP_SK: &str = "TMPskEXAMPLEtemporarySecretKey0123456789";
pub const SECURITY_TOKEN: &str = "emulator-security-token-EXAMPLE";
pub const PROJECT2_AK: &str = "AKPROJECT2ONLYEXAMPL";
pub const PROJECT2_SK: &str = "SKproject2onlySecretKeyEXAMPLE0123456789";

/// Task timings short enough for lifecycle tests, long enough to observe each phase.
pub const FAST: Timings = Timings {
    ready: Duration::from_millis(120),
    running: Duration::from_millis(200),
};

/// Task timings that keep a task pending for the whole test, for tests about pending tasks.
pub const SLOW: Timings = Timings {
    ready: Duration::from_secs(30),
    running: Duration::from_secs(30),
};

/// The private key bound to `RUNNING_SERVER` (KeyPair-web), read from the default fixture.
pub fn web_private_key() -> String {
    let fixture: Value =
        serde_json::from_str(include_str!("../../fixtures/default.json")).expect("fixture is JSON");
    fixture["keypairs"]
        .as_array()
        .and_then(|pairs| pairs.iter().find(|p| p["name"] == "KeyPair-web"))
        .and_then(|p| p["private_key"].as_str())
        .expect("KeyPair-web in the default fixture")
        .to_owned()
}

/// An emulator running in this test's runtime.
pub struct Emulator {
    pub server: RunningServer,
    pub addr: SocketAddr,
}

impl Emulator {
    pub async fn start() -> Self {
        Self::start_with(Config {
            timings: FAST,
            ..Config::ephemeral()
        })
        .await
    }

    /// An emulator whose tasks stay `READY_UNBIND` for 30 s.
    pub async fn start_slow() -> Self {
        Self::start_with(Config {
            timings: SLOW,
            ..Config::ephemeral()
        })
        .await
    }

    pub async fn start_with(config: Config) -> Self {
        let server = serve(config).await.expect("emulator starts");
        let addr = server.local_addr();
        Self { server, addr }
    }

    pub fn host(&self) -> String {
        self.addr.to_string()
    }

    pub async fn send(&self, req: Req) -> Response {
        req.send(self.addr).await
    }

    /// `GET /__emulator/state` as JSON.
    pub async fn state(&self) -> Value {
        self.send(Req::get("/__emulator/state")).await.json()
    }

    /// Starts an unbind with the token and returns the task id (panics unless 202).
    pub async fn unbind(&self, server_id: &str, auth: Option<(&str, &str)>) -> String {
        let response = self
            .send(disassociate(PROJECT, server_id, auth).token(TOKEN))
            .await;
        assert_eq!(response.status, 202, "{}", response.text());
        response.json()["task_id"]
            .as_str()
            .expect("task_id is a string")
            .to_owned()
    }

    /// The `task_status` of a task, read with the token.
    pub async fn task_status(&self, task_id: &str) -> String {
        let response = self
            .send(Req::get(&format!("/v3/{PROJECT}/tasks/{task_id}")).token(TOKEN))
            .await;
        assert_eq!(response.status, 200, "{}", response.text());
        response.json()["task_status"]
            .as_str()
            .expect("task_status is a string")
            .to_owned()
    }
}

/// A request, written by hand onto a fresh connection.
#[derive(Clone, Debug)]
pub struct Req {
    pub method: String,
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// Leave out the `Host` header the client would normally add.
    pub no_host: bool,
}

impl Req {
    pub fn new(method: &str, path: &str) -> Self {
        Self {
            method: method.into(),
            path: path.into(),
            headers: Vec::new(),
            body: Vec::new(),
            no_host: false,
        }
    }

    pub fn get(path: &str) -> Self {
        Self::new("GET", path)
    }

    pub fn post(path: &str) -> Self {
        Self::new("POST", path)
    }

    pub fn delete(path: &str) -> Self {
        Self::new("DELETE", path)
    }

    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    pub fn token(self, token: &str) -> Self {
        self.header("X-Auth-Token", token)
    }

    pub fn body(mut self, body: impl Into<Vec<u8>>) -> Self {
        self.body = body.into();
        self
    }

    pub fn json(self, body: &Value) -> Self {
        self.header("Content-Type", "application/json;charset=UTF-8")
            .body(body.to_string())
    }

    pub fn get_header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The bytes on the wire (with `Host`, `Content-Length` and `Connection: close`).
    pub fn to_bytes(&self, addr: SocketAddr) -> Vec<u8> {
        let mut head = format!("{} {} HTTP/1.1\r\n", self.method, self.path);
        if !self.no_host && self.get_header("host").is_none() {
            head.push_str(&format!("Host: {addr}\r\n"));
        }
        for (name, value) in &self.headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        let framed = self.get_header("content-length").is_some()
            || self.get_header("transfer-encoding").is_some();
        if !self.body.is_empty() && !framed {
            head.push_str(&format!("Content-Length: {}\r\n", self.body.len()));
        }
        head.push_str("Connection: close\r\n\r\n");
        let mut bytes = head.into_bytes();
        bytes.extend_from_slice(&self.body);
        bytes
    }

    pub async fn send(&self, addr: SocketAddr) -> Response {
        let raw = exchange(addr, &self.to_bytes(addr), Duration::from_secs(20))
            .await
            .expect("connection works");
        Response::parse(&raw).unwrap_or_else(|| panic!("a parsable response, got {raw:?}"))
    }

    /// Signs the request with AK/SK the way the library does: `Content-Type` (if any), `Host`, `X-Project-Id`,
    /// `X-Sdk-Date` and `X-Security-Token` (if given).
    pub fn sign(self, ak: &str, sk: &str, security_token: Option<&str>, host: &str) -> Self {
        self.sign_at(ak, sk, security_token, host, &sdk_date_now(0))
    }

    pub fn sign_at(
        mut self,
        ak: &str,
        sk: &str,
        security_token: Option<&str>,
        host: &str,
        sdk_date: &str,
    ) -> Self {
        let project = self
            .path
            .split('/')
            .skip_while(|s| *s != "v3")
            .nth(1)
            .unwrap_or_default()
            .to_owned();
        if self.get_header("x-project-id").is_none() {
            self = self.header("X-Project-Id", &project);
        }
        self = self.header("X-Sdk-Date", sdk_date);
        if let Some(token) = security_token {
            self = self.header("X-Security-Token", token);
        }
        let signed_headers: Vec<(&str, &str)> = self
            .headers
            .iter()
            .filter(|(n, _)| {
                [
                    "content-type",
                    "x-project-id",
                    "x-sdk-date",
                    "x-security-token",
                ]
                .contains(&n.to_ascii_lowercase().as_str())
            })
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        // The path goes to the signer as sent: it decodes it once, as the official signers do.
        let (path, query) = self.path.split_once('?').unwrap_or((&self.path, ""));
        let query_pairs: Vec<(String, String)> = query
            .split('&')
            .filter(|p| !p.is_empty())
            .map(|p| {
                let (k, v) = p.split_once('=').unwrap_or((p, ""));
                (percent_decode(k), percent_decode(v))
            })
            .collect();
        let query: Vec<(&str, &str)> = query_pairs
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let signature = sign(
            &SignableRequest {
                method: &self.method,
                host: Some(host),
                path,
                query: &query,
                headers: &signed_headers,
                body: &self.body,
            },
            ak,
            &Secret::new(sk),
            sdk_date,
        );
        self.header("Authorization", &signature.authorization)
    }
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            if let Some(Ok(byte)) = s.get(i + 1..i + 3).map(|hex| u8::from_str_radix(hex, 16)) {
                out.push(byte);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// `X-Sdk-Date` for now plus `offset_secs`.
pub fn sdk_date_now(offset_secs: i64) -> String {
    let now_ms = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock after 1970")
        .as_millis() as f64;
    format_sdk_date(now_ms + offset_secs as f64 * 1000.0).expect("a representable date")
}

/// A disassociate request body for `server_id` with an optional `(type, key)` auth.
pub fn disassociate_body(server_id: &str, auth: Option<(&str, &str)>) -> Value {
    match auth {
        None => serde_json::json!({ "server": { "id": server_id } }),
        Some((kind, key)) => {
            serde_json::json!({ "server": { "id": server_id, "auth": { "type": kind, "key": key } } })
        }
    }
}

pub fn disassociate(project: &str, server_id: &str, auth: Option<(&str, &str)>) -> Req {
    Req::post(&format!("/v3/{project}/keypairs/disassociate"))
        .json(&disassociate_body(server_id, auth))
}

/// Writes `request` and reads until the server closes the connection (or `limit` passes).
pub async fn exchange(
    addr: SocketAddr,
    request: &[u8],
    limit: Duration,
) -> std::io::Result<Vec<u8>> {
    let mut stream = TcpStream::connect(addr).await?;
    stream.write_all(request).await?;
    let mut raw = Vec::new();
    tokio::time::timeout(limit, stream.read_to_end(&mut raw))
        .await
        .map_err(|_| std::io::Error::new(std::io::ErrorKind::TimedOut, "no EOF in time"))??;
    Ok(raw)
}

/// A parsed response.
#[derive(Clone, Debug)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    /// Parses a whole response (the connection was closed after it). Handles `Content-Length` and chunked
    /// bodies; a `Content-Length` body is taken as whatever arrived.
    pub fn parse(raw: &[u8]) -> Option<Self> {
        let end = raw.windows(4).position(|w| w == b"\r\n\r\n")?;
        let head = std::str::from_utf8(&raw[..end]).ok()?;
        let mut lines = head.split("\r\n");
        let status = lines.next()?.split(' ').nth(1)?.parse().ok()?;
        let headers: Vec<(String, String)> = lines
            .filter_map(|line| line.split_once(':'))
            .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
            .collect();
        let rest = &raw[end + 4..];
        let chunked = headers
            .iter()
            .any(|(n, v)| n == "transfer-encoding" && v.contains("chunked"));
        let body = if chunked {
            dechunk(rest)?
        } else {
            rest.to_vec()
        };
        Some(Self {
            status,
            headers,
            body,
        })
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("JSON body ({e}), got {:?}", self.text()))
    }

    /// `error_code` of a JSON error body.
    pub fn error_code(&self) -> String {
        self.json()["error_code"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    pub fn error_msg(&self) -> String {
        self.json()["error_msg"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }
}

fn dechunk(mut rest: &[u8]) -> Option<Vec<u8>> {
    let mut body = Vec::new();
    loop {
        let line_end = rest.windows(2).position(|w| w == b"\r\n")?;
        let size =
            usize::from_str_radix(std::str::from_utf8(&rest[..line_end]).ok()?.trim(), 16).ok()?;
        rest = &rest[line_end + 2..];
        if size == 0 {
            return Some(body);
        }
        body.extend_from_slice(rest.get(..size)?);
        rest = rest.get(size + 2..)?;
    }
}
