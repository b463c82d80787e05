//! Models: one Rust item (plus impls) per named type of the IR.

use super::{code, doc, doc_more, ident, ty, Place};
use crate::ir::{
    AdditionalField, Bound, Constraints, Field, TaggedVariant, Ty, TypeDef, TypeKind,
    UntaggedVariant,
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
    item
}

fn emit_type(t: &TypeDef) -> TokenStream {
    let fallback = format!("The `{}` schema.", t.api_name.replace('`', "'"));
    let mut docs = doc(t.doc.as_deref(), &fallback);
    let deprecated = if t.deprecated {
        quote!(#[deprecated])
    } else {
        quote!()
    };
    let name = ident(&t.name);
    match &t.kind {
        TypeKind::Struct { fields, additional } => {
            docs.extend(doc_more(&[format!("Schema: {}.", code(&t.pointer))]));
            emit_struct(&name, docs, deprecated, fields, additional.as_ref())
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
            emit_newtype(&t.name, docs, deprecated, inner, constraints)
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
) -> TokenStream {
    let all_optional = fields.iter().all(|f| matches!(f.ty, Ty::Option(_)));
    let default = if all_optional {
        quote!(Default,)
    } else {
        quote!()
    };
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
        let skip = if matches!(f.ty, Ty::Option(_)) && !(f.required && f.nullable) {
            quote!(#[serde(default, skip_serializing_if = "Option::is_none")])
        } else {
            quote!()
        };
        let dep = if f.deprecated {
            quote!(#[deprecated])
        } else {
            quote!()
        };
        let rename = if crate::naming::unraw(&f.name) == api {
            quote!()
        } else {
            quote!(#[serde(rename = #api)])
        };
        quote! {
            #d
            #dep
            #rename
            #skip
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
    quote! {
        #docs
        #deprecated
        #allow
        #[derive(Debug, Clone, PartialEq, #default Serialize, Deserialize)]
        pub struct #name {
            #(#field_items)*
            #extra
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

/// The call that checks a value against constraints, as an expression of type
/// `Result<(), String>`. `value` is an expression of the inner type, by reference for strings.
pub(crate) fn check_call(inner: &Ty, constraints: &Constraints, value: TokenStream) -> TokenStream {
    let opt_u64 = |v: Option<u64>| match v {
        Some(n) => {
            let l = Literal::u64_unsuffixed(n);
            quote!(Some(#l))
        }
        None => quote!(None),
    };
    // A bound is written as the document gives it: integers exactly, floats as floats.
    let opt_bound = |v: Option<Bound>| match v {
        Some(Bound::Int(n)) => {
            let l = Literal::i64_unsuffixed(n);
            quote!(Some(#l))
        }
        Some(Bound::Float(n)) => {
            let l = Literal::f64_unsuffixed(n);
            quote!(Some(#l))
        }
        None => quote!(None),
    };
    let exmin = constraints.exclusive_minimum;
    let exmax = constraints.exclusive_maximum;
    match inner {
        Ty::String => {
            let min = opt_u64(constraints.min_length);
            let max = opt_u64(constraints.max_length);
            let pattern = match &constraints.pattern {
                Some(p) => quote! {
                    Some({
                        static PATTERN: std::sync::OnceLock<crate::runtime::Pattern> = std::sync::OnceLock::new();
                        (&PATTERN, #p)
                    })
                },
                None => quote!(None),
            };
            quote!(crate::runtime::check_string(#value, #min, #max, #pattern))
        }
        Ty::Int { .. } => {
            let min = opt_bound(constraints.minimum);
            let max = opt_bound(constraints.maximum);
            let mult = opt_bound(constraints.multiple_of);
            quote!(crate::runtime::check_integer(i128::from(#value), #min, #max, #exmin, #exmax, #mult))
        }
        Ty::Float { .. } => {
            let min = opt_bound(constraints.minimum);
            let max = opt_bound(constraints.maximum);
            let mult = opt_bound(constraints.multiple_of);
            let as_f64 = if *inner == (Ty::Float { bits: 64 }) {
                value
            } else {
                quote!(f64::from(#value))
            };
            quote!(crate::runtime::check_number(#as_f64, #min, #max, #exmin, #exmax, #mult))
        }
        Ty::Vec(_) => {
            let min = opt_u64(constraints.min_items);
            let max = opt_u64(constraints.max_items);
            let unique = constraints.unique_items;
            quote!(crate::runtime::check_items(#value.as_slice(), #min, #max, #unique))
        }
        _ => quote!(Ok::<(), String>(())),
    }
}

fn describe(constraints: &Constraints) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(p) = &constraints.pattern {
        out.push(format!("Pattern: {}.", code(p)));
    }
    if let Some(n) = constraints.min_length {
        out.push(format!("Minimum length: {n}."));
    }
    if let Some(n) = constraints.max_length {
        out.push(format!("Maximum length: {n}."));
    }
    if let Some(n) = constraints.minimum {
        out.push(format!(
            "Minimum: {n}{}.",
            if constraints.exclusive_minimum {
                " (exclusive)"
            } else {
                ""
            }
        ));
    }
    if let Some(n) = constraints.maximum {
        out.push(format!(
            "Maximum: {n}{}.",
            if constraints.exclusive_maximum {
                " (exclusive)"
            } else {
                ""
            }
        ));
    }
    if let Some(n) = constraints.multiple_of {
        out.push(format!("Multiple of: {n}."));
    }
    if let Some(n) = constraints.min_items {
        out.push(format!("Minimum items: {n}."));
    }
    if let Some(n) = constraints.max_items {
        out.push(format!("Maximum items: {n}."));
    }
    if constraints.unique_items {
        out.push("Items must be unique.".to_owned());
    }
    out
}

fn emit_newtype(
    type_name: &str,
    mut docs: TokenStream,
    deprecated: TokenStream,
    inner: &Ty,
    constraints: &Constraints,
) -> TokenStream {
    let name = ident(type_name);
    docs.extend(doc_more(&describe(constraints)));
    let inner_t = ty(inner, Place::Models);
    let is_string = *inner == Ty::String;
    let is_int = matches!(inner, Ty::Int { .. });
    let is_vec = matches!(inner, Ty::Vec(_));
    let derives = if is_string {
        quote!(#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)])
    } else if is_int {
        quote!(#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)])
    } else if is_vec {
        quote!(#[derive(Debug, Clone, PartialEq, Serialize)])
    } else {
        quote!(#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Serialize)])
    };
    let value_ref = if is_string {
        quote!(&value)
    } else {
        quote!(value)
    };
    let check = check_call(inner, constraints, value_ref);
    let tn = type_name;
    let (new_sig, new_conv) = if is_string {
        (
            quote!(value: impl Into<String>),
            quote!(let value = value.into();),
        )
    } else {
        (quote!(value: #inner_t), quote!())
    };
    let accessors = if is_string {
        quote! {
            /// The value as a string slice.
            pub fn as_str(&self) -> &str {
                &self.0
            }
            /// The wrapped value.
            pub fn into_inner(self) -> String {
                self.0
            }
        }
    } else if is_vec {
        quote! {
            /// The items.
            pub fn as_slice(&self) -> &[<#inner_t as IntoIterator>::Item] {
                &self.0
            }
            /// The wrapped value.
            pub fn into_inner(self) -> #inner_t {
                self.0
            }
        }
    } else {
        quote! {
            /// The wrapped value.
            pub fn get(self) -> #inner_t {
                self.0
            }
        }
    };
    let str_impls = if is_string {
        quote! {
            impl TryFrom<&str> for #name {
                type Error = ValidationError;
                fn try_from(value: &str) -> Result<Self, Self::Error> {
                    Self::new(value)
                }
            }
            impl std::str::FromStr for #name {
                type Err = ValidationError;
                fn from_str(value: &str) -> Result<Self, Self::Err> {
                    Self::new(value)
                }
            }
            impl AsRef<str> for #name {
                fn as_ref(&self) -> &str {
                    &self.0
                }
            }
            impl std::fmt::Display for #name {
                fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                    f.write_str(&self.0)
                }
            }
        }
    } else if is_vec {
        quote!()
    } else {
        quote! {
            impl std::str::FromStr for #name {
                type Err = ValidationError;
                fn from_str(value: &str) -> Result<Self, Self::Err> {
                    let parsed: #inner_t = value.trim().parse().map_err(|e| ValidationError::new(#tn, format!("not a number: {e}")))?;
                    Self::new(parsed)
                }
            }
            impl std::fmt::Display for #name {
                fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                    std::fmt::Display::fmt(&self.0, f)
                }
            }
        }
    };
    quote! {
        #docs
        #deprecated
        #derives
        #[serde(transparent)]
        pub struct #name(#inner_t);
        impl #name {
            /// Checks `value` against the schema's constraints.
            pub fn new(#new_sig) -> Result<Self, ValidationError> {
                #new_conv
                #check.map_err(|reason| ValidationError::new(#tn, reason))?;
                Ok(Self(value))
            }
            #accessors
        }
        impl TryFrom<#inner_t> for #name {
            type Error = ValidationError;
            fn try_from(value: #inner_t) -> Result<Self, Self::Error> {
                Self::new(value)
            }
        }
        impl From<#name> for #inner_t {
            fn from(value: #name) -> Self {
                value.0
            }
        }
        #str_impls
        impl<'de> Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = <#inner_t>::deserialize(deserializer)?;
                Self::new(value).map_err(serde::de::Error::custom)
            }
        }
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
        quote!(Self::#id(value) => crate::runtime::serialize_tagged(value, #property, #tag, serializer),)
    });
    let de_arms = variants.iter().map(|v| {
        let id = ident(&v.name);
        let tags = &v.tags;
        quote!(#(Some(#tags))|* => crate::runtime::deserialize_tagged(value).map(Self::#id),)
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
        quote!(Self::#id(value) => std::fmt::Display::fmt(value, f),)
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
        "Decoding tries each variant in order and takes the first that fits.".to_string(),
    ]));
    let items = variants.iter().map(|v| {
        let id = ident(&v.name);
        let t = ty(&v.ty, Place::Models);
        let d = format!(
            " A {}.",
            match &v.ty {
                Ty::Named(n) => format!("[`{n}`]"),
                _ => "value".to_string(),
            }
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

#[cfg(test)]
mod tests {
    use super::*;

    /// `uniqueItems` reaches the emitted check as the schema says it, and integer bounds
    /// past 2^53 stay exact from the document to the emitted literal.
    #[test]
    fn item_checks_follow_unique_items_and_integer_bounds_stay_exact() {
        let (api, _) = crate::lower_text(
            "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    \
             Big: {type: integer, format: int64, minimum: 9007199254740993, maximum: 9223372036854775807}\n    \
             Set: {type: array, uniqueItems: true, items: {type: string}}\n    \
             Bag: {type: array, uniqueItems: false, minItems: 1, items: {type: string}}\n",
        )
        .unwrap();
        let check = |name: &str| {
            let def = api.types.iter().find(|t| t.name == name).unwrap();
            let TypeKind::Newtype { inner, constraints } = &def.kind else {
                panic!("{name} is not a newtype: {:?}", def.kind)
            };
            (
                constraints.clone(),
                check_call(inner, constraints, quote!(value)).to_string(),
            )
        };
        let (big, big_call) = check("Big");
        assert_eq!(big.minimum, Some(Bound::Int(9_007_199_254_740_993)));
        assert_eq!(big.maximum, Some(Bound::Int(i64::MAX)));
        assert!(
            big_call.contains("Some (9007199254740993) , Some (9223372036854775807)"),
            "{big_call}"
        );
        let (set, set_call) = check("Set");
        assert!(set.unique_items);
        assert!(set_call.ends_with("None , None , true)"), "{set_call}");
        let (bag, bag_call) = check("Bag");
        assert!(!bag.unique_items);
        assert!(bag_call.ends_with("Some (1) , None , false)"), "{bag_call}");
    }
}
