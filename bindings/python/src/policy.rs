//! `Policy`: a validated, immutable policy shared by any number of threads.

use std::borrow::Cow;
use std::path::PathBuf;

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};
use unicors::{BytePairs, ConfigError, Request};

use crate::convert::{any_bytes, options_document, request_header_objects};
use crate::decision::Decision;
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
        with_request(method, headers, path, origin_allowed, |request| {
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

/// Converts one request's Python values (bytes or str; only the CORS
/// header lines are converted) and hands the core request to `decide`.
pub(crate) fn with_request<R>(
    method: &Bound<'_, PyAny>,
    headers: &Bound<'_, PyAny>,
    path: Option<&Bound<'_, PyAny>>,
    origin_allowed: Option<bool>,
    decide: impl for<'a> FnOnce(Request<'a, BytePairs<'a, Cow<'a, [u8]>>>) -> R,
) -> PyResult<R> {
    let method = any_bytes(method, "method")?;
    let path = match path {
        Some(path) if !path.is_none() => any_bytes(path, "path")?,
        _ => Cow::Borrowed(&b""[..]),
    };
    let objects = request_header_objects(headers)?;
    let mut lines = Vec::with_capacity(objects.len());
    for (name, value) in &objects {
        lines.push((
            any_bytes(name, "header names")?,
            any_bytes(value, "header values")?,
        ));
    }
    let request = Request::from_pairs(&method[..], &lines)
        .with_path(&path)
        .with_origin_verdict(origin_allowed);
    Ok(decide(request))
}
