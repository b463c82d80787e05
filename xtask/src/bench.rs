//! `cargo xtask bench [--quick] [--skip-progenitor]`: measures the generator and what it emits,
//! prints a table next to the targets, and writes `target/bench/results.json` (plus the table
//! as `target/bench/results.md`) for comparison over time.
//!
//! The measuring is done by the release-built binaries of the `bench` crate, each run in a
//! fresh process so its peak resident set (`VmHWM`) belongs to that run alone; this module
//! only orchestrates: it builds them, fetches GitHub's document into a cache outside the
//! repository, runs them, takes medians and reports.
//!
//! 1. Generation: `spec/lightly.yaml` and GitHub's REST API document (`@octokit/openapi`).
//! 2. Scaling: growing shares of GitHub's operations with only the components they reach.
//! 3. Compile time of the generated Lightly client, clean and after touching one file, next to
//!    progenitor's output for the same document (each in its own target directory, with its
//!    dependencies built first).
//! 4. Runtime: per-request overhead against a loopback server, and decoding throughput.
//!
//! These are measurements, not tests: nothing fails on a missed target. The machine may be
//! busy with other work, so every figure is a median and its spread is reported with it.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Instant, SystemTime};

const USAGE: &str = "usage: cargo xtask bench [--quick] [--skip-progenitor]";

/// GitHub's REST API description: the npm package and the file inside it.
const GITHUB_PACKAGE: &str = "@octokit/openapi";
const GITHUB_VERSION: &str = "23.0.2";
const GITHUB_FILE: &str = "generated/api.github.com.json";

/// progenitor, the comparison for compile times, installed into the cache.
const PROGENITOR_CRATE: &str = "cargo-progenitor";
const PROGENITOR_VERSION: &str = "0.15.1";
const PROGENITOR_NAME: &str = "lightly-progenitor";

/// Shares of GitHub's operations for the scaling runs.
const SCALING_PERCENTS: [u32; 4] = [10, 25, 50, 100];

/// What the workspace's dev profile sets, repeated in progenitor's scratch workspace so both
/// crates compile with the same settings.
const SCRATCH_WORKSPACE: &str = "
[workspace]

[profile.dev]
debug = \"line-tables-only\"

[profile.dev.package.\"*\"]
debug = false
";

struct Flags {
    quick: bool,
    skip_progenitor: bool,
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
            }
        }
    }
}

/// Entry point of `cargo xtask bench ARGS`.
pub fn run(args: &[String]) -> Result<(), String> {
    let mut flags = Flags {
        quick: false,
        skip_progenitor: false,
    };
    for a in args {
        match a.as_str() {
            "--quick" => flags.quick = true,
            "--skip-progenitor" => flags.skip_progenitor = true,
            _ => return Err(USAGE.to_string()),
        }
    }
    let runs = Runs::new(flags.quick);
    let root = xtask::root();
    let out_dir = root.join("target/bench");
    fs::create_dir_all(&out_dir)
        .map_err(|e| format!("cannot create {}: {e}", out_dir.display()))?;
    let cache = xtask::cache_dir("bench")?;
    fs::create_dir_all(&cache).map_err(|e| format!("cannot create {}: {e}", cache.display()))?;

    let mut report = Report::default();
    let machine = machine(&root);
    eprintln!("{}", machine.line);

    eprintln!("building the bench binaries (cargo build --release -p bench)");
    xtask::run_status(
        Command::new(cargo()).current_dir(&root).args([
            "build",
            "--release",
            "--quiet",
            "-p",
            "bench",
        ]),
        "cargo build --release -p bench",
    )?;
    let bins = Bins {
        dir: root.join("target/release"),
    };

    // 1. Generation.
    eprintln!("[1/4] generation");
    let lightly_spec = root.join("spec/lightly.yaml");
    let github = github_document(&cache);
    let mut json_generation = Vec::new();
    let lightly = generation(&bins, &lightly_spec, "spec/lightly.yaml", runs.lightly);
    report.generation_rows("Lightly (spec/lightly.yaml)", &lightly, 0.05, None);
    json_generation.push(("lightly".to_string(), lightly.to_json()));
    match &github {
        Ok(doc) => {
            let gh = generation(&bins, doc, &github_label(), runs.github);
            report.generation_rows("GitHub (api.github.com.json)", &gh, 2.0, Some(500.0));
            json_generation.push(("github".to_string(), gh.to_json()));
        }
        Err(e) => {
            report.failure("Generation", "GitHub (api.github.com.json)", e);
            json_generation.push(("github".to_string(), J::obj([("error", J::str(e))])));
        }
    }
    report
        .json
        .push(("generation".to_string(), J::Obj(json_generation)));

    // 2. Scaling.
    eprintln!("[2/4] scaling over GitHub's operations");
    let scaling = match &github {
        Ok(doc) => scaling(&bins, doc, &out_dir, runs.scaling, &mut report),
        Err(e) => {
            report.failure("Scaling", "GitHub subsets", e);
            J::obj([("error", J::str(e))])
        }
    };
    report.json.push(("scaling".to_string(), scaling));

    // 4. Runtime (before the compile step, which leaves the most heat behind).
    eprintln!("[3/4] runtime: per-request overhead and decoding");
    let runtime = runtime(&bins, &runs, &mut report);
    report.json.push(("runtime".to_string(), runtime));

    // 3. Compile time.
    eprintln!("[4/4] compile time of the generated Lightly client");
    let compile = compile(&root, &cache, &out_dir, &bins, &runs, &flags, &mut report);
    report.json.push(("compile".to_string(), compile));

    let machine_end = loadavg();
    let mut json = vec![
        ("schema".to_string(), J::Num(1.0)),
        ("unix_time".to_string(), J::Num(unix_time() as f64)),
        ("date".to_string(), J::str(&today())),
        ("git".to_string(), J::str(&machine.git)),
        ("quick".to_string(), J::Bool(flags.quick)),
        ("machine".to_string(), machine.to_json(&machine_end)),
    ];
    json.append(&mut report.json);
    let table = report.table(&machine, &machine_end, flags.quick);
    println!("{table}");
    let json_path = out_dir.join("results.json");
    let mut text = serde_json::to_string_pretty(&J::Obj(json).to_value()).unwrap_or_default();
    text.push('\n');
    fs::write(&json_path, text)
        .map_err(|e| format!("cannot write {}: {e}", json_path.display()))?;
    let md_path = out_dir.join("results.md");
    fs::write(&md_path, &table).map_err(|e| format!("cannot write {}: {e}", md_path.display()))?;
    eprintln!("wrote {} and {}", json_path.display(), md_path.display());
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Generation and scaling.

/// The results of several `bench-gen` runs of one document.
struct Generation {
    spec: String,
    runs: Vec<BTreeMap<String, String>>,
    error: Option<String>,
}

impl Generation {
    fn values(&self, key: &str) -> Vec<f64> {
        self.runs.iter().filter_map(|r| num(r, key)).collect()
    }
    fn time_ms(&self) -> Stat {
        Stat::of(&self.values("generate_ms"))
    }
    fn peak_mb(&self) -> Stat {
        Stat::of(
            &self
                .values("hwm_kib")
                .into_iter()
                .map(kib_to_mb)
                .collect::<Vec<_>>(),
        )
    }
    fn first(&self, key: &str) -> Option<f64> {
        self.runs.first().and_then(|r| num(r, key))
    }
    fn to_json(&self) -> J {
        let mut fields = vec![
            ("spec".to_string(), J::str(&self.spec)),
            ("runs".to_string(), J::Num(self.runs.len() as f64)),
            ("generate_ms".to_string(), self.time_ms().to_json()),
            ("peak_rss_mb".to_string(), self.peak_mb().to_json()),
        ];
        for key in ["input_bytes", "operations", "files", "lines", "warnings"] {
            fields.push((key.to_string(), J::opt(self.first(key))));
        }
        if let Some(e) = &self.error {
            fields.push(("error".to_string(), J::str(e)));
        }
        J::Obj(fields)
    }
}

fn generation(bins: &Bins, spec: &Path, label: &str, runs: usize) -> Generation {
    let mut result = Generation {
        spec: label.to_string(),
        runs: Vec::new(),
        error: None,
    };
    for i in 0..runs {
        eprintln!(
            "  generate {} ({}/{runs})",
            spec.file_name().unwrap_or_default().to_string_lossy(),
            i + 1
        );
        match bins.run("bench-gen", &[spec.as_os_str()]) {
            Ok(kv) => result.runs.push(kv),
            Err(e) => {
                result.error = Some(e);
                break;
            }
        }
    }
    result
}

fn scaling(bins: &Bins, doc: &Path, out_dir: &Path, runs: usize, report: &mut Report) -> J {
    let percents: Vec<String> = SCALING_PERCENTS.iter().map(u32::to_string).collect();
    let mut args: Vec<&std::ffi::OsStr> = vec![doc.as_os_str(), out_dir.as_os_str()];
    args.extend(percents.iter().map(|p| std::ffi::OsStr::new(p.as_str())));
    let subsets = match bins.run("bench-subset", &args) {
        Ok(kv) => kv,
        Err(e) => {
            report.failure("Scaling", "GitHub subsets", &e);
            return J::obj([("error", J::str(&e))]);
        }
    };
    let total = num(&subsets, "total_operations").unwrap_or(0.0);
    let mut rows = Vec::new();
    for p in &percents {
        let key = |k: &str| format!("subset.{p}.{k}");
        let ops = num(&subsets, &key("operations")).unwrap_or(0.0);
        let schemas = num(&subsets, &key("schemas")).unwrap_or(0.0);
        let Some(file) = subsets.get(&key("file")) else {
            continue;
        };
        let g = generation(
            bins,
            Path::new(file),
            &format!("target/bench/subset-{p}.json"),
            runs,
        );
        let time = g.time_ms();
        let label = format!("GitHub {p}%: {ops} operations, {schemas} schemas");
        if let Some(e) = &g.error {
            report.failure("Scaling", &label, e);
        } else {
            let per_op = time.median / ops.max(1.0);
            report.row(
                "Scaling",
                &label,
                format!(
                    "{} ({:.2} ms/operation), peak {}",
                    fmt_ms(time.median),
                    per_op,
                    fmt_mb(g.peak_mb().median)
                ),
                time.spread_ms(),
                None,
            );
        }
        let mut fields = match g.to_json() {
            J::Obj(f) => f,
            _ => Vec::new(),
        };
        fields.insert(0, ("percent".to_string(), J::str(p)));
        fields.insert(1, ("operations".to_string(), J::Num(ops)));
        fields.insert(2, ("schemas".to_string(), J::Num(schemas)));
        fields.push((
            "ms_per_operation".to_string(),
            J::Num(time.median / ops.max(1.0)),
        ));
        rows.push(J::Obj(fields));
    }
    J::Obj(vec![
        ("total_operations".to_string(), J::Num(total)),
        ("subsets".to_string(), J::Arr(rows)),
    ])
}

// ---------------------------------------------------------------------------------------------
// Runtime.

fn runtime(bins: &Bins, runs: &Runs, report: &mut Report) -> J {
    let mut fields = Vec::new();
    eprintln!(
        "  per-request overhead: {} batches of {} requests",
        runs.batches, runs.requests
    );
    let requests = runs.requests.to_string();
    let batches = runs.batches.to_string();
    let http = bins.run(
        "bench-http",
        &[
            "--requests",
            requests.as_str(),
            "--batches",
            batches.as_str(),
        ],
    );
    match http {
        Ok(kv) => {
            let gen = Stat::of(&nums(&kv, "generated_us"));
            let hand = Stat::of(&nums(&kv, "hand_us"));
            let ratio = gen.median / hand.median;
            report.row(
                "Runtime",
                "get_tag_by_tag_id, generated client (per request)",
                format!("{:.1} µs", gen.median),
                gen.spread_us(),
                None,
            );
            report.row(
                "Runtime",
                "same request by hand: reqwest + serde_json (per request)",
                format!("{:.1} µs", hand.median),
                hand.spread_us(),
                None,
            );
            report.row(
                "Runtime",
                "per-request overhead, generated / by hand",
                format!("{ratio:.3}×"),
                String::new(),
                Some(Target::at_most(ratio, 1.05, "≤ 1.05×")),
            );
            fields.push((
                "per_request".to_string(),
                J::Obj(vec![
                    (
                        "requests_per_batch".to_string(),
                        J::Num(runs.requests as f64),
                    ),
                    ("generated_us".to_string(), gen.to_json()),
                    ("hand_us".to_string(), hand.to_json()),
                    ("ratio".to_string(), J::Num(ratio)),
                ]),
            ));
        }
        Err(e) => {
            report.failure("Runtime", "per-request overhead", &e);
            fields.push(("per_request".to_string(), J::obj([("error", J::str(&e))])));
        }
    }

    // One process per mode and round, the modes taking turns, so drift in the machine's load
    // reaches all three; the times of every round are pooled.
    let iters = runs.decode_iters.to_string();
    let modes = ["generated", "reqwest", "slice"];
    let mut decode: BTreeMap<&str, Decode> = BTreeMap::new();
    let mut failed: BTreeMap<&str, String> = BTreeMap::new();
    for round in 0..runs.decode_rounds {
        for mode in modes {
            if failed.contains_key(mode) {
                continue;
            }
            eprintln!(
                "  decode 100,000 SampleData: {mode} ({}/{})",
                round + 1,
                runs.decode_rounds
            );
            match bins.run("bench-decode", &[mode, "--iters", iters.as_str()]) {
                Ok(kv) => decode.entry(mode).or_default().add(&kv),
                Err(e) => {
                    report.failure("Runtime", &format!("decode ({mode})"), &e);
                    failed.insert(mode, e);
                }
            }
        }
    }
    let mut decode_json = Vec::new();
    let labels = [
        ("generated", "get_samples_by_dataset_id over loopback"),
        ("reqwest", "reqwest + from_slice over loopback"),
        ("slice", "serde_json::from_slice, bytes in memory"),
    ];
    for (mode, how) in labels {
        if let Some(e) = failed.get(mode) {
            decode_json.push((mode.to_string(), J::obj([("error", J::str(e))])));
            continue;
        }
        let Some(d) = decode.get(mode) else { continue };
        let label = format!(
            "decode 100k SampleData ({:.1} MB): {how}",
            d.body_bytes / 1e6
        );
        let times = Stat::of(&d.times_ms);
        let before = Stat::of(&d.before_mb).median;
        let peak = Stat::of(&d.peak_mb).median;
        report.row(
            "Runtime",
            &label,
            format!(
                "{:.0} MB/s ({}), peak RSS {} (+{} over the held body)",
                d.mb_per_s(),
                fmt_ms(times.median),
                fmt_mb(peak),
                fmt_mb(peak - before)
            ),
            times.spread_ms(),
            None,
        );
        decode_json.push((mode.to_string(), d.to_json()));
    }
    let mbs = |mode: &str| {
        decode
            .get(mode)
            .filter(|_| !failed.contains_key(mode))
            .map(Decode::mb_per_s)
    };
    if let (Some(gen), Some(slice)) = (mbs("generated"), mbs("slice")) {
        let ratio = gen / slice;
        report.row(
            "Runtime",
            "decode throughput, generated / direct serde_json::from_slice",
            format!("{ratio:.3}×"),
            String::new(),
            Some(Target::at_least(ratio, 0.9, "≥ 0.9×")),
        );
        decode_json.push(("ratio_generated_over_slice".to_string(), J::Num(ratio)));
    }
    if let (Some(gen), Some(hand)) = (mbs("generated"), mbs("reqwest")) {
        let ratio = gen / hand;
        report.row(
            "Runtime",
            "decode throughput, generated / reqwest + from_slice (same transport)",
            format!("{ratio:.3}×"),
            String::new(),
            None,
        );
        decode_json.push(("ratio_generated_over_reqwest".to_string(), J::Num(ratio)));
    }
    fields.push(("decode".to_string(), J::Obj(decode_json)));
    fields.push(("pattern".to_string(), pattern_checks(bins, report)));
    J::Obj(fields)
}

/// `bench-pattern`: the cost of a `pattern` check on long adversarial values, per character,
/// and how it grows from 100,000 to 1,000,000 characters (1.0 is linear).
fn pattern_checks(bins: &Bins, report: &mut Report) -> J {
    eprintln!("  pattern checks on 100,000-character adversarial values");
    let kv = match bins.run("bench-pattern", &[] as &[&str]) {
        Ok(kv) => kv,
        Err(e) => {
            report.failure("Runtime", "pattern checks", &e);
            return J::obj([("error", J::str(&e))]);
        }
    };
    let mut json = Vec::new();
    for (key, value) in &kv {
        let Some(case) = key.strip_suffix("_ns_per_char") else {
            continue;
        };
        let Ok(ns) = value.parse::<f64>() else {
            continue;
        };
        let growth = num(&kv, &format!("{case}_growth"));
        report.row(
            "Runtime",
            &format!("pattern check, 100,000-char adversarial value: {case}"),
            match growth {
                Some(g) => format!("{ns:.1} ns/char (×{g:.2} per char at 10× the length)"),
                None => format!("{ns:.1} ns/char"),
            },
            String::new(),
            None,
        );
        json.push((
            case.to_string(),
            J::obj([("ns_per_char", J::Num(ns)), ("growth", J::opt(growth))]),
        ));
    }
    J::Obj(json)
}

/// The pooled `bench-decode` results of one mode.
#[derive(Default)]
struct Decode {
    body_bytes: f64,
    times_ms: Vec<f64>,
    before_mb: Vec<f64>,
    peak_mb: Vec<f64>,
}

impl Decode {
    fn add(&mut self, kv: &BTreeMap<String, String>) {
        self.body_bytes = num(kv, "body_bytes").unwrap_or(0.0);
        self.times_ms.extend(nums(kv, "times_ms"));
        self.before_mb
            .extend(num(kv, "hwm_before_kib").map(kib_to_mb));
        self.peak_mb.extend(num(kv, "hwm_kib").map(kib_to_mb));
    }
    /// Megabytes (10^6 bytes) per second at the median time.
    fn mb_per_s(&self) -> f64 {
        self.body_bytes / 1e6 / (Stat::of(&self.times_ms).median / 1e3)
    }
    fn to_json(&self) -> J {
        J::Obj(vec![
            ("body_bytes".to_string(), J::Num(self.body_bytes)),
            ("time_ms".to_string(), Stat::of(&self.times_ms).to_json()),
            ("mb_per_s".to_string(), J::Num(self.mb_per_s())),
            (
                "rss_before_mb".to_string(),
                Stat::of(&self.before_mb).to_json(),
            ),
            ("peak_rss_mb".to_string(), Stat::of(&self.peak_mb).to_json()),
        ])
    }
}

// ---------------------------------------------------------------------------------------------
// Compile time.

/// Clean-build and rebuild times of one crate, and its size.
struct Compiled {
    build: Stat,
    rebuild: Stat,
    lines: usize,
}

impl Compiled {
    fn to_json(&self) -> J {
        J::Obj(vec![
            ("clean_build_s".to_string(), self.build.to_json()),
            ("rebuild_s".to_string(), self.rebuild.to_json()),
            ("lines".to_string(), J::Num(self.lines as f64)),
        ])
    }
}

/// How to build one crate: `cargo ARGS` from `dir` with its own target directory.
struct CrateBuild<'a> {
    dir: &'a Path,
    target_dir: PathBuf,
    /// `-p NAME` or `--manifest-path PATH` arguments.
    select: Vec<String>,
    package: &'a str,
    /// The file whose modification time is bumped for the rebuild.
    touch: PathBuf,
    src: PathBuf,
}

impl CrateBuild<'_> {
    fn cargo(&self, verb: &str, extra: &[&str]) -> Command {
        let mut cmd = Command::new(cargo());
        cmd.current_dir(self.dir)
            .arg(verb)
            .args(&self.select)
            .args(extra)
            .env("CARGO_TARGET_DIR", &self.target_dir);
        cmd
    }

    fn measure(&self, runs: usize) -> Result<Compiled, String> {
        eprintln!("  {}: building dependencies", self.package);
        run_quiet(&mut self.cargo("build", &[]), "cargo build (dependencies)")?;
        let mut build = Vec::new();
        for i in 0..runs {
            eprintln!("  {}: clean build ({}/{runs})", self.package, i + 1);
            run_quiet(
                &mut self.cargo("clean", &["-p", self.package]),
                "cargo clean -p",
            )?;
            let start = Instant::now();
            run_quiet(&mut self.cargo("build", &[]), "cargo build")?;
            build.push(start.elapsed().as_secs_f64());
        }
        let original = fs::metadata(&self.touch)
            .and_then(|m| m.modified())
            .map_err(|e| format!("cannot read {}: {e}", self.touch.display()))?;
        let mut rebuild = Vec::new();
        let mut last_set = None;
        let result = (|| {
            for i in 0..runs {
                eprintln!(
                    "  {}: rebuild after touching {} ({}/{runs})",
                    self.package,
                    self.touch.file_name().unwrap_or_default().to_string_lossy(),
                    i + 1
                );
                let now = SystemTime::now();
                set_mtime(&self.touch, now)?;
                last_set = Some(now);
                let start = Instant::now();
                run_quiet(&mut self.cargo("build", &[]), "cargo build (rebuild)")?;
                rebuild.push(start.elapsed().as_secs_f64());
            }
            Ok::<(), String>(())
        })();
        // Put the old time back so other target directories do not rebuild for nothing, but
        // only if nobody wrote the file meanwhile (a newer time must not be hidden from cargo).
        let current = fs::metadata(&self.touch).and_then(|m| m.modified()).ok();
        if last_set.is_some() && current == last_set {
            let _ = set_mtime(&self.touch, original);
        }
        result?;
        Ok(Compiled {
            build: Stat::of(&build),
            rebuild: Stat::of(&rebuild),
            lines: rust_lines(&self.src),
        })
    }
}

#[allow(clippy::too_many_arguments)]
fn compile(
    root: &Path,
    cache: &Path,
    out_dir: &Path,
    bins: &Bins,
    runs: &Runs,
    flags: &Flags,
    report: &mut Report,
) -> J {
    let mut fields = Vec::new();
    let ours = CrateBuild {
        dir: root,
        target_dir: out_dir.join("target-lightly-client"),
        select: vec!["-p".to_string(), "lightly-client".to_string()],
        package: "lightly-client",
        touch: root.join("generated-client/src/models.rs"),
        src: root.join("generated-client/src"),
    }
    .measure(runs.compile);
    match &ours {
        Ok(c) => {
            report.row(
                "Compile",
                "lightly-client (ours): clean build of the crate, deps built",
                format!("{:.2} s", c.build.median),
                c.build.spread_s(),
                None,
            );
            report.row(
                "Compile",
                "lightly-client (ours): rebuild after touching src/models.rs",
                format!("{:.2} s", c.rebuild.median),
                c.rebuild.spread_s(),
                None,
            );
            report.row(
                "Compile",
                "lightly-client (ours): lines of generated Rust",
                c.lines.to_string(),
                String::new(),
                None,
            );
            fields.push(("ours".to_string(), c.to_json()));
        }
        Err(e) => {
            report.failure("Compile", "lightly-client (ours)", e);
            fields.push(("ours".to_string(), J::obj([("error", J::str(e))])));
        }
    }
    if flags.skip_progenitor {
        report.row(
            "Compile",
            "progenitor",
            "skipped (--skip-progenitor)".to_string(),
            String::new(),
            None,
        );
        fields.push((
            "progenitor".to_string(),
            J::obj([("skipped", J::Bool(true))]),
        ));
        return J::Obj(fields);
    }
    let theirs = progenitor(root, cache, out_dir, bins, runs.compile);
    match (&ours, &theirs) {
        (_, Err(e)) => {
            report.failure("Compile", &format!("progenitor {PROGENITOR_VERSION}"), e);
            fields.push((
                "progenitor".to_string(),
                J::obj([
                    ("version", J::str(PROGENITOR_VERSION)),
                    ("error", J::str(e)),
                ]),
            ));
        }
        (ours, Ok(p)) => {
            report.row(
                "Compile",
                &format!("progenitor {PROGENITOR_VERSION} (builder interface): clean build"),
                format!("{:.2} s", p.build.median),
                p.build.spread_s(),
                None,
            );
            report.row(
                "Compile",
                "progenitor: rebuild after touching src/lib.rs",
                format!("{:.2} s", p.rebuild.median),
                p.rebuild.spread_s(),
                None,
            );
            report.row(
                "Compile",
                "progenitor: lines of generated Rust",
                p.lines.to_string(),
                String::new(),
                None,
            );
            let mut pj = match p.to_json() {
                J::Obj(f) => f,
                _ => Vec::new(),
            };
            pj.insert(0, ("version".to_string(), J::str(PROGENITOR_VERSION)));
            pj.insert(1, ("interface".to_string(), J::str("builder")));
            fields.push(("progenitor".to_string(), J::Obj(pj)));
            if let Ok(o) = ours {
                let build = o.build.median / p.build.median;
                let rebuild = o.rebuild.median / p.rebuild.median;
                report.row(
                    "Compile",
                    "clean build, ours / progenitor",
                    format!("{build:.2}×"),
                    String::new(),
                    Some(Target::at_most(build, 1.0, "≤ 1.0×")),
                );
                report.row(
                    "Compile",
                    "rebuild, ours / progenitor",
                    format!("{rebuild:.2}×"),
                    String::new(),
                    Some(Target::at_most(rebuild, 1.0, "≤ 1.0×")),
                );
                fields.push((
                    "ratio".to_string(),
                    J::Obj(vec![
                        ("clean_build".to_string(), J::Num(build)),
                        ("rebuild".to_string(), J::Num(rebuild)),
                    ]),
                ));
            }
        }
    }
    J::Obj(fields)
}

/// Installs progenitor if needed, generates its client for `spec/lightly.yaml` and measures it.
fn progenitor(
    root: &Path,
    cache: &Path,
    out_dir: &Path,
    bins: &Bins,
    runs: usize,
) -> Result<Compiled, String> {
    let install_root = cache.join("cargo-root");
    let exe = install_root.join("bin/cargo-progenitor");
    if !exe.exists() {
        eprintln!(
            "  installing {PROGENITOR_CRATE} {PROGENITOR_VERSION} into {} (several minutes, once)",
            install_root.display()
        );
        run_quiet(
            Command::new(cargo())
                .args([
                    "install",
                    PROGENITOR_CRATE,
                    "--version",
                    PROGENITOR_VERSION,
                    "--locked",
                    "--root",
                ])
                .arg(&install_root),
            "cargo install cargo-progenitor",
        )?;
    }
    let crate_dir = out_dir.join("progenitor-lightly");
    let generate = |input: &Path| -> Result<(), String> {
        let _ = fs::remove_dir_all(&crate_dir);
        let out = Command::new(&exe)
            .arg("progenitor")
            .arg("-i")
            .arg(input)
            .arg("-o")
            .arg(&crate_dir)
            .args([
                "-n",
                PROGENITOR_NAME,
                "-v",
                "0.1.0",
                "--interface",
                "builder",
            ])
            .output()
            .map_err(|e| format!("cannot run {}: {e}", exe.display()))?;
        if out.status.success() && crate_dir.join("Cargo.toml").exists() {
            Ok(())
        } else {
            Err(format!(
                "progenitor failed on {} with {}:\n{}{}",
                input.display(),
                out.status,
                String::from_utf8_lossy(&out.stderr),
                String::from_utf8_lossy(&out.stdout)
            ))
        }
    };
    eprintln!("  progenitor: generating from spec/lightly.yaml");
    if let Err(yaml_error) = generate(&root.join("spec/lightly.yaml")) {
        // progenitor 0.15 reads YAML; older versions wanted JSON. Try that before giving up.
        let json = out_dir.join("lightly.json");
        bins.run(
            "bench-tojson",
            &[root.join("spec/lightly.yaml").as_os_str(), json.as_os_str()],
        )?;
        generate(&json).map_err(|json_error| format!("{yaml_error}\n{json_error}"))?;
    }
    // Its own workspace (the directory is inside ours), with our dev profile settings.
    let manifest = crate_dir.join("Cargo.toml");
    let mut text = fs::read_to_string(&manifest).map_err(|e| e.to_string())?;
    if !text.contains("[workspace]") {
        text.push_str(SCRATCH_WORKSPACE);
        fs::write(&manifest, text).map_err(|e| e.to_string())?;
    }
    CrateBuild {
        dir: &crate_dir,
        target_dir: out_dir.join("target-progenitor"),
        select: Vec::new(),
        package: PROGENITOR_NAME,
        touch: crate_dir.join("src/lib.rs"),
        src: crate_dir.join("src"),
    }
    .measure(runs)
    .map_err(|e| format!("progenitor's output does not build: {e}"))
}

fn set_mtime(path: &Path, time: SystemTime) -> Result<(), String> {
    fs::File::options()
        .write(true)
        .open(path)
        .and_then(|f| f.set_modified(time))
        .map_err(|e| format!("cannot touch {}: {e}", path.display()))
}

/// Lines in the `.rs` files under `dir`.
fn rust_lines(dir: &Path) -> usize {
    let Ok(entries) = fs::read_dir(dir) else {
        return 0;
    };
    let mut total = 0;
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            total += rust_lines(&path);
        } else if path.extension().is_some_and(|e| e == "rs") {
            total += fs::read_to_string(&path)
                .map(|t| t.lines().count())
                .unwrap_or(0);
        }
    }
    total
}

// ---------------------------------------------------------------------------------------------
// Fetching GitHub's document.

/// How the report names GitHub's document.
fn github_label() -> String {
    format!("{GITHUB_PACKAGE}@{GITHUB_VERSION}:{GITHUB_FILE}")
}

/// GitHub's document, from the cache or downloaded with `npm pack` into it.
fn github_document(cache: &Path) -> Result<PathBuf, String> {
    let dir = xtask::fetch_npm_package(cache, GITHUB_PACKAGE, GITHUB_VERSION)?;
    let doc = dir.join(GITHUB_FILE);
    if doc.exists() {
        Ok(doc)
    } else {
        Err(format!(
            "{GITHUB_PACKAGE}@{GITHUB_VERSION} has no {GITHUB_FILE}"
        ))
    }
}

// ---------------------------------------------------------------------------------------------
// Running things.

fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string())
}

/// The release-built measurement binaries.
struct Bins {
    dir: PathBuf,
}

impl Bins {
    /// Runs a binary and parses its `key=value` lines; on failure, says why with its stderr.
    fn run<S: AsRef<std::ffi::OsStr>>(
        &self,
        name: &str,
        args: &[S],
    ) -> Result<BTreeMap<String, String>, String> {
        let exe = self.dir.join(name);
        let out = Command::new(&exe)
            .args(args)
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
                .unwrap_or_else(|| tail(&stderr, 20));
            Err(format!("{name} failed with {}: {detail}", out.status))
        }
    }
}

/// Runs a command with its output captured; on failure returns the end of its stderr.
fn run_quiet(cmd: &mut Command, what: &str) -> Result<(), String> {
    let out = cmd
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("{what}: cannot start: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{what}: failed with {}:\n{}",
            out.status,
            tail(&String::from_utf8_lossy(&out.stderr), 40)
        ))
    }
}

fn tail(text: &str, lines: usize) -> String {
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

fn num(kv: &BTreeMap<String, String>, key: &str) -> Option<f64> {
    kv.get(key).and_then(|v| v.parse().ok())
}

fn nums(kv: &BTreeMap<String, String>, key: &str) -> Vec<f64> {
    kv.get(key)
        .map(|v| v.split(',').filter_map(|x| x.parse().ok()).collect())
        .unwrap_or_default()
}

// ---------------------------------------------------------------------------------------------
// Statistics, the machine, the report.

/// Median and range of a set of measurements.
#[derive(Clone, Copy)]
struct Stat {
    median: f64,
    min: f64,
    max: f64,
    n: usize,
}

impl Stat {
    fn of(values: &[f64]) -> Stat {
        let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
        v.sort_by(f64::total_cmp);
        let n = v.len();
        let median = match n {
            0 => f64::NAN,
            _ if n % 2 == 1 => v[n / 2],
            _ => (v[n / 2 - 1] + v[n / 2]) / 2.0,
        };
        Stat {
            median,
            min: v.first().copied().unwrap_or(f64::NAN),
            max: v.last().copied().unwrap_or(f64::NAN),
            n,
        }
    }
    fn spread(&self, unit: impl Fn(f64) -> String) -> String {
        if self.n <= 1 {
            format!("n={}", self.n)
        } else {
            format!("{}–{}, n={}", unit(self.min), unit(self.max), self.n)
        }
    }
    fn spread_ms(&self) -> String {
        self.spread(fmt_ms)
    }
    fn spread_s(&self) -> String {
        self.spread(|s| format!("{s:.2} s"))
    }
    fn spread_us(&self) -> String {
        self.spread(|us| format!("{us:.1} µs"))
    }
    fn to_json(self) -> J {
        J::Obj(vec![
            ("median".to_string(), J::Num(self.median)),
            ("min".to_string(), J::Num(self.min)),
            ("max".to_string(), J::Num(self.max)),
            ("n".to_string(), J::Num(self.n as f64)),
        ])
    }
}

fn fmt_ms(ms: f64) -> String {
    if ms >= 1000.0 {
        format!("{:.2} s", ms / 1000.0)
    } else {
        format!("{ms:.1} ms")
    }
}

/// Megabytes (10^6 bytes), the unit of the targets, from the KiB that `/proc` reports.
fn kib_to_mb(kib: f64) -> f64 {
    kib * 1024.0 / 1e6
}

fn fmt_mb(mb: f64) -> String {
    format!("{mb:.0} MB")
}

struct Machine {
    cpus: usize,
    model: String,
    mem_gib: f64,
    rustc: String,
    git: String,
    load_start: String,
    line: String,
}

impl Machine {
    fn to_json(&self, load_end: &str) -> J {
        J::Obj(vec![
            ("cpus".to_string(), J::Num(self.cpus as f64)),
            ("model".to_string(), J::str(&self.model)),
            ("memory_gib".to_string(), J::Num(self.mem_gib)),
            ("rustc".to_string(), J::str(&self.rustc)),
            ("loadavg_start".to_string(), J::str(&self.load_start)),
            ("loadavg_end".to_string(), J::str(load_end)),
        ])
    }
}

fn machine(root: &Path) -> Machine {
    let cpus = std::thread::available_parallelism()
        .map(usize::from)
        .unwrap_or(1);
    let cpuinfo = fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find_map(|l| l.strip_prefix("model name"))
        .and_then(|l| l.split_once(':'))
        .map(|(_, m)| m.split_whitespace().collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|| "unknown CPU".to_string());
    let meminfo = fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let mem_kib: f64 = meminfo
        .lines()
        .find_map(|l| l.strip_prefix("MemTotal:"))
        .and_then(|l| l.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0.0);
    let capture = |cmd: &mut Command| {
        cmd.output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
            .unwrap_or_default()
    };
    let rustc = capture(Command::new("rustc").arg("--version"));
    let mut git =
        capture(
            Command::new("git")
                .current_dir(root)
                .args(["rev-parse", "--short", "HEAD"]),
        );
    let dirty = capture(Command::new("git").current_dir(root).args([
        "status",
        "--porcelain",
        "--untracked-files=no",
    ]));
    if !dirty.is_empty() {
        git.push_str(" (with uncommitted changes)");
    }
    let load_start = loadavg();
    let mem_gib = mem_kib / 1024.0 / 1024.0;
    let line = format!(
        "machine: {cpus} CPUs ({model}), {mem_gib:.1} GiB RAM, {rustc}, load average at start {load_start}"
    );
    Machine {
        cpus,
        model,
        mem_gib,
        rustc,
        git,
        load_start,
        line,
    }
}

/// The 1, 5 and 15 minute load averages.
fn loadavg() -> String {
    fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}

fn unix_time() -> u64 {
    SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// Today's UTC date as YYYY-MM-DD (civil-from-days, proleptic Gregorian).
fn today() -> String {
    let z = (unix_time() / 86_400) as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

/// Whether a measurement meets its target.
struct Target {
    text: String,
    met: bool,
}

impl Target {
    fn at_most(value: f64, limit: f64, text: &str) -> Target {
        Target {
            text: text.to_string(),
            met: value <= limit,
        }
    }
    fn at_least(value: f64, limit: f64, text: &str) -> Target {
        Target {
            text: text.to_string(),
            met: value >= limit,
        }
    }
}

struct Row {
    section: &'static str,
    what: String,
    value: String,
    spread: String,
    target: Option<Target>,
}

#[derive(Default)]
struct Report {
    rows: Vec<Row>,
    json: Vec<(String, J)>,
}

impl Report {
    fn row(
        &mut self,
        section: &'static str,
        what: &str,
        value: String,
        spread: String,
        target: Option<Target>,
    ) {
        self.rows.push(Row {
            section,
            what: what.to_string(),
            value,
            spread,
            target,
        });
    }

    fn failure(&mut self, section: &'static str, what: &str, error: &str) {
        let first = error.lines().next().unwrap_or(error);
        eprintln!("{section}: {what}: {error}");
        self.row(
            section,
            what,
            format!("FAILED: {first}"),
            String::new(),
            None,
        );
    }

    fn generation_rows(
        &mut self,
        label: &str,
        g: &Generation,
        max_seconds: f64,
        max_mb: Option<f64>,
    ) {
        if let Some(e) = &g.error {
            self.failure("Generation", label, e);
            return;
        }
        let time = g.time_ms();
        let peak = g.peak_mb();
        let size = match (g.first("operations"), g.first("lines")) {
            (Some(ops), Some(lines)) => format!(" ({ops} operations, {lines} lines out)"),
            (None, Some(lines)) => format!(" ({lines} lines out)"),
            _ => String::new(),
        };
        let limit = if max_seconds < 1.0 {
            format!("< {:.0} ms", max_seconds * 1000.0)
        } else {
            format!("< {max_seconds:.0} s")
        };
        self.row(
            "Generation",
            &format!("{label}{size}: time"),
            fmt_ms(time.median),
            time.spread_ms(),
            Some(Target::at_most(time.median, max_seconds * 1000.0, &limit)),
        );
        self.row(
            "Generation",
            &format!("{label}: peak RSS"),
            fmt_mb(peak.median),
            peak.spread(fmt_mb),
            max_mb.map(|m| Target::at_most(peak.median, m, &format!("< {m:.0} MB"))),
        );
    }

    fn table(&self, machine: &Machine, load_end: &str, quick: bool) -> String {
        let mut t = String::new();
        let _ = writeln!(
            t,
            "Measured {} on {} CPUs ({}), {:.1} GiB RAM; {}; commit {}; load average {} at start, {} at end{}.\n",
            today(),
            machine.cpus,
            machine.model,
            machine.mem_gib,
            machine.rustc,
            machine.git,
            machine.load_start,
            load_end,
            if quick { "; --quick (fewer runs)" } else { "" }
        );
        let _ = writeln!(t, "| | Benchmark | Median | Range | Target |");
        let _ = writeln!(t, "|---|---|---|---|---|");
        for r in &self.rows {
            let target = match &r.target {
                Some(tg) if tg.met => format!("{} ✅ met", tg.text),
                Some(tg) => format!("{} ❌ missed", tg.text),
                None => String::new(),
            };
            let _ = writeln!(
                t,
                "| {} | {} | {} | {} | {} |",
                r.section,
                r.what.replace('|', "\\|"),
                r.value.replace('|', "\\|"),
                r.spread,
                target
            );
        }
        t
    }
}

/// Just enough JSON to write the results without a dependency.
enum J {
    Bool(bool),
    Num(f64),
    Str(String),
    Arr(Vec<J>),
    Obj(Vec<(String, J)>),
    Null,
}

impl J {
    fn str(s: &str) -> J {
        J::Str(s.to_string())
    }
    fn opt(v: Option<f64>) -> J {
        v.map(J::Num).unwrap_or(J::Null)
    }
    fn obj<const N: usize>(fields: [(&str, J); N]) -> J {
        J::Obj(
            fields
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect(),
        )
    }

    /// As JSON (non-finite numbers become `null`).
    fn to_value(&self) -> serde_json::Value {
        use serde_json::Value;
        match self {
            J::Null => Value::Null,
            J::Bool(b) => Value::Bool(*b),
            J::Num(n) if n.fract() == 0.0 && n.abs() < 1e15 => Value::from(*n as i64),
            J::Num(n) => Value::from(*n),
            J::Str(s) => Value::String(s.clone()),
            J::Arr(items) => Value::Array(items.iter().map(J::to_value).collect()),
            J::Obj(fields) => Value::Object(
                fields
                    .iter()
                    .map(|(k, v)| (k.clone(), v.to_value()))
                    .collect(),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_and_range() {
        let s = Stat::of(&[3.0, 1.0, 2.0, 10.0]);
        assert_eq!((s.median, s.min, s.max, s.n), (2.5, 1.0, 10.0, 4));
        assert!(Stat::of(&[]).median.is_nan());
    }

    #[test]
    fn json_is_escaped_and_numbers_are_plain() {
        let v = J::obj([
            ("a\"b", J::Num(3.0)),
            ("c", J::Num(0.25)),
            ("d", J::Num(f64::NAN)),
            ("e", J::Arr(vec![J::str("x\ny")])),
        ])
        .to_value();
        assert_eq!(
            serde_json::to_string(&v).unwrap(),
            r#"{"a\"b":3,"c":0.25,"d":null,"e":["x\ny"]}"#
        );
    }
}
