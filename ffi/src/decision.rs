//! What a scheduling pass hands back to C: the decision list and the estimate list (both
//! snapshots the caller owns), and the per-node allocation view shared with job snapshots.

use crate::boundary::{
    Failure, arg_ref, c_string, free, getter, guard, hpcsched_result, item, opt_ptr,
    optional_getter, out_param,
};
use hpcsched::{Decision, Estimate, NodeAllocation, PendingReason};
use std::ffi::{CString, c_char};
use std::ptr;

/// What one node gives a job, with its strings ready to lend to C.
pub(crate) struct AllocNode {
    name: CString,
    cpus: u32,
    memory_mib: u64,
    gres: Vec<AllocGres>,
}

struct AllocGres {
    name: CString,
    kind: Option<CString>,
    indices: Vec<u32>,
}

pub(crate) fn alloc_nodes(nodes: &[NodeAllocation]) -> Vec<AllocNode> {
    nodes
        .iter()
        .map(|n| AllocNode {
            name: c_string(&n.node),
            cpus: n.cpus,
            memory_mib: n.memory.mib(),
            gres: n
                .gres
                .iter()
                .map(|g| AllocGres {
                    name: c_string(&g.key.name),
                    kind: g.key.kind.as_deref().map(c_string),
                    indices: g.indices.clone(),
                })
                .collect(),
        })
        .collect()
}

/// A pending reason for C: NULL when there is none.
pub(crate) fn reason_string(reason: Option<&PendingReason>) -> Option<CString> {
    reason.map(|r| c_string(r.as_str()))
}

/// Out-params of a node accessor, already cleared.
pub(crate) struct NodeOut<'a> {
    name: &'a mut *const c_char,
    cpus: &'a mut u32,
    memory_mib: &'a mut u64,
    gres_count: &'a mut usize,
}

impl<'a> NodeOut<'a> {
    /// Borrows and clears the out-params.
    pub(crate) fn new(
        name: Option<&'a mut *const c_char>,
        cpus: Option<&'a mut u32>,
        memory_mib: Option<&'a mut u64>,
        gres_count: Option<&'a mut usize>,
    ) -> Result<Self, Failure> {
        Ok(NodeOut {
            name: out_param(name, "name", ptr::null())?,
            cpus: out_param(cpus, "cpus", 0)?,
            memory_mib: out_param(memory_mib, "memory_mib", 0)?,
            gres_count: out_param(gres_count, "gres_count", 0)?,
        })
    }

    pub(crate) fn fill(
        self,
        nodes: &[AllocNode],
        index: usize,
        owner: &str,
    ) -> Result<(), Failure> {
        let n = item(nodes, index, "node", owner)?;
        *self.name = n.name.as_ptr();
        *self.cpus = n.cpus;
        *self.memory_mib = n.memory_mib;
        *self.gres_count = n.gres.len();
        Ok(())
    }
}

/// Out-params of a GRES accessor, already cleared.
pub(crate) struct GresOut<'a> {
    name: &'a mut *const c_char,
    type_: &'a mut *const c_char,
    indices: &'a mut *const u32,
    index_count: &'a mut usize,
}

impl<'a> GresOut<'a> {
    /// Borrows and clears the out-params.
    pub(crate) fn new(
        name: Option<&'a mut *const c_char>,
        type_: Option<&'a mut *const c_char>,
        indices: Option<&'a mut *const u32>,
        index_count: Option<&'a mut usize>,
    ) -> Result<Self, Failure> {
        Ok(GresOut {
            name: out_param(name, "name", ptr::null())?,
            type_: out_param(type_, "type_", ptr::null())?,
            indices: out_param(indices, "indices", ptr::null())?,
            index_count: out_param(index_count, "index_count", 0)?,
        })
    }

    pub(crate) fn fill(
        self,
        nodes: &[AllocNode],
        node: usize,
        gres: usize,
        owner: &str,
    ) -> Result<(), Failure> {
        let n = item(nodes, node, "node", owner)?;
        let g = item(&n.gres, gres, "GRES", "node")?;
        *self.name = g.name.as_ptr();
        *self.type_ = opt_ptr(g.kind.as_ref());
        if !g.indices.is_empty() {
            *self.indices = g.indices.as_ptr();
        }
        *self.index_count = g.indices.len();
        Ok(())
    }
}

/// What a decision asks the host to do.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum hpcsched_decision_kind {
    /// Start the job now on the listed nodes, in the given partition.
    Start = 0,
    /// Stop the running job: it reached its time limit. It is already in its final state
    /// (TIMEOUT) and its resources are free.
    Stop = 1,
    /// A pending job was ended without running (for example a dependency that can never
    /// be satisfied); the state and reason say how and why.
    End = 2,
    /// A running job gives way to a pending job of a higher partition tier or QOS
    /// (PreemptType, PreemptMode): hpcsched_decisions_by names the pending job,
    /// hpcsched_decisions_action what is done (`CANCEL`, `REQUEUE`, `SUSPEND`) and
    /// hpcsched_decisions_at when. When `at` is the pass's `now` it is done already: a
    /// CANCEL preemptee is PREEMPTED and a REQUEUE one PENDING again (the host kills its
    /// processes; a requeued job later starts again from the beginning), a SUSPEND one is
    /// SUSPENDED (the host stops its processes until a RESUME). When `at` is later (the
    /// preemptee's GraceTime), the host signals the job now and it keeps running: the
    /// pass at or after `at` repeats the decision with `at` equal to its `now` and does it,
    /// unless the job ended before.
    Preempt = 3,
    /// A suspended job runs again (the job that suspended it ended): the host continues
    /// its processes. Its time limit counts running time only.
    Resume = 4,
    /// A kind of decision newer than this header. Only the job id is set; the host should
    /// treat it as an error or upgrade.
    Other = 99,
}

struct DecisionEntry {
    kind: hpcsched_decision_kind,
    job: u32,
    partition: Option<CString>,
    state: Option<CString>,
    reason: Option<CString>,
    nodes: Vec<AllocNode>,
    /// PREEMPT: the preemptor, what is done, and when.
    by: u32,
    action: Option<CString>,
    at: Option<u64>,
}

impl From<&Decision> for DecisionEntry {
    fn from(d: &Decision) -> Self {
        let mut entry = DecisionEntry {
            kind: hpcsched_decision_kind::Other,
            job: d.job().0,
            partition: None,
            state: None,
            reason: None,
            nodes: Vec::new(),
            by: 0,
            action: None,
            at: None,
        };
        match d {
            Decision::Start {
                partition, nodes, ..
            } => {
                entry.kind = hpcsched_decision_kind::Start;
                entry.partition = Some(c_string(partition));
                entry.nodes = alloc_nodes(nodes);
            }
            Decision::Stop { state, .. } => {
                entry.kind = hpcsched_decision_kind::Stop;
                entry.state = Some(c_string(state.name()));
            }
            Decision::End { state, reason, .. } => {
                entry.kind = hpcsched_decision_kind::End;
                entry.state = Some(c_string(state.name()));
                entry.reason = Some(c_string(reason));
            }
            Decision::Preempt { by, action, at, .. } => {
                entry.kind = hpcsched_decision_kind::Preempt;
                entry.by = by.0;
                entry.action = Some(c_string(&action.to_string()));
                entry.at = Some(at.0);
            }
            Decision::Resume { .. } => entry.kind = hpcsched_decision_kind::Resume,
            _ => {}
        }
        entry
    }
}

/// The decisions of one scheduling pass, in the order the host should carry them out.
///
/// Made by hpcsched_scheduler_schedule and released with hpcsched_decisions_free. It is a
/// snapshot: it does not refer to the scheduler and stays valid after further calls.
pub struct hpcsched_decisions {
    items: Vec<DecisionEntry>,
}

impl hpcsched_decisions {
    pub(crate) fn new(decisions: &[Decision]) -> Self {
        Self {
            items: decisions.iter().map(DecisionEntry::from).collect(),
        }
    }

    fn at(&self, index: usize) -> Result<&DecisionEntry, Failure> {
        item(&self.items, index, "decision", "list")
    }
}

/// Releases a decision list. Passing NULL does nothing. Strings and arrays borrowed from
/// it become invalid.
#[unsafe(no_mangle)]
pub extern "C" fn hpcsched_decisions_free(decisions: Option<Box<hpcsched_decisions>>) {
    free(decisions);
}

/// Stores the number of decisions in `*out`.
#[unsafe(no_mangle)]
pub extern "C" fn hpcsched_decisions_count(
    decisions: Option<&hpcsched_decisions>,
    out: Option<&mut usize>,
) -> hpcsched_result {
    getter(decisions, "decisions", out, 0, |d| Ok(d.items.len()))
}

/// Stores the kind of decision `index` (0-based, below hpcsched_decisions_count) in `*out`.
/// Every indexed accessor returns HPCSCHED_RESULT_OUT_OF_RANGE for a bad index.
#[unsafe(no_mangle)]
pub extern "C" fn hpcsched_decisions_kind(
    decisions: Option<&hpcsched_decisions>,
    index: usize,
    out: Option<&mut hpcsched_decision_kind>,
) -> hpcsched_result {
    getter(
        decisions,
        "decisions",
        out,
        hpcsched_decision_kind::Other,
        |d| Ok(d.at(index)?.kind),
    )
}

/// Stores the id of the job decision `index` is about in `*out`.
#[unsafe(no_mangle)]
pub extern "C" fn hpcsched_decisions_job(
    decisions: Option<&hpcsched_decisions>,
    index: usize,
    out: Option<&mut u32>,
) -> hpcsched_result {
    getter(decisions, "decisions", out, 0, |d| Ok(d.at(index)?.job))
}

/// Stores in `*out` the partition a START decision runs the job in; NULL for other kinds.
/// The string is borrowed from the list and valid until it is released.
#[unsafe(no_mangle)]
pub extern "C" fn hpcsched_decisions_partition(
    decisions: Option<&hpcsched_decisions>,
    index: usize,
    out: Option<&mut *const c_char>,
) -> hpcsched_result {
    getter(decisions, "decisions", out, ptr::null(), |d| {
        Ok(opt_ptr(d.at(index)?.partition.as_ref()))
    })
}

/// Stores in `*out` the state a STOP or END decision left the job in, as Slurm names it
/// (`TIMEOUT`, `CANCELLED`, `DEADLINE`...); NULL for other kinds. Borrowed from the list.
#[unsafe(no_mangle)]
pub extern "C" fn hpcsched_decisions_state(
    decisions: Option<&hpcsched_decisions>,
    index: usize,
    out: Option<&mut *const c_char>,
) -> hpcsched_result {
    getter(decisions, "decisions", out, ptr::null(), |d| {
        Ok(opt_ptr(d.at(index)?.state.as_ref()))
    })
}

/// Stores in `*out` why an END decision ended the job, in Slurm's words; NULL for other
/// kinds. Borrowed from the list.
#[unsafe(no_mangle)]
pub extern "C" fn hpcsched_decisions_reason(
    decisions: Option<&hpcsched_decisions>,
    index: usize,
    out: Option<&mut *const c_char>,
) -> hpcsched_result {
    getter(decisions, "decisions", out, ptr::null(), |d| {
        Ok(opt_ptr(d.at(index)?.reason.as_ref()))
    })
}

/// Stores in `*out` the id of the pending job a PREEMPT decision's job gives way to (the
/// preemptor); 0 for other kinds (no job has id 0).
#[unsafe(no_mangle)]
pub extern "C" fn hpcsched_decisions_by(
    decisions: Option<&hpcsched_decisions>,
    index: usize,
    out: Option<&mut u32>,
) -> hpcsched_result {
    getter(decisions, "decisions", out, 0, |d| Ok(d.at(index)?.by))
}

/// Stores in `*out` what a PREEMPT decision does to its job, as Slurm's PreemptMode names
/// it: `CANCEL` (it ends PREEMPTED), `REQUEUE` (its run ends PREEMPTED and it pends again)
/// or `SUSPEND` (it is SUSPENDED until a RESUME); NULL for other kinds. Borrowed from the
/// list.
#[unsafe(no_mangle)]
pub extern "C" fn hpcsched_decisions_action(
    decisions: Option<&hpcsched_decisions>,
    index: usize,
    out: Option<&mut *const c_char>,
) -> hpcsched_result {
    getter(decisions, "decisions", out, ptr::null(), |d| {
        Ok(opt_ptr(d.at(index)?.action.as_ref()))
    })
}

/// Stores when a PREEMPT decision is carried out: `*has` is true and `*at` is the time in
/// seconds on the host's clock (the pass's `now`: done already; later: the job was
/// signalled and a later pass repeats the decision then). For other kinds `*has` is false
/// and `*at` is 0.
#[unsafe(no_mangle)]
pub extern "C" fn hpcsched_decisions_at(
    decisions: Option<&hpcsched_decisions>,
    index: usize,
    at: Option<&mut u64>,
    has: Option<&mut bool>,
) -> hpcsched_result {
    optional_getter(decisions, "decisions", at, has, 0, |d| Ok(d.at(index)?.at))
}

/// Stores in `*out` how many nodes a START decision allocates (0 for other kinds).
#[unsafe(no_mangle)]
pub extern "C" fn hpcsched_decisions_node_count(
    decisions: Option<&hpcsched_decisions>,
    index: usize,
    out: Option<&mut usize>,
) -> hpcsched_result {
    getter(decisions, "decisions", out, 0, |d| {
        Ok(d.at(index)?.nodes.len())
    })
}

/// Describes node `node` (0-based, below hpcsched_decisions_node_count) of decision
/// `index`: its name in `*name` (borrowed from the list), the CPUs allocated on it in
/// `*cpus`, the memory in MiB in `*memory_mib` and the number of GRES entries in
/// `*gres_count`.
#[unsafe(no_mangle)]
pub extern "C" fn hpcsched_decisions_node(
    decisions: Option<&hpcsched_decisions>,
    index: usize,
    node: usize,
    name: Option<&mut *const c_char>,
    cpus: Option<&mut u32>,
    memory_mib: Option<&mut u64>,
    gres_count: Option<&mut usize>,
) -> hpcsched_result {
    guard(|| {
        let out = NodeOut::new(name, cpus, memory_mib, gres_count)?;
        let decisions = arg_ref(decisions, "decisions")?;
        out.fill(&decisions.at(index)?.nodes, node, "decision")
    })
}

/// Describes GRES entry `gres` (below the `gres_count` of hpcsched_decisions_node) on node
/// `node` of decision `index`: its name (`gpu`) in `*name`, its type (`a100`) in `*type_`
/// or NULL when untyped, and the device indices given to the job in `*indices` (an array
/// of `*index_count` values, ascending; NULL when there are none). Everything is borrowed
/// from the list.
#[unsafe(no_mangle)]
pub extern "C" fn hpcsched_decisions_node_gres(
    decisions: Option<&hpcsched_decisions>,
    index: usize,
    node: usize,
    gres: usize,
    name: Option<&mut *const c_char>,
    type_: Option<&mut *const c_char>,
    indices: Option<&mut *const u32>,
    index_count: Option<&mut usize>,
) -> hpcsched_result {
    guard(|| {
        let out = GresOut::new(name, type_, indices, index_count)?;
        let decisions = arg_ref(decisions, "decisions")?;
        out.fill(&decisions.at(index)?.nodes, node, gres, "decision")
    })
}

struct EstimateEntry {
    job: u32,
    display_id: CString,
    partition: CString,
    start: Option<u64>,
    nodes: Vec<CString>,
    reason: Option<CString>,
    description: Option<CString>,
}

/// Expected starts of pending jobs, as `squeue --start` shows them, in expected-start
/// order (jobs with no estimate last).
///
/// Made by hpcsched_scheduler_estimates and released with hpcsched_estimates_free. It is a
/// snapshot of the last scheduling pass and does not refer to the scheduler.
pub struct hpcsched_estimates {
    items: Vec<EstimateEntry>,
}

impl hpcsched_estimates {
    pub(crate) fn new(estimates: &[Estimate]) -> Self {
        Self {
            items: estimates
                .iter()
                .map(|e| EstimateEntry {
                    job: e.job.0,
                    display_id: c_string(&e.display_id),
                    partition: c_string(&e.partition),
                    start: e.start.map(|t| t.0),
                    nodes: e.nodes.iter().map(|n| c_string(n)).collect(),
                    reason: reason_string(e.reason.as_ref()),
                    description: e.description.as_deref().map(c_string),
                })
                .collect(),
        }
    }

    fn at(&self, index: usize) -> Result<&EstimateEntry, Failure> {
        item(&self.items, index, "estimate", "list")
    }
}

/// Releases an estimate list. Passing NULL does nothing. Strings borrowed from it become
/// invalid.
#[unsafe(no_mangle)]
pub extern "C" fn hpcsched_estimates_free(estimates: Option<Box<hpcsched_estimates>>) {
    free(estimates);
}

/// Stores the number of estimates in `*out`.
#[unsafe(no_mangle)]
pub extern "C" fn hpcsched_estimates_count(
    estimates: Option<&hpcsched_estimates>,
    out: Option<&mut usize>,
) -> hpcsched_result {
    getter(estimates, "estimates", out, 0, |e| Ok(e.items.len()))
}

/// Stores the job id of estimate `index` (0-based, below hpcsched_estimates_count) in
/// `*out`; an array's pending tasks carry the array job id. Every indexed accessor returns
/// HPCSCHED_RESULT_OUT_OF_RANGE for a bad index.
#[unsafe(no_mangle)]
pub extern "C" fn hpcsched_estimates_job(
    estimates: Option<&hpcsched_estimates>,
    index: usize,
    out: Option<&mut u32>,
) -> hpcsched_result {
    getter(estimates, "estimates", out, 0, |e| Ok(e.at(index)?.job))
}

/// Stores in `*out` the id of estimate `index` as squeue shows it (`42`, or `7_[2-5%2]`
/// for an array's pending tasks). Borrowed from the list.
#[unsafe(no_mangle)]
pub extern "C" fn hpcsched_estimates_display_id(
    estimates: Option<&hpcsched_estimates>,
    index: usize,
    out: Option<&mut *const c_char>,
) -> hpcsched_result {
    getter(estimates, "estimates", out, ptr::null(), |e| {
        Ok(e.at(index)?.display_id.as_ptr())
    })
}

/// Stores in `*out` the partition estimate `index` is planned in. Borrowed from the list.
#[unsafe(no_mangle)]
pub extern "C" fn hpcsched_estimates_partition(
    estimates: Option<&hpcsched_estimates>,
    index: usize,
    out: Option<&mut *const c_char>,
) -> hpcsched_result {
    getter(estimates, "estimates", out, ptr::null(), |e| {
        Ok(e.at(index)?.partition.as_ptr())
    })
}

/// Stores the expected start of estimate `index`: `*has` is false when the job was not
/// planned (squeue's N/A, e.g. it waits on a dependency) and `*start` is then 0; otherwise
/// `*start` is the time in seconds on the host's clock.
#[unsafe(no_mangle)]
pub extern "C" fn hpcsched_estimates_start(
    estimates: Option<&hpcsched_estimates>,
    index: usize,
    start: Option<&mut u64>,
    has: Option<&mut bool>,
) -> hpcsched_result {
    guard(|| {
        let start = out_param(start, "start", 0)?;
        let has = out_param(has, "has", false)?;
        let estimates = arg_ref(estimates, "estimates")?;
        if let Some(t) = estimates.at(index)?.start {
            *start = t;
            *has = true;
        }
        Ok(())
    })
}

/// Stores in `*out` how many nodes estimate `index` is planned on (0 when not planned).
#[unsafe(no_mangle)]
pub extern "C" fn hpcsched_estimates_node_count(
    estimates: Option<&hpcsched_estimates>,
    index: usize,
    out: Option<&mut usize>,
) -> hpcsched_result {
    getter(estimates, "estimates", out, 0, |e| {
        Ok(e.at(index)?.nodes.len())
    })
}

/// Stores in `*out` the name of planned node `node` (below hpcsched_estimates_node_count)
/// of estimate `index`. Borrowed from the list.
#[unsafe(no_mangle)]
pub extern "C" fn hpcsched_estimates_node(
    estimates: Option<&hpcsched_estimates>,
    index: usize,
    node: usize,
    out: Option<&mut *const c_char>,
) -> hpcsched_result {
    getter(estimates, "estimates", out, ptr::null(), |e| {
        Ok(item(&e.at(index)?.nodes, node, "node", "estimate")?.as_ptr())
    })
}

/// Stores in `*out` why the job of estimate `index` is pending, as squeue prints it
/// (`Resources`, `Priority`, `Dependency`...), or NULL when no reason is recorded.
/// Borrowed from the list.
#[unsafe(no_mangle)]
pub extern "C" fn hpcsched_estimates_reason(
    estimates: Option<&hpcsched_estimates>,
    index: usize,
    out: Option<&mut *const c_char>,
) -> hpcsched_result {
    getter(estimates, "estimates", out, ptr::null(), |e| {
        Ok(opt_ptr(e.at(index)?.reason.as_ref()))
    })
}

/// Stores in `*out` the description slurmctld gives with the reason of estimate `index`,
/// which squeue prints in the reason's place (`ReqNodeNotAvail, UnavailableNodes:n2`), or
/// NULL when there is none. Borrowed from the list.
#[unsafe(no_mangle)]
pub extern "C" fn hpcsched_estimates_description(
    estimates: Option<&hpcsched_estimates>,
    index: usize,
    out: Option<&mut *const c_char>,
) -> hpcsched_result {
    getter(estimates, "estimates", out, ptr::null(), |e| {
        Ok(opt_ptr(e.at(index)?.description.as_ref()))
    })
}
