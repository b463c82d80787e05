//! Tests of `runtime/auth.rs` and security selection: secrets stay hidden, credentials are
//! checked and placed by scheme.

use std::convert::Infallible;

use reqwest::header::{self, HeaderMap};

use crate::runtime::auth::base64_encode;
use crate::runtime::{
    BuildError, Client, ClientBuilder, Error, SchemeKind, Secret, SecurityScheme,
};

pub(crate) const SCHEMES: &[SecurityScheme] = &[
    SecurityScheme {
        name: "ApiKeyAuth",
        kind: SchemeKind::ApiKeyQuery("token"),
    },
    SecurityScheme {
        name: "auth0Bearer",
        kind: SchemeKind::HttpBearer,
    },
    SecurityScheme {
        name: "HeaderKey",
        kind: SchemeKind::ApiKeyHeader("X-Api-Key"),
    },
    SecurityScheme {
        name: "CookieKey",
        kind: SchemeKind::ApiKeyCookie("session"),
    },
    SecurityScheme {
        name: "Basic",
        kind: SchemeKind::HttpBasic,
    },
];

#[test]
fn secrets_never_show_in_debug() {
    let s = Secret::new("hunter2");
    assert_eq!(format!("{s:?}"), "Secret(***)");
    assert_eq!(s.to_string(), "***");
    assert_eq!(s.expose(), "hunter2");

    let builder = ClientBuilder::new("https://user:pw@example.com/api?x=1", SCHEMES)
        .credential("ApiKeyAuth", "hunter2")
        .basic_credential("Basic", "alice", "hunter3");
    let debug = format!("{builder:?}");
    assert!(
        !debug.contains("hunter") && !debug.contains("pw"),
        "{debug}"
    );
    assert!(
        debug.contains("ApiKeyAuth") && debug.contains("Basic"),
        "{debug}"
    );

    let client = ClientBuilder::new("https://example.com/api/", SCHEMES)
        .credential("ApiKeyAuth", "hunter2")
        .credential("auth0Bearer", "hunter4")
        .build()
        .unwrap();
    let debug = format!("{client:?}");
    assert!(!debug.contains("hunter"), "{debug}");
    assert!(
        debug.contains("ApiKeyAuth") && debug.contains("auth0Bearer"),
        "{debug}"
    );
    assert_eq!(client.base_url().as_str(), "https://example.com/api/");
}

#[test]
fn cookie_credentials_must_be_cookie_safe() {
    for bad in ["a;b", "a b", "a\"b", "é"] {
        let err = ClientBuilder::new("https://h", SCHEMES)
            .credential("CookieKey", bad)
            .build()
            .unwrap_err();
        assert!(matches!(
            err,
            BuildError::InvalidCredential {
                scheme: "CookieKey",
                ..
            }
        ));
    }
}

#[test]
fn basic_credentials_are_base64() {
    assert_eq!(
        base64_encode(b"Aladdin:open sesame"),
        "QWxhZGRpbjpvcGVuIHNlc2FtZQ=="
    );
    assert_eq!(base64_encode(b"ab"), "YWI=");
    assert_eq!(base64_encode(b""), "");
}

// ----- security selection -----

pub(crate) fn client_with(creds: &[(&'static str, &str)]) -> Client {
    let mut b = ClientBuilder::new("https://example.com", SCHEMES);
    for (scheme, secret) in creds {
        b = b.credential(scheme, *secret);
    }
    b.build().unwrap()
}

fn apply(
    client: &Client,
    req: &'static [&'static [&'static str]],
) -> Result<(String, HeaderMap), Error<Infallible>> {
    let mut query = String::from("a=1");
    let mut headers = HeaderMap::new();
    client.apply_security(req, &mut query, &mut headers)?;
    Ok((query, headers))
}

#[test]
fn first_configured_alternative_is_used() {
    let both: &[&[&str]] = &[&["ApiKeyAuth"], &["auth0Bearer"]];
    let client = client_with(&[("auth0Bearer", "tok")]);
    let (q, h) = apply(&client, both).unwrap();
    assert_eq!(q, "a=1");
    assert_eq!(h[header::AUTHORIZATION], "Bearer tok");
    assert!(h[header::AUTHORIZATION].is_sensitive());

    let client = client_with(&[("auth0Bearer", "tok"), ("ApiKeyAuth", "k/1")]);
    let (q, h) = apply(&client, both).unwrap();
    assert_eq!(q, "a=1&token=k%2F1");
    assert!(h.is_empty());

    // All schemes of an alternative are needed together.
    let pair: &[&[&str]] = &[&["HeaderKey", "CookieKey"]];
    let client = client_with(&[("HeaderKey", "hk"), ("CookieKey", "ck")]);
    let (_, h) = apply(&client, pair).unwrap();
    assert_eq!(h["x-api-key"], "hk");
    assert_eq!(h[header::COOKIE], "session=ck");
    let client = client_with(&[("HeaderKey", "hk")]);
    assert!(matches!(
        apply(&client, pair),
        Err(Error::MissingCredentials { .. })
    ));
}

#[test]
fn optional_and_missing_credentials() {
    let none = client_with(&[]);
    assert!(apply(&none, &[]).is_ok());
    let optional: &[&[&str]] = &[&[], &["ApiKeyAuth"]];
    assert_eq!(apply(&none, optional).unwrap().0, "a=1");
    // Configured credentials are still sent when auth is optional.
    let with_key = client_with(&[("ApiKeyAuth", "k")]);
    assert_eq!(apply(&with_key, optional).unwrap().0, "a=1&token=k");

    let req: &[&[&str]] = &[&["ApiKeyAuth"], &["auth0Bearer", "ApiKeyAuth"]];
    let err = apply(&none, req).unwrap_err();
    assert_eq!(
        err.to_string(),
        "no credentials configured for any accepted security scheme: ApiKeyAuth, auth0Bearer"
    );
    match err {
        Error::MissingCredentials { accepted } => {
            assert_eq!(accepted, ["ApiKeyAuth", "auth0Bearer"])
        }
        other => panic!("unexpected {other:?}"),
    }
}
