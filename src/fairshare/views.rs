//! `sshare -a` rows and its text table (`src/sshare/process.c`, `src/common/print_fields.c`,
//! `slurmdb_tree_name_get()` and `_sort_children_list()` in `src/common/slurmdb_defs.c`).
//!
//! - Rows: every association in the hierarchical order sshare gets them in: under each
//!   account its users first, then its sub-accounts, each group by name.
//! - Account: indented one space per level; a user row shows its account's name one
//!   space further in.
//! - RawShares: `parent` for `FairShare=parent`, blank for the root (`NO_VAL`).
//! - RawUsage: the usage truncated to an integer.
//! - FairShare: under Fair Tree on user rows only; classic prints `2^(−U_E/S)` on every
//!   row.
//! - LevelFS (Fair Tree, `-l`): blank for `parent` and for the root.
//! - Numbers print as C `%*f`; one too wide prints in `%e` form narrowed to fit, as
//!   `print_fields_double()` does; `NO_VAL` and `INFINITE` print blank.
//!
//! `GrpTRESMins` and `TRESRunMins` (`-l`) are printed blank: limits and running TRES
//! minutes are not kept here.

use super::tree::{ShareTree, ShareValue};
use super::{Algorithm, NO_VAL_F64, NodeFs};
use serde::{Deserialize, Serialize};

/// One `sshare` row.
// Not `#[non_exhaustive]`: the C and Python faces destructure it field by field, so a new
// field stops them compiling until they show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SshareRow {
    /// The account (of the association, or the user's account).
    pub account: String,
    /// The user, on user rows.
    pub user: Option<String>,
    /// Depth in the tree (root 0).
    pub depth: usize,
    /// `RawShares`: `None` for the root.
    pub raw_shares: Option<ShareValue>,
    /// `NormShares`.
    pub norm_shares: f64,
    /// `RawUsage`, truncated.
    pub raw_usage: u64,
    /// `NormUsage`.
    pub norm_usage: Option<f64>,
    /// `EffectvUsage`.
    pub effectv_usage: f64,
    /// `FairShare` (`None`: blank).
    pub fair_share: Option<f64>,
    /// `LevelFS` (`None`: blank).
    pub level_fs: Option<f64>,
}

/// The rows of `sshare -a` for values computed by [`super::fair_tree::compute`] or
/// [`super::classic::compute`] (`damping` for the classic FairShare column).
///
/// ```
/// use hpcsched::fairshare::{fair_tree, views, Algorithm, ShareNode, ShareTree, Usage, ShareValue::*};
/// let tree = ShareTree::new(vec![
///     ShareNode { name: "root".into(), user: false, parent: None, shares: Value(1) },
///     ShareNode::account("physics", 0, Value(2)),
///     ShareNode::user("ann", 1, Parent),
/// ])?;
/// let usage = Usage::new(&tree);
/// let rows = views::sshare_rows(&tree, &usage, &fair_tree::compute(&tree, &usage), Algorithm::FairTree, 1);
/// assert_eq!(rows[2].user.as_deref(), Some("ann"));
/// assert_eq!(rows[1].fair_share, None); // accounts: blank under Fair Tree
/// assert_eq!(rows[2].fair_share, Some(1.0));
/// # Ok::<(), hpcsched::fairshare::TreeError>(())
/// ```
#[must_use]
pub fn sshare_rows(
    tree: &ShareTree,
    usage: &super::Usage,
    values: &[NodeFs],
    algorithm: Algorithm,
    damping: u16,
) -> Vec<SshareRow> {
    let nodes = tree.nodes();
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); nodes.len()];
    for (i, n) in nodes.iter().enumerate() {
        if let Some(c) = n.parent.and_then(|p| children.get_mut(p)) {
            c.push(i);
        }
    }
    for c in &mut children {
        c.sort_by(|&a, &b| {
            nodes[b]
                .user
                .cmp(&nodes[a].user)
                .then_with(|| nodes[a].name.cmp(&nodes[b].name))
        });
    }
    let mut order = Vec::with_capacity(nodes.len());
    let mut stack = vec![0usize];
    while let Some(i) = stack.pop() {
        order.push(i);
        if let Some(c) = children.get(i) {
            stack.extend(c.iter().rev());
        }
    }
    order
        .into_iter()
        .filter_map(|i| {
            let node = nodes.get(i)?;
            let v = values.get(i).copied()?;
            let account = if node.user {
                node.parent
                    .and_then(|p| nodes.get(p))
                    .map(|a| a.name.clone())?
            } else {
                node.name.clone()
            };
            let fair_share = match algorithm {
                Algorithm::FairTree => node.user.then_some(v.fs_factor),
                Algorithm::Classic => Some(super::classic::fs_factor(
                    v.usage_efctv,
                    v.shares_norm,
                    damping,
                )),
            };
            Some(SshareRow {
                account,
                user: node.user.then(|| node.name.clone()),
                depth: tree.depth(i),
                raw_shares: node.parent.map(|_| node.shares),
                norm_shares: v.shares_norm,
                raw_usage: usage.raw(i).max(0.0) as u64,
                norm_usage: v.usage_norm,
                effectv_usage: v.usage_efctv,
                fair_share,
                level_fs: match (algorithm, node.shares) {
                    (Algorithm::FairTree, ShareValue::Value(_)) => v.level_fs,
                    _ => None,
                },
            })
        })
        .collect()
}

/// The `sshare -a` table (`long`: `sshare -a -l`), header, dashes and rows, each line
/// ending in a space and a newline as sshare prints them.
///
/// ```
/// use hpcsched::fairshare::{fair_tree, views, Algorithm, ShareNode, ShareTree, Usage, ShareValue::*};
/// let tree = ShareTree::new(vec![
///     ShareNode { name: "root".into(), user: false, parent: None, shares: Value(1) },
///     ShareNode::account("physics", 0, Value(2)),
///     ShareNode::user("ann", 1, Parent),
/// ])?;
/// let usage = Usage::new(&tree);
/// let rows = views::sshare_rows(&tree, &usage, &fair_tree::compute(&tree, &usage), Algorithm::FairTree, 1);
/// let text = views::format_sshare(&rows, Algorithm::FairTree, false);
/// let lines: Vec<&str> = text.lines().collect();
/// assert_eq!(lines[0], "Account                    User  RawShares  NormShares    RawUsage  EffectvUsage  FairShare ");
/// assert_eq!(lines[4], "  physics                   ann     parent    1.000000           0      0.000000   1.000000 ");
/// # Ok::<(), hpcsched::fairshare::TreeError>(())
/// ```
#[must_use]
pub fn format_sshare(rows: &[SshareRow], algorithm: Algorithm, long: bool) -> String {
    #[derive(Clone, Copy)]
    enum Col {
        Account,
        User,
        RawShares,
        NormShares,
        RawUsage,
        NormUsage,
        Effectv,
        FairShare,
        LevelFs,
        GrpTresMins,
        TresRunMins,
    }
    // (column, header, width; negative = left-aligned), from process.c's fields[].
    let spec = |c: Col| -> (&'static str, i32) {
        match c {
            Col::Account => ("Account", -20),
            Col::User => ("User", 10),
            Col::RawShares => ("RawShares", 10),
            Col::NormShares => ("NormShares", 11),
            Col::RawUsage => ("RawUsage", 11),
            Col::NormUsage => ("NormUsage", 11),
            Col::Effectv => ("EffectvUsage", 13),
            Col::FairShare => ("FairShare", 10),
            Col::LevelFs => ("LevelFS", 10),
            Col::GrpTresMins => ("GrpTRESMins", 30),
            Col::TresRunMins => ("TRESRunMins", 30),
        }
    };
    let mut cols = vec![
        Col::Account,
        Col::User,
        Col::RawShares,
        Col::NormShares,
        Col::RawUsage,
    ];
    if long {
        cols.push(Col::NormUsage);
    }
    cols.extend([Col::Effectv, Col::FairShare]);
    if long {
        if algorithm == Algorithm::FairTree {
            cols.push(Col::LevelFs);
        }
        cols.extend([Col::GrpTresMins, Col::TresRunMins]);
    }
    let mut out = String::new();
    for &c in &cols {
        let (name, w) = spec(c);
        out.push_str(&pad(name, w));
        out.push(' ');
    }
    out.push('\n');
    for &c in &cols {
        out.push_str(&"-".repeat(spec(c).1.unsigned_abs() as usize));
        out.push(' ');
    }
    out.push('\n');
    for row in rows {
        for &c in &cols {
            let (_, w) = spec(c);
            let cell = match c {
                Col::Account => {
                    // A user row is one level deeper than its account, which it names.
                    str_cell(
                        Some(&format!("{}{}", " ".repeat(row.depth), row.account)),
                        w,
                    )
                }
                Col::User => str_cell(row.user.as_deref(), w),
                Col::RawShares => match row.raw_shares {
                    None => pad("", w),
                    Some(ShareValue::Parent) => str_cell(Some("parent"), w),
                    Some(ShareValue::Value(v)) if v == u32::MAX || v == u32::MAX - 1 => pad("", w),
                    Some(ShareValue::Value(v)) => pad(&v.to_string(), w),
                },
                Col::NormShares => double(Some(row.norm_shares), w),
                Col::RawUsage => pad(&row.raw_usage.to_string(), w),
                Col::NormUsage => double(row.norm_usage, w),
                Col::Effectv => double(Some(row.effectv_usage), w),
                Col::FairShare => double(row.fair_share, w),
                Col::LevelFs => double(row.level_fs, w),
                Col::GrpTresMins | Col::TresRunMins => str_cell(None, w),
            };
            out.push_str(&cell);
            out.push(' ');
        }
        out.push('\n');
    }
    out
}

/// `%*.*s` / `%-*.*s`: padded and cut to the width.
fn pad(s: &str, w: i32) -> String {
    let width = w.unsigned_abs() as usize;
    let cut: String = s.chars().take(width).collect();
    if w < 0 {
        format!("{cut:<width$}")
    } else {
        format!("{cut:>width$}")
    }
}

/// `print_fields_str()`: blank for none; a value longer than the column ends in `+`.
fn str_cell(s: Option<&str>, w: i32) -> String {
    match s {
        None => pad(" ", w),
        Some(v) => {
            let width = w.unsigned_abs() as usize;
            if v.chars().count() > width {
                let mut cut: String = v.chars().take(width.saturating_sub(1)).collect();
                cut.push('+');
                pad(&cut, w)
            } else {
                pad(v, w)
            }
        }
    }
}

/// `print_fields_double()`.
fn double(v: Option<f64>, w: i32) -> String {
    let Some(v) = v else {
        return pad(" ", w);
    };
    // NO_VAL, INFINITE, NO_VAL64 and INFINITE64 as doubles: "unset", printed blank.
    if [
        NO_VAL_F64,
        4_294_967_295.0,
        18_446_744_073_709_551_614.0,
        18_446_744_073_709_551_615.0,
    ]
    .contains(&v)
    {
        return pad(" ", w);
    }
    let width = w.unsigned_abs() as usize;
    let fixed = c_fixed(v);
    if fixed.len() <= width {
        return pad(&fixed, w);
    }
    // `%*.*e` with precision = width, then narrowed by how much that overflows.
    let wide = c_exp(v, width);
    let new_width = (2 * width).saturating_sub(wide.len());
    // `%*.*e` with that width as both: the width is a minimum, so nothing is cut.
    let e = c_exp(v, new_width);
    if w < 0 {
        format!("{e:<new_width$}")
    } else {
        format!("{e:>new_width$}")
    }
}

/// C `%f`.
fn c_fixed(v: f64) -> String {
    if v.is_infinite() {
        return if v > 0.0 { "inf" } else { "-inf" }.to_owned();
    }
    if v.is_nan() {
        return "nan".to_owned();
    }
    format!("{v:.6}")
}

/// C `%.{prec}e`: at least two exponent digits, with a sign.
fn c_exp(value: f64, prec: usize) -> String {
    let text = format!("{value:.prec$e}");
    match text.split_once('e') {
        Some((mantissa, exp)) => {
            let (sign, digits) = match exp.strip_prefix('-') {
                Some(rest) => ('-', rest),
                None => ('+', exp),
            };
            format!("{mantissa}e{sign}{digits:0>2}")
        }
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::super::tree::ShareNode;
    use super::super::tree::ShareValue::*;
    use super::super::{Usage, classic, fair_tree};
    use super::*;

    #[test]
    fn doubles_as_print_fields_prints_them() {
        assert_eq!(double(Some(0.5), 10), "  0.500000");
        assert_eq!(double(Some(f64::INFINITY), 10), "       inf");
        assert_eq!(double(Some(NO_VAL_F64), 10), "          ");
        assert_eq!(double(None, 11), "           ");
        // 12345678.000000 is 15 wide: %10.10e is 16 wide, so width 4: 1.2346e+07.
        assert_eq!(double(Some(12_345_678.0), 10), "1.2346e+07");
    }

    #[test]
    fn table_fair_tree_long_and_classic() {
        let t = ShareTree::new(vec![
            ShareNode {
                name: "root".into(),
                user: false,
                parent: None,
                shares: Value(1),
            },
            ShareNode::account("zeta", 0, Value(1)),
            ShareNode::user("zed", 1, Value(1)),
            ShareNode::account("alpha", 0, Value(3)),
            ShareNode::account("sub", 3, Value(1)),
            ShareNode::user("bob", 3, Value(1)),
        ])
        .unwrap_or_else(|e| panic!("{e}"));
        let mut u = Usage::new(&t);
        u.add(&t, 2, 300.7);
        u.add(&t, 5, 100.0);
        let ft = fair_tree::compute(&t, &u);
        let rows = sshare_rows(&t, &u, &ft, Algorithm::FairTree, 1);
        let order: Vec<(&str, Option<&str>)> = rows
            .iter()
            .map(|r| (r.account.as_str(), r.user.as_deref()))
            .collect();
        // Users before sub-accounts, names in order.
        assert_eq!(
            order,
            [
                ("root", None),
                ("alpha", None),
                ("alpha", Some("bob")),
                ("sub", None),
                ("zeta", None),
                ("zeta", Some("zed")),
            ]
        );
        let text = format_sshare(&rows, Algorithm::FairTree, true);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[0],
            "Account                    User  RawShares  NormShares    RawUsage   NormUsage  EffectvUsage  FairShare    LevelFS                    GrpTRESMins                    TRESRunMins "
        );
        // Root: no RawShares, no FairShare or LevelFS; blank TRES columns.
        assert_eq!(
            lines[2].trim_end(),
            "root                                          0.000000         400                  1.000000"
        );
        assert_eq!(lines[2].len(), lines[0].len());
        // alpha: S 0.75, U 100/400.7; bob: S 1/1 (level: bob 1 + sub 1 = 2 → 0.5).
        assert_eq!(
            lines[4].trim_end(),
            "  alpha                     bob          1    0.500000         100    0.249563      1.000000   1.000000   0.500000"
        );
        let cl = classic::compute(&t, &u, 1);
        let text = format_sshare(
            &sshare_rows(&t, &u, &cl, Algorithm::Classic, 1),
            Algorithm::Classic,
            false,
        );
        let root = text.lines().nth(2).unwrap_or_default();
        assert_eq!(
            root,
            "root                                          1.000000         400      1.000000   0.500000 "
        );
    }
}
