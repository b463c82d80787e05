//! Normalise 3.1: rewrites an OpenAPI 3.1 document (JSON tree) into the 3.0 model where the
//! meaning is kept, and reports with a warning what cannot be kept.
//!
//! Covered: `type` arrays with `"null"` (to `nullable`), `const` (to a one-value `enum`),
//! schema `examples` arrays (to `example`), numeric `exclusiveMinimum`/`exclusiveMaximum`
//! (to the 3.0 boolean form), `oneOf`/`anyOf` members that are only `{type: "null"}`,
//! documents without `paths`, and `info.license.identifier` (kept as the extension
//! [`LICENSE_IDENTIFIER`], since the 3.0 model has no such field).

use crate::diagnostics::Diagnostics;
use crate::pointer::child;
use serde_json::{Map, Value};

/// Keys whose value is a map from names (not keywords) to objects.
const NAME_MAPS: &[&str] = &[
    "properties",
    "patternProperties",
    "schemas",
    "responses",
    "parameters",
    "examples",
    "requestBodies",
    "headers",
    "securitySchemes",
    "links",
    "callbacks",
    "paths",
    "content",
    "encoding",
    "mapping",
    "variables",
    "definitions",
    "$defs",
    "webhooks",
    "scopes",
    "pathItems",
    "dependentSchemas",
];

/// The extension of `info.license` that holds a 3.1 document's `identifier` (an SPDX
/// expression) after normalising.
pub const LICENSE_IDENTIFIER: &str = "x-openapi-rs-gen-license-identifier";

/// Keys whose value is user data, never to be rewritten.
const DATA: &[&str] = &["example", "default", "enum", "const", "x-examples"];

/// Rewrites `raw` in place from 3.1 to 3.0.3.
pub fn normalize(raw: &mut Value, warnings: &mut Diagnostics) {
    if let Some(obj) = raw.as_object_mut() {
        obj.insert("openapi".to_string(), Value::String("3.0.3".to_string()));
        obj.entry("paths")
            .or_insert_with(|| Value::Object(Map::new()));
        if obj.remove("webhooks").is_some() {
            warnings.warning(
                "#/webhooks",
                "webhooks are not part of a client and are ignored",
            );
        }
        let license = obj
            .get_mut("info")
            .and_then(|i| i.get_mut("license"))
            .and_then(Value::as_object_mut);
        if let Some(license) = license {
            if let Some(id) = license.remove("identifier") {
                license.insert(LICENSE_IDENTIFIER.to_string(), id);
            }
        }
    }
    walk(raw, "#", false, warnings);
}

fn walk(v: &mut Value, at: &str, names: bool, warnings: &mut Diagnostics) {
    match v {
        Value::Object(map) => {
            if !names {
                rewrite_schema_keywords(map, at, warnings);
            }
            for (k, child_v) in map.iter_mut() {
                if !names && DATA.contains(&k.as_str()) {
                    continue;
                }
                // Inside a name map, each value is an ordinary object again.
                let child_names = !names && NAME_MAPS.contains(&k.as_str()) && child_v.is_object();
                walk(child_v, &child(at, k), child_names, warnings);
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter_mut().enumerate() {
                walk(item, &child(at, &i.to_string()), false, warnings);
            }
        }
        _ => {}
    }
}

/// Boolean schemas (3.1): `true` accepts anything and becomes `{}`; a property whose
/// schema is `false` can never be present and is dropped; elsewhere `false` has no 3.0
/// form and is reported.
fn rewrite_boolean_schemas(map: &mut Map<String, Value>, at: &str, warnings: &mut Diagnostics) {
    for key in ["properties", "patternProperties"] {
        if let Some(Value::Object(props)) = map.get_mut(key) {
            let never: Vec<String> = props
                .iter()
                .filter(|(_, v)| **v == Value::Bool(false))
                .map(|(k, _)| k.clone())
                .collect();
            for name in never {
                props.remove(&name);
                warnings.warning(child(&child(at, key), &name), format!("property `{name}` has the schema `false` (it can never be present) and is left out"));
            }
            for v in props.values_mut() {
                if *v == Value::Bool(true) {
                    *v = Value::Object(Map::new());
                }
            }
        }
    }
    for key in ["items", "not"] {
        match map.get(key) {
            Some(Value::Bool(true)) => {
                map.insert(key.to_string(), Value::Object(Map::new()));
            }
            Some(Value::Bool(false)) => {
                map.insert(key.to_string(), Value::Object(Map::new()));
                warnings.weakened(
                    child(at, key),
                    format!("`{key}: false` has no 3.0 form; it is read as `{key}: {{}}`"),
                );
            }
            _ => {}
        }
    }
    for key in ["allOf", "oneOf", "anyOf"] {
        if let Some(Value::Array(members)) = map.get_mut(key) {
            for m in members.iter_mut() {
                if *m == Value::Bool(true) {
                    *m = Value::Object(Map::new());
                }
            }
        }
    }
}

fn rewrite_schema_keywords(map: &mut Map<String, Value>, at: &str, warnings: &mut Diagnostics) {
    rewrite_boolean_schemas(map, at, warnings);
    // `type: [string, "null"]`.
    if let Some(Value::Array(types)) = map.get("type").cloned() {
        let mut non_null: Vec<Value> = types
            .iter()
            .filter(|t| t.as_str() != Some("null"))
            .cloned()
            .collect();
        let nullable = non_null.len() != types.len();
        if nullable {
            map.insert("nullable".to_string(), Value::Bool(true));
        }
        match non_null.len() {
            0 => {
                map.remove("type");
            }
            1 => {
                map.insert("type".to_string(), non_null.remove(0));
            }
            _ => {
                map.remove("type");
                warnings.weakened(
                    child(at, "type"),
                    "a list of several types has no 3.0 form; the value is typed as free-form JSON",
                );
            }
        }
    } else if map.get("type").and_then(Value::as_str) == Some("null") {
        map.remove("type");
        map.insert("nullable".to_string(), Value::Bool(true));
    }
    // `const: x` is a one-value enum.
    if let Some(c) = map.remove("const") {
        map.insert("enum".to_string(), Value::Array(vec![c]));
    }
    // Schema `examples` is an array in 3.1; the 3.0 schema has one `example`. Media types
    // and parameters keep their `examples` maps, which are objects.
    if let Some(Value::Array(examples)) = map.get("examples").cloned() {
        map.remove("examples");
        if let Some(first) = examples.into_iter().next() {
            map.entry("example").or_insert(first);
        }
    }
    for (exclusive, bound) in [
        ("exclusiveMinimum", "minimum"),
        ("exclusiveMaximum", "maximum"),
    ] {
        if let Some(n @ Value::Number(_)) = map.get(exclusive).cloned() {
            map.insert(bound.to_string(), n);
            map.insert(exclusive.to_string(), Value::Bool(true));
        }
    }
    // `oneOf: [X, {type: "null"}]` is a nullable X.
    for key in ["oneOf", "anyOf"] {
        let Some(Value::Array(members)) = map.get(key).cloned() else {
            continue;
        };
        let is_null = |m: &Value| {
            m.get("type").and_then(Value::as_str) == Some("null")
                && m.as_object().is_some_and(|o| o.len() == 1)
        };
        if !members.iter().any(is_null) {
            continue;
        }
        let rest: Vec<Value> = members.into_iter().filter(|m| !is_null(m)).collect();
        map.insert("nullable".to_string(), Value::Bool(true));
        if rest.len() == 1 {
            map.remove(key);
            map.insert("allOf".to_string(), Value::Array(rest));
        } else {
            map.insert(key.to_string(), Value::Array(rest));
        }
    }
    for unsupported in [
        "prefixItems",
        "if",
        "then",
        "else",
        "dependentSchemas",
        "unevaluatedProperties",
        "unevaluatedItems",
        "contains",
    ] {
        if map.remove(unsupported).is_some() {
            warnings.weakened(
                child(at, unsupported),
                format!("`{unsupported}` has no 3.0 equivalent and is ignored"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn keeps_the_license_identifier_as_an_extension() {
        let mut doc = json!({
            "openapi": "3.1.0",
            "info": {"title": "t", "version": "1", "license": {"name": "n", "identifier": "MIT"}}
        });
        normalize(&mut doc, &mut Diagnostics::default());
        assert_eq!(
            doc["info"]["license"],
            json!({"name": "n", LICENSE_IDENTIFIER: "MIT"})
        );
    }

    #[test]
    fn rewrites_31_schema_keywords() {
        let mut doc = json!({
            "openapi": "3.1.0",
            "info": {"title": "t", "version": "1"},
            "components": {"schemas": {"A": {
                "type": "object",
                "properties": {
                    "const": {"type": ["string", "null"], "examples": ["x"]},
                    "type": {"const": "fixed"},
                    "n": {"type": "integer", "exclusiveMinimum": 0},
                    "r": {"oneOf": [{"$ref": "#/components/schemas/B"}, {"type": "null"}]}
                },
                "example": {"type": ["kept", "as", "data"]}
            }}}
        });
        let mut w = Diagnostics::default();
        normalize(&mut doc, &mut w);
        assert!(w.is_empty());
        let props = &doc["components"]["schemas"]["A"]["properties"];
        assert_eq!(
            props["const"],
            json!({"type": "string", "nullable": true, "example": "x"})
        );
        assert_eq!(props["type"], json!({"enum": ["fixed"]}));
        assert_eq!(
            props["n"],
            json!({"type": "integer", "minimum": 0, "exclusiveMinimum": true})
        );
        assert_eq!(
            props["r"],
            json!({"nullable": true, "allOf": [{"$ref": "#/components/schemas/B"}]})
        );
        assert_eq!(
            doc["components"]["schemas"]["A"]["example"],
            json!({"type": ["kept", "as", "data"]})
        );
        assert_eq!(doc["openapi"], "3.0.3");
        let mut b = json!({"openapi": "3.1.0", "components": {"schemas": {"B": {"type": "object", "properties": {"gone": false, "any": true}, "items": true}}}});
        let mut w = Diagnostics::default();
        normalize(&mut b, &mut w);
        assert_eq!(
            b["components"]["schemas"]["B"],
            json!({"type": "object", "properties": {"any": {}}, "items": {}})
        );
        assert_eq!(w.0.len(), 1);
        assert!(doc["paths"].is_object());
    }
}
