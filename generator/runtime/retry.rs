//! The retry policy: which requests are retried, on what, and how long to wait between
//! attempts.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use reqwest::header::{self, HeaderMap};
use reqwest::{Method, StatusCode};

/// When and how often failed requests are retried.
///
/// Only idempotent methods (GET, HEAD, PUT, DELETE, OPTIONS, TRACE) are retried,
/// never POST or PATCH. A retry happens on status 429, 502, 503 or 504, on
/// connection failures and on timeouts. The delay is the response's
/// `Retry-After` (in seconds) when present, else exponential backoff with full
/// jitter; both are capped at `max_backoff`.
#[derive(Debug, Clone)]
#[must_use]
pub struct RetryPolicy {
    pub(crate) max_retries: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
}

impl RetryPolicy {
    /// The default policy: up to 3 retries, backoff from 200 ms up to 10 s.
    pub fn new() -> Self {
        RetryPolicy {
            max_retries: 3,
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(10),
        }
    }

    /// A policy that never retries.
    pub fn disabled() -> Self {
        RetryPolicy::new().max_retries(0)
    }

    /// Sets how many times a request may be retried after its first attempt.
    pub fn max_retries(mut self, n: u32) -> Self {
        self.max_retries = n;
        self
    }

    /// Sets the backoff ceiling before the first retry; it doubles on each retry.
    pub fn initial_backoff(mut self, d: Duration) -> Self {
        self.initial_backoff = d;
        self
    }

    /// Sets the longest delay between two attempts, including one asked for by `Retry-After`.
    pub fn max_backoff(mut self, d: Duration) -> Self {
        self.max_backoff = d;
        self
    }

    /// The delay before retry number `retry` (0 for the first retry).
    ///
    /// Full jitter: a uniform random delay between zero and the exponential
    /// ceiling, so many clients failing together do not retry in lockstep.
    pub(crate) fn backoff(&self, retry: u32) -> Duration {
        let ceiling = 2u32
            .checked_pow(retry)
            .and_then(|factor| self.initial_backoff.checked_mul(factor))
            .map_or(self.max_backoff, |d| d.min(self.max_backoff));
        // try_from avoids a panic when rounding pushes a huge ceiling past Duration::MAX.
        Duration::try_from_secs_f64(ceiling.as_secs_f64() * random_unit()).unwrap_or(ceiling)
    }

    /// The delay before the next retry: `Retry-After` if the server sent one, else backoff.
    pub(crate) fn delay(&self, retry: u32, retry_after: Option<Duration>) -> Duration {
        match retry_after {
            Some(d) => d.min(self.max_backoff),
            None => self.backoff(retry),
        }
    }
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy::new()
    }
}

/// A pseudo-random number in `[0, 1)`.
///
/// Jitter needs no strong randomness. Each `RandomState` carries fresh random
/// keys (seeded from the OS), and the counter keeps values distinct even if keys repeat.
pub(crate) fn random_unit() -> f64 {
    // The top 53 bits fill an f64 mantissa exactly.
    (random_bits() >> 11) as f64 / (1u64 << 53) as f64
}

/// 64 pseudo-random bits: SipHash, keyed by the OS's randomness through `RandomState`, of
/// a process-wide counter.
pub(crate) fn random_bits() -> u64 {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut hasher = RandomState::new().build_hasher();
    hasher.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    hasher.finish()
}

/// Parses `Retry-After` as delta-seconds. An HTTP-date is treated as absent.
pub(crate) fn parse_retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(header::RETRY_AFTER)?.to_str().ok()?;
    value.trim().parse::<u64>().ok().map(Duration::from_secs)
}

pub(crate) fn is_retryable_status(status: StatusCode) -> bool {
    matches!(status.as_u16(), 429 | 502 | 503 | 504)
}

pub(crate) fn is_idempotent(method: &Method) -> bool {
    [
        Method::GET,
        Method::HEAD,
        Method::PUT,
        Method::DELETE,
        Method::OPTIONS,
        Method::TRACE,
    ]
    .contains(method)
}
