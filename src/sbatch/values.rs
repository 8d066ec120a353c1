//! The value parsers and printers sbatch options use, in one place, with their errors
//! turned into the message an [`super::OptionError::InvalidValue`] carries.
//!
//! Every printer yields text that the matching parser reads back to an equal value.

use crate::array::ArraySpec;
use crate::constraint::Constraint;
use crate::dependency::Dependency;
use crate::gres::{self, GresSpec};
use crate::hostlist;
use crate::memory::Memory;
use crate::request::NodeCount;
use crate::time::{self, BeginTime, TimeLimit};

fn msg(e: impl std::fmt::Display) -> String {
    e.to_string()
}

/// `--mem`, `--mem-per-cpu`, `--mem-per-gpu` (`str_to_mbytes()`).
pub(crate) fn memory(s: &str) -> Result<Memory, String> {
    s.parse().map_err(msg)
}

/// `--gres` (after `none`/`help` were handled by the caller).
pub(crate) fn gres_list(s: &str) -> Result<Vec<GresSpec>, String> {
    gres::parse_list(s).map_err(msg)
}

/// `--gpus`, `--gpus-per-node`: `[type:]N`. sbatch also takes a comma list of types
/// (`volta:3,kepler:1`), which [`crate::request::JobRequest`] cannot hold (one
/// [`GresSpec`] per field), so more than one entry is rejected.
pub(crate) fn gpus(s: &str) -> Result<GresSpec, String> {
    let mut list = GresSpec::parse_gpus(s).map_err(msg)?;
    match (list.pop(), list.is_empty()) {
        (Some(one), true) => Ok(one),
        (Some(_), false) => Err("more than one GPU type in one request is not supported".into()),
        (None, _) => Err("empty GPU specification".into()),
    }
}

/// `--time`, `--time-min`: rounded up to whole minutes, `0` = unlimited.
pub(crate) fn job_time(s: &str) -> Result<TimeLimit, String> {
    time::parse_job_time(s).map_err(msg)
}

/// `--begin`, `--deadline`.
pub(crate) fn begin(s: &str) -> Result<BeginTime, String> {
    s.parse().map_err(msg)
}

/// `--constraint`.
pub(crate) fn constraint(s: &str) -> Result<Constraint, String> {
    s.parse().map_err(msg)
}

/// `--nodelist`, `--exclude`.
pub(crate) fn hostlist(s: &str) -> Result<Vec<String>, String> {
    hostlist::expand(s).map_err(msg)
}

/// `--dependency`.
pub(crate) fn dependency(s: &str) -> Result<Dependency, String> {
    s.parse().map_err(msg)
}

/// `--array`.
pub(crate) fn array(s: &str) -> Result<ArraySpec, String> {
    s.parse().map_err(msg)
}

pub(crate) fn memory_str(m: Memory) -> String {
    m.to_string()
}

pub(crate) fn gres_list_str(g: &[GresSpec]) -> String {
    gres::display_list(g)
}

pub(crate) fn time_str(t: TimeLimit) -> String {
    t.to_string()
}

pub(crate) fn begin_str(b: &BeginTime) -> String {
    b.to_string()
}

pub(crate) fn constraint_str(c: &Constraint) -> String {
    c.to_string()
}

pub(crate) fn hostlist_str(hosts: &[String]) -> String {
    hostlist::compress(hosts)
}

pub(crate) fn dependency_str(d: &Dependency) -> String {
    d.to_string()
}

pub(crate) fn array_str(a: &ArraySpec) -> String {
    a.to_string()
}

/// `strtol`-style decimal: optional leading whitespace and sign, then digits only.
fn parse_decimal(s: &str) -> Result<i64, String> {
    let t = s.trim_start();
    let (neg, digits) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err("not a number".into());
    }
    let n: i64 = digits
        .parse()
        .map_err(|_| "number out of range".to_owned())?;
    Ok(if neg { -n } else { n })
}

/// `parse_int(name, arg, positive=true)` in Slurm's `proc_args.c`: 1 to `INT_MAX - 1`.
pub(crate) fn parse_positive(s: &str) -> Result<u32, String> {
    let n = parse_decimal(s)?;
    if n <= 0 {
        return Err("must be a positive integer".into());
    }
    if n >= i64::from(i32::MAX) {
        return Err("too large".into());
    }
    Ok(n as u32)
}

/// `NICE_OFFSET - 3`: the largest nice adjustment sbatch accepts.
const MAX_NICE: i64 = 0x8000_0000 - 3;

pub(crate) fn parse_nice(s: &str) -> Result<i32, String> {
    let n = parse_decimal(s)?;
    if n.abs() > MAX_NICE {
        return Err(format!("out of range (+/- {MAX_NICE})"));
    }
    Ok(n as i32)
}

/// `NO_VAL - 1`: the value sbatch sends for `--priority=TOP`.
pub(crate) const PRIORITY_TOP: u32 = 0xffff_fffd;

pub(crate) fn parse_priority(s: &str) -> Result<u32, String> {
    if s.eq_ignore_ascii_case("top") {
        return Ok(PRIORITY_TOP);
    }
    let n = parse_decimal(s)?;
    if n < 0 {
        return Err("must be >= 0".into());
    }
    // NO_VAL (0xfffffffe) and above are reserved.
    if n >= 0xffff_fffe {
        return Err("must be < 4294967294".into());
    }
    Ok(n as u32)
}

/// `str_to_nodes()`: a count with an optional `k` (x1024) or `m` (x1048576) suffix.
/// `Ok(None)` means "no digits at all" (Slurm's -1), which a range minimum turns into 1.
fn str_to_nodes(s: &str) -> Result<Option<u32>, String> {
    let t = s.trim();
    let digits_end = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (digits, suffix) = t.split_at(digits_end);
    if digits.is_empty() {
        return if suffix.is_empty() {
            Ok(None)
        } else {
            Err(format!("`{s}` is not a valid node count"))
        };
    }
    let n: u64 = digits.parse().map_err(|_| format!("`{s}` is too large"))?;
    let mult: u64 = match suffix {
        "" => 1,
        "k" | "K" => 1024,
        "m" | "M" => 1024 * 1024,
        _ => return Err(format!("`{s}` is not a valid node count")),
    };
    let n = n.saturating_mul(mult);
    if n > u64::from(i32::MAX.unsigned_abs()) {
        return Err(format!("`{s}` is too large"));
    }
    Ok(Some(n as u32))
}

/// `verify_node_count()`: `N`, or `min-max`.
pub(crate) fn parse_nodes(s: &str) -> Result<NodeCount, String> {
    if s.contains([',', ':']) {
        return Err("node-count size lists (`1,5,9`, `1-15:4`) are not supported".into());
    }
    if let Some((lo, hi)) = s.split_once('-') {
        // An empty minimum means 1, as in Slurm.
        let min = str_to_nodes(lo)?.unwrap_or(1);
        let max = str_to_nodes(hi)?.ok_or_else(|| format!("`{s}` has no maximum node count"))?;
        if max == 0 && min > 0 {
            // Slurm reads a maximum of 0 as "no maximum"; NodeCount has no way to say that.
            return Err("a maximum node count of 0 is not supported; give only the minimum or a real maximum".into());
        }
        if max < min {
            return Err(format!(
                "maximum node count {max} is less than minimum node count {min}"
            ));
        }
        Ok(NodeCount { min, max })
    } else {
        let n = str_to_nodes(s)?.ok_or_else(|| format!("`{s}` is not a valid node count"))?;
        Ok(NodeCount { min: n, max: n })
    }
}

/// Renders a `--gpus`/`--gpus-per-node` value: `[type:]N`.
pub(crate) fn gpus_value(g: &GresSpec) -> String {
    match &g.key.kind {
        Some(kind) => format!("{kind}:{}", g.count),
        None => g.count.to_string(),
    }
}
