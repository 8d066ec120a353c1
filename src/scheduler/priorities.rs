//! Job priorities: the priority plugin the cluster names, and what it keeps between
//! jobs. Multifactor priorities are computed at each pass
//! ([`super::Scheduler::update_priorities`]); a job's priority lives on the job.

use crate::cluster::Cluster;
use crate::priority::{BasicPriority, PriorityType};
use crate::request::JobRequest;

/// The priorities part.
///
/// Invariant: `dirty` is set whenever a pending job's multifactor priority may be other
/// than the last pass computed (a job was submitted, released or requeued); under
/// priority/basic it is never read.
#[derive(Debug, Clone)]
pub(super) struct Priorities {
    /// The priority plugin (priority/basic or priority/multifactor and its weights).
    pub(super) kind: PriorityType,
    /// priority/basic's FIFO counter.
    pub(super) basic: BasicPriority,
    /// Some pending job's multifactor priority is not computed yet (with no age weight,
    /// nothing else changes it from pass to pass).
    pub(super) dirty: bool,
}

impl Priorities {
    /// The priorities of the cluster's configuration.
    pub(super) fn new(cluster: &Cluster) -> Self {
        // slurm.conf parsing validates the priority keys; a cluster built by hand with bad
        // ones schedules FIFO (priority/basic) rather than fail here.
        let kind = PriorityType::from_config(cluster.config()).unwrap_or(PriorityType::Basic);
        Priorities {
            kind,
            basic: BasicPriority::new(),
            dirty: false,
        }
    }

    /// The priority a job gets at submit or release: its `--priority`, else the next FIFO
    /// priority under priority/basic.
    pub(super) fn initial(&mut self, request: &JobRequest) -> u32 {
        if let Some(p) = request.priority {
            return p;
        }
        if self.kind == PriorityType::Basic {
            return self.basic.next_priority(request.nice.unwrap_or(0));
        }
        // Multifactor priorities are computed at every pass; this is the value before one.
        1
    }
}
