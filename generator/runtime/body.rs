//! Request bodies: in memory, or streamed from a `Stream`, an `AsyncRead` or a file without
//! loading it, with a `Content-Length` when the length is known.

use std::collections::VecDeque;
use std::convert::Infallible;
use std::fmt;
use std::io::SeekFrom;
use std::path::Path;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{ready, Context, Poll};

use bytes::{Bytes, BytesMut};
use futures_core::Stream;
use http_body::{Frame, SizeHint};
use tokio::io::{AsyncRead, AsyncSeekExt, ReadBuf};

use super::error::Message;
use super::Error;

/// The error a body stream may end with.
pub(crate) type BoxError = Box<dyn std::error::Error + Send + Sync>;
type ChunkStream = Pin<Box<dyn Stream<Item = Result<Bytes, BoxError>> + Send>>;

/// How many bytes a reader or file body reads at a time.
const READ_CHUNK: usize = 64 * 1024;

/// A request body: bytes in memory, or a stream of chunks that is sent as it is read.
///
/// In-memory bodies come from `Bytes`, `Vec<u8>`, `String`, `&'static [u8]` or
/// `&'static str` (`.into()`, none copied). Streamed ones come from
/// [`from_stream`](Self::from_stream) or [`from_reader`](Self::from_reader) (sent with
/// `Transfer-Encoding: chunked` on HTTP/1.1), from [`sized_stream`](Self::sized_stream) or
/// [`sized_reader`](Self::sized_reader) (sent with `Content-Length`), or from a file
/// ([`file`](Self::file), [`open`](Self::open), with the length from its metadata).
///
/// A streamed body is read once: a request with one is never retried (an in-memory body is
/// resent on a retry), and a clone shares the one stream, so only the first of the clones to
/// be sent can send it; sending another fails with [`Error::InvalidArgument`] before anything
/// is sent. A stream with a declared length that yields more or fewer bytes fails the request
/// with [`Error::Transport`], as does an error from the stream itself (it is the error's
/// [`source`](std::error::Error::source)). The client's `timeout` covers sending the body.
#[derive(Clone)]
pub struct Body {
    inner: Inner,
}

#[derive(Clone)]
enum Inner {
    Bytes(Bytes),
    Stream {
        /// Taken by whichever clone is sent first.
        stream: Arc<Mutex<Option<ChunkStream>>>,
        len: Option<u64>,
    },
}

impl Body {
    /// An empty body.
    pub fn empty() -> Self {
        Body::from(Bytes::new())
    }

    /// A body streamed from `stream`, of unknown length: chunked on HTTP/1.1. The stream is
    /// polled as the connection takes the bytes, so only the chunks in flight are in memory.
    pub fn from_stream<S, T, E>(stream: S) -> Self
    where
        S: Stream<Item = Result<T, E>> + Send + 'static,
        T: Into<Bytes>,
        E: Into<BoxError>,
    {
        Body::streamed(Box::pin(MapChunks(Box::pin(stream))), None)
    }

    /// A body streamed from `stream` that is exactly `len` bytes long: sent with
    /// `Content-Length: len`. A stream that yields more or fewer bytes fails the request.
    pub fn sized_stream<S, T, E>(stream: S, len: u64) -> Self
    where
        S: Stream<Item = Result<T, E>> + Send + 'static,
        T: Into<Bytes>,
        E: Into<BoxError>,
    {
        Body::streamed(Box::pin(MapChunks(Box::pin(stream))), Some(len))
    }

    /// A body read from `reader` as it is sent, of unknown length (chunked on HTTP/1.1).
    pub fn from_reader(reader: impl AsyncRead + Send + 'static) -> Self {
        Body::streamed(Box::pin(ReaderStream::new(reader)), None)
    }

    /// A body read from `reader` as it is sent, exactly `len` bytes long (`Content-Length`).
    pub fn sized_reader(reader: impl AsyncRead + Send + 'static, len: u64) -> Self {
        Body::streamed(Box::pin(ReaderStream::new(reader)), Some(len))
    }

    /// A body read from `file`, from its current position to its end, as it is sent. A
    /// regular file's length comes from its metadata (sent as `Content-Length`); anything
    /// else (a pipe, a device) is sent chunked. Fails when the metadata or the position
    /// cannot be read.
    pub async fn file(mut file: tokio::fs::File) -> std::io::Result<Self> {
        let metadata = file.metadata().await?;
        if !metadata.is_file() {
            return Ok(Body::from_reader(file));
        }
        let position = file.seek(SeekFrom::Current(0)).await?;
        let len = metadata.len().saturating_sub(position);
        Ok(Body::sized_reader(file, len))
    }

    /// Opens the file at `path` and reads it as it is sent, as [`file`](Self::file) does.
    pub async fn open(path: impl AsRef<Path>) -> std::io::Result<Self> {
        Body::file(tokio::fs::File::open(path).await?).await
    }

    /// The length in bytes, when known: always for an in-memory body, for a streamed one
    /// when it was declared (or read from a file's metadata).
    pub fn len(&self) -> Option<u64> {
        match &self.inner {
            Inner::Bytes(bytes) => Some(bytes.len() as u64),
            Inner::Stream { len, .. } => *len,
        }
    }

    /// Whether the body is known to be empty.
    pub fn is_empty(&self) -> bool {
        self.len() == Some(0)
    }

    /// Whether the body is streamed (read once, as it is sent) rather than in memory.
    pub fn is_streamed(&self) -> bool {
        matches!(self.inner, Inner::Stream { .. })
    }

    /// The bytes of an in-memory body; `None` for a streamed one.
    pub fn as_bytes(&self) -> Option<&Bytes> {
        match &self.inner {
            Inner::Bytes(bytes) => Some(bytes),
            Inner::Stream { .. } => None,
        }
    }

    fn streamed(stream: ChunkStream, len: Option<u64>) -> Self {
        Body {
            inner: Inner::Stream {
                stream: Arc::new(Mutex::new(Some(stream))),
                len,
            },
        }
    }

    /// Takes the stream out of a streamed body (shared by its clones), or `None` when a
    /// clone already took it.
    fn take_stream(stream: &Mutex<Option<ChunkStream>>) -> Option<ChunkStream> {
        stream.lock().unwrap_or_else(PoisonError::into_inner).take()
    }

    /// The body for reqwest: in memory (resendable, so a request can be retried) or a
    /// one-shot stream whose size hint is the declared length, which becomes the
    /// `Content-Length`.
    pub(crate) fn into_reqwest(self) -> Result<reqwest::Body, Error<Infallible>> {
        match self.inner {
            Inner::Bytes(bytes) => Ok(bytes.into()),
            Inner::Stream { stream, len } => match Body::take_stream(&stream) {
                Some(stream) => Ok(reqwest::Body::wrap(StreamBody {
                    stream: Mutex::new(stream),
                    declared: len,
                    sent: 0,
                })),
                None => Err(Error::InvalidArgument {
                    name: "body",
                    reason: "a streamed body is read once, and a clone of it was already sent"
                        .to_owned(),
                }),
            },
        }
    }
}

impl Default for Body {
    fn default() -> Self {
        Body::empty()
    }
}

impl fmt::Debug for Body {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Body")
            .field("streamed", &self.is_streamed())
            .field("len", &self.len())
            .finish()
    }
}

/// In-memory bodies are equal when their bytes are; a streamed body equals only its clones.
impl PartialEq for Body {
    fn eq(&self, other: &Self) -> bool {
        match (&self.inner, &other.inner) {
            (Inner::Bytes(a), Inner::Bytes(b)) => a == b,
            (Inner::Stream { stream: a, .. }, Inner::Stream { stream: b, .. }) => Arc::ptr_eq(a, b),
            _ => false,
        }
    }
}

/// Serialized as its bytes, as `Bytes` is; a streamed body cannot be serialized.
impl serde::Serialize for Body {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match &self.inner {
            Inner::Bytes(bytes) => bytes.serialize(serializer),
            Inner::Stream { .. } => Err(serde::ser::Error::custom(
                "a streamed body cannot be serialized",
            )),
        }
    }
}

/// Read as `Bytes` is, into an in-memory body.
impl<'de> serde::Deserialize<'de> for Body {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Bytes::deserialize(deserializer).map(Body::from)
    }
}

impl From<Bytes> for Body {
    fn from(bytes: Bytes) -> Self {
        Body {
            inner: Inner::Bytes(bytes),
        }
    }
}

macro_rules! body_from_bytes {
    ($($t:ty),*) => {$(
        impl From<$t> for Body {
            /// An in-memory body, without a copy.
            fn from(value: $t) -> Self {
                Body::from(Bytes::from(value))
            }
        }
    )*};
}

body_from_bytes!(
    Vec<u8>,
    String,
    &'static [u8],
    &'static str,
    Box<[u8]>,
    BytesMut
);

/// A stream of `Into<Bytes>` chunks with `Into<BoxError>` errors, as the runtime's chunks.
/// The stream is boxed so it need not be `Unpin` (the crate forbids `unsafe`, so no pin
/// projection).
struct MapChunks<S>(Pin<Box<S>>);

impl<S, T, E> Stream for MapChunks<S>
where
    S: Stream<Item = Result<T, E>>,
    T: Into<Bytes>,
    E: Into<BoxError>,
{
    type Item = Result<Bytes, BoxError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.0
            .as_mut()
            .poll_next(cx)
            .map(|item| item.map(|r| r.map(Into::into).map_err(Into::into)))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.0.size_hint()
    }
}

/// Reads an `AsyncRead` as a stream of chunks of up to [`READ_CHUNK`] bytes.
struct ReaderStream {
    reader: Option<Pin<Box<dyn AsyncRead + Send>>>,
    buf: BytesMut,
}

impl ReaderStream {
    fn new(reader: impl AsyncRead + Send + 'static) -> Self {
        ReaderStream {
            reader: Some(Box::pin(reader)),
            buf: BytesMut::new(),
        }
    }
}

impl Stream for ReaderStream {
    type Item = Result<Bytes, BoxError>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        let Some(reader) = this.reader.as_mut() else {
            return Poll::Ready(None);
        };
        // Reuses the allocation once the previous chunk has been sent and dropped.
        this.buf.resize(READ_CHUNK, 0);
        let mut read = ReadBuf::new(&mut this.buf);
        let polled = reader.as_mut().poll_read(cx, &mut read);
        let n = read.filled().len();
        match ready!(polled) {
            Ok(()) if n == 0 => {
                this.reader = None;
                this.buf = BytesMut::new();
                Poll::Ready(None)
            }
            Ok(()) => {
                this.buf.truncate(n);
                Poll::Ready(Some(Ok(this.buf.split().freeze())))
            }
            Err(e) => {
                this.reader = None;
                Poll::Ready(Some(Err(e.into())))
            }
        }
    }
}

/// A streamed body as an `http_body::Body`: its size hint is the declared length, and it
/// fails when the stream yields more or fewer bytes than declared.
struct StreamBody {
    /// A mutex only so the body is `Sync`, as reqwest requires; polling takes `&mut self`
    /// and never locks it.
    stream: Mutex<ChunkStream>,
    declared: Option<u64>,
    sent: u64,
}

impl http_body::Body for StreamBody {
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        let this = self.get_mut();
        let stream = this
            .stream
            .get_mut()
            .unwrap_or_else(PoisonError::into_inner);
        loop {
            return match ready!(stream.as_mut().poll_next(cx)) {
                // An empty chunk would end a chunked body early on the wire.
                Some(Ok(chunk)) if chunk.is_empty() => continue,
                Some(Ok(chunk)) => {
                    this.sent += chunk.len() as u64;
                    match this.declared {
                        Some(len) if this.sent > len => Poll::Ready(Some(Err(length_error(
                            format!("the body stream yielded more than its declared {len} bytes"),
                        )))),
                        _ => Poll::Ready(Some(Ok(Frame::data(chunk)))),
                    }
                }
                Some(Err(e)) => Poll::Ready(Some(Err(e))),
                None => match this.declared {
                    Some(len) if this.sent < len => Poll::Ready(Some(Err(length_error(format!(
                        "the body stream ended after {} of its declared {len} bytes",
                        this.sent
                    ))))),
                    _ => Poll::Ready(None),
                },
            };
        }
    }

    fn size_hint(&self) -> SizeHint {
        match self.declared {
            Some(len) => SizeHint::with_exact(len.saturating_sub(self.sent)),
            None => SizeHint::default(),
        }
    }
}

fn length_error(message: String) -> BoxError {
    Box::new(Message(message))
}

/// Concatenates bodies into one stream: in-memory ones yield their bytes, streamed ones
/// their chunks, in order. Used for a multipart body with a streamed part.
pub(crate) fn concat(parts: Vec<Body>) -> Body {
    let len = parts
        .iter()
        .map(Body::len)
        .try_fold(0u64, |sum, len| len.map(|len| sum + len));
    let stream = Concat {
        parts: parts.into(),
        current: None,
    };
    Body::streamed(Box::pin(stream), len)
}

struct Concat {
    parts: VecDeque<Body>,
    current: Option<ChunkStream>,
}

impl Stream for Concat {
    type Item = Result<Bytes, BoxError>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if let Some(current) = this.current.as_mut() {
                match ready!(current.as_mut().poll_next(cx)) {
                    Some(item) => return Poll::Ready(Some(item)),
                    None => this.current = None,
                }
            }
            let Some(part) = this.parts.pop_front() else {
                return Poll::Ready(None);
            };
            match part.inner {
                Inner::Bytes(bytes) if bytes.is_empty() => {}
                Inner::Bytes(bytes) => return Poll::Ready(Some(Ok(bytes))),
                Inner::Stream { stream, .. } => match Body::take_stream(&stream) {
                    Some(stream) => this.current = Some(stream),
                    None => {
                        this.parts.clear();
                        return Poll::Ready(Some(Err(length_error(
                            "a streamed part is read once, and a clone of it was already sent"
                                .to_owned(),
                        ))));
                    }
                },
            }
        }
    }
}
