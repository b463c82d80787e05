//! Typed mocks for the tests of code that uses this client, behind the crate's `mock` feature:
//! a loopback mock server (wiremock's) whose expectations are the client's own request
//! builders, so what is matched is exactly what that call would send, written with the
//! generated types, and what is answered is a typed body or a typed error.
//!
//! ```text
//! let server = MockServer::start().await;
//! let client = Client::builder().base_url(server.uri()).api_key_auth("t").build()?;
//! server
//!     .expect(client.tags().get_tags_by_dataset_id(DATASET))
//!     .respond(200, &vec![tag])
//!     .await;
//! assert_eq!(my_code_under_test(&client).await?, 1);
//! ```

use std::fmt;
use std::marker::PhantomData;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue, CONTENT_TYPE};
use reqwest::Method;

use super::{Client, Operation, Request};

/// A mock server on a loopback port, for tests. Point a client at [`uri`](Self::uri) and
/// declare what it should answer with [`expect`](Self::expect). Requests that match no
/// expectation are answered 404. Dropping the server checks the expectations given a count
/// with [`Expectation::times`], failing the test when one was not met.
pub struct MockServer {
    server: wiremock::MockServer,
}

impl MockServer {
    /// Starts a server on a free loopback port.
    pub async fn start() -> MockServer {
        MockServer {
            server: wiremock::MockServer::start().await,
        }
    }

    /// The server's base URL (`http://127.0.0.1:PORT`), for `ClientBuilder::base_url`.
    pub fn uri(&self) -> String {
        self.server.uri()
    }

    /// An expectation: requests equal to the one `operation` would send (method, path with
    /// its parameters, the query parameters and headers it sets, and its body) get the
    /// response given next. Credentials and other headers of the real request do not take
    /// part, so the same builder matches whatever the client under test adds. An operation
    /// whose arguments are invalid matches nothing (its call would fail before sending).
    pub fn expect<O: Operation>(&self, operation: O) -> Expectation<'_, O> {
        let wanted = operation
            .into_request()
            .ok()
            .map(|(client, request)| Wanted::of(&client, request));
        Expectation {
            server: self,
            wanted,
            times: None,
            operation: PhantomData,
        }
    }

    /// Every request the server received, in order.
    pub async fn received(&self) -> Vec<wiremock::Request> {
        self.server.received_requests().await.unwrap_or_default()
    }

    /// Panics (failing the test) when an expectation given a count with
    /// [`Expectation::times`] was not met; dropping the server checks the same.
    pub async fn verify(&self) {
        self.server.verify().await;
    }

    /// Forgets every expectation and recorded request.
    pub async fn reset(&self) {
        self.server.reset().await;
    }

    /// The wiremock server underneath, for what this type does not offer.
    pub fn inner(&self) -> &wiremock::MockServer {
        &self.server
    }
}

impl fmt::Debug for MockServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MockServer")
            .field("uri", &self.server.uri())
            .finish()
    }
}

/// One expectation of a [`MockServer`]: the request an operation's builder would send, and
/// the response to give it. Nothing is mounted until a `respond` method is awaited.
#[must_use = "an expectation does nothing until a `respond` method is awaited"]
pub struct Expectation<'s, O> {
    server: &'s MockServer,
    /// `None` when the builder's arguments were invalid: then nothing matches.
    wanted: Option<Wanted>,
    times: Option<u64>,
    operation: PhantomData<fn() -> O>,
}

impl<O: Operation> Expectation<'_, O> {
    /// The request must arrive exactly `n` times, checked when the server is dropped or
    /// [`verify`](MockServer::verify)ed.
    pub fn times(mut self, n: u64) -> Self {
        self.times = Some(n);
        self
    }

    /// Answers with `status` and `body`, the operation's success type, as JSON.
    pub async fn respond(self, status: u16, body: &O::Output)
    where
        O::Output: serde::Serialize,
    {
        let template = json_template(status, body);
        self.respond_with(template).await;
    }

    /// Answers with `status` and `body`, the operation's typed error body, as JSON.
    pub async fn respond_error(self, status: u16, body: &O::Error)
    where
        O::Error: serde::Serialize,
    {
        let template = json_template(status, body);
        self.respond_with(template).await;
    }

    /// Answers with `status` and no body.
    pub async fn respond_status(self, status: u16) {
        self.respond_with(wiremock::ResponseTemplate::new(status))
            .await;
    }

    /// Answers with a response of your own (raw bytes, other headers, a delay).
    pub async fn respond_with(self, template: wiremock::ResponseTemplate) {
        let matcher = Matcher(self.wanted);
        let mut mock = wiremock::Mock::given(matcher).respond_with(template);
        if let Some(n) = self.times {
            mock = mock.expect(n);
        }
        mock.mount(&self.server.server).await;
    }
}

impl<O> fmt::Debug for Expectation<'_, O> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Expectation")
            .field("wanted", &self.wanted)
            .field("times", &self.times)
            .finish()
    }
}

fn json_template<T: serde::Serialize + ?Sized>(
    status: u16,
    body: &T,
) -> wiremock::ResponseTemplate {
    // Generated types always serialize; a failure would be a bug in them, answered as a 500
    // so the test fails visibly.
    match serde_json::to_vec(body) {
        Ok(bytes) => {
            wiremock::ResponseTemplate::new(status).set_body_raw(bytes, "application/json")
        }
        Err(e) => wiremock::ResponseTemplate::new(500)
            .set_body_string(format!("the mock body does not serialize: {e}")),
    }
}

/// What a matching request looks like.
#[derive(Debug)]
struct Wanted {
    method: Method,
    /// The full path, base path included, percent-encoded as sent.
    path: String,
    /// Query pairs as sent (still percent-encoded).
    query: Vec<String>,
    headers: HeaderMap,
    body: Option<WantedBody>,
}

#[derive(Debug)]
enum WantedBody {
    /// Compared as JSON values, so key order and spacing do not matter.
    Json(serde_json::Value),
    /// Multipart bodies carry a random boundary: only the media type is compared.
    Multipart,
    Bytes(bytes::Bytes),
}

impl Wanted {
    fn of(client: &Client, request: Request) -> Wanted {
        let base = client.base_url().path().trim_end_matches('/');
        let mut path = base.to_owned();
        if !request.path.starts_with('/') {
            path.push('/');
        }
        path.push_str(&request.path);
        let query = split_query(&request.query);
        let content_type = request
            .headers
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned();
        // A streamed body can be read only once, by the real call: it is not compared.
        let in_memory = request.body.as_ref().and_then(|body| body.as_bytes());
        let body = in_memory.map(|bytes| {
            if content_type.starts_with("multipart/") {
                WantedBody::Multipart
            } else if content_type.starts_with("application/json") {
                match serde_json::from_slice(bytes) {
                    Ok(value) => WantedBody::Json(value),
                    Err(_) => WantedBody::Bytes(bytes.clone()),
                }
            } else {
                WantedBody::Bytes(bytes.clone())
            }
        });
        let mut headers = request.headers;
        if matches!(body, Some(WantedBody::Multipart)) {
            headers.remove(CONTENT_TYPE);
        }
        Wanted {
            method: request.method,
            path,
            query,
            headers,
            body,
        }
    }
}

fn split_query(query: &str) -> Vec<String> {
    query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Matches the request an operation would send.
struct Matcher(Option<Wanted>);

impl wiremock::Match for Matcher {
    fn matches(&self, request: &wiremock::Request) -> bool {
        let Some(wanted) = &self.0 else {
            return false;
        };
        if request.method != wanted.method || request.url.path() != wanted.path {
            return false;
        }
        // Every wanted pair is there (as often as wanted); others, credentials say, may be.
        let mut seen = split_query(request.url.query().unwrap_or(""));
        for pair in &wanted.query {
            match seen.iter().position(|p| p == pair) {
                Some(i) => {
                    seen.swap_remove(i);
                }
                None => return false,
            }
        }
        if !headers_contain(&request.headers, &wanted.headers) {
            return false;
        }
        match &wanted.body {
            None => true,
            Some(WantedBody::Json(value)) => {
                serde_json::from_slice::<serde_json::Value>(&request.body)
                    .ok()
                    .as_ref()
                    == Some(value)
            }
            Some(WantedBody::Multipart) => request
                .headers
                .get(CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.starts_with("multipart/form-data")),
            Some(WantedBody::Bytes(bytes)) => request.body == bytes.as_ref(),
        }
    }
}

/// Whether every wanted header value is among the request's values of that name.
fn headers_contain(have: &HeaderMap, wanted: &HeaderMap) -> bool {
    wanted
        .iter()
        .all(|(name, value): (&HeaderName, &HeaderValue)| {
            have.get_all(name).iter().any(|v| v == value)
        })
}
