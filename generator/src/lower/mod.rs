//! Lower: consumes a loaded `openapiv3::OpenAPI` and produces the IR. Resolves references,
//! chooses every Rust name once, and gathers diagnostics instead of stopping at the first
//! problem; runs the passes of its modules in order.

mod bodies;
mod decisions;
mod formats;
mod gates;
mod merge;
mod objects;
mod operations;
mod package;
mod paging;
mod parameters;
mod recursion;
mod response_match;
mod responses;
mod scalars;
mod schemas;
mod security;
mod select;
mod smoke;
mod unions;

pub use gates::{outside_default, OTHER_SCHEMAS};
pub use operations::METHODS;
pub use package::{package_problems, spdx_expression, web_url};

use crate::diagnostics::Diagnostics;
use crate::ir::{Api, TypeDef};
use crate::naming::{self, Scope};
use crate::options::Options;
pub(crate) use crate::pointer::unescape_token;
use openapiv3::OpenAPI;
use std::collections::BTreeMap;
use std::rc::Rc;

/// Lowers a loaded document. Warnings ride along with the IR; errors replace it.
pub fn lower(api: &OpenAPI, options: &Options) -> (Option<Api>, Diagnostics) {
    let mut cx = Lowerer::new(api, options);
    cx.check_type_options();
    cx.check_package_options();
    let license = cx.lower_license();
    let contact = cx.lower_contact();
    cx.find_multipart_components();
    cx.lower_components();
    cx.break_alias_cycles();
    let security_schemes = cx.lower_security_schemes();
    let mut groups = cx.lower_operations(&security_schemes);
    cx.break_alias_cycles();
    cx.finish_flattened_unions();
    cx.order_untagged_variants();
    cx.box_recursive_fields();
    let Lowerer {
        mut types,
        diags,
        dependencies,
        ..
    } = cx;
    decisions::decide(&mut types, &mut groups, &options.types);
    if diags.has_errors() {
        return (None, diags);
    }
    merge::merge_identical(&mut types, &mut groups);
    gates::gate_models(&mut types, &groups);
    let mut types: Vec<TypeDef> = types.into_values().collect();
    types.sort_by(|a, b| a.name.cmp(&b.name));
    let mut servers: Vec<String> = api.servers.iter().map(server_url).collect();
    if servers.is_empty() {
        servers.push(PLACEHOLDER_HOST.to_string());
    }
    let ir = Api {
        title: api.info.title.clone(),
        version: api.info.version.clone(),
        description: api.info.description.clone(),
        license,
        contact,
        base_url: options
            .client
            .base_url
            .clone()
            .unwrap_or_else(|| servers[0].clone()),
        servers,
        types,
        security_schemes,
        groups,
        dependencies: dependencies.into_values().collect(),
    };
    (Some(ir), diags)
}

/// State shared by the lowering passes.
pub(crate) struct Lowerer<'a> {
    pub(crate) api: &'a OpenAPI,
    /// What the caller asked for: which operations, which types.
    pub(crate) options: &'a Options,
    pub(crate) diags: Diagnostics,
    /// Named types by Rust name.
    pub(crate) types: BTreeMap<String, TypeDef>,
    /// Rust type names in use.
    pub(crate) type_scope: Scope,
    /// Component schema name to Rust name.
    pub(crate) component_names: BTreeMap<String, String>,
    /// Inline schemas already lowered, by pointer, so a schema reached twice (through
    /// `allOf`, say) is one type.
    pub(crate) inline_cache: BTreeMap<String, crate::ir::Ty>,
    /// Set while lowering a multipart body, where `format: binary` strings are file
    /// contents (bytes) rather than JSON text.
    pub(crate) binary_as_bytes: bool,
    /// Component schemas used as multipart bodies: lowered with `binary_as_bytes`.
    pub(crate) multipart_components: std::collections::BTreeSet<String>,
    /// `allOf` references followed so far, against [`schemas::MAX_ALLOF_STEPS`].
    pub(crate) allof_steps: usize,
    /// Where the entries of each components section lead, by section.
    pub(crate) chain_tables: BTreeMap<String, Rc<ChainTable>>,
    /// The crates the types used so far need, by name.
    pub(crate) dependencies: BTreeMap<String, crate::ir::Dependency>,
    /// Component schemas replaced by existing types (options or `x-rust-type`), by name.
    pub(crate) replaced: BTreeMap<String, formats::Mapped>,
    /// Unions flattened into structs, checked once every type is known.
    pub(crate) flattened: Vec<objects::Flattened>,
}

impl<'a> Lowerer<'a> {
    fn new(api: &'a OpenAPI, options: &'a Options) -> Self {
        Lowerer {
            api,
            options,
            diags: Diagnostics::default(),
            types: BTreeMap::new(),
            type_scope: naming::scope(&[naming::reserved::PRELUDE, naming::reserved::MODEL_TYPES]),
            component_names: BTreeMap::new(),
            inline_cache: BTreeMap::new(),
            binary_as_bytes: false,
            multipart_components: std::collections::BTreeSet::new(),
            allof_steps: 0,
            chain_tables: BTreeMap::new(),
            dependencies: BTreeMap::new(),
            replaced: BTreeMap::new(),
            flattened: Vec::new(),
        }
    }
}

/// The host of relative server URLs (and of a document without servers), which the caller
/// is expected to replace.
const PLACEHOLDER_HOST: &str = "http://localhost";

/// A server URL as a base URL: variables take their defaults; a relative URL gets the
/// placeholder host.
fn server_url(server: &openapiv3::Server) -> String {
    let mut url = server.url.clone();
    if let Some(vars) = &server.variables {
        for (name, var) in vars {
            url = url.replace(&format!("{{{name}}}"), &var.default);
        }
    }
    if url.starts_with('/') || url.is_empty() {
        format!("{PLACEHOLDER_HOST}{url}")
    } else {
        url
    }
}

impl<'a> Lowerer<'a> {
    /// Finds the component schemas that some operation sends as `multipart/form-data`,
    /// following request-body references the way every other reference is followed.
    fn find_multipart_components(&mut self) {
        use openapiv3::ReferenceOr;
        let api = self.api;
        let mut found = std::collections::BTreeSet::new();
        for (_, _, op) in api.operations() {
            let body = match &op.request_body {
                Some(ReferenceOr::Item(b)) => Some(b),
                Some(ReferenceOr::Reference { reference }) => {
                    api.components.as_ref().and_then(|c| {
                        self.follow_component(&c.request_bodies, "requestBodies", reference)
                            .ok()
                            .map(|(_, body)| body)
                    })
                }
                None => None,
            };
            let schema = body
                .and_then(|b| b.content.get("multipart/form-data"))
                .and_then(|m| m.schema.as_ref());
            if let Some(ReferenceOr::Reference { reference }) = schema {
                if let Some(name) = reference.strip_prefix("#/components/schemas/") {
                    found.insert(unescape_token(name));
                }
            }
        }
        self.multipart_components = found;
    }
}

/// Why a reference to a component did not lead to an actual component.
pub(crate) enum Unresolved {
    /// This reference (the first, or one met on the way) names nothing in the section.
    Missing(String),
    /// The entries are only references to each other: the pointers of the members, in a
    /// fixed order (the member first in the document first), the first repeated at the end.
    Cycle(Rc<Vec<String>>),
}

impl Unresolved {
    /// The diagnostic for a cycle, at the first member; `None` for a missing target.
    pub(crate) fn cycle_diagnostic(&self, what: &str) -> Option<(String, String)> {
        let Unresolved::Cycle(chain) = self else {
            return None;
        };
        // A long cycle is named by its ends.
        let shown = if chain.len() > 12 {
            let mut shown = chain[..6].to_vec();
            shown.push("...".to_string());
            shown.extend_from_slice(&chain[chain.len() - 2..]);
            format!("{}` ({} in all)", shown.join(" -> "), chain.len() - 1)
        } else {
            format!("{}`", chain.join(" -> "))
        };
        let message = if chain.len() == 2 {
            format!("this {what} is only a reference to itself: `{shown}")
        } else {
            format!("these {what}s are only references to each other, in a cycle: `{shown}")
        };
        Some((chain[0].clone(), message))
    }
}

/// Where each entry of a components section leads when its references are followed.
#[derive(Clone)]
enum End {
    /// The entry at this index, an actual component.
    Item(usize),
    /// A reference on the way names nothing.
    Missing(Rc<str>),
    /// The entries are references in a cycle (an index into `ChainTable::cycles`).
    Cycle(usize),
}

/// The ends of every entry of one components section, computed once in linear time, so
/// that long chains of references cost nothing per use.
pub(crate) struct ChainTable {
    ends: Vec<End>,
    cycles: Vec<Rc<Vec<String>>>,
}

fn chain_table<T>(
    map: &indexmap::IndexMap<String, openapiv3::ReferenceOr<T>>,
    section: &str,
) -> ChainTable {
    let prefix = format!("#/components/{section}/");
    // For each entry: where its reference points (Ok), or Err(None) for an item, or
    // Err(Some(reference)) for a reference to nothing.
    let next: Vec<Result<usize, Option<Rc<str>>>> = map
        .values()
        .map(|entry| match entry {
            openapiv3::ReferenceOr::Item(_) => Err(None),
            openapiv3::ReferenceOr::Reference { reference } => reference
                .strip_prefix(prefix.as_str())
                .and_then(|token| map.get_index_of(&unescape_token(token)))
                .ok_or_else(|| Some(Rc::from(reference.as_str()))),
        })
        .collect();
    let mut ends: Vec<Option<End>> = vec![None; map.len()];
    let mut on_path = vec![false; map.len()];
    let mut cycles: Vec<Rc<Vec<String>>> = Vec::new();
    for start in 0..map.len() {
        let mut path = Vec::new();
        let mut i = start;
        let end = loop {
            if let Some(end) = &ends[i] {
                break end.clone();
            }
            if on_path[i] {
                let pos = path.iter().position(|&p| p == i).unwrap_or(0);
                let mut cycle: Vec<usize> = path[pos..].to_vec();
                let first = (0..cycle.len()).min_by_key(|&k| cycle[k]).unwrap_or(0);
                cycle.rotate_left(first);
                cycle.push(cycle[0]);
                let pointers = cycle
                    .iter()
                    .filter_map(|&k| map.get_index(k))
                    .map(|(n, _)| crate::diagnostics::pointer(&["components", section, n]))
                    .collect();
                cycles.push(Rc::new(pointers));
                break End::Cycle(cycles.len() - 1);
            }
            on_path[i] = true;
            path.push(i);
            match &next[i] {
                Err(None) => break End::Item(i),
                Err(Some(missing)) => break End::Missing(missing.clone()),
                Ok(j) => i = *j,
            }
        };
        for p in path {
            on_path[p] = false;
            ends[p] = Some(end.clone());
        }
    }
    ChainTable {
        ends: ends
            .into_iter()
            .map(|e| e.unwrap_or(End::Missing(Rc::from(""))))
            .collect(),
        cycles,
    }
}

impl<'a> Lowerer<'a> {
    /// Follows `reference` through `#/components/<section>`, across entries that are
    /// themselves references, to the first entry that is an item: its name and value.
    pub(crate) fn follow_component<T>(
        &mut self,
        map: &'a indexmap::IndexMap<String, openapiv3::ReferenceOr<T>>,
        section: &str,
        reference: &str,
    ) -> Result<(&'a str, &'a T), Unresolved> {
        let prefix = format!("#/components/{section}/");
        let Some(index) = reference
            .strip_prefix(prefix.as_str())
            .and_then(|token| map.get_index_of(&unescape_token(token)))
        else {
            return Err(Unresolved::Missing(reference.to_string()));
        };
        let table = self
            .chain_tables
            .entry(section.to_string())
            .or_insert_with(|| Rc::new(chain_table(map, section)))
            .clone();
        match &table.ends[index] {
            End::Item(i) => match map.get_index(*i) {
                Some((name, openapiv3::ReferenceOr::Item(item))) => Ok((name.as_str(), item)),
                _ => Err(Unresolved::Missing(reference.to_string())),
            },
            End::Missing(missing) => Err(Unresolved::Missing(missing.to_string())),
            End::Cycle(c) => Err(Unresolved::Cycle(table.cycles[*c].clone())),
        }
    }
}
#[cfg(test)]
mod tests {

    /// A `text/plain` response is parsed from text only when its type can be (the one
    /// predicate for `FromStr`): a constrained list is not, and is returned as a string.
    #[test]
    fn text_responses_parse_only_what_implements_from_str() {
        let (api, diags) = crate::lower_text(
            "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /ids:\n    get:\n      \
             operationId: ids\n      responses:\n        '200':\n          description: ok\n          \
             content:\n            text/plain:\n              schema: {$ref: '#/components/schemas/Ids'}\n\
             components:\n  schemas:\n    Ids: {type: array, minItems: 1, items: {type: string}}\n",
        )
        .unwrap();
        let op = &api.groups[0].operations[0];
        let text = format!("{:?}", op.responses);
        assert!(!text.contains("TextParsed"), "{text}");
        assert!(
            diags.to_string().contains("returned as a string"),
            "{diags}"
        );
    }

    /// A multipart body reached through a chain of request-body references still makes the
    /// binary properties of its schema file bodies (`runtime::Body`), as a direct one does.
    #[test]
    fn multipart_bodies_behind_reference_chains_carry_file_bodies() {
        let (api, _) = crate::lower_text(
            "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /up:\n    post:\n      \
             operationId: upload\n      requestBody: {$ref: '#/components/requestBodies/Alias'}\n      \
             responses:\n        '204': {description: ok}\ncomponents:\n  requestBodies:\n    \
             Alias: {$ref: '#/components/requestBodies/Upload'}\n    Upload:\n      content:\n        \
             multipart/form-data:\n          schema: {$ref: '#/components/schemas/Form'}\n  \
             schemas:\n    Form:\n      type: object\n      properties:\n        \
             file: {type: string, format: binary}\n",
        )
        .unwrap();
        let form = api
            .types
            .iter()
            .find(|t| t.api_name == "Form")
            .expect("the form type");
        let text = format!("{:?}", form.kind);
        assert!(text.contains("ty: Option(Body)"), "{text}");
    }

    /// A style the specification does not define for a parameter's type gets the nearest
    /// one it does, and a warning at the `style`: `deepObject` on a primitive is `form`; a
    /// `pipeDelimited` object is written in that style by the styled encoder.
    #[test]
    fn undefined_style_combinations_fall_back_with_a_warning() {
        let (api, diags) = crate::lower_text(
            "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /items:\n    get:\n      \
             operationId: listItems\n      parameters:\n        - name: n\n          in: query\n          \
             style: deepObject\n          schema: {type: integer}\n        - name: filter\n          \
             in: query\n          style: pipeDelimited\n          \
             schema: {type: object, properties: {a: {type: string}}}\n      \
             responses:\n        '204': {description: ok}\n",
        )
        .unwrap();
        let params = &api.groups[0].operations[0].params;
        assert_eq!(params[0].query, Some(crate::ir::QueryEncoding::Value));
        assert_eq!(params[0].styled, None);
        assert_eq!(params[1].query, None);
        assert_eq!(
            params[1].styled.map(|s| (s.style, s.explode)),
            Some((crate::ir::ParamStyle::PipeDelimited, false))
        );
        let text = diags.to_string();
        assert!(
            text.contains("/paths/~1items/get/parameters/0/style")
                && text.contains("query style `deepObject` is not defined for parameter `n`"),
            "{text}"
        );
        assert!(!text.contains("parameters/1"), "{text}");
    }

    /// Parameters that have no plain text form (an object in a header or cookie, a list in
    /// the path, a list of objects in the query) no longer skip their operation: they are
    /// styled, and the list of objects, which `form` does not define, is a located warning.
    #[test]
    fn parameters_without_a_text_form_are_styled_not_skipped() {
        let (api, diags) = crate::lower_text(
            "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /items/{ids}:\n    get:\n      \
             operationId: listItems\n      parameters:\n        \
             - {name: ids, in: path, required: true, schema: {type: array, items: {type: integer}}}\n        \
             - {name: X-Filter, in: header, schema: {$ref: '#/components/schemas/F'}}\n        \
             - {name: pref, in: cookie, explode: false, schema: {$ref: '#/components/schemas/F'}}\n        \
             - {name: rows, in: query, schema: {type: array, items: {$ref: '#/components/schemas/F'}}}\n      \
             responses:\n        '204': {description: ok}\ncomponents:\n  schemas:\n    \
             F: {type: object, properties: {a: {type: string}}}\n",
        )
        .unwrap();
        let op = &api.groups[0].operations[0];
        let styles: Vec<_> = op
            .params
            .iter()
            .map(|p| p.styled.map(|s| (s.style, s.explode)))
            .collect();
        use crate::ir::ParamStyle::*;
        assert_eq!(
            styles,
            [
                Some((Simple, false)),
                Some((Simple, false)),
                Some((Form, false)),
                Some((Form, true))
            ]
        );
        let text = diags.to_string();
        assert!(!text.contains("skipped"), "{text}");
        assert!(
            text.contains("parameter `rows` is a list of objects or lists, which `form` does not define; each item is sent as its JSON text (at #/paths/~1items~1{ids}/get/parameters/3)"),
            "{text}"
        );
    }

    /// Offset paging divides by the page size, so a limit that is not a number is refused
    /// with a warning rather than emitted as a conversion that does not compile.
    #[test]
    fn offset_paging_needs_a_numeric_limit() {
        let (api, diags) = crate::lower_text(
            "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /items:\n    get:\n      \
             operationId: listItems\n      x-pagination: {style: offset, limitParam: limit, offsetParam: offset}\n      \
             parameters:\n        - {name: limit, in: query, schema: {type: string}}\n        \
             - {name: offset, in: query, schema: {type: integer}}\n      \
             responses:\n        '200':\n          description: ok\n          content:\n            \
             application/json:\n              schema: {type: array, items: {type: string}}\n",
        )
        .unwrap();
        let op = &api.groups[0].operations[0];
        assert!(op.pagination.is_none());
        let text = diags.to_string();
        assert!(
            text.contains("offset paging needs a numeric limit parameter"),
            "{text}"
        );
    }
}
