//! Resolving a request against a cluster, and the resolved job's accessors.

use crate::boundary::{
    Failure, arg_ref, c_string, core_err, free, getter, guard, hpcsched_result, make, out_param,
};
use crate::cluster::hpcsched_cluster;
use crate::request::hpcsched_request;
use hpcsched::{ResolvedJob, ResolvedMemory, TimeLimit};
use std::ffi::{CString, c_char};
use std::mem::MaybeUninit;
use std::ptr;

/// A job as the cluster will schedule it: partition, node and task counts, CPUs, memory,
/// GRES and time limit after defaults and limits are applied.
///
/// Created by hpcsched_cluster_resolve and released with hpcsched_resolved_free. It does
/// not refer to the cluster or request it came from.
pub struct hpcsched_resolved {
    inner: ResolvedJob,
    partition: CString,
    pending_reason: Option<CString>,
    gres: Vec<GresEntry>,
}

struct GresEntry {
    name: CString,
    kind: Option<CString>,
    count: u64,
}

impl hpcsched_resolved {
    fn new(inner: ResolvedJob) -> Self {
        let partition = c_string(inner.partition());
        let pending_reason = inner.pending_reason().map(|r| c_string(&r.to_string()));
        let gres = inner
            .gres_per_node()
            .iter()
            .map(|g| GresEntry {
                name: c_string(&g.key.name),
                kind: g.key.kind.as_deref().map(c_string),
                count: g.count,
            })
            .collect();
        Self {
            inner,
            partition,
            pending_reason,
            gres,
        }
    }
}

/// How a resolved job's memory is counted.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum hpcsched_memory_kind {
    /// The amount is per allocated node.
    PerNode = 0,
    /// The amount is per allocated CPU.
    PerCpu = 1,
    /// The amount is per allocated GPU.
    PerGpu = 2,
    /// The job gets all the memory of each allocated node; the amount is 0.
    WholeNode = 3,
}

/// Resolves a request against a cluster the way slurmctld does at submit: picks the
/// partition, applies defaults (time, memory, tasks, CPUs) and checks limits.
///
/// On success stores a new resolved job in `*out`; the caller owns it and must release it
/// with hpcsched_resolved_free. When sbatch would reject the job, returns
/// HPCSCHED_RESULT_REJECTED, sets `*out` to NULL, and hpcsched_last_error_message gives
/// every reason. A job that would be accepted but pend forever is not rejected: see
/// hpcsched_resolved_pending_reason.
#[unsafe(no_mangle)]
pub extern "C" fn hpcsched_cluster_resolve(
    cluster: Option<&hpcsched_cluster>,
    request: Option<&hpcsched_request>,
    out: Option<&mut MaybeUninit<Option<Box<hpcsched_resolved>>>>,
) -> hpcsched_result {
    make(out, || {
        let cluster = arg_ref(cluster, "cluster")?;
        let request = arg_ref(request, "request")?;
        let job = cluster.inner.resolve(&request.inner).map_err(core_err)?;
        Ok(hpcsched_resolved::new(job))
    })
}

/// Releases a resolved job. Passing NULL does nothing. Strings borrowed from it become
/// invalid.
#[unsafe(no_mangle)]
pub extern "C" fn hpcsched_resolved_free(resolved: Option<Box<hpcsched_resolved>>) {
    free(resolved);
}

/// Shared body of the accessors: checks both arguments, zeroes the out-param, reads.
fn read<T: Default>(
    resolved: Option<&hpcsched_resolved>,
    out: Option<&mut T>,
    get: impl FnOnce(&hpcsched_resolved) -> T,
) -> hpcsched_result {
    getter(resolved, "resolved", out, T::default(), |r| Ok(get(r)))
}

/// Stores in `*out` the partition the job goes to first. The string is borrowed from
/// `resolved` and valid until it is released.
#[unsafe(no_mangle)]
pub extern "C" fn hpcsched_resolved_partition(
    resolved: Option<&hpcsched_resolved>,
    out: Option<&mut *const c_char>,
) -> hpcsched_result {
    getter(resolved, "resolved", out, ptr::null(), |r| {
        Ok(r.partition.as_ptr())
    })
}

/// Stores the minimum node count in `*out`.
#[unsafe(no_mangle)]
pub extern "C" fn hpcsched_resolved_min_nodes(
    resolved: Option<&hpcsched_resolved>,
    out: Option<&mut u32>,
) -> hpcsched_result {
    read(resolved, out, |r| r.inner.min_nodes())
}

/// Stores the maximum node count in `*out`.
#[unsafe(no_mangle)]
pub extern "C" fn hpcsched_resolved_max_nodes(
    resolved: Option<&hpcsched_resolved>,
    out: Option<&mut u32>,
) -> hpcsched_result {
    read(resolved, out, |r| r.inner.max_nodes())
}

/// Stores the number of tasks in `*out`.
#[unsafe(no_mangle)]
pub extern "C" fn hpcsched_resolved_ntasks(
    resolved: Option<&hpcsched_resolved>,
    out: Option<&mut u32>,
) -> hpcsched_result {
    read(resolved, out, |r| r.inner.ntasks())
}

/// Stores the number of CPUs per task in `*out`.
#[unsafe(no_mangle)]
pub extern "C" fn hpcsched_resolved_cpus_per_task(
    resolved: Option<&hpcsched_resolved>,
    out: Option<&mut u32>,
) -> hpcsched_result {
    read(resolved, out, |r| r.inner.cpus_per_task())
}

/// Stores in `*out` the least number of CPUs the job is allocated in total.
#[unsafe(no_mangle)]
pub extern "C" fn hpcsched_resolved_min_cpus(
    resolved: Option<&hpcsched_resolved>,
    out: Option<&mut u32>,
) -> hpcsched_result {
    read(resolved, out, |r| r.inner.min_cpus())
}

/// Stores how the job's memory is counted in `*kind` and the amount in MiB in `*mib`
/// (0 for HPCSCHED_MEMORY_KIND_WHOLE_NODE).
#[unsafe(no_mangle)]
pub extern "C" fn hpcsched_resolved_memory(
    resolved: Option<&hpcsched_resolved>,
    kind: Option<&mut hpcsched_memory_kind>,
    mib: Option<&mut u64>,
) -> hpcsched_result {
    guard(|| {
        let kind = out_param(kind, "kind", hpcsched_memory_kind::WholeNode)?;
        let mib = out_param(mib, "mib", 0)?;
        let resolved = arg_ref(resolved, "resolved")?;
        (*kind, *mib) = match resolved.inner.memory() {
            ResolvedMemory::PerNode(m) => (hpcsched_memory_kind::PerNode, m.mib()),
            ResolvedMemory::PerCpu(m) => (hpcsched_memory_kind::PerCpu, m.mib()),
            ResolvedMemory::PerGpu(m) => (hpcsched_memory_kind::PerGpu, m.mib()),
            ResolvedMemory::WholeNode => (hpcsched_memory_kind::WholeNode, 0),
        };
        Ok(())
    })
}

/// Stores the job's time limit: `*unlimited` is true for an unlimited job (and `*seconds`
/// is then 0), otherwise `*seconds` is the limit in seconds.
#[unsafe(no_mangle)]
pub extern "C" fn hpcsched_resolved_time_limit_seconds(
    resolved: Option<&hpcsched_resolved>,
    seconds: Option<&mut u64>,
    unlimited: Option<&mut bool>,
) -> hpcsched_result {
    guard(|| {
        let seconds = out_param(seconds, "seconds", 0)?;
        let unlimited = out_param(unlimited, "unlimited", false)?;
        let resolved = arg_ref(resolved, "resolved")?;
        match resolved.inner.time_limit() {
            TimeLimit::Limited(d) => *seconds = d.as_secs(),
            TimeLimit::Unlimited => *unlimited = true,
        }
        Ok(())
    })
}

/// Stores in `*out` how many GRES entries the job needs on each node.
#[unsafe(no_mangle)]
pub extern "C" fn hpcsched_resolved_gres_count(
    resolved: Option<&hpcsched_resolved>,
    out: Option<&mut usize>,
) -> hpcsched_result {
    read(resolved, out, |r| r.gres.len())
}

/// Stores GRES entry `index` (0-based, below hpcsched_resolved_gres_count): its name (e.g.
/// `gpu`) in `*name`, its type (e.g. `a100`) in `*type_` or NULL when untyped, and how many
/// per node in `*count`. The strings are borrowed from `resolved` and valid until it is
/// released. Returns HPCSCHED_RESULT_OUT_OF_RANGE for a bad index.
#[unsafe(no_mangle)]
pub extern "C" fn hpcsched_resolved_gres(
    resolved: Option<&hpcsched_resolved>,
    index: usize,
    name: Option<&mut *const c_char>,
    type_: Option<&mut *const c_char>,
    count: Option<&mut u64>,
) -> hpcsched_result {
    guard(|| {
        let name = out_param(name, "name", ptr::null())?;
        let type_ = out_param(type_, "type_", ptr::null())?;
        let count = out_param(count, "count", 0)?;
        let resolved = arg_ref(resolved, "resolved")?;
        let entry = resolved.gres.get(index).ok_or_else(|| {
            Failure::new(
                hpcsched_result::OutOfRange,
                format!(
                    "GRES index {index} out of range (job has {})",
                    resolved.gres.len()
                ),
            )
        })?;
        *name = entry.name.as_ptr();
        *type_ = entry.kind.as_ref().map_or(ptr::null(), |k| k.as_ptr());
        *count = entry.count;
        Ok(())
    })
}

/// Stores in `*out` whether the job is allocated whole nodes.
#[unsafe(no_mangle)]
pub extern "C" fn hpcsched_resolved_whole_nodes(
    resolved: Option<&hpcsched_resolved>,
    out: Option<&mut bool>,
) -> hpcsched_result {
    read(resolved, out, |r| r.inner.whole_nodes())
}

/// Stores in `*out` whether the job's nodes may hold only this user's jobs.
#[unsafe(no_mangle)]
pub extern "C" fn hpcsched_resolved_user_exclusive(
    resolved: Option<&hpcsched_resolved>,
    out: Option<&mut bool>,
) -> hpcsched_result {
    read(resolved, out, |r| r.inner.user_exclusive())
}

/// Stores in `*out` Slurm's reason string for a job that would be accepted but pend
/// forever as submitted (for example `PartitionTimeLimit`), or NULL when it can run. The
/// string is borrowed from `resolved` and valid until it is released.
#[unsafe(no_mangle)]
pub extern "C" fn hpcsched_resolved_pending_reason(
    resolved: Option<&hpcsched_resolved>,
    out: Option<&mut *const c_char>,
) -> hpcsched_result {
    guard(|| {
        let out = out_param(out, "out", ptr::null())?;
        let resolved = arg_ref(resolved, "resolved")?;
        *out = resolved
            .pending_reason
            .as_ref()
            .map_or(ptr::null(), |r| r.as_ptr());
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cluster::hpcsched_cluster_free;
    use crate::cluster::tests::cluster;
    use crate::request::hpcsched_request_free;
    use crate::request::tests::{SCRIPT, request};
    use crate::tests::{last_message, slot};
    use std::ffi::CStr;
    use std::ptr;

    fn resolve(script: &CStr) -> (hpcsched_result, Option<Box<hpcsched_resolved>>) {
        let c = cluster();
        let r = request(script);
        let mut out = None;
        let code = hpcsched_cluster_resolve(c.as_deref(), r.as_deref(), slot(&mut out));
        hpcsched_request_free(r);
        hpcsched_cluster_free(c);
        (code, out)
    }

    #[test]
    fn resolves_the_fields() {
        let (code, j) = resolve(SCRIPT);
        assert_eq!(code, hpcsched_result::Ok, "{}", last_message());
        // SAFETY: `j` is live until freed at the end; out-params are locals.
        unsafe {
            let mut s = ptr::null();
            assert_eq!(
                hpcsched_resolved_partition(j.as_deref(), Some(&mut s)),
                hpcsched_result::Ok
            );
            assert_eq!(CStr::from_ptr(s), c"cpu");
            let mut n = 0u32;
            hpcsched_resolved_min_nodes(j.as_deref(), Some(&mut n));
            assert_eq!(n, 2);
            hpcsched_resolved_max_nodes(j.as_deref(), Some(&mut n));
            assert_eq!(n, 2);
            hpcsched_resolved_ntasks(j.as_deref(), Some(&mut n));
            assert_eq!(n, 8);
            hpcsched_resolved_cpus_per_task(j.as_deref(), Some(&mut n));
            assert_eq!(n, 2);
            hpcsched_resolved_min_cpus(j.as_deref(), Some(&mut n));
            assert_eq!(n, 16);
            let (mut kind, mut mib) = (hpcsched_memory_kind::WholeNode, 0u64);
            hpcsched_resolved_memory(j.as_deref(), Some(&mut kind), Some(&mut mib));
            assert_eq!((kind, mib), (hpcsched_memory_kind::PerCpu, 4000));
            let (mut secs, mut unl) = (0u64, true);
            hpcsched_resolved_time_limit_seconds(j.as_deref(), Some(&mut secs), Some(&mut unl));
            assert_eq!((secs, unl), (7200, false));
            let mut count = 9usize;
            hpcsched_resolved_gres_count(j.as_deref(), Some(&mut count));
            assert_eq!(count, 0);
            let mut b = true;
            hpcsched_resolved_whole_nodes(j.as_deref(), Some(&mut b));
            assert!(!b);
            b = true;
            hpcsched_resolved_user_exclusive(j.as_deref(), Some(&mut b));
            assert!(!b);
            s = c"x".as_ptr();
            assert_eq!(
                hpcsched_resolved_pending_reason(j.as_deref(), Some(&mut s)),
                hpcsched_result::Ok
            );
            assert!(s.is_null());
            hpcsched_resolved_free(j);
        }
    }

    #[test]
    fn gres_entries() {
        let (code, j) = resolve(
            c"#!/bin/bash\n#SBATCH -p gpu\n#SBATCH --gres=gpu:a100:2\n#SBATCH -t 30\nhostname\n",
        );
        assert_eq!(code, hpcsched_result::Ok, "{}", last_message());
        // SAFETY: `j` is live until freed at the end; out-params are locals.
        unsafe {
            let mut count = 0usize;
            hpcsched_resolved_gres_count(j.as_deref(), Some(&mut count));
            assert_eq!(count, 1);
            let (mut name, mut kind, mut n) = (ptr::null(), ptr::null(), 0u64);
            let code = hpcsched_resolved_gres(
                j.as_deref(),
                0,
                Some(&mut name),
                Some(&mut kind),
                Some(&mut n),
            );
            assert_eq!(code, hpcsched_result::Ok);
            assert_eq!(CStr::from_ptr(name), c"gpu");
            assert_eq!(CStr::from_ptr(kind), c"a100");
            assert_eq!(n, 2);
            let code = hpcsched_resolved_gres(
                j.as_deref(),
                1,
                Some(&mut name),
                Some(&mut kind),
                Some(&mut n),
            );
            assert_eq!(code, hpcsched_result::OutOfRange);
            assert!(name.is_null() && kind.is_null() && n == 0);
            assert_eq!(last_message(), "GRES index 1 out of range (job has 1)");
            let (mut secs, mut unl) = (0u64, true);
            hpcsched_resolved_time_limit_seconds(j.as_deref(), Some(&mut secs), Some(&mut unl));
            assert_eq!((secs, unl), (1800, false));
            hpcsched_resolved_free(j);
        }
    }

    #[test]
    fn unlimited_pending_and_exclusive() {
        // UNLIMITED on a 7-day partition: accepted (EnforcePartLimits=NO) but pends forever.
        let (code, j) = resolve(c"#!/bin/bash\n#SBATCH -t UNLIMITED --exclusive=user\nhostname\n");
        assert_eq!(code, hpcsched_result::Ok, "{}", last_message());
        // SAFETY: `j` is live until freed at the end; out-params are locals.
        unsafe {
            let (mut secs, mut unl) = (5u64, false);
            hpcsched_resolved_time_limit_seconds(j.as_deref(), Some(&mut secs), Some(&mut unl));
            assert_eq!((secs, unl), (0, true));
            let mut s = ptr::null();
            assert_eq!(
                hpcsched_resolved_pending_reason(j.as_deref(), Some(&mut s)),
                hpcsched_result::Ok
            );
            assert_eq!(CStr::from_ptr(s), c"PartitionTimeLimit");
            let mut b = false;
            hpcsched_resolved_user_exclusive(j.as_deref(), Some(&mut b));
            assert!(b);
            hpcsched_resolved_free(j);
        }
        let (code, j) = resolve(c"#!/bin/bash\n#SBATCH --exclusive\nhostname\n");
        assert_eq!(code, hpcsched_result::Ok, "{}", last_message());
        let mut b = false;
        hpcsched_resolved_whole_nodes(j.as_deref(), Some(&mut b));
        assert!(b);
        hpcsched_resolved_free(j);
    }

    #[test]
    fn rejected_jobs_set_the_message() {
        let (code, j) = resolve(c"#!/bin/bash\n#SBATCH -p nosuch\nhostname\n");
        assert_eq!(code, hpcsched_result::Rejected);
        assert!(j.is_none());
        assert!(last_message().contains("nosuch"), "{}", last_message());
    }

    #[test]
    fn null_arguments() {
        let mut out = None;
        let code = hpcsched_cluster_resolve(None, None, slot(&mut out));
        assert_eq!(code, hpcsched_result::NullArgument);
        assert_eq!(last_message(), "argument `cluster` is NULL");
        let mut n = 5u32;
        assert_eq!(
            hpcsched_resolved_ntasks(None, Some(&mut n)),
            hpcsched_result::NullArgument
        );
        assert_eq!(n, 0);
        let (mut kind, mut mib) = (hpcsched_memory_kind::PerCpu, 1u64);
        assert_eq!(
            hpcsched_resolved_memory(None, Some(&mut kind), Some(&mut mib)),
            hpcsched_result::NullArgument
        );
        assert_eq!(
            hpcsched_resolved_memory(None, None, Some(&mut mib)),
            hpcsched_result::NullArgument
        );
        assert_eq!(last_message(), "argument `kind` is NULL");
        let mut unl = false;
        assert_eq!(
            hpcsched_resolved_time_limit_seconds(None, None, Some(&mut unl)),
            hpcsched_result::NullArgument
        );
        let mut s = ptr::null();
        assert_eq!(
            hpcsched_resolved_partition(None, Some(&mut s)),
            hpcsched_result::NullArgument
        );
        assert_eq!(
            hpcsched_resolved_pending_reason(None, Some(&mut s)),
            hpcsched_result::NullArgument
        );
        hpcsched_resolved_free(None);
    }
}
