//! Emit: consumes an operation of the IR whose success body is binary and renders its
//! builder's `send_stream`: the same request as `send`, with the success body handed back
//! unread as a `runtime::ByteStream` and documented errors decoded from a buffered body.

use super::send::decoded_outcome;
use super::{ty, Place};
use crate::ir::{Operation, Outcome, ResponseKind, Success};
use proc_macro2::TokenStream;
use quote::quote;

/// Whether the operation's success is a binary body, which `send_stream` can stream.
pub(super) fn streams_download(op: &Operation) -> bool {
    matches!(
        &op.success,
        Success::Single {
            kind: ResponseKind::Bytes,
            ..
        }
    )
}

/// `send_stream`, which builds its request with the operation's `into_request` (as `send`
/// does). Nothing for an operation whose success is not a binary body.
pub(super) fn emit_send_stream(
    op: &Operation,
    arms: &[(TokenStream, &Outcome)],
    otherwise: &Outcome,
) -> TokenStream {
    if !streams_download(op) {
        return quote!();
    }
    let err = ty(&op.error_ty, Place::Elsewhere);
    // A success hands the response over unread; anything else is read, within the body
    // limit, and decoded as `send` decodes it.
    let outcome = |o: &Outcome| match o {
        Outcome::Success(_) => quote!(Ok(runtime::ByteStream::new(response))),
        other => {
            let decoded = decoded_outcome(other);
            quote!({
                let response = client.read_response(response).await.map_err(Error::into_typed)?;
                #decoded
            })
        }
    };
    let arms = arms.iter().map(|(pats, o)| {
        let o = outcome(o);
        quote!(#pats => #o,)
    });
    let otherwise = outcome(otherwise);
    let doc = [
        " Sends the request and returns the success body unread, as a stream of chunks read as",
        " they arrive ([`runtime::ByteStream`]): a body of any size takes bounded memory, and",
        " the client's `max_response_body_bytes` does not apply to it (its `timeout` does, for",
        " the whole body). Error statuses are read and decoded as [`Self::send`] decodes them.",
        " The request is retried as `send`'s is, unless its body is streamed.",
    ];
    quote! {
        #(#[doc = #doc])*
        pub async fn send_stream(self) -> Result<runtime::ByteStream<#err>, Error<#err>> {
            let (client, request) = runtime::Operation::into_request(self)?;
            let response = client.execute_unread(request).await.map_err(Error::into_typed)?;
            match response.status().as_u16() {
                #(#arms)*
                _ => #otherwise,
            }
        }
    }
}
