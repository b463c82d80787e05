//! Lower: consumes an operation's parameters and request body as the document writes them
//! and produces the JSON the generated smoke test calls it with ([`SmokeCall`]): the
//! document's examples first (`example`, `examples`, a schema's `example` or `default`),
//! and a value built from the schema alone (formats, simple patterns, enums, bounds,
//! lengths, required properties, discriminators) as the fallback. Only runs when the options
//! ask for the smoke test.

use super::Lowerer;
use crate::ir::example::{example_float, example_int, pattern_value};
use crate::ir::{Body, BodyMedia, Bound, Constraints, Param, SmokeCall, SmokeValue};
use openapiv3::{
    AdditionalProperties, Components, Parameter, ParameterSchemaOrContent, ReferenceOr,
    RequestBody, Schema, SchemaKind, StringFormat, Type, VariantOrUnknownOrEmpty,
};
use serde_json::{Map, Value};

/// How deep a value follows schemas into one another.
const MAX_DEPTH: usize = 12;
/// How many JSON nodes one value may have: a smoke value stays small whatever the schema.
const MAX_NODES: usize = 2_000;
/// How many references to other references are followed before giving up.
const MAX_REF_HOPS: usize = 32;

impl<'a> Lowerer<'a> {
    /// The smoke-test arguments of an operation: one per required parameter of `params`
    /// (matched with `merged`, the document's parameters) and the body when it is required.
    pub(super) fn smoke_call(
        &self,
        merged: &[(Parameter, String)],
        params: &[Param],
        request_body: Option<&'a ReferenceOr<RequestBody>>,
        body: Option<&Body>,
    ) -> SmokeCall {
        let components = self.api.components.as_ref();
        let mut out = Vec::new();
        for p in params.iter().filter(|p| p.required) {
            let found = merged.iter().find(|(q, _)| {
                q.parameter_data_ref().name == p.api_name
                    && super::parameters::location(q) == p.location
            });
            let value = match found {
                Some((q, _)) => param_value(components, q),
                None => SmokeValue::Impossible(format!("parameter `{}` not found", p.api_name)),
            };
            out.push((p.name.clone(), value));
        }
        let body = body.filter(|b| b.required).map(|b| {
            let rb = request_body.and_then(|rb| resolve_body(components, rb));
            match rb {
                Some(rb) => body_value(components, rb, b),
                None => SmokeValue::Impossible("the request body does not resolve".to_string()),
            }
        });
        SmokeCall { params: out, body }
    }
}

/// A parameter's values: its own examples, then its schema's.
fn param_value(components: Option<&Components>, p: &Parameter) -> SmokeValue {
    let data = p.parameter_data_ref();
    let schema = match &data.format {
        ParameterSchemaOrContent::Schema(s) => Some(s),
        ParameterSchemaOrContent::Content(content) => {
            content.values().next().and_then(|m| m.schema.as_ref())
        }
    };
    let mut documented: Vec<Value> = data.example.iter().cloned().collect();
    documented.extend(
        data.examples
            .values()
            .filter_map(|e| e.as_item().and_then(|e| e.value.clone())),
    );
    candidates(components, documented, schema, false)
}

/// The request body's values: the preferred media type's examples, then its schema's.
fn body_value(components: Option<&Components>, rb: &RequestBody, body: &Body) -> SmokeValue {
    let media = rb
        .content
        .get(&body.content_type)
        .or_else(|| rb.content.values().find(|m| m.schema.is_some()))
        .or_else(|| rb.content.values().next());
    let Some(media) = media else {
        return SmokeValue::Impossible("the request body has no media type".to_string());
    };
    let mut documented: Vec<Value> = media.example.iter().cloned().collect();
    documented.extend(
        media
            .examples
            .values()
            .filter_map(|e| e.as_item().and_then(|e| e.value.clone())),
    );
    if media.schema.is_none() && documented.is_empty() {
        // No schema: any body the media type allows. Form fields are a map of strings (a
        // required one with a field); anything else takes text.
        let value = match body.media {
            BodyMedia::Form | BodyMedia::Multipart => serde_json::json!({"smoke": "smoke"}),
            _ => Value::String("smoke".to_string()),
        };
        return SmokeValue::Candidates(vec![value]);
    }
    let made = candidates(components, documented, media.schema.as_ref(), true);
    if body.media != BodyMedia::Text || body.ty != crate::ir::Ty::String {
        return made;
    }
    // A body sent as a string (XML, text whose schema is structured) is a string whatever
    // its schema says: an XML document is written from an object, any other value as its
    // JSON text.
    let root = match &media.schema {
        Some(ReferenceOr::Reference { reference }) => reference.rsplit('/').next(),
        _ => None,
    }
    .map_or_else(|| "root".to_string(), super::unescape_token);
    let xml = body.content_type.contains("xml");
    match made {
        SmokeValue::Candidates(values) => SmokeValue::Candidates(
            values
                .into_iter()
                .map(|v| match v {
                    Value::String(_) => v,
                    other if xml => Value::String(xml_text(&root, &other)),
                    other => Value::String(other.to_string()),
                })
                .collect(),
        ),
        impossible => impossible,
    }
}

/// `value` as an XML element named `name`: an object's properties as child elements, an
/// array's items as repeated `item` elements, a scalar as text (escaped).
fn xml_text(name: &str, value: &Value) -> String {
    let tag: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let tag = if tag.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
        tag
    } else {
        format!("_{tag}")
    };
    let inner = match value {
        Value::Object(map) => map.iter().map(|(k, v)| xml_text(k, v)).collect(),
        Value::Array(items) => items.iter().map(|v| xml_text("item", v)).collect(),
        Value::String(s) => s
            .replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;"),
        Value::Null => String::new(),
        other => other.to_string(),
    };
    format!("<{tag}>{inner}</{tag}>")
}

/// The documented examples, then a value built with the schemas' own examples, then one
/// built from the schemas alone; duplicates dropped.
fn candidates(
    components: Option<&Components>,
    documented: Vec<Value>,
    schema: Option<&ReferenceOr<Schema>>,
    body: bool,
) -> SmokeValue {
    let mut values = documented;
    let mut reason = None;
    if let Some(schema) = schema {
        for use_examples in [true, false] {
            let mut maker = Maker {
                components,
                use_examples,
                nodes: 0,
                stack: Vec::new(),
                non_empty_top: body,
                text: !body,
            };
            match maker.reference_or(schema, 0) {
                Ok(v) => values.push(v),
                Err(why) => reason = reason.or(Some(why)),
            }
        }
    } else if values.is_empty() {
        reason = Some("no schema".to_string());
    }
    let mut unique: Vec<Value> = Vec::new();
    for v in values {
        if !unique.contains(&v) {
            unique.push(v);
        }
    }
    if unique.is_empty() {
        SmokeValue::Impossible(reason.unwrap_or_else(|| "no value".to_string()))
    } else {
        SmokeValue::Candidates(unique)
    }
}

fn resolve_body<'c>(
    components: Option<&'c Components>,
    rb: &'c ReferenceOr<RequestBody>,
) -> Option<&'c RequestBody> {
    let mut rb = rb;
    for _ in 0..MAX_REF_HOPS {
        match rb {
            ReferenceOr::Item(b) => return Some(b),
            ReferenceOr::Reference { reference } => {
                let name = reference.strip_prefix("#/components/requestBodies/")?;
                rb = components?
                    .request_bodies
                    .get(&super::unescape_token(name))?;
            }
        }
    }
    None
}

/// Builds one JSON value for a schema.
struct Maker<'c> {
    components: Option<&'c Components>,
    /// Whether schemas' `example`s and `default`s are taken where they are given.
    use_examples: bool,
    /// JSON nodes made so far.
    nodes: usize,
    /// Component schemas being made, to stop at a required property that leads back.
    stack: Vec<String>,
    /// Whether the value at the top, if an object, gets at least one property: a required
    /// body that is empty is no body to a server (Prism: "Body parameter is required").
    non_empty_top: bool,
    /// Whether the value travels as text (a parameter): a union member's value must then
    /// read as that member only, as text (`1` is an integer and a string).
    text: bool,
}

impl<'c> Maker<'c> {
    fn reference_or(&mut self, s: &'c ReferenceOr<Schema>, depth: usize) -> Result<Value, String> {
        match s {
            ReferenceOr::Item(s) => self.schema(s, depth),
            ReferenceOr::Reference { reference } => self.reference(reference, depth),
        }
    }

    fn boxed(&mut self, s: &'c ReferenceOr<Box<Schema>>, depth: usize) -> Result<Value, String> {
        match s {
            ReferenceOr::Item(s) => self.schema(s, depth),
            ReferenceOr::Reference { reference } => self.reference(reference, depth),
        }
    }

    /// The component schema `reference` names (following references to references).
    fn resolve(&self, reference: &str) -> Result<(String, &'c Schema), String> {
        let mut reference = reference.to_string();
        for _ in 0..MAX_REF_HOPS {
            let name = reference
                .strip_prefix("#/components/schemas/")
                .map(super::unescape_token)
                .ok_or_else(|| format!("reference `{reference}` is not to a component schema"))?;
            let found = self
                .components
                .and_then(|c| c.schemas.get(&name))
                .ok_or_else(|| format!("reference `{reference}` does not resolve"))?;
            match found {
                ReferenceOr::Item(s) => return Ok((name, s)),
                ReferenceOr::Reference { reference: next } => reference = next.clone(),
            }
        }
        Err(format!(
            "reference `{reference}` leads through too many references"
        ))
    }

    fn reference(&mut self, reference: &str, depth: usize) -> Result<Value, String> {
        let (name, schema) = self.resolve(reference)?;
        if self.stack.contains(&name) {
            return Err(format!(
                "schema `{name}` requires a value of itself, which no finite value has"
            ));
        }
        self.stack.push(name);
        let value = self.schema(schema, depth);
        self.stack.pop();
        value
    }

    fn schema(&mut self, s: &'c Schema, depth: usize) -> Result<Value, String> {
        self.nodes += 1;
        if depth > MAX_DEPTH || self.nodes > MAX_NODES {
            return Err("the value would be too large or too deep".to_string());
        }
        if self.use_examples {
            if let Some(v) = s
                .schema_data
                .example
                .as_ref()
                .or(s.schema_data.default.as_ref())
            {
                return Ok(v.clone());
            }
        }
        let disc = s.schema_data.discriminator.as_ref();
        match &s.schema_kind {
            SchemaKind::Type(t) => self.typed(t, depth),
            SchemaKind::OneOf { one_of: members } | SchemaKind::AnyOf { any_of: members } => {
                self.union(members, disc, depth)
            }
            SchemaKind::AllOf { all_of } => self.all_of(all_of, depth),
            SchemaKind::Not { .. } => Err("a `not` schema says what a value is not".to_string()),
            SchemaKind::Any(any) => {
                if let Some(v) = any.enumeration.iter().find(|v| !v.is_null()) {
                    return Ok(v.clone());
                }
                if !any.all_of.is_empty() {
                    return self.all_of_beside(any, depth);
                }
                // `anyOf: [{required: [a]}, {required: [b]}]` beside the properties says
                // which of them must be there: the object with the first member's.
                let members = if any.one_of.is_empty() {
                    &any.any_of
                } else {
                    &any.one_of
                };
                if !any.properties.is_empty() {
                    if let Some(more) = members.iter().find_map(required_only) {
                        let mut required = any.required.clone();
                        required.extend(more.iter().cloned());
                        return self.object(
                            &any.properties,
                            &required,
                            any.additional_properties.as_ref(),
                            any.min_properties.unwrap_or(0),
                            depth,
                        );
                    }
                }
                if !any.one_of.is_empty() {
                    return self.union(&any.one_of, disc, depth);
                }
                if !any.any_of.is_empty() {
                    return self.union(&any.any_of, disc, depth);
                }
                if !any.properties.is_empty()
                    || any.additional_properties.is_some()
                    || any.typ.as_deref() == Some("object")
                {
                    return self.object(
                        &any.properties,
                        &any.required,
                        any.additional_properties.as_ref(),
                        any.min_properties.unwrap_or(0),
                        depth,
                    );
                }
                if let Some(items) = &any.items {
                    let n = any
                        .min_items
                        .unwrap_or(1)
                        .max(1)
                        .min(any.max_items.unwrap_or(3));
                    return self.array(items, n, depth);
                }
                match any.typ.as_deref() {
                    Some("integer") => Ok(Value::from(1)),
                    Some("number") => Ok(Value::from(1.0)),
                    Some("boolean") => Ok(Value::Bool(true)),
                    Some("array") => Ok(Value::Array(Vec::new())),
                    _ => Ok(Value::String("smoke".to_string())),
                }
            }
        }
    }

    fn typed(&mut self, t: &'c Type, depth: usize) -> Result<Value, String> {
        match t {
            Type::Boolean(b) => Ok(Value::Bool(
                b.enumeration
                    .iter()
                    .flatten()
                    .next()
                    .copied()
                    .unwrap_or(true),
            )),
            Type::Integer(i) => {
                if let Some(v) = i.enumeration.iter().flatten().next() {
                    return Ok(Value::from(*v));
                }
                let c = Constraints {
                    minimum: i.minimum.map(Bound::Int),
                    maximum: i.maximum.map(Bound::Int),
                    exclusive_minimum: i.exclusive_minimum,
                    exclusive_maximum: i.exclusive_maximum,
                    multiple_of: i.multiple_of.map(Bound::Int),
                    ..Constraints::default()
                };
                Ok(Value::from(example_int(Some(&c))))
            }
            Type::Number(n) => {
                if let Some(v) = n.enumeration.iter().flatten().next() {
                    return Ok(Value::from(*v));
                }
                let c = Constraints {
                    minimum: n.minimum.map(Bound::Float),
                    maximum: n.maximum.map(Bound::Float),
                    exclusive_minimum: n.exclusive_minimum,
                    exclusive_maximum: n.exclusive_maximum,
                    ..Constraints::default()
                };
                let v = example_float(Some(&c));
                let v = match n.multiple_of {
                    Some(step) if step > 0.0 && v.is_finite() => (v / step).ceil() * step,
                    _ => v,
                };
                Ok(serde_json::Number::from_f64(v)
                    .map(Value::Number)
                    .unwrap_or(Value::from(1)))
            }
            Type::String(s) => {
                if let Some(v) = s.enumeration.iter().flatten().next() {
                    return Ok(Value::String(v.clone()));
                }
                string(s).map(Value::String)
            }
            Type::Array(a) => {
                let n = a
                    .min_items
                    .unwrap_or(1)
                    .max(1)
                    .min(a.max_items.unwrap_or(3));
                match &a.items {
                    Some(items) => self.array(items, n, depth),
                    None => Ok(Value::Array(vec![Value::String("smoke".to_string()); n])),
                }
            }
            Type::Object(o) => self.object(
                &o.properties,
                &o.required,
                o.additional_properties.as_ref(),
                o.min_properties.unwrap_or(0),
                depth,
            ),
        }
    }

    fn array(
        &mut self,
        items: &'c ReferenceOr<Box<Schema>>,
        n: usize,
        depth: usize,
    ) -> Result<Value, String> {
        if n == 0 {
            return Ok(Value::Array(Vec::new()));
        }
        // One item: `uniqueItems` holds, and a list of one says what a longer one does.
        let item = self.boxed(items, depth + 1)?;
        Ok(Value::Array(vec![item]))
    }

    /// An object of the required properties (read-only ones too: the struct needs them),
    /// then optional ones and extra entries up to `minProperties`.
    fn object(
        &mut self,
        properties: &'c indexmap::IndexMap<String, ReferenceOr<Box<Schema>>>,
        required: &[String],
        additional: Option<&'c AdditionalProperties>,
        min_properties: usize,
        depth: usize,
    ) -> Result<Value, String> {
        let mut map = Map::new();
        for (name, schema) in properties {
            if required.contains(name) {
                let v = self
                    .boxed(schema, depth + 1)
                    .map_err(|e| format!("property `{name}`: {e}"))?;
                map.insert(name.clone(), v);
            }
        }
        // A required property that is only allowed by `additionalProperties`.
        for name in required.iter().filter(|n| !properties.contains_key(*n)) {
            let v = match additional {
                Some(AdditionalProperties::Schema(s)) => self.reference_or(s, depth + 1)?,
                _ => Value::String("smoke".to_string()),
            };
            map.insert(name.clone(), v);
        }
        let asked = min_properties.min(16);
        let wanted = if depth == 0 && self.non_empty_top {
            asked.max(1)
        } else {
            asked
        };
        for (name, schema) in properties {
            if map.len() >= wanted {
                break;
            }
            if !map.contains_key(name) {
                if let Ok(v) = self.boxed(schema, depth + 1) {
                    map.insert(name.clone(), v);
                }
            }
        }
        // Entries beside the declared properties only as far as `minProperties` asks.
        let mut n = 0;
        while map.len() < asked {
            n += 1;
            let v = match additional {
                Some(AdditionalProperties::Schema(s)) => self.reference_or(s, depth + 1)?,
                Some(AdditionalProperties::Any(false)) => {
                    return Err("`minProperties` asks for more properties than it allows".into())
                }
                _ => Value::String("smoke".to_string()),
            };
            map.insert(format!("smoke{n}"), v);
        }
        Ok(Value::Object(map))
    }

    /// `allOf` beside the schema's own properties and `required` (which may name the
    /// members' properties): the members' value with the required properties added.
    fn all_of_beside(
        &mut self,
        any: &'c openapiv3::AnySchema,
        depth: usize,
    ) -> Result<Value, String> {
        let mut v = self.all_of(&any.all_of, depth)?;
        if let Value::Object(map) = &mut v {
            for name in &any.required {
                if map.contains_key(name) {
                    continue;
                }
                let value = match any.properties.get(name) {
                    Some(s) => self.boxed(s, depth + 1),
                    None => match self.member_property(&any.all_of, name, 0) {
                        Some(s) => self.boxed(s, depth + 1),
                        None => Ok(Value::String("smoke".to_string())),
                    },
                }
                .map_err(|e| format!("property `{name}`: {e}"))?;
                map.insert(name.clone(), value);
            }
        }
        Ok(v)
    }

    /// The schema of property `name` in one of `members` (or their own `allOf`s).
    fn member_property(
        &self,
        members: &'c [ReferenceOr<Schema>],
        name: &str,
        depth: usize,
    ) -> Option<&'c ReferenceOr<Box<Schema>>> {
        if depth > MAX_DEPTH {
            return None;
        }
        members.iter().find_map(|m| {
            let schema = match m {
                ReferenceOr::Item(s) => s,
                ReferenceOr::Reference { reference } => self.resolve(reference).ok()?.1,
            };
            match &schema.schema_kind {
                SchemaKind::Type(Type::Object(o)) => o.properties.get(name),
                SchemaKind::Any(a) => a
                    .properties
                    .get(name)
                    .or_else(|| self.member_property(&a.all_of, name, depth + 1)),
                SchemaKind::AllOf { all_of } => self.member_property(all_of, name, depth + 1),
                _ => None,
            }
        })
    }

    /// All members' values merged: objects property by property, anything else the last.
    fn all_of(
        &mut self,
        members: &'c [ReferenceOr<Schema>],
        depth: usize,
    ) -> Result<Value, String> {
        let mut merged: Option<Value> = None;
        for m in members {
            // A member that says nothing of the value (only a description, say).
            if matches!(m, ReferenceOr::Item(Schema { schema_kind: SchemaKind::Any(a), .. }) if *a == openapiv3::AnySchema::default())
            {
                continue;
            }
            let v = self.reference_or(m, depth + 1)?;
            merged = Some(match (merged, v) {
                (Some(Value::Object(mut a)), Value::Object(b)) => {
                    a.extend(b);
                    Value::Object(a)
                }
                (_, v) => v,
            });
        }
        merged.ok_or_else(|| "an empty `allOf`".to_string())
    }

    /// The first member a value can be made for; with a discriminator, tagged with the
    /// tag that selects that member.
    fn union(
        &mut self,
        members: &'c [ReferenceOr<Schema>],
        disc: Option<&'c openapiv3::Discriminator>,
        depth: usize,
    ) -> Result<Value, String> {
        let mut why = None;
        // As text, take the first member whose value no other member reads (`oneOf:
        // [integer, string]` in a path: `1` is both, so `smoke`); else the first that has one.
        let mut order: Vec<usize> = (0..members.len()).collect();
        if self.text && members.len() > 1 {
            let mut probe = Maker {
                components: self.components,
                use_examples: self.use_examples,
                nodes: self.nodes,
                stack: self.stack.clone(),
                non_empty_top: false,
                text: true,
            };
            let unique: Vec<bool> = members
                .iter()
                .enumerate()
                .map(|(i, m)| {
                    probe.reference_or(m, depth + 1).is_ok_and(|v| {
                        let text = as_text(&v);
                        members
                            .iter()
                            .enumerate()
                            .all(|(j, other)| j == i || !self.reads_text(other, &text))
                    })
                })
                .collect();
            // The probe's work counts against the value's budget, so that unions nested in
            // unions cannot multiply it.
            self.nodes = probe.nodes;
            if self.nodes > MAX_NODES {
                return Err("the value would be too large or too deep".to_string());
            }
            order.sort_by_key(|&i| !unique[i]);
        }
        for i in order {
            let m = &members[i];
            match self.reference_or(m, depth + 1) {
                Ok(mut v) => {
                    if let (Some(d), Value::Object(map)) = (disc, &mut v) {
                        let tag = match m {
                            ReferenceOr::Reference { reference } => {
                                let name = reference.rsplit('/').next().unwrap_or_default();
                                d.mapping
                                    .iter()
                                    .find(|(_, target)| *target == reference || *target == name)
                                    .map(|(k, _)| k.clone())
                                    .or_else(|| {
                                        map.get(&d.property_name)
                                            .and_then(Value::as_str)
                                            .map(str::to_string)
                                    })
                                    .unwrap_or_else(|| super::unescape_token(name))
                            }
                            ReferenceOr::Item(_) => {
                                let own = map
                                    .get(&d.property_name)
                                    .and_then(Value::as_str)
                                    .map(str::to_string);
                                match own {
                                    Some(own) => own,
                                    None => d
                                        .mapping
                                        .iter()
                                        .find(|(_, target)| target.ends_with(&format!("/{i}")))
                                        .map(|(k, _)| k.clone())
                                        .ok_or_else(|| {
                                            "an inline union member without a tag".to_string()
                                        })?,
                                }
                            }
                        };
                        map.insert(d.property_name.clone(), Value::String(tag));
                    }
                    return Ok(v);
                }
                Err(e) => why = why.or(Some(e)),
            }
        }
        Err(why.unwrap_or_else(|| "an empty union".to_string()))
    }
}

impl<'c> Maker<'c> {
    /// Whether a parameter of schema `s` could take `text` (as a server reading the text
    /// would): any text for a string without an enum, pattern or format, numbers for numeric
    /// types, `true`/`false` for booleans; a reference is followed, any other schema is taken
    /// not to.
    fn reads_text(&self, s: &ReferenceOr<Schema>, text: &str) -> bool {
        let schema = match s {
            ReferenceOr::Item(s) => s,
            ReferenceOr::Reference { reference } => match self.resolve(reference) {
                Ok((_, s)) => s,
                Err(_) => return false,
            },
        };
        match &schema.schema_kind {
            SchemaKind::Type(Type::String(st)) => {
                st.enumeration.is_empty()
                    && st.pattern.is_none()
                    && matches!(st.format, VariantOrUnknownOrEmpty::Empty)
            }
            SchemaKind::Type(Type::Integer(_)) => text.parse::<i64>().is_ok(),
            SchemaKind::Type(Type::Number(_)) => text.parse::<f64>().is_ok(),
            SchemaKind::Type(Type::Boolean(_)) => text == "true" || text == "false",
            _ => false,
        }
    }
}

/// A value as a parameter sends it: a string as it is, anything else as JSON.
fn as_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A string of the schema's format, pattern and lengths.
fn string(s: &openapiv3::StringType) -> Result<String, String> {
    let format = match &s.format {
        VariantOrUnknownOrEmpty::Item(StringFormat::Date) => Some("date"),
        VariantOrUnknownOrEmpty::Item(StringFormat::DateTime) => Some("date-time"),
        VariantOrUnknownOrEmpty::Item(StringFormat::Byte) => Some("byte"),
        VariantOrUnknownOrEmpty::Item(StringFormat::Binary) => Some("binary"),
        VariantOrUnknownOrEmpty::Item(StringFormat::Password) => Some("password"),
        VariantOrUnknownOrEmpty::Unknown(f) => Some(f.as_str()),
        VariantOrUnknownOrEmpty::Empty => None,
    };
    let formatted = match format {
        Some("date") => Some("2020-01-01"),
        Some("date-time") => Some("2020-01-01T00:00:00Z"),
        Some("time") => Some("00:00:00Z"),
        Some("byte") => Some("c21va2U="),
        Some("uuid") => Some("3fa85f64-5717-4562-b3fc-2c963f66afa6"),
        Some("email") => Some("smoke@example.com"),
        Some("uri" | "url" | "iri") => Some("https://example.com/"),
        Some("uri-reference" | "iri-reference") => Some("/smoke"),
        Some("hostname" | "idn-hostname") => Some("example.com"),
        Some("ipv4") => Some("127.0.0.1"),
        Some("ipv6") => Some("::1"),
        Some("duration") => Some("P1D"),
        _ => None,
    };
    if let Some(f) = formatted {
        return Ok(f.to_string());
    }
    if let Some(p) = &s.pattern {
        // Only a value the pattern surely matches; otherwise the document needs an example.
        return pattern_value(
            p,
            s.min_length.unwrap_or(0),
            s.max_length.unwrap_or(usize::MAX),
        )
        .ok_or_else(|| format!("no value can be made for the pattern `{p}` (give an example)"));
    }
    let min = s.min_length.unwrap_or(0).min(256);
    let max = s.max_length.unwrap_or(usize::MAX);
    let mut v = "smoke".to_string();
    while v.len() < min {
        v.push('x');
    }
    v.truncate(max.max(min));
    Ok(v)
}

/// The properties a union member requires, when that is all it says (no type, no
/// properties of its own).
fn required_only(member: &ReferenceOr<Schema>) -> Option<&Vec<String>> {
    match member {
        ReferenceOr::Item(Schema {
            schema_kind: SchemaKind::Any(a),
            ..
        }) if a.typ.is_none()
            && a.properties.is_empty()
            && a.one_of.is_empty()
            && a.any_of.is_empty()
            && a.all_of.is_empty()
            && !a.required.is_empty() =>
        {
            Some(&a.required)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use crate::ir::SmokeValue;

    /// The smoke call of the only operation of `spec`.
    fn call(spec: &str) -> crate::ir::SmokeCall {
        let options = crate::Options {
            smoke_test: true,
            ..crate::Options::default()
        };
        let (api, _) = crate::lower_text_with(spec, &options).unwrap();
        api.groups[0].operations[0].smoke.clone().unwrap()
    }

    fn values(v: &SmokeValue) -> Vec<String> {
        match v {
            SmokeValue::Candidates(c) => c.iter().map(|v| v.to_string()).collect(),
            SmokeValue::Impossible(why) => vec![format!("impossible: {why}")],
        }
    }

    #[test]
    fn a_union_parameter_takes_a_value_only_one_member_reads_as_text() {
        // GitHub's `workflow_id`: as text, `1` is an integer and a string, and a validating
        // server (Prism) refuses a `oneOf` value that matches both.
        let c = call(
            r#"openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /workflows/{workflow_id}:
    get:
      operationId: getWorkflow
      parameters:
        - name: workflow_id
          in: path
          required: true
          schema:
            oneOf: [{type: integer}, {type: string}]
      responses: {'204': {description: ok}}
  /b:
    post:
      operationId: postB
      requestBody:
        required: true
        content:
          application/json:
            schema:
              oneOf: [{type: integer}, {type: string}]
      responses: {'204': {description: ok}}
"#,
        );
        let v = values(&c.params[0].1);
        assert_eq!(v.first().map(String::as_str), Some(r#""smoke""#), "{v:?}");
        // An integer is also a number; a number with a fraction is not an integer.
        let both = call(
            r#"openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /w/{id}:
    get:
      operationId: getW
      parameters:
        - {name: id, in: path, required: true, schema: {oneOf: [{type: integer}, {type: number}]}}
      responses: {'204': {description: ok}}
"#,
        );
        assert_eq!(
            values(&both.params[0].1).first().map(String::as_str),
            Some("1.0")
        );
    }

    #[test]
    fn unions_nested_in_a_parameter_share_one_budget() {
        // Each level probes its members as text. Without one budget for the probes, twelve
        // levels of three members would make 4^12 values; with it, the value is given up
        // with its reason (the operation is then not called, and named), while a few levels
        // still get their value.
        let nested = |levels: usize| {
            let mut spec = String::from(
                "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /u/{u}:\n    get:\n      operationId: getU\n      parameters:\n        - {name: u, in: path, required: true, schema: {$ref: '#/components/schemas/U0'}}\n      responses: {'204': {description: ok}}\ncomponents:\n  schemas:\n",
            );
            for i in 0..levels {
                let next = format!("{{$ref: '#/components/schemas/U{}'}}", i + 1);
                spec.push_str(&format!(
                    "    U{i}: {{oneOf: [{next}, {next}, {{type: integer}}]}}\n"
                ));
            }
            spec.push_str(&format!("    U{levels}: {{type: string}}\n"));
            values(&call(&spec).params[0].1)
        };
        assert_eq!(
            nested(12),
            ["impossible: the value would be too large or too deep"]
        );
        assert_eq!(nested(3), [r#""smoke""#]);
    }

    #[test]
    fn bodies_take_the_shape_they_are_sent_in() {
        // Form fields without a schema are a map of strings; an XML body is a string (an
        // XML document written from the schema's value); text without a schema is text.
        let c = |content: &str| {
            let spec = format!(
                "openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths:\n  /b:\n    post:\n      operationId: postB\n      requestBody:\n        required: true\n        content: {content}\n      responses: {{'204': {{description: ok}}}}\ncomponents:\n  schemas:\n    Item: {{type: object, required: [name, tags], properties: {{name: {{type: string, example: 'a<b'}}, tags: {{type: array, items: {{type: integer}}}}}}}}\n"
            );
            values(call(&spec).body.as_ref().unwrap())
        };
        assert_eq!(c("{multipart/form-data: {}}"), [r#"{"smoke":"smoke"}"#]);
        assert_eq!(
            c("{application/x-www-form-urlencoded: {}}"),
            [r#"{"smoke":"smoke"}"#]
        );
        assert_eq!(c("{text/plain: {}}"), [r#""smoke""#]);
        assert_eq!(
            c("{application/xml: {schema: {$ref: '#/components/schemas/Item'}}}")[0],
            r#""<Item><name>a&lt;b</name><tags><item>1</item></tags></Item>""#
        );
        // JSON keeps the schema's shape.
        assert_eq!(
            c("{application/json: {schema: {$ref: '#/components/schemas/Item'}}}")[0],
            r#"{"name":"a<b","tags":[1]}"#
        );
    }

    #[test]
    fn examples_come_first_then_values_of_the_schema() {
        let c = call(
            r#"openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /items/{id}:
    post:
      operationId: putItem
      parameters:
        - {name: id, in: path, required: true, example: abc123, schema: {type: string, pattern: '^[a-z0-9]{6}$'}}
        - {name: code, in: query, required: true, schema: {type: string, pattern: '^(a)\1$'}}
        - {name: when, in: query, required: true, schema: {type: string, format: date-time}}
        - {name: n, in: query, required: true, schema: {type: integer, minimum: 7, multipleOf: 5}}
        - {name: mode, in: query, required: true, schema: {type: string, enum: [slow, fast]}}
        - {name: opt, in: query, schema: {type: string}}
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/Pet'}
      responses: {'204': {description: x}}
components:
  schemas:
    Pet:
      type: object
      required: [name, kind, tags]
      properties:
        name: {type: string, minLength: 8, example: Rex}
        kind: {$ref: '#/components/schemas/Kind'}
        tags: {type: array, items: {type: string, format: email}}
        note: {type: string}
    Kind:
      oneOf: [{$ref: '#/components/schemas/Cat'}]
      discriminator: {propertyName: type, mapping: {cat: '#/components/schemas/Cat'}}
    Cat:
      type: object
      required: [type]
      properties: {type: {type: string}}
"#,
        );
        let params: Vec<(String, Vec<String>)> = c
            .params
            .iter()
            .map(|(n, v)| (n.clone(), values(v)))
            .collect();
        assert_eq!(
            params,
            [
                ("id".to_string(), vec!["\"abc123\"".to_string(), "\"aaaaaa\"".to_string()]),
                (
                    "code".to_string(),
                    vec!["impossible: no value can be made for the pattern `^(a)\\1$` (give an example)".to_string()]
                ),
                ("when".to_string(), vec!["\"2020-01-01T00:00:00Z\"".to_string()]),
                ("n".to_string(), vec!["10".to_string()]),
                ("mode".to_string(), vec!["\"slow\"".to_string()]),
            ]
        );
        assert_eq!(
            values(c.body.as_ref().unwrap()),
            [
                r#"{"name":"Rex","kind":{"type":"cat"},"tags":["smoke@example.com"]}"#,
                r#"{"name":"smokexxx","kind":{"type":"cat"},"tags":["smoke@example.com"]}"#,
            ]
        );
    }

    #[test]
    fn a_required_property_that_leads_back_cannot_be_made_and_nothing_is_made_without_the_option() {
        let spec = r#"openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /n:
    post:
      operationId: postNode
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/Node'}
      responses: {'204': {description: x}}
components:
  schemas:
    Node:
      type: object
      required: [next]
      properties: {next: {$ref: '#/components/schemas/Node'}}
"#;
        let c = call(spec);
        assert_eq!(
            values(c.body.as_ref().unwrap()),
            ["impossible: property `next`: schema `Node` requires a value of itself, which no finite value has"]
        );
        let (api, _) = crate::lower_text(spec).unwrap();
        assert!(api.groups[0].operations[0].smoke.is_none());
    }

    #[test]
    fn union_members_that_only_require_properties_pick_the_first_ones() {
        // GitHub's `code-quality-setup-update`: at least one of the properties.
        let c = call(
            r#"openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /s:
    patch:
      operationId: updateSetup
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [version]
              properties:
                version: {type: integer}
                state: {type: string, enum: [configured, not-configured]}
                label: {type: string}
              anyOf: [{required: [state]}, {required: [label]}]
              additionalProperties: false
      responses: {'204': {description: x}}
"#,
        );
        assert_eq!(
            values(c.body.as_ref().unwrap()),
            [r#"{"version":1,"state":"configured"}"#]
        );
    }

    #[test]
    fn members_that_say_nothing_are_skipped_and_free_maps_are_objects() {
        let c = call(
            r#"openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /d:
    post:
      operationId: postData
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [when, target, tags]
              properties:
                when:
                  allOf: [{$ref: '#/components/schemas/When'}, {description: the day}]
                target: {additionalProperties: true}
                tags: {type: object, minProperties: 2, additionalProperties: {type: integer}}
      responses: {'204': {description: x}}
components:
  schemas:
    When: {type: string, format: date-time}
"#,
        );
        assert_eq!(
            values(c.body.as_ref().unwrap()),
            [r#"{"when":"2020-01-01T00:00:00Z","target":{},"tags":{"smoke1":1,"smoke2":1}}"#]
        );
    }

    #[test]
    fn required_properties_of_all_of_members_beside_properties_are_made() {
        let c = call(
            r#"openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /h:
    put:
      operationId: putHsm
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/Hsm'}
      responses: {'204': {description: x}}
components:
  schemas:
    Hsm:
      allOf: [{$ref: '#/components/schemas/Resource'}]
      properties: {properties: {type: object}}
      required: [location, sku, properties]
    Resource:
      properties:
        id: {type: string, readOnly: true}
        location: {type: string}
        sku: {type: object, required: [name], properties: {name: {type: string, enum: [a, b]}}}
"#,
        );
        assert_eq!(
            values(c.body.as_ref().unwrap()),
            [r#"{"location":"smoke","sku":{"name":"a"},"properties":{}}"#]
        );
    }

    #[test]
    fn a_required_body_gets_a_property_when_none_is_required() {
        let c = call(
            r#"openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /r:
    post:
      operationId: reset
      requestBody:
        required: true
        content:
          application/x-www-form-urlencoded:
            schema:
              type: object
              properties: {hard: {type: boolean}, note: {type: string}}
      responses: {'204': {description: x}}
"#,
        );
        assert_eq!(values(c.body.as_ref().unwrap()), [r#"{"hard":true}"#]);
    }
}
