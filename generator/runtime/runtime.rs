//! Runtime support for the generated API client.
//!
//! The generator copies this module verbatim into every client crate it emits.
//! Generated operation builders use it to:
//!
//! - build requests ([`Request`]) with correctly percent-encoded paths and queries,
//! - send them through a shared [`Client`] that applies credentials, timeouts
//!   and retries, and never follows redirects,
//! - read responses ([`Response`]) up to a size limit and decode them into typed values or
//!   typed errors ([`Error`]),
//! - check schema constraints before sending ([`check_string`], [`check_number`], ...), in
//!   time linear in the value's length,
//! - turn paginated endpoints into item streams ([`paginate`]) that stop with an error when
//!   the server's paging would never end.
//!
//! It depends only on the crate's declared dependencies and on nothing else in
//! the crate, so it can be reviewed and tested on its own.

use std::collections::hash_map::RandomState;
use std::convert::Infallible;
use std::fmt::{self, Display, Write as _};
use std::future::Future;
use std::hash::{BuildHasher, Hasher};
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::task::{Context, Poll};
use std::time::Duration;

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use reqwest::header::{self, HeaderMap, HeaderName, HeaderValue};
use reqwest::{Method, StatusCode, Url};

/// Every byte except RFC 3986 unreserved characters (ALPHA / DIGIT / "-" / "." / "_" / "~").
///
/// Used for path segments, query names and values, and form fields: encoding
/// everything else means no value can ever inject a delimiter.
const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Longest body excerpt kept in errors, in bytes.
const MAX_SNIPPET: usize = 512;

/// Default limit on a buffered response body: 64 MiB. Every body is read into memory before
/// it is decoded, so the limit bounds what one response can make the client allocate. It is
/// well above the largest responses the Lightly API sends in practice (a page of 100,000
/// samples is about 45 MB) and small enough that a runaway or hostile server cannot exhaust
/// a process's memory; [`ClientBuilder::max_response_body_bytes`] changes it.
pub const DEFAULT_MAX_RESPONSE_BODY_BYTES: u64 = 64 * 1024 * 1024;

/// Default user agent: the name and version of the generated crate this module is compiled into.
const DEFAULT_USER_AGENT: &str = concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION"));

// ---------------------------------------------------------------------------
// Credentials and security schemes
// ---------------------------------------------------------------------------

/// Where and how a security scheme puts its credential.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SchemeKind {
    /// An API key sent as the named query parameter.
    ApiKeyQuery(&'static str),
    /// An API key sent as the named request header.
    ApiKeyHeader(&'static str),
    /// An API key sent as the named cookie.
    ApiKeyCookie(&'static str),
    /// A token sent as `Authorization: Bearer <token>`.
    HttpBearer,
    /// A username and password sent as `Authorization: Basic <base64>`.
    HttpBasic,
}

/// A security scheme from the document's `components.securitySchemes`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SecurityScheme {
    /// The scheme's key in `components.securitySchemes`.
    pub name: &'static str,
    /// Where the credential goes.
    pub kind: SchemeKind,
}

/// A secret string whose `Debug` and `Display` never show the value.
///
/// Both print a fixed placeholder (`Secret(***)` and `***`), so a secret can sit
/// in structs that derive `Debug` without leaking into logs.
#[derive(Clone)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// Returns the secret value. Call it only where the value must really be used.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// A credential as given to the builder, before it is checked against its scheme.
enum CredentialInput {
    Token(Secret),
    Basic { username: String, password: Secret },
}

/// A credential checked at build time and pre-rendered for its scheme.
///
/// Header values are rendered once here, not on every request.
enum AuthValue {
    Query {
        param: &'static str,
        value: Secret,
    },
    Header {
        name: HeaderName,
        value: HeaderValue,
    },
    Cookie {
        name: &'static str,
        value: Secret,
    },
}

struct Credential {
    scheme: &'static str,
    value: AuthValue,
}

// ---------------------------------------------------------------------------
// Retry policy
// ---------------------------------------------------------------------------

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
    max_retries: u32,
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
    fn backoff(&self, retry: u32) -> Duration {
        let ceiling = 2u32
            .checked_pow(retry)
            .and_then(|factor| self.initial_backoff.checked_mul(factor))
            .map_or(self.max_backoff, |d| d.min(self.max_backoff));
        // try_from avoids a panic when rounding pushes a huge ceiling past Duration::MAX.
        Duration::try_from_secs_f64(ceiling.as_secs_f64() * random_unit()).unwrap_or(ceiling)
    }

    /// The delay before the next retry: `Retry-After` if the server sent one, else backoff.
    fn delay(&self, retry: u32, retry_after: Option<Duration>) -> Duration {
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
fn random_unit() -> f64 {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut hasher = RandomState::new().build_hasher();
    hasher.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    // The top 53 bits fill an f64 mantissa exactly.
    (hasher.finish() >> 11) as f64 / (1u64 << 53) as f64
}

/// Parses `Retry-After` as delta-seconds. An HTTP-date is treated as absent.
fn parse_retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(header::RETRY_AFTER)?.to_str().ok()?;
    value.trim().parse::<u64>().ok().map(Duration::from_secs)
}

fn is_retryable_status(status: StatusCode) -> bool {
    matches!(status.as_u16(), 429 | 502 | 503 | 504)
}

fn is_idempotent(method: &Method) -> bool {
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

// ---------------------------------------------------------------------------
// Client and builder
// ---------------------------------------------------------------------------

/// An API client. Cheap to clone: clones share one connection pool and configuration.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    base_url: Url,
    /// The base URL's path without a trailing slash; operation paths are appended to it.
    base_path: String,
    credentials: Vec<Credential>,
    retry: RetryPolicy,
    connect_timeout: Duration,
    timeout: Duration,
    max_body: u64,
}

impl Client {
    /// The base URL that operation paths are joined onto.
    pub fn base_url(&self) -> &Url {
        &self.inner.base_url
    }

    /// Executes a request: applies credentials, retries and timeouts, and returns
    /// the raw response whatever its status. Generated code calls it.
    ///
    /// Fails before sending on an invalid argument or missing credentials,
    /// with [`Error::Timeout`] or [`Error::Transport`] when no response arrives, and
    /// with [`Error::BodyTooLarge`] when the body is longer than the configured limit.
    /// The timeout applies to each attempt; see [`RetryPolicy`] for retries.
    pub async fn execute(&self, request: Request) -> Result<Response, Error<Infallible>> {
        let inner = &*self.inner;
        let Request {
            method,
            path,
            mut query,
            mut headers,
            body,
            security,
            invalid,
        } = request;
        if let Some((name, reason)) = invalid {
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
        self.apply_security(security, &mut query, &mut headers)?;

        let mut full_path = String::with_capacity(inner.base_path.len() + path.len() + 1);
        full_path.push_str(&inner.base_path);
        if !path.starts_with('/') {
            full_path.push('/');
        }
        full_path.push_str(&path);
        let mut url = inner.base_url.clone();
        url.set_path(&full_path);
        url.set_query((!query.is_empty()).then_some(query.as_str()));

        let mut req = reqwest::Request::new(method, url);
        *req.headers_mut() = headers;
        if let Some(body) = body {
            // Vec -> Body keeps the allocation; retries clone it by reference count.
            *req.body_mut() = Some(body.into());
        }
        let max_retries = if is_idempotent(req.method()) {
            inner.retry.max_retries
        } else {
            0
        };

        let mut retry = 0;
        loop {
            // Bodies are always in memory, so try_clone only fails in theory; then we just don't retry.
            let spare = if retry < max_retries {
                req.try_clone()
            } else {
                None
            };
            let sent = inner.http.execute(req).await;
            if let Some(next) = spare {
                let delay = match &sent {
                    Ok(resp) if is_retryable_status(resp.status()) => {
                        Some(inner.retry.delay(retry, parse_retry_after(resp.headers())))
                    }
                    Err(err) if err.is_connect() || err.is_timeout() => {
                        Some(inner.retry.delay(retry, None))
                    }
                    _ => None,
                };
                if let Some(delay) = delay {
                    // Dropping the response discards its body unread.
                    drop(sent);
                    tokio::time::sleep(delay).await;
                    req = next;
                    retry += 1;
                    continue;
                }
            }
            return Response::read(sent.map_err(transport_error)?, inner.max_body).await;
        }
    }

    /// Adds the credentials of the first satisfiable security alternative.
    ///
    /// Alternatives that need credentials are preferred over the empty
    /// ("auth optional") one, so configured credentials are always sent.
    fn apply_security(
        &self,
        requirements: &'static [&'static [&'static str]],
        query: &mut String,
        headers: &mut HeaderMap,
    ) -> Result<(), Error<Infallible>> {
        if requirements.is_empty() {
            return Ok(());
        }
        let chosen = requirements
            .iter()
            .find(|alt| !alt.is_empty() && alt.iter().all(|s| self.credential(s).is_some()));
        let Some(alternative) = chosen else {
            if requirements.iter().any(|alt| alt.is_empty()) {
                return Ok(());
            }
            let mut accepted: Vec<&'static str> = Vec::new();
            for name in requirements.iter().flat_map(|alt| alt.iter()) {
                if !accepted.contains(name) {
                    accepted.push(name);
                }
            }
            return Err(Error::MissingCredentials { accepted });
        };
        let mut cookies: Vec<(&'static str, &Secret)> = Vec::new();
        for credential in alternative.iter().filter_map(|s| self.credential(s)) {
            match &credential.value {
                AuthValue::Query { param, value } => push_query_pair(query, param, value.expose()),
                AuthValue::Header { name, value } => {
                    headers.insert(name.clone(), value.clone());
                }
                AuthValue::Cookie { name, value } => cookies.push((name, value)),
            }
        }
        if !cookies.is_empty() {
            // One Cookie header holding any cookie the request already had plus ours.
            let mut line = headers
                .get(header::COOKIE)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
                .unwrap_or_default();
            for (name, value) in cookies {
                if !line.is_empty() {
                    line.push_str("; ");
                }
                line.push_str(name);
                line.push('=');
                line.push_str(value.expose());
            }
            let mut value = HeaderValue::try_from(line).map_err(|_| Error::InvalidArgument {
                name: "Cookie",
                reason: "contains characters not allowed in an HTTP header value".to_owned(),
            })?;
            value.set_sensitive(true);
            headers.insert(header::COOKIE, value);
        }
        Ok(())
    }

    fn credential(&self, scheme: &str) -> Option<&Credential> {
        self.inner.credentials.iter().find(|c| c.scheme == scheme)
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &*self.inner;
        let schemes: Vec<&str> = inner.credentials.iter().map(|c| c.scheme).collect();
        f.debug_struct("Client")
            .field("base_url", &inner.base_url.as_str())
            .field("credentials", &schemes)
            .field("retry_policy", &inner.retry)
            .field("connect_timeout", &inner.connect_timeout)
            .field("timeout", &inner.timeout)
            .finish_non_exhaustive()
    }
}

/// Configures and builds a [`Client`].
#[must_use]
pub struct ClientBuilder {
    base_url: String,
    schemes: &'static [SecurityScheme],
    connect_timeout: Duration,
    timeout: Duration,
    retry: RetryPolicy,
    user_agent: String,
    credentials: Vec<(&'static str, CredentialInput)>,
    max_body: u64,
}

impl ClientBuilder {
    /// Starts a builder. Generated code passes the document's first server URL
    /// and its security schemes.
    pub fn new(default_base_url: &'static str, schemes: &'static [SecurityScheme]) -> Self {
        ClientBuilder {
            base_url: default_base_url.to_owned(),
            schemes,
            connect_timeout: Duration::from_secs(10),
            timeout: Duration::from_secs(60),
            retry: RetryPolicy::new(),
            user_agent: DEFAULT_USER_AGENT.to_owned(),
            credentials: Vec::new(),
            max_body: DEFAULT_MAX_RESPONSE_BODY_BYTES,
        }
    }

    /// Overrides the base URL. It is validated by [`build`](Self::build); a trailing slash is fine.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = url.into();
        self
    }

    /// Sets the time allowed to open a connection (default 10 s).
    pub fn connect_timeout(mut self, d: Duration) -> Self {
        self.connect_timeout = d;
        self
    }

    /// Sets the time allowed for each attempt, from sending until the whole
    /// body is read (default 60 s).
    pub fn timeout(mut self, d: Duration) -> Self {
        self.timeout = d;
        self
    }

    /// Sets the longest response body the client reads, in bytes (default
    /// [`DEFAULT_MAX_RESPONSE_BODY_BYTES`], 64 MiB). Bodies are buffered whole before
    /// decoding, so this bounds the memory one response can take. A longer body, whatever
    /// the status, fails with [`Error::BodyTooLarge`]: before reading when `Content-Length`
    /// says so, else as soon as the bytes read pass the limit.
    pub fn max_response_body_bytes(mut self, limit: u64) -> Self {
        self.max_body = limit;
        self
    }

    /// Sets the retry policy (default [`RetryPolicy::new`]).
    pub fn retry_policy(mut self, p: RetryPolicy) -> Self {
        self.retry = p;
        self
    }

    /// Sets the `User-Agent` header (default `<crate name>/<crate version>`).
    pub fn user_agent(mut self, ua: impl Into<String>) -> Self {
        self.user_agent = ua.into();
        self
    }

    /// Sets the API key or bearer token for the named security scheme.
    ///
    /// A later call for the same scheme replaces the earlier one.
    pub fn credential(mut self, scheme: &'static str, secret: impl Into<String>) -> Self {
        self.set_credential(scheme, CredentialInput::Token(Secret::new(secret)));
        self
    }

    /// Sets the username and password for the named HTTP Basic security scheme.
    pub fn basic_credential(
        mut self,
        scheme: &'static str,
        username: impl Into<String>,
        password: impl Into<String>,
    ) -> Self {
        let input = CredentialInput::Basic {
            username: username.into(),
            password: Secret::new(password),
        };
        self.set_credential(scheme, input);
        self
    }

    fn set_credential(&mut self, scheme: &'static str, input: CredentialInput) {
        self.credentials.retain(|(name, _)| *name != scheme);
        self.credentials.push((scheme, input));
    }

    /// Validates the configuration and builds the client.
    pub fn build(self) -> Result<Client, BuildError> {
        let base_url = parse_base_url(&self.base_url)?;
        let base_path = base_url.path().trim_end_matches('/').to_owned();

        let mut credentials = Vec::with_capacity(self.credentials.len());
        for (name, input) in self.credentials {
            let Some(scheme) = self.schemes.iter().find(|s| s.name == name) else {
                return Err(BuildError::UnknownScheme {
                    name,
                    known: self.schemes.iter().map(|s| s.name).collect(),
                });
            };
            credentials.push(Credential {
                scheme: name,
                value: render_credential(scheme, input)?,
            });
        }

        let http = reqwest::Client::builder()
            // Never follow redirects: credentials must not travel to another host,
            // and generated code decides what a 3xx means.
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(self.connect_timeout)
            .timeout(self.timeout)
            .user_agent(self.user_agent)
            .build()
            .map_err(|e| BuildError::Http(e.without_url()))?;

        Ok(Client {
            inner: Arc::new(Inner {
                http,
                base_url,
                base_path,
                credentials,
                retry: self.retry,
                connect_timeout: self.connect_timeout,
                timeout: self.timeout,
                max_body: self.max_body,
            }),
        })
    }
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let schemes: Vec<&str> = self.credentials.iter().map(|(name, _)| *name).collect();
        f.debug_struct("ClientBuilder")
            .field("base_url", &redacted_url(&self.base_url))
            .field("credentials", &schemes)
            .field("retry_policy", &self.retry)
            .field("connect_timeout", &self.connect_timeout)
            .field("timeout", &self.timeout)
            .field("user_agent", &self.user_agent)
            .field("max_response_body_bytes", &self.max_body)
            .finish_non_exhaustive()
    }
}

/// Parses and checks a base URL.
fn parse_base_url(raw: &str) -> Result<Url, BuildError> {
    let invalid = |reason: &str| BuildError::InvalidBaseUrl {
        url: redacted_url(raw),
        reason: reason.to_owned(),
    };
    let url = Url::parse(raw.trim()).map_err(|e| invalid(&e.to_string()))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(invalid("the scheme must be http or https"));
    }
    if url.cannot_be_a_base() || url.host().is_none() {
        return Err(invalid("a host is required"));
    }
    // Userinfo would leak through Debug output; credentials go through basic_credential().
    if !url.username().is_empty() || url.password().is_some() {
        return Err(invalid("user credentials are not allowed in the URL"));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(invalid("a query or fragment is not allowed"));
    }
    Ok(url)
}

/// A URL for messages: without userinfo, query or fragment when it parses.
fn redacted_url(raw: &str) -> String {
    match Url::parse(raw.trim()) {
        Ok(mut url) => {
            // These fail only for URLs that cannot carry userinfo, which then have none.
            let _ = url.set_password(None);
            let _ = url.set_username("");
            url.set_query(None);
            url.set_fragment(None);
            url.into()
        }
        Err(_) => raw.to_owned(),
    }
}

/// Checks a credential against its scheme and renders it for sending.
fn render_credential(
    scheme: &SecurityScheme,
    input: CredentialInput,
) -> Result<AuthValue, BuildError> {
    let invalid = |reason: &'static str| BuildError::InvalidCredential {
        scheme: scheme.name,
        reason,
    };
    let not_header = "contains characters not allowed in an HTTP header";
    let sensitive = |text: String| {
        HeaderValue::try_from(text)
            .map(|mut v| {
                v.set_sensitive(true);
                v
            })
            .map_err(|_| invalid(not_header))
    };
    match (scheme.kind, input) {
        (SchemeKind::ApiKeyQuery(param), CredentialInput::Token(value)) => {
            Ok(AuthValue::Query { param, value })
        }
        (SchemeKind::ApiKeyHeader(name), CredentialInput::Token(value)) => {
            let name = HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| invalid("the scheme's header name is not valid"))?;
            let value = sensitive(value.0)?;
            Ok(AuthValue::Header { name, value })
        }
        (SchemeKind::ApiKeyCookie(name), CredentialInput::Token(value)) => {
            // RFC 6265 cookie-octet: visible ASCII except DQUOTE, comma, semicolon and backslash.
            let bad =
                |b: u8| !(0x21..=0x7e).contains(&b) || matches!(b, b'"' | b',' | b';' | b'\\');
            if value.expose().bytes().any(bad) {
                return Err(invalid("contains characters not allowed in a cookie value"));
            }
            Ok(AuthValue::Cookie { name, value })
        }
        (SchemeKind::HttpBearer, CredentialInput::Token(token)) => {
            let value = sensitive(format!("Bearer {}", token.expose()))?;
            Ok(AuthValue::Header {
                name: header::AUTHORIZATION,
                value,
            })
        }
        (SchemeKind::HttpBasic, CredentialInput::Basic { username, password }) => {
            let pair = format!("{username}:{}", password.expose());
            let value = sensitive(format!("Basic {}", base64_encode(pair.as_bytes())))?;
            Ok(AuthValue::Header {
                name: header::AUTHORIZATION,
                value,
            })
        }
        (SchemeKind::HttpBasic, CredentialInput::Token(_)) => {
            Err(BuildError::WrongCredentialKind {
                scheme: scheme.name,
                expected: "a username and password (basic_credential)",
            })
        }
        (_, CredentialInput::Basic { .. }) => Err(BuildError::WrongCredentialKind {
            scheme: scheme.name,
            expected: "a single secret (credential)",
        }),
    }
}

/// Standard base64 with padding, for HTTP Basic credentials.
fn base64_encode(input: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(input.len().div_ceil(3) * 4);
    for chunk in input.chunks(3) {
        let byte = |i: usize| u32::from(chunk.get(i).copied().unwrap_or(0));
        let n = (byte(0) << 16) | (byte(1) << 8) | byte(2);
        let sextet = |shift: u32| char::from(ALPHABET[((n >> shift) & 63) as usize]);
        out.push(sextet(18));
        out.push(sextet(12));
        out.push(if chunk.len() > 1 { sextet(6) } else { '=' });
        out.push(if chunk.len() > 2 { sextet(0) } else { '=' });
    }
    out
}

/// Why [`ClientBuilder::build`] failed.
#[derive(Debug)]
#[non_exhaustive]
pub enum BuildError {
    /// The base URL does not parse or cannot be used as a base.
    InvalidBaseUrl {
        /// The URL as given, without any userinfo or query.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A credential was given for a scheme the document does not define.
    UnknownScheme {
        /// The name passed to the builder.
        name: &'static str,
        /// The schemes the document defines.
        known: Vec<&'static str>,
    },
    /// `credential` was used for a Basic scheme, or `basic_credential` for another kind.
    WrongCredentialKind {
        /// The scheme's name.
        scheme: &'static str,
        /// What the scheme needs.
        expected: &'static str,
    },
    /// A credential cannot be sent as its scheme requires.
    InvalidCredential {
        /// The scheme's name.
        scheme: &'static str,
        /// What is wrong (never the value itself).
        reason: &'static str,
    },
    /// The HTTP client could not be built.
    Http(reqwest::Error),
}

impl Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BuildError::InvalidBaseUrl { url, reason } => {
                write!(f, "invalid base URL `{url}`: {reason}")
            }
            BuildError::UnknownScheme { name, known } => {
                write!(f, "unknown security scheme `{name}`; known schemes: ")?;
                write_list(f, known)
            }
            BuildError::WrongCredentialKind { scheme, expected } => {
                write!(f, "security scheme `{scheme}` needs {expected}")
            }
            BuildError::InvalidCredential { scheme, reason } => {
                write!(
                    f,
                    "invalid credential for security scheme `{scheme}`: {reason}"
                )
            }
            BuildError::Http(_) => f.write_str("failed to build the HTTP client"),
        }
    }
}

impl std::error::Error for BuildError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            BuildError::Http(e) => Some(e),
            _ => None,
        }
    }
}

fn write_list(f: &mut fmt::Formatter<'_>, items: &[&str]) -> fmt::Result {
    if items.is_empty() {
        return f.write_str("none");
    }
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            f.write_str(", ")?;
        }
        f.write_str(item)?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Requests
// ---------------------------------------------------------------------------

/// A request under construction, built by generated operation code.
///
/// Setters never fail: an invalid argument is recorded and reported by
/// [`Client::execute`] as [`Error::InvalidArgument`], before anything is sent.
pub struct Request {
    method: Method,
    path: String,
    /// Already encoded `name=value` pairs joined by '&'.
    query: String,
    headers: HeaderMap,
    body: Option<Vec<u8>>,
    security: &'static [&'static [&'static str]],
    /// The first invalid argument seen.
    invalid: Option<(&'static str, String)>,
}

impl Request {
    /// `path` is the already-expanded path starting with '/', joined onto the base
    /// URL's path (base `https://h/api` + `/v1/x` = `https://h/api/v1/x`).
    pub fn new(method: Method, path: String) -> Self {
        Request {
            method,
            path,
            query: String::new(),
            headers: HeaderMap::new(),
            body: None,
            security: &[],
            invalid: None,
        }
    }

    /// Appends a query parameter, percent-encoded as a query component.
    pub fn query(&mut self, name: &'static str, value: impl Display) {
        push_query_key(&mut self.query, name);
        // Errors come only from a failing Display impl; the value is then cut short.
        let _ = write!(PercentEncoder(&mut self.query), "{value}");
    }

    /// Appends a query parameter when `value` is `Some`.
    pub fn query_opt<T: Display>(&mut self, name: &'static str, value: Option<&T>) {
        if let Some(value) = value {
            self.query(name, value);
        }
    }

    /// Appends an array query parameter: the key repeated per item when
    /// `explode`, else one key with comma-separated items. An empty array adds nothing.
    pub fn query_array<T: Display>(&mut self, name: &'static str, values: &[T], explode: bool) {
        if explode {
            for value in values {
                self.query(name, value);
            }
        } else if !values.is_empty() {
            push_query_key(&mut self.query, name);
            for (i, value) in values.iter().enumerate() {
                if i > 0 {
                    // A literal comma separates items; commas inside items are encoded.
                    self.query.push(',');
                }
                let _ = write!(PercentEncoder(&mut self.query), "{value}");
            }
        }
    }

    /// Appends an object query parameter in the given style: `name[key]=value` pairs
    /// (`deepObject`), `key=value` pairs (`form`, exploded) or `name=key,value,...`
    /// (`form`). Nulls are left out; nested objects and arrays are written as JSON text in
    /// the form styles and as further `[key]` levels in `deepObject`.
    pub fn query_object<T: serde::Serialize + ?Sized>(
        &mut self,
        name: &'static str,
        value: &T,
        style: ObjectStyle,
    ) -> Result<(), Error<Infallible>> {
        let json = serde_json::to_value(value).map_err(Error::Serialize)?;
        let serde_json::Value::Object(map) = json else {
            return Err(Error::Serialize(serde::ser::Error::custom(
                "an object query parameter must serialize to an object",
            )));
        };
        match style {
            ObjectStyle::DeepObject => push_deep_object(&mut self.query, name, &map),
            ObjectStyle::FormExploded => {
                for (key, v) in &map {
                    if !v.is_null() {
                        push_query_pair(&mut self.query, key, &json_text(v));
                    }
                }
            }
            ObjectStyle::Form => {
                let mut joined = String::new();
                for (key, v) in map.iter().filter(|(_, v)| !v.is_null()) {
                    if !joined.is_empty() {
                        joined.push(',');
                    }
                    joined.extend(utf8_percent_encode(key, COMPONENT));
                    joined.push(',');
                    joined.extend(utf8_percent_encode(&json_text(v), COMPONENT));
                }
                if !joined.is_empty() {
                    push_query_key(&mut self.query, name);
                    self.query.push_str(&joined);
                }
            }
        }
        Ok(())
    }

    /// Adds a request header.
    pub fn header(&mut self, name: &'static str, value: impl Display) {
        let Ok(header_name) = HeaderName::from_bytes(name.as_bytes()) else {
            self.reject(name, "is not a valid HTTP header name");
            return;
        };
        match HeaderValue::try_from(value.to_string()) {
            Ok(v) => {
                self.headers.append(header_name, v);
            }
            Err(_) => self.reject(
                name,
                "contains characters not allowed in an HTTP header value",
            ),
        }
    }

    /// Serializes `body` as JSON and sets `Content-Type: application/json`.
    pub fn json_body<T: serde::Serialize + ?Sized>(
        &mut self,
        body: &T,
    ) -> Result<(), Error<Infallible>> {
        let bytes = serde_json::to_vec(body).map_err(Error::Serialize)?;
        self.set_body(bytes, HeaderValue::from_static("application/json"));
        Ok(())
    }

    /// Sets a plain-text body (`text/plain; charset=utf-8`).
    pub fn text_body(&mut self, body: String) {
        self.set_body(
            body.into_bytes(),
            HeaderValue::from_static("text/plain; charset=utf-8"),
        );
    }

    /// Sets an `application/x-www-form-urlencoded` body.
    pub fn form_body(&mut self, pairs: Vec<(String, String)>) {
        let mut encoded = String::new();
        for (name, value) in &pairs {
            push_query_pair(&mut encoded, name, value);
        }
        self.set_body(
            encoded.into_bytes(),
            HeaderValue::from_static("application/x-www-form-urlencoded"),
        );
    }

    /// Sets a `multipart/form-data` body.
    pub fn multipart_body(&mut self, form: Multipart) {
        let content_type = format!("multipart/form-data; boundary={}", form.boundary);
        let body = form.finish();
        match HeaderValue::from_str(&content_type) {
            Ok(v) => self.set_body(body, v),
            Err(_) => self.reject("Content-Type", "is not a valid HTTP header value"),
        }
    }

    /// Sets a raw body with the given content type.
    pub fn bytes_body(&mut self, body: Vec<u8>, content_type: &'static str) {
        match HeaderValue::from_str(content_type) {
            Ok(v) => self.set_body(body, v),
            Err(_) => self.reject("Content-Type", "is not a valid HTTP header value"),
        }
    }

    /// Sets the `Accept` header.
    pub fn accept(&mut self, value: &'static str) {
        match HeaderValue::from_str(value) {
            Ok(v) => {
                self.headers.insert(header::ACCEPT, v);
            }
            Err(_) => self.reject("Accept", "is not a valid HTTP header value"),
        }
    }

    /// Sets the operation's security requirements.
    ///
    /// Alternatives of requirements: each inner slice is a set of scheme names
    /// that must ALL be configured; the first fully configured alternative is
    /// used. An empty outer slice means no auth is needed. An empty inner slice
    /// makes auth optional: credentials are still sent when an alternative is
    /// configured.
    pub fn security(&mut self, requirements: &'static [&'static [&'static str]]) {
        self.security = requirements;
    }

    fn set_body(&mut self, body: Vec<u8>, content_type: HeaderValue) {
        self.headers.insert(header::CONTENT_TYPE, content_type);
        self.body = Some(body);
    }

    fn reject(&mut self, name: &'static str, reason: &str) {
        if self.invalid.is_none() {
            self.invalid = Some((name, reason.to_owned()));
        }
    }
}

impl fmt::Debug for Request {
    // Query values and header values are left out: they may hold sensitive parameters.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let headers: Vec<&str> = self.headers.keys().map(HeaderName::as_str).collect();
        f.debug_struct("Request")
            .field("method", &self.method)
            .field("path", &self.path)
            .field("headers", &headers)
            .field("body_len", &self.body.as_ref().map(Vec::len))
            .finish_non_exhaustive()
    }
}

/// Percent-encodes one path segment.
///
/// Everything except RFC 3986 unreserved characters is encoded, so '/', '?',
/// '#', '%' and ' ' cannot change the path. A segment that is exactly "." or
/// ".." is encoded as "%2E" or "%2E%2E"; URL parsers still treat those as dot
/// segments, so [`Client::execute`] rejects such a path instead of sending it.
pub fn encode_path_segment(value: &str) -> String {
    match value {
        "." => "%2E".to_owned(),
        ".." => "%2E%2E".to_owned(),
        _ => utf8_percent_encode(value, COMPONENT).to_string(),
    }
}

/// Whether a path has a segment that URL parsing would resolve as "." or "..".
fn has_dot_segment(path: &str) -> bool {
    const DOT_SEGMENTS: [&str; 6] = [".", "..", "%2e", "%2e%2e", ".%2e", "%2e."];
    path.split('/').any(|segment| {
        DOT_SEGMENTS
            .iter()
            .any(|dot| segment.eq_ignore_ascii_case(dot))
    })
}

/// A `fmt::Write` adapter that percent-encodes everything written through it,
/// so `Display` values are encoded without a temporary string.
struct PercentEncoder<'a>(&'a mut String);

impl fmt::Write for PercentEncoder<'_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.0.extend(utf8_percent_encode(s, COMPONENT));
        Ok(())
    }
}

fn push_query_key(query: &mut String, name: &str) {
    if !query.is_empty() {
        query.push('&');
    }
    query.extend(utf8_percent_encode(name, COMPONENT));
    query.push('=');
}

/// How an object query parameter is written (OpenAPI `style` and `explode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ObjectStyle {
    /// `deepObject`: `name[key]=value`.
    DeepObject,
    /// `form` with `explode: true`: `key=value` per property.
    FormExploded,
    /// `form` with `explode: false`: `name=key,value,key,value`.
    Form,
}

fn push_deep_object(
    query: &mut String,
    prefix: &str,
    map: &serde_json::Map<String, serde_json::Value>,
) {
    for (key, v) in map {
        let name = format!("{prefix}[{key}]");
        match v {
            serde_json::Value::Null => {}
            serde_json::Value::Object(inner) => push_deep_object(query, &name, inner),
            serde_json::Value::Array(items) => {
                for item in items {
                    push_query_pair(query, &name, &json_text(item));
                }
            }
            other => push_query_pair(query, &name, &json_text(other)),
        }
    }
}

/// A JSON value as query text: strings as they are, anything else as JSON.
pub fn json_text(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn push_query_pair(query: &mut String, name: &str, value: &str) {
    push_query_key(query, name);
    query.extend(utf8_percent_encode(value, COMPONENT));
}

// ---------------------------------------------------------------------------
// Responses
// ---------------------------------------------------------------------------

/// A received response with its body fully read.
pub struct Response {
    status: StatusCode,
    headers: HeaderMap,
    body: Vec<u8>,
    /// The request URL without query or fragment (the query may hold an API key).
    url: Url,
}

impl Response {
    /// Reads the whole body of a reqwest response, failing with [`Error::BodyTooLarge`]
    /// as soon as it is known to be longer than `limit` bytes.
    async fn read(mut resp: reqwest::Response, limit: u64) -> Result<Response, Error<Infallible>> {
        let status = resp.status();
        let too_large = || Error::BodyTooLarge { status, limit };
        // A declared length over the limit fails before a byte is read; a false one is
        // caught below, since hyper never yields more than it declared.
        let declared = resp.content_length();
        if declared.is_some_and(|len| len > limit) {
            return Err(too_large());
        }
        let headers = std::mem::take(resp.headers_mut());
        let mut url = resp.url().clone();
        url.set_query(None);
        url.set_fragment(None);
        // The declared length sizes the buffer (it is within the limit), so a body with one
        // is copied once and never reallocated.
        let capacity = usize::try_from(declared.unwrap_or(0)).unwrap_or(0);
        let mut body = Vec::with_capacity(capacity);
        while let Some(chunk) = resp.chunk().await.map_err(transport_error)? {
            if body.len() as u64 + chunk.len() as u64 > limit {
                return Err(too_large());
            }
            body.extend_from_slice(&chunk);
        }
        Ok(Response {
            status,
            headers,
            body,
            url,
        })
    }

    /// The response status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The raw response body.
    pub fn body(&self) -> &[u8] {
        &self.body
    }

    /// Decodes the body as JSON. On failure the error names the JSON path
    /// where decoding stopped and holds the start of the body.
    pub fn json<T: serde::de::DeserializeOwned, E>(self) -> Result<T, Error<E>> {
        decode_json(self.status, &self.body)
    }

    /// Returns the body as UTF-8 text.
    pub fn text<E>(self) -> Result<String, Error<E>> {
        let status = self.status;
        String::from_utf8(self.body)
            .map_err(|e| decode_error(status, String::new(), e.as_bytes(), e.utf8_error()))
    }

    /// Returns the body's non-empty lines; "\r\n" line endings are accepted.
    pub fn text_lines<E>(self) -> Result<Vec<String>, Error<E>> {
        let text = self.text()?;
        Ok(text
            .split('\n')
            .map(|line| line.strip_suffix('\r').unwrap_or(line))
            .filter(|line| !line.is_empty())
            .map(str::to_owned)
            .collect())
    }

    /// Parses a `text/plain` scalar body, ignoring surrounding whitespace.
    pub fn parse_text<T: std::str::FromStr, E>(self) -> Result<T, Error<E>>
    where
        T::Err: Display,
    {
        let status = self.status;
        let text = self.text()?;
        text.trim().parse().map_err(|e: T::Err| {
            decode_error(
                status,
                String::new(),
                text.as_bytes(),
                Message(e.to_string()),
            )
        })
    }

    /// Accepts the response, ignoring any body.
    pub fn empty<E>(self) -> Result<(), Error<E>> {
        Ok(())
    }

    /// The `Location` header resolved against the request URL.
    pub fn redirect_location<E>(self) -> Result<Url, Error<E>> {
        let path = "header:Location".to_owned();
        let Some(value) = self.headers.get(header::LOCATION) else {
            return Err(decode_error(
                self.status,
                path,
                b"",
                Message("the response has no Location header".to_owned()),
            ));
        };
        let location = value
            .to_str()
            .map_err(|e| decode_error(self.status, path.clone(), value.as_bytes(), e))?;
        self.url
            .join(location)
            .map_err(|e| decode_error(self.status, path, location.as_bytes(), e))
    }

    /// Reads a declared response header as `T`; `Ok(None)` when it is absent. A value that
    /// does not parse is a [`Error::Decode`] naming the header.
    pub fn header_value<T: std::str::FromStr, E>(&self, name: &str) -> Result<Option<T>, Error<E>>
    where
        T::Err: std::error::Error + Send + Sync + 'static,
    {
        let Some(value) = self.headers.get(name) else {
            return Ok(None);
        };
        let path = format!("header:{name}");
        let text = value
            .to_str()
            .map_err(|e| decode_error(self.status, path.clone(), value.as_bytes(), e))?;
        text.trim()
            .parse()
            .map(Some)
            .map_err(|e| decode_error(self.status, path, text.as_bytes(), e))
    }

    /// A documented error status: decodes the body as `E` into [`Error::Api`],
    /// or returns [`Error::Decode`] when the body does not decode.
    pub fn api_error<E: serde::de::DeserializeOwned>(self) -> Error<E> {
        match decode_json(self.status, &self.body) {
            Ok(body) => Error::Api {
                status: self.status,
                headers: self.headers,
                body,
            },
            Err(e) => e,
        }
    }

    /// A documented error status whose body is absent or ignored.
    pub fn api_error_empty(self) -> Error<()> {
        Error::Api {
            status: self.status,
            headers: self.headers,
            body: (),
        }
    }

    /// A status the operation does not document.
    pub fn unexpected<E>(self) -> Error<E> {
        Error::UnexpectedStatus {
            status: self.status,
            snippet: snippet(&self.body),
            headers: self.headers,
        }
    }
}

impl fmt::Debug for Response {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Response")
            .field("status", &self.status)
            .field("url", &self.url.as_str())
            .field("headers", &self.headers)
            .field("body_len", &self.body.len())
            .finish()
    }
}

fn decode_json<T: serde::de::DeserializeOwned, E>(
    status: StatusCode,
    body: &[u8],
) -> Result<T, Error<E>> {
    // The plain decoder is the fast path; tracking the JSON path costs a few percent on
    // every value, so it only runs again to explain a failure.
    if let Ok(value) = serde_json::from_slice(body) {
        return Ok(value);
    }
    let mut de = serde_json::Deserializer::from_slice(body);
    match serde_path_to_error::deserialize(&mut de) {
        // end() rejects trailing data after the value.
        Ok(value) => match de.end() {
            Ok(()) => Ok(value),
            Err(e) => Err(decode_error(status, String::new(), body, e)),
        },
        Err(e) => {
            let path = e.path().to_string();
            let inner = e.into_inner();
            let message = inner.to_string();
            if let Some((inner_path, inner_message)) = split_inner_path(&message) {
                let path = join_path(&path, inner_path);
                let path = if path == "." { String::new() } else { path };
                return Err(decode_error(
                    status,
                    path,
                    body,
                    Message(inner_message.to_string()),
                ));
            }
            // "." is the root: no useful location to name.
            let path = if path == "." { String::new() } else { path };
            Err(decode_error(status, path, body, inner))
        }
    }
}

fn decode_error<E>(
    status: StatusCode,
    path: String,
    body: &[u8],
    source: impl std::error::Error + Send + Sync + 'static,
) -> Error<E> {
    Error::Decode {
        status,
        path,
        snippet: snippet(body),
        source: Box::new(source),
    }
}

/// The start of a body for error messages: at most `MAX_SNIPPET` bytes,
/// cut on a character boundary, with invalid UTF-8 replaced.
fn snippet(body: &[u8]) -> String {
    const MARK: &str = "…";
    let head = &body[..body.len().min(MAX_SNIPPET)];
    let mut text = String::from_utf8_lossy(head).into_owned();
    // Replacement characters can make the text longer than the bytes it came from.
    if body.len() > MAX_SNIPPET || text.len() > MAX_SNIPPET {
        let mut end = MAX_SNIPPET - MARK.len();
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        text.truncate(end);
        text.push_str(MARK);
    }
    text
}

/// A plain message used as an error source.
#[derive(Debug)]
struct Message(String);

impl Display for Message {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Message {}

// ---------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------

/// An operation's error. `E` is the typed body of the operation's documented error statuses.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error<E = ()> {
    /// The server answered with a documented error status.
    Api {
        /// The response status.
        status: StatusCode,
        /// The response headers.
        headers: HeaderMap,
        /// The decoded error body.
        body: E,
    },
    /// The server answered with a status the operation does not document.
    UnexpectedStatus {
        /// The response status.
        status: StatusCode,
        /// The response headers.
        headers: HeaderMap,
        /// The start of the body (at most 512 bytes).
        snippet: String,
    },
    /// The request timed out (connecting or waiting for the response).
    Timeout(reqwest::Error),
    /// The request failed in transport: connecting, TLS, or I/O.
    Transport(reqwest::Error),
    /// The response could not be decoded.
    Decode {
        /// The response status.
        status: StatusCode,
        /// The JSON path where decoding failed (empty when not applicable),
        /// or `header:<Name>` for a response header.
        path: String,
        /// The start of the offending data (at most 512 bytes).
        snippet: String,
        /// The decoder's error.
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// An argument was rejected before sending.
    InvalidArgument {
        /// The parameter's name.
        name: &'static str,
        /// Why it was rejected.
        reason: String,
    },
    /// None of the operation's accepted security schemes has credentials configured.
    MissingCredentials {
        /// The schemes the operation accepts.
        accepted: Vec<&'static str>,
    },
    /// The request body could not be serialized.
    Serialize(serde_json::Error),
    /// The response body was longer than the client's limit
    /// ([`ClientBuilder::max_response_body_bytes`]); it was not read further.
    BodyTooLarge {
        /// The response status.
        status: StatusCode,
        /// The limit in bytes.
        limit: u64,
    },
    /// A paging stream stopped because the server's paging would never end; the items
    /// of the pages before were yielded.
    Paging {
        /// The page (counting from 1) whose response broke the rule.
        page: u64,
        /// The rule it broke.
        reason: PagingProblem,
    },
}

impl<E> Error<E> {
    /// The response status, when a response was received.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api { status, .. }
            | Error::UnexpectedStatus { status, .. }
            | Error::Decode { status, .. }
            | Error::BodyTooLarge { status, .. } => Some(*status),
            Error::Timeout(e) | Error::Transport(e) => e.status(),
            _ => None,
        }
    }

    /// Whether trying again later may succeed: status 429, 502, 503 or 504,
    /// timeouts, and connection failures.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Api { status, .. } | Error::UnexpectedStatus { status, .. } => {
                is_retryable_status(*status)
            }
            Error::Timeout(_) => true,
            Error::Transport(e) => e.is_connect(),
            _ => false,
        }
    }

    /// The typed body of a documented error status.
    pub fn into_api_body(self) -> Option<E> {
        match self {
            Error::Api { body, .. } => Some(body),
            _ => None,
        }
    }
}

impl Error<Infallible> {
    /// Re-types an error that cannot carry an API body, as returned by
    /// [`Client::execute`]. Generated code writes `.map_err(Error::into_typed)?`.
    pub fn into_typed<E2>(self) -> Error<E2> {
        match self {
            Error::Api { body, .. } => match body {},
            Error::UnexpectedStatus {
                status,
                headers,
                snippet,
            } => Error::UnexpectedStatus {
                status,
                headers,
                snippet,
            },
            Error::Timeout(e) => Error::Timeout(e),
            Error::Transport(e) => Error::Transport(e),
            Error::Decode {
                status,
                path,
                snippet,
                source,
            } => Error::Decode {
                status,
                path,
                snippet,
                source,
            },
            Error::InvalidArgument { name, reason } => Error::InvalidArgument { name, reason },
            Error::MissingCredentials { accepted } => Error::MissingCredentials { accepted },
            Error::Serialize(e) => Error::Serialize(e),
            Error::BodyTooLarge { status, limit } => Error::BodyTooLarge { status, limit },
            Error::Paging { page, reason } => Error::Paging { page, reason },
        }
    }
}

impl<E> Display for Error<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Api { status, .. } => write!(f, "api error: {}", StatusText(*status)),
            Error::UnexpectedStatus { status, .. } => {
                write!(f, "unexpected status {}", StatusText(*status))
            }
            Error::Timeout(_) => f.write_str("request timed out"),
            Error::Transport(e) if e.is_connect() => f.write_str("failed to connect to the server"),
            Error::Transport(_) => f.write_str("request failed"),
            Error::Decode { path, .. } => {
                if let Some(name) = path.strip_prefix("header:") {
                    write!(f, "failed to decode response header `{name}`")
                } else if path.is_empty() {
                    f.write_str("failed to decode response body")
                } else {
                    write!(f, "failed to decode response body at `{path}`")
                }
            }
            Error::InvalidArgument { name, reason } => {
                write!(f, "invalid argument `{name}`: {reason}")
            }
            Error::MissingCredentials { accepted } => {
                f.write_str("no credentials configured for any accepted security scheme: ")?;
                write_list(f, accepted)
            }
            Error::Serialize(_) => f.write_str("failed to serialize request body"),
            Error::BodyTooLarge { status, limit } => write!(
                f,
                "response body is longer than the limit of {limit} bytes (status {})",
                StatusText(*status)
            ),
            Error::Paging { page, reason } => write!(f, "paging stopped after page {page}: {reason}"),
        }
    }
}

impl<E: fmt::Debug> std::error::Error for Error<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Timeout(e) | Error::Transport(e) => Some(e),
            Error::Decode { source, .. } => Some(&**source),
            Error::Serialize(e) => Some(e),
            _ => None,
        }
    }
}

/// "404 Not Found", or just "599" for a status without a standard reason.
struct StatusText(StatusCode);

impl Display for StatusText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0.as_u16())?;
        match self.0.canonical_reason() {
            Some(reason) => write!(f, " {reason}"),
            None => Ok(()),
        }
    }
}

/// Wraps a reqwest error, dropping its URL: the query may hold an API key.
fn transport_error(err: reqwest::Error) -> Error<Infallible> {
    let err = err.without_url();
    if err.is_timeout() {
        Error::Timeout(err)
    } else {
        Error::Transport(err)
    }
}

// ---------------------------------------------------------------------------
// Validation helpers
// ---------------------------------------------------------------------------

/// Checks a string against schema constraints; returns the reason on failure.
///
/// Lengths count Unicode scalar values. `pattern` is an ECMA-262-style regex
/// matched anywhere in the value (as JSON Schema does), compiled once into the
/// caller's static. A pattern the regex engine does not support is skipped:
/// the server stays the authority on it.
pub fn check_string(
    value: &str,
    min_length: Option<u64>,
    max_length: Option<u64>,
    pattern: Option<(&'static OnceLock<Pattern>, &'static str)>,
) -> Result<(), String> {
    if min_length.is_some() || max_length.is_some() {
        let len = value.chars().count() as u64;
        if let Some(min) = min_length.filter(|&min| len < min) {
            return Err(format!("must be at least {min} {} long", characters(min)));
        }
        if let Some(max) = max_length.filter(|&max| len > max) {
            return Err(format!("must be at most {max} {} long", characters(max)));
        }
    }
    if let Some((cell, source)) = pattern {
        if cell.get_or_init(|| Pattern::new(source)).rejects(value) {
            return Err(format!("must match pattern `{source}`"));
        }
    }
    Ok(())
}

/// A compiled `pattern` constraint. Anchored sequences of character classes with counts
/// (`^[a-f0-9]{24}$`, `^[a-zA-Z0-9][a-zA-Z0-9 ._-]+$`: most patterns in API documents) run on
/// a small matcher about fifty times faster than a general regex engine; anything else goes
/// to `regex_lite`. A pattern neither supports is not checked: the server stays the
/// authority on it.
///
/// Both run in time linear in the value's length, so a long value cannot stall a check:
/// the small matcher does at most two steps per character and atom, and `regex_lite`
/// documents a worst case of O(m × n) for a regex of size m on n bytes (it never
/// backtracks exponentially).
#[derive(Debug)]
pub enum Pattern {
    /// An anchored sequence of counted character classes.
    Simple(Vec<Atom>),
    /// A general regular expression.
    Regex(regex_lite::Regex),
    /// Not understood; values are not checked against it.
    Unsupported,
}

/// One step of a simple pattern: a character class repeated `min..=max` times.
#[derive(Debug, Clone, PartialEq)]
pub struct Atom {
    class: CharClass,
    min: usize,
    max: usize,
}

#[derive(Debug, Clone, PartialEq)]
enum CharClass {
    /// Any character but a line terminator (`.`).
    Any,
    /// Ranges of characters, possibly negated (`[^...]`); a literal is a one-char range.
    Set {
        negated: bool,
        ranges: Vec<(char, char)>,
    },
}

impl CharClass {
    fn literal(c: char) -> Self {
        CharClass::Set {
            negated: false,
            ranges: vec![(c, c)],
        }
    }

    fn matches(&self, c: char) -> bool {
        match self {
            CharClass::Any => !matches!(c, '\n' | '\r' | '\u{2028}' | '\u{2029}'),
            CharClass::Set { negated, ranges } => {
                ranges.iter().any(|&(lo, hi)| lo <= c && c <= hi) != *negated
            }
        }
    }
}

impl Pattern {
    /// Compiles `source`: the simple form when it fits, else a regex.
    pub fn new(source: &str) -> Self {
        if let Some(atoms) = parse_simple(source) {
            return Pattern::Simple(atoms);
        }
        match regex_lite::Regex::new(source) {
            Ok(regex) => Pattern::Regex(regex),
            Err(_) => Pattern::Unsupported,
        }
    }

    /// Whether `value` breaks the pattern (JSON Schema semantics: the pattern may match
    /// anywhere unless anchored).
    pub fn rejects(&self, value: &str) -> bool {
        match self {
            Pattern::Simple(atoms) => !simple_match(atoms, value),
            Pattern::Regex(regex) => !regex.is_match(value),
            Pattern::Unsupported => false,
        }
    }
}

/// Parses `^ atom* $` where an atom is a literal, `.`, an escape (`\d`, `\w`, `\s`, or an
/// escaped character) or a bracket class, with an optional `*`, `+`, `?`, `{n}`, `{n,}` or
/// `{n,m}`. Anything else (groups, alternation, lazy quantifiers, unanchored) is `None`.
fn parse_simple(source: &str) -> Option<Vec<Atom>> {
    let body = source.strip_prefix('^')?.strip_suffix('$')?;
    if body.ends_with('\\') {
        return None;
    }
    let chars: Vec<char> = body.chars().collect();
    let mut atoms = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let class = match chars[i] {
            '.' => {
                i += 1;
                CharClass::Any
            }
            '\\' => {
                let c = *chars.get(i + 1)?;
                i += 2;
                escape_class(c)?
            }
            '[' => {
                let (class, next) = parse_bracket(&chars, i + 1)?;
                i = next;
                class
            }
            '(' | ')' | '|' | '*' | '+' | '?' | '{' | '}' | ']' | '^' | '$' => return None,
            c => {
                i += 1;
                CharClass::literal(c)
            }
        };
        let (min, max, next) = parse_quantifier(&chars, i)?;
        i = next;
        atoms.push(Atom { class, min, max });
    }
    Some(atoms)
}

/// The class of `\c`: `\d`, `\w`, `\s`, or the character itself for punctuation.
fn escape_class(c: char) -> Option<CharClass> {
    let set = |ranges: Vec<(char, char)>| CharClass::Set {
        negated: false,
        ranges,
    };
    Some(match c {
        'd' => set(vec![('0', '9')]),
        'w' => set(vec![('a', 'z'), ('A', 'Z'), ('0', '9'), ('_', '_')]),
        's' => set(vec![
            (' ', ' '),
            ('\t', '\r'),
            ('\u{a0}', '\u{a0}'),
            ('\u{feff}', '\u{feff}'),
        ]),
        c if c.is_ascii_punctuation() => CharClass::literal(c),
        // \b, \D, \uXXXX and friends are left to the regex engine.
        _ => return None,
    })
}

fn parse_bracket(chars: &[char], mut i: usize) -> Option<(CharClass, usize)> {
    let negated = chars.get(i) == Some(&'^');
    if negated {
        i += 1;
    }
    let mut ranges = Vec::new();
    let mut first = true;
    loop {
        let c = *chars.get(i)?;
        if c == ']' && !first {
            return Some((CharClass::Set { negated, ranges }, i + 1));
        }
        first = false;
        let lo = match c {
            '\\' => {
                let e = *chars.get(i + 1)?;
                i += 2;
                match escape_class(e)? {
                    CharClass::Set {
                        negated: false,
                        ranges: r,
                    } if r.len() == 1 && r[0].0 == r[0].1 => r[0].0,
                    CharClass::Set {
                        negated: false,
                        ranges: r,
                    } => {
                        ranges.extend(r);
                        continue;
                    }
                    _ => return None,
                }
            }
            '[' => return None,
            c => {
                i += 1;
                c
            }
        };
        // A range `a-z`, unless the `-` is last.
        if chars.get(i) == Some(&'-') && chars.get(i + 1).is_some_and(|&n| n != ']') {
            let hi = match chars[i + 1] {
                '\\' => {
                    let e = *chars.get(i + 2)?;
                    if !e.is_ascii_punctuation() {
                        return None;
                    }
                    i += 3;
                    e
                }
                '[' => return None,
                h => {
                    i += 2;
                    h
                }
            };
            if hi < lo {
                return None;
            }
            ranges.push((lo, hi));
        } else {
            ranges.push((lo, lo));
        }
    }
}

fn parse_quantifier(chars: &[char], i: usize) -> Option<(usize, usize, usize)> {
    let (min, max, next) = match chars.get(i) {
        Some('*') => (0, usize::MAX, i + 1),
        Some('+') => (1, usize::MAX, i + 1),
        Some('?') => (0, 1, i + 1),
        Some('{') => {
            let close = i + chars[i..].iter().position(|&c| c == '}')?;
            let inner: String = chars[i + 1..close].iter().collect();
            let (min, max) = match inner.split_once(',') {
                None => {
                    let n = inner.parse().ok()?;
                    (n, n)
                }
                Some((lo, "")) => (lo.parse().ok()?, usize::MAX),
                Some((lo, hi)) => (lo.parse().ok()?, hi.parse().ok()?),
            };
            if max < min {
                return None;
            }
            (min, max, close + 1)
        }
        _ => (1, 1, i),
    };
    // A lazy or possessive marker after a quantifier is not supported.
    if next > i && matches!(chars.get(next), Some('?') | Some('+')) {
        return None;
    }
    Some((min, max, next))
}

/// Whether the whole value matches the atoms: the set of positions reachable after each
/// atom, computed atom by atom in time linear in the value's length (see [`match_counted`]).
fn simple_match(atoms: &[Atom], value: &str) -> bool {
    match_counted(atoms, value, &mut 0)
}

/// [`simple_match`], adding the work done to `steps`: two steps per character and atom,
/// whatever the value. A test holds the count to that bound on adversarial values.
///
/// For an atom `class{min,max}` a position `p` is reachable from a reachable `s` when
/// `min <= p - s <= max` and every character in `s..p` is in the class, that is when
/// `p - s` is at most the run of class characters ending at `p`. So `p` is reachable when
/// some `s` in `p - min(max, run) ..= p - min` was, which a running count of earlier
/// reachable positions answers in one subtraction: no position is visited twice.
fn match_counted(atoms: &[Atom], value: &str, steps: &mut usize) -> bool {
    // The common case, one counted class (`^[a-f0-9]{24}$`), needs no bookkeeping.
    if let [atom] = atoms {
        let mut count = 0usize;
        for c in value.chars() {
            *steps += 1;
            if !atom.class.matches(c) {
                return false;
            }
            count += 1;
        }
        return atom.min <= count && count <= atom.max;
    }
    let chars: Vec<char> = value.chars().collect();
    let len = chars.len();
    let mut reachable = vec![false; len + 1];
    reachable[0] = true;
    // before[i]: how many of positions 0..i are reachable before this atom.
    let mut before = vec![0usize; len + 2];
    let mut next = vec![false; len + 1];
    for atom in atoms {
        for (i, &r) in reachable.iter().enumerate() {
            *steps += 1;
            before[i + 1] = before[i] + usize::from(r);
        }
        let mut run = 0usize;
        for p in 0..=len {
            *steps += 1;
            if p > 0 {
                run = if atom.class.matches(chars[p - 1]) { run + 1 } else { 0 };
            }
            next[p] = match p.checked_sub(atom.min) {
                // Starts s with p - s in min..=min(max, run): s in lo..=hi.
                Some(hi) if atom.min <= run.min(atom.max) => {
                    let lo = p - run.min(atom.max);
                    before[hi + 1] > before[lo]
                }
                _ => false,
            };
        }
        std::mem::swap(&mut reachable, &mut next);
    }
    reachable[len]
}

fn characters(n: u64) -> &'static str {
    if n == 1 {
        "character"
    } else {
        "characters"
    }
}

/// Checks a number against schema constraints; returns the reason on failure.
///
/// `multiple_of` allows for floating-point rounding (relative tolerance 1e-9).
pub fn check_number(
    value: f64,
    minimum: Option<f64>,
    maximum: Option<f64>,
    exclusive_minimum: bool,
    exclusive_maximum: bool,
    multiple_of: Option<f64>,
) -> Result<(), String> {
    let constrained = minimum.is_some() || maximum.is_some() || multiple_of.is_some();
    if constrained && value.is_nan() {
        return Err("must be a number".to_owned());
    }
    if let Some(min) = minimum {
        if exclusive_minimum && value <= min {
            return Err(format!("must be > {min}"));
        }
        if value < min {
            return Err(format!("must be >= {min}"));
        }
    }
    if let Some(max) = maximum {
        if exclusive_maximum && value >= max {
            return Err(format!("must be < {max}"));
        }
        if value > max {
            return Err(format!("must be <= {max}"));
        }
    }
    // A non-positive multipleOf is invalid in the schema, so it is ignored.
    if let Some(m) = multiple_of.filter(|m| *m > 0.0 && m.is_finite()) {
        let quotient = value / m;
        if !quotient.is_finite()
            || (quotient - quotient.round()).abs() > 1e-9 * quotient.abs().max(1.0)
        {
            return Err(format!("must be a multiple of {m}"));
        }
    }
    Ok(())
}

/// Checks an integer against schema constraints; returns the reason on failure.
pub fn check_integer(
    value: i128,
    minimum: Option<i128>,
    maximum: Option<i128>,
    exclusive_minimum: bool,
    exclusive_maximum: bool,
    multiple_of: Option<i128>,
) -> Result<(), String> {
    if let Some(min) = minimum {
        if exclusive_minimum && value <= min {
            return Err(format!("must be > {min}"));
        }
        if value < min {
            return Err(format!("must be >= {min}"));
        }
    }
    if let Some(max) = maximum {
        if exclusive_maximum && value >= max {
            return Err(format!("must be < {max}"));
        }
        if value > max {
            return Err(format!("must be <= {max}"));
        }
    }
    if let Some(m) = multiple_of.filter(|m| *m != 0) {
        // checked_rem overflows only for i128::MIN % -1, which is a multiple.
        if value.checked_rem(m).unwrap_or(0) != 0 {
            return Err(format!("must be a multiple of {m}"));
        }
    }
    Ok(())
}

/// Checks an array's length and uniqueness (computed by the caller); returns the reason on failure.
pub fn check_items(
    len: usize,
    min_items: Option<u64>,
    max_items: Option<u64>,
    unique: bool,
) -> Result<(), String> {
    let len = len as u64;
    let items = |n: u64| if n == 1 { "item" } else { "items" };
    if let Some(min) = min_items.filter(|&min| len < min) {
        return Err(format!("must have at least {min} {}", items(min)));
    }
    if let Some(max) = max_items.filter(|&max| len > max) {
        return Err(format!("must have at most {max} {}", items(max)));
    }
    if !unique {
        return Err("items must be unique".to_owned());
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Pagination
// ---------------------------------------------------------------------------

/// A boxed stream of items, returned by generated `*_stream()` helpers.
pub type ItemStream<'a, T, E> =
    Pin<Box<dyn futures_core::Stream<Item = Result<T, Error<E>>> + Send + 'a>>;

/// Builds an item stream from a page-fetching closure.
///
/// `fetch(state)` returns a page's items and where the next page starts ([`Next`]).
/// Items are yielded in order; the next page is fetched only once the previous page's
/// items are consumed. The stream ends after the last page, or after yielding the first
/// error. A server whose paging would never end (a cursor it returned before, more pages
/// claimed without a cursor, an offset that does not advance) ends it with
/// [`Error::Paging`] after the items of the page that broke the rule.
pub fn paginate<'a, S, T, E, F, Fut>(initial: S, fetch: F) -> ItemStream<'a, T, E>
where
    S: Send + 'a,
    T: Send + 'a,
    E: Send + 'a,
    F: FnMut(S) -> Fut + Send + 'a,
    Fut: Future<Output = Result<(Vec<T>, Next<S>), Error<E>>> + Send + 'a,
{
    Box::pin(Pages {
        fetch,
        state: PageState::Next(initial),
        items: Vec::new().into_iter(),
        pages: 0,
        cursors: SeenCursors::default(),
    })
}

/// Where the next page starts, as a fetched page tells it. Generated `stream()` helpers
/// build it; [`paginate`] checks it.
pub struct Next<S>(NextPage<S>);

enum NextPage<S> {
    End,
    Cursor { state: S, cursor: String },
    Offset { state: S },
    Broken(PagingProblem),
}

impl<S> Next<S> {
    /// The page was the last one.
    pub fn end() -> Self {
        Next(NextPage::End)
    }

    /// The next page of a cursor walk: none when `has_more` is false, else the page at
    /// `cursor`, fetched with `state(cursor)`. More pages without a (non-empty) cursor
    /// cannot be fetched, and ends the walk with [`PagingProblem::MissingCursor`].
    pub fn cursor(has_more: bool, cursor: Option<String>, state: impl FnOnce(String) -> S) -> Self {
        match cursor {
            _ if !has_more => Next(NextPage::End),
            Some(cursor) if !cursor.is_empty() => Next(NextPage::Cursor {
                state: state(cursor.clone()),
                cursor,
            }),
            _ => Next(NextPage::Broken(PagingProblem::MissingCursor)),
        }
    }

    /// The next page of an offset walk, at `next`, fetched with `state(next)`. An offset
    /// that does not move past `start` (a float too large to grow, an integer at its
    /// maximum) would fetch the same page forever, and ends the walk with
    /// [`PagingProblem::OffsetStalled`].
    pub fn offset<O: PartialOrd>(start: O, next: O, state: impl FnOnce(O) -> S) -> Self {
        if next > start {
            Next(NextPage::Offset { state: state(next) })
        } else {
            Next(NextPage::Broken(PagingProblem::OffsetStalled))
        }
    }
}

/// Why a paging stream stopped early: the server's paging would never end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum PagingProblem {
    /// The server returned a cursor it had returned for an earlier page.
    RepeatedCursor,
    /// The server said there are more pages but returned no cursor for them.
    MissingCursor,
    /// The next offset would not move past the current one.
    OffsetStalled,
}

impl Display for PagingProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            PagingProblem::RepeatedCursor => "the server repeated an earlier cursor",
            PagingProblem::MissingCursor => "the server claimed more pages but sent no cursor",
            PagingProblem::OffsetStalled => "the page offset did not advance",
        })
    }
}

/// Cursors a stream has been given, remembered as 64-bit hashes (a false repeat needs a
/// collision, about one in 10^10 for a million pages). Up to [`SeenCursors::EXACT`] are
/// kept, 8 bytes each; past that, a checkpoint moved at powers of two (Brent's cycle
/// detection) still catches a loop, after at most a few rounds of it, in constant memory.
#[derive(Default)]
struct SeenCursors {
    hasher: RandomState,
    seen: std::collections::HashSet<u64>,
    checkpoint: Option<u64>,
    since_checkpoint: u64,
    /// Steps before the checkpoint moves.
    power: u64,
}

impl SeenCursors {
    const EXACT: usize = 1 << 16;

    /// Records `cursor`; false when it was seen before.
    fn insert(&mut self, cursor: &str) -> bool {
        let mut h = self.hasher.build_hasher();
        h.write(cursor.as_bytes());
        let hash = h.finish();
        if self.seen.contains(&hash) || self.checkpoint == Some(hash) {
            return false;
        }
        if self.seen.len() < Self::EXACT {
            self.seen.insert(hash);
            return true;
        }
        self.since_checkpoint += 1;
        if self.checkpoint.is_none() || self.since_checkpoint >= self.power {
            self.checkpoint = Some(hash);
            self.since_checkpoint = 0;
            self.power = (self.power * 2).max(1);
        }
        true
    }
}

enum PageState<S, Fut, E> {
    /// The next page is known but not requested yet.
    Next(S),
    /// A page request is in flight.
    Fetching(Pin<Box<Fut>>),
    /// The server's paging broke a rule; yielded once the page's items are out.
    Broken(Error<E>),
    /// No more pages, or an error was yielded.
    Done,
}

struct Pages<S, T, E, F, Fut> {
    fetch: F,
    state: PageState<S, Fut, E>,
    /// Items of the current page not yet yielded.
    items: std::vec::IntoIter<T>,
    /// Pages received so far.
    pages: u64,
    cursors: SeenCursors,
}

// The in-flight future is boxed and pinned on its own, and no field is ever
// pinned in place, so moving `Pages` is always fine.
impl<S, T, E, F, Fut> Unpin for Pages<S, T, E, F, Fut> {}

impl<S, T, E, F, Fut> futures_core::Stream for Pages<S, T, E, F, Fut>
where
    F: FnMut(S) -> Fut,
    Fut: Future<Output = Result<(Vec<T>, Next<S>), Error<E>>>,
{
    type Item = Result<T, Error<E>>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if let Some(item) = this.items.next() {
                return Poll::Ready(Some(Ok(item)));
            }
            match std::mem::replace(&mut this.state, PageState::Done) {
                PageState::Next(state) => {
                    this.state = PageState::Fetching(Box::pin((this.fetch)(state)));
                }
                PageState::Fetching(mut page) => match page.as_mut().poll(cx) {
                    Poll::Pending => {
                        this.state = PageState::Fetching(page);
                        return Poll::Pending;
                    }
                    Poll::Ready(Ok((items, Next(next)))) => {
                        this.items = items.into_iter();
                        this.pages += 1;
                        let broken = |reason| {
                            PageState::Broken(Error::Paging {
                                page: this.pages,
                                reason,
                            })
                        };
                        this.state = match next {
                            NextPage::End => PageState::Done,
                            NextPage::Offset { state } => PageState::Next(state),
                            NextPage::Cursor { state, cursor } => {
                                if this.cursors.insert(&cursor) {
                                    PageState::Next(state)
                                } else {
                                    broken(PagingProblem::RepeatedCursor)
                                }
                            }
                            NextPage::Broken(reason) => broken(reason),
                        };
                    }
                    // State stays Done: the error is yielded once, then the stream ends.
                    Poll::Ready(Err(e)) => return Poll::Ready(Some(Err(e))),
                },
                PageState::Broken(e) => return Poll::Ready(Some(Err(e))),
                PageState::Done => return Poll::Ready(None),
            }
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        match self.state {
            PageState::Done => (self.items.len(), Some(self.items.len())),
            _ => (self.items.len(), None),
        }
    }
}

/// A `multipart/form-data` body under construction: text fields, files and JSON parts.
#[derive(Debug)]
pub struct Multipart {
    boundary: String,
    body: Vec<u8>,
}

impl Default for Multipart {
    fn default() -> Self {
        Self::new()
    }
}

impl Multipart {
    /// An empty form with a fresh random boundary.
    pub fn new() -> Self {
        // 128 random bits: the chance that a part contains the boundary is negligible.
        let a = (random_unit() * (1u64 << 53) as f64) as u64;
        let b = (random_unit() * (1u64 << 53) as f64) as u64;
        Multipart {
            boundary: format!("openapi-rs-gen-{a:014x}{b:014x}"),
            body: Vec::new(),
        }
    }

    fn part_head(&mut self, name: &str, filename: Option<&str>, content_type: Option<&str>) {
        let _ = write!(
            ByteWriter(&mut self.body),
            "--{}\r\nContent-Disposition: form-data; name=\"{}\"",
            self.boundary,
            quote_field(name)
        );
        if let Some(filename) = filename {
            let _ = write!(
                ByteWriter(&mut self.body),
                "; filename=\"{}\"",
                quote_field(filename)
            );
        }
        self.body.extend_from_slice(b"\r\n");
        if let Some(ct) = content_type {
            let _ = write!(ByteWriter(&mut self.body), "Content-Type: {ct}\r\n");
        }
        self.body.extend_from_slice(b"\r\n");
    }

    /// Adds a text field.
    pub fn text(&mut self, name: &str, value: impl Display) {
        self.part_head(name, None, None);
        let _ = write!(ByteWriter(&mut self.body), "{value}");
        self.body.extend_from_slice(b"\r\n");
    }

    /// Adds a file part; the file name is the field name.
    pub fn file(&mut self, name: &str, data: &[u8], content_type: &str) {
        self.part_head(name, Some(name), Some(content_type));
        self.body.extend_from_slice(data);
        self.body.extend_from_slice(b"\r\n");
    }

    /// Adds a part holding `value` as JSON.
    pub fn json<T: serde::Serialize + ?Sized>(
        &mut self,
        name: &str,
        value: &T,
    ) -> Result<(), Error<Infallible>> {
        let data = serde_json::to_vec(value).map_err(Error::Serialize)?;
        self.part_head(name, None, Some("application/json"));
        self.body.extend_from_slice(&data);
        self.body.extend_from_slice(b"\r\n");
        Ok(())
    }

    /// The finished body, with the closing boundary.
    fn finish(mut self) -> Vec<u8> {
        let _ = write!(ByteWriter(&mut self.body), "--{}--\r\n", self.boundary);
        self.body
    }
}

/// Escapes a form field or file name for a quoted header parameter.
fn quote_field(name: &str) -> String {
    name.replace('"', "%22").replace(['\r', '\n'], " ")
}

/// `fmt::Write` into a byte buffer.
struct ByteWriter<'a>(&'a mut Vec<u8>);

impl fmt::Write for ByteWriter<'_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.0.extend_from_slice(s.as_bytes());
        Ok(())
    }
}

// ---------------------------------------------------------------------------
// Model support: used by generated models and operations
// ---------------------------------------------------------------------------

/// A value that breaks a constraint of its schema (a pattern, a length, a bound).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidationError {
    type_name: &'static str,
    reason: String,
}

impl ValidationError {
    /// A failure of a value of `type_name` for `reason`.
    pub fn new(type_name: &'static str, reason: impl Into<String>) -> Self {
        ValidationError {
            type_name,
            reason: reason.into(),
        }
    }

    /// The Rust type whose constraint failed.
    pub fn type_name(&self) -> &'static str {
        self.type_name
    }

    /// What is wrong, such as "must match pattern `^[a-f0-9]{24}$`".
    pub fn reason(&self) -> &str {
        &self.reason
    }
}

impl Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid {}: {}", self.type_name, self.reason)
    }
}

impl std::error::Error for ValidationError {}

/// Serializes one variant of a discriminated union, writing the discriminator property
/// with the variant's tag so the tag always agrees with the variant.
pub fn serialize_tagged<T: serde::Serialize + ?Sized, S: serde::Serializer>(
    value: &T,
    property: &str,
    tag: &str,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    let mut json = serde_json::to_value(value).map_err(serde::ser::Error::custom)?;
    if let serde_json::Value::Object(map) = &mut json {
        map.insert(
            property.to_string(),
            serde_json::Value::String(tag.to_string()),
        );
    }
    serde::Serialize::serialize(&json, serializer)
}

/// Decodes one variant of a discriminated union from the already-parsed JSON object.
pub fn deserialize_tagged<T: serde::de::DeserializeOwned, E: serde::de::Error>(
    value: serde_json::Value,
) -> Result<T, E> {
    // Fast path without path tracking; on failure decode again to name the place.
    if let Ok(decoded) = T::deserialize(&value) {
        return Ok(decoded);
    }
    serde_path_to_error::deserialize(&value).map_err(|e| {
        // Carry the path inside the variant out to `decode_json`, which joins it onto the
        // path of the union itself.
        let path = e.path().to_string();
        E::custom(format_args!(
            "{INNER_PATH}{path}{INNER_PATH}{}",
            e.into_inner()
        ))
    })
}

/// Brackets the JSON path inside a union variant in error messages (see
/// [`deserialize_tagged`]); a control character no real message contains.
const INNER_PATH: char = '\u{1f}';

/// Splits a message from [`deserialize_tagged`] into the inner path and the message.
fn split_inner_path(message: &str) -> Option<(&str, &str)> {
    let rest = message.strip_prefix(INNER_PATH)?;
    rest.split_once(INNER_PATH)
}

/// Joins a path inside a value onto the path of the value.
fn join_path(outer: &str, inner: &str) -> String {
    match (outer, inner) {
        ("", inner) | (".", inner) => inner.to_string(),
        (outer, "") | (outer, ".") => outer.to_string(),
        (outer, inner) if inner.starts_with('[') => format!("{outer}{inner}"),
        (outer, inner) => format!("{outer}.{inner}"),
    }
}

/// Flattens a value into `application/x-www-form-urlencoded` pairs: scalars as text, arrays
/// as repeated keys, nested objects as JSON text, nulls left out.
pub fn form_pairs<T: serde::Serialize + ?Sized>(
    value: &T,
) -> Result<Vec<(String, String)>, Error<Infallible>> {
    let json = serde_json::to_value(value).map_err(Error::Serialize)?;
    let serde_json::Value::Object(map) = json else {
        return Err(Error::Serialize(serde::ser::Error::custom(
            "a form body must be an object",
        )));
    };
    let mut pairs = Vec::with_capacity(map.len());
    for (key, value) in map {
        match value {
            serde_json::Value::Null => {}
            serde_json::Value::Array(items) => {
                for item in items {
                    pairs.push((key.clone(), form_text(item)));
                }
            }
            other => pairs.push((key, form_text(other))),
        }
    }
    Ok(pairs)
}

fn form_text(value: serde_json::Value) -> String {
    match value {
        serde_json::Value::String(s) => s,
        other => other.to_string(),
    }
}

/// Joins values with commas, the `simple` style of headers and cookies.
pub fn join_comma<T: Display>(values: &[T]) -> String {
    let mut out = String::new();
    for (i, v) in values.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let _ = write!(out, "{v}");
    }
    out
}

impl Response {
    /// The body bytes, without copying them.
    pub fn into_bytes(self) -> Vec<u8> {
        self.body
    }
}

// ---------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn simple_patterns_agree_with_regex_lite() {
        let patterns = [
            "^[a-f0-9]{24}$",
            "^[a-zA-Z0-9][a-zA-Z0-9 ._-]+$",
            "^[a-zA-Z0-9][a-zA-Z0-9 .:;=@_-]+$",
            "^0x[a-f0-9]+$",
            "^[a-zA-Z0-9_+=,.@:\\/-]+$",
            "^arn:aws:iam::[0-9]{12}:role/.+$",
            "^\\d{3}-\\d{2,4}$",
            "^a?b*c{2,}$",
            "^[^/]+$",
            "^[\\w.-]{1,8}x$",
            "^.*a.*$",
            "^$",
        ];
        let inputs = [
            "",
            "a",
            "ab",
            "abc",
            "50000000abcdef1234566789",
            "50000000abcdef123456678",
            "5000000Aabcdef1234566789",
            "my task.v2",
            " leading",
            "x",
            "0x",
            "0xabc",
            "0xABC",
            "arn:aws:iam::123456789012:role/r",
            "arn:aws:iam::12:role/r",
            "123-45",
            "123-4567",
            "123-45678",
            "bcc",
            "abcc",
            "acc",
            "abbbccc",
            "a/b",
            "ab_c.x",
            "abcdefghix",
            "aaa",
            "ba",
            "größe",
            "tab\tx",
            "new\nline",
            "x-y_z+1=2,3.4@5:6/7",
        ];
        for source in patterns {
            let pattern = Pattern::new(source);
            assert!(
                matches!(pattern, Pattern::Simple(_)),
                "{source} should use the simple matcher"
            );
            let regex = regex_lite::Regex::new(source).unwrap();
            for input in inputs {
                assert_eq!(
                    !pattern.rejects(input),
                    regex.is_match(input),
                    "pattern {source} on {input:?}"
                );
            }
        }
        for unsupported in ["^(a|b)$", "abc", "^a+?$", "^\\bx$", "^[a-z]{2}|x$"] {
            assert!(
                !matches!(Pattern::new(unsupported), Pattern::Simple(_)),
                "{unsupported}"
            );
        }
        // Unanchored patterns match anywhere, as in JSON Schema.
        assert!(!Pattern::new("b+").rejects("abba"));
    }

    /// Random simple patterns and values, over a small alphabet so that matches and near
    /// misses are both common, agree with `regex_lite`.
    #[test]
    fn random_simple_patterns_agree_with_regex_lite() {
        let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
        let mut next = move |n: usize| {
            // xorshift64: deterministic, so a failure reproduces.
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        let classes = ["a", "b", "[ab]", "[^a]", ".", "\\d", "[a-c0-9]"];
        let quantifiers = ["", "*", "+", "?", "{2}", "{0,3}", "{1,}", "{2,4}"];
        let letters = ['a', 'b', 'c', '0', '7', '-'];
        let mut checked = 0;
        for _ in 0..400 {
            let mut source = String::from("^");
            for _ in 0..1 + next(5) {
                source.push_str(classes[next(classes.len())]);
                source.push_str(quantifiers[next(quantifiers.len())]);
            }
            source.push('$');
            let pattern = Pattern::new(&source);
            assert!(matches!(pattern, Pattern::Simple(_)), "{source}");
            let regex = regex_lite::Regex::new(&source).unwrap();
            for _ in 0..40 {
                let value: String = (0..next(9)).map(|_| letters[next(letters.len())]).collect();
                assert_eq!(
                    !pattern.rejects(&value),
                    regex.is_match(&value),
                    "pattern {source} on {value:?}"
                );
                checked += 1;
            }
        }
        assert_eq!(checked, 16_000);
    }

    /// The simple matcher does a bounded amount of work per character and atom, however
    /// the value is built: counted in steps, not timed (`cargo xtask bench` times it).
    #[test]
    fn simple_matcher_is_linear_in_the_value() {
        let len = 100_000;
        let letters = "a".repeat(len);
        let cases = [
            // Every split of the run between the atoms is a candidate, then the end fails.
            ("^[a-z]+[a-z]+[a-z]+0$", letters.clone(), false),
            ("^a*a*a*a*a*b$", letters.clone(), false),
            ("^.*a.*a.*a$", letters.clone(), true),
            ("^[a-z]{1,60000}[a-z]*[a-z]{2}$", letters.clone(), true),
            ("^\\w+\\d+$", format!("{letters}7"), true),
            ("^[a-z]+[a-z]+[a-z]+0$", format!("{letters}0"), true),
        ];
        for (source, value, expected) in cases {
            let Pattern::Simple(atoms) = Pattern::new(source) else {
                panic!("{source} should use the simple matcher");
            };
            let mut steps = 0;
            assert_eq!(match_counted(&atoms, &value, &mut steps), expected, "{source}");
            let chars = value.chars().count();
            let bound = 2 * atoms.len() * (chars + 1);
            assert!(
                steps <= bound,
                "{source}: {steps} steps for {chars} characters, more than {bound}"
            );
            // The general engine agrees on the long value too.
            let regex = regex_lite::Regex::new(source).unwrap();
            assert_eq!(regex.is_match(&value), expected, "{source} (regex_lite)");
        }
    }

    #[test]
    fn object_query_parameters() {
        let filter = serde_json::json!({"color": "red", "size": {"min": 1}, "tags": ["a", "b"], "gone": null});
        let mut r = Request::new(Method::GET, "/x".into());
        r.query_object("filter", &filter, ObjectStyle::DeepObject)
            .unwrap();
        assert_eq!(r.query, "filter%5Bcolor%5D=red&filter%5Bsize%5D%5Bmin%5D=1&filter%5Btags%5D=a&filter%5Btags%5D=b");
        let flat = serde_json::json!({"color": "red", "n": 2});
        let mut r = Request::new(Method::GET, "/x".into());
        r.query_object("filter", &flat, ObjectStyle::FormExploded)
            .unwrap();
        assert_eq!(r.query, "color=red&n=2");
        let mut r = Request::new(Method::GET, "/x".into());
        r.query_object("filter", &flat, ObjectStyle::Form).unwrap();
        assert_eq!(r.query, "filter=color,red,n,2");
        assert!(Request::new(Method::GET, "/x".into())
            .query_object("f", &5, ObjectStyle::Form)
            .is_err());
    }

    #[test]
    fn declared_headers_parse() {
        let mut r = response(200, b"");
        r.headers
            .insert("x-rate-limit", HeaderValue::from_static(" 42 "));
        r.headers.insert("x-bad", HeaderValue::from_static("many"));
        assert_eq!(r.header_value::<u32, ()>("x-rate-limit").unwrap(), Some(42));
        assert_eq!(r.header_value::<u32, ()>("x-missing").unwrap(), None);
        match r.header_value::<u32, ()>("x-bad").unwrap_err() {
            Error::Decode { path, .. } => assert_eq!(path, "header:x-bad"),
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn multipart_bodies_are_framed() {
        let mut form = Multipart::new();
        let boundary = form.boundary.clone();
        form.text("name", "a \"b\"");
        form.file("file", &[0, 159, 146, 150], "application/octet-stream");
        form.json("meta", &serde_json::json!({"k": 1})).unwrap();
        let body = form.finish();
        let mut expected = Vec::new();
        expected.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\na \"b\"\r\n"
            )
            .as_bytes(),
        );
        expected.extend_from_slice(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"file\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes());
        expected.extend_from_slice(&[0, 159, 146, 150]);
        expected.extend_from_slice(format!("\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"meta\"\r\nContent-Type: application/json\r\n\r\n{{\"k\":1}}\r\n--{boundary}--\r\n").as_bytes());
        assert_eq!(body, expected);
        assert_ne!(Multipart::new().boundary, boundary);
    }

    #[test]
    fn decode_error_path_reaches_inside_union_variants() {
        #[derive(Debug)]
        struct Inner;
        impl<'de> serde::Deserialize<'de> for Inner {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let value = serde_json::Value::deserialize(d)?;
                #[derive(serde::Deserialize)]
                #[allow(dead_code)]
                struct Variant {
                    score: f64,
                }
                deserialize_tagged::<Variant, D::Error>(value).map(|_| Inner)
            }
        }
        let body = br#"[{"score": 1}, {"score": "high"}]"#;
        match response(200, body).json::<Vec<Inner>, ()>().unwrap_err() {
            Error::Decode { path, source, .. } => {
                assert_eq!(path, "[1].score");
                assert!(source.to_string().contains("invalid type"), "{source}");
            }
            other => panic!("unexpected {other:?}"),
        }
        assert_eq!(join_path("data[3]", "x"), "data[3].x");
        assert_eq!(join_path("data", "[0]"), "data[0]");
        assert_eq!(join_path(".", "a"), "a");
    }

    #[test]
    fn model_support_helpers() {
        let e = ValidationError::new("MongoObjectId", "must match pattern `x`");
        assert_eq!(
            e.to_string(),
            "invalid MongoObjectId: must match pattern `x`"
        );
        assert_eq!(join_comma(&[1, 2, 3]), "1,2,3");
        let pairs = form_pairs(
            &serde_json::json!({"a": "x y", "b": 2, "c": [true, false], "d": null, "e": {"f": 1}}),
        )
        .unwrap();
        assert_eq!(
            pairs,
            vec![
                ("a".to_string(), "x y".to_string()),
                ("b".to_string(), "2".to_string()),
                ("c".to_string(), "true".to_string()),
                ("c".to_string(), "false".to_string()),
                ("e".to_string(), "{\"f\":1}".to_string()),
            ]
        );
        assert!(form_pairs(&5).is_err());
        let tagged =
            serde_json::to_value(Tagged(serde_json::json!({"type": "wrong", "x": 1}))).unwrap();
        assert_eq!(tagged, serde_json::json!({"type": "S3", "x": 1}));
    }

    struct Tagged(serde_json::Value);
    impl serde::Serialize for Tagged {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            serialize_tagged(&self.0, "type", "S3", s)
        }
    }
    use std::sync::Mutex;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::TcpListener;

    // ----- path and query encoding -----

    #[test]
    fn path_segments_cannot_change_the_path() {
        assert_eq!(encode_path_segment("a/b"), "a%2Fb");
        assert_eq!(encode_path_segment("a?b#c"), "a%3Fb%23c");
        assert_eq!(encode_path_segment("100% sure"), "100%25%20sure");
        assert_eq!(encode_path_segment("."), "%2E");
        assert_eq!(encode_path_segment(".."), "%2E%2E");
        assert_eq!(encode_path_segment("..."), "...");
        assert_eq!(encode_path_segment("a.b-c_d~e"), "a.b-c_d~e");
        assert_eq!(encode_path_segment("é☃"), "%C3%A9%E2%98%83");
    }

    #[test]
    fn dot_segments_are_detected() {
        assert!(has_dot_segment("/a/%2E%2E/b"));
        assert!(has_dot_segment("/a/%2e"));
        assert!(has_dot_segment("/a/.%2E/b"));
        assert!(!has_dot_segment("/a/.../b"));
        assert!(!has_dot_segment("/a/%2E%2Ex"));
    }

    #[test]
    fn query_values_are_encoded_as_components() {
        let mut r = Request::new(Method::GET, "/x".into());
        r.query("q", "a b&c=d/é");
        r.query_opt("skip", None::<&u32>);
        r.query_opt("limit", Some(&10));
        r.query_array("ids", &["1", "2,3"], false);
        r.query_array("tag", &["x", "y"], true);
        r.query_array("none", &[] as &[u8], false);
        assert_eq!(
            r.query,
            "q=a%20b%26c%3Dd%2F%C3%A9&limit=10&ids=1,2%2C3&tag=x&tag=y"
        );
    }

    #[test]
    fn invalid_header_is_reported_before_sending() {
        let mut r = Request::new(Method::GET, "/x".into());
        r.header("X-Trace", "ok");
        r.header("X-Bad", "line\nbreak");
        r.header("Bad Name", "x");
        assert_eq!(r.invalid.as_ref().map(|(n, _)| *n), Some("X-Bad"));
    }

    #[test]
    fn form_body_is_encoded() {
        let mut r = Request::new(Method::POST, "/x".into());
        r.form_body(vec![("a b".into(), "c&d".into()), ("e".into(), "=".into())]);
        assert_eq!(r.body.as_deref(), Some(&b"a%20b=c%26d&e=%3D"[..]));
        assert_eq!(
            r.headers[header::CONTENT_TYPE],
            "application/x-www-form-urlencoded"
        );
    }

    // ----- retries -----

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

    // ----- secrets and redaction -----

    const SCHEMES: &[SecurityScheme] = &[
        SecurityScheme {
            name: "ApiKeyAuth",
            kind: SchemeKind::ApiKeyQuery("token"),
        },
        SecurityScheme {
            name: "auth0Bearer",
            kind: SchemeKind::HttpBearer,
        },
        SecurityScheme {
            name: "HeaderKey",
            kind: SchemeKind::ApiKeyHeader("X-Api-Key"),
        },
        SecurityScheme {
            name: "CookieKey",
            kind: SchemeKind::ApiKeyCookie("session"),
        },
        SecurityScheme {
            name: "Basic",
            kind: SchemeKind::HttpBasic,
        },
    ];

    #[test]
    fn secrets_never_show_in_debug() {
        let s = Secret::new("hunter2");
        assert_eq!(format!("{s:?}"), "Secret(***)");
        assert_eq!(s.to_string(), "***");
        assert_eq!(s.expose(), "hunter2");

        let builder = ClientBuilder::new("https://user:pw@example.com/api?x=1", SCHEMES)
            .credential("ApiKeyAuth", "hunter2")
            .basic_credential("Basic", "alice", "hunter3");
        let debug = format!("{builder:?}");
        assert!(
            !debug.contains("hunter") && !debug.contains("pw"),
            "{debug}"
        );
        assert!(
            debug.contains("ApiKeyAuth") && debug.contains("Basic"),
            "{debug}"
        );

        let client = ClientBuilder::new("https://example.com/api/", SCHEMES)
            .credential("ApiKeyAuth", "hunter2")
            .credential("auth0Bearer", "hunter4")
            .build()
            .unwrap();
        let debug = format!("{client:?}");
        assert!(!debug.contains("hunter"), "{debug}");
        assert!(
            debug.contains("ApiKeyAuth") && debug.contains("auth0Bearer"),
            "{debug}"
        );
        assert_eq!(client.base_url().as_str(), "https://example.com/api/");
    }

    #[test]
    fn build_errors_name_the_problem() {
        let err = ClientBuilder::new("not a url", SCHEMES)
            .build()
            .unwrap_err();
        assert!(
            err.to_string().starts_with("invalid base URL `not a url`"),
            "{err}"
        );
        let err = ClientBuilder::new("ftp://h", SCHEMES).build().unwrap_err();
        assert!(matches!(err, BuildError::InvalidBaseUrl { .. }));
        let err = ClientBuilder::new("https://u:secret@h", SCHEMES)
            .build()
            .unwrap_err();
        assert!(!err.to_string().contains("secret"), "{err}");
        let err = ClientBuilder::new("https://h", SCHEMES)
            .credential("Nope", "x")
            .build()
            .unwrap_err();
        assert!(err.to_string().contains("`Nope`") && err.to_string().contains("ApiKeyAuth"));
        let err = ClientBuilder::new("https://h", SCHEMES)
            .credential("Basic", "x")
            .build()
            .unwrap_err();
        assert!(matches!(
            err,
            BuildError::WrongCredentialKind {
                scheme: "Basic",
                ..
            }
        ));
        let err = ClientBuilder::new("https://h", SCHEMES)
            .credential("auth0Bearer", "bad\ntoken")
            .build()
            .unwrap_err();
        assert!(!err.to_string().contains("token"), "{err}");
    }

    #[test]
    fn cookie_credentials_must_be_cookie_safe() {
        for bad in ["a;b", "a b", "a\"b", "é"] {
            let err = ClientBuilder::new("https://h", SCHEMES)
                .credential("CookieKey", bad)
                .build()
                .unwrap_err();
            assert!(matches!(
                err,
                BuildError::InvalidCredential {
                    scheme: "CookieKey",
                    ..
                }
            ));
        }
    }

    #[test]
    fn basic_credentials_are_base64() {
        assert_eq!(
            base64_encode(b"Aladdin:open sesame"),
            "QWxhZGRpbjpvcGVuIHNlc2FtZQ=="
        );
        assert_eq!(base64_encode(b"ab"), "YWI=");
        assert_eq!(base64_encode(b""), "");
    }

    // ----- security selection -----

    fn client_with(creds: &[(&'static str, &str)]) -> Client {
        let mut b = ClientBuilder::new("https://example.com", SCHEMES);
        for (scheme, secret) in creds {
            b = b.credential(scheme, *secret);
        }
        b.build().unwrap()
    }

    fn apply(
        client: &Client,
        req: &'static [&'static [&'static str]],
    ) -> Result<(String, HeaderMap), Error<Infallible>> {
        let mut query = String::from("a=1");
        let mut headers = HeaderMap::new();
        client.apply_security(req, &mut query, &mut headers)?;
        Ok((query, headers))
    }

    #[test]
    fn first_configured_alternative_is_used() {
        let both: &[&[&str]] = &[&["ApiKeyAuth"], &["auth0Bearer"]];
        let client = client_with(&[("auth0Bearer", "tok")]);
        let (q, h) = apply(&client, both).unwrap();
        assert_eq!(q, "a=1");
        assert_eq!(h[header::AUTHORIZATION], "Bearer tok");
        assert!(h[header::AUTHORIZATION].is_sensitive());

        let client = client_with(&[("auth0Bearer", "tok"), ("ApiKeyAuth", "k/1")]);
        let (q, h) = apply(&client, both).unwrap();
        assert_eq!(q, "a=1&token=k%2F1");
        assert!(h.is_empty());

        // All schemes of an alternative are needed together.
        let pair: &[&[&str]] = &[&["HeaderKey", "CookieKey"]];
        let client = client_with(&[("HeaderKey", "hk"), ("CookieKey", "ck")]);
        let (_, h) = apply(&client, pair).unwrap();
        assert_eq!(h["x-api-key"], "hk");
        assert_eq!(h[header::COOKIE], "session=ck");
        let client = client_with(&[("HeaderKey", "hk")]);
        assert!(matches!(
            apply(&client, pair),
            Err(Error::MissingCredentials { .. })
        ));
    }

    #[test]
    fn optional_and_missing_credentials() {
        let none = client_with(&[]);
        assert!(apply(&none, &[]).is_ok());
        let optional: &[&[&str]] = &[&[], &["ApiKeyAuth"]];
        assert_eq!(apply(&none, optional).unwrap().0, "a=1");
        // Configured credentials are still sent when auth is optional.
        let with_key = client_with(&[("ApiKeyAuth", "k")]);
        assert_eq!(apply(&with_key, optional).unwrap().0, "a=1&token=k");

        let req: &[&[&str]] = &[&["ApiKeyAuth"], &["auth0Bearer", "ApiKeyAuth"]];
        let err = apply(&none, req).unwrap_err();
        assert_eq!(
            err.to_string(),
            "no credentials configured for any accepted security scheme: ApiKeyAuth, auth0Bearer"
        );
        match err {
            Error::MissingCredentials { accepted } => {
                assert_eq!(accepted, ["ApiKeyAuth", "auth0Bearer"])
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    // ----- validation helpers -----

    static HEX_ID: OnceLock<Pattern> = OnceLock::new();
    static UNSUPPORTED: OnceLock<Pattern> = OnceLock::new();

    #[test]
    fn check_string_constraints() {
        let hex = Some((&HEX_ID, "^[a-f0-9]{24}$"));
        assert_eq!(
            check_string("5f1d7a3b9c0e2f4a6b8d1c3e", None, None, hex),
            Ok(())
        );
        assert_eq!(
            check_string("xyz", None, None, hex),
            Err("must match pattern `^[a-f0-9]{24}$`".to_owned())
        );
        assert_eq!(
            check_string("ab", Some(3), None, None),
            Err("must be at least 3 characters long".to_owned())
        );
        assert_eq!(
            check_string("", Some(1), None, None),
            Err("must be at least 1 character long".to_owned())
        );
        // Lengths count characters, not bytes.
        assert_eq!(check_string("ééé", Some(3), Some(3), None), Ok(()));
        assert_eq!(
            check_string("éééé", None, Some(3), None),
            Err("must be at most 3 characters long".to_owned())
        );
        // Lookahead is not supported by the engine: the check is skipped.
        assert_eq!(
            check_string("x", None, None, Some((&UNSUPPORTED, "^(?=a)"))),
            Ok(())
        );
    }

    #[test]
    fn check_number_constraints() {
        assert_eq!(
            check_number(-1.0, Some(0.0), None, false, false, None),
            Err("must be >= 0".into())
        );
        assert_eq!(
            check_number(0.0, Some(0.0), None, true, false, None),
            Err("must be > 0".into())
        );
        assert_eq!(
            check_number(0.0, Some(0.0), None, false, false, None),
            Ok(())
        );
        assert_eq!(
            check_number(2.5, None, Some(2.5), false, true, None),
            Err("must be < 2.5".into())
        );
        assert_eq!(
            check_number(3.0, None, Some(2.5), false, false, None),
            Err("must be <= 2.5".into())
        );
        assert_eq!(
            check_number(0.3, None, None, false, false, Some(0.1)),
            Ok(())
        );
        assert_eq!(
            check_number(0.35, None, None, false, false, Some(0.1)),
            Err("must be a multiple of 0.1".into())
        );
        assert!(check_number(f64::NAN, Some(0.0), None, false, false, None).is_err());
        assert_eq!(
            check_number(f64::NAN, None, None, false, false, None),
            Ok(())
        );
    }

    #[test]
    fn check_integer_and_items_constraints() {
        assert_eq!(
            check_integer(-1, Some(0), None, false, false, None),
            Err("must be >= 0".into())
        );
        assert_eq!(
            check_integer(10, None, Some(10), false, true, None),
            Err("must be < 10".into())
        );
        assert_eq!(
            check_integer(10, Some(0), Some(10), false, false, Some(5)),
            Ok(())
        );
        assert_eq!(
            check_integer(7, None, None, false, false, Some(5)),
            Err("must be a multiple of 5".into())
        );
        assert_eq!(
            check_integer(i128::MIN, None, None, false, false, Some(-1)),
            Ok(())
        );
        assert_eq!(
            check_items(0, Some(1), None, true),
            Err("must have at least 1 item".into())
        );
        assert_eq!(
            check_items(3, None, Some(2), true),
            Err("must have at most 2 items".into())
        );
        assert_eq!(
            check_items(2, Some(1), Some(2), false),
            Err("items must be unique".into())
        );
        assert_eq!(check_items(2, Some(1), Some(2), true), Ok(()));
    }

    // ----- responses and errors -----

    fn response(status: u16, body: &[u8]) -> Response {
        Response {
            status: StatusCode::from_u16(status).unwrap(),
            headers: HeaderMap::new(),
            body: body.to_vec(),
            url: Url::parse("https://example.com/api/items").unwrap(),
        }
    }

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Item {
        id: u64,
    }

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Page {
        data: Vec<Item>,
    }

    #[test]
    fn text_lines_skip_empty_lines() {
        let lines = response(200, b"a\r\nb\n\n c \r\n\r\n")
            .text_lines::<()>()
            .unwrap();
        assert_eq!(lines, ["a", "b", " c "]);
        assert!(matches!(
            response(200, b"\xff\xfe").text::<()>(),
            Err(Error::Decode { .. })
        ));
        assert_eq!(response(200, b" 42\n").parse_text::<u32, ()>().unwrap(), 42);
        assert!(response(200, b"x").parse_text::<u32, ()>().is_err());
    }

    #[test]
    fn decode_error_names_the_path() {
        let body = br#"{"data":[{"id":1},{"id":2},{"id":3},{"id":"four"}]}"#;
        let err = response(200, body).json::<Page, ()>().unwrap_err();
        assert_eq!(
            err.to_string(),
            "failed to decode response body at `data[3].id`"
        );
        assert_eq!(err.status(), Some(StatusCode::OK));
        let source = std::error::Error::source(&err).unwrap().to_string();
        assert!(source.contains("invalid type"), "{source}");
        match err {
            Error::Decode { path, snippet, .. } => {
                assert_eq!(path, "data[3].id");
                assert_eq!(snippet.as_bytes(), body);
            }
            other => panic!("unexpected {other:?}"),
        }
        let err = response(200, b"{\"data\":[]} trailing")
            .json::<Page, ()>()
            .unwrap_err();
        assert_eq!(err.to_string(), "failed to decode response body");
    }

    #[test]
    fn snippets_are_bounded_on_char_boundaries() {
        let long = "é".repeat(1000);
        let s = snippet(long.as_bytes());
        assert!(s.len() <= MAX_SNIPPET && s.ends_with('…'), "{}", s.len());
        let binary = vec![0xffu8; 2000];
        assert!(snippet(&binary).len() <= MAX_SNIPPET);
        let binary = vec![0xffu8; 400];
        assert!(snippet(&binary).len() <= MAX_SNIPPET);
        assert_eq!(snippet(b"short"), "short");
        let err = response(500, long.as_bytes()).unexpected::<()>();
        match err {
            Error::UnexpectedStatus { snippet, .. } => assert!(snippet.len() <= MAX_SNIPPET),
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn api_errors_decode_the_typed_body() {
        #[derive(Debug, serde::Deserialize, PartialEq)]
        struct ApiProblem {
            message: String,
        }
        let err = response(404, br#"{"message":"gone"}"#).api_error::<ApiProblem>();
        assert_eq!(err.to_string(), "api error: 404 Not Found");
        assert_eq!(
            err.into_api_body(),
            Some(ApiProblem {
                message: "gone".into()
            })
        );
        let err = response(404, b"<html>").api_error::<ApiProblem>();
        assert!(matches!(err, Error::Decode { .. }));
        let err = response(409, b"").api_error_empty();
        assert!(matches!(err, Error::Api { body: (), .. }));
        assert!(!err.is_retryable());
    }

    #[test]
    fn redirect_location_resolves_without_query() {
        let mut r = response(307, b"");
        r.headers
            .insert(header::LOCATION, HeaderValue::from_static("other#frag"));
        assert_eq!(
            r.redirect_location::<()>().unwrap().as_str(),
            "https://example.com/api/other#frag"
        );
        let err = response(307, b"").redirect_location::<()>().unwrap_err();
        assert_eq!(
            err.to_string(),
            "failed to decode response header `Location`"
        );
    }

    #[test]
    fn display_strings_are_short_and_lowercase() {
        let reqwest_err = reqwest::Client::new()
            .get("http://[bad")
            .build()
            .unwrap_err();
        let json_err = serde_json::from_str::<u8>("x").unwrap_err();
        let errors: Vec<Error<()>> = vec![
            Error::Api {
                status: StatusCode::NOT_FOUND,
                headers: HeaderMap::new(),
                body: (),
            },
            Error::UnexpectedStatus {
                status: StatusCode::INTERNAL_SERVER_ERROR,
                headers: HeaderMap::new(),
                snippet: "boom".into(),
            },
            Error::UnexpectedStatus {
                status: StatusCode::from_u16(599).unwrap(),
                headers: HeaderMap::new(),
                snippet: String::new(),
            },
            Error::Timeout(reqwest_err),
            Error::InvalidArgument {
                name: "dataset_id",
                reason: "must be at least 3 characters long".into(),
            },
            Error::MissingCredentials {
                accepted: vec!["ApiKeyAuth"],
            },
            Error::Serialize(json_err),
            Error::Decode {
                status: StatusCode::OK,
                path: "data[3].id".into(),
                snippet: String::new(),
                source: Box::new(Message("x".into())),
            },
            Error::BodyTooLarge {
                status: StatusCode::OK,
                limit: 1024,
            },
        ];
        let expected = [
            "api error: 404 Not Found",
            "unexpected status 500 Internal Server Error",
            "unexpected status 599",
            "request timed out",
            "invalid argument `dataset_id`: must be at least 3 characters long",
            "no credentials configured for any accepted security scheme: ApiKeyAuth",
            "failed to serialize request body",
            "failed to decode response body at `data[3].id`",
            "response body is longer than the limit of 1024 bytes (status 200 OK)",
        ];
        for (err, want) in errors.iter().zip(expected) {
            let text = err.to_string();
            assert_eq!(text, want);
            assert!(text.starts_with(|c: char| c.is_lowercase()), "{text}");
            assert!(!text.ends_with('.'), "{text}");
        }
        assert!(!errors[1].is_retryable() && errors[3].is_retryable());
        assert!(!errors[8].is_retryable());
        assert_eq!(errors[8].status(), Some(StatusCode::OK));
        assert!(std::error::Error::source(&errors[6]).is_some());
        // into_typed keeps the variant.
        let e: Error<Infallible> = Error::InvalidArgument {
            name: "x",
            reason: "y".into(),
        };
        assert!(matches!(
            e.into_typed::<u8>(),
            Error::InvalidArgument { name: "x", .. }
        ));
    }

    // ----- pagination -----

    async fn next<S: futures_core::Stream + Unpin + ?Sized>(s: &mut S) -> Option<S::Item> {
        std::future::poll_fn(|cx| Pin::new(&mut *s).poll_next(cx)).await
    }

    #[tokio::test]
    async fn paginate_walks_pages_lazily() {
        let fetches = Arc::new(AtomicU64::new(0));
        let counter = fetches.clone();
        let mut stream = paginate(0u32, move |page| {
            counter.fetch_add(1, Ordering::SeqCst);
            async move {
                let next = if page < 2 {
                    Next::offset(page, page + 1, |p| p)
                } else {
                    Next::end()
                };
                Ok::<_, Error<()>>((vec![page * 10, page * 10 + 1], next))
            }
        });
        assert_eq!(fetches.load(Ordering::SeqCst), 0);
        assert_eq!(next(&mut stream).await.unwrap().unwrap(), 0);
        assert_eq!(next(&mut stream).await.unwrap().unwrap(), 1);
        assert_eq!(fetches.load(Ordering::SeqCst), 1);
        let mut rest = Vec::new();
        while let Some(item) = next(&mut stream).await {
            rest.push(item.unwrap());
        }
        assert_eq!(rest, [10, 11, 20, 21]);
        assert_eq!(fetches.load(Ordering::SeqCst), 3);
    }

    #[tokio::test]
    async fn paginate_stops_after_the_first_error() {
        let fetches = Arc::new(AtomicU64::new(0));
        let counter = fetches.clone();
        let mut stream = paginate(0u32, move |page| {
            counter.fetch_add(1, Ordering::SeqCst);
            async move {
                if page == 0 {
                    Ok((vec!["a", "b"], Next::offset(0, 1, |p| p)))
                } else {
                    Err(Error::<()>::MissingCredentials { accepted: vec![] })
                }
            }
        });
        assert_eq!(next(&mut stream).await.unwrap().unwrap(), "a");
        assert_eq!(next(&mut stream).await.unwrap().unwrap(), "b");
        assert!(next(&mut stream).await.unwrap().is_err());
        assert!(next(&mut stream).await.is_none());
        assert!(next(&mut stream).await.is_none());
        assert_eq!(fetches.load(Ordering::SeqCst), 2);
    }

    /// Drains a stream: its items, and the error that ended it, if any.
    async fn drain<T>(stream: &mut ItemStream<'_, T, ()>) -> (Vec<T>, Option<Error<()>>) {
        let mut items = Vec::new();
        while let Some(item) = next(stream).await {
            match item {
                Ok(item) => items.push(item),
                Err(e) => {
                    assert!(next(stream).await.is_none(), "the stream ends after an error");
                    return (items, Some(e));
                }
            }
        }
        (items, None)
    }

    /// A cursor walk over canned pages: `pages[i]` is (items, has_more, next cursor), and
    /// the cursor names the page it leads to.
    fn cursor_walk(
        pages: Vec<(Vec<u32>, bool, Option<&'static str>)>,
    ) -> ItemStream<'static, u32, ()> {
        let pages = Arc::new(pages);
        paginate(0usize, move |at| {
            let pages = pages.clone();
            async move {
                let (items, has_more, cursor) = pages[at].clone();
                let next = Next::cursor(has_more, cursor.map(str::to_owned), |c| {
                    c.trim_start_matches('p').parse().unwrap()
                });
                Ok((items, next))
            }
        })
    }

    #[tokio::test]
    async fn a_repeated_cursor_ends_the_stream() {
        // Page 0 leads to p1, p1 to p2, p2 back to p1: A, B, A.
        let mut stream = cursor_walk(vec![
            (vec![1], true, Some("p1")),
            (vec![2], true, Some("p2")),
            (vec![3], true, Some("p1")),
        ]);
        let (items, err) = drain(&mut stream).await;
        assert_eq!(items, [1, 2, 3]);
        let err = err.expect("a repeated cursor is an error");
        assert!(matches!(
            err,
            Error::Paging {
                page: 3,
                reason: PagingProblem::RepeatedCursor
            }
        ));
        assert_eq!(
            err.to_string(),
            "paging stopped after page 3: the server repeated an earlier cursor"
        );
        assert!(!err.is_retryable() && err.status().is_none());

        // A cursor naming the page it came from is a repeat at once.
        let mut stream = cursor_walk(vec![(vec![1], true, Some("p1")), (vec![2], true, Some("p1"))]);
        let (items, err) = drain(&mut stream).await;
        assert_eq!(items, [1, 2]);
        assert!(matches!(err, Some(Error::Paging { page: 2, .. })));
    }

    #[tokio::test]
    async fn more_pages_without_a_cursor_end_the_stream() {
        for cursor in [None, Some("")] {
            let mut stream = cursor_walk(vec![(vec![1], true, Some("p1")), (vec![2], true, cursor)]);
            let (items, err) = drain(&mut stream).await;
            assert_eq!(items, [1, 2]);
            assert!(matches!(
                err,
                Some(Error::Paging {
                    page: 2,
                    reason: PagingProblem::MissingCursor
                })
            ));
        }
        // Without more pages, a missing cursor is the normal end.
        let mut stream = cursor_walk(vec![(vec![1], true, Some("p1")), (vec![2], false, None)]);
        assert_eq!(drain(&mut stream).await.0, [1, 2]);
    }

    #[tokio::test]
    async fn a_stalled_offset_ends_the_stream() {
        // 2^53 + 1 is not an f64: adding one page to the offset leaves it where it was.
        let start = 9_007_199_254_740_992.0_f64;
        let mut stream = paginate(start, |offset| async move {
            let next = Next::offset(offset, offset + 1.0, |o| o);
            Ok((vec![offset], next))
        });
        let (items, err) = drain(&mut stream).await;
        assert_eq!(items, [start]);
        assert!(matches!(
            err,
            Some(Error::Paging {
                page: 1,
                reason: PagingProblem::OffsetStalled
            })
        ));
        // An integer offset saturates at its maximum, then stalls.
        let mut stream = paginate(i32::MAX - 3, |offset| async move {
            let next = Next::offset(offset, offset.saturating_add(2), |o| o);
            Ok((vec![offset], next))
        });
        let (items, err) = drain(&mut stream).await;
        assert_eq!(items, [i32::MAX - 3, i32::MAX - 1, i32::MAX]);
        assert!(matches!(err, Some(Error::Paging { page: 3, .. })));
    }

    #[test]
    fn seen_cursors_catch_a_loop_past_the_exact_set() {
        let mut seen = SeenCursors::default();
        for i in 0..SeenCursors::EXACT {
            assert!(seen.insert(&format!("c{i}")));
        }
        assert!(!seen.insert("c17"), "a cursor in the exact set");
        // Past the exact set, a loop of 1,000 cursors is caught within a few rounds.
        let mut steps = 0;
        while seen.insert(&format!("loop{}", steps % 1000)) {
            steps += 1;
            assert!(steps < 10_000, "the loop was not caught");
        }
        assert!(steps >= 1000);
        assert_eq!(seen.seen.len(), SeenCursors::EXACT);
    }

    // ----- loopback HTTP server -----

    #[derive(Clone)]
    struct Canned {
        status: u16,
        headers: Vec<(&'static str, &'static str)>,
        body: &'static str,
        hang: bool,
    }

    impl Canned {
        fn status(status: u16) -> Self {
            Canned {
                status,
                headers: Vec::new(),
                body: "",
                hang: false,
            }
        }
        fn header(mut self, name: &'static str, value: &'static str) -> Self {
            self.headers.push((name, value));
            self
        }
        fn body(mut self, body: &'static str) -> Self {
            self.body = body;
            self
        }
        fn hang() -> Self {
            Canned {
                hang: true,
                ..Canned::status(200)
            }
        }
    }

    #[derive(Debug, Clone)]
    struct Recorded {
        method: String,
        target: String,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
    }

    impl Recorded {
        fn header(&self, name: &str) -> Option<&str> {
            self.headers
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.as_str())
        }
    }

    struct TestServer {
        base: String,
        requests: Arc<Mutex<Vec<Recorded>>>,
    }

    impl TestServer {
        fn requests(&self) -> Vec<Recorded> {
            self.requests.lock().unwrap().clone()
        }
    }

    /// Serves the canned responses in order, one per connection, then 500s.
    async fn serve(responses: Vec<Canned>) -> TestServer {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}/api/", listener.local_addr().unwrap());
        let requests = Arc::new(Mutex::new(Vec::new()));
        let log = requests.clone();
        tokio::spawn(async move {
            let mut responses = responses.into_iter();
            while let Ok((mut sock, _)) = listener.accept().await {
                let Some(recorded) = read_request(&mut sock).await else {
                    continue;
                };
                log.lock().unwrap().push(recorded);
                let canned = responses.next().unwrap_or_else(|| Canned::status(500));
                if canned.hang {
                    // Hold the connection open without answering.
                    tokio::spawn(async move {
                        let _sock = sock;
                        std::future::pending::<()>().await;
                    });
                    continue;
                }
                let mut out = format!(
                    "HTTP/1.1 {} X\r\nContent-Length: {}\r\nConnection: close\r\n",
                    canned.status,
                    canned.body.len()
                );
                for (name, value) in &canned.headers {
                    out.push_str(&format!("{name}: {value}\r\n"));
                }
                out.push_str("\r\n");
                out.push_str(canned.body);
                let _ = sock.write_all(out.as_bytes()).await;
                let _ = sock.shutdown().await;
            }
        });
        TestServer { base, requests }
    }

    async fn read_request(sock: &mut tokio::net::TcpStream) -> Option<Recorded> {
        let mut buf = Vec::new();
        let mut chunk = [0u8; 1024];
        let head_end = loop {
            if let Some(pos) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                break pos;
            }
            let n = sock.read(&mut chunk).await.ok()?;
            if n == 0 {
                return None;
            }
            buf.extend_from_slice(&chunk[..n]);
        };
        let head = String::from_utf8(buf[..head_end].to_vec()).ok()?;
        let mut lines = head.split("\r\n");
        let mut start = lines.next()?.split(' ');
        let method = start.next()?.to_owned();
        let target = start.next()?.to_owned();
        let headers: Vec<(String, String)> = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned()))
            .collect();
        let len: usize = headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
            .and_then(|(_, v)| v.parse().ok())
            .unwrap_or(0);
        let mut body = buf[head_end + 4..].to_vec();
        while body.len() < len {
            let n = sock.read(&mut chunk).await.ok()?;
            if n == 0 {
                break;
            }
            body.extend_from_slice(&chunk[..n]);
        }
        Some(Recorded {
            method,
            target,
            headers,
            body,
        })
    }

    fn fast_retries() -> RetryPolicy {
        RetryPolicy::new()
            .initial_backoff(Duration::from_millis(1))
            .max_backoff(Duration::from_millis(5))
    }

    const KEY_OR_BEARER: &[&[&str]] = &[&["ApiKeyAuth"], &["auth0Bearer"]];

    #[tokio::test]
    async fn credentials_are_placed_by_scheme() {
        let server = serve(vec![Canned::status(200).body("[1,2]"), Canned::status(200)]).await;
        let client = ClientBuilder::new("http://unused.invalid", SCHEMES)
            .base_url(&server.base)
            .credential("ApiKeyAuth", "s3cr/t")
            .build()
            .unwrap();
        let mut req = Request::new(
            Method::GET,
            format!("/v1/items/{}", encode_path_segment("a b")),
        );
        req.query("limit", 5);
        req.accept("application/json");
        req.security(KEY_OR_BEARER);
        let resp = client.execute(req).await.unwrap();
        assert_eq!(resp.status(), StatusCode::OK);
        assert_eq!(resp.json::<Vec<u8>, ()>().unwrap(), [1, 2]);

        let client = ClientBuilder::new(KEEP_BASE, SCHEMES)
            .base_url(server.base.trim_end_matches('/'))
            .credential("auth0Bearer", "tok")
            .user_agent("test-agent/1")
            .build()
            .unwrap();
        let mut req = Request::new(Method::POST, "/v1/items".into());
        req.security(KEY_OR_BEARER);
        req.json_body(&serde_json::json!({"name": "x"})).unwrap();
        client.execute(req).await.unwrap().empty::<()>().unwrap();

        let seen = server.requests();
        assert_eq!(seen[0].method, "GET");
        assert_eq!(seen[0].target, "/api/v1/items/a%20b?limit=5&token=s3cr%2Ft");
        assert_eq!(seen[0].header("accept"), Some("application/json"));
        assert_eq!(seen[0].header("authorization"), None);
        assert_eq!(seen[1].target, "/api/v1/items");
        assert_eq!(seen[1].header("authorization"), Some("Bearer tok"));
        assert_eq!(seen[1].header("content-type"), Some("application/json"));
        assert_eq!(seen[1].header("user-agent"), Some("test-agent/1"));
        assert_eq!(seen[1].body, br#"{"name":"x"}"#);
    }

    const KEEP_BASE: &str = "http://unused.invalid";

    #[tokio::test]
    async fn missing_credentials_and_bad_paths_fail_before_sending() {
        let server = serve(vec![]).await;
        let client = ClientBuilder::new(KEEP_BASE, SCHEMES)
            .base_url(&server.base)
            .build()
            .unwrap();
        let mut req = Request::new(Method::GET, "/x".into());
        req.security(KEY_OR_BEARER);
        assert!(matches!(
            client.execute(req).await,
            Err(Error::MissingCredentials { .. })
        ));
        let req = Request::new(Method::GET, format!("/x/{}/y", encode_path_segment("..")));
        let err = client.execute(req).await.unwrap_err();
        assert!(
            matches!(err, Error::InvalidArgument { name: "path", .. }),
            "{err:?}"
        );
        assert!(server.requests().is_empty());
    }

    #[tokio::test]
    async fn idempotent_requests_are_retried() {
        let server = serve(vec![
            Canned::status(503),
            Canned::status(429),
            Canned::status(200).body("ok"),
        ])
        .await;
        let client = ClientBuilder::new(KEEP_BASE, SCHEMES)
            .base_url(&server.base)
            .retry_policy(fast_retries())
            .build()
            .unwrap();
        let mut req = Request::new(Method::PUT, "/r".into());
        req.text_body("body".into());
        let resp = client.execute(req).await.unwrap();
        assert_eq!(resp.text::<()>().unwrap(), "ok");
        let seen = server.requests();
        assert_eq!(seen.len(), 3);
        assert!(seen.iter().all(|r| r.body == b"body"));
    }

    #[tokio::test]
    async fn last_retryable_response_is_returned() {
        let server = serve(vec![Canned::status(503).body("down"); 3]).await;
        let client = ClientBuilder::new(KEEP_BASE, SCHEMES)
            .base_url(&server.base)
            .retry_policy(fast_retries().max_retries(2))
            .build()
            .unwrap();
        let resp = client
            .execute(Request::new(Method::GET, "/r".into()))
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(resp.body(), b"down");
        assert_eq!(server.requests().len(), 3);
    }

    #[tokio::test]
    async fn post_is_not_retried() {
        let server = serve(vec![Canned::status(503), Canned::status(200)]).await;
        let client = ClientBuilder::new(KEEP_BASE, SCHEMES)
            .base_url(&server.base)
            .retry_policy(fast_retries())
            .build()
            .unwrap();
        let resp = client
            .execute(Request::new(Method::POST, "/r".into()))
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::SERVICE_UNAVAILABLE);
        let err = resp.unexpected::<()>();
        assert!(err.is_retryable());
        assert_eq!(server.requests().len(), 1);
    }

    #[tokio::test]
    async fn retry_after_is_honoured_up_to_max_backoff() {
        let server = serve(vec![
            Canned::status(503).header("Retry-After", "1"),
            Canned::status(204),
        ])
        .await;
        // Backoff alone would wait at most 1 ms; Retry-After (1 s) is capped at 60 ms.
        let policy = RetryPolicy::new()
            .initial_backoff(Duration::from_millis(1))
            .max_backoff(Duration::from_millis(60));
        let client = ClientBuilder::new(KEEP_BASE, SCHEMES)
            .base_url(&server.base)
            .retry_policy(policy)
            .build()
            .unwrap();
        let started = std::time::Instant::now();
        let resp = client
            .execute(Request::new(Method::GET, "/r".into()))
            .await
            .unwrap();
        let elapsed = started.elapsed();
        assert_eq!(resp.status(), StatusCode::NO_CONTENT);
        assert!(elapsed >= Duration::from_millis(60), "{elapsed:?}");
        assert!(elapsed < Duration::from_millis(900), "{elapsed:?}");
    }

    #[tokio::test]
    async fn redirects_are_not_followed() {
        let server = serve(vec![
            Canned::status(307).header("Location", "/api/elsewhere"),
            Canned::status(200),
        ])
        .await;
        let client = ClientBuilder::new(KEEP_BASE, SCHEMES)
            .base_url(&server.base)
            .credential("ApiKeyAuth", "secret-token")
            .build()
            .unwrap();
        let mut req = Request::new(Method::GET, "/start".into());
        req.security(KEY_OR_BEARER);
        let resp = client.execute(req).await.unwrap();
        assert_eq!(resp.status(), StatusCode::TEMPORARY_REDIRECT);
        let location = resp.redirect_location::<()>().unwrap();
        assert_eq!(location.path(), "/api/elsewhere");
        assert_eq!(location.query(), None);
        assert_eq!(server.requests().len(), 1);
    }

    #[tokio::test]
    async fn slow_responses_time_out() {
        let server = serve(vec![Canned::hang(), Canned::hang()]).await;
        let client = ClientBuilder::new(KEEP_BASE, SCHEMES)
            .base_url(&server.base)
            .timeout(Duration::from_millis(50))
            .retry_policy(RetryPolicy::disabled())
            .build()
            .unwrap();
        let err = client
            .execute(Request::new(Method::GET, "/slow".into()))
            .await
            .unwrap_err();
        assert!(matches!(err, Error::Timeout(_)), "{err:?}");
        assert_eq!(err.to_string(), "request timed out");
        assert!(err.is_retryable());
        assert!(std::error::Error::source(&err).is_some());
    }

    #[tokio::test]
    async fn idempotent_timeouts_are_retried() {
        let server = serve(vec![Canned::hang(), Canned::status(200)]).await;
        let client = ClientBuilder::new(KEEP_BASE, SCHEMES)
            .base_url(&server.base)
            .timeout(Duration::from_millis(50))
            .retry_policy(fast_retries())
            .build()
            .unwrap();
        let resp = client
            .execute(Request::new(Method::DELETE, "/slow".into()))
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::OK);
        assert_eq!(server.requests().len(), 2);
    }

    #[tokio::test]
    async fn transport_errors_do_not_leak_the_token() {
        // Bind then drop a listener so the port is (almost certainly) closed.
        let port = {
            let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
            listener.local_addr().unwrap().port()
        };
        let client = ClientBuilder::new(KEEP_BASE, SCHEMES)
            .base_url(format!("http://127.0.0.1:{port}"))
            .credential("ApiKeyAuth", "supersecret")
            .retry_policy(fast_retries().max_retries(1))
            .build()
            .unwrap();
        let mut req = Request::new(Method::GET, "/x".into());
        req.security(KEY_OR_BEARER);
        let err = client.execute(req).await.unwrap_err();
        assert!(matches!(err, Error::Transport(_)), "{err:?}");
        assert!(err.is_retryable());
        let mut texts = vec![err.to_string(), format!("{err:?}")];
        let mut source = std::error::Error::source(&err);
        while let Some(s) = source {
            texts.push(s.to_string());
            texts.push(format!("{s:?}"));
            source = s.source();
        }
        for text in texts {
            assert!(!text.contains("supersecret"), "{text}");
        }
    }

    #[test]
    fn execute_future_is_send() {
        fn assert_send<T: Send>(_: &T) {}
        let client = client_with(&[]);
        let future = client.execute(Request::new(Method::GET, "/".into()));
        assert_send(&future);
        let stream = paginate(0u8, |_| async {
            Ok::<(Vec<u8>, Next<u8>), Error<()>>((vec![], Next::end()))
        });
        assert_send(&stream);
    }
}
