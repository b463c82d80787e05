//! `cargo xtask robustness [--cases N] [--seed S] | --one FILE`: the long robustness run.
//! The cases and the child processes live in the tests crate (`lightly_codegen_tests::
//! robustness`, which depends on this crate); this builds its `robustness` binary in
//! release mode and runs it.

use std::process::Command;

pub fn run(args: &[String]) -> Result<(), String> {
    let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string()))
        .current_dir(xtask::root())
        .args([
            "run",
            "--quiet",
            "--release",
            "-p",
            "lightly-codegen-tests",
            "--bin",
            "robustness",
            "--",
        ])
        .args(args)
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err("the robustness run failed".to_string())
    }
}
