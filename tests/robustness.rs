//! No document makes the generator panic, abort, overflow its stack, hang or run past its
//! memory: each case runs in a child process (the `robustness` binary) under a time and an
//! address-space limit, and must end in a crate or a located `error:`. This is a fixed
//! small slice: every hand-made hostile document and a few hundred mutated ones; the long
//! run is `cargo xtask robustness [--cases N]` (see the README).

use lightly_codegen_tests::robustness::{self, Case, Outcome, Runner};
use std::path::Path;

fn exe() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_robustness"))
}

fn assert_clean(cases: &[Case]) {
    let report = robustness::run_cases(exe(), cases, |_, _, _, _| {}).expect("the run starts");
    eprint!("{report}");
    assert!(report.failures.is_empty(), "{report}");
    assert_eq!(report.cases, cases.len());
}

#[test]
fn hostile_documents_end_in_a_crate_or_a_located_error() {
    let cases = robustness::hostile_cases(false);
    assert!(cases.len() > 30, "only {} hostile cases", cases.len());
    assert_clean(&cases);
}

#[test]
fn mutated_documents_and_arbitrary_text_end_cleanly() {
    assert_clean(&robustness::generated_cases(0x5eed, 240));
}

/// The run notices each way a child can fail, and carries on with a fresh child after it.
#[test]
fn the_run_catches_hangs_aborts_overflows_and_memory_exhaustion() {
    let mut runner = Runner::new(exe());
    let selftest = |what: &str| format!("{}{what}", robustness::SELFTEST);
    assert_eq!(
        runner.run(&selftest("abort")).unwrap().kind(),
        Outcome::Abort(String::new()).kind()
    );
    assert_eq!(
        runner.run(&selftest("overflow")).unwrap(),
        Outcome::StackOverflow
    );
    assert_eq!(
        runner.run(&selftest("memory")).unwrap().kind(),
        Outcome::OverLimit(String::new()).kind()
    );
    runner.time_limit = std::time::Duration::from_secs(2);
    assert_eq!(runner.run(&selftest("hang")).unwrap(), Outcome::Hang);
    assert_eq!(runner.run("openapi: 3.0.3\n").unwrap().kind(), "refused");
    assert_eq!(runner.started, 5);
}

fn diagnostics(text: &str) -> String {
    match openapi_rs_gen::generate(text, &openapi_rs_gen::Options::default()) {
        Ok(_) => "a crate".to_string(),
        Err(d) => d.to_string(),
    }
}

fn generated(name: &str) -> String {
    robustness::generated_hostile(true)
        .into_iter()
        .find(|c| c.label.ends_with(name))
        .unwrap_or_else(|| panic!("no generated case {name}"))
        .text
}

fn first_line(s: String) -> String {
    s.lines().next().unwrap_or_default().to_string()
}

/// The limits are named, at the place where the document crossed them.
#[test]
fn giant_documents_are_refused_with_the_limit_named() {
    insta::assert_snapshot!(diagnostics(&generated("alias amplification of a big body")), @"error: aliases expand the document to more than 1055091 values, the limit for its size (one million more than its text holds, at most 4000000); expansion stopped here at line 4 column 79086 (at #/x-b/51/15031)");
    insta::assert_snapshot!(diagnostics(&generated("alias inside its own anchor")), @"error: not valid YAML: an alias is used inside its own anchor (`&p`), so the value would never end (the path repeats from here) at line 3 column 8 (at #/paths/~1x)");
    insta::assert_snapshot!(diagnostics(&generated("JSON nested 10000 deep")), @"error: not valid JSON: nested more than 128 levels deep at line 1 column 207 (at #)");
    insta::assert_snapshot!(diagnostics(&generated("YAML block nested 3000 deep")), @"error: not valid YAML: nested more than 128 levels deep at line 132 column 129 (at #/x-deep/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a)");
    insta::assert_snapshot!(diagnostics(&generated("a document of 80 MB")), @"error: the document is 89129022 bytes, more than the limit of 33554432 bytes (32 MiB) (at #)");
    insta::assert_snapshot!(diagnostics(&generated("a reference cycle through 10000 schemas")), @"error: these schemas are only references to each other, in a cycle: `#/components/schemas/S0 -> #/components/schemas/S1 -> #/components/schemas/S2 -> #/components/schemas/S3 -> #/components/schemas/S4 -> #/components/schemas/S5 -> ... -> #/components/schemas/S9999 -> #/components/schemas/S0` (10000 in all) (at #/components/schemas/S0)");
    let chain = robustness::generated_hostile(false)
        .into_iter()
        .find(|c| {
            c.label
                .ends_with("schemas each extending the next with allOf")
        })
        .expect("the allOf chain")
        .text;
    insta::assert_snapshot!(first_line(diagnostics(&chain)), @"error: `allOf` references nest more than 64 levels deep here (at `#/components/schemas/S65`) (at #/components/schemas/S64/allOf/0)");
}
