//! Trackable resources (TRES): the resource vector jobs ask for and nodes offer, and the
//! TRES limits QOS definitions carry (`MaxTRESPerUser=cpu=64,gres/gpu=4`).
//!
//! **GRES matching.** In a [`Tres`] used as a request, a typed key (`gpu:h100`) only
//! matches the same type, and an untyped key (`gpu`) is satisfied by the sum of every
//! `gpu` entry of the inventory, typed or not (Slurm: an untyped request matches devices
//! of any type). [`Tres::checked_sub`] takes an untyped request from the inventory's
//! untyped entry first, then from its typed entries in key order (alphabetical by type),
//! so the result is deterministic. Typed requests are served before untyped ones, so
//! `{gpu:h100: 1, gpu: 1}` needs two GPUs of which one is an h100.
//!
//! Results of [`Tres::checked_add`] and [`Tres::checked_sub`] never hold zero GRES counts:
//! a key whose count reaches zero is removed, and a missing key counts as zero.

use crate::gres::GresKey;
use crate::memory::Memory;
use indexmap::IndexMap;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

/// An amount of resources: node count, CPUs, memory and GRES.
///
/// Arithmetic never wraps: [`Tres::checked_sub`] reports an underflow instead.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Tres {
    /// Number of nodes.
    pub nodes: u32,
    /// Number of CPUs.
    pub cpus: u32,
    /// Memory.
    pub memory: Memory,
    /// GRES counts by key. A request's untyped key (`gpu`) is satisfied by any type.
    pub gres: BTreeMap<GresKey, u64>,
}

/// What a TRES limit applies to, as sacctmgr names it (`cpu`, `mem`, `node`, `billing`,
/// `gres/gpu`, `gres/gpu:a100`, `license/NAME`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub enum TresKind {
    /// `cpu`
    Cpu,
    /// `mem` (MiB)
    Mem,
    /// `node`
    Node,
    /// `billing`
    Billing,
    /// `energy`
    Energy,
    /// `gres/NAME[:TYPE]`
    Gres(GresKey),
    /// `license/NAME`
    License(String),
}

/// A set of TRES limits in the order they were written, e.g. `cpu=64,gres/gpu=4`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct TresLimits(pub IndexMap<TresKind, u64>);

/// Why a TRES operation or string was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TresError {
    /// Subtraction would go below zero.
    #[error("resource underflow: cannot take {wanted} {what} from {available}")]
    Underflow {
        /// The resource, e.g. `cpus` or `gres/gpu:h100`.
        what: String,
        /// How much was there.
        available: u64,
        /// How much was taken.
        wanted: u64,
    },
    /// Addition overflowed.
    #[error("resource overflow adding {what}")]
    Overflow {
        /// The resource.
        what: String,
    },
    /// A TRES limit string did not parse.
    #[error("invalid TRES specification `{text}`: {why}")]
    Invalid {
        /// The offending text.
        text: String,
        /// What is wrong with it.
        why: String,
    },
}

/// `gres/NAME[:TYPE]` for error messages and TRES names.
fn gres_label(key: &GresKey) -> String {
    format!("gres/{key}")
}

impl Tres {
    /// Whether every component is zero (missing GRES keys count as zero).
    ///
    /// ```
    /// use hpcsched::Tres;
    /// assert!(Tres::default().is_zero());
    /// assert!(!Tres { cpus: 1, ..Tres::default() }.is_zero());
    /// ```
    #[must_use]
    pub fn is_zero(&self) -> bool {
        self.nodes == 0
            && self.cpus == 0
            && self.memory.mib() == 0
            && self.gres.values().all(|&n| n == 0)
    }

    /// The total count of GRES `name` over all its types (and its untyped entry).
    ///
    /// ```
    /// use hpcsched::{GresKey, Tres};
    /// let mut t = Tres::default();
    /// t.gres.insert(GresKey::typed("gpu", "a100"), 2);
    /// t.gres.insert(GresKey::typed("gpu", "h100"), 3);
    /// assert_eq!(t.gres_total("gpu"), 5);
    /// ```
    #[must_use]
    pub fn gres_total(&self, name: &str) -> u64 {
        self.gres
            .iter()
            .filter(|(k, _)| k.name == name)
            .fold(0u64, |acc, (_, &n)| acc.saturating_add(n))
    }

    /// `self + other`, component by component (GRES by exact key).
    ///
    /// ```
    /// use hpcsched::{Memory, Tres};
    /// let a = Tres { nodes: 1, cpus: 4, memory: Memory::from_mib(100), ..Tres::default() };
    /// let sum = a.checked_add(&a)?;
    /// assert_eq!(sum.cpus, 8);
    /// assert!(Tres { cpus: u32::MAX, ..Tres::default() }.checked_add(&a).is_err());
    /// # Ok::<(), hpcsched::tres::TresError>(())
    /// ```
    pub fn checked_add(&self, other: &Tres) -> Result<Tres, TresError> {
        let overflow = |what: &str| TresError::Overflow {
            what: what.to_owned(),
        };
        let mut out = Tres {
            nodes: self
                .nodes
                .checked_add(other.nodes)
                .ok_or_else(|| overflow("nodes"))?,
            cpus: self
                .cpus
                .checked_add(other.cpus)
                .ok_or_else(|| overflow("cpus"))?,
            memory: self
                .memory
                .checked_add(other.memory)
                .ok_or_else(|| overflow("mem"))?,
            gres: self.gres.clone(),
        };
        for (key, &n) in &other.gres {
            let slot = out.gres.entry(key.clone()).or_insert(0);
            *slot = slot
                .checked_add(n)
                .ok_or_else(|| overflow(&gres_label(key)))?;
        }
        out.gres.retain(|_, n| *n != 0);
        Ok(out)
    }

    /// `self - other`: takes the request `other` out of the inventory `self`.
    ///
    /// Typed GRES requests come out of the same typed entry. Untyped requests come out of
    /// the untyped entry first, then the typed entries of that name in key order (see the
    /// module docs). A [`TresError::Underflow`] names the first resource that is short;
    /// `self` is never modified.
    ///
    /// ```
    /// use hpcsched::{GresKey, Tres};
    /// let mut node = Tres { nodes: 1, cpus: 8, ..Tres::default() };
    /// node.gres.insert(GresKey::typed("gpu", "a100"), 1);
    /// node.gres.insert(GresKey::typed("gpu", "h100"), 2);
    /// let mut job = Tres { nodes: 1, cpus: 2, ..Tres::default() };
    /// job.gres.insert(GresKey::new("gpu"), 2);
    /// let left = node.checked_sub(&job)?;
    /// // a100 is taken first (key order), then one h100.
    /// assert_eq!(left.gres.get(&GresKey::typed("gpu", "a100")), None);
    /// assert_eq!(left.gres.get(&GresKey::typed("gpu", "h100")), Some(&1));
    /// assert_eq!(left.cpus, 6);
    /// job.gres.insert(GresKey::new("gpu"), 4);
    /// let err = node.checked_sub(&job).unwrap_err();
    /// assert_eq!(err.to_string(), "resource underflow: cannot take 4 gres/gpu from 3");
    /// # Ok::<(), hpcsched::tres::TresError>(())
    /// ```
    pub fn checked_sub(&self, other: &Tres) -> Result<Tres, TresError> {
        fn short(what: String, available: u64, wanted: u64) -> TresError {
            TresError::Underflow {
                what,
                available,
                wanted,
            }
        }
        let mut out = Tres {
            nodes: self
                .nodes
                .checked_sub(other.nodes)
                .ok_or_else(|| short("nodes".into(), self.nodes.into(), other.nodes.into()))?,
            cpus: self
                .cpus
                .checked_sub(other.cpus)
                .ok_or_else(|| short("cpus".into(), self.cpus.into(), other.cpus.into()))?,
            memory: self
                .memory
                .checked_sub(other.memory)
                .ok_or_else(|| short("mem".into(), self.memory.mib(), other.memory.mib()))?,
            gres: self.gres.clone(),
        };
        // Typed requests first: they can only be served by their own type.
        for (key, &want) in other.gres.iter().filter(|(k, _)| k.kind.is_some()) {
            if want == 0 {
                continue;
            }
            let have = out.gres.get(key).copied().unwrap_or(0);
            let left = have
                .checked_sub(want)
                .ok_or_else(|| short(gres_label(key), have, want))?;
            out.gres.insert(key.clone(), left);
        }
        // Untyped requests: any type of that name, untyped entry first, then key order.
        for (key, &want) in other.gres.iter().filter(|(k, _)| k.kind.is_none()) {
            if want == 0 {
                continue;
            }
            let have = out.gres_total(&key.name);
            if have < want {
                return Err(short(gres_label(key), have, want));
            }
            let mut remaining = want;
            // BTreeMap order puts the untyped key (kind None) before every typed one.
            let same_name = out
                .gres
                .iter_mut()
                .filter(|(k, _)| k.name == key.name)
                .map(|(_, n)| n);
            for n in same_name {
                let take = remaining.min(*n);
                *n -= take;
                remaining -= take;
                if remaining == 0 {
                    break;
                }
            }
        }
        out.gres.retain(|_, n| *n != 0);
        Ok(out)
    }

    /// Whether the request `self` fits in `available` (see [`Tres::checked_sub`]).
    ///
    /// ```
    /// use hpcsched::{GresKey, Tres};
    /// let mut node = Tres { nodes: 1, cpus: 8, ..Tres::default() };
    /// node.gres.insert(GresKey::typed("gpu", "h100"), 2);
    /// let mut job = Tres { nodes: 1, cpus: 8, ..Tres::default() };
    /// job.gres.insert(GresKey::new("gpu"), 2);
    /// assert!(job.fits_in(&node));
    /// job.gres.insert(GresKey::typed("gpu", "a100"), 1);
    /// assert!(!job.fits_in(&node));
    /// ```
    #[must_use]
    pub fn fits_in(&self, available: &Tres) -> bool {
        available.checked_sub(self).is_ok()
    }
}

/// Slurm's TRES string (`cpu=4,mem=16G,node=1,gres/gpu:a100=2`), as `scontrol show job`
/// prints `AllocTRES`. Zero components are left out; an all-zero value prints as `""`.
///
/// ```
/// use hpcsched::{GresKey, Memory, Tres};
/// let mut t = Tres { nodes: 1, cpus: 4, memory: Memory::from_gib(16), ..Tres::default() };
/// t.gres.insert(GresKey::typed("gpu", "a100"), 2);
/// assert_eq!(t.to_string(), "cpu=4,mem=16G,node=1,gres/gpu:a100=2");
/// ```
impl fmt::Display for Tres {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut sep = "";
        let mut item = |f: &mut fmt::Formatter<'_>, args: fmt::Arguments<'_>| {
            let r = write!(f, "{sep}{args}");
            sep = ",";
            r
        };
        if self.cpus > 0 {
            item(f, format_args!("cpu={}", self.cpus))?;
        }
        if !self.memory.is_zero() {
            item(f, format_args!("mem={}", self.memory))?;
        }
        if self.nodes > 0 {
            item(f, format_args!("node={}", self.nodes))?;
        }
        for (key, &n) in self.gres.iter().filter(|(_, n)| **n > 0) {
            item(f, format_args!("gres/{key}={n}"))?;
        }
        Ok(())
    }
}

/// `cpu`, `mem`, `node`, `billing`, `energy`, `gres/gpu[:type]`, `license/NAME`.
impl fmt::Display for TresKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TresKind::Cpu => f.write_str("cpu"),
            TresKind::Mem => f.write_str("mem"),
            TresKind::Node => f.write_str("node"),
            TresKind::Billing => f.write_str("billing"),
            TresKind::Energy => f.write_str("energy"),
            TresKind::Gres(key) => write!(f, "gres/{key}"),
            TresKind::License(name) => write!(f, "license/{name}"),
        }
    }
}

fn invalid(text: &str, why: impl Into<String>) -> TresError {
    TresError::Invalid {
        text: text.to_owned(),
        why: why.into(),
    }
}

/// Parses a TRES name as sacctmgr accepts it. The type part (`cpu`, `gres/`, `license/`)
/// is case-insensitive; GRES names/types and license names keep their case.
///
/// ```
/// use hpcsched::{GresKey, TresKind};
/// assert_eq!("CPU".parse::<TresKind>()?, TresKind::Cpu);
/// assert_eq!("gres/gpu:a100".parse::<TresKind>()?, TresKind::Gres(GresKey::typed("gpu", "a100")));
/// assert_eq!("License/matlab".parse::<TresKind>()?, TresKind::License("matlab".into()));
/// # Ok::<(), hpcsched::tres::TresError>(())
/// ```
impl FromStr for TresKind {
    type Err = TresError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if let Some((kind, name)) = s.split_once('/') {
            if kind.eq_ignore_ascii_case("gres") {
                return name
                    .parse::<GresKey>()
                    .map(TresKind::Gres)
                    .map_err(|e| invalid(s, e.to_string()));
            }
            if kind.eq_ignore_ascii_case("license") {
                let ok = !name.is_empty()
                    && name.bytes().all(|b| {
                        b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.' | b'@')
                    });
                return if ok {
                    Ok(TresKind::License(name.to_owned()))
                } else {
                    Err(invalid(s, "invalid license name"))
                };
            }
            return Err(invalid(s, "unknown TRES type"));
        }
        Ok(match s.to_ascii_lowercase().as_str() {
            "cpu" => TresKind::Cpu,
            "mem" => TresKind::Mem,
            "node" => TresKind::Node,
            "billing" => TresKind::Billing,
            "energy" => TresKind::Energy,
            _ => {
                return Err(invalid(
                    s,
                    "unknown TRES (expected cpu, mem, node, billing, energy, gres/NAME or license/NAME)",
                ));
            }
        })
    }
}

impl TresLimits {
    /// The limit on `kind`, if set.
    ///
    /// ```
    /// use hpcsched::{TresKind, TresLimits};
    /// let l: TresLimits = "cpu=64,mem=100G".parse()?;
    /// assert_eq!(l.get(&TresKind::Cpu), Some(64));
    /// assert_eq!(l.get(&TresKind::Mem), Some(102_400));
    /// assert_eq!(l.get(&TresKind::Node), None);
    /// # Ok::<(), hpcsched::tres::TresError>(())
    /// ```
    #[must_use]
    pub fn get(&self, kind: &TresKind) -> Option<u64> {
        self.0.get(kind).copied()
    }

    /// Whether no limit is set.
    ///
    /// ```
    /// use hpcsched::TresLimits;
    /// assert!("".parse::<TresLimits>()?.is_empty());
    /// assert!("cpu=-1".parse::<TresLimits>()?.is_empty());
    /// # Ok::<(), hpcsched::tres::TresError>(())
    /// ```
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Parses `cpu=10,gres/gpu=4,mem=100G,node=2` (sacctmgr's TRES syntax). An empty string is
/// no limits. `mem` values take memory units (default MiB) and are stored in MiB; other
/// values are plain non-negative integers. A value of `-1` means "no limit" (sacctmgr uses
/// it to clear a limit): the key is left out. The same key twice is rejected.
///
/// ```
/// use hpcsched::{GresKey, TresKind, TresLimits};
/// let l: TresLimits = "cpu=10,gres/gpu=4,mem=100G,node=2".parse()?;
/// assert_eq!(l.get(&TresKind::Gres(GresKey::new("gpu"))), Some(4));
/// assert_eq!(l.to_string(), "cpu=10,gres/gpu=4,mem=100G,node=2");
/// # Ok::<(), hpcsched::tres::TresError>(())
/// ```
impl FromStr for TresLimits {
    type Err = TresError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let mut out = IndexMap::new();
        if s.is_empty() {
            return Ok(TresLimits(out));
        }
        let mut seen = std::collections::BTreeSet::new();
        for entry in s.split(',') {
            if entry.is_empty() {
                return Err(invalid(s, "empty entry in TRES list"));
            }
            let (key, value) = entry
                .split_once('=')
                .ok_or_else(|| invalid(entry, "expected `name=value`"))?;
            let kind: TresKind = key.parse()?;
            if !seen.insert(kind.clone()) {
                return Err(invalid(entry, "the same TRES is given twice"));
            }
            if value == "-1" {
                continue;
            }
            let n = if kind == TresKind::Mem {
                value
                    .parse::<Memory>()
                    .map_err(|e| invalid(entry, e.to_string()))?
                    .mib()
            } else if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
                value
                    .parse::<u64>()
                    .map_err(|_| invalid(entry, "number too large"))?
            } else {
                return Err(invalid(entry, "expected a non-negative integer or -1"));
            };
            out.insert(kind, n);
        }
        Ok(TresLimits(out))
    }
}

/// `name=value` pairs in order, comma separated; `mem` in memory units (`100G`).
impl fmt::Display for TresLimits {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, (kind, &n)) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            if *kind == TresKind::Mem {
                write!(f, "{kind}={}", Memory::from_mib(n))?;
            } else {
                write!(f, "{kind}={n}")?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn tres(nodes: u32, cpus: u32, mib: u64, gres: &[(&str, Option<&str>, u64)]) -> Tres {
        Tres {
            nodes,
            cpus,
            memory: Memory::from_mib(mib),
            gres: gres
                .iter()
                .map(|&(n, k, c)| {
                    (
                        GresKey {
                            name: n.to_owned(),
                            kind: k.map(str::to_owned),
                        },
                        c,
                    )
                })
                .collect(),
        }
    }

    #[test]
    fn add_and_sub_scalars() {
        let a = tres(1, 8, 1000, &[]);
        let b = tres(1, 2, 400, &[]);
        assert_eq!(a.checked_sub(&b), Ok(tres(0, 6, 600, &[])));
        assert_eq!(a.checked_add(&b), Ok(tres(2, 10, 1400, &[])));
        assert_eq!(
            b.checked_sub(&a),
            Err(TresError::Underflow {
                what: "cpus".into(),
                available: 2,
                wanted: 8
            })
        );
        assert_eq!(
            tres(0, 8, 0, &[]).checked_sub(&tres(1, 0, 0, &[])),
            Err(TresError::Underflow {
                what: "nodes".into(),
                available: 0,
                wanted: 1
            })
        );
        assert_eq!(
            tres(0, 0, 5, &[]).checked_sub(&tres(0, 0, 6, &[])),
            Err(TresError::Underflow {
                what: "mem".into(),
                available: 5,
                wanted: 6
            })
        );
        assert_eq!(
            tres(0, 0, u64::MAX, &[]).checked_add(&tres(0, 0, 1, &[])),
            Err(TresError::Overflow { what: "mem".into() })
        );
        assert_eq!(
            tres(0, 0, 0, &[("gpu", None, u64::MAX)]).checked_add(&tres(
                0,
                0,
                0,
                &[("gpu", None, 1)]
            )),
            Err(TresError::Overflow {
                what: "gres/gpu".into()
            })
        );
    }

    #[test]
    fn typed_request_matches_only_its_type() {
        let node = tres(1, 8, 0, &[("gpu", Some("a100"), 2)]);
        let want_h100 = tres(0, 0, 0, &[("gpu", Some("h100"), 1)]);
        assert!(!want_h100.fits_in(&node));
        assert_eq!(
            node.checked_sub(&want_h100),
            Err(TresError::Underflow {
                what: "gres/gpu:h100".into(),
                available: 0,
                wanted: 1
            })
        );
        // An untyped inventory does not serve a typed request either.
        let untyped_node = tres(1, 8, 0, &[("gpu", None, 4)]);
        assert!(!want_h100.fits_in(&untyped_node));
        let want_all_a100 = tres(0, 0, 0, &[("gpu", Some("a100"), 2)]);
        assert_eq!(node.checked_sub(&want_all_a100), Ok(tres(1, 8, 0, &[])));
    }

    #[test]
    fn untyped_request_takes_untyped_then_types_in_key_order() {
        let node = tres(
            1,
            8,
            0,
            &[
                ("gpu", None, 1),
                ("gpu", Some("h100"), 2),
                ("gpu", Some("a100"), 2),
                ("nvme", None, 1),
            ],
        );
        let job = tres(0, 0, 0, &[("gpu", None, 4)]);
        assert!(job.fits_in(&node));
        assert_eq!(
            node.checked_sub(&job),
            Ok(tres(
                1,
                8,
                0,
                &[("gpu", Some("h100"), 1), ("nvme", None, 1)]
            ))
        );
        let too_many = tres(0, 0, 0, &[("gpu", None, 6)]);
        assert_eq!(
            node.checked_sub(&too_many),
            Err(TresError::Underflow {
                what: "gres/gpu".into(),
                available: 5,
                wanted: 6
            })
        );
    }

    #[test]
    fn typed_requests_are_served_before_untyped_ones() {
        let node = tres(
            0,
            0,
            0,
            &[("gpu", Some("a100"), 1), ("gpu", Some("h100"), 1)],
        );
        // Untyped first would take the a100 and starve the typed request.
        let job = tres(0, 0, 0, &[("gpu", None, 1), ("gpu", Some("a100"), 1)]);
        assert_eq!(node.checked_sub(&job), Ok(tres(0, 0, 0, &[])));
        let job = tres(0, 0, 0, &[("gpu", None, 2), ("gpu", Some("a100"), 1)]);
        assert!(!job.fits_in(&node));
        assert_eq!(
            node.checked_sub(&job),
            Err(TresError::Underflow {
                what: "gres/gpu".into(),
                available: 1,
                wanted: 2
            })
        );
    }

    #[test]
    fn zero_requests_and_zero_checks() {
        let node = tres(1, 1, 1, &[]);
        let zero_gpu = tres(0, 0, 0, &[("gpu", None, 0), ("gpu", Some("x"), 0)]);
        assert!(zero_gpu.is_zero());
        assert!(zero_gpu.fits_in(&node));
        assert_eq!(node.checked_sub(&zero_gpu), Ok(node.clone()));
        assert!(!node.is_zero());
        assert!(!tres(0, 0, 0, &[("gpu", None, 1)]).is_zero());
    }

    #[test]
    fn tres_display() {
        assert_eq!(Tres::default().to_string(), "");
        assert_eq!(
            tres(2, 0, 1500, &[("gpu", None, 1), ("gpu", Some("x"), 0)]).to_string(),
            "mem=1500M,node=2,gres/gpu=1"
        );
    }

    #[test]
    fn tres_kind_names() {
        for (text, kind) in [
            ("cpu", TresKind::Cpu),
            ("CPU", TresKind::Cpu),
            ("mem", TresKind::Mem),
            ("Mem", TresKind::Mem),
            ("node", TresKind::Node),
            ("billing", TresKind::Billing),
            ("energy", TresKind::Energy),
            ("gres/gpu", TresKind::Gres(GresKey::new("gpu"))),
            (
                "GRES/gpu:a100",
                TresKind::Gres(GresKey::typed("gpu", "a100")),
            ),
            ("license/matlab", TresKind::License("matlab".into())),
        ] {
            assert_eq!(text.parse::<TresKind>(), Ok(kind.clone()), "{text}");
            assert_eq!(kind.to_string().parse::<TresKind>(), Ok(kind));
        }
        assert_eq!(
            TresKind::Gres(GresKey::typed("gpu", "a100")).to_string(),
            "gres/gpu:a100"
        );
        for bad in [
            "",
            "cpus",
            "gres/",
            "gres/1gpu",
            "license/",
            "license/a b",
            "fs/disk",
        ] {
            let err = bad.parse::<TresKind>().unwrap_err();
            assert!(err.to_string().contains(&format!("`{bad}`")), "{err}");
        }
    }

    #[test]
    fn limits_from_sacctmgr() {
        // sacctmgr.1: MaxTRESPerUser=cpu=64,gres/gpu=4 style values.
        let l: TresLimits = "cpu=10,gres/gpu=4,mem=100G,node=2"
            .parse()
            .unwrap_or_default();
        assert_eq!(l.get(&TresKind::Cpu), Some(10));
        assert_eq!(l.get(&TresKind::Gres(GresKey::new("gpu"))), Some(4));
        assert_eq!(l.get(&TresKind::Mem), Some(100 * 1024));
        assert_eq!(l.get(&TresKind::Node), Some(2));
        assert_eq!(l.to_string(), "cpu=10,gres/gpu=4,mem=100G,node=2");
        // Order is kept as written.
        let l: TresLimits = "node=2,cpu=1".parse().unwrap_or_default();
        assert_eq!(l.to_string(), "node=2,cpu=1");
        // -1 clears: the key is absent.
        let l: TresLimits = "cpu=-1,mem=500".parse().unwrap_or_default();
        assert_eq!(l.get(&TresKind::Cpu), None);
        assert_eq!(l.to_string(), "mem=500M");
        assert_eq!(
            "mem=2048K"
                .parse::<TresLimits>()
                .map(|l| l.get(&TresKind::Mem)),
            Ok(Some(2))
        );
    }

    #[test]
    fn malformed_limits() {
        for (text, bad, why) in [
            ("cpu", "cpu", "expected `name=value`"),
            ("cpu=1,", "cpu=1,", "empty entry in TRES list"),
            (",cpu=1", ",cpu=1", "empty entry in TRES list"),
            ("cpu=", "cpu=", "expected a non-negative integer or -1"),
            ("cpu=x", "cpu=x", "expected a non-negative integer or -1"),
            ("cpu=-2", "cpu=-2", "expected a non-negative integer or -1"),
            (
                "cpu=1.5",
                "cpu=1.5",
                "expected a non-negative integer or -1",
            ),
            (
                "cpu=99999999999999999999",
                "cpu=99999999999999999999",
                "number too large",
            ),
            ("cpu=1,CPU=2", "CPU=2", "the same TRES is given twice"),
            ("cpu=1,cpu=-1", "cpu=-1", "the same TRES is given twice"),
            (
                "mem=1.5G",
                "mem=1.5G",
                "invalid memory size `1.5G`: fractional sizes are not allowed",
            ),
        ] {
            assert_eq!(
                text.parse::<TresLimits>(),
                Err(TresError::Invalid {
                    text: bad.to_owned(),
                    why: why.to_owned()
                }),
                "{text}"
            );
        }
        let err = "cpus=1".parse::<TresLimits>().unwrap_err();
        assert!(err.to_string().contains("`cpus`"), "{err}");
    }

    fn arb_key() -> impl Strategy<Value = GresKey> {
        (
            prop_oneof![Just("gpu"), Just("nvme"), Just("mps")],
            proptest::option::of(prop_oneof![Just("a100"), Just("h100"), Just("v100")]),
        )
            .prop_map(|(n, k)| GresKey {
                name: n.to_owned(),
                kind: k.map(str::to_owned),
            })
    }

    fn arb_tres(max: u64) -> impl Strategy<Value = Tres> {
        (
            0..=max as u32,
            0..=max as u32,
            0..=max,
            proptest::collection::btree_map(arb_key(), 1..=max, 0..5),
        )
            .prop_map(|(nodes, cpus, mib, gres)| Tres {
                nodes,
                cpus,
                memory: Memory::from_mib(mib),
                gres,
            })
    }

    fn arb_kind() -> impl Strategy<Value = TresKind> {
        prop_oneof![
            Just(TresKind::Cpu),
            Just(TresKind::Mem),
            Just(TresKind::Node),
            Just(TresKind::Billing),
            Just(TresKind::Energy),
            arb_key().prop_map(TresKind::Gres),
            "[a-zA-Z][a-zA-Z0-9_]{0,6}".prop_map(TresKind::License),
        ]
    }

    proptest! {
        #[test]
        fn add_then_sub_is_identity(a in arb_tres(1000), b in arb_tres(1000)) {
            let sum = a.checked_add(&b);
            prop_assert!(sum.is_ok());
            let sum = sum.unwrap_or_default();
            prop_assert!(b.fits_in(&sum));
            prop_assert_eq!(sum.checked_sub(&b), Ok(a));
        }

        #[test]
        fn sub_never_wraps(a in arb_tres(8), b in arb_tres(8)) {
            match a.checked_sub(&b) {
                Ok(left) => {
                    prop_assert!(b.fits_in(&a));
                    prop_assert!(left.nodes <= a.nodes && left.cpus <= a.cpus);
                    prop_assert!(left.memory <= a.memory);
                    for name in ["gpu", "nvme", "mps"] {
                        prop_assert_eq!(
                            left.gres_total(name) + b.gres_total(name),
                            a.gres_total(name)
                        );
                    }
                    prop_assert!(left.gres.values().all(|&n| n > 0));
                }
                Err(TresError::Underflow { available, wanted, .. }) => {
                    prop_assert!(!b.fits_in(&a));
                    prop_assert!(available < wanted);
                }
                Err(e) => prop_assert!(false, "unexpected error {e}"),
            }
        }

        #[test]
        fn limits_round_trip(entries in proptest::collection::vec((arb_kind(), any::<u64>()), 0..6)) {
            let mut map = IndexMap::new();
            for (k, v) in entries {
                map.entry(k).or_insert(v);
            }
            let limits = TresLimits(map);
            let shown = limits.to_string();
            prop_assert_eq!(shown.parse::<TresLimits>(), Ok(limits), "{}", shown);
        }

        #[test]
        fn parsers_never_panic(s in "\\PC{0,30}") {
            let _ = s.parse::<TresKind>();
            let _ = s.parse::<TresLimits>();
        }

        #[test]
        fn near_misses_never_panic(s in "(cpu|mem|node|gres/gpu|license/x|=|,|-1|[0-9]|[KMGT]){0,10}") {
            let _ = s.parse::<TresLimits>();
        }
    }
}
