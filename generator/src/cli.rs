//! The command line (`openapi-rs-gen generate | check | init`), parsed by `clap`. A thin
//! layer over [`Generator`]: flags become config keys (beating the file's), the config is
//! found next to the document or in the working directory, errors go to stderr with their
//! place, and the exit status says what happened ([`EXIT_CODES`]). `cargo xtask generate`
//! runs this same code through [`run`].

use crate::config::{self, DateTimeConfig, ModulesConfig, TargetConfig};
use crate::generator::{Generator, GeneratorError};
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::ffi::OsString;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::Instant;

macro_rules! examples {
    () => {
        "Examples:
  openapi-rs-gen init --spec petstore.yaml --out petstore-client
  openapi-rs-gen generate                      # reads ./openapi-rs-gen.toml
  openapi-rs-gen generate --spec api.yaml --out api-client --include-tag pets
  openapi-rs-gen check --config client/openapi-rs-gen.toml   # in CI"
    };
}

macro_rules! exit_codes {
    () => {
        "Exit status:
  0  success (for `check`: the output is up to date)
  1  the document or the config has errors (each names its place)
  2  usage error (unknown flag, missing value)
  3  `check` only: the output on disk differs from what `generate` would write
  4  a file could not be read or written (or the output folder holds files the generator
     did not write)"
    };
}

/// What each exit status means (the end of `--help`).
pub const EXIT_CODES: &str = exit_codes!();

/// Success.
pub const EXIT_OK: u8 = 0;
/// The document or config has errors.
pub const EXIT_INPUT: u8 = 1;
/// Usage error.
pub const EXIT_USAGE: u8 = 2;
/// `check`: out of date.
pub const EXIT_STALE: u8 = 3;
/// Files could not be read or written.
pub const EXIT_IO: u8 = 4;

#[derive(Parser, Debug)]
#[command(
    name = "openapi-rs-gen",
    version,
    about = "Generates a typed, async Rust client crate from an OpenAPI 3.0 or 3.1 document",
    long_about = "Generates a typed, async Rust client crate from an OpenAPI 3.0 or 3.1 document.\n\nSettings come from openapi-rs-gen.toml (`--config`, else the one next to `--spec`, else the one in the working directory); flags beat the file. `init` writes a commented starter file.",
    after_help = examples!(),
    after_long_help = concat!(examples!(), "\n\n", exit_codes!())
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Generate the client crate (or module file) from the document.
    Generate {
        #[command(flatten)]
        inputs: Inputs,
        /// Write into a folder that holds other files too (never over them).
        #[arg(long)]
        force: bool,
        /// Bump the crate's version by the semver verdict of the API changes (the version on
        /// disk, bumped; written to the config's `package.version` too).
        #[arg(long)]
        bump: bool,
        /// Also write the API change report to this file (for a pull request comment).
        #[arg(long, value_name = "FILE")]
        report: Option<PathBuf>,
    },
    /// Check that the output on disk is what `generate` would write (exit status 3 if not),
    /// and report the API changes a `generate` would make.
    Check {
        #[command(flatten)]
        inputs: Inputs,
        /// Also write the API change report to this file.
        #[arg(long, value_name = "FILE")]
        report: Option<PathBuf>,
    },
    /// Write a commented starter config (openapi-rs-gen.toml).
    Init {
        /// The document the config names.
        #[arg(long, short, value_name = "FILE", default_value = "openapi.yaml")]
        spec: PathBuf,
        /// The output folder the config names.
        #[arg(long, short, value_name = "DIR", default_value = "client")]
        out: PathBuf,
        /// The crate name (default: from the document's title, when it can be read).
        #[arg(long, value_name = "CRATE")]
        name: Option<String>,
        /// Where to write the config.
        #[arg(long, short, value_name = "FILE", default_value = config::FILE_NAME)]
        config: PathBuf,
        /// Replace an existing config file.
        #[arg(long)]
        force: bool,
    },
}

/// The flags `generate` and `check` share: where things are, and config keys.
#[derive(Args, Debug)]
struct Inputs {
    /// The config file (default: openapi-rs-gen.toml next to --spec, else in the working
    /// directory, else none).
    #[arg(long, short, value_name = "FILE")]
    config: Option<PathBuf>,
    /// The OpenAPI document (YAML or JSON); beats the config's `spec`.
    #[arg(long, short, value_name = "FILE")]
    spec: Option<PathBuf>,
    /// The output folder (a file with `--target module`); beats the config's `output`.
    #[arg(long, short, value_name = "DIR")]
    out: Option<PathBuf>,
    /// An OpenAPI Overlay 1.0 file applied to the document first (`overlay`).
    #[arg(long, value_name = "FILE")]
    overlay: Option<PathBuf>,
    /// Fail on every approximation: a schema typed more loosely than the document says or
    /// an operation left out is an error, not a warning (`strict`).
    #[arg(long)]
    strict: bool,
    /// Add tests/smoke.rs: one test calling every operation once against the server at
    /// SMOKE_BASE_URL, printing a JSON summary line (`smoke_test`).
    #[arg(long)]
    smoke_test: bool,
    /// The crate name (`package.name`).
    #[arg(long, value_name = "CRATE")]
    name: Option<String>,
    /// The crate version (`package.version`).
    #[arg(long, value_name = "SEMVER")]
    crate_version: Option<String>,
    /// Keep only operations with this tag; repeatable (`operations.include_tags`).
    #[arg(long = "include-tag", value_name = "TAG")]
    include_tags: Vec<String>,
    /// Drop operations with this tag; repeatable (`operations.exclude_tags`).
    #[arg(long = "exclude-tag", value_name = "TAG")]
    exclude_tags: Vec<String>,
    /// Keep only this operationId; repeatable (`operations.include`).
    #[arg(long = "include-operation", value_name = "ID")]
    include_operations: Vec<String>,
    /// Drop this operationId; repeatable (`operations.exclude`).
    #[arg(long = "exclude-operation", value_name = "ID")]
    exclude_operations: Vec<String>,
    /// Keep only paths matching this glob (`*`, `**`); repeatable (`operations.include_paths`).
    #[arg(long = "include-path", value_name = "GLOB")]
    include_paths: Vec<String>,
    /// Drop paths matching this glob; repeatable (`operations.exclude_paths`).
    #[arg(long = "exclude-path", value_name = "GLOB")]
    exclude_paths: Vec<String>,
    /// Drop deprecated operations (`operations.deprecated = "drop"`).
    #[arg(long)]
    drop_deprecated: bool,
    /// Where date-time values go (`types.date_time`).
    #[arg(long, value_enum, value_name = "LIBRARY")]
    date_time: Option<DateTimeArg>,
    /// A crate or one module file (`layout.target`).
    #[arg(long, value_enum)]
    target: Option<TargetArg>,
    /// Modules per tag or one flat module (`layout.modules`).
    #[arg(long, value_enum)]
    modules: Option<ModulesArg>,
    /// No Cargo feature per tag (`layout.tag_features = false`).
    #[arg(long)]
    no_tag_features: bool,
    /// The client's default base URL (`client.base_url`).
    #[arg(long, value_name = "URL")]
    base_url: Option<String>,
    /// Progress lines on stderr: `auto` shows them on a terminal only.
    #[arg(long, value_enum, default_value = "auto")]
    progress: ProgressArg,
    /// Do not print the document's warnings.
    #[arg(long, short)]
    quiet: bool,
}

#[derive(ValueEnum, Clone, Copy, Debug)]
enum DateTimeArg {
    Chrono,
    Time,
    String,
}

#[derive(ValueEnum, Clone, Copy, Debug)]
enum TargetArg {
    Crate,
    Module,
}

#[derive(ValueEnum, Clone, Copy, Debug)]
enum ModulesArg {
    PerTag,
    Flat,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq)]
enum ProgressArg {
    Auto,
    Always,
    Never,
}

/// Runs the command line given as `args` (the program name first) and returns the exit
/// status. Everything it prints (reports, errors, warnings, progress) goes to stderr, as
/// Cargo does; `--help` and `--version` go to stdout.
pub fn run<I, T>(args: I) -> u8
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { EXIT_USAGE } else { EXIT_OK };
        }
    };
    match cli.command {
        Command::Generate {
            inputs,
            force,
            bump,
            report,
        } => generate(&inputs, force, bump, report.as_deref()),
        Command::Check { inputs, report } => check(&inputs, report.as_deref()),
        Command::Init {
            spec,
            out,
            name,
            config,
            force,
        } => init(&spec, &out, name, &config, force),
    }
}

/// Progress lines, on a terminal (or when asked).
struct Progress {
    on: bool,
    start: Instant,
}

impl Progress {
    fn new(arg: ProgressArg) -> Self {
        let on = match arg {
            ProgressArg::Always => true,
            ProgressArg::Never => false,
            ProgressArg::Auto => std::io::stderr().is_terminal(),
        };
        Progress {
            on,
            start: Instant::now(),
        }
    }

    fn step(&self, what: &str) {
        if self.on {
            eprintln!("[{:>6.2}s] {what}", self.start.elapsed().as_secs_f64());
        }
    }
}

fn fail(e: &GeneratorError) -> u8 {
    eprintln!("{e}");
    if e.is_input_error() {
        EXIT_INPUT
    } else {
        EXIT_IO
    }
}

/// The generator the flags and the config describe.
fn generator(inputs: &Inputs, progress: &Progress) -> Result<Generator, GeneratorError> {
    let config_path = inputs.config.clone().or_else(|| {
        let beside = inputs
            .spec
            .as_deref()
            .and_then(Path::parent)
            .map(|d| d.join(config::FILE_NAME));
        [beside, Some(PathBuf::from(config::FILE_NAME))]
            .into_iter()
            .flatten()
            .find(|p| p.is_file())
    });
    let mut g = match &config_path {
        Some(path) => {
            progress.step(&format!("reading {}", path.display()));
            Generator::from_config_file(path)?
        }
        None => Generator::new(""),
    };
    if let Some(spec) = &inputs.spec {
        g = g.spec(spec);
    } else if config_path.is_none() {
        return Err(GeneratorError::Missing(format!(
            "no document: give one with `--spec FILE`, or write a config with `openapi-rs-gen init` ({} in the working directory is read by default)",
            config::FILE_NAME
        )));
    }
    if let Some(out) = &inputs.out {
        g = g.output(out);
    }
    if let Some(o) = &inputs.overlay {
        g = g.overlay(o);
    }
    if inputs.strict {
        g = g.strict(true);
    }
    if inputs.smoke_test {
        g = g.smoke_test(true);
    }
    if let Some(n) = &inputs.name {
        g = g.crate_name(n);
    }
    if let Some(v) = &inputs.crate_version {
        g = g.crate_version(v);
    }
    g = g
        .include_tags(inputs.include_tags.iter().cloned())
        .exclude_tags(inputs.exclude_tags.iter().cloned())
        .include_operations(inputs.include_operations.iter().cloned())
        .exclude_operations(inputs.exclude_operations.iter().cloned())
        .include_paths(inputs.include_paths.iter().cloned())
        .exclude_paths(inputs.exclude_paths.iter().cloned());
    if inputs.drop_deprecated {
        g = g.drop_deprecated(true);
    }
    if let Some(d) = inputs.date_time {
        g = g.date_time(match d {
            DateTimeArg::Chrono => DateTimeConfig::Chrono,
            DateTimeArg::Time => DateTimeConfig::Time,
            DateTimeArg::String => DateTimeConfig::String,
        });
    }
    if let Some(t) = inputs.target {
        g = g.configure(|c| {
            c.layout.target = Some(match t {
                TargetArg::Crate => TargetConfig::Crate,
                TargetArg::Module => TargetConfig::Module,
            })
        });
    }
    if let Some(m) = inputs.modules {
        g = g.modules(match m {
            ModulesArg::PerTag => ModulesConfig::PerTag,
            ModulesArg::Flat => ModulesConfig::Flat,
        });
    }
    if inputs.no_tag_features {
        g = g.tag_features(false);
    }
    if let Some(u) = &inputs.base_url {
        g = g.base_url(u);
    }
    Ok(g)
}

fn is_module(g: &Generator) -> bool {
    g.config_ref().layout.target == Some(TargetConfig::Module)
}

fn warn(g: &crate::Generated, label: &str, quiet: bool) {
    if !quiet {
        for w in g.warnings.iter() {
            eprintln!("{label}: {w}");
        }
        // The summary: how much of the document the crate approximates.
        let counts = g.warnings.approximations();
        if !counts.is_empty() {
            eprintln!("{label}: {counts} (`--strict` makes each an error)");
        }
    }
}

fn spec_label(g: &Generator) -> String {
    g.spec_path()
        .map(|p| p.display().to_string())
        .unwrap_or_default()
}

/// Prints the API change report (and writes it to `file`); `false` if the file cannot be
/// written.
fn show_report(report: Option<&crate::surface::diff::Report>, file: Option<&Path>) -> bool {
    let text = match report {
        Some(r) => r.to_string(),
        None => "API changes: no earlier api-surface.txt to compare with\n".to_string(),
    };
    eprint!("{text}");
    match file {
        Some(f) => match std::fs::write(f, &text) {
            Ok(()) => true,
            Err(e) => {
                eprintln!("error: cannot write {}: {e}", f.display());
                false
            }
        },
        None => true,
    }
}

fn generate(inputs: &Inputs, force: bool, bump: bool, report_file: Option<&Path>) -> u8 {
    let progress = Progress::new(inputs.progress);
    let g = match generator(inputs, &progress) {
        Ok(g) => g,
        Err(e) => return fail(&e),
    };
    let Some(out) = g.output_path() else {
        return fail(&GeneratorError::Missing(format!(
            "no output: give one with `--out DIR` or the `output` key of {}",
            config::FILE_NAME
        )));
    };
    progress.step(&format!("generating from {}", spec_label(&g)));
    if is_module(&g) {
        return match g.write_module(&out) {
            Ok(generated) => {
                warn(&generated, &spec_label(&g), inputs.quiet);
                progress.step("done");
                eprintln!("wrote {}", out.display());
                EXIT_OK
            }
            Err(e) => fail(&e),
        };
    }
    let regeneration = match g.generate_against(&out, bump) {
        Ok(r) => r,
        Err(e) => return fail(&e),
    };
    let generated = regeneration.generated;
    warn(&generated, &spec_label(&g), inputs.quiet);
    if !show_report(regeneration.report.as_ref(), report_file) {
        return EXIT_IO;
    }
    if let Some((old, new)) = &regeneration.bumped {
        eprintln!("version: {old} -> {new}");
    }
    progress.step(&format!(
        "writing {} files to {}",
        generated.output.files.len(),
        out.display()
    ));
    match generated.output.write(&out, crate::WriteOptions { force }) {
        Ok(report) => {
            for note in &report.notes {
                eprintln!("note: {note}");
            }
            progress.step("done");
            let n = report.written.len();
            eprintln!(
                "wrote {n} file{} to {} ({} unchanged, {} removed)",
                if n == 1 { "" } else { "s" },
                out.display(),
                report.unchanged.len(),
                report.removed.len()
            );
            EXIT_OK
        }
        Err(e) => fail(&GeneratorError::Write(e)),
    }
}

fn check(inputs: &Inputs, report_file: Option<&Path>) -> u8 {
    let progress = Progress::new(inputs.progress);
    let g = match generator(inputs, &progress) {
        Ok(g) => g,
        Err(e) => return fail(&e),
    };
    let Some(out) = g.output_path() else {
        return fail(&GeneratorError::Missing(format!(
            "no output to check: give it with `--out DIR` or the `output` key of {}",
            config::FILE_NAME
        )));
    };
    progress.step(&format!("generating from {}", spec_label(&g)));
    let generated = match g.generate() {
        Ok(generated) => generated,
        Err(e) => return fail(&e),
    };
    warn(&generated, &spec_label(&g), inputs.quiet);
    progress.step(&format!("comparing with {}", out.display()));
    if !is_module(&g) {
        let report = crate::generator::api_changes(&generated, &out);
        if !show_report(report.as_ref(), report_file) {
            return EXIT_IO;
        }
    }
    if is_module(&g) {
        let want = generated
            .output
            .files
            .values()
            .next()
            .cloned()
            .unwrap_or_default();
        return match std::fs::read_to_string(&out) {
            Ok(have) if have == want => {
                eprintln!("{} is up to date", out.display());
                EXIT_OK
            }
            Ok(_) => {
                eprintln!(
                    "{} is out of date: run `openapi-rs-gen generate`",
                    out.display()
                );
                EXIT_STALE
            }
            Err(e) => {
                eprintln!("error: cannot read {}: {e}", out.display());
                EXIT_IO
            }
        };
    }
    match generated.output.compare(&out) {
        Ok(s) if s.is_fresh() => {
            eprintln!(
                "{} is up to date ({} files)",
                out.display(),
                generated.output.files.len()
            );
            EXIT_OK
        }
        Ok(s) => {
            eprintln!(
                "{} is out of date:\n{s}run `openapi-rs-gen generate` and commit the result",
                out.display()
            );
            EXIT_STALE
        }
        Err(e) => {
            eprintln!("error: cannot read {}: {e}", out.display());
            EXIT_IO
        }
    }
}

fn init(spec: &Path, out: &Path, name: Option<String>, path: &Path, force: bool) -> u8 {
    if path.exists() && !force {
        eprintln!(
            "error: {} exists; pass --force to replace it",
            path.display()
        );
        return EXIT_IO;
    }
    let base = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    // The config names paths relative to its own folder.
    let relative = |p: &Path| -> String {
        let full = if p.is_absolute() {
            p.to_path_buf()
        } else {
            std::env::current_dir().unwrap_or_default().join(p)
        };
        let base_full = std::env::current_dir().unwrap_or_default().join(base);
        full.strip_prefix(&base_full)
            .map(|r| r.to_string_lossy().replace('\\', "/"))
            .unwrap_or_else(|_| full.to_string_lossy().into_owned())
    };
    let name = name.unwrap_or_else(|| default_name(spec));
    let text = config::template::template(&relative(spec), &relative(out), &name);
    match std::fs::write(path, text) {
        Ok(()) => {
            eprintln!(
                "wrote {}: edit it, then run `openapi-rs-gen generate`",
                path.display()
            );
            EXIT_OK
        }
        Err(e) => {
            eprintln!("error: cannot write {}: {e}", path.display());
            EXIT_IO
        }
    }
}

/// The crate name `generate` would pick for the document at `spec`, read cheaply (only its
/// `info`), or `api-client` when the document cannot be read yet.
fn default_name(spec: &Path) -> String {
    let tree = std::fs::read_to_string(spec)
        .ok()
        .and_then(|t| crate::load::parse_tree(&t).ok());
    let info = |k: &str| {
        tree.as_ref()
            .and_then(|t| t.pointer(&format!("/info/{k}")))
            .and_then(|v| v.as_str())
            .unwrap_or("")
            .to_string()
    };
    let options = crate::Options {
        crate_name: String::new(),
        ..crate::Options::default()
    };
    options
        .with_document_defaults(&info("title"), &info("version"))
        .crate_name
}
