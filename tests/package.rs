//! Generated crates are publishable: `cargo package` (offline, with its verify build of the
//! packaged sources) accepts the Lightly client and a fixture crate with a license file
//! without a single warning, so missing metadata fails the test; and the README's usage
//! example compiles as a doctest for fixtures whose first operation takes path parameters,
//! a body, enums or credentials.

use lightly_codegen_tests::{
    copy_lock_file, root, scratch_cargo, scratch_dir, write_fixture_crate,
    write_fixture_crate_with, write_workspace,
};
use openapi_rs_gen::options::LicenseFile;
use std::path::Path;
use std::process::Output;

fn text(o: &Output) -> String {
    format!(
        "stdout:\n{}\nstderr:\n{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// Runs `cargo package` in `dir` (a standalone crate with this workspace's lock file) and
/// returns the files packaged; panics if packaging or its verify build fails or warns.
fn package(dir: &Path) -> Vec<String> {
    let output = scratch_cargo(dir, &["package", "--allow-dirty"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "cargo package failed:\n{}",
        text(&output)
    );
    assert!(
        stderr.contains("Verifying") && !stderr.contains("warning"),
        "cargo package must verify the crate and warn about nothing:\n{}",
        text(&output)
    );
    let list = scratch_cargo(dir, &["package", "--allow-dirty", "--list"]);
    assert!(list.status.success(), "{}", text(&list));
    String::from_utf8_lossy(&list.stdout)
        .lines()
        .map(str::to_string)
        .collect()
}

/// Runs the doctests of `dir` (a crate or a workspace) and returns how many suites passed
/// exactly one test.
fn doctests(dir: &Path) -> usize {
    let output = scratch_cargo(dir, &["test", "--doc", "--workspace"]);
    assert!(
        output.status.success(),
        "a README example does not compile:\n{}",
        text(&output)
    );
    String::from_utf8_lossy(&output.stdout)
        .matches("test result: ok. 1 passed; 0 failed")
        .count()
}

#[test]
fn the_lightly_client_packages_and_its_readme_example_compiles() {
    let dir = scratch_dir("package-lightly");
    let spec = std::fs::read_to_string(root().join("spec/lightly.yaml")).unwrap();
    // The checked-in config (spec/openapi-rs-gen.toml), written standalone.
    let mut options = xtask::lightly_generator().unwrap().options().unwrap();
    options.standalone = true;
    let generated = openapi_rs_gen::generate(&spec, &options).unwrap();
    generated.output.write(&dir, Default::default()).unwrap();
    copy_lock_file(&dir);
    let files = package(&dir);
    for f in [
        "Cargo.toml",
        "README.md",
        "src/lib.rs",
        "src/runtime/mod.rs",
    ] {
        assert!(files.iter().any(|l| l == f), "{f} not packaged: {files:?}");
    }
    assert!(
        !files.iter().any(|f| f.contains("openapi-rs-gen-manifest")),
        "{files:?}"
    );
    assert_eq!(doctests(&dir), 1);
}

#[test]
fn a_crate_with_a_license_file_packages_it() {
    let dir = scratch_dir("package-license-file");
    write_fixture_crate_with("deprecated", &dir, true, |options| {
        options.package.license_file = Some(LicenseFile {
            name: "LICENSE-TERMS".to_string(),
            text: "These are the terms.\n".to_string(),
        });
    });
    copy_lock_file(&dir);
    let toml = std::fs::read_to_string(dir.join("Cargo.toml")).unwrap();
    assert!(
        toml.contains("\nlicense-file = \"LICENSE-TERMS\"\n") && !toml.contains("\nlicense ="),
        "{toml}"
    );
    let files = package(&dir);
    assert!(files.iter().any(|f| f == "LICENSE-TERMS"), "{files:?}");
    let packaged = root().join("target/fixture-check/package/fixture-deprecated-0.1.0");
    assert_eq!(
        std::fs::read_to_string(packaged.join("LICENSE-TERMS")).unwrap(),
        "These are the terms.\n"
    );
    // The first operation puts a path parameter (a checked newtype) and a struct body.
    let readme = std::fs::read_to_string(dir.join("README.md")).unwrap();
    assert!(
        readme.contains(".put_legacy(") && readme.contains("models::LegacyRecord {"),
        "{readme}"
    );
    assert_eq!(doctests(&dir), 1);
}

#[test]
fn readme_examples_compile_for_enum_union_and_credential_arguments() {
    let work = scratch_dir("package-readmes");
    let fixtures = [
        "parameters",
        "one_of_untagged",
        "security",
        "bodies_everywhere",
    ];
    let mut members = Vec::new();
    for fixture in fixtures {
        let name = fixture.replace('_', "-");
        write_fixture_crate(fixture, &work.join(&name), false);
        members.push(name);
    }
    write_workspace(&work, &members);
    let readme = |m: &str| std::fs::read_to_string(work.join(m).join("README.md")).unwrap();
    assert!(readme("parameters").contains("models::Category::"));
    assert!(readme("one-of-untagged").contains("models::PaymentMethod::"));
    assert!(readme("security").contains(".bearer_auth(std::env::var("));
    // A file inside a multipart body struct is a `runtime::Body`, made from bytes with `into`.
    assert!(readme("bodies-everywhere").contains("picture: b\"example\".to_vec().into()"));
    assert_eq!(doctests(&work), fixtures.len());
}
