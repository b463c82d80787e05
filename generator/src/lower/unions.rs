//! Lower: consumes `oneOf`/`anyOf` schemas and produces unions: tagged by a discriminator
//! property where the document gives one, tried in order otherwise.

use super::schemas::{SchemaRef, COMPONENT_PREFIX};
use super::{unescape_token, Lowerer};
use crate::diagnostics::child;
use crate::ir::{TaggedVariant, Ty, TypeKind, UntaggedVariant};
use crate::naming::{self};
use openapiv3::{ReferenceOr, Schema, SchemaKind, Type};
use std::collections::BTreeMap;

impl<'a> Lowerer<'a> {
    /// `oneOf`/`anyOf`: tagged when a discriminator is given, else tried in order.
    pub(super) fn union(
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
                            // The member's own one value of the property, when it restricts
                            // it to one (`enum: [GCS]`): the schema name could never be it.
                            let own = match self.resolve(reference, &member_at) {
                                Some((_, target)) => {
                                    self.own_tag(target, &disc.property_name, &member_at, 0)
                                }
                                None => None,
                            };
                            tags.push(own.unwrap_or_else(|| schema_name.clone()));
                        }
                        let ty = self.lower_ref(reference, &member_at);
                        variants.push(TaggedVariant {
                            name: scope.claim(&naming::variant_name(&tags[0])),
                            tags,
                            ty,
                        });
                    }
                    ReferenceOr::Item(inner) => {
                        // The member's own value of the property (`const` or a one-value
                        // `enum`, also through `allOf`), else a mapping entry that points
                        // at the member itself.
                        let tag = self
                            .own_tag(inner, &disc.property_name, &member_at, 0)
                            .or_else(|| {
                                disc.mapping
                                    .iter()
                                    .find(|(_, target)| **target == member_at)
                                    .map(|(tag, _)| tag.clone())
                            });
                        let Some(tag) = tag else {
                            self.diags.weakened(&member_at, format!("an inline member under a discriminator has no tag value (no one-value `enum` or `const` for `{}`, no mapping entry pointing at it); it is left out of the union, whose unknown variant keeps such values", disc.property_name));
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
            let nullable = self.is_nullable(&sref, &member_at);
            let ty = self.lower_use(sref, &format!("{name}Variant{i}"), &member_at);
            let wanted = match &ty {
                Ty::Named(n) => n.clone(),
                other => naming::variant_name(&primitive_label(other)),
            };
            // A nullable member takes `null` too, as its variant's `None`.
            let ty = if nullable {
                Ty::Option(Box::new(ty))
            } else {
                ty
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
}

impl<'a> Lowerer<'a> {
    /// The one value an inline member gives its discriminator `property`: a one-value
    /// string `enum` (3.1's `const` is one), on the member or on one of its `allOf`
    /// members, the property's schema inline or a reference.
    fn own_tag(&mut self, s: &Schema, property: &str, at: &str, depth: usize) -> Option<String> {
        // `allOf` members nest; a bound keeps a hostile document from recursing deep.
        if depth > 8 {
            return None;
        }
        let (props, all_of): (_, &[ReferenceOr<Schema>]) = match &s.schema_kind {
            SchemaKind::Type(Type::Object(o)) => (Some(&o.properties), &[]),
            SchemaKind::Any(a) => (Some(&a.properties), &a.all_of),
            SchemaKind::AllOf { all_of } => (None, all_of),
            _ => return None,
        };
        let own = match props.and_then(|p| p.get(property)) {
            Some(ReferenceOr::Item(p)) => one_value(p),
            Some(ReferenceOr::Reference { reference }) => {
                let reference = reference.clone();
                self.resolve(&reference, at).and_then(|(_, p)| one_value(p))
            }
            None => None,
        };
        if own.is_some() {
            return own;
        }
        for member in all_of {
            let found = match member {
                ReferenceOr::Item(m) => self.own_tag(m, property, at, depth + 1),
                ReferenceOr::Reference { reference } => {
                    let reference = reference.clone();
                    match self.resolve(&reference, at) {
                        Some((_, m)) => self.own_tag(m, property, at, depth + 1),
                        None => None,
                    }
                }
            };
            if found.is_some() {
                return found;
            }
        }
        None
    }
}

/// The value of a one-value string `enum` (or `const`).
fn one_value(s: &Schema) -> Option<String> {
    match &s.schema_kind {
        SchemaKind::Type(Type::String(t)) if t.enumeration.len() == 1 => t.enumeration[0].clone(),
        SchemaKind::Any(a) if a.enumeration.len() == 1 => {
            a.enumeration[0].as_str().map(str::to_string)
        }
        _ => None,
    }
}

impl Lowerer<'_> {
    /// Orders the variants of every untagged union most specific first, since decoding
    /// takes the first that fits: booleans, integers, numbers, strings (formatted, then
    /// constrained, then enums, then any), arrays, objects (those with more required
    /// properties first; tagged and nested unions, which take any object, last), maps,
    /// then free JSON. Ties keep document order. Runs once every type is known.
    pub(super) fn order_untagged_variants(&mut self) {
        let names: Vec<String> = self
            .types
            .iter()
            .filter(|(_, t)| matches!(t.kind, TypeKind::Untagged { .. }))
            .map(|(n, _)| n.clone())
            .collect();
        for name in names {
            let Some(TypeKind::Untagged { variants, .. }) = self.types.get(&name).map(|t| &t.kind)
            else {
                continue;
            };
            let mut keyed: Vec<((u8, usize), UntaggedVariant)> = variants
                .iter()
                .map(|v| (self.specificity(&v.ty, 0), v.clone()))
                .collect();
            // Stable: equally specific variants stay in document order.
            keyed.sort_by_key(|(key, _)| *key);
            if let Some(TypeKind::Untagged { variants, .. }) =
                self.types.get_mut(&name).map(|t| &mut t.kind)
            {
                *variants = keyed.into_iter().map(|(_, v)| v).collect();
            }
        }
    }

    /// Where a variant of this type is tried: (class, rank within the class), lower first.
    fn specificity(&self, ty: &Ty, depth: usize) -> (u8, usize) {
        const ANY: usize = usize::MAX;
        match ty {
            Ty::Option(inner) | Ty::Boxed(inner) => self.specificity(inner, depth),
            Ty::Bool => (0, 1),
            Ty::Int { .. } | Ty::Uint { .. } => (1, 1),
            Ty::Float { .. } => (2, 1),
            Ty::External {
                format: Some(_),
                text: true,
                ..
            } => (3, 0),
            Ty::String | Ty::Bytes | Ty::Body | Ty::Url => (3, 3),
            Ty::Vec(_) => (4, 1),
            Ty::Map(_) => (6, 0),
            Ty::External { .. } => (6, 1),
            Ty::Json | Ty::Unit => (7, 0),
            Ty::Named(n) => match self.types.get(n).map(|t| &t.kind) {
                // Aliases lead to their type; a long chain (cycles are broken already)
                // ends as any object would.
                Some(TypeKind::Alias { target }) if depth < 64 => {
                    self.specificity(target, depth + 1)
                }
                Some(TypeKind::Newtype { inner, .. }) => {
                    let (class, _) = self.specificity(inner, depth + 1);
                    (class, 0)
                }
                Some(TypeKind::IntEnum { .. }) => (1, 0),
                Some(TypeKind::StringEnum { .. }) => (3, 2),
                Some(TypeKind::Struct { fields, .. }) => {
                    let required = fields.iter().filter(|f| f.required).count();
                    (5, ANY - required)
                }
                _ => (5, ANY),
            },
        }
    }
}

impl<'a> Lowerer<'a> {
    /// A component object with a `discriminator` and no `oneOf`/`anyOf` of its own is the
    /// base of the schemas that extend it through `allOf` (`Cat: allOf: [$ref: Pet, ...]`):
    /// where the document uses it, any of them may come. It becomes a union tagged by the
    /// property over those schemas (their `mapping` keys or schema names as tags) and any
    /// other schema the mapping names; the extending schemas stay structs with the base's
    /// properties merged in. `None` when nothing extends it and the mapping names nothing.
    pub(super) fn polymorphic_base(
        &mut self,
        api_name: &str,
        s: &Schema,
        name: &str,
        at: &str,
        children: &BTreeMap<String, Vec<String>>,
    ) -> Option<TypeKind> {
        let disc = s.schema_data.discriminator.as_ref()?;
        let object = match &s.schema_kind {
            SchemaKind::Type(Type::Object(_)) => true,
            SchemaKind::Any(a) => a.one_of.is_empty() && a.any_of.is_empty(),
            SchemaKind::AllOf { .. } => true,
            _ => false,
        };
        let kids = children
            .get(api_name)
            .map(Vec::as_slice)
            .unwrap_or_default();
        if !object || (kids.is_empty() && disc.mapping.is_empty()) {
            return None;
        }
        let members: Vec<ReferenceOr<Schema>> = kids
            .iter()
            .map(|kid| ReferenceOr::Reference {
                reference: crate::diagnostics::pointer(&["components", "schemas", kid]),
            })
            .collect();
        Some(self.union(s, &members, name, &child(at, "discriminator")))
    }
}

/// For each component schema, the component schemas that name it as a direct `allOf`
/// member, in document order.
pub(super) fn allof_children(
    schemas: &indexmap::IndexMap<String, ReferenceOr<Schema>>,
) -> BTreeMap<String, Vec<String>> {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (name, schema) in schemas {
        let ReferenceOr::Item(s) = schema else {
            continue;
        };
        let all_of: &[ReferenceOr<Schema>] = match &s.schema_kind {
            SchemaKind::AllOf { all_of } => all_of,
            SchemaKind::Any(a) => &a.all_of,
            _ => continue,
        };
        for member in all_of {
            if let ReferenceOr::Reference { reference } = member {
                if let Some(parent) = reference.strip_prefix(COMPONENT_PREFIX).map(unescape_token) {
                    if parent != *name {
                        let kids = out.entry(parent).or_default();
                        if !kids.contains(name) {
                            kids.push(name.clone());
                        }
                    }
                }
            }
        }
    }
    out
}

pub(super) fn primitive_label(ty: &Ty) -> String {
    match ty {
        Ty::Bool => "Bool".into(),
        Ty::Int { .. } | Ty::Uint { .. } => "Integer".into(),
        Ty::Float { .. } => "Number".into(),
        // The type's own name: `uuid::Uuid` is `Uuid`, `chrono::DateTime<chrono::Utc>` is
        // `DateTime`.
        Ty::External { path, .. } => {
            let plain = path.split('<').next().unwrap_or(path);
            plain
                .rsplit("::")
                .next()
                .unwrap_or(plain)
                .trim()
                .to_string()
        }
        Ty::String => "String".into(),
        Ty::Bytes => "Bytes".into(),
        Ty::Body => "Body".into(),
        Ty::Json => "Json".into(),
        Ty::Vec(_) => "Array".into(),
        Ty::Map(_) => "Map".into(),
        Ty::Option(inner) | Ty::Boxed(inner) => primitive_label(inner),
        Ty::Named(n) => n.clone(),
        Ty::Unit => "Unit".into(),
        Ty::Url => "Url".into(),
    }
}

#[cfg(test)]
mod tests {
    use crate::ir::{Ty, TypeKind};

    fn doc(schemas: &str) -> String {
        format!("openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths: {{}}\ncomponents:\n  schemas:\n{schemas}")
    }

    /// An inline member under a discriminator with no value of its own for the property
    /// and no mapping entry is left out with a `weakened` warning naming the property.
    #[test]
    fn an_inline_member_without_a_tag_is_a_counted_approximation() {
        let (api, diags) = crate::lower_text(&doc(
            "    U:\n      discriminator: {propertyName: kind}\n      oneOf:\n        \
             - {type: object, properties: {kind: {type: string}}}\n        \
             - {type: object, properties: {kind: {type: string, enum: [b]}}}\n",
        ))
        .unwrap();
        let u = api.types.iter().find(|t| t.name == "U").unwrap();
        let TypeKind::Tagged { variants, .. } = &u.kind else {
            panic!("{:?}", u.kind)
        };
        assert_eq!(variants.len(), 1);
        assert_eq!(variants[0].tags, ["b"]);
        let d = diags.iter().next().expect("a warning");
        assert_eq!(d.category, crate::diagnostics::Category::Weakened);
        assert_eq!(d.pointer, "#/components/schemas/U/oneOf/0");
        assert!(d.message.contains("no tag value"), "{}", d.message);
        assert_eq!(diags.approximations().weakened, 1);
    }

    /// Unions that hold each other through unions only would search forever when decoding
    /// a value neither takes: the variant that leads back becomes free JSON, with a warning.
    #[test]
    fn unions_that_hold_each_other_only_through_unions_cut_the_cycle() {
        let (api, diags) = crate::lower_text(&doc(
            "    A:\n      anyOf: [{type: string}, {$ref: '#/components/schemas/B'}]\n    \
             B:\n      anyOf: [{type: integer}, {$ref: '#/components/schemas/A'}]\n",
        ))
        .unwrap();
        let a = api.types.iter().find(|t| t.name == "A").unwrap();
        let TypeKind::Untagged { variants, .. } = &a.kind else {
            panic!("{:?}", a.kind)
        };
        assert!(variants.iter().any(|v| v.ty == Ty::Json), "{variants:?}");
        assert!(
            diags
                .to_string()
                .contains("leads back to it through other unions only"),
            "{diags}"
        );
    }
}
