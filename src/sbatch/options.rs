//! sbatch's option table: long and short names, which take values, and how each one sets a
//! [`JobRequest`] field.

use crate::request::JobRequest;

/// Why an sbatch option was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum OptionError {
    /// Not an sbatch option.
    #[error("unrecognized option `{0}`")]
    Unknown(String),
}

pub(crate) fn apply_args<S: AsRef<str>>(
    req: &mut JobRequest,
    args: &[S],
) -> Result<(), OptionError> {
    let _ = (req, args);
    todo!("sbatch helper")
}
