//! The share tree fair-share is computed over: what the host builds from its
//! association tree (accounts and users, their `FairShare=` values).
//!
//! Slurm keeps two parents per association (`_set_assoc_parent_and_user()` in
//! `src/common/assoc_mgr.c`): the direct parent, which usage is added up through, and the
//! *fair-share parent*, the nearest ancestor whose shares are not `parent`. The
//! fair-share children of an association are the ones it is the fair-share parent of, so
//! the children of a `FairShare=parent` account compete among its own siblings; a level's
//! shares (`_get_children_level_shares()`) are the sum of those children's shares.

use serde::{Deserialize, Serialize};

/// A `FairShare=` value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ShareValue {
    /// A number of shares.
    Value(u32),
    /// `parent`: use the parent's fair-share (`SLURMDB_FS_USE_PARENT`).
    Parent,
}

/// One association.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShareNode {
    /// The account name, or the user name for a user association.
    pub name: String,
    /// A user association (a leaf) rather than an account.
    pub user: bool,
    /// The parent's index; `None` only for the root, index 0.
    pub parent: Option<usize>,
    /// `FairShare=`; the root's is not used (sshare prints none).
    pub shares: ShareValue,
}

impl ShareNode {
    /// An account under `parent`.
    #[must_use]
    pub fn account(name: impl Into<String>, parent: usize, shares: ShareValue) -> Self {
        Self {
            name: name.into(),
            user: false,
            parent: Some(parent),
            shares,
        }
    }

    /// A user association under account `parent`.
    #[must_use]
    pub fn user(name: impl Into<String>, parent: usize, shares: ShareValue) -> Self {
        Self {
            name: name.into(),
            user: true,
            parent: Some(parent),
            shares,
        }
    }
}

/// Why a tree was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TreeError {
    /// No nodes.
    #[error("a share tree needs a root")]
    Empty,
    /// Node 0 is not an account without a parent.
    #[error("node 0 must be the root account, without a parent")]
    Root,
    /// A node other than 0 without a parent, or whose parent does not come before it.
    #[error("node {0} must have a parent listed before it (depth-first order)")]
    Parent(usize),
    /// A node whose parent is a user.
    #[error("node {0} has a user as its parent")]
    UserParent(usize),
}

/// Associations in depth-first order, root at 0, with the fair-share parents and level
/// shares worked out once.
///
/// ```
/// use hpcsched::fairshare::{ShareNode, ShareTree, ShareValue::*};
/// let tree = ShareTree::new(vec![
///     ShareNode { name: "root".into(), user: false, parent: None, shares: Value(1) },
///     ShareNode::account("a", 0, Value(1)),
///     ShareNode::account("sub", 1, Parent),
///     ShareNode::user("u1", 2, Value(3)),
///     ShareNode::user("u2", 1, Value(1)),
/// ])?;
/// // `sub` shares its parent's fair-share: u1 competes with sub and u2 under `a`.
/// assert_eq!(tree.fs_parent(3), Some(1));
/// assert_eq!(tree.fs_children(1), &[2, 3, 4]);
/// assert_eq!(tree.level_shares(3), 4);
/// # Ok::<(), hpcsched::fairshare::TreeError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShareTree {
    nodes: Vec<ShareNode>,
    fs_parent: Vec<Option<usize>>,
    fs_children: Vec<Vec<usize>>,
    level_shares: Vec<u32>,
    users: u32,
}

impl ShareTree {
    /// Checks the shape and works out fair-share parents, children and level shares.
    ///
    /// # Errors
    /// [`TreeError`] when the nodes are not a tree rooted at 0 in depth-first order.
    pub fn new(nodes: Vec<ShareNode>) -> Result<Self, TreeError> {
        let root = nodes.first().ok_or(TreeError::Empty)?;
        if root.parent.is_some() || root.user {
            return Err(TreeError::Root);
        }
        let n = nodes.len();
        let mut fs_parent = vec![None; n];
        let mut fs_children = vec![Vec::new(); n];
        for (i, node) in nodes.iter().enumerate().skip(1) {
            let p = node.parent.filter(|&p| p < i).ok_or(TreeError::Parent(i))?;
            if nodes[p].user {
                return Err(TreeError::UserParent(i));
            }
            // The nearest ancestor whose shares are not `parent`; the root always counts.
            let mut fs = p;
            while fs != 0 && nodes[fs].shares == ShareValue::Parent {
                fs = nodes[fs].parent.unwrap_or(0);
            }
            fs_parent[i] = Some(fs);
            fs_children[fs].push(i);
        }
        let mut level_shares = vec![0u32; n];
        for children in &fs_children {
            // A `parent` child adds its own fair-share children's shares, which are always
            // none: they belong to this level already.
            let sum = children
                .iter()
                .map(|&c| match nodes[c].shares {
                    ShareValue::Value(v) => v,
                    ShareValue::Parent => 0,
                })
                .fold(0u32, u32::saturating_add);
            for &c in children {
                level_shares[c] = sum;
            }
        }
        let users = u32::try_from(nodes.iter().filter(|n| n.user).count()).unwrap_or(u32::MAX);
        Ok(Self {
            nodes,
            fs_parent,
            fs_children,
            level_shares,
            users,
        })
    }

    /// The nodes, in the order given.
    #[must_use]
    pub fn nodes(&self) -> &[ShareNode] {
        &self.nodes
    }

    /// The number of nodes.
    #[must_use]
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// Never true: a tree has its root.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// The fair-share parent of node `i` (`fs_assoc_ptr`); `None` for the root or an
    /// index out of range.
    #[must_use]
    pub fn fs_parent(&self, i: usize) -> Option<usize> {
        self.fs_parent.get(i).copied().flatten()
    }

    /// The fair-share children of node `i` (its `children_list`), in tree order.
    #[must_use]
    pub fn fs_children(&self, i: usize) -> &[usize] {
        self.fs_children.get(i).map_or(&[], Vec::as_slice)
    }

    /// The shares of node `i`'s level: the sum over its fair-share siblings (0 for the
    /// root or an index out of range).
    #[must_use]
    pub fn level_shares(&self, i: usize) -> u32 {
        self.level_shares.get(i).copied().unwrap_or(0)
    }

    /// The number of user associations (`g_user_assoc_count`).
    #[must_use]
    pub fn user_count(&self) -> u32 {
        self.users
    }

    /// Node `i` and its ancestors up to the root: the chain usage is added to.
    pub fn chain(&self, i: usize) -> impl Iterator<Item = usize> + '_ {
        std::iter::successors(Some(i).filter(|&i| i < self.nodes.len()), |&c| {
            self.nodes[c].parent
        })
    }

    /// The depth of node `i` (root 0).
    #[must_use]
    pub fn depth(&self, i: usize) -> usize {
        self.chain(i).count().saturating_sub(1)
    }

    /// The index of the user association `user` under account `account`.
    #[must_use]
    pub fn find_user(&self, account: &str, user: &str) -> Option<usize> {
        self.nodes.iter().position(|n| {
            n.user
                && n.name == user
                && n.parent
                    .and_then(|p| self.nodes.get(p))
                    .is_some_and(|a| a.name == account)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::ShareValue::*;
    use super::*;

    fn root() -> ShareNode {
        ShareNode {
            name: "root".into(),
            user: false,
            parent: None,
            shares: Value(1),
        }
    }

    #[test]
    fn shape_errors() {
        assert_eq!(ShareTree::new(vec![]), Err(TreeError::Empty));
        assert_eq!(
            ShareTree::new(vec![ShareNode::user("u", 0, Value(1))]),
            Err(TreeError::Root)
        );
        assert_eq!(
            ShareTree::new(vec![root(), ShareNode::account("a", 2, Value(1))]),
            Err(TreeError::Parent(1))
        );
        assert_eq!(
            ShareTree::new(vec![
                root(),
                ShareNode::user("u", 0, Value(1)),
                ShareNode::user("v", 1, Value(1))
            ]),
            Err(TreeError::UserParent(2))
        );
    }

    #[test]
    fn nested_parent_accounts_go_up_to_the_first_real_one() -> Result<(), TreeError> {
        let t = ShareTree::new(vec![
            root(),
            ShareNode::account("a", 0, Parent),
            ShareNode::account("b", 1, Parent),
            ShareNode::user("u", 2, Value(5)),
            ShareNode::account("c", 0, Value(3)),
        ])?;
        assert_eq!(t.fs_parent(3), Some(0));
        assert_eq!(t.fs_children(0), &[1, 2, 3, 4]);
        assert_eq!(t.level_shares(4), 8);
        assert_eq!(t.chain(3).collect::<Vec<_>>(), [3, 2, 1, 0]);
        assert_eq!(t.depth(3), 3);
        assert_eq!(t.user_count(), 1);
        assert_eq!(t.find_user("b", "u"), Some(3));
        Ok(())
    }
}
