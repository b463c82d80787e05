//! Server-sent events: an incremental parser of `text/event-stream` bodies that follows the
//! WHATWG rules, and [`EventStream`], the typed stream of events an operation's `send()`
//! returns, which can reconnect with `Last-Event-ID` when asked to.

use std::collections::VecDeque;
use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use reqwest::header::{HeaderMap, HeaderValue};
use reqwest::StatusCode;

use super::error::{request_id, transport_error};
use super::model::join_path;
use super::response::{decode_json, from_serde_text, snippet};
use super::{Client, Error, Request, Response};

/// How long a reconnecting stream waits before reconnecting when the server has not set a
/// time with a `retry` field.
pub const DEFAULT_RECONNECT_DELAY: Duration = Duration::from_secs(3);

/// The UTF-8 byte order mark, skipped at the start of a stream.
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// One server-sent event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event<T> {
    /// The event type: the `event` field, or `"message"` when the event has none.
    pub event: String,
    /// The last event ID as of this event (the WHATWG `lastEventId`): the `id` field of this
    /// event or of an earlier one, kept across reconnections; `None` when no id was sent or
    /// the last one was empty.
    pub id: Option<String>,
    /// The `retry` field of this event, if it had one: the reconnection time the server asks
    /// for from now on.
    pub retry: Option<Duration>,
    /// The event's data (its `data` lines joined by `"\n"`), decoded.
    pub data: T,
}

/// An event as the parser dispatches it, its data still text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RawEvent {
    pub(crate) event: String,
    pub(crate) id: Option<String>,
    pub(crate) retry: Option<Duration>,
    pub(crate) data: String,
}

/// An event (its pending line, data and type) grew past the parser's limit, in bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct TooLarge(pub(crate) u64);

/// The WHATWG event-stream parser, fed bytes in chunks of any size.
///
/// Lines end at CR, LF or CR LF (a CR LF may be split across chunks); a UTF-8 byte order
/// mark at the very start is skipped; bytes that are not UTF-8 become U+FFFD. Events are
/// dispatched at a blank line; one without data is not. Whatever was not dispatched when
/// the stream ends is dropped. A pending line plus the event's data and type may not grow
/// past `limit` bytes, so a server cannot make the client buffer without bound.
#[derive(Debug)]
pub(crate) struct Parser {
    limit: usize,
    /// Bytes of the line not yet ended.
    line: Vec<u8>,
    /// The previous chunk ended with CR: an LF starting the next one ends no line.
    after_cr: bool,
    /// No line has ended yet: the next one may start with a byte order mark.
    first_line: bool,
    data: String,
    event: String,
    retry: Option<Duration>,
    last_id: String,
    reconnection_time: Option<Duration>,
    ready: VecDeque<RawEvent>,
}

impl Parser {
    /// A parser for a stream whose events may take up to `limit` bytes each.
    pub(crate) fn new(limit: u64) -> Self {
        Parser {
            limit: usize::try_from(limit).unwrap_or(usize::MAX),
            line: Vec::new(),
            after_cr: false,
            first_line: true,
            data: String::new(),
            event: String::new(),
            retry: None,
            last_id: String::new(),
            reconnection_time: None,
            ready: VecDeque::new(),
        }
    }

    /// Parses the next bytes of the stream; complete events become available to
    /// [`Self::next_event`].
    pub(crate) fn feed(&mut self, mut chunk: &[u8]) -> Result<(), TooLarge> {
        if self.after_cr && !chunk.is_empty() {
            self.after_cr = false;
            if chunk[0] == b'\n' {
                chunk = &chunk[1..];
            }
        }
        while let Some(end) = chunk.iter().position(|&b| b == b'\r' || b == b'\n') {
            if self.line.is_empty() {
                self.line_ended(&chunk[..end])?;
            } else {
                let mut line = std::mem::take(&mut self.line);
                line.extend_from_slice(&chunk[..end]);
                self.line_ended(&line)?;
                line.clear();
                // Keep the allocation for the next long line.
                self.line = line;
            }
            let cr = chunk[end] == b'\r';
            chunk = &chunk[end + 1..];
            if cr {
                match chunk.first() {
                    Some(b'\n') => chunk = &chunk[1..],
                    Some(_) => {}
                    None => self.after_cr = true,
                }
            }
        }
        self.line.extend_from_slice(chunk);
        self.check_size(0)
    }

    /// The stream ended: an event not ended by a blank line is dropped, as is a line not
    /// ended. The next bytes fed start a new stream (a reconnection), which keeps the last
    /// event ID and the reconnection time.
    pub(crate) fn end_of_stream(&mut self) {
        self.line.clear();
        self.after_cr = false;
        self.first_line = true;
        self.data.clear();
        self.event.clear();
        self.retry = None;
    }

    /// The next dispatched event, in stream order.
    pub(crate) fn next_event(&mut self) -> Option<RawEvent> {
        self.ready.pop_front()
    }

    /// The last event ID the stream has set (empty when none).
    pub(crate) fn last_event_id(&self) -> &str {
        &self.last_id
    }

    /// The reconnection time the server last asked for with a `retry` field.
    pub(crate) fn reconnection_time(&self) -> Option<Duration> {
        self.reconnection_time
    }

    fn check_size(&self, adding: usize) -> Result<(), TooLarge> {
        let size = self.line.len() + self.data.len() + self.event.len() + adding;
        if size > self.limit {
            return Err(TooLarge(self.limit as u64));
        }
        Ok(())
    }

    fn line_ended(&mut self, mut line: &[u8]) -> Result<(), TooLarge> {
        if std::mem::replace(&mut self.first_line, false) {
            line = line.strip_prefix(BOM).unwrap_or(line);
        }
        if line.is_empty() {
            self.dispatch();
            return Ok(());
        }
        if line[0] == b':' {
            return Ok(());
        }
        let (field, value) = match line.iter().position(|&b| b == b':') {
            Some(colon) => {
                let value = &line[colon + 1..];
                (&line[..colon], value.strip_prefix(b" ").unwrap_or(value))
            }
            None => (line, &b""[..]),
        };
        match field {
            b"data" => {
                self.check_size(value.len() + 1)?;
                self.data.push_str(&String::from_utf8_lossy(value));
                self.data.push('\n');
            }
            b"event" => {
                self.event.clear();
                self.check_size(value.len())?;
                self.event.push_str(&String::from_utf8_lossy(value));
            }
            b"id" if !value.contains(&0) => {
                self.last_id = String::from_utf8_lossy(value).into_owned();
            }
            b"retry" if !value.is_empty() && value.iter().all(u8::is_ascii_digit) => {
                // All ASCII digits, so UTF-8; a number too large for u64 is ignored.
                if let Some(ms) = std::str::from_utf8(value)
                    .ok()
                    .and_then(|v| v.parse::<u64>().ok())
                {
                    let time = Duration::from_millis(ms);
                    self.retry = Some(time);
                    self.reconnection_time = Some(time);
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn dispatch(&mut self) {
        let retry = self.retry.take();
        let event = std::mem::take(&mut self.event);
        if self.data.is_empty() {
            return;
        }
        let mut data = std::mem::take(&mut self.data);
        data.pop(); // The "\n" after the last data line.
        self.ready.push_back(RawEvent {
            event: if event.is_empty() {
                "message".to_owned()
            } else {
                event
            },
            id: (!self.last_id.is_empty()).then(|| self.last_id.clone()),
            retry,
            data,
        });
    }
}

/// How an event's data becomes the stream's item type: generated code passes
/// [`EventData::json`], [`EventData::serde_text`] for a scalar schema (a string enum or
/// newtype, a format, a number or boolean), or [`EventData::text`] for a plain `string`
/// schema (or none).
pub struct EventData<T>(fn(StatusCode, String) -> Result<T, Error<Infallible>>);

impl<T: serde::de::DeserializeOwned> EventData<T> {
    /// The data is JSON, decoded into `T`.
    pub fn json() -> Self {
        // The stream adds the response's request id to a failure (`EventStream::decode`).
        EventData(|status, text| decode_json(status, &HeaderMap::new(), text.as_bytes()))
    }

    /// The data is the serde form of `T` as text: a JSON string's contents (`started`, not
    /// `"started"`), or a number's or boolean's JSON text.
    pub fn serde_text() -> Self {
        EventData(|status, text| {
            from_serde_text(&text, None).map_err(|e| Error::Decode {
                status,
                path: String::new(),
                snippet: snippet(text.as_bytes()),
                body: Bytes::from(text.clone().into_bytes()),
                request_id: None,
                source: Box::new(e),
            })
        })
    }
}

impl EventData<String> {
    /// The data is text, kept as it is.
    pub fn text() -> Self {
        EventData(|_, text| Ok(text))
    }
}

/// Reads the next chunk of a body, handing the response back with it.
type ChunkFuture =
    Pin<Box<dyn Future<Output = (reqwest::Response, reqwest::Result<Option<Bytes>>)> + Send>>;

/// A reconnection: the new response, or the error and whether trying again may help.
type ReconnectFuture<E> =
    Pin<Box<dyn Future<Output = Result<reqwest::Response, (Error<E>, bool)>> + Send>>;

enum State<E> {
    Reading(ChunkFuture),
    Reconnecting(ReconnectFuture<E>),
    /// Yielded once the events before it are out; then the stream ends.
    Failed(Error<E>),
    Done,
}

/// The events of a `text/event-stream` response, decoded: a
/// `futures_core::Stream<Item = Result<Event<T>, Error<E>>>`, also read with
/// [`next`](Self::next).
///
/// An event whose data does not decode is an [`Error::Decode`] whose path names the event
/// (`event:<type>`, then the JSON path); the stream goes on after it. An event larger than
/// the client's `max_response_body_bytes` (or [`max_event_bytes`](Self::max_event_bytes))
/// ends the stream with [`Error::BodyTooLarge`]. When the server ends the stream, or the
/// connection fails, the stream ends (with [`Error::Transport`] or [`Error::Timeout`] for a
/// failure) unless [`reconnect`](Self::reconnect) asked for reconnection. The client's
/// `timeout` bounds each connection, as it bounds every response.
pub struct EventStream<T, E> {
    client: Client,
    request: Request,
    data: EventData<T>,
    success: fn(u16) -> bool,
    error: fn(Response) -> Error<E>,
    parser: Parser,
    state: State<E>,
    status: StatusCode,
    headers: HeaderMap,
    max_attempts: u32,
    /// Reconnections since the last event.
    attempts: u32,
}

// The in-flight futures are boxed and pinned on their own, and no field is ever pinned in
// place, so moving an `EventStream` is always fine.
impl<T, E> Unpin for EventStream<T, E> {}

impl<T, E: Send + 'static> EventStream<T, E> {
    /// Sends `request` and opens the stream: generated `send()` methods call it. `success`
    /// says which statuses the document gives the event stream (only 2XX ones are taken);
    /// any other response is read whole and turned into the operation's error by `error`.
    pub async fn open(
        client: Client,
        request: Request,
        data: EventData<T>,
        success: fn(u16) -> bool,
        error: fn(Response) -> Error<E>,
    ) -> Result<Self, Error<E>> {
        let response = connect(client.clone(), request.clone(), success, error)
            .await
            .map_err(|(e, _)| e)?;
        let limit = client.max_response_body_bytes();
        Ok(EventStream {
            status: response.status(),
            headers: response.headers().clone(),
            client,
            request,
            data,
            success,
            error,
            parser: Parser::new(limit),
            state: read_chunk(response),
            max_attempts: 0,
            attempts: 0,
        })
    }

    /// Reconnects when the server ends the stream or the connection fails: after the
    /// server's `retry` time (or [`DEFAULT_RECONNECT_DELAY`]), the request is sent again
    /// with `Last-Event-ID` set to the last event ID, and the stream goes on with the new
    /// response. At most `max_attempts` reconnections in a row that bring no event; a
    /// response with an error status ends the stream with that error, never reconnecting.
    pub fn reconnect(mut self, max_attempts: u32) -> Self {
        self.max_attempts = max_attempts;
        self
    }

    /// Sets the largest event, in bytes, the stream buffers (by default the client's
    /// `max_response_body_bytes`).
    pub fn max_event_bytes(mut self, limit: u64) -> Self {
        self.parser.limit = usize::try_from(limit).unwrap_or(usize::MAX);
        self
    }

    /// The status of the response the events are being read from.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The headers of the response the events are being read from.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The last event ID the server set (sent as `Last-Event-ID` on reconnection).
    pub fn last_event_id(&self) -> Option<&str> {
        Some(self.parser.last_event_id()).filter(|id| !id.is_empty())
    }

    /// The next event, or `None` once the stream has ended.
    pub async fn next(&mut self) -> Option<Result<Event<T>, Error<E>>> {
        std::future::poll_fn(|cx| futures_core::Stream::poll_next(Pin::new(&mut *self), cx)).await
    }

    fn decode(&self, raw: RawEvent) -> Result<Event<T>, Error<E>> {
        let RawEvent {
            event,
            id,
            retry,
            data,
        } = raw;
        match (self.data.0)(self.status, data) {
            Ok(data) => Ok(Event {
                event,
                id,
                retry,
                data,
            }),
            Err(Error::Decode {
                status,
                path,
                snippet,
                body,
                request_id: _,
                source,
            }) => Err(Error::Decode {
                status,
                path: join_path(&format!("event:{event}"), &path),
                snippet,
                body,
                request_id: request_id(&self.headers).map(str::to_owned),
                source,
            }),
            Err(other) => Err(other.into_typed()),
        }
    }

    /// Starts a reconnection, if one is allowed.
    fn reconnect_now(&mut self) -> bool {
        if self.attempts >= self.max_attempts {
            return false;
        }
        self.attempts += 1;
        let delay = self
            .parser
            .reconnection_time()
            .unwrap_or(DEFAULT_RECONNECT_DELAY);
        let mut request = self.request.clone();
        if let Ok(id) = HeaderValue::from_str(self.parser.last_event_id()) {
            if !id.is_empty() {
                request.headers.insert("last-event-id", id);
            }
        }
        let (client, success, error) = (self.client.clone(), self.success, self.error);
        self.state = State::Reconnecting(Box::pin(async move {
            tokio::time::sleep(delay).await;
            connect(client, request, success, error).await
        }));
        true
    }
}

/// Sends `request`; a response with a success status is returned unread, any other is read
/// and turned into an error. The flag says whether trying again may help (a failure to
/// connect or a timeout, not an error status).
async fn connect<E>(
    client: Client,
    request: Request,
    success: fn(u16) -> bool,
    error: fn(Response) -> Error<E>,
) -> Result<reqwest::Response, (Error<E>, bool)> {
    let response = client.execute_unread(request).await.map_err(|e| {
        let again = matches!(e, Error::Transport(_) | Error::Timeout(_));
        (e.into_typed(), again)
    })?;
    let status = response.status();
    if status.is_success() && success(status.as_u16()) {
        return Ok(response);
    }
    match client.read_response(response).await {
        Ok(response) => Err((error(response), false)),
        Err(e) => Err((e.into_typed(), false)),
    }
}

fn read_chunk<E>(mut response: reqwest::Response) -> State<E> {
    State::Reading(Box::pin(async move {
        let chunk = response.chunk().await;
        (response, chunk)
    }))
}

impl<T, E: Send + 'static> futures_core::Stream for EventStream<T, E> {
    type Item = Result<Event<T>, Error<E>>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if let Some(raw) = this.parser.next_event() {
                this.attempts = 0;
                return Poll::Ready(Some(this.decode(raw)));
            }
            match std::mem::replace(&mut this.state, State::Done) {
                State::Reading(mut read) => match read.as_mut().poll(cx) {
                    Poll::Pending => {
                        this.state = State::Reading(read);
                        return Poll::Pending;
                    }
                    Poll::Ready((response, Ok(Some(chunk)))) => {
                        this.state = match this.parser.feed(&chunk) {
                            Ok(()) => read_chunk(response),
                            Err(TooLarge(limit)) => State::Failed(Error::BodyTooLarge {
                                status: this.status,
                                limit,
                            }),
                        };
                    }
                    Poll::Ready((_, Ok(None))) => {
                        this.parser.end_of_stream();
                        this.reconnect_now();
                    }
                    Poll::Ready((_, Err(e))) => {
                        this.parser.end_of_stream();
                        if !this.reconnect_now() {
                            return Poll::Ready(Some(Err(transport_error(e).into_typed())));
                        }
                    }
                },
                State::Reconnecting(mut connecting) => match connecting.as_mut().poll(cx) {
                    Poll::Pending => {
                        this.state = State::Reconnecting(connecting);
                        return Poll::Pending;
                    }
                    Poll::Ready(Ok(response)) => {
                        this.status = response.status();
                        this.headers = response.headers().clone();
                        this.state = read_chunk(response);
                    }
                    Poll::Ready(Err((e, again))) => {
                        if !(again && this.reconnect_now()) {
                            return Poll::Ready(Some(Err(e)));
                        }
                    }
                },
                State::Failed(e) => return Poll::Ready(Some(Err(e))),
                State::Done => return Poll::Ready(None),
            }
        }
    }
}

impl<T, E> std::fmt::Debug for EventStream<T, E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EventStream")
            .field("status", &self.status)
            .field("last_event_id", &self.parser.last_event_id())
            .field("max_attempts", &self.max_attempts)
            .finish_non_exhaustive()
    }
}
