//! The cluster handle: built from slurm.conf text, extended with QOS definitions, queried
//! for its nodes and partitions.

use crate::boundary::{
    Failure, arg_mut, arg_ref, arg_str, arg_strs, c_string, core_err, free, guard, hpcsched_result,
    make, out_param,
};
use hpcsched::Cluster;
use std::ffi::{CString, c_char};
use std::mem::MaybeUninit;
use std::ptr;

/// A cluster: nodes, partitions, QOS and scheduler settings.
///
/// Created by hpcsched_cluster_from_slurm_conf and released with hpcsched_cluster_free.
/// Read-only functions may be called on one cluster from several threads at once;
/// hpcsched_cluster_add_qos, hpcsched_cluster_add_sacctmgr (and the other accounts
/// functions), hpcsched_cluster_add_plugstack and hpcsched_cluster_add_spank_plugin need
/// exclusive access.
pub struct hpcsched_cluster {
    pub(crate) inner: Cluster,
    /// Partition names in definition order, kept as C strings so they can be lent out.
    partition_names: Vec<CString>,
}

impl hpcsched_cluster {
    fn new(inner: Cluster) -> Self {
        let partition_names = inner.partitions().map(|p| c_string(&p.name)).collect();
        Self {
            inner,
            partition_names,
        }
    }
}

/// Builds a cluster from slurm.conf text (NodeName and PartitionName lines, scheduler keys).
///
/// On success stores a new cluster in `*out`; the caller owns it and must release it with
/// hpcsched_cluster_free. On failure `*out` is set to NULL and the result is
/// HPCSCHED_RESULT_PARSE_ERROR (or NULL_ARGUMENT / INVALID_UTF8); the message and the
/// offending line are available from hpcsched_last_error_message and
/// hpcsched_last_error_line.
///
/// # Safety
/// `text` is NULL or a NUL-terminated string; `out` is NULL or valid for writing a pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hpcsched_cluster_from_slurm_conf(
    text: *const c_char,
    out: Option<&mut MaybeUninit<Option<Box<hpcsched_cluster>>>>,
) -> hpcsched_result {
    make(out, || {
        // SAFETY: per this function's contract.
        let text = unsafe { arg_str(text, "text") }?;
        let cluster = Cluster::from_slurm_conf(text).map_err(core_err)?;
        Ok(hpcsched_cluster::new(cluster))
    })
}

/// Adds QOS definitions, one `sacctmgr add qos NAME Key=Value...` per line (blank lines and
/// `#` comments allowed).
///
/// All or nothing: on any error (HPCSCHED_RESULT_PARSE_ERROR with the line, for instance a
/// QOS defined twice) the cluster is left unchanged. Strings previously borrowed from this
/// cluster stay valid.
///
/// # Safety
/// `cluster` is NULL or a live cluster no other thread is using; `text` is NULL or a
/// NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hpcsched_cluster_add_qos(
    cluster: Option<&mut hpcsched_cluster>,
    text: *const c_char,
) -> hpcsched_result {
    guard(|| {
        let cluster = arg_mut(cluster, "cluster")?;
        // SAFETY: per this function's contract.
        let text = unsafe { arg_str(text, "text") }?;
        hpcsched::cluster::add_qos_text(&mut cluster.inner, text).map_err(core_err)
    })
}

/// Applies a `sacctmgr` admin script, one command per line (the `sacctmgr [-i]` prefix is
/// optional; blank lines and `#` comments allowed): `add cluster`, `add|modify qos`,
/// `add|modify|delete account` and `add|modify|delete user`. QOS lines are read first, so
/// an account may name any QOS of the cluster or of the script; the first association
/// tree also creates the `normal` QOS when the cluster has none, as slurmdbd does. Jobs
/// then run under their user's association (default account and QOS), its limits and
/// fair-share.
///
/// All or nothing: on any error (HPCSCHED_RESULT_PARSE_ERROR with the line, for instance
/// "line 2: This account 'nope' doesn't exist.") the cluster is left unchanged.
///
/// # Safety
/// `cluster` is NULL or a live cluster no other thread is using; `text` is NULL or a
/// NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hpcsched_cluster_add_sacctmgr(
    cluster: Option<&mut hpcsched_cluster>,
    text: *const c_char,
) -> hpcsched_result {
    // SAFETY: per this function's contract.
    unsafe { change_accounts(cluster, text, Cluster::add_sacctmgr_text) }
}

/// Replaces the cluster's association tree with that of a file `sacctmgr dump` wrote
/// (`Cluster - 'NAME':...`, `Parent - '...'`, `Account - '...'`, `User - '...'` lines).
/// The QOS it names must exist (`normal` is created when the cluster has none). All or
/// nothing, as hpcsched_cluster_add_sacctmgr.
///
/// # Safety
/// As for hpcsched_cluster_add_sacctmgr.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hpcsched_cluster_load_sacctmgr_dump(
    cluster: Option<&mut hpcsched_cluster>,
    text: *const c_char,
) -> hpcsched_result {
    // SAFETY: per this function's contract.
    unsafe { change_accounts(cluster, text, Cluster::load_sacctmgr_dump) }
}

/// Reads accounts text as `hpcsched simulate --accounts FILE` does: a `sacctmgr dump` file
/// (told apart by its `Cluster - 'NAME'` line) as hpcsched_cluster_load_sacctmgr_dump,
/// anything else as an admin script (hpcsched_cluster_add_sacctmgr). All or nothing.
///
/// # Safety
/// As for hpcsched_cluster_add_sacctmgr.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hpcsched_cluster_add_accounts(
    cluster: Option<&mut hpcsched_cluster>,
    text: *const c_char,
) -> hpcsched_result {
    // SAFETY: per this function's contract.
    unsafe { change_accounts(cluster, text, Cluster::add_accounts_text) }
}

/// Shared body of the accounts changes: a mutable cluster, a text, a core change.
///
/// # Safety
/// `text` is NULL or a NUL-terminated string.
unsafe fn change_accounts(
    cluster: Option<&mut hpcsched_cluster>,
    text: *const c_char,
    change: impl FnOnce(&mut Cluster, &str) -> Result<(), hpcsched::ClusterError>,
) -> hpcsched_result {
    guard(|| {
        let cluster = arg_mut(cluster, "cluster")?;
        // SAFETY: per the caller's contract.
        let text = unsafe { arg_str(text, "text") }?;
        change(&mut cluster.inner, text).map_err(core_err)
    })
}

/// Stores in `*out` the cluster's association tree as `sacctmgr dump` writes it, or NULL
/// when the cluster has none (which is not an error). The string is owned by the caller
/// and released with hpcsched_string_free; hpcsched_cluster_load_sacctmgr_dump reads it
/// back.
#[unsafe(no_mangle)]
pub extern "C" fn hpcsched_cluster_dump_accounts(
    cluster: Option<&hpcsched_cluster>,
    out: Option<&mut *mut c_char>,
) -> hpcsched_result {
    guard(|| {
        let out = out_param(out, "out", ptr::null_mut())?;
        let cluster = arg_ref(cluster, "cluster")?;
        if let Some(accounts) = cluster.inner.accounts() {
            *out = c_string(&hpcsched::accounts::dump::write(accounts)).into_raw();
        }
        Ok(())
    })
}

/// Reads plugstack.conf text and adds the SPANK plugins it lists, so that sbatch, srun and
/// salloc accept their options (pyxis is built in; another plugin must first be declared
/// with hpcsched_cluster_add_spank_plugin). The core does no file I/O: on success `*includes`
/// receives the patterns of the text's `include` lines, each followed by a newline ("" when
/// there are none), for the caller to read and add the same way; it is owned by the caller
/// and released with hpcsched_string_free. `includes` may be NULL when they are not wanted.
///
/// All or nothing: on any error (HPCSCHED_RESULT_PARSE_ERROR with the line, for instance an
/// unknown plugin) the cluster is unchanged.
///
/// # Safety
/// `cluster` is NULL or a live cluster no other thread is using; `text` is NULL or a
/// NUL-terminated string; `includes` is NULL or valid for writing a pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hpcsched_cluster_add_plugstack(
    cluster: Option<&mut hpcsched_cluster>,
    text: *const c_char,
    includes: Option<&mut *mut c_char>,
) -> hpcsched_result {
    guard(|| {
        // Optional: NULL when the caller does not want the patterns.
        let includes = includes.map(|out| {
            *out = ptr::null_mut();
            out
        });
        let cluster = arg_mut(cluster, "cluster")?;
        // SAFETY: per this function's contract.
        let text = unsafe { arg_str(text, "text") }?;
        let found = cluster.inner.add_plugstack(text).map_err(core_err)?;
        if let Some(out) = includes {
            let mut joined = String::new();
            for include in &found {
                joined.push_str(&include.pattern);
                joined.push('\n');
            }
            *out = c_string(&joined).into_raw();
        }
        Ok(())
    })
}

/// Adds a SPANK plugin. With `options` NULL, the plugin built into hpcsched named `name`
/// (`"pyxis"`); otherwise a plugin declared with its `count` options, each `NAME` (a flag),
/// `NAME=` (takes a value) or `NAME[=]` (takes an optional value), seen by sbatch, srun and
/// salloc. HPCSCHED_RESULT_INVALID_ARGUMENT when the name is not built in, an option name
/// is invalid or is one of Slurm's or another plugin's; the cluster is then unchanged.
///
/// # Safety
/// `cluster` is NULL or a live cluster no other thread is using; `name` is NULL or a
/// NUL-terminated string; `options` is NULL, or points to `count` pointers that are each
/// NULL or a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hpcsched_cluster_add_spank_plugin(
    cluster: Option<&mut hpcsched_cluster>,
    name: *const c_char,
    options: *const *const c_char,
    count: usize,
) -> hpcsched_result {
    guard(|| {
        let cluster = arg_mut(cluster, "cluster")?;
        // SAFETY: per this function's contract.
        let name = unsafe { arg_str(name, "name") }?;
        let specs = if options.is_null() {
            None
        } else {
            // SAFETY: per this function's contract.
            Some(unsafe { arg_strs(options, count, "options") }?)
        };
        cluster
            .inner
            .add_spank_plugin_named(name, specs.as_deref())
            .map_err(core_err)
    })
}

/// Releases a cluster. Passing NULL does nothing.
///
/// Strings borrowed from the cluster become invalid. Resolved jobs and requests are
/// independent objects and stay valid.
#[unsafe(no_mangle)]
pub extern "C" fn hpcsched_cluster_free(cluster: Option<Box<hpcsched_cluster>>) {
    free(cluster);
}

/// Stores the number of nodes in `*out`.
#[unsafe(no_mangle)]
pub extern "C" fn hpcsched_cluster_node_count(
    cluster: Option<&hpcsched_cluster>,
    out: Option<&mut usize>,
) -> hpcsched_result {
    guard(|| {
        let out = out_param(out, "out", 0)?;
        let cluster = arg_ref(cluster, "cluster")?;
        *out = cluster.inner.nodes().len();
        Ok(())
    })
}

/// Stores the number of partitions in `*out`.
#[unsafe(no_mangle)]
pub extern "C" fn hpcsched_cluster_partition_count(
    cluster: Option<&hpcsched_cluster>,
    out: Option<&mut usize>,
) -> hpcsched_result {
    guard(|| {
        let out = out_param(out, "out", 0)?;
        let cluster = arg_ref(cluster, "cluster")?;
        *out = cluster.partition_names.len();
        Ok(())
    })
}

/// Stores in `*out` the name of partition `index` (0-based, slurm.conf order).
///
/// The string is borrowed from the cluster and valid until the cluster is released.
/// Returns HPCSCHED_RESULT_OUT_OF_RANGE (and `*out` = NULL) when `index` is not below
/// hpcsched_cluster_partition_count.
#[unsafe(no_mangle)]
pub extern "C" fn hpcsched_cluster_partition_name(
    cluster: Option<&hpcsched_cluster>,
    index: usize,
    out: Option<&mut *const c_char>,
) -> hpcsched_result {
    guard(|| {
        let out = out_param(out, "out", ptr::null())?;
        let cluster = arg_ref(cluster, "cluster")?;
        let names = &cluster.partition_names;
        let name = names.get(index).ok_or_else(|| {
            Failure::new(
                hpcsched_result::OutOfRange,
                format!(
                    "partition index {index} out of range (cluster has {})",
                    names.len()
                ),
            )
        })?;
        *out = name.as_ptr();
        Ok(())
    })
}

/// Stores in `*out` the name of the Default=YES partition, or NULL when there is none
/// (which is not an error).
///
/// The string is borrowed from the cluster and valid until the cluster is released.
#[unsafe(no_mangle)]
pub extern "C" fn hpcsched_cluster_default_partition(
    cluster: Option<&hpcsched_cluster>,
    out: Option<&mut *const c_char>,
) -> hpcsched_result {
    guard(|| {
        let out = out_param(out, "out", ptr::null())?;
        let cluster = arg_ref(cluster, "cluster")?;
        if let Some(default) = cluster.inner.default_partition() {
            let index = cluster
                .inner
                .partitions()
                .position(|p| p.name == default.name);
            if let Some(name) = index.and_then(|i| cluster.partition_names.get(i)) {
                *out = name.as_ptr();
            }
        }
        Ok(())
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::boundary::hpcsched_last_error_line;
    use crate::tests::{last_message, slot};
    use std::ptr;

    /// An Inserm-like configuration: CPU nodes, GPU nodes, a default partition.
    pub(crate) const CONF: &CStr = c"\
NodeName=cpu[01-04] CPUs=32 RealMemory=192000 Weight=1
NodeName=gpu[01-02] CPUs=48 RealMemory=384000 Gres=gpu:a100:4 Weight=10
PartitionName=cpu Nodes=cpu[01-04] Default=YES MaxTime=7-00:00:00 DefaultTime=1:00:00 DefMemPerCPU=4000
PartitionName=gpu Nodes=gpu[01-02] MaxTime=2-00:00:00 DefMemPerCPU=8000
";

    use std::ffi::CStr;

    pub(crate) fn cluster() -> Option<Box<hpcsched_cluster>> {
        let mut c = None;
        // SAFETY: valid string and out-param.
        let r = unsafe { hpcsched_cluster_from_slurm_conf(CONF.as_ptr(), slot(&mut c)) };
        assert_eq!(r, hpcsched_result::Ok, "{}", last_message());
        assert!(c.is_some());
        c
    }

    #[test]
    fn null_and_utf8_arguments() {
        let mut c = None;
        // SAFETY: NULL and valid pointers only.
        unsafe {
            let r = hpcsched_cluster_from_slurm_conf(ptr::null(), slot(&mut c));
            assert_eq!(r, hpcsched_result::NullArgument);
            assert!(c.is_none(), "out is cleared on failure");
            assert_eq!(last_message(), "argument `text` is NULL");
            let r = hpcsched_cluster_from_slurm_conf(CONF.as_ptr(), None);
            assert_eq!(r, hpcsched_result::NullArgument);
            assert_eq!(last_message(), "argument `out` is NULL");
            let r = hpcsched_cluster_from_slurm_conf(c"NodeName=\xff".as_ptr(), slot(&mut c));
            assert_eq!(r, hpcsched_result::InvalidUtf8);
            assert!(c.is_none());

            let mut n = 7usize;
            let r = hpcsched_cluster_node_count(None, Some(&mut n));
            assert_eq!(r, hpcsched_result::NullArgument);
            assert_eq!(n, 0);
            let r = hpcsched_cluster_add_qos(None, c"".as_ptr());
            assert_eq!(r, hpcsched_result::NullArgument);
            let mut name = ptr::null();
            let r = hpcsched_cluster_partition_name(None, 0, Some(&mut name));
            assert_eq!(r, hpcsched_result::NullArgument);
            let r = hpcsched_cluster_default_partition(None, Some(&mut name));
            assert_eq!(r, hpcsched_result::NullArgument);
        }
    }

    #[test]
    fn free_null_is_a_no_op() {
        hpcsched_cluster_free(None);
    }

    #[test]
    fn counts_and_names() {
        let c = cluster();
        // SAFETY: `c` is live until freed at the end; out-params are locals.
        unsafe {
            let mut n = 0usize;
            assert_eq!(
                hpcsched_cluster_node_count(c.as_deref(), Some(&mut n)),
                hpcsched_result::Ok
            );
            assert_eq!(n, 6);
            assert_eq!(
                hpcsched_cluster_partition_count(c.as_deref(), Some(&mut n)),
                hpcsched_result::Ok
            );
            assert_eq!(n, 2);
            let mut name = ptr::null();
            assert_eq!(
                hpcsched_cluster_partition_name(c.as_deref(), 1, Some(&mut name)),
                hpcsched_result::Ok
            );
            assert_eq!(CStr::from_ptr(name), c"gpu");
            assert_eq!(
                hpcsched_cluster_partition_name(c.as_deref(), 2, Some(&mut name)),
                hpcsched_result::OutOfRange
            );
            assert!(name.is_null());
            assert_eq!(
                last_message(),
                "partition index 2 out of range (cluster has 2)"
            );
            assert_eq!(
                hpcsched_cluster_default_partition(c.as_deref(), Some(&mut name)),
                hpcsched_result::Ok
            );
            assert_eq!(CStr::from_ptr(name), c"cpu");
            hpcsched_cluster_free(c);
        }
    }

    #[test]
    fn bad_conf_reports_its_line() {
        let mut c = None;
        let text = c"NodeName=n1 CPUs=4\nNodeName=n2 Bogus=1\n";
        // SAFETY: valid string and out-param.
        let r = unsafe { hpcsched_cluster_from_slurm_conf(text.as_ptr(), slot(&mut c)) };
        assert_eq!(r, hpcsched_result::ParseError);
        assert!(c.is_none());
        assert_eq!(hpcsched_last_error_line(), 2);
        assert!(last_message().contains("Bogus"), "{}", last_message());
    }

    #[test]
    fn add_qos_is_all_or_nothing() {
        let mut c = cluster();
        // SAFETY: `c` is live until freed at the end.
        unsafe {
            let ok =
                c"sacctmgr add qos normal Priority=10\nsacctmgr add qos long MaxWall=14-00:00:00\n";
            let r = hpcsched_cluster_add_qos(c.as_deref_mut(), ok.as_ptr());
            assert_eq!(r, hpcsched_result::Ok, "{}", last_message());
            assert_eq!(c.as_ref().unwrap().inner.qos_list().len(), 2);

            // The second line redefines `normal`: nothing of this text is added.
            let dup = c"sacctmgr add qos gpu Priority=5\nsacctmgr add qos normal Priority=1\n";
            let r = hpcsched_cluster_add_qos(c.as_deref_mut(), dup.as_ptr());
            assert_eq!(r, hpcsched_result::ParseError);
            assert_eq!(hpcsched_last_error_line(), 2);
            assert_eq!(c.as_ref().unwrap().inner.qos_list().len(), 2);
            assert!(c.as_ref().unwrap().inner.qos("gpu").is_none());

            let r = hpcsched_cluster_add_qos(c.as_deref_mut(), ptr::null());
            assert_eq!(r, hpcsched_result::NullArgument);
            hpcsched_cluster_free(c.take());
        }
    }
}
