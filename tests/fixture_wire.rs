//! Fixtures with a hand-written wire test: the fixture's crate is generated into a scratch
//! workspace under `target/`, the test from `tests/fixtures/wire/<fixture>.rs` is copied in
//! as its `tests/wire.rs`, and `cargo test` runs there against a loopback server. Shares
//! `target/fixture-check` with `fixtures_compile`, so dependencies are built once.

use lightly_codegen_tests::root;
use openapi_rs_gen::{generate, Options};
use std::process::Command;

/// Generates `fixture`, adds its wire test and runs it; fails with cargo's output.
fn run_wire_test(fixture: &str) {
    let root = root();
    let name = fixture.replace('_', "-");
    let work = root.join("target/fixture-wire").join(&name);
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work).unwrap();
    let text =
        std::fs::read_to_string(root.join(format!("tests/fixtures/ok/{fixture}.yaml"))).unwrap();
    let options = Options {
        crate_name: format!("fixture-{name}"),
        spec_label: format!("{fixture}.yaml"),
        ..Options::default()
    };
    let generated = generate(&text, &options).unwrap_or_else(|d| panic!("{fixture}: {d}"));
    let krate = work.join(&name);
    generated.output.write(&krate, Default::default()).unwrap();
    std::fs::create_dir_all(krate.join("tests")).unwrap();
    std::fs::copy(
        root.join(format!("tests/fixtures/wire/{fixture}.rs")),
        krate.join("tests/wire.rs"),
    )
    .unwrap();
    std::fs::write(
        work.join("Cargo.toml"),
        format!("[workspace]\nresolver = \"2\"\nmembers = [\"{name}\"]\n"),
    )
    .unwrap();
    std::fs::copy(root.join("Cargo.lock"), work.join("Cargo.lock")).unwrap();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    let output = Command::new(cargo)
        .current_dir(&work)
        // The loopback server uses tokio features the generated crate does not declare.
        .args(["test", "--offline", "--quiet", "--test", "wire"])
        .args(["--features", "tokio/net,tokio/io-util"])
        .env("CARGO_TARGET_DIR", root.join("target/fixture-check"))
        .env_remove("RUSTFLAGS")
        .output()
        .expect("cargo runs");
    assert!(
        output.status.success(),
        "the wire test of fixture `{fixture}` fails:\n{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Every file in `tests/fixtures/wire/` is the wire test of the fixture of its name.
#[test]
fn fixture_wire_tests_pass() {
    let mut fixtures: Vec<String> = std::fs::read_dir(root().join("tests/fixtures/wire"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "rs"))
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    fixtures.sort();
    assert!(
        fixtures.contains(&"name_collisions".to_string()),
        "the name_collisions wire test is missing"
    );
    for fixture in fixtures {
        run_wire_test(&fixture);
    }
}
