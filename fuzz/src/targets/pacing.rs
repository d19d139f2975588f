//! The fleet's pacer ([`kps_wasm::pacing::Pacer`]) through random sequences of requests and answers (accepted
//! or throttled, with or without `Retry-After`) on a clock that only moves forward.
//!
//! Properties, from the module's documentation: no spacing and no wait until the first refusal; a wait is
//! never negative and never ends before the last refusal's `Retry-After` (a minute at most); the first refusal spaces requests
//! at 90 % of the rate accepted in the second before it, a later one slows them by a tenth, never slower than
//! one a second — but a refusal of a request sent before the pacer reacted to the last one (the same episode)
//! only extends the pause; each episode voids the slots reserved before it; slots reserved within an episode
//! are at least the spacing apart; the rate only rises between refusals, and by at most double in a second.

use std::collections::VecDeque;

use kps_wasm::pacing::Pacer;
use proptest::prelude::*;

use crate::Session;

/// One event of a fleet's requests, `after_ms` after the last.
#[derive(Clone, Debug)]
pub enum Event {
    /// A request asks for its slot, and is sent then.
    Request { after_ms: f64 },
    /// The `n`th request sent and not answered yet is answered; `throttled` with the `Retry-After` it asked
    /// for.
    Answer {
        after_ms: f64,
        n: usize,
        throttled: bool,
        retry_after_ms: Option<f64>,
    },
}

fn any_event() -> impl Strategy<Value = Event> {
    let after = || prop_oneof![3 => 0.0..20.0f64, 2 => 0.0..1_500.0f64, 1 => Just(0.0), 1 => 0.0..60_000.0f64];
    prop_oneof![
        3 => after().prop_map(|after_ms| Event::Request { after_ms }),
        3 => (after(), 0usize..16, prop::bool::weighted(0.2), prop::option::of(prop_oneof![Just(0.0), 0.0..3_000.0f64, 0.0..86_400_000.0f64]))
            .prop_map(|(after_ms, n, throttled, retry_after_ms)| Event::Answer {
                after_ms,
                n,
                throttled,
                retry_after_ms,
            }),
    ]
}

fn any_case() -> impl Strategy<Value = (f64, Vec<Event>)> {
    (0.0..2e12f64, prop::collection::vec(any_event(), 1..300))
}

fn check(start_ms: f64, events: &[Event]) -> Result<(), TestCaseError> {
    let mut pacer = Pacer::new();
    let mut now = start_ms;
    // What the documentation needs to predict the spacing: the accepted answers of the last second, the last
    // refusal that lowered the rate, the pause, the last slot reserved in this episode, the requests out.
    let mut accepted: VecDeque<f64> = VecDeque::new();
    let mut last_refusal: Option<f64> = None;
    let mut paused_until = f64::NEG_INFINITY;
    let mut last_slot: Option<(f64, f64)> = None;
    let mut sent: Vec<f64> = Vec::new();
    for event in events {
        match *event {
            Event::Request { after_ms } => {
                now += after_ms;
                let before = pacer.spacing_ms();
                let wait = pacer.wait_ms(now);
                prop_assert!(wait.is_finite() && wait >= 0.0, "a wait of {wait} ms");
                let slot = now + wait;
                prop_assert!(
                    slot >= paused_until - 1e-6,
                    "a slot before Retry-After: {slot} < {paused_until}"
                );
                match (before, pacer.spacing_ms()) {
                    (None, after) => {
                        prop_assert!(after.is_none());
                        prop_assert!(wait == 0.0, "a wait before any refusal");
                    }
                    (Some(before), Some(after)) => {
                        // Raised by 2 %, 4 %… at most doubled; never lowered by a request.
                        prop_assert!(
                            after <= before && after >= before / 2.0 - 1e-9,
                            "{before} → {after}"
                        );
                        if let Some((previous, spacing)) = last_slot {
                            prop_assert!(
                                slot >= previous + spacing - 1e-6,
                                "slots {previous} and {slot}, spacing {spacing}"
                            );
                        }
                        last_slot = Some((slot, after));
                    }
                    (Some(_), None) => prop_assert!(false, "the spacing went away"),
                }
                sent.push(slot);
            }
            Event::Answer {
                after_ms,
                n,
                throttled,
                retry_after_ms,
            } => {
                now += after_ms;
                // Only a request already sent can be answered.
                let out: Vec<usize> = (0..sent.len()).filter(|&i| sent[i] <= now).collect();
                let Some(&index) = out.get(n % out.len().max(1)) else {
                    continue;
                };
                let sent_ms = sent.remove(index);
                while accepted.front().is_some_and(|&t| t < now - 1000.0) {
                    accepted.pop_front();
                }
                let (before, episode) = (pacer.spacing_ms(), pacer.episode());
                pacer.answered(sent_ms, now, throttled, retry_after_ms);
                let after = pacer.spacing_ms();
                if !throttled {
                    accepted.push_back(now);
                    prop_assert_eq!(before, after);
                    continue;
                }
                // A Retry-After pauses the fleet a minute at most.
                paused_until =
                    paused_until.max(now + retry_after_ms.unwrap_or(1000.0).min(60_000.0));
                if last_refusal.is_some_and(|last| sent_ms <= last) {
                    prop_assert_eq!(
                        before,
                        after,
                        "a refusal of the same episode changed the pace"
                    );
                    prop_assert_eq!(pacer.episode(), episode);
                    continue;
                }
                let expected = match before {
                    None => 1000.0 / (accepted.len().max(1) as f64 * 0.9),
                    Some(spacing) => spacing / 0.9,
                }
                .min(1000.0);
                let after = after.unwrap_or(f64::NAN);
                prop_assert!(
                    (after - expected).abs() <= 1e-9 * expected,
                    "spacing {after}, expected {expected}"
                );
                prop_assert!(after > 0.0 && after <= 1000.0);
                prop_assert_eq!(pacer.episode(), episode + 1);
                last_refusal = Some(now);
                // The slots reserved before are void: the requests still asleep reserve again.
                last_slot = None;
                sent.retain(|&slot| slot <= now);
            }
        }
    }
    Ok(())
}

pub fn property(session: &mut Session) {
    session.check(any_case(), |(start_ms, events)| check(start_ms, &events));
}
