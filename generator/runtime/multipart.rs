//! `multipart/form-data` bodies: in memory, or streamed when a file part is.

use std::convert::Infallible;
use std::fmt::{self, Display, Write as _};

use super::body::concat;
use super::retry::random_unit;
use super::{Body, Error};

/// A `multipart/form-data` body under construction: text fields, files and JSON parts.
///
/// The form is one buffer in memory unless a file part is a streamed [`Body`]: then the
/// finished form is streamed too, its parts read in order as they are sent, with a
/// `Content-Length` when every streamed part's length is known.
#[derive(Debug)]
pub struct Multipart {
    pub(crate) boundary: String,
    /// Everything before the current buffer, when a streamed part came before it.
    segments: Vec<Body>,
    body: Vec<u8>,
}

impl Default for Multipart {
    fn default() -> Self {
        Self::new()
    }
}

impl Multipart {
    /// An empty form with a fresh random boundary.
    pub fn new() -> Self {
        // 128 random bits: the chance that a part contains the boundary is negligible.
        let a = (random_unit() * (1u64 << 53) as f64) as u64;
        let b = (random_unit() * (1u64 << 53) as f64) as u64;
        Multipart {
            boundary: format!("openapi-rs-gen-{a:014x}{b:014x}"),
            segments: Vec::new(),
            body: Vec::new(),
        }
    }

    fn part_head(&mut self, name: &str, filename: Option<&str>, content_type: Option<&str>) {
        let _ = write!(
            ByteWriter(&mut self.body),
            "--{}\r\nContent-Disposition: form-data; name=\"{}\"",
            self.boundary,
            quote_field(name)
        );
        if let Some(filename) = filename {
            let _ = write!(
                ByteWriter(&mut self.body),
                "; filename=\"{}\"",
                quote_field(filename)
            );
        }
        self.body.extend_from_slice(b"\r\n");
        if let Some(ct) = content_type {
            let _ = write!(ByteWriter(&mut self.body), "Content-Type: {ct}\r\n");
        }
        self.body.extend_from_slice(b"\r\n");
    }

    /// Adds a text field.
    pub fn text(&mut self, name: &str, value: impl Display) {
        self.part_head(name, None, None);
        let _ = write!(ByteWriter(&mut self.body), "{value}");
        self.body.extend_from_slice(b"\r\n");
    }

    /// Adds a file part; the file name is the field name. An in-memory body is copied into
    /// the form; a streamed one (a clone of `data`, which shares its stream) is read when the
    /// form is sent.
    pub fn file(&mut self, name: &str, data: &Body, content_type: &str) {
        self.part_head(name, Some(name), Some(content_type));
        match data.as_bytes() {
            Some(bytes) => self.body.extend_from_slice(bytes),
            None => {
                let head = std::mem::take(&mut self.body);
                self.segments.push(Body::from(head));
                self.segments.push(data.clone());
            }
        }
        self.body.extend_from_slice(b"\r\n");
    }

    /// Adds a part holding `value` as JSON.
    pub fn json<T: serde::Serialize + ?Sized>(
        &mut self,
        name: &str,
        value: &T,
    ) -> Result<(), Error<Infallible>> {
        let data = serde_json::to_vec(value).map_err(Error::Serialize)?;
        self.part_head(name, None, Some("application/json"));
        self.body.extend_from_slice(&data);
        self.body.extend_from_slice(b"\r\n");
        Ok(())
    }

    /// The finished body, with the closing boundary: one buffer, or a stream of the
    /// buffers and streamed parts in order.
    pub(crate) fn finish(mut self) -> Body {
        let _ = write!(ByteWriter(&mut self.body), "--{}--\r\n", self.boundary);
        if self.segments.is_empty() {
            return Body::from(self.body);
        }
        self.segments.push(Body::from(self.body));
        concat(self.segments)
    }
}

/// Escapes a form field or file name for a quoted header parameter.
fn quote_field(name: &str) -> String {
    name.replace('"', "%22").replace(['\r', '\n'], " ")
}

/// `fmt::Write` into a byte buffer.
struct ByteWriter<'a>(&'a mut Vec<u8>);

impl fmt::Write for ByteWriter<'_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.0.extend_from_slice(s.as_bytes());
        Ok(())
    }
}
