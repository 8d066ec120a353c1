//! # hpcsched-ffi
//!
//! The C ABI of hpcsched, declared in `include/hpcsched.h` (generated from this crate by
//! cbindgen and checked in; `ffi/tests/header.rs` fails when it is stale).
//!
//! Conventions, the same for every function:
//! - Everything is prefixed `hpcsched_`. Objects are opaque handles (`hpcsched_cluster`,
//!   `hpcsched_request`, `hpcsched_resolved`, `hpcsched_scheduler`, `hpcsched_replay`, and
//!   the snapshots `hpcsched_decisions`, `hpcsched_estimates`, `hpcsched_job`,
//!   `hpcsched_job_ids`, `hpcsched_records`, `hpcsched_qos_usage`, `hpcsched_queue`, and the
//!   row lists `hpcsched_limits`, `hpcsched_shares`, `hpcsched_priorities`) made by a
//!   constructor and
//!   released by the matching `_free`, which accepts NULL. All-number views
//!   (`hpcsched_partition_usage`, `hpcsched_user_usage`, `hpcsched_replay_summary`,
//!   `hpcsched_preemption_stats`) and a job record (`hpcsched_record`) are plain structs
//!   one call fills.
//! - Times are whole seconds on the host's clock (`uint64_t now`); job ids are `uint32_t`.
//!   An optional value comes with a `bool *has` out-param (or a `has_` field).
//! - Fallible functions return an [`hpcsched_result`] and write their outputs through
//!   out-params, which are reset to NULL/0 first so a failed call never leaves garbage.
//! - On failure, [`hpcsched_last_error_message`] and [`hpcsched_last_error_line`] describe
//!   the error on the calling thread until its next hpcsched call.
//! - Handle arguments and out-params are NULL or valid: a NULL one gives
//!   `HPCSCHED_RESULT_NULL_ARGUMENT`. In Rust they are `Option<&T>` / `Option<&mut T>`
//!   (the ABI of a nullable pointer), new handles come out through
//!   `Option<&mut MaybeUninit<Option<Box<T>>>>` (a `T **`, written, never read) and go back
//!   to `_free` as `Option<Box<T>>`, so `unsafe` is left only where C strings and arrays
//!   are read (`boundary`). Strings are checked for UTF-8; panics never cross the boundary
//!   (they become `HPCSCHED_RESULT_PANIC`).
//! - Strings handed out are either borrowed from a handle (valid until it is released) or
//!   owned by the caller and released with [`hpcsched_string_free`], as each function says.
//!
//! Complete programs are `examples/c/check.c` (parsing and resolution) and
//! `examples/c/scheduler.c` (a scheduler driven through the classic backfill scenario) and
//! `examples/c/records.c` (sacct-like records and usage views of a small cluster) and
//! `examples/c/replay.c` (workload replays, and their records as the CLI's CSV) and
//! `examples/c/limits.c` (a shared cluster's accounts, a per-user GPU cap, the usage view
//! of every limit, fair-share with sprio and sshare) and `examples/c/preemption.c` (a
//! high-tier job preempting a best-effort one: PREEMPT decisions, GraceTime, the stats).
//!
//! The same functions are callable from Rust, which is how this crate's tests exercise them:
//!
//! ```
//! use hpcsched_ffi::*;
//! let mut count = 7;
//! assert_eq!(hpcsched_cluster_node_count(None, Some(&mut count)), hpcsched_result::NullArgument);
//! assert_eq!(count, 0);
//! let mut cluster = std::mem::MaybeUninit::new(None);
//! // SAFETY: NULL is a valid (if refused) string argument.
//! let r = unsafe { hpcsched_cluster_from_slurm_conf(std::ptr::null(), Some(&mut cluster)) };
//! assert_eq!(r, hpcsched_result::NullArgument);
//! // SAFETY: initialized above, and only ever overwritten with a whole value.
//! assert!(unsafe { cluster.assume_init() }.is_none());
//! assert_eq!(hpcsched_last_error_line(), 0);
//! ```

// The C names are the API: snake_case types match the header's `hpcsched_cluster`.
#![allow(non_camel_case_types)]
// `argv`/`argc` are the names every C programmer expects.
#![allow(clippy::similar_names)]

mod accounts;
mod boundary;
mod cluster;
mod decision;
mod job;
mod queue;
mod record;
mod replay;
mod request;
mod resolved;
mod scheduler;
mod status;

pub use accounts::*;
pub use boundary::{hpcsched_last_error_line, hpcsched_last_error_message, hpcsched_result};
pub use cluster::*;
pub use decision::*;
pub use job::*;
pub use queue::*;
pub use record::*;
pub use replay::*;
pub use request::*;
pub use resolved::*;
pub use scheduler::*;
pub use status::*;

use std::ffi::c_char;

/// The version of the hpcsched library, e.g. "0.1.0". A static string; never NULL and
/// never released.
#[unsafe(no_mangle)]
pub extern "C" fn hpcsched_version() -> *const c_char {
    concat!(env!("CARGO_PKG_VERSION"), "\0").as_ptr().cast()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::CStr;
    use std::mem::MaybeUninit;

    /// A handle out-param over a Rust variable, as `&handle` is in C (an `Option`, as the
    /// functions take it).
    #[allow(clippy::unnecessary_wraps)]
    pub(crate) fn slot<T>(slot: &mut Option<Box<T>>) -> Option<&mut MaybeUninit<Option<Box<T>>>> {
        let slot: *mut Option<Box<T>> = slot;
        // SAFETY: MaybeUninit<X> has the layout of X, and hpcsched only writes whole, valid
        // values through a handle out-param (a handle it made, or NULL).
        Some(unsafe { &mut *slot.cast::<MaybeUninit<Option<Box<T>>>>() })
    }

    pub(crate) fn last_message() -> String {
        // SAFETY: never NULL; valid until the next call on this thread, and copied here.
        unsafe { CStr::from_ptr(hpcsched_last_error_message()) }
            .to_string_lossy()
            .into_owned()
    }

    #[test]
    fn version_matches_the_crate() {
        // SAFETY: a static NUL-terminated string.
        let v = unsafe { CStr::from_ptr(hpcsched_version()) };
        assert_eq!(v.to_str().unwrap(), env!("CARGO_PKG_VERSION"));
    }
}
