//! Parameters in every style OpenAPI 3.0 and 3.1 define (`style`, `explode`,
//! `allowReserved`, `allowEmptyValue`, and `content` as JSON text): a value becomes JSON
//! through serde, then the text its location and style say, every name, key and value
//! percent-encoded (headers excepted) so no value can change another.

use std::convert::Infallible;
use std::fmt::Write as _;

use percent_encoding::utf8_percent_encode;
use serde_json::Value;

use super::request::{push_query_key, COMPONENT};
use super::{Error, Request};

/// An OpenAPI parameter `style`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// `simple` (path, header): `a,b`; objects `k,v` or, exploded, `k=v`.
    Simple,
    /// `label` (path): `.a,b`, exploded `.a.b`.
    Label,
    /// `matrix` (path): `;name=a,b`, exploded `;name=a;name=b`.
    Matrix,
    /// `form` (query, cookie): `name=a,b`, exploded `name=a&name=b`.
    Form,
    /// `spaceDelimited` (query): `name=a%20b`.
    SpaceDelimited,
    /// `pipeDelimited` (query): `name=a|b`.
    PipeDelimited,
    /// `deepObject` (query): `name[key]=v`, nested `name[a][b]=v`, lists `name[a][0]=v`.
    DeepObject,
}

/// How a parameter is written: its style and the flags beside it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParamStyle {
    style: Style,
    explode: bool,
    allow_reserved: bool,
    allow_empty: bool,
    json: bool,
}

impl ParamStyle {
    /// A style with its `explode`.
    pub const fn new(style: Style, explode: bool) -> Self {
        ParamStyle {
            style,
            explode,
            allow_reserved: false,
            allow_empty: false,
            json: false,
        }
    }

    /// `allowReserved`: RFC 3986 reserved characters that mean nothing to a query (`:/?@!$()*,;=`)
    /// and percent-encoded triples go as they are.
    pub const fn allow_reserved(mut self) -> Self {
        self.allow_reserved = true;
        self
    }

    /// `allowEmptyValue`: an empty list or object is sent as `name=` instead of nothing.
    pub const fn allow_empty(mut self) -> Self {
        self.allow_empty = true;
        self
    }

    /// A parameter given by `content` with a JSON media type: the value's JSON text is the
    /// one value written.
    pub const fn json(mut self) -> Self {
        self.json = true;
        self
    }
}

/// A value as the styles see it.
enum Shape {
    /// Nothing to write (`null`).
    Absent,
    /// A primitive's text.
    Prim(String),
    /// A list's items' texts (nested lists and objects as JSON text).
    List(Vec<String>),
    /// An object's keys and values' texts, nulls left out.
    Object(Vec<(String, String)>),
}

fn to_json<T: serde::Serialize + ?Sized>(value: &T) -> Result<Value, Error<Infallible>> {
    serde_json::to_value(value).map_err(Error::Serialize)
}

fn shape(json: &Value, style: ParamStyle) -> Shape {
    if style.json {
        return Shape::Prim(json.to_string());
    }
    match json {
        Value::Null => Shape::Absent,
        Value::Array(items) => Shape::List(items.iter().map(super::json_text).collect()),
        Value::Object(map) => Shape::Object(
            map.iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k.clone(), super::json_text(v)))
                .collect(),
        ),
        other => Shape::Prim(super::json_text(other)),
    }
}

fn encode(text: &str) -> String {
    utf8_percent_encode(text, COMPONENT).to_string()
}

/// Percent-encodes for `allowReserved`: unreserved characters, the reserved ones that have
/// no meaning in a query value (`:/?@!$()*,;=`), and existing `%XX` triples stay; `&`, `+`,
/// `#`, `[`, `]`, `'` and everything else is encoded.
fn encode_reserved(text: &str) -> String {
    const KEPT: &[u8] = b":/?@!$()*,;=";
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let triple = b == b'%'
            && bytes.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
            && bytes.get(i + 2).is_some_and(u8::is_ascii_hexdigit);
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) || KEPT.contains(&b) || triple {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
        i += 1;
    }
    out
}

/// Joins keys and values of an object: `k,v,k,v` (`pair` `None`) or `k=v,k=v`.
fn join_object(
    pairs: &[(String, String)],
    sep: &str,
    pair: Option<&str>,
    enc: &dyn Fn(&str) -> String,
) -> String {
    let mut out = String::new();
    for (i, (k, v)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push_str(sep);
        }
        out.push_str(&enc(k));
        out.push_str(pair.unwrap_or(sep));
        out.push_str(&enc(v));
    }
    out
}

fn join_list(items: &[String], sep: &str, enc: &dyn Fn(&str) -> String) -> String {
    items.iter().map(|s| enc(s)).collect::<Vec<_>>().join(sep)
}

/// The text of a path parameter in its style (`simple`, `label` or `matrix`; the others are
/// written as `simple`), percent-encoded except for the style's own delimiters.
pub fn path_styled<T: serde::Serialize + ?Sized>(
    name: &str,
    value: &T,
    style: ParamStyle,
) -> Result<String, Error<Infallible>> {
    let json = to_json(value)?;
    let name = encode(name);
    let explode = style.explode;
    Ok(match (style.style, shape(&json, style)) {
        (Style::Label, Shape::Absent) => ".".to_owned(),
        (Style::Label, Shape::Prim(v)) => format!(".{}", encode(&v)),
        (Style::Label, Shape::List(items)) => {
            format!(
                ".{}",
                join_list(&items, if explode { "." } else { "," }, &encode)
            )
        }
        (Style::Label, Shape::Object(pairs)) if explode => {
            format!(".{}", join_object(&pairs, ".", Some("="), &encode))
        }
        (Style::Label, Shape::Object(pairs)) => {
            format!(".{}", join_object(&pairs, ",", None, &encode))
        }
        (Style::Matrix, Shape::Absent) => format!(";{name}"),
        (Style::Matrix, Shape::Prim(v)) if v.is_empty() => format!(";{name}"),
        (Style::Matrix, Shape::Prim(v)) => format!(";{name}={}", encode(&v)),
        (Style::Matrix, Shape::List(items)) if items.is_empty() => format!(";{name}"),
        (Style::Matrix, Shape::List(items)) if explode => items
            .iter()
            .map(|v| format!(";{name}={}", encode(v)))
            .collect(),
        (Style::Matrix, Shape::List(items)) => {
            format!(";{name}={}", join_list(&items, ",", &encode))
        }
        (Style::Matrix, Shape::Object(pairs)) if pairs.is_empty() => format!(";{name}"),
        (Style::Matrix, Shape::Object(pairs)) if explode => {
            format!(";{}", join_object(&pairs, ";", Some("="), &encode))
        }
        (Style::Matrix, Shape::Object(pairs)) => {
            format!(";{name}={}", join_object(&pairs, ",", None, &encode))
        }
        (_, shape) => simple(shape, explode, &encode),
    })
}

/// `simple`: `v`, `a,b`, `k,v,k,v` or (exploded) `k=v,k=v`.
fn simple(shape: Shape, explode: bool, enc: &dyn Fn(&str) -> String) -> String {
    match shape {
        Shape::Absent => String::new(),
        Shape::Prim(v) => enc(&v),
        Shape::List(items) => join_list(&items, ",", enc),
        Shape::Object(pairs) => join_object(&pairs, ",", explode.then_some("="), enc),
    }
}

/// The value of a header parameter (`simple`): written as it is, not percent-encoded; a
/// value a header cannot hold is refused by [`Request::header`].
pub fn header_styled<T: serde::Serialize + ?Sized>(
    value: &T,
    style: ParamStyle,
) -> Result<String, Error<Infallible>> {
    let json = to_json(value)?;
    Ok(simple(shape(&json, style), style.explode, &|s| {
        s.to_owned()
    }))
}

/// A cookie parameter (`form`) as `name=value` text for the `Cookie` header: a list
/// `name=a,b`, exploded `name=a&name=b`; an object `name=k,v,k,v`, exploded `k=v&k=v`;
/// every name and value percent-encoded. `None` for a null value.
pub fn cookie_styled<T: serde::Serialize + ?Sized>(
    name: &str,
    value: &T,
    style: ParamStyle,
) -> Result<Option<String>, Error<Infallible>> {
    let json = to_json(value)?;
    let name = encode(name);
    Ok(match shape(&json, style) {
        Shape::Absent => None,
        Shape::Prim(v) => Some(format!("{name}={}", encode(&v))),
        Shape::List(items) if style.explode && !items.is_empty() => Some(
            items
                .iter()
                .map(|v| format!("{name}={}", encode(v)))
                .collect::<Vec<_>>()
                .join("&"),
        ),
        Shape::List(items) => Some(format!("{name}={}", join_list(&items, ",", &encode))),
        Shape::Object(pairs) if style.explode && !pairs.is_empty() => {
            Some(join_object(&pairs, "&", Some("="), &encode))
        }
        Shape::Object(pairs) => Some(format!(
            "{name}={}",
            join_object(&pairs, ",", None, &encode)
        )),
    })
}

/// Adds a cookie parameter with a text form to `cookies` as `name=value`, both
/// percent-encoded, so a value cannot end its cookie or start another.
pub fn push_cookie(cookies: &mut Vec<String>, name: &str, value: impl std::fmt::Display) {
    cookies.push(format!("{}={}", encode(name), encode(&value.to_string())));
}

impl Request {
    /// Appends a query parameter in its style: `form`, `spaceDelimited`, `pipeDelimited`
    /// (lists and objects joined by `,`, `%20` or `|`; exploded, a pair per item or
    /// property) or `deepObject` (`name[key]=value`, nested objects as further `[key]`
    /// levels and lists as `[0]`, `[1]`, ...). Nulls are left out; an empty list or object
    /// is left out too, or is `name=` with `allowEmptyValue`.
    pub fn query_styled<T: serde::Serialize + ?Sized>(
        &mut self,
        name: &'static str,
        value: &T,
        style: ParamStyle,
    ) -> Result<(), Error<Infallible>> {
        let json = to_json(value)?;
        let enc: &dyn Fn(&str) -> String = if style.allow_reserved {
            &encode_reserved
        } else {
            &encode
        };
        if style.style == Style::DeepObject && !style.json && (json.is_array() || json.is_object())
        {
            let before = self.query.len();
            push_deep(&mut self.query, &encode(name), &json, enc);
            if self.query.len() == before && style.allow_empty {
                push_query_key(&mut self.query, name);
            }
            return Ok(());
        }
        let delimiter = match style.style {
            Style::SpaceDelimited => "%20",
            Style::PipeDelimited => "|",
            _ => ",",
        };
        let empty = |query: &mut String| {
            if style.allow_empty {
                push_query_key(query, name);
            }
        };
        match shape(&json, style) {
            Shape::Absent => {}
            Shape::Prim(v) => {
                push_query_key(&mut self.query, name);
                self.query.push_str(&enc(&v));
            }
            Shape::List(items) if items.is_empty() => empty(&mut self.query),
            Shape::Object(pairs) if pairs.is_empty() => empty(&mut self.query),
            Shape::List(items) if style.explode => {
                for v in &items {
                    push_query_key(&mut self.query, name);
                    self.query.push_str(&enc(v));
                }
            }
            Shape::List(items) => {
                push_query_key(&mut self.query, name);
                self.query.push_str(&join_list(&items, delimiter, enc));
            }
            Shape::Object(pairs) if style.explode => {
                for (k, v) in &pairs {
                    push_query_key(&mut self.query, k);
                    self.query.push_str(&enc(v));
                }
            }
            Shape::Object(pairs) => {
                push_query_key(&mut self.query, name);
                self.query
                    .push_str(&join_object(&pairs, delimiter, None, enc));
            }
        }
        Ok(())
    }

    /// Adds a header parameter in the `simple` style (see [`header_styled`]); a null value
    /// adds nothing.
    pub fn header_styled<T: serde::Serialize + ?Sized>(
        &mut self,
        name: &'static str,
        value: &T,
        style: ParamStyle,
    ) -> Result<(), Error<Infallible>> {
        if to_json(value)?.is_null() && !style.json {
            return Ok(());
        }
        let text = header_styled(value, style)?;
        self.header(name, text);
        Ok(())
    }
}

/// `deepObject`: `prefix[key]=value` for every primitive under `value`, objects adding a
/// `[key]` level and lists a `[index]` level; nulls left out. The brackets are literal, the
/// keys inside them percent-encoded.
pub(crate) fn push_deep(
    query: &mut String,
    prefix: &str,
    value: &Value,
    enc: &dyn Fn(&str) -> String,
) {
    match value {
        Value::Null => {}
        Value::Object(map) => {
            for (key, v) in map {
                push_deep(query, &format!("{prefix}[{}]", encode(key)), v, enc);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                push_deep(query, &format!("{prefix}[{i}]"), v, enc);
            }
        }
        other => {
            if !query.is_empty() {
                query.push('&');
            }
            query.push_str(prefix);
            query.push('=');
            query.push_str(&enc(&super::json_text(other)));
        }
    }
}
