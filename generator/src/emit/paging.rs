//! Emit: consumes an operation's IR paging and renders the builder's `stream` method.

use super::{ident, ty, Place};
use crate::ir::{Operation, Pagination, Ty};
use proc_macro2::TokenStream;
use quote::quote;

pub(super) fn emit_stream(op: &Operation, p: &Pagination) -> TokenStream {
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
                Ty::Int { bits: 64 } | Ty::Uint { bits: 64 } => quote!(limit as f64),
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
                /// offset that cannot advance ([`Error::Paging`]).
                pub fn stream(self) -> runtime::ItemStream<'static, #item, #err> {
                    runtime::paginate(self, |builder| async move {
                        let start: #ot = builder.#offset.unwrap_or_default();
                        let limit = builder.#limit;
                        let page = builder.clone().send().await?;
                        let count = page.len();
                        let full = match limit {
                            Some(limit) => count as f64 >= #limit_f64,
                            None => true,
                        };
                        let next = if count > 0 && full {
                            runtime::Next::offset(start, #advanced, |o| Self { #offset: Some(o), ..builder })
                        } else {
                            runtime::Next::end()
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
                /// while it says there is more ([`Error::Paging`]).
                pub fn stream(self) -> runtime::ItemStream<'static, #item, #err> {
                    runtime::paginate(self, |builder| async move {
                        let page = builder.clone().send().await?;
                        let has_more = #has_more;
                        let cursor = #cursor;
                        let items = #items;
                        let next = runtime::Next::cursor(has_more, cursor, |c| Self { #cp: Some(c), ..builder });
                        Ok((items, next))
                    })
                }
            }
        }
    }
}
