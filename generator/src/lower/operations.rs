//! Lower: consumes `paths` and produces operations grouped by their first tag, with their
//! names, path segments and parameters merged; bodies, responses, security and paging are
//! lowered by their own modules.

use super::parameters::location;
use super::Lowerer;
use crate::diagnostics::{child, pointer};
use crate::ir::{
    Group, Operation, Outcome, ParamLocation, PathSegment, PathText, ResponseMatch, SecurityScheme,
    Success, Ty, TypeKind,
};
use crate::naming::{self};
use crate::options::{Modules, Target};
use openapiv3::{Parameter, ReferenceOr};
use std::collections::BTreeMap;

/// The keys of a path item that hold operations, in the order lowering visits them.
pub const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

impl<'a> Lowerer<'a> {
    /// Lowers every operation and groups them by tag.
    pub(crate) fn lower_operations(&mut self, schemes: &[SecurityScheme]) -> Vec<Group> {
        let api = self.api;
        let layout = &self.options.layout;
        // Operation methods live on their group's handle, or on `Client` in a flat layout.
        let mut op_scope = match layout.modules {
            Modules::PerTag => naming::scope(&[
                naming::reserved::HANDLE_METHODS,
                naming::reserved::DERIVED_METHODS,
            ]),
            Modules::Flat => naming::scope(&[
                &naming::reserved::group_modules(),
                naming::reserved::DERIVED_METHODS,
            ]),
        };
        // A feature per tag module only where there is a Cargo.toml and modules per tag.
        let tag_features = layout.tag_features
            && layout.target == Target::Crate
            && layout.modules == Modules::PerTag;
        let mut feature_scope = naming::scope(&[naming::reserved::FEATURES]);
        let mut seen_ids: BTreeMap<String, String> = BTreeMap::new();
        let mut grouped: BTreeMap<String, Vec<Operation>> = BTreeMap::new();
        let options = self.options;
        let mut selector = super::select::Selector::new(&options.select);
        for (path, item) in api.paths.iter() {
            let path_at = pointer(&["paths", path]);
            let item = match item {
                ReferenceOr::Item(item) => item,
                ReferenceOr::Reference { .. } => {
                    self.diags.skipped(
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
                let keep = selector.keeps(&super::select::Candidate {
                    tags: &op.tags,
                    id: &api_name,
                    path,
                    deprecated: op.deprecated,
                });
                if !keep {
                    continue;
                }
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
        selector.report_unused(&mut self.diags);
        // A group's module is also its accessor on `Client`.
        let mut module_scope = naming::scope(&[
            &naming::reserved::group_modules(),
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
                if let Some(c) = op.body.as_mut().and_then(|b| b.choices.as_mut()) {
                    c.name = group_types.claim(&naming::body_choice_enum(&op.builder));
                }
            }
            let doc = api
                .tags
                .iter()
                .find(|t| t.name == tag)
                .and_then(|t| t.description.clone());
            let feature = tag_features.then(|| feature_scope.claim(&naming::tag_feature(&module)));
            groups.push(Group {
                api_name: tag,
                module,
                type_name,
                feature,
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
        let smoke = self
            .options
            .smoke_test
            .then(|| self.smoke_call(&merged, &params, op.request_body.as_ref(), body.as_ref()));
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
            smoke,
        })
    }

    /// The item a parameter, request body, response or header reference points at, in its
    /// section of `#/components` (`what` names the kind for the diagnostic).
    pub(super) fn resolve_component<T>(
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
pub(super) struct Skip;

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
