//! A generated crate builds, without a warning, with each of its TLS feature sets: the
//! default (rustls with webpki roots), none (for a user's own client), and rustls with native
//! roots; and each set pulls in the TLS crates it names and no others. The same for its
//! `tracing` feature: `tracing` is a direct dependency with it and only with it (reqwest's
//! HTTP stack may use it underneath either way). `native-tls` is not built here: its crates
//! (`native-tls`, `hyper-tls`, `openssl-sys`) are not in this machine's offline registry.

use lightly_codegen_tests::{scratch_cargo, scratch_dir, write_fixture_crate, write_workspace};

#[test]
fn each_tls_feature_set_builds_and_pulls_in_only_its_crates() {
    let work = scratch_dir("fixture-tls");
    write_fixture_crate("petstore", &work.join("petstore"), false);
    write_workspace(&work, &["petstore".to_string()]);
    // (features, TLS crates that must be in the tree, TLS crates that must not)
    let sets: [(&[&str], &[&str], &[&str]); 4] = [
        (&[], &["rustls", "webpki-roots"], &["rustls-native-certs"]),
        (&["--features", "tracing"], &[], &[]),
        (
            &["--no-default-features"],
            &[],
            &["rustls", "webpki-roots", "rustls-native-certs"],
        ),
        (
            &[
                "--no-default-features",
                "--features",
                "rustls-tls-native-roots",
            ],
            &["rustls", "rustls-native-certs"],
            &["webpki-roots"],
        ),
    ];
    for (features, present, absent) in sets {
        let mut check = vec!["check", "--quiet"];
        check.extend_from_slice(features);
        let output = scratch_cargo(&work, &check);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            output.status.success() && !stderr.contains("warning"),
            "`cargo check {features:?}` fails or warns:\n{stderr}"
        );
        let mut direct = vec![
            "tree", "--edges", "normal", "--prefix", "none", "--depth", "1",
        ];
        direct.extend_from_slice(features);
        let direct = cargo_ok(&work, &direct);
        let traced = direct.lines().any(|l| l.starts_with("tracing "));
        assert_eq!(
            traced,
            features.contains(&"tracing"),
            "{features:?}: direct dependencies\n{direct}"
        );
        let mut tree = vec!["tree", "--edges", "normal", "--prefix", "none"];
        tree.extend_from_slice(features);
        let stdout = cargo_ok(&work, &tree);
        let crates: Vec<&str> = stdout.lines().filter_map(|l| l.split(' ').next()).collect();
        for name in present {
            assert!(
                crates.contains(name),
                "{features:?} lacks {name}:\n{stdout}"
            );
        }
        for name in absent {
            assert!(
                !crates.contains(name),
                "{features:?} pulls in {name}:\n{stdout}"
            );
        }
    }
}

/// Runs `cargo --offline ARGS` in `work`, failing with its output unless it succeeds;
/// returns its standard output.
fn cargo_ok(work: &std::path::Path, args: &[&str]) -> String {
    let output = scratch_cargo(work, args);
    assert!(
        output.status.success(),
        "`cargo {}` fails:\n{}",
        args.join(" "),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}
