//! Support for generated models: discriminated unions that serialize and decode their
//! tag, and carry decode paths out of their variants.

/// Serializes one variant of a discriminated union, writing the discriminator property
/// with the variant's tag so the tag always agrees with the variant.
pub fn serialize_tagged<T: serde::Serialize + ?Sized, S: serde::Serializer>(
    value: &T,
    property: &str,
    tag: &str,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    let mut json = serde_json::to_value(value).map_err(serde::ser::Error::custom)?;
    if let serde_json::Value::Object(map) = &mut json {
        map.insert(
            property.to_string(),
            serde_json::Value::String(tag.to_string()),
        );
    }
    serde::Serialize::serialize(&json, serializer)
}

/// Decodes one variant of a discriminated union from the already-parsed JSON object.
pub fn deserialize_tagged<T: serde::de::DeserializeOwned, E: serde::de::Error>(
    value: serde_json::Value,
) -> Result<T, E> {
    // Fast path without path tracking; on failure decode again to name the place.
    if let Ok(decoded) = T::deserialize(&value) {
        return Ok(decoded);
    }
    serde_path_to_error::deserialize(&value).map_err(|e| {
        // Carry the path inside the variant out to `decode_json`, which joins it onto the
        // path of the union itself.
        let path = e.path().to_string();
        E::custom(format_args!(
            "{INNER_PATH}{path}{INNER_PATH}{}",
            e.into_inner()
        ))
    })
}

/// Brackets the JSON path inside a union variant in error messages (see
/// [`deserialize_tagged`]); a control character no real message contains.
const INNER_PATH: char = '\u{1f}';

/// Splits a message from [`deserialize_tagged`] into the inner path and the message.
pub(crate) fn split_inner_path(message: &str) -> Option<(&str, &str)> {
    let rest = message.strip_prefix(INNER_PATH)?;
    rest.split_once(INNER_PATH)
}

/// Joins a path inside a value onto the path of the value.
pub(crate) fn join_path(outer: &str, inner: &str) -> String {
    match (outer, inner) {
        ("", inner) | (".", inner) => inner.to_string(),
        (outer, "") | (outer, ".") => outer.to_string(),
        (outer, inner) if inner.starts_with('[') => format!("{outer}{inner}"),
        (outer, inner) => format!("{outer}.{inner}"),
    }
}
