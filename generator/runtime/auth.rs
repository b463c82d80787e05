//! Security schemes and credentials: what the document declares, what the builder is
//! given, and how each credential is checked and rendered for sending.

use std::fmt::{self, Display};

use reqwest::header::{self, HeaderName, HeaderValue};

use super::BuildError;

/// Where and how a security scheme puts its credential.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SchemeKind {
    /// An API key sent as the named query parameter.
    ApiKeyQuery(&'static str),
    /// An API key sent as the named request header.
    ApiKeyHeader(&'static str),
    /// An API key sent as the named cookie.
    ApiKeyCookie(&'static str),
    /// A token sent as `Authorization: Bearer <token>`.
    HttpBearer,
    /// A username and password sent as `Authorization: Basic <base64>`.
    HttpBasic,
}

/// A security scheme from the document's `components.securitySchemes`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SecurityScheme {
    /// The scheme's key in `components.securitySchemes`.
    pub name: &'static str,
    /// Where the credential goes.
    pub kind: SchemeKind,
}

/// A secret string whose `Debug` and `Display` never show the value.
///
/// Both print a fixed placeholder (`Secret(***)` and `***`), so a secret can sit
/// in structs that derive `Debug` without leaking into logs.
#[derive(Clone)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// Returns the secret value. Call it only where the value must really be used.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// A credential as given to the builder, before it is checked against its scheme.
pub(crate) enum CredentialInput {
    Token(Secret),
    Basic { username: String, password: Secret },
}

/// A credential checked at build time and pre-rendered for its scheme.
///
/// Header values are rendered once here, not on every request.
#[derive(Clone)]
pub(crate) enum AuthValue {
    Query {
        param: &'static str,
        value: Secret,
    },
    Header {
        name: HeaderName,
        value: HeaderValue,
    },
    Cookie {
        name: &'static str,
        value: Secret,
    },
}

#[derive(Clone)]
pub(crate) struct Credential {
    pub(crate) scheme: &'static str,
    pub(crate) value: AuthValue,
}

/// Checks a credential against its scheme and renders it for sending.
pub(crate) fn render_credential(
    scheme: &SecurityScheme,
    input: CredentialInput,
) -> Result<AuthValue, BuildError> {
    let invalid = |reason: &'static str| BuildError::InvalidCredential {
        scheme: scheme.name,
        reason,
    };
    let not_header = "contains characters not allowed in an HTTP header";
    let sensitive = |text: String| {
        HeaderValue::try_from(text)
            .map(|mut v| {
                v.set_sensitive(true);
                v
            })
            .map_err(|_| invalid(not_header))
    };
    match (scheme.kind, input) {
        (SchemeKind::ApiKeyQuery(param), CredentialInput::Token(value)) => {
            Ok(AuthValue::Query { param, value })
        }
        (SchemeKind::ApiKeyHeader(name), CredentialInput::Token(value)) => {
            let name = HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| invalid("the scheme's header name is not valid"))?;
            let value = sensitive(value.0)?;
            Ok(AuthValue::Header { name, value })
        }
        (SchemeKind::ApiKeyCookie(name), CredentialInput::Token(value)) => {
            // RFC 6265 cookie-octet: visible ASCII except DQUOTE, comma, semicolon and backslash.
            let bad =
                |b: u8| !(0x21..=0x7e).contains(&b) || matches!(b, b'"' | b',' | b';' | b'\\');
            if value.expose().bytes().any(bad) {
                return Err(invalid("contains characters not allowed in a cookie value"));
            }
            Ok(AuthValue::Cookie { name, value })
        }
        (SchemeKind::HttpBearer, CredentialInput::Token(token)) => {
            let value = sensitive(format!("Bearer {}", token.expose()))?;
            Ok(AuthValue::Header {
                name: header::AUTHORIZATION,
                value,
            })
        }
        (SchemeKind::HttpBasic, CredentialInput::Basic { username, password }) => {
            let pair = format!("{username}:{}", password.expose());
            let value = sensitive(format!("Basic {}", base64_encode(pair.as_bytes())))?;
            Ok(AuthValue::Header {
                name: header::AUTHORIZATION,
                value,
            })
        }
        (SchemeKind::HttpBasic, CredentialInput::Token(_)) => {
            Err(BuildError::WrongCredentialKind {
                scheme: scheme.name,
                expected: "a username and password (basic_credential)",
            })
        }
        (_, CredentialInput::Basic { .. }) => Err(BuildError::WrongCredentialKind {
            scheme: scheme.name,
            expected: "a single secret (credential)",
        }),
    }
}

/// Standard base64 with padding, for HTTP Basic credentials.
pub(crate) fn base64_encode(input: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(input.len().div_ceil(3) * 4);
    for chunk in input.chunks(3) {
        let byte = |i: usize| u32::from(chunk.get(i).copied().unwrap_or(0));
        let n = (byte(0) << 16) | (byte(1) << 8) | byte(2);
        let sextet = |shift: u32| char::from(ALPHABET[((n >> shift) & 63) as usize]);
        out.push(sextet(18));
        out.push(sextet(12));
        out.push(if chunk.len() > 1 { sextet(6) } else { '=' });
        out.push(if chunk.len() > 2 { sextet(0) } else { '=' });
    }
    out
}
