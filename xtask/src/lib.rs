//! What the xtask binary and the tests share: where the workspace is (from `devtools`), and
//! the one way the checked-in Lightly client is generated, so `regenerate`, `--check` and the
//! freshness test cannot drift apart.

use openapi_rs_gen::{generate, Generated, Options, Output, WriteOptions};
use std::path::Path;

pub use devtools::root;

/// The options that produce `generated-client/`.
pub fn lightly_options() -> Options {
    Options {
        crate_name: "lightly-client".to_string(),
        spec_label: "spec/lightly.yaml".to_string(),
        command: "cargo xtask regenerate".to_string(),
        // The workspace's license: the client is this workspace's generated code.
        package: openapi_rs_gen::options::Package {
            license: Some("MIT OR Apache-2.0".to_string()),
            ..Default::default()
        },
        ..Options::default()
    }
}

/// Generates the Lightly client from `spec/lightly.yaml`.
pub fn generate_lightly() -> Result<Generated, String> {
    let spec = root().join("spec/lightly.yaml");
    let text = std::fs::read_to_string(&spec)
        .map_err(|e| format!("cannot read {}: {e}", spec.display()))?;
    generate(&text, &lightly_options()).map_err(|d| format!("spec/lightly.yaml has problems:\n{d}"))
}

/// Compares `generated-client/` with a fresh generation; `Err` says what is stale and which
/// command fixes it.
pub fn check_fresh() -> Result<(), String> {
    let generated = generate_lightly()?;
    let out = root().join("generated-client");
    let staleness = generated
        .output
        .compare(&out)
        .map_err(|e| format!("cannot read {}: {e}", out.display()))?;
    if staleness.is_fresh() {
        Ok(())
    } else {
        Err(format!("generated-client/ is out of date:\n{staleness}run `cargo xtask regenerate` and commit the result"))
    }
}

/// Writes `output` into `dir` by the generator's rules ([`Output::write`]: only its own
/// files are replaced or removed, a foreign folder is refused unless `force`), prints its
/// notes, and returns a one-line summary naming `label`.
pub fn write_output(
    output: &Output,
    dir: &Path,
    label: &str,
    force: bool,
) -> Result<String, String> {
    let report = output
        .write(dir, WriteOptions { force })
        .map_err(|e| e.to_string())?;
    for note in &report.notes {
        eprintln!("note: {note}");
    }
    let n = report.written.len();
    Ok(format!(
        "wrote {n} file{} to {label} ({} unchanged, {} removed)",
        if n == 1 { "" } else { "s" },
        report.unchanged.len(),
        report.removed.len()
    ))
}
