//! Lower: consumes an operation's `parameters` (after path-level and operation-level ones
//! are merged) and produces IR parameters with their types, checks and query encoding.

use super::operations::Skip;
use super::schemas::SchemaRef;
use super::Lowerer;
use crate::diagnostics::child;
use crate::ir::{
    ArgKind, Constraints, ObjectStyle, Param, ParamLocation, Pass, QueryEncoding, Ty, TypeKind,
};
use crate::naming::{self, Scope};
use openapiv3::{Parameter, ParameterSchemaOrContent, ReferenceOr, Schema, SchemaKind, Type};

impl<'a> Lowerer<'a> {
    pub(super) fn resolve_parameter(
        &mut self,
        p: &'a ReferenceOr<Parameter>,
        at: &str,
    ) -> Option<Parameter> {
        self.resolve_component(p, at, "parameters", "parameter", |c| &c.parameters)
            .cloned()
    }

    pub(super) fn lower_param(
        &mut self,
        param: &Parameter,
        at: &str,
        builder: &str,
        scope: &mut Scope,
    ) -> Result<Option<Param>, Skip> {
        let data = param.parameter_data_ref();
        let loc = location(param);
        if loc == ParamLocation::Path && !data.required {
            self.diags.error(
                child(at, "required"),
                format!("path parameter `{}` must be required", data.name),
            );
        }
        let (schema, schema_at) = match &data.format {
            ParameterSchemaOrContent::Schema(s) => (s, child(at, "schema")),
            ParameterSchemaOrContent::Content(content) => match content.iter().next() {
                Some((media, m)) if m.schema.is_some() => {
                    self.diags.weakened(child(at, "content"), format!("parameter `{}` is described by `content`; it is sent as text of its `{media}` schema", data.name));
                    (
                        m.schema.as_ref().ok_or(Skip)?,
                        child(&child(&child(at, "content"), media), "schema"),
                    )
                }
                _ => {
                    self.diags.error(
                        at,
                        format!(
                            "parameter `{}` has neither a schema nor content with a schema",
                            data.name
                        ),
                    );
                    return Ok(None);
                }
            },
        };
        let hint = format!("{builder}{}", naming::upper_camel(&data.name, "P"));
        let (ty, constraints, default) = match schema {
            ReferenceOr::Reference { reference } => (
                self.lower_ref(reference, &schema_at),
                Constraints::default(),
                None,
            ),
            ReferenceOr::Item(s) => {
                let default = s.schema_data.default.as_ref().map(|v| v.to_string());
                // Inline constrained scalars are checked before sending instead of getting a
                // newtype of their own: the caller passes a plain value.
                if let Some((ty, c)) = self.scalar_with_constraints(s) {
                    (ty, c, default)
                } else if let Some((items, c)) = self.param_list(s, &hint, &schema_at) {
                    (Ty::Vec(Box::new(items)), c, default)
                } else {
                    (
                        self.lower_use(SchemaRef::Item(s), &hint, &schema_at),
                        Constraints::default(),
                        default,
                    )
                }
            }
        };
        let ty = match ty {
            Ty::Option(inner) => *inner,
            other => other,
        };
        // Objects in the query are written property by property, as their style says.
        let object_style = match param {
            Parameter::Query { style, .. } if self.is_object(&ty) => Some(match style {
                openapiv3::QueryStyle::DeepObject => ObjectStyle::DeepObject,
                _ if data.explode.unwrap_or(true) => ObjectStyle::FormExploded,
                _ => ObjectStyle::Form,
            }),
            _ => None,
        };
        if object_style.is_none() && !self.is_text_encodable(&ty, loc) {
            self.diags.skipped(at, format!("parameter `{}` has a type that cannot be written as text (object or nested array); the operation is skipped", data.name));
            return Err(Skip);
        }
        let query = match param {
            Parameter::Query { style, .. } => {
                let sent_as_form = !matches!(
                    (style, object_style),
                    (openapiv3::QueryStyle::Form, _) | (openapiv3::QueryStyle::DeepObject, Some(_))
                );
                if sent_as_form {
                    self.diags.weakened(
                        child(at, "style"),
                        format!("query style `{style:?}` is sent as `form`"),
                    );
                }
                let explode = data.explode.unwrap_or(true);
                Some(match (object_style, &ty) {
                    (Some(style), _) => QueryEncoding::Object(style),
                    (None, Ty::Json) => QueryEncoding::JsonText,
                    (None, Ty::Vec(item)) if **item == Ty::Json => {
                        QueryEncoding::JsonTextList { explode }
                    }
                    (None, Ty::Vec(_)) => QueryEncoding::List { explode },
                    (None, _) => QueryEncoding::Value,
                })
            }
            _ => None,
        };
        // Strings and lists are checked through a reference, scalars by value.
        let check_pass = (!constraints.is_empty()).then_some(match ty {
            Ty::String | Ty::Vec(_) => Pass::Borrow,
            _ => Pass::Copy,
        });
        Ok(Some(Param {
            name: scope.claim_snake(&data.name, "param"),
            api_name: data.name.clone(),
            location: loc,
            ty,
            // Decided once every type is known.
            arg: ArgKind::Into,
            required: data.required || loc == ParamLocation::Path,
            // Decided once every type is known.
            serde_text: false,
            check_pass,
            constraints,
            query,
            doc: data.description.clone(),
            default,
            deprecated: data.deprecated.unwrap_or(false),
        }))
    }

    /// Inline parameter schemas that are lists in disguise: an array with item-count limits
    /// (checked before sending), or "one value or a list of them" (`oneOf: [X, array of X]`),
    /// which a list of one says as well.
    pub(super) fn param_list(
        &mut self,
        s: &Schema,
        hint: &str,
        at: &str,
    ) -> Option<(Ty, Constraints)> {
        match &s.schema_kind {
            SchemaKind::Type(Type::Array(a))
                if a.min_items.is_some() || a.max_items.is_some() || a.unique_items =>
            {
                let items = self.items(a.items.as_ref(), hint, at);
                let c = Constraints {
                    min_items: a.min_items.map(|n| n as u64),
                    max_items: a.max_items.map(|n| n as u64),
                    unique_items: a.unique_items,
                    ..Constraints::default()
                };
                Some((items, c))
            }
            SchemaKind::OneOf { one_of: members } | SchemaKind::AnyOf { any_of: members }
                if members.len() == 2 =>
            {
                let key = if matches!(s.schema_kind, SchemaKind::OneOf { .. }) {
                    "oneOf"
                } else {
                    "anyOf"
                };
                for (i, member) in members.iter().enumerate() {
                    let other = &members[1 - i];
                    let ReferenceOr::Item(array) = member else {
                        continue;
                    };
                    let SchemaKind::Type(Type::Array(a)) = &array.schema_kind else {
                        continue;
                    };
                    // The list's items and the single value may differ in detail (an enum of
                    // strings beside a string): the single value's type covers both.
                    let same = match (a.items.as_ref(), other) {
                        (
                            Some(ReferenceOr::Reference { reference: x }),
                            ReferenceOr::Reference { reference: y },
                        ) => x == y,
                        (Some(ReferenceOr::Item(x)), ReferenceOr::Item(y)) => {
                            scalar_kind(&x.schema_kind).is_some()
                                && scalar_kind(&x.schema_kind) == scalar_kind(&y.schema_kind)
                        }
                        _ => false,
                    };
                    if same {
                        let other_at = child(&child(at, key), &(1 - i).to_string());
                        return Some((
                            self.lower_use(SchemaRef::from(other), hint, &other_at),
                            Constraints::default(),
                        ));
                    }
                }
                None
            }
            _ => None,
        }
    }

    /// Whether a type is a JSON object (a struct or a map), as object query parameters are.
    pub(super) fn is_object(&self, ty: &Ty) -> bool {
        match ty {
            // A user's type replacing a schema that is not a scalar.
            Ty::Map(_) | Ty::External { text: false, .. } => true,
            Ty::Named(n) => match self.types.get(n).map(|t| &t.kind) {
                Some(TypeKind::Struct { .. }) => true,
                Some(TypeKind::Alias { target }) => self.is_object(target),
                _ => false,
            },
            _ => false,
        }
    }

    /// Whether a parameter type can be written as text: scalars, enums, newtypes, and (in
    /// the query) arrays of those.
    pub(super) fn is_text_encodable(&self, ty: &Ty, loc: ParamLocation) -> bool {
        let kind_of = |n: &str| self.types.get(n).map(|t| &t.kind);
        match ty {
            // Untyped query values (`items: {}`) are written as JSON text, strings as they are.
            Ty::Json => loc == ParamLocation::Query,
            Ty::Vec(inner) if **inner == Ty::Json => loc == ParamLocation::Query,
            Ty::Vec(inner) => {
                loc != ParamLocation::Path && crate::ir::has_text_form(inner, &kind_of)
            }
            other => crate::ir::has_text_form(other, &kind_of),
        }
    }
}

pub(super) fn location(p: &Parameter) -> ParamLocation {
    match p {
        Parameter::Path { .. } => ParamLocation::Path,
        Parameter::Query { .. } => ParamLocation::Query,
        Parameter::Header { .. } => ParamLocation::Header,
        Parameter::Cookie { .. } => ParamLocation::Cookie,
    }
}

/// Which scalar type a schema is, if it is one.
pub(super) fn scalar_kind(kind: &SchemaKind) -> Option<&'static str> {
    match kind {
        SchemaKind::Type(Type::String(_)) => Some("string"),
        SchemaKind::Type(Type::Integer(_)) => Some("integer"),
        SchemaKind::Type(Type::Number(_)) => Some("number"),
        SchemaKind::Type(Type::Boolean(_)) => Some("boolean"),
        _ => None,
    }
}

impl<'a> Lowerer<'a> {
    /// Inline scalar schemas with constraints, as their plain type and checks (a mapped
    /// format is a type of its own, checked by it).
    fn scalar_with_constraints(&mut self, s: &Schema) -> Option<(Ty, Constraints)> {
        use super::scalars::*;
        match &s.schema_kind {
            SchemaKind::Type(Type::String(t)) if t.enumeration.is_empty() => {
                let c = string_constraints(t)?;
                if self.string_mapped(t).is_some() {
                    return None;
                }
                Some((Ty::String, c))
            }
            SchemaKind::Type(Type::Integer(t)) if t.enumeration.is_empty() => {
                let c = integer_constraints(t)?;
                if self.integer_mapped(t).is_some() {
                    return None;
                }
                Some((self.integer_ty(t), c))
            }
            SchemaKind::Type(Type::Number(t)) if t.enumeration.is_empty() => {
                let c = number_constraints(t)?;
                if self.number_mapped(t).is_some() {
                    return None;
                }
                Some((number_ty(t), c))
            }
            _ => None,
        }
    }
}
