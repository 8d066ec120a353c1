//! The queue as `squeue --start` shows it: every job still in the system, running ones
//! with their nodes, pending ones with their expected start, planned nodes and reason
//! ([`Scheduler::queue`]), and the table squeue prints ([`table`]).
//!
//! The CLI's `simulate --at`, the C accessors and the Python objects all read these rows.

use crate::hostlist::compress;
use crate::job_state::JobState;
use crate::scheduler::Scheduler;
use crate::time::{Duration, Timestamp};
use serde::{Deserialize, Serialize};
use std::fmt::Write as _;

/// The width of squeue's SCHEDNODES column (`%20Y`).
const SCHEDNODES_WIDTH: usize = 20;

/// One job still in the system, as `squeue --start` lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueRow {
    /// The job id (an array's pending tasks carry the array job id).
    pub job: u32,
    /// `JOBID` as squeue prints it: `42`, `7_3`, `7_[2-5]`.
    pub job_id: String,
    /// `PARTITION`: where it runs, or where it is planned.
    pub partition: String,
    /// `NAME`.
    pub name: String,
    /// `USER`.
    pub user: String,
    /// `ST`'s long name (`RUNNING`, `PENDING`...).
    pub state: String,
    /// `START_TIME`, seconds: the actual start of a running job, the expected start of a
    /// pending one; `None` (`N/A`) when the pending job is not planned.
    pub start_time: Option<u64>,
    /// `NODES`: a running job's nodes, a pending job's requested minimum.
    pub nodes: u32,
    /// `NODELIST`: a running job's nodes, as a hostlist.
    pub nodelist: Option<String>,
    /// `SCHEDNODES`: a pending job's planned nodes, as a hostlist.
    pub sched_nodes: Option<String>,
    /// `REASON`: why a pending job waits, as squeue's `%r` prints it.
    pub reason: Option<String>,
}

impl QueueRow {
    /// `ST`: squeue's short state code (`R`, `PD`...).
    ///
    /// ```
    /// # let row: hpcsched::squeue::QueueRow = serde_json::from_str(r#"{"job":1,"job_id":"1","partition":"p","name":"","user":"u","state":"PENDING","start_time":null,"nodes":1,"nodelist":null,"sched_nodes":null,"reason":"Priority"}"#).unwrap();
    /// assert_eq!(row.state_code(), "PD");
    /// ```
    #[must_use]
    pub fn state_code(&self) -> &'static str {
        self.state.parse::<JobState>().map_or("", JobState::code)
    }

    fn pending(&self) -> bool {
        self.state == JobState::Pending.name()
    }
}

impl Scheduler {
    /// Every job still in the system: running (and suspended) jobs by start time, then the
    /// pending ones in expected-start order (no estimate last), as the last pass left them.
    ///
    /// ```
    /// use hpcsched::sbatch::parse_args;
    /// use hpcsched::{Cluster, Scheduler, Timestamp};
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let cluster = Cluster::from_slurm_conf("NodeName=n1 CPUs=2\nPartitionName=p Nodes=n1 Default=YES\n")?;
    /// let mut s = Scheduler::new(cluster);
    /// s.submit(&parse_args(&["-n2", "-t", "10"])?, "alice", Timestamp(0))?;
    /// s.submit(&parse_args(&["-n2", "-t", "10"])?, "bob", Timestamp(0))?;
    /// s.schedule(Timestamp(0));
    /// let q = s.queue();
    /// assert_eq!((q[0].state.as_str(), q[0].nodelist.as_deref()), ("RUNNING", Some("n1")));
    /// assert_eq!((q[1].start_time, q[1].reason.as_deref()), (Some(600), Some("Resources")));
    /// # Ok(())
    /// # }
    /// ```
    #[must_use]
    pub fn queue(&self) -> Vec<QueueRow> {
        let mut running: Vec<_> = self
            .jobs()
            .filter(|j| j.state() != JobState::Pending && !j.state().is_finished())
            .collect();
        running.sort_by_key(|j| (j.start_time(), j.id()));
        let mut rows: Vec<QueueRow> = running
            .iter()
            .map(|j| {
                let nodes: Vec<&str> = j.allocation().iter().map(|a| a.node.as_str()).collect();
                QueueRow {
                    job: j.id().0,
                    job_id: j.display_id(),
                    partition: j.partition().unwrap_or_default().to_owned(),
                    name: j.name().to_owned(),
                    user: j.user().to_owned(),
                    state: j.state().name().to_owned(),
                    start_time: j.start_time().map(Timestamp::as_secs),
                    nodes: nodes.len() as u32,
                    nodelist: Some(compress(&nodes)),
                    sched_nodes: None,
                    reason: None,
                }
            })
            .collect();
        for e in self.estimates() {
            let job = self.job(e.job);
            rows.push(QueueRow {
                job: e.job.0,
                job_id: e.display_id.clone(),
                partition: e.partition.clone(),
                name: job.map(|j| j.name().to_owned()).unwrap_or_default(),
                user: job.map(|j| j.user().to_owned()).unwrap_or_default(),
                state: JobState::Pending.name().to_owned(),
                start_time: e.start.map(Timestamp::as_secs),
                nodes: job.map_or(0, |j| j.resolved().min_nodes()),
                nodelist: None,
                sched_nodes: (!e.nodes.is_empty()).then(|| compress(&e.nodes)),
                reason: Some(e.reason_text().to_owned()),
            });
        }
        rows
    }
}

/// squeue's rendering of an unset string.
fn or_null(s: &str) -> String {
    if s.is_empty() {
        "(null)".to_owned()
    } else {
        s.to_owned()
    }
}

/// `rows` as squeue prints them: right-aligned like squeue's `%.18i` fields, SCHEDNODES
/// and NODELIST(REASON) left-aligned, `(null)` where squeue shows it; START_TIME is the
/// instant in seconds with its clock (`3600 (01:00:00)`).
///
/// ```
/// use hpcsched::sbatch::parse_args;
/// use hpcsched::{Cluster, Scheduler, Timestamp};
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let cluster = Cluster::from_slurm_conf("NodeName=n1 CPUs=2\nPartitionName=p Nodes=n1 Default=YES\n")?;
/// let mut s = Scheduler::new(cluster);
/// s.submit(&parse_args(&["-n2", "-t", "10", "-J", "a"])?, "alice", Timestamp(0))?;
/// s.schedule(Timestamp(0));
/// let text = hpcsched::squeue::table(&s.queue());
/// assert_eq!(text.lines().nth(1), Some("    1         p    a alice  R 0 (00:00:00)     1 (null)               n1"));
/// # Ok(())
/// # }
/// ```
#[must_use]
pub fn table(rows: &[QueueRow]) -> String {
    let header = [
        "JOBID",
        "PARTITION",
        "NAME",
        "USER",
        "ST",
        "START_TIME",
        "NODES",
        "SCHEDNODES",
        "NODELIST(REASON)",
    ];
    let cells: Vec<[String; 9]> = rows
        .iter()
        .map(|r| {
            [
                r.job_id.clone(),
                r.partition.clone(),
                or_null(&r.name),
                or_null(&r.user),
                r.state_code().to_owned(),
                r.start_time.map_or_else(
                    || "N/A".to_owned(),
                    |t| format!("{t} ({})", Duration::from_secs(t)),
                ),
                r.nodes.to_string(),
                r.sched_nodes.clone().unwrap_or_else(|| "(null)".into()),
                match (&r.nodelist, &r.reason) {
                    (Some(nodes), _) => nodes.clone(),
                    (None, Some(reason)) => format!("({reason})"),
                    (None, None) => String::new(),
                },
            ]
        })
        .collect();
    // The first seven columns are as wide as their widest cell; SCHEDNODES is squeue's
    // `%20Y` (at least 20 wide, a longer list pushes the reason right).
    let mut widths = header.map(str::len);
    widths[7] = SCHEDNODES_WIDTH;
    for row in &cells {
        for (w, c) in widths.iter_mut().zip(row).take(7) {
            *w = (*w).max(c.chars().count());
        }
    }
    let mut out = String::new();
    let mut line = |cells: [&str; 9]| {
        let mut l = String::new();
        for (i, (c, w)) in cells.iter().zip(widths).enumerate() {
            if i > 0 {
                l.push(' ');
            }
            if i >= 7 {
                let _ = write!(l, "{c:<w$}");
            } else {
                let _ = write!(l, "{c:>w$}");
            }
        }
        let _ = writeln!(out, "{}", l.trim_end());
    };
    line(header);
    for row in &cells {
        line(row.each_ref().map(String::as_str));
    }
    out
}

/// How many rows of `rows` are running (not pending).
///
/// ```
/// assert_eq!(hpcsched::squeue::running(&[]), 0);
/// ```
#[must_use]
pub fn running(rows: &[QueueRow]) -> usize {
    rows.iter().filter(|r| !r.pending()).count()
}
