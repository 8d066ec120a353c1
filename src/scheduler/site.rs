//! The site: the cluster the scheduler runs (its configuration, and its node and
//! partition states as the host's events left them), the policy it is scheduled by, and
//! what each node holds now.

use super::demand::CPU_BUDGET;
use super::nodes::NodeRuntime;
use super::policy::Policy;
use crate::cluster::Cluster;
use crate::gres::GresKey;
use indexmap::IndexMap;

/// The cluster state.
///
/// Invariants: `nodes` has one entry per node of `cluster`, and `partition_nodes` and
/// `cpu_budgets` one per partition, in definition order (nodes and partitions are never
/// added or removed; only their states change). `nodes[i]` holds exactly the running
/// jobs whose allocation names node `i`, and what they leave free.
#[derive(Debug, Clone)]
pub(super) struct Site {
    pub(super) cluster: Cluster,
    pub(super) policy: Policy,
    /// What each node has free now, and the jobs running on it, by node index.
    pub(super) nodes: Vec<NodeRuntime>,
    /// Node indices of each partition, in partition definition order.
    pub(super) partition_nodes: Vec<Vec<u32>>,
    /// By partition: the planner key of its MaxCPUsPerNode, if it has one (see
    /// [`Site::cpu_budget_key`]).
    pub(super) cpu_budgets: Vec<Option<GresKey>>,
    /// [`crate::SchedConfig::memory_is_consumable`], read once.
    pub(super) memory_consumable: bool,
    /// Nodes and CPUs in the cluster (the job-size priority factor's denominators).
    pub(super) cluster_nodes: u32,
    pub(super) cluster_cpus: u32,
    /// The highest partition PriorityJobFactor (at least 1) and QOS Priority (the
    /// multifactor priority's normalisations).
    pub(super) max_partition_job_factor: u16,
    pub(super) max_qos_priority: u32,
    /// The lowest partition PriorityTier: a job of that tier preempts nobody under
    /// preempt/partition_prio.
    pub(super) min_tier: u16,
}

impl Site {
    /// The site of a cluster, scheduled by `policy`, with nothing running.
    pub(super) fn new(cluster: Cluster, policy: Policy) -> Self {
        let nodes: Vec<NodeRuntime> = cluster.nodes().map(NodeRuntime::new).collect();
        let names: IndexMap<&str, u32> = cluster
            .nodes()
            .enumerate()
            .map(|(i, n)| (n.name.as_str(), i as u32))
            .collect();
        let partition_nodes = cluster
            .partitions()
            .map(|p| {
                p.nodes
                    .iter()
                    .filter_map(|n| names.get(n.as_str()).copied())
                    .collect()
            })
            .collect();
        let memory_consumable = cluster.config().memory_is_consumable();
        let cluster_nodes = u32::try_from(cluster.nodes().len()).unwrap_or(u32::MAX);
        let cluster_cpus = cluster
            .nodes()
            .fold(0u32, |acc, n| acc.saturating_add(n.cpus));
        let max_partition_job_factor = cluster
            .partitions()
            .map(|p| p.priority_job_factor)
            .max()
            .unwrap_or(1)
            .max(1);
        let max_qos_priority = cluster.qos_list().map(|q| q.priority).max().unwrap_or(0);
        let min_tier = cluster
            .partitions()
            .map(|p| p.priority_tier)
            .min()
            .unwrap_or(0);
        let cpu_budgets = cluster
            .partitions()
            .map(|p| {
                p.max_cpus_per_node
                    .map(|_| GresKey::typed(CPU_BUDGET, p.name.clone()))
            })
            .collect();
        Site {
            cluster,
            policy,
            nodes,
            partition_nodes,
            cpu_budgets,
            memory_consumable,
            cluster_nodes,
            cluster_cpus,
            max_partition_job_factor,
            max_qos_priority,
            min_tier,
        }
    }

    /// Whether node `name` is out of service (down, drained, failing...): a job that names
    /// it waits with ReqNodeNotAvail.
    pub(super) fn out_of_service(&self, name: &str) -> bool {
        self.cluster
            .node(name)
            .is_some_and(|node| !node.is_schedulable())
    }

    /// The planner key that carries partition `part`'s MaxCPUsPerNode, if it has one: a
    /// GRES no node really has (`#` can not be in a slurm.conf GRES name), one per
    /// capped partition, so that jobs of the partition share that many CPUs of a node.
    pub(super) fn cpu_budget_key(&self, part: usize) -> Option<GresKey> {
        self.cpu_budgets.get(part).cloned().flatten()
    }
}
