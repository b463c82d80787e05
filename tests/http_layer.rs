//! Loopback tests of the HTTP layer a user shapes, through the generated Lightly client:
//! per-request options (timeout, headers, retry policy, idempotency key), a derived client
//! (`Client::with_options`) sharing the connection pool, interceptors around every attempt,
//! tracing spans and events without secrets, the full response (`send_full`), the bare one
//! (`send_unread`), and request ids kept on errors.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use lightly_client::runtime::{AfterAttempt, BeforeAttempt, BoxError, RetryReason};
use lightly_client::{models, Client, Error, Interceptor, RequestOptions, RetryPolicy};
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const DATASET: &str = "50000000abcdef1234566789";
const TOKEN: &str = "secret-token-value-1234";
const TAGS_PATH: &str = "/v1/datasets/50000000abcdef1234566789/tags";

fn fast_retries() -> RetryPolicy {
    RetryPolicy::new()
        .max_retries(2)
        .initial_backoff(Duration::from_millis(1))
        .max_backoff(Duration::from_millis(5))
}

async fn server_answering(response: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(response)
        .mount(&server)
        .await;
    server
}

fn client_for(server: &MockServer) -> Client {
    Client::builder()
        .base_url(server.uri())
        .api_key_auth(TOKEN)
        .retry_policy(fast_retries())
        .build()
        .expect("the client builds")
}

async fn requests(server: &MockServer) -> Vec<Request> {
    server.received_requests().await.expect("recording is on")
}

fn header<'r>(req: &'r Request, name: &str) -> Option<&'r str> {
    req.headers.get(name).and_then(|v| v.to_str().ok())
}

fn tag_create_request() -> models::TagCreateRequest {
    serde_json::from_value(json!({
        "name": "initial-tag",
        "prevTagId": DATASET,
        "bitMaskData": "0x1",
        "totSize": 1
    }))
    .expect("a valid TagCreateRequest")
}

// ---------------------------------------------------------------------------
// Per-request options and derived clients
// ---------------------------------------------------------------------------

#[tokio::test]
async fn a_per_request_timeout_fires_while_the_client_default_does_not() {
    let server = server_answering(
        ResponseTemplate::new(200)
            .set_body_json(json!([]))
            .set_delay(Duration::from_millis(400)),
    )
    .await;
    let client = Client::builder()
        .base_url(server.uri())
        .api_key_auth(TOKEN)
        .retry_policy(RetryPolicy::disabled())
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap();
    let tags = client.tags();
    let slow = tags
        .get_tags_by_dataset_id(DATASET)
        .options(RequestOptions::new().timeout(Duration::from_millis(50)))
        .await;
    assert!(matches!(slow, Err(Error::Timeout(_))), "{slow:?}");
    // The same call without the option waits for the answer: the option was for one call.
    let fine = tags.get_tags_by_dataset_id(DATASET).await;
    assert_eq!(fine.expect("the default timeout is long").len(), 0);
}

#[tokio::test]
async fn option_headers_beat_defaults_and_removals_take_them_off_for_one_call() {
    let server = server_answering(ResponseTemplate::new(200).set_body_json(json!([]))).await;
    let client = Client::builder()
        .base_url(server.uri())
        .api_key_auth(TOKEN)
        .default_header("x-team", "vision")
        .default_header("x-env", "staging")
        .build()
        .unwrap();
    let tags = client.tags();
    tags.get_tags_by_dataset_id(DATASET)
        .options(
            RequestOptions::new()
                .header("x-env", "prod")
                .header("x-call", "one")
                .remove_header("x-team"),
        )
        .await
        .unwrap();
    tags.get_tags_by_dataset_id(DATASET).await.unwrap();
    let seen = requests(&server).await;
    assert_eq!(seen.len(), 2);
    assert_eq!(header(&seen[0], "x-env"), Some("prod"));
    assert_eq!(header(&seen[0], "x-call"), Some("one"));
    assert_eq!(header(&seen[0], "x-team"), None);
    // Credentials are applied after options and still travel.
    assert!(seen[0].url.query().unwrap_or("").contains(TOKEN));
    // The next call has the defaults again and nothing of the first call's options.
    assert_eq!(header(&seen[1], "x-env"), Some("staging"));
    assert_eq!(header(&seen[1], "x-team"), Some("vision"));
    assert_eq!(header(&seen[1], "x-call"), None);
}

#[tokio::test]
async fn an_invalid_option_fails_the_call_before_sending() {
    let server = server_answering(ResponseTemplate::new(200).set_body_json(json!([]))).await;
    let client = client_for(&server);
    let result = client
        .tags()
        .get_tags_by_dataset_id(DATASET)
        .options(RequestOptions::new().header("bad header", "x"))
        .await;
    assert!(
        matches!(result, Err(Error::InvalidArgument { name: "header", .. })),
        "{result:?}"
    );
    assert!(requests(&server).await.is_empty());
    let bad_default = Client::builder()
        .base_url(server.uri())
        .default_header("x-ok", "line\nbreak")
        .build();
    assert!(bad_default.is_err());
}

#[tokio::test]
async fn a_retry_policy_option_replaces_the_clients_for_one_call() {
    let server = server_answering(ResponseTemplate::new(503)).await;
    let client = client_for(&server); // two retries by default
    let _ = client
        .tags()
        .get_tags_by_dataset_id(DATASET)
        .options(RequestOptions::new().retry_policy(RetryPolicy::disabled()))
        .await;
    assert_eq!(requests(&server).await.len(), 1, "no retry with the option");
    server.reset().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    let _ = client.tags().get_tags_by_dataset_id(DATASET).await;
    assert_eq!(
        requests(&server).await.len(),
        3,
        "the client's policy again"
    );
}

#[tokio::test]
async fn an_idempotency_key_makes_a_post_retryable_with_the_same_key_on_every_attempt() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(TAGS_PATH))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(2)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(TAGS_PATH))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"id": DATASET})))
        .mount(&server)
        .await;
    let client = client_for(&server);
    // Without a key a POST is never retried.
    let plain = client
        .tags()
        .create_tag_by_dataset_id(DATASET, tag_create_request())
        .await;
    assert_eq!(plain.unwrap_err().status().map(|s| s.as_u16()), Some(503));
    assert_eq!(requests(&server).await.len(), 1);

    let created = client
        .tags()
        .create_tag_by_dataset_id(DATASET, tag_create_request())
        .options(RequestOptions::new().new_idempotency_key())
        .await
        .expect("retried until it succeeds");
    assert_eq!(created.id.as_str(), DATASET);
    let seen = requests(&server).await;
    assert_eq!(
        seen.len(),
        3,
        "one plain POST, then a failure and a success"
    );
    let first = header(&seen[1], "idempotency-key").expect("a key is sent");
    assert_eq!(first.len(), 32);
    assert_eq!(header(&seen[2], "idempotency-key"), Some(first));
    // Both attempts carried the same body.
    assert_eq!(seen[1].body, seen[2].body);
}

/// Accepts connections on a raw listener and answers every request on them with an empty
/// JSON array, keeping connections open; reports how many connections were accepted.
async fn keep_alive_server() -> (String, Arc<Mutex<(usize, Vec<String>)>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let seen = Arc::new(Mutex::new((0usize, Vec::new())));
    let record = seen.clone();
    tokio::spawn(async move {
        loop {
            let Ok((mut stream, _)) = listener.accept().await else {
                return;
            };
            record.lock().unwrap().0 += 1;
            let record = record.clone();
            tokio::spawn(async move {
                let mut buf = Vec::new();
                let mut chunk = [0u8; 4096];
                loop {
                    // One request head at a time (these requests have no body).
                    let end = loop {
                        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                            break i + 4;
                        }
                        match stream.read(&mut chunk).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => buf.extend_from_slice(&chunk[..n]),
                        }
                    };
                    let head: Vec<u8> = buf.drain(..end).collect();
                    record
                        .lock()
                        .unwrap()
                        .1
                        .push(String::from_utf8_lossy(&head).into_owned());
                    let reply = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n[]";
                    if stream.write_all(reply.as_bytes()).await.is_err() {
                        return;
                    }
                }
            });
        }
    });
    (base, seen)
}

#[tokio::test]
async fn a_derived_client_shares_the_pool_and_adds_its_defaults() {
    let (base, seen) = keep_alive_server().await;
    let client = Client::builder()
        .base_url(&base)
        .api_key_auth(TOKEN)
        .default_header("x-app", "base")
        .build()
        .unwrap();
    let derived = client.with_options(
        RequestOptions::new()
            .header("x-app", "derived")
            .header("x-tenant", "t1"),
    );
    client.tags().get_tags_by_dataset_id(DATASET).await.unwrap();
    derived
        .tags()
        .get_tags_by_dataset_id(DATASET)
        .await
        .unwrap();
    client.tags().get_tags_by_dataset_id(DATASET).await.unwrap();
    let (connections, heads) = seen.lock().unwrap().clone();
    assert_eq!(heads.len(), 3);
    assert_eq!(
        connections, 1,
        "all three calls went over one pooled connection"
    );
    let lower: Vec<String> = heads.iter().map(|h| h.to_ascii_lowercase()).collect();
    assert!(lower[0].contains("x-app: base") && !lower[0].contains("x-tenant"));
    assert!(lower[1].contains("x-app: derived") && lower[1].contains("x-tenant: t1"));
    assert!(lower[2].contains("x-app: base") && !lower[2].contains("x-tenant"));
}

// ---------------------------------------------------------------------------
// Interceptors
// ---------------------------------------------------------------------------

/// Signs each attempt with a header naming it, and records what it sees after each.
#[derive(Clone, Default)]
struct Recorder {
    log: Arc<Mutex<Vec<String>>>,
    name: &'static str,
}

impl Interceptor for Recorder {
    fn before_attempt(&self, attempt: &mut BeforeAttempt<'_>) -> Result<(), BoxError> {
        let seen_before = attempt
            .request()
            .headers()
            .get("x-signed-by")
            .map(|v| v.to_str().unwrap().to_owned());
        let value = match seen_before {
            Some(earlier) => format!("{earlier},{}#{}", self.name, attempt.attempt()),
            None => format!("{}#{}", self.name, attempt.attempt()),
        };
        attempt
            .request_mut()
            .headers_mut()
            .insert("x-signed-by", value.parse().unwrap());
        self.log.lock().unwrap().push(format!(
            "{} before {} {} attempt {}",
            self.name,
            attempt.operation(),
            attempt.path_template(),
            attempt.attempt()
        ));
        Ok(())
    }

    fn after_attempt(&self, attempt: &AfterAttempt<'_>) -> Result<(), BoxError> {
        let retry = match attempt.retry() {
            Some(r) => match r.reason {
                RetryReason::Status(s) => format!("retry on {}", s.as_u16()),
                other => format!("retry on {other}"),
            },
            None => "final".to_string(),
        };
        self.log.lock().unwrap().push(format!(
            "{} after attempt {} status {:?} {retry}",
            self.name,
            attempt.attempt(),
            attempt.status().map(|s| s.as_u16()),
        ));
        Ok(())
    }
}

#[tokio::test]
async fn hooks_see_every_attempt_of_a_retried_call_in_order() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(2)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([])))
        .mount(&server)
        .await;
    let log = Arc::new(Mutex::new(Vec::new()));
    let client = Client::builder()
        .base_url(server.uri())
        .api_key_auth(TOKEN)
        .retry_policy(fast_retries())
        .interceptor(Recorder {
            log: log.clone(),
            name: "a",
        })
        .interceptor(Recorder {
            log: log.clone(),
            name: "b",
        })
        .build()
        .unwrap();
    client.tags().get_tags_by_dataset_id(DATASET).await.unwrap();
    let log = log.lock().unwrap().clone();
    let template = "getTagsByDatasetId /v1/datasets/{datasetId}/tags";
    let expected: Vec<String> = (1..=3)
        .flat_map(|n| {
            let after = if n < 3 {
                "status Some(503) retry on 503".to_string()
            } else {
                "status Some(200) final".to_string()
            };
            vec![
                format!("a before {template} attempt {n}"),
                format!("b before {template} attempt {n}"),
                format!("a after attempt {n} {after}"),
                format!("b after attempt {n} {after}"),
            ]
        })
        .collect();
    assert_eq!(log, expected);
    // Each attempt was signed afresh, by both hooks in order: no signature carried over.
    let seen = requests(&server).await;
    let signatures: Vec<&str> = seen
        .iter()
        .map(|r| header(r, "x-signed-by").unwrap())
        .collect();
    assert_eq!(signatures, ["a#1,b#1", "a#2,b#2", "a#3,b#3"]);
}

struct Refuse;

impl Interceptor for Refuse {
    fn before_attempt(&self, _: &mut BeforeAttempt<'_>) -> Result<(), BoxError> {
        Err("no signing key".into())
    }
}

#[tokio::test]
async fn a_failing_hook_is_an_error_of_its_own_and_nothing_is_sent() {
    let server = server_answering(ResponseTemplate::new(200).set_body_json(json!([]))).await;
    let client = Client::builder()
        .base_url(server.uri())
        .api_key_auth(TOKEN)
        .interceptor(Refuse)
        .build()
        .unwrap();
    let err = client
        .tags()
        .get_tags_by_dataset_id(DATASET)
        .await
        .unwrap_err();
    match &err {
        Error::Interceptor { operation, source } => {
            assert_eq!(*operation, "getTagsByDatasetId");
            assert_eq!(source.to_string(), "no signing key");
        }
        other => panic!("expected Error::Interceptor, got {other:?}"),
    }
    assert!(err.to_string().contains("getTagsByDatasetId"));
    assert!(requests(&server).await.is_empty());
}

// ---------------------------------------------------------------------------
// Tracing
// ---------------------------------------------------------------------------

/// A subscriber that writes every span's and event's fields as text.
struct Capture {
    lines: Arc<Mutex<Vec<String>>>,
    next_id: std::sync::atomic::AtomicU64,
}

struct Fields(String);

impl tracing::field::Visit for Fields {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        self.0.push_str(&format!(" {}={:?}", field.name(), value));
    }
}

impl tracing::Subscriber for Capture {
    fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, span: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        let mut fields = Fields(format!("span {}", span.metadata().name()));
        span.record(&mut fields);
        self.lines.lock().unwrap().push(fields.0);
        let id = self
            .next_id
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        tracing::span::Id::from_u64(id + 1)
    }
    fn record(&self, _: &tracing::span::Id, values: &tracing::span::Record<'_>) {
        let mut fields = Fields("record".to_string());
        values.record(&mut fields);
        self.lines.lock().unwrap().push(fields.0);
    }
    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
    fn event(&self, event: &tracing::Event<'_>) {
        // Only the client's own events: its HTTP stack traces too.
        if !event.metadata().target().starts_with("lightly_client") {
            return;
        }
        let mut fields = Fields(format!("event {}", event.metadata().level()));
        event.record(&mut fields);
        self.lines.lock().unwrap().push(fields.0);
    }
    fn enter(&self, _: &tracing::span::Id) {}
    fn exit(&self, _: &tracing::span::Id) {}
}

#[tokio::test]
async fn a_traced_call_has_its_span_and_attempt_events_and_no_secret() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([])))
        .mount(&server)
        .await;
    let lines = Arc::new(Mutex::new(Vec::new()));
    let capture = Capture {
        lines: lines.clone(),
        next_id: Default::default(),
    };
    let client = client_for(&server);
    {
        let _guard = tracing::subscriber::set_default(capture);
        client
            .tags()
            .get_tags_by_dataset_id(DATASET)
            .options(RequestOptions::new().header("x-api-secret", "hdr-secret-999"))
            .await
            .unwrap();
    }
    let lines = lines.lock().unwrap().clone();
    let text = lines.join("\n");
    assert_eq!(
        lines[0],
        "span operation operation=\"getTagsByDatasetId\" method=\"GET\" path=\"/v1/datasets/{datasetId}/tags\"",
        "{text}"
    );
    let attempts: Vec<&String> = lines
        .iter()
        .filter(|l| l.contains("message=attempt"))
        .collect();
    assert_eq!(attempts.len(), 2, "{text}");
    assert!(attempts[0].contains("attempt=1 status=503"), "{text}");
    assert!(attempts[1].contains("attempt=2 status=200"), "{text}");
    assert!(
        lines
            .iter()
            .any(|l| l.contains("message=retrying") && l.contains("reason=status 503")),
        "{text}"
    );
    for secret in [TOKEN, "hdr-secret-999", DATASET] {
        assert!(
            !text.contains(secret),
            "`{secret}` leaked into traces:\n{text}"
        );
    }
}

// ---------------------------------------------------------------------------
// Raw responses and request ids
// ---------------------------------------------------------------------------

#[tokio::test]
async fn send_full_returns_status_headers_and_the_typed_body() {
    let server = server_answering(
        ResponseTemplate::new(200)
            .insert_header("x-request-id", "req-42")
            .insert_header("x-ratelimit-remaining", "7")
            .set_body_json(json!([])),
    )
    .await;
    let client = client_for(&server);
    let full = client
        .tags()
        .get_tags_by_dataset_id(DATASET)
        .send_full()
        .await
        .unwrap();
    assert_eq!(full.status.as_u16(), 200);
    assert_eq!(full.headers["x-ratelimit-remaining"], "7");
    assert_eq!(full.request_id(), Some("req-42"));
    assert!(full.body.is_empty());
    assert_eq!(requests(&server).await.len(), 1);
}

#[tokio::test]
async fn a_body_that_does_not_decode_keeps_its_raw_bytes_and_request_id() {
    let raw = br#"[{"id": 5, "unexpected": true}]"#;
    let server = server_answering(
        ResponseTemplate::new(200)
            .insert_header("x-amzn-requestid", "amz-7")
            .set_body_raw(raw.to_vec(), "application/json"),
    )
    .await;
    let client = client_for(&server);
    let err = client
        .tags()
        .get_tags_by_dataset_id(DATASET)
        .send_full()
        .await
        .unwrap_err();
    assert_eq!(err.request_id(), Some("amz-7"));
    match err {
        Error::Decode { body, .. } => assert_eq!(&body[..], &raw[..]),
        other => panic!("expected a decode error, got {other:?}"),
    }
    // One request: the raw bytes came from the same response.
    assert_eq!(requests(&server).await.len(), 1);
}

#[tokio::test]
async fn request_ids_are_kept_on_api_and_unexpected_errors() {
    let server = server_answering(
        ResponseTemplate::new(404)
            .insert_header("request-id", "r-404")
            .set_body_json(json!({"code": "DATASET_UNKNOWN", "error": "no such dataset", "message": "no such dataset"})),
    )
    .await;
    let client = client_for(&server);
    let err = client
        .tags()
        .get_tags_by_dataset_id(DATASET)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Api { .. }), "{err:?}");
    assert_eq!(err.request_id(), Some("r-404"));

    let server =
        server_answering(ResponseTemplate::new(418).insert_header("x-correlation-id", "corr-1"))
            .await;
    let err = client_for(&server)
        .tags()
        .get_tags_by_dataset_id(DATASET)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::UnexpectedStatus { .. }), "{err:?}");
    assert_eq!(err.request_id(), Some("corr-1"));
}

#[tokio::test]
async fn send_unread_returns_the_bare_response_with_its_body_unread() {
    let body = "x".repeat(100_000);
    let server = server_answering(
        ResponseTemplate::new(500)
            .insert_header("x-request-id", "bare")
            .set_body_string(body.clone()),
    )
    .await;
    // A body limit far below the body: the bare response is not subject to it.
    let client = Client::builder()
        .base_url(server.uri())
        .api_key_auth(TOKEN)
        .retry_policy(RetryPolicy::disabled())
        .max_response_body_bytes(10)
        .build()
        .unwrap();
    let mut response = client
        .tags()
        .get_tags_by_dataset_id(DATASET)
        .send_unread()
        .await
        .expect("any status is a response");
    assert_eq!(response.status().as_u16(), 500);
    assert_eq!(response.headers()["x-request-id"], "bare");
    let mut read = 0;
    while let Some(chunk) = response.chunk().await.unwrap() {
        read += chunk.len();
    }
    assert_eq!(read, body.len());
}
