//! The crate-wide error type: every module's error, so callers can hold one type.

use crate::accounts::AccountError;
use crate::array::ArrayError;
use crate::cluster::ClusterError;
use crate::constraint::ConstraintError;
use crate::dependency::DependencyError;
use crate::gres::GresError;
use crate::hostlist::HostlistError;
use crate::job_id::JobIdError;
use crate::memory::MemoryError;
use crate::preempt::PreemptModeError;
use crate::qos::QosError;
use crate::resolve::Rejection;
use crate::sbatch::spank::{PlugstackError, SpankError};
use crate::sbatch::{OptionError, ScriptError};
use crate::slurm_conf::ConfError;
use crate::time::TimeError;
use crate::tres::TresError;

/// Any error hpcsched reports.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A time value.
    #[error(transparent)]
    Time(#[from] TimeError),
    /// A memory size.
    #[error(transparent)]
    Memory(#[from] MemoryError),
    /// A GRES string.
    #[error(transparent)]
    Gres(#[from] GresError),
    /// A TRES value or arithmetic.
    #[error(transparent)]
    Tres(#[from] TresError),
    /// A hostlist.
    #[error(transparent)]
    Hostlist(#[from] HostlistError),
    /// A job id.
    #[error(transparent)]
    JobId(#[from] JobIdError),
    /// A constraint expression.
    #[error(transparent)]
    Constraint(#[from] ConstraintError),
    /// A dependency expression.
    #[error(transparent)]
    Dependency(#[from] DependencyError),
    /// An array specification.
    #[error(transparent)]
    Array(#[from] ArrayError),
    /// A PreemptMode value.
    #[error(transparent)]
    PreemptMode(#[from] PreemptModeError),
    /// An sbatch option.
    #[error(transparent)]
    Option(#[from] OptionError),
    /// A batch script.
    #[error(transparent)]
    Script(#[from] ScriptError),
    /// slurm.conf text.
    #[error(transparent)]
    Conf(#[from] ConfError),
    /// QOS definitions.
    #[error(transparent)]
    Qos(#[from] QosError),
    /// Accounts and users (sacctmgr lines, dump files), or a job's account or QOS.
    #[error(transparent)]
    Accounts(#[from] AccountError),
    /// A cluster change.
    #[error(transparent)]
    Cluster(#[from] ClusterError),
    /// `plugstack.conf` text.
    #[error(transparent)]
    Plugstack(#[from] PlugstackError),
    /// A SPANK plugin declaration.
    #[error(transparent)]
    Spank(#[from] SpankError),
    /// A job the cluster would reject at submit.
    #[error(transparent)]
    Rejected(#[from] Rejection),
}

impl Error {
    /// The 1-based line of the offending text, for errors that come from multi-line input
    /// (slurm.conf, QOS definitions, batch scripts, plugstack.conf); `None` for every other error.
    ///
    /// ```
    /// use hpcsched::Error;
    /// use hpcsched::slurm_conf::ConfError;
    /// let e = Error::from(ConfError::UnknownKey { line: 3, section: "NodeName", key: "Foo".into() });
    /// assert_eq!(e.line(), Some(3));
    /// ```
    #[must_use]
    pub fn line(&self) -> Option<usize> {
        match self {
            Error::Conf(e) => Some(e.line()),
            Error::Qos(e) | Error::Cluster(ClusterError::Qos(e)) => Some(e.line()),
            Error::Script(e) => e.line(),
            Error::Plugstack(e) => Some(e.line()),
            Error::Accounts(e) | Error::Cluster(ClusterError::Accounts(e)) => e.line(),
            Error::Time(_)
            | Error::Memory(_)
            | Error::Gres(_)
            | Error::Tres(_)
            | Error::Hostlist(_)
            | Error::JobId(_)
            | Error::Constraint(_)
            | Error::Dependency(_)
            | Error::Array(_)
            | Error::PreemptMode(_)
            | Error::Option(_)
            | Error::Cluster(_)
            | Error::Spank(_)
            | Error::Rejected(_) => None,
        }
    }
}
