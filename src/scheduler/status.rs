//! Read-only views for status tools: what `sinfo` shows per partition, and what a user
//! holds against the limits of a QOS (what a site's own "my usage" command shows).

use super::Scheduler;
use crate::job_state::JobState;
use crate::node::NodeUsage;
use crate::tres::{Tres, TresKind};
use serde::Serialize;

/// A partition's nodes and CPUs by state, as `sinfo` summarises them.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
#[non_exhaustive]
pub struct PartitionUsage {
    /// Nodes in the partition.
    pub nodes: u32,
    /// Nodes with nothing allocated that can take jobs.
    pub idle: u32,
    /// Nodes with some CPUs allocated.
    pub mixed: u32,
    /// Nodes with every CPU allocated.
    pub allocated: u32,
    /// Nodes that take no new jobs (DOWN, DRAIN, FAIL...).
    pub unavailable: u32,
    /// CPUs in the partition.
    pub cpus: u32,
    /// CPUs allocated.
    pub cpus_allocated: u32,
    /// GPUs in the partition (every type of GRES `gpu`).
    pub gpus: u64,
    /// GPUs allocated.
    pub gpus_allocated: u64,
}

/// One TRES a user holds under a QOS, next to its `MaxTRESPerUser` limit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LimitUsage {
    /// The TRES.
    pub kind: TresKind,
    /// What the user's running jobs hold.
    pub used: u64,
    /// The QOS limit.
    pub limit: u64,
}

/// What one user holds and waits for.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
#[non_exhaustive]
pub struct UserUsage {
    /// Running jobs.
    pub running_jobs: u32,
    /// Pending jobs (an array's pending tasks count one each).
    pub pending_jobs: u64,
    /// Resources held by the running jobs.
    pub held: Tres,
}

impl Scheduler {
    /// How a partition's nodes are used now.
    ///
    /// ```
    /// use hpcsched::{Cluster, Scheduler, Timestamp};
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let c = Cluster::from_slurm_conf("NodeName=n[1-2] CPUs=8 RealMemory=8000\nPartitionName=p Nodes=n[1-2] Default=YES\n")?;
    /// let mut s = Scheduler::new(c);
    /// s.submit(&hpcsched::sbatch::parse_args(&["-n4", "--mem=1G"])?, "alice", Timestamp(0))?;
    /// s.schedule(Timestamp(0));
    /// let u = s.partition_usage("p").unwrap();
    /// assert_eq!((u.idle, u.mixed, u.cpus_allocated), (1, 1, 4));
    /// # Ok(())
    /// # }
    /// ```
    #[must_use]
    pub fn partition_usage(&self, partition: &str) -> Option<PartitionUsage> {
        let part = self.site.cluster.partition_index(partition)?;
        let mut usage = PartitionUsage::default();
        for &n in self.site.partition_nodes.get(part)? {
            let (Some(node), Some(rt)) = (
                self.site.cluster.node_at(n as usize),
                self.site.nodes.get(n as usize),
            ) else {
                continue;
            };
            usage.nodes += 1;
            usage.cpus += rt.capacity.cpus;
            let used_cpus = rt.capacity.cpus.saturating_sub(rt.free.cpus);
            usage.cpus_allocated += used_cpus;
            usage.gpus += rt.capacity.gres_total("gpu");
            usage.gpus_allocated += rt
                .capacity
                .gres_total("gpu")
                .saturating_sub(rt.free.gres_total("gpu"));
            if !node.is_schedulable() {
                usage.unavailable += 1;
                continue;
            }
            match self.node_usage_state(n as usize) {
                NodeUsage::Idle => usage.idle += 1,
                NodeUsage::Mixed => usage.mixed += 1,
                NodeUsage::Allocated => usage.allocated += 1,
            }
        }
        Some(usage)
    }

    /// IDLE, MIXED or ALLOCATED, from the node's allocations.
    #[must_use]
    pub fn node_alloc_state(&self, name: &str) -> Option<NodeUsage> {
        self.site
            .cluster
            .node_index(name)
            .map(|i| self.node_usage_state(i))
    }

    fn node_usage_state(&self, idx: usize) -> NodeUsage {
        let Some(rt) = self.site.nodes.get(idx) else {
            return NodeUsage::Idle;
        };
        if rt.jobs.is_empty() {
            NodeUsage::Idle
        } else if rt.free.cpus == 0 {
            NodeUsage::Allocated
        } else {
            NodeUsage::Mixed
        }
    }

    /// What a user's jobs hold and wait for.
    #[must_use]
    pub fn user_usage(&self, user: &str) -> UserUsage {
        let mut usage = UserUsage::default();
        for job in self.jobs.iter().filter(|j| j.user() == user) {
            match job.state {
                JobState::Running | JobState::Suspended => {
                    usage.running_jobs += 1;
                    add_allocations(&mut usage.held, &job.allocation);
                }
                JobState::Pending => {
                    usage.pending_jobs += self
                        .jobs
                        .arrays
                        .get(&job.id)
                        .map_or(1, |a| a.tasks.pending_count());
                }
                _ => {}
            }
        }
        usage
    }

    /// A user's running usage next to each `MaxTRESPerUser` limit of a QOS (`None` for an
    /// unknown QOS). Only jobs that run under that QOS count.
    #[must_use]
    pub fn qos_user_usage(&self, qos: &str, user: &str) -> Option<Vec<LimitUsage>> {
        let q = self.site.cluster.qos(qos)?;
        let mut held = Tres::default();
        for job in self.jobs.iter().filter(|j| {
            j.user() == user && j.state == JobState::Running && j.resolved.qos() == Some(qos)
        }) {
            add_allocations(&mut held, &job.allocation);
        }
        Some(
            q.max_tres_per_user
                .0
                .iter()
                .map(|(kind, &limit)| LimitUsage {
                    kind: kind.clone(),
                    used: match kind {
                        TresKind::Cpu => u64::from(held.cpus),
                        TresKind::Mem => held.memory.mib(),
                        TresKind::Node => u64::from(held.nodes),
                        TresKind::Gres(key) => held
                            .gres
                            .iter()
                            .filter(|(k, _)| key.matches(k))
                            .map(|(_, c)| *c)
                            .sum(),
                        _ => 0,
                    },
                    limit,
                })
                .collect(),
        )
    }
}

/// Adds what each allocation holds (one node each) to `total`; a sum too large for its
/// type stays at the last value that fitted.
fn add_allocations(total: &mut Tres, allocations: &[super::NodeAllocation]) {
    for a in allocations {
        if let Ok(sum) = total.checked_add(&a.used()) {
            *total = sum;
        }
        total.nodes = total.nodes.saturating_add(1);
    }
}
