//! Encoding of generated structs as JSON objects.
//!
//! The counterpart of `de`: each generated struct's `Serialize` impl is a list of calls
//! into these few generic functions, one per field, instead of serde's derive with its
//! length expression and a branch per optional field. The output is the derive's: the
//! struct's fields in order under their property names, an optional field left out when it
//! is `None` (one that is required but nullable is written as `null`), and the exact number
//! of fields written given to the serializer first.

use serde::ser::SerializeStruct;
use serde::Serialize;

/// Writes a field.
pub fn field<S: SerializeStruct, T: ?Sized + Serialize>(
    state: &mut S,
    name: &'static str,
    value: &T,
) -> Result<(), S::Error> {
    state.serialize_field(name, value)
}

/// Writes an optional field when it has a value, and skips it when it is `None`.
pub fn optional<S: SerializeStruct, T: Serialize>(
    state: &mut S,
    name: &'static str,
    value: &Option<T>,
) -> Result<(), S::Error> {
    match value {
        Some(_) => state.serialize_field(name, value),
        None => state.skip_field(name),
    }
}

/// How many of the optional fields have a value.
pub fn present(fields: &[bool]) -> usize {
    fields.iter().filter(|present| **present).count()
}

/// Ends the struct.
pub fn end<S: SerializeStruct>(state: S) -> Result<S::Ok, S::Error> {
    state.end()
}
