//! Requests under construction: paths, query parameters, headers and bodies, every part
//! percent-encoded so no value can change another.

use std::convert::Infallible;
use std::fmt::{self, Display, Write as _};

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use reqwest::header::{self, HeaderMap, HeaderName, HeaderValue};
use reqwest::Method;

use super::{Body, Error, Multipart, RequestOptions};

/// Every byte except RFC 3986 unreserved characters (ALPHA / DIGIT / "-" / "." / "_" / "~").
///
/// Used for path segments, query names and values, and form fields: encoding
/// everything else means no value can ever inject a delimiter.
pub(crate) const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// A request under construction, built by generated operation code.
///
/// Setters never fail: an invalid argument is recorded and reported by
/// [`Client::execute`] as [`Error::InvalidArgument`], before anything is sent.
///
/// [`Client::execute`]: super::Client::execute
#[derive(Clone)]
pub struct Request {
    /// The operationId it is sent for (empty when not set), for interceptors and traces.
    pub(crate) operation: &'static str,
    /// The operation's path template as the document writes it, for traces (never the
    /// expanded path, which may hold identifiers).
    pub(crate) path_template: &'static str,
    pub(crate) method: Method,
    pub(crate) path: String,
    /// Already encoded `name=value` pairs joined by '&'.
    pub(crate) query: String,
    pub(crate) headers: HeaderMap,
    /// In memory (shared, so a retry resends it without a copy) or streamed (sent once).
    pub(crate) body: Option<Body>,
    pub(crate) security: &'static [&'static [&'static str]],
    /// The first invalid argument seen.
    pub(crate) invalid: Option<(&'static str, String)>,
    /// The call's own options.
    pub(crate) options: RequestOptions,
}

impl Request {
    /// `path` is the already-expanded path starting with '/', joined onto the base
    /// URL's path (base `https://h/api` + `/v1/x` = `https://h/api/v1/x`).
    pub fn new(method: Method, path: String) -> Self {
        Request {
            operation: "",
            path_template: "",
            method,
            path,
            query: String::new(),
            headers: HeaderMap::new(),
            body: None,
            security: &[],
            invalid: None,
            options: RequestOptions::new(),
        }
    }

    /// Names the operation the request is sent for: its operationId and path template.
    pub fn operation(&mut self, id: &'static str, path_template: &'static str) {
        self.operation = id;
        self.path_template = path_template;
    }

    /// Sets the call's own options (timeout, headers, retry policy, idempotency key).
    pub fn options(&mut self, options: RequestOptions) {
        self.options = options;
    }

    /// Appends a query parameter, percent-encoded as a query component.
    pub fn query(&mut self, name: &'static str, value: impl Display) {
        push_query_key(&mut self.query, name);
        // Errors come only from a failing Display impl; the value is then cut short.
        let _ = write!(PercentEncoder(&mut self.query), "{value}");
    }

    /// Appends a query parameter when `value` is `Some`.
    pub fn query_opt<T: Display>(&mut self, name: &'static str, value: Option<&T>) {
        if let Some(value) = value {
            self.query(name, value);
        }
    }

    /// Appends an array query parameter: the key repeated per item when
    /// `explode`, else one key with comma-separated items. An empty array adds nothing.
    pub fn query_array<T: Display>(&mut self, name: &'static str, values: &[T], explode: bool) {
        if explode {
            for value in values {
                self.query(name, value);
            }
        } else if !values.is_empty() {
            push_query_key(&mut self.query, name);
            for (i, value) in values.iter().enumerate() {
                if i > 0 {
                    // A literal comma separates items; commas inside items are encoded.
                    self.query.push(',');
                }
                let _ = write!(PercentEncoder(&mut self.query), "{value}");
            }
        }
    }

    /// Appends an object query parameter in the given style: `name[key]=value` pairs
    /// (`deepObject`), `key=value` pairs (`form`, exploded) or `name=key,value,...`
    /// (`form`). Nulls are left out; nested objects and arrays are written as JSON text in
    /// the form styles, and in `deepObject` as further `[key]` and `[index]` levels
    /// (`name[a][b]=1`, `name[a][0]=x`), the brackets literal.
    pub fn query_object<T: serde::Serialize + ?Sized>(
        &mut self,
        name: &'static str,
        value: &T,
        style: ObjectStyle,
    ) -> Result<(), Error<Infallible>> {
        let json = serde_json::to_value(value).map_err(Error::Serialize)?;
        let serde_json::Value::Object(map) = json else {
            return Err(Error::Serialize(serde::ser::Error::custom(
                "an object query parameter must serialize to an object",
            )));
        };
        match style {
            ObjectStyle::DeepObject => {
                let object = serde_json::Value::Object(map);
                let encode = |s: &str| utf8_percent_encode(s, COMPONENT).to_string();
                let name = encode(name);
                super::params::push_deep(&mut self.query, &name, &object, &encode);
            }
            ObjectStyle::FormExploded => {
                for (key, v) in &map {
                    if !v.is_null() {
                        push_query_pair(&mut self.query, key, &json_text(v));
                    }
                }
            }
            ObjectStyle::Form => {
                let mut joined = String::new();
                for (key, v) in map.iter().filter(|(_, v)| !v.is_null()) {
                    if !joined.is_empty() {
                        joined.push(',');
                    }
                    joined.extend(utf8_percent_encode(key, COMPONENT));
                    joined.push(',');
                    joined.extend(utf8_percent_encode(&json_text(v), COMPONENT));
                }
                if !joined.is_empty() {
                    push_query_key(&mut self.query, name);
                    self.query.push_str(&joined);
                }
            }
        }
        Ok(())
    }

    /// Adds a request header.
    pub fn header(&mut self, name: &'static str, value: impl Display) {
        let Ok(header_name) = HeaderName::from_bytes(name.as_bytes()) else {
            self.reject(name, "is not a valid HTTP header name");
            return;
        };
        match HeaderValue::try_from(value.to_string()) {
            Ok(v) => {
                self.headers.append(header_name, v);
            }
            Err(_) => self.reject(
                name,
                "contains characters not allowed in an HTTP header value",
            ),
        }
    }

    /// Serializes `body` as JSON and sets `Content-Type: application/json`.
    pub fn json_body<T: serde::Serialize + ?Sized>(
        &mut self,
        body: &T,
    ) -> Result<(), Error<Infallible>> {
        let bytes = serde_json::to_vec(body).map_err(Error::Serialize)?;
        self.set_body(bytes.into(), HeaderValue::from_static("application/json"));
        Ok(())
    }

    /// Sets a plain-text body (`text/plain; charset=utf-8`).
    pub fn text_body(&mut self, body: String) {
        self.set_body(
            body.into_bytes().into(),
            HeaderValue::from_static("text/plain; charset=utf-8"),
        );
    }

    /// Sets an `application/x-www-form-urlencoded` body.
    pub fn form_body(&mut self, pairs: Vec<(String, String)>) {
        let mut encoded = String::new();
        for (name, value) in &pairs {
            push_query_pair(&mut encoded, name, value);
        }
        self.set_body(
            encoded.into_bytes().into(),
            HeaderValue::from_static("application/x-www-form-urlencoded"),
        );
    }

    /// Sets a `multipart/form-data` body.
    pub fn multipart_body(&mut self, form: Multipart) {
        let content_type = format!("multipart/form-data; boundary={}", form.boundary);
        let body = form.finish();
        match HeaderValue::from_str(&content_type) {
            Ok(v) => self.set_body(body, v),
            Err(_) => self.reject("Content-Type", "is not a valid HTTP header value"),
        }
    }

    /// Sets a raw body with the given content type: in memory (`Bytes`, `Vec<u8>`, `String`
    /// and static slices are taken without a copy) or streamed ([`Body`]).
    pub fn bytes_body(&mut self, body: impl Into<Body>, content_type: &'static str) {
        match HeaderValue::from_str(content_type) {
            Ok(v) => self.set_body(body.into(), v),
            Err(_) => self.reject("Content-Type", "is not a valid HTTP header value"),
        }
    }

    /// Sets the `Accept` header.
    pub fn accept(&mut self, value: &'static str) {
        match HeaderValue::from_str(value) {
            Ok(v) => {
                self.headers.insert(header::ACCEPT, v);
            }
            Err(_) => self.reject("Accept", "is not a valid HTTP header value"),
        }
    }

    /// Sets the operation's security requirements.
    ///
    /// Alternatives of requirements: each inner slice is a set of scheme names
    /// that must ALL be configured; the first fully configured alternative is
    /// used. An empty outer slice means no auth is needed. An empty inner slice
    /// makes auth optional: credentials are still sent when an alternative is
    /// configured.
    pub fn security(&mut self, requirements: &'static [&'static [&'static str]]) {
        self.security = requirements;
    }

    fn set_body(&mut self, body: Body, content_type: HeaderValue) {
        self.headers.insert(header::CONTENT_TYPE, content_type);
        self.body = Some(body);
    }

    fn reject(&mut self, name: &'static str, reason: &str) {
        if self.invalid.is_none() {
            self.invalid = Some((name, reason.to_owned()));
        }
    }
}

impl fmt::Debug for Request {
    // Query values and header values are left out: they may hold sensitive parameters.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let headers: Vec<&str> = self.headers.keys().map(HeaderName::as_str).collect();
        f.debug_struct("Request")
            .field("operation", &self.operation)
            .field("method", &self.method)
            .field("path", &self.path)
            .field("headers", &headers)
            .field("body_len", &self.body.as_ref().and_then(Body::len))
            .finish_non_exhaustive()
    }
}

/// Percent-encodes one path segment.
///
/// Everything except RFC 3986 unreserved characters is encoded, so '/', '?',
/// '#', '%' and ' ' cannot change the path. A segment that is exactly "." or
/// ".." is encoded as "%2E" or "%2E%2E"; URL parsers still treat those as dot
/// segments, so [`Client::execute`] rejects such a path instead of sending it.
///
/// [`Client::execute`]: super::Client::execute
pub fn encode_path_segment(value: &str) -> String {
    match value {
        "." => "%2E".to_owned(),
        ".." => "%2E%2E".to_owned(),
        _ => utf8_percent_encode(value, COMPONENT).to_string(),
    }
}

/// Whether a path has a segment that URL parsing would resolve as "." or "..".
pub(crate) fn has_dot_segment(path: &str) -> bool {
    const DOT_SEGMENTS: [&str; 6] = [".", "..", "%2e", "%2e%2e", ".%2e", "%2e."];
    path.split('/').any(|segment| {
        DOT_SEGMENTS
            .iter()
            .any(|dot| segment.eq_ignore_ascii_case(dot))
    })
}

/// A `fmt::Write` adapter that percent-encodes everything written through it,
/// so `Display` values are encoded without a temporary string.
struct PercentEncoder<'a>(&'a mut String);

impl fmt::Write for PercentEncoder<'_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.0.extend(utf8_percent_encode(s, COMPONENT));
        Ok(())
    }
}

pub(crate) fn push_query_key(query: &mut String, name: &str) {
    if !query.is_empty() {
        query.push('&');
    }
    query.extend(utf8_percent_encode(name, COMPONENT));
    query.push('=');
}

/// How an object query parameter is written (OpenAPI `style` and `explode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ObjectStyle {
    /// `deepObject`: `name[key]=value`, nested `name[a][b]=value`, lists `name[a][0]=value`.
    DeepObject,
    /// `form` with `explode: true`: `key=value` per property.
    FormExploded,
    /// `form` with `explode: false`: `name=key,value,key,value`.
    Form,
}

/// A JSON value as query text: strings as they are, anything else as JSON.
pub fn json_text(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

pub(crate) fn push_query_pair(query: &mut String, name: &str, value: &str) {
    push_query_key(query, name);
    query.extend(utf8_percent_encode(value, COMPONENT));
}

/// Flattens a value into `application/x-www-form-urlencoded` pairs: scalars as text, arrays
/// of scalars as repeated keys, nested objects in brackets (`a[b]=1`, as `deepObject` and
/// most servers' form readers have it), objects inside arrays with their index
/// (`a[0][b]=1`), nulls left out.
pub fn form_pairs<T: serde::Serialize + ?Sized>(
    value: &T,
) -> Result<Vec<(String, String)>, Error<Infallible>> {
    let json = serde_json::to_value(value).map_err(Error::Serialize)?;
    let serde_json::Value::Object(map) = json else {
        return Err(Error::Serialize(serde::ser::Error::custom(
            "a form body must be an object",
        )));
    };
    let mut pairs = Vec::with_capacity(map.len());
    for (key, value) in map {
        push_form_pairs(&mut pairs, key, value);
    }
    Ok(pairs)
}

fn push_form_pairs(pairs: &mut Vec<(String, String)>, key: String, value: serde_json::Value) {
    match value {
        serde_json::Value::Null => {}
        serde_json::Value::Array(items) => {
            for (i, item) in items.into_iter().enumerate() {
                match item {
                    serde_json::Value::Object(_) | serde_json::Value::Array(_) => {
                        push_form_pairs(pairs, format!("{key}[{i}]"), item)
                    }
                    scalar => push_form_pairs(pairs, key.clone(), scalar),
                }
            }
        }
        serde_json::Value::Object(map) => {
            for (name, value) in map {
                push_form_pairs(pairs, format!("{key}[{name}]"), value);
            }
        }
        other => pairs.push((key, form_text(other))),
    }
}

fn form_text(value: serde_json::Value) -> String {
    match value {
        serde_json::Value::String(s) => s,
        other => other.to_string(),
    }
}

/// Joins values with commas, the `simple` style of headers and cookies.
pub fn join_comma<T: Display>(values: &[T]) -> String {
    let mut out = String::new();
    for (i, v) in values.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let _ = write!(out, "{v}");
    }
    out
}
