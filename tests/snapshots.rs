//! Snapshots of what the generator emits: every file of the Lightly client, the IR and the
//! output of each fixture, and the diagnostics for broken documents. Review changes with
//! `cargo insta review`. Also: the checked-in client is fresh, and generation is
//! deterministic.

use lightly_codegen_tests::fixture_options;
use openapi_rs_gen::{generate, lower_text_with, Options};

#[test]
fn lightly_client_files() {
    let generated = xtask::generate_lightly().expect("generates");
    assert!(
        generated.warnings.is_empty(),
        "warnings:\n{}",
        generated.warnings
    );
    let names: Vec<&String> = generated.output.files.keys().collect();
    insta::assert_yaml_snapshot!("lightly__file_list", names);
    for (path, text) in &generated.output.files {
        insta::assert_snapshot!(format!("lightly__{}", path.replace('/', "__")), text);
    }
}

#[test]
fn lightly_generation_is_deterministic() {
    let a = xtask::generate_lightly().expect("generates");
    let b = xtask::generate_lightly().expect("generates");
    assert_eq!(a.output, b.output);
}

#[test]
fn generated_client_is_fresh() {
    if let Err(e) = xtask::check_fresh() {
        panic!("{e}");
    }
}

#[test]
fn fixtures_ir_and_output() {
    insta::glob!("fixtures/ok/*.yaml", |path| {
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(path).unwrap();
        let options = fixture_options(&name);
        let (ir, warnings) =
            lower_text_with(&text, &options).unwrap_or_else(|d| panic!("{name}: {d}"));
        insta::assert_yaml_snapshot!(format!("ir__{name}"), ir);
        let generated = generate(&text, &options).unwrap();
        let mut combined = String::new();
        if !warnings.is_empty() {
            combined.push_str("// ---- diagnostics ----\n");
            combined.push_str(&warnings.to_string());
        }
        for (path, text) in &generated.output.files {
            // The runtime is the same for every crate; the Lightly snapshots hold it.
            if path.starts_with("src/runtime/") {
                continue;
            }
            combined.push_str(&format!("// ---- {path} ----\n"));
            combined.push_str(text);
        }
        insta::assert_snapshot!(format!("output__{name}"), combined);
    });
}

#[test]
fn broken_documents_give_diagnostics() {
    insta::glob!("fixtures/invalid/*", |path| {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(path).unwrap();
        // Unsupported features are warnings with output; broken documents are errors.
        let diags = match generate(&text, &Options::default()) {
            Ok(g) => g.warnings,
            Err(d) => {
                assert!(d.has_errors(), "{name}: no error among {d}");
                d
            }
        };
        assert!(!diags.is_empty(), "{name}: expected diagnostics, got none");
        for d in diags.iter() {
            assert!(
                d.pointer.starts_with('#'),
                "{name}: pointer {} is not a JSON pointer",
                d.pointer
            );
            assert!(
                !d.message.ends_with('.'),
                "{name}: message ends with a period: {}",
                d.message
            );
        }
        insta::assert_snapshot!(format!("diagnostics__{name}"), diags.to_string());
    });
}

/// Every file in `tests/snapshots/` belongs to an assertion above, so a renamed fixture or
/// output file cannot leave a stale snapshot behind.
/// The smoke test (`--smoke-test`) of the fixtures whose operations cover arguments of every
/// kind: path, query, header and cookie parameters, bodies, credentials, unions.
const SMOKE_FIXTURES: &[&str] = &["petstore", "security", "parameters", "one_of_discriminator"];

#[test]
fn smoke_tests_of_fixtures() {
    for name in SMOKE_FIXTURES {
        let text = std::fs::read_to_string(
            lightly_codegen_tests::root().join(format!("tests/fixtures/ok/{name}.yaml")),
        )
        .unwrap();
        let options = Options {
            smoke_test: true,
            ..fixture_options(name)
        };
        let generated = generate(&text, &options).unwrap();
        let without = generate(&text, &fixture_options(name)).unwrap();
        let mut added: Vec<&String> = generated
            .output
            .files
            .keys()
            .filter(|p| without.output.files.get(*p) != generated.output.files.get(*p))
            .collect();
        added.retain(|p| p.as_str() != ".openapi-rs-gen-manifest");
        // The option adds the one file and changes nothing else.
        assert_eq!(added, ["tests/smoke.rs"], "{name}");
        insta::assert_snapshot!(
            format!("smoke__{name}"),
            generated.output.files["tests/smoke.rs"]
        );
    }
}

#[test]
fn no_unreferenced_snapshots() {
    let root = lightly_codegen_tests::root();
    let generated = xtask::generate_lightly().expect("generates");
    let mut expected = std::collections::BTreeSet::new();
    expected.insert("snapshots__lightly__file_list.snap".to_string());
    for path in generated.output.files.keys() {
        expected.insert(format!(
            "snapshots__lightly__{}.snap",
            path.replace('/', "__")
        ));
    }
    for entry in std::fs::read_dir(root.join("tests/fixtures/ok")).unwrap() {
        let path = entry.unwrap().path();
        let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
        let file = path.file_name().unwrap().to_string_lossy().into_owned();
        expected.insert(format!("snapshots__ir__{stem}@{file}.snap"));
        expected.insert(format!("snapshots__output__{stem}@{file}.snap"));
    }
    for name in SMOKE_FIXTURES {
        expected.insert(format!("snapshots__smoke__{name}.snap"));
    }
    for entry in std::fs::read_dir(root.join("tests/fixtures/invalid")).unwrap() {
        let file = entry.unwrap().file_name().to_string_lossy().into_owned();
        expected.insert(format!("snapshots__diagnostics__{file}@{file}.snap"));
    }
    let mut unreferenced = Vec::new();
    for entry in std::fs::read_dir(root.join("tests/snapshots")).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        if name.ends_with(".snap") && !expected.contains(&name) {
            unreferenced.push(name);
        }
    }
    assert!(
        unreferenced.is_empty(),
        "unreferenced snapshots (delete them): {unreferenced:?}"
    );
}
