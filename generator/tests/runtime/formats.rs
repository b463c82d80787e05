//! Tests of `runtime/formats.rs`: the text form of formatted values and decoding errors that
//! name the format.

use crate::runtime::{decode_format, serde_text};
use serde::Deserialize;

#[test]
fn serde_text_is_the_text_a_json_body_carries() {
    assert_eq!(serde_text("a b").unwrap(), "a b");
    assert_eq!(
        serde_text(&9_007_199_254_740_993_i64).unwrap(),
        "9007199254740993"
    );
    assert_eq!(serde_text(&true).unwrap(), "true");
    assert_eq!(
        serde_text(&std::net::Ipv4Addr::new(10, 0, 0, 1)).unwrap(),
        "10.0.0.1"
    );
    // A value that is not one scalar has no text form.
    let err = serde_text(&vec![1, 2]).unwrap_err();
    assert!(err.contains("has no text form"), "{err}");
    assert!(serde_text(&None::<i32>).is_err());
}

#[derive(Debug, Deserialize)]
struct Holder {
    #[serde(deserialize_with = "decode_format::ipv4")]
    one: std::net::Ipv4Addr,
    #[serde(default, deserialize_with = "decode_format::ipv6")]
    maybe: Option<std::net::Ipv6Addr>,
    #[serde(default, deserialize_with = "decode_format::date_time")]
    many: Vec<String>,
}

#[test]
fn decoding_errors_name_the_format_and_keep_the_path() {
    let ok: Holder = serde_json::from_str(r#"{"one": "1.2.3.4", "maybe": null}"#).unwrap();
    assert_eq!(ok.one, std::net::Ipv4Addr::new(1, 2, 3, 4));
    assert_eq!(ok.maybe, None);
    assert!(ok.many.is_empty());
    let text = r#"{"one": "1.2.3.4", "maybe": "::1", "many": ["a", 3]}"#;
    let mut de = serde_json::Deserializer::from_str(text);
    let err = serde_path_to_error::deserialize::<_, Holder>(&mut de).unwrap_err();
    // The path reaches into the list; the message names the format.
    assert_eq!(err.path().to_string(), "many[1]");
    assert!(
        err.inner()
            .to_string()
            .starts_with("not a valid `date-time` value: invalid type"),
        "{}",
        err.inner()
    );
    let err = serde_json::from_str::<Holder>(r#"{"one": "1.2.3"}"#).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("not a valid `ipv4` value: invalid IPv4 address syntax"),
        "{err}"
    );
}
