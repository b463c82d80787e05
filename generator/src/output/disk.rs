//! Output, disk: what is at a path in the output folder, read without following symbolic
//! links, and the folder's files as a map for comparing.

use super::manifest::is_temp;
use super::*;

/// What is at a path.
#[derive(Debug, Default)]
pub(super) enum Found {
    /// Nothing (and no folder on the way is missing that would be in the way).
    #[default]
    Absent,
    /// A regular file, with its bytes.
    File(Vec<u8>),
    /// Something that is not a regular file at `at` (the path or a folder on its way).
    Other { at: String, what: &'static str },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    File,
    Dir,
    Link,
    Special,
}

impl Kind {
    fn of(t: fs::FileType) -> Kind {
        if t.is_symlink() {
            Kind::Link
        } else if t.is_dir() {
            Kind::Dir
        } else if t.is_file() {
            Kind::File
        } else {
            Kind::Special
        }
    }

    fn what(self) -> &'static str {
        match self {
            Kind::File => "a file",
            Kind::Dir => "a folder",
            Kind::Link => "a symbolic link",
            Kind::Special => "a special file",
        }
    }
}

/// What is at `rel` under `dir`, without following symbolic links.
pub(super) fn probe_kind(dir: &Path, rel: &str) -> io::Result<Option<Kind>> {
    let at = if rel.is_empty() {
        dir.to_path_buf()
    } else {
        dir.join(rel)
    };
    match fs::symlink_metadata(at) {
        Ok(m) => Ok(Some(Kind::of(m.file_type()))),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

/// Whether `rel` under `dir` is a folder, reached through folders only (no symbolic link).
pub(super) fn is_real_folder(dir: &Path, rel: &str) -> io::Result<bool> {
    if rel.is_empty() {
        return Ok(true);
    }
    let ends = rel.match_indices('/').map(|(i, _)| i).chain([rel.len()]);
    for end in ends {
        if probe_kind(dir, &rel[..end])? != Some(Kind::Dir) {
            return Ok(false);
        }
    }
    Ok(true)
}

/// What is at `rel` under `dir`: each folder on the way must be a real folder (a symbolic
/// link is never followed), and the path itself a regular file or nothing.
pub(super) fn probe(dir: &Path, rel: &str) -> io::Result<Found> {
    for (i, _) in rel.match_indices('/') {
        match probe_kind(dir, &rel[..i])? {
            None => return Ok(Found::Absent),
            Some(Kind::Dir) => {}
            Some(kind) => {
                return Ok(Found::Other {
                    at: rel[..i].to_string(),
                    what: kind.what(),
                })
            }
        }
    }
    match probe_kind(dir, rel)? {
        None => Ok(Found::Absent),
        Some(Kind::File) => Ok(Found::File(fs::read(dir.join(rel))?)),
        Some(kind) => Ok(Found::Other {
            at: rel.to_string(),
            what: kind.what(),
        }),
    }
}

pub(super) fn read_dir_sorted(dir: &Path) -> io::Result<Vec<(String, Kind)>> {
    let mut entries = Vec::new();
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        entries.push((
            entry.file_name().to_string_lossy().into_owned(),
            Kind::of(entry.file_type()?),
        ));
    }
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(entries)
}

/// Whether `dir` holds no files: only empty folders and the generator's temporary files.
pub(super) fn is_vacant(dir: &Path) -> io::Result<bool> {
    let entries = read_dir_sorted(dir)?;
    // Files first, so a folder with files in it is told without walking its subfolders.
    for (name, kind) in &entries {
        match kind {
            Kind::Dir => {}
            Kind::File if is_temp(name) => {}
            _ => return Ok(false),
        }
    }
    for (name, kind) in &entries {
        if *kind == Kind::Dir && !is_vacant(&dir.join(name))? {
            return Ok(false);
        }
    }
    Ok(true)
}

/// Every file under `dir` by relative path, with its bytes (`None` for what is not a
/// regular file); symbolic links are not followed, [`HAND_WRITTEN_DIRS`] (but for
/// [`GENERATED_IN_HAND_WRITTEN_DIRS`](super::GENERATED_IN_HAND_WRITTEN_DIRS)) and a top-level
/// `Cargo.lock` are left out.
pub(super) fn collect(
    root: &Path,
    dir: &Path,
    out: &mut BTreeMap<String, Option<Vec<u8>>>,
) -> io::Result<()> {
    for (name, kind) in read_dir_sorted(dir)? {
        let path = dir.join(&name);
        let rel = path
            .strip_prefix(root)
            .unwrap_or(&path)
            .to_string_lossy()
            .replace('\\', "/");
        match kind {
            Kind::Dir => {
                if !(dir == root && HAND_WRITTEN_DIRS.contains(&rel.as_str())) {
                    collect(root, &path, out)?;
                } else {
                    // Of a folder left to people, only the files the generator may own.
                    for owned in super::GENERATED_IN_HAND_WRITTEN_DIRS {
                        let inside = owned.strip_prefix(&rel).and_then(|r| r.strip_prefix('/'));
                        let Some(inside) = inside else { continue };
                        let file = path.join(inside);
                        if fs::symlink_metadata(&file).is_ok_and(|m| m.is_file()) {
                            out.insert((*owned).to_string(), Some(fs::read(&file)?));
                        } else if fs::symlink_metadata(&file).is_ok() {
                            out.insert((*owned).to_string(), None);
                        }
                    }
                }
            }
            Kind::File if rel == "Cargo.lock" => {}
            Kind::File => {
                out.insert(rel, Some(fs::read(&path)?));
            }
            Kind::Link | Kind::Special => {
                out.insert(rel, None);
            }
        }
    }
    Ok(())
}
