//! Fixtures with a hand-written wire test: the fixture's crate is generated into a scratch
//! workspace under `target/`, the test from `tests/fixtures/wire/<fixture>.rs` is copied in
//! as its `tests/wire.rs`, and `cargo test` runs there against a loopback server. Shares
//! `target/fixture-check` with `fixtures_compile`, so dependencies are built once.

use lightly_codegen_tests::{
    root, scratch_cargo, scratch_dir, write_fixture_crate_with, write_workspace,
};
use openapi_rs_gen::options::DateTimeLibrary;
use openapi_rs_gen::Options;

/// Generates `fixture`, adds its wire test and runs it; fails with cargo's output.
fn run_wire_test(fixture: &str) {
    run_wire_test_with(
        fixture,
        &format!("tests/fixtures/wire/{fixture}.rs"),
        |_| {},
    );
}

/// [`run_wire_test`] with options changed by `tweak` and the wire test at `test` (relative
/// to the workspace root).
fn run_wire_test_with(fixture: &str, test: &str, tweak: impl FnOnce(&mut Options)) {
    let name = fixture.replace('_', "-");
    // One scratch folder per wire test: tests of one fixture may run at once.
    let stem = std::path::Path::new(test)
        .file_stem()
        .unwrap()
        .to_string_lossy();
    let work = scratch_dir(&format!("fixture-wire/{}", stem.replace('_', "-")));
    let krate = work.join(&name);
    write_fixture_crate_with(fixture, &krate, false, tweak);
    std::fs::create_dir_all(krate.join("tests")).unwrap();
    std::fs::copy(root().join(test), krate.join("tests/wire.rs")).unwrap();
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

/// The `formats` fixture with `date_time = "time"` and an extra derive: RFC 3339 text
/// round-trips with the offset the server gave (`tests/fixtures/wire-options/formats_time.rs`).
#[test]
fn formats_with_the_time_library() {
    run_wire_test_with(
        "formats",
        "tests/fixtures/wire-options/formats_time.rs",
        |options| {
            options.types.date_time = DateTimeLibrary::Time;
            options.types.derives = vec!["PartialOrd".to_string()];
        },
    );
}
