//! What a scheduling pass hands back to C: the decision list and the estimate list (both
//! snapshots the caller owns), and the per-node allocation view shared with job snapshots.

use crate::error::{
    Failure, arg_ref, c_string, free_box, getter, guard, hpcsched_result, item, out_param,
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

pub(crate) fn opt_ptr(s: Option<&CString>) -> *const c_char {
    s.map_or(ptr::null(), |s| s.as_ptr())
}

/// Out-params of a node accessor, already cleared.
pub(crate) struct NodeOut<'a> {
    name: &'a mut *const c_char,
    cpus: &'a mut u32,
    memory_mib: &'a mut u64,
    gres_count: &'a mut usize,
}

impl NodeOut<'_> {
    /// Borrows and clears the out-params.
    ///
    /// # Safety
    /// Each pointer is NULL or valid for writing its type for the lifetime of the result.
    pub(crate) unsafe fn new(
        name: *mut *const c_char,
        cpus: *mut u32,
        memory_mib: *mut u64,
        gres_count: *mut usize,
    ) -> Result<Self, Failure> {
        // SAFETY: per this function's contract.
        let out = unsafe {
            NodeOut {
                name: out_param(name, "name")?,
                cpus: out_param(cpus, "cpus")?,
                memory_mib: out_param(memory_mib, "memory_mib")?,
                gres_count: out_param(gres_count, "gres_count")?,
            }
        };
        *out.name = ptr::null();
        *out.cpus = 0;
        *out.memory_mib = 0;
        *out.gres_count = 0;
        Ok(out)
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

impl GresOut<'_> {
    /// Borrows and clears the out-params.
    ///
    /// # Safety
    /// Each pointer is NULL or valid for writing its type for the lifetime of the result.
    pub(crate) unsafe fn new(
        name: *mut *const c_char,
        type_: *mut *const c_char,
        indices: *mut *const u32,
        index_count: *mut usize,
    ) -> Result<Self, Failure> {
        // SAFETY: per this function's contract.
        let out = unsafe {
            GresOut {
                name: out_param(name, "name")?,
                type_: out_param(type_, "type_")?,
                indices: out_param(indices, "indices")?,
                index_count: out_param(index_count, "index_count")?,
            }
        };
        *out.name = ptr::null();
        *out.type_ = ptr::null();
        *out.indices = ptr::null();
        *out.index_count = 0;
        Ok(out)
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
///
/// # Safety
/// `decisions` is NULL or a list from hpcsched_scheduler_schedule not yet released.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hpcsched_decisions_free(decisions: *mut hpcsched_decisions) {
    // SAFETY: the caller's contract above is free_box's.
    unsafe { free_box(decisions) };
}

/// Stores the number of decisions in `*out`.
///
/// # Safety
/// `decisions` is NULL or a live list; `out` is NULL or valid for writing.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hpcsched_decisions_count(
    decisions: *const hpcsched_decisions,
    out: *mut usize,
) -> hpcsched_result {
    // SAFETY: same contract.
    unsafe { getter(decisions, "decisions", out, 0, |d| Ok(d.items.len())) }
}

/// Stores the kind of decision `index` (0-based, below hpcsched_decisions_count) in `*out`.
/// Every indexed accessor returns HPCSCHED_RESULT_OUT_OF_RANGE for a bad index.
///
/// # Safety
/// `decisions` is NULL or a live list; `out` is NULL or valid for writing.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hpcsched_decisions_kind(
    decisions: *const hpcsched_decisions,
    index: usize,
    out: *mut hpcsched_decision_kind,
) -> hpcsched_result {
    // SAFETY: same contract.
    unsafe {
        getter(
            decisions,
            "decisions",
            out,
            hpcsched_decision_kind::Other,
            |d| Ok(d.at(index)?.kind),
        )
    }
}

/// Stores the id of the job decision `index` is about in `*out`.
///
/// # Safety
/// `decisions` is NULL or a live list; `out` is NULL or valid for writing.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hpcsched_decisions_job(
    decisions: *const hpcsched_decisions,
    index: usize,
    out: *mut u32,
) -> hpcsched_result {
    // SAFETY: same contract.
    unsafe { getter(decisions, "decisions", out, 0, |d| Ok(d.at(index)?.job)) }
}

/// Stores in `*out` the partition a START decision runs the job in; NULL for other kinds.
/// The string is borrowed from the list and valid until it is released.
///
/// # Safety
/// `decisions` is NULL or a live list; `out` is NULL or valid for writing a pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hpcsched_decisions_partition(
    decisions: *const hpcsched_decisions,
    index: usize,
    out: *mut *const c_char,
) -> hpcsched_result {
    // SAFETY: same contract.
    unsafe {
        getter(decisions, "decisions", out, ptr::null(), |d| {
            Ok(opt_ptr(d.at(index)?.partition.as_ref()))
        })
    }
}

/// Stores in `*out` the state a STOP or END decision left the job in, as Slurm names it
/// (`TIMEOUT`, `CANCELLED`, `DEADLINE`...); NULL for START. Borrowed from the list.
///
/// # Safety
/// `decisions` is NULL or a live list; `out` is NULL or valid for writing a pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hpcsched_decisions_state(
    decisions: *const hpcsched_decisions,
    index: usize,
    out: *mut *const c_char,
) -> hpcsched_result {
    // SAFETY: same contract.
    unsafe {
        getter(decisions, "decisions", out, ptr::null(), |d| {
            Ok(opt_ptr(d.at(index)?.state.as_ref()))
        })
    }
}

/// Stores in `*out` why an END decision ended the job, in Slurm's words; NULL for other
/// kinds. Borrowed from the list.
///
/// # Safety
/// `decisions` is NULL or a live list; `out` is NULL or valid for writing a pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hpcsched_decisions_reason(
    decisions: *const hpcsched_decisions,
    index: usize,
    out: *mut *const c_char,
) -> hpcsched_result {
    // SAFETY: same contract.
    unsafe {
        getter(decisions, "decisions", out, ptr::null(), |d| {
            Ok(opt_ptr(d.at(index)?.reason.as_ref()))
        })
    }
}

/// Stores in `*out` how many nodes a START decision allocates (0 for other kinds).
///
/// # Safety
/// `decisions` is NULL or a live list; `out` is NULL or valid for writing.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hpcsched_decisions_node_count(
    decisions: *const hpcsched_decisions,
    index: usize,
    out: *mut usize,
) -> hpcsched_result {
    // SAFETY: same contract.
    unsafe {
        getter(decisions, "decisions", out, 0, |d| {
            Ok(d.at(index)?.nodes.len())
        })
    }
}

/// Describes node `node` (0-based, below hpcsched_decisions_node_count) of decision
/// `index`: its name in `*name` (borrowed from the list), the CPUs allocated on it in
/// `*cpus`, the memory in MiB in `*memory_mib` and the number of GRES entries in
/// `*gres_count`.
///
/// # Safety
/// `decisions` is NULL or a live list; the out-params are NULL or valid for writing.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hpcsched_decisions_node(
    decisions: *const hpcsched_decisions,
    index: usize,
    node: usize,
    name: *mut *const c_char,
    cpus: *mut u32,
    memory_mib: *mut u64,
    gres_count: *mut usize,
) -> hpcsched_result {
    guard(|| {
        // SAFETY: per this function's contract.
        let out = unsafe { NodeOut::new(name, cpus, memory_mib, gres_count) }?;
        // SAFETY: per this function's contract.
        let decisions = unsafe { arg_ref(decisions, "decisions") }?;
        out.fill(&decisions.at(index)?.nodes, node, "decision")
    })
}

/// Describes GRES entry `gres` (below the `gres_count` of hpcsched_decisions_node) on node
/// `node` of decision `index`: its name (`gpu`) in `*name`, its type (`a100`) in `*type_`
/// or NULL when untyped, and the device indices given to the job in `*indices` (an array
/// of `*index_count` values, ascending; NULL when there are none). Everything is borrowed
/// from the list.
///
/// # Safety
/// `decisions` is NULL or a live list; the out-params are NULL or valid for writing.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hpcsched_decisions_node_gres(
    decisions: *const hpcsched_decisions,
    index: usize,
    node: usize,
    gres: usize,
    name: *mut *const c_char,
    type_: *mut *const c_char,
    indices: *mut *const u32,
    index_count: *mut usize,
) -> hpcsched_result {
    guard(|| {
        // SAFETY: per this function's contract.
        let out = unsafe { GresOut::new(name, type_, indices, index_count) }?;
        // SAFETY: per this function's contract.
        let decisions = unsafe { arg_ref(decisions, "decisions") }?;
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
///
/// # Safety
/// `estimates` is NULL or a list from hpcsched_scheduler_estimates not yet released.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hpcsched_estimates_free(estimates: *mut hpcsched_estimates) {
    // SAFETY: the caller's contract above is free_box's.
    unsafe { free_box(estimates) };
}

/// Stores the number of estimates in `*out`.
///
/// # Safety
/// `estimates` is NULL or a live list; `out` is NULL or valid for writing.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hpcsched_estimates_count(
    estimates: *const hpcsched_estimates,
    out: *mut usize,
) -> hpcsched_result {
    // SAFETY: same contract.
    unsafe { getter(estimates, "estimates", out, 0, |e| Ok(e.items.len())) }
}

/// Stores the job id of estimate `index` (0-based, below hpcsched_estimates_count) in
/// `*out`; an array's pending tasks carry the array job id. Every indexed accessor returns
/// HPCSCHED_RESULT_OUT_OF_RANGE for a bad index.
///
/// # Safety
/// `estimates` is NULL or a live list; `out` is NULL or valid for writing.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hpcsched_estimates_job(
    estimates: *const hpcsched_estimates,
    index: usize,
    out: *mut u32,
) -> hpcsched_result {
    // SAFETY: same contract.
    unsafe { getter(estimates, "estimates", out, 0, |e| Ok(e.at(index)?.job)) }
}

/// Stores in `*out` the id of estimate `index` as squeue shows it (`42`, or `7_[2-5%2]`
/// for an array's pending tasks). Borrowed from the list.
///
/// # Safety
/// `estimates` is NULL or a live list; `out` is NULL or valid for writing a pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hpcsched_estimates_display_id(
    estimates: *const hpcsched_estimates,
    index: usize,
    out: *mut *const c_char,
) -> hpcsched_result {
    // SAFETY: same contract.
    unsafe {
        getter(estimates, "estimates", out, ptr::null(), |e| {
            Ok(e.at(index)?.display_id.as_ptr())
        })
    }
}

/// Stores in `*out` the partition estimate `index` is planned in. Borrowed from the list.
///
/// # Safety
/// `estimates` is NULL or a live list; `out` is NULL or valid for writing a pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hpcsched_estimates_partition(
    estimates: *const hpcsched_estimates,
    index: usize,
    out: *mut *const c_char,
) -> hpcsched_result {
    // SAFETY: same contract.
    unsafe {
        getter(estimates, "estimates", out, ptr::null(), |e| {
            Ok(e.at(index)?.partition.as_ptr())
        })
    }
}

/// Stores the expected start of estimate `index`: `*has` is false when the job was not
/// planned (squeue's N/A, e.g. it waits on a dependency) and `*start` is then 0; otherwise
/// `*start` is the time in seconds on the host's clock.
///
/// # Safety
/// `estimates` is NULL or a live list; `start` and `has` are NULL or valid for writing.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hpcsched_estimates_start(
    estimates: *const hpcsched_estimates,
    index: usize,
    start: *mut u64,
    has: *mut bool,
) -> hpcsched_result {
    guard(|| {
        // SAFETY: per this function's contract.
        let start = unsafe { out_param(start, "start") }?;
        // SAFETY: per this function's contract.
        let has = unsafe { out_param(has, "has") }?;
        *start = 0;
        *has = false;
        // SAFETY: per this function's contract.
        let estimates = unsafe { arg_ref(estimates, "estimates") }?;
        if let Some(t) = estimates.at(index)?.start {
            *start = t;
            *has = true;
        }
        Ok(())
    })
}

/// Stores in `*out` how many nodes estimate `index` is planned on (0 when not planned).
///
/// # Safety
/// `estimates` is NULL or a live list; `out` is NULL or valid for writing.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hpcsched_estimates_node_count(
    estimates: *const hpcsched_estimates,
    index: usize,
    out: *mut usize,
) -> hpcsched_result {
    // SAFETY: same contract.
    unsafe {
        getter(estimates, "estimates", out, 0, |e| {
            Ok(e.at(index)?.nodes.len())
        })
    }
}

/// Stores in `*out` the name of planned node `node` (below hpcsched_estimates_node_count)
/// of estimate `index`. Borrowed from the list.
///
/// # Safety
/// `estimates` is NULL or a live list; `out` is NULL or valid for writing a pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hpcsched_estimates_node(
    estimates: *const hpcsched_estimates,
    index: usize,
    node: usize,
    out: *mut *const c_char,
) -> hpcsched_result {
    // SAFETY: same contract.
    unsafe {
        getter(estimates, "estimates", out, ptr::null(), |e| {
            Ok(item(&e.at(index)?.nodes, node, "node", "estimate")?.as_ptr())
        })
    }
}

/// Stores in `*out` why the job of estimate `index` is pending, as squeue prints it
/// (`Resources`, `Priority`, `Dependency`...), or NULL when no reason is recorded.
/// Borrowed from the list.
///
/// # Safety
/// `estimates` is NULL or a live list; `out` is NULL or valid for writing a pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hpcsched_estimates_reason(
    estimates: *const hpcsched_estimates,
    index: usize,
    out: *mut *const c_char,
) -> hpcsched_result {
    // SAFETY: same contract.
    unsafe {
        getter(estimates, "estimates", out, ptr::null(), |e| {
            Ok(opt_ptr(e.at(index)?.reason.as_ref()))
        })
    }
}

/// Stores in `*out` the description slurmctld gives with the reason of estimate `index`,
/// which squeue prints in the reason's place (`ReqNodeNotAvail, UnavailableNodes:n2`), or
/// NULL when there is none. Borrowed from the list.
///
/// # Safety
/// `estimates` is NULL or a live list; `out` is NULL or valid for writing a pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hpcsched_estimates_description(
    estimates: *const hpcsched_estimates,
    index: usize,
    out: *mut *const c_char,
) -> hpcsched_result {
    // SAFETY: same contract.
    unsafe {
        getter(estimates, "estimates", out, ptr::null(), |e| {
            Ok(opt_ptr(e.at(index)?.description.as_ref()))
        })
    }
}
