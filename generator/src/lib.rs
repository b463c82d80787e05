//! openapi-rs-gen: turns an OpenAPI 3.0 document into a typed, async Rust client crate.
//!
//! The pipeline is one pure function, [`generate`], that runs the stages in order, each
//! using only the ones before it and the shared modules below them all ([`diagnostics`],
//! [`pointer`](mod@pointer), [`options`], [`docs`], [`naming`]):
//! [`load`] (text to `openapiv3`), [`lower`] (to the plain-data [`ir`]), [`emit`] (IR to
//! crate files: text, or Rust as pieces that build tokens), [`render`] (tokens to text with
//! `prettyplease`), and [`output`] (the files; writing and checking them on disk). Problems
//! in the document come back as [`Diagnostics`] with JSON pointers, never as panics.

pub mod diagnostics;
pub mod docs;
pub mod emit;
pub mod ir;
pub mod load;
pub mod lower;
pub mod naming;
pub mod options;
pub mod output;
pub mod pointer;
pub mod render;

pub use diagnostics::{Diagnostic, Diagnostics, Severity};
pub use options::Options;
pub use output::{Output, Staleness, WriteError, WriteOptions, WriteReport};

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
    let mut rust = Vec::new();
    for (path, content) in emit::emit_crate(&api, options) {
        match content {
            emit::krate_file::FileContent::Text(text) => {
                output.files.insert(path, text);
            }
            emit::krate_file::FileContent::Rust(pieces) => rust.push((path, pieces)),
        }
    }
    let rendered = render::render_files(rust).map_err(|e| {
        let mut d = Diagnostics::default();
        d.error("#", e);
        d
    })?;
    output.files.extend(rendered);
    Ok(Generated { output, warnings })
}
