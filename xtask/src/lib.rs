//! What the xtask binary and the tests share: where the workspace is, and the one way the
//! checked-in Lightly client is generated, so `regenerate`, `--check` and the freshness test
//! cannot drift apart.

use openapi_rs_gen::{generate, Generated, Options, Output, WriteOptions};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The workspace root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

/// The options that produce `generated-client/`.
pub fn lightly_options() -> Options {
    Options {
        crate_name: "lightly-client".to_string(),
        crate_version: "0.1.0".to_string(),
        spec_label: "spec/lightly.yaml".to_string(),
        command: "cargo xtask regenerate".to_string(),
        standalone: false,
    }
}

/// Generates the Lightly client from `spec/lightly.yaml`.
pub fn generate_lightly() -> Result<Generated, String> {
    let spec = root().join("spec/lightly.yaml");
    let text = std::fs::read_to_string(&spec)
        .map_err(|e| format!("cannot read {}: {e}", spec.display()))?;
    generate(&text, &lightly_options()).map_err(|d| format!("spec/lightly.yaml has problems:\n{d}"))
}

/// Compares `generated-client/` with a fresh generation; `Err` says what is stale and which
/// command fixes it.
pub fn check_fresh() -> Result<(), String> {
    let generated = generate_lightly()?;
    let out = root().join("generated-client");
    let staleness = generated
        .output
        .compare(&out)
        .map_err(|e| format!("cannot read {}: {e}", out.display()))?;
    if staleness.is_fresh() {
        Ok(())
    } else {
        Err(format!("generated-client/ is out of date:\n{staleness}run `cargo xtask regenerate` and commit the result"))
    }
}

/// Writes `output` into `dir` by the generator's rules ([`Output::write`]: only its own
/// files are replaced or removed, a foreign folder is refused unless `force`), prints its
/// notes, and returns a one-line summary naming `label`.
pub fn write_output(
    output: &Output,
    dir: &Path,
    label: &str,
    force: bool,
) -> Result<String, String> {
    let report = output
        .write(dir, WriteOptions { force })
        .map_err(|e| e.to_string())?;
    for note in &report.notes {
        eprintln!("note: {note}");
    }
    let n = report.written.len();
    Ok(format!(
        "wrote {n} file{} to {label} ({} unchanged, {} removed)",
        if n == 1 { "" } else { "s" },
        report.unchanged.len(),
        report.removed.len()
    ))
}

/// `$XDG_CACHE_HOME/openapi-rs-gen/<what>` (or `~/.cache/...`): downloads live outside the
/// repository.
pub fn cache_dir(what: &str) -> Result<PathBuf, String> {
    let base = match std::env::var_os("XDG_CACHE_HOME").filter(|v| !v.is_empty()) {
        Some(xdg) => PathBuf::from(xdg),
        None => {
            PathBuf::from(std::env::var_os("HOME").ok_or("neither XDG_CACHE_HOME nor HOME is set")?)
                .join(".cache")
        }
    };
    Ok(base.join("openapi-rs-gen").join(what))
}

/// The extracted npm package `name@version` under `cache`, downloaded with `npm pack` unless
/// already there. Extraction goes to a sibling folder first, so an interrupted download is
/// never mistaken for a complete one.
pub fn fetch_npm_package(cache: &Path, name: &str, version: &str) -> Result<PathBuf, String> {
    let dir = cache.join(format!("{}-{}", sanitize(name), version));
    if dir.join(".complete").exists() {
        return Ok(dir);
    }
    let spec = format!("{name}@{version}");
    eprintln!("fetching {spec} into {}", dir.display());
    let partial = dir.with_extension("partial");
    let _ = fs::remove_dir_all(&partial);
    let download = partial.join(".download");
    fs::create_dir_all(&download)
        .map_err(|e| format!("cannot create {}: {e}", download.display()))?;
    let out = Command::new("npm")
        .args(["pack", &spec, "--loglevel=error", "--pack-destination"])
        .arg(&download)
        .current_dir(&download)
        .output()
        .map_err(|e| format!("cannot run npm: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "npm pack {spec} failed with {}:\n{}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let tarball = fs::read_dir(&download)
        .map_err(|e| e.to_string())?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| p.to_string_lossy().ends_with(".tgz"))
        .ok_or_else(|| format!("npm pack {spec} produced no .tgz"))?;
    let out = Command::new("tar")
        .arg("xzf")
        .arg(&tarball)
        .arg("-C")
        .arg(&partial)
        .arg("--strip-components=1")
        .output()
        .map_err(|e| format!("cannot run tar: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "tar could not extract {}:\n{}",
            tarball.display(),
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    fs::remove_dir_all(&download).map_err(|e| e.to_string())?;
    fs::write(partial.join(".complete"), format!("{spec}\n")).map_err(|e| e.to_string())?;
    let _ = fs::remove_dir_all(&dir);
    fs::rename(&partial, &dir).map_err(|e| format!("cannot move into {}: {e}", dir.display()))?;
    Ok(dir)
}

/// Lowercase ASCII letters and digits, with one `-` for each run of anything else.
pub fn sanitize(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches('-').to_string()
}

/// Runs a command, inheriting its output; `Err` names it and how it ended.
pub fn run_status(cmd: &mut Command, what: &str) -> Result<(), String> {
    let status = cmd
        .status()
        .map_err(|e| format!("{what}: cannot start: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{what}: failed with {status}"))
    }
}
