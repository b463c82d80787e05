//! Load: document text (YAML or JSON) into an `openapiv3::OpenAPI`, refusing what is not
//! OpenAPI 3.0 with a diagnostic that says what the document is.

use crate::diagnostics::{Diagnostic, Diagnostics};

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
        for (new, old) in moved {
            if let Some(rest) = d.pointer.strip_prefix(new.as_str()) {
                if rest.is_empty() || rest.starts_with('/') {
                    d.pointer = format!("{old}{rest}");
                    break;
                }
            }
        }
    }
}

/// Parses `text` as an OpenAPI 3.0.x document.
pub fn load(text: &str) -> Result<Loaded, Diagnostics> {
    let mut diags = Diagnostics::default();
    let mut raw = match parse_tree(text) {
        Ok(raw) => raw,
        Err(d) => {
            diags.push(d);
            return Err(diags);
        }
    };
    let version = match check_version(&raw) {
        Ok(v) => v,
        Err(d) => {
            diags.push(d);
            return Err(diags);
        }
    };
    let mut warnings = Diagnostics::default();
    if version == Version::V31 {
        crate::normalize31::normalize(&mut raw, &mut warnings);
    }
    reject_external_refs(&raw, "#", &mut diags);
    let moved = hoist_nested_schema_refs(&mut raw);
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

/// Reads YAML or JSON into a JSON tree. JSON goes through serde_json, which is much faster
/// than the YAML parser on large documents.
pub fn parse_tree(text: &str) -> Result<serde_json::Value, Diagnostic> {
    let trimmed = text.trim_start_matches('\u{feff}').trim_start();
    if trimmed.starts_with('{') {
        return serde_json::from_str(trimmed).map_err(|e| {
            Diagnostic::error(
                "#",
                format!(
                    "not valid JSON: {} at line {} column {}",
                    e_kind(&e),
                    e.line(),
                    e.column()
                ),
            )
        });
    }
    let value: serde_yaml::Value = serde_yaml::from_str(trimmed).map_err(|e| {
        let place = e
            .location()
            .map(|l| format!(" at line {} column {}", l.line(), l.column()))
            .unwrap_or_default();
        let msg = e.to_string();
        let msg = msg.split(" at line ").next().unwrap_or(&msg).to_string();
        Diagnostic::error(
            "#",
            format!("not valid YAML: {}{place}", lowercase_first(&msg)),
        )
    })?;
    yaml_to_json(value, "#")
}

fn e_kind(e: &serde_json::Error) -> String {
    let msg = e.to_string();
    lowercase_first(msg.split(" at line ").next().unwrap_or(&msg))
}

/// Converts YAML to JSON, turning non-string keys into strings (status codes are often
/// written as bare integers) and refusing what JSON cannot hold.
fn yaml_to_json(value: serde_yaml::Value, at: &str) -> Result<serde_json::Value, Diagnostic> {
    use serde_json::Value as J;
    use serde_yaml::Value as Y;
    Ok(match value {
        Y::Null => J::Null,
        Y::Bool(b) => J::Bool(b),
        Y::Number(n) => {
            if let Some(i) = n.as_i64() {
                J::from(i)
            } else if let Some(u) = n.as_u64() {
                J::from(u)
            } else {
                let f = n.as_f64().unwrap_or(f64::NAN);
                serde_json::Number::from_f64(f)
                    .map(J::Number)
                    .ok_or_else(|| {
                        Diagnostic::error(
                            at,
                            "a number that JSON cannot represent (NaN or infinity)",
                        )
                    })?
            }
        }
        Y::String(s) => J::String(s),
        Y::Sequence(items) => {
            let mut out = Vec::with_capacity(items.len());
            for (i, item) in items.into_iter().enumerate() {
                out.push(yaml_to_json(
                    item,
                    &crate::diagnostics::child(at, &i.to_string()),
                )?);
            }
            J::Array(out)
        }
        Y::Mapping(map) => {
            let mut out = serde_json::Map::with_capacity(map.len());
            for (k, v) in map {
                let key = match k {
                    Y::String(s) => s,
                    Y::Number(n) => n.to_string(),
                    Y::Bool(b) => b.to_string(),
                    Y::Null => "null".to_string(),
                    _ => return Err(Diagnostic::error(at, "a mapping key that is not a string")),
                };
                let child = crate::diagnostics::child(at, &key);
                let value = yaml_to_json(v, &child)?;
                out.insert(key, value);
            }
            J::Object(out)
        }
        Y::Tagged(tagged) => yaml_to_json(tagged.value, at)?,
    })
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
            pointer = crate::diagnostics::child(&pointer, t);
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

/// References to schemas, parameters, responses and request bodies anywhere but directly
/// under `#/components/...` (a property of another schema, a `definitions` block, a
/// parameter's schema, another path's parameter) are resolved by moving the target under
/// `#/components` with a name made from the pointer, leaving a reference in its place, and
/// rewriting the references, so the rest of the pipeline sees only component references.
fn hoist_nested_schema_refs(raw: &mut serde_json::Value) -> Vec<(String, String)> {
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
        let tokens: Vec<String> = pointer
            .split('/')
            .skip(1)
            .map(crate::lower::unescape_token)
            .collect();
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
            crate::diagnostics::pointer(&["components", section, &name]),
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
    use crate::diagnostics::{child, pointer};
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
            Segment::Seq { index } => out = crate::diagnostics::child(&out, &index.to_string()),
            Segment::Map { key } => out = crate::diagnostics::child(&out, key),
            Segment::Enum { variant } => out = crate::diagnostics::child(&out, variant),
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
