//! kps-wasm: a client for the Huawei Cloud KPS API `DisassociateKeypair`, compiled to WebAssembly.
//!
//! The crate is split into a pure core (no JavaScript types; tested natively with `cargo test`) and a thin
//! wasm-bindgen boundary (`wasm`) that is compiled only for `wasm32`.

#[cfg(target_arch = "wasm32")]
pub mod wasm;

pub mod endpoint;
pub mod error;
pub mod fleet;
pub mod hints;
pub mod identifiers;
pub mod input;
pub mod json;
pub mod list_reading;
pub mod masking;
mod messages;
pub mod model;
pub mod options;
pub mod pacing;
pub mod request;
pub mod response;
pub mod retry;
pub mod secret;
pub mod sign_request;
pub mod signing;
mod suggestions;
pub mod tasks;

// talc, not std's dlmalloc: 6.7 KB raw, 2.5 KB gzip less wasm for the single-threaded wasm the package ships,
// no slower (ARCHITECTURE.md, "Build settings").
#[cfg(all(target_arch = "wasm32", not(target_feature = "atomics")))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

/// The crate version, as published to npm (`kps-wasm` on npm has the same version as this crate).
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
