//! `cargo check` of one generated crate, and its output split into compiler messages.

use crate::Config;
use devtools::run_limited;
use std::fs;
use std::path::Path;
use std::time::Instant;

/// How `cargo check` of one crate went.
pub(crate) struct Check {
    pub(crate) timed_out: bool,
    pub(crate) success: bool,
    pub(crate) secs: f64,
    pub(crate) errors: Vec<Block>,
    pub(crate) warnings: Vec<Block>,
}

/// One compiler message: its first line, its `-->` location, and its full text.
pub(crate) struct Block {
    pub(crate) header: String,
    pub(crate) location: String,
    pub(crate) text: String,
}

/// Checks one crate of the scratch workspace, with the run's time limit.
pub(crate) fn cargo_check(
    crates: &Path,
    target: &Path,
    logs: &Path,
    slug: &str,
    crate_name: &str,
    config: &Config,
) -> Result<Check, String> {
    let log = logs.join(format!("{slug}.check.txt"));
    let mut cmd = devtools::cargo();
    cmd.current_dir(crates)
        .args(["check", "--offline", "--quiet", "-p", crate_name])
        .env("CARGO_TARGET_DIR", target)
        .env("CARGO_TERM_COLOR", "never");
    let begun = Instant::now();
    let status = run_limited(
        &mut cmd,
        &logs.join(format!("{slug}.check.out")),
        &log,
        config.timeout,
    )?;
    let secs = begun.elapsed().as_secs_f64();
    let stderr = fs::read_to_string(&log).unwrap_or_default();
    let (errors, warnings) = parse_compiler_output(&stderr);
    Ok(Check {
        timed_out: status.is_none(),
        success: status.is_some_and(|s| s.success()),
        secs,
        errors,
        warnings,
    })
}

/// Splits cargo's human-readable output into messages; drops cargo's summary lines.
pub(crate) fn parse_compiler_output(stderr: &str) -> (Vec<Block>, Vec<Block>) {
    let mut blocks: Vec<Vec<&str>> = Vec::new();
    for line in stderr.lines() {
        let starts = line.starts_with("error") || line.starts_with("warning");
        if starts {
            blocks.push(vec![line]);
        } else if let Some(block) = blocks.last_mut() {
            if !line.starts_with("For more information") && !line.starts_with("Some errors have") {
                block.push(line);
            }
        }
    }
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    for lines in blocks {
        let header = lines[0].to_string();
        if header.starts_with("error: could not compile")
            || header.starts_with("error: aborting")
            || (header.starts_with("warning: `") && header.contains("generated"))
        {
            continue;
        }
        let location = lines
            .iter()
            .find_map(|l| l.trim_start().strip_prefix("--> "))
            .unwrap_or("")
            .to_string();
        let block = Block {
            header: header.clone(),
            location,
            text: lines.join("\n").trim_end().to_string(),
        };
        if header.starts_with("error") {
            errors.push(block);
        } else {
            warnings.push(block);
        }
    }
    (errors, warnings)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_compiler_output() {
        let stderr = "error[E0412]: cannot find type `Foo` in this scope\n  --> src/models.rs:3:12\n   |\n3  |     x: Foo,\n\nerror: could not compile `x` (lib) due to 1 previous error\n";
        let (errors, warnings) = parse_compiler_output(stderr);
        assert_eq!(errors.len(), 1);
        assert!(warnings.is_empty());
        assert_eq!(errors[0].location, "src/models.rs:3:12");
    }
}
