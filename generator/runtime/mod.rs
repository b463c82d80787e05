//! Runtime support for the generated API client.
//!
//! The generator copies these modules verbatim into every client it emits, as
//! `src/runtime/` of a crate or as the inline `runtime` module of a single-file client.
//! Generated operation builders use them to:
//!
//! - build requests ([`Request`]) with correctly percent-encoded paths and queries,
//! - send them through a shared [`Client`] that applies credentials, timeouts
//!   and retries, and never follows redirects,
//! - read responses ([`Response`]) up to a size limit and decode them into typed values or
//!   typed errors ([`Error`]),
//! - send request bodies from memory or streamed from a stream, reader or file ([`Body`]),
//!   and read binary downloads as they arrive ([`ByteStream`]),
//! - check schema constraints before sending ([`check_string`], [`check_number`], ...), in
//!   time linear in the value's length,
//! - turn paginated endpoints into item streams ([`paginate`]) that stop with an error when
//!   the server's paging would never end,
//! - read `text/event-stream` responses as typed streams of server-sent events
//!   ([`EventStream`]), reconnecting with `Last-Event-ID` when asked to,
//! - write values of formatted types as text ([`serde_text`]) and name the format in
//!   decoding errors ([`decode_format`]); `Base64` (bytes as base64 text) is added, with
//!   its module, only to crates whose document uses `format: byte`.
//!
//! - let the user shape each call: per-request options ([`RequestOptions`]), interceptors
//!   around every attempt ([`Interceptor`]), the full response ([`Full`], `send_full`) or
//!   the bare one (`send_unread`), and spans and events with the crate's `tracing` feature.
//!
//! They depend only on the crate's declared dependencies and on nothing else in the crate,
//! so they can be reviewed and tested on their own. Everything a crate uses is re-exported
//! here; the modules themselves are internal to it.
#![allow(unexpected_cfgs)]
// `feature = "..."` below names the crate's optional parts; where this runtime is included
// as a module (a build script's output) they are the including crate's own features.

pub(crate) mod attempt;
pub(crate) mod auth;
pub(crate) mod body;
pub(crate) mod client;
pub mod de;
pub(crate) mod download;
pub(crate) mod error;
pub(crate) mod formats;
pub(crate) mod interceptor;
#[cfg(feature = "mock")]
pub mod mock;
pub(crate) mod model;
pub(crate) mod multipart;
pub(crate) mod operation;
pub(crate) mod options;
pub(crate) mod paging;
pub(crate) mod params;
pub(crate) mod pattern;
pub(crate) mod request;
pub(crate) mod response;
pub(crate) mod retry;
pub mod ser;
pub(crate) mod sse;
pub(crate) mod trace;
pub(crate) mod validate;

pub use auth::{SchemeKind, Secret, SecurityScheme};
pub use body::Body;
pub use client::{Client, ClientBuilder, SendFuture, DEFAULT_MAX_RESPONSE_BODY_BYTES};
pub use download::ByteStream;
pub use error::{BuildError, Error};
pub use formats::{decode as decode_format, serde_text};
pub use interceptor::{AfterAttempt, BeforeAttempt, BoxError, Interceptor, Retry, RetryReason};
pub use model::{deserialize_tagged, serialize_tagged};
pub use multipart::Multipart;
pub use operation::{
    send, send_full, send_unread, Decoded, Detailed, Full, Mode, Operation, Sending, Unread,
};
pub use options::{RequestOptions, IDEMPOTENCY_KEY_HEADER};
pub use paging::{paginate, ItemStream, Next, PagingProblem};
pub use params::{cookie_styled, header_styled, path_styled, push_cookie, ParamStyle, Style};
pub use pattern::{Atom, Pattern};
pub use request::{encode_path_segment, form_pairs, join_comma, json_text, ObjectStyle, Request};
pub use response::Response;
pub use retry::RetryPolicy;
pub use sse::{Event, EventData, EventStream, DEFAULT_RECONNECT_DELAY};
pub use validate::{check_integer, check_items, check_number, check_string, ValidationError};
