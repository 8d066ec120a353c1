//! Opening a workload: a path or a reader, plain or gzip, an SWF trace or a job list,
//! told apart by content (never by the file name).

use super::error::{ReplayError, ReplayErrorKind};
use crate::cluster::Cluster;
use crate::swf::{self, SwfError, SwfHeader, SwfReader};
use crate::workload::{self, WorkloadJob, swf_cluster_conf};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::fs::File;
use std::io::{self, BufRead, Cursor, Read};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// What a workload was read as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum WorkloadFormat {
    /// An SWF trace (Parallel Workloads Archive format).
    Swf,
    /// A job list: `SUBMIT RUNTIME[:EXIT] USER [sbatch options...]` per line.
    JobList,
}

impl WorkloadFormat {
    /// `"swf"` or `"job_list"`.
    ///
    /// ```
    /// assert_eq!(hpcsched::replay::WorkloadFormat::JobList.as_str(), "job_list");
    /// ```
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            WorkloadFormat::Swf => "swf",
            WorkloadFormat::JobList => "job_list",
        }
    }
}

impl fmt::Display for WorkloadFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A stream of decompressed bytes.
pub(super) type Stream = Box<dyn BufRead + Send>;

/// The workload's content, once its format is known.
pub(super) enum Content {
    /// An SWF trace whose header has been read.
    Swf(SwfReader<Stream>),
    /// Job-list text not read yet: it is parsed once the cluster (and its SPANK plugins'
    /// options) is known.
    JobListText(Stream),
    /// Jobs already read.
    Jobs(Vec<WorkloadJob>),
}

/// A workload ready to replay: an SWF trace (its header read) or a job list.
///
/// ```
/// use hpcsched::replay::{WorkloadFormat, WorkloadInput};
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let swf = WorkloadInput::from_reader("; MaxNodes: 4\n; MaxProcs: 16\n".as_bytes())?;
/// assert_eq!(swf.format(), WorkloadFormat::Swf);
/// assert_eq!(swf.swf_header().and_then(|h| h.max_procs()), Some(16));
/// let list = WorkloadInput::from_reader(&b"# a job list\n0 60 alice -n1 -t 5\n"[..])?;
/// assert_eq!(list.format(), WorkloadFormat::JobList);
/// # Ok(())
/// # }
/// ```
pub struct WorkloadInput {
    pub(super) name: Option<String>,
    pub(super) content: Content,
    /// Bytes read from the source so far (compressed bytes for a gzip file).
    pub(super) read: Arc<AtomicU64>,
    /// The source's size in bytes, when known (a file).
    pub(super) size: Option<u64>,
}

impl fmt::Debug for WorkloadInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WorkloadInput")
            .field("name", &self.name)
            .field("format", &self.format())
            .field("size", &self.size)
            .finish_non_exhaustive()
    }
}

/// Counts the bytes read from a source, for the progress of a trace whose job count is
/// unknown until its end.
struct Counting<R> {
    inner: R,
    read: Arc<AtomicU64>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// Longest line (bytes) and most bytes [`sniff`] reads before deciding.
const SNIFF_LINE: u64 = 64 * 1024;
const SNIFF_TOTAL: usize = 1024 * 1024;

/// Reads `input` up to its first meaningful line (appending what it read to `head`) and
/// says what it is: SWF if that line is a `;` header/comment line or a job line of 18
/// numbers, a job list otherwise (`#` comments, `SUBMIT RUNTIME USER options` lines).
fn sniff(input: &mut dyn BufRead, head: &mut Vec<u8>) -> io::Result<WorkloadFormat> {
    loop {
        let start = head.len();
        let n = input.take(SNIFF_LINE).read_until(b'\n', head)?;
        if n == 0 || head.len() > SNIFF_TOTAL {
            return Ok(WorkloadFormat::JobList);
        }
        let line = head.get(start..).unwrap_or_default().trim_ascii();
        match line.first() {
            None => {}
            Some(b';') => return Ok(WorkloadFormat::Swf),
            Some(_) => {
                let Ok(text) = std::str::from_utf8(line) else {
                    return Ok(WorkloadFormat::JobList);
                };
                let fields: Vec<&str> = text.split_ascii_whitespace().collect();
                let numeric = fields.iter().all(|f| f.parse::<f64>().is_ok());
                return Ok(if numeric && fields.len() == swf::FIELD_COUNT {
                    WorkloadFormat::Swf
                } else {
                    WorkloadFormat::JobList
                });
            }
        }
    }
}

impl WorkloadInput {
    /// Opens a workload file: plain or gzip (by its magic bytes), an SWF trace or a job
    /// list (by its first meaningful line). An SWF trace's header is read now.
    ///
    /// ```no_run
    /// let input = hpcsched::replay::WorkloadInput::open("trace.swf.gz")?;
    /// # Ok::<(), hpcsched::replay::ReplayError>(())
    /// ```
    pub fn open(path: impl AsRef<Path>) -> Result<Self, ReplayError> {
        let path = path.as_ref();
        let shown = path.display().to_string();
        let cannot = |e: io::Error| ReplayError::io(&e).at_path(&shown);
        let file = File::open(path).map_err(cannot)?;
        // A directory opens but does not read: the read's error (EISDIR) says so.
        let meta = file.metadata().map_err(cannot)?;
        let mut input = Self::from_source(file).map_err(|e| e.at_path(&shown))?;
        input.size = Some(meta.len());
        input.name = Some(shown);
        Ok(input)
    }

    /// A workload from a reader (standard input, bytes in memory): plain or gzip, SWF or
    /// job list, told apart by content. See [`WorkloadInput`] for an example.
    pub fn from_reader<R: Read + Send + 'static>(reader: R) -> Result<Self, ReplayError> {
        Self::from_source(reader)
    }

    /// Jobs already read (a parsed job list).
    ///
    /// ```
    /// use hpcsched::replay::{WorkloadFormat, WorkloadInput};
    /// let jobs = hpcsched::workload::parse_job_list("0 60 alice -t 5\n").unwrap();
    /// assert_eq!(WorkloadInput::from_jobs(jobs).format(), WorkloadFormat::JobList);
    /// ```
    #[must_use]
    pub fn from_jobs(jobs: Vec<WorkloadJob>) -> Self {
        Self {
            name: None,
            content: Content::Jobs(jobs),
            read: Arc::default(),
            size: None,
        }
    }

    /// The name errors and reports give the workload (a file's path as given).
    ///
    /// ```
    /// use hpcsched::replay::WorkloadInput;
    /// let input = WorkloadInput::from_jobs(Vec::new()).with_name("jobs.txt");
    /// assert_eq!(input.name(), Some("jobs.txt"));
    /// ```
    #[must_use]
    pub fn with_name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// The workload's name, if it has one. See [`WorkloadInput::with_name`].
    #[must_use]
    pub fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }

    /// What the workload was read as.
    #[must_use]
    pub fn format(&self) -> WorkloadFormat {
        match self.content {
            Content::Swf(_) => WorkloadFormat::Swf,
            Content::JobListText(_) | Content::Jobs(_) => WorkloadFormat::JobList,
        }
    }

    /// An SWF trace's header.
    #[must_use]
    pub fn swf_header(&self) -> Option<&SwfHeader> {
        match &self.content {
            Content::Swf(reader) => Some(reader.header()),
            _ => None,
        }
    }

    /// The machine an SWF trace's header describes (`MaxNodes` nodes of
    /// `MaxProcs / MaxNodes` CPUs, one default partition `swf`: see
    /// [`crate::workload::swf_cluster_conf`]); `None` for a job list.
    ///
    /// ```
    /// use hpcsched::replay::WorkloadInput;
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let input = WorkloadInput::from_reader(&b"; MaxNodes: 4\n; MaxProcs: 32\n"[..])?;
    /// let cluster = input.header_machine().transpose()?.unwrap();
    /// assert_eq!((cluster.nodes().len(), cluster.nodes().map(|n| n.cpus).max()), (4, Some(8)));
    /// # Ok(())
    /// # }
    /// ```
    #[must_use]
    pub fn header_machine(&self) -> Option<Result<Cluster, ReplayError>> {
        let header = self.swf_header()?;
        let path = self.name.as_deref();
        Some(
            swf_cluster_conf(header)
                .map_err(|e| ReplayError::new(ReplayErrorKind::SwfMachine(e)).at_path_of(path))
                .and_then(|conf| {
                    Cluster::from_slurm_conf(&conf).map_err(|e| {
                        ReplayError::new(ReplayErrorKind::HeaderCluster(e)).at_path_of(path)
                    })
                }),
        )
    }

    /// The jobs of a job list, read with `parser` (which accepts the options of a
    /// cluster's SPANK plugins). Fails on an SWF trace.
    ///
    /// ```
    /// use hpcsched::replay::WorkloadInput;
    /// use hpcsched::sbatch::Parser;
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let input = WorkloadInput::from_reader(&b"0 60 alice -t 5\n"[..])?;
    /// assert_eq!(input.into_jobs(Parser::default())?.len(), 1);
    /// let swf = WorkloadInput::from_reader(&b"; MaxNodes: 2\n"[..])?;
    /// assert!(swf.into_jobs(Parser::default()).is_err());
    /// # Ok(())
    /// # }
    /// ```
    pub fn into_jobs(
        self,
        parser: crate::sbatch::Parser<'_>,
    ) -> Result<Vec<WorkloadJob>, ReplayError> {
        let path = self.name.clone();
        match self.content {
            Content::Swf(_) => Err(ReplayError::new(ReplayErrorKind::NotAJobList)),
            Content::JobListText(stream) => read_job_list(stream, parser),
            Content::Jobs(jobs) => Ok(jobs),
        }
        .map_err(|e| e.at_path_of(path.as_deref()))
    }

    fn from_source<R: Read + Send + 'static>(source: R) -> Result<Self, ReplayError> {
        let read = Arc::new(AtomicU64::new(0));
        let mut input = swf::decompressed(Counting {
            inner: source,
            read: Arc::clone(&read),
        })
        .map_err(|e| ReplayError::io(&e))?;
        let mut head = Vec::new();
        let format = sniff(&mut *input, &mut head).map_err(|e| ReplayError::io(&e))?;
        let whole: Stream = Box::new(Cursor::new(head).chain(input));
        let content = match format {
            WorkloadFormat::Swf => Content::Swf(SwfReader::new(whole).map_err(swf_error)?),
            WorkloadFormat::JobList => Content::JobListText(whole),
        };
        Ok(Self {
            name: None,
            content,
            read,
            size: None,
        })
    }
}

/// An SWF header that cannot be read.
fn swf_error(e: SwfError) -> ReplayError {
    let line = match &e {
        SwfError::Read { line, .. } | SwfError::HeaderValue { line, .. } => Some(*line),
        _ => None,
    };
    ReplayError::new(ReplayErrorKind::Swf(e)).at_line(line)
}

/// Reads job-list text to the end and parses it with `parser`.
pub(super) fn read_job_list(
    mut stream: Stream,
    parser: crate::sbatch::Parser<'_>,
) -> Result<Vec<WorkloadJob>, ReplayError> {
    let mut bytes = Vec::new();
    stream
        .read_to_end(&mut bytes)
        .map_err(|e| ReplayError::io(&e))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        let valid = e.utf8_error().valid_up_to();
        let line = e
            .as_bytes()
            .get(..valid)
            .and_then(|b| std::str::from_utf8(b).ok())
            .map_or(0, |t| t.matches('\n').count())
            + 1;
        ReplayError::new(ReplayErrorKind::NotUtf8 { line }).at_line(Some(line))
    })?;
    workload::parse_job_list_with(&text, parser).map_err(|e| {
        let line = e.line();
        ReplayError::new(ReplayErrorKind::JobList(e)).at_line(line)
    })
}
