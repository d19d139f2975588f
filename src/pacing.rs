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

/// The window over which accepted answers are counted, in milliseconds.
const WINDOW_MS: f64 = 1000.0;
/// After a `429`, the share of the observed accepted rate the pacer keeps to.
const BACKOFF: f64 = 0.9;
/// The first clean second raises the rate by this share; each further one by twice the last, up to 100 %.
const PROBE: f64 = 0.02;
/// The pacer never goes below one request per this many milliseconds.
const SLOWEST_MS: f64 = 1000.0;

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
    /// Clean seconds since the last refusal.
    clean_seconds: u32,
}

impl Pacer {
    /// A pacer that does not space requests until the gateway refuses one.
    pub fn new() -> Pacer {
        Pacer::default()
    }

    /// Reserves the next request's slot: how many milliseconds to wait at `now_ms` before sending it.
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

    /// A request was answered at `now_ms`; `throttled` when the gateway refused it (`429` or a throttling
    /// code), with the `Retry-After` it asked for.
    pub fn answered(&mut self, now_ms: f64, throttled: bool, retry_after_ms: Option<f64>) {
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
            .max(now_ms + retry_after_ms.unwrap_or(WINDOW_MS));
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
        self.clean_seconds = 0;
    }

    /// The current spacing between requests in milliseconds, once a `429` was seen.
    pub fn spacing_ms(&self) -> Option<f64> {
        self.spacing_ms
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_are_not_spaced_until_the_gateway_refuses_one() {
        let mut pacer = Pacer::new();
        for i in 0..100 {
            assert_eq!(pacer.wait_ms(f64::from(i)), 0.0);
            pacer.answered(f64::from(i), false, None);
        }
        assert_eq!(pacer.spacing_ms(), None);
    }

    #[test]
    fn a_429_pauses_every_request_for_retry_after_then_spaces_them_under_the_accepted_rate() {
        let mut pacer = Pacer::new();
        // 50 answers accepted within the last second, then a refusal asking for 1 s.
        for i in 0..50 {
            pacer.answered(500.0 + f64::from(i) * 10.0, false, None);
        }
        pacer.answered(1000.0, true, Some(1000.0));
        let spacing = pacer.spacing_ms().expect("spaced from now on");
        assert!((spacing - 1000.0 / 45.0).abs() < 1e-9, "{spacing}");
        assert_eq!(pacer.wait_ms(1000.0), 1000.0, "paused until Retry-After");
        assert!((pacer.wait_ms(1000.0) - (1000.0 + spacing)).abs() < 1e-9);
        assert!((pacer.wait_ms(1500.0) - (500.0 + 2.0 * spacing)).abs() < 1e-9);
    }

    #[test]
    fn the_rate_creeps_up_while_nothing_is_refused_and_each_refusal_lowers_it() {
        let mut pacer = Pacer::new();
        for i in 0..20 {
            pacer.answered(f64::from(i), false, None);
        }
        pacer.answered(100.0, true, Some(0.0));
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
        pacer.answered(now + 30.0, true, None);
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
            pacer.answered(f64::from(i), false, None);
        }
        pacer.answered(10.0, true, Some(0.0));
        let mut now = 0.0;
        let mut seconds = 0;
        while pacer.spacing_ms().unwrap() > 1000.0 / 200.0 {
            now += 1000.0;
            seconds += 1;
            pacer.wait_ms(now);
        }
        assert!(seconds <= 10, "9 → 200 requests a second took {seconds} s");
        let fast = pacer.spacing_ms().unwrap();
        pacer.answered(now, true, Some(0.0));
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
        pacer.answered(0.0, true, Some(0.0));
        assert_eq!(pacer.spacing_ms(), Some(SLOWEST_MS));
    }
}
