//! The boundary every entry point goes through, in one place: result codes and the
//! thread-local last error, panics caught (`guard`), handle arguments and out-params checked
//! for NULL (they arrive as `Option<&T>` / `Option<&mut T>`, the ABI of a nullable pointer),
//! new handles handed out and taken back (`Box`), C strings read. The only `unsafe` left
//! here, and in the crate, is where C strings and arrays are read.

use std::any::Any;
use std::cell::RefCell;
use std::ffi::{CStr, CString, c_char};
use std::mem::MaybeUninit;
use std::panic::{AssertUnwindSafe, catch_unwind};

/// The outcome of every fallible hpcsched function.
///
/// On anything other than HPCSCHED_RESULT_OK, a message (and, for errors in multi-line
/// input, a 1-based line number) is available from hpcsched_last_error_message and
/// hpcsched_last_error_line on the same thread, and out-params hold NULL / zero.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum hpcsched_result {
    /// Success.
    Ok = 0,
    /// A pointer argument that must not be NULL was NULL.
    NullArgument = 1,
    /// A string argument is not valid UTF-8.
    InvalidUtf8 = 2,
    /// Text (slurm.conf, QOS definitions, a sacctmgr script or dump, plugstack.conf, a batch
    /// script, a command line, an option) did not parse, or names what does not exist.
    ParseError = 3,
    /// The cluster would reject the job at submit; the message lists every reason (or says,
    /// as sbatch does, that the job's user, account or QOS has no association).
    Rejected = 4,
    /// An index argument is not below the corresponding count.
    OutOfRange = 5,
    /// The arguments are well-formed but the operation is not allowed (for example a
    /// change that conflicts with what the cluster already holds).
    InvalidArgument = 6,
    /// No job has this id (scheduler calls).
    UnknownJob = 7,
    /// The job is not in a state that allows the operation (for example finishing a job
    /// that is not running); the message names the state.
    WrongState = 8,
    /// No node has this name (scheduler calls).
    UnknownNode = 9,
    /// No partition has this name (scheduler status views and partition events).
    UnknownPartition = 10,
    /// No QOS has this name (scheduler status views).
    UnknownQos = 11,
    /// A file could not be read (a workload to replay); the message names it and says why.
    IoError = 12,
    /// hpcsched hit an internal bug; please report it. Outputs are NULL / zero. A
    /// scheduler the failed call was changing (a pass or an event) may be left half
    /// updated: release it rather than keep using it.
    Panic = 99,
}

/// A failed call: the code returned to C and the last-error state it leaves behind.
#[derive(Debug)]
pub(crate) struct Failure {
    pub(crate) code: hpcsched_result,
    pub(crate) message: String,
    pub(crate) line: usize,
}

impl Failure {
    pub(crate) fn new(code: hpcsched_result, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            line: 0,
        }
    }
}

impl From<hpcsched::Error> for Failure {
    fn from(e: hpcsched::Error) -> Self {
        let code = match &e {
            hpcsched::Error::Rejected(_) => hpcsched_result::Rejected,
            // The QOS and account lines of an admin script, or a dump file: text that did
            // not read (or names what does not exist), on a line.
            hpcsched::Error::Cluster(
                hpcsched::ClusterError::Qos(_) | hpcsched::ClusterError::Accounts(_),
            ) => hpcsched_result::ParseError,
            hpcsched::Error::Cluster(_) | hpcsched::Error::Spank(_) => {
                hpcsched_result::InvalidArgument
            }
            // Every other variant is text that did not parse; new variants default to that.
            _ => hpcsched_result::ParseError,
        };
        Self {
            code,
            line: e.line().unwrap_or(0),
            message: e.to_string(),
        }
    }
}

impl From<hpcsched::SubmitError> for Failure {
    fn from(e: hpcsched::SubmitError) -> Self {
        match e {
            hpcsched::SubmitError::Rejected(rejection) => core_err(rejection),
            // sbatch refuses it as it refuses any other job ("Batch job submission failed:
            // Invalid account or account/partition combination specified").
            hpcsched::SubmitError::Association(e) => {
                Failure::new(hpcsched_result::Rejected, e.to_string())
            }
            // A dependency on an unknown job or on itself, or no user name: the arguments
            // are well-formed but not acceptable. New variants default to the same.
            other => Failure::new(hpcsched_result::InvalidArgument, other.to_string()),
        }
    }
}

impl From<hpcsched::JobError> for Failure {
    fn from(e: hpcsched::JobError) -> Self {
        let code = match &e {
            hpcsched::JobError::UnknownJob(_) => hpcsched_result::UnknownJob,
            hpcsched::JobError::WrongState { .. } => hpcsched_result::WrongState,
            _ => hpcsched_result::InvalidArgument,
        };
        Failure::new(code, e.to_string())
    }
}

impl From<hpcsched::NodeError> for Failure {
    fn from(e: hpcsched::NodeError) -> Self {
        let code = match &e {
            hpcsched::NodeError::UnknownNode(_) => hpcsched_result::UnknownNode,
            _ => hpcsched_result::InvalidArgument,
        };
        Failure::new(code, e.to_string())
    }
}

impl From<hpcsched::PartitionError> for Failure {
    fn from(e: hpcsched::PartitionError) -> Self {
        let code = match &e {
            hpcsched::PartitionError::UnknownPartition(_) => hpcsched_result::UnknownPartition,
            _ => hpcsched_result::InvalidArgument,
        };
        Failure::new(code, e.to_string())
    }
}

impl From<hpcsched::replay::ReplayError> for Failure {
    fn from(e: hpcsched::replay::ReplayError) -> Self {
        use hpcsched::replay::ReplayErrorKind as Kind;
        let code = match e.kind() {
            Kind::Io { .. } => hpcsched_result::IoError,
            Kind::NoCluster | Kind::NoDefaultPartition | Kind::WholeNodesOnJobList => {
                hpcsched_result::InvalidArgument
            }
            // The workload's content (and new kinds) did not read.
            _ => hpcsched_result::ParseError,
        };
        Self {
            code,
            line: e.line().unwrap_or(0),
            message: e.to_string(),
        }
    }
}

/// Converts any core error into a failure through the crate-wide error type.
pub(crate) fn core_err<E: Into<hpcsched::Error>>(e: E) -> Failure {
    Failure::from(e.into())
}

struct LastError {
    message: CString,
    line: usize,
}

thread_local! {
    /// None after a successful call.
    static LAST_ERROR: RefCell<Option<LastError>> = const { RefCell::new(None) };
}

fn store_last_error(last: Option<LastError>) {
    LAST_ERROR.with(|cell| {
        if let Ok(mut slot) = cell.try_borrow_mut() {
            *slot = last;
        }
    });
}

fn set_last_error(message: &str, line: usize) {
    store_last_error(Some(LastError {
        message: c_string(message),
        line,
    }));
}

fn clear_last_error() {
    store_last_error(None);
}

fn panic_message(payload: &(dyn Any + Send)) -> String {
    let what = payload
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("unknown panic");
    format!("internal error in hpcsched (please report): {what}")
}

/// Runs the body of an entry point: clears the last error, catches panics, and records the
/// failure of the call, if any.
pub(crate) fn guard(f: impl FnOnce() -> Result<(), Failure>) -> hpcsched_result {
    clear_last_error();
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(Ok(())) => hpcsched_result::Ok,
        Ok(Err(failure)) => {
            set_last_error(&failure.message, failure.line);
            failure.code
        }
        Err(payload) => {
            set_last_error(&panic_message(payload.as_ref()), 0);
            hpcsched_result::Panic
        }
    }
}

/// Runs the body of a `_free` function: catches panics but leaves the last error alone,
/// so a caller may release its handles before reading the message of a failed call.
pub(crate) fn release(f: impl FnOnce()) {
    // Dropping these types does not panic; if it ever did, leaking beats aborting.
    let _ = catch_unwind(AssertUnwindSafe(f));
}

/// Releases a handle handed back by a `_free` function; NULL (`None`) does nothing. Every
/// `_free` function of the C API goes through here, so ownership is taken back in one
/// place.
pub(crate) fn free<T>(handle: Option<Box<T>>) {
    if let Some(handle) = handle {
        release(|| drop(handle));
    }
}

/// Borrows a handle argument, or fails with NULL_ARGUMENT naming it.
pub(crate) fn arg_ref<'a, T>(handle: Option<&'a T>, name: &str) -> Result<&'a T, Failure> {
    handle.ok_or_else(|| null_arg(name))
}

/// Borrows a handle argument mutably, or fails with NULL_ARGUMENT naming it.
pub(crate) fn arg_mut<'a, T>(handle: Option<&'a mut T>, name: &str) -> Result<&'a mut T, Failure> {
    handle.ok_or_else(|| null_arg(name))
}

/// Borrows an out-param and stores `empty` in it, so that a call failing later leaves a
/// defined value; fails with NULL_ARGUMENT naming it when it is NULL.
pub(crate) fn out_param<'a, T>(
    out: Option<&'a mut T>,
    name: &str,
    empty: T,
) -> Result<&'a mut T, Failure> {
    let out = out.ok_or_else(|| null_arg(name))?;
    *out = empty;
    Ok(out)
}

/// An out-param that receives a new handle (`T **out` in C). C passes the address of a
/// variable that may hold anything, so it is only ever written, never read or dropped.
pub(crate) type HandleOut<'a, T> = Option<&'a mut MaybeUninit<Option<Box<T>>>>;

/// Where a new handle goes, already set to NULL.
pub(crate) struct Slot<'a, T>(&'a mut MaybeUninit<Option<Box<T>>>);

impl<T> Slot<'_, T> {
    /// Moves `value` to the heap and hands it to C; the caller owns it from now on.
    pub(crate) fn put(self, value: T) {
        self.0.write(Some(Box::new(value)));
    }
}

/// Borrows a handle out-param and stores NULL in it; fails with NULL_ARGUMENT naming it
/// when it is NULL.
pub(crate) fn handle_out<'a, T>(out: HandleOut<'a, T>, name: &str) -> Result<Slot<'a, T>, Failure> {
    let out = out.ok_or_else(|| null_arg(name))?;
    out.write(None);
    Ok(Slot(out))
}

/// Shared body of constructors: clears `*out`, runs `make` (which reads the other
/// arguments), and hands out what it made.
pub(crate) fn make<T>(
    out: HandleOut<'_, T>,
    make: impl FnOnce() -> Result<T, Failure>,
) -> hpcsched_result {
    guard(|| {
        let out = handle_out(out, "out")?;
        out.put(make()?);
        Ok(())
    })
}

/// Reads a NUL-terminated UTF-8 string argument.
///
/// # Safety
/// `ptr` is NULL or points to a NUL-terminated string that lives for `'a`.
pub(crate) unsafe fn arg_str<'a>(ptr: *const c_char, name: &str) -> Result<&'a str, Failure> {
    if ptr.is_null() {
        return Err(null_arg(name));
    }
    // SAFETY: non-NULL and NUL-terminated per the caller's contract.
    let bytes = unsafe { CStr::from_ptr(ptr) };
    bytes.to_str().map_err(|e| {
        Failure::new(
            hpcsched_result::InvalidUtf8,
            format!(
                "argument `{name}` is not valid UTF-8 (byte {})",
                e.valid_up_to()
            ),
        )
    })
}

/// Reads an optional string argument: NULL is `None`.
///
/// # Safety
/// As for [`arg_str`].
pub(crate) unsafe fn arg_opt_str<'a>(
    ptr: *const c_char,
    name: &str,
) -> Result<Option<&'a str>, Failure> {
    if ptr.is_null() {
        return Ok(None);
    }
    // SAFETY: per this function's contract.
    unsafe { arg_str(ptr, name) }.map(Some)
}

/// Reads an `argv`-style array of `argc` strings. `argv` may be NULL when `argc` is 0.
///
/// # Safety
/// When `argc > 0`, `argv` points to `argc` pointers, each as for [`arg_str`].
pub(crate) unsafe fn arg_strs<'a>(
    argv: *const *const c_char,
    argc: usize,
    name: &str,
) -> Result<Vec<&'a str>, Failure> {
    if argc == 0 {
        return Ok(Vec::new());
    }
    if argv.is_null() {
        return Err(null_arg(name));
    }
    // SAFETY: the caller guarantees `argc` readable pointers at `argv`.
    let ptrs = unsafe { std::slice::from_raw_parts(argv, argc) };
    ptrs.iter()
        .enumerate()
        // SAFETY: each element follows arg_str's contract.
        .map(|(i, &p)| unsafe { arg_str(p, &format!("{name}[{i}]")) })
        .collect()
}

/// Shared body of single-value accessors: checks the out-param and the handle, writes
/// `empty` first so a failure leaves a defined value, then the value `get` reads.
pub(crate) fn getter<H, T>(
    handle: Option<&H>,
    handle_name: &str,
    out: Option<&mut T>,
    empty: T,
    get: impl FnOnce(&H) -> Result<T, Failure>,
) -> hpcsched_result {
    guard(|| {
        let out = out_param(out, "out", empty)?;
        *out = get(arg_ref(handle, handle_name)?)?;
        Ok(())
    })
}

/// Shared body of optional-value accessors: checks the out-params and the handle, clears
/// them (`*out` = `empty`, `*has` = false) so a failure leaves defined values, then stores
/// what `get` reads, setting `*has` only when there is a value.
pub(crate) fn optional_getter<H, T>(
    handle: Option<&H>,
    handle_name: &str,
    out: Option<&mut T>,
    has: Option<&mut bool>,
    empty: T,
    get: impl FnOnce(&H) -> Result<Option<T>, Failure>,
) -> hpcsched_result {
    guard(|| {
        let out = out_param(out, "out", empty)?;
        let has = out_param(has, "has", false)?;
        if let Some(v) = get(arg_ref(handle, handle_name)?)? {
            *out = v;
            *has = true;
        }
        Ok(())
    })
}

/// A string borrowed from a handle, NULL for `None`.
pub(crate) fn opt_ptr(s: Option<&CString>) -> *const c_char {
    s.map_or(std::ptr::null(), |s| s.as_ptr())
}

/// Borrows item `index` of a list, or fails with OUT_OF_RANGE naming what and where, as in
/// "node index 4 out of range (decision has 3)".
pub(crate) fn item<'a, T>(
    items: &'a [T],
    index: usize,
    what: &str,
    owner: &str,
) -> Result<&'a T, Failure> {
    items.get(index).ok_or_else(|| {
        Failure::new(
            hpcsched_result::OutOfRange,
            format!(
                "{what} index {index} out of range ({owner} has {})",
                items.len()
            ),
        )
    })
}

fn null_arg(name: &str) -> Failure {
    Failure::new(
        hpcsched_result::NullArgument,
        format!("argument `{name}` is NULL"),
    )
}

/// Makes a C string of text that came from C strings (so holds no NUL) or from the core;
/// a NUL that slips through is written as `\\0` rather than cutting the text short.
pub(crate) fn c_string(s: &str) -> CString {
    CString::new(s.replace('\0', "\\0")).unwrap_or_default()
}

/// The message of the last failed hpcsched call on this thread, or an empty string when
/// the last call succeeded (or none was made).
///
/// The string is owned by hpcsched and stays valid until the next hpcsched call on this
/// thread, not counting hpcsched_last_error_message, hpcsched_last_error_line and the
/// _free functions (so handles may be released before the message is read). Copy it to
/// keep it. Never NULL.
#[unsafe(no_mangle)]
pub extern "C" fn hpcsched_last_error_message() -> *const c_char {
    LAST_ERROR.with(|cell| match cell.try_borrow().as_deref() {
        Ok(Some(last)) => last.message.as_ptr(),
        _ => c"".as_ptr(),
    })
}

/// The 1-based line of the input (slurm.conf, QOS definitions, batch script, workload) that the last
/// failed call on this thread reported, or 0 when the error has no line or the last call
/// succeeded.
#[unsafe(no_mangle)]
pub extern "C" fn hpcsched_last_error_line() -> usize {
    LAST_ERROR.with(|cell| match cell.try_borrow().as_deref() {
        Ok(Some(last)) => last.line,
        _ => 0,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn last_message() -> String {
        // SAFETY: hpcsched_last_error_message never returns NULL and the string lives
        // until the next call on this thread.
        unsafe { CStr::from_ptr(hpcsched_last_error_message()) }
            .to_string_lossy()
            .into_owned()
    }

    #[test]
    fn guard_records_failure_and_clears_on_success() {
        let r = guard(|| {
            Err(Failure {
                code: hpcsched_result::ParseError,
                message: "line 3: bad".into(),
                line: 3,
            })
        });
        assert_eq!(r, hpcsched_result::ParseError);
        assert_eq!(last_message(), "line 3: bad");
        assert_eq!(hpcsched_last_error_line(), 3);

        assert_eq!(guard(|| Ok(())), hpcsched_result::Ok);
        assert_eq!(last_message(), "");
        assert_eq!(hpcsched_last_error_line(), 0);
    }

    #[test]
    fn guard_turns_panics_into_a_code() {
        let r = guard(|| panic!("boom"));
        assert_eq!(r, hpcsched_result::Panic);
        assert!(last_message().ends_with("boom"), "{}", last_message());
        let r = guard(|| std::panic::panic_any(String::from("owned")));
        assert_eq!(r, hpcsched_result::Panic);
        assert!(last_message().ends_with("owned"));
    }

    #[test]
    fn release_keeps_the_last_error() {
        guard(|| Err(Failure::new(hpcsched_result::Rejected, "no")));
        release(|| {});
        assert_eq!(last_message(), "no");
        release(|| panic!("in drop"));
        assert_eq!(last_message(), "no");
    }

    #[test]
    fn nul_in_messages_is_escaped() {
        guard(|| Err(Failure::new(hpcsched_result::ParseError, "a\0b")));
        assert_eq!(last_message(), "a\\0b");
    }

    #[test]
    fn last_error_is_per_thread() {
        guard(|| Err(Failure::new(hpcsched_result::ParseError, "main thread")));
        let other = std::thread::spawn(last_message).join().unwrap();
        assert_eq!(other, "");
        assert_eq!(last_message(), "main thread");
    }

    #[test]
    fn string_arguments_are_checked() {
        // SAFETY: every pointer is NULL or a NUL-terminated literal.
        unsafe {
            let e = arg_str(std::ptr::null(), "text").unwrap_err();
            assert_eq!(e.code, hpcsched_result::NullArgument);
            assert_eq!(e.message, "argument `text` is NULL");
            let e = arg_str(c"ab\xffc".as_ptr(), "text").unwrap_err();
            assert_eq!(e.code, hpcsched_result::InvalidUtf8);
            assert_eq!(e.message, "argument `text` is not valid UTF-8 (byte 2)");
            assert_eq!(arg_str(c"héllo".as_ptr(), "text").unwrap(), "héllo");

            assert!(arg_strs(std::ptr::null(), 0, "argv").unwrap().is_empty());
            let e = arg_strs(std::ptr::null(), 1, "argv").unwrap_err();
            assert_eq!(e.code, hpcsched_result::NullArgument);
            let argv = [c"-N".as_ptr(), std::ptr::null()];
            let e = arg_strs(argv.as_ptr(), 2, "argv").unwrap_err();
            assert_eq!(e.message, "argument `argv[1]` is NULL");
        }
    }

    #[test]
    fn core_errors_map_to_codes_and_lines() {
        use hpcsched::slurm_conf::ConfError;
        let f = core_err(ConfError::UnknownKey {
            line: 7,
            section: "NodeName",
            key: "Bogus".into(),
        });
        assert_eq!(f.code, hpcsched_result::ParseError);
        assert_eq!(f.line, 7);
        assert_eq!(f.message, "line 7: unknown NodeName key `Bogus`");
        let f = core_err(hpcsched::ClusterError::DuplicateNode("n1".into()));
        assert_eq!(f.code, hpcsched_result::InvalidArgument);
        assert_eq!(f.line, 0);
    }
}
