//! A per-key rate limiter (the key is usually a token hash), on [`governor`]'s keyed GCRA.
//!
//! Each key may make `per_minute` requests in a burst and then one request every
//! `60 s / per_minute`, which is a token bucket of `per_minute` tokens that refills
//! continuously. The state lives in memory: a restart forgives everyone, which is acceptable
//! for a limit that protects the service rather than enforcing a quota.

use std::fmt;
use std::num::NonZeroU32;
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::middleware::NoOpMiddleware;
use governor::state::keyed::DashMapStateStore;
use governor::{Quota, RateLimiter as Gcra};

/// Above this many keys, the ones whose allowance is full again are dropped so memory stays
/// bounded.
const PRUNE_ABOVE: usize = 10_000;

/// governor's keyed limiter on the given clock, keyed by the caller's string.
type Keyed<C> = Gcra<String, DashMapStateStore<String>, C, NoOpMiddleware<<C as Clock>::Instant>>;

pub struct RateLimiter<C: Clock = DefaultClock> {
    /// `None` when limiting is disabled.
    limiter: Option<Keyed<C>>,
    clock: C,
}

impl fmt::Debug for RateLimiter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RateLimiter").field("enabled", &self.limiter.is_some()).finish_non_exhaustive()
    }
}

impl RateLimiter {
    /// A limiter allowing `per_minute` requests per key and minute; `0` disables limiting.
    pub fn new(per_minute: u32) -> Self {
        Self::with_clock(per_minute, DefaultClock::default())
    }
}

impl<C: Clock + Clone> RateLimiter<C> {
    /// [`RateLimiter::new`] on a given clock, for tests.
    pub fn with_clock(per_minute: u32, clock: C) -> Self {
        let limiter = NonZeroU32::new(per_minute)
            .map(|n| Gcra::dashmap_with_clock(Quota::per_minute(n), clock.clone()));
        Self { limiter, clock }
    }

    /// Takes one request from `key`'s allowance, or says how long to wait for the next one.
    pub fn check(&self, key: &str) -> Result<(), Duration> {
        let Some(limiter) = &self.limiter else { return Ok(()) };
        if limiter.len() > PRUNE_ABOVE {
            limiter.retain_recent();
        }
        limiter.check_key(&key.to_owned()).map_err(|not_until| not_until.wait_time_from(self.clock.now()))
    }
}

/// Whole seconds for a `Retry-After` header: rounded up, at least one.
pub fn retry_after_secs(wait: Duration) -> u64 {
    let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    secs.max(1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use governor::clock::FakeRelativeClock;

    #[test]
    fn allows_the_burst_then_limits_then_refills() {
        let clock = FakeRelativeClock::default();
        let limiter = RateLimiter::with_clock(3, clock.clone());
        for _ in 0..3 {
            assert!(limiter.check("a").is_ok());
        }
        let wait = limiter.check("a").unwrap_err();
        // One request per 20 s at 3 per minute.
        assert_eq!(retry_after_secs(wait), 20);
        // Another key has its own allowance.
        assert!(limiter.check("b").is_ok());
        // After 20 s exactly one more request is allowed.
        clock.advance(Duration::from_secs(20));
        assert!(limiter.check("a").is_ok());
        assert!(limiter.check("a").is_err());
        // A minute later the whole burst is back, and no more.
        clock.advance(Duration::from_secs(60));
        for _ in 0..3 {
            assert!(limiter.check("a").is_ok());
        }
        assert!(limiter.check("a").is_err());
    }

    #[test]
    fn zero_disables() {
        let limiter = RateLimiter::new(0);
        for _ in 0..1000 {
            assert!(limiter.check("a").is_ok());
        }
    }

    #[test]
    fn retry_after_rounds_up() {
        assert_eq!(retry_after_secs(Duration::from_millis(1)), 1);
        assert_eq!(retry_after_secs(Duration::from_millis(1500)), 2);
        assert_eq!(retry_after_secs(Duration::from_secs(3)), 3);
        assert_eq!(retry_after_secs(Duration::ZERO), 1);
    }
}
