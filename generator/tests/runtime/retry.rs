//! Tests of `runtime/retry.rs`: backoff bounds, jitter and `Retry-After`.

use std::time::Duration;

use reqwest::header::{self, HeaderMap, HeaderValue};
use reqwest::Method;

use crate::runtime::retry::{is_idempotent, parse_retry_after, random_unit};
use crate::runtime::RetryPolicy;

#[test]
fn backoff_is_jittered_within_bounds() {
    let p = RetryPolicy::new()
        .initial_backoff(Duration::from_millis(100))
        .max_backoff(Duration::from_secs(1));
    let mut distinct = std::collections::HashSet::new();
    for retry in 0..8 {
        let ceiling = Duration::from_millis(100 * 2u64.pow(retry)).min(Duration::from_secs(1));
        for _ in 0..50 {
            let d = p.backoff(retry);
            assert!(d <= ceiling, "{d:?} > {ceiling:?}");
            distinct.insert(d);
        }
    }
    assert!(distinct.len() > 100, "jitter looks constant");
    // Huge retry counts and durations neither overflow nor panic.
    let huge = RetryPolicy::new()
        .initial_backoff(Duration::MAX)
        .max_backoff(Duration::MAX);
    assert!(huge.backoff(u32::MAX) <= Duration::MAX);
    for _ in 0..1000 {
        let u = random_unit();
        assert!((0.0..1.0).contains(&u));
    }
}

#[test]
fn retry_after_is_parsed_and_capped() {
    let mut h = HeaderMap::new();
    assert_eq!(parse_retry_after(&h), None);
    h.insert(header::RETRY_AFTER, HeaderValue::from_static(" 7 "));
    assert_eq!(parse_retry_after(&h), Some(Duration::from_secs(7)));
    h.insert(
        header::RETRY_AFTER,
        HeaderValue::from_static("Wed, 21 Oct 2015 07:28:00 GMT"),
    );
    assert_eq!(parse_retry_after(&h), None);
    h.insert(header::RETRY_AFTER, HeaderValue::from_static("-1"));
    assert_eq!(parse_retry_after(&h), None);

    let p = RetryPolicy::new().max_backoff(Duration::from_secs(5));
    assert_eq!(
        p.delay(0, Some(Duration::from_secs(60))),
        Duration::from_secs(5)
    );
    assert_eq!(
        p.delay(0, Some(Duration::from_secs(2))),
        Duration::from_secs(2)
    );
    assert!(is_idempotent(&Method::PUT) && !is_idempotent(&Method::POST));
    assert!(!is_idempotent(&Method::PATCH));
}
