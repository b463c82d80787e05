//! Emit: consumes an operation of the IR and renders its request builder's `send` (and
//! `send_with_headers`): checks, path, query, headers, cookies, body, and the response match.

use super::constraints::check_call;
use super::download::emit_send_stream;
use super::events::{emit_event_stream_send, event_stream_ty};
use super::{ident, ty, Place};
use crate::ir::{
    ArgKind, BodyMedia, ObjectStyle, Operation, Outcome, ParamLocation, ParamStyle, Part, PartKind,
    Pass, PathSegment, PathText, QueryEncoding, ResponseKind, StatusMatch, StatusPattern, Styled,
    Success, TextRead, Ty,
};
use crate::naming::unraw;
use proc_macro2::{Ident, Literal, TokenStream};
use quote::{format_ident, quote};

/// An operation's send methods (inherent on its builder) and its `runtime::Operation` impl.
pub(super) fn emit_send(op: &Operation) -> (TokenStream, TokenStream) {
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
        if let Some(pass) = p.check_pass {
            let value_ref = match pass {
                Pass::Borrow => quote!(value),
                Pass::Copy => quote!(*value),
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
        if p.serde_text {
            // A type from outside the crate is sent as its serde form: the value becomes
            // that text once, and goes on as a string (or a list of them).
            let text = quote!(runtime::serde_text);
            let fail = quote!(.map_err(|reason| Error::InvalidArgument { name: #api, reason })?);
            prelude.push(match (is_array, p.required) {
                (false, true) => quote!(let #id = #text(&#id)#fail;),
                (false, false) => quote!(let #id = #id.as_ref().map(#text).transpose()#fail;),
                (true, true) => quote!(let #id = #id.iter().map(#text).collect::<Result<Vec<String>, String>>()#fail;),
                (true, false) => quote!(let #id = #id.map(|values| values.iter().map(#text).collect::<Result<Vec<String>, String>>()).transpose()#fail;),
            });
        }
        match (p.location, p.styled) {
            (ParamLocation::Path, _) => {}
            (ParamLocation::Cookie, Some(styled)) => {
                cookies.push(styled_value(styled, p.location, &id, api, p.required));
            }
            (_, Some(styled)) => wire.push(styled_value(styled, p.location, &id, api, p.required)),
            (ParamLocation::Query, None) => {
                if let Some(q) = p.query {
                    wire.push(query_value(q, &id, api, p.required));
                }
            }
            (ParamLocation::Header, None) => wire.push(match (is_array, p.required) {
                (true, true) => quote!(request.header(#api, runtime::join_comma(&#id));),
                (true, false) => quote!(if let Some(values) = &#id { request.header(#api, runtime::join_comma(values)); }),
                (false, true) => quote!(request.header(#api, #id);),
                (false, false) => quote!(if let Some(value) = &#id { request.header(#api, value); }),
            }),
            // Lowering leaves only values with a text form here; the rest are styled.
            (ParamLocation::Cookie, None) => cookies.push(if p.required {
                quote!(runtime::push_cookie(&mut cookies, #api, #id);)
            } else {
                quote!(if let Some(value) = &#id { runtime::push_cookie(&mut cookies, #api, value); })
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
                if let PathText::Styled(styled) = text {
                    let api = op
                        .params
                        .iter()
                        .find(|p| p.name == *param)
                        .map_or(param.as_str(), |p| p.api_name.as_str());
                    let style = param_style(*styled);
                    segments.push(quote!(let #local = runtime::path_styled(#api, &#id, #style).map_err(Error::into_typed)?;));
                } else {
                    let text = path_text(*text, quote!(#id));
                    segments.push(quote!(let #local = runtime::encode_path_segment(#text);));
                }
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
        let set = |v: TokenStream| match &b.choices {
            None => set_body(b.media, &b.content_type, &b.parts, v),
            // The caller chose the media type: one arm per variant.
            Some(choices) => {
                let enum_id = ident(&choices.name);
                let arms = choices.variants.iter().map(|c| {
                    let vid = ident(&c.name);
                    let set = set_body(c.media, &c.content_type, &c.parts, quote!(value));
                    quote!(#enum_id::#vid(value) => { #set })
                });
                quote!(match #v { #(#arms)* })
            }
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
        other => decoded_outcome(other),
    };
    let patterns: Vec<(TokenStream, &Outcome)> = op
        .responses
        .arms
        .iter()
        .map(|arm| {
            let pats = arm.statuses.iter().map(|s| status_pattern(*s));
            (quote!(#(#pats)|*), &arm.outcome)
        })
        .collect();
    let arms = patterns.iter().map(|(pats, o)| {
        let o = outcome(o);
        quote!(#pats => #o,)
    });
    let otherwise = outcome(&op.responses.otherwise);
    let fallback = quote!(_ => #otherwise,);
    let mut send_doc = vec![" Sends the request and decodes the response.".to_string()];
    send_doc.extend(error_statuses_doc(op));
    let (op_id, template) = (&op.api_name, &op.path);
    let builder = ident(&op.builder);
    let into_request = quote! {
        #(#prelude)*
        let mut request = Request::new(reqwest::Method::#method, #path_expr);
        request.operation(#op_id, #template);
        request.options(self.options);
        #(#wire)*
        #body
        #security
        #accept
    };
    let send_stream = emit_send_stream(op, &patterns, &op.responses.otherwise);
    if let Success::Single {
        kind: ResponseKind::EventStream(data),
        ..
    } = &op.success
    {
        // An event stream is opened from the unread response: no `runtime::Operation`.
        return (
            emit_event_stream_send(op, data, into_request, options_setter()),
            quote!(),
        );
    }
    let decode = quote! {
        match response.status().as_u16() {
            #(#arms)*
            #fallback
        }
    };
    // The operation's logic, once: the request from the arguments, the output from a
    // response. Every way to send it is a short call into the runtime.
    let operation = quote! {
        impl runtime::Operation for #builder {
            type Output = #ok;
            type Error = #err;

            fn into_request(self) -> Result<(Client, Request), Error<#err>> {
                #into_request
                Ok((self.client, request))
            }

            fn decode(response: runtime::Response) -> Result<#ok, Error<#err>> {
                #decode
            }
        }
    };
    let full_doc = " Like [`Self::send`], and also returns the response's status and headers ([`runtime::Full`]); when the body does not decode, [`Error::Decode`] holds its raw bytes.";
    let unread_doc = " Sends the request and returns the response as soon as its status and headers arrive, whatever the status, with the body unread (for streaming it, say); the client's body size limit does not apply.";
    let options = options_setter();
    let common = quote! {
        #[doc = #full_doc]
        pub fn send_full(self) -> runtime::Sending<Self, runtime::Detailed> {
            runtime::send_full(self)
        }

        #[doc = #unread_doc]
        pub fn send_unread(self) -> runtime::Sending<Self, runtime::Unread> {
            runtime::send_unread(self)
        }

        #options

        #send_stream
    };
    let Some(headers) = &op.response_headers else {
        let send_doc = send_doc.iter().map(|l| quote!(#[doc = #l]));
        let methods = quote! {
            #(#send_doc)*
            pub fn send(self) -> runtime::Sending<Self> {
                runtime::send(self)
            }

            #common
        };
        return (methods, operation);
    };
    // With declared response headers: `send_with_headers` reads them too.
    let hname = ident(&headers.name);
    let reads = headers.fields.iter().map(|h| {
        let l = ident(&h.local);
        let api = &h.api_name;
        match &h.read {
            TextRead::Parse => quote!(let #l = response.header_value(#api);),
            TextRead::Serde { format } => {
                let format = optional_str(format.as_deref());
                quote!(let #l = response.header_serde(#api, #format);)
            }
        }
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
    // A success without a body is `()`: binding it would be a lint warning in the crate.
    let unit = matches!(&op.success, Success::Single { kind, .. } if kind.ty() == Ty::Unit);
    let take = quote!(<Self as runtime::Operation>::decode(response)?);
    let (take_value, value) = if unit {
        (quote!(#take;), quote!(()))
    } else {
        (quote!(let value = #take;), quote!(value))
    };
    let with_doc = format!(" Like [`Self::send`], and also returns the response headers the document declares ([`{}`]).", headers.name);
    let methods = quote! {
        #(#send_doc)*
        pub fn send(self) -> runtime::Sending<Self> {
            runtime::send(self)
        }

        #[doc = #with_doc]
        pub async fn send_with_headers(self) -> Result<(#ok, #hname), Error<#err>> {
            let (client, request) = runtime::Operation::into_request(self)?;
            let response = client.execute(request).await.map_err(Error::into_typed)?;
            // Read before the body consumes the response, report after the status: a bad
            // header on an error response should not hide the error.
            #(#reads)*
            #take_value
            Ok((#value, #hname { #(#fields)* }))
        }

        #common
    };
    (methods, operation)
}

/// The doc lines naming an operation's documented error statuses (none when it has none).
pub(super) fn error_statuses_doc(op: &Operation) -> Vec<String> {
    let statuses: Vec<String> = op
        .errors
        .iter()
        .map(|e| match e.status {
            StatusMatch::Code(n) => n.to_string(),
            StatusMatch::Range(n) => format!("{n}XX"),
            StatusMatch::Default => "any other status".to_string(),
        })
        .collect();
    if statuses.is_empty() {
        return Vec::new();
    }
    vec![
        String::new(),
        format!(
            " Documented error statuses ({}) come back as [`Error::Api`].",
            statuses.join(", ")
        ),
    ]
}

/// The value of a response arm that is not a plain success, from `response`: a variant of
/// a multi-status success, or an error.
pub(super) fn decoded_outcome(o: &Outcome) -> TokenStream {
    match o {
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
    }
}

/// The builder's `options` method.
fn options_setter() -> TokenStream {
    quote! {
        /// Sets options for this call only (timeout, headers, retry policy, idempotency
        /// key); they beat the client's defaults.
        pub fn options(mut self, options: runtime::RequestOptions) -> Self {
            self.options = options;
            self
        }
    }
}

/// `impl IntoFuture` for an operation's builder: `.await` on it is `.send().await`.
pub(super) fn emit_into_future(op: &Operation) -> TokenStream {
    let builder = ident(&op.builder);
    let ok = success_ty(op);
    let err = ty(&op.error_ty, Place::Elsewhere);
    // An event stream's `send` is an `async fn` of its own, boxed here to have a name; every
    // other `send` returns the named future already.
    let (future, body) = match &op.success {
        Success::Single {
            kind: ResponseKind::EventStream(_),
            ..
        } => (
            quote!(runtime::SendFuture<#ok, #err>),
            quote!(Box::pin(self.send())),
        ),
        _ => (quote!(runtime::Sending<Self>), quote!(self.send())),
    };
    quote! {
        impl std::future::IntoFuture for #builder {
            type Output = Result<#ok, Error<#err>>;
            type IntoFuture = #future;

            /// The future of [`Self::send`].
            fn into_future(self) -> Self::IntoFuture {
                #body
            }
        }
    }
}

pub(super) fn success_ty(op: &Operation) -> TokenStream {
    match &op.success {
        Success::Single {
            kind: ResponseKind::EventStream(data),
            ..
        } => event_stream_ty(data, &op.error_ty),
        Success::Single { kind, .. } => ty(&kind.ty(), Place::Elsewhere),
        Success::Multi { name, .. } => {
            let id = ident(name);
            quote!(#id)
        }
    }
}

pub(super) fn decode(kind: &ResponseKind) -> TokenStream {
    match kind {
        ResponseKind::Json(_) => quote!(response.json()),
        ResponseKind::Text => quote!(response.text()),
        ResponseKind::TextLines => quote!(response.text_lines()),
        ResponseKind::TextParsed(_) => quote!(response.parse_text()),
        ResponseKind::TextSerde { format, .. } => {
            let format = optional_str(format.as_deref());
            quote!(response.serde_text(#format))
        }
        ResponseKind::Bytes => quote!(Ok(response.into_bytes())),
        ResponseKind::Empty => quote!(response.empty()),
        ResponseKind::Redirect => quote!(response.redirect_location()),
        // Event streams are opened by `emit_event_stream_send`, never read whole: lowering
        // keeps them out of success enums.
        ResponseKind::EventStream(_) => quote!(Err(response.unexpected())),
    }
}

/// `Some("text")` or `None` as tokens.
fn optional_str(text: Option<&str>) -> TokenStream {
    match text {
        Some(text) => quote!(Some(#text)),
        None => quote!(None),
    }
}

pub(super) fn status_pattern(s: StatusPattern) -> TokenStream {
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

/// Writes a query parameter the way lowering chose.
pub(super) fn query_value(q: QueryEncoding, id: &Ident, api: &str, required: bool) -> TokenStream {
    match q {
        QueryEncoding::Object(style) => {
            let style = match style {
                ObjectStyle::DeepObject => quote!(DeepObject),
                ObjectStyle::FormExploded => quote!(FormExploded),
                ObjectStyle::Form => quote!(Form),
            };
            if required {
                quote!(request.query_object(#api, &#id, runtime::ObjectStyle::#style).map_err(Error::into_typed)?;)
            } else {
                quote!(if let Some(value) = &#id { request.query_object(#api, value, runtime::ObjectStyle::#style).map_err(Error::into_typed)?; })
            }
        }
        QueryEncoding::JsonText | QueryEncoding::JsonTextList { .. } => {
            let text = match q {
                QueryEncoding::JsonTextList { explode } => {
                    quote!(let texts: Vec<String> = values.iter().map(runtime::json_text).collect(); request.query_array(#api, &texts, #explode);)
                }
                _ => quote!(request.query(#api, runtime::json_text(values));),
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

/// Sets the request body `v`, encoded as `media` says.
fn set_body(media: BodyMedia, content_type: &str, parts: &[Part], v: TokenStream) -> TokenStream {
    match media {
        BodyMedia::Json if content_type == "application/json" => {
            quote!(request.json_body(&#v).map_err(Error::into_typed)?;)
        }
        // A vendor JSON type (`application/vnd.x+json`) is sent with its own name.
        BodyMedia::Json => {
            quote!(request.bytes_body(serde_json::to_vec(&#v).map_err(Error::Serialize)?, #content_type);)
        }
        BodyMedia::Text if is_plain_utf8(content_type) => {
            quote!(request.text_body(#v);)
        }
        // Other text (`text/csv`, XML, `text/plain` with other parameters) is sent with its
        // declared type.
        BodyMedia::Text | BodyMedia::Bytes => quote!(request.bytes_body(#v, #content_type);),
        BodyMedia::Form => {
            quote!(request.form_body(runtime::form_pairs(&#v).map_err(Error::into_typed)?);)
        }
        BodyMedia::Multipart => multipart_parts(parts, v),
    }
}

/// Writes a query, header or cookie parameter with the runtime's styled encoder.
pub(super) fn styled_value(
    styled: Styled,
    location: ParamLocation,
    id: &Ident,
    api: &str,
    required: bool,
) -> TokenStream {
    let style = param_style(styled);
    let write = |v: TokenStream| match location {
        ParamLocation::Header => {
            quote!(request.header_styled(#api, #v, #style).map_err(Error::into_typed)?;)
        }
        ParamLocation::Cookie => quote! {
            if let Some(cookie) = runtime::cookie_styled(#api, #v, #style).map_err(Error::into_typed)? {
                cookies.push(cookie);
            }
        },
        _ => quote!(request.query_styled(#api, #v, #style).map_err(Error::into_typed)?;),
    };
    if required {
        write(quote!(&#id))
    } else {
        let w = write(quote!(value));
        quote!(if let Some(value) = &#id { #w })
    }
}

/// `runtime::ParamStyle::new(runtime::Style::..., explode)` with its flags.
fn param_style(styled: Styled) -> TokenStream {
    let style = match styled.style {
        ParamStyle::Simple => quote!(Simple),
        ParamStyle::Label => quote!(Label),
        ParamStyle::Matrix => quote!(Matrix),
        ParamStyle::Form => quote!(Form),
        ParamStyle::SpaceDelimited => quote!(SpaceDelimited),
        ParamStyle::PipeDelimited => quote!(PipeDelimited),
        ParamStyle::DeepObject => quote!(DeepObject),
    };
    let explode = styled.explode;
    let reserved = styled.allow_reserved.then(|| quote!(.allow_reserved()));
    let empty = styled.allow_empty.then(|| quote!(.allow_empty()));
    let json = styled.json.then(|| quote!(.json()));
    quote!(runtime::ParamStyle::new(runtime::Style::#style, #explode)#reserved #empty #json)
}

/// Whether a text body's declared type is what `text_body` sends anyway: `text/plain`,
/// alone or with `charset=utf-8`.
fn is_plain_utf8(content_type: &str) -> bool {
    let ct: String = content_type
        .to_ascii_lowercase()
        .chars()
        .filter(|c| !c.is_ascii_whitespace())
        .collect();
    ct == "text/plain" || ct == "text/plain;charset=utf-8" || ct == "text/plain;charset=\"utf-8\""
}

/// Builds a multipart body from the parts lowering chose.
pub(super) fn multipart_parts(parts: &[Part], value: TokenStream) -> TokenStream {
    let adds = parts.iter().map(|part| {
        let api = &part.api_name;
        let add = |v: TokenStream| match &part.kind {
            PartKind::File(ct) => quote!(form.file(#api, #v, #ct);),
            PartKind::Files(ct) => quote!(for item in #v { form.file(#api, item, #ct); }),
            PartKind::Texts => quote!(for item in #v { form.text(#api, item); }),
            PartKind::Text => quote!(form.text(#api, #v);),
            PartKind::SerdeText => quote!(form.text(#api, runtime::serde_text(#v).map_err(Error::Serialize)?);),
            PartKind::SerdeTexts => quote!(for item in #v { form.text(#api, runtime::serde_text(item).map_err(Error::Serialize)?); }),
            PartKind::Json => quote!(form.json(#api, #v).map_err(Error::into_typed)?;),
            PartKind::TextEntries => quote!(for (name, item) in #v { form.text(name, item); }),
            PartKind::JsonEntries => {
                quote!(for (name, item) in #v { form.json(name, item).map_err(Error::into_typed)?; })
            }
        };
        match &part.field {
            // The whole body is the part (`body` is bound to a reference to it).
            None => add(quote!(body)),
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
    let bind = quote!(let body = &#value;);
    quote! {
        #bind
        let mut form = runtime::Multipart::new();
        #(#adds)*
        request.multipart_body(form);
    }
}

/// A `&str` view of a path parameter, as lowering decided.
pub(super) fn path_text(how: PathText, value: TokenStream) -> TokenStream {
    match how {
        // A type from outside the crate is its serde text by now.
        PathText::Borrow | PathText::Serde => quote!(&#value),
        PathText::AsStr => quote!(#value.as_str()),
        PathText::Display => quote!(&#value.to_string()),
        // Written whole by `runtime::path_styled` instead.
        PathText::Styled(_) => quote!(&#value.to_string()),
    }
}

#[cfg(test)]
mod text_body_tests {
    use super::is_plain_utf8;

    #[test]
    fn text_plain_with_other_parameters_is_sent_as_declared() {
        assert!(is_plain_utf8("text/plain"));
        assert!(is_plain_utf8("Text/Plain; charset=UTF-8"));
        assert!(!is_plain_utf8("text/plain; utf-8"));
        assert!(!is_plain_utf8("text/plain; charset=iso-8859-1"));
        let spec = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    post:\n      operationId: postA\n      requestBody:\n        required: true\n        content: {'text/plain; utf-8': {schema: {type: string}}}\n      responses: {'204': {description: x}}\n";
        let generated = crate::generate(spec, &crate::Options::default()).unwrap();
        let apis: String = generated
            .output
            .files
            .iter()
            .filter(|(p, _)| p.starts_with("src/apis/"))
            .map(|(_, t)| t.as_str())
            .collect();
        assert!(
            apis.contains("request.bytes_body(self.body, \"text/plain; utf-8\");"),
            "{apis}"
        );
    }
}
