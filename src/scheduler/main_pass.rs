//! slurmctld's main scheduler pass (`_schedule()` in job_scheduler.c): start what fits now
//! in queue order; the first job of a partition that does not fit blocks its nodes for
//! the rest of the pass. With the reasons of the jobs it tries.

use super::Scheduler;
use super::arrays::ArrayGate;
use super::decision::Decision;
use super::demand::{JobNodes, ask};
use super::job::Job;
use super::queue::{Entry, QKey, Source};
use super::reasons::{PassState, RESERVED_ELSEWHERE};
use crate::fast_hash::FastBuild;
use crate::job_id::JobId;
use crate::job_state::{JobState, PendingReason};
use crate::memory::Memory;
use crate::partition::OverSubscribe;
use crate::planner::{Demand, MemDemand, NodeIdx, Profile};
use crate::time::Timestamp;
use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet, BinaryHeap, HashSet};

/// What the main pass keeps from one record to the next.
#[derive(Default, Debug)]
struct MainWalk {
    /// Partitions whose blocked job was found, with the place of its record in the
    /// queue: later jobs there wait for Priority.
    failed: BTreeMap<usize, RecordKey>,
    /// Nodes blocked by a job that could not start, held in the profile only once a later
    /// job is asked: the jobs behind a partition's blocked job are not asked at all, so a
    /// queue in one partition never pays for blocking (and restoring) it.
    to_block: Vec<u32>,
    /// Every node blocked so far in the pass (slurmctld removes them from its
    /// `avail_node_bitmap` for the rest of the main pass).
    unavail: NodeBits,
    /// The same blocks with the place of the record that made each, for the tries
    /// settled after the walk in their own place (`Scheduler::settle_bad_constraints`).
    blocks: Vec<(RecordKey, Vec<u32>)>,
    /// The records (job, partition) whose job the pass tried on nodes (past the blocked
    /// partition test).
    tested: HashSet<(JobId, usize), FastBuild>,
    /// By partition: how many of its nodes are in service and not held back, as of
    /// `blocks.len()` blocks (a walk that goes past limited jobs asks for every record).
    available: Vec<Option<(usize, usize)>>,
}

/// The place of a record in the main pass's walk: partition tier first, then the job's
/// queue key.
type RecordKey = (Reverse<u16>, QKey);

/// A set of node indices as a bitmap: the main pass blocks whole partitions (a thousand
/// nodes, once per pass), where a tree set spent more time inserting than the pass did
/// deciding.
#[derive(Default, Debug)]
struct NodeBits(Vec<u64>);

impl NodeBits {
    fn contains(&self, n: u32) -> bool {
        self.0
            .get((n / 64) as usize)
            .is_some_and(|w| w & (1 << (n % 64)) != 0)
    }

    fn insert(&mut self, n: u32) {
        let word = (n / 64) as usize;
        if self.0.len() <= word {
            self.0.resize(word + 1, 0);
        }
        self.0[word] |= 1 << (n % 64);
    }
}

impl Extend<u32> for NodeBits {
    fn extend<I: IntoIterator<Item = u32>>(&mut self, iter: I) {
        for n in iter {
            self.insert(n);
        }
    }
}

impl Scheduler {
    /// slurmctld's main pass: start what fits now in queue order; the first job of a
    /// partition that does not fit blocks that partition's nodes for the rest of the pass
    /// (later jobs there get reason Priority). Returns the records it walked, in order.
    ///
    /// When every queued job has one record, the records are walked partition by
    /// partition, merged in queue order, and a partition is left once its blocked job is
    /// found: the jobs behind it are not walked. They get Priority as a walk would give
    /// them: every queued job whose reason may be another one is in `unsettled` (new
    /// jobs, and the ones a pass left with another reason), so only those are visited.
    /// A pass then costs the jobs before each partition's blocked one, not the queue.
    pub(super) fn main_pass(
        &mut self,
        now: Timestamp,
        unsettled: Option<Vec<JobId>>,
        state: &mut PassState,
        decisions: &mut Vec<Decision>,
        profile: &mut Profile,
    ) -> Vec<Entry> {
        let mut walk = MainWalk::default();
        let mut walked = Vec::new();
        let by_partition =
            self.switches.main_by_partition && self.queue.eligible.multi_record_jobs() == 0;
        let (Some(unsettled), true) = (unsettled, by_partition) else {
            for entry in self.queue_entries() {
                self.main_entry(now, entry, &mut walk, state, decisions, profile);
                walked.push(entry);
            }
            self.settle_bad_constraints(&walk);
            return walked;
        };
        let mut heads: BinaryHeap<Reverse<(Reverse<u16>, QKey, usize)>> = BinaryHeap::new();
        for part in 0..self.queue.eligible.partitions() {
            if let Some(key) = self.queue.eligible.next(Source::All(part), None) {
                heads.push(Reverse((
                    Reverse(self.queue.eligible.tier(part)),
                    key,
                    part,
                )));
            }
        }
        while let Some(Reverse((tier, key, part))) = heads.pop() {
            let entry = Entry {
                job: key.job(),
                part,
            };
            self.main_entry(now, entry, &mut walk, state, decisions, profile);
            walked.push(entry);
            if walk.failed.contains_key(&part) {
                continue;
            }
            if let Some(next) = self.queue.eligible.next(Source::All(part), Some(key)) {
                heads.push(Reverse((tier, next, part)));
            }
        }
        let seen: HashSet<JobId, FastBuild> = walked.iter().map(|e| e.job).collect();
        for id in unsettled {
            // As a walk would: Priority over no reason or Resources (`_failed_partition()`).
            if !seen.contains(&id)
                && self.jobs.get(id).is_some_and(|j| {
                    j.state == JobState::Pending
                        && j.queued.is_some()
                        && matches!(
                            j.reason,
                            None | Some(PendingReason::Resources | PendingReason::Priority)
                        )
                })
            {
                self.set_reason(id, PendingReason::Priority);
            }
        }
        self.settle_bad_constraints(&walk);
        walked
    }

    /// The main pass's tries of a job in the partitions no node of which passes its node
    /// configuration ([`crate::ResolvedJob::partitions_without_nodes`]), in their place
    /// among its records: a try finds fewer of the partition's nodes left than the job
    /// needs ("Nodes required for job are DOWN, DRAINED or reserved...", Resources), or
    /// else leaves BadConstraints (`_build_node_list()`). BadConstraints stays while the
    /// records tried after it find their partitions blocked (`_failed_partition()`
    /// replaces only no reason or Resources); a record whose nodes the pass tested gives
    /// its own reason (observed on 22.05: `-p 2xH100-96,A100-10 --mincpus=20` on 6-CPU
    /// A100 nodes waits with BadConstraints while its H100 node is busy, and so does `-p
    /// CPU-4,CPU-16 --mem=128G` on 32 GB CPU-4 nodes behind a blocked CPU-16 job).
    fn settle_bad_constraints(&mut self, walk: &MainWalk) {
        let mut settled: Vec<(JobId, PendingReason, Option<String>)> = Vec::new();
        let pending = &self.jobs.pending;
        self.queue
            .with_unfit_tries
            .retain(|id| pending.contains(id));
        for &id in &self.queue.with_unfit_tries {
            let Some(job) = self.jobs.get(id) else {
                continue;
            };
            // Tries in partitions without a node for the job (BadConstraints) and in
            // partitions that can never run it (Resources), in their place.
            let mut tries: Vec<(u32, &str, bool)> = job
                .resolved
                .partitions_without_nodes()
                .iter()
                .map(|(b, n)| (*b, n.as_str(), false))
                .chain(
                    job.resolved
                        .partitions_never_runnable()
                        .iter()
                        .map(|(b, n)| (*b, n.as_str(), true)),
                )
                .collect();
            tries.sort_by_key(|t| t.0);
            // A try replaces the reasons the main scheduler gives as it goes (a
            // ReqNodeNotAvail of an earlier record too: observed on 22.05, generated
            // g03001); a job it does not try (held, dependent) keeps its own.
            if tries.is_empty()
                || job.queued.is_none()
                || !matches!(
                    job.reason,
                    None | Some(
                        PendingReason::Resources
                            | PendingReason::Priority
                            | PendingReason::ReqNodeNotAvail
                    )
                )
            {
                continue;
            }
            let parts = job.resolved.partitions();
            let tested = |i: usize| {
                parts
                    .get(i)
                    .and_then(|p| self.site.cluster.partition_index(p))
                    .is_some_and(|p| walk.tested.contains(&(id, p)))
            };
            // The last bad try after which no record was tested decides.
            let Some(&(before, name, never)) = tries
                .iter()
                .rev()
                .find(|(b, _, _)| !(*b as usize..parts.len()).any(tested))
            else {
                continue;
            };
            let Some(part) = self.site.cluster.partition_index(name) else {
                continue;
            };
            // The try sits in the queue before the job's record at `before`: a partition
            // whose blocked job comes later in the walk had not failed yet.
            let (Some(queued), submit) = (job.queued, job.submit) else {
                continue;
            };
            let place = (
                Reverse(self.queue.eligible.tier(part)),
                QKey::new(queued.priority, submit, id, before as usize),
            );
            if walk.failed.get(&part).is_some_and(|at| *at < place) {
                continue;
            }
            let min_nodes = Self::requested_min_nodes(job);
            // The nodes held back by records before this try only.
            let mut held = NodeBits::default();
            for (at, nodes) in &walk.blocks {
                if *at < place {
                    held.extend(nodes.iter().copied());
                }
            }
            let left = self.site.partition_nodes.get(part).map_or(0, |nodes| {
                nodes
                    .iter()
                    .filter(|&&n| {
                        !held.contains(n)
                            && self
                                .site
                                .cluster
                                .node_at(n as usize)
                                .is_some_and(crate::node::Node::is_schedulable)
                    })
                    .count()
            });
            // Resources stands only after the job's last record (a blocked record after
            // it turns it into Priority); BadConstraints stays.
            let last = before as usize == parts.len();
            if left < min_nodes {
                if last {
                    settled.push((
                        id,
                        PendingReason::Resources,
                        Some(RESERVED_ELSEWHERE.to_owned()),
                    ));
                }
            } else if never {
                // An empty description: the try cleared the one an earlier record gave,
                // and none is to be derived (see `reason_description`).
                if last {
                    settled.push((id, PendingReason::Resources, Some(String::new())));
                }
            } else {
                settled.push((id, PendingReason::BadConstraints, None));
            }
        }
        for (id, reason, desc) in settled {
            match desc {
                Some(desc) => self.set_described(id, reason, desc),
                None => self.set_reason(id, reason),
            }
            // Not Priority: a main pass that does not walk the job settles it.
            self.queue.unsettled.push(id);
        }
    }

    /// The place of `entry`'s record in the main pass's walk.
    fn record_key(&self, entry: Entry) -> RecordKey {
        self.queue_records(entry.job)
            .into_iter()
            .find(|&(_, _, part)| part == entry.part)
            .map_or(
                (Reverse(0), QKey::new(0, Timestamp(0), entry.job, 0)),
                |(t, k, _)| (t, k),
            )
    }

    /// Notes that the main pass found `entry`'s partition blocked at this record.
    fn mark_failed(&self, walk: &mut MainWalk, entry: Entry) {
        let at = self.record_key(entry);
        walk.failed.entry(entry.part).or_insert(at);
    }

    /// Holds `nodes` back for the rest of the main pass, from `entry`'s record on.
    fn block_nodes(&self, walk: &mut MainWalk, entry: Entry, nodes: &[u32]) {
        walk.unavail.extend(nodes.iter().copied());
        walk.blocks.push((self.record_key(entry), nodes.to_vec()));
    }

    /// The main pass for one queue record.
    fn main_entry(
        &mut self,
        now: Timestamp,
        entry: Entry,
        walk: &mut MainWalk,
        state: &mut PassState,
        decisions: &mut Vec<Decision>,
        profile: &mut Profile,
    ) {
        if state.handled.contains(&entry.job) {
            return;
        }
        if walk.failed.contains_key(&entry.part) {
            // `_failed_partition()`: Priority, over no reason or Resources only.
            if self.jobs.get(entry.job).is_some_and(|j| {
                matches!(
                    j.reason,
                    None | Some(PendingReason::Resources | PendingReason::Priority)
                )
            }) {
                self.set_reason(entry.job, PendingReason::Priority);
            }
            return;
        }
        // A job a limit held back is checked against the job-count limits before
        // anything else, and stays out without blocking its partition if one still
        // holds it (`acct_policy_job_runnable_state()`, `_schedule()`).
        if self.limits_active()
            && self
                .jobs
                .get(entry.job)
                .and_then(|j| j.reason.as_ref())
                .is_some_and(crate::limits::is_limit_reason)
            && let Some(reason) = self.limits_pre_select(entry.job, entry.part)
        {
            self.set_reason(entry.job, reason);
            return;
        }
        walk.tested.insert((entry.job, entry.part));
        if self.unavailable_to(entry, walk) {
            return;
        }
        // A job that preempted in this second waits for its preemptees' nodes to
        // complete (slurmctld: COMPLETING, left out of every node set), holding its
        // partition as at the pass that preempted.
        if self.preempting_now(entry.job, now) {
            self.set_reason(entry.job, PendingReason::Resources);
            self.fail_by_part(entry, walk, now);
            return;
        }
        // Tested on the nodes of an OverSubscribe=EXCLUSIVE partition: whole-node from
        // now on, wherever it runs (`_resolve_shared_status()`).
        if self
            .site
            .cluster
            .partition_at(entry.part)
            .is_some_and(|p| p.oversubscribe == OverSubscribe::Exclusive)
            && let Some(job) = self.jobs.get_mut(entry.job)
            && !job.whole_for_good
        {
            job.whole_for_good = true;
            self.plan.sharing_changed = true;
        }
        for n in walk.to_block.drain(..) {
            profile.block(n);
        }
        loop {
            match self.jobs.array_gate(entry.job) {
                ArrayGate::Throttled => {
                    self.set_reason(entry.job, PendingReason::JobArrayTaskLimit);
                    break;
                }
                ArrayGate::Exhausted => break,
                ArrayGate::NotArray | ArrayGate::Ready => {}
            }
            // `select_nodes()`: the job-count limits first; a job they hold back
            // blocks nothing, even under assoc_limit_stop (observed on 22.05, fidelity
            // accounting f05: a job at MaxJobsPerUser is skipped, "being held", and the
            // next job of its partition waits with Resources).
            if let Some(reason) = self.limits_pre_select(entry.job, entry.part) {
                self.set_reason(entry.job, reason);
                break;
            }
            let Some((demand, candidates)) = self.demand_in(entry.job, entry.part) else {
                break;
            };
            let fit = ask(
                profile,
                entry.part,
                &demand,
                &candidates,
                now,
                Some(Timestamp(now.0.saturating_add(1))),
            )
            .filter(|p| p.start == now);
            // Gang scheduling: a higher tier's job that does not fit starts over
            // lower-tier jobs' CPUs when their memory and GRES leave room, suspending
            // (or stopping) the jobs whose CPUs it takes.
            let fit = match fit {
                Some(p) => Some((p, false)),
                None if self.preemption_on() => self
                    .gang_placement(entry.part, &demand, &candidates, profile, now)
                    .map(|p| (p, true)),
                None => None,
            };
            match fit {
                Some((placement, over_lower_tiers)) => {
                    if let Some(reason) =
                        self.limits_post_select(entry.job, entry.part, &demand, Some(&placement))
                    {
                        self.limit_held(entry, reason, walk, now);
                        break;
                    }
                    let started = if over_lower_tiers {
                        self.start_over_lower_tiers(
                            entry.job, entry.part, &placement, now, decisions,
                        )
                    } else {
                        self.start_job(entry.job, entry.part, &placement, now, decisions)
                    };
                    let Some(started) = started else {
                        break;
                    };
                    self.add_to_profile(profile, started, &placement, now);
                    if !self.jobs.arrays.contains_key(&entry.job) {
                        state.handled.insert(entry.job);
                        break;
                    }
                }
                None => {
                    // The TRES limits are checked with what the job asks even when it
                    // does not fit, and their reason wins, so that it blocks nothing
                    // ("if we are backfilling we don't reserve resources if we don't
                    // have to", `select_nodes()`).
                    if let Some(reason) =
                        self.limits_post_select(entry.job, entry.part, &demand, None)
                    {
                        self.limit_held(entry, reason, walk, now);
                        break;
                    }
                    // Preemption: the jobs whose removal lets it start are stopped (or
                    // signalled); it waits for them, its partition blocked as a job
                    // short of resources blocks it (`ESLURM_NODES_BUSY`).
                    if self.preemption_on()
                        && let Some(victims) = self.find_preemptees(
                            entry.job,
                            entry.part,
                            &demand,
                            &candidates,
                            profile,
                            now,
                        )
                    {
                        self.preempt_jobs(entry.job, &victims, now, decisions);
                        self.set_reason(entry.job, PendingReason::Resources);
                        self.fail_by_part(entry, walk, now);
                        break;
                    }
                    if !self.fits_available(entry, &demand, &candidates, walk, profile) {
                        break;
                    }
                    self.set_reason(entry.job, PendingReason::Resources);
                    self.fail_by_part(entry, walk, now);
                    break;
                }
            }
        }
    }

    /// A job a TRES limit holds: it waits with the limit's reason and blocks nothing,
    /// unless `assoc_limit_stop` ("do not attempt to initiate any lower priority jobs in
    /// that partition", slurm.conf.5), which fails its partition as a job short of
    /// resources does (`_schedule()`: `if (assoc_limit_stop) fail_by_part = true`;
    /// observed on 22.05, fidelity accounting f05: "delayed for accounting policy", the
    /// jobs behind wait with Priority).
    fn limit_held(
        &mut self,
        entry: Entry,
        reason: PendingReason,
        walk: &mut MainWalk,
        now: Timestamp,
    ) {
        self.set_reason(entry.job, reason);
        if self.limits.stop {
            self.fail_by_part(entry, walk, now);
        }
    }

    /// `fail_by_part`: the job that could not start holds its partition's nodes back for
    /// the rest of the pass (later jobs there wait with Priority), or only the nodes of
    /// its `--nodelist` when they cover its node count; not a job backfill would give no
    /// reservation (below bf_min_prio_reserve or eligible for less than
    /// bf_min_age_reserve), as in `_schedule()`.
    fn fail_by_part(&mut self, entry: Entry, walk: &mut MainWalk, now: Timestamp) {
        if !self.may_block(entry.job, now) {
            return;
        }
        let nodelist = self.requested_nodes(entry.job);
        let min_nodes = self
            .jobs
            .get(entry.job)
            .map_or(1, Self::requested_min_nodes);
        let block: Vec<u32> =
            if nodelist.is_empty() || nodelist.iter().collect::<BTreeSet<_>>().len() < min_nodes {
                self.mark_failed(walk, entry);
                self.site
                    .partition_nodes
                    .get(entry.part)
                    .cloned()
                    .unwrap_or_default()
            } else {
                nodelist
            };
        self.block_nodes(walk, entry, &block);
        walk.to_block.extend(block);
    }

    /// Whether a job the main pass could not start would fit on the nodes the pass has
    /// left were they idle (`_pick_best_nodes()`'s `runable_avail`), or some of those are
    /// busy (`nodes_busy`). If neither, it is not busy but short of nodes
    /// (ESLURM_NODE_NOT_AVAIL): it waits with ReqNodeNotAvail
    /// naming its partition's nodes out of service, held back in this pass, or kept
    /// from it by another user's jobs ("May be reserved for other job" when none is),
    /// and its partition stays open to the jobs behind it (observed on 22.05: a job of
    /// partition `gpu` that needs the nodes a blocked job of another partition held back
    /// waits so, and the next job of a partition sharing `gpu`'s other nodes gets them;
    /// fidelity g00160).
    fn fits_available(
        &mut self,
        entry: Entry,
        demand: &Demand,
        candidates: &JobNodes,
        walk: &mut MainWalk,
        profile: &Profile,
    ) -> bool {
        let Some(part_nodes) = self.site.partition_nodes.get(entry.part) else {
            return true;
        };
        let listed: &[NodeIdx] = match candidates {
            JobNodes::Partition => part_nodes,
            JobNodes::Narrowed(list) | JobNodes::Required { nodes: list, .. } => list,
        };
        let out = |n: &NodeIdx| {
            walk.unavail.contains(*n)
                || self
                    .site
                    .cluster
                    .node_at(*n as usize)
                    .is_some_and(|node| !node.is_schedulable())
        };
        let available: Vec<NodeIdx> = listed.iter().copied().filter(|n| !out(n)).collect();
        // Busy nodes among those left make the job merely busy (`nodes_busy`). So does a
        // `--mincpus` job whose memory per CPU fits only its tasks' CPUs: the select
        // plugin's test-only mode, which `_pick_best_nodes()` asks whether the job could
        // run on idle nodes, counts the memory of the tasks' CPUs (as at submit), the
        // run-now mode that of every CPU given; such a job waits with Resources for good
        // (observed on 22.05, generated g03052).
        let fits_as_tested = || match demand.mem {
            MemDemand::PerCpu(m) if demand.min_cpus_per_node > demand.cpus_per_task => {
                let mut tasks_only = demand.clone();
                tasks_only.mem = MemDemand::PerNode(Memory::from_mib(
                    m.mib()
                        .saturating_mul(u64::from(demand.cpus_per_task.max(1))),
                ));
                profile.fits_when_idle(&tasks_only, &available)
            }
            _ => false,
        };
        // Busy: among the nodes that could ever hold the job (`_build_node_list()`), one
        // a whole-node job holds (or any job, for a whole-node demand) or another user
        // keeps (observed on 22.05, generated g03099: a `--mincpus=16` job left with 4-CPU
        // nodes busy and 16-CPU ones held back waits with ReqNodeNotAvail).
        let busy = |n: NodeIdx| {
            profile.could_hold(n, demand)
                && (profile.busy_now(n, demand.whole_node, demand.user)
                    || self.held_whole(n as usize, demand.whole_node))
        };
        if profile.fits_when_idle(demand, &available)
            || available.iter().any(|&n| busy(n))
            || fits_as_tested()
        {
            return true;
        }
        let held = profile.held_from(demand.user, demand.user_exclusive);
        let required = self.requested_nodes(entry.job);
        let mut names: Vec<String> = part_nodes
            .iter()
            .filter(|n| out(n) || held.binary_search(n).is_ok())
            .filter(|n| required.is_empty() || required.contains(n))
            .filter_map(|&n| {
                self.site
                    .cluster
                    .node_at(n as usize)
                    .map(|node| node.name.clone())
            })
            .collect();
        names.sort();
        names.dedup();
        let desc = if names.is_empty() {
            "ReqNodeNotAvail, May be reserved for other job".to_owned()
        } else {
            format!(
                "ReqNodeNotAvail, UnavailableNodes:{}",
                crate::hostlist::compress(&names)
            )
        };
        self.set_described(entry.job, PendingReason::ReqNodeNotAvail, desc);
        let min_nodes = self
            .jobs
            .get(entry.job)
            .map_or(1, Self::requested_min_nodes);
        if !required.is_empty() && required.iter().collect::<BTreeSet<_>>().len() >= min_nodes {
            self.block_nodes(walk, entry, &required);
            walk.to_block.extend(required);
        }
        false
    }

    /// The node count slurmctld's main scheduler holds a pending job to (`min_nodes` of
    /// its details): `-N`'s minimum, else the nodes `--ntasks-per-node` implies, else 1,
    /// not the nodes its CPUs will need (observed on 22.05, generated g00317: `-p A40-48
    /// -n 27` on two 16-CPU nodes, one drained, waits with Resources, not with "Nodes
    /// required for job are DOWN, DRAINED or reserved...").
    fn requested_min_nodes(job: &Job) -> usize {
        let req = job.resolved.request();
        let by_tasks = match (req.ntasks, req.ntasks_per_node) {
            (Some(n), Some(per)) if per > 0 => n.div_ceil(per),
            _ => 1,
        };
        req.nodes.map_or(by_tasks, |n| n.min).max(1) as usize
    }

    /// The main pass's tests of the nodes it has left before it asks for a job (in
    /// `_schedule()` and `select_nodes()`): fewer of its partition's nodes in service and
    /// not held back for blocked jobs than it needs nodes, and it waits for Resources
    /// with "Nodes required for job are DOWN, DRAINED or reserved for jobs in higher
    /// priority partitions", its partition blocked for the rest of the pass; a node of its
    /// `--nodelist` out of service or held back, and it waits with ReqNodeNotAvail naming
    /// those nodes, its listed nodes held back when they cover its node count. Whether it
    /// was settled so.
    fn unavailable_to(&mut self, entry: Entry, walk: &mut MainWalk) -> bool {
        let Some(job) = self.jobs.get(entry.job) else {
            return false;
        };
        let min_nodes = Self::requested_min_nodes(job);
        let out = |n: u32| {
            walk.unavail.contains(n)
                || self
                    .site
                    .cluster
                    .node_at(n as usize)
                    .is_some_and(|node| !node.is_schedulable())
        };
        let Some(nodes) = self.site.partition_nodes.get(entry.part) else {
            return false;
        };
        let blocks = walk.blocks.len();
        let available = match walk.available.get(entry.part).copied().flatten() {
            Some((at, count)) if at == blocks => count,
            _ => {
                let count = nodes.iter().filter(|&&n| !out(n)).count();
                if walk.available.len() <= entry.part {
                    walk.available.resize(entry.part + 1, None);
                }
                if let Some(slot) = walk.available.get_mut(entry.part) {
                    *slot = Some((blocks, count));
                }
                count
            }
        };
        if available < min_nodes {
            let block = nodes.clone();
            self.set_described(
                entry.job,
                PendingReason::Resources,
                RESERVED_ELSEWHERE.to_owned(),
            );
            self.mark_failed(walk, entry);
            self.block_nodes(walk, entry, &block);
            walk.to_block.extend(block);
            return true;
        }
        let listed = self.requested_nodes(entry.job);
        let mut missing: Vec<String> = listed
            .iter()
            .filter(|&&n| nodes.contains(&n) && out(n))
            .filter_map(|&n| {
                self.site
                    .cluster
                    .node_at(n as usize)
                    .map(|node| node.name.clone())
            })
            .collect();
        if missing.is_empty() {
            return false;
        }
        missing.sort();
        missing.dedup();
        let desc = format!(
            "ReqNodeNotAvail, UnavailableNodes:{}",
            crate::hostlist::compress(&missing)
        );
        let distinct = listed.iter().collect::<BTreeSet<_>>().len();
        self.set_described(entry.job, PendingReason::ReqNodeNotAvail, desc);
        if distinct >= min_nodes {
            self.block_nodes(walk, entry, &listed);
            walk.to_block.extend(listed);
        }
        true
    }

    /// Whether a job that cannot start now blocks what is behind it in the main pass: not
    /// if backfill would refuse it a reservation for its priority or its age.
    fn may_block(&self, id: JobId, now: Timestamp) -> bool {
        let (Some(job), Some(bf)) = (self.jobs.get(id), self.site.policy.backfill.as_ref()) else {
            return true;
        };
        let age = job.eligible.map_or(0, |e| now.0.saturating_sub(e.0));
        job.priority >= bf.min_prio_reserve && age >= bf.min_age_reserve.as_secs()
    }
}
