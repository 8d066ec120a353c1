//! `AccountingStorageEnforce` (slurm.conf): which accounting checks slurmctld makes.
//!
//! Words and the flags each sets follow `src/common/read_config.c` (22.05): `associations`
//! (or `1`)
//! sets ASSOCIATIONS; `limits` (or `2`) ASSOCIATIONS+LIMITS; `safe` ASSOCIATIONS+LIMITS+SAFE; `qos`
//! ASSOCIATIONS+QOS; `all` every flag; `wckeys` (ASSOCIATIONS+WCKEYS), `nojobs` and
//! `nosteps` are accepted and change nothing here (hpcsched keeps no job or step records
//! in a database, nor WCKeys).

use super::AccountError;
use bitflags::bitflags;
use serde::{Deserialize, Serialize};

bitflags! {
    /// The checks `AccountingStorageEnforce` turns on.
    ///
    /// ```
    /// use hpcsched::accounts::Enforce;
    /// assert_eq!("limits,qos".parse::<Enforce>()?, Enforce::ASSOCIATIONS | Enforce::LIMITS | Enforce::QOS);
    /// assert_eq!("safe".parse::<Enforce>()?, Enforce::ASSOCIATIONS | Enforce::LIMITS | Enforce::SAFE);
    /// assert_eq!("".parse::<Enforce>()?, Enforce::empty());
    /// assert!("bogus".parse::<Enforce>().is_err());
    /// # Ok::<(), hpcsched::accounts::AccountError>(())
    /// ```
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    pub struct Enforce: u8 {
        /// `associations`: a job's user and account must have an association.
        const ASSOCIATIONS = 1 << 0;
        /// `limits`: association and QOS limits are enforced.
        const LIMITS = 1 << 1;
        /// `qos`: a job's QOS must exist and be in its association's QOS list.
        const QOS = 1 << 2;
        /// `safe`: a job must be able to run to completion within GrpTRESMins.
        const SAFE = 1 << 3;
    }
}

impl Default for Enforce {
    /// `associations,limits,qos`: hpcsched enforces what the host gives it. Slurm's own
    /// default (no `AccountingStorageEnforce`) is nothing; parse the slurm.conf value to
    /// follow it.
    fn default() -> Self {
        Enforce::ASSOCIATIONS | Enforce::LIMITS | Enforce::QOS
    }
}

impl std::str::FromStr for Enforce {
    type Err = AccountError;

    /// A comma list of words, case-insensitive; empty is no flag.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let mut out = Enforce::empty();
        for word in s.split(',').map(str::trim).filter(|w| !w.is_empty()) {
            out |= match word.to_ascii_lowercase().as_str() {
                "associations" | "1" | "wckeys" => Enforce::ASSOCIATIONS,
                "limits" | "2" => Enforce::ASSOCIATIONS | Enforce::LIMITS,
                "safe" => Enforce::ASSOCIATIONS | Enforce::LIMITS | Enforce::SAFE,
                "qos" => Enforce::ASSOCIATIONS | Enforce::QOS,
                "all" => Enforce::all(),
                "nojobs" | "nosteps" => Enforce::empty(),
                _ => return Err(AccountError::Enforce(word.to_string())),
            };
        }
        Ok(out)
    }
}
