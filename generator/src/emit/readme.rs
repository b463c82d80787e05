//! Emit: consumes the IR and the options and renders the crate's `README.md`, which is also
//! its crate documentation (`lib.rs` includes it): the title, the document's description
//! (made safe by [`crate::docs`]), how to add the dependency, and a usage example that
//! calls the document's first operation with values of the right types, compiled as a
//! doctest. No document text reaches the example's code: it is built from Rust names only.

use crate::ir::example::{example_float as float, example_int as int, example_string as string};
use crate::ir::{Api, ArgKind, Constraints, Operation, Param, SchemeKind, Ty, TypeDef, TypeKind};
use crate::naming::unraw;
use crate::options::{Modules, Options};
use std::collections::BTreeMap;

/// How deep the example follows named types inside a body before giving up on it.
const MAX_DEPTH: usize = 6;

/// The text of `README.md`. `header` is the generated header (one line).
pub(super) fn readme(api: &Api, options: &Options, header: &str) -> String {
    let mut out = String::new();
    let mut comment = header.to_string();
    while comment.contains("--") {
        comment = comment.replace("--", "- -");
    }
    out.push_str(&format!("<!-- {comment} -->\n\n"));
    out.push_str(&format!("# {}\n\n", crate::docs::doc_line(&api.title)));
    if let Some(d) = &api.description {
        let lines = crate::docs::doc_lines(d);
        if lines.iter().any(|l| !l.trim().is_empty()) {
            for l in lines {
                out.push_str(&l);
                out.push('\n');
            }
            out.push('\n');
        }
    }
    out.push_str(&format!(
        "A typed async Rust client for version {} of this API, generated from its OpenAPI document by openapi-rs-gen.\n\n",
        crate::emit::code(&api.version)
    ));
    let name = crate::docs::one_line(&options.crate_name);
    out.push_str("## Adding the dependency\n\n");
    out.push_str(&fenced(
        "sh",
        &format!("cargo add {name}\ncargo add tokio --features macros,rt-multi-thread\n"),
    ));
    out.push_str("\n## Usage\n\n");
    for line in usage_lines(api, options.layout.modules) {
        out.push_str(&line);
        out.push('\n');
    }
    out.push('\n');
    for line in tls_lines() {
        out.push_str(line);
        out.push('\n');
    }
    let krate = name.replace('-', "_");
    out.push_str(&fenced(
        "rust,no_run",
        &example(api, &krate, options.layout.modules),
    ));
    out
}

/// How the client is used, as Markdown lines (also the usage section of the module
/// target's docs): the builder, the credentials, where operations are, and the features.
pub(super) fn usage_lines(api: &Api, modules: Modules) -> Vec<String> {
    let first_op = api.groups.iter().flat_map(|g| &g.operations).next();
    let (place, example) = match modules {
        Modules::PerTag => (
            "through the per-tag handles",
            api.groups
                .first()
                .map(|g| format!(" (`client.{}()`)", unraw(&g.module))),
        ),
        Modules::Flat => (
            "as methods of the client",
            first_op.map(|op| format!(" (`client.{}(...)`)", unraw(&op.name))),
        ),
    };
    let mut lines = vec![
        "Build a `Client` once with `Client::builder()`, set credentials with the builder's"
            .to_string(),
        format!(
            "per-scheme methods, then call operations {place}{}: required",
            example.unwrap_or_default()
        ),
        "parameters are arguments, optional ones are builder methods, and `.send().await`"
            .to_string(),
        "performs the request.".to_string(),
    ];
    let gated: Vec<String> = api
        .groups
        .iter()
        .filter_map(|g| g.feature.as_deref())
        .map(crate::emit::code)
        .collect();
    if !gated.is_empty() {
        lines.extend([
            String::new(),
            "Each tag's module is behind a Cargo feature of the same name, all on by default;"
                .to_string(),
            "with `default-features = false`, only the tags you name are compiled (name a TLS"
                .to_string(),
            "feature too, unless you pass your own HTTP client):".to_string(),
            format!("{}.", gated.join(", ")),
        ]);
    }
    let other = crate::lower::OTHER_SCHEMAS;
    let unused: Vec<String> = api
        .types
        .iter()
        .filter(|t| crate::lower::outside_default(t))
        .map(|t| crate::emit::code(unraw(&t.name)))
        .collect();
    if let Some(first) = unused.first() {
        let named = match unused.len() {
            1 => format!("({first})"),
            n => format!("({n} of them, {first} among them)"),
        };
        lines.extend([
            String::new(),
            format!("The models no operation uses {named}"),
            format!(
                "are compiled only with the {} feature, which is not in `default`.",
                crate::emit::code(other)
            ),
        ]);
    }
    lines
}

/// The TLS and optional-part paragraphs of a crate's README: the Cargo features that
/// choose them.
fn tls_lines() -> [&'static str; 12] {
    [
        "TLS is a Cargo feature: `rustls-tls` (rustls with webpki roots, the default),",
        "`rustls-tls-native-roots` or `native-tls`; with none, the client speaks plain HTTP",
        "unless you pass your own `reqwest::Client` to `ClientBuilder::http_client`.",
        "",
        "The `tracing` feature records a span per call and an event per attempt (no secrets).",
        "The `mock` feature adds `runtime::mock::MockServer` for the tests of your own code:",
        "a loopback server whose expectations are this crate's request builders, answered",
        "with typed bodies: `server.expect(client.<group>().<operation>(args)).respond(200,",
        "&body).await` matches exactly the request that call sends (method, path, query,",
        "headers, body), and `respond_error(status, &error)` answers with the typed error.",
        "Enable it in `[dev-dependencies]` only.",
        "",
    ]
}

/// `body` in a code fence longer than any backtick run inside it.
fn fenced(info: &str, body: &str) -> String {
    let mut longest = 0;
    let mut run = 0;
    for c in body.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let fence = "`".repeat((longest + 1).max(3));
    format!("{fence}{info}\n{body}{fence}\n")
}

/// The example program: a client, and the first operation a call can be written for.
fn example(api: &Api, krate: &str, modules: Modules) -> String {
    let values = Values {
        types: api.types.iter().map(|t| (t.name.as_str(), t)).collect(),
        models: std::cell::Cell::new(false),
    };
    // Non-deprecated operations first, each group in order, each in document order.
    let ops = api
        .groups
        .iter()
        .flat_map(|g| g.operations.iter().map(move |op| (g.module.as_str(), op)));
    let (fresh, deprecated): (Vec<_>, Vec<_>) = ops.partition(|(_, op)| !op.deprecated);
    let call = fresh.iter().chain(&deprecated).find_map(|(module, op)| {
        let handle = match modules {
            Modules::PerTag => Some(*module),
            Modules::Flat => None,
        };
        values.call(handle, op).map(|c| (op, c))
    });
    let mut body = String::new();
    let mut builder = "    let client = Client::builder()".to_string();
    if let Some((op, _)) = &call {
        for scheme in op.security.first().into_iter().flatten() {
            let Some(s) = api.security_schemes.iter().find(|s| &s.api_name == scheme) else {
                continue;
            };
            let setter = &s.setter;
            let var = unraw(setter).to_ascii_uppercase();
            let args = match s.kind {
                SchemeKind::Basic => format!(
                    "std::env::var(\"{var}_USERNAME\")?, std::env::var(\"{var}_PASSWORD\")?"
                ),
                _ => format!("std::env::var(\"{var}\")?"),
            };
            builder.push_str(&format!("\n        .{setter}({args})"));
        }
    }
    builder.push_str("\n        .build()?;\n");
    body.push_str(&builder);
    match &call {
        Some((_, c)) => body.push_str(&format!(
            "    let response = {c}\n        .send()\n        .await?;\n    println!(\"{{response:?}}\");\n"
        )),
        None => body.push_str("    let _ = client;\n"),
    }
    let uses = if values.models.get() {
        format!("use {krate}::{{models, Client}};")
    } else {
        format!("use {krate}::Client;")
    };
    let text = format!(
        "{uses}\n\n#[tokio::main]\nasync fn main() -> Result<(), Box<dyn std::error::Error>> {{\n{body}    Ok(())\n}}\n"
    );
    // Formatted like the rest of the crate; the text is built from Rust names, so it parses.
    match syn::parse_file(&text) {
        Ok(file) => prettyplease::unparse(&file).replacen(";\n", ";\n\n", 1),
        Err(_) => text,
    }
}

/// Builds Rust expressions of a given type from the IR's types.
struct Values<'a> {
    types: BTreeMap<&'a str, &'a TypeDef>,
    /// Whether an expression names `models::`.
    models: std::cell::Cell<bool>,
}

impl Values<'_> {
    /// `client.group().operation(args...)`, or `None` when an argument cannot be written.
    fn call(&self, handle: Option<&str>, op: &Operation) -> Option<String> {
        let mut args = Vec::new();
        for p in op.params.iter().filter(|p| p.required) {
            args.push(self.arg(p)?);
        }
        if let Some(b) = op.body.as_ref().filter(|b| b.required) {
            args.push(match &b.ty {
                Ty::String => "\"example\"".to_string(),
                t => self.top_value(t, None)?,
            });
        }
        let handle = handle.map(|m| format!(".{m}()")).unwrap_or_default();
        Some(format!("client{handle}.{}({})", op.name, args.join(", ")))
    }

    /// A positional argument: `impl Into<T>` or, for validated newtypes,
    /// `impl TryInto<T>` (given the wrapped value).
    fn arg(&self, p: &Param) -> Option<String> {
        match p.arg {
            ArgKind::Validated => {
                let (inner, c) = self.newtype(&p.ty)?;
                match inner {
                    Ty::String => Some(format!("{:?}", string(Some(c)))),
                    t => self.top_value(t, Some(c)),
                }
            }
            ArgKind::Into => match &p.ty {
                Ty::String => Some(format!("{:?}", string(Some(&p.constraints)))),
                t => self.top_value(t, Some(&p.constraints)),
            },
        }
    }

    /// The newtype `t` is or aliases: its wrapped type and checks.
    fn newtype(&self, t: &Ty) -> Option<(&Ty, &Constraints)> {
        let mut t = t;
        for _ in 0..MAX_DEPTH {
            let Ty::Named(n) = t else { return None };
            match &self.types.get(n.as_str())?.kind {
                TypeKind::Newtype { inner, constraints } => return Some((inner, constraints)),
                TypeKind::Alias { target } => t = target,
                _ => return None,
            }
        }
        None
    }

    /// An expression for an `impl Into<T>` or `impl TryInto<T>` argument: as [`Self::value`],
    /// but only where the expression's own type is known (`Default::default()` is not).
    fn top_value(&self, t: &Ty, c: Option<&Constraints>) -> Option<String> {
        match t {
            Ty::Json | Ty::Map(_) | Ty::Option(_) => None,
            t => self.value(t, c, 0),
        }
    }

    /// An expression of exactly type `t`, within constraints `c` where given.
    fn value(&self, t: &Ty, c: Option<&Constraints>, depth: usize) -> Option<String> {
        if depth > MAX_DEPTH {
            return None;
        }
        Some(match t {
            Ty::Bool => "true".to_string(),
            Ty::Int { bits } => format!("{}i{bits}", int(c)),
            Ty::Uint { bits } => format!("{}u{bits}", int(c).max(0)),
            // A user's or a format's type: no value can be written without knowing it.
            Ty::External { .. } => return None,
            Ty::Float { bits } => format!("{:?}f{bits}", float(c)),
            Ty::String => format!("{:?}.to_string()", string(c)),
            // An argument takes `impl Into<Bytes>`; a field or an item is a `Bytes`.
            Ty::Bytes if depth == 0 => "b\"example\".to_vec()".to_string(),
            Ty::Bytes => "bytes::Bytes::from_static(b\"example\")".to_string(),
            // A `Vec<u8>` is an in-memory body; inside a value its type is the field's.
            Ty::Body if depth == 0 => "b\"example\".to_vec()".to_string(),
            Ty::Body => "b\"example\".to_vec().into()".to_string(),
            Ty::Json | Ty::Map(_) => "Default::default()".to_string(),
            Ty::Option(_) => "None".to_string(),
            Ty::Unit => "()".to_string(),
            Ty::Url => return None,
            Ty::Boxed(inner) => format!("Box::new({})", self.value(inner, None, depth + 1)?),
            Ty::Vec(inner) => {
                let item = self.value(inner, None, depth + 1)?;
                let n = c.and_then(|c| c.min_items).unwrap_or(1).clamp(1, 3);
                format!("vec![{}]", vec![item; n as usize].join(", "))
            }
            Ty::Named(n) => self.named(n, depth)?,
        })
    }

    fn named(&self, name: &str, depth: usize) -> Option<String> {
        let def = self.types.get(name)?;
        let path = format!("models::{}", def.name);
        let expr = match &def.kind {
            TypeKind::Struct { fields, additional } => {
                let mut inits: Vec<String> = Vec::new();
                for f in fields {
                    let v = match &f.ty {
                        Ty::Option(_) => "None".to_string(),
                        t => self.value(t, None, depth + 1)?,
                    };
                    inits.push(format!("{}: {v}", f.name));
                }
                if let Some(a) = additional {
                    inits.push(format!("{}: Default::default()", a.name));
                }
                if inits.is_empty() {
                    format!("{path} {{}}")
                } else {
                    format!("{path} {{ {} }}", inits.join(", "))
                }
            }
            TypeKind::StringEnum { values, .. } => match values.first() {
                Some(v) => format!("{path}::{}", v.name),
                None => format!("{path}::from(\"example\")"),
            },
            TypeKind::IntEnum { values } => match values.first() {
                Some((c, _)) => format!("{path}::{c}"),
                None => format!("{path}(1)"),
            },
            TypeKind::Newtype { inner, constraints } => {
                let v = match inner {
                    Ty::String => format!("{:?}", string(Some(constraints))),
                    t => self.value(t, Some(constraints), depth + 1)?,
                };
                format!("{path}::new({v})?")
            }
            TypeKind::Alias { target } => return self.value(target, None, depth + 1),
            TypeKind::Tagged { variants, .. } => {
                let v = variants.first()?;
                format!(
                    "{path}::{}({})",
                    v.name,
                    self.value(&v.ty, None, depth + 1)?
                )
            }
            TypeKind::Untagged { variants, .. } => variants.iter().find_map(|v| {
                let inner = self.value(&v.ty, None, depth + 1)?;
                Some(format!("{path}::{}({inner})", v.name))
            })?,
        };
        self.models.set(true);
        Some(expr)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::example::pattern_example;
    use crate::ir::Bound;

    fn readme_of(spec: &str) -> String {
        let (api, _) = crate::lower_text(spec).unwrap();
        let options = Options {
            crate_name: "my-client".to_string(),
            ..Options::default()
        };
        readme(&api, &options, "Generated by openapi-rs-gen -- test")
    }

    #[test]
    fn document_text_cannot_inject_html_links_or_code() {
        let text = readme_of(
            "openapi: 3.0.3\ninfo:\n  title: \"T <b>x</b> [l](javascript:y) ```\"\n  version: \"1`\\n```\"\n  description: \"A [link](javascript:alert(1)) <script>alert(1)</script> <img src=x>\\n\\n```rust\\nfn main() { panic!() }\\n```\\n\\n    indented();\\n\\n--> end\"\npaths: {}\n",
        );
        assert!(
            text.starts_with("<!-- Generated by openapi-rs-gen - - test -->\n"),
            "{text}"
        );
        assert_eq!(text.matches("-->").count(), 1, "{text}");
        for bad in ["<b>", "<script", "<img", "[l](", "[link](", "```rust\n"] {
            assert!(!text.contains(bad), "README holds {bad:?}:\n{text}");
        }
        let fences: Vec<&str> = text.lines().filter(|l| l.starts_with("```")).collect();
        assert_eq!(
            fences,
            ["```text", "```", "```sh", "```", "```rust,no_run", "```"],
            "{text}"
        );
        assert!(
            text.contains("\n```text\nfn main() { panic!() }\n```\n"),
            "{text}"
        );
    }

    #[test]
    fn the_example_calls_the_first_operation_with_credentials_and_typed_arguments() {
        let text = readme_of(
            r#"openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /old:
    get:
      operationId: old
      deprecated: true
      tags: [a]
      responses: {'204': {description: x}}
  /items/{itemId}:
    put:
      operationId: putItem
      tags: [a]
      security: [{key: [], basic: []}, {bearer: []}]
      parameters:
        - {name: itemId, in: path, required: true, schema: {$ref: '#/components/schemas/Id'}}
        - {name: mode, in: query, required: true, schema: {type: string, enum: [fast, slow]}}
        - {name: count, in: query, required: true, schema: {type: integer, minimum: 3}}
        - {name: tags, in: query, required: true, schema: {type: array, items: {type: string}}}
        - {name: note, in: query, schema: {type: string}}
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [name, size, kind]
              properties:
                name: {type: string, minLength: 9}
                size: {type: number, exclusiveMinimum: true, minimum: 0, maximum: 1}
                kind: {$ref: '#/components/schemas/Kind'}
                extra: {type: string}
      responses: {'204': {description: x}}
components:
  securitySchemes:
    key: {type: apiKey, in: header, name: X-Key}
    basic: {type: http, scheme: basic}
    bearer: {type: http, scheme: bearer}
  schemas:
    Id: {type: string, pattern: '^[a-f0-9]{4}$'}
    Kind:
      oneOf:
        - {type: integer}
        - {type: string}
"#,
        );
        let start = text.find("```rust,no_run\n").unwrap();
        let example = &text[start..];
        let expected = r#"```rust,no_run
use my_client::{models, Client};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = Client::builder()
        .key(std::env::var("KEY")?)
        .basic(std::env::var("BASIC_USERNAME")?, std::env::var("BASIC_PASSWORD")?)
        .build()?;
    let response = client
        .a()
        .put_item(
            "aaaa",
            models::PutItemMode::Fast,
            3i64,
            vec!["example".to_string()],
            models::PutItemBody {
                name: models::PutItemBodyName::new("examplexx")?,
                size: models::PutItemBodySize::new(0.5f64)?,
                kind: models::Kind::Integer(1i64),
                extra: None,
            },
        )
        .send()
        .await?;
    println!("{response:?}");
    Ok(())
}
```
"#;
        assert_eq!(example, expected);
    }

    #[test]
    fn models_no_operation_uses_are_named_with_their_feature() {
        let doc = |extra: &str| {
            format!(
                "openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths:\n  /a:\n    get:\n      operationId: getA\n      tags: [a]\n      responses: {{'204': {{description: x}}}}\ncomponents:\n  schemas:\n    Hook: {{type: object, properties: {{id: {{type: string}}}}}}\n{extra}"
            )
        };
        let one = readme_of(&doc(""));
        assert!(
            one.contains("The models no operation uses (`Hook`)\nare compiled only with the `other-schemas` feature, which is not in `default`."),
            "{one}"
        );
        let two = readme_of(&doc(
            "    Ping: {type: object, properties: {at: {type: string}}}\n",
        ));
        assert!(two.contains("(2 of them, `Hook` among them)"), "{two}");
        let none = readme_of(
            &doc("")
                .replace(
                    "    Hook: {type: object, properties: {id: {type: string}}}\n",
                    "    {}\n",
                )
                .replace("  schemas:\n    {}\n", "  schemas: {}\n"),
        );
        assert!(!none.contains("other-schemas"), "{none}");
    }

    #[test]
    fn simple_patterns_give_matching_examples() {
        assert_eq!(
            pattern_example("^[a-f0-9]{24}$").as_deref(),
            Some("aaaaaaaaaaaaaaaaaaaaaaaa")
        );
        assert_eq!(
            pattern_example("^v\\d+-[A-Z]{2,3}_x?$").as_deref(),
            Some("v0-AA_")
        );
        for unsupported in ["[a-z]+", "^(a|b)$", "^[^a]$", "^a{100}$", "^.*$"] {
            assert_eq!(pattern_example(unsupported), None, "{unsupported}");
        }
        let backticks = Constraints {
            pattern: Some("^```$".to_string()),
            ..Constraints::default()
        };
        assert_eq!(string(Some(&backticks)), "example");
        let long = Constraints {
            min_length: Some(10),
            max_length: Some(12),
            ..Constraints::default()
        };
        assert_eq!(string(Some(&long)), "examplexxx");
        let short = Constraints {
            max_length: Some(3),
            ..Constraints::default()
        };
        assert_eq!(string(Some(&short)), "exa");
    }

    #[test]
    fn numbers_respect_their_bounds() {
        let c = |min: Option<i64>, max: Option<i64>, ex: bool, step: Option<i64>| Constraints {
            minimum: min.map(Bound::Int),
            maximum: max.map(Bound::Int),
            exclusive_minimum: ex,
            exclusive_maximum: ex,
            multiple_of: step.map(Bound::Int),
            ..Constraints::default()
        };
        assert_eq!(int(None), 1);
        assert_eq!(int(Some(&c(Some(5), None, false, None))), 5);
        assert_eq!(int(Some(&c(Some(5), None, true, None))), 6);
        assert_eq!(int(Some(&c(None, Some(-3), false, None))), -3);
        assert_eq!(int(Some(&c(Some(7), None, false, Some(5)))), 10);
        assert_eq!(int(Some(&c(None, None, false, Some(5)))), 5);
        let f = Constraints {
            minimum: Some(Bound::Float(0.0)),
            maximum: Some(Bound::Float(1.0)),
            exclusive_minimum: true,
            ..Constraints::default()
        };
        assert_eq!(float(Some(&f)), 0.5);
    }

    #[test]
    fn fences_outlast_backticks_inside() {
        assert_eq!(fenced("sh", "a\n"), "```sh\na\n```\n");
        assert_eq!(fenced("sh", "a````b\n"), "`````sh\na````b\n`````\n");
    }
}
