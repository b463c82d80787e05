//! The README's walkthrough for a new user, run with the CLI's own code: `init` for the
//! Spotify Web API document, the README's ten config lines applied to the starter file,
//! `generate`, then `cargo check` of the crate. The README's block is read from the README,
//! so the walkthrough it shows cannot rot.

use lightly_codegen_tests::{copy_lock_file, root, scratch_cargo, scratch_dir};
use std::path::Path;

/// The lines of the README's walkthrough config block.
fn readme_config_lines() -> Vec<String> {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let at = readme
        .find("<!-- walkthrough-config")
        .expect("the marked block");
    let rest = &readme[at..];
    let start = rest.find("```toml\n").expect("a toml block") + "```toml\n".len();
    let end = rest[start..].find("```").expect("the block ends");
    rest[start..start + end]
        .lines()
        .map(str::to_string)
        .collect()
}

/// Applies `lines` (tables and `key = value`) to the starter config as a user would:
/// uncommenting the table and replacing the key's example line, or adding the key.
fn apply(template: &str, lines: &[String]) -> String {
    let mut out: Vec<String> = template.lines().map(str::to_string).collect();
    let mut table = String::new();
    for line in lines {
        if line.starts_with('[') {
            table = line.clone();
            // Uncomment a commented-out table header.
            if let Some(i) = out.iter().position(|l| *l == format!("# {table}")) {
                out[i] = table.clone();
            }
            assert!(out.contains(&table), "the template has no {table}");
            continue;
        }
        let key = line.split(" = ").next().unwrap();
        let start = out.iter().position(|l| *l == table).unwrap() + 1;
        let end = out[start..]
            .iter()
            .position(|l| l.starts_with('[') || l.starts_with("# ["))
            .map_or(out.len(), |e| start + e);
        let existing = out[start..end].iter().position(|l| {
            l.starts_with(&format!("# {key} = ")) || l.starts_with(&format!("{key} = "))
        });
        match existing {
            Some(i) => out[start + i] = line.clone(),
            None => out.insert(end, line.clone()),
        }
    }
    out.join("\n") + "\n"
}

fn cli(args: &[&str]) -> u8 {
    openapi_rs_gen::cli::run(std::iter::once("openapi-rs-gen").chain(args.iter().copied()))
}

#[test]
fn the_readme_walkthrough_generates_a_crate_that_checks() {
    let lines = readme_config_lines();
    assert_eq!(lines.len(), 10, "the README promises ten lines: {lines:?}");

    let dir = scratch_dir("walkthrough");
    let spec = dir.join("package/api/spotify.com.json");
    std::fs::create_dir_all(spec.parent().unwrap()).unwrap();
    std::fs::copy(root().join("tests/fixtures/public/spotify.com.json"), &spec).unwrap();
    let config = dir.join("openapi-rs-gen.toml");
    let out = dir.join("spotify-client");
    let s = |p: &Path| p.to_str().unwrap().to_string();
    assert_eq!(
        cli(&[
            "init",
            "--spec",
            &s(&spec),
            "--out",
            &s(&out),
            "--config",
            &s(&config)
        ]),
        0
    );

    let template = std::fs::read_to_string(&config).unwrap();
    assert!(
        template.contains("name = \"spotify-web-client\""),
        "{template}"
    );
    std::fs::write(&config, apply(&template, &lines)).unwrap();
    assert_eq!(cli(&["generate", "--config", &s(&config), "-q"]), 0);

    let cargo = std::fs::read_to_string(out.join("Cargo.toml")).unwrap();
    assert!(cargo.contains("name = \"spotify-web-client\""), "{cargo}");
    let lib = std::fs::read_to_string(out.join("src/lib.rs")).unwrap();
    assert!(lib.contains(".user_agent(\"my-app/1.0\")"), "{lib}");
    assert!(lib.contains("from_millis(20000)"), "{lib}");
    assert!(lib.contains("max_retries(2)"), "{lib}");
    let albums = std::fs::read_to_string(out.join("src/apis/albums.rs")).unwrap();
    assert!(albums.contains("pub fn get_an_album"), "kept");
    let tracks = std::fs::read_to_string(out.join("src/apis/tracks.rs")).unwrap();
    assert!(!tracks.contains("get_several_audio_features"), "excluded");
    assert!(
        !out.join("src/apis/player.rs").exists(),
        "not an included tag"
    );
    assert!(
        !out.join("src/apis/shows.rs").exists(),
        "not an included tag"
    );
    assert_eq!(cli(&["check", "--config", &s(&config), "-q"]), 0);

    copy_lock_file(&out);
    let check = scratch_cargo(&out, &["check", "--quiet"]);
    assert!(
        check.status.success(),
        "cargo check of the walkthrough's crate failed:\n{}",
        String::from_utf8_lossy(&check.stderr)
    );
}
