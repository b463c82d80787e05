//! Emit: consumes the IR's named types and renders `models.rs`, one Rust item (plus impls)
//! per type (constrained newtypes in `constraints`).

use super::constraints::emit_newtype;
use super::{code, doc, doc_more, ident, ty, Place};
use crate::ir::{
    AdditionalField, Derive, Field, TaggedVariant, Ty, TypeDef, TypeKind, UntaggedVariant,
};
use proc_macro2::{Literal, TokenStream};
use quote::quote;

/// The items of one type: its definition and impls.
pub(crate) fn emit_model(t: &TypeDef) -> TokenStream {
    let mut item = emit_type(t);
    // Scalar unions (an id that is a number or a string, say) can be path and query values,
    // which need a text form; lowering decided which.
    if let TypeKind::Untagged {
        variants,
        display: true,
    } = &t.kind
    {
        item.extend(untagged_display(&ident(&t.name), variants));
    }
    gate(item, &t.features)
}

/// Puts `#[cfg(any(feature = ...))]` on every item of a type (its definition and impls)
/// that only the operations of some tag features use, after the item's docs.
fn gate(items: TokenStream, features: &[String]) -> TokenStream {
    use proc_macro2::TokenTree;
    if features.is_empty() {
        return items;
    }
    let cfg = match features {
        [one] => quote!(#[cfg(feature = #one)]),
        _ => quote!(#[cfg(any(#(feature = #features),*))]),
    };
    // The items are this module's own: each ends with its body (a brace group) or a `;`, and
    // none has braces elsewhere at its top level (no const generics, no `const _` blocks).
    // Splitting them here is a pass over the tokens; parsing them took a fifth of generating
    // a small crate.
    let mut out = TokenStream::new();
    let mut item: Vec<TokenTree> = Vec::new();
    for tt in items {
        let ends = match &tt {
            TokenTree::Punct(p) => p.as_char() == ';',
            TokenTree::Group(g) => g.delimiter() == proc_macro2::Delimiter::Brace,
            _ => false,
        };
        item.push(tt);
        if ends {
            put_gated(&mut item, &cfg, &mut out);
        }
    }
    if !item.is_empty() {
        put_gated(&mut item, &cfg, &mut out);
    }
    out
}

/// Moves one item to `out` with `cfg` after its leading doc attributes.
fn put_gated(item: &mut Vec<proc_macro2::TokenTree>, cfg: &TokenStream, out: &mut TokenStream) {
    use proc_macro2::{Delimiter, TokenTree};
    let is_doc = |pair: &[TokenTree]| match pair {
        [TokenTree::Punct(p), TokenTree::Group(g)] => {
            p.as_char() == '#'
                && g.delimiter() == Delimiter::Bracket
                && matches!(g.stream().into_iter().next(), Some(TokenTree::Ident(i)) if i == "doc")
        }
        _ => false,
    };
    let mut docs = 0;
    while docs + 2 <= item.len() && is_doc(&item[docs..docs + 2]) {
        docs += 2;
    }
    out.extend(item.drain(..docs));
    out.extend(cfg.clone());
    out.extend(item.drain(..));
}

fn emit_type(t: &TypeDef) -> TokenStream {
    let fallback = format!("The `{}` schema.", t.api_name.replace('`', "'"));
    let mut docs = doc(t.doc.as_deref(), &fallback);
    let mut deprecated = if t.deprecated {
        quote!(#[deprecated])
    } else {
        quote!()
    };
    // The options' derives ride with the attributes every kind places before its own derive.
    if !t.extra_derives.is_empty() {
        let paths = t.extra_derives.iter().map(|d| super::external_path(d));
        deprecated.extend(quote!(#[derive(#(#paths),*)]));
    }
    let name = ident(&t.name);
    match &t.kind {
        TypeKind::Struct { fields, additional } => {
            docs.extend(doc_more(&[format!("Schema: {}.", code(&t.pointer))]));
            emit_struct(
                &name,
                docs,
                deprecated,
                fields,
                additional.as_ref(),
                &t.derives,
            )
        }
        TypeKind::StringEnum { values, default } => {
            emit_string_enum(&name, docs, deprecated, values, default.as_deref())
        }
        TypeKind::IntEnum { values } => {
            let consts = values.iter().map(|(cname, v)| {
                let c = ident(cname);
                let lit = Literal::i64_unsuffixed(*v);
                let d = format!(" The value `{v}`.");
                quote!(#[doc = #d] pub const #c: #name = #name(#lit);)
            });
            quote! {
                #docs
                #deprecated
                #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
                #[serde(transparent)]
                pub struct #name(pub i64);
                impl #name {
                    #(#consts)*
                }
                impl std::fmt::Display for #name {
                    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        std::fmt::Display::fmt(&self.0, f)
                    }
                }
            }
        }
        TypeKind::Newtype { inner, constraints } => {
            emit_newtype(&t.name, docs, deprecated, inner, constraints, &t.derives)
        }
        TypeKind::Alias { target } => {
            let target = ty(target, Place::Models);
            quote! {
                #docs
                #deprecated
                pub type #name = #target;
            }
        }
        TypeKind::Tagged { property, variants } => {
            emit_tagged(&name, docs, deprecated, property, variants)
        }
        TypeKind::Untagged { variants, .. } => emit_untagged(&name, docs, deprecated, variants),
    }
}

fn emit_struct(
    name: &proc_macro2::Ident,
    docs: TokenStream,
    deprecated: TokenStream,
    fields: &[Field],
    additional: Option<&AdditionalField>,
    derives: &[Derive],
) -> TokenStream {
    let default = if derives.contains(&Derive::Default) {
        quote!(Default,)
    } else {
        quote!()
    };
    // Structs of plain fields encode and decode through the runtime (`runtime::ser`,
    // `runtime::de`); those with a flattened part keep serde's derives, which know how to
    // share the object.
    let compact = !fields.is_empty() && additional.is_none() && !fields.iter().any(|f| f.flatten);
    let field_items = fields.iter().map(|f| {
        let id = ident(&f.name);
        let t = ty(&f.ty, Place::Models);
        let api = &f.api_name;
        let mut notes = Vec::new();
        if let Some(d) = &f.default {
            notes.push(format!("Server default: `{d}`."));
        }
        if f.read_only {
            notes.push("Read-only: set by the server.".to_string());
        }
        if f.write_only {
            notes.push("Write-only: never returned by the server.".to_string());
        }
        let fallback = format!("The `{}` property.", api.replace('`', "'"));
        let mut d = doc(f.doc.as_deref(), &fallback);
        d.extend(doc_more(&notes));
        let skip = if compact {
            // The compact impls below read no attributes.
            quote!()
        } else if matches!(f.ty, Ty::Option(_)) && !(f.required && f.nullable) {
            quote!(#[serde(default, skip_serializing_if = "Option::is_none")])
        } else {
            quote!()
        };
        let dep = if f.deprecated {
            quote!(#[deprecated])
        } else {
            quote!()
        };
        let rename = if compact {
            quote!()
        } else if f.flatten {
            // The union's properties sit beside the struct's own.
            quote!(#[serde(flatten)])
        } else if crate::naming::unraw(&f.name) == api {
            quote!()
        } else {
            quote!(#[serde(rename = #api)])
        };
        // A formatted value that does not decode is reported with its format (by the
        // compact decoder itself when there is one).
        let decode = f.ty.format_decoder().filter(|_| !compact).map(|decoder| {
            let with = format!("runtime::decode_format::{decoder}");
            quote!(#[serde(deserialize_with = #with)])
        });
        quote! {
            #d
            #dep
            #rename
            #skip
            #decode
            pub #id: #t,
        }
    });
    let extra = additional.map(|a| {
        let v = ty(&a.ty, Place::Models);
        let fid = ident(&a.name);
        quote! {
            /// Properties beside the declared ones.
            #[serde(flatten)]
            pub #fid: std::collections::BTreeMap<String, #v>,
        }
    });
    // Deprecated fields would warn inside our own derives.
    let allow = if fields.iter().any(|f| f.deprecated) {
        quote!(#[allow(deprecated)])
    } else {
        quote!()
    };
    if !compact {
        return quote! {
            #docs
            #deprecated
            #allow
            #[derive(Debug, Clone, PartialEq, #default Serialize, Deserialize)]
            pub struct #name {
                #(#field_items)*
                #extra
            }
        };
    }
    let encode = compact_serialize(name, fields, &allow);
    let decode = compact_deserialize(name, fields, &allow);
    quote! {
        #docs
        #deprecated
        #allow
        #[derive(Debug, Clone, PartialEq, #default)]
        pub struct #name {
            #(#field_items)*
        }
        #encode
        #decode
    }
}

/// `Serialize` through `runtime::ser`: one call per field.
fn compact_serialize(
    name: &proc_macro2::Ident,
    fields: &[Field],
    allow: &TokenStream,
) -> TokenStream {
    let type_name = name.to_string();
    let skips = |f: &Field| matches!(f.ty, Ty::Option(_)) && !(f.required && f.nullable);
    let always = Literal::usize_unsuffixed(fields.iter().filter(|f| !skips(f)).count());
    let optional: Vec<_> = fields
        .iter()
        .filter(|f| skips(f))
        .map(|f| {
            let id = ident(&f.name);
            quote!(self.#id.is_some())
        })
        .collect();
    let present = quote!(runtime::ser::present(&[#(#optional),*]));
    let len = match (fields.len() - optional.len(), optional.is_empty()) {
        (_, true) => quote!(#always),
        (0, false) => present,
        _ => quote!(#always + #present),
    };
    let writes = fields.iter().map(|f| {
        let id = ident(&f.name);
        let api = &f.api_name;
        if skips(f) {
            quote!(runtime::ser::optional(&mut state, #api, &self.#id)?;)
        } else {
            quote!(runtime::ser::field(&mut state, #api, &self.#id)?;)
        }
    });
    quote! {
        #allow
        impl Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                let mut state = serde::Serializer::serialize_struct(serializer, #type_name, #len)?;
                #(#writes)*
                runtime::ser::end(state)
            }
        }
    }
}

/// `Deserialize` through `runtime::de`: the struct's table of slots, property names and
/// required fields, instead of serde's per-struct visitor.
fn compact_deserialize(
    name: &proc_macro2::Ident,
    fields: &[Field],
    allow: &TokenStream,
) -> TokenStream {
    let type_name = name.to_string();
    let slot_tys = fields.iter().map(|f| {
        let t = ty(&f.ty, Place::Models);
        quote!(Option<#t>)
    });
    let nones = fields.iter().map(|_| quote!(None));
    let index_arms = fields.iter().enumerate().map(|(i, f)| {
        let api = &f.api_name;
        let i = Literal::usize_unsuffixed(i);
        quote!(#api => Some(#i),)
    });
    let read_arms = fields.iter().enumerate().map(|(i, f)| {
        let api = &f.api_name;
        let at = syn::Index::from(i);
        let i = Literal::usize_unsuffixed(i);
        match f.ty.named_format() {
            Some((format, _)) => {
                quote!(#i => runtime::de::slot_format(&mut slots.#at, map, #api, #format),)
            }
            None => quote!(#i => runtime::de::slot(&mut slots.#at, map, #api),),
        }
    });
    // One match over the required slots, so that a missing property is one way out of
    // `finish` rather than one per field (each of which would drop every other slot).
    let binds: Vec<proc_macro2::Ident> = (0..fields.len())
        .map(|i| quote::format_ident!("f{}", i))
        .collect();
    let required: Vec<usize> = (0..fields.len())
        .filter(|&i| !matches!(fields[i].ty, Ty::Option(_)))
        .collect();
    let inits = fields.iter().zip(&binds).map(|(f, b)| {
        let id = ident(&f.name);
        if matches!(f.ty, Ty::Option(_)) {
            quote!(#id: #b.flatten(),)
        } else {
            quote!(#id: #b,)
        }
    });
    let value = quote!(Ok(Self { #(#inits)* }));
    let finish = if required.is_empty() {
        value
    } else {
        let scrutinee = required.iter().map(|&i| &binds[i]);
        let somes = required.iter().map(|&i| {
            let b = &binds[i];
            quote!(Some(#b))
        });
        let names = required.iter().map(|&i| &binds[i]);
        let checks = required.iter().map(|&i| {
            let b = &binds[i];
            let api = &fields[i].api_name;
            quote!((#b.is_none(), #api))
        });
        quote! {
            match (#(#scrutinee,)*) {
                (#(#somes,)*) => #value,
                (#(#names,)*) => Err(runtime::de::missing(&[#(#checks),*])),
            }
        }
    };
    quote! {
        #allow
        impl<'de> Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                runtime::de::deserialize(deserializer)
            }
        }
        #allow
        #[allow(clippy::type_complexity)]
        impl runtime::de::Struct for #name {
            const NAME: &'static str = #type_name;
            type Slots = (#(#slot_tys,)*);
            fn slots() -> Self::Slots {
                (#(#nones,)*)
            }
            fn index(property: &str) -> Option<usize> {
                match property {
                    #(#index_arms)*
                    _ => None,
                }
            }
            fn read<'de, A: serde::de::MapAccess<'de>>(
                slots: &mut Self::Slots,
                index: usize,
                map: &mut A,
            ) -> Result<(), A::Error> {
                match index {
                    #(#read_arms)*
                    _ => Ok(()),
                }
            }
            fn finish<E: serde::de::Error>(slots: Self::Slots) -> Result<Self, E> {
                let (#(#binds,)*) = slots;
                #finish
            }
        }
    }
}

fn emit_string_enum(
    name: &proc_macro2::Ident,
    docs: TokenStream,
    deprecated: TokenStream,
    values: &[crate::ir::EnumValue],
    default: Option<&str>,
) -> TokenStream {
    let variants = values.iter().map(|v| {
        let id = ident(&v.name);
        let d = format!(" {}", code(&v.api_name));
        quote!(#[doc = #d] #id,)
    });
    let as_str = values.iter().map(|v| {
        let id = ident(&v.name);
        let s = &v.api_name;
        quote!(Self::#id => #s,)
    });
    let from = values.iter().map(|v| {
        let id = ident(&v.name);
        let s = &v.api_name;
        quote!(#s => Self::#id,)
    });
    let known = values.iter().map(|v| {
        let id = ident(&v.name);
        quote!(Self::#id)
    });
    // A one-value enum (a constant such as a discriminator) defaults to its only value.
    let only = (values.len() == 1).then(|| &values[0]);
    let default_impl = default
        .and_then(|d| values.iter().find(|v| v.api_name == d))
        .or(only)
        .map(|v| {
            let id = ident(&v.name);
            let dd = if default.is_some() {
                format!(" The schema's default, {}.", code(&v.api_name))
            } else {
                format!(" The only value the schema allows, {}.", code(&v.api_name))
            };
            quote! {
                impl Default for #name {
                    #[doc = #dd]
                    fn default() -> Self {
                        Self::#id
                    }
                }
            }
        });
    quote! {
        #docs
        #deprecated
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum #name {
            #(#variants)*
            /// A value this client does not know, kept as received so it can be sent back.
            Unknown(String),
        }
        impl #name {
            /// The values the document lists.
            pub const KNOWN: &'static [Self] = &[#(#known),*];

            /// The value as it goes over the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #(#as_str)*
                    Self::Unknown(value) => value,
                }
            }
        }
        impl From<&str> for #name {
            fn from(value: &str) -> Self {
                match value {
                    #(#from)*
                    other => Self::Unknown(other.to_string()),
                }
            }
        }
        impl From<String> for #name {
            fn from(value: String) -> Self {
                match Self::from(value.as_str()) {
                    Self::Unknown(_) => Self::Unknown(value),
                    known => known,
                }
            }
        }
        impl std::str::FromStr for #name {
            type Err = std::convert::Infallible;
            fn from_str(value: &str) -> Result<Self, Self::Err> {
                Ok(Self::from(value))
            }
        }
        impl std::fmt::Display for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
        impl Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }
        impl<'de> Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                String::deserialize(deserializer).map(Self::from)
            }
        }
        #default_impl
    }
}

fn emit_tagged(
    name: &proc_macro2::Ident,
    mut docs: TokenStream,
    deprecated: TokenStream,
    property: &str,
    variants: &[TaggedVariant],
) -> TokenStream {
    docs.extend(doc_more(&[format!(
        "Selected by the {} property.",
        code(property)
    )]));
    let items = variants.iter().map(|v| {
        let id = ident(&v.name);
        let t = ty(&v.ty, Place::Models);
        let d = format!(
            " {} = {}.",
            code(property),
            v.tags
                .iter()
                .map(|t| code(t))
                .collect::<Vec<_>>()
                .join(" or ")
        );
        quote!(#[doc = #d] #id(#t),)
    });
    let tag_arms = variants.iter().map(|v| {
        let id = ident(&v.name);
        let tag = &v.tags[0];
        quote!(Self::#id(_) => Some(#tag),)
    });
    let ser_arms = variants.iter().map(|v| {
        let id = ident(&v.name);
        let tag = &v.tags[0];
        quote!(Self::#id(value) => runtime::serialize_tagged(value, #property, #tag, serializer),)
    });
    let de_arms = variants.iter().map(|v| {
        let id = ident(&v.name);
        let tags = &v.tags;
        quote!(#(Some(#tags))|* => runtime::deserialize_tagged(value).map(Self::#id),)
    });
    quote! {
        #docs
        #deprecated
        #[derive(Debug, Clone, PartialEq)]
        pub enum #name {
            #(#items)*
            /// A variant this client does not know, kept as received so it can be sent back.
            Unknown(serde_json::Value),
        }
        impl #name {
            /// The discriminator value.
            pub fn tag(&self) -> Option<&str> {
                match self {
                    #(#tag_arms)*
                    Self::Unknown(value) => value.get(#property).and_then(serde_json::Value::as_str),
                }
            }
        }
        impl Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                match self {
                    #(#ser_arms)*
                    Self::Unknown(value) => value.serialize(serializer),
                }
            }
        }
        impl<'de> Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = serde_json::Value::deserialize(deserializer)?;
                let tag = value.get(#property).and_then(serde_json::Value::as_str).map(str::to_owned);
                match tag.as_deref() {
                    #(#de_arms)*
                    _ => Ok(Self::Unknown(value)),
                }
            }
        }
    }
}

fn untagged_display(name: &proc_macro2::Ident, variants: &[UntaggedVariant]) -> TokenStream {
    let arms = variants.iter().map(|v| {
        let id = ident(&v.name);
        match &v.ty {
            // A type from outside the crate is written as its serde text.
            Ty::External { text: true, .. } => quote!(Self::#id(value) => f.write_str(
                &runtime::serde_text(value).map_err(|_| std::fmt::Error)?
            ),),
            _ => quote!(Self::#id(value) => std::fmt::Display::fmt(value, f),),
        }
    });
    quote! {
        impl std::fmt::Display for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                match self {
                    #(#arms)*
                }
            }
        }
    }
}

fn emit_untagged(
    name: &proc_macro2::Ident,
    mut docs: TokenStream,
    deprecated: TokenStream,
    variants: &[UntaggedVariant],
) -> TokenStream {
    docs.extend(doc_more(&[
        "Decoding tries each variant in order and takes the first that fits; the variants are \
         ordered most specific first."
            .to_string(),
    ]));
    let items = variants.iter().map(|v| {
        let id = ident(&v.name);
        let t = ty(&v.ty, Place::Models);
        let (inner, nullable) = match &v.ty {
            Ty::Option(inner) => (inner.as_ref(), true),
            other => (other, false),
        };
        let inner = match inner {
            Ty::Boxed(inner) => inner.as_ref(),
            other => other,
        };
        let d = format!(
            " A {}{}.",
            match inner {
                Ty::Named(n) => format!("[`{n}`]"),
                _ => "value".to_string(),
            },
            if nullable { ", or `null`" } else { "" }
        );
        quote!(#[doc = #d] #id(#t),)
    });
    quote! {
        #docs
        #deprecated
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
        #[serde(untagged)]
        pub enum #name {
            #(#items)*
        }
    }
}
