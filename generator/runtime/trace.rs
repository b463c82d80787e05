//! Tracing, behind the crate's `tracing` feature: a span per operation call and an event per
//! attempt and per retry. Without the feature these are no-ops and `tracing` is not a
//! dependency. Nothing secret is recorded: no query values, header values or bodies, only
//! the operationId, the method, the path template, statuses, timings and retry reasons.
//! Where this runtime is included as a module (a build script's output), `feature =
//! "tracing"` is the including crate's own feature, which may not exist: hence the allow.
#![allow(unexpected_cfgs)]

use std::future::Future;
use std::time::Duration;

use super::interceptor::Retry;
use super::Request;
use reqwest::StatusCode;

/// Whether spans and events are recorded (the crate's `tracing` feature): attempts are
/// timed only when something reads the time.
pub(crate) const ENABLED: bool = cfg!(feature = "tracing");

/// The span of one operation call.
#[cfg(feature = "tracing")]
pub(crate) type Span = tracing::Span;
/// The span of one operation call (none without the `tracing` feature).
#[cfg(not(feature = "tracing"))]
pub(crate) struct Span;

/// Opens the span of an operation call: `operation` (its operationId), `method` and
/// `path` (the path template, never the expanded path).
#[cfg(feature = "tracing")]
pub(crate) fn operation_span(request: &Request) -> Span {
    tracing::info_span!(
        "operation",
        operation = request.operation,
        method = request.method.as_str(),
        path = request.path_template,
    )
}

/// Opens the span of an operation call (nothing without the `tracing` feature).
#[cfg(not(feature = "tracing"))]
pub(crate) fn operation_span(_request: &Request) -> Span {
    Span
}

/// Runs `future` inside `span`.
#[cfg(feature = "tracing")]
pub(crate) fn in_span<F: Future>(span: Span, future: F) -> impl Future<Output = F::Output> {
    tracing::Instrument::instrument(future, span)
}

/// Runs `future` (there is no span without the `tracing` feature).
#[cfg(not(feature = "tracing"))]
pub(crate) fn in_span<F: Future>(_span: Span, future: F) -> F {
    future
}

/// Records one attempt: its number, the status (none when no response arrived), the time
/// it took, and whether and why it is retried.
#[cfg(feature = "tracing")]
pub(crate) fn attempt_done(
    attempt: u32,
    status: Option<StatusCode>,
    elapsed: Duration,
    retry: Option<&Retry>,
) {
    let elapsed_ms = elapsed.as_millis() as u64;
    let status = status.map(|s| s.as_u16());
    tracing::debug!(attempt, status, elapsed_ms, "attempt");
    if let Some(retry) = retry {
        tracing::info!(
            attempt,
            reason = %retry.reason,
            delay_ms = retry.delay.as_millis() as u64,
            "retrying"
        );
    }
}

/// Records one attempt (nothing without the `tracing` feature).
#[cfg(not(feature = "tracing"))]
pub(crate) fn attempt_done(
    _attempt: u32,
    _status: Option<StatusCode>,
    _elapsed: Duration,
    _retry: Option<&Retry>,
) {
}
