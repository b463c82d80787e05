//! Operations: one module per group with its handle type, a request builder per
//! operation, and multi-status response enums.

use super::models::check_call;
use super::{code, doc, doc_more, ident, ty, Place};
use crate::ir::{
    ArgKind, BodyMedia, Group, ObjectStyle, Operation, Outcome, Pagination, Param, ParamLocation,
    Part, PartKind, PathSegment, PathText, QueryEncoding, ResponseKind, StatusMatch, StatusPattern,
    Success, Ty,
};
use crate::naming::unraw;
use proc_macro2::{Ident, Literal, TokenStream};
use quote::{format_ident, quote};

/// The start of `apis/<group>.rs`: imports, the group's handle type and its methods.
pub(crate) fn emit_group_head(group: &Group) -> TokenStream {
    let handle = ident(&group.type_name);
    let fallback = format!("Operations tagged `{}`.", group.api_name);
    let handle_doc = doc(group.doc.as_deref(), &fallback);
    let methods = group.operations.iter().map(|op| emit_method(op, group));
    let models_import = if group_uses_models(group) {
        quote!(
            use crate::models;
        )
    } else {
        quote!()
    };
    quote! {
        #models_import
        use crate::runtime::{Error, Request};
        use crate::Client;

        #handle_doc
        #[derive(Debug, Clone, Copy)]
        pub struct #handle<'a> {
            client: &'a Client,
        }

        impl<'a> #handle<'a> {
            pub(crate) fn new(client: &'a Client) -> Self {
                Self { client }
            }
            #(#methods)*
        }
    }
}

fn names_model(t: &Ty) -> bool {
    match t {
        Ty::Named(n) => !n.starts_with("::"),
        Ty::Vec(i) | Ty::Map(i) | Ty::Option(i) | Ty::Boxed(i) => names_model(i),
        _ => false,
    }
}

/// Whether any signature in the group names a model type.
fn group_uses_models(group: &Group) -> bool {
    group.operations.iter().any(|op| {
        op.params.iter().any(|p| names_model(&p.ty))
            || op.body.as_ref().is_some_and(|b| names_model(&b.ty))
            || names_model(&op.error_ty)
            || match &op.success {
                Success::Single { kind, .. } => names_model(&kind.ty()),
                Success::Multi { variants, .. } => {
                    variants.iter().any(|v| names_model(&v.kind.ty()))
                }
            }
    })
}

fn positional(op: &Operation) -> impl Iterator<Item = &Param> {
    op.params.iter().filter(|p| p.required)
}

fn stored_ty(p: &Param) -> TokenStream {
    let t = ty(&p.ty, Place::Elsewhere);
    let inner = match p.arg {
        ArgKind::Validated => quote!(Result<#t, String>),
        ArgKind::Into => t,
    };
    if p.required {
        inner
    } else {
        quote!(Option<#inner>)
    }
}

fn arg_ty(p: &Param) -> TokenStream {
    let tt = ty(&p.ty, Place::Elsewhere);
    match p.arg {
        ArgKind::Validated => quote!(impl TryInto<#tt, Error: std::fmt::Display>),
        ArgKind::Into => quote!(impl Into<#tt>),
    }
}

fn arg_conv(p: &Param, value: TokenStream) -> TokenStream {
    match p.arg {
        ArgKind::Validated => quote!(#value.try_into().map_err(|e| e.to_string())),
        ArgKind::Into => quote!(#value.into()),
    }
}

fn param_doc(p: &Param) -> Vec<String> {
    let mut lines = Vec::new();
    let place = match p.location {
        ParamLocation::Path => "path",
        ParamLocation::Query => "query",
        ParamLocation::Header => "header",
        ParamLocation::Cookie => "cookie",
    };
    let mut line = format!("- {} ({place} {})", code(unraw(&p.name)), code(&p.api_name));
    if let Some(d) = &p.doc {
        let text = crate::docs::doc_line(d);
        line.push_str(": ");
        line.push_str(&text);
    }
    lines.push(line);
    lines
}

fn emit_method(op: &Operation, _group: &Group) -> TokenStream {
    let name = ident(&op.name);
    let builder = ident(&op.builder);
    let mut docs = doc(op.doc.as_deref(), &format!("Calls `{}`.", op.api_name));
    let mut extra = vec![format!(
        "`{} {}` ({})",
        op.method,
        op.path,
        code(&op.api_name)
    )];
    let required: Vec<&Param> = positional(op).collect();
    let body_required = op.body.as_ref().is_some_and(|b| b.required);
    if !required.is_empty() || body_required {
        extra.push(String::new());
        extra.push("Arguments:".to_string());
        for p in &required {
            extra.extend(param_doc(p));
        }
        if let Some(b) = op.body.as_ref().filter(|b| b.required) {
            extra.push(format!(
                "- `body` ({}){}",
                b.content_type,
                b.doc
                    .as_ref()
                    .map(|d| format!(": {}", crate::docs::doc_line(d)))
                    .unwrap_or_default()
            ));
        }
    }
    extra.push(String::new());
    extra.push(format!(
        "Optional parameters are set on the returned [`{}`]; `.send().await` performs the request.",
        op.builder
    ));
    docs.extend(doc_more(&extra));
    let deprecated = if op.deprecated {
        quote!(#[deprecated])
    } else {
        quote!()
    };
    let mut args = Vec::new();
    let mut inits = Vec::new();
    for p in &op.params {
        let id = ident(&p.name);
        if p.required {
            let at = arg_ty(p);
            args.push(quote!(#id: #at));
            let conv = arg_conv(p, quote!(#id));
            inits.push(quote!(#id: #conv));
        } else {
            inits.push(quote!(#id: None));
        }
    }
    if let Some(b) = &op.body {
        let bt = ty(&b.ty, Place::Elsewhere);
        if b.required {
            args.push(quote!(body: impl Into<#bt>));
            inits.push(quote!(body: body.into()));
        } else {
            inits.push(quote!(body: None));
        }
    }
    quote! {
        #docs
        #deprecated
        pub fn #name(&self, #(#args),*) -> #builder<'a> {
            #builder {
                client: self.client,
                #(#inits,)*
            }
        }
    }
}

fn success_ty(op: &Operation) -> TokenStream {
    match &op.success {
        Success::Single { kind, .. } => ty(&kind.ty(), Place::Elsewhere),
        Success::Multi { name, .. } => {
            let id = ident(name);
            quote!(#id)
        }
    }
}

fn decode(kind: &ResponseKind) -> TokenStream {
    match kind {
        ResponseKind::Json(_) => quote!(response.json()),
        ResponseKind::Text => quote!(response.text()),
        ResponseKind::TextLines => quote!(response.text_lines()),
        ResponseKind::TextParsed(_) => quote!(response.parse_text()),
        ResponseKind::Bytes => quote!(Ok(response.into_bytes())),
        ResponseKind::Empty => quote!(response.empty()),
        ResponseKind::Redirect => quote!(response.redirect_location()),
    }
}

fn status_pattern(s: StatusPattern) -> TokenStream {
    match s {
        StatusPattern::Code(n) => {
            let l = Literal::u16_unsuffixed(n);
            quote!(#l)
        }
        StatusPattern::Range { low, high } => {
            let (lo, hi) = (Literal::u16_unsuffixed(low), Literal::u16_unsuffixed(high));
            quote!(#lo..=#hi)
        }
    }
}

/// One operation's request builder (and its response enum, if any).
pub(crate) fn emit_builder(op: &Operation, group: &Group) -> TokenStream {
    let builder = ident(&op.builder);
    let method_name = &op.name;
    let bdoc = format!(
        " Request builder for [`{}::{}`].",
        group.type_name,
        unraw(method_name)
    );
    let mut fields = vec![quote!(client: &'a Client)];
    let mut setters = Vec::new();
    for p in &op.params {
        let id = ident(&p.name);
        let st = stored_ty(p);
        fields.push(quote!(#id: #st));
        if !p.required {
            let at = arg_ty(p);
            let conv = arg_conv(p, quote!(value));
            let fallback = format!(
                "Sets the {} parameter {}.",
                match p.location {
                    ParamLocation::Query => "query",
                    ParamLocation::Header => "header",
                    ParamLocation::Cookie => "cookie",
                    ParamLocation::Path => "path",
                },
                code(&p.api_name)
            );
            let mut d = doc(p.doc.as_deref(), &fallback);
            let mut more = vec![format!("Wire name: {}.", code(&p.api_name))];
            if let Some(def) = &p.default {
                more.push(format!(
                    "When not set, the server uses its default, `{def}`."
                ));
            }
            d.extend(doc_more(&more));
            let dep = if p.deprecated {
                quote!(#[deprecated])
            } else {
                quote!()
            };
            setters.push(quote! {
                #d
                #dep
                pub fn #id(mut self, value: #at) -> Self {
                    self.#id = Some(#conv);
                    self
                }
            });
        }
    }
    if let Some(b) = &op.body {
        let bt = ty(&b.ty, Place::Elsewhere);
        if b.required {
            fields.push(quote!(body: #bt));
        } else {
            fields.push(quote!(body: Option<#bt>));
            let d = doc(b.doc.as_deref(), "Sets the request body.");
            setters.push(quote! {
                #d
                pub fn body(mut self, value: impl Into<#bt>) -> Self {
                    self.body = Some(value.into());
                    self
                }
            });
        }
    }
    let send = emit_send(op);
    let stream = op.pagination.as_ref().map(|p| emit_stream(op, p));
    let multi = match &op.success {
        Success::Multi { name, variants } => {
            let id = ident(name);
            let items = variants.iter().map(|v| {
                let vid = ident(&v.name);
                let status = match v.status {
                    StatusMatch::Code(n) => n.to_string(),
                    StatusMatch::Range(n) => format!("{n}XX"),
                    StatusMatch::Default => "default".to_string(),
                };
                let d = format!(
                    " Status {status}{}",
                    v.doc
                        .as_ref()
                        .map(|d| format!(": {}", crate::docs::doc_line(d)))
                        .unwrap_or_default()
                );
                match v.kind.ty() {
                    Ty::Unit => quote!(#[doc = #d] #vid,),
                    t => {
                        let t = ty(&t, Place::Elsewhere);
                        quote!(#[doc = #d] #vid(#t),)
                    }
                }
            });
            let edoc = format!(
                " Successful responses of [`{}::{}`].",
                group.type_name,
                unraw(method_name)
            );
            Some(quote! {
                #[doc = #edoc]
                #[derive(Debug, Clone, PartialEq)]
                pub enum #id {
                    #(#items)*
                }
            })
        }
        Success::Single { .. } => None,
    };
    let headers_struct = op.response_headers.as_ref().map(|h| {
        let id = ident(&h.name);
        let fields = h.fields.iter().map(|f| {
            let fid = ident(&f.name);
            let t = ty(&f.ty, Place::Elsewhere);
            let d = doc(f.doc.as_deref(), &format!("The `{}` header.", f.api_name));
            let wire = format!(" Header: {}.", code(&f.api_name));
            quote!(#d #[doc = ""] #[doc = #wire] pub #fid: Option<#t>,)
        });
        let sdoc = format!(
            " Response headers of [`{}::{}`] that the document declares; `None` when absent.",
            group.type_name,
            unraw(method_name)
        );
        quote! {
            #[doc = #sdoc]
            #[derive(Debug, Clone, PartialEq, Default)]
            pub struct #id {
                #(#fields)*
            }
        }
    });
    quote! {
        #[doc = #bdoc]
        #[derive(Debug, Clone)]
        #[must_use = "a request does nothing until it is sent with `.send().await`"]
        pub struct #builder<'a> {
            #(#fields,)*
        }

        impl<'a> #builder<'a> {
            #(#setters)*
            #send
            #stream
        }

        #multi
        #headers_struct
    }
}

fn emit_send(op: &Operation) -> TokenStream {
    let ok = success_ty(op);
    let err = ty(&op.error_ty, Place::Elsewhere);
    let mut prelude = Vec::new();
    let mut wire = Vec::new();
    let mut cookies = Vec::new();
    // Take every parameter out of the builder, validating as we go, so nothing is sent
    // when any argument is bad.
    for p in &op.params {
        let id = ident(&p.name);
        let api = &p.api_name;
        match (p.arg, p.required) {
            (ArgKind::Validated, true) => prelude.push(quote!(let #id = self.#id.map_err(|reason| Error::InvalidArgument { name: #api, reason })?;)),
            (ArgKind::Validated, false) => prelude.push(quote!(let #id = self.#id.transpose().map_err(|reason| Error::InvalidArgument { name: #api, reason })?;)),
            (ArgKind::Into, _) => prelude.push(quote!(let #id = self.#id;)),
        }
        if !p.constraints.is_empty() {
            let value_ref = if p.ty == Ty::String || matches!(p.ty, Ty::Vec(_)) {
                quote!(value)
            } else {
                quote!(*value)
            };
            let check = check_call(&p.ty, &p.constraints, value_ref);
            if p.required {
                prelude.push(quote! {
                    {
                        let value = &#id;
                        #check.map_err(|reason| Error::InvalidArgument { name: #api, reason })?;
                    }
                });
            } else {
                prelude.push(quote! {
                    if let Some(value) = &#id {
                        #check.map_err(|reason| Error::InvalidArgument { name: #api, reason })?;
                    }
                });
            }
        }
        let is_array = matches!(p.ty, Ty::Vec(_));
        match p.location {
            ParamLocation::Path => {}
            ParamLocation::Query => {
                if let Some(q) = p.query {
                    wire.push(query_value(q, &id, api, p.required));
                }
            }
            ParamLocation::Header => wire.push(match (is_array, p.required) {
                (true, true) => quote!(request.header(#api, crate::runtime::join_comma(&#id));),
                (true, false) => quote!(if let Some(values) = &#id { request.header(#api, crate::runtime::join_comma(values)); }),
                (false, true) => quote!(request.header(#api, #id);),
                (false, false) => quote!(if let Some(value) = &#id { request.header(#api, value); }),
            }),
            ParamLocation::Cookie => cookies.push(match (is_array, p.required) {
                (true, true) => quote!(cookies.push(format!("{}={}", #api, crate::runtime::join_comma(&#id)));),
                (true, false) => quote!(if let Some(values) = &#id { cookies.push(format!("{}={}", #api, crate::runtime::join_comma(values))); }),
                (false, true) => quote!(cookies.push(format!("{}={}", #api, #id));),
                (false, false) => quote!(if let Some(value) = &#id { cookies.push(format!("{}={}", #api, value)); }),
            }),
        }
    }
    if !cookies.is_empty() {
        wire.push(quote! {
            let mut cookies: Vec<String> = Vec::new();
            #(#cookies)*
            if !cookies.is_empty() {
                request.header("Cookie", cookies.join("; "));
            }
        });
    }
    // The path: literal pieces with encoded parameters between them, bound to locals first
    // so the format string names them.
    let mut fmt = String::new();
    let mut segments = Vec::new();
    for segment in &op.path_segments {
        match segment {
            PathSegment::Literal(text) => {
                fmt.push_str(&text.replace('{', "{{").replace('}', "}}"));
            }
            PathSegment::Param { param, local, text } => {
                fmt.push('{');
                fmt.push_str(unraw(local));
                fmt.push('}');
                let id = ident(param);
                let local = ident(local);
                let text = path_text(*text, quote!(#id));
                segments.push(quote!(let #local = crate::runtime::encode_path_segment(#text);));
            }
        }
    }
    let path_expr = if segments.is_empty() {
        quote!(#fmt.to_string())
    } else {
        quote!(format!(#fmt))
    };
    prelude.extend(segments);
    let method = format_ident!("{}", op.method);
    let body = op.body.as_ref().map(|b| {
        let set = |v: TokenStream| match b.media {
            BodyMedia::Json => quote!(request.json_body(&#v).map_err(Error::into_typed)?;),
            BodyMedia::Text => quote!(request.text_body(#v);),
            BodyMedia::Form => quote!(request.form_body(crate::runtime::form_pairs(&#v).map_err(Error::into_typed)?);),
            BodyMedia::Bytes => {
                let ct = &b.content_type;
                quote!(request.bytes_body(#v, #ct);)
            }
            BodyMedia::Multipart => multipart_parts(&b.parts, v),
        };
        if b.required {
            set(quote!(self.body))
        } else {
            let s = set(quote!(body));
            quote!(if let Some(body) = self.body { #s })
        }
    });
    let security = if op.security.is_empty() {
        quote!()
    } else {
        let alts = op.security.iter().map(|alt| quote!(&[#(#alt),*]));
        quote!(request.security(&[#(#alts),*]);)
    };
    let accept = if op.accept.is_empty() {
        quote!()
    } else {
        let a = op.accept.join(", ");
        quote!(request.accept(#a);)
    };
    // Response arms, as lowering ordered them.
    let outcome = |o: &Outcome| match o {
        Outcome::Success(kind) => decode(kind),
        Outcome::Variant { of, name, kind } => {
            let (e, vid, d) = (ident(of), ident(name), decode(kind));
            if kind.ty() == Ty::Unit {
                quote!(#d.map(|()| #e::#vid))
            } else {
                quote!(#d.map(#e::#vid))
            }
        }
        Outcome::ApiError => quote!(Err(response.api_error())),
        Outcome::ApiErrorEmpty => quote!(Err(response.api_error_empty())),
        Outcome::Unexpected => quote!(Err(response.unexpected())),
    };
    let arms = op.responses.arms.iter().map(|arm| {
        let pats = arm.statuses.iter().map(|s| status_pattern(*s));
        let o = outcome(&arm.outcome);
        quote!(#(#pats)|* => #o,)
    });
    let otherwise = outcome(&op.responses.otherwise);
    let fallback = quote!(_ => #otherwise,);
    let mut send_doc = vec![" Sends the request and decodes the response.".to_string()];
    let statuses: Vec<String> = op
        .errors
        .iter()
        .map(|e| match e.status {
            StatusMatch::Code(n) => n.to_string(),
            StatusMatch::Range(n) => format!("{n}XX"),
            StatusMatch::Default => "any other status".to_string(),
        })
        .collect();
    if !statuses.is_empty() {
        send_doc.push(String::new());
        send_doc.push(format!(
            " Documented error statuses ({}) come back as [`Error::Api`].",
            statuses.join(", ")
        ));
    }
    let mut_kw = if wire.is_empty() && body.is_none() && security.is_empty() && accept.is_empty() {
        quote!()
    } else {
        quote!(mut)
    };
    let request_and_response = quote! {
        #(#prelude)*
        let #mut_kw request = Request::new(reqwest::Method::#method, #path_expr);
        #(#wire)*
        #body
        #security
        #accept
        let response = self.client.execute(request).await.map_err(Error::into_typed)?;
    };
    let decode = quote! {
        match response.status().as_u16() {
            #(#arms)*
            #fallback
        }
    };
    let Some(headers) = &op.response_headers else {
        let send_doc = send_doc.iter().map(|l| quote!(#[doc = #l]));
        return quote! {
            #(#send_doc)*
            pub async fn send(self) -> Result<#ok, Error<#err>> {
                #request_and_response
                #decode
            }
        };
    };
    // With declared response headers: `send_with_headers` does the work; `send` keeps the
    // common case short.
    let hname = ident(&headers.name);
    let reads = headers.fields.iter().map(|h| {
        let l = ident(&h.local);
        let api = &h.api_name;
        quote!(let #l = response.header_value(#api);)
    });
    let fields = headers.fields.iter().map(|h| {
        let id = ident(&h.name);
        let l = ident(&h.local);
        quote!(#id: #l?,)
    });
    send_doc.push(String::new());
    send_doc.push(format!(
        " [`Self::send_with_headers`] also returns the declared response headers ([`{}`]).",
        headers.name
    ));
    let send_doc = send_doc.iter().map(|l| quote!(#[doc = #l]));
    let with_doc = format!(" Like [`Self::send`], and also returns the response headers the document declares ([`{}`]).", headers.name);
    quote! {
        #(#send_doc)*
        pub async fn send(self) -> Result<#ok, Error<#err>> {
            self.send_with_headers().await.map(|(value, _)| value)
        }

        #[doc = #with_doc]
        pub async fn send_with_headers(self) -> Result<(#ok, #hname), Error<#err>> {
            #request_and_response
            // Read before the body consumes the response, report after the status: a bad
            // header on an error response should not hide the error.
            #(#reads)*
            let value = #decode?;
            Ok((value, #hname { #(#fields)* }))
        }
    }
}

/// Writes a query parameter the way lowering chose.
fn query_value(q: QueryEncoding, id: &Ident, api: &str, required: bool) -> TokenStream {
    match q {
        QueryEncoding::Object(style) => {
            let style = match style {
                ObjectStyle::DeepObject => quote!(DeepObject),
                ObjectStyle::FormExploded => quote!(FormExploded),
                ObjectStyle::Form => quote!(Form),
            };
            if required {
                quote!(request.query_object(#api, &#id, crate::runtime::ObjectStyle::#style).map_err(Error::into_typed)?;)
            } else {
                quote!(if let Some(value) = &#id { request.query_object(#api, value, crate::runtime::ObjectStyle::#style).map_err(Error::into_typed)?; })
            }
        }
        QueryEncoding::JsonText | QueryEncoding::JsonTextList { .. } => {
            let text = match q {
                QueryEncoding::JsonTextList { explode } => {
                    quote!(let texts: Vec<String> = values.iter().map(crate::runtime::json_text).collect(); request.query_array(#api, &texts, #explode);)
                }
                _ => quote!(request.query(#api, crate::runtime::json_text(values));),
            };
            if required {
                quote!({ let values = &#id; #text })
            } else {
                quote!(if let Some(values) = &#id { #text })
            }
        }
        QueryEncoding::List { explode } => {
            if required {
                quote!(request.query_array(#api, &#id, #explode);)
            } else {
                quote!(if let Some(values) = &#id { request.query_array(#api, values, #explode); })
            }
        }
        QueryEncoding::Value => {
            if required {
                quote!(request.query(#api, #id);)
            } else {
                quote!(request.query_opt(#api, #id.as_ref());)
            }
        }
    }
}

/// Builds a multipart body from the parts lowering chose.
fn multipart_parts(parts: &[Part], value: TokenStream) -> TokenStream {
    let adds = parts.iter().map(|part| {
        let api = &part.api_name;
        let add = |v: TokenStream| match &part.kind {
            PartKind::File(ct) => quote!(form.file(#api, #v, #ct);),
            PartKind::Files(ct) => quote!(for item in #v { form.file(#api, item, #ct); }),
            PartKind::Texts => quote!(for item in #v { form.text(#api, item); }),
            PartKind::Text => quote!(form.text(#api, #v);),
            PartKind::Json => quote!(form.json(#api, #v).map_err(Error::into_typed)?;),
        };
        match &part.field {
            // The whole body is the part.
            None => add(quote!(&#value)),
            Some(field) => {
                let id = ident(field);
                if part.optional {
                    let a = add(quote!(value));
                    quote!(if let Some(value) = &body.#id { #a })
                } else {
                    add(quote!(&body.#id))
                }
            }
        }
    });
    let bind = if parts.iter().any(|p| p.field.is_some()) || parts.is_empty() {
        quote!(let body = &#value;)
    } else {
        quote!()
    };
    quote! {
        #bind
        let mut form = crate::runtime::Multipart::new();
        #(#adds)*
        request.multipart_body(form);
    }
}

/// A `&str` view of a path parameter, as lowering decided.
fn path_text(how: PathText, value: TokenStream) -> TokenStream {
    match how {
        PathText::Borrow => quote!(&#value),
        PathText::AsStr => quote!(#value.as_str()),
        PathText::Display => quote!(&#value.to_string()),
    }
}

fn emit_stream(op: &Operation, p: &Pagination) -> TokenStream {
    let err = ty(&op.error_ty, Place::Elsewhere);
    match p {
        Pagination::Offset {
            limit,
            limit_ty,
            offset,
            item,
            offset_ty,
        } => {
            let limit_f64 = match limit_ty {
                Ty::Float { bits: 64 } => quote!(limit),
                Ty::Int { bits: 64 } => quote!(limit as f64),
                _ => quote!(f64::from(limit)),
            };
            let item = ty(item, Place::Elsewhere);
            let limit = ident(limit);
            let offset = ident(offset);
            let ot = ty(offset_ty, Place::Elsewhere);
            // An integer offset saturates rather than wraps, so the runtime sees it stall.
            let advanced = match offset_ty {
                Ty::Float { .. } => quote!(start + count as #ot),
                _ => quote!(start.saturating_add(count as #ot)),
            };
            quote! {
                /// Walks every page lazily, starting at the offset set on this builder (or 0),
                /// and yields the items one by one. A page shorter than the page size, or an
                /// empty page, ends the walk; the first error ends it too, and so does an
                /// offset that cannot advance ([`crate::runtime::Error::Paging`]).
                pub fn stream(self) -> crate::runtime::ItemStream<'a, #item, #err> {
                    crate::runtime::paginate(self, |builder| async move {
                        let start: #ot = builder.#offset.unwrap_or_default();
                        let limit = builder.#limit;
                        let page = builder.clone().send().await?;
                        let count = page.len();
                        let full = match limit {
                            Some(limit) => count as f64 >= #limit_f64,
                            None => true,
                        };
                        let next = if count > 0 && full {
                            crate::runtime::Next::offset(start, #advanced, |o| Self { #offset: Some(o), ..builder })
                        } else {
                            crate::runtime::Next::end()
                        };
                        Ok((page, next))
                    })
                }
            }
        }
        Pagination::Cursor {
            cursor_param,
            cursor_field,
            has_more_field,
            items_field,
            cursor_optional,
            has_more_optional,
            items_optional,
            item,
        } => {
            let item = ty(item, Place::Elsewhere);
            let cp = ident(cursor_param);
            let cf = ident(cursor_field);
            let hf = ident(has_more_field);
            let itf = ident(items_field);
            let items = if *items_optional {
                quote!(page.#itf.unwrap_or_default())
            } else {
                quote!(page.#itf)
            };
            let has_more = if *has_more_optional {
                quote!(page.#hf.unwrap_or(false))
            } else {
                quote!(page.#hf)
            };
            let cursor = if *cursor_optional {
                quote!(page.#cf)
            } else {
                quote!(Some(page.#cf))
            };
            quote! {
                /// Walks every page lazily, following the cursor the server returns while it
                /// says there is more, and yields the items one by one. The first error ends
                /// the walk, and so does a cursor the server returned before or a missing one
                /// while it says there is more ([`crate::runtime::Error::Paging`]).
                pub fn stream(self) -> crate::runtime::ItemStream<'a, #item, #err> {
                    crate::runtime::paginate(self, |builder| async move {
                        let page = builder.clone().send().await?;
                        let has_more = #has_more;
                        let cursor = #cursor;
                        let items = #items;
                        let next = crate::runtime::Next::cursor(has_more, cursor, |c| Self { #cp: Some(c), ..builder });
                        Ok((items, next))
                    })
                }
            }
        }
    }
}
