//! What the xtask binary and the tests share: where the workspace is, and the one way the
//! checked-in Lightly client is generated, so `regenerate`, `--check` and the freshness test
//! cannot drift apart.

use openapi_rs_gen::{generate, Generated, Options};
use std::path::{Path, PathBuf};

/// The workspace root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

/// The options that produce `generated-client/`.
pub fn lightly_options() -> Options {
    Options {
        crate_name: "lightly-client".to_string(),
        crate_version: "0.1.0".to_string(),
        spec_label: "spec/lightly.yaml".to_string(),
        command: "cargo xtask regenerate".to_string(),
        standalone: false,
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
