//! Emit: consumes the IR's operations with their smoke-test arguments
//! ([`crate::ir::SmokeCall`]) and renders `tests/smoke.rs`: one test that calls every
//! operation once against the server at `SMOKE_BASE_URL` with credentials for every scheme,
//! and prints a one-line JSON summary. Document values reach the code only as string
//! literals of JSON text, decoded into the argument's type when the test runs.

use super::{ident, ty, Place};
use crate::ir::{Api, Operation, SchemeKind, SmokeValue, Ty};
use crate::naming::unraw;
use crate::options::Modules;
use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

/// The environment variable that names the server.
pub const BASE_URL_VAR: &str = "SMOKE_BASE_URL";

/// The file's leading part: docs, imports and the helpers every call uses.
pub(super) fn head(crate_name: &str, header_line: &str) -> TokenStream {
    let krate = crate_name.replace('-', "_");
    let krate = match syn::parse_str::<syn::Ident>(&krate) {
        Ok(id) => quote!(#id),
        Err(_) => quote!(compile_error!("the crate name is not a Rust identifier")),
    };
    let missing = format!("{BASE_URL_VAR} names the server the smoke test calls");
    quote! {
        #![doc = #header_line]
        #![doc = ""]
        #![doc = " Smoke test: calls every operation once against the server at `SMOKE_BASE_URL`"]
        #![doc = " (a mock server such as Prism), with arguments made from the document's examples"]
        #![doc = " or its schemas and credentials for every security scheme (`SMOKE_<SETTER>`, in"]
        #![doc = " upper case, or `smoke`). A call succeeds when the response decodes into the"]
        #![doc = " declared type or is a declared error (`Error::Api`); any other status, a decoding"]
        #![doc = " failure or a transport error fails it. The last line printed is a JSON summary:"]
        #![doc = " `{\"operations\": N, \"called\": N, \"failures\": [...], \"not_called\": [...]}`."]
        // Deprecated operations are called too; a document may need no arguments or make
        // no call, leaving helpers unused.
        #![allow(deprecated, dead_code)]

        #[allow(unused_imports)]
        use #krate::models;
        // Arguments of the runtime's types (request bodies) are named through it.
        #[allow(unused_imports)]
        use #krate::runtime;
        use #krate::{Client, ClientBuilder, Error, RetryPolicy};

        /// What the calls came to.
        #[derive(Default)]
        struct Summary {
            operations: usize,
            called: usize,
            failures: Vec<serde_json::Value>,
            not_called: Vec<serde_json::Value>,
        }

        impl Summary {
            /// Records a call: `Err` holds why it failed.
            fn called(&mut self, operation: &str, result: Result<(), String>) {
                self.operations += 1;
                self.called += 1;
                if let Err(error) = result {
                    self.failures.push(entry(operation, "error", error));
                }
            }

            /// Records an operation the test cannot call, and why.
            fn not_called(&mut self, operation: &str, reason: &str) {
                self.operations += 1;
                self.not_called.push(entry(operation, "reason", reason.to_string()));
            }

            /// Prints the summary on a line of its own (after whatever the test harness
            /// printed on the current one), then fails if a call failed.
            fn finish(self) {
                // Written by hand to keep the keys in this order.
                println!(
                    "\n{{\"operations\": {}, \"called\": {}, \"failures\": {}, \"not_called\": {}}}",
                    self.operations,
                    self.called,
                    serde_json::Value::from(self.failures.clone()),
                    serde_json::Value::from(self.not_called),
                );
                assert!(self.failures.is_empty(), "{} of {} calls failed", self.failures.len(), self.called);
            }
        }

        /// `{"operation": operation, key: text}`.
        fn entry(operation: &str, key: &str, text: String) -> serde_json::Value {
            let mut entry = serde_json::Map::new();
            entry.insert("operation".to_string(), operation.into());
            entry.insert(key.to_string(), text.into());
            serde_json::Value::Object(entry)
        }

        /// The first of `candidates` (JSON texts) that decodes into the argument's type.
        fn arg<T: serde::de::DeserializeOwned>(name: &str, candidates: &[&str]) -> Result<T, String> {
            let mut errors = Vec::new();
            for text in candidates {
                match serde_json::from_str(text) {
                    Ok(value) => return Ok(value),
                    Err(e) => errors.push(e.to_string()),
                }
            }
            Err(format!("no value made for `{name}` decodes: {}", errors.join("; ")))
        }

        /// Whether a call succeeded: a decoded response or a declared error status.
        fn outcome<T, E: std::fmt::Debug>(result: Result<T, Error<E>>) -> Result<(), String> {
            match result {
                Ok(_) | Err(Error::Api { .. }) => Ok(()),
                Err(Error::UnexpectedStatus { status, snippet, .. }) => {
                    Err(format!("undeclared status {status}: {snippet}"))
                }
                Err(e) => {
                    let mut text = e.to_string();
                    let mut source = std::error::Error::source(&e);
                    while let Some(s) = source {
                        text.push_str(&format!(": {s}"));
                        source = s.source();
                    }
                    // What was answered, to tell a client's fault from the server's.
                    if let Error::Decode { status, snippet, .. } = &e {
                        text.push_str(&format!(" (status {status}: {snippet})"));
                    }
                    Err(text)
                }
            }
        }

        /// A credential from the environment, or a placeholder a mock server accepts.
        fn credential(var: &str) -> String {
            std::env::var(var).unwrap_or_else(|_| "smoke".to_string())
        }

        fn client() -> Client {
            let base_url = std::env::var(#BASE_URL_VAR).expect(#missing);
            let builder = Client::builder()
                .base_url(base_url)
                .retry_policy(RetryPolicy::disabled());
            credentials(builder).build().expect("the client builds")
        }
    }
}

/// `fn credentials`: every scheme's setter, with its credential.
pub(super) fn credentials(api: &Api) -> TokenStream {
    let setters = api.security_schemes.iter().map(|s| {
        let id = ident(&s.setter);
        let var = format!("SMOKE_{}", unraw(&s.setter).to_ascii_uppercase());
        match s.kind {
            SchemeKind::Basic => {
                let user = format!("{var}_USERNAME");
                let password = format!("{var}_PASSWORD");
                quote!(.#id(credential(#user), credential(#password)))
            }
            _ => quote!(.#id(credential(#var))),
        }
    });
    quote! {
        /// Credentials for every security scheme, so each operation has one it accepts.
        fn credentials(builder: ClientBuilder) -> ClientBuilder {
            builder #(#setters)*
        }
    }
}

/// The test function, one statement per operation in group and document order, and one
/// function per operation that calls it.
pub(super) fn calls(api: &Api, modules: Modules) -> TokenStream {
    let mut used = std::collections::BTreeSet::new();
    let mut statements = Vec::new();
    let mut calls = Vec::new();
    let mut fns = Vec::new();
    for g in &api.groups {
        let gate = match &g.feature {
            Some(f) => quote!(#[cfg(feature = #f)]),
            None => quote!(),
        };
        for op in &g.operations {
            let handle = match modules {
                Modules::PerTag => {
                    let m = ident(&g.module);
                    quote!(.#m())
                }
                Modules::Flat => quote!(),
            };
            let name = op.api_name.as_str();
            match call_body(op, handle) {
                Ok(body) => {
                    let mut fn_name = format!("call_{}", unraw(&op.name));
                    let mut n = 1;
                    while !used.insert(fn_name.clone()) {
                        n += 1;
                        fn_name = format!("call_{}_{n}", unraw(&op.name));
                    }
                    let f = format_ident!("{fn_name}");
                    let d = format!(
                        " Calls `{}` (`{} {}`).",
                        crate::docs::one_line(name).replace('`', "'"),
                        op.method,
                        crate::docs::one_line(&op.path).replace('`', "'")
                    );
                    fns.push(quote! {
                        #[doc = #d]
                        #gate
                        fn #f(client: &Client) -> CallFuture<'_> {
                            Box::pin(async move {
                                #body
                            })
                        }
                    });
                    calls.push(quote!(#gate (#name, #f)));
                }
                Err(reason) => {
                    statements.push(quote!(#gate summary.not_called(#name, #reason);));
                }
            }
        }
    }
    quote! {
        /// One operation's call, on the heap: a document may have thousands, and one
        /// function awaiting them all in place would need a stack as large as all of them.
        type CallFuture<'a> = std::pin::Pin<Box<dyn std::future::Future<Output = Result<(), String>> + 'a>>;

        /// A function that calls one operation.
        type Call = fn(&Client) -> CallFuture<'_>;

        /// The operations to call, in group and document order.
        const CALLS: &[(&str, Call)] = &[#(#calls),*];

        #[tokio::test]
        async fn smoke() {
            let client = client();
            let mut summary = Summary::default();
            #(#statements)*
            for (operation, call) in CALLS {
                summary.called(operation, call(&client).await);
            }
            summary.finish();
        }

        #(#fns)*
    }
}

/// The body of the function that calls `op`, or why it cannot be called.
fn call_body(op: &Operation, handle: TokenStream) -> Result<TokenStream, String> {
    let Some(smoke) = &op.smoke else {
        return Err("no smoke arguments were made".to_string());
    };
    let mut lets = Vec::new();
    let mut args = Vec::new();
    let required = op.params.iter().filter(|p| p.required);
    for (p, (_, value)) in required.zip(&smoke.params) {
        let local = format_ident!("p_{}", unraw(&p.name));
        let init = argument(&p.api_name, &p.ty, value)
            .map_err(|reason| format!("parameter `{}`: {reason}", p.api_name))?;
        let t = ty(&p.ty, Place::Elsewhere);
        lets.push(quote!(let #local: #t = #init;));
        args.push(quote!(#local));
    }
    if let (Some(b), Some(value)) = (op.body.as_ref().filter(|b| b.required), &smoke.body) {
        let init =
            argument("body", &b.ty, value).map_err(|reason| format!("request body: {reason}"))?;
        let t = ty(&b.ty, Place::Elsewhere);
        lets.push(quote!(let body: #t = #init;));
        args.push(quote!(body));
    }
    let method = ident(&op.name);
    Ok(quote! {
        #(#lets)*
        outcome(client #handle.#method(#(#args),*).send().await)
    })
}

/// `arg("name", &["...", ...])?` for a value, or why there is none.
fn argument(api_name: &str, t: &Ty, value: &SmokeValue) -> Result<TokenStream, String> {
    if names_crate_path(t) {
        return Err("its type is a `crate::` path, which a test cannot name".to_string());
    }
    match value {
        SmokeValue::Impossible(why) => Err(why.clone()),
        SmokeValue::Candidates(values) => {
            let texts = values.iter().map(|v| json_literal(&v.to_string()));
            Ok(quote!(arg(#api_name, &[#(#texts),*])?))
        }
    }
}

/// Whether `t` holds a user's type named from the crate's root, which means another crate
/// in a test file.
fn names_crate_path(t: &Ty) -> bool {
    match t {
        Ty::External { path, .. } => path.starts_with("crate::"),
        Ty::Vec(inner) | Ty::Map(inner) | Ty::Option(inner) | Ty::Boxed(inner) => {
            names_crate_path(inner)
        }
        _ => false,
    }
}

/// JSON text as a raw string literal (with enough `#`s), or an escaped one.
fn json_literal(text: &str) -> Literal {
    let mut longest = 0;
    let mut run: Option<usize> = None;
    for c in text.chars() {
        run = match (c, run) {
            ('"', _) => Some(0),
            ('#', Some(n)) => Some(n + 1),
            _ => None,
        };
        longest = longest.max(run.unwrap_or(0));
    }
    let hashes = "#".repeat(longest + 1);
    let raw = format!("r{hashes}\"{text}\"{hashes}");
    if text.contains('\r') {
        return Literal::string(text);
    }
    raw.parse::<Literal>()
        .unwrap_or_else(|_| Literal::string(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_text_becomes_a_raw_string_that_cannot_end_early() {
        assert_eq!(json_literal(r#"{"a":1}"#).to_string(), r##"r#"{"a":1}"#"##);
        assert_eq!(
            json_literal(r###"["\"##"]"###).to_string(),
            r####"r###"["\"##"]"###"####
        );
        assert_eq!(json_literal("\"\r\"").to_string(), r#""\"\r\"""#);
    }
}
