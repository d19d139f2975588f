//! What surrounds the API: CORS, request ids, static files and MIME types, keep-alive, and the binary's command
//! line (first stdout line, SIGTERM, errors).

mod common;

use std::collections::HashSet;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::*;
use kps_emulator::Config;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const ORIGIN: &str = "https://demo.example";

#[tokio::test]
async fn a_preflight_from_any_origin_is_allowed_with_the_headers_the_library_sends() {
    let emulator = Emulator::start().await;
    let response = emulator
        .send(
            Req::new("OPTIONS", &format!("/v3/{PROJECT}/keypairs/disassociate"))
                .header("Origin", ORIGIN)
                .header("Access-Control-Request-Method", "POST")
                .header(
                    "Access-Control-Request-Headers",
                    "authorization,content-type,x-project-id,x-sdk-date",
                )
                .header("Access-Control-Request-Private-Network", "true"),
        )
        .await;
    assert_eq!(response.status, 204);
    assert_eq!(response.header("access-control-allow-origin"), Some(ORIGIN));
    assert_eq!(
        response.header("access-control-allow-private-network"),
        Some("true")
    );
    let methods = response
        .header("access-control-allow-methods")
        .expect("methods");
    for method in ["GET", "POST", "DELETE"] {
        assert!(methods.contains(method), "{methods}");
    }
    let allowed = response
        .header("access-control-allow-headers")
        .expect("headers")
        .to_ascii_lowercase();
    for header in [
        "x-auth-token",
        "x-sdk-date",
        "authorization",
        "x-project-id",
        "x-security-token",
        "content-type",
    ] {
        assert!(allowed.contains(header), "{header} in {allowed}");
    }
    assert!(response.header("x-request-id").is_some());
}

#[tokio::test]
async fn every_answer_reflects_the_origin_and_exposes_the_request_id() {
    let emulator = Emulator::start().await;
    let accepted = emulator
        .send(
            disassociate(PROJECT, STOPPED_SERVER, None)
                .token(TOKEN)
                .header("Origin", ORIGIN),
        )
        .await;
    let refused = emulator
        .send(disassociate(PROJECT, STOPPED_SERVER, None).header("Origin", ORIGIN))
        .await;
    let not_found = emulator
        .send(Req::get("/v3/x").header("Origin", ORIGIN))
        .await;
    for response in [&accepted, &refused, &not_found] {
        assert_eq!(response.header("access-control-allow-origin"), Some(ORIGIN));
        assert_eq!(response.header("vary"), Some("Origin"));
        assert!(response
            .header("access-control-expose-headers")
            .is_some_and(|h| h.contains("X-Request-Id")));
    }
    let without_origin = emulator.send(Req::get("/v3/x")).await;
    assert_eq!(
        without_origin.header("access-control-allow-origin"),
        Some("*")
    );
}

#[tokio::test]
async fn every_response_has_its_own_request_id() {
    let emulator = Emulator::start().await;
    let mut ids = HashSet::new();
    for req in [
        disassociate(PROJECT, STOPPED_SERVER, None).token(TOKEN),
        disassociate(PROJECT, STOPPED_SERVER, None),
        Req::get("/__emulator/state"),
        Req::get("/nothing-here"),
        Req::new("OPTIONS", "/"),
        Req::get("/__emulator/fault/status=500/v3/x"),
    ] {
        let response = emulator.send(req).await;
        let id = response
            .header("x-request-id")
            .expect("x-request-id")
            .to_owned();
        assert!(
            id.len() == 32 && id.bytes().all(|b| b.is_ascii_hexdigit()),
            "{id}"
        );
        assert!(ids.insert(id));
    }
}

#[tokio::test]
async fn one_keep_alive_connection_serves_many_requests() {
    let emulator = Emulator::start().await;
    let mut stream = tokio::net::TcpStream::connect(emulator.addr)
        .await
        .expect("connect");
    let body = disassociate_body(BENCH_SERVER, None).to_string();
    let request = format!(
        "POST /v3/{PROJECT}/keypairs/disassociate HTTP/1.1\r\nHost: x\r\nX-Auth-Token: {TOKEN}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    let mut pipeline = Vec::new();
    for _ in 0..3 {
        pipeline.extend_from_slice(request.as_bytes());
    }
    stream.write_all(&pipeline).await.expect("write");
    let mut received = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(5);
    while received
        .windows(12)
        .filter(|w| *w == b"HTTP/1.1 202")
        .count()
        < 3
    {
        assert!(
            Instant::now() < deadline,
            "{}",
            String::from_utf8_lossy(&received)
        );
        let mut buf = [0u8; 4096];
        let n = tokio::time::timeout(Duration::from_secs(5), stream.read(&mut buf))
            .await
            .expect("in time")
            .expect("read");
        assert!(n > 0, "connection closed early");
        received.extend_from_slice(&buf[..n]);
    }
}

// ---- static files ----

/// A fresh directory tree: `www/` and `pkg/` to serve, and `secret.txt` beside them that must stay unreachable.
fn site() -> PathBuf {
    let root = std::env::temp_dir().join(format!(
        "kps-emulator-site-{}-{}",
        std::process::id(),
        Instant::now().elapsed().as_nanos() ^ rand_suffix()
    ));
    let write = |path: &str, content: &[u8]| {
        let path = root.join(path);
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("mkdir");
        std::fs::write(path, content).expect("write");
    };
    write("www/index.html", b"<!doctype html><title>demo</title>");
    write("www/app.js", b"console.log('app');");
    write("www/nested/index.html", b"nested page");
    write("pkg/kps_wasm_bg.wasm", b"\0asm\x01\0\0\0");
    write("pkg/index.mjs", b"export {};");
    write("pkg/index.js", b"module.exports = {};");
    write("secret.txt", b"TOP-SECRET");
    root
}

fn rand_suffix() -> u128 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    u128::from(COUNTER.fetch_add(1, Ordering::Relaxed)) << 64
}

async fn static_emulator(root: &Path) -> Emulator {
    Emulator::start_with(Config {
        www: Some(root.join("www")),
        pkg: Some(root.join("pkg")),
        ..Config::ephemeral()
    })
    .await
}

#[tokio::test]
async fn www_and_pkg_are_served_with_the_mime_types_browsers_require() {
    let root = site();
    let emulator = static_emulator(&root).await;
    for (path, content_type, body) in [
        ("/", "text/html", &b"<!doctype html><title>demo</title>"[..]),
        (
            "/index.html",
            "text/html",
            b"<!doctype html><title>demo</title>",
        ),
        ("/nested/", "text/html", b"nested page"),
        (
            "/app.js",
            "text/javascript;charset=UTF-8",
            b"console.log('app');",
        ),
        (
            "/pkg/kps_wasm_bg.wasm",
            "application/wasm",
            b"\0asm\x01\0\0\0",
        ),
        (
            "/pkg/index.mjs",
            "text/javascript;charset=UTF-8",
            b"export {};",
        ),
        (
            "/pkg/index.js",
            "text/javascript;charset=UTF-8",
            b"module.exports = {};",
        ),
    ] {
        let response = emulator.send(Req::get(path).header("Origin", ORIGIN)).await;
        assert_eq!(response.status, 200, "{path}");
        assert!(
            response
                .header("content-type")
                .is_some_and(|ct| ct.starts_with(content_type)),
            "{path}: {:?}",
            response.header("content-type")
        );
        assert_eq!(response.body, body, "{path}");
        assert_eq!(
            response.header("access-control-allow-origin"),
            Some(ORIGIN),
            "{path}"
        );
    }
    let missing = emulator.send(Req::get("/pkg/missing.wasm")).await;
    assert_eq!(
        (missing.status, missing.error_code().as_str()),
        (404, "APIGW.0101")
    );
    let api = emulator
        .send(disassociate(PROJECT, STOPPED_SERVER, None).token(TOKEN))
        .await;
    assert_eq!(
        api.status, 202,
        "the API still wins over the static fallback"
    );
    let _ = std::fs::remove_dir_all(root);
}

#[tokio::test]
async fn nothing_outside_the_served_directories_is_reachable() {
    let root = site();
    let emulator = static_emulator(&root).await;
    for path in [
        "/../secret.txt",
        "/%2e%2e/secret.txt",
        "/..%2fsecret.txt",
        "/pkg/../../secret.txt",
        "/pkg/%2e%2e/%2e%2e/secret.txt",
        "/nested/../../secret.txt",
        "/pkg/..%5c..%5csecret.txt",
    ] {
        let raw = exchange(
            emulator.addr,
            format!("GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").as_bytes(),
            Duration::from_secs(5),
        )
        .await
        .expect("an answer");
        let text = String::from_utf8_lossy(&raw);
        assert!(!text.contains("TOP-SECRET"), "{path} leaked: {text}");
        let response = Response::parse(&raw).expect("a response");
        assert!(
            response.status == 404 || response.status == 400,
            "{path}: {}",
            response.status
        );
    }
    let _ = std::fs::remove_dir_all(root);
}

#[tokio::test]
async fn serving_a_directory_that_does_not_exist_is_an_error_at_startup() {
    let result = kps_emulator::serve(Config {
        www: Some(PathBuf::from("/definitely/not/here")),
        ..Config::ephemeral()
    })
    .await;
    let error = result.expect_err("a missing --www directory");
    assert!(error.to_string().contains("--www"), "{error}");
}

// ---- the binary ----

fn emulator_binary() -> Command {
    Command::new(env!("CARGO_BIN_EXE_kps-emulator"))
}

/// Sends one HTTP request with std I/O and returns the raw answer.
fn blocking_exchange(addr: &str, request: &str) -> String {
    let mut stream = std::net::TcpStream::connect(addr).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .expect("timeout");
    stream.write_all(request.as_bytes()).expect("write");
    let mut raw = String::new();
    stream.read_to_string(&mut raw).expect("read");
    raw
}

#[test]
fn the_binary_prints_its_address_first_serves_and_stops_cleanly_on_sigterm() {
    let dir = std::env::temp_dir().join(format!("kps-emulator-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("mkdir");
    let fixture = dir.join("fixture.json");
    std::fs::write(
        &fixture,
        format!(r#"{{"projects":[{{"id":"{PROJECT}","name":"p"}}],"tokens":[{{"token":"cli-token","projects":["{PROJECT}"]}}]}}"#),
    )
    .expect("write fixture");

    let mut child = emulator_binary()
        .args([
            "--port",
            "0",
            "--task-ready-ms",
            "5",
            "--rate-limit",
            "40",
            "--fleet",
            "2",
            "--fixture",
        ])
        .arg(&fixture)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
    let mut first_line = String::new();
    stdout.read_line(&mut first_line).expect("first line");
    let addr = first_line
        .trim_end()
        .strip_prefix("listening on http://127.0.0.1:")
        .map(|port| format!("127.0.0.1:{port}"))
        .unwrap_or_else(|| panic!("unexpected first line {first_line:?}"));
    assert!(addr
        .rsplit(':')
        .next()
        .and_then(|p| p.parse::<u16>().ok())
        .is_some_and(|p| p != 0));

    let answer = blocking_exchange(
        &addr,
        &format!("GET /v3/{PROJECT}/running-tasks HTTP/1.1\r\nHost: x\r\nX-Auth-Token: cli-token\r\nConnection: close\r\n\r\n"),
    );
    assert!(
        answer.starts_with("HTTP/1.1 200"),
        "the --fixture token works: {answer}"
    );
    let limit = blocking_exchange(
        &addr,
        "GET /__emulator/rate-limit HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    );
    assert!(
        limit.ends_with(r#"{"perSecond":40,"burst":40,"retryAfter":true}"#),
        "{limit}"
    );
    let state = blocking_exchange(
        &addr,
        "GET /__emulator/state HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    );
    assert!(
        state.contains("f1ee7000-0000-4000-8000-000000000002") && !state.contains("000000000003"),
        "--fleet 2 adds two servers: {state}"
    );

    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(status.success());
    let deadline = Instant::now() + Duration::from_secs(5);
    let exit = loop {
        if let Some(exit) = child.try_wait().expect("wait") {
            break exit;
        }
        assert!(
            Instant::now() < deadline,
            "the emulator did not stop on SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(exit.success(), "{exit:?}");
    assert!(
        std::net::TcpStream::connect(&addr).is_err(),
        "the port is closed"
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn the_binary_explains_bad_arguments_and_a_bad_fixture() {
    let output = emulator_binary()
        .args(["--port", "http"])
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("--port") && stderr.contains("usage:"),
        "{stderr}"
    );

    let output = emulator_binary()
        .args(["--port", "0", "--fixture", "/definitely/not/here.json"])
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("cannot read fixture"));
    assert!(output.stdout.is_empty(), "nothing claims to be listening");

    for bad in [["--rate-limit", "fast"], ["--fleet", "10000"]] {
        let output = emulator_binary().args(bad).output().expect("run");
        assert_eq!(output.status.code(), Some(2), "{bad:?}");
        assert!(String::from_utf8_lossy(&output.stderr).contains(bad[0]));
    }

    let help = emulator_binary().arg("--help").output().expect("run");
    assert!(help.status.success());
    let help = String::from_utf8_lossy(&help.stdout);
    for flag in ["--task-running-ms", "--rate-limit", "--fleet"] {
        assert!(help.contains(flag), "{flag}");
    }
}
