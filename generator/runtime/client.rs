//! The client and its builder: configuration, credentials, and sending a request with
//! security, timeouts and retries applied.

use std::convert::Infallible;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{self, HeaderMap, HeaderValue};
use reqwest::Url;

use super::auth::{render_credential, AuthValue, Credential, CredentialInput};
use super::interceptor::Interceptor;
use super::request::push_query_pair;
use super::{
    trace, BuildError, Error, Request, RequestOptions, Response, RetryPolicy, Secret,
    SecurityScheme,
};

/// Default limit on a buffered response body: 64 MiB. Every body is read into memory before
/// it is decoded, so the limit bounds what one response can make the client allocate. It is
/// well above the largest responses the Lightly API sends in practice (a page of 100,000
/// samples is about 45 MB) and small enough that a runaway or hostile server cannot exhaust
/// a process's memory; [`ClientBuilder::max_response_body_bytes`] changes it.
pub const DEFAULT_MAX_RESPONSE_BODY_BYTES: u64 = 64 * 1024 * 1024;

/// Default user agent: the name and version of the generated crate this module is compiled into.
const DEFAULT_USER_AGENT: &str = concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION"));

/// A boxed future of a call's result, so that it has a name: `.await` on the builder of an
/// event-stream operation gives one. It is `Send` and `'static`, so it can be given to
/// `tokio::spawn`.
pub type SendFuture<T, E> = Pin<Box<dyn Future<Output = Result<T, Error<E>>> + Send>>;

/// An API client. Cheap to clone (one reference count): clones share one connection pool and
/// configuration, and every request builder holds a clone, so a builder and the future of its
/// `send()` borrow nothing and can move to another task.
#[derive(Clone)]
pub struct Client {
    pub(crate) inner: Arc<Inner>,
}

#[derive(Clone)]
pub(crate) struct Inner {
    pub(crate) http: reqwest::Client,
    base_url: Url,
    /// The base URL's path without a trailing slash; operation paths are appended to it.
    pub(crate) base_path: String,
    credentials: Vec<Credential>,
    pub(crate) retry: RetryPolicy,
    connect_timeout: Duration,
    pub(crate) timeout: Duration,
    /// Set only when `http` came from [`ClientBuilder::http_client`], which has its own
    /// defaults: then this user agent and `timeout` go on each request instead.
    pub(crate) user_agent: Option<HeaderValue>,
    pub(crate) max_body: u64,
    /// Defaults for every request: default headers, and what [`Client::with_options`] set.
    pub(crate) defaults: RequestOptions,
    /// The user's hooks, in the order they run.
    pub(crate) interceptors: Vec<Arc<dyn Interceptor>>,
}

impl Client {
    /// The base URL that operation paths are joined onto.
    pub fn base_url(&self) -> &Url {
        &self.inner.base_url
    }

    /// The longest response body the client reads, in bytes.
    pub(crate) fn max_response_body_bytes(&self) -> u64 {
        self.inner.max_body
    }

    /// Executes a request: applies credentials, retries and timeouts, and returns
    /// the raw response whatever its status. Generated code calls it.
    ///
    /// Fails before sending on an invalid argument or missing credentials,
    /// with [`Error::Timeout`] or [`Error::Transport`] when no response arrives, and
    /// with [`Error::BodyTooLarge`] when the body is longer than the configured limit.
    /// The timeout applies to each attempt; see [`RetryPolicy`] for retries.
    pub async fn execute(&self, request: Request) -> Result<Response, Error<Infallible>> {
        // The attempts' future sits in this one's directly (no `execute_unread` level): every
        // level of nested futures is a copy of the ones inside it, on every request.
        let span = trace::operation_span(&request);
        let response = trace::in_span(span, self.attempts(request)).await?;
        Response::read(response, self.inner.max_body).await
    }

    /// Like [`execute`](Self::execute), but returns the response as soon as its status and
    /// headers arrive, with the body unread: for streaming downloads and event streams.
    /// The response body limit does not apply; the caller reads the body as it chooses.
    pub async fn execute_unread(
        &self,
        request: Request,
    ) -> Result<reqwest::Response, Error<Infallible>> {
        let span = trace::operation_span(&request);
        trace::in_span(span, self.attempts(request)).await
    }

    /// A client that shares this one's connection pool, credentials and settings, with
    /// `options` as its defaults on top of this client's: their headers go on every request
    /// (where the request has none of that name), their timeout, retry policy and
    /// idempotency key apply unless a call's own options set them.
    pub fn with_options(&self, options: RequestOptions) -> Client {
        let inner = &*self.inner;
        Client {
            inner: Arc::new(Inner {
                defaults: inner.defaults.merged(&options),
                ..inner.clone()
            }),
        }
    }

    /// Adds the credentials of the first satisfiable security alternative.
    ///
    /// Alternatives that need credentials are preferred over the empty
    /// ("auth optional") one, so configured credentials are always sent.
    pub(crate) fn apply_security(
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
            .field("own_http_client", &inner.user_agent.is_some())
            .field("defaults", &inner.defaults)
            .field("interceptors", &inner.interceptors.len())
            .finish_non_exhaustive()
    }
}

/// A change to the `reqwest::ClientBuilder` a [`ClientBuilder`] builds its HTTP client with.
/// `Send + Sync`, so the builder stays both.
type HttpHook = Box<dyn FnOnce(reqwest::ClientBuilder) -> reqwest::ClientBuilder + Send + Sync>;

/// Configures and builds a [`Client`].
///
/// The HTTP client underneath is either built here (with rustls or native TLS as the
/// crate's Cargo features choose, never following redirects, with the timeouts and user
/// agent set here; [`configure_http`](Self::configure_http) adjusts it further) or the
/// user's own, given with [`http_client`](Self::http_client).
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
    http_client: Option<reqwest::Client>,
    http_hooks: Vec<HttpHook>,
    defaults: RequestOptions,
    interceptors: Vec<Arc<dyn Interceptor>>,
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
            http_client: None,
            http_hooks: Vec::new(),
            defaults: RequestOptions::new(),
            interceptors: Vec::new(),
        }
    }

    /// Overrides the base URL. It is validated by [`build`](Self::build); a trailing slash is fine.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = url.into();
        self
    }

    /// Sends every request through `client`, the caller's own `reqwest::Client` (its proxy,
    /// TLS roots, connection pool, HTTP/2 and default headers), instead of building one.
    ///
    /// What this builder still applies, on each request: credentials, retries, the
    /// response body limit, [`timeout`](Self::timeout) (as the request's own timeout, which
    /// replaces the client's) and [`user_agent`](Self::user_agent) (as the request's
    /// `User-Agent` header, which beats a default header of the client). What cannot apply
    /// is [`connect_timeout`](Self::connect_timeout) (reqwest sets it only on a client) and
    /// the redirect policy: build `client` with `reqwest::redirect::Policy::none()`, so that
    /// credentials never follow a redirect to another host and documented 3xx responses
    /// reach the generated code. [`configure_http`](Self::configure_http) cannot be used
    /// with it ([`build`](Self::build) fails with [`BuildError::InvalidHttpSetting`]).
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http_client = Some(client);
        self
    }

    /// Adjusts the `reqwest::ClientBuilder` this builder makes its HTTP client with, after
    /// its own settings (no redirects, timeouts, user agent): a proxy, extra root
    /// certificates, default headers, pool or HTTP/2 settings. Several calls apply in order;
    /// `reqwest` is re-exported from the crate root, so the types are the same version.
    pub fn configure_http(
        mut self,
        hook: impl FnOnce(reqwest::ClientBuilder) -> reqwest::ClientBuilder + Send + Sync + 'static,
    ) -> Self {
        self.http_hooks.push(Box::new(hook));
        self
    }

    /// Adds a header to every request that does not carry one of that name already (from a
    /// header parameter, say); a call's [`RequestOptions`] can replace or remove it. Held by
    /// the client, so it works with [`http_client`](Self::http_client) too. An invalid name
    /// or value fails [`build`](Self::build) with [`BuildError::InvalidHttpSetting`].
    pub fn default_header(mut self, name: &str, value: &str) -> Self {
        self.defaults = self.defaults.header(name, value);
        self
    }

    /// Sets defaults for every request (headers, timeout, retry policy, idempotency key) as
    /// [`RequestOptions`]; a call's own options beat them. Replaces earlier
    /// [`default_header`](Self::default_header)s.
    pub fn default_options(mut self, options: RequestOptions) -> Self {
        self.defaults = options;
        self
    }

    /// Registers an interceptor, run around every attempt of every request after those
    /// registered before it (see [`Interceptor`] for the order of hooks, options, credentials
    /// and retries).
    pub fn interceptor(mut self, interceptor: impl Interceptor) -> Self {
        self.interceptors.push(Arc::new(interceptor));
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

        let (http, user_agent) = match self.http_client {
            Some(_) if !self.http_hooks.is_empty() => {
                return Err(BuildError::InvalidHttpSetting {
                    reason: "`configure_http` adjusts the HTTP client the builder makes, and with `http_client` it makes none",
                });
            }
            Some(client) => {
                let ua = HeaderValue::try_from(self.user_agent).map_err(|_| {
                    BuildError::InvalidHttpSetting {
                        reason: "the user agent contains characters not allowed in an HTTP header value",
                    }
                })?;
                (client, Some(ua))
            }
            None => {
                let mut builder = reqwest::Client::builder()
                    // Never follow redirects: credentials must not travel to another host,
                    // and generated code decides what a 3xx means.
                    .redirect(reqwest::redirect::Policy::none())
                    .connect_timeout(self.connect_timeout)
                    .timeout(self.timeout)
                    .user_agent(self.user_agent);
                for hook in self.http_hooks {
                    builder = hook(builder);
                }
                let http = builder
                    .build()
                    .map_err(|e| BuildError::Http(e.without_url()))?;
                (http, None)
            }
        };

        if let Some((_, reason)) = &self.defaults.settings().invalid {
            return Err(BuildError::InvalidHttpSetting {
                reason: if reason.contains("name") {
                    "a default header name is not a valid HTTP header name"
                } else {
                    "a default header value or idempotency key is not valid in an HTTP header"
                },
            });
        }
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                base_url,
                base_path,
                credentials,
                retry: self.retry,
                connect_timeout: self.connect_timeout,
                timeout: self.timeout,
                user_agent,
                max_body: self.max_body,
                defaults: self.defaults,
                interceptors: self.interceptors,
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
            .field("http_client", &self.http_client.is_some())
            .field("configure_http_hooks", &self.http_hooks.len())
            .field("defaults", &self.defaults)
            .field("interceptors", &self.interceptors.len())
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
