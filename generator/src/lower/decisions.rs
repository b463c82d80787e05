//! Lower, last pass: consumes the finished types and operation groups and fills in the
//! decisions that depend on what a named type stands for (argument kinds, path segment
//! text, multipart parts, `Display` for untagged unions, derived traits, the options' extra
//! derives) or on final names (the response match), so emission looks nothing up.

use crate::ir::{
    has_text_form, text_read, ArgKind, BodyMedia, Derive, Group, Part, PartKind, PathSegment,
    PathText, QueryEncoding, TextRead, Ty, TypeDef, TypeKind,
};
use std::collections::BTreeMap;

/// The content type of file parts: the document gives none.
const FILE_CONTENT_TYPE: &str = "application/octet-stream";

/// The part name of a multipart body that is one bare binary string (or a list of them):
/// the document gives none.
const BARE_FILE_PART: &str = "file";

/// The part name of a multipart body that is one value of another kind.
const BARE_VALUE_PART: &str = "value";

/// Fills in every decision of `types` and `groups` that needs the final type table.
pub(crate) fn decide(
    types: &mut BTreeMap<String, TypeDef>,
    groups: &mut [Group],
    options: &crate::options::Types,
) {
    let display: Vec<String> = {
        let kind_of = |n: &str| types.get(n).map(|d| &d.kind);
        types
            .values()
            .filter(|t| matches!(t.kind, TypeKind::Untagged { .. }))
            .filter(|t| has_text_form(&Ty::Named(t.name.clone()), &kind_of))
            .map(|t| t.name.clone())
            .collect()
    };
    for name in display {
        if let Some(TypeKind::Untagged { display, .. }) = types.get_mut(&name).map(|t| &mut t.kind)
        {
            *display = true;
        }
    }
    for t in types.values_mut() {
        t.derives = derives(&t.kind);
        t.extra_derives = extra_derives(t, options);
    }
    let kinds = Kinds(types);
    for op in groups.iter_mut().flat_map(|g| g.operations.iter_mut()) {
        for p in &mut op.params {
            p.arg = kinds.arg_kind(&p.ty);
            // Objects and JSON text in a query have encodings of their own.
            let own_encoding = matches!(
                p.query,
                Some(
                    QueryEncoding::Object(_)
                        | QueryEncoding::JsonText
                        | QueryEncoding::JsonTextList { .. }
                )
            );
            p.serde_text = !own_encoding
                && p.styled.is_none()
                && match &p.ty {
                    Ty::Vec(item) => kinds.is_external(item),
                    ty => kinds.is_external(ty),
                };
        }
        for segment in &mut op.path_segments {
            if let PathSegment::Param { param, text, .. } = segment {
                if let Some(p) = op.params.iter().find(|p| p.name == *param) {
                    *text = match p.styled {
                        Some(styled) => PathText::Styled(styled),
                        None => kinds.path_text(&p.ty),
                    };
                }
            }
        }
        op.responses = super::response_match::response_match(&op.success, &op.errors, &op.error_ty);
        if let Some(body) = op.body.as_mut().filter(|b| b.media == BodyMedia::Multipart) {
            body.parts = kinds.parts(&body.ty, &body.part_content_types);
        }
        let choices = op.body.as_mut().and_then(|b| b.choices.as_mut());
        for choice in choices.into_iter().flat_map(|c| c.variants.iter_mut()) {
            if choice.media == BodyMedia::Multipart {
                choice.parts = kinds.parts(&choice.ty, &choice.part_content_types);
            }
        }
    }
}

/// Structs whose fields are all optional have a `Default`; newtypes derive what their inner
/// type allows.
fn derives(kind: &TypeKind) -> Vec<Derive> {
    use Derive::*;
    match kind {
        TypeKind::Struct { fields, .. } if fields.iter().all(|f| matches!(f.ty, Ty::Option(_))) => {
            vec![Default]
        }
        TypeKind::Newtype { inner, .. } => match inner {
            Ty::String => vec![Eq, Hash, PartialOrd, Ord],
            Ty::Int { .. } | Ty::Uint { .. } => vec![Copy, Eq, Hash, PartialOrd, Ord],
            // What a type from outside the crate implements is not known here.
            Ty::Vec(_) | Ty::External { .. } => Vec::new(),
            _ => vec![Copy, PartialOrd],
        },
        _ => Vec::new(),
    }
}

/// The options' derives for a type: every model's, then its schema's, in order, without
/// those it derives or implements anyway (a repeated derive does not compile). Aliases
/// derive nothing.
fn extra_derives(t: &TypeDef, options: &crate::options::Types) -> Vec<String> {
    let mut has: Vec<String> = ["Debug", "Clone", "PartialEq", "Serialize", "Deserialize"]
        .map(String::from)
        .to_vec();
    has.extend(t.derives.iter().map(|d| format!("{d:?}")));
    match &t.kind {
        TypeKind::Alias { .. } => return Vec::new(),
        TypeKind::StringEnum { .. } => {
            has.extend(["Eq", "Hash", "PartialOrd", "Ord", "Default"].map(String::from))
        }
        TypeKind::IntEnum { .. } => {
            has.extend(["Copy", "Eq", "Hash", "PartialOrd", "Ord"].map(String::from))
        }
        _ => {}
    }
    let own = options
        .schema_derives
        .get(&t.api_name)
        .into_iter()
        .flatten();
    let mut out: Vec<String> = Vec::new();
    for d in options.derives.iter().chain(own) {
        let last = d.rsplit("::").next().unwrap_or(d).trim();
        if !has.iter().any(|h| h == last) && !out.contains(d) {
            out.push(d.clone());
        }
    }
    out
}

struct Kinds<'t>(&'t BTreeMap<String, TypeDef>);

impl Kinds<'_> {
    fn kind(&self, ty: &Ty) -> Option<&TypeKind> {
        match ty {
            Ty::Named(n) => self.0.get(n).map(|d| &d.kind),
            _ => None,
        }
    }

    /// Whether `ty` is (through aliases) a type from outside the crate written as its serde
    /// text.
    fn is_external(&self, ty: &Ty) -> bool {
        matches!(
            text_read(ty, &|n: &str| self.0.get(n).map(|d| &d.kind)),
            TextRead::Serde { .. }
        )
    }

    fn text_form(&self, ty: &Ty) -> bool {
        has_text_form(ty, &|n: &str| self.0.get(n).map(|d| &d.kind))
    }

    /// Validated newtypes (through aliases) are taken with `TryInto`; the rest with `Into`.
    fn arg_kind(&self, ty: &Ty) -> ArgKind {
        match self.kind(ty) {
            Some(TypeKind::Newtype { .. }) => ArgKind::Validated,
            Some(TypeKind::Alias { target }) => self.arg_kind(target),
            _ => ArgKind::Into,
        }
    }

    fn path_text(&self, ty: &Ty) -> PathText {
        if *ty == Ty::String {
            return PathText::Borrow;
        }
        if self.is_external(ty) {
            return PathText::Serde;
        }
        match self.kind(ty) {
            Some(TypeKind::StringEnum { .. })
            | Some(TypeKind::Newtype {
                inner: Ty::String, ..
            }) => PathText::AsStr,
            Some(TypeKind::Alias { target }) => self.path_text(target),
            _ => PathText::Display,
        }
    }

    /// Bytes become file parts, values with a text form text parts (lists repeat the part),
    /// anything else a JSON part; a map, one part per entry. A body that is not an object
    /// is one part: `file` for bytes, `value` otherwise (the document names none). File
    /// parts take the content type the document's `encoding` gives them.
    fn parts(&self, body_ty: &Ty, part_content_types: &[(String, String)]) -> Vec<Part> {
        let content_type = |name: &str| {
            part_content_types
                .iter()
                .find(|(n, _)| n == name)
                .map_or(FILE_CONTENT_TYPE.to_string(), |(_, ct)| ct.clone())
        };
        let whole = |api_name: &str, kind: PartKind| {
            vec![Part {
                field: None,
                api_name: api_name.to_string(),
                kind,
                optional: false,
            }]
        };
        match body_ty {
            Ty::Body => return whole(BARE_FILE_PART, PartKind::File(content_type(BARE_FILE_PART))),
            Ty::Vec(item) if **item == Ty::Body => {
                return whole(
                    BARE_FILE_PART,
                    PartKind::Files(content_type(BARE_FILE_PART)),
                )
            }
            _ => {}
        }
        let fields = match self.kind(body_ty) {
            Some(TypeKind::Struct { fields, .. }) => fields,
            _ => {
                let kind = match self.unaliased(body_ty) {
                    Ty::Map(value) if self.text_form(&value) && !self.is_external(&value) => {
                        PartKind::TextEntries
                    }
                    Ty::Map(_) => PartKind::JsonEntries,
                    other => self.part_kind(&other, BARE_VALUE_PART, &content_type),
                };
                return whole(BARE_VALUE_PART, kind);
            }
        };
        fields
            .iter()
            .map(|f| {
                let (inner, optional) = match &f.ty {
                    Ty::Option(inner) => (inner.as_ref(), true),
                    other => (other, false),
                };
                Part {
                    field: Some(f.name.clone()),
                    api_name: f.api_name.clone(),
                    kind: self.part_kind(inner, &f.api_name, &content_type),
                    optional,
                }
            })
            .collect()
    }

    fn part_kind(&self, ty: &Ty, name: &str, content_type: &dyn Fn(&str) -> String) -> PartKind {
        match ty {
            Ty::Body => PartKind::File(content_type(name)),
            Ty::Vec(item) if **item == Ty::Body => PartKind::Files(content_type(name)),
            Ty::Vec(item) if self.is_external(item) => PartKind::SerdeTexts,
            t if self.is_external(t) => PartKind::SerdeText,
            Ty::Vec(item) if self.text_form(item) => PartKind::Texts,
            t if self.text_form(t) => PartKind::Text,
            _ => PartKind::Json,
        }
    }

    /// `ty` with aliases followed (a bounded walk: cycles were broken before).
    fn unaliased(&self, ty: &Ty) -> Ty {
        let mut ty = ty.clone();
        for _ in 0..64 {
            match self.kind(&ty) {
                Some(TypeKind::Alias { target }) => ty = target.clone(),
                _ => break,
            }
        }
        ty
    }
}
