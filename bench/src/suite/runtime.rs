//! Runtime: per-request overhead against a loopback server (`bench-http`), decoding
//! throughput (`bench-decode`), the memory and speed of a 1 GiB streamed download
//! (`bench-stream`) and the cost of `pattern` checks (`bench-pattern`).

use super::report::{fmt_mb, fmt_ms, kib_to_mb, number, Report, Stat, Target};
use super::{num, nums, Bins, Runs};
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

pub(super) fn runtime(bins: &Bins, runs: &Runs, report: &mut Report) -> Value {
    let mut fields = Map::new();
    eprintln!(
        "  per-request overhead: {} batches of {} requests",
        runs.batches, runs.requests
    );
    let requests = runs.requests.to_string();
    let batches = runs.batches.to_string();
    let http = bins.run(
        "bench-http",
        &[
            "--requests",
            requests.as_str(),
            "--batches",
            batches.as_str(),
        ],
    );
    match http {
        Ok(kv) => {
            let gen = Stat::of(&nums(&kv, "generated_us"));
            let hand = Stat::of(&nums(&kv, "hand_us"));
            let ratio = gen.median / hand.median;
            report.row(
                "Runtime",
                "get_tag_by_tag_id, generated client (per request)",
                format!("{:.1} µs", gen.median),
                gen.spread_us(),
                None,
            );
            report.row(
                "Runtime",
                "same request by hand: reqwest + serde_json (per request)",
                format!("{:.1} µs", hand.median),
                hand.spread_us(),
                None,
            );
            report.row(
                "Runtime",
                "per-request overhead, generated / by hand",
                format!("{ratio:.3}×"),
                String::new(),
                Some(Target::at_most(ratio, 1.05, "≤ 1.05×")),
            );
            let hooked = Stat::of(&nums(&kv, "interceptor_us"));
            let hooked_ratio = hooked.median / hand.median;
            report.row(
                "Runtime",
                "per-request overhead with one interceptor, generated / by hand",
                format!("{hooked_ratio:.3}×"),
                hooked.spread_us(),
                Some(Target::at_most(hooked_ratio, 1.10, "≤ 1.10×")),
            );
            fields.insert(
                "per_request".to_string(),
                json!({
                    "requests_per_batch": runs.requests,
                    "generated_us": gen.to_json(),
                    "hand_us": hand.to_json(),
                    "interceptor_us": hooked.to_json(),
                    "ratio": number(ratio),
                    "ratio_interceptor": number(hooked_ratio),
                }),
            );
        }
        Err(e) => {
            let failed = report.failure("Runtime", "per-request overhead", &e);
            fields.insert("per_request".to_string(), failed);
        }
    }

    // One process per mode and round, the modes taking turns, so drift in the machine's load
    // reaches all three; the times of every round are pooled.
    let iters = runs.decode_iters.to_string();
    let modes = ["generated", "reqwest", "slice"];
    let mut decode: BTreeMap<&str, Decode> = BTreeMap::new();
    let mut failed: BTreeMap<&str, String> = BTreeMap::new();
    for round in 0..runs.decode_rounds {
        for mode in modes {
            if failed.contains_key(mode) {
                continue;
            }
            eprintln!(
                "  decode 100,000 SampleData: {mode} ({}/{})",
                round + 1,
                runs.decode_rounds
            );
            match bins.run("bench-decode", &[mode, "--iters", iters.as_str()]) {
                Ok(kv) => decode.entry(mode).or_default().add(&kv),
                Err(e) => {
                    report.failure("Runtime", &format!("decode ({mode})"), &e);
                    failed.insert(mode, e);
                }
            }
        }
    }
    let mut decode_json = Map::new();
    let labels = [
        ("generated", "get_samples_by_dataset_id over loopback"),
        ("reqwest", "reqwest + from_slice over loopback"),
        ("slice", "serde_json::from_slice, bytes in memory"),
    ];
    for (mode, how) in labels {
        if let Some(e) = failed.get(mode) {
            decode_json.insert(mode.to_string(), super::error_json(e));
            continue;
        }
        let Some(d) = decode.get(mode) else { continue };
        let label = format!(
            "decode 100k SampleData ({:.1} MB): {how}",
            d.body_bytes / 1e6
        );
        let times = Stat::of(&d.times_ms);
        let before = Stat::of(&d.before_mb).median;
        let peak = Stat::of(&d.peak_mb).median;
        report.row(
            "Runtime",
            &label,
            format!(
                "{:.0} MB/s ({}), peak RSS {} (+{} over the held body)",
                d.mb_per_s(),
                fmt_ms(times.median),
                fmt_mb(peak),
                fmt_mb(peak - before)
            ),
            times.spread_ms(),
            None,
        );
        decode_json.insert(mode.to_string(), d.to_json());
    }
    let mbs = |mode: &str| {
        decode
            .get(mode)
            .filter(|_| !failed.contains_key(mode))
            .map(Decode::mb_per_s)
    };
    let ratios = [
        (
            "slice",
            "decode throughput, generated / direct serde_json::from_slice",
            Some((0.9, "≥ 0.9×")),
        ),
        (
            "reqwest",
            "decode throughput, generated / reqwest + from_slice (same transport)",
            None,
        ),
    ];
    for (other, what, target) in ratios {
        if let (Some(gen), Some(base)) = (mbs("generated"), mbs(other)) {
            let ratio = gen / base;
            let target = target.map(|(limit, text)| Target::at_least(ratio, limit, text));
            report.row(
                "Runtime",
                what,
                format!("{ratio:.3}×"),
                String::new(),
                target,
            );
            decode_json.insert(format!("ratio_generated_over_{other}"), number(ratio));
        }
    }
    fields.insert("decode".to_string(), Value::Object(decode_json));
    fields.insert(
        "stream_download".to_string(),
        stream_download(bins, runs, report),
    );
    fields.insert("pattern".to_string(), pattern_checks(bins, report));
    Value::Object(fields)
}

/// `bench-pattern`: the cost of a `pattern` check on long adversarial values, per character,
/// and how it grows from 100,000 to 1,000,000 characters (1.0 is linear).
fn pattern_checks(bins: &Bins, report: &mut Report) -> Value {
    eprintln!("  pattern checks on 100,000-character adversarial values");
    let kv = match bins.run("bench-pattern", &[] as &[&str]) {
        Ok(kv) => kv,
        Err(e) => return report.failure("Runtime", "pattern checks", &e),
    };
    let mut json = Map::new();
    for (key, value) in &kv {
        let Some(case) = key.strip_suffix("_ns_per_char") else {
            continue;
        };
        let Ok(ns) = value.parse::<f64>() else {
            continue;
        };
        let growth = num(&kv, &format!("{case}_growth"));
        report.row(
            "Runtime",
            &format!("pattern check, 100,000-char adversarial value: {case}"),
            match growth {
                Some(g) => format!("{ns:.1} ns/char (×{g:.2} per char at 10× the length)"),
                None => format!("{ns:.1} ns/char"),
            },
            String::new(),
            None,
        );
        json.insert(
            case.to_string(),
            json!({ "ns_per_char": number(ns), "growth": growth.map_or(Value::Null, number) }),
        );
    }
    Value::Object(json)
}

/// The pooled `bench-decode` results of one mode.
#[derive(Default)]
struct Decode {
    body_bytes: f64,
    times_ms: Vec<f64>,
    before_mb: Vec<f64>,
    peak_mb: Vec<f64>,
}

impl Decode {
    /// A `bench-stream` run: one time per process.
    fn add_stream(&mut self, kv: &BTreeMap<String, String>) {
        self.body_bytes = num(kv, "body_bytes").unwrap_or(0.0);
        self.times_ms.extend(num(kv, "time_ms"));
        self.before_mb
            .extend(num(kv, "hwm_before_kib").map(kib_to_mb));
        self.peak_mb.extend(num(kv, "hwm_kib").map(kib_to_mb));
    }
    fn add(&mut self, kv: &BTreeMap<String, String>) {
        self.body_bytes = num(kv, "body_bytes").unwrap_or(0.0);
        self.times_ms.extend(nums(kv, "times_ms"));
        self.before_mb
            .extend(num(kv, "hwm_before_kib").map(kib_to_mb));
        self.peak_mb.extend(num(kv, "hwm_kib").map(kib_to_mb));
    }
    /// Megabytes (10^6 bytes) per second at the median time.
    fn mb_per_s(&self) -> f64 {
        self.body_bytes / 1e6 / (Stat::of(&self.times_ms).median / 1e3)
    }
    fn to_json(&self) -> Value {
        json!({
            "body_bytes": number(self.body_bytes),
            "time_ms": Stat::of(&self.times_ms).to_json(),
            "mb_per_s": number(self.mb_per_s()),
            "rss_before_mb": Stat::of(&self.before_mb).to_json(),
            "peak_rss_mb": Stat::of(&self.peak_mb).to_json(),
        })
    }
}

/// `bench-stream`: 1 GiB streamed from a loopback server and discarded, through the
/// runtime's `ByteStream` and through reqwest by hand, the modes taking turns; the peak
/// resident set above what the process held before the request, and the throughput.
fn stream_download(bins: &Bins, runs: &Runs, report: &mut Report) -> Value {
    let modes = [
        (
            "generated",
            "Client::execute_unread + runtime::ByteStream (send_stream's path)",
        ),
        ("reqwest", "reqwest by hand, Response::chunk"),
    ];
    let mut pooled: BTreeMap<&str, Decode> = BTreeMap::new();
    for round in 0..runs.stream_rounds {
        for (mode, _) in modes {
            eprintln!(
                "  stream a 1 GiB download: {mode} ({}/{})",
                round + 1,
                runs.stream_rounds
            );
            match bins.run("bench-stream", &[mode]) {
                Ok(kv) => pooled.entry(mode).or_default().add_stream(&kv),
                Err(e) => return report.failure("Runtime", "stream a 1 GiB download", &e),
            }
        }
    }
    let mut json = Map::new();
    for (mode, how) in modes {
        let Some(d) = pooled.get(mode) else { continue };
        let times = Stat::of(&d.times_ms);
        let growth = Stat::of(
            &d.peak_mb
                .iter()
                .zip(&d.before_mb)
                .map(|(peak, before)| peak - before)
                .collect::<Vec<_>>(),
        );
        report.row(
            "Runtime",
            &format!("stream a 1 GiB download, discarded: {how}"),
            format!(
                "{:.0} MB/s ({}), peak RSS +{:.1} MB over the {:.1} MB before the request",
                d.mb_per_s(),
                fmt_ms(times.median),
                growth.median,
                Stat::of(&d.before_mb).median
            ),
            times.spread_ms(),
            (mode == "generated")
                .then(|| Target::at_most(growth.median, 4.0 * 1.048_576, "≤ 4 MiB")),
        );
        let mut entry = d.to_json();
        if let Value::Object(fields) = &mut entry {
            fields.insert("peak_rss_growth_mb".to_string(), growth.to_json());
        }
        json.insert(mode.to_string(), entry);
    }
    Value::Object(json)
}
