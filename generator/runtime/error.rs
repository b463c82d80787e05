//! The errors of an operation and of building a client, with their messages.

use std::convert::Infallible;
use std::fmt::{self, Display};

use reqwest::header::HeaderMap;
use reqwest::StatusCode;

use super::retry::is_retryable_status;
use super::PagingProblem;

/// Why [`ClientBuilder::build`] failed.
///
/// [`ClientBuilder::build`]: super::ClientBuilder::build
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
    /// The HTTP client settings cannot be used together, or a setting cannot be sent.
    InvalidHttpSetting {
        /// What is wrong.
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
            BuildError::InvalidHttpSetting { reason } => {
                write!(f, "invalid HTTP client setting: {reason}")
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

/// A plain message used as an error source.
#[derive(Debug)]
pub(crate) struct Message(pub(crate) String);

impl Display for Message {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Message {}

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
        /// `header:<Name>` for a response header, or `event:<type>` followed by the JSON
        /// path for the data of a server-sent event.
        path: String,
        /// The start of the offending data (at most 512 bytes).
        snippet: String,
        /// The offending data whole: the raw body, or the header's value.
        body: bytes::Bytes,
        /// The response's request id header (see [`Error::request_id`]).
        request_id: Option<String>,
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
    ///
    /// [`ClientBuilder::max_response_body_bytes`]: super::ClientBuilder::max_response_body_bytes
    BodyTooLarge {
        /// The response status.
        status: StatusCode,
        /// The limit in bytes.
        limit: u64,
    },
    /// An interceptor's hook failed; see [`Interceptor`](super::Interceptor).
    Interceptor {
        /// The operation's id.
        operation: &'static str,
        /// The hook's error.
        source: super::BoxError,
    },
    /// A paging stream stopped because the server's paging would never end; the items
    /// of the pages before were yielded.
    Paging {
        /// The page (counting from 1) whose response broke the rule.
        page: u64,
        /// The rule it broke.
        reason: PagingProblem,
    },
    /// Writing a downloaded body failed ([`ByteStream::write_to`]).
    ///
    /// [`ByteStream::write_to`]: super::ByteStream::write_to
    Io(std::io::Error),
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

    /// The request id the server gave the response, for support tickets and logs: the value
    /// of the first header whose name ends in `request-id` or `requestid` (`x-request-id`,
    /// `request-id`, `x-amzn-requestid`, `x-ms-request-id`, a declared one so named), else
    /// `x-correlation-id` or `x-trace-id`. Kept on every error that has a response.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Error::Api { headers, .. } | Error::UnexpectedStatus { headers, .. } => {
                request_id(headers)
            }
            Error::Decode { request_id, .. } => request_id.as_deref(),
            _ => None,
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
    ///
    /// [`Client::execute`]: super::Client::execute
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
                body,
                request_id,
                source,
            } => Error::Decode {
                status,
                path,
                snippet,
                body,
                request_id,
                source,
            },
            Error::Interceptor { operation, source } => Error::Interceptor { operation, source },
            Error::InvalidArgument { name, reason } => Error::InvalidArgument { name, reason },
            Error::MissingCredentials { accepted } => Error::MissingCredentials { accepted },
            Error::Serialize(e) => Error::Serialize(e),
            Error::BodyTooLarge { status, limit } => Error::BodyTooLarge { status, limit },
            Error::Paging { page, reason } => Error::Paging { page, reason },
            Error::Io(e) => Error::Io(e),
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
                } else if path.starts_with("event:") {
                    write!(f, "failed to decode server-sent event data at `{path}`")
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
            Error::Paging { page, reason } => {
                write!(f, "paging stopped after page {page}: {reason}")
            }
            Error::Interceptor { operation, .. } => {
                write!(f, "an interceptor failed the call of `{operation}`")
            }
            Error::Io(_) => f.write_str("failed to write the downloaded body"),
        }
    }
}

impl<E: fmt::Debug> std::error::Error for Error<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Timeout(e) | Error::Transport(e) => Some(e),
            Error::Decode { source, .. } | Error::Interceptor { source, .. } => Some(&**source),
            Error::Serialize(e) => Some(e),
            Error::Io(e) => Some(e),
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

/// The request id among response headers (see [`Error::request_id`]).
pub(crate) fn request_id(headers: &HeaderMap) -> Option<&str> {
    let by_suffix = headers.iter().find_map(|(name, value)| {
        let name = name.as_str();
        (name.ends_with("request-id") || name.ends_with("requestid")).then_some(value)
    });
    let value = by_suffix.or_else(|| {
        ["x-correlation-id", "x-trace-id"]
            .iter()
            .find_map(|name| headers.get(*name))
    })?;
    value.to_str().ok()
}

/// Wraps a reqwest error, dropping its URL: the query may hold an API key.
pub(crate) fn transport_error(err: reqwest::Error) -> Error<Infallible> {
    let err = err.without_url();
    if err.is_timeout() {
        Error::Timeout(err)
    } else {
        Error::Transport(err)
    }
}
