//! Tests of `runtime/error.rs`: error messages are short and lowercase.

use std::convert::Infallible;

use reqwest::header::HeaderMap;
use reqwest::StatusCode;

use crate::runtime::error::Message;
use crate::runtime::Error;

#[test]
fn display_strings_are_short_and_lowercase() {
    let reqwest_err = reqwest::Client::new()
        .get("http://[bad")
        .build()
        .unwrap_err();
    let json_err = serde_json::from_str::<u8>("x").unwrap_err();
    let errors: Vec<Error<()>> = vec![
        Error::Api {
            status: StatusCode::NOT_FOUND,
            headers: HeaderMap::new(),
            body: (),
        },
        Error::UnexpectedStatus {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            headers: HeaderMap::new(),
            snippet: "boom".into(),
        },
        Error::UnexpectedStatus {
            status: StatusCode::from_u16(599).unwrap(),
            headers: HeaderMap::new(),
            snippet: String::new(),
        },
        Error::Timeout(reqwest_err),
        Error::InvalidArgument {
            name: "dataset_id",
            reason: "must be at least 3 characters long".into(),
        },
        Error::MissingCredentials {
            accepted: vec!["ApiKeyAuth"],
        },
        Error::Serialize(json_err),
        Error::Decode {
            status: StatusCode::OK,
            path: "data[3].id".into(),
            snippet: String::new(),
            body: bytes::Bytes::new(),
            request_id: None,
            source: Box::new(Message("x".into())),
        },
        Error::BodyTooLarge {
            status: StatusCode::OK,
            limit: 1024,
        },
    ];
    let expected = [
        "api error: 404 Not Found",
        "unexpected status 500 Internal Server Error",
        "unexpected status 599",
        "request timed out",
        "invalid argument `dataset_id`: must be at least 3 characters long",
        "no credentials configured for any accepted security scheme: ApiKeyAuth",
        "failed to serialize request body",
        "failed to decode response body at `data[3].id`",
        "response body is longer than the limit of 1024 bytes (status 200 OK)",
    ];
    for (err, want) in errors.iter().zip(expected) {
        let text = err.to_string();
        assert_eq!(text, want);
        assert!(text.starts_with(|c: char| c.is_lowercase()), "{text}");
        assert!(!text.ends_with('.'), "{text}");
    }
    assert!(!errors[1].is_retryable() && errors[3].is_retryable());
    assert!(!errors[8].is_retryable());
    assert_eq!(errors[8].status(), Some(StatusCode::OK));
    assert!(std::error::Error::source(&errors[6]).is_some());
    // into_typed keeps the variant.
    let e: Error<Infallible> = Error::InvalidArgument {
        name: "x",
        reason: "y".into(),
    };
    assert!(matches!(
        e.into_typed::<u8>(),
        Error::InvalidArgument { name: "x", .. }
    ));
}
