//! The run: generates every document in a child process, writes the scratch workspace,
//! checks each crate, and hands the entries to the report.

use crate::check::{cargo_check, Check};
use crate::list::Document;
use crate::report::Report;
use crate::Config;
use devtools::run_limited;
use std::collections::{BTreeMap, BTreeSet};
use std::ffi::OsString;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus};
use std::time::{Duration, Instant};

/// The limit of each generation, so one pathological document cannot hang the run.
pub(crate) const GENERATE_TIMEOUT: u64 = 300;

const WARMUP_SPEC: &str = "openapi: 3.0.0
info:
  title: Corpus warm-up
  version: '1'
paths:
  /ping:
    get:
      operationId: ping
      responses:
        '200':
          description: ok
";

/// One document of the run: what it is, what generating it gave, and its check.
pub(crate) struct Entry {
    pub(crate) slug: String,
    pub(crate) package: String,
    pub(crate) path: String,
    pub(crate) crate_name: String,
    /// `(operations, schemas)` counted from the raw document, or why it could not be read.
    pub(crate) counts: Result<(usize, usize), String>,
    pub(crate) outcome: Outcome,
    pub(crate) warnings: Vec<Diag>,
    pub(crate) generate_secs: f64,
    pub(crate) check: Option<Check>,
}

/// How generating one document ended.
pub(crate) enum Outcome {
    Generated,
    Errors(Vec<Diag>),
    Panic(String),
    Timeout,
}

/// A diagnostic as the child reported it.
pub(crate) struct Diag {
    pub(crate) severity: String,
    /// `weakened` or `skipped` for an approximation, empty for a note.
    pub(crate) category: String,
    pub(crate) pointer: String,
    pub(crate) message: String,
}

impl Diag {
    pub(crate) fn line(&self) -> String {
        format!("{}: {} (at {})", self.severity, self.message, self.pointer)
    }
}

impl Entry {
    pub(crate) fn result_text(&self) -> String {
        match &self.outcome {
            Outcome::Generated => "generated".to_string(),
            Outcome::Errors(d) => {
                let n = d.iter().filter(|d| d.severity == "error").count();
                format!("{n} error{}", if n == 1 { "" } else { "s" })
            }
            Outcome::Panic(_) => "panic".to_string(),
            Outcome::Timeout => "timeout".to_string(),
        }
    }

    pub(crate) fn compiles_text(&self) -> String {
        match &self.check {
            None => "-".to_string(),
            Some(c) if c.timed_out => "timeout".to_string(),
            Some(c) if c.success => "yes".to_string(),
            Some(c) => format!("no ({} errors)", c.errors.len()),
        }
    }

    /// Operations the generator left out: the operations its `skipped` approximations
    /// point into.
    pub(crate) fn skipped_operations(&self) -> usize {
        self.warnings
            .iter()
            .filter(|w| w.category == "skipped")
            .filter_map(|w| {
                // `#/paths/<path>/<method>/...`: the first four tokens name the operation.
                let tokens: Vec<&str> = w.pointer.splitn(5, '/').collect();
                (tokens.len() >= 4).then(|| tokens[..4].join("/"))
            })
            .collect::<BTreeSet<_>>()
            .len()
    }

    /// Types and features the generator modelled less precisely than the document: its
    /// `weakened` approximations, one per place.
    pub(crate) fn weakened_types(&self) -> usize {
        self.warnings
            .iter()
            .filter(|w| w.category == "weakened")
            .map(|w| w.pointer.as_str())
            .collect::<BTreeSet<_>>()
            .len()
    }

    pub(crate) fn compiled(&self) -> bool {
        self.check.as_ref().is_some_and(|c| c.success)
    }

    pub(crate) fn failed(&self) -> bool {
        !matches!(self.outcome, Outcome::Generated)
            || self.check.as_ref().is_some_and(|c| !c.success)
    }
}

/// Generates every document, writes the scratch workspace, checks each crate (unless
/// `--no-check`) and writes the report.
pub(crate) fn corpus(
    root: &Path,
    documents: &[&Document],
    package_dirs: &BTreeMap<String, PathBuf>,
    config: &Config,
    child: &[OsString],
) -> Result<(), String> {
    let started = Instant::now();
    let out = root.join("target/corpus");
    let crates = out.join("crates");
    let logs = out.join("logs");
    for dir in [&crates, &logs] {
        let _ = fs::remove_dir_all(dir);
        fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    let [program, first_args @ ..] = child else {
        return Err("no command to generate a document with".to_string());
    };

    // Generate, each document in its own process.
    let mut entries = Vec::new();
    let mut slugs = BTreeSet::new();
    let total = documents.len();
    for (i, document) in documents.iter().enumerate() {
        let mut slug = slug_of(&document.path);
        let base = slug.clone();
        let mut n = 2;
        while !slugs.insert(slug.clone()) {
            slug = format!("{base}-{n}");
            n += 1;
        }
        let crate_name = format!("corpus-{slug}");
        let spec = package_dirs[&document.package].join(&document.path);
        let counts = fs::read_to_string(&spec)
            .map_err(|e| format!("cannot read {}: {e}", spec.display()))
            .and_then(|text| count(&text));
        let label = format!("{}/{}", document.package, document.path);
        let stdout = logs.join(format!("{slug}.generate.json"));
        let stderr = logs.join(format!("{slug}.generate.stderr"));
        let mut cmd = Command::new(program);
        cmd.args(first_args)
            .arg(&spec)
            .arg(crates.join(&slug))
            .args([&crate_name, &label]);
        let begun = Instant::now();
        let status = run_limited(
            &mut cmd,
            &stdout,
            &stderr,
            Duration::from_secs(GENERATE_TIMEOUT),
        )?;
        let wall = begun.elapsed().as_secs_f64();
        let (outcome, warnings, generate_secs) = read_child(status, &stdout, &stderr, wall);
        let entry = Entry {
            slug,
            package: document.package.clone(),
            path: document.path.clone(),
            crate_name,
            counts,
            outcome,
            warnings,
            generate_secs,
            check: None,
        };
        eprintln!(
            "[{:>3}/{total}] generate {:<60} {:<10} {:>4} warnings {:>3} operations skipped {:>4} types weakened {:>7.2}s",
            i + 1,
            entry.slug,
            entry.result_text(),
            entry.warnings.len(),
            entry.skipped_operations(),
            entry.weakened_types(),
            entry.generate_secs
        );
        entries.push(entry);
    }

    // The scratch workspace: every generated crate plus a tiny warm-up crate that builds
    // the shared dependencies once, so the per-crate times measure the generated code.
    let warmup = openapi_rs_gen::generate(
        WARMUP_SPEC,
        &crate::child::options("corpus-warmup", "warm-up"),
    )
    .map_err(|d| format!("cannot generate the warm-up crate:\n{d}"))?;
    warmup
        .output
        .write(&crates.join("_warmup"), Default::default())
        .map_err(|e| format!("cannot write the warm-up crate: {e}"))?;
    let mut manifest =
        String::from("# Scratch workspace of `cargo xtask corpus`; rewritten on every run.\n[workspace]\nresolver = \"2\"\nmembers = [\n    \"_warmup\",\n");
    for e in entries
        .iter()
        .filter(|e| matches!(e.outcome, Outcome::Generated))
    {
        let _ = writeln!(manifest, "    \"{}\",", e.slug);
    }
    manifest.push_str("]\n");
    fs::write(crates.join("Cargo.toml"), manifest).map_err(|e| e.to_string())?;
    fs::copy(root.join("Cargo.lock"), crates.join("Cargo.lock"))
        .map_err(|e| format!("cannot copy Cargo.lock: {e}"))?;

    let mut warmup_secs = None;
    if config.check {
        let target = out.join("target");
        eprintln!("checking the warm-up crate (builds the shared dependencies once)");
        let check = cargo_check(&crates, &target, &logs, "_warmup", "corpus-warmup", config)?;
        if !check.success {
            let log = logs.join("_warmup.check.txt");
            return Err(format!(
                "the warm-up crate does not compile, so nothing else can be checked; see {}",
                log.display()
            ));
        }
        warmup_secs = Some(check.secs);
        let generated = entries
            .iter()
            .filter(|e| matches!(e.outcome, Outcome::Generated))
            .count();
        let mut i = 0;
        for entry in entries
            .iter_mut()
            .filter(|e| matches!(e.outcome, Outcome::Generated))
        {
            i += 1;
            let check = cargo_check(
                &crates,
                &target,
                &logs,
                &entry.slug,
                &entry.crate_name,
                config,
            )?;
            entry.check = Some(check);
            eprintln!(
                "[{i:>3}/{generated}] check    {:<60} {:<16} {:>7.2}s",
                entry.slug,
                entry.compiles_text(),
                entry.check.as_ref().map_or(0.0, |c| c.secs)
            );
        }
    }

    let wall = started.elapsed().as_secs_f64();
    let report = Report {
        entries: &entries,
        checked: config.check,
        warmup_secs,
        wall_secs: wall,
    };
    let table = report.markdown();
    println!("{table}");
    fs::write(out.join("report.md"), &table).map_err(|e| e.to_string())?;
    let json = serde_json::to_string_pretty(&report.json()).map_err(|e| e.to_string())?;
    fs::write(out.join("report.json"), json + "\n").map_err(|e| e.to_string())?;
    fs::write(out.join("failures.md"), report.failures()).map_err(|e| e.to_string())?;
    eprintln!(
        "wrote target/corpus/report.md, report.json and failures.md ({:.0}s in all)",
        wall
    );
    Ok(())
}

/// Reads what a `--generate-one` child reported.
fn read_child(
    status: Option<ExitStatus>,
    stdout: &Path,
    stderr: &Path,
    wall: f64,
) -> (Outcome, Vec<Diag>, f64) {
    let Some(status) = status else {
        return (Outcome::Timeout, Vec::new(), wall);
    };
    let report = fs::read_to_string(stdout)
        .ok()
        .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok());
    let Some(report) = report.filter(|_| status.success()) else {
        // Died without reporting: an abort, a stack overflow, an out-of-memory kill.
        let stderr = fs::read_to_string(stderr).unwrap_or_default();
        let tail = devtools::last_lines(&stderr, 5);
        return (
            Outcome::Panic(format!(
                "the generator process died ({status}): {}",
                tail.join(" / ")
            )),
            Vec::new(),
            wall,
        );
    };
    let diags = |key: &str| -> Vec<Diag> {
        report
            .get(key)
            .and_then(|v| v.as_array())
            .map(|a| {
                a.iter()
                    .map(|d| Diag {
                        severity: str_at(d, "severity"),
                        category: str_at(d, "category"),
                        pointer: str_at(d, "pointer"),
                        message: str_at(d, "message"),
                    })
                    .collect()
            })
            .unwrap_or_default()
    };
    let secs = report
        .get("seconds")
        .and_then(|s| s.as_f64())
        .unwrap_or(wall);
    let outcome = match report.get("status").and_then(|s| s.as_str()) {
        Some("generated") => Outcome::Generated,
        Some("errors") => Outcome::Errors(diags("diagnostics")),
        _ => Outcome::Panic(str_at(&report, "message")),
    };
    (outcome, diags("warnings"), secs)
}

fn str_at(v: &serde_json::Value, key: &str) -> String {
    v.get(key)
        .and_then(|s| s.as_str())
        .unwrap_or_default()
        .to_string()
}

/// `(operations, schemas)`: path items × methods, and `components.schemas`, read from the
/// raw document the way the generator reads it.
fn count(text: &str) -> Result<(usize, usize), String> {
    let doc = devtools::read_tree(text)?;
    let schemas = doc
        .get("components")
        .and_then(|c| c.get("schemas"))
        .and_then(|s| s.as_object())
        .map_or(0, |s| s.len());
    Ok((devtools::count_operations(&doc), schemas))
}

/// `api/azure.com/addons-Addons.json` -> `azure-com-addons-addons`: the path without its
/// extension and its first folder, in lowercase letters, digits and dashes.
pub(crate) fn slug_of(path: &str) -> String {
    let stem = path.rsplit_once('.').map_or(path, |(stem, _)| stem);
    let stem = stem.split_once('/').map_or(stem, |(_, rest)| rest);
    devtools::sanitize(stem)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_json_and_yaml_alike() {
        let yaml = "paths:\n  /a:\n    get:\n      responses:\n        200: {description: ok}\n    post: {}\ncomponents:\n  schemas:\n    A: {}\n";
        let json = r#"{"paths": {"/a": {"get": {"responses": {"200": {"description": "ok"}}}, "post": {}}}, "components": {"schemas": {"A": {}}}}"#;
        assert_eq!(count(yaml), Ok((2, 1)));
        assert_eq!(count(json), Ok((2, 1)));
    }

    #[test]
    fn counts_operations_and_schemas() {
        let doc = r#"{"paths":{"/a":{"get":{},"post":{},"parameters":[]},"/b":{"put":{}}},
            "components":{"schemas":{"A":{},"B":{}}}}"#;
        assert_eq!(count(doc), Ok((3, 2)));
        let yaml = "paths:\n  /a:\n    get: {}\ncomponents:\n  schemas:\n    A: {}\n";
        assert_eq!(count(yaml), Ok((1, 1)));
    }

    #[test]
    fn slugs() {
        assert_eq!(
            slug_of("api/azure.com/addons-Addons.json"),
            "azure-com-addons-addons"
        );
        assert_eq!(slug_of("generated/api.github.com.json"), "api-github-com");
    }

    #[test]
    fn reads_what_the_child_reported() {
        let dir = std::env::temp_dir().join(format!("xtask-corpus-test-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let (stdout, stderr) = (dir.join("out.json"), dir.join("err.txt"));
        let ok = Command::new("true").status().unwrap();
        fs::write(&stdout, r##"{"status":"errors","seconds":0.5,"diagnostics":[{"severity":"error","pointer":"#/paths","message":"bad"}]}"##).unwrap();
        fs::write(&stderr, "").unwrap();
        let (outcome, _, secs) = read_child(Some(ok), &stdout, &stderr, 9.0);
        assert!(matches!(&outcome, Outcome::Errors(d) if d[0].line() == "error: bad (at #/paths)"));
        assert_eq!(secs, 0.5);
        // A child that died without reporting counts as a panic, with the end of its stderr.
        let failed = Command::new("false").status().unwrap();
        fs::write(&stdout, "").unwrap();
        fs::write(&stderr, "thread 'main' has overflowed its stack\n").unwrap();
        let (outcome, _, _) = read_child(Some(failed), &stdout, &stderr, 9.0);
        assert!(matches!(&outcome, Outcome::Panic(m) if m.contains("overflowed")));
        let (outcome, _, _) = read_child(None, &stdout, &stderr, 9.0);
        assert!(matches!(outcome, Outcome::Timeout));
        let _ = fs::remove_dir_all(&dir);
    }

    /// The child writes the generator's warnings with their categories; a document's
    /// skipped operations are the operations its `skipped` warnings point into, its weakened
    /// types the places of its `weakened` ones, and notes count as neither.
    #[test]
    fn counts_skipped_operations_and_weakened_types_by_category() {
        let mut warnings = openapi_rs_gen::Diagnostics::default();
        warnings.skipped("#/paths/~1a/post/requestBody", "skipped");
        warnings.skipped("#/paths/~1a/post/parameters/0", "skipped again");
        warnings.skipped("#/paths/~1b/get", "skipped");
        warnings.weakened("#/components/schemas/A/not", "weakened");
        warnings.weakened("#/components/schemas/A/not", "weakened the same place");
        warnings.weakened("#/components/schemas/B", "weakened");
        warnings.warning("#/paths", "a note");
        let dir = std::env::temp_dir().join(format!("xtask-corpus-cat-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let (stdout, stderr) = (dir.join("out.json"), dir.join("err.txt"));
        let report =
            serde_json::json!({"status": "generated", "seconds": 0.1, "warnings": warnings});
        fs::write(&stdout, report.to_string()).unwrap();
        fs::write(&stderr, "").unwrap();
        let ok = Command::new("true").status().unwrap();
        let (outcome, warnings, _) = read_child(Some(ok), &stdout, &stderr, 1.0);
        assert!(matches!(outcome, Outcome::Generated));
        let entry = Entry {
            slug: "s".to_string(),
            package: "p".to_string(),
            path: "d.json".to_string(),
            crate_name: "c".to_string(),
            counts: Ok((2, 2)),
            outcome,
            warnings,
            generate_secs: 0.1,
            check: None,
        };
        assert_eq!(entry.skipped_operations(), 2);
        assert_eq!(entry.weakened_types(), 2);
        let _ = fs::remove_dir_all(&dir);
    }

    #[test]
    fn kills_what_runs_too_long() {
        let dir = std::env::temp_dir().join(format!("xtask-corpus-kill-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let begun = Instant::now();
        let status = run_limited(
            Command::new("sh").args(["-c", "sleep 30; echo late"]),
            &dir.join("out"),
            &dir.join("err"),
            Duration::from_millis(300),
        )
        .unwrap();
        assert!(status.is_none());
        assert!(begun.elapsed() < Duration::from_secs(10));
        let _ = fs::remove_dir_all(&dir);
    }
}
