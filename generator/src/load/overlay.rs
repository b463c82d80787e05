//! Load, overlay: applies an OpenAPI Overlay 1.0 document to the raw JSON tree of an API
//! description, before anything else reads it. Consumes the overlay's text (parsed with the
//! same bounds as documents) and the tree; changes the tree in place, action by action, and
//! reports what did not apply. Every diagnostic it makes points into the overlay, with the
//! overlay's label before the `#` (`overlay.yaml#/actions/2/target`), so none can be taken
//! for a place in the document.

use super::jsonpath::{to_pointer, Location, Query, Step};
use super::parse::{parse_tree, MAX_DEPTH};
use crate::diagnostics::Diagnostics;
use crate::options::Overlay;
use serde_json::Value;

/// One validated action.
struct Action {
    /// The action's pointer in the overlay, label included.
    at: String,
    /// The target as messages show it.
    target: String,
    query: Query,
    change: Change,
}

enum Change {
    Update(Value),
    Remove,
}

/// Applies `overlay` to `doc`. Targets that match nothing are warnings; a malformed overlay
/// and actions that cannot apply are errors, all of them reported together.
pub fn apply(
    overlay: &Overlay,
    doc: &mut Value,
    warnings: &mut Diagnostics,
) -> Result<(), Diagnostics> {
    let at = |pointer: &str| format!("{}{pointer}", overlay.label);
    let mut errors = Diagnostics::default();
    let tree = match parse_tree(&overlay.text) {
        Ok(tree) => tree,
        Err(mut d) => {
            d.pointer = at(&d.pointer);
            errors.push(d);
            return Err(errors);
        }
    };
    let actions = validate(&tree, &at, &mut errors);
    if errors.has_errors() {
        return Err(errors);
    }
    for action in actions {
        apply_action(&action, doc, warnings, &mut errors);
    }
    if errors.has_errors() {
        Err(errors)
    } else {
        Ok(())
    }
}

/// Checks the overlay's shape and parses every target, reporting each problem.
fn validate(tree: &Value, at: &dyn Fn(&str) -> String, errors: &mut Diagnostics) -> Vec<Action> {
    let Some(obj) = tree.as_object() else {
        errors.error(at("#"), "not an overlay: the document is not an object");
        return Vec::new();
    };
    match obj.get("overlay") {
        None => errors.error(
            at("#"),
            "not an overlay: there is no `overlay` version field",
        ),
        Some(Value::String(v)) if v.starts_with("1.0.") => {}
        Some(v) => errors.error(
            at("#/overlay"),
            format!("unsupported Overlay version {v}; only 1.0.x (a string) is supported"),
        ),
    }
    match obj.get("info") {
        Some(Value::Object(info)) => {
            for key in ["title", "version"] {
                if !info.get(key).is_some_and(Value::is_string) {
                    errors.error(
                        at(&format!("#/info/{key}")),
                        format!("the overlay's `info.{key}` must be a string"),
                    );
                }
            }
        }
        _ => errors.error(
            at("#/info"),
            "the overlay needs `info`, an object with `title` and `version`",
        ),
    }
    if obj.get("extends").is_some_and(|e| !e.is_string()) {
        errors.error(
            at("#/extends"),
            "`extends` must be a string (a URL of the document the overlay is for)",
        );
    }
    let list = match obj.get("actions") {
        Some(Value::Array(list)) if !list.is_empty() => list,
        _ => {
            errors.error(
                at("#/actions"),
                "the overlay needs `actions`, a non-empty array",
            );
            return Vec::new();
        }
    };
    let mut out = Vec::new();
    for (i, action) in list.iter().enumerate() {
        let here = at(&format!("#/actions/{i}"));
        if let Some(a) = validate_action(action, here, errors) {
            out.push(a);
        }
    }
    out
}

fn validate_action(action: &Value, at: String, errors: &mut Diagnostics) -> Option<Action> {
    let Some(obj) = action.as_object() else {
        errors.error(
            at,
            "an action must be an object with `target` and `update` or `remove`",
        );
        return None;
    };
    let Some(target) = obj.get("target").and_then(Value::as_str) else {
        errors.error(
            at,
            "an action needs `target`, a JSONPath expression (RFC 9535) as a string",
        );
        return None;
    };
    let query = match Query::parse(target) {
        Ok(q) => Some(q),
        Err(e) => {
            errors.error(
                format!("{at}/target"),
                format!(
                    "`{}` is not a JSONPath expression this generator supports: {e}",
                    shown(target)
                ),
            );
            None
        }
    };
    let remove = match obj.get("remove") {
        None | Some(Value::Bool(false)) => false,
        Some(Value::Bool(true)) => true,
        Some(_) => {
            errors.error(format!("{at}/remove"), "`remove` must be true or false");
            return None;
        }
    };
    let change = match (obj.get("update"), remove) {
        (Some(_), true) => {
            errors.error(at, "an action has `update` or `remove: true`, not both");
            return None;
        }
        (Some(update), false) => Change::Update(update.clone()),
        (None, true) => Change::Remove,
        (None, false) => {
            errors.error(at, "an action needs `update` or `remove: true`");
            return None;
        }
    };
    Some(Action {
        at,
        target: shown(target),
        query: query?,
        change,
    })
}

fn apply_action(
    action: &Action,
    doc: &mut Value,
    warnings: &mut Diagnostics,
    errors: &mut Diagnostics,
) {
    let target_at = format!("{}/target", action.at);
    let found = match action.query.locate(doc) {
        Ok(found) => found,
        Err(e) => {
            errors.error(
                target_at,
                format!("the target `{}` cannot be applied: {e}", action.target),
            );
            return;
        }
    };
    if found.is_empty() {
        warnings.warning(
            &action.at,
            format!(
                "the target `{}` matches nothing in the document, so the action changes nothing",
                action.target
            ),
        );
        return;
    }
    // A node selected twice (`$[0,0]`) changes once.
    let mut seen = std::collections::BTreeSet::new();
    let found: Vec<Location> = found
        .into_iter()
        .filter(|l| seen.insert(l.clone()))
        .collect();
    match &action.change {
        Change::Remove => {
            // Deepest and last first, so no removal moves a node another one names.
            for location in seen.iter().rev() {
                if location.is_empty() {
                    errors.error(
                        &target_at,
                        format!(
                            "the target `{}` selects the document's root, which cannot be removed",
                            action.target
                        ),
                    );
                    continue;
                }
                remove(doc, location);
            }
        }
        Change::Update(update) => {
            for location in &found {
                let Some(node) = node_mut(doc, location) else {
                    continue;
                };
                let place = to_pointer(location);
                if location.len() + 1 + depth(update) > MAX_DEPTH {
                    errors.error(&target_at, format!("the update would nest the document more than {MAX_DEPTH} levels deep at {place}"));
                    continue;
                }
                match (node, update) {
                    (Value::Array(items), _) => items.push(update.clone()),
                    (node @ Value::Object(_), Value::Object(_)) => merge(node, update),
                    (Value::Object(_), _) => errors.error(
                        format!("{}/update", action.at),
                        format!("the target `{}` selects an object ({place}), so `update` must be an object", action.target),
                    ),
                    (node, _) => errors.error(
                        &target_at,
                        format!("the target `{}` selects {} ({place}); `update` applies to objects and arrays only", action.target, kind(node)),
                    ),
                }
            }
        }
    }
}

/// Merges `update` into `target`: objects member by member, arrays appended, anything else
/// replaced. The recursion follows the update's depth, which parsing bounds.
fn merge(target: &mut Value, update: &Value) {
    match (target, update) {
        (Value::Object(t), Value::Object(u)) => {
            for (k, v) in u {
                match t.get_mut(k) {
                    Some(existing) => merge(existing, v),
                    None => {
                        t.insert(k.clone(), v.clone());
                    }
                }
            }
        }
        (Value::Array(t), Value::Array(u)) => t.extend(u.iter().cloned()),
        (t, u) => *t = u.clone(),
    }
}

fn node_mut<'v>(doc: &'v mut Value, location: &[Step]) -> Option<&'v mut Value> {
    location
        .iter()
        .try_fold(doc, |node, step| match (node, step) {
            (Value::Object(map), Step::Key(k)) => map.get_mut(k),
            (Value::Array(items), Step::Index(i)) => items.get_mut(*i),
            _ => None,
        })
}

fn remove(doc: &mut Value, location: &[Step]) {
    let (last, parent) = location.split_last().expect("not the root");
    match (node_mut(doc, parent), last) {
        // `shift_remove` keeps the other members in document order.
        (Some(Value::Object(map)), Step::Key(k)) => {
            map.shift_remove(k);
        }
        (Some(Value::Array(items)), Step::Index(i)) if *i < items.len() => {
            items.remove(*i);
        }
        _ => {}
    }
}

/// How many levels a value nests (a scalar is 0), without recursion.
fn depth(value: &Value) -> usize {
    let mut deepest = 0;
    let mut stack = vec![(value, 0)];
    while let Some((v, d)) = stack.pop() {
        deepest = deepest.max(d);
        match v {
            Value::Object(map) => stack.extend(map.values().map(|c| (c, d + 1))),
            Value::Array(items) => stack.extend(items.iter().map(|c| (c, d + 1))),
            _ => {}
        }
    }
    deepest
}

/// A target as messages show it: whole when short, its start otherwise.
fn shown(target: &str) -> String {
    const SHOWN: usize = 60;
    match target.char_indices().nth(SHOWN) {
        Some((end, _)) => format!("{}…", &target[..end]),
        None => target.to_string(),
    }
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn overlay(text: &str) -> Overlay {
        Overlay {
            text: text.to_string(),
            label: "fix.yaml".to_string(),
        }
    }

    const HEAD: &str = "overlay: 1.0.0\ninfo: {title: fix, version: '1'}\n";

    /// Applies `actions` (YAML) to `doc`: the result and the warnings, or the errors.
    fn run(doc: Value, actions: &str) -> Result<(Value, String), String> {
        let mut doc = doc;
        let mut warnings = Diagnostics::default();
        match apply(
            &overlay(&format!("{HEAD}actions:\n{actions}")),
            &mut doc,
            &mut warnings,
        ) {
            Ok(()) => Ok((doc, warnings.to_string())),
            Err(e) => Err(e.to_string()),
        }
    }

    fn applied(doc: Value, actions: &str) -> Value {
        let (doc, warnings) = run(doc, actions).unwrap();
        assert_eq!(warnings, "");
        doc
    }

    #[test]
    fn update_merges_objects_recursively_and_appends_arrays() {
        let doc =
            json!({"info": {"title": "t", "contact": {"name": "a"}}, "tags": [{"name": "x"}]});
        let out = applied(
            doc,
            "- target: $.info\n  update: {title: fixed, contact: {email: e}, x-list: [1]}\n\
             - target: $.info\n  update: {x-list: [2], contact: {name: b}}\n\
             - target: $.tags\n  update: {name: y}\n",
        );
        assert_eq!(
            out,
            json!({
                "info": {"title": "fixed", "contact": {"name": "b", "email": "e"}, "x-list": [1, 2]},
                "tags": [{"name": "x"}, {"name": "y"}]
            })
        );
    }

    #[test]
    fn update_may_replace_a_member_of_any_type_and_applies_to_every_match() {
        let doc = json!({"paths": {"/a": {"get": {"x": 1}}, "/b": {"get": {"x": [1]}}}});
        let out = applied(
            doc,
            "- target: $.paths.*.get\n  update: {x: 2, operationId: op}\n",
        );
        assert_eq!(
            out,
            json!({"paths": {"/a": {"get": {"x": 2, "operationId": "op"}}, "/b": {"get": {"x": 2, "operationId": "op"}}}})
        );
    }

    #[test]
    fn remove_takes_each_match_out_of_its_parent() {
        let doc = json!({"a": [0, 1, 2, 3, 4], "o": {"k": 1, "l": {"k": 2}, "m": 3}});
        // Removing several elements of one array, and a node inside another removed node.
        let out = applied(doc, "- target: $.a[1,3,-1]\n  remove: true\n- target: $..k\n  remove: true\n- target: $.o.l\n  remove: true\n");
        assert_eq!(out, json!({"a": [0, 2], "o": {"m": 3}}));
        let out = applied(
            json!({"a": [0, 1, 2]}),
            "- target: $.a[0,0,*]\n  remove: true\n",
        );
        assert_eq!(out, json!({"a": []}));
    }

    #[test]
    fn actions_apply_in_order() {
        let doc = json!({"a": {}});
        let out = applied(
            doc,
            "- target: $.a\n  update: {b: 1}\n- target: $.a[?@ == 1]\n  remove: true\n- target: $.a\n  update: {c: 2}\n",
        );
        assert_eq!(out, json!({"a": {"c": 2}}));
    }

    #[test]
    fn a_target_that_matches_nothing_is_a_warning_naming_the_action() {
        let (doc, warnings) = run(
            json!({"a": {}}),
            "- target: $.a\n  remove: false\n  update: {b: 1}\n- target: $.missing\n  remove: true\n",
        )
        .unwrap();
        assert_eq!(doc, json!({"a": {"b": 1}}));
        assert_eq!(
            warnings,
            "warning: the target `$.missing` matches nothing in the document, so the action changes nothing (at fix.yaml#/actions/1)\n"
        );
    }

    #[test]
    fn actions_that_cannot_apply_are_errors_in_the_overlay() {
        let doc = json!({"a": {"n": 1}, "s": "text"});
        let err = |actions: &str| run(doc.clone(), actions).unwrap_err();
        assert_eq!(
            err("- target: $.s\n  update: {x: 1}\n"),
            "error: the target `$.s` selects a string (#/s); `update` applies to objects and arrays only (at fix.yaml#/actions/0/target)\n"
        );
        assert_eq!(
            err("- target: $.a\n  update: 3\n"),
            "error: the target `$.a` selects an object (#/a), so `update` must be an object (at fix.yaml#/actions/0/update)\n"
        );
        assert_eq!(
            err("- target: $\n  remove: true\n"),
            "error: the target `$` selects the document's root, which cannot be removed (at fix.yaml#/actions/0/target)\n"
        );
        // The update is within the overlay's depth limit, but not where it lands.
        let mut deep_doc = json!({});
        for _ in 0..10 {
            deep_doc = json!({ "d": deep_doc });
        }
        let target = format!("$.{}", ["d"; 10].join("."));
        let actions = format!(
            "- target: {target}\n  update: {{x: {}1{}}}\n",
            "[".repeat(120),
            "]".repeat(120)
        );
        assert_eq!(
            run(deep_doc, &actions).unwrap_err(),
            format!("error: the update would nest the document more than 128 levels deep at #{} (at fix.yaml#/actions/0/target)\n", "/d".repeat(10))
        );
    }

    #[test]
    fn a_malformed_overlay_is_refused_with_every_problem_located() {
        let mut doc = json!({});
        let errors = |text: &str| {
            let mut w = Diagnostics::default();
            apply(&overlay(text), &mut doc.clone(), &mut w)
                .unwrap_err()
                .to_string()
        };
        assert_eq!(
            errors("[]"),
            "error: not an overlay: the document is not an object (at fix.yaml#)\n"
        );
        assert!(errors("actions: [\n").starts_with("error: not valid YAML"));
        assert!(errors("actions: [\n").ends_with("(at fix.yaml#)\n"));
        assert_eq!(
            errors("overlay: 1.1\ninfo: {title: 1}\nextends: 2\nactions: []\n"),
            "error: unsupported Overlay version 1.1; only 1.0.x (a string) is supported (at fix.yaml#/overlay)\n\
             error: the overlay's `info.title` must be a string (at fix.yaml#/info/title)\n\
             error: the overlay's `info.version` must be a string (at fix.yaml#/info/version)\n\
             error: `extends` must be a string (a URL of the document the overlay is for) (at fix.yaml#/extends)\n\
             error: the overlay needs `actions`, a non-empty array (at fix.yaml#/actions)\n"
        );
        assert_eq!(
            errors("info: {title: t, version: '1'}\nactions: [{target: $, remove: true}]\n"),
            "error: not an overlay: there is no `overlay` version field (at fix.yaml#)\n"
        );
        assert_eq!(
            errors(&format!(
                "{HEAD}actions:\n- 1\n- {{update: {{}}}}\n- {{target: '$.a[', update: {{}}}}\n- {{target: $.a, update: {{}}, remove: true}}\n- {{target: $.a}}\n- {{target: $.a, remove: 'yes'}}\n"
            )),
            "error: an action must be an object with `target` and `update` or `remove` (at fix.yaml#/actions/0)\n\
             error: an action needs `target`, a JSONPath expression (RFC 9535) as a string (at fix.yaml#/actions/1)\n\
             error: `$.a[` is not a JSONPath expression this generator supports: expected a selector: a name in quotes, `*`, an index, a slice or a filter (`?`) at character 5 (at fix.yaml#/actions/2/target)\n\
             error: an action has `update` or `remove: true`, not both (at fix.yaml#/actions/3)\n\
             error: an action needs `update` or `remove: true` (at fix.yaml#/actions/4)\n\
             error: `remove` must be true or false (at fix.yaml#/actions/5/remove)\n"
        );
        // Nothing applies when the overlay is malformed.
        let mut w = Diagnostics::default();
        let text =
            format!("{HEAD}actions:\n- {{target: $, update: {{a: 1}}}}\n- {{target: $.a}}\n");
        assert!(apply(&overlay(&text), &mut doc, &mut w).is_err());
        assert_eq!(doc, json!({}));
    }

    #[test]
    fn a_json_overlay_works_like_a_yaml_one() {
        let mut doc = json!({"a": {}});
        let mut w = Diagnostics::default();
        let text = r#"{"overlay": "1.0.0", "info": {"title": "t", "version": "1"}, "extends": "https://example.com/api.json", "actions": [{"target": "$.a", "update": {"b": true}, "description": "adds b"}]}"#;
        apply(&overlay(text), &mut doc, &mut w).unwrap();
        assert_eq!(doc, json!({"a": {"b": true}}));
        assert!(w.is_empty());
    }
}
