//! `ConfigError` and the `Problem`s it carries: every problem of a refused
//! policy at once, with the core's stable codes and field paths.

use pyo3::create_exception;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyList;

create_exception!(
    unicors,
    ConfigError,
    PyValueError,
    "A policy that cannot be built. `errors` lists every error (never only the first), `warnings` the warnings found with them."
);

/// One problem found in a policy.
#[pyclass(frozen, module = "unicors", name = "Problem", eq, hash)]
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Problem {
    /// `"error"` (the policy is refused) or `"warning"`.
    #[pyo3(get)]
    severity: &'static str,
    /// The stable code, e.g. `"origin_not_canonical"`.
    #[pyo3(get)]
    code: &'static str,
    /// Where: `allow_origins[2]`, `routes[0].max_age`, or `""`.
    #[pyo3(get)]
    field: String,
    /// The offending value as written (may be empty).
    #[pyo3(get)]
    value: String,
    /// A readable explanation, with the fix when there is one.
    #[pyo3(get)]
    message: String,
}

#[pymethods]
impl Problem {
    fn __repr__(&self) -> String {
        format!(
            "Problem(severity={:?}, code={:?}, field={:?}, value={:?}, message={:?})",
            self.severity, self.code, self.field, self.value, self.message
        )
    }

    fn __str__(&self) -> String {
        let mut text = format!("{} [{}]", self.severity, self.code);
        if !self.field.is_empty() {
            text.push(' ');
            text.push_str(&self.field);
        }
        text.push_str(": ");
        text.push_str(&self.message);
        text
    }
}

impl From<&unicors::Problem> for Problem {
    fn from(problem: &unicors::Problem) -> Self {
        Problem {
            severity: problem.severity.as_str(),
            code: problem.code.as_str(),
            field: problem.field.clone(),
            value: problem.value.clone(),
            message: problem.message.clone(),
        }
    }
}

/// A list of `Problem`s for Python.
pub(crate) fn problem_list<'a, 'py>(
    py: Python<'py>,
    problems: impl IntoIterator<Item = &'a unicors::Problem>,
) -> PyResult<Bound<'py, PyList>> {
    PyList::new(py, problems.into_iter().map(Problem::from))
}

/// The `ConfigError` for a refused policy, with `errors` and `warnings`.
pub(crate) fn config_error(py: Python<'_>, error: &unicors::ConfigError) -> PyErr {
    let raised = ConfigError::new_err(error.to_string());
    let attach = || -> PyResult<()> {
        let value = raised.value(py);
        let problems = error.problems();
        value.setattr(
            "errors",
            problem_list(py, problems.iter().filter(|p| p.is_error()))?,
        )?;
        value.setattr(
            "warnings",
            problem_list(py, problems.iter().filter(|p| !p.is_error()))?,
        )?;
        Ok(())
    };
    match attach() {
        Ok(()) => raised,
        Err(failure) => failure,
    }
}
