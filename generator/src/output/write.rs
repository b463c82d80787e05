//! Output, write: plans a write into a folder (which files are the generator's, what to
//! replace, remove or refuse) without touching anything, then applies the plan, each file
//! through a temporary file renamed over the old one. Consumes an [`Output`] and a folder.

use super::disk::{is_real_folder, is_vacant, probe, read_dir_sorted};
use super::manifest::{carries_header, is_temp, owns, parse_manifest, Manifest, Owner};
use super::*;

impl Output {
    /// Decides everything a write would do, touching nothing.
    pub(super) fn plan(&self, dir: &Path, options: WriteOptions) -> Result<Plan<'_>, WriteError> {
        let survey = self.survey(dir)?;
        let mut plan = Plan {
            dir: dir.to_path_buf(),
            create_root: !survey.exists,
            writes: Vec::new(),
            unchanged: Vec::new(),
            removals: survey.removals,
            temps: survey.temps,
            manifest: None,
            notes: survey.notes,
        };
        // Something else at the manifest's name, or a manifest that cannot be trusted (it
        // lists a path outside the folder, say): refused whatever the options.
        if let Manifest::Foreign = survey.manifest {
            let what = match &survey.manifest_found {
                Found::Other { what, .. } => what,
                _ => "a file",
            };
            return Err(WriteError::Collision {
                dir: dir.to_path_buf(),
                path: MANIFEST.to_string(),
                what,
            });
        }
        if !survey.vacant && !survey.owned && !options.force {
            return Err(WriteError::NotOwned {
                dir: dir.to_path_buf(),
                more: survey.top.len().saturating_sub(LISTED),
                foreign: survey.top.into_iter().take(LISTED).collect(),
            });
        }
        let collision = |path: &str, what| WriteError::Collision {
            dir: dir.to_path_buf(),
            path: path.to_string(),
            what,
        };
        for (path, text) in &self.files {
            match &survey.found[path.as_str()] {
                Found::Absent => plan.writes.push((path.clone(), text.as_str())),
                Found::File(bytes) => match owns(path, bytes, &survey.manifest) {
                    Owner::Generator { edited } => {
                        if bytes == text.as_bytes() {
                            plan.unchanged.push(path.clone());
                        } else {
                            plan.writes.push((path.clone(), text.as_str()));
                            if edited {
                                plan.notes.push(format!(
                                    "replaced `{path}`, which had been edited by hand since it was generated"
                                ));
                            }
                        }
                    }
                    Owner::Someone => return Err(collision(path, "a file")),
                },
                Found::Other { at, what } => return Err(collision(at, what)),
            }
        }
        // A foreign manifest was refused above: what is at its name is the generator's.
        let manifest = self.manifest();
        match &survey.manifest_found {
            Found::File(bytes) if bytes == manifest.as_bytes() => {
                plan.unchanged.push(MANIFEST.to_string())
            }
            _ => plan.manifest = Some(manifest),
        }
        Ok(plan)
    }

    /// Looks at `dir` for everything a write or a comparison needs to know.
    pub(super) fn survey(&self, dir: &Path) -> Result<Survey, WriteError> {
        let mut produced = BTreeSet::new();
        for path in self.files.keys() {
            check_path(path).map_err(|reason| WriteError::BadPath {
                path: path.clone(),
                reason,
            })?;
            for (i, _) in path.match_indices('/') {
                if self.files.contains_key(&path[..i]) {
                    return Err(WriteError::BadPath {
                        path: path.clone(),
                        reason: "another file of the output is at the folder it needs",
                    });
                }
            }
            produced.insert(path.as_str());
        }
        let io_err = |path: &Path, action| {
            let path = path.to_path_buf();
            move |source| WriteError::Io {
                path,
                action,
                source,
            }
        };
        let mut survey = Survey::default();
        match fs::metadata(dir) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                survey.vacant = true;
                survey.found = self
                    .files
                    .keys()
                    .map(|p| (p.clone(), Found::Absent))
                    .collect();
                return Ok(survey);
            }
            Err(e) => return Err(io_err(dir, "read")(e)),
            Ok(m) if !m.is_dir() => {
                return Err(WriteError::NotAFolder {
                    dir: dir.to_path_buf(),
                })
            }
            Ok(_) => survey.exists = true,
        }
        let entries = read_dir_sorted(dir).map_err(io_err(dir, "read"))?;
        for (name, kind) in &entries {
            match kind {
                Kind::Dir => survey.top.push(format!("{name}/")),
                Kind::File if is_temp(name) => {}
                _ => survey.top.push(name.clone()),
            }
        }
        survey.vacant = is_vacant(dir).map_err(io_err(dir, "read"))?;
        survey.manifest_found =
            probe(dir, MANIFEST).map_err(io_err(&dir.join(MANIFEST), "read"))?;
        survey.manifest = match &survey.manifest_found {
            Found::Absent => Manifest::Absent,
            Found::File(bytes) => parse_manifest(bytes),
            Found::Other { .. } => Manifest::Foreign,
        };
        for path in self.files.keys() {
            let found = probe(dir, path).map_err(io_err(&dir.join(path), "read"))?;
            survey.found.insert(path.clone(), found);
        }
        survey.owned = match &survey.manifest {
            Manifest::Valid(_) => true,
            Manifest::Absent => survey
                .found
                .values()
                .any(|f| matches!(f, Found::File(b) if carries_header(b))),
            Manifest::Foreign => false,
        };
        // Stale candidates: what the manifest lists, or (without one) what carries the
        // header in the folders the output writes into.
        let mut folders: BTreeSet<String> = [String::new()].into();
        for path in self.files.keys() {
            if let Some((parent, _)) = path.rsplit_once('/') {
                folders.insert(parent.to_string());
            }
        }
        let mut candidates = BTreeSet::new();
        if let Manifest::Valid(listed) = &survey.manifest {
            for path in listed.keys() {
                if !produced.contains(path.as_str()) {
                    candidates.insert(path.clone());
                    if let Some((parent, _)) = path.rsplit_once('/') {
                        folders.insert(parent.to_string());
                    }
                }
            }
        }
        for folder in &folders {
            let at = if folder.is_empty() {
                dir.to_path_buf()
            } else {
                dir.join(folder)
            };
            // Only real folders inside `dir`: a symbolic link on the way is not followed.
            if !is_real_folder(dir, folder).map_err(io_err(&at, "read"))? {
                continue;
            }
            for (name, kind) in read_dir_sorted(&at).map_err(io_err(&at, "read"))? {
                let rel = if folder.is_empty() {
                    name.clone()
                } else {
                    format!("{folder}/{name}")
                };
                if is_temp(&name) && matches!(kind, Kind::File | Kind::Link) {
                    survey.temps.push(rel);
                } else if kind == Kind::File
                    && survey.owned
                    && matches!(survey.manifest, Manifest::Absent)
                    && rel != MANIFEST
                    && !produced.contains(rel.as_str())
                    && check_path(&rel).is_ok()
                {
                    candidates.insert(rel);
                }
            }
        }
        for path in candidates {
            let found = probe(dir, &path).map_err(io_err(&dir.join(&path), "read"))?;
            let Found::File(bytes) = found else {
                continue;
            };
            match owns(&path, &bytes, &survey.manifest) {
                Owner::Generator { edited: false } => survey.removals.push(path),
                // Listed in the manifest but changed since: the user's now.
                _ if matches!(&survey.manifest, Manifest::Valid(l) if l.contains_key(&path)) => {
                    survey.notes.push(format!(
                        "kept `{path}`: it was generated earlier but has been edited since; remove it if it is no longer wanted"
                    ))
                }
                _ => {}
            }
        }
        Ok(survey)
    }
}

/// What is in the output folder, as far as a write is concerned.
#[derive(Default)]
pub(super) struct Survey {
    exists: bool,
    /// Holds no files at all (only empty folders and the generator's temporary files).
    vacant: bool,
    /// The generator wrote into it before.
    owned: bool,
    /// Top-level names, folders ending with `/`, temporary files left out.
    top: Vec<String>,
    manifest: Manifest,
    manifest_found: Found,
    /// What is at each produced path.
    found: BTreeMap<String, Found>,
    /// Files the generator wrote, no longer produces, and may remove.
    pub(super) removals: Vec<String>,
    /// The generator's temporary files left by an interrupted write.
    pub(super) temps: Vec<String>,
    notes: Vec<String>,
}

/// Everything a write will do, decided before anything is touched.
pub(super) struct Plan<'a> {
    dir: PathBuf,
    create_root: bool,
    writes: Vec<(String, &'a str)>,
    unchanged: Vec<String>,
    pub(super) removals: Vec<String>,
    pub(super) temps: Vec<String>,
    manifest: Option<String>,
    notes: Vec<String>,
}

impl Plan<'_> {
    pub(super) fn apply(self) -> Result<WriteReport, WriteError> {
        let dir = &self.dir;
        let io_err = |path: PathBuf, action| {
            move |source| WriteError::Io {
                path,
                action,
                source,
            }
        };
        if self.create_root {
            fs::create_dir_all(dir).map_err(io_err(dir.clone(), "create"))?;
        }
        let mut report = WriteReport {
            unchanged: self.unchanged,
            notes: self.notes,
            ..WriteReport::default()
        };
        for (path, text) in &self.writes {
            let target = dir.join(path);
            if let Some(parent) = target.parent() {
                fs::create_dir_all(parent).map_err(io_err(parent.to_path_buf(), "create"))?;
            }
            write_atomic(&target, text.as_bytes()).map_err(io_err(target.clone(), "write"))?;
            report.written.push(path.clone());
        }
        for path in &self.removals {
            let target = dir.join(path);
            fs::remove_file(&target).map_err(io_err(target.clone(), "remove"))?;
            remove_empty_parents(dir, path);
            report.removed.push(path.clone());
        }
        for path in &self.temps {
            let target = dir.join(path);
            match fs::remove_file(&target) {
                Err(e) if e.kind() != io::ErrorKind::NotFound => {
                    return Err(io_err(target, "remove")(e))
                }
                _ => {}
            }
        }
        // Last, so an interrupted write leaves the old manifest, and the new files are
        // still recognised by their header.
        if let Some(manifest) = &self.manifest {
            let target = dir.join(MANIFEST);
            write_atomic(&target, manifest.as_bytes()).map_err(io_err(target, "write"))?;
            report.written.push(MANIFEST.to_string());
        }
        Ok(report)
    }
}

/// An empty path names the current folder (and must not read as a missing one).
pub(super) fn here_if_empty(dir: &Path) -> &Path {
    if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    }
}

/// Writes `bytes` to a temporary file beside `target`, flushes it to disk, and renames it
/// over `target`: a reader (or a crash) sees the old text or the new, never part of one.
pub(super) fn write_atomic(target: &Path, bytes: &[u8]) -> io::Result<()> {
    let name = target
        .file_name()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "no file name"))?;
    let temp = target.with_file_name(format!(".{}{TEMP_SUFFIX}", name.to_string_lossy()));
    match fs::remove_file(&temp) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
        _ => {}
    }
    let result = (|| {
        // `create_new` never opens an existing file, nor follows a symbolic link.
        let mut file = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        fs::rename(&temp, target)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&temp);
    }
    result
}

/// Removes the folders above `path` that are empty now, up to (not including) `dir`.
pub(super) fn remove_empty_parents(dir: &Path, path: &str) {
    let mut rest = path;
    while let Some((parent, _)) = rest.rsplit_once('/') {
        // `remove_dir` removes only an empty folder.
        if fs::remove_dir(dir.join(parent)).is_err() {
            break;
        }
        rest = parent;
    }
}

/// Whether `path` is a plain relative path, with forward slashes, that stays inside the
/// folder and is not one the generator keeps for itself or leaves to people.
pub(super) fn check_path(path: &str) -> Result<(), &'static str> {
    if path.is_empty() {
        return Err("the path is empty");
    }
    if path.starts_with('/') || Path::new(path).is_absolute() {
        return Err("the path is absolute");
    }
    let segments: Vec<&str> = path.split('/').collect();
    if segments.contains(&"..") {
        return Err("the path leaves the output folder");
    }
    if segments
        .iter()
        .any(|s| s.is_empty() || *s == "." || s.contains(['\\', ':', '\0']))
    {
        return Err("it is not a plain relative path with forward slashes");
    }
    if segments.len() > 1
        && HAND_WRITTEN_DIRS.contains(&segments[0])
        && !super::GENERATED_IN_HAND_WRITTEN_DIRS.contains(&path)
    {
        return Err("it is inside a folder left to people");
    }
    if path == MANIFEST || path == "Cargo.lock" || path.ends_with(TEMP_SUFFIX) {
        return Err("the generator keeps this name for itself");
    }
    Ok(())
}
