//! A cluster: nodes, partitions, QOS and the scheduler configuration, in definition order.

use crate::node::Node;
use crate::partition::Partition;
use crate::qos::Qos;
use crate::sched_config::SchedConfig;
use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

/// A key of slurm.conf that hpcsched reads but does not act on, kept so nothing is dropped
/// silently.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConfWarning {
    /// 1-based line number in slurm.conf.
    pub line: usize,
    /// The key as written.
    pub key: String,
    /// What hpcsched does with it.
    pub message: String,
}

/// Why a change to a cluster was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ClusterError {
    /// A node name used twice.
    #[error("node `{0}` is already defined")]
    DuplicateNode(String),
    /// A partition name used twice.
    #[error("partition `{0}` is already defined")]
    DuplicatePartition(String),
    /// A QOS name used twice.
    #[error("QOS `{0}` is already defined")]
    DuplicateQos(String),
    /// A partition names a node that does not exist.
    #[error("partition `{partition}` names unknown node `{node}`")]
    UnknownNode {
        /// The partition.
        partition: String,
        /// The node.
        node: String,
    },
    /// A second partition marked `Default=YES`.
    #[error("partition `{second}` is marked Default but `{first}` already is")]
    TwoDefaults {
        /// The earlier default.
        first: String,
        /// The later one.
        second: String,
    },
}

/// Nodes, partitions, QOS and scheduler configuration.
///
/// ```
/// use hpcsched::{Cluster, Node, Partition, SchedConfig};
/// let mut c = Cluster::new(SchedConfig::default());
/// c.add_node(Node::new("n1")).unwrap();
/// c.add_partition(Partition::new("debug", vec!["n1".into()])).unwrap();
/// assert_eq!(c.partition("debug").unwrap().nodes, ["n1"]);
/// assert!(c.add_node(Node::new("n1")).is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Cluster {
    nodes: IndexMap<String, Node>,
    partitions: IndexMap<String, Partition>,
    qos: IndexMap<String, Qos>,
    config: SchedConfig,
    warnings: Vec<ConfWarning>,
}

impl Cluster {
    /// An empty cluster with this configuration.
    #[must_use]
    pub fn new(config: SchedConfig) -> Self {
        Self {
            config,
            ..Self::default()
        }
    }

    /// Adds a node. A rejected call changes nothing.
    pub fn add_node(&mut self, node: Node) -> Result<(), ClusterError> {
        if self.nodes.contains_key(&node.name) {
            return Err(ClusterError::DuplicateNode(node.name));
        }
        self.nodes.insert(node.name.clone(), node);
        Ok(())
    }

    /// Adds a partition whose nodes must already exist. A rejected call changes nothing.
    pub fn add_partition(&mut self, partition: Partition) -> Result<(), ClusterError> {
        if self.partitions.contains_key(&partition.name) {
            return Err(ClusterError::DuplicatePartition(partition.name));
        }
        if let Some(node) = partition
            .nodes
            .iter()
            .find(|n| !self.nodes.contains_key(*n))
        {
            return Err(ClusterError::UnknownNode {
                partition: partition.name.clone(),
                node: node.clone(),
            });
        }
        if partition.is_default
            && let Some(first) = self.default_partition()
        {
            return Err(ClusterError::TwoDefaults {
                first: first.name.clone(),
                second: partition.name,
            });
        }
        self.partitions.insert(partition.name.clone(), partition);
        Ok(())
    }

    /// Adds a QOS. A rejected call changes nothing.
    pub fn add_qos(&mut self, qos: Qos) -> Result<(), ClusterError> {
        if self.qos.contains_key(&qos.name) {
            return Err(ClusterError::DuplicateQos(qos.name));
        }
        self.qos.insert(qos.name.clone(), qos);
        Ok(())
    }

    /// Makes no partition the default (used when slurm.conf names a later default).
    pub fn clear_default_partition(&mut self) {
        for p in self.partitions.values_mut() {
            p.is_default = false;
        }
    }

    /// Records a configuration warning.
    pub fn push_warning(&mut self, warning: ConfWarning) {
        self.warnings.push(warning);
    }

    /// Nodes in definition order.
    #[must_use]
    pub fn nodes(&self) -> impl ExactSizeIterator<Item = &Node> {
        self.nodes.values()
    }
    /// A node by name.
    #[must_use]
    pub fn node(&self, name: &str) -> Option<&Node> {
        self.nodes.get(name)
    }
    /// A node, mutable (state flags and reason change with node events).
    pub fn node_mut(&mut self, name: &str) -> Option<&mut Node> {
        self.nodes.get_mut(name)
    }
    /// A node's position in definition order.
    #[must_use]
    pub fn node_index(&self, name: &str) -> Option<usize> {
        self.nodes.get_index_of(name)
    }
    /// The node at a position in definition order.
    #[must_use]
    pub fn node_at(&self, index: usize) -> Option<&Node> {
        self.nodes.get_index(index).map(|(_, n)| n)
    }
    /// Partitions in definition order.
    #[must_use]
    pub fn partitions(&self) -> impl ExactSizeIterator<Item = &Partition> {
        self.partitions.values()
    }
    /// A partition by name.
    #[must_use]
    pub fn partition(&self, name: &str) -> Option<&Partition> {
        self.partitions.get(name)
    }
    /// A partition's position in definition order.
    #[must_use]
    pub fn partition_index(&self, name: &str) -> Option<usize> {
        self.partitions.get_index_of(name)
    }
    /// The partition at a position in definition order.
    #[must_use]
    pub fn partition_at(&self, index: usize) -> Option<&Partition> {
        self.partitions.get_index(index).map(|(_, p)| p)
    }
    /// The `Default=YES` partition, if any.
    #[must_use]
    pub fn default_partition(&self) -> Option<&Partition> {
        self.partitions.values().find(|p| p.is_default)
    }
    /// QOS in definition order.
    #[must_use]
    pub fn qos_list(&self) -> impl ExactSizeIterator<Item = &Qos> {
        self.qos.values()
    }
    /// A QOS by name.
    #[must_use]
    pub fn qos(&self, name: &str) -> Option<&Qos> {
        self.qos.get(name)
    }
    /// A QOS by name, to change it in place (`sacctmgr modify qos`).
    ///
    /// ```
    /// use hpcsched::{Cluster, Qos, SchedConfig};
    /// let mut c = Cluster::new(SchedConfig::default());
    /// c.add_qos(Qos::new("normal")).unwrap();
    /// c.qos_mut("normal").unwrap().priority = 5;
    /// assert_eq!(c.qos("normal").unwrap().priority, 5);
    /// ```
    pub fn qos_mut(&mut self, name: &str) -> Option<&mut Qos> {
        self.qos.get_mut(name)
    }
    /// The scheduler configuration.
    #[must_use]
    pub fn config(&self) -> &SchedConfig {
        &self.config
    }
    /// Mutable scheduler configuration.
    pub fn config_mut(&mut self) -> &mut SchedConfig {
        &mut self.config
    }
    /// Keys read from slurm.conf that hpcsched does not act on.
    #[must_use]
    pub fn warnings(&self) -> &[ConfWarning] {
        &self.warnings
    }
}
