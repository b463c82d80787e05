//! Load: document text (YAML or JSON) into an `openapiv3::OpenAPI`, refusing what is not
//! OpenAPI 3.0 with a diagnostic that says what the document is. The first stage: it uses
//! only [`crate::diagnostics`], [`crate::pointer`] and the overlay of [`crate::options`].
//! In order: `parse` (text to a JSON tree, bounded), [`overlay`] (an OpenAPI Overlay's
//! actions, targets found by [`jsonpath`]), the version check, [`normalize31`] (3.1 to
//! 3.0), the external-reference check, `hoist` (nested reference targets under
//! `#/components`), then `openapiv3`.

mod hoist;
pub mod jsonpath;
pub mod normalize31;
pub mod overlay;
mod parse;

pub use hoist::collect_refs;
pub use parse::{parse_tree, yaml_node_limit, MAX_DEPTH, MAX_DOCUMENT_BYTES, MAX_YAML_NODES};

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::options::Overlay;

/// A parsed document: the typed model and the raw JSON tree it came from. The raw tree
/// answers questions the typed model cannot, such as vendor extensions on nested objects.
pub struct Loaded {
    /// The typed OpenAPI 3.0 model.
    pub api: openapiv3::OpenAPI,
    /// The same document as plain JSON (after normalising 3.1 to 3.0).
    pub raw: serde_json::Value,
    /// What loading approximated, such as 3.1 features without a 3.0 equivalent.
    pub warnings: Diagnostics,
    /// Targets of nested references that were moved under `#/components`: (new pointer,
    /// original pointer), so diagnostics can name the place in the document as written.
    pub moved: Vec<(String, String)>,
}

impl Loaded {
    /// Rewrites pointers into moved targets back to where the document has them.
    pub fn restore_pointers(&self, diags: &mut Diagnostics) {
        restore_pointers(&self.moved, diags);
    }
}

fn restore_pointers(moved: &[(String, String)], diags: &mut Diagnostics) {
    for d in &mut diags.0 {
        if let Some(p) = restore_pointer(moved, &d.pointer) {
            d.pointer = p;
        }
        // Messages name pointers too (the members of a cycle, between backticks).
        if moved
            .iter()
            .any(|(new, _)| d.message.contains(new.as_str()))
        {
            d.message = restore_in_text(moved, &d.message);
        }
    }
}

/// The pointer as the document has it, if it is inside a moved target.
fn restore_pointer(moved: &[(String, String)], pointer: &str) -> Option<String> {
    moved.iter().find_map(|(new, old)| {
        let rest = pointer.strip_prefix(new.as_str())?;
        (rest.is_empty() || rest.starts_with('/')).then(|| format!("{old}{rest}"))
    })
}

/// Rewrites each pointer in `text` (a `#/...` run up to a space or backtick) that is inside
/// a moved target.
fn restore_in_text(moved: &[(String, String)], text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("#/") {
        out.push_str(&rest[..start]);
        let tail = &rest[start..];
        let end = tail.find([' ', '`']).unwrap_or(tail.len());
        let pointer = &tail[..end];
        out.push_str(&restore_pointer(moved, pointer).unwrap_or_else(|| pointer.to_string()));
        rest = &tail[end..];
    }
    out.push_str(rest);
    out
}

/// Parses `text` as an OpenAPI 3.0.x document.
pub fn load(text: &str) -> Result<Loaded, Diagnostics> {
    load_with(text, None)
}

/// Parses `text` as an OpenAPI 3.0.x document, after applying `overlay` to it (so an
/// overlay may even fix the `openapi` field). The overlay's warnings come first among the
/// warnings; its errors stop loading.
pub fn load_with(text: &str, overlay: Option<&Overlay>) -> Result<Loaded, Diagnostics> {
    let mut diags = Diagnostics::default();
    let mut raw = match parse::parse_tree(text) {
        Ok(raw) => raw,
        Err(d) => {
            diags.push(d);
            return Err(diags);
        }
    };
    let mut warnings = Diagnostics::default();
    if let Some(overlay) = overlay {
        if let Err(errors) = overlay::apply(overlay, &mut raw, &mut warnings) {
            warnings.0.extend(errors.0);
            return Err(warnings);
        }
    }
    let version = match check_version(&raw) {
        Ok(v) => v,
        Err(d) => {
            // An overlay's target that matched nothing may be why.
            warnings.push(d);
            return Err(warnings);
        }
    };
    if version == Version::V31 {
        normalize31::normalize(&mut raw, &mut warnings);
    }
    reject_external_refs(&raw, "#", &mut diags);
    let moved = hoist::hoist_nested_schema_refs(&mut raw, &mut diags);
    if diags.has_errors() {
        return Err(diags);
    }
    // The plain decoder is faster; path tracking runs only to explain a failure.
    if let Ok(api) = <openapiv3::OpenAPI as serde::Deserialize>::deserialize(&raw) {
        return Ok(Loaded {
            api,
            raw,
            warnings,
            moved,
        });
    }
    match serde_path_to_error::deserialize::<_, openapiv3::OpenAPI>(&raw) {
        Ok(api) => Ok(Loaded {
            api,
            raw,
            warnings,
            moved,
        }),
        Err(err) => {
            // Errors inside flattened or untagged parts point too high; find the smallest
            // part of the document that fails on its own.
            let (pointer, message) = locate(&raw)
                .unwrap_or_else(|| (path_to_pointer("#", err.path()), err.inner().to_string()));
            diags.error(
                pointer,
                format!("not a valid OpenAPI 3.0 document: {}", explain(&message)),
            );
            restore_pointers(&moved, &mut diags);
            Err(diags)
        }
    }
}

#[derive(Debug, PartialEq, Eq)]
enum Version {
    V30,
    V31,
}

/// Says what a document is when it is not OpenAPI 3.0 or 3.1.
fn check_version(raw: &serde_json::Value) -> Result<Version, Diagnostic> {
    let Some(obj) = raw.as_object() else {
        return Err(Diagnostic::error(
            "#",
            "not an API description: the document is not an object",
        ));
    };
    if let Some(v) = obj.get("swagger") {
        let v = v
            .as_str()
            .map(str::to_string)
            .unwrap_or_else(|| v.to_string());
        return Err(Diagnostic::error(
            "#/swagger",
            format!("this is a Swagger {v} document; only OpenAPI 3.0.x is supported (convert it first, for example with swagger2openapi)"),
        ));
    }
    match obj.get("openapi") {
        None => Err(Diagnostic::error(
            "#",
            "not an API description: there is no `openapi` version field",
        )),
        Some(serde_json::Value::String(v)) if v.starts_with("3.0") => Ok(Version::V30),
        Some(serde_json::Value::String(v)) if v.starts_with("3.1") => Ok(Version::V31),
        Some(v) => Err(Diagnostic::error(
            "#/openapi",
            format!("unsupported OpenAPI version {v}; only 3.0.x and 3.1.x are supported"),
        )),
    }
}

/// External references would need files or network access; name each one.
fn reject_external_refs(value: &serde_json::Value, at: &str, diags: &mut Diagnostics) {
    let mut path: Vec<String> = Vec::new();
    walk_refs(value, &mut path, &mut |path, r| {
        let tokens: Vec<&str> = path.iter().map(String::as_str).collect();
        let mut pointer = at.to_string();
        for t in tokens {
            pointer = crate::pointer::child(&pointer, t);
        }
        diags.error(
            pointer,
            format!("external reference `{r}` is not supported; bundle the document into one file first"),
        );
    });
}

/// Calls `found` for every `$ref` that does not start with `#`. The path is kept as a stack
/// of tokens and only turned into a pointer on a hit: large documents have millions of
/// nodes and almost never an external reference.
fn walk_refs(
    value: &serde_json::Value,
    path: &mut Vec<String>,
    found: &mut dyn FnMut(&[String], &str),
) {
    match value {
        serde_json::Value::Object(map) => {
            for (k, v) in map {
                if k == "$ref" {
                    if let Some(r) = v.as_str().filter(|r| !r.starts_with('#')) {
                        path.push(k.clone());
                        found(path, r);
                        path.pop();
                    }
                } else if v.is_object() || v.is_array() {
                    path.push(k.clone());
                    walk_refs(v, path, found);
                    path.pop();
                }
            }
        }
        serde_json::Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                if v.is_object() || v.is_array() {
                    path.push(i.to_string());
                    walk_refs(v, path, found);
                    path.pop();
                }
            }
        }
        _ => {}
    }
}

/// Deserializes `value` as `T`, returning where and why it fails.
fn check<T: serde::de::DeserializeOwned>(
    value: &serde_json::Value,
    at: &str,
) -> Option<(String, String)> {
    match serde_path_to_error::deserialize::<_, T>(value) {
        Ok(_) => None,
        Err(e) => Some((path_to_pointer(at, e.path()), e.inner().to_string())),
    }
}

/// The first failing part among the places where errors are usually made.
fn locate(raw: &serde_json::Value) -> Option<(String, String)> {
    use crate::pointer::{child, pointer};
    use openapiv3::{
        Header, Operation, Parameter, PathItem, ReferenceOr, RequestBody, Response, Schema,
        SecurityScheme,
    };
    type Checker = fn(&serde_json::Value, &str) -> Option<(String, String)>;
    let sections: [(&str, Checker); 6] = [
        ("schemas", check::<ReferenceOr<Schema>>),
        ("parameters", check::<ReferenceOr<Parameter>>),
        ("responses", check::<ReferenceOr<Response>>),
        ("requestBodies", check::<ReferenceOr<RequestBody>>),
        ("securitySchemes", check::<ReferenceOr<SecurityScheme>>),
        ("headers", check::<ReferenceOr<Header>>),
    ];
    for (section, checker) in sections {
        if let Some(map) = raw
            .pointer(&format!("/components/{section}"))
            .and_then(|v| v.as_object())
        {
            for (name, v) in map {
                if let Some(found) = checker(v, &pointer(&["components", section, name])) {
                    return Some(found);
                }
            }
        }
    }
    let paths = raw.get("paths").and_then(|v| v.as_object())?;
    for (path, item) in paths {
        let item_at = pointer(&["paths", path]);
        let params = |v: &serde_json::Value, at: &str| -> Option<(String, String)> {
            let list = v.get("parameters")?.as_array()?;
            list.iter().enumerate().find_map(|(i, p)| {
                check::<ReferenceOr<Parameter>>(p, &child(&child(at, "parameters"), &i.to_string()))
            })
        };
        if let Some(found) = params(item, &item_at) {
            return Some(found);
        }
        for method in [
            "get", "put", "post", "delete", "options", "head", "patch", "trace",
        ] {
            let Some(op) = item.get(method) else { continue };
            let op_at = child(&item_at, method);
            if let Some(found) = params(op, &op_at) {
                return Some(found);
            }
            if let Some(rb) = op.get("requestBody") {
                if let Some(found) =
                    check::<ReferenceOr<RequestBody>>(rb, &child(&op_at, "requestBody"))
                {
                    return Some(found);
                }
            }
            if let Some(responses) = op.get("responses").and_then(|v| v.as_object()) {
                for (code, r) in responses {
                    if let Some(found) =
                        check::<ReferenceOr<Response>>(r, &child(&child(&op_at, "responses"), code))
                    {
                        return Some(found);
                    }
                }
            }
            if let Some(found) = check::<Operation>(op, &op_at) {
                return Some(found);
            }
        }
        if let Some(found) = check::<ReferenceOr<PathItem>>(item, &item_at) {
            return Some(found);
        }
    }
    None
}

fn path_to_pointer(base: &str, path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut out = base.to_string();
    for seg in path.iter() {
        match seg {
            Segment::Seq { index } => out = crate::pointer::child(&out, &index.to_string()),
            Segment::Map { key } => out = crate::pointer::child(&out, key),
            Segment::Enum { variant } => out = crate::pointer::child(&out, variant),
            Segment::Unknown => {}
        }
    }
    out
}

/// Says serde's messages about openapiv3's types in the document's terms.
fn explain(message: &str) -> String {
    if message.contains("ParameterSchemaOrContent") {
        return "a parameter needs either `schema` or `content`".to_string();
    }
    if message.contains("missing field `in`") {
        return "a parameter needs `in` (path, query, header or cookie)".to_string();
    }
    lowercase_first(message)
}

pub(crate) fn lowercase_first(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c
            .to_lowercase()
            .chain(chars)
            .collect::<String>()
            .trim_end_matches('.')
            .to_string(),
        None => String::new(),
    }
}
