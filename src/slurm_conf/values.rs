//! A key's value and where it was written, read the way Slurm reads values: numbers
//! (`s_p_handle_uint*()`), booleans, time limits in minutes, preempt modes, comma lists and
//! node states; and the default memory of a partition or of the cluster.

use super::ConfError;
use crate::memory::Memory;
use crate::node::NodeState;
use crate::partition::DefMem;
use crate::preempt::{PreemptMode, PreemptModeError};
use crate::time::{Duration, TimeLimit};

/// A key's value and where it was written.
#[derive(Debug, Clone)]
pub(super) struct Entry {
    pub(super) line: usize,
    /// The key as written.
    pub(super) key: String,
    pub(super) value: String,
}

impl Entry {
    pub(super) fn err(&self, why: impl Into<String>) -> ConfError {
        ConfError::Value {
            line: self.line,
            key: self.key.clone(),
            value: self.value.clone(),
            why: why.into(),
        }
    }

    /// Slurm's `s_p_handle_uint*()`: C `strtoul(base 0)` with an optional `k` (×1024)
    /// suffix; `UNLIMITED`/`INFINITE` give `infinite`; more than `max` is an error.
    pub(super) fn uint(&self, max: u64, infinite: u64) -> Result<u64, ConfError> {
        let v = self.value.as_str();
        if v.eq_ignore_ascii_case("UNLIMITED") || v.eq_ignore_ascii_case("INFINITE") {
            return Ok(infinite);
        }
        if v.starts_with('-') {
            return Err(self.err("less than zero"));
        }
        let v = v.strip_prefix('+').unwrap_or(v);
        let (body, kilo) = match v.strip_suffix(['k', 'K']) {
            Some(b) if !b.is_empty() && !b.eq_ignore_ascii_case("0x") => (b, true),
            _ => (v, false),
        };
        let parsed = if let Some(hex) = body.strip_prefix("0x").or_else(|| body.strip_prefix("0X"))
        {
            u64::from_str_radix(hex, 16)
        } else if body.len() > 1 && body.starts_with('0') {
            u64::from_str_radix(&body[1..], 8)
        } else {
            body.parse::<u64>()
        };
        let n = parsed.map_err(|_| self.err("not a valid number"))?;
        let n = if kilo {
            n.checked_mul(1024)
                .ok_or_else(|| self.err("out of range"))?
        } else {
            n
        };
        if n > max {
            return Err(self.err(format!("greater than {max}")));
        }
        Ok(n)
    }

    pub(super) fn u16(&self) -> Result<u16, ConfError> {
        Ok(self.uint(u64::from(u16::MAX), u64::from(u16::MAX))? as u16)
    }

    pub(super) fn u32(&self) -> Result<u32, ConfError> {
        Ok(self.uint(u64::from(u32::MAX), u64::from(u32::MAX))? as u32)
    }

    pub(super) fn u64(&self) -> Result<u64, ConfError> {
        self.uint(u64::MAX, u64::MAX)
    }

    /// Slurm's `s_p_handle_boolean()`.
    pub(super) fn boolean(&self) -> Result<bool, ConfError> {
        let v = self.value.as_str();
        if ["yes", "up", "true", "1"]
            .iter()
            .any(|t| v.eq_ignore_ascii_case(t))
        {
            Ok(true)
        } else if ["no", "down", "false", "0"]
            .iter()
            .any(|t| v.eq_ignore_ascii_case(t))
        {
            Ok(false)
        } else {
            Err(self.err("expected YES or NO"))
        }
    }

    /// A time limit as `time_str2mins()` reads it: whole minutes, seconds rounded up.
    pub(super) fn minutes(&self) -> Result<TimeLimit, ConfError> {
        let limit: TimeLimit = self.value.parse().map_err(|e| self.err(format!("{e}")))?;
        Ok(match limit {
            TimeLimit::Limited(d) => {
                TimeLimit::Limited(Duration::from_mins(d.as_secs().div_ceil(60)))
            }
            TimeLimit::Unlimited => TimeLimit::Unlimited,
        })
    }

    pub(super) fn preempt_mode(&self) -> Result<PreemptMode, ConfError> {
        self.value
            .parse()
            .map_err(|e: PreemptModeError| self.err(e.to_string()))
    }

    /// A comma list, entries trimmed, empty entries dropped.
    pub(super) fn list(&self) -> Vec<String> {
        split_list(&self.value)
    }
}

fn split_list(s: &str) -> Vec<String> {
    s.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// Node `State=` as `state_str2int()` reads it.
pub(super) fn node_state(e: &Entry) -> Result<NodeState, ConfError> {
    let v = e.value.to_ascii_uppercase();
    Ok(match v.as_str() {
        "UNKNOWN" | "IDLE" | "ALLOCATED" | "MIXED" | "ERROR" => NodeState::empty(),
        "DOWN" => NodeState::DOWN,
        "FUTURE" => NodeState::FUTURE,
        _ if v.starts_with("CLOUD") => NodeState::CLOUD | NodeState::POWERED_DOWN,
        _ if v.starts_with("EXTERNAL") => NodeState::empty(),
        _ if v.starts_with("DRAIN") => NodeState::DRAIN,
        _ if v.starts_with("FAIL") => NodeState::FAIL,
        _ => {
            return Err(e.err("expected CLOUD, DOWN, DRAIN, FAIL, FAILING, FUTURE or UNKNOWN"));
        }
    })
}

/// Default memory: `DefMemPerNode` wins over `DefMemPerCPU` (Slurm ignores the latter with
/// an error in its log); hpcsched holds one default, so `DefMemPerGPU` applies only when
/// neither is set.
pub(super) fn def_mem(
    node: Option<&Entry>,
    cpu: Option<&Entry>,
    gpu: Option<&Entry>,
    warn: &mut impl FnMut(&str, String),
) -> Result<Option<DefMem>, ConfError> {
    if let Some(node) = node {
        if let Some(cpu) = cpu {
            warn(
                &cpu.key,
                "DefMemPerCPU ignored: mutually exclusive with DefMemPerNode".into(),
            );
        }
        if let Some(gpu) = gpu {
            warn(
                &gpu.key,
                "DefMemPerGPU ignored: DefMemPerNode is set".into(),
            );
        }
        return Ok(Some(DefMem::PerNode(Memory::from_mib(node.u64()?))));
    }
    if let Some(cpu) = cpu {
        if let Some(gpu) = gpu {
            warn(&gpu.key, "DefMemPerGPU ignored: DefMemPerCPU is set".into());
        }
        return Ok(Some(DefMem::PerCpu(Memory::from_mib(cpu.u64()?))));
    }
    gpu.map(|g| Ok(DefMem::PerGpu(Memory::from_mib(g.u64()?))))
        .transpose()
}
