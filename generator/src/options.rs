//! Options: what the caller says about the crate to make (its name, version, and how its
//! header names the source and the command). Plain data read by emission; below every stage.

/// What to call the crate and how to describe where it came from.
#[derive(Debug, Clone)]
pub struct Options {
    /// The package name in `Cargo.toml`.
    pub crate_name: String,
    /// The package version in `Cargo.toml`.
    pub crate_version: String,
    /// How the header names the source document (a relative path, never an absolute one).
    pub spec_label: String,
    /// How the header names the command that regenerates the crate.
    pub command: String,
    /// Adds an empty `[workspace]` so the crate builds on its own wherever it is written.
    pub standalone: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            crate_name: "api-client".to_string(),
            crate_version: "0.1.0".to_string(),
            spec_label: "openapi.yaml".to_string(),
            command: "cargo xtask generate".to_string(),
            standalone: false,
        }
    }
}
