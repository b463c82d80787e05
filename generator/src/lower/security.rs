//! Lower: consumes `components.securitySchemes` and produces the IR schemes with their
//! builder setters; consumes each operation's `security` requirements and produces the
//! alternatives of scheme names the request carries.

use super::Lowerer;
use crate::diagnostics::child;
use crate::ir::SecurityScheme;
use crate::naming;

impl<'a> Lowerer<'a> {
    pub(super) fn lower_security(
        &mut self,
        op: &openapiv3::Operation,
        at: &str,
        schemes: &[SecurityScheme],
    ) -> Vec<Vec<String>> {
        let (reqs, reqs_at) = match &op.security {
            Some(s) => (s, child(at, "security")),
            None => match &self.api.security {
                Some(s) => (s, "#/security".to_string()),
                None => return Vec::new(),
            },
        };
        let mut out = Vec::new();
        for (i, req) in reqs.iter().enumerate() {
            let mut alt = Vec::new();
            for name in req.keys() {
                if schemes.iter().any(|s| &s.api_name == name) {
                    alt.push(name.clone());
                } else {
                    let known = self
                        .api
                        .components
                        .as_ref()
                        .map(|c| c.security_schemes.contains_key(name))
                        .unwrap_or(false);
                    if known {
                        // Declared but unsupported (reported where it is declared): this
                        // alternative can never be satisfied by the client.
                        alt.clear();
                        alt.push(format!("unsupported:{name}"));
                        break;
                    }
                    self.diags.error(child(&reqs_at, &i.to_string()), format!("security scheme `{name}` is not defined in `#/components/securitySchemes`"));
                }
            }
            if alt.iter().any(|a| a.starts_with("unsupported:")) {
                continue;
            }
            out.push(alt);
        }
        out
    }
}
impl<'a> Lowerer<'a> {
    pub(super) fn lower_security_schemes(&mut self) -> Vec<crate::ir::SecurityScheme> {
        use crate::ir::SchemeKind;
        use openapiv3::{APIKeyLocation, ReferenceOr, SecurityScheme as S};
        let mut out = Vec::new();
        let Some(components) = &self.api.components else {
            return out;
        };
        let mut setters = naming::scope(&[
            naming::reserved::client_builder_methods(),
            naming::reserved::DERIVED_METHODS,
        ]);
        let mut names: Vec<&String> = components.security_schemes.keys().collect();
        names.sort();
        for name in names {
            let at = crate::diagnostics::pointer(&["components", "securitySchemes", name]);
            let scheme = match &components.security_schemes[name] {
                ReferenceOr::Item(s) => s,
                ReferenceOr::Reference { .. } => {
                    self.diags.error(
                        at,
                        "a `$ref` security scheme is not supported; define it inline",
                    );
                    continue;
                }
            };
            let (kind, doc) = match scheme {
                S::APIKey {
                    location,
                    name: param,
                    description,
                    ..
                } => (
                    match location {
                        APIKeyLocation::Query => SchemeKind::ApiKeyQuery(param.clone()),
                        APIKeyLocation::Header => SchemeKind::ApiKeyHeader(param.clone()),
                        APIKeyLocation::Cookie => SchemeKind::ApiKeyCookie(param.clone()),
                    },
                    description.clone(),
                ),
                S::HTTP {
                    scheme,
                    description,
                    ..
                } => match scheme.to_ascii_lowercase().as_str() {
                    "bearer" => (SchemeKind::Bearer, description.clone()),
                    "basic" => (SchemeKind::Basic, description.clone()),
                    other => {
                        self.diags.weakened(child(&at, "scheme"), format!("http scheme `{other}` is not supported; operations that need only it can be called without credentials"));
                        continue;
                    }
                },
                // OAuth2 and OpenID Connect end in a bearer access token; obtaining the token
                // is the caller's business.
                S::OAuth2 { description, .. } | S::OpenIDConnect { description, .. } => {
                    (SchemeKind::Bearer, description.clone())
                }
            };
            out.push(crate::ir::SecurityScheme {
                api_name: name.clone(),
                setter: setters.claim_snake(name, "scheme"),
                kind,
                doc,
            });
        }
        out
    }
}
