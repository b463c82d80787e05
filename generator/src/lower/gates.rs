//! Lower, last: with a Cargo feature per tag, each model is compiled only with the features
//! of the operations that use it, directly or through other models, so a crate built with one
//! tag's feature compiles that tag's types and no others.
//!
//! A type no operation uses (a webhook payload, a schema kept for reference) belongs to no
//! tag: it is compiled with the feature [`OTHER_SCHEMAS`] (off by default: the default build
//! is every operation with the types it uses), with every type it uses.

use super::merge::names_in_kind;
use crate::ir::{Group, TypeDef};
use std::collections::{BTreeMap, BTreeSet};

/// The feature of the types no operation uses. A tag's feature is a snake_case identifier,
/// so it never takes this name.
pub const OTHER_SCHEMAS: &str = "other-schemas";

/// Whether `t` is compiled only with [`OTHER_SCHEMAS`], which is not in `default`: no
/// operation uses it.
pub fn outside_default(t: &TypeDef) -> bool {
    matches!(t.features.as_slice(), [only] if only == OTHER_SCHEMAS)
}

/// Fills in `features` of every type some gated operation uses.
pub(crate) fn gate_models(types: &mut BTreeMap<String, TypeDef>, groups: &[Group]) {
    if !groups.iter().any(|g| g.feature.is_some()) {
        return;
    }
    let mut needed: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for g in groups {
        let Some(feature) = &g.feature else {
            // An ungated group uses its types whatever the features: they stay ungated.
            for op in &g.operations {
                for name in names_in(op) {
                    mark(types, &name, None, &mut needed);
                }
            }
            continue;
        };
        for op in &g.operations {
            for name in names_in(op) {
                mark(types, &name, Some(feature), &mut needed);
            }
        }
    }
    let unused: Vec<String> = types
        .keys()
        .filter(|n| !needed.contains_key(*n))
        .cloned()
        .collect();
    for name in unused {
        mark(types, &name, Some(&OTHER_SCHEMAS.to_string()), &mut needed);
    }
    for (name, features) in needed {
        if let Some(t) = types.get_mut(&name) {
            // The empty key is the mark of a use by an ungated group.
            if !features.contains("") {
                t.features = features.into_iter().collect();
            }
        }
    }
}

/// Marks `name` and every type it uses as needed by `feature` (`None`: always).
fn mark(
    types: &BTreeMap<String, TypeDef>,
    name: &str,
    feature: Option<&String>,
    needed: &mut BTreeMap<String, BTreeSet<String>>,
) {
    let key = feature.map(String::as_str).unwrap_or("");
    let mut todo = vec![name.to_string()];
    while let Some(n) = todo.pop() {
        let Some(t) = types.get(&n) else { continue };
        let marks = needed.entry(n).or_default();
        if marks.contains(key) {
            continue;
        }
        marks.insert(key.to_string());
        names_in_kind(&t.kind, &mut |used| todo.push(used.to_string()));
    }
}

/// The named types an operation mentions anywhere (parameters, bodies, responses, headers,
/// paging), read from its serialized form, so that no place a type can appear is missed: a
/// named type is written `{"Named":"Name"}`, and a Rust name needs no escapes.
fn names_in(op: &crate::ir::Operation) -> BTreeSet<String> {
    const MARK: &str = "{\"Named\":\"";
    let mut out = BTreeSet::new();
    let Ok(text) = serde_json::to_string(op) else {
        return out;
    };
    let mut rest = text.as_str();
    while let Some(at) = rest.find(MARK) {
        rest = &rest[at + MARK.len()..];
        if let Some(end) = rest.find('"') {
            out.insert(rest[..end].to_string());
            rest = &rest[end..];
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn models_take_the_features_of_the_operations_that_use_them() {
        let spec = r#"openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /pets:
    get:
      operationId: listPets
      tags: [pets]
      responses:
        '200':
          description: x
          content: {application/json: {schema: {$ref: '#/components/schemas/Pet'}}}
  /stores:
    get:
      operationId: listStores
      tags: [stores]
      responses:
        '200':
          description: x
          content: {application/json: {schema: {$ref: '#/components/schemas/Store'}}}
components:
  schemas:
    Pet:
      type: object
      properties: {petOwner: {$ref: '#/components/schemas/Owner'}}
    Store:
      type: object
      properties: {owner: {$ref: '#/components/schemas/Owner'}}
    Owner:
      type: object
      properties: {name: {type: string}}
    Hook:
      type: object
      properties: {hookOwner: {$ref: '#/components/schemas/Owner'}}
"#;
        let (api, _) = crate::lower_text(spec).unwrap();
        let features = |name: &str| {
            api.types
                .iter()
                .find(|t| t.name == name)
                .map(|t| t.features.clone())
                .unwrap()
        };
        assert_eq!(features("Pet"), ["pets"]);
        assert_eq!(features("Store"), ["stores"]);
        // Used by both tags and by a schema no operation uses.
        assert_eq!(features("Owner"), ["other-schemas", "pets", "stores"]);
        assert_eq!(features("Hook"), ["other-schemas"]);
    }
}
