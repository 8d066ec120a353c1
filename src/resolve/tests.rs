//! Unit tests of resolving: hand-made cases, and a property test of the node index
//! against the node-by-node reference answers.

use super::counts::Counts;
use super::defaults::{adjust_mem_per_cpu, resolve_memory};
use super::node_demand::{NodeDemand, node_gres_count};
use super::node_view::{NodeFit, NodeView};
use super::request::{distinct_count, sbatch_nodelist};
use super::*;
use crate::cluster::Cluster;
use crate::constraint::Constraint;
use crate::gres::{GresKey, GresSpec};
use crate::job_state::PendingReason;
use crate::memory::Memory;
use crate::node::Node;
use crate::partition::{DefMem, MaxMem, OverSubscribe, Partition, PartitionState};
use crate::qos::{Qos, QosFlags};
use crate::request::{Exclusive, JobRequest, MemoryRequest};
use crate::sched_config::{EnforcePartLimits, SchedConfig};
use crate::time::{Duration, TimeLimit};
use crate::tres::TresKind;

fn gpu(kind: Option<&str>, count: u64) -> GresSpec {
    GresSpec {
        key: GresKey {
            name: "gpu".into(),
            kind: kind.map(Into::into),
        },
        count,
        no_consume: false,
    }
}

fn node(name: &str, cpus: u32, mib: u64, gres: Vec<GresSpec>) -> Node {
    let mut n = Node::new(name);
    n.cpus = cpus;
    n.real_memory = Memory::from_mib(mib);
    n.gres = gres;
    n
}

/// Two partitions: `small` (2 × 4 CPUs, default, MaxTime 1 h, tier 1) and `big`
/// (2 × 16 CPUs with 2 A100 each, MaxTime 1 day, tier 5).
fn cluster(enforce: EnforcePartLimits) -> Cluster {
    let mut config = SchedConfig::default();
    config.enforce_part_limits = enforce;
    let mut c = Cluster::new(config);
    for n in [
        node("s1", 4, 8192, vec![]),
        node("s2", 4, 8192, vec![]),
        node("b1", 16, 65536, vec![gpu(Some("a100"), 2)]),
        node("b2", 16, 65536, vec![gpu(Some("a100"), 2)]),
    ] {
        c.add_node(n).unwrap();
    }
    let mut small = Partition::new("small", vec!["s1".into(), "s2".into()]);
    small.is_default = true;
    small.max_time = TimeLimit::Limited(Duration::from_secs(3600));
    small.def_mem = Some(DefMem::PerCpu(Memory::from_mib(1024)));
    c.add_partition(small).unwrap();
    let mut big = Partition::new("big", vec!["b1".into(), "b2".into()]);
    big.max_time = TimeLimit::Limited(Duration::from_secs(86400));
    big.priority_tier = 5;
    c.add_partition(big).unwrap();
    c
}

fn hours(h: u64) -> TimeLimit {
    TimeLimit::Limited(Duration::from_secs(h * 3600))
}

/// The node-by-node answers `Cluster::resolve` gave before the node index: every
/// question walks the partition's node list by name. The index must give the same
/// answers for every cluster and request (`indexed_resolve_matches_the_reference`).
struct Reference<'c>(&'c Cluster);

impl NodeView for Reference<'_> {
    fn knows_gres(&self, name: &str) -> bool {
        self.0
            .nodes()
            .any(|n| n.gres.iter().any(|g| g.key.name == name))
    }

    fn satisfiable(&self, constraint: &Constraint) -> bool {
        self.0.nodes().any(|n| constraint.matches(&n.features))
    }

    fn total_cpus(&self, _: usize, part: &Partition) -> u64 {
        part.nodes
            .iter()
            .filter_map(|n| self.0.node(n))
            .map(|n| u64::from(n.cpus))
            .sum()
    }

    fn first_outside<'r>(
        &self,
        _: usize,
        part: &Partition,
        req: &'r JobRequest,
    ) -> Option<&'r String> {
        req.nodelist.iter().find(|n| !part.nodes.contains(n))
    }

    fn required_unavailable(&self, req: &JobRequest) -> bool {
        !req.nodelist.is_empty()
            && req
                .nodelist
                .iter()
                .filter_map(|n| self.0.node(n))
                .any(|n| !n.is_schedulable())
    }

    fn min_memory(&self, _: usize, part: &Partition) -> Option<u64> {
        part.nodes
            .iter()
            .filter_map(|n| self.0.node(n))
            .map(|n| n.real_memory.mib())
            .min()
    }

    fn config_matches(&self, _: usize, part: &Partition, d: &NodeDemand<'_>) -> bool {
        part.nodes
            .iter()
            .filter(|n| !d.req.exclude.contains(n))
            .filter_map(|n| self.0.node(n))
            .any(|n| d.config_ok(n))
    }

    fn fit_nodes(
        &self,
        _: usize,
        part: &Partition,
        d: &NodeDemand<'_>,
    ) -> Result<NodeFit, RejectReason> {
        let req = d.req;
        let counts = d.counts;
        // Which nodes of the partition could ever run a share of the job.
        let pool: Vec<&Node> = part
            .nodes
            .iter()
            .filter(|n| !req.exclude.contains(n))
            .filter_map(|n| self.0.node(n))
            .collect();
        let eligible: Vec<&Node> = pool.iter().copied().filter(|n| d.eligible(*n)).collect();
        if eligible.is_empty() {
            return Err(d.unavailable(&d.why_none_eligible(&pool)));
        }
        if let Some(bad) = req
            .nodelist
            .iter()
            .find(|w| part.nodes.contains(w) && !eligible.iter().any(|n| &n.name == *w))
        {
            return Err(d.unavailable(&format!("required node {bad} can not run the job")));
        }
        // Required nodes come first: they are always part of the allocation.
        let mut ordered: Vec<&Node> = eligible
            .iter()
            .copied()
            .filter(|n| req.nodelist.contains(&n.name))
            .collect();
        let mut rest: Vec<&Node> = eligible
            .iter()
            .copied()
            .filter(|n| !req.nodelist.contains(&n.name))
            .collect();
        rest.sort_by_key(|n| std::cmp::Reverse((d.task_capacity(*n), d.gpu_capacity(*n))));
        ordered.extend(rest);
        let elig_count = ordered.len() as u32;
        let ntasks = u64::from(counts.ntasks);
        let gpus_needed = d.per_job_gpus.map_or(0, |g| g.count);
        let enough = |k: usize| -> bool {
            let top = ordered.iter().take(k);
            let tasks: u64 = top.clone().map(|n| d.task_capacity(*n)).sum();
            let gpus: u64 = top.map(|n| d.gpu_capacity(*n)).sum();
            tasks >= ntasks && gpus >= gpus_needed
        };
        let part_size = part.nodes.len() as u32;
        let cap = d.max_nodes.unwrap_or(u32::MAX);
        let (min_nodes, max_nodes) = if let Some(min) = counts.nodes_min {
            let max = counts.nodes_max.unwrap_or(u32::MAX).max(min);
            let fit_min = if d.limited { min.min(elig_count) } else { min };
            if fit_min > elig_count {
                return Err(d.unavailable(&format!(
                    "{min} nodes requested, {elig_count} of the partition can run the job"
                )));
            }
            let fit_max = max.min(elig_count).min(cap);
            if !enough(fit_max as usize) && !d.limited {
                return Err(d.cpu_shortage("CPU count per node can not be satisfied"));
            }
            let shown_max = if min > part_size {
                min
            } else {
                max.min(elig_count).min(cap).max(min)
            };
            (min, shown_max)
        } else {
            let Some(k) = (1..=ordered.len()).find(|&k| enough(k)) else {
                return Err(if gpus_needed > 0 {
                    d.unavailable("not enough GPUs in the partition")
                } else {
                    d.cpu_shortage("not enough CPUs in the partition")
                });
            };
            let k = (k as u32).max(distinct_count(&req.nodelist));
            if k > cap {
                return Err(d.over_max_nodes(k));
            }
            // `-n T` allows at most T nodes (generated g03199).
            if counts.ntasks_set && k > counts.ntasks {
                return Err(d.unavailable(&format!(
                    "{k} nodes needed for the GPUs, {} allowed by the task count",
                    counts.ntasks
                )));
            }
            let max = if counts.ntasks_set {
                counts.ntasks.min(elig_count).min(cap).max(k)
            } else {
                k
            };
            (k, max)
        };
        let whole_node_cpus = if d.whole_nodes {
            let mut sizes: Vec<u32> = ordered.iter().map(|n| n.cpus).collect();
            sizes.sort_unstable();
            sizes
                .iter()
                .take(min_nodes as usize)
                .fold(0u32, |acc, c| acc.saturating_add(*c))
        } else {
            0
        };
        Ok(NodeFit {
            min_nodes,
            max_nodes,
            whole_node_cpus,
        })
    }
}

/// `Cluster::resolve` answered node by node.
fn resolve_reference(c: &Cluster, req: &JobRequest) -> Result<ResolvedJob, Rejection> {
    c.resolve_with(&sbatch_nodelist(req), &Reference(c))
}

mod against_reference {
    use super::*;
    use crate::node::NodeState;
    use crate::request::NodeCount;
    use proptest::prelude::*;

    /// Hardware shared by several nodes: (cpus, MiB, gres, features).
    type Template = (u32, u64, Vec<GresSpec>, Vec<String>);

    fn gres_spec(name: &str, kind: Option<&str>, count: u64) -> GresSpec {
        GresSpec {
            key: GresKey {
                name: name.into(),
                kind: kind.map(Into::into),
            },
            count,
            no_consume: false,
        }
    }

    fn template() -> impl Strategy<Value = Template> {
        let gres = prop::sample::subsequence(
            vec![
                gres_spec("gpu", Some("a100"), 2),
                gres_spec("gpu", Some("v100"), 1),
                gres_spec("gpu", None, 4),
                gres_spec("nvme", None, 1),
            ],
            0..=2,
        );
        let features =
            prop::sample::subsequence(vec!["a".to_string(), "b".into(), "c".into()], 0..=2);
        (
            prop::sample::select(vec![1u32, 2, 4, 8, 16]),
            prop::sample::select(vec![1000u64, 4000, 16000]),
            gres,
            features,
        )
    }

    fn time(minutes: Option<u64>) -> TimeLimit {
        minutes.map_or(TimeLimit::Unlimited, |m| {
            TimeLimit::Limited(Duration::from_secs(m * 60))
        })
    }

    /// Several kinds of node, 1 to 10 nodes, 1 to 3 partitions over random (possibly
    /// repeated) node lists, and a QOS whose limits read the job's size.
    fn cluster_strategy() -> impl Strategy<Value = Cluster> {
        let templates = prop::collection::vec(template(), 1..4);
        let nodes = prop::collection::vec((0usize..4, 0u8..6), 1..10);
        let parts = prop::collection::vec(
            (
                prop::collection::vec(0usize..10, 0..8),
                0u8..3,
                (prop::option::of(0u32..4), 0u32..3, 0u8..8, 0u8..4),
                (
                    prop::option::of(prop::sample::select(vec![0u64, 30, 120])),
                    0u8..4,
                    0u8..3,
                ),
                (any::<bool>(), 1u16..3),
            ),
            1..4,
        );
        let config = (0u8..3, 0u8..3, 0u8..3);
        let qos = (
            prop::option::of(1u64..40),
            prop::option::of(1000u64..40000),
            0u8..3,
        );
        (templates, nodes, parts, config, qos).prop_map(
            |(templates, nodes, parts, (enforce, def_mem, max_mem), (qcpu, qmem, qnodes))| {
                let mut config = SchedConfig::default();
                config.enforce_part_limits = match enforce {
                    0 => EnforcePartLimits::No,
                    1 => EnforcePartLimits::Any,
                    _ => EnforcePartLimits::All,
                };
                config.def_mem = match def_mem {
                    0 => None,
                    1 => Some(DefMem::PerCpu(Memory::from_mib(500))),
                    _ => Some(DefMem::PerGpu(Memory::from_mib(3000))),
                };
                config.max_mem_per_cpu = (max_mem == 1).then(|| Memory::from_mib(700));
                config.max_mem_per_node = (max_mem == 2).then(|| Memory::from_mib(12000));
                let mut c = Cluster::new(config);
                let mut names = Vec::new();
                for (i, (t, state)) in nodes.iter().enumerate() {
                    let (cpus, mib, gres, features) = &templates[t % templates.len()];
                    let mut n = node(&format!("n{i}"), *cpus, *mib, gres.clone());
                    n.features = features.clone();
                    n.state = match state {
                        0 => NodeState::DOWN,
                        1 => NodeState::DRAIN,
                        _ => NodeState::empty(),
                    };
                    names.push(n.name.clone());
                    c.add_node(n).unwrap();
                }
                for (i, (members, over, limits, defaults, (up, tier))) in
                    parts.into_iter().enumerate()
                {
                    let list = members
                        .iter()
                        .map(|m| names[m % names.len()].clone())
                        .collect();
                    let mut p = Partition::new(format!("p{i}"), list);
                    p.is_default = i == 0;
                    p.oversubscribe = match over {
                        0 => OverSubscribe::No,
                        1 => OverSubscribe::Exclusive,
                        _ => OverSubscribe::Force(4),
                    };
                    let (max_nodes, min_nodes, max_time, state) = limits;
                    p.max_nodes = max_nodes;
                    p.min_nodes = min_nodes;
                    p.max_time = match max_time {
                        0..=3 => time(None),
                        4..=5 => time(Some(60)),
                        _ => time(Some(600)),
                    };
                    p.state = match state {
                        0 => PartitionState::Down,
                        1 if !up => PartitionState::Drain,
                        _ => PartitionState::Up,
                    };
                    let (default_time, def_mem, max_mem) = defaults;
                    p.default_time = default_time.map(|m| time(Some(m)));
                    p.def_mem = match def_mem {
                        0 => None,
                        1 => Some(DefMem::PerCpu(Memory::from_mib(900))),
                        2 => Some(DefMem::PerNode(Memory::from_mib(3000))),
                        _ => Some(DefMem::PerGpu(Memory::from_mib(2000))),
                    };
                    p.max_mem = match max_mem {
                        0 => None,
                        1 => Some(MaxMem::PerCpu(Memory::from_mib(1500))),
                        _ => Some(MaxMem::PerNode(Memory::from_mib(8000))),
                    };
                    p.exclusive_user = up && tier == 2;
                    p.priority_tier = tier;
                    c.add_partition(p).unwrap();
                }
                let mut normal = Qos::new("normal");
                if let Some(cpus) = qcpu {
                    normal.max_tres_per_job.0.insert(TresKind::Cpu, cpus);
                }
                if let Some(mib) = qmem {
                    normal.max_tres_per_job.0.insert(TresKind::Mem, mib);
                }
                if qnodes > 0 {
                    normal
                        .min_tres_per_job
                        .0
                        .insert(TresKind::Node, u64::from(qnodes));
                }
                c.add_qos(normal).unwrap();
                c
            },
        )
    }

    /// Requests over `nodes` node names and `parts` partition names, now and then
    /// one that does not exist.
    fn request_strategy(nodes: usize, parts: usize) -> impl Strategy<Value = JobRequest> {
        let name = prop_oneof![30 => 0..nodes, 1 => Just(nodes)].prop_map(|i| format!("n{i}"));
        let part = prop_oneof![30 => 0..parts, 1 => Just(parts)].prop_map(|i| format!("p{i}"));
        let list = |s: BoxedStrategy<String>, empty: u32| prop_oneof![empty => Just(Vec::new()), 1 => prop::collection::vec(s, 1..4)];
        let counts = (
            prop::option::of((1u32..5, 0u32..4)),
            prop::option::of(1u32..24),
            prop::option::weighted(0.3, 1u32..6),
            prop::option::weighted(0.3, 1u32..5),
        );
        let memory = prop::option::of((0u8..3, prop::sample::select(vec![0u64, 500, 2000, 9000])));
        let gres = (
            prop::option::weighted(0.15, (0u8..4, 1u64..4)),
            prop::option::weighted(0.15, 1u64..9),
            prop::option::weighted(0.2, 0u8..5),
        );
        let lists = (
            list(name.clone().boxed(), 2),
            list(name.boxed(), 4),
            list(part.boxed(), 1),
        );
        let misc = (
            0u8..4,
            prop::option::of(prop::sample::select(vec![10u64, 90, 900])),
            prop::bool::weighted(0.2),
        );
        (counts, memory, gres, lists, misc).prop_map(
            |(
                (nodes, ntasks, per_node, cpt),
                memory,
                (gres, gpus, constraint),
                (nodelist, exclude, partitions),
                (exclusive, minutes, hold),
            )| {
                let mut req = JobRequest::default();
                req.nodes = nodes.map(|(min, extra)| NodeCount {
                    min,
                    max: min + extra,
                });
                req.ntasks = ntasks;
                req.ntasks_per_node = per_node;
                req.cpus_per_task = cpt;
                req.memory = memory.map(|(kind, mib)| {
                    let m = Memory::from_mib(mib);
                    match kind {
                        0 => MemoryRequest::PerNode(m),
                        1 => MemoryRequest::PerCpu(m),
                        _ => MemoryRequest::PerGpu(m),
                    }
                });
                if let Some((kind, count)) = gres {
                    req.gres = vec![match kind {
                        0 => gres_spec("gpu", None, count),
                        1 => gres_spec("gpu", Some("a100"), count),
                        2 => gres_spec("gpu", Some("v100"), count),
                        _ => gres_spec("nvme", None, count),
                    }];
                }
                req.gpus = gpus.map(|n| Box::new(gres_spec("gpu", None, n)));
                req.constraint = constraint.and_then(|i| {
                    ["a", "b", "a&b", "a|c", "d"]
                        .get(usize::from(i))
                        .copied()
                        .unwrap_or("a")
                        .parse()
                        .ok()
                        .map(Box::new)
                });
                req.nodelist = nodelist;
                req.exclude = exclude;
                req.partitions = partitions;
                req.exclusive = match exclusive {
                    0 => Some(Exclusive::Node),
                    1 => Some(Exclusive::User),
                    _ => None,
                };
                req.time_limit = minutes.map(|m| time(Some(m)));
                req.hold = hold;
                req
            },
        )
    }

    proptest! {
        #[test]
        fn indexed_resolve_matches_the_reference(
            (c, reqs) in cluster_strategy().prop_flat_map(|c| {
                let (nodes, parts) = (c.nodes().len(), c.partitions().len());
                (Just(c), prop::collection::vec(request_strategy(nodes, parts), 1..8))
            }),
        ) {
            for req in &reqs {
                let job = c.resolve(req);
                prop_assert_eq!(&job, &resolve_reference(&c, req), "{:?}", req);
                if let Ok(job) = job {
                    prop_assert_eq!(job.shape_in(job.partition()), Some(job.shape()));
                    for p in job.partitions() {
                        prop_assert!(job.shape_in(p).is_some());
                    }
                    for (_, other) in job.others.iter().flat_map(|o| o.shapes.iter()) {
                        prop_assert!(other != job.shape());
                    }
                    // Pending iff blocked in every partition; a single-partition job
                    // keeps nothing per partition.
                    let blocked: Vec<bool> = job
                        .partitions()
                        .iter()
                        .map(|p| job.pending_reason_in(p).is_some())
                        .collect();
                    for (i, b) in blocked.iter().enumerate() {
                        prop_assert_eq!(job.blocked_at(i), *b);
                    }
                    prop_assert_eq!(job.pending_reason().is_some(), blocked.iter().all(|b| *b));
                    // (It may still name the listed partitions without a fitting
                    // node, or a refusal.)
                    prop_assert!(
                        job.partitions().len() > 1
                            || job.others.as_deref().is_none_or(|o| o.shapes.is_empty()
                                && o.blocked.is_empty()
                                && (o.refusal.is_some()
                                    || !o.bad_after.is_empty()
                                    || !o.never_after.is_empty()))
                    );
                    // Only a held job is accepted without a node that can run it,
                    // and it can never run anywhere.
                    prop_assert!(
                        !job.fits_no_node() || (req.hold && job.pending_reason().is_some())
                    );
                    prop_assert!(job.refused_unless_startable().is_none() || !req.hold);
                }
            }
        }
    }
}

#[test]
fn untyped_gres_counts_every_type_typed_only_its_own() {
    let n = node("n", 1, 1, vec![gpu(Some("a100"), 2), gpu(Some("v100"), 1)]);
    assert_eq!(node_gres_count(&n, &gpu(None, 1).key), 3);
    assert_eq!(node_gres_count(&n, &gpu(Some("v100"), 1).key), 1);
    assert_eq!(node_gres_count(&n, &gpu(Some("h100"), 1).key), 0);
}

#[test]
fn memory_defaults_chain() {
    let c = cluster(EnforcePartLimits::All);
    let small = c.partition("small").unwrap();
    let big = c.partition("big").unwrap();
    let per_cpu = ResolvedMemory::PerCpu(Memory::from_mib(1024));
    assert_eq!(resolve_memory(None, small, &c, false), per_cpu);
    assert_eq!(
        resolve_memory(None, big, &c, false),
        ResolvedMemory::WholeNode
    );
    let zero = Some(MemoryRequest::PerNode(Memory::from_mib(0)));
    assert_eq!(
        resolve_memory(zero, small, &c, false),
        ResolvedMemory::WholeNode
    );
    let mut c2 = c.clone();
    c2.config_mut().def_mem = Some(DefMem::PerGpu(Memory::from_mib(4096)));
    let big = c2.partition("big").unwrap();
    // DefMemPerGPU only applies to jobs that ask for GPUs.
    assert_eq!(
        resolve_memory(None, big, &c2, false),
        ResolvedMemory::WholeNode
    );
    assert_eq!(
        resolve_memory(None, big, &c2, true),
        ResolvedMemory::PerGpu(Memory::from_mib(4096))
    );
}

#[test]
fn max_mem_per_cpu_raises_cpus_per_task() {
    let counts = Counts {
        nodes_min: None,
        nodes_max: None,
        ntasks: 1,
        ntasks_set: false,
        ntasks_per_node: None,
        cpus_per_task: 2,
    };
    let req = Some(MemoryRequest::PerCpu(Memory::from_mib(5000)));
    let (c, m) = adjust_mem_per_cpu(counts, req, Some(Memory::from_mib(2048)));
    assert_eq!(c.cpus_per_task, 6, "ceil(5000/2048) = 3 times 2");
    assert_eq!(m, Some(MemoryRequest::PerCpu(Memory::from_mib(1667))));
    let (c, m) = adjust_mem_per_cpu(counts, req, Some(Memory::from_mib(8192)));
    assert_eq!((c.cpus_per_task, m), (2, req));
}

#[test]
fn default_partition_and_defaults() {
    let c = cluster(EnforcePartLimits::All);
    let job = c.resolve(&JobRequest::default()).unwrap();
    assert_eq!(job.partitions(), ["small"]);
    assert_eq!(job.time_limit(), hours(1), "no DefaultTime: MaxTime");
    assert_eq!(
        (job.min_nodes(), job.max_nodes(), job.min_cpus()),
        (1, 1, 1)
    );
    assert!(!job.whole_nodes());
    assert_eq!(job.qos(), None);
}

#[test]
fn priority_tier_orders_partitions() {
    let c = cluster(EnforcePartLimits::All);
    let mut req = JobRequest::default();
    req.partitions = vec!["small".into(), "big".into()];
    let job = c.resolve(&req).unwrap();
    assert_eq!(job.partitions(), ["big", "small"]);
}

#[test]
fn enforce_modes_on_a_time_limit() {
    let mut req = JobRequest::default();
    req.partitions = vec!["small".into(), "big".into()];
    req.time_limit = Some(hours(2));
    // ALL: small's 1 h MaxTime rejects.
    let err = cluster(EnforcePartLimits::All).resolve(&req).unwrap_err();
    assert_eq!(
        err.reasons(),
        [RejectReason::InvalidTimeLimit {
            partition: "small".into()
        }]
    );
    // ANY: big takes it; small is dropped from the list.
    let job = cluster(EnforcePartLimits::Any).resolve(&req).unwrap();
    assert_eq!(job.partitions(), ["big"]);
    assert_eq!(job.pending_reason(), None);
    // NO, small only: accepted, pends.
    req.partitions = vec!["small".into()];
    let job = cluster(EnforcePartLimits::No).resolve(&req).unwrap();
    assert_eq!(
        job.pending_reason(),
        Some(PendingReason::PartitionTimeLimit)
    );
    assert!(cluster(EnforcePartLimits::Any).resolve(&req).is_err());
}

#[test]
fn gpus_per_job_and_typed_gres() {
    let c = cluster(EnforcePartLimits::All);
    let mut req = JobRequest::default();
    req.partitions = vec!["big".into()];
    req.gpus = Some(Box::new(gpu(None, 3)));
    let job = c.resolve(&req).unwrap();
    // Shown on 2 nodes; the GPUs stay the job's, spread when its nodes are chosen.
    assert_eq!((job.min_nodes(), job.gres_per_node()), (2, &[][..]));
    assert_eq!(job.shape().gpus_per_job(), Some(&gpu(None, 3)));
    let choice = job.shape().gpu_choice().map(|g| (g.min_nodes, g.max_nodes));
    assert_eq!(choice, Some((1, u32::MAX)));
    req.gpus = Some(Box::new(gpu(None, 5)));
    assert!(matches!(
        c.resolve(&req).unwrap_err().reasons()[0],
        RejectReason::NodeConfigUnavailable { .. }
    ));
    req.gpus = None;
    req.gres = vec![gpu(Some("h100"), 1)];
    assert!(matches!(
        c.resolve(&req).unwrap_err().reasons()[0],
        RejectReason::NodeConfigUnavailable { .. }
    ));
    req.partitions = vec!["small".into()];
    // A GRES name the cluster has, but not in this partition.
    assert!(matches!(
        c.resolve(&req).unwrap_err().reasons()[0],
        RejectReason::NodeConfigUnavailable { .. }
    ));
    let mut req = JobRequest::default();
    req.gres = vec![GresSpec {
        key: GresKey {
            name: "nvme".into(),
            kind: None,
        },
        count: 1,
        no_consume: false,
    }];
    assert_eq!(
        c.resolve(&req).unwrap_err().reasons(),
        [RejectReason::InvalidGres("nvme".into())]
    );
}

#[test]
fn zero_gpus_ask_for_nothing() {
    // Observed on 22.05: `-p CPU-4 --gpus=0` is accepted on a partition without GPUs.
    let c = cluster(EnforcePartLimits::All);
    let mut req = JobRequest::default();
    req.partitions = vec!["small".into()];
    req.gpus = Some(Box::new(gpu(None, 0)));
    let job = c.resolve(&req).unwrap();
    assert!(job.gres_per_node().iter().all(|g| g.count == 0));
    assert_eq!(job.min_nodes(), 1);
}

#[test]
fn mincpus_is_a_per_node_minimum() {
    // Observed on 22.05: `-p CPU-4 --mincpus=8` (4-CPU nodes) refused, `--mincpus=4`
    // accepted with NumCPUs=1.
    let c = cluster(EnforcePartLimits::All);
    let mut req = JobRequest::default();
    req.mincpus = Some(4);
    let job = c.resolve(&req).unwrap();
    assert_eq!((job.min_cpus(), job.min_nodes()), (1, 1));
    req.mincpus = Some(8);
    assert!(matches!(
        c.resolve(&req).unwrap_err().reasons()[0],
        RejectReason::NodeConfigUnavailable { .. }
    ));
    req.partitions = vec!["big".into()];
    assert!(c.resolve(&req).is_ok());
}

#[test]
fn negative_nice_is_for_root() {
    // Observed on 22.05: `--nice=-10` refused as a user, accepted as root.
    let c = cluster(EnforcePartLimits::All);
    let mut req = JobRequest::default();
    req.nice = Some(-10);
    // No user named: not checked.
    assert!(c.resolve(&req).is_ok());
    req.user = Some("root".into());
    assert!(c.resolve(&req).is_ok());
    req.user = Some("alice".into());
    assert_eq!(
        c.resolve(&req).unwrap_err().reasons(),
        [RejectReason::InvalidNice]
    );
    req.nice = Some(10);
    assert!(c.resolve(&req).is_ok());
    // sbatch's own checks come first: it never sends this one.
    req.nice = Some(-10);
    req.nodes = Some(crate::request::NodeCount { min: 2, max: 2 });
    req.gpus = Some(Box::new(gpu(None, 1)));
    assert_eq!(
        c.resolve(&req).unwrap_err().reasons(),
        [RejectReason::GpusBelowNodeCount { gpus: 1, nodes: 2 }]
    );
}

#[test]
fn malformed_counts_are_rejected() {
    type Case = (fn(&mut JobRequest), RejectReason);
    let c = cluster(EnforcePartLimits::No);
    let cases: [Case; 4] = [
        (|r| r.cpus_per_task = Some(0), RejectReason::InvalidCpuCount),
        (|r| r.ntasks = Some(0), RejectReason::BadTaskCount),
        (
            |r| {
                r.nodes = Some(crate::request::NodeCount { min: 2, max: 1 });
            },
            RejectReason::InvalidNodeCount,
        ),
        (
            |r| {
                r.nodelist = vec!["s1".into()];
                r.exclude = vec!["s1".into()];
            },
            RejectReason::InvalidNodeName("s1".into()),
        ),
    ];
    for (set, want) in cases {
        let mut req = JobRequest::default();
        set(&mut req);
        assert_eq!(c.resolve(&req).unwrap_err().reasons(), [want]);
    }
}

#[test]
fn other_partitions_keep_a_shape_only_when_it_differs() {
    let c = cluster(EnforcePartLimits::All);
    let mut req = JobRequest::default();
    req.time_limit = Some(hours(1));
    req.partitions = vec!["small".into()];
    let job = c.resolve(&req).unwrap();
    assert_eq!(job.others, None);
    assert_eq!(job.shape_in("small"), Some(job.shape()));
    assert_eq!(job.shape_in("big"), None);
    // small has DefMemPerCPU, big none: the memory differs.
    req.partitions = vec!["small".into(), "big".into()];
    let job = c.resolve(&req).unwrap();
    assert_eq!(job.partitions(), ["big", "small"]);
    assert_eq!(job.memory(), ResolvedMemory::WholeNode);
    let small = job.shape_in("small").unwrap();
    assert_eq!(
        small.memory(),
        ResolvedMemory::PerCpu(Memory::from_mib(1024))
    );
    assert_eq!(job.others.as_deref().map(|o| o.shapes.len()), Some(1));
    // With the same --mem everywhere the shapes are equal and nothing is kept.
    req.memory = Some(MemoryRequest::PerNode(Memory::from_mib(1024)));
    let job = c.resolve(&req).unwrap();
    assert_eq!(job.others, None);
    assert_eq!(job.shape_in("small"), Some(job.shape()));
}

#[test]
fn a_zero_default_time_of_the_first_partition_rejects_once() {
    let mut c = Cluster::new(SchedConfig::default());
    c.add_node(node("n", 4, 1000, vec![])).unwrap();
    let mut a = Partition::new("a", vec!["n".into()]);
    a.default_time = Some(TimeLimit::Limited(Duration::from_secs(0)));
    c.add_partition(a).unwrap();
    let mut b = Partition::new("b", vec!["n".into()]);
    b.priority_tier = 3;
    c.add_partition(b).unwrap();
    let mut req = JobRequest::default();
    req.partitions = vec!["a".into(), "b".into()];
    let zero = RejectReason::InvalidTimeLimit {
        partition: "a".into(),
    };
    assert_eq!(c.resolve(&req).unwrap_err().reasons(), [zero]);
    // Listed second, a's DefaultTime is not looked at.
    req.partitions = vec!["b".into(), "a".into()];
    assert_eq!(c.resolve(&req).unwrap().time_limit(), TimeLimit::Unlimited);
}

#[test]
fn qos_defaults_to_normal_and_deny_on_limit_rejects() {
    let mut c = cluster(EnforcePartLimits::All);
    c.add_qos(Qos::new("normal")).unwrap();
    let mut short = Qos::new("short");
    short.max_wall = Some(TimeLimit::Limited(Duration::from_secs(600)));
    c.add_qos(short.clone()).unwrap();
    let mut req = JobRequest::default();
    assert_eq!(c.resolve(&req).unwrap().qos(), Some("normal"));
    req.qos = Some("short".into());
    // No --time and no DefaultTime: the QOS MaxWall is the limit.
    let job = c.resolve(&req).unwrap();
    assert_eq!(
        job.time_limit(),
        TimeLimit::Limited(Duration::from_secs(600))
    );
    assert_eq!(job.pending_reason(), None);
    req.time_limit = Some(hours(1));
    let job = c.resolve(&req).unwrap();
    assert_eq!(
        job.pending_reason(),
        Some(PendingReason::QOSMaxWallDurationPerJobLimit)
    );
    let mut c2 = cluster(EnforcePartLimits::All);
    short.flags = QosFlags::DENY_ON_LIMIT;
    c2.add_qos(short).unwrap();
    assert_eq!(
        c2.resolve(&req).unwrap_err().reasons(),
        [RejectReason::QosPolicy(
            PendingReason::QOSMaxWallDurationPerJobLimit
        )]
    );
}

/// The oracle's four 4-CPU nodes split into `pa` (MaxTime 10 min, MaxNodes 1) and
/// `pb` (MaxTime 60 min), both with DefaultTime 5 min, as they were added to the
/// Slurm 22.05 oracle for the observations below.
fn pair(enforce: &str, pa_state: &str) -> Cluster {
    Cluster::from_slurm_conf(&format!(
        "EnforcePartLimits={enforce}\n\
         NodeName=cpu4-[1-4] CPUs=4 RealMemory=32768\n\
         PartitionName=pa Nodes=cpu4-[1-2] MaxTime=10 MaxNodes=1 DefaultTime=5 \
         DefMemPerCPU=8192 State={pa_state}\n\
         PartitionName=pb Nodes=cpu4-[3-4] MaxTime=60 DefaultTime=5 DefMemPerCPU=8192\n"
    ))
    .unwrap()
}

fn args(line: &str) -> JobRequest {
    let words: Vec<&str> = line.split_whitespace().collect();
    crate::sbatch::parse_args(&words).unwrap()
}

fn refusal(c: &Cluster, line: &str) -> Vec<RejectReason> {
    match c.resolve(&args(line)) {
        Ok(job) => panic!("{line}: accepted in {:?}", job.partitions()),
        Err(e) => e.reasons().to_vec(),
    }
}

#[test]
fn a_nodelist_longer_than_the_node_maximum_is_refused_by_sbatch() {
    // Observed on 22.05 (sbatch prints these itself; no job id is used).
    let c = pair("ALL", "UP");
    let over = |listed, max| vec![RejectReason::NodeListOverMaxNodes { listed, max }];
    for (line, want) in [
        ("-p pb -N1 -w cpu4-3,cpu4-4", over(2, 1)),
        ("-p pb -N1-1 -w cpu4-3,cpu4-4", over(2, 1)),
        ("-N2 -w cpu4-[1-3]", over(3, 2)),
        ("-w cpu4-[1-3] -N2", over(3, 2)),
        ("-N1-2 -w cpu4-[1-3]", over(3, 2)),
        // Before the node names are looked at, and before -n lowers the counts.
        ("-p pb -N1 -w cpu4-3,nosuch", over(2, 1)),
        ("-p pb -n1 -N1 -w cpu4-[3-4]", over(2, 1)),
    ] {
        assert_eq!(refusal(&c, line), want, "{line}");
    }
    assert_eq!(
        over(2, 1)[0].to_string(),
        "invalid number of nodes (-N 2-1)"
    );
    // A name listed twice counts once (a request built by hand keeps both).
    let mut req = args("-p pb -N1 -t 5");
    req.nodelist = vec!["cpu4-3".into(), "cpu4-3".into()];
    assert_eq!(c.resolve(&req).unwrap().min_nodes(), 1);
    // Without -N the list sets the count, and -n may lower it; then only the first
    // nodes of the sorted list are kept (observed on 22.05, see `sbatch_nodelist`).
    let job = c.resolve(&args("-p pb -n1 -w cpu4-[3-4] -t 5")).unwrap();
    assert_eq!((job.min_nodes(), job.max_nodes()), (1, 1));
    assert_eq!(job.request().nodelist, ["cpu4-3"]);
    for (line, kept) in [
        ("-n1 -w cpu4-2,cpu4-1", vec!["cpu4-1"]),
        ("-n2 -w cpu4-[2-4]", vec!["cpu4-2", "cpu4-3"]),
        ("-n2 -w cpu4-4,cpu4-1,cpu4-2", vec!["cpu4-1", "cpu4-2"]),
        ("-n1 -N2 -w cpu4-[1-2]", vec!["cpu4-1"]),
        // Nothing to drop, or a range the list does not fit in (refused above).
        ("-n2 -w cpu4-2,cpu4-1", vec!["cpu4-1", "cpu4-2"]),
        ("-n1 -N1 -w cpu4-[1-2]", vec!["cpu4-1", "cpu4-2"]),
    ] {
        let req = args(line);
        assert_eq!(sbatch_nodelist(&req).nodelist, kept, "{line}");
    }
    let mut req = args("-n1 -t 5");
    req.nodelist = vec!["cpu4-2".into(), "cpu4-1".into(), "cpu4-2".into()];
    assert_eq!(sbatch_nodelist(&req).nodelist, ["cpu4-1"]);
    // The dropped names are not looked at: slurmctld never sees them.
    let job = c.resolve(&args("-p pa -n1 -w nosuch,cpu4-1 -t 5")).unwrap();
    assert_eq!(job.request().nodelist, ["cpu4-1"]);
    // The list raises the -N minimum: `-N1-4 -w cpu4-[1-2]` asks for 2 to 4 nodes
    // (observed on 22.05: NumNodes=2-4), here of pb's 2 nodes.
    let c = pair("NO", "UP");
    let job = c.resolve(&args("-p pb -N1-4 -w cpu4-[3-4] -t 5")).unwrap();
    assert_eq!((job.min_nodes(), job.max_nodes(), job.ntasks()), (2, 2, 2));
}

#[test]
fn a_multi_partition_job_pends_only_when_blocked_everywhere() {
    let c = pair("NO", "UP");
    let run = |line: &str| c.resolve(&args(line)).unwrap();
    // Observed on 22.05 (EnforcePartLimits=NO): over pa's MaxNodes or MaxTime only,
    // the job runs in pb.
    for line in ["-p pa,pb -N2 -t 5", "-p pb,pa -N2 -t 30", "-p pa,pb -t 30"] {
        let job = run(line);
        assert_eq!(
            (job.partitions(), job.pending_reason()),
            (&["pb".to_owned()][..], None),
            "{line}"
        );
    }
    // Over pa's MaxNodes (checked before its MaxTime) and pb's MaxTime: the reason
    // is the last partition's (observed: PartitionTimeLimit, then for `-p pb,pa`
    // PartitionNodeLimit; pa alone gives PartitionNodeLimit).
    let job = run("-p pa,pb -N2 -t 120");
    assert_eq!(job.partitions(), ["pa", "pb"]);
    assert_eq!(
        (
            job.pending_reason(),
            job.pending_reason_in("pa"),
            job.pending_reason_in("pb")
        ),
        (
            Some(PendingReason::PartitionTimeLimit),
            Some(PendingReason::PartitionNodeLimit),
            Some(PendingReason::PartitionTimeLimit)
        )
    );
    assert_eq!(
        run("-p pb,pa -N2 -t 120").pending_reason(),
        Some(PendingReason::PartitionNodeLimit)
    );
    assert_eq!(
        run("-p pa -N2 -t 120").pending_reason(),
        Some(PendingReason::PartitionNodeLimit)
    );
    // PriorityTier orders the tests (observed: with pb at tier 2, both orders show
    // pa's PartitionNodeLimit).
    let tiered = Cluster::from_slurm_conf(
        "EnforcePartLimits=NO\nNodeName=cpu4-[1-4] CPUs=4 RealMemory=32768\n\
         PartitionName=pa Nodes=cpu4-[1-2] MaxTime=10 MaxNodes=1\n\
         PartitionName=pb Nodes=cpu4-[3-4] MaxTime=60 PriorityTier=2\n",
    )
    .unwrap();
    for line in ["-p pa,pb -N2 -t 120", "-p pb,pa -N2 -t 120"] {
        let job = tiered.resolve(&args(line)).unwrap();
        assert_eq!(
            (job.partitions(), job.pending_reason()),
            (
                &["pb".to_owned(), "pa".to_owned()][..],
                Some(PendingReason::PartitionNodeLimit)
            ),
            "{line}"
        );
    }
}

#[test]
fn a_down_partition_is_skipped_and_wins_over_its_limits() {
    // Observed on 22.05, pa DOWN, EnforcePartLimits=NO.
    let c = pair("NO", "DOWN");
    let run = |line: &str| c.resolve(&args(line)).unwrap();
    let job = run("-p pa,pb -t 5");
    assert_eq!(job.partitions(), ["pa", "pb"]);
    assert_eq!(
        (
            job.pending_reason(),
            job.pending_reason_in("pa"),
            job.pending_reason_in("pb")
        ),
        (None, Some(PendingReason::PartitionDown), None)
    );
    assert!(job.blocked_at(0) && !job.blocked_at(1));
    for (line, want) in [
        // pa is DOWN (and over MaxTime), pb over MaxTime: the last one's reason.
        ("-p pa,pb -t 120", PendingReason::PartitionTimeLimit),
        ("-p pb,pa -t 120", PendingReason::PartitionDown),
        ("-p pa,pb -N2 -t 120", PendingReason::PartitionTimeLimit),
        // In one partition DOWN comes before its limits.
        ("-p pa -t 120", PendingReason::PartitionDown),
        ("-p pa -N2 -t 5", PendingReason::PartitionDown),
    ] {
        assert_eq!(run(line).pending_reason(), Some(want), "{line}");
    }
    // EnforcePartLimits=ALL: a DOWN partition's own limits are not checked, only
    // the highest of the list (observed on 22.05).
    let c = pair("ALL", "DOWN");
    let job = c.resolve(&args("-p pa,pb -t 30")).unwrap();
    assert_eq!(job.partitions(), ["pa", "pb"]);
    assert_eq!(job.pending_reason(), None);
    let time = RejectReason::InvalidTimeLimit {
        partition: "pa".into(),
    };
    assert_eq!(refusal(&c, "-p pa -t 30"), [time]);
    // pb is UP: its own MaxTime refuses 90 minutes.
    assert_eq!(
        refusal(&c, "-p pa,pb -t 90"),
        [RejectReason::InvalidTimeLimit {
            partition: "pb".into()
        }]
    );
    assert_eq!(
        refusal(&c, "-p pa -N2 -t 5"),
        [RejectReason::InvalidNodeCount]
    );
    // pb is UP: its own node total refuses 3 nodes.
    assert_eq!(
        refusal(&c, "-p pa,pb -N3 -t 5"),
        [RejectReason::InvalidNodeCount]
    );
    // With --time-min the list-wide --time check is skipped.
    let job = c.resolve(&args("-p pa -t 30 --time-min=5")).unwrap();
    assert_eq!(job.pending_reason(), Some(PendingReason::PartitionDown));
}

#[test]
fn enforce_all_gives_the_first_violation_and_any_the_last() {
    // Observed on 22.05: pa is over MaxNodes (and MaxTime), pb over MaxTime.
    let node = || RejectReason::InvalidNodeCount;
    let time = |p: &str| RejectReason::InvalidTimeLimit {
        partition: p.into(),
    };
    let all = pair("ALL", "UP");
    assert_eq!(refusal(&all, "-p pa,pb -N2 -t 120"), [node()]);
    assert_eq!(refusal(&all, "-p pb,pa -N2 -t 120"), [time("pb")]);
    assert_eq!(refusal(&all, "-p pa,pb -t 30"), [time("pa")]);
    assert_eq!(refusal(&all, "-p pb,pa -N2 -t 5"), [node()]);
    let any = pair("ANY", "UP");
    assert_eq!(refusal(&any, "-p pa,pb -N2 -t 120"), [time("pb")]);
    assert_eq!(refusal(&any, "-p pb,pa -N2 -t 120"), [node()]);
    assert_eq!(refusal(&any, "-p pa -N2 -t 120"), [node()]);
    for line in ["-p pa,pb -t 30", "-p pb,pa -N2 -t 5"] {
        let job = any.resolve(&args(line)).unwrap();
        assert_eq!(job.partitions(), ["pb"], "{line}");
    }
    // pb DOWN, pa over MaxTime: accepted when pb (DOWN) is tested last, refused when
    // pa is (observed on 22.05).
    let any_pb_down = Cluster::from_slurm_conf(
        "EnforcePartLimits=ANY\nNodeName=cpu4-[1-4] CPUs=4 RealMemory=32768\n\
         PartitionName=pa Nodes=cpu4-[1-2] MaxTime=10 MaxNodes=1\n\
         PartitionName=pb Nodes=cpu4-[3-4] MaxTime=60 State=DOWN\n",
    )
    .unwrap();
    let job = any_pb_down.resolve(&args("-p pa,pb -t 30")).unwrap();
    assert_eq!(
        (job.partitions(), job.pending_reason()),
        (&["pb".to_owned()][..], Some(PendingReason::PartitionDown))
    );
    assert_eq!(
        refusal(&any_pb_down, "-p pb,pa -t 30"),
        [RejectReason::PartitionConfigUnavailable]
    );
    assert_eq!(
        refusal(&any_pb_down, "-p pa,pb -t 90"),
        [RejectReason::InvalidTimeLimit {
            partition: "pa".into()
        }]
    );
}

#[test]
fn time_min_is_checked_against_the_largest_max_time_of_the_list() {
    // Observed on 22.05 (pa MaxTime 10, pb 60, both DefaultTime 5).
    let c = pair("NO", "UP");
    let job = c.resolve(&args("-p pa,pb -t 30 --time-min=20")).unwrap();
    assert_eq!(
        (job.partitions(), job.pending_reason()),
        (&["pb".to_owned()][..], None)
    );
    // Without --time the limit is the first partition's DefaultTime (5 min).
    for line in ["-p pb,pa --time-min=4", "-p pb,pa --time-min=5"] {
        let job = c.resolve(&args(line)).unwrap();
        assert_eq!(
            (job.partitions(), job.pending_reason()),
            (&["pb".to_owned(), "pa".to_owned()][..], None),
            "{line}"
        );
    }
    for line in [
        // Over the largest MaxTime.
        "-p pa,pb -t 90 --time-min=70",
        "-p pa -t 30 --time-min=20",
        // Over the first partition's DefaultTime, without --time.
        "-p pb,pa --time-min=20",
        "-p pb,pa --time-min=6",
        // Over --time.
        "-p pb -t 10 --time-min=20",
    ] {
        assert_eq!(refusal(&c, line), [RejectReason::InvalidTimeMin], "{line}");
    }
    // Under EnforcePartLimits=ALL --time is still checked in each partition.
    let all = pair("ALL", "UP");
    assert_eq!(
        refusal(&all, "-p pa,pb -t 30 --time-min=20"),
        [RejectReason::InvalidTimeLimit {
            partition: "pa".into()
        }]
    );
    let mut c2 = pair("NO", "UP");
    let mut q = Qos::new("long");
    q.flags = QosFlags::PARTITION_TIME_LIMIT;
    c2.add_qos(q).unwrap();
    assert!(
        c2.resolve(&args("-p pa -q long -t 30 --time-min=20"))
            .is_ok()
    );
}

#[test]
fn a_deny_on_limit_qos_refuses_in_any_listed_partition() {
    // `acct_policy_validate()` walks every listed partition.
    let mut c = Cluster::from_slurm_conf(
        "NodeName=n[1-4] CPUs=4 RealMemory=8000\n\
         PartitionName=a Nodes=n[1-2] QOS=small\n\
         PartitionName=b Nodes=n[3-4]\n",
    )
    .unwrap();
    let mut small = Qos::new("small");
    small.max_tres_per_job.0.insert(TresKind::Node, 1);
    c.add_qos(small.clone()).unwrap();
    // Without DenyOnLimit: blocked in a by its partition QOS, runs in b.
    let job = c.resolve(&args("-p a,b -N2")).unwrap();
    assert_eq!(
        (job.pending_reason_in("a"), job.pending_reason()),
        (Some(PendingReason::QOSMaxNodePerJobLimit), None)
    );
    small.flags = QosFlags::DENY_ON_LIMIT;
    if let Some(q) = c.qos_mut("small") {
        *q = small;
    }
    assert_eq!(
        refusal(&c, "-p b,a -N2"),
        [RejectReason::QosPolicy(
            PendingReason::QOSMaxNodePerJobLimit
        )]
    );
}
