//! What the xtask binary and the tests share: where the workspace is (from `devtools`), and
//! the one way the checked-in Lightly client is generated, so `regenerate`, `--check` and the
//! freshness test cannot drift apart.

use openapi_rs_gen::{Generated, Generator, Output, WriteOptions};
use std::path::Path;

pub use devtools::root;

/// The generator that produces `generated-client/`: `spec/openapi-rs-gen.toml`, the same
/// kind of config file a user writes.
pub fn lightly_generator() -> Result<Generator, String> {
    Generator::from_config_file(&root().join("spec/openapi-rs-gen.toml"))
        .map(|g| {
            g.spec_label("spec/lightly.yaml")
                .command("cargo xtask regenerate")
        })
        .map_err(|e| e.to_string())
}

/// Generates the Lightly client from `spec/lightly.yaml` with its config.
pub fn generate_lightly() -> Result<Generated, String> {
    lightly_generator()?
        .generate()
        .map_err(|e| format!("spec/lightly.yaml has problems:\n{e}"))
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
