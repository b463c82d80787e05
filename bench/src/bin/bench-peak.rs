//! `bench-peak PROGRAM [ARGS...]`: runs one command (its stdout discarded, its stderr kept for
//! a failure's message), waits for it, and prints its wall time (`wall_ms`) and the peak
//! resident set of the largest process among it and its descendants (`maxrss_kib`, from
//! `getrusage(RUSAGE_CHILDREN)`: cargo waits for each rustc it starts, so the compiler's
//! peak is included). A fresh `bench-peak` per run keeps each peak to that run.

use bench::{emit, ms};
use std::process::{Command, ExitCode, Stdio};
use std::time::Instant;

fn main() -> ExitCode {
    bench::finish(run())
}

fn run() -> Result<(), String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [program, rest @ ..] = args.as_slice() else {
        return Err("usage: bench-peak PROGRAM [ARGS...]".to_string());
    };
    let start = Instant::now();
    let out = Command::new(program)
        .args(rest)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output()
        .map_err(|e| format!("cannot run {program}: {e}"))?;
    emit("wall_ms", ms(start.elapsed()));
    emit("maxrss_kib", children_maxrss_kib());
    if out.status.success() {
        Ok(())
    } else {
        let stderr = String::from_utf8_lossy(&out.stderr);
        Err(format!(
            "{program} failed with {}:\n{}",
            out.status,
            devtools::last_lines(&stderr, 20).join("\n")
        ))
    }
}

/// `ru_maxrss` of the waited-for descendants, in KiB (Linux's unit), or 0 if unavailable.
fn children_maxrss_kib() -> i64 {
    // SAFETY: `getrusage` only writes into the zeroed struct it is given.
    unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        if libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage) == 0 {
            usage.ru_maxrss
        } else {
            0
        }
    }
}
