//! What the measurement binaries share: peak-memory readings, a loopback HTTP server with a
//! canned response, the canned Lightly payloads, and the `key=value` output the xtask reads.
//!
//! Each binary prints one `key=value` pair per line on stdout; `cargo xtask bench` runs them
//! in fresh processes (so `VmHWM`, the peak resident set, is per run) and collects the pairs.
//! Nothing here asserts on timings: these are measurements, not tests.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Peak resident set size of this process in KiB (`VmHWM` in `/proc/self/status`), or 0 where
/// that file does not exist.
pub fn vm_hwm_kib() -> u64 {
    status_field("VmHWM:")
}

fn status_field(name: &str) -> u64 {
    let Ok(status) = std::fs::read_to_string("/proc/self/status") else {
        return 0;
    };
    status
        .lines()
        .find_map(|line| line.strip_prefix(name))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

/// Prints one result line for the xtask.
pub fn emit(key: &str, value: impl std::fmt::Display) {
    println!("{key}={value}");
}

/// Milliseconds in a duration, as a float.
pub fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// The median of a non-empty list (the mean of the middle two for even lengths).
pub fn median(values: &[f64]) -> f64 {
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n == 0 {
        return f64::NAN;
    }
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

/// Formats a list of numbers as `a,b,c` for the xtask.
pub fn list(values: &[f64]) -> String {
    values
        .iter()
        .map(|v| format!("{v:.6}"))
        .collect::<Vec<_>>()
        .join(",")
}

/// Reads `--name VALUE` from the arguments, parsed, or the default.
pub fn flag<T: std::str::FromStr>(args: &[String], name: &str, default: T) -> T {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// A complete HTTP/1.1 200 response with a JSON body, kept alive. Takes the body by value and
/// prepends the head in place, so a large body is not held twice.
pub fn json_response(mut body: Vec<u8>) -> Vec<u8> {
    let head = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
        body.len()
    );
    body.reserve_exact(head.len());
    body.extend_from_slice(head.as_bytes());
    body.rotate_right(head.len());
    body
}

/// Starts a loopback HTTP/1.1 server on its own thread (with its own single-threaded
/// runtime) that answers every request on every keep-alive connection with `response`.
/// Request bodies are read by `content-length` and ignored; the request line is not looked at.
pub fn spawn_server(response: Arc<Vec<u8>>) -> std::io::Result<SocketAddr> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    listener.set_nonblocking(true)?;
    let addr = listener.local_addr()?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .build()?;
    std::thread::Builder::new()
        .name("loopback-server".to_string())
        .spawn(move || {
            runtime.block_on(async move {
                let listener = match tokio::net::TcpListener::from_std(listener) {
                    Ok(l) => l,
                    Err(e) => {
                        eprintln!("loopback server: {e}");
                        return;
                    }
                };
                while let Ok((socket, _)) = listener.accept().await {
                    let _ = socket.set_nodelay(true);
                    tokio::spawn(serve_connection(socket, response.clone()));
                }
            })
        })?;
    Ok(addr)
}

async fn serve_connection(mut socket: tokio::net::TcpStream, response: Arc<Vec<u8>>) {
    let mut buf: Vec<u8> = Vec::with_capacity(8192);
    let mut chunk = [0u8; 8192];
    loop {
        // Read until the end of the request head.
        let head_end = loop {
            if let Some(i) = find(&buf, b"\r\n\r\n") {
                break i + 4;
            }
            match socket.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        };
        let body_len = content_length(&buf[..head_end]);
        while buf.len() < head_end + body_len {
            match socket.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        }
        buf.drain(..head_end + body_len);
        if socket.write_all(&response).await.is_err() {
            return;
        }
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn content_length(head: &[u8]) -> usize {
    let head = String::from_utf8_lossy(head);
    head.lines()
        .filter_map(|line| line.split_once(':'))
        .find(|(name, _)| name.trim().eq_ignore_ascii_case("content-length"))
        .and_then(|(_, value)| value.trim().parse().ok())
        .unwrap_or(0)
}

/// The dataset id every request uses.
pub const DATASET_ID: &str = "50000000abcdef1234566789";
/// The tag id the latency benchmark asks for.
pub const TAG_ID: &str = "60000000abcdef1234566789";

/// A 24-hex-digit object id derived from `n`.
fn object_id(prefix: u32, n: u64) -> String {
    format!("{prefix:08x}{n:016x}")
}

/// The canned `TagData` for `GET /v1/datasets/{datasetId}/tags/{tagId}`.
pub fn tag_body() -> Vec<u8> {
    serde_json::to_vec(&serde_json::json!({
        "id": TAG_ID,
        "datasetId": DATASET_ID,
        "prevTagId": "60000000abcdef1234566788",
        "queryTagId": "60000000abcdef1234566787",
        "name": "initial-tag",
        "bitMaskData": "0xf3a5c0ffee",
        "totSize": 1234,
        "createdAt": 1_700_000_000_000_i64,
        "lastModifiedAt": 1_700_000_100_000_i64,
    }))
    .expect("a JSON value serializes")
}

/// The canned `Vec<SampleData>` with `count` samples: the required fields plus the common
/// optional ones (thumbnail, index, timestamps, a few metadata numbers and a custom field).
pub fn samples_body(count: usize) -> Vec<u8> {
    use std::fmt::Write as _;
    let mut s = String::with_capacity(count * 420 + 2);
    s.push('[');
    for i in 0..count {
        if i > 0 {
            s.push(',');
        }
        let n = i as u64;
        let _ = write!(
            s,
            concat!(
                r#"{{"id":"{id}","type":"IMAGE","datasetId":"{ds}","fileName":"images/batch_{b:03}/img_{i:07}.jpg","#,
                r#""thumbName":"thumbnails/batch_{b:03}/img_{i:07}_thumb.webp","index":{i},"#,
                r#""createdAt":{c},"lastModifiedAt":{m},"#,
                r#""metaData":{{"sharpness":{sh:.4},"sizeInBytes":{sz},"snr":{snr:.3},"#,
                r#""shape":[1080,1920,3],"mean":[0.485,0.456,0.406],"std":[0.229,0.224,0.225],"#,
                r#""custom":{{"weather":"{w}","camera":"cam-{cam}"}}}}}}"#,
            ),
            id = object_id(0x7000_0000, n),
            ds = DATASET_ID,
            b = i / 1000,
            i = i,
            c = 1_700_000_000_000_u64 + n * 17,
            m = 1_700_000_500_000_u64 + n * 13,
            sh = (n % 997) as f64 / 997.0 * 100.0,
            sz = 150_000 + (n * 7919) % 900_000,
            snr = (n % 113) as f64 / 7.0,
            w = ["sunny", "rain", "fog", "snow"][i % 4],
            cam = i % 8,
        );
    }
    s.push(']');
    s.into_bytes()
}

/// A single-threaded runtime for a client, so the only other busy thread in the process is
/// the loopback server's.
pub fn client_runtime() -> std::io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
}

/// The generated Lightly client pointed at `addr`.
pub fn lightly(addr: SocketAddr) -> Result<lightly_client::Client, String> {
    lightly_client::Client::builder()
        .base_url(format!("http://{addr}"))
        .api_key_auth("t")
        .build()
        .map_err(|e| format!("cannot build the Lightly client: {e}"))
}

/// The hand-written baseline: a GET with reqwest, the body read once and decoded with
/// `serde_json::from_slice`.
pub async fn get_json_by_hand<T: serde::de::DeserializeOwned>(
    http: &reqwest::Client,
    url: &str,
) -> Result<T, String> {
    let response = http
        .get(url)
        .header("accept", "application/json")
        .send()
        .await
        .map_err(|e| format!("hand-written request failed: {e}"))?;
    if !response.status().is_success() {
        return Err(format!(
            "hand-written request: status {}",
            response.status()
        ));
    }
    let bytes = response
        .bytes()
        .await
        .map_err(|e| format!("hand-written request: {e}"))?;
    serde_json::from_slice(&bytes).map_err(|e| format!("hand-written request: {e}"))
}
