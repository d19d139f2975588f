//! One file per target; each exports `property`, listed in `crate::TARGETS`.

pub mod endpoint;
pub mod fleet;
pub mod masking;
pub mod options;
pub mod pacing;
pub mod response;
pub mod retry;
pub mod signing;
