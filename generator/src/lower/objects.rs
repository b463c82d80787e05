//! Lower: consumes object schemas (with `allOf` members merged in) and produces structs with
//! their fields and additional-properties map.

use super::schemas::{same_kind, ObjectParts, SchemaRef, MAX_ALLOF_DEPTH, MAX_ALLOF_STEPS};
use super::Lowerer;
use crate::diagnostics::child;
use crate::ir::{AdditionalField, Field, Ty, TypeDef, TypeKind};
use crate::naming::{self, Scope};
use indexmap::IndexMap;
use openapiv3::{AdditionalProperties, ReferenceOr, Schema, SchemaKind, Type};
use std::collections::BTreeSet;

impl<'a> Lowerer<'a> {
    /// An object or `allOf` as a struct.
    pub(super) fn structure(&mut self, s: &Schema, name: &str, at: &str) -> TypeKind {
        let mut merged = Merged {
            properties: IndexMap::new(),
            required: BTreeSet::new(),
            additional: None,
            unions: Vec::new(),
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
                flatten: false,
            });
        }
        for (holder, holder_at) in std::mem::take(&mut merged.unions) {
            self.flattened_union(holder, &holder_at, name, &mut fields, &mut scope);
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
    pub(super) fn gather<'s>(
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
            // `allOf: [{$ref: Base}, {oneOf: [...]}]`: the union sits beside the properties.
            SchemaKind::OneOf { .. } | SchemaKind::AnyOf { .. } => {
                out.unions.push((s, at.to_string()));
                return;
            }
            _ => {
                self.diags
                    .weakened(at, "an `allOf` member that is not an object is ignored");
                return;
            }
        };
        if others {
            out.unions.push((s, at.to_string()));
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
                        self.diags.weakened(&prop_at, format!("property `{name}` is defined differently by more than one `allOf` member; the last definition is used"));
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
}

/// A union flattened into a struct, to check once every type is known.
pub(crate) struct Flattened {
    holder: String,
    union: String,
    keyword: &'static str,
}

impl<'a> Lowerer<'a> {
    /// Keeps each flattened union whose members are all objects (their properties can sit
    /// beside the struct's), leaving the struct's properties that a member also has to the
    /// member, so each is read and written once; takes the others out again, with a
    /// warning (only the properties are used).
    pub(super) fn finish_flattened_unions(&mut self) {
        for f in std::mem::take(&mut self.flattened) {
            let Some(union) = self.types.get(&f.union) else {
                continue;
            };
            let union_at = union.pointer.clone();
            let (variant_tys, mut shared): (Vec<Ty>, BTreeSet<String>) = match &union.kind {
                TypeKind::Tagged { variants, property } => (
                    variants.iter().map(|v| v.ty.clone()).collect(),
                    BTreeSet::from([property.clone()]),
                ),
                TypeKind::Untagged { variants, .. } => (
                    variants.iter().map(|v| v.ty.clone()).collect(),
                    BTreeSet::new(),
                ),
                _ => (Vec::new(), BTreeSet::new()),
            };
            let mut objects = !variant_tys.is_empty();
            for ty in &variant_tys {
                match self.unalias(ty) {
                    Ty::Named(n) => match self.types.get(&n).map(|t| &t.kind) {
                        Some(TypeKind::Struct { fields, .. }) => {
                            shared.extend(fields.iter().map(|f| f.api_name.clone()));
                        }
                        Some(TypeKind::Tagged { .. }) => {}
                        _ => objects = false,
                    },
                    Ty::Map(_) => {}
                    _ => objects = false,
                }
            }
            let Some(TypeKind::Struct { fields, .. }) =
                self.types.get_mut(&f.holder).map(|t| &mut t.kind)
            else {
                continue;
            };
            if objects {
                fields.retain(|field| field.flatten || !shared.contains(&field.api_name));
            } else {
                fields.retain(|field| !(field.flatten && field.ty == Ty::Named(f.union.clone())));
                self.types.remove(&f.union);
                self.diags.weakened(
                    union_at,
                    format!("`{}` beside object properties has members that are not objects, which cannot sit beside the properties; only the properties are used", f.keyword),
                );
            }
        }
    }
}

/// Properties gathered from an object or an `allOf`, with where each came from.
pub(super) struct Merged<'s> {
    properties: IndexMap<String, (SchemaRef<'s>, String)>,
    required: BTreeSet<String>,
    additional: Option<(&'s AdditionalProperties, String)>,
    /// Schemas with a `oneOf`/`anyOf` beside their properties, with where they are.
    unions: Vec<(&'s Schema, String)>,
}

impl<'a> Lowerer<'a> {
    /// A `oneOf`/`anyOf` beside properties: a union of its own (`{name}OneOf`), flattened
    /// into the struct (checked once every type is known, by `finish_flattened_unions`).
    fn flattened_union(
        &mut self,
        holder: &Schema,
        at: &str,
        name: &str,
        fields: &mut Vec<Field>,
        scope: &mut Scope,
    ) {
        let (members, keyword) = match &holder.schema_kind {
            SchemaKind::OneOf { one_of } => (one_of, "oneOf"),
            SchemaKind::AnyOf { any_of } => (any_of, "anyOf"),
            SchemaKind::Any(any) if any.one_of.is_empty() => (&any.any_of, "anyOf"),
            SchemaKind::Any(any) => (&any.one_of, "oneOf"),
            _ => return,
        };
        let union_at = child(at, keyword);
        let union_name = self
            .type_scope
            .claim_type(&format!("{name}{}", naming::upper_camel(keyword, "U")));
        let kind = self.union(holder, members, &union_name, &union_at);
        // Whether its members are objects is known once every type is: see
        // `finish_flattened_unions`.
        self.flattened.push(Flattened {
            holder: name.to_string(),
            union: union_name.clone(),
            keyword,
        });
        self.types.insert(
            union_name.clone(),
            TypeDef {
                name: union_name.clone(),
                api_name: format!("{name}.{keyword}"),
                pointer: union_at,
                doc: Some(format!(
                    "The `{keyword}` beside the properties of `{name}`: its members' properties sit beside them."
                )),
                deprecated: false,
                kind,
                derives: Vec::new(),
                extra_derives: Vec::new(),
                features: Vec::new(),
            },
        );
        fields.push(Field {
            name: scope.claim_snake(keyword, "field"),
            api_name: keyword.to_string(),
            ty: Ty::Named(union_name),
            required: true,
            nullable: false,
            doc: Some(format!(
                "The `{keyword}` member this value is, whose properties sit beside the others."
            )),
            default: None,
            read_only: false,
            write_only: false,
            deprecated: false,
            flatten: true,
        });
    }
}
