//! One file per target; each exports `property`, listed in `crate::TARGETS`.

pub mod endpoint;
pub mod masking;
pub mod options;
pub mod response;
pub mod signing;
