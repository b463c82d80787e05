//! The `openapi-rs-gen` binary as a user runs it, in temporary folders: `init`, `generate`
//! and `check` with the config and with flags, and each exit status (`cli::EXIT_CODES`).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn petstore() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/ok/petstore.yaml")
}

fn run(cwd: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_openapi-rs-gen"))
        .current_dir(cwd)
        .args(args)
        .output()
        .expect("the binary runs")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn code(o: &Output) -> i32 {
    o.status.code().expect("exited")
}

/// A folder with the petstore document as `openapi.yaml`.
fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(petstore(), dir.path().join("openapi.yaml")).unwrap();
    dir
}

#[test]
fn help_and_version() {
    let dir = tempfile::tempdir().unwrap();
    let help = run(dir.path(), &["--help"]);
    assert_eq!(code(&help), 0);
    let text = stdout(&help);
    for part in [
        "generate",
        "check",
        "init",
        "Examples:",
        "Exit status:",
        "3  `check` only",
    ] {
        assert!(text.contains(part), "--help lacks {part}:\n{text}");
    }
    let help = run(dir.path(), &["generate", "--help"]);
    for flag in [
        "--config",
        "--spec",
        "--out",
        "--include-tag",
        "--exclude-path",
        "--overlay",
        "--force",
        "--strict",
    ] {
        assert!(stdout(&help).contains(flag), "generate --help lacks {flag}");
    }
    let version = run(dir.path(), &["--version"]);
    assert_eq!(
        stdout(&version).trim(),
        format!("openapi-rs-gen {}", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn init_then_generate_then_check() {
    let dir = project();
    let p = dir.path();
    let init = run(
        p,
        &["init", "--spec", "openapi.yaml", "--out", "petstore-client"],
    );
    assert_eq!(code(&init), 0, "{}", stderr(&init));
    let config = std::fs::read_to_string(p.join("openapi-rs-gen.toml")).unwrap();
    assert!(config.contains("spec = \"openapi.yaml\""), "{config}");
    assert!(config.contains("output = \"petstore-client\""), "{config}");
    assert!(
        config.contains("name = \"swagger-petstore-client\""),
        "the title gives the name:\n{config}"
    );
    // A second init does not overwrite the user's file.
    let again = run(p, &["init"]);
    assert_eq!(code(&again), 4, "{}", stderr(&again));
    assert!(stderr(&again).contains("--force"), "{}", stderr(&again));

    let generate = run(p, &["generate"]);
    assert_eq!(code(&generate), 0, "{}", stderr(&generate));
    assert!(stderr(&generate).contains("wrote"), "{}", stderr(&generate));
    assert!(
        !stderr(&generate).contains("[ "),
        "no progress when piped: {}",
        stderr(&generate)
    );
    let cargo = std::fs::read_to_string(p.join("petstore-client/Cargo.toml")).unwrap();
    assert!(
        cargo.contains("name = \"swagger-petstore-client\""),
        "{cargo}"
    );
    assert!(
        cargo.contains("\n[workspace]\n"),
        "standalone by default:\n{cargo}"
    );

    let check = run(p, &["check"]);
    assert_eq!(code(&check), 0, "{}", stderr(&check));
    let lib = p.join("petstore-client/src/lib.rs");
    std::fs::write(&lib, "// changed\n").unwrap();
    let check = run(p, &["check"]);
    assert_eq!(code(&check), 3, "{}", stderr(&check));
    assert!(stderr(&check).contains("src/lib.rs"), "{}", stderr(&check));
}

#[test]
fn flags_beat_the_config_and_the_config_is_found_beside_the_spec() {
    let dir = project();
    let p = dir.path();
    std::fs::create_dir(p.join("api")).unwrap();
    std::fs::rename(p.join("openapi.yaml"), p.join("api/openapi.yaml")).unwrap();
    std::fs::write(
        p.join("api/openapi-rs-gen.toml"),
        "spec = \"openapi.yaml\"\noutput = \"../out\"\n[package]\nname = \"from-config\"\n[operations]\nexclude = [\"createPets\"]\n",
    )
    .unwrap();
    // Found next to --spec; its paths are relative to its own folder.
    let g = run(
        p,
        &[
            "generate",
            "--spec",
            "api/openapi.yaml",
            "--exclude-operation",
            "showPetById",
        ],
    );
    assert_eq!(code(&g), 0, "{}", stderr(&g));
    let cargo = std::fs::read_to_string(p.join("out/Cargo.toml")).unwrap();
    assert!(cargo.contains("name = \"from-config\""), "{cargo}");
    let pets = std::fs::read_to_string(p.join("out/src/apis/pets.rs")).unwrap();
    assert!(pets.contains("fn list_pets"), "kept");
    assert!(!pets.contains("fn create_pets"), "the config's exclude");
    assert!(
        !pets.contains("fn show_pet_by_id"),
        "the flag's exclude adds to it"
    );
    // A flag beats the config's value.
    let g = run(
        p,
        &[
            "generate",
            "--config",
            "api/openapi-rs-gen.toml",
            "--name",
            "from-flag",
        ],
    );
    assert_eq!(code(&g), 0, "{}", stderr(&g));
    let cargo = std::fs::read_to_string(p.join("out/Cargo.toml")).unwrap();
    assert!(cargo.contains("name = \"from-flag\""), "{cargo}");
    // A selection that names nothing is a warning naming the key; --quiet hides it.
    let g = run(
        p,
        &[
            "generate",
            "--config",
            "api/openapi-rs-gen.toml",
            "--include-tag",
            "petz",
        ],
    );
    assert!(
        stderr(&g).contains("`petz` (operations.include_tags)"),
        "{}",
        stderr(&g)
    );
    let g = run(
        p,
        &[
            "generate",
            "--config",
            "api/openapi-rs-gen.toml",
            "--include-tag",
            "petz",
            "-q",
        ],
    );
    assert!(!stderr(&g).contains("petz"), "{}", stderr(&g));
}

#[test]
fn errors_name_their_place_and_set_the_exit_status() {
    let dir = project();
    let p = dir.path();
    // Config errors: the key and the line.
    std::fs::write(
        p.join("openapi-rs-gen.toml"),
        "spec = \"openapi.yaml\"\noutput = \"out\"\n[package]\nlicence = \"MIT\"\n",
    )
    .unwrap();
    let g = run(p, &["generate"]);
    assert_eq!(code(&g), 1, "{}", stderr(&g));
    assert!(
        stderr(&g).contains("openapi-rs-gen.toml:4: `package.licence`: unknown field"),
        "{}",
        stderr(&g)
    );
    std::fs::write(
        p.join("openapi-rs-gen.toml"),
        "spec = \"openapi.yaml\"\noutput = \"out\"\n[client]\ntimeout = \"soon\"\n",
    )
    .unwrap();
    let g = run(p, &["generate"]);
    assert_eq!(code(&g), 1, "{}", stderr(&g));
    assert!(stderr(&g).contains("`client.timeout`"), "{}", stderr(&g));
    std::fs::remove_file(p.join("openapi-rs-gen.toml")).unwrap();
    // Document errors: the JSON pointer.
    std::fs::write(p.join("bad.yaml"), "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      responses: {'200': {$ref: '#/components/responses/Nope'}}\n").unwrap();
    let g = run(p, &["generate", "--spec", "bad.yaml", "--out", "bad"]);
    assert_eq!(code(&g), 1, "{}", stderr(&g));
    assert!(
        stderr(&g).contains("(at #/paths/~1a/get/responses/200"),
        "{}",
        stderr(&g)
    );
    assert!(!p.join("bad").exists(), "nothing written");
    // Usage errors.
    let g = run(p, &["generate", "--no-such-flag"]);
    assert_eq!(code(&g), 2, "{}", stderr(&g));
    let g = run(p, &["generate", "--modules", "sideways"]);
    assert_eq!(code(&g), 2, "{}", stderr(&g));
    // Nothing to read.
    let g = run(p, &["generate"]);
    assert_eq!(code(&g), 1, "{}", stderr(&g));
    assert!(stderr(&g).contains("openapi-rs-gen init"), "{}", stderr(&g));
    // A folder the generator did not write.
    std::fs::create_dir(p.join("mine")).unwrap();
    std::fs::write(p.join("mine/notes.txt"), "mine").unwrap();
    let g = run(p, &["generate", "--spec", "openapi.yaml", "--out", "mine"]);
    assert_eq!(code(&g), 4, "{}", stderr(&g));
    assert_eq!(
        std::fs::read_to_string(p.join("mine/notes.txt")).unwrap(),
        "mine"
    );
    let g = run(p, &["generate", "--spec", "missing.yaml", "--out", "x"]);
    assert_eq!(code(&g), 4, "{}", stderr(&g));
    assert!(stderr(&g).contains("cannot read"), "{}", stderr(&g));
}

#[test]
fn progress_shows_when_asked_and_never_on_stdout() {
    let dir = project();
    let p = dir.path();
    let g = run(
        p,
        &[
            "generate",
            "--spec",
            "openapi.yaml",
            "--out",
            "o",
            "--progress",
            "always",
        ],
    );
    assert_eq!(code(&g), 0, "{}", stderr(&g));
    let err = stderr(&g);
    assert!(err.contains("s] generating from openapi.yaml"), "{err}");
    assert!(err.contains("s] writing"), "{err}");
    assert!(stdout(&g).is_empty(), "{}", stdout(&g));
    let g = run(
        p,
        &[
            "generate",
            "--spec",
            "openapi.yaml",
            "--out",
            "o",
            "--progress",
            "never",
        ],
    );
    assert!(!stderr(&g).contains("s] "), "{}", stderr(&g));
}

#[test]
fn generate_reports_api_changes_and_bumps_the_version_by_the_verdict() {
    let dir = project();
    let p = dir.path();
    std::fs::write(
        p.join("openapi-rs-gen.toml"),
        "spec = \"openapi.yaml\"\noutput = \"out\"\n[package]\nname = \"pets\"\nversion = \"1.0.0\"\n",
    )
    .unwrap();
    let g = run(p, &["generate"]);
    assert_eq!(code(&g), 0, "{}", stderr(&g));
    assert!(
        stderr(&g).contains("no earlier api-surface.txt"),
        "{}",
        stderr(&g)
    );
    assert!(p.join("out/api-surface.txt").is_file());
    let spec = std::fs::read_to_string(p.join("openapi.yaml")).unwrap();
    let with_param = spec.replacen(
        "      parameters:\n        - name: limit",
        "      parameters:\n        - {name: sort, in: query, schema: {type: string}}\n        - name: limit",
        1,
    );
    assert_ne!(with_param, spec);
    std::fs::write(p.join("openapi.yaml"), &with_param).unwrap();
    // check reports what generate would change, and says the crate is stale.
    let c = run(p, &["check", "--report", "check-report.txt"]);
    assert_eq!(code(&c), 3, "{}", stderr(&c));
    let report = std::fs::read_to_string(p.join("check-report.txt")).unwrap();
    assert!(report.contains("semver verdict: minor"), "{report}");
    assert!(
        report.contains("operation listPets param sort: optional parameter added"),
        "{report}"
    );
    // An addition bumps the minor version, in the crate and in the config.
    let g = run(p, &["generate", "--bump"]);
    assert_eq!(code(&g), 0, "{}", stderr(&g));
    assert!(
        stderr(&g).contains("version: 1.0.0 -> 1.1.0"),
        "{}",
        stderr(&g)
    );
    let cargo = std::fs::read_to_string(p.join("out/Cargo.toml")).unwrap();
    assert!(cargo.contains("version = \"1.1.0\""), "{cargo}");
    let config = std::fs::read_to_string(p.join("openapi-rs-gen.toml")).unwrap();
    assert!(
        config.contains("version = \"1.1.0\"") && config.contains("name = \"pets\""),
        "{config}"
    );
    assert_eq!(code(&run(p, &["check"])), 0, "the bumped version is kept");
    // A removal is major.
    let without = with_param.replacen(
        "        - {name: sort, in: query, schema: {type: string}}\n",
        "",
        1,
    );
    std::fs::write(p.join("openapi.yaml"), without).unwrap();
    let g = run(p, &["generate", "--bump", "--report", "report.txt"]);
    assert_eq!(code(&g), 0, "{}", stderr(&g));
    let report = std::fs::read_to_string(p.join("report.txt")).unwrap();
    assert!(report.contains("semver verdict: major"), "{report}");
    assert!(report.contains("(at #/paths/~1pets/get)"), "{report}");
    assert!(
        stderr(&g).contains("version: 1.1.0 -> 2.0.0"),
        "{}",
        stderr(&g)
    );
    // No change: nothing to bump.
    let g = run(p, &["generate", "--bump"]);
    assert!(stderr(&g).contains("API changes: 0"), "{}", stderr(&g));
    assert!(!stderr(&g).contains("version:"), "{}", stderr(&g));
}

#[test]
fn layout_and_client_keys_of_the_config_shape_the_crate() {
    let dir = project();
    let p = dir.path();
    std::fs::write(
        p.join("openapi-rs-gen.toml"),
        r#"spec = "openapi.yaml"
output = "out"
[layout]
tag_features = false
[client]
base_url = "https://staging.example.com/v2"
user_agent = "pets-app/3"
timeout = "2.5s"
connect_timeout = "750ms"
[client.retry]
max_retries = 0
initial_backoff = "50ms"
max_backoff = "1s"
"#,
    )
    .unwrap();
    let g = run(p, &["generate"]);
    assert_eq!(code(&g), 0, "{}", stderr(&g));
    let cargo = std::fs::read_to_string(p.join("out/Cargo.toml")).unwrap();
    assert!(
        !cargo.contains("[features]\n# One feature per tag"),
        "no tag features:\n{cargo}"
    );
    let lib = std::fs::read_to_string(p.join("out/src/lib.rs")).unwrap();
    assert!(!lib.contains("cfg(feature"), "{lib}");
    for part in [
        "pub const DEFAULT_BASE_URL: &str = \"https://staging.example.com/v2\";",
        ".user_agent(\"pets-app/3\")",
        ".timeout(::std::time::Duration::from_millis(2500))",
        ".connect_timeout(::std::time::Duration::from_millis(750))",
        ".max_retries(0)",
        ".initial_backoff(::std::time::Duration::from_millis(50))",
        ".max_backoff(::std::time::Duration::from_millis(1000))",
    ] {
        assert!(lib.contains(part), "lib.rs lacks {part}:\n{lib}");
    }
    // The same keys as flags where there is one: the flag wins.
    let g = run(p, &["generate", "--base-url", "https://prod.example.com"]);
    assert_eq!(code(&g), 0, "{}", stderr(&g));
    let lib = std::fs::read_to_string(p.join("out/src/lib.rs")).unwrap();
    assert!(lib.contains("\"https://prod.example.com\""), "{lib}");
}

/// A document with one approximation (a `not` schema typed as free JSON): without
/// `--strict` it is a warning marked `[weakened]` and counted in the summary line; with the
/// flag, or the config's `strict = true`, it is an error, exit status 1, and nothing is
/// written.
#[test]
fn strict_turns_every_approximation_into_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    std::fs::write(
        p.join("loose.yaml"),
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      \
         operationId: getA\n      responses:\n        '200':\n          description: ok\n          \
         content:\n            application/json:\n              schema: {not: {type: string}}\n",
    )
    .unwrap();
    let g = run(p, &["generate", "--spec", "loose.yaml", "--out", "loose"]);
    assert_eq!(code(&g), 0, "{}", stderr(&g));
    let text = stderr(&g);
    assert!(
        text.contains("warning[weakened]: `not` schemas are not supported"),
        "{text}"
    );
    assert!(
        text.contains("1 approximation: 1 weakened, 0 skipped operations"),
        "{text}"
    );
    let g = run(
        p,
        &[
            "generate",
            "--strict",
            "--spec",
            "loose.yaml",
            "--out",
            "strict",
        ],
    );
    assert_eq!(code(&g), 1, "{}", stderr(&g));
    assert!(
        stderr(&g).contains("error[weakened]: `not` schemas are not supported"),
        "{}",
        stderr(&g)
    );
    assert!(!p.join("strict").exists(), "nothing written");
    std::fs::write(
        p.join("openapi-rs-gen.toml"),
        "spec = \"loose.yaml\"\noutput = \"by-config\"\nstrict = true\n",
    )
    .unwrap();
    let g = run(p, &["generate"]);
    assert_eq!(code(&g), 1, "{}", stderr(&g));
    assert!(stderr(&g).contains("error[weakened]"), "{}", stderr(&g));
    assert!(!p.join("by-config").exists(), "nothing written");
}
