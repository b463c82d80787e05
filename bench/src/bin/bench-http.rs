//! `bench-http [--requests N] [--batches B] [--warmup W]`: per-request cost of a generated
//! operation (`get_tag_by_tag_id`) against a loopback server, next to the same request written
//! by hand with reqwest and `serde_json::from_slice` into the same `models::TagData`, and the
//! generated one again through a client with one interceptor (a signer that sets a header on
//! every attempt).
//!
//! All run on one single-threaded runtime; the server has its own thread. After a warm-up,
//! batches of N sequential requests rotate between the three (the first of each round moves
//! every batch, so drift in machine load hits all). Prints the per-request time of every
//! batch in microseconds and the medians.

use bench::{emit, list, median, TAG_ID};
use lightly_client::models::TagData;
use lightly_client::runtime::{BeforeAttempt, BoxError};
use lightly_client::Interceptor;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let requests: usize = bench::flag(&args, "--requests", 2000);
    let batches: usize = bench::flag(&args, "--batches", 7);
    let warmup: usize = bench::flag(&args, "--warmup", 500);
    bench::finish(run(requests.max(1), batches.max(1), warmup))
}

fn run(requests: usize, batches: usize, warmup: usize) -> Result<(), String> {
    let body = bench::tag_body();
    let addr = bench::spawn_server(Arc::new(bench::json_response(body)))
        .map_err(|e| format!("cannot start the loopback server: {e}"))?;
    let runtime = bench::client_runtime().map_err(|e| e.to_string())?;
    let client = bench::lightly(addr)?;
    let hooked = lightly_client::Client::builder()
        .base_url(format!("http://{addr}"))
        .api_key_auth("t")
        .interceptor(Sign)
        .build()
        .map_err(|e| format!("cannot build the Lightly client: {e}"))?;
    let http = reqwest::Client::builder()
        .build()
        .map_err(|e| format!("cannot build a reqwest client: {e}"))?;
    let base = format!("http://{addr}");
    runtime.block_on(async {
        let a = generated(&client).await?;
        let b = by_hand(&http, &base).await?;
        if a != b {
            return Err("the generated and the hand-written request decode differently".into());
        }
        for _ in 0..warmup {
            generated(&client).await?;
            by_hand(&http, &base).await?;
            generated(&hooked).await?;
        }
        let mut gen_us = Vec::new();
        let mut hand_us = Vec::new();
        let mut hooked_us = Vec::new();
        for batch in 0..batches {
            for turn in 0..3 {
                let start = Instant::now();
                let times = match (batch + turn) % 3 {
                    0 => {
                        for _ in 0..requests {
                            std::hint::black_box(generated(&client).await?);
                        }
                        &mut gen_us
                    }
                    1 => {
                        for _ in 0..requests {
                            std::hint::black_box(by_hand(&http, &base).await?);
                        }
                        &mut hand_us
                    }
                    _ => {
                        for _ in 0..requests {
                            std::hint::black_box(generated(&hooked).await?);
                        }
                        &mut hooked_us
                    }
                };
                times.push(start.elapsed().as_secs_f64() * 1e6 / requests as f64);
            }
        }
        emit("requests_per_batch", requests);
        emit("batches", batches);
        emit("generated_us", list(&gen_us));
        emit("hand_us", list(&hand_us));
        emit("generated_us_median", median(&gen_us));
        emit("hand_us_median", median(&hand_us));
        emit("ratio", median(&gen_us) / median(&hand_us));
        emit("interceptor_us", list(&hooked_us));
        emit("interceptor_us_median", median(&hooked_us));
        emit("ratio_interceptor", median(&hooked_us) / median(&hand_us));
        Ok(())
    })
}

async fn generated(client: &lightly_client::Client) -> Result<TagData, String> {
    client
        .tags()
        .get_tag_by_tag_id(bench::DATASET_ID, TAG_ID)
        .send()
        .await
        .map_err(|e| format!("generated request failed: {e}"))
}

/// A signer: one header set on every attempt.
struct Sign;

impl Interceptor for Sign {
    fn before_attempt(&self, attempt: &mut BeforeAttempt<'_>) -> Result<(), BoxError> {
        let value = reqwest::header::HeaderValue::from_static("bench-signature");
        attempt
            .request_mut()
            .headers_mut()
            .insert("x-signature", value);
        Ok(())
    }
}

/// The same request as a user would write it without the generated client.
async fn by_hand(http: &reqwest::Client, base: &str) -> Result<TagData, String> {
    let url = format!(
        "{base}/v1/datasets/{}/tags/{TAG_ID}?token=t",
        bench::DATASET_ID
    );
    bench::get_json_by_hand(http, &url).await
}
