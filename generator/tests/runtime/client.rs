//! Tests of `runtime/client.rs`: requests sent over loopback with credentials, retries,
//! timeouts and no redirects.

use std::time::Duration;

use reqwest::{Method, StatusCode};
use tokio::net::TcpListener;

use crate::auth::{client_with, SCHEMES};
use crate::runtime::{
    encode_path_segment, paginate, BuildError, ClientBuilder, Error, Next, Request, RetryPolicy,
};
use crate::server::{serve, Canned};

#[test]
fn build_errors_name_the_problem() {
    let err = ClientBuilder::new("not a url", SCHEMES)
        .build()
        .unwrap_err();
    assert!(
        err.to_string().starts_with("invalid base URL `not a url`"),
        "{err}"
    );
    let err = ClientBuilder::new("ftp://h", SCHEMES).build().unwrap_err();
    assert!(matches!(err, BuildError::InvalidBaseUrl { .. }));
    let err = ClientBuilder::new("https://u:secret@h", SCHEMES)
        .build()
        .unwrap_err();
    assert!(!err.to_string().contains("secret"), "{err}");
    let err = ClientBuilder::new("https://h", SCHEMES)
        .credential("Nope", "x")
        .build()
        .unwrap_err();
    assert!(err.to_string().contains("`Nope`") && err.to_string().contains("ApiKeyAuth"));
    let err = ClientBuilder::new("https://h", SCHEMES)
        .credential("Basic", "x")
        .build()
        .unwrap_err();
    assert!(matches!(
        err,
        BuildError::WrongCredentialKind {
            scheme: "Basic",
            ..
        }
    ));
    let err = ClientBuilder::new("https://h", SCHEMES)
        .credential("auth0Bearer", "bad\ntoken")
        .build()
        .unwrap_err();
    assert!(!err.to_string().contains("token"), "{err}");
}

fn fast_retries() -> RetryPolicy {
    RetryPolicy::new()
        .initial_backoff(Duration::from_millis(1))
        .max_backoff(Duration::from_millis(5))
}

const KEY_OR_BEARER: &[&[&str]] = &[&["ApiKeyAuth"], &["auth0Bearer"]];

#[tokio::test]
async fn credentials_are_placed_by_scheme() {
    let server = serve(vec![Canned::status(200).body("[1,2]"), Canned::status(200)]).await;
    let client = ClientBuilder::new("http://unused.invalid", SCHEMES)
        .base_url(&server.base)
        .credential("ApiKeyAuth", "s3cr/t")
        .build()
        .unwrap();
    let mut req = Request::new(
        Method::GET,
        format!("/v1/items/{}", encode_path_segment("a b")),
    );
    req.query("limit", 5);
    req.accept("application/json");
    req.security(KEY_OR_BEARER);
    let resp = client.execute(req).await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(resp.json::<Vec<u8>, ()>().unwrap(), [1, 2]);

    let client = ClientBuilder::new(KEEP_BASE, SCHEMES)
        .base_url(server.base.trim_end_matches('/'))
        .credential("auth0Bearer", "tok")
        .user_agent("test-agent/1")
        .build()
        .unwrap();
    let mut req = Request::new(Method::POST, "/v1/items".into());
    req.security(KEY_OR_BEARER);
    req.json_body(&serde_json::json!({"name": "x"})).unwrap();
    client.execute(req).await.unwrap().empty::<()>().unwrap();

    let seen = server.requests();
    assert_eq!(seen[0].method, "GET");
    assert_eq!(seen[0].target, "/api/v1/items/a%20b?limit=5&token=s3cr%2Ft");
    assert_eq!(seen[0].header("accept"), Some("application/json"));
    assert_eq!(seen[0].header("authorization"), None);
    assert_eq!(seen[1].target, "/api/v1/items");
    assert_eq!(seen[1].header("authorization"), Some("Bearer tok"));
    assert_eq!(seen[1].header("content-type"), Some("application/json"));
    assert_eq!(seen[1].header("user-agent"), Some("test-agent/1"));
    assert_eq!(seen[1].body, br#"{"name":"x"}"#);
}

const KEEP_BASE: &str = "http://unused.invalid";

#[tokio::test]
async fn missing_credentials_and_bad_paths_fail_before_sending() {
    let server = serve(vec![]).await;
    let client = ClientBuilder::new(KEEP_BASE, SCHEMES)
        .base_url(&server.base)
        .build()
        .unwrap();
    let mut req = Request::new(Method::GET, "/x".into());
    req.security(KEY_OR_BEARER);
    assert!(matches!(
        client.execute(req).await,
        Err(Error::MissingCredentials { .. })
    ));
    let req = Request::new(Method::GET, format!("/x/{}/y", encode_path_segment("..")));
    let err = client.execute(req).await.unwrap_err();
    assert!(
        matches!(err, Error::InvalidArgument { name: "path", .. }),
        "{err:?}"
    );
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn idempotent_requests_are_retried() {
    let server = serve(vec![
        Canned::status(503),
        Canned::status(429),
        Canned::status(200).body("ok"),
    ])
    .await;
    let client = ClientBuilder::new(KEEP_BASE, SCHEMES)
        .base_url(&server.base)
        .retry_policy(fast_retries())
        .build()
        .unwrap();
    let mut req = Request::new(Method::PUT, "/r".into());
    req.text_body("body".into());
    let resp = client.execute(req).await.unwrap();
    assert_eq!(resp.text::<()>().unwrap(), "ok");
    let seen = server.requests();
    assert_eq!(seen.len(), 3);
    assert!(seen.iter().all(|r| r.body == b"body"));
}

#[tokio::test]
async fn last_retryable_response_is_returned() {
    let server = serve(vec![Canned::status(503).body("down"); 3]).await;
    let client = ClientBuilder::new(KEEP_BASE, SCHEMES)
        .base_url(&server.base)
        .retry_policy(fast_retries().max_retries(2))
        .build()
        .unwrap();
    let resp = client
        .execute(Request::new(Method::GET, "/r".into()))
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(resp.body(), b"down");
    assert_eq!(server.requests().len(), 3);
}

#[tokio::test]
async fn post_is_not_retried() {
    let server = serve(vec![Canned::status(503), Canned::status(200)]).await;
    let client = ClientBuilder::new(KEEP_BASE, SCHEMES)
        .base_url(&server.base)
        .retry_policy(fast_retries())
        .build()
        .unwrap();
    let resp = client
        .execute(Request::new(Method::POST, "/r".into()))
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::SERVICE_UNAVAILABLE);
    let err = resp.unexpected::<()>();
    assert!(err.is_retryable());
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn retry_after_is_honoured_up_to_max_backoff() {
    let server = serve(vec![
        Canned::status(503).header("Retry-After", "1"),
        Canned::status(204),
    ])
    .await;
    // Backoff alone would wait at most 1 ms; Retry-After (1 s) is capped at 60 ms. Only the
    // lower bound is asserted: sleeping never ends early, but a loaded machine may wake late
    // (the cap itself is checked without a clock in retry.rs).
    let policy = RetryPolicy::new()
        .initial_backoff(Duration::from_millis(1))
        .max_backoff(Duration::from_millis(60));
    let client = ClientBuilder::new(KEEP_BASE, SCHEMES)
        .base_url(&server.base)
        .retry_policy(policy)
        .build()
        .unwrap();
    let started = std::time::Instant::now();
    let resp = client
        .execute(Request::new(Method::GET, "/r".into()))
        .await
        .unwrap();
    let elapsed = started.elapsed();
    assert_eq!(resp.status(), StatusCode::NO_CONTENT);
    assert!(elapsed >= Duration::from_millis(60), "{elapsed:?}");
}

#[tokio::test]
async fn redirects_are_not_followed() {
    let server = serve(vec![
        Canned::status(307).header("Location", "/api/elsewhere"),
        Canned::status(200),
    ])
    .await;
    let client = ClientBuilder::new(KEEP_BASE, SCHEMES)
        .base_url(&server.base)
        .credential("ApiKeyAuth", "secret-token")
        .build()
        .unwrap();
    let mut req = Request::new(Method::GET, "/start".into());
    req.security(KEY_OR_BEARER);
    let resp = client.execute(req).await.unwrap();
    assert_eq!(resp.status(), StatusCode::TEMPORARY_REDIRECT);
    let location = resp.redirect_location::<()>().unwrap();
    assert_eq!(location.path(), "/api/elsewhere");
    assert_eq!(location.query(), None);
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn slow_responses_time_out() {
    let server = serve(vec![Canned::hang(), Canned::hang()]).await;
    let client = ClientBuilder::new(KEEP_BASE, SCHEMES)
        .base_url(&server.base)
        .timeout(Duration::from_millis(50))
        .retry_policy(RetryPolicy::disabled())
        .build()
        .unwrap();
    let err = client
        .execute(Request::new(Method::GET, "/slow".into()))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Timeout(_)), "{err:?}");
    assert_eq!(err.to_string(), "request timed out");
    assert!(err.is_retryable());
    assert!(std::error::Error::source(&err).is_some());
}

#[tokio::test]
async fn idempotent_timeouts_are_retried() {
    let server = serve(vec![Canned::hang(), Canned::status(200)]).await;
    let client = ClientBuilder::new(KEEP_BASE, SCHEMES)
        .base_url(&server.base)
        .timeout(Duration::from_millis(50))
        .retry_policy(fast_retries())
        .build()
        .unwrap();
    let resp = client
        .execute(Request::new(Method::DELETE, "/slow".into()))
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn transport_errors_do_not_leak_the_token() {
    // Bind then drop a listener so the port is (almost certainly) closed.
    let port = {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        listener.local_addr().unwrap().port()
    };
    let client = ClientBuilder::new(KEEP_BASE, SCHEMES)
        .base_url(format!("http://127.0.0.1:{port}"))
        .credential("ApiKeyAuth", "supersecret")
        .retry_policy(fast_retries().max_retries(1))
        .build()
        .unwrap();
    let mut req = Request::new(Method::GET, "/x".into());
    req.security(KEY_OR_BEARER);
    let err = client.execute(req).await.unwrap_err();
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    assert!(err.is_retryable());
    let mut texts = vec![err.to_string(), format!("{err:?}")];
    let mut source = std::error::Error::source(&err);
    while let Some(s) = source {
        texts.push(s.to_string());
        texts.push(format!("{s:?}"));
        source = s.source();
    }
    for text in texts {
        assert!(!text.contains("supersecret"), "{text}");
    }
}

#[test]
fn execute_future_is_send() {
    fn assert_send<T: Send>(_: &T) {}
    fn assert_send_sync<T: Send + Sync>(_: &T) {}
    let builder = ClientBuilder::new(KEEP_BASE, SCHEMES).configure_http(|b| b);
    assert_send_sync(&builder);
    let client = client_with(&[]);
    assert_send_sync(&client);
    let future = client.execute(Request::new(Method::GET, "/".into()));
    assert_send(&future);
    let stream = paginate(0u8, |_| async {
        Ok::<(Vec<u8>, Next<u8>), Error<()>>((vec![], Next::end()))
    });
    assert_send(&stream);
}

/// A user's own `reqwest::Client` carries every request, with its default headers, while
/// the builder's user agent and timeout still apply to each request.
#[tokio::test]
async fn a_users_http_client_is_used_with_the_builders_user_agent_and_timeout() {
    let server = serve(vec![Canned::status(200), Canned::hang()]).await;
    let mut defaults = reqwest::header::HeaderMap::new();
    defaults.insert("x-from-user", "yes".parse().unwrap());
    defaults.insert("user-agent", "user-agent/9".parse().unwrap());
    // No timeout of its own: only the builder's can end the hanging request.
    let users = reqwest::Client::builder()
        .default_headers(defaults)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let client = ClientBuilder::new(KEEP_BASE, SCHEMES)
        .base_url(&server.base)
        .http_client(users)
        .user_agent("ours/1")
        .timeout(Duration::from_millis(50))
        .retry_policy(RetryPolicy::disabled())
        .build()
        .unwrap();
    assert!(format!("{client:?}").contains("own_http_client: true"));
    let resp = client
        .execute(Request::new(Method::GET, "/a".into()))
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let first = &server.requests()[0];
    assert_eq!(first.header("user-agent"), Some("ours/1"), "{first:?}");
    // Bounded, so that a missing per-request timeout fails instead of hanging.
    let slow = client.execute(Request::new(Method::GET, "/slow".into()));
    let err = tokio::time::timeout(Duration::from_secs(20), slow)
        .await
        .expect("the builder's timeout applies")
        .unwrap_err();
    assert!(matches!(err, Error::Timeout(_)), "{err:?}");
    let seen = server.requests();
    assert_eq!(seen.len(), 2);
    for request in &seen {
        assert_eq!(request.header("x-from-user"), Some("yes"), "{request:?}");
        assert_eq!(request.header("user-agent"), Some("ours/1"), "{request:?}");
    }
}

/// `configure_http` hooks adjust the client the builder makes, in the order given, after
/// its own settings.
#[tokio::test]
async fn configure_http_hooks_apply_in_order() {
    let server = serve(vec![Canned::status(200)]).await;
    let header = |name: &'static str, value: &'static str| {
        let mut map = reqwest::header::HeaderMap::new();
        map.insert(name, value.parse().unwrap());
        map
    };
    let client = ClientBuilder::new(KEEP_BASE, SCHEMES)
        .base_url(&server.base)
        .configure_http(move |b| b.default_headers(header("x-first", "1")))
        .configure_http(move |b| {
            b.default_headers(header("x-second", "2"))
                .user_agent("from-hook/2")
        })
        .build()
        .unwrap();
    client
        .execute(Request::new(Method::GET, "/a".into()))
        .await
        .unwrap();
    let seen = &server.requests()[0];
    assert_eq!(seen.header("x-first"), Some("1"));
    assert_eq!(seen.header("x-second"), Some("2"));
    assert_eq!(seen.header("user-agent"), Some("from-hook/2"));
}

#[test]
fn http_settings_that_cannot_apply_fail_the_build() {
    let users = reqwest::Client::new();
    let builder = ClientBuilder::new(KEEP_BASE, SCHEMES)
        .http_client(users.clone())
        .configure_http(|b| b);
    let shown = format!("{builder:?}");
    assert!(
        shown.contains("http_client: true") && shown.contains("configure_http_hooks: 1"),
        "{shown}"
    );
    let err = builder.build().unwrap_err();
    assert!(
        matches!(err, BuildError::InvalidHttpSetting { .. }),
        "{err:?}"
    );
    assert!(err
        .to_string()
        .starts_with("invalid HTTP client setting: `configure_http`"));
    let err = ClientBuilder::new(KEEP_BASE, SCHEMES)
        .http_client(users)
        .user_agent("bad\nagent")
        .build()
        .unwrap_err();
    assert!(err.to_string().contains("user agent"), "{err}");
}
