//! Array jobs: one pending record holds every task that has not started; a task gets its
//! own record (and, except the last one, a new job id) when it starts, as in Slurm
//! (`job_array.shtml`: "A task gets its own record when it starts").

use super::job_table::{JobTable, next_job_id};
use crate::job_id::JobId;
use crate::job_state::JobState;

/// Whether an array's next task may start now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ArrayGate {
    /// Not an array job.
    NotArray,
    /// A task may start.
    Ready,
    /// The `%N` throttle is reached (reason JobArrayTaskLimit).
    Throttled,
    /// No task left to start.
    Exhausted,
}

impl JobTable {
    pub(crate) fn array_gate(&self, id: JobId) -> ArrayGate {
        let Some(array) = self.arrays.get(&id) else {
            return ArrayGate::NotArray;
        };
        if array.tasks.pending_count() == 0 {
            return ArrayGate::Exhausted;
        }
        let Some(limit) = array.tasks.throttle().filter(|&t| t > 0) else {
            return ArrayGate::Ready;
        };
        let running = array
            .task_jobs
            .iter()
            .filter(|t| {
                self.get(**t)
                    .is_some_and(|j| matches!(j.state, JobState::Running | JobState::Suspended))
            })
            .count();
        if running >= limit as usize {
            ArrayGate::Throttled
        } else {
            ArrayGate::Ready
        }
    }

    /// The id the next starting task of `id` runs under: a fresh id, or the array's own
    /// id for its last task.
    pub(crate) fn task_record(&self, id: JobId) -> JobId {
        match self.arrays.get(&id) {
            Some(a) if a.tasks.pending_count() > 1 => self.peek_next_id(),
            _ => id,
        }
    }

    /// Splits the next task off the array's pending record under `run_id` (from
    /// [`Self::task_record`]) and returns the id of the record that now runs it.
    pub(crate) fn materialize_task(&mut self, id: JobId, run_id: JobId) -> JobId {
        let Some(array) = self.arrays.get_mut(&id) else {
            return id;
        };
        let Some(task) = array.tasks.take_next() else {
            return id;
        };
        if run_id == id {
            array.task_jobs.push(id);
            if let Some(job) = self.get_mut(id) {
                job.array_task = Some((id, task));
            }
            return id;
        }
        array.task_jobs.push(run_id);
        let Some(mut record) = self.get(id).map(|j| Box::new(j.clone())) else {
            return id;
        };
        record.id = run_id;
        record.array_task = Some((id, task));
        // The array's record stays queued; the task's is not.
        record.queued = None;
        self.insert(run_id, record);
        self.next_id = next_job_id(run_id).0;
        run_id
    }
}
