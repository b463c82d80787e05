//! Load, parse: document text (YAML or JSON) into a `serde_json` tree, within bounds: the
//! document size, the nesting depth, and the number of values once YAML aliases are
//! expanded. Consumes text; produces the tree or one diagnostic that says where and why.

use super::lowercase_first;
use crate::diagnostics::Diagnostic;

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
        crate::pointer::pointer(&tokens)
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
