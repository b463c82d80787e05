//! Unit tests of the runtime, run against the exact files every generated crate receives as
//! `src/runtime/`: `generator/runtime/` is mounted here as this crate's `runtime` module, the
//! place it has in a generated crate, so the crate-internal items the tests reach are the
//! shipped ones. The shipped copy carries no test code.

// A generated crate exports the runtime's public items; this test crate uses only some.
#[allow(dead_code, unused_imports)]
#[path = "../../runtime/mod.rs"]
mod runtime;

// Shipped only to crates that need them, beside `mod.rs`, which then declares them.
#[allow(dead_code)]
#[path = "../../runtime/base64_bytes.rs"]
mod shipped_base64_bytes;
#[allow(dead_code)]
#[path = "../../runtime/time_rfc3339.rs"]
mod shipped_time_rfc3339;

mod auth;
mod base64_bytes;
mod body;
mod client;
mod de;
mod error;
mod formats;
mod model;
mod multipart;
mod paging;
mod params;
mod pattern;
mod request;
mod response;
mod retry;
mod ser;
mod server;
mod sse;
mod time_rfc3339;
mod validate;
