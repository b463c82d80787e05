//! Statistics, the machine, and the report: the table next to the targets and the JSON
//! results.

use serde_json::{json, Map, Value};
use std::fmt::Write as _;
use std::fs;
use std::path::Path;
use std::process::Command;
use std::time::SystemTime;

/// A measurement as JSON: whole numbers without a fraction, non-finite ones as `null`.
pub(super) fn number(x: f64) -> Value {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        Value::from(x as i64)
    } else {
        Value::from(x)
    }
}

/// Median and range of a set of measurements.
#[derive(Clone, Copy)]
pub(super) struct Stat {
    pub(super) median: f64,
    pub(super) min: f64,
    pub(super) max: f64,
    pub(super) n: usize,
}

impl Stat {
    pub(super) fn of(values: &[f64]) -> Stat {
        let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
        v.sort_by(f64::total_cmp);
        let n = v.len();
        Stat {
            median: crate::median(&v),
            min: v.first().copied().unwrap_or(f64::NAN),
            max: v.last().copied().unwrap_or(f64::NAN),
            n,
        }
    }
    pub(super) fn spread(&self, unit: impl Fn(f64) -> String) -> String {
        if self.n <= 1 {
            format!("n={}", self.n)
        } else {
            format!("{}–{}, n={}", unit(self.min), unit(self.max), self.n)
        }
    }
    pub(super) fn spread_ms(&self) -> String {
        self.spread(fmt_ms)
    }
    pub(super) fn spread_s(&self) -> String {
        self.spread(|s| format!("{s:.2} s"))
    }
    pub(super) fn spread_us(&self) -> String {
        self.spread(|us| format!("{us:.1} µs"))
    }
    pub(super) fn to_json(self) -> Value {
        json!({
            "median": number(self.median),
            "min": number(self.min),
            "max": number(self.max),
            "n": self.n,
        })
    }
}

pub(super) fn fmt_ms(ms: f64) -> String {
    if ms >= 1000.0 {
        format!("{:.2} s", ms / 1000.0)
    } else {
        format!("{ms:.1} ms")
    }
}

/// Megabytes (10^6 bytes), the unit of the targets, from the KiB that `/proc` reports.
pub(super) fn kib_to_mb(kib: f64) -> f64 {
    kib * 1024.0 / 1e6
}

pub(super) fn fmt_mb(mb: f64) -> String {
    format!("{mb:.0} MB")
}

pub(super) struct Machine {
    pub(super) cpus: usize,
    pub(super) model: String,
    pub(super) mem_gib: f64,
    pub(super) rustc: String,
    pub(super) git: String,
    pub(super) load_start: String,
    pub(super) line: String,
}

impl Machine {
    pub(super) fn to_json(&self, load_end: &str) -> Value {
        json!({
            "cpus": self.cpus,
            "model": self.model,
            "memory_gib": number(self.mem_gib),
            "rustc": self.rustc,
            "loadavg_start": self.load_start,
            "loadavg_end": load_end,
        })
    }
}

pub(super) fn machine(root: &Path) -> Machine {
    let cpus = std::thread::available_parallelism()
        .map(usize::from)
        .unwrap_or(1);
    let cpuinfo = fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find_map(|l| l.strip_prefix("model name"))
        .and_then(|l| l.split_once(':'))
        .map(|(_, m)| m.split_whitespace().collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|| "unknown CPU".to_string());
    let meminfo = fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let mem_kib: f64 = meminfo
        .lines()
        .find_map(|l| l.strip_prefix("MemTotal:"))
        .and_then(|l| l.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0.0);
    let capture = |cmd: &mut Command| {
        cmd.output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
            .unwrap_or_default()
    };
    let rustc = capture(Command::new("rustc").arg("--version"));
    let mut git =
        capture(
            Command::new("git")
                .current_dir(root)
                .args(["rev-parse", "--short", "HEAD"]),
        );
    let dirty = capture(Command::new("git").current_dir(root).args([
        "status",
        "--porcelain",
        "--untracked-files=no",
    ]));
    if !dirty.is_empty() {
        git.push_str(" (with uncommitted changes)");
    }
    let load_start = loadavg();
    let mem_gib = mem_kib / 1024.0 / 1024.0;
    let line = format!(
        "machine: {cpus} CPUs ({model}), {mem_gib:.1} GiB RAM, {rustc}, load average at start {load_start}"
    );
    Machine {
        cpus,
        model,
        mem_gib,
        rustc,
        git,
        load_start,
        line,
    }
}

/// The 1, 5 and 15 minute load averages.
pub(super) fn loadavg() -> String {
    fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}

pub(super) fn unix_time() -> u64 {
    SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// Today's UTC date as YYYY-MM-DD (civil-from-days, proleptic Gregorian).
pub(super) fn today() -> String {
    let z = (unix_time() / 86_400) as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

/// Whether a measurement meets its target.
pub(super) struct Target {
    text: String,
    met: bool,
}

impl Target {
    pub(super) fn at_most(value: f64, limit: f64, text: &str) -> Target {
        Target {
            text: text.to_string(),
            met: value <= limit,
        }
    }
    pub(super) fn at_least(value: f64, limit: f64, text: &str) -> Target {
        Target {
            text: text.to_string(),
            met: value >= limit,
        }
    }
}

struct Row {
    section: &'static str,
    what: String,
    value: String,
    spread: String,
    target: Option<Target>,
}

#[derive(Default)]
pub(super) struct Report {
    rows: Vec<Row>,
    /// The sections of `results.json`, in the order measured.
    pub(super) json: Map<String, Value>,
}

impl Report {
    pub(super) fn row(
        &mut self,
        section: &'static str,
        what: &str,
        value: String,
        spread: String,
        target: Option<Target>,
    ) {
        self.rows.push(Row {
            section,
            what: what.to_string(),
            value,
            spread,
            target,
        });
    }

    /// Reports a failed measurement, and returns what its place in the results holds.
    pub(super) fn failure(&mut self, section: &'static str, what: &str, error: &str) -> Value {
        let first = error.lines().next().unwrap_or(error);
        eprintln!("{section}: {what}: {error}");
        self.row(
            section,
            what,
            format!("FAILED: {first}"),
            String::new(),
            None,
        );
        super::error_json(error)
    }

    pub(super) fn generation_rows(
        &mut self,
        label: &str,
        g: &super::generation::Generation,
        max_seconds: f64,
        max_mb: Option<f64>,
    ) {
        if let Some(e) = &g.error {
            self.failure("Generation", label, e);
            return;
        }
        let time = g.time_ms();
        let peak = g.peak_mb();
        let size = match (g.first("operations"), g.first("lines")) {
            (Some(ops), Some(lines)) => format!(" ({ops} operations, {lines} lines out)"),
            (None, Some(lines)) => format!(" ({lines} lines out)"),
            _ => String::new(),
        };
        let limit = if max_seconds < 1.0 {
            format!("< {:.0} ms", max_seconds * 1000.0)
        } else {
            format!("< {max_seconds:.0} s")
        };
        self.row(
            "Generation",
            &format!("{label}{size}: time"),
            fmt_ms(time.median),
            time.spread_ms(),
            Some(Target::at_most(time.median, max_seconds * 1000.0, &limit)),
        );
        self.row(
            "Generation",
            &format!("{label}: peak RSS"),
            fmt_mb(peak.median),
            peak.spread(fmt_mb),
            max_mb.map(|m| Target::at_most(peak.median, m, &format!("< {m:.0} MB"))),
        );
    }

    pub(super) fn table(&self, machine: &Machine, load_end: &str, quick: bool) -> String {
        let mut t = String::new();
        let _ = writeln!(
            t,
            "Measured {} on {} CPUs ({}), {:.1} GiB RAM; {}; commit {}; load average {} at start, {} at end{}.\n",
            today(),
            machine.cpus,
            machine.model,
            machine.mem_gib,
            machine.rustc,
            machine.git,
            machine.load_start,
            load_end,
            if quick { "; --quick (fewer runs)" } else { "" }
        );
        let _ = writeln!(t, "| | Benchmark | Median | Range | Target |");
        let _ = writeln!(t, "|---|---|---|---|---|");
        for r in &self.rows {
            let target = match &r.target {
                Some(tg) if tg.met => format!("{} ✅ met", tg.text),
                Some(tg) => format!("{} ❌ missed", tg.text),
                None => String::new(),
            };
            let _ = writeln!(
                t,
                "| {} | {} | {} | {} | {} |",
                r.section,
                r.what.replace('|', "\\|"),
                r.value.replace('|', "\\|"),
                r.spread,
                target
            );
        }
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_and_range() {
        let s = Stat::of(&[3.0, 1.0, 2.0, 10.0, f64::NAN]);
        assert_eq!((s.median, s.min, s.max, s.n), (2.5, 1.0, 10.0, 4));
        assert!(Stat::of(&[]).median.is_nan());
    }

    #[test]
    fn numbers_are_plain_and_non_finite_ones_null() {
        let v = json!({
            "a\"b": number(3.0),
            "c": number(0.25),
            "d": number(f64::NAN),
            "e": ["x\ny"],
        });
        assert_eq!(
            serde_json::to_string(&v).unwrap(),
            r#"{"a\"b":3,"c":0.25,"d":null,"e":["x\ny"]}"#
        );
    }
}
