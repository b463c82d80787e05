//! Every fixture's generated crate compiles without warnings, so no snapshot can bless code
//! that does not build. The crates go into one scratch workspace under `target/` that
//! shares this workspace's lock file, and are checked together.

use lightly_codegen_tests::{
    root, scratch_cargo, scratch_dir, write_fixture_crate, write_workspace,
};

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
    let output = scratch_cargo(
        &work,
        &[
            "clippy",
            "--workspace",
            "--all-targets",
            "--quiet",
            "--keep-going",
            "--",
            "-D",
            "warnings",
        ],
    );
    assert!(
        output.status.success(),
        "fixture crates do not compile cleanly:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}
