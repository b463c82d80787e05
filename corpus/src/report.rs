//! The report: `report.md`, `report.json` and `failures.md`, from the run's entries.

use crate::run::{Diag, Entry, Outcome, GENERATE_TIMEOUT};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

/// How much of each failure goes into `failures.md`.
const MAX_DIAGNOSTICS_SHOWN: usize = 10;
const MAX_COMPILER_ERRORS_SHOWN: usize = 3;
const MAX_LINES_PER_COMPILER_ERROR: usize = 30;

/// The entries of a run, with what the totals need.
pub(crate) struct Report<'a> {
    pub(crate) entries: &'a [Entry],
    pub(crate) checked: bool,
    pub(crate) warmup_secs: Option<f64>,
    pub(crate) wall_secs: f64,
}

impl Report<'_> {
    fn count(&self, f: impl Fn(&Entry) -> bool) -> usize {
        self.entries.iter().filter(|e| f(e)).count()
    }

    fn totals(&self) -> Vec<(&'static str, String)> {
        let total = self.entries.len();
        let compiled = self.count(Entry::compiled);
        let rate = if total == 0 {
            0.0
        } else {
            100.0 * compiled as f64 / total as f64
        };
        let gen: f64 = self.entries.iter().map(|e| e.generate_secs).sum();
        let check: f64 = self
            .entries
            .iter()
            .filter_map(|e| e.check.as_ref().map(|c| c.secs))
            .sum();
        vec![
            ("documents", total.to_string()),
            (
                "generated",
                self.count(|e| matches!(e.outcome, Outcome::Generated))
                    .to_string(),
            ),
            (
                "refused with errors",
                self.count(|e| matches!(e.outcome, Outcome::Errors(_)))
                    .to_string(),
            ),
            (
                "panics",
                self.count(|e| matches!(e.outcome, Outcome::Panic(_)))
                    .to_string(),
            ),
            (
                "generation timeouts",
                self.count(|e| matches!(e.outcome, Outcome::Timeout))
                    .to_string(),
            ),
            (
                "compiled",
                if self.checked {
                    compiled.to_string()
                } else {
                    "not checked (--no-check)".to_string()
                },
            ),
            (
                "did not compile",
                self.count(|e| e.check.as_ref().is_some_and(|c| !c.success))
                    .to_string(),
            ),
            (
                "pass rate (compiled / documents)",
                if self.checked {
                    format!("{compiled}/{total} = {rate:.1}%")
                } else {
                    "-".to_string()
                },
            ),
            (
                "operations skipped (sum)",
                self.entries
                    .iter()
                    .map(Entry::skipped_operations)
                    .sum::<usize>()
                    .to_string(),
            ),
            (
                "types weakened (sum)",
                self.entries
                    .iter()
                    .map(Entry::weakened_types)
                    .sum::<usize>()
                    .to_string(),
            ),
            ("generate seconds (sum)", format!("{gen:.1}")),
            ("check seconds (sum)", format!("{check:.1}")),
            (
                "dependency warm-up seconds",
                self.warmup_secs
                    .map_or("-".to_string(), |s| format!("{s:.1}")),
            ),
            ("wall-clock seconds", format!("{:.1}", self.wall_secs)),
        ]
    }

    pub(crate) fn markdown(&self) -> String {
        let mut out = String::from(
            "# Corpus report\n\n| Document | Operations | Schemas | Result | Warnings | Skipped operations | Weakened types | Compiles | rustc warnings | Generate s | Check s |\n|---|--:|--:|---|--:|--:|--:|---|--:|--:|--:|\n",
        );
        for e in self.entries {
            let (ops, schemas) = match &e.counts {
                Ok((o, s)) => (o.to_string(), s.to_string()),
                Err(_) => ("?".to_string(), "?".to_string()),
            };
            let _ = writeln!(
                out,
                "| {}/{} | {ops} | {schemas} | {} | {} | {} | {} | {} | {} | {:.2} | {} |",
                e.package,
                e.path,
                e.result_text(),
                e.warnings.len(),
                e.skipped_operations(),
                e.weakened_types(),
                e.compiles_text(),
                e.check
                    .as_ref()
                    .map_or("-".to_string(), |c| c.warnings.len().to_string()),
                e.generate_secs,
                e.check
                    .as_ref()
                    .map_or("-".to_string(), |c| format!("{:.2}", c.secs)),
            );
        }
        out.push_str("\n| Total | |\n|---|---|\n");
        for (k, v) in self.totals() {
            let _ = writeln!(out, "| {k} | {v} |");
        }
        out
    }

    pub(crate) fn json(&self) -> serde_json::Value {
        let documents: Vec<serde_json::Value> = self
            .entries
            .iter()
            .map(|e| {
                let (operations, schemas) = match &e.counts {
                    Ok((o, s)) => (serde_json::json!(o), serde_json::json!(s)),
                    Err(_) => (serde_json::Value::Null, serde_json::Value::Null),
                };
                serde_json::json!({
                    "document": format!("{}/{}", e.package, e.path),
                    "package": e.package,
                    "path": e.path,
                    "crate": e.crate_name,
                    "operations": operations,
                    "schemas": schemas,
                    "result": e.result_text(),
                    "errors": match &e.outcome {
                        Outcome::Errors(d) => d.iter().map(Diag::line).collect::<Vec<_>>(),
                        Outcome::Panic(m) => vec![m.clone()],
                        _ => Vec::new(),
                    },
                    "warnings": e.warnings.len(),
                    "skipped_operations": e.skipped_operations(),
                    "weakened_types": e.weakened_types(),
                    "compiles": e.check.as_ref().map(|c| c.success),
                    "compile_errors": e.check.as_ref().map_or(0, |c| c.errors.len()),
                    "rustc_warnings": e.check.as_ref().map(|c| c.warnings.len()),
                    "check_timed_out": e.check.as_ref().is_some_and(|c| c.timed_out),
                    "generate_seconds": round2(e.generate_secs),
                    "check_seconds": e.check.as_ref().map(|c| round2(c.secs)),
                })
            })
            .collect();
        let totals: serde_json::Map<String, serde_json::Value> = self
            .totals()
            .into_iter()
            .map(|(k, v)| (k.to_string(), serde_json::Value::String(v)))
            .collect();
        serde_json::json!({ "documents": documents, "totals": totals })
    }

    /// Categories first (normalized messages, with up to three examples each), then every
    /// failing document with its first diagnostics and compiler errors.
    pub(crate) fn failures(&self) -> String {
        let mut out = String::from("# Corpus failures and findings\n\nLogs of every run are in `target/corpus/logs/`; the generated crates in `target/corpus/crates/<slug>/`.\n\n");
        // category -> (documents, examples)
        let mut categories: BTreeMap<(String, String), (BTreeSet<String>, Vec<String>)> =
            BTreeMap::new();
        for e in self.entries {
            let doc = format!("{}/{}", e.package, e.path);
            let mut add = |kind: &str, key: String, example: String| {
                let (docs, examples) = categories
                    .entry((kind.to_string(), key))
                    .or_insert_with(|| (BTreeSet::new(), Vec::new()));
                if docs.insert(doc.clone()) && examples.len() < 3 {
                    examples.push(format!("{doc}: {example}"));
                }
            };
            match &e.outcome {
                Outcome::Errors(diags) => {
                    for d in diags.iter().filter(|d| d.severity == "error") {
                        add(
                            "generator error",
                            normalize(&d.message),
                            format!("{} (at `{}`)", d.message, d.pointer),
                        );
                    }
                }
                Outcome::Panic(m) => add("panic", normalize(first_line_after_at(m)), m.clone()),
                Outcome::Timeout => add("generation timeout", String::new(), String::new()),
                Outcome::Generated => {}
            }
            if let Some(c) = &e.check {
                if c.timed_out {
                    add("check timeout", String::new(), format!("{:.0}s", c.secs));
                }
                for b in &c.errors {
                    add(
                        "compile error",
                        normalize(&b.header),
                        format!("{} (at `{}`)", b.header, b.location),
                    );
                }
            }
        }
        out.push_str("## Categories\n\n");
        if categories.is_empty() {
            out.push_str("None: every document generated and compiled.\n\n");
        }
        let mut sorted: Vec<_> = categories.into_iter().collect();
        sorted.sort_by(|a, b| b.1 .0.len().cmp(&a.1 .0.len()).then(a.0.cmp(&b.0)));
        for ((kind, key), (docs, examples)) in &sorted {
            let _ = writeln!(out, "### {kind}: {key}\n\n{} documents\n", docs.len());
            for x in examples {
                let _ = writeln!(out, "- {x}");
            }
            out.push('\n');
        }
        out.push_str("## Documents\n\n");
        if !self.entries.iter().any(Entry::failed) {
            out.push_str("None.\n\n");
        }
        for e in self.entries.iter().filter(|e| e.failed()) {
            let _ = writeln!(
                out,
                "### {}/{}\n\ncrate `{}` in `target/corpus/crates/{}/`; result: {}; compiles: {}\n",
                e.package,
                e.path,
                e.crate_name,
                e.slug,
                e.result_text(),
                e.compiles_text()
            );
            match &e.outcome {
                Outcome::Errors(diags) => {
                    out.push_str("```text\n");
                    let mut errors: Vec<&Diag> =
                        diags.iter().filter(|d| d.severity == "error").collect();
                    errors.extend(diags.iter().filter(|d| d.severity != "error"));
                    for d in errors.iter().take(MAX_DIAGNOSTICS_SHOWN) {
                        let _ = writeln!(out, "{}", d.line());
                    }
                    if diags.len() > MAX_DIAGNOSTICS_SHOWN {
                        let _ = writeln!(out, "... {} more", diags.len() - MAX_DIAGNOSTICS_SHOWN);
                    }
                    out.push_str("```\n\n");
                }
                Outcome::Panic(m) => {
                    let _ = writeln!(out, "```text\n{m}\n```\n");
                }
                Outcome::Timeout => {
                    let _ = writeln!(out, "generation took longer than {GENERATE_TIMEOUT}s\n");
                }
                Outcome::Generated => {}
            }
            if let Some(c) = e.check.as_ref().filter(|c| !c.success) {
                if c.timed_out {
                    let _ = writeln!(out, "`cargo check` timed out after {:.0}s\n", c.secs);
                }
                let _ = writeln!(
                    out,
                    "{} compiler errors (full log: `target/corpus/logs/{}.check.txt`); the first {}:\n\n```text",
                    c.errors.len(),
                    e.slug,
                    MAX_COMPILER_ERRORS_SHOWN.min(c.errors.len())
                );
                for b in c.errors.iter().take(MAX_COMPILER_ERRORS_SHOWN) {
                    let lines: Vec<&str> = b.text.lines().collect();
                    for l in lines.iter().take(MAX_LINES_PER_COMPILER_ERROR) {
                        let _ = writeln!(out, "{l}");
                    }
                    if lines.len() > MAX_LINES_PER_COMPILER_ERROR {
                        out.push_str("...\n");
                    }
                    out.push('\n');
                }
                out.push_str("```\n\n");
            }
        }
        out.push_str("## Generator warnings by kind\n\nNot failures: the crate was generated, but these show what was approximated or left out.\n\n");
        out.push_str(&kinds_table(
            "Warning",
            self.entries.iter().flat_map(|e| {
                e.warnings.iter().map(move |w| {
                    (
                        format!("{}/{}", e.package, e.path),
                        normalize(&w.message),
                        format!("{} (at `{}`)", w.message, w.pointer),
                    )
                })
            }),
        ));
        out.push_str("\n## rustc warnings in generated code by kind\n\nNot failures either, but generated code is meant to be warning-free.\n\n");
        out.push_str(&kinds_table(
            "rustc warning",
            self.entries.iter().flat_map(|e| {
                e.check.iter().flat_map(move |c| {
                    c.warnings.iter().map(move |b| {
                        (
                            format!("{}/{}", e.package, e.path),
                            normalize(&b.header),
                            format!("{} (at `{}`)", b.header, b.location),
                        )
                    })
                })
            }),
        ));
        out
    }
}

/// A markdown table of `(document, kind, example)` rows grouped by kind: how many documents,
/// how many times, and up to two examples from different documents.
fn kinds_table(what: &str, rows: impl Iterator<Item = (String, String, String)>) -> String {
    let mut kinds: BTreeMap<String, (BTreeSet<String>, usize, Vec<String>)> = BTreeMap::new();
    for (doc, kind, example) in rows {
        let (docs, n, examples) = kinds.entry(kind).or_default();
        *n += 1;
        if docs.insert(doc.clone()) && examples.len() < 2 {
            examples.push(format!("{doc}: {example}"));
        }
    }
    if kinds.is_empty() {
        return "None.\n".to_string();
    }
    let mut sorted: Vec<_> = kinds.into_iter().collect();
    sorted.sort_by(|a, b| b.1 .0.len().cmp(&a.1 .0.len()).then(a.0.cmp(&b.0)));
    let mut out = format!("| {what} | Documents | Occurrences | Examples |\n|---|--:|--:|---|\n");
    for (kind, (docs, n, examples)) in sorted {
        let _ = writeln!(
            out,
            "| {} | {} | {n} | {} |",
            kind.replace('|', "\\|"),
            docs.len(),
            examples.join("<br>").replace('|', "\\|")
        );
    }
    out
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// The message of a panic report (`panicked at FILE:LINE:COL:\nMESSAGE`), for grouping.
fn first_line_after_at(message: &str) -> &str {
    message.lines().nth(1).unwrap_or(message)
}

/// Groups messages that differ only in the names they quote: `…` replaces backquoted text,
/// except OpenAPI keywords, which say what kind of problem it is.
fn normalize(message: &str) -> String {
    const KEYWORDS: [&str; 12] = [
        "allOf",
        "oneOf",
        "anyOf",
        "not",
        "items",
        "enum",
        "discriminator",
        "additionalProperties",
        "properties",
        "required",
        "nullable",
        "format",
    ];
    let mut out = String::new();
    for (i, part) in message.split('`').enumerate() {
        if i > 0 {
            out.push('`');
        }
        // Odd parts are inside backquotes (unless the quotes are unbalanced at the end).
        if i % 2 == 1 && !KEYWORDS.contains(&part) {
            out.push('…');
        } else {
            out.push_str(part);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_quoted_names() {
        assert_eq!(
            normalize("cannot find type `Foo` in `bar`"),
            "cannot find type `…` in `…`"
        );
        assert_eq!(
            normalize("an `allOf` member of `X` is ignored"),
            "an `allOf` member of `…` is ignored"
        );
    }
}
