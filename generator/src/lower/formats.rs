//! Lower: the format table. Consumes a schema's `format` (and the options' `types`: format
//! overrides, replaced schemas, `x-rust-type`, derives) and produces the Rust type that keeps
//! the format's promise, with the crate and minimal features it needs.
//!
//! | format | type | crate (features) |
//! |---|---|---|
//! | `int32` / `int64` | `i32` / `i64` (`u32` / `u64` when `minimum >= 0` and asked) | |
//! | `float` / `double` | `f32` / `f64` | |
//! | `uuid` | `uuid::Uuid` | `uuid` (`serde`) |
//! | `date-time` | `chrono::DateTime<chrono::Utc>`, `runtime::Rfc3339` (over `time::OffsetDateTime`) or `String` | `chrono` (`serde`), `time` (`formatting`, `parsing`) |
//! | `date` | `chrono::NaiveDate`, `runtime::FullDate` (over `time::Date`) or `String` | as `date-time` |
//! | `byte` | `runtime::Base64` (standard base64, padding optional on input) | `base64` (`alloc`) |
//! | `uri` | `url::Url` | `url` (`serde`) |
//! | `ipv4` / `ipv6` | `std::net::Ipv4Addr` / `Ipv6Addr` | |
//! | anything else (`email`, `binary` in JSON, unknown) | `String` (checked by its constraints) | |

use super::Lowerer;
use crate::diagnostics::child;
use crate::ir::{Dependency, Ty};
use crate::options::{self, DateTimeLibrary, TypeMapping, Types};
use std::collections::BTreeMap;

/// The path of the runtime's base64 type, and the crate its module needs.
pub(crate) const BASE64_PATH: &str = "runtime::Base64";
/// The crate whose presence ships the runtime's base64 module.
pub(crate) const BASE64_CRATE: &str = "base64";

/// The runtime's RFC 3339 newtypes over `time::OffsetDateTime` and `time::Date` (`time`'s
/// own serde form is not RFC 3339), shipped with the `time` crate.
pub(crate) const TIME_DATE_TIME: &str = "runtime::Rfc3339";
/// See [`TIME_DATE_TIME`].
pub(crate) const TIME_DATE: &str = "runtime::FullDate";

/// A format's Rust type and the crate it comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Mapped {
    /// The use-site type.
    pub ty: Ty,
    /// The crate to depend on, if any.
    pub dependency: Option<Dependency>,
}

fn dep(name: &str, version: &str, features: &[&str], default_features: bool) -> Option<Dependency> {
    Some(Dependency {
        name: name.to_string(),
        version: version.to_string(),
        features: features.iter().map(|f| f.to_string()).collect(),
        default_features,
    })
}

fn external(path: &str, format: &str, dependency: Option<Dependency>) -> Mapped {
    Mapped {
        ty: Ty::External {
            path: path.to_string(),
            format: Some(format.to_string()),
            text: true,
        },
        dependency,
    }
}

/// The built-in table for string formats; `None` keeps the value a `String`.
fn builtin_string(format: &str, date_time: DateTimeLibrary) -> Option<Mapped> {
    let chrono = || dep("chrono", "0.4", &["serde"], false);
    let time = || dep("time", "0.3", &["formatting", "parsing"], false);
    Some(match (format, date_time) {
        ("uuid", _) => external("uuid::Uuid", format, dep("uuid", "1", &["serde"], false)),
        ("date-time", DateTimeLibrary::Chrono) => {
            external("chrono::DateTime<chrono::Utc>", format, chrono())
        }
        ("date-time", DateTimeLibrary::Time) => external(TIME_DATE_TIME, format, time()),
        ("date", DateTimeLibrary::Chrono) => external("chrono::NaiveDate", format, chrono()),
        ("date", DateTimeLibrary::Time) => external(TIME_DATE, format, time()),
        ("byte", _) => external(
            BASE64_PATH,
            format,
            dep(BASE64_CRATE, "0.22", &["alloc"], false),
        ),
        ("uri", _) => external("url::Url", format, dep("url", "2", &["serde"], true)),
        ("ipv4", _) => external("std::net::Ipv4Addr", format, None),
        ("ipv6", _) => external("std::net::Ipv6Addr", format, None),
        _ => return None,
    })
}

/// What a user's mapping stands for: a format's type (which has a text form), or a
/// schema's (which has one when `text` says the schema is a scalar).
fn user_mapping(mapping: &TypeMapping, format: Option<&str>, text: bool) -> Mapped {
    Mapped {
        ty: Ty::External {
            path: mapping.path.clone(),
            format: format.map(str::to_string),
            text,
        },
        dependency: mapping.dependency.as_ref().map(ir_dependency),
    }
}

fn ir_dependency(d: &options::Dependency) -> Dependency {
    let mut features = d.features.clone();
    features.sort();
    features.dedup();
    Dependency {
        name: d.name.clone(),
        version: d.version.clone(),
        features,
        default_features: d.default_features,
    }
}

/// The type of a string schema's format: the options' override, then the built-in table.
pub(crate) fn string_format(format: &str, types: &Types) -> Option<Mapped> {
    match types.formats.get(format) {
        Some(m) => Some(user_mapping(m, Some(format), true)),
        None => builtin_string(format, types.date_time),
    }
}

/// The type of an integer or number schema's format when the options map it.
pub(crate) fn numeric_format(format: &str, types: &Types) -> Option<Mapped> {
    types
        .formats
        .get(format)
        .map(|m| user_mapping(m, Some(format), true))
}

/// The text of a string schema's `format`, as the document writes it.
pub(crate) fn string_format_name(t: &openapiv3::StringType) -> Option<&str> {
    use openapiv3::{StringFormat, VariantOrUnknownOrEmpty};
    Some(match &t.format {
        VariantOrUnknownOrEmpty::Item(f) => match f {
            StringFormat::Date => "date",
            StringFormat::DateTime => "date-time",
            StringFormat::Password => "password",
            StringFormat::Byte => "byte",
            StringFormat::Binary => "binary",
        },
        VariantOrUnknownOrEmpty::Unknown(f) => f.as_str(),
        VariantOrUnknownOrEmpty::Empty => return None,
    })
}

/// The text of an integer schema's `format`.
pub(crate) fn integer_format_name(t: &openapiv3::IntegerType) -> Option<&str> {
    use openapiv3::{IntegerFormat, VariantOrUnknownOrEmpty};
    match &t.format {
        VariantOrUnknownOrEmpty::Item(IntegerFormat::Int32) => Some("int32"),
        VariantOrUnknownOrEmpty::Item(IntegerFormat::Int64) => Some("int64"),
        VariantOrUnknownOrEmpty::Unknown(f) => Some(f.as_str()),
        VariantOrUnknownOrEmpty::Empty => None,
    }
}

/// The text of a number schema's `format`.
pub(crate) fn number_format_name(t: &openapiv3::NumberType) -> Option<&str> {
    use openapiv3::{NumberFormat, VariantOrUnknownOrEmpty};
    match &t.format {
        VariantOrUnknownOrEmpty::Item(NumberFormat::Float) => Some("float"),
        VariantOrUnknownOrEmpty::Item(NumberFormat::Double) => Some("double"),
        VariantOrUnknownOrEmpty::Unknown(f) => Some(f.as_str()),
        VariantOrUnknownOrEmpty::Empty => None,
    }
}

/// Whether `path` is a Rust type path (`Hash`, `my_types::Money`, `a::B<c::D>`).
pub(crate) fn is_type_path(path: &str) -> bool {
    syn::parse_str::<syn::TypePath>(path).is_ok_and(|p| p.qself.is_none())
}

/// Whether `path` is a path a derive can name (no generics).
fn is_derive_path(path: &str) -> bool {
    syn::parse_str::<syn::Path>(path)
        .is_ok_and(|p| p.segments.iter().all(|s| s.arguments.is_none()))
}

/// The place options are named by in diagnostics: they are not in the document.
const OPTIONS_PLACE: &str = "#";

impl<'a> Lowerer<'a> {
    /// Records the crate a mapped type needs and returns the type.
    pub(crate) fn use_mapped(&mut self, mapped: Mapped) -> Ty {
        if let Some(d) = mapped.dependency {
            match self.dependencies.get_mut(&d.name) {
                Some(known) => {
                    known.features.extend(d.features);
                    known.features.sort();
                    known.features.dedup();
                    known.default_features |= d.default_features;
                }
                None => {
                    self.dependencies.insert(d.name.clone(), d);
                }
            }
        }
        mapped.ty
    }

    /// Checks the options' type paths and derives, and gathers the schemas replaced by
    /// existing types (from the options and from `x-rust-type`), before any schema is lowered.
    pub(crate) fn check_type_options(&mut self) {
        let types = &self.options.types;
        for (key, m) in &types.formats {
            if !is_type_path(&m.path) {
                self.diags.error(
                    OPTIONS_PLACE,
                    format!(
                        "`types.formats.{key}.path` `{}` is not a Rust type path",
                        m.path
                    ),
                );
            }
        }
        for (i, d) in types.derives.iter().enumerate() {
            if !is_derive_path(d) {
                self.diags.error(
                    OPTIONS_PLACE,
                    format!("`types.derives[{i}]` `{d}` is not a Rust path"),
                );
            }
        }
        let api = self.api;
        let schemas = api.components.as_ref().map(|c| &c.schemas);
        let known = |name: &str| schemas.is_some_and(|s| s.contains_key(name));
        for (name, list) in &types.schema_derives {
            if !known(name) {
                self.diags.error(
                    OPTIONS_PLACE,
                    format!("`types.schema_derives.{name}` names no component schema"),
                );
            }
            for (i, d) in list.iter().enumerate() {
                if !is_derive_path(d) {
                    self.diags.error(
                        OPTIONS_PLACE,
                        format!("`types.schema_derives.{name}[{i}]` `{d}` is not a Rust path"),
                    );
                }
            }
        }
        let mut replaced = BTreeMap::new();
        for (name, m) in &types.schemas {
            if !known(name) {
                self.diags.error(
                    OPTIONS_PLACE,
                    format!("`types.schemas.{name}` names no component schema"),
                );
            } else if !is_type_path(&m.path) {
                self.diags.error(
                    OPTIONS_PLACE,
                    format!(
                        "`types.schemas.{name}.path` `{}` is not a Rust type path",
                        m.path
                    ),
                );
            } else {
                let text = schemas.and_then(|s| s.get(name)).is_some_and(is_scalar);
                replaced.insert(name.clone(), user_mapping(m, None, text));
            }
        }
        for (name, schema) in schemas.into_iter().flatten() {
            let openapiv3::ReferenceOr::Item(schema) = schema else {
                continue;
            };
            let Some(ext) = schema.schema_data.extensions.get(X_RUST_TYPE) else {
                continue;
            };
            let at = child(
                &crate::diagnostics::pointer(&["components", "schemas", name]),
                X_RUST_TYPE,
            );
            // The options beat the document.
            if replaced.contains_key(name) {
                continue;
            }
            match x_rust_type(ext) {
                Ok(m) => {
                    let text = is_scalar(&openapiv3::ReferenceOr::Item(schema.clone()));
                    replaced.insert(name.clone(), user_mapping(&m, None, text));
                }
                Err(message) => self.diags.error(at, message),
            }
        }
        self.replaced = replaced;
    }

    /// The type a replaced component stands for, recording its crate.
    pub(crate) fn replaced_ty(&mut self, name: &str) -> Option<Ty> {
        let mapped = self.replaced.get(name)?.clone();
        Some(self.use_mapped(mapped))
    }
}

/// Whether a component schema is a string, integer, number or boolean (so a type replacing
/// it has a text form).
fn is_scalar(schema: &openapiv3::ReferenceOr<openapiv3::Schema>) -> bool {
    use openapiv3::{SchemaKind, Type};
    matches!(
        schema,
        openapiv3::ReferenceOr::Item(s) if matches!(
            s.schema_kind,
            SchemaKind::Type(Type::String(_) | Type::Integer(_) | Type::Number(_) | Type::Boolean(_))
        )
    )
}

/// The extension that names an existing Rust type for a schema.
pub(crate) const X_RUST_TYPE: &str = "x-rust-type";

/// Reads `x-rust-type: {path, crate, version, features}` (progenitor's shape, plus
/// `features`): `path` is required; `crate` and `version` go together and add the crate as
/// a dependency; without them the path must be one the crate already has (std, or `crate::`).
fn x_rust_type(ext: &serde_json::Value) -> Result<TypeMapping, String> {
    let obj = ext
        .as_object()
        .ok_or("`x-rust-type` must be an object with `path`, and `crate` with `version`")?;
    for key in obj.keys() {
        if !["path", "crate", "version", "features"].contains(&key.as_str()) {
            return Err(format!(
                "`x-rust-type` has the unknown key `{key}` (known: `path`, `crate`, `version`, `features`)"
            ));
        }
    }
    let text = |key: &str| -> Result<Option<String>, String> {
        match obj.get(key) {
            None => Ok(None),
            Some(serde_json::Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(format!("`x-rust-type.{key}` must be a string")),
        }
    };
    let path = text("path")?.ok_or("`x-rust-type` needs `path`, the Rust type it stands for")?;
    if !is_type_path(&path) {
        return Err(format!(
            "`x-rust-type.path` `{path}` is not a Rust type path"
        ));
    }
    let features = match obj.get("features") {
        None => Vec::new(),
        Some(serde_json::Value::Array(items)) => items
            .iter()
            .map(|f| f.as_str().map(str::to_string))
            .collect::<Option<Vec<_>>>()
            .ok_or("`x-rust-type.features` must be a list of strings")?,
        Some(_) => return Err("`x-rust-type.features` must be a list of strings".to_string()),
    };
    let dependency = match (text("crate")?, text("version")?) {
        (Some(name), Some(version)) => Some(options::Dependency {
            name,
            version,
            features,
            default_features: true,
        }),
        (None, None) if features.is_empty() => None,
        (None, None) => return Err("`x-rust-type.features` needs `crate`".to_string()),
        (Some(_), None) => return Err("`x-rust-type.crate` needs `version`".to_string()),
        (None, Some(_)) => return Err("`x-rust-type.version` needs `crate`".to_string()),
    };
    Ok(TypeMapping { path, dependency })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{Api, TypeKind};
    use crate::options::Options;

    fn lower(doc: &str, options: &Options) -> Result<Api, String> {
        crate::lower_text_with(doc, options)
            .map(|(api, _)| api)
            .map_err(|d| d.to_string())
    }

    fn doc(schemas: &str) -> String {
        format!("openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths: {{}}\ncomponents:\n  schemas:\n{schemas}")
    }

    fn field_ty(api: &Api, ty: &str, field: &str) -> Ty {
        let def = api.types.iter().find(|t| t.name == ty).unwrap();
        let TypeKind::Struct { fields, .. } = &def.kind else {
            panic!("{ty} is not a struct")
        };
        fields
            .iter()
            .find(|f| f.api_name == field)
            .unwrap()
            .ty
            .clone()
    }

    fn ext(path: &str, format: &str) -> Ty {
        Ty::External {
            path: path.to_string(),
            format: Some(format.to_string()),
            text: true,
        }
    }

    const EVERY_FORMAT: &str = "    T:\n      type: object\n      required: [id, at, on, raw, link, v4, v6, mail, blob, n32, n64, f32]\n      properties:\n        \
        id: {type: string, format: uuid}\n        at: {type: string, format: date-time}\n        \
        on: {type: string, format: date}\n        raw: {type: string, format: byte}\n        \
        link: {type: string, format: uri}\n        v4: {type: string, format: ipv4}\n        \
        v6: {type: string, format: ipv6}\n        mail: {type: string, format: email}\n        \
        blob: {type: string, format: binary}\n        n32: {type: integer, format: int32}\n        \
        n64: {type: integer, format: int64}\n        f32: {type: number, format: float}\n        \
        odd: {type: string, format: no-such-format}\n";

    /// The built-in table, the crates it needs (sorted, minimal features), and formats
    /// nobody knows staying strings.
    #[test]
    fn built_in_table_maps_each_format_and_lists_its_crate() {
        let api = lower(&doc(EVERY_FORMAT), &Options::default()).unwrap();
        let f = |name: &str| field_ty(&api, "T", name);
        assert_eq!(f("id"), ext("uuid::Uuid", "uuid"));
        assert_eq!(f("at"), ext("chrono::DateTime<chrono::Utc>", "date-time"));
        assert_eq!(f("on"), ext("chrono::NaiveDate", "date"));
        assert_eq!(f("raw"), ext(BASE64_PATH, "byte"));
        assert_eq!(f("link"), ext("url::Url", "uri"));
        assert_eq!(f("v4"), ext("std::net::Ipv4Addr", "ipv4"));
        assert_eq!(f("v6"), ext("std::net::Ipv6Addr", "ipv6"));
        assert_eq!(f("mail"), Ty::String);
        assert_eq!(f("blob"), Ty::String);
        assert_eq!(f("n32"), Ty::Int { bits: 32 });
        assert_eq!(f("n64"), Ty::Int { bits: 64 });
        assert_eq!(f("f32"), Ty::Float { bits: 32 });
        assert_eq!(f("odd"), Ty::Option(Box::new(Ty::String)));
        let deps: Vec<String> = api
            .dependencies
            .iter()
            .map(|d| {
                format!(
                    "{} {} {:?} {}",
                    d.name, d.version, d.features, d.default_features
                )
            })
            .collect();
        assert_eq!(
            deps,
            [
                "base64 0.22 [\"alloc\"] false",
                "chrono 0.4 [\"serde\"] false",
                "url 2 [\"serde\"] true",
                "uuid 1 [\"serde\"] false",
            ]
        );
        // A document without formats needs no crate.
        let plain = lower(&doc("    P: {type: string}\n"), &Options::default()).unwrap();
        assert!(plain.dependencies.is_empty());
    }

    /// The date-time library choice, and unsigned integers only when asked.
    #[test]
    fn date_time_library_and_unsigned_integers_follow_the_options() {
        let schemas = "    T:\n      type: object\n      required: [at, on, count]\n      properties:\n        \
            at: {type: string, format: date-time}\n        on: {type: string, format: date}\n        \
            count: {type: integer, format: int64, minimum: 0}\n        small: {type: integer, format: int32, minimum: 0}\n        \
            neg: {type: integer, minimum: -1}\n";
        let mut options = Options::default();
        options.types.date_time = DateTimeLibrary::Time;
        let api = lower(&doc(schemas), &options).unwrap();
        assert_eq!(field_ty(&api, "T", "at"), ext(TIME_DATE_TIME, "date-time"));
        assert_eq!(field_ty(&api, "T", "on"), ext(TIME_DATE, "date"));
        assert_eq!(api.dependencies.len(), 1);
        assert_eq!(api.dependencies[0].name, "time");
        options.types.date_time = DateTimeLibrary::String;
        let api = lower(&doc(schemas), &options).unwrap();
        assert_eq!(field_ty(&api, "T", "at"), Ty::String);
        assert!(api.dependencies.is_empty());
        let inner = |api: &Api, name: &str| {
            let ty = match field_ty(api, "T", name) {
                Ty::Option(inner) => *inner,
                ty => ty,
            };
            let Ty::Named(n) = ty else {
                panic!("{name} is not a named type")
            };
            let def = api.types.iter().find(|t| t.name == n).unwrap();
            let TypeKind::Newtype { inner, .. } = &def.kind else {
                panic!("{n} is not a newtype")
            };
            inner.clone()
        };
        assert_eq!(inner(&api, "count"), Ty::Int { bits: 64 });
        options.types.unsigned_when_minimum_zero = true;
        let api = lower(&doc(schemas), &options).unwrap();
        assert_eq!(inner(&api, "count"), Ty::Uint { bits: 64 });
        assert_eq!(inner(&api, "small"), Ty::Uint { bits: 32 });
        assert_eq!(inner(&api, "neg"), Ty::Int { bits: 64 });
    }

    fn mapping(path: &str, krate: Option<(&str, &str)>) -> TypeMapping {
        TypeMapping {
            path: path.to_string(),
            dependency: krate.map(|(name, version)| options::Dependency {
                name: name.to_string(),
                version: version.to_string(),
                features: vec!["serde".to_string()],
                default_features: true,
            }),
        }
    }

    /// A format override beats the table (for any type of schema), and brings its crate.
    #[test]
    fn format_overrides_beat_the_table() {
        let mut options = Options::default();
        options.types.formats.insert(
            "uuid".to_string(),
            mapping("my_ids::Id", Some(("my-ids", "0.3"))),
        );
        options
            .types
            .formats
            .insert("int64".to_string(), mapping("my_ids::Big", None));
        options
            .types
            .formats
            .insert("email".to_string(), mapping("std::string::String", None));
        let api = lower(&doc(EVERY_FORMAT), &options).unwrap();
        assert_eq!(field_ty(&api, "T", "id"), ext("my_ids::Id", "uuid"));
        assert_eq!(field_ty(&api, "T", "n64"), ext("my_ids::Big", "int64"));
        assert_eq!(
            field_ty(&api, "T", "mail"),
            ext("std::string::String", "email")
        );
        let names: Vec<&str> = api.dependencies.iter().map(|d| d.name.as_str()).collect();
        assert_eq!(names, ["base64", "chrono", "my-ids", "url"]);
        options
            .types
            .formats
            .insert("date".to_string(), mapping("not a path", None));
        let err = lower(&doc(EVERY_FORMAT), &options).unwrap_err();
        assert!(
            err.contains("`types.formats.date.path` `not a path` is not a Rust type path"),
            "{err}"
        );
    }

    const REPLACED: &str = "    Money: {type: object, properties: {cents: {type: integer}}}\n    \
        Stamp:\n      type: string\n      x-rust-type: {crate: my-time, version: '1.2', path: 'my_time::Stamp<my_time::Utc>', features: [serde]}\n    \
        Local:\n      type: string\n      x-rust-type: {path: crate::Local}\n    \
        Order:\n      type: object\n      required: [total, at]\n      properties:\n        \
        total: {$ref: '#/components/schemas/Money'}\n        at: {$ref: '#/components/schemas/Stamp'}\n        \
        here: {$ref: '#/components/schemas/Local'}\n";

    /// A schema replaced by the options or by `x-rust-type` emits no model; references use
    /// the path, and its crate is a dependency.
    #[test]
    fn replaced_schemas_are_referenced_by_their_path() {
        let mut options = Options::default();
        options.types.schemas.insert(
            "Money".to_string(),
            mapping("billing::Money", Some(("billing", "2"))),
        );
        let api = lower(&doc(REPLACED), &options).unwrap();
        let names: Vec<&str> = api.types.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, ["Order"]);
        // A replaced object has no text form; a replaced string has its serde form.
        let replaced = |path: &str, text: bool| Ty::External {
            path: path.to_string(),
            format: None,
            text,
        };
        assert_eq!(
            field_ty(&api, "Order", "total"),
            replaced("billing::Money", false)
        );
        assert_eq!(
            field_ty(&api, "Order", "at"),
            replaced("my_time::Stamp<my_time::Utc>", true)
        );
        assert_eq!(
            field_ty(&api, "Order", "here"),
            Ty::Option(Box::new(replaced("crate::Local", true)))
        );
        let deps: Vec<String> = api
            .dependencies
            .iter()
            .map(|d| format!("{} {} {:?}", d.name, d.version, d.features))
            .collect();
        assert_eq!(deps, ["billing 2 [\"serde\"]", "my-time 1.2 [\"serde\"]"]);
    }

    /// Each malformed `x-rust-type` is an error at the extension, saying what is wrong.
    #[test]
    fn bad_x_rust_type_is_an_error_at_the_extension() {
        for (ext, expected) in [
            ("'my::T'", "`x-rust-type` must be an object"),
            ("{crate: a, version: '1'}", "`x-rust-type` needs `path`"),
            (
                "{path: 'a b'}",
                "`x-rust-type.path` `a b` is not a Rust type path",
            ),
            (
                "{path: a::B, crate: a}",
                "`x-rust-type.crate` needs `version`",
            ),
            (
                "{path: a::B, version: '1'}",
                "`x-rust-type.version` needs `crate`",
            ),
            (
                "{path: a::B, features: [x]}",
                "`x-rust-type.features` needs `crate`",
            ),
            (
                "{path: a::B, pth: x}",
                "`x-rust-type` has the unknown key `pth`",
            ),
            ("{path: 3}", "`x-rust-type.path` must be a string"),
        ] {
            let text = doc(&format!(
                "    S:\n      type: string\n      x-rust-type: {ext}\n"
            ));
            let err = lower(&text, &Options::default()).unwrap_err();
            assert!(
                err.contains(expected) && err.contains("(at #/components/schemas/S/x-rust-type)"),
                "{ext}: {err}"
            );
        }
    }

    /// Extra derives reach every model (without repeating what a type derives anyway), a
    /// schema's own derives reach only it, and a bad path or an unknown schema is an error
    /// naming the key.
    #[test]
    fn derives_from_the_options_are_checked_and_added() {
        let schemas = "    A: {type: object, properties: {x: {type: string}}}\n    \
            B: {type: string, enum: [x, y]}\n    C: {type: string, maxLength: 3}\n";
        let mut options = Options::default();
        options.types.derives = vec!["Eq".to_string(), "schemars::JsonSchema".to_string()];
        options
            .types
            .schema_derives
            .insert("A".to_string(), vec!["Hash".to_string()]);
        let api = lower(&doc(schemas), &options).unwrap();
        let extra = |name: &str| {
            api.types
                .iter()
                .find(|t| t.name == name)
                .unwrap()
                .extra_derives
                .clone()
        };
        assert_eq!(extra("A"), ["Eq", "schemars::JsonSchema", "Hash"]);
        assert_eq!(extra("B"), ["schemars::JsonSchema"]);
        assert_eq!(extra("C"), ["schemars::JsonSchema"]);
        options.types.derives = vec!["Has h".to_string()];
        options
            .types
            .schema_derives
            .insert("Nope".to_string(), vec!["Vec<u8>".to_string()]);
        options
            .types
            .schemas
            .insert("Gone".to_string(), mapping("a::B", None));
        let err = lower(&doc(schemas), &options).unwrap_err();
        for expected in [
            "`types.derives[0]` `Has h` is not a Rust path",
            "`types.schema_derives.Nope` names no component schema",
            "`types.schema_derives.Nope[0]` `Vec<u8>` is not a Rust path",
            "`types.schemas.Gone` names no component schema",
        ] {
            assert!(err.contains(expected), "{expected}: {err}");
        }
    }

    /// Crates and optional runtime modules come only with the formats that need them.
    #[test]
    fn crates_and_runtime_modules_come_only_when_used() {
        let files = |schemas: &str, options: &Options| -> Vec<(String, String)> {
            let generated = crate::generate(&doc(schemas), options).unwrap();
            generated.output.files.into_iter().collect()
        };
        let text = |files: &[(String, String)], path: &str| {
            files
                .iter()
                .find(|(p, _)| p == path)
                .map(|(_, t)| t.clone())
                .unwrap_or_default()
        };
        let has = |files: &[(String, String)], path: &str| files.iter().any(|(p, _)| p == path);
        let plain = files(
            "    P: {type: string, format: email}\n",
            &Options::default(),
        );
        let toml = text(&plain, "Cargo.toml");
        for absent in ["base64", "chrono", "time =", "uuid", "url ="] {
            assert!(!toml.contains(absent), "{absent}: {toml}");
        }
        assert!(!has(&plain, "src/runtime/base64_bytes.rs"));
        assert!(!text(&plain, "src/runtime/mod.rs").contains("base64_bytes"));
        let bytes = files("    B: {type: string, format: byte}\n", &Options::default());
        assert!(text(&bytes, "Cargo.toml").contains(
            "\nbase64 = { version = \"0.22\", default-features = false, features = [\"alloc\"] }\n"
        ));
        assert!(has(&bytes, "src/runtime/base64_bytes.rs"));
        assert!(text(&bytes, "src/runtime/mod.rs").contains("pub use base64_bytes::Base64;"));
        assert!(!has(&bytes, "src/runtime/time_rfc3339.rs"));
        let mut options = Options::default();
        options.types.date_time = DateTimeLibrary::Time;
        let time = files("    D: {type: string, format: date}\n", &options);
        assert!(text(&time, "Cargo.toml").contains("\ntime = { version = \"0.3\", default-features = false, features = [\"formatting\", \"parsing\"] }\n"));
        assert!(has(&time, "src/runtime/time_rfc3339.rs"));
        assert!(!has(&time, "src/runtime/base64_bytes.rs"));
    }

    /// A replaced string schema in a path or query is sent as its serde text; a replaced
    /// object keeps the object encoding, and is a JSON part in multipart.
    #[test]
    fn replaced_scalars_are_text_and_replaced_objects_are_not() {
        let text = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /o/{at}:\n    post:\n      \
            operationId: order\n      parameters:\n        - {name: at, in: path, required: true, schema: {$ref: '#/components/schemas/Stamp'}}\n        \
            - {name: f, in: query, style: deepObject, schema: {$ref: '#/components/schemas/Money'}}\n      \
            requestBody:\n        content:\n          multipart/form-data:\n            schema: {$ref: '#/components/schemas/Form'}\n      \
            responses:\n        '204': {description: ok}\ncomponents:\n  schemas:\n".to_string()
            + REPLACED
            + "    Form:\n      type: object\n      properties:\n        \
               total: {$ref: '#/components/schemas/Money'}\n        at: {$ref: '#/components/schemas/Stamp'}\n";
        let mut options = Options::default();
        options
            .types
            .schemas
            .insert("Money".to_string(), mapping("billing::Money", None));
        let (api, diags) = crate::lower_text_with(&text, &options).unwrap();
        assert!(diags.0.is_empty(), "{diags}");
        let op = &api.groups[0].operations[0];
        let serde_text: Vec<(&str, bool)> = op
            .params
            .iter()
            .map(|p| (p.api_name.as_str(), p.serde_text))
            .collect();
        assert_eq!(serde_text, [("at", true), ("f", false)]);
        assert_eq!(
            op.params[1].query,
            Some(crate::ir::QueryEncoding::Object(
                crate::ir::ObjectStyle::DeepObject
            ))
        );
        assert!(op.path_segments.iter().any(|s| matches!(
            s,
            crate::ir::PathSegment::Param {
                text: crate::ir::PathText::Serde,
                ..
            }
        )));
        let parts: Vec<(String, crate::ir::PartKind)> = op
            .body
            .as_ref()
            .unwrap()
            .parts
            .iter()
            .map(|p| (p.api_name.clone(), p.kind.clone()))
            .collect();
        assert_eq!(
            parts,
            [
                ("total".to_string(), crate::ir::PartKind::Json),
                ("at".to_string(), crate::ir::PartKind::SerdeText)
            ]
        );
    }
}
