//! Received responses: reading the body up to a limit and decoding it into typed values
//! or typed errors.

use std::convert::Infallible;
use std::fmt::{self, Display};

use reqwest::header::{self, HeaderMap};
use reqwest::{StatusCode, Url};

use super::error::{request_id, transport_error, Message};
use super::model::{join_path, split_inner_path};
use super::Error;

/// Longest body excerpt kept in errors, in bytes.
pub(crate) const MAX_SNIPPET: usize = 512;

/// A received response with its body fully read.
pub struct Response {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Vec<u8>,
    /// The request URL without query or fragment (the query may hold an API key).
    pub(crate) url: Url,
}

impl Response {
    /// Reads the whole body of a reqwest response, failing with [`Error::BodyTooLarge`]
    /// as soon as it is known to be longer than `limit` bytes.
    pub(crate) async fn read(
        mut resp: reqwest::Response,
        limit: u64,
    ) -> Result<Response, Error<Infallible>> {
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
        decode_json(self.status, &self.headers, &self.body)
    }

    /// Returns the body as UTF-8 text.
    pub fn text<E>(self) -> Result<String, Error<E>> {
        self.into_text().map(|(text, _, _)| text)
    }

    /// The body as UTF-8 text, with what a later decoding error needs.
    fn into_text<E>(self) -> Result<(String, StatusCode, HeaderMap), Error<E>> {
        let Response {
            status,
            headers,
            body,
            ..
        } = self;
        match String::from_utf8(body) {
            Ok(text) => Ok((text, status, headers)),
            Err(e) => Err(decode_error(
                status,
                &headers,
                String::new(),
                e.as_bytes(),
                e.utf8_error(),
            )),
        }
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
        let (text, status, headers) = self.into_text()?;
        text.trim().parse().map_err(|e: T::Err| {
            decode_error(
                status,
                &headers,
                String::new(),
                text.as_bytes(),
                Message(e.to_string()),
            )
        })
    }

    /// Reads a `text/plain` body as the serde form of `T`, ignoring surrounding whitespace:
    /// the text as a JSON string's contents, or else as a number's or boolean's JSON text. A failure names `format`, when `T` stands for one.
    pub fn serde_text<T: serde::de::DeserializeOwned, E>(
        self,
        format: Option<&str>,
    ) -> Result<T, Error<E>> {
        let (text, status, headers) = self.into_text()?;
        from_serde_text(text.trim(), format)
            .map_err(|e| decode_error(status, &headers, String::new(), text.as_bytes(), e))
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
                &self.headers,
                path,
                b"",
                Message("the response has no Location header".to_owned()),
            ));
        };
        let location = value.to_str().map_err(|e| {
            decode_error(
                self.status,
                &self.headers,
                path.clone(),
                value.as_bytes(),
                e,
            )
        })?;
        self.url
            .join(location)
            .map_err(|e| decode_error(self.status, &self.headers, path, location.as_bytes(), e))
    }

    /// Reads a declared response header as `T`; `Ok(None)` when it is absent. A value that
    /// does not parse is a [`Error::Decode`] naming the header.
    pub fn header_value<T: std::str::FromStr, E>(&self, name: &str) -> Result<Option<T>, Error<E>>
    where
        T::Err: std::error::Error + Send + Sync + 'static,
    {
        let Some((path, text)) = self.header_text(name)? else {
            return Ok(None);
        };
        text.trim()
            .parse()
            .map(Some)
            .map_err(|e| decode_error(self.status, &self.headers, path, text.as_bytes(), e))
    }

    /// A header's text and its place for errors (`header:<name>`); `None` when it is absent.
    fn header_text<E>(&self, name: &str) -> Result<Option<(String, &str)>, Error<E>> {
        let Some(value) = self.headers.get(name) else {
            return Ok(None);
        };
        let path = format!("header:{name}");
        match value.to_str() {
            Ok(text) => Ok(Some((path, text))),
            Err(e) => Err(decode_error(
                self.status,
                &self.headers,
                path,
                value.as_bytes(),
                e,
            )),
        }
    }

    /// Reads a declared response header as the serde form of `T` (as
    /// [`Self::serde_text`] reads a body); `Ok(None)` when it is absent. A value that does not decode is a
    /// [`Error::Decode`] naming the header, and `format` when `T` stands for one.
    pub fn header_serde<T: serde::de::DeserializeOwned, E>(
        &self,
        name: &str,
        format: Option<&str>,
    ) -> Result<Option<T>, Error<E>> {
        let Some((path, text)) = self.header_text(name)? else {
            return Ok(None);
        };
        from_serde_text(text.trim(), format)
            .map(Some)
            .map_err(|e| decode_error(self.status, &self.headers, path, text.as_bytes(), e))
    }

    /// A documented error status: decodes the body as `E` into [`Error::Api`],
    /// or returns [`Error::Decode`] when the body does not decode.
    pub fn api_error<E: serde::de::DeserializeOwned>(self) -> Error<E> {
        match decode_json(self.status, &self.headers, &self.body) {
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

pub(crate) fn decode_json<T: serde::de::DeserializeOwned, E>(
    status: StatusCode,
    headers: &HeaderMap,
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
            Err(e) => Err(decode_error(status, headers, String::new(), body, e)),
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
                    headers,
                    path,
                    body,
                    Message(inner_message.to_string()),
                ));
            }
            // "." is the root: no useful location to name.
            let path = if path == "." { String::new() } else { path };
            Err(decode_error(status, headers, path, body, inner))
        }
    }
}

/// Decodes `T` from text as `runtime::serde_text` writes it: the contents of a JSON string,
/// or (when that fails) a number's or boolean's JSON text. A failure names `format`.
pub(crate) fn from_serde_text<T: serde::de::DeserializeOwned>(
    text: &str,
    format: Option<&str>,
) -> Result<T, Message> {
    let as_string = T::deserialize(serde_json::Value::String(text.to_owned()));
    let error = match as_string {
        Ok(value) => return Ok(value),
        Err(e) => match serde_json::from_str::<serde_json::Value>(text) {
            Ok(v @ (serde_json::Value::Number(_) | serde_json::Value::Bool(_))) => {
                match T::deserialize(v) {
                    Ok(value) => return Ok(value),
                    Err(e) => e,
                }
            }
            _ => e,
        },
    };
    Err(Message(match format {
        Some(format) => format!("not a valid `{format}` value: {error}"),
        None => error.to_string(),
    }))
}

fn decode_error<E>(
    status: StatusCode,
    headers: &HeaderMap,
    path: String,
    body: &[u8],
    source: impl std::error::Error + Send + Sync + 'static,
) -> Error<E> {
    Error::Decode {
        status,
        path,
        snippet: snippet(body),
        // A copy, on the failure path only.
        body: bytes::Bytes::copy_from_slice(body),
        request_id: request_id(headers).map(str::to_owned),
        source: Box::new(source),
    }
}

/// The start of a body for error messages: at most `MAX_SNIPPET` bytes,
/// cut on a character boundary, with invalid UTF-8 replaced.
pub(crate) fn snippet(body: &[u8]) -> String {
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

impl Response {
    /// The body as [`Bytes`](bytes::Bytes), without copying it: the buffer it was read into
    /// becomes the `Bytes`.
    pub fn into_bytes(self) -> bytes::Bytes {
        bytes::Bytes::from(self.body)
    }
}
