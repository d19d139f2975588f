//! The independent references the properties compare kps-wasm against. Each is written here from a documented
//! rule, or wraps a well-kept crate; none calls the kps-wasm code it checks.

pub mod encoders;
pub mod json;
pub mod rules;
pub mod signer;
