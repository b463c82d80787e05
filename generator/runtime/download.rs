//! Downloads read as a stream of chunks, never buffered whole.

use std::convert::Infallible;
use std::future::poll_fn;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::{Bytes, BytesMut};
use futures_core::Stream;
use reqwest::header::HeaderMap;
use reqwest::StatusCode;
use tokio::io::{AsyncWrite, AsyncWriteExt};

use super::error::transport_error;
use super::{Client, Error, Response};

impl Client {
    /// Reads the body of a response from [`execute_unread`](Self::execute_unread) into
    /// memory, within the client's `max_response_body_bytes`: what
    /// [`execute`](Self::execute) does after sending. Generated `send_stream()` methods call
    /// it for the statuses they decode from a buffered body (documented errors).
    pub async fn read_response(
        &self,
        response: reqwest::Response,
    ) -> Result<Response, Error<Infallible>> {
        Response::read(response, self.max_response_body_bytes()).await
    }
}

/// A successful response whose body is read as it arrives, chunk by chunk: what an
/// operation's `send_stream()` returns. Only the chunk in hand (and the transport's buffers)
/// is in memory, so a body of any size takes bounded memory.
///
/// It is a [`Stream`] of `Result<Bytes, Error<E>>` (use it with `futures::StreamExt` or
/// `tokio_stream::StreamExt`), and has [`next_chunk`](Self::next_chunk),
/// [`write_to`](Self::write_to) (into a file or any `AsyncWrite`) and
/// [`collect_bytes`](Self::collect_bytes). The client's `max_response_body_bytes` does not
/// apply to it: you read as much as you choose. The client's `timeout` does: it covers the
/// whole body, so raise it for long downloads. A transfer that fails midway ends the stream
/// with [`Error::Transport`] or [`Error::Timeout`]; a body shorter than its
/// `Content-Length` is such a failure, never a silent end.
#[must_use = "a ByteStream does nothing unless read"]
pub struct ByteStream<E = ()> {
    status: StatusCode,
    headers: HeaderMap,
    content_length: Option<u64>,
    body: reqwest::Body,
    done: bool,
    error: PhantomData<fn() -> E>,
}

impl<E> ByteStream<E> {
    /// Wraps a response whose body is unread (from `Client::execute_unread`). Generated
    /// `send_stream()` methods call it once the status is known to be a success.
    pub fn new(mut response: reqwest::Response) -> Self {
        let status = response.status();
        let content_length = response.content_length();
        let headers = std::mem::take(response.headers_mut());
        ByteStream {
            status,
            headers,
            content_length,
            body: reqwest::Body::from(response),
            done: false,
            error: PhantomData,
        }
    }

    /// The response status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The body's length from `Content-Length`, when the server sent one.
    pub fn content_length(&self) -> Option<u64> {
        self.content_length
    }

    /// The next chunk of the body, or `None` at its end.
    pub async fn next_chunk(&mut self) -> Result<Option<Bytes>, Error<E>> {
        poll_fn(|cx| Pin::new(&mut *self).poll_next(cx))
            .await
            .transpose()
    }

    /// Writes the whole body into `writer` as it arrives (a `tokio::fs::File`, a socket,
    /// `tokio::io::sink()`), flushes it, and returns the number of bytes written. A write
    /// that fails is [`Error::Io`].
    pub async fn write_to<W>(mut self, writer: &mut W) -> Result<u64, Error<E>>
    where
        W: AsyncWrite + Unpin + ?Sized,
    {
        let mut written = 0u64;
        while let Some(chunk) = self.next_chunk().await? {
            writer.write_all(&chunk).await.map_err(Error::Io)?;
            written += chunk.len() as u64;
        }
        writer.flush().await.map_err(Error::Io)?;
        Ok(written)
    }

    /// Reads the whole body into memory, failing with [`Error::BodyTooLarge`] as soon as it
    /// is known to be longer than `limit` bytes (before reading, when `Content-Length` says
    /// so).
    pub async fn collect_bytes(mut self, limit: u64) -> Result<Bytes, Error<E>> {
        let status = self.status;
        let too_large = || Error::BodyTooLarge { status, limit };
        if self.content_length.is_some_and(|len| len > limit) {
            return Err(too_large());
        }
        let capacity = usize::try_from(self.content_length.unwrap_or(0)).unwrap_or(0);
        let mut body = BytesMut::with_capacity(capacity);
        while let Some(chunk) = self.next_chunk().await? {
            if body.len() as u64 + chunk.len() as u64 > limit {
                return Err(too_large());
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body.freeze())
    }
}

impl<E> Stream for ByteStream<E> {
    type Item = Result<Bytes, Error<E>>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if this.done {
                return Poll::Ready(None);
            }
            let frame = match http_body::Body::poll_frame(Pin::new(&mut this.body), cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(frame) => frame,
            };
            match frame {
                None => {
                    this.done = true;
                    return Poll::Ready(None);
                }
                Some(Err(e)) => {
                    this.done = true;
                    return Poll::Ready(Some(Err(transport_error(e).into_typed())));
                }
                // Trailers and unknown frames carry no body bytes.
                Some(Ok(frame)) => match frame.into_data() {
                    Ok(data) if !data.is_empty() => return Poll::Ready(Some(Ok(data))),
                    _ => continue,
                },
            }
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (0, None)
    }
}

impl<E> std::fmt::Debug for ByteStream<E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ByteStream")
            .field("status", &self.status)
            .field("headers", &self.headers)
            .field("content_length", &self.content_length)
            .finish_non_exhaustive()
    }
}
