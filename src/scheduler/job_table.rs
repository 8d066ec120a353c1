//! The job table: every job the scheduler knows, pending, running and finished, until it
//! is purged, with what jobs share (user names, partition names and lists) and the job ids
//! handed out.

use super::job::Job;
use crate::array::ArrayTasks;
use crate::cluster::Cluster;
use crate::fast_hash::FastBuild;
use crate::job_id::JobId;
use crate::time::Timestamp;
use indexmap::{IndexMap, IndexSet};
use std::collections::{BTreeMap, VecDeque};
use std::sync::Arc;

/// Slurm's largest job id (`MAX_JOB_ID`); ids wrap back to 1 after it.
const MAX_JOB_ID: u32 = 0x03FF_FFFF;

/// A pending array job's tasks that have not started yet.
#[derive(Debug, Clone)]
pub(crate) struct ArrayState {
    pub(crate) tasks: ArrayTasks,
    /// Ids of the tasks that got their own record, in start order.
    pub(crate) task_jobs: Vec<JobId>,
}

/// The job table.
///
/// Invariants:
/// - `pending` holds exactly the jobs in state Pending: an array's record stays there
///   while it has tasks to start; a started task has its own record, under a fresh id
///   (under the array's id for its last task).
/// - `arrays` has an entry for every array job until the array is purged, or ends
///   before all its tasks started (`JobTable::forget_array`).
/// - `finished` holds ended jobs in the order they ended, under that end; an entry whose
///   job has been requeued (or has ended again) since is stale and skipped.
/// - `next_id` is where the search for a free id starts: no id of `jobs` or `arrays` is
///   handed out again (`JobTable::peek_next_id`).
/// - `users` and `partition_lists` only grow; a job's `user_idx` is its user's index in
///   `users`; `partition_names` has one name per partition, in definition order.
#[derive(Debug, Clone)]
pub(super) struct JobTable {
    // Insertion order is submission order (and start order for array tasks), so iteration
    // is deterministic; a B-tree left about half of every node empty with sequential ids.
    // Records are boxed: the map's doubling growth then leaves slack on small entries
    // (hash, id, pointer) rather than on whole job records.
    jobs: IndexMap<JobId, Box<Job>, FastBuild>,
    /// Array jobs' tasks, by array job id.
    pub(super) arrays: BTreeMap<JobId, ArrayState>,
    /// Each user's name, shared by that user's jobs, and index.
    pub(super) users: IndexMap<Arc<str>, u32, FastBuild>,
    /// Account names, by index (a job without one has the empty name).
    pub(super) accounts: IndexSet<Box<str>, FastBuild>,
    /// Each partition's name by definition index, shared by the jobs that run there.
    pub(super) partition_names: Vec<Arc<str>>,
    /// Every distinct partition list of a submitted job, shared by the jobs that have it.
    pub(super) partition_lists: IndexSet<Arc<[String]>>,
    /// The next job id to hand out, if it is free.
    pub(super) next_id: u32,
    /// Pending jobs (an array whose tasks have not all started counts once).
    pub(super) pending: IndexSet<JobId, FastBuild>,
    /// Jobs in the order they ended, for [`super::Scheduler::purge_finished`].
    pub(super) finished: VecDeque<(Timestamp, JobId)>,
}

impl JobTable {
    /// An empty table for the partitions of `cluster`.
    pub(super) fn new(cluster: &Cluster) -> Self {
        JobTable {
            jobs: IndexMap::default(),
            arrays: BTreeMap::new(),
            users: IndexMap::default(),
            accounts: IndexSet::default(),
            partition_names: cluster
                .partitions()
                .map(|p| Arc::from(p.name.as_str()))
                .collect(),
            partition_lists: IndexSet::new(),
            next_id: 1,
            pending: IndexSet::default(),
            finished: VecDeque::new(),
        }
    }

    /// A job by id.
    pub(super) fn get(&self, id: JobId) -> Option<&Job> {
        self.jobs.get(&id).map(|j| &**j)
    }

    /// A job by id, to change it.
    pub(super) fn get_mut(&mut self, id: JobId) -> Option<&mut Job> {
        self.jobs.get_mut(&id).map(|j| &mut **j)
    }

    /// Whether the table has a job of this id.
    pub(super) fn contains(&self, id: JobId) -> bool {
        self.jobs.contains_key(&id)
    }

    /// Every job, in submission order (an array task that got its own record comes when
    /// it started).
    pub(super) fn iter(&self) -> impl Iterator<Item = &Job> {
        self.jobs.values().map(|j| &**j)
    }

    /// Every job id, in the order of [`Self::iter`].
    pub(super) fn ids(&self) -> impl Iterator<Item = JobId> + '_ {
        self.jobs.keys().copied()
    }

    /// Adds a job record (or replaces the one of the same id).
    pub(super) fn insert(&mut self, id: JobId, job: Box<Job>) {
        self.jobs.insert(id, job);
    }

    /// Keeps only the jobs whose id `keep` accepts, in their order.
    pub(super) fn retain(&mut self, mut keep: impl FnMut(JobId) -> bool) {
        self.jobs.retain(|id, _| keep(*id));
    }

    /// The id the next job gets: `next_id`, or the first free one after it.
    pub(super) fn peek_next_id(&self) -> JobId {
        let mut id = self.next_id;
        while self.jobs.contains_key(&JobId(id)) || self.arrays.contains_key(&JobId(id)) {
            id = next_job_id(JobId(id)).0;
        }
        JobId(id)
    }

    /// The user's index and shared name, adding the user on first sight.
    pub(super) fn user_index(&mut self, user: &str) -> (u32, Arc<str>) {
        if let Some((name, &idx)) = self.users.get_key_value(user) {
            return (idx, Arc::clone(name));
        }
        let idx = self.users.len() as u32;
        let name: Arc<str> = Arc::from(user);
        self.users.insert(Arc::clone(&name), idx);
        (idx, name)
    }

    /// The name of the partition at `index`, shared with the scheduler's table (a fresh
    /// copy if the table does not know it).
    /// The index of an account name, added if new.
    pub(super) fn account_index(&mut self, account: &str) -> u32 {
        let (idx, _) = self.accounts.insert_full(account.into());
        u32::try_from(idx).unwrap_or(u32::MAX)
    }

    pub(super) fn partition_name(&self, index: usize, name: &str) -> Arc<str> {
        match self.partition_names.get(index) {
            Some(shared) if **shared == *name => Arc::clone(shared),
            _ => Arc::from(name),
        }
    }
}

/// The job id after `id`, wrapping back to 1 after Slurm's largest.
pub(super) fn next_job_id(id: JobId) -> JobId {
    if id.0 >= MAX_JOB_ID {
        JobId(1)
    } else {
        JobId(id.0 + 1)
    }
}
