//! Output: the ordered set of generated files, and the freshness check that compares it
//! with what is on disk.

use std::collections::BTreeMap;
use std::path::Path;

/// Generated files by relative path (forward slashes), in path order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Output {
    /// File contents by relative path.
    pub files: BTreeMap<String, String>,
}

/// How a directory differs from an [`Output`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Staleness {
    /// Files whose contents differ.
    pub stale: Vec<String>,
    /// Files the output has and the directory lacks.
    pub missing: Vec<String>,
    /// Files the directory has and the output lacks.
    pub extra: Vec<String>,
}

impl Staleness {
    /// Whether the directory matches.
    pub fn is_fresh(&self) -> bool {
        self.stale.is_empty() && self.missing.is_empty() && self.extra.is_empty()
    }
}

impl std::fmt::Display for Staleness {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for p in &self.stale {
            writeln!(f, "stale:   {p}")?;
        }
        for p in &self.missing {
            writeln!(f, "missing: {p}")?;
        }
        for p in &self.extra {
            writeln!(f, "extra:   {p}")?;
        }
        Ok(())
    }
}

/// Directories under the output root that belong to people, not the generator.
pub const HAND_WRITTEN_DIRS: &[&str] = &["examples", "tests", "target"];

impl Output {
    /// Compares with `dir`, normalising line endings. Files under [`HAND_WRITTEN_DIRS`]
    /// are not the generator's and are left out of the comparison.
    pub fn compare(&self, dir: &Path) -> std::io::Result<Staleness> {
        let mut on_disk = BTreeMap::new();
        if dir.exists() {
            collect(dir, dir, &mut on_disk)?;
        }
        let mut s = Staleness::default();
        for (path, text) in &self.files {
            match on_disk.get(path) {
                None => s.missing.push(path.clone()),
                Some(disk) if normalise(disk) != normalise(text) => s.stale.push(path.clone()),
                Some(_) => {}
            }
        }
        for path in on_disk.keys() {
            if !self.files.contains_key(path) {
                s.extra.push(path.clone());
            }
        }
        Ok(s)
    }

    /// Writes every file under `dir`, removing generator-owned files that are no longer
    /// produced. Files under [`HAND_WRITTEN_DIRS`] are kept.
    pub fn write(&self, dir: &Path) -> std::io::Result<()> {
        let staleness = self.compare(dir)?;
        for extra in &staleness.extra {
            std::fs::remove_file(dir.join(extra))?;
        }
        for (path, text) in &self.files {
            let target = dir.join(path);
            if let Some(parent) = target.parent() {
                std::fs::create_dir_all(parent)?;
            }
            let unchanged = std::fs::read_to_string(&target)
                .map(|t| t == *text)
                .unwrap_or(false);
            if !unchanged {
                std::fs::write(&target, text)?;
            }
        }
        Ok(())
    }
}

fn normalise(s: &str) -> String {
    s.replace("\r\n", "\n")
}

fn collect(root: &Path, dir: &Path, out: &mut BTreeMap<String, String>) -> std::io::Result<()> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)?.collect::<Result<_, _>>()?;
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let path = entry.path();
        let rel = path
            .strip_prefix(root)
            .unwrap_or(&path)
            .to_string_lossy()
            .replace('\\', "/");
        if entry.file_type()?.is_dir() {
            if dir == root && HAND_WRITTEN_DIRS.contains(&rel.as_str()) {
                continue;
            }
            collect(root, &path, out)?;
        } else if rel != "Cargo.lock" {
            let text = std::fs::read(&path)?;
            out.insert(rel, String::from_utf8_lossy(&text).into_owned());
        }
    }
    Ok(())
}
