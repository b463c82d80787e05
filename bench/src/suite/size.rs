//! Size of what the generator emits: lines per operation and per schema over the corpus and
//! for GitHub's document, from `bench-size` (generation only, nothing compiled). No targets:
//! these rows are there so that a change in the emitted size is seen.

use super::report::{number, Report};
use super::{num, Bins};
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;
use std::path::PathBuf;

const SECTION: &str = "Size";

/// Runs `bench-size` once (the counts do not vary between runs).
pub(super) fn size(bins: &Bins, github: &Result<PathBuf, String>, report: &mut Report) -> Value {
    let args: Vec<&std::ffi::OsStr> = github.iter().map(|p| p.as_os_str()).collect();
    let kv = match bins.run("bench-size", &args) {
        Ok(kv) => kv,
        Err(e) => return report.failure(SECTION, "lines per operation and per schema", &e),
    };
    let skipped = num(&kv, "corpus.skipped").unwrap_or(0.0);
    let failed = kv
        .get("corpus.failed_names")
        .filter(|names| !names.is_empty());
    let mut json = Map::new();
    let corpus_docs = num(&kv, "corpus.documents").unwrap_or(0.0);
    let mut corpus_note = format!(
        "{corpus_docs} documents of corpus/documents.txt without GitHub's; {skipped} skipped, not in the cache"
    );
    if let Some(names) = failed {
        corpus_note.push_str(&format!("; failed to generate: {names}"));
    }
    json.insert(
        "corpus".to_string(),
        group(&kv, "corpus", "corpus", &corpus_note, report),
    );
    json.insert("corpus_skipped".to_string(), number(skipped));
    if num(&kv, "github.documents").is_some() {
        json.insert(
            "github".to_string(),
            group(&kv, "github", "GitHub", "api.github.com.json", report),
        );
    }
    json.insert(
        "definitions".to_string(),
        json!({
            "operations": "operations that become methods (the IR's)",
            "schemas": "named types of the IR, every type src/models.rs declares (aliases of merged duplicates included)",
            "api_lines": "lines under src/apis/",
            "model_lines": "lines of src/models.rs",
            "rust_lines": "every generated .rs file, runtime included",
        }),
    );
    Value::Object(json)
}

/// The rows of one group (`corpus.*` or `github.*`) and its JSON; the first row carries the
/// note on what was measured.
fn group(
    kv: &BTreeMap<String, String>,
    prefix: &str,
    label: &str,
    note: &str,
    report: &mut Report,
) -> Value {
    let get = |key: &str| num(kv, &format!("{prefix}.{key}")).unwrap_or(0.0);
    let (operations, schemas) = (get("operations"), get("schemas"));
    let (api_lines, model_lines, rust_lines) =
        (get("api_lines"), get("model_lines"), get("rust_lines"));
    let per_operation = api_lines / operations;
    let per_schema = model_lines / schemas;
    report.row(
        SECTION,
        &format!("{label} ({note}): operations, schemas (named types), generated Rust lines"),
        format!("{operations} operations, {schemas} schemas, {rust_lines} lines"),
        String::new(),
        None,
    );
    report.row(
        SECTION,
        &format!("{label}: lines of src/apis/ per operation"),
        format!("{per_operation:.1} ({api_lines} lines)"),
        String::new(),
        None,
    );
    report.row(
        SECTION,
        &format!("{label}: lines of src/models.rs per schema"),
        format!("{per_schema:.1} ({model_lines} lines)"),
        String::new(),
        None,
    );
    json!({
        "documents": number(get("documents")),
        "failed": number(get("failed")),
        "operations": number(operations),
        "schemas": number(schemas),
        "api_lines": number(api_lines),
        "model_lines": number(model_lines),
        "rust_lines": number(rust_lines),
        "api_lines_per_operation": number(per_operation),
        "model_lines_per_schema": number(per_schema),
    })
}
