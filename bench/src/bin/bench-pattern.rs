//! `bench-pattern [--len N] [--iters K]`: the time a `pattern` constraint check takes on a long
//! adversarial value, in nanoseconds per character, for lengths N and 10 × N (100,000 by
//! default), so that a cost growing faster than the length shows as a growing ratio.
//!
//! The cases are patterns of several counted classes that can all take the same run of
//! characters, followed by something the value does not end with: a backtracking matcher, or
//! one that tries every split, is quadratic or worse on them. Each case goes through
//! `lightly_client::runtime::Pattern`, the code that generated `check_string` calls use.
//!
//! Prints, per case, `<case>_ns_per_char=<median at N>` and `<case>_growth=<median per char at
//! 10 × N / median per char at N>` (1.0 means linear).

use bench::{emit, median};
use lightly_client::runtime::Pattern;
use std::hint::black_box;
use std::process::ExitCode;
use std::time::Instant;

/// (name, pattern, repeated text, trailing text, expected to match).
const CASES: &[(&str, &str, &str, &str, bool)] = &[
    ("three_runs", "^[a-z]+[a-z]+[a-z]+0$", "a", "", false),
    ("five_stars", "^a*a*a*a*a*b$", "a", "a", false),
    ("dots", "^.*a.*a.*a$", "ab", "a", true),
    (
        "tag_name",
        "^[a-zA-Z0-9][a-zA-Z0-9 .:;=@_-]+$",
        "a.b c:",
        "/",
        false,
    ),
];

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let len: usize = bench::flag(&args, "--len", 100_000);
    let iters: usize = bench::flag(&args, "--iters", 7);
    for &(name, source, unit, tail, expected) in CASES {
        let pattern = Pattern::new(source);
        if !matches!(pattern, Pattern::Simple(_)) {
            emit("error", format!("{source} does not use the simple matcher"));
            return ExitCode::FAILURE;
        }
        let mut per_char = Vec::new();
        for n in [len, len * 10] {
            let value = format!("{}{tail}", unit.repeat(n / unit.len()));
            let chars = value.chars().count() as f64;
            let mut times = Vec::new();
            // One untimed warm-up run, then `iters` timed ones.
            for i in 0..=iters {
                let start = Instant::now();
                let rejected = black_box(&pattern).rejects(black_box(&value));
                let elapsed = start.elapsed();
                if rejected == expected {
                    emit("error", format!("{source} gave the wrong answer"));
                    return ExitCode::FAILURE;
                }
                if i > 0 {
                    times.push(elapsed.as_secs_f64() * 1e9 / chars);
                }
            }
            per_char.push(median(&times));
        }
        emit(
            &format!("{name}_ns_per_char"),
            format!("{:.3}", per_char[0]),
        );
        emit(
            &format!("{name}_growth"),
            format!("{:.3}", per_char[1] / per_char[0]),
        );
    }
    ExitCode::SUCCESS
}
