//! `#SBATCH` scanning, the way `_opt_batch_script()` in sbatch reads a script.

use super::options::OptionError;
use crate::request::JobRequest;

/// Why a batch script was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ScriptError {
    /// An `#SBATCH` option that is invalid.
    #[error("line {line}: {source}")]
    Option {
        /// 1-based line number.
        line: usize,
        /// The option problem.
        source: OptionError,
    },
}

pub(crate) fn parse<S: AsRef<str>>(text: &str, args: &[S]) -> Result<JobRequest, ScriptError> {
    let _ = (text, args);
    todo!("sbatch helper")
}
