//! Decoding of generated structs from JSON objects.
//!
//! serde's derive writes a complete visitor for every struct: a field enum with three
//! matches, a sequence visitor and a map visitor with several lines per field, and a wrapper
//! type for each field decoded with a function. Over the thousands of structs of a large API
//! that was most of what the compiler checked. Here the visitor is written once, generic over
//! [`Struct`], and each generated struct states only what is its own: its property names,
//! the type of each field, and which fields are required.
//!
//! What decodes is what serde's derive decodes from a JSON object: properties in any order,
//! unknown properties skipped, a repeated property an error (`duplicate field`), a missing
//! property an error (`missing field`) unless its field is an `Option`, which is then
//! `None`. A struct is not decoded from a JSON array.

use serde::de::{self, Deserialize, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};
use std::fmt;
use std::marker::PhantomData;

/// A generated struct, as its decoding sees it: a tuple of one empty slot per field, filled
/// as properties are read, and turned into the struct at the end. Generated code implements
/// it; its `Deserialize` impl calls [`deserialize`].
pub trait Struct: Sized {
    /// The type's name, for errors (`expected struct Tag`).
    const NAME: &'static str;
    /// One `Option` per field.
    type Slots;
    /// Every slot empty.
    fn slots() -> Self::Slots;
    /// The field a property belongs to, by its position.
    fn index(property: &str) -> Option<usize>;
    /// Reads the value of the property of field `index` into its slot.
    fn read<'de, A: MapAccess<'de>>(
        slots: &mut Self::Slots,
        index: usize,
        map: &mut A,
    ) -> Result<(), A::Error>;
    /// The struct, once every property is read.
    fn finish<E: de::Error>(slots: Self::Slots) -> Result<Self, E>;
}

/// Decodes a [`Struct`] from a map (a JSON object).
pub fn deserialize<'de, T: Struct, D: Deserializer<'de>>(deserializer: D) -> Result<T, D::Error> {
    deserializer.deserialize_map(StructVisitor::<T>(PhantomData))
}

/// Reads a property's value into its slot; a second value for it is an error.
pub fn slot<'de, T: Deserialize<'de>, A: MapAccess<'de>>(
    slot: &mut Option<T>,
    map: &mut A,
    name: &'static str,
) -> Result<(), A::Error> {
    if slot.is_some() {
        return Err(de::Error::duplicate_field(name));
    }
    *slot = Some(map.next_value()?);
    Ok(())
}

/// Like [`slot`], for a field of a format's type (alone, optional or in a list): a value
/// that does not decode is reported with the format's name, as [`super::decode_format`]
/// does.
pub fn slot_format<'de, T: Deserialize<'de>, A: MapAccess<'de>>(
    slot: &mut Option<T>,
    map: &mut A,
    name: &'static str,
    format: &'static str,
) -> Result<(), A::Error> {
    if slot.is_some() {
        return Err(de::Error::duplicate_field(name));
    }
    *slot = Some(map.next_value_seed(Formatted::<T>(format, PhantomData))?);
    Ok(())
}

/// The error for the first required property not read: `(missing, name)` per required
/// field, in order.
pub fn missing<E: de::Error>(required: &[(bool, &'static str)]) -> E {
    match required.iter().find(|(missing, _)| *missing) {
        Some((_, name)) => E::missing_field(name),
        None => E::custom("a required property is missing"),
    }
}

struct StructVisitor<T>(PhantomData<fn() -> T>);

impl<'de, T: Struct> Visitor<'de> for StructVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "struct {}", T::NAME)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<T, A::Error> {
        let mut slots = T::slots();
        while let Some(key) = map.next_key_seed(Key(T::index))? {
            match key {
                Some(index) => T::read(&mut slots, index, &mut map)?,
                None => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        T::finish(slots)
    }
}

/// A property name, looked up as it is read (no copy of it is made).
struct Key(fn(&str) -> Option<usize>);

impl<'de> DeserializeSeed<'de> for Key {
    type Value = Option<usize>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_identifier(self)
    }
}

impl<'de> Visitor<'de> for Key {
    type Value = Option<usize>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a property name")
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<Self::Value, E> {
        Ok((self.0)(value))
    }

    fn visit_bytes<E: de::Error>(self, value: &[u8]) -> Result<Self::Value, E> {
        Ok(std::str::from_utf8(value).ok().and_then(self.0))
    }
}

/// Decodes `T`, saying which format a value that does not decode breaks.
struct Formatted<T>(&'static str, PhantomData<fn() -> T>);

impl<'de, T: Deserialize<'de>> DeserializeSeed<'de> for Formatted<T> {
    type Value = T;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<T, D::Error> {
        super::formats::decode::named(deserializer, self.0)
    }
}
