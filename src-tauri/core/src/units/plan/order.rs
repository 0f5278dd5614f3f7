//! The order in which a plan's steps can run one after another, found on a
//! copy of the tree held in memory: each step runs only when the single
//! reorganisation it stands for would be accepted at that moment (a new
//! unit after its parent, a move never under the unit itself, a merge never
//! into a unit inside the old one, a close only of a unit left without
//! children). A step that never can is what is wrong with the plan: a cycle
//! of parents, a successor inside the unit it replaces, a close that would
//! orphan units. Pure: no database.

use std::collections::{BTreeSet, HashMap};

/// One step of a plan, by unit codes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Op {
    /// A successor that does not exist yet, opened on the plan's day.
    Create {
        code: String,
        parent: Option<String>,
    },
    /// A new name: never blocked.
    Rename {
        code: String,
    },
    Move {
        code: String,
        parent: String,
    },
    /// `from` closes; its children pass to `into`.
    Merge {
        from: String,
        into: String,
    },
    /// `from` closes; its children pass to the first of `into` (the primary).
    Split {
        from: String,
        into: Vec<String>,
    },
    /// `from` closes without successor: it must have no children left.
    Close {
        code: String,
    },
}

impl Op {
    const LAST_PHASE: u8 = 3;

    /// Every unit the step names.
    pub(crate) fn codes(&self) -> impl Iterator<Item = &str> {
        let (a, b, more): (&str, Option<&str>, &[String]) = match self {
            Op::Create { code, parent } => (code, parent.as_deref(), &[]),
            Op::Rename { code } | Op::Close { code } => (code, None, &[]),
            Op::Move { code, parent } => (code, Some(parent), &[]),
            Op::Merge { from, into } => (from, Some(into), &[]),
            Op::Split { from, into } => (from, None, into),
        };
        std::iter::once(a).chain(b).chain(more.iter().map(String::as_str))
    }

    /// Steps of lower phase go first when several can run: new units, then
    /// names, moves, and last the steps that close a unit (merges, splits,
    /// closes), deeper units first.
    fn phase(&self) -> u8 {
        match self {
            Op::Create { .. } => 0,
            Op::Rename { .. } => 1,
            Op::Move { .. } => 2,
            Op::Merge { .. } | Op::Split { .. } | Op::Close { .. } => 3,
        }
    }
}

/// The tree of the plan's day in memory: the open units and their parents.
#[derive(Debug, Clone, Default)]
pub(crate) struct Tree {
    parent: HashMap<String, Option<String>>,
    children: HashMap<String, BTreeSet<String>>,
}

impl Tree {
    /// The tree of `(code, parent)` pairs (a parent missing from the pairs
    /// counts as none).
    pub(crate) fn new<'a>(units: impl IntoIterator<Item = (&'a str, Option<&'a str>)>) -> Tree {
        let mut tree = Tree::default();
        let units: Vec<_> = units.into_iter().collect();
        for (code, _) in &units {
            tree.parent.insert((*code).to_owned(), None);
        }
        for (code, parent) in units {
            if let Some(p) = parent.filter(|p| tree.parent.contains_key(*p)) {
                tree.set_parent(code, Some(p.to_owned()));
            }
        }
        tree
    }

    pub(crate) fn is_open(&self, code: &str) -> bool {
        self.parent.contains_key(code)
    }

    pub(crate) fn parent_of(&self, code: &str) -> Option<&str> {
        self.parent.get(code).and_then(|p| p.as_deref())
    }

    pub(crate) fn children_of(&self, code: &str) -> impl Iterator<Item = &str> {
        self.children.get(code).into_iter().flatten().map(String::as_str)
    }

    /// True when `code` is `root` or lies under it.
    pub(crate) fn within(&self, code: &str, root: &str) -> bool {
        let mut at = Some(code);
        // A bound on the walk: the tree holds no cycle, but never loop.
        for _ in 0..=self.parent.len() {
            match at {
                Some(c) if c == root => return true,
                Some(c) => at = self.parent_of(c),
                None => return false,
            }
        }
        false
    }

    fn set_parent(&mut self, code: &str, parent: Option<String>) {
        if let Some(Some(old)) = self.parent.get(code) {
            if let Some(kids) = self.children.get_mut(old) {
                kids.remove(code);
            }
        }
        if let Some(p) = &parent {
            self.children.entry(p.clone()).or_default().insert(code.to_owned());
        }
        self.parent.insert(code.to_owned(), parent);
    }

    /// Closes `code`, handing its children to `successor`; returns how many moved.
    fn close(&mut self, code: &str, successor: Option<&str>) -> usize {
        let kids: Vec<String> = self.children.remove(code).unwrap_or_default().into_iter().collect();
        let mut moved = 0;
        for kid in kids {
            if Some(kid.as_str()) != successor {
                if let Some(s) = successor {
                    self.set_parent(&kid, Some(s.to_owned()));
                    moved += 1;
                }
            } else {
                self.set_parent(&kid, None);
            }
        }
        self.set_parent(code, None);
        self.parent.remove(code);
        moved
    }

    /// Why `op` cannot run now, or `None` when it can.
    fn blocked(&self, op: &Op) -> Option<Blocked> {
        match op {
            Op::Create { parent, .. } => match parent {
                Some(p) if !self.is_open(p) => Some(Blocked::Waiting),
                _ => None,
            },
            Op::Rename { .. } => None,
            Op::Move { code, parent } => {
                if !self.is_open(parent) || !self.is_open(code) {
                    Some(Blocked::Waiting)
                } else if self.within(parent, code) {
                    Some(Blocked::Inside(parent.clone()))
                } else {
                    None
                }
            }
            Op::Merge { from, into } => self.blocked_handover(from, std::slice::from_ref(into)),
            Op::Split { from, into } => self.blocked_handover(from, into),
            Op::Close { code } => {
                let kids: Vec<String> = self.children_of(code).map(str::to_owned).collect();
                (!kids.is_empty()).then_some(Blocked::Children(kids))
            }
        }
    }

    fn blocked_handover(&self, from: &str, into: &[String]) -> Option<Blocked> {
        if !self.is_open(from) || into.iter().any(|s| !self.is_open(s)) {
            return Some(Blocked::Waiting);
        }
        into.iter()
            .find(|s| self.within(s, from))
            .map(|s| Blocked::Inside(s.clone()))
    }

    /// Runs `op` on the tree; returns how many children passed to a successor.
    fn run(&mut self, op: &Op) -> usize {
        match op {
            Op::Create { code, parent } => {
                self.parent.insert(code.clone(), None);
                self.set_parent(code, parent.clone());
                0
            }
            Op::Rename { .. } => 0,
            Op::Move { code, parent } => {
                self.set_parent(code, Some(parent.clone()));
                0
            }
            Op::Merge { from, into } => self.close(from, Some(into)),
            Op::Split { from, into } => self.close(from, into.first().map(String::as_str)),
            Op::Close { code } => self.close(code, None),
        }
    }
}

/// Why a step could not run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Blocked {
    /// A unit it needs never opened (its parent waits on a cycle).
    Waiting,
    /// The new parent or successor lies inside the unit (code given).
    Inside(String),
    /// Children left under a unit that closes without successor.
    Children(Vec<String>),
}

/// The outcome of ordering a plan's steps.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Ordered {
    /// Indexes into the steps, in an order in which each can run.
    pub order: Vec<usize>,
    /// Steps that never could, with why (as the tree stood when it stopped).
    pub blocked: Vec<(usize, Blocked)>,
    /// Units that passed to a successor with their closed parent.
    pub children_moved: usize,
}

/// Finds an order for `ops` on `tree`. Phase by phase (new units, names,
/// moves, then merges, splits and closes), each step runs as soon as it
/// can; whenever a phase ran something while steps of it or of an earlier
/// phase still wait, it starts again from the first phase (a new parent
/// lets its children open, a merge may free a move). Units that close go
/// deeper first, so that a commune merges before its district closes, and
/// a district closes before its province merges (nothing passes through a
/// successor only to close). Stops when a pass over every phase runs
/// nothing. Deterministic: ties keep the order of `ops`.
pub(crate) fn order(mut tree: Tree, ops: &[Op]) -> Ordered {
    let depth = |code: &str| {
        let mut d = 0usize;
        let mut at = tree.parent_of(code);
        while let Some(p) = at {
            d += 1;
            if d > tree.parent.len() {
                break;
            }
            at = tree.parent_of(p);
        }
        d
    };
    let key = |op: &Op| -> (u8, std::cmp::Reverse<usize>) {
        let unit = match op {
            Op::Merge { from, .. } | Op::Split { from, .. } => Some(from),
            Op::Close { code } => Some(code),
            _ => None,
        };
        (op.phase(), std::cmp::Reverse(unit.map_or(0, |u| depth(u))))
    };
    let mut pending: Vec<usize> = (0..ops.len()).collect();
    pending.sort_by_cached_key(|&i| key(&ops[i]));
    let mut out = Ordered::default();
    let mut phase = 0;
    while phase <= Op::LAST_PHASE {
        let mut ran = false;
        pending.retain(|&i| {
            if ops[i].phase() != phase || tree.blocked(&ops[i]).is_some() {
                return true;
            }
            out.children_moved += tree.run(&ops[i]);
            out.order.push(i);
            ran = true;
            false
        });
        if ran && pending.iter().any(|&i| ops[i].phase() <= phase) {
            phase = 0;
        } else {
            phase += 1;
        }
    }
    out.blocked = pending
        .into_iter()
        .map(|i| (i, tree.blocked(&ops[i]).unwrap_or(Blocked::Waiting)))
        .collect();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(x: &str) -> String {
        x.to_owned()
    }

    /// A province P with districts D1, D2; communes C1, C2 under D1, C3 under D2;
    /// branches B1 under C1, B2 under C2, B3 under C3.
    fn province() -> Tree {
        Tree::new([
            ("P", None),
            ("D1", Some("P")),
            ("D2", Some("P")),
            ("C1", Some("D1")),
            ("C2", Some("D1")),
            ("C3", Some("D2")),
            ("B1", Some("C1")),
            ("B2", Some("C2")),
            ("B3", Some("C3")),
        ])
    }

    fn codes(ops: &[Op], order: &[usize]) -> Vec<Op> {
        order.iter().map(|&i| ops[i].clone()).collect()
    }

    #[test]
    fn the_district_level_goes_in_any_row_order() {
        // Rows as a ministry sorts them: closes first, children before parents.
        let ops = vec![
            Op::Close { code: s("D1") },
            Op::Close { code: s("D2") },
            Op::Merge {
                from: s("C2"),
                into: s("N1"),
            },
            Op::Create {
                code: s("N2"),
                parent: Some(s("N0")),
            },
            Op::Merge {
                from: s("C1"),
                into: s("N1"),
            },
            Op::Create {
                code: s("N1"),
                parent: Some(s("N0")),
            },
            Op::Create {
                code: s("N0"),
                parent: Some(s("P")),
            },
            Op::Split {
                from: s("C3"),
                into: vec![s("N2"), s("N1")],
            },
        ];
        let got = order(province(), &ops);
        assert!(got.blocked.is_empty(), "{got:?}");
        let pos = |op: &Op| got.order.iter().position(|&i| &ops[i] == op).expect("ordered");
        assert!(
            pos(&ops[6]) < pos(&ops[5]),
            "N0 before N1: {:?}",
            codes(&ops, &got.order)
        );
        assert!(pos(&ops[5]) < pos(&ops[4]), "N1 before C1 merges into it");
        assert!(pos(&ops[4]) < pos(&ops[0]), "D1 closes once its communes are gone");
        assert!(pos(&ops[7]) < pos(&ops[1]), "D2 closes once C3 is split");
        // B1, B2 passed to N1 and B3 to N2 (the primary of the split).
        assert_eq!(got.children_moved, 3);
    }

    #[test]
    fn a_move_waits_until_the_new_parent_is_out_of_the_way() {
        // A under B becomes B under A: A must first leave B (to the root R).
        let tree = Tree::new([("R", None), ("B", Some("R")), ("A", Some("B"))]);
        let ops = vec![
            Op::Move {
                code: s("B"),
                parent: s("A"),
            },
            Op::Move {
                code: s("A"),
                parent: s("R"),
            },
        ];
        let got = order(tree, &ops);
        assert_eq!(got.order, vec![1, 0]);
        assert!(got.blocked.is_empty());
    }

    #[test]
    fn a_cycle_of_parents_is_blocked_and_named() {
        let tree = Tree::new([("R", None), ("A", Some("R")), ("B", Some("R"))]);
        let ops = vec![
            Op::Move {
                code: s("A"),
                parent: s("B"),
            },
            Op::Move {
                code: s("B"),
                parent: s("A"),
            },
            Op::Create {
                code: s("X"),
                parent: Some(s("Y")),
            },
            Op::Create {
                code: s("Y"),
                parent: Some(s("X")),
            },
        ];
        let got = order(tree, &ops);
        assert_eq!(got.order, vec![0], "A moves, then B cannot go under its own child");
        assert_eq!(
            got.blocked,
            vec![
                (2, Blocked::Waiting),
                (3, Blocked::Waiting),
                (1, Blocked::Inside(s("A"))),
            ]
        );
    }

    #[test]
    fn a_close_that_would_orphan_units_is_blocked_with_them() {
        let ops = vec![
            Op::Close { code: s("D1") },
            Op::Merge {
                from: s("C1"),
                into: s("C3"),
            },
        ];
        let got = order(province(), &ops);
        assert_eq!(got.order, vec![1]);
        assert_eq!(got.blocked, vec![(0, Blocked::Children(vec![s("C2")]))]);
    }

    #[test]
    fn a_merge_into_a_unit_inside_the_old_one_waits_for_it_to_move_out() {
        // C1 merges into its own branch B1, which the plan moves under P first.
        let ops = vec![
            Op::Merge {
                from: s("C1"),
                into: s("B1"),
            },
            Op::Move {
                code: s("B1"),
                parent: s("P"),
            },
        ];
        let got = order(province(), &ops);
        assert_eq!(got.order, vec![1, 0]);
        // Without the move it never can.
        let got = order(province(), &ops[..1]);
        assert_eq!(got.blocked, vec![(0, Blocked::Inside(s("B1")))]);
    }
}
