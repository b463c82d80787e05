//! Emit: consumes an operation whose success is a `text/event-stream` response and renders
//! its `send`, which opens a `runtime::EventStream` of the event data's type: success
//! statuses open the stream, any other is read whole and decoded as the response match says.

use super::send::{error_statuses_doc, status_pattern};
use super::{ty, Place};
use crate::ir::{EventData, Operation, Outcome, Ty};
use proc_macro2::TokenStream;
use quote::quote;

/// The type `send` returns: `runtime::EventStream<Data, ErrorBody>`.
pub(super) fn event_stream_ty(data: &EventData, error_ty: &Ty) -> TokenStream {
    let data = match data {
        EventData::Json(t) | EventData::SerdeText(t) => ty(t, Place::Elsewhere),
        EventData::Text => quote!(String),
    };
    let err = ty(error_ty, Place::Elsewhere);
    quote!(runtime::EventStream<#data, #err>)
}

/// `send` of an event-stream operation, its `options` setter, and the `into_request` that
/// `build_request` (the checks and the `request` local, as every operation builds it) makes.
pub(super) fn emit_event_stream_send(
    op: &Operation,
    data: &EventData,
    build_request: TokenStream,
    options: TokenStream,
) -> TokenStream {
    let ok = event_stream_ty(data, &op.error_ty);
    let err = ty(&op.error_ty, Place::Elsewhere);
    let decoder = match data {
        EventData::Json(_) => quote!(runtime::EventData::json()),
        EventData::SerdeText(_) => quote!(runtime::EventData::serde_text()),
        EventData::Text => quote!(runtime::EventData::text()),
    };
    let (success, errors): (Vec<_>, Vec<_>) = op
        .responses
        .arms
        .iter()
        .partition(|arm| matches!(arm.outcome, Outcome::Success(_)));
    let success_pats: Vec<TokenStream> = success
        .iter()
        .flat_map(|arm| arm.statuses.iter().map(|s| status_pattern(*s)))
        .collect();
    let success = if success_pats.is_empty() {
        quote!(|_| false)
    } else {
        quote!(|status| matches!(status, #(#success_pats)|*))
    };
    let otherwise = error_value(&op.responses.otherwise);
    let error = if errors.is_empty() {
        quote!(|response| #otherwise)
    } else {
        let arms = errors.iter().map(|arm| {
            let pats = arm.statuses.iter().map(|s| status_pattern(*s));
            let value = error_value(&arm.outcome);
            quote!(#(#pats)|* => #value,)
        });
        quote! {
            |response| match response.status().as_u16() {
                #(#arms)*
                _ => #otherwise,
            }
        }
    };
    let mut doc = vec![
        " Sends the request and opens the stream of server-sent events: `.next().await` on the"
            .to_string(),
        " [`runtime::EventStream`] gives each event with its data decoded, and".to_string(),
        " `.reconnect(max_attempts)` resumes it with `Last-Event-ID` when it ends.".to_string(),
    ];
    doc.extend(error_statuses_doc(op));
    let doc = doc.iter().map(|l| quote!(#[doc = #l]));
    quote! {
        #(#doc)*
        pub async fn send(self) -> Result<#ok, Error<#err>> {
            let (client, request) = self.into_request()?;
            runtime::EventStream::open(client, request, #decoder, #success, #error).await
        }

        #options

        // The error is the operation's, as large as its `send` returns.
        #[allow(clippy::result_large_err)]
        fn into_request(self) -> Result<(Client, Request), Error<#err>> {
            #build_request
            Ok((self.client, request))
        }
    }
}

/// The error a non-stream response becomes.
fn error_value(outcome: &Outcome) -> TokenStream {
    match outcome {
        Outcome::ApiError => quote!(response.api_error()),
        Outcome::ApiErrorEmpty => quote!(response.api_error_empty()),
        // Successes open the stream and never reach the error function.
        Outcome::Unexpected | Outcome::Success(_) | Outcome::Variant { .. } => {
            quote!(response.unexpected())
        }
    }
}
