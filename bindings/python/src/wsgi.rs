//! WSGI glue: the `start_response` an adapter hands the app, applying a
//! decision to whatever headers the app answers with.

use pyo3::prelude::*;
use pyo3::types::PyTuple;
use pyo3::{PyTraverseError, PyVisit};

use crate::decision::Decision;
use crate::merge::{Form, merge};

/// `start_response(status, headers, exc_info=None)` for the app: calls the
/// server's `start_response` with the decision applied to `headers` (a new
/// list; the app's is left as it was). Made by
/// `Decision.wrap_start_response`.
#[pyclass(frozen, module = "unicors", name = "CorsStartResponse")]
#[derive(Debug)]
pub struct CorsStartResponse {
    decision: Py<Decision>,
    start_response: Py<PyAny>,
}

impl CorsStartResponse {
    pub(crate) fn new(decision: Py<Decision>, start_response: Py<PyAny>) -> Self {
        CorsStartResponse {
            decision,
            start_response,
        }
    }
}

#[pymethods]
impl CorsStartResponse {
    /// The server's `start_response` may hold this object in turn: let the
    /// collector see both references so such a cycle is freed.
    fn __traverse__(&self, visit: PyVisit<'_>) -> Result<(), PyTraverseError> {
        visit.call(&self.decision)?;
        visit.call(&self.start_response)
    }

    #[pyo3(signature = (status, headers, exc_info = None))]
    fn __call__<'py>(
        &self,
        py: Python<'py>,
        status: &Bound<'py, PyAny>,
        headers: &Bound<'py, PyAny>,
        exc_info: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let merged = merge(py, self.decision.get().core(), headers, Form::Text)?;
        let start_response = self.start_response.bind(py);
        match exc_info.filter(|e| !e.is_none()) {
            // Some servers' start_response takes exactly two arguments.
            None => start_response.call1(PyTuple::new(py, [status, merged.as_any()])?),
            Some(exc_info) => start_response.call1((status, merged, exc_info)),
        }
    }
}
