//! Memory sizes as Slurm reads them: a number with an optional `K`, `M`, `G`, `T` suffix
//! (optionally followed by `B`), megabytes by default (`str_to_mbytes()` in Slurm).

use serde::{Deserialize, Serialize};

/// An amount of memory in MiB, Slurm's unit for `RealMemory`, `--mem` and friends.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
pub struct Memory(u64);

impl Memory {
    /// `mib` mebibytes.
    #[must_use]
    pub const fn from_mib(mib: u64) -> Self {
        Self(mib)
    }
    /// The amount in MiB.
    #[must_use]
    pub const fn mib(self) -> u64 {
        self.0
    }
}

/// Why a memory size was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MemoryError {
    /// The text is not a memory size.
    #[error("invalid memory size `{text}`: {why}")]
    Invalid {
        /// The offending text.
        text: String,
        /// What is wrong with it.
        why: &'static str,
    },
}

const MIB_PER_GIB: u64 = 1024;
const MIB_PER_TIB: u64 = 1024 * 1024;

impl Memory {
    /// `gib` gibibytes (saturating).
    ///
    /// ```
    /// use hpcsched::Memory;
    /// assert_eq!(Memory::from_gib(2).mib(), 2048);
    /// ```
    #[must_use]
    pub const fn from_gib(gib: u64) -> Self {
        Self(gib.saturating_mul(MIB_PER_GIB))
    }
    /// Whether this is zero (for `--mem=0`: all the memory of each node).
    #[must_use]
    pub const fn is_zero(self) -> bool {
        self.0 == 0
    }
    /// `self + other`, or `None` on overflow.
    #[must_use]
    pub const fn checked_add(self, other: Memory) -> Option<Memory> {
        match self.0.checked_add(other.0) {
            Some(m) => Some(Self(m)),
            None => None,
        }
    }
    /// `self - other`, or `None` if `other` is larger.
    #[must_use]
    pub const fn checked_sub(self, other: Memory) -> Option<Memory> {
        match self.0.checked_sub(other.0) {
            Some(m) => Some(Self(m)),
            None => None,
        }
    }
    /// `self * n`, or `None` on overflow (e.g. `--mem-per-cpu` times a CPU count).
    #[must_use]
    pub const fn checked_mul(self, n: u64) -> Option<Memory> {
        match self.0.checked_mul(n) {
            Some(m) => Some(Self(m)),
            None => None,
        }
    }
    /// `self - other`, clamped at zero.
    #[must_use]
    pub const fn saturating_sub(self, other: Memory) -> Memory {
        Self(self.0.saturating_sub(other.0))
    }
}

fn invalid(text: &str, why: &'static str) -> MemoryError {
    MemoryError::Invalid {
        text: text.to_owned(),
        why,
    }
}

/// Parses Slurm's memory syntax (`str_to_mbytes()`): a non-negative integer with an
/// optional unit `K`, `M`, `G` or `T` (any case, optionally followed by `B`). The default
/// unit is MiB; `K` rounds **up** to whole MiB; `G` is 1024 MiB and `T` 1024² MiB.
/// Negative, fractional, empty, blank-padded and overflowing values are rejected.
///
/// ```
/// use hpcsched::Memory;
/// assert_eq!("4000".parse::<Memory>()?.mib(), 4000);
/// assert_eq!("16G".parse::<Memory>()?.mib(), 16 * 1024);
/// assert_eq!("1tb".parse::<Memory>()?.mib(), 1024 * 1024);
/// assert_eq!("1025K".parse::<Memory>()?.mib(), 2);
/// assert!("1.5G".parse::<Memory>().is_err());
/// # Ok::<(), hpcsched::memory::MemoryError>(())
/// ```
impl std::str::FromStr for Memory {
    type Err = MemoryError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.is_empty() {
            return Err(invalid(s, "empty"));
        }
        let digits = s.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return Err(invalid(
                s,
                if s.starts_with('-') {
                    "negative sizes are not allowed"
                } else {
                    "expected a number"
                },
            ));
        }
        let (num, unit) = s.split_at(digits);
        let n: u64 = num.parse().map_err(|_| invalid(s, "number too large"))?;
        let unit = unit.to_ascii_uppercase();
        // A `B` may follow a unit letter (`16GB`), but is not a unit by itself.
        let letter = match unit.strip_suffix('B') {
            Some(l) if !l.is_empty() => l,
            _ => &unit,
        };
        let mib = match letter {
            "" | "M" => Some(n),
            "K" => Some(n.div_ceil(1024)),
            "G" => n.checked_mul(MIB_PER_GIB),
            "T" => n.checked_mul(MIB_PER_TIB),
            _ if unit.starts_with('.') => {
                return Err(invalid(s, "fractional sizes are not allowed"));
            }
            _ => return Err(invalid(s, "unknown unit (expected K, M, G or T)")),
        };
        mib.map(Memory)
            .ok_or_else(|| invalid(s, "number too large"))
    }
}

/// `NT` when a whole number of TiB, else `NG` when a whole number of GiB, else `NM`;
/// zero is `0`. Always parses back to the same value.
///
/// ```
/// use hpcsched::Memory;
/// assert_eq!(Memory::from_mib(2048).to_string(), "2G");
/// assert_eq!(Memory::from_mib(1024 * 1024 * 3).to_string(), "3T");
/// assert_eq!(Memory::from_mib(1500).to_string(), "1500M");
/// assert_eq!(Memory::from_mib(0).to_string(), "0");
/// ```
impl std::fmt::Display for Memory {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let m = self.0;
        if m == 0 {
            f.write_str("0")
        } else if m.is_multiple_of(MIB_PER_TIB) {
            write!(f, "{}T", m / MIB_PER_TIB)
        } else if m.is_multiple_of(MIB_PER_GIB) {
            write!(f, "{}G", m / MIB_PER_GIB)
        } else {
            write!(f, "{m}M")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn mem(s: &str) -> Result<u64, MemoryError> {
        s.parse::<Memory>().map(Memory::mib)
    }

    #[test]
    fn slurm_units() {
        // SLURM_NOTES.md §8 and sbatch.1 --mem: default MiB, K rounds up, G ×1024, T ×1024².
        for (text, mib) in [
            ("0", 0),
            ("4000", 4000),
            ("4000M", 4000),
            ("4000m", 4000),
            ("4000MB", 4000),
            ("4000mb", 4000),
            ("1K", 1),
            ("1024K", 1),
            ("1025k", 2),
            ("0K", 0),
            ("2048KB", 2),
            ("16G", 16_384),
            ("16gb", 16_384),
            ("1T", 1_048_576),
            ("2tB", 2_097_152),
        ] {
            assert_eq!(mem(text), Ok(mib), "{text}");
        }
    }

    #[test]
    fn malformed_sizes() {
        for (text, why) in [
            ("", "empty"),
            ("-1", "negative sizes are not allowed"),
            ("-5G", "negative sizes are not allowed"),
            ("G", "expected a number"),
            (" 5", "expected a number"),
            ("+5", "expected a number"),
            ("5 ", "unknown unit (expected K, M, G or T)"),
            ("1.5G", "fractional sizes are not allowed"),
            ("10X", "unknown unit (expected K, M, G or T)"),
            ("10P", "unknown unit (expected K, M, G or T)"),
            ("10GG", "unknown unit (expected K, M, G or T)"),
            ("10B", "unknown unit (expected K, M, G or T)"),
            ("99999999999999999999", "number too large"),
            ("18014398509481984G", "number too large"),
            ("17592186044416T", "number too large"),
        ] {
            let err = text.parse::<Memory>().unwrap_err();
            assert_eq!(
                err,
                MemoryError::Invalid {
                    text: text.to_owned(),
                    why
                },
                "{text}"
            );
            assert!(err.to_string().contains(&format!("`{text}`")));
        }
    }

    #[test]
    fn arithmetic() {
        let a = Memory::from_mib(10);
        assert_eq!(
            a.checked_add(Memory::from_mib(5)),
            Some(Memory::from_mib(15))
        );
        assert_eq!(Memory::from_mib(u64::MAX).checked_add(a), None);
        assert_eq!(a.checked_sub(Memory::from_mib(11)), None);
        assert_eq!(a.saturating_sub(Memory::from_mib(11)), Memory::from_mib(0));
        assert_eq!(a.checked_mul(4), Some(Memory::from_mib(40)));
        assert_eq!(Memory::from_mib(u64::MAX).checked_mul(2), None);
    }

    proptest! {
        #[test]
        fn round_trips(mib in any::<u64>()) {
            let m = Memory::from_mib(mib);
            prop_assert_eq!(m.to_string().parse::<Memory>(), Ok(m));
        }

        #[test]
        fn round_trips_round_sizes(n in 0u64..1_000_000, shift in 0u32..3) {
            let m = Memory::from_mib(n << (10 * shift));
            prop_assert_eq!(m.to_string().parse::<Memory>(), Ok(m));
        }

        #[test]
        fn kib_rounds_up(k in 0u64..u64::MAX / 2) {
            prop_assert_eq!(mem(&format!("{k}K")), Ok(k.div_ceil(1024)));
        }

        #[test]
        fn never_panics(s in "\\PC{0,24}") {
            let _ = s.parse::<Memory>();
        }
    }
}
