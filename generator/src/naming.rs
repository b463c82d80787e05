//! Naming: the one place that turns API names into Rust identifiers (casing, keyword
//! escaping) and resolves collisions with one rule: every namespace of the generated crate
//! is a [`Scope`] that starts with the names the emitted code itself uses there (the tables
//! in [`reserved`]), and every API name is claimed in it, in a fixed order; a name that is
//! taken gets the smallest free numeric suffix.

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

/// The names the emitted code uses in each namespace of the generated crate. A scope for a
/// namespace starts with its table taken, so no API name can shadow or duplicate them.
pub mod reserved {
    /// Names in the standard prelude (types, traits, variants) and `Self`, which emitted
    /// modules use unqualified.
    pub const PRELUDE: &[&str] = &[
        "Self",
        "Option",
        "Some",
        "None",
        "Result",
        "Ok",
        "Err",
        "String",
        "ToString",
        "Vec",
        "Box",
        "ToOwned",
        "Default",
        "Clone",
        "Copy",
        "Debug",
        "Hash",
        "Eq",
        "PartialEq",
        "Ord",
        "PartialOrd",
        "Send",
        "Sync",
        "Sized",
        "Unpin",
        "Drop",
        "Fn",
        "FnMut",
        "FnOnce",
        "From",
        "Into",
        "TryFrom",
        "TryInto",
        "FromIterator",
        "AsRef",
        "AsMut",
        "Iterator",
        "IntoIterator",
        "DoubleEndedIterator",
        "ExactSizeIterator",
        "Extend",
    ];

    /// Type names in `models.rs`, besides [`PRELUDE`]: its imports.
    pub const MODEL_TYPES: &[&str] = &["Serialize", "Deserialize", "ValidationError", "runtime"];

    /// Type names in each `apis/<group>.rs`, besides [`PRELUDE`]: its imports. The
    /// group's handle, builders and response types are claimed in one scope with these.
    pub const GROUP_TYPES: &[&str] = &["Error", "Request", "Client", "models", "runtime"];

    /// Trait methods the emitted types derive; an inherent method of the same name would
    /// shadow them (`builder.clone()` is called by `stream`).
    pub const DERIVED_METHODS: &[&str] = &["clone", "clone_from", "fmt"];

    /// Modules under `apis`: `mod` is the file `apis/mod.rs` itself, and `apis::apis` is
    /// what clippy's `module_inception` rejects. A group's module name is also its accessor
    /// method on `Client`, so `Client`'s own methods are taken too: `builder` (emitted in
    /// `lib.rs`) here, and the runtime's, read from its source, in [`group_modules`].
    pub const GROUP_MODULES: &[&str] = &["mod", "apis", "builder"];

    /// [`GROUP_MODULES`] and every method the runtime defines on `Client`.
    pub fn group_modules() -> Vec<&'static str> {
        let mut names = GROUP_MODULES.to_vec();
        names.extend_from_slice(crate::runtime::methods_of("Client"));
        names
    }

    /// Methods of `ClientBuilder`, read from the runtime's source; security schemes add a
    /// setter each, claimed in a scope that starts with these.
    pub fn client_builder_methods() -> &'static [&'static str] {
        crate::runtime::methods_of("ClientBuilder")
    }

    /// Cargo features a generated crate has, or is expected to get, besides one per tag
    /// module: `default`, and names its dependencies' features are commonly passed through
    /// as. A tag feature is claimed in a scope that starts with these.
    pub const FEATURES: &[&str] = &[
        "default",
        "mock",
        "tracing",
        "rustls-tls",
        "rustls-tls-native-roots",
        "native-tls",
    ];

    /// Methods of a group's handle besides its operations.
    pub const HANDLE_METHODS: &[&str] = &["new"];

    /// Members of a request builder besides its parameters: the `client` field, the
    /// `body` field and setter, and the methods `send`, `send_with_headers`, `send_stream`
    /// and `stream`. Parameters are fields, setters, arguments and locals at once, so they
    /// share a scope.
    pub const BUILDER_MEMBERS: &[&str] = &[
        "client",
        "body",
        "send",
        "send_with_headers",
        "send_stream",
        "stream",
    ];

    /// Variants of a union besides its members: discriminated unions keep what they do
    /// not know as `Unknown`. (String enums rename a value called `Unknown` or `Self` to
    /// `UnknownValue` or `SelfValue`, see [`variant_name`](super::variant_name).)
    pub const UNION_VARIANTS: &[&str] = &["Unknown"];

    /// Locals of the emitted `send` that are alive while parameter locals are read. The
    /// locals made from parameter and header names (`*_segment`, `header_*`) are claimed
    /// in the same scope as the parameters.
    pub const SEND_LOCALS: &[&str] = &["request", "response", "cookies"];
}

/// A new scope for one namespace, with the given tables taken.
pub fn scope(tables: &[&[&str]]) -> Scope {
    Scope::with_reserved(tables.iter().flat_map(|t| t.iter().copied()))
}

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

/// The Rust type name wanted for a schema, inline type or builder; claim it in the
/// namespace's scope with [`Scope::claim`].
pub fn type_name(name: &str) -> String {
    upper_camel(name, "T")
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

/// An identifier without its raw prefix: `r#type` is the identifier `type`. For file
/// names, text in docs, and names built from another name.
pub fn unraw(ident: &str) -> &str {
    ident.strip_prefix("r#").unwrap_or(ident)
}

/// The handle type of a tag's operations (`TagsApi`); claim it in the group types' scope.
pub fn handle_type(tag: &str) -> String {
    format!("{}Api", type_name(tag))
}

/// The Cargo feature that gates a tag's module, named after the module (a snake_case
/// identifier is valid feature syntax); claim it in a scope of [`reserved::FEATURES`].
pub fn tag_feature(module: &str) -> String {
    unraw(module).to_string()
}

/// The file the module target is written to: the crate name in snake_case, `.rs`.
pub fn module_file(crate_name: &str) -> String {
    format!("{}.rs", snake(crate_name, "client"))
}

/// The enum of an operation's success responses, named after its builder.
pub fn success_enum(builder: &str) -> String {
    format!("{builder}Response")
}

/// The struct of an operation's declared response headers, named after its builder.
pub fn headers_struct(builder: &str) -> String {
    format!("{builder}Headers")
}

/// The local the emitted `send` binds a path parameter's encoded text to (it names it in
/// the path's format string); claim it in the parameters' scope.
pub fn segment_local(param: &str) -> String {
    format!("{}_segment", stem(param))
}

/// The local the emitted `send_with_headers` reads a response header into; claim it in
/// the parameters' scope.
pub fn header_local(field: &str) -> String {
    format!("header_{}", stem(field))
}

/// An identifier without its raw prefix or the underscore that escapes a keyword, to build
/// other names from: `self_` and `r#type` give `self` and `type`.
fn stem(ident: &str) -> &str {
    let base = unraw(ident);
    match base.trim_end_matches('_') {
        "" => base,
        stem => stem,
    }
}

/// Hands out names within one namespace; a name already taken gets the smallest numeric
/// suffix that is free. Raw and plain spellings are one identifier (`r#type` is `type`).
/// Callers ask in a deterministic order, so the result is stable.
#[derive(Debug, Default, Clone)]
pub struct Scope {
    taken: BTreeSet<String>,
}

impl Scope {
    /// A scope where `reserved` are already taken.
    pub fn with_reserved<'a>(reserved: impl IntoIterator<Item = &'a str>) -> Self {
        Scope {
            taken: reserved.into_iter().map(|s| unraw(s).to_string()).collect(),
        }
    }

    /// Claims the identifier `wanted` (already cased and escaped), or `wanted2`,
    /// `wanted_2`, ... when it is taken; a suffixed name is never a keyword.
    pub fn claim(&mut self, wanted: &str) -> String {
        if self.taken.insert(unraw(wanted).to_string()) {
            return wanted.to_string();
        }
        let base = stem(wanted);
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

    /// Claims the snake_case identifier for an API name (`fallback` if it has no letters).
    pub fn claim_snake(&mut self, api_name: &str, fallback: &str) -> String {
        self.claim(&escape_keyword(snake(api_name, fallback)))
    }

    /// Claims the type name for an API name.
    pub fn claim_type(&mut self, api_name: &str) -> String {
        self.claim(&type_name(api_name))
    }

    /// Whether `name` is taken.
    pub fn contains(&self, name: &str) -> bool {
        self.taken.contains(unraw(name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn casing_and_keywords() {
        assert_eq!(type_name("MongoObjectID"), "MongoObjectId");
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

    #[test]
    fn reserved_names_and_escapes_are_claimed_like_any_other() {
        let mut types = scope(&[reserved::PRELUDE, reserved::MODEL_TYPES]);
        assert_eq!(types.claim_type("Result"), "Result2");
        assert_eq!(types.claim_type("self"), "Self2");
        assert_eq!(types.claim_type("Error"), "Error");
        let mut modules = scope(&[reserved::GROUP_MODULES]);
        // `r#mod` is the identifier `mod`, whose file would be `apis/mod.rs`.
        assert_eq!(modules.claim_snake("mod", "group"), "mod_2");
        assert_eq!(modules.claim_snake("builder", "group"), "builder_2");
        let mut fields = Scope::default();
        // An escaped `self` and a property really called `self_` stay apart.
        assert_eq!(fields.claim_snake("self", "field"), "self_");
        assert_eq!(fields.claim_snake("self_", "field"), "self_2");
        assert_eq!(fields.claim_snake("Self", "field"), "self_3");
        assert_eq!(segment_local("self_"), "self_segment");
        assert_eq!(header_local("r#type"), "header_type");
        let mut params = scope(&[reserved::BUILDER_MEMBERS, reserved::SEND_LOCALS]);
        assert_eq!(params.claim_snake("x_segment", "param"), "x_segment");
        assert_eq!(params.claim_snake("x", "param"), "x");
        assert_eq!(params.claim(&segment_local("x")), "x_segment_2");
        assert_eq!(params.claim_snake("request", "param"), "request_2");
    }

    /// The tables come from the runtime: a method added to `Client` or `ClientBuilder`
    /// is taken in the scopes of group accessors and scheme setters without editing naming.
    #[test]
    fn tables_follow_the_runtime() {
        let modules = reserved::group_modules();
        for m in [
            "mod",
            "apis",
            "builder",
            "base_url",
            "execute",
            "apply_security",
        ] {
            assert!(modules.contains(&m), "{m} in {modules:?}");
        }
        let setters = reserved::client_builder_methods();
        for m in [
            "base_url",
            "timeout",
            "max_response_body_bytes",
            "credential",
            "build",
        ] {
            assert!(setters.contains(&m), "{m} in {setters:?}");
        }
    }

    /// Every name the emitted `models.rs` and `apis/<group>.rs` import is in their
    /// namespace's table, so no schema, builder or handle can be named like an import.
    #[test]
    fn tables_cover_the_imports_of_emitted_modules() {
        let spec = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      operationId: a\n      tags: [t]\n      responses: {'200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/S'}}}}}\ncomponents: {schemas: {S: {type: object, properties: {p: {type: string}}}}}\n";
        let generated = crate::generate(spec, &crate::Options::default()).expect("generates");
        fn leaves(tree: &syn::UseTree, out: &mut Vec<String>) {
            match tree {
                syn::UseTree::Path(p) => leaves(&p.tree, out),
                syn::UseTree::Name(n) => out.push(n.ident.to_string()),
                syn::UseTree::Rename(r) => out.push(r.rename.to_string()),
                syn::UseTree::Group(g) => g.items.iter().for_each(|t| leaves(t, out)),
                syn::UseTree::Glob(_) => out.push("*".to_string()),
            }
        }
        let mut checked = 0;
        for (path, text) in &generated.output.files {
            let table = match path.as_str() {
                "src/models.rs" => reserved::MODEL_TYPES,
                p if p.starts_with("src/apis/") && p != "src/apis/mod.rs" => reserved::GROUP_TYPES,
                _ => continue,
            };
            let file: syn::File = syn::parse_str(text).expect("emitted code parses");
            let mut names = Vec::new();
            for item in &file.items {
                if let syn::Item::Use(u) = item {
                    leaves(&u.tree, &mut names);
                }
            }
            for name in names {
                assert!(
                    table.contains(&name.as_str()),
                    "`{name}` imported in {path} is missing from its table in naming::reserved"
                );
            }
            checked += 1;
        }
        assert_eq!(checked, 2, "models.rs and one group module are checked");
    }
}
