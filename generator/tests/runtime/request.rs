//! Tests of `runtime/request.rs`: paths, queries, headers and form bodies are encoded.

use reqwest::header;
use reqwest::Method;

use crate::runtime::request::has_dot_segment;
use crate::runtime::{encode_path_segment, ObjectStyle, Request};

#[test]
fn object_query_parameters() {
    let filter =
        serde_json::json!({"color": "red", "size": {"min": 1}, "tags": ["a", "b"], "gone": null});
    let mut r = Request::new(Method::GET, "/x".into());
    r.query_object("filter", &filter, ObjectStyle::DeepObject)
        .unwrap();
    assert_eq!(
        r.query,
        "filter[color]=red&filter[size][min]=1&filter[tags][0]=a&filter[tags][1]=b"
    );
    let flat = serde_json::json!({"color": "red", "n": 2});
    let mut r = Request::new(Method::GET, "/x".into());
    r.query_object("filter", &flat, ObjectStyle::FormExploded)
        .unwrap();
    assert_eq!(r.query, "color=red&n=2");
    let mut r = Request::new(Method::GET, "/x".into());
    r.query_object("filter", &flat, ObjectStyle::Form).unwrap();
    assert_eq!(r.query, "filter=color,red,n,2");
    assert!(Request::new(Method::GET, "/x".into())
        .query_object("f", &5, ObjectStyle::Form)
        .is_err());
}

#[test]
fn path_segments_cannot_change_the_path() {
    assert_eq!(encode_path_segment("a/b"), "a%2Fb");
    assert_eq!(encode_path_segment("a?b#c"), "a%3Fb%23c");
    assert_eq!(encode_path_segment("100% sure"), "100%25%20sure");
    assert_eq!(encode_path_segment("."), "%2E");
    assert_eq!(encode_path_segment(".."), "%2E%2E");
    assert_eq!(encode_path_segment("..."), "...");
    assert_eq!(encode_path_segment("a.b-c_d~e"), "a.b-c_d~e");
    assert_eq!(encode_path_segment("é☃"), "%C3%A9%E2%98%83");
}

#[test]
fn dot_segments_are_detected() {
    assert!(has_dot_segment("/a/%2E%2E/b"));
    assert!(has_dot_segment("/a/%2e"));
    assert!(has_dot_segment("/a/.%2E/b"));
    assert!(!has_dot_segment("/a/.../b"));
    assert!(!has_dot_segment("/a/%2E%2Ex"));
}

#[test]
fn query_values_are_encoded_as_components() {
    let mut r = Request::new(Method::GET, "/x".into());
    r.query("q", "a b&c=d/é");
    r.query_opt("skip", None::<&u32>);
    r.query_opt("limit", Some(&10));
    r.query_array("ids", &["1", "2,3"], false);
    r.query_array("tag", &["x", "y"], true);
    r.query_array("none", &[] as &[u8], false);
    assert_eq!(
        r.query,
        "q=a%20b%26c%3Dd%2F%C3%A9&limit=10&ids=1,2%2C3&tag=x&tag=y"
    );
}

#[test]
fn invalid_header_is_reported_before_sending() {
    let mut r = Request::new(Method::GET, "/x".into());
    r.header("X-Trace", "ok");
    r.header("X-Bad", "line\nbreak");
    r.header("Bad Name", "x");
    assert_eq!(r.invalid.as_ref().map(|(n, _)| *n), Some("X-Bad"));
}

#[test]
fn form_body_is_encoded() {
    let mut r = Request::new(Method::POST, "/x".into());
    r.form_body(vec![("a b".into(), "c&d".into()), ("e".into(), "=".into())]);
    let body = r.body.as_ref().and_then(|b| b.as_bytes());
    assert_eq!(body.map(|b| &b[..]), Some(&b"a%20b=c%26d&e=%3D"[..]));
    assert_eq!(
        r.headers[header::CONTENT_TYPE],
        "application/x-www-form-urlencoded"
    );
}

#[test]
fn raw_bodies_are_taken_without_a_copy() {
    let shared = bytes::Bytes::from(vec![0u8, 255, 13, 10]);
    let mut r = Request::new(Method::PUT, "/x".into());
    r.bytes_body(shared.clone(), "application/octet-stream");
    let body = r.body.as_ref().and_then(|b| b.as_bytes()).unwrap();
    assert_eq!(body.as_ptr(), shared.as_ptr(), "the Bytes was copied");
    assert_eq!(r.headers[header::CONTENT_TYPE], "application/octet-stream");

    let owned = vec![1u8, 2, 3];
    let at = owned.as_ptr();
    r.bytes_body(owned, "image/png");
    let body = r.body.as_ref().and_then(|b| b.as_bytes()).unwrap();
    assert_eq!(body.as_ptr(), at, "the Vec was copied");
    assert_eq!(r.headers[header::CONTENT_TYPE], "image/png");

    r.bytes_body(&b"static"[..], "text/x");
    let body = r.body.as_ref().and_then(|b| b.as_bytes());
    assert_eq!(body.map(|b| &b[..]), Some(&b"static"[..]));
}
