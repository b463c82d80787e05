//! `bench-gen SPEC`: one generation in a fresh process. Reads the document (not timed), times
//! `openapi_rs_gen::generate` (loading, parsing, lowering, emitting and rendering), and prints
//! the elapsed time, the peak resident set (`VmHWM`) and the size of the output. Then, outside
//! the measurement, counts the document's operations.
//!
//! `bench-gen SPEC OUT_DIR CRATE`: the same, then writes the crate (named CRATE) into
//! `OUT_DIR`, which must be empty or missing or hold an earlier crate of the generator.

use bench::{emit, ms, vm_hwm_kib};
use openapi_rs_gen::{generate, Options};
use std::process::ExitCode;
use std::time::Instant;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (spec, write_to) = match args.as_slice() {
        [spec] => (spec, None),
        [spec, out_dir, crate_name] => (spec, Some((out_dir, crate_name))),
        _ => {
            eprintln!("usage: bench-gen SPEC [OUT_DIR CRATE]");
            return ExitCode::FAILURE;
        }
    };
    let start = Instant::now();
    let text = match std::fs::read_to_string(spec) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("cannot read {spec}: {e}");
            return ExitCode::FAILURE;
        }
    };
    emit("read_ms", ms(start.elapsed()));
    emit("input_bytes", text.len());
    emit("hwm_before_kib", vm_hwm_kib());
    let options = Options {
        crate_name: write_to
            .map_or("bench-client", |(_, name)| name.as_str())
            .to_string(),
        spec_label: "bench.json".to_string(),
        standalone: true,
        ..Options::default()
    };
    let start = Instant::now();
    let result = generate(&text, &options);
    let elapsed = start.elapsed();
    emit("generate_ms", ms(elapsed));
    emit("hwm_kib", vm_hwm_kib());
    match result {
        Ok(generated) => {
            let files = &generated.output.files;
            emit("files", files.len());
            emit(
                "lines",
                files.values().map(|t| t.lines().count()).sum::<usize>(),
            );
            emit("warnings", generated.warnings.0.len());
            // After the measurement: the document's size in operations, for the report.
            if let Ok(doc) = devtools::read_tree(&text) {
                emit("operations", devtools::count_operations(&doc));
            }
            if let Some((out_dir, _)) = write_to {
                if let Err(e) = generated
                    .output
                    .write(std::path::Path::new(out_dir), Default::default())
                {
                    emit("error", format!("cannot write {out_dir}: {e}"));
                    return ExitCode::FAILURE;
                }
            }
            ExitCode::SUCCESS
        }
        Err(diagnostics) => {
            let text = diagnostics.to_string();
            let first: Vec<&str> = text.lines().take(5).collect();
            emit("error", first.join(" | "));
            ExitCode::FAILURE
        }
    }
}
