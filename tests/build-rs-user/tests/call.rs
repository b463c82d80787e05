//! The included client works: a real call through it against a loopback server, and the
//! dependencies its leading comment names are the ones this crate declares.

use build_rs_user::lightly::{models, Client, Error};
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const DATASET: &str = "50000000abcdef1234566789";
const TAG: &str = "5f1a2b3c4d5e6f7a8b9c0d1e";

#[tokio::test]
async fn a_call_through_the_included_module_reaches_the_server_and_decodes() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("/v1/datasets/{DATASET}/tags/{TAG}")))
        .and(query_param("token", "secret"))
        // The user agent the build script set as a config key, in code.
        .and(header("user-agent", "build-rs-user/1.0"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "id": TAG,
            "datasetId": DATASET,
            "prevTagId": null,
            "name": "initial-tag",
            "bitMaskData": "0x1",
            "totSize": 1,
            "createdAt": 1_577_836_800_000_i64
        })))
        .expect(1)
        .mount(&server)
        .await;
    let client = Client::builder()
        .base_url(server.uri())
        .api_key_auth("secret")
        .build()
        .unwrap();
    let tag: models::TagData = client
        .tags()
        .get_tag_by_tag_id(DATASET, TAG)
        .send()
        .await
        .unwrap();
    assert_eq!(tag.id.as_str(), TAG);
    assert_eq!(tag.name.as_str(), "initial-tag");
    // Validation runs before sending, through the included runtime.
    let bad = client
        .tags()
        .get_tag_by_tag_id("not-an-id", TAG)
        .send()
        .await;
    assert!(matches!(bad, Err(Error::InvalidArgument { .. })), "{bad:?}");
}

#[test]
fn the_dependencies_the_module_names_are_declared_here() {
    let module = include_str!(concat!(env!("OUT_DIR"), "/lightly.rs"));
    let manifest = include_str!("../Cargo.toml");
    let named: Vec<&str> = module
        .lines()
        .take_while(|l| l.starts_with("//"))
        .skip_while(|l| l.trim() != "//     [dependencies]")
        .skip(1)
        .map(|l| l.trim_start_matches("//").trim())
        .take_while(|l| !l.is_empty())
        .collect();
    assert!(named.len() >= 5, "{named:?}");
    for line in named {
        assert!(
            manifest.lines().any(|l| l == line),
            "the module needs `{line}`, which tests/build-rs-user/Cargo.toml lacks"
        );
    }
}
