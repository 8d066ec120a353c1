//! slurmctld's backfill pass (sched/backfill): every job in queue order either starts now
//! without touching any reservation, or gets an expected start and, if allowed, a
//! reservation there.

use super::Scheduler;
use super::arrays::ArrayGate;
use super::decision::Decision;
use super::demand::{JobNodes, ask};
use super::estimate::Planned;
use super::policy::{Backfill, ReservationGranularity};
use super::preemption::BackfillPreempt;
use super::queue::{Entry, QKey, Queue, Source};
use super::reasons::PassState;
use super::start_bounds::StartBounds;
use crate::fast_hash::FastBuild;
use crate::job_id::JobId;
use crate::job_state::PendingReason;
use crate::planner::{Demand, Hold, NodeIdx, Placement, Profile};
use crate::time::{Duration, Timestamp};
use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap, HashMap, HashSet};

/// How long after now backfill plans a job a limit keeps from starting, under
/// `assoc_limit_stop` (`_attempt_backfill()`: `later_start`, else now + 500).
const STOP_DELAY: u64 = 500;

/// A walk cursor's next record: (PriorityTier, highest first), its key, its partition,
/// and what the cursor follows.
type Head = (Reverse<u16>, QKey, usize, Source);

/// What the backfill pass did with one queue record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Visit {
    /// Passed over, started, planned with a start, or stopped by the pass's limits.
    Other,
    /// Asked only "can you start now?" and could not.
    NotNow,
}

/// What the backfill pass counts and caches from one record to the next.
#[derive(Debug, Clone)]
pub(super) struct BackfillWalk {
    pub(super) horizon: Option<Timestamp>,
    tested: u32,
    per_user: BTreeMap<u32, u32>,
    per_part: BTreeMap<usize, u32>,
    reserved_per_part: BTreeMap<usize, u32>,
    /// Jobs given a plan (or found unable to start) this pass.
    pub(super) planned: HashSet<JobId, FastBuild>,
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
    /// Under assoc_limit_stop: by QOS, the planned start of a job a QOS Grp limit held
    /// (`blocked_until`); the QOS's later jobs are planned from there, not tried now.
    qos_blocked_until: BTreeMap<u32, Timestamp>,
    /// A job started after a reservation was made. A pass from scratch then plans that
    /// reservation with the job already running, which can change the nodes it picks
    /// (best fit): the walk can no longer be gone on from.
    pub(super) started_behind_reservation: bool,
    /// A search up to the `bf_window` horizon found nothing: a later pass, whose horizon
    /// is later, may find something (see [`Scheduler::next_clock_change`]).
    pub(super) cut_by_horizon: bool,
    /// The plan as the running jobs alone make it, from which the nodes of a
    /// reservation are picked (see [`Scheduler::will_run_placement`]); Slurm's preset
    /// only.
    pub(super) running: Option<Box<Profile>>,
}

impl BackfillWalk {
    pub(super) fn new(now: Timestamp, bf: &Backfill) -> Self {
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
            qos_blocked_until: BTreeMap::new(),
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
    pub(super) fn backfill_pass(
        &mut self,
        now: Timestamp,
        bf: &Backfill,
        walk: &mut BackfillWalk,
        state: &mut PassState,
        decisions: &mut Vec<Decision>,
        profile: &mut Profile,
    ) -> bool {
        let by_stream = self.switches.reuse_plan
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
        for part in 0..self.queue.eligible.partitions() {
            push(
                &mut heads,
                &self.queue.eligible,
                Source::All(part),
                part,
                None,
            );
        }
        let mut full = vec![false; self.queue.eligible.partitions()];
        while let Some(Reverse((Reverse(tier), key, part, source))) = heads.pop() {
            let stream = match source {
                Source::All(p) if full.get(p).copied().unwrap_or(true) => continue,
                Source::Stream(s) => {
                    let Some((min_cpus, shape)) = self.queue.eligible.stream(s) else {
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
                push(&mut heads, &self.queue.eligible, source, part, Some(key));
            }
            // Partitions that just gave their last reservation: from here on, their streams.
            for p in 0..full.len() {
                if full.get(p).copied().unwrap_or(true) || !walk.part_full(bf, p) {
                    continue;
                }
                if let Some(f) = full.get_mut(p) {
                    *f = true;
                }
                let after = match self.queue.eligible.tier(p).cmp(&tier) {
                    // All of its records came before this one.
                    std::cmp::Ordering::Greater => continue,
                    std::cmp::Ordering::Equal => Some(key),
                    std::cmp::Ordering::Less => None,
                };
                push(&mut heads, &self.queue.eligible, Source::Misc(p), p, after);
                let free = walk.free_cpus_now(profile, p);
                let streams: Vec<u32> = self.queue.eligible.streams_up_to(p, free).collect();
                for s in streams {
                    push(
                        &mut heads,
                        &self.queue.eligible,
                        Source::Stream(s),
                        p,
                        after,
                    );
                }
            }
        }
        true
    }

    /// Backfill for one queue record.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn backfill_entry(
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
            && self.jobs.get(entry.job).is_some_and(|j| {
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
        let Some(job) = self.jobs.get(entry.job) else {
            return Visit::Other;
        };
        if !Self::is_eligible(job) {
            return Visit::Other;
        }
        // It preempted in this second: it waits for its preemptees' nodes.
        if self.preempting_now(entry.job, now) {
            walk.planned.insert(entry.job);
            return Visit::Other;
        }
        // The job-count limits come first and cost nothing: a job they hold back is not
        // counted against bf_max_job_test or the per-user and per-partition counts, and
        // gets no plan (`_attempt_backfill()`).
        if self.limits_held(entry, walk) {
            return Visit::Other;
        }
        let Some(job) = self.jobs.get(entry.job) else {
            return Visit::Other;
        };
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
                    self.site
                        .cluster
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
            match self.jobs.array_gate(entry.job) {
                ArrayGate::Throttled => {
                    self.set_reason(entry.job, PendingReason::JobArrayTaskLimit);
                    // Not Priority: a main pass that does not walk it settles it.
                    self.queue.unsettled.push(entry.job);
                    walk.planned.insert(entry.job);
                    return Visit::Other;
                }
                ArrayGate::Exhausted => return Visit::Other,
                ArrayGate::NotArray | ArrayGate::Ready => {}
            }
            // An array's next task, after one started, is held to its usage.
            if self.limits_held(entry, walk) {
                return Visit::Other;
            }
            // A job of a QOS whose Grp limit held an earlier job is planned from that
            // job's start (`later_start = qos_blocked_until`), not tried now (observed on
            // 22.05, fidelity accounting f05: "QOS blocked_until move start_res").
            let blocked_until = self.qos_blocked_from(entry, walk);
            let found = match blocked_until {
                Some(from) => self.plan_from(entry, profile, from, walk.horizon),
                None => self.best_placement(
                    entry.job,
                    entry.part,
                    per_record,
                    profile,
                    &mut walk.bounds,
                    now,
                    search_until,
                ),
            };
            // Gang scheduling: over lower-tier jobs' CPUs, at once.
            if self.preemption_on()
                && blocked_until.is_none()
                && found.as_ref().is_none_or(|(_, _, p)| p.start > now)
                && let Some((demand, nodes)) = self.demand_in(entry.job, entry.part)
                && let Some(nodes) = self.without_held(profile, entry.part, &demand, nodes)
                && let Some(placement) =
                    self.gang_placement(entry.part, &demand, &nodes, profile, now)
                && self
                    .limits_post_select(entry.job, entry.part, &demand, Some(&placement))
                    .is_none()
            {
                let Some(started) =
                    self.start_over_lower_tiers(entry.job, entry.part, &placement, now, decisions)
                else {
                    return Visit::Other;
                };
                self.add_to_profile(profile, started, &placement, now);
                if self.jobs.arrays.contains_key(&entry.job) {
                    continue;
                }
                state.handled.insert(entry.job);
                return Visit::Other;
            }
            // A job that may preempt and cannot start now is tried again on a plan
            // without its preemption candidates: it preempts if it fits now there, or
            // is planned there.
            let found = match found {
                _ if !self.preemption_on() || blocked_until.is_some() => found,
                Some((_, _, ref p)) if p.start == now => found,
                _ => match self.backfill_preempt(entry, profile, now, walk.horizon, decisions) {
                    Some(BackfillPreempt::Planned(planned)) => match found {
                        Some((_, _, ref p)) if p.start <= planned.1.start => found,
                        _ => {
                            let (demand, plan) = *planned;
                            Some((entry.part, demand, plan))
                        }
                    },
                    Some(BackfillPreempt::NoPlan) => None,
                    Some(BackfillPreempt::Preempted) => {
                        self.set_reason(entry.job, PendingReason::Resources);
                        walk.planned.insert(entry.job);
                        return Visit::Other;
                    }
                    None => found,
                },
            };
            // A multi-partition job starts in whichever partition lets it start earliest.
            let Some((part, demand, placement)) = found else {
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
            // Held by a limit on the nodes it would get now: no start, and no plan
            // ("Unknown future start time, just skip job"); under assoc_limit_stop it is
            // planned from now + 500 s and reserves there (`later_start`, observed on
            // 22.05, fidelity accounting f05: "Failed to start ... Job violates
            // accounting/QOS policy", then a plan at now+500).
            let held = (placement.start == now)
                .then(|| {
                    self.limits_pre_select(entry.job, part).or_else(|| {
                        self.limits_post_select(entry.job, part, &demand, Some(&placement))
                    })
                })
                .flatten();
            let was_held = held.is_some();
            let placement = match held {
                Some(reason) if !self.limits.stop => {
                    self.set_reason(entry.job, reason);
                    walk.planned.insert(entry.job);
                    return Visit::Other;
                }
                Some(reason) => {
                    let grp = reason.as_str().starts_with("QOSGrp");
                    self.set_reason(entry.job, reason);
                    let later = now.saturating_add(Duration::from_secs(STOP_DELAY));
                    if grp {
                        for q in self.grp_limited_qos(entry.job, part) {
                            let until = walk.qos_blocked_until.entry(q).or_insert(later);
                            *until = (*until).max(later);
                        }
                    }
                    let Some(candidates) =
                        self.without_held(profile, part, &demand, self.candidates(entry.job, part))
                    else {
                        walk.planned.insert(entry.job);
                        return Visit::Other;
                    };
                    let Some(p) = ask(profile, part, &demand, &candidates, later, walk.horizon)
                    else {
                        walk.planned.insert(entry.job);
                        return Visit::Other;
                    };
                    p
                }
                None => placement,
            };
            if placement.start == now {
                let Some(started) = self.start_job(entry.job, part, &placement, now, decisions)
                else {
                    return Visit::Other;
                };
                self.add_to_profile(profile, started, &placement, now);
                walk.started_behind_reservation |= !walk.reserved_per_part.is_empty();
                if self.jobs.arrays.contains_key(&entry.job) {
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
            let nodes: Vec<NodeIdx> = placement.nodes.iter().map(|&(n, _)| n).collect();
            // Planned for later but held by a TRES limit with what runs now: it keeps its
            // planned start and gets no reservation, so later jobs may take its nodes
            // (`_attempt_backfill()`, "adding reservation ... blocked by
            // acct_policy_job_runnable_post_select"), and shows no planned nodes
            // (observed on 22.05, fidelity accounting f03).
            if let Some(reason) = (!self.limits.stop && !was_held)
                .then(|| self.limits_post_select(entry.job, part, &demand, Some(&placement)))
                .flatten()
            {
                self.set_reason(entry.job, reason);
                state.planned.insert(
                    entry.job,
                    Planned {
                        part,
                        start: Some(placement.start),
                        nodes: Vec::new(),
                    },
                );
                walk.planned.insert(entry.job);
                return Visit::Other;
            }
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
                .jobs
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

    /// When a job's QOS are blocked until (the latest `blocked_until` of its QOS in this
    /// partition), if later than now.
    fn qos_blocked_from(&self, entry: Entry, walk: &BackfillWalk) -> Option<Timestamp> {
        if walk.qos_blocked_until.is_empty() {
            return None;
        }
        self.job_qos_indices(entry.job, entry.part)
            .into_iter()
            .filter_map(|q| walk.qos_blocked_until.get(&q).copied())
            .max()
    }

    /// The QOS of a job in a partition that have a Grp limit (`job_state_qos_grp_limit()`
    /// names the blocking one; either may be it).
    fn grp_limited_qos(&self, id: JobId, part: usize) -> Vec<u32> {
        let cluster = &self.site.cluster;
        self.job_qos_indices(id, part)
            .into_iter()
            .filter(|&q| {
                cluster
                    .qos_list()
                    .nth(q as usize)
                    .is_some_and(|qos| qos.grp_jobs.is_some() || !qos.grp_tres.is_empty())
            })
            .collect()
    }

    /// The indices of a job's QOS and its partition's.
    fn job_qos_indices(&self, id: JobId, part: usize) -> Vec<u32> {
        let cluster = &self.site.cluster;
        let Some(job) = self.jobs.get(id) else {
            return Vec::new();
        };
        let job_qos = job.resolved.qos().and_then(|q| cluster.qos_full(q));
        let part_qos = cluster
            .partition_at(part)
            .and_then(|p| p.qos.as_deref())
            .and_then(|q| cluster.qos_full(q));
        job_qos
            .into_iter()
            .chain(part_qos)
            .map(|(i, _)| i)
            .collect()
    }

    /// A job's plan in its record's partition from `from` on (no start now).
    fn plan_from(
        &self,
        entry: Entry,
        profile: &Profile,
        from: Timestamp,
        horizon: Option<Timestamp>,
    ) -> Option<(usize, Demand, Placement)> {
        let (demand, candidates) = self.demand_in(entry.job, entry.part)?;
        let candidates = self.without_held(profile, entry.part, &demand, candidates)?;
        let p = ask(profile, entry.part, &demand, &candidates, from, horizon)?;
        Some((entry.part, demand, p))
    }

    /// Whether the job-count limits hold the job back in this partition now: it then
    /// waits with their reason and gets no plan this pass.
    fn limits_held(&mut self, entry: Entry, walk: &mut BackfillWalk) -> bool {
        // Under assoc_limit_stop backfill tries it (and plans it when it cannot start).
        if self.limits.stop {
            return false;
        }
        let Some(reason) = self.limits_pre_select(entry.job, entry.part) else {
            return false;
        };
        self.set_reason(entry.job, reason);
        walk.planned.insert(entry.job);
        true
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
                self.site
                    .partition_nodes
                    .get(part)
                    .cloned()
                    .unwrap_or_default(),
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
        let job = self.jobs.get(id)?;
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
            let Some(this) = self.site.cluster.partition_index(name) else {
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
    pub(super) fn without_held(
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
                self.site
                    .partition_nodes
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
}
