//! Lower: decides which operations become code, from the options' [`Selection`] (include and
//! exclude by tag, operationId and path glob; deprecated kept or dropped), and warns about
//! names in the selection that match no operation of the document (a typo keeps nothing).

use crate::diagnostics::Diagnostics;
use crate::options::Selection;
use std::collections::BTreeSet;

/// One operation as the selection sees it.
pub(crate) struct Candidate<'a> {
    pub tags: &'a [String],
    pub id: &'a str,
    pub path: &'a str,
    pub deprecated: bool,
}

/// Applies a [`Selection`] and remembers which of its names matched something.
pub(crate) struct Selector<'a> {
    selection: &'a Selection,
    tags: BTreeSet<&'a str>,
    ids: BTreeSet<&'a str>,
    globs: BTreeSet<&'a str>,
}

impl<'a> Selector<'a> {
    pub(crate) fn new(selection: &'a Selection) -> Self {
        Selector {
            selection,
            tags: BTreeSet::new(),
            ids: BTreeSet::new(),
            globs: BTreeSet::new(),
        }
    }

    /// Whether `op` is kept: every non-empty include list matches it, no exclude list does,
    /// and it is not a deprecated operation the selection drops.
    pub(crate) fn keeps(&mut self, op: &Candidate<'_>) -> bool {
        let s = self.selection;
        let tag_in = |list: &'a [String], seen: &mut BTreeSet<&'a str>| {
            let mut any = false;
            for t in list {
                if op.tags.iter().any(|x| x == t) {
                    seen.insert(t);
                    any = true;
                }
            }
            any
        };
        let id_in = |list: &'a [String], seen: &mut BTreeSet<&'a str>| {
            let mut any = false;
            for i in list {
                if i == op.id {
                    seen.insert(i);
                    any = true;
                }
            }
            any
        };
        let path_in = |list: &'a [String], seen: &mut BTreeSet<&'a str>| {
            let mut any = false;
            for g in list {
                if glob_match(g, op.path) {
                    seen.insert(g);
                    any = true;
                }
            }
            any
        };
        // Evaluate every list so the names that match are all recorded.
        let included = [
            s.include_tags.is_empty() | tag_in(&s.include_tags, &mut self.tags),
            s.include_operations.is_empty() | id_in(&s.include_operations, &mut self.ids),
            s.include_paths.is_empty() | path_in(&s.include_paths, &mut self.globs),
        ];
        let excluded = [
            tag_in(&s.exclude_tags, &mut self.tags),
            id_in(&s.exclude_operations, &mut self.ids),
            path_in(&s.exclude_paths, &mut self.globs),
        ];
        included.iter().all(|b| *b)
            && !excluded.iter().any(|b| *b)
            && (s.deprecated || !op.deprecated)
    }

    /// Warns about each name in the selection that matched no operation.
    pub(crate) fn report_unused(&self, diags: &mut Diagnostics) {
        let s = self.selection;
        let lists: [(&str, &[String], &BTreeSet<&str>, &str); 6] = [
            ("include_tags", &s.include_tags, &self.tags, "tag"),
            ("exclude_tags", &s.exclude_tags, &self.tags, "tag"),
            ("include", &s.include_operations, &self.ids, "operationId"),
            ("exclude", &s.exclude_operations, &self.ids, "operationId"),
            ("include_paths", &s.include_paths, &self.globs, "path glob"),
            ("exclude_paths", &s.exclude_paths, &self.globs, "path glob"),
        ];
        for (key, list, seen, what) in lists {
            for name in list {
                if !seen.contains(name.as_str()) {
                    diags.warning(
                        "#/paths",
                        format!(
                            "the selection's {what} `{name}` (operations.{key}) matches no operation of the document"
                        ),
                    );
                }
            }
        }
    }
}

/// Matches a path template against a glob: `*` within one segment, `**` as a whole segment
/// for any number of segments (none included). Linear in practice: segments by dynamic
/// programming, characters within a segment by the usual backtracking-free star match.
pub(crate) fn glob_match(glob: &str, path: &str) -> bool {
    let g: Vec<&str> = glob.split('/').collect();
    let p: Vec<&str> = path.split('/').collect();
    // reach[j]: the first i glob segments can match the first j path segments.
    let mut reach = vec![false; p.len() + 1];
    reach[0] = true;
    for seg in &g {
        let mut next = vec![false; p.len() + 1];
        if *seg == "**" {
            let mut any = false;
            for j in 0..=p.len() {
                any |= reach[j];
                next[j] = any;
            }
        } else {
            for j in 0..p.len() {
                if reach[j] && segment_match(seg, p[j]) {
                    next[j + 1] = true;
                }
            }
        }
        reach = next;
    }
    reach[p.len()]
}

fn segment_match(pattern: &str, text: &str) -> bool {
    let (p, t) = (pattern.as_bytes(), text.as_bytes());
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && p[pi] == b'*' {
            star = Some((pi, ti));
            pi += 1;
        } else if pi < p.len() && p[pi] == t[ti] {
            pi += 1;
            ti += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&b| b == b'*')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs_match_segments() {
        let yes = [
            ("/pets/**", "/pets"),
            ("/pets/**", "/pets/{id}/photos"),
            ("/pets/*", "/pets/{id}"),
            ("/pets/*/photos", "/pets/{id}/photos"),
            ("/**/photos", "/a/b/photos"),
            ("/v*/pets", "/v2/pets"),
            ("/**", "/"),
            ("/pets", "/pets"),
        ];
        for (g, p) in yes {
            assert!(glob_match(g, p), "{g} {p}");
        }
        let no = [
            ("/pets/*", "/pets/{id}/photos"),
            ("/pets/*", "/pets"),
            ("/pets", "/pets/1"),
            ("/v*/pets", "/pets"),
            ("/a*b", "/a/b"),
        ];
        for (g, p) in no {
            assert!(!glob_match(g, p), "{g} {p}");
        }
        // Many stars on a long segment stay fast (no exponential backtracking).
        let long = format!("/{}", "a".repeat(10_000));
        assert!(!glob_match(&format!("/{}b", "*a".repeat(50)), &long));
    }

    fn sel() -> Selection {
        Selection::default()
    }

    fn op<'a>(tags: &'a [String], id: &'a str, path: &'a str, deprecated: bool) -> Candidate<'a> {
        Candidate {
            tags,
            id,
            path,
            deprecated,
        }
    }

    #[test]
    fn include_lists_must_all_match_and_excludes_win() {
        let pets = vec!["pets".to_string()];
        let admin = vec!["admin".to_string(), "pets".to_string()];
        let s = Selection {
            include_tags: vec!["pets".into()],
            exclude_tags: vec!["admin".into()],
            include_paths: vec!["/pets/**".into()],
            ..sel()
        };
        let mut k = Selector::new(&s);
        assert!(k.keeps(&op(&pets, "list", "/pets", false)));
        assert!(
            !k.keeps(&op(&admin, "purge", "/pets", false)),
            "excluded by its second tag"
        );
        assert!(
            !k.keeps(&op(&pets, "stores", "/stores", false)),
            "fails include_paths"
        );
        let mut diags = Diagnostics::default();
        k.report_unused(&mut diags);
        assert!(diags.0.is_empty(), "{diags}");

        let s = Selection {
            include_operations: vec!["list".into(), "typo".into()],
            exclude_operations: vec!["list".into()],
            deprecated: false,
            ..sel()
        };
        let mut k = Selector::new(&s);
        assert!(!k.keeps(&op(&pets, "list", "/pets", false)));
        assert!(!k.keeps(&op(&pets, "old", "/old", true)));
        let s2 = Selection {
            deprecated: false,
            ..sel()
        };
        assert!(!Selector::new(&s2).keeps(&op(&pets, "old", "/old", true)));
        assert!(Selector::new(&sel()).keeps(&op(&pets, "old", "/old", true)));
        let mut diags = Diagnostics::default();
        k.report_unused(&mut diags);
        assert_eq!(diags.0.len(), 1, "{diags}");
        assert!(
            diags.0[0].message.contains("`typo` (operations.include)"),
            "{diags}"
        );
    }
}
