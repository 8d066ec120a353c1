//! The exception hierarchy and the one conversion from core errors.
//!
//! ```text
//! Error(Exception)
//! ├── ParseError(Error, ValueError)      .line: int | None
//! │   ├── ConfigError                    slurm.conf
//! │   ├── ScriptError                    #SBATCH scripts
//! │   ├── OptionError                    sbatch command-line options
//! │   └── QosError                       sacctmgr QOS definitions
//! └── RejectedError(Error, ValueError)   .reasons: list[str]
//! ```
//!
//! `create_exception!` takes a single base, so the classes with two bases are built with
//! Python's `type(name, bases, namespace)` once per interpreter and added to the module.

use pyo3::exceptions::{PyException, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyTuple, PyType};

pyo3::create_exception!(
    hpcsched,
    Error,
    PyException,
    "Base class of every error hpcsched raises."
);

struct Classes {
    parse: Py<PyType>,
    config: Py<PyType>,
    script: Py<PyType>,
    option: Py<PyType>,
    qos: Py<PyType>,
    rejected: Py<PyType>,
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
            "Text that hpcsched could not read. `line` is the 1-based line of the \
             offending input, or None when the input has no lines.",
            &[("line", none)],
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
        Ok(Classes {
            config: sub("ConfigError", "slurm.conf text that does not parse.")?,
            script: sub(
                "ScriptError",
                "A batch script with an invalid #SBATCH directive.",
            )?,
            option: sub("OptionError", "An invalid sbatch command-line option.")?,
            qos: sub("QosError", "QOS definitions that do not parse or conflict.")?,
            rejected: new_class(
                py,
                "RejectedError",
                &PyTuple::new(py, [base, value_error])?,
                "A job the cluster would reject at submit. `reasons` lists every reason, \
                 most fundamental first.",
                &[],
            )?,
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
    m.add("RejectedError", c.rejected.bind(py))?;
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

fn parse_error(py: Python<'_>, class: &Py<PyType>, e: &hpcsched::Error) -> PyResult<PyErr> {
    let line = e.line().into_pyobject(py)?;
    Ok(raise(py, class, e.to_string(), &[("line", line)]))
}

/// Converts any core error into the matching Python exception, message unchanged.
#[must_use]
#[allow(clippy::needless_pass_by_value)] // Callers hand the error over; `?` needs this shape.
pub fn to_py(e: hpcsched::Error) -> PyErr {
    Python::attach(|py| {
        let Ok(c) = classes(py) else {
            return Error::new_err(e.to_string());
        };
        let converted = match &e {
            hpcsched::Error::Conf(_) => parse_error(py, &c.config, &e),
            hpcsched::Error::Script(_) => parse_error(py, &c.script, &e),
            hpcsched::Error::Option(_) => parse_error(py, &c.option, &e),
            hpcsched::Error::Qos(_) => parse_error(py, &c.qos, &e),
            hpcsched::Error::Time(_)
            | hpcsched::Error::Memory(_)
            | hpcsched::Error::Gres(_)
            | hpcsched::Error::Tres(_)
            | hpcsched::Error::Hostlist(_)
            | hpcsched::Error::JobId(_)
            | hpcsched::Error::Constraint(_)
            | hpcsched::Error::Dependency(_)
            | hpcsched::Error::Array(_)
            | hpcsched::Error::PreemptMode(_) => parse_error(py, &c.parse, &e),
            hpcsched::Error::Rejected(rejection) => {
                let reasons: Vec<String> = rejection
                    .reasons()
                    .iter()
                    .map(ToString::to_string)
                    .collect();
                reasons
                    .into_pyobject(py)
                    .map(|reasons| raise(py, &c.rejected, e.to_string(), &[("reasons", reasons)]))
            }
            // Cluster (a conflicting change) and anything added to the non-exhaustive core
            // error later are plain hpcsched.Error.
            _ => Ok(Error::new_err(e.to_string())),
        };
        converted.unwrap_or_else(|err| err)
    })
}

/// `?`-friendly conversion for any core error type.
pub(crate) fn py_err<E: Into<hpcsched::Error>>(e: E) -> PyErr {
    to_py(e.into())
}
