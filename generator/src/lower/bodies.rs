//! Lower: consumes an operation's `requestBody` and produces the IR body: its media, content
//! type and type.

use super::schemas::SchemaRef;
use super::Lowerer;
use crate::diagnostics::child;
use crate::ir::{Body, BodyChoice, BodyChoices, BodyMedia, Ty, TypeKind};
use crate::naming;
use openapiv3::{ReferenceOr, RequestBody};

impl<'a> Lowerer<'a> {
    pub(super) fn resolve_request_body(
        &mut self,
        rb: &'a ReferenceOr<RequestBody>,
        at: &str,
    ) -> Option<&'a RequestBody> {
        self.resolve_component(rb, at, "requestBodies", "request body", |c| {
            &c.request_bodies
        })
    }

    /// The body of an operation: the preferred of its media types (JSON, then forms,
    /// multipart, wildcards, text, XML, bytes; ties in document order), and when there are
    /// several, every one of them as a choice for the caller.
    pub(super) fn lower_body(
        &mut self,
        rb: &RequestBody,
        at: &str,
        builder: &str,
    ) -> Option<Option<Body>> {
        let mut supported: Vec<(u8, usize, RequestMedia, &String, &openapiv3::MediaType)> = rb
            .content
            .iter()
            .enumerate()
            .filter_map(|(i, (media, mt))| {
                request_media(media, mt).map(|kind| (kind.rank(), i, kind, media, mt))
            })
            .collect();
        if supported.is_empty() {
            let types: Vec<&str> = rb.content.keys().map(String::as_str).collect();
            self.diags.skipped(
                at,
                format!(
                    "request body media type {} is not supported; the operation is skipped",
                    types.join(", ")
                ),
            );
            return None;
        }
        supported.sort_by_key(|(rank, i, ..)| (*rank, *i));
        let several = supported.len() > 1;
        let mut scope = naming::scope(&[]);
        let mut variants = Vec::new();
        for (_, _, kind, declared, mt) in supported {
            // Inline schemas of other media types are named after theirs.
            let hint = if variants.is_empty() {
                format!("{builder}Body")
            } else {
                format!("{builder}{}Body", kind.variant())
            };
            let choice = self.lower_media(kind, declared, mt, at, &hint);
            variants.push(BodyChoice {
                name: scope.claim(kind.variant()),
                ..choice
            });
        }
        let first = variants[0].clone();
        Some(Some(Body {
            media: first.media,
            content_type: first.content_type,
            ty: first.ty,
            required: rb.required,
            doc: rb.description.clone(),
            // Multipart parts are decided once every type is known.
            parts: Vec::new(),
            part_content_types: first.part_content_types,
            choices: several.then(|| BodyChoices {
                // Claimed with the operation's other type names.
                name: naming::body_choice_enum(builder),
                variants,
            }),
        }))
    }

    /// One media type of a body: its encoding, content type and type.
    fn lower_media(
        &mut self,
        kind: RequestMedia,
        declared: &str,
        mt: &openapiv3::MediaType,
        at: &str,
        hint: &str,
    ) -> BodyChoice {
        let media_at = child(&child(at, "content"), declared);
        let schema_at = child(&media_at, "schema");
        // What goes in `Content-Type`: the declared type, except that a wildcard says
        // nothing a server could read, so JSON sent for it is labelled JSON.
        let content_type = if kind == RequestMedia::WildcardJson {
            "application/json".to_string()
        } else {
            declared.to_string()
        };
        let media = kind.media();
        let ty = match kind {
            RequestMedia::Json | RequestMedia::WildcardJson | RequestMedia::Form => {
                match &mt.schema {
                    Some(s) => self.lower_use(SchemaRef::from(s), hint, &schema_at),
                    None => Ty::Json,
                }
            }
            RequestMedia::Multipart => self.multipart_body(mt, hint, &media_at),
            RequestMedia::Xml => {
                self.diags.weakened(
                    &media_at,
                    format!("`{declared}` bodies are sent as text the caller writes (a `String`); the generator does not write XML"),
                );
                Ty::String
            }
            RequestMedia::Text => Ty::String,
            RequestMedia::Bytes => Ty::Body,
        };
        if media == BodyMedia::Form {
            self.form_encoding(mt, &media_at);
        }
        let part_content_types = if media == BodyMedia::Multipart {
            self.part_encoding(mt, &media_at)
        } else {
            Vec::new()
        };
        BodyChoice {
            name: String::new(),
            media,
            content_type,
            ty,
            parts: Vec::new(),
            part_content_types,
        }
    }

    /// The type of a `multipart/form-data` body: its schema with `format: binary` strings
    /// as bytes; without a schema, any text fields (a map of field name to text).
    fn multipart_body(&mut self, mt: &openapiv3::MediaType, hint: &str, media_at: &str) -> Ty {
        let schema_at = child(media_at, "schema");
        let Some(s) = &mt.schema else {
            return Ty::Map(Box::new(Ty::String));
        };
        self.binary_as_bytes = true;
        let ty = self.lower_use(SchemaRef::from(s), hint, &schema_at);
        self.binary_as_bytes = false;
        let named = match &ty {
            Ty::Named(n) => self.types.get(n).map(|t| &t.kind),
            _ => None,
        };
        let object = matches!(named, Some(TypeKind::Struct { .. }))
            || matches!(self.unalias(&ty), Ty::Map(_));
        let file = ty == Ty::Body || ty == Ty::Vec(Box::new(Ty::Body));
        if !object && !file {
            // The document names no part; the one part needs a name.
            self.diags.weakened(
                &schema_at,
                "a multipart body that is not an object has no part names; it is sent as one part named `value`",
            );
        }
        ty
    }

    /// The `encoding` of a multipart body: each property's declared content type (used by
    /// its file parts); headers and styles, which the client does not send, are warnings.
    fn part_encoding(
        &mut self,
        mt: &openapiv3::MediaType,
        media_at: &str,
    ) -> Vec<(String, String)> {
        let mut out = Vec::new();
        for (name, enc) in &mt.encoding {
            let enc_at = child(&child(media_at, "encoding"), name);
            if let Some(ct) = &enc.content_type {
                let file = self.binary_property(mt, name);
                let plain = ["text/plain", "application/json"]
                    .iter()
                    .any(|p| ct.trim().eq_ignore_ascii_case(p));
                // A list or a wildcard names no one type to send; the default stays.
                if !file && !plain {
                    self.diags.weakened(
                        child(&enc_at, "contentType"),
                        format!("part `{name}` is not a file; its content type `{ct}` is not sent (text parts go without one, other values as JSON)"),
                    );
                } else if !file {
                    // What the part is sent as anyway.
                } else if !ct.contains(',') && !ct.contains('*') && is_media_type(ct) {
                    out.push((name.clone(), ct.trim().to_string()));
                } else {
                    self.diags.weakened(
                        child(&enc_at, "contentType"),
                        format!("part content type `{ct}` is not one type; the part is sent with its default content type"),
                    );
                }
            }
            if !enc.headers.is_empty() {
                self.diags.weakened(
                    child(&enc_at, "headers"),
                    format!("part headers of `{name}` are not sent"),
                );
            }
        }
        out
    }

    /// Whether property `name` of a multipart body's schema is a file: a binary string or a
    /// list of them (a bare binary body's one part is `file`).
    fn binary_property(&mut self, mt: &openapiv3::MediaType, name: &str) -> bool {
        let is_binary = |s: &openapiv3::Schema| {
            matches!(
                &s.schema_kind,
                openapiv3::SchemaKind::Type(openapiv3::Type::String(t))
                    if matches!(t.format, openapiv3::VariantOrUnknownOrEmpty::Item(openapiv3::StringFormat::Binary))
            )
        };
        let body = match &mt.schema {
            Some(ReferenceOr::Item(s)) => Some(s),
            Some(ReferenceOr::Reference { reference }) => self.peek_schema(reference),
            None => None,
        };
        let Some(body) = body else {
            return false;
        };
        let property = match &body.schema_kind {
            openapiv3::SchemaKind::Type(openapiv3::Type::Object(o)) => o.properties.get(name),
            openapiv3::SchemaKind::Any(a) => a.properties.get(name),
            openapiv3::SchemaKind::Type(openapiv3::Type::String(_)) => {
                return name == "file" && is_binary(body)
            }
            openapiv3::SchemaKind::Type(openapiv3::Type::Array(a)) => {
                return name == "file"
                    && matches!(&a.items, Some(ReferenceOr::Item(i)) if is_binary(i));
            }
            _ => None,
        };
        let property: Option<&openapiv3::Schema> = match property {
            Some(ReferenceOr::Item(p)) => Some(p),
            Some(ReferenceOr::Reference { reference }) => self.peek_schema(reference),
            None => None,
        };
        match property {
            Some(p) if is_binary(p) => true,
            Some(p) => match &p.schema_kind {
                openapiv3::SchemaKind::Type(openapiv3::Type::Array(a)) => {
                    matches!(&a.items, Some(ReferenceOr::Item(i)) if is_binary(i))
                }
                _ => false,
            },
            None => false,
        }
    }

    /// The component schema `reference` leads to, without reporting a broken reference
    /// (lowering the schema itself reports it, at its place).
    fn peek_schema(&mut self, reference: &str) -> Option<&'a openapiv3::Schema> {
        let schemas = &self.api.components.as_ref()?.schemas;
        self.follow_component(schemas, "schemas", reference)
            .ok()
            .map(|(_, s)| s)
    }

    /// The `encoding` of a form body: every property is written the one way the runtime
    /// writes forms (see `runtime::form_pairs`); another declared style is a warning.
    fn form_encoding(&mut self, mt: &openapiv3::MediaType, media_at: &str) {
        for (name, enc) in &mt.encoding {
            let enc_at = child(&child(media_at, "encoding"), name);
            let other_style = enc.style.as_ref().is_some_and(|s| {
                !matches!(
                    s,
                    openapiv3::QueryStyle::Form | openapiv3::QueryStyle::DeepObject
                )
            });
            if other_style {
                self.diags.weakened(
                    &enc_at,
                    format!("form field `{name}` is written as `form` (exploded), with nested objects as `deepObject`, not in the declared style"),
                );
            }
            let text = enc
                .content_type
                .as_deref()
                .is_none_or(|ct| ct.trim().eq_ignore_ascii_case("text/plain"));
            if !text {
                self.diags.weakened(
                    child(&enc_at, "contentType"),
                    format!("form field `{name}` is written as text (nested objects in brackets), not as its declared content type"),
                );
            }
        }
    }
}

/// Whether `ct` is one media type that can go in a part's header as it is: `type/subtype`
/// and parameters, visible ASCII only (no line breaks to start another header).
fn is_media_type(ct: &str) -> bool {
    let ct = ct.trim();
    ct.contains('/') && ct.len() <= 200 && ct.chars().all(|c| c == ' ' || c.is_ascii_graphic())
}

/// How a request body of one media type is sent, as lowering sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum RequestMedia {
    /// `application/json` and `+json` types: JSON, with the declared content type.
    Json,
    /// `*/*` or `application/*` with a schema that is not binary: JSON, sent as
    /// `application/json`.
    WildcardJson,
    /// `application/x-www-form-urlencoded`.
    Form,
    /// `multipart/form-data`.
    Multipart,
    /// `text/*` other than XML.
    Text,
    /// XML (`application/xml`, `text/xml`, `+xml`): text the caller writes.
    Xml,
    /// Anything else: bytes with the declared content type.
    Bytes,
}

impl RequestMedia {
    /// Which media type of several the body takes: lower is preferred.
    fn rank(self) -> u8 {
        match self {
            RequestMedia::Json => 0,
            RequestMedia::Form => 1,
            RequestMedia::Multipart => 2,
            RequestMedia::WildcardJson => 3,
            RequestMedia::Text => 4,
            RequestMedia::Xml => 5,
            RequestMedia::Bytes => 6,
        }
    }

    /// The name of its variant when the caller chooses among media types.
    fn variant(self) -> &'static str {
        match self {
            RequestMedia::Json | RequestMedia::WildcardJson => "Json",
            RequestMedia::Form => "Form",
            RequestMedia::Multipart => "Multipart",
            RequestMedia::Text => "Text",
            RequestMedia::Xml => "Xml",
            RequestMedia::Bytes => "Bytes",
        }
    }

    fn media(self) -> BodyMedia {
        match self {
            RequestMedia::Json | RequestMedia::WildcardJson => BodyMedia::Json,
            RequestMedia::Form => BodyMedia::Form,
            RequestMedia::Multipart => BodyMedia::Multipart,
            RequestMedia::Text | RequestMedia::Xml => BodyMedia::Text,
            RequestMedia::Bytes => BodyMedia::Bytes,
        }
    }
}

/// How a request body declared as `media` is sent; `None` for multipart types other than
/// `form-data` (no part names).
pub(super) fn request_media(media: &str, mt: &openapiv3::MediaType) -> Option<RequestMedia> {
    let m = media
        .split(';')
        .next()
        .unwrap_or(media)
        .trim()
        .to_ascii_lowercase();
    let binary = matches!(
        &mt.schema,
        Some(ReferenceOr::Item(s)) if matches!(
            &s.schema_kind,
            openapiv3::SchemaKind::Type(openapiv3::Type::String(t))
                if matches!(t.format, openapiv3::VariantOrUnknownOrEmpty::Item(openapiv3::StringFormat::Binary))
        )
    );
    Some(if m == "application/json" || m.ends_with("+json") {
        RequestMedia::Json
    } else if is_wildcard(&m) && !binary && mt.schema.is_some() {
        RequestMedia::WildcardJson
    } else if m == "application/x-www-form-urlencoded" {
        RequestMedia::Form
    } else if m == "multipart/form-data" {
        RequestMedia::Multipart
    } else if m.starts_with("multipart/") {
        return None;
    } else if m == "application/xml" || m == "text/xml" || m.ends_with("+xml") {
        RequestMedia::Xml
    } else if m.starts_with("text/") {
        RequestMedia::Text
    } else {
        RequestMedia::Bytes
    })
}

/// Whether a media type is `*/*` or `application/*` (parameters and case aside): a body
/// under it is JSON when its schema is structured, since only JSON carries that.
pub(super) fn is_wildcard(media: &str) -> bool {
    let essence = media.split(';').next().unwrap_or(media).trim();
    essence == "*/*" || essence.eq_ignore_ascii_case("application/*")
}

pub(super) fn classify_media(media: &str) -> Option<BodyMedia> {
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
