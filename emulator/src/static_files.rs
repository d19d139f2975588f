//! Static files: `--www DIR` at `/` and `--pkg DIR` at `/pkg/`, for the demo page and the npm package.

use std::path::Path;

use axum::handler::HandlerWithoutStateExt;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::Response;
use axum::Router;
use tower_http::services::ServeDir;

use crate::routes::api_not_found;

/// Adds the file servers to `router`: `pkg` at `/pkg/`, `www` at `/` (as the fallback, so API routes win).
/// Each serves `index.html` for directories and the JSON 404 for anything missing (and for methods other than
/// GET/HEAD). `ServeDir` refuses `..` components, so nothing outside the directories is reachable.
pub fn with_static_files(router: Router, www: Option<&Path>, pkg: Option<&Path>) -> Router {
    let router = match pkg {
        Some(dir) => router.nest_service(
            "/pkg",
            ServeDir::new(dir)
                .append_index_html_on_directories(true)
                .call_fallback_on_method_not_allowed(true)
                .fallback(api_not_found.into_service()),
        ),
        None => router,
    };
    match www {
        Some(dir) => router.fallback_service(
            ServeDir::new(dir)
                .append_index_html_on_directories(true)
                .call_fallback_on_method_not_allowed(true)
                .fallback(api_not_found.into_service()),
        ),
        None => router.fallback(api_not_found),
    }
}

/// Sets the MIME types browsers insist on (`application/wasm` for `WebAssembly.instantiateStreaming`,
/// `text/javascript` for module scripts) whatever the guessing table says.
pub fn fix_content_type(path: &str, response: &mut Response) {
    if response.status() != StatusCode::OK && response.status() != StatusCode::PARTIAL_CONTENT {
        return;
    }
    let content_type = if path.ends_with(".wasm") {
        "application/wasm"
    } else if path.ends_with(".mjs") || path.ends_with(".js") || path.ends_with(".cjs") {
        "text/javascript;charset=UTF-8"
    } else {
        return;
    };
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
}
