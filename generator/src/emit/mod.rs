//! Emit: IR to Rust tokens and crate files. Reads the IR only; cannot fail on a valid IR.

mod apis;
mod constraints;
mod download;
mod events;
pub mod inline;
pub mod krate;
mod models;
mod paging;
mod readme;
mod send;
mod smoke;

pub use krate as krate_file;
pub use krate::emit_crate;

use crate::ir::Ty;
use proc_macro2::{Ident, Span, TokenStream};
use quote::{format_ident, quote};

/// Where a type is written from, which decides how model names are qualified.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Place {
    /// Inside `models.rs`.
    Models,
    /// Anywhere else in the crate: model names go through `models::`.
    Elsewhere,
}

/// An identifier, raw when written `r#...`.
pub(crate) fn ident(name: &str) -> Ident {
    match name.strip_prefix("r#") {
        Some(raw) => Ident::new_raw(raw, Span::call_site()),
        None => format_ident!("{}", name),
    }
}

/// The tokens of a use-site type.
pub(crate) fn ty(t: &Ty, place: Place) -> TokenStream {
    match t {
        Ty::Bool => quote!(bool),
        Ty::Int { bits: 32 } => quote!(i32),
        Ty::Int { .. } => quote!(i64),
        Ty::Uint { bits: 32 } => quote!(u32),
        Ty::Uint { .. } => quote!(u64),
        Ty::Float { bits: 32 } => quote!(f32),
        Ty::Float { .. } => quote!(f64),
        Ty::String => quote!(String),
        Ty::Bytes => quote!(bytes::Bytes),
        Ty::Body => quote!(runtime::Body),
        Ty::Json => quote!(serde_json::Value),
        Ty::Vec(inner) => {
            let inner = ty(inner, place);
            quote!(Vec<#inner>)
        }
        Ty::Map(inner) => {
            let inner = ty(inner, place);
            quote!(std::collections::BTreeMap<String, #inner>)
        }
        Ty::Option(inner) => {
            let inner = ty(inner, place);
            quote!(Option<#inner>)
        }
        Ty::Boxed(inner) => {
            let inner = ty(inner, place);
            quote!(Box<#inner>)
        }
        Ty::Url => quote!(reqwest::Url),
        Ty::External { path, .. } => external_path(path),
        Ty::Named(n) => {
            let id = ident(n);
            match place {
                Place::Models => quote!(#id),
                Place::Elsewhere => quote!(models::#id),
            }
        }
        Ty::Unit => quote!(()),
    }
}

/// A use-site type as compact Rust text (`Vec<Pet>`, `std::collections::BTreeMap<String,
/// i64>`), for messages and the API surface.
pub(crate) fn ty_text(t: &Ty, place: Place) -> String {
    let text = ty(t, place).to_string();
    let mut out = String::with_capacity(text.len());
    for part in text.split(' ') {
        let glue = out.ends_with(['<', ':', '&']) || part.starts_with(['<', '>', ':', ',']);
        if !out.is_empty() && !glue {
            out.push(' ');
        }
        out.push_str(part);
    }
    out
}

/// What a newtype's constraints check, in words (as its docs say).
pub(crate) fn describe_constraints(c: &crate::ir::Constraints) -> Vec<String> {
    constraints::describe(c)
}

/// A path lowering checked (a Rust type path) as tokens.
pub(crate) fn external_path(path: &str) -> TokenStream {
    match syn::parse_str::<syn::Type>(path) {
        Ok(t) => quote!(#t),
        // Lowering refuses paths that do not parse; keep the text visible if one slips by.
        Err(_) => quote!(compile_error!(#path)),
    }
}

/// `#[doc = "..."]` attributes for `text`, or for `fallback` when the document says nothing.
pub(crate) fn doc(text: Option<&str>, fallback: &str) -> TokenStream {
    // Text that says nothing once cleaned (control characters, empty HTML) counts as none.
    let lines = text
        .map(crate::docs::doc_lines)
        .filter(|l| l.iter().any(|l| !l.trim().is_empty()))
        .unwrap_or_else(|| crate::docs::doc_lines(fallback));
    let attrs = lines.iter().map(|l| {
        let l = if l.is_empty() {
            String::new()
        } else {
            format!(" {l}")
        };
        quote!(#[doc = #l])
    });
    quote!(#(#attrs)*)
}

/// Doc lines appended after a blank doc line. Each is kept to one line with no control
/// characters, whatever document text it was built from.
pub(crate) fn doc_more(lines: &[String]) -> TokenStream {
    if lines.is_empty() {
        return quote!();
    }
    let attrs = lines.iter().map(|l| {
        let l = format!(" {}", crate::docs::one_line(l));
        quote!(#[doc = #l])
    });
    quote!(#[doc = ""] #(#attrs)*)
}

/// `s` as inline code in docs: on one line, backticks written as `'`.
pub(crate) fn code(s: &str) -> String {
    format!("`{}`", crate::docs::one_line(s).replace('`', "'"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doc_text_from_the_document_stays_on_its_line() {
        assert_eq!(code("a`\nb\r\u{202E}c"), "`a' b c`");
        let more = doc_more(&["`GET /a\n```\nfn main() {}\n```` (x\ry)".to_string()]).to_string();
        assert!(!more.contains("\\n") && !more.contains("\\r"), "{more}");
        let d = doc(None, "Calls `a\n```\nfn main() {}\n```\n`.").to_string();
        assert!(d.contains("```text"), "{d}");
        for empty in ["\u{7}", "\u{202E}", "<p></p>", " \r\n "] {
            let d = doc(Some(empty), "Fallback.").to_string();
            assert!(d.contains("Fallback."), "{empty:?}: {d}");
        }
    }
}
