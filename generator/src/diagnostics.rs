//! Diagnostics: problems found in an input document, each tied to a JSON pointer. Shared,
//! below every stage: load and lower report through it, `generate` returns it. Pointers
//! are built by [`crate::pointer`] (re-exported here as [`pointer`](fn@pointer) and [`child`]).

pub use crate::pointer::{child, pointer};
use std::fmt;

/// How bad a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Output was produced, but something was approximated or ignored.
    Warning,
    /// No output can be produced until this is fixed.
    Error,
}

/// What a diagnostic says about the crate: whether it is an approximation of the document
/// (which `--strict` turns into an error) or only a note.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Category {
    /// Not an approximation: a problem in the document, or something worth knowing that
    /// changes nothing the crate can do (a selection naming nothing, webhooks ignored).
    #[default]
    Note,
    /// An approximation: the crate models something less precisely than the document says
    /// (a type becomes free JSON or text, a keyword or header is ignored, a union member
    /// or a paging declaration is dropped).
    Weakened,
    /// An approximation: an operation the document declares is not in the crate.
    Skipped,
}

impl Category {
    /// Whether the crate approximates the document here (`Weakened` or `Skipped`).
    pub fn is_approximation(self) -> bool {
        self != Category::Note
    }
}

/// One problem in the input document.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub struct Diagnostic {
    /// How bad it is.
    pub severity: Severity,
    /// Whether it is an approximation, and of what kind.
    #[serde(skip_serializing_if = "is_note")]
    pub category: Category,
    /// Where it is: a JSON pointer into the document, such as `#/paths/~1pets/get`; for a
    /// problem in an overlay, the overlay's label before the `#` (`fix.yaml#/actions/2`).
    pub pointer: String,
    /// What is wrong, starting lowercase, without a trailing period.
    pub message: String,
}

impl Diagnostic {
    /// An error at `pointer`.
    pub fn error(pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            category: Category::Note,
            pointer: pointer.into(),
            message: message.into(),
        }
    }

    /// A warning at `pointer`.
    pub fn warning(pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            category: Category::Note,
            pointer: pointer.into(),
            message: message.into(),
        }
    }

    /// A warning at `pointer` for an approximation of kind `category`.
    pub fn approximation(
        category: Category,
        pointer: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            category,
            ..Diagnostic::warning(pointer, message)
        }
    }
}

fn is_note(c: &Category) -> bool {
    *c == Category::Note
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let severity = match self.severity {
            Severity::Warning => "warning",
            Severity::Error => "error",
        };
        let category = match self.category {
            Category::Note => "",
            Category::Weakened => "[weakened]",
            Category::Skipped => "[skipped]",
        };
        write!(
            f,
            "{severity}{category}: {} (at {})",
            self.message, self.pointer
        )
    }
}

/// The diagnostics of a run, in the order they were found.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    /// Records a problem.
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.0.push(diagnostic);
    }

    /// Records an error.
    pub fn error(&mut self, pointer: impl Into<String>, message: impl Into<String>) {
        self.push(Diagnostic::error(pointer, message));
    }

    /// Records a warning.
    pub fn warning(&mut self, pointer: impl Into<String>, message: impl Into<String>) {
        self.push(Diagnostic::warning(pointer, message));
    }

    /// Records an approximation: a type or feature the crate models less precisely than the
    /// document says.
    pub fn weakened(&mut self, pointer: impl Into<String>, message: impl Into<String>) {
        self.push(Diagnostic::approximation(
            Category::Weakened,
            pointer,
            message,
        ));
    }

    /// Records an approximation: an operation left out of the crate.
    pub fn skipped(&mut self, pointer: impl Into<String>, message: impl Into<String>) {
        self.push(Diagnostic::approximation(
            Category::Skipped,
            pointer,
            message,
        ));
    }

    /// How many approximations were recorded, of each kind.
    pub fn approximations(&self) -> Approximations {
        let mut counts = Approximations::default();
        for d in &self.0 {
            match d.category {
                Category::Weakened => counts.weakened += 1,
                Category::Skipped => counts.skipped += 1,
                Category::Note => {}
            }
        }
        counts
    }

    /// The same diagnostics with every approximation made an error (`--strict`).
    pub fn strict(mut self) -> Diagnostics {
        for d in &mut self.0 {
            if d.category.is_approximation() {
                d.severity = Severity::Error;
            }
        }
        self
    }

    /// Whether any recorded problem is an error.
    pub fn has_errors(&self) -> bool {
        self.0.iter().any(|d| d.severity == Severity::Error)
    }

    /// The recorded problems.
    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter()
    }

    /// Drops repeats of the same problem at the same place, keeping the first.
    pub fn dedup(&mut self) {
        let mut seen = std::collections::BTreeSet::new();
        self.0.retain(|d| seen.insert(d.clone()));
    }

    /// Whether nothing was recorded.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// How many approximations a run made: the counts behind a run's summary line.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Approximations {
    /// Diagnostics of [`Category::Weakened`]: types and features modelled less precisely.
    pub weakened: usize,
    /// Diagnostics of [`Category::Skipped`]: operations left out.
    pub skipped: usize,
}

impl Approximations {
    /// Whether nothing was approximated.
    pub fn is_empty(&self) -> bool {
        self.weakened == 0 && self.skipped == 0
    }
}

impl fmt::Display for Approximations {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let plural = |n: usize| if n == 1 { "" } else { "s" };
        write!(
            f,
            "{} approximation{}: {} weakened, {} skipped operation{}",
            self.weakened + self.skipped,
            plural(self.weakened + self.skipped),
            self.weakened,
            self.skipped,
            plural(self.skipped)
        )
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for d in &self.0 {
            writeln!(f, "{d}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostics {}
