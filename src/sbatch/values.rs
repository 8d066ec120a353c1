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
