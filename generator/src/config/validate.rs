//! Config values checked one by one, each problem naming its key: crate names and versions
//! as Cargo reads them, URLs, header text, durations, globs, Rust paths for types and
//! derives, and lists without empty or repeated entries.

use super::{parse_duration, Config, ConfigError, TypeConfig};

/// Records every problem in `config`.
pub(super) fn check(config: &Config, errors: &mut Vec<ConfigError>) {
    let mut err = |key: String, message: String| {
        errors.push(ConfigError {
            key,
            line: None,
            message,
        })
    };
    let p = &config.package;
    if let Some(name) = &p.name {
        if let Err(m) = crate_name(name) {
            err("package.name".into(), m);
        }
    }
    if let Some(v) = &p.version {
        if !is_semver(v) {
            err(
                "package.version".into(),
                format!("`{v}` is not a semver version such as `1.2.3`"),
            );
        }
    }
    if let Some(d) = &p.description {
        if d.trim().is_empty() || d.chars().any(char::is_control) {
            err(
                "package.description".into(),
                "must be one non-empty line".into(),
            );
        }
    }
    if let Some(l) = &p.license {
        if !is_spdx_expression(l) {
            err(
                "package.license".into(),
                format!("`{l}` is not an SPDX expression such as `MIT OR Apache-2.0`"),
            );
        }
    }
    if let Some(f) = &p.license_file {
        if f.file_name().is_none() {
            err("package.license_file".into(), "must name a file".into());
        }
    }
    for (key, url) in [
        ("package.repository", &p.repository),
        ("package.homepage", &p.homepage),
        ("package.documentation", &p.documentation),
        ("client.base_url", &config.client.base_url),
    ] {
        if let Some(url) = url {
            if let Err(m) = http_url(url) {
                err(key.into(), m);
            }
        }
    }
    if let Some(authors) = &p.authors {
        check_list("package.authors", authors, &mut err, |a| {
            (!a.chars().any(char::is_control))
                .then_some(())
                .ok_or("has control characters".into())
        });
    }
    if let Some(keywords) = &p.keywords {
        if keywords.len() > 5 {
            err(
                "package.keywords".into(),
                format!("crates.io takes at most 5 keywords, not {}", keywords.len()),
            );
        }
        check_list("package.keywords", keywords, &mut err, keyword);
    }
    if let Some(categories) = &p.categories {
        check_list("package.categories", categories, &mut err, category);
    }
    if let Some(e) = &p.edition {
        if !["2015", "2018", "2021", "2024"].contains(&e.as_str()) {
            err(
                "package.edition".into(),
                format!("`{e}` is not a Rust edition: use `2021` or `2024`"),
            );
        }
    }
    if let Some(v) = &p.rust_version {
        let parts: Vec<&str> = v.split('.').collect();
        let numeric = parts
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
        if !(numeric && (2..=3).contains(&parts.len()) && parts[0] == "1") {
            err(
                "package.rust_version".into(),
                format!("`{v}` is not a Rust version such as `1.80`"),
            );
        }
    }

    let o = &config.operations;
    for (key, list) in [
        ("operations.include_tags", &o.include_tags),
        ("operations.exclude_tags", &o.exclude_tags),
        ("operations.include", &o.include),
        ("operations.exclude", &o.exclude),
    ] {
        if let Some(list) = list {
            check_list(key, list, &mut err, |_| Ok(()));
        }
    }
    for (key, list) in [
        ("operations.include_paths", &o.include_paths),
        ("operations.exclude_paths", &o.exclude_paths),
    ] {
        if let Some(list) = list {
            check_list(key, list, &mut err, path_glob);
        }
    }

    let t = &config.types;
    for (section, map) in [("types.formats", &t.formats), ("types.schemas", &t.schemas)] {
        for (name, ty) in map {
            let key = format!("{section}.{name}");
            if name.is_empty() {
                err(key.clone(), "names nothing".into());
            }
            check_type(&key, ty, &mut err);
        }
    }
    if let Some(derives) = &t.derives {
        check_list("types.derives", derives, &mut err, rust_path);
    }
    for (schema, derives) in &t.schema_derives {
        check_list(
            &format!("types.schema_derives.{schema}"),
            derives,
            &mut err,
            rust_path,
        );
    }

    let c = &config.client;
    if let Some(ua) = &c.user_agent {
        if ua.is_empty() || !ua.bytes().all(|b| (0x20..0x7f).contains(&b)) {
            err(
                "client.user_agent".into(),
                "must be printable ASCII, as a header value".into(),
            );
        }
    }
    let mut duration = |key: &str, value: &Option<String>| {
        value.as_deref().and_then(|v| match parse_duration(v) {
            Ok(d) => Some(d),
            Err(m) => {
                err(key.into(), m);
                None
            }
        })
    };
    duration("client.timeout", &c.timeout);
    duration("client.connect_timeout", &c.connect_timeout);
    if let Some(r) = &c.retry {
        let initial = duration("client.retry.initial_backoff", &r.initial_backoff);
        let max = duration("client.retry.max_backoff", &r.max_backoff);
        if let (Some(i), Some(m)) = (initial, max) {
            if i > m {
                errors.push(ConfigError {
                    key: "client.retry.initial_backoff".into(),
                    line: None,
                    message: "is longer than `max_backoff`".into(),
                });
            }
        }
        if r.max_retries.is_some_and(|n| n > 100) {
            errors.push(ConfigError {
                key: "client.retry.max_retries".into(),
                line: None,
                message: "at most 100 retries".into(),
            });
        }
    }
}

fn check_list(
    key: &str,
    list: &[String],
    err: &mut impl FnMut(String, String),
    each: impl Fn(&str) -> Result<(), String>,
) {
    let mut seen = std::collections::BTreeSet::new();
    for (i, item) in list.iter().enumerate() {
        let k = format!("{key}[{i}]");
        if item.trim().is_empty() {
            err(k, "is empty".into());
        } else if !seen.insert(item.as_str()) {
            err(k, format!("`{item}` is listed twice"));
        } else if let Err(m) = each(item) {
            err(k, m);
        }
    }
}

fn check_type(key: &str, ty: &TypeConfig, err: &mut impl FnMut(String, String)) {
    let (path, table) = match ty {
        TypeConfig::Path(p) => (p, None),
        TypeConfig::Table(t) => (&t.path, Some(t)),
    };
    if syn::parse_str::<syn::Type>(path).is_err() || path.trim() != path {
        err(
            format!("{key}.path"),
            format!("`{path}` is not a Rust type such as `my_crate::Money`"),
        );
    }
    let Some(t) = table else { return };
    match (&t.krate, &t.version) {
        (Some(k), v) => {
            if let Err(m) = crate_name(k) {
                err(format!("{key}.crate"), m);
            }
            match v {
                None => err(format!("{key}.version"), "is required with `crate`".into()),
                Some(v) if !is_version_req(v) => err(
                    format!("{key}.version"),
                    format!("`{v}` is not a version requirement such as `1` or `0.3.2`"),
                ),
                Some(_) => {}
            }
        }
        (None, Some(_)) => err(format!("{key}.version"), "needs `crate`".into()),
        (None, None) => {}
    }
    if t.krate.is_none() && (t.features.is_some() || t.default_features.is_some()) {
        err(format!("{key}.features"), "needs `crate`".into());
    }
    if let Some(features) = &t.features {
        check_list(&format!("{key}.features"), features, err, feature_name);
    }
}

/// A crate name as crates.io takes it.
pub(crate) fn crate_name(name: &str) -> Result<(), String> {
    let ok = name.len() <= 64
        && name.starts_with(|c: char| c.is_ascii_alphabetic())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if ok {
        Ok(())
    } else {
        Err(format!(
            "`{name}` is not a crate name: ASCII letters, digits, `-` and `_`, starting with a letter, at most 64"
        ))
    }
}

/// `MAJOR.MINOR.PATCH` with optional pre-release and build parts.
pub(crate) fn is_semver(v: &str) -> bool {
    let (rest, build) = match v.split_once('+') {
        Some((r, b)) => (r, Some(b)),
        None => (v, None),
    };
    let (core, pre) = match rest.split_once('-') {
        Some((c, p)) => (c, Some(p)),
        None => (rest, None),
    };
    let number = |s: &str| {
        !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) && (s == "0" || !s.starts_with('0'))
    };
    let ident = |s: &str| {
        s.split('.')
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'))
    };
    let parts: Vec<&str> = core.split('.').collect();
    parts.len() == 3
        && parts.iter().all(|p| number(p))
        && pre.is_none_or(ident)
        && build.is_none_or(ident)
}

/// A Cargo version requirement: comma-separated comparators such as `1`, `^0.3`, `>=1.2, <2`.
fn is_version_req(v: &str) -> bool {
    v.split(',').all(|c| {
        let c = c
            .trim()
            .trim_start_matches(['^', '~', '=', '>', '<'])
            .trim();
        let parts: Vec<&str> = c.split('.').collect();
        !c.is_empty()
            && parts.len() <= 3
            && parts
                .iter()
                .all(|p| *p == "*" || (!p.is_empty() && p.bytes().all(|b| b.is_ascii_digit())))
    })
}

fn feature_name(f: &str) -> Result<(), String> {
    let ok = f.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_')
        && f.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_+./".contains(c));
    ok.then_some(())
        .ok_or_else(|| format!("`{f}` is not a Cargo feature name"))
}

/// SPDX license expressions as crates.io reads them: identifiers joined by `OR`, `AND`,
/// `WITH`, with parentheses.
fn is_spdx_expression(l: &str) -> bool {
    let spaced = l.replace('(', " ( ").replace(')', " ) ");
    let mut expect_id = true;
    let mut depth = 0i32;
    let mut any = false;
    for token in spaced.split_whitespace() {
        match token {
            "(" if expect_id => depth += 1,
            ")" if !expect_id => {
                depth -= 1;
                if depth < 0 {
                    return false;
                }
            }
            "OR" | "AND" | "WITH" if !expect_id => expect_id = true,
            id if expect_id => {
                let id = id.strip_suffix('+').unwrap_or(id);
                if id.is_empty()
                    || !id
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || ".-".contains(c))
                {
                    return false;
                }
                expect_id = false;
                any = true;
            }
            _ => return false,
        }
    }
    any && !expect_id && depth == 0
}

fn http_url(url: &str) -> Result<(), String> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"));
    match rest {
        Some(rest)
            if !rest.is_empty()
                && !rest.starts_with('/')
                && !url.chars().any(|c| c.is_whitespace() || c.is_control()) =>
        {
            Ok(())
        }
        _ => Err(format!("`{url}` is not an http:// or https:// URL")),
    }
}

fn keyword(k: &str) -> Result<(), String> {
    let ok = k.len() <= 20
        && k.starts_with(|c: char| c.is_ascii_alphanumeric())
        && k.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '+');
    ok.then_some(()).ok_or_else(|| {
        format!(
            "`{k}` is not a crates.io keyword: ASCII letters, digits, `-`, `_`, `+`, at most 20"
        )
    })
}

fn category(c: &str) -> Result<(), String> {
    let ok = c.split("::").all(|p| {
        !p.is_empty()
            && p.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    });
    ok.then_some(())
        .ok_or_else(|| format!("`{c}` is not a crates.io category slug such as `api-bindings`"))
}

/// A path glob: starts with `/`; `*` within a segment, `**` as a whole segment.
fn path_glob(g: &str) -> Result<(), String> {
    if !g.starts_with('/') {
        return Err(format!("`{g}` must start with `/`, as path templates do"));
    }
    for segment in g.split('/') {
        if segment.contains("**") && segment != "**" {
            return Err(format!("`{g}`: `**` must be a whole segment"));
        }
    }
    Ok(())
}

fn rust_path(p: &str) -> Result<(), String> {
    match syn::parse_str::<syn::Path>(p) {
        Ok(_) if p.trim() == p => Ok(()),
        _ => Err(format!(
            "`{p}` is not a Rust path such as `Hash` or `schemars::JsonSchema`"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn semver_and_requirements() {
        for v in [
            "1.2.3",
            "0.0.0",
            "1.0.0-alpha.1",
            "1.0.0+build.5",
            "10.20.30-rc-1+x",
        ] {
            assert!(is_semver(v), "{v}");
        }
        for v in [
            "1.2", "01.2.3", "1.2.3-", "1.2.3+", "v1.2.3", "1.2.3.4", "", "1.2.x",
        ] {
            assert!(!is_semver(v), "{v}");
        }
        for v in ["1", "0.3", "^1.2.3", "~1.2", "=1.0.0", ">=1.2, <2", "1.*"] {
            assert!(is_version_req(v), "{v}");
        }
        for v in ["", "abc", "1.2.3.4", ">=", "1,,2"] {
            assert!(!is_version_req(v), "{v}");
        }
    }

    #[test]
    fn spdx_expressions() {
        for l in [
            "MIT",
            "MIT OR Apache-2.0",
            "(MIT OR Apache-2.0) AND BSD-3-Clause",
            "GPL-2.0+",
            "Apache-2.0 WITH LLVM-exception",
        ] {
            assert!(is_spdx_expression(l), "{l}");
        }
        for l in [
            "",
            "MIT OR",
            "OR MIT",
            "(MIT",
            "MIT)",
            "MIT/Apache-2.0",
            "Some License",
        ] {
            assert!(!is_spdx_expression(l), "{l}");
        }
    }

    #[test]
    fn names_urls_globs_and_paths() {
        assert!(crate_name("petstore-client").is_ok());
        for n in ["", "1abc", "a b", "a.b", &"a".repeat(65)] {
            assert!(crate_name(n).is_err(), "{n}");
        }
        assert!(http_url("https://api.example.com/v1").is_ok());
        for u in [
            "ftp://x",
            "https://",
            "https:///x",
            "http://a b",
            "example.com",
        ] {
            assert!(http_url(u).is_err(), "{u}");
        }
        assert!(path_glob("/pets/**").is_ok());
        assert!(path_glob("/pets/*/photos").is_ok());
        assert!(path_glob("pets").is_err());
        assert!(path_glob("/pets**").is_err());
        assert!(rust_path("schemars::JsonSchema").is_ok());
        assert!(rust_path("Hash").is_ok());
        for p in ["", "a b", "::", "Hash;", " Hash"] {
            assert!(rust_path(p).is_err(), "{p}");
        }
        assert!(keyword("api").is_ok());
        assert!(keyword("a b").is_err());
        assert!(category("api-bindings").is_ok());
        assert!(category("web-programming::http-client").is_ok());
        assert!(category("API").is_err());
    }
}
