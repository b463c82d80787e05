//! Lower, after the types are made: consumes the type table and breaks alias cycles and
//! by-value recursion (boxing fields), so every type has a finite size.

use super::Lowerer;
use crate::ir::{Ty, TypeDef, TypeKind};
use std::collections::{BTreeMap, BTreeSet};

impl<'a> Lowerer<'a> {
    /// Wraps struct fields in `Box` where a type would otherwise contain itself.
    /// Types that are only aliases of each other (an inline schema whose only content is
    /// an `allOf` back to the schema holding it, found by the robustness run) would be
    /// followed forever by every pass that looks through aliases; each such type becomes
    /// free JSON, with a warning.
    pub(super) fn break_alias_cycles(&mut self) {
        let alias_target = |types: &BTreeMap<String, TypeDef>, n: &str| -> Option<String> {
            match types.get(n).map(|t| &t.kind) {
                Some(TypeKind::Alias { target }) => by_value_name(target).map(str::to_string),
                _ => None,
            }
        };
        // Each type is walked once: a walk stops at a type already walked.
        let mut done: BTreeSet<String> = BTreeSet::new();
        let mut cycles: Vec<Vec<String>> = Vec::new();
        let names: Vec<String> = self.types.keys().cloned().collect();
        for name in names {
            let mut path: Vec<String> = Vec::new();
            let mut current = Some(name);
            while let Some(n) = current {
                if done.contains(&n) {
                    break;
                }
                if let Some(pos) = path.iter().position(|p| *p == n) {
                    cycles.push(path[pos..].to_vec());
                    break;
                }
                current = alias_target(&self.types, &n);
                path.push(n);
            }
            done.extend(path);
        }
        for cycle in cycles {
            let pointers: BTreeSet<String> = cycle
                .iter()
                .filter_map(|n| self.types.get(n).map(|t| t.pointer.clone()))
                .collect();
            // A cycle of component references is already an error at one of them.
            let reported = self.diags.iter().any(|d| pointers.contains(&d.pointer));
            for name in &cycle {
                if let Some(t) = self.types.get_mut(name) {
                    t.kind = TypeKind::Alias { target: Ty::Json };
                    if !reported {
                        let at = t.pointer.clone();
                        self.diags.weakened(at, "this schema is only itself (through `allOf` or references); it is free JSON");
                    }
                }
            }
        }
    }

    pub(super) fn box_recursive_fields(&mut self) {
        // Only a field whose type is in the holder's group of types that hold each other
        // by value can lead back to the holder; the others need no search. Computing the
        // groups first keeps long chains of types linear instead of quadratic.
        let group = self.by_value_groups();
        let names: Vec<String> = self.types.keys().cloned().collect();
        for name in names {
            let field_count = match &self.types[&name].kind {
                TypeKind::Struct { fields, .. } => fields.len(),
                _ => continue,
            };
            for i in 0..field_count {
                let ty = match &self.types[&name].kind {
                    TypeKind::Struct { fields, .. } => fields[i].ty.clone(),
                    _ => unreachable!("checked above"),
                };
                let Some(held) = by_value_name(&ty) else {
                    continue;
                };
                if held != name && group.get(held) != group.get(&name) {
                    continue;
                }
                if self.reaches(held, &name, &group) {
                    if let Some(TypeKind::Struct { fields, .. }) =
                        self.types.get_mut(&name).map(|t| &mut t.kind)
                    {
                        fields[i].ty = box_ty(fields[i].ty.clone());
                    }
                }
            }
        }
    }

    /// The named types a type holds by value (not behind a `Vec`, map or `Box`).
    pub(super) fn held_by_value<'t>(&'t self, name: &str) -> Vec<&'t str> {
        let tys: Vec<&Ty> = match self.types.get(name).map(|t| &t.kind) {
            Some(TypeKind::Struct { fields, .. }) => fields.iter().map(|f| &f.ty).collect(),
            Some(TypeKind::Alias { target }) => vec![target],
            Some(TypeKind::Tagged { variants, .. }) => variants.iter().map(|v| &v.ty).collect(),
            Some(TypeKind::Untagged { variants, .. }) => variants.iter().map(|v| &v.ty).collect(),
            _ => Vec::new(),
        };
        tys.into_iter().filter_map(by_value_name).collect()
    }

    /// Groups of types that hold each other by value (strongly connected components, by
    /// Tarjan's algorithm without recursion): type name to group number.
    pub(super) fn by_value_groups(&self) -> BTreeMap<String, usize> {
        let names: Vec<&str> = self.types.keys().map(String::as_str).collect();
        let index_of: BTreeMap<&str, usize> =
            names.iter().enumerate().map(|(i, n)| (*n, i)).collect();
        let edges: Vec<Vec<usize>> = names
            .iter()
            .map(|n| {
                self.held_by_value(n)
                    .into_iter()
                    .filter_map(|h| index_of.get(h).copied())
                    .collect()
            })
            .collect();
        let n = names.len();
        let mut index = vec![usize::MAX; n];
        let mut low = vec![0; n];
        let mut on_stack = vec![false; n];
        let mut stack = Vec::new();
        let mut group = vec![usize::MAX; n];
        let mut next_index = 0;
        let mut groups = 0;
        for root in 0..n {
            if index[root] != usize::MAX {
                continue;
            }
            // (node, next edge to look at)
            let mut work = vec![(root, 0)];
            while let Some(&mut (v, ref mut e)) = work.last_mut() {
                if *e == 0 && index[v] == usize::MAX {
                    index[v] = next_index;
                    low[v] = next_index;
                    next_index += 1;
                    stack.push(v);
                    on_stack[v] = true;
                }
                if let Some(&w) = edges[v].get(*e) {
                    *e += 1;
                    if index[w] == usize::MAX {
                        work.push((w, 0));
                    } else if on_stack[w] {
                        low[v] = low[v].min(index[w]);
                    }
                    continue;
                }
                work.pop();
                if let Some(&(parent, _)) = work.last() {
                    low[parent] = low[parent].min(low[v]);
                }
                if low[v] == index[v] {
                    while let Some(w) = stack.pop() {
                        on_stack[w] = false;
                        group[w] = groups;
                        if w == v {
                            break;
                        }
                    }
                    groups += 1;
                }
            }
        }
        names
            .iter()
            .enumerate()
            .map(|(i, n)| (n.to_string(), group[i]))
            .collect()
    }

    /// Whether the type `from` holds `target` by value, as the fields are now (boxing
    /// earlier fields cuts paths), searching only inside their group.
    pub(super) fn reaches(
        &self,
        from: &str,
        target: &str,
        group: &BTreeMap<String, usize>,
    ) -> bool {
        let home = group.get(target);
        let mut seen = BTreeSet::new();
        let mut todo = vec![from.to_string()];
        while let Some(n) = todo.pop() {
            if n == target {
                return true;
            }
            if !seen.insert(n.clone()) {
                continue;
            }
            for h in self.held_by_value(&n) {
                if group.get(h) == home && !seen.contains(h) {
                    todo.push(h.to_string());
                }
            }
        }
        false
    }
}

/// The named type a type holds by value, looking through `Option`.
pub(super) fn by_value_name(ty: &Ty) -> Option<&str> {
    match ty {
        Ty::Option(inner) => by_value_name(inner),
        Ty::Named(n) => Some(n),
        _ => None,
    }
}

pub(super) fn box_ty(ty: Ty) -> Ty {
    match ty {
        Ty::Option(inner) => Ty::Option(Box::new(box_ty(*inner))),
        other => Ty::Boxed(Box::new(other)),
    }
}
