//! Lower: consumes an operation's `parameters` (after path-level and operation-level ones
//! are merged) and produces IR parameters with their types, checks and wire encoding: a
//! plain one (`QueryEncoding`, or a header's, cookie's or path segment's text) where it says
//! the same, else the `style`, `explode`, `allowReserved`, `allowEmptyValue` and JSON
//! `content` the runtime's styled encoder writes (`Styled`).

use super::operations::Skip;
use super::schemas::SchemaRef;
use super::Lowerer;
use crate::diagnostics::child;
use crate::ir::{
    ArgKind, Constraints, ObjectStyle, Param, ParamLocation, ParamStyle, Pass, QueryEncoding,
    Styled, Ty, TypeKind,
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
        let (schema, schema_at, json_content) = match &data.format {
            ParameterSchemaOrContent::Schema(s) => (s, child(at, "schema"), false),
            ParameterSchemaOrContent::Content(content) => match content.iter().next() {
                Some((media, m)) if m.schema.is_some() => {
                    let json = is_json_media(media);
                    if !json {
                        self.diags.weakened(child(at, "content"), format!("parameter `{}` is described by `content`; it is sent as text of its `{media}` schema", data.name));
                    }
                    (
                        m.schema.as_ref().ok_or(Skip)?,
                        child(&child(&child(at, "content"), media), "schema"),
                        json,
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
        let (query, styled) = self.param_encoding(param, &ty, at, json_content);
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
            styled,
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
}

/// What a parameter's value is, as the styles tell values apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    /// A value with a text form (scalars, enums, newtypes).
    Scalar,
    /// A list of such values.
    TextList,
    /// Any JSON value (`{}`).
    Json,
    /// A list of any JSON values.
    JsonList,
    /// An object (a struct or a map).
    Object,
    /// Anything else: a list of objects or lists, a union without a text form.
    Other {
        /// Whether it is a list.
        list: bool,
    },
}

/// Whether a media type is JSON (`application/json`, `application/problem+json`, ...).
fn is_json_media(media: &str) -> bool {
    let essence = media
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    essence == "application/json" || essence.ends_with("+json")
}

impl<'a> Lowerer<'a> {
    fn param_shape(&self, ty: &Ty) -> Shape {
        let kind_of = |n: &str| self.types.get(n).map(|t| &t.kind);
        let ty = self.unalias(ty);
        match &ty {
            Ty::Json => Shape::Json,
            Ty::Vec(item) if **item == Ty::Json => Shape::JsonList,
            Ty::Vec(item) if crate::ir::has_text_form(item, &kind_of) => Shape::TextList,
            Ty::Vec(_) => Shape::Other { list: true },
            ty if self.is_object(ty) => Shape::Object,
            ty if crate::ir::has_text_form(ty, &kind_of) => Shape::Scalar,
            _ => Shape::Other { list: false },
        }
    }

    /// How a parameter is written: one of the plain encodings (a query's `QueryEncoding`,
    /// or, for the other locations, `None` for their text form), or the styled encoder.
    /// Combinations the specification does not define get the nearest encoding it does,
    /// and a warning.
    fn param_encoding(
        &mut self,
        param: &Parameter,
        ty: &Ty,
        at: &str,
        json: bool,
    ) -> (Option<QueryEncoding>, Option<Styled>) {
        use openapiv3::{PathStyle, QueryStyle};
        let data = param.parameter_data_ref();
        let shape = self.param_shape(ty);
        // The plain encodings write lists and JSON values as the type names them: a named
        // list (an alias) goes through the styled encoder, which writes whatever serializes.
        let named_list = matches!(ty, Ty::Named(_))
            && matches!(shape, Shape::TextList | Shape::JsonList | Shape::Json);
        let styled = |style: ParamStyle, explode: bool| Styled {
            style,
            explode,
            allow_reserved: false,
            allow_empty: false,
            json,
        };
        let style_at = child(at, "style");
        // Nested values in a style that writes one level: each is sent as its JSON text.
        let nested = |this: &mut Self, style: &str| {
            if let (Shape::Other { list }, false) = (shape, json) {
                let (what, how) = if list {
                    (
                        "a list of objects or lists",
                        "each item is sent as its JSON text",
                    )
                } else {
                    ("a value without a text form", "it is sent as its JSON text")
                };
                this.diags.weakened(
                    at,
                    format!(
                        "parameter `{}` is {what}, which `{style}` does not define; {how}",
                        data.name
                    ),
                );
            }
        };
        match param {
            Parameter::Path { style, .. } => {
                let (style, name) = match style {
                    PathStyle::Simple => (ParamStyle::Simple, "simple"),
                    PathStyle::Label => (ParamStyle::Label, "label"),
                    PathStyle::Matrix => (ParamStyle::Matrix, "matrix"),
                };
                if style == ParamStyle::Simple && shape == Shape::Scalar && !json {
                    return (None, None);
                }
                nested(self, name);
                (None, Some(styled(style, data.explode.unwrap_or(false))))
            }
            Parameter::Header { .. } => {
                if matches!(shape, Shape::Scalar | Shape::TextList) && !json && !named_list {
                    return (None, None);
                }
                nested(self, "simple");
                (
                    None,
                    Some(styled(ParamStyle::Simple, data.explode.unwrap_or(false))),
                )
            }
            Parameter::Cookie { .. } => {
                if shape == Shape::Scalar && !json {
                    return (None, None);
                }
                nested(self, "form");
                (
                    None,
                    Some(styled(ParamStyle::Form, data.explode.unwrap_or(true))),
                )
            }
            Parameter::Query {
                style,
                allow_reserved,
                allow_empty_value,
                ..
            } => {
                let explode = data.explode.unwrap_or(*style == QueryStyle::Form);
                let flags = Styled {
                    allow_reserved: *allow_reserved,
                    allow_empty: allow_empty_value.unwrap_or(false),
                    ..styled(ParamStyle::Form, explode)
                };
                if json {
                    return (None, Some(flags));
                }
                let declared = match style {
                    QueryStyle::Form => "form",
                    QueryStyle::SpaceDelimited => "spaceDelimited",
                    QueryStyle::PipeDelimited => "pipeDelimited",
                    QueryStyle::DeepObject => "deepObject",
                };
                let chosen = match (style, shape) {
                    (QueryStyle::Form, _) => ParamStyle::Form,
                    (QueryStyle::DeepObject, Shape::Object) => ParamStyle::DeepObject,
                    (
                        QueryStyle::DeepObject,
                        Shape::TextList | Shape::JsonList | Shape::Other { list: true },
                    ) => {
                        self.diags.weakened(
                            style_at,
                            format!("`deepObject` defines objects only; list parameter `{}` is sent in the bracket form `{}[0]=...`, `{}[0][key]=...`", data.name, data.name, data.name),
                        );
                        ParamStyle::DeepObject
                    }
                    (
                        QueryStyle::SpaceDelimited | QueryStyle::PipeDelimited,
                        Shape::TextList
                        | Shape::JsonList
                        | Shape::Object
                        | Shape::Other { list: true },
                    ) => match style {
                        QueryStyle::SpaceDelimited => ParamStyle::SpaceDelimited,
                        _ => ParamStyle::PipeDelimited,
                    },
                    _ => {
                        self.diags.weakened(
                            style_at,
                            format!("query style `{declared}` is not defined for parameter `{}` of this type; it is sent as `form`", data.name),
                        );
                        ParamStyle::Form
                    }
                };
                let styled = Styled {
                    style: chosen,
                    ..flags
                };
                if chosen != ParamStyle::DeepObject {
                    nested(self, declared);
                }
                // The plain encodings, where they say the same thing.
                let plain = !styled.allow_reserved && !named_list;
                let whole = !styled.allow_empty;
                let query = match (chosen, shape) {
                    (ParamStyle::Form, Shape::Scalar) if plain => Some(QueryEncoding::Value),
                    (ParamStyle::Form, Shape::Json) if plain => Some(QueryEncoding::JsonText),
                    (ParamStyle::Form, Shape::TextList) if plain && whole => {
                        Some(QueryEncoding::List { explode })
                    }
                    (ParamStyle::Form, Shape::JsonList) if plain && whole => {
                        Some(QueryEncoding::JsonTextList { explode })
                    }
                    (ParamStyle::Form, Shape::Object) if plain && whole => {
                        Some(QueryEncoding::Object(if explode {
                            ObjectStyle::FormExploded
                        } else {
                            ObjectStyle::Form
                        }))
                    }
                    (ParamStyle::DeepObject, Shape::Object) if plain && whole => {
                        Some(QueryEncoding::Object(ObjectStyle::DeepObject))
                    }
                    _ => None,
                };
                match query {
                    Some(q) => (Some(q), None),
                    None => (None, Some(styled)),
                }
            }
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
