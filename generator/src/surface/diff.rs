//! Surface diff: two `api-surface.txt` texts in, the API-level changes out (operations,
//! parameters, bodies, results, errors, types, fields, enum values, variants, schemes; each
//! with its place in the document) and a semver verdict with the reason, judged by what the
//! generated code does with each change (a new struct field breaks struct literals, a new
//! string-enum value breaks exhaustive matches, an optional parameter is a new builder
//! method). [`bump`] applies a verdict to a version the way Cargo reads versions.

use std::collections::BTreeMap;
use std::fmt;

/// How much a change breaks users.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Verdict {
    /// Nothing users see changed.
    None,
    /// Documentation or internals only.
    Patch,
    /// Additions: code that compiled still compiles and means the same.
    Minor,
    /// Users' code can stop compiling, or a call can change meaning.
    Major,
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Verdict::None => "none",
            Verdict::Patch => "patch",
            Verdict::Minor => "minor",
            Verdict::Major => "major",
        })
    }
}

/// One API-level change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// How much it breaks.
    pub verdict: Verdict,
    /// The item, as the surface names it (`operation listPets param limit`).
    pub item: String,
    /// What changed and why it has its verdict.
    pub what: String,
    /// The place in the document (of the operation or type it belongs to), when known.
    pub at: Option<String>,
}

/// The changes between two surfaces, and the verdict.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// Every change, in item order.
    pub changes: Vec<Change>,
    /// The largest verdict of the changes ([`Verdict::None`] when there are none).
    pub verdict: Verdict,
}

impl Report {
    /// The report for a crate whose other files changed while the surface did not: patch.
    pub fn with_other_files_changed(mut self, changed: bool) -> Self {
        if changed && self.verdict == Verdict::None {
            self.verdict = Verdict::Patch;
        }
        self
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let reason = match self.verdict {
            Verdict::None => "nothing users see changed",
            Verdict::Patch => "documentation or internals only",
            Verdict::Minor => "additions only",
            Verdict::Major => "users' code can stop compiling or a call can change meaning",
        };
        writeln!(
            f,
            "API changes: {} (semver verdict: {}: {reason})",
            self.changes.len(),
            self.verdict
        )?;
        for c in &self.changes {
            write!(f, "  {:<5}  {}: {}", c.verdict.to_string(), c.item, c.what)?;
            if let Some(at) = &c.at {
                write!(f, " (at {at})")?;
            }
            writeln!(f)?;
        }
        Ok(())
    }
}

/// Reads a surface file back: key to value, ignoring comment lines.
pub fn parse(text: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for line in text.lines() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        if let Some(at) = separator(line) {
            out.insert(line[..at].to_string(), line[at + 2..].to_string());
        }
    }
    out
}

/// Where the first `: ` outside a quoted word is.
fn separator(line: &str) -> Option<usize> {
    let bytes = line.as_bytes();
    let mut quoted = false;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if quoted => i += 1,
            b'"' => quoted = !quoted,
            b':' if !quoted && bytes.get(i + 1) == Some(&b' ') => return Some(i),
            _ => {}
        }
        i += 1;
    }
    None
}

/// The words of a key or value, quoted words kept whole.
fn words(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let bytes = s.as_bytes();
    let (mut start, mut quoted, mut i) = (0, false, 0);
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if quoted => i += 1,
            b'"' => quoted = !quoted,
            b' ' if !quoted => {
                if i > start {
                    out.push(&s[start..i]);
                }
                start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    if start < s.len() {
        out.push(&s[start..]);
    }
    out
}

/// `value at POINTER` split into the value and the pointer (quoted words kept whole).
fn split_at_place(value: &str) -> (String, Option<String>) {
    let w = words(value);
    match w.len().checked_sub(2) {
        Some(i) if w[i] == "at" => (w[..i].join(" "), Some(w[i + 1].to_string())),
        _ => (value.to_string(), None),
    }
}

/// The types of `before` that are, in `after`, an alias of another type (`type A: alias B`)
/// whose items in `after` are those `A` had in `before` (same kind, same fields, values and
/// variants), each with that type's name.
fn aliased_twins(
    before: &BTreeMap<String, String>,
    after: &BTreeMap<String, String>,
) -> BTreeMap<String, String> {
    let kind = |m: &BTreeMap<String, String>, t: &str| -> Option<String> {
        m.get(&format!("type {t}")).map(|v| split_at_place(v).0)
    };
    // A type's items (sub-keys without the owner, values without places), deprecation and
    // feature marks left out: they are the name's own.
    let items = |m: &BTreeMap<String, String>, t: &str| -> BTreeMap<String, String> {
        let prefix = format!("type {t} ");
        m.range(prefix.clone()..)
            .take_while(|(k, _)| k.starts_with(&prefix))
            .filter(|(k, _)| !matches!(&k[prefix.len()..], "deprecated" | "feature"))
            .map(|(k, v)| (k[prefix.len()..].to_string(), split_at_place(v).0))
            .collect()
    };
    let mut out = BTreeMap::new();
    for (key, value) in after {
        let w = words(key);
        let (["type", name], Some(target)) = (w.as_slice(), value.strip_prefix("alias ")) else {
            continue;
        };
        let target = words(target).first().copied().unwrap_or("").to_string();
        let was = kind(before, name);
        let twin = was.is_some()
            && !was.as_deref().is_some_and(|k| k.starts_with("alias "))
            && was == kind(after, &target)
            && items(before, name) == items(after, &target);
        if twin {
            out.insert(name.to_string(), target);
        }
    }
    out
}

/// Compares the surface on disk (`old`) with the new one.
pub fn compare(old: &str, new: &str) -> Report {
    let (old, new) = (parse(old), parse(new));
    let mut changes = Vec::new();
    // Operations removed and added with the same method and path are renames.
    let ops = |m: &BTreeMap<String, String>| -> BTreeMap<String, String> {
        m.iter()
            .filter(|(k, _)| words(k).len() == 2 && k.starts_with("operation "))
            .map(|(k, v)| {
                let w = words(v);
                (
                    k.clone(),
                    format!("{} {}", w[0], w.get(1).copied().unwrap_or("")),
                )
            })
            .collect()
    };
    let (old_ops, new_ops) = (ops(&old), ops(&new));
    let mut renamed: BTreeMap<String, String> = BTreeMap::new();
    for (k, route) in &old_ops {
        if new.contains_key(k) {
            continue;
        }
        if let Some((nk, _)) = new_ops
            .iter()
            .find(|(nk, r)| *r == route && !old.contains_key(*nk))
        {
            renamed.insert(k.clone(), nk.clone());
        }
    }
    let renamed_to: BTreeMap<&String, &String> = renamed.iter().map(|(a, b)| (b, a)).collect();
    // Types that became an alias of a type with the same definition (merged), or stopped
    // being one (split): their values and fields are the other type's, reported once.
    let merged = aliased_twins(&old, &new);
    let split = aliased_twins(&new, &old);
    let place = |key: &str| -> Option<String> {
        let w = words(key);
        let owner = w.iter().take(2).copied().collect::<Vec<_>>().join(" ");
        new.get(&owner)
            .or_else(|| old.get(&owner))
            .and_then(|v| split_at_place(v).1)
    };
    let mut keys: Vec<&String> = old.keys().chain(new.keys()).collect();
    keys.sort();
    keys.dedup();
    for key in keys {
        let w = words(key);
        // Items under a renamed operation are reported once, with the rename.
        let owner = w.iter().take(2).copied().collect::<Vec<_>>().join(" ");
        let owner_came_or_went = old.contains_key(&owner) != new.contains_key(&owner);
        let twin = w.get(1).filter(|_| w[0] == "type").map(|t| t.to_string());
        let merge = twin.as_ref().and_then(|t| merged.get(t));
        let unmerge = twin.as_ref().and_then(|t| split.get(t));
        if w.len() > 2
            && (owner_came_or_went
                || renamed.contains_key(&owner)
                || renamed_to.contains_key(&owner)
                || merge
                    .or(unmerge)
                    .is_some_and(|_| w.last() != Some(&"deprecated")))
        {
            continue;
        }
        let (o, n) = (old.get(key), new.get(key));
        let change = if let (2, Some(target)) = (w.len(), merge) {
            Some((
                Verdict::Minor,
                format!(
                    "now an alias of `{target}`, whose definition is the same: values, fields and variants are the same under either name (only a trait implemented for both names now conflicts)"
                ),
            ))
        } else if let (2, Some(target)) = (w.len(), unmerge) {
            Some((
                Verdict::Major,
                format!(
                    "no longer an alias of `{target}`: the same definition, but values no longer pass from one name to the other"
                ),
            ))
        } else if let Some(to) = renamed.get(key) {
            Some((
                Verdict::Major,
                format!(
                    "renamed to {} (same method and path): its method name changes",
                    &to["operation ".len()..]
                ),
            ))
        } else if renamed_to.contains_key(key) {
            None
        } else {
            classify(&w, o.map(String::as_str), n.map(String::as_str), &new)
        };
        if let Some((verdict, what)) = change {
            changes.push(Change {
                verdict,
                item: key.clone(),
                what,
                at: place(key),
            });
        }
    }
    let verdict = changes
        .iter()
        .map(|c| c.verdict)
        .max()
        .unwrap_or(Verdict::None);
    Report { changes, verdict }
}

/// The verdict and description of one item's change; `None` when users see no change (a
/// pointer moved, say).
fn classify(
    key: &[&str],
    old: Option<&str>,
    new: Option<&str>,
    new_all: &BTreeMap<String, String>,
) -> Option<(Verdict, String)> {
    use Verdict::{Major, Minor};
    let (o, n) = (
        old.map(|v| split_at_place(v).0),
        new.map(|v| split_at_place(v).0),
    );
    if o == n {
        return None;
    }
    let (o, n) = (o.as_deref(), n.as_deref());
    let changed = |what: &str| {
        format!(
            "{what} changed from `{}` to `{}`",
            o.unwrap_or(""),
            n.unwrap_or("")
        )
    };
    let last = key.last().copied().unwrap_or("");
    let r = match (key, o, n) {
        // Deprecation marks only warn.
        (_, None, Some(_)) if last == "deprecated" => (Minor, "deprecated".to_string()),
        (_, Some(_), None) if last == "deprecated" => (Minor, "no longer deprecated".to_string()),
        (["client", "base_url"], _, _) => (Major, changed("the default base URL") + ": calls go elsewhere unless the user sets one"),
        (["feature", _], None, Some(v)) if v.contains("(not in default)") => (Minor, "Cargo feature added (off by default)".into()),
        (["feature", _], None, Some(_)) => (Minor, "Cargo feature added (on by default)".into()),
        (["type", _, "feature"], None, Some(v)) => (Major, format!("now compiled only with the feature `{}`: code that names it needs the feature", words(v).first().copied().unwrap_or(""))),
        (["type", _, "feature"], Some(_), None) => (Minor, "now in the default build".into()),
        (["feature", _], Some(_), None) => (Major, "Cargo feature removed: dependents that name it stop building".into()),
        (["feature", _], _, _) => (Minor, changed("the tag behind it")),
        (["scheme", _], None, Some(_)) => (Minor, "security scheme added (a new builder method)".into()),
        (["scheme", _], Some(_), None) => (Major, "security scheme removed (its builder method goes)".into()),
        (["scheme", _], _, _) => (Major, changed("how the credential travels")),
        (["operation", _], None, Some(_)) => (Minor, "operation added".into()),
        (["operation", _], Some(_), None) => (Major, "operation removed".into()),
        (["operation", _], Some(a), Some(b)) => {
            let (wa, wb) = (words(a), words(b));
            if wa.get(2..) != wb.get(2..) {
                (Major, changed("its Rust name") + ": calls name the old method")
            } else {
                (Minor, changed("its method and path") + ": the client sends the new request")
            }
        }
        (["operation", _, "param", _], None, Some(v)) => {
            if words(v).get(1) == Some(&"required") {
                (Major, format!("required parameter added (`{v}`): a new argument"))
            } else {
                (Minor, format!("optional parameter added (`{v}`): a new builder method"))
            }
        }
        (["operation", _, "param", _], Some(_), None) => (Major, "parameter removed (its argument or builder method goes)".into()),
        (["operation", _, "param", _], Some(a), Some(b)) => {
            let (wa, wb) = (words(a), words(b));
            if wa.get(1) != wb.get(1) {
                let now = wb.get(1).copied().unwrap_or("");
                (Major, format!("now {now} (was {}): the argument and the builder method trade places", wa.get(1).copied().unwrap_or("")))
            } else if wa.get(2..) != wb.get(2..) {
                (Major, format!("retyped from `{}` to `{}`", wa.get(2..).unwrap_or(&[]).join(" "), wb.get(2..).unwrap_or(&[]).join(" ")))
            } else {
                (Minor, changed("where it is sent") + ": the client sends it the new way")
            }
        }
        (["operation", _, "body"], None, Some(_)) => (Major, format!("request body added (`{}`): a new argument", n.unwrap_or(""))),
        (["operation", _, "body"], Some(_), None) => (Major, "request body removed (its argument goes)".into()),
        (["operation", _, "body"], Some(a), Some(b)) => {
            let (wa, wb) = (words(a), words(b));
            if wa.get(1..) == wb.get(1..) {
                (Minor, changed("the body's encoding") + ": the client sends the new encoding")
            } else {
                (Major, changed("the request body"))
            }
        }
        (["operation", _, "ok"], _, _) => (Major, changed("the success type")),
        (["operation", _, "error_type"], _, _) => (Major, changed("the error body type")),
        (["operation", _, "error", _], None, Some(_)) => (Major, "error status documented: it now arrives as `Error::Api` instead of `Error::UnexpectedStatus`".into()),
        (["operation", _, "error", _], Some(_), None) => (Major, "error status no longer documented: it now arrives as `Error::UnexpectedStatus`".into()),
        (["operation", _, "error", _], _, _) => (Major, changed("the error body")),
        (["operation", _, "security"], _, _) => (Major, changed("the accepted credentials") + ": calls may need another credential"),
        (["type", _], None, Some(_)) => (Minor, "type added".into()),
        (["type", _], Some(_), None) => (Major, "type removed".into()),
        (["type", _], Some(_), Some(_)) => (Major, changed("the type")),
        (["type", _, "field", _], None, Some(v)) => (Major, format!("field added (`{v}`): struct literals that list every field stop compiling")),
        (["type", _, "field", _], Some(_), None) => (Major, "field removed".into()),
        (["type", _, "field", _], _, _) => (Major, changed("the field")),
        (["type", _, "additional"], _, _) => (Major, changed("the additional-properties field")),
        (["type", t, "value", _], None, Some(_)) => {
            let int_enum = new_all
                .get(&format!("type {t}"))
                .is_some_and(|k| k.starts_with("integer enum"));
            if int_enum {
                (Minor, "value added (a new constant)".into())
            } else {
                (Major, "enum value added: exhaustive `match`es stop compiling".into())
            }
        }
        (["type", _, "value", _], Some(_), None) => (Major, "enum value removed (its variant goes)".into()),
        (["type", _, "value", _], _, _) => (Major, changed("the variant name")),
        (["type", _, "variant", _], None, Some(_)) => (Major, "union variant added: exhaustive `match`es stop compiling".into()),
        (["type", _, "variant", _], Some(_), None) => (Major, "union variant removed".into()),
        (["type", _, "variant", _], _, _) => (Major, changed("the variant")),
        _ => (Major, changed("it")),
    };
    Some(r)
}

/// `version` bumped for `verdict` as Cargo compares versions: below 1.0 a breaking change
/// bumps the minor number and an addition the patch number. Pre-release and build parts are
/// dropped; a version that is not `MAJOR.MINOR.PATCH` is returned unchanged.
pub fn bump(version: &str, verdict: Verdict) -> String {
    let core = version.split(['-', '+']).next().unwrap_or(version);
    let parts: Vec<u64> = core.split('.').filter_map(|p| p.parse().ok()).collect();
    let [major, minor, patch] = parts[..] else {
        return version.to_string();
    };
    let (major, minor, patch) = match (verdict, major) {
        (Verdict::None, _) => return version.to_string(),
        (Verdict::Major, 0) => (0, minor + 1, 0),
        (Verdict::Major, _) => (major + 1, 0, 0),
        (Verdict::Minor, 0) | (Verdict::Patch, _) => (major, minor, patch + 1),
        (Verdict::Minor, _) => (major, minor + 1, 0),
    };
    format!("{major}.{minor}.{patch}")
}
