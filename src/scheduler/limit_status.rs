//! What a user holds against every limit that applies to them: the view a site's
//! "my usage" command prints ("Using 4/4 GPUs allowed on priority queue"), from the
//! same ledger the scheduler enforces the limits with.

use super::Scheduler;
use crate::limits::Scope;
use crate::tres::{TresKind, TresLimits};
use serde::Serialize;

/// Where a limit is set.
// Not `#[non_exhaustive]`: the C and Python faces match every variant, so a new one stops
// them compiling until they show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum LimitOwner {
    /// A QOS.
    Qos(String),
    /// An association: an account (no user), or a user in an account.
    Association {
        /// The account.
        account: String,
        /// The user, for a user association.
        user: Option<String>,
        /// The partition, for a partition's association.
        partition: Option<String>,
    },
}

/// Whose usage a limit counts.
// Not `#[non_exhaustive]`: the C and Python faces match every variant, so a new one stops
// them compiling until they show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum LimitCounts {
    /// Every job under the QOS or association (`Grp*`; an association's `MaxJobs` and
    /// `MaxSubmitJobs`, which count the user's jobs in it).
    All,
    /// The user's jobs under the QOS (`Max*PerUser`).
    User,
    /// The jobs of this account under the QOS (`Max*PerAccount`).
    Account(String),
}

/// What a limit counts.
// Not `#[non_exhaustive]`: the C and Python faces match every variant, so a new one stops
// them compiling until they show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum LimitOf {
    /// Running jobs.
    RunningJobs,
    /// Jobs submitted and not ended (pending and running; array tasks one each).
    SubmittedJobs,
    /// A TRES of the running jobs (`node`: distinct nodes).
    Tres(TresKind),
}

/// One limit that applies to a user, and what counts against it now.
// Not `#[non_exhaustive]`: the C and Python faces destructure it field by field, so a new
// field stops them compiling until they show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LimitStatus {
    /// Where it is set.
    pub owner: LimitOwner,
    /// Whose usage it counts.
    pub counts: LimitCounts,
    /// What it counts.
    pub of: LimitOf,
    /// What counts against it now.
    pub used: u64,
    /// The limit.
    pub limit: u64,
}

impl LimitOwner {
    /// The kind of owner, as the C and Python faces name it: `qos` or `association`.
    #[must_use]
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Qos(_) => "qos",
            Self::Association { .. } => "association",
        }
    }
}

impl LimitCounts {
    /// Whose usage, as the C and Python faces name it: `all`, `user` or `account`.
    #[must_use]
    pub fn kind(&self) -> &'static str {
        match self {
            Self::All => "all",
            Self::User => "user",
            Self::Account(_) => "account",
        }
    }
}

impl LimitOf {
    /// What is counted, as the C and Python faces name it: `running_jobs`,
    /// `submitted_jobs` or `tres`.
    #[must_use]
    pub fn kind(&self) -> &'static str {
        match self {
            Self::RunningJobs => "running_jobs",
            Self::SubmittedJobs => "submitted_jobs",
            Self::Tres(_) => "tres",
        }
    }
}

impl Scheduler {
    /// Every run-time limit that applies to `user`, with what counts against it now:
    /// the limits of every QOS of the cluster (whole QOS, per user, and per account for
    /// each account the user's jobs named), then those of the user's associations and
    /// their parents. Limits decided once per job (`MaxWall`, `MaxTRESPerJob`...) are
    /// not listed.
    ///
    /// ```
    /// use hpcsched::{Cluster, Scheduler, Timestamp};
    /// use hpcsched::scheduler::{LimitCounts, LimitOf, LimitOwner};
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let mut c = Cluster::from_slurm_conf(
    ///     "SelectType=select/cons_tres\nDefMemPerCPU=100\n\
    ///      NodeName=g[1-2] CPUs=8 RealMemory=8000 Gres=gpu:4\n\
    ///      PartitionName=gpu Nodes=g[1-2] Default=YES QOS=gpu4\n",
    /// )?;
    /// hpcsched::cluster::add_qos_text(&mut c, "add qos gpu4 MaxTRESPerUser=gres/gpu=4")?;
    /// let mut s = Scheduler::new(c);
    /// let job = hpcsched::sbatch::parse_args(&["--gres=gpu:1", "-t", "60"])?;
    /// for _ in 0..5 {
    ///     s.submit(&job, "alice", Timestamp(0))?;
    /// }
    /// s.schedule(Timestamp(0));
    /// let gpus = &s.user_limits("alice")[0];
    /// assert_eq!(gpus.owner, LimitOwner::Qos("gpu4".into()));
    /// assert_eq!(gpus.counts, LimitCounts::User);
    /// assert!(matches!(&gpus.of, LimitOf::Tres(k) if k.to_string() == "gres/gpu"));
    /// assert_eq!((gpus.used, gpus.limit), (4, 4)); // "Using 4/4 GPUs"
    /// # Ok(())
    /// # }
    /// ```
    #[must_use]
    pub fn user_limits(&self, user: &str) -> Vec<LimitStatus> {
        let mut out = Vec::new();
        let ledger = &self.limits.ledger;
        let user_idx = self.jobs.users.get(user).copied();
        // The accounts the user's jobs named (per-account limits count those).
        let mut accounts: Vec<u32> = self
            .jobs
            .iter()
            .filter(|j| &*j.user == user)
            .map(|j| j.account_idx)
            .collect();
        accounts.sort_unstable();
        accounts.dedup();
        let held = |scope: Option<Scope>, of: &LimitOf| -> u64 {
            let Some(c) = scope.and_then(|s| ledger.get(s)) else {
                return 0;
            };
            match of {
                LimitOf::RunningJobs => u64::from(c.jobs),
                LimitOf::SubmittedJobs => u64::from(c.submitted),
                LimitOf::Tres(kind) => c.used(kind),
            }
        };
        let tres_of = |limits: &TresLimits| -> Vec<(LimitOf, u64)> {
            limits
                .0
                .iter()
                .map(|(k, &v)| (LimitOf::Tres(k.clone()), v))
                .collect()
        };
        for (q, qos) in self.site.cluster.qos_list().enumerate() {
            let q = u32::try_from(q).unwrap_or(u32::MAX);
            let owner = LimitOwner::Qos(qos.name.clone());
            let mut whole: Vec<(LimitOf, u64)> = Vec::new();
            whole.extend(qos.grp_jobs.map(|l| (LimitOf::RunningJobs, u64::from(l))));
            whole.extend(
                qos.grp_submit_jobs
                    .map(|l| (LimitOf::SubmittedJobs, u64::from(l))),
            );
            whole.extend(tres_of(&qos.grp_tres));
            let mut per_user: Vec<(LimitOf, u64)> = Vec::new();
            per_user.extend(
                qos.max_jobs_per_user
                    .map(|l| (LimitOf::RunningJobs, u64::from(l))),
            );
            per_user.extend(
                qos.max_submit_jobs_per_user
                    .map(|l| (LimitOf::SubmittedJobs, u64::from(l))),
            );
            per_user.extend(tres_of(&qos.max_tres_per_user));
            let mut per_account: Vec<(LimitOf, u64)> = Vec::new();
            per_account.extend(
                qos.max_jobs_per_account
                    .map(|l| (LimitOf::RunningJobs, u64::from(l))),
            );
            per_account.extend(
                qos.max_submit_jobs_per_account
                    .map(|l| (LimitOf::SubmittedJobs, u64::from(l))),
            );
            per_account.extend(tres_of(&qos.max_tres_per_account));
            for (of, limit) in per_user {
                let n = held(user_idx.map(|u| Scope::QosUser(q, u)), &of);
                out.push(LimitStatus {
                    owner: owner.clone(),
                    counts: LimitCounts::User,
                    of,
                    used: n,
                    limit,
                });
            }
            for &a in &accounts {
                let name = self
                    .jobs
                    .accounts
                    .get_index(a as usize)
                    .map_or_else(String::new, ToString::to_string);
                for (of, limit) in &per_account {
                    out.push(LimitStatus {
                        owner: owner.clone(),
                        counts: LimitCounts::Account(name.clone()),
                        of: of.clone(),
                        used: held(Some(Scope::QosAccount(q, a)), of),
                        limit: *limit,
                    });
                }
            }
            for (of, limit) in whole {
                let n = held(Some(Scope::Qos(q)), &of);
                out.push(LimitStatus {
                    owner: owner.clone(),
                    counts: LimitCounts::All,
                    of,
                    used: n,
                    limit,
                });
            }
        }
        let Some(tree) = self.site.cluster.accounts() else {
            return out;
        };
        let Some(rec) = tree.user(user) else {
            return out;
        };
        let mut seen = Vec::new();
        for &leaf in &rec.assocs {
            for id in tree.parent_ids(leaf) {
                if seen.contains(&id) {
                    continue;
                }
                seen.push(id);
                let Some(a) = tree.assoc(id) else {
                    continue;
                };
                let own = id == leaf;
                let mut limits: Vec<(LimitOf, u64)> = Vec::new();
                limits.extend(
                    a.limits
                        .grp_jobs
                        .map(|l| (LimitOf::RunningJobs, u64::from(l))),
                );
                limits.extend(
                    a.limits
                        .grp_submit_jobs
                        .map(|l| (LimitOf::SubmittedJobs, u64::from(l))),
                );
                limits.extend(tres_of(&a.limits.grp_tres));
                if own {
                    limits.extend(
                        a.effective
                            .max_jobs
                            .map(|l| (LimitOf::RunningJobs, u64::from(l))),
                    );
                    limits.extend(
                        a.effective
                            .max_submit_jobs
                            .map(|l| (LimitOf::SubmittedJobs, u64::from(l))),
                    );
                }
                let scope = Scope::Assoc(u32::try_from(id.index()).unwrap_or(u32::MAX));
                for (of, limit) in limits {
                    out.push(LimitStatus {
                        owner: LimitOwner::Association {
                            account: a.account.clone(),
                            user: a.user.clone(),
                            partition: a.partition.clone(),
                        },
                        counts: LimitCounts::All,
                        used: held(Some(scope), &of),
                        of,
                        limit,
                    });
                }
            }
        }
        out
    }
}
