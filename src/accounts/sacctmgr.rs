//! `sacctmgr` admin lines for the association tree:
//! `add|create cluster NAME`, `add|create account NAMES [KEY=VALUE...]`,
//! `add|create user NAMES Account=A[,B] [KEY=VALUE...]`,
//! `modify|update account|user [where] COND... set KEY=VALUE...`,
//! `delete|remove account|user NAMES [where Account=... Partition=...]`.
//!
//! Keys follow sacctmgr 22.05: the account keys of `_set_rec()`
//! (`src/sacctmgr/account_functions.c`), the user keys of `sacctmgr_add_user()`
//! (`user_functions.c`), then the association keys of `sacctmgr_set_assoc_rec()` and the
//! conditions of `sacctmgr_set_assoc_cond()` (`association_functions.c`), each matched
//! case-insensitively by its minimum prefix. Legacy keys map onto TRES (`GrpCPUs` is
//! `GrpTRES=cpu=`, `MaxNodesPerJob` is `MaxTRESPerJob=node=`...). A negative number clears
//! a limit. QOS names must exist (`You gave a bad qos`), `QOS+=`/`QOS-=` (or `+name`
//! items) change the inherited list, and mixing `=` and `+`/`-` items is refused as
//! sacctmgr does. `WCKeys`, `DefaultWCKey` and `AdminLevel` are accepted; hpcsched does
//! not schedule by them.
//!
//! A user added with no `DefaultAccount` gets the first account of its first `add user`
//! (slurmdbd's `_make_sure_users_have_default()` keeps the oldest association marked
//! default; associations added in one command share a creation time, and hpcsched takes
//! the first one listed).

use super::{AccountError, Accounts, Assoc, QosSetting, Shares};
use crate::sacctmgr_words::{
    self as words, apply_legacy, apply_tres, count32, prefix_of, split_arg, split_names, wall,
};
use crate::tres::TresKind;

/// What an association key sets (`sacctmgr_set_assoc_rec()`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Field {
    DefaultQos,
    Shares,
    GrpCpuMins,
    GrpCpuRunMins,
    GrpCpus,
    GrpJobs,
    GrpJobsAccrue,
    GrpMemory,
    GrpNodes,
    GrpSubmitJobs,
    GrpTres,
    GrpTresMins,
    GrpTresRunMins,
    GrpWall,
    MaxCpuMinsPerJob,
    MaxCpuRunMins,
    MaxCpusPerJob,
    MaxJobs,
    MaxJobsAccrue,
    MaxNodesPerJob,
    MinPrioThresh,
    MaxSubmitJobs,
    MaxTresPerJob,
    MaxTresPerNode,
    MaxTresMinsPerJob,
    MaxTresRunMins,
    MaxWall,
    Parent,
    Priority,
    Qos,
}

/// sacctmgr's association keys in its matching order, with the shortest prefix it takes.
const ASSOC_KEYS: &[(&str, usize, Field)] = &[
    ("DefaultQOS", 8, Field::DefaultQos),
    ("FairShare", 1, Field::Shares),
    ("Shares", 1, Field::Shares),
    ("GrpCPUMins", 7, Field::GrpCpuMins),
    ("GrpCPURunMins", 7, Field::GrpCpuRunMins),
    ("GrpCpus", 7, Field::GrpCpus),
    ("GrpJobs", 4, Field::GrpJobs),
    ("GrpJobsAccrue", 8, Field::GrpJobsAccrue),
    ("GrpMemory", 4, Field::GrpMemory),
    ("GrpNodes", 4, Field::GrpNodes),
    ("GrpSubmitJobs", 4, Field::GrpSubmitJobs),
    ("GrpTRES", 7, Field::GrpTres),
    ("GrpTRESMins", 8, Field::GrpTresMins),
    ("GrpTRESRunMins", 8, Field::GrpTresRunMins),
    ("GrpWall", 4, Field::GrpWall),
    ("MaxCPUMinsPerJob", 7, Field::MaxCpuMinsPerJob),
    ("MaxCPURunMins", 7, Field::MaxCpuRunMins),
    ("MaxCpusPerJob", 7, Field::MaxCpusPerJob),
    ("MaxJobs", 4, Field::MaxJobs),
    ("MaxJobsAccrue", 8, Field::MaxJobsAccrue),
    ("MaxNodesPerJob", 4, Field::MaxNodesPerJob),
    ("MinPrioThresh", 4, Field::MinPrioThresh),
    ("MaxSubmitJobs", 4, Field::MaxSubmitJobs),
    ("MaxTRESPerJob", 7, Field::MaxTresPerJob),
    ("MaxTRESPerNode", 11, Field::MaxTresPerNode),
    ("MaxTRESMinsPerJob", 8, Field::MaxTresMinsPerJob),
    ("MaxTRESRunMins", 8, Field::MaxTresRunMins),
    ("MaxWallDurationPerJob", 4, Field::MaxWall),
    ("Parent", 2, Field::Parent),
    ("Priority", 2, Field::Priority),
    ("QosLevel", 1, Field::Qos),
];

/// The association field `key` names, if any.
pub(crate) fn field_of(key: &str) -> Option<Field> {
    ASSOC_KEYS
        .iter()
        .find(|(name, min, _)| prefix_of(key, name, *min))
        .map(|(_, _, f)| *f)
}

/// `SLURMDB_FS_USE_PARENT`, the number a dump writes for `Fairshare=parent`.
pub(crate) const FS_USE_PARENT: u32 = 0x7FFF_FFFF;

/// One `KEY[+-]=VALUE` and where it came from.
pub(crate) struct Arg<'a> {
    pub line: usize,
    pub key: &'a str,
    pub op: Option<char>,
    pub value: &'a str,
}

impl Arg<'_> {
    fn err(&self, why: impl Into<String>) -> AccountError {
        AccountError::Value {
            line: self.line,
            key: self.key.to_string(),
            value: self.value.to_string(),
            why: why.into(),
        }
    }
}

/// Applies one association key (not `Parent`, which the caller handles) to `a`.
pub(crate) fn apply_assoc(
    assoc: &mut Assoc,
    field: Field,
    arg: &Arg<'_>,
    qos_exists: &dyn Fn(&str) -> bool,
) -> Result<(), AccountError> {
    if arg.op.is_some() && field != Field::Qos {
        return Err(AccountError::Syntax {
            line: arg.line,
            text: format!("{}{}={}", arg.key, arg.op.unwrap_or('+'), arg.value),
            why: format!("{} does not take `+=` or `-=`", arg.key),
        });
    }
    let lim = &mut assoc.limits;
    let val = arg.value;
    let bad = |w: String| arg.err(w);
    match field {
        Field::DefaultQos => {
            let q = val.trim().to_ascii_lowercase();
            assoc.default_qos = if q.parse::<i64>().is_ok_and(|n| n == -1) || q.is_empty() {
                None
            } else if qos_exists(&q) {
                Some(q)
            } else {
                return Err(AccountError::BadDefaultQos {
                    line: arg.line,
                    qos: q,
                });
            };
        }
        Field::Shares => {
            // `xstrncasecmp(value, "parent", 6)`.
            assoc.shares = if val
                .get(..6)
                .is_some_and(|p| p.eq_ignore_ascii_case("parent"))
            {
                Shares::Parent
            } else {
                match count32(val).map_err(bad)? {
                    Some(FS_USE_PARENT) => Shares::Parent,
                    Some(n) => Shares::Value(n),
                    None => Shares::default(),
                }
            };
        }
        Field::GrpCpuMins => {
            apply_legacy(val, TresKind::Cpu, &mut lim.grp_tres_mins).map_err(bad)?;
        }
        Field::GrpCpuRunMins => {
            apply_legacy(val, TresKind::Cpu, &mut lim.grp_tres_run_mins).map_err(bad)?;
        }
        Field::GrpCpus => apply_legacy(val, TresKind::Cpu, &mut lim.grp_tres).map_err(bad)?,
        Field::GrpMemory => apply_legacy(val, TresKind::Mem, &mut lim.grp_tres).map_err(bad)?,
        Field::GrpNodes => apply_legacy(val, TresKind::Node, &mut lim.grp_tres).map_err(bad)?,
        Field::GrpJobs => lim.grp_jobs = count32(val).map_err(bad)?,
        Field::GrpJobsAccrue => lim.grp_jobs_accrue = count32(val).map_err(bad)?,
        Field::GrpSubmitJobs => lim.grp_submit_jobs = count32(val).map_err(bad)?,
        Field::GrpTres => apply_tres(val, &mut lim.grp_tres).map_err(bad)?,
        Field::GrpTresMins => apply_tres(val, &mut lim.grp_tres_mins).map_err(bad)?,
        Field::GrpTresRunMins => apply_tres(val, &mut lim.grp_tres_run_mins).map_err(bad)?,
        Field::GrpWall => lim.grp_wall = wall(val).map_err(bad)?,
        Field::MaxCpuMinsPerJob => {
            apply_legacy(val, TresKind::Cpu, &mut lim.max_tres_mins_per_job).map_err(bad)?;
        }
        Field::MaxCpuRunMins => {
            apply_legacy(val, TresKind::Cpu, &mut lim.max_tres_run_mins).map_err(bad)?;
        }
        Field::MaxCpusPerJob => {
            apply_legacy(val, TresKind::Cpu, &mut lim.max_tres_per_job).map_err(bad)?;
        }
        Field::MaxNodesPerJob => {
            apply_legacy(val, TresKind::Node, &mut lim.max_tres_per_job).map_err(bad)?;
        }
        Field::MaxJobs => lim.max_jobs = count32(val).map_err(bad)?,
        Field::MaxJobsAccrue => lim.max_jobs_accrue = count32(val).map_err(bad)?,
        Field::MinPrioThresh => lim.min_prio_thresh = count32(val).map_err(bad)?,
        Field::MaxSubmitJobs => lim.max_submit_jobs = count32(val).map_err(bad)?,
        Field::MaxTresPerJob => apply_tres(val, &mut lim.max_tres_per_job).map_err(bad)?,
        Field::MaxTresPerNode => apply_tres(val, &mut lim.max_tres_per_node).map_err(bad)?,
        Field::MaxTresMinsPerJob => apply_tres(val, &mut lim.max_tres_mins_per_job).map_err(bad)?,
        Field::MaxTresRunMins => apply_tres(val, &mut lim.max_tres_run_mins).map_err(bad)?,
        Field::MaxWall => lim.max_wall = wall(val).map_err(bad)?,
        Field::Priority => lim.priority = count32(val).map_err(bad)?,
        Field::Qos => apply_qos(assoc, arg, qos_exists)?,
        Field::Parent => {
            return Err(AccountError::Syntax {
                line: arg.line,
                text: format!("{}={}", arg.key, arg.value),
                why: "Parent= applies to accounts".into(),
            });
        }
    }
    Ok(())
}

/// `QOS=a,b`, `QOS+=c`, `QOS-=a`, `QOS=+c,-a`, `QOS=''` (back to the inherited list).
fn apply_qos(
    a: &mut Assoc,
    arg: &Arg<'_>,
    qos_exists: &dyn Fn(&str) -> bool,
) -> Result<(), AccountError> {
    let v = arg.value.trim();
    if v.is_empty() {
        a.qos_setting = QosSetting::Inherit;
        return Ok(());
    }
    let mut set: Vec<String> = Vec::new();
    let mut deltas: Vec<(bool, String)> = Vec::new();
    for tok in v.split(',').map(str::trim).filter(|t| !t.is_empty()) {
        let (op, name) = match tok.chars().next() {
            Some(c @ ('+' | '-')) => (Some(c), &tok[1..]),
            _ => (arg.op, tok),
        };
        let name = name.to_ascii_lowercase();
        if !qos_exists(&name) {
            return Err(AccountError::BadQos {
                line: arg.line,
                qos: name,
            });
        }
        match op {
            Some(c) => deltas.push((c == '+', name)),
            None => {
                if !set.contains(&name) {
                    set.push(name);
                }
            }
        }
    }
    if !set.is_empty() && !deltas.is_empty() {
        return Err(arg.err(
            "You can't set qos equal to something and then add or subtract from it in the same line",
        ));
    }
    if deltas.is_empty() {
        a.qos_setting = QosSetting::List(set);
        return Ok(());
    }
    match &mut a.qos_setting {
        QosSetting::List(list) => {
            for (add, name) in deltas {
                if add {
                    if !list.contains(&name) {
                        list.push(name);
                    }
                } else {
                    list.retain(|x| *x != name);
                }
            }
        }
        setting => {
            let mut d = match std::mem::take(setting) {
                QosSetting::Delta(d) => d,
                _ => Vec::new(),
            };
            for (add, name) in deltas {
                d.retain(|(_, n)| *n != name);
                d.push((add, name));
            }
            *setting = QosSetting::Delta(d);
        }
    }
    Ok(())
}

/// Parses a whole admin script into a new tree; it must create its cluster first
/// (`add cluster NAME`). `qos_exists` says which QOS names `QOS=` and `DefaultQOS=` may
/// use.
///
/// ```
/// use hpcsched::accounts::sacctmgr::parse;
/// let a = parse(
///     "sacctmgr add cluster demo\n\
///      sacctmgr add account physics Description='Physics dept' MaxWall=1-0\n\
///      sacctmgr add user alice,bob Account=physics MaxJobs=4 # two users\n\
///      sacctmgr modify user where name=bob set MaxJobs=8\n",
///     &|q| q == "normal",
/// )?;
/// assert_eq!(a.default_account("bob"), Some("physics"));
/// let bob = a.user_assoc("bob", "physics", None).unwrap();
/// assert_eq!(a.assoc(bob).unwrap().limits.max_jobs, Some(8));
/// assert_eq!(a.account("physics").unwrap().description, "physics dept");
/// # Ok::<(), hpcsched::accounts::AccountError>(())
/// ```
pub fn parse(text: &str, qos_exists: &dyn Fn(&str) -> bool) -> Result<Accounts, AccountError> {
    let mut acc = None;
    for (idx, raw) in text.lines().enumerate() {
        apply_line(&mut acc, idx + 1, raw, qos_exists)?;
    }
    let mut acc = acc.ok_or(AccountError::NoCluster {
        line: text.lines().count().max(1),
    })?;
    acc.finalize();
    Ok(acc)
}

impl Accounts {
    /// Applies an admin script of `sacctmgr` account, user and cluster lines; all or
    /// nothing (a failed line leaves the tree as it was). `qos_exists` says which QOS
    /// names may be used.
    ///
    /// ```
    /// use hpcsched::accounts::{Accounts, AccountError};
    /// let mut a = Accounts::new("demo");
    /// a.apply_sacctmgr("add account bio\nadd user carol Account=bio QOS+=gpu", &|q| q == "normal" || q == "gpu")?;
    /// let carol = a.user_assoc("carol", "bio", None).unwrap();
    /// assert_eq!(a.assoc(carol).unwrap().qos, ["normal", "gpu"]);
    /// let err = a.apply_sacctmgr("add account x\nadd user dan Account=nowhere", &|_| true);
    /// assert_eq!(err, Err(AccountError::NoAccount { line: 2, account: "nowhere".into() }));
    /// assert!(a.account("x").is_none(), "nothing of the failed text is kept");
    /// # Ok::<(), AccountError>(())
    /// ```
    pub fn apply_sacctmgr(
        &mut self,
        text: &str,
        qos_exists: &dyn Fn(&str) -> bool,
    ) -> Result<(), AccountError> {
        let mut next = Some(self.clone());
        for (idx, raw) in text.lines().enumerate() {
            apply_line(&mut next, idx + 1, raw, qos_exists)?;
        }
        if let Some(mut n) = next {
            n.finalize();
            *self = n;
        }
        Ok(())
    }
}

/// Whether a line is an account, user or cluster command (and not, say, `add qos`).
pub(crate) fn is_account_line(words: &[String]) -> bool {
    matches!(words::command_line(words), Ok(Some(c)) if c.entity.is_some_and(|e| entity_of(e).is_some()))
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Entity {
    Cluster,
    Account,
    User,
}

fn entity_of(word: &str) -> Option<Entity> {
    let w = word.to_ascii_lowercase();
    match w.as_str() {
        "cluster" | "clusters" => Some(Entity::Cluster),
        "account" | "accounts" => Some(Entity::Account),
        "user" | "users" => Some(Entity::User),
        _ => None,
    }
}

/// Applies one line to the tree (`None`: no cluster yet). Does not finalize.
pub(crate) fn apply_line(
    acc: &mut Option<Accounts>,
    line: usize,
    raw: &str,
    qos_exists: &dyn Fn(&str) -> bool,
) -> Result<(), AccountError> {
    let syntax = |why: &str| AccountError::Syntax {
        line,
        text: raw.trim().to_string(),
        why: why.to_string(),
    };
    let ws = crate::shell_words::split(raw).map_err(|e| syntax(&e.to_string()))?;
    let Some(cl) = words::command_line(&ws).map_err(syntax)? else {
        return Ok(());
    };
    let verb = cl.verb.to_ascii_lowercase();
    let Some(entity) = cl.entity.and_then(entity_of) else {
        return Err(syntax("expected `cluster`, `account` or `user`"));
    };
    match verb.as_str() {
        "add" | "create" => {}
        "modify" | "update" | "delete" | "remove" if entity != Entity::Cluster => {}
        _ => return Err(syntax("expected add, modify or delete")),
    }
    if entity == Entity::Cluster {
        let names: Vec<String> = cl
            .rest
            .iter()
            .flat_map(|w| match split_arg(w) {
                Some((k, _, v)) if prefix_of(k, "Names", 1) || prefix_of(k, "Clusters", 1) => {
                    split_names(v)
                }
                Some(_) => Vec::new(),
                None => split_names(w),
            })
            .collect();
        let [name] = names.as_slice() else {
            return Err(syntax("expected one cluster name"));
        };
        return match acc {
            None => {
                *acc = Some(Accounts::new(name));
                Ok(())
            }
            Some(a) if a.cluster == *name => Err(AccountError::Exists {
                line,
                what: format!("cluster '{name}'"),
            }),
            Some(_) => Err(AccountError::OtherCluster {
                line,
                name: name.clone(),
            }),
        };
    }
    let Some(a) = acc.as_mut() else {
        return Err(AccountError::NoCluster { line });
    };
    match (verb.as_str(), entity) {
        ("add" | "create", Entity::Account) => add_account(a, line, &cl.rest, qos_exists),
        ("add" | "create", Entity::User) => add_user(a, line, &cl.rest, qos_exists),
        ("modify" | "update", e) => modify(a, line, e == Entity::User, &cl.rest, qos_exists),
        (_, e) => delete(a, line, e == Entity::User, &cl.rest),
    }
}

fn check_cluster(a: &Accounts, line: usize, value: &str) -> Result<(), AccountError> {
    match split_names(value).into_iter().find(|c| *c != a.cluster) {
        Some(c) => Err(AccountError::NotFound {
            line,
            what: format!("cluster '{c}'"),
        }),
        None => Ok(()),
    }
}

fn unsupported(line: usize, key: &str) -> AccountError {
    AccountError::Unsupported {
        line,
        key: key.to_string(),
    }
}

fn add_account(
    a: &mut Accounts,
    line: usize,
    rest: &[&str],
    qos_exists: &dyn Fn(&str) -> bool,
) -> Result<(), AccountError> {
    let mut names = Vec::new();
    let mut parent = "root".to_string();
    let mut description = None;
    let mut organization = None;
    let mut template = Assoc::new("", None, None);
    for word in rest {
        let Some((key, op, value)) = split_arg(word) else {
            names.extend(split_names(word));
            continue;
        };
        let arg = Arg {
            line,
            key,
            op,
            value,
        };
        if prefix_of(key, "Accounts", 1) || prefix_of(key, "Names", 1) || prefix_of(key, "Acct", 4)
        {
            names.extend(split_names(value));
        } else if prefix_of(key, "Clusters", 1) {
            check_cluster(a, line, value)?;
        } else if prefix_of(key, "Description", 1) {
            description = Some(value.to_ascii_lowercase());
        } else if prefix_of(key, "Organization", 1) {
            organization = Some(value.to_ascii_lowercase());
        } else if prefix_of(key, "RawUsage", 7) {
            return Err(unsupported(line, key));
        } else {
            match field_of(key) {
                Some(Field::Parent) => parent = value.trim().to_ascii_lowercase(),
                Some(f) => apply_assoc(&mut template, f, &arg, qos_exists)?,
                None => {
                    return Err(AccountError::UnknownKey {
                        line,
                        key: key.to_string(),
                    });
                }
            }
        }
    }
    if names.is_empty() {
        return Err(AccountError::Syntax {
            line,
            text: rest.join(" "),
            why: "Need name of account to add".into(),
        });
    }
    for name in names {
        a.add_account(
            line,
            &name,
            &parent,
            &template,
            description.as_deref(),
            organization.as_deref(),
        )?;
    }
    Ok(())
}

fn add_user(
    a: &mut Accounts,
    line: usize,
    rest: &[&str],
    qos_exists: &dyn Fn(&str) -> bool,
) -> Result<(), AccountError> {
    let mut names = Vec::new();
    let mut accounts: Vec<String> = Vec::new();
    let mut partitions: Vec<String> = Vec::new();
    let mut default_account = None;
    let mut admin_level = None;
    let mut template = Assoc::new("", None, None);
    for word in rest {
        let Some((key, op, value)) = split_arg(word) else {
            names.extend(split_names(word));
            continue;
        };
        let arg = Arg {
            line,
            key,
            op,
            value,
        };
        if prefix_of(key, "Names", 1) || prefix_of(key, "Users", 1) {
            names.extend(split_names(value));
        } else if prefix_of(key, "AdminLevel", 2) {
            admin_level = Some(value.to_string());
        } else if prefix_of(key, "DefaultAccount", 8) {
            let d = value.trim().to_ascii_lowercase();
            if !accounts.contains(&d) {
                accounts.push(d.clone());
            }
            default_account = Some(d);
        } else if prefix_of(key, "DefaultWCKey", 8) || prefix_of(key, "WCKeys", 1) {
            // WCKeys are accounting labels; they do not change scheduling.
        } else if let Some(f) = field_of(key) {
            apply_assoc(&mut template, f, &arg, qos_exists)?;
        } else if prefix_of(key, "Accounts", 2) || prefix_of(key, "Acct", 4) {
            for acct in split_names(value) {
                if !accounts.contains(&acct) {
                    accounts.push(acct);
                }
            }
        } else if prefix_of(key, "Clusters", 1) {
            check_cluster(a, line, value)?;
        } else if prefix_of(key, "Partitions", 3) {
            partitions.extend(split_names(value));
        } else {
            return Err(AccountError::UnknownKey {
                line,
                key: key.to_string(),
            });
        }
    }
    if names.is_empty() {
        return Err(AccountError::Syntax {
            line,
            text: rest.join(" "),
            why: "Need name of user to add".into(),
        });
    }
    if accounts.is_empty() {
        return Err(AccountError::Syntax {
            line,
            text: rest.join(" "),
            why: "Need name of account to add user to".into(),
        });
    }
    for acct in &accounts {
        if a.account_assoc(acct).is_none() {
            return Err(AccountError::NoAccount {
                line,
                account: acct.clone(),
            });
        }
    }
    let parts: Vec<Option<&str>> = if partitions.is_empty() {
        vec![None]
    } else {
        partitions.iter().map(|p| Some(p.as_str())).collect()
    };
    for user in &names {
        for acct in &accounts {
            for part in &parts {
                a.add_user_assoc(line, user, acct, *part, &template)?;
            }
        }
        if let Some(rec) = a.users.get_mut(user) {
            if let Some(d) = &default_account {
                rec.default_account = Some(d.clone());
            } else if rec.default_account.is_none() {
                rec.default_account = accounts.first().cloned();
            }
            if admin_level.is_some() {
                rec.admin_level.clone_from(&admin_level);
            }
        }
    }
    Ok(())
}

/// Conditions of a modify or delete: names, and for users the accounts and partitions.
struct Cond {
    names: Vec<String>,
    accounts: Vec<String>,
    partitions: Vec<String>,
}

fn condition(
    a: &Accounts,
    line: usize,
    user: bool,
    word: &str,
    c: &mut Cond,
) -> Result<(), AccountError> {
    let Some((key, _, value)) = split_arg(word) else {
        c.names.extend(split_names(word));
        return Ok(());
    };
    if prefix_of(key, "Names", 1) || (user && prefix_of(key, "Users", 1)) {
        c.names.extend(split_names(value));
    } else if user && (prefix_of(key, "Accounts", 2) || prefix_of(key, "Acct", 4)) {
        c.accounts.extend(split_names(value));
    } else if !user && (prefix_of(key, "Accounts", 1) || prefix_of(key, "Acct", 4)) {
        c.names.extend(split_names(value));
    } else if prefix_of(key, "Clusters", 1) {
        check_cluster(a, line, value)?;
    } else if user && prefix_of(key, "Partitions", 3) {
        c.partitions.extend(split_names(value));
    } else {
        return Err(AccountError::Syntax {
            line,
            text: word.to_string(),
            why: "Unknown condition (hpcsched selects by name, account and partition)".into(),
        });
    }
    Ok(())
}

/// The associations a user condition selects.
fn user_targets(a: &Accounts, line: usize, c: &Cond) -> Result<Vec<super::AssocId>, AccountError> {
    let mut out = Vec::new();
    for name in &c.names {
        let Some(rec) = a.users.get(name) else {
            return Err(AccountError::NotFound {
                line,
                what: format!("user '{name}'"),
            });
        };
        out.extend(rec.assocs.iter().copied().filter(|id| {
            let x = &a.assocs[id.index()];
            (c.accounts.is_empty() || c.accounts.contains(&x.account))
                && (c.partitions.is_empty()
                    || x.partition
                        .as_ref()
                        .is_some_and(|p| c.partitions.contains(p)))
        }));
    }
    if out.is_empty() {
        return Err(AccountError::NotFound {
            line,
            what: "association".into(),
        });
    }
    Ok(out)
}

fn modify(
    a: &mut Accounts,
    line: usize,
    user: bool,
    rest: &[&str],
    qos_exists: &dyn Fn(&str) -> bool,
) -> Result<(), AccountError> {
    let mut c = Cond {
        names: Vec::new(),
        accounts: Vec::new(),
        partitions: Vec::new(),
    };
    let mut sets: Vec<Arg<'_>> = Vec::new();
    let mut in_set = false;
    for word in rest {
        if split_arg(word).is_none() && prefix_of(word, "where", 5) {
            in_set = false;
        } else if split_arg(word).is_none() && prefix_of(word, "set", 3) {
            in_set = true;
        } else if !in_set {
            condition(a, line, user, word, &mut c)?;
        } else {
            let Some((key, op, value)) = split_arg(word) else {
                return Err(AccountError::Syntax {
                    line,
                    text: word.to_string(),
                    why: "expected KEY=VALUE after `set`".into(),
                });
            };
            sets.push(Arg {
                line,
                key,
                op,
                value,
            });
        }
    }
    if c.names.is_empty() {
        return Err(AccountError::Syntax {
            line,
            text: rest.join(" "),
            why: "no name given".into(),
        });
    }
    if sets.is_empty() {
        return Err(AccountError::Syntax {
            line,
            text: rest.join(" "),
            why: "You didn't give me anything to set".into(),
        });
    }
    if user {
        let targets = user_targets(a, line, &c)?;
        for arg in &sets {
            if prefix_of(arg.key, "DefaultAccount", 8) {
                let d = arg.value.trim().to_ascii_lowercase();
                for name in &c.names {
                    if a.user_assoc(name, &d, None).is_none()
                        && !a.users.get(name).is_some_and(|r| {
                            r.assocs.iter().any(|id| a.assocs[id.index()].account == d)
                        })
                    {
                        return Err(AccountError::NotFound {
                            line,
                            what: format!("association of user '{name}' in account '{d}'"),
                        });
                    }
                    if let Some(r) = a.users.get_mut(name) {
                        r.default_account = Some(d.clone());
                    }
                }
            } else if prefix_of(arg.key, "AdminLevel", 2) {
                for name in &c.names {
                    if let Some(r) = a.users.get_mut(name) {
                        r.admin_level = Some(arg.value.to_string());
                    }
                }
            } else if prefix_of(arg.key, "DefaultWCKey", 8) {
            } else if let Some(f) = field_of(arg.key) {
                for id in &targets {
                    apply_assoc(&mut a.assocs[id.index()], f, arg, qos_exists)?;
                }
            } else {
                return Err(AccountError::UnknownKey {
                    line,
                    key: arg.key.to_string(),
                });
            }
        }
        return Ok(());
    }
    for name in &c.names {
        let Some(id) = a.account_assoc(name) else {
            return Err(AccountError::NotFound {
                line,
                what: format!("account '{name}'"),
            });
        };
        for arg in &sets {
            if prefix_of(arg.key, "Description", 1) {
                if let Some(r) = a.account_recs.get_mut(name) {
                    r.description = arg.value.to_ascii_lowercase();
                }
            } else if prefix_of(arg.key, "Organization", 1) {
                if let Some(r) = a.account_recs.get_mut(name) {
                    r.organization = arg.value.to_ascii_lowercase();
                }
            } else if prefix_of(arg.key, "RawUsage", 7) {
                return Err(unsupported(line, arg.key));
            } else {
                match field_of(arg.key) {
                    Some(Field::Parent) => reparent(a, line, id, arg.value)?,
                    Some(f) => apply_assoc(&mut a.assocs[id.index()], f, arg, qos_exists)?,
                    None => {
                        return Err(AccountError::UnknownKey {
                            line,
                            key: arg.key.to_string(),
                        });
                    }
                }
            }
        }
    }
    Ok(())
}

/// `modify account X set Parent=Y`: moves X (and what is under it) under Y.
fn reparent(
    a: &mut Accounts,
    line: usize,
    id: super::AssocId,
    value: &str,
) -> Result<(), AccountError> {
    let parent = value.trim().to_ascii_lowercase();
    let Some(p) = a.account_assoc(&parent) else {
        return Err(AccountError::NoParent {
            line,
            parent,
            cluster: a.cluster.clone(),
        });
    };
    if id == a.root() || a.parent_ids(p).any(|x| x == id) {
        return Err(AccountError::Syntax {
            line,
            text: format!("Parent={parent}"),
            why: "an account can't be moved under itself".into(),
        });
    }
    a.assocs[id.index()].parent = Some(p);
    Ok(())
}

fn delete(a: &mut Accounts, line: usize, user: bool, rest: &[&str]) -> Result<(), AccountError> {
    let mut c = Cond {
        names: Vec::new(),
        accounts: Vec::new(),
        partitions: Vec::new(),
    };
    for word in rest {
        if split_arg(word).is_none() && prefix_of(word, "where", 5) {
            continue;
        }
        condition(a, line, user, word, &mut c)?;
    }
    if c.names.is_empty() {
        return Err(AccountError::Syntax {
            line,
            text: rest.join(" "),
            why: "no name given".into(),
        });
    }
    let gone: Vec<super::AssocId> = if user {
        user_targets(a, line, &c)?
    } else {
        // An account goes with everything under it (slurmdbd removes the lft..rgt range).
        let mut ids = Vec::new();
        for name in &c.names {
            let Some(id) = a.account_assoc(name).filter(|&id| id != a.root()) else {
                return Err(AccountError::NotFound {
                    line,
                    what: format!("account '{name}'"),
                });
            };
            ids.extend(
                (0..a.assocs.len())
                    .map(super::AssocId::at)
                    .filter(|&x| a.parent_ids(x).any(|p| p == id)),
            );
        }
        ids
    };
    a.remove(&gone);
    Ok(())
}
