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

    /// Wraps struct fields and union variants in `Box` where a type would otherwise
    /// contain itself (a struct holding itself, a union with itself as a variant:
    /// `anyOf: [string, $ref: Self]`).
    pub(super) fn box_recursive_fields(&mut self) {
        // Only a field whose type is in the holder's group of types that hold each other
        // by value can lead back to the holder; the others need no search. Computing the
        // groups first keeps long chains of types linear instead of quadratic.
        let group = self.by_value_groups();
        let names: Vec<String> = self.types.keys().cloned().collect();
        for name in names {
            self.cut_union_only_cycles(&name);
            let slot_count = slots(&self.types[&name].kind).len();
            for i in 0..slot_count {
                let ty = slots(&self.types[&name].kind)[i].clone();
                let Some(held) = by_value_name(&ty) else {
                    continue;
                };
                if held != name && group.get(held) != group.get(&name) {
                    continue;
                }
                if self.reaches(held, &name, &group) {
                    if let Some(slot) = self
                        .types
                        .get_mut(&name)
                        .and_then(|t| slot_mut(&mut t.kind, i))
                    {
                        *slot = box_ty(slot.clone());
                    }
                }
            }
        }
    }

    /// A union whose variant leads back to it through unions and aliases only would, once
    /// boxed, compile, but decoding a value that fits no other variant would try the same
    /// unions again and again without reading any input (a stack overflow). A variant that
    /// is the union itself adds no value (`anyOf: [string, $ref: Self]` is a string) and is
    /// dropped; one that comes back through other unions becomes free JSON, with a warning.
    /// A cycle through a struct reads one level of input per turn and is boxed instead.
    fn cut_union_only_cycles(&mut self, name: &str) {
        let (is_union, count) = match self.types.get(name).map(|t| &t.kind) {
            Some(TypeKind::Untagged { variants, .. }) => (true, variants.len()),
            Some(TypeKind::Tagged { variants, .. }) => (true, variants.len()),
            _ => (false, 0),
        };
        if !is_union {
            return;
        }
        let mut drop = Vec::new();
        for i in 0..count {
            let ty = slots(&self.types[name].kind)[i].clone();
            let Some(held) = by_value_name(&ty).map(str::to_string) else {
                continue;
            };
            if held == name {
                drop.push(i);
            } else if self.reaches_through_unions(&held, name) {
                let at = self.types[name].pointer.clone();
                if let Some(slot) = self
                    .types
                    .get_mut(name)
                    .and_then(|t| slot_mut(&mut t.kind, i))
                {
                    *slot = Ty::Json;
                }
                self.diags.weakened(at, format!("a variant of this union (`{held}`) leads back to it through other unions only; that variant is free JSON"));
            }
        }
        if drop.is_empty() {
            return;
        }
        let at = self.types[name].pointer.clone();
        let left = match self.types.get_mut(name).map(|t| &mut t.kind) {
            Some(TypeKind::Untagged { variants, .. }) => {
                let mut i = 0;
                variants.retain(|_| {
                    i += 1;
                    !drop.contains(&(i - 1))
                });
                variants.len()
            }
            Some(TypeKind::Tagged { variants, .. }) => {
                let mut i = 0;
                variants.retain(|_| {
                    i += 1;
                    !drop.contains(&(i - 1))
                });
                self.diags.weakened(&at, "a variant of this discriminated union is the union itself; it is left out, and its tag decodes as an unknown variant");
                usize::MAX
            }
            _ => usize::MAX,
        };
        if left == 0 {
            if let Some(t) = self.types.get_mut(name) {
                t.kind = TypeKind::Alias { target: Ty::Json };
            }
            self.diags
                .weakened(at, "this union has no variant but itself; it is free JSON");
        }
    }

    /// Whether `from` holds `target` by value through unions and aliases only.
    fn reaches_through_unions(&self, from: &str, target: &str) -> bool {
        let mut seen = BTreeSet::new();
        let mut todo = vec![from.to_string()];
        while let Some(n) = todo.pop() {
            if n == target {
                return true;
            }
            let passes = matches!(
                self.types.get(&n).map(|t| &t.kind),
                Some(TypeKind::Untagged { .. } | TypeKind::Tagged { .. } | TypeKind::Alias { .. })
            );
            if !passes || !seen.insert(n.clone()) {
                continue;
            }
            todo.extend(self.held_by_value(&n).into_iter().map(str::to_string));
        }
        false
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

/// The types a struct's fields or a union's variants hold, in order; nothing for other
/// kinds (an alias cycle is broken before boxing, by `break_alias_cycles`).
fn slots(kind: &TypeKind) -> Vec<&Ty> {
    match kind {
        TypeKind::Struct { fields, .. } => fields.iter().map(|f| &f.ty).collect(),
        TypeKind::Tagged { variants, .. } => variants.iter().map(|v| &v.ty).collect(),
        TypeKind::Untagged { variants, .. } => variants.iter().map(|v| &v.ty).collect(),
        _ => Vec::new(),
    }
}

/// The `i`th of [`slots`], to change.
fn slot_mut(kind: &mut TypeKind, i: usize) -> Option<&mut Ty> {
    match kind {
        TypeKind::Struct { fields, .. } => fields.get_mut(i).map(|f| &mut f.ty),
        TypeKind::Tagged { variants, .. } => variants.get_mut(i).map(|v| &mut v.ty),
        TypeKind::Untagged { variants, .. } => variants.get_mut(i).map(|v| &mut v.ty),
        _ => None,
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
