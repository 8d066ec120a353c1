//! One scheduling pass: time limits, eligibility (holds, begin times, dependencies), the
//! queue in Slurm's order, slurmctld's main pass, then backfill, then estimates (which,
//! without backfill, decide nothing and are planned only when asked for).

use super::Scheduler;
use super::arrays::ArrayGate;
use super::decision::{Decision, GresAllocation, NodeAllocation};
use super::estimate::Estimate;
use super::job::Job;
use super::policy::{Backfill, ReservationGranularity};
use super::queue::{QKey, Queue, Source};
use crate::dependency::DependencyStatus;
use crate::fast_hash::FastBuild;
use crate::gres::GresKey;
use crate::job_id::JobId;
use crate::job_state::{JobState, PendingReason};
use crate::memory::Memory;
use crate::partition::OverSubscribe;
use crate::planner::{CpuBudget, Demand, Hold, JobGpus, MemDemand, NodeIdx, Placement, Profile};
use crate::request::Exclusive;
use crate::resolve::{JobShape, ResolvedMemory};
use crate::time::{Duration, TimeLimit, Timestamp};
use crate::tres::Tres;
use indexmap::IndexMap;
use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet, BinaryHeap, HashMap, HashSet};
use std::hash::{Hash, Hasher};

/// How long backfill plans an UNLIMITED job for (Slurm uses one year).
const UNLIMITED_PLAN: Duration = Duration::from_secs(365 * 24 * 3600);

/// One queue record: a job (or an array's next pending task) in one partition.
#[derive(Debug, Clone, Copy)]
struct Entry {
    job: JobId,
    part: usize,
}

/// Per job shape (partition, demand), the earliest start the pass's profile still allows.
///
/// Within one backfill pass the profile only loses resources (jobs start, reservations are
/// made), so the earliest start of a given shape never moves earlier: the answer of the
/// last search (or the horizon it failed at) is a valid `not_before` for the next search
/// of the same shape, which then skips everything before it, or is answered at once when
/// the bound already reaches the horizon. Starting the search there returns exactly what a
/// search from `now` would (see [`Profile::earliest`]: a fit at the bound would have been
/// a fit at the last release before it).
#[derive(Default, Debug, Clone)]
struct StartBounds {
    /// Looked up with a borrowed [`ShapeRef`], so that a question about a shape already
    /// asked (most of a long queue) clones nothing.
    bound: IndexMap<ShapeKey, Timestamp, FastBuild>,
}

/// A shape as [`StartBounds`] keeps it: the partition and the demand, with the user in
/// `user` (0 when the user changes no answer) rather than in the demand.
#[derive(Debug, Clone)]
pub(crate) struct ShapeKey {
    pub(crate) part: usize,
    pub(crate) demand: Demand,
    pub(crate) user: u32,
}

/// The GRES name of the planner keys that carry MaxCPUsPerNode (see
/// [`Scheduler::cpu_budget_key`]).
pub(crate) const CPU_BUDGET: &str = "#maxcpus";

/// A [`ShapeKey`] borrowed from the question being asked.
struct ShapeRef<'d> {
    part: usize,
    demand: &'d Demand,
    user: u32,
}

impl ShapeRef<'_> {
    /// Every field of the demand except its user, which `user` stands for; destructured so
    /// that a field added to [`Demand`] cannot be forgotten here.
    #[allow(clippy::type_complexity)]
    fn fields(
        d: &Demand,
    ) -> (
        [u32; 6],
        &MemDemand,
        &[(crate::gres::GresKey, u64)],
        bool,
        bool,
        Duration,
        Option<&CpuBudget>,
        Option<&JobGpus>,
    ) {
        let Demand {
            min_nodes,
            max_nodes,
            req_nodes,
            total_cpus,
            min_cpus_per_node,
            cpus_per_task,
            mem,
            gres_per_node,
            whole_node,
            user: _,
            user_exclusive,
            duration,
            cpu_budget,
            gpus_per_job,
        } = d;
        (
            [
                *min_nodes,
                *max_nodes,
                *req_nodes,
                *total_cpus,
                *min_cpus_per_node,
                *cpus_per_task,
            ],
            mem,
            gres_per_node,
            *whole_node,
            *user_exclusive,
            *duration,
            cpu_budget.as_ref(),
            gpus_per_job.as_ref(),
        )
    }

    fn hash_into<H: Hasher>(&self, h: &mut H) {
        (self.part, self.user, Self::fields(self.demand)).hash(h);
    }

    fn same(&self, key: &ShapeKey) -> bool {
        self.part == key.part
            && self.user == key.user
            && Self::fields(self.demand) == Self::fields(&key.demand)
    }
}

impl Hash for ShapeKey {
    fn hash<H: Hasher>(&self, h: &mut H) {
        self.as_ref().hash_into(h);
    }
}

impl PartialEq for ShapeKey {
    fn eq(&self, other: &Self) -> bool {
        other.as_ref().same(self)
    }
}

impl Eq for ShapeKey {}

impl ShapeKey {
    fn as_ref(&self) -> ShapeRef<'_> {
        ShapeRef {
            part: self.part,
            demand: &self.demand,
            user: self.user,
        }
    }
}

impl Hash for ShapeRef<'_> {
    fn hash<H: Hasher>(&self, h: &mut H) {
        self.hash_into(h);
    }
}

impl indexmap::Equivalent<ShapeKey> for ShapeRef<'_> {
    fn equivalent(&self, key: &ShapeKey) -> bool {
        self.same(key)
    }
}

impl StartBounds {
    /// [`Profile::earliest`] from `now`, pruned by the bound of the shape. `candidates`
    /// are the job's nodes in partition `part`: the whole partition (the planner group
    /// `part`, a shape shared by every such job), or a narrowed list (asked directly).
    fn earliest(
        &mut self,
        profile: &Profile,
        part: usize,
        demand: &Demand,
        candidates: &JobNodes,
        now: Timestamp,
        horizon: Option<Timestamp>,
    ) -> Option<Placement> {
        if !matches!(candidates, JobNodes::Partition) {
            return ask(profile, part, demand, candidates, now, horizon);
        }
        // The user changes no answer while nothing user-exclusive is involved.
        let user = if demand.user_exclusive || profile.has_user_exclusive() {
            demand.user
        } else {
            0
        };
        let key = ShapeRef { part, demand, user };
        let limit = horizon.unwrap_or(Timestamp(u64::MAX));
        let slot = self.bound.get_index_of(&key);
        let from = slot
            .and_then(|i| self.bound.get_index(i))
            .map_or(now, |(_, &t)| t)
            .max(now);
        if from >= limit {
            return None;
        }
        let got = ask(profile, part, demand, candidates, from, horizon);
        let reached = got.as_ref().map_or(limit, |p| p.start);
        match slot.and_then(|i| self.bound.get_index_mut(i)) {
            Some((_, t)) => *t = reached,
            None => {
                self.bound.insert(
                    ShapeKey {
                        part,
                        demand: demand.clone(),
                        user,
                    },
                    reached,
                );
            }
        }
        got
    }
}

/// [`Profile::earliest`] for a job's candidates in partition `part`: through the
/// partition's planner group when they are the whole partition, else directly, with the
/// job's required nodes if it has any.
fn ask(
    profile: &Profile,
    part: usize,
    demand: &Demand,
    candidates: &JobNodes,
    from: Timestamp,
    horizon: Option<Timestamp>,
) -> Option<Placement> {
    match candidates {
        JobNodes::Partition => profile.earliest_in(demand, part, from, horizon),
        JobNodes::Narrowed(list) => profile.earliest(demand, list, from, horizon),
        JobNodes::Required { nodes, required } => {
            profile.earliest_with_required(demand, nodes, required, from, horizon)
        }
    }
}

/// The nodes a job may use in a partition.
pub(crate) enum JobNodes {
    /// All of the partition's nodes (its planner group).
    Partition,
    /// Only these (features, `--exclude`, `--nodelist` narrow them).
    Narrowed(Vec<NodeIdx>),
    /// These (the partition's nodes, minus features and `--exclude`), with every node of
    /// `required` in the allocation: a `--nodelist` naming fewer nodes than the job asks
    /// for (sbatch.1: "additional resources will be allocated on other nodes as needed").
    Required {
        nodes: Vec<NodeIdx>,
        required: Vec<NodeIdx>,
    },
}

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

/// The description slurmctld's main scheduler gives a job whose partition has fewer nodes
/// left than it needs (`_schedule()`).
const RESERVED_ELSEWHERE: &str =
    "Nodes required for job are DOWN, DRAINED or reserved for jobs in higher priority partitions";

/// Reasons and plans gathered during a pass.
#[derive(Default, Debug)]
struct PassState {
    /// Jobs started, planned or otherwise settled this pass.
    handled: HashSet<JobId, FastBuild>,
    /// Partitions in which a job has already been found blocked (later ones: Priority).
    blocked_parts: BTreeSet<usize>,
    /// What the pass found for each job it could not start, when there is something to
    /// keep (see [`Scheduler::note_blocked`]); [`Estimate`]s are built from it when asked.
    planned: HashMap<JobId, Planned, FastBuild>,
    /// The main pass gave the queued jobs their reasons: backfill leaves them.
    main_reasons: bool,
}

/// A blocked job's plan, as the pass found it.
#[derive(Debug, Clone)]
pub(crate) struct Planned {
    part: usize,
    start: Option<Timestamp>,
    nodes: Vec<NodeIdx>,
}

/// A walk cursor's next record: (PriorityTier, highest first), its key, its partition,
/// and what the cursor follows.
type Head = (Reverse<u16>, QKey, usize, Source);

/// What the backfill pass did with one queue record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Visit {
    /// Passed over, started, planned with a start, or stopped by the pass's limits.
    Other,
    /// Asked only "can you start now?" and could not.
    NotNow,
}

/// What the backfill pass counts and caches from one record to the next.
#[derive(Debug, Clone)]
struct BackfillWalk {
    horizon: Option<Timestamp>,
    tested: u32,
    per_user: BTreeMap<u32, u32>,
    per_part: BTreeMap<usize, u32>,
    reserved_per_part: BTreeMap<usize, u32>,
    /// Jobs given a plan (or found unable to start) this pass.
    planned: HashSet<JobId, FastBuild>,
    /// The records (job, partition) done this pass, for jobs of several partitions
    /// planned record by record (without `bf_one_resv_per_job`).
    planned_records: HashSet<(JobId, usize), FastBuild>,
    /// The earliest planned start of each such job so far this pass.
    record_starts: HashMap<JobId, Timestamp, FastBuild>,
    bounds: StartBounds,
    /// (profile version, partition, its free CPUs now), recomputed when either changes.
    free_now: (u64, usize, u64),
    /// `bf_max_job_test` reached: the pass stops.
    done: bool,
    /// A job started after a reservation was made. A pass from scratch then plans that
    /// reservation with the job already running, which can change the nodes it picks
    /// (best fit): the walk can no longer be gone on from.
    started_behind_reservation: bool,
    /// A search up to the `bf_window` horizon found nothing: a later pass, whose horizon
    /// is later, may find something (see [`Scheduler::next_clock_change`]).
    cut_by_horizon: bool,
    /// The plan as the running jobs alone make it, from which the nodes of a
    /// reservation are picked (see [`Scheduler::will_run_placement`]); Slurm's preset
    /// only.
    running: Option<Box<Profile>>,
}

/// A backfill pass kept for the next one (see [`Scheduler::continue_pass`]).
#[derive(Debug, Clone)]
pub(crate) struct KeptPass {
    /// When it ran (or was last continued).
    at: Timestamp,
    walk: BackfillWalk,
    handled: HashSet<JobId, FastBuild>,
    blocked_parts: BTreeSet<usize>,
    /// The last record it walked, in the pass's order.
    last: Option<(Reverse<u16>, QKey)>,
}

impl BackfillWalk {
    fn new(now: Timestamp, bf: &Backfill) -> Self {
        BackfillWalk {
            // Slurm's plan ends at `window_end`, floored to bf_resolution; a job must
            // start before it (`_attempt_backfill()`).
            horizon: bf.window.map(|w| {
                let end = now.saturating_add(w).0;
                let res = bf.resolution.as_secs().max(1);
                Timestamp(end / res * res)
            }),
            tested: 0,
            per_user: BTreeMap::new(),
            per_part: BTreeMap::new(),
            reserved_per_part: BTreeMap::new(),
            planned: HashSet::default(),
            planned_records: HashSet::default(),
            record_starts: HashMap::default(),
            bounds: StartBounds::default(),
            free_now: (u64::MAX, usize::MAX, 0),
            done: false,
            started_behind_reservation: false,
            cut_by_horizon: false,
            running: None,
        }
    }

    fn free_cpus_now(&mut self, profile: &Profile, part: usize) -> u64 {
        if self.free_now.0 != profile.version() || self.free_now.1 != part {
            self.free_now = (profile.version(), part, profile.free_cpus_now(part));
        }
        self.free_now.2
    }

    /// Whether partition `part` has given all the reservations it may.
    fn part_full(&self, bf: &Backfill, part: usize) -> bool {
        bf.part_count_reserve
            .is_some_and(|m| self.reserved_per_part.get(&part).copied().unwrap_or(0) >= m)
    }
}

impl Scheduler {
    /// Runs one scheduling pass at `now` and returns what the host must do: jobs to start
    /// (with their allocations), running jobs that reached their time limit (now TIMEOUT),
    /// pending jobs ended because they can never run.
    pub fn schedule(&mut self, now: Timestamp) -> Vec<Decision> {
        let mut decisions = Vec::new();
        self.enforce_time_limits(now, &mut decisions);
        self.update_pending(now, &mut decisions);
        if !self.reuse_plan {
            self.rebuild_queue();
        }
        if !self.continue_pass(now, &mut decisions) {
            self.full_pass(now, &mut decisions);
        }
        self.arrivals.clear();
        self.queue_left = false;
        self.last_schedule = Some(now);
        decisions
    }

    /// Runs slurmctld's backfill alone at `now`, without its main scheduler, as
    /// slurmctld's backfill thread does between two main passes (with `bf_interval` and
    /// `sched_interval`, the two run on their own timers): what [`Scheduler::schedule`]
    /// does under a policy without a main pass. Reasons the main pass gave stay for it
    /// to settle; under a policy without backfill this is [`Scheduler::schedule`].
    ///
    /// ```
    /// use hpcsched::{Cluster, Scheduler, Timestamp};
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let cluster = Cluster::from_slurm_conf(
    ///     "NodeName=n[1-2] CPUs=4\nPartitionName=p Nodes=n[1-2] Default=YES\n",
    /// )?;
    /// let mut s = Scheduler::new(cluster);
    /// let req = hpcsched::sbatch::parse_args(&["-N2", "-t", "10"])?;
    /// s.submit(&req, "alice", Timestamp(0))?;
    /// assert_eq!(s.schedule_backfill(Timestamp(0)).len(), 1);
    /// # Ok(())
    /// # }
    /// ```
    pub fn schedule_backfill(&mut self, now: Timestamp) -> Vec<Decision> {
        self.backfill_only = self.policy.backfill.is_some();
        let decisions = self.schedule(now);
        self.backfill_only = false;
        decisions
    }

    /// A whole pass over the queue.
    fn full_pass(&mut self, now: Timestamp, decisions: &mut Vec<Decision>) {
        self.kept_pass = None;
        self.sharing_changed = false;
        let main = self.policy.main_pass && !self.backfill_only;
        // A backfill-only pass under a policy with a main pass leaves the jobs the main
        // pass must settle to the next one.
        let unsettled = if main || !self.policy.main_pass {
            Some(std::mem::take(&mut self.unsettled))
        } else {
            None
        };
        let mut state = PassState {
            main_reasons: self.policy.main_pass,
            ..PassState::default()
        };
        let mut profile = self.pass_profile(now);
        let mut walked = None;
        let mut unsettled = unsettled;
        if main {
            let queue = self.main_pass(now, unsettled.take(), &mut state, decisions, &mut profile);
            // Backfill starts from the running jobs alone, without the main pass's blocks.
            let restored = profile.undo_touched();
            let again = self.started_on(&restored);
            self.rebuild_nodes(&mut profile, again, now);
            walked = Some(queue);
        }
        match self.policy.backfill.clone() {
            Some(bf) => {
                let mut walk = BackfillWalk::new(now, &bf);
                if self.policy.main_pass {
                    walk.running = Some(Box::new(profile.clone()));
                }
                if self.backfill_pass(now, &bf, &mut walk, &mut state, decisions, &mut profile)
                    && !state.main_reasons
                    && let Some(unsettled) = unsettled
                {
                    self.settle_skipped(unsettled, &walk.planned, &state);
                }
                self.horizon_cut = Self::horizon_cut(&walk, &profile);
                if self.reuse_plan && Self::continuable(&self.policy) {
                    self.kept_pass = Some(Box::new(KeptPass {
                        at: now,
                        walk,
                        handled: std::mem::take(&mut state.handled),
                        blocked_parts: std::mem::take(&mut state.blocked_parts),
                        last: self.queue.last(),
                    }));
                }
            }
            None => {
                self.horizon_cut = false;
                // The queue as it is now, less the jobs behind a blocked one that the main
                // pass did not walk (they wait for Priority already): the main pass's
                // records, less the jobs it started.
                let queue = match &walked {
                    Some(queue) => {
                        let mut queue = queue.clone();
                        queue.retain(|e| self.jobs.get(&e.job).is_some_and(|j| j.queued.is_some()));
                        queue
                    }
                    None => self.queue_entries(),
                };
                self.fifo_reasons(now, &queue, &mut state, &profile);
            }
        }
        if let Some(walked) = walked {
            // The main pass walks only the jobs it must next time too: the ones it walked
            // now that wait for something else than Priority are settled then if it does
            // not walk them.
            for entry in walked {
                if self
                    .jobs
                    .get(&entry.job)
                    .is_some_and(|j| j.queued.is_some() && j.reason != PendingReason::Priority)
                {
                    self.unsettled.push(entry.job);
                }
            }
        }
        if self.reuse_plan {
            self.plan = Some(profile);
        }
        self.finish_estimates(state);
    }

    /// Whether a policy lets a pass go on from the last one when only new jobs came: its
    /// answers must not depend on the clock otherwise (no window, no age to reserve, no
    /// rounding to a resolution, no main pass) nor on how many jobs were asked.
    fn continuable(policy: &super::Policy) -> bool {
        !policy.main_pass
            && policy.backfill.as_ref().is_some_and(|bf| {
                bf.window.is_none()
                    && bf.resolution.as_secs() <= 1
                    && bf.min_age_reserve.as_secs() == 0
                    && bf.max_job_test.is_none()
                    && bf.max_job_user.is_none()
                    && bf.max_job_part.is_none()
            })
    }

    /// Goes on from the last pass when nothing but new jobs came since: no job ended,
    /// started (in the pass, after a reservation) or changed, no node changed, no job left the queue, no running job reached
    /// its planned end, and every new record comes after every record the last pass
    /// walked. A pass from scratch would then walk the old records to the same outcome:
    /// the plan is the same from the last pass's instant to the next planned end (no
    /// release, hence no reservation start, in between), so a job that could not start
    /// then cannot start now, and a planned start is the same. Only the new records are
    /// walked, against the last pass's plan and counts. Returns whether it did.
    fn continue_pass(&mut self, now: Timestamp, decisions: &mut Vec<Decision>) -> bool {
        if !self.reuse_plan
            || !self.continuation
            || self.queue_left
            || self.sharing_changed
            || !self.plan_dirty.is_empty()
            || self.plan.is_none()
        {
            return false;
        }
        let Some(kept) = self.kept_pass.as_ref() else {
            return false;
        };
        if now < kept.at
            || kept.walk.started_behind_reservation
            || self
                .running_ends
                .first()
                .is_some_and(|&(t, _)| t.0 <= now.0.saturating_add(1))
        {
            return false;
        }
        let mut records: Vec<(Reverse<u16>, QKey, usize)> = Vec::new();
        for &id in &self.arrivals {
            records.extend(self.queue_records(id));
        }
        records.sort_unstable();
        records.dedup();
        if let (Some(first), Some(last)) = (records.first(), kept.last)
            && (first.0, first.1) <= last
        {
            return false;
        }
        let (Some(mut kept), Some(mut profile), Some(bf)) = (
            self.kept_pass.take(),
            self.plan.take(),
            self.policy.backfill.clone(),
        ) else {
            return false;
        };
        profile.set_now(now);
        let mut state = PassState {
            handled: std::mem::take(&mut kept.handled),
            blocked_parts: std::mem::take(&mut kept.blocked_parts),
            planned: std::mem::take(&mut self.planned),
            main_reasons: false,
        };
        for &(_, key, part) in &records {
            let entry = Entry {
                job: key.job(),
                part,
            };
            self.backfill_entry(
                now,
                entry,
                &bf,
                &mut kept.walk,
                &mut state,
                decisions,
                &mut profile,
            );
        }
        self.horizon_cut = Self::horizon_cut(&kept.walk, &profile);
        kept.at = now;
        kept.last = self.queue.last().max(kept.last);
        kept.handled = std::mem::take(&mut state.handled);
        kept.blocked_parts = std::mem::take(&mut state.blocked_parts);
        self.kept_pass = Some(kept);
        self.plan = Some(profile);
        self.finish_estimates(state);
        true
    }

    /// Whether a backfill walk's horizon hid a start that a later horizon may show: a
    /// search up to it found nothing while the plan still changes at or after it. When
    /// the plan changes only before the horizon, a job found nowhere before it fits
    /// nowhere ever (a start is always where something ends, or now).
    fn horizon_cut(walk: &BackfillWalk, profile: &Profile) -> bool {
        walk.cut_by_horizon && walk.horizon.is_some_and(|h| profile.last_change() >= h)
    }

    /// The first instant from which a pass could decide otherwise than the last one did
    /// when nothing happens in between (no job is submitted, ends, is changed or
    /// cancelled, no node or partition changes, and no instant of
    /// [`Scheduler::next_change_time`] comes); `None` when no such instant will come.
    /// Only the clock then moves, and it changes a decision only through:
    /// - a running job past its planned end (not ended at its limit, `OverTimeLimit`): the
    ///   plan holds its nodes until one second after each pass (from the next second on);
    /// - the age factor of multifactor priorities, until PriorityMaxAge (next second);
    /// - `bf_min_age_reserve`: when the next queued job reaches that age;
    /// - a `--deadline`: when a pending job can no longer finish in time, and is ended;
    /// - the `bf_window` horizon, while it hides a start that a later horizon may show
    ///   (next second).
    ///
    /// Otherwise every resource is released at an instant the host already calls back
    /// at, and a pass at any later instant decides what the last one did: a host such as
    /// the simulator needs no periodic pass (`bf_interval`) before this instant.
    ///
    /// ```
    /// use hpcsched::{Cluster, Scheduler, Timestamp};
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let cluster = Cluster::from_slurm_conf(
    ///     "SchedulerParameters=bf_interval=30,bf_min_age_reserve=600\n\
    ///      NodeName=n1 CPUs=1\nPartitionName=p Nodes=n1 Default=YES\n",
    /// )?;
    /// let mut s = Scheduler::new(cluster);
    /// s.submit(&hpcsched::sbatch::parse_args(&["-n1", "-t", "10"])?, "alice", Timestamp(0))?;
    /// // Held: nothing but a release can start it, however long one waits.
    /// let held = s.submit(&hpcsched::sbatch::parse_args(&["-n1", "-t", "10", "-H"])?, "alice", Timestamp(0))?;
    /// s.schedule(Timestamp(0));
    /// assert_eq!(s.pending_jobs(), 1);
    /// assert_eq!(s.next_clock_change(), None);
    /// // Released, it waits; from 610 on, it is old enough to hold a reservation.
    /// s.release(held)?;
    /// s.schedule(Timestamp(10));
    /// assert_eq!(s.next_clock_change(), Some(Timestamp(610)));
    /// # Ok(())
    /// # }
    /// ```
    #[must_use]
    pub fn next_clock_change(&self) -> Option<Timestamp> {
        let now = self.last_schedule?;
        if self.pending_after_pass == 0 {
            return None;
        }
        let soon = Timestamp(now.0.saturating_add(1));
        if self.horizon_cut
            || self
                .running_ends
                .first()
                .is_some_and(|&(end, _)| end <= now)
        {
            return Some(soon);
        }
        let mut next: Option<Timestamp> = None;
        let mut consider = |t: Timestamp| {
            let t = t.max(soon);
            next = Some(next.map_or(t, |n| n.min(t)));
        };
        let min_age = self
            .policy
            .backfill
            .as_ref()
            .map_or(0, |b| b.min_age_reserve.as_secs());
        let weights = match &self.priority_type {
            crate::priority::PriorityType::Multifactor(w) if w.age > 0 => Some(w),
            _ => None,
        };
        if min_age > 0 || weights.is_some() {
            for job in self
                .pending
                .iter()
                .filter_map(|id| self.jobs.get(id))
                .filter(|job| job.queued.is_some())
            {
                if let Some(eligible) = job.eligible
                    && now.0.saturating_sub(eligible.0) < min_age
                {
                    consider(Timestamp(eligible.0.saturating_add(min_age)));
                }
                if weights.is_some_and(|w| {
                    job.hold.is_none()
                        && job.resolved.request().priority.is_none()
                        && crate::priority::age_grows(w, job.submit, job.eligible, now)
                }) {
                    return Some(soon);
                }
            }
        }
        // Deadlines (only watched jobs have one): a pending job is ended at the first pass
        // at which its time limit no longer fits before its deadline.
        for id in &self.watch {
            let Some(job) = self.jobs.get(id) else {
                continue;
            };
            let Some(deadline) = job.resolved.request().deadline.as_ref() else {
                continue;
            };
            if job.state != JobState::Pending {
                continue;
            }
            let deadline = deadline.resolve(job.submit);
            consider(match job.time_limit {
                TimeLimit::Limited(d) => {
                    Timestamp(deadline.0.saturating_sub(d.as_secs()).saturating_add(1))
                }
                TimeLimit::Unlimited => soon,
            });
        }
        next
    }

    /// When the host must call [`Scheduler::schedule`] again at the latest: the next time
    /// limit, `--begin` time, dependency delay, planned start, or backfill interval.
    #[must_use]
    pub fn next_event_time(&self, now: Timestamp) -> Option<Timestamp> {
        let tick = match (
            self.last_schedule,
            self.policy.backfill.as_ref().and_then(|b| b.interval),
        ) {
            (Some(last), Some(interval)) => {
                Some(last.saturating_add(interval)).filter(|&t| t > now)
            }
            _ => None,
        };
        let planned = self
            .plans()
            .values()
            .filter_map(|p| p.start)
            .filter(|&t| t > now)
            .min();
        [self.next_change_time(now), tick, planned]
            .into_iter()
            .flatten()
            .min()
    }

    /// The next instant after `now` at which the clock alone changes something: a time
    /// limit running out (the job's planned end, and its end as TIMEOUT after
    /// `OverTimeLimit`), a `--begin` time, a dependency delay.
    /// Unlike [`Scheduler::next_event_time`] it leaves out the periodic backfill tick and
    /// the planned starts: a job is planned to start where resources are released, which
    /// happens only when a job ends (reported by the host) or reaches its limit (listed
    /// here), so a host that calls [`Scheduler::schedule`] whenever jobs are submitted or
    /// end, and at these instants, sees every start (slurmctld, too, skips a periodic pass
    /// when nothing changed). A job past its limit that is not ended (`OverTimeLimit`)
    /// is planned to free its nodes one second after each pass; calling back then only
    /// moves that guess.
    ///
    /// ```
    /// use hpcsched::{Cluster, Scheduler, Timestamp};
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let cluster = Cluster::from_slurm_conf(
    ///     "SchedulerParameters=bf_interval=30\nNodeName=n1 CPUs=1\nPartitionName=p Nodes=n1 Default=YES\n",
    /// )?;
    /// let mut s = Scheduler::new(cluster);
    /// let args = hpcsched::sbatch::parse_args(&["-n1", "-t", "10"])?;
    /// s.submit(&args, "alice", Timestamp(0))?;
    /// s.schedule(Timestamp(0));
    /// assert_eq!(s.next_event_time(Timestamp(0)), Some(Timestamp(30)));
    /// assert_eq!(s.next_change_time(Timestamp(0)), Some(Timestamp(600)));
    /// # Ok(())
    /// # }
    /// ```
    #[must_use]
    pub fn next_change_time(&self, now: Timestamp) -> Option<Timestamp> {
        let mut next: Option<Timestamp> = None;
        let mut consider = |t: Timestamp| {
            if t > now {
                next = Some(next.map_or(t, |n| n.min(t)));
            }
        };
        let after = (Timestamp(now.0.saturating_add(1)), JobId(0));
        // The next TIMEOUT, and the next planned end (past it, with OverTimeLimit, the plan
        // stops counting on the job's end).
        for set in [&self.kill_times, &self.running_ends] {
            if let Some(&(t, _)) = set.range(after..).next() {
                consider(t);
            }
        }
        // Begin times and dependencies: only watched jobs have them.
        for &id in &self.watch {
            let Some(job) = self.jobs.get(&id) else {
                continue;
            };
            if job.state != JobState::Pending {
                continue;
            }
            if let Some(begin) = &job.resolved.request().begin {
                consider(begin.resolve(job.submit));
            }
            if let Some(t) = self.dependency_next_change(job.id, now) {
                consider(t);
            }
        }
        next
    }

    /// `OverTimeLimit` of a job running in `partition`: the partition's, else the
    /// cluster's (slurm.conf.5: "partition-specific value overrides the global").
    pub(crate) fn over_time_limit_in(&self, partition: Option<&str>) -> TimeLimit {
        partition
            .and_then(|p| self.cluster.partition(p))
            .and_then(|p| p.over_time_limit)
            .unwrap_or(self.cluster.config().over_time_limit)
    }

    /// When a running job is ended as TIMEOUT: its time limit plus `OverTimeLimit` (its
    /// partition's, else the cluster's) after its start; `None` when either is UNLIMITED.
    pub(crate) fn kill_time(&self, job: &Job) -> Option<Timestamp> {
        let over = match self.over_time_limit_in(job.partition()) {
            TimeLimit::Limited(d) => d,
            TimeLimit::Unlimited => return None,
        };
        match (job.start, job.time_limit) {
            (Some(start), TimeLimit::Limited(d)) => {
                Some(start.saturating_add(d).saturating_add(over))
            }
            _ => None,
        }
    }

    fn enforce_time_limits(&mut self, now: Timestamp, decisions: &mut Vec<Decision>) {
        let mut expired: Vec<(JobId, Timestamp)> = self
            .kill_times
            .iter()
            .take_while(|&&(t, _)| t <= now)
            .map(|&(t, id)| (id, t))
            .collect();
        // In submission order (ids grow with submission; a task's id with its start).
        expired.sort_unstable();
        for (id, end) in expired {
            if self
                .end_running(id, end, JobState::Timeout, Some(0), "time out")
                .is_ok()
            {
                decisions.push(Decision::Stop {
                    job: id,
                    state: JobState::Timeout,
                });
            }
        }
    }

    /// Holds, begin times, dependencies, partition state and limits: sets each pending
    /// job's reason and eligible time, and ends jobs that can never run.
    fn update_pending(&mut self, now: Timestamp, decisions: &mut Vec<Decision>) {
        let kill_default = self
            .cluster
            .config()
            .dependency_params()
            .kill_invalid_depend;
        // Only watched jobs can change here: the others are eligible, and stay so until
        // they start or are changed (which watches them again). In submission order.
        let mut ids: Vec<JobId> = self.watch.iter().copied().collect();
        ids.sort_unstable();
        for &id in &ids {
            self.update_one_pending(id, now, kill_default, decisions);
            self.sync_queue(id);
            // A queued job whose reason may not be Priority: a main pass that does not
            // walk it settles it.
            if self
                .jobs
                .get(&id)
                .is_some_and(|j| j.queued.is_some() && j.reason != PendingReason::Priority)
            {
                self.unsettled.push(id);
            }
        }
        // The jobs that no longer need watching leave in one sweep.
        let mut watch = std::mem::take(&mut self.watch);
        watch.retain(|&id| self.needs_watch(id, now));
        self.watch = watch;
        self.update_priorities(now);
    }

    /// [`Self::update_pending`] for one job.
    fn update_one_pending(
        &mut self,
        id: JobId,
        now: Timestamp,
        kill_default: bool,
        decisions: &mut Vec<Decision>,
    ) {
        {
            if self
                .jobs
                .get(&id)
                .is_none_or(|j| j.state != JobState::Pending)
            {
                return;
            }
            let dep_status = self.update_dependency(id, now);
            let Some(job) = self.jobs.get(&id) else {
                return;
            };
            let request = job.resolved.request();
            let begin = request.begin.as_ref().map(|b| b.resolve(job.submit));
            let deadline = request.deadline.as_ref().map(|d| d.resolve(job.submit));
            let kill = request.kill_on_invalid_dep.unwrap_or(kill_default);
            // Set only when the job can run in none of its partitions (a limit, a DOWN
            // partition, a QOS limit in each), with the last one's reason, as slurmctld's
            // `build_job_queue()` leaves it (observed on 22.05). The reasons found at
            // submit hold until a partition changes state, which resolves the job again
            // (`Scheduler::set_partition_state`). ReqNodeNotAvail is tested anew: a node
            // named with --nodelist may have come back, or gone away, since the job was
            // submitted.
            let limit_reason = match job.resolved.pending_reason() {
                Some(PendingReason::ReqNodeNotAvail) | None
                    if request.nodelist.iter().any(|n| self.out_of_service(n)) =>
                {
                    Some(PendingReason::ReqNodeNotAvail)
                }
                Some(PendingReason::ReqNodeNotAvail) => None,
                other => other,
            };
            let time_limit = job.time_limit;
            let held = job.hold;
            let mut end_with: Option<(JobState, &'static str)> = None;
            let reason = if let Some(h) = held {
                Some(match h {
                    super::HoldKind::User => PendingReason::JobHeldUser,
                    super::HoldKind::Admin => PendingReason::JobHeldAdmin,
                })
            } else if begin.is_some_and(|b| b > now) {
                Some(PendingReason::BeginTime)
            } else {
                match dep_status {
                    DependencyStatus::Waiting => Some(PendingReason::Dependency),
                    DependencyStatus::Never => {
                        if kill {
                            end_with = Some((JobState::Cancelled, "DependencyNeverSatisfied"));
                        }
                        Some(PendingReason::DependencyNeverSatisfied)
                    }
                    DependencyStatus::Satisfied => limit_reason,
                }
            };
            if end_with.is_none()
                && let Some(deadline) = deadline
            {
                let needed = match time_limit {
                    TimeLimit::Limited(d) => now.saturating_add(d),
                    TimeLimit::Unlimited => Timestamp(u64::MAX),
                };
                if needed > deadline {
                    end_with = Some((JobState::Deadline, "DeadLine"));
                }
            }
            if end_with.is_some() {
                self.forget_array(id);
                self.dequeue(id);
                self.pending.swap_remove(&id);
            }
            let Some(job) = self.jobs.get_mut(&id) else {
                return;
            };
            if let Some((state, why)) = end_with {
                job.state = state;
                job.end = Some(now);
                job.reason = PendingReason::None;
                job.desc = None;
                self.finished.push_back((now, id));
                decisions.push(Decision::End {
                    job: id,
                    state,
                    reason: why.to_owned(),
                });
                return;
            }
            match reason {
                Some(r) => {
                    job.reason = r;
                    job.desc = None;
                    // Age does not accrue while held, waiting on a dependency or a begin time.
                    job.eligible = None;
                }
                None => {
                    if job.eligible.is_none() {
                        job.eligible = Some(now);
                    }
                    if matches!(
                        job.reason,
                        PendingReason::JobHeldUser
                            | PendingReason::JobHeldAdmin
                            | PendingReason::BeginTime
                            | PendingReason::Dependency
                            | PendingReason::PartitionDown
                            | PendingReason::PartitionInactive
                    ) {
                        job.reason = PendingReason::None;
                        job.desc = None;
                    }
                }
            }
        }
    }

    fn is_eligible(job: &Job) -> bool {
        job.state == JobState::Pending && job.eligible.is_some()
    }

    /// Every queue record in the pass's order (see [`super::queue::Queue::ordered`]).
    fn queue_entries(&self) -> Vec<Entry> {
        self.queue
            .ordered()
            .into_iter()
            .map(|(part, key)| Entry {
                job: key.job(),
                part,
            })
            .collect()
    }

    /// Where the plan has a running job end: its start plus its time limit (an UNLIMITED
    /// one is planned for a year).
    pub(crate) fn planned_end(job: &Job) -> Timestamp {
        match (job.start, job.time_limit) {
            (Some(s), TimeLimit::Limited(d)) => s.saturating_add(d),
            (Some(s), TimeLimit::Unlimited) => s.saturating_add(UNLIMITED_PLAN),
            _ => Timestamp(0),
        }
    }

    /// A running job's planned end changed (its time limit did): its nodes are planned
    /// again at the next pass.
    pub(crate) fn plan_running_job(&mut self, id: JobId) {
        let Some(job) = self.jobs.get(&id) else {
            return;
        };
        let end = Self::planned_end(job);
        self.plan_dirty.extend(job.alloc_nodes.iter());
        self.planned_ends.push(Reverse((end, id)));
    }

    /// The profile a pass starts from: the plan kept from the last pass, brought to `now`
    /// (the last pass's reservations and blocks undone, and every node whose running jobs
    /// changed since, or on which a job is past its planned end, planned again), or, the
    /// first time, a profile built from scratch. Either is the profile
    /// [`Self::build_profile`] would build at `now`, node for node.
    fn pass_profile(&mut self, now: Timestamp) -> Profile {
        let Some(mut profile) = self.plan.take() else {
            self.plan_dirty.clear();
            self.overdue.clear();
            self.started_nodes.clear();
            let mut profile = self.build_profile(now);
            // Running jobs already past their planned end are held to `now + 1` by the
            // profile just built; the heap brings them back below.
            self.collect_overdue(now);
            profile.track_changes(true);
            return profile;
        };
        profile.set_now(now);
        // The last pass's reservations and blocks, undone; a node on which a job started
        // after it was touched lost that job too, and is planned again.
        let restored = profile.undo_touched();
        let mut nodes = self.started_on(&restored);
        self.started_nodes.clear();
        nodes.append(&mut self.plan_dirty);
        self.collect_overdue(now);
        for id in &self.overdue {
            if let Some(job) = self.jobs.get(id) {
                nodes.extend(job.alloc_nodes.iter());
            }
        }
        self.rebuild_nodes(&mut profile, nodes, now);
        profile
    }

    /// The nodes of `restored` on which a job started in this pass or the last.
    fn started_on(&self, restored: &[NodeIdx]) -> Vec<NodeIdx> {
        if self.started_nodes.is_empty() {
            return Vec::new();
        }
        let started: BTreeSet<u32> = self.started_nodes.iter().copied().collect();
        restored
            .iter()
            .copied()
            .filter(|n| started.contains(n))
            .collect()
    }

    /// Moves the running jobs whose planned end is at most `now + 1` (so that the plan
    /// must hold their nodes until `now + 1`, pass after pass) from `planned_ends` to
    /// `overdue`, and drops the ones that no longer run.
    fn collect_overdue(&mut self, now: Timestamp) {
        let limit = Timestamp(now.0.saturating_add(1));
        while let Some(&Reverse((end, id))) = self.planned_ends.peek() {
            if end > limit {
                break;
            }
            self.planned_ends.pop();
            if self
                .jobs
                .get(&id)
                .is_some_and(|j| j.state == JobState::Running && Self::planned_end(j) == end)
                && !self.overdue.contains(&id)
            {
                self.overdue.push(id);
            }
        }
        let jobs = &self.jobs;
        self.overdue.retain(|id| {
            jobs.get(id)
                .is_some_and(|j| j.state == JobState::Running && Self::planned_end(j) <= limit)
        });
    }

    /// Plans `nodes` again from scratch at `now`: free, blocked if out of service, with
    /// the running jobs they hold.
    fn rebuild_nodes(&self, profile: &mut Profile, mut nodes: Vec<NodeIdx>, now: Timestamp) {
        if nodes.is_empty() {
            return;
        }
        nodes.sort_unstable();
        nodes.dedup();
        profile.track_changes(false);
        profile.reset_nodes(&nodes);
        let hold_until = Timestamp(now.0.saturating_add(1));
        for &n in &nodes {
            let Some(node) = self.cluster.node_at(n as usize) else {
                continue;
            };
            if !node.is_schedulable() {
                profile.block(n);
                continue;
            }
            let Some(rt) = self.nodes.get(n as usize) else {
                continue;
            };
            for id in &rt.jobs {
                let Some(job) = self.jobs.get(id) else {
                    continue;
                };
                let Some(alloc) = job
                    .alloc_nodes
                    .iter()
                    .position(|&a| a == n)
                    .and_then(|i| job.allocation.get(i))
                else {
                    continue;
                };
                profile.add_running(
                    n,
                    &self.profile_usage(job, alloc),
                    Self::planned_end(job).max(hold_until),
                    job.user_idx,
                    self.running_user_exclusive(job),
                );
            }
        }
        profile.track_changes(true);
    }

    /// The profile of one pass: every running job's allocation until its time limit,
    /// unusable nodes blocked.
    fn build_profile(&self, now: Timestamp) -> Profile {
        let capacity = (0..self.nodes.len())
            .map(|n| self.profile_capacity(n))
            .collect();
        let weight = self.cluster.nodes().map(|n| n.weight).collect();
        let mut profile = Profile::new(now, capacity, weight);
        // Group `i` is partition `i`: questions about a whole partition use its indexes.
        for nodes in &self.partition_nodes {
            profile.add_group(nodes);
        }
        for (i, node) in self.cluster.nodes().enumerate() {
            if !node.is_schedulable() {
                profile.block(i as NodeIdx);
            }
        }
        for job in self.jobs.values().filter(|j| j.state == JobState::Running) {
            // A job past its limit (the host has not stopped it yet) still holds its nodes.
            let end = Self::planned_end(job).max(Timestamp(now.0.saturating_add(1)));
            for (alloc, &idx) in job.allocation.iter().zip(job.alloc_nodes.iter()) {
                let used = self.profile_usage(job, alloc);
                profile.add_running(
                    idx as NodeIdx,
                    &used,
                    end,
                    job.user_idx,
                    self.running_user_exclusive(job),
                );
            }
        }
        profile
    }

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
    fn main_pass(
        &mut self,
        now: Timestamp,
        unsettled: Option<Vec<JobId>>,
        state: &mut PassState,
        decisions: &mut Vec<Decision>,
        profile: &mut Profile,
    ) -> Vec<Entry> {
        let mut walk = MainWalk::default();
        let mut walked = Vec::new();
        let by_partition = self.main_by_partition && self.queue.multi_record_jobs() == 0;
        let (Some(unsettled), true) = (unsettled, by_partition) else {
            for entry in self.queue_entries() {
                self.main_entry(now, entry, &mut walk, state, decisions, profile);
                walked.push(entry);
            }
            self.settle_bad_constraints(&walk);
            return walked;
        };
        let mut heads: BinaryHeap<Reverse<(Reverse<u16>, QKey, usize)>> = BinaryHeap::new();
        for part in 0..self.queue.partitions() {
            if let Some(key) = self.queue.next(Source::All(part), None) {
                heads.push(Reverse((Reverse(self.queue.tier(part)), key, part)));
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
            if let Some(next) = self.queue.next(Source::All(part), Some(key)) {
                heads.push(Reverse((tier, next, part)));
            }
        }
        let seen: HashSet<JobId, FastBuild> = walked.iter().map(|e| e.job).collect();
        for id in unsettled {
            // As a walk would: Priority over no reason or Resources (`_failed_partition()`).
            if !seen.contains(&id)
                && self.jobs.get(&id).is_some_and(|j| {
                    j.state == JobState::Pending
                        && j.queued.is_some()
                        && matches!(
                            j.reason,
                            PendingReason::None
                                | PendingReason::Resources
                                | PendingReason::Priority
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
        let pending = &self.pending;
        self.with_unfit_tries.retain(|id| pending.contains(id));
        for &id in &self.with_unfit_tries {
            let Some(job) = self.jobs.get(&id) else {
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
                    PendingReason::None
                        | PendingReason::Resources
                        | PendingReason::Priority
                        | PendingReason::ReqNodeNotAvail
                )
            {
                continue;
            }
            let parts = job.resolved.partitions();
            let tested = |i: usize| {
                parts
                    .get(i)
                    .and_then(|p| self.cluster.partition_index(p))
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
            let Some(part) = self.cluster.partition_index(name) else {
                continue;
            };
            // The try sits in the queue before the job's record at `before`: a partition
            // whose blocked job comes later in the walk had not failed yet.
            let (Some(queued), submit) = (job.queued, job.submit) else {
                continue;
            };
            let place = (
                Reverse(self.queue.tier(part)),
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
            let left = self.partition_nodes.get(part).map_or(0, |nodes| {
                nodes
                    .iter()
                    .filter(|&&n| {
                        !held.contains(n)
                            && self
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
            self.unsettled.push(id);
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
            if self.jobs.get(&entry.job).is_some_and(|j| {
                matches!(
                    j.reason,
                    PendingReason::None | PendingReason::Resources | PendingReason::Priority
                )
            }) {
                self.set_reason(entry.job, PendingReason::Priority);
            }
            return;
        }
        walk.tested.insert((entry.job, entry.part));
        if self.unavailable_to(entry, walk) {
            return;
        }
        // Tested on the nodes of an OverSubscribe=EXCLUSIVE partition: whole-node from
        // now on, wherever it runs (`_resolve_shared_status()`).
        if self
            .cluster
            .partition_at(entry.part)
            .is_some_and(|p| p.oversubscribe == OverSubscribe::Exclusive)
            && let Some(job) = self.jobs.get_mut(&entry.job)
            && !job.whole_for_good
        {
            job.whole_for_good = true;
            self.sharing_changed = true;
        }
        for n in walk.to_block.drain(..) {
            profile.block(n);
        }
        loop {
            match self.array_gate(entry.job) {
                ArrayGate::Throttled => {
                    self.set_reason(entry.job, PendingReason::JobArrayTaskLimit);
                    break;
                }
                ArrayGate::Exhausted => break,
                ArrayGate::NotArray | ArrayGate::Ready => {}
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
            match fit {
                Some(placement) => {
                    let Some(started) =
                        self.start_job(entry.job, entry.part, &placement, now, decisions)
                    else {
                        break;
                    };
                    self.add_to_profile(profile, started, &placement, now);
                    if !self.arrays.contains_key(&entry.job) {
                        state.handled.insert(entry.job);
                        break;
                    }
                }
                None => {
                    if !self.fits_available(entry, &demand, &candidates, walk, profile) {
                        break;
                    }
                    self.set_reason(entry.job, PendingReason::Resources);
                    // A job backfill would give no reservation (below bf_min_prio_reserve
                    // or eligible for less than bf_min_age_reserve) blocks nothing in
                    // the main pass either (`_schedule()` in job_scheduler.c).
                    if !self.may_block(entry.job, now) {
                        break;
                    }
                    // A job whose --nodelist covers its node count blocks only those
                    // nodes, not its partition (`_schedule()` in job_scheduler.c).
                    let nodelist = self.requested_nodes(entry.job);
                    let min_nodes = self
                        .jobs
                        .get(&entry.job)
                        .map_or(1, |j| Self::requested_min_nodes(j));
                    let block: Vec<u32> = if nodelist.is_empty()
                        || nodelist.iter().collect::<BTreeSet<_>>().len() < min_nodes
                    {
                        self.mark_failed(walk, entry);
                        self.partition_nodes
                            .get(entry.part)
                            .cloned()
                            .unwrap_or_default()
                    } else {
                        nodelist
                    };
                    self.block_nodes(walk, entry, &block);
                    walk.to_block.extend(block);
                    break;
                }
            }
        }
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
        let Some(part_nodes) = self.partition_nodes.get(entry.part) else {
            return true;
        };
        let listed: &[NodeIdx] = match candidates {
            JobNodes::Partition => part_nodes,
            JobNodes::Narrowed(list) | JobNodes::Required { nodes: list, .. } => list,
        };
        let out = |n: &NodeIdx| {
            walk.unavail.contains(*n)
                || self
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
                self.cluster
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
            .get(&entry.job)
            .map_or(1, |j| Self::requested_min_nodes(j));
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
        let Some(job) = self.jobs.get(&entry.job) else {
            return false;
        };
        let min_nodes = Self::requested_min_nodes(job);
        let out = |n: u32| {
            walk.unavail.contains(n)
                || self
                    .cluster
                    .node_at(n as usize)
                    .is_some_and(|node| !node.is_schedulable())
        };
        let Some(nodes) = self.partition_nodes.get(entry.part) else {
            return false;
        };
        let available = nodes.iter().filter(|&&n| !out(n)).count();
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
                self.cluster
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
        let (Some(job), Some(bf)) = (self.jobs.get(&id), self.policy.backfill.as_ref()) else {
            return true;
        };
        let age = job.eligible.map_or(0, |e| now.0.saturating_sub(e.0));
        job.priority >= bf.min_prio_reserve && age >= bf.min_age_reserve.as_secs()
    }

    /// Backfill: every job in queue order (within the configured limits) either starts now
    /// without touching any reservation over its whole time limit, or gets an expected
    /// start and, if allowed, a reservation there. Returns the jobs it looked at.
    ///
    /// Once a partition has given all the reservations it may (`bf_job_part_count_reserve`,
    /// EASY's one), the jobs behind are only asked "can you start now?". Those are walked
    /// by stream (see [`super::queue`]): a stream needing more CPUs than the partition has
    /// free, or whose last job could not start, is left, with the same outcome as asking
    /// each of its jobs (the answer of the start bounds). Limits that count the jobs asked
    /// (`bf_max_job_test`, per user, per partition) need every job asked: then the walk
    /// takes every record in order. Returns whether it walked by stream.
    fn backfill_pass(
        &mut self,
        now: Timestamp,
        bf: &Backfill,
        walk: &mut BackfillWalk,
        state: &mut PassState,
        decisions: &mut Vec<Decision>,
        profile: &mut Profile,
    ) -> bool {
        let by_stream = self.reuse_plan
            && bf.part_count_reserve.is_some()
            && bf.max_job_test.is_none()
            && bf.max_job_user.is_none()
            && bf.max_job_part.is_none();
        if !by_stream {
            for entry in self.queue_entries() {
                self.backfill_entry(now, entry, bf, walk, state, decisions, profile);
                if walk.done {
                    break;
                }
            }
            return false;
        }
        // A merge of cursors in queue order: each partition's records in turn, until it is
        // full; then its records in no stream and its streams that may start a job.
        let mut heads: BinaryHeap<Reverse<Head>> = BinaryHeap::new();
        let push = |heads: &mut BinaryHeap<_>, queue: &Queue, source, part, after| {
            if let Some(key) = queue.next(source, after) {
                heads.push(Reverse((Reverse(queue.tier(part)), key, part, source)));
            }
        };
        for part in 0..self.queue.partitions() {
            push(&mut heads, &self.queue, Source::All(part), part, None);
        }
        let mut full = vec![false; self.queue.partitions()];
        while let Some(Reverse((Reverse(tier), key, part, source))) = heads.pop() {
            let stream = match source {
                Source::All(p) if full.get(p).copied().unwrap_or(true) => continue,
                Source::Stream(s) => {
                    let Some((min_cpus, shape)) = self.queue.stream(s) else {
                        continue;
                    };
                    if min_cpus > 0 && u64::from(min_cpus) > walk.free_cpus_now(profile, part) {
                        continue;
                    }
                    // The user changes the answer when user-exclusive jobs are about, unless
                    // it is part of the stream's shape.
                    Some(shape.demand.user_exclusive || !profile.has_user_exclusive())
                }
                _ => None,
            };
            let entry = Entry {
                job: key.job(),
                part,
            };
            let visit = self.backfill_entry(now, entry, bf, walk, state, decisions, profile);
            if !(visit == Visit::NotNow && stream == Some(true)) {
                push(&mut heads, &self.queue, source, part, Some(key));
            }
            // Partitions that just gave their last reservation: from here on, their streams.
            for p in 0..full.len() {
                if full.get(p).copied().unwrap_or(true) || !walk.part_full(bf, p) {
                    continue;
                }
                if let Some(f) = full.get_mut(p) {
                    *f = true;
                }
                let after = match self.queue.tier(p).cmp(&tier) {
                    // All of its records came before this one.
                    std::cmp::Ordering::Greater => continue,
                    std::cmp::Ordering::Equal => Some(key),
                    std::cmp::Ordering::Less => None,
                };
                push(&mut heads, &self.queue, Source::Misc(p), p, after);
                let free = walk.free_cpus_now(profile, p);
                let streams: Vec<u32> = self.queue.streams_up_to(p, free).collect();
                for s in streams {
                    push(&mut heads, &self.queue, Source::Stream(s), p, after);
                }
            }
        }
        true
    }

    /// Backfill for one queue record.
    #[allow(clippy::too_many_arguments)]
    fn backfill_entry(
        &mut self,
        now: Timestamp,
        entry: Entry,
        bf: &Backfill,
        walk: &mut BackfillWalk,
        state: &mut PassState,
        decisions: &mut Vec<Decision>,
        profile: &mut Profile,
    ) -> Visit {
        // Without bf_one_resv_per_job, each record of a job of several partitions is
        // planned (and reserves) on its own, in queue order (Slurm's default).
        // (Arrays keep one plan: their tasks reserve one after another on it.)
        let per_record = !bf.one_resv_per_job
            && self.jobs.get(&entry.job).is_some_and(|j| {
                j.resolved.partitions().len() > 1 && j.resolved.request().array.is_none()
            });
        let done = if per_record {
            walk.planned_records.contains(&(entry.job, entry.part))
        } else {
            walk.planned.contains(&entry.job)
        };
        if done || state.handled.contains(&entry.job) {
            return Visit::Other;
        }
        if per_record {
            walk.planned_records.insert((entry.job, entry.part));
        }
        let Some(job) = self.jobs.get(&entry.job) else {
            return Visit::Other;
        };
        if !Self::is_eligible(job) {
            return Visit::Other;
        }
        if bf.max_job_test.is_some_and(|m| walk.tested >= m) {
            walk.done = true;
            return Visit::Other;
        }
        let user = job.user_idx;
        if bf
            .max_job_user
            .is_some_and(|m| walk.per_user.get(&user).copied().unwrap_or(0) >= m)
            || bf
                .max_job_part
                .is_some_and(|m| walk.per_part.get(&entry.part).copied().unwrap_or(0) >= m)
        {
            return Visit::Other;
        }
        if bf.max_job_user.is_some() {
            *walk.per_user.entry(user).or_insert(0) += 1;
        }
        if bf.max_job_part.is_some() {
            *walk.per_part.entry(entry.part).or_insert(0) += 1;
        }
        walk.tested += 1;
        let age = job.eligible.map_or(Duration::from_secs(0), |e| {
            Duration::from_secs(now.0.saturating_sub(e.0))
        });
        let may_reserve_job = job.priority >= bf.min_prio_reserve && age >= bf.min_age_reserve;
        // A job that cannot hold a reservation anywhere (bf_job_part_count_reserve
        // reached, too young, too low a priority) is only asked "can you start now?"
        // (Slurm's TEST_NOW_ONLY); it gets no estimate, which keeps EASY passes cheap.
        let test_now_only = !may_reserve_job
            || match job.resolved.partitions() {
                _ if per_record => walk.part_full(bf, entry.part),
                [_] => walk.part_full(bf, entry.part),
                names => names.iter().all(|name| {
                    self.cluster
                        .partition_index(name)
                        .is_some_and(|p| walk.part_full(bf, p))
                }),
            };
        let search_until = if test_now_only {
            Some(Timestamp(now.0.saturating_add(1)))
        } else {
            walk.horizon
        };
        // A job asked only "start now?" that needs more CPUs than its partition has free
        // now cannot: answered without building its demand (most of a long queue behind a
        // blocked job, once the free CPUs are taken). A whole-node job's answer depends on
        // idle nodes, not CPUs: it is asked as usual.
        let simple = job.resolved.partitions().len() == 1 && job.resolved.request().array.is_none();
        if test_now_only && simple {
            let min_cpus = job.resolved.shape().min_cpus();
            if min_cpus > 0
                && u64::from(min_cpus) > walk.free_cpus_now(profile, entry.part)
                && !self.sharing(job, entry.part).0
            {
                self.note_blocked(entry.job, entry.part, state, None, Vec::new());
                walk.planned.insert(entry.job);
                return Visit::NotNow;
            }
        }
        loop {
            match self.array_gate(entry.job) {
                ArrayGate::Throttled => {
                    self.set_reason(entry.job, PendingReason::JobArrayTaskLimit);
                    // Not Priority: a main pass that does not walk it settles it.
                    self.unsettled.push(entry.job);
                    walk.planned.insert(entry.job);
                    return Visit::Other;
                }
                ArrayGate::Exhausted => return Visit::Other,
                ArrayGate::NotArray | ArrayGate::Ready => {}
            }
            // A multi-partition job starts in whichever partition lets it start earliest.
            let Some((part, demand, placement)) = self.best_placement(
                entry.job,
                entry.part,
                per_record,
                profile,
                &mut walk.bounds,
                now,
                search_until,
            ) else {
                // A plan an earlier record of the job found this pass stands.
                if !walk.record_starts.contains_key(&entry.job) {
                    self.note_blocked(entry.job, entry.part, state, None, Vec::new());
                }
                walk.planned.insert(entry.job);
                walk.cut_by_horizon |= !test_now_only && walk.horizon.is_some();
                return if test_now_only {
                    Visit::NotNow
                } else {
                    Visit::Other
                };
            };
            if placement.start == now {
                let Some(started) = self.start_job(entry.job, part, &placement, now, decisions)
                else {
                    return Visit::Other;
                };
                self.add_to_profile(profile, started, &placement, now);
                walk.started_behind_reservation |= !walk.reserved_per_part.is_empty();
                if self.arrays.contains_key(&entry.job) {
                    continue;
                }
                state.handled.insert(entry.job);
                return Visit::Other;
            }
            let placement = match walk.running.as_deref() {
                Some(running) => self
                    .will_run_placement(running, profile, part, entry.job, &demand, placement, now),
                None => placement,
            };
            let nodes = placement.nodes.iter().map(|&(n, _)| n).collect();
            // A job planned record by record shows its earliest plan of the pass
            // (backfill keeps `orig_start_time` when a later partition starts later).
            let earlier = per_record
                && walk
                    .record_starts
                    .get(&entry.job)
                    .is_some_and(|&t| t <= placement.start);
            if !earlier {
                self.note_blocked(entry.job, part, state, Some(placement.start), nodes);
                if per_record {
                    walk.record_starts.insert(entry.job, placement.start);
                }
            }
            walk.planned.insert(entry.job);
            let count = walk.reserved_per_part.entry(part).or_insert(0);
            let may_reserve = may_reserve_job
                && bf.part_count_reserve.is_none_or(|m| *count < m)
                && walk.horizon.is_none_or(|h| placement.start < h);
            if !may_reserve {
                return Visit::Other;
            }
            *count += 1;
            let user_exclusive = demand.user_exclusive;
            self.reserve(profile, &demand, &placement, bf, user, user_exclusive);
            // Later tasks of an array reserve too, up to bf_max_job_array_resv.
            let pending = self
                .arrays
                .get(&entry.job)
                .map_or(0, |a| a.tasks.pending_count());
            let more = pending
                .min(u64::from(bf.max_job_array_resv))
                .saturating_sub(1);
            // The later tasks avoid the nodes other users keep from it, as the first did.
            let Some(candidates) =
                self.without_held(profile, part, &demand, self.candidates(entry.job, part))
            else {
                return Visit::Other;
            };
            let mut last = None;
            let mut beyond = false;
            for _ in 0..more {
                let Some(next) =
                    walk.bounds
                        .earliest(profile, part, &demand, &candidates, now, walk.horizon)
                else {
                    walk.cut_by_horizon |= walk.horizon.is_some();
                    beyond = walk.horizon.is_some();
                    break;
                };
                let next = match walk.running.as_deref() {
                    Some(running) if next.start > now => self
                        .will_run_placement(running, profile, part, entry.job, &demand, next, now),
                    _ => next,
                };
                self.reserve(profile, &demand, &next, bf, user, user_exclusive);
                last = Some(next);
            }
            // The array's pending record shows the plan of the last task backfill tried:
            // slurmctld plans its tasks one after another on that one record. A task that
            // would start beyond the backfill window leaves it with no start (squeue N/A),
            // still naming the nodes of the last reservation (observed on 22.05: a
            // `--array=0-2%2 -t 1440` whose one task fills the partition shows N/A with
            // bf_window=2880 when its third task's start falls past the window).
            if beyond || last.is_some() {
                let shown = last.as_ref().unwrap_or(&placement);
                state.planned.insert(
                    entry.job,
                    Planned {
                        part,
                        start: (!beyond).then_some(shown.start),
                        nodes: shown.nodes.iter().map(|&(n, _)| n).collect(),
                    },
                );
            }
            return Visit::Other;
        }
    }

    /// The nodes of a reservation as slurmctld picks them: backfill finds the start on
    /// its own plan (running jobs and the reservations made so far) and the nodes free
    /// for the job from then on, but the select plugin picks among those as if only the
    /// running jobs existed, ending them one after another until the job fits
    /// (`_will_run_test()` in select/cons_tres), so a reservation avoids the nodes the
    /// running jobs hold now rather than the ones of the other reservations (observed on
    /// 22.05: a `-N 3` planned after a `-N 4` on cpu16-[1-4], with cpu16-2 running a job
    /// that ends first, gets cpu16-[1,3-4]). Its CPUs on each node are counted at its
    /// start in the full plan; when those nodes do not hold it there, the plan's own
    /// choice stands.
    #[allow(clippy::too_many_arguments)]
    fn will_run_placement(
        &self,
        running: &Profile,
        profile: &Profile,
        part: usize,
        job: JobId,
        demand: &Demand,
        placement: Placement,
        now: Timestamp,
    ) -> Placement {
        let Some(candidates) = self.without_held(profile, part, demand, self.candidates(job, part))
        else {
            return placement;
        };
        let (list, required): (Vec<NodeIdx>, &[NodeIdx]) = match &candidates {
            JobNodes::Partition => (
                self.partition_nodes.get(part).cloned().unwrap_or_default(),
                &[],
            ),
            JobNodes::Narrowed(list) => (list.clone(), &[]),
            JobNodes::Required { nodes, required } => {
                return Self::will_run_on(
                    running, profile, demand, nodes, required, &placement, now,
                )
                .unwrap_or(placement);
            }
        };
        Self::will_run_on(running, profile, demand, &list, required, &placement, now)
            .unwrap_or(placement)
    }

    #[allow(clippy::too_many_arguments)]
    fn will_run_on(
        running: &Profile,
        profile: &Profile,
        demand: &Demand,
        list: &[NodeIdx],
        required: &[NodeIdx],
        placement: &Placement,
        now: Timestamp,
    ) -> Option<Placement> {
        let usable = profile.usable_over(demand, list, placement.start);

        let pick = running.earliest_with_required(demand, &usable, required, now, None)?;
        let nodes: Vec<NodeIdx> = pick.nodes.iter().map(|&(n, _)| n).collect();
        let at = profile.earliest_with_required(
            demand,
            &nodes,
            required,
            placement.start,
            Some(placement.start.saturating_add(Duration::from_secs(1))),
        )?;
        (at.start == placement.start).then_some(at)
    }

    /// Gives the queued jobs a pass did not look at the reason it would have given them:
    /// Priority, behind their partition's blocked job. Only jobs whose reason may be
    /// something else are listed in `unsettled` (new ones, the last pass's first blocked
    /// jobs); every other queued job has Priority already.
    fn settle_skipped(
        &mut self,
        unsettled: Vec<JobId>,
        visited: &HashSet<JobId, FastBuild>,
        state: &PassState,
    ) {
        for id in unsettled {
            if visited.contains(&id) || state.handled.contains(&id) {
                continue;
            }
            let part = self.jobs.get(&id).and_then(|j| {
                j.queued?;
                self.cluster.partition_index(j.resolved.partition())
            });
            let Some(part) = part else {
                continue;
            };
            let reason = if state.blocked_parts.contains(&part) {
                PendingReason::Priority
            } else {
                PendingReason::Resources
            };
            self.set_blocked_reason(id, reason);
        }
    }

    /// Gives a job that waits for resources its reason (Resources or Priority), unless it
    /// waits for something else.
    fn set_blocked_reason(&mut self, id: JobId, reason: PendingReason) {
        let Some(job) = self.jobs.get_mut(&id) else {
            return;
        };
        // A reason the main pass described (too few nodes available) stays: backfill
        // sets no reason in slurmctld.
        if job.desc.is_none()
            && matches!(
                job.reason,
                PendingReason::Resources | PendingReason::Priority | PendingReason::None
            )
        {
            let resources = reason == PendingReason::Resources;
            job.reason = reason;
            job.desc = None;
            if resources {
                // A later pass may skip it: it then becomes Priority (`settle_skipped`).
                self.unsettled.push(id);
            }
        }
    }

    /// The reasons of the jobs a pass without backfill (`fifo`) could not start, as
    /// [`Self::fifo_plans`] sees them: the first of each partition waits for Resources,
    /// the ones behind it for Priority (see [`Self::note_blocked`]). Only reasons are
    /// decided here; where and when the jobs would start is planned when asked for.
    fn fifo_reasons(
        &mut self,
        now: Timestamp,
        queue: &[Entry],
        state: &mut PassState,
        profile: &Profile,
    ) {
        let mut planned: HashSet<JobId, FastBuild> = HashSet::default();
        for entry in queue {
            if state.handled.contains(&entry.job) || planned.contains(&entry.job) {
                continue;
            }
            let Some(job) = self.jobs.get(&entry.job) else {
                continue;
            };
            // Whether `fifo_plans` keeps a plan for it, which skips its other records: it
            // always does in a partition other than the job's first, and in its first one
            // when it fits there at all (a plan in a profile that frees everything in the
            // end, with or without the reservations of the jobs ahead).
            let keeps = match job.resolved.partitions() {
                [_] => true,
                _ if !self.is_default_part(job, entry.part) => true,
                _ => self
                    .demand_in(entry.job, entry.part)
                    .is_some_and(|(demand, candidates)| {
                        ask(profile, entry.part, &demand, &candidates, now, None).is_some()
                    }),
            };
            if keeps {
                planned.insert(entry.job);
            }
            self.note_blocked_reason(entry.part, entry.job, state);
        }
    }

    /// The plans of a pass without backfill (`fifo`), made when first asked for (they
    /// decide nothing): jobs start in queue order, so each blocked job is planned after
    /// every job ahead of it in its partition, on the running jobs as the last pass left
    /// them.
    fn fifo_plans(&self) -> HashMap<JobId, Planned, FastBuild> {
        let mut planned: HashMap<JobId, Planned, FastBuild> = HashMap::default();
        let Some(now) = self.last_schedule else {
            return planned;
        };
        let mut profile = match &self.plan {
            Some(plan) => plan.clone(),
            None => self.build_profile(now),
        };
        let mut not_before: BTreeMap<usize, Timestamp> = BTreeMap::new();
        for entry in self.queue_entries() {
            if planned.contains_key(&entry.job) {
                continue;
            }
            let (Some(job), Some((demand, candidates))) = (
                self.jobs.get(&entry.job),
                self.demand_in(entry.job, entry.part),
            ) else {
                continue;
            };
            let from = not_before.get(&entry.part).copied().unwrap_or(now);
            let placement = ask(&profile, entry.part, &demand, &candidates, from, None);
            let start = placement.as_ref().map(|p| p.start);
            if start.is_some() || !self.is_default_part(job, entry.part) {
                let nodes = placement
                    .as_ref()
                    .map(|p| p.nodes.iter().map(|&(n, _)| n).collect())
                    .unwrap_or_default();
                planned.insert(
                    entry.job,
                    Planned {
                        part: entry.part,
                        start,
                        nodes,
                    },
                );
            }
            if let Some(p) = placement {
                let end = p.start.saturating_add(demand.duration);
                for &(n, _) in &p.nodes {
                    profile.reserve(n, p.start, end, &Hold::WholeNode, job.user_idx, false);
                }
                not_before.insert(entry.part, p.start);
            }
        }
        planned
    }

    /// Keeps what the pass found for the jobs it planned; the [`Estimate`]s (names,
    /// display ids, order) are only built if the host asks for them
    /// ([`Self::build_estimates`]).
    fn finish_estimates(&mut self, state: PassState) {
        self.planned = state.planned;
        self.plans_on_demand = self.policy.backfill.is_none();
        self.plans_made = std::sync::OnceLock::new();
        self.pending_after_pass = self.pending.len();
        self.estimates = std::sync::OnceLock::new();
    }

    /// The plans of the last pass: the ones it made (backfill), or, without backfill,
    /// the ones [`Self::fifo_plans`] makes when first asked for.
    fn plans(&self) -> &HashMap<JobId, Planned, FastBuild> {
        if self.plans_on_demand {
            self.plans_made.get_or_init(|| self.fifo_plans())
        } else {
            &self.planned
        }
    }

    /// The [`Estimate`]s of the last pass, in `squeue --start` order.
    pub(crate) fn build_estimates(&self) -> Vec<Estimate> {
        // Every pending job is listed; those the pass did not plan without an estimate,
        // like squeue.
        let plans = self.plans();
        let mut estimates: Vec<Estimate> = self
            .pending
            .iter()
            .flat_map(|&id| {
                let Some(job) = self.jobs.get(&id) else {
                    return Vec::new();
                };
                let plan = plans.get(&id);
                let partition = plan
                    .and_then(|p| self.cluster.partition_at(p.part))
                    .map_or_else(
                        || job.resolved.partition().to_owned(),
                        |part| part.name.clone(),
                    );
                let estimate = Estimate {
                    job: id,
                    // An array's pending record shows its tasks left (`7_[2-5%2]`).
                    display_id: self.pending_display_id(job),
                    // A job waiting for its --begin time shows that time, as squeue
                    // does (observed on 22.05, fidelity scenario `begin_time`).
                    start: plan.and_then(|p| p.start).or_else(|| {
                        (job.reason == PendingReason::BeginTime)
                            .then(|| job.resolved.request().begin.as_ref())
                            .flatten()
                            .map(|b| b.resolve(job.submit))
                    }),
                    nodes: plan.map(|p| self.node_names(&p.nodes)).unwrap_or_default(),
                    reason: job.reason.clone(),
                    description: self.reason_description(job, &partition),
                    partition,
                };
                self.split_aftercorr(job, estimate)
            })
            .collect();
        estimates.sort_by(|a, b| {
            a.start
                .is_none()
                .cmp(&b.start.is_none())
                .then(a.start.cmp(&b.start))
                .then(a.job.cmp(&b.job))
        });
        estimates
    }

    /// An array whose dependency is `aftercorr` is listed one record per pending task
    /// (`7_0`, `7_1`): slurmctld splits such an array, each task waiting on its own
    /// (observed on 22.05, fidelity scenario `dependency_aftercorr`). Any other job: its
    /// one estimate.
    fn split_aftercorr(&self, job: &Job, estimate: Estimate) -> Vec<Estimate> {
        let aftercorr = job
            .resolved
            .request()
            .dependency
            .as_deref()
            .is_some_and(|d| {
                d.items.iter().any(|i| {
                    matches!(
                        i,
                        crate::dependency::DependencyItem::On {
                            kind: crate::dependency::DependencyKind::AfterCorr,
                            ..
                        }
                    )
                })
            });
        let Some(array) = self.arrays.get(&job.id).filter(|_| aftercorr) else {
            return vec![estimate];
        };
        array
            .tasks
            .pending()
            .map(|task| Estimate {
                display_id: format!("{}_{task}", job.id.0),
                ..estimate.clone()
            })
            .collect()
    }

    /// The description slurmctld gives with a pending reason, which squeue prints in its
    /// place (observed on 22.05, fidelity scenarios `drain_node` and `drain_too_many`):
    /// - ReqNodeNotAvail: `ReqNodeNotAvail, UnavailableNodes:` and the nodes of the job's
    ///   `--nodelist` that are out of service;
    /// - Resources, when the partition has fewer nodes in service than the job needs: the
    ///   main scheduler's "Nodes required for job are DOWN, DRAINED or reserved for jobs in
    ///   higher priority partitions" (`_schedule()`).
    pub(crate) fn reason_description(&self, job: &Job, partition: &str) -> Option<String> {
        if let Some(desc) = &job.desc {
            return (!desc.is_empty()).then(|| desc.to_string());
        }
        match job.reason {
            PendingReason::ReqNodeNotAvail => {
                let down: Vec<String> = job
                    .resolved
                    .request()
                    .nodelist
                    .iter()
                    .filter(|n| self.out_of_service(n))
                    .cloned()
                    .collect();
                (!down.is_empty()).then(|| {
                    format!(
                        "ReqNodeNotAvail, UnavailableNodes:{}",
                        crate::hostlist::compress(&down)
                    )
                })
            }
            PendingReason::Resources => {
                let part = self.cluster.partition(partition)?;
                let in_service = part
                    .nodes
                    .iter()
                    .filter(|n| !self.out_of_service(n))
                    .count();
                (in_service < job.resolved.min_nodes() as usize)
                    .then(|| RESERVED_ELSEWHERE.to_owned())
            }
            _ => None,
        }
    }

    /// Whether node `name` is out of service (down, drained, failing...): a job that names
    /// it waits with ReqNodeNotAvail.
    fn out_of_service(&self, name: &str) -> bool {
        self.cluster
            .node(name)
            .is_some_and(|node| !node.is_schedulable())
    }

    pub(crate) fn pending_display_id(&self, job: &Job) -> String {
        match self.arrays.get(&job.id) {
            Some(a) => a
                .tasks
                .squeue_id(job.id)
                .unwrap_or_else(|| job.display_id()),
            None => job.display_id(),
        }
    }

    /// Records that a job could not start now: its estimate, and its reason (the first
    /// blocked job of a partition waits for Resources, the ones behind it for Priority).
    fn note_blocked(
        &mut self,
        id: JobId,
        part: usize,
        state: &mut PassState,
        start: Option<Timestamp>,
        nodes: Vec<NodeIdx>,
    ) {
        if !state.main_reasons {
            self.note_blocked_reason(part, id, state);
        }
        let Some(job) = self.jobs.get(&id) else {
            return;
        };
        // Not planned, in the partition the estimate names anyway: nothing to keep.
        if start.is_some() || !self.is_default_part(job, part) {
            state.planned.insert(id, Planned { part, start, nodes });
        }
    }

    /// The reason part of [`Self::note_blocked`].
    fn note_blocked_reason(&mut self, part: usize, id: JobId, state: &mut PassState) {
        let reason = if state.blocked_parts.insert(part) {
            PendingReason::Resources
        } else {
            PendingReason::Priority
        };
        self.set_blocked_reason(id, reason);
    }

    /// Whether `part` is the partition an estimate names for `job` when it has no plan:
    /// its only one, or the first of its list.
    fn is_default_part(&self, job: &Job, part: usize) -> bool {
        match job.resolved.partitions() {
            [_] => true,
            _ => self.cluster.partition_index(job.resolved.partition()) == Some(part),
        }
    }

    fn set_reason(&mut self, id: JobId, reason: PendingReason) {
        if let Some(job) = self.jobs.get_mut(&id) {
            job.reason = reason;
            job.desc = None;
        }
    }

    /// Sets a reason with the description slurmctld gives it.
    fn set_described(&mut self, id: JobId, reason: PendingReason, desc: String) {
        if let Some(job) = self.jobs.get_mut(&id) {
            job.reason = reason;
            job.desc = Some(desc.into_boxed_str());
        }
    }

    fn node_names(&self, nodes: &[NodeIdx]) -> Vec<String> {
        nodes
            .iter()
            .filter_map(|&n| self.cluster.node_at(n as usize).map(|n| n.name.clone()))
            .collect()
    }

    fn reserve(
        &self,
        profile: &mut Profile,
        demand: &Demand,
        placement: &Placement,
        bf: &Backfill,
        user: u32,
        user_exclusive: bool,
    ) {
        // Slurm records reservations on the bf_resolution grid: start and end rounded down,
        // at least one resolution long.
        let res = bf.resolution.as_secs().max(1);
        let start = Timestamp(placement.start.0 / res * res);
        let raw_end = placement.start.saturating_add(demand.duration);
        let mut end = Timestamp(raw_end.0 / res * res);
        if end <= start {
            end = Timestamp(start.0.saturating_add(res));
        }
        for (i, &(n, cpus)) in placement.nodes.iter().enumerate() {
            let hold = match bf.granularity {
                ReservationGranularity::WholeNodes => Hold::WholeNode,
                ReservationGranularity::Resources => Hold::Resources(self.node_usage(
                    n,
                    demand,
                    cpus,
                    placement.gpus.get(i).copied(),
                )),
            };
            profile.reserve(n, start, end, &hold, user, user_exclusive);
        }
    }

    /// The best placement of a job over all its partitions: earliest start, then queue
    /// (partition) order.
    #[allow(clippy::too_many_arguments)]
    fn best_placement(
        &self,
        id: JobId,
        part: usize,
        only_part: bool,
        profile: &Profile,
        bounds: &mut StartBounds,
        now: Timestamp,
        horizon: Option<Timestamp>,
    ) -> Option<(usize, Demand, Placement)> {
        let job = self.jobs.get(&id)?;
        if job.resolved.partitions().len() == 1 {
            // The queue record's partition is the job's only one.
            if job.resolved.blocked_by_limits_at(0) {
                return None;
            }
            let (demand, candidates) = self.demand_in(id, part)?;
            let candidates = self.without_held(profile, part, &demand, candidates)?;
            let p = bounds.earliest(profile, part, &demand, &candidates, now, horizon)?;
            return Some((part, demand, p));
        }
        let mut best: Option<(usize, Demand, Placement)> = None;
        for (i, name) in job.resolved.partitions().iter().enumerate() {
            // Not in a partition the job can not run in (see `build_queue`).
            if job.resolved.blocked_by_limits_at(i) {
                continue;
            }
            let Some(this) = self.cluster.partition_index(name) else {
                continue;
            };
            if only_part && this != part {
                continue;
            }
            let part = this;
            let Some((demand, candidates)) = self.demand_in(id, part) else {
                continue;
            };
            let Some(candidates) = self.without_held(profile, part, &demand, candidates) else {
                continue;
            };
            if let Some(p) = bounds.earliest(profile, part, &demand, &candidates, now, horizon)
                && best.as_ref().is_none_or(|(_, _, b)| p.start < b.start)
            {
                best = Some((part, demand, p));
            }
        }
        best
    }

    /// A job's candidates without the nodes running jobs of other users keep from it for
    /// the whole of backfill's plan ([`Profile::held_from`], slurmctld's
    /// `filter_by_node_owner()`): a user-exclusive job is never planned on a node where
    /// another user runs now, even after that job's end, and any job is never planned on
    /// a node another user holds user-exclusively now. `None` when that leaves out a node
    /// the job requires.
    fn without_held(
        &self,
        profile: &Profile,
        part: usize,
        demand: &Demand,
        candidates: JobNodes,
    ) -> Option<JobNodes> {
        let held = profile.held_from(demand.user, demand.user_exclusive);
        if held.is_empty() {
            return Some(candidates);
        }
        let keep = |n: &NodeIdx| held.binary_search(n).is_err();
        Some(match candidates {
            JobNodes::Partition => JobNodes::Narrowed(
                self.partition_nodes
                    .get(part)
                    .map(|nodes| nodes.iter().copied().filter(keep).collect())
                    .unwrap_or_default(),
            ),
            JobNodes::Narrowed(list) => JobNodes::Narrowed(list.into_iter().filter(keep).collect()),
            JobNodes::Required { nodes, required } => {
                if !required.iter().all(keep) {
                    return None;
                }
                JobNodes::Required {
                    nodes: nodes.into_iter().filter(keep).collect(),
                    required,
                }
            }
        })
    }

    /// The demand of a job in a partition, and the nodes it may use there.
    pub(crate) fn demand_in(&self, id: JobId, part: usize) -> Option<(Demand, JobNodes)> {
        let job = self.jobs.get(&id)?;
        let shape = self.shape_in(job, part);
        let cpt = shape.cpus_per_task().max(1);
        let min_cpus_per_node = shape.min_cpus_per_node().max(1);
        let mem = match shape.memory() {
            // CR_Core/CR_CPU: memory is not a consumable resource; nothing is taken.
            _ if !self.memory_consumable => MemDemand::PerNode(Memory::from_mib(0)),
            ResolvedMemory::PerNode(m) if m.mib() == 0 => MemDemand::WholeNode,
            ResolvedMemory::PerNode(m) => MemDemand::PerNode(m),
            ResolvedMemory::PerCpu(m) => MemDemand::PerCpu(m),
            ResolvedMemory::PerGpu(m) => MemDemand::PerGpu(m),
            ResolvedMemory::WholeNode => MemDemand::WholeNode,
        };
        let duration = match Self::time_limit_in(job, shape) {
            TimeLimit::Limited(d) => Duration::from_secs(d.as_secs().max(1)),
            TimeLimit::Unlimited => UNLIMITED_PLAN,
        };
        let (whole_node, user_exclusive) = self.sharing(job, part);
        // A `--gpus` job is chosen with its own counts: from its fewest nodes up, the
        // GPUs spread over them (see `JobGpus`).
        let gpu_choice = shape.gpu_choice();
        let (min_nodes, max_nodes, total_cpus) = match gpu_choice {
            Some(g) => (
                g.min_nodes.max(1),
                g.max_nodes.max(g.min_nodes).max(1),
                g.min_cpus,
            ),
            None => (
                shape.min_nodes().max(1),
                shape.max_nodes().max(shape.min_nodes()).max(1),
                shape.min_cpus(),
            ),
        };
        let demand = Demand {
            min_nodes,
            max_nodes,
            // A job that gave a node count gets as many nodes as it can, unless it asked
            // for the fewest (Slurm's `req_nodes`, `_get_req_features()`).
            req_nodes: {
                let req = job.resolved.request();
                if req.nodes.is_some() && !req.use_min_nodes {
                    max_nodes
                } else {
                    0
                }
            },
            total_cpus: total_cpus.max(1),
            min_cpus_per_node,
            cpus_per_task: cpt,
            mem,
            gres_per_node: shape
                .gres_per_node()
                .iter()
                .map(|g| (g.key.clone(), g.count))
                .collect(),
            whole_node,
            user: job.user_idx,
            user_exclusive,
            duration,
            cpu_budget: self.cpu_budget_key(part).map(|key| CpuBudget {
                key,
                cpus_per_node: shape.task_cpus_per_node().max(1),
            }),
            gpus_per_job: gpu_choice.map(|g| {
                let mut gpus = JobGpus::new(g.spec.key.clone(), g.spec.count);
                gpus.cpus_per_gpu = g.cpus_per_gpu;
                gpus
            }),
        };
        Some((demand, self.candidates(id, part)))
    }

    /// The planner key that carries partition `part`'s MaxCPUsPerNode, if it has one: a
    /// GRES no node really has (`#` can not be in a slurm.conf GRES name), one per
    /// capped partition, so that jobs of the partition share that many CPUs of a node.
    pub(crate) fn cpu_budget_key(&self, part: usize) -> Option<GresKey> {
        self.cpu_budgets.get(part).cloned().flatten()
    }

    /// What the profile gives node `n`: its capacity, and MaxCPUsPerNode CPUs of each
    /// capped partition it is in (see [`Scheduler::cpu_budget_key`]).
    fn profile_capacity(&self, n: usize) -> Tres {
        let mut cap = self
            .nodes
            .get(n)
            .map(|rt| rt.capacity.clone())
            .unwrap_or_default();
        for (i, key) in self.cpu_budgets.iter().enumerate() {
            let (Some(key), Some(p)) = (key, self.cluster.partition_at(i)) else {
                continue;
            };
            let member = self
                .partition_nodes
                .get(i)
                .is_some_and(|m| m.contains(&(n as u32)));
            if let (true, Some(max)) = (member, p.max_cpus_per_node) {
                cap.gres.insert(key.clone(), u64::from(max));
            }
        }
        cap
    }

    /// What a running job holds on a node, for the profile: its allocation, and its CPUs
    /// out of its partition's MaxCPUsPerNode.
    fn profile_usage(&self, job: &Job, alloc: &NodeAllocation) -> Tres {
        let mut used = alloc.used();
        if self.cpu_budgets.iter().all(Option::is_none) {
            return used;
        }
        let part = job
            .partition
            .as_deref()
            .and_then(|p| self.cluster.partition_index(p));
        if let Some(key) = part.and_then(|i| self.cpu_budget_key(i)) {
            used.gres.insert(key, u64::from(alloc.cpus));
        }
        used
    }

    /// The job's counts, memory and time limit in partition `part`: a job submitted to
    /// several partitions takes each one's defaults (DefMemPerCPU, the whole-node CPU
    /// count...), as slurmctld evaluates it per partition.
    fn shape_in<'a>(&self, job: &'a Job, part: usize) -> &'a JobShape {
        if job.resolved.partitions().len() <= 1 {
            return job.resolved.shape();
        }
        self.cluster
            .partition_at(part)
            .and_then(|p| job.resolved.shape_in(&p.name))
            .unwrap_or_else(|| job.resolved.shape())
    }

    /// The time limit a job has in a partition of shape `shape`: the one the host set
    /// with [`Scheduler::update_time_limit`] if it changed it, else the partition's.
    fn time_limit_in(job: &Job, shape: &JobShape) -> TimeLimit {
        if job.time_limit == job.resolved.time_limit() {
            shape.time_limit()
        } else {
            job.time_limit
        }
    }

    /// Whether a job gets whole nodes, and whether its nodes are its user's alone, when it
    /// runs in partition `part`. Whole nodes: `--exclusive`, OverSubscribe=EXCLUSIVE of
    /// `part`, or a test of the job on the nodes of an EXCLUSIVE partition it listed, at
    /// submit ([`Scheduler::whole_from_submit`]) or by the main scheduler since
    /// (`Job::whole_for_good`): slurmctld's `_resolve_shared_status()` sets the job's
    /// `whole_node` then, and nothing clears it (observed on 22.05: `-p whole,CPU-4 -n 1`
    /// with `whole`'s nodes busy runs in CPU-4 on a whole node, OverSubscribe=NO).
    fn sharing(&self, job: &Job, part: usize) -> (bool, bool) {
        let r = &job.resolved;
        let Some(p) = self.cluster.partition_at(part) else {
            return (r.whole_nodes(), r.user_exclusive());
        };
        let exclusive = r.request().exclusive;
        let exclusive_part = |p: &crate::partition::Partition| match p.oversubscribe {
            OverSubscribe::Exclusive => true,
            OverSubscribe::Force(_) => false,
            OverSubscribe::No | OverSubscribe::Yes(_) => {
                matches!(exclusive, Some(Exclusive::Node | Exclusive::Topo))
            }
        };
        let whole_node = exclusive_part(p) || job.whole_for_good;
        // A node takes its owner from the partition the job runs in (`make_node_alloc()`
        // in node_mgr.c: ExclusiveUser of `part_ptr`, or `--exclusive=user`), though
        // scontrol shows the job's sharing from the last partition it listed (observed
        // on 22.05: `-p CPU-16,excl -N 4` shows OverSubscribe=USER and runs in CPU-16
        // with other users' jobs on its nodes).
        let user_exclusive = p.exclusive_user || exclusive == Some(Exclusive::User);
        (whole_node, user_exclusive)
    }

    /// How a running job holds its nodes, whole and user-exclusive, in the partition it
    /// runs in (see [`Self::sharing`]).
    pub(super) fn running_sharing(&self, job: &Job) -> (bool, bool) {
        match job
            .partition
            .as_deref()
            .and_then(|p| self.cluster.partition_index(p))
        {
            Some(part) => self.sharing(job, part),
            None => (job.resolved.whole_nodes(), job.resolved.user_exclusive()),
        }
    }

    /// Whether a running job keeps other users off its nodes.
    fn running_user_exclusive(&self, job: &Job) -> bool {
        self.running_sharing(job).1
    }

    /// Nodes of the partition the job may ever use (features, `--nodelist`, `--exclude`):
    /// the partition's own list, borrowed, when the job restricts nothing.
    fn candidates(&self, id: JobId, part: usize) -> JobNodes {
        let (Some(nodes), Some(job)) = (self.partition_nodes.get(part), self.jobs.get(&id)) else {
            return JobNodes::Narrowed(Vec::new());
        };
        let req = job.resolved.request();
        let tmp = req.tmp.map_or(0, Memory::mib);
        if req.constraint.is_none() && req.exclude.is_empty() && req.nodelist.is_empty() && tmp == 0
        {
            return JobNodes::Partition;
        }
        // `--nodelist` nodes are required. When the job may have no more nodes than
        // listed, only those may be used; when it may have more, the others come from the
        // rest of the partition (minus features and `--exclude`) as needed (observed on
        // 22.05: `-p capped -n 30 -w cpu16-3`, 8 CPUs a node, ran on cpu16-[1-4],
        // fidelity scenario g00266).
        let listed: BTreeSet<&str> = req.nodelist.iter().map(String::as_str).collect();
        let max_nodes = self.shape_in(job, part).max_nodes().max(1) as usize;
        let only_listed = !listed.is_empty() && max_nodes <= listed.len();
        let narrowed: Vec<NodeIdx> = nodes
            .iter()
            .copied()
            .filter(|&n| {
                let Some(node) = self.cluster.node_at(n as usize) else {
                    return false;
                };
                req.admits_node(node) && (!only_listed || listed.contains(node.name.as_str()))
            })
            .collect();
        if listed.is_empty() || only_listed {
            return JobNodes::Narrowed(narrowed);
        }
        // A listed node the job may not use here (outside the partition, or without a
        // feature it asks for) stays required: the job then never fits in this partition.
        JobNodes::Required {
            nodes: narrowed,
            required: self.requested_nodes(id),
        }
    }

    fn requested_nodes(&self, id: JobId) -> Vec<u32> {
        self.jobs
            .get(&id)
            .map(|j| {
                j.resolved
                    .request()
                    .nodelist
                    .iter()
                    .filter_map(|n| self.cluster.node_index(n).map(|i| i as u32))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// What a job takes on one node when it gets `cpus` CPUs there, and `job_gpus` of
    /// its `--gpus` GPUs ([`Placement::gpus`]).
    fn node_usage(&self, node: NodeIdx, demand: &Demand, cpus: u32, job_gpus: Option<u64>) -> Tres {
        let Some(rt) = self.nodes.get(node as usize) else {
            return Tres::default();
        };
        let gres: BTreeMap<_, _> = if demand.whole_node {
            rt.all_gres().into_iter().collect()
        } else {
            let mut gres: BTreeMap<GresKey, u64> = BTreeMap::new();
            for (k, n) in &demand.gres_per_node {
                let slot = gres.entry(k.clone()).or_insert(0);
                *slot = slot.saturating_add(*n);
            }
            if let (Some(g), Some(n)) = (&demand.gpus_per_job, job_gpus.filter(|&n| n > 0)) {
                let slot = gres.entry(g.key.clone()).or_insert(0);
                *slot = slot.saturating_add(n);
            }
            gres
        };
        let gpus: u64 = gres
            .iter()
            .filter(|(k, _)| k.name == "gpu")
            .map(|(_, c)| *c)
            .sum();
        let memory = match demand.mem {
            MemDemand::PerNode(m) => m,
            MemDemand::PerCpu(m) => Memory::from_mib(m.mib().saturating_mul(u64::from(cpus))),
            MemDemand::PerGpu(m) => Memory::from_mib(m.mib().saturating_mul(gpus)),
            MemDemand::WholeNode => rt.capacity.memory,
        };
        let mut gres = gres;
        if let Some(b) = &demand.cpu_budget {
            gres.insert(b.key.clone(), u64::from(cpus));
        }
        Tres {
            nodes: 0,
            cpus,
            memory,
            gres,
        }
    }

    /// Starts a job (or an array's next task) on a placement. Returns the id of the job
    /// record that started.
    fn start_job(
        &mut self,
        id: JobId,
        part: usize,
        placement: &Placement,
        now: Timestamp,
        decisions: &mut Vec<Decision>,
    ) -> Option<JobId> {
        let (demand, _) = self.demand_in(id, part)?;
        let mut allocations = Vec::new();
        let mut done: Vec<(usize, Tres, Vec<GresAllocation>)> = Vec::new();
        let run_id = self.task_record(id);
        for (i, &(n, cpus)) in placement.nodes.iter().enumerate() {
            let usage = self.node_usage(n, &demand, cpus, placement.gpus.get(i).copied());
            // The MaxCPUsPerNode budget is the profile's, not a device of the node.
            let gres: Vec<_> = usage
                .gres
                .iter()
                .filter(|(k, _)| k.name != CPU_BUDGET)
                .map(|(k, c)| (k.clone(), *c))
                .collect();
            let Some(rt) = self.nodes.get_mut(n as usize) else {
                continue;
            };
            let Some((used, devices)) = rt.allocate(run_id, usage.cpus, usage.memory, &gres) else {
                // The plan and the node disagree: undo and leave the job pending.
                for (i, used, devices) in done {
                    if let Some(rt) = self.nodes.get_mut(i) {
                        rt.release(run_id, &used, &devices);
                    }
                }
                return None;
            };
            let name = self
                .cluster
                .node_at(n as usize)
                .map(|n| n.name.clone())
                .unwrap_or_default();
            allocations.push(NodeAllocation {
                node: name,
                cpus: used.cpus,
                memory: used.memory,
                gres: devices.clone(),
            });
            done.push((n as usize, used, devices));
        }
        let partition = self
            .cluster
            .partition_at(part)
            .map(|p| p.name.clone())
            .unwrap_or_default();
        let shared_name = self.partition_name(part, &partition);
        let time_limit = self
            .jobs
            .get(&id)
            .map(|job| Self::time_limit_in(job, self.shape_in(job, part)));
        let run_id = self.materialize_task(id, run_id);
        let job = self.jobs.get_mut(&run_id)?;
        if let Some(limit) = time_limit {
            job.time_limit = limit;
        }
        job.state = JobState::Running;
        job.reason = PendingReason::None;
        job.desc = None;
        job.start = Some(now);
        job.partition = Some(shared_name);
        job.allocation.clone_from(&allocations);
        job.alloc_nodes = done.iter().map(|(n, _, _)| *n as u32).collect();
        self.started_nodes
            .extend(done.iter().map(|(n, _, _)| *n as u32));
        let end = Self::planned_end(job);
        self.planned_ends.push(Reverse((end, run_id)));
        // It no longer pends (an array's record pends while it has tasks to start).
        self.pending.swap_remove(&run_id);
        self.dequeue(run_id);
        if run_id != id {
            self.sync_queue(id);
        }
        self.note_running_times(run_id);
        decisions.push(Decision::Start {
            job: run_id,
            partition,
            nodes: allocations,
        });
        Some(run_id)
    }

    fn add_to_profile(
        &self,
        profile: &mut Profile,
        id: JobId,
        placement: &Placement,
        now: Timestamp,
    ) {
        let Some(job) = self.jobs.get(&id) else {
            return;
        };
        let end = match job.time_limit {
            TimeLimit::Limited(d) => now.saturating_add(Duration::from_secs(d.as_secs().max(1))),
            TimeLimit::Unlimited => now.saturating_add(UNLIMITED_PLAN),
        };
        for (alloc, &(n, _)) in job.allocation.iter().zip(&placement.nodes) {
            let used = self.profile_usage(job, alloc);
            profile.add_running(
                n,
                &used,
                end,
                job.user_idx,
                self.running_user_exclusive(job),
            );
        }
    }
}
