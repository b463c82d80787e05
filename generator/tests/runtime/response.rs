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
