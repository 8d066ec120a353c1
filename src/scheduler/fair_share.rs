//! Fair-share inside the scheduler ([`crate::fairshare`]): the share tree of the users
//! and accounts jobs come from, the decay thread's ticks caught up to each pass, each
//! ending job's last slice of usage, and the factor each pending job's multifactor
//! priority takes. Active when `PriorityWeightFairshare` weighs anything.

use super::Scheduler;
use super::job::Job;
use crate::fairshare::{
    FairShare, FairShareConfig, RunningJob, ShareNode, ShareTree, ShareValue, SshareRow,
};
use crate::fast_hash::FastBuild;
use crate::job_id::JobId;
use crate::job_state::JobState;
use crate::priority::{PriorityFlags, PriorityType};
use crate::time::Timestamp;
use crate::tres::Tres;
use std::collections::HashMap;

/// The fair-share part: usage and factors over the tree of the associations jobs came
/// from.
///
/// Without an association tree, the tree is flat: each account jobs name (`-A`) under
/// the root with one share, each user under the account of their job with one share, a
/// job without an account under the root itself.
#[derive(Debug, Clone)]
pub(super) struct FairShareState {
    config: FairShareConfig,
    /// Built at the first submission, whose time starts the decay thread's clock.
    fs: Option<FairShare>,
    /// The node of each account, by the job table's account index.
    accounts: HashMap<u32, usize, FastBuild>,
    /// The node of each (account, user), by the job table's indices.
    leaves: HashMap<(u32, u32), usize, FastBuild>,
    /// With an association tree: the tree, until the first submission, and the node of
    /// each association.
    from_accounts: Option<(Option<ShareTree>, Vec<usize>)>,
}

impl FairShareState {
    /// The fair-share part of a cluster whose multifactor priority weighs fair-share.
    pub(super) fn of(cluster: &crate::cluster::Cluster) -> Option<Self> {
        match PriorityType::from_config(cluster.config()) {
            Ok(PriorityType::Multifactor(w)) if w.fairshare > 0 => Some(Self {
                config: FairShareConfig::from_config(cluster.config()),
                fs: None,
                accounts: HashMap::default(),
                leaves: HashMap::default(),
                from_accounts: cluster.accounts().and_then(tree_of),
            }),
            _ => None,
        }
    }

    /// Puts `account`'s `user` (indices of the job table) in the flat tree, with the
    /// account when it is new; the tree starts (and with it the clock) at `now`.
    fn add_leaf(&mut self, account: (u32, &str), user: (u32, &str), now: Timestamp) {
        if self.leaves.contains_key(&(account.0, user.0)) {
            return;
        }
        if self.fs.is_none() {
            let root = ShareNode {
                name: "root".into(),
                user: false,
                parent: None,
                shares: ShareValue::Value(1),
            };
            let Ok(tree) = ShareTree::new(vec![root]) else {
                return;
            };
            self.fs = Some(FairShare::new(tree, self.config, now));
        }
        let Some(fs) = self.fs.as_mut() else {
            return;
        };
        let mut next = fs.tree().len();
        let mut added = Vec::new();
        let account_node = self.accounts.get(&account.0).copied();
        let parent = match account_node {
            _ if account.1.is_empty() => 0,
            Some(node) => node,
            None => {
                added.push(ShareNode::account(account.1, 0, ShareValue::Value(1)));
                next += 1;
                next - 1
            }
        };
        added.push(ShareNode::user(user.1, parent, ShareValue::Value(1)));
        // Each node comes after its parent: the tree takes them.
        if fs.extend(added).is_ok() {
            if account_node.is_none() && !account.1.is_empty() {
                self.accounts.insert(account.0, parent);
            }
            self.leaves.insert((account.0, user.0), next);
        }
    }

    /// The node of a job: its association's, or its (account, user) one.
    fn node_of(&self, job: &Job) -> Option<usize> {
        match &self.from_accounts {
            Some((_, nodes)) => job.assoc.and_then(|a| nodes.get(a as usize).copied()),
            None => self.leaves.get(&(job.account_idx, job.user_idx)).copied(),
        }
    }

    /// The factor of a job's association as of the last tick.
    fn factor(&self, job: &Job) -> f64 {
        match (&self.fs, self.node_of(job)) {
            (Some(fs), Some(leaf)) => fs.factor(leaf),
            _ => 0.0,
        }
    }
}

/// The share tree of an association tree, in its depth-first order, and the node of
/// each association (by its index).
fn tree_of(accounts: &crate::accounts::Accounts) -> Option<(Option<ShareTree>, Vec<usize>)> {
    let mut nodes = Vec::with_capacity(accounts.len());
    let mut node_of = vec![0usize; accounts.len()];
    for (id, a) in accounts.iter() {
        if let Some(slot) = node_of.get_mut(id.index()) {
            *slot = nodes.len();
        }
        let shares = match a.shares {
            crate::accounts::Shares::Parent => ShareValue::Parent,
            crate::accounts::Shares::Value(v) => ShareValue::Value(v),
        };
        nodes.push(ShareNode {
            name: a.user.clone().unwrap_or_else(|| a.account.clone()),
            user: a.is_user(),
            parent: a.parent.and_then(|p| node_of.get(p.index()).copied()),
            shares,
        });
    }
    ShareTree::new(nodes).ok().map(|t| (Some(t), node_of))
}

impl Scheduler {
    /// Puts a newly submitted job's association in the share tree (the whole tree of
    /// associations at the first one).
    pub(super) fn fair_share_submit(&mut self, id: JobId, now: Timestamp) {
        let Some(state) = self.fair_share.as_mut() else {
            return;
        };
        if let Some((tree, _)) = &mut state.from_accounts {
            if let Some(tree) = tree.take() {
                state.fs = Some(FairShare::new(tree, state.config, now));
            }
            return;
        }
        let Some(job) = self.jobs.get(id) else {
            return;
        };
        let account = self
            .jobs
            .accounts
            .get_index(job.account_idx as usize)
            .map_or("", |a| &**a);
        state.add_leaf((job.account_idx, account), (job.user_idx, &job.user), now);
    }

    /// Runs the decay thread's ticks due by `now`, each at its own instant, with the
    /// jobs running now (nothing started or ended between two calls of the host), and
    /// marks priorities for recomputation when one ran.
    pub(super) fn fair_share_ticks(&mut self, now: Timestamp) {
        let Some(fs) = self.fair_share.as_ref().and_then(|s| s.fs.as_ref()) else {
            return;
        };
        if !fs.clock().is_due(now) {
            return;
        }
        let running: Vec<RunningJob> = self
            .jobs
            .iter()
            .filter(|j| j.state == JobState::Running)
            .filter_map(|j| self.running_for_fair_share(j))
            .collect();
        let Some(fs) = self.fair_share.as_mut().and_then(|s| s.fs.as_mut()) else {
            return;
        };
        while fs.clock().is_due(now) {
            let at = fs.clock().next_tick();
            fs.tick(at, running.iter().copied());
            if fs.clock().next_tick() <= at {
                break;
            }
        }
        self.priorities.dirty = true;
    }

    /// A job that stops running at `now` adds its last slice of usage.
    pub(super) fn fair_share_job_end(&mut self, id: JobId, now: Timestamp) {
        if self.fair_share.is_none() {
            return;
        }
        self.fair_share_ticks(now);
        let Some(job) = self
            .jobs
            .get(id)
            .and_then(|j| self.running_for_fair_share(j))
        else {
            return;
        };
        if let Some(fs) = self.fair_share.as_mut().and_then(|s| s.fs.as_mut()) {
            fs.job_end(&job, now);
        }
    }

    /// The fair-share factor of a pending job's association (0 without fair-share).
    pub(super) fn fair_share_factor(&self, job: &Job) -> f64 {
        self.fair_share.as_ref().map_or(0.0, |s| s.factor(job))
    }

    /// The fair-share factor (0 to 1) a job's association has as of the last tick, as
    /// `sprio` shows it before the weight; `None` for an unknown job or without
    /// fair-share (no `PriorityWeightFairshare`).
    #[must_use]
    pub fn fair_share_factor_of(&self, id: JobId) -> Option<f64> {
        let state = self.fair_share.as_ref()?;
        Some(state.factor(self.jobs.get(id)?))
    }

    /// A running job as fair-share counts it: its association, start, billable TRES
    /// (its partition's `TRESBillingWeights` over its allocation) and QOS usage factor.
    fn running_for_fair_share(&self, job: &Job) -> Option<RunningJob> {
        let state = self.fair_share.as_ref()?;
        let leaf = state.node_of(job)?;
        let start = job.start?;
        let mut alloc = Tres {
            nodes: u32::try_from(job.allocation.len()).unwrap_or(u32::MAX),
            ..Tres::default()
        };
        for a in &job.allocation {
            alloc.cpus = alloc.cpus.saturating_add(a.cpus);
            alloc.memory =
                crate::memory::Memory::from_mib(alloc.memory.mib().saturating_add(a.memory.mib()));
            for g in &a.gres {
                let slot = alloc.gres.entry(g.key.clone()).or_insert(0);
                *slot = slot.saturating_add(g.indices.len() as u64);
            }
        }
        let cluster = &self.site.cluster;
        let weights = job
            .partition
            .as_deref()
            .and_then(|p| cluster.partition(p))
            .and_then(|p| p.billing_weights.as_ref());
        let flags = cluster
            .config()
            .priority_flags
            .as_deref()
            .map(PriorityFlags::parse)
            .unwrap_or_default();
        let usage_factor = job
            .resolved
            .qos()
            .and_then(|q| cluster.qos(q))
            .map_or(1.0, |q| q.usage_factor);
        Some(RunningJob {
            leaf,
            start,
            billable: crate::fairshare::billable(weights, &alloc, flags),
            usage_factor,
        })
    }

    /// The associations with their shares, usage and fair-share factors as `sshare -a`
    /// shows them, as of the last tick; empty without fair-share (no
    /// `PriorityWeightFairshare`) or before the first job.
    #[must_use]
    pub fn shares(&self) -> Vec<SshareRow> {
        let Some(fs) = self.fair_share.as_ref().and_then(|s| s.fs.as_ref()) else {
            return Vec::new();
        };
        crate::fairshare::views::sshare_rows(
            fs.tree(),
            fs.usage(),
            fs.factors(),
            fs.config().algorithm,
            fs.config().damping,
        )
    }
}
