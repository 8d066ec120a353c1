//! Slurm's association tree: accounts under `root`, users under their accounts, the
//! limits and QOS lists each level sets and what each association inherits — the data
//! that slurmdbd keeps and slurmctld's `assoc_mgr` reads, with no scheduler state.
//!
//! Two ways in, as a Slurm site has them:
//! - admin scripts of `sacctmgr add|modify|delete cluster|account|user` lines
//!   ([`Accounts::apply_sacctmgr`], [`sacctmgr`]);
//! - `sacctmgr dump` files ([`dump::read`], [`dump::write`]).
//!
//! and one way out for a job: [`Accounts::resolve_job`] finds a job's association and
//! QOS the way slurmctld does at submit ([`resolve`]).
//!
//! Facts followed (Slurm 22.05):
//! - `root` is the cluster's association; its QOS list is `normal`, the QOS slurmdbd
//!   creates (`accounting_storage_mysql.c`).
//! - After every change the tree is finalized ([`Accounts`] keeps it so): the `Max*`
//!   limits, `MaxTRES*` per TRES, `Priority`, `MinPrioThresh`, `DefaultQOS` and the QOS list
//!   (with `+`/`-` deltas) that an association leaves unset come from its nearest ancestor
//!   that sets them (slurmdbd's `get_parent_limits` procedure, `as_mysql_assoc.c`); `Grp*`
//!   limits are not copied, they are checked at every level.
//! - A default QOS that is not in the association's QOS list is dropped
//!   (`_set_assoc_parent_and_user()` in `assoc_mgr.c`).
//! - `Fairshare=parent` makes the association use its parent's fair-share place: the
//!   fair-share parent ([`Accounts::fs_parent`]) is the first ancestor that is not `parent`.
//! - Children are listed users first, then sub-accounts, each by name
//!   (`_sort_children_list()` in `slurmdb_defs.c`): the order of `sshare` and of dumps.
//! - Account, user, partition and QOS names are lower-cased, as sacctmgr stores them
//!   (`strip_quotes(..., 1)`, `slurm_addto_char_list()`; user names too, as
//!   `user_case_norm` is true unless slurmdbd has `PreserveCaseUser`).

pub mod dump;
mod enforce;
pub mod resolve;
pub mod sacctmgr;

pub use enforce::Enforce;
pub use resolve::JobAssoc;

use crate::time::TimeLimit;
use crate::tres::TresLimits;
use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

/// An association's place in [`Accounts`]: a dense index, stable while the tree is only
/// added to (a delete renumbers).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct AssocId(u32);

impl AssocId {
    /// The index, for tables kept beside the tree (usage ledgers, fair-share).
    #[must_use]
    pub fn index(self) -> usize {
        self.0 as usize
    }

    pub(crate) fn at(i: usize) -> Self {
        // The tree holds far fewer than 2^32 associations; ids are made only here.
        Self(i as u32)
    }
}

/// `Fairshare=` / `Shares=`: a number of shares (default 1) or `parent`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub enum Shares {
    /// This many shares.
    Value(u32),
    /// `parent`: the association competes as its parent (`SLURMDB_FS_USE_PARENT`).
    Parent,
}

impl Default for Shares {
    /// 1, the `shares` column's default.
    fn default() -> Self {
        Shares::Value(1)
    }
}

/// The limits an association can carry (sacctmgr's association keys). Unset is `None` or
/// an empty [`TresLimits`]; walls are whole minutes.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AssocLimits {
    /// `GrpTRES` (legacy `GrpCPUs`, `GrpMemory`, `GrpNodes`).
    pub grp_tres: TresLimits,
    /// `GrpTRESMins` (legacy `GrpCPUMins`).
    pub grp_tres_mins: TresLimits,
    /// `GrpTRESRunMins` (legacy `GrpCPURunMins`).
    pub grp_tres_run_mins: TresLimits,
    /// `GrpJobs`.
    pub grp_jobs: Option<u32>,
    /// `GrpJobsAccrue`.
    pub grp_jobs_accrue: Option<u32>,
    /// `GrpSubmitJobs`.
    pub grp_submit_jobs: Option<u32>,
    /// `GrpWall`.
    pub grp_wall: Option<TimeLimit>,
    /// `MaxTRESPerJob` (legacy `MaxCPUsPerJob`, `MaxNodesPerJob`).
    pub max_tres_per_job: TresLimits,
    /// `MaxTRESPerNode`.
    pub max_tres_per_node: TresLimits,
    /// `MaxTRESMinsPerJob` (legacy `MaxCPUMinsPerJob`).
    pub max_tres_mins_per_job: TresLimits,
    /// `MaxTRESRunMins` (legacy `MaxCPURunMins`).
    pub max_tres_run_mins: TresLimits,
    /// `MaxJobs`.
    pub max_jobs: Option<u32>,
    /// `MaxJobsAccrue`.
    pub max_jobs_accrue: Option<u32>,
    /// `MaxSubmitJobs`.
    pub max_submit_jobs: Option<u32>,
    /// `MaxWallDurationPerJob` / `MaxWall`.
    pub max_wall: Option<TimeLimit>,
    /// `MinPrioThresh`.
    pub min_prio_thresh: Option<u32>,
    /// `Priority` (the association factor of multifactor priority).
    pub priority: Option<u32>,
}

impl AssocLimits {
    /// These limits with every inherited field (`Max*`, `Priority`, `MinPrioThresh`) that
    /// is unset here taken from `parent`; TRES lists are merged per TRES, this level's
    /// first (`slurmdb_combine_tres_strings`). `Grp*` stay this level's own.
    fn inherit(&self, parent: &AssocLimits) -> AssocLimits {
        fn tres(own: &TresLimits, parent: &TresLimits) -> TresLimits {
            let mut out = own.clone();
            for (k, v) in &parent.0 {
                out.0.entry(k.clone()).or_insert(*v);
            }
            out
        }
        AssocLimits {
            max_tres_per_job: tres(&self.max_tres_per_job, &parent.max_tres_per_job),
            max_tres_per_node: tres(&self.max_tres_per_node, &parent.max_tres_per_node),
            max_tres_mins_per_job: tres(&self.max_tres_mins_per_job, &parent.max_tres_mins_per_job),
            max_tres_run_mins: tres(&self.max_tres_run_mins, &parent.max_tres_run_mins),
            max_jobs: self.max_jobs.or(parent.max_jobs),
            max_jobs_accrue: self.max_jobs_accrue.or(parent.max_jobs_accrue),
            max_submit_jobs: self.max_submit_jobs.or(parent.max_submit_jobs),
            max_wall: self.max_wall.or(parent.max_wall),
            min_prio_thresh: self.min_prio_thresh.or(parent.min_prio_thresh),
            priority: self.priority.or(parent.priority),
            ..self.clone()
        }
    }
}

/// An association's own QOS setting: nothing (inherit), a list (`QOS=a,b`), or changes to
/// the inherited list (`QOS+=a`, `QOS-=b`, kept as `+a,-b` the way slurmdbd keeps
/// `delta_qos`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub enum QosSetting {
    /// Unset: the parent's list.
    #[default]
    Inherit,
    /// This list.
    List(Vec<String>),
    /// The parent's list with these added (`true`) or removed (`false`), in order.
    Delta(Vec<(bool, String)>),
}

/// One association: (account, user or none, partition or none) with its settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Assoc {
    /// The account (for a user association, the account the user is in).
    pub account: String,
    /// The user, for a user association.
    pub user: Option<String>,
    /// The partition of a partition-specific user association.
    pub partition: Option<String>,
    /// The parent association (`None` for root).
    pub parent: Option<AssocId>,
    /// `Fairshare=`.
    pub shares: Shares,
    /// Limits as set at this level (what a dump writes).
    pub limits: AssocLimits,
    /// Limits after inheritance (what the limit engine reads).
    pub effective: AssocLimits,
    /// `QOS=` as set at this level.
    pub qos_setting: QosSetting,
    /// The QOS the association may use, after inheritance and deltas.
    pub qos: Vec<String>,
    /// `DefaultQOS=` as set at this level.
    pub default_qos: Option<String>,
    /// The default QOS after inheritance, if it is in [`Assoc::qos`].
    pub effective_default_qos: Option<String>,
    children: Vec<AssocId>,
    /// The default QOS set at the nearest ancestor that sets one, before the "in the
    /// list" check (slurmdbd copies `def_qos_id` down as set).
    inherited_def: Option<String>,
}

impl Assoc {
    fn new(account: &str, user: Option<&str>, partition: Option<&str>) -> Self {
        Self {
            account: account.to_string(),
            user: user.map(str::to_string),
            partition: partition.map(str::to_string),
            parent: None,
            shares: Shares::default(),
            limits: AssocLimits::default(),
            effective: AssocLimits::default(),
            qos_setting: QosSetting::Inherit,
            qos: Vec::new(),
            default_qos: None,
            effective_default_qos: None,
            children: Vec::new(),
            inherited_def: None,
        }
    }

    /// Whether this is a user association (a leaf).
    #[must_use]
    pub fn is_user(&self) -> bool {
        self.user.is_some()
    }

    /// Copies the settings (not the identity) of `from`.
    fn take_settings(&mut self, from: &Assoc) {
        self.shares = from.shares;
        self.limits = from.limits.clone();
        self.qos_setting = from.qos_setting.clone();
        self.default_qos.clone_from(&from.default_qos);
    }
}

/// An account's own record (`sacctmgr add account ... Description= Organization=`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AccountRec {
    /// `Description` (default: the account's name).
    pub description: String,
    /// `Organization` (default: the parent account, or the name under root).
    pub organization: String,
    /// The account's association.
    pub assoc: AssocId,
}

/// A user's own record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct UserRec {
    /// `DefaultAccount`: the account used when a job names none.
    pub default_account: Option<String>,
    /// `AdminLevel`, as written (`Operator`, `Administrator`), if any.
    pub admin_level: Option<String>,
    /// The user's associations, in the order they were added.
    pub assocs: Vec<AssocId>,
}

/// Why an account text or a job's account/QOS was refused.
///
/// ```
/// use hpcsched::accounts::{AccountError, Accounts};
/// let mut a = Accounts::new("demo");
/// let err = a.apply_sacctmgr("add account chem Parent=science", &|_| true).unwrap_err();
/// assert_eq!(err.to_string(), "line 1: Parent account 'science' doesn't exist on cluster demo");
/// assert_eq!(err.line(), Some(1));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AccountError {
    /// A line that is not a command hpcsched reads, or a misplaced word.
    #[error("line {line}: {why}: `{text}`")]
    Syntax {
        /// 1-based line number.
        line: usize,
        /// The offending text.
        text: String,
        /// What is wrong.
        why: String,
    },
    /// A key sacctmgr does not know here (sacctmgr: " Unknown option: KEY").
    #[error("line {line}: Unknown option: {key}")]
    UnknownKey {
        /// 1-based line number.
        line: usize,
        /// The key as written.
        key: String,
    },
    /// A value that does not parse for its key.
    #[error("line {line}: invalid value `{value}` for {key}: {why}")]
    Value {
        /// 1-based line number.
        line: usize,
        /// The key.
        key: String,
        /// The value.
        value: String,
        /// What is wrong.
        why: String,
    },
    /// A key sacctmgr knows that hpcsched does not model (`RawUsage`): refused rather than
    /// dropped.
    #[error("line {line}: key `{key}` is not supported by hpcsched")]
    Unsupported {
        /// 1-based line number.
        line: usize,
        /// The key.
        key: String,
    },
    /// `Parent=` names an account that does not exist (sacctmgr's wording).
    #[error("line {line}: Parent account '{parent}' doesn't exist on cluster {cluster}")]
    NoParent {
        /// 1-based line number.
        line: usize,
        /// The parent named.
        parent: String,
        /// The cluster.
        cluster: String,
    },
    /// A user added to (or a default account naming) an account that does not exist
    /// (sacctmgr's wording).
    #[error("line {line}: This account '{account}' doesn't exist.")]
    NoAccount {
        /// 1-based line number.
        line: usize,
        /// The account.
        account: String,
    },
    /// A user or association that a `modify`/`delete` names and that does not exist.
    #[error("line {line}: {what} doesn't exist")]
    NotFound {
        /// 1-based line number.
        line: usize,
        /// What was looked for (`user 'bob'`, `association bob/chem`).
        what: String,
    },
    /// Something added twice (sacctmgr says " Nothing new added." and drops the settings;
    /// hpcsched refuses so no setting is dropped silently).
    #[error("line {line}: {what} already exists")]
    Exists {
        /// 1-based line number.
        line: usize,
        /// What exists.
        what: String,
    },
    /// A QOS name that is not defined (sacctmgr's wording).
    #[error("line {line}: You gave a bad qos '{qos}'")]
    BadQos {
        /// 1-based line number.
        line: usize,
        /// The QOS.
        qos: String,
    },
    /// A `DefaultQOS` that is not defined (sacctmgr's wording).
    #[error("line {line}: You gave a bad default qos '{qos}'")]
    BadDefaultQos {
        /// 1-based line number.
        line: usize,
        /// The QOS.
        qos: String,
    },
    /// An account or user line before the cluster exists.
    #[error(
        "line {line}: Can't add accounts, no cluster defined yet (`sacctmgr add cluster NAME` first)"
    )]
    NoCluster {
        /// 1-based line number.
        line: usize,
    },
    /// A dump file whose first object is not its `Cluster - 'name'` line (sacctmgr's
    /// wording).
    #[error(
        "line {line}: You need to specify a cluster name first with 'Cluster - $NAME' in your file"
    )]
    DumpNoCluster {
        /// 1-based line number.
        line: usize,
    },
    /// A dump `Parent - 'x'` line before `x` was added (sacctmgr's wording).
    #[error(
        "line({line}) You need to add this parent ({parent}) as a child before you can add children to it."
    )]
    DumpParent {
        /// 1-based line number.
        line: usize,
        /// The parent named.
        parent: String,
    },
    /// A second cluster, or another cluster's name.
    #[error("line {line}: You can only add one cluster at a time ({name})")]
    OtherCluster {
        /// 1-based line number.
        line: usize,
        /// The cluster named.
        name: String,
    },
    /// A job's user/account has no association (sbatch's "Batch job submission failed:"
    /// message, `ESLURM_INVALID_ACCOUNT`).
    #[error("Invalid account or account/partition combination specified")]
    InvalidAccount,
    /// A job's QOS is unknown or not allowed to its association (`ESLURM_INVALID_QOS`).
    #[error("Invalid qos specification")]
    InvalidQos,
    /// A job listing several partitions where a partition-specific association is
    /// involved (`ESLURM_PARTITION_ASSOC`, `_check_for_part_assocs()`).
    #[error(
        "Multiple partition job request not supported when a partition is set in the association"
    )]
    PartitionAssoc,
    /// An `AccountingStorageEnforce` word slurmctld does not know.
    #[error("Invalid parameter for AccountingStorageEnforce: {0}")]
    Enforce(String),
}

impl AccountError {
    /// The 1-based line of the text the error is on, when it came from a text.
    #[must_use]
    pub fn line(&self) -> Option<usize> {
        match self {
            Self::Syntax { line, .. }
            | Self::UnknownKey { line, .. }
            | Self::Value { line, .. }
            | Self::Unsupported { line, .. }
            | Self::NoParent { line, .. }
            | Self::NoAccount { line, .. }
            | Self::NotFound { line, .. }
            | Self::Exists { line, .. }
            | Self::BadQos { line, .. }
            | Self::BadDefaultQos { line, .. }
            | Self::NoCluster { line }
            | Self::DumpNoCluster { line }
            | Self::DumpParent { line, .. }
            | Self::OtherCluster { line, .. } => Some(*line),
            Self::InvalidAccount | Self::InvalidQos | Self::PartitionAssoc | Self::Enforce(_) => {
                None
            }
        }
    }
}

/// The association tree of one cluster.
///
/// ```
/// use hpcsched::accounts::Accounts;
/// let mut a = Accounts::new("demo");
/// a.apply_sacctmgr(
///     "sacctmgr -i add account science Fairshare=40 MaxJobs=10\n\
///      sacctmgr -i add account chem Parent=science GrpTRES=cpu=256\n\
///      sacctmgr -i add user alice Account=chem\n",
///     &|q| q == "normal",
/// )?;
/// let alice = a.user_assoc("alice", "chem", None).unwrap();
/// assert_eq!(a.assoc(alice).unwrap().effective.max_jobs, Some(10)); // from science
/// assert!(a.assoc(alice).unwrap().effective.grp_tres.is_empty()); // Grp* not copied
/// assert_eq!(a.assoc(alice).unwrap().qos, ["normal"]); // root's list
/// let chain: Vec<&str> = a.parent_chain(alice).map(|x| x.account.as_str()).collect();
/// assert_eq!(chain, ["chem", "chem", "science", "root"]);
/// # Ok::<(), hpcsched::accounts::AccountError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Accounts {
    cluster: String,
    assocs: Vec<Assoc>,
    account_recs: IndexMap<String, AccountRec>,
    users: IndexMap<String, UserRec>,
    enforce: Enforce,
    /// Associations depth-first, children in sshare's order; rebuilt by `finalize`.
    order: Vec<AssocId>,
}

impl Accounts {
    /// A cluster's tree with only `root`, whose QOS list is `normal` (slurmdbd's default).
    ///
    /// ```
    /// let a = hpcsched::accounts::Accounts::new("Demo");
    /// assert_eq!(a.cluster(), "demo");
    /// assert_eq!(a.assoc(a.root()).unwrap().qos, ["normal"]);
    /// ```
    #[must_use]
    pub fn new(cluster: &str) -> Self {
        let mut root = Assoc::new("root", None, None);
        root.qos_setting = QosSetting::List(vec!["normal".into()]);
        let mut accounts = IndexMap::new();
        accounts.insert(
            "root".to_string(),
            AccountRec {
                description: "default root account".into(),
                organization: "root".into(),
                assoc: AssocId(0),
            },
        );
        let mut a = Self {
            cluster: cluster.to_ascii_lowercase(),
            assocs: vec![root],
            account_recs: accounts,
            users: IndexMap::new(),
            enforce: Enforce::default(),
            order: Vec::new(),
        };
        a.finalize();
        a
    }

    /// The cluster's name.
    #[must_use]
    pub fn cluster(&self) -> &str {
        &self.cluster
    }

    /// The root association.
    #[must_use]
    pub fn root(&self) -> AssocId {
        AssocId(0)
    }

    /// An association.
    #[must_use]
    pub fn assoc(&self, id: AssocId) -> Option<&Assoc> {
        self.assocs.get(id.index())
    }

    /// The number of associations (ids are `0..len()`).
    #[must_use]
    pub fn len(&self) -> usize {
        self.assocs.len()
    }

    /// Whether there is nothing but root (never empty: root is always there).
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.assocs.len() <= 1
    }

    /// `id` and its ancestors up to root.
    pub fn parent_chain(&self, id: AssocId) -> impl Iterator<Item = &Assoc> + '_ {
        let mut next = self.assoc(id);
        std::iter::from_fn(move || {
            let here = next?;
            next = here.parent.and_then(|p| self.assoc(p));
            Some(here)
        })
    }

    /// The ids of `id` and its ancestors up to root.
    pub fn parent_ids(&self, id: AssocId) -> impl Iterator<Item = AssocId> + '_ {
        let mut next = self.assoc(id).map(|_| id);
        std::iter::from_fn(move || {
            let here = next?;
            next = self.assoc(here).and_then(|a| a.parent);
            Some(here)
        })
    }

    /// An association's children: users first, then sub-accounts, each by name.
    #[must_use]
    pub fn children(&self, id: AssocId) -> &[AssocId] {
        self.assoc(id).map_or(&[], |a| a.children.as_slice())
    }

    /// Every association depth-first from root, children in [`Accounts::children`] order
    /// (the order `sshare` lists them).
    pub fn iter(&self) -> impl Iterator<Item = (AssocId, &Assoc)> + '_ {
        // `order` holds every association once (finalize), so the lengths agree.
        self.order
            .iter()
            .filter_map(|&id| self.assocs.get(id.index()).map(|a| (id, a)))
    }

    /// The fair-share parent: the first ancestor whose shares are not `parent`
    /// (`fs_assoc_ptr` in `assoc_mgr.c`); `None` for root.
    #[must_use]
    pub fn fs_parent(&self, id: AssocId) -> Option<AssocId> {
        self.parent_ids(id)
            .skip(1)
            .find(|&p| self.assocs[p.index()].shares != Shares::Parent || p == self.root())
    }

    /// An account's association.
    #[must_use]
    pub fn account_assoc(&self, account: &str) -> Option<AssocId> {
        self.account_recs
            .get(&account.to_ascii_lowercase())
            .map(|r| r.assoc)
    }

    /// An account's record.
    #[must_use]
    pub fn account(&self, account: &str) -> Option<&AccountRec> {
        self.account_recs.get(&account.to_ascii_lowercase())
    }

    /// A user's record.
    #[must_use]
    pub fn user(&self, user: &str) -> Option<&UserRec> {
        self.users.get(&user.to_ascii_lowercase())
    }

    /// The user association exactly (account, partition or none).
    #[must_use]
    pub fn user_assoc(
        &self,
        user: &str,
        account: &str,
        partition: Option<&str>,
    ) -> Option<AssocId> {
        let rec = self.user(user)?;
        rec.assocs.iter().copied().find(|&id| {
            let a = &self.assocs[id.index()];
            a.account.eq_ignore_ascii_case(account)
                && match (&a.partition, partition) {
                    (None, None) => true,
                    (Some(p), Some(q)) => p.eq_ignore_ascii_case(q),
                    _ => false,
                }
        })
    }

    /// A user's default account.
    #[must_use]
    pub fn default_account(&self, user: &str) -> Option<&str> {
        self.user(user)?.default_account.as_deref()
    }

    /// What `AccountingStorageEnforce` asks of [`Accounts::resolve_job`].
    #[must_use]
    pub fn enforce(&self) -> Enforce {
        self.enforce
    }

    /// Sets what [`Accounts::resolve_job`] refuses (from `AccountingStorageEnforce`).
    pub fn set_enforce(&mut self, enforce: Enforce) {
        self.enforce = enforce;
    }

    // ----- mutation (used by the sacctmgr and dump readers) ---------------------------

    /// Adds an account association under `parent`, with `settings`' limits.
    fn add_account(
        &mut self,
        line: usize,
        name: &str,
        parent: &str,
        settings: &Assoc,
        description: Option<&str>,
        organization: Option<&str>,
    ) -> Result<AssocId, AccountError> {
        let Some(parent_id) = self.account_assoc(parent) else {
            return Err(AccountError::NoParent {
                line,
                parent: parent.to_string(),
                cluster: self.cluster.clone(),
            });
        };
        if self.account_recs.contains_key(name) {
            return Err(AccountError::Exists {
                line,
                what: format!("account '{name}'"),
            });
        }
        let id = AssocId::at(self.assocs.len());
        let mut a = Assoc::new(name, None, None);
        a.take_settings(settings);
        a.parent = Some(parent_id);
        self.assocs.push(a);
        self.account_recs.insert(
            name.to_string(),
            AccountRec {
                description: description.unwrap_or(name).to_string(),
                // `sacctmgr_add_account()`: the parent, or the name itself under root.
                organization: organization
                    .unwrap_or(if parent == "root" { name } else { parent })
                    .to_string(),
                assoc: id,
            },
        );
        Ok(id)
    }

    /// Adds a user association under `account`.
    fn add_user_assoc(
        &mut self,
        line: usize,
        user: &str,
        account: &str,
        partition: Option<&str>,
        settings: &Assoc,
    ) -> Result<AssocId, AccountError> {
        let Some(parent_id) = self.account_assoc(account) else {
            return Err(AccountError::NoAccount {
                line,
                account: account.to_string(),
            });
        };
        if self.user_assoc(user, account, partition).is_some() {
            return Err(AccountError::Exists {
                line,
                what: format!(
                    "association of user '{user}' in account '{account}'{}",
                    partition.map_or(String::new(), |p| format!(" partition '{p}'"))
                ),
            });
        }
        let id = AssocId::at(self.assocs.len());
        let mut a = Assoc::new(account, Some(user), partition);
        a.take_settings(settings);
        a.parent = Some(parent_id);
        self.assocs.push(a);
        self.users
            .entry(user.to_string())
            .or_insert_with(|| UserRec {
                default_account: None,
                admin_level: None,
                assocs: Vec::new(),
            })
            .assocs
            .push(id);
        Ok(id)
    }

    /// Removes associations (and users left with none, and the records of removed
    /// accounts), renumbering the rest in order.
    fn remove(&mut self, gone: &[AssocId]) {
        let mut map: Vec<Option<AssocId>> = Vec::with_capacity(self.assocs.len());
        let mut kept = Vec::with_capacity(self.assocs.len());
        for (i, a) in std::mem::take(&mut self.assocs).into_iter().enumerate() {
            if gone.contains(&AssocId::at(i)) {
                map.push(None);
            } else {
                map.push(Some(AssocId::at(kept.len())));
                kept.push(a);
            }
        }
        let re = |id: AssocId| map.get(id.index()).copied().flatten();
        for a in &mut kept {
            a.parent = a.parent.and_then(re);
        }
        self.assocs = kept;
        self.account_recs.retain(|_, r| match re(r.assoc) {
            Some(n) => {
                r.assoc = n;
                true
            }
            None => false,
        });
        for u in self.users.values_mut() {
            u.assocs = u.assocs.iter().filter_map(|&id| re(id)).collect();
        }
        self.users.retain(|_, u| !u.assocs.is_empty());
        // A default account the user is no longer in: the next one it is in.
        for u in self.users.values_mut() {
            let still = u.default_account.as_ref().is_some_and(|d| {
                u.assocs
                    .iter()
                    .any(|id| self.assocs[id.index()].account == *d)
            });
            if !still {
                u.default_account = u
                    .assocs
                    .first()
                    .map(|id| self.assocs[id.index()].account.clone());
            }
        }
    }

    /// [`Accounts::finalize`] for the cluster's script reader, which applies lines one
    /// by one.
    pub(crate) fn refinalize(&mut self) {
        self.finalize();
    }

    /// Recomputes children, tree order, inherited limits, QOS lists and default QOS.
    /// Parents always come before their children in `assocs` except after a re-parent,
    /// so the pass follows the tree order rather than the index order.
    fn finalize(&mut self) {
        for a in &mut self.assocs {
            a.children.clear();
        }
        for i in 0..self.assocs.len() {
            if let Some(p) = self.assocs[i].parent {
                self.assocs[p.index()].children.push(AssocId::at(i));
            }
        }
        // Users first, then accounts, each by name; ties (a user's partitions) keep the
        // order they were added in (a stable sort).
        let keys: Vec<(bool, String)> = self
            .assocs
            .iter()
            .map(|a| {
                (
                    a.user.is_none(),
                    a.user.clone().unwrap_or_else(|| a.account.clone()),
                )
            })
            .collect();
        for a in &mut self.assocs {
            a.children
                .sort_by(|x, y| keys[x.index()].cmp(&keys[y.index()]));
        }
        self.order.clear();
        let mut stack = vec![self.root()];
        while let Some(id) = stack.pop() {
            self.order.push(id);
            stack.extend(self.assocs[id.index()].children.iter().rev());
        }
        for k in 0..self.order.len() {
            let id = self.order[k];
            let (eff, qos, def) = match self.assocs[id.index()].parent {
                Some(p) => {
                    let p = &self.assocs[p.index()];
                    // The parent's own default, before the "must be in the list" check:
                    // slurmdbd copies `def_qos_id` down as set.
                    let parent_def = p.default_qos.clone().or_else(|| p.inherited_def.clone());
                    (p.effective.clone(), p.qos.clone(), parent_def)
                }
                None => (AssocLimits::default(), Vec::new(), None),
            };
            let a = &mut self.assocs[id.index()];
            a.effective = a.limits.inherit(&eff);
            a.qos = match &a.qos_setting {
                QosSetting::Inherit => qos,
                QosSetting::List(l) => l.clone(),
                QosSetting::Delta(d) => {
                    let mut q = qos;
                    for (add, name) in d {
                        if *add {
                            if !q.contains(name) {
                                q.push(name.clone());
                            }
                        } else {
                            q.retain(|x| x != name);
                        }
                    }
                    q
                }
            };
            a.inherited_def = def;
            let want = a.default_qos.clone().or_else(|| a.inherited_def.clone());
            a.effective_default_qos = want.filter(|d| a.qos.contains(d));
        }
    }
}

#[cfg(test)]
mod tests;
