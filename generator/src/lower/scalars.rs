//! Lower: consumes string, integer and number schemas and produces their Rust types and
//! constraint checks (exact integer bounds, `uniqueItems` aside, which arrays carry).

use crate::ir::{Bound, Constraints, Ty};

pub(super) fn string_ty(t: &openapiv3::StringType) -> Ty {
    use openapiv3::{StringFormat, VariantOrUnknownOrEmpty};
    match &t.format {
        VariantOrUnknownOrEmpty::Item(StringFormat::Binary) => Ty::String,
        _ => Ty::String,
    }
}

pub(super) fn integer_ty(t: &openapiv3::IntegerType) -> Ty {
    use openapiv3::{IntegerFormat, VariantOrUnknownOrEmpty};
    match &t.format {
        VariantOrUnknownOrEmpty::Item(IntegerFormat::Int32) => Ty::Int { bits: 32 },
        _ => Ty::Int { bits: 64 },
    }
}

pub(super) fn number_ty(t: &openapiv3::NumberType) -> Ty {
    use openapiv3::{NumberFormat, VariantOrUnknownOrEmpty};
    match &t.format {
        VariantOrUnknownOrEmpty::Item(NumberFormat::Float) => Ty::Float { bits: 32 },
        _ => Ty::Float { bits: 64 },
    }
}

pub(super) fn string_constraints(t: &openapiv3::StringType) -> Option<Constraints> {
    let c = Constraints {
        pattern: t.pattern.clone(),
        min_length: t.min_length.map(|n| n as u64),
        max_length: t.max_length.map(|n| n as u64),
        ..Constraints::default()
    };
    (!c.is_empty()).then_some(c)
}

pub(super) fn integer_constraints(t: &openapiv3::IntegerType) -> Option<Constraints> {
    let c = Constraints {
        minimum: t.minimum.map(Bound::Int),
        maximum: t.maximum.map(Bound::Int),
        exclusive_minimum: t.exclusive_minimum && t.minimum.is_some(),
        exclusive_maximum: t.exclusive_maximum && t.maximum.is_some(),
        multiple_of: t.multiple_of.map(Bound::Int),
        ..Constraints::default()
    };
    (!c.is_empty()).then_some(c)
}

pub(super) fn number_constraints(t: &openapiv3::NumberType) -> Option<Constraints> {
    let c = Constraints {
        minimum: t.minimum.map(Bound::Float),
        maximum: t.maximum.map(Bound::Float),
        exclusive_minimum: t.exclusive_minimum && t.minimum.is_some(),
        exclusive_maximum: t.exclusive_maximum && t.maximum.is_some(),
        multiple_of: t.multiple_of.map(Bound::Float),
        ..Constraints::default()
    };
    (!c.is_empty()).then_some(c)
}
