//! Why a replay could not run: the workload's file and line as data, the message once.

use crate::slurm_conf::ConfError;
use crate::swf::SwfError;
use crate::time::Timestamp;
use crate::workload::{SwfClusterError, WorkloadError};
use std::fmt;
use std::io;

/// What went wrong in a replay. See [`ReplayError`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ReplayErrorKind {
    /// The workload could not be read (the operating system refused, a corrupt gzip
    /// stream...).
    #[error("cannot read: {message}")]
    Io {
        /// The I/O error's message.
        message: String,
        /// The operating system's error number, when it refused.
        os_error: Option<i32>,
    },
    /// An SWF trace's header is wrong.
    #[error("{0}")]
    Swf(SwfError),
    /// A job-list line is wrong.
    #[error("{0}")]
    JobList(WorkloadError),
    /// A job list that is not UTF-8 text.
    #[error("line {line}: not UTF-8 text")]
    NotUtf8 {
        /// The first line that is not.
        line: usize,
    },
    /// An SWF trace where a job list was expected.
    #[error("this is an SWF trace, not a job list")]
    NotAJobList,
    /// A job list was given without a cluster.
    #[error("a job list does not describe a machine: give the cluster (a slurm.conf)")]
    NoCluster,
    /// The SWF header does not describe a machine hpcsched can build.
    #[error("{0}")]
    SwfMachine(SwfClusterError),
    /// The machine of the SWF header does not build (a bug if it happens).
    #[error("the machine of its header: {0}")]
    HeaderCluster(ConfError),
    /// The cluster has no default partition for the jobs of an SWF trace.
    #[error(
        "the cluster has no default partition (Default=YES): the jobs of an SWF trace go to the default partition"
    )]
    NoDefaultPartition,
    /// Whole nodes were asked for a job list.
    #[error("whole nodes apply to SWF traces only: a job list's lines say what each job asks for")]
    WholeNodesOnJobList,
    /// The workload goes back in time.
    #[error(
        "line {line}: job {index} is submitted at {}, before the job before it ({}): a workload must be in submit order",
        submit.0,
        previous.0
    )]
    Unsorted {
        /// The job's position in the workload.
        index: u32,
        /// Its line.
        line: usize,
        /// Its submit time.
        submit: Timestamp,
        /// The previous job's submit time.
        previous: Timestamp,
    },
}

/// Why a replay could not run, with the workload's name and the line at fault as data.
///
/// Its message (`Display`) is the one every face prints: the workload's name, then what
/// is wrong, with the line where there is one (`jobs.txt: line 3: ...`).
///
/// ```
/// use hpcsched::replay::{Replay, ReplaySettings, WorkloadInput};
/// use hpcsched::Cluster;
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let err = WorkloadInput::from_reader(&b"0 60 alice -t 5\n5 60 bob --bogus\n"[..])?
///     .with_name("jobs.txt");
/// let cluster = Cluster::from_slurm_conf("NodeName=n1 CPUs=4\nPartitionName=p Nodes=n1 Default=YES\n")?;
/// let err = Replay::new(Some(cluster), err, &ReplaySettings::default()).unwrap_err();
/// assert_eq!((err.path(), err.line()), (Some("jobs.txt"), Some(2)));
/// assert!(err.to_string().starts_with("jobs.txt: line 2: `--bogus`"), "{err}");
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplayError(Box<Located>);

/// A [`ReplayError`]'s parts, boxed: errors travel in `Result`s that should stay small.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Located {
    kind: ReplayErrorKind,
    path: Option<String>,
    line: Option<usize>,
}

impl ReplayError {
    pub(super) fn new(kind: ReplayErrorKind) -> Self {
        Self(Box::new(Located {
            kind,
            path: None,
            line: None,
        }))
    }

    pub(super) fn io(e: &io::Error) -> Self {
        Self::new(ReplayErrorKind::Io {
            message: e.to_string(),
            os_error: e.raw_os_error(),
        })
    }

    pub(super) fn at_path(mut self, path: &str) -> Self {
        self.0.path = Some(path.to_owned());
        self
    }

    pub(super) fn at_path_of(self, path: Option<&str>) -> Self {
        match path {
            Some(p) if self.0.path.is_none() => self.at_path(p),
            _ => self,
        }
    }

    pub(super) fn at_line(mut self, line: Option<usize>) -> Self {
        self.0.line = line;
        self
    }

    /// What went wrong.
    #[must_use]
    pub fn kind(&self) -> &ReplayErrorKind {
        &self.0.kind
    }

    /// The workload file (or the name given to the workload), when the error is in it.
    #[must_use]
    pub fn path(&self) -> Option<&str> {
        self.0.path.as_deref()
    }

    /// The 1-based line of the workload at fault, when there is one.
    #[must_use]
    pub fn line(&self) -> Option<usize> {
        self.0.line
    }

    /// The operating system's error number, when it refused to read the workload.
    #[must_use]
    pub fn os_error(&self) -> Option<i32> {
        match &self.0.kind {
            ReplayErrorKind::Io { os_error, .. } => *os_error,
            _ => None,
        }
    }
}

impl fmt::Display for ReplayError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0.path {
            Some(path) => write!(f, "{path}: {}", self.0.kind),
            None => write!(f, "{}", self.0.kind),
        }
    }
}

impl std::error::Error for ReplayError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.0.kind.source()
    }
}
