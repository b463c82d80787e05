//! Every fixture's generated crate compiles without warnings, so no snapshot can bless code
//! that does not build. The crates go into one scratch workspace under `target/` that
//! shares this workspace's lock file, and are checked together. A crate with a feature per
//! tag is also checked with each feature alone and with none. Each crate is generated with
//! its smoke test (`--smoke-test`, which adds only `tests/smoke.rs`), so that is checked
//! too.

use lightly_codegen_tests::{
    root, scratch_cargo, scratch_dir, write_fixture_crate_with, write_workspace,
};

/// A fixture's crate with its smoke test.
fn write_fixture_crate(fixture: &str, dir: &std::path::Path, standalone: bool) {
    write_fixture_crate_with(fixture, dir, standalone, |o| o.smoke_test = true);
}

#[test]
fn fixture_crates_compile_without_warnings() {
    let work = scratch_dir("fixture-crates");
    let mut fixtures: Vec<String> = std::fs::read_dir(root().join("tests/fixtures/ok"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    fixtures.sort();
    let mut members = Vec::new();
    for fixture in &fixtures {
        let name = fixture.replace('_', "-");
        write_fixture_crate(fixture, &work.join(&name), false);
        members.push(name);
    }
    write_workspace(&work, &members);
    assert_clippy_clean(
        &work,
        &["--workspace", "--all-targets", "--keep-going"],
        "fixture crates",
    );
}

/// Runs `cargo clippy --quiet ARGS -- -D warnings` in the scratch workspace `work`, failing
/// with clippy's output, which names `what` it checked.
fn assert_clippy_clean(work: &std::path::Path, args: &[&str], what: &str) {
    let mut all = vec!["clippy", "--quiet"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--", "-D", "warnings"]);
    let output = scratch_cargo(work, &all);
    assert!(
        output.status.success(),
        "{what} do not compile cleanly:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// A crate with a feature per tag compiles without warnings with no tag feature on and with
/// each one alone (models stay compiled; nothing the runtime or models offer may then go
/// unused), and its features avoid the names a crate reserves (`default`, `mock`).
#[test]
fn each_tag_feature_compiles_alone_and_with_none() {
    let work = scratch_dir("fixture-features");
    write_fixture_crate("tag_features", &work.join("tag-features"), false);
    write_workspace(&work, &["tag-features".to_string()]);
    let toml = std::fs::read_to_string(work.join("tag-features/Cargo.toml")).unwrap();
    let features: Vec<&str> = toml
        .lines()
        .skip_while(|l| *l != "[features]")
        .skip(1)
        .take_while(|l| !l.is_empty())
        .filter(|l| !l.starts_with('#') && !l.starts_with("default ="))
        .map(|l| l.split(" = ").next().unwrap())
        .collect();
    assert_eq!(
        features,
        [
            "rustls-tls",
            "rustls-tls-native-roots",
            "native-tls",
            "tracing",
            "mock",
            "default_2",
            "mock_2",
            "pets",
            "store"
        ],
        "{toml}"
    );
    assert!(
        toml.contains("default = [\"rustls-tls\", \"default_2\", \"mock_2\", \"pets\", \"store\"]"),
        "{toml}"
    );
    // The TLS features have their own test (`tls_features.rs`).
    let tags = features.iter().copied().skip(3);
    for feature in std::iter::once("").chain(tags) {
        assert_clippy_clean(
            &work,
            // All targets: the smoke test calls only the operations the features keep.
            &[
                "--all-targets",
                "--no-default-features",
                "--features",
                feature,
            ],
            &format!("with only the features [{feature}], the crate's targets"),
        );
    }
}
