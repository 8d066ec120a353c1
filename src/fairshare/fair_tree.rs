//! Fair Tree, Slurm's default fair-share algorithm (`src/plugins/priority/multifactor/
//! fair_tree.c`, `doc/html/fair_tree.shtml`).
//!
//! For each set of fair-share siblings (`_calc_assoc_fs()`):
//! - `S` = shares / level shares (`_normalize_assoc_shares_fair_tree()`; a `parent`
//!   association uses its fair-share parent's shares and level);
//! - `U` = usage / fair-share parent's usage, 0 when the parent has none
//!   (`_ft_set_assoc_usage_efctv()`);
//! - level fair-share `LF = S / U`: 0 when `S` is 0, infinite when `U` is 0; a `parent`
//!   user gets infinity, a `parent` account `NO_VAL`.
//!
//! The siblings are sorted by `LF`, highest first, users before accounts at equal `LF`
//! (`_cmp_level_fs()`), and walked (`_calc_tree_fs()`): a user not tied with the previous
//! sibling takes `rank = rnt`; its factor is `rank / users`; `rnt` goes down by one. An
//! account is recursed into; its first child starts tied when the account was tied with
//! the previous sibling, so it shares the rank last given.
//!
//! Two facts of the 22.05 code, kept: `_count_tied_accounts()` stops at the first
//! *account* after the one at hand (`if (!next_assoc->user) break;`), and users sort
//! before accounts at equal `LF`, so tied accounts are never merged — contrary to the
//! documentation's "sibling accounts with the same level_fs have their children lists
//! merged"; each is walked in turn, the later ones starting tied. And Slurm sorts with
//! `qsort`, which is not stable; here the sort is stable (tree order on full ties).

use super::tree::{ShareTree, ShareValue};
use super::usage::Usage;
use super::{NO_VAL_F64, NodeFs};

/// Every association's Fair Tree values.
///
/// ```
/// use hpcsched::fairshare::{fair_tree, ShareNode, ShareTree, Usage, ShareValue::Value};
/// let tree = ShareTree::new(vec![
///     ShareNode { name: "root".into(), user: false, parent: None, shares: Value(1) },
///     ShareNode::account("a", 0, Value(1)),
///     ShareNode::user("heavy", 1, Value(1)),
///     ShareNode::account("b", 0, Value(1)),
///     ShareNode::user("idle", 3, Value(1)),
/// ])?;
/// let mut usage = Usage::new(&tree);
/// usage.add(&tree, 2, 500.0);
/// let fs = fair_tree::compute(&tree, &usage);
/// assert_eq!(fs[4].fs_factor, 1.0); // b has LF infinity: its user ranks first
/// assert_eq!(fs[2].fs_factor, 0.5); // 1 of 2
/// assert_eq!(fs[1].level_fs, Some(0.5)); // S 0.5 / U 1.0
/// # Ok::<(), hpcsched::fairshare::TreeError>(())
/// ```
#[must_use]
pub fn compute(tree: &ShareTree, usage: &Usage) -> Vec<NodeFs> {
    let nodes = tree.nodes();
    let mut out: Vec<NodeFs> = nodes
        .iter()
        .enumerate()
        .map(|(i, node)| {
            let Some(fsp) = tree.fs_parent(i) else {
                // The root: level shares never set (NO_VAL), so S is ~0; its effective
                // usage is the 1.0 set at plugin start; no LF, no factor.
                return NodeFs {
                    shares_norm: 0.0,
                    usage_norm: None,
                    usage_efctv: 1.0,
                    level_fs: None,
                    fs_factor: 0.0,
                };
            };
            let parent_raw = usage.raw(fsp);
            let u = if parent_raw == 0.0 {
                0.0
            } else {
                usage.raw(i) / parent_raw
            };
            // `parent`: the fair-share parent's shares over its own level (0 when that
            // is the root, whose level is NO_VAL).
            let s = match node.shares {
                ShareValue::Value(v) => ratio(v, tree.level_shares(i)),
                ShareValue::Parent => match nodes[fsp].shares {
                    ShareValue::Value(v) if fsp != 0 => ratio(v, tree.level_shares(fsp)),
                    _ => 0.0,
                },
            };
            let level_fs = match (node.shares, node.user) {
                (ShareValue::Parent, true) => f64::INFINITY,
                (ShareValue::Parent, false) => NO_VAL_F64,
                _ if s == 0.0 => 0.0,
                // U == 0 gives infinity, a valid value ("NOT A BUG" in fair_tree.c).
                _ => s / u,
            };
            NodeFs {
                shares_norm: s,
                usage_norm: Some(usage.norm(i)),
                usage_efctv: u,
                level_fs: Some(level_fs),
                fs_factor: 0.0,
            }
        })
        .collect();
    let users = tree.user_count();
    let mut rank = users;
    let mut rnt = users;
    walk(
        tree,
        tree.fs_children(0).to_vec(),
        &mut out,
        &mut rank,
        &mut rnt,
        false,
    );
    out
}

fn ratio(shares: u32, level: u32) -> f64 {
    if level == 0 {
        0.0
    } else {
        f64::from(shares) / f64::from(level)
    }
}

fn lf(out: &[NodeFs], i: usize) -> f64 {
    out.get(i).and_then(|n| n.level_fs).unwrap_or(0.0)
}

/// `_calc_tree_fs()`. Ties are exact equality of `level_fs`, as Slurm compares them.
#[allow(clippy::float_cmp)]
fn walk(
    tree: &ShareTree,
    mut siblings: Vec<usize>,
    out: &mut [NodeFs],
    rank: &mut u32,
    rnt: &mut u32,
    account_tied: bool,
) {
    let nodes = tree.nodes();
    let is_user = |i: usize| nodes.get(i).is_some_and(|n| n.user);
    siblings.sort_by(|&a, &b| {
        lf(out, b)
            .partial_cmp(&lf(out, a))
            .unwrap_or(std::cmp::Ordering::Equal)
            .then_with(|| is_user(b).cmp(&is_user(a)))
    });
    let users = f64::from(tree.user_count().max(1));
    let mut prev = NO_VAL_F64;
    let mut i = 0;
    while let Some(&a) = siblings.get(i) {
        let level_fs = lf(out, a);
        let tied = if i == 0 && account_tied {
            true
        } else {
            prev == level_fs
        };
        if is_user(a) {
            if !tied {
                *rank = *rnt;
            }
            if let Some(n) = out.get_mut(a) {
                n.fs_factor = f64::from(*rank) / users;
            }
            *rnt = rnt.saturating_sub(1);
        } else {
            // `_count_tied_accounts()` as written: stops at the next account, so with
            // users sorted first it counts 0 (see the module docs).
            let merge = siblings[i + 1..]
                .iter()
                .take_while(|&&n| is_user(n) && lf(out, n) == level_fs)
                .count();
            let children: Vec<usize> = siblings[i..=i + merge]
                .iter()
                .flat_map(|&s| tree.fs_children(s).iter().copied())
                .collect();
            walk(tree, children, out, rank, rnt, tied);
            i += merge;
        }
        prev = level_fs;
        i += 1;
    }
}

#[cfg(test)]
// Expected values are exact in binary (halves, quarters) or the very same computation.
#[allow(clippy::float_cmp)]
mod tests {
    use super::super::tree::ShareNode;
    use super::super::tree::ShareValue::*;
    use super::*;

    fn root() -> ShareNode {
        ShareNode {
            name: "root".into(),
            user: false,
            parent: None,
            shares: Value(1),
        }
    }

    fn factors(fs: &[NodeFs], idx: &[usize]) -> Vec<f64> {
        idx.iter().map(|&i| fs[i].fs_factor).collect()
    }

    #[test]
    fn two_accounts_one_heavy_user() -> Result<(), super::super::TreeError> {
        // root → A (1): a1 heavy, a2 light; B (1): b1 light.
        let t = ShareTree::new(vec![
            root(),
            ShareNode::account("A", 0, Value(1)),
            ShareNode::user("a1", 1, Value(1)),
            ShareNode::user("a2", 1, Value(1)),
            ShareNode::account("B", 0, Value(1)),
            ShareNode::user("b1", 4, Value(1)),
        ])?;
        let mut u = Usage::new(&t);
        u.add(&t, 2, 90.0);
        u.add(&t, 3, 10.0);
        u.add(&t, 5, 50.0);
        let fs = compute(&t, &u);
        // A: S 0.5, U 100/150 → LF 0.75; B: S 0.5, U 50/150 → LF 1.5. B first.
        assert_eq!(fs[1].level_fs, Some(0.5 / (100.0 / 150.0)));
        assert_eq!(fs[4].level_fs, Some(0.5 / (50.0 / 150.0)));
        // b1 rank 3, then in A: a2 (LF 0.5/0.1 = 5) rank 2, a1 (0.5/0.9) rank 1.
        assert_eq!(factors(&fs, &[5, 3, 2]), [1.0, 2.0 / 3.0, 1.0 / 3.0]);
        // Accounts get no factor; sshare prints none for them.
        assert_eq!(fs[1].fs_factor, 0.0);
        Ok(())
    }

    #[test]
    fn tied_users_share_a_rank_and_the_next_skips() -> Result<(), super::super::TreeError> {
        let t = ShareTree::new(vec![
            root(),
            ShareNode::user("u1", 0, Value(1)),
            ShareNode::user("u2", 0, Value(1)),
            ShareNode::user("u3", 0, Value(1)),
            ShareNode::user("u4", 0, Value(0)),
        ])?;
        let mut u = Usage::new(&t);
        u.add(&t, 1, 10.0);
        u.add(&t, 2, 10.0);
        u.add(&t, 3, 20.0);
        let fs = compute(&t, &u);
        // u1 = u2 (tied, rank 4), u3 rank 2 (rnt went 4→3→2), u4 (S 0, LF 0) rank 1.
        assert_eq!(factors(&fs, &[1, 2, 3, 4]), [1.0, 1.0, 0.5, 0.25]);
        Ok(())
    }

    #[test]
    fn a_user_tied_with_an_account_takes_the_accounts_top_rank()
    -> Result<(), super::super::TreeError> {
        // Nobody used anything: every LF is infinite. Users sort first: u (rank 3), then
        // A, tied, whose first user keeps rank 3, and its second too (tied, infinite).
        let t = ShareTree::new(vec![
            root(),
            ShareNode::account("A", 0, Value(1)),
            ShareNode::user("a1", 1, Value(1)),
            ShareNode::user("a2", 1, Value(1)),
            ShareNode::user("u", 0, Value(1)),
        ])?;
        let fs = compute(&t, &Usage::new(&t));
        assert_eq!(factors(&fs, &[4, 2, 3]), [1.0, 1.0, 1.0]);
        Ok(())
    }

    #[test]
    fn tied_accounts_are_walked_in_turn_not_merged() -> Result<(), super::super::TreeError> {
        // A and B tie (LF 1). Merged (as the docs say), x1 (LF 0.5/0.25 = 2) would rank
        // above b1 and a1 (both LF 0.5/0.75). In 22.05 A is walked first, then B starting
        // tied with the rank last given.
        let t = ShareTree::new(vec![
            root(),
            ShareNode::account("A", 0, Value(1)),
            ShareNode::user("a1", 1, Value(1)),
            ShareNode::user("a2", 1, Value(1)),
            ShareNode::account("B", 0, Value(1)),
            ShareNode::user("b1", 4, Value(1)),
            ShareNode::user("x1", 4, Value(1)),
        ])?;
        let mut u = Usage::new(&t);
        u.add(&t, 2, 30.0);
        u.add(&t, 3, 10.0);
        u.add(&t, 5, 30.0);
        u.add(&t, 6, 10.0);
        let fs = compute(&t, &u);
        assert_eq!(fs[1].level_fs, fs[4].level_fs);
        // A: a2 rank 4, a1 rank 3. B starts tied: x1 keeps rank 3, b1 gets rnt 1.
        assert_eq!(factors(&fs, &[3, 2, 6, 5]), [1.0, 0.75, 0.75, 0.25]);
        Ok(())
    }

    #[test]
    fn parent_shares() -> Result<(), super::super::TreeError> {
        // B → sub (parent) → s1; B → b1; u (parent user under A).
        let t = ShareTree::new(vec![
            root(),
            ShareNode::account("A", 0, Value(1)),
            ShareNode::user("p", 1, Parent),
            ShareNode::user("a1", 1, Value(1)),
            ShareNode::account("B", 0, Value(3)),
            ShareNode::account("sub", 4, Parent),
            ShareNode::user("s1", 5, Value(1)),
            ShareNode::user("b1", 4, Value(3)),
        ])?;
        let mut u = Usage::new(&t);
        u.add(&t, 2, 10.0);
        u.add(&t, 3, 10.0);
        u.add(&t, 6, 40.0);
        u.add(&t, 7, 40.0);
        let fs = compute(&t, &u);
        // A: S 0.25, U 0.2 → 1.25; B: S 0.75, U 0.8 → 0.9375. A first.
        // In A: p (parent user) infinity → rank 4; a1 rank 3.
        assert_eq!(fs[2].level_fs, Some(f64::INFINITY));
        assert_eq!(fs[2].shares_norm, 0.25); // A's shares over A's level
        // In B: sub (NO_VAL) first, empty; s1 S 1/4 U 0.5 → 0.5; b1 S 3/4 U 0.5 → 1.5.
        assert_eq!(fs[5].level_fs, Some(NO_VAL_F64));
        assert_eq!(factors(&fs, &[2, 3, 7, 6]), [1.0, 0.75, 0.5, 0.25]);
        Ok(())
    }
}
