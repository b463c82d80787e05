//! Loopback HTTP tests for the generated Lightly client (`lightly-client`).
//!
//! Every test talks to a `wiremock` server on 127.0.0.1; nothing else is contacted.
//!
//! - `datasources`, `predictions`, `samples`, `samplings` and `tags` hold one test per
//!   operation of `spec/lightly.yaml` (34 in all). Each sends the operation, checks the
//!   request on the wire (method, exact percent-encoded path, query with optional
//!   parameters present when set and absent when unset, where the credential went, the
//!   JSON body), checks the decoded success value, and then answers every documented
//!   error status to check it decodes into `Error::Api` with an `ApiErrorResponse`.
//! - `behaviour` holds one focused test per runtime behaviour: retries, timeouts,
//!   redirects, unknown enum values and discriminators, argument validation, path
//!   encoding, pagination, credentials, undocumented statuses, decode errors and
//!   secrets staying out of `Debug`/`Display` output.

use std::fmt::Debug;
use std::future::Future;
use std::time::Duration;

use lightly_client::models::{ApiErrorCode, ApiErrorResponse};
use lightly_client::{Client, Error, RetryPolicy};
use serde_json::{json, Value};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

// ---------------------------------------------------------------------------
// Fixtures
// ---------------------------------------------------------------------------

const DATASET: &str = "50000000abcdef1234566789";
const TAG: &str = "5f1a2b3c4d5e6f7a8b9c0d1e";
const TAG2: &str = "5f1a2b3c4d5e6f7a8b9c0d2f";
const SAMPLE: &str = "60a1b2c3d4e5f60718293a4b";
const EMBEDDING: &str = "61c2d3e4f5a6b7c8d9e0f1a2";
const NEW_ID: &str = "62d3e4f5a6b7c8d9e0f1a2b3";
/// 2020-01-01T00:00:00Z in milliseconds.
const TS: i64 = 1_577_836_800_000;

/// The API key. It holds characters that must be percent-encoded in a query.
const TOKEN: &str = "lt_5ecret/Key+42=";
const TOKEN_ENCODED: &str = "lt_5ecret%2FKey%2B42%3D";
const BEARER: &str = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ0ZXN0In0.c2lnbmF0dXJl";
const PUBLIC_JWT: &str = "pub.jwt-token_1";

/// Every operation but one documents these error statuses.
const DOCUMENTED: &[u16] = &[400, 401, 403, 404];

fn tag_json(id: &str, name: &str, prev: Option<&str>, bitmask: &str) -> Value {
    json!({
        "id": id,
        "datasetId": DATASET,
        "prevTagId": prev,
        "name": name,
        "bitMaskData": bitmask,
        "totSize": 10,
        "createdAt": TS,
        "lastModifiedAt": TS + 60_000,
        "changes": {"samplerConfig": {"method": "CORESET"}}
    })
}

fn sample_json() -> Value {
    json!({
        "id": SAMPLE,
        "type": "IMAGE",
        "datasetId": DATASET,
        "fileName": "images/cat 001.png",
        "thumbName": null,
        "exif": {"Make": "Canon", "ISO": 200},
        "index": 7,
        "createdAt": TS,
        "lastModifiedAt": TS + 1_000,
        "metaData": {
            "sharpness": 12.5,
            "sizeInBytes": 48213,
            "snr": 3.25,
            "mean": [0.5, 0.25, 0.125],
            "shape": [480, 640, 3],
            "custom": {"weather": "sunny"}
        },
        "customMetaData": null
    })
}

/// A short page item for the paginated sample listings.
fn sample_item(i: usize) -> Value {
    json!({
        "id": format!("60a1b2c3d4e5f60718293a{i:02x}"),
        "type": "IMAGE",
        "fileName": format!("img-{i}.png")
    })
}

fn s3_datasource_json() -> Value {
    json!({
        "type": "S3",
        "purpose": "INPUT_OUTPUT",
        "fullPath": "s3://lightly-bucket/datasets/cats",
        "thumbSuffix": ".lightly/thumbnails/[filename]_thumb.[extension]",
        "s3Region": "eu-central-1",
        "s3AccessKeyId": "AKIAIOSFODNN7EXAMPLE",
        "s3SecretAccessKey": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
    })
}

fn classification_json() -> Value {
    json!({
        "type": "CLASSIFICATION",
        "taskName": "weather-classifier",
        "categoryId": 1,
        "score": 0.75,
        "probabilities": [0.125, 0.75, 0.125]
    })
}

fn segmentation_json() -> Value {
    json!({
        "type": "INSTANCE_SEGMENTATION",
        "taskName": "cat-segmenter",
        "cropDatasetId": DATASET,
        "cropSampleId": NEW_ID,
        "categoryId": 0,
        "score": 0.875,
        "segmentation": "eNpjYGBgAAAABQAB"
    })
}

fn keypoints_json() -> Value {
    json!({
        "type": "KEYPOINT_DETECTION",
        "taskName": "pose-estimator",
        "categoryId": 3,
        "score": 0.5,
        "keypoints": [120, 80, 3, 140, 96, 3]
    })
}

fn task_schema_json() -> Value {
    json!({
        "name": "vehicles v2.0",
        "type": "OBJECT_DETECTION",
        "categories": [{"id": 0, "name": "car"}, {"id": 1, "name": "bus: double decker"}]
    })
}

/// An `ApiErrorResponse` body matching `status`.
fn error_fixture(status: u16) -> (&'static str, &'static str) {
    match status {
        400 => (
            "MALFORMED_REQUEST",
            "request body does not match the schema",
        ),
        401 => ("JWT_INVALID", "the token is invalid or expired"),
        403 => ("FORBIDDEN", "you are not allowed to access this dataset"),
        404 => (
            "DATASET_UNKNOWN",
            "dataset 50000000abcdef1234566789 not found",
        ),
        other => panic!("no error fixture for {other}"),
    }
}

// ---------------------------------------------------------------------------
// Harness
// ---------------------------------------------------------------------------

/// Which credential the test client carries, and so where it must appear on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Auth {
    /// `ApiKeyAuth`: query parameter `token`.
    ApiKey,
    /// `auth0Bearer`: `Authorization: Bearer ...`.
    Bearer,
    /// `ApiPublicJWTAuth`: query parameter `publicToken`.
    PublicJwt,
}

/// Retries with tiny backoffs, so tests stay fast.
fn fast_retries() -> RetryPolicy {
    RetryPolicy::new()
        .max_retries(2)
        .initial_backoff(Duration::from_millis(1))
        .max_backoff(Duration::from_millis(5))
}

struct Harness {
    server: MockServer,
    client: Client,
    auth: Auth,
}

impl Harness {
    async fn new(auth: Auth) -> Self {
        let server = MockServer::start().await;
        let builder = Client::builder()
            .base_url(server.uri())
            .retry_policy(fast_retries());
        let builder = match auth {
            Auth::ApiKey => builder.api_key_auth(TOKEN),
            Auth::Bearer => builder.auth0_bearer(BEARER),
            Auth::PublicJwt => builder.api_public_jwt_auth(PUBLIC_JWT),
        };
        let client = builder.build().expect("the client builds");
        Harness {
            server,
            client,
            auth,
        }
    }

    /// Forgets earlier mocks and requests, then answers every request with `response`.
    async fn answer(&self, response: ResponseTemplate) {
        self.server.reset().await;
        Mock::given(any())
            .respond_with(response)
            .mount(&self.server)
            .await;
    }

    async fn requests(&self) -> Vec<Request> {
        self.server
            .received_requests()
            .await
            .expect("request recording is on")
    }

    /// Asserts that exactly one request was made, and what it looked like.
    ///
    /// `path` and the `query` values are compared in their percent-encoded wire form;
    /// the credential pair for `self.auth` is added to `query` here. `body` is the
    /// expected JSON body, or `None` for a request without a body.
    async fn expect(
        &self,
        method: &str,
        path: &str,
        query: &[(&str, &str)],
        body: Option<Value>,
    ) -> Request {
        let requests = self.requests().await;
        assert_eq!(requests.len(), 1, "expected one request, got {requests:#?}");
        let req = requests.into_iter().next().unwrap();
        check_request(&req, self.auth, method, path, query, body.as_ref());
        req
    }
}

/// The query of a request as sorted raw (still percent-encoded) pairs.
fn raw_query(req: &Request) -> Vec<(String, String)> {
    let mut pairs: Vec<(String, String)> = req
        .url
        .query()
        .unwrap_or("")
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (k.to_owned(), v.to_owned())
        })
        .collect();
    pairs.sort();
    pairs
}

fn header<'r>(req: &'r Request, name: &str) -> Option<&'r str> {
    req.headers
        .get(name)
        .map(|v| v.to_str().expect("ASCII header"))
}

fn check_request(
    req: &Request,
    auth: Auth,
    method: &str,
    path: &str,
    query: &[(&str, &str)],
    body: Option<&Value>,
) {
    assert_eq!(req.method.as_str(), method, "method of {}", req.url);
    assert_eq!(req.url.path(), path, "path of {}", req.url);

    let mut expected: Vec<(String, String)> = query
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    match auth {
        Auth::ApiKey => expected.push(("token".into(), TOKEN_ENCODED.into())),
        Auth::PublicJwt => expected.push(("publicToken".into(), PUBLIC_JWT.into())),
        Auth::Bearer => {}
    }
    expected.sort();
    assert_eq!(raw_query(req), expected, "query of {}", req.url);

    let authorization = header(req, "authorization");
    if auth == Auth::Bearer {
        assert_eq!(authorization, Some(format!("Bearer {BEARER}").as_str()));
    } else {
        assert_eq!(authorization, None, "no Authorization header expected");
    }

    match body {
        Some(expected) => {
            assert_eq!(header(req, "content-type"), Some("application/json"));
            let sent: Value = serde_json::from_slice(&req.body).expect("the body is JSON");
            assert_eq!(&sent, expected, "body of {} {}", req.method, req.url);
        }
        None => {
            assert!(req.body.is_empty(), "unexpected body on {}", req.url);
            assert_eq!(header(req, "content-type"), None);
        }
    }
}

fn ok_json(status: u16, body: Value) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_json(body)
}

/// Answers each status in `statuses` with a matching `ApiErrorResponse` and checks that
/// `call` returns `Error::Api` holding exactly that status and body, after one request.
async fn assert_documented_errors<T, F, Fut>(h: &Harness, statuses: &[u16], call: F)
where
    T: Debug,
    F: Fn() -> Fut,
    Fut: Future<Output = Result<T, Error<ApiErrorResponse>>>,
{
    for &status in statuses {
        let (code, message) = error_fixture(status);
        h.answer(ok_json(status, json!({"code": code, "message": message})))
            .await;
        let err = call().await.expect_err("an error status must fail");
        assert_eq!(err.status().map(|s| s.as_u16()), Some(status));
        match err {
            Error::Api {
                status: got, body, ..
            } => {
                assert_eq!(got.as_u16(), status);
                assert!(
                    !matches!(body.code, ApiErrorCode::Unknown(_)),
                    "{code} is a documented code: {body:?}"
                );
                assert_eq!(body.code.as_str(), code);
                assert_eq!(body.message, message);
            }
            other => panic!("status {status}: expected Error::Api, got {other:?}"),
        }
        assert_eq!(
            h.requests().await.len(),
            1,
            "status {status} is not retried"
        );
    }
}

// ---------------------------------------------------------------------------
// Operations: datasources
// ---------------------------------------------------------------------------

mod datasources {
    use super::*;
    use lightly_client::models::{
        DatasourceConfig, DatasourceConfigGcs, DatasourceConfigGcsGcsProjectId,
        DatasourceProcessedUntilTimestampRequest, DatasourcePurpose, S3Region, Timestamp,
    };

    #[tokio::test]
    async fn get_datasource_by_dataset_id() {
        let h = Harness::new(Auth::Bearer).await;
        h.answer(ok_json(200, s3_datasource_json())).await;
        let config = h
            .client
            .datasources()
            .get_datasource_by_dataset_id(DATASET)
            .send()
            .await
            .unwrap();
        let DatasourceConfig::S3(s3) = &config else {
            panic!("expected the S3 variant, got {config:?}");
        };
        assert_eq!(s3.purpose, DatasourcePurpose::InputOutput);
        assert_eq!(s3.full_path, "s3://lightly-bucket/datasets/cats");
        assert_eq!(s3.s3_region, S3Region::EuCentral1);
        assert_eq!(s3.s3_access_key_id.as_str(), "AKIAIOSFODNN7EXAMPLE");
        assert_eq!(config.tag(), Some("S3"));
        h.expect(
            "GET",
            &format!("/v1/datasets/{DATASET}/datasource"),
            &[],
            None,
        )
        .await;

        let client = &h.client;
        assert_documented_errors(&h, DOCUMENTED, || {
            client
                .datasources()
                .get_datasource_by_dataset_id(DATASET)
                .send()
        })
        .await;
    }

    #[tokio::test]
    async fn update_datasource_by_dataset_id() {
        let h = Harness::new(Auth::ApiKey).await;
        let body = DatasourceConfig::Gcs(DatasourceConfigGcs {
            purpose: DatasourcePurpose::Input,
            r#type: "GCS".into(),
            full_path: "gs://lightly-bucket/datasets/dogs".into(),
            thumb_suffix: None,
            gcs_project_id: DatasourceConfigGcsGcsProjectId::new("lightly-project-4711").unwrap(),
            gcs_credentials: r#"{"type":"service_account","project_id":"lightly-project-4711"}"#
                .into(),
        });
        h.answer(ResponseTemplate::new(200)).await;
        h.client
            .datasources()
            .update_datasource_by_dataset_id(DATASET, body.clone())
            .send()
            .await
            .unwrap();
        h.expect(
            "PUT",
            &format!("/v1/datasets/{DATASET}/datasource"),
            &[],
            Some(json!({
                "type": "GCS",
                "purpose": "INPUT",
                "fullPath": "gs://lightly-bucket/datasets/dogs",
                "gcsProjectId": "lightly-project-4711",
                "gcsCredentials": r#"{"type":"service_account","project_id":"lightly-project-4711"}"#
            })),
        )
        .await;

        let client = &h.client;
        assert_documented_errors(&h, DOCUMENTED, move || {
            client
                .datasources()
                .update_datasource_by_dataset_id(DATASET, body.clone())
                .send()
        })
        .await;
    }

    #[tokio::test]
    async fn get_list_of_raw_samples_from_datasource_by_dataset_id() {
        let h = Harness::new(Auth::ApiKey).await;
        let page = json!({
            "hasMore": true,
            "cursor": "eyJmcm9tIjoxNTc3ODM2ODAwMDAwfQ==",
            "data": [
                {"fileName": "raw/cat 001.png", "readUrl": "https://lightly-bucket.s3.amazonaws.com/raw/cat%20001.png?X-Amz-Signature=abc"},
                {"fileName": "raw/cat 002.png", "readUrl": "https://lightly-bucket.s3.amazonaws.com/raw/cat%20002.png?X-Amz-Signature=def"}
            ]
        });
        let path = format!("/v1/datasets/{DATASET}/datasource/list");

        // No optional parameter set: none is sent.
        h.answer(ok_json(200, page.clone())).await;
        let data = h
            .client
            .datasources()
            .get_list_of_raw_samples_from_datasource_by_dataset_id(DATASET)
            .send()
            .await
            .unwrap();
        assert!(data.has_more);
        assert_eq!(data.cursor, "eyJmcm9tIjoxNTc3ODM2ODAwMDAwfQ==");
        assert_eq!(data.data.len(), 2);
        assert_eq!(data.data[1].file_name, "raw/cat 002.png");
        h.expect("GET", &path, &[], None).await;

        // All of them set.
        h.answer(ok_json(200, page)).await;
        h.client
            .datasources()
            .get_list_of_raw_samples_from_datasource_by_dataset_id(DATASET)
            .from(TS)
            .to(TS + 86_400_000)
            .cursor("eyJmcm9tIjoxNTc3ODM2ODAwMDAwfQ==")
            .send()
            .await
            .unwrap();
        h.expect(
            "GET",
            &path,
            &[
                ("from", "1577836800000"),
                ("to", "1577923200000"),
                ("cursor", "eyJmcm9tIjoxNTc3ODM2ODAwMDAwfQ%3D%3D"),
            ],
            None,
        )
        .await;

        let client = &h.client;
        assert_documented_errors(&h, DOCUMENTED, || {
            client
                .datasources()
                .get_list_of_raw_samples_from_datasource_by_dataset_id(DATASET)
                .send()
        })
        .await;
    }

    #[tokio::test]
    async fn get_datasource_processed_until_timestamp_by_dataset_id() {
        let h = Harness::new(Auth::ApiKey).await;
        h.answer(ok_json(200, json!({"processedUntilTimestamp": TS})))
            .await;
        let resp = h
            .client
            .datasources()
            .get_datasource_processed_until_timestamp_by_dataset_id(DATASET)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.processed_until_timestamp.get(), TS);
        h.expect(
            "GET",
            &format!("/v1/datasets/{DATASET}/datasource/processedUntilTimestamp"),
            &[],
            None,
        )
        .await;

        let client = &h.client;
        assert_documented_errors(&h, DOCUMENTED, || {
            client
                .datasources()
                .get_datasource_processed_until_timestamp_by_dataset_id(DATASET)
                .send()
        })
        .await;
    }

    #[tokio::test]
    async fn update_datasource_processed_until_timestamp_by_dataset_id() {
        let h = Harness::new(Auth::ApiKey).await;
        let body = DatasourceProcessedUntilTimestampRequest {
            processed_until_timestamp: Timestamp::new(TS + 5_000).unwrap(),
        };
        h.answer(ResponseTemplate::new(200)).await;
        h.client
            .datasources()
            .update_datasource_processed_until_timestamp_by_dataset_id(DATASET, body.clone())
            .send()
            .await
            .unwrap();
        h.expect(
            "PUT",
            &format!("/v1/datasets/{DATASET}/datasource/processedUntilTimestamp"),
            &[],
            Some(json!({"processedUntilTimestamp": 1_577_836_805_000_i64})),
        )
        .await;

        let client = &h.client;
        assert_documented_errors(&h, DOCUMENTED, move || {
            client
                .datasources()
                .update_datasource_processed_until_timestamp_by_dataset_id(DATASET, body.clone())
                .send()
        })
        .await;
    }

    #[tokio::test]
    async fn verify_datasource_by_dataset_id() {
        let h = Harness::new(Auth::ApiKey).await;
        h.answer(ok_json(
            200,
            json!({"canRead": true, "canWrite": false, "canList": true}),
        ))
        .await;
        let verify = h
            .client
            .datasources()
            .verify_datasource_by_dataset_id(DATASET)
            .send()
            .await
            .unwrap();
        assert!(verify.can_read);
        assert!(!verify.can_write);
        assert!(verify.can_list);
        h.expect(
            "GET",
            &format!("/v1/datasets/{DATASET}/datasource/verify"),
            &[],
            None,
        )
        .await;

        let client = &h.client;
        assert_documented_errors(&h, DOCUMENTED, || {
            client
                .datasources()
                .verify_datasource_by_dataset_id(DATASET)
                .send()
        })
        .await;
    }
}

// ---------------------------------------------------------------------------
// Operations: predictions
// ---------------------------------------------------------------------------

mod predictions {
    use super::*;
    use lightly_client::models::{
        CategoryId, CategoryName, PredictionSingleton, PredictionSingletonClassification,
        PredictionSingletonInstanceSegmentation, PredictionTaskSchema,
        PredictionTaskSchemaCategory, ProbabilitiesItem, Score, TaskName, TaskType,
    };

    #[tokio::test]
    async fn get_predictions_by_dataset_id() {
        let h = Harness::new(Auth::ApiKey).await;
        let fixture = json!([
            [classification_json(), keypoints_json()],
            [segmentation_json()]
        ]);
        let path = format!("/v1/datasets/{DATASET}/predictions/samples");

        h.answer(ok_json(200, fixture.clone())).await;
        let all = h
            .client
            .predictions()
            .get_predictions_by_dataset_id(DATASET, TS)
            .send()
            .await
            .unwrap();
        assert_eq!(all.len(), 2);
        assert_eq!(all[0].len(), 2);
        let PredictionSingleton::Classification(c) = &all[0][0] else {
            panic!("expected a classification, got {:?}", all[0][0]);
        };
        assert_eq!(c.task_name.as_str(), "weather-classifier");
        assert_eq!(c.category_id.get(), 1);
        assert_eq!(f32::from(c.score), 0.75);
        let PredictionSingleton::KeypointDetection(k) = &all[0][1] else {
            panic!("expected keypoints, got {:?}", all[0][1]);
        };
        assert_eq!(k.keypoints.len(), 6);
        assert_eq!(all[1][0].tag(), Some("INSTANCE_SEGMENTATION"));
        h.expect(
            "GET",
            &path,
            &[("predictionUUIDTimestamp", "1577836800000")],
            None,
        )
        .await;

        h.answer(ok_json(200, fixture)).await;
        h.client
            .predictions()
            .get_predictions_by_dataset_id(DATASET, TS)
            .task_name("weather-classifier")
            .send()
            .await
            .unwrap();
        h.expect(
            "GET",
            &path,
            &[
                ("predictionUUIDTimestamp", "1577836800000"),
                ("taskName", "weather-classifier"),
            ],
            None,
        )
        .await;

        let client = &h.client;
        assert_documented_errors(&h, DOCUMENTED, || {
            client
                .predictions()
                .get_predictions_by_dataset_id(DATASET, TS)
                .send()
        })
        .await;
    }

    #[tokio::test]
    async fn get_prediction_by_sample_id() {
        let h = Harness::new(Auth::ApiKey).await;
        h.answer(ok_json(
            200,
            json!([segmentation_json(), classification_json()]),
        ))
        .await;
        let singletons = h
            .client
            .predictions()
            .get_prediction_by_sample_id(DATASET, SAMPLE, TS)
            .send()
            .await
            .unwrap();
        assert_eq!(singletons.len(), 2);
        let PredictionSingleton::InstanceSegmentation(s) = &singletons[0] else {
            panic!("expected a segmentation, got {:?}", singletons[0]);
        };
        assert_eq!(s.segmentation, "eNpjYGBgAAAABQAB");
        assert_eq!(
            s.crop_sample_id.as_ref().map(|id| id.as_str()),
            Some(NEW_ID)
        );
        h.expect(
            "GET",
            &format!("/v1/datasets/{DATASET}/predictions/samples/{SAMPLE}"),
            &[("predictionUUIDTimestamp", "1577836800000")],
            None,
        )
        .await;

        let client = &h.client;
        assert_documented_errors(&h, DOCUMENTED, || {
            client
                .predictions()
                .get_prediction_by_sample_id(DATASET, SAMPLE, TS)
                .send()
        })
        .await;
    }

    #[tokio::test]
    async fn create_or_update_prediction_by_sample_id() {
        let h = Harness::new(Auth::ApiKey).await;
        let body = vec![
            PredictionSingleton::Classification(PredictionSingletonClassification {
                r#type: "CLASSIFICATION".into(),
                task_name: TaskName::new("weather-classifier").unwrap(),
                crop_dataset_id: None,
                crop_sample_id: None,
                category_id: CategoryId::new(1).unwrap(),
                score: Score::new(0.75).unwrap(),
                probabilities: Some(
                    [0.125, 0.75, 0.125]
                        .into_iter()
                        .map(|p| ProbabilitiesItem::new(p).unwrap())
                        .collect(),
                ),
            }),
            PredictionSingleton::InstanceSegmentation(PredictionSingletonInstanceSegmentation {
                r#type: "INSTANCE_SEGMENTATION".into(),
                task_name: TaskName::new("cat-segmenter").unwrap(),
                crop_dataset_id: Some(DATASET.try_into().unwrap()),
                crop_sample_id: Some(NEW_ID.try_into().unwrap()),
                category_id: CategoryId::new(0).unwrap(),
                score: Score::new(0.875).unwrap(),
                segmentation: "eNpjYGBgAAAABQAB".into(),
            }),
        ];
        h.answer(ok_json(201, json!({"id": NEW_ID}))).await;
        let created = h
            .client
            .predictions()
            .create_or_update_prediction_by_sample_id(DATASET, SAMPLE, TS, body.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(created.id.as_str(), NEW_ID);
        h.expect(
            "POST",
            &format!("/v1/datasets/{DATASET}/predictions/samples/{SAMPLE}"),
            &[("predictionUUIDTimestamp", "1577836800000")],
            Some(json!([classification_json(), segmentation_json()])),
        )
        .await;

        let client = &h.client;
        assert_documented_errors(&h, DOCUMENTED, move || {
            client
                .predictions()
                .create_or_update_prediction_by_sample_id(DATASET, SAMPLE, TS, body.clone())
                .send()
        })
        .await;
    }

    #[tokio::test]
    async fn get_prediction_task_schemas_by_dataset_id() {
        let h = Harness::new(Auth::ApiKey).await;
        let path = format!("/v1/datasets/{DATASET}/predictions/tasks");

        h.answer(ok_json(200, json!([task_schema_json()]))).await;
        let schemas = h
            .client
            .predictions()
            .get_prediction_task_schemas_by_dataset_id(DATASET)
            .send()
            .await
            .unwrap();
        assert_eq!(schemas.len(), 1);
        assert_eq!(schemas[0].name.as_str(), "vehicles v2.0");
        assert_eq!(schemas[0].r#type, TaskType::ObjectDetection);
        assert_eq!(
            schemas[0].categories[1].name.as_ref().unwrap().as_str(),
            "bus: double decker"
        );
        // predictionUUIDTimestamp is optional here: left out when unset.
        h.expect("GET", &path, &[], None).await;

        h.answer(ok_json(200, json!([]))).await;
        let schemas = h
            .client
            .predictions()
            .get_prediction_task_schemas_by_dataset_id(DATASET)
            .prediction_uuid_timestamp(TS)
            .send()
            .await
            .unwrap();
        assert!(schemas.is_empty());
        h.expect(
            "GET",
            &path,
            &[("predictionUUIDTimestamp", "1577836800000")],
            None,
        )
        .await;

        let client = &h.client;
        assert_documented_errors(&h, DOCUMENTED, || {
            client
                .predictions()
                .get_prediction_task_schemas_by_dataset_id(DATASET)
                .send()
        })
        .await;
    }

    #[tokio::test]
    async fn create_or_update_prediction_task_schema_by_dataset_id() {
        let h = Harness::new(Auth::ApiKey).await;
        let body = PredictionTaskSchema {
            name: TaskName::new("vehicles v2.0").unwrap(),
            r#type: TaskType::ObjectDetection,
            categories: vec![
                PredictionTaskSchemaCategory {
                    id: Some(CategoryId::new(0).unwrap()),
                    name: Some(CategoryName::new("car").unwrap()),
                },
                PredictionTaskSchemaCategory {
                    id: Some(CategoryId::new(1).unwrap()),
                    name: Some(CategoryName::new("bus: double decker").unwrap()),
                },
            ],
        };
        h.answer(ok_json(201, json!({"id": NEW_ID}))).await;
        let created = h
            .client
            .predictions()
            .create_or_update_prediction_task_schema_by_dataset_id(DATASET, TS, body.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(created.id.as_str(), NEW_ID);
        h.expect(
            "POST",
            &format!("/v1/datasets/{DATASET}/predictions/tasks"),
            &[("predictionUUIDTimestamp", "1577836800000")],
            Some(task_schema_json()),
        )
        .await;

        let client = &h.client;
        let call = move || {
            client
                .predictions()
                .create_or_update_prediction_task_schema_by_dataset_id(DATASET, TS, body.clone())
                .send()
        };
        // This operation documents 400, 403 and 404, but not 401.
        assert_documented_errors(&h, &[400, 403, 404], &call).await;
        let (code, message) = error_fixture(401);
        h.answer(ok_json(401, json!({"code": code, "message": message})))
            .await;
        match call().await {
            Err(Error::UnexpectedStatus {
                status, snippet, ..
            }) => {
                assert_eq!(status.as_u16(), 401);
                assert!(snippet.contains("JWT_INVALID"), "{snippet}");
            }
            other => panic!("401 is undocumented here: {other:?}"),
        }
    }

    #[tokio::test]
    async fn get_prediction_task_schema_by_task_name() {
        let h = Harness::new(Auth::ApiKey).await;
        h.answer(ok_json(200, task_schema_json())).await;
        let schema = h
            .client
            .predictions()
            .get_prediction_task_schema_by_task_name(DATASET, "vehicles v2.0", TS)
            .send()
            .await
            .unwrap();
        assert_eq!(schema.categories.len(), 2);
        assert_eq!(schema.categories[0].id.unwrap().get(), 0);
        // The space in the task name is percent-encoded; the dot is unreserved.
        h.expect(
            "GET",
            &format!("/v1/datasets/{DATASET}/predictions/tasks/vehicles%20v2.0"),
            &[("predictionUUIDTimestamp", "1577836800000")],
            None,
        )
        .await;

        let client = &h.client;
        assert_documented_errors(&h, DOCUMENTED, || {
            client
                .predictions()
                .get_prediction_task_schema_by_task_name(DATASET, "vehicles v2.0", TS)
                .send()
        })
        .await;
    }
}

// ---------------------------------------------------------------------------
// Operations: samples
// ---------------------------------------------------------------------------

mod samples {
    use super::*;
    use lightly_client::models::{
        CategoryId, CropData, CropDataPredictionIndex, GetSampleImageReadUrlByIdType,
        GetSampleImageResourceRedirectByIdType, SampleCreateRequest, SampleMetaData,
        SamplePartialMode, SampleType, SampleUpdateRequest, Score, TaskName, Timestamp,
        VideoFrameData,
    };

    #[tokio::test]
    async fn get_samples_by_dataset_id() {
        let h = Harness::new(Auth::ApiKey).await;
        let path = format!("/v1/datasets/{DATASET}/samples");

        h.answer(ok_json(200, json!([sample_json()]))).await;
        let samples = h
            .client
            .samples()
            .get_samples_by_dataset_id(DATASET)
            .send()
            .await
            .unwrap();
        assert_eq!(samples.len(), 1);
        assert_eq!(samples[0].id.as_str(), SAMPLE);
        assert_eq!(samples[0].r#type, SampleType::Image);
        assert_eq!(samples[0].file_name, "images/cat 001.png");
        assert_eq!(samples[0].thumb_name, None);
        h.expect("GET", &path, &[], None).await;

        h.answer(ok_json(200, json!([]))).await;
        h.client
            .samples()
            .get_samples_by_dataset_id(DATASET)
            .file_name("images/cat 001.png")
            .page_size(50)
            .page_offset(100)
            .send()
            .await
            .unwrap();
        h.expect(
            "GET",
            &path,
            &[
                ("fileName", "images%2Fcat%20001.png"),
                ("pageSize", "50"),
                ("pageOffset", "100"),
            ],
            None,
        )
        .await;

        let client = &h.client;
        assert_documented_errors(&h, DOCUMENTED, || {
            client.samples().get_samples_by_dataset_id(DATASET).send()
        })
        .await;
    }

    #[tokio::test]
    async fn create_sample_by_dataset_id() {
        let h = Harness::new(Auth::ApiKey).await;
        let body = SampleCreateRequest {
            file_name: "crops/cat 001_crop0.png".into(),
            thumb_name: Some("thumbs/cat 001_crop0_thumb.webp".into()),
            exif: Some(
                [("Model".to_owned(), json!("EOS 5D"))]
                    .into_iter()
                    .collect(),
            ),
            meta_data: Some(SampleMetaData {
                sharpness: Some(10.5),
                size_in_bytes: Some(51_234),
                shape: Some(vec![120, 96, 3]),
                ..Default::default()
            }),
            custom_meta_data: None,
            video_frame_data: Some(VideoFrameData {
                source_video: Some("drive.mp4".into()),
                source_video_frame_index: Some(42.0),
                source_video_frame_timestamp: Some(1.4),
            }),
            crop_data: Some(CropData {
                parent_id: SAMPLE.try_into().unwrap(),
                prediction_uuid_timestamp: Timestamp::new(TS).unwrap(),
                prediction_index: CropDataPredictionIndex::new(0).unwrap(),
                prediction_task_name: TaskName::new("cat-segmenter").unwrap(),
                prediction_task_category_id: CategoryId::new(0).unwrap(),
                prediction_task_score: Score::new(0.875).unwrap(),
            }),
        };
        h.answer(ok_json(201, json!({"id": NEW_ID}))).await;
        let created = h
            .client
            .samples()
            .create_sample_by_dataset_id(DATASET, body.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(created.id.as_str(), NEW_ID);
        h.expect(
            "POST",
            &format!("/v1/datasets/{DATASET}/samples"),
            &[],
            Some(json!({
                "fileName": "crops/cat 001_crop0.png",
                "thumbName": "thumbs/cat 001_crop0_thumb.webp",
                "exif": {"Model": "EOS 5D"},
                "metaData": {"sharpness": 10.5, "sizeInBytes": 51234, "shape": [120, 96, 3]},
                "videoFrameData": {
                    "sourceVideo": "drive.mp4",
                    "sourceVideoFrameIndex": 42.0,
                    "sourceVideoFrameTimestamp": 1.4
                },
                "cropData": {
                    "parentId": SAMPLE,
                    "predictionUUIDTimestamp": TS,
                    "predictionIndex": 0,
                    "predictionTaskName": "cat-segmenter",
                    "predictionTaskCategoryId": 0,
                    "predictionTaskScore": 0.875
                }
            })),
        )
        .await;

        let client = &h.client;
        assert_documented_errors(&h, DOCUMENTED, move || {
            client
                .samples()
                .create_sample_by_dataset_id(DATASET, body.clone())
                .send()
        })
        .await;
    }

    #[tokio::test]
    async fn get_samples_partial_by_dataset_id() {
        let h = Harness::new(Auth::ApiKey).await;
        let path = format!("/v1/datasets/{DATASET}/samples/partial");

        h.answer(ok_json(
            200,
            json!([{"id": SAMPLE}, {"id": NEW_ID, "fileName": "images/cat 002.png"}]),
        ))
        .await;
        let partial = h
            .client
            .samples()
            .get_samples_partial_by_dataset_id(DATASET)
            .send()
            .await
            .unwrap();
        assert_eq!(partial.len(), 2);
        assert_eq!(partial[0].id.as_str(), SAMPLE);
        assert_eq!(partial[0].file_name, None);
        assert_eq!(partial[1].file_name.as_deref(), Some("images/cat 002.png"));
        h.expect("GET", &path, &[], None).await;

        h.answer(ok_json(200, json!([]))).await;
        h.client
            .samples()
            .get_samples_partial_by_dataset_id(DATASET)
            .mode(SamplePartialMode::FileNames)
            .file_name("cat 002.png")
            .page_size(25)
            .page_offset(0)
            .send()
            .await
            .unwrap();
        h.expect(
            "GET",
            &path,
            &[
                ("mode", "fileNames"),
                ("fileName", "cat%20002.png"),
                ("pageSize", "25"),
                ("pageOffset", "0"),
            ],
            None,
        )
        .await;

        let client = &h.client;
        assert_documented_errors(&h, DOCUMENTED, || {
            client
                .samples()
                .get_samples_partial_by_dataset_id(DATASET)
                .send()
        })
        .await;
    }

    #[tokio::test]
    async fn get_sample_by_id() {
        let h = Harness::new(Auth::ApiKey).await;
        h.answer(ok_json(200, sample_json())).await;
        let sample = h
            .client
            .samples()
            .get_sample_by_id(DATASET, SAMPLE)
            .send()
            .await
            .unwrap();
        assert_eq!(sample.id.as_str(), SAMPLE);
        assert_eq!(sample.dataset_id.as_ref().unwrap().as_str(), DATASET);
        assert_eq!(sample.index, Some(7));
        assert_eq!(sample.created_at.unwrap().get(), TS);
        let meta = sample.meta_data.as_ref().unwrap();
        assert_eq!(meta.shape.as_deref(), Some(&[480, 640, 3][..]));
        assert_eq!(meta.custom.as_ref().unwrap()["weather"], json!("sunny"));
        assert_eq!(sample.exif.as_ref().unwrap()["ISO"], json!(200));
        assert_eq!(sample.custom_meta_data, None);
        h.expect(
            "GET",
            &format!("/v1/datasets/{DATASET}/samples/{SAMPLE}"),
            &[],
            None,
        )
        .await;

        let client = &h.client;
        assert_documented_errors(&h, DOCUMENTED, || {
            client.samples().get_sample_by_id(DATASET, SAMPLE).send()
        })
        .await;
    }

    #[tokio::test]
    async fn update_sample_by_id() {
        let h = Harness::new(Auth::ApiKey).await;
        let path = format!("/v1/datasets/{DATASET}/samples/{SAMPLE}");
        let body = SampleUpdateRequest {
            file_name: Some("images/cat 001 renamed.png".into()),
            custom_meta_data: Some(
                [
                    ("reviewed".to_owned(), json!(true)),
                    ("labeler".to_owned(), json!("anna")),
                ]
                .into_iter()
                .collect(),
            ),
            ..Default::default()
        };
        let expected = json!({
            "fileName": "images/cat 001 renamed.png",
            "customMetaData": {"reviewed": true, "labeler": "anna"}
        });

        h.answer(ResponseTemplate::new(200)).await;
        h.client
            .samples()
            .update_sample_by_id(DATASET, SAMPLE, body.clone())
            .send()
            .await
            .unwrap();
        h.expect("PUT", &path, &[], Some(expected.clone())).await;

        h.answer(ResponseTemplate::new(200)).await;
        h.client
            .samples()
            .update_sample_by_id(DATASET, SAMPLE, body.clone())
            .enable_dataset_update(true)
            .send()
            .await
            .unwrap();
        h.expect(
            "PUT",
            &path,
            &[("enableDatasetUpdate", "true")],
            Some(expected),
        )
        .await;

        let client = &h.client;
        assert_documented_errors(&h, DOCUMENTED, move || {
            client
                .samples()
                .update_sample_by_id(DATASET, SAMPLE, body.clone())
                .send()
        })
        .await;
    }

    #[tokio::test]
    async fn get_sample_image_read_url_by_id() {
        let h = Harness::new(Auth::ApiKey).await;
        let path = format!("/v1/datasets/{DATASET}/samples/{SAMPLE}/readurl");
        let url =
            "https://lightly-bucket.s3.amazonaws.com/images/cat%20001.png?X-Amz-Signature=abc";

        h.answer(ok_json(200, json!(url))).await;
        let got = h
            .client
            .samples()
            .get_sample_image_read_url_by_id(DATASET, SAMPLE)
            .send()
            .await
            .unwrap();
        assert_eq!(got, url);
        h.expect("GET", &path, &[], None).await;

        h.answer(ok_json(200, json!(url))).await;
        h.client
            .samples()
            .get_sample_image_read_url_by_id(DATASET, SAMPLE)
            .r#type(GetSampleImageReadUrlByIdType::Thumbnail)
            .send()
            .await
            .unwrap();
        h.expect("GET", &path, &[("type", "thumbnail")], None).await;

        let client = &h.client;
        assert_documented_errors(&h, DOCUMENTED, || {
            client
                .samples()
                .get_sample_image_read_url_by_id(DATASET, SAMPLE)
                .send()
        })
        .await;
    }

    /// Only `ApiPublicJWTAuth` is accepted: the credential goes in `publicToken`.
    /// The 307 is returned as the `Location` URL; see also
    /// `behaviour::redirect_is_returned_not_followed`.
    #[tokio::test]
    async fn get_sample_image_resource_redirect_by_id() {
        let h = Harness::new(Auth::PublicJwt).await;
        let target =
            "https://lightly-bucket.s3.amazonaws.com/thumbs/cat_thumb.webp?X-Amz-Signature=abc";
        h.answer(ResponseTemplate::new(307).insert_header("Location", target))
            .await;
        let url = h
            .client
            .samples()
            .get_sample_image_resource_redirect_by_id(
                DATASET,
                SAMPLE,
                GetSampleImageResourceRedirectByIdType::Thumbnail,
            )
            .send()
            .await
            .unwrap();
        assert_eq!(url.as_str(), target);
        h.expect(
            "GET",
            &format!("/v1/datasets/{DATASET}/samples/{SAMPLE}/readurlRedirect"),
            &[("type", "thumbnail")],
            None,
        )
        .await;

        let client = &h.client;
        assert_documented_errors(&h, DOCUMENTED, || {
            client
                .samples()
                .get_sample_image_resource_redirect_by_id(
                    DATASET,
                    SAMPLE,
                    GetSampleImageResourceRedirectByIdType::Full,
                )
                .send()
        })
        .await;
    }

    #[tokio::test]
    async fn get_sample_image_write_url_by_id() {
        let h = Harness::new(Auth::ApiKey).await;
        let path = format!("/v1/datasets/{DATASET}/samples/{SAMPLE}/writeurl");
        let url = "https://lightly-bucket.s3.amazonaws.com/images/cat.png?X-Amz-Signature=put";
        for (is_thumbnail, wire) in [(true, "true"), (false, "false")] {
            h.answer(ok_json(200, json!(url))).await;
            let got = h
                .client
                .samples()
                .get_sample_image_write_url_by_id(DATASET, SAMPLE, is_thumbnail)
                .send()
                .await
                .unwrap();
            assert_eq!(got, url);
            // Required, so sent even when false.
            h.expect("GET", &path, &[("isThumbnail", wire)], None).await;
        }

        let client = &h.client;
        assert_documented_errors(&h, DOCUMENTED, || {
            client
                .samples()
                .get_sample_image_write_url_by_id(DATASET, SAMPLE, false)
                .send()
        })
        .await;
    }

    #[tokio::test]
    async fn get_sample_image_write_urls_by_id() {
        let h = Harness::new(Auth::ApiKey).await;
        h.answer(ok_json(
            200,
            json!({
                "full": "https://lightly-bucket.s3.amazonaws.com/images/cat.png?sig=full",
                "thumb": "https://lightly-bucket.s3.amazonaws.com/thumbs/cat.webp?sig=thumb"
            }),
        ))
        .await;
        let urls = h
            .client
            .samples()
            .get_sample_image_write_urls_by_id(DATASET, SAMPLE)
            .send()
            .await
            .unwrap();
        assert!(urls.full.ends_with("sig=full"));
        assert!(urls.thumb.ends_with("sig=thumb"));
        h.expect(
            "GET",
            &format!("/v1/datasets/{DATASET}/samples/{SAMPLE}/writeurls"),
            &[],
            None,
        )
        .await;

        let client = &h.client;
        assert_documented_errors(&h, DOCUMENTED, || {
            client
                .samples()
                .get_sample_image_write_urls_by_id(DATASET, SAMPLE)
                .send()
        })
        .await;
    }
}

// ---------------------------------------------------------------------------
// Operations: samplings
// ---------------------------------------------------------------------------

mod samplings {
    use super::*;
    use lightly_client::models::{
        SamplingConfig, SamplingConfigStoppingCondition, SamplingCreateRequest, SamplingMethod,
        TagName,
    };

    #[tokio::test]
    async fn trigger_sampling_by_id() {
        let h = Harness::new(Auth::Bearer).await;
        let body = SamplingCreateRequest {
            new_tag_name: TagName::new("coreset-100").unwrap(),
            method: SamplingMethod::Coreset,
            config: SamplingConfig {
                stopping_condition: Some(SamplingConfigStoppingCondition {
                    n_samples: Some(100.0),
                    min_distance: Some(0.05),
                }),
            },
            preselected_tag_id: Some(TAG.try_into().unwrap()),
            query_tag_id: None,
            score_type: Some("uncertainty_margin".try_into().unwrap()),
            row_count: None,
        };
        h.answer(ok_json(
            200,
            json!({"jobId": "b3f1c2d4-5e6f-7081-92a3-b4c5d6e7f809"}),
        ))
        .await;
        let task = h
            .client
            .samplings()
            .trigger_sampling_by_id(DATASET, EMBEDDING, body.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(task.job_id, "b3f1c2d4-5e6f-7081-92a3-b4c5d6e7f809");
        h.expect(
            "POST",
            &format!("/v1/datasets/{DATASET}/embeddings/{EMBEDDING}/sampling"),
            &[],
            Some(json!({
                "newTagName": "coreset-100",
                "method": "CORESET",
                "config": {"stoppingCondition": {"nSamples": 100.0, "minDistance": 0.05}},
                "preselectedTagId": TAG,
                "scoreType": "uncertainty_margin"
            })),
        )
        .await;

        let client = &h.client;
        assert_documented_errors(&h, DOCUMENTED, move || {
            client
                .samplings()
                .trigger_sampling_by_id(DATASET, EMBEDDING, body.clone())
                .send()
        })
        .await;
    }
}

// ---------------------------------------------------------------------------
// Operations: tags
// ---------------------------------------------------------------------------

mod tags {
    use super::*;
    use lightly_client::models::{
        ImageType, InitialTagCreateRequest, TagArithmeticsOperation, TagArithmeticsRequest,
        TagArithmeticsResponse, TagCreateRequest, TagCreator, TagName, TagUpdateRequest,
        TagUpsizeRequest,
    };

    fn arithmetics_request(operation: TagArithmeticsOperation) -> TagArithmeticsRequest {
        TagArithmeticsRequest {
            tag_id1: TAG.try_into().unwrap(),
            tag_id2: TAG2.try_into().unwrap(),
            operation,
            new_tag_name: Some(TagName::new("cats-or-dogs").unwrap()),
            creator: Some(TagCreator::UserPip),
        }
    }

    #[tokio::test]
    async fn get_tags_by_dataset_id() {
        let h = Harness::new(Auth::ApiKey).await;
        h.answer(ok_json(
            200,
            json!([
                tag_json(TAG, "initial-tag", None, "0x3ff"),
                tag_json(TAG2, "cats", Some(TAG), "0x2a5")
            ]),
        ))
        .await;
        let tags = h
            .client
            .tags()
            .get_tags_by_dataset_id(DATASET)
            .send()
            .await
            .unwrap();
        assert_eq!(tags.len(), 2);
        assert_eq!(tags[0].name.as_str(), "initial-tag");
        assert_eq!(tags[0].prev_tag_id, None);
        assert_eq!(tags[1].prev_tag_id.as_ref().unwrap().as_str(), TAG);
        assert_eq!(tags[1].bit_mask_data.as_str(), "0x2a5");
        assert_eq!(tags[1].tot_size, 10);
        assert_eq!(tags[1].created_at.get(), TS);
        assert_eq!(tags[1].last_modified_at.unwrap().get(), TS + 60_000);
        assert_eq!(
            tags[1].changes.as_ref().unwrap()["samplerConfig"],
            json!({"method": "CORESET"})
        );
        h.expect("GET", &format!("/v1/datasets/{DATASET}/tags"), &[], None)
            .await;

        let client = &h.client;
        assert_documented_errors(&h, DOCUMENTED, || {
            client.tags().get_tags_by_dataset_id(DATASET).send()
        })
        .await;
    }

    #[tokio::test]
    async fn create_tag_by_dataset_id() {
        let h = Harness::new(Auth::ApiKey).await;
        let body = TagCreateRequest {
            name: TagName::new("cats-reviewed").unwrap(),
            prev_tag_id: TAG.try_into().unwrap(),
            query_tag_id: None,
            preselected_tag_id: None,
            bit_mask_data: "0x2a5".try_into().unwrap(),
            tot_size: 10,
            creator: Some(TagCreator::UserPip),
            changes: None,
        };
        h.answer(ok_json(201, json!({"id": NEW_ID}))).await;
        let created = h
            .client
            .tags()
            .create_tag_by_dataset_id(DATASET, body.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(created.id.as_str(), NEW_ID);
        h.expect(
            "POST",
            &format!("/v1/datasets/{DATASET}/tags"),
            &[],
            Some(json!({
                "name": "cats-reviewed",
                "prevTagId": TAG,
                "bitMaskData": "0x2a5",
                "totSize": 10,
                "creator": "USER_PIP"
            })),
        )
        .await;

        let client = &h.client;
        assert_documented_errors(&h, DOCUMENTED, move || {
            client
                .tags()
                .create_tag_by_dataset_id(DATASET, body.clone())
                .send()
        })
        .await;
    }

    #[tokio::test]
    async fn perform_tag_arithmetics() {
        let h = Harness::new(Auth::ApiKey).await;
        let path = format!("/v1/datasets/{DATASET}/tags/arithmetics");
        let expected_body = json!({
            "tagId1": TAG,
            "tagId2": TAG2,
            "operation": "UNION",
            "newTagName": "cats-or-dogs",
            "creator": "USER_PIP"
        });

        // With newTagName the server creates a tag and answers with its id ...
        h.answer(ok_json(200, json!({"id": NEW_ID}))).await;
        let resp = h
            .client
            .tags()
            .perform_tag_arithmetics(DATASET, arithmetics_request(TagArithmeticsOperation::Union))
            .send()
            .await
            .unwrap();
        match resp {
            TagArithmeticsResponse::CreateEntityResponse(created) => {
                assert_eq!(created.id.as_str(), NEW_ID)
            }
            other => panic!("expected CreateEntityResponse, got {other:?}"),
        }
        h.expect("POST", &path, &[], Some(expected_body.clone()))
            .await;

        // ... otherwise with the bitmask.
        h.answer(ok_json(200, json!({"bitMaskData": "0x3a7"})))
            .await;
        let resp = h
            .client
            .tags()
            .perform_tag_arithmetics(DATASET, arithmetics_request(TagArithmeticsOperation::Union))
            .send()
            .await
            .unwrap();
        match resp {
            TagArithmeticsResponse::TagBitMaskResponse(mask) => {
                assert_eq!(mask.bit_mask_data.as_str(), "0x3a7")
            }
            other => panic!("expected TagBitMaskResponse, got {other:?}"),
        }
        h.expect("POST", &path, &[], Some(expected_body)).await;

        let client = &h.client;
        assert_documented_errors(&h, DOCUMENTED, || {
            client
                .tags()
                .perform_tag_arithmetics(
                    DATASET,
                    arithmetics_request(TagArithmeticsOperation::Union),
                )
                .send()
        })
        .await;
    }

    #[tokio::test]
    async fn perform_tag_arithmetics_bitmask() {
        let h = Harness::new(Auth::ApiKey).await;
        h.answer(ok_json(200, json!({"bitMaskData": "0x200"})))
            .await;
        let resp = h
            .client
            .tags()
            .perform_tag_arithmetics_bitmask(
                DATASET,
                arithmetics_request(TagArithmeticsOperation::Difference),
            )
            .send()
            .await
            .unwrap();
        assert_eq!(resp.bit_mask_data.as_str(), "0x200");
        h.expect(
            "POST",
            &format!("/v1/datasets/{DATASET}/tags/arithmetics/bitmask"),
            &[],
            Some(json!({
                "tagId1": TAG,
                "tagId2": TAG2,
                "operation": "DIFFERENCE",
                "newTagName": "cats-or-dogs",
                "creator": "USER_PIP"
            })),
        )
        .await;

        let client = &h.client;
        assert_documented_errors(&h, DOCUMENTED, || {
            client
                .tags()
                .perform_tag_arithmetics_bitmask(
                    DATASET,
                    arithmetics_request(TagArithmeticsOperation::Intersection),
                )
                .send()
        })
        .await;
    }

    #[tokio::test]
    async fn create_initial_tag_by_dataset_id() {
        let h = Harness::new(Auth::ApiKey).await;
        let body = InitialTagCreateRequest {
            name: Some(TagName::new("initial-tag").unwrap()),
            creator: Some(TagCreator::UserWebapp),
            img_type: ImageType::Full,
        };
        h.answer(ok_json(201, json!({"id": TAG}))).await;
        let created = h
            .client
            .tags()
            .create_initial_tag_by_dataset_id(DATASET, body.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(created.id.as_str(), TAG);
        h.expect(
            "POST",
            &format!("/v1/datasets/{DATASET}/tags/initial"),
            &[],
            Some(json!({"name": "initial-tag", "creator": "USER_WEBAPP", "imgType": "full"})),
        )
        .await;

        let client = &h.client;
        assert_documented_errors(&h, DOCUMENTED, move || {
            client
                .tags()
                .create_initial_tag_by_dataset_id(DATASET, body.clone())
                .send()
        })
        .await;
    }

    #[tokio::test]
    async fn upsize_tags_by_dataset_id() {
        let h = Harness::new(Auth::ApiKey).await;
        let body = TagUpsizeRequest {
            upsize_tag_name: TagName::new("upsized 2020-01-01").unwrap(),
            upsize_tag_creator: TagCreator::UserPip,
        };
        h.answer(ok_json(201, json!({"id": NEW_ID}))).await;
        let created = h
            .client
            .tags()
            .upsize_tags_by_dataset_id(DATASET, body.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(created.id.as_str(), NEW_ID);
        h.expect(
            "POST",
            &format!("/v1/datasets/{DATASET}/tags/upsize"),
            &[],
            Some(json!({"upsizeTagName": "upsized 2020-01-01", "upsizeTagCreator": "USER_PIP"})),
        )
        .await;

        let client = &h.client;
        assert_documented_errors(&h, DOCUMENTED, move || {
            client
                .tags()
                .upsize_tags_by_dataset_id(DATASET, body.clone())
                .send()
        })
        .await;
    }

    #[tokio::test]
    async fn get_tag_by_tag_id() {
        let h = Harness::new(Auth::Bearer).await;
        h.answer(ok_json(200, tag_json(TAG2, "cats", Some(TAG), "0x2a5")))
            .await;
        let tag = h
            .client
            .tags()
            .get_tag_by_tag_id(DATASET, TAG2)
            .send()
            .await
            .unwrap();
        assert_eq!(tag.id.as_str(), TAG2);
        assert_eq!(tag.dataset_id.as_str(), DATASET);
        assert_eq!(tag.name.as_str(), "cats");
        h.expect(
            "GET",
            &format!("/v1/datasets/{DATASET}/tags/{TAG2}"),
            &[],
            None,
        )
        .await;

        let client = &h.client;
        assert_documented_errors(&h, DOCUMENTED, || {
            client.tags().get_tag_by_tag_id(DATASET, TAG2).send()
        })
        .await;
    }

    #[tokio::test]
    async fn update_tag_by_tag_id() {
        let h = Harness::new(Auth::ApiKey).await;
        let body = TagUpdateRequest {
            name: TagName::new("cats reviewed v2").unwrap(),
        };
        h.answer(ResponseTemplate::new(200)).await;
        h.client
            .tags()
            .update_tag_by_tag_id(DATASET, TAG2, body.clone())
            .send()
            .await
            .unwrap();
        h.expect(
            "PUT",
            &format!("/v1/datasets/{DATASET}/tags/{TAG2}"),
            &[],
            Some(json!({"name": "cats reviewed v2"})),
        )
        .await;

        let client = &h.client;
        assert_documented_errors(&h, DOCUMENTED, move || {
            client
                .tags()
                .update_tag_by_tag_id(DATASET, TAG2, body.clone())
                .send()
        })
        .await;
    }

    #[tokio::test]
    async fn delete_tag_by_tag_id() {
        let h = Harness::new(Auth::Bearer).await;
        h.answer(ResponseTemplate::new(200)).await;
        h.client
            .tags()
            .delete_tag_by_tag_id(DATASET, TAG2)
            .send()
            .await
            .unwrap();
        h.expect(
            "DELETE",
            &format!("/v1/datasets/{DATASET}/tags/{TAG2}"),
            &[],
            None,
        )
        .await;

        let client = &h.client;
        assert_documented_errors(&h, DOCUMENTED, || {
            client.tags().delete_tag_by_tag_id(DATASET, TAG2).send()
        })
        .await;
    }

    #[tokio::test]
    async fn export_tag_to_label_box_data_rows() {
        let h = Harness::new(Auth::ApiKey).await;
        let path = format!("/v1/datasets/{DATASET}/tags/{TAG}/export/LabelBoxDataRows");
        let rows = json!([
            {
                "externalId": "images/cat 001.png",
                "imageUrl": "https://api.lightly.ai/v1/datasets/50000000abcdef1234566789/samples/60a1b2c3d4e5f60718293a4b/readurlRedirect?type=full&publicToken=abc"
            }
        ]);

        h.answer(ok_json(200, rows.clone())).await;
        let got = h
            .client
            .tags()
            .export_tag_to_label_box_data_rows(DATASET, TAG)
            .send()
            .await
            .unwrap();
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].external_id, "images/cat 001.png");
        assert!(got[0].image_url.contains("readurlRedirect"));
        h.expect("GET", &path, &[], None).await;

        h.answer(ok_json(200, rows)).await;
        h.client
            .tags()
            .export_tag_to_label_box_data_rows(DATASET, TAG)
            .expires_in(3600)
            .preview_example(true)
            .access_control("team read")
            .send()
            .await
            .unwrap();
        h.expect(
            "GET",
            &path,
            &[
                ("expiresIn", "3600"),
                ("previewExample", "true"),
                ("accessControl", "team%20read"),
            ],
            None,
        )
        .await;

        // expiresIn has minimum 1: rejected before sending.
        h.server.reset().await;
        let err = h
            .client
            .tags()
            .export_tag_to_label_box_data_rows(DATASET, TAG)
            .expires_in(0)
            .send()
            .await
            .unwrap_err();
        assert!(
            matches!(
                err,
                Error::InvalidArgument {
                    name: "expiresIn",
                    ..
                }
            ),
            "{err:?}"
        );
        assert!(h.requests().await.is_empty());

        let client = &h.client;
        assert_documented_errors(&h, DOCUMENTED, || {
            client
                .tags()
                .export_tag_to_label_box_data_rows(DATASET, TAG)
                .send()
        })
        .await;
    }

    #[tokio::test]
    async fn export_tag_to_label_studio_tasks() {
        let h = Harness::new(Auth::ApiKey).await;
        let path = format!("/v1/datasets/{DATASET}/tags/{TAG}/export/LabelStudioTasks");
        let tasks = json!([
            {
                "id": 0,
                "data": {
                    "image": "https://api.lightly.ai/v1/datasets/50000000abcdef1234566789/samples/60a1b2c3d4e5f60718293a4b/readurlRedirect?type=full&publicToken=abc",
                    "lightlyFileName": "images/cat 001.png",
                    "lightlyMetaInfo": sample_json()
                }
            }
        ]);

        h.answer(ok_json(200, tasks.clone())).await;
        let got = h
            .client
            .tags()
            .export_tag_to_label_studio_tasks(DATASET, TAG)
            .send()
            .await
            .unwrap();
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].id, 0);
        assert_eq!(
            got[0].data.lightly_file_name.as_deref(),
            Some("images/cat 001.png")
        );
        let meta = got[0].data.lightly_meta_info.as_ref().unwrap();
        assert_eq!(meta.id.as_str(), SAMPLE);
        h.expect("GET", &path, &[], None).await;

        h.answer(ok_json(200, tasks)).await;
        h.client
            .tags()
            .export_tag_to_label_studio_tasks(DATASET, TAG)
            .expires_in(86_400)
            .preview_example(false)
            .access_control("default")
            .send()
            .await
            .unwrap();
        h.expect(
            "GET",
            &path,
            &[
                ("expiresIn", "86400"),
                ("previewExample", "false"),
                ("accessControl", "default"),
            ],
            None,
        )
        .await;

        let client = &h.client;
        assert_documented_errors(&h, DOCUMENTED, || {
            client
                .tags()
                .export_tag_to_label_studio_tasks(DATASET, TAG)
                .send()
        })
        .await;
    }

    /// `text/plain` success body, one filename per line.
    #[tokio::test]
    async fn get_filenames_by_tag_id() {
        let h = Harness::new(Auth::ApiKey).await;
        h.answer(
            ResponseTemplate::new(200)
                .set_body_raw("a.png\nb/c.jpg\n", "text/plain; charset=utf-8"),
        )
        .await;
        let names = h
            .client
            .tags()
            .get_filenames_by_tag_id(DATASET, TAG)
            .send()
            .await
            .unwrap();
        assert_eq!(names, vec!["a.png", "b/c.jpg"]);
        let req = h
            .expect(
                "GET",
                &format!("/v1/datasets/{DATASET}/tags/{TAG}/filenames"),
                &[],
                None,
            )
            .await;
        assert_eq!(header(&req, "accept"), Some("text/plain, application/json"));

        // Windows line endings and no trailing newline decode the same way.
        h.answer(ResponseTemplate::new(200).set_body_raw("a.png\r\nb/c.jpg", "text/plain"))
            .await;
        let names = h
            .client
            .tags()
            .get_filenames_by_tag_id(DATASET, TAG)
            .send()
            .await
            .unwrap();
        assert_eq!(names, vec!["a.png", "b/c.jpg"]);

        let client = &h.client;
        assert_documented_errors(&h, DOCUMENTED, || {
            client.tags().get_filenames_by_tag_id(DATASET, TAG).send()
        })
        .await;
    }
}

// ---------------------------------------------------------------------------
// Focused behaviour tests
// ---------------------------------------------------------------------------

mod behaviour {
    use super::*;
    use futures_util::{StreamExt, TryStreamExt};
    use lightly_client::models::{
        DatasourceConfig, GetSampleImageResourceRedirectByIdType, PredictionSingleton, SampleType,
        TagCreateRequest, TagCreator, TagData,
    };
    use wiremock::matchers::{method, path, query_param, query_param_is_missing};

    fn tags_path() -> String {
        format!("/v1/datasets/{DATASET}/tags")
    }

    #[tokio::test]
    async fn retry_then_success_for_get() {
        let h = Harness::new(Auth::ApiKey).await;
        Mock::given(method("GET"))
            .respond_with(ResponseTemplate::new(503).set_body_string("upstream unavailable"))
            .up_to_n_times(1)
            .mount(&h.server)
            .await;
        Mock::given(method("GET"))
            .respond_with(ok_json(
                200,
                json!([tag_json(TAG, "initial-tag", None, "0x3ff")]),
            ))
            .mount(&h.server)
            .await;

        let tags = h
            .client
            .tags()
            .get_tags_by_dataset_id(DATASET)
            .send()
            .await
            .unwrap();
        assert_eq!(tags.len(), 1);
        let requests = h.requests().await;
        assert_eq!(requests.len(), 2, "one failed attempt, one retry");
        for req in &requests {
            check_request(req, Auth::ApiKey, "GET", &tags_path(), &[], None);
        }
    }

    #[tokio::test]
    async fn retries_exhausted_return_the_final_status() {
        let h = Harness::new(Auth::ApiKey).await; // max_retries(2): three attempts
        Mock::given(any())
            .respond_with(ResponseTemplate::new(502))
            .up_to_n_times(1)
            .mount(&h.server)
            .await;
        Mock::given(any())
            .respond_with(ResponseTemplate::new(504))
            .up_to_n_times(1)
            .mount(&h.server)
            .await;
        Mock::given(any())
            .respond_with(ResponseTemplate::new(503).set_body_string("still down"))
            .mount(&h.server)
            .await;

        let err = h
            .client
            .tags()
            .get_tags_by_dataset_id(DATASET)
            .send()
            .await
            .unwrap_err();
        match &err {
            Error::UnexpectedStatus {
                status, snippet, ..
            } => {
                assert_eq!(status.as_u16(), 503);
                assert_eq!(snippet, "still down");
            }
            other => panic!("expected the final 503, got {other:?}"),
        }
        assert!(err.is_retryable());
        assert_eq!(h.requests().await.len(), 3);
    }

    #[tokio::test]
    async fn post_is_not_retried_on_503() {
        let h = Harness::new(Auth::ApiKey).await;
        Mock::given(any())
            .respond_with(ResponseTemplate::new(503))
            .up_to_n_times(1)
            .mount(&h.server)
            .await;
        Mock::given(any())
            .respond_with(ok_json(201, json!({"id": NEW_ID})))
            .mount(&h.server)
            .await;
        let body = TagCreateRequest {
            name: "cats-reviewed".try_into().unwrap(),
            prev_tag_id: TAG.try_into().unwrap(),
            query_tag_id: None,
            preselected_tag_id: None,
            bit_mask_data: "0x2a5".try_into().unwrap(),
            tot_size: 10,
            creator: None,
            changes: None,
        };
        let err = h
            .client
            .tags()
            .create_tag_by_dataset_id(DATASET, body)
            .send()
            .await
            .unwrap_err();
        assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
        assert!(matches!(err, Error::UnexpectedStatus { .. }), "{err:?}");
        assert!(
            err.is_retryable(),
            "the caller may retry; the client does not"
        );
        assert_eq!(h.requests().await.len(), 1);
    }

    #[tokio::test]
    async fn request_timeout_is_reported_as_timeout() {
        let server = MockServer::start().await;
        Mock::given(any())
            .respond_with(ok_json(200, json!([])).set_delay(Duration::from_millis(250)))
            .mount(&server)
            .await;
        let client = Client::builder()
            .base_url(server.uri())
            .api_key_auth(TOKEN)
            .timeout(Duration::from_millis(50))
            .retry_policy(RetryPolicy::disabled())
            .build()
            .unwrap();
        let started = std::time::Instant::now();
        let err = client
            .tags()
            .get_tags_by_dataset_id(DATASET)
            .send()
            .await
            .unwrap_err();
        assert!(matches!(err, Error::Timeout(_)), "{err:?}");
        assert!(err.is_retryable());
        assert_eq!(err.to_string(), "request timed out");
        assert!(started.elapsed() < Duration::from_millis(240));
        // The timeout error carries no URL, so no token.
        let debug = format!("{err:?}");
        assert!(
            !debug.contains(TOKEN) && !debug.contains(TOKEN_ENCODED),
            "{debug}"
        );
    }

    #[tokio::test]
    async fn redirect_is_returned_not_followed() {
        let h = Harness::new(Auth::PublicJwt).await;
        let target = format!(
            "{}/bucket/images/cat.png?X-Amz-Signature=abc",
            h.server.uri()
        );
        Mock::given(path("/bucket/images/cat.png"))
            .respond_with(ResponseTemplate::new(200).set_body_bytes(b"\x89PNG".to_vec()))
            .mount(&h.server)
            .await;
        Mock::given(path(format!(
            "/v1/datasets/{DATASET}/samples/{SAMPLE}/readurlRedirect"
        )))
        .respond_with(ResponseTemplate::new(307).insert_header("Location", target.as_str()))
        .mount(&h.server)
        .await;

        let redirect = || {
            h.client
                .samples()
                .get_sample_image_resource_redirect_by_id(
                    DATASET,
                    SAMPLE,
                    GetSampleImageResourceRedirectByIdType::Full,
                )
                .send()
        };
        let url = redirect().await.unwrap();
        assert_eq!(url.as_str(), target);
        let requests = h.requests().await;
        assert_eq!(requests.len(), 1, "the redirect target got no request");
        check_request(
            &requests[0],
            Auth::PublicJwt,
            "GET",
            &format!("/v1/datasets/{DATASET}/samples/{SAMPLE}/readurlRedirect"),
            &[("type", "full")],
            None,
        );

        // A relative Location resolves against the request URL, without its query
        // (which held the public token).
        h.server.reset().await;
        h.answer(ResponseTemplate::new(307).insert_header("Location", "../thumb?size=64"))
            .await;
        let url = redirect().await.unwrap();
        assert_eq!(
            url.as_str(),
            format!(
                "{}/v1/datasets/{DATASET}/samples/thumb?size=64",
                h.server.uri()
            )
        );
        assert!(!url.as_str().contains(PUBLIC_JWT));

        // A 307 without Location cannot be decoded.
        h.answer(ResponseTemplate::new(307)).await;
        let err = redirect().await.unwrap_err();
        assert!(
            matches!(&err, Error::Decode { path, .. } if path == "header:Location"),
            "{err:?}"
        );
    }

    #[tokio::test]
    async fn unknown_enum_values_round_trip() {
        // Over the wire: a sample type the document does not list.
        let h = Harness::new(Auth::ApiKey).await;
        let mut fixture = sample_json();
        fixture["type"] = json!("POINT_CLOUD");
        h.answer(ok_json(200, fixture.clone())).await;
        let sample = h
            .client
            .samples()
            .get_sample_by_id(DATASET, SAMPLE)
            .send()
            .await
            .unwrap();
        assert_eq!(sample.r#type, SampleType::Unknown("POINT_CLOUD".into()));
        assert_eq!(sample.r#type.as_str(), "POINT_CLOUD");
        assert_eq!(
            serde_json::to_value(&sample.r#type).unwrap(),
            json!("POINT_CLOUD")
        );

        // A TagCreator the document does not list decodes into Unknown and is sent back as is.
        let creator: TagCreator = serde_json::from_value(json!("SAMPLER_TYPICALITY")).unwrap();
        assert_eq!(creator, TagCreator::Unknown("SAMPLER_TYPICALITY".into()));
        assert_eq!(
            serde_json::to_value(&creator).unwrap(),
            json!("SAMPLER_TYPICALITY")
        );
        // The listed value "UNKNOWN" is a known variant, distinct from Unknown(..).
        let listed: TagCreator = serde_json::from_value(json!("UNKNOWN")).unwrap();
        assert_eq!(listed, TagCreator::UnknownValue);
        assert_eq!(serde_json::to_value(&listed).unwrap(), json!("UNKNOWN"));

        h.answer(ok_json(201, json!({"id": NEW_ID}))).await;
        let body = TagCreateRequest {
            name: "typical-100".try_into().unwrap(),
            prev_tag_id: TAG.try_into().unwrap(),
            query_tag_id: None,
            preselected_tag_id: None,
            bit_mask_data: "0x1".try_into().unwrap(),
            tot_size: 10,
            creator: Some(creator),
            changes: None,
        };
        h.client
            .tags()
            .create_tag_by_dataset_id(DATASET, body)
            .send()
            .await
            .unwrap();
        let req = h.requests().await.remove(0);
        let sent: Value = serde_json::from_slice(&req.body).unwrap();
        assert_eq!(sent["creator"], json!("SAMPLER_TYPICALITY"));

        // An error code the document does not list still decodes into Error::Api.
        h.answer(ok_json(
            400,
            json!({"code": "TAG_NAME_TOO_FANCY", "message": "pick a plainer name"}),
        ))
        .await;
        let err = h
            .client
            .tags()
            .get_tags_by_dataset_id(DATASET)
            .send()
            .await
            .unwrap_err();
        let body = err.into_api_body().expect("an Api error");
        assert_eq!(
            body.code,
            ApiErrorCode::Unknown("TAG_NAME_TOO_FANCY".into())
        );
    }

    #[tokio::test]
    async fn unknown_discriminator_round_trips() {
        let h = Harness::new(Auth::ApiKey).await;
        let obs = json!({
            "type": "OBS",
            "purpose": "INPUT",
            "fullPath": "obs://lightly-bucket/datasets/cats",
            "obsEndpoint": "https://obs.eu-de.otc.t-systems.com",
            "obsAccessKeyId": "OBSACCESSKEY"
        });
        h.answer(ok_json(200, obs.clone())).await;
        let config = h
            .client
            .datasources()
            .get_datasource_by_dataset_id(DATASET)
            .send()
            .await
            .unwrap();
        assert_eq!(config, DatasourceConfig::Unknown(obs.clone()));
        assert_eq!(config.tag(), Some("OBS"));
        assert_eq!(serde_json::to_value(&config).unwrap(), obs);

        // Sent back unchanged.
        h.answer(ResponseTemplate::new(200)).await;
        h.client
            .datasources()
            .update_datasource_by_dataset_id(DATASET, config)
            .send()
            .await
            .unwrap();
        h.expect(
            "PUT",
            &format!("/v1/datasets/{DATASET}/datasource"),
            &[],
            Some(obs),
        )
        .await;

        // The same holds for the other discriminated union.
        let singleton = json!({"type": "DEPTH_ESTIMATION", "taskName": "depth", "categoryId": 0, "score": 0.5, "depthMap": "rle:abc"});
        let decoded: PredictionSingleton = serde_json::from_value(singleton.clone()).unwrap();
        assert_eq!(decoded, PredictionSingleton::Unknown(singleton.clone()));
        assert_eq!(serde_json::to_value(&decoded).unwrap(), singleton);
    }

    #[tokio::test]
    async fn known_discriminator_variant_round_trips() {
        let h = Harness::new(Auth::ApiKey).await;
        let delegated = json!({
            "type": "S3DelegatedAccess",
            "purpose": "LIGHTLY",
            "fullPath": "s3://lightly-bucket/lightly",
            "s3Region": "us-west-2",
            "s3ExternalId": "lightly-external-id-1234",
            "s3ARN": "arn:aws:iam::123456789012:role/lightly-access"
        });
        h.answer(ok_json(200, delegated.clone())).await;
        let config = h
            .client
            .datasources()
            .get_datasource_by_dataset_id(DATASET)
            .send()
            .await
            .unwrap();
        let DatasourceConfig::S3DelegatedAccess(inner) = &config else {
            panic!("expected S3DelegatedAccess, got {config:?}");
        };
        assert_eq!(
            inner.s3_arn.as_str(),
            "arn:aws:iam::123456789012:role/lightly-access"
        );
        assert_eq!(inner.s3_external_id.as_str(), "lightly-external-id-1234");
        assert_eq!(serde_json::to_value(&config).unwrap(), delegated);

        h.answer(ResponseTemplate::new(200)).await;
        h.client
            .datasources()
            .update_datasource_by_dataset_id(DATASET, config)
            .send()
            .await
            .unwrap();
        h.expect(
            "PUT",
            &format!("/v1/datasets/{DATASET}/datasource"),
            &[],
            Some(delegated),
        )
        .await;

        // A variant's struct cannot disagree with its tag on the wire.
        let mut s3: DatasourceConfig = serde_json::from_value(s3_datasource_json()).unwrap();
        if let DatasourceConfig::S3(inner) = &mut s3 {
            inner.r#type = "GCS".into();
        }
        assert_eq!(serde_json::to_value(&s3).unwrap(), s3_datasource_json());
    }

    /// Generator bug: `PredictionSingletonObjectDetectionBbox::new` calls
    /// `check_items(len, Some(4), Some(4), false)`; the last argument means "the items are
    /// unique" and `false` fails every value with "items must be unique", although the
    /// schema (`bbox`, minItems/maxItems 4) has no `uniqueItems`. So no OBJECT_DETECTION
    /// prediction can be decoded or built.
    #[tokio::test]
    async fn object_detection_prediction_round_trips() {
        let h = Harness::new(Auth::ApiKey).await;
        let detection = json!({
            "type": "OBJECT_DETECTION",
            "taskName": "vehicles v2.0",
            "categoryId": 1,
            "score": 0.875,
            "bbox": [140, 40, 64, 48],
            "probabilities": [0.125, 0.875]
        });
        h.answer(ok_json(200, json!([detection.clone()]))).await;
        let singletons = h
            .client
            .predictions()
            .get_prediction_by_sample_id(DATASET, SAMPLE, TS)
            .send()
            .await
            .unwrap();
        let PredictionSingleton::ObjectDetection(d) = &singletons[0] else {
            panic!("expected an object detection, got {:?}", singletons[0]);
        };
        let bbox: Vec<i64> = d.bbox.as_slice().iter().map(|v| i64::from(*v)).collect();
        assert_eq!(bbox, vec![140, 40, 64, 48]);
        assert_eq!(
            serde_json::to_value(&singletons).unwrap(),
            json!([detection])
        );
    }

    #[tokio::test]
    async fn invalid_newtype_is_rejected_before_sending() {
        let h = Harness::new(Auth::ApiKey).await;
        h.answer(ok_json(200, tag_json(TAG, "initial-tag", None, "0x3ff")))
            .await;

        let err = h
            .client
            .tags()
            .get_tag_by_tag_id(DATASET, "not-an-id")
            .send()
            .await
            .unwrap_err();
        match &err {
            Error::InvalidArgument { name, reason } => {
                assert_eq!(*name, "tagId");
                assert!(reason.contains("^[a-f0-9]{24}$"), "{reason}");
            }
            other => panic!("expected InvalidArgument, got {other:?}"),
        }
        assert_eq!(err.status(), None);

        // Upper-case hex is not a MongoObjectId either; nor is a negative timestamp.
        let err = h
            .client
            .tags()
            .get_tag_by_tag_id("50000000ABCDEF1234566789", TAG)
            .send()
            .await
            .unwrap_err();
        assert!(
            matches!(
                err,
                Error::InvalidArgument {
                    name: "datasetId",
                    ..
                }
            ),
            "{err:?}"
        );
        let err = h
            .client
            .predictions()
            .get_prediction_by_sample_id(DATASET, SAMPLE, -1_i64)
            .send()
            .await
            .unwrap_err();
        assert!(
            matches!(
                err,
                Error::InvalidArgument {
                    name: "predictionUUIDTimestamp",
                    ..
                }
            ),
            "{err:?}"
        );

        assert!(h.requests().await.is_empty(), "nothing was sent");
    }

    /// No operation has a free-form string path parameter: the ids are MongoObjectIds and
    /// `taskName` is a PathSafeName (`^[a-zA-Z0-9][a-zA-Z0-9 ._-]+$`). So a space and a dot
    /// are what can reach the path; `/`, `?`, `#` and dot segments are rejected before
    /// sending. Free-form query values are encoded so they cannot add parameters.
    #[tokio::test]
    async fn path_and_query_values_are_percent_encoded() {
        let h = Harness::new(Auth::ApiKey).await;
        h.answer(ok_json(200, task_schema_json())).await;
        h.client
            .predictions()
            .get_prediction_task_schema_by_task_name(DATASET, "my task.v2", TS)
            .send()
            .await
            .unwrap();
        h.expect(
            "GET",
            &format!("/v1/datasets/{DATASET}/predictions/tasks/my%20task.v2"),
            &[("predictionUUIDTimestamp", "1577836800000")],
            None,
        )
        .await;

        h.server.reset().await;
        for bad in ["a/b", "ab?x=1", "ab#frag", "..", ".", "../tags", "a\u{0}b"] {
            let err = h
                .client
                .predictions()
                .get_prediction_task_schema_by_task_name(DATASET, bad, TS)
                .send()
                .await
                .unwrap_err();
            assert!(
                matches!(
                    err,
                    Error::InvalidArgument {
                        name: "taskName",
                        ..
                    }
                ),
                "{bad:?}: {err:?}"
            );
        }
        assert!(h.requests().await.is_empty());

        // The runtime's segment encoder, which every path parameter goes through.
        use lightly_client::runtime::encode_path_segment;
        assert_eq!(encode_path_segment("a/b?c#d"), "a%2Fb%3Fc%23d");
        assert_eq!(encode_path_segment("my task.v2"), "my%20task.v2");
        assert_eq!(encode_path_segment(".."), "%2E%2E");

        // A free-form query value with delimiters stays one value.
        h.answer(ok_json(200, json!([]))).await;
        h.client
            .samples()
            .get_samples_by_dataset_id(DATASET)
            .file_name("a b/c?d#e&token=x%")
            .send()
            .await
            .unwrap();
        h.expect(
            "GET",
            &format!("/v1/datasets/{DATASET}/samples"),
            &[("fileName", "a%20b%2Fc%3Fd%23e%26token%3Dx%25")],
            None,
        )
        .await;
    }

    #[tokio::test]
    async fn offset_pagination_walks_pages_until_a_short_page() {
        let h = Harness::new(Auth::ApiKey).await;
        let samples_path = format!("/v1/datasets/{DATASET}/samples");
        for (offset, items) in [("0", 0..3), ("3", 3..6), ("6", 6..7)] {
            Mock::given(path(samples_path.as_str()))
                .and(query_param("pageOffset", offset))
                .respond_with(ok_json(200, items.map(sample_item).collect()))
                .mount(&h.server)
                .await;
        }
        let stream = h
            .client
            .samples()
            .get_samples_by_dataset_id(DATASET)
            .file_name("img")
            .page_size(3)
            .page_offset(0)
            .stream();
        let samples: Vec<_> = stream.try_collect().await.unwrap();
        let names: Vec<&str> = samples.iter().map(|s| s.file_name.as_str()).collect();
        assert_eq!(
            names,
            [
                "img-0.png",
                "img-1.png",
                "img-2.png",
                "img-3.png",
                "img-4.png",
                "img-5.png",
                "img-6.png"
            ]
        );

        let requests = h.requests().await;
        assert_eq!(requests.len(), 3, "the short third page ends the stream");
        for (req, offset) in requests.iter().zip(["0", "3", "6"]) {
            check_request(
                req,
                Auth::ApiKey,
                "GET",
                &samples_path,
                &[
                    ("fileName", "img"),
                    ("pageSize", "3"),
                    ("pageOffset", offset),
                ],
                None,
            );
        }
    }

    #[tokio::test]
    async fn offset_pagination_stops_on_an_empty_page() {
        let h = Harness::new(Auth::ApiKey).await;
        let partial_path = format!("/v1/datasets/{DATASET}/samples/partial");
        // Without page_offset the first request has none; the next ones count on from 0.
        Mock::given(query_param_is_missing("pageOffset"))
            .respond_with(ok_json(200, json!([{"id": SAMPLE}, {"id": NEW_ID}])))
            .mount(&h.server)
            .await;
        Mock::given(query_param("pageOffset", "2"))
            .respond_with(ok_json(200, json!([{"id": TAG}, {"id": TAG2}])))
            .mount(&h.server)
            .await;
        Mock::given(query_param("pageOffset", "4"))
            .respond_with(ok_json(200, json!([])))
            .mount(&h.server)
            .await;
        let mut stream = h
            .client
            .samples()
            .get_samples_partial_by_dataset_id(DATASET)
            .mode(lightly_client::models::SamplePartialMode::Ids)
            .page_size(2)
            .stream();
        let mut ids = Vec::new();
        while let Some(item) = stream.next().await {
            ids.push(item.unwrap().id.into_inner());
        }
        assert_eq!(ids, [SAMPLE, NEW_ID, TAG, TAG2]);
        assert!(stream.next().await.is_none(), "the stream stays finished");

        let requests = h.requests().await;
        assert_eq!(requests.len(), 3);
        check_request(
            &requests[0],
            Auth::ApiKey,
            "GET",
            &partial_path,
            &[("mode", "ids"), ("pageSize", "2")],
            None,
        );
        for (req, offset) in requests[1..].iter().zip(["2", "4"]) {
            check_request(
                req,
                Auth::ApiKey,
                "GET",
                &partial_path,
                &[("mode", "ids"), ("pageSize", "2"), ("pageOffset", offset)],
                None,
            );
        }
    }

    #[tokio::test]
    async fn cursor_pagination_follows_cursors_until_has_more_is_false() {
        let h = Harness::new(Auth::Bearer).await;
        let list_path = format!("/v1/datasets/{DATASET}/datasource/list");
        let row = |name: &str| json!({"fileName": name, "readUrl": format!("https://lightly-bucket.s3.amazonaws.com/{name}?sig=1")});
        Mock::given(query_param_is_missing("cursor"))
            .respond_with(ok_json(
                200,
                json!({"hasMore": true, "cursor": "c1", "data": [row("a.png"), row("b.png")]}),
            ))
            .mount(&h.server)
            .await;
        Mock::given(query_param("cursor", "c1"))
            .respond_with(ok_json(
                200,
                json!({"hasMore": true, "cursor": "c2/+=", "data": [row("c.png")]}),
            ))
            .mount(&h.server)
            .await;
        Mock::given(query_param("cursor", "c2/+="))
            .respond_with(ok_json(
                200,
                json!({"hasMore": false, "cursor": "c3", "data": [row("d.png")]}),
            ))
            .mount(&h.server)
            .await;

        let rows: Vec<_> = h
            .client
            .datasources()
            .get_list_of_raw_samples_from_datasource_by_dataset_id(DATASET)
            .from(TS)
            .stream()
            .try_collect()
            .await
            .unwrap();
        let names: Vec<&str> = rows.iter().map(|r| r.file_name.as_str()).collect();
        assert_eq!(names, ["a.png", "b.png", "c.png", "d.png"]);

        let requests = h.requests().await;
        assert_eq!(requests.len(), 3, "hasMore=false ends the stream");
        let expected: [&[(&str, &str)]; 3] = [
            &[("from", "1577836800000")],
            &[("from", "1577836800000"), ("cursor", "c1")],
            &[("from", "1577836800000"), ("cursor", "c2%2F%2B%3D")],
        ];
        for (req, query) in requests.iter().zip(expected) {
            check_request(req, Auth::Bearer, "GET", &list_path, query, None);
        }
    }

    #[tokio::test]
    async fn pagination_yields_an_error_once_then_ends() {
        let h = Harness::new(Auth::ApiKey).await;
        Mock::given(query_param("pageOffset", "0"))
            .respond_with(ok_json(200, json!([sample_item(0), sample_item(1)])))
            .mount(&h.server)
            .await;
        Mock::given(query_param("pageOffset", "2"))
            .respond_with(ok_json(
                403,
                json!({"code": "FORBIDDEN", "message": "access revoked"}),
            ))
            .mount(&h.server)
            .await;
        let mut stream = h
            .client
            .samples()
            .get_samples_by_dataset_id(DATASET)
            .page_size(2)
            .page_offset(0)
            .stream();
        assert!(stream.next().await.unwrap().is_ok());
        assert!(stream.next().await.unwrap().is_ok());
        let err = stream.next().await.unwrap().unwrap_err();
        assert_eq!(err.status().map(|s| s.as_u16()), Some(403));
        assert!(stream.next().await.is_none());
        assert_eq!(h.requests().await.len(), 2);
    }

    #[tokio::test]
    async fn missing_credentials_fail_before_sending() {
        let server = MockServer::start().await;
        Mock::given(any())
            .respond_with(ok_json(200, json!([])))
            .mount(&server)
            .await;
        let client = Client::builder().base_url(server.uri()).build().unwrap();
        let err = client
            .tags()
            .get_tags_by_dataset_id(DATASET)
            .send()
            .await
            .unwrap_err();
        match &err {
            Error::MissingCredentials { accepted } => {
                assert_eq!(accepted, &["ApiKeyAuth", "auth0Bearer"])
            }
            other => panic!("expected MissingCredentials, got {other:?}"),
        }
        let text = err.to_string();
        assert!(
            text.contains("ApiKeyAuth") && text.contains("auth0Bearer"),
            "{text}"
        );

        // readurlRedirect accepts only ApiPublicJWTAuth: an API key does not help.
        let client = Client::builder()
            .base_url(server.uri())
            .api_key_auth(TOKEN)
            .auth0_bearer(BEARER)
            .build()
            .unwrap();
        let err = client
            .samples()
            .get_sample_image_resource_redirect_by_id(
                DATASET,
                SAMPLE,
                GetSampleImageResourceRedirectByIdType::Full,
            )
            .send()
            .await
            .unwrap_err();
        assert!(
            matches!(&err, Error::MissingCredentials { accepted } if accepted == &["ApiPublicJWTAuth"]),
            "{err:?}"
        );

        assert!(server.received_requests().await.unwrap().is_empty());
    }

    #[tokio::test]
    async fn first_configured_alternative_is_used() {
        let server = MockServer::start().await;
        Mock::given(any())
            .respond_with(ok_json(200, json!([])))
            .mount(&server)
            .await;
        let client = Client::builder()
            .base_url(server.uri())
            .auth0_bearer(BEARER)
            .api_key_auth(TOKEN)
            .build()
            .unwrap();
        client
            .tags()
            .get_tags_by_dataset_id(DATASET)
            .send()
            .await
            .unwrap();
        // ApiKeyAuth comes first in the operation's security list, so only it is sent.
        let req = server.received_requests().await.unwrap().remove(0);
        check_request(&req, Auth::ApiKey, "GET", &tags_path(), &[], None);
    }

    #[tokio::test]
    async fn undocumented_status_is_unexpected_with_bounded_snippet() {
        let h = Harness::new(Auth::ApiKey).await;
        let page = format!(
            "<html><body><h1>500 Internal Server Error</h1>{}</body></html>",
            "<p>Traceback (most recent call last): ...</p>".repeat(50)
        );
        assert!(page.len() > 2_000);
        h.answer(ResponseTemplate::new(500).set_body_raw(page.clone(), "text/html"))
            .await;
        let err = h
            .client
            .tags()
            .get_tags_by_dataset_id(DATASET)
            .send()
            .await
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "unexpected status 500 Internal Server Error"
        );
        assert!(!err.is_retryable());
        match &err {
            Error::UnexpectedStatus {
                status,
                snippet,
                headers,
            } => {
                assert_eq!(status.as_u16(), 500);
                assert!(snippet.len() <= 512, "{} bytes", snippet.len());
                assert!(snippet.ends_with('…'), "{snippet}");
                let kept = snippet.trim_end_matches('…');
                assert!(!kept.is_empty() && page.starts_with(kept));
                assert_eq!(
                    headers.get("content-type").unwrap().to_str().unwrap(),
                    "text/html"
                );
            }
            other => panic!("expected UnexpectedStatus, got {other:?}"),
        }
        assert_eq!(h.requests().await.len(), 1, "500 is not retried");

        // A small body is kept whole.
        h.answer(ResponseTemplate::new(409).set_body_string("conflict"))
            .await;
        let err = h
            .client
            .tags()
            .delete_tag_by_tag_id(DATASET, TAG)
            .send()
            .await
            .unwrap_err();
        assert!(
            matches!(&err, Error::UnexpectedStatus { status, snippet, .. } if status.as_u16() == 409 && snippet == "conflict"),
            "{err:?}"
        );
    }

    #[tokio::test]
    async fn decode_failure_names_the_json_path() {
        let h = Harness::new(Auth::ApiKey).await;
        let mut bad = tag_json(TAG2, "cats", Some(TAG), "0x2a5");
        bad["name"] = json!(42);
        h.answer(ok_json(
            200,
            json!([tag_json(TAG, "initial-tag", None, "0x3ff"), bad]),
        ))
        .await;
        let err = h
            .client
            .tags()
            .get_tags_by_dataset_id(DATASET)
            .send()
            .await
            .unwrap_err();
        match &err {
            Error::Decode {
                status,
                path,
                snippet,
                ..
            } => {
                assert_eq!(status.as_u16(), 200);
                assert_eq!(path, "[1].name");
                assert!(snippet.starts_with("[{"), "{snippet}");
            }
            other => panic!("expected Decode, got {other:?}"),
        }
        assert_eq!(
            err.to_string(),
            "failed to decode response body at `[1].name`"
        );
        assert!(std::error::Error::source(&err).is_some());

        // A constraint violation inside a value names its path too.
        let mut bad = tag_json(TAG2, "cats", Some(TAG), "0x2a5");
        bad["bitMaskData"] = json!("0xZZ");
        h.answer(ok_json(200, json!([bad]))).await;
        let err = h
            .client
            .tags()
            .get_tags_by_dataset_id(DATASET)
            .send()
            .await
            .unwrap_err();
        assert!(
            matches!(&err, Error::Decode { path, .. } if path == "[0].bitMaskData"),
            "{err:?}"
        );

        // The same body decodes fine into TagData when valid, so the fixture is sound.
        let good: Vec<TagData> =
            serde_json::from_value(json!([tag_json(TAG, "initial-tag", None, "0x3ff")])).unwrap();
        assert_eq!(good.len(), 1);
    }

    /// Generator bug: discriminated unions (`DatasourceConfig`, `PredictionSingleton`) decode
    /// by buffering a `serde_json::Value` and calling `runtime::deserialize_tagged`
    /// (`serde_json::from_value`), so `serde_path_to_error` never sees inside the variant:
    /// a bad field is reported at the union itself (the root, or `[1]`), not at the field.
    #[tokio::test]
    async fn decode_failure_inside_a_union_variant_names_the_full_path() {
        let h = Harness::new(Auth::ApiKey).await;
        let mut bad = s3_datasource_json();
        bad["s3Region"] = json!(7);
        h.answer(ok_json(200, bad)).await;
        let err = h
            .client
            .datasources()
            .get_datasource_by_dataset_id(DATASET)
            .send()
            .await
            .unwrap_err();
        assert!(
            matches!(&err, Error::Decode { path, .. } if path == "s3Region"),
            "{err:?}"
        );

        let mut bad = classification_json();
        bad["score"] = json!(1.5);
        h.answer(ok_json(200, json!([segmentation_json(), bad])))
            .await;
        let err = h
            .client
            .predictions()
            .get_prediction_by_sample_id(DATASET, SAMPLE, TS)
            .send()
            .await
            .unwrap_err();
        assert!(
            matches!(&err, Error::Decode { path, .. } if path == "[1].score"),
            "{err:?}"
        );
    }

    #[tokio::test]
    async fn secrets_stay_out_of_debug_and_display() {
        let secrets = [TOKEN, TOKEN_ENCODED, BEARER, PUBLIC_JWT];
        let assert_clean = |text: &str| {
            for secret in secrets {
                assert!(!text.contains(secret), "{secret:?} leaked into: {text}");
            }
        };

        let builder = Client::builder()
            .api_key_auth(TOKEN)
            .auth0_bearer(BEARER)
            .api_public_jwt_auth(PUBLIC_JWT);
        assert_clean(&format!("{builder:?}"));
        let client = builder.build().unwrap();
        assert_clean(&format!("{client:?}"));
        assert_clean(&format!("{client:#?}"));

        // A transport error: connection refused on a port nobody listens on.
        let port = {
            let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            listener.local_addr().unwrap().port()
        };
        let client = Client::builder()
            .base_url(format!("http://127.0.0.1:{port}"))
            .api_key_auth(TOKEN)
            .retry_policy(RetryPolicy::disabled())
            .build()
            .unwrap();
        assert_clean(&format!("{client:?}"));
        let err = client
            .tags()
            .get_tags_by_dataset_id(DATASET)
            .send()
            .await
            .unwrap_err();
        assert!(matches!(err, Error::Transport(_)), "{err:?}");
        assert!(err.is_retryable(), "a refused connection may be retried");
        let mut texts = vec![err.to_string(), format!("{err:?}"), format!("{err:#?}")];
        let mut source = std::error::Error::source(&err);
        while let Some(s) = source {
            texts.push(s.to_string());
            texts.push(format!("{s:?}"));
            source = s.source();
        }
        for text in &texts {
            assert_clean(text);
        }

        // Error responses to a bearer request do not echo the Authorization header either.
        let h = Harness::new(Auth::Bearer).await;
        h.answer(ok_json(
            401,
            json!({"code": "JWT_INVALID", "message": "the token is invalid or expired"}),
        ))
        .await;
        let err = h
            .client
            .tags()
            .get_tags_by_dataset_id(DATASET)
            .send()
            .await
            .unwrap_err();
        assert_clean(&format!("{err:?}"));
        assert_clean(&err.to_string());
    }
}

// ---------------------------------------------------------------------------
// A client that distrusts its server
// ---------------------------------------------------------------------------

/// Servers that misbehave: bodies over the limit, paging that would never end, long values
/// for pattern checks. Each test that could hang without its fix runs under [`bounded`].
mod distrust {
    use super::*;
    use futures_util::StreamExt;
    use lightly_client::models::{TagCreateRequest, TagName};
    use lightly_client::runtime::{PagingProblem, DEFAULT_MAX_RESPONSE_BODY_BYTES};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::TcpListener;
    use wiremock::matchers::{query_param, query_param_is_missing};

    /// Fails the test, rather than hanging it, when `f` has not finished in 20 s.
    async fn bounded<T>(f: impl Future<Output = T>) -> T {
        tokio::time::timeout(Duration::from_secs(20), f)
            .await
            .expect("the client hung on a misbehaving server")
    }

    /// A loopback server that answers every connection with `head` (status line and headers,
    /// without the blank line), then, when `chunked`, a 16 MiB body in 16 KiB HTTP/1.1 chunks,
    /// or else nothing more, keeping the connection open. Returns its base URL.
    async fn raw_server(head: String, chunked: bool) -> String {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            loop {
                let Ok((mut socket, _)) = listener.accept().await else {
                    return;
                };
                let head = head.clone();
                tokio::spawn(async move {
                    // Read the request head; its body, if any, does not matter here.
                    let mut request = Vec::new();
                    let mut buf = [0u8; 4096];
                    while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                        match socket.read(&mut buf).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => request.extend_from_slice(&buf[..n]),
                        }
                    }
                    let head = format!("{head}\r\n\r\n");
                    if socket.write_all(head.as_bytes()).await.is_err() {
                        return;
                    }
                    if !chunked {
                        // Hold the connection: a client that waits for the body hangs.
                        tokio::time::sleep(Duration::from_secs(60)).await;
                        return;
                    }
                    // Large enough that a client without a limit reads far past it, and finite
                    // so that such a client fails on the body rather than exhausting memory.
                    let chunk = format!("4000\r\n{}\r\n", "x".repeat(0x4000));
                    for _ in 0..1024 {
                        if socket.write_all(chunk.as_bytes()).await.is_err() {
                            return;
                        }
                    }
                    let _ = socket.write_all(b"0\r\n\r\n").await;
                });
            }
        });
        format!("http://{addr}")
    }

    fn client(base: &str, limit: Option<u64>) -> Client {
        let builder = Client::builder()
            .base_url(base)
            .api_key_auth(TOKEN)
            .retry_policy(RetryPolicy::disabled())
            .timeout(Duration::from_secs(60));
        match limit {
            Some(limit) => builder.max_response_body_bytes(limit),
            None => builder,
        }
        .build()
        .unwrap()
    }

    /// The error `get_tags_by_dataset_id` ends in against [`raw_server`] with `head` (see
    /// there), through a client with body limit `limit`; bounded so a hang fails.
    async fn tags_error_from_raw(
        head: String,
        chunked: bool,
        limit: Option<u64>,
    ) -> Error<lightly_client::models::ApiErrorResponse> {
        let base = raw_server(head, chunked).await;
        bounded(
            client(&base, limit)
                .tags()
                .get_tags_by_dataset_id(DATASET)
                .send(),
        )
        .await
        .unwrap_err()
    }

    fn assert_too_large<E: Debug>(err: &Error<E>, status: u16, limit: u64) {
        match err {
            Error::BodyTooLarge {
                status: s,
                limit: l,
            } => {
                assert_eq!((s.as_u16(), *l), (status, limit), "{err:?}");
            }
            other => panic!("expected BodyTooLarge, got {other:?}"),
        }
        assert_eq!(err.status().map(|s| s.as_u16()), Some(status));
        assert!(!err.is_retryable());
        let text = err.to_string();
        assert!(text.contains(&format!("limit of {limit} bytes")), "{text}");
    }

    #[tokio::test]
    async fn a_chunked_body_over_the_limit_stops_at_the_limit() {
        assert_too_large(
            &tags_error_from_raw(
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked"
                    .to_owned(),
                true,
                Some(100_000),
            )
            .await,
            200,
            100_000,
        );

        // An error status's body is bounded the same way.
        assert_too_large(
            &tags_error_from_raw(
                "HTTP/1.1 500 Internal Server Error\r\ntransfer-encoding: chunked".to_owned(),
                true,
                Some(100_000),
            )
            .await,
            500,
            100_000,
        );
    }

    #[tokio::test]
    async fn a_declared_length_over_the_limit_fails_before_reading() {
        // The body never comes: only a client that trusts the header and stops can finish.
        assert_too_large(
            &tags_error_from_raw(
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 1000001"
                    .to_owned(),
                false,
                Some(1_000_000),
            )
            .await,
            200,
            1_000_000,
        );

        // The default limit applies without configuration.
        let over = DEFAULT_MAX_RESPONSE_BODY_BYTES + 1;
        assert_too_large(
            &tags_error_from_raw(
                format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {over}"
                ),
                false,
                None,
            )
            .await,
            200,
            DEFAULT_MAX_RESPONSE_BODY_BYTES,
        );
        assert_eq!(DEFAULT_MAX_RESPONSE_BODY_BYTES, 64 * 1024 * 1024);
    }

    #[tokio::test]
    async fn a_body_at_the_limit_is_read() {
        let server = MockServer::start().await;
        let tags = json!([tag_json(TAG, "cats", None, "0x1")]);
        let body = serde_json::to_vec(&tags).unwrap();
        Mock::given(any())
            .respond_with(ResponseTemplate::new(200).set_body_raw(body.clone(), "application/json"))
            .mount(&server)
            .await;
        let exact = client(&server.uri(), Some(body.len() as u64));
        let got = exact
            .tags()
            .get_tags_by_dataset_id(DATASET)
            .send()
            .await
            .unwrap();
        assert_eq!(got.len(), 1);
        // One byte less is too much, and an undocumented status's body is bounded too.
        let short = client(&server.uri(), Some(body.len() as u64 - 1));
        let err = short
            .tags()
            .get_tags_by_dataset_id(DATASET)
            .send()
            .await
            .unwrap_err();
        assert_too_large(&err, 200, body.len() as u64 - 1);
        server.reset().await;
        Mock::given(any())
            .respond_with(ResponseTemplate::new(502).set_body_string("x".repeat(5_000)))
            .mount(&server)
            .await;
        let err = client(&server.uri(), Some(4_096))
            .tags()
            .get_tags_by_dataset_id(DATASET)
            .send()
            .await
            .unwrap_err();
        assert_too_large(&err, 502, 4_096);
    }

    /// Cursor pages of the datasource listing: the first has no cursor parameter, the
    /// others answer the cursor they are asked with.
    async fn cursor_pages(h: &Harness, pages: &[(Option<&str>, bool, &str, &str)]) {
        for &(asked, has_more, next, name) in pages {
            let page = json!({
                "hasMore": has_more,
                "cursor": next,
                "data": [{"fileName": name, "readUrl": "https://example.invalid/r"}]
            });
            let mock = match asked {
                None => Mock::given(query_param_is_missing("cursor")),
                Some(cursor) => Mock::given(query_param("cursor", cursor)),
            };
            mock.respond_with(ok_json(200, page)).mount(&h.server).await;
        }
    }

    /// Drains a stream under [`bounded`]: the file names, then the error that ended it.
    async fn walk(h: &Harness) -> (Vec<String>, Option<Error<ApiErrorResponse>>) {
        let mut stream = h
            .client
            .datasources()
            .get_list_of_raw_samples_from_datasource_by_dataset_id(DATASET)
            .stream();
        bounded(async {
            let mut names = Vec::new();
            while let Some(item) = stream.next().await {
                match item {
                    Ok(row) => names.push(row.file_name),
                    Err(e) => {
                        assert!(
                            stream.next().await.is_none(),
                            "the stream ends after an error"
                        );
                        return (names, Some(e));
                    }
                }
            }
            (names, None)
        })
        .await
    }

    #[tokio::test]
    async fn a_repeated_cursor_ends_the_stream_with_an_error() {
        // A, B, A: the third page points back at the second.
        let h = Harness::new(Auth::Bearer).await;
        cursor_pages(
            &h,
            &[
                (None, true, "A", "first.png"),
                (Some("A"), true, "B", "second.png"),
                (Some("B"), true, "A", "third.png"),
            ],
        )
        .await;
        let (names, err) = walk(&h).await;
        assert_eq!(names, ["first.png", "second.png", "third.png"]);
        let err = err.expect("a repeated cursor ends the stream with an error");
        assert!(
            matches!(
                err,
                Error::Paging {
                    page: 3,
                    reason: PagingProblem::RepeatedCursor
                }
            ),
            "{err:?}"
        );
        assert_eq!(
            err.to_string(),
            "paging stopped after page 3: the server repeated an earlier cursor"
        );
        assert_eq!(
            h.requests().await.len(),
            3,
            "the repeated page is not fetched"
        );
    }

    #[tokio::test]
    async fn more_pages_without_a_cursor_end_the_stream_with_an_error() {
        let h = Harness::new(Auth::Bearer).await;
        cursor_pages(
            &h,
            &[
                (None, true, "A", "first.png"),
                (Some("A"), true, "", "second.png"),
            ],
        )
        .await;
        let (names, err) = walk(&h).await;
        assert_eq!(names, ["first.png", "second.png"]);
        assert!(
            matches!(
                err,
                Some(Error::Paging {
                    page: 2,
                    reason: PagingProblem::MissingCursor
                })
            ),
            "{err:?}"
        );
        assert_eq!(h.requests().await.len(), 2);
    }

    #[tokio::test]
    async fn an_offset_that_cannot_advance_ends_the_stream_with_an_error() {
        // The offset is a double; at 2^53 adding a page of one item leaves it unchanged,
        // so without the check the same page would be asked for forever.
        let h = Harness::new(Auth::ApiKey).await;
        h.answer(ok_json(200, json!([sample_item(0)]))).await;
        let mut stream = h
            .client
            .samples()
            .get_samples_by_dataset_id(DATASET)
            .page_size(1)
            .page_offset(9_007_199_254_740_992.0)
            .stream();
        let first = bounded(stream.next()).await.unwrap().unwrap();
        assert_eq!(first.file_name, "img-0.png");
        let err = bounded(stream.next()).await.unwrap().unwrap_err();
        assert!(
            matches!(
                err,
                Error::Paging {
                    page: 1,
                    reason: PagingProblem::OffsetStalled
                }
            ),
            "{err:?}"
        );
        assert!(stream.next().await.is_none());
        assert_eq!(h.requests().await.len(), 1);
    }

    #[tokio::test]
    async fn long_values_are_checked_against_patterns() {
        // TagName is `^[a-zA-Z0-9][a-zA-Z0-9 .:;=@_-]+$`: 200,000 characters of it, and the
        // same with one bad character at the end, checked when decoding and when building.
        let long = format!("t{}", "a.b c:d;e=f@g_h-".repeat(12_500));
        let bad = format!("{long}/");
        assert!(TagName::new(long.clone()).is_ok());
        assert!(TagName::new(bad.clone()).is_err());

        let h = Harness::new(Auth::ApiKey).await;
        h.answer(ok_json(200, tag_json(TAG, &long, None, "0x1")))
            .await;
        let tag = bounded(h.client.tags().get_tag_by_tag_id(DATASET, TAG).send())
            .await
            .unwrap();
        assert_eq!(tag.name.as_str(), long);

        h.answer(ok_json(200, tag_json(TAG, &bad, None, "0x1")))
            .await;
        let err = bounded(h.client.tags().get_tag_by_tag_id(DATASET, TAG).send())
            .await
            .unwrap_err();
        assert!(
            matches!(&err, Error::Decode { path, .. } if path == "name"),
            "{err:?}"
        );

        // A long valid name goes out in a request body.
        h.answer(ok_json(201, json!({"id": NEW_ID}))).await;
        let body = TagCreateRequest {
            name: TagName::new(long.clone()).unwrap(),
            prev_tag_id: TAG.try_into().unwrap(),
            query_tag_id: None,
            preselected_tag_id: None,
            bit_mask_data: "0x1".try_into().unwrap(),
            tot_size: 1,
            creator: None,
            changes: None,
        };
        bounded(
            h.client
                .tags()
                .create_tag_by_dataset_id(DATASET, body)
                .send(),
        )
        .await
        .unwrap();
        let sent: Value = serde_json::from_slice(&h.requests().await[0].body).unwrap();
        assert_eq!(sent["name"], json!(long));
    }
}

/// The HTTP layer belongs to the user: their own `reqwest::Client`, adjustments to the one
/// the crate builds, and futures that can be awaited directly and moved to other tasks.
mod http_layer {
    use super::*;
    use futures_util::TryStreamExt;
    use lightly_client::reqwest;
    use std::future::IntoFuture;
    use wiremock::matchers::{method, path};

    fn tags_path() -> String {
        format!("/v1/datasets/{DATASET}/tags")
    }

    fn one_header(name: &'static str, value: &'static str) -> reqwest::header::HeaderMap {
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert(name, reqwest::header::HeaderValue::from_static(value));
        headers
    }

    /// Answers the tag listing, one tag, and the sample listing.
    async fn mount_reads(server: &MockServer) {
        Mock::given(method("GET"))
            .and(path(tags_path()))
            .respond_with(ok_json(
                200,
                json!([tag_json(TAG, "initial-tag", None, "0x3ff")]),
            ))
            .mount(server)
            .await;
        Mock::given(method("GET"))
            .and(path(format!("{}/{TAG}", tags_path())))
            .respond_with(ok_json(200, tag_json(TAG, "initial-tag", None, "0x3ff")))
            .mount(server)
            .await;
        Mock::given(method("GET"))
            .and(path(format!("/v1/datasets/{DATASET}/samples")))
            .respond_with(ok_json(200, json!([sample_item(0), sample_item(1)])))
            .mount(server)
            .await;
    }

    async fn received(server: &MockServer) -> Vec<Request> {
        server.received_requests().await.expect("recording is on")
    }

    #[tokio::test]
    async fn a_users_reqwest_client_carries_every_call() {
        let server = MockServer::start().await;
        mount_reads(&server).await;
        let http = reqwest::Client::builder()
            .default_headers(one_header("x-team", "vision"))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let client = Client::builder()
            .base_url(server.uri())
            .api_key_auth(TOKEN)
            .http_client(http)
            .user_agent("wire-test/1")
            .build()
            .unwrap();
        client
            .tags()
            .get_tags_by_dataset_id(DATASET)
            .send()
            .await
            .unwrap();
        client
            .tags()
            .get_tag_by_tag_id(DATASET, TAG)
            .send()
            .await
            .unwrap();
        let requests = received(&server).await;
        assert_eq!(requests.len(), 2);
        for req in &requests {
            assert_eq!(header(req, "x-team"), Some("vision"), "{req:?}");
            assert_eq!(header(req, "user-agent"), Some("wire-test/1"), "{req:?}");
            check_request(req, Auth::ApiKey, "GET", req.url.path(), &[], None);
        }
        assert!(!format!("{client:?}").contains(TOKEN));
    }

    #[tokio::test]
    async fn configure_http_adjusts_the_client_the_crate_builds() {
        let server = MockServer::start().await;
        mount_reads(&server).await;
        let client = Client::builder()
            .base_url(server.uri())
            .api_key_auth(TOKEN)
            .configure_http(|b: reqwest::ClientBuilder| {
                b.default_headers(one_header("x-adjusted", "1"))
            })
            .build()
            .unwrap();
        client
            .tags()
            .get_tags_by_dataset_id(DATASET)
            .send()
            .await
            .unwrap();
        let requests = received(&server).await;
        assert_eq!(header(&requests[0], "x-adjusted"), Some("1"));
    }

    /// Spawns `future` on the runtime: compiles only for a `Send + 'static` future.
    fn spawn<F>(future: F) -> tokio::task::JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        tokio::spawn(future)
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn builders_are_awaited_directly_and_calls_run_on_spawned_tasks() {
        let server = MockServer::start().await;
        mount_reads(&server).await;
        let client = Client::builder()
            .base_url(server.uri())
            .api_key_auth(TOKEN)
            .build()
            .unwrap();
        // `.await` on the builder is `.send().await`.
        let direct = client.tags().get_tags_by_dataset_id(DATASET).await.unwrap();
        let sent = client
            .tags()
            .get_tags_by_dataset_id(DATASET)
            .send()
            .await
            .unwrap();
        assert_eq!(direct, sent);
        // Builders own a clone of the client: their futures and streams borrow nothing.
        let tasks: Vec<_> = (0..4)
            .map(|_| spawn(client.tags().get_tag_by_tag_id(DATASET, TAG).send()))
            .collect();
        let into = spawn(client.tags().get_tags_by_dataset_id(DATASET).into_future());
        let stream = spawn(
            client
                .samples()
                .get_samples_by_dataset_id(DATASET)
                .page_size(5)
                .stream()
                .try_collect::<Vec<_>>(),
        );
        drop(client);
        for task in tasks {
            assert_eq!(task.await.unwrap().unwrap().id.to_string(), TAG);
        }
        assert_eq!(into.await.unwrap().unwrap(), direct);
        assert_eq!(stream.await.unwrap().unwrap().len(), 2);
        assert_eq!(received(&server).await.len(), 8);
    }
}
