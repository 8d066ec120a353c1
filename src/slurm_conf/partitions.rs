//! `PartitionName` lines: a line's keys with `PartitionName=DEFAULT`'s (less the keys Slurm
//! reads from the line only), and the partition a line defines.

use super::ConfError;
use super::keys::{PARTITION_KEYS, PARTITION_LINE_ONLY};
use super::lexer::Token;
use super::reader::{Reader, Resolved};
use super::values::{Entry, def_mem};
use crate::cluster::{Cluster, ConfWarning};
use crate::hostlist;
use crate::memory::Memory;
use crate::partition::{MaxMem, OverSubscribe, Partition, PartitionState};
use crate::preempt::PreemptMode;
use crate::time::Duration;

impl Reader {
    pub(super) fn partition_line(
        &mut self,
        line: usize,
        tokens: &[Token],
    ) -> Result<(), ConfError> {
        let Some(first) = tokens.first() else {
            return Ok(());
        };
        let rec = self.record(line, tokens, PARTITION_KEYS, "PartitionName")?;
        let name = Entry {
            line,
            key: first.key.clone(),
            value: first.value.clone(),
        };
        if name.value.eq_ignore_ascii_case("DEFAULT") {
            self.partition_default.extend(rec);
            return Ok(());
        }
        let mut keys = rec;
        for (k, v) in &self.partition_default {
            if !keys.contains_key(k) && !PARTITION_LINE_ONLY.contains(k) {
                keys.insert(k, v.clone());
            }
        }
        self.partitions.push(Resolved { line, name, keys });
        Ok(())
    }

    pub(super) fn build_partition(
        &mut self,
        rec: &Resolved,
        cluster: &Cluster,
    ) -> Result<Partition, ConfError> {
        let mut p = Partition::new(rec.name.value.clone(), Vec::new());
        let line = rec.line;
        let mut warn = |key: &str, message: String| {
            self.warnings.push(ConfWarning {
                line,
                key: key.to_string(),
                message,
            });
        };

        if let Some(e) = rec.get("Nodes") {
            p.nodes = partition_nodes(e, cluster)?;
        }
        if let Some(e) = rec.get("MaxTime") {
            p.max_time = e.minutes()?;
        }
        if let Some(e) = rec.get("DefaultTime") {
            p.default_time = Some(e.minutes()?);
        }
        if let Some(e) = rec.get("MaxNodes") {
            let n = e.u32()?;
            p.max_nodes = (n != u32::MAX).then_some(n);
        }
        if let Some(e) = rec.get("MinNodes") {
            p.min_nodes = e.u32()?;
        }
        if let Some(e) = rec.get("OverSubscribe").or_else(|| rec.get("Shared")) {
            p.oversubscribe = oversubscribe(e, &mut warn)?;
        }
        if let Some(e) = rec.get("ExclusiveUser") {
            p.exclusive_user = e.boolean()?;
        }
        if let Some(e) = rec.get("ExclusiveTopo")
            && e.boolean()?
        {
            {
                if p.exclusive_user {
                    warn(
                        "ExclusiveUser",
                        "ExclusiveUser ignored: mutually exclusive with ExclusiveTopo".into(),
                    );
                    p.exclusive_user = false;
                }
                warn(
                    &e.key,
                    "topology exclusivity is not modelled: treated as whole-node exclusive".into(),
                );
                p.oversubscribe = OverSubscribe::Exclusive;
            }
        }
        if let Some(e) = rec.get("Exclusive") {
            p.exclusive_user = false;
            match e.value.to_ascii_uppercase().as_str() {
                "NO" | "NONE" => {
                    if p.oversubscribe == OverSubscribe::Exclusive {
                        p.oversubscribe = OverSubscribe::No;
                    }
                }
                "NODE" => p.oversubscribe = OverSubscribe::Exclusive,
                "USER" => p.exclusive_user = true,
                "TOPO" => {
                    warn(
                        &e.key,
                        "topology exclusivity is not modelled: treated as whole-node exclusive"
                            .into(),
                    );
                    p.oversubscribe = OverSubscribe::Exclusive;
                }
                _ => return Err(e.err("expected NO, NODE, USER or TOPO")),
            }
        }
        if let Some(e) = rec.get("TRESBillingWeights") {
            let w = crate::fairshare::BillingWeights::parse(&e.value)
                .map_err(|err| e.err(err.to_string()))?;
            p.billing_weights = Some(w).filter(|w| !w.weights.is_empty());
        }
        if let Some(e) = rec.get("PriorityJobFactor") {
            p.priority_job_factor = e.u16()?;
        }
        if let Some(e) = rec.get("PriorityTier") {
            p.priority_tier = e.u16()?;
        }
        // Legacy `Priority=` sets both, and wins.
        if let Some(e) = rec.get("Priority") {
            let v = e.u16()?;
            p.priority_job_factor = v;
            p.priority_tier = v;
        }
        // Account and QOS names are lower-cased, as Slurm does; `ALL` means no restriction.
        let lower_list = |e: &Entry| -> Vec<String> {
            e.list()
                .into_iter()
                .map(|s| s.to_ascii_lowercase())
                .collect()
        };
        if let Some(e) = rec.get("AllowAccounts")
            && !e.value.eq_ignore_ascii_case("ALL")
        {
            p.allow_accounts = Some(lower_list(e));
        }
        if let Some(e) = rec.get("DenyAccounts") {
            if p.allow_accounts.is_some() {
                warn(
                    &e.key,
                    "DenyAccounts ignored: AllowAccounts is also set".into(),
                );
            } else {
                p.deny_accounts = lower_list(e);
            }
        }
        if let Some(e) = rec.get("AllowQos")
            && !e.value.eq_ignore_ascii_case("ALL")
        {
            p.allow_qos = Some(lower_list(e));
        }
        if let Some(e) = rec.get("DenyQos") {
            if p.allow_qos.is_some() {
                warn(&e.key, "DenyQos ignored: AllowQos is also set".into());
            } else {
                p.deny_qos = lower_list(e);
            }
        }
        if let Some(e) = rec.get("State") {
            p.state = e
                .value
                .parse::<PartitionState>()
                .map_err(|_| e.err("expected UP, DOWN, DRAIN or INACTIVE"))?;
        }
        if let Some(e) = rec.get("Default") {
            p.is_default = e.boolean()?;
        }
        if let Some(e) = rec.get("QOS") {
            p.qos = Some(e.value.clone());
        }
        p.def_mem = def_mem(
            rec.get("DefMemPerNode"),
            rec.get("DefMemPerCPU"),
            rec.get("DefMemPerGPU"),
            &mut warn,
        )?;
        match (rec.get("MaxMemPerNode"), rec.get("MaxMemPerCPU")) {
            (Some(node), cpu) => {
                if let Some(cpu) = cpu {
                    warn(
                        &cpu.key,
                        "MaxMemPerCPU ignored: mutually exclusive with MaxMemPerNode".into(),
                    );
                }
                p.max_mem = Some(MaxMem::PerNode(Memory::from_mib(node.u64()?)));
            }
            (None, Some(cpu)) => p.max_mem = Some(MaxMem::PerCpu(Memory::from_mib(cpu.u64()?))),
            (None, None) => {}
        }
        if let Some(e) = rec.get("PreemptMode") {
            let mut mode = e.preempt_mode()?;
            if mode.contains(PreemptMode::GANG) {
                warn(
                    &e.key,
                    "PreemptMode=GANG is a cluster-wide option and cannot be set per partition: \
                     ignored"
                        .into(),
                );
                mode.remove(PreemptMode::GANG);
            }
            p.preempt_mode = Some(mode);
        }
        if let Some(e) = rec.get("GraceTime") {
            p.grace_time = Duration::from_secs(u64::from(e.u32()?));
        }
        if let Some(e) = rec.get("MaxCPUsPerNode") {
            let n = e.u32()?;
            p.max_cpus_per_node = (n != u32::MAX).then_some(n);
        }
        if let Some(e) = rec.get("DefCPUPerGPU") {
            p.def_cpu_per_gpu = Some(e.u32()?);
        }
        if let Some(e) = rec.get("OverTimeLimit") {
            p.over_time_limit = Some(e.minutes()?);
        }
        if let Some(e) = rec.get("ReqResv") {
            p.req_resv = e.boolean()?;
        }
        if let Some(e) = rec.get("RootOnly") {
            p.root_only = e.boolean()?;
        }
        if let Some(e) = rec.get("DisableRootJobs") {
            p.disable_root_jobs = Some(e.boolean()?);
        }
        Ok(p)
    }
}

/// `Nodes=`: a hostlist (blanks act as commas) or `ALL`; returned in node definition order,
/// as slurmctld's partition bitmap holds them.
fn partition_nodes(e: &Entry, cluster: &Cluster) -> Result<Vec<String>, ConfError> {
    if e.value.trim().eq_ignore_ascii_case("ALL") {
        return Ok(cluster.nodes().map(|n| n.name.clone()).collect());
    }
    let list: String = e
        .value
        .chars()
        .map(|c| if c.is_whitespace() { ',' } else { c })
        .collect();
    let list = list.trim_matches(',');
    if list.is_empty() {
        return Ok(Vec::new());
    }
    let names = hostlist::expand(list).map_err(|err| e.err(err.to_string()))?;
    if let Some(unknown) = names.iter().find(|n| cluster.node(n).is_none()) {
        // Let the cluster report it, so the error is the same as for a direct call.
        return Ok(vec![unknown.clone()]);
    }
    let wanted: std::collections::BTreeSet<&str> = names.iter().map(String::as_str).collect();
    Ok(cluster
        .nodes()
        .filter(|n| wanted.contains(n.name.as_str()))
        .map(|n| n.name.clone())
        .collect())
}

/// `OverSubscribe=`/`Shared=` as `_parse_partitionname()` reads it.
fn oversubscribe(
    e: &Entry,
    warn: &mut impl FnMut(&str, String),
) -> Result<OverSubscribe, ConfError> {
    let v = e.value.to_ascii_uppercase();
    // C `strtol()` of the count: leading digits only, 0 when there are none.
    let count = |text: &str| -> i64 {
        let text = text.trim_start();
        let (neg, digits) = text
            .strip_prefix('-')
            .map_or((false, text), |rest| (true, rest));
        let n = digits
            .bytes()
            .take_while(u8::is_ascii_digit)
            .fold(0i64, |acc, b| {
                acc.saturating_mul(10).saturating_add(i64::from(b - b'0'))
            });
        if neg { -n } else { n }
    };
    let mut bad = |why: &str| {
        warn(
            &e.key,
            format!("ignoring bad {} value {}: {why}; using NO", e.key, e.value),
        );
        OverSubscribe::No
    };
    Ok(if v == "NO" {
        OverSubscribe::No
    } else if v == "EXCLUSIVE" {
        OverSubscribe::Exclusive
    } else if let Some(n) = v.strip_prefix("YES:") {
        match count(n) {
            i if i <= 1 => bad("the count must be more than 1"),
            i => OverSubscribe::Yes(u32::try_from(i).unwrap_or(u32::MAX)),
        }
    } else if v == "YES" {
        OverSubscribe::Yes(4)
    } else if let Some(n) = v.strip_prefix("FORCE:") {
        match count(n) {
            i if i < 1 => bad("the count must be at least 1"),
            i => OverSubscribe::Force(u32::try_from(i).unwrap_or(u32::MAX)),
        }
    } else if v == "FORCE" {
        OverSubscribe::Force(4)
    } else {
        return Err(e.err("expected NO, YES[:N], FORCE[:N] or EXCLUSIVE"));
    })
}
