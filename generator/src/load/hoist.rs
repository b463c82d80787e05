//! Load, hoist: moves the targets of nested references (`#/paths/.../schema`,
//! `#/components/schemas/A/properties/b`, ...) under `#/components` and rewrites the
//! references, so lowering sees only component references. Consumes and produces the JSON
//! tree, plus the list of moves for restoring diagnostics' pointers.

use crate::pointer::unescape_token;

/// The `#/components` sections a reference target can be moved to.
const SECTIONS: [&str; 5] = [
    "schemas",
    "parameters",
    "responses",
    "requestBodies",
    "headers",
];

/// At most this many references are followed while reading one pointer, so references
/// that lead through each other in a loop end.
const MAX_HOPS: usize = 64;

/// References to schemas, parameters, responses, request bodies and headers anywhere but
/// directly under `#/components/...` (a property of another schema, a `definitions` block,
/// a parameter's schema, another path's parameter, a response's header, a vendor
/// extension) are resolved by moving the target under `#/components` with a name made from
/// the pointer, leaving a reference in its place, and rewriting the references, so the rest
/// of the pipeline sees only component references, and chains and cycles are followed by
/// one resolver. A pointer may lead through a reference on its way
/// (`#/components/parameters/Limit/schema` where `Limit` is itself a reference). What a
/// target is comes from where it sits, else from where it is used. A pointer that leads
/// nowhere, or to something that is not an object, is an error at the reference.
pub(super) fn hoist_nested_schema_refs(
    raw: &mut serde_json::Value,
    diags: &mut crate::diagnostics::Diagnostics,
) -> Vec<(String, String)> {
    let mut uses = std::collections::BTreeMap::new();
    collect_uses(raw, &mut Vec::new(), &mut uses);
    // Each nested reference, resolved on the document as written: (target tokens,
    // section) -> the reference strings that lead there.
    let mut targets: std::collections::BTreeMap<Vec<String>, (&'static str, Vec<String>)> =
        std::collections::BTreeMap::new();
    for (r, (used_as, at)) in &uses {
        let Some(pointer) = r.strip_prefix('#') else {
            continue;
        };
        let tokens: Vec<String> = pointer.split('/').skip(1).map(unescape_token).collect();
        let direct = tokens.len() == 3 && tokens[0] == "components";
        if direct || tokens.is_empty() {
            continue;
        }
        let tokens = match canonical(raw, tokens) {
            Ok(tokens) => tokens,
            Err(why) => {
                diags.error(at.clone(), format!("reference `{r}` {why}"));
                continue;
            }
        };
        if tokens.len() == 3 && tokens[0] == "components" {
            // Through references to a component: point there directly.
            let entry = targets.entry(tokens).or_insert(("", Vec::new()));
            entry.1.push(r.clone());
            continue;
        }
        let Some(section) = section_of(&tokens).or(*used_as) else {
            continue;
        };
        let entry = targets.entry(tokens).or_insert((section, Vec::new()));
        entry.1.push(r.clone());
    }
    let mut renames = std::collections::BTreeMap::new();
    let mut moved = Vec::new();
    // (section, name, value) to add under `#/components`.
    let mut hoisted: Vec<(&'static str, String, serde_json::Value)> = Vec::new();
    let mut taken: std::collections::BTreeSet<(&'static str, String)> =
        std::collections::BTreeSet::new();
    for section in SECTIONS {
        if let Some(map) = raw
            .pointer(&format!("/components/{section}"))
            .and_then(|v| v.as_object())
        {
            taken.extend(map.keys().map(|k| (section, k.clone())));
        }
    }
    // Deepest first: moving a target leaves a reference behind, so one nested inside
    // another must move before its container does.
    let mut targets: Vec<_> = targets.into_iter().collect();
    targets.sort_by_key(|(tokens, _)| std::cmp::Reverse(tokens.len()));
    for (tokens, (section, refs)) in targets {
        let token_refs: Vec<&str> = tokens.iter().map(String::as_str).collect();
        let target_pointer = crate::pointer::pointer(&token_refs);
        if section.is_empty() {
            for r in refs {
                if r != target_pointer {
                    renames.insert(r, target_pointer.clone());
                }
            }
            continue;
        }
        // A parameter by its index is named by its `name`.
        let param_names: Vec<Option<String>> = (0..tokens.len())
            .map(|i| {
                let after_parameters = i > 0 && tokens[i - 1] == "parameters";
                let numeric = tokens[i].bytes().all(|b| b.is_ascii_digit());
                (after_parameters && numeric)
                    .then(|| lookup(raw, &tokens[..=i]))
                    .flatten()
                    .and_then(|p| p.get("name"))
                    .and_then(|n| n.as_str())
                    .map(str::to_string)
            })
            .collect();
        let Some(slot) = lookup_mut(raw, &tokens) else {
            continue;
        };
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
            "headers",
        ];
        let words: Vec<String> = tokens
            .iter()
            .zip(&param_names)
            .map(|(t, name)| name.as_ref().unwrap_or(t))
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
        let new_ref = crate::pointer::pointer(&["components", section, &name]);
        // Move the target and leave a reference in its place, so every use shares it.
        let target = std::mem::replace(slot, serde_json::json!({ "$ref": new_ref }));
        moved.push((new_ref.clone(), target_pointer));
        for r in refs {
            renames.insert(r, new_ref.clone());
        }
        hoisted.push((section, name, target));
    }
    if let Some(root) = raw.as_object_mut().filter(|_| !hoisted.is_empty()) {
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
    if !renames.is_empty() {
        rewrite_refs(raw, &renames);
    }
    moved
}

/// The section a target belongs in by where it sits: anything inside a schema is a
/// schema; otherwise the container it sits in says.
fn section_of(tokens: &[String]) -> Option<&'static str> {
    let in_schema = tokens
        .iter()
        .any(|t| matches!(t.as_str(), "schema" | "schemas" | "definitions" | "$defs"));
    let parent = tokens.len().checked_sub(2).map(|i| tokens[i].as_str());
    if in_schema {
        Some("schemas")
    } else if tokens.last().map(String::as_str) == Some("requestBody") {
        Some("requestBodies")
    } else {
        match parent {
            Some("parameters") => Some("parameters"),
            Some("responses") => Some("responses"),
            Some("headers") => Some("headers"),
            Some("requestBodies") => Some("requestBodies"),
            _ => None,
        }
    }
}

/// What a reference at `path` (the tokens of the object holding `$ref`) stands for, by the
/// place it is used in.
fn use_of(path: &[String]) -> Option<&'static str> {
    let last = path.last().map(String::as_str);
    let parent = path.len().checked_sub(2).map(|i| path[i].as_str());
    let schema_slot = matches!(
        last,
        Some("schema" | "items" | "not" | "additionalProperties")
    ) || matches!(
        parent,
        Some(
            "properties"
                | "allOf"
                | "oneOf"
                | "anyOf"
                | "schemas"
                | "definitions"
                | "$defs"
                | "patternProperties"
        )
    );
    if schema_slot {
        return Some("schemas");
    }
    if last == Some("requestBody") || parent == Some("requestBodies") {
        return Some("requestBodies");
    }
    match parent {
        Some("parameters") => Some("parameters"),
        Some("responses") => Some("responses"),
        Some("headers") => Some("headers"),
        _ => None,
    }
}

/// Every local reference with what its first use stands for and where that use is.
fn collect_uses(
    v: &serde_json::Value,
    path: &mut Vec<String>,
    out: &mut std::collections::BTreeMap<String, (Option<&'static str>, String)>,
) {
    match v {
        serde_json::Value::Object(map) => {
            if let Some(serde_json::Value::String(r)) = map.get("$ref") {
                if r.starts_with('#') && !out.contains_key(r) {
                    let tokens: Vec<&str> = path.iter().map(String::as_str).collect();
                    out.insert(r.clone(), (use_of(path), crate::pointer::pointer(&tokens)));
                }
            }
            for (k, v) in map {
                if v.is_object() || v.is_array() {
                    path.push(k.clone());
                    collect_uses(v, path, out);
                    path.pop();
                }
            }
        }
        serde_json::Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                if v.is_object() || v.is_array() {
                    path.push(i.to_string());
                    collect_uses(v, path, out);
                    path.pop();
                }
            }
        }
        _ => {}
    }
}

/// The tokens of the object a pointer leads to, following references met on the way (not
/// the one at its end, which is a chain the resolver follows), or why there is none.
fn canonical(raw: &serde_json::Value, tokens: Vec<String>) -> Result<Vec<String>, String> {
    let mut hops = 0;
    let mut pending: std::collections::VecDeque<String> = tokens.into();
    let mut done: Vec<String> = Vec::new();
    let mut node = raw;
    while let Some(t) = pending.pop_front() {
        let next = match node {
            serde_json::Value::Object(map) => map.get(&t),
            serde_json::Value::Array(items) => t.parse::<usize>().ok().and_then(|i| items.get(i)),
            _ => None,
        };
        if let Some(next) = next {
            node = next;
            done.push(t);
            continue;
        }
        // A reference on the way: go on from its target.
        let through = node
            .get("$ref")
            .and_then(|r| r.as_str())
            .and_then(|r| r.strip_prefix('#'));
        let Some(through) = through else {
            let at: Vec<&str> = done.iter().map(String::as_str).collect();
            return Err(format!(
                "points at nothing in the document: `{}` has no `{t}`",
                crate::pointer::pointer(&at)
            ));
        };
        hops += 1;
        if hops > MAX_HOPS {
            return Err("leads through references in a cycle".to_string());
        }
        pending.push_front(t);
        let through: Vec<String> = through.split('/').skip(1).map(unescape_token).collect();
        for token in through.into_iter().rev() {
            pending.push_front(token);
        }
        done.clear();
        node = raw;
    }
    if !node.is_object() {
        return Err("points at a value that is not an object".to_string());
    }
    Ok(done)
}

/// Follows decoded pointer tokens through objects and arrays.
fn lookup<'v>(mut v: &'v serde_json::Value, tokens: &[String]) -> Option<&'v serde_json::Value> {
    for t in tokens {
        v = match v {
            serde_json::Value::Object(map) => map.get(t)?,
            serde_json::Value::Array(items) => items.get(t.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(v)
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

#[cfg(test)]
mod tests {
    /// A pointer whose way leads through references that lead back to each other ends with
    /// an error at the reference, not a hang.
    #[test]
    fn pointers_through_looping_references_end_with_an_error() {
        let mut raw = serde_json::json!({
            "x-a": {"$ref": "#/x-b"},
            "x-b": {"$ref": "#/x-a"},
            "paths": {"/p": {"get": {"parameters": [{"$ref": "#/x-a/inner"}]}}}
        });
        let mut diags = crate::diagnostics::Diagnostics::default();
        super::hoist_nested_schema_refs(&mut raw, &mut diags);
        let text = diags.to_string();
        assert!(
            text.contains("reference `#/x-a/inner` leads through references in a cycle")
                && text.contains("#/paths/~1p/get/parameters/0"),
            "{text}"
        );
    }

    /// A target outside any known container is what its use says: a parameter kept in a
    /// vendor extension moves under `#/components/parameters`.
    #[test]
    fn targets_in_extensions_are_what_their_use_says() {
        let mut raw = serde_json::json!({
            "x-shared": {"trace": {"name": "t", "in": "header", "schema": {"type": "string"}}},
            "paths": {"/p": {"get": {"parameters": [{"$ref": "#/x-shared/trace"}]}}}
        });
        let mut diags = crate::diagnostics::Diagnostics::default();
        let moved = super::hoist_nested_schema_refs(&mut raw, &mut diags);
        assert!(diags.0.is_empty(), "{diags}");
        assert_eq!(
            moved,
            [(
                "#/components/parameters/x-shared_trace".to_string(),
                "#/x-shared/trace".to_string()
            )]
        );
        assert_eq!(
            raw.pointer("/paths/~1p/get/parameters/0/$ref"),
            Some(&serde_json::json!("#/components/parameters/x-shared_trace"))
        );
    }
}
