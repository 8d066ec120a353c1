//! The queue as `squeue --start` shows it, for C: the list handle (`hpcsched_queue`, from a
//! scheduler or a replay) and its row struct (`hpcsched_queue_row`), built from the core's
//! `hpcsched::squeue::QueueRow` field by field.

use crate::boundary::{
    arg_ref, c_string, free, getter, guard, hpcsched_result, item, make, out_param,
};
use crate::scheduler::hpcsched_scheduler;
use hpcsched::squeue::QueueRow;
use std::ffi::{CString, c_char};
use std::mem::MaybeUninit;
use std::ptr;

/// One job still in the system, as `squeue --start` lists it.
///
/// Filled by hpcsched_queue_get. The strings point into the list and stay valid until it
/// (or the replay that lends it) is released. `nodelist` is NULL for a pending job,
/// `sched_nodes` and `reason` are NULL for a running one (and `sched_nodes` for a pending
/// job that is not planned); `has_start_time` is false (N/A) for a pending job that is not
/// planned, and `start_time` then reads 0.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct hpcsched_queue_row {
    /// The job id (an array's pending tasks carry the array job id).
    pub job: u32,
    /// JOBID as squeue prints it: `42`, `7_3`, `7_[2-5]`.
    pub job_id: *const c_char,
    /// Where the job runs, or where it is planned.
    pub partition: *const c_char,
    /// NAME (empty when not given).
    pub name: *const c_char,
    /// USER.
    pub user: *const c_char,
    /// The state's long name (`RUNNING`, `PENDING`...).
    pub state: *const c_char,
    /// ST, squeue's short code (`R`, `PD`...).
    pub state_code: *const c_char,
    /// Whether START_TIME is known.
    pub has_start_time: bool,
    /// START_TIME, seconds: the actual start of a running job, the expected start of a
    /// pending one.
    pub start_time: u64,
    /// NODES: a running job's nodes, a pending job's requested minimum.
    pub nodes: u32,
    /// NODELIST of a running job, as a hostlist.
    pub nodelist: *const c_char,
    /// SCHEDNODES of a pending job: its planned nodes, as a hostlist.
    pub sched_nodes: *const c_char,
    /// REASON of a pending job, as squeue's `%r` prints it.
    pub reason: *const c_char,
}

impl hpcsched_queue_row {
    /// Every string NULL, every number 0: what a failed read leaves.
    fn empty() -> Self {
        Self {
            job: 0,
            job_id: ptr::null(),
            partition: ptr::null(),
            name: ptr::null(),
            user: ptr::null(),
            state: ptr::null(),
            state_code: ptr::null(),
            has_start_time: false,
            start_time: 0,
            nodes: 0,
            nodelist: ptr::null(),
            sched_nodes: ptr::null(),
            reason: ptr::null(),
        }
    }
}

/// A row with the strings its pointers point into.
struct Entry {
    row: hpcsched_queue_row,
    _strings: Vec<CString>,
}

impl From<QueueRow> for Entry {
    fn from(row: QueueRow) -> Self {
        let state_code = row.state_code();
        // No `..`: a column added to the core's row stops this compiling until C shows it.
        let QueueRow {
            job,
            job_id,
            partition,
            name,
            user,
            state,
            start_time,
            nodes,
            nodelist,
            sched_nodes,
            reason,
        } = row;
        let mut strings = Vec::with_capacity(9);
        let mut lend = |s: &str| {
            let s = c_string(s);
            let p = s.as_ptr();
            strings.push(s);
            p
        };
        let row = hpcsched_queue_row {
            job,
            job_id: lend(&job_id),
            partition: lend(&partition),
            name: lend(&name),
            user: lend(&user),
            state: lend(&state),
            state_code: lend(state_code),
            has_start_time: start_time.is_some(),
            start_time: start_time.unwrap_or(0),
            nodes,
            nodelist: nodelist.as_deref().map_or(ptr::null(), &mut lend),
            sched_nodes: sched_nodes.as_deref().map_or(ptr::null(), &mut lend),
            reason: reason.as_deref().map_or(ptr::null(), &mut lend),
        };
        Entry {
            row,
            _strings: strings,
        }
    }
}

/// The queue (hpcsched_queue_row): running jobs by start time, then pending ones in
/// expected-start order (unplanned last), as the last pass left them.
///
/// Made by hpcsched_scheduler_queue and released with hpcsched_queue_free, or lent by
/// hpcsched_replay_queue (released with the replay). A snapshot: it does not refer to the
/// scheduler.
pub struct hpcsched_queue {
    items: Vec<Entry>,
}

impl hpcsched_queue {
    pub(crate) fn new(rows: impl IntoIterator<Item = QueueRow>) -> Self {
        Self {
            items: rows.into_iter().map(Entry::from).collect(),
        }
    }
}

/// Stores in `*out` the queue as `squeue --start` shows it after the last pass. The caller
/// owns the list and releases it with hpcsched_queue_free.
#[unsafe(no_mangle)]
pub extern "C" fn hpcsched_scheduler_queue(
    scheduler: Option<&hpcsched_scheduler>,
    out: Option<&mut MaybeUninit<Option<Box<hpcsched_queue>>>>,
) -> hpcsched_result {
    make(out, || {
        let scheduler = arg_ref(scheduler, "scheduler")?;
        Ok(hpcsched_queue::new(scheduler.inner.queue()))
    })
}

/// Releases a queue from hpcsched_scheduler_queue. Passing NULL does nothing. (A queue
/// lent by a replay is released with it.)
#[unsafe(no_mangle)]
pub extern "C" fn hpcsched_queue_free(queue: Option<Box<hpcsched_queue>>) {
    free(queue);
}

/// Stores the number of rows in `*out`.
#[unsafe(no_mangle)]
pub extern "C" fn hpcsched_queue_count(
    queue: Option<&hpcsched_queue>,
    out: Option<&mut usize>,
) -> hpcsched_result {
    getter(queue, "queue", out, 0, |q| Ok(q.items.len()))
}

/// Fills `*out` with row `index` (0-based, below hpcsched_queue_count). A bad index gives
/// HPCSCHED_RESULT_OUT_OF_RANGE; on any failure `*out` is all NULL / 0 / false.
#[unsafe(no_mangle)]
pub extern "C" fn hpcsched_queue_get(
    queue: Option<&hpcsched_queue>,
    index: usize,
    out: Option<&mut hpcsched_queue_row>,
) -> hpcsched_result {
    guard(|| {
        let out = out_param(out, "out", hpcsched_queue_row::empty())?;
        let queue = arg_ref(queue, "queue")?;
        *out = item(&queue.items, index, "row", "queue")?.row;
        Ok(())
    })
}
