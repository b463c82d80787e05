//! Nothing the document says becomes code: the crate generated from a document full of
//! code fences, indented blocks, backtick runs, HTML `<pre>` and control characters has one
//! doctest only, the generator's own usage example in its README (which compiles), so
//! `cargo test --doc` on it runs exactly that one.

use lightly_codegen_tests::{copy_lock_file, scratch_cargo, scratch_dir, write_fixture_crate};

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
fn hostile_text_runs_only_the_readme_example() {
    let work = scratch_dir("doctest-crate");
    write_fixture_crate("hostile_text", &work, true);
    copy_lock_file(&work);
    let output = scratch_cargo(&work, &["test", "--doc", "--quiet"]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let counts = doctest_counts(&stdout);
    assert!(
        output.status.success()
            && counts == [1]
            && stdout.contains("test result: ok. 1 passed"),
        "`cargo test --doc` on the hostile fixture's crate must run one doctest suite with \
         one test, the README's `no_run` example (included by lib.rs); suites: {counts:?}\nstdout:\n{stdout}\nstderr:\n{stderr}"
    );
}

#[test]
fn counts_are_read_from_cargo_output() {
    assert_eq!(doctest_counts("\nrunning 0 tests\n\ntest result: ok."), [0]);
    assert_eq!(doctest_counts("running 1 test\nrunning 12 tests"), [1, 12]);
}
