//! Tests of `runtime/time_rfc3339.rs` (shipped only with `date_time = "time"`): RFC 3339
//! text in and out, the offset kept as given.

use crate::shipped_time_rfc3339::{FullDate, Rfc3339};

#[test]
fn date_times_keep_their_offset_and_fraction() {
    for text in [
        "2024-05-06T07:08:09.5+02:00",
        "2024-05-06T07:08:09.123456789-05:30",
        "1970-01-01T00:00:00Z",
    ] {
        let value: Rfc3339 = serde_json::from_str(&format!("\"{text}\"")).unwrap();
        assert_eq!(
            serde_json::to_string(&value).unwrap(),
            format!("\"{text}\"")
        );
        assert_eq!(value.to_string(), text);
        assert_eq!(text.parse::<Rfc3339>().unwrap(), value);
    }
    let value: Rfc3339 = "2024-05-06T07:08:09+02:00".parse().unwrap();
    assert_eq!(value.offset().whole_hours(), 2);
    assert_eq!(time::OffsetDateTime::from(value).hour(), 7);
    for bad in ["2024-05-06 07:08", "2024-05-06T07:08:09", "x"] {
        assert!(
            serde_json::from_str::<Rfc3339>(&format!("\"{bad}\"")).is_err(),
            "{bad}"
        );
    }
}

#[test]
fn dates_are_full_dates_only() {
    let value: FullDate = serde_json::from_str("\"2024-02-29\"").unwrap();
    assert_eq!(value.year(), 2024);
    assert_eq!(serde_json::to_string(&value).unwrap(), "\"2024-02-29\"");
    assert_eq!(
        "0001-01-01".parse::<FullDate>().unwrap().to_string(),
        "0001-01-01"
    );
    for bad in [
        "2023-02-29",
        "2024-13-01",
        "2024-1-01",
        "+2024-01-01",
        "2024-032",
        "２０２４-01-01",
    ] {
        let err = serde_json::from_str::<FullDate>(&format!("\"{bad}\"")).unwrap_err();
        assert!(!err.to_string().is_empty(), "{bad}");
    }
}
