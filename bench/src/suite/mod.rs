//! `cargo xtask bench [--quick] [--skip-progenitor]`: measures the generator and what it emits,
//! prints a table next to the targets, and writes `target/bench/results.json` (plus the table
//! as `target/bench/results.md`) for comparison over time.
//!
//! The measuring is done by the release-built binaries of this crate, each run in a fresh
//! process so its peak resident set (`VmHWM`) belongs to that run alone; this module only
//! orchestrates: it builds them, fetches GitHub's document into a cache outside the
//! repository, runs them, takes medians and reports.
//!
//! 1. Generation: `spec/lightly.yaml` and GitHub's REST API document (`@octokit/openapi`).
//! 2. Scaling: growing shares of GitHub's operations with only the components they reach.
//! 3. Size: generated lines per operation and per schema over the corpus and for GitHub.
//! 4. Runtime: per-request overhead against a loopback server, and decoding throughput.
//! 5. Compile time of the generated Lightly client, clean and after touching one file, next to
//!    progenitor's output for the same document (each in its own target directory, with its
//!    dependencies built first).
//! 6. Compile time and compiler peak memory of GitHub's client: `cargo check`, `cargo build`,
//!    and the build of one tag's feature.
//!
//! These are measurements, not tests: nothing fails on a missed target. The machine may be
//! busy with other work, so every figure is a median and its spread is reported with it.

mod compile;
mod compile_github;
mod generation;
mod report;
mod runtime;
mod size;

use report::{machine, unix_time, Report};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::fs;
use std::path::PathBuf;
use std::process::{Command, Stdio};

/// What `cargo xtask bench` was asked for.
#[derive(Debug, Default, Clone, Copy)]
pub struct Settings {
    /// Fewer runs of everything.
    pub quick: bool,
    /// Leaves out the progenitor comparison (and its install).
    pub skip_progenitor: bool,
}

/// How many runs each measurement gets.
struct Runs {
    lightly: usize,
    github: usize,
    scaling: usize,
    compile: usize,
    requests: usize,
    batches: usize,
    decode_iters: usize,
    decode_rounds: usize,
    /// Processes per mode of the 1 GiB streamed download.
    stream_rounds: usize,
}

impl Runs {
    fn new(quick: bool) -> Runs {
        if quick {
            Runs {
                lightly: 3,
                github: 1,
                scaling: 1,
                compile: 1,
                requests: 1000,
                batches: 3,
                decode_iters: 3,
                decode_rounds: 1,
                stream_rounds: 1,
            }
        } else {
            Runs {
                lightly: 5,
                github: 3,
                scaling: 3,
                compile: 3,
                requests: 2000,
                batches: 7,
                decode_iters: 3,
                decode_rounds: 3,
                stream_rounds: 3,
            }
        }
    }
}

/// Runs every measurement and writes the results.
pub fn run(settings: Settings) -> Result<(), String> {
    let runs = Runs::new(settings.quick);
    let root = devtools::root();
    let out_dir = root.join("target/bench");
    fs::create_dir_all(&out_dir)
        .map_err(|e| format!("cannot create {}: {e}", out_dir.display()))?;
    let cache = devtools::cache_dir("bench")?;
    fs::create_dir_all(&cache).map_err(|e| format!("cannot create {}: {e}", cache.display()))?;

    let mut report = Report::default();
    let machine = machine(&root);
    eprintln!("{}", machine.line);

    eprintln!("building the bench binaries (cargo build --release -p bench)");
    devtools::run_status(
        devtools::cargo()
            .current_dir(&root)
            .args(["build", "--release", "--quiet", "-p", "bench"]),
        "cargo build --release -p bench",
    )?;
    let bins = Bins {
        dir: root.join("target/release"),
    };

    // 1. Generation.
    eprintln!("[1/6] generation");
    let github = generation::github_document(&cache);
    let generation = generation::section(&root, &bins, &github, &runs, &mut report);
    report.json.insert("generation".to_string(), generation);

    // 2. Scaling.
    eprintln!("[2/6] scaling over GitHub's operations");
    let scaling = match &github {
        Ok(doc) => generation::scaling(&bins, doc, &out_dir, runs.scaling, &mut report),
        Err(e) => report.failure("Scaling", "GitHub subsets", e),
    };
    report.json.insert("scaling".to_string(), scaling);

    // 3. Size.
    eprintln!("[3/6] generated lines per operation and per schema (corpus, GitHub)");
    let size = size::size(&bins, &github, &mut report);
    report.json.insert("size".to_string(), size);

    // 4. Runtime (before the compile steps, which leave the most heat behind).
    eprintln!("[4/6] runtime: per-request overhead, decoding, a streamed download");
    let runtime = runtime::runtime(&bins, &runs, &mut report);
    report.json.insert("runtime".to_string(), runtime);

    // 5. Compile time.
    eprintln!("[5/6] compile time of the generated Lightly client");
    let paths = compile::Paths {
        root: &root,
        cache: &cache,
        out_dir: &out_dir,
    };
    let compile = compile::compile(&paths, &bins, runs.compile, settings, &mut report);
    report.json.insert("compile".to_string(), compile);

    // 6. Compiling GitHub's client.
    eprintln!("[6/6] compiling GitHub's client (several minutes)");
    let github_compile =
        compile_github::github(&root, &out_dir, &bins, &github, runs.compile, &mut report);
    report
        .json
        .insert("compile_github".to_string(), github_compile);

    let machine_end = report::loadavg();
    let mut results = json!({
        "schema": 1,
        "unix_time": unix_time(),
        "date": report::today(),
        "git": machine.git,
        "quick": settings.quick,
        "machine": machine.to_json(&machine_end),
    });
    if let Value::Object(fields) = &mut results {
        fields.append(&mut report.json);
    }
    let table = report.table(&machine, &machine_end, settings.quick);
    println!("{table}");
    let json_path = out_dir.join("results.json");
    let mut text = serde_json::to_string_pretty(&results).unwrap_or_default();
    text.push('\n');
    fs::write(&json_path, text)
        .map_err(|e| format!("cannot write {}: {e}", json_path.display()))?;
    let md_path = out_dir.join("results.md");
    fs::write(&md_path, &table).map_err(|e| format!("cannot write {}: {e}", md_path.display()))?;
    eprintln!("wrote {} and {}", json_path.display(), md_path.display());
    Ok(())
}

/// The release-built measurement binaries.
struct Bins {
    dir: PathBuf,
}

impl Bins {
    /// Runs a binary and parses its `key=value` lines; on failure, says why with its stderr.
    fn run<S: AsRef<OsStr>>(
        &self,
        name: &str,
        args: &[S],
    ) -> Result<BTreeMap<String, String>, String> {
        self.run_with_env(name, args, &[])
    }

    /// [`Bins::run`] with environment variables set for the binary and what it starts.
    fn run_with_env<S: AsRef<OsStr>>(
        &self,
        name: &str,
        args: &[S],
        env: &[(&str, &OsStr)],
    ) -> Result<BTreeMap<String, String>, String> {
        let exe = self.dir.join(name);
        let out = Command::new(&exe)
            .args(args)
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .output()
            .map_err(|e| format!("cannot run {}: {e}", exe.display()))?;
        let stdout = String::from_utf8_lossy(&out.stdout);
        let kv: BTreeMap<String, String> = stdout
            .lines()
            .filter_map(|l| l.split_once('='))
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        if out.status.success() {
            Ok(kv)
        } else {
            let stderr = String::from_utf8_lossy(&out.stderr);
            let detail = kv
                .get("error")
                .cloned()
                .unwrap_or_else(|| devtools::last_lines(&stderr, 20).join("\n"));
            Err(format!("{name} failed with {}: {detail}", out.status))
        }
    }
}

/// A number a binary printed as `key=value`.
fn num(kv: &BTreeMap<String, String>, key: &str) -> Option<f64> {
    kv.get(key).and_then(|v| v.parse().ok())
}

/// A list a binary printed as `key=a,b,c` (see [`crate::list`]).
fn nums(kv: &BTreeMap<String, String>, key: &str) -> Vec<f64> {
    kv.get(key)
        .map(|v| v.split(',').filter_map(|x| x.parse().ok()).collect())
        .unwrap_or_default()
}

/// `{"error": ...}`: what a measurement's place in the results holds when it failed.
fn error_json(error: &str) -> Value {
    json!({ "error": error })
}
