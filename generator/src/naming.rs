//! Naming: the one place that turns API names into Rust identifiers (casing, keyword
//! escaping, reserved names) and resolves collisions with a stable rule.

use heck::{ToSnakeCase, ToUpperCamelCase};
use std::collections::BTreeSet;

/// Words Rust reserves. Most can be written raw (`r#type`); the rest need a suffix.
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "Self", "static", "struct", "super", "trait", "true", "try", "type",
    "typeof", "union", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Keywords that cannot be raw identifiers.
const NOT_RAW: &[&str] = &["crate", "self", "Self", "super", "_"];

/// Type names the generated code uses unqualified (prelude, imports, runtime items); a schema
/// with one of these names gets a suffix so it cannot shadow them.
const RESERVED_TYPES: &[&str] = &[
    "Self",
    "Option",
    "Some",
    "None",
    "Result",
    "Ok",
    "Err",
    "String",
    "Vec",
    "Box",
    "Default",
    "Clone",
    "Copy",
    "Debug",
    "Display",
    "Eq",
    "PartialEq",
    "Ord",
    "PartialOrd",
    "Hash",
    "Send",
    "Sync",
    "Sized",
    "From",
    "Into",
    "TryFrom",
    "TryInto",
    "FromStr",
    "ToString",
    "Iterator",
    "AsRef",
    "Drop",
    "Fn",
    "BTreeMap",
    "Serialize",
    "Deserialize",
    "Serializer",
    "Deserializer",
    "Value",
    "Map",
    "Client",
    "ClientBuilder",
    "Error",
    "Request",
    "Response",
    "Method",
    "Url",
    "ValidationError",
    "ItemStream",
    "Infallible",
    "Cow",
    "OnceLock",
    "Regex",
    "Formatter",
];

/// Splits an API name into ASCII word characters, so casing sees word breaks where the
/// document had punctuation or non-ASCII letters.
fn ascii_words(name: &str) -> String {
    name.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect()
}

/// `UpperCamelCase` for types and variants, never empty, never starting with a digit.
/// `digit_prefix` is what goes in front of a leading digit.
pub fn upper_camel(name: &str, digit_prefix: &str) -> String {
    let mut s = ascii_words(name).to_upper_camel_case();
    if s.is_empty() {
        s = digit_prefix.to_string();
    } else if s.starts_with(|c: char| c.is_ascii_digit()) {
        s = format!("{digit_prefix}{s}");
    }
    s
}

/// `snake_case` for fields, functions and modules, never empty, never starting with a digit.
pub fn snake(name: &str, fallback: &str) -> String {
    let mut s = ascii_words(name).to_snake_case();
    if s.is_empty() {
        s = fallback.to_string();
    } else if s.starts_with(|c: char| c.is_ascii_digit()) {
        s = format!("{fallback}_{s}");
    }
    s
}

/// The Rust type name for a schema or inline type.
pub fn type_name(name: &str) -> String {
    let s = upper_camel(name, "T");
    if RESERVED_TYPES.contains(&s.as_str()) || KEYWORDS.contains(&s.as_str()) {
        format!("{s}Model")
    } else {
        s
    }
}

/// The Rust variant name for an enum value.
pub fn variant_name(name: &str) -> String {
    let s = upper_camel(name, "V");
    if s == "Self" || s == "Unknown" {
        format!("{s}Value")
    } else {
        s
    }
}

/// A snake_case identifier as Rust source text: keywords become raw (`r#type`) or take a
/// trailing underscore where raw is not allowed (`self_`).
pub fn field_ident(name: &str) -> String {
    escape_keyword(snake(name, "field"))
}

/// Escapes a snake_case identifier that is a keyword.
pub fn escape_keyword(s: String) -> String {
    if NOT_RAW.contains(&s.as_str()) {
        format!("{s}_")
    } else if KEYWORDS.contains(&s.as_str()) {
        format!("r#{s}")
    } else {
        s
    }
}

/// Hands out names within one scope; a name already taken gets the smallest numeric
/// suffix that is free. Callers ask in a deterministic order, so the result is stable.
#[derive(Debug, Default, Clone)]
pub struct Scope {
    taken: BTreeSet<String>,
}

impl Scope {
    /// A scope where `reserved` are already taken.
    pub fn with_reserved<'a>(reserved: impl IntoIterator<Item = &'a str>) -> Self {
        Scope {
            taken: reserved.into_iter().map(str::to_string).collect(),
        }
    }

    /// Claims `wanted`, or `wanted2`, `wanted3`, ... when it is taken.
    pub fn claim(&mut self, wanted: &str) -> String {
        if self.taken.insert(wanted.to_string()) {
            return wanted.to_string();
        }
        // Raw identifiers take their suffix inside: `r#type` -> `type_2`.
        let base = wanted.strip_prefix("r#").unwrap_or(wanted);
        let sep = if base.ends_with(|c: char| c.is_ascii_digit())
            || base.contains('_')
            || base
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        {
            "_"
        } else {
            ""
        };
        for n in 2.. {
            let candidate = format!("{base}{sep}{n}");
            if self.taken.insert(candidate.clone()) {
                return candidate;
            }
        }
        unreachable!("an unbounded counter always finds a free name")
    }

    /// Whether `name` is taken.
    pub fn contains(&self, name: &str) -> bool {
        self.taken.contains(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn casing_and_keywords() {
        assert_eq!(type_name("MongoObjectID"), "MongoObjectId");
        assert_eq!(type_name("self"), "SelfModel");
        assert_eq!(type_name("Error"), "ErrorModel");
        assert_eq!(type_name("2d-point"), "T2dPoint");
        assert_eq!(field_ident("type"), "r#type");
        assert_eq!(field_ident("self"), "self_");
        assert_eq!(
            field_ident("predictionUUIDTimestamp"),
            "prediction_uuid_timestamp"
        );
        assert_eq!(field_ident("1st"), "field_1st");
        assert_eq!(field_ident("größe"), "gr_e");
        assert_eq!(variant_name("S3DelegatedAccess"), "S3DelegatedAccess");
        assert_eq!(variant_name("OBJECT_DETECTION"), "ObjectDetection");
        assert_eq!(variant_name("eu-west-1"), "EuWest1");
        assert_eq!(variant_name("2d"), "V2d");
    }

    #[test]
    fn collisions_get_stable_suffixes() {
        let mut scope = Scope::default();
        assert_eq!(scope.claim("FooBar"), "FooBar");
        assert_eq!(scope.claim("FooBar"), "FooBar2");
        assert_eq!(scope.claim("foo_bar"), "foo_bar");
        assert_eq!(scope.claim("foo_bar"), "foo_bar_2");
        assert_eq!(scope.claim("r#type"), "r#type");
        assert_eq!(scope.claim("r#type"), "type_2");
    }
}
