//! The `Generator` builder: the config in code, for a `build.rs` or any program. It holds a
//! document (a path or text) and a [`Config`] (the same keys as `openapi-rs-gen.toml`), turns
//! them into [`Options`], runs [`generate`](crate::generate) and writes a crate folder or one
//! module file. The CLI is a thin layer over it, so both behave the same.

use crate::config::{
    Config, ConfigErrors, DateTimeConfig, ModulesConfig, TargetConfig, TypeConfig,
};
use crate::diagnostics::Diagnostics;
use crate::options::Options;
use crate::output::{Output, WriteError, WriteOptions, WriteReport};
use crate::Generated;
use std::fmt;
use std::path::{Path, PathBuf};

/// Generates a client from a document and a config.
///
/// In a `build.rs`, with the crate's dependencies being the ones the module's first lines
/// list:
///
/// ```no_run
/// // The body of `fn main` in build.rs:
/// openapi_rs_gen::Generator::new("openapi.yaml")
///     .include_tags(["pets"])
///     .build_script("petstore.rs")
///     .unwrap_or_else(|e| panic!("{e}"));
/// // and in src/lib.rs:
/// // pub mod petstore { include!(concat!(env!("OUT_DIR"), "/petstore.rs")); }
/// ```
///
/// Writing a crate folder, from a config file:
///
/// ```no_run
/// # fn main() -> Result<(), openapi_rs_gen::GeneratorError> {
/// let generator = openapi_rs_gen::Generator::from_config_file("openapi-rs-gen.toml".as_ref())?;
/// generator.write_crate(None, false)?;
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct Generator {
    spec: Spec,
    config: Config,
    /// Where relative paths inside the config are read from.
    base_dir: PathBuf,
    config_label: String,
    spec_label: Option<String>,
    command: String,
}

#[derive(Debug, Clone)]
enum Spec {
    /// Read from this path (relative to the working directory) when generating.
    Path(PathBuf),
    /// Given as text, with its label.
    Text { text: String, label: String },
    /// Named by the config's `spec` key.
    FromConfig,
}

/// Why a generation failed.
#[derive(Debug)]
pub enum GeneratorError {
    /// The config has problems (each names its key).
    Config(ConfigErrors),
    /// The document has errors (each names its place in the document).
    Document {
        /// How the document is named.
        label: String,
        /// The problems, warnings included.
        diagnostics: Diagnostics,
    },
    /// A file could not be read.
    Read {
        /// The file.
        path: PathBuf,
        /// What went wrong.
        error: std::io::Error,
    },
    /// The output could not be written (or the folder is not the generator's).
    Write(WriteError),
    /// Something the generator needs was not said, such as the document or the output.
    Missing(String),
}

impl GeneratorError {
    /// Whether the input (the document or the config) is at fault, rather than the disk.
    pub fn is_input_error(&self) -> bool {
        matches!(
            self,
            GeneratorError::Config(_)
                | GeneratorError::Document { .. }
                | GeneratorError::Missing(_)
        )
    }
}

impl fmt::Display for GeneratorError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GeneratorError::Config(e) => write!(f, "{e}"),
            GeneratorError::Document { label, diagnostics } => {
                let mut first = true;
                for d in diagnostics.iter() {
                    if !first {
                        writeln!(f)?;
                    }
                    first = false;
                    write!(f, "{label}: {d}")?;
                }
                Ok(())
            }
            GeneratorError::Read { path, error } => {
                write!(f, "error: cannot read {}: {error}", path.display())
            }
            GeneratorError::Write(e) => write!(f, "error: {e}"),
            GeneratorError::Missing(what) => write!(f, "error: {what}"),
        }
    }
}

impl std::error::Error for GeneratorError {}

impl From<ConfigErrors> for GeneratorError {
    fn from(e: ConfigErrors) -> Self {
        GeneratorError::Config(e)
    }
}

impl Generator {
    /// A generator for the document at `spec`, with the default config.
    pub fn new(spec: impl Into<PathBuf>) -> Self {
        Generator {
            spec: Spec::Path(spec.into()),
            config: Config::default(),
            base_dir: PathBuf::from("."),
            config_label: "the config".to_string(),
            spec_label: None,
            command: "openapi-rs-gen generate".to_string(),
        }
    }

    /// A generator for a document given as text; `label` names it in messages and headers.
    pub fn from_text(text: impl Into<String>, label: impl Into<String>) -> Self {
        Generator {
            spec: Spec::Text {
                text: text.into(),
                label: label.into(),
            },
            ..Generator::new("")
        }
    }

    /// A generator for the config file at `path`: the document is its `spec` key, and every
    /// path in it is relative to the file's folder.
    pub fn from_config_file(path: &Path) -> Result<Self, GeneratorError> {
        let config = Config::from_file(path)?;
        let base_dir = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."))
            .to_path_buf();
        Ok(Generator {
            spec: Spec::FromConfig,
            config,
            base_dir,
            config_label: path.display().to_string(),
            ..Generator::new("")
        })
    }

    /// Replaces the config (the document stays).
    pub fn config(mut self, config: Config) -> Self {
        self.config = config;
        self
    }

    /// The config as it stands.
    pub fn config_ref(&self) -> &Config {
        &self.config
    }

    /// Changes any config key in code: `.configure(|c| c.client.timeout = Some("10s".into()))`.
    pub fn configure(mut self, f: impl FnOnce(&mut Config)) -> Self {
        f(&mut self.config);
        self
    }

    /// Uses this document instead of the one the config names (relative to the working
    /// directory).
    pub fn spec(mut self, path: impl Into<PathBuf>) -> Self {
        self.spec = Spec::Path(path.into());
        self
    }

    /// `output`: the folder (or module file) written, relative to the working directory.
    pub fn output(mut self, path: impl Into<PathBuf>) -> Self {
        let path = path.into();
        self.config.output = Some(absolute_or_cwd(&path, &self.base_dir));
        self
    }

    /// `overlay`: an OpenAPI Overlay file applied to the document first (relative to the
    /// working directory).
    pub fn overlay(mut self, path: impl Into<PathBuf>) -> Self {
        let path = path.into();
        self.config.overlay = Some(absolute_or_cwd(&path, &self.base_dir));
        self
    }

    /// `strict`: every approximation (a type weakened, an operation skipped) is an error.
    pub fn strict(mut self, on: bool) -> Self {
        self.config.strict = Some(on);
        self
    }

    /// `smoke_test`: adds `tests/smoke.rs`, which calls every operation once against the
    /// server at `SMOKE_BASE_URL`.
    pub fn smoke_test(mut self, on: bool) -> Self {
        self.config.smoke_test = Some(on);
        self
    }

    /// `package.name`.
    pub fn crate_name(mut self, name: impl Into<String>) -> Self {
        self.config.package.name = Some(name.into());
        self
    }

    /// `package.version`.
    pub fn crate_version(mut self, version: impl Into<String>) -> Self {
        self.config.package.version = Some(version.into());
        self
    }

    /// `operations.include_tags` (added to what the config lists).
    pub fn include_tags<S: Into<String>>(mut self, tags: impl IntoIterator<Item = S>) -> Self {
        extend(&mut self.config.operations.include_tags, tags);
        self
    }

    /// `operations.exclude_tags` (added to what the config lists).
    pub fn exclude_tags<S: Into<String>>(mut self, tags: impl IntoIterator<Item = S>) -> Self {
        extend(&mut self.config.operations.exclude_tags, tags);
        self
    }

    /// `operations.include`: operationIds (added to what the config lists).
    pub fn include_operations<S: Into<String>>(mut self, ids: impl IntoIterator<Item = S>) -> Self {
        extend(&mut self.config.operations.include, ids);
        self
    }

    /// `operations.exclude`: operationIds (added to what the config lists).
    pub fn exclude_operations<S: Into<String>>(mut self, ids: impl IntoIterator<Item = S>) -> Self {
        extend(&mut self.config.operations.exclude, ids);
        self
    }

    /// `operations.include_paths`: path globs (added to what the config lists).
    pub fn include_paths<S: Into<String>>(mut self, globs: impl IntoIterator<Item = S>) -> Self {
        extend(&mut self.config.operations.include_paths, globs);
        self
    }

    /// `operations.exclude_paths`: path globs (added to what the config lists).
    pub fn exclude_paths<S: Into<String>>(mut self, globs: impl IntoIterator<Item = S>) -> Self {
        extend(&mut self.config.operations.exclude_paths, globs);
        self
    }

    /// `operations.deprecated = "drop"` when `true`.
    pub fn drop_deprecated(mut self, drop: bool) -> Self {
        self.config.operations.deprecated = Some(if drop {
            crate::config::Deprecated::Drop
        } else {
            crate::config::Deprecated::Keep
        });
        self
    }

    /// `types.formats.<format>`.
    pub fn format_type(mut self, format: impl Into<String>, ty: TypeConfig) -> Self {
        self.config.types.formats.insert(format.into(), ty);
        self
    }

    /// `types.schemas.<schema>`.
    pub fn schema_type(mut self, schema: impl Into<String>, ty: TypeConfig) -> Self {
        self.config.types.schemas.insert(schema.into(), ty);
        self
    }

    /// `types.date_time`.
    pub fn date_time(mut self, library: DateTimeConfig) -> Self {
        self.config.types.date_time = Some(library);
        self
    }

    /// `layout.modules`.
    pub fn modules(mut self, modules: ModulesConfig) -> Self {
        self.config.layout.modules = Some(modules);
        self
    }

    /// `layout.tag_features`.
    pub fn tag_features(mut self, on: bool) -> Self {
        self.config.layout.tag_features = Some(on);
        self
    }

    /// `client.base_url`.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.config.client.base_url = Some(url.into());
        self
    }

    /// How the generated header names the document (default: the path as given, or its
    /// file name when that is absolute).
    pub fn spec_label(mut self, label: impl Into<String>) -> Self {
        self.spec_label = Some(label.into());
        self
    }

    /// How the generated header names the command that regenerates the output.
    pub fn command(mut self, command: impl Into<String>) -> Self {
        self.command = command.into();
        self
    }

    /// The document's path, if it is read from a file.
    pub fn spec_path(&self) -> Option<PathBuf> {
        match &self.spec {
            Spec::Path(p) => Some(p.clone()),
            Spec::Text { .. } => None,
            Spec::FromConfig => self
                .config
                .spec
                .as_ref()
                .map(|p| crate::config::resolve(&self.base_dir, p)),
        }
    }

    /// The output the config or [`Generator::output`] names, resolved.
    pub fn output_path(&self) -> Option<PathBuf> {
        self.config
            .output
            .as_ref()
            .map(|p| crate::config::resolve(&self.base_dir, p))
    }

    /// The options the config means (every value checked; files it names read).
    pub fn options(&self) -> Result<Options, GeneratorError> {
        let mut options = self.config.options(&self.base_dir, &self.config_label)?;
        options.spec_label = match (&self.spec_label, &self.spec) {
            (Some(l), _) => l.clone(),
            (None, Spec::Text { label, .. }) => label.clone(),
            (None, Spec::Path(p)) => relative_label(p),
            (None, Spec::FromConfig) => self
                .config
                .spec
                .as_deref()
                .map(relative_label)
                .unwrap_or_default(),
        };
        options.command = self.command.clone();
        Ok(options)
    }

    /// The document's text and label.
    fn read_spec(&self) -> Result<(String, String), GeneratorError> {
        if let Spec::Text { text, label } = &self.spec {
            return Ok((text.clone(), label.clone()));
        }
        let path = self.spec_path().ok_or_else(|| {
            GeneratorError::Missing(format!(
                "no document: give one with `--spec` or the `spec` key of {}",
                crate::config::FILE_NAME
            ))
        })?;
        let text = std::fs::read_to_string(&path).map_err(|error| GeneratorError::Read {
            path: path.clone(),
            error,
        })?;
        Ok((text, path.display().to_string()))
    }

    /// Runs the pipeline: the files and the warnings, or the errors.
    pub fn generate(&self) -> Result<Generated, GeneratorError> {
        let options = self.options()?;
        let (text, label) = self.read_spec()?;
        crate::generate(&text, &options)
            .map_err(|diagnostics| GeneratorError::Document { label, diagnostics })
    }

    /// Generates and writes the crate into `dir` (or the config's `output`), by the rules of
    /// [`Output::write`]: only the generator's own files are replaced or removed.
    pub fn write_crate(
        &self,
        dir: Option<&Path>,
        force: bool,
    ) -> Result<(Generated, WriteReport), GeneratorError> {
        let dir = self.target_path(dir)?;
        let generated = self.generate()?;
        let report = generated
            .output
            .write(&dir, WriteOptions { force })
            .map_err(GeneratorError::Write)?;
        Ok((generated, report))
    }

    /// Generates the client as one module file (the `module` target) and writes it to
    /// `file` when its content changed (so Cargo does not rebuild for nothing).
    pub fn write_module(&self, file: &Path) -> Result<Generated, GeneratorError> {
        let generator = self
            .clone()
            .configure(|c| c.layout.target = Some(TargetConfig::Module));
        let generated = generator.generate()?;
        let text = module_text(&generated.output)?;
        if std::fs::read_to_string(file).ok().as_deref() != Some(text) {
            if let Some(parent) = file.parent().filter(|p| !p.as_os_str().is_empty()) {
                std::fs::create_dir_all(parent).map_err(|e| write_error(parent, e))?;
            }
            std::fs::write(file, text).map_err(|e| write_error(file, e))?;
        }
        Ok(generated)
    }

    /// For a `build.rs`: writes the module to `$OUT_DIR/<file_name>`, prints
    /// `cargo:rerun-if-changed` for the document and every file the config names, and
    /// `cargo:warning` for each warning. Returns the file written.
    pub fn build_script(&self, file_name: &str) -> Result<PathBuf, GeneratorError> {
        let out_dir = std::env::var_os("OUT_DIR").ok_or_else(|| {
            GeneratorError::Missing("OUT_DIR is not set: call build_script from a build.rs".into())
        })?;
        if Path::new(file_name).components().count() != 1 {
            return Err(GeneratorError::Missing(format!(
                "`{file_name}` must be a plain file name inside OUT_DIR"
            )));
        }
        let file = PathBuf::from(out_dir).join(file_name);
        let generated = self.write_module(&file)?;
        for input in self.inputs() {
            println!("cargo:rerun-if-changed={}", input.display());
        }
        for w in generated.warnings.iter() {
            println!("cargo:warning={}", crate::docs::one_line(&w.to_string()));
        }
        Ok(file)
    }

    /// Every file the generation reads: the document, the config's overlay and license file.
    pub fn inputs(&self) -> Vec<PathBuf> {
        let mut out: Vec<PathBuf> = self.spec_path().into_iter().collect();
        for p in [&self.config.overlay, &self.config.package.license_file]
            .into_iter()
            .flatten()
        {
            out.push(crate::config::resolve(&self.base_dir, p));
        }
        if self.config_label != "the config" {
            out.push(PathBuf::from(&self.config_label));
        }
        out
    }

    fn target_path(&self, dir: Option<&Path>) -> Result<PathBuf, GeneratorError> {
        dir.map(Path::to_path_buf)
            .or_else(|| self.output_path())
            .ok_or_else(|| {
                GeneratorError::Missing(format!(
                    "no output folder: give one with `--out` or the `output` key of {}",
                    crate::config::FILE_NAME
                ))
            })
    }
}

/// A generation compared with the crate already in a folder.
#[derive(Debug, Clone)]
pub struct Regeneration {
    /// The files and warnings.
    pub generated: Generated,
    /// The API changes since the crate on disk (`None` when it has no surface yet).
    pub report: Option<crate::surface::diff::Report>,
    /// With a bump: the version on disk and the new one, when they differ.
    pub bumped: Option<(String, String)>,
}

impl Generator {
    /// Generates for the crate in `dir` and reports what changed in its API. With `bump`, the
    /// version becomes the one on disk bumped by the semver verdict; when the config came
    /// from a file, its `package.version` is set to the new version too (the only change
    /// made to that file), so the next generation keeps it.
    pub fn generate_against(&self, dir: &Path, bump: bool) -> Result<Regeneration, GeneratorError> {
        let generated = self.generate()?;
        let report = api_changes(&generated, dir);
        let (Some(r), true) = (&report, bump) else {
            return Ok(Regeneration {
                generated,
                report,
                bumped: None,
            });
        };
        let Some(old) = version_on_disk(dir) else {
            return Ok(Regeneration {
                generated,
                report,
                bumped: None,
            });
        };
        let new = crate::surface::diff::bump(&old, r.verdict);
        let current = version_in(&generated.output);
        if current.as_deref() == Some(new.as_str()) {
            return Ok(Regeneration {
                generated,
                report,
                bumped: None,
            });
        }
        let generated = self.clone().crate_version(new.clone()).generate()?;
        if self.config_label != "the config" {
            let path = PathBuf::from(&self.config_label);
            let text = std::fs::read_to_string(&path).map_err(|error| GeneratorError::Read {
                path: path.clone(),
                error,
            })?;
            std::fs::write(&path, crate::config::set_package_version(&text, &new))
                .map_err(|e| write_error(&path, e))?;
        }
        let report = api_changes(&generated, dir);
        Ok(Regeneration {
            generated,
            report,
            bumped: Some((old, new)),
        })
    }
}

fn version_in(output: &Output) -> Option<String> {
    let value: toml::Table = output.files.get("Cargo.toml")?.parse().ok()?;
    value
        .get("package")?
        .get("version")?
        .as_str()
        .map(str::to_string)
}

/// What changed in the API between the crate in `dir` and `generated`, by their
/// `api-surface.txt` files ([`crate::surface::diff`]); `None` when `dir` has no surface yet
/// (a first generation, or a crate from before surfaces existed). When the surfaces match
/// but other files differ, the verdict is patch.
pub fn api_changes(generated: &Generated, dir: &Path) -> Option<crate::surface::diff::Report> {
    use crate::surface::{diff, FILE_NAME};
    let old = std::fs::read_to_string(dir.join(FILE_NAME)).ok()?;
    let new = generated.output.files.get(FILE_NAME)?;
    let report = diff::compare(&old, new);
    let others_changed = generated
        .output
        .compare(dir)
        .map(|s| {
            s.stale
                .iter()
                .chain(&s.missing)
                .chain(&s.extra)
                .any(|p| p != FILE_NAME)
        })
        .unwrap_or(true);
    Some(report.with_other_files_changed(others_changed))
}

/// The version of the crate in `dir` (its `Cargo.toml`'s `[package] version`), if any.
pub fn version_on_disk(dir: &Path) -> Option<String> {
    let text = std::fs::read_to_string(dir.join("Cargo.toml")).ok()?;
    let value: toml::Table = text.parse().ok()?;
    value
        .get("package")?
        .get("version")?
        .as_str()
        .map(str::to_string)
}

/// The one Rust file of a module-target output.
fn module_text(output: &Output) -> Result<&str, GeneratorError> {
    let mut rust = output.files.iter().filter(|(p, _)| p.ends_with(".rs"));
    match (rust.next(), rust.next()) {
        (Some((_, text)), None) => Ok(text),
        _ => Err(GeneratorError::Missing(
            "the module target did not produce exactly one Rust file".into(),
        )),
    }
}

fn write_error(path: &Path, e: std::io::Error) -> GeneratorError {
    GeneratorError::Write(WriteError::Io {
        path: path.to_path_buf(),
        action: "writing",
        source: e,
    })
}

fn extend<S: Into<String>>(list: &mut Option<Vec<String>>, items: impl IntoIterator<Item = S>) {
    list.get_or_insert_with(Vec::new)
        .extend(items.into_iter().map(Into::into));
}

/// A path given on the command line, made relative to the config's folder (so the config's
/// resolution rule reads it back as the same file).
fn absolute_or_cwd(path: &Path, base_dir: &Path) -> PathBuf {
    if path.is_absolute() || base_dir == Path::new(".") {
        return path.to_path_buf();
    }
    std::env::current_dir()
        .map(|cwd| cwd.join(path))
        .unwrap_or_else(|_| path.to_path_buf())
}

/// How a header names a path: as given when relative, its file name when absolute.
fn relative_label(path: &Path) -> String {
    if path.is_absolute() {
        path.file_name()
            .map(|f| f.to_string_lossy().into_owned())
            .unwrap_or_default()
    } else {
        path.to_string_lossy().replace('\\', "/")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One `skipped` approximation (a multipart body of a kind with no part names) and one
    /// `weakened` one (a `not` schema): counted as such without `strict`, refused with it,
    /// every approximation an error and nothing else changed.
    #[test]
    fn strict_refuses_what_is_otherwise_counted() {
        let text = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    post:\n      \
                    operationId: postA\n      requestBody:\n        content:\n          \
                    multipart/mixed: {schema: {type: object}}\n      responses:\n        '204': {description: ok}\n  \
                    /b:\n    get:\n      operationId: getB\n      responses:\n        '200':\n          \
                    description: ok\n          content:\n            application/json:\n              \
                    schema: {not: {type: string}}\n";
        let loose = Generator::from_text(text, "t.yaml").generate().unwrap();
        let counts = loose.warnings.approximations();
        assert_eq!(
            (counts.weakened, counts.skipped),
            (1, 1),
            "{}",
            loose.warnings
        );
        assert_eq!(
            counts.to_string(),
            "2 approximations: 1 weakened, 1 skipped operation"
        );
        let Err(GeneratorError::Document { diagnostics, .. }) =
            Generator::from_text(text, "t.yaml").strict(true).generate()
        else {
            panic!("strict generation succeeded")
        };
        let errors: Vec<String> = diagnostics.iter().map(ToString::to_string).collect();
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert!(
            errors[0].starts_with("error[skipped]: request body media type multipart/mixed"),
            "{errors:?}"
        );
        assert!(
            errors[1].starts_with("error[weakened]: `not` schemas"),
            "{errors:?}"
        );
    }
}
