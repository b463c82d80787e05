//! Tests of `runtime/base64_bytes.rs` (shipped only with `format: byte`): standard base64
//! with padding written, padding optional when read, everything else refused.

use crate::shipped_base64_bytes::Base64;

#[test]
fn writes_standard_base64_with_padding() {
    for (bytes, text) in [
        (&b""[..], ""),
        (b"f", "Zg=="),
        (b"fo", "Zm8="),
        (b"foo", "Zm9v"),
        (b"\xfb\xff", "+/8="),
    ] {
        let value = Base64::from(bytes);
        assert_eq!(value.to_string(), text);
        assert_eq!(
            serde_json::to_string(&value).unwrap(),
            format!("\"{text}\"")
        );
    }
}

#[test]
fn reads_with_or_without_padding_and_refuses_the_rest() {
    for text in ["Zm8=", "Zm8"] {
        let value: Base64 = serde_json::from_str(&format!("\"{text}\"")).unwrap();
        assert_eq!(value.as_bytes(), b"fo");
    }
    assert_eq!("+/8".parse::<Base64>().unwrap().into_inner(), b"\xfb\xff");
    // The URL-safe alphabet, stray characters, a lone symbol, and non-zero trailing bits
    // (`Zm9=` is not the canonical text of any bytes) are refused.
    for bad in ["-_8=", "Zm 8=", "Z", "Zm9="] {
        assert!(Base64::decode(bad).is_err(), "{bad}");
        let err = serde_json::from_str::<Base64>(&format!("\"{bad}\"")).unwrap_err();
        assert!(err.to_string().starts_with("not base64: "), "{bad}: {err}");
    }
    assert!(serde_json::from_str::<Base64>("12").is_err());
}
