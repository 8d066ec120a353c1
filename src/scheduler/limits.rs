//! The run-time limits inside the scheduler ([`crate::limits`]): which QOS (and
//! associations) a job is held to in a partition, the checks where slurmctld makes them
//! (the main pass and backfill call them), and the ledger kept as jobs start and end.

use super::Scheduler;
use super::job::Job;
use crate::accounts::AssocId;
use crate::gres::GresKey;
use crate::job_id::JobId;
use crate::job_state::PendingReason;
use crate::limits::{AssocLevel, AssocPerJob, Charge, JobScopes, JobTres, QosPair, Scope};
use crate::planner::{Demand, MemDemand, Placement};
use crate::resolve::ResolvedJob;

impl Scheduler {
    /// Whether limits that usage changes are enforced at all.
    pub(super) fn limits_active(&self) -> bool {
        self.limits.active
    }

    /// What a job is counted in when it runs in partition `part`.
    fn limit_scopes(&self, job: &Job, part: usize) -> JobScopes<'_> {
        let cluster = &self.site.cluster;
        let job_qos = job.resolved.qos().and_then(|q| cluster.qos_full(q));
        let part_qos = cluster
            .partition_at(part)
            .and_then(|p| p.qos.as_deref())
            .and_then(|q| cluster.qos_full(q));
        JobScopes {
            qos: QosPair::ordered(job_qos, part_qos),
            time_limit: Some(Self::time_limit_in(job, self.shape_in(job, part))),
            user: job.user_idx,
            account: job.account_idx,
            assocs: self.assoc_levels(job.assoc),
        }
    }

    /// The association levels of association `assoc`, from it up to the root.
    fn assoc_levels(&self, assoc: Option<u32>) -> Vec<AssocLevel<'_>> {
        let (Some(id), Some(accounts)) = (assoc, self.site.cluster.accounts()) else {
            return Vec::new();
        };
        let leaf = AssocId::at(id as usize);
        accounts
            .parent_ids(leaf)
            .filter_map(|a| accounts.assoc(a).map(|rec| (a, rec)))
            .map(|(a, rec)| {
                let own = a == leaf;
                AssocLevel {
                    id: u32::try_from(a.index()).unwrap_or(u32::MAX),
                    grp_jobs: rec.limits.grp_jobs,
                    grp_tres: &rec.limits.grp_tres,
                    max_jobs: if own { rec.effective.max_jobs } else { None },
                    grp_submit_jobs: rec.limits.grp_submit_jobs,
                    max_submit_jobs: if own {
                        rec.effective.max_submit_jobs
                    } else {
                        None
                    },
                    per_job: own.then_some(AssocPerJob {
                        wall: rec.effective.max_wall,
                        tres_per_job: &rec.effective.max_tres_per_job,
                        tres_per_node: &rec.effective.max_tres_per_node,
                    }),
                }
            })
            .collect()
    }

    /// The account and QOS a job gets from its association when it names none, and its
    /// association: a request with them filled in (when one was missing) and the
    /// association's index; nothing without associations.
    pub(super) fn associate(
        &self,
        request: &crate::request::JobRequest,
        user: &str,
    ) -> Result<(Option<crate::request::JobRequest>, Option<u32>), super::SubmitError> {
        let cluster = &self.site.cluster;
        let Some(accounts) = cluster.accounts() else {
            return Ok((None, None));
        };
        let partitions: Vec<String> = if request.partitions.is_empty() {
            cluster
                .default_partition()
                .map(|p| vec![p.name.clone()])
                .unwrap_or_default()
        } else {
            request.partitions.clone()
        };
        let found = accounts.resolve_job(
            user,
            request.account.as_deref(),
            &partitions,
            request.qos.as_deref(),
            |q| cluster.qos(q).is_some(),
        )?;
        let assoc = found
            .assoc
            .map(|a| u32::try_from(a.index()).unwrap_or(u32::MAX));
        let mut filled = None;
        if request.account.is_none() && found.account.is_some()
            || request.qos.is_none() && found.qos.is_some()
        {
            let mut r = request.clone();
            r.account = r.account.or(found.account);
            r.qos = r.qos.or(found.qos);
            filled = Some(r);
        }
        Ok((filled, assoc))
    }

    /// The limits checked before nodes are chosen (jobs running per QOS, user, account
    /// and association): the reason the job may not start one more, if so.
    pub(super) fn limits_pre_select(&self, id: JobId, part: usize) -> Option<PendingReason> {
        if !self.limits.active {
            return None;
        }
        let job = self.jobs.get(id)?;
        crate::limits::check::pre_select(&self.limits.ledger, &self.limit_scopes(job, part))
    }

    /// The TRES limits, for the job on `placement` (or as it asks, when no placement
    /// could be found): the reason it may not start there, if so.
    pub(super) fn limits_post_select(
        &self,
        id: JobId,
        part: usize,
        demand: &Demand,
        placement: Option<&Placement>,
    ) -> Option<PendingReason> {
        if !self.limits.active {
            return None;
        }
        let job = self.jobs.get(id)?;
        let tres = self.limit_tres(job, part, demand, placement);
        crate::limits::check::post_select(&self.limits.ledger, &self.limit_scopes(job, part), &tres)
    }

    /// What a job counts for: its allocation on `placement`, or at least what it asks.
    fn limit_tres(
        &self,
        job: &Job,
        part: usize,
        demand: &Demand,
        placement: Option<&Placement>,
    ) -> JobTres {
        let shape = self.shape_in(job, part);
        let (cpus, mem, mut nodes) = match placement {
            Some(p) => {
                let mut mem = 0u64;
                for (i, &(n, cpus)) in p.nodes.iter().enumerate() {
                    let usage = self.node_usage(n, demand, cpus, p.gpus.get(i).copied());
                    mem = mem.saturating_add(usage.memory.mib());
                }
                let cpus = p
                    .nodes
                    .iter()
                    .fold(0u64, |acc, &(_, c)| acc.saturating_add(u64::from(c)));
                (cpus, mem, p.nodes.iter().map(|&(n, _)| n).collect())
            }
            None => {
                let cpus = u64::from(shape.min_cpus());
                let count = u64::from(demand.min_nodes.max(1));
                let mem = match demand.mem {
                    MemDemand::PerNode(m) => m.mib().saturating_mul(count),
                    MemDemand::PerCpu(m) => m.mib().saturating_mul(cpus),
                    MemDemand::PerGpu(m) => {
                        let gpus: u64 = demand
                            .gres_per_node
                            .iter()
                            .filter(|(k, _)| k.name == "gpu")
                            .map(|(_, c)| *c)
                            .sum::<u64>()
                            .saturating_mul(count)
                            .saturating_add(shape.gpus_per_job().map_or(0, |g| g.count));
                        m.mib().saturating_mul(gpus)
                    }
                    MemDemand::WholeNode => 0,
                };
                (cpus, mem, Vec::new())
            }
        };
        nodes.sort_unstable();
        nodes.dedup();
        let node_count = if nodes.is_empty() {
            u64::from(demand.min_nodes.max(1))
        } else {
            nodes.len() as u64
        };
        let mut gres: Vec<(GresKey, u64)> = Vec::new();
        for g in shape.gres_per_node() {
            gres.push((g.key.clone(), g.count.saturating_mul(node_count)));
        }
        if let Some(g) = shape.gpus_per_job() {
            gres.push((g.key.clone(), g.count));
        }
        JobTres {
            cpus,
            mem,
            node_count,
            nodes,
            gres,
            billing: cpus,
        }
    }

    /// The reason sbatch refuses `count` more jobs (an array's tasks) of `user` under the
    /// submit-count limits of each of its partitions (`acct_policy_validate()` walks the
    /// partition list), if it does.
    pub(super) fn limits_submit_refusal(
        &self,
        resolved: &ResolvedJob,
        user: &str,
        assoc: Option<u32>,
        count: u32,
    ) -> Option<PendingReason> {
        if !self.limits.active {
            return None;
        }
        let cluster = &self.site.cluster;
        let account = resolved.request().account.as_deref().unwrap_or("");
        // A user or account the scheduler has not seen holds nothing.
        let user = self.jobs.users.get(user).copied().unwrap_or(u32::MAX);
        let account = self
            .jobs
            .accounts
            .get_index_of(account)
            .map_or(u32::MAX, |i| u32::try_from(i).unwrap_or(u32::MAX));
        let job_qos = resolved.qos().and_then(|q| cluster.qos_full(q));
        resolved.partitions().iter().find_map(|name| {
            let part_qos = cluster
                .partition(name)
                .and_then(|p| p.qos.as_deref())
                .and_then(|q| cluster.qos_full(q));
            let scopes = JobScopes {
                qos: QosPair::ordered(job_qos, part_qos),
                time_limit: None,
                user,
                account,
                assocs: Vec::new(),
            };
            let scopes = JobScopes {
                assocs: self.assoc_levels(assoc),
                ..scopes
            };
            crate::limits::check::submit(&self.limits.ledger, &scopes, count)
        })
    }

    /// Where a pending job is counted as submitted: its QOS and each other QOS of its
    /// partitions, per QOS, user and account (`acct_policy_add_job_submit()`).
    fn submit_scopes(&self, job: &Job) -> Vec<Scope> {
        let cluster = &self.site.cluster;
        let mut qos: Vec<u32> = Vec::new();
        let job_qos = job.resolved.qos().and_then(|q| cluster.qos_full(q));
        let part_qos = job.resolved.partitions().iter().filter_map(|name| {
            cluster
                .partition(name)
                .and_then(|p| p.qos.as_deref())
                .and_then(|q| cluster.qos_full(q))
        });
        for (q, _) in job_qos.into_iter().chain(part_qos) {
            if !qos.contains(&q) {
                qos.push(q);
            }
        }
        let mut scopes: Vec<Scope> = qos
            .into_iter()
            .flat_map(|q| {
                [
                    Scope::Qos(q),
                    Scope::QosUser(q, job.user_idx),
                    Scope::QosAccount(q, job.account_idx),
                ]
            })
            .collect();
        scopes.extend(
            self.assoc_levels(job.assoc)
                .iter()
                .map(|a| Scope::Assoc(a.id)),
        );
        scopes
    }

    /// Counts `delta` more (or fewer) pending jobs of job `id` as submitted.
    pub(super) fn limits_submitted(&mut self, id: JobId, delta: i64) {
        if !self.limits.active {
            return;
        }
        let Some(job) = self.jobs.get(id) else {
            return;
        };
        let scopes = self.submit_scopes(job);
        self.limits.ledger.submitted(&scopes, delta);
    }

    /// Counts a job that starts on `placement` in partition `part` (`run` is the record
    /// that runs: an array's task).
    pub(super) fn limits_begin(
        &mut self,
        run: JobId,
        part: usize,
        demand: &Demand,
        placement: &Placement,
    ) {
        if !self.limits.active {
            return;
        }
        let Some(job) = self.jobs.get(run) else {
            return;
        };
        let charge = Charge {
            scopes: self.limit_scopes(job, part).charged(),
            tres: self.limit_tres(job, part, demand, Some(placement)),
        };
        // Counted as submitted where it runs only (`acct_policy_job_begin()` takes the
        // submission back from the QOS of the partitions not used).
        let pending = self.submit_scopes(job);
        self.limits.ledger.submitted(&pending, -1);
        self.limits.ledger.submitted(&charge.scopes, 1);
        self.limits.ledger.begin(&charge);
        if let Some(job) = self.jobs.get_mut(run) {
            job.charge = Some(Box::new(charge));
        }
    }

    /// Takes back what a job that ends (or is requeued) was counted for.
    pub(super) fn limits_end(&mut self, id: JobId) {
        if let Some(charge) = self.jobs.get_mut(id).and_then(|j| j.charge.take()) {
            self.limits.ledger.submitted(&charge.scopes, -1);
            self.limits.ledger.end(&charge);
        }
    }
}
