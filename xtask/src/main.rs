//! Project tasks: `cargo xtask regenerate [--check]`, `cargo xtask generate` (the CLI's own
//! `generate`), `cargo xtask test`, `cargo xtask corpus`, `cargo xtask wire`, `cargo xtask
//! bench`. Thin: parses the arguments, then reads files, calls the generator library (or the
//! `corpus` and `bench` crates), writes files, reports with context.

use std::path::Path;
use std::process::{Command, ExitCode};
use std::time::Duration;
use xtask::root;

mod robustness;
mod semver;

const USAGE: &str = "usage:
  cargo xtask regenerate [--check | --bump]
                                       spec/lightly.yaml -> generated-client/, with the
                                       API changes and their semver verdict; --bump bumps
                                       the version by the verdict
  cargo xtask generate [--spec PATH] [--out DIR] [--name CRATE] [--force] [...]
                                       the installable CLI's `generate` (see
                                       `cargo run -p openapi-rs-gen -- generate --help`)
  cargo xtask test                     install test tools, then run every test
  cargo xtask corpus [--only SUBSTRING] [--no-check] [--timeout SECS] [--select]
                                       generate and check the real-world corpus
  cargo xtask wire [--local] [--only SUBSTRING]... [--skip SUBSTRING]... [--static | --seed S]
                   [--timeout SECS] [--write-readme]
                                       the smoke test of each corpus document against Prism
                                       (dynamic responses, seed 1; --static: its examples;
                                       --local: spec/lightly.yaml and tests/fixtures/ok/)
  cargo xtask bench [--quick] [--skip-progenitor]
                                       measure generation, compile time and runtime
  cargo xtask robustness [--cases N] [--seed S] | --one FILE
                                       hostile and mutated documents in limited child processes
  cargo xtask semver [--only NAME]     the semver verdict against cargo-semver-checks on
                                       before/after document pairs (installs the tool)";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("regenerate") => regenerate(&args[1..]),
        Some("generate") => generate_cmd(&args[1..]),
        Some("test") => test(&args[1..]),
        Some("corpus") => corpus_cmd(&args[1..]),
        Some("wire") => wire_cmd(&args[1..]),
        Some("bench") => bench_cmd(&args[1..]),
        Some("robustness") => robustness::run(&args[1..]),
        Some("semver") => semver::run(&args[1..]),
        _ => Err(USAGE.to_string()),
    };
    devtools::exit(result)
}

fn regenerate(args: &[String]) -> Result<(), String> {
    let (mut check, mut bump) = (false, false);
    for a in args {
        match a.as_str() {
            "--check" => check = true,
            "--bump" => bump = true,
            _ => return Err(USAGE.to_string()),
        }
    }
    if check && bump {
        return Err(USAGE.to_string());
    }
    let out = root().join("generated-client");
    let regeneration = xtask::lightly_generator()?
        .generate_against(&out, bump)
        .map_err(|e| format!("spec/lightly.yaml has problems:\n{e}"))?;
    let generated = &regeneration.generated;
    for w in generated.warnings.iter() {
        eprintln!("spec/lightly.yaml: {w}");
    }
    match &regeneration.report {
        Some(report) => eprint!("{report}"),
        None => eprintln!("API changes: no earlier generated-client/api-surface.txt"),
    }
    if let Some((old, new)) = &regeneration.bumped {
        eprintln!("version: {old} -> {new} (spec/openapi-rs-gen.toml updated)");
    }
    if check {
        xtask::check_fresh()?;
        eprintln!(
            "generated-client/ is up to date ({} files)",
            generated.output.files.len()
        );
    } else {
        let summary = xtask::write_output(&generated.output, &out, "generated-client/", false)?;
        eprintln!("{summary}");
    }
    Ok(())
}

/// `generate ...`: the installable CLI's `generate`, the same code (`openapi_rs_gen::cli`).
fn generate_cmd(args: &[String]) -> Result<(), String> {
    let argv = ["openapi-rs-gen", "generate"]
        .into_iter()
        .map(String::from)
        .chain(args.iter().cloned());
    match openapi_rs_gen::cli::run(argv) {
        0 => Ok(()),
        code => Err(format!("generate failed (exit status {code})")),
    }
}

/// `corpus [--only SUBSTRING] [--no-check] [--timeout SECS] [--select]`; `--generate-one` is
/// the child process that generates one document of the run.
fn corpus_cmd(args: &[String]) -> Result<(), String> {
    const GENERATE_ONE: &str = "--generate-one";
    if args.first().map(String::as_str) == Some(GENERATE_ONE) {
        return corpus::generate_one(&args[1..]);
    }
    let mut config = corpus::Config::default();
    let mut select = false;
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--select" => select = true,
            "--no-check" => config.check = false,
            "--only" => config.only = Some(it.next().ok_or(USAGE)?.clone()),
            "--timeout" => {
                let secs = it.next().and_then(|s| s.parse().ok()).ok_or(USAGE)?;
                config.timeout = Duration::from_secs(secs);
            }
            _ => return Err(USAGE.to_string()),
        }
    }
    if select {
        return corpus::select();
    }
    let exe = std::env::current_exe().map_err(|e| format!("cannot find the xtask binary: {e}"))?;
    corpus::run(&config, &[exe.into(), "corpus".into(), GENERATE_ONE.into()])
}

/// `wire [--local] [--only SUBSTRING]... [--skip SUBSTRING]... [--static | --seed S]
/// [--timeout SECS] [--write-readme]`.
fn wire_cmd(args: &[String]) -> Result<(), String> {
    let mut config = corpus::WireConfig::default();
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--only" => config.only.push(it.next().ok_or(USAGE)?.clone()),
            "--skip" => config.skip.push(it.next().ok_or(USAGE)?.clone()),
            "--write-readme" => config.write_readme = true,
            "--local" => config.local = true,
            "--static" => config.responses = devtools::wire::Responses::Static,
            "--seed" => {
                let seed = it.next().ok_or(USAGE)?.clone();
                config.responses = devtools::wire::Responses::Dynamic { seed };
            }
            "--timeout" => {
                let secs = it.next().and_then(|s| s.parse().ok()).ok_or(USAGE)?;
                config.timeout = Duration::from_secs(secs);
            }
            _ => return Err(USAGE.to_string()),
        }
    }
    corpus::wire(&config)
}

/// `bench [--quick] [--skip-progenitor]`.
fn bench_cmd(args: &[String]) -> Result<(), String> {
    let mut settings = bench::suite::Settings::default();
    for a in args {
        match a.as_str() {
            "--quick" => settings.quick = true,
            "--skip-progenitor" => settings.skip_progenitor = true,
            _ => return Err(USAGE.to_string()),
        }
    }
    bench::suite::run(settings)
}

/// Installs what the tests need into `target/tools/` (idempotent), then runs the tests.
fn test(args: &[String]) -> Result<(), String> {
    let root = root();
    let tools = root.join("target/tools");
    install_tools(&root, &tools)?;
    let status = devtools::cargo()
        .current_dir(&root)
        .args(["test", "--workspace"])
        .args(args)
        .env("OPENAPI_RS_GEN_TOOLS", &tools)
        .status()
        .map_err(|e| format!("cannot run cargo test: {e}"))?;
    if !status.success() {
        return Err("tests failed".to_string());
    }
    Ok(())
}

fn install_tools(root: &Path, tools: &Path) -> Result<(), String> {
    std::fs::create_dir_all(tools)
        .map_err(|e| format!("cannot create {}: {e}", tools.display()))?;
    // Every crate `Cargo.lock` names, for all targets and features: tests build scratch
    // crates offline with feature sets the workspace build never downloads (the TLS
    // features' crates, say), and a fresh machine has only what the build needed.
    devtools::run_status(
        devtools::cargo()
            .current_dir(root)
            .args(["fetch", "--quiet"]),
        "cargo fetch",
    )?;
    // The OpenAPI validator, from PyPI, pinned in tools/requirements.txt.
    let venv = tools.join("venv");
    let requirements = root.join("tools/requirements.txt");
    let stamp = venv.join(".installed");
    let wanted = std::fs::read_to_string(&requirements)
        .map_err(|e| format!("cannot read {}: {e}", requirements.display()))?;
    if std::fs::read_to_string(&stamp).ok().as_deref() != Some(wanted.as_str()) {
        eprintln!("installing Python test tools into {}", venv.display());
        devtools::run_status(
            Command::new("python3").args(["-m", "venv"]).arg(&venv),
            "python3 -m venv",
        )?;
        devtools::run_status(
            Command::new(venv.join("bin/pip"))
                .args(["install", "--quiet", "--disable-pip-version-check", "-r"])
                .arg(&requirements),
            "pip install",
        )?;
        std::fs::write(&stamp, &wanted).map_err(|e| e.to_string())?;
    }
    // Node tools (the Prism mock server), from npm, pinned by tools/package.json.
    let package = root.join("tools/package.json");
    if package.exists() {
        let node_dir = tools.join("node");
        std::fs::create_dir_all(&node_dir).map_err(|e| e.to_string())?;
        let wanted = std::fs::read_to_string(&package).map_err(|e| e.to_string())?;
        let stamp = node_dir.join(".installed");
        if std::fs::read_to_string(&stamp).ok().as_deref() != Some(wanted.as_str()) {
            eprintln!("installing Node test tools into {}", node_dir.display());
            std::fs::copy(&package, node_dir.join("package.json")).map_err(|e| e.to_string())?;
            let lock = root.join("tools/package-lock.json");
            if lock.exists() {
                std::fs::copy(&lock, node_dir.join("package-lock.json"))
                    .map_err(|e| e.to_string())?;
            }
            let verb = if lock.exists() { "ci" } else { "install" };
            devtools::run_status(
                Command::new("npm").current_dir(&node_dir).args([
                    verb,
                    "--no-audit",
                    "--no-fund",
                    "--loglevel=error",
                ]),
                "npm install",
            )?;
            std::fs::write(&stamp, &wanted).map_err(|e| e.to_string())?;
        }
    }
    Ok(())
}
