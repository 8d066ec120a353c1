//! The job request handle: what a batch script and sbatch options ask for.

use crate::boundary::{
    Failure, arg_ref, arg_str, arg_strs, c_string, core_err, free, guard, hpcsched_result, make,
    out_param, release,
};
use crate::cluster::hpcsched_cluster;
use hpcsched::JobRequest;
use hpcsched::sbatch::Parser;
use std::ffi::{CString, c_char};
use std::mem::MaybeUninit;
use std::ptr;

/// A job request: the sbatch options of a batch script and/or a command line.
///
/// Created by hpcsched_request_from_script, hpcsched_request_from_script_with_args,
/// hpcsched_request_from_args, hpcsched_cluster_request_from_script or
/// hpcsched_request_from_command_line and released with hpcsched_request_free.
pub struct hpcsched_request {
    pub(crate) inner: JobRequest,
}

fn request(
    inner: Result<JobRequest, impl Into<hpcsched::Error>>,
) -> Result<hpcsched_request, Failure> {
    Ok(hpcsched_request {
        inner: inner.map_err(core_err)?,
    })
}

/// Reads a batch script: the shebang, then the `#SBATCH` directives up to the first command.
///
/// On success stores a new request in `*out`; the caller owns it and must release it with
/// hpcsched_request_free. On failure `*out` is set to NULL; an invalid directive gives
/// HPCSCHED_RESULT_PARSE_ERROR with its line in hpcsched_last_error_line.
///
/// # Safety
/// `text` is NULL or a NUL-terminated string; `out` is NULL or valid for writing a pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hpcsched_request_from_script(
    text: *const c_char,
    out: Option<&mut MaybeUninit<Option<Box<hpcsched_request>>>>,
) -> hpcsched_result {
    make(out, || {
        // SAFETY: per this function's contract.
        let text = unsafe { arg_str(text, "text") }?;
        request(JobRequest::from_script(text))
    })
}

/// Reads a batch script, then applies `argc` command-line options from `argv` over it, as
/// `sbatch ARGS... script` does (the command line wins). `argv` holds the options only,
/// without the program name, and may be NULL when `argc` is 0.
///
/// Ownership and errors as for hpcsched_request_from_script.
///
/// # Safety
/// `text` is NULL or a NUL-terminated string; when `argc` is not 0, `argv` points to `argc`
/// pointers that are each NULL or a NUL-terminated string; `out` is NULL or valid for
/// writing a pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hpcsched_request_from_script_with_args(
    text: *const c_char,
    argv: *const *const c_char,
    argc: usize,
    out: Option<&mut MaybeUninit<Option<Box<hpcsched_request>>>>,
) -> hpcsched_result {
    make(out, || {
        // SAFETY: per this function's contract.
        let text = unsafe { arg_str(text, "text") }?;
        // SAFETY: per this function's contract.
        let args = unsafe { arg_strs(argv, argc, "argv") }?;
        request(JobRequest::from_script_with_args(text, &args))
    })
}

/// Reads sbatch command-line options alone (no script), without the program name. Parsing
/// stops at the first argument that is not an option. `argv` may be NULL when `argc` is 0.
///
/// Ownership as for hpcsched_request_from_script; an invalid option gives
/// HPCSCHED_RESULT_PARSE_ERROR.
///
/// # Safety
/// When `argc` is not 0, `argv` points to `argc` pointers that are each NULL or a
/// NUL-terminated string; `out` is NULL or valid for writing a pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hpcsched_request_from_args(
    argv: *const *const c_char,
    argc: usize,
    out: Option<&mut MaybeUninit<Option<Box<hpcsched_request>>>>,
) -> hpcsched_result {
    make(out, || {
        // SAFETY: per this function's contract.
        let args = unsafe { arg_strs(argv, argc, "argv") }?;
        request(hpcsched::sbatch::parse_args(&args))
    })
}

/// Reads a batch script with the options of `cluster`'s SPANK plugins accepted (see
/// hpcsched_cluster_add_plugstack), then applies `argc` command-line options from `argv`
/// over it as hpcsched_request_from_script_with_args does. `argv` may be NULL when `argc`
/// is 0.
///
/// Ownership and errors as for hpcsched_request_from_script.
///
/// # Safety
/// `cluster` is NULL or a live cluster; `text` is NULL or a NUL-terminated string; when
/// `argc` is not 0, `argv` points to `argc` pointers that are each NULL or a
/// NUL-terminated string; `out` is NULL or valid for writing a pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hpcsched_cluster_request_from_script(
    cluster: Option<&hpcsched_cluster>,
    text: *const c_char,
    argv: *const *const c_char,
    argc: usize,
    out: Option<&mut MaybeUninit<Option<Box<hpcsched_request>>>>,
) -> hpcsched_result {
    make(out, || {
        let cluster = arg_ref(cluster, "cluster")?;
        // SAFETY: per this function's contract.
        let text = unsafe { arg_str(text, "text") }?;
        // SAFETY: per this function's contract.
        let args = unsafe { arg_strs(argv, argc, "argv") }?;
        let parsed = cluster.inner.parser().script(text, &args);
        request(parsed)
    })
}

/// Reads a command line: `sbatch`, `srun` or `salloc`, its options, then the command it
/// runs (words split as a POSIX shell would, no expansion). An srun or salloc job is
/// scheduled like a batch job; each command accepts only its own options. With `cluster`
/// not NULL, the options of its SPANK plugins are accepted too.
///
/// Ownership as for hpcsched_request_from_script; an invalid option or a line that is not
/// one of the three commands gives HPCSCHED_RESULT_PARSE_ERROR.
///
/// # Safety
/// `cluster` is NULL or a live cluster; `line` is NULL or a NUL-terminated string; `out`
/// is NULL or valid for writing a pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hpcsched_request_from_command_line(
    cluster: Option<&hpcsched_cluster>,
    line: *const c_char,
    out: Option<&mut MaybeUninit<Option<Box<hpcsched_request>>>>,
) -> hpcsched_result {
    make(out, || {
        // SAFETY: per this function's contract.
        let line = unsafe { arg_str(line, "line") }?;
        // NULL means no plugins.
        let parser = match cluster {
            Some(c) => c.inner.parser(),
            None => Parser::default(),
        };
        request(parser.command_line_text(line))
    })
}

/// Renders the request as a shell command line: its command (sbatch, srun or salloc), the
/// options in long form, then the command it runs.
///
/// On success stores a new string in `*out`; the caller owns it and must release it with
/// hpcsched_string_free.
#[unsafe(no_mangle)]
pub extern "C" fn hpcsched_request_to_command_line(
    request: Option<&hpcsched_request>,
    out: Option<&mut *mut c_char>,
) -> hpcsched_result {
    guard(|| {
        let out = out_param(out, "out", ptr::null_mut())?;
        let request = arg_ref(request, "request")?;
        *out = c_string(&request.inner.to_shell_command()).into_raw();
        Ok(())
    })
}

/// Renders the request as a batch script with one `#SBATCH` line per option.
///
/// On success stores a new string in `*out`; the caller owns it and must release it with
/// hpcsched_string_free.
#[unsafe(no_mangle)]
pub extern "C" fn hpcsched_request_to_script(
    request: Option<&hpcsched_request>,
    out: Option<&mut *mut c_char>,
) -> hpcsched_result {
    guard(|| {
        let out = out_param(out, "out", ptr::null_mut())?;
        let request = arg_ref(request, "request")?;
        *out = c_string(&request.inner.to_script()).into_raw();
        Ok(())
    })
}

/// Releases a string returned by hpcsched (one documented as owned by the caller). Passing
/// NULL does nothing.
///
/// # Safety
/// `s` is NULL or a string returned as owned by an hpcsched function, not yet released.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hpcsched_string_free(s: *mut c_char) {
    if !s.is_null() {
        release(|| {
            // SAFETY: the caller hands back a pointer from CString::into_raw.
            drop(unsafe { CString::from_raw(s) });
        });
    }
}

/// Releases a request. Passing NULL does nothing. Resolved jobs made from it stay valid.
#[unsafe(no_mangle)]
pub extern "C" fn hpcsched_request_free(request: Option<Box<hpcsched_request>>) {
    free(request);
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::boundary::hpcsched_last_error_line;
    use crate::tests::{last_message, slot};
    use std::ffi::CStr;
    use std::ptr;

    pub(crate) const SCRIPT: &CStr = c"#!/bin/bash
#SBATCH --job-name=align
#SBATCH -N 2
#SBATCH --ntasks-per-node=4
#SBATCH -c 2
#SBATCH --time=2:00:00
srun ./align
";

    pub(crate) fn request(script: &CStr) -> Option<Box<hpcsched_request>> {
        let mut r = None;
        // SAFETY: valid string and out-param.
        let code = unsafe { hpcsched_request_from_script(script.as_ptr(), slot(&mut r)) };
        assert_eq!(code, hpcsched_result::Ok, "{}", last_message());
        r
    }

    #[test]
    fn from_script_reads_the_directives() {
        let r = request(SCRIPT);
        let req = &r.as_ref().unwrap().inner;
        assert_eq!(req.job_name.as_deref(), Some("align"));
        assert_eq!(req.cpus_per_task, Some(2));
        assert_eq!(req.ntasks_per_node, Some(4));
        hpcsched_request_free(r);
    }

    #[test]
    fn command_line_overrides_the_script() {
        let argv = [c"--job-name=other".as_ptr(), c"-c".as_ptr(), c"8".as_ptr()];
        let mut r = None;
        // SAFETY: valid strings, argv of 3, out-param.
        unsafe {
            let code = hpcsched_request_from_script_with_args(
                SCRIPT.as_ptr(),
                argv.as_ptr(),
                3,
                slot(&mut r),
            );
            assert_eq!(code, hpcsched_result::Ok, "{}", last_message());
            assert_eq!(r.as_ref().unwrap().inner.job_name.as_deref(), Some("other"));
            assert_eq!(r.as_ref().unwrap().inner.cpus_per_task, Some(8));
            hpcsched_request_free(r.take());

            // argc 0 with a NULL argv is the script alone.
            let code = hpcsched_request_from_script_with_args(
                SCRIPT.as_ptr(),
                ptr::null(),
                0,
                slot(&mut r),
            );
            assert_eq!(code, hpcsched_result::Ok, "{}", last_message());
            assert_eq!(r.as_ref().unwrap().inner.cpus_per_task, Some(2));
            hpcsched_request_free(r.take());
        }
    }

    #[test]
    fn from_args_and_render() {
        let argv = [
            c"-p".as_ptr(),
            c"gpu".as_ptr(),
            c"-N".as_ptr(),
            c"1".as_ptr(),
        ];
        let mut r = None;
        // SAFETY: valid strings, argv of 4, out-params.
        unsafe {
            let code = hpcsched_request_from_args(argv.as_ptr(), 4, slot(&mut r));
            assert_eq!(code, hpcsched_result::Ok, "{}", last_message());
            assert_eq!(r.as_ref().unwrap().inner.partitions, ["gpu"]);
            let mut s = ptr::null_mut();
            assert_eq!(
                hpcsched_request_to_script(r.as_deref(), Some(&mut s)),
                hpcsched_result::Ok
            );
            let text = CStr::from_ptr(s).to_str().unwrap().to_owned();
            hpcsched_string_free(s);
            // The rendered script reads back to the same options.
            let back = request(&CString::new(text).unwrap());
            assert_eq!(
                back.as_ref().unwrap().inner.to_args(),
                r.as_ref().unwrap().inner.to_args()
            );
            assert_eq!(back.as_ref().unwrap().inner.partitions, ["gpu"]);
            hpcsched_request_free(back);
            hpcsched_request_free(r.take());
        }
    }

    #[test]
    fn errors() {
        let mut r = None;
        // SAFETY: NULL, dangling-but-never-read out-params, valid strings.
        unsafe {
            let bad = c"#!/bin/bash\n#SBATCH -N 1\n#SBATCH --no-such-option\nhostname\n";
            let code = hpcsched_request_from_script(bad.as_ptr(), slot(&mut r));
            assert_eq!(code, hpcsched_result::ParseError);
            assert!(r.is_none());
            assert_eq!(hpcsched_last_error_line(), 3);
            assert!(
                last_message().contains("no-such-option"),
                "{}",
                last_message()
            );

            let code = hpcsched_request_from_script(
                c"#!/bin/sh\n#SBATCH -J \xc3\x28\n".as_ptr(),
                slot(&mut r),
            );
            assert_eq!(code, hpcsched_result::InvalidUtf8);

            let argv = [c"--bogus".as_ptr()];
            let code = hpcsched_request_from_args(argv.as_ptr(), 1, slot(&mut r));
            assert_eq!(code, hpcsched_result::ParseError);
            assert_eq!(hpcsched_last_error_line(), 0);

            let code = hpcsched_request_from_args(ptr::null(), 2, slot(&mut r));
            assert_eq!(code, hpcsched_result::NullArgument);
            assert_eq!(last_message(), "argument `argv` is NULL");
            let argv = [c"-N".as_ptr(), ptr::null()];
            let code = hpcsched_request_from_script_with_args(
                SCRIPT.as_ptr(),
                argv.as_ptr(),
                2,
                slot(&mut r),
            );
            assert_eq!(code, hpcsched_result::NullArgument);
            assert_eq!(last_message(), "argument `argv[1]` is NULL");
            let code = hpcsched_request_from_script(SCRIPT.as_ptr(), None);
            assert_eq!(code, hpcsched_result::NullArgument);
            let mut s = ptr::null_mut();
            let code = hpcsched_request_to_script(None, Some(&mut s));
            assert_eq!(code, hpcsched_result::NullArgument);

            hpcsched_request_free(None);
            hpcsched_string_free(ptr::null_mut());
        }
    }

    #[test]
    fn spank_plugins_and_command_lines() {
        let mut cluster = None;
        let mut includes = ptr::null_mut();
        let mut req = None;
        let mut text = ptr::null_mut();
        // SAFETY: NUL-terminated literals, live handles and local out-params; every
        // handle and string is released once.
        unsafe {
            let conf = c"NodeName=n1 CPUs=8\nPartitionName=p Nodes=n1 Default=YES\n";
            assert_eq!(
                crate::hpcsched_cluster_from_slurm_conf(conf.as_ptr(), slot(&mut cluster)),
                hpcsched_result::Ok
            );
            let line = c"srun --container-image=ubuntu -n 2 hostname";
            // Without the plugin, its option is unknown (a cluster of NULL: no plugins).
            assert_eq!(
                hpcsched_request_from_command_line(
                    cluster.as_deref(),
                    line.as_ptr(),
                    slot(&mut req)
                ),
                hpcsched_result::ParseError
            );
            assert_eq!(last_message(), "unrecognized option `--container-image`");
            assert!(req.is_none());
            // An unknown plugin in plugstack.conf: the line, and nothing changed.
            let plugstack = c"required /usr/lib/slurm/spank_pyxis.so\nrequired x11.so\n";
            assert_eq!(
                crate::hpcsched_cluster_add_plugstack(
                    cluster.as_deref_mut(),
                    plugstack.as_ptr(),
                    Some(&mut includes)
                ),
                hpcsched_result::ParseError
            );
            assert_eq!(hpcsched_last_error_line(), 2);
            assert!(includes.is_null());
            let plugstack = c"required /usr/lib/slurm/spank_pyxis.so\ninclude plugstack.conf.d/*\n";
            assert_eq!(
                crate::hpcsched_cluster_add_plugstack(
                    cluster.as_deref_mut(),
                    plugstack.as_ptr(),
                    Some(&mut includes)
                ),
                hpcsched_result::Ok
            );
            assert_eq!(
                CStr::from_ptr(includes).to_str().unwrap(),
                "plugstack.conf.d/*\n"
            );
            hpcsched_string_free(includes);
            assert_eq!(
                hpcsched_request_from_command_line(
                    cluster.as_deref(),
                    line.as_ptr(),
                    slot(&mut req)
                ),
                hpcsched_result::Ok,
                "{}",
                last_message()
            );
            assert_eq!(
                hpcsched_request_to_command_line(req.as_deref(), Some(&mut text)),
                hpcsched_result::Ok
            );
            assert_eq!(
                CStr::from_ptr(text).to_str().unwrap(),
                "srun --ntasks=2 --container-image=ubuntu hostname"
            );
            hpcsched_string_free(text);
            hpcsched_request_free(req.take());
            // A declared plugin, and pyxis again (refused: already there).
            let opts = [c"tmp-size=".as_ptr(), c"no-tmp".as_ptr()];
            assert_eq!(
                crate::hpcsched_cluster_add_spank_plugin(
                    cluster.as_deref_mut(),
                    c"tmpdir".as_ptr(),
                    opts.as_ptr(),
                    2
                ),
                hpcsched_result::Ok
            );
            assert_eq!(
                crate::hpcsched_cluster_add_spank_plugin(
                    cluster.as_deref_mut(),
                    c"pyxis".as_ptr(),
                    ptr::null(),
                    0
                ),
                hpcsched_result::InvalidArgument
            );
            assert_eq!(last_message(), "SPANK plugin `pyxis` is already loaded");
            let script = c"#!/bin/sh\n#SBATCH --tmp-size=1G --container-name=c\ntrue\n";
            let argv = [c"--no-tmp".as_ptr()];
            assert_eq!(
                hpcsched_cluster_request_from_script(
                    cluster.as_deref(),
                    script.as_ptr(),
                    argv.as_ptr(),
                    1,
                    slot(&mut req)
                ),
                hpcsched_result::Ok,
                "{}",
                last_message()
            );
            assert_eq!(req.as_ref().unwrap().inner.plugin_options.len(), 3);
            hpcsched_request_free(req.take());
            crate::hpcsched_cluster_free(cluster.take());
        }
    }
}
