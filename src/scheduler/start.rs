//! Starting a job (or an array's next task) on a placement: its allocation on each node,
//! its record, and the Start decision.

use super::Scheduler;
use super::decision::{Decision, GresAllocation, NodeAllocation};
use super::demand::CPU_BUDGET;
use crate::job_id::JobId;
use crate::job_state::JobState;
use crate::planner::Placement;
use crate::time::Timestamp;
use crate::tres::Tres;
use std::cmp::Reverse;

impl Scheduler {
    /// Starts a job (or an array's next task) on a placement. Returns the id of the job
    /// record that started.
    pub(super) fn start_job(
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
        let run_id = self.jobs.task_record(id);
        for (i, &(n, cpus)) in placement.nodes.iter().enumerate() {
            let usage = self.node_usage(n, &demand, cpus, placement.gpus.get(i).copied());
            // The MaxCPUsPerNode budget is the profile's, not a device of the node.
            let gres: Vec<_> = usage
                .gres
                .iter()
                .filter(|(k, _)| k.name != CPU_BUDGET)
                .map(|(k, c)| (k.clone(), *c))
                .collect();
            let Some(rt) = self.site.nodes.get_mut(n as usize) else {
                continue;
            };
            let Some((used, devices)) = rt.allocate(run_id, usage.cpus, usage.memory, &gres) else {
                // The plan and the node disagree: undo and leave the job pending.
                for (i, used, devices) in done {
                    if let Some(rt) = self.site.nodes.get_mut(i) {
                        rt.release(run_id, &used, &devices);
                    }
                }
                return None;
            };
            let name = self
                .site
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
            .site
            .cluster
            .partition_at(part)
            .map(|p| p.name.clone())
            .unwrap_or_default();
        let shared_name = self.jobs.partition_name(part, &partition);
        let time_limit = self
            .jobs
            .get(id)
            .map(|job| Self::time_limit_in(job, self.shape_in(job, part)));
        let run_id = self.jobs.materialize_task(id, run_id);
        let job = self.jobs.get_mut(run_id)?;
        if let Some(limit) = time_limit {
            job.time_limit = limit;
        }
        job.state = JobState::Running;
        job.reason = None;
        job.desc = None;
        job.start = Some(now);
        job.partition = Some(shared_name);
        job.allocation.clone_from(&allocations);
        job.alloc_nodes = done.iter().map(|(n, _, _)| *n as u32).collect();
        self.plan
            .started_nodes
            .extend(done.iter().map(|(n, _, _)| *n as u32));
        let end = Self::planned_end(job);
        self.events.planned_ends.push(Reverse((end, run_id)));
        // It no longer pends (an array's record pends while it has tasks to start).
        self.jobs.pending.swap_remove(&run_id);
        self.dequeue(run_id);
        if run_id != id {
            self.sync_queue(id);
        }
        self.note_running_times(run_id);
        self.preemption.preempting.remove(&id);
        self.limits_begin(run_id, part, &demand, placement);
        decisions.push(Decision::Start {
            job: run_id,
            partition,
            nodes: allocations,
        });
        Some(run_id)
    }
}
