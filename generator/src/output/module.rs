//! Output, module target: folds a crate's rendered Rust files into one file for `include!`.
//! Each module declaration (`pub mod apis;`) becomes the module's file in braces; the
//! file's leading inner attributes (`//!` docs, `#![allow]`) become outer ones on that
//! inline `mod` (`///`, `#[allow]`), and the root's `//!` docs plain comments, since an
//! `include!`d file can hold no inner attributes. Paths in the files are relative
//! (`super::runtime`), so they mean the same in the crate and wherever the file is included.

use std::collections::{BTreeMap, BTreeSet};

/// The root file of the crate, where folding starts.
const ROOT: &str = "src/lib.rs";

/// `files` (a crate's, by path) folded into one Rust file, starting at `src/lib.rs` and
/// following its module declarations. Files no module declares (`Cargo.toml`) are not part
/// of it. An error is a bug in emission: a declared module without a file, a Rust file no
/// module declares, or an inner attribute other than docs at the root.
pub fn fold(files: &BTreeMap<String, String>) -> Result<String, String> {
    let mut used = BTreeSet::new();
    let root = files
        .get(ROOT)
        .ok_or_else(|| format!("internal error: no `{ROOT}` to fold"))?;
    let mut out = String::new();
    let mut body = false;
    for line in root.lines() {
        if !body {
            if let Some(doc) = line.strip_prefix("//!") {
                out.push_str("//");
                out.push_str(doc);
                out.push('\n');
                continue;
            }
            if line.starts_with("#![") {
                return Err(format!(
                    "internal error: `{ROOT}` has an inner attribute, which an included file cannot hold: {line}"
                ));
            }
            body = true;
            if !out.is_empty() {
                // The comments that were the crate's docs, apart from the first item's.
                out.push('\n');
            }
        }
        push_line(&mut out, line, ROOT, files, &mut used)?;
    }
    used.insert(ROOT.to_string());
    let left: Vec<&String> = files
        .keys()
        .filter(|p| p.ends_with(".rs") && !used.contains(*p))
        .collect();
    if !left.is_empty() {
        return Err(format!(
            "internal error: no module declares {}",
            left.iter()
                .map(|p| format!("`{p}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    Ok(out)
}

/// Appends `line` of the file at `path`, or, when it declares a module, the module's file
/// in braces (folded the same way).
fn push_line(
    out: &mut String,
    line: &str,
    path: &str,
    files: &BTreeMap<String, String>,
    used: &mut BTreeSet<String>,
) -> Result<(), String> {
    let Some((head, name)) = module_declaration(line) else {
        out.push_str(line);
        out.push('\n');
        return Ok(());
    };
    let child = child_file(path, name, files).ok_or_else(|| {
        format!("internal error: `{path}` declares `mod {name};`, which has no file")
    })?;
    if !used.insert(child.clone()) {
        return Err(format!("internal error: `{child}` is declared twice"));
    }
    // The file's inner attributes become outer ones on the inline module (after the
    // declaration's own), as the same attributes on an item: one style per item.
    let text = &files[&child];
    let mut lines = text.lines().peekable();
    while let Some(line) = lines.peek() {
        if let Some(doc) = line.strip_prefix("//!") {
            out.push_str("///");
            out.push_str(doc);
        } else if let Some(attr) = line.strip_prefix("#![") {
            if !attr.ends_with(']') {
                return Err(format!(
                    "internal error: `{child}` has an inner attribute on several lines: {line}"
                ));
            }
            out.push_str("#[");
            out.push_str(attr);
        } else {
            break;
        }
        out.push('\n');
        lines.next();
    }
    out.push_str(head);
    out.push_str(" {\n");
    for inner in lines {
        push_line(out, inner, &child, files, used)?;
    }
    out.push_str("}\n");
    Ok(())
}

/// For a line that is a module declaration at the start of a line (`pub(crate) mod auth;`),
/// the declaration without its `;` and the module's name (without `r#`).
fn module_declaration(line: &str) -> Option<(&str, &str)> {
    let head = line.strip_suffix(';')?;
    let rest = ["pub(crate) ", "pub(super) ", "pub ", ""]
        .iter()
        .find_map(|vis| head.strip_prefix(vis)?.strip_prefix("mod "))?;
    let name = rest.strip_prefix("r#").unwrap_or(rest);
    let word = !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    word.then_some((head, name))
}

/// The file of module `name` declared in the file at `path`: beside a `lib.rs` or
/// `mod.rs`, in the folder named after any other file; as `name.rs` or `name/mod.rs`.
fn child_file(path: &str, name: &str, files: &BTreeMap<String, String>) -> Option<String> {
    let (dir, file) = path.rsplit_once('/').unwrap_or(("", path));
    let dir = match file {
        "lib.rs" | "mod.rs" => dir.to_string(),
        other => format!("{dir}/{}", other.trim_end_matches(".rs")),
    };
    [format!("{dir}/{name}.rs"), format!("{dir}/{name}/mod.rs")]
        .into_iter()
        .find(|p| files.contains_key(p))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(list: &[(&str, &str)]) -> BTreeMap<String, String> {
        list.iter()
            .map(|(p, t)| (p.to_string(), t.to_string()))
            .collect()
    }

    #[test]
    fn module_declarations_become_their_files_in_braces() {
        let crate_files = files(&[
            ("Cargo.toml", "[package]\n"),
            (
                "src/lib.rs",
                "//! Root docs.\n//!\n/// Apis.\npub mod apis;\npub mod r#type;\nfn f() {}\n",
            ),
            (
                "src/apis/mod.rs",
                "//! Apis docs.\n#[cfg(feature = \"a\")]\npub mod a;\n",
            ),
            (
                "src/apis/a.rs",
                "#![allow(deprecated)]\nuse super::super::r#type::T;\n",
            ),
            (
                "src/type.rs",
                "pub(crate) mod inner;\n    mod indented;\nlet s = \"mod x;\";\n",
            ),
            ("src/type/inner.rs", "pub struct T;\n"),
        ]);
        let folded = fold(&crate_files).unwrap();
        assert_eq!(
            folded,
            "// Root docs.\n//\n\n/// Apis.\n/// Apis docs.\npub mod apis {\n#[cfg(feature = \"a\")]\n#[allow(deprecated)]\npub mod a {\nuse super::super::r#type::T;\n}\n}\npub mod r#type {\npub(crate) mod inner {\npub struct T;\n}\n    mod indented;\nlet s = \"mod x;\";\n}\nfn f() {}\n"
        );
    }

    #[test]
    fn files_that_do_not_fit_together_are_internal_errors() {
        let missing = files(&[("src/lib.rs", "pub mod gone;\n")]);
        assert!(fold(&missing).unwrap_err().contains("`mod gone;`"));
        let orphan = files(&[("src/lib.rs", "\n"), ("src/orphan.rs", "\n")]);
        assert!(fold(&orphan).unwrap_err().contains("`src/orphan.rs`"));
        let inner = files(&[("src/lib.rs", "//! Docs.\n#![forbid(unsafe_code)]\n")]);
        assert!(fold(&inner).unwrap_err().contains("inner attribute"));
        let long = files(&[
            ("src/lib.rs", "mod a;\n"),
            ("src/a.rs", "#![allow(\n    x\n)]\n"),
        ]);
        assert!(fold(&long).unwrap_err().contains("several lines"));
        assert!(fold(&files(&[])).is_err());
    }

    #[test]
    fn declarations_are_recognised_only_whole() {
        assert_eq!(
            module_declaration("pub mod apis;"),
            Some(("pub mod apis", "apis"))
        );
        assert_eq!(
            module_declaration("pub(crate) mod r#type;"),
            Some(("pub(crate) mod r#type", "type"))
        );
        assert_eq!(module_declaration("mod a_1;"), Some(("mod a_1", "a_1")));
        for not in [
            "pub mod a {",
            "  mod a;",
            "// mod a;",
            "mod a b;",
            "mod ;",
            "pub mod a; // x",
        ] {
            assert_eq!(module_declaration(not), None, "{not}");
        }
    }
}
