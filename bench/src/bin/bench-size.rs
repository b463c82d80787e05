//! `bench-size [GITHUB_DOC]`: the size of what the generator emits, per operation and per
//! schema, over the corpus (`corpus/documents.txt`, the documents already in the download
//! cache; nothing is fetched) and, on its own, GitHub's document. Generation only, in memory;
//! nothing is written or compiled.
//!
//! Counted for each document: operations (those the IR keeps, i.e. that become methods),
//! schemas (the named types of the IR: every type `src/models.rs` declares, component
//! schemas and named inline ones alike, an alias for a merged duplicate included), lines
//! under `src/apis/`, lines of `src/models.rs` (and `src/models/`, if any), and every
//! generated `.rs` line (runtime included).
//!
//! Prints `corpus.KEY=N` for the listed documents other than GitHub's and `github.KEY=N`
//! for GitHub's, with KEY one of `documents`, `operations`, `schemas`, `api_lines`,
//! `model_lines`, `rust_lines`, `failed`; plus `corpus.skipped=N` (listed but not in the
//! cache) and `corpus.failed_names=...`.

use bench::emit;
use openapi_rs_gen::{generate, lower_text_with, Options};
use std::collections::BTreeMap;
use std::path::Path;
use std::process::ExitCode;

/// GitHub's document in the list; it gets its own row, so the corpus figures leave it out.
const GITHUB_PATH: &str = "generated/api.github.com.json";

fn main() -> ExitCode {
    bench::finish(run())
}

fn run() -> Result<(), String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (documents, skipped) = corpus::cached_documents()?;
    let mut corpus = Totals::default();
    let mut failed_names = Vec::new();
    for document in documents.iter().filter(|d| d.path != GITHUB_PATH) {
        match measure(&document.file) {
            Ok(size) => corpus.add(&size),
            Err(e) => {
                eprintln!("{}/{}: {e}", document.package, document.path);
                corpus.failed += 1;
                failed_names.push(document.path.clone());
            }
        }
    }
    corpus.emit("corpus");
    emit("corpus.skipped", skipped);
    emit("corpus.failed_names", failed_names.join(","));
    // GitHub's document from the argument (the bench's copy), else from the corpus cache.
    let github = args.first().map(Path::new).or_else(|| {
        documents
            .iter()
            .find(|d| d.path == GITHUB_PATH)
            .map(|d| d.file.as_path())
    });
    if let Some(github) = github {
        let mut totals = Totals::default();
        match measure(github) {
            Ok(size) => totals.add(&size),
            Err(e) => {
                eprintln!("{}: {e}", github.display());
                totals.failed += 1;
            }
        }
        totals.emit("github");
    }
    Ok(())
}

/// The size of one generated document.
#[derive(Debug, Default, PartialEq)]
struct Size {
    operations: usize,
    schemas: usize,
    api_lines: usize,
    model_lines: usize,
    rust_lines: usize,
}

#[derive(Default)]
struct Totals {
    documents: usize,
    failed: usize,
    size: Size,
}

impl Totals {
    fn add(&mut self, size: &Size) {
        self.documents += 1;
        self.size.operations += size.operations;
        self.size.schemas += size.schemas;
        self.size.api_lines += size.api_lines;
        self.size.model_lines += size.model_lines;
        self.size.rust_lines += size.rust_lines;
    }

    fn emit(&self, prefix: &str) {
        let s = &self.size;
        for (key, value) in [
            ("documents", self.documents),
            ("failed", self.failed),
            ("operations", s.operations),
            ("schemas", s.schemas),
            ("api_lines", s.api_lines),
            ("model_lines", s.model_lines),
            ("rust_lines", s.rust_lines),
        ] {
            emit(&format!("{prefix}.{key}"), value);
        }
    }
}

/// Lowers (for the counts) and generates one document; a panic is an error, not the end.
fn measure(file: &Path) -> Result<Size, String> {
    let text = std::fs::read_to_string(file)
        .map_err(|e| format!("cannot read {}: {e}", file.display()))?;
    let options = Options {
        crate_name: "bench-client".to_string(),
        spec_label: "bench.json".to_string(),
        standalone: true,
        ..Options::default()
    };
    let outcome = std::panic::catch_unwind(|| {
        let (api, _) = lower_text_with(&text, &options).map_err(|d| first_line(&d))?;
        let generated = generate(&text, &options).map_err(|d| first_line(&d))?;
        let operations = api.groups.iter().map(|g| g.operations.len()).sum();
        Ok::<_, String>(size(operations, api.types.len(), &generated.output.files))
    });
    outcome.unwrap_or_else(|_| Err("the generator panicked".to_string()))
}

fn first_line(d: &openapi_rs_gen::Diagnostics) -> String {
    d.to_string().lines().next().unwrap_or_default().to_string()
}

/// Lines of the generated files, split by where they are.
fn size(operations: usize, schemas: usize, files: &BTreeMap<String, String>) -> Size {
    let mut size = Size {
        operations,
        schemas,
        ..Size::default()
    };
    for (path, text) in files.iter().filter(|(p, _)| p.ends_with(".rs")) {
        let lines = text.lines().count();
        size.rust_lines += lines;
        if path.starts_with("src/apis/") {
            size.api_lines += lines;
        } else if path == "src/models.rs" || path.starts_with("src/models/") {
            size.model_lines += lines;
        }
    }
    size
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_split_by_place() {
        let files: BTreeMap<String, String> = [
            ("Cargo.toml", "[package]\n"),
            ("src/lib.rs", "a\nb\n"),
            ("src/apis/mod.rs", "a\n"),
            ("src/apis/repos.rs", "a\nb\nc"),
            ("src/models.rs", "a\nb\n"),
            ("src/models/extra.rs", "a\n"),
            ("src/runtime/client.rs", "a\n"),
            ("tests/smoke.rs", "a\n"),
        ]
        .into_iter()
        .map(|(p, t)| (p.to_string(), t.to_string()))
        .collect();
        assert_eq!(
            size(4, 2, &files),
            Size {
                operations: 4,
                schemas: 2,
                api_lines: 4,
                model_lines: 3,
                rust_lines: 11,
            }
        );
    }
}
