//! Sending a request: options, credentials and the URL applied once, then attempts with the
//! user's interceptors around each, retried by the retry policy in force.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::header::{self, HeaderMap};

use super::client::Client;
use super::error::transport_error;
use super::interceptor::{AfterAttempt, BeforeAttempt, Interceptor, Retry, RetryReason};
use super::options::IDEMPOTENCY_KEY_HEADER;
use super::request::has_dot_segment;
use super::retry::{is_idempotent, is_retryable_status, parse_retry_after};
use super::{trace, Error, Request};

impl Client {
    /// Every attempt of one request, until a response that is not retried or an error.
    pub(crate) async fn attempts(
        &self,
        request: Request,
    ) -> Result<reqwest::Response, Error<Infallible>> {
        let inner = &*self.inner;
        let Request {
            operation,
            path_template,
            method,
            path,
            mut query,
            mut headers,
            body,
            security,
            invalid,
            options,
        } = request;
        if let Some((name, reason)) = invalid.or_else(|| options.settings().invalid.clone()) {
            return Err(Error::InvalidArgument { name, reason });
        }
        // The URL parser resolves "." and ".." segments, even percent-encoded
        // ones, which would send the request to another endpoint.
        if has_dot_segment(&path) {
            return Err(Error::InvalidArgument {
                name: "path",
                reason: "a path segment must not be `.` or `..`".to_owned(),
            });
        }
        // Client defaults fill in what the request lacks; the call's options beat both;
        // credentials come last, so no option replaces them.
        let defaults = inner.defaults.settings();
        let own = options.settings();
        apply_defaults(&defaults.headers, &mut headers);
        for name in &defaults.remove {
            headers.remove(name);
        }
        options.apply_headers(&mut headers);
        if own.idempotency_key.is_none() {
            if let Some(key) = &defaults.idempotency_key {
                headers.insert(IDEMPOTENCY_KEY_HEADER, key.clone());
            }
        }
        self.apply_security(security, &mut query, &mut headers)?;

        let mut full_path = String::with_capacity(inner.base_path.len() + path.len() + 1);
        full_path.push_str(&inner.base_path);
        if !path.starts_with('/') {
            full_path.push('/');
        }
        full_path.push_str(&path);
        let mut url = self.base_url().clone();
        url.set_path(&full_path);
        url.set_query((!query.is_empty()).then_some(query.as_str()));

        let mut req = reqwest::Request::new(method, url);
        *req.headers_mut() = headers;
        if let Some(ua) = &inner.user_agent {
            *req.timeout_mut() = Some(inner.timeout);
            if !req.headers().contains_key(header::USER_AGENT) {
                req.headers_mut().insert(header::USER_AGENT, ua.clone());
            }
        }
        if let Some(timeout) = own.timeout.or(defaults.timeout) {
            *req.timeout_mut() = Some(timeout);
        }
        if let Some(body) = body {
            // An in-memory body keeps its allocation and retries clone it by reference count;
            // a streamed one cannot be cloned, so its request is sent once.
            *req.body_mut() = Some(body.into_reqwest()?);
        }
        let policy = own
            .retry
            .as_ref()
            .or(defaults.retry.as_ref())
            .unwrap_or(&inner.retry);
        // A request with an idempotency key is safe to repeat whatever its method.
        let max_retries =
            if is_idempotent(req.method()) || req.headers().contains_key(IDEMPOTENCY_KEY_HEADER) {
                policy.max_retries
            } else {
                0
            };

        let hooks: &[Arc<dyn Interceptor>] = &inner.interceptors;
        let mut next = req;
        let mut attempt: u32 = 1;
        loop {
            // Keep an untouched copy for a retry: interceptors change only this attempt's.
            // try_clone fails for a streamed body, which is read once: then no retry.
            let retries_left = attempt <= max_retries;
            let (mut send, spare) = match retries_left.then(|| next.try_clone()).flatten() {
                Some(copy) => (copy, Some(next)),
                None => (next, None),
            };
            for hook in hooks {
                let mut ctx = BeforeAttempt {
                    operation,
                    path_template,
                    attempt,
                    request: &mut send,
                };
                hook.before_attempt(&mut ctx)
                    .map_err(|source| Error::Interceptor { operation, source })?;
            }
            // Timed only for the hooks and traces that report it.
            let started = (trace::ENABLED || !hooks.is_empty()).then(Instant::now);
            // The URL goes: its query may hold an API key.
            let sent = inner.http.execute(send).await.map_err(|e| e.without_url());
            let elapsed = started.map_or(Duration::ZERO, |t| t.elapsed());
            let retry = spare.as_ref().and_then(|_| match &sent {
                Ok(resp) if is_retryable_status(resp.status()) => Some(Retry {
                    delay: policy.delay(attempt - 1, parse_retry_after(resp.headers())),
                    reason: RetryReason::Status(resp.status()),
                }),
                Err(err) if err.is_connect() || err.is_timeout() => Some(Retry {
                    delay: policy.delay(attempt - 1, None),
                    reason: if err.is_timeout() {
                        RetryReason::Timeout
                    } else {
                        RetryReason::Connect
                    },
                }),
                _ => None,
            });
            trace::attempt_done(
                attempt,
                sent.as_ref().ok().map(reqwest::Response::status),
                elapsed,
                retry.as_ref(),
            );
            if !hooks.is_empty() {
                let ctx = AfterAttempt {
                    operation,
                    path_template,
                    attempt,
                    elapsed,
                    outcome: sent.as_ref().map(|r| (r.status(), r.headers())),
                    retry: retry.clone(),
                };
                for hook in hooks {
                    hook.after_attempt(&ctx)
                        .map_err(|source| Error::Interceptor { operation, source })?;
                }
            }
            if let (Some(retry), Some(spare)) = (retry, spare) {
                // Dropping the response discards its body unread.
                drop(sent);
                tokio::time::sleep(retry.delay).await;
                next = spare;
                attempt += 1;
                continue;
            }
            return sent.map_err(transport_error);
        }
    }
}

/// Sets each default header the request does not already carry.
fn apply_defaults(defaults: &HeaderMap, headers: &mut HeaderMap) {
    for (name, value) in defaults {
        if !headers.contains_key(name) {
            headers.insert(name.clone(), value.clone());
        }
    }
}
