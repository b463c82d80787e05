//! The Lightly document itself: it validates with an independent validator, and the
//! generator's own loader finds the documented operations with resolvable references.

use lightly_codegen_tests::{root, tool};
use std::collections::BTreeSet;

fn spec_text() -> String {
    std::fs::read_to_string(root().join("spec/lightly.yaml"))
        .expect("spec/lightly.yaml is readable")
}

#[test]
fn validates_with_openapi_spec_validator() {
    let validator = tool("venv/bin/openapi-spec-validator");
    let output = std::process::Command::new(validator)
        .arg(root().join("spec/lightly.yaml"))
        .output()
        .expect("validator runs");
    assert!(
        output.status.success(),
        "openapi-spec-validator rejected spec/lightly.yaml:\n{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn has_the_34_documented_operations_with_unique_ids() {
    let loaded = openapi_rs_gen::load::load(&spec_text()).expect("loads");
    let mut ids = BTreeSet::new();
    let mut per_tag = std::collections::BTreeMap::<String, usize>::new();
    for (_, _, op) in loaded.api.operations() {
        let id = op
            .operation_id
            .clone()
            .expect("every operation has an operationId");
        assert!(ids.insert(id.clone()), "operationId {id} is used twice");
        *per_tag.entry(op.tags[0].clone()).or_default() += 1;
    }
    assert_eq!(ids.len(), 34);
    let expected: std::collections::BTreeMap<String, usize> = [
        ("datasources", 6),
        ("predictions", 6),
        ("samples", 9),
        ("samplings", 1),
        ("tags", 12),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    assert_eq!(per_tag, expected);
}

#[test]
fn every_reference_resolves() {
    let raw: serde_json::Value = serde_yaml::from_str(&spec_text()).expect("yaml");
    let mut refs = Vec::new();
    collect_refs(&raw, &mut refs);
    assert!(
        refs.len() > 100,
        "expected many references, found {}",
        refs.len()
    );
    for r in refs {
        let pointer = r
            .strip_prefix('#')
            .unwrap_or_else(|| panic!("external reference {r}"));
        assert!(
            raw.pointer(pointer).is_some(),
            "reference {r} does not resolve"
        );
    }
    // And the generator lowers the whole document without a diagnostic.
    let (_, warnings) = openapi_rs_gen::lower_text(&spec_text()).expect("lowers");
    assert!(warnings.is_empty(), "unexpected diagnostics:\n{warnings}");
}

fn collect_refs(v: &serde_json::Value, out: &mut Vec<String>) {
    match v {
        serde_json::Value::Object(map) => {
            for (k, v) in map {
                if k == "$ref" {
                    out.push(v.as_str().expect("string $ref").to_string());
                } else {
                    collect_refs(v, out);
                }
            }
        }
        serde_json::Value::Array(items) => items.iter().for_each(|v| collect_refs(v, out)),
        _ => {}
    }
}
