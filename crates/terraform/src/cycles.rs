//! Cycles of module calls: a directory that calls itself, directly (`source = "./"`) or
//! through other modules (A calls B, B calls A), or through a link back up the tree.
//!
//! Terraform cannot load such a tree. The loader reports each call that closes a cycle at
//! the call, with the cycle's path, and does not follow it: every directory of the cycle
//! is then reviewed once, as a root module, instead of either nesting without end or
//! vanishing (a directory that every other one calls is no root at all).

use std::collections::VecDeque;
use std::path::PathBuf;

use hcl_edit::Span;
use rustc_hash::{FxHashMap, FxHashSet};

use crate::config::{Level, LoadProblem, Location};
use crate::module::ModuleDecl;
use crate::project::shown;

/// Marks every call between directories of one cycle as cut, and returns a problem per cut
/// call, and the directories that are on a cycle.
pub(crate) fn cut(
    decls: &mut FxHashMap<PathBuf, ModuleDecl<'_>>,
    paths: &[PathBuf],
) -> (Vec<LoadProblem>, Vec<PathBuf>) {
    let mut nodes: Vec<PathBuf> = decls.keys().cloned().collect();
    nodes.sort_unstable_by(|a, b| a.as_os_str().cmp(b.as_os_str()));
    let index: FxHashMap<&PathBuf, usize> = nodes.iter().enumerate().map(|(i, d)| (d, i)).collect();
    let edges: Vec<Vec<usize>> = nodes
        .iter()
        .map(|d| {
            decls[d]
                .calls
                .iter()
                .filter_map(|c| c.local_dir.as_ref().and_then(|t| index.get(t)).copied())
                .collect()
        })
        .collect();
    let component = components(&edges);

    let mut problems = Vec::new();
    let mut cyclic: FxHashSet<usize> = FxHashSet::default();
    for (from, dir) in nodes.iter().enumerate() {
        let Some(decl) = decls.get_mut(dir) else {
            continue;
        };
        for call in &mut decl.calls {
            let Some(&to) = call.local_dir.as_ref().and_then(|t| index.get(t)) else {
                continue;
            };
            if component[to] != component[from] {
                continue;
            }
            call.cut = true;
            cyclic.insert(from);
            cyclic.insert(to);
            let way = path_within(&edges, &component, to, from);
            let mut cycle: Vec<String> = vec![shown(dir)];
            cycle.extend(way.iter().map(|&n| shown(&nodes[n])));
            let source = call
                .block
                .body
                .get_attribute("source")
                .map(|a| a.value.to_string().trim().to_string())
                .unwrap_or_default();
            problems.push(LoadProblem {
                level: Level::Error,
                location: Some(Location {
                    file: call.file,
                    span: call.block.span().unwrap_or_default(),
                }),
                path: paths.get(call.file).cloned().unwrap_or_default(),
                position: None,
                message: format!(
                    "module `{}` (source = {source}) leads back to the directory that calls it: {}",
                    call.name,
                    cycle.join(" → ")
                ),
                help: Some(
                    "Terraform cannot load a module that calls itself; remove the call, or move what both share into a module of its own. Each directory of the cycle was reviewed once, as a root module"
                        .to_string(),
                ),
            });
        }
    }
    let mut on_cycle: Vec<PathBuf> = cyclic.into_iter().map(|i| nodes[i].clone()).collect();
    on_cycle.sort_unstable_by(|a, b| a.as_os_str().cmp(b.as_os_str()));
    (problems, on_cycle)
}

/// The strongly connected component of each node (Tarjan's algorithm, without recursion:
/// a chain of thousands of modules must not exhaust the stack).
fn components(edges: &[Vec<usize>]) -> Vec<usize> {
    const NONE: usize = usize::MAX;
    let n = edges.len();
    let (mut index, mut low) = (vec![NONE; n], vec![0; n]);
    let mut on_stack = vec![false; n];
    let mut stack = Vec::new();
    let mut component = vec![NONE; n];
    let (mut next, mut components) = (0, 0);
    for start in 0..n {
        if index[start] != NONE {
            continue;
        }
        // (node, how many of its edges have been followed)
        let mut calls: Vec<(usize, usize)> = vec![(start, 0)];
        index[start] = next;
        low[start] = next;
        next += 1;
        stack.push(start);
        on_stack[start] = true;
        while let Some(top) = calls.len().checked_sub(1) {
            let (v, followed) = calls[top];
            if let Some(&w) = edges[v].get(followed) {
                calls[top].1 += 1;
                if index[w] == NONE {
                    index[w] = next;
                    low[w] = next;
                    next += 1;
                    stack.push(w);
                    on_stack[w] = true;
                    calls.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
                continue;
            }
            calls.pop();
            if let Some(&(parent, _)) = calls.last() {
                low[parent] = low[parent].min(low[v]);
            }
            if low[v] == index[v] {
                while let Some(w) = stack.pop() {
                    on_stack[w] = false;
                    component[w] = components;
                    if w == v {
                        break;
                    }
                }
                components += 1;
            }
        }
    }
    component
}

/// The nodes of a shortest way from `from` to `to` inside their component, both included
/// (`[from]` when they are the same node: a directory that calls itself).
fn path_within(edges: &[Vec<usize>], component: &[usize], from: usize, to: usize) -> Vec<usize> {
    let mut previous: FxHashMap<usize, usize> = FxHashMap::default();
    let mut queue = VecDeque::from([from]);
    let mut seen: FxHashSet<usize> = FxHashSet::from_iter([from]);
    while let Some(v) = queue.pop_front() {
        if v == to {
            break;
        }
        for &w in &edges[v] {
            if component[w] == component[from] && seen.insert(w) {
                previous.insert(w, v);
                queue.push_back(w);
            }
        }
    }
    let mut way = vec![to];
    let mut at = to;
    while at != from {
        match previous.get(&at) {
            Some(&p) => {
                way.push(p);
                at = p;
            }
            None => break,
        }
    }
    way.reverse();
    way
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn components_of_a_self_loop_a_pair_and_a_chain() {
        // 0 → 0; 1 ⇄ 2; 3 → 4
        let edges = vec![vec![0], vec![2], vec![1], vec![4], vec![]];
        let c = components(&edges);
        assert_eq!(c[1], c[2]);
        assert_ne!(c[0], c[1]);
        assert_ne!(c[3], c[4]);
        assert_eq!(path_within(&edges, &c, 2, 1), vec![2, 1]);
        assert_eq!(path_within(&edges, &c, 0, 0), vec![0]);
    }

    #[test]
    fn a_long_chain_does_not_recurse() {
        let n = 200_000;
        let edges: Vec<Vec<usize>> = (0..n).map(|i| vec![(i + 1) % n]).collect();
        let c = components(&edges);
        assert!(c.iter().all(|&x| x == c[0]));
    }
}
