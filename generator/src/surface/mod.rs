//! Surface: the API a generated crate shows its users, as a compact text file written beside
//! the code (`api-surface.txt`): one line per operation, parameter, body, result, error,
//! type, field, enum value, variant and security scheme, each `key: value`, sorted, with
//! the document's place for operations and types. It diffs well in a pull request, and
//! [`diff`] reads two of them back to report what changed and the semver verdict.

pub mod diff;

use crate::emit::{ty_text, Place};
use crate::ir::{
    Api, Body, BodyMedia, Operation, ParamLocation, SchemeKind, StatusMatch, Success, Ty, TypeDef,
    TypeKind,
};
use std::collections::BTreeMap;

/// The file name of the surface inside a generated crate.
pub const FILE_NAME: &str = "api-surface.txt";

/// The first line of every surface file: says what it is and that it is generated.
const HEADER: &str = "# The API surface of this crate (generated; do not edit): what users' code can name, one item per line.";

/// The surface of `api`, as the file's text.
pub fn render(api: &Api) -> String {
    let mut lines: BTreeMap<String, String> = BTreeMap::new();
    let mut put = |key: String, value: String| {
        lines.insert(key, value);
    };
    put("client base_url".to_string(), word(&api.base_url));
    for s in &api.security_schemes {
        let how = match &s.kind {
            SchemeKind::ApiKeyQuery(p) => format!("api-key query {}", word(p)),
            SchemeKind::ApiKeyHeader(p) => format!("api-key header {}", word(p)),
            SchemeKind::ApiKeyCookie(p) => format!("api-key cookie {}", word(p)),
            SchemeKind::Bearer => "bearer".to_string(),
            SchemeKind::Basic => "basic".to_string(),
        };
        put(
            format!("scheme {}", word(&s.api_name)),
            format!("{how} set by {}", s.setter),
        );
    }
    for g in &api.groups {
        for op in &g.operations {
            operation(op, &g.module, &mut put);
        }
    }
    for t in &api.types {
        type_def(t, &mut put);
    }
    let mut out = String::with_capacity(lines.len() * 48);
    out.push_str(HEADER);
    out.push('\n');
    for (k, v) in lines {
        out.push_str(&k);
        out.push_str(": ");
        out.push_str(&v);
        out.push('\n');
    }
    out
}

fn operation(op: &Operation, group: &str, put: &mut impl FnMut(String, String)) {
    let id = format!("operation {}", word(&op.api_name));
    put(
        id.clone(),
        format!(
            "{} {} as {}.{} at {}",
            op.method,
            word(&op.path),
            crate::naming::unraw(group),
            crate::naming::unraw(&op.name),
            word(&op.pointer)
        ),
    );
    if op.deprecated {
        put(format!("{id} deprecated"), "yes".to_string());
    }
    for p in &op.params {
        let at = match p.location {
            ParamLocation::Path => "path",
            ParamLocation::Query => "query",
            ParamLocation::Header => "header",
            ParamLocation::Cookie => "cookie",
        };
        put(
            format!("{id} param {}", word(&p.api_name)),
            format!("{at} {} {}", required(p.required), ty(&p.ty)),
        );
    }
    if let Some(b) = &op.body {
        put(format!("{id} body"), body(b));
    }
    let ok = match &op.success {
        Success::Single { kind, .. } => ty(&kind.ty()),
        Success::Multi { name, variants } => {
            let each: Vec<String> = variants
                .iter()
                .map(|v| format!("{}={}", status(v.status), ty(&v.kind.ty())))
                .collect();
            format!("{name} ({})", each.join(" "))
        }
    };
    put(format!("{id} ok"), ok);
    if !op.errors.is_empty() {
        put(format!("{id} error_type"), ty(&op.error_ty));
    }
    for e in &op.errors {
        put(
            format!("{id} error {}", status(e.status)),
            if e.has_body { "typed" } else { "no body" }.to_string(),
        );
    }
    if !op.security.is_empty() {
        let alternatives: Vec<String> = op
            .security
            .iter()
            .map(|all| {
                if all.is_empty() {
                    "none".to_string()
                } else {
                    all.iter().map(|s| word(s)).collect::<Vec<_>>().join("+")
                }
            })
            .collect();
        put(format!("{id} security"), alternatives.join(" | "));
    }
}

fn body(b: &Body) -> String {
    let media = match b.media {
        BodyMedia::Json => "json",
        BodyMedia::Text => "text",
        BodyMedia::Form => "form",
        BodyMedia::Multipart => "multipart",
        BodyMedia::Bytes => "bytes",
    };
    format!("{media} {} {}", required(b.required), ty(&b.ty))
}

fn type_def(t: &TypeDef, put: &mut impl FnMut(String, String)) {
    let id = format!("type {}", crate::naming::unraw(&t.name));
    let kind = match &t.kind {
        TypeKind::Struct { fields, additional } => {
            for f in fields {
                put(
                    format!("{id} field {}", word(&f.api_name)),
                    format!(
                        "{} {} as {}",
                        required(f.required),
                        ty(&f.ty),
                        crate::naming::unraw(&f.name)
                    ),
                );
            }
            if let Some(a) = additional {
                put(format!("{id} additional"), ty(&a.ty));
            }
            "struct".to_string()
        }
        TypeKind::StringEnum { values, .. } => {
            for v in values {
                put(format!("{id} value {}", word(&v.api_name)), v.name.clone());
            }
            "string enum".to_string()
        }
        TypeKind::IntEnum { values } => {
            for (name, v) in values {
                put(format!("{id} value {v}"), name.clone());
            }
            "integer enum".to_string()
        }
        TypeKind::Newtype { inner, constraints } => {
            let checks = crate::emit::describe_constraints(constraints).join(" ");
            format!("newtype {} {}", ty(inner), word(&checks))
        }
        TypeKind::Alias { target } => format!("alias {}", ty(target)),
        TypeKind::Tagged { property, variants } => {
            for v in variants {
                let tags: Vec<String> = v.tags.iter().map(|t| word(t)).collect();
                put(
                    format!("{id} variant {}", v.name),
                    format!("{} when {}", ty(&v.ty), tags.join(" ")),
                );
            }
            format!("tagged union by {}", word(property))
        }
        TypeKind::Untagged { variants, .. } => {
            for v in variants {
                put(format!("{id} variant {}", v.name), ty(&v.ty));
            }
            "untagged union".to_string()
        }
    };
    put(id.clone(), format!("{kind} at {}", word(&t.pointer)));
    if t.deprecated {
        put(format!("{id} deprecated"), "yes".to_string());
    }
}

fn required(r: bool) -> &'static str {
    if r {
        "required"
    } else {
        "optional"
    }
}

fn status(s: StatusMatch) -> String {
    match s {
        StatusMatch::Code(c) => c.to_string(),
        StatusMatch::Range(d) => format!("{d}XX"),
        StatusMatch::Default => "default".to_string(),
    }
}

/// A type as compact Rust text (`Vec<models::Pet>` is `Vec<Pet>`).
fn ty(t: &Ty) -> String {
    ty_text(t, Place::Models)
}

/// A name or text from the document as one word of a line: as is when it is made of plain
/// characters, else quoted with Rust's escapes, so no document text can break a line, add
/// a key or hide a `: ` separator.
pub(crate) fn word(s: &str) -> String {
    let plain = !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-./{}[]$@#~+*=".contains(c));
    if plain {
        s.to_string()
    } else {
        format!("{s:?}")
    }
}

#[cfg(test)]
mod tests;
