//! Operations: what every generated request builder is to the runtime (a request to send and
//! a way to decode its response), and the ways to send one: decoded, with its status and
//! headers, or bare.

use reqwest::header::HeaderMap;
use reqwest::StatusCode;

use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use super::{Client, Error, Request, Response};

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

// The builders' `send`, `send_full` and `send_unread` return [`Sending`], a named future,
// rather than `impl Future + Send`: the compiler proved each of those opaque types `Send` for
// each operation's own type, a third of checking a large client. `Sending` is generic over
// the operation, so none of its code is compiled into the generated crate until a caller
// awaits it; the request itself runs in one boxed future that is the same type for every
// operation (`Client::execute`'s), compiled once.

/// The future of a request builder's `send()` (and of `.await` on the builder): decodes the
/// response into the operation's output. It is `Send` and `'static` when the builder is, so
/// it can be given to `tokio::spawn`.
pub struct Sending<O: Operation, M: Mode = Decoded> {
    state: State<O, M::Raw>,
}

/// What a [`Sending`] future makes of the response: [`Decoded`] for `send()`, [`Detailed`]
/// for `send_full()`, [`Unread`] for `send_unread()`.
pub trait Mode: Sized {
    /// What the request gives before the operation reads it.
    type Raw;
    /// What the future gives for operation `O`.
    type Output<O: Operation>;
    /// Sends the request.
    fn start(client: Client, request: Request) -> Raw<Self::Raw>;
    /// Reads the response for operation `O`.
    fn finish<O: Operation>(raw: Self::Raw) -> Result<Self::Output<O>, Error<O::Error>>;
}

/// The request in flight: the same type for every operation.
type Raw<T> = Pin<Box<dyn Future<Output = Result<T, Error<Infallible>>> + Send>>;

/// [`Mode`] of `send()`: the decoded output.
#[derive(Debug, Clone, Copy)]
pub struct Decoded;

/// [`Mode`] of `send_full()`: the decoded output with the status and headers ([`Full`]).
#[derive(Debug, Clone, Copy)]
pub struct Detailed;

/// [`Mode`] of `send_unread()`: the response with its body unread.
#[derive(Debug, Clone, Copy)]
pub struct Unread;

fn execute(client: Client, request: Request) -> Raw<Response> {
    Box::pin(async move { client.execute(request).await })
}

impl Mode for Decoded {
    type Raw = Response;
    type Output<O: Operation> = O::Output;
    fn start(client: Client, request: Request) -> Raw<Response> {
        execute(client, request)
    }
    fn finish<O: Operation>(raw: Response) -> Result<O::Output, Error<O::Error>> {
        O::decode(raw)
    }
}

impl Mode for Detailed {
    type Raw = Response;
    type Output<O: Operation> = Full<O::Output>;
    fn start(client: Client, request: Request) -> Raw<Response> {
        execute(client, request)
    }
    fn finish<O: Operation>(raw: Response) -> Result<Full<O::Output>, Error<O::Error>> {
        let status = raw.status();
        let headers = raw.headers().clone();
        let body = O::decode(raw)?;
        Ok(Full {
            status,
            headers,
            body,
        })
    }
}

impl Mode for Unread {
    type Raw = reqwest::Response;
    type Output<O: Operation> = reqwest::Response;
    fn start(client: Client, request: Request) -> Raw<reqwest::Response> {
        Box::pin(async move { client.execute_unread(request).await })
    }
    fn finish<O: Operation>(raw: reqwest::Response) -> Result<reqwest::Response, Error<O::Error>> {
        Ok(raw)
    }
}

enum State<O, R> {
    /// Not polled yet: the builder, whose arguments are checked on the first poll.
    Start(O),
    Sent(Raw<R>),
    Done,
}

impl<O: Operation, M: Mode> Sending<O, M> {
    /// The future of sending `op`; nothing happens until it is polled.
    pub fn new(op: O) -> Self {
        Sending {
            state: State::Start(op),
        }
    }
}

// Nothing in it is pinned in place: the request in flight is boxed.
impl<O: Operation, M: Mode> Unpin for Sending<O, M> {}

impl<O: Operation, M: Mode> Future for Sending<O, M> {
    type Output = Result<M::Output<O>, Error<O::Error>>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        loop {
            match std::mem::replace(&mut this.state, State::Done) {
                State::Start(op) => match op.into_request() {
                    Ok((client, request)) => this.state = State::Sent(M::start(client, request)),
                    Err(e) => return Poll::Ready(Err(e)),
                },
                State::Sent(mut raw) => {
                    return match raw.as_mut().poll(cx) {
                        Poll::Pending => {
                            this.state = State::Sent(raw);
                            Poll::Pending
                        }
                        Poll::Ready(Ok(raw)) => Poll::Ready(M::finish::<O>(raw)),
                        Poll::Ready(Err(e)) => Poll::Ready(Err(e.into_typed())),
                    }
                }
                State::Done => panic!("a `Sending` future was polled after it completed"),
            }
        }
    }
}

impl<O: Operation + std::fmt::Debug, M: Mode> std::fmt::Debug for Sending<O, M> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let state = match &self.state {
            State::Start(op) => return f.debug_tuple("Sending").field(op).finish(),
            State::Sent(_) => "sent",
            State::Done => "done",
        };
        f.debug_tuple("Sending").field(&state).finish()
    }
}

/// Sends the operation's request and decodes the response.
pub fn send<O: Operation>(op: O) -> Sending<O> {
    Sending::new(op)
}

/// Sends the operation's request and decodes the response, keeping its status and headers.
/// When the body does not decode, [`Error::Decode`] holds the raw bytes.
pub fn send_full<O: Operation>(op: O) -> Sending<O, Detailed> {
    Sending::new(op)
}

/// Sends the operation's request and returns the response as soon as its status and headers
/// arrive, whatever the status, with the body unread (read it with `bytes()`, `chunk()` or
/// `bytes_stream()`; the client's body limit does not apply).
pub fn send_unread<O: Operation>(op: O) -> Sending<O, Unread> {
    Sending::new(op)
}
