//! Config: the `openapi-rs-gen.toml` file, read with `toml` into [`Config`] (unknown keys
//! refused), then checked value by value ([`validate`]) and turned into [`Options`] with
//! paths resolved against the config's folder. Every error names its key (and line when the
//! file has one). The same struct is the config in code: the `Generator` builder holds one.
//! [`template`] is the commented starter file `init` writes.

mod duration;
pub mod template;
pub(crate) mod validate;

pub use duration::{format_duration, parse_duration};
pub(crate) use validate::is_semver;

use crate::options::{
    ClientDefaults, DateTimeLibrary, Dependency, Layout, LicenseFile, Modules, Options, Overlay,
    Package, RetryDefaults, Selection, Target, TypeMapping, Types,
};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

/// The file name the generator looks for.
pub const FILE_NAME: &str = "openapi-rs-gen.toml";

/// A config file, as written. Every field is optional; [`Config::options`] fills defaults.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// The OpenAPI document, relative to the config file.
    pub spec: Option<PathBuf>,
    /// Where the crate is written (a folder; a file with `layout.target = "module"`).
    pub output: Option<PathBuf>,
    /// An OpenAPI Overlay 1.0 file applied to the document first.
    pub overlay: Option<PathBuf>,
    /// Every approximation (a type weakened, an operation skipped) is an error (default
    /// `false`).
    pub strict: Option<bool>,
    /// Adds `tests/smoke.rs`, a test that calls every operation once against the server at
    /// `SMOKE_BASE_URL` (default `false`).
    pub smoke_test: Option<bool>,
    /// `[package]`: the crate's name and metadata.
    #[serde(default)]
    pub package: PackageConfig,
    /// `[operations]`: which operations become code.
    #[serde(default)]
    pub operations: OperationsConfig,
    /// `[types]`: how formats and schemas become Rust types.
    #[serde(default)]
    pub types: TypesConfig,
    /// `[layout]`: crate or module, modules per tag or flat, features per tag.
    #[serde(default)]
    pub layout: LayoutConfig,
    /// `[client]`: the generated client's defaults.
    #[serde(default)]
    pub client: ClientConfig,
}

/// `[package]`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PackageConfig {
    /// The crate name; defaults to the document's title in kebab case plus `-client`.
    pub name: Option<String>,
    /// The crate version; defaults to `info.version` when it is semver, else `0.1.0`.
    pub version: Option<String>,
    /// One line; defaults to a sentence naming the document's title and version.
    pub description: Option<String>,
    /// An SPDX license expression.
    pub license: Option<String>,
    /// A license file (relative to the config) copied into the crate.
    pub license_file: Option<PathBuf>,
    /// The repository URL.
    pub repository: Option<String>,
    /// The homepage URL.
    pub homepage: Option<String>,
    /// The documentation URL.
    pub documentation: Option<String>,
    /// Authors.
    pub authors: Option<Vec<String>>,
    /// crates.io keywords (at most five).
    pub keywords: Option<Vec<String>>,
    /// crates.io category slugs.
    pub categories: Option<Vec<String>>,
    /// The Rust edition: `2018`, `2021` or `2024`.
    pub edition: Option<String>,
    /// The minimum supported Rust version, such as `1.80`.
    pub rust_version: Option<String>,
    /// Adds an empty `[workspace]` table so the crate builds on its own (default `true`);
    /// `false` for a crate that is a member of the user's workspace.
    pub standalone: Option<bool>,
}

/// `[operations]`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct OperationsConfig {
    /// Keep only operations with one of these tags.
    pub include_tags: Option<Vec<String>>,
    /// Drop operations with one of these tags.
    pub exclude_tags: Option<Vec<String>>,
    /// Keep only these operationIds.
    pub include: Option<Vec<String>>,
    /// Drop these operationIds.
    pub exclude: Option<Vec<String>>,
    /// Keep only operations whose path matches one of these globs (`*` within a segment,
    /// `**` across segments).
    pub include_paths: Option<Vec<String>>,
    /// Drop operations whose path matches one of these globs.
    pub exclude_paths: Option<Vec<String>>,
    /// `keep` (the default) or `drop` operations marked `deprecated`.
    pub deprecated: Option<Deprecated>,
}

/// What happens to deprecated operations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Deprecated {
    /// Generated, marked `#[deprecated]`.
    Keep,
    /// Not generated.
    Drop,
}

/// `[types]`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct TypesConfig {
    /// `format` name to a Rust type, beating the built-in table.
    #[serde(default)]
    pub formats: BTreeMap<String, TypeConfig>,
    /// Component schema name to an existing Rust type that replaces it.
    #[serde(default)]
    pub schemas: BTreeMap<String, TypeConfig>,
    /// Extra derives on every generated model.
    pub derives: Option<Vec<String>>,
    /// Extra derives per schema, by schema name.
    #[serde(default)]
    pub schema_derives: BTreeMap<String, Vec<String>>,
    /// `chrono` (the default), `time` or `string`.
    pub date_time: Option<DateTimeConfig>,
    /// Integers with `minimum >= 0` become `u32`/`u64` (default `false`).
    pub unsigned_when_minimum_zero: Option<bool>,
}

/// A Rust type named in the config: a bare path (`"my_crate::Money"`) or a table naming its
/// crate.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(untagged)]
pub enum TypeConfig {
    /// Just the path: the type needs no new dependency.
    Path(String),
    /// The path and the crate it comes from.
    Table(TypeTable),
}

/// `{ path = "...", crate = "...", version = "...", features = [...] }`.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct TypeTable {
    /// The type's path in code.
    pub path: String,
    /// The crates.io crate that defines it.
    #[serde(rename = "crate")]
    pub krate: Option<String>,
    /// A version requirement for that crate (required with `crate`).
    pub version: Option<String>,
    /// Features of that crate to enable.
    pub features: Option<Vec<String>>,
    /// Whether the crate's default features stay on (default `true`).
    pub default_features: Option<bool>,
}

/// `types.date_time`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DateTimeConfig {
    /// `chrono`.
    Chrono,
    /// `time`.
    Time,
    /// Plain strings.
    String,
}

/// `[layout]`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct LayoutConfig {
    /// `crate` (the default) or `module` (one file for `include!`).
    pub target: Option<TargetConfig>,
    /// `per_tag` (the default) or `flat`.
    pub modules: Option<ModulesConfig>,
    /// A Cargo feature per tag, all on by default (default `true`).
    pub tag_features: Option<bool>,
}

/// `layout.target`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TargetConfig {
    /// A crate.
    Crate,
    /// One module file.
    Module,
}

/// `layout.modules`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ModulesConfig {
    /// One module per tag.
    PerTag,
    /// One module for everything.
    Flat,
}

/// `[client]`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ClientConfig {
    /// The default base URL, instead of the document's first server.
    pub base_url: Option<String>,
    /// The default `User-Agent`.
    pub user_agent: Option<String>,
    /// The whole-request timeout, such as `"30s"`.
    pub timeout: Option<String>,
    /// The connect timeout, such as `"5s"`.
    pub connect_timeout: Option<String>,
    /// `[client.retry]`.
    pub retry: Option<RetryConfig>,
}

/// `[client.retry]`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RetryConfig {
    /// Retries after the first attempt; `0` turns retries off (default 3).
    pub max_retries: Option<u32>,
    /// The backoff ceiling before the first retry (default `"200ms"`).
    pub initial_backoff: Option<String>,
    /// The backoff ceiling (default `"10s"`).
    pub max_backoff: Option<String>,
}

/// One problem in a config: the key (dotted, as in the file), the line when known, and what
/// is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    /// The key, such as `operations.deprecated`; empty for the whole file.
    pub key: String,
    /// The 1-based line, when the file has one.
    pub line: Option<usize>,
    /// What is wrong, starting lowercase.
    pub message: String,
}

/// The problems of one config, with the file's label.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigErrors {
    /// How the file is named in messages.
    pub file: String,
    /// The problems, in key order.
    pub errors: Vec<ConfigError>,
}

impl fmt::Display for ConfigErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.errors.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "error: {}", self.file)?;
            if let Some(line) = e.line {
                write!(f, ":{line}")?;
            }
            if e.key.is_empty() {
                write!(f, ": {}", e.message)?;
            } else {
                write!(f, ": `{}`: {}", e.key, e.message)?;
            }
        }
        Ok(())
    }
}

impl std::error::Error for ConfigErrors {}

impl Config {
    /// Reads a config from TOML text; `file` names it in errors. Unknown keys and values of
    /// the wrong type are errors naming the key; values are checked by [`Config::options`].
    pub fn from_toml(text: &str, file: &str) -> Result<Config, ConfigErrors> {
        let fail = |key: String, line: Option<usize>, message: String| ConfigErrors {
            file: file.to_string(),
            errors: vec![ConfigError { key, line, message }],
        };
        let line_of = |span: Option<std::ops::Range<usize>>| {
            span.map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1)
        };
        let de = toml::Deserializer::parse(text).map_err(|e| {
            fail(
                String::new(),
                line_of(e.span()),
                format!("not valid TOML: {}", first_line(e.message())),
            )
        })?;
        serde_path_to_error::deserialize::<_, Config>(de).map_err(|e| {
            let mut key = e.path().to_string();
            if key == "." {
                key.clear();
            }
            let message = e.inner().message().to_string();
            // Name the unknown key itself, not its table.
            if let Some(rest) = message.strip_prefix("unknown field `") {
                if let Some(end) = rest.find('`') {
                    let name = &rest[..end];
                    if key.is_empty() {
                        key = name.to_string();
                    } else if !key.ends_with(&format!(".{name}")) && key != name {
                        key = format!("{key}.{name}");
                    }
                }
            }
            fail(key, line_of(e.inner().span()), first_line(&message))
        })
    }

    /// Reads a config file.
    pub fn from_file(path: &Path) -> Result<Config, ConfigErrors> {
        let label = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| ConfigErrors {
            file: label.clone(),
            errors: vec![ConfigError {
                key: String::new(),
                line: None,
                message: format!("cannot read the file: {e}"),
            }],
        })?;
        Config::from_toml(&text, &label)
    }

    /// The config as TOML (for `init` and for showing what a builder holds).
    pub fn to_toml(&self) -> String {
        toml::to_string(self).unwrap_or_default()
    }

    /// Checks every value and builds the [`Options`]; relative paths (overlay, license
    /// file) are read from `base_dir`, the config's folder. `file` names the config in
    /// errors. Every problem is reported, not only the first.
    pub fn options(&self, base_dir: &Path, file: &str) -> Result<Options, ConfigErrors> {
        let mut errors = Vec::new();
        validate::check(self, &mut errors);
        let overlay = self.overlay.as_ref().and_then(|p| {
            read_relative(base_dir, p, "overlay", &mut errors).map(|text| Overlay {
                text,
                label: p.display().to_string(),
            })
        });
        let license_file = self.package.license_file.as_ref().and_then(|p| {
            let name = p.file_name()?.to_string_lossy().into_owned();
            read_relative(base_dir, p, "package.license_file", &mut errors)
                .map(|text| LicenseFile { name, text })
        });
        if !errors.is_empty() {
            errors.sort_by(|a: &ConfigError, b| a.key.cmp(&b.key));
            return Err(ConfigErrors {
                file: file.to_string(),
                errors,
            });
        }
        Ok(self.options_unchecked(overlay, license_file))
    }

    fn options_unchecked(
        &self,
        overlay: Option<Overlay>,
        license_file: Option<LicenseFile>,
    ) -> Options {
        let p = &self.package;
        let defaults = Options::default();
        let package = Package {
            description: p.description.clone(),
            license: p.license.clone(),
            license_file,
            repository: p.repository.clone(),
            homepage: p.homepage.clone(),
            documentation: p.documentation.clone(),
            authors: p.authors.clone().unwrap_or_default(),
            keywords: p.keywords.clone().unwrap_or_default(),
            categories: p.categories.clone().unwrap_or_default(),
            edition: p.edition.clone().unwrap_or(defaults.package.edition),
            rust_version: p
                .rust_version
                .clone()
                .unwrap_or(defaults.package.rust_version),
        };
        let o = &self.operations;
        let list = |l: &Option<Vec<String>>| l.clone().unwrap_or_default();
        let select = Selection {
            include_tags: list(&o.include_tags),
            exclude_tags: list(&o.exclude_tags),
            include_operations: list(&o.include),
            exclude_operations: list(&o.exclude),
            include_paths: list(&o.include_paths),
            exclude_paths: list(&o.exclude_paths),
            deprecated: o.deprecated != Some(Deprecated::Drop),
        };
        let t = &self.types;
        let types = Types {
            formats: t
                .formats
                .iter()
                .map(|(k, v)| (k.clone(), v.mapping()))
                .collect(),
            schemas: t
                .schemas
                .iter()
                .map(|(k, v)| (k.clone(), v.mapping()))
                .collect(),
            derives: list(&t.derives),
            schema_derives: t.schema_derives.clone(),
            date_time: match t.date_time {
                None | Some(DateTimeConfig::Chrono) => DateTimeLibrary::Chrono,
                Some(DateTimeConfig::Time) => DateTimeLibrary::Time,
                Some(DateTimeConfig::String) => DateTimeLibrary::String,
            },
            unsigned_when_minimum_zero: t.unsigned_when_minimum_zero.unwrap_or(false),
        };
        let l = &self.layout;
        let layout = Layout {
            target: match l.target {
                Some(TargetConfig::Module) => Target::Module,
                _ => Target::Crate,
            },
            modules: match l.modules {
                Some(ModulesConfig::Flat) => Modules::Flat,
                _ => Modules::PerTag,
            },
            tag_features: l.tag_features.unwrap_or(true),
        };
        let c = &self.client;
        let duration = |s: &Option<String>| s.as_deref().and_then(|s| parse_duration(s).ok());
        let client = ClientDefaults {
            base_url: c.base_url.clone(),
            user_agent: c.user_agent.clone(),
            timeout: duration(&c.timeout),
            connect_timeout: duration(&c.connect_timeout),
            retry: c.retry.as_ref().map(|r| RetryDefaults {
                max_retries: r.max_retries.unwrap_or(3),
                initial_backoff: duration(&r.initial_backoff)
                    .unwrap_or(std::time::Duration::from_millis(200)),
                max_backoff: duration(&r.max_backoff).unwrap_or(std::time::Duration::from_secs(10)),
            }),
        };
        Options {
            // Empty: taken from the document's `info` by `generate`.
            crate_name: p.name.clone().unwrap_or_default(),
            crate_version: p.version.clone().unwrap_or_default(),
            standalone: p.standalone.unwrap_or(true),
            package,
            select,
            types,
            layout,
            client,
            overlay,
            strict: self.strict.unwrap_or(false),
            smoke_test: self.smoke_test.unwrap_or(false),
            ..defaults
        }
    }
}

impl TypeConfig {
    fn mapping(&self) -> TypeMapping {
        match self {
            TypeConfig::Path(path) => TypeMapping {
                path: path.clone(),
                dependency: None,
            },
            TypeConfig::Table(t) => TypeMapping {
                path: t.path.clone(),
                dependency: t.krate.as_ref().map(|name| Dependency {
                    name: name.clone(),
                    version: t.version.clone().unwrap_or_default(),
                    features: t.features.clone().unwrap_or_default(),
                    default_features: t.default_features.unwrap_or(true),
                }),
            },
        }
    }
}

/// Where a file named in the config lives: relative paths are taken from the config's
/// folder.
pub fn resolve(base_dir: &Path, path: &Path) -> PathBuf {
    if path.is_absolute() || base_dir == Path::new(".") {
        path.to_path_buf()
    } else {
        base_dir.join(path)
    }
}

/// `text` (a config file) with `package.version` set to `version`: the key's line replaced
/// when the `[package]` table has one, else added after the table's header (and the table
/// added when there is none). Every other line stays as the user wrote it.
pub fn set_package_version(text: &str, version: &str) -> String {
    let line = format!("version = {}", toml::Value::String(version.to_string()));
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let header = lines.iter().position(|l| l.trim() == "[package]");
    match header {
        Some(h) => {
            let end = lines[h + 1..]
                .iter()
                .position(|l| l.trim_start().starts_with('['))
                .map_or(lines.len(), |e| h + 1 + e);
            let existing = lines[h + 1..end].iter().position(|l| {
                let l = l.trim_start();
                l.strip_prefix("version")
                    .is_some_and(|rest| rest.trim_start().starts_with('='))
            });
            match existing {
                Some(i) => lines[h + 1 + i] = line,
                None => lines.insert(h + 1, line),
            }
        }
        None => {
            lines.push(String::new());
            lines.push("[package]".to_string());
            lines.push(line);
        }
    }
    let mut out = lines.join("\n");
    out.push('\n');
    out
}

fn read_relative(
    base_dir: &Path,
    path: &Path,
    key: &str,
    errors: &mut Vec<ConfigError>,
) -> Option<String> {
    let full = resolve(base_dir, path);
    match std::fs::read_to_string(&full) {
        Ok(text) => Some(text),
        Err(e) => {
            errors.push(ConfigError {
                key: key.to_string(),
                line: None,
                message: format!("cannot read {}: {e}", full.display()),
            });
            None
        }
    }
}

fn first_line(message: &str) -> String {
    message.lines().next().unwrap_or("").trim().to_string()
}

#[cfg(test)]
mod tests;
