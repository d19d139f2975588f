//! Unique ids for tasks and requests, generated without a lock or a random-number crate.
//!
//! Each id is a counter pushed through SplitMix64's finaliser, which is a bijection on `u64`: distinct counter
//! values can never give the same id, and the output still looks random (as real task ids do).

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// The last 4 hex digits of every task id handed out for the benchmark server, so that `GET .../tasks/{id}` can
/// answer for them without the emulator having stored anything.
pub const BENCHMARK_TASK_MARKER: &str = "be7c";

/// Hands out task ids (UUID v4 form) and request ids (32 hex digits).
#[derive(Debug)]
pub struct IdGenerator {
    seed: u64,
    counter: AtomicU64,
}

impl IdGenerator {
    /// A generator seeded from the clock and the process id, so two emulator runs do not repeat each other's ids.
    pub fn new() -> Self {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(0);
        Self::with_seed(nanos ^ (u64::from(std::process::id()) << 32))
    }

    /// A generator with a fixed seed (tests).
    pub fn with_seed(seed: u64) -> Self {
        Self {
            seed,
            counter: AtomicU64::new(0),
        }
    }

    fn next_pair(&self) -> (u64, u64) {
        let n = self.counter.fetch_add(1, Ordering::Relaxed);
        let unique = mix(n.wrapping_add(self.seed));
        (unique, mix(unique ^ self.seed.rotate_left(17)))
    }

    /// A fresh task id such as `3b9f0c2e-51d4-4a7e-9c12-6f0e8d2b4a19`.
    pub fn task_id(&self) -> String {
        let (unique, extra) = self.next_pair();
        format_uuid(unique, extra >> 16)
    }

    /// A fresh task id for the benchmark server: a UUID whose last group starts with [`BENCHMARK_TASK_MARKER`].
    pub fn benchmark_task_id(&self) -> String {
        let (unique, extra) = self.next_pair();
        format_uuid(unique, 0xbe7c_0000_0000 | (extra & 0xffff_ffff))
    }

    /// A fresh `X-Request-Id` value: 32 lower-case hex digits, like the gateway's.
    pub fn request_id(&self) -> String {
        let (unique, extra) = self.next_pair();
        format!("{unique:016x}{extra:016x}")
    }
}

impl Default for IdGenerator {
    fn default() -> Self {
        Self::new()
    }
}

/// Whether `task_id` has the shape of a benchmark task id (see [`IdGenerator::benchmark_task_id`]).
pub fn is_benchmark_task_id(task_id: &str) -> bool {
    task_id.len() == 36
        && task_id.get(24..28) == Some(BENCHMARK_TASK_MARKER)
        && task_id.bytes().all(|b| b == b'-' || b.is_ascii_hexdigit())
}

/// Whether `s` is a UUID in the canonical 8-4-4-4-12 hex form (any case), which is what server ids look like.
pub fn is_uuid(s: &str) -> bool {
    s.len() == 36
        && s.bytes().enumerate().all(|(i, b)| match i {
            8 | 13 | 18 | 23 => b == b'-',
            _ => b.is_ascii_hexdigit(),
        })
}

/// SplitMix64's output function: a bijection on `u64` that scrambles consecutive inputs.
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// Lays out all 64 bits of `unique` outside the version and variant bits, so uniqueness survives formatting;
/// `tail` fills the last 48 bits.
fn format_uuid(unique: u64, tail: u64) -> String {
    let time_low = unique >> 32;
    let time_mid = (unique >> 16) & 0xffff;
    let time_hi = 0x4000 | (unique & 0x0fff);
    let clock_seq = 0x8000 | (((unique >> 12) & 0xf) << 10) | ((tail >> 48) & 0x3ff);
    let node = tail & 0xffff_ffff_ffff;
    format!("{time_low:08x}-{time_mid:04x}-{time_hi:04x}-{clock_seq:04x}-{node:012x}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn task_ids_are_version_4_uuids_and_never_repeat() {
        let ids = IdGenerator::with_seed(42);
        let mut seen = HashSet::new();
        for _ in 0..10_000 {
            let id = ids.task_id();
            assert!(is_uuid(&id), "{id}");
            assert_eq!(&id[14..15], "4", "{id}");
            assert!(matches!(&id[19..20], "8" | "9" | "a" | "b"), "{id}");
            assert!(seen.insert(id));
        }
    }

    #[test]
    fn benchmark_task_ids_are_recognised_and_ordinary_ones_mostly_are_not() {
        let ids = IdGenerator::with_seed(7);
        let bench = ids.benchmark_task_id();
        assert!(is_uuid(&bench) && is_benchmark_task_id(&bench), "{bench}");
        assert!(!is_benchmark_task_id(
            "aee8d2fe-5484-4753-9177-5a38dc15546c"
        ));
    }

    #[test]
    fn request_ids_are_32_hex_digits() {
        let id = IdGenerator::with_seed(1).request_id();
        assert_eq!(id.len(), 32);
        assert!(id.bytes().all(|b| b.is_ascii_hexdigit()));
    }
}
