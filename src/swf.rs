//! Reading traces in the Standard Workload Format (SWF) of the Parallel Workloads Archive.
//!
//! An SWF file (PWA `swf.html`, version 2.2) is ASCII text, one job per line, 18
//! whitespace-separated numeric fields per line; `-1` means "unknown / does not apply".
//! Lines starting with `;` are comments; the ones before the first job form the header,
//! `; Key: value` lines describing the machine and the log (`MaxNodes`, `MaxProcs`,
//! `UnixStartTime`, ...). Time fields may be floating point.
//!
//! [`SwfReader`] reads the header when it is created, then yields the jobs one line at a
//! time: memory does not grow with the length of the trace, so a 447,794-job log streams
//! through a few kilobytes of buffer. A malformed job line is an `Err` item naming its line;
//! the reader goes on with the next line. [`open`] reads a file, plain or gzip-compressed
//! (detected by its magic bytes, not by its name).
//!
//! Turning SWF jobs into jobs a simulation replays is [`crate::workload`]'s business.
//!
//! ```
//! use hpcsched::swf::SwfReader;
//! let text = "; MaxNodes: 4\n; MaxProcs: 16\n\
//!             1 0 5 100 8 -1 -1 8 3600 -1 1 3 1 -1 1 -1 -1 -1\n\
//!             2 10.5 -1 20 4 -1 -1 -1 -1 -1 1 -1 -1 -1 -1 -1 -1 -1\n";
//! let mut reader = SwfReader::new(text.as_bytes())?;
//! assert_eq!(reader.header().max_procs(), Some(16));
//! let first = reader.next().unwrap()?;
//! assert_eq!((first.line, first.requested_procs, first.run_time), (3, Some(8), Some(100.0)));
//! let second = reader.next().unwrap()?;
//! assert_eq!((second.submit_time, second.requested_time), (Some(10.5), None));
//! assert!(reader.next().is_none());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use indexmap::IndexMap;
use std::fmt;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::Path;

/// Number of fields on an SWF job line.
pub const FIELD_COUNT: usize = 18;

/// The SWF fields' names, in order (field `n` is `FIELD_NAMES[n - 1]`), as used in error
/// messages.
///
/// ```
/// use hpcsched::swf::FIELD_NAMES;
/// assert_eq!(FIELD_NAMES[7], "requested number of processors");
/// ```
pub const FIELD_NAMES: [&str; FIELD_COUNT] = [
    "job number",
    "submit time",
    "wait time",
    "run time",
    "number of allocated processors",
    "average CPU time used",
    "used memory",
    "requested number of processors",
    "requested time",
    "requested memory",
    "status",
    "user ID",
    "group ID",
    "executable number",
    "queue number",
    "partition number",
    "preceding job number",
    "think time from preceding job",
];

/// A job line longer than this is reported as an error without being kept whole: a file
/// that is not SWF at all (a binary, one huge line) must not make the reader buffer it.
pub const MAX_LINE_LEN: usize = 64 * 1024;

/// Read buffer size for files: large reads keep the decompressor and the line splitter fed.
const BUF: usize = 256 * 1024;

/// How much of an offending line an error keeps.
const ERROR_TEXT_LEN: usize = 200;

/// Header keys whose value is an integer, checked when the header is read so that the
/// typed accessors cannot fail later.
const INTEGER_KEYS: [&str; 9] = [
    "MaxJobs",
    "MaxRecords",
    "MaxNodes",
    "MaxProcs",
    "MaxRuntime",
    "MaxMemory",
    "MaxQueues",
    "MaxPartitions",
    "UnixStartTime",
];

/// Header keys that swf.html (v2.2) defines; any other key is kept and reported by
/// [`SwfHeader::unknown_keys`].
pub const KNOWN_KEYS: [&str; 26] = [
    "Version",
    "Computer",
    "Installation",
    "Acknowledge",
    "Information",
    "Conversion",
    "MaxJobs",
    "MaxRecords",
    "Preemption",
    "UnixStartTime",
    "TimeZone",
    "TimeZoneString",
    "StartTime",
    "EndTime",
    "MaxNodes",
    "MaxProcs",
    "MaxRuntime",
    "MaxMemory",
    "AllowOveruse",
    "MaxQueues",
    "Queues",
    "Queue",
    "MaxPartitions",
    "Partitions",
    "Partition",
    "Note",
];

/// The header of an SWF file: its `; Key: value` comment lines, in file order.
///
/// A key may repeat (`Note`, `Queue`, `Acknowledge`); every value is kept. A header line
/// indented by two or more blanks after the `;` that follows a keyed line continues that
/// value (swf.html's multi-line `Note`s): it is appended to the value after a newline.
/// Comment lines that are neither keyed nor continuations are kept in
/// [`SwfHeader::comments`].
///
/// ```
/// use hpcsched::swf::SwfReader;
/// let text = "; Version: 2.2\n; Note: submit times are\n;       really start times\n\
///             ; Queue: 0 interactive\n; Queue: 1 batch\n; Site: somewhere\n";
/// let reader = SwfReader::new(text.as_bytes())?;
/// let header = reader.header();
/// assert_eq!(header.version(), Some("2.2"));
/// assert_eq!(header.notes(), ["submit times are\nreally start times"]);
/// assert_eq!(header.values("Queue"), ["0 interactive", "1 batch"]);
/// assert_eq!(header.unknown_keys().collect::<Vec<_>>(), ["Site"]);
/// assert_eq!(header.line_count(), 6);
/// # Ok::<(), hpcsched::swf::SwfError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SwfHeader {
    entries: IndexMap<String, Vec<String>>,
    comments: Vec<String>,
    lines: usize,
}

impl SwfHeader {
    /// Every key with its values, in the order the keys first appear.
    ///
    /// ```
    /// use hpcsched::swf::SwfReader;
    /// let reader = SwfReader::new("; MaxNodes: 2\n; Note: a\n; Note: b\n".as_bytes())?;
    /// let keys: Vec<_> = reader.header().entries().map(|(k, v)| (k, v.len())).collect();
    /// assert_eq!(keys, [("MaxNodes", 1), ("Note", 2)]);
    /// # Ok::<(), hpcsched::swf::SwfError>(())
    /// ```
    pub fn entries(&self) -> impl Iterator<Item = (&str, &[String])> {
        self.entries.iter().map(|(k, v)| (k.as_str(), v.as_slice()))
    }

    /// Every value of `key` (exact spelling), in file order; empty if absent.
    ///
    /// ```
    /// use hpcsched::swf::SwfReader;
    /// let reader = SwfReader::new("; Acknowledge: A\n; Acknowledge: B\n".as_bytes())?;
    /// assert_eq!(reader.header().values("Acknowledge"), ["A", "B"]);
    /// assert!(reader.header().values("acknowledge").is_empty());
    /// # Ok::<(), hpcsched::swf::SwfError>(())
    /// ```
    #[must_use]
    pub fn values(&self, key: &str) -> &[String] {
        self.entries.get(key).map_or(&[], Vec::as_slice)
    }

    /// The last value of `key`: a single-valued key given twice means its later line.
    ///
    /// ```
    /// use hpcsched::swf::SwfReader;
    /// let reader = SwfReader::new("; Computer: Intel iPSC/860\n".as_bytes())?;
    /// assert_eq!(reader.header().get("Computer"), Some("Intel iPSC/860"));
    /// assert_eq!(reader.header().get("Installation"), None);
    /// # Ok::<(), hpcsched::swf::SwfError>(())
    /// ```
    #[must_use]
    pub fn get(&self, key: &str) -> Option<&str> {
        self.values(key).last().map(String::as_str)
    }

    /// Header comment lines that are neither `Key: value` lines nor continuations, trimmed.
    ///
    /// ```
    /// use hpcsched::swf::SwfReader;
    /// let reader = SwfReader::new("; converted by hand\n;\n; MaxNodes: 2\n".as_bytes())?;
    /// assert_eq!(reader.header().comments(), ["converted by hand"]);
    /// # Ok::<(), hpcsched::swf::SwfError>(())
    /// ```
    #[must_use]
    pub fn comments(&self) -> &[String] {
        &self.comments
    }

    /// Keys that swf.html does not define ([`KNOWN_KEYS`]), in file order: worth a warning,
    /// never an error.
    ///
    /// ```
    /// use hpcsched::swf::SwfReader;
    /// let reader = SwfReader::new("; MaxNodes: 2\n; Cluster: x\n".as_bytes())?;
    /// assert_eq!(reader.header().unknown_keys().collect::<Vec<_>>(), ["Cluster"]);
    /// # Ok::<(), hpcsched::swf::SwfError>(())
    /// ```
    pub fn unknown_keys(&self) -> impl Iterator<Item = &str> {
        self.entries
            .keys()
            .map(String::as_str)
            .filter(|k| !KNOWN_KEYS.contains(k))
    }

    /// How many lines the header took (comment and blank lines before the first job).
    ///
    /// ```
    /// use hpcsched::swf::SwfReader;
    /// let reader = SwfReader::new("; MaxNodes: 2\n\n;\n1 0 -1 5 1 -1 -1 -1 -1 -1 1 -1 -1 -1 -1 -1 -1 -1\n".as_bytes())?;
    /// assert_eq!(reader.header().line_count(), 3);
    /// # Ok::<(), hpcsched::swf::SwfError>(())
    /// ```
    #[must_use]
    pub fn line_count(&self) -> usize {
        self.lines
    }

    /// An integer key; `INTEGER_KEYS` were checked when the header was read.
    fn integer(&self, key: &str) -> Option<i64> {
        self.get(key).and_then(|v| v.parse().ok())
    }

    /// A count key; a negative value (`-1`, "unknown") reads as absent.
    fn count(&self, key: &str) -> Option<u64> {
        self.integer(key).and_then(|v| u64::try_from(v).ok())
    }

    /// `Version`: the SWF version the file follows (`2`, `2.2`).
    ///
    /// ```
    /// use hpcsched::swf::SwfReader;
    /// assert_eq!(SwfReader::new("; Version: 2\n".as_bytes())?.header().version(), Some("2"));
    /// # Ok::<(), hpcsched::swf::SwfError>(())
    /// ```
    #[must_use]
    pub fn version(&self) -> Option<&str> {
        self.get("Version")
    }

    /// `MaxJobs`: the number of jobs in the original log (a cleaned log may hold fewer).
    ///
    /// ```
    /// use hpcsched::swf::SwfReader;
    /// assert_eq!(SwfReader::new("; MaxJobs: 42264\n".as_bytes())?.header().max_jobs(), Some(42_264));
    /// # Ok::<(), hpcsched::swf::SwfError>(())
    /// ```
    #[must_use]
    pub fn max_jobs(&self) -> Option<u64> {
        self.count("MaxJobs")
    }

    /// `MaxRecords`: lines in the original log (more than `MaxJobs` when partial-execution
    /// records are included).
    ///
    /// ```
    /// use hpcsched::swf::SwfReader;
    /// assert_eq!(SwfReader::new("; MaxRecords: 10\n".as_bytes())?.header().max_records(), Some(10));
    /// # Ok::<(), hpcsched::swf::SwfError>(())
    /// ```
    #[must_use]
    pub fn max_records(&self) -> Option<u64> {
        self.count("MaxRecords")
    }

    /// `MaxNodes`: the machine's node count.
    ///
    /// ```
    /// use hpcsched::swf::SwfReader;
    /// assert_eq!(SwfReader::new("; MaxNodes: 1024\n".as_bytes())?.header().max_nodes(), Some(1024));
    /// # Ok::<(), hpcsched::swf::SwfError>(())
    /// ```
    #[must_use]
    pub fn max_nodes(&self) -> Option<u64> {
        self.count("MaxNodes")
    }

    /// `MaxProcs`: the machine's processor count (more than `MaxNodes` when nodes are SMPs).
    ///
    /// ```
    /// use hpcsched::swf::SwfReader;
    /// assert_eq!(SwfReader::new("; MaxProcs: 8192\n".as_bytes())?.header().max_procs(), Some(8192));
    /// # Ok::<(), hpcsched::swf::SwfError>(())
    /// ```
    #[must_use]
    pub fn max_procs(&self) -> Option<u64> {
        self.count("MaxProcs")
    }

    /// `MaxRuntime`: the longest run time the site allowed, in seconds.
    ///
    /// ```
    /// use hpcsched::swf::SwfReader;
    /// assert_eq!(SwfReader::new("; MaxRuntime: 162754\n".as_bytes())?.header().max_runtime(), Some(162_754));
    /// # Ok::<(), hpcsched::swf::SwfError>(())
    /// ```
    #[must_use]
    pub fn max_runtime(&self) -> Option<u64> {
        self.count("MaxRuntime")
    }

    /// `MaxMemory`: the most memory a processor could use, in KB.
    ///
    /// ```
    /// use hpcsched::swf::SwfReader;
    /// assert_eq!(SwfReader::new("; MaxMemory: 2048\n".as_bytes())?.header().max_memory(), Some(2048));
    /// # Ok::<(), hpcsched::swf::SwfError>(())
    /// ```
    #[must_use]
    pub fn max_memory(&self) -> Option<u64> {
        self.count("MaxMemory")
    }

    /// `MaxQueues`: how many queues the log names.
    ///
    /// ```
    /// use hpcsched::swf::SwfReader;
    /// assert_eq!(SwfReader::new("; MaxQueues: 2\n".as_bytes())?.header().max_queues(), Some(2));
    /// # Ok::<(), hpcsched::swf::SwfError>(())
    /// ```
    #[must_use]
    pub fn max_queues(&self) -> Option<u64> {
        self.count("MaxQueues")
    }

    /// `MaxPartitions`: how many partitions the log names.
    ///
    /// ```
    /// use hpcsched::swf::SwfReader;
    /// assert_eq!(SwfReader::new("; MaxPartitions: 1\n".as_bytes())?.header().max_partitions(), Some(1));
    /// # Ok::<(), hpcsched::swf::SwfError>(())
    /// ```
    #[must_use]
    pub fn max_partitions(&self) -> Option<u64> {
        self.count("MaxPartitions")
    }

    /// `UnixStartTime`: the Unix time of the log's time 0 (submit times are relative to it).
    ///
    /// ```
    /// use hpcsched::swf::SwfReader;
    /// let reader = SwfReader::new("; UnixStartTime: 1272639895\n".as_bytes())?;
    /// assert_eq!(reader.header().unix_start_time(), Some(1_272_639_895));
    /// # Ok::<(), hpcsched::swf::SwfError>(())
    /// ```
    #[must_use]
    pub fn unix_start_time(&self) -> Option<i64> {
        self.integer("UnixStartTime")
    }

    /// `TimeZoneString`: the site's time zone, as a tz database name (`Asia/Tokyo`).
    ///
    /// ```
    /// use hpcsched::swf::SwfReader;
    /// let reader = SwfReader::new("; TimeZoneString: US/Pacific\n".as_bytes())?;
    /// assert_eq!(reader.header().time_zone_string(), Some("US/Pacific"));
    /// # Ok::<(), hpcsched::swf::SwfError>(())
    /// ```
    #[must_use]
    pub fn time_zone_string(&self) -> Option<&str> {
        self.get("TimeZoneString")
    }

    /// `Note` lines, continuation lines joined to their note with newlines.
    ///
    /// ```
    /// use hpcsched::swf::SwfReader;
    /// let reader = SwfReader::new("; Note: one\n;   two\n; Note: three\n".as_bytes())?;
    /// assert_eq!(reader.header().notes(), ["one\ntwo", "three"]);
    /// # Ok::<(), hpcsched::swf::SwfError>(())
    /// ```
    #[must_use]
    pub fn notes(&self) -> &[String] {
        self.values("Note")
    }
}

/// Why an SWF file could not be opened or its header read. Job lines have their own error,
/// [`SwfLineError`], and do not stop the reader.
///
/// ```
/// use hpcsched::swf::{SwfError, SwfReader};
/// let err = SwfReader::new("; MaxNodes: many\n".as_bytes()).unwrap_err();
/// assert_eq!(err.to_string(), "line 1: header `MaxNodes: many`: `many` is not an integer");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SwfError {
    /// The file could not be opened or read.
    #[error("cannot read `{path}`: {message}")]
    Open {
        /// The path as given.
        path: String,
        /// The operating system's message.
        message: String,
    },
    /// Reading the header failed (a truncated or corrupt gzip stream, ...).
    #[error("line {line}: cannot read: {message}")]
    Read {
        /// The 1-based line being read.
        line: usize,
        /// The I/O error's message.
        message: String,
    },
    /// A header key whose value must be an integer (`MaxNodes`, `MaxProcs`, ...) has
    /// another value.
    #[error("line {line}: header `{key}: {value}`: `{value}` is not an integer")]
    HeaderValue {
        /// The 1-based line.
        line: usize,
        /// The key.
        key: String,
        /// The value as written.
        value: String,
    },
}

/// What is wrong with one job line.
///
/// ```
/// use hpcsched::swf::{SwfLineErrorKind, SwfReader};
/// let err = SwfReader::new("1 0 -1 5 1\n".as_bytes())?.next().unwrap().unwrap_err();
/// assert_eq!(err.kind, SwfLineErrorKind::FieldCount { found: 5 });
/// # Ok::<(), hpcsched::swf::SwfError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SwfLineErrorKind {
    /// The line does not have 18 fields.
    FieldCount {
        /// How many it has.
        found: usize,
    },
    /// A field is not a (finite) number.
    NotANumber {
        /// The 1-based field number.
        field: usize,
    },
    /// A field the format defines as an integer holds a fraction.
    NotAnInteger {
        /// The 1-based field number.
        field: usize,
    },
    /// The line is not valid text (UTF-8).
    NotText,
    /// The line is longer than [`MAX_LINE_LEN`] bytes.
    TooLong,
    /// Reading failed (a truncated or corrupt gzip stream); the reader stops after this.
    Io(String),
}

/// A job line the reader could not read, with its 1-based line number and (the start of)
/// its text. The reader goes on with the next line.
///
/// ```
/// use hpcsched::swf::SwfReader;
/// let text = "1 0 -1 5 x -1 -1 -1 -1 -1 1 -1 -1 -1 -1 -1 -1 -1\n1 2 3\n";
/// let errors: Vec<String> = SwfReader::new(text.as_bytes())?
///     .filter_map(|r| r.err().map(|e| e.to_string()))
///     .collect();
/// assert_eq!(errors, [
///     "line 1: `1 0 -1 5 x -1 -1 -1 -1 -1 1 -1 -1 -1 -1 -1 -1 -1`: field 5 (number of allocated processors) `x` is not a number",
///     "line 2: `1 2 3`: expected 18 fields, found 3",
/// ]);
/// # Ok::<(), hpcsched::swf::SwfError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct SwfLineError {
    /// The 1-based line number.
    pub line: usize,
    /// The line (its first 200 characters, `…` marking a cut), trimmed.
    pub text: String,
    /// The offending field's text, for field errors.
    pub value: Option<String>,
    /// What is wrong.
    pub kind: SwfLineErrorKind,
}

impl fmt::Display for SwfLineError {
    /// `line N: `TEXT`: REASON` (`line N: REASON` when no text was read).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.text.is_empty() {
            write!(f, "line {}: {}", self.line, self.reason())
        } else {
            write!(f, "line {}: `{}`: {}", self.line, self.text, self.reason())
        }
    }
}

impl SwfLineError {
    /// Why the line was rejected, in words (the error's text without line and line text).
    ///
    /// ```
    /// use hpcsched::swf::SwfReader;
    /// let err = SwfReader::new("1 2\n".as_bytes())?.next().unwrap().unwrap_err();
    /// assert_eq!(err.reason(), "expected 18 fields, found 2");
    /// # Ok::<(), hpcsched::swf::SwfError>(())
    /// ```
    #[must_use]
    pub fn reason(&self) -> String {
        let name = |field: usize| {
            FIELD_NAMES
                .get(field.wrapping_sub(1))
                .copied()
                .unwrap_or("?")
        };
        let value = self.value.as_deref().unwrap_or("");
        match &self.kind {
            SwfLineErrorKind::FieldCount { found } => {
                format!("expected {FIELD_COUNT} fields, found {found}")
            }
            SwfLineErrorKind::NotANumber { field } => {
                format!("field {field} ({}) `{value}` is not a number", name(*field))
            }
            SwfLineErrorKind::NotAnInteger { field } => {
                format!(
                    "field {field} ({}) `{value}` is not an integer",
                    name(*field)
                )
            }
            SwfLineErrorKind::NotText => "the line is not valid UTF-8 text".to_owned(),
            SwfLineErrorKind::TooLong => format!("the line is longer than {MAX_LINE_LEN} bytes"),
            SwfLineErrorKind::Io(message) => format!("cannot read: {message}"),
        }
    }
}

/// One SWF job line, every field typed. `-1` ("unknown / does not apply") reads as `None`;
/// other values are kept as written, even where they make no sense (the mapping in
/// [`crate::workload`] decides what to do with them). Time fields and the memory fields
/// may be fractional (swf.html allows floating point time values; memory is an average);
/// the others must be integers.
///
/// Renders back to an SWF line with [`fmt::Display`] (unknown fields as `-1`).
///
/// ```
/// use hpcsched::swf::SwfReader;
/// let line = "7 120 30 3600 64 -1 -1 128 7200 -1 1 12 3 -1 1 -1 -1 -1";
/// let job = SwfReader::new(line.as_bytes())?.next().unwrap()?;
/// assert_eq!(job.job_number, 7);
/// assert_eq!((job.allocated_procs, job.requested_procs), (Some(64), Some(128)));
/// assert_eq!((job.user_id, job.executable), (Some(12), None));
/// assert_eq!(job.to_string(), line);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct SwfJob {
    /// The 1-based line of the file this job was read from (not an SWF field).
    pub line: usize,
    /// Field 1: the job number, as written (cleaned logs have gaps).
    pub job_number: i64,
    /// Field 2: submit time, seconds from the log's start (`UnixStartTime`).
    pub submit_time: Option<f64>,
    /// Field 3: wait time in seconds (start − submit), as the real scheduler had it.
    pub wait_time: Option<f64>,
    /// Field 4: run time in seconds (end − start).
    pub run_time: Option<f64>,
    /// Field 5: number of allocated processors.
    pub allocated_procs: Option<i64>,
    /// Field 6: average CPU time used per processor, seconds.
    pub average_cpu_time: Option<f64>,
    /// Field 7: used memory, KB per processor (average).
    pub used_memory: Option<f64>,
    /// Field 8: requested number of processors.
    pub requested_procs: Option<i64>,
    /// Field 9: requested time in seconds (the user's runtime estimate or limit).
    pub requested_time: Option<f64>,
    /// Field 10: requested memory, KB per processor.
    pub requested_memory: Option<f64>,
    /// Field 11: status: 1 completed, 0 failed, 5 cancelled, 2/3/4 partial executions.
    pub status: Option<i64>,
    /// Field 12: user ID (1..number of users).
    pub user_id: Option<i64>,
    /// Field 13: group ID.
    pub group_id: Option<i64>,
    /// Field 14: executable (application) number.
    pub executable: Option<i64>,
    /// Field 15: queue number (0 conventionally means interactive).
    pub queue: Option<i64>,
    /// Field 16: partition number.
    pub partition: Option<i64>,
    /// Field 17: preceding job number (a job that must end before this one is submitted).
    pub preceding_job: Option<i64>,
    /// Field 18: think time from the preceding job, seconds.
    pub think_time: Option<f64>,
}

impl fmt::Display for SwfJob {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fn int(f: &mut fmt::Formatter<'_>, v: Option<i64>) -> fmt::Result {
            write!(f, " {}", v.unwrap_or(-1))
        }
        fn float(f: &mut fmt::Formatter<'_>, v: Option<f64>) -> fmt::Result {
            match v {
                Some(v) => write!(f, " {v}"),
                None => f.write_str(" -1"),
            }
        }
        write!(f, "{}", self.job_number)?;
        float(f, self.submit_time)?;
        float(f, self.wait_time)?;
        float(f, self.run_time)?;
        int(f, self.allocated_procs)?;
        float(f, self.average_cpu_time)?;
        float(f, self.used_memory)?;
        int(f, self.requested_procs)?;
        float(f, self.requested_time)?;
        float(f, self.requested_memory)?;
        int(f, self.status)?;
        int(f, self.user_id)?;
        int(f, self.group_id)?;
        int(f, self.executable)?;
        int(f, self.queue)?;
        int(f, self.partition)?;
        int(f, self.preceding_job)?;
        float(f, self.think_time)
    }
}

/// Reads one line (without its `\n`) into `buf`, keeping at most `MAX_LINE_LEN + 1` bytes
/// of it so a line with no end cannot grow the buffer. Returns `None` at the end of input,
/// else whether the line was cut.
fn read_line_capped<R: BufRead>(input: &mut R, buf: &mut Vec<u8>) -> io::Result<Option<bool>> {
    buf.clear();
    let mut read_any = false;
    let mut cut = false;
    loop {
        let available = match input.fill_buf() {
            Ok(b) => b,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if available.is_empty() {
            return Ok(read_any.then_some(cut));
        }
        read_any = true;
        let (chunk, used, done) = match available.iter().position(|&b| b == b'\n') {
            Some(at) => (&available[..at], at + 1, true),
            None => (available, available.len(), false),
        };
        let room = (MAX_LINE_LEN + 1).saturating_sub(buf.len());
        if chunk.len() > room {
            cut = true;
        }
        buf.extend_from_slice(&chunk[..chunk.len().min(room)]);
        input.consume(used);
        if done {
            return Ok(Some(cut));
        }
    }
}

/// The line with surrounding ASCII blanks (and a `\r` of a CRLF file) removed.
fn trim_bytes(mut s: &[u8]) -> &[u8] {
    while let [first, rest @ ..] = s {
        if first.is_ascii_whitespace() {
            s = rest;
        } else {
            break;
        }
    }
    while let [rest @ .., last] = s {
        if last.is_ascii_whitespace() {
            s = rest;
        } else {
            break;
        }
    }
    s
}

/// `text` cut to its first `ERROR_TEXT_LEN` characters, for error messages.
fn excerpt(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(trim_bytes(bytes));
    match text.char_indices().nth(ERROR_TEXT_LEN) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.into_owned(),
    }
}

/// A plain decimal integer (`-12`, `80`), without allocating; `None` for anything else.
fn parse_int_fast(tok: &[u8]) -> Option<i64> {
    let (neg, digits) = match tok {
        [b'-', rest @ ..] => (true, rest),
        [b'+', rest @ ..] => (false, rest),
        _ => (false, tok),
    };
    // 18 digits always fit in an i64; longer numbers take the general path.
    if digits.is_empty() || digits.len() > 18 {
        return None;
    }
    let mut v: i64 = 0;
    for &b in digits {
        if !b.is_ascii_digit() {
            return None;
        }
        v = v * 10 + i64::from(b - b'0');
    }
    Some(if neg { -v } else { v })
}

/// Any finite decimal number (`10.5`, `1e3`, `-1`).
fn parse_f64(tok: &[u8]) -> Option<f64> {
    if let Some(v) = parse_int_fast(tok) {
        return Some(v as f64);
    }
    // Rust's float parser also accepts `inf` and `NaN`: neither is a time or a size.
    std::str::from_utf8(tok)
        .ok()?
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
}

/// Why a field could not be read (`true`: not a number at all).
enum FieldError {
    NotANumber,
    NotAnInteger,
}

fn parse_int_field(tok: &[u8]) -> Result<Option<i64>, FieldError> {
    let v = match parse_int_fast(tok) {
        Some(v) => v,
        None => {
            let f = parse_f64(tok).ok_or(FieldError::NotANumber)?;
            // `80.0` is an integer written as a float: accept it; `2.5` processors is not.
            if f.fract() != 0.0 || f.abs() >= 9.0e18 {
                return Err(FieldError::NotAnInteger);
            }
            f as i64
        }
    };
    Ok((v != -1).then_some(v))
}

fn parse_float_field(tok: &[u8]) -> Result<Option<f64>, FieldError> {
    let v = parse_f64(tok).ok_or(FieldError::NotANumber)?;
    // -1 is written `-1` (or `-1.0`), which parses to exactly -1.0: no rounding to allow for.
    #[allow(clippy::float_cmp)]
    let unknown = v == -1.0;
    Ok((!unknown).then_some(v))
}

/// Parses one job line (already known not to be a comment or blank).
fn parse_job(line: usize, bytes: &[u8]) -> Result<SwfJob, SwfLineError> {
    let mut toks: [&[u8]; FIELD_COUNT] = [&[]; FIELD_COUNT];
    let mut found = 0;
    for tok in bytes
        .split(u8::is_ascii_whitespace)
        .filter(|t| !t.is_empty())
    {
        if let Some(slot) = toks.get_mut(found) {
            *slot = tok;
        }
        found += 1;
    }
    let error = |kind, value: Option<&[u8]>| SwfLineError {
        line,
        text: excerpt(bytes),
        value: value.map(|v| String::from_utf8_lossy(v).into_owned()),
        kind,
    };
    if found != FIELD_COUNT {
        return Err(error(SwfLineErrorKind::FieldCount { found }, None));
    }
    let field_error = |field: usize, e: FieldError| {
        let kind = match e {
            FieldError::NotANumber => SwfLineErrorKind::NotANumber { field },
            FieldError::NotAnInteger => SwfLineErrorKind::NotAnInteger { field },
        };
        error(kind, toks.get(field - 1).copied())
    };
    let int = |field: usize| {
        parse_int_field(toks.get(field - 1).copied().unwrap_or_default())
            .map_err(|e| field_error(field, e))
    };
    let float = |field: usize| {
        parse_float_field(toks.get(field - 1).copied().unwrap_or_default())
            .map_err(|e| field_error(field, e))
    };
    Ok(SwfJob {
        line,
        // The job number is kept as written, `-1` included.
        job_number: int(1)?.unwrap_or(-1),
        submit_time: float(2)?,
        wait_time: float(3)?,
        run_time: float(4)?,
        allocated_procs: int(5)?,
        average_cpu_time: float(6)?,
        used_memory: float(7)?,
        requested_procs: int(8)?,
        requested_time: float(9)?,
        requested_memory: float(10)?,
        status: int(11)?,
        user_id: int(12)?,
        group_id: int(13)?,
        executable: int(14)?,
        queue: int(15)?,
        partition: int(16)?,
        preceding_job: int(17)?,
        think_time: float(18)?,
    })
}

/// Splits a header comment body (after `;`, trimmed) into `Key` and value when it starts
/// with `Key:` followed by a blank or the end (so `http://...` is not a key).
fn split_key(body: &str) -> Option<(&str, &str)> {
    let (key, rest) = body.split_once(':')?;
    let key_ok = key.len() <= 64
        && key.starts_with(|c: char| c.is_ascii_alphabetic())
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    let rest_ok = rest.is_empty() || rest.starts_with(|c: char| c.is_ascii_whitespace());
    (key_ok && rest_ok).then(|| (key, rest.trim()))
}

/// Streams the jobs of an SWF trace, after reading its header.
///
/// Each item is one job line: `Ok(SwfJob)` or `Err(SwfLineError)` for a line that could not
/// be read; the reader goes on after a bad line (except after an I/O error, which ends it).
/// Blank lines and `;` comment lines between jobs are skipped. Jobs come in file order
/// (PWA logs are sorted by submit time). Memory use does not depend on the trace length.
///
/// ```
/// use hpcsched::swf::SwfReader;
/// let text = "; MaxNodes: 2\n1 0 -1 5 1 -1 -1 -1 -1 -1 1 -1 -1 -1 -1 -1 -1 -1\n\
///             ; a comment between jobs\n2 3 -1 oops 1 -1 -1 -1 -1 -1 1 -1 -1 -1 -1 -1 -1 -1\n\
///             3 4 -1 5 1 -1 -1 -1 -1 -1 1 -1 -1 -1 -1 -1 -1 -1\n";
/// let items: Vec<_> = SwfReader::new(text.as_bytes())?.collect();
/// assert_eq!(items.len(), 3);
/// assert!(items[0].is_ok() && items[2].is_ok());
/// assert_eq!(items[1].as_ref().unwrap_err().line, 4);
/// # Ok::<(), hpcsched::swf::SwfError>(())
/// ```
pub struct SwfReader<R> {
    input: R,
    header: SwfHeader,
    buf: Vec<u8>,
    /// Lines read so far (the number of the line in `buf`).
    line: usize,
    /// `buf` holds the first job line, read while looking for the header's end; the flag
    /// says whether it was cut.
    pending: Option<bool>,
    done: bool,
}

impl<R> fmt::Debug for SwfReader<R> {
    /// The header and position; the input itself (often a boxed decoder) is not shown.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SwfReader")
            .field("header", &self.header)
            .field("line", &self.line)
            .field("done", &self.done)
            .finish_non_exhaustive()
    }
}

/// An [`SwfReader`] over a file, plain or gzip-compressed, as [`open`] returns it.
///
/// ```no_run
/// let reader: hpcsched::swf::SwfFileReader = hpcsched::swf::open("trace.swf")?;
/// # Ok::<(), hpcsched::swf::SwfError>(())
/// ```
pub type SwfFileReader = SwfReader<Box<dyn BufRead + Send>>;

impl<R: BufRead> SwfReader<R> {
    /// Reads the header (every `;` and blank line before the first job line) and returns a
    /// reader positioned at the first job.
    ///
    /// ```
    /// use hpcsched::swf::SwfReader;
    /// let reader = SwfReader::new("; Computer: Fujitsu RX200S5 Cluster\n; MaxProcs: 8192\n".as_bytes())?;
    /// assert_eq!(reader.header().get("Computer"), Some("Fujitsu RX200S5 Cluster"));
    /// assert_eq!(reader.count(), 0);
    /// # Ok::<(), hpcsched::swf::SwfError>(())
    /// ```
    pub fn new(mut input: R) -> Result<Self, SwfError> {
        let mut header = SwfHeader::default();
        let mut buf = Vec::with_capacity(256);
        let mut line = 0;
        let mut pending = None;
        // The key whose value a continuation line would extend.
        let mut continues: Option<String> = None;
        loop {
            let read = read_line_capped(&mut input, &mut buf).map_err(|e| SwfError::Read {
                line: line + 1,
                message: e.to_string(),
            })?;
            let Some(cut) = read else { break };
            line += 1;
            let trimmed = trim_bytes(&buf);
            let Some(body) = trimmed.strip_prefix(b";") else {
                if trimmed.is_empty() {
                    continues = None;
                    continue;
                }
                pending = Some(cut);
                line -= 1;
                break;
            };
            let body = String::from_utf8_lossy(body);
            let indented = body.starts_with("  ") || body.starts_with('\t');
            let text = body.trim();
            if text.is_empty() {
                continues = None;
                continue;
            }
            if indented && let Some(key) = &continues {
                if let Some(last) = header.entries.get_mut(key).and_then(|v| v.last_mut()) {
                    if !last.is_empty() {
                        last.push('\n');
                    }
                    last.push_str(text);
                }
                continue;
            }
            match split_key(text) {
                Some((key, value)) => {
                    if INTEGER_KEYS.contains(&key) && value.parse::<i64>().is_err() {
                        return Err(SwfError::HeaderValue {
                            line,
                            key: key.to_owned(),
                            value: value.to_owned(),
                        });
                    }
                    header
                        .entries
                        .entry(key.to_owned())
                        .or_default()
                        .push(value.to_owned());
                    continues = Some(key.to_owned());
                }
                None => {
                    header.comments.push(text.to_owned());
                    continues = None;
                }
            }
        }
        header.lines = line;
        Ok(Self {
            input,
            header,
            buf,
            line,
            pending,
            done: false,
        })
    }

    /// The header read when the reader was created.
    ///
    /// ```
    /// use hpcsched::swf::SwfReader;
    /// let reader = SwfReader::new("; MaxNodes: 128\n; MaxProcs: 128\n".as_bytes())?;
    /// assert_eq!(reader.header().max_nodes(), reader.header().max_procs());
    /// # Ok::<(), hpcsched::swf::SwfError>(())
    /// ```
    #[must_use]
    pub fn header(&self) -> &SwfHeader {
        &self.header
    }

    /// The number of the last line read (1-based; the header's lines count).
    ///
    /// ```
    /// use hpcsched::swf::SwfReader;
    /// let mut reader = SwfReader::new("; x\n1 0 -1 5 1 -1 -1 -1 -1 -1 1 -1 -1 -1 -1 -1 -1 -1\n".as_bytes())?;
    /// assert_eq!(reader.line(), 1);
    /// reader.next();
    /// assert_eq!(reader.line(), 2);
    /// # Ok::<(), hpcsched::swf::SwfError>(())
    /// ```
    #[must_use]
    pub fn line(&self) -> usize {
        self.line
    }
}

impl<R: BufRead> Iterator for SwfReader<R> {
    type Item = Result<SwfJob, SwfLineError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if self.done {
                return None;
            }
            let cut = if let Some(cut) = self.pending.take() {
                cut
            } else {
                match read_line_capped(&mut self.input, &mut self.buf) {
                    Ok(Some(cut)) => cut,
                    Ok(None) => {
                        self.done = true;
                        return None;
                    }
                    Err(e) => {
                        // A read error (corrupt gzip) would repeat forever: report it once.
                        self.done = true;
                        return Some(Err(SwfLineError {
                            line: self.line + 1,
                            text: String::new(),
                            value: None,
                            kind: SwfLineErrorKind::Io(e.to_string()),
                        }));
                    }
                }
            };
            self.line += 1;
            let line = trim_bytes(&self.buf);
            if line.is_empty() || line.first() == Some(&b';') {
                continue;
            }
            let error = |kind| SwfLineError {
                line: self.line,
                text: excerpt(line),
                value: None,
                kind,
            };
            if cut {
                return Some(Err(error(SwfLineErrorKind::TooLong)));
            }
            if !line.is_ascii() && std::str::from_utf8(line).is_err() {
                return Some(Err(error(SwfLineErrorKind::NotText)));
            }
            return Some(parse_job(self.line, line));
        }
    }
}

/// Wraps `input` in a gzip decoder if it starts with the gzip magic bytes (`1f 8b`), and
/// buffers it. Concatenated gzip members are read as one stream (`MultiGzDecoder`), as
/// `gunzip` does.
///
/// ```
/// use std::io::{BufRead, Write};
/// use flate2::{Compression, write::GzEncoder};
/// let mut gz = GzEncoder::new(Vec::new(), Compression::default());
/// gz.write_all(b"; MaxNodes: 2\n")?;
/// let compressed = gz.finish()?;
/// let mut line = String::new();
/// hpcsched::swf::decompressed(std::io::Cursor::new(compressed))?.read_line(&mut line)?;
/// assert_eq!(line, "; MaxNodes: 2\n");
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn decompressed<R: Read + Send + 'static>(mut input: R) -> io::Result<Box<dyn BufRead + Send>> {
    // Read the first two bytes by hand: one `read` call may return fewer than asked for.
    let mut magic = [0u8; 2];
    let mut have = 0;
    while have < magic.len() {
        match input.read(&mut magic[have..]) {
            Ok(0) => break,
            Ok(n) => have += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    let head = io::Cursor::new(magic[..have].to_vec());
    let whole = head.chain(input);
    if magic[..have] == [0x1f, 0x8b] {
        Ok(Box::new(BufReader::with_capacity(
            BUF,
            flate2::read::MultiGzDecoder::new(BufReader::with_capacity(BUF, whole)),
        )))
    } else {
        Ok(Box::new(BufReader::with_capacity(BUF, whole)))
    }
}

/// Opens an SWF file, plain or gzip-compressed (told apart by the gzip magic bytes, not by
/// the file name), and reads its header.
///
/// ```no_run
/// let reader = hpcsched::swf::open("RICC-2010-2.swf.gz")?;
/// println!("{} processors", reader.header().max_procs().unwrap_or(0));
/// let jobs = reader.filter(Result::is_ok).count();
/// # Ok::<(), hpcsched::swf::SwfError>(())
/// ```
pub fn open(path: impl AsRef<Path>) -> Result<SwfFileReader, SwfError> {
    let path = path.as_ref();
    let open_error = |e: io::Error| SwfError::Open {
        path: path.display().to_string(),
        message: e.to_string(),
    };
    let file = File::open(path).map_err(open_error)?;
    let input = decompressed(file).map_err(open_error)?;
    SwfReader::new(input)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job_line(fields: &str) -> Result<SwfJob, SwfLineError> {
        SwfReader::new(fields.as_bytes()).unwrap().next().unwrap()
    }

    #[test]
    fn every_field_is_read_in_order() {
        let j = job_line("3 10 20 30 40 50.5 60 70 80 90 1 12 13 14 15 16 17 18").unwrap();
        assert_eq!(
            j,
            SwfJob {
                line: 1,
                job_number: 3,
                submit_time: Some(10.0),
                wait_time: Some(20.0),
                run_time: Some(30.0),
                allocated_procs: Some(40),
                average_cpu_time: Some(50.5),
                used_memory: Some(60.0),
                requested_procs: Some(70),
                requested_time: Some(80.0),
                requested_memory: Some(90.0),
                status: Some(1),
                user_id: Some(12),
                group_id: Some(13),
                executable: Some(14),
                queue: Some(15),
                partition: Some(16),
                preceding_job: Some(17),
                think_time: Some(18.0),
            }
        );
    }

    #[test]
    fn minus_one_is_unknown_other_negatives_are_kept() {
        let j = job_line("1 -1 -1.0 -2 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1").unwrap();
        assert_eq!(j.submit_time, None);
        assert_eq!(j.wait_time, None, "-1.0 is -1");
        assert_eq!(j.run_time, Some(-2.0));
        assert_eq!(j.allocated_procs, None);
        assert_eq!(j.job_number, 1);
    }

    #[test]
    fn floats_in_time_fields_and_integral_floats_in_integer_fields() {
        let j = job_line("1 0.25 1e2 3.5 8.0 -1 -1 -1 -1 -1 1 -1 -1 -1 -1 -1 -1 -1").unwrap();
        assert_eq!(j.submit_time, Some(0.25));
        assert_eq!(j.wait_time, Some(100.0));
        assert_eq!(j.run_time, Some(3.5));
        assert_eq!(j.allocated_procs, Some(8));
    }

    #[test]
    fn field_errors_name_the_field() {
        let e = job_line("1 0 -1 5 2.5 -1 -1 -1 -1 -1 1 -1 -1 -1 -1 -1 -1 -1").unwrap_err();
        assert_eq!(e.kind, SwfLineErrorKind::NotAnInteger { field: 5 });
        assert_eq!(
            e.reason(),
            "field 5 (number of allocated processors) `2.5` is not an integer"
        );
        let e = job_line("1 0 -1 nan 2 -1 -1 -1 -1 -1 1 -1 -1 -1 -1 -1 -1 -1").unwrap_err();
        assert_eq!(e.reason(), "field 4 (run time) `nan` is not a number");
        let e = job_line("1 0 -1 inf 2 -1 -1 -1 -1 -1 1 -1 -1 -1 -1 -1 -1 -1").unwrap_err();
        assert_eq!(e.kind, SwfLineErrorKind::NotANumber { field: 4 });
        let e = job_line("x 0 -1 1 2 -1 -1 -1 -1 -1 1 -1 -1 -1 -1 -1 -1 -1").unwrap_err();
        assert_eq!(e.reason(), "field 1 (job number) `x` is not a number");
        let e = job_line("1 0 -1 1 2 -1 -1 -1 -1 -1 1 -1 -1 -1 -1 -1 -1 -1 19").unwrap_err();
        assert_eq!(e.reason(), "expected 18 fields, found 19");
    }

    #[test]
    fn long_numbers_take_the_general_path() {
        let j =
            job_line("1 0 -1 1 2 -1 -1 -1 -1 -1 1 -1 -1 -1 -1 -1 -1 12345678901234567890").unwrap();
        assert_eq!(j.think_time, Some(12_345_678_901_234_567_890.0));
        let e = job_line("1 0 -1 1 2 -1 -1 -1 -1 -1 1 -1 -1 -1 -1 -1 -1 1 ")
            .map(|j| j.think_time)
            .unwrap();
        assert_eq!(e, Some(1.0));
        let e = job_line("99999999999999999999 0 -1 1 2 -1 -1 -1 -1 -1 1 -1 -1 -1 -1 -1 -1 1")
            .unwrap_err();
        assert_eq!(e.kind, SwfLineErrorKind::NotAnInteger { field: 1 });
    }

    #[test]
    fn crlf_and_tabs() {
        let text = "; MaxNodes: 2\r\n1\t0\t-1 5 1 -1 -1 -1 -1 -1 1 -1 -1 -1 -1 -1 -1 -1\r\n";
        let mut r = SwfReader::new(text.as_bytes()).unwrap();
        assert_eq!(r.header().max_nodes(), Some(2));
        assert_eq!(r.next().unwrap().unwrap().run_time, Some(5.0));
    }

    #[test]
    fn non_utf8_and_overlong_lines_are_reported_and_skipped() {
        let mut text = b"1 0 -1 5 1 -1 -1 -1 -1 -1 1 -1 -1 \xff -1 -1 -1 -1\n".to_vec();
        text.extend(std::iter::repeat_n(b'7', MAX_LINE_LEN + 10));
        text.extend(b"\n2 0 -1 5 1 -1 -1 -1 -1 -1 1 -1 -1 -1 -1 -1 -1 -1\n");
        let items: Vec<_> = SwfReader::new(text.as_slice()).unwrap().collect();
        assert_eq!(items.len(), 3);
        let e0 = items[0].as_ref().unwrap_err();
        assert_eq!((e0.line, &e0.kind), (1, &SwfLineErrorKind::NotText));
        let e1 = items[1].as_ref().unwrap_err();
        assert_eq!((e1.line, &e1.kind), (2, &SwfLineErrorKind::TooLong));
        assert_eq!(e1.text.chars().count(), ERROR_TEXT_LEN + 1);
        assert_eq!(items[2].as_ref().unwrap().line, 3);
    }

    #[test]
    fn header_keys_values_continuations_and_comments() {
        let text = "; Version: 2.2\n\
                    ; Information: http://www.nas.nasa.gov/\n\
                    ;              http://www.cs.huji.ac.il/labs/parallel/workload/\n\
                    ;\n\
                    ;   not a continuation after a blank comment\n\
                    ; Note: a\n\
                    ;       b\n\
                    ; EndTime:   Thu Sep 30 23:58:08 JST 2010\n\
                    ; Queue:  1  \n";
        let r = SwfReader::new(text.as_bytes()).unwrap();
        let h = r.header();
        assert_eq!(
            h.get("Information"),
            Some("http://www.nas.nasa.gov/\nhttp://www.cs.huji.ac.il/labs/parallel/workload/")
        );
        assert_eq!(h.comments(), ["not a continuation after a blank comment"]);
        assert_eq!(h.notes(), ["a\nb"]);
        assert_eq!(h.get("EndTime"), Some("Thu Sep 30 23:58:08 JST 2010"));
        assert_eq!(h.values("Queue"), ["1"]);
        assert_eq!(h.line_count(), 9);
        assert_eq!(h.unknown_keys().count(), 0);
    }

    #[test]
    fn header_integer_values_are_checked() {
        let e = SwfReader::new("; Version: 2\n; MaxProcs: 8 cpus\n".as_bytes()).unwrap_err();
        assert_eq!(
            e,
            SwfError::HeaderValue {
                line: 2,
                key: "MaxProcs".into(),
                value: "8 cpus".into()
            }
        );
        // A key that is not an integer key may hold anything.
        assert!(SwfReader::new("; TimeZone: -28800\n; Version: two\n".as_bytes()).is_ok());
        // -1 reads as unknown.
        let r = SwfReader::new("; MaxProcs: -1\n".as_bytes()).unwrap();
        assert_eq!(r.header().max_procs(), None);
    }

    #[test]
    fn key_detection() {
        assert_eq!(split_key("MaxNodes: 12"), Some(("MaxNodes", "12")));
        assert_eq!(split_key("Key:"), Some(("Key", "")));
        assert_eq!(split_key("http://x"), None);
        assert_eq!(split_key("two words: x"), None);
        assert_eq!(split_key(": x"), None);
    }

    #[test]
    fn render_round_trip() {
        let line = "12 0.5 -1 3600 8 -1 -1 16 7200 1024 5 3 -1 -1 1 -1 -1 2.25";
        let j = job_line(line).unwrap();
        assert_eq!(j.to_string(), line);
    }

    #[test]
    fn gzip_is_detected_by_magic_bytes() {
        use std::io::Write;
        let plain = "; MaxNodes: 3\n1 0 -1 5 1 -1 -1 -1 -1 -1 1 -1 -1 -1 -1 -1 -1 -1\n";
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(plain.as_bytes()).unwrap();
        let gz = gz.finish().unwrap();
        let a: Vec<_> = SwfReader::new(decompressed(io::Cursor::new(gz)).unwrap())
            .unwrap()
            .collect();
        let b: Vec<_> = SwfReader::new(plain.as_bytes()).unwrap().collect();
        assert_eq!(a, b);
        assert_eq!(a.len(), 1);
        // One byte, and nothing, are not gzip.
        let mut s = String::new();
        decompressed(io::Cursor::new(b"\x1f".to_vec()))
            .unwrap()
            .read_to_string(&mut s)
            .unwrap();
        assert_eq!(s, "\x1f");
        assert!(
            SwfReader::new(decompressed(io::empty()).unwrap())
                .unwrap()
                .next()
                .is_none()
        );
    }

    #[test]
    fn corrupt_gzip_is_one_io_error() {
        let mut bytes = vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3];
        bytes.extend([0xde, 0xad, 0xbe, 0xef, 0x00, 0x11]);
        match SwfReader::new(decompressed(io::Cursor::new(bytes)).unwrap()) {
            Err(SwfError::Read { line: 1, .. }) => {}
            other => panic!("{other:?}"),
        }
    }
}
