//! Lowering of paths: operations with their parameters, bodies, responses, security and
//! paging, grouped by their first tag.

use super::schemas::SchemaRef;
use super::Lowerer;
use crate::diagnostics::{child, pointer};
use crate::ir::{
    ArgKind, Body, BodyMedia, Constraints, ErrorResponse, Group, ObjectStyle, Operation, Outcome,
    Pagination, Param, ParamLocation, PathSegment, PathText, QueryEncoding, ResponseHeader,
    ResponseHeaders, ResponseKind, ResponseMatch, SecurityScheme, StatusMatch, Success,
    SuccessVariant, Ty, TypeKind,
};
use crate::naming::{self, Scope};
use openapiv3::{
    Parameter, ParameterSchemaOrContent, ReferenceOr, RequestBody, Response, Schema, SchemaKind,
    StatusCode, Type,
};
use std::collections::{BTreeMap, BTreeSet};

const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

impl<'a> Lowerer<'a> {
    /// Lowers every operation and groups them by tag.
    pub(crate) fn lower_operations(&mut self, schemes: &[SecurityScheme]) -> Vec<Group> {
        let api = self.api;
        // Operation methods live on their group's handle.
        let mut op_scope = naming::scope(&[
            naming::reserved::HANDLE_METHODS,
            naming::reserved::DERIVED_METHODS,
        ]);
        let mut seen_ids: BTreeMap<String, String> = BTreeMap::new();
        let mut grouped: BTreeMap<String, Vec<Operation>> = BTreeMap::new();
        for (path, item) in api.paths.iter() {
            let path_at = pointer(&["paths", path]);
            let item = match item {
                ReferenceOr::Item(item) => item,
                ReferenceOr::Reference { .. } => {
                    self.diags.warning(
                        &path_at,
                        "a `$ref` path item is not supported; its operations are skipped",
                    );
                    continue;
                }
            };
            for method in METHODS {
                let op = match *method {
                    "get" => &item.get,
                    "put" => &item.put,
                    "post" => &item.post,
                    "delete" => &item.delete,
                    "options" => &item.options,
                    "head" => &item.head,
                    "patch" => &item.patch,
                    _ => &item.trace,
                };
                let Some(op) = op else { continue };
                let at = child(&path_at, method);
                let api_name = match &op.operation_id {
                    Some(id) => {
                        if let Some(first) = seen_ids.insert(id.clone(), at.clone()) {
                            self.diags.error(child(&at, "operationId"), format!("operationId `{id}` is already used by the operation at {first}"));
                            continue;
                        }
                        id.clone()
                    }
                    None => derived_operation_name(method, path),
                };
                let name = op_scope.claim_snake(&api_name, "op");
                let tag = op
                    .tags
                    .first()
                    .cloned()
                    .unwrap_or_else(|| "default".to_string());
                if let Some(lowered) =
                    self.lower_operation(path, method, item, op, &at, name, api_name, schemes)
                {
                    grouped.entry(tag).or_default().push(lowered);
                }
            }
        }
        // A group's module is also its accessor on `Client`.
        let mut module_scope = naming::scope(&[
            naming::reserved::GROUP_MODULES,
            naming::reserved::DERIVED_METHODS,
        ]);
        // Handles, builder types and response types live in their group's module beside its
        // imports; keep them unique across the crate (and apart from model names) so
        // re-exports cannot clash either. Handles first: they are named after tags alone.
        let mut group_types =
            naming::scope(&[naming::reserved::PRELUDE, naming::reserved::GROUP_TYPES]);
        for name in self.types.keys() {
            group_types.claim(name);
        }
        let named: Vec<(String, String, Vec<Operation>)> = grouped
            .into_iter()
            .map(|(tag, operations)| {
                let module = module_scope.claim_snake(&tag, "group");
                (tag, module, operations)
            })
            .collect();
        let handles: Vec<String> = named
            .iter()
            .map(|(tag, ..)| group_types.claim(&naming::handle_type(tag)))
            .collect();
        let mut groups = Vec::new();
        for ((tag, module, mut operations), type_name) in named.into_iter().zip(handles) {
            for op in &mut operations {
                op.builder = group_types.claim(&op.builder);
                if let Success::Multi { name, .. } = &mut op.success {
                    *name = group_types.claim(&naming::success_enum(&op.builder));
                }
                if let Some(h) = &mut op.response_headers {
                    h.name = group_types.claim(&naming::headers_struct(&op.builder));
                }
            }
            let doc = api
                .tags
                .iter()
                .find(|t| t.name == tag)
                .and_then(|t| t.description.clone());
            groups.push(Group {
                api_name: tag,
                module,
                type_name,
                doc,
                operations,
            });
        }
        groups.sort_by(|a, b| a.module.cmp(&b.module));
        groups
    }

    #[allow(clippy::too_many_arguments)]
    fn lower_operation(
        &mut self,
        path: &str,
        method: &str,
        item: &'a openapiv3::PathItem,
        op: &'a openapiv3::Operation,
        at: &str,
        name: String,
        api_name: String,
        schemes: &[SecurityScheme],
    ) -> Option<Operation> {
        let builder = naming::type_name(&api_name);
        let errors_before = self.diags.0.len();

        // Parameters: the operation's override the path item's with the same name and place.
        let mut merged: Vec<(Parameter, String)> = Vec::new();
        for (list, list_at) in [
            (
                &item.parameters,
                child(&pointer(&["paths", path]), "parameters"),
            ),
            (&op.parameters, child(at, "parameters")),
        ] {
            for (i, p) in list.iter().enumerate() {
                let p_at = child(&list_at, &i.to_string());
                let Some(param) = self.resolve_parameter(p, &p_at) else {
                    continue;
                };
                let key = (param.parameter_data_ref().name.clone(), location(&param));
                merged.retain(|(q, _)| (q.parameter_data_ref().name.clone(), location(q)) != key);
                merged.push((param, p_at));
            }
        }

        // Parameters are builder fields, setters, method arguments and locals of `send` at
        // once; the locals made from their names are claimed here after them.
        let mut scope = naming::scope(&[
            naming::reserved::BUILDER_MEMBERS,
            naming::reserved::SEND_LOCALS,
            naming::reserved::DERIVED_METHODS,
        ]);
        let mut params = Vec::new();
        let mut skip = false;
        for (param, p_at) in &merged {
            match self.lower_param(param, p_at, &builder, &mut scope) {
                Ok(Some(p)) => params.push(p),
                Ok(None) => {}
                Err(Skip) => skip = true,
            }
        }
        if skip {
            return None;
        }
        // Path parameters first, in the order the path names them.
        let template = parse_path_template(path);
        let template_names: Vec<String> = template
            .iter()
            .filter_map(|piece| match piece {
                TemplatePiece::Param(name) => Some(name.clone()),
                TemplatePiece::Literal(_) => None,
            })
            .collect();
        for tname in &template_names {
            if !params
                .iter()
                .any(|p| p.location == ParamLocation::Path && &p.api_name == tname)
            {
                self.diags.error(
                    at,
                    format!("path parameter `{tname}` in `{path}` is not declared"),
                );
            }
        }
        for p in params.iter().filter(|p| p.location == ParamLocation::Path) {
            if !template_names.contains(&p.api_name) {
                self.diags.warning(
                    at,
                    format!(
                        "path parameter `{}` does not appear in `{path}`; it is ignored",
                        p.api_name
                    ),
                );
            }
        }
        params
            .retain(|p| p.location != ParamLocation::Path || template_names.contains(&p.api_name));
        params.sort_by_key(|p| match p.location {
            ParamLocation::Path => template_names
                .iter()
                .position(|n| *n == p.api_name)
                .unwrap_or(0),
            _ => usize::MAX,
        });
        let mut path_locals = BTreeMap::new();
        for p in params.iter().filter(|p| p.location == ParamLocation::Path) {
            path_locals.insert(
                p.api_name.clone(),
                (p.name.clone(), scope.claim(&naming::segment_local(&p.name))),
            );
        }
        // Every name of the template is declared (or an error was reported above).
        let path_segments = template
            .into_iter()
            .filter_map(|piece| match piece {
                TemplatePiece::Literal(text) => Some(PathSegment::Literal(text)),
                TemplatePiece::Param(name) => {
                    let (param, local) = path_locals.get(&name)?.clone();
                    Some(PathSegment::Param {
                        param,
                        local,
                        // Decided once every type is known.
                        text: PathText::Display,
                    })
                }
            })
            .collect();

        let body = match &op.request_body {
            None => None,
            Some(rb) => {
                let rb_at = child(at, "requestBody");
                match self.resolve_request_body(rb, &rb_at) {
                    Some(rb) => self.lower_body(rb, &rb_at, &builder)?,
                    None => None,
                }
            }
        };

        let (success, errors, error_ty, accept, mut response_headers) =
            self.lower_responses(&op.responses, &child(at, "responses"), &builder)?;
        for h in response_headers
            .iter_mut()
            .flat_map(|h| h.fields.iter_mut())
        {
            h.local = scope.claim(&naming::header_local(&h.name));
        }

        let security = self.lower_security(op, at, schemes);
        let pagination = self.lower_pagination(op, at, &params, &success);

        if self.diags.0[errors_before..]
            .iter()
            .any(|d| d.severity == crate::diagnostics::Severity::Error)
        {
            return None;
        }
        let doc = match (&op.summary, &op.description) {
            (Some(s), Some(d)) if s.trim() != d.trim() => {
                Some(format!("{}\n\n{}", s.trim(), d.trim()))
            }
            (Some(s), _) => Some(s.clone()),
            (None, Some(d)) => Some(d.clone()),
            (None, None) => None,
        };
        Some(Operation {
            name,
            api_name,
            builder,
            pointer: at.to_string(),
            method: method.to_ascii_uppercase(),
            path: path.to_string(),
            path_segments,
            doc,
            deprecated: op.deprecated,
            params,
            body,
            // Decided once the success enum's name is final.
            responses: ResponseMatch {
                arms: Vec::new(),
                otherwise: Outcome::Unexpected,
            },
            success,
            errors,
            error_ty,
            security,
            pagination,
            accept,
            response_headers,
        })
    }

    /// The item a parameter, request body, response or header reference points at, in its
    /// section of `#/components` (`what` names the kind for the diagnostic).
    fn resolve_component<T>(
        &mut self,
        item: &'a ReferenceOr<T>,
        at: &str,
        section: &str,
        what: &str,
        map: fn(&'a openapiv3::Components) -> &'a indexmap::IndexMap<String, ReferenceOr<T>>,
    ) -> Option<&'a T> {
        let reference = match item {
            ReferenceOr::Item(t) => return Some(t),
            ReferenceOr::Reference { reference } => reference,
        };
        let api = self.api;
        let found = match api.components.as_ref() {
            Some(c) => self.follow_component(map(c), section, reference),
            None => Err(super::Unresolved::Missing(reference.to_string())),
        };
        match found {
            Ok((_, item)) => Some(item),
            Err(unresolved) => {
                match (unresolved.cycle_diagnostic(what), unresolved) {
                    (Some((pointer, message)), _) => self.diags.error(pointer, message),
                    (None, super::Unresolved::Missing(missing)) => self.diags.error(
                        at,
                        format!("{what} reference `{missing}` does not resolve under `#/components/{section}`"),
                    ),
                    (None, super::Unresolved::Cycle(_)) => {}
                }
                None
            }
        }
    }

    fn resolve_parameter(&mut self, p: &'a ReferenceOr<Parameter>, at: &str) -> Option<Parameter> {
        self.resolve_component(p, at, "parameters", "parameter", |c| &c.parameters)
            .cloned()
    }

    fn resolve_request_body(
        &mut self,
        rb: &'a ReferenceOr<RequestBody>,
        at: &str,
    ) -> Option<&'a RequestBody> {
        self.resolve_component(rb, at, "requestBodies", "request body", |c| {
            &c.request_bodies
        })
    }

    fn resolve_response(&mut self, r: &'a ReferenceOr<Response>, at: &str) -> Option<&'a Response> {
        self.resolve_component(r, at, "responses", "response", |c| &c.responses)
    }

    fn lower_param(
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
                    self.diags.warning(child(at, "content"), format!("parameter `{}` is described by `content`; it is sent as text of its `{media}` schema", data.name));
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
                if let Some((ty, c)) = scalar_with_constraints(s) {
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
            self.diags.warning(at, format!("parameter `{}` has a type that cannot be written as text (object or nested array); the operation is skipped", data.name));
            return Err(Skip);
        }
        let query = match param {
            Parameter::Query { style, .. } => {
                let sent_as_form = match (style, object_style) {
                    (openapiv3::QueryStyle::Form, _) => false,
                    (openapiv3::QueryStyle::DeepObject, Some(_)) => false,
                    _ => true,
                };
                if sent_as_form {
                    self.diags.warning(
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
        Ok(Some(Param {
            name: scope.claim_snake(&data.name, "param"),
            api_name: data.name.clone(),
            location: loc,
            ty,
            // Decided once every type is known.
            arg: ArgKind::Into,
            required: data.required || loc == ParamLocation::Path,
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
    fn param_list(&mut self, s: &Schema, hint: &str, at: &str) -> Option<(Ty, Constraints)> {
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
    fn is_object(&self, ty: &Ty) -> bool {
        match ty {
            Ty::Map(_) => true,
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
    fn is_text_encodable(&self, ty: &Ty, loc: ParamLocation) -> bool {
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

    fn lower_body(&mut self, rb: &RequestBody, at: &str, builder: &str) -> Option<Option<Body>> {
        let mut chosen: Option<(u8, BodyMedia, String, &openapiv3::MediaType)> = None;
        for (media, mt) in &rb.content {
            let kind = classify_media(media);
            let rank = match kind {
                Some(BodyMedia::Json) => 0,
                Some(BodyMedia::Form) => 1,
                Some(BodyMedia::Multipart) => 2,
                Some(BodyMedia::Text) => 3,
                Some(BodyMedia::Bytes) => 4,
                None => continue,
            };
            if chosen.as_ref().map(|(r, ..)| rank < *r).unwrap_or(true) {
                if let Some(kind) = kind {
                    chosen = Some((rank, kind, media.clone(), mt));
                }
            }
        }
        let Some((_, media, content_type, mt)) = chosen else {
            let types: Vec<&str> = rb.content.keys().map(String::as_str).collect();
            self.diags.warning(
                at,
                format!(
                    "request body media type {} is not supported; the operation is skipped",
                    types.join(", ")
                ),
            );
            return None;
        };
        let schema_at = child(&child(&child(at, "content"), &content_type), "schema");
        let ty = match media {
            BodyMedia::Json | BodyMedia::Form => match &mt.schema {
                Some(s) => {
                    self.lower_use(SchemaRef::from(s), &format!("{builder}Body"), &schema_at)
                }
                None => Ty::Json,
            },
            BodyMedia::Multipart => {
                let Some(s) = &mt.schema else {
                    self.diags.warning(&schema_at, "a multipart body without a schema is not supported; the operation is skipped");
                    return None;
                };
                self.binary_as_bytes = true;
                let ty = self.lower_use(SchemaRef::from(s), &format!("{builder}Body"), &schema_at);
                self.binary_as_bytes = false;
                let is_struct = match &ty {
                    Ty::Named(n) => matches!(
                        self.types.get(n).map(|t| &t.kind),
                        Some(crate::ir::TypeKind::Struct { .. })
                    ),
                    _ => false,
                };
                // A bare binary schema is one file; its part is called `file`, as the
                // document names none.
                if !is_struct && ty != Ty::Bytes {
                    self.diags.warning(&schema_at, "a multipart body must be an object with properties or a binary string; the operation is skipped");
                    return None;
                }
                ty
            }
            BodyMedia::Text => Ty::String,
            BodyMedia::Bytes => Ty::Bytes,
        };
        Some(Some(Body {
            media,
            content_type,
            ty,
            required: rb.required,
            doc: rb.description.clone(),
            // Multipart parts are decided once every type is known.
            parts: Vec::new(),
        }))
    }

    #[allow(clippy::type_complexity)]
    fn lower_responses(
        &mut self,
        responses: &'a openapiv3::Responses,
        at: &str,
        builder: &str,
    ) -> Option<(
        Success,
        Vec<ErrorResponse>,
        Ty,
        Vec<String>,
        Option<ResponseHeaders>,
    )> {
        let mut all: Vec<(StatusMatch, &'a Response, String)> = Vec::new();
        for (code, r) in &responses.responses {
            let (status, token) = match code {
                StatusCode::Code(n) => (StatusMatch::Code(*n), n.to_string()),
                StatusCode::Range(n) => (StatusMatch::Range(*n), format!("{n}XX")),
            };
            let r_at = child(at, &token);
            if let Some(resp) = self.resolve_response(r, &r_at) {
                all.push((status, resp, r_at));
            }
        }
        if let Some(r) = &responses.default {
            let r_at = child(at, "default");
            if let Some(resp) = self.resolve_response(r, &r_at) {
                all.push((StatusMatch::Default, resp, r_at));
            }
        }
        let is_success = |s: &StatusMatch| match s {
            StatusMatch::Code(n) => (200..400).contains(n),
            StatusMatch::Range(n) => *n == 2 || *n == 3,
            StatusMatch::Default => false,
        };
        let has_success = all.iter().any(|(s, ..)| is_success(s));
        let mut accept = BTreeSet::new();
        let mut success_parts = Vec::new();
        let mut header_fields: Vec<ResponseHeader> = Vec::new();
        let mut header_scope = Scope::default();
        let mut error_parts = Vec::new();
        for (status, resp, r_at) in &all {
            let success = is_success(status) || (!has_success && *status == StatusMatch::Default);
            let hint = if success {
                format!("{builder}Response")
            } else {
                format!("{builder}ErrorBody")
            };
            let kind = self.response_kind(*status, resp, r_at, &hint)?;
            for media in resp.content.keys() {
                accept.insert(media.clone());
            }
            if success {
                // A redirect's Location is its result already.
                let skip_location = kind == ResponseKind::Redirect;
                self.lower_response_headers(
                    resp,
                    r_at,
                    builder,
                    skip_location,
                    &mut header_fields,
                    &mut header_scope,
                );
                success_parts.push((*status, kind, resp.description.clone()));
            } else {
                error_parts.push((*status, kind, resp.description.clone()));
            }
        }
        let success = if success_parts.is_empty() {
            Success::Single {
                statuses: vec![StatusMatch::Range(2)],
                kind: ResponseKind::Empty,
            }
        } else if success_parts
            .iter()
            .all(|(_, k, _)| *k == success_parts[0].1)
        {
            Success::Single {
                statuses: success_parts.iter().map(|(s, ..)| *s).collect(),
                kind: success_parts[0].1.clone(),
            }
        } else {
            let mut scope = Scope::default();
            let variants = success_parts
                .into_iter()
                .map(|(status, kind, doc)| SuccessVariant {
                    name: scope.claim(&status_variant_name(status)),
                    status,
                    kind,
                    doc: non_empty(doc),
                })
                .collect();
            Success::Multi {
                // Claimed with the builder's name once the operations are grouped.
                name: naming::success_enum(builder),
                variants,
            }
        };
        // One error body type per operation: the shared JSON type, or free-form JSON when
        // statuses disagree.
        let mut error_types: Vec<Ty> = Vec::new();
        for (_, kind, _) in &error_parts {
            if let ResponseKind::Json(t) = kind {
                if !error_types.contains(t) {
                    error_types.push(t.clone());
                }
            }
        }
        let error_ty = match error_types.len() {
            0 => Ty::Unit,
            1 => error_types.remove(0),
            _ => Ty::Json,
        };
        let errors = error_parts
            .into_iter()
            .map(|(status, kind, doc)| ErrorResponse {
                status,
                has_body: matches!(kind, ResponseKind::Json(_)),
                doc: non_empty(doc),
            })
            .collect();
        let mut accept: Vec<String> = accept.into_iter().collect();
        // JSON last keeps a text/plain success first in line for servers that pick the first.
        accept.sort_by_key(|m| classify_media(m) == Some(BodyMedia::Json));
        let headers = (!header_fields.is_empty()).then(|| ResponseHeaders {
            name: naming::headers_struct(builder),
            fields: header_fields,
        });
        Some((success, errors, error_ty, accept, headers))
    }

    /// Adds the headers a success response declares (once per name, case-insensitively).
    /// Only headers whose type has a text form to parse are read; others are warned about.
    fn lower_response_headers(
        &mut self,
        resp: &'a Response,
        at: &str,
        builder: &str,
        skip_location: bool,
        out: &mut Vec<ResponseHeader>,
        scope: &mut Scope,
    ) {
        for (name, header) in &resp.headers {
            if out.iter().any(|h| h.api_name.eq_ignore_ascii_case(name))
                || (skip_location && name.eq_ignore_ascii_case("location"))
            {
                continue;
            }
            let h_at = child(&child(at, "headers"), name);
            let Some(header) =
                self.resolve_component(header, &h_at, "headers", "header", |c| &c.headers)
            else {
                continue;
            };
            let schema = match &header.format {
                ParameterSchemaOrContent::Schema(s) => s,
                ParameterSchemaOrContent::Content(_) => {
                    self.diags.warning(
                        &h_at,
                        format!("response header `{name}` described by `content` is not read"),
                    );
                    continue;
                }
            };
            let hint = format!("{builder}{}Header", naming::upper_camel(name, "H"));
            let ty = self.lower_use(SchemaRef::from(schema), &hint, &child(&h_at, "schema"));
            if !self.parses_from_text(&ty) {
                self.diags.warning(&h_at, format!("response header `{name}` has a type that cannot be parsed from text; it is not read"));
                continue;
            }
            out.push(ResponseHeader {
                name: scope.claim_snake(name, "header"),
                local: String::new(),
                api_name: name.clone(),
                ty,
                doc: header.description.clone(),
            });
        }
    }

    /// Whether a type implements `FromStr` in the generated code.
    fn parses_from_text(&self, ty: &Ty) -> bool {
        match ty {
            Ty::Bool | Ty::Int { .. } | Ty::Float { .. } | Ty::String => true,
            Ty::Named(n) => match self.types.get(n).map(|t| &t.kind) {
                Some(TypeKind::StringEnum { .. }) => true,
                Some(TypeKind::Newtype { inner, .. }) => !matches!(inner, Ty::Vec(_)),
                Some(TypeKind::Alias { target }) => self.parses_from_text(target),
                _ => false,
            },
            _ => false,
        }
    }

    fn response_kind(
        &mut self,
        status: StatusMatch,
        resp: &'a Response,
        at: &str,
        hint: &str,
    ) -> Option<ResponseKind> {
        let redirect = matches!(status, StatusMatch::Code(300..=399) | StatusMatch::Range(3));
        if redirect
            && (resp.content.is_empty()
                || resp.headers.contains_key("Location")
                || resp.headers.contains_key("location"))
        {
            return Some(ResponseKind::Redirect);
        }
        // Prefer JSON when several media types are offered.
        let mut entries: Vec<(&String, &openapiv3::MediaType)> = resp.content.iter().collect();
        entries.sort_by_key(|(m, _)| classify_media(m) != Some(BodyMedia::Json));
        let Some((media, mt)) = entries.first() else {
            return Some(ResponseKind::Empty);
        };
        let schema_at = child(&child(&child(at, "content"), media), "schema");
        Some(match classify_media(media) {
            Some(BodyMedia::Json) => match &mt.schema {
                Some(s) => {
                    let sref = SchemaRef::from(s);
                    let nullable = self.is_nullable(&sref, &schema_at);
                    let ty = self.lower_use(sref, hint, &schema_at);
                    ResponseKind::Json(if nullable {
                        Ty::Option(Box::new(ty))
                    } else {
                        ty
                    })
                }
                None => ResponseKind::Json(Ty::Json),
            },
            Some(BodyMedia::Text) => match &mt.schema {
                None => ResponseKind::Text,
                Some(s) => {
                    let ty = self.lower_use(SchemaRef::from(s), hint, &schema_at);
                    match self.text_shape(&ty) {
                        TextShape::String => ResponseKind::Text,
                        TextShape::Lines => ResponseKind::TextLines,
                        TextShape::Parsed => ResponseKind::TextParsed(ty),
                        TextShape::Unsupported => {
                            self.diags.warning(&schema_at, "a text/plain response with a structured schema is returned as a string");
                            ResponseKind::Text
                        }
                    }
                }
            },
            _ => ResponseKind::Bytes,
        })
    }

    fn text_shape(&self, ty: &Ty) -> TextShape {
        match ty {
            Ty::String => TextShape::String,
            Ty::Vec(inner) if **inner == Ty::String => TextShape::Lines,
            Ty::Bool | Ty::Int { .. } | Ty::Float { .. } => TextShape::Parsed,
            Ty::Named(n) => match self.types.get(n).map(|t| &t.kind) {
                Some(TypeKind::Alias { target }) => self.text_shape(target),
                Some(TypeKind::StringEnum { .. }) | Some(TypeKind::Newtype { .. }) => {
                    TextShape::Parsed
                }
                _ => TextShape::Unsupported,
            },
            _ => TextShape::Unsupported,
        }
    }

    fn lower_security(
        &mut self,
        op: &openapiv3::Operation,
        at: &str,
        schemes: &[SecurityScheme],
    ) -> Vec<Vec<String>> {
        let (reqs, reqs_at) = match &op.security {
            Some(s) => (s, child(at, "security")),
            None => match &self.api.security {
                Some(s) => (s, "#/security".to_string()),
                None => return Vec::new(),
            },
        };
        let mut out = Vec::new();
        for (i, req) in reqs.iter().enumerate() {
            let mut alt = Vec::new();
            for name in req.keys() {
                if schemes.iter().any(|s| &s.api_name == name) {
                    alt.push(name.clone());
                } else {
                    let known = self
                        .api
                        .components
                        .as_ref()
                        .map(|c| c.security_schemes.contains_key(name))
                        .unwrap_or(false);
                    if known {
                        // Declared but unsupported (reported where it is declared): this
                        // alternative can never be satisfied by the client.
                        alt.clear();
                        alt.push(format!("unsupported:{name}"));
                        break;
                    }
                    self.diags.error(child(&reqs_at, &i.to_string()), format!("security scheme `{name}` is not defined in `#/components/securitySchemes`"));
                }
            }
            if alt.iter().any(|a| a.starts_with("unsupported:")) {
                continue;
            }
            out.push(alt);
        }
        out
    }

    fn lower_pagination(
        &mut self,
        op: &openapiv3::Operation,
        at: &str,
        params: &[Param],
        success: &Success,
    ) -> Option<Pagination> {
        let ext = op.extensions.get("x-pagination")?;
        let ext_at = child(at, "x-pagination");
        let get = |key: &str| ext.get(key).and_then(|v| v.as_str()).map(str::to_string);
        let find_param = |api: &str| {
            params
                .iter()
                .find(|p| p.api_name == api && p.location == ParamLocation::Query)
        };
        let response_ty = match success {
            Success::Single {
                kind: ResponseKind::Json(t),
                ..
            } => t.clone(),
            _ => {
                self.diags.warning(
                    &ext_at,
                    "paging needs a single JSON success response; `x-pagination` is ignored",
                );
                return None;
            }
        };
        match get("style").as_deref() {
            Some("offset") => {
                let (Some(limit), Some(offset)) = (get("limitParam"), get("offsetParam")) else {
                    self.diags.warning(&ext_at, "offset paging needs `limitParam` and `offsetParam`; `x-pagination` is ignored");
                    return None;
                };
                let (Some(lp), Some(op_)) = (find_param(&limit), find_param(&offset)) else {
                    self.diags.warning(&ext_at, format!("`x-pagination` names query parameters `{limit}` and `{offset}`, which the operation does not have"));
                    return None;
                };
                let item = match self.unalias(&response_ty) {
                    Ty::Vec(item) => *item,
                    _ => {
                        self.diags.warning(
                            &ext_at,
                            "offset paging needs an array response; `x-pagination` is ignored",
                        );
                        return None;
                    }
                };
                if !matches!(self.unalias(&lp.ty), Ty::Int { .. } | Ty::Float { .. }) {
                    self.diags.warning(
                        &ext_at,
                        "offset paging needs a numeric limit parameter; `x-pagination` is ignored",
                    );
                    return None;
                }
                if !matches!(self.unalias(&op_.ty), Ty::Int { .. } | Ty::Float { .. }) {
                    self.diags.warning(
                        &ext_at,
                        "offset paging needs a numeric offset parameter; `x-pagination` is ignored",
                    );
                    return None;
                }
                Some(Pagination::Offset {
                    limit: lp.name.clone(),
                    limit_ty: self.unalias(&lp.ty),
                    offset: op_.name.clone(),
                    item,
                    offset_ty: self.unalias(&op_.ty),
                })
            }
            Some("cursor") => {
                let (Some(cursor_param), Some(cursor_field), Some(has_more), Some(items)) = (
                    get("cursorParam"),
                    get("cursorField"),
                    get("hasMoreField"),
                    get("itemsField"),
                ) else {
                    self.diags.warning(&ext_at, "cursor paging needs `cursorParam`, `cursorField`, `hasMoreField` and `itemsField`; `x-pagination` is ignored");
                    return None;
                };
                let Some(cp) = find_param(&cursor_param) else {
                    self.diags.warning(&ext_at, format!("`x-pagination` names query parameter `{cursor_param}`, which the operation does not have"));
                    return None;
                };
                let fields = match &response_ty {
                    Ty::Named(n) => match self.types.get(n).map(|t| &t.kind) {
                        Some(TypeKind::Struct { fields, .. }) => fields.clone(),
                        _ => Vec::new(),
                    },
                    _ => Vec::new(),
                };
                let field = |api: &str| fields.iter().find(|f| f.api_name == api).cloned();
                let (Some(cf), Some(hf), Some(itf)) =
                    (field(&cursor_field), field(&has_more), field(&items))
                else {
                    self.diags.warning(&ext_at, "`x-pagination` names response fields the response object does not have; it is ignored");
                    return None;
                };
                let strip = |t: &Ty| match t {
                    Ty::Option(inner) => (*inner.clone(), true),
                    other => (other.clone(), false),
                };
                let (items_ty, items_optional) = strip(&itf.ty);
                let item = match self.unalias(&items_ty) {
                    Ty::Vec(item) => *item,
                    _ => {
                        self.diags.warning(&ext_at, "the items field of cursor paging must be an array; `x-pagination` is ignored");
                        return None;
                    }
                };
                if cp.ty != Ty::String
                    || strip(&cf.ty).0 != Ty::String
                    || strip(&hf.ty).0 != Ty::Bool
                {
                    self.diags.warning(&ext_at, "cursor paging needs a string cursor and a boolean has-more field; `x-pagination` is ignored");
                    return None;
                }
                Some(Pagination::Cursor {
                    cursor_param: cp.name.clone(),
                    cursor_field: cf.name.clone(),
                    has_more_field: hf.name.clone(),
                    items_field: itf.name.clone(),
                    cursor_optional: strip(&cf.ty).1,
                    has_more_optional: strip(&hf.ty).1,
                    items_optional,
                    item,
                })
            }
            other => {
                self.diags.warning(
                    &ext_at,
                    format!("unknown paging style {other:?}; expected `offset` or `cursor`"),
                );
                None
            }
        }
    }

    /// Follows aliases to the underlying type.
    pub(crate) fn unalias(&self, ty: &Ty) -> Ty {
        match ty {
            Ty::Named(n) => match self.types.get(n).map(|t| &t.kind) {
                Some(TypeKind::Alias { target }) => self.unalias(target),
                _ => ty.clone(),
            },
            other => other.clone(),
        }
    }
}

/// An operation that cannot be generated; the reason was reported as a warning.
struct Skip;

enum TextShape {
    String,
    Lines,
    Parsed,
    Unsupported,
}

fn location(p: &Parameter) -> ParamLocation {
    match p {
        Parameter::Path { .. } => ParamLocation::Path,
        Parameter::Query { .. } => ParamLocation::Query,
        Parameter::Header { .. } => ParamLocation::Header,
        Parameter::Cookie { .. } => ParamLocation::Cookie,
    }
}

/// `{name}` placeholders of a path template, in order.
/// A piece of a path template, as parsed once here.
enum TemplatePiece {
    Literal(String),
    Param(String),
}

/// Splits `/pets/{petId}/toys` into literal text and the names between braces; an
/// unclosed `{` and what follows it is literal text.
fn parse_path_template(path: &str) -> Vec<TemplatePiece> {
    let mut out = Vec::new();
    let mut rest = path;
    while let Some(start) = rest.find('{') {
        let Some(end) = rest[start..].find('}') else {
            break;
        };
        if start > 0 {
            out.push(TemplatePiece::Literal(rest[..start].to_string()));
        }
        out.push(TemplatePiece::Param(
            rest[start + 1..start + end].to_string(),
        ));
        rest = &rest[start + end + 1..];
    }
    if !rest.is_empty() {
        out.push(TemplatePiece::Literal(rest.to_string()));
    }
    out
}

/// A stable name for an operation without operationId: `get /pets/{petId}/toys` becomes
/// `getPetsByPetIdToys`.
fn derived_operation_name(method: &str, path: &str) -> String {
    let mut out = method.to_string();
    for segment in path.split('/').filter(|s| !s.is_empty()) {
        if let Some(name) = segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            out.push_str("_by_");
            out.push_str(name);
        } else {
            out.push('_');
            out.push_str(segment);
        }
    }
    naming::snake(&out, "op")
}

/// Which scalar type a schema is, if it is one.
fn scalar_kind(kind: &SchemaKind) -> Option<&'static str> {
    match kind {
        SchemaKind::Type(Type::String(_)) => Some("string"),
        SchemaKind::Type(Type::Integer(_)) => Some("integer"),
        SchemaKind::Type(Type::Number(_)) => Some("number"),
        SchemaKind::Type(Type::Boolean(_)) => Some("boolean"),
        _ => None,
    }
}

/// Inline scalar schemas with constraints, as their plain type and checks.
fn scalar_with_constraints(s: &Schema) -> Option<(Ty, Constraints)> {
    use super::schemas::*;
    match &s.schema_kind {
        SchemaKind::Type(Type::String(t)) if t.enumeration.is_empty() => {
            Some((string_ty(t), string_constraints(t)?))
        }
        SchemaKind::Type(Type::Integer(t)) if t.enumeration.is_empty() => {
            Some((integer_ty(t), integer_constraints(t)?))
        }
        SchemaKind::Type(Type::Number(t)) if t.enumeration.is_empty() => {
            Some((number_ty(t), number_constraints(t)?))
        }
        _ => None,
    }
}

fn classify_media(media: &str) -> Option<BodyMedia> {
    let m = media
        .split(';')
        .next()
        .unwrap_or(media)
        .trim()
        .to_ascii_lowercase();
    if m == "application/json" || m.ends_with("+json") {
        Some(BodyMedia::Json)
    } else if m == "application/x-www-form-urlencoded" {
        Some(BodyMedia::Form)
    } else if m.starts_with("text/") {
        Some(BodyMedia::Text)
    } else if m == "multipart/form-data" {
        Some(BodyMedia::Multipart)
    } else if m.starts_with("multipart/") {
        None
    } else {
        Some(BodyMedia::Bytes)
    }
}

fn status_variant_name(status: StatusMatch) -> String {
    match status {
        StatusMatch::Code(200) => "Ok".into(),
        StatusMatch::Code(201) => "Created".into(),
        StatusMatch::Code(202) => "Accepted".into(),
        StatusMatch::Code(203) => "NonAuthoritative".into(),
        StatusMatch::Code(204) => "NoContent".into(),
        StatusMatch::Code(206) => "PartialContent".into(),
        StatusMatch::Code(301) => "MovedPermanently".into(),
        StatusMatch::Code(302) => "Found".into(),
        StatusMatch::Code(303) => "SeeOther".into(),
        StatusMatch::Code(304) => "NotModified".into(),
        StatusMatch::Code(307) => "TemporaryRedirect".into(),
        StatusMatch::Code(308) => "PermanentRedirect".into(),
        StatusMatch::Code(n) => format!("Status{n}"),
        StatusMatch::Range(n) => format!("Status{n}xx"),
        StatusMatch::Default => "Default".into(),
    }
}

fn non_empty(s: String) -> Option<String> {
    (!s.trim().is_empty()).then_some(s)
}
