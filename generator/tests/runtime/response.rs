//! Tests of `runtime/response.rs`: bodies decode into values or errors that name the place.

use reqwest::header::{self, HeaderMap, HeaderValue};
use reqwest::{StatusCode, Url};

use crate::runtime::response::{snippet, MAX_SNIPPET};
use crate::runtime::{Error, Response};

#[test]
fn declared_headers_parse() {
    let mut r = response(200, b"");
    r.headers
        .insert("x-rate-limit", HeaderValue::from_static(" 42 "));
    r.headers.insert("x-bad", HeaderValue::from_static("many"));
    assert_eq!(r.header_value::<u32, ()>("x-rate-limit").unwrap(), Some(42));
    assert_eq!(r.header_value::<u32, ()>("x-missing").unwrap(), None);
    match r.header_value::<u32, ()>("x-bad").unwrap_err() {
        Error::Decode { path, .. } => assert_eq!(path, "header:x-bad"),
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn headers_of_outside_types_read_their_serde_form() {
    let mut r = response(200, b"");
    r.headers
        .insert("x-addr", HeaderValue::from_static(" 192.0.2.1 "));
    r.headers.insert("x-count", HeaderValue::from_static("42"));
    r.headers
        .insert("x-bad", HeaderValue::from_static("256.0.0.1"));
    let addr: Option<std::net::Ipv4Addr> = r.header_serde::<_, ()>("x-addr", Some("ipv4")).unwrap();
    assert_eq!(addr, Some(std::net::Ipv4Addr::new(192, 0, 2, 1)));
    // Not a string's contents: a number's JSON text.
    let count: Option<u64> = r.header_serde::<_, ()>("x-count", None).unwrap();
    assert_eq!(count, Some(42));
    let missing: Option<std::net::Ipv4Addr> = r.header_serde::<_, ()>("x-missing", None).unwrap();
    assert_eq!(missing, None);
    match r
        .header_serde::<std::net::Ipv4Addr, ()>("x-bad", Some("ipv4"))
        .unwrap_err()
    {
        Error::Decode { path, source, .. } => {
            assert_eq!(path, "header:x-bad");
            assert!(
                source.to_string().starts_with("not a valid `ipv4` value: "),
                "{source}"
            );
        }
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn text_bodies_of_outside_types_read_their_serde_form() {
    let addr: std::net::Ipv6Addr = response(200, b"2001:DB8::1\r\n")
        .serde_text::<_, ()>(Some("ipv6"))
        .unwrap();
    assert_eq!(addr, "2001:db8::1".parse::<std::net::Ipv6Addr>().unwrap());
    let yes: bool = response(200, b"true").serde_text::<_, ()>(None).unwrap();
    assert!(yes);
    match response(200, b"::zz")
        .serde_text::<std::net::Ipv6Addr, ()>(Some("ipv6"))
        .unwrap_err()
    {
        Error::Decode {
            path,
            source,
            snippet,
            ..
        } => {
            assert_eq!(path, "");
            assert_eq!(snippet, "::zz");
            assert!(
                source.to_string().starts_with("not a valid `ipv6` value: "),
                "{source}"
            );
        }
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn a_binary_body_becomes_bytes_without_a_copy() {
    let r = response(200, b"\x00\xff\r\n");
    let at = r.body.as_ptr();
    let bytes = r.into_bytes();
    assert_eq!(bytes.as_ptr(), at, "the body was copied");
    assert_eq!(bytes, &b"\x00\xff\r\n"[..]);
}

pub(crate) fn response(status: u16, body: &[u8]) -> Response {
    Response {
        status: StatusCode::from_u16(status).unwrap(),
        headers: HeaderMap::new(),
        body: body.to_vec(),
        url: Url::parse("https://example.com/api/items").unwrap(),
    }
}

#[derive(Debug, serde::Deserialize)]
#[allow(dead_code)]
struct Item {
    id: u64,
}

#[derive(Debug, serde::Deserialize)]
#[allow(dead_code)]
struct Page {
    data: Vec<Item>,
}

#[test]
fn text_lines_skip_empty_lines() {
    let lines = response(200, b"a\r\nb\n\n c \r\n\r\n")
        .text_lines::<()>()
        .unwrap();
    assert_eq!(lines, ["a", "b", " c "]);
    assert!(matches!(
        response(200, b"\xff\xfe").text::<()>(),
        Err(Error::Decode { .. })
    ));
    assert_eq!(response(200, b" 42\n").parse_text::<u32, ()>().unwrap(), 42);
    assert!(response(200, b"x").parse_text::<u32, ()>().is_err());
}

#[test]
fn decode_error_names_the_path() {
    let body = br#"{"data":[{"id":1},{"id":2},{"id":3},{"id":"four"}]}"#;
    let err = response(200, body).json::<Page, ()>().unwrap_err();
    assert_eq!(
        err.to_string(),
        "failed to decode response body at `data[3].id`"
    );
    assert_eq!(err.status(), Some(StatusCode::OK));
    let source = std::error::Error::source(&err).unwrap().to_string();
    assert!(source.contains("invalid type"), "{source}");
    match err {
        Error::Decode { path, snippet, .. } => {
            assert_eq!(path, "data[3].id");
            assert_eq!(snippet.as_bytes(), body);
        }
        other => panic!("unexpected {other:?}"),
    }
    let err = response(200, b"{\"data\":[]} trailing")
        .json::<Page, ()>()
        .unwrap_err();
    assert_eq!(err.to_string(), "failed to decode response body");
}

#[test]
fn snippets_are_bounded_on_char_boundaries() {
    let long = "é".repeat(1000);
    let s = snippet(long.as_bytes());
    assert!(s.len() <= MAX_SNIPPET && s.ends_with('…'), "{}", s.len());
    let binary = vec![0xffu8; 2000];
    assert!(snippet(&binary).len() <= MAX_SNIPPET);
    let binary = vec![0xffu8; 400];
    assert!(snippet(&binary).len() <= MAX_SNIPPET);
    assert_eq!(snippet(b"short"), "short");
    let err = response(500, long.as_bytes()).unexpected::<()>();
    match err {
        Error::UnexpectedStatus { snippet, .. } => assert!(snippet.len() <= MAX_SNIPPET),
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn api_errors_decode_the_typed_body() {
    #[derive(Debug, serde::Deserialize, PartialEq)]
    struct ApiProblem {
        message: String,
    }
    let err = response(404, br#"{"message":"gone"}"#).api_error::<ApiProblem>();
    assert_eq!(err.to_string(), "api error: 404 Not Found");
    assert_eq!(
        err.into_api_body(),
        Some(ApiProblem {
            message: "gone".into()
        })
    );
    let err = response(404, b"<html>").api_error::<ApiProblem>();
    assert!(matches!(err, Error::Decode { .. }));
    let err = response(409, b"").api_error_empty();
    assert!(matches!(err, Error::Api { body: (), .. }));
    assert!(!err.is_retryable());
}

#[test]
fn redirect_location_resolves_without_query() {
    let mut r = response(307, b"");
    r.headers
        .insert(header::LOCATION, HeaderValue::from_static("other#frag"));
    assert_eq!(
        r.redirect_location::<()>().unwrap().as_str(),
        "https://example.com/api/other#frag"
    );
    let err = response(307, b"").redirect_location::<()>().unwrap_err();
    assert_eq!(
        err.to_string(),
        "failed to decode response header `Location`"
    );
}
