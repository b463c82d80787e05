//! Every fixture's generated crate compiles without warnings, so no snapshot can bless code
//! that does not build. The crates go into one scratch workspace under `target/` that
//! shares this workspace's lock file, and are checked together.

use lightly_codegen_tests::root;
use openapi_rs_gen::{generate, Options};
use std::process::Command;

#[test]
fn fixture_crates_compile_without_warnings() {
    let root = root();
    let work = root.join("target/fixture-crates");
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work).unwrap();
    let mut members = Vec::new();
    let mut entries: Vec<_> = std::fs::read_dir(root.join("tests/fixtures/ok"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        let name = path
            .file_stem()
            .unwrap()
            .to_string_lossy()
            .replace('_', "-");
        let text = std::fs::read_to_string(&path).unwrap();
        let options = Options {
            crate_name: format!("fixture-{name}"),
            spec_label: format!("{name}.yaml"),
            ..Options::default()
        };
        let generated = generate(&text, &options).unwrap_or_else(|d| panic!("{name}: {d}"));
        generated
            .output
            .write(&work.join(&name), Default::default())
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        members.push(format!("\"{name}\""));
    }
    std::fs::write(
        work.join("Cargo.toml"),
        format!(
            "[workspace]\nresolver = \"2\"\nmembers = [{}]\n",
            members.join(", ")
        ),
    )
    .unwrap();
    std::fs::copy(root.join("Cargo.lock"), work.join("Cargo.lock")).unwrap();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    let output = Command::new(cargo)
        .current_dir(&work)
        .args([
            "clippy",
            "--workspace",
            "--all-targets",
            "--offline",
            "--quiet",
            "--keep-going",
            "--",
            "-D",
            "warnings",
        ])
        .env("CARGO_TARGET_DIR", root.join("target/fixture-check"))
        .env_remove("RUSTFLAGS")
        .output()
        .expect("cargo runs");
    assert!(
        output.status.success(),
        "fixture crates do not compile cleanly:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}
