//! OpenAPI Overlays end to end: `tests/fixtures/overlay/overlay.yaml` fixes
//! `tests/fixtures/overlay/base.yaml` (adds a missing operationId, retypes an id, drops an
//! internal operation) and the generated crate shows each fix; the overlay's own problems
//! come back as diagnostics located in the overlay, and hostile targets (here and in the
//! robustness run's overlay cases) end in a located error that names the limit.

use lightly_codegen_tests::root;
use openapi_rs_gen::options::Overlay;
use openapi_rs_gen::{generate, Diagnostics, Generated, Options};

fn fixture(name: &str) -> String {
    let path = root().join("tests/fixtures/overlay").join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn with_overlay(text: &str) -> Options {
    Options {
        overlay: Some(Overlay {
            text: text.to_string(),
            label: "overlay.yaml".to_string(),
        }),
        ..Options::default()
    }
}

/// Every generated Rust file, concatenated.
fn code(generated: &Generated) -> String {
    generated
        .output
        .files
        .iter()
        .filter(|(path, _)| path.ends_with(".rs") && !path.starts_with("src/runtime/"))
        .map(|(_, text)| text.as_str())
        .collect()
}

fn generate_ok(spec: &str, options: &Options) -> Generated {
    generate(spec, options).unwrap_or_else(|d| panic!("{d}"))
}

fn refused(spec: &str, options: &Options) -> Diagnostics {
    match generate(spec, options) {
        Ok(_) => panic!("generated a crate"),
        Err(d) => d,
    }
}

#[test]
fn the_overlay_fixes_the_document_before_generation() {
    let base = fixture("base.yaml");
    let plain = code(&generate_ok(&base, &Options::default()));
    let fixed = generate_ok(&base, &with_overlay(&fixture("overlay.yaml")));
    let fixed_code = code(&fixed);

    // The operation without an operationId gets a name made from its path; with the
    // overlay, the name the overlay gives it.
    assert!(plain.contains("pub fn get_pets("), "{plain}");
    assert!(!plain.contains("list_pets"));
    assert!(fixed_code.contains("pub fn list_pets("), "{fixed_code}");
    assert!(!fixed_code.contains("get_pets"));
    // The id's type.
    assert!(plain.contains("pub id: String"));
    assert!(fixed_code.contains("pub id: i64"), "{fixed_code}");
    // A description merged into a parameter chosen by a filter.
    assert!(!plain.contains("How many pets to return at most"));
    assert!(fixed_code.contains("How many pets to return at most"));
    // The internal operation, removed by a filter on the paths.
    assert!(plain.contains("get_metrics"));
    assert!(!fixed_code.contains("get_metrics"));

    // The action that matches nothing is the one warning, located in the overlay.
    assert_eq!(
        fixed.warnings.to_string(),
        "warning: the target `$.paths['/pets'].post` matches nothing in the document, so the action changes nothing (at overlay.yaml#/actions/4)\n"
    );
}

#[test]
fn an_overlay_may_fix_the_openapi_version_field() {
    let doc = "openapi: '3'\ninfo: {title: t, version: '1'}\npaths: {}\n";
    assert_eq!(
        refused(doc, &Options::default()).to_string(),
        "error: unsupported OpenAPI version \"3\"; only 3.0.x and 3.1.x are supported (at #/openapi)\n"
    );
    let overlay = "overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions:\n- target: $\n  update: {openapi: 3.0.3}\n";
    let generated = generate_ok(doc, &with_overlay(overlay));
    assert!(generated.warnings.is_empty(), "{}", generated.warnings);
}

#[test]
fn overlay_problems_are_located_in_the_overlay() {
    let base = fixture("base.yaml");
    let overlay = "overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions:\n- target: $.paths[\n  update: {}\n- target: $.missing\n  remove: true\n";
    assert_eq!(
        refused(&base, &with_overlay(overlay)).to_string(),
        "error: `$.paths[` is not a JSONPath expression this generator supports: expected a selector: a name in quotes, `*`, an index, a slice or a filter (`?`) at character 9 (at overlay.yaml#/actions/0/target)\n"
    );
    // A target that matched nothing is reported beside the error it may explain.
    let overlay = "overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions:\n- target: $.openapi\n  remove: true\n- target: $.swagger\n  update: {}\n";
    assert_eq!(
        refused(&base, &with_overlay(overlay)).to_string(),
        "warning: the target `$.swagger` matches nothing in the document, so the action changes nothing (at overlay.yaml#/actions/1)\n\
         error: not an API description: there is no `openapi` version field (at #)\n"
    );
    let diags = refused(&base, &with_overlay("overlay: [1"));
    assert_eq!(diags.0.len(), 1);
    assert!(diags.0[0].pointer.starts_with("overlay.yaml#"), "{diags}");
    assert!(diags.0[0].message.starts_with("not valid YAML"), "{diags}");
}

/// Targets built to make the evaluator work hard, on the Lightly document (about 7,000
/// lines): each ends in a located error (or a result), and the run finishes.
#[test]
fn hostile_targets_end_in_a_located_error() {
    let spec = std::fs::read_to_string(root().join("spec/lightly.yaml")).unwrap();
    let overlay = |target: &str| {
        format!(
            "overlay: 1.0.0\ninfo: {{title: t, version: '1'}}\nactions:\n- target: {}\n  update: {{x-seen: true}}\n",
            serde_json::Value::String(target.to_string())
        )
    };
    let first_error = |target: &str| {
        let diags = refused(&spec, &with_overlay(&overlay(target)));
        let e = diags
            .iter()
            .find(|d| d.severity == openapi_rs_gen::Severity::Error);
        e.unwrap_or_else(|| panic!("no error in {diags}"))
            .to_string()
    };
    // Every node of the document, for every node of the document.
    assert_eq!(
        first_error("$..[?$..*]"),
        "error: the target `$..[?$..*]` cannot be applied: the query takes more than 4000000 steps on this document; make it narrower (at overlay.yaml#/actions/0/target)"
    );
    // A long expression and a deeply nested one.
    let long = format!("$.{}", vec!["a"; 100_000].join("."));
    assert_eq!(
        first_error(&long),
        format!("error: `{}…` is not a JSONPath expression this generator supports: the expression is 200001 bytes, more than the limit of 4096 (at overlay.yaml#/actions/0/target)", &long[..60])
    );
    let deep = format!("$[?{}@{}]", "(".repeat(2000), ")".repeat(2000));
    assert!(first_error(&deep).contains("nest more than 32 deep at character 36"));
    // Every node, updated: the document stays a document (or becomes an invalid one),
    // and the answer is a located error or a crate.
    let everything = refused(&spec, &with_overlay(&overlay("$..*")));
    assert!(everything.has_errors());
    assert!(
        everything.iter().all(|d| d.pointer.contains('#')),
        "{everything}"
    );
}

/// The overlay cases of the robustness run (which runs them in a child under a time and
/// memory limit) end in the limit or the error each is built to reach.
#[test]
fn the_robustness_runs_overlay_cases_name_their_limit() {
    let expected = [
        ("every node for every node", "error: the target `$..[?$..*]` cannot be applied: the query takes more than 4000000 steps on this document; make it narrower (at overlay.yaml#/actions/0/target)"),
        ("every container updated", "error: not a valid OpenAPI 3.0 document"),
        ("every node removed", "error: not an API description: there is no `openapi` version field (at #)"),
        ("a 1 MB target", "is not a JSONPath expression this generator supports: the expression is 1048578 bytes, more than the limit of 4096 (at overlay.yaml#/actions/0/target)"),
        ("filters nested 1300 deep", "is not a JSONPath expression this generator supports: filters, parentheses and functions nest more than 32 deep at character 100 (at overlay.yaml#/actions/0/target)"),
        ("parentheses nested 2000 deep", "is not a JSONPath expression this generator supports: filters, parentheses and functions nest more than 32 deep at character 36 (at overlay.yaml#/actions/0/target)"),
        ("an update nested 10000 deep", "error: not valid YAML: nested more than 128 levels deep at line 5 column 139 (at overlay.yaml#/actions/0/update/x/0/0/"),
        ("billion laughs in the update", "error: not valid YAML: aliases repeat their anchors"),
        ("10000 targets that match nothing", "a crate, 10000 warnings, the first: warning: the target `$.x0` matches nothing in the document, so the action changes nothing (at overlay.yaml#/actions/0)"),
    ];
    let cases: Vec<_> = lightly_codegen_tests::robustness::generated_hostile(false)
        .into_iter()
        .filter(|c| c.label.starts_with("generated hostile: overlay: "))
        .collect();
    assert_eq!(cases.len(), expected.len());
    for (case, (name, outcome)) in cases.into_iter().zip(expected) {
        assert!(case.label.ends_with(name), "{} is not {name}", case.label);
        let (doc, options) = lightly_codegen_tests::robustness::split_case(case.text);
        assert!(options.overlay.is_some(), "{name}");
        let got = match generate(&doc, &options) {
            Ok(g) => format!(
                "a crate, {} warnings, the first: {}",
                g.warnings.0.len(),
                g.warnings.0[0]
            ),
            Err(d) => d
                .iter()
                .find(|d| d.severity == openapi_rs_gen::Severity::Error)
                .unwrap()
                .to_string(),
        };
        assert!(got.contains(outcome), "{name}: {got}");
    }
}

/// The config file's `overlay` key reaches the generator: the same fixture pair, through
/// `openapi-rs-gen.toml` and the `Generator` the CLI and `build.rs` use.
#[test]
fn the_config_files_overlay_key_applies_the_overlay() {
    let dir = lightly_codegen_tests::scratch_dir("overlay-config");
    for name in ["base.yaml", "overlay.yaml"] {
        std::fs::write(dir.join(name), fixture(name)).unwrap();
    }
    let config = dir.join("openapi-rs-gen.toml");
    std::fs::write(
        &config,
        "spec = \"base.yaml\"\noutput = \"client\"\noverlay = \"overlay.yaml\"\n",
    )
    .unwrap();
    let generated = openapi_rs_gen::Generator::from_config_file(&config)
        .and_then(|g| g.generate())
        .unwrap_or_else(|e| panic!("{e}"));
    let code = code(&generated);
    assert!(code.contains("pub fn list_pets("), "{code}");
    assert!(code.contains("pub id: i64"));
    assert_eq!(generated.warnings.0.len(), 1, "{}", generated.warnings);
    assert_eq!(generated.warnings.0[0].pointer, "overlay.yaml#/actions/4");
}
