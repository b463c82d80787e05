//! Runtime source (shared, below every stage): the hand-written modules under
//! `generator/runtime/` exactly as every generated crate receives them, and the method names
//! they define, read from that source, so naming's tables follow the runtime by construction.

use std::collections::BTreeMap;
use std::sync::OnceLock;

/// The runtime's files, by name, as `emit` ships them under `src/runtime/`.
pub const FILES: &[(&str, &str)] = &[
    ("attempt.rs", include_str!("../runtime/attempt.rs")),
    ("auth.rs", include_str!("../runtime/auth.rs")),
    ("body.rs", include_str!("../runtime/body.rs")),
    ("client.rs", include_str!("../runtime/client.rs")),
    ("de.rs", include_str!("../runtime/de.rs")),
    ("download.rs", include_str!("../runtime/download.rs")),
    ("error.rs", include_str!("../runtime/error.rs")),
    ("formats.rs", include_str!("../runtime/formats.rs")),
    ("interceptor.rs", include_str!("../runtime/interceptor.rs")),
    ("mock.rs", include_str!("../runtime/mock.rs")),
    ("mod.rs", include_str!("../runtime/mod.rs")),
    ("model.rs", include_str!("../runtime/model.rs")),
    ("multipart.rs", include_str!("../runtime/multipart.rs")),
    ("operation.rs", include_str!("../runtime/operation.rs")),
    ("options.rs", include_str!("../runtime/options.rs")),
    ("paging.rs", include_str!("../runtime/paging.rs")),
    ("params.rs", include_str!("../runtime/params.rs")),
    ("pattern.rs", include_str!("../runtime/pattern.rs")),
    ("request.rs", include_str!("../runtime/request.rs")),
    ("response.rs", include_str!("../runtime/response.rs")),
    ("retry.rs", include_str!("../runtime/retry.rs")),
    ("ser.rs", include_str!("../runtime/ser.rs")),
    ("sse.rs", include_str!("../runtime/sse.rs")),
    ("trace.rs", include_str!("../runtime/trace.rs")),
    ("validate.rs", include_str!("../runtime/validate.rs")),
];

/// Runtime modules shipped only to crates that depend on a crate: (file, the crate it
/// needs, the lines `mod.rs` gets to declare and export it).
pub const OPTIONAL_FILES: &[(&str, &str, &str, &str)] = &[
    (
        "base64_bytes.rs",
        "base64",
        include_str!("../runtime/base64_bytes.rs"),
        "pub(crate) mod base64_bytes;\npub use base64_bytes::Base64;\n",
    ),
    (
        "time_rfc3339.rs",
        "time",
        include_str!("../runtime/time_rfc3339.rs"),
        "pub(crate) mod time_rfc3339;\npub use time_rfc3339::{FullDate, Rfc3339};\n",
    ),
];

/// The methods the runtime's inherent impls define on the type called `type_name` (whatever
/// their visibility: any of them collides with a method of the same name), in name order.
/// Parsed once per process from [`FILES`].
pub fn methods_of(type_name: &str) -> &'static [&'static str] {
    static METHODS: OnceLock<BTreeMap<String, Vec<&'static str>>> = OnceLock::new();
    let all = METHODS.get_or_init(|| {
        let mut all: BTreeMap<String, Vec<&'static str>> = BTreeMap::new();
        let optional = OPTIONAL_FILES.iter().map(|(name, _, text, _)| (name, text));
        for (name, text) in FILES.iter().map(|(n, t)| (n, t)).chain(optional) {
            // The runtime is ours and compiled by the tests: a parse failure is a bug here.
            let file: syn::File = syn::parse_str(text)
                .unwrap_or_else(|e| panic!("generator/runtime/{name} does not parse: {e}"));
            for item in &file.items {
                let syn::Item::Impl(imp) = item else { continue };
                let syn::Type::Path(p) = imp.self_ty.as_ref() else {
                    continue;
                };
                let (true, Some(last)) = (imp.trait_.is_none(), p.path.segments.last()) else {
                    continue;
                };
                let methods = all.entry(last.ident.to_string()).or_default();
                for member in &imp.items {
                    if let syn::ImplItem::Fn(f) = member {
                        // A handful of short names, once per process.
                        methods.push(Box::leak(f.sig.ident.to_string().into_boxed_str()));
                    }
                }
            }
        }
        for methods in all.values_mut() {
            methods.sort_unstable();
            methods.dedup();
        }
        all
    });
    all.get(type_name).map_or(&[], Vec::as_slice)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn methods_are_read_from_the_runtime_source() {
        let builder = methods_of("ClientBuilder");
        for m in ["new", "base_url", "max_response_body_bytes", "build"] {
            assert!(builder.contains(&m), "{builder:?}");
        }
        let client = methods_of("Client");
        for m in ["base_url", "execute", "apply_security"] {
            assert!(client.contains(&m), "{client:?}");
        }
        assert!(methods_of("NoSuchType").is_empty());
    }
}
