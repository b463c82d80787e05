//! openapi-rs-gen: turns an OpenAPI 3.0 document into a typed, async Rust client crate.
//!
//! The pipeline is one pure function, [`generate`], that runs the stages in order, each
//! using only the ones before it and the shared modules below them all ([`diagnostics`],
//! [`pointer`](mod@pointer), [`options`], [`docs`], [`naming`]):
//! [`load`] (text to `openapiv3`), [`lower`] (to the plain-data [`ir`]), [`emit`] (IR to
//! crate files: text, or Rust as pieces that build tokens), [`render`] (tokens to text with
//! `prettyplease`), and [`output`] (the files; writing and checking them on disk). Problems
//! in the document come back as [`Diagnostics`] with JSON pointers, never as panics.

#[cfg(feature = "cli")]
pub mod cli;
pub mod config;
pub mod diagnostics;
pub mod docs;
pub mod emit;
pub mod generator;
pub mod ir;
pub mod load;
pub mod lower;
pub mod naming;
pub mod options;
pub mod output;
pub mod pointer;
pub mod render;
pub mod runtime;
pub mod surface;

pub use config::Config;
pub use diagnostics::{Diagnostic, Diagnostics, Severity};
pub use generator::{Generator, GeneratorError};
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

/// Loads and lowers a document into the IR with default options, with warnings.
pub fn lower_text(spec_text: &str) -> Result<(ir::Api, Diagnostics), Diagnostics> {
    lower_text_with(spec_text, &Options::default())
}

/// Loads and lowers a document into the IR as `options` say, with warnings.
pub fn lower_text_with(
    spec_text: &str,
    options: &Options,
) -> Result<(ir::Api, Diagnostics), Diagnostics> {
    let loaded = load::load_with(spec_text, options.overlay.as_ref())?;
    let (api, lowered) = lower::lower(&loaded.api, options);
    let mut diags = loaded.warnings.clone();
    diags.0.extend(lowered.0);
    loaded.restore_pointers(&mut diags);
    diags.dedup();
    if options.strict {
        diags = diags.strict();
        if diags.has_errors() {
            return Err(diags);
        }
    }
    match api {
        Some(api) => Ok((api, diags)),
        None => Err(diags),
    }
}

/// The whole pipeline: document text in, crate files out. An empty crate name or version
/// in `options` is taken from the document's `info` ([`Options::with_document_defaults`]).
pub fn generate(spec_text: &str, options: &Options) -> Result<Generated, Diagnostics> {
    let (api, mut warnings) = lower_text_with(spec_text, options)?;
    if options.smoke_test && options.layout.target == options::Target::Module {
        warnings.warning(
            "#",
            "the smoke test is a file of a crate's `tests/`, and the module target writes one module; no smoke test is written",
        );
    }
    let options = &options.with_document_defaults(&api.title, &api.version);
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
    let rendered = render::render_files(rust, emit::inline::mark).map_err(|e| {
        let mut d = Diagnostics::default();
        d.error("#", e);
        d
    })?;
    output.files.extend(rendered);
    if options.layout.target == options::Target::Module {
        output = fold_into_module(&output, options).map_err(|e| {
            let mut d = Diagnostics::default();
            d.error("#", e);
            d
        })?;
    } else {
        // Beside the code: what users see of it, for review and the semver verdict.
        output.files.insert(
            surface::FILE_NAME.to_string(),
            surface::render(&api, options.layout.modules == options::Modules::Flat),
        );
    }
    Ok(Generated { output, warnings })
}

/// The module target: the crate's files folded into `<crate name in snake_case>.rs`.
fn fold_into_module(crate_files: &Output, options: &Options) -> Result<Output, String> {
    let text = output::module::fold(&crate_files.files)?;
    let mut output = Output::default();
    output
        .files
        .insert(naming::module_file(&options.crate_name), text);
    Ok(output)
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    #[test]
    fn the_module_target_says_it_writes_no_smoke_test() {
        let spec = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\n";
        let options = crate::Options {
            smoke_test: true,
            layout: crate::options::Layout {
                target: crate::options::Target::Module,
                ..Default::default()
            },
            ..Default::default()
        };
        let generated = crate::generate(spec, &options).unwrap();
        assert!(
            generated
                .warnings
                .to_string()
                .contains("no smoke test is written"),
            "{}",
            generated.warnings
        );
        let crate_options = crate::Options {
            smoke_test: true,
            ..Default::default()
        };
        let generated = crate::generate(spec, &crate_options).unwrap();
        assert!(generated.output.files.contains_key("tests/smoke.rs"));
        assert!(generated.warnings.is_empty(), "{}", generated.warnings);
    }

    /// Every `.rs` file under `dir`, by path relative to `root`, with forward slashes.
    fn sources(root: &Path, dir: &Path, out: &mut Vec<String>) {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        entries.sort();
        for path in entries {
            if path.is_dir() {
                sources(root, &path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let rel = path.strip_prefix(root).unwrap().to_string_lossy();
                out.push(rel.replace('\\', "/"));
            }
        }
    }

    fn generator_sources() -> Vec<String> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut out = Vec::new();
        for dir in ["src", "runtime", "tests"] {
            sources(root, &root.join(dir), &mut out);
        }
        assert!(out.len() > 30, "{out:?}");
        out
    }

    #[test]
    fn every_generator_source_file_opens_with_a_module_comment() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        for rel in generator_sources() {
            let text = std::fs::read_to_string(root.join(&rel)).unwrap();
            assert!(
                text.starts_with("//! "),
                "{rel} does not open with a `//!` comment"
            );
        }
    }

    /// The README's "How it works" section names every source file of the pipeline (in the
    /// row of its folder, for a file inside one) and every runtime module.
    #[test]
    fn the_readme_pipeline_table_names_every_source_file() {
        let readme =
            std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../README.md"))
                .unwrap();
        let start = readme.find("## How it works").expect("the section");
        let section = &readme[start..];
        let section = &section[..section[3..].find("\n## ").map_or(section.len(), |e| e + 3)];
        for rel in generator_sources() {
            let parts: Vec<&str> = rel.split('/').collect();
            let named = match parts.as_slice() {
                ["src", "lib.rs"] => section.contains("`src/lib.rs`"),
                ["src", file] => section.contains(&format!("`{file}`")),
                ["src", dir, "tests.rs"] => section.contains(&format!("`{dir}/`")),
                ["src", dir, file] => section.lines().any(|l| {
                    l.starts_with(&format!("| `{dir}/")) && l.contains(&format!("{file}`"))
                }),
                ["runtime", file] => {
                    let stem = file.trim_end_matches(".rs");
                    section.contains(&format!("`{stem}`")) || section.contains(&format!("`{file}`"))
                }
                ["tests", file] => section.contains(&format!("`generator/tests/{file}`")),
                // One test file per runtime module, plus the files named.
                ["tests", "runtime", file] => {
                    section.contains("`generator/tests/runtime/`")
                        && (runtime_module(file) || section.contains(&format!("`{file}`")))
                }
                _ => false,
            };
            assert!(named, "README's \"How it works\" does not name {rel}");
        }
    }

    /// Every file the first column of the README's pipeline tables names exists.
    #[test]
    fn the_readme_pipeline_table_names_no_file_that_is_gone() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let readme = std::fs::read_to_string(root.join("../README.md")).unwrap();
        let start = readme.find("## How it works").expect("the section");
        let mut rows = 0;
        for line in readme[start..]
            .lines()
            .take_while(|l| !l.starts_with("## Rev"))
        {
            let Some(cell) = line.strip_prefix("| ").and_then(|l| l.split(" |").next()) else {
                continue;
            };
            if cell.contains("generator/src") || cell.starts_with("shared") {
                continue;
            }
            let tokens: Vec<&str> = cell.split('`').skip(1).step_by(2).collect();
            let dir = tokens.first().filter(|t| t.ends_with('/')).copied();
            let dir = dir.or_else(|| {
                tokens
                    .first()
                    .and_then(|t| t.rsplit_once('/'))
                    .map(|(d, _)| d)
            });
            for token in tokens.iter().filter(|t| t.ends_with(".rs")) {
                let path = match (token.contains('/'), dir) {
                    (true, _) | (false, None) => root.join("src").join(token),
                    (false, Some(dir)) => root.join("src").join(dir).join(token),
                };
                assert!(
                    path.is_file(),
                    "README names {token}, which is not {path:?}"
                );
                rows += 1;
            }
        }
        assert!(rows > 15, "{rows}");
    }

    /// Whether `generator/runtime/` has a file of this name.
    fn runtime_module(file: &str) -> bool {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("runtime")
            .join(file)
            .exists()
    }
}
