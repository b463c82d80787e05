//! Per-request options: a timeout, extra or removed headers, a retry policy and an
//! idempotency key for one call, beating the client's defaults for that call only.

use std::fmt;
use std::sync::OnceLock;
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};

use super::retry::random_bits;
use super::RetryPolicy;

/// The header an idempotency key travels in (the IETF `Idempotency-Key` draft, as Stripe and
/// others use it).
pub const IDEMPOTENCY_KEY_HEADER: &str = "idempotency-key";

/// Options for one request, or defaults for a derived client ([`Client::with_options`]).
///
/// Set on an operation's builder with its `options(..)` method; what is set here beats the
/// client's defaults for that call only:
///
/// ```text
/// let options = RequestOptions::new()
///     .timeout(Duration::from_secs(2))
///     .header("x-trace", "abc")
///     .remove_header("accept-language")
///     .retry_policy(RetryPolicy::disabled());
/// client.tags().get_tags_by_dataset_id(id).options(options).await?;
/// ```
///
/// Setters never fail: an invalid header name or value is reported by the call as
/// [`Error::InvalidArgument`](super::Error::InvalidArgument) before anything is sent.
///
/// [`Client::with_options`]: super::Client::with_options
#[derive(Clone, Default)]
#[must_use]
pub struct RequestOptions {
    /// `None` until something is set: most calls carry no options, and a pointer is all a
    /// request builder and a request move around for them.
    inner: Option<Box<Settings>>,
}

/// What a [`RequestOptions`] sets.
#[derive(Clone, Default)]
pub(crate) struct Settings {
    pub(crate) timeout: Option<Duration>,
    /// Headers set on the request, replacing any of the same name.
    pub(crate) headers: HeaderMap,
    /// Headers taken off the request (after `headers` are set).
    pub(crate) remove: Vec<HeaderName>,
    pub(crate) retry: Option<RetryPolicy>,
    pub(crate) idempotency_key: Option<HeaderValue>,
    /// The first invalid setting: (which setter, why).
    pub(crate) invalid: Option<(&'static str, String)>,
}

impl RequestOptions {
    /// No options: the client's defaults apply.
    pub fn new() -> Self {
        RequestOptions::default()
    }

    /// What is set (nothing, for options never set).
    pub(crate) fn settings(&self) -> &Settings {
        static NONE: OnceLock<Settings> = OnceLock::new();
        match &self.inner {
            Some(settings) => settings,
            None => NONE.get_or_init(Settings::default),
        }
    }

    /// What is set, to change.
    fn settings_mut(&mut self) -> &mut Settings {
        self.inner.get_or_insert_with(Box::default)
    }

    /// The time allowed for each attempt of this request, from sending until the whole body
    /// is read; replaces the client's [`timeout`](super::ClientBuilder::timeout).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.settings_mut().timeout = Some(timeout);
        self
    }

    /// Sets a header on the request, replacing one of the same name the request would
    /// otherwise carry (a client default, `Accept`, a header parameter). Credentials are
    /// applied after options, so a header here cannot replace them. Marked sensitive when its
    /// name is `authorization`, `cookie` or `proxy-authorization`, so it never shows in
    /// `Debug` output.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        let Ok(name) = HeaderName::from_bytes(name.as_bytes()) else {
            self.reject("header", "is not a valid HTTP header name");
            return self;
        };
        let Ok(mut value) = HeaderValue::from_str(value) else {
            self.reject(
                "header",
                "contains characters not allowed in an HTTP header value",
            );
            return self;
        };
        if is_sensitive(&name) {
            value.set_sensitive(true);
        }
        let settings = self.settings_mut();
        settings.remove.retain(|n| *n != name);
        settings.headers.insert(name, value);
        self
    }

    /// Takes a header off the request: a client default, `Accept`, or one set by an earlier
    /// [`header`](Self::header). Headers that reqwest adds itself when sending
    /// (`Content-Length`, `Host`, and the defaults of a `reqwest::Client` passed with
    /// [`http_client`](super::ClientBuilder::http_client)) cannot be removed here.
    pub fn remove_header(mut self, name: &str) -> Self {
        match HeaderName::from_bytes(name.as_bytes()) {
            Ok(name) => {
                let settings = self.settings_mut();
                settings.headers.remove(&name);
                if !settings.remove.contains(&name) {
                    settings.remove.push(name);
                }
            }
            Err(_) => self.reject("remove_header", "is not a valid HTTP header name"),
        }
        self
    }

    /// The retry policy for this request; replaces the client's.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.settings_mut().retry = Some(policy);
        self
    }

    /// Sends `key` in the `Idempotency-Key` header, the same on every attempt. A server that
    /// honours it performs the operation at most once per key, so requests with a key are
    /// retried whatever their method (POST and PATCH too), by the retry policy in force.
    pub fn idempotency_key(mut self, key: &str) -> Self {
        match HeaderValue::from_str(key) {
            Ok(value) if !key.is_empty() => self.settings_mut().idempotency_key = Some(value),
            _ => self.reject(
                "idempotency_key",
                "must be non-empty and valid in an HTTP header value",
            ),
        }
        self
    }

    /// Like [`idempotency_key`](Self::idempotency_key), with a fresh random key (32 hex
    /// digits, 128 random bits). Set it once per logical call: a new builder with a new key
    /// is a new operation to the server.
    pub fn new_idempotency_key(self) -> Self {
        let key = format!("{:016x}{:016x}", random_bits(), random_bits());
        self.idempotency_key(&key)
    }

    /// These options with `over` applied on top: its settings win, its headers are set after
    /// these and its removals apply last.
    pub(crate) fn merged(&self, over: &RequestOptions) -> RequestOptions {
        let Some(over) = over.inner.as_deref() else {
            return self.clone();
        };
        let mut out = self.clone();
        let settings = out.settings_mut();
        if over.timeout.is_some() {
            settings.timeout = over.timeout;
        }
        for name in &over.remove {
            settings.headers.remove(name);
            if !settings.remove.contains(name) {
                settings.remove.push(name.clone());
            }
        }
        for (name, value) in &over.headers {
            settings.remove.retain(|n| n != name);
            settings.headers.insert(name.clone(), value.clone());
        }
        if over.retry.is_some() {
            settings.retry.clone_from(&over.retry);
        }
        if over.idempotency_key.is_some() {
            settings.idempotency_key.clone_from(&over.idempotency_key);
        }
        if settings.invalid.is_none() {
            settings.invalid.clone_from(&over.invalid);
        }
        out
    }

    /// Applies the header settings to a request's headers.
    pub(crate) fn apply_headers(&self, headers: &mut HeaderMap) {
        let Some(settings) = self.inner.as_deref() else {
            return;
        };
        for (name, value) in &settings.headers {
            headers.insert(name.clone(), value.clone());
        }
        for name in &settings.remove {
            headers.remove(name);
        }
        if let Some(key) = &settings.idempotency_key {
            headers.insert(IDEMPOTENCY_KEY_HEADER, key.clone());
        }
    }

    fn reject(&mut self, setter: &'static str, reason: &str) {
        let settings = self.settings_mut();
        if settings.invalid.is_none() {
            settings.invalid = Some((setter, reason.to_owned()));
        }
    }
}

impl fmt::Debug for RequestOptions {
    // Header values are left out: they may hold secrets.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let settings = self.settings();
        let headers: Vec<&str> = settings.headers.keys().map(HeaderName::as_str).collect();
        let removed: Vec<&str> = settings.remove.iter().map(HeaderName::as_str).collect();
        f.debug_struct("RequestOptions")
            .field("timeout", &settings.timeout)
            .field("headers", &headers)
            .field("remove_headers", &removed)
            .field("retry_policy", &settings.retry)
            .field("idempotency_key", &settings.idempotency_key.is_some())
            .finish()
    }
}

fn is_sensitive(name: &HeaderName) -> bool {
    matches!(
        name.as_str(),
        "authorization" | "cookie" | "proxy-authorization"
    )
}
