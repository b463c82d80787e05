//! Compiling GitHub's client: `cargo check`, `cargo build` (dev profile) and the build of one
//! tag's feature alone, each timed with the compiler's peak resident set, in a target
//! directory of its own with the dependencies built first.
//!
//! The crate is written by `bench-gen` into `target/bench/github-client`. Its dependencies
//! are built once for each of the three commands with an empty `src/lib.rs` in place, so the
//! measured runs compile the crate alone. Before each measured run `src/lib.rs` is touched,
//! and with `CARGO_INCREMENTAL=0` that recompiles the whole crate. Each run goes through
//! `bench-peak`, a fresh process, so its `getrusage(RUSAGE_CHILDREN)` peak is that run's
//! largest process: rustc.

use super::compile::{rust_lines, set_mtime};
use super::report::{fmt_mb, kib_to_mb, number, Report, Stat, Target};
use super::{num, Bins};
use serde_json::{json, Map, Value};
use std::ffi::{OsStr, OsString};
use std::fs;
use std::path::Path;
use std::time::SystemTime;

/// The package name of the generated crate.
const CRATE: &str = "github-client";
/// The tag whose feature alone the one-tag build turns on.
const ONE_TAG: &str = "repos";
/// The section of the table.
const SECTION: &str = "Compile (GitHub)";

/// Targets: `cargo check` time and peak, `cargo build` against the check, one tag's build.
const MAX_CHECK_S: f64 = 60.0;
const MAX_CHECK_PEAK_MB: f64 = 2000.0;
const MAX_BUILD_OVER_CHECK: f64 = 2.0;
const MAX_ONE_TAG_S: f64 = 20.0;

/// One of the measured commands.
struct Kind {
    /// The key in `results.json`.
    key: &'static str,
    /// How the table names it.
    label: String,
    /// `cargo` arguments after the manifest path.
    args: Vec<&'static str>,
}

fn kinds() -> [Kind; 3] {
    [
        Kind {
            key: "check",
            label: "cargo check".to_string(),
            args: vec!["check"],
        },
        Kind {
            key: "build",
            label: "cargo build (debug)".to_string(),
            args: vec!["build"],
        },
        Kind {
            key: "one_tag",
            label: format!("cargo build --no-default-features --features {ONE_TAG} (debug)"),
            args: vec!["build", "--no-default-features", "--features", ONE_TAG],
        },
    ]
}

/// The times (seconds) and compiler peaks (MB) of one command's runs.
#[derive(Default)]
struct Measured {
    seconds: Vec<f64>,
    peak_mb: Vec<f64>,
}

/// Generates GitHub's client, builds its dependencies, and measures the three commands.
pub(super) fn github(
    root: &Path,
    out_dir: &Path,
    bins: &Bins,
    doc: &Result<std::path::PathBuf, String>,
    runs: usize,
    report: &mut Report,
) -> Value {
    let doc = match doc {
        Ok(doc) => doc,
        Err(e) => return report.failure(SECTION, "GitHub's document", e),
    };
    match measure(root, out_dir, bins, doc, runs) {
        Ok((measured, lines)) => rows(&measured, lines, runs, report),
        Err(e) => report.failure(SECTION, CRATE, &e),
    }
}

fn measure(
    root: &Path,
    out_dir: &Path,
    bins: &Bins,
    doc: &Path,
    runs: usize,
) -> Result<(Vec<Measured>, usize), String> {
    let crate_dir = out_dir.join(CRATE);
    let target_dir = out_dir.join("target-github");
    // Written afresh each time: `src/lib.rs` is swapped below, and the write would refuse a
    // file that is not as the generator left it.
    if crate_dir.exists() {
        fs::remove_dir_all(&crate_dir)
            .map_err(|e| format!("cannot remove {}: {e}", crate_dir.display()))?;
    }
    eprintln!("  generating {CRATE} into {}", crate_dir.display());
    bins.run(
        "bench-gen",
        &[doc.as_os_str(), crate_dir.as_os_str(), OsStr::new(CRATE)],
    )?;
    // The workspace's lock file pins the versions the workspace builds with (cargo drops
    // what the crate does not use).
    let _ = fs::copy(root.join("Cargo.lock"), crate_dir.join("Cargo.lock"));
    let manifest = crate_dir.join("Cargo.toml");
    let lib = crate_dir.join("src/lib.rs");
    let lines = rust_lines(&crate_dir.join("src"));
    let cargo = devtools::cargo().get_program().to_os_string();
    let env: [(&str, &OsStr); 2] = [
        ("CARGO_TARGET_DIR", target_dir.as_os_str()),
        ("CARGO_INCREMENTAL", OsStr::new("0")),
    ];
    let command = |kind: &Kind| -> Vec<OsString> {
        let mut args = vec![
            cargo.clone(),
            OsString::from(kind.args[0]),
            OsString::from("--manifest-path"),
            manifest.clone().into_os_string(),
        ];
        args.extend(kind.args[1..].iter().map(OsString::from));
        args
    };
    let kinds = kinds();

    // Dependencies, for every command's feature set, with an empty crate in their place.
    let text =
        fs::read_to_string(&lib).map_err(|e| format!("cannot read {}: {e}", lib.display()))?;
    fs::write(&lib, "").map_err(|e| format!("cannot write {}: {e}", lib.display()))?;
    let deps = kinds.iter().try_for_each(|kind| {
        eprintln!("  {CRATE}: building dependencies ({})", kind.label);
        bins.run_with_env("bench-peak", &command(kind), &env)
            .map(drop)
    });
    fs::write(&lib, &text).map_err(|e| format!("cannot write {}: {e}", lib.display()))?;
    deps?;

    let mut measured: Vec<Measured> = kinds.iter().map(|_| Measured::default()).collect();
    // Interleaved, so that a change in the machine's load falls on every command alike.
    for i in 0..runs {
        for (kind, m) in kinds.iter().zip(measured.iter_mut()) {
            eprintln!(
                "  {CRATE}: {} after touching src/lib.rs ({}/{runs})",
                kind.label,
                i + 1
            );
            set_mtime(&lib, SystemTime::now())?;
            let kv = bins.run_with_env("bench-peak", &command(kind), &env)?;
            let seconds = num(&kv, "wall_ms").map_or(f64::NAN, |ms| ms / 1000.0);
            let peak = num(&kv, "maxrss_kib").map_or(f64::NAN, kib_to_mb);
            m.seconds.push(seconds);
            m.peak_mb.push(peak);
        }
    }
    Ok((measured, lines))
}

/// The table rows and the JSON of the measurements.
fn rows(measured: &[Measured], lines: usize, runs: usize, report: &mut Report) -> Value {
    let kinds = kinds();
    let stats: Vec<(Stat, Stat)> = measured
        .iter()
        .map(|m| (Stat::of(&m.seconds), Stat::of(&m.peak_mb)))
        .collect();
    let check_median = stats[0].0.median;
    let seconds = |x: f64| format!("{x:.1} s");
    let mut json = Map::new();
    json.insert("crate".to_string(), json!(CRATE));
    json.insert("runs".to_string(), json!(runs));
    json.insert("incremental".to_string(), json!(false));
    json.insert(
        "before_each_run".to_string(),
        json!("src/lib.rs touched (dependencies built)"),
    );
    json.insert("lines".to_string(), json!(lines));
    for (kind, (time, peak)) in kinds.iter().zip(&stats) {
        let (time_target, value) = match kind.key {
            "check" => (
                Some(Target::at_most(time.median, MAX_CHECK_S, "≤ 60 s")),
                seconds(time.median),
            ),
            "build" => {
                let ratio = time.median / check_median;
                let target = Target::at_most(ratio, MAX_BUILD_OVER_CHECK, "≤ 2× check");
                (
                    Some(target),
                    format!("{} ({ratio:.2}× check)", seconds(time.median)),
                )
            }
            _ => (
                Some(Target::at_most(time.median, MAX_ONE_TAG_S, "≤ 20 s")),
                seconds(time.median),
            ),
        };
        report.row(
            SECTION,
            &format!("{CRATE}: {}, time", kind.label),
            value,
            time.spread(seconds),
            time_target,
        );
        let peak_target = (kind.key == "check")
            .then(|| Target::at_most(peak.median, MAX_CHECK_PEAK_MB, "≤ 2 GB"));
        report.row(
            SECTION,
            &format!("{CRATE}: {}, peak RSS of rustc", kind.label),
            fmt_mb(peak.median),
            peak.spread(fmt_mb),
            peak_target,
        );
        let mut fields = Map::new();
        fields.insert(
            "command".to_string(),
            json!(format!("cargo {}", kind.args.join(" "))),
        );
        fields.insert("time_s".to_string(), time.to_json());
        fields.insert("peak_rss_mb".to_string(), peak.to_json());
        json.insert(kind.key.to_string(), Value::Object(fields));
    }
    let build_over_check = stats[1].0.median / check_median;
    json.insert("build_over_check".to_string(), number(build_over_check));
    report.row(
        SECTION,
        &format!("{CRATE}: lines of generated Rust"),
        lines.to_string(),
        String::new(),
        None,
    );
    Value::Object(json)
}
