//! Global keys (one per line, outside any record): the scheduler configuration
//! ([`SchedConfig`]) read from them once the whole file is read.

use super::ConfError;
use super::keys::{GLOBAL_MODELLED, find_name};
use super::reader::Reader;
use super::values::def_mem;
use crate::cluster::ConfWarning;
use crate::memory::Memory;
use crate::preempt::PreemptMode;
use crate::sched_config::{
    DependencyParameters, EnforcePartLimits, SchedConfig, SchedulerParameters,
};
use crate::time::{Duration, TimeLimit};

impl Reader {
    /// Reads the honoured global keys, as `_validate_and_set_defaults()` does after the
    /// whole file is read.
    pub(super) fn config(&mut self) -> Result<SchedConfig, ConfError> {
        let mut c = SchedConfig::default();
        let g = std::mem::take(&mut self.globals);
        let get = |k: &str| g.get(k);
        let string = |k: &str, into: &mut String| {
            if let Some(e) = get(k) {
                into.clone_from(&e.value);
            }
        };
        if let Some(e) = get("AccountingStorageEnforce") {
            e.value
                .parse::<crate::accounts::Enforce>()
                .map_err(|why| e.err(why.to_string()))?;
            c.accounting_storage_enforce = Some(e.value.clone());
        }
        string("SchedulerType", &mut c.scheduler_type);
        string("SelectType", &mut c.select_type);
        string("SelectTypeParameters", &mut c.select_type_parameters);
        string("SchedulerParameters", &mut c.scheduler_parameters);
        string("PriorityType", &mut c.priority_type);
        if let Some(e) = get("PreemptType") {
            c.preempt_type = e.value.parse().map_err(|why: String| e.err(why))?;
        }
        if let Some(e) = get("PreemptExemptTime") {
            // `time_str2secs()`: the time-limit forms; -1 (or 0) leaves it unset.
            c.preempt_exempt_time = if e.value.trim() == "-1" {
                None
            } else {
                match e.value.parse::<TimeLimit>() {
                    Ok(TimeLimit::Limited(d)) if d.as_secs() > 0 => Some(d),
                    Ok(_) => None,
                    Err(why) => return Err(e.err(why.to_string())),
                }
            };
        }
        if let Some(e) = get("SchedulerParameters") {
            for message in SchedulerParameters::parse(&e.value).1 {
                self.warn(e.line, &e.key, message);
            }
        }
        for (k, field) in [
            ("PriorityWeightAge", &mut c.priority_weight_age),
            ("PriorityWeightFairshare", &mut c.priority_weight_fairshare),
            ("PriorityWeightJobSize", &mut c.priority_weight_job_size),
            ("PriorityWeightPartition", &mut c.priority_weight_partition),
            ("PriorityWeightQOS", &mut c.priority_weight_qos),
            ("PriorityWeightAssoc", &mut c.priority_weight_assoc),
        ] {
            if let Some(e) = get(k) {
                *field = e.u32()?;
            }
        }
        c.priority_weight_tres = get("PriorityWeightTRES").map(|e| e.value.clone());
        c.priority_flags = get("PriorityFlags").map(|e| e.value.clone());
        if let Some(e) = get("PriorityMaxAge") {
            c.priority_max_age = match e.minutes()? {
                TimeLimit::Limited(d) => d,
                TimeLimit::Unlimited => Duration::from_mins(u64::from(u32::MAX)),
            };
        }
        // read_config.c: time strings in minutes; INFINITE is -1 minute times 60 stored
        // in a uint32, so 4294967236 s (decay all but off).
        if let Some(e) = get("PriorityDecayHalfLife") {
            c.priority_decay_half_life = match e.minutes()? {
                TimeLimit::Limited(d) => d,
                TimeLimit::Unlimited => Duration::from_secs(4_294_967_236),
            };
        }
        if let Some(e) = get("PriorityCalcPeriod") {
            c.priority_calc_period = match e.minutes()? {
                TimeLimit::Limited(d) if d.as_secs() >= 60 => d,
                _ => return Err(e.err("the period must be at least 1 minute")),
            };
        }
        if let Some(e) = get("PriorityUsageResetPeriod") {
            c.priority_usage_reset_period = e.value.trim().parse().map_err(|m: String| e.err(m))?;
        } else if c.priority_decay_half_life.is_zero() {
            // Slurm refuses this too: usage would only ever grow.
            if let Some(e) = get("PriorityDecayHalfLife") {
                return Err(e.err(
                    "with no decay, PriorityUsageResetPeriod must be set, or usage only grows",
                ));
            }
        }
        if let Some(e) = get("FairShareDampeningFactor") {
            let v = e.u16()?;
            // Slurm accepts 0 and divides by it (factors become 0 or NaN).
            if v == 0 {
                return Err(e.err("must be at least 1 (0 would divide by zero)"));
            }
            c.fair_share_dampening_factor = v;
        }
        if let Some(e) = get("OverTimeLimit") {
            c.over_time_limit = e.minutes()?;
        }
        if let Some(e) = get("MinJobAge") {
            c.min_job_age = Duration::from_secs(u64::from(e.u32()?));
        }
        if let Some(e) = get("PriorityFavorSmall") {
            c.priority_favor_small = e.boolean()?;
        }
        if let Some(e) = get("DefMemPerGPU") {
            c.def_mem_per_gpu = Some(Memory::from_mib(e.u64()?)).filter(|m| m.mib() > 0);
        }
        if let Some(e) = get("DefCPUPerGPU") {
            c.def_cpu_per_gpu = Some(e.u32()?).filter(|&n| n > 0);
        }
        if let Some(e) = get("DisableRootJobs") {
            c.disable_root_jobs = e.boolean()?;
        }
        if let Some(e) = get("JobRequeue") {
            c.job_requeue = e.uint(1, 1)? == 1;
        }
        c.slurm_user = get("SlurmUser").map(|e| e.value.clone());
        // hpcsched allocates CPUs (cores, or threads counted as CPUs); whole sockets and
        // least-loaded placement are not modelled.
        if let Some(e) = get("SelectTypeParameters") {
            let v = e.value.to_ascii_lowercase();
            if v.contains("cr_socket") || v.contains("cr_lln") {
                return Err(ConfError::Unsupported {
                    line: e.line,
                    key: e.key.clone(),
                    value: e.value.clone(),
                    why: "whole-socket allocation (CR_Socket) and least-loaded placement \
                          (CR_LLN) are not modelled"
                        .into(),
                });
            }
        }
        // The scheduler reads these through priority::PriorityType; reject here what it
        // could not use, with the line that says it.
        if let Err(err) = crate::priority::PriorityType::from_config(&c) {
            let key = match err {
                crate::priority::PriorityError::UnknownType(_) => "PriorityType",
                _ => "PriorityWeightTRES",
            };
            if let Some(e) = get(key) {
                return Err(e.err(err.to_string()));
            }
        }
        if let Some(e) = get("EnforcePartLimits") {
            let v = e.value.to_ascii_lowercase();
            c.enforce_part_limits = match v.as_str() {
                "yes" | "up" | "true" | "1" | "any" => EnforcePartLimits::Any,
                "no" | "down" | "false" | "0" => EnforcePartLimits::No,
                "all" => EnforcePartLimits::All,
                _ => return Err(e.err("expected NO, ANY or ALL")),
            };
        }
        if let Some(e) = get("PreemptMode") {
            let mode = e.preempt_mode()?;
            if mode == PreemptMode::SUSPEND {
                return Err(e.err("PreemptMode=SUSPEND requires GANG too"));
            }
            c.preempt_mode = mode;
        }
        let preempt_none = c.preempt_type == crate::preempt::PreemptType::None;
        if preempt_none && !(c.preempt_mode - PreemptMode::GANG).is_empty() {
            let e = get("PreemptMode").or_else(|| get("PreemptType"));
            if let Some(e) = e {
                return Err(e.err("PreemptType and PreemptMode values incompatible"));
            }
        }
        // A preemption plugin with the mode OFF is just as fatal (`_validate_and_set_defaults()`).
        if !preempt_none && (c.preempt_mode - PreemptMode::GANG - PreemptMode::WITHIN).is_empty() {
            let e = get("PreemptType").or_else(|| get("PreemptMode"));
            if let Some(e) = e {
                return Err(e.err("PreemptType and PreemptMode values incompatible"));
            }
        }
        let mut warn = |key: &str, message: String| {
            let line = g
                .get(find_name(GLOBAL_MODELLED, key).unwrap_or(key))
                .map_or(0, |e| e.line);
            self.warnings.push(ConfWarning {
                line,
                key: key.to_string(),
                message,
            });
        };
        c.def_mem = def_mem(get("DefMemPerNode"), get("DefMemPerCPU"), None, &mut warn)?;
        match (get("MaxMemPerNode"), get("MaxMemPerCPU")) {
            (Some(node), cpu) => {
                if let Some(cpu) = cpu {
                    warn(
                        &cpu.key,
                        "MaxMemPerCPU ignored: mutually exclusive with MaxMemPerNode".into(),
                    );
                }
                c.max_mem_per_node = Some(Memory::from_mib(node.u64()?));
            }
            (None, Some(cpu)) => c.max_mem_per_cpu = Some(Memory::from_mib(cpu.u64()?)),
            (None, None) => {}
        }
        if let Some(e) = get("MaxArraySize") {
            c.max_array_size = e.u32()?;
            if c.max_array_size > 4_000_001 {
                warn(
                    &e.key,
                    format!(
                        "MaxArraySize value ({}) is greater than 4000001",
                        c.max_array_size
                    ),
                );
            }
        }
        if let Some(e) = get("DependencyParameters") {
            c.dependency_parameters = Some(e.value.clone());
            for message in DependencyParameters::parse(&e.value).1 {
                warn(&e.key, message);
            }
        }
        Ok(c)
    }
}
