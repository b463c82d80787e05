//! Inline: every function the generator writes in an impl block of the crate's sources is
//! `#[inline]`, so that it is compiled where it is called and not in the client crate.
//!
//! A non-generic function of a library is compiled into the library whether anyone calls it
//! or not: the builders' setters, the `Operation` impls, the models' conversions, 1,223
//! operations' worth for GitHub's API, of which a program calls a few. An `#[inline]` one is
//! compiled only in the crates that call it, as a generic one is. For the Lightly client this
//! took a clean build of the crate from about 4.1 s to 3.0 s and a rebuild after a touch
//! from 0.80 s to 0.72 s (the README's benchmarks). It is a hint, not an order, to the
//! optimizer; in an optimized build it decides as it would for any small function.
//!
//! Run by render on each parsed piece (see [`crate::render::Finish`]); the runtime is copied
//! as written and keeps its own attributes.

/// Adds `#[inline]` (after its docs) to each function of each impl block in a file under
/// `src/`, unless it already has an `inline` attribute. Other files (the smoke test) are
/// left as they are.
pub fn mark(path: &str, file: &mut syn::File) {
    if path.starts_with("src/") {
        mark_items(&mut file.items);
    }
}

fn mark_items(items: &mut [syn::Item]) {
    for item in items {
        match item {
            syn::Item::Impl(imp) => {
                for member in &mut imp.items {
                    if let syn::ImplItem::Fn(f) = member {
                        if !f.attrs.iter().any(|a| a.path().is_ident("inline")) {
                            // After the docs, so that they still open the item.
                            let at = f
                                .attrs
                                .iter()
                                .rposition(|a| a.path().is_ident("doc"))
                                .map_or(0, |i| i + 1);
                            f.attrs.insert(at, inline());
                        }
                    }
                }
            }
            syn::Item::Mod(m) => {
                if let Some((_, items)) = &mut m.content {
                    mark_items(items);
                }
            }
            _ => {}
        }
    }
}

/// `#[inline]`, built rather than parsed (this runs for every function of the crate).
fn inline() -> syn::Attribute {
    syn::Attribute {
        pound_token: Default::default(),
        style: syn::AttrStyle::Outer,
        bracket_token: Default::default(),
        meta: syn::Meta::Path(syn::Ident::new("inline", proc_macro2::Span::call_site()).into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn marked(path: &str, code: &str) -> String {
        let mut file: syn::File = syn::parse_str(code).unwrap();
        mark(path, &mut file);
        prettyplease::unparse(&file)
    }

    #[test]
    fn functions_in_impls_under_src_are_marked_once() {
        let code = "
            /// A type.
            pub struct A;
            impl A {
                /// Docs stay first.
                pub fn new() -> Self { A }
                #[inline(always)]
                fn hot(&self) {}
                const N: usize = 1;
            }
            impl Default for A { fn default() -> Self { A } }
            pub fn free() {}
            mod inner { impl super::A { fn deep(&self) {} } }
        ";
        let out = marked("src/models.rs", code);
        assert_eq!(out.matches("#[inline]").count(), 3, "{out}");
        assert!(
            out.contains("/// Docs stay first.\n    #[inline]\n    pub fn new()"),
            "{out}"
        );
        assert!(out.contains("#[inline(always)]\n    fn hot"), "{out}");
        assert!(out.contains("#[inline]\n    fn default()"), "{out}");
        assert!(out.contains("#[inline]\n        fn deep"), "{out}");
        assert!(
            out.contains("\npub fn free()"),
            "a free function is not marked: {out}"
        );
    }

    #[test]
    fn files_outside_src_are_left_alone() {
        let code = "impl A { fn a() {} }";
        assert!(!marked("tests/smoke.rs", code).contains("inline"));
    }
}
