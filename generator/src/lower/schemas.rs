//! Lower: consumes `components.schemas` and inline schemas and produces named types (for
//! components, and inline schemas named after where they were found) and use-site types;
//! objects, unions, scalars and recursion have their own modules.

use super::scalars::{integer_constraints, number_constraints, number_ty, string_constraints};
use super::{unescape_token, Lowerer};
use crate::diagnostics::child;
use crate::ir::{Constraints, EnumValue, Ty, TypeDef, TypeKind};
use crate::naming::{self, Scope};
use indexmap::IndexMap;
use openapiv3::{AdditionalProperties, ReferenceOr, Schema, SchemaKind, Type};
use std::collections::BTreeSet;

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

/// The parts of an object schema that `allOf` merging reads.
pub(super) type ObjectParts<'s> = (
    Option<&'s IndexMap<String, ReferenceOr<Box<Schema>>>>,
    &'s [String],
    Option<&'s AdditionalProperties>,
    &'s [ReferenceOr<Schema>],
    bool,
);

pub(super) const COMPONENT_PREFIX: &str = "#/components/schemas/";

impl<'a> Lowerer<'a> {
    /// Names every component schema, then lowers each, in name order.
    pub(crate) fn lower_components(&mut self) {
        let Some(components) = &self.api.components else {
            return;
        };
        // Schemas replaced by existing types get no model.
        let mut names: Vec<&String> = components
            .schemas
            .keys()
            .filter(|n| !self.replaced.contains_key(n.as_str()))
            .collect();
        names.sort();
        for name in &names {
            let rust = self.type_scope.claim_type(name);
            self.component_names.insert((*name).clone(), rust);
        }
        let children = super::unions::allof_children(&components.schemas);
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
                    let kind = match self.polymorphic_base(name, schema, &rust, &at, &children) {
                        Some(kind) => kind,
                        None => self.define(schema, &rust, &at),
                    };
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
                    // Decided once every type is final.
                    derives: Vec::new(),
                    extra_derives: Vec::new(),
                    features: Vec::new(),
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
        if let Some(ty) = name.as_deref().and_then(|n| self.replaced_ty(n)) {
            return ty;
        }
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
                                // Decided once every type is final.
                                derives: Vec::new(),
                                extra_derives: Vec::new(),
                                features: Vec::new(),
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
                if !t.enumeration.iter().all(Option::is_none) {
                    return None;
                }
                if let Some(ty) = self.string_mapped(t) {
                    return Some(ty);
                }
                if string_constraints(t).is_some() {
                    return None;
                }
                let binary = matches!(
                    t.format,
                    openapiv3::VariantOrUnknownOrEmpty::Item(openapiv3::StringFormat::Binary)
                );
                if binary && self.binary_as_bytes {
                    return Some(Ty::Body);
                }
                Some(Ty::String)
            }
            SchemaKind::Type(Type::Integer(t)) => {
                if !t.enumeration.iter().all(Option::is_none) {
                    return None;
                }
                if let Some(ty) = self.integer_mapped(t) {
                    return Some(ty);
                }
                if integer_constraints(t).is_some() {
                    return None;
                }
                Some(self.integer_ty(t))
            }
            SchemaKind::Type(Type::Number(t)) => {
                if let Some(ty) = self.number_mapped(t) {
                    return Some(ty);
                }
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
                self.diags.weakened(
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
                    self.diags.weakened(
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
                    Some("string") => {
                        let mapped = any
                            .format
                            .as_deref()
                            .and_then(|f| super::formats::string_format(f, &self.options.types));
                        Some(mapped.map_or(Ty::String, |m| self.use_mapped(m)))
                    }
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
                    inner: Ty::String,
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
                    inner: self.integer_ty(t),
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
                self.diags.weakened(
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
}

/// Whether two definitions of one property describe the same kind of value, so keeping
/// the later (narrower) one loses nothing.
pub(super) fn same_kind(a: &SchemaRef<'_>, b: &SchemaRef<'_>) -> bool {
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
