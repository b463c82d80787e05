//! Options: what the caller says about the crate to make (its name, version and package
//! metadata, which operations it keeps, how formats and schemas map to Rust types, its
//! layout, the client's defaults, an overlay to apply first). Plain data read by loading,
//! lowering and emission; below every stage. The config file (`config`) and the
//! `Generator` builder fill it; nothing here reads files.

use std::collections::BTreeMap;
use std::time::Duration;

/// What to call the crate, what to put in it and how to describe where it came from.
#[derive(Debug, Clone)]
pub struct Options {
    /// The package name in `Cargo.toml`; empty: from the document's title.
    pub crate_name: String,
    /// The package version in `Cargo.toml`; empty: from `info.version`.
    pub crate_version: String,
    /// How the header names the source document (a relative path, never an absolute one).
    pub spec_label: String,
    /// How the header names the command that regenerates the crate.
    pub command: String,
    /// Adds an empty `[workspace]` so the crate builds on its own wherever it is written.
    pub standalone: bool,
    /// Package metadata beyond the name and version.
    pub package: Package,
    /// Which operations become code.
    pub select: Selection,
    /// How formats and schemas become Rust types.
    pub types: Types,
    /// How the code is laid out: a crate or one module, modules per tag, features per tag.
    pub layout: Layout,
    /// Defaults the generated `Client::builder()` starts from.
    pub client: ClientDefaults,
    /// The text of an OpenAPI Overlay 1.0 document, applied to the document before anything
    /// else reads it, and the label diagnostics name it by.
    pub overlay: Option<Overlay>,
    /// Every approximation (a type weakened, an operation skipped) is an error instead of a
    /// warning, so nothing the document says is silently modelled less precisely.
    pub strict: bool,
    /// Adds `tests/smoke.rs` to the crate (crate target only): one test that calls every
    /// operation once against the server at `SMOKE_BASE_URL`, with arguments built from the
    /// document, and prints a one-line JSON summary.
    pub smoke_test: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            crate_name: "api-client".to_string(),
            crate_version: "0.1.0".to_string(),
            spec_label: "openapi.yaml".to_string(),
            command: "cargo xtask generate".to_string(),
            standalone: false,
            package: Package::default(),
            select: Selection::default(),
            types: Types::default(),
            layout: Layout::default(),
            client: ClientDefaults::default(),
            overlay: None,
            strict: false,
            smoke_test: false,
        }
    }
}

impl Options {
    /// The same options with an empty crate name or version filled from the document: the
    /// title in kebab case plus `-client` (`api-client` when the title has no letters to
    /// start with), and `info.version` when it is semver (else `0.1.0`).
    pub fn with_document_defaults(&self, title: &str, version: &str) -> Options {
        let mut o = self.clone();
        if o.crate_name.is_empty() {
            let mut name = String::new();
            for c in title.chars() {
                if c.is_ascii_alphanumeric() {
                    name.push(c.to_ascii_lowercase());
                } else if !name.is_empty() && !name.ends_with('-') {
                    name.push('-');
                }
            }
            let name = name.trim_end_matches('-');
            let name = name.strip_suffix("-api").unwrap_or(name);
            o.crate_name = if name.starts_with(|c: char| c.is_ascii_alphabetic()) {
                let mut n = format!("{name}-client");
                n.truncate(64);
                n
            } else {
                "api-client".to_string()
            };
        }
        if o.crate_version.is_empty() {
            o.crate_version = if crate::config::is_semver(version) {
                version.to_string()
            } else {
                "0.1.0".to_string()
            };
        }
        o
    }
}

/// An overlay to apply: its text and how messages name it.
#[derive(Debug, Clone)]
pub struct Overlay {
    /// The overlay document (YAML or JSON).
    pub text: String,
    /// A relative path or name for messages.
    pub label: String,
}

/// Package metadata written to `Cargo.toml`; unset fields fall back to the document's `info`
/// where it has them.
#[derive(Debug, Clone)]
pub struct Package {
    /// One line; defaults to a sentence naming the document's title and version.
    pub description: Option<String>,
    /// An SPDX expression; defaults to `info.license.identifier` when the document has one.
    pub license: Option<String>,
    /// A license file copied into the crate: its file name and text.
    pub license_file: Option<LicenseFile>,
    /// The repository URL.
    pub repository: Option<String>,
    /// The homepage URL; defaults to `info.contact.url`.
    pub homepage: Option<String>,
    /// The documentation URL.
    pub documentation: Option<String>,
    /// Authors, as Cargo writes them.
    pub authors: Vec<String>,
    /// crates.io keywords.
    pub keywords: Vec<String>,
    /// crates.io categories.
    pub categories: Vec<String>,
    /// The Rust edition.
    pub edition: String,
    /// The minimum supported Rust version.
    pub rust_version: String,
}

impl Default for Package {
    fn default() -> Self {
        Package {
            description: None,
            license: None,
            license_file: None,
            repository: None,
            homepage: None,
            documentation: None,
            authors: Vec::new(),
            keywords: Vec::new(),
            categories: Vec::new(),
            edition: "2021".to_string(),
            rust_version: "1.80".to_string(),
        }
    }
}

/// A license file to ship with the crate.
#[derive(Debug, Clone)]
pub struct LicenseFile {
    /// The file name inside the crate (no directories).
    pub name: String,
    /// Its text.
    pub text: String,
}

/// Which operations become code. Empty include lists mean "all"; an operation is kept when
/// every non-empty include list matches it and no exclude list does.
#[derive(Debug, Clone)]
pub struct Selection {
    /// Keep operations with one of these tags.
    pub include_tags: Vec<String>,
    /// Drop operations with one of these tags.
    pub exclude_tags: Vec<String>,
    /// Keep operations with one of these operationIds.
    pub include_operations: Vec<String>,
    /// Drop operations with one of these operationIds.
    pub exclude_operations: Vec<String>,
    /// Keep operations whose path template matches one of these globs (`*` within a
    /// segment, `**` across segments).
    pub include_paths: Vec<String>,
    /// Drop operations whose path template matches one of these globs.
    pub exclude_paths: Vec<String>,
    /// Keep operations marked `deprecated`.
    pub deprecated: bool,
}

impl Default for Selection {
    fn default() -> Self {
        Selection {
            include_tags: Vec::new(),
            exclude_tags: Vec::new(),
            include_operations: Vec::new(),
            exclude_operations: Vec::new(),
            include_paths: Vec::new(),
            exclude_paths: Vec::new(),
            deprecated: true,
        }
    }
}

/// How formats and schemas become Rust types.
#[derive(Debug, Clone, Default)]
pub struct Types {
    /// A `format` (such as `uuid`) mapped to a Rust type, beating the built-in table.
    pub formats: BTreeMap<String, TypeMapping>,
    /// A component schema (by its name in the document) replaced by an existing type.
    pub schemas: BTreeMap<String, TypeMapping>,
    /// Extra derives on every generated model type (paths such as `Hash` or
    /// `schemars::JsonSchema`).
    pub derives: Vec<String>,
    /// Extra derives on one schema's type, by schema name.
    pub schema_derives: BTreeMap<String, Vec<String>>,
    /// The library `date-time` (and `date`) values use.
    pub date_time: DateTimeLibrary,
    /// Integers whose `minimum` is at least 0 become `u32`/`u64` instead of `i32`/`i64`.
    pub unsigned_when_minimum_zero: bool,
}

/// A Rust type that stands for a format or a schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypeMapping {
    /// The type's path as written in code, such as `uuid::Uuid` or `my_types::Money`.
    pub path: String,
    /// The crate it comes from, added to the generated `Cargo.toml`; `None` for types the
    /// crate already has (std, or dependencies it declares anyway).
    pub dependency: Option<Dependency>,
}

/// A crates.io dependency of the generated crate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dependency {
    /// The crate name.
    pub name: String,
    /// A version requirement.
    pub version: String,
    /// Features to enable.
    pub features: Vec<String>,
    /// Whether the crate's default features stay on.
    pub default_features: bool,
}

/// The library for `date-time` and `date` values.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum DateTimeLibrary {
    /// `chrono::DateTime<chrono::Utc>` and `chrono::NaiveDate`.
    #[default]
    Chrono,
    /// `time::OffsetDateTime` and `time::Date`.
    Time,
    /// Kept as `String`.
    String,
}

/// How the code is laid out.
#[derive(Debug, Clone)]
pub struct Layout {
    /// A whole crate, or one module file for `include!` from a `build.rs`.
    pub target: Target,
    /// One module per tag, or every operation in one module.
    pub modules: Modules,
    /// A Cargo feature per tag module, all on by default (only with [`Target::Crate`] and
    /// [`Modules::PerTag`]).
    pub tag_features: bool,
}

impl Default for Layout {
    fn default() -> Self {
        Layout {
            target: Target::Crate,
            modules: Modules::PerTag,
            tag_features: true,
        }
    }
}

/// What the generator writes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Target {
    /// A crate: `Cargo.toml`, `src/`, a README.
    #[default]
    Crate,
    /// One Rust file holding the whole client (runtime included) as modules, for
    /// `include!(concat!(env!("OUT_DIR"), "/…"))` inside a module of the user's crate.
    Module,
}

/// How operations are grouped into modules.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Modules {
    /// One module (and one client handle) per tag.
    #[default]
    PerTag,
    /// One module with every operation, reached from the client directly.
    Flat,
}

/// Defaults the generated `Client::builder()` starts from; a user's builder calls beat them.
#[derive(Debug, Clone, Default)]
pub struct ClientDefaults {
    /// The base URL, instead of the document's first server.
    pub base_url: Option<String>,
    /// The `User-Agent`, instead of `<crate name>/<crate version>`.
    pub user_agent: Option<String>,
    /// The whole-request timeout.
    pub timeout: Option<Duration>,
    /// The connect timeout.
    pub connect_timeout: Option<Duration>,
    /// The retry policy, instead of the runtime's default.
    pub retry: Option<RetryDefaults>,
}

/// A retry policy as plain data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryDefaults {
    /// Retries after the first attempt (0 turns retries off).
    pub max_retries: u32,
    /// The backoff ceiling before the first retry.
    pub initial_backoff: Duration,
    /// The backoff ceiling.
    pub max_backoff: Duration,
}

#[cfg(test)]
mod tests {
    use super::Options;

    #[test]
    fn names_and_versions_come_from_the_document_when_unset() {
        let unset = Options {
            crate_name: String::new(),
            crate_version: String::new(),
            ..Options::default()
        };
        let cases = [
            ("Lightly API", "1.0.0", "lightly-client", "1.0.0"),
            (
                "Swagger Petstore - OpenAPI 3.0",
                "1.0.27",
                "swagger-petstore-openapi-3-0-client",
                "1.0.27",
            ),
            (
                "  GitHub v3 REST API",
                "1.1.4",
                "github-v3-rest-client",
                "1.1.4",
            ),
            ("123", "v2", "api-client", "0.1.0"),
            ("日本", "2024-01-01", "api-client", "0.1.0"),
        ];
        for (title, version, name, v) in cases {
            let o = unset.with_document_defaults(title, version);
            assert_eq!(
                (o.crate_name.as_str(), o.crate_version.as_str()),
                (name, v),
                "{title}"
            );
            crate::config::validate::crate_name(&o.crate_name).unwrap();
        }
        let set = Options::default().with_document_defaults("Other", "9.9.9");
        assert_eq!(
            (set.crate_name.as_str(), set.crate_version.as_str()),
            ("api-client", "0.1.0")
        );
    }
}
