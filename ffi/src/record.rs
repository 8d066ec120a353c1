//! Job accounting records for C: the list handle (`hpcsched_records`, from a scheduler or a
//! replay) and its row struct (`hpcsched_record`), built from the core's one exported row,
//! `hpcsched::record::RecordRow`, field by field, and the record's `restarts`.

use crate::boundary::{arg_ref, c_string, free, getter, guard, hpcsched_result, item, out_param};
use hpcsched::JobRecord;
use hpcsched::record::RecordRow;
use std::ffi::{CString, c_char};
use std::ptr;
use std::sync::OnceLock;

/// One job's accounting record, as sacct shows it: the columns of the CLI's `--records`
/// CSV (hpcsched_record_column), in that order, then `restarts`.
///
/// Filled by hpcsched_records_get. The strings point into the list the record was read
/// from and stay valid until that list (or the replay that lends it) is released; they are
/// never NULL except `account`. A value that does not apply has its `has_` flag false and
/// reads 0 (the CSV's empty field, JSON's null): `has_eligible`, `has_start`, `has_end`,
/// `has_wait`, and `has_time_limit` (false for an UNLIMITED job).
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct hpcsched_record {
    /// The job id (an array's pending tasks carry the array job id).
    pub job: u32,
    /// sacct's JobID: `42`, `7_3` for an array task, `7_[2-5]` for an array's tasks that
    /// have not started.
    pub display_id: *const c_char,
    /// JobName (`--job-name`, empty when not given).
    pub name: *const c_char,
    /// The user who submitted the job.
    pub user: *const c_char,
    /// The account, or NULL when none was given.
    pub account: *const c_char,
    /// Where the job ran, or the partition it waits for.
    pub partition: *const c_char,
    /// State as Slurm names it (`PENDING`, `RUNNING`, `COMPLETED`, `FAILED`, `TIMEOUT`...).
    pub state: *const c_char,
    /// The exit status (the first number of sacct's ExitCode): 0 until the job ends.
    pub exit_code: i32,
    /// Submit time, seconds on the host's clock.
    pub submit: u64,
    /// Whether the job was found eligible (false: sacct's `Unknown`, e.g. while it waits
    /// on a dependency or a begin time).
    pub has_eligible: bool,
    /// Eligible time, seconds (0 without `has_eligible`).
    pub eligible: u64,
    /// Whether the job started.
    pub has_start: bool,
    /// Start time, seconds (0 without `has_start`).
    pub start: u64,
    /// Whether the job ended.
    pub has_end: bool,
    /// End time, seconds (0 without `has_end`).
    pub end: u64,
    /// Whether the job started (the wait is known).
    pub has_wait: bool,
    /// Start − submit, seconds (0 without `has_wait`).
    pub wait: u64,
    /// Elapsed seconds: end (or the instant the list was taken, while the job runs) minus
    /// start; 0 when it never started.
    pub elapsed: u64,
    /// Whether the job has a time limit (false: UNLIMITED).
    pub has_time_limit: bool,
    /// The time limit in seconds (0 without `has_time_limit`).
    pub time_limit: u64,
    /// NodeList as a Slurm hostlist (`n[1-3]`), empty when the job never started.
    pub nodes: *const c_char,
    /// AllocCPUS: the CPUs of the allocation summed over its nodes.
    pub alloc_cpus: u64,
    /// AllocTRES in sacct's form and order (`cpu=4,mem=8192M,node=1,gres/gpu=2`), empty
    /// when the job never started.
    pub alloc_tres: *const c_char,
    /// Restarts: how many times the job had been requeued before this run (0 for a job
    /// never requeued). A job requeued by preemption has one record per run, by start
    /// time: its ended runs in state PREEMPTED, then its latest. Not a record column
    /// (hpcsched_record_column): the CLI's CSV does not have it.
    pub restarts: u32,
}

impl hpcsched_record {
    /// Every string NULL, every number 0, every flag false: what a failed read leaves.
    pub(crate) fn empty() -> Self {
        Self {
            job: 0,
            display_id: ptr::null(),
            name: ptr::null(),
            user: ptr::null(),
            account: ptr::null(),
            partition: ptr::null(),
            state: ptr::null(),
            exit_code: 0,
            submit: 0,
            has_eligible: false,
            eligible: 0,
            has_start: false,
            start: 0,
            has_end: false,
            end: 0,
            has_wait: false,
            wait: 0,
            elapsed: 0,
            has_time_limit: false,
            time_limit: 0,
            nodes: ptr::null(),
            alloc_cpus: 0,
            alloc_tres: ptr::null(),
            restarts: 0,
        }
    }
}

/// A record with the strings its pointers point into (a `CString`'s bytes do not move when
/// the `CString` does).
struct Entry {
    row: hpcsched_record,
    _strings: Vec<CString>,
}

impl Entry {
    fn new(row: RecordRow) -> Self {
        // No `..`: a column added to the core's row stops this compiling until C shows it.
        let RecordRow {
            job,
            display_id,
            name,
            user,
            account,
            partition,
            state,
            exit_code,
            submit,
            eligible,
            start,
            end,
            wait,
            elapsed,
            time_limit,
            nodes,
            alloc_cpus,
            alloc_tres,
            restarts,
        } = row;
        let mut strings = Vec::with_capacity(8);
        let mut lend = |s: &str| {
            let s = c_string(s);
            let p = s.as_ptr();
            strings.push(s);
            p
        };
        let row = hpcsched_record {
            job,
            display_id: lend(&display_id),
            name: lend(&name),
            user: lend(&user),
            account: account.as_deref().map_or(ptr::null(), &mut lend),
            partition: lend(&partition),
            state: lend(&state),
            exit_code,
            submit,
            has_eligible: eligible.is_some(),
            eligible: eligible.unwrap_or(0),
            has_start: start.is_some(),
            start: start.unwrap_or(0),
            has_end: end.is_some(),
            end: end.unwrap_or(0),
            has_wait: wait.is_some(),
            wait: wait.unwrap_or(0),
            elapsed,
            has_time_limit: time_limit.is_some(),
            time_limit: time_limit.unwrap_or(0),
            nodes: lend(&nodes),
            alloc_cpus,
            alloc_tres: lend(&alloc_tres),
            restarts,
        };
        Entry {
            row,
            _strings: strings,
        }
    }
}

/// A list of job records (hpcsched_record).
///
/// Made by hpcsched_scheduler_records (every job, by job id) and released with
/// hpcsched_records_free, or lent by hpcsched_replay_records (in the order jobs left the
/// system; released with the replay). It is a snapshot and does not refer to the scheduler.
#[derive(Default)]
pub struct hpcsched_records {
    items: Vec<Entry>,
}

impl hpcsched_records {
    pub(crate) fn new<'a>(records: impl IntoIterator<Item = &'a JobRecord>) -> Self {
        let mut list = Self::default();
        for r in records {
            list.push(r);
        }
        list
    }

    /// Adds a record at the end.
    pub(crate) fn push(&mut self, r: &JobRecord) {
        self.items.push(Entry::new(RecordRow::from(r)));
    }
}

/// Releases a record list from hpcsched_scheduler_records. Passing NULL does nothing.
/// Strings read from it become invalid. (A list lent by a replay is released with it.)
#[unsafe(no_mangle)]
pub extern "C" fn hpcsched_records_free(records: Option<Box<hpcsched_records>>) {
    free(records);
}

/// Stores the number of records in `*out`.
#[unsafe(no_mangle)]
pub extern "C" fn hpcsched_records_count(
    records: Option<&hpcsched_records>,
    out: Option<&mut usize>,
) -> hpcsched_result {
    getter(records, "records", out, 0, |l| Ok(l.items.len()))
}

/// Fills `*out` with record `index` (0-based, below hpcsched_records_count). A bad index
/// gives HPCSCHED_RESULT_OUT_OF_RANGE; on any failure `*out` is all NULL / 0 / false.
#[unsafe(no_mangle)]
pub extern "C" fn hpcsched_records_get(
    records: Option<&hpcsched_records>,
    index: usize,
    out: Option<&mut hpcsched_record>,
) -> hpcsched_result {
    guard(|| {
        let out = out_param(out, "out", hpcsched_record::empty())?;
        let records = arg_ref(records, "records")?;
        *out = item(&records.items, index, "record", "list")?.row;
        Ok(())
    })
}

/// The columns of a record, in order, as C strings.
fn columns() -> &'static [CString] {
    static COLUMNS: OnceLock<Vec<CString>> = OnceLock::new();
    COLUMNS.get_or_init(|| RecordRow::COLUMNS.iter().map(|c| c_string(c)).collect())
}

/// The number of record columns: the fields of hpcsched_record that a CSV of records
/// has (each `has_` flag and its value are one column).
#[unsafe(no_mangle)]
pub extern "C" fn hpcsched_record_column_count() -> usize {
    columns().len()
}

/// The name of record column `index` (`job`, `display_id`, ... `alloc_tres`), as the
/// header of the CLI's `--records` CSV has it, or NULL when `index` is not below
/// hpcsched_record_column_count. A static string; never released.
#[unsafe(no_mangle)]
pub extern "C" fn hpcsched_record_column(index: usize) -> *const c_char {
    columns().get(index).map_or(ptr::null(), |c| c.as_ptr())
}
