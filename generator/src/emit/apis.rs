//! Emit: consumes the IR's operation groups and renders `apis/<group>.rs`: the group's
//! handle type with one method per operation, and each operation's request builder with its
//! setters and multi-status response enum (`send` and `stream` have their own modules).

use super::paging::emit_stream;
use super::send::{emit_into_future, emit_send};
use super::{code, doc, doc_more, ident, ty, Place};
use crate::ir::{ArgKind, Body, Group, Operation, Param, ParamLocation, StatusMatch, Success, Ty};
use crate::naming::unraw;
use proc_macro2::TokenStream;
use quote::quote;

/// The start of `apis/<group>.rs`: imports, the group's handle type and its methods.
pub(crate) fn emit_group_head(group: &Group) -> TokenStream {
    let handle = ident(&group.type_name);
    let fallback = format!("Operations tagged `{}`.", group.api_name);
    let handle_doc = doc(group.doc.as_deref(), &fallback);
    let methods = group
        .operations
        .iter()
        .map(|op| emit_method(op, Receiver::Handle));
    let imports = emit_imports(std::slice::from_ref(group), quote!(super::super));
    quote! {
        #imports

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

/// The start of the flat layout's `apis.rs`: imports and every operation as a method of
/// `Client` (an inherent impl may sit in any module of the crate).
pub(crate) fn emit_flat_head(groups: &[Group]) -> TokenStream {
    let imports = emit_imports(groups, quote!(super));
    let methods = groups
        .iter()
        .flat_map(|g| &g.operations)
        .map(|op| emit_method(op, Receiver::Client));
    quote! {
        #imports

        impl Client {
            #(#methods)*
        }
    }
}

/// The imports of a module of operations, from the crate root at `root` (a relative path,
/// so the code works as a crate and as a module included anywhere). Builders name the
/// runtime's helpers as `runtime::...`.
fn emit_imports(groups: &[Group], root: TokenStream) -> TokenStream {
    let models_import = if groups.iter().any(group_uses_models) {
        quote!(
            use #root::models;
        )
    } else {
        quote!()
    };
    quote! {
        #models_import
        #[allow(unused_imports)]
        use #root::runtime;
        use #root::runtime::{Error, Request};
        use #root::Client;
    }
}

/// Which type an operation's method is defined on.
#[derive(Clone, Copy)]
enum Receiver {
    /// The group's handle, which holds `client: &'a Client` (builders hold a clone).
    Handle,
    /// `Client` itself (the flat layout).
    Client,
}

fn names_model(t: &Ty) -> bool {
    match t {
        Ty::Named(_) => true,
        Ty::Vec(i) | Ty::Map(i) | Ty::Option(i) | Ty::Boxed(i) => names_model(i),
        _ => false,
    }
}

/// Whether any signature in the group names a model type.
fn group_uses_models(group: &Group) -> bool {
    group.operations.iter().any(|op| {
        op.params.iter().any(|p| names_model(&p.ty))
            || op.body.as_ref().is_some_and(|b| {
                names_model(&b.ty)
                    || b.choices
                        .iter()
                        .flat_map(|c| c.variants.iter())
                        .any(|c| names_model(&c.ty))
            })
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

fn emit_method(op: &Operation, receiver: Receiver) -> TokenStream {
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
        "Optional parameters are set on the returned [`{}`]; `.send().await` (or `.await` on the builder) performs the request.",
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
        let bt = body_ty(b);
        if b.required {
            args.push(quote!(body: impl Into<#bt>));
            inits.push(quote!(body: body.into()));
        } else {
            inits.push(quote!(body: None));
        }
    }
    // The builder owns a clone of the client (a reference count), so neither it nor its
    // future borrows anything.
    let client = match receiver {
        Receiver::Handle => quote!(self.client.clone()),
        Receiver::Client => quote!(self.clone()),
    };
    quote! {
        #docs
        #deprecated
        pub fn #name(&self, #(#args),*) -> #builder {
            #builder {
                client: #client,
                options: runtime::RequestOptions::new(),
                #(#inits,)*
            }
        }
    }
}

/// One operation's request builder (and its response enum, if any); `owner` is the type
/// its method is defined on (the group's handle, or `Client`).
pub(crate) fn emit_builder(op: &Operation, owner: &str) -> TokenStream {
    let builder = ident(&op.builder);
    let method_name = &op.name;
    let bdoc = format!(
        " Request builder for [`{}::{}`].",
        owner,
        unraw(method_name)
    );
    let mut fields = vec![
        quote!(client: Client),
        quote!(options: runtime::RequestOptions),
    ];
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
        let bt = body_ty(b);
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
    let (send, operation) = emit_send(op);
    let into_future = emit_into_future(op);
    let stream = op.pagination.as_ref().map(|p| emit_stream(op, p));
    let choices = emit_body_choices(op, owner);
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
                owner,
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
            owner,
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
        #[must_use = "a request does nothing until it is sent with `.send().await` or `.await`"]
        pub struct #builder {
            #(#fields,)*
        }

        impl #builder {
            #(#setters)*
            #send
            #stream
        }

        #operation

        #into_future

        #multi
        #headers_struct
        #choices
    }
}

/// The type a builder takes its body as: the body's type, or the enum of its media types.
fn body_ty(b: &Body) -> TokenStream {
    match &b.choices {
        Some(c) => {
            let id = ident(&c.name);
            quote!(#id)
        }
        None => ty(&b.ty, Place::Elsewhere),
    }
}

/// The enum of the media types a body may be sent as, with a `From` for the type of each
/// variant (the first variant of a type: the preferred media type wins).
fn emit_body_choices(op: &Operation, owner: &str) -> Option<TokenStream> {
    let choices = op.body.as_ref()?.choices.as_ref()?;
    let id = ident(&choices.name);
    let items = choices.variants.iter().map(|c| {
        let vid = ident(&c.name);
        let t = ty(&c.ty, Place::Elsewhere);
        let d = format!(" Sent as {}.", code(&c.content_type));
        quote!(#[doc = #d] #vid(#t),)
    });
    let mut seen: Vec<&Ty> = Vec::new();
    let froms = choices.variants.iter().filter_map(|c| {
        if seen.contains(&&c.ty) {
            return None;
        }
        seen.push(&c.ty);
        let vid = ident(&c.name);
        let t = ty(&c.ty, Place::Elsewhere);
        Some(quote! {
            impl From<#t> for #id {
                fn from(value: #t) -> Self {
                    Self::#vid(value)
                }
            }
        })
    });
    let edoc = format!(
        " The media types the body of [`{}::{}`] may be sent as; a value of a variant's type converts into the first variant of that type.",
        owner,
        unraw(&op.name)
    );
    Some(quote! {
        #[doc = #edoc]
        #[derive(Debug, Clone, PartialEq)]
        pub enum #id {
            #(#items)*
        }
        #(#froms)*
    })
}
