//! The robustness run's two halves in one program (see `lightly_codegen_tests::robustness`):
//!
//! - `robustness [--cases N] [--seed S]`: the long run; builds the cases, runs them in child
//!   processes under the time and memory limits, prints a summary, fails on any bad outcome.
//! - `robustness --child`: the child; reads framed documents from stdin and answers one
//!   outcome line each (used by the run and by `tests/robustness.rs`).
//! - `robustness --one FILE`: runs one saved document the same way and prints its outcome.

use lightly_codegen_tests::robustness;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("--child") => {
            robustness::child_main();
            ExitCode::SUCCESS
        }
        _ => match robustness::run_from_args(&args) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("{e}");
                ExitCode::FAILURE
            }
        },
    }
}
