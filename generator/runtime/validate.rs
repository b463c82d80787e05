//! Schema constraint checks run before a request is sent, and the error they give.

use std::fmt::{self, Display};
use std::sync::OnceLock;

use super::Pattern;

/// Checks a string against schema constraints; returns the reason on failure.
///
/// Lengths count Unicode scalar values. `pattern` is an ECMA-262-style regex
/// matched anywhere in the value (as JSON Schema does), compiled once into the
/// caller's static. A pattern the regex engine does not support is skipped:
/// the server stays the authority on it.
pub fn check_string(
    value: &str,
    min_length: Option<u64>,
    max_length: Option<u64>,
    pattern: Option<(&'static OnceLock<Pattern>, &'static str)>,
) -> Result<(), String> {
    if min_length.is_some() || max_length.is_some() {
        let len = value.chars().count() as u64;
        if let Some(min) = min_length.filter(|&min| len < min) {
            return Err(format!("must be at least {min} {} long", characters(min)));
        }
        if let Some(max) = max_length.filter(|&max| len > max) {
            return Err(format!("must be at most {max} {} long", characters(max)));
        }
    }
    if let Some((cell, source)) = pattern {
        if cell.get_or_init(|| Pattern::new(source)).rejects(value) {
            return Err(format!("must match pattern `{source}`"));
        }
    }
    Ok(())
}

fn characters(n: u64) -> &'static str {
    if n == 1 {
        "character"
    } else {
        "characters"
    }
}

/// Checks a number against schema constraints; returns the reason on failure.
///
/// `multiple_of` allows for floating-point rounding (relative tolerance 1e-9).
pub fn check_number(
    value: f64,
    minimum: Option<f64>,
    maximum: Option<f64>,
    exclusive_minimum: bool,
    exclusive_maximum: bool,
    multiple_of: Option<f64>,
) -> Result<(), String> {
    let constrained = minimum.is_some() || maximum.is_some() || multiple_of.is_some();
    if constrained && value.is_nan() {
        return Err("must be a number".to_owned());
    }
    check_bounds(
        value,
        minimum,
        maximum,
        exclusive_minimum,
        exclusive_maximum,
    )?;
    // A non-positive multipleOf is invalid in the schema, so it is ignored.
    if let Some(m) = multiple_of.filter(|m| *m > 0.0 && m.is_finite()) {
        let quotient = value / m;
        if !quotient.is_finite()
            || (quotient - quotient.round()).abs() > 1e-9 * quotient.abs().max(1.0)
        {
            return Err(format!("must be a multiple of {m}"));
        }
    }
    Ok(())
}

/// Checks an integer against schema constraints; returns the reason on failure.
pub fn check_integer(
    value: i128,
    minimum: Option<i128>,
    maximum: Option<i128>,
    exclusive_minimum: bool,
    exclusive_maximum: bool,
    multiple_of: Option<i128>,
) -> Result<(), String> {
    check_bounds(
        value,
        minimum,
        maximum,
        exclusive_minimum,
        exclusive_maximum,
    )?;
    if let Some(m) = multiple_of.filter(|m| *m != 0) {
        // checked_rem overflows only for i128::MIN % -1, which is a multiple.
        if value.checked_rem(m).unwrap_or(0) != 0 {
            return Err(format!("must be a multiple of {m}"));
        }
    }
    Ok(())
}

/// The bound checks shared by [`check_number`] and [`check_integer`].
fn check_bounds<T: PartialOrd + Display>(
    value: T,
    minimum: Option<T>,
    maximum: Option<T>,
    exclusive_minimum: bool,
    exclusive_maximum: bool,
) -> Result<(), String> {
    if let Some(min) = minimum {
        if exclusive_minimum && value <= min {
            return Err(format!("must be > {min}"));
        }
        if value < min {
            return Err(format!("must be >= {min}"));
        }
    }
    if let Some(max) = maximum {
        if exclusive_maximum && value >= max {
            return Err(format!("must be < {max}"));
        }
        if value > max {
            return Err(format!("must be <= {max}"));
        }
    }
    Ok(())
}

/// Checks an array's length and, if `unique` (the schema's `uniqueItems`), that no two
/// items are equal; returns the reason on failure.
pub fn check_items<T: PartialEq>(
    items: &[T],
    min_items: Option<u64>,
    max_items: Option<u64>,
    unique: bool,
) -> Result<(), String> {
    let len = items.len() as u64;
    let noun = |n: u64| if n == 1 { "item" } else { "items" };
    if let Some(min) = min_items.filter(|&min| len < min) {
        return Err(format!("must have at least {min} {}", noun(min)));
    }
    if let Some(max) = max_items.filter(|&max| len > max) {
        return Err(format!("must have at most {max} {}", noun(max)));
    }
    if unique && (1..items.len()).any(|i| items[..i].contains(&items[i])) {
        return Err("items must be unique".to_owned());
    }
    Ok(())
}

/// A value that breaks a constraint of its schema (a pattern, a length, a bound).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidationError {
    type_name: &'static str,
    reason: String,
}

impl ValidationError {
    /// A failure of a value of `type_name` for `reason`.
    pub fn new(type_name: &'static str, reason: impl Into<String>) -> Self {
        ValidationError {
            type_name,
            reason: reason.into(),
        }
    }

    /// The Rust type whose constraint failed.
    pub fn type_name(&self) -> &'static str {
        self.type_name
    }

    /// What is wrong, such as "must match pattern `^[a-f0-9]{24}$`".
    pub fn reason(&self) -> &str {
        &self.reason
    }
}

impl Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid {}: {}", self.type_name, self.reason)
    }
}

impl std::error::Error for ValidationError {}
