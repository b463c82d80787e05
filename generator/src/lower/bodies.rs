//! Lower: consumes an operation's `requestBody` and produces the IR body: its media, content
//! type and type.

use super::schemas::SchemaRef;
use super::Lowerer;
use crate::diagnostics::child;
use crate::ir::{Body, BodyMedia, Ty};
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

    pub(super) fn lower_body(
        &mut self,
        rb: &RequestBody,
        at: &str,
        builder: &str,
    ) -> Option<Option<Body>> {
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
                if !is_struct && ty != Ty::Body {
                    self.diags.warning(&schema_at, "a multipart body must be an object with properties or a binary string; the operation is skipped");
                    return None;
                }
                ty
            }
            BodyMedia::Text => Ty::String,
            BodyMedia::Bytes => Ty::Body,
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
