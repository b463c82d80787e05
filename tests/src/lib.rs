//! Support shared by the test files: where the workspace and the installed test tools are.

use std::path::PathBuf;

pub mod robustness;

/// The workspace root.
pub fn root() -> PathBuf {
    xtask::root()
}

/// Where `cargo xtask test` installs outside tools (a Python venv, Node packages).
pub fn tools_dir() -> PathBuf {
    std::env::var_os("OPENAPI_RS_GEN_TOOLS")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("target/tools"))
}

/// The path of an installed tool, or a panic that says how to install it: tests that need
/// an outside tool fail loudly rather than skip.
pub fn tool(relative: &str) -> PathBuf {
    let path = tools_dir().join(relative);
    assert!(
        path.exists(),
        "test tool {} is not installed; run the tests with `cargo xtask test`, which installs it",
        path.display()
    );
    path
}

/// The README's Rust examples, compiled as doctests so they cannot rot.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;
