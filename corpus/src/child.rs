//! The child side of the run: one generation in its own process, reported as one JSON object
//! on stdout, so that whatever the generator does (a panic, an abort, a stack overflow)
//! cannot take the run down.

use std::fs;
use std::path::Path;
use std::sync::Mutex;
use std::time::Instant;

/// The options of every corpus crate.
pub(crate) fn options(crate_name: &str, label: &str) -> openapi_rs_gen::Options {
    openapi_rs_gen::Options {
        crate_name: crate_name.to_string(),
        spec_label: label.to_string(),
        command: "cargo xtask corpus".to_string(),
        ..openapi_rs_gen::Options::default()
    }
}

static PANIC_MESSAGE: Mutex<Option<String>> = Mutex::new(None);

/// The child side: `--generate-one SPEC OUT CRATE LABEL`. Generates, writes the crate, and
/// prints one JSON object saying what happened.
pub fn generate_one(args: &[String]) -> Result<(), String> {
    let [spec, out, crate_name, label] = args else {
        return Err("usage: cargo xtask corpus --generate-one SPEC OUT CRATE LABEL".to_string());
    };
    let text = fs::read_to_string(spec).map_err(|e| format!("cannot read {spec}: {e}"))?;
    let options = options(crate_name, label);
    std::panic::set_hook(Box::new(|info| {
        let text = info.to_string();
        eprintln!("{text}");
        *PANIC_MESSAGE.lock().unwrap_or_else(|e| e.into_inner()) = Some(text);
    }));
    let begun = Instant::now();
    let result = std::panic::catch_unwind(|| openapi_rs_gen::generate(&text, &options));
    let seconds = begun.elapsed().as_secs_f64();
    let diags = |d: &openapi_rs_gen::Diagnostics| {
        serde_json::to_value(d).unwrap_or_else(|e| {
            serde_json::json!([{
                "severity": "error", "pointer": "#", "message": format!("unserializable: {e}")
            }])
        })
    };
    let report = match result {
        Ok(Ok(generated)) => {
            generated
                .output
                .write(Path::new(out), Default::default())
                .map_err(|e| format!("cannot write {out}: {e}"))?;
            serde_json::json!({
                "status": "generated",
                "seconds": seconds,
                "files": generated.output.files.len(),
                "warnings": diags(&generated.warnings),
            })
        }
        Ok(Err(diagnostics)) => serde_json::json!({
            "status": "errors",
            "seconds": seconds,
            "diagnostics": diags(&diagnostics),
        }),
        Err(payload) => {
            let message = PANIC_MESSAGE
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .take()
                .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "panic without a message".to_string());
            serde_json::json!({ "status": "panic", "seconds": seconds, "message": message })
        }
    };
    println!("{report}");
    Ok(())
}
