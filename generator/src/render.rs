//! Render: formats emitted tokens with `prettyplease`, so the bytes depend on this crate's
//! dependency versions only, never on an installed rustfmt.

use proc_macro2::TokenStream;

/// Formats one Rust file. A parse failure is a bug in emission, reported with the file name.
pub fn render_rust(path: &str, tokens: TokenStream) -> Result<String, String> {
    let file: syn::File = syn::parse2(tokens)
        .map_err(|e| format!("internal error: emitted `{path}` is not valid Rust: {e}"))?;
    Ok(prettyplease::unparse(&file))
}
