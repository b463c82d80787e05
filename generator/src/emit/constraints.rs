//! Emit: consumes IR constraints and renders constrained newtypes, the runtime check calls
//! (exact bounds, `uniqueItems` as the schema says) and their doc lines.

use super::{code, doc_more, ident, ty, Place};
use crate::ir::{Bound, Constraints, Derive, Ty};
use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

/// The call that checks a value against constraints, as an expression of type
/// `Result<(), String>`. `value` is an expression of the inner type, by reference for strings.
pub(super) fn check_call(inner: &Ty, constraints: &Constraints, value: TokenStream) -> TokenStream {
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
                        static PATTERN: std::sync::OnceLock<runtime::Pattern> = std::sync::OnceLock::new();
                        (&PATTERN, #p)
                    })
                },
                None => quote!(None),
            };
            quote!(runtime::check_string(#value, #min, #max, #pattern))
        }
        Ty::Int { .. } | Ty::Uint { .. } => {
            let min = opt_bound(constraints.minimum);
            let max = opt_bound(constraints.maximum);
            let mult = opt_bound(constraints.multiple_of);
            quote!(runtime::check_integer(i128::from(#value), #min, #max, #exmin, #exmax, #mult))
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
            quote!(runtime::check_number(#as_f64, #min, #max, #exmin, #exmax, #mult))
        }
        Ty::Vec(_) => {
            let min = opt_u64(constraints.min_items);
            let max = opt_u64(constraints.max_items);
            let unique = constraints.unique_items;
            quote!(runtime::check_items(#value.as_slice(), #min, #max, #unique))
        }
        _ => quote!(Ok::<(), String>(())),
    }
}

pub(super) fn describe(constraints: &Constraints) -> Vec<String> {
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

pub(super) fn emit_newtype(
    type_name: &str,
    mut docs: TokenStream,
    deprecated: TokenStream,
    inner: &Ty,
    constraints: &Constraints,
    derives: &[Derive],
) -> TokenStream {
    let name = ident(type_name);
    docs.extend(doc_more(&describe(constraints)));
    let inner_t = ty(inner, Place::Models);
    let is_string = *inner == Ty::String;
    let is_vec = matches!(inner, Ty::Vec(_));
    // `Copy` stands before `PartialEq`, the comparisons after it, as lowering listed them.
    let has = |d: Derive| derives.contains(&d);
    let copy = has(Derive::Copy).then(|| quote!(Copy,));
    let compare = [Derive::Eq, Derive::Hash, Derive::PartialOrd, Derive::Ord]
        .into_iter()
        .filter(|d| has(*d))
        .map(|d| format_ident!("{d:?}"));
    let derives = quote!(#[derive(Debug, Clone, #copy PartialEq, #(#compare,)* Serialize)]);
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::TypeKind;

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
