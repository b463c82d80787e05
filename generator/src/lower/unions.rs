//! Lower: consumes `oneOf`/`anyOf` schemas and produces unions: tagged by a discriminator
//! property where the document gives one, tried in order otherwise.

use super::schemas::{SchemaRef, COMPONENT_PREFIX};
use super::{unescape_token, Lowerer};
use crate::diagnostics::child;
use crate::ir::{TaggedVariant, Ty, TypeKind, UntaggedVariant};
use crate::naming::{self};
use openapiv3::{ReferenceOr, Schema, SchemaKind, Type};

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
}

pub(super) fn single_enum_value(s: &Schema, property: &str) -> Option<String> {
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
