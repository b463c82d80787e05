//! Compile time: clean builds and rebuilds of the generated Lightly client, next to
//! progenitor's output for the same document, each in its own target directory.

use super::report::{number, Report, Stat, Target};
use super::{Bins, Settings};
use serde_json::{json, Map, Value};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Instant, SystemTime};

/// progenitor, the comparison for compile times, installed into the cache.
const PROGENITOR_CRATE: &str = "cargo-progenitor";
const PROGENITOR_VERSION: &str = "0.15.1";
const PROGENITOR_NAME: &str = "lightly-progenitor";

/// What the workspace's dev profile sets, repeated in the scratch workspaces of both crates
/// (ours copied out, progenitor's) so that they compile with the same settings.
const SCRATCH_WORKSPACE: &str = "
[workspace]

[profile.dev]
debug = \"line-tables-only\"

[profile.dev.package.\"*\"]
debug = false
";

/// Where things are: the workspace, the download cache, `target/bench`.
pub(super) struct Paths<'a> {
    pub(super) root: &'a Path,
    pub(super) cache: &'a Path,
    pub(super) out_dir: &'a Path,
}
/// Clean-build and rebuild times of one crate, and its size.
struct Compiled {
    build: Stat,
    rebuild: Stat,
    lines: usize,
}

impl Compiled {
    /// The table rows: clean build, rebuild, lines, described by `what`.
    fn rows(&self, report: &mut Report, what: [&str; 3]) {
        let [build, rebuild, lines] = what;
        let seconds = |s: &Stat| format!("{:.2} s", s.median);
        report.row(
            "Compile",
            build,
            seconds(&self.build),
            self.build.spread_s(),
            None,
        );
        let spread = self.rebuild.spread_s();
        report.row("Compile", rebuild, seconds(&self.rebuild), spread, None);
        report.row(
            "Compile",
            lines,
            self.lines.to_string(),
            String::new(),
            None,
        );
    }

    fn fields(&self) -> Map<String, Value> {
        let mut fields = Map::new();
        fields.insert("clean_build_s".to_string(), self.build.to_json());
        fields.insert("rebuild_s".to_string(), self.rebuild.to_json());
        fields.insert("lines".to_string(), json!(self.lines));
        fields
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
        let mut cmd = devtools::cargo();
        cmd.current_dir(self.dir)
            .arg(verb)
            .args(&self.select)
            .args(extra)
            .env("CARGO_TARGET_DIR", &self.target_dir);
        cmd
    }

    fn measure(&self, runs: usize) -> Result<Compiled, String> {
        eprintln!("  {}: building dependencies", self.package);
        devtools::run_quiet(&mut self.cargo("build", &[]), "cargo build (dependencies)")?;
        let mut build = Vec::new();
        for i in 0..runs {
            eprintln!("  {}: clean build ({}/{runs})", self.package, i + 1);
            devtools::run_quiet(
                &mut self.cargo("clean", &["-p", self.package]),
                "cargo clean -p",
            )?;
            let start = Instant::now();
            devtools::run_quiet(&mut self.cargo("build", &[]), "cargo build")?;
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
                devtools::run_quiet(&mut self.cargo("build", &[]), "cargo build (rebuild)")?;
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

/// Ours, then progenitor's (unless skipped), then the ratios.
pub(super) fn compile(
    paths: &Paths,
    bins: &Bins,
    runs: usize,
    settings: Settings,
    report: &mut Report,
) -> Value {
    let Paths {
        root,
        cache,
        out_dir,
    } = *paths;
    let mut fields = Map::new();
    let ours = standalone_copy(root, out_dir).and_then(|crate_dir| {
        CrateBuild {
            dir: &crate_dir,
            target_dir: out_dir.join("target-lightly-client"),
            select: Vec::new(),
            package: "lightly-client",
            touch: crate_dir.join("src/models.rs"),
            src: crate_dir.join("src"),
        }
        .measure(runs)
    });
    match &ours {
        Ok(c) => {
            c.rows(
                report,
                [
                    "lightly-client (ours): clean build of the crate, deps built",
                    "lightly-client (ours): rebuild after touching src/models.rs",
                    "lightly-client (ours): lines of generated Rust",
                ],
            );
            fields.insert("ours".to_string(), Value::Object(c.fields()));
        }
        Err(e) => {
            let failed = report.failure("Compile", "lightly-client (ours)", e);
            fields.insert("ours".to_string(), failed);
        }
    }
    if settings.skip_progenitor {
        report.row(
            "Compile",
            "progenitor",
            "skipped (--skip-progenitor)".to_string(),
            String::new(),
            None,
        );
        fields.insert("progenitor".to_string(), json!({ "skipped": true }));
        return Value::Object(fields);
    }
    let theirs = progenitor(root, cache, out_dir, bins, runs);
    match (&ours, &theirs) {
        (_, Err(e)) => {
            report.failure("Compile", &format!("progenitor {PROGENITOR_VERSION}"), e);
            fields.insert(
                "progenitor".to_string(),
                json!({ "version": PROGENITOR_VERSION, "error": e }),
            );
        }
        (ours, Ok(p)) => {
            p.rows(
                report,
                [
                    &format!("progenitor {PROGENITOR_VERSION} (builder interface): clean build"),
                    "progenitor: rebuild after touching src/lib.rs",
                    "progenitor: lines of generated Rust",
                ],
            );
            let mut pj = Map::new();
            pj.insert("version".to_string(), json!(PROGENITOR_VERSION));
            pj.insert("interface".to_string(), json!("builder"));
            pj.extend(p.fields());
            fields.insert("progenitor".to_string(), Value::Object(pj));
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
                    Some(Target::at_most(rebuild, 0.8, "≤ 0.8×")),
                );
                fields.insert(
                    "ratio".to_string(),
                    json!({ "clean_build": number(build), "rebuild": number(rebuild) }),
                );
            }
        }
    }
    Value::Object(fields)
}

/// A copy of `generated-client/` in `target/bench/lightly-client` with the workspace's
/// `Cargo.lock`, in a workspace of its own with our dev profile, as progenitor's crate is
/// built: a crate on its own, as a user has it. Built inside this workspace, every cargo
/// run also loads the manifests of its eight members (about 0.05 s of each rebuild, which
/// progenitor's side did not pay).
fn standalone_copy(root: &Path, out_dir: &Path) -> Result<PathBuf, String> {
    let from = root.join("generated-client");
    let crate_dir = out_dir.join("lightly-client");
    let _ = fs::remove_dir_all(&crate_dir);
    for file in devtools::files_under(&from)? {
        let relative = file.strip_prefix(&from).map_err(|e| e.to_string())?;
        let to = crate_dir.join(relative);
        if let Some(parent) = to.parent() {
            fs::create_dir_all(parent)
                .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
        }
        fs::copy(&file, &to).map_err(|e| format!("cannot copy {}: {e}", file.display()))?;
    }
    fs::copy(root.join("Cargo.lock"), crate_dir.join("Cargo.lock"))
        .map_err(|e| format!("cannot copy Cargo.lock: {e}"))?;
    own_workspace(&crate_dir)?;
    Ok(crate_dir)
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
        devtools::run_quiet(
            devtools::cargo()
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
    own_workspace(&crate_dir)?;
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

/// Makes the crate in `crate_dir` a workspace of its own (its directory is inside ours),
/// with our dev profile settings.
fn own_workspace(crate_dir: &Path) -> Result<(), String> {
    let manifest = crate_dir.join("Cargo.toml");
    let mut text = fs::read_to_string(&manifest).map_err(|e| e.to_string())?;
    if !text.contains("[workspace]") {
        text.push_str(SCRATCH_WORKSPACE);
        fs::write(&manifest, text).map_err(|e| e.to_string())?;
    }
    Ok(())
}

pub(super) fn set_mtime(path: &Path, time: SystemTime) -> Result<(), String> {
    fs::File::options()
        .write(true)
        .open(path)
        .and_then(|f| f.set_modified(time))
        .map_err(|e| format!("cannot touch {}: {e}", path.display()))
}

/// Lines in the `.rs` files under `dir`.
pub(super) fn rust_lines(dir: &Path) -> usize {
    devtools::files_under(dir)
        .unwrap_or_default()
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "rs"))
        .filter_map(|p| fs::read_to_string(p).ok())
        .map(|t| t.lines().count())
        .sum()
}
