//! A job's accounting record as every face shows it: one typed row ([`RecordRow`]), its
//! columns defined once ([`RecordRow::COLUMNS`]), and its CSV and JSON-lines writers.
//!
//! The scheduler keeps a [`JobRecord`] per job with typed values (timestamps, states,
//! time limits); a [`RecordRow`] is that record flattened for export: integer seconds,
//! Slurm's state names, `None` where a value does not apply, and the derived `wait`. The
//! CLI's `--records` file, the C accessors and the Python objects and `to_pandas()`
//! columns are all built from it, so a field added here reaches every face (each face
//! takes a row apart field by field, without `..`, and stops compiling until it shows the
//! new field).
//!
//! Times (`submit`, `eligible`, `start`, `end`) are integer seconds on the host's clock;
//! `wait` (start − submit), `elapsed` and `time_limit` are integer seconds. A value that
//! does not apply (never started, no account, `UNLIMITED` time limit) is an empty CSV
//! field and JSON `null`. `state` is Slurm's name (`COMPLETED`), `nodes` a hostlist
//! (`n[1-3,5]`), `alloc_tres` sacct's `AllocTRES`.

use crate::scheduler::JobRecord;
use crate::time::{Duration, Timestamp};
use serde::{Deserialize, Serialize};
use std::io::{self, Write};

/// One value of a [`RecordRow`], for faces that handle the row column by column (CSV, a
/// table of columns).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Cell<'a> {
    /// A whole number.
    Int(i64),
    /// Text.
    Text(&'a str),
    /// No value (a job that never started has no start).
    Null,
}

impl Cell<'_> {
    /// The CSV field: the number or the text, empty for [`Cell::Null`] (unquoted).
    ///
    /// ```
    /// use hpcsched::record::Cell;
    /// assert_eq!(Cell::Int(-3).to_field(), "-3");
    /// assert_eq!(Cell::Null.to_field(), "");
    /// ```
    #[must_use]
    pub fn to_field(&self) -> String {
        match self {
            Cell::Int(n) => n.to_string(),
            Cell::Text(s) => (*s).to_owned(),
            Cell::Null => String::new(),
        }
    }
}

/// A row field's value as a [`Cell`].
trait ToCell {
    fn cell(&self) -> Cell<'_>;
}

impl ToCell for u32 {
    fn cell(&self) -> Cell<'_> {
        Cell::Int(i64::from(*self))
    }
}

impl ToCell for i32 {
    fn cell(&self) -> Cell<'_> {
        Cell::Int(i64::from(*self))
    }
}

impl ToCell for u64 {
    fn cell(&self) -> Cell<'_> {
        // Seconds and CPU counts stay far below i64::MAX; saturate rather than wrap.
        Cell::Int(i64::try_from(*self).unwrap_or(i64::MAX))
    }
}

impl ToCell for String {
    fn cell(&self) -> Cell<'_> {
        Cell::Text(self)
    }
}

impl<T: ToCell> ToCell for Option<T> {
    fn cell(&self) -> Cell<'_> {
        self.as_ref().map_or(Cell::Null, ToCell::cell)
    }
}

/// Defines [`RecordRow`], its column list and its cells from one list of fields.
macro_rules! record_row {
    ($( $(#[doc = $doc:literal])* $field:ident : $ty:ty, )*) => {
        /// A job's accounting record as exported, one field per column of
        /// [`RecordRow::COLUMNS`], in that order.
        ///
        /// ```
        /// use hpcsched::record::RecordRow;
        /// use hpcsched::sbatch::parse_args;
        /// use hpcsched::{Cluster, Scheduler, Timestamp};
        /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
        /// let cluster = Cluster::from_slurm_conf("NodeName=n1 CPUs=4\nPartitionName=p Nodes=n1 Default=YES\n")?;
        /// let mut s = Scheduler::new(cluster);
        /// let id = s.submit(&parse_args(&["-n2", "-t", "10"])?, "alice", Timestamp(5))?;
        /// s.schedule(Timestamp(8));
        /// s.job_finished(id, Timestamp(68), 0)?;
        /// let row = RecordRow::from(&s.records(Timestamp(68))[0]);
        /// assert_eq!((row.state.as_str(), row.wait, row.elapsed), ("COMPLETED", Some(3), 60));
        /// assert_eq!(row.time_limit, Some(600));
        /// # Ok(())
        /// # }
        /// ```
        #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
        pub struct RecordRow {
            $( $(#[doc = $doc])* pub $field: $ty, )*
        }

        impl RecordRow {
            /// The columns, in order: the CSV header, the JSON keys, the Python columns.
            ///
            /// ```
            /// use hpcsched::record::RecordRow;
            /// assert_eq!(RecordRow::COLUMNS[0], "job");
            /// assert!(RecordRow::COLUMNS.contains(&"wait"));
            /// ```
            pub const COLUMNS: &'static [&'static str] = &[$( stringify!($field) ),*];

            /// The row's values, in [`RecordRow::COLUMNS`] order.
            ///
            /// ```
            /// use hpcsched::record::{Cell, RecordRow};
            /// # let row: RecordRow = serde_json::from_str(r#"{"job":1,"display_id":"1","name":"a","user":"u","account":null,"partition":"p","state":"PENDING","exit_code":0,"submit":0,"eligible":null,"start":null,"end":null,"wait":null,"elapsed":0,"time_limit":null,"nodes":"","alloc_cpus":0,"alloc_tres":"","restarts":0}"#).unwrap();
            /// let cells = row.cells();
            /// assert_eq!(cells.len(), RecordRow::COLUMNS.len());
            /// assert_eq!((cells[0], cells[10]), (Cell::Int(1), Cell::Null));
            /// ```
            #[must_use]
            pub fn cells(&self) -> Vec<Cell<'_>> {
                vec![$( ToCell::cell(&self.$field) ),*]
            }
        }
    };
}

record_row! {
    /// The job id.
    job: u32,
    /// `JobID` as sacct prints it: `42`, `7_3`, or `7_[2-5]` for an array's pending tasks.
    display_id: String,
    /// `JobName`.
    name: String,
    /// `User`.
    user: String,
    /// `Account`, if any.
    account: Option<String>,
    /// `Partition`: where it ran, or the one it waits for.
    partition: String,
    /// `State`, as Slurm names it (`COMPLETED`, `PENDING`...).
    state: String,
    /// `ExitCode` (the exit status; 0 until the job ends).
    exit_code: i32,
    /// `Submit`, seconds.
    submit: u64,
    /// `Eligible`, seconds; `None` while it is not eligible.
    eligible: Option<u64>,
    /// `Start`, seconds; `None` if it never started.
    start: Option<u64>,
    /// `End`, seconds; `None` while it is in the system.
    end: Option<u64>,
    /// Start − submit, seconds; `None` if it never started.
    wait: Option<u64>,
    /// `Elapsed`: end (or the record's instant) − start, seconds.
    elapsed: u64,
    /// `Timelimit`, seconds; `None` for `UNLIMITED`.
    time_limit: Option<u64>,
    /// `NodeList`, as a hostlist (empty if it never started).
    nodes: String,
    /// `AllocCPUS`: CPUs of the allocation summed over its nodes.
    alloc_cpus: u64,
    /// `AllocTRES`: `cpu=N,mem=NM,node=N,gres/gpu=N`, empty if it never started.
    alloc_tres: String,
    /// `Restarts`: how many times the job was requeued before this run.
    restarts: u32,
}

impl From<&JobRecord> for RecordRow {
    fn from(r: &JobRecord) -> Self {
        RecordRow {
            job: r.job.0,
            display_id: r.display_id.clone(),
            name: r.name.clone(),
            user: r.user.clone(),
            account: r.account.clone(),
            partition: r.partition.clone(),
            state: r.state.name().to_owned(),
            exit_code: r.exit_code,
            submit: r.submit.as_secs(),
            eligible: r.eligible.map(Timestamp::as_secs),
            start: r.start.map(Timestamp::as_secs),
            end: r.end.map(Timestamp::as_secs),
            wait: r.start.map(|s| s.duration_since(r.submit).as_secs()),
            elapsed: r.elapsed.as_secs(),
            time_limit: r.time_limit.duration().map(Duration::as_secs),
            nodes: r.nodes.clone(),
            alloc_cpus: r.alloc_cpus,
            alloc_tres: r.alloc_tres.clone(),
            restarts: r.restarts,
        }
    }
}

impl RecordRow {
    /// The CSV line, newline included.
    fn csv_line(&self) -> String {
        let fields: Vec<String> = self.cells().iter().map(Cell::to_field).collect();
        csv_join(fields.iter().map(String::as_str))
    }
}

/// `fields` as one CSV line ending in `\n`, each quoted as RFC 4180 requires: a field with
/// a comma, a double quote, CR or LF is enclosed in double quotes, its quotes doubled.
fn csv_join<'a>(fields: impl IntoIterator<Item = &'a str>) -> String {
    let mut line = String::new();
    for (i, field) in fields.into_iter().enumerate() {
        if i > 0 {
            line.push(',');
        }
        if field.contains([',', '"', '\r', '\n']) {
            line.push('"');
            line.push_str(&field.replace('"', "\"\""));
            line.push('"');
        } else {
            line.push_str(field);
        }
    }
    line.push('\n');
    line
}

/// Writes records as CSV as they come: the header ([`RecordRow::COLUMNS`]) when created,
/// then one line per record. Fields are quoted per RFC 4180 (node lists such as
/// `n[1-3,5]` contain commas); lines end in `\n`. Each record is one `write_all`; wrap a
/// file in a [`std::io::BufWriter`].
///
/// ```
/// use hpcsched::record::CsvWriter;
/// use hpcsched::sbatch::parse_args;
/// use hpcsched::{Cluster, Scheduler, Timestamp};
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let cluster = Cluster::from_slurm_conf("NodeName=n[1-3] CPUs=2\nPartitionName=p Nodes=n[1-3] Default=YES\n")?;
/// let mut s = Scheduler::new(cluster);
/// let id = s.submit(&parse_args(&["-n4", "-J", "a,b", "-t", "5"])?, "alice", Timestamp(10))?;
/// s.schedule(Timestamp(12));
/// s.job_finished(id, Timestamp(70), 0)?;
/// let mut csv = CsvWriter::new(Vec::new())?;
/// for record in s.records(Timestamp(70)) {
///     csv.write_record(&record)?;
/// }
/// let text = String::from_utf8(csv.into_inner())?;
/// let mut lines = text.lines();
/// assert!(lines.next().unwrap().starts_with("job,display_id,name,user,"));
/// assert_eq!(
///     lines.next().unwrap(),
///     "1,1,\"a,b\",alice,,p,COMPLETED,0,10,12,12,70,2,58,300,n[1-2],4,\"cpu=4,mem=2M,node=2\",0",
/// );
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
pub struct CsvWriter<W: Write> {
    out: W,
}

impl<W: Write> CsvWriter<W> {
    /// Writes the header line to `out`.
    ///
    /// ```
    /// let csv = hpcsched::record::CsvWriter::new(Vec::new()).unwrap();
    /// assert_eq!(csv.into_inner().iter().filter(|&&b| b == b'\n').count(), 1);
    /// ```
    pub fn new(mut out: W) -> io::Result<Self> {
        out.write_all(csv_join(RecordRow::COLUMNS.iter().copied()).as_bytes())?;
        Ok(Self { out })
    }

    /// Writes one record. See [`CsvWriter`] for an example.
    pub fn write_record(&mut self, record: &JobRecord) -> io::Result<()> {
        self.write_row(&RecordRow::from(record))
    }

    /// Writes one row.
    ///
    /// ```
    /// # let row: hpcsched::record::RecordRow = serde_json::from_str(r#"{"job":1,"display_id":"1","name":"a","user":"u","account":null,"partition":"p","state":"PENDING","exit_code":0,"submit":0,"eligible":null,"start":null,"end":null,"wait":null,"elapsed":0,"time_limit":null,"nodes":"","alloc_cpus":0,"alloc_tres":"","restarts":0}"#).unwrap();
    /// let mut csv = hpcsched::record::CsvWriter::new(Vec::new()).unwrap();
    /// csv.write_row(&row).unwrap();
    /// assert!(csv.into_inner().ends_with(b"\n1,1,a,u,,p,PENDING,0,0,,,,,0,,,0,,0\n"));
    /// ```
    pub fn write_row(&mut self, row: &RecordRow) -> io::Result<()> {
        self.out.write_all(row.csv_line().as_bytes())
    }

    /// Flushes the output.
    ///
    /// ```
    /// let mut csv = hpcsched::record::CsvWriter::new(std::io::sink()).unwrap();
    /// csv.flush().unwrap();
    /// ```
    pub fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }

    /// The output back.
    ///
    /// ```
    /// let csv = hpcsched::record::CsvWriter::new(Vec::new()).unwrap();
    /// assert!(csv.into_inner().starts_with(b"job,"));
    /// ```
    pub fn into_inner(self) -> W {
        self.out
    }
}

/// Writes `records` as CSV: the header, then one line per record (see [`CsvWriter`]).
///
/// ```
/// let mut out = Vec::new();
/// hpcsched::record::write_csv(&[], &mut out).unwrap();
/// assert_eq!(out.iter().filter(|&&b| b == b'\n').count(), 1); // the header alone
/// ```
pub fn write_csv<'a, W: Write>(
    records: impl IntoIterator<Item = &'a JobRecord>,
    out: W,
) -> io::Result<()> {
    let mut csv = CsvWriter::new(out)?;
    for record in records {
        csv.write_record(record)?;
    }
    csv.flush()
}

/// Writes records as JSON lines as they come: one JSON object per record and line, with
/// the keys of [`RecordRow::COLUMNS`] in that order. Wrap a file in a
/// [`std::io::BufWriter`].
///
/// ```
/// use hpcsched::record::JsonLinesWriter;
/// use hpcsched::sbatch::parse_args;
/// use hpcsched::{Cluster, Scheduler, Timestamp};
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let cluster = Cluster::from_slurm_conf("NodeName=n1 CPUs=2\nPartitionName=p Nodes=n1 Default=YES\n")?;
/// let mut s = Scheduler::new(cluster);
/// let id = s.submit(&parse_args(&["-n1", "-t", "5"])?, "alice", Timestamp(0))?;
/// s.cancel(id, Timestamp(3))?; // never started
/// let mut jsonl = JsonLinesWriter::new(Vec::new());
/// jsonl.write_record(&s.records(Timestamp(3))[0])?;
/// let line = String::from_utf8(jsonl.into_inner())?;
/// let v: serde_json::Value = serde_json::from_str(line.trim_end())?;
/// assert_eq!((v["state"].as_str(), v["end"].as_u64()), (Some("CANCELLED"), Some(3)));
/// assert!(v["start"].is_null() && v["wait"].is_null());
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
pub struct JsonLinesWriter<W: Write> {
    out: W,
}

impl<W: Write> JsonLinesWriter<W> {
    /// A writer to `out` (nothing is written yet).
    ///
    /// ```
    /// let w = hpcsched::record::JsonLinesWriter::new(Vec::new());
    /// assert!(w.into_inner().is_empty());
    /// ```
    pub fn new(out: W) -> Self {
        Self { out }
    }

    /// Writes one record as one line. See [`JsonLinesWriter`] for an example.
    pub fn write_record(&mut self, record: &JobRecord) -> io::Result<()> {
        self.write_row(&RecordRow::from(record))
    }

    /// Writes one row as one line.
    ///
    /// ```
    /// # let row: hpcsched::record::RecordRow = serde_json::from_str(r#"{"job":1,"display_id":"1","name":"a","user":"u","account":null,"partition":"p","state":"PENDING","exit_code":0,"submit":0,"eligible":null,"start":null,"end":null,"wait":null,"elapsed":0,"time_limit":null,"nodes":"","alloc_cpus":0,"alloc_tres":"","restarts":0}"#).unwrap();
    /// let mut w = hpcsched::record::JsonLinesWriter::new(Vec::new());
    /// w.write_row(&row).unwrap();
    /// assert!(w.into_inner().starts_with(b"{\"job\":1,"));
    /// ```
    pub fn write_row(&mut self, row: &RecordRow) -> io::Result<()> {
        let mut line = serde_json::to_vec(row)?;
        line.push(b'\n');
        self.out.write_all(&line)
    }

    /// Flushes the output.
    ///
    /// ```
    /// let mut w = hpcsched::record::JsonLinesWriter::new(std::io::sink());
    /// w.flush().unwrap();
    /// ```
    pub fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }

    /// The output back.
    ///
    /// ```
    /// let w = hpcsched::record::JsonLinesWriter::new(vec![1u8]);
    /// assert_eq!(w.into_inner(), vec![1u8]);
    /// ```
    pub fn into_inner(self) -> W {
        self.out
    }
}

/// Writes `records` as JSON lines (see [`JsonLinesWriter`]).
///
/// ```
/// let mut out = Vec::new();
/// hpcsched::record::write_json_lines(&[], &mut out).unwrap();
/// assert!(out.is_empty());
/// ```
pub fn write_json_lines<'a, W: Write>(
    records: impl IntoIterator<Item = &'a JobRecord>,
    out: W,
) -> io::Result<()> {
    let mut jsonl = JsonLinesWriter::new(out);
    for record in records {
        jsonl.write_record(record)?;
    }
    jsonl.flush()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::job_id::JobId;
    use crate::job_state::JobState;
    use crate::time::TimeLimit;

    #[test]
    fn csv_quoting_follows_rfc_4180() {
        assert_eq!(csv_join(["a", "b"]), "a,b\n");
        assert_eq!(
            csv_join(["n[1-3,5]", "say \"hi\"", "x\ny", "cr\r", ""]),
            "\"n[1-3,5]\",\"say \"\"hi\"\"\",\"x\ny\",\"cr\r\",\n"
        );
    }

    #[test]
    fn csv_row_of_a_record() {
        let r = JobRecord {
            job: JobId(7),
            display_id: "7".into(),
            name: "job7".into(),
            user: "alice".into(),
            account: Some("phys".into()),
            partition: "p1".into(),
            state: JobState::Timeout,
            exit_code: 0,
            submit: Timestamp(10),
            eligible: Some(Timestamp(10)),
            start: Some(Timestamp(25)),
            end: Some(Timestamp(85)),
            elapsed: Duration::from_secs(60),
            time_limit: TimeLimit::Unlimited,
            nodes: "n[1-3,5]".into(),
            alloc_cpus: 3,
            alloc_tres: "cpu=3,mem=3M,node=4".into(),
            restarts: 0,
            requeued: false,
        };
        assert_eq!(
            RecordRow::from(&r).csv_line(),
            "7,7,job7,alice,phys,p1,TIMEOUT,0,10,10,25,85,15,60,,\"n[1-3,5]\",3,\"cpu=3,mem=3M,node=4\",0\n"
        );
    }

    #[test]
    fn json_keys_are_the_columns_in_order() {
        let row = RecordRow {
            job: 1,
            display_id: "1".into(),
            name: String::new(),
            user: "u".into(),
            account: None,
            partition: "p".into(),
            state: "PENDING".into(),
            exit_code: 0,
            submit: 0,
            eligible: None,
            start: None,
            end: None,
            wait: None,
            elapsed: 0,
            time_limit: None,
            nodes: String::new(),
            alloc_cpus: 0,
            alloc_tres: String::new(),
            restarts: 0,
        };
        let text = serde_json::to_string(&row).unwrap_or_default();
        let mut at = 0;
        for col in RecordRow::COLUMNS {
            let key = format!("\"{col}\":");
            let found = text.get(at..).and_then(|t| t.find(&key));
            assert!(found.is_some(), "{col} after byte {at} in {text}");
            at += found.unwrap_or(0) + key.len();
        }
        assert_eq!(row.cells().len(), RecordRow::COLUMNS.len());
    }
}
