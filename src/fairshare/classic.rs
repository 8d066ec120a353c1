//! The classic fair-share algorithm (`PriorityFlags=NO_FAIR_TREE`).
//!
//! From Slurm 22.05's `priority_multifactor.c` and `src/common/assoc_mgr.c`:
//! - normalised shares (`_normalize_assoc_shares_traditional()`): the product, from the
//!   association up to (not including) the root, of `shares / level shares`, skipping
//!   `FairShare=parent` levels; 0 if a level has no shares; a `parent` association takes
//!   its fair-share parent's value; the root's is 1;
//! - normalised usage (`set_assoc_usage_norm()`): usage over the root's, at most 1, 0 when
//!   the root has none;
//! - effective usage (`_set_assoc_usage_efctv()`, `_set_usage_efctv()`): a child of the
//!   root has its normalised usage; a `parent` association its fair-share parent's;
//!   otherwise `UA + (UE_parent − UA) × S / S_level`, or `UE_parent` when the level has no
//!   shares; the root's is 1 (set at plugin start);
//! - the factor (`priority_p_calc_fs_factor()`): `2^(−(U_E / S_norm) / damping)`, 0 when
//!   the normalised shares are 0 or less.
//!
//! `DEPTH_OBLIVIOUS` (`_depth_oblivious_set_usage_efctv()`) is not modelled.

use super::NodeFs;
use super::tree::{ShareTree, ShareValue};
use super::usage::Usage;

/// `priority_p_calc_fs_factor()`: `2^(−(usage_efctv / shares_norm) / damping)`.
///
/// ```
/// use hpcsched::fairshare::classic::fs_factor;
/// assert_eq!(fs_factor(0.5, 0.5, 1), 0.5);
/// assert_eq!(fs_factor(0.5, 0.25, 2), 0.5);
/// assert_eq!(fs_factor(0.0, 0.0, 1), 0.0);
/// ```
#[must_use]
pub fn fs_factor(usage_efctv: f64, shares_norm: f64, damping: u16) -> f64 {
    if shares_norm <= 0.0 {
        return 0.0;
    }
    // The config refuses a damping of 0 (Slurm would divide by it).
    let damping = f64::from(damping.max(1));
    2f64.powf(-((usage_efctv / shares_norm) / damping))
}

/// Every association's classic values from one usage snapshot.
///
/// ```
/// use hpcsched::fairshare::{classic, ShareNode, ShareTree, Usage, ShareValue::Value};
/// let tree = ShareTree::new(vec![
///     ShareNode { name: "root".into(), user: false, parent: None, shares: Value(1) },
///     ShareNode::account("a", 0, Value(1)),
///     ShareNode::user("u", 1, Value(1)),
///     ShareNode::account("b", 0, Value(1)),
/// ])?;
/// let mut usage = Usage::new(&tree);
/// usage.add(&tree, 2, 100.0); // u (and a, root) used everything
/// let fs = classic::compute(&tree, &usage, 1);
/// assert_eq!(fs[1].usage_efctv, 1.0);        // a: child of root, U_E = UA
/// assert_eq!(fs[2].usage_efctv, 1.0);        // u: 1 + (1 - 1) * 1/1
/// assert_eq!(fs[2].fs_factor, 0.25);         // 2^-(1 / 0.5)
/// assert_eq!(fs[3].fs_factor, 1.0);          // b: no usage
/// # Ok::<(), hpcsched::fairshare::TreeError>(())
/// ```
#[must_use]
pub fn compute(tree: &ShareTree, usage: &Usage, damping: u16) -> Vec<NodeFs> {
    let nodes = tree.nodes();
    let mut out: Vec<NodeFs> = Vec::with_capacity(nodes.len());
    for (i, node) in nodes.iter().enumerate() {
        let Some(fsp) = tree.fs_parent(i) else {
            out.push(NodeFs {
                shares_norm: 1.0,
                usage_norm: None,
                usage_efctv: 1.0,
                level_fs: None,
                fs_factor: fs_factor(1.0, 1.0, damping),
            });
            continue;
        };
        // Parents (and fair-share parents) come before their children, so `out[fsp]`
        // is already there.
        let parent = out.get(fsp).copied().unwrap_or(NodeFs {
            shares_norm: 1.0,
            usage_norm: None,
            usage_efctv: 1.0,
            level_fs: None,
            fs_factor: 0.0,
        });
        let shares_norm = match node.shares {
            ShareValue::Parent => parent.shares_norm,
            ShareValue::Value(_) => shares_norm(tree, i),
        };
        let usage_norm = usage.norm(i);
        let usage_efctv = efctv(tree, i, usage_norm, parent.usage_efctv);
        out.push(NodeFs {
            shares_norm,
            usage_norm: Some(usage_norm),
            usage_efctv,
            level_fs: None,
            fs_factor: fs_factor(usage_efctv, shares_norm, damping),
        });
    }
    out
}

/// Slurm's order within a tick: accounts' effective usage is worked out at the start of
/// the tick (`_set_children_usage_efctv()`, before decay and new usage), users' only when
/// a job's priority is computed, after them (`_get_fairshare_priority()`). So this takes
/// the values computed at the start (`before`) and redoes the users from `usage`; a
/// `FairShare=parent` user keeps its account's values, as Slurm reads them from there.
#[must_use]
pub fn recompute_users(
    tree: &ShareTree,
    usage: &Usage,
    before: &[NodeFs],
    damping: u16,
) -> Vec<NodeFs> {
    let mut out = before.to_vec();
    for (i, node) in tree.nodes().iter().enumerate() {
        if !node.user || node.shares == ShareValue::Parent {
            continue;
        }
        let (Some(fsp), Some(slot)) = (tree.fs_parent(i), out.get(i).copied()) else {
            continue;
        };
        let parent_efctv = before.get(fsp).map_or(1.0, |p| p.usage_efctv);
        let usage_norm = usage.norm(i);
        let usage_efctv = efctv(tree, i, usage_norm, parent_efctv);
        out[i] = NodeFs {
            usage_norm: Some(usage_norm),
            usage_efctv,
            fs_factor: fs_factor(usage_efctv, slot.shares_norm, damping),
            ..slot
        };
    }
    out
}

fn efctv(tree: &ShareTree, i: usize, usage_norm: f64, parent_efctv: f64) -> f64 {
    let node = &tree.nodes()[i];
    if tree.fs_parent(i) == Some(0) {
        return usage_norm;
    }
    match node.shares {
        ShareValue::Parent => parent_efctv,
        ShareValue::Value(s) => {
            let level = tree.level_shares(i);
            if level == 0 {
                parent_efctv
            } else {
                usage_norm + (parent_efctv - usage_norm) * (f64::from(s) / f64::from(level))
            }
        }
    }
}

fn shares_norm(tree: &ShareTree, i: usize) -> f64 {
    let nodes = tree.nodes();
    let mut norm = 1.0;
    let mut at = i;
    while let Some(p) = nodes[at].parent {
        if let ShareValue::Value(s) = nodes[at].shares {
            let level = tree.level_shares(at);
            if level == 0 {
                return 0.0;
            }
            norm *= f64::from(s) / f64::from(level);
        }
        at = p;
    }
    norm
}

#[cfg(test)]
mod tests {
    use super::super::tree::ShareNode;
    use super::super::tree::ShareValue::*;
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-12
    }

    /// root → A (40), B (60); A → u1 (1), u2 (3); B → parent-share sub → u3 (1); B → u4 (1).
    fn tree() -> ShareTree {
        ShareTree::new(vec![
            ShareNode {
                name: "root".into(),
                user: false,
                parent: None,
                shares: Value(1),
            },
            ShareNode::account("A", 0, Value(40)),
            ShareNode::user("u1", 1, Value(1)),
            ShareNode::user("u2", 1, Value(3)),
            ShareNode::account("B", 0, Value(60)),
            ShareNode::account("sub", 4, Parent),
            ShareNode::user("u3", 5, Value(1)),
            ShareNode::user("u4", 4, Value(1)),
        ])
        .unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn three_levels_with_parent_shares_by_hand() {
        let t = tree();
        let mut u = Usage::new(&t);
        u.add(&t, 2, 30.0); // u1
        u.add(&t, 3, 10.0); // u2
        u.add(&t, 6, 60.0); // u3, through sub and B
        let fs = compute(&t, &u, 1);
        // Shares: A 0.4, B 0.6, u1 0.4*1/4, u2 0.4*3/4; sub, u3, u4 at B's level of 2.
        assert!(close(fs[2].shares_norm, 0.1));
        assert!(close(fs[3].shares_norm, 0.3));
        assert!(close(fs[5].shares_norm, 0.6)); // parent: B's
        assert!(close(fs[6].shares_norm, 0.3));
        // Usage: root 100; A 0.4, B 0.6.
        assert!(close(fs[1].usage_efctv, 0.4));
        // u1: 0.3 + (0.4 - 0.3) * 1/4 = 0.325
        assert!(close(fs[2].usage_efctv, 0.325));
        // u2: 0.1 + (0.4 - 0.1) * 3/4 = 0.325
        assert!(close(fs[3].usage_efctv, 0.325));
        // sub: parent → B's 0.6; u3 (fs parent B): 0.6 + 0 = 0.6; u4: 0 + 0.6 * 1/2 = 0.3
        assert!(close(fs[5].usage_efctv, 0.6));
        assert!(close(fs[6].usage_efctv, 0.6));
        assert!(close(fs[7].usage_efctv, 0.3));
        assert!(close(fs[2].fs_factor, 2f64.powf(-3.25)));
        assert!(close(fs[3].fs_factor, 2f64.powf(-0.325 / 0.3)));
        assert!(close(fs[7].fs_factor, 0.5));
        // Damping 2 halves the exponent.
        let damped = compute(&t, &u, 2);
        assert!(close(damped[7].fs_factor, 2f64.powf(-0.5)));
        // Root: 1.0 shares and usage, 2^-1.
        assert_eq!((fs[0].usage_norm, fs[0].fs_factor), (None, 0.5));
    }

    #[test]
    fn users_recomputed_after_new_usage_use_the_accounts_from_before() {
        let t = tree();
        let mut u = Usage::new(&t);
        u.add(&t, 2, 50.0);
        u.add(&t, 7, 50.0);
        let before = compute(&t, &u, 1);
        u.add(&t, 2, 100.0); // root 200, u1 0.75, A still 0.5 from before
        let after = recompute_users(&t, &u, &before, 1);
        assert!(close(after[1].usage_efctv, 0.5));
        assert!(close(after[2].usage_efctv, 0.75 + (0.5 - 0.75) * 0.25));
        // Fresh, A would be 0.75.
        assert!(close(compute(&t, &u, 1)[1].usage_efctv, 0.75));
    }
}
