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

/// The largest document accepted, in bytes: about two and a half times GitHub's REST API
/// description, the largest real document we know of. Bigger ones are refused before
/// parsing so memory stays bounded.
pub const MAX_DOCUMENT_BYTES: usize = 32 << 20;

/// The most values a YAML document may hold once its aliases are expanded: one million
/// more than its text could hold without aliases (one value per two bytes), and never more
/// than [`MAX_YAML_NODES`]. An alias repeats its anchor's whole value, so a few lines can
/// stand for billions of values ("billion laughs"); counting while converting stops that
/// before memory runs out.
pub fn yaml_node_limit(text_len: usize) -> usize {
    (text_len / 2 + 1_000_000).min(MAX_YAML_NODES)
}

/// The ceiling of [`yaml_node_limit`].
pub const MAX_YAML_NODES: usize = 4_000_000;

/// How deep JSON and YAML may nest (serde_json's and serde_yaml's own recursion limit,
/// which keeps every later recursive pass far from the end of the stack).
pub const MAX_DEPTH: usize = 128;

/// Reads YAML or JSON into a JSON tree. JSON goes through serde_json, which is much faster
/// than the YAML parser on large documents.
pub fn parse_tree(text: &str) -> Result<serde_json::Value, Diagnostic> {
    if text.len() > MAX_DOCUMENT_BYTES {
        return Err(Diagnostic::error(
            "#",
            format!(
                "the document is {} bytes, more than the limit of {MAX_DOCUMENT_BYTES} bytes ({} MiB)",
                text.len(),
                MAX_DOCUMENT_BYTES >> 20
            ),
        ));
    }
    let trimmed = text.trim_start_matches('\u{feff}').trim_start();
    if trimmed.starts_with('{') {
        return serde_json::from_str(trimmed).map_err(|e| {
            Diagnostic::error(
                "#",
                format!(
                    "not valid JSON: {} at line {} column {}",
                    depth_named(&e_kind(&e)),
                    e.line(),
                    e.column()
                ),
            )
        });
    }
    yaml_to_json(trimmed)
}

/// Names the depth limit in serde's terse message.
fn depth_named(message: &str) -> String {
    if message == "recursion limit exceeded" {
        format!("nested more than {MAX_DEPTH} levels deep")
    } else {
        message.to_string()
    }
}

fn e_kind(e: &serde_json::Error) -> String {
    let msg = e.to_string();
    lowercase_first(msg.split(" at line ").next().unwrap_or(&msg))
}

/// Converts YAML text to JSON, turning non-string keys into strings (status codes are often
/// written as bare integers), refusing what JSON cannot hold, and counting values as
/// aliases are expanded so that no document grows past [`MAX_YAML_NODES`].
fn yaml_to_json(text: &str) -> Result<serde_json::Value, Diagnostic> {
    use serde::de::DeserializeSeed;
    let budget = std::cell::RefCell::new(Budget {
        nodes: 0,
        limit: yaml_node_limit(text.len()),
        failure: None,
        trail: Vec::new(),
    });
    let result = Node(&budget).deserialize(serde_yaml::Deserializer::from_str(text));
    let err = match result {
        Ok(value) => return Ok(value),
        Err(err) => err,
    };
    let place = err
        .location()
        .map(|l| format!(" at line {} column {}", l.line(), l.column()))
        .unwrap_or_default();
    let Budget { failure, trail, .. } = budget.into_inner();
    let mut trail = trail;
    trail.reverse();
    let at = |tokens: &[String]| {
        let tokens: Vec<&str> = tokens.iter().map(String::as_str).collect();
        crate::diagnostics::pointer(&tokens)
    };
    if let Some((message, placed)) = failure {
        let place = if placed { place.as_str() } else { "" };
        return Err(Diagnostic::error(at(&trail), format!("{message}{place}")));
    }
    let msg = err.to_string();
    let msg = msg.split(" at line ").next().unwrap_or(&msg).to_string();
    let msg = lowercase_first(&msg);
    let (pointer, msg) = match msg.as_str() {
        "recursion limit exceeded" => {
            let (start, repeats) = cycle_start(&trail);
            if repeats >= 3 && text.contains('*') {
                let anchor = anchor_at(text, err.location())
                    .map(|a| format!(" (`&{a}`)"))
                    .unwrap_or_default();
                (
                    at(start),
                    format!("an alias is used inside its own anchor{anchor}, so the value would never end (the path repeats from here)"),
                )
            } else {
                (
                    at(&trail),
                    format!("nested more than {MAX_DEPTH} levels deep"),
                )
            }
        }
        "repetition limit exceeded" => (
            at(&trail),
            "aliases repeat their anchors more than 100 times the document's own size".to_string(),
        ),
        _ => ("#".to_string(), msg),
    };
    Err(Diagnostic::error(
        pointer,
        format!("not valid YAML: {msg}{place}"),
    ))
}

/// Where a path that repeats itself to the end (an alias inside its own anchor, expanded
/// until the depth limit) first goes round, and how many times the repeated part occurs.
fn cycle_start(tokens: &[String]) -> (&[String], usize) {
    for period in 1..=tokens.len() / 2 {
        let mut start = tokens.len() - period;
        while start > 0 && tokens[start - 1] == tokens[start - 1 + period] {
            start -= 1;
        }
        let repeats = (tokens.len() - start) / period;
        if repeats >= 2 {
            return (&tokens[..start + period], repeats);
        }
    }
    (tokens, 1)
}

/// The anchor name at a YAML error's place, if one starts there.
fn anchor_at(text: &str, at: Option<serde_yaml::Location>) -> Option<String> {
    let at = at?;
    let rest = text.get(at.index()..)?.strip_prefix('&')?;
    let name: String = rest
        .chars()
        .take_while(|c| !c.is_whitespace() && !matches!(c, ',' | '[' | ']' | '{' | '}'))
        .collect();
    (!name.is_empty()).then_some(name)
}

struct Budget {
    /// Values converted so far, aliases expanded.
    nodes: usize,
    /// The most values allowed.
    limit: usize,
    /// Why the conversion stopped, when the reason is ours, and whether serde_yaml's place
    /// (the value being read) helps: it does not for a repeated key, where it is the start
    /// of the mapping.
    failure: Option<(String, bool)>,
    /// Pointer tokens from the failing value up to the root, added as an error unwinds.
    trail: Vec<String>,
}

/// Converts one YAML value (and everything under it) to JSON.
#[derive(Clone, Copy)]
struct Node<'b>(&'b std::cell::RefCell<Budget>);

impl Node<'_> {
    fn fail<E: serde::de::Error>(self, message: String) -> E {
        self.fail_placed(message, true)
    }

    fn fail_placed<E: serde::de::Error>(self, message: String, placed: bool) -> E {
        let mut b = self.0.borrow_mut();
        let e = E::custom(&message);
        b.failure.get_or_insert((message, placed));
        e
    }

    fn count<E: serde::de::Error>(self) -> Result<(), E> {
        let (nodes, limit) = {
            let mut b = self.0.borrow_mut();
            b.nodes += 1;
            (b.nodes, b.limit)
        };
        if nodes > limit {
            return Err(self.fail(format!(
                "aliases expand the document to more than {limit} values, the limit for its size (one million more than its text holds, at most {MAX_YAML_NODES}); expansion stopped here"
            )));
        }
        Ok(())
    }

    /// Records that an error below happened under `token`.
    fn under(self, token: String) {
        self.0.borrow_mut().trail.push(token);
    }
}

impl<'de> serde::de::DeserializeSeed<'de> for Node<'_> {
    type Value = serde_json::Value;

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> serde::de::Visitor<'de> for Node<'_> {
    type Value = serde_json::Value;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a YAML value")
    }

    fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<Self::Value, E> {
        self.count()?;
        Ok(v.into())
    }

    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Self::Value, E> {
        self.count()?;
        Ok(v.into())
    }

    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Self::Value, E> {
        self.count()?;
        Ok(v.into())
    }

    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Self::Value, E> {
        self.count()?;
        serde_json::Number::from_f64(v)
            .map(serde_json::Value::Number)
            .ok_or_else(|| {
                self.fail("a number that JSON cannot represent (NaN or infinity)".to_string())
            })
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
        self.count()?;
        Ok(v.into())
    }

    fn visit_string<E: serde::de::Error>(self, v: String) -> Result<Self::Value, E> {
        self.count()?;
        Ok(v.into())
    }

    fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
        self.count()?;
        Ok(serde_json::Value::Null)
    }

    fn visit_none<E: serde::de::Error>(self) -> Result<Self::Value, E> {
        self.visit_unit()
    }

    fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        self.count()?;
        let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
        loop {
            match seq.next_element_seed(self) {
                Ok(Some(v)) => out.push(v),
                Ok(None) => return Ok(serde_json::Value::Array(out)),
                Err(e) => {
                    self.under(out.len().to_string());
                    return Err(e);
                }
            }
        }
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        self.count()?;
        let mut out = serde_json::Map::new();
        while let Some(key) = map.next_key_seed(Key(self))? {
            if out.contains_key(&key) {
                let e = self.fail_placed(
                    format!("the key `{key}` appears twice in this mapping"),
                    false,
                );
                self.under(key);
                return Err(e);
            }
            match map.next_value_seed(self) {
                Ok(v) => {
                    out.insert(key, v);
                }
                Err(e) => {
                    self.under(key);
                    return Err(e);
                }
            }
        }
        Ok(serde_json::Value::Object(out))
    }

    /// A tagged value (`!tag value`): the tag is dropped.
    fn visit_enum<A: serde::de::EnumAccess<'de>>(self, data: A) -> Result<Self::Value, A::Error> {
        use serde::de::VariantAccess;
        let (_tag, value) = data.variant::<String>()?;
        value.newtype_variant_seed(self)
    }
}

/// A mapping key as a JSON object key: strings as they are, numbers, booleans and null as
/// their text; anything else is refused.
struct Key<'b>(Node<'b>);

impl<'de> serde::de::DeserializeSeed<'de> for Key<'_> {
    type Value = String;

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> serde::de::Visitor<'de> for Key<'_> {
    type Value = String;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a string, number, boolean or null")
    }

    fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<String, E> {
        Ok(v.to_string())
    }

    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<String, E> {
        Ok(v.to_string())
    }

    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<String, E> {
        Ok(v.to_string())
    }

    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<String, E> {
        Ok(serde_yaml::Number::from(v).to_string())
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<String, E> {
        Ok(v.to_string())
    }

    fn visit_string<E: serde::de::Error>(self, v: String) -> Result<String, E> {
        Ok(v)
    }

    fn visit_unit<E: serde::de::Error>(self) -> Result<String, E> {
        Ok("null".to_string())
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, _: A) -> Result<String, A::Error> {
        Err(self
            .0
            .fail("a mapping key that is not a string".to_string()))
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, _: A) -> Result<String, A::Error> {
        Err(self
            .0
            .fail("a mapping key that is not a string".to_string()))
    }

    fn visit_enum<A: serde::de::EnumAccess<'de>>(self, _: A) -> Result<String, A::Error> {
        Err(self
            .0
            .fail("a mapping key that is not a string".to_string()))
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
