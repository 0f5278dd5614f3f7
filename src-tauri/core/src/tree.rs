//! The unit tree as it stood on one day, loaded once into memory for the lists
//! and the dashboard: tree order (siblings in Vietnamese order), each unit's
//! grouping unit (its grassroots committee) and subtree tests, without a
//! recursive query per row. Ten thousand units load in a few milliseconds.
//! The rows come from the db layer (`Dao::tree_on`); this module only
//! arranges them.

use std::collections::{HashMap, HashSet};

/// One unit of the snapshot.
#[derive(Debug, Clone)]
pub(crate) struct Node {
    pub code: String,
    pub name: String,
    pub parent: Option<i64>,
    pub phone: Option<String>,
    /// Position in tree order: parents before children, siblings in
    /// Vietnamese order of their names.
    pub rank: u32,
    /// 0 for a unit at the top of the tree.
    pub depth: u32,
}

/// The units that existed on one day.
#[derive(Debug, Default)]
pub(crate) struct Tree {
    nodes: HashMap<i64, Node>,
}

impl Tree {
    /// The tree of the units `rows` (id and node, in Vietnamese order of
    /// their names), with each node's rank and depth filled in.
    pub fn build(rows: Vec<(i64, Node)>) -> Tree {
        let present: HashSet<i64> = rows.iter().map(|(id, _)| *id).collect();
        // Children lists keep the name order of the rows.
        let mut children: HashMap<Option<i64>, Vec<i64>> = HashMap::new();
        for (id, node) in &rows {
            // A parent closed that day would orphan the subtree: show it at the top.
            let parent = node.parent.filter(|p| present.contains(p));
            children.entry(parent).or_default().push(*id);
        }
        let mut nodes: HashMap<i64, Node> = rows.into_iter().collect();
        let mut stack: Vec<(i64, u32)> = children
            .get(&None)
            .map(|c| c.iter().rev().map(|&id| (id, 0)).collect())
            .unwrap_or_default();
        let mut rank = 0u32;
        while let Some((id, depth)) = stack.pop() {
            if let Some(node) = nodes.get_mut(&id) {
                node.rank = rank;
                node.depth = depth;
                if node.parent.is_some_and(|p| !present.contains(&p)) {
                    node.parent = None;
                }
                rank += 1;
            }
            if let Some(kids) = children.get(&Some(id)) {
                stack.extend(kids.iter().rev().map(|&k| (k, depth + 1)));
            }
        }
        Tree { nodes }
    }

    /// Each unit's rank by its code.
    pub fn ranks_by_code(&self) -> HashMap<&str, u32> {
        self.nodes.values().map(|n| (n.code.as_str(), n.rank)).collect()
    }

    pub fn get(&self, id: i64) -> Option<&Node> {
        self.nodes.get(&id)
    }

    /// The unit a row is grouped under: its ancestor at depth 1 (the
    /// grassroots committee under the top committee), or the unit itself when
    /// it is at the top or at depth 1.
    pub fn group_of(&self, id: i64) -> i64 {
        let mut current = id;
        // Depth bounds the walk, so a damaged parent chain cannot loop.
        while let Some(node) = self.nodes.get(&current) {
            if node.depth <= 1 {
                return current;
            }
            match node.parent {
                Some(p) => current = p,
                None => return current,
            }
        }
        current
    }

    /// True when `id` is `root` or lies under it.
    pub fn within(&self, id: i64, root: i64) -> bool {
        let mut current = Some(id);
        let mut steps = 0;
        while let Some(c) = current {
            if c == root {
                return true;
            }
            steps += 1;
            if steps > self.nodes.len() {
                return false;
            }
            current = self.nodes.get(&c).and_then(|n| n.parent);
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(code: &str, parent: Option<i64>) -> Node {
        Node {
            code: code.into(),
            name: code.into(),
            parent,
            phone: None,
            rank: 0,
            depth: 0,
        }
    }

    #[test]
    fn build_ranks_parents_before_children_and_lifts_orphans_to_the_top() {
        // In name order; 9 is a parent closed that day, missing from the rows.
        let tree = Tree::build(vec![
            (1, node("A", None)),
            (4, node("A-2", Some(1))),
            (2, node("B", None)),
            (3, node("A-1", Some(1))),
            (5, node("A-1-x", Some(3))),
            (6, node("O", Some(9))),
        ]);
        let placed = |id: i64| tree.get(id).map(|n| (n.rank, n.depth, n.parent));
        assert_eq!(placed(1), Some((0, 0, None)));
        assert_eq!(placed(4), Some((1, 1, Some(1))));
        assert_eq!(placed(3), Some((2, 1, Some(1))));
        assert_eq!(placed(5), Some((3, 2, Some(3))));
        assert_eq!(placed(2), Some((4, 0, None)));
        assert_eq!(placed(6), Some((5, 0, None)), "shown at the top, not hidden");
        assert_eq!(tree.group_of(5), 3);
        assert!(tree.within(5, 1) && !tree.within(5, 2));
    }
}
