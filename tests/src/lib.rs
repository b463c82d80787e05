//! Support shared by the test files: where the workspace and the installed test tools are,
//! and scratch workspaces of generated fixture crates that cargo builds on their own.

use openapi_rs_gen::options::{Layout, Modules};
use openapi_rs_gen::{generate, Options};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

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

/// The options a fixture is generated with: the crate `fixture-<fixture with dashes>`,
/// labelled with the fixture's path; the layout fixtures are named for their layout.
pub fn fixture_options(fixture: &str) -> Options {
    let layout = match fixture {
        "flat_layout" => Layout {
            modules: Modules::Flat,
            ..Layout::default()
        },
        _ => Layout::default(),
    };
    Options {
        crate_name: format!("fixture-{}", fixture.replace('_', "-")),
        spec_label: format!("tests/fixtures/ok/{fixture}.yaml"),
        layout,
        ..Options::default()
    }
}

/// Generates `tests/fixtures/ok/<fixture>.yaml` into `dir` with [`fixture_options`],
/// panicking with the diagnostics if it does not generate.
pub fn write_fixture_crate(fixture: &str, dir: &Path, standalone: bool) {
    write_fixture_crate_with(fixture, dir, standalone, |_| {});
}

/// [`write_fixture_crate`] with options changed by `tweak` first (a fixture generated with
/// other type choices, say).
pub fn write_fixture_crate_with(
    fixture: &str,
    dir: &Path,
    standalone: bool,
    tweak: impl FnOnce(&mut Options),
) {
    let text = std::fs::read_to_string(root().join(format!("tests/fixtures/ok/{fixture}.yaml")))
        .unwrap_or_else(|e| panic!("{fixture}: {e}"));
    let mut options = Options {
        standalone,
        ..fixture_options(fixture)
    };
    tweak(&mut options);
    let generated = generate(&text, &options).unwrap_or_else(|d| panic!("{fixture}: {d}"));
    generated
        .output
        .write(dir, Default::default())
        .unwrap_or_else(|e| panic!("{fixture}: {e}"));
}

/// An empty scratch folder under `target/` (cleared first: the tests own these folders).
pub fn scratch_dir(name: &str) -> PathBuf {
    let dir = root().join("target").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    dir
}

/// Makes `dir` a workspace of `members` (folders in it), with this workspace's lock file so
/// the same dependency versions are used offline.
pub fn write_workspace(dir: &Path, members: &[String]) {
    let list: Vec<String> = members.iter().map(|m| format!("{m:?}")).collect();
    std::fs::write(
        dir.join("Cargo.toml"),
        format!(
            "[workspace]\nresolver = \"2\"\nmembers = [{}]\n",
            list.join(", ")
        ),
    )
    .unwrap();
    copy_lock_file(dir);
}

/// Copies this workspace's lock file into `dir`.
pub fn copy_lock_file(dir: &Path) {
    std::fs::copy(root().join("Cargo.lock"), dir.join("Cargo.lock")).unwrap();
}

/// Runs `cargo --offline ARGS` in `dir` with the target folder every scratch crate shares
/// (`target/fixture-check`), so dependencies are built once, and without the caller's
/// `RUSTFLAGS`/`RUSTDOCFLAGS`.
pub fn scratch_cargo(dir: &Path, args: &[&str]) -> Output {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    Command::new(cargo)
        .current_dir(dir)
        .arg("--offline")
        .args(args)
        .env("CARGO_TARGET_DIR", root().join("target/fixture-check"))
        .env_remove("RUSTFLAGS")
        .env_remove("RUSTDOCFLAGS")
        .output()
        .expect("cargo runs")
}

/// The README's Rust examples, compiled as doctests so they cannot rot.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;
