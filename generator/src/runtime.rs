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
/// Read once per process from [`FILES`] by [`scan_methods`]: a line scan of the formatted
/// runtime, which a test holds equal to a full parse with `syn` (parsing the runtime's
/// 6,000 lines took a third of generating the Lightly client).
pub fn methods_of(type_name: &str) -> &'static [&'static str] {
    static METHODS: OnceLock<BTreeMap<&'static str, Vec<&'static str>>> = OnceLock::new();
    let all = METHODS.get_or_init(|| {
        let optional = OPTIONAL_FILES.iter().map(|(_, _, text, _)| *text);
        scan_methods(FILES.iter().map(|(_, text)| *text).chain(optional))
    });
    all.get(type_name).map_or(&[], Vec::as_slice)
}

/// The methods of the inherent impls in `files`, by the last segment of the implementing
/// type. The runtime is rustfmt-formatted: an inherent impl opens with `impl` at the start of
/// a line (with no ` for `), closes with `}` alone on a line, and its functions' signatures
/// start four spaces in (after any visibility and qualifiers).
fn scan_methods<'a>(files: impl Iterator<Item = &'a str>) -> BTreeMap<&'a str, Vec<&'a str>> {
    let mut all: BTreeMap<&'a str, Vec<&'a str>> = BTreeMap::new();
    for text in files {
        let mut current: Option<&'a str> = None;
        for line in text.lines() {
            if let Some(ty) = current {
                if line == "}" {
                    current = None;
                } else if let Some(name) = line.strip_prefix("    ").and_then(fn_name) {
                    all.entry(ty).or_default().push(name);
                }
            } else if let Some(head) = line.strip_prefix("impl") {
                current = inherent_self_type(head);
            }
        }
    }
    for methods in all.values_mut() {
        methods.sort_unstable();
        methods.dedup();
    }
    all
}

/// The implementing type's last path segment, from what follows `impl` on an impl's first
/// line (`<E> Error<E> {`, ` Client {`), or `None` for a trait impl.
fn inherent_self_type(head: &str) -> Option<&str> {
    let head = head.strip_suffix('{')?.trim_end();
    if head.contains(" for ") {
        return None;
    }
    // Skip the impl's own generics (`<O: Operation, M: Mode>`), then take the type's path.
    let ty = match head.strip_prefix('<') {
        Some(rest) => {
            let mut depth = 1usize;
            let close = rest.char_indices().find_map(|(i, c)| {
                match c {
                    '<' => depth += 1,
                    '>' => depth -= 1,
                    _ => {}
                }
                (depth == 0).then_some(i)
            })?;
            &rest[close + 1..]
        }
        None => head,
    };
    let path = ty.trim().split('<').next()?;
    path.rsplit("::").next().filter(|s| !s.is_empty())
}

/// The name of the function whose signature starts `line` (indentation removed), if any.
fn fn_name(line: &str) -> Option<&str> {
    let mut rest = line;
    for prefix in ["pub(crate) ", "pub(super) ", "pub "] {
        if let Some(r) = rest.strip_prefix(prefix) {
            rest = r;
            break;
        }
    }
    for qualifier in ["const ", "async ", "unsafe "] {
        if let Some(r) = rest.strip_prefix(qualifier) {
            rest = r;
        }
    }
    let rest = rest.strip_prefix("fn ")?;
    let end = rest
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(rest.len());
    (end > 0).then(|| &rest[..end])
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

    /// The line scan reads what a parse with `syn` reads, file by file.
    #[test]
    fn the_line_scan_agrees_with_syn() {
        let optional = OPTIONAL_FILES
            .iter()
            .map(|(name, _, text, _)| (*name, *text));
        for (name, text) in FILES.iter().copied().chain(optional) {
            let file: syn::File = syn::parse_str(text)
                .unwrap_or_else(|e| panic!("generator/runtime/{name} does not parse: {e}"));
            let mut parsed: BTreeMap<String, Vec<String>> = BTreeMap::new();
            for item in &file.items {
                let syn::Item::Impl(imp) = item else { continue };
                let syn::Type::Path(p) = imp.self_ty.as_ref() else {
                    continue;
                };
                let (true, Some(last)) = (imp.trait_.is_none(), p.path.segments.last()) else {
                    continue;
                };
                let methods = parsed.entry(last.ident.to_string()).or_default();
                for member in &imp.items {
                    if let syn::ImplItem::Fn(f) = member {
                        methods.push(f.sig.ident.to_string());
                    }
                }
            }
            for methods in parsed.values_mut() {
                methods.sort_unstable();
                methods.dedup();
            }
            parsed.retain(|_, methods| !methods.is_empty());
            let scanned: BTreeMap<String, Vec<String>> = scan_methods(std::iter::once(text))
                .into_iter()
                .map(|(ty, methods)| {
                    (
                        ty.to_string(),
                        methods.iter().map(|m| m.to_string()).collect(),
                    )
                })
                .collect();
            assert_eq!(scanned, parsed, "generator/runtime/{name}");
        }
    }

    #[test]
    fn the_line_scan_reads_generics_paths_and_qualifiers() {
        assert_eq!(
            inherent_self_type("<O: Operation, M: Mode> Sending<O, M> {"),
            Some("Sending")
        );
        assert_eq!(inherent_self_type(" Client {"), Some("Client"));
        assert_eq!(inherent_self_type(" crate::a::Thing {"), Some("Thing"));
        assert_eq!(inherent_self_type(" Display for Thing {"), None);
        assert_eq!(
            fn_name("pub(crate) async fn execute(&self) {"),
            Some("execute")
        );
        assert_eq!(fn_name("pub const unsafe fn raw("), Some("raw"));
        assert_eq!(fn_name("let fn_ = 1;"), None);
    }
}
