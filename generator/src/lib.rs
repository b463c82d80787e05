//! openapi-rs-gen: turns an OpenAPI 3.0 document into a typed, async Rust client crate.
//!
//! The pipeline is one pure function, [`generate`]: load (text to `openapiv3`), lower (to
//! the plain-data [`ir`]), emit (IR to tokens), render (`prettyplease`). Problems in the
//! document come back as [`Diagnostics`] with JSON pointers, never as panics.

pub mod diagnostics;
pub mod docs;
pub mod emit;
pub mod ir;
pub mod load;
pub mod lower;
pub mod naming;
pub mod normalize31;
pub mod output;
pub mod render;

pub use diagnostics::{Diagnostic, Diagnostics, Severity};
pub use output::{Output, Staleness, WriteError, WriteOptions, WriteReport};

/// What to call the crate and how to describe where it came from.
#[derive(Debug, Clone)]
pub struct Options {
    /// The package name in `Cargo.toml`.
    pub crate_name: String,
    /// The package version in `Cargo.toml`.
    pub crate_version: String,
    /// How the header names the source document (a relative path, never an absolute one).
    pub spec_label: String,
    /// How the header names the command that regenerates the crate.
    pub command: String,
    /// Adds an empty `[workspace]` so the crate builds on its own wherever it is written.
    pub standalone: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            crate_name: "api-client".to_string(),
            crate_version: "0.1.0".to_string(),
            spec_label: "openapi.yaml".to_string(),
            command: "cargo xtask generate".to_string(),
            standalone: false,
        }
    }
}

/// A successful run: the files, plus warnings about what was approximated or skipped.
#[derive(Debug, Clone)]
pub struct Generated {
    /// The crate's files.
    pub output: Output,
    /// Warnings, in the order found.
    pub warnings: Diagnostics,
}

/// Loads and lowers a document into the IR, with warnings.
pub fn lower_text(spec_text: &str) -> Result<(ir::Api, Diagnostics), Diagnostics> {
    let loaded = load::load(spec_text)?;
    let (api, lowered) = lower::lower(&loaded.api);
    let mut diags = loaded.warnings.clone();
    diags.0.extend(lowered.0);
    loaded.restore_pointers(&mut diags);
    diags.dedup();
    match api {
        Some(api) => Ok((api, diags)),
        None => Err(diags),
    }
}

/// The whole pipeline: document text in, crate files out.
pub fn generate(spec_text: &str, options: &Options) -> Result<Generated, Diagnostics> {
    let (api, warnings) = lower_text(spec_text)?;
    let mut output = Output::default();
    let files = emit::emit_crate(&api, options);
    let mut pieces = Vec::new();
    for (path, content) in &files {
        if let emit::krate_file::FileContent::Rust(list) = content {
            pieces.extend(list.iter().map(|p| (path.as_str(), p)));
        }
    }
    let mut rendered = render::render_pieces(&pieces)
        .map_err(|e| {
            let mut d = Diagnostics::default();
            d.error("#", e);
            d
        })?
        .into_iter();
    for (path, content) in files {
        let text = match content {
            emit::krate_file::FileContent::Text(t) => t,
            emit::krate_file::FileContent::Rust(list) => {
                rendered.by_ref().take(list.len()).collect()
            }
        };
        output.files.insert(path, text);
    }
    Ok(Generated { output, warnings })
}
