//! The pending queue, kept from one pass to the next.
//!
//! A pass walks the eligible jobs in Slurm's order: PriorityTier, priority, submit time,
//! job id. Building and sorting that list at every pass costs as much as the queue is
//! long, which a replay of a real trace cannot afford (thousands of pending jobs, a pass
//! at every submit and every end). So the queue is kept: a job enters when it becomes
//! eligible and leaves when it starts, ends, or stops being eligible (held, re-keyed).
//!
//! Each partition's entries are also grouped in *streams* of one shape: the same demand
//! on the same candidate nodes (the whole partition). Within one backfill pass the plan
//! only loses resources, so once a job of a stream cannot start now, no later job of that
//! stream can (the argument of the pass's start bounds), and a stream whose jobs need more
//! CPUs than the partition has free now cannot start anything. Once a partition's
//! reservations are used up (EASY), the pass visits only the streams that might still
//! start a job, not every job behind the reservation. Jobs of several partitions, arrays
//! and jobs restricted to some nodes are in no stream: they are always visited.

use super::job::Queued;
use super::start_bounds::ShapeKey;
use crate::fast_hash::FastBuild;
use crate::job_id::JobId;
use crate::job_state::JobState;
use crate::time::Timestamp;
use std::cmp::Reverse;
use std::collections::{BTreeSet, HashMap};
use std::ops::Bound;

/// A queue entry's place in Slurm's order within one partition, packed so that the
/// integer order is the queue order: priority (descending), submit time, job id, then the
/// partition's position in the job's own list (a job submitted to `-p b,a` is tried in
/// `b` first).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct QKey(u128);

/// Job ids fit in 26 bits (Slurm's `MAX_JOB_ID`).
const JOB_BITS: u32 = 26;
const POS_BITS: u32 = 128 - 32 - 64 - JOB_BITS;

impl QKey {
    pub(crate) fn new(priority: u32, submit: Timestamp, job: JobId, pos: usize) -> Self {
        let pos = pos.min((1 << POS_BITS) - 1) as u128;
        let job = u128::from(job.0 & ((1 << JOB_BITS) - 1));
        QKey(u128::from(!priority) << 96 | u128::from(submit.0) << 32 | job << POS_BITS | pos)
    }

    pub(crate) fn job(self) -> JobId {
        JobId(((self.0 >> POS_BITS) & ((1 << JOB_BITS) - 1)) as u32)
    }

    #[cfg(test)]
    fn priority(self) -> u32 {
        !((self.0 >> 96) as u32)
    }

    #[cfg(test)]
    fn submit(self) -> Timestamp {
        Timestamp((self.0 >> 32) as u64)
    }
}

const MISC: u32 = u32::MAX;

/// One partition's entries.
#[derive(Debug, Clone, Default)]
struct PartQueue {
    tier: u16,
    /// Every entry, in queue order.
    all: BTreeSet<QKey>,
    /// The entries in no stream.
    misc: BTreeSet<QKey>,
    /// The partition's streams by the CPUs their jobs need at least.
    by_cpus: BTreeSet<(u32, u32)>,
}

/// Entries of one shape in one partition.
#[derive(Debug, Clone)]
struct Stream {
    part: usize,
    min_cpus: u32,
    shape: ShapeKey,
    entries: BTreeSet<QKey>,
}

/// What a walk cursor follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Source {
    /// Every entry of a partition.
    All(usize),
    /// A partition's entries in no stream.
    Misc(usize),
    /// One stream.
    Stream(u32),
}

/// One queue record: a job (or an array's next pending task) in one partition.
#[derive(Debug, Clone, Copy)]
pub(super) struct Entry {
    pub(super) job: JobId,
    pub(super) part: usize,
}

/// The queue. See the module docs.
#[derive(Debug, Clone, Default)]
pub(crate) struct Queue {
    parts: Vec<PartQueue>,
    streams: Vec<Option<Stream>>,
    free_streams: Vec<u32>,
    by_shape: HashMap<ShapeKey, u32, FastBuild>,
    /// How many queued jobs have records in several partitions.
    multi: usize,
}

impl Queue {
    /// An empty queue over partitions of these PriorityTiers.
    pub(crate) fn new(tiers: impl IntoIterator<Item = u16>) -> Self {
        Queue {
            parts: tiers
                .into_iter()
                .map(|tier| PartQueue {
                    tier,
                    ..PartQueue::default()
                })
                .collect(),
            ..Queue::default()
        }
    }

    /// Queues a job with entries in `parts` (partition index, position in the job's
    /// list); `shape`: its stream's shape and the CPUs its jobs need at least, for a job of
    /// one partition that may use all of it.
    pub(crate) fn insert(
        &mut self,
        job: JobId,
        priority: u32,
        submit: Timestamp,
        parts: &[(usize, usize)],
        shape: Option<(ShapeKey, u32)>,
    ) -> Queued {
        let stream = match shape {
            Some((shape, min_cpus)) if parts.len() == 1 => self.stream_for(shape, min_cpus),
            _ => MISC,
        };
        if parts.len() > 1 {
            self.multi += 1;
        }
        for &(part, pos) in parts {
            let key = QKey::new(priority, submit, job, pos);
            let Some(pq) = self.parts.get_mut(part) else {
                continue;
            };
            pq.all.insert(key);
            match self
                .streams
                .get_mut(stream as usize)
                .and_then(Option::as_mut)
            {
                Some(s) => {
                    s.entries.insert(key);
                }
                None => {
                    pq.misc.insert(key);
                }
            }
        }
        Queued { priority, stream }
    }

    /// Takes a job out; `parts` as it was queued with.
    pub(crate) fn remove(
        &mut self,
        job: JobId,
        submit: Timestamp,
        queued: Queued,
        parts: &[(usize, usize)],
    ) {
        if parts.len() > 1 {
            self.multi = self.multi.saturating_sub(1);
        }
        for &(part, pos) in parts {
            let key = QKey::new(queued.priority, submit, job, pos);
            if let Some(pq) = self.parts.get_mut(part) {
                pq.all.remove(&key);
                pq.misc.remove(&key);
            }
            if let Some(s) = self
                .streams
                .get_mut(queued.stream as usize)
                .and_then(Option::as_mut)
            {
                s.entries.remove(&key);
            }
        }
        self.drop_stream_if_empty(queued.stream);
    }

    fn stream_for(&mut self, shape: ShapeKey, min_cpus: u32) -> u32 {
        if let Some(&id) = self.by_shape.get(&shape) {
            return id;
        }
        let part = shape.part;
        let stream = Stream {
            part,
            min_cpus,
            shape: shape.clone(),
            entries: BTreeSet::new(),
        };
        let id = match self.free_streams.pop() {
            Some(id) => {
                if let Some(slot) = self.streams.get_mut(id as usize) {
                    *slot = Some(stream);
                }
                id
            }
            None => {
                self.streams.push(Some(stream));
                (self.streams.len() - 1) as u32
            }
        };
        self.by_shape.insert(shape, id);
        if let Some(pq) = self.parts.get_mut(part) {
            pq.by_cpus.insert((min_cpus, id));
        }
        id
    }

    fn drop_stream_if_empty(&mut self, id: u32) {
        let Some(slot) = self.streams.get_mut(id as usize) else {
            return;
        };
        if slot.as_ref().is_none_or(|s| !s.entries.is_empty()) {
            return;
        }
        if let Some(s) = slot.take() {
            self.by_shape.remove(&s.shape);
            if let Some(pq) = self.parts.get_mut(s.part) {
                pq.by_cpus.remove(&(s.min_cpus, id));
            }
            self.free_streams.push(id);
        }
    }

    /// The last record in the pass's order.
    pub(crate) fn last(&self) -> Option<(Reverse<u16>, QKey)> {
        self.parts
            .iter()
            .filter_map(|p| Some((Reverse(p.tier), *p.all.last()?)))
            .max()
    }

    /// A partition's PriorityTier.
    pub(crate) fn tier(&self, part: usize) -> u16 {
        self.parts.get(part).map_or(0, |p| p.tier)
    }

    /// How many queued jobs have records in several partitions.
    pub(crate) fn multi_record_jobs(&self) -> usize {
        self.multi
    }

    /// The number of partitions.
    pub(crate) fn partitions(&self) -> usize {
        self.parts.len()
    }

    /// The first entry of `source` after `after` (from the start: `None`).
    pub(crate) fn next(&self, source: Source, after: Option<QKey>) -> Option<QKey> {
        let set = match source {
            Source::All(p) => &self.parts.get(p)?.all,
            Source::Misc(p) => &self.parts.get(p)?.misc,
            Source::Stream(s) => &self.streams.get(s as usize)?.as_ref()?.entries,
        };
        let lower = after.map_or(Bound::Unbounded, Bound::Excluded);
        set.range((lower, Bound::Unbounded)).next().copied()
    }

    /// The streams of partition `part` whose jobs need at most `cpus` CPUs.
    pub(crate) fn streams_up_to(&self, part: usize, cpus: u64) -> impl Iterator<Item = u32> + '_ {
        let max = u32::try_from(cpus).unwrap_or(u32::MAX);
        self.parts
            .get(part)
            .into_iter()
            .flat_map(move |p| p.by_cpus.range(..=(max, u32::MAX)).map(|&(_, s)| s))
    }

    /// The CPUs a stream's jobs need at least, and its shape.
    pub(crate) fn stream(&self, id: u32) -> Option<(u32, &ShapeKey)> {
        self.streams
            .get(id as usize)
            .and_then(Option::as_ref)
            .map(|s| (s.min_cpus, &s.shape))
    }

    /// Every entry, in the pass's order: PriorityTier (highest first), then each
    /// partition's own order; entries of equal rank in several partitions (one job of
    /// several partitions) in the job's order of its partitions.
    pub(crate) fn ordered(&self) -> Vec<(usize, QKey)> {
        let mut all: Vec<(Reverse<u16>, QKey, usize)> = Vec::new();
        for (i, p) in self.parts.iter().enumerate() {
            all.extend(p.all.iter().map(|&k| (Reverse(p.tier), k, i)));
        }
        all.sort_unstable();
        all.into_iter().map(|(_, k, p)| (p, k)).collect()
    }
}

impl super::Scheduler {
    /// The partitions a job is queued in (index, position in its list): the ones it may
    /// run in (`build_job_queue()` gives a partition the job cannot run in no record).
    fn queue_parts(&self, id: JobId) -> Vec<(usize, usize)> {
        let Some(job) = self.jobs.get(id) else {
            return Vec::new();
        };
        if let [name] = job.resolved.partitions() {
            // The common case, without an iterator chain.
            return match self.site.cluster.partition_index(name) {
                Some(part) if !job.resolved.blocked_by_limits_at(0) => vec![(part, 0)],
                _ => Vec::new(),
            };
        }
        job.resolved
            .partitions()
            .iter()
            .enumerate()
            .filter(|&(i, _)| !job.resolved.blocked_by_limits_at(i))
            .filter_map(|(i, name)| Some((self.site.cluster.partition_index(name)?, i)))
            .collect()
    }

    /// Whether a job belongs in the queue: pending, eligible, with a task left to start.
    fn wants_queue(&self, id: JobId) -> bool {
        self.jobs.get(id).is_some_and(|j| {
            j.state == JobState::Pending
                && j.eligible.is_some()
                && self
                    .jobs
                    .arrays
                    .get(&id)
                    .is_none_or(|a| a.tasks.pending_count() > 0)
        })
    }

    /// Brings a job's queue entries in line with its state and priority.
    pub(crate) fn sync_queue(&mut self, id: JobId) {
        let want = self.wants_queue(id);
        let current = self
            .jobs
            .get(id)
            .and_then(|j| j.queued.map(|q| (q, j.priority)));
        if want && current.is_some_and(|(q, priority)| q.priority == priority) {
            return;
        }
        self.dequeue(id);
        if want {
            self.enqueue(id);
        }
    }

    fn enqueue(&mut self, id: JobId) {
        let parts = self.queue_parts(id);
        let Some(job) = self.jobs.get(id) else {
            return;
        };
        let (priority, submit) = (job.priority, job.submit);
        // A stream holds jobs of one partition that may use all of it, one task at a time.
        let shape = match parts.as_slice() {
            [(part, _)]
                if job.resolved.partitions().len() == 1
                    && job.resolved.request().array.is_none() =>
            {
                match self.demand_in(id, *part) {
                    Some((demand, super::demand::JobNodes::Partition)) => {
                        let user = if demand.user_exclusive {
                            demand.user
                        } else {
                            0
                        };
                        // A whole-node job's chance depends on idle nodes, not free CPUs.
                        let min_cpus = if demand.whole_node {
                            0
                        } else {
                            demand.total_cpus
                        };
                        Some((
                            ShapeKey {
                                part: *part,
                                demand,
                                user,
                            },
                            min_cpus,
                        ))
                    }
                    _ => None,
                }
            }
            _ => None,
        };
        let queued = self
            .queue
            .eligible
            .insert(id, priority, submit, &parts, shape);
        if let Some(job) = self.jobs.get_mut(id) {
            job.queued = Some(queued);
        }
        self.queue.unsettled.push(id);
        self.queue.arrivals.push(id);
    }

    /// Takes a job out of the queue (if it is in).
    pub(crate) fn dequeue(&mut self, id: JobId) {
        let Some(queued) = self.jobs.get_mut(id).and_then(|j| j.queued.take()) else {
            return;
        };
        let parts = self.queue_parts(id);
        let submit = self.jobs.get(id).map_or(Timestamp(0), |j| j.submit);
        self.queue.eligible.remove(id, submit, queued, &parts);
        self.queue.left = true;
    }

    /// A queued job's records (partition, key), in the pass's order.
    pub(crate) fn queue_records(&self, id: JobId) -> Vec<(Reverse<u16>, QKey, usize)> {
        let Some((queued, submit)) = self.jobs.get(id).and_then(|j| Some((j.queued?, j.submit)))
        else {
            return Vec::new();
        };
        self.queue_parts(id)
            .into_iter()
            .map(|(part, pos)| {
                (
                    Reverse(self.queue.eligible.tier(part)),
                    QKey::new(queued.priority, submit, id, pos),
                    part,
                )
            })
            .collect()
    }

    /// Every queue record in the pass's order (see [`super::queue::Queue::ordered`]).
    pub(super) fn queue_entries(&self) -> Vec<Entry> {
        self.queue
            .eligible
            .ordered()
            .into_iter()
            .map(|(part, key)| Entry {
                job: key.job(),
                part,
            })
            .collect()
    }

    /// Builds the queue again from every job (the reference the kept queue is tested
    /// against).
    pub(crate) fn rebuild_queue(&mut self) {
        self.queue.eligible = Queue::new(self.site.cluster.partitions().map(|p| p.priority_tier));
        let ids: Vec<JobId> = self.jobs.ids().collect();
        for id in ids {
            if let Some(job) = self.jobs.get_mut(id) {
                job.queued = None;
            }
            if self.wants_queue(id) {
                self.enqueue(id);
            }
        }
    }

    /// Whether a pending job must be looked at by every pass (see `watch`).
    pub(crate) fn needs_watch(&self, id: JobId, now: Timestamp) -> bool {
        self.jobs.get(id).is_some_and(|job| {
            let request = job.resolved.request();
            job.state == JobState::Pending
                && (job.hold.is_some()
                    || job.eligible.is_none()
                    || job.dependency.is_some()
                    || request.deadline.is_some()
                    || !request.nodelist.is_empty()
                    || job.resolved.pending_reason().is_some()
                    || request
                        .begin
                        .as_ref()
                        .is_some_and(|b| b.resolve(job.submit) > now))
        })
    }

    /// Records a running job's planned end and TIMEOUT instant.
    pub(crate) fn note_running_times(&mut self, id: JobId) {
        let Some(job) = self.jobs.get(id) else {
            return;
        };
        let end = Self::planned_end(job);
        let kill = self.kill_time(job);
        self.events.note_running(id, end, kill);
    }

    /// Forgets what [`Self::note_running_times`] recorded (before the job's start or time
    /// limit change, or it stops running).
    pub(crate) fn forget_running_times(&mut self, id: JobId) {
        let Some(job) = self.jobs.get(id) else {
            return;
        };
        if !matches!(job.state, JobState::Running | JobState::Suspended) {
            return;
        }
        let end = Self::planned_end(job);
        let kill = self.kill_time(job);
        self.events.forget_running(id, end, kill);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_order_like_slurms_queue() {
        let k = |prio, submit, job, pos| QKey::new(prio, Timestamp(submit), JobId(job), pos);
        // Higher priority first, then earlier submit, then lower id, then list position.
        assert!(k(10, 5, 9, 0) < k(9, 0, 1, 0));
        assert!(k(10, 4, 9, 0) < k(10, 5, 1, 0));
        assert!(k(10, 4, 1, 3) < k(10, 4, 2, 0));
        assert!(k(10, 4, 1, 0) < k(10, 4, 1, 1));
        let key = k(u32::MAX, 1_700_000_000, 0x03FF_FFFF, 2);
        assert_eq!(
            (key.priority(), key.submit(), key.job()),
            (u32::MAX, Timestamp(1_700_000_000), JobId(0x03FF_FFFF))
        );
        assert_eq!(k(0, 0, 7, 0).job(), JobId(7));
    }
}
