//! Times full scheduling passes on a large cluster and prints the figures (no assertions:
//! speed goals are shown here, never asserted in tests).
//!
//! `cargo run --release --example scheduler_bench [nodes] [running] [pending] [policies]`
//! (defaults 10000 5000 100000 easy,conservative,slurm; `policies` is a comma-separated
//! list of presets, to time only some of them; `easy+limits` and the like add the QOS
//! limits of a shared site: every job under a QOS with `MaxJobsPerUser=30` and
//! `MaxTRESPerUser=cpu=4096`, the GPU partition's QOS with `MaxTRESPerUser=gres/gpu=8`
//! and `GrpTRES=gres/gpu=2000`; `easy+fairshare` weighs fair-share in a multifactor
//! priority (the 500 users in a flat tree, usage from the running jobs at the first
//! `PriorityCalcPeriod` tick, and an age weight); `easy+age` the same multifactor
//! priority with the age weight alone, to tell what fair-share itself costs;
//! `easy+limits+fairshare` both; `easy+preempt` runs the exclusive nodes' running jobs in
//! a best-effort partition that the `mpi` partition preempts, `PreemptType=
//! preempt/partition_prio` with `PreemptMode=REQUEUE`).
//!
//! The cluster has four partitions: shared 64-CPU nodes, whole-node exclusive nodes,
//! 4-GPU nodes, and a debug partition over part of the shared nodes. `running` jobs are
//! started first; then `pending` jobs of mixed sizes (serial, multi-core, whole-node MPI
//! up to 64 nodes, GPU) are submitted and one `schedule()` pass is timed under EASY,
//! conservative and Slurm's defaults. Memory is measured with a counting allocator: the
//! bytes held per pending job, and the peak during a pass.

use hpcsched::{Cluster, Policy, Preset, Scheduler, Timestamp};
use std::alloc::{GlobalAlloc, Layout, System};
use std::fmt::Write as _;
use std::hash::{Hash, Hasher};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

struct Counting;
static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

// SAFETY: forwards to the system allocator and only counts sizes.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: same contract as System.alloc.
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            let now = CURRENT.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: same contract as System.dealloc.
        unsafe { System.dealloc(ptr, layout) };
        CURRENT.fetch_sub(layout.size(), Ordering::Relaxed);
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

/// A small deterministic generator (xorshift), so runs are comparable.
struct Rng(u64);
impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n.max(1)
    }
}

fn cluster_conf(nodes: usize) -> String {
    let shared = nodes * 6 / 10;
    let exclusive = nodes * 3 / 10;
    let gpu = nodes - shared - exclusive;
    format!(
        "SchedulerType=sched/backfill\nPriorityType=priority/basic\n\
         NodeName=cpu[00000-{:05}] CPUs=64 RealMemory=262144\n\
         NodeName=big[00000-{:05}] CPUs=64 RealMemory=262144\n\
         NodeName=gpu[00000-{:05}] CPUs=32 RealMemory=262144 Gres=gpu:a100:4\n\
         PartitionName=shared Nodes=cpu[00000-{:05}] Default=YES DefMemPerCPU=2048 MaxTime=UNLIMITED\n\
         PartitionName=mpi Nodes=big[00000-{:05}] OverSubscribe=EXCLUSIVE MaxTime=UNLIMITED\n\
         PartitionName=gpu Nodes=gpu[00000-{:05}] DefMemPerCPU=4096 MaxTime=UNLIMITED\n\
         PartitionName=debug Nodes=cpu[00000-{:05}] PriorityTier=2 DefMemPerCPU=2048 MaxTime=UNLIMITED\n",
        shared - 1,
        exclusive - 1,
        gpu - 1,
        shared - 1,
        exclusive - 1,
        gpu - 1,
        (shared / 10).max(1) - 1,
    )
}

/// A job of mixed size, as sbatch arguments.
fn job_args(rng: &mut Rng) -> Vec<String> {
    let hours = 1 + rng.below(48);
    let mut args = vec![format!("--time={hours}:00:00")];
    match rng.below(10) {
        0..=3 => args.extend([
            "-p".into(),
            "shared".into(),
            format!("-c{}", 1 + rng.below(16)),
        ]),
        4..=5 => args.extend([
            "-p".into(),
            "shared".into(),
            format!("-n{}", 1 + rng.below(256)),
        ]),
        6..=7 => args.extend([
            "-p".into(),
            "mpi".into(),
            format!("-N{}", 1 + rng.below(64)),
        ]),
        8 => args.extend([
            "-p".into(),
            "gpu".into(),
            format!("--gres=gpu:{}", 1 + rng.below(4)),
        ]),
        _ => args.extend([
            "-p".into(),
            "debug".into(),
            "-c1".into(),
            "--time=30".into(),
        ]),
    }
    args
}

/// What a `PRESET+...` label adds to the preset.
#[derive(Debug, Clone, Copy)]
#[allow(clippy::struct_excessive_bools)] // one switch per `+word`
struct Extras {
    limits: bool,
    fairshare: bool,
    multifactor: bool,
    preempt: bool,
}

/// The QOS of the `+limits` runs.
const LIMITS: &str = "add qos normal MaxJobsPerUser=30 MaxTRESPerUser=cpu=4096\n\
                      add qos gpu MaxTRESPerUser=gres/gpu=8 GrpTRES=gres/gpu=2000\n";

fn build(
    nodes: usize,
    running: usize,
    pending: usize,
    preset: Preset,
    Extras {
        limits,
        fairshare,
        multifactor,
        preempt,
    }: Extras,
) -> (Scheduler, usize, u64) {
    let mut conf = cluster_conf(nodes);
    if preempt {
        let exclusive = nodes * 3 / 10;
        conf = conf.replace(
            "PartitionName=mpi Nodes",
            "PartitionName=mpi PriorityTier=5 Nodes",
        );
        let _ = write!(
            conf,
            "PreemptType=preempt/partition_prio\nPreemptMode=REQUEUE\n\
             PartitionName=besteffort Nodes=big[00000-{:05}] OverSubscribe=EXCLUSIVE MaxTime=UNLIMITED\n",
            exclusive - 1
        );
    }
    if fairshare || multifactor {
        let weights = if fairshare {
            "PriorityWeightFairshare=10000\nPriorityWeightAge=1000"
        } else {
            "PriorityWeightAge=1000"
        };
        conf = conf.replace(
            "PriorityType=priority/basic",
            &format!("PriorityType=priority/multifactor\n{weights}"),
        );
    }
    if limits {
        conf = conf.replace("PartitionName=gpu Nodes", "PartitionName=gpu QOS=gpu Nodes");
    }
    let mut cluster = Cluster::from_slurm_conf(&conf).unwrap_or_else(|e| panic!("{e}"));
    if limits {
        hpcsched::cluster::add_qos_text(&mut cluster, LIMITS).unwrap_or_else(|e| panic!("{e}"));
    }
    let policy = Policy::preset(preset, cluster.config());
    let mut sched = Scheduler::with_policy(cluster, policy);
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    // Running jobs: small enough that they all start in the first pass.
    for i in 0..running {
        let args = if i % 3 == 0 {
            vec![
                "-p".into(),
                if preempt { "besteffort" } else { "mpi" }.into(),
                "-N1".into(),
                format!("--time={}:00:00", 1 + rng.below(24)),
            ]
        } else {
            vec![
                "-p".into(),
                "shared".into(),
                "-c8".into(),
                format!("--time={}:00:00", 1 + rng.below(24)),
            ]
        };
        let req = hpcsched::sbatch::parse_args(&args).unwrap_or_else(|e| panic!("{e}"));
        sched
            .submit(&req, &format!("user{}", i % 200), Timestamp(0))
            .unwrap_or_else(|e| panic!("{e}"));
    }
    let started = sched.schedule(Timestamp(0)).len();
    // With fair-share, the running jobs run one PriorityCalcPeriod (a tick at 300 s
    // accrues their usage) before the queue comes.
    let t0 = if fairshare || multifactor {
        sched.schedule(Timestamp(300));
        300
    } else {
        0
    };
    let before = CURRENT.load(Ordering::Relaxed);
    // Only the submit calls are timed (not the parsing of the sbatch arguments).
    let mut submit_time = std::time::Duration::ZERO;
    for i in 0..pending {
        let req =
            hpcsched::sbatch::parse_args(&job_args(&mut rng)).unwrap_or_else(|e| panic!("{e}"));
        let user = format!("user{}", i % 500);
        let t = Instant::now();
        sched
            .submit(&req, &user, Timestamp(t0 + 60))
            .unwrap_or_else(|e| panic!("{e}"));
        submit_time += t.elapsed();
    }
    let per_job = (CURRENT.load(Ordering::Relaxed) - before) / pending.max(1);
    let secs = submit_time.as_secs_f64();
    println!(
        "submit: {pending} jobs in {secs:.3} s ({:.1} µs/job)",
        secs * 1e6 / pending.max(1) as f64
    );
    assert_eq!(started, running, "every running job must have started");
    (sched, per_job, t0)
}

fn main() {
    let arg = |i: usize, default: usize| {
        std::env::args()
            .nth(i)
            .and_then(|s| s.parse().ok())
            .unwrap_or(default)
    };
    let (nodes, running, pending) = (arg(1, 10_000), arg(2, 5_000), arg(3, 100_000));
    println!(
        "hpcsched scheduler_bench: {nodes} nodes, {running} running jobs, {pending} pending jobs"
    );
    println!(
        "{:<14} {:>10} {:>8} {:>10} {:>12} {:>14}",
        "policy", "pass (s)", "started", "estimated", "bytes/job", "peak pass MiB"
    );
    let presets: Vec<(Preset, Extras, String)> = std::env::args()
        .nth(4)
        .unwrap_or_else(|| "easy,conservative,slurm".into())
        .split(',')
        .map(|s| {
            let mut words = s.split('+');
            let name = words.next().unwrap_or_default();
            let extras: Vec<&str> = words.collect();
            let preset: Preset = name.parse().unwrap_or_else(|e| panic!("{e}"));
            let extras = Extras {
                limits: extras.contains(&"limits"),
                fairshare: extras.contains(&"fairshare"),
                multifactor: extras.contains(&"age"),
                preempt: extras.contains(&"preempt"),
            };
            (preset, extras, s.to_owned())
        })
        .collect();
    for (preset, extras, label) in presets {
        let (mut sched, per_job, t0) = build(nodes, running, pending, preset, extras);
        let base = CURRENT.load(Ordering::Relaxed);
        PEAK.store(base, Ordering::Relaxed);
        let t = Instant::now();
        let decisions = sched.schedule(Timestamp(t0 + 120));
        let secs = t.elapsed().as_secs_f64();
        let peak = (PEAK.load(Ordering::Relaxed).saturating_sub(base)) as f64 / (1024.0 * 1024.0);
        // A digest of the outcome, so that speed-ups can be checked to change nothing.
        let mut h = std::hash::DefaultHasher::new();
        for d in &decisions {
            format!("{d:?}").hash(&mut h);
        }
        for e in sched.estimates() {
            (e.job, e.start, &e.nodes).hash(&mut h);
        }
        eprintln!("{label} outcome digest: {:016x}", h.finish());
        let stats = sched.preemption_stats();
        if stats.preempted() > 0 {
            eprintln!(
                "{label} preempted: {} requeued, {} cancelled, {} suspended",
                stats.requeued, stats.cancelled, stats.suspended
            );
        }
        let estimated = sched
            .estimates()
            .iter()
            .filter(|e| e.start.is_some())
            .count();
        println!(
            "{:<14} {:>10.3} {:>8} {:>10} {:>12} {:>14.1}",
            label,
            secs,
            decisions.len(),
            estimated,
            per_job,
            peak
        );
    }
}
