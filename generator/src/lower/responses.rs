//! Lower: consumes an operation's `responses` and produces what success looks like, the
//! documented errors, the error body type, the `Accept` list and the declared headers.

use super::bodies::{classify_media, is_wildcard};
use super::schemas::SchemaRef;
use super::Lowerer;
use crate::diagnostics::child;
use crate::ir::{
    BodyMedia, ErrorResponse, EventData, ResponseHeader, ResponseHeaders, ResponseKind,
    StatusMatch, Success, SuccessVariant, TextRead, Ty, TypeKind,
};
use crate::naming::{self, Scope};
use openapiv3::{ParameterSchemaOrContent, ReferenceOr, Response, StatusCode};
use std::collections::BTreeSet;

impl<'a> Lowerer<'a> {
    pub(super) fn resolve_response(
        &mut self,
        r: &'a ReferenceOr<Response>,
        at: &str,
    ) -> Option<&'a Response> {
        self.resolve_component(r, at, "responses", "response", |c| &c.responses)
    }

    #[allow(clippy::type_complexity)]
    pub(super) fn lower_responses(
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
            // HTTP gives a 204 no body (RFC 9110, 15.3.5): servers and Prism send none, so a
            // declared one cannot be read.
            let kind = if *status == StatusMatch::Code(204) && !resp.content.is_empty() {
                self.diags.warning(
                    child(r_at, "content"),
                    "a 204 response has no body; its content is ignored",
                );
                ResponseKind::Empty
            } else {
                for media in resp.content.keys() {
                    accept.insert(media.clone());
                }
                self.response_kind(*status, resp, r_at, &hint)?
            };
            // An event stream's headers are on the stream (`EventStream::headers`).
            if success && !matches!(kind, ResponseKind::EventStream(_)) {
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
            }
            if success {
                success_parts.push((*status, kind, resp.description.clone()));
            } else {
                error_parts.push((*status, kind, resp.description.clone()));
            }
        }
        // A stream cannot be one variant of a success enum: beside other success shapes, an
        // event stream is read whole, as text.
        if success_parts
            .iter()
            .any(|(_, k, _)| *k != success_parts[0].1)
        {
            for (status, kind, _) in &mut success_parts {
                if matches!(kind, ResponseKind::EventStream(_)) {
                    let code = match status {
                        StatusMatch::Code(n) => n.to_string(),
                        StatusMatch::Range(n) => format!("{n}XX"),
                        StatusMatch::Default => "default".to_string(),
                    };
                    self.diags.warning(
                        child(at, &code),
                        "a text/event-stream response beside other success responses is read whole, as text",
                    );
                    *kind = ResponseKind::Text;
                }
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
        // What the success is read as goes first, for servers that answer with the first
        // type they can: a text/plain or binary success before the JSON of the errors, and a
        // JSON success before the same schema as text/plain (ASP.NET lists both; Prism then
        // fails to write an object as text). Then JSON, text, other types, and XML last (the
        // client reads it only as text). `text/json` (ASP.NET's old name) is JSON.
        let read: Vec<MediaClass> = match &success {
            Success::Single { kind, .. } => vec![MediaClass::of_kind(kind)],
            Success::Multi { variants, .. } => variants
                .iter()
                .map(|v| MediaClass::of_kind(&v.kind))
                .collect(),
        };
        accept.sort_by_key(|m| {
            let class = MediaClass::of(m);
            // Among what is read (several success statuses), text and bytes before JSON.
            match (read.contains(&class), class) {
                (true, MediaClass::Text) => 0,
                (true, MediaClass::Other) => 1,
                (true, MediaClass::Json) => 2,
                (_, MediaClass::Json) => 3,
                (_, MediaClass::Text) => 4,
                (_, MediaClass::Other | MediaClass::None) => 5,
                (_, MediaClass::Xml) => 6,
            }
        });
        let headers = (!header_fields.is_empty()).then(|| ResponseHeaders {
            name: naming::headers_struct(builder),
            fields: header_fields,
        });
        Some((success, errors, error_ty, accept, headers))
    }

    /// Adds the headers a success response declares (once per name, case-insensitively).
    /// Only headers whose type has a text form to parse are read; others are warned about.
    pub(super) fn lower_response_headers(
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
                    self.diags.weakened(
                        &h_at,
                        format!("response header `{name}` described by `content` is not read"),
                    );
                    continue;
                }
            };
            let hint = format!("{builder}{}Header", naming::upper_camel(name, "H"));
            let ty = self.lower_use(SchemaRef::from(schema), &hint, &child(&h_at, "schema"));
            if !self.parses_from_text(&ty) {
                self.diags.weakened(&h_at, format!("response header `{name}` has a type that cannot be parsed from text; it is not read"));
                continue;
            }
            out.push(ResponseHeader {
                name: scope.claim_snake(name, "header"),
                local: String::new(),
                api_name: name.clone(),
                read: self.text_read(&ty),
                ty,
                doc: header.description.clone(),
            });
        }
    }

    /// Whether a type can be read from text in the generated code (`FromStr`, or serde for a
    /// type from outside the crate).
    pub(super) fn parses_from_text(&self, ty: &Ty) -> bool {
        crate::ir::parses_from_text(ty, &|n: &str| self.types.get(n).map(|t| &t.kind))
    }

    /// How a type that [`Self::parses_from_text`] is read from text.
    fn text_read(&self, ty: &Ty) -> TextRead {
        crate::ir::text_read(ty, &|n: &str| self.types.get(n).map(|t| &t.kind))
    }

    pub(super) fn response_kind(
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
        if is_event_stream(media) {
            let data = match &mt.schema {
                None => EventData::Text,
                Some(s) => {
                    let ty = self.lower_use(SchemaRef::from(s), hint, &schema_at);
                    match self.text_shape(&ty) {
                        TextShape::String => EventData::Text,
                        TextShape::Parsed => EventData::SerdeText(ty),
                        TextShape::Lines | TextShape::Unsupported => EventData::Json(ty),
                    }
                }
            };
            return Some(ResponseKind::EventStream(data));
        }
        Some(match classify_media(media) {
            Some(BodyMedia::Json) => match &mt.schema {
                Some(s) => ResponseKind::Json(self.json_use(s, hint, &schema_at)),
                None => ResponseKind::Json(Ty::Json),
            },
            Some(BodyMedia::Text) => match &mt.schema {
                None => ResponseKind::Text,
                Some(s) => {
                    let ty = self.lower_use(SchemaRef::from(s), hint, &schema_at);
                    match self.text_shape(&ty) {
                        TextShape::String => ResponseKind::Text,
                        TextShape::Lines => ResponseKind::TextLines,
                        TextShape::Parsed => match self.text_read(&ty) {
                            TextRead::Parse => ResponseKind::TextParsed(ty),
                            TextRead::Serde { format } => ResponseKind::TextSerde { ty, format },
                        },
                        TextShape::Unsupported => {
                            self.diags.weakened(&schema_at, "a text/plain response with a structured schema is returned as a string");
                            ResponseKind::Text
                        }
                    }
                }
            },
            // `*/*` (or `application/*`) with a structured schema: only JSON carries an
            // object or a list, so it is read as JSON, as a request body there is sent.
            _ => match &mt.schema {
                Some(s) if is_wildcard(media) => {
                    let ty = self.json_use(s, hint, &schema_at);
                    if self.structured(&ty) {
                        ResponseKind::Json(ty)
                    } else {
                        ResponseKind::Bytes
                    }
                }
                _ => ResponseKind::Bytes,
            },
        })
    }

    /// The type a JSON body of schema `s` decodes into: `Option` when the schema is nullable.
    fn json_use(&mut self, s: &'a ReferenceOr<openapiv3::Schema>, hint: &str, at: &str) -> Ty {
        let sref = SchemaRef::from(s);
        let nullable = self.is_nullable(&sref, at);
        let ty = self.lower_use(sref, hint, at);
        if nullable {
            Ty::Option(Box::new(ty))
        } else {
            ty
        }
    }

    /// Whether values of `ty` are objects or lists (a struct, a union, a map, a list), which
    /// only JSON of the media types a `*/*` response may have can carry. A schema that says
    /// nothing (`{}`) is not: the body may be anything.
    fn structured(&self, ty: &Ty) -> bool {
        match ty {
            Ty::Vec(_) | Ty::Map(_) => true,
            Ty::Option(inner) | Ty::Boxed(inner) => self.structured(inner),
            Ty::Named(n) => match self.types.get(n).map(|t| &t.kind) {
                Some(TypeKind::Alias { target }) => self.structured(target),
                Some(
                    TypeKind::Struct { .. } | TypeKind::Tagged { .. } | TypeKind::Untagged { .. },
                ) => true,
                _ => false,
            },
            _ => false,
        }
    }

    pub(super) fn text_shape(&self, ty: &Ty) -> TextShape {
        match ty {
            Ty::String => TextShape::String,
            Ty::Vec(inner) if **inner == Ty::String => TextShape::Lines,
            Ty::Bool | Ty::Int { .. } | Ty::Uint { .. } | Ty::Float { .. } => TextShape::Parsed,
            Ty::External { text: true, .. } => TextShape::Parsed,
            Ty::Named(n) => match self.types.get(n).map(|t| &t.kind) {
                Some(TypeKind::Alias { target }) => self.text_shape(target),
                _ if self.parses_from_text(ty) => TextShape::Parsed,
                _ => TextShape::Unsupported,
            },
            _ => TextShape::Unsupported,
        }
    }
}

/// Whether a media type is `text/event-stream` (parameters and case aside).
fn is_event_stream(media: &str) -> bool {
    let essence = media.split(';').next().unwrap_or(media).trim();
    essence.eq_ignore_ascii_case("text/event-stream")
}

pub(super) enum TextShape {
    String,
    Lines,
    Parsed,
    Unsupported,
}

pub(super) fn status_variant_name(status: StatusMatch) -> String {
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

pub(super) fn non_empty(s: String) -> Option<String> {
    (!s.trim().is_empty()).then_some(s)
}

/// The kind of a media type, as far as the order of `Accept` goes.
#[derive(Clone, Copy, PartialEq, Eq)]
enum MediaClass {
    Json,
    Text,
    Xml,
    Other,
    /// A response kind with no body to read.
    None,
}

impl MediaClass {
    fn of(media: &str) -> MediaClass {
        let essence = media
            .split(';')
            .next()
            .unwrap_or(media)
            .trim()
            .to_ascii_lowercase();
        if essence.ends_with("/xml") || essence.ends_with("+xml") {
            MediaClass::Xml
        } else if classify_media(media) == Some(BodyMedia::Json) || essence == "text/json" {
            MediaClass::Json
        } else if essence.starts_with("text/") {
            MediaClass::Text
        } else {
            MediaClass::Other
        }
    }

    fn of_kind(kind: &ResponseKind) -> MediaClass {
        match kind {
            ResponseKind::Json(_) => MediaClass::Json,
            ResponseKind::Text
            | ResponseKind::TextLines
            | ResponseKind::TextParsed(_)
            | ResponseKind::TextSerde { .. }
            | ResponseKind::EventStream(_) => MediaClass::Text,
            ResponseKind::Bytes => MediaClass::Other,
            ResponseKind::Empty | ResponseKind::Redirect => MediaClass::None,
        }
    }
}

#[cfg(test)]
mod tests {
    /// The `Accept` list of the only operation of a document whose success is `content`.
    fn accept(content: &str) -> Vec<String> {
        let spec = format!(
            "openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths:\n  /a:\n    get:\n      operationId: getA\n      responses:\n        '200':\n          description: ok\n          content: {content}\n"
        );
        let (api, _) = crate::lower_text(&spec).unwrap();
        api.groups[0].operations[0].accept.clone()
    }

    #[test]
    fn a_wildcard_response_is_json_when_only_json_can_carry_its_schema() {
        let kind = |content: &str| {
            let spec = format!(
                "openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths:\n  /a:\n    get:\n      operationId: getA\n      responses:\n        '200':\n          description: ok\n          content: {content}\n"
            );
            let (api, _) = crate::lower_text(&spec).unwrap();
            match &api.groups[0].operations[0].success {
                crate::ir::Success::Single { kind, .. } => format!("{kind:?}"),
                other => format!("{other:?}"),
            }
        };
        assert!(
            kind("{'*/*': {schema: {type: object, properties: {id: {type: integer}}}}}")
                .starts_with("Json(Named(")
        );
        assert!(
            kind("{'application/*': {schema: {type: array, items: {type: integer}}}}")
                .starts_with("Json(Vec(")
        );
        for bytes in [
            "{'*/*': {schema: {type: string, format: binary}}}",
            "{'*/*': {schema: {type: string}}}",
            "{'*/*': {schema: {}}}",
            "{'*/*': {}}",
            "{image/png: {schema: {type: object}}}",
        ] {
            assert_eq!(kind(bytes), "Bytes", "{bytes}");
        }
    }

    #[test]
    fn what_the_success_is_read_as_comes_first_xml_last_and_text_json_is_json() {
        assert_eq!(
            accept("{text/plain: {schema: {type: string}}}\n        '400':\n          description: bad\n          content: {application/json: {schema: {type: object}}}"),
            ["text/plain", "application/json"]
        );
        assert_eq!(
            accept("{text/plain: {schema: {type: object}}, application/json: {schema: {type: object}}}"),
            ["application/json", "text/plain"]
        );
        assert_eq!(
            accept("{application/octet-stream: {schema: {type: string, format: binary}}}\n        '400':\n          description: bad\n          content: {application/json: {schema: {type: object}}}"),
            ["application/octet-stream", "application/json"]
        );
        assert_eq!(
            accept(
                "{text/json: {schema: {type: object}}, application/json: {schema: {type: object}}}"
            ),
            ["application/json", "text/json"]
        );
        assert_eq!(
            accept("{application/xml: {schema: {type: object}}, text/json: {schema: {type: object}}, text/xml: {schema: {type: object}}, application/json: {schema: {type: object}}}"),
            ["application/json", "text/json", "application/xml", "text/xml"]
        );
    }
}
