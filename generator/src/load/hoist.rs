//! Load, hoist: moves the targets of nested references (`#/paths/.../schema`,
//! `#/components/schemas/A/properties/b`, ...) under `#/components` and rewrites the
//! references, so lowering sees only component references. Consumes and produces the JSON
//! tree, plus the list of moves for restoring diagnostics' pointers.

use crate::pointer::unescape_token;

/// References to schemas, parameters, responses and request bodies anywhere but directly
/// under `#/components/...` (a property of another schema, a `definitions` block, a
/// parameter's schema, another path's parameter) are resolved by moving the target under
/// `#/components` with a name made from the pointer, leaving a reference in its place, and
/// rewriting the references, so the rest of the pipeline sees only component references.
pub(super) fn hoist_nested_schema_refs(raw: &mut serde_json::Value) -> Vec<(String, String)> {
    let mut refs = std::collections::BTreeSet::new();
    collect_refs(raw, &mut refs);
    let mut renames = std::collections::BTreeMap::new();
    let mut moved = Vec::new();
    // (section, name, value) to add under `#/components`.
    let mut hoisted: Vec<(&'static str, String, serde_json::Value)> = Vec::new();
    let mut taken: std::collections::BTreeSet<(&'static str, String)> =
        std::collections::BTreeSet::new();
    for section in ["schemas", "parameters", "responses", "requestBodies"] {
        if let Some(map) = raw
            .pointer(&format!("/components/{section}"))
            .and_then(|v| v.as_object())
        {
            taken.extend(map.keys().map(|k| (section, k.clone())));
        }
    }
    // Deepest first: moving a target leaves a reference behind, so one nested inside
    // another must move before its container does.
    let mut refs: Vec<String> = refs.into_iter().collect();
    refs.sort_by_key(|r| std::cmp::Reverse(r.matches('/').count()));
    for r in refs {
        let Some(pointer) = r.strip_prefix('#') else {
            continue;
        };
        let tokens: Vec<String> = pointer.split('/').skip(1).map(unescape_token).collect();
        let direct = tokens.len() == 3 && tokens[0] == "components";
        if direct || tokens.is_empty() {
            continue;
        }
        // What the target is decides where it goes: anything inside a schema is a schema;
        // otherwise the container it sits in says.
        let in_schema = tokens
            .iter()
            .any(|t| matches!(t.as_str(), "schema" | "schemas" | "definitions" | "$defs"));
        let parent = tokens.len().checked_sub(2).map(|i| tokens[i].as_str());
        let section = if in_schema {
            "schemas"
        } else if parent == Some("parameters") {
            "parameters"
        } else if parent == Some("responses") {
            "responses"
        } else if tokens.last().map(String::as_str) == Some("requestBody") {
            "requestBodies"
        } else {
            continue;
        };
        let Some(slot) = lookup_mut(raw, &tokens) else {
            continue;
        };
        if !slot.is_object() {
            continue;
        }
        const STRUCTURAL: &[&str] = &[
            "components",
            "schemas",
            "definitions",
            "$defs",
            "properties",
            "items",
            "schema",
            "content",
            "allOf",
            "oneOf",
            "anyOf",
            "paths",
            "parameters",
            "responses",
            "requestBody",
        ];
        let words: Vec<String> = tokens
            .iter()
            .filter(|t| !STRUCTURAL.contains(&t.as_str()) && !t.contains('/'))
            .map(|t| {
                t.chars()
                    .map(|c| {
                        if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                            c
                        } else {
                            '_'
                        }
                    })
                    .collect()
            })
            .collect();
        let base = if words.is_empty() {
            "Nested".to_string()
        } else {
            words.join("_")
        };
        let mut name = base.clone();
        let mut n = 2;
        while taken.contains(&(section, name.clone())) {
            name = format!("{base}{n}");
            n += 1;
        }
        taken.insert((section, name.clone()));
        let new_ref = format!(
            "#/components/{section}/{}",
            name.replace('~', "~0").replace('/', "~1")
        );
        // Move the target and leave a reference in its place, so both uses share one type.
        let target = std::mem::replace(slot, serde_json::json!({ "$ref": new_ref }));
        moved.push((
            crate::pointer::pointer(&["components", section, &name]),
            r.clone(),
        ));
        renames.insert(r.clone(), new_ref);
        hoisted.push((section, name, target));
    }
    if hoisted.is_empty() {
        return moved;
    }
    if let Some(root) = raw.as_object_mut() {
        let components = root
            .entry("components")
            .or_insert_with(|| serde_json::Value::Object(Default::default()));
        if let Some(c) = components.as_object_mut() {
            for (section, name, value) in hoisted {
                let map = c
                    .entry(section)
                    .or_insert_with(|| serde_json::Value::Object(Default::default()));
                if let Some(map) = map.as_object_mut() {
                    map.insert(name, value);
                }
            }
        }
    }
    rewrite_refs(raw, &renames);
    moved
}

/// Follows decoded pointer tokens through objects and arrays.
fn lookup_mut<'v>(
    mut v: &'v mut serde_json::Value,
    tokens: &[String],
) -> Option<&'v mut serde_json::Value> {
    for t in tokens {
        v = match v {
            serde_json::Value::Object(map) => map.get_mut(t)?,
            serde_json::Value::Array(items) => items.get_mut(t.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(v)
}

/// Every `$ref` string anywhere under `v`.
pub fn collect_refs(v: &serde_json::Value, out: &mut std::collections::BTreeSet<String>) {
    match v {
        serde_json::Value::Object(map) => {
            for (k, v) in map {
                match (k.as_str(), v) {
                    ("$ref", serde_json::Value::String(r)) => {
                        out.insert(r.clone());
                    }
                    _ => collect_refs(v, out),
                }
            }
        }
        serde_json::Value::Array(items) => items.iter().for_each(|v| collect_refs(v, out)),
        _ => {}
    }
}

fn rewrite_refs(v: &mut serde_json::Value, renames: &std::collections::BTreeMap<String, String>) {
    match v {
        serde_json::Value::Object(map) => {
            for (k, v) in map.iter_mut() {
                match v {
                    serde_json::Value::String(r) if k == "$ref" => {
                        if let Some(new) = renames.get(r.as_str()) {
                            *r = new.clone();
                        }
                    }
                    _ => rewrite_refs(v, renames),
                }
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(|v| rewrite_refs(v, renames)),
        _ => {}
    }
}
