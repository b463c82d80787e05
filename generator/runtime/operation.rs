//! Operations: what every generated request builder is to the runtime (a request to send and
//! a way to decode its response), and the ways to send one: decoded, with its status and
//! headers, or bare.

use reqwest::header::HeaderMap;
use reqwest::StatusCode;

use super::{Client, Error, Request, Response, SendFuture};

/// A generated request builder, as the runtime sees it. Generated code implements it; its
/// builders' `send`, `send_full` and `send_unread` call [`send`], [`send_full`] and
/// [`send_unread`].
pub trait Operation: Sized {
    /// What a successful call returns.
    type Output;
    /// The typed body of the operation's documented error statuses.
    type Error;

    /// Checks the arguments and builds the request, with the client to send it with.
    fn into_request(self) -> Result<(Client, Request), Error<Self::Error>>;

    /// Decodes a response (whatever its status) into the output or the typed error.
    fn decode(response: Response) -> Result<Self::Output, Error<Self::Error>>;
}

/// A decoded response with its status and headers.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Full<T> {
    /// The response status.
    pub status: StatusCode,
    /// The response headers.
    pub headers: HeaderMap,
    /// The decoded body.
    pub body: T,
}

impl<T> Full<T> {
    /// The conventional request id header's value (see [`Error::request_id`]).
    pub fn request_id(&self) -> Option<&str> {
        super::error::request_id(&self.headers)
    }
}

// The three senders box their future, so the builders' methods return a named type
// (`SendFuture`) rather than `impl Future + Send`: the compiler proves a named future `Send`
// here once, for every operation, where an opaque one per method was proven for each
// operation's own type again, which was a third of checking a large client.

/// Sends the operation's request and decodes the response.
pub fn send<O>(op: O) -> SendFuture<O::Output, O::Error>
where
    O: Operation + Send + 'static,
    O::Output: Send + 'static,
    O::Error: Send + 'static,
{
    Box::pin(async move {
        let (client, request) = op.into_request()?;
        let response = client.execute(request).await.map_err(Error::into_typed)?;
        O::decode(response)
    })
}

/// Sends the operation's request and decodes the response, keeping its status and headers.
/// When the body does not decode, [`Error::Decode`] holds the raw bytes.
pub fn send_full<O>(op: O) -> SendFuture<Full<O::Output>, O::Error>
where
    O: Operation + Send + 'static,
    O::Output: Send + 'static,
    O::Error: Send + 'static,
{
    Box::pin(async move {
        let (client, request) = op.into_request()?;
        let response = client.execute(request).await.map_err(Error::into_typed)?;
        let status = response.status();
        let headers = response.headers().clone();
        let body = O::decode(response)?;
        Ok(Full {
            status,
            headers,
            body,
        })
    })
}

/// Sends the operation's request and returns the response as soon as its status and headers
/// arrive, whatever the status, with the body unread (read it with `bytes()`, `chunk()` or
/// `bytes_stream()`; the client's body limit does not apply).
pub fn send_unread<O>(op: O) -> SendFuture<reqwest::Response, O::Error>
where
    O: Operation + Send + 'static,
    O::Error: Send + 'static,
{
    Box::pin(async move {
        let (client, request) = op.into_request()?;
        client
            .execute_unread(request)
            .await
            .map_err(Error::into_typed)
    })
}
