//! Times the planner on a large synthetic pass and prints the figures (no assertions).
//!
//! `cargo run --release --example planner_bench [nodes] [running] [pending] [conservative-depth]`
//! (defaults 10000 5000 100000 10000). The EASY pass reserves for the first job that cannot
//! start and only asks "can it start now?" for the others; the conservative pass reserves
//! (whole nodes) for every job up to the depth, then asks "now?" for the rest.

use hpcsched::planner::{Demand, Hold, MemDemand, NodeIdx, Profile};
use hpcsched::{Duration, GresKey, Memory, Timestamp, Tres};
use std::time::Instant;

/// A small deterministic generator (xorshift), so runs are comparable.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

fn capacity(i: usize) -> Tres {
    let mut t = Tres {
        nodes: 1,
        cpus: 64,
        memory: Memory::from_gib(256),
        ..Tres::default()
    };
    if i.is_multiple_of(10) {
        t.gres.insert(GresKey::typed("gpu", "a100"), 4);
    }
    t
}

fn demand(rng: &mut Rng, user: u32) -> Demand {
    let hours = 1 + rng.below(48);
    let mut d = Demand::new(Duration::from_hours(hours));
    d.mem = MemDemand::PerCpu(Memory::from_gib(2));
    d.user = user;
    match rng.below(10) {
        // Whole-node MPI jobs of 1..64 nodes.
        0..=2 => {
            let n = 1 + rng.below(64) as u32;
            d.min_nodes = n;
            d.max_nodes = n;
            d.total_cpus = n * 64;
            d.min_cpus_per_node = 64;
            d.mem = MemDemand::WholeNode;
            d.whole_node = true;
        }
        // GPU jobs.
        3 => {
            d.total_cpus = 8;
            d.min_cpus_per_node = 8;
            d.gres_per_node = vec![(GresKey::new("gpu"), 1 + rng.below(4))];
        }
        // Shared jobs of 1..32 CPUs on one node.
        _ => {
            let c = 1 + rng.below(32) as u32;
            d.total_cpus = c;
            d.min_cpus_per_node = c;
        }
    }
    d
}

fn build(nodes: usize, running: usize, rng: &mut Rng) -> (Profile, f64) {
    let t = Instant::now();
    let caps: Vec<Tres> = (0..nodes).map(capacity).collect();
    let mut p = Profile::new(Timestamp(0), caps, vec![1; nodes]);
    for j in 0..running {
        let end = Timestamp(60 * (1 + rng.below(48 * 60)));
        // Mostly whole-node jobs of 1-2 nodes, some shared ones.
        if j % 3 == 0 {
            let n = rng.below(nodes as u64) as NodeIdx;
            let used = Tres {
                cpus: 1 + rng.below(32) as u32,
                memory: Memory::from_gib(rng.below(64)),
                ..Tres::default()
            };
            p.add_running(n, &used, end, (j % 500) as u32, false);
        } else {
            let first = rng.below(nodes as u64) as usize;
            for n in first..(first + 1 + rng.below(2) as usize).min(nodes) {
                p.add_running(n as NodeIdx, &capacity(n), end, (j % 500) as u32, false);
            }
        }
    }
    for n in 0..nodes / 100 {
        p.block((n * 97 % nodes) as NodeIdx);
    }
    (p, t.elapsed().as_secs_f64())
}

fn start(p: &mut Profile, d: &Demand, nodes: &[(NodeIdx, u32)], at: Timestamp) {
    let end = at.saturating_add(d.duration);
    for &(n, c) in nodes {
        let used = Tres {
            cpus: c,
            memory: Memory::from_gib(2 * u64::from(c)),
            gres: d.gres_per_node.iter().cloned().collect(),
            nodes: 1,
        };
        if at == p.now() {
            p.add_running(n, &used, end, d.user, d.user_exclusive);
        } else {
            p.reserve(n, at, end, &Hold::WholeNode, d.user, d.user_exclusive);
        }
    }
}

fn pass(name: &str, nodes: usize, running: usize, pending: usize, depth: usize) {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let (mut p, build_s) = build(nodes, running, &mut rng);
    let queue: Vec<Demand> = (0..pending)
        .map(|i| demand(&mut rng, (i % 1000) as u32))
        .collect();
    let all: Vec<NodeIdx> = (0..nodes as NodeIdx).collect();
    let now = p.now();
    let (mut started, mut reserved, mut future_calls) = (0usize, 0usize, 0usize);
    let t = Instant::now();
    for d in &queue {
        let may_reserve = reserved < depth;
        let horizon = if may_reserve {
            None
        } else {
            Some(Timestamp(now.0 + 1))
        };
        if may_reserve {
            future_calls += 1;
        }
        if let Some(at) = p.earliest(d, &all, now, horizon) {
            if at.start == now {
                started += 1;
            } else {
                reserved += 1;
            }
            start(&mut p, d, &at.nodes, at.start);
        }
    }
    let secs = t.elapsed().as_secs_f64();
    println!(
        "{name:<13} nodes={nodes} running={running} pending={pending}: build {build_s:.3} s, \
         pass {secs:.3} s ({:.2} µs/job), started {started}, reserved {reserved} \
         ({future_calls} searches into the future)",
        secs * 1e6 / pending as f64
    );
}

fn main() {
    let arg = |i: usize, default: usize| {
        std::env::args()
            .nth(i)
            .and_then(|a| a.parse().ok())
            .unwrap_or(default)
    };
    let (nodes, running, pending) = (arg(1, 10_000), arg(2, 5_000), arg(3, 100_000));
    let depth = arg(4, 10_000);
    pass("EASY", nodes, running, pending, 1);
    pass("conservative", nodes, running, pending, depth);
}
