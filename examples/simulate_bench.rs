//! Replays a whole SWF trace through the simulator and prints how long it took, with the
//! replay's metrics, so the targets can be checked.
//!
//! `cargo run --release --example simulate_bench [TRACE.swf[.gz]] [presets] [first N] [allow|kill]`
//!
//! Defaults: the largest trace of `../shared/traces` (RICC-2010-2, 447,794 jobs on 1,024
//! nodes × 8 cores) if it is there, else the 10,000-job RICC slice under
//! `tests/data/workload`; presets `easy,conservative`; every job; jobs run to their
//! recorded runtime (`allow`, the convention of published replays). Jobs ask for
//! processors only, shared across nodes. The targets (issue 4): the largest trace under
//! EASY in under 2 s, under conservative in under 20 s, with memory that follows the jobs
//! in the system rather than the trace's length (the peak is printed).

use hpcsched::simulator::{Overrun, SimOptions, Simulator};
use hpcsched::workload::{SwfMapping, swf_cluster_conf};
use hpcsched::{Cluster, Metrics, Policy, Preset};
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

/// Counts live heap bytes, to report the peak.
struct Counting;

static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is forwarded to the system allocator unchanged; only counters are
// updated around it.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: same contract as the caller's.
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            let now = CURRENT.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: same contract as the caller's.
        unsafe { System.dealloc(ptr, layout) };
        CURRENT.fetch_sub(layout.size(), Ordering::Relaxed);
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let default = [
        "../shared/traces/RICC-2010-2.swf.gz",
        "/work/shared/traces/RICC-2010-2.swf.gz",
    ]
    .into_iter()
    .find(|p| std::path::Path::new(p).exists())
    .unwrap_or(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/workload/RICC-2010-2-first10k.swf.gz"
    ));
    let path = args.get(1).map_or(default, String::as_str);
    let presets: Vec<Preset> = args
        .get(2)
        .map_or("easy,conservative", String::as_str)
        .split(',')
        .map(|s| s.parse().unwrap_or_else(|e| panic!("{e}")))
        .collect();
    let first: Option<usize> = args.get(3).and_then(|s| s.parse().ok());
    let overrun = match args.get(4).map(String::as_str) {
        Some("kill") => Overrun::Kill,
        _ => Overrun::Allow,
    };
    println!("hpcsched simulate_bench: {path}");
    for preset in presets {
        let reader = hpcsched::swf::open(path).unwrap_or_else(|e| panic!("{e}"));
        let conf = swf_cluster_conf(reader.header()).unwrap_or_else(|e| panic!("{e}"));
        let cluster = Cluster::from_slurm_conf(&conf).unwrap_or_else(|e| panic!("{e}"));
        let mapping = SwfMapping::from_header(reader.header());
        let jobs = mapping
            .jobs(reader)
            .filter_map(Result::ok)
            .take(first.unwrap_or(usize::MAX));
        let mut metrics = Metrics::for_cluster(&cluster);
        let policy = Policy::preset(preset, cluster.config());
        let mut options = SimOptions::default();
        options.overrun = overrun;
        let base = CURRENT.load(Ordering::Relaxed);
        PEAK.store(base, Ordering::Relaxed);
        let t = Instant::now();
        let mut sim = Simulator::new(cluster, policy, options);
        let outcome = sim
            .run(jobs, |r| metrics.add(&r))
            .unwrap_or_else(|e| panic!("{e}"));
        let secs = t.elapsed().as_secs_f64();
        let peak = PEAK.load(Ordering::Relaxed).saturating_sub(base) as f64 / (1024.0 * 1024.0);
        let s = metrics.summary();
        let o = &s.overall;
        println!(
            "{preset:<13} {:>8} jobs {:>8.2} s ({:>6.0} jobs/s) {:>8} passes  peak {:>6.1} MiB  \
             mean wait {:>8.0} s  mean bsld {:>7.1}  utilization {:>5.3}",
            outcome.submitted,
            secs,
            outcome.submitted as f64 / secs,
            outcome.passes,
            peak,
            o.mean_wait.unwrap_or(0.0),
            o.mean_bounded_slowdown.unwrap_or(0.0),
            o.utilization.unwrap_or(0.0),
        );
    }
}
