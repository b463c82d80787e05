//! Values of formatted types (`uuid`, `date-time`, a user's type, ...): their text in paths,
//! queries and headers, and decoding errors that name the format a bad value breaks.
//!
//! A type from outside the crate is written as text through its serde form, the same text a
//! JSON body carries: a string as it is, a number or `true`/`false` as JSON writes them.

use serde::Serialize;

/// The text of `value`'s serde form: a JSON string's contents, or the JSON text of anything
/// else. Fails with the serializer's message, or when the form is not a single value.
pub fn serde_text<T: Serialize + ?Sized>(value: &T) -> Result<String, String> {
    match serde_json::to_value(value).map_err(|e| e.to_string())? {
        serde_json::Value::String(s) => Ok(s),
        v @ (serde_json::Value::Number(_) | serde_json::Value::Bool(_)) => Ok(v.to_string()),
        _ => Err("has no text form: its serde form is not a string, a number or a boolean".into()),
    }
}

/// Decoding functions for fields of formatted types (`#[serde(deserialize_with = ...)]`),
/// one per format, so a bad value's error names the format beside its JSON path.
pub mod decode {
    use serde::{Deserialize, Deserializer};

    /// Decodes `T`, saying which format a value that does not decode breaks (also what
    /// `de::slot_format` decodes with).
    pub(crate) fn named<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
        deserializer: D,
        format: &str,
    ) -> Result<T, D::Error> {
        T::deserialize(deserializer).map_err(|e| {
            serde::de::Error::custom(format_args!("not a valid `{format}` value: {e}"))
        })
    }

    macro_rules! formats {
        ($($name:ident => $format:literal,)*) => {$(
            #[doc = concat!("Decodes a field holding `", $format, "` values (alone, optional or in a list).")]
            pub fn $name<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
                deserializer: D,
            ) -> Result<T, D::Error> {
                named(deserializer, $format)
            }
        )*};
    }

    formats! {
        uuid => "uuid",
        date_time => "date-time",
        date => "date",
        byte => "byte",
        uri => "uri",
        ipv4 => "ipv4",
        ipv6 => "ipv6",
    }
}
