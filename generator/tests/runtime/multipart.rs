//! Tests of `runtime/multipart.rs`: parts are framed by the boundary.

use crate::runtime::{Body, Multipart};

#[test]
fn multipart_bodies_are_framed() {
    let mut form = Multipart::new();
    let boundary = form.boundary.clone();
    form.text("name", "a \"b\"");
    form.file(
        "file",
        &Body::from(vec![0, 159, 146, 150]),
        "application/octet-stream",
    );
    form.json("meta", &serde_json::json!({"k": 1})).unwrap();
    let body = form.finish();
    let mut expected = Vec::new();
    expected.extend_from_slice(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\na \"b\"\r\n")
            .as_bytes(),
    );
    expected.extend_from_slice(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"file\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes());
    expected.extend_from_slice(&[0, 159, 146, 150]);
    expected.extend_from_slice(format!("\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"meta\"\r\nContent-Type: application/json\r\n\r\n{{\"k\":1}}\r\n--{boundary}--\r\n").as_bytes());
    assert_eq!(
        body,
        Body::from(expected),
        "an in-memory form is one buffer"
    );
    assert_ne!(Multipart::new().boundary, boundary);
}
