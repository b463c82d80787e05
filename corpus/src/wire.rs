//! `cargo xtask wire`: the generated smoke test of each corpus document against Prism.
//! Each document of the list is generated with `--smoke-test` into a scratch workspace
//! (`target/wire/crates/`), its smoke test is built, Prism (`prism mock --errors`, with
//! seeded dynamic responses unless `--static`) serves the document on a port of its own, the
//! smoke test runs against it, and Prism is stopped. The per-document figures (operations,
//! called, failures, not called) go to stdout and `target/wire/report.md`, every failure
//! with its error to `target/wire/failures.md`. With `--local`, the documents are this
//! repository's own: the Lightly document and the fixtures of `tests/fixtures/ok/`.

use crate::list::{Document, List};
use devtools::wire::{build_smoke, run_smoke, Prism, Responses, Summary};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// What to run.
pub struct WireConfig {
    /// Only the documents whose package or path contains one of these (all when empty).
    pub only: Vec<String>,
    /// Leaves out the documents whose package or path contains any of these.
    pub skip: Vec<String>,
    /// The limit of each build and each run of a smoke test.
    pub timeout: Duration,
    /// Replaces the table between the wire markers in `README.md` with this run's.
    pub write_readme: bool,
    /// How Prism makes its responses.
    pub responses: Responses,
    /// Runs this repository's own documents instead of the corpus list: the Lightly
    /// document (`spec/lightly.yaml`) and the fixtures of `tests/fixtures/ok/`.
    pub local: bool,
}

impl Default for WireConfig {
    fn default() -> Self {
        WireConfig {
            only: Vec::new(),
            skip: Vec::new(),
            timeout: Duration::from_secs(900),
            write_readme: false,
            responses: Responses::default(),
            local: false,
        }
    }
}

/// Whether a failure is Prism's own response breaking the document (`--errors` turns it
/// into a 500 naming only `response` locations: an example, or a value json-schema-faker
/// made, that does not fit its schema), Prism unable to write a declared `text/plain` (or
/// `*/*`) response of an array or object schema (`NO_COMPLEX_OBJECT_TEXT`), or Prism
/// crashing while it makes a response (`UNKNOWN` with a JavaScript `TypeError` or
/// `RangeError` from its own code or json-schema-faker's). Such a call says nothing about
/// the client.
fn prism_response_violation(error: &str) -> bool {
    let violation = error.contains("prism/errors#VIOLATIONS")
        && error.contains("\"location\":[\"response\"")
        && !error.contains("\"location\":[\"request\"");
    let crash = error.contains("prism/errors#UNKNOWN")
        && (error.contains("\"title\":\"TypeError: ")
            || error.contains("\"title\":\"RangeError: "));
    violation || crash || error.contains("prism/errors#NO_COMPLEX_OBJECT_TEXT")
}

/// How one document went.
struct WireEntry {
    slug: String,
    result: Result<Summary, String>,
}

/// The markers around the table in `README.md`.
const README_START: &str = "<!-- wire-table:start (cargo xtask wire --write-readme) -->";
const README_END: &str = "<!-- wire-table:end -->";

/// One document to run: its name in the report, the file, and the label its crate names.
struct Selected {
    slug: String,
    spec: PathBuf,
    label: String,
}

/// Whether `config`'s `--only` and `--skip` keep a document known by these names.
fn selected(config: &WireConfig, names: &[&str]) -> bool {
    let has = |s: &String| names.iter().any(|n| n.contains(s.as_str()));
    (config.only.is_empty() || config.only.iter().any(has)) && !config.skip.iter().any(has)
}

/// The corpus list's documents that `config` selects, fetched into the cache.
fn corpus_documents(root: &Path, config: &WireConfig) -> Result<Vec<Selected>, String> {
    let list = List::read(root)?;
    let cache = devtools::cache_dir("corpus")?;
    let documents: Vec<&Document> = list
        .documents
        .iter()
        .filter(|d| selected(config, &[&d.package, &d.path]))
        .collect();
    let mut package_dirs = BTreeMap::new();
    for d in &documents {
        if !package_dirs.contains_key(&d.package) {
            package_dirs.insert(d.package.clone(), list.fetch(&cache, &d.package)?);
        }
    }
    Ok(documents
        .iter()
        .map(|d| Selected {
            slug: crate::run::slug_of(&d.path),
            spec: package_dirs[&d.package].join(&d.path),
            label: format!("{}/{}", d.package, d.path),
        })
        .collect())
}

/// This repository's documents that `config` selects: the Lightly document, then the
/// fixtures of `tests/fixtures/ok/` in name order.
fn local_documents(root: &Path, config: &WireConfig) -> Result<Vec<Selected>, String> {
    let mut out = vec![Selected {
        slug: "lightly".to_string(),
        spec: root.join("spec/lightly.yaml"),
        label: "spec/lightly.yaml".to_string(),
    }];
    let fixtures = root.join("tests/fixtures/ok");
    let mut files: Vec<PathBuf> = fs::read_dir(&fixtures)
        .map_err(|e| format!("cannot list {}: {e}", fixtures.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "yaml" || e == "json"))
        .collect();
    files.sort();
    for spec in files {
        let stem = spec
            .file_stem()
            .map(|s| s.to_string_lossy().replace('_', "-"))
            .unwrap_or_default();
        out.push(Selected {
            slug: format!("fixture-{stem}"),
            label: format!(
                "tests/fixtures/ok/{}",
                spec.file_name().unwrap_or_default().to_string_lossy()
            ),
            spec,
        });
    }
    out.retain(|d| selected(config, &[&d.slug, &d.label]));
    Ok(out)
}

/// Runs the smoke test of every selected document against Prism.
pub fn wire(config: &WireConfig) -> Result<(), String> {
    devtools::wire::prism_path()?;
    let root = devtools::root();
    if config.local && config.write_readme {
        return Err(
            "--write-readme writes the corpus table; it does not go with --local".to_string(),
        );
    }
    let documents = if config.local {
        local_documents(&root, config)?
    } else {
        corpus_documents(&root, config)?
    };
    if documents.is_empty() {
        return Err("no document in the list matches --only (less --skip)".to_string());
    }
    let out = root.join("target/wire");
    let crates = out.join("crates");
    let logs = out.join("logs");
    for dir in [&crates, &logs] {
        let _ = fs::remove_dir_all(dir);
        fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }

    // Generate every document, then make one workspace of the crates.
    let mut slugs = BTreeSet::new();
    let mut planned: Vec<(String, PathBuf, Result<String, String>)> = Vec::new();
    for d in documents {
        let mut slug = d.slug.clone();
        let mut n = 2;
        while !slugs.insert(slug.clone()) {
            slug = format!("{}-{n}", d.slug);
            n += 1;
        }
        let spec = d.spec;
        let crate_name = format!("wire-{slug}");
        let generated = generate(&spec, &crates.join(&slug), &crate_name, &d.label);
        if let Err(e) = &generated {
            eprintln!("generate {slug}: {e}");
        }
        planned.push((slug, spec, generated.map(|()| crate_name)));
    }
    let mut manifest = String::from(
        "# Scratch workspace of `cargo xtask wire`; rewritten on every run.\n[workspace]\nresolver = \"2\"\nmembers = [\n",
    );
    for (slug, _, generated) in &planned {
        if generated.is_ok() {
            let _ = writeln!(manifest, "    \"{slug}\",");
        }
    }
    manifest.push_str("]\n");
    fs::write(crates.join("Cargo.toml"), manifest).map_err(|e| e.to_string())?;
    fs::copy(root.join("Cargo.lock"), crates.join("Cargo.lock"))
        .map_err(|e| format!("cannot copy Cargo.lock: {e}"))?;

    // Build, serve, run, stop: one document at a time, each with a Prism of its own.
    let target = out.join("target");
    let total = planned.len();
    let mut entries = Vec::new();
    for (i, (slug, spec, generated)) in planned.into_iter().enumerate() {
        let result = generated.and_then(|crate_name| {
            build_smoke(&crates, &target, &crate_name, &logs, config.timeout)?;
            // Prism refuses a document without operations (one of webhooks only); its smoke
            // test calls nothing, so any address does.
            let prism = if has_operations(&spec) {
                Some(Prism::start(
                    &spec,
                    &logs.join(format!("{slug}.prism.log")),
                    &config.responses,
                )?)
            } else {
                None
            };
            let base_url = prism
                .as_ref()
                .map_or_else(|| "http://127.0.0.1:9".to_string(), Prism::base_url);
            let run = run_smoke(
                &crates,
                &target,
                &crate_name,
                &base_url,
                &logs,
                config.timeout,
            )?;
            drop(prism);
            match (run.summary, run.passed) {
                (Some(summary), _) => Ok(summary),
                (None, None) => Err(format!(
                    "the smoke test took longer than {:?}",
                    config.timeout
                )),
                (None, Some(_)) => Err(format!(
                    "the smoke test printed no summary:\n{}",
                    devtools::last_lines(&run.stderr, 20).join("\n")
                )),
            }
        });
        let entry = WireEntry { slug, result };
        println!("[{:>3}/{total}] {}", i + 1, line(&entry));
        entries.push(entry);
    }

    let table = table(&entries);
    println!("\n{table}");
    fs::write(out.join("report.md"), &table).map_err(|e| e.to_string())?;
    fs::write(out.join("failures.md"), failures(&entries)).map_err(|e| e.to_string())?;
    eprintln!("wrote target/wire/report.md and failures.md; logs in target/wire/logs/");
    if config.write_readme {
        let readme = root.join("README.md");
        let text = fs::read_to_string(&readme).map_err(|e| e.to_string())?;
        let updated = replace_between(&text, &table)
            .ok_or_else(|| format!("README.md has no `{README_START}` ... `{README_END}` block"))?;
        fs::write(&readme, updated).map_err(|e| e.to_string())?;
        eprintln!("wrote the table to README.md");
    }
    Ok(())
}

/// Whether the document at `spec` has an operation (or cannot be read: Prism will say).
fn has_operations(spec: &Path) -> bool {
    fs::read_to_string(spec)
        .ok()
        .and_then(|text| devtools::read_tree(&text).ok())
        .is_none_or(|doc| devtools::count_operations(&doc) > 0)
}

/// Generates one document with the smoke test, in this process (a panic is caught and
/// reported as the document's result).
fn generate(spec: &Path, out: &Path, crate_name: &str, label: &str) -> Result<(), String> {
    let text =
        fs::read_to_string(spec).map_err(|e| format!("cannot read {}: {e}", spec.display()))?;
    let options = openapi_rs_gen::Options {
        smoke_test: true,
        command: "cargo xtask wire".to_string(),
        ..crate::child::options(crate_name, label)
    };
    let generated = std::panic::catch_unwind(|| openapi_rs_gen::generate(&text, &options))
        .map_err(|_| "the generator panicked".to_string())?
        .map_err(|d| format!("the document has errors:\n{d}"))?;
    generated
        .output
        .write(out, Default::default())
        .map_err(|e| format!("cannot write {}: {e}", out.display()))?;
    Ok(())
}

fn line(e: &WireEntry) -> String {
    match &e.result {
        Ok(s) => format!(
            "{:<55} operations {:>4}  called {:>4}  failures {:>4}  not called {:>4}",
            e.slug,
            s.operations,
            s.called,
            s.failures.len(),
            s.not_called.len()
        ),
        Err(why) => format!("{:<55} {}", e.slug, why.lines().next().unwrap_or_default()),
    }
}

/// The Markdown table of the run, with a totals row.
fn table(entries: &[WireEntry]) -> String {
    let mut t = String::from(
        "| document | operations | called | failures | of which Prism's response | not called |\n|---|---:|---:|---:|---:|---:|\n",
    );
    let (mut ops, mut called, mut failed, mut not_called, mut ran) = (0, 0, 0, 0, 0);
    let mut prism = 0;
    for e in entries {
        match &e.result {
            Ok(s) => {
                ran += 1;
                ops += s.operations;
                called += s.called;
                failed += s.failures.len();
                not_called += s.not_called.len();
                let theirs = s
                    .failures
                    .iter()
                    .filter(|(_, e)| prism_response_violation(e))
                    .count();
                prism += theirs;
                let _ = writeln!(
                    t,
                    "| {} | {} | {} | {} | {theirs} | {} |",
                    e.slug,
                    s.operations,
                    s.called,
                    s.failures.len(),
                    s.not_called.len()
                );
            }
            Err(why) => {
                let why = why.lines().next().unwrap_or_default().replace('|', "\\|");
                let _ = writeln!(t, "| {} | - | - | - | - | - ({why}) |", e.slug);
            }
        }
    }
    let _ = writeln!(
        t,
        "| **{ran} of {} documents ran** | {ops} | {called} | {failed} | {prism} | {not_called} |",
        entries.len()
    );
    t
}

/// Every failure and operation not called, by document.
fn failures(entries: &[WireEntry]) -> String {
    let mut t = String::from("# Wire failures\n\n");
    for e in entries {
        match &e.result {
            Ok(s) if s.failures.is_empty() && s.not_called.is_empty() => {}
            Ok(s) => {
                let _ = writeln!(t, "## {}\n", e.slug);
                for (op, error) in &s.failures {
                    let whose = if prism_response_violation(error) {
                        " (Prism's response)"
                    } else {
                        ""
                    };
                    let _ = writeln!(t, "- failed `{op}`{whose}: {error}");
                }
                for (op, reason) in &s.not_called {
                    let _ = writeln!(t, "- not called `{op}`: {reason}");
                }
                t.push('\n');
            }
            Err(why) => {
                let _ = writeln!(t, "## {}\n\n```text\n{why}\n```\n", e.slug);
            }
        }
    }
    t
}

fn replace_between(text: &str, table: &str) -> Option<String> {
    let start = text.find(README_START)? + README_START.len();
    let end = start + text[start..].find(README_END)?;
    Some(format!("{}\n\n{table}\n{}", &text[..start], &text[end..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_documents_are_lightly_and_every_fixture_filtered_by_only_and_skip() {
        let root = devtools::root();
        let all = local_documents(&root, &WireConfig::default()).unwrap();
        assert_eq!(all[0].slug, "lightly");
        assert!(all[0].spec.ends_with("spec/lightly.yaml"));
        let fixtures = fs::read_dir(root.join("tests/fixtures/ok"))
            .unwrap()
            .count();
        assert_eq!(all.len(), 1 + fixtures);
        assert!(all.iter().any(|d| d.slug == "fixture-one-of-untagged"
            && d.label == "tests/fixtures/ok/one_of_untagged.yaml"));
        let config = WireConfig {
            only: vec!["fixture-".to_string()],
            skip: vec!["petstore".to_string()],
            ..WireConfig::default()
        };
        let some = local_documents(&root, &config).unwrap();
        assert_eq!(some.len(), fixtures - 1);
        assert!(some
            .iter()
            .all(|d| d.slug.starts_with("fixture-") && d.slug != "fixture-petstore"));
    }

    #[test]
    fn prism_is_blamed_for_its_own_responses_and_crashes_only() {
        let status = "undeclared status 500 Internal Server Error: ";
        for theirs in [
            r#"{"type":"https://stoplight.io/prism/errors#VIOLATIONS","validation":[{"location":["response","body","etag"],"code":"format"}]}"#,
            r#"{"type":"https://stoplight.io/prism/errors#NO_COMPLEX_OBJECT_TEXT","status":500}"#,
            r#"{"type":"https://stoplight.io/prism/errors#UNKNOWN","title":"TypeError: Cannot read properties of undefined (reading 'substr')\n    at clampDateTime"}"#,
            r#"{"type":"https://stoplight.io/prism/errors#UNKNOWN","title":"RangeError: Maximum call stack size exceeded"}"#,
        ] {
            assert!(
                prism_response_violation(&format!("{status}{theirs}")),
                "{theirs}"
            );
        }
        for ours in [
            r#"undeclared status 422 Unprocessable Entity: {"type":"https://stoplight.io/prism/errors#UNPROCESSABLE_ENTITY","validation":[{"location":["body"],"code":"oneOf"}]}"#,
            r#"undeclared status 500 Internal Server Error: {"type":"https://stoplight.io/prism/errors#VIOLATIONS","validation":[{"location":["request","body"]},{"location":["response","body"]}]}"#,
            r#"undeclared status 500 Internal Server Error: {"type":"https://stoplight.io/prism/errors#UNKNOWN","title":"SyntaxError: Unexpected token"}"#,
            "failed to decode response body: EOF while parsing a value at line 1 column 0 (status 204 No Content: )",
        ] {
            assert!(!prism_response_violation(ours), "{ours}");
        }
    }

    #[test]
    fn the_table_sums_what_ran_and_says_why_the_rest_did_not() {
        let entries = [
            WireEntry {
                slug: "a".into(),
                result: Ok(Summary {
                    operations: 3,
                    called: 2,
                    failures: vec![
                        ("x".into(), "undeclared status 422".into()),
                        ("z".into(), r#"undeclared status 500 Internal Server Error: {"type":"https://stoplight.io/prism/errors#VIOLATIONS","validation":[{"location":["response","body"]}]}"#.into()),
                    ],
                    not_called: vec![("y".into(), "pattern".into())],
                }),
            },
            WireEntry {
                slug: "b".into(),
                result: Err("Prism exited | early\nmore".into()),
            },
        ];
        assert_eq!(
            table(&entries),
            "| document | operations | called | failures | of which Prism's response | not called |\n|---|---:|---:|---:|---:|---:|\n| a | 3 | 2 | 2 | 1 | 1 |\n| b | - | - | - | - | - (Prism exited \\| early) |\n| **1 of 2 documents ran** | 3 | 2 | 2 | 1 | 1 |\n"
        );
        let readme = format!("x\n{README_START}\nold\n{README_END}\ny\n");
        assert_eq!(
            replace_between(&readme, "T\n").unwrap(),
            format!("x\n{README_START}\n\nT\n\n{README_END}\ny\n")
        );
    }
}
