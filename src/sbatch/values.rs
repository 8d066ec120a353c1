//! The value parsers and printers sbatch options use, in one place, with their errors
//! turned into the message an [`super::OptionError::InvalidValue`] carries.

use crate::array::ArraySpec;
use crate::constraint::Constraint;
use crate::dependency::Dependency;
use crate::gres::GresSpec;
use crate::memory::Memory;
use crate::time::{BeginTime, TimeLimit};

pub(crate) fn memory(s: &str) -> Result<Memory, String> {
    let _ = s;
    Err("value parser not merged yet".into())
}

pub(crate) fn gres_list(s: &str) -> Result<Vec<GresSpec>, String> {
    let _ = s;
    Err("value parser not merged yet".into())
}

pub(crate) fn gpus(s: &str) -> Result<GresSpec, String> {
    let _ = s;
    Err("value parser not merged yet".into())
}

pub(crate) fn job_time(s: &str) -> Result<TimeLimit, String> {
    let _ = s;
    Err("value parser not merged yet".into())
}

pub(crate) fn begin(s: &str) -> Result<BeginTime, String> {
    let _ = s;
    Err("value parser not merged yet".into())
}

pub(crate) fn constraint(s: &str) -> Result<Constraint, String> {
    let _ = s;
    Err("value parser not merged yet".into())
}

pub(crate) fn hostlist(s: &str) -> Result<Vec<String>, String> {
    let _ = s;
    Err("value parser not merged yet".into())
}

pub(crate) fn dependency(s: &str) -> Result<Dependency, String> {
    let _ = s;
    Err("value parser not merged yet".into())
}

pub(crate) fn array(s: &str) -> Result<ArraySpec, String> {
    let _ = s;
    Err("value parser not merged yet".into())
}

// Printers: each yields text the matching parser above reads back to the same value.

pub(crate) fn memory_str(m: Memory) -> String {
    let _ = m;
    String::new()
}

pub(crate) fn gres_list_str(g: &[GresSpec]) -> String {
    let _ = g;
    String::new()
}

pub(crate) fn time_str(t: TimeLimit) -> String {
    let _ = t;
    String::new()
}

pub(crate) fn begin_str(b: &BeginTime) -> String {
    let _ = b;
    String::new()
}

pub(crate) fn constraint_str(c: &Constraint) -> String {
    let _ = c;
    String::new()
}

pub(crate) fn hostlist_str(hosts: &[String]) -> String {
    let _ = hosts;
    String::new()
}

pub(crate) fn dependency_str(d: &Dependency) -> String {
    let _ = d;
    String::new()
}

pub(crate) fn array_str(a: &ArraySpec) -> String {
    let _ = a;
    String::new()
}
