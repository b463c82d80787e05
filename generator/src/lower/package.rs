//! Lower: the document's `info.license` and `info.contact` into the IR's package facts (the
//! SPDX expression a license names, a contact URL fit to be a homepage), and the package
//! options `cargo package` would refuse in ways the config's own checks cannot see, so a
//! generated crate is not refused at packaging time for a value the generator could name.

use super::Lowerer;
use crate::ir::{Contact, License};
use crate::load::normalize31::LICENSE_IDENTIFIER;
use crate::options::Package;

/// License identifiers (SPDX) accepted from a document without a package option: the ones
/// crates use most. An expression naming any other is not trusted from document text (set
/// the package license instead, which is checked only for its form).
const KNOWN_LICENSES: &[&str] = &[
    "0BSD",
    "AGPL-3.0",
    "AGPL-3.0-only",
    "AGPL-3.0-or-later",
    "Apache-2.0",
    "Artistic-2.0",
    "BSD-2-Clause",
    "BSD-3-Clause",
    "BSL-1.0",
    "BlueOak-1.0.0",
    "CC-BY-4.0",
    "CC-BY-SA-4.0",
    "CC0-1.0",
    "CDDL-1.0",
    "EPL-1.0",
    "EPL-2.0",
    "EUPL-1.2",
    "GPL-2.0",
    "GPL-2.0-only",
    "GPL-2.0-or-later",
    "GPL-3.0",
    "GPL-3.0-only",
    "GPL-3.0-or-later",
    "ISC",
    "LGPL-2.1",
    "LGPL-2.1-only",
    "LGPL-2.1-or-later",
    "LGPL-3.0",
    "LGPL-3.0-only",
    "LGPL-3.0-or-later",
    "MIT",
    "MIT-0",
    "MPL-2.0",
    "MS-PL",
    "NCSA",
    "OpenSSL",
    "PostgreSQL",
    "Python-2.0",
    "Unicode-3.0",
    "Unicode-DFS-2016",
    "Unlicense",
    "UPL-1.0",
    "WTFPL",
    "X11",
    "Zlib",
];

/// License exceptions (SPDX) accepted after `WITH` from a document.
const KNOWN_EXCEPTIONS: &[&str] = &[
    "Classpath-exception-2.0",
    "GCC-exception-3.1",
    "LLVM-exception",
];

/// The editions Cargo knows, with the first Rust version of each.
const EDITIONS: &[(&str, (u64, u64))] = &[("2018", (1, 31)), ("2021", (1, 56)), ("2024", (1, 85))];

/// The oldest Rust the generated code builds with (it bounds associated types in
/// `impl Trait` arguments, stable since 1.79, and the runtime is checked with 1.80).
const OLDEST_RUST: (u64, u64) = (1, 80);

/// Files the generator writes itself, which a license file cannot replace.
const OWN_FILES: &[&str] = &["Cargo.toml", "Cargo.lock", "README.md"];

impl Lowerer<'_> {
    /// `info.license`, with the SPDX expression for the crate when the document names one
    /// of known licenses (a warning says why it does not otherwise).
    pub(super) fn lower_license(&mut self) -> Option<License> {
        let license = self.api.info.license.as_ref()?;
        let identifier = license
            .extensions
            .get(LICENSE_IDENTIFIER)
            .and_then(|v| v.as_str());
        let (text, at) = match identifier {
            Some(id) => (id, "#/info/license/identifier"),
            None => (license.name.as_str(), "#/info/license/name"),
        };
        let spdx = if spdx_expression(text, true) {
            Some(text.trim().to_string())
        } else {
            if self.options.package.license.is_none() && self.options.package.license_file.is_none()
            {
                self.diags.warning(
                    at,
                    format!(
                        "license {} is not an SPDX expression of known licenses, so the crate names no license; set the package license or license file",
                        crate::docs::code_span(&crate::docs::one_line(text))
                    ),
                );
            }
            None
        };
        Some(License {
            name: license.name.clone(),
            spdx,
            url: license.url.clone(),
        })
    }

    /// `info.contact`, keeping its URL only when it is `http` or `https`.
    pub(super) fn lower_contact(&mut self) -> Option<Contact> {
        let contact = self.api.info.contact.as_ref()?;
        let url = contact.url.clone().filter(|u| {
            let web = web_url(u);
            if !web {
                self.diags.warning(
                    "#/info/contact/url",
                    format!(
                        "contact URL {} is not an http or https URL, so it is not the crate's homepage",
                        crate::docs::code_span(&crate::docs::one_line(u))
                    ),
                );
            }
            web
        });
        Some(Contact {
            name: contact.name.clone(),
            url,
            email: contact.email.clone(),
        })
    }

    /// Errors for package options that `cargo package` would refuse, each naming the option.
    pub(super) fn check_package_options(&mut self) {
        for problem in package_problems(&self.options.package) {
            self.diags.error("#", problem);
        }
    }
}

/// What is wrong with the package options, one message per problem: what Cargo would refuse
/// that the config file cannot see on its own (the config checks each value's form, naming
/// its line): a license file name that is not a plain file name or is one the generator
/// writes, and a Rust version older than the generated code or the edition needs.
pub fn package_problems(p: &Package) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(file) = &p.license_file {
        if let Some(why) = bad_file_name(&file.name) {
            out.push(format!(
                "option `package.license_file` {} must be a plain file name: {why}",
                shown(&file.name)
            ));
        }
    }
    if let Some(v) = rust_version(&p.rust_version) {
        let edition = EDITIONS.iter().find(|(e, _)| *e == p.edition);
        if v < OLDEST_RUST {
            out.push(format!(
                "option `package.rust_version` {} is older than the generated code needs (1.80)",
                shown(&p.rust_version)
            ));
        } else if let Some((e, first)) = edition.filter(|(_, first)| v < *first) {
            out.push(format!(
                "option `package.rust_version` {} is older than edition {e} allows ({}.{})",
                shown(&p.rust_version),
                first.0,
                first.1
            ));
        }
    }
    out
}

fn shown(s: &str) -> String {
    crate::docs::code_span(&crate::docs::one_line(s))
}

/// Whether `s` is an absolute `http` or `https` URL with a host and no spaces.
pub fn web_url(s: &str) -> bool {
    let rest = s
        .strip_prefix("https://")
        .or_else(|| s.strip_prefix("http://"));
    rest.is_some_and(|r| {
        !r.is_empty()
            && !r.starts_with('/')
            && !r.chars().any(|c| c.is_whitespace() || c.is_control())
    })
}

/// Why `name` is not a plain file name for the crate's folder, or `None` when it is.
pub fn bad_file_name(name: &str) -> Option<&'static str> {
    if name.is_empty() {
        Some("it is empty")
    } else if name.contains(['/', '\\']) {
        Some("it holds a path separator")
    } else if name == "." || name == ".." || name.starts_with('.') {
        Some("it starts with a dot")
    } else if name
        .chars()
        .any(|c| c.is_control() || matches!(c, ':' | '*' | '?' | '"' | '<' | '>' | '|'))
    {
        Some("it holds a character file names cannot hold everywhere")
    } else if OWN_FILES.iter().any(|f| f.eq_ignore_ascii_case(name)) {
        Some("the generator writes a file of that name")
    } else {
        None
    }
}

/// `major.minor` or `major.minor.patch`, as numbers.
fn rust_version(v: &str) -> Option<(u64, u64)> {
    let parts: Vec<&str> = v.split('.').collect();
    if !(2..=3).contains(&parts.len())
        || parts
            .iter()
            .any(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    Some((parts[0].parse().ok()?, parts[1].parse().ok()?))
}

/// Whether `text` is an SPDX license expression: identifiers (with an optional `+`) or
/// `LicenseRef-` references, joined by `AND`, `OR`, `WITH` an exception, and parentheses.
/// With `known_only`, every identifier and exception must be one of the known lists.
pub fn spdx_expression(text: &str, known_only: bool) -> bool {
    let spaced = text.replace('(', " ( ").replace(')', " ) ");
    let tokens: Vec<&str> = spaced.split_ascii_whitespace().collect();
    if text.chars().any(|c| !c.is_ascii() || c.is_ascii_control()) {
        return false;
    }
    let mut at = 0;
    expression(&tokens, &mut at, known_only, 0) && at == tokens.len()
}

/// `term (OR|AND term)*`, where a term is `simple [WITH exception]` or `( expression )`.
fn expression(tokens: &[&str], at: &mut usize, known_only: bool, depth: usize) -> bool {
    if depth > 16 {
        return false;
    }
    loop {
        match tokens.get(*at) {
            Some(&"(") => {
                *at += 1;
                if !expression(tokens, at, known_only, depth + 1) || tokens.get(*at) != Some(&")") {
                    return false;
                }
                *at += 1;
            }
            Some(id) if license_id(id, known_only) => {
                *at += 1;
                if tokens.get(*at) == Some(&"WITH") {
                    *at += 1;
                    match tokens.get(*at) {
                        Some(e) if exception_id(e, known_only) => *at += 1,
                        _ => return false,
                    }
                }
            }
            _ => return false,
        }
        match tokens.get(*at) {
            Some(&"AND") | Some(&"OR") => *at += 1,
            _ => return true,
        }
    }
}

fn id_chars(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-'))
}

fn license_id(token: &str, known_only: bool) -> bool {
    if let Some(r) = token.strip_prefix("LicenseRef-") {
        return id_chars(r);
    }
    let id = token.strip_suffix('+').unwrap_or(token);
    if matches!(id, "AND" | "OR" | "WITH") || !id_chars(id) {
        return false;
    }
    !known_only || KNOWN_LICENSES.contains(&id)
}

fn exception_id(token: &str, known_only: bool) -> bool {
    id_chars(token) && (!known_only || KNOWN_EXCEPTIONS.contains(&token))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::options::LicenseFile;

    #[test]
    fn spdx_expressions_are_checked_for_form_and_known_identifiers() {
        for ok in [
            "MIT",
            "MIT OR Apache-2.0",
            "(MIT OR Apache-2.0) AND BSD-3-Clause",
            "Apache-2.0 WITH LLVM-exception",
            "GPL-2.0+",
            "LicenseRef-Proprietary",
        ] {
            assert!(spdx_expression(ok, true), "{ok}");
        }
        for bad in [
            "",
            "Apache 2.0",
            "MIT OR",
            "OR MIT",
            "(MIT",
            "MIT)",
            "MIT AND AND ISC",
            "MIT WITH",
            "MIT/Apache-2.0",
            "MIT\n[evil]",
            "MIT \"or\" \\ \n ]]",
            "Apache-2.0 WITH Made-up-exception",
        ] {
            assert!(!spdx_expression(bad, true), "{bad}");
        }
        // Options are checked for their form only: the known list is not crates.io's.
        assert!(!spdx_expression("Made-Up-1.0", true));
        assert!(spdx_expression("Made-Up-1.0", false));
        assert!(!spdx_expression("Made Up", false));
        let deep = format!("{}MIT{}", "(".repeat(100), ")".repeat(100));
        assert!(!spdx_expression(&deep, false));
    }

    #[test]
    fn package_options_cargo_would_refuse_are_errors() {
        assert!(package_problems(&Package::default()).is_empty());
        let fine = Package {
            edition: "2024".to_string(),
            rust_version: "1.85.1".to_string(),
            ..Package::default()
        };
        assert!(package_problems(&fine).is_empty());
        let bad = |name: &str, edition: &str, rust: &str| Package {
            license_file: Some(LicenseFile {
                name: name.to_string(),
                text: String::new(),
            }),
            edition: edition.to_string(),
            rust_version: rust.to_string(),
            ..Package::default()
        };
        assert_eq!(
            package_problems(&bad("../LICENSE", "2021", "1.79")),
            [
                "option `package.license_file` `../LICENSE` must be a plain file name: it holds a path separator",
                "option `package.rust_version` `1.79` is older than the generated code needs (1.80)",
            ]
        );
        assert_eq!(
            package_problems(&bad("README.md", "2024", "1.80")),
            [
                "option `package.license_file` `README.md` must be a plain file name: the generator writes a file of that name",
                "option `package.rust_version` `1.80` is older than edition 2024 allows (1.85)",
            ]
        );
    }

    fn lowered(info: &str, options: &crate::Options) -> (crate::ir::Api, Vec<String>) {
        let text = format!("{info}\npaths: {{}}\n");
        let (api, diags) = crate::lower_text_with(&text, options).unwrap();
        (api, diags.iter().map(|d| d.to_string()).collect())
    }

    #[test]
    fn the_license_is_an_spdx_expression_from_the_document_or_none_with_a_warning() {
        let o = crate::Options::default();
        let (api, w) = lowered("openapi: 3.0.3\ninfo: {title: t, version: '1', license: {name: MIT OR Apache-2.0, url: 'https://x'}}", &o);
        let l = api.license.unwrap();
        assert_eq!(
            (l.spdx.as_deref(), l.url.as_deref()),
            (Some("MIT OR Apache-2.0"), Some("https://x"))
        );
        assert!(w.is_empty(), "{w:?}");
        // 3.1: the identifier is the expression; the name is only a label.
        let (api, w) = lowered("openapi: 3.1.0\ninfo: {title: t, version: '1', license: {name: Apache License, identifier: Apache-2.0}}", &o);
        assert_eq!(api.license.unwrap().spdx.as_deref(), Some("Apache-2.0"));
        assert!(w.is_empty(), "{w:?}");
        let (api, w) = lowered(
            "openapi: 3.0.3\ninfo: {title: t, version: '1', license: {name: Apache 2.0}}",
            &o,
        );
        assert_eq!(api.license.unwrap().spdx, None);
        assert_eq!(w, ["warning: license `Apache 2.0` is not an SPDX expression of known licenses, so the crate names no license; set the package license or license file (at #/info/license/name)"]);
        let (_, w) = lowered("openapi: 3.1.0\ninfo: {title: t, version: '1', license: {name: n, identifier: 'Made-Up'}}", &o);
        assert!(w[0].ends_with("(at #/info/license/identifier)"), "{w:?}");
        // A license from the options makes the document's irrelevant.
        let mine = crate::Options {
            package: Package {
                license: Some("MIT".to_string()),
                ..Package::default()
            },
            ..crate::Options::default()
        };
        let (_, w) = lowered(
            "openapi: 3.0.3\ninfo: {title: t, version: '1', license: {name: Apache 2.0}}",
            &mine,
        );
        assert!(w.is_empty(), "{w:?}");
        let (api, _) = lowered("openapi: 3.0.3\ninfo: {title: t, version: '1'}", &o);
        assert!(api.license.is_none() && api.contact.is_none());
    }

    #[test]
    fn a_contact_url_is_kept_only_when_it_is_a_web_url() {
        let o = crate::Options::default();
        let (api, w) = lowered("openapi: 3.0.3\ninfo: {title: t, version: '1', contact: {name: N, url: 'https://example.com', email: e@x}}", &o);
        let c = api.contact.unwrap();
        assert_eq!(
            (c.name.as_deref(), c.url.as_deref(), c.email.as_deref()),
            (Some("N"), Some("https://example.com"), Some("e@x"))
        );
        assert!(w.is_empty(), "{w:?}");
        let (api, w) = lowered(
            "openapi: 3.0.3\ninfo: {title: t, version: '1', contact: {url: 'javascript:alert(1)'}}",
            &o,
        );
        assert_eq!(api.contact.unwrap().url, None);
        assert_eq!(w, ["warning: contact URL `javascript:alert(1)` is not an http or https URL, so it is not the crate's homepage (at #/info/contact/url)"]);
    }

    #[test]
    fn package_option_problems_are_errors_of_lowering() {
        let o = crate::Options {
            package: Package {
                license_file: Some(LicenseFile {
                    name: "sub/LICENSE".to_string(),
                    text: String::new(),
                }),
                ..Package::default()
            },
            ..crate::Options::default()
        };
        let err = crate::lower_text_with(
            "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\n",
            &o,
        )
        .unwrap_err();
        assert_eq!(err.to_string().trim(), "error: option `package.license_file` `sub/LICENSE` must be a plain file name: it holds a path separator (at #)");
    }

    #[test]
    fn license_file_names_must_be_plain() {
        for ok in ["LICENSE", "LICENSE-MIT", "COPYING.txt", "license.md"] {
            assert_eq!(bad_file_name(ok), None, "{ok}");
        }
        for bad in [
            "",
            "a/LICENSE",
            "/etc/passwd",
            "..\\LICENSE",
            "..",
            ".hidden",
            "LICENSE\n",
            "C:LICENSE",
            "Cargo.toml",
            "readme.md",
        ] {
            assert!(bad_file_name(bad).is_some(), "{bad:?}");
        }
    }

    #[test]
    fn web_urls_are_http_or_https_with_a_host() {
        assert!(web_url("https://example.com/x"));
        assert!(web_url("http://localhost:5000"));
        for bad in ["", "https://", "https:///x", "ftp://x", "https://a b", "x"] {
            assert!(!web_url(bad), "{bad}");
        }
    }
}
