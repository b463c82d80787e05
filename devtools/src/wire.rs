//! Running a generated crate's smoke test (`tests/smoke.rs`, from `--smoke-test`) against
//! Prism: starting Prism (`prism mock --errors`, by default with seeded dynamic responses) on
//! a free loopback port for one document,
//! waiting until it answers, stopping it, and reading the smoke test's JSON summary line.
//! Shared by `cargo xtask wire` and the test that runs its fixed slice.

use std::fs;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How long Prism may take to load a document and start listening.
pub const PRISM_STARTUP: Duration = Duration::from_secs(120);

/// Where `cargo xtask test` installs outside tools: `$OPENAPI_RS_GEN_TOOLS`, else
/// `target/tools` of the workspace.
pub fn tools_dir() -> PathBuf {
    std::env::var_os("OPENAPI_RS_GEN_TOOLS")
        .map(PathBuf::from)
        .unwrap_or_else(|| crate::root().join("target/tools"))
}

/// The installed Prism, or an error saying how to install it.
pub fn prism_path() -> Result<PathBuf, String> {
    let path = tools_dir().join("node/node_modules/.bin/prism");
    if path.exists() {
        Ok(path)
    } else {
        Err(format!(
            "Prism is not installed at {}; `cargo xtask test` installs it (from tools/package.json)",
            path.display()
        ))
    }
}

/// How Prism makes its responses. The default is [`Responses::Dynamic`] with the seed `1`,
/// what `cargo xtask wire` and `tests/smoke_wire.rs` use: Prism's static values break the
/// schemas of most real documents (`"string"` for a `pattern`), so its own check of the
/// response (`--errors`) fails the call before the client sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Responses {
    /// The document's examples, or for a schema without one a value of Prism's own
    /// (`"string"` whatever the `pattern` or `format`).
    Static,
    /// Values made from the schema by json-schema-faker (`--dynamic`), which keeps to
    /// `pattern`, `format`, `enum`, bounds and `required`; the seed makes the same values
    /// on every run.
    Dynamic {
        /// Prism's `--seed`.
        seed: String,
    },
}

impl Default for Responses {
    fn default() -> Self {
        Responses::Dynamic {
            seed: "1".to_string(),
        }
    }
}

/// A running `prism mock --errors` for one document; stopped when dropped.
pub struct Prism {
    child: Child,
    port: u16,
    log: PathBuf,
}

impl Prism {
    /// Starts Prism serving `spec` on a free loopback port, making its responses as
    /// `responses` says, its output going to `log`, and waits until it answers HTTP. `Err`
    /// holds the end of its output.
    pub fn start(spec: &Path, log: &Path, responses: &Responses) -> Result<Prism, String> {
        let prism = prism_path()?;
        let port = free_port()?;
        let out = fs::File::create(log).map_err(|e| format!("{}: {e}", log.display()))?;
        let err = out.try_clone().map_err(|e| e.to_string())?;
        let mut command = Command::new(prism);
        command
            .arg("mock")
            .args(["--host", "127.0.0.1", "--port", &port.to_string()])
            // Request violations become 4xx answers instead of examples, so a request that
            // does not fit the document fails the call.
            .arg("--errors");
        if let Responses::Dynamic { seed } = responses {
            command.args(["--dynamic", "--seed", seed]);
        }
        let child = command
            .arg(spec)
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .spawn()
            .map_err(|e| format!("cannot start Prism: {e}"))?;
        let mut prism = Prism {
            child,
            port,
            log: log.to_path_buf(),
        };
        prism.wait_until_ready()?;
        Ok(prism)
    }

    /// `http://127.0.0.1:PORT`.
    pub fn base_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Polls until Prism answers an HTTP request (any status), it exits, or
    /// [`PRISM_STARTUP`] passes.
    fn wait_until_ready(&mut self) -> Result<(), String> {
        let deadline = Instant::now() + PRISM_STARTUP;
        while Instant::now() < deadline {
            if answers_http(self.port) {
                return Ok(());
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                return Err(format!(
                    "Prism exited with {status} before listening; its output:\n{}",
                    self.log_tail()
                ));
            }
            std::thread::sleep(Duration::from_millis(250));
        }
        Err(format!(
            "Prism did not answer on port {} within {PRISM_STARTUP:?}; its output:\n{}",
            self.port,
            self.log_tail()
        ))
    }

    /// The last lines of Prism's output.
    pub fn log_tail(&self) -> String {
        let text = fs::read_to_string(&self.log).unwrap_or_default();
        crate::last_lines(&text, 30).join("\n")
    }
}

impl Drop for Prism {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A port that was free a moment ago.
fn free_port() -> Result<u16, String> {
    let listener = TcpListener::bind("127.0.0.1:0").map_err(|e| format!("no free port: {e}"))?;
    listener
        .local_addr()
        .map(|a| a.port())
        .map_err(|e| e.to_string())
}

/// Whether something on `port` answers `GET /` with an HTTP status line.
fn answers_http(port: u16) -> bool {
    let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port)) else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
    let request = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
    if stream.write_all(request.as_bytes()).is_err() {
        return false;
    }
    let mut head = [0u8; 5];
    stream.read_exact(&mut head).is_ok() && &head == b"HTTP/"
}

/// The smoke test's summary line.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    /// Operations the crate has (with its default features).
    pub operations: usize,
    /// Operations called.
    pub called: usize,
    /// Failed calls: operation and error.
    pub failures: Vec<(String, String)>,
    /// Operations not called: operation and reason.
    pub not_called: Vec<(String, String)>,
}

/// The last summary line in the smoke test's output, if there is one.
pub fn parse_summary(stdout: &str) -> Option<Summary> {
    let line = stdout
        .lines()
        .rev()
        .find(|l| l.starts_with("{\"operations\":"))?;
    let v: serde_json::Value = serde_json::from_str(line).ok()?;
    let count = |k: &str| v.get(k)?.as_u64().map(|n| n as usize);
    let pairs = |k: &str, second: &str| -> Option<Vec<(String, String)>> {
        v.get(k)?
            .as_array()?
            .iter()
            .map(|e| {
                Some((
                    e.get("operation")?.as_str()?.to_string(),
                    e.get(second)?.as_str()?.to_string(),
                ))
            })
            .collect()
    };
    Some(Summary {
        operations: count("operations")?,
        called: count("called")?,
        failures: pairs("failures", "error")?,
        not_called: pairs("not_called", "reason")?,
    })
}

/// How a run of a smoke test ended.
#[derive(Debug)]
pub struct SmokeRun {
    /// Whether the test passed (`None`: it was stopped at the time limit).
    pub passed: Option<bool>,
    /// Its summary line, when it printed one.
    pub summary: Option<Summary>,
    /// What it printed.
    pub stdout: String,
    /// Cargo's and the test's stderr.
    pub stderr: String,
}

/// Builds the smoke test of the crate `package` in the workspace `dir` (offline, into
/// `target`), without running it; `Err` holds the end of the compiler's output.
pub fn build_smoke(
    dir: &Path,
    target: &Path,
    package: &str,
    logs: &Path,
    timeout: Duration,
) -> Result<(), String> {
    let mut cmd = crate::cargo();
    cmd.current_dir(dir)
        .args([
            "test",
            "--offline",
            "--no-run",
            "-p",
            package,
            "--test",
            "smoke",
        ])
        .env("CARGO_TARGET_DIR", target)
        .env("CARGO_TERM_COLOR", "never")
        .env_remove("RUSTFLAGS");
    let out = logs.join(format!("{package}.build.out"));
    let err = logs.join(format!("{package}.build.txt"));
    match crate::run_limited(&mut cmd, &out, &err, timeout)? {
        Some(status) if status.success() => Ok(()),
        Some(status) => Err(format!(
            "the smoke test does not build ({status}):\n{}",
            crate::last_lines(&fs::read_to_string(&err).unwrap_or_default(), 30).join("\n")
        )),
        None => Err(format!(
            "building the smoke test took longer than {timeout:?}"
        )),
    }
}

/// Runs the smoke test of `package` against `base_url` (building it if needed).
pub fn run_smoke(
    dir: &Path,
    target: &Path,
    package: &str,
    base_url: &str,
    logs: &Path,
    timeout: Duration,
) -> Result<SmokeRun, String> {
    let mut cmd = crate::cargo();
    cmd.current_dir(dir)
        .args([
            "test",
            "--offline",
            "-p",
            package,
            "--test",
            "smoke",
            "--",
            "--nocapture",
        ])
        .env("CARGO_TARGET_DIR", target)
        .env("CARGO_TERM_COLOR", "never")
        .env("SMOKE_BASE_URL", base_url)
        .env_remove("RUSTFLAGS");
    let out = logs.join(format!("{package}.smoke.out"));
    let err = logs.join(format!("{package}.smoke.txt"));
    let status = crate::run_limited(&mut cmd, &out, &err, timeout)?;
    let stdout = fs::read_to_string(&out).unwrap_or_default();
    let stderr = fs::read_to_string(&err).unwrap_or_default();
    Ok(SmokeRun {
        passed: status.map(|s| s.success()),
        summary: parse_summary(&stdout),
        stdout,
        stderr,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_summary_line_is_found_among_other_output() {
        let out = "running 1 test\ntest smoke ... \n{\"operations\": 3, \"called\": 2, \"failures\": [{\"operation\":\"a\",\"error\":\"undeclared status 422\"}], \"not_called\": [{\"operation\":\"b\",\"reason\":\"pattern\"}]}\nFAILED\n";
        assert_eq!(
            parse_summary(out),
            Some(Summary {
                operations: 3,
                called: 2,
                failures: vec![("a".into(), "undeclared status 422".into())],
                not_called: vec![("b".into(), "pattern".into())],
            })
        );
        assert_eq!(parse_summary("test smoke ... ok\n"), None);
    }
}
