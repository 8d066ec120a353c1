//! Properties of the scheduler over random small clusters and workloads.
//!
//! Each case builds a cluster from slurm.conf text (2-8 nodes, 1-3 partitions, GPUs typed
//! or untyped, features, weights, OverSubscribe=EXCLUSIVE, ExclusiveUser=YES) and a
//! workload (users, sizes, time limits, arrival times, dependencies, arrays with
//! throttles, --begin, --exclusive, --gres), then plays it with an event loop written
//! here: submit on arrival, `schedule(now)`, carry out Start decisions, end each running
//! job at min(its runtime, its time limit) — by `job_finished` before the limit, by
//! `schedule()`'s Stop at the limit — and jump to the next event. Every decision is
//! checked against bookkeeping kept independently of the scheduler:
//!
//! - no node is over-allocated (CPUs, memory, GPU devices), against the node definitions;
//! - a node running a user-exclusive job holds one user's jobs only; a whole-node job is
//!   alone on its nodes;
//! - no job starts before its dependency allows it or before its --begin time; an array
//!   never runs more tasks than its `%N`;
//! - FIFO priority with runtimes equal to time limits: under EASY the first blocked job of
//!   a partition never starts later than the estimate it had then, under conservative no
//!   job starts later than its first estimate;
//! - a rejected call changes nothing;
//! - the same scenario played twice gives the same decisions.

use hpcsched::{
    Cluster, Decision, JobId, JobState, NodeAllocation, PendingReason, Policy, Preset, Scheduler,
    Timestamp,
};
use proptest::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

// ---------------------------------------------------------------------------------------
// Scenario

#[derive(Debug, Clone)]
struct NodeSpec {
    cpus: u32,
    mem: u64,
    gpus: u32,
    gpu_type: Option<&'static str>,
    features: u8,
    weight: u32,
}

#[derive(Debug, Clone)]
struct PartSpec {
    /// Node indices (non-empty, ascending).
    nodes: Vec<usize>,
    exclusive: bool,
    exclusive_user: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DepKind {
    After,
    AfterAny,
    AfterOk,
    AfterNotOk,
}

impl DepKind {
    fn word(self) -> &'static str {
        match self {
            DepKind::After => "after",
            DepKind::AfterAny => "afterany",
            DepKind::AfterOk => "afterok",
            DepKind::AfterNotOk => "afternotok",
        }
    }
}

#[derive(Debug, Clone)]
struct JobSpec {
    user: usize,
    /// Partition indices (`-p a,b`), at least one.
    parts: Vec<usize>,
    ntasks: u32,
    cpus_per_task: u32,
    exclusive: bool,
    mem_per_cpu: Option<u64>,
    /// GPUs per node, and whether the request names the type of the first GPU node.
    gpus: u32,
    gpu_typed: bool,
    limit_min: u32,
    /// Seconds after the previous job's arrival.
    arrival_gap: u64,
    /// Tenths of the time limit it runs (10: until the limit).
    runtime_tenths: u32,
    fails: bool,
    /// (kind, how many jobs back).
    dep: Option<(DepKind, usize)>,
    /// (task count, throttle).
    array: Option<(u32, Option<u32>)>,
    begin: Option<u64>,
    constraint: Option<u8>,
}

#[derive(Debug, Clone)]
struct Scenario {
    nodes: Vec<NodeSpec>,
    parts: Vec<PartSpec>,
    def_mem_per_cpu: Option<u64>,
    jobs: Vec<JobSpec>,
}

const GPU_TYPES: [Option<&str>; 3] = [None, Some("a100"), Some("h100")];

fn node_strategy() -> impl Strategy<Value = NodeSpec> {
    (
        1u32..=16,
        prop::sample::select(vec![1000u64, 2000, 4000, 8000, 16000]),
        0u32..=4,
        prop::sample::select(GPU_TYPES.to_vec()),
        0u8..4,
        1u32..=3,
    )
        .prop_map(|(cpus, mem, gpus, gpu_type, features, weight)| NodeSpec {
            cpus,
            mem,
            gpus,
            gpu_type,
            features,
            weight,
        })
}

/// Partitions as node masks. `disjoint`: every node in exactly one partition.
fn parts_strategy(n_nodes: usize, disjoint: bool) -> impl Strategy<Value = Vec<PartSpec>> {
    let flags = prop::collection::vec((any::<bool>(), any::<bool>(), any::<u8>()), 1..=3);
    (flags, prop::collection::vec(any::<u8>(), n_nodes)).prop_map(move |(flags, owner)| {
        let n_parts = flags.len();
        let mut parts: Vec<PartSpec> = flags
            .iter()
            .enumerate()
            .map(|(p, &(ex, exu, mask))| {
                let nodes: Vec<usize> = if disjoint {
                    (0..n_nodes)
                        .filter(|&i| usize::from(owner[i]) % n_parts == p)
                        .collect()
                } else {
                    (0..n_nodes)
                        .filter(|&i| (mask >> (i % 8)) & 1 == 1 || i == p % n_nodes)
                        .collect()
                };
                PartSpec {
                    nodes,
                    // Rarely both: keep most partitions shareable.
                    exclusive: ex && mask % 3 == 0,
                    // The estimate properties (disjoint) leave user-exclusive partitions
                    // out: see `job_strategy`.
                    exclusive_user: !disjoint && exu && mask % 2 == 0,
                }
            })
            .collect();
        // A disjoint split may leave a partition empty: give it node 0's neighbour set.
        parts.retain(|p| !p.nodes.is_empty());
        parts
    })
}

/// `restricted`: the workload of the estimate properties: one partition per job (and
/// disjoint partitions), no dependencies, arrays or begin times, runtime = time limit,
/// every job `--exclusive`. Why each restriction is Slurm's semantics, not a weaker
/// property:
/// - a job that becomes eligible late (dependency, begin time) jumps ahead in FIFO order
///   and may legitimately take nodes a planned job was counting on;
/// - EASY reserves for one job *per partition*: with overlapping partitions or `-p a,b`,
///   a higher-priority job of another partition may get its reservation later and take
///   the nodes first;
/// - backfill reserves *whole nodes* for pending jobs ("for performance reasons, the
///   backfill scheduler reserves whole nodes", sched_config.shtml), while a job that
///   starts takes only its CPUs. A higher-priority job planned behind another's
///   whole-node reservation can then start early next to it, on nodes a lower job was
///   planned on, and push that job back (seen with shared nodes under conservative).
///   Whole-node jobs make the plans exact;
/// - no user-exclusive partition: backfill never plans a job on a node another user runs
///   on now (`filter_by_node_owner()`), so a plan moves when another user's job starts,
///   even on a node that plan did not count on.
fn job_strategy(n_parts: usize, restricted: bool) -> impl Strategy<Value = JobSpec> {
    let sizes = (
        0usize..3,
        prop::collection::vec(0usize..n_parts, 1..=2),
        1u32..=4,
        1u32..=2,
        prop::bool::weighted(0.2),
        prop::option::weighted(0.3, prop::sample::select(vec![100u64, 500, 1000, 3000])),
        prop::sample::select(vec![0u32, 0, 0, 1, 2]),
        any::<bool>(),
    );
    let times = (
        1u32..=60,
        prop::sample::select(vec![0u64, 0, 10, 60, 300, 900]),
        1u32..=10,
        prop::bool::weighted(0.25),
    );
    let extras = (
        prop::option::weighted(
            0.3,
            (
                prop::sample::select(vec![
                    DepKind::After,
                    DepKind::AfterAny,
                    DepKind::AfterOk,
                    DepKind::AfterNotOk,
                ]),
                1usize..=4,
            ),
        ),
        prop::option::weighted(0.2, (2u32..=5, prop::option::of(1u32..=2))),
        prop::option::weighted(0.15, prop::sample::select(vec![30u64, 60, 600, 1800])),
        prop::option::weighted(0.15, 1u8..4),
    );
    (sizes, times, extras).prop_map(
        move |(
            (user, mut parts, ntasks, cpus_per_task, exclusive, mem_per_cpu, gpus, gpu_typed),
            (limit_min, arrival_gap, runtime_tenths, fails),
            (dep, array, begin, constraint),
        )| {
            parts.dedup();
            if restricted {
                parts.truncate(1);
            }
            JobSpec {
                user,
                parts,
                ntasks,
                cpus_per_task,
                exclusive: exclusive || restricted,
                mem_per_cpu,
                gpus,
                gpu_typed,
                limit_min,
                arrival_gap,
                runtime_tenths: if restricted { 10 } else { runtime_tenths },
                fails,
                dep: if restricted { None } else { dep },
                array: if restricted { None } else { array },
                begin: if restricted { None } else { begin },
                constraint,
            }
        },
    )
}

fn scenario_strategy(restricted: bool) -> impl Strategy<Value = Scenario> {
    prop::collection::vec(node_strategy(), 2..=8)
        .prop_flat_map(move |nodes| {
            let n = nodes.len();
            (
                Just(nodes),
                parts_strategy(n, restricted),
                prop::option::of(prop::sample::select(vec![100u64, 250, 500])),
            )
        })
        .prop_flat_map(move |(nodes, parts, def_mem_per_cpu)| {
            let n_parts = parts.len().max(1);
            (
                Just(nodes),
                Just(parts),
                Just(def_mem_per_cpu),
                prop::collection::vec(job_strategy(n_parts, restricted), 5..=40),
            )
        })
        .prop_map(|(nodes, parts, def_mem_per_cpu, jobs)| Scenario {
            nodes,
            parts,
            def_mem_per_cpu,
            jobs,
        })
}

const FEATURE_NAMES: [&str; 2] = ["fa", "fb"];

impl Scenario {
    fn conf(&self) -> String {
        let mut s = String::from("PriorityType=priority/basic\n");
        if self.nodes.iter().any(|n| n.gpus > 0) {
            s.push_str("GresTypes=gpu\n");
        }
        if let Some(m) = self.def_mem_per_cpu {
            let _ = writeln!(s, "DefMemPerCPU={m}");
        }
        for (i, n) in self.nodes.iter().enumerate() {
            let _ = write!(
                s,
                "NodeName=n{i} CPUs={} RealMemory={} Weight={}",
                n.cpus, n.mem, n.weight
            );
            if n.gpus > 0 {
                match n.gpu_type {
                    Some(t) => {
                        let _ = write!(s, " Gres=gpu:{t}:{}", n.gpus);
                    }
                    None => {
                        let _ = write!(s, " Gres=gpu:{}", n.gpus);
                    }
                }
            }
            let feats: Vec<&str> = FEATURE_NAMES
                .iter()
                .enumerate()
                .filter(|(b, _)| n.features >> b & 1 == 1)
                .map(|(_, f)| *f)
                .collect();
            if !feats.is_empty() {
                let _ = write!(s, " Feature={}", feats.join(","));
            }
            s.push('\n');
        }
        for (p, part) in self.parts.iter().enumerate() {
            let nodes: Vec<String> = part.nodes.iter().map(|i| format!("n{i}")).collect();
            let _ = write!(
                s,
                "PartitionName=p{p} Nodes={} MaxTime=UNLIMITED",
                nodes.join(",")
            );
            if p == 0 {
                s.push_str(" Default=YES");
            }
            if part.exclusive {
                s.push_str(" OverSubscribe=EXCLUSIVE");
            }
            if part.exclusive_user {
                s.push_str(" ExclusiveUser=YES");
            }
            s.push('\n');
        }
        s
    }

    fn cluster(&self) -> Cluster {
        Cluster::from_slurm_conf(&self.conf())
            .unwrap_or_else(|e| panic!("generated conf: {e}\n{}", self.conf()))
    }

    /// The sbatch arguments of job `j`, given the ids of the jobs submitted before it.
    fn args(&self, j: usize, ids: &[Option<JobId>]) -> Vec<String> {
        let spec = &self.jobs[j];
        let mut a: Vec<String> = Vec::new();
        let parts: Vec<String> = spec
            .parts
            .iter()
            .filter(|&&p| p < self.parts.len())
            .map(|p| format!("p{p}"))
            .collect();
        if !parts.is_empty() {
            a.push(format!("-p{}", parts.join(",")));
        }
        a.push(format!("-n{}", spec.ntasks));
        a.push(format!("-c{}", spec.cpus_per_task));
        a.push(format!("-t{}", spec.limit_min));
        if spec.exclusive {
            a.push("--exclusive".into());
        }
        if let Some(m) = spec.mem_per_cpu {
            a.push(format!("--mem-per-cpu={m}"));
        }
        if spec.gpus > 0 {
            let typed = spec
                .gpu_typed
                .then(|| {
                    self.nodes
                        .iter()
                        .find(|n| n.gpus > 0)
                        .and_then(|n| n.gpu_type)
                })
                .flatten();
            match typed {
                Some(t) => a.push(format!("--gres=gpu:{t}:{}", spec.gpus)),
                None => a.push(format!("--gres=gpu:{}", spec.gpus)),
            }
        }
        if let Some((kind, back)) = spec.dep
            && let Some(Some(target)) = j.checked_sub(back).map(|t| ids[t])
        {
            a.push(format!("--dependency={}:{target}", kind.word()));
        }
        if let Some((count, throttle)) = spec.array {
            match throttle {
                Some(t) => a.push(format!("--array=0-{}%{t}", count - 1)),
                None => a.push(format!("--array=0-{}", count - 1)),
            }
        }
        if let Some(b) = spec.begin {
            a.push(format!("--begin=now+{b}"));
        }
        if let Some(c) = spec.constraint {
            let feats: Vec<&str> = FEATURE_NAMES
                .iter()
                .enumerate()
                .filter(|(b, _)| c >> b & 1 == 1)
                .map(|(_, f)| *f)
                .collect();
            if !feats.is_empty() {
                a.push(format!("--constraint={}", feats.join("&")));
            }
        }
        a
    }

    fn runtime(&self, j: usize) -> u64 {
        let spec = &self.jobs[j];
        let limit = u64::from(spec.limit_min) * 60;
        if spec.runtime_tenths >= 10 {
            limit
        } else {
            (limit * u64::from(spec.runtime_tenths) / 10).max(1)
        }
    }
}

// ---------------------------------------------------------------------------------------
// Independent bookkeeping and checks

#[derive(Debug, Clone)]
struct Running {
    spec: usize,
    user: usize,
    /// When the host ends it with job_finished (None: it runs into its time limit).
    finish_at: Option<u64>,
    limit_end: u64,
    whole_node: bool,
    user_exclusive: bool,
    array: Option<JobId>,
    nodes: Vec<NodeAllocation>,
}

/// What the running jobs hold on one node: CPUs, MB, GPU indices, the jobs.
type NodeUse<'a> = (u32, u64, BTreeSet<u32>, Vec<(JobId, &'a Running)>);

#[derive(Debug, Default)]
struct Book {
    /// Submitted id of each job spec (None: refused).
    ids: Vec<Option<JobId>>,
    spec_of: BTreeMap<JobId, usize>,
    submit_time: BTreeMap<JobId, u64>,
    running: BTreeMap<JobId, Running>,
    /// Every record that started, by array (or own) id: task ids.
    started: BTreeMap<JobId, Vec<JobId>>,
    /// Ended records: (end time, ok).
    ended: BTreeMap<JobId, (u64, bool)>,
    /// EASY: the best estimate a job had while it was its partition's first blocked job.
    easy_promise: BTreeMap<JobId, u64>,
    /// Conservative: the first estimate a job had.
    first_estimate: BTreeMap<JobId, u64>,
    /// What was submitted, for failure reports: "t=.. user -> id: args".
    log: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum EstimateCheck {
    None,
    Easy,
    Conservative,
}

struct Run<'a> {
    sc: &'a Scenario,
    s: Scheduler,
    book: Book,
    trace: Vec<(u64, Vec<Decision>)>,
    /// The estimates after each pass.
    estimates: Vec<String>,
    check: EstimateCheck,
    probes: bool,
}

fn snapshot(s: &Scheduler, now: u64) -> String {
    let mut out = String::new();
    let jobs: Vec<_> = s.jobs().collect();
    let _ = writeln!(out, "{jobs:?}");
    let _ = writeln!(out, "{:?}", s.estimates());
    for n in s.cluster().nodes() {
        let _ = writeln!(
            out,
            "{} {:?} {:?} {:?}",
            n.name,
            s.node_free(&n.name),
            s.node_jobs(&n.name),
            n.state
        );
    }
    for j in s.jobs() {
        let _ = write!(out, "{}:{} ", j.id(), s.pending_tasks(j.id()));
    }
    let _ = writeln!(out, "{:?}", s.next_event_time(Timestamp(now)));
    out
}

impl<'a> Run<'a> {
    fn new(sc: &'a Scenario, preset: Preset, check: EstimateCheck, probes: bool) -> Self {
        let cluster = sc.cluster();
        let mut policy = Policy::preset(preset, cluster.config());
        // Slurm's backfill interval makes the host call back every 30 s forever; the
        // loop below only needs real events.
        if let Some(bf) = policy.backfill.as_mut() {
            bf.interval = None;
        }
        Self {
            sc,
            s: Scheduler::with_policy(cluster, policy),
            book: Book::default(),
            trace: Vec::new(),
            estimates: Vec::new(),
            check,
            probes,
        }
    }

    /// Plays the scenario to the end. Errors name the broken property.
    fn play(&mut self) -> Result<(), String> {
        let mut arrivals: Vec<(u64, usize)> = Vec::new();
        let mut t = 0u64;
        for (j, spec) in self.sc.jobs.iter().enumerate() {
            t += spec.arrival_gap;
            arrivals.push((t, j));
        }
        let mut next_arrival = 0usize;
        let mut now = 0u64;
        for step in 0..5000u32 {
            // Jobs the host ends before their limit, in end order.
            let mut ending: Vec<(u64, JobId)> = self
                .book
                .running
                .iter()
                .filter_map(|(id, r)| r.finish_at.filter(|&f| f <= now).map(|f| (f, *id)))
                .collect();
            ending.sort_unstable();
            for (at, id) in ending {
                let spec = self.book.running.get(&id).map_or(0, |r| r.spec);
                let exit = i32::from(self.sc.jobs[spec].fails);
                self.s
                    .job_finished(id, Timestamp(at), exit)
                    .map_err(|e| format!("job_finished({id}) refused: {e}"))?;
                self.book.running.remove(&id);
                self.book.ended.insert(id, (at, exit == 0));
            }
            while let Some(&(at, j)) = arrivals.get(next_arrival) {
                if at > now {
                    break;
                }
                next_arrival += 1;
                self.submit(j, now)?;
            }
            if self.probes && step % 3 == 0 {
                self.probe(step, now)?;
            }
            let decisions = self.s.schedule(Timestamp(now));
            self.trace.push((now, decisions.clone()));
            self.estimates.push(format!("{:?}", self.s.estimates()));
            self.apply(now, &decisions)?;
            self.check_after_pass(now)?;

            let mut next = self.s.next_event_time(Timestamp(now)).map(|t| t.0);
            let mut consider = |t: u64| {
                if t > now {
                    next = Some(next.map_or(t, |n| n.min(t)));
                }
            };
            if let Some(&(at, _)) = arrivals.get(next_arrival) {
                consider(at.max(now + 1));
            }
            for r in self.book.running.values() {
                if let Some(f) = r.finish_at {
                    consider(f);
                }
            }
            match next {
                Some(n) if n > now => now = n,
                Some(n) => return Err(format!("next event {n} is not after now {now}")),
                None => {
                    if let Some((id, r)) = self.book.running.iter().next() {
                        return Err(format!(
                            "{id} runs (limit end {}) but there is no next event",
                            r.limit_end
                        ));
                    }
                    return Ok(());
                }
            }
        }
        Ok(())
    }

    fn submit(&mut self, j: usize, now: u64) -> Result<(), String> {
        let args = self.sc.args(j, &self.book.ids);
        let Ok(req) = hpcsched::sbatch::parse_args(&args) else {
            return Err(format!("generated args do not parse: {args:?}"));
        };
        let user = format!("u{}", self.sc.jobs[j].user);
        // Cloning is cheaper than a snapshot; the snapshots are taken only on refusal.
        let before = self.s.clone();
        let result = self.s.submit(&req, &user, Timestamp(now));
        self.book.log.push(format!(
            "t={now} {user} -> {:?}: {}",
            result.as_ref().map_err(ToString::to_string),
            args.join(" ")
        ));
        match result {
            Ok(id) => {
                self.book.ids.push(Some(id));
                self.book.spec_of.insert(id, j);
                self.book.submit_time.insert(id, now);
            }
            Err(e) => {
                self.book.ids.push(None);
                if snapshot(&before, now) != snapshot(&self.s, now) {
                    return Err(format!("refused submit {args:?} ({e}) changed the state"));
                }
            }
        }
        Ok(())
    }

    /// A call that must be refused, and must change nothing.
    fn probe(&mut self, step: u32, now: u64) -> Result<(), String> {
        let pending = self
            .s
            .jobs()
            .find(|j| j.state() == JobState::Pending)
            .map(hpcsched::Job::id);
        let finished = self
            .s
            .jobs()
            .find(|j| j.state().is_finished())
            .map(hpcsched::Job::id);
        let running = self.book.running.keys().next().copied();
        let before = snapshot(&self.s, now);
        let t = Timestamp(now);
        let (what, refused) = match step / 3 % 9 {
            0 => (
                "job_finished(unknown)",
                self.s.job_finished(JobId(55_555_555), t, 0).is_err(),
            ),
            1 => match pending {
                Some(id) => (
                    "job_finished(pending)",
                    self.s.job_finished(id, t, 0).is_err(),
                ),
                None => return Ok(()),
            },
            2 => match finished {
                Some(id) => ("cancel(finished)", self.s.cancel(id, t).is_err()),
                None => return Ok(()),
            },
            3 => (
                "down_node(unknown)",
                self.s.down_node("nosuchnode", "x", t).is_err(),
            ),
            4 => {
                let req = hpcsched::sbatch::parse_args(&["-p", "nosuchpart", "-t", "5"])
                    .map_err(|e| e.to_string())?;
                (
                    "submit(-p nosuchpart)",
                    self.s.submit(&req, "u0", t).is_err(),
                )
            }
            5 => match pending {
                Some(id) => ("requeue(pending)", self.s.requeue(id, t).is_err()),
                None => return Ok(()),
            },
            6 => match running {
                Some(id) => ("hold(running)", self.s.hold(id).is_err()),
                None => return Ok(()),
            },
            7 => match finished {
                Some(id) => (
                    "update_time_limit(finished)",
                    self.s
                        .update_time_limit(id, hpcsched::TimeLimit::Unlimited)
                        .is_err(),
                ),
                None => return Ok(()),
            },
            _ => match pending {
                Some(id) => (
                    "out_of_memory(pending)",
                    self.s.out_of_memory(id, t, false).is_err(),
                ),
                None => (
                    "drain_node(unknown)",
                    self.s.drain_node("nosuchnode", "x").is_err(),
                ),
            },
        };
        if !refused {
            return Err(format!("{what} was accepted"));
        }
        let after = snapshot(&self.s, now);
        if before != after {
            return Err(format!(
                "refused {what} changed the state:\n{before}\n--\n{after}"
            ));
        }
        Ok(())
    }

    fn apply(&mut self, now: u64, decisions: &[Decision]) -> Result<(), String> {
        for d in decisions {
            match d {
                Decision::Stop { job, state } => {
                    let r = self
                        .book
                        .running
                        .remove(job)
                        .ok_or_else(|| format!("Stop of {job}, which is not running"))?;
                    if *state != JobState::Timeout {
                        return Err(format!("Stop of {job} in state {state}"));
                    }
                    if now < r.limit_end {
                        return Err(format!(
                            "{job} stopped at {now} before its limit {}",
                            r.limit_end
                        ));
                    }
                    if r.finish_at.is_some() {
                        return Err(format!("{job} timed out but was to finish earlier"));
                    }
                    self.book.ended.insert(*job, (r.limit_end, false));
                }
                Decision::End { job, .. } => {
                    self.book.ended.insert(*job, (now, false));
                }
                Decision::Start {
                    job,
                    partition,
                    nodes,
                } => self.start(now, *job, partition, nodes)?,
                _ => return Err(format!("unknown decision {d:?}")),
            }
        }
        Ok(())
    }

    fn start(
        &mut self,
        now: u64,
        job: JobId,
        partition: &str,
        nodes: &[NodeAllocation],
    ) -> Result<(), String> {
        let record = self
            .s
            .job(job)
            .ok_or_else(|| format!("started {job} is unknown"))?;
        if record.state() != JobState::Running {
            return Err(format!("started {job} is {}", record.state()));
        }
        let array = record.array_task().map(|(a, _)| a);
        let owner = array.unwrap_or(job);
        let spec = *self
            .book
            .spec_of
            .get(&owner)
            .ok_or_else(|| format!("started {job} was never submitted"))?;
        let js = &self.sc.jobs[spec];
        let submitted = self.book.submit_time.get(&owner).copied().unwrap_or(0);
        // --begin
        if let Some(b) = js.begin
            && now < submitted + b
        {
            return Err(format!(
                "{job} started at {now} before its begin {}",
                submitted + b
            ));
        }
        // Dependencies, evaluated on the bookkeeping.
        if let Some((kind, back)) = js.dep
            && let Some(Some(target)) = spec.checked_sub(back).map(|t| self.book.ids[t])
            && !self.dependency_met(kind, target)
        {
            return Err(format!(
                "{job} started at {now} but {}:{target} is not satisfied",
                kind.word()
            ));
        }
        let part_idx: usize = partition
            .strip_prefix('p')
            .and_then(|p| p.parse().ok())
            .ok_or_else(|| format!("unknown partition {partition}"))?;
        if !js.parts.contains(&part_idx) && !js.parts.is_empty() {
            return Err(format!("{job} started in {partition}, not one it asked"));
        }
        let part = &self.sc.parts[part_idx];
        for a in nodes {
            let idx: usize = a
                .node
                .strip_prefix('n')
                .and_then(|n| n.parse().ok())
                .unwrap_or(usize::MAX);
            if !part.nodes.contains(&idx) {
                return Err(format!("{job} got {} outside {partition}", a.node));
            }
        }
        let limit_end = now + u64::from(js.limit_min) * 60;
        let runtime = self.sc.runtime(spec);
        let finish_at = (runtime < u64::from(js.limit_min) * 60).then_some(now + runtime);
        self.book.running.insert(
            job,
            Running {
                spec,
                user: js.user,
                finish_at,
                limit_end,
                whole_node: js.exclusive || part.exclusive,
                user_exclusive: part.exclusive_user,
                array,
                nodes: nodes.to_vec(),
            },
        );
        self.book.started.entry(owner).or_default().push(job);
        // Estimates.
        match self.check {
            EstimateCheck::Easy => {
                if let Some(&p) = self.book.easy_promise.get(&job)
                    && now > p
                {
                    return Err(format!(
                        "EASY: {job} was its partition's first blocked job with estimate {p}, started {now}"
                    ));
                }
            }
            EstimateCheck::Conservative => {
                if let Some(&p) = self.book.first_estimate.get(&job)
                    && now > p
                {
                    return Err(format!(
                        "conservative: {job} first estimated at {p}, started {now}"
                    ));
                }
            }
            EstimateCheck::None => {}
        }
        Ok(())
    }

    fn dependency_met(&self, kind: DepKind, target: JobId) -> bool {
        let spec = self.book.spec_of.get(&target).copied();
        let tasks = spec
            .and_then(|s| self.sc.jobs[s].array)
            .map_or(1, |(n, _)| n as usize);
        let started = self
            .book
            .started
            .get(&target)
            .map_or(&[][..], Vec::as_slice);
        let ended: Vec<bool> = started
            .iter()
            .filter_map(|t| self.book.ended.get(t).map(|&(_, ok)| ok))
            .collect();
        let target_cancelled = self
            .s
            .job(target)
            .is_some_and(|j| j.state() == JobState::Cancelled && j.start_time().is_none());
        match kind {
            DepKind::After => started.len() == tasks || target_cancelled,
            DepKind::AfterAny => ended.len() == tasks || target_cancelled,
            DepKind::AfterOk => ended.len() == tasks && ended.iter().all(|&ok| ok),
            DepKind::AfterNotOk => {
                (ended.len() == tasks && ended.iter().any(|&ok| !ok)) || target_cancelled
            }
        }
    }

    fn check_after_pass(&mut self, now: u64) -> Result<(), String> {
        // Node capacity, from the node definitions.
        let mut use_by_node: BTreeMap<&str, NodeUse<'_>> = BTreeMap::new();
        for (id, r) in &self.book.running {
            for a in &r.nodes {
                let e = use_by_node.entry(a.node.as_str()).or_default();
                e.0 += a.cpus;
                e.1 += a.memory.mib();
                for g in &a.gres {
                    if g.key.name != "gpu" {
                        return Err(format!("{id} got unknown GRES {}", g.key));
                    }
                    for &i in &g.indices {
                        if !e.2.insert(i) {
                            return Err(format!("GPU {i} of {} given twice", a.node));
                        }
                    }
                }
                e.3.push((*id, r));
            }
        }
        for (name, (cpus, mem, gpus, jobs)) in &use_by_node {
            let idx: usize = name
                .strip_prefix('n')
                .and_then(|n| n.parse().ok())
                .unwrap_or(usize::MAX);
            let spec = self
                .sc
                .nodes
                .get(idx)
                .ok_or_else(|| format!("unknown node {name}"))?;
            if *cpus > spec.cpus || *mem > spec.mem {
                return Err(format!(
                    "{name} over-allocated at {now}: {cpus}/{} CPUs, {mem}/{} MB",
                    spec.cpus, spec.mem
                ));
            }
            if let Some(&max) = gpus.iter().next_back()
                && max >= spec.gpus
            {
                return Err(format!("{name}: GPU index {max} of {}", spec.gpus));
            }
            if jobs.len() > 1 && jobs.iter().any(|(_, r)| r.whole_node) {
                return Err(format!("{name} shares a whole-node job: {jobs:?}"));
            }
            if jobs.iter().any(|(_, r)| r.user_exclusive) {
                let users: BTreeSet<usize> = jobs.iter().map(|(_, r)| r.user).collect();
                if users.len() > 1 {
                    return Err(format!("user-exclusive {name} holds users {users:?}"));
                }
            }
            // The scheduler's own view agrees.
            let free = self.s.node_free(name).ok_or("node_free")?;
            if free.cpus != spec.cpus - cpus {
                return Err(format!(
                    "{name}: scheduler says {} CPUs free, bookkeeping {}",
                    free.cpus,
                    spec.cpus - cpus
                ));
            }
        }
        // Array throttles.
        let mut per_array: BTreeMap<JobId, u32> = BTreeMap::new();
        for r in self.book.running.values() {
            if let Some(a) = r.array {
                *per_array.entry(a).or_default() += 1;
            }
        }
        for (a, n) in per_array {
            let spec = self.book.spec_of.get(&a).copied().unwrap_or(0);
            if let Some((_, Some(t))) = self.sc.jobs[spec].array
                && n > t
            {
                return Err(format!("array {a} runs {n} tasks, throttle {t}"));
            }
        }
        // Estimates.
        for e in self.s.estimates() {
            let Some(start) = e.start else { continue };
            if start.0 < now {
                return Err(format!(
                    "estimate of {} in the past: {start:?} < {now}",
                    e.job
                ));
            }
            match self.check {
                EstimateCheck::Easy
                    if e.reason.clone().expect("a pending reason") == PendingReason::Resources =>
                {
                    let p = self.book.easy_promise.entry(e.job).or_insert(start.0);
                    *p = (*p).min(start.0);
                }
                EstimateCheck::Conservative => {
                    self.book.first_estimate.entry(e.job).or_insert(start.0);
                }
                _ => {}
            }
        }
        Ok(())
    }
}

fn play(
    sc: &Scenario,
    preset: Preset,
    check: EstimateCheck,
    probes: bool,
) -> Result<Vec<(u64, Vec<Decision>)>, String> {
    let mut run = Run::new(sc, preset, check, probes);
    let result = run.play();
    result.map(|()| run.trace.clone()).map_err(|e| {
        let decisions: Vec<String> = run
            .trace
            .iter()
            .filter(|(_, d)| !d.is_empty())
            .map(|(t, d)| {
                let d: Vec<String> = d.iter().map(short).collect();
                format!("t={t}: {}", d.join(", "))
            })
            .collect();
        format!(
            "{e}\nconf:\n{}submitted:\n{}\ndecisions:\n{}",
            sc.conf(),
            run.book.log.join("\n"),
            decisions.join("\n")
        )
    })
}

fn short(d: &Decision) -> String {
    match d {
        Decision::Start {
            job,
            partition,
            nodes,
        } => {
            let n: Vec<String> = nodes
                .iter()
                .map(|a| format!("{}:{}c/{}M{:?}", a.node, a.cpus, a.memory.mib(), a.gres))
                .collect();
            format!("start {job} {partition} [{}]", n.join(" "))
        }
        Decision::Stop { job, state } => format!("stop {job} {state}"),
        Decision::End { job, state, reason } => format!("end {job} {state} {reason}"),
        other => format!("{other:?}"),
    }
}

// ---------------------------------------------------------------------------------------
// Properties

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Safety under every preset: capacity, exclusivity, dependencies, begin times,
    /// throttles, refused calls.
    #[test]
    fn safety_under_every_preset(sc in scenario_strategy(false), p in 0usize..4) {
        let preset = [Preset::Slurm, Preset::Easy, Preset::Conservative, Preset::Fifo][p];
        let r = play(&sc, preset, EstimateCheck::None, true);
        prop_assert!(r.is_ok(), "{preset}: {}", r.err().unwrap_or_default());
    }

    /// EASY: the first blocked job of a partition never starts after the estimate it had.
    #[test]
    fn easy_keeps_the_first_blocked_jobs_estimate(sc in scenario_strategy(true)) {
        let r = play(&sc, Preset::Easy, EstimateCheck::Easy, false);
        prop_assert!(r.is_ok(), "{}", r.err().unwrap_or_default());
    }

    /// Conservative: no job starts after its first estimate.
    #[test]
    fn conservative_keeps_every_first_estimate(sc in scenario_strategy(true)) {
        let r = play(&sc, Preset::Conservative, EstimateCheck::Conservative, false);
        prop_assert!(r.is_ok(), "{}", r.err().unwrap_or_default());
    }

}

proptest! {
    // Fewer cases: each one plays its scenario twice.
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// Same inputs, same decisions.
    #[test]
    fn same_scenario_same_decisions(sc in scenario_strategy(false)) {
        let a = play(&sc, Preset::Slurm, EstimateCheck::None, true);
        let b = play(&sc, Preset::Slurm, EstimateCheck::None, true);
        prop_assert!(a.is_ok(), "{}", a.as_ref().err().cloned().unwrap_or_default());
        prop_assert_eq!(a, b);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// The plan a pass keeps for the next one changes no decision and no estimate: the
    /// same scenario with every pass planned from scratch gives the same trace.
    #[test]
    fn kept_plan_changes_nothing(sc in scenario_strategy(false), p in 0usize..4) {
        let preset = [Preset::Slurm, Preset::Easy, Preset::Conservative, Preset::Fifo][p];
        let mut kept = Run::new(&sc, preset, EstimateCheck::None, false);
        let mut fresh = Run::new(&sc, preset, EstimateCheck::None, false);
        fresh.s.set_plan_reuse(false);
        let a = kept.play();
        let b = fresh.play();
        prop_assert!(b.is_ok(), "{}", b.err().unwrap_or_default());
        prop_assert!(a.is_ok(), "{}", a.err().unwrap_or_default());
        prop_assert_eq!(&kept.trace, &fresh.trace, "{}", preset);
        prop_assert_eq!(&kept.estimates, &fresh.estimates, "{}", preset);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// The main pass leaves a partition at its blocked job and settles the jobs behind it
    /// without walking them: every decision, reason and estimate is the one a walk of the
    /// whole queue gives, with and without backfill after it.
    #[test]
    fn main_pass_by_partition_changes_nothing(sc in scenario_strategy(false), slurm in any::<bool>()) {
        let preset = if slurm { Preset::Slurm } else { Preset::Fifo };
        let mut by_partition = Run::new(&sc, preset, EstimateCheck::None, false);
        let mut whole = Run::new(&sc, preset, EstimateCheck::None, false);
        whole.s.set_main_pass_by_partition(false);
        let a = by_partition.play();
        let b = whole.play();
        prop_assert!(b.is_ok(), "{}", b.err().unwrap_or_default());
        prop_assert!(a.is_ok(), "{}", a.err().unwrap_or_default());
        prop_assert_eq!(&by_partition.trace, &whole.trace, "{}", preset);
        prop_assert_eq!(&by_partition.estimates, &whole.estimates, "{}", preset);
    }
}

/// The generator is not vacuous: over a fixed sample, jobs start, share nodes, get
/// GPUs, wait on dependencies and throttles, time out, and some submissions are refused.
#[test]
fn generated_workloads_exercise_the_scheduler() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    let strategy = scenario_strategy(false);
    let (mut starts, mut shared, mut gpus, mut stops, mut refused, mut deps, mut throttled) =
        (0, 0, 0, 0, 0, 0, 0);
    for _ in 0..40 {
        let sc = strategy
            .new_tree(&mut runner)
            .unwrap_or_else(|e| panic!("{e}"))
            .current();
        let mut run = Run::new(&sc, Preset::Slurm, EstimateCheck::None, false);
        run.play().unwrap_or_else(|e| panic!("{e}"));
        refused += run.book.ids.iter().filter(|i| i.is_none()).count();
        let mut on_node: BTreeMap<String, u32> = BTreeMap::new();
        for (_, ds) in &run.trace {
            for d in ds {
                match d {
                    Decision::Start { nodes, .. } => {
                        starts += 1;
                        gpus += usize::from(nodes.iter().any(|a| !a.gres.is_empty()));
                        for a in nodes {
                            *on_node.entry(a.node.clone()).or_default() += 1;
                        }
                    }
                    Decision::Stop { .. } => stops += 1,
                    _ => {}
                }
            }
        }
        shared += on_node.values().filter(|&&n| n > 1).count();
        for j in run.s.jobs() {
            if j.resolved().request().dependency.is_some() && j.start_time().is_some() {
                deps += 1;
            }
        }
        throttled += run
            .book
            .started
            .iter()
            .filter(|(a, tasks)| {
                tasks.len() > 1
                    && run
                        .book
                        .spec_of
                        .get(a)
                        .and_then(|s| sc.jobs[*s].array)
                        .is_some_and(|(_, t)| t.is_some())
            })
            .count();
    }
    let summary = format!(
        "starts {starts} shared {shared} gpus {gpus} stops {stops} refused {refused} deps {deps} throttled {throttled}"
    );
    assert!(starts > 300, "{summary}");
    assert!(shared > 20, "{summary}");
    assert!(gpus > 20, "{summary}");
    assert!(stops > 50, "{summary}");
    assert!(refused > 5, "{summary}");
    assert!(deps > 20, "{summary}");
    assert!(throttled > 3, "{summary}");
    // The estimate properties have something to check: blocked jobs with estimates
    // that later start.
    let restricted = scenario_strategy(true);
    let (mut easy, mut conservative, mut tight) = (0, 0, 0);
    for _ in 0..40 {
        let sc = restricted
            .new_tree(&mut runner)
            .unwrap_or_else(|e| panic!("{e}"))
            .current();
        for check in [EstimateCheck::Easy, EstimateCheck::Conservative] {
            let preset = if check == EstimateCheck::Easy {
                Preset::Easy
            } else {
                Preset::Conservative
            };
            let mut run = Run::new(&sc, preset, check, false);
            run.play().unwrap_or_else(|e| panic!("{e}"));
            let promises = if check == EstimateCheck::Easy {
                &run.book.easy_promise
            } else {
                &run.book.first_estimate
            };
            for (id, p) in promises {
                let Some(start) = run.s.job(*id).and_then(hpcsched::Job::start_time) else {
                    continue;
                };
                if check == EstimateCheck::Easy {
                    easy += 1;
                } else {
                    conservative += 1;
                }
                tight += usize::from(start.0 == *p);
            }
        }
    }
    let summary = format!("{summary} easy {easy} conservative {conservative} tight {tight}");
    assert!(easy > 30, "{summary}");
    assert!(conservative > 60, "{summary}");
    assert!(tight > 60, "{summary}");
}
