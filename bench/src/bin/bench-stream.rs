//! `bench-stream MODE [--mib N]`: a streamed download of N MiB (1,024 by default, 1 GiB) from
//! a loopback server, read chunk by chunk and discarded, one mode per process so the peak
//! resident set is clean.
//!
//! Modes, on the same server:
//! - `generated`: the generated runtime's streaming path, through the Lightly client's public
//!   API: `Client::execute_unread` (credentials, retries, timeouts) then
//!   `runtime::ByteStream`, what every generated `send_stream()` does (Lightly has no binary
//!   operation, and the runtime is the same file in every generated crate);
//! - `reqwest`: the same request by hand, `reqwest::Response::chunk` in a loop.
//!
//! Prints the bytes read, the chunk count, the time, MB/s (10^6 bytes per second), and the
//! peak resident set (`VmHWM`) before the request (server, runtime and client ready) and after.

use bench::{emit, ms, vm_hwm_kib};
use lightly_client::reqwest;
use lightly_client::runtime::{ByteStream, Request};
use std::process::ExitCode;
use std::time::{Duration, Instant};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mode = args.first().cloned().unwrap_or_default();
    let mib: u64 = bench::flag(&args, "--mib", 1024);
    bench::finish(run(&mode, mib * 1024 * 1024))
}

fn run(mode: &str, len: u64) -> Result<(), String> {
    if !matches!(mode, "generated" | "reqwest") {
        return Err(format!(
            "unknown mode `{mode}`: expected generated or reqwest"
        ));
    }
    let addr = bench::spawn_download_server(len)
        .map_err(|e| format!("cannot start the loopback server: {e}"))?;
    let runtime = bench::client_runtime().map_err(|e| e.to_string())?;
    // The default 60 s timeout covers the whole body; a slow machine may need more.
    let client = lightly_client::Client::builder()
        .base_url(format!("http://{addr}"))
        .timeout(Duration::from_secs(600))
        .build()
        .map_err(|e| format!("cannot build the Lightly client: {e}"))?;
    let http = reqwest::Client::new();
    let url = format!("http://{addr}/download");
    emit("body_bytes", len);
    emit("hwm_before_kib", vm_hwm_kib());
    let (read, chunks, elapsed) = runtime.block_on(async {
        let start = Instant::now();
        let (mut read, mut chunks) = (0u64, 0u64);
        if mode == "generated" {
            let request = Request::new(reqwest::Method::GET, "/download".to_string());
            let response = client
                .execute_unread(request)
                .await
                .map_err(|e| format!("request failed: {e}"))?;
            let mut stream = ByteStream::<()>::new(response);
            while let Some(chunk) = stream
                .next_chunk()
                .await
                .map_err(|e| format!("download failed: {e}"))?
            {
                read += chunk.len() as u64;
                chunks += 1;
            }
        } else {
            let mut response = http
                .get(&url)
                .send()
                .await
                .map_err(|e| format!("request failed: {e}"))?;
            while let Some(chunk) = response
                .chunk()
                .await
                .map_err(|e| format!("download failed: {e}"))?
            {
                read += chunk.len() as u64;
                chunks += 1;
            }
        }
        Ok::<_, String>((read, chunks, start.elapsed()))
    })?;
    if read != len {
        return Err(format!("read {read} bytes, expected {len}"));
    }
    emit("chunks", chunks);
    emit("time_ms", ms(elapsed));
    emit("mb_per_s", len as f64 / 1e6 / elapsed.as_secs_f64());
    emit("hwm_kib", vm_hwm_kib());
    Ok(())
}
