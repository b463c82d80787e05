//! Lower: consumes string, integer and number schemas and produces their Rust types (a
//! format's type through the table in `formats`) and constraint checks (exact integer
//! bounds, `uniqueItems` aside, which arrays carry).

use super::formats::{
    integer_format_name, number_format_name, numeric_format, string_format, string_format_name,
};
use super::Lowerer;
use crate::ir::{Bound, Constraints, Ty};

impl<'a> Lowerer<'a> {
    /// The type a string schema's format maps to, if it maps to one (a mapped format is
    /// its own check: the schema's pattern and lengths describe the text it parses).
    pub(super) fn string_mapped(&mut self, t: &openapiv3::StringType) -> Option<Ty> {
        let mapped = string_format(string_format_name(t)?, &self.options.types)?;
        Some(self.use_mapped(mapped))
    }

    /// The type an integer schema's format maps to when the options map it.
    pub(super) fn integer_mapped(&mut self, t: &openapiv3::IntegerType) -> Option<Ty> {
        let mapped = numeric_format(integer_format_name(t)?, &self.options.types)?;
        Some(self.use_mapped(mapped))
    }

    /// The type a number schema's format maps to when the options map it.
    pub(super) fn number_mapped(&mut self, t: &openapiv3::NumberType) -> Option<Ty> {
        let mapped = numeric_format(number_format_name(t)?, &self.options.types)?;
        Some(self.use_mapped(mapped))
    }

    /// `i32` for `int32`, else `i64`; unsigned when `minimum >= 0` and the options ask.
    pub(super) fn integer_ty(&self, t: &openapiv3::IntegerType) -> Ty {
        let bits = if integer_format_name(t) == Some("int32") {
            32
        } else {
            64
        };
        if self.options.types.unsigned_when_minimum_zero && t.minimum.is_some_and(|m| m >= 0) {
            Ty::Uint { bits }
        } else {
            Ty::Int { bits }
        }
    }
}

/// `f32` for `float`, else `f64`.
pub(super) fn number_ty(t: &openapiv3::NumberType) -> Ty {
    if number_format_name(t) == Some("float") {
        Ty::Float { bits: 32 }
    } else {
        Ty::Float { bits: 64 }
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
