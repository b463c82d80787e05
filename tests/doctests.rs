//! Nothing the document says becomes code: the crate generated from a document full of
//! code fences, indented blocks, backtick runs, HTML `<pre>` and control characters has no
//! doctests at all, so `cargo test --doc` on it runs zero tests.

use lightly_codegen_tests::root;
use openapi_rs_gen::{generate, Options};
use std::process::Command;

/// The `N` of every `running N tests` line, or a panic when a line cannot be read.
fn doctest_counts(stdout: &str) -> Vec<usize> {
    stdout
        .lines()
        .filter_map(|l| l.trim().strip_prefix("running "))
        .map(|rest| {
            rest.trim_end_matches(" tests")
                .trim_end_matches(" test")
                .parse()
                .unwrap_or_else(|_| panic!("cannot read the doctest count in {rest:?}"))
        })
        .collect()
}

#[test]
fn hostile_text_runs_no_doctests() {
    let root = root();
    let work = root.join("target/doctest-crate");
    let _ = std::fs::remove_dir_all(&work);
    let text = std::fs::read_to_string(root.join("tests/fixtures/ok/hostile_text.yaml")).unwrap();
    let options = Options {
        crate_name: "fixture-hostile-text".to_string(),
        spec_label: "hostile_text.yaml".to_string(),
        standalone: true,
        ..Options::default()
    };
    let generated = generate(&text, &options).unwrap_or_else(|d| panic!("{d}"));
    generated.output.write(&work, Default::default()).unwrap();
    std::fs::copy(root.join("Cargo.lock"), work.join("Cargo.lock")).unwrap();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    let output = Command::new(cargo)
        .current_dir(&work)
        .args(["test", "--doc", "--offline", "--quiet"])
        .env("CARGO_TARGET_DIR", root.join("target/fixture-check"))
        .env_remove("RUSTFLAGS")
        .env_remove("RUSTDOCFLAGS")
        .output()
        .expect("cargo runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let counts = doctest_counts(&stdout);
    assert!(
        output.status.success() && counts == [0] && stdout.contains("test result: ok. 0 passed"),
        "`cargo test --doc` on the hostile fixture's crate must run exactly one doctest \
         suite with zero tests; suites: {counts:?}\nstdout:\n{stdout}\nstderr:\n{stderr}"
    );
}

#[test]
fn counts_are_read_from_cargo_output() {
    assert_eq!(doctest_counts("\nrunning 0 tests\n\ntest result: ok."), [0]);
    assert_eq!(doctest_counts("running 1 test\nrunning 12 tests"), [1, 12]);
}
