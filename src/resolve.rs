//! Resolving a request against a cluster, the way slurmctld does at submit: pick the
//! partition(s), apply defaults (DefaultTime, DefMemPerCPU or whole-node memory, tasks and
//! CPUs), and decide whether sbatch would reject the job or let it pend.

use crate::cluster::Cluster;
use crate::request::JobRequest;

/// The request as the cluster will schedule it.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ResolvedJob {}

/// Why a job would be rejected at submit.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
#[error("job rejected")]
pub struct Rejection {}

impl Cluster {
    /// Resolves a request against this cluster.
    pub fn resolve(&self, request: &JobRequest) -> Result<ResolvedJob, Rejection> {
        let _ = request;
        todo!("resolve helper")
    }
}
