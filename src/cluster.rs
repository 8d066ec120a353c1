//! A cluster: nodes, partitions, QOS and the scheduler configuration, in definition order.
//!
//! A cluster also keeps a derived index of its nodes (kinds of identical hardware, and
//! each partition's kinds and members) that [`Cluster::resolve`] reads instead of walking
//! every node: it is built on first use and dropped by every change to nodes or
//! partitions (a change of node state only keeps it).

use crate::accounts::{AccountError, Accounts};
use crate::fast_hash::FastBuild;
use crate::gres::GresSpec;
use crate::hostlist::node_order;
use crate::memory::Memory;
use crate::node::Node;
use crate::partition::{Partition, PartitionState};
use crate::qos::{Qos, QosError, parse_with_known};
use crate::sched_config::SchedConfig;
use indexmap::IndexMap;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

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
    /// QOS lines of an admin script ([`Cluster::add_sacctmgr_text`]).
    #[error(transparent)]
    Qos(#[from] QosError),
    /// Account, user or cluster lines of an admin script, or a dump file
    /// ([`Cluster::add_sacctmgr_text`], [`Cluster::load_sacctmgr_dump`]).
    #[error(transparent)]
    Accounts(#[from] AccountError),
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
    // Looked up by name on every submit and every pass: the fast hasher (see
    // `fast_hash`); iteration is definition order whatever the hasher.
    nodes: IndexMap<String, Node, FastBuild>,
    partitions: IndexMap<String, Partition, FastBuild>,
    qos: IndexMap<String, Qos, FastBuild>,
    config: SchedConfig,
    warnings: Vec<ConfWarning>,
    /// The SPANK plugins of its `plugstack.conf` (see [`crate::sbatch::spank`]).
    #[serde(default)]
    spank: Vec<crate::sbatch::spank::SpankPlugin>,
    /// The association tree (`sacctmgr` accounts and users); `None` when none was given.
    #[serde(default)]
    accounts: Option<Accounts>,
    /// Derived from `nodes` and `partitions`; never compared, printed in full or saved.
    #[serde(skip)]
    index: IndexCache,
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

    /// Adds a node, in its place in slurmctld's node order ([`crate::hostlist::node_order`]:
    /// by name, numbers compared as numbers, whatever order the nodes come in). A rejected
    /// call changes nothing.
    ///
    /// ```
    /// use hpcsched::{Cluster, Node, SchedConfig};
    /// let mut c = Cluster::new(SchedConfig::default());
    /// for name in ["h100-1", "a100-01", "a40-1"] {
    ///     c.add_node(Node::new(name)).unwrap();
    /// }
    /// let order: Vec<&str> = c.nodes().map(|n| n.name.as_str()).collect();
    /// assert_eq!(order, ["a40-1", "a100-01", "h100-1"]);
    /// ```
    pub fn add_node(&mut self, node: Node) -> Result<(), ClusterError> {
        if self.nodes.contains_key(&node.name) {
            return Err(ClusterError::DuplicateNode(node.name));
        }
        // Nodes mostly come in that order already (hostlists expand so): then a push.
        let at = match self.nodes.last() {
            Some((last, _)) if node_order(last, &node.name).is_gt() => self
                .nodes
                .binary_search_by(|k, _| node_order(k, &node.name))
                .unwrap_or_else(|e| e),
            _ => self.nodes.len(),
        };
        self.nodes.shift_insert(at, node.name.clone(), node);
        self.index.reset();
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
        self.index.reset();
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

    /// The association tree, once an admin script or a dump has created one.
    #[must_use]
    pub fn accounts(&self) -> Option<&Accounts> {
        self.accounts.as_ref()
    }

    /// The association tree, to change it (e.g. [`Accounts::set_enforce`]).
    pub fn accounts_mut(&mut self) -> Option<&mut Accounts> {
        self.accounts.as_mut()
    }

    /// Applies a `sacctmgr` admin script that mixes `add|modify qos` lines with `add
    /// cluster`, `add|modify|delete account` and `add|modify|delete user` lines; errors
    /// name the script's line. All or nothing: a rejected script changes nothing.
    ///
    /// QOS lines are read first (by [`crate::qos`]), so an account line may name any QOS
    /// of the cluster or of the script. Creating the association tree also creates the
    /// `normal` QOS if the cluster has none, as slurmdbd does.
    ///
    /// ```
    /// use hpcsched::{Cluster, SchedConfig};
    /// let mut c = Cluster::new(SchedConfig::default());
    /// c.add_sacctmgr_text(
    ///     "sacctmgr -i add cluster demo\n\
    ///      sacctmgr -i add qos gpu Priority=10\n\
    ///      sacctmgr -i add account ml QOS=normal,gpu\n\
    ///      sacctmgr -i add user erin Account=ml DefaultQOS=gpu\n",
    /// )?;
    /// let a = c.accounts().unwrap();
    /// let job = a.resolve_job("erin", None, &[], None, |q| c.qos(q).is_some())?;
    /// assert_eq!(job.qos.as_deref(), Some("gpu"));
    /// assert!(c.qos("normal").is_some());
    /// let err = c.add_sacctmgr_text("add qos big\nadd user frank Account=nope\n").unwrap_err();
    /// assert_eq!(err.to_string(), "line 2: This account 'nope' doesn't exist.");
    /// assert!(c.qos("big").is_none(), "the failed script left nothing behind");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn add_sacctmgr_text(&mut self, text: &str) -> Result<(), ClusterError> {
        // QOS lines keep their place (other lines blank) so errors name the script's line.
        let mut qos_text = String::new();
        let mut account_lines = Vec::new();
        for (idx, raw) in text.lines().enumerate() {
            let is_qos = crate::shell_words::split(raw)
                .is_ok_and(|w| !w.is_empty() && !crate::accounts::sacctmgr::is_account_line(&w));
            let blank = crate::shell_words::split(raw).is_ok_and(|w| w.is_empty());
            if is_qos {
                qos_text.push_str(raw);
            } else if !blank {
                account_lines.push((idx + 1, raw));
            }
            qos_text.push('\n');
        }
        let mut next = self.clone();
        add_qos_text(&mut next, &qos_text)?;
        let mut acc = next.accounts.clone();
        let created = acc.is_none();
        {
            let exists = |q: &str| q == "normal" || next.qos.contains_key(q);
            for (line, raw) in account_lines {
                crate::accounts::sacctmgr::apply_line(&mut acc, line, raw, &exists)?;
            }
        }
        if let Some(a) = acc.as_mut() {
            a.refinalize();
        }
        if created && acc.is_some() && !next.qos.contains_key("normal") {
            next.add_qos(Qos::new("normal"))?;
        }
        if let Some(a) = acc.as_mut() {
            a.set_enforce(next.config.accounting_enforce());
        }
        next.accounts = acc;
        *self = next;
        Ok(())
    }

    /// Replaces the association tree with a `sacctmgr dump` file's
    /// ([`crate::accounts::dump`]); QOS it names must exist (`normal` is created if the
    /// cluster has none, as slurmdbd does). A rejected file changes nothing.
    ///
    /// ```
    /// use hpcsched::{Cluster, SchedConfig};
    /// let mut c = Cluster::new(SchedConfig::default());
    /// c.load_sacctmgr_dump("Cluster - 'demo':Fairshare=1:QOS='normal'\nAccount - 'bio':Fairshare=10\n")?;
    /// assert!(c.accounts().unwrap().account("bio").is_some());
    /// # Ok::<(), hpcsched::ClusterError>(())
    /// ```
    pub fn load_sacctmgr_dump(&mut self, text: &str) -> Result<(), ClusterError> {
        let exists = |q: &str| q == "normal" || self.qos.contains_key(q);
        let mut acc = crate::accounts::dump::read(text, &exists)?;
        acc.set_enforce(self.config.accounting_enforce());
        if !self.qos.contains_key("normal") {
            self.add_qos(Qos::new("normal"))?;
        }
        self.accounts = Some(acc);
        Ok(())
    }

    /// Applies accounts text in either form `hpcsched simulate --accounts` reads: a file
    /// `sacctmgr dump` wrote (told apart by its `Cluster - 'NAME'` line), loaded with
    /// [`Cluster::load_sacctmgr_dump`], or else an admin script, applied with
    /// [`Cluster::add_sacctmgr_text`]. A rejected text changes nothing.
    ///
    /// ```
    /// use hpcsched::{Cluster, SchedConfig};
    /// let mut c = Cluster::new(SchedConfig::default());
    /// c.add_accounts_text("Cluster - 'demo':Fairshare=1\nAccount - 'bio':Fairshare=10\n")?;
    /// assert!(c.accounts().unwrap().account("bio").is_some());
    /// c.add_accounts_text("sacctmgr -i add account chem\n")?;
    /// assert!(c.accounts().unwrap().account("chem").is_some());
    /// # Ok::<(), hpcsched::ClusterError>(())
    /// ```
    pub fn add_accounts_text(&mut self, text: &str) -> Result<(), ClusterError> {
        if crate::accounts::dump::is_dump(text) {
            self.load_sacctmgr_dump(text)
        } else {
            self.add_sacctmgr_text(text)
        }
    }

    /// Makes no partition the default (used when slurm.conf names a later default).
    pub fn clear_default_partition(&mut self) {
        for p in self.partitions.values_mut() {
            p.is_default = false;
        }
        self.index.reset();
    }

    /// Records a configuration warning.
    pub fn push_warning(&mut self, warning: ConfWarning) {
        self.warnings.push(warning);
    }

    /// Nodes in slurmctld's order: by name, numbers compared as numbers
    /// ([`crate::hostlist::node_order`]), which is the order node selection prefers.
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
    ///
    /// Changing a node's hardware (CPUs, memory, GRES, features) is seen by the next
    /// [`Cluster::resolve`]; changing only its state keeps the derived index.
    pub fn node_mut(&mut self, name: &str) -> Option<&mut Node> {
        let (position, _, node) = self.nodes.get_full_mut(name)?;
        self.index.touch(position);
        Some(node)
    }
    /// A node's position in slurmctld's node order (see [`Cluster::nodes`]).
    #[must_use]
    pub fn node_index(&self, name: &str) -> Option<usize> {
        self.nodes.get_index_of(name)
    }
    /// The node at a position in slurmctld's node order (see [`Cluster::nodes`]).
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
    /// A partition by name, with its position in definition order.
    pub(crate) fn partition_full(&self, name: &str) -> Option<(usize, &Partition)> {
        self.partitions.get_full(name).map(|(i, _, p)| (i, p))
    }
    /// The `Default=YES` partition with its position, if any.
    pub(crate) fn default_partition_full(&self) -> Option<(usize, &Partition)> {
        self.partitions
            .values()
            .enumerate()
            .find(|(_, p)| p.is_default)
    }
    /// A partition's position in definition order.
    #[must_use]
    pub fn partition_index(&self, name: &str) -> Option<usize> {
        self.partitions.get_index_of(name)
    }
    /// Sets the state of the partition at `index`, if there is one (the scheduler's
    /// `scontrol update PartitionName=... State=`).
    pub(crate) fn set_partition_state(&mut self, index: usize, state: PartitionState) {
        if let Some((_, p)) = self.partitions.get_index_mut(index) {
            p.state = state;
        }
    }
    /// Lets every job run past its limit for as long as the cluster's `OverTimeLimit`
    /// says (the simulator's `--overrun allow`): partitions' own values go.
    pub(crate) fn clear_partition_over_time_limits(&mut self) {
        for p in self.partitions.values_mut() {
            p.over_time_limit = None;
        }
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
    /// A QOS with its place among the cluster's QOS (the limits count usage by it).
    pub(crate) fn qos_full(&self, name: &str) -> Option<(u32, &Qos)> {
        self.qos
            .get_full(name)
            .map(|(i, _, q)| (u32::try_from(i).unwrap_or(u32::MAX), q))
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
    /// The SPANK plugins whose options sbatch, srun and salloc accept here, in the order
    /// they were added.
    #[must_use]
    pub fn spank_plugins(&self) -> &[crate::sbatch::spank::SpankPlugin] {
        &self.spank
    }
    /// The plugin list, to change it (see [`crate::sbatch::spank`]).
    pub(crate) fn spank_plugins_mut(&mut self) -> &mut Vec<crate::sbatch::spank::SpankPlugin> {
        &mut self.spank
    }
    /// The derived node index, built now if no valid one is cached.
    pub(crate) fn node_index_table(&self) -> &NodeIndex {
        self.index.get(self)
    }
}

/// Adds every QOS defined in `text` to the cluster, or none: a rejected call changes
/// nothing. `Preempt=` may name QOS the cluster already has; `modify qos` may change them.
///
/// ```
/// use hpcsched::{Cluster, SchedConfig, cluster::add_qos_text};
/// let mut c = Cluster::new(SchedConfig::default());
/// add_qos_text(&mut c, "add qos normal\nadd qos high Priority=100 Preempt=normal\n")?;
/// assert_eq!(c.qos("high").unwrap().preempt, ["normal"]);
/// assert!(add_qos_text(&mut c, "add qos normal").is_err());
/// assert_eq!(c.qos_list().len(), 2);
/// # Ok::<(), hpcsched::qos::QosError>(())
/// ```
pub fn add_qos_text(cluster: &mut Cluster, text: &str) -> Result<(), QosError> {
    let existing: Vec<Qos> = cluster.qos_list().cloned().collect();
    // Everything is parsed and checked before the cluster is touched.
    let parsed = parse_with_known(text, &existing)?;
    for (name, q) in parsed {
        if let Some(slot) = cluster.qos_mut(&name) {
            *slot = q;
        } else {
            cluster.add_qos(q).map_err(|e| QosError::Duplicate {
                line: 0,
                name: match e {
                    crate::cluster::ClusterError::DuplicateQos(n) => n,
                    other => other.to_string(),
                },
            })?;
        }
    }
    Ok(())
}

/// The hardware of a node that decides whether it can run a job: nodes with equal
/// values are one kind, and resolving a job looks at kinds instead of nodes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct NodeKind {
    /// `CPUs`.
    pub(crate) cpus: u32,
    /// `RealMemory`.
    pub(crate) real_memory: Memory,
    /// `Gres`.
    pub(crate) gres: Vec<GresSpec>,
    /// `Features`.
    pub(crate) features: Vec<String>,
    /// `TmpDisk`.
    pub(crate) tmp_disk: Memory,
    /// `MemSpecLimit`.
    pub(crate) mem_spec_limit: Memory,
}

impl NodeKind {
    fn of(node: &Node) -> Self {
        Self {
            cpus: node.cpus,
            real_memory: node.real_memory,
            gres: node.gres.clone(),
            features: node.features.clone(),
            tmp_disk: node.tmp_disk,
            mem_spec_limit: node.mem_spec_limit,
        }
    }

    fn describes(&self, node: &Node) -> bool {
        self.cpus == node.cpus
            && self.real_memory == node.real_memory
            && self.gres == node.gres
            && self.features == node.features
            && self.tmp_disk == node.tmp_disk
            && self.mem_spec_limit == node.mem_spec_limit
    }
}

/// One partition's share of the [`NodeIndex`].
#[derive(Debug, Clone, Default)]
pub(crate) struct PartIndex {
    /// The sum of the CPUs of the partition's node list (a node listed twice counts twice,
    /// as in the list).
    pub(crate) total_cpus: u64,
    /// The least `RealMemory` (MiB) of its nodes, if it has any.
    pub(crate) min_memory: Option<u64>,
    /// `(kind, how many entries of the node list are of that kind)`, by kind.
    pub(crate) kinds: Vec<(u32, u64)>,
    /// `(node position, position in the node list)` for every entry, sorted: a node's
    /// entries are one binary search away.
    members: Vec<(u32, u32)>,
}

impl PartIndex {
    /// Where node `node` (position in the cluster) appears in the node list.
    pub(crate) fn positions(&self, node: u32) -> impl Iterator<Item = u32> + '_ {
        let start = self.members.partition_point(|&(n, _)| n < node);
        self.members
            .get(start..)
            .unwrap_or_default()
            .iter()
            .take_while(move |&&(n, _)| n == node)
            .map(|&(_, pos)| pos)
    }
    /// How many times node `node` appears in the node list.
    pub(crate) fn multiplicity(&self, node: u32) -> u64 {
        self.positions(node).count() as u64
    }
}

/// What [`Cluster::resolve`] needs to know about nodes, without walking them: the kinds
/// of hardware, each node's kind, and per partition its kinds and members.
#[derive(Debug, Clone, Default)]
pub(crate) struct NodeIndex {
    /// Distinct hardware, in order of first appearance.
    pub(crate) kinds: Vec<NodeKind>,
    /// The kind of each node, by node position.
    pub(crate) node_kind: Vec<u32>,
    /// Every GRES name some node has, sorted.
    gres_names: Vec<String>,
    /// By partition position.
    pub(crate) parts: Vec<PartIndex>,
}

impl NodeIndex {
    fn build(cluster: &Cluster) -> Self {
        let mut kinds: Vec<NodeKind> = Vec::new();
        let mut node_kind = Vec::with_capacity(cluster.nodes.len());
        {
            // Lookup only: kind ids follow node order, not the map's.
            type Key<'n> = (u32, Memory, &'n [GresSpec], &'n [String], Memory, Memory);
            let mut seen: HashMap<Key<'_>, u32> = HashMap::new();
            for node in cluster.nodes.values() {
                let key = (
                    node.cpus,
                    node.real_memory,
                    node.gres.as_slice(),
                    node.features.as_slice(),
                    node.tmp_disk,
                    node.mem_spec_limit,
                );
                let next = u32::try_from(kinds.len()).unwrap_or(u32::MAX);
                let id = *seen.entry(key).or_insert_with(|| {
                    kinds.push(NodeKind::of(node));
                    next
                });
                node_kind.push(id);
            }
        }
        let mut gres_names: Vec<String> = cluster
            .nodes
            .values()
            .flat_map(|n| n.gres.iter().map(|g| g.key.name.clone()))
            .collect();
        gres_names.sort_unstable();
        gres_names.dedup();
        let mut counts = vec![0u64; kinds.len()];
        let parts = cluster
            .partitions
            .values()
            .map(|part| {
                let mut index = PartIndex::default();
                for (pos, name) in part.nodes.iter().enumerate() {
                    // add_partition checked that every node exists.
                    let Some((n, _, node)) = cluster.nodes.get_full(name) else {
                        continue;
                    };
                    let kind = node_kind.get(n).copied().unwrap_or(0);
                    if let Some(c) = counts.get_mut(kind as usize) {
                        *c += 1;
                    }
                    index.total_cpus += u64::from(node.cpus);
                    let mib = node.real_memory.mib();
                    index.min_memory = Some(index.min_memory.map_or(mib, |m| m.min(mib)));
                    index.members.push((
                        u32::try_from(n).unwrap_or(u32::MAX),
                        u32::try_from(pos).unwrap_or(u32::MAX),
                    ));
                }
                index.members.sort_unstable();
                for (kind, c) in counts.iter_mut().enumerate() {
                    if *c > 0 {
                        index
                            .kinds
                            .push((u32::try_from(kind).unwrap_or(u32::MAX), *c));
                        *c = 0;
                    }
                }
                index
            })
            .collect();
        Self {
            kinds,
            node_kind,
            gres_names,
            parts,
        }
    }

    /// Whether some node of the cluster has a GRES of this name.
    pub(crate) fn has_gres_name(&self, name: &str) -> bool {
        self.gres_names
            .binary_search_by(|g| g.as_str().cmp(name))
            .is_ok()
    }

    /// The kind of the node at this position.
    pub(crate) fn kind_of(&self, node: u32) -> Option<u32> {
        self.node_kind.get(node as usize).copied()
    }

    /// Whether node `position` still has the hardware this index recorded for it.
    fn still_describes(&self, position: usize, node: &Node) -> bool {
        self.node_kind
            .get(position)
            .and_then(|&k| self.kinds.get(k as usize))
            .is_some_and(|k| k.describes(node))
    }
}

/// The cached [`NodeIndex`] of a cluster. Comparing two caches always gives `true`: it
/// holds nothing that is not derived from the rest of the cluster.
#[derive(Clone, Default)]
struct IndexCache {
    built: OnceLock<Arc<NodeIndex>>,
    /// The index taken out by [`Cluster::node_mut`], with the nodes handed out since:
    /// reused if their hardware did not change (node events only change state).
    stale: Option<(Arc<NodeIndex>, Vec<usize>)>,
}

/// Past this many nodes handed out by `node_mut`, the stale index is not worth checking.
const MAX_TOUCHED: usize = 256;

impl IndexCache {
    fn reset(&mut self) {
        self.built = OnceLock::new();
        self.stale = None;
    }

    fn touch(&mut self, position: usize) {
        if let Some(built) = self.built.take() {
            self.stale = Some((built, vec![position]));
        } else if let Some((_, touched)) = &mut self.stale
            && !touched.contains(&position)
        {
            if touched.len() >= MAX_TOUCHED {
                self.stale = None;
            } else {
                touched.push(position);
            }
        }
    }

    fn get(&self, cluster: &Cluster) -> &NodeIndex {
        self.built.get_or_init(|| {
            if let Some((index, touched)) = &self.stale
                && touched.iter().all(|&i| {
                    cluster
                        .nodes
                        .get_index(i)
                        .is_some_and(|(_, n)| index.still_describes(i, n))
                })
            {
                return Arc::clone(index);
            }
            Arc::new(NodeIndex::build(cluster))
        })
    }
}

impl PartialEq for IndexCache {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl std::fmt::Debug for IndexCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The same whether built or not: printing a cluster must not depend on it.
        f.write_str("IndexCache")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::node::NodeState;

    fn cluster() -> Cluster {
        let mut c = Cluster::new(SchedConfig::default());
        for (name, cpus) in [("a", 4), ("b", 4), ("c", 8)] {
            let mut n = Node::new(name);
            n.cpus = cpus;
            c.add_node(n).unwrap();
        }
        c.add_partition(Partition::new(
            "p",
            vec!["a".into(), "b".into(), "c".into(), "a".into()],
        ))
        .unwrap();
        c
    }

    #[test]
    fn cluster_stays_send_sync_clone() {
        fn check<T: Send + Sync + Clone + PartialEq + std::fmt::Debug>() {}
        check::<Cluster>();
    }

    #[test]
    fn index_groups_identical_nodes_and_counts_repeats() {
        let c = cluster();
        let index = c.node_index_table();
        assert_eq!(index.node_kind, [0, 0, 1]);
        let p = &index.parts[0];
        assert_eq!(p.kinds, [(0, 3), (1, 1)], "a is listed twice");
        assert_eq!(p.total_cpus, 20);
        assert_eq!(p.positions(0).collect::<Vec<_>>(), [0, 3]);
        assert_eq!(p.multiplicity(2), 1);
    }

    #[test]
    fn state_changes_keep_the_index_and_hardware_changes_rebuild_it() {
        let mut c = cluster();
        let before: *const NodeIndex = c.node_index_table();
        c.node_mut("b").unwrap().state = NodeState::DOWN;
        assert!(std::ptr::eq(before, c.node_index_table()), "reused");
        c.node_mut("b").unwrap().cpus = 8;
        let rebuilt = c.node_index_table();
        assert!(!std::ptr::eq(before, rebuilt));
        assert_eq!(rebuilt.node_kind, [0, 1, 1]);
        // A clone shares the index; it compares equal whatever its cache holds.
        let copy = c.clone();
        assert_eq!(copy, c);
        assert_eq!(format!("{:?}", c.index), "IndexCache");
    }

    #[test]
    fn add_qos_text_is_all_or_nothing() {
        let mut c = Cluster::new(SchedConfig::default());
        add_qos_text(&mut c, "add qos normal\n").unwrap();
        let before = c.clone();
        assert!(add_qos_text(&mut c, "add qos high Preempt=normal\nadd qos normal\n").is_err());
        assert_eq!(c, before);
        assert!(
            add_qos_text(
                &mut c,
                "modify qos normal set Priority=5\nadd qos x Bogus=1\n"
            )
            .is_err()
        );
        assert_eq!(c, before);
        add_qos_text(
            &mut c,
            "modify qos normal set Priority=5\nadd qos high Preempt=normal\n",
        )
        .unwrap();
        assert_eq!(c.qos("normal").unwrap().priority, 5);
        assert_eq!(c.qos("high").unwrap().preempt, ["normal"]);
        let order: Vec<_> = c.qos_list().map(|q| q.name.as_str()).collect();
        assert_eq!(order, ["normal", "high"]);
    }

    #[test]
    fn admin_scripts_mix_qos_and_accounts_keep_line_numbers_and_are_all_or_nothing() {
        let mut c = cluster();
        let script = "# site accounts\n\
             sacctmgr -i add cluster demo\n\
             sacctmgr -i add qos gpu Priority=10\n\
             \n\
             sacctmgr -i add account ml QOS=normal,gpu DefaultQOS=gpu\n\
             sacctmgr -i add user erin,Finn Account=ml\n\
             sacctmgr -i modify qos gpu set MaxJobsPerUser=2\n";
        c.add_sacctmgr_text(script).unwrap();
        let order: Vec<_> = c.qos_list().map(|q| q.name.as_str()).collect();
        assert_eq!(order, ["gpu", "normal"], "normal is created with the tree");
        assert_eq!(c.qos("gpu").unwrap().max_jobs_per_user, Some(2));
        let a = c.accounts().unwrap();
        assert_eq!(a.cluster(), "demo");
        assert_eq!(a.default_account("finn"), Some("ml"));
        let before = c.clone();
        // A bad QOS line, then a bad account line: each names its own line.
        let err = c
            .add_sacctmgr_text("add account x\n\nadd qos q Bogus=1\n")
            .unwrap_err();
        assert_eq!(
            err,
            ClusterError::Qos(QosError::UnknownKey {
                line: 3,
                key: "Bogus".into()
            })
        );
        let err = c
            .add_sacctmgr_text("add qos q\nadd account x\nadd user g Account=x QOS=zz\n")
            .unwrap_err();
        assert_eq!(
            err,
            ClusterError::Accounts(AccountError::BadQos {
                line: 3,
                qos: "zz".into()
            })
        );
        assert_eq!(c, before);
        let dumped = before.accounts().map(crate::accounts::dump::write);
        c.load_sacctmgr_dump(&dumped.unwrap_or_default()).unwrap();
        assert_eq!(
            c, before,
            "a dump of the tree loads back to the same cluster"
        );
        assert!(matches!(
            c.load_sacctmgr_dump("Account - 'x'\n"),
            Err(ClusterError::Accounts(AccountError::DumpNoCluster {
                line: 1
            }))
        ));
        assert_eq!(c, before);
    }
}
