//! The benchmarks of `cargo xtask bench`: the measuring binaries (`src/bin/`), what they
//! share (peak-memory readings, the canned Lightly payloads, the `key=value` output), and
//! [`suite`], which builds and runs them and reports.
//!
//! Each binary prints one `key=value` pair per line on stdout; [`suite`] runs them in fresh
//! processes (so `VmHWM`, the peak resident set, is per run) and collects the pairs. Nothing
//! here asserts on timings: these are measurements, not tests.
//!
//! The `measure` feature (on by default) adds what only the binaries need: the loopback
//! server and the clients, with tokio, reqwest and the generated Lightly client. The xtask
//! turns it off, so it builds without them.

#[cfg(feature = "measure")]
mod loopback;
pub mod suite;

#[cfg(feature = "measure")]
pub use loopback::{
    client_runtime, get_json_by_hand, lightly, spawn_download_server, spawn_server,
};
use std::time::Duration;

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

/// How a binary ends: success, or its error on stderr and as `error=` for the suite.
pub fn finish(result: Result<(), String>) -> std::process::ExitCode {
    if let Err(e) = &result {
        emit("error", e.replace('\n', " | "));
    }
    devtools::exit(result)
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
