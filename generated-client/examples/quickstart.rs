//! Quickstart for the Lightly API client: list a dataset's tags, create a tag, and page
//! through the dataset's samples.
//!
//! Run it with your API token and the id of one of your datasets:
//!
//! ```sh
//! LIGHTLY_TOKEN=<your token> \
//! LIGHTLY_DATASET_ID=50000000abcdef1234566789 \
//!     cargo run -p lightly-client --example quickstart
//! ```
//!
//! Set `LIGHTLY_BASE_URL` to talk to another server than <https://api.lightly.ai>
//! (for instance `http://localhost:5000`).
//!
//! The program creates a tag named `quickstart-<unix seconds>` holding the same samples
//! as the dataset's initial tag. It exits with status 1 and a message on stderr if
//! anything fails.

use std::env;
use std::future::poll_fn;
use std::pin::Pin;
use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

use futures_core::Stream;
use lightly_client::models::{ApiErrorResponse, MongoObjectId, TagCreateRequest, TagCreator};
use lightly_client::{Client, Error};

/// How many samples to print while paging; all of them are counted.
const SHOW_SAMPLES: usize = 10;

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), String> {
    let token = required_env("LIGHTLY_TOKEN")?;
    // Checked here so a typo gets a clear message before any request is made.
    let dataset_id: MongoObjectId = required_env("LIGHTLY_DATASET_ID")?
        .parse()
        .map_err(|e| format!("LIGHTLY_DATASET_ID: {e}"))?;

    let mut builder = Client::builder().api_key_auth(token);
    if let Ok(base_url) = env::var("LIGHTLY_BASE_URL") {
        builder = builder.base_url(base_url);
    }
    let client = builder
        .build()
        .map_err(|e| format!("cannot configure the client: {e}"))?;

    // 1. List the dataset's tags.
    let tags = client
        .tags()
        .get_tags_by_dataset_id(dataset_id.clone())
        .send()
        .await
        .map_err(|e| describe("listing the tags", e))?;
    println!("dataset {dataset_id} has {} tag(s):", tags.len());
    for tag in &tags {
        println!(
            "  {} {:<30} bitmask {} over {} sample(s)",
            tag.id,
            tag.name.as_str(),
            tag.bit_mask_data,
            tag.tot_size
        );
    }

    // 2. Create a tag with the same samples as the initial tag (the one without a parent).
    let Some(initial) = tags.iter().find(|tag| tag.prev_tag_id.is_none()) else {
        return Err(format!(
            "dataset {dataset_id} has no initial tag yet; upload samples first"
        ));
    };
    let seconds = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default();
    let request = TagCreateRequest {
        name: format!("quickstart-{seconds}")
            .parse()
            .map_err(|e| format!("tag name: {e}"))?,
        prev_tag_id: initial.id.clone(),
        query_tag_id: None,
        preselected_tag_id: None,
        bit_mask_data: initial.bit_mask_data.clone(),
        tot_size: initial.tot_size,
        creator: Some(TagCreator::UserPip),
        changes: None,
    };
    let name = request.name.clone();
    let created = client
        .tags()
        .create_tag_by_dataset_id(dataset_id.clone(), request)
        .send()
        .await
        .map_err(|e| describe("creating a tag", e))?;
    println!("created tag {name} with id {}", created.id);

    // 3. Page through the samples. The stream requests the next page only when the
    //    current one is used up, and ends after the last page or the first error.
    let mut samples = client
        .samples()
        .get_samples_by_dataset_id(dataset_id.clone())
        .page_size(100)
        .stream();
    let mut count = 0usize;
    while let Some(item) = next(&mut samples).await {
        let sample = item.map_err(|e| describe("listing the samples", e))?;
        if count < SHOW_SAMPLES {
            println!("  sample {} {}", sample.id, sample.file_name);
        }
        count += 1;
    }
    if count > SHOW_SAMPLES {
        println!("  ... and {} more", count - SHOW_SAMPLES);
    }
    println!("dataset {dataset_id} has {count} sample(s)");
    Ok(())
}

/// Waits for the next item of a stream, like `futures_util::StreamExt::next`, using only
/// `futures-core`.
async fn next<S: Stream + Unpin>(stream: &mut S) -> Option<S::Item> {
    poll_fn(|cx| Pin::new(&mut *stream).poll_next(cx)).await
}

fn required_env(name: &str) -> Result<String, String> {
    match env::var(name) {
        Ok(value) if !value.trim().is_empty() => Ok(value.trim().to_owned()),
        _ => Err(format!(
            "set {name} (see the top of examples/quickstart.rs for how to run this example)"
        )),
    }
}

/// A one-line description of a failed call, with the server's message when it sent one.
fn describe(action: &str, err: Error<ApiErrorResponse>) -> String {
    match err {
        Error::Api { status, body, .. } => {
            format!(
                "{action}: the API answered {status}: {} ({})",
                body.message, body.code
            )
        }
        Error::UnexpectedStatus {
            status, snippet, ..
        } => format!("{action}: unexpected status {status}: {snippet}"),
        other => {
            // Display gives the summary; the source chain says why (DNS, TLS, decoding ...).
            let mut message = format!("{action}: {other}");
            let mut source = std::error::Error::source(&other);
            while let Some(cause) = source {
                message.push_str(&format!(": {cause}"));
                source = cause.source();
            }
            message
        }
    }
}
