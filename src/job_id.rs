//! Job identifiers: plain jobs, array jobs and array tasks (`42`, `42_7`).
//!
//! Slurm numbers jobs from 1 to `MAX_JOB_ID` (0x03FF_FFFF, `slurm/slurm.h`); 0 is never a
//! valid job id. An array task is written `ARRAYJOBID_TASKID`.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// A job id as Slurm numbers them (1 ..= 0x03FF_FFFF).
///
/// ```
/// use hpcsched::JobId;
/// let id: JobId = "42".parse()?;
/// assert_eq!(id, JobId(42));
/// assert!("0".parse::<JobId>().is_err());
/// # Ok::<(), hpcsched::job_id::JobIdError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct JobId(pub u32);

impl JobId {
    /// The largest job id Slurm hands out (`MAX_JOB_ID`).
    pub const MAX: u32 = 0x03FF_FFFF;

    /// `Some(JobId(id))` if `id` is in Slurm's range `1..=MAX`.
    ///
    /// ```
    /// use hpcsched::JobId;
    /// assert_eq!(JobId::new(7), Some(JobId(7)));
    /// assert_eq!(JobId::new(0), None);
    /// assert_eq!(JobId::new(JobId::MAX + 1), None);
    /// ```
    #[must_use]
    pub const fn new(id: u32) -> Option<Self> {
        if id >= 1 && id <= Self::MAX {
            Some(Self(id))
        } else {
            None
        }
    }
}

impl fmt::Display for JobId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// Why a job id (or job reference) was rejected.
///
/// ```
/// use hpcsched::JobId;
/// let err = "0".parse::<JobId>().unwrap_err();
/// assert_eq!(err.to_string(), "invalid job id `0`: out of range 1..=67108863");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum JobIdError {
    /// The text is not a job id.
    #[error("invalid job id `{text}`: {why}")]
    Invalid {
        /// The offending text.
        text: String,
        /// What is wrong with it.
        why: &'static str,
    },
}

fn invalid(text: &str, why: &'static str) -> JobIdError {
    JobIdError::Invalid {
        text: text.to_owned(),
        why,
    }
}

/// Parses a run of ASCII digits into a `u32`; `None` for empty, non-digit or overflowing text.
pub(crate) fn parse_u32_digits(s: &str) -> Option<u32> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

impl FromStr for JobId {
    type Err = JobIdError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.is_empty() {
            return Err(invalid(s, "empty"));
        }
        if !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(invalid(s, "not a decimal number"));
        }
        let n = parse_u32_digits(s).ok_or_else(|| invalid(s, "out of range 1..=67108863"))?;
        JobId::new(n).ok_or_else(|| invalid(s, "out of range 1..=67108863"))
    }
}

/// A job or one task of an array job: `42` or `42_7`.
///
/// ```
/// use hpcsched::job_id::{JobId, JobRef};
/// let r: JobRef = "42_7".parse()?;
/// assert_eq!(r, JobRef { job: JobId(42), task: Some(7) });
/// assert_eq!(r.to_string(), "42_7");
/// assert_eq!("42".parse::<JobRef>()?.task, None);
/// # Ok::<(), hpcsched::job_id::JobIdError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct JobRef {
    /// The job id (for a task: its array job id).
    pub job: JobId,
    /// The array task index, if one task is meant.
    pub task: Option<u32>,
}

impl FromStr for JobRef {
    type Err = JobIdError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.split_once('_') {
            None => Ok(JobRef {
                job: s.parse()?,
                task: None,
            }),
            Some((job, task)) => {
                let job = job
                    .parse()
                    .map_err(|_| invalid(s, "bad job id before `_`"))?;
                let task = parse_u32_digits(task)
                    .ok_or_else(|| invalid(s, "bad array task index after `_`"))?;
                Ok(JobRef {
                    job,
                    task: Some(task),
                })
            }
        }
    }
}

impl fmt::Display for JobRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.task {
            None => write!(f, "{}", self.job),
            Some(t) => write!(f, "{}_{t}", self.job),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn parses_valid_ids() {
        assert_eq!("1".parse::<JobId>(), Ok(JobId(1)));
        assert_eq!("67108863".parse::<JobId>(), Ok(JobId(JobId::MAX)));
        assert_eq!("007".parse::<JobId>(), Ok(JobId(7)));
    }

    #[test]
    fn rejects_bad_ids() {
        for bad in [
            "",
            "0",
            "67108864",
            "-1",
            "+1",
            "1a",
            " 1",
            "99999999999",
            "1.0",
        ] {
            let err = bad.parse::<JobId>().unwrap_err();
            assert!(err.to_string().contains(&format!("`{bad}`")), "{err}");
        }
    }

    #[test]
    fn job_refs() {
        assert_eq!(
            "42_0".parse::<JobRef>(),
            Ok(JobRef {
                job: JobId(42),
                task: Some(0)
            })
        );
        for bad in ["42_", "_7", "42_x", "42_7_8", "0_1", "42_-1"] {
            let err = bad.parse::<JobRef>().unwrap_err();
            assert!(err.to_string().contains(&format!("`{bad}`")), "{err}");
        }
    }

    proptest! {
        #[test]
        fn id_round_trip(n in 1u32..=JobId::MAX) {
            let id = JobId(n);
            prop_assert_eq!(id.to_string().parse::<JobId>(), Ok(id));
        }

        #[test]
        fn ref_round_trip(n in 1u32..=JobId::MAX, t in proptest::option::of(any::<u32>())) {
            let r = JobRef { job: JobId(n), task: t };
            prop_assert_eq!(r.to_string().parse::<JobRef>(), Ok(r));
        }

        #[test]
        fn never_panics(s in "\\PC*") {
            let _ = s.parse::<JobId>();
            let _ = s.parse::<JobRef>();
        }
    }
}
