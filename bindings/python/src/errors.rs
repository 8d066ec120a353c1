//! The exception hierarchy and the one conversion from core errors.
//!
//! ```text
//! Error(Exception)
//! ├── ParseError(Error, ValueError)      .line: int | None; also sacctmgr account lines and dumps
//! │   ├── ConfigError                    slurm.conf, plugstack.conf
//! │   ├── ScriptError                    #SBATCH scripts
//! │   ├── OptionError                    sbatch/srun/salloc options and command lines
//! │   ├── QosError                       sacctmgr QOS definitions (and QOS lines of a script)
//! │   └── WorkloadError                  .path: str | None; a job list or SWF trace to replay
//! ├── PolicyError(Error, ValueError)     an unknown scheduling policy name
//! ├── SubmitError(Error, ValueError)     a submission the scheduler refuses
//! │   └── RejectedError                  .reasons: list[str]; sbatch would refuse the job
//! ├── JobError(Error)                    .job: int; a job event the scheduler refuses
//! │   ├── UnknownJobError(JobError, KeyError)
//! │   └── JobStateError(JobError, ValueError)   .state: str
//! ├── NodeError(Error, KeyError)         .node: str; no node of that name
//! └── PartitionError(Error, KeyError)    .partition: str; no partition of that name
//! ```
//!
//! The `KeyError` subclasses print their message as is (KeyError alone would quote it).
//!
//! `create_exception!` takes a single base, so the classes with two bases are built with
//! Python's `type(name, bases, namespace)` once per interpreter and added to the module.

use pyo3::exceptions::{PyBaseException, PyException, PyKeyError, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyTuple, PyType};

pyo3::create_exception!(
    hpcsched,
    Error,
    PyException,
    "Base class of every error hpcsched raises."
);

// The docstrings of the classes built at run time. `python/hpcsched/_hpcsched.pyi` carries
// the same text, and tests/test_docstrings.py fails when the two differ.

const PARSE_ERROR_DOC: &str = "\
Text that hpcsched could not read.

``line`` is the 1-based line of the offending input; None when the input has no lines.";

const CONFIG_ERROR_DOC: &str = "slurm.conf or plugstack.conf text that does not parse.";

const SCRIPT_ERROR_DOC: &str = "A batch script with an invalid #SBATCH directive.";

const OPTION_ERROR_DOC: &str = "An invalid sbatch, srun or salloc option or command line.";

const QOS_ERROR_DOC: &str = "QOS definitions that do not parse or conflict.";

const WORKLOAD_ERROR_DOC: &str = "\
A workload that cannot be replayed: a job-list line, an SWF header, jobs out of submit
order, or a trace whose header does not describe a machine. The message names the file and
line (``\"jobs.txt: line 3: `B`: no earlier job in the file has this name (`-J`)\"``). A
file the operating system cannot open raises ``OSError`` (``FileNotFoundError``...)
instead.

``path`` is the file, as given (None for text: ``parse_job_list``); ``line`` its 1-based
line (None when the error has no line).";

const POLICY_ERROR_DOC: &str =
    "A scheduling policy name other than fifo, easy, conservative or slurm.";

const SUBMIT_ERROR_DOC: &str = "\
A submission the scheduler refuses: a dependency on an unknown job or on the job itself, no
user name, or (RejectedError) a job sbatch would reject.";

const REJECTED_ERROR_DOC: &str = "\
A job the cluster would reject at submit.

``reasons`` lists every reason, most fundamental first, in sbatch's words.";

const JOB_ERROR_DOC: &str = "\
A job event the scheduler refuses; nothing changed.

``job`` is the job id.";

const UNKNOWN_JOB_ERROR_DOC: &str = "No job has this id.";

const JOB_STATE_ERROR_DOC: &str = "\
The job's state does not allow this event (e.g. finishing a pending job).

``state`` is the job's state, as Slurm names it (``\"PENDING\"``...).";

const NODE_ERROR_DOC: &str = "\
No node has this name.

``node`` is the name.";

const PARTITION_ERROR_DOC: &str = "\
No partition has this name.

``partition`` is the name.";

struct Classes {
    parse: Py<PyType>,
    config: Py<PyType>,
    script: Py<PyType>,
    option: Py<PyType>,
    qos: Py<PyType>,
    workload: Py<PyType>,
    rejected: Py<PyType>,
    policy: Py<PyType>,
    submit: Py<PyType>,
    job: Py<PyType>,
    unknown_job: Py<PyType>,
    job_state: Py<PyType>,
    node: Py<PyType>,
    partition: Py<PyType>,
}

static CLASSES: PyOnceLock<Classes> = PyOnceLock::new();

fn new_class<'py>(
    py: Python<'py>,
    name: &str,
    bases: &Bound<'py, PyTuple>,
    doc: &str,
    attrs: &[(&str, Bound<'py, PyAny>)],
) -> PyResult<Py<PyType>> {
    let namespace = PyDict::new(py);
    namespace.set_item("__module__", "hpcsched")?;
    namespace.set_item("__doc__", doc)?;
    for (key, value) in attrs {
        namespace.set_item(*key, value)?;
    }
    let class = py
        .get_type::<PyType>()
        .call1((name, bases, namespace))?
        .cast_into::<PyType>()?;
    Ok(class.unbind())
}

fn classes(py: Python<'_>) -> PyResult<&Classes> {
    CLASSES.get_or_try_init(py, || {
        let base = py.get_type::<Error>();
        let value_error = py.get_type::<PyValueError>();
        let none = py.None().into_bound(py);
        let parse = new_class(
            py,
            "ParseError",
            &PyTuple::new(py, [base.clone(), value_error.clone()])?,
            PARSE_ERROR_DOC,
            &[("line", none.clone())],
        )?;
        let sub = |name: &str, doc: &str| {
            new_class(
                py,
                name,
                &PyTuple::new(py, [parse.bind(py).clone()])?,
                doc,
                &[],
            )
        };
        // KeyError's __str__ shows repr(message); these classes print the message itself.
        let plain_str = py.get_type::<PyBaseException>().getattr("__str__")?;
        let key_error = py.get_type::<PyKeyError>();
        let submit = new_class(
            py,
            "SubmitError",
            &PyTuple::new(py, [base.clone(), value_error.clone()])?,
            SUBMIT_ERROR_DOC,
            &[],
        )?;
        let job = new_class(
            py,
            "JobError",
            &PyTuple::new(py, [base.clone()])?,
            JOB_ERROR_DOC,
            &[("job", none.clone())],
        )?;
        Ok(Classes {
            config: sub("ConfigError", CONFIG_ERROR_DOC)?,
            script: sub("ScriptError", SCRIPT_ERROR_DOC)?,
            option: sub("OptionError", OPTION_ERROR_DOC)?,
            qos: sub("QosError", QOS_ERROR_DOC)?,
            workload: new_class(
                py,
                "WorkloadError",
                &PyTuple::new(py, [parse.bind(py).clone()])?,
                WORKLOAD_ERROR_DOC,
                &[("path", none.clone())],
            )?,
            rejected: new_class(
                py,
                "RejectedError",
                &PyTuple::new(py, [submit.bind(py).clone()])?,
                REJECTED_ERROR_DOC,
                &[],
            )?,
            policy: new_class(
                py,
                "PolicyError",
                &PyTuple::new(py, [base.clone(), value_error.clone()])?,
                POLICY_ERROR_DOC,
                &[],
            )?,
            unknown_job: new_class(
                py,
                "UnknownJobError",
                &PyTuple::new(py, [job.bind(py).clone(), key_error.clone()])?,
                UNKNOWN_JOB_ERROR_DOC,
                &[("__str__", plain_str.clone())],
            )?,
            job_state: new_class(
                py,
                "JobStateError",
                &PyTuple::new(py, [job.bind(py).clone(), value_error.clone()])?,
                JOB_STATE_ERROR_DOC,
                &[("state", none.clone())],
            )?,
            node: new_class(
                py,
                "NodeError",
                &PyTuple::new(py, [base.clone(), key_error.clone()])?,
                NODE_ERROR_DOC,
                &[("node", none.clone()), ("__str__", plain_str.clone())],
            )?,
            partition: new_class(
                py,
                "PartitionError",
                &PyTuple::new(py, [base.clone(), key_error.clone()])?,
                PARTITION_ERROR_DOC,
                &[("partition", none), ("__str__", plain_str)],
            )?,
            submit,
            job,
            parse,
        })
    })
}

/// Adds the exception classes built at run time to the module.
pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    let c = classes(py)?;
    m.add("ParseError", c.parse.bind(py))?;
    m.add("ConfigError", c.config.bind(py))?;
    m.add("ScriptError", c.script.bind(py))?;
    m.add("OptionError", c.option.bind(py))?;
    m.add("QosError", c.qos.bind(py))?;
    m.add("WorkloadError", c.workload.bind(py))?;
    m.add("RejectedError", c.rejected.bind(py))?;
    m.add("PolicyError", c.policy.bind(py))?;
    m.add("SubmitError", c.submit.bind(py))?;
    m.add("JobError", c.job.bind(py))?;
    m.add("UnknownJobError", c.unknown_job.bind(py))?;
    m.add("JobStateError", c.job_state.bind(py))?;
    m.add("NodeError", c.node.bind(py))?;
    m.add("PartitionError", c.partition.bind(py))?;
    Ok(())
}

fn raise(
    py: Python<'_>,
    class: &Py<PyType>,
    message: String,
    attrs: &[(&str, Bound<'_, PyAny>)],
) -> PyErr {
    let err = PyErr::from_type(class.bind(py).clone(), (message,));
    for (key, value) in attrs {
        if let Err(e) = err.value(py).setattr(*key, value) {
            return e;
        }
    }
    err
}

fn parse_error(
    py: Python<'_>,
    class: &Py<PyType>,
    e: &hpcsched::Error,
    message: String,
) -> PyResult<PyErr> {
    let line = e.line().into_pyobject(py)?;
    Ok(raise(py, class, message, &[("line", line)]))
}

/// Converts any core error into the matching Python exception, message unchanged.
#[must_use]
#[allow(clippy::needless_pass_by_value)] // Callers hand the error over; `?` needs this shape.
pub fn to_py(e: hpcsched::Error) -> PyErr {
    let message = e.to_string();
    to_py_as(&e, message)
}

/// A core error about a file, as the CLI words it (`FILE: line N: ...`): the exception
/// `to_py` picks, with the file before the message.
pub(crate) fn located_err(path: &str, e: impl Into<hpcsched::Error>) -> PyErr {
    let e = e.into();
    let message = format!("{path}: {e}");
    to_py_as(&e, message)
}

fn to_py_as(e: &hpcsched::Error, message: String) -> PyErr {
    Python::attach(|py| {
        let Ok(c) = classes(py) else {
            return Error::new_err(message);
        };
        let converted = match e {
            hpcsched::Error::Conf(_) | hpcsched::Error::Plugstack(_) => {
                parse_error(py, &c.config, e, message)
            }
            hpcsched::Error::Script(_) => parse_error(py, &c.script, e, message),
            hpcsched::Error::Option(_) => parse_error(py, &c.option, e, message),
            hpcsched::Error::Qos(_) | hpcsched::Error::Cluster(hpcsched::ClusterError::Qos(_)) => {
                parse_error(py, &c.qos, e, message)
            }
            // Account, user and cluster lines of a sacctmgr script, or a dump file.
            hpcsched::Error::Accounts(_)
            | hpcsched::Error::Cluster(hpcsched::ClusterError::Accounts(_)) => {
                parse_error(py, &c.parse, e, message)
            }
            hpcsched::Error::Time(_)
            | hpcsched::Error::Memory(_)
            | hpcsched::Error::Gres(_)
            | hpcsched::Error::Tres(_)
            | hpcsched::Error::Hostlist(_)
            | hpcsched::Error::JobId(_)
            | hpcsched::Error::Constraint(_)
            | hpcsched::Error::Dependency(_)
            | hpcsched::Error::Array(_)
            | hpcsched::Error::PreemptMode(_) => parse_error(py, &c.parse, e, message),
            hpcsched::Error::Rejected(rejection) => {
                let reasons: Vec<String> = rejection
                    .reasons()
                    .iter()
                    .map(ToString::to_string)
                    .collect();
                reasons
                    .into_pyobject(py)
                    .map(|reasons| raise(py, &c.rejected, message, &[("reasons", reasons)]))
            }
            // Cluster (a conflicting change) and anything added to the non-exhaustive core
            // error later are plain hpcsched.Error.
            _ => Ok(Error::new_err(message)),
        };
        converted.unwrap_or_else(|err| err)
    })
}

/// `?`-friendly conversion for any core error type.
pub(crate) fn py_err<E: Into<hpcsched::Error>>(e: E) -> PyErr {
    to_py(e.into())
}

/// Runs `f` with the exception classes, or falls back to the base class if they cannot be
/// built (which only happens when the interpreter is out of memory).
fn with_classes(
    message: String,
    f: impl FnOnce(Python<'_>, &Classes, String) -> PyResult<PyErr>,
) -> PyErr {
    Python::attach(|py| match classes(py) {
        Ok(c) => f(py, c, message).unwrap_or_else(|err| err),
        Err(_) => Error::new_err(message),
    })
}

/// Converts a refused submission: RejectedError (with `.reasons`) when sbatch would refuse
/// the job, SubmitError otherwise.
#[allow(clippy::needless_pass_by_value)] // Used as `map_err(submit_err)`.
pub(crate) fn submit_err(e: hpcsched::SubmitError) -> PyErr {
    match e {
        hpcsched::SubmitError::Rejected(rejection) => py_err(rejection),
        // sbatch refuses it as any other job, with this one reason.
        hpcsched::SubmitError::Association(e) => with_classes(e.to_string(), |py, c, msg| {
            let reasons = vec![msg.clone()].into_pyobject(py)?.into_any();
            Ok(raise(py, &c.rejected, msg, &[("reasons", reasons)]))
        }),
        other => with_classes(other.to_string(), |py, c, msg| {
            Ok(raise(py, &c.submit, msg, &[]))
        }),
    }
}

/// Converts a refused job event: UnknownJobError or JobStateError, both JobError.
#[allow(clippy::needless_pass_by_value)] // Used as `map_err(job_err)`.
pub(crate) fn job_err(e: hpcsched::JobError) -> PyErr {
    with_classes(e.to_string(), |py, c, msg| {
        Ok(match &e {
            hpcsched::JobError::UnknownJob(id) => {
                let job = id.0.into_pyobject(py)?.into_any();
                raise(py, &c.unknown_job, msg, &[("job", job)])
            }
            hpcsched::JobError::WrongState { job, state, .. } => {
                let id = job.0.into_pyobject(py)?.into_any();
                let state = state.name().into_pyobject(py)?.into_any();
                raise(py, &c.job_state, msg, &[("job", id), ("state", state)])
            }
            _ => raise(py, &c.job, msg, &[]),
        })
    })
}

/// Converts a refused node event into NodeError.
#[allow(clippy::needless_pass_by_value)] // Used as `map_err(node_err)`.
pub(crate) fn node_err(e: hpcsched::NodeError) -> PyErr {
    with_classes(e.to_string(), |py, c, msg| {
        let attrs = match &e {
            hpcsched::NodeError::UnknownNode(name) => {
                vec![("node", name.into_pyobject(py)?.into_any())]
            }
            _ => Vec::new(),
        };
        Ok(raise(py, &c.node, msg, &attrs))
    })
}

/// Converts a refused partition event into PartitionError.
#[allow(clippy::needless_pass_by_value)] // Used as `map_err(partition_err)`.
pub(crate) fn partition_err(e: hpcsched::PartitionError) -> PyErr {
    with_classes(e.to_string(), |py, c, msg| {
        let attrs = match &e {
            hpcsched::PartitionError::UnknownPartition(name) => {
                vec![("partition", name.into_pyobject(py)?.into_any())]
            }
            _ => Vec::new(),
        };
        Ok(raise(py, &c.partition, msg, &attrs))
    })
}

/// Converts an unknown policy name into PolicyError.
#[allow(clippy::needless_pass_by_value)] // Used as `map_err(policy_err)`.
pub(crate) fn policy_err(e: hpcsched::scheduler::PolicyError) -> PyErr {
    with_classes(e.to_string(), |py, c, msg| {
        Ok(raise(py, &c.policy, msg, &[]))
    })
}

/// A WorkloadError with its file (None for text) and line (None when it has none); the
/// message is the core's, which names the file and the line.
pub(crate) fn workload_err(message: &str, path: Option<&str>, line: Option<usize>) -> PyErr {
    with_classes(message.to_owned(), |py, c, msg| {
        let path = path.into_pyobject(py)?.into_any();
        let line = line.into_pyobject(py)?.into_any();
        Ok(raise(
            py,
            &c.workload,
            msg,
            &[("path", path), ("line", line)],
        ))
    })
}
