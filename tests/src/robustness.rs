//! The robustness run: every document, however hostile, must end in a crate or a located
//! `error:` diagnostic, within [`TIME_LIMIT`] and [`MEMORY_LIMIT`]. Each case runs in a child
//! process (the `robustness` binary with `--child`), so a hang, an abort, a stack overflow
//! or an allocation past the limit is reported as a failure of that case, not only a panic.
//!
//! Cases are mutated documents (every fixture and the Lightly document, edited as a tree
//! and as text, from a seed each), arbitrary text, and hand-made hostile documents
//! (`tests/fixtures/hostile/`, `tests/fixtures/invalid/`, and the giant ones built by
//! [`generated_hostile`], among them hostile overlays with their documents, see
//! [`with_overlay`]). `tests/robustness.rs` runs a small fixed slice;
//! `cargo xtask robustness [--cases N]` runs the long one.

use openapi_rs_gen::{generate, Options};
use serde_json::Value;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Wall-clock budget of one case; the child is killed past it.
pub const TIME_LIMIT: Duration = Duration::from_secs(20);
/// Address-space limit of the child process.
pub const MEMORY_LIMIT: u64 = 3 << 30;
/// Stack of the thread that runs each case in the child, whatever `ulimit -s` says.
const CASE_STACK: usize = 8 << 20;
/// Documents that start with this line make the child misbehave on purpose, so the tests
/// can show that the run notices each kind of failure.
pub const SELFTEST: &str = "#robustness-selftest ";
/// Cases that start with this line carry an overlay: the line ends with the overlay's
/// length in bytes, then come the overlay's text and the document's (see [`with_overlay`]).
pub const OVERLAY: &str = "#robustness-overlay ";
/// How the robustness child labels a case's overlay in diagnostics.
pub const OVERLAY_LABEL: &str = "overlay.yaml";

/// One case text holding an overlay and the document it applies to.
pub fn with_overlay(overlay: &str, document: &str) -> String {
    format!("{OVERLAY}{}\n{overlay}{document}", overlay.len())
}

/// The document and the options of a case: an overlay case's parts, or the text as it is.
pub fn split_case(text: String) -> (String, Options) {
    let parts = text.strip_prefix(OVERLAY).and_then(|rest| {
        let (len, rest) = rest.split_once('\n')?;
        let len: usize = len.parse().ok()?;
        let overlay = rest.get(..len)?;
        Some((rest[len..].to_string(), overlay.to_string()))
    });
    match parts {
        Some((document, overlay)) => {
            let options = Options {
                overlay: Some(openapi_rs_gen::options::Overlay {
                    text: overlay,
                    label: OVERLAY_LABEL.to_string(),
                }),
                ..Options::default()
            };
            (document, options)
        }
        None => (text, Options::default()),
    }
}

/// One document to run.
#[derive(Debug, Clone)]
pub struct Case {
    /// What it is and how to rebuild it (kind, seed, source).
    pub label: String,
    /// The document text.
    pub text: String,
}

/// How one case ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The generator produced a crate.
    Crate,
    /// The generator refused the document; the first error line.
    Refused(String),
    /// The generator failed without an `error:` that names a place.
    Unlocated(String),
    /// A panic, with its message and place.
    Panic(String),
    /// The child died of a signal or exited unexpectedly.
    Abort(String),
    /// The child overflowed its stack.
    StackOverflow,
    /// The child ran out of the memory it is allowed.
    OverLimit(String),
    /// The child was still running at the time limit.
    Hang,
}

impl Outcome {
    /// Whether this ending breaks the promise (anything but a crate or a located error).
    pub fn is_failure(&self) -> bool {
        !matches!(self, Outcome::Crate | Outcome::Refused(_))
    }

    /// A one-word name for counting.
    pub fn kind(&self) -> &'static str {
        match self {
            Outcome::Crate => "crate",
            Outcome::Refused(_) => "refused",
            Outcome::Unlocated(_) => "unlocated",
            Outcome::Panic(_) => "panic",
            Outcome::Abort(_) => "abort",
            Outcome::StackOverflow => "stack overflow",
            Outcome::OverLimit(_) => "over limit",
            Outcome::Hang => "hang",
        }
    }
}

impl std::fmt::Display for Outcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Outcome::Crate | Outcome::StackOverflow => f.write_str(self.kind()),
            Outcome::Hang => f.write_str("hang (still running at the time limit)"),
            Outcome::Refused(m)
            | Outcome::Unlocated(m)
            | Outcome::Panic(m)
            | Outcome::Abort(m)
            | Outcome::OverLimit(m) => write!(f, "{}: {m}", self.kind()),
        }
    }
}

// ---- the child -------------------------------------------------------------------------

static PANIC_MESSAGE: Mutex<Option<String>> = Mutex::new(None);

/// The child: limits its own address space, then reads frames (`<length>\n<bytes>`) from
/// stdin until it closes and answers each with one line on stdout.
pub fn child_main() {
    limit_address_space(MEMORY_LIMIT);
    std::panic::set_hook(Box::new(|info| {
        let payload = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "(no message)".to_string());
        let place = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        if let Ok(mut slot) = PANIC_MESSAGE.lock() {
            slot.get_or_insert(format!("{payload}{place}"));
        }
    }));
    let mut input = BufReader::new(std::io::stdin().lock());
    let mut out = std::io::stdout().lock();
    let mut header = String::new();
    loop {
        header.clear();
        match input.read_line(&mut header) {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
        let Ok(len) = header.trim().parse::<usize>() else {
            return;
        };
        let mut bytes = vec![0; len];
        if input.read_exact(&mut bytes).is_err() {
            return;
        }
        let text = String::from_utf8_lossy(&bytes).into_owned();
        drop(bytes);
        let line = run_here(text);
        if writeln!(out, "{line}").and_then(|()| out.flush()).is_err() {
            return;
        }
    }
}

/// Runs one document on a thread of its own and says how it ended, as one line.
fn run_here(text: String) -> String {
    if let Some(what) = text.strip_prefix(SELFTEST) {
        selftest(what.trim());
    }
    if let Ok(mut slot) = PANIC_MESSAGE.lock() {
        *slot = None;
    }
    let worker = std::thread::Builder::new()
        .stack_size(CASE_STACK)
        .spawn(move || {
            let (text, options) = split_case(text);
            let located = |pointer: &str| {
                let in_overlay = pointer.strip_prefix(OVERLAY_LABEL);
                in_overlay.unwrap_or(pointer).starts_with('#')
            };
            match generate(&text, &options) {
                Ok(_) => "crate".to_string(),
                Err(d) => match d
                    .iter()
                    .find(|d| d.severity == openapi_rs_gen::Severity::Error)
                {
                    Some(e) if located(&e.pointer) => {
                        format!("refused\t{}", one_line(&e.to_string()))
                    }
                    _ => format!("unlocated\t{}", one_line(&d.to_string())),
                },
            }
        });
    let joined = match worker {
        Ok(handle) => handle.join(),
        Err(e) => return format!("panic\tcannot start the case thread: {e}"),
    };
    joined.unwrap_or_else(|_| {
        let message = PANIC_MESSAGE
            .lock()
            .ok()
            .and_then(|m| m.clone())
            .unwrap_or_default();
        format!("panic\t{}", one_line(&message))
    })
}

/// Misbehaves as asked: the run must notice each of these.
fn selftest(what: &str) {
    match what {
        "hang" => loop {
            std::thread::sleep(Duration::from_secs(1));
        },
        "abort" => std::process::abort(),
        "overflow" => {
            fn deeper(n: u64) -> u64 {
                let pad = std::hint::black_box([n; 64]);
                if n == u64::MAX {
                    return 0;
                }
                deeper(n + 1) + pad[(n % 64) as usize]
            }
            std::hint::black_box(deeper(0));
        }
        "memory" => {
            let mut hold = Vec::new();
            loop {
                // Zeroed memory is reserved, not touched: the address-space limit is hit
                // without using real memory.
                hold.push(std::hint::black_box(vec![0u8; 256 << 20]));
            }
        }
        _ => {}
    }
}

fn one_line(s: &str) -> String {
    let s = s.trim_end().replace(['\n', '\r', '\t'], " ");
    if s.len() > 400 {
        let mut end = 400;
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        format!("{}...", &s[..end])
    } else {
        s
    }
}

#[cfg(unix)]
fn limit_address_space(bytes: u64) {
    let limit = libc::rlimit {
        rlim_cur: bytes as libc::rlim_t,
        rlim_max: bytes as libc::rlim_t,
    };
    // SAFETY: setrlimit reads the struct we pass and changes only this process's limits.
    let rc = unsafe { libc::setrlimit(libc::RLIMIT_AS, &limit) };
    assert_eq!(
        rc,
        0,
        "cannot limit the address space: {}",
        std::io::Error::last_os_error()
    );
}

#[cfg(not(unix))]
fn limit_address_space(_bytes: u64) {
    panic!("the robustness run needs setrlimit (a Unix system)");
}

// ---- the parent ------------------------------------------------------------------------

struct ChildProcess {
    process: Child,
    stdin: ChildStdin,
    lines: Receiver<String>,
    stderr: Arc<Mutex<Vec<u8>>>,
    stderr_reader: Option<std::thread::JoinHandle<()>>,
}

/// Runs cases through a child process, starting a new one after each crash or hang.
pub struct Runner {
    exe: PathBuf,
    child: Option<ChildProcess>,
    /// How many child processes were started.
    pub started: usize,
    /// How long one case may run.
    pub time_limit: Duration,
}

impl Runner {
    /// A runner for the `robustness` binary at `exe`.
    pub fn new(exe: impl Into<PathBuf>) -> Self {
        Runner {
            exe: exe.into(),
            child: None,
            started: 0,
            time_limit: TIME_LIMIT,
        }
    }

    fn spawn(&mut self) -> Result<&mut ChildProcess, String> {
        if self.child.is_none() {
            let mut process = Command::new(&self.exe)
                .arg("--child")
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .map_err(|e| format!("cannot start {}: {e}", self.exe.display()))?;
            let stdin = process.stdin.take().ok_or("no stdin")?;
            let stdout = process.stdout.take().ok_or("no stdout")?;
            let mut stderr_pipe = process.stderr.take().ok_or("no stderr")?;
            let (tx, lines) = std::sync::mpsc::channel();
            std::thread::spawn(move || {
                for line in BufReader::new(stdout).lines() {
                    let Ok(line) = line else { return };
                    if tx.send(line).is_err() {
                        return;
                    }
                }
            });
            let stderr = Arc::new(Mutex::new(Vec::new()));
            let sink = Arc::clone(&stderr);
            let stderr_reader = std::thread::spawn(move || {
                let mut buf = [0u8; 4096];
                while let Ok(n) = stderr_pipe.read(&mut buf) {
                    if n == 0 {
                        return;
                    }
                    if let Ok(mut s) = sink.lock() {
                        s.extend_from_slice(&buf[..n]);
                    }
                }
            });
            self.started += 1;
            self.child = Some(ChildProcess {
                process,
                stdin,
                lines,
                stderr,
                stderr_reader: Some(stderr_reader),
            });
        }
        Ok(self.child.as_mut().expect("just started"))
    }

    /// Runs one document and says how it ended.
    pub fn run(&mut self, text: &str) -> Result<Outcome, String> {
        let limit = self.time_limit;
        let child = self.spawn()?;
        let frame = format!("{}\n", text.len());
        let sent = child
            .stdin
            .write_all(frame.as_bytes())
            .and_then(|()| child.stdin.write_all(text.as_bytes()))
            .and_then(|()| child.stdin.flush());
        let answer = match sent {
            Ok(()) => child.lines.recv_timeout(limit),
            // The child died while reading; its exit says why.
            Err(_) => Err(RecvTimeoutError::Disconnected),
        };
        match answer {
            Ok(line) => Ok(parse_answer(&line)),
            Err(RecvTimeoutError::Timeout) => {
                let mut child = self.child.take().expect("running");
                let _ = child.process.kill();
                let _ = child.process.wait();
                Ok(Outcome::Hang)
            }
            Err(RecvTimeoutError::Disconnected) => {
                let mut child = self.child.take().expect("running");
                let status = child
                    .process
                    .wait()
                    .map_err(|e| format!("cannot wait for the child: {e}"))?;
                if let Some(reader) = child.stderr_reader.take() {
                    let _ = reader.join();
                }
                let stderr = child
                    .stderr
                    .lock()
                    .map(|s| String::from_utf8_lossy(&s).into_owned())
                    .unwrap_or_default();
                Ok(classify_death(&status, &stderr))
            }
        }
    }
}

impl Drop for Runner {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            // Closing stdin ends the child's loop.
            drop(child.stdin);
            let deadline = Instant::now() + Duration::from_secs(5);
            while Instant::now() < deadline {
                if let Ok(Some(_)) = child.process.try_wait() {
                    return;
                }
                std::thread::sleep(Duration::from_millis(10));
            }
            let _ = child.process.kill();
            let _ = child.process.wait();
        }
    }
}

fn parse_answer(line: &str) -> Outcome {
    let (kind, rest) = line.split_once('\t').unwrap_or((line, ""));
    let rest = rest.to_string();
    match kind {
        "crate" => Outcome::Crate,
        "refused" => Outcome::Refused(rest),
        "unlocated" => Outcome::Unlocated(rest),
        "panic" => Outcome::Panic(rest),
        _ => Outcome::Abort(format!("the child answered `{}`", one_line(line))),
    }
}

fn classify_death(status: &std::process::ExitStatus, stderr: &str) -> Outcome {
    if stderr.contains("has overflowed its stack") {
        return Outcome::StackOverflow;
    }
    if let Some(at) = stderr.find("memory allocation of") {
        return Outcome::OverLimit(one_line(stderr[at..].lines().next().unwrap_or_default()));
    }
    let last = stderr.lines().rev().find(|l| !l.trim().is_empty());
    Outcome::Abort(format!(
        "{status}{}",
        last.map(|l| format!(" ({})", one_line(l)))
            .unwrap_or_default()
    ))
}

/// What a run found.
#[derive(Debug, Default)]
pub struct Report {
    /// Cases run.
    pub cases: usize,
    /// Cases per outcome kind.
    pub counts: std::collections::BTreeMap<&'static str, usize>,
    /// Cases per kind of case (tree mutation, text mutation, ...) and outcome kind.
    pub by_kind:
        std::collections::BTreeMap<String, std::collections::BTreeMap<&'static str, usize>>,
    /// Each failing case: its label, how it ended, and where its document was saved.
    pub failures: Vec<(String, Outcome, PathBuf)>,
    /// The slowest case and its time.
    pub slowest: Option<(String, Duration)>,
    /// Wall time of the whole run.
    pub wall: Duration,
    /// Child processes started.
    pub processes: usize,
}

impl std::fmt::Display for Report {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} cases in {:.1} s",
            self.cases,
            self.wall.as_secs_f64()
        )?;
        for kind in [
            "crate",
            "refused",
            "panic",
            "abort",
            "stack overflow",
            "hang",
            "over limit",
            "unlocated",
        ] {
            write!(
                f,
                ", {kind}: {}",
                self.counts.get(kind).copied().unwrap_or(0)
            )?;
        }
        writeln!(f, " ({} child processes)", self.processes)?;
        for (kind, counts) in &self.by_kind {
            let counts: Vec<String> = counts.iter().map(|(k, n)| format!("{k} {n}")).collect();
            writeln!(f, "  {kind}: {}", counts.join(", "))?;
        }
        if let Some((label, time)) = &self.slowest {
            writeln!(f, "slowest: {label} ({:.2} s)", time.as_secs_f64())?;
        }
        for (label, outcome, saved) in &self.failures {
            writeln!(
                f,
                "FAILED {label}: {outcome}\n  document saved as {}; rerun it with `cargo xtask robustness --one {}`",
                saved.display(),
                saved.display()
            )?;
        }
        Ok(())
    }
}

/// What kind of case a label names: the words before ` of `, ` (`, `:` or `/`.
fn case_kind(label: &str) -> String {
    let end = [" of ", " (", ":", "/"]
        .iter()
        .filter_map(|sep| label.find(sep))
        .min()
        .unwrap_or(label.len());
    label[..end].to_string()
}

/// Runs every case through children of `exe`, saving each failing document under
/// `target/robustness/`. `progress` is called after each case.
pub fn run_cases(
    exe: &Path,
    cases: &[Case],
    mut progress: impl FnMut(usize, &Case, &Outcome, Duration),
) -> Result<Report, String> {
    let start = Instant::now();
    let mut runner = Runner::new(exe);
    let mut report = Report::default();
    for (i, case) in cases.iter().enumerate() {
        let t = Instant::now();
        let outcome = runner.run(&case.text)?;
        let took = t.elapsed();
        if !matches!(&report.slowest, Some((_, d)) if took <= *d) {
            report.slowest = Some((case.label.clone(), took));
        }
        report.cases += 1;
        *report.counts.entry(outcome.kind()).or_default() += 1;
        let kind = case_kind(&case.label);
        *report
            .by_kind
            .entry(kind)
            .or_default()
            .entry(outcome.kind())
            .or_default() += 1;
        progress(i, case, &outcome, took);
        if outcome.is_failure() {
            let dir = crate::root().join("target/robustness");
            let _ = std::fs::create_dir_all(&dir);
            let name: String = case
                .label
                .chars()
                .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
                .collect();
            let saved = dir.join(format!("{}.txt", name.trim_matches('-')));
            std::fs::write(&saved, &case.text)
                .map_err(|e| format!("cannot save {}: {e}", saved.display()))?;
            report.failures.push((case.label.clone(), outcome, saved));
        }
    }
    report.processes = runner.started;
    report.wall = start.elapsed();
    Ok(report)
}

/// The long run's command line: `[--cases N] [--seed S]` or `--one FILE`.
pub fn run_from_args(args: &[String]) -> Result<(), String> {
    let usage = "usage: robustness [--cases N] [--seed S] | --one FILE";
    let exe = std::env::current_exe().map_err(|e| format!("cannot find myself: {e}"))?;
    let mut cases = 3000;
    let mut seed = 1;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut value = || it.next().ok_or(usage.to_string());
        match a.as_str() {
            "--cases" => cases = value()?.parse().map_err(|_| usage.to_string())?,
            "--seed" => seed = parse_seed(value()?).ok_or(usage.to_string())?,
            "--one" => {
                let file = value()?;
                let text = std::fs::read_to_string(file)
                    .map_err(|e| format!("cannot read {file}: {e}"))?;
                let outcome = Runner::new(&exe).run(&text)?;
                println!("{file}: {outcome}");
                return if outcome.is_failure() {
                    Err("the case fails".to_string())
                } else {
                    Ok(())
                };
            }
            _ => return Err(usage.to_string()),
        }
    }
    let mut all = hostile_cases(true);
    let hostile = all.len();
    all.extend(generated_cases(seed, cases));
    eprintln!(
        "robustness: {hostile} hand-made hostile cases and {cases} generated ones (seed {seed:#x}), each in a child process limited to {} s and {} GiB",
        TIME_LIMIT.as_secs(),
        MEMORY_LIMIT >> 30
    );
    let total = all.len();
    let report = run_cases(&exe, &all, |i, case, outcome, took| {
        if outcome.is_failure() {
            eprintln!("FAILED {}: {outcome}", case.label);
        }
        if took > Duration::from_secs(5) {
            eprintln!("slow ({:.1} s): {}", took.as_secs_f64(), case.label);
        }
        if (i + 1) % 500 == 0 {
            eprintln!("{} of {total} cases", i + 1);
        }
    })?;
    print!("{report}");
    if report.failures.is_empty() {
        Ok(())
    } else {
        Err(format!("{} cases failed", report.failures.len()))
    }
}

fn parse_seed(s: &str) -> Option<u64> {
    match s.strip_prefix("0x") {
        Some(hex) => u64::from_str_radix(hex, 16).ok(),
        None => s.parse().ok(),
    }
}

// ---- the cases -------------------------------------------------------------------------

/// xorshift64*: small, seeded, and the same on every machine.
pub struct Rng(u64);

impl Rng {
    /// A generator for `seed` (any value, zero included).
    pub fn new(seed: u64) -> Self {
        Rng(splitmix(seed) | 1)
    }
    /// The next number.
    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    /// A number below `n` (zero if `n` is zero).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }
}

fn splitmix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

const NASTY_STRINGS: &[&str] = &[
    "",
    "_",
    "self",
    "Self",
    "type",
    "r#type",
    "2d",
    "größe",
    "a/b",
    "{x}",
    "#/components/schemas/Missing",
    "#/components/schemas/",
    "#/components/schemas/Pet",
    "#/components/parameters/",
    "#/components/responses/x",
    "#",
    "#/",
    "#/paths/~1pets/get",
    "other.yaml#/x",
    "~1",
    "~",
    "%",
    "%zz",
    "%e2%82",
    "\u{0}",
    "😀",
    "\u{202e}rtl",
    "e\u{301}",
    "\u{200d}",
    "__proto__",
    "x-y-z",
    "$ref",
    "null",
    "Error",
    "Option",
    "*/",
    "/*",
    "```",
    "]]",
    "\\",
];

fn random_value(rng: &mut Rng, depth: usize) -> Value {
    match rng.below(if depth > 2 { 5 } else { 7 }) {
        0 => Value::Null,
        1 => Value::Bool(rng.below(2) == 0),
        2 => Value::from(rng.next_u64() as i64 >> rng.below(64)),
        3 => serde_json::Number::from_f64((rng.next_u64() as f64) / 7.0 - 1e18)
            .map(Value::Number)
            .unwrap_or(Value::Null),
        4 => Value::String(NASTY_STRINGS[rng.below(NASTY_STRINGS.len())].to_string()),
        5 => Value::Array(
            (0..rng.below(3))
                .map(|_| random_value(rng, depth + 1))
                .collect(),
        ),
        _ => {
            let keys = [
                "type",
                "$ref",
                "items",
                "properties",
                "enum",
                "allOf",
                "oneOf",
                "anyOf",
                "nullable",
                "required",
                "format",
                "pattern",
                "minimum",
                "discriminator",
                "additionalProperties",
                "in",
                "name",
                "schema",
                "content",
            ];
            let mut map = serde_json::Map::new();
            for _ in 0..rng.below(4) {
                map.insert(
                    keys[rng.below(keys.len())].to_string(),
                    random_value(rng, depth + 1),
                );
            }
            Value::Object(map)
        }
    }
}

fn descend<'v>(v: &'v mut Value, rng: &mut Rng, steps: usize) -> &'v mut Value {
    if steps == 0 {
        return v;
    }
    let len = match &*v {
        Value::Object(map) => map.len(),
        Value::Array(items) => items.len(),
        _ => 0,
    };
    if len == 0 {
        return v;
    }
    let i = rng.below(len);
    match v {
        Value::Object(map) => match map.iter_mut().nth(i) {
            Some((_, child)) => descend(child, rng, steps - 1),
            None => unreachable!("index below the length"),
        },
        Value::Array(items) => descend(&mut items[i], rng, steps - 1),
        other => other,
    }
}

/// Applies one random edit somewhere in the tree.
fn mutate(v: &mut Value, rng: &mut Rng) {
    let steps = rng.below(8);
    let cur = descend(v, rng, steps);
    match (rng.below(6), cur) {
        (0, Value::Object(map)) if !map.is_empty() => {
            let i = rng.below(map.len());
            if let Some(k) = map.keys().nth(i).cloned() {
                map.remove(&k);
            }
        }
        (1, Value::Object(map)) => {
            let k = NASTY_STRINGS[rng.below(NASTY_STRINGS.len())].to_string();
            map.insert(k, random_value(rng, 0));
        }
        (2, Value::Array(items)) if !items.is_empty() => {
            let i = rng.below(items.len());
            let dup = items[i].clone();
            items.push(dup);
        }
        (3, Value::Object(map)) if !map.is_empty() => {
            // Turn a member into a reference somewhere, often at itself or a sibling.
            let i = rng.below(map.len());
            if let Some(k) = map.keys().nth(i).cloned() {
                let target = NASTY_STRINGS[rng.below(13)].to_string();
                map.insert(k, serde_json::json!({ "$ref": target }));
            }
        }
        (_, other) => *other = random_value(rng, 0),
    }
}

/// Pointers (as token lists) to every place in the document that holds a schema.
fn schema_places(v: &Value, path: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
    let parent = path.last().cloned().unwrap_or_default();
    let grandparent = path
        .len()
        .checked_sub(2)
        .map(|i| path[i].clone())
        .unwrap_or_default();
    let is_schema = matches!(
        parent.as_str(),
        "schema" | "items" | "additionalProperties" | "not"
    ) || matches!(
        grandparent.as_str(),
        "schemas" | "properties" | "allOf" | "oneOf" | "anyOf"
    );
    if is_schema && v.is_object() {
        out.push(path.clone());
    }
    match v {
        Value::Object(map) => {
            for (k, child) in map {
                path.push(k.clone());
                schema_places(child, path, out);
                path.pop();
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                path.push(i.to_string());
                schema_places(child, path, out);
                path.pop();
            }
        }
        _ => {}
    }
}

/// A schema that is mostly valid: types, formats, constraints, composition and references
/// to the document's own component schemas (or to nothing, now and then).
fn random_schema(rng: &mut Rng, names: &[String], depth: usize) -> Value {
    use serde_json::json;
    let leaf = depth > 3;
    let pick = rng.below(if leaf { 6 } else { 12 });
    let mut s = match pick {
        0 => json!({"type": "string"}),
        1 => {
            let format = [
                "date-time",
                "date",
                "uuid",
                "binary",
                "byte",
                "email",
                "weird",
            ][rng.below(7)];
            json!({"type": "string", "format": format})
        }
        2 => {
            let ty = ["integer", "number"][rng.below(2)];
            let format = ["int32", "int64", "float", "double", "x"][rng.below(5)];
            json!({"type": ty, "format": format, "minimum": rng.below(10) as i64 - 5, "maximum": rng.below(1000)})
        }
        3 => json!({"type": "boolean"}),
        4 => {
            let values: Vec<Value> = (0..=rng.below(5))
                .map(|_| Value::String(NASTY_STRINGS[rng.below(NASTY_STRINGS.len())].to_string()))
                .collect();
            json!({"type": "string", "enum": values})
        }
        5 => match names.get(rng.below(names.len() + 1)) {
            Some(n) => {
                json!({"$ref": format!("#/components/schemas/{}", n.replace('~', "~0").replace('/', "~1"))})
            }
            None => json!({"$ref": NASTY_STRINGS[rng.below(13)]}),
        },
        6 | 7 => {
            let mut props = serde_json::Map::new();
            for _ in 0..rng.below(5) {
                props.insert(
                    NASTY_STRINGS[rng.below(NASTY_STRINGS.len())].to_string(),
                    random_schema(rng, names, depth + 1),
                );
            }
            let required: Vec<Value> = props
                .keys()
                .take(rng.below(3))
                .map(|k| Value::String(k.clone()))
                .collect();
            json!({"type": "object", "properties": props, "required": required})
        }
        8 => {
            json!({"type": "array", "items": random_schema(rng, names, depth + 1), "minItems": rng.below(3), "uniqueItems": rng.below(2) == 0})
        }
        9 => {
            json!({"type": "object", "additionalProperties": random_schema(rng, names, depth + 1)})
        }
        10 => {
            let key = ["allOf", "oneOf", "anyOf"][rng.below(3)];
            let members: Vec<Value> = (0..=rng.below(3))
                .map(|_| random_schema(rng, names, depth + 1))
                .collect();
            json!({ key: members })
        }
        _ => {
            let members: Vec<Value> = (0..=rng.below(3))
                .map(|_| random_schema(rng, names, depth + 1))
                .collect();
            json!({"oneOf": members, "discriminator": {"propertyName": NASTY_STRINGS[rng.below(NASTY_STRINGS.len())]}})
        }
    };
    if rng.below(4) == 0 {
        if let Value::Object(map) = &mut s {
            map.insert("nullable".into(), Value::Bool(true));
        }
    }
    s
}

/// Replaces a schema somewhere in the document with a random, mostly valid one.
fn mutate_schema(v: &mut Value, rng: &mut Rng) {
    let mut places = Vec::new();
    schema_places(v, &mut Vec::new(), &mut places);
    let names: Vec<String> = v
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default();
    let Some(place) = places.get(rng.below(places.len())) else {
        return;
    };
    let mut slot = &mut *v;
    for t in place {
        slot = match slot {
            Value::Object(map) => match map.get_mut(t) {
                Some(next) => next,
                None => return,
            },
            Value::Array(items) => match t.parse::<usize>().ok().and_then(|i| items.get_mut(i)) {
                Some(next) => next,
                None => return,
            },
            _ => return,
        };
    }
    *slot = random_schema(rng, &names, 0);
}

/// The documents mutations start from: every fixture and the Lightly document.
pub fn sources() -> Vec<(String, String)> {
    let root = crate::root();
    let mut paths: Vec<_> = std::fs::read_dir(root.join("tests/fixtures/ok"))
        .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    paths.sort();
    paths.push(root.join("spec/lightly.yaml"));
    paths
        .into_iter()
        .filter_map(|p| {
            let text = std::fs::read_to_string(&p).ok()?;
            let label = p.strip_prefix(&root).unwrap_or(&p).display().to_string();
            Some((label, text))
        })
        .collect()
}

/// `count` generated cases from `seed`: each is rebuilt from its own seed, which its label
/// names. Half are tree mutations, a quarter text mutations, a quarter arbitrary text.
pub fn generated_cases(seed: u64, count: usize) -> Vec<Case> {
    let sources = sources();
    let trees: Vec<Option<Value>> = sources
        .iter()
        .map(|(_, t)| serde_yaml::from_str(t).ok())
        .collect();
    (0..count as u64)
        .map(|i| {
            let case_seed = splitmix(seed ^ i.wrapping_mul(0x9e37_79b9_7f4a_7c15));
            generated_case(&sources, &trees, i, case_seed)
        })
        .collect()
}

fn generated_case(
    sources: &[(String, String)],
    trees: &[Option<Value>],
    i: u64,
    seed: u64,
) -> Case {
    let mut rng = Rng::new(seed);
    let which = rng.below(sources.len());
    let (name, text) = &sources[which];
    match i % 4 {
        0 | 1 => {
            let mut v = trees[which].clone().unwrap_or(Value::Null);
            // Most edits keep the document valid so later stages run; some break it.
            for _ in 0..=rng.below(4) {
                if rng.below(4) == 0 {
                    mutate(&mut v, &mut rng);
                } else {
                    mutate_schema(&mut v, &mut rng);
                }
            }
            let as_json = rng.below(2) == 0;
            let text = if as_json {
                serde_json::to_string(&v).unwrap_or_default()
            } else {
                serde_yaml::to_string(&v).unwrap_or_default()
            };
            Case {
                label: format!(
                    "tree mutation of {name} as {} (seed {seed:#x})",
                    if as_json { "JSON" } else { "YAML" }
                ),
                text,
            }
        }
        2 => Case {
            label: format!("text mutation of {name} (seed {seed:#x})"),
            text: mutate_text(text, &mut rng),
        },
        _ => {
            let alphabet: Vec<char> = "{}[]:,-'\"#&*!|>%@` \n\n\t  abc$ref0123.~/\\<<?"
                .chars()
                .collect();
            let len = rng.below(300);
            let body: String = (0..len)
                .map(|_| alphabet[rng.below(alphabet.len())])
                .collect();
            let text = if rng.below(2) == 0 {
                format!("openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\n{body}")
            } else {
                body
            };
            Case {
                label: format!("arbitrary text (seed {seed:#x})"),
                text,
            }
        }
    }
}

/// Edits YAML or JSON text in place: inserts anchors, aliases, merge keys, brackets and
/// odd characters, deletes or repeats stretches.
fn mutate_text(text: &str, rng: &mut Rng) -> String {
    const INSERTS: &[&str] = &[
        "&a ",
        "*a",
        "&b ",
        "*b",
        "<<: *a\n",
        "!!binary ",
        "!tag ",
        "? ",
        "- ",
        "{",
        "}",
        "[",
        "]",
        ":",
        "\n",
        "  ",
        "'",
        "\"",
        "#",
        "|\n",
        ">-\n",
        "~",
        "\u{0}",
        "\u{feff}",
        "😀",
        "\u{202e}",
        "$ref: '#/components/schemas/A'\n",
        "%",
        "1e400",
        "-.inf",
        ".nan",
    ];
    let mut s = text.to_string();
    for _ in 0..=rng.below(6) {
        let mut at = rng.below(s.len() + 1);
        while !s.is_char_boundary(at) {
            at -= 1;
        }
        match rng.below(4) {
            0 => {
                let mut end = (at + rng.below(200)).min(s.len());
                while !s.is_char_boundary(end) {
                    end -= 1;
                }
                s.replace_range(at..end, "");
            }
            1 => {
                let mut end = (at + rng.below(400)).min(s.len());
                while !s.is_char_boundary(end) {
                    end -= 1;
                }
                let piece = s[at..end].to_string();
                s.insert_str(end, &piece);
            }
            _ => s.insert_str(at, INSERTS[rng.below(INSERTS.len())]),
        }
    }
    s
}

/// Hand-made hostile documents: the files in `tests/fixtures/hostile/` and
/// `tests/fixtures/invalid/`, and the giant ones built by [`generated_hostile`].
pub fn hostile_cases(full: bool) -> Vec<Case> {
    let root = crate::root();
    let mut out = Vec::new();
    for dir in ["tests/fixtures/hostile", "tests/fixtures/invalid"] {
        let mut paths: Vec<_> = std::fs::read_dir(root.join(dir))
            .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
            .unwrap_or_default();
        paths.sort();
        for p in paths {
            if let Ok(text) = std::fs::read_to_string(&p) {
                out.push(Case {
                    label: format!(
                        "{dir}/{}",
                        p.file_name().unwrap_or_default().to_string_lossy()
                    ),
                    text,
                });
            }
        }
    }
    out.extend(generated_hostile(full));
    out
}

const HEAD: &str = "openapi: 3.0.3\ninfo: {title: hostile, version: '1'}\n";
const JSON_HEAD: &str = r#""openapi":"3.0.3","info":{"title":"hostile","version":"1"}"#;

fn json_doc(rest: &str) -> String {
    format!("{{{JSON_HEAD},{rest}}}")
}

fn schemas_doc(schemas: &serde_json::Map<String, Value>) -> String {
    json_doc(&format!(
        r#""paths":{{}},"components":{{"schemas":{}}}"#,
        Value::Object(schemas.clone())
    ))
}

/// Hostile documents too big to check in, built by code. Those that cross a limit are
/// always full size; the others are a fifth of it unless `full` (the test command runs a
/// debug build, several times slower).
pub fn generated_hostile(full: bool) -> Vec<Case> {
    let size = |n: usize| if full { n } else { n / 5 };
    let mut out: Vec<(String, String)> = Vec::new();
    // Billion laughs: ten levels, each ten aliases of the one below.
    let mut laughs = format!(
        "{HEAD}paths: {{}}\nx-l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
    );
    for i in 1..10 {
        laughs.push_str(&format!(
            "x-l{i}: &l{i} [{}]\n",
            vec![format!("*l{}", i - 1); 10].join(", ")
        ));
    }
    out.push(("billion laughs".into(), laughs));
    // Amplification through one big anchored body repeated by few aliases.
    let body: Vec<String> = (0..20_000).map(|i| i.to_string()).collect();
    out.push((
        "alias amplification of a big body".into(),
        format!(
            "{HEAD}paths: {{}}\nx-a: &a [{}]\nx-b: &b [{}]\nx-c: &c [{}]\n",
            body.join(","),
            vec!["*a"; 200].join(","),
            vec!["*b"; 200].join(",")
        ),
    ));
    // An anchor inside itself, and two anchors inside each other.
    out.push((
        "alias inside its own anchor".into(),
        format!("{HEAD}paths: &p\n  /x: *p\n"),
    ));
    // Nesting far past any sensible depth, in both syntaxes.
    out.push((
        "JSON nested 10000 deep".into(),
        json_doc(&format!(
            r#""paths":{{}},"x-deep":{}{}"#,
            "[".repeat(10_000),
            "]".repeat(10_000)
        )),
    ));
    out.push((
        "YAML flow nested 10000 deep".into(),
        format!(
            "{HEAD}paths: {{}}\nx-deep: {}{}\n",
            "[".repeat(10_000),
            "]".repeat(10_000)
        ),
    ));
    let mut block = format!("{HEAD}paths: {{}}\nx-deep:\n");
    for i in 0..3000 {
        block.push_str(&" ".repeat(i + 1));
        block.push_str("a:\n");
    }
    out.push(("YAML block nested 3000 deep".into(), block));
    // Schemas nested through properties: 10000 deep (past the parser's limit) and 100.
    for depth in [100, 10_000] {
        let mut s = r#"{"type":"string"}"#.to_string();
        for i in 0..depth {
            s = format!(r#"{{"type":"object","properties":{{"p{i}":{s}}}}}"#);
        }
        out.push((
            format!("schema nested {depth} deep through properties"),
            json_doc(&format!(
                r#""paths":{{}},"components":{{"schemas":{{"A":{s}}}}}"#
            )),
        ));
    }
    // Items and allOf nesting within the parser's limit.
    let mut s = r#"{"type":"integer"}"#.to_string();
    for _ in 0..60 {
        s = format!(r#"{{"type":"array","items":{{"allOf":[{s}]}}}}"#);
    }
    out.push((
        "schema nested 120 deep through items and allOf".into(),
        json_doc(&format!(
            r#""paths":{{}},"components":{{"schemas":{{"A":{s}}}}}"#
        )),
    ));
    // Arrays of arrays nearly as deep as the parser allows: one Rust type nested 115 deep.
    let mut s = r#"{"type":"integer"}"#.to_string();
    for _ in 0..115 {
        s = format!(r#"{{"type":"array","items":{s}}}"#);
    }
    out.push((
        "an array type nested 115 deep".into(),
        json_doc(&format!(
            r#""paths":{{"/x":{{"get":{{"responses":{{"200":{{"description":"ok","content":{{"application/json":{{"schema":{s}}}}}}}}}}}}}}}"#
        )),
    ));
    // Long chains of named schemas.
    let n = size(10_000);
    let chain = |make: &dyn Fn(usize) -> Value| -> serde_json::Map<String, Value> {
        let mut m: serde_json::Map<String, Value> =
            (0..n).map(|i| (format!("S{i}"), make(i))).collect();
        m.insert(format!("S{n}"), serde_json::json!({"type": "string"}));
        m
    };
    out.push((
        format!("{n} schemas that are each a reference to the next"),
        schemas_doc(&chain(
            &|i| serde_json::json!({"$ref": format!("#/components/schemas/S{}", i + 1)}),
        )),
    ));
    out.push((
        format!("{n} schemas each holding the next as a property"),
        schemas_doc(&chain(&|i| {
            serde_json::json!({"type": "object", "properties": {"next": {"$ref": format!("#/components/schemas/S{}", i + 1)}}})
        })),
    ));
    let k = size(2000);
    let m: serde_json::Map<String, Value> = (0..k)
        .map(|i| {
            let mut all = vec![serde_json::json!({"type": "object", "properties": {format!("p{i}"): {"type": "object", "properties": {"q": {"type": "string"}}}}})];
            if i + 1 < k {
                all.insert(0, serde_json::json!({"$ref": format!("#/components/schemas/S{}", i + 1)}));
            }
            (format!("S{i}"), serde_json::json!({"allOf": all}))
        })
        .collect();
    out.push((
        format!("{k} schemas each extending the next with allOf"),
        schemas_doc(&m),
    ));
    // A reference cycle 10000 long.
    let n = 10_000;
    let mut m: serde_json::Map<String, Value> = (0..n)
        .map(|i| {
            (
                format!("S{i}"),
                serde_json::json!({"$ref": format!("#/components/schemas/S{}", (i + 1) % n)}),
            )
        })
        .collect();
    m.insert("User".into(), serde_json::json!({"type": "object", "properties": {"s": {"$ref": "#/components/schemas/S0"}}}));
    out.push((
        "a reference cycle through 10000 schemas".into(),
        schemas_doc(&m),
    ));
    // Wide: one enum with 50000 values, a oneOf of 5000 schemas, an object with 20000
    // properties.
    let values: Vec<Value> = (0..size(50_000))
        .map(|i| Value::String(format!("v{i}")))
        .collect();
    let mut m = serde_json::Map::new();
    m.insert(
        "E".into(),
        serde_json::json!({"type": "string", "enum": values}),
    );
    let variants: Vec<Value> = (0..size(5000)).map(|i| serde_json::json!({"type": "object", "properties": {format!("k{i}"): {"type": "integer"}}})).collect();
    m.insert("U".into(), serde_json::json!({"oneOf": variants}));
    let props: serde_json::Map<String, Value> = (0..size(20_000))
        .map(|i| (format!("f{i}"), serde_json::json!({"type": "string"})))
        .collect();
    m.insert(
        "O".into(),
        serde_json::json!({"type": "object", "properties": props}),
    );
    out.push(("wide enum, oneOf and object".into(), schemas_doc(&m)));
    // Huge strings: a 30 MB description and a 1 MB property name.
    out.push((
        format!("a {} MB description", size(30)),
        json_doc(&format!(
            r#""paths":{{}},"components":{{"schemas":{{"A":{{"type":"string","description":"{}"}}}}}}"#,
            "lorem ipsum [x](y) `z` <b> ".repeat(size(30 << 20) >> 5)
        )),
    ));
    out.push((
        "a 1 MB property name".into(),
        json_doc(&format!(
            r#""paths":{{}},"components":{{"schemas":{{"A":{{"type":"object","properties":{{"{}":{{"type":"string"}}}}}}}}}}"#,
            "k".repeat(1 << 20)
        )),
    ));
    // A document past the size limit.
    out.push((
        "a document of 80 MB".into(),
        format!(
            "{HEAD}paths: {{}}\n{}",
            "# padding padding padding padding\n".repeat(80 << 20 >> 5)
        ),
    ));
    // Many operations, all with the same id, and many paths.
    let mut paths = serde_json::Map::new();
    for i in 0..size(5000) {
        paths.insert(
            format!("/p{i}/{{id}}"),
            serde_json::json!({"get": {"operationId": "same", "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}], "responses": {"200": {"description": "ok"}}}}),
        );
    }
    out.push((
        "many operations with the same id".into(),
        json_doc(&format!(r#""paths":{}"#, Value::Object(paths))),
    ));
    let mut paths = serde_json::Map::new();
    for i in 0..size(3000) {
        paths.insert(
            format!("/p{i}"),
            serde_json::json!({"get": {"operationId": format!("op{i}"), "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"type": "object", "properties": {"a": {"type": "string"}, "b": {"type": "array", "items": {"type": "integer"}}}}}}}}}}),
        );
    }
    let many_operations = json_doc(&format!(r#""paths":{}"#, Value::Object(paths)));
    out.push((
        "many operations with inline responses".into(),
        many_operations.clone(),
    ));
    out.extend(overlay_cases(&many_operations));
    out.into_iter()
        .map(|(name, text)| Case {
            label: format!("generated hostile: {name}"),
            text,
        })
        .collect()
}

/// Overlays built to make loading work hard, each with the document it applies to: targets
/// that visit every node for every node, select every node, are huge or nest deeply, and
/// overlays that are themselves hostile YAML.
fn overlay_cases(big: &str) -> Vec<(String, String)> {
    let head = "overlay: 1.0.0\ninfo: {title: hostile, version: '1'}\nactions:\n";
    let action = |target: &str, change: &str| {
        format!(
            "{head}- target: {}\n  {change}\n",
            Value::String(target.to_string())
        )
    };
    let small = format!("{HEAD}paths: {{}}\n");
    let mut out = vec![
        (
            "every node for every node".to_string(),
            with_overlay(&action("$..[?$..*]", "remove: true"), big),
        ),
        (
            "every container updated".to_string(),
            with_overlay(&action("$..[?@.*]", "update: {x-seen: true}"), big),
        ),
        (
            "every node removed".to_string(),
            with_overlay(&action("$..*", "remove: true"), big),
        ),
        (
            "a 1 MB target".to_string(),
            with_overlay(
                &action(&format!("$.{}", "a.".repeat(1 << 19)), "remove: true"),
                big,
            ),
        ),
        // As deep as the expression's length limit allows.
        (
            "filters nested 1300 deep".to_string(),
            with_overlay(
                &action(&format!("${}", "[?@".repeat(1300)), "remove: true"),
                &small,
            ),
        ),
        (
            "parentheses nested 2000 deep".to_string(),
            with_overlay(
                &action(
                    &format!("$[?{}@{}]", "(".repeat(2000), ")".repeat(2000)),
                    "remove: true",
                ),
                &small,
            ),
        ),
        (
            "an update nested 10000 deep".to_string(),
            with_overlay(
                &action(
                    "$",
                    &format!(
                        "update: {{x: {}{}}}",
                        "[".repeat(10_000),
                        "]".repeat(10_000)
                    ),
                ),
                &small,
            ),
        ),
    ];
    let mut laughs = format!("{head}- target: $\n  update:\n    x-l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for i in 1..10 {
        laughs.push_str(&format!(
            "    x-l{i}: &l{i} [{}]\n",
            vec![format!("*l{}", i - 1); 10].join(", ")
        ));
    }
    out.push((
        "billion laughs in the update".to_string(),
        with_overlay(&laughs, &small),
    ));
    let mut misses = head.to_string();
    for i in 0..10_000 {
        misses.push_str(&format!("- {{target: '$.x{i}', remove: true}}\n"));
    }
    out.push((
        "10000 targets that match nothing".to_string(),
        with_overlay(&misses, big),
    ));
    out.into_iter()
        .map(|(name, text)| (format!("overlay: {name}"), text))
        .collect()
}
