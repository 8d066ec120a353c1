//! Unit tests of the planner: hand-made cases, and property tests against a simple model.

use super::*;
use crate::gres::GresKey;
use crate::memory::Memory;
use crate::time::Duration;
use crate::tres::Tres;
use proptest::prelude::*;
use std::collections::BTreeMap;

fn node(cpus: u32, mib: u64, gres: &[(GresKey, u64)]) -> Tres {
    Tres {
        nodes: 1,
        cpus,
        memory: Memory::from_mib(mib),
        gres: gres.iter().cloned().collect(),
    }
}

fn cpus(n: u32) -> Tres {
    Tres {
        cpus: n,
        ..Tres::default()
    }
}

fn whole(nodes: u32, secs: u64) -> Demand {
    Demand {
        min_nodes: nodes,
        max_nodes: nodes,
        req_nodes: 0,
        total_cpus: nodes,
        min_cpus_per_node: 1,
        cpus_per_task: 1,
        mem: MemDemand::WholeNode,
        gres_per_node: Vec::new(),
        whole_node: true,
        user: 0,
        user_exclusive: false,
        duration: Duration::from_secs(secs),
        cpu_budget: None,
        gpus_per_job: None,
    }
}

fn shared(total: u32, mem: MemDemand, secs: u64) -> Demand {
    Demand {
        min_nodes: 1,
        max_nodes: 1,
        req_nodes: 0,
        total_cpus: total,
        min_cpus_per_node: total,
        cpus_per_task: 1,
        mem,
        gres_per_node: Vec::new(),
        whole_node: false,
        user: 0,
        user_exclusive: false,
        duration: Duration::from_secs(secs),
        cpu_budget: None,
        gpus_per_job: None,
    }
}

fn cluster(n: usize) -> Profile {
    let cap = node(16, 64_000, &[]);
    Profile::new(Timestamp(0), vec![cap; n], vec![1; n])
}

const ALL4: [NodeIdx; 4] = [0, 1, 2, 3];

#[test]
fn classic_backfill_on_four_whole_nodes() {
    let mut p = cluster(4);
    let cap = node(16, 64_000, &[]);
    for n in 0..3 {
        p.add_running(n, &cap, Timestamp(3600), 9, false);
    }
    let job_b = whole(4, 3600);
    let at = p.earliest(&job_b, &ALL4, Timestamp(0), None).unwrap();
    assert_eq!(at.start, Timestamp(3600));
    assert_eq!(at.nodes, vec![(0, 16), (1, 16), (2, 16), (3, 16)]);
    for &(n, _) in &at.nodes {
        p.reserve(n, at.start, Timestamp(7200), &Hold::WholeNode, 1, false);
    }
    let job_c = whole(1, 1800);
    let at_c = p.earliest(&job_c, &ALL4, Timestamp(0), None).unwrap();
    assert_eq!(
        at_c,
        Placement {
            start: Timestamp(0),
            nodes: vec![(3, 16)],
            gpus: vec![]
        }
    );
    let job_d = whole(1, 7200);
    let at_d = p.earliest(&job_d, &ALL4, Timestamp(0), None).unwrap();
    assert_eq!(
        at_d,
        Placement {
            start: Timestamp(7200),
            nodes: vec![(0, 16)],
            gpus: vec![]
        }
    );
    // Exactly fitting before the reservation is allowed: [0, 3600) ends as B starts.
    let exact = whole(1, 3600);
    assert_eq!(
        p.earliest(&exact, &ALL4, Timestamp(0), None).unwrap().start,
        Timestamp(0)
    );
    let over = whole(1, 3601);
    assert_eq!(
        p.earliest(&over, &ALL4, Timestamp(0), None).unwrap().start,
        Timestamp(7200)
    );
}

#[test]
fn whole_node_jobs_on_idle_nodes_take_lowest_indices() {
    let mut p = cluster(4);
    let at = p
        .earliest(&whole(3, 600), &ALL4, Timestamp(0), None)
        .unwrap();
    assert_eq!(at.nodes, vec![(0, 16), (1, 16), (2, 16)]);
    for &(n, _) in &at.nodes {
        p.add_running(n, &node(16, 64_000, &[]), Timestamp(600), 0, false);
    }
    let at = p
        .earliest(&whole(1, 600), &ALL4, Timestamp(0), None)
        .unwrap();
    assert_eq!(at.nodes, vec![(3, 16)]);
    // A whole-node job needs the node idle: one running CPU is enough to refuse it.
    let mut q = cluster(1);
    q.add_running(0, &cpus(1), Timestamp(50), 0, false);
    assert_eq!(
        q.earliest(&whole(1, 10), &[0], Timestamp(0), None)
            .unwrap()
            .start,
        Timestamp(50)
    );
}

#[test]
fn shared_nodes_pack_by_cpus_and_memory() {
    let mut p = Profile::new(Timestamp(0), vec![node(16, 16_000, &[]); 2], vec![1, 1]);
    // Node 0: 10 CPUs and 12 GB taken until 100.
    p.add_running(0, &node(10, 12_000, &[]), Timestamp(100), 1, false);
    // Best fit: 4 CPUs at 1 GB each go to node 0 (6 CPUs, 4 GB free).
    let d = shared(4, MemDemand::PerCpu(Memory::from_mib(1000)), 50);
    assert_eq!(
        p.earliest(&d, &[0, 1], Timestamp(0), None).unwrap().nodes,
        vec![(0, 4)]
    );
    // 5 CPUs × 1 GB do not fit in node 0's 4 GB: node 1.
    let d = shared(5, MemDemand::PerCpu(Memory::from_mib(1000)), 50);
    assert_eq!(
        p.earliest(&d, &[0, 1], Timestamp(0), None).unwrap().nodes,
        vec![(1, 5)]
    );
    // Per-node memory: 4 GB fits node 0, 4.1 GB does not.
    let d = shared(2, MemDemand::PerNode(Memory::from_mib(4000)), 50);
    assert_eq!(
        p.earliest(&d, &[0, 1], Timestamp(0), None).unwrap().nodes,
        vec![(0, 2)]
    );
    let d = shared(2, MemDemand::PerNode(Memory::from_mib(4100)), 50);
    assert_eq!(
        p.earliest(&d, &[0, 1], Timestamp(0), None).unwrap().nodes,
        vec![(1, 2)]
    );
    // Only node 0 allowed: it waits for the running job's end.
    assert_eq!(
        p.earliest(&d, &[0], Timestamp(0), None).unwrap().start,
        Timestamp(100)
    );
    // Whole-node memory needs none allocated.
    let d = shared(1, MemDemand::WholeNode, 50);
    assert_eq!(
        p.earliest(&d, &[0], Timestamp(0), None).unwrap().start,
        Timestamp(100)
    );
    // More memory than the node has: never.
    let d = shared(1, MemDemand::PerNode(Memory::from_mib(16_001)), 50);
    assert_eq!(p.earliest(&d, &[0, 1], Timestamp(0), None), None);
}

#[test]
fn per_cpu_memory_limits_what_a_node_gives_to_a_multi_node_job() {
    let mut p = Profile::new(Timestamp(0), vec![node(16, 8000, &[]); 3], vec![1; 3]);
    p.add_running(0, &node(0, 6000, &[]), Timestamp(100), 1, false);
    // 20 tasks × 1 GB: node 0 gives 2 (2 GB free), nodes 1 and 2 up to 8 each.
    let d = Demand {
        min_nodes: 1,
        max_nodes: 3,
        req_nodes: 0,
        total_cpus: 20,
        min_cpus_per_node: 1,
        ..shared(20, MemDemand::PerCpu(Memory::from_mib(1000)), 10)
    };
    // 2 + 8 + 8 = 18 CPUs at most now.
    assert_eq!(
        p.earliest(&d, &[0, 1, 2], Timestamp(0), None)
            .unwrap()
            .start,
        Timestamp(100)
    );
    let d = Demand {
        total_cpus: 18,
        ..d
    };
    let at = p.earliest(&d, &[0, 1, 2], Timestamp(0), None).unwrap();
    assert_eq!(
        at,
        Placement {
            start: Timestamp(0),
            nodes: vec![(0, 2), (1, 8), (2, 8)],
            gpus: vec![]
        }
    );
    let d = Demand {
        total_cpus: 16,
        ..d
    };
    // 16 CPUs: Slurm takes the run of consecutive nodes in order, node 0 first.
    assert_eq!(
        p.earliest(&d, &[0, 1, 2], Timestamp(0), None)
            .unwrap()
            .nodes,
        vec![(0, 2), (1, 8), (2, 6)]
    );
}

#[test]
fn tasks_are_never_split_and_the_per_node_minimum_holds() {
    let mut p = cluster(2);
    p.add_running(0, &cpus(11), Timestamp(100), 1, false);
    // -N 2 --ntasks-per-node=2 -c 2: 4 CPUs a node; node 0 has 5 free = 2 tasks.
    let d = Demand {
        min_nodes: 2,
        max_nodes: 2,
        req_nodes: 0,
        total_cpus: 8,
        min_cpus_per_node: 4,
        cpus_per_task: 2,
        ..shared(8, MemDemand::PerNode(Memory::from_mib(0)), 10)
    };
    let at = p.earliest(&d, &[0, 1], Timestamp(0), None).unwrap();
    assert_eq!(
        at,
        Placement {
            start: Timestamp(0),
            nodes: vec![(0, 4), (1, 4)],
            gpus: vec![]
        }
    );
    // -c 3: node 0 has one task of 3 only, below the minimum of 6.
    let d = Demand {
        cpus_per_task: 3,
        min_cpus_per_node: 6,
        total_cpus: 12,
        ..d
    };
    assert_eq!(
        p.earliest(&d, &[0, 1], Timestamp(0), None).unwrap().start,
        Timestamp(100)
    );
}

#[test]
fn typed_and_untyped_gpu_requests() {
    let a100 = GresKey::typed("gpu", "a100");
    let h100 = GresKey::typed("gpu", "h100");
    let caps = vec![
        node(32, 100_000, &[(a100.clone(), 4)]),
        node(32, 100_000, &[(h100.clone(), 2)]),
    ];
    let mut p = Profile::new(Timestamp(0), caps, vec![1, 1]);
    let gpus = |key: &GresKey, n: u64| Demand {
        gres_per_node: vec![(key.clone(), n)],
        ..shared(1, MemDemand::PerGpu(Memory::from_mib(1000)), 60)
    };
    assert_eq!(
        p.earliest(&gpus(&h100, 1), &[0, 1], Timestamp(0), None)
            .unwrap()
            .nodes,
        vec![(1, 1)]
    );
    assert_eq!(
        p.earliest(&gpus(&h100, 3), &[0, 1], Timestamp(0), None),
        None
    );
    // Untyped: any type; best fit by CPUs is equal, so the lower index.
    assert_eq!(
        p.earliest(&gpus(&GresKey::new("gpu"), 2), &[0, 1], Timestamp(0), None)
            .unwrap()
            .nodes,
        vec![(0, 1)]
    );
    assert_eq!(
        p.earliest(&gpus(&GresKey::new("gpu"), 3), &[0, 1], Timestamp(0), None)
            .unwrap()
            .nodes,
        vec![(0, 1)]
    );
    assert_eq!(
        p.earliest(&gpus(&GresKey::new("nvme"), 1), &[0, 1], Timestamp(0), None),
        None
    );
    // Three a100 in use until 500: two untyped GPUs wait for them, or go to the h100s.
    let mut used = cpus(1);
    used.gres.insert(a100.clone(), 3);
    p.add_running(0, &used, Timestamp(500), 1, false);
    let two = gpus(&GresKey::new("gpu"), 2);
    assert_eq!(
        p.earliest(&two, &[0], Timestamp(0), None).unwrap().start,
        Timestamp(500)
    );
    assert_eq!(
        p.earliest(&two, &[0, 1], Timestamp(0), None).unwrap().nodes,
        vec![(1, 1)]
    );
    // An untyped running use takes from the types in key order (a100 first).
    let mut q = Profile::new(
        Timestamp(0),
        vec![node(8, 1000, &[(a100.clone(), 1), (h100.clone(), 1)])],
        vec![1],
    );
    let mut any = cpus(1);
    any.gres.insert(GresKey::new("gpu"), 1);
    q.add_running(0, &any, Timestamp(100), 1, false);
    assert_eq!(
        q.free_at(0, Timestamp(0)).unwrap().gres,
        [(h100.clone(), 1)].into_iter().collect()
    );
    assert_eq!(
        q.earliest(&gpus(&a100, 1), &[0], Timestamp(0), None)
            .unwrap()
            .start,
        Timestamp(100)
    );
    assert_eq!(
        q.earliest(&gpus(&h100, 1), &[0], Timestamp(0), None)
            .unwrap()
            .start,
        Timestamp(0)
    );
    // Typed and untyped together: one h100 plus one more of any type.
    let mix = Demand {
        gres_per_node: vec![(h100.clone(), 1), (GresKey::new("gpu"), 1)],
        ..gpus(&h100, 1)
    };
    // Memory per GPU counts every GPU asked: 2 × 1000 MiB > the node's 1000 MiB.
    assert_eq!(q.earliest(&mix, &[0], Timestamp(0), None), None);
    let mix = Demand {
        mem: MemDemand::PerGpu(Memory::from_mib(500)),
        ..mix
    };
    assert_eq!(
        q.earliest(&mix, &[0], Timestamp(0), None).unwrap().start,
        Timestamp(100)
    );
    let mix_mem = Demand {
        mem: MemDemand::PerGpu(Memory::from_mib(600)),
        ..mix
    };
    assert_eq!(q.earliest(&mix_mem, &[0], Timestamp(0), None), None);
}

#[test]
fn user_exclusive_rules() {
    let mut p = cluster(2);
    // User 1 runs an exclusive job on node 0; user 2 a shared one on node 1.
    p.add_running(0, &cpus(1), Timestamp(100), 1, true);
    p.add_running(1, &cpus(1), Timestamp(200), 2, false);
    let d = |user, excl| Demand {
        user,
        user_exclusive: excl,
        ..shared(2, MemDemand::PerNode(Memory::from_mib(0)), 10)
    };
    // User 1 may share its own exclusive node (best fit: both have 15 free; node 0).
    assert_eq!(
        p.earliest(&d(1, false), &[0], Timestamp(0), None)
            .unwrap()
            .start,
        Timestamp(0)
    );
    // User 3 may not use node 0 until 100.
    assert_eq!(
        p.earliest(&d(3, false), &[0], Timestamp(0), None)
            .unwrap()
            .start,
        Timestamp(100)
    );
    assert_eq!(
        p.earliest(&d(3, false), &[0, 1], Timestamp(0), None)
            .unwrap()
            .nodes,
        vec![(1, 2)]
    );
    // An exclusive job of user 3 cannot join user 2 on node 1 either.
    assert_eq!(
        p.earliest(&d(3, true), &[1], Timestamp(0), None)
            .unwrap()
            .start,
        Timestamp(200)
    );
    assert_eq!(
        p.earliest(&d(2, true), &[1], Timestamp(0), None)
            .unwrap()
            .start,
        Timestamp(0)
    );
    // A reservation of user 2 on node 1 from 300 keeps user 3's exclusive job short.
    p.reserve(
        1,
        Timestamp(300),
        Timestamp(400),
        &Hold::Resources(cpus(1)),
        2,
        false,
    );
    let long = Demand {
        duration: Duration::from_secs(150),
        ..d(3, true)
    };
    assert_eq!(
        p.earliest(&long, &[1], Timestamp(0), None).unwrap().start,
        Timestamp(400)
    );
    let short = Demand {
        duration: Duration::from_secs(100),
        ..d(3, true)
    };
    assert_eq!(
        p.earliest(&short, &[1], Timestamp(0), None).unwrap().start,
        Timestamp(200)
    );
    // An exclusive reservation of user 1 keeps user 2 off its window.
    p.reserve(
        0,
        Timestamp(500),
        Timestamp(600),
        &Hold::Resources(cpus(1)),
        1,
        true,
    );
    let d2 = Demand {
        duration: Duration::from_secs(450),
        ..d(2, false)
    };
    assert_eq!(
        p.earliest(&d2, &[0], Timestamp(0), None).unwrap().start,
        Timestamp(600)
    );
}

#[test]
fn lowest_weight_first_then_best_fit_then_index() {
    let caps = vec![node(16, 64_000, &[]); 4];
    let mut p = Profile::new(Timestamp(0), caps, vec![5, 1, 1, 9]);
    assert_eq!(
        p.earliest(&whole(1, 10), &ALL4, Timestamp(0), None)
            .unwrap()
            .nodes,
        vec![(1, 16)]
    );
    assert_eq!(
        p.earliest(&whole(3, 10), &ALL4, Timestamp(0), None)
            .unwrap()
            .nodes,
        vec![(0, 16), (1, 16), (2, 16)]
    );
    p.add_running(2, &cpus(12), Timestamp(100), 1, false);
    let d = shared(4, MemDemand::PerNode(Memory::from_mib(0)), 10);
    assert_eq!(
        p.earliest(&d, &ALL4, Timestamp(0), None).unwrap().nodes,
        vec![(2, 4)]
    );
    let d = shared(5, MemDemand::PerNode(Memory::from_mib(0)), 10);
    assert_eq!(
        p.earliest(&d, &ALL4, Timestamp(0), None).unwrap().nodes,
        vec![(1, 5)]
    );
    // 20 CPUs on up to 4 nodes: the weight-1 tier first (16 + 4), nothing heavier.
    let d = Demand {
        min_nodes: 1,
        max_nodes: 4,
        req_nodes: 0,
        min_cpus_per_node: 1,
        ..shared(20, MemDemand::PerNode(Memory::from_mib(0)), 10)
    };
    assert_eq!(
        p.earliest(&d, &ALL4, Timestamp(0), None).unwrap().nodes,
        vec![(1, 16), (2, 4)]
    );
    // 30 CPUs: the tier holds 20, so the next weight (node 0) adds the rest.
    let d = Demand {
        total_cpus: 30,
        ..d
    };
    assert_eq!(
        p.earliest(&d, &ALL4, Timestamp(0), None).unwrap().nodes,
        vec![(0, 10), (1, 16), (2, 4)]
    );
    // With at most two nodes the weight-1 tier cannot complete it: 16 + 16 from 1 and 0.
    let d = Demand {
        max_nodes: 2,
        req_nodes: 0,
        ..d
    };
    let at = p.earliest(&d, &ALL4, Timestamp(0), None).unwrap();
    assert_eq!(at.nodes, vec![(0, 14), (1, 16)]);
}

#[test]
fn blocked_unknown_and_repeated_candidates() {
    let mut p = cluster(3);
    p.block(0);
    p.block(99);
    assert_eq!(
        p.earliest(&whole(1, 10), &[0, 0, 7, 1], Timestamp(0), None)
            .unwrap()
            .nodes,
        vec![(1, 16)]
    );
    assert_eq!(
        p.earliest(&whole(2, 10), &[0, 1, 1, 1], Timestamp(0), None),
        None
    );
    assert_eq!(
        p.earliest(&whole(2, 10), &[2, 0, 1], Timestamp(0), None)
            .unwrap()
            .nodes,
        vec![(1, 16), (2, 16)]
    );
    assert_eq!(p.earliest(&whole(1, 10), &[], Timestamp(0), None), None);
    // Unknown nodes in mutations are ignored.
    p.add_running(42, &cpus(1), Timestamp(10), 0, false);
    p.reserve(42, Timestamp(0), Timestamp(10), &Hold::WholeNode, 0, false);
}

#[test]
fn horizon_and_not_before() {
    let mut p = cluster(1);
    p.add_running(0, &cpus(16), Timestamp(1000), 1, false);
    let d = whole(1, 10);
    assert_eq!(
        p.earliest(&d, &[0], Timestamp(0), Some(Timestamp(1000))),
        None
    );
    assert_eq!(
        p.earliest(&d, &[0], Timestamp(0), Some(Timestamp(1001)))
            .unwrap()
            .start,
        Timestamp(1000)
    );
    assert_eq!(
        p.earliest(&d, &[0], Timestamp(1500), None).unwrap().start,
        Timestamp(1500)
    );
    assert_eq!(
        p.earliest(&d, &[0], Timestamp(1500), Some(Timestamp(1500))),
        None
    );
    // A not_before in a gap between reservations.
    p.reserve(
        0,
        Timestamp(2000),
        Timestamp(3000),
        &Hold::WholeNode,
        2,
        false,
    );
    assert_eq!(
        p.earliest(&d, &[0], Timestamp(1995), None).unwrap().start,
        Timestamp(3000)
    );
    assert_eq!(
        p.earliest(&d, &[0], Timestamp(1990), None).unwrap().start,
        Timestamp(1990)
    );
    // not_before before now counts from now.
    let q = Profile::new(Timestamp(50), vec![node(4, 0, &[])], vec![1]);
    assert_eq!(
        q.earliest(&d, &[0], Timestamp(0), None).unwrap().start,
        Timestamp(50)
    );
}

#[test]
fn zero_and_unlimited_durations_and_huge_times() {
    let mut p = cluster(2);
    p.add_running(0, &cpus(16), NEVER, 1, false);
    p.reserve(
        1,
        Timestamp(100),
        Timestamp(200),
        &Hold::WholeNode,
        1,
        false,
    );
    // Zero duration = one second: [99, 100) fits, [100, 101) does not.
    let zero = whole(1, 0);
    assert_eq!(
        p.earliest(&zero, &[1], Timestamp(99), None).unwrap().start,
        Timestamp(99)
    );
    assert_eq!(
        p.earliest(&zero, &[1], Timestamp(100), None).unwrap().start,
        Timestamp(200)
    );
    let forever = Demand {
        duration: Duration::from_secs(u64::MAX),
        ..whole(1, 0)
    };
    assert_eq!(
        p.earliest(&forever, &[0, 1], Timestamp(0), None)
            .unwrap()
            .start,
        Timestamp(200)
    );
    assert_eq!(p.earliest(&forever, &[0], Timestamp(0), None), None);
    assert_eq!(p.earliest(&forever, &[1], NEVER, None), None);
    p.reserve(
        1,
        Timestamp(u64::MAX - 5),
        NEVER,
        &Hold::WholeNode,
        1,
        false,
    );
    assert_eq!(p.earliest(&forever, &[1], Timestamp(0), None), None);
    assert_eq!(
        p.earliest(&whole(1, 10), &[1], Timestamp(u64::MAX - 20), None)
            .unwrap()
            .start,
        Timestamp(u64::MAX - 20)
    );
    assert_eq!(
        p.earliest(&whole(1, 10), &[1], Timestamp(u64::MAX - 9), None),
        None
    );
}

#[test]
fn over_committed_input_saturates() {
    let mut p = Profile::new(
        Timestamp(0),
        vec![node(4, 100, &[(GresKey::new("gpu"), 1)])],
        vec![1],
    );
    let mut big = node(
        8,
        1000,
        &[(GresKey::new("gpu"), 5), (GresKey::typed("fpga", "x"), 1)],
    );
    big.nodes = 0;
    p.add_running(0, &big, Timestamp(10), 1, false);
    let free = p.free_at(0, Timestamp(5)).unwrap();
    assert_eq!((free.cpus, free.memory.mib(), free.gres.len()), (0, 0, 0));
    assert_eq!(p.free_at(0, Timestamp(10)).unwrap().cpus, 4);
    assert_eq!(
        p.earliest(&whole(1, 5), &[0], Timestamp(0), None)
            .unwrap()
            .start,
        Timestamp(10)
    );
    // Empty or reversed intervals change nothing.
    p.reserve(0, Timestamp(20), Timestamp(20), &Hold::WholeNode, 1, false);
    p.reserve(0, Timestamp(30), Timestamp(25), &Hold::WholeNode, 1, false);
    assert_eq!(
        p.earliest(&whole(1, 100), &[0], Timestamp(10), None)
            .unwrap()
            .start,
        Timestamp(10)
    );
}

#[test]
fn required_nodes_are_taken_first_then_their_neighbours() {
    let p = cluster(4);
    let all = ALL4;
    let two = whole(2, 60);
    let req = |d: &Demand, r: &[NodeIdx]| {
        p.earliest_with_required(d, &all, r, Timestamp(0), None)
            .map(|at| at.nodes.iter().map(|e| e.0).collect::<Vec<_>>())
    };
    // Observed on Slurm 22.05 (cons_tres, idle nodes): the node above the required
    // one, else the one below.
    assert_eq!(req(&two, &[3]), Some(vec![2, 3]));
    assert_eq!(req(&two, &[2]), Some(vec![2, 3]));
    assert_eq!(req(&two, &[0]), Some(vec![0, 1]));
    assert_eq!(req(&whole(3, 60), &[1]), Some(vec![1, 2, 3]));
    assert_eq!(req(&whole(4, 60), &[2]), Some(vec![0, 1, 2, 3]));
    // Several required nodes: all of them, then upward from the first one.
    assert_eq!(req(&whole(3, 60), &[3, 0]), Some(vec![0, 1, 3]));
    assert_eq!(req(&whole(3, 60), &[1, 3, 1]), Some(vec![1, 2, 3]));
    // More required nodes than the job may have, or one that is no candidate: never.
    assert_eq!(req(&two, &[0, 1, 2]), None);
    assert_eq!(
        p.earliest_with_required(&two, &[0, 1], &[3], Timestamp(0), None),
        None
    );
    assert_eq!(req(&two, &[9]), None);
    // No required node: exactly `earliest`.
    assert_eq!(
        p.earliest_with_required(&two, &all, &[], Timestamp(0), None),
        p.earliest(&two, &all, Timestamp(0), None)
    );
    let mut q = cluster(4);
    q.block(1);
    assert_eq!(
        q.earliest_with_required(&two, &all, &[1], Timestamp(0), None),
        None
    );
}

#[test]
fn required_node_run_ends_at_an_unusable_node() {
    let mut p = cluster(4);
    // Node 2 is busy: the run around node 1 is {0, 1}, so node 0 (Slurm 22.05 gave
    // cpu16-1 for `-N 2 -w cpu16-2` with cpu16-3 busy), not node 3.
    p.add_running(2, &cpus(1), Timestamp(500), 1, false);
    let at = p
        .earliest_with_required(&whole(2, 60), &ALL4, &[1], Timestamp(0), None)
        .unwrap();
    assert_eq!(at.nodes, vec![(0, 16), (1, 16)]);
    // Node 0 not a candidate: the run is {1}; the usual rule takes node 3.
    let at = p
        .earliest_with_required(&whole(2, 60), &[1, 2, 3], &[1], Timestamp(0), None)
        .unwrap();
    assert_eq!(at.nodes, vec![(1, 16), (3, 16)]);
    // The run holds the nodes of the required node's weight: node 3 (weight 5, as
    // node 2), not node 1 (weight 1). Slurm's set of consecutive nodes ends where the
    // weight changes, and a set with a required node beats the lighter set before it.
    let q = Profile::new(
        Timestamp(0),
        vec![node(16, 64_000, &[]); 4],
        vec![1, 1, 5, 5],
    );
    let at = q
        .earliest_with_required(&whole(2, 60), &ALL4, &[2], Timestamp(0), None)
        .unwrap();
    assert_eq!(at.nodes, vec![(2, 16), (3, 16)]);
    // A required node of another weight than its neighbours: the run is just itself,
    // and the usual rule takes the lightest other node, the lowest index first.
    let q = Profile::new(
        Timestamp(0),
        vec![node(16, 64_000, &[]); 4],
        vec![1, 1, 1, 5],
    );
    let at = q
        .earliest_with_required(&whole(2, 60), &ALL4, &[3], Timestamp(0), None)
        .unwrap();
    assert_eq!(at.nodes, vec![(0, 16), (3, 16)]);
}

#[test]
fn a_busy_required_node_makes_the_job_wait_for_it_and_for_the_others() {
    let mut p = cluster(4);
    let cap = node(16, 64_000, &[]);
    p.add_running(3, &cap, Timestamp(100), 1, false);
    // Nodes 0-2 free now; the job needs node 3: it starts when node 3 is free.
    let at = p
        .earliest_with_required(&whole(2, 60), &ALL4, &[3], Timestamp(0), None)
        .unwrap();
    assert_eq!(
        (at.start, at.nodes),
        (Timestamp(100), vec![(2, 16), (3, 16)])
    );
    // Node 2 is busy until 300 and 0, 1 until 200: three nodes with node 3 at 200.
    p.add_running(2, &cap, Timestamp(300), 1, false);
    p.add_running(0, &cap, Timestamp(200), 1, false);
    p.add_running(1, &cap, Timestamp(200), 1, false);
    let at = p
        .earliest_with_required(&whole(3, 60), &ALL4, &[3], Timestamp(0), None)
        .unwrap();
    assert_eq!(
        (at.start, at.nodes),
        (Timestamp(200), vec![(0, 16), (1, 16), (3, 16)])
    );
    // Without the requirement it could not start earlier either, but on other nodes.
    assert_eq!(
        p.earliest(&whole(3, 60), &[0, 1, 2], Timestamp(0), None)
            .unwrap()
            .start,
        Timestamp(300)
    );
    // A horizon before the required node is free: nothing.
    assert_eq!(
        p.earliest_with_required(
            &whole(2, 60),
            &ALL4,
            &[3],
            Timestamp(0),
            Some(Timestamp(100))
        ),
        None
    );
    // A reservation on the required node after `now` bounds the window.
    let mut q = cluster(2);
    q.reserve(1, Timestamp(50), Timestamp(150), &Hold::WholeNode, 2, false);
    let long = whole(2, 60);
    assert_eq!(
        q.earliest_with_required(&long, &[0, 1], &[1], Timestamp(0), None)
            .unwrap()
            .start,
        Timestamp(150)
    );
    let short = whole(2, 50);
    assert_eq!(
        q.earliest_with_required(&short, &[0, 1], &[1], Timestamp(0), None)
            .unwrap()
            .start,
        Timestamp(0)
    );
}

#[test]
fn required_nodes_get_their_cpus_first() {
    // `-N 2 -n 5 -w n2` on 4-CPU nodes: Slurm 22.05 gave 4 CPUs on n2, 1 on n3.
    let p = Profile::new(Timestamp(0), vec![node(4, 32_000, &[]); 4], vec![1; 4]);
    let d = Demand {
        min_nodes: 2,
        max_nodes: 2,
        req_nodes: 0,
        min_cpus_per_node: 1,
        ..shared(5, MemDemand::PerCpu(Memory::from_mib(100)), 60)
    };
    let at = p
        .earliest_with_required(&d, &ALL4, &[1], Timestamp(0), None)
        .unwrap();
    assert_eq!(at.nodes, vec![(1, 4), (2, 1)]);
    // A required node with 2 CPUs left: it gives those, its neighbour the rest.
    let mut q = p.clone();
    q.add_running(1, &cpus(2), Timestamp(100), 1, false);
    let at = q
        .earliest_with_required(&d, &ALL4, &[1], Timestamp(0), None)
        .unwrap();
    assert_eq!(at.nodes, vec![(1, 2), (2, 3)]);
    // The required node cannot give the per-node minimum of 3 now: wait for it.
    let d3 = Demand {
        min_cpus_per_node: 3,
        total_cpus: 6,
        ..d
    };
    let at = q
        .earliest_with_required(&d3, &ALL4, &[1], Timestamp(0), None)
        .unwrap();
    assert_eq!((at.start, at.nodes), (Timestamp(100), vec![(1, 3), (2, 3)]));
}

// ---- brute-force model for the properties ----

#[derive(Debug, Clone)]
struct MJob {
    node: usize,
    start: u64,
    end: u64,
    used: Option<Tres>,
    user: u32,
    excl: bool,
}

#[derive(Debug, Clone)]
struct Model {
    now: u64,
    caps: Vec<Tres>,
    weights: Vec<u32>,
    blocked: Vec<bool>,
    jobs: Vec<MJob>,
}

impl Model {
    fn active(&self, node: usize, t: u64) -> impl Iterator<Item = &MJob> {
        self.jobs
            .iter()
            .filter(move |j| j.node == node && j.start <= t && t < j.end)
    }
    /// Free resources at t, None if a subtraction fails (over-commit) or held.
    fn free(&self, node: usize, t: u64) -> Option<Tres> {
        let mut free = self.caps[node].clone();
        free.nodes = 0;
        for j in self.active(node, t) {
            free = free.checked_sub(j.used.as_ref()?).ok()?;
        }
        Some(free)
    }
    /// Instants where node's state may change inside [s, e), plus s.
    fn points(&self, node: usize, s: u64, e: u64) -> Vec<u64> {
        let mut v = vec![s];
        for j in self.jobs.iter().filter(|j| j.node == node) {
            for t in [j.start, j.end] {
                if t > s && t < e {
                    v.push(t);
                }
            }
        }
        v
    }
    fn fits_during(&self, node: usize, s: u64, e: u64, want: &Tres) -> bool {
        self.points(node, s, e)
            .iter()
            .all(|&t| self.free(node, t).is_some_and(|f| want.fits_in(&f)))
    }
    fn users_ok(&self, node: usize, s: u64, e: u64, d: &Demand) -> bool {
        self.points(node, s, e).iter().all(|&t| {
            self.active(node, t).all(|j| {
                j.used.is_some()
                    && (j.user == d.user || (!j.excl && !d.user_exclusive))
                    && !(d.whole_node)
            })
        })
    }
    fn mem_for(&self, node: usize, d: &Demand, cpus: u32) -> Memory {
        let gpus: u64 = d
            .gres_per_node
            .iter()
            .filter(|(k, _)| k.name == "gpu")
            .map(|e| e.1)
            .sum();
        match d.mem {
            MemDemand::PerNode(m) => m,
            MemDemand::PerCpu(m) => Memory::from_mib(m.mib() * u64::from(cpus)),
            MemDemand::PerGpu(m) => Memory::from_mib(m.mib() * gpus),
            MemDemand::WholeNode => self.caps[node].memory,
        }
    }
    fn want(&self, node: usize, d: &Demand, cpus: u32) -> Tres {
        let mut gres = BTreeMap::new();
        for (k, n) in &d.gres_per_node {
            *gres.entry(k.clone()).or_insert(0) += n;
        }
        gres.retain(|_, n| *n > 0);
        Tres {
            nodes: 0,
            cpus,
            memory: self.mem_for(node, d, cpus),
            gres,
        }
    }
    fn base(d: &Demand) -> u32 {
        let cpt = d.cpus_per_task.max(1);
        d.min_cpus_per_node.max(cpt).div_ceil(cpt) * cpt
    }
    fn end(s: u64, d: &Demand) -> u64 {
        s.saturating_add(d.duration.as_secs().max(1))
    }
    /// The CPUs node can give d over [s, s+dur): 0 if unusable.
    fn offer(&self, node: usize, s: u64, d: &Demand) -> u32 {
        let e = Self::end(s, d);
        if self.blocked[node] || !self.users_ok(node, s, e, d) {
            return 0;
        }
        let base = Self::base(d);
        let cap = self.caps[node].cpus;
        if d.whole_node {
            let mut want = self.want(node, d, cap);
            if matches!(d.mem, MemDemand::WholeNode) {
                want.memory = Memory::from_mib(0);
            }
            let mut capn = self.caps[node].clone();
            capn.nodes = 0;
            return if cap >= base && want.fits_in(&capn) {
                cap
            } else {
                0
            };
        }
        let cpt = d.cpus_per_task.max(1);
        let mut c = cap / cpt * cpt;
        while c >= base && c > 0 {
            let mut want = self.want(node, d, c);
            let whole_mem = matches!(d.mem, MemDemand::WholeNode);
            if whole_mem {
                want.memory = Memory::from_mib(0);
            }
            let mem_free = !whole_mem
                || self.points(node, s, e).iter().all(|&t| {
                    self.free(node, t)
                        .is_some_and(|f| f.memory == self.caps[node].memory)
                });
            if mem_free && self.fits_during(node, s, e, &want) {
                return c;
            }
            c -= cpt;
        }
        0
    }
    fn feasible(&self, s: u64, d: &Demand, cands: &[NodeIdx]) -> bool {
        let mut seen = Vec::new();
        let mut offers: Vec<u32> = Vec::new();
        for &n in cands {
            let n = n as usize;
            if n >= self.caps.len() || seen.contains(&n) {
                continue;
            }
            seen.push(n);
            let o = self.offer(n, s, d);
            if o > 0 {
                offers.push(o);
            }
        }
        let min = d.min_nodes.max(1) as usize;
        let max = (d.max_nodes as usize).max(min);
        offers.sort_unstable_by(|a, b| b.cmp(a));
        offers.len() >= min
            && offers.iter().take(max).map(|&o| u64::from(o)).sum::<u64>()
                >= u64::from(d.total_cpus)
    }
    /// The nodes select/cons_tres chooses at `s` among the candidates, given every
    /// candidate's offer there ([`choose::choose`] on the model's offers).
    fn slurm_choice(
        &self,
        s: u64,
        d: &Demand,
        cands: &[NodeIdx],
        req: &[NodeIdx],
    ) -> Option<Vec<(NodeIdx, u32)>> {
        let mut req = req.to_vec();
        req.sort_unstable();
        req.dedup();
        let min = d.min_nodes.max(1);
        let max = d.max_nodes.max(min);
        if req.len() > max as usize {
            return None;
        }
        let mut usable: Vec<choose::Usable> = Vec::new();
        for &n in cands {
            if (n as usize) >= self.caps.len() || usable.iter().any(|u| u.node == n) {
                continue;
            }
            let offer = self.offer(n as usize, s, d);
            if offer > 0 {
                usable.push(choose::Usable {
                    node: n,
                    count: 1,
                    offer,
                    weight: self.weights[n as usize],
                    gpus: 0,
                });
            }
        }
        if req.iter().any(|r| !usable.iter().any(|u| u.node == *r)) {
            return None;
        }
        usable.sort_unstable_by_key(|u| u.node);
        let ask = choose::Ask {
            min_nodes: min,
            max_nodes: max,
            req_nodes: d.req_nodes.clamp(min, max),
            total: u64::from(d.total_cpus),
            base: Self::base(d),
            cpt: d.cpus_per_task.max(1),
            whole: d.whole_node,
            required: &req,
            gpus: None,
        };
        choose::choose(&usable, &ask).map(|c| c.nodes)
    }
    /// `feasible` with every node of `req` in the allocation.
    fn feasible_required(&self, s: u64, d: &Demand, cands: &[NodeIdx], req: &[NodeIdx]) -> bool {
        let mut seen: Vec<NodeIdx> = Vec::new();
        for &n in cands {
            if (n as usize) < self.caps.len() && !seen.contains(&n) {
                seen.push(n);
            }
        }
        let mut req = req.to_vec();
        req.sort_unstable();
        req.dedup();
        let min = d.min_nodes.max(1) as usize;
        let max = (d.max_nodes as usize).max(min);
        if req.len() > max || req.iter().any(|r| !seen.contains(r)) {
            return false;
        }
        let mut req_sum = 0u64;
        for &r in &req {
            let o = self.offer(r as usize, s, d);
            if o == 0 {
                return false;
            }
            req_sum += u64::from(o);
        }
        let mut others: Vec<u32> = seen
            .iter()
            .filter(|n| !req.contains(n))
            .map(|&n| self.offer(n as usize, s, d))
            .filter(|&o| o > 0)
            .collect();
        others.sort_unstable_by(|a, b| b.cmp(a));
        req.len() + others.len() >= min
            && req_sum
                + others
                    .iter()
                    .take(max - req.len())
                    .map(|&o| u64::from(o))
                    .sum::<u64>()
                >= u64::from(d.total_cpus)
    }
    fn candidate_times(&self, t0: u64) -> Vec<u64> {
        let mut v: Vec<u64> = std::iter::once(t0)
            .chain(self.jobs.iter().map(|j| j.end).filter(|&e| e > t0))
            .collect();
        v.sort_unstable();
        v.dedup();
        v
    }
}

fn gres_keys() -> Vec<GresKey> {
    vec![
        GresKey::new("gpu"),
        GresKey::typed("gpu", "a100"),
        GresKey::typed("gpu", "h100"),
    ]
}

fn arb_cap() -> impl Strategy<Value = Tres> {
    (
        prop::sample::select(vec![4u32, 8, 16]),
        prop::sample::select(vec![1000u64, 4000]),
        prop::collection::vec((0usize..3, 0u64..4), 0..3),
    )
        .prop_map(|(c, m, g)| {
            let keys = gres_keys();
            node(
                c,
                m,
                &g.into_iter()
                    .map(|(k, n)| (keys[k].clone(), n))
                    .collect::<Vec<_>>(),
            )
        })
}

/// One attempted mutation: (kind, node, start step, length steps, cpus, mem, gres, user, excl).
type Op = (
    u8,
    usize,
    u64,
    u64,
    u32,
    u64,
    Option<(usize, u64)>,
    u32,
    bool,
);

fn arb_op() -> impl Strategy<Value = Op> {
    (
        0u8..4,
        0usize..6,
        0u64..8,
        1u64..6,
        0u32..10,
        0u64..3000,
        prop::option::of((0usize..3, 1u64..3)),
        0u32..3,
        prop::bool::weighted(0.2),
    )
}

fn arb_demand() -> impl Strategy<Value = Demand> {
    (
        (0u32..4, 0u32..3, 0u32..20, 0u32..6, 0u32..3),
        (0u8..4, 0u64..1200),
        prop::option::weighted(0.3, (0usize..3, 0u64..3)),
        prop::bool::weighted(0.25),
        0u32..3,
        prop::bool::weighted(0.2),
        // Multiples of the 10 s event grid, and one second off it, hit window edges.
        prop::sample::select(vec![0u64, 1, 9, 10, 11, 20, 21, 29, 30, 40, 50, 70, 5, 15]),
    )
        .prop_map(
            |(
                (min_n, extra, total, per_node, cpt),
                (mk, mib),
                gres,
                whole_node,
                user,
                excl,
                dur,
            )| {
                let keys = gres_keys();
                Demand {
                    min_nodes: min_n,
                    max_nodes: min_n + extra,
                    req_nodes: 0,
                    total_cpus: total,
                    min_cpus_per_node: per_node,
                    cpus_per_task: cpt,
                    mem: match mk {
                        0 => MemDemand::PerNode(Memory::from_mib(mib)),
                        1 => MemDemand::PerCpu(Memory::from_mib(mib / 8)),
                        2 => MemDemand::PerGpu(Memory::from_mib(mib)),
                        _ => MemDemand::WholeNode,
                    },
                    gres_per_node: gres
                        .into_iter()
                        .map(|(k, n)| (keys[k].clone(), n))
                        .collect(),
                    // (at most one GRES entry; typed/untyped mixes are unit-tested)
                    whole_node,
                    user,
                    user_exclusive: excl,
                    duration: Duration::from_secs(dur),
                    cpu_budget: None,
                    gpus_per_job: None,
                }
            },
        )
}

/// Builds the same state in a model and a profile, keeping only consistent mutations.
/// The model and the profile after `ops`; `group` (if not empty) is registered first,
/// so that its aggregates are kept up to date through every operation.
fn build(
    caps: &[Tres],
    weights: &[u32],
    ops: &[Op],
    blocked: &[bool],
    group: &[NodeIdx],
) -> (Model, Profile) {
    let now = 100u64;
    let mut model = Model {
        now,
        caps: caps.to_vec(),
        weights: (0..caps.len())
            .map(|i| weights.get(i).copied().unwrap_or(1))
            .collect(),
        blocked: blocked
            .iter()
            .copied()
            .chain(std::iter::repeat(false))
            .take(caps.len())
            .collect(),
        jobs: Vec::new(),
    };
    let mut p = Profile::new(Timestamp(now), caps.to_vec(), weights.to_vec());
    if !group.is_empty() {
        p.add_group(group);
    }
    let keys = gres_keys();
    for &(kind, n, st, len, c, m, g, user, excl) in ops {
        let node = n % caps.len();
        let running = kind < 2;
        let start = if running { now } else { now + st * 10 };
        let end = start + len * 10 + if running { st * 5 } else { 0 };
        let used = if kind == 3 {
            None
        } else {
            let mut t = Tres {
                nodes: 0,
                cpus: c,
                memory: Memory::from_mib(m),
                ..Tres::default()
            };
            if let Some((k, cnt)) = g {
                t.gres.insert(keys[k].clone(), cnt);
            }
            Some(t)
        };
        let job = MJob {
            node,
            start,
            end,
            used: used.clone(),
            user,
            excl,
        };
        let mut trial = model.clone();
        trial.jobs.push(job);
        let consistent = trial.points(node, start, end).iter().all(|&t| {
            trial.active(node, t).all(|j| j.used.is_some()) && trial.free(node, t).is_some()
        }) && {
            // A whole-node hold must not overlap anything.
            trial.points(node, start, end).iter().all(|&t| {
                trial.active(node, t).filter(|j| j.used.is_none()).count()
                    + usize::from(
                        trial.active(node, t).count() > 1
                            && trial.active(node, t).any(|j| j.used.is_none()),
                    )
                    <= 1
            })
        };
        if !consistent && used.is_some() {
            continue;
        }
        if used.is_none()
            && model
                .points(node, start, end)
                .iter()
                .any(|&t| model.active(node, t).next().is_some())
        {
            continue;
        }
        model = trial;
        match used {
            Some(u) if running => {
                p.add_running(node as NodeIdx, &u, Timestamp(end), user, excl);
            }
            Some(u) => p.reserve(
                node as NodeIdx,
                Timestamp(start),
                Timestamp(end),
                &Hold::Resources(u),
                user,
                excl,
            ),
            None => p.reserve(
                node as NodeIdx,
                Timestamp(start),
                Timestamp(end),
                &Hold::WholeNode,
                user,
                excl,
            ),
        }
    }
    for (i, &b) in model.blocked.iter().enumerate() {
        if b {
            p.block(i as NodeIdx);
        }
    }
    (model, p)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn earliest_matches_brute_force(
        caps in prop::collection::vec(arb_cap(), 2..6),
        weights in prop::collection::vec(1u32..3, 0..6),
        ops in prop::collection::vec(arb_op(), 0..16),
        blocked in prop::collection::vec(prop::bool::weighted(0.1), 0..6),
        cand_mask in prop::collection::vec(prop::bool::weighted(0.85), 7),
        d in arb_demand(),
        nb in 0u64..200,
        horizon_after in prop::option::weighted(0.3, 0u64..150),
    ) {
        let (model, p) = build(&caps, &weights, &ops, &blocked, &[]);
        // Nodes 0..7 (some unknown) in reverse order, node 0 repeated.
        let mut cands: Vec<NodeIdx> = (0..7u32).rev().filter(|&i| cand_mask[i as usize]).collect();
        cands.push(0);
        let horizon = horizon_after.map(|h| nb.max(model.now) + h);
        let got = p.earliest(&d, &cands, Timestamp(nb), horizon.map(Timestamp));
        let t0 = nb.max(model.now);
        let limit = horizon.unwrap_or(u64::MAX);
        let times = model.candidate_times(t0);
        let first_fit = times.iter().copied().filter(|&t| t < limit).find(|&t| model.feasible(t, &d, &cands));
        // The planner answers with the first instant at which Slurm's choice succeeds,
        // and that choice; Slurm's greedy choice can miss a placement that exists (so
        // that instant may come after the first feasible one), never invent one.
        let slurm = times
            .iter()
            .copied()
            .filter(|&t| t < limit)
            .find_map(|t| model.slurm_choice(t, &d, &cands, &[]).map(|c| (t, c)));
        prop_assert_eq!(got.as_ref().map(|g| (g.start.0, g.nodes.clone())), slurm.clone());
        if let Some((t, _)) = &slurm {
            prop_assert!(model.feasible(*t, &d, &cands));
            prop_assert!(first_fit.is_some_and(|f| f <= *t));
        }
        if let Some(at) = got {
            let s = at.start.0;
            let e = Model::end(s, &d);
            let min = d.min_nodes.max(1) as usize;
            prop_assert!(at.nodes.len() >= min && at.nodes.len() <= (d.max_nodes as usize).max(min));
            prop_assert!(at.nodes.windows(2).all(|w| w[0].0 < w[1].0));
            let total: u64 = at.nodes.iter().map(|e| u64::from(e.1)).sum();
            prop_assert!(total >= u64::from(d.total_cpus));
            for &(n, c) in &at.nodes {
                prop_assert!(cands.contains(&n));
                let n = n as usize;
                prop_assert!(!model.blocked[n]);
                prop_assert!(model.users_ok(n, s, e, &d));
                if d.whole_node {
                    prop_assert_eq!(c, model.caps[n].cpus);
                    prop_assert!(model.offer(n, s, &d) > 0);
                } else {
                    prop_assert!(c >= Model::base(&d) && c % d.cpus_per_task.max(1) == 0);
                    let mut want = model.want(n, &d, c);
                    if matches!(d.mem, MemDemand::WholeNode) {
                        want.memory = Memory::from_mib(0);
                        prop_assert!(model.points(n, s, e).iter().all(|&t| model.free(n, t).is_some_and(|f| f.memory == model.caps[n].memory)));
                    }
                    prop_assert!(model.fits_during(n, s, e, &want), "node {} gives {} but {:?} does not fit", n, c, want);
                }
            }
        }
    }

}

proptest! {
    // Cheap cases, and the group search has boundaries (run ends, tails, pristine
    // kinds) that only show up in many of them.
    #![proptest_config(ProptestConfig::with_cases(3000))]

    #[test]
    fn earliest_with_required_matches_brute_force(
        caps in prop::collection::vec(arb_cap(), 2..6),
        weights in prop::collection::vec(1u32..3, 0..6),
        ops in prop::collection::vec(arb_op(), 0..16),
        blocked in prop::collection::vec(prop::bool::weighted(0.1), 0..6),
        cand_mask in prop::collection::vec(prop::bool::weighted(0.85), 7),
        req_mask in prop::collection::vec(prop::bool::weighted(0.25), 7),
        req_unknown in prop::bool::weighted(0.1),
        d in arb_demand(),
        nb in 0u64..200,
        horizon_after in prop::option::weighted(0.3, 0u64..150),
    ) {
        let (model, p) = build(&caps, &weights, &ops, &blocked, &[]);
        let mut cands: Vec<NodeIdx> = (0..7u32).rev().filter(|&i| cand_mask[i as usize]).collect();
        cands.push(0);
        // Known nodes (some blocked or not candidates), rarely an unknown one, in
        // descending order, the first one repeated.
        let mut req: Vec<NodeIdx> = (0..7u32)
            .rev()
            .filter(|&i| req_mask[i as usize] && ((i as usize) < caps.len() || req_unknown))
            .collect();
        if let Some(&first) = req.first() {
            req.push(first);
        }
        let horizon = horizon_after.map(|h| nb.max(model.now) + h);
        let got = p.earliest_with_required(&d, &cands, &req, Timestamp(nb), horizon.map(Timestamp));
        if req.is_empty() {
            prop_assert_eq!(&got, &p.earliest(&d, &cands, Timestamp(nb), horizon.map(Timestamp)));
        }
        let t0 = nb.max(model.now);
        let limit = horizon.unwrap_or(u64::MAX);
        let times = model.candidate_times(t0);
        let first_fit = times
            .iter()
            .copied()
            .filter(|&t| t < limit)
            .find(|&t| model.feasible_required(t, &d, &cands, &req));
        let slurm = times
            .iter()
            .copied()
            .filter(|&t| t < limit)
            .find_map(|t| model.slurm_choice(t, &d, &cands, &req).map(|c| (t, c)));
        prop_assert_eq!(got.as_ref().map(|g| (g.start.0, g.nodes.clone())), slurm.clone());
        if let Some((t, _)) = &slurm {
            prop_assert!(model.feasible_required(*t, &d, &cands, &req));
            prop_assert!(first_fit.is_some_and(|f| f <= *t));
        }
        if let Some(at) = got {
            let s = at.start.0;
            let e = Model::end(s, &d);
            let min = d.min_nodes.max(1) as usize;
            prop_assert!(at.nodes.len() >= min && at.nodes.len() <= (d.max_nodes as usize).max(min));
            prop_assert!(at.nodes.windows(2).all(|w| w[0].0 < w[1].0));
            for r in &req {
                prop_assert!(at.nodes.iter().any(|e| e.0 == *r), "required {} missing", r);
            }
            let total: u64 = at.nodes.iter().map(|e| u64::from(e.1)).sum();
            prop_assert!(total >= u64::from(d.total_cpus));
            for &(n, c) in &at.nodes {
                prop_assert!(cands.contains(&n));
                let n = n as usize;
                prop_assert!(!model.blocked[n]);
                prop_assert!(model.users_ok(n, s, e, &d));
                if d.whole_node {
                    prop_assert_eq!(c, model.caps[n].cpus);
                } else {
                    prop_assert!(c >= Model::base(&d) && c % d.cpus_per_task.max(1) == 0);
                    prop_assert!(c <= model.offer(n, s, &d));
                }
            }
        }
    }

    #[test]
    fn groups_answer_like_lists(
        palette in prop::collection::vec(arb_cap(), 1..3),
        pick in prop::collection::vec(0usize..3, 2..9),
        weights in prop::collection::vec(1u32..3, 0..9),
        ops in prop::collection::vec(arb_op(), 0..16),
        blocked in prop::collection::vec(prop::bool::weighted(0.1), 0..9),
        member_mask in prop::collection::vec(prop::bool::weighted(0.8), 10),
        d in arb_demand(),
        nb in 0u64..200,
        horizon_after in prop::option::weighted(0.3, 0u64..150),
    ) {
        // Few distinct capacities, so that pristine nodes of one kind are common.
        let caps: Vec<Tres> = pick.iter().map(|&i| palette[i % palette.len()].clone()).collect();
        let members: Vec<NodeIdx> = (0..10u32).filter(|&i| member_mask[i as usize]).collect();
        let (_, early) = build(&caps, &weights, &ops, &blocked, &members);
        let (_, mut late) = build(&caps, &weights, &ops, &blocked, &[]);
        let g = late.add_group(&members);
        let horizon = horizon_after.map(|h| Timestamp(nb.max(100) + h));
        let want = late.earliest(&d, &members, Timestamp(nb), horizon);
        let from_now = late.earliest(&d, &members, Timestamp(0), horizon);
        prop_assert_eq!(early.earliest_in(&d, 0, Timestamp(nb), horizon), want.clone());
        prop_assert_eq!(late.earliest_in(&d, g, Timestamp(nb), horizon), want);
        prop_assert_eq!(early.earliest_in(&d, 0, Timestamp(0), horizon), from_now);
    }

    /// A `--gpus` demand's placement gives exactly its GPUs, each node no more than
    /// it has free (of the key) over the whole window, the CPUs and memory too, one
    /// GPU at least on each node when there are no more nodes than GPUs; a group
    /// answers as the list does; the placement reserved, a second one never takes
    /// what the first holds.
    #[test]
    fn gpus_per_job_placements_never_overcommit(
        caps in prop::collection::vec(arb_cap(), 2..7),
        weights in prop::collection::vec(1u32..3, 0..7),
        ops in prop::collection::vec(arb_op(), 0..16),
        count in 1u64..6,
        key in 0usize..3,
        min_n in 1u32..3,
        extra in 0u32..4,
        total in 1u32..20,
        cpus_per_gpu in 0u32..3,
        per_gpu_mem in any::<bool>(),
        dur in 1u64..60,
        nb in 0u64..200,
    ) {
        let keys = gres_keys();
        let (_, mut p) = build(&caps, &weights, &ops, &[], &[]);
        let cands: Vec<NodeIdx> = (0..caps.len() as u32).collect();
        let mut d = Demand::new(Duration::from_secs(dur));
        (d.min_nodes, d.max_nodes, d.total_cpus) = (min_n, min_n + extra, total);
        d.mem = if per_gpu_mem {
            MemDemand::PerGpu(Memory::from_mib(500))
        } else {
            MemDemand::PerCpu(Memory::from_mib(100))
        };
        let mut gpus = JobGpus::new(keys[key].clone(), count);
        gpus.cpus_per_gpu = cpus_per_gpu;
        d.gpus_per_job = Some(gpus);
        let got = p.earliest(&d, &cands, Timestamp(nb), None);
        let mut q = p.clone();
        let g = q.add_group(&cands);
        prop_assert_eq!(q.earliest_in(&d, g, Timestamp(nb), None), got.clone());
        let Some(at) = got else { return Ok(()) };
        let free_gpus = |t: &Tres| -> u64 {
            t.gres
                .iter()
                .filter(|(k, _)| k.name == "gpu" && (key == 0 || **k == keys[key]))
                .map(|(_, n)| *n)
                .sum()
        };
        prop_assert_eq!(at.gpus.len(), at.nodes.len());
        prop_assert_eq!(at.gpus.iter().sum::<u64>(), count);
        let n = at.nodes.len() as u64;
        prop_assert!(n >= u64::from(min_n) && n <= u64::from(min_n + extra));
        if n <= count {
            prop_assert!(at.gpus.iter().all(|&g| g >= 1));
        }
        for (&(node, cpus), &g) in at.nodes.iter().zip(&at.gpus) {
            prop_assert!(u64::from(cpus) >= g * u64::from(cpus_per_gpu));
            let mem = if per_gpu_mem { 500 * g } else { 100 * u64::from(cpus) };
            for t in at.start.0..at.start.0 + dur {
                let free = p.free_at(node, Timestamp(t)).unwrap_or_default();
                prop_assert!(free_gpus(&free) >= g, "node {} at {}: {:?}", node, t, free);
                prop_assert!(free.cpus >= cpus);
                prop_assert!(free.memory.mib() >= mem);
            }
        }
        // Held as resources, the next placement does not share them.
        for (&(node, cpus), &g) in at.nodes.iter().zip(&at.gpus) {
            let mut used = Tres { cpus, ..Tres::default() };
            used.memory = Memory::from_mib(if per_gpu_mem { 500 * g } else { 100 * u64::from(cpus) });
            if g > 0 {
                // A node of the request's key (or of any type, untyped) gives them.
                let k = p.free_at(node, at.start).and_then(|f| {
                    f.gres.into_iter().find(|(k, n)| {
                        *n >= g && k.name == "gpu" && (key == 0 || *k == keys[key])
                    })
                });
                if let Some((k, _)) = k {
                    used.gres.insert(k, g);
                } else {
                    // Spread over several types: leave the check above to speak.
                    return Ok(());
                }
            }
            p.reserve(node, at.start, at.start.saturating_add(Duration::from_secs(dur)), &Hold::Resources(used), 1, false);
        }
        if let Some(next) = p.earliest(&d, &cands, Timestamp(nb), None) {
            for (&(node, cpus), &g) in next.nodes.iter().zip(&next.gpus) {
                for t in next.start.0..next.start.0 + dur {
                    let free = p.free_at(node, Timestamp(t)).unwrap_or_default();
                    prop_assert!(free_gpus(&free) >= g);
                    prop_assert!(free.cpus >= cpus);
                }
            }
        }
    }

    #[test]
    fn earliest_is_deterministic_and_never_panics(
        caps in prop::collection::vec(arb_cap(), 0..5),
        ops in prop::collection::vec((0u8..4, 0u32..8, any::<u64>(), any::<u64>(), 0u32..40), 0..10),
        d in arb_demand(),
        cands in prop::collection::vec(any::<u32>(), 0..8),
        nb in any::<u64>(),
        horizon in prop::option::of(any::<u64>()),
    ) {
        let mut p = Profile::new(Timestamp(1000), caps.clone(), vec![1; caps.len()]);
        for (kind, n, a, b, c) in ops {
            match kind {
                0 => p.add_running(n, &cpus(c), Timestamp(a), 1, c % 2 == 0),
                1 => p.reserve(n, Timestamp(a), Timestamp(b), &Hold::WholeNode, 2, false),
                2 => p.reserve(n, Timestamp(a), Timestamp(b), &Hold::Resources(cpus(c)), 0, true),
                _ => p.block(n),
            }
        }
        let d = Demand { duration: Duration::from_secs(nb / 3), ..d };
        let a = p.earliest(&d, &cands, Timestamp(nb), horizon.map(Timestamp));
        let b = p.clone().earliest(&d, &cands, Timestamp(nb), horizon.map(Timestamp));
        prop_assert_eq!(&a, &b);
        if let Some(at) = a {
            prop_assert!(at.start >= Timestamp(nb).max(p.now()));
            prop_assert!(horizon.is_none_or(|h| at.start.0 < h));
        }
        let required = cands.get(..cands.len().min(2)).unwrap_or_default();
        let r = p.earliest_with_required(&d, &cands, required, Timestamp(nb), horizon.map(Timestamp));
        if let Some(at) = r {
            prop_assert!(at.start >= Timestamp(nb).max(p.now()));
            prop_assert!(horizon.is_none_or(|h| at.start.0 < h));
            prop_assert!(required.iter().all(|n| at.nodes.iter().any(|e| e.0 == *n)));
        }
    }
}
