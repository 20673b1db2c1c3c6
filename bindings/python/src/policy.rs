//! `Policy`: a validated, immutable policy shared by any number of threads.

use std::path::PathBuf;

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};
use unicors::ConfigError;

use crate::convert::options_document;
use crate::decision::Decision;
use crate::inputs::Inputs;
use crate::problems::{config_error, problem_list};

/// A validated CORS policy. Immutable and thread-safe: build it once at
/// startup and share it.
#[pyclass(frozen, module = "unicors", name = "Policy")]
#[derive(Debug)]
pub struct Policy {
    policy: unicors::Policy,
}

impl Policy {
    /// Wraps a core policy.
    pub(crate) fn from_core(policy: unicors::Policy) -> Self {
        Policy { policy }
    }

    /// The core policy.
    pub(crate) fn core(&self) -> &unicors::Policy {
        &self.policy
    }

    fn built(py: Python<'_>, result: Result<unicors::Policy, ConfigError>) -> PyResult<Self> {
        result
            .map(|policy| Policy { policy })
            .map_err(|error| config_error(py, &error))
    }
}

#[pymethods]
impl Policy {
    /// `Policy(allow_origins=[...], allow_credentials=True, ...)`: keyword
    /// arguments named as the policy keys (docs/policy.md).
    #[new]
    #[pyo3(signature = (**options))]
    fn new(py: Python<'_>, options: Option<&Bound<'_, PyDict>>) -> PyResult<Self> {
        let (document, mut problems) = options_document(options);
        let result = match unicors::Policy::from_value(&document) {
            Ok(policy) if problems.is_empty() => Ok(policy),
            Ok(policy) => {
                problems.extend_from_slice(policy.warnings());
                Err(ConfigError::new(problems))
            }
            Err(error) => {
                problems.extend_from_slice(error.problems());
                Err(ConfigError::new(problems))
            }
        };
        Policy::built(py, result)
    }

    /// Reads a policy file: `.json` is JSON, anything else TOML.
    #[staticmethod]
    fn from_file(py: Python<'_>, path: PathBuf) -> PyResult<Self> {
        Policy::built(py, unicors::Policy::from_file(path))
    }

    /// Builds a policy from a TOML document.
    #[staticmethod]
    fn from_toml(py: Python<'_>, text: &str) -> PyResult<Self> {
        Policy::built(py, unicors::Policy::from_toml(text))
    }

    /// Builds a policy from a JSON document.
    #[staticmethod]
    fn from_json(py: Python<'_>, text: &str) -> PyResult<Self> {
        Policy::built(py, unicors::Policy::from_json(text))
    }

    /// The warnings of the policy (it built; they may still surprise).
    #[getter]
    fn warnings<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        problem_list(py, self.policy.warnings())
    }

    /// Decides one request. `headers`: every request header line as
    /// `(name, value)` pairs of bytes or str (ASGI's `scope["headers"]`
    /// as is), or a mapping; `path`: the router's path; `origin_allowed`:
    /// the host's own verdict on the Origin (None: the policy decides).
    #[pyo3(signature = (method, headers, path = None, origin_allowed = None))]
    fn evaluate(
        &self,
        method: &Bound<'_, PyAny>,
        headers: &Bound<'_, PyAny>,
        path: Option<&Bound<'_, PyAny>>,
        origin_allowed: Option<bool>,
    ) -> PyResult<Decision> {
        Inputs::from_args(method, headers, path, origin_allowed)?
            .decide(self.policy.has_routes(), |request| {
                Decision::new(self.policy.evaluate(request).into_owned())
            })
    }

    fn __repr__(&self) -> String {
        format!(
            "<unicors.Policy with {} warning(s)>",
            self.policy.warnings().len()
        )
    }
}
