//! Fixtures with a hand-written wire test: the fixture's crate is generated into a scratch
//! workspace under `target/`, the test from `tests/fixtures/wire/<fixture>.rs` is copied in
//! as its `tests/wire.rs`, and `cargo test` runs there against a loopback server. Shares
//! `target/fixture-check` with `fixtures_compile`, so dependencies are built once.

use lightly_codegen_tests::{
    root, scratch_cargo, scratch_dir, write_fixture_crate, write_workspace,
};

/// Generates `fixture`, adds its wire test and runs it; fails with cargo's output.
fn run_wire_test(fixture: &str) {
    let name = fixture.replace('_', "-");
    let work = scratch_dir(&format!("fixture-wire/{name}"));
    let krate = work.join(&name);
    write_fixture_crate(fixture, &krate, false);
    std::fs::create_dir_all(krate.join("tests")).unwrap();
    std::fs::copy(
        root().join(format!("tests/fixtures/wire/{fixture}.rs")),
        krate.join("tests/wire.rs"),
    )
    .unwrap();
    write_workspace(&work, &[name]);
    // The loopback server uses tokio features the generated crate does not declare.
    let output = scratch_cargo(
        &work,
        &[
            "test",
            "--quiet",
            "--test",
            "wire",
            "--features",
            "tokio/net,tokio/io-util",
        ],
    );
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
