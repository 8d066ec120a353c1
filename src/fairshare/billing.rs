//! `TRESBillingWeights` (a PartitionName key in Slurm 22.05; `PartitionName=DEFAULT` gives
//! it to every partition) and a job's billable TRES, the number fair-share usage is
//! counted in.
//!
//! Facts from Slurm 22.05: `_tres_weight_item()` in `src/common/slurm_protocol_api.c`
//! (items split on `,`, `TYPE[/NAME]=WEIGHT`, TRES looked up case-insensitively, the weight
//! read by `strtod` and a unit letter after it dividing the weight by 1024 per step above
//! the TRES's base unit: MiB for `mem` and `bb`, none otherwise, via
//! `get_convert_unit_val()`); `assoc_mgr_tres_weighted()` in `src/common/assoc_mgr.c`
//! (no weights: the CPU count; `SUM`; with `MAX_TRES` the maximum of `cpu`, `mem`, `node`
//! and every `gres/*` plus the sum of the others; `billing` itself never counts).

use crate::gres::GresKey;
use crate::priority::PriorityFlags;
use crate::tres::Tres;
use serde::{Deserialize, Serialize};

/// Why a `TRESBillingWeights` value was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BillingError {
    /// An item without `=WEIGHT`.
    #[error("\"{0}\" is an invalid TRES weight entry")]
    Entry(String),
    /// A TRES type Slurm does not know.
    #[error("TRES weight '{0}' is not a configured TRES type")]
    UnknownTres(String),
    /// A unit letter other than K, M, G, T or P after the weight.
    #[error("invalid unit '{unit}' in TRES weight '{item}': expected K, M, G, T or P")]
    Unit {
        /// The item.
        item: String,
        /// The letter.
        unit: char,
    },
}

/// The TRES a weight applies to.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub enum BillingTres {
    /// `CPU`.
    Cpu,
    /// `Mem`, counted in MiB.
    Mem,
    /// `Node`.
    Node,
    /// `GRES/name[:type]`: untyped counts every type of `name`.
    Gres(GresKey),
    /// A TRES hpcsched allocates none of (`energy`, `billing`, `fs/disk`, `vmem`,
    /// `pages`, `license/*`, `bb/*`), lower-cased as written: its count is 0.
    Other(String),
}

impl BillingTres {
    /// Whether `MAX_TRES` counts it per node (`cpu`, `mem`, `node`, type `gres`).
    fn node_level(&self) -> bool {
        matches!(
            self,
            BillingTres::Cpu | BillingTres::Mem | BillingTres::Node | BillingTres::Gres(_)
        )
    }

    fn count(&self, alloc: &Tres) -> f64 {
        match self {
            BillingTres::Cpu => f64::from(alloc.cpus),
            BillingTres::Mem => alloc.memory.mib() as f64,
            BillingTres::Node => f64::from(alloc.nodes),
            BillingTres::Gres(key) => match &key.kind {
                None => alloc.gres_total(&key.name) as f64,
                Some(kind) => alloc
                    .gres
                    .iter()
                    .filter(|(k, _)| k.name == key.name && k.kind.as_deref() == Some(kind))
                    .map(|(_, &n)| n as f64)
                    .sum(),
            },
            BillingTres::Other(_) => 0.0,
        }
    }
}

/// A parsed `TRESBillingWeights` value: weights per TRES, in the order written (a TRES
/// written twice keeps its last weight, as Slurm's weight array does).
///
/// ```
/// use hpcsched::fairshare::BillingWeights;
/// use hpcsched::{Memory, Tres};
/// use hpcsched::priority::PriorityFlags;
/// let w = BillingWeights::parse("CPU=1.0,Mem=0.25G,GRES/gpu=2.0")?;
/// let job = Tres { nodes: 1, cpus: 1, memory: Memory::from_mib(8192), ..Tres::default() };
/// // slurm.conf.5's example: (1*1.0) + (8*0.25) + (0*2.0) = 3.0; with MAX_TRES 2.0.
/// assert_eq!(w.billable(&job, PriorityFlags::default()), 3.0);
/// assert_eq!(w.billable(&job, PriorityFlags::parse("MAX_TRES")), 2.0);
/// # Ok::<(), hpcsched::fairshare::BillingError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct BillingWeights {
    /// (TRES, weight per unit of its count), the unit suffix already applied.
    pub weights: Vec<(BillingTres, f64)>,
}

impl BillingWeights {
    /// Reads a `TRESBillingWeights` value. An empty value gives no weights (Slurm's
    /// `slurm_get_tres_weight_array()` returns NULL for it: CPUs are billed).
    ///
    /// hpcsched has no `AccountingStorageTRES`, so every `GRES/name` is taken as
    /// configured (Slurm refuses one that is not).
    ///
    /// # Errors
    /// [`BillingError`] for an item without `=`, an unknown TRES type or a bad unit.
    pub fn parse(text: &str) -> Result<Self, BillingError> {
        let mut weights: Vec<(BillingTres, f64)> = Vec::new();
        // strtok_r skips empty tokens, so `a,,b` and a trailing comma are fine.
        for item in text.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            let (tres, value) = item
                .split_once('=')
                .filter(|(t, v)| !t.is_empty() && !v.is_empty())
                .ok_or_else(|| BillingError::Entry(item.to_owned()))?;
            let tres = tres_of(tres)?;
            let (mut weight, rest) = strtod(value);
            if let Some(unit) = rest.chars().next() {
                let step = unit_step(unit).ok_or_else(|| BillingError::Unit {
                    item: item.to_owned(),
                    unit,
                })?;
                let base = if matches!(tres, BillingTres::Mem)
                    || matches!(&tres, BillingTres::Other(o) if o.starts_with("bb/"))
                {
                    2
                } else {
                    0
                };
                // get_convert_unit_val(): 1024 per step above the base unit; at or
                // below it (Mem=1M, Mem=1K) the weight is left as written.
                if step > base {
                    weight /= 1024f64.powi(step - base);
                }
            }
            if let Some(slot) = weights.iter_mut().find(|(t, _)| *t == tres) {
                slot.1 = weight;
            } else {
                weights.push((tres, weight));
            }
        }
        Ok(Self { weights })
    }

    /// The billable TRES of an allocation: the weighted sum, or with
    /// [`PriorityFlags::MAX_TRES`] the largest weighted node-level TRES plus the sum of
    /// the others. `MAX_TRES_GRES` counts as `MAX_TRES`, as Slurm 22.05's substring
    /// match reads it.
    #[must_use]
    pub fn billable(&self, alloc: &Tres, flags: PriorityFlags) -> f64 {
        let max_tres = flags.intersects(PriorityFlags::MAX_TRES | PriorityFlags::MAX_TRES_GRES);
        // Both start at 0, so negative node-level weights never go below 0 under MAX_TRES.
        let mut node = 0.0f64;
        let mut global = 0.0f64;
        for (tres, weight) in &self.weights {
            if matches!(tres, BillingTres::Other(o) if o == "billing") {
                continue;
            }
            let value = tres.count(alloc) * weight;
            if max_tres && tres.node_level() {
                node = node.max(value);
            } else {
                global += value;
            }
        }
        node + global
    }
}

/// The billable TRES of `alloc` under optional weights: without weights, its CPU count.
///
/// ```
/// use hpcsched::fairshare::billing::billable;
/// use hpcsched::Tres;
/// assert_eq!(billable(None, &Tres { cpus: 12, ..Tres::default() }, Default::default()), 12.0);
/// ```
#[must_use]
pub fn billable(weights: Option<&BillingWeights>, alloc: &Tres, flags: PriorityFlags) -> f64 {
    match weights {
        Some(w) if !w.weights.is_empty() => w.billable(alloc, flags),
        _ => f64::from(alloc.cpus),
    }
}

fn tres_of(text: &str) -> Result<BillingTres, BillingError> {
    let lower = text.to_ascii_lowercase();
    let (ty, name) = match lower.split_once('/') {
        Some((t, n)) => (t, Some(n)),
        None => (lower.as_str(), None),
    };
    let unknown = || BillingError::UnknownTres(text.to_owned());
    Ok(match (ty, name) {
        ("cpu", None) => BillingTres::Cpu,
        ("mem", None) => BillingTres::Mem,
        ("node", None) => BillingTres::Node,
        ("energy" | "billing" | "vmem" | "pages", None) => BillingTres::Other(lower.clone()),
        ("gres", Some(n)) if !n.is_empty() => {
            let key = match n.split_once(':') {
                Some((g, k)) => GresKey {
                    name: g.to_owned(),
                    kind: Some(k.to_owned()),
                },
                None => GresKey {
                    name: n.to_owned(),
                    kind: None,
                },
            };
            BillingTres::Gres(key)
        }
        ("fs" | "license" | "bb", Some(n)) if !n.is_empty() => BillingTres::Other(lower.clone()),
        _ => return Err(unknown()),
    })
}

/// The step of a unit letter in Slurm's "\0KMGTP" (case-insensitive).
fn unit_step(c: char) -> Option<i32> {
    match c.to_ascii_uppercase() {
        'K' => Some(1),
        'M' => Some(2),
        'G' => Some(3),
        'T' => Some(4),
        'P' => Some(5),
        _ => None,
    }
}

/// C `strtod` on decimal text: the longest leading number (0 when there is none) and
/// the rest. Hex floats, `inf` and `nan` are not read.
fn strtod(s: &str) -> (f64, &str) {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() && b[i].is_ascii_whitespace() {
        i += 1;
    }
    let start = i;
    if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
        i += 1;
    }
    let int_start = i;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
    }
    let mut digits = i - int_start;
    if i < b.len() && b[i] == b'.' {
        let frac_start = i + 1;
        let mut j = frac_start;
        while j < b.len() && b[j].is_ascii_digit() {
            j += 1;
        }
        digits += j - frac_start;
        if digits > 0 {
            i = j;
        }
    }
    if digits == 0 {
        return (0.0, s);
    }
    // An exponent only counts when digits follow it (`2E` is 2 and the unit `E`).
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        let mut j = i + 1;
        if j < b.len() && (b[j] == b'+' || b[j] == b'-') {
            j += 1;
        }
        let exp_digits = j;
        while j < b.len() && b[j].is_ascii_digit() {
            j += 1;
        }
        if j > exp_digits {
            i = j;
        }
    }
    let value = s[start..i].parse::<f64>().unwrap_or(0.0);
    (value, &s[i..])
}

#[cfg(test)]
// Expected values are exact in binary (halves, quarters) or the very same computation.
#[allow(clippy::float_cmp)]
mod tests {
    use super::*;
    use crate::memory::Memory;

    fn job(cpus: u32, mem_mib: u64, nodes: u32, gpus: &[(&str, u64)]) -> Tres {
        let mut t = Tres {
            nodes,
            cpus,
            memory: Memory::from_mib(mem_mib),
            ..Tres::default()
        };
        for (kind, n) in gpus {
            t.gres.insert(GresKey::typed("gpu", *kind), *n);
        }
        t
    }

    #[test]
    fn units_divide_above_the_base_unit() -> Result<(), BillingError> {
        let w = BillingWeights::parse("cpu=2K,MEM=1g,Mem=.5t")?;
        // CPU base unit is none: K divides by 1024. Mem written twice keeps the last.
        assert_eq!(w.weights[0], (BillingTres::Cpu, 2.0 / 1024.0));
        assert_eq!(w.weights[1], (BillingTres::Mem, 0.5 / 1024.0 / 1024.0));
        assert_eq!(w.weights.len(), 2);
        // At or below MiB, Mem's weight is as written.
        let w = BillingWeights::parse("Mem=3M,Node=1K")?;
        assert_eq!(w.weights[0].1, 3.0);
        assert_eq!(w.weights[1].1, 1.0 / 1024.0);
        Ok(())
    }

    #[test]
    fn refusals() {
        assert_eq!(
            BillingWeights::parse("CPU"),
            Err(BillingError::Entry("CPU".into()))
        );
        assert_eq!(
            BillingWeights::parse("CPU="),
            Err(BillingError::Entry("CPU=".into()))
        );
        assert_eq!(
            BillingWeights::parse("Colour=1"),
            Err(BillingError::UnknownTres("Colour".into()))
        );
        assert_eq!(
            BillingWeights::parse("gres=1"),
            Err(BillingError::UnknownTres("gres".into()))
        );
        assert!(matches!(
            BillingWeights::parse("CPU=1X"),
            Err(BillingError::Unit { unit: 'X', .. })
        ));
        // `2E` is the number 2 followed by an unknown unit E, as strtod reads it.
        assert!(matches!(
            BillingWeights::parse("CPU=2E"),
            Err(BillingError::Unit { unit: 'E', .. })
        ));
        assert_eq!(
            BillingWeights::parse("CPU=1e1").map(|w| w.weights[0].1),
            Ok(10.0)
        );
    }

    #[test]
    fn gres_typed_and_untyped() -> Result<(), BillingError> {
        let alloc = job(4, 0, 1, &[("a100", 2), ("h100", 1)]);
        let w = BillingWeights::parse("GRES/gpu=10,GRES/gpu:h100=100")?;
        assert_eq!(w.billable(&alloc, PriorityFlags::default()), 30.0 + 100.0);
        // MAX_TRES: both are node-level; the max wins, nothing global.
        assert_eq!(w.billable(&alloc, PriorityFlags::parse("MAX_TRES")), 100.0);
        Ok(())
    }

    #[test]
    fn max_tres_adds_global_tres_and_floors_node_at_zero() -> Result<(), BillingError> {
        let alloc = job(8, 4096, 2, &[]);
        let w = BillingWeights::parse("CPU=-1,Node=-2,energy=5,billing=100")?;
        assert_eq!(w.billable(&alloc, PriorityFlags::default()), -12.0);
        assert_eq!(w.billable(&alloc, PriorityFlags::parse("MAX_TRES")), 0.0);
        let w = BillingWeights::parse("CPU=1,Mem=1G,Node=3")?;
        assert_eq!(
            w.billable(&alloc, PriorityFlags::default()),
            8.0 + 4.0 + 6.0
        );
        assert_eq!(w.billable(&alloc, PriorityFlags::parse("MAX_TRES")), 8.0);
        Ok(())
    }

    #[test]
    fn no_weights_bill_cpus() -> Result<(), BillingError> {
        let alloc = job(6, 1000, 1, &[]);
        assert_eq!(billable(None, &alloc, PriorityFlags::default()), 6.0);
        let empty = BillingWeights::parse(" , ")?;
        assert_eq!(
            billable(Some(&empty), &alloc, PriorityFlags::default()),
            6.0
        );
        Ok(())
    }
}
