//! IR: the plain-data model of an API that lowering builds and emission reads. References
//! are resolved, Rust names are chosen, and API names are kept beside them. No tokens.

pub mod example;
mod operations;

pub use operations::*;
use serde::Serialize;

/// A whole API, ready to emit.
#[derive(Debug, Clone, Serialize)]
pub struct Api {
    /// `info.title`.
    pub title: String,
    /// `info.version`.
    pub version: String,
    /// `info.description`.
    pub description: Option<String>,
    /// `info.license`, with the SPDX expression it names, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub license: Option<License>,
    /// `info.contact`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contact: Option<Contact>,
    /// Server URLs in document order as absolute base URLs: variables take their defaults,
    /// relative URLs get the placeholder host `http://localhost`, and a document without
    /// servers gets `http://localhost` alone.
    pub servers: Vec<String>,
    /// The default base URL: the first of `servers`.
    pub base_url: String,
    /// Named types, sorted by Rust name.
    pub types: Vec<TypeDef>,
    /// Security schemes, sorted by API name.
    pub security_schemes: Vec<SecurityScheme>,
    /// Operation groups (one per tag), sorted by Rust name; each holds its operations.
    pub groups: Vec<Group>,
    /// The crates the document's types need beyond the fixed ones (`uuid`, `chrono`, a
    /// user's crate, ...), sorted by name, each once with the union of the features asked.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub dependencies: Vec<Dependency>,
}

/// A crates.io dependency the generated crate needs for the types it uses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Dependency {
    /// The crate name.
    pub name: String,
    /// A version requirement.
    pub version: String,
    /// Features to enable, sorted.
    pub features: Vec<String>,
    /// Whether the crate's default features stay on.
    pub default_features: bool,
}

/// The document's license (`info.license`).
#[derive(Debug, Clone, Serialize)]
pub struct License {
    /// `name`, as written.
    pub name: String,
    /// The SPDX expression for the crate's `license`: the 3.1 `identifier`, or else `name`,
    /// when it is a well-formed expression of known license identifiers; `None` otherwise.
    pub spdx: Option<String>,
    /// `url`.
    pub url: Option<String>,
}

/// The document's contact (`info.contact`).
#[derive(Debug, Clone, Serialize)]
pub struct Contact {
    /// `name`.
    pub name: Option<String>,
    /// `url`, only when it is an `http` or `https` URL (so it can be the crate's homepage).
    pub url: Option<String>,
    /// `email`.
    pub email: Option<String>,
}

/// A use-site type.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Ty {
    /// `bool`.
    Bool,
    /// `i32` or `i64`.
    Int {
        /// 32 or 64.
        bits: u8,
    },
    /// `u32` or `u64`: an integer whose `minimum` is at least 0, when the options ask.
    Uint {
        /// 32 or 64.
        bits: u8,
    },
    /// `f32` or `f64`.
    Float {
        /// 32 or 64.
        bits: u8,
    },
    /// `String`.
    String,
    /// Raw bytes in memory (`bytes::Bytes`), for binary downloads.
    Bytes,
    /// A request body in memory or streamed (`runtime::Body`), for binary request bodies and
    /// multipart file parts.
    Body,
    /// Any JSON value.
    Json,
    /// `Vec<T>`.
    Vec(Box<Ty>),
    /// `BTreeMap<String, T>`.
    Map(Box<Ty>),
    /// `Option<T>`, for nullable values.
    Option(Box<Ty>),
    /// `Box<T>`, to break recursion.
    Boxed(Box<Ty>),
    /// A named type, by its Rust name.
    Named(String),
    /// `()`: no value.
    Unit,
    /// `reqwest::Url`: a redirect target.
    Url,
    /// A type from outside the crate: a format's type from the mapping table, or a user's
    /// type standing for a format or a schema.
    External {
        /// The type as written in code (`uuid::Uuid`, `chrono::DateTime<chrono::Utc>`).
        path: String,
        /// The format it stands for, which decoding errors name (`uuid`, `date-time`);
        /// `None` for a schema replaced by a user's type.
        format: Option<String>,
        /// Whether it has a text form (in paths, queries, headers, text parts): its serde
        /// form, a string, number or boolean. Formats have one; a replaced schema has one
        /// when the schema is a string, integer, number or boolean.
        text: bool,
    },
}

/// The formats whose values the runtime decodes with an error naming the format
/// (`runtime::decode_format::<name>`): (format, function name).
pub const NAMED_FORMATS: &[(&str, &str)] = &[
    ("uuid", "uuid"),
    ("date-time", "date_time"),
    ("date", "date"),
    ("byte", "byte"),
    ("uri", "uri"),
    ("ipv4", "ipv4"),
    ("ipv6", "ipv6"),
];

impl Ty {
    /// The runtime function that decodes this type with an error naming its format, when it
    /// holds (alone, optional, boxed, in a list or a map) a type that stands for one.
    pub fn format_decoder(&self) -> Option<&'static str> {
        self.named_format().map(|(_, decoder)| decoder)
    }

    /// The format the decoder of [`Self::format_decoder`] names in its errors (`uuid`,
    /// `date-time`), with that decoder.
    pub fn named_format(&self) -> Option<(&'static str, &'static str)> {
        match self {
            Ty::External {
                format: Some(format),
                ..
            } => NAMED_FORMATS.iter().find(|(f, _)| f == format).copied(),
            Ty::Option(inner) | Ty::Boxed(inner) | Ty::Vec(inner) | Ty::Map(inner) => {
                inner.named_format()
            }
            _ => None,
        }
    }
}

/// A named type.
#[derive(Debug, Clone, Serialize)]
pub struct TypeDef {
    /// The Rust name.
    pub name: String,
    /// The API name: the schema name, or the place it was found for inline schemas.
    pub api_name: String,
    /// JSON pointer to the schema.
    pub pointer: String,
    /// The schema's description.
    pub doc: Option<String>,
    /// Whether the schema is deprecated.
    pub deprecated: bool,
    /// What kind of type.
    pub kind: TypeKind,
    /// Traits it derives beside `Debug`, `Clone`, `PartialEq` and serde's, for structs and
    /// newtypes (decided once the types are final).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub derives: Vec<Derive>,
    /// Derives the options add (paths such as `Hash` or `schemars::JsonSchema`), in order,
    /// without those the type derives anyway.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub extra_derives: Vec<String>,
    /// The tag features whose operations use the type, when the layout has a feature per
    /// tag: it is compiled only with one of them. Empty: always compiled.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub features: Vec<String>,
}

/// A derived trait that depends on the type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Derive {
    /// `Copy`: newtypes over numbers.
    Copy,
    /// `Default`: structs whose fields are all optional.
    Default,
    /// `Eq`.
    Eq,
    /// `Hash`.
    Hash,
    /// `PartialOrd`.
    PartialOrd,
    /// `Ord`.
    Ord,
}

/// The shapes a named type can take.
#[derive(Debug, Clone, Serialize)]
pub enum TypeKind {
    /// A struct with named fields.
    Struct {
        /// Fields in document order.
        fields: Vec<Field>,
        /// Extra properties beside the declared ones, if allowed: a map field.
        additional: Option<AdditionalField>,
    },
    /// A string enum that keeps unknown values.
    StringEnum {
        /// Known values in document order.
        values: Vec<EnumValue>,
        /// The API value of the default, if the schema has one.
        default: Option<String>,
    },
    /// An integer enum: a newtype over `i64` with a constant per known value, so unknown
    /// values still decode.
    IntEnum {
        /// Known values with their constant names.
        values: Vec<(String, i64)>,
    },
    /// A newtype over a primitive that checks constraints on construction and decoding.
    Newtype {
        /// The wrapped type.
        inner: Ty,
        /// The checks.
        constraints: Constraints,
    },
    /// `pub type Name = Target;`.
    Alias {
        /// The aliased type.
        target: Ty,
    },
    /// A union selected by a discriminator property.
    Tagged {
        /// The JSON property that holds the tag.
        property: String,
        /// Variants in document order.
        variants: Vec<TaggedVariant>,
    },
    /// A union tried in order (`oneOf`/`anyOf` without discriminator).
    Untagged {
        /// Variants in document order.
        variants: Vec<UntaggedVariant>,
        /// Whether it gets `Display` (every variant has a text form), so it can be a path,
        /// query or header value. Decided once the types are final.
        display: bool,
    },
}

/// The field that keeps a struct's undeclared properties (`#[serde(flatten)]` map).
#[derive(Debug, Clone, Serialize)]
pub struct AdditionalField {
    /// The Rust identifier, claimed after the declared fields.
    pub name: String,
    /// The type of each extra property's value.
    pub ty: Ty,
}

/// A struct field.
#[derive(Debug, Clone, Serialize)]
pub struct Field {
    /// The Rust identifier (may be raw, like `r#type`).
    pub name: String,
    /// The JSON property name.
    pub api_name: String,
    /// The field type, already `Option` where the property is optional or nullable.
    pub ty: Ty,
    /// Whether the property is in `required`.
    pub required: bool,
    /// Whether the property is nullable.
    pub nullable: bool,
    /// Description.
    pub doc: Option<String>,
    /// The schema default, as JSON text.
    pub default: Option<String>,
    /// readOnly / writeOnly.
    pub read_only: bool,
    /// writeOnly.
    pub write_only: bool,
    /// Deprecated.
    pub deprecated: bool,
    /// The field is a `oneOf`/`anyOf` beside the properties: its union's properties sit
    /// beside the struct's own in JSON (`#[serde(flatten)]`), and `api_name` names the
    /// keyword.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub flatten: bool,
}

/// A value of a string enum.
#[derive(Debug, Clone, Serialize)]
pub struct EnumValue {
    /// The Rust variant name.
    pub name: String,
    /// The wire value.
    pub api_name: String,
}

/// A variant of a discriminated union.
#[derive(Debug, Clone, Serialize)]
pub struct TaggedVariant {
    /// The Rust variant name.
    pub name: String,
    /// The discriminator values that select it (the first is written when serializing).
    pub tags: Vec<String>,
    /// The payload type.
    pub ty: Ty,
}

/// A variant of an untagged union.
#[derive(Debug, Clone, Serialize)]
pub struct UntaggedVariant {
    /// The Rust variant name.
    pub name: String,
    /// The payload type.
    pub ty: Ty,
}

/// Checks on a constrained value.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Constraints {
    /// Regular expression (ECMA-262 dialect, as written in the document).
    pub pattern: Option<String>,
    /// Minimum length in characters.
    pub min_length: Option<u64>,
    /// Maximum length in characters.
    pub max_length: Option<u64>,
    /// Lower bound, exact as the document writes it.
    pub minimum: Option<Bound>,
    /// Upper bound, exact as the document writes it.
    pub maximum: Option<Bound>,
    /// Whether the lower bound is excluded.
    pub exclusive_minimum: bool,
    /// Whether the upper bound is excluded.
    pub exclusive_maximum: bool,
    /// The value must be a multiple of this.
    pub multiple_of: Option<Bound>,
    /// Minimum number of array items.
    pub min_items: Option<u64>,
    /// Maximum number of array items.
    pub max_items: Option<u64>,
    /// Whether array items must be unique (`uniqueItems`).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub unique_items: bool,
}

/// A numeric bound or step: an integer schema's is exact (no trip through `f64`), a number
/// schema's is a float.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Bound {
    /// Of an `integer` schema.
    Int(i64),
    /// Of a `number` schema.
    Float(f64),
}

impl std::fmt::Display for Bound {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Bound::Int(n) => n.fmt(f),
            Bound::Float(n) => n.fmt(f),
        }
    }
}

impl Constraints {
    /// Whether no check applies.
    pub fn is_empty(&self) -> bool {
        *self == Constraints::default()
    }
}

/// A security scheme.
#[derive(Debug, Clone, Serialize)]
pub struct SecurityScheme {
    /// The name under `components.securitySchemes`.
    pub api_name: String,
    /// The snake_case name of the client builder method that sets its credential.
    pub setter: String,
    /// How the credential travels.
    pub kind: SchemeKind,
    /// Description.
    pub doc: Option<String>,
}

/// How a credential travels.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum SchemeKind {
    /// An API key in a query parameter.
    ApiKeyQuery(String),
    /// An API key in a header.
    ApiKeyHeader(String),
    /// An API key in a cookie.
    ApiKeyCookie(String),
    /// `Authorization: Bearer <token>` (also used for OAuth2 and OpenID Connect access tokens).
    Bearer,
    /// `Authorization: Basic <base64(user:password)>`.
    Basic,
}

/// How values of a type are read from text (a response header, a `text/plain` body).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum TextRead {
    /// With `FromStr`.
    Parse,
    /// From the serde form `runtime::serde_text` writes, as a type from outside the crate
    /// (a format's type, through aliases) is; a failure names `format` when there is one.
    Serde {
        /// The format the type stands for.
        format: Option<String>,
    },
}

/// How values of `ty`, which [`parses_from_text`], are read. `kind_of` looks up named types.
pub fn text_read<'t>(ty: &Ty, kind_of: &dyn Fn(&str) -> Option<&'t TypeKind>) -> TextRead {
    let mut ty = ty;
    // Aliases lead to the type; a cycle of them (an invalid document) ends the walk.
    let mut on_the_way: Vec<&str> = Vec::new();
    loop {
        match ty {
            Ty::External {
                text: true, format, ..
            } => {
                return TextRead::Serde {
                    format: format.clone(),
                }
            }
            Ty::Named(n) if !on_the_way.contains(&n.as_str()) => match kind_of(n) {
                Some(TypeKind::Alias { target }) => {
                    on_the_way.push(n);
                    ty = target;
                }
                _ => return TextRead::Parse,
            },
            _ => return TextRead::Parse,
        }
    }
}

/// Whether values of `ty` have a text form to write (`Display`), as path, query and header
/// values need. `kind_of` looks up named types.
pub fn has_text_form<'t>(ty: &Ty, kind_of: &dyn Fn(&str) -> Option<&'t TypeKind>) -> bool {
    text_form(ty, kind_of, TextWay::Write, &mut Vec::new())
}

/// Whether values of `ty` can be read from text (`FromStr`), as response headers and
/// `text/plain` bodies need. Integer enums and untagged unions are written as text but not
/// parsed from it. `kind_of` looks up named types.
pub fn parses_from_text<'t>(ty: &Ty, kind_of: &dyn Fn(&str) -> Option<&'t TypeKind>) -> bool {
    text_form(ty, kind_of, TextWay::Read, &mut Vec::new())
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum TextWay {
    Write,
    Read,
}

/// The one walk behind [`has_text_form`] and [`parses_from_text`], with the named types on
/// the way: a type that contains itself (a union with itself as a variant) has no text form,
/// and must not recurse forever.
fn text_form<'t, 'n>(
    ty: &'n Ty,
    kind_of: &dyn Fn(&str) -> Option<&'t TypeKind>,
    way: TextWay,
    on_the_way: &mut Vec<&'n str>,
) -> bool
where
    't: 'n,
{
    match ty {
        Ty::Bool | Ty::Int { .. } | Ty::Uint { .. } | Ty::Float { .. } | Ty::String => true,
        // Written as their serde form, and read back from it.
        Ty::External { text, .. } => *text,
        Ty::Named(n) => {
            if on_the_way.contains(&n.as_str()) {
                return false;
            }
            on_the_way.push(n);
            let answer = match kind_of(n) {
                Some(TypeKind::StringEnum { .. }) => true,
                Some(TypeKind::IntEnum { .. }) => way == TextWay::Write,
                Some(TypeKind::Newtype { inner, .. }) => !matches!(inner, Ty::Vec(_)),
                Some(TypeKind::Alias { target }) => text_form(target, kind_of, way, on_the_way),
                Some(TypeKind::Untagged { variants, .. }) => {
                    way == TextWay::Write
                        && variants
                            .iter()
                            .all(|v| text_form(&v.ty, kind_of, way, on_the_way))
                }
                _ => false,
            };
            on_the_way.pop();
            answer
        }
        _ => false,
    }
}
