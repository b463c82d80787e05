//! The generated crate's `mock` feature used the way a user would: code under test takes a
//! `Client`, the test points it at `runtime::mock::MockServer` and declares each expected
//! call with the client's own request builders and typed bodies; no JSON by hand, no network.

use lightly_client::models::{self, ApiErrorCode, ApiErrorResponse, SampleData, TagData};
use lightly_client::runtime::mock::MockServer;
use lightly_client::{Client, Error};
use serde_json::json;

const DATASET: &str = "50000000abcdef1234566789";
const OTHER_DATASET: &str = "60000000abcdef1234566789";

/// Code under test: how many samples of a dataset are named like its first tag.
async fn samples_named_after_first_tag(
    client: &Client,
    dataset: &str,
) -> Result<usize, Error<ApiErrorResponse>> {
    let tags = client.tags().get_tags_by_dataset_id(dataset).await?;
    let Some(first) = tags.first() else {
        return Ok(0);
    };
    let samples = client
        .samples()
        .get_samples_by_dataset_id(dataset)
        .file_name(first.name.as_str())
        .page_size(50.0)
        .await?;
    Ok(samples.len())
}

fn tag(name: &str) -> TagData {
    serde_json::from_value(json!({
        "id": DATASET, "datasetId": DATASET, "prevTagId": null, "name": name,
        "bitMaskData": "0x1", "totSize": 1, "createdAt": 1, "changes": {}
    }))
    .expect("a valid TagData")
}

fn sample(file: &str) -> SampleData {
    serde_json::from_value(json!({"id": DATASET, "type": "IMAGE", "fileName": file}))
        .expect("a valid SampleData")
}

fn client(server: &MockServer) -> Client {
    Client::builder()
        .base_url(server.uri())
        .api_key_auth("test-token")
        .build()
        .unwrap()
}

#[tokio::test]
async fn code_under_test_runs_against_typed_expectations() {
    let server = MockServer::start().await;
    let client = client(&server);
    server
        .expect(client.tags().get_tags_by_dataset_id(DATASET))
        .times(1)
        .respond(200, &vec![tag("cats")])
        .await;
    // Matches only with these query parameters: the builder says what is sent.
    server
        .expect(
            client
                .samples()
                .get_samples_by_dataset_id(DATASET)
                .file_name("cats")
                .page_size(50.0),
        )
        .times(1)
        .respond(200, &vec![sample("cats/1.jpg"), sample("cats/2.jpg")])
        .await;
    assert_eq!(
        samples_named_after_first_tag(&client, DATASET)
            .await
            .unwrap(),
        2
    );
    server.verify().await;
}

#[tokio::test]
async fn a_call_with_other_arguments_does_not_match() {
    let server = MockServer::start().await;
    let client = client(&server);
    server
        .expect(client.tags().get_tags_by_dataset_id(DATASET))
        .respond(200, &vec![tag("dogs")])
        .await;
    server
        .expect(
            client
                .samples()
                .get_samples_by_dataset_id(DATASET)
                .file_name("cats"),
        )
        .respond(200, &vec![sample("x")])
        .await;
    // The tag is `dogs`, so the samples call asks for `dogs` and finds no expectation (404).
    let result = samples_named_after_first_tag(&client, DATASET).await;
    let err = result.expect_err("the samples call has no expectation");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(404), "{err}");
    // Another dataset's path is another request.
    let other = client.tags().get_tags_by_dataset_id(OTHER_DATASET).await;
    assert_eq!(other.unwrap_err().status().map(|s| s.as_u16()), Some(404));
}

#[tokio::test]
async fn typed_errors_and_bodies_are_matched_and_answered() {
    let server = MockServer::start().await;
    let client = client(&server);
    let forbidden = ApiErrorResponse {
        code: ApiErrorCode::Forbidden,
        message: "not yours".to_string(),
    };
    server
        .expect(client.tags().get_tags_by_dataset_id(DATASET))
        .respond_error(403, &forbidden)
        .await;
    match client.tags().get_tags_by_dataset_id(DATASET).await {
        Err(Error::Api { status, body, .. }) => {
            assert_eq!(status.as_u16(), 403);
            assert_eq!(body, forbidden);
        }
        other => panic!("expected the typed error, got {other:?}"),
    }

    // A request body is part of the match, compared as JSON.
    let create: models::TagCreateRequest = serde_json::from_value(json!({
        "name": "new-tag", "prevTagId": DATASET, "bitMaskData": "0x1", "totSize": 1
    }))
    .unwrap();
    let mut other_body = create.clone();
    other_body.tot_size = 2;
    server
        .expect(
            client
                .tags()
                .create_tag_by_dataset_id(DATASET, create.clone()),
        )
        .respond(
            201,
            &models::CreateEntityResponse {
                id: DATASET.parse().unwrap(),
            },
        )
        .await;
    let created = client
        .tags()
        .create_tag_by_dataset_id(DATASET, create)
        .await
        .unwrap();
    assert_eq!(created.id.as_str(), DATASET);
    let missed = client
        .tags()
        .create_tag_by_dataset_id(DATASET, other_body)
        .await;
    assert_eq!(missed.unwrap_err().status().map(|s| s.as_u16()), Some(404));
}

#[tokio::test]
#[should_panic(expected = "Verifications failed")]
async fn an_expected_call_that_never_comes_fails_the_test() {
    let server = MockServer::start().await;
    let client = client(&server);
    server
        .expect(client.tags().get_tags_by_dataset_id(DATASET))
        .times(1)
        .respond(200, &Vec::new())
        .await;
    server.verify().await;
}
