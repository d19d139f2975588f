//! [`Pacer`]: how a fleet shares the API gateway's rate limit between its requests, so that a throttled
//! gateway costs a few refused requests rather than one refused request per request.
//!
//! KPS does not publish its rate limit, and the gateway says only "too many" (`429`, `APIGW.0308`, with
//! `Retry-After`). So the pacer learns it, like AWS SDK v3's adaptive retry mode but simpler: it sends as fast
//! as the fleet's concurrency allows until the first `429`; then every request waits for `Retry-After`, and
//! requests are spaced at 90 % of the rate the gateway was seen to accept in the second before (the accepted
//! answers in that window), which puts the client just under the limit. Each second without a `429` raises the
//! rate, by 2 % after the first clean second, 4 % after the second, doubling up to 100 % a second, so that an
//! estimate far too low (a gateway whose burst is much smaller than its rate) is left in seconds, while one
//! that is right costs a refusal only now and then; each later `429` lowers the rate by a tenth and starts the
//! probing again from 2 %.
//!
//! One episode of throttling lowers the rate once. The refusals of requests that were already sent when the
//! pacer reacted to one (every request in flight when the gateway's bucket ran dry) only extend the pause; and
//! the slots reserved before it are void ([`Pacer::episode`]): their requests, asleep until then, reserve
//! again rather than go out during the pause, be refused, and each lower the rate once more. Without both,
//! the pace collapsed: 64 requests in flight cut it by 0.9^63, to one request a second (measured with
//! `node bench/node-fleet.mjs URL --concurrency 64` against `kps-emulator --rate-limit 50 --fleet 500`: 91–97 s
//! instead of 20 s for 500 servers, 21–25 of them not unbound or wrongly reported failed).

/// The window over which accepted answers are counted, in milliseconds.
const WINDOW_MS: f64 = 1000.0;
/// After a `429`, the share of the observed accepted rate the pacer keeps to.
const BACKOFF: f64 = 0.9;
/// The first clean second raises the rate by this share; each further one by twice the last, up to 100 %.
const PROBE: f64 = 0.02;
/// The pacer never goes below one request per this many milliseconds.
const SLOWEST_MS: f64 = 1000.0;
/// The longest pause a `Retry-After` imposes on the whole fleet: a gateway asking for an hour (or a day, the
/// most the retry policy reads) must not freeze every worker and the watcher; a request that cannot wait so
/// long gives up by its own `timeoutMs`.
const MAX_PAUSE_MS: f64 = 60_000.0;

/// Spaces a fleet's requests to the rate the gateway accepts.
#[derive(Debug, Default)]
pub struct Pacer {
    /// Milliseconds between two requests; `None` until the first `429` (no spacing).
    spacing_ms: Option<f64>,
    /// No request before this time (the last `429`'s `Retry-After`).
    paused_until_ms: f64,
    /// The time reserved for the next request.
    next_slot_ms: f64,
    /// When answers that were not `429` arrived, within the last [`WINDOW_MS`].
    accepted: std::collections::VecDeque<f64>,
    /// When the rate was last raised (or lowered).
    last_change_ms: f64,
    /// When the rate was last lowered for a refusal (or first set).
    last_refusal_ms: Option<f64>,
    /// How many refusals lowered the rate: slots reserved before the last one are void.
    episode: u32,
    /// Clean seconds since the last refusal.
    clean_seconds: u32,
}

impl Pacer {
    /// A pacer that does not space requests until the gateway refuses one.
    pub fn new() -> Pacer {
        Pacer::default()
    }

    /// Reserves the next request's slot: how many milliseconds to wait at `now_ms` before sending it. The slot
    /// holds only while [`Pacer::episode`] stays what it was when it was reserved.
    pub fn wait_ms(&mut self, now_ms: f64) -> f64 {
        let start = now_ms.max(self.paused_until_ms);
        let Some(spacing) = self.spacing_ms else {
            return start - now_ms;
        };
        if now_ms - self.last_change_ms >= WINDOW_MS {
            self.clean_seconds += 1;
            let raise = (PROBE * 2f64.powi(self.clean_seconds as i32 - 1)).min(1.0);
            self.spacing_ms = Some(spacing / (1.0 + raise));
            self.last_change_ms = now_ms;
        }
        let slot = start.max(self.next_slot_ms);
        self.next_slot_ms = slot + self.spacing_ms.unwrap_or(spacing);
        slot - now_ms
    }

    /// A request sent at `sent_ms` was answered at `now_ms`; `throttled` when the gateway refused it (`429` or
    /// a throttling code), with the `Retry-After` it asked for.
    pub fn answered(
        &mut self,
        sent_ms: f64,
        now_ms: f64,
        throttled: bool,
        retry_after_ms: Option<f64>,
    ) {
        while self
            .accepted
            .front()
            .is_some_and(|&t| t < now_ms - WINDOW_MS)
        {
            self.accepted.pop_front();
        }
        if !throttled {
            self.accepted.push_back(now_ms);
            return;
        }
        self.paused_until_ms = self
            .paused_until_ms
            .max(now_ms + retry_after_ms.unwrap_or(WINDOW_MS).min(MAX_PAUSE_MS));
        if self.last_refusal_ms.is_some_and(|last| sent_ms <= last) {
            // Sent before the pacer reacted to the last refusal: the same episode, already paid for.
            return;
        }
        // The first refusal sets the pace from what the gateway accepted in the second before; later ones
        // (the probing went too far) slow it by a tenth.
        self.spacing_ms = Some(
            match self.spacing_ms {
                Some(spacing) => spacing / BACKOFF,
                None => WINDOW_MS / (self.accepted.len().max(1) as f64 * BACKOFF),
            }
            .min(SLOWEST_MS),
        );
        self.last_change_ms = now_ms;
        self.last_refusal_ms = Some(now_ms);
        self.clean_seconds = 0;
        self.episode += 1;
        // Every slot reserved so far is void: the next ones start when the pause ends.
        self.next_slot_ms = self.paused_until_ms;
    }

    /// Changes each time a refusal lowers the rate. A request whose slot was reserved in an earlier episode
    /// reserves again: its slot was spaced at a pace the gateway refused, and may fall in the pause.
    pub fn episode(&self) -> u32 {
        self.episode
    }

    /// The current spacing between requests in milliseconds, once a `429` was seen.
    pub fn spacing_ms(&self) -> Option<f64> {
        self.spacing_ms
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// How long after its sending each request is answered.
    const RTT_MS: f64 = 1.0;

    #[test]
    fn requests_are_not_spaced_until_the_gateway_refuses_one() {
        let mut pacer = Pacer::new();
        for i in 0..100 {
            assert_eq!(pacer.wait_ms(f64::from(i)), 0.0);
            pacer.answered(f64::from(i) - RTT_MS, f64::from(i), false, None);
        }
        assert_eq!(pacer.spacing_ms(), None);
    }

    #[test]
    fn a_429_pauses_every_request_for_retry_after_then_spaces_them_under_the_accepted_rate() {
        let mut pacer = Pacer::new();
        // 50 answers accepted within the last second, then a refusal asking for 1 s.
        for i in 0..50 {
            pacer.answered(
                500.0 + f64::from(i) * 10.0 - RTT_MS,
                500.0 + f64::from(i) * 10.0,
                false,
                None,
            );
        }
        pacer.answered(1000.0 - RTT_MS, 1000.0, true, Some(1000.0));
        let spacing = pacer.spacing_ms().expect("spaced from now on");
        assert!((spacing - 1000.0 / 45.0).abs() < 1e-9, "{spacing}");
        assert_eq!(pacer.wait_ms(1000.0), 1000.0, "paused until Retry-After");
        assert!((pacer.wait_ms(1000.0) - (1000.0 + spacing)).abs() < 1e-9);
        assert!((pacer.wait_ms(1500.0) - (500.0 + 2.0 * spacing)).abs() < 1e-9);
    }

    #[test]
    fn only_the_answers_of_the_second_before_a_refusal_count_in_the_accepted_rate() {
        let mut pacer = Pacer::new();
        // 100 answers long before, one exactly a second before the refusal, 19 just before it.
        let times = (0..100)
            .map(f64::from)
            .chain([500.0])
            .chain((0..19).map(|i| 1400.0 + f64::from(i)));
        for t in times {
            pacer.answered(t - RTT_MS, t, false, None);
        }
        pacer.answered(1500.0 - RTT_MS, 1500.0, true, Some(1000.0));
        let spacing = pacer.spacing_ms().unwrap();
        assert!((spacing - 1000.0 / 18.0).abs() < 1e-9, "{spacing}");
    }

    #[test]
    fn the_rate_creeps_up_while_nothing_is_refused_and_each_refusal_lowers_it() {
        let mut pacer = Pacer::new();
        for i in 0..20 {
            pacer.answered(f64::from(i) - RTT_MS, f64::from(i), false, None);
        }
        pacer.answered(100.0 - RTT_MS, 100.0, true, Some(0.0));
        let first = pacer.spacing_ms().unwrap();
        assert!((first - 1000.0 / 18.0).abs() < 1e-9, "{first}");
        let mut now = 100.0;
        for _ in 0..5 {
            now += 1000.0;
            pacer.wait_ms(now);
        }
        let later = pacer.spacing_ms().unwrap();
        let raised = 1.02 * 1.04 * 1.08 * 1.16 * 1.32;
        assert!((later - first / raised).abs() < 1e-9, "{first} → {later}");
        pacer.answered(now + 30.0 - RTT_MS, now + 30.0, true, None);
        let slowed = pacer.spacing_ms().unwrap();
        assert!(
            (slowed - later / BACKOFF).abs() < 1e-9,
            "{later} → {slowed}"
        );
        assert_eq!(
            pacer.wait_ms(now + 30.0),
            1000.0,
            "no Retry-After: a second's pause"
        );
    }

    #[test]
    fn an_estimate_far_too_low_is_left_in_seconds_and_a_refusal_restarts_the_probing_gently() {
        // A gateway with a burst of 10 and a rate of 200 a second: the first estimate is 9 a second.
        let mut pacer = Pacer::new();
        for i in 0..10 {
            pacer.answered(f64::from(i) - RTT_MS, f64::from(i), false, None);
        }
        pacer.answered(10.0 - RTT_MS, 10.0, true, Some(0.0));
        let mut now = 0.0;
        let mut seconds = 0;
        while pacer.spacing_ms().unwrap() > 1000.0 / 200.0 {
            now += 1000.0;
            seconds += 1;
            pacer.wait_ms(now);
        }
        assert!(seconds <= 10, "9 → 200 requests a second took {seconds} s");
        let fast = pacer.spacing_ms().unwrap();
        pacer.answered(now - RTT_MS, now, true, Some(0.0));
        now += 1000.0;
        pacer.wait_ms(now);
        let after = pacer.spacing_ms().unwrap();
        assert!(
            (after - fast / BACKOFF / 1.02).abs() < 1e-9,
            "{fast} → {after}"
        );
    }

    #[test]
    fn a_refusal_with_nothing_accepted_falls_back_to_one_request_a_second() {
        let mut pacer = Pacer::new();
        pacer.answered(0.0 - RTT_MS, 0.0, true, Some(0.0));
        assert_eq!(pacer.spacing_ms(), Some(SLOWEST_MS));
    }

    #[test]
    fn the_refusals_of_requests_already_in_flight_lower_the_rate_once_and_each_one_s_retry_after_is_honoured(
    ) {
        // 64 requests in flight, unspaced: the gateway's burst of 50 is accepted, then every one in flight refused.
        let mut pacer = Pacer::new();
        for i in 0..50 {
            pacer.answered(f64::from(i) - RTT_MS, f64::from(i), false, None);
        }
        for i in 0..64 {
            let answered = 50.0 + f64::from(i) * 0.1;
            pacer.answered(49.0, answered, true, Some(1000.0));
        }
        let spacing = pacer.spacing_ms().expect("spaced from now on");
        assert!((spacing - 1000.0 / 45.0).abs() < 1e-9, "{spacing}");
        let wait = pacer.wait_ms(60.0);
        assert!((wait - (50.0 + 6.3 + 1000.0 - 60.0)).abs() < 1e-9, "{wait}");
        // A request sent after the pacer reacted and refused: a new episode (the probing went too far).
        pacer.answered(60.0 + wait, 60.0 + wait + RTT_MS, true, Some(1000.0));
        let slowed = pacer.spacing_ms().unwrap();
        assert!(
            (slowed - spacing / BACKOFF).abs() < 1e-9,
            "{spacing} → {slowed}"
        );
    }

    #[test]
    fn a_refusal_voids_the_slots_reserved_before_it_and_the_next_ones_start_when_the_pause_ends() {
        let mut pacer = Pacer::new();
        for i in 0..50 {
            pacer.answered(f64::from(i) - RTT_MS, f64::from(i), false, None);
        }
        pacer.answered(49.0, 50.0, true, Some(1000.0));
        let spacing = pacer.spacing_ms().unwrap();
        // 64 requests reserve their slots, one after the other from the end of the pause: 1.4 s of them.
        let first = pacer.episode();
        let slots: Vec<f64> = (0..64).map(|_| 1040.0 + pacer.wait_ms(1040.0)).collect();
        assert!(
            (slots[63] - (1050.0 + 63.0 * spacing)).abs() < 1e-9,
            "{slots:?}"
        );
        pacer.answered(slots[0] - RTT_MS, slots[0], false, None);
        assert_eq!(
            pacer.episode(),
            first,
            "an accepted answer keeps every slot"
        );
        // The second goes out and is refused: the 62 others' slots are void, the first ones in the new pause.
        pacer.answered(slots[1], slots[1] + RTT_MS, true, Some(1000.0));
        assert_ne!(pacer.episode(), first, "the slots reserved before are void");
        let pause_end = slots[1] + RTT_MS + 1000.0;
        let again: Vec<f64> = (0..3).map(|_| slots[2] + pacer.wait_ms(slots[2])).collect();
        assert!(
            (again[0] - pause_end).abs() < 1e-9,
            "reserved again from the end of the new pause, not after the void slots: {again:?}"
        );
        let slower = pacer.spacing_ms().unwrap();
        assert!(
            (again[2] - (pause_end + 2.0 * slower)).abs() < 1e-9,
            "{again:?}"
        );
    }

    #[test]
    fn a_retry_after_of_a_day_pauses_the_fleet_a_minute_at_most() {
        let mut pacer = Pacer::new();
        pacer.answered(0.0, 0.0, true, Some(86_400_000.0));
        assert_eq!(pacer.wait_ms(0.0), MAX_PAUSE_MS);
    }
}
