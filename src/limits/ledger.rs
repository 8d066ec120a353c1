//! What running (and submitted) jobs hold, per scope a limit applies to.

use super::usage::{JobTres, gres_amount};
use crate::fast_hash::FastBuild;
use crate::gres::GresKey;
use crate::tres::TresKind;
use std::collections::{BTreeMap, HashMap};

/// Where usage is counted: slurmctld keeps it on the QOS (`grp_used_*`), per user and
/// per account of a QOS (`user_limit_list`, `acct_limit_list`, keyed by the job's own
/// account), and on every association from the job's up to the root.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Scope {
    /// A QOS, by its index in the cluster.
    Qos(u32),
    /// A user under a QOS.
    QosUser(u32, u32),
    /// An account under a QOS.
    QosAccount(u32, u32),
    /// An association, by id.
    Assoc(u32),
}

/// What one scope holds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Counters {
    /// Running jobs.
    pub(crate) jobs: u32,
    /// Jobs submitted and not ended (array tasks one each).
    pub(crate) submitted: u32,
    pub(crate) cpus: u64,
    pub(crate) mem: u64,
    pub(crate) billing: u64,
    pub(crate) gres: Vec<(GresKey, u64)>,
    /// How many running jobs of the scope use each node.
    pub(crate) nodes: BTreeMap<u32, u32>,
}

impl Counters {
    /// What the scope holds of `kind` (nodes: distinct nodes).
    pub(crate) fn used(&self, kind: &TresKind) -> u64 {
        match kind {
            TresKind::Cpu => self.cpus,
            TresKind::Mem => self.mem,
            TresKind::Node => self.nodes.len() as u64,
            TresKind::Billing => self.billing,
            TresKind::Gres(key) => gres_amount(&self.gres, key),
            _ => 0,
        }
    }

    /// What `job` would add to the scope's `kind`: nodes the scope already counts are
    /// not counted again.
    pub(crate) fn added(&self, job: &JobTres, kind: &TresKind) -> u64 {
        let amount = job.amount(kind).unwrap_or(0);
        if *kind == TresKind::Node && !job.nodes.is_empty() && !self.nodes.is_empty() {
            let shared = job
                .nodes
                .iter()
                .filter(|n| self.nodes.contains_key(n))
                .count() as u64;
            return amount.saturating_sub(shared);
        }
        amount
    }

    fn add(&mut self, job: &JobTres) {
        self.jobs = self.jobs.saturating_add(1);
        self.cpus = self.cpus.saturating_add(job.cpus);
        self.mem = self.mem.saturating_add(job.mem);
        self.billing = self.billing.saturating_add(job.billing);
        for (key, n) in &job.gres {
            match self.gres.iter_mut().find(|(k, _)| k == key) {
                Some((_, held)) => *held = held.saturating_add(*n),
                None => self.gres.push((key.clone(), *n)),
            }
        }
        for &n in &job.nodes {
            *self.nodes.entry(n).or_insert(0) += 1;
        }
    }

    fn remove(&mut self, job: &JobTres) {
        self.jobs = self.jobs.saturating_sub(1);
        self.cpus = self.cpus.saturating_sub(job.cpus);
        self.mem = self.mem.saturating_sub(job.mem);
        self.billing = self.billing.saturating_sub(job.billing);
        for (key, n) in &job.gres {
            if let Some((_, held)) = self.gres.iter_mut().find(|(k, _)| k == key) {
                *held = held.saturating_sub(*n);
            }
        }
        self.gres.retain(|(_, n)| *n > 0);
        for n in &job.nodes {
            if let Some(c) = self.nodes.get_mut(n) {
                *c = c.saturating_sub(1);
                if *c == 0 {
                    self.nodes.remove(n);
                }
            }
        }
    }

    fn is_empty(&self) -> bool {
        self.jobs == 0 && self.submitted == 0
    }
}

/// What a running job was counted for, kept with it so that its end takes back exactly
/// that (`acct_policy_job_fini()`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Charge {
    pub(crate) scopes: Vec<Scope>,
    pub(crate) tres: JobTres,
}

/// Usage per scope. Lookups only: nothing iterates the map to decide anything.
#[derive(Debug, Clone, Default)]
pub(crate) struct Ledger {
    scopes: HashMap<Scope, Counters, FastBuild>,
}

impl Ledger {
    /// What `scope` holds (nothing if it holds nothing).
    pub(crate) fn get(&self, scope: Scope) -> Option<&Counters> {
        self.scopes.get(&scope)
    }

    /// Counts a job that starts in every scope of `charge`.
    pub(crate) fn begin(&mut self, charge: &Charge) {
        for scope in &charge.scopes {
            self.scopes.entry(*scope).or_default().add(&charge.tres);
        }
    }

    /// Takes back what [`Ledger::begin`] counted.
    pub(crate) fn end(&mut self, charge: &Charge) {
        for scope in &charge.scopes {
            if let Some(c) = self.scopes.get_mut(scope) {
                c.remove(&charge.tres);
                if c.is_empty() {
                    self.scopes.remove(scope);
                }
            }
        }
    }

    /// Counts `count` submitted jobs in `scopes` (negative: takes them back).
    pub(crate) fn submitted(&mut self, scopes: &[Scope], count: i64) {
        for scope in scopes {
            let c = self.scopes.entry(*scope).or_default();
            c.submitted = if count >= 0 {
                c.submitted
                    .saturating_add(u32::try_from(count).unwrap_or(u32::MAX))
            } else {
                c.submitted
                    .saturating_sub(u32::try_from(count.unsigned_abs()).unwrap_or(u32::MAX))
            };
            if c.is_empty() && c.nodes.is_empty() {
                self.scopes.remove(scope);
            }
        }
    }
}
