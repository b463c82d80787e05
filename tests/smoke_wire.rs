//! The generated smoke test (`--smoke-test`, `tests/smoke.rs` of a generated crate) run as
//! `cargo xtask wire` runs it: the fixed slice of two small fixtures against Prism (`prism
//! mock --errors` with the same seeded dynamic responses, installed by `cargo xtask test`;
//! without it these tests fail), where every
//! operation must be called and succeed; and against a loopback server whose answers do not
//! decode, where the smoke test must fail and name each failed operation.

use devtools::wire::{run_smoke, Prism, Responses, Summary};
use lightly_codegen_tests::{root, scratch_dir, write_fixture_crate_with, write_workspace};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The fixtures CI runs: small, and between them a body, path and query parameters, enums,
/// formats and every kind of credential.
const SLICE: &[&str] = &["petstore", "security"];

/// A limit on one build and run of a smoke test, so a hang fails instead of blocking.
const RUN_LIMIT: Duration = Duration::from_secs(1200);

/// A scratch workspace of the fixtures' crates, each with its smoke test.
fn workspace(name: &str, fixtures: &[&str]) -> PathBuf {
    let dir = scratch_dir(name);
    for f in fixtures {
        write_fixture_crate_with(f, &dir.join(f), false, |o| o.smoke_test = true);
    }
    let members: Vec<String> = fixtures.iter().map(|f| f.to_string()).collect();
    write_workspace(&dir, &members);
    std::fs::create_dir_all(dir.join("logs")).unwrap();
    dir
}

fn package(fixture: &str) -> String {
    format!("fixture-{}", fixture.replace('_', "-"))
}

fn operations(fixture: &str) -> Vec<String> {
    let text = std::fs::read_to_string(spec(fixture)).unwrap();
    let (api, _) = openapi_rs_gen::lower_text(&text).unwrap();
    api.groups
        .iter()
        .flat_map(|g| g.operations.iter().map(|o| o.api_name.clone()))
        .collect()
}

fn spec(fixture: &str) -> PathBuf {
    root().join(format!("tests/fixtures/ok/{fixture}.yaml"))
}

fn run(dir: &Path, fixture: &str, base_url: &str) -> devtools::wire::SmokeRun {
    run_smoke(
        dir,
        &root().join("target/fixture-check"),
        &package(fixture),
        base_url,
        &dir.join("logs"),
        RUN_LIMIT,
    )
    .unwrap_or_else(|e| panic!("{fixture}: {e}"))
}

#[test]
fn every_operation_of_the_slice_is_called_and_succeeds_against_prism() {
    let dir = workspace("smoke-wire-prism", SLICE);
    let mut problems = Vec::new();
    for fixture in SLICE {
        let prism = Prism::start(
            &spec(fixture),
            &dir.join(format!("logs/{fixture}.prism.log")),
            &Responses::default(),
        )
        .unwrap_or_else(|e| panic!("{fixture}: {e}"));
        let run = run(&dir, fixture, &prism.base_url());
        let n = operations(fixture).len();
        let expected = Summary {
            operations: n,
            called: n,
            failures: Vec::new(),
            not_called: Vec::new(),
        };
        if run.summary.as_ref() != Some(&expected) || run.passed != Some(true) {
            problems.push(format!(
                "{fixture}: expected {expected:?}, got {:?} (passed: {:?})\nstdout:\n{}\nstderr (end):\n{}\nPrism (end):\n{}",
                run.summary,
                run.passed,
                run.stdout,
                devtools::last_lines(&run.stderr, 20).join("\n"),
                prism.log_tail()
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}

/// A loopback server that answers every request `200` with a body that is not JSON.
fn garbage_server() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut length = 0usize;
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                    length = v.trim().parse().unwrap_or(0);
                }
            }
            let mut body = vec![0u8; length];
            let _ = reader.read_exact(&mut body);
            let _ = stream.write_all(
                b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 8\r\nconnection: close\r\n\r\nnot json",
            );
        }
    });
    format!("http://{addr}")
}

#[test]
fn answers_that_do_not_decode_fail_the_smoke_test_and_are_named() {
    let dir = workspace("smoke-wire-garbage", &["petstore"]);
    let run = run(&dir, "petstore", &garbage_server());
    let summary = run.summary.unwrap_or_else(|| {
        panic!(
            "no summary line; stdout:\n{}\nstderr:\n{}",
            run.stdout, run.stderr
        )
    });
    assert_eq!(run.passed, Some(false), "{}", run.stdout);
    assert_eq!((summary.operations, summary.called), (3, 3));
    let failed: Vec<&str> = summary.failures.iter().map(|(o, _)| o.as_str()).collect();
    // `createPets` declares 201; its 200 is the `default` error, whose body must be an
    // `Error` just as the others' must be their types.
    assert_eq!(
        failed,
        ["listPets", "createPets", "showPetById"],
        "{summary:?}"
    );
    for (_, error) in &summary.failures {
        assert!(
            error.starts_with("failed to decode response body"),
            "{error}"
        );
    }
}
