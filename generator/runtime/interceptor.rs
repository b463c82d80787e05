//! Interceptors: the user's hooks around every attempt of every request (signing, extra
//! headers, metrics, logging), registered on the client builder and run in order.

use std::time::Duration;

use reqwest::header::HeaderMap;
use reqwest::StatusCode;

/// The error an interceptor returns; the call then fails with
/// [`Error::Interceptor`](super::Error::Interceptor).
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// A hook around each attempt of each request, registered with
/// [`ClientBuilder::interceptor`](super::ClientBuilder::interceptor).
///
/// The order, for each attempt: the request is built from the call's arguments; the client's
/// default headers, then the call's [`RequestOptions`](super::RequestOptions) headers and
/// idempotency key are set; credentials are applied; the `User-Agent` and timeout are set;
/// then every interceptor's [`before_attempt`](Self::before_attempt) runs in the order they
/// were registered, each seeing what the ones before it changed; the request is sent; every
/// [`after_attempt`](Self::after_attempt) runs in the same order, seeing the outcome and
/// whether it will be retried. A retry starts again from the request as it was before the
/// interceptors ran, so a signature is computed afresh for each attempt.
///
/// An `Err` from a hook stops the call with
/// [`Error::Interceptor`](super::Error::Interceptor): from `before_attempt` nothing is sent;
/// from `after_attempt` the response is dropped and no retry happens.
pub trait Interceptor: Send + Sync + 'static {
    /// Runs before the attempt is sent; may change the request's headers and URL (its
    /// query, say, to sign it).
    fn before_attempt(&self, attempt: &mut BeforeAttempt<'_>) -> Result<(), BoxError> {
        let _ = attempt;
        Ok(())
    }

    /// Runs once the attempt has a response (status and headers; the body is not read yet)
    /// or has failed in transport.
    fn after_attempt(&self, attempt: &AfterAttempt<'_>) -> Result<(), BoxError> {
        let _ = attempt;
        Ok(())
    }
}

/// What [`Interceptor::before_attempt`] sees and may change.
pub struct BeforeAttempt<'a> {
    pub(crate) operation: &'static str,
    pub(crate) path_template: &'static str,
    pub(crate) attempt: u32,
    pub(crate) request: &'a mut reqwest::Request,
}

impl BeforeAttempt<'_> {
    /// The operation's id in the document (its operationId).
    pub fn operation(&self) -> &'static str {
        self.operation
    }

    /// The operation's path template as the document writes it.
    pub fn path_template(&self) -> &'static str {
        self.path_template
    }

    /// The attempt's number: 1 for the first, 2 for the first retry, and so on.
    pub fn attempt(&self) -> u32 {
        self.attempt
    }

    /// The request about to be sent. Its URL holds credentials of query-parameter schemes
    /// and its headers those of header schemes: keep them out of logs.
    pub fn request(&self) -> &reqwest::Request {
        self.request
    }

    /// The request about to be sent, to change: headers, URL (query), timeout. Its body is
    /// in memory unless the call streams it.
    pub fn request_mut(&mut self) -> &mut reqwest::Request {
        self.request
    }
}

/// What [`Interceptor::after_attempt`] sees.
pub struct AfterAttempt<'a> {
    pub(crate) operation: &'static str,
    pub(crate) path_template: &'static str,
    pub(crate) attempt: u32,
    pub(crate) elapsed: Duration,
    pub(crate) outcome: Result<(StatusCode, &'a HeaderMap), &'a reqwest::Error>,
    pub(crate) retry: Option<Retry>,
}

impl AfterAttempt<'_> {
    /// The operation's id in the document (its operationId).
    pub fn operation(&self) -> &'static str {
        self.operation
    }

    /// The operation's path template as the document writes it.
    pub fn path_template(&self) -> &'static str {
        self.path_template
    }

    /// The attempt's number: 1 for the first, 2 for the first retry, and so on.
    pub fn attempt(&self) -> u32 {
        self.attempt
    }

    /// Time from sending until the response's headers arrived (or the attempt failed).
    pub fn elapsed(&self) -> Duration {
        self.elapsed
    }

    /// The response status, when a response arrived.
    pub fn status(&self) -> Option<StatusCode> {
        self.outcome.as_ref().ok().map(|(status, _)| *status)
    }

    /// The response headers, when a response arrived.
    pub fn headers(&self) -> Option<&HeaderMap> {
        self.outcome.as_ref().ok().map(|(_, headers)| *headers)
    }

    /// The transport error, when no response arrived (its URL is removed).
    pub fn error(&self) -> Option<&reqwest::Error> {
        self.outcome.as_ref().err().copied()
    }

    /// Whether and why the call will be retried after this attempt.
    pub fn retry(&self) -> Option<&Retry> {
        self.retry.as_ref()
    }
}

/// A retry decision: the call will be sent again after `delay`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Retry {
    /// How long the client waits before the next attempt.
    pub delay: Duration,
    /// Why.
    pub reason: RetryReason,
}

/// Why an attempt is retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum RetryReason {
    /// The server answered 429, 502, 503 or 504.
    Status(StatusCode),
    /// The connection could not be made.
    Connect,
    /// The attempt timed out.
    Timeout,
}

impl std::fmt::Display for RetryReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RetryReason::Status(status) => write!(f, "status {}", status.as_u16()),
            RetryReason::Connect => f.write_str("connection failed"),
            RetryReason::Timeout => f.write_str("timed out"),
        }
    }
}
