//! `bench-subset DOC.json OUT_DIR PERCENT...`: writes, for each percentage, a copy of an
//! OpenAPI JSON document that keeps that share of its operations and only the components they
//! reach, as `OUT_DIR/subset-PERCENT.json`.
//!
//! Selection is deterministic and evenly spread: operations are numbered in document order
//! (path by path, methods in the order they appear) and operation `i` of `n` is kept when
//! `floor((i + 1) * p / 100) > floor(i * p / 100)`, which keeps exactly `floor(n * p / 100)`.
//! A path item keeps its non-operation keys (path-level parameters, summary, servers).
//!
//! Components are kept by reachability over `$ref`s in the raw JSON, transitively, through
//! every component kind (schemas, parameters, responses, requestBodies, headers, examples,
//! links, callbacks). Security schemes are named, not referenced, so all are kept. Extension
//! keys outside `paths` that hold operations (`x-webhooks`) are dropped.
//!
//! Prints `subset.PERCENT.operations=N`, `...paths=N`, `...schemas=N`, `...file=PATH`.

use bench::emit;
use openapi_rs_gen::load::collect_refs;
use openapi_rs_gen::lower::METHODS;
use serde_json::{Map, Value};
use std::collections::{BTreeSet, VecDeque};
use std::path::Path;
use std::process::ExitCode;

fn main() -> ExitCode {
    devtools::exit(run())
}

fn run() -> Result<(), String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [doc, out, percents @ ..] = args.as_slice() else {
        return Err("usage: bench-subset DOC.json OUT_DIR PERCENT...".to_string());
    };
    let text = std::fs::read_to_string(doc).map_err(|e| format!("cannot read {doc}: {e}"))?;
    let doc: Value = serde_json::from_str(&text).map_err(|e| format!("{doc} is not JSON: {e}"))?;
    std::fs::create_dir_all(out).map_err(|e| format!("cannot create {out}: {e}"))?;
    let total = devtools::count_operations(&doc);
    emit("total_operations", total);
    for p in percents {
        let percent: usize = p
            .parse()
            .ok()
            .filter(|p| (1..=100).contains(p))
            .ok_or_else(|| format!("not a percentage: {p}"))?;
        let (subset, operations, paths, schemas) = subset(&doc, percent);
        let file = Path::new(out).join(format!("subset-{percent}.json"));
        let bytes = serde_json::to_vec(&subset).map_err(|e| e.to_string())?;
        std::fs::write(&file, bytes)
            .map_err(|e| format!("cannot write {}: {e}", file.display()))?;
        emit(&format!("subset.{percent}.operations"), operations);
        emit(&format!("subset.{percent}.paths"), paths);
        emit(&format!("subset.{percent}.schemas"), schemas);
        emit(&format!("subset.{percent}.file"), file.display());
    }
    Ok(())
}

/// The subset document, with its operation, path and schema counts.
fn subset(doc: &Value, percent: usize) -> (Value, usize, usize, usize) {
    let keep = |i: usize| (i + 1) * percent / 100 > i * percent / 100;
    let mut index = 0;
    let mut paths = Map::new();
    let mut operations = 0;
    if let Some(all) = doc.get("paths").and_then(Value::as_object) {
        for (path, item) in all {
            let Some(item) = item.as_object() else {
                continue;
            };
            let mut kept = Map::new();
            let mut any = false;
            for (key, value) in item {
                if METHODS.contains(&key.as_str()) {
                    if keep(index) {
                        kept.insert(key.clone(), value.clone());
                        any = true;
                        operations += 1;
                    }
                    index += 1;
                } else {
                    kept.insert(key.clone(), value.clone());
                }
            }
            if any {
                paths.insert(path.clone(), Value::Object(kept));
            }
        }
    }
    let path_count = paths.len();

    // Reachability over "#/components/KIND/NAME..." references.
    let components = doc.get("components").and_then(Value::as_object);
    let mut reached: BTreeSet<(String, String)> = BTreeSet::new();
    let mut queue: VecDeque<(String, String)> = VecDeque::new();
    let paths_value = Value::Object(paths);
    reach(&paths_value, &mut reached, &mut queue);
    while let Some((kind, name)) = queue.pop_front() {
        if let Some(target) = components
            .and_then(|c| c.get(&kind))
            .and_then(|k| k.get(&name))
        {
            reach(target, &mut reached, &mut queue);
        }
    }

    let mut out = Map::new();
    let mut schemas = 0;
    if let Some(root) = doc.as_object() {
        for (key, value) in root {
            match key.as_str() {
                "paths" => {
                    out.insert(key.clone(), paths_value.clone());
                }
                "components" => {
                    let mut kept = Map::new();
                    for (kind, entries) in value.as_object().into_iter().flatten() {
                        if kind == "securitySchemes" || kind.starts_with("x-") {
                            kept.insert(kind.clone(), entries.clone());
                            continue;
                        }
                        let Some(entries) = entries.as_object() else {
                            continue;
                        };
                        let filtered: Map<String, Value> = entries
                            .iter()
                            .filter(|(name, _)| reached.contains(&(kind.clone(), (*name).clone())))
                            .map(|(n, v)| (n.clone(), v.clone()))
                            .collect();
                        if kind == "schemas" {
                            schemas = filtered.len();
                        }
                        if !filtered.is_empty() {
                            kept.insert(kind.clone(), Value::Object(filtered));
                        }
                    }
                    out.insert(key.clone(), Value::Object(kept));
                }
                "x-webhooks" | "webhooks" => {}
                _ => {
                    out.insert(key.clone(), value.clone());
                }
            }
        }
    }
    (Value::Object(out), operations, path_count, schemas)
}

/// Adds every component that `value` refers to and that is not yet reached.
fn reach(
    value: &Value,
    reached: &mut BTreeSet<(String, String)>,
    queue: &mut VecDeque<(String, String)>,
) {
    let mut refs = BTreeSet::new();
    collect_refs(value, &mut refs);
    for target in refs.iter().filter_map(|r| parse_ref(r)) {
        if reached.insert(target.clone()) {
            queue.push_back(target);
        }
    }
}

/// `#/components/KIND/NAME[/...]` as `(KIND, NAME)`, with JSON-pointer escapes decoded.
fn parse_ref(r: &str) -> Option<(String, String)> {
    let rest = r.strip_prefix("#/components/")?;
    let mut parts = rest.split('/');
    let kind = parts.next()?;
    let name = parts.next()?;
    let unescape = |s: &str| s.replace("~1", "/").replace("~0", "~");
    Some((unescape(kind), unescape(name)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_what_the_kept_operations_reach_and_nothing_else() {
        let doc = serde_json::json!({
            "paths": {
                // Of two operations, 50% keeps the second.
                "/a": {"get": {"requestBody": {"$ref": "#/components/requestBodies/C"}}},
                "/b": {"get": {"responses": {"200": {"$ref": "#/components/responses/R"}}}},
            },
            "components": {
                "responses": {"R": {"content": {"a/b": {"schema": {"$ref": "#/components/schemas/A~1x"}}}}},
                "requestBodies": {"C": {}},
                "schemas": {"A/x": {"items": {"$ref": "#/components/schemas/B"}}, "B": {}, "U": {}},
                "securitySchemes": {"k": {}},
            },
            "x-webhooks": {},
        });
        let (subset, operations, paths, schemas) = subset(&doc, 50);
        assert_eq!((operations, paths, schemas), (1, 1, 2));
        let components = &subset["components"];
        let names = |kind: &str| -> Vec<&str> {
            components[kind]
                .as_object()
                .map(|m| m.keys().map(String::as_str).collect())
                .unwrap_or_default()
        };
        assert_eq!(names("schemas"), ["A/x", "B"]);
        assert_eq!(names("responses"), ["R"]);
        assert!(names("requestBodies").is_empty());
        assert_eq!(names("securitySchemes"), ["k"]);
        assert!(subset.get("x-webhooks").is_none());
    }
}
