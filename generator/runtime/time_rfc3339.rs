//! `date-time` and `date` values on the `time` crate (`types.date_time = "time"`), written and
//! read as RFC 3339 text. Shipped only in crates whose options choose `time`, with the crate.
//!
//! `time`'s own serde form is not RFC 3339, so the values are newtypes over its types: they
//! dereference to them and convert both ways, and their serde form, `Display` and `FromStr`
//! are RFC 3339 (`2024-05-06T07:08:09.5+02:00`, the offset kept as given; `2024-05-06`).

use std::fmt;

use time::format_description::well_known::Rfc3339 as Format;

/// A `date-time`: a `time::OffsetDateTime` written as RFC 3339, with its offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Rfc3339(pub time::OffsetDateTime);

/// A `date`: a `time::Date` written as RFC 3339's `full-date` (`YYYY-MM-DD`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FullDate(pub time::Date);

impl fmt::Display for Rfc3339 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.format(&Format).map_err(|_| fmt::Error)?)
    }
}

impl std::str::FromStr for Rfc3339 {
    type Err = time::error::Parse;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        time::OffsetDateTime::parse(text, &Format).map(Rfc3339)
    }
}

impl fmt::Display for FullDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = self.0;
        write!(
            f,
            "{:04}-{:02}-{:02}",
            d.year(),
            u8::from(d.month()),
            d.day()
        )
    }
}

impl std::str::FromStr for FullDate {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let bad = || format!("`{text}` is not a date of the form YYYY-MM-DD");
        let b = text.as_bytes();
        let digits = |r: std::ops::Range<usize>| {
            b[r.clone()]
                .iter()
                .all(u8::is_ascii_digit)
                .then(|| &text[r])
        };
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return Err(bad());
        }
        let (Some(y), Some(m), Some(d)) = (digits(0..4), digits(5..7), digits(8..10)) else {
            return Err(bad());
        };
        let month = time::Month::try_from(m.parse::<u8>().map_err(|_| bad())?)
            .map_err(|e| e.to_string())?;
        let year = y.parse::<i32>().map_err(|_| bad())?;
        time::Date::from_calendar_date(year, month, d.parse().map_err(|_| bad())?)
            .map(FullDate)
            .map_err(|e| e.to_string())
    }
}

macro_rules! wrapper {
    ($name:ident, $inner:ty, $expecting:literal) => {
        impl std::ops::Deref for $name {
            type Target = $inner;
            fn deref(&self) -> &$inner {
                &self.0
            }
        }
        impl From<$inner> for $name {
            fn from(value: $inner) -> Self {
                $name(value)
            }
        }
        impl From<$name> for $inner {
            fn from(value: $name) -> Self {
                value.0
            }
        }
        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.collect_str(self)
            }
        }
        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                struct Text;
                impl serde::de::Visitor<'_> for Text {
                    type Value = $name;
                    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                        f.write_str($expecting)
                    }
                    fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<$name, E> {
                        text.parse().map_err(E::custom)
                    }
                }
                deserializer.deserialize_str(Text)
            }
        }
    };
}

wrapper!(Rfc3339, time::OffsetDateTime, "an RFC 3339 date-time");
wrapper!(FullDate, time::Date, "a date of the form YYYY-MM-DD");
