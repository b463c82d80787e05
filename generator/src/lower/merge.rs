//! Lower, after the decisions: types that are the same type under different names become
//! aliases of one of them.
//!
//! Large documents repeat inline schemas: GitHub's lists the same `read`/`write` permission
//! enum 722 times and the same user object in dozens of webhook payloads. Each copy was a
//! type with its own impls, and compiling them dominated the crate's build. Two types are
//! the same when their definitions are equal (field names, types, serde attributes, docs,
//! derives) and the named types they use are the same: types are compared children first
//! (strongly connected components in reverse topological order, Tarjan's algorithm, without
//! recursion), each written as its definition with the class of every type it uses, so the
//! work is linear in the document. Recursive types (those on a cycle) are kept as they are.
//!
//! The first name of each class (in name order) keeps the definition; the others become
//! `pub type Other = First;` with their own docs, so every name the document gave still
//! exists, and values move between them without conversion. Newtypes and integer enums are
//! left alone: they are tuple structs, whose constructor an alias does not provide.

use crate::ir::{BodyChoices, Group, Ty, TypeDef, TypeKind};
use std::collections::BTreeMap;

/// Turns every type whose definition another type repeats into an alias of that type, and
/// points the body media choices at the kept types (a `From` impl per distinct type).
pub(crate) fn merge_identical(types: &mut BTreeMap<String, TypeDef>, groups: &mut [Group]) {
    let names: Vec<String> = types
        .iter()
        .filter(|(_, t)| mergeable(&t.kind))
        .map(|(n, _)| n.clone())
        .collect();
    if names.len() < 2 {
        return;
    }
    let index: BTreeMap<&str, usize> = names
        .iter()
        .enumerate()
        .map(|(i, n)| (n.as_str(), i))
        .collect();
    let edges: Vec<Vec<usize>> = names
        .iter()
        .map(|n| {
            let mut out = Vec::new();
            names_in_kind(&types[n].kind, &mut |used| {
                if let Some(&i) = index.get(used) {
                    out.push(i);
                }
            });
            out
        })
        .collect();
    // Classes by signature; a type on a cycle is a class of its own.
    let mut ids: BTreeMap<String, usize> = BTreeMap::new();
    let mut class: Vec<Option<usize>> = vec![None; names.len()];
    for component in components(&edges) {
        let cyclic = component.len() > 1 || edges[component[0]].contains(&component[0]);
        for &i in &component {
            let sig = if cyclic {
                format!("!{}", names[i])
            } else {
                signature(&types[&names[i]], &|r: &str| {
                    index.get(r).and_then(|&j| class[j])
                })
            };
            let next = ids.len();
            class[i] = Some(*ids.entry(sig).or_insert(next));
        }
    }
    let class: BTreeMap<&str, usize> = names
        .iter()
        .zip(&class)
        .filter_map(|(n, c)| c.map(|c| (n.as_str(), c)))
        .collect();
    // The first name of each class keeps the definition.
    let mut kept: BTreeMap<usize, String> = BTreeMap::new();
    let mut canonical: BTreeMap<String, String> = BTreeMap::new();
    for n in &names {
        let c = class[n.as_str()];
        match kept.get(&c) {
            Some(first) => {
                canonical.insert(n.clone(), first.clone());
            }
            None => {
                kept.insert(c, n.clone());
            }
        }
    }
    if canonical.is_empty() {
        return;
    }
    for (name, target) in &canonical {
        let t = types.get_mut(name).expect("a listed type");
        t.kind = TypeKind::Alias {
            target: Ty::Named(target.clone()),
        };
        t.derives.clear();
        t.extra_derives.clear();
    }
    // Fields and variants keep the names the document gave them (an alias is the same
    // type); only the body media choices, which have a `From` impl per distinct type, must
    // see through them.
    for choices in groups
        .iter_mut()
        .flat_map(|g| g.operations.iter_mut())
        .filter_map(|op| op.body.as_mut())
        .filter_map(|b| b.choices.as_mut())
    {
        rename_in_choices(choices, &canonical);
    }
}

/// The kinds merged: those an alias stands in for everywhere (values, patterns, variants).
fn mergeable(kind: &TypeKind) -> bool {
    matches!(
        kind,
        TypeKind::Struct { .. }
            | TypeKind::StringEnum { .. }
            | TypeKind::Tagged { .. }
            | TypeKind::Untagged { .. }
    )
}

/// The strongly connected components of a graph given as adjacency lists, each a list of
/// nodes, in reverse topological order (a component comes after every component it reaches).
/// Tarjan's algorithm with an explicit stack, so a chain of thousands of types cannot
/// overflow the thread's stack.
fn components(edges: &[Vec<usize>]) -> Vec<Vec<usize>> {
    const UNSEEN: usize = usize::MAX;
    let n = edges.len();
    let mut order = vec![UNSEEN; n];
    let mut low = vec![0; n];
    let mut on_stack = vec![false; n];
    let mut stack: Vec<usize> = Vec::new();
    let mut out: Vec<Vec<usize>> = Vec::new();
    let mut counter = 0;
    // (node, next edge to follow)
    let mut work: Vec<(usize, usize)> = Vec::new();
    for root in 0..n {
        if order[root] != UNSEEN {
            continue;
        }
        work.push((root, 0));
        while let Some(&mut (v, ref mut next)) = work.last_mut() {
            if *next == 0 && order[v] == UNSEEN {
                order[v] = counter;
                low[v] = counter;
                counter += 1;
                stack.push(v);
                on_stack[v] = true;
            }
            if let Some(&w) = edges[v].get(*next) {
                *next += 1;
                if order[w] == UNSEEN {
                    work.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(order[w]);
                }
                continue;
            }
            work.pop();
            if let Some(&(parent, _)) = work.last() {
                low[parent] = low[parent].min(low[v]);
            }
            if low[v] == order[v] {
                let mut component = Vec::new();
                while let Some(w) = stack.pop() {
                    on_stack[w] = false;
                    component.push(w);
                    if w == v {
                        break;
                    }
                }
                out.push(component);
            }
        }
    }
    out
}

/// The definition of `t` as text, without its own name, pointer and description, with each
/// named type it uses written as its class (`class_of`) or, outside the classes, its name.
fn signature(t: &TypeDef, class_of: &dyn Fn(&str) -> Option<usize>) -> String {
    let mut kind = t.kind.clone();
    let mut rename = |n: &mut String| {
        *n = match class_of(n) {
            Some(c) => format!("#{c}"),
            None => format!("={n}"),
        }
    };
    each_name_in_kind(&mut kind, &mut rename);
    serde_json::to_string(&(&kind, &t.derives, &t.extra_derives, t.deprecated))
        .expect("the IR serializes")
}

fn rename_in_choices(choices: &mut BodyChoices, canonical: &BTreeMap<String, String>) {
    for c in &mut choices.variants {
        each_name(&mut c.ty, &mut |n: &mut String| {
            if let Some(k) = canonical.get(n.as_str()) {
                *n = k.clone();
            }
        });
    }
}

fn each_name_in_kind(kind: &mut TypeKind, f: &mut dyn FnMut(&mut String)) {
    match kind {
        TypeKind::Struct { fields, additional } => {
            for field in fields {
                each_name(&mut field.ty, f);
            }
            if let Some(a) = additional {
                each_name(&mut a.ty, f);
            }
        }
        TypeKind::Tagged { variants, .. } => {
            for v in variants {
                each_name(&mut v.ty, f);
            }
        }
        TypeKind::Untagged { variants, .. } => {
            for v in variants {
                each_name(&mut v.ty, f);
            }
        }
        TypeKind::Newtype { inner, .. } => each_name(inner, f),
        TypeKind::Alias { target } => each_name(target, f),
        TypeKind::StringEnum { .. } | TypeKind::IntEnum { .. } => {}
    }
}

fn each_name(ty: &mut Ty, f: &mut dyn FnMut(&mut String)) {
    match ty {
        Ty::Named(n) => f(n),
        Ty::Vec(inner) | Ty::Map(inner) | Ty::Option(inner) | Ty::Boxed(inner) => {
            each_name(inner, f)
        }
        Ty::Bool
        | Ty::Int { .. }
        | Ty::Uint { .. }
        | Ty::Float { .. }
        | Ty::String
        | Ty::Bytes
        | Ty::Body
        | Ty::Json
        | Ty::Unit
        | Ty::Url
        | Ty::External { .. } => {}
    }
}

/// The named types a definition uses.
pub(crate) fn names_in_kind(kind: &TypeKind, f: &mut dyn FnMut(&str)) {
    let mut each = |ty: &Ty| names_in_ty(ty, f);
    match kind {
        TypeKind::Struct { fields, additional } => {
            fields.iter().for_each(|field| each(&field.ty));
            if let Some(a) = additional {
                each(&a.ty);
            }
        }
        TypeKind::Tagged { variants, .. } => variants.iter().for_each(|v| each(&v.ty)),
        TypeKind::Untagged { variants, .. } => variants.iter().for_each(|v| each(&v.ty)),
        TypeKind::Newtype { inner, .. } => each(inner),
        TypeKind::Alias { target } => each(target),
        TypeKind::StringEnum { .. } | TypeKind::IntEnum { .. } => {}
    }
}

fn names_in_ty(ty: &Ty, f: &mut dyn FnMut(&str)) {
    match ty {
        Ty::Named(n) => f(n),
        Ty::Vec(inner) | Ty::Map(inner) | Ty::Option(inner) | Ty::Boxed(inner) => {
            names_in_ty(inner, f)
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::components;

    #[test]
    fn components_come_children_first_and_cycles_together() {
        // 0 -> 1 -> 2, 2 -> 1 (a cycle), 3 -> 0, 4 alone.
        let edges = vec![vec![1], vec![2], vec![1], vec![0], vec![]];
        let mut found = components(&edges);
        for c in &mut found {
            c.sort();
        }
        let position = |node: usize| found.iter().position(|c| c.contains(&node)).unwrap();
        assert_eq!(found.len(), 4);
        assert_eq!(found[position(1)], vec![1, 2]);
        assert!(position(1) < position(0));
        assert!(position(0) < position(3));
    }

    #[test]
    fn a_long_chain_is_linear_and_does_not_overflow() {
        let n = 200_000;
        let edges: Vec<Vec<usize>> = (0..n)
            .map(|i| if i + 1 < n { vec![i + 1] } else { vec![] })
            .collect();
        let found = components(&edges);
        assert_eq!(found.len(), n);
        assert_eq!(found[0], vec![n - 1]);
    }
}
