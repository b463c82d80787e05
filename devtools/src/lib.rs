//! What the development crates (`xtask`, `corpus`, `bench`, and the tests) share, written
//! once: where the workspace is, how commands are run and reported (with a time limit too),
//! the download cache outside the repository, file names from free text, reading a
//! document's raw tree with the generator's own loader, and running a smoke test against
//! Prism ([`wire`]).

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, ExitStatus, Stdio};
use std::time::{Duration, Instant};

pub mod wire;

/// The workspace root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

/// The cargo that runs us (`$CARGO`), or `cargo` from `PATH`.
pub fn cargo() -> Command {
    Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string()))
}

/// How a command ends: success, or its error on stderr and failure.
pub fn exit(result: Result<(), String>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}

/// Runs a command, inheriting its output; `Err` names it and how it ended.
pub fn run_status(cmd: &mut Command, what: &str) -> Result<(), String> {
    let status = cmd
        .status()
        .map_err(|e| format!("{what}: cannot start: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{what}: failed with {status}"))
    }
}

/// Runs a command with its output captured; on failure returns the end of its stderr.
pub fn run_quiet(cmd: &mut Command, what: &str) -> Result<(), String> {
    let out = cmd
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("{what}: cannot start: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{what}: failed with {}:\n{}",
            out.status,
            last_lines(&String::from_utf8_lossy(&out.stderr), 40).join("\n")
        ))
    }
}

/// Runs `cmd` in its own process group with stdout and stderr going to files, and kills the
/// whole group (cargo and its rustc children) after `timeout`. `None` means it timed out.
pub fn run_limited(
    cmd: &mut Command,
    stdout: &Path,
    stderr: &Path,
    timeout: Duration,
) -> Result<Option<ExitStatus>, String> {
    let out = fs::File::create(stdout).map_err(|e| e.to_string())?;
    let err = fs::File::create(stderr).map_err(|e| e.to_string())?;
    cmd.stdin(Stdio::null())
        .stdout(Stdio::from(out))
        .stderr(Stdio::from(err));
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        cmd.process_group(0);
    }
    let mut child = cmd
        .spawn()
        .map_err(|e| format!("cannot start {:?}: {e}", cmd.get_program()))?;
    let begun = Instant::now();
    loop {
        if let Some(status) = child.try_wait().map_err(|e| e.to_string())? {
            return Ok(Some(status));
        }
        if begun.elapsed() > timeout {
            #[cfg(unix)]
            {
                let _ = Command::new("kill")
                    .args(["-KILL", "--", &format!("-{}", child.id())])
                    .status();
            }
            let _ = child.kill();
            let _ = child.wait();
            return Ok(None);
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// The last `n` lines of `text` (all of them if it has fewer).
pub fn last_lines(text: &str, n: usize) -> Vec<&str> {
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(n)..].to_vec()
}

/// `$XDG_CACHE_HOME/openapi-rs-gen/<what>` (or `~/.cache/...`): downloads live outside the
/// repository.
pub fn cache_dir(what: &str) -> Result<PathBuf, String> {
    let base = match std::env::var_os("XDG_CACHE_HOME").filter(|v| !v.is_empty()) {
        Some(xdg) => PathBuf::from(xdg),
        None => {
            PathBuf::from(std::env::var_os("HOME").ok_or("neither XDG_CACHE_HOME nor HOME is set")?)
                .join(".cache")
        }
    };
    Ok(base.join("openapi-rs-gen").join(what))
}

/// The extracted npm package `name@version` under `cache`, downloaded with `npm pack` unless
/// already there. Extraction goes to a sibling folder first, so an interrupted download is
/// never mistaken for a complete one.
pub fn fetch_npm_package(cache: &Path, name: &str, version: &str) -> Result<PathBuf, String> {
    let dir = npm_package_dir(cache, name, version);
    if dir.join(".complete").exists() {
        return Ok(dir);
    }
    let spec = format!("{name}@{version}");
    eprintln!("fetching {spec} into {}", dir.display());
    let partial = dir.with_extension("partial");
    let _ = fs::remove_dir_all(&partial);
    let download = partial.join(".download");
    fs::create_dir_all(&download)
        .map_err(|e| format!("cannot create {}: {e}", download.display()))?;
    let out = Command::new("npm")
        .args(["pack", &spec, "--loglevel=error", "--pack-destination"])
        .arg(&download)
        .current_dir(&download)
        .output()
        .map_err(|e| format!("cannot run npm: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "npm pack {spec} failed with {}:\n{}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let tarball = files_under(&download)?
        .into_iter()
        .find(|p| p.to_string_lossy().ends_with(".tgz"))
        .ok_or_else(|| format!("npm pack {spec} produced no .tgz"))?;
    let out = Command::new("tar")
        .arg("xzf")
        .arg(&tarball)
        .arg("-C")
        .arg(&partial)
        .arg("--strip-components=1")
        .output()
        .map_err(|e| format!("cannot run tar: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "tar could not extract {}:\n{}",
            tarball.display(),
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    fs::remove_dir_all(&download).map_err(|e| e.to_string())?;
    fs::write(partial.join(".complete"), format!("{spec}\n")).map_err(|e| e.to_string())?;
    let _ = fs::remove_dir_all(&dir);
    fs::rename(&partial, &dir).map_err(|e| format!("cannot move into {}: {e}", dir.display()))?;
    Ok(dir)
}

/// The extracted npm package `name@version` under `cache` if [`fetch_npm_package`] has
/// completed it; never downloads.
pub fn cached_npm_package(cache: &Path, name: &str, version: &str) -> Option<PathBuf> {
    let dir = npm_package_dir(cache, name, version);
    dir.join(".complete").exists().then_some(dir)
}

fn npm_package_dir(cache: &Path, name: &str, version: &str) -> PathBuf {
    cache.join(format!("{}-{}", sanitize(name), version))
}

/// Lowercase ASCII letters and digits, with one `-` for each run of anything else.
pub fn sanitize(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches('-').to_string()
}

/// Every file under `dir`, at any depth, in no particular order.
pub fn files_under(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let mut out = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let entries =
            fs::read_dir(&dir).map_err(|e| format!("cannot list {}: {e}", dir.display()))?;
        for entry in entries {
            let path = entry.map_err(|e| e.to_string())?.path();
            if path.is_dir() {
                pending.push(path);
            } else {
                out.push(path);
            }
        }
    }
    Ok(out)
}

/// A document's raw JSON tree, YAML or JSON alike, read the way the generator reads it.
pub fn read_tree(text: &str) -> Result<serde_json::Value, String> {
    openapi_rs_gen::load::parse_tree(text).map_err(|d| d.message)
}

/// The operations of a raw document: path items × the methods the generator reads.
pub fn count_operations(doc: &serde_json::Value) -> usize {
    let methods = openapi_rs_gen::lower::METHODS;
    doc.get("paths")
        .and_then(|p| p.as_object())
        .map_or(0, |paths| {
            paths
                .values()
                .filter_map(|item| item.as_object())
                .map(|item| {
                    item.keys()
                        .filter(|k| methods.contains(&k.as_str()))
                        .count()
                })
                .sum()
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sanitizes_into_one_dash_per_run() {
        let cases = [
            ("@octokit/openapi", "octokit-openapi"),
            ("My__Spec v2", "my-spec-v2"),
        ];
        for (text, name) in cases {
            assert_eq!(sanitize(text), name, "{text}");
        }
    }

    #[test]
    fn counts_json_and_yaml_alike() {
        let yaml = "paths:\n  /a:\n    get:\n      responses:\n        200: {description: ok}\n    post: {}\n    parameters: []\n  /b:\n    put: {}\n";
        let json = r#"{"paths": {"/a": {"get": {"responses": {"200": {"description": "ok"}}}, "post": {}, "parameters": []}, "/b": {"put": {}}}}"#;
        assert_eq!(read_tree(yaml).map(|d| count_operations(&d)), Ok(3));
        assert_eq!(read_tree(json).map(|d| count_operations(&d)), Ok(3));
        assert!(read_tree("{").is_err());
    }

    #[test]
    fn finds_files_at_every_depth_and_keeps_the_last_lines() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir_all(dir.path().join("a/b")).unwrap();
        fs::write(dir.path().join("top.txt"), "").unwrap();
        fs::write(dir.path().join("a/b/deep.rs"), "").unwrap();
        let mut found: Vec<String> = files_under(dir.path())
            .unwrap()
            .iter()
            .map(|p| p.strip_prefix(dir.path()).unwrap().display().to_string())
            .collect();
        found.sort();
        assert_eq!(found, ["a/b/deep.rs", "top.txt"]);
        assert_eq!(last_lines("1\n2\n3\n", 2), ["2", "3"]);
        assert_eq!(last_lines("1", 5), ["1"]);
    }
}
