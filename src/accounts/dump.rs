//! `sacctmgr dump` files: the association tree of one cluster as text, read back by
//! `sacctmgr load`.
//!
//! ```text
//! Cluster - 'demo':Fairshare=1:QOS='normal'
//! Parent - 'root'
//! User - 'root':DefaultAccount='root':AdminLevel='Administrator':Fairshare=1
//! Account - 'physics':Description='physics':Organization='physics':Fairshare=40:MaxJobs=10
//! Parent - 'physics'
//! User - 'alice':DefaultAccount='physics':Fairshare=1
//! ```
//!
//! Facts followed (Slurm 22.05, `src/sacctmgr/file_functions.c`, `cluster_functions.c`):
//! - Reading (`load_sacctmgr_cfg_file()`): `#` starts a comment (`\#` is a `#`), a
//!   trailing `\` continues the line, `\\` is a backslash. The object is the word before
//!   the first `-` (`Cluster`/`Machine`, `Parent`, `Account`/`Project`, `User`); fields
//!   are `:`-separated outside quotes; the first field without `=` is the name; quotes are
//!   stripped and values lower-cased; an empty value is ignored. The cluster line comes
//!   first, a `Parent` must already exist, and lines before any `Parent` go under root.
//!   A user's default account is its `DefaultAccount`, else the current parent
//!   (`_set_user_up()`).
//! - Writing (`sacctmgr_dump_cluster()`): a fixed `#` header, the cluster line with root's
//!   limits, then for each account with children a `Parent` line followed by its
//!   children's lines (users first, then accounts, each by name), depth-first
//!   (`print_file_slurmdb_hierarchical_rec_list()`). Limits are those set at each level,
//!   in `print_file_add_limits_to_line()`'s order; walls are minutes; TRES in Slurm's TRES
//!   id order (cpu, mem, energy, node, billing, then the rest) with memory in exact units;
//!   `Fairshare=parent` is written as `SLURMDB_FS_USE_PARENT` (2147483647).
//! - hpcsched also writes `MinPrioThresh`, which 22.05's dump leaves out, so that nothing
//!   set is lost on a round trip; `sacctmgr load` accepts the key.

use super::sacctmgr::{Arg, FS_USE_PARENT, Field, apply_assoc, field_of};
use super::{AccountError, Accounts, AssocId, AssocLimits, QosSetting, Shares};
use crate::sacctmgr_words::prefix_of;
use crate::time::TimeLimit;
use crate::tres::{TresKind, TresLimits};
use std::fmt::Write as _;

/// The header `sacctmgr dump` writes, verbatim.
pub const HEADER: &str = "# To edit this file start with a cluster line for the new cluster\n\
# Cluster - 'cluster_name':MaxTRESPerJob=node=50\n\
# Followed by Accounts you want in this fashion (root is created by default)...\n\
# Parent - 'root'\n\
# Account - 'cs':MaxTRESPerJob=node=5:MaxJobs=4:MaxTRESMinsPerJob=cpu=20:FairShare=399:MaxWallDurationPerJob=40:Description='Computer Science':Organization='LC'\n\
# Any of the options after a ':' can be left out and they can be in any order.\n\
# If you want to add any sub accounts just list the Parent THAT HAS ALREADY\n\
# BEEN CREATED before the account line in this fashion...\n\
# Parent - 'cs'\n\
# Account - 'test':MaxTRESPerJob=node=1:MaxJobs=1:MaxTRESMinsPerJob=cpu=1:FairShare=1:MaxWallDurationPerJob=1:Description='Test Account':Organization='Test'\n\
# To add users to a account add a line like this after a Parent - 'line'\n\
# User - 'lipari':MaxTRESPerJob=node=2:MaxJobs=3:MaxTRESMinsPerJob=cpu=4:FairShare=1:MaxWallDurationPerJob=1\n";

/// Logical lines with the number of their last physical line: comments stripped,
/// continuations joined, escapes resolved (`_get_next_line()`).
fn logical_lines(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut cur = String::new();
    for (idx, raw) in text.lines().enumerate() {
        // Strip a comment: `#` not preceded by a backslash.
        let mut kept = String::new();
        let mut chars = raw.chars().peekable();
        let mut continued = false;
        while let Some(c) = chars.next() {
            match c {
                '\\' => match chars.peek() {
                    Some('#') => {
                        kept.push('#');
                        chars.next();
                    }
                    Some('\\') => {
                        kept.push('\\');
                        chars.next();
                    }
                    None => continued = true,
                    Some(_) => kept.push('\\'),
                },
                '#' => break,
                _ => kept.push(c),
            }
        }
        cur.push_str(&kept);
        if !continued {
            out.push((idx + 1, std::mem::take(&mut cur)));
        }
    }
    if !cur.is_empty() {
        out.push((text.lines().count(), cur));
    }
    out
}

/// `:`-separated fields outside quotes, quotes kept.
fn fields(options: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut quote: Option<char> = None;
    let mut start = 0;
    for (i, c) in options.char_indices() {
        match (quote, c) {
            (None, '\'' | '"') => quote = Some(c),
            (Some(q), _) if c == q => quote = None,
            (None, ':') => {
                out.push(&options[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&options[start..]);
    out
}

/// Removes quotes and lower-cases (`strip_quotes(..., make_lower)`).
fn unquote(s: &str) -> String {
    s.trim()
        .chars()
        .filter(|c| *c != '\'' && *c != '"')
        .collect::<String>()
        .to_ascii_lowercase()
}

/// One object line's parsed options.
struct Opts {
    name: String,
    default_account: Option<String>,
    admin_level: Option<String>,
    description: Option<String>,
    organization: Option<String>,
    partition: Option<String>,
    assoc: super::Assoc,
    parent_key: Option<String>,
}

fn parse_opts(
    line: usize,
    options: &str,
    qos_exists: &dyn Fn(&str) -> bool,
) -> Result<Opts, AccountError> {
    let mut o = Opts {
        name: String::new(),
        default_account: None,
        admin_level: None,
        description: None,
        organization: None,
        partition: None,
        assoc: super::Assoc::new("", None, None),
        parent_key: None,
    };
    let mut named = false;
    for field in fields(options) {
        if field.trim().is_empty() {
            continue;
        }
        let Some((key, value)) = field.split_once('=') else {
            if named {
                return Err(AccountError::Syntax {
                    line,
                    text: field.to_string(),
                    why: "Bad format: End your option with an '=' sign".into(),
                });
            }
            o.name = unquote(field);
            named = true;
            continue;
        };
        let (key, op) = match key.trim().strip_suffix(['+', '-']) {
            Some(k) => (k, key.trim().chars().last()),
            None => (key.trim(), None),
        };
        let value = unquote(value);
        if value.is_empty() {
            // "blank field given for %s discarding"
            continue;
        }
        if prefix_of(key, "AdminLevel", 2) {
            o.admin_level = Some(value);
        } else if prefix_of(key, "Coordinator", 2)
            || prefix_of(key, "Classification", 2)
            || prefix_of(key, "DefaultWCKey", 8)
            || prefix_of(key, "WCKeys", 2)
        {
            // Coordinators, classification and WCKeys do not change scheduling.
        } else if prefix_of(key, "DefaultAccount", 8) {
            o.default_account = Some(value);
        } else if prefix_of(key, "Description", 3) {
            o.description = Some(value);
        } else if prefix_of(key, "Organization", 1) {
            o.organization = Some(value);
        } else if prefix_of(key, "Partition", 1) {
            o.partition = Some(value);
        } else {
            let arg = Arg {
                line,
                key,
                op,
                value: &value,
            };
            match field_of(key) {
                Some(Field::Parent) => o.parent_key = Some(value.clone()),
                Some(f) => apply_assoc(&mut o.assoc, f, &arg, qos_exists)?,
                None => {
                    return Err(AccountError::UnknownKey {
                        line,
                        key: key.to_string(),
                    });
                }
            }
        }
    }
    if !named {
        return Err(AccountError::Syntax {
            line,
            text: options.trim().to_string(),
            why: "No name given".into(),
        });
    }
    Ok(o)
}

/// Reads a `sacctmgr dump` file into a tree. `qos_exists` says which QOS names the file
/// may use.
///
/// ```
/// use hpcsched::accounts::dump;
/// let text = "Cluster - 'demo':Fairshare=1:QOS='normal'\n\
///             Parent - 'root'\n\
///             Account - 'physics':Description='physics':Organization='physics':Fairshare=40:MaxJobs=10\n\
///             Parent - 'physics'\n\
///             User - 'alice':DefaultAccount='physics':Fairshare=1:MaxWallDurationPerJob=120\n";
/// let a = dump::read(text, &|q| q == "normal")?;
/// let alice = a.user_assoc("alice", "physics", None).unwrap();
/// assert_eq!(a.assoc(alice).unwrap().effective.max_jobs, Some(10));
/// assert_eq!(dump::write(&a), format!("{}{text}", dump::HEADER));
/// # Ok::<(), hpcsched::accounts::AccountError>(())
/// ```
pub fn read(text: &str, qos_exists: &dyn Fn(&str) -> bool) -> Result<Accounts, AccountError> {
    let mut acc: Option<Accounts> = None;
    let mut parent: Option<String> = None;
    for (line, logical) in logical_lines(text) {
        if logical.trim().is_empty() {
            continue;
        }
        let Some(dash) = logical.find('-') else {
            // sacctmgr skips a line with no object.
            continue;
        };
        let object = logical[..dash].trim().to_ascii_lowercase();
        // The options start after the first space following the `-`.
        let after = &logical[dash..];
        let Some(sp) = after.find(' ') else {
            return Err(AccountError::Syntax {
                line,
                text: logical.trim().to_string(),
                why: format!("Nothing after object name '{object}'"),
            });
        };
        let options = &after[sp + 1..];
        match object.as_str() {
            "cluster" | "machine" => {
                if acc.is_some() {
                    let o = parse_opts(line, options, qos_exists)?;
                    return Err(AccountError::OtherCluster { line, name: o.name });
                }
                let o = parse_opts(line, options, qos_exists)?;
                let mut a = Accounts::new(&o.name);
                let root = a.root().index();
                let qos = a.assocs[root].qos_setting.clone();
                a.assocs[root].take_settings(&o.assoc);
                if o.assoc.qos_setting == QosSetting::Inherit {
                    // Root's list stays `normal` unless the line sets one.
                    a.assocs[root].qos_setting = qos;
                }
                acc = Some(a);
                continue;
            }
            _ => {}
        }
        let Some(a) = acc.as_mut() else {
            return Err(AccountError::DumpNoCluster { line });
        };
        match object.as_str() {
            "parent" => {
                let o = parse_opts(line, options, qos_exists)?;
                if a.account_assoc(&o.name).is_none() {
                    return Err(AccountError::DumpParent {
                        line,
                        parent: o.name,
                    });
                }
                parent = Some(o.name);
            }
            "account" | "project" => {
                let o = parse_opts(line, options, qos_exists)?;
                let p = parent.clone().unwrap_or_else(|| "root".into());
                a.add_account(
                    line,
                    &o.name,
                    &p,
                    &o.assoc,
                    o.description.as_deref(),
                    o.organization.as_deref(),
                )?;
            }
            "user" => {
                let o = parse_opts(line, options, qos_exists)?;
                let p = parent.clone().unwrap_or_else(|| "root".into());
                a.add_user_assoc(line, &o.name, &p, o.partition.as_deref(), &o.assoc)?;
                if let Some(rec) = a.users.get_mut(&o.name) {
                    if let Some(d) = o.default_account {
                        rec.default_account = Some(d);
                    } else if rec.default_account.is_none() {
                        rec.default_account = Some(p);
                    }
                    if o.admin_level.is_some() {
                        rec.admin_level = o.admin_level;
                    }
                }
            }
            _ => {
                return Err(AccountError::Syntax {
                    line,
                    text: logical.trim().to_string(),
                    why: "Misformatted line".into(),
                });
            }
        }
    }
    let Some(mut a) = acc else {
        return Err(AccountError::DumpNoCluster {
            line: text.lines().count().max(1),
        });
    };
    a.finalize();
    Ok(a)
}

/// Whether `text` is a `sacctmgr dump` file rather than an admin script: it has a
/// `Cluster - 'NAME'` line (an admin script's lines are commands).
///
/// ```
/// use hpcsched::accounts::dump::is_dump;
/// assert!(is_dump("# dump\nCluster - 'demo':Fairshare=1\n"));
/// assert!(!is_dump("sacctmgr -i add cluster demo\n"));
/// ```
#[must_use]
pub fn is_dump(text: &str) -> bool {
    text.lines()
        .map(str::trim_start)
        .any(|l| l.starts_with("Cluster -") || l.starts_with("Cluster  -"))
}

/// Writes the tree as `sacctmgr dump` does (see the module docs).
#[must_use]
pub fn write(a: &Accounts) -> String {
    let mut out = String::from(HEADER);
    let root = a.root();
    let mut line = format!("Cluster - '{}'", a.cluster);
    limits_to_line(&mut line, a, root);
    out.push_str(&line);
    out.push('\n');
    write_list(&mut out, a, &[root]);
    out
}

/// `print_file_slurmdb_hierarchical_rec_list()`.
fn write_list(out: &mut String, a: &Accounts, list: &[AssocId]) {
    for &id in list {
        let children = a.children(id);
        if children.is_empty() {
            continue;
        }
        let _ = writeln!(out, "Parent - '{}'", a.assocs[id.index()].account);
        for &c in children {
            let x = &a.assocs[c.index()];
            let mut line = match &x.user {
                Some(u) => {
                    let mut l = format!("User - '{u}'");
                    if let Some(p) = &x.partition {
                        let _ = write!(l, ":Partition='{p}'");
                    }
                    if let Some(rec) = a.users.get(u) {
                        if let Some(d) = &rec.default_account {
                            let _ = write!(l, ":DefaultAccount='{d}'");
                        }
                        if let Some(lvl) = &rec.admin_level {
                            let _ = write!(l, ":AdminLevel='{lvl}'");
                        }
                    }
                    l
                }
                None => {
                    let mut l = format!("Account - '{}'", x.account);
                    if let Some(rec) = a.account_recs.get(&x.account) {
                        let _ = write!(
                            l,
                            ":Description='{}':Organization='{}'",
                            rec.description, rec.organization
                        );
                    }
                    l
                }
            };
            limits_to_line(&mut line, a, c);
            out.push_str(&line);
            out.push('\n');
        }
        write_list(out, a, children);
    }
}

/// TRES in Slurm's TRES id order (cpu 1, mem 2, energy 3, node 4, billing 5, then GRES
/// and licenses as they were written).
fn tres(l: &TresLimits) -> String {
    let rank = |k: &TresKind| match k {
        TresKind::Cpu => 0,
        TresKind::Mem => 1,
        TresKind::Energy => 2,
        TresKind::Node => 3,
        TresKind::Billing => 4,
        _ => 5,
    };
    let mut sorted = l.clone();
    sorted.0.sort_by(|a, _, b, _| rank(a).cmp(&rank(b)));
    sorted.to_string()
}

fn mins(t: TimeLimit) -> u64 {
    match t {
        TimeLimit::Limited(d) => d.as_secs() / 60,
        // An unlimited wall is stored as unset; never in a tree.
        TimeLimit::Unlimited => u64::from(u32::MAX),
    }
}

/// `print_file_add_limits_to_line()`: the limits set at this level, in its order.
fn limits_to_line(line: &mut String, tree: &Accounts, id: AssocId) {
    let assoc = &tree.assocs[id.index()];
    let lim: &AssocLimits = &assoc.limits;
    if let Some(q) = &assoc.default_qos {
        let _ = write!(line, ":DefaultQOS='{q}'");
    }
    match assoc.shares {
        Shares::Value(n) => {
            let _ = write!(line, ":Fairshare={n}");
        }
        Shares::Parent => {
            let _ = write!(line, ":Fairshare={FS_USE_PARENT}");
        }
    }
    let tres_key = |line: &mut String, key: &str, v: &TresLimits| {
        if !v.is_empty() {
            let _ = write!(line, ":{key}={}", tres(v));
        }
    };
    let num_key = |line: &mut String, key: &str, v: Option<u32>| {
        if let Some(v) = v {
            let _ = write!(line, ":{key}={v}");
        }
    };
    tres_key(line, "GrpTRESMins", &lim.grp_tres_mins);
    tres_key(line, "GrpTRESRunMins", &lim.grp_tres_run_mins);
    tres_key(line, "GrpTRES", &lim.grp_tres);
    num_key(line, "GrpJobs", lim.grp_jobs);
    num_key(line, "GrpJobsAccrue", lim.grp_jobs_accrue);
    num_key(line, "GrpSubmitJobs", lim.grp_submit_jobs);
    if let Some(w) = lim.grp_wall {
        let _ = write!(line, ":GrpWall={}", mins(w));
    }
    tres_key(line, "MaxTRESMinsPerJob", &lim.max_tres_mins_per_job);
    tres_key(line, "MaxTRESRunMins", &lim.max_tres_run_mins);
    tres_key(line, "MaxTRESPerJob", &lim.max_tres_per_job);
    tres_key(line, "MaxTRESPerNode", &lim.max_tres_per_node);
    num_key(line, "MaxJobs", lim.max_jobs);
    num_key(line, "MaxJobsAccrue", lim.max_jobs_accrue);
    num_key(line, "MaxSubmitJobs", lim.max_submit_jobs);
    if let Some(w) = lim.max_wall {
        let _ = write!(line, ":MaxWallDurationPerJob={}", mins(w));
    }
    num_key(line, "Priority", lim.priority);
    match &assoc.qos_setting {
        QosSetting::Inherit => {}
        QosSetting::List(q) => {
            let _ = write!(line, ":QOS='{}'", q.join(","));
        }
        QosSetting::Delta(d) => {
            let items: Vec<String> = d
                .iter()
                .map(|(add, n)| format!("{}{n}", if *add { '+' } else { '-' }))
                .collect();
            let _ = write!(line, ":QOS='{}'", items.join(","));
        }
    }
    num_key(line, "MinPrioThresh", lim.min_prio_thresh);
}
