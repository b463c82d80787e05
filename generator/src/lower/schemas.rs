//! Lowering of schemas: component schemas become named types; inline schemas become
//! primitives, or named types called after where they were found.

use super::{unescape_token, Lowerer};
use crate::diagnostics::child;
use crate::ir::{
    AdditionalField, Bound, Constraints, EnumValue, Field, TaggedVariant, Ty, TypeDef, TypeKind,
    UntaggedVariant,
};
use crate::naming::{self, Scope};
use indexmap::IndexMap;
use openapiv3::{AdditionalProperties, ReferenceOr, Schema, SchemaKind, Type};
use std::collections::{BTreeMap, BTreeSet};

/// How deep `allOf` members may refer to schemas with `allOf` members of their own.
pub(crate) const MAX_ALLOF_DEPTH: usize = 64;

/// How many `allOf` references lowering follows in all: each schema gathers the
/// properties of everything it extends, so shared members are followed once per user, and
/// schemas that each extend two others can stand for exponentially many.
pub(crate) const MAX_ALLOF_STEPS: usize = 1_000_000;

/// A schema reference that may or may not be boxed, as openapiv3 has both.
pub(crate) enum SchemaRef<'s> {
    Ref(&'s str),
    Item(&'s Schema),
}

impl<'s> From<&'s ReferenceOr<Schema>> for SchemaRef<'s> {
    fn from(r: &'s ReferenceOr<Schema>) -> Self {
        match r {
            ReferenceOr::Reference { reference } => SchemaRef::Ref(reference),
            ReferenceOr::Item(s) => SchemaRef::Item(s),
        }
    }
}

impl<'s> From<&'s ReferenceOr<Box<Schema>>> for SchemaRef<'s> {
    fn from(r: &'s ReferenceOr<Box<Schema>>) -> Self {
        match r {
            ReferenceOr::Reference { reference } => SchemaRef::Ref(reference),
            ReferenceOr::Item(s) => SchemaRef::Item(s),
        }
    }
}

/// Properties gathered from an object or an `allOf`, with where each came from.
struct Merged<'s> {
    properties: IndexMap<String, (SchemaRef<'s>, String)>,
    required: BTreeSet<String>,
    additional: Option<(&'s AdditionalProperties, String)>,
}

/// The parts of an object schema that `allOf` merging reads.
type ObjectParts<'s> = (
    Option<&'s IndexMap<String, ReferenceOr<Box<Schema>>>>,
    &'s [String],
    Option<&'s AdditionalProperties>,
    &'s [ReferenceOr<Schema>],
    bool,
);

const COMPONENT_PREFIX: &str = "#/components/schemas/";

impl<'a> Lowerer<'a> {
    /// Names every component schema, then lowers each, in name order.
    pub(crate) fn lower_components(&mut self) {
        let Some(components) = &self.api.components else {
            return;
        };
        let mut names: Vec<&String> = components.schemas.keys().collect();
        names.sort();
        for name in &names {
            let rust = self.type_scope.claim_type(name);
            self.component_names.insert((*name).clone(), rust);
        }
        for name in names {
            let rust = self.component_names[name].clone();
            let at = crate::diagnostics::pointer(&["components", "schemas", name]);
            let kind = match &components.schemas[name] {
                ReferenceOr::Reference { reference } => {
                    // Reports a chain that ends in itself, or in nothing.
                    self.resolve(reference, &at);
                    TypeKind::Alias {
                        target: self.lower_ref(reference, &at),
                    }
                }
                ReferenceOr::Item(schema) => {
                    self.binary_as_bytes = self.multipart_components.contains(name.as_str());
                    let kind = self.define(schema, &rust, &at);
                    self.binary_as_bytes = false;
                    kind
                }
            };
            let (doc, deprecated) = match &components.schemas[name] {
                ReferenceOr::Item(s) => {
                    (s.schema_data.description.clone(), s.schema_data.deprecated)
                }
                ReferenceOr::Reference { .. } => (None, false),
            };
            self.types.insert(
                rust.clone(),
                TypeDef {
                    name: rust,
                    api_name: name.clone(),
                    pointer: at,
                    doc,
                    deprecated,
                    kind,
                },
            );
        }
    }

    /// The component schema a reference points at, with its name, following component
    /// entries that are themselves references.
    pub(crate) fn resolve(&mut self, reference: &str, at: &str) -> Option<(&'a str, &'a Schema)> {
        if !reference.starts_with(COMPONENT_PREFIX) {
            self.diags.error(at, format!("reference `{reference}` does not point into `#/components/schemas`; only such schema references are supported"));
            return None;
        }
        let api = self.api;
        let found = match api.components.as_ref() {
            Some(c) => self.follow_component(&c.schemas, "schemas", reference),
            None => Err(super::Unresolved::Missing(reference.to_string())),
        };
        match found {
            Ok(found) => Some(found),
            Err(unresolved) => {
                match (unresolved.cycle_diagnostic("schema"), unresolved) {
                    (Some((pointer, message)), _) => self.diags.error(pointer, message),
                    (None, super::Unresolved::Missing(missing)) => self.diags.error(
                        at,
                        format!("reference `{missing}` points at a schema that does not exist"),
                    ),
                    (None, super::Unresolved::Cycle(_)) => {}
                }
                None
            }
        }
    }

    /// The type a reference stands for.
    pub(crate) fn lower_ref(&mut self, reference: &str, at: &str) -> Ty {
        let name = reference.strip_prefix(COMPONENT_PREFIX).map(unescape_token);
        match name.as_ref().and_then(|n| self.component_names.get(n)) {
            Some(rust) => Ty::Named(rust.clone()),
            None => {
                // Report through `resolve`, which says exactly what is wrong.
                self.resolve(reference, at);
                Ty::Json
            }
        }
    }

    /// Whether values at this place may be `null`, following references.
    pub(crate) fn is_nullable(&mut self, schema: &SchemaRef<'_>, at: &str) -> bool {
        match schema {
            SchemaRef::Item(s) => s.schema_data.nullable,
            SchemaRef::Ref(r) => self
                .resolve(r, at)
                .map(|(_, s)| s.schema_data.nullable)
                .unwrap_or(false),
        }
    }

    /// The use-site type of a schema (not wrapped in `Option` for nullability; callers do
    /// that where it matters). `hint` names inline types that need a name.
    pub(crate) fn lower_use(&mut self, schema: SchemaRef<'_>, hint: &str, at: &str) -> Ty {
        match schema {
            SchemaRef::Ref(r) => self.lower_ref(r, at),
            SchemaRef::Item(s) => {
                if let Some(ty) = self.inline_cache.get(at) {
                    return ty.clone();
                }
                let ty = match self.plain(s, hint, at) {
                    Some(ty) => ty,
                    None => {
                        let name = self.type_scope.claim_type(hint);
                        // Known before it is defined: an `allOf` inside it that refers to
                        // the component holding it comes back here, and must find this type
                        // instead of defining it again, deeper each time, forever.
                        self.inline_cache
                            .insert(at.to_string(), Ty::Named(name.clone()));
                        let kind = self.define(s, &name, at);
                        self.types.insert(
                            name.clone(),
                            TypeDef {
                                name: name.clone(),
                                api_name: hint.to_string(),
                                pointer: at.to_string(),
                                doc: s.schema_data.description.clone(),
                                deprecated: s.schema_data.deprecated,
                                kind,
                            },
                        );
                        Ty::Named(name)
                    }
                };
                self.inline_cache.insert(at.to_string(), ty.clone());
                ty
            }
        }
    }

    /// A schema that needs no named type: an unconstrained primitive, an array, a map, free
    /// JSON, or a single-reference `allOf`. `None` means it needs a definition.
    fn plain(&mut self, s: &Schema, hint: &str, at: &str) -> Option<Ty> {
        match &s.schema_kind {
            SchemaKind::Type(Type::Boolean(_)) => Some(Ty::Bool),
            SchemaKind::Type(Type::String(t)) => {
                if !t.enumeration.iter().all(Option::is_none) || string_constraints(t).is_some() {
                    return None;
                }
                let binary = matches!(
                    t.format,
                    openapiv3::VariantOrUnknownOrEmpty::Item(openapiv3::StringFormat::Binary)
                );
                if binary && self.binary_as_bytes {
                    return Some(Ty::Bytes);
                }
                Some(string_ty(t))
            }
            SchemaKind::Type(Type::Integer(t)) => {
                if !t.enumeration.iter().all(Option::is_none) || integer_constraints(t).is_some() {
                    return None;
                }
                Some(integer_ty(t))
            }
            SchemaKind::Type(Type::Number(t)) => {
                if number_constraints(t).is_some() {
                    return None;
                }
                Some(number_ty(t))
            }
            SchemaKind::Type(Type::Array(a)) => {
                if a.min_items.is_some() || a.max_items.is_some() || a.unique_items {
                    return None;
                }
                Some(Ty::Vec(Box::new(self.items(a.items.as_ref(), hint, at))))
            }
            SchemaKind::Type(Type::Object(o)) if o.properties.is_empty() => {
                Some(self.map_of(o.additional_properties.as_ref(), hint, at))
            }
            SchemaKind::AllOf { all_of } if single_substantive(all_of).is_some() => {
                let (i, member) = single_substantive(all_of)?;
                let at = child(&child(at, "allOf"), &i.to_string());
                match member {
                    ReferenceOr::Reference { .. } => {
                        Some(self.lower_use(SchemaRef::from(member), hint, &at))
                    }
                    ReferenceOr::Item(item) => self.plain(item, hint, &at),
                }
            }
            SchemaKind::Any(any)
                if any.properties.is_empty()
                    && any.one_of.is_empty()
                    && any.any_of.is_empty()
                    && single_substantive(&any.all_of).is_some() =>
            {
                // `type` or `format` beside a single `allOf` member refine it; the member
                // says what the value is.
                let (i, member) = single_substantive(&any.all_of)?;
                let at = child(&child(at, "allOf"), &i.to_string());
                match member {
                    ReferenceOr::Reference { .. } => {
                        Some(self.lower_use(SchemaRef::from(member), hint, &at))
                    }
                    ReferenceOr::Item(item) => self.plain(item, hint, &at),
                }
            }
            SchemaKind::Not { .. } => {
                self.diags.warning(
                    child(at, "not"),
                    "`not` schemas are not supported; the value is typed as free-form JSON",
                );
                Some(Ty::Json)
            }
            SchemaKind::Any(any) => {
                if !any.properties.is_empty()
                    || !any.all_of.is_empty()
                    || !any.one_of.is_empty()
                    || !any.any_of.is_empty()
                {
                    return None;
                }
                if let Some(not) = &any.not {
                    let _ = not;
                    self.diags.warning(
                        child(at, "not"),
                        "`not` schemas are not supported; the value is typed as free-form JSON",
                    );
                    return Some(Ty::Json);
                }
                if !any.enumeration.is_empty() {
                    return None;
                }
                match any.typ.as_deref() {
                    Some("object") | None if any.additional_properties.is_some() => {
                        Some(self.map_of(any.additional_properties.as_ref(), hint, at))
                    }
                    Some("object") => Some(Ty::Map(Box::new(Ty::Json))),
                    Some("array") => {
                        Some(Ty::Vec(Box::new(self.items(any.items.as_ref(), hint, at))))
                    }
                    Some("string") => Some(Ty::String),
                    Some("integer") => Some(Ty::Int { bits: 64 }),
                    Some("number") => Some(Ty::Float { bits: 64 }),
                    Some("boolean") => Some(Ty::Bool),
                    _ => Some(Ty::Json),
                }
            }
            _ => None,
        }
    }

    pub(crate) fn items(
        &mut self,
        items: Option<&ReferenceOr<Box<Schema>>>,
        hint: &str,
        at: &str,
    ) -> Ty {
        match items {
            None => Ty::Json,
            Some(item) => {
                let at = child(at, "items");
                let sref = SchemaRef::from(item);
                let nullable = self.is_nullable(&sref, &at);
                let ty = self.lower_use(sref, &format!("{hint}Item"), &at);
                if nullable {
                    Ty::Option(Box::new(ty))
                } else {
                    ty
                }
            }
        }
    }

    fn map_of(&mut self, additional: Option<&AdditionalProperties>, hint: &str, at: &str) -> Ty {
        match additional {
            Some(AdditionalProperties::Schema(s)) => {
                let at = child(at, "additionalProperties");
                let sref = SchemaRef::from(s.as_ref());
                let nullable = self.is_nullable(&sref, &at);
                let ty = self.lower_use(sref, &format!("{hint}Value"), &at);
                Ty::Map(Box::new(if nullable {
                    Ty::Option(Box::new(ty))
                } else {
                    ty
                }))
            }
            _ => Ty::Map(Box::new(Ty::Json)),
        }
    }

    /// The definition of a named type for `schema`.
    pub(crate) fn define(&mut self, s: &Schema, name: &str, at: &str) -> TypeKind {
        if let Some(ty) = self.plain(s, name, at) {
            return TypeKind::Alias { target: ty };
        }
        let all_of = match &s.schema_kind {
            SchemaKind::AllOf { all_of } => Some(all_of),
            SchemaKind::Any(any)
                if any.properties.is_empty() && any.one_of.is_empty() && any.any_of.is_empty() =>
            {
                Some(&any.all_of)
            }
            _ => None,
        };
        if let Some((i, ReferenceOr::Item(member))) = all_of.and_then(|a| single_substantive(a)) {
            // An inline enum or constrained value wrapped in `allOf` for a description.
            return self.define(member, name, &child(&child(at, "allOf"), &i.to_string()));
        }
        match &s.schema_kind {
            SchemaKind::Type(Type::String(t)) => {
                let values: Vec<&String> = t.enumeration.iter().flatten().collect();
                if !values.is_empty() {
                    return self.string_enum(values, s.schema_data.default.as_ref(), at);
                }
                TypeKind::Newtype {
                    inner: string_ty(t),
                    constraints: string_constraints(t).unwrap_or_default(),
                }
            }
            SchemaKind::Type(Type::Integer(t)) => {
                let values: Vec<i64> = t.enumeration.iter().flatten().copied().collect();
                if !values.is_empty() {
                    let mut scope = Scope::default();
                    let values = values
                        .into_iter()
                        .map(|v| {
                            (
                                scope.claim(
                                    &format!("V{}", v.to_string().replace('-', "MINUS_"))
                                        .to_uppercase(),
                                ),
                                v,
                            )
                        })
                        .collect();
                    return TypeKind::IntEnum { values };
                }
                TypeKind::Newtype {
                    inner: integer_ty(t),
                    constraints: integer_constraints(t).unwrap_or_default(),
                }
            }
            SchemaKind::Type(Type::Number(t)) => TypeKind::Newtype {
                inner: number_ty(t),
                constraints: number_constraints(t).unwrap_or_default(),
            },
            SchemaKind::Type(Type::Array(a)) => TypeKind::Newtype {
                inner: Ty::Vec(Box::new(self.items(a.items.as_ref(), name, at))),
                constraints: Constraints {
                    min_items: a.min_items.map(|n| n as u64),
                    max_items: a.max_items.map(|n| n as u64),
                    unique_items: a.unique_items,
                    ..Constraints::default()
                },
            },
            SchemaKind::OneOf { one_of } => self.union(s, one_of, name, &child(at, "oneOf")),
            SchemaKind::AnyOf { any_of } => self.union(s, any_of, name, &child(at, "anyOf")),
            SchemaKind::Any(any) if !any.one_of.is_empty() && any.properties.is_empty() => {
                self.union(s, &any.one_of, name, &child(at, "oneOf"))
            }
            SchemaKind::Any(any) if !any.any_of.is_empty() && any.properties.is_empty() => {
                self.union(s, &any.any_of, name, &child(at, "anyOf"))
            }
            SchemaKind::Any(any) if !any.enumeration.is_empty() && any.properties.is_empty() => {
                let values: Vec<String> = any
                    .enumeration
                    .iter()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect();
                if values.len() == any.enumeration.iter().filter(|v| !v.is_null()).count()
                    && !values.is_empty()
                {
                    let refs: Vec<&String> = values.iter().collect();
                    return self.string_enum(refs, s.schema_data.default.as_ref(), at);
                }
                self.diags.warning(
                    child(at, "enum"),
                    "an enum of mixed or non-string values is typed as free-form JSON",
                );
                TypeKind::Alias { target: Ty::Json }
            }
            _ => self.structure(s, name, at),
        }
    }

    fn string_enum(
        &mut self,
        values: Vec<&String>,
        default: Option<&serde_json::Value>,
        _at: &str,
    ) -> TypeKind {
        let mut scope = Scope::default();
        let mut seen = BTreeSet::new();
        let values: Vec<EnumValue> = values
            .into_iter()
            .filter(|v| seen.insert(v.as_str()))
            .map(|v| EnumValue {
                name: scope.claim(&naming::variant_name(v)),
                api_name: v.clone(),
            })
            .collect();
        let default = default
            .and_then(|d| d.as_str())
            .filter(|d| values.iter().any(|v| v.api_name == *d))
            .map(str::to_string);
        TypeKind::StringEnum { values, default }
    }

    /// An object or `allOf` as a struct.
    fn structure(&mut self, s: &Schema, name: &str, at: &str) -> TypeKind {
        let mut merged = Merged {
            properties: IndexMap::new(),
            required: BTreeSet::new(),
            additional: None,
        };
        let mut visiting = BTreeSet::new();
        self.gather(s, at, &mut merged, &mut visiting);
        let mut scope = Scope::default();
        let mut fields = Vec::new();
        for (prop, (sref, prop_at)) in &merged.properties {
            let required = merged.required.contains(prop);
            let nullable = self.is_nullable(sref, prop_at);
            let hint = format!("{name}{}", naming::upper_camel(prop, "P"));
            let sref2 = match sref {
                SchemaRef::Ref(r) => SchemaRef::Ref(r),
                SchemaRef::Item(s) => SchemaRef::Item(s),
            };
            let base = self.lower_use(sref2, &hint, prop_at);
            let ty = if required && !nullable {
                base
            } else {
                Ty::Option(Box::new(base))
            };
            let data = match sref {
                SchemaRef::Item(s) => Some(&s.schema_data),
                SchemaRef::Ref(_) => None,
            };
            fields.push(Field {
                name: scope.claim_snake(prop, "field"),
                api_name: prop.clone(),
                ty,
                required,
                nullable,
                doc: data.and_then(|d| d.description.clone()),
                default: data.and_then(|d| d.default.as_ref()).map(|v| v.to_string()),
                read_only: data.map(|d| d.read_only).unwrap_or(false),
                write_only: data.map(|d| d.write_only).unwrap_or(false),
                deprecated: data.map(|d| d.deprecated).unwrap_or(false),
            });
        }
        for missing in merged
            .required
            .iter()
            .filter(|r| !merged.properties.contains_key(*r))
        {
            self.diags.warning(
                child(at, "required"),
                format!("required property `{missing}` is not defined; it is ignored"),
            );
        }
        let additional = match merged.additional {
            Some((AdditionalProperties::Any(true), _)) => Some(Ty::Json),
            Some((AdditionalProperties::Schema(sch), ap_at)) => {
                let sref = SchemaRef::from(sch.as_ref());
                Some(self.lower_use(sref, &format!("{name}Value"), &ap_at))
            }
            _ => None,
        }
        .map(|ty| AdditionalField {
            // After the declared properties, which keep their names.
            name: scope.claim("additional_properties"),
            ty,
        });
        TypeKind::Struct { fields, additional }
    }

    /// Collects properties of an object, following `allOf` members and references.
    fn gather<'s>(
        &mut self,
        s: &'s Schema,
        at: &str,
        out: &mut Merged<'s>,
        visiting: &mut BTreeSet<String>,
    ) where
        'a: 's,
    {
        let (props, required, additional, all_of, others): ObjectParts<'s> = match &s.schema_kind {
            SchemaKind::Type(Type::Object(o)) => (
                Some(&o.properties),
                &o.required,
                o.additional_properties.as_ref(),
                &[],
                false,
            ),
            SchemaKind::AllOf { all_of } => (None, &[], None, all_of, false),
            SchemaKind::Any(any) => (
                Some(&any.properties),
                &any.required,
                any.additional_properties.as_ref(),
                &any.all_of,
                !any.one_of.is_empty() || !any.any_of.is_empty(),
            ),
            _ => {
                self.diags
                    .warning(at, "an `allOf` member that is not an object is ignored");
                return;
            }
        };
        if others {
            self.diags.warning(at, "`oneOf`/`anyOf` beside object properties is not supported; only the properties are used");
        }
        for (i, member) in all_of.iter().enumerate() {
            let member_at = child(&child(at, "allOf"), &i.to_string());
            match member {
                ReferenceOr::Reference { reference } => {
                    if visiting.len() >= MAX_ALLOF_DEPTH {
                        self.diags.error(
                            member_at,
                            format!("`allOf` references nest more than {MAX_ALLOF_DEPTH} levels deep here (at `{reference}`)"),
                        );
                        continue;
                    }
                    self.allof_steps += 1;
                    if self.allof_steps > MAX_ALLOF_STEPS {
                        if self.allof_steps == MAX_ALLOF_STEPS + 1 {
                            self.diags.error(
                                member_at,
                                format!("`allOf` references, followed into every schema that uses them, add up to more than {MAX_ALLOF_STEPS}; stopped here"),
                            );
                        }
                        continue;
                    }
                    if !visiting.insert(reference.clone()) {
                        self.diags.error(
                            member_at,
                            format!("`allOf` reference `{reference}` refers back to itself"),
                        );
                        continue;
                    }
                    if let Some((target_name, target)) = self.resolve(reference, &member_at) {
                        let target_at =
                            crate::diagnostics::pointer(&["components", "schemas", target_name]);
                        self.gather(target, &target_at, out, visiting);
                    }
                    visiting.remove(reference);
                }
                ReferenceOr::Item(inner) => self.gather(inner, &member_at, out, visiting),
            }
        }
        if let Some(props) = props {
            for (name, schema) in props {
                let prop_at = child(&child(at, "properties"), name);
                if let Some((earlier, _)) = out.properties.get(name) {
                    // Both definitions apply (allOf); the later one is kept. Narrowing the
                    // same kind of value (an enum of strings for a string, say) loses
                    // nothing; anything else may, so say so.
                    let new = SchemaRef::from(schema);
                    if !same_kind(earlier, &new) {
                        self.diags.warning(&prop_at, format!("property `{name}` is defined differently by more than one `allOf` member; the last definition is used"));
                    }
                }
                out.properties
                    .insert(name.clone(), (SchemaRef::from(schema), prop_at));
            }
        }
        out.required.extend(required.iter().cloned());
        if let Some(ap) = additional {
            out.additional = Some((ap, child(at, "additionalProperties")));
        }
    }

    /// `oneOf`/`anyOf`: tagged when a discriminator is given, else tried in order.
    fn union(
        &mut self,
        s: &Schema,
        members: &[ReferenceOr<Schema>],
        name: &str,
        at: &str,
    ) -> TypeKind {
        let mut scope = naming::scope(&[naming::reserved::UNION_VARIANTS]);
        if let Some(disc) = &s.schema_data.discriminator {
            let mut variants: Vec<TaggedVariant> = Vec::new();
            for (i, member) in members.iter().enumerate() {
                let member_at = child(at, &i.to_string());
                match member {
                    ReferenceOr::Reference { reference } => {
                        let schema_name = reference
                            .strip_prefix(COMPONENT_PREFIX)
                            .map(unescape_token)
                            .unwrap_or_default();
                        let mut tags: Vec<String> = disc
                            .mapping
                            .iter()
                            .filter(|(_, target)| *target == reference || **target == schema_name)
                            .map(|(tag, _)| tag.clone())
                            .collect();
                        if tags.is_empty() {
                            tags.push(schema_name.clone());
                        }
                        let ty = self.lower_ref(reference, &member_at);
                        variants.push(TaggedVariant {
                            name: scope.claim(&naming::variant_name(&tags[0])),
                            tags,
                            ty,
                        });
                    }
                    ReferenceOr::Item(inner) => {
                        let tag = single_enum_value(inner, &disc.property_name);
                        let Some(tag) = tag else {
                            self.diags.warning(&member_at, "an inline `oneOf` member under a discriminator has no tag value; it is skipped (give it a `$ref` and a mapping)");
                            continue;
                        };
                        let ty = self.lower_use(
                            SchemaRef::Item(inner),
                            &format!("{name}{}", naming::upper_camel(&tag, "V")),
                            &member_at,
                        );
                        variants.push(TaggedVariant {
                            name: scope.claim(&naming::variant_name(&tag)),
                            tags: vec![tag],
                            ty,
                        });
                    }
                }
            }
            // Mapping entries may name schemas outside the oneOf list.
            for (tag, target) in &disc.mapping {
                if variants.iter().any(|v| v.tags.contains(tag)) {
                    continue;
                }
                let reference = if target.starts_with('#') {
                    target.clone()
                } else {
                    format!("{COMPONENT_PREFIX}{target}")
                };
                let ty = self.lower_ref(&reference, &child(&child(at, "discriminator"), "mapping"));
                variants.push(TaggedVariant {
                    name: scope.claim(&naming::variant_name(tag)),
                    tags: vec![tag.clone()],
                    ty,
                });
            }
            return TypeKind::Tagged {
                property: disc.property_name.clone(),
                variants,
            };
        }
        let mut variants = Vec::new();
        for (i, member) in members.iter().enumerate() {
            let member_at = child(at, &i.to_string());
            let sref = SchemaRef::from(member);
            let ty = self.lower_use(sref, &format!("{name}Variant{i}"), &member_at);
            let wanted = match &ty {
                Ty::Named(n) => n.clone(),
                other => naming::variant_name(&primitive_label(other)),
            };
            variants.push(UntaggedVariant {
                name: scope.claim(&wanted),
                ty,
            });
        }
        // Whether it gets `Display` is decided once every type is known.
        TypeKind::Untagged {
            variants,
            display: false,
        }
    }

    /// Wraps struct fields in `Box` where a type would otherwise contain itself.
    /// Types that are only aliases of each other (an inline schema whose only content is
    /// an `allOf` back to the schema holding it, found by the robustness run) would be
    /// followed forever by every pass that looks through aliases; each such type becomes
    /// free JSON, with a warning.
    pub(crate) fn break_alias_cycles(&mut self) {
        let alias_target = |types: &BTreeMap<String, TypeDef>, n: &str| -> Option<String> {
            match types.get(n).map(|t| &t.kind) {
                Some(TypeKind::Alias { target }) => by_value_name(target).map(str::to_string),
                _ => None,
            }
        };
        // Each type is walked once: a walk stops at a type already walked.
        let mut done: BTreeSet<String> = BTreeSet::new();
        let mut cycles: Vec<Vec<String>> = Vec::new();
        let names: Vec<String> = self.types.keys().cloned().collect();
        for name in names {
            let mut path: Vec<String> = Vec::new();
            let mut current = Some(name);
            while let Some(n) = current {
                if done.contains(&n) {
                    break;
                }
                if let Some(pos) = path.iter().position(|p| *p == n) {
                    cycles.push(path[pos..].to_vec());
                    break;
                }
                current = alias_target(&self.types, &n);
                path.push(n);
            }
            done.extend(path);
        }
        for cycle in cycles {
            let pointers: BTreeSet<String> = cycle
                .iter()
                .filter_map(|n| self.types.get(n).map(|t| t.pointer.clone()))
                .collect();
            // A cycle of component references is already an error at one of them.
            let reported = self.diags.iter().any(|d| pointers.contains(&d.pointer));
            for name in &cycle {
                if let Some(t) = self.types.get_mut(name) {
                    t.kind = TypeKind::Alias { target: Ty::Json };
                    if !reported {
                        let at = t.pointer.clone();
                        self.diags.warning(at, "this schema is only itself (through `allOf` or references); it is free JSON");
                    }
                }
            }
        }
    }

    pub(crate) fn box_recursive_fields(&mut self) {
        // Only a field whose type is in the holder's group of types that hold each other
        // by value can lead back to the holder; the others need no search. Computing the
        // groups first keeps long chains of types linear instead of quadratic.
        let group = self.by_value_groups();
        let names: Vec<String> = self.types.keys().cloned().collect();
        for name in names {
            let field_count = match &self.types[&name].kind {
                TypeKind::Struct { fields, .. } => fields.len(),
                _ => continue,
            };
            for i in 0..field_count {
                let ty = match &self.types[&name].kind {
                    TypeKind::Struct { fields, .. } => fields[i].ty.clone(),
                    _ => unreachable!("checked above"),
                };
                let Some(held) = by_value_name(&ty) else {
                    continue;
                };
                if held != name && group.get(held) != group.get(&name) {
                    continue;
                }
                if self.reaches(held, &name, &group) {
                    if let Some(TypeKind::Struct { fields, .. }) =
                        self.types.get_mut(&name).map(|t| &mut t.kind)
                    {
                        fields[i].ty = box_ty(fields[i].ty.clone());
                    }
                }
            }
        }
    }

    /// The named types a type holds by value (not behind a `Vec`, map or `Box`).
    fn held_by_value<'t>(&'t self, name: &str) -> Vec<&'t str> {
        let tys: Vec<&Ty> = match self.types.get(name).map(|t| &t.kind) {
            Some(TypeKind::Struct { fields, .. }) => fields.iter().map(|f| &f.ty).collect(),
            Some(TypeKind::Alias { target }) => vec![target],
            Some(TypeKind::Tagged { variants, .. }) => variants.iter().map(|v| &v.ty).collect(),
            Some(TypeKind::Untagged { variants, .. }) => variants.iter().map(|v| &v.ty).collect(),
            _ => Vec::new(),
        };
        tys.into_iter().filter_map(by_value_name).collect()
    }

    /// Groups of types that hold each other by value (strongly connected components, by
    /// Tarjan's algorithm without recursion): type name to group number.
    fn by_value_groups(&self) -> BTreeMap<String, usize> {
        let names: Vec<&str> = self.types.keys().map(String::as_str).collect();
        let index_of: BTreeMap<&str, usize> =
            names.iter().enumerate().map(|(i, n)| (*n, i)).collect();
        let edges: Vec<Vec<usize>> = names
            .iter()
            .map(|n| {
                self.held_by_value(n)
                    .into_iter()
                    .filter_map(|h| index_of.get(h).copied())
                    .collect()
            })
            .collect();
        let n = names.len();
        let mut index = vec![usize::MAX; n];
        let mut low = vec![0; n];
        let mut on_stack = vec![false; n];
        let mut stack = Vec::new();
        let mut group = vec![usize::MAX; n];
        let mut next_index = 0;
        let mut groups = 0;
        for root in 0..n {
            if index[root] != usize::MAX {
                continue;
            }
            // (node, next edge to look at)
            let mut work = vec![(root, 0)];
            while let Some(&mut (v, ref mut e)) = work.last_mut() {
                if *e == 0 && index[v] == usize::MAX {
                    index[v] = next_index;
                    low[v] = next_index;
                    next_index += 1;
                    stack.push(v);
                    on_stack[v] = true;
                }
                if let Some(&w) = edges[v].get(*e) {
                    *e += 1;
                    if index[w] == usize::MAX {
                        work.push((w, 0));
                    } else if on_stack[w] {
                        low[v] = low[v].min(index[w]);
                    }
                    continue;
                }
                work.pop();
                if let Some(&(parent, _)) = work.last() {
                    low[parent] = low[parent].min(low[v]);
                }
                if low[v] == index[v] {
                    while let Some(w) = stack.pop() {
                        on_stack[w] = false;
                        group[w] = groups;
                        if w == v {
                            break;
                        }
                    }
                    groups += 1;
                }
            }
        }
        names
            .iter()
            .enumerate()
            .map(|(i, n)| (n.to_string(), group[i]))
            .collect()
    }

    /// Whether the type `from` holds `target` by value, as the fields are now (boxing
    /// earlier fields cuts paths), searching only inside their group.
    fn reaches(&self, from: &str, target: &str, group: &BTreeMap<String, usize>) -> bool {
        let home = group.get(target);
        let mut seen = BTreeSet::new();
        let mut todo = vec![from.to_string()];
        while let Some(n) = todo.pop() {
            if n == target {
                return true;
            }
            if !seen.insert(n.clone()) {
                continue;
            }
            for h in self.held_by_value(&n) {
                if group.get(h) == home && !seen.contains(h) {
                    todo.push(h.to_string());
                }
            }
        }
        false
    }
}

/// The named type a type holds by value, looking through `Option`.
fn by_value_name(ty: &Ty) -> Option<&str> {
    match ty {
        Ty::Option(inner) => by_value_name(inner),
        Ty::Named(n) => Some(n),
        _ => None,
    }
}

/// Whether two definitions of one property describe the same kind of value, so keeping
/// the later (narrower) one loses nothing.
fn same_kind(a: &SchemaRef<'_>, b: &SchemaRef<'_>) -> bool {
    match (a, b) {
        (SchemaRef::Ref(x), SchemaRef::Ref(y)) => x == y,
        (SchemaRef::Item(x), SchemaRef::Item(y)) => match (&x.schema_kind, &y.schema_kind) {
            (SchemaKind::Type(Type::String(_)), SchemaKind::Type(Type::String(_)))
            | (SchemaKind::Type(Type::Integer(_)), SchemaKind::Type(Type::Integer(_)))
            | (SchemaKind::Type(Type::Number(_)), SchemaKind::Type(Type::Number(_)))
            | (SchemaKind::Type(Type::Boolean(_)), SchemaKind::Type(Type::Boolean(_))) => true,
            (a, b) => a == b,
        },
        _ => false,
    }
}

/// The one member of an `allOf` that says what the value is, when the others only add
/// annotations (a description, an example): `allOf: [{$ref: X}, {description: ...}]`.
fn single_substantive(all_of: &[ReferenceOr<Schema>]) -> Option<(usize, &ReferenceOr<Schema>)> {
    let mut found = None;
    for (i, member) in all_of.iter().enumerate() {
        let annotation_only = match member {
            ReferenceOr::Item(s) => {
                s.schema_data.discriminator.is_none()
                    && matches!(&s.schema_kind, SchemaKind::Any(a) if *a == openapiv3::AnySchema::default())
            }
            ReferenceOr::Reference { .. } => false,
        };
        if !annotation_only {
            if found.is_some() {
                return None;
            }
            found = Some((i, member));
        }
    }
    found
}

fn box_ty(ty: Ty) -> Ty {
    match ty {
        Ty::Option(inner) => Ty::Option(Box::new(box_ty(*inner))),
        other => Ty::Boxed(Box::new(other)),
    }
}

fn single_enum_value(s: &Schema, property: &str) -> Option<String> {
    let props = match &s.schema_kind {
        SchemaKind::Type(Type::Object(o)) => &o.properties,
        SchemaKind::Any(a) => &a.properties,
        _ => return None,
    };
    match props.get(property)? {
        ReferenceOr::Item(p) => match &p.schema_kind {
            SchemaKind::Type(Type::String(t)) if t.enumeration.len() == 1 => {
                t.enumeration[0].clone()
            }
            _ => None,
        },
        ReferenceOr::Reference { .. } => None,
    }
}

fn primitive_label(ty: &Ty) -> String {
    match ty {
        Ty::Bool => "Bool".into(),
        Ty::Int { .. } => "Integer".into(),
        Ty::Float { .. } => "Number".into(),
        Ty::String => "String".into(),
        Ty::Bytes => "Bytes".into(),
        Ty::Json => "Json".into(),
        Ty::Vec(_) => "Array".into(),
        Ty::Map(_) => "Map".into(),
        Ty::Option(inner) | Ty::Boxed(inner) => primitive_label(inner),
        Ty::Named(n) => n.clone(),
        Ty::Unit => "Unit".into(),
    }
}

pub(crate) fn string_ty(t: &openapiv3::StringType) -> Ty {
    use openapiv3::{StringFormat, VariantOrUnknownOrEmpty};
    match &t.format {
        VariantOrUnknownOrEmpty::Item(StringFormat::Binary) => Ty::String,
        _ => Ty::String,
    }
}

pub(crate) fn integer_ty(t: &openapiv3::IntegerType) -> Ty {
    use openapiv3::{IntegerFormat, VariantOrUnknownOrEmpty};
    match &t.format {
        VariantOrUnknownOrEmpty::Item(IntegerFormat::Int32) => Ty::Int { bits: 32 },
        _ => Ty::Int { bits: 64 },
    }
}

pub(crate) fn number_ty(t: &openapiv3::NumberType) -> Ty {
    use openapiv3::{NumberFormat, VariantOrUnknownOrEmpty};
    match &t.format {
        VariantOrUnknownOrEmpty::Item(NumberFormat::Float) => Ty::Float { bits: 32 },
        _ => Ty::Float { bits: 64 },
    }
}

pub(crate) fn string_constraints(t: &openapiv3::StringType) -> Option<Constraints> {
    let c = Constraints {
        pattern: t.pattern.clone(),
        min_length: t.min_length.map(|n| n as u64),
        max_length: t.max_length.map(|n| n as u64),
        ..Constraints::default()
    };
    (!c.is_empty()).then_some(c)
}

pub(crate) fn integer_constraints(t: &openapiv3::IntegerType) -> Option<Constraints> {
    let c = Constraints {
        minimum: t.minimum.map(Bound::Int),
        maximum: t.maximum.map(Bound::Int),
        exclusive_minimum: t.exclusive_minimum && t.minimum.is_some(),
        exclusive_maximum: t.exclusive_maximum && t.maximum.is_some(),
        multiple_of: t.multiple_of.map(Bound::Int),
        ..Constraints::default()
    };
    (!c.is_empty()).then_some(c)
}

pub(crate) fn number_constraints(t: &openapiv3::NumberType) -> Option<Constraints> {
    let c = Constraints {
        minimum: t.minimum.map(Bound::Float),
        maximum: t.maximum.map(Bound::Float),
        exclusive_minimum: t.exclusive_minimum && t.minimum.is_some(),
        exclusive_maximum: t.exclusive_maximum && t.maximum.is_some(),
        multiple_of: t.multiple_of.map(Bound::Float),
        ..Constraints::default()
    };
    (!c.is_empty()).then_some(c)
}
