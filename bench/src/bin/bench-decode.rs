//! `bench-decode MODE [--count N] [--iters K]`: decoding a large `Vec<SampleData>` response
//! (N samples, 100,000 by default), one mode per process so the peak resident set is clean.
//!
//! Modes, on the same bytes:
//! - `generated`: `client.samples().get_samples_by_dataset_id(..).send()` from a loopback server;
//! - `reqwest`: the same request by hand, `bytes()` then `serde_json::from_slice`;
//! - `slice`: `serde_json::from_slice::<Vec<SampleData>>` on the bytes already in memory.
//!
//! Prints the body size, every iteration's time, the median, MB/s (10^6 bytes per second),
//! the peak resident set before the first decode (the canned body is held by then) and after.
//!
//! Every mode runs with glibc's malloc told to keep freed memory (no trimming, no `mmap` for
//! large blocks). With its defaults the modes were not comparable: `slice` decodes on the
//! main thread, whose heap gives the 45 MB of a decoded page back to the system after each
//! iteration and faults it in again on the next, while the modes that decode on a runtime
//! thread reuse their arena; that made the generated client look 1.27× faster than
//! `from_slice` on the same bytes, which is its lower bound.

use bench::{emit, list, median, ms, vm_hwm_kib};
use lightly_client::models::SampleData;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

fn main() -> ExitCode {
    keep_freed_memory();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mode = args.first().cloned().unwrap_or_default();
    let count: usize = bench::flag(&args, "--count", 100_000);
    let iters: usize = bench::flag(&args, "--iters", 5);
    bench::finish(run(&mode, count, iters.max(1)))
}

fn run(mode: &str, count: usize, iters: usize) -> Result<(), String> {
    let body = bench::samples_body(count);
    let body_len = body.len();
    emit("body_bytes", body_len);
    let mut times = Vec::new();
    match mode {
        "slice" => {
            emit("hwm_before_kib", vm_hwm_kib());
            for i in 0..=iters {
                let start = Instant::now();
                let decoded: Vec<SampleData> =
                    serde_json::from_slice(&body).map_err(|e| format!("from_slice: {e}"))?;
                let elapsed = start.elapsed();
                check(decoded.len(), count)?;
                drop(decoded);
                if i > 0 {
                    times.push(ms(elapsed));
                }
            }
        }
        "generated" | "reqwest" => {
            let response = Arc::new(bench::json_response(body));
            let addr = bench::spawn_server(response)
                .map_err(|e| format!("cannot start the loopback server: {e}"))?;
            let runtime = bench::client_runtime().map_err(|e| e.to_string())?;
            let client = bench::lightly(addr)?;
            let http = reqwest::Client::new();
            let url = format!(
                "http://{addr}/v1/datasets/{}/samples?token=t",
                bench::DATASET_ID
            );
            emit("hwm_before_kib", vm_hwm_kib());
            runtime.block_on(async {
                for i in 0..=iters {
                    let start = Instant::now();
                    let decoded = if mode == "generated" {
                        client
                            .samples()
                            .get_samples_by_dataset_id(bench::DATASET_ID)
                            .send()
                            .await
                            .map_err(|e| format!("generated request failed: {e}"))?
                    } else {
                        by_hand(&http, &url).await?
                    };
                    let elapsed = start.elapsed();
                    check(decoded.len(), count)?;
                    drop(decoded);
                    if i > 0 {
                        times.push(ms(elapsed));
                    }
                }
                Ok::<(), String>(())
            })?;
        }
        other => {
            return Err(format!(
                "unknown mode `{other}`: expected generated, reqwest or slice"
            ))
        }
    }
    let med = median(&times);
    emit("iterations", iters);
    emit("times_ms", list(&times));
    emit("median_ms", med);
    emit("mb_per_s", body_len as f64 / 1e6 / (med / 1e3));
    emit("hwm_kib", vm_hwm_kib());
    Ok(())
}

fn check(got: usize, want: usize) -> Result<(), String> {
    if got == want {
        Ok(())
    } else {
        Err(format!("decoded {got} samples, expected {want}"))
    }
}

async fn by_hand(http: &reqwest::Client, url: &str) -> Result<Vec<SampleData>, String> {
    bench::get_json_by_hand(http, url).await
}

/// The same allocator behaviour for every mode: freed memory stays in the process (no trim
/// threshold, no `mmap` threshold), so no iteration pays for page faults another mode does not.
fn keep_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only changes glibc's allocator parameters; called before any thread.
    unsafe {
        libc::mallopt(libc::M_TRIM_THRESHOLD, i32::MAX);
        libc::mallopt(libc::M_MMAP_THRESHOLD, i32::MAX);
    }
}
