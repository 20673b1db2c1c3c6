//! ASGI glue: the `send` an adapter hands the app, applying a decision to
//! the response's headers.

use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple};
use pyo3::{PyTraverseError, PyVisit};

use crate::decision::Decision;
use crate::merge::{Form, merge};

/// `send(message)` for the app: on `http.response.start` it sets the
/// message's `headers` to the decision applied to them (the message is the
/// app's to give away), then returns the server's `send(message)` to be
/// awaited — no coroutine of its own. Made by `Decision.wrap_send`.
#[pyclass(frozen, module = "unicors", name = "CorsSend")]
#[derive(Debug)]
pub struct CorsSend {
    decision: Py<Decision>,
    send: Py<PyAny>,
}

impl CorsSend {
    pub(crate) fn new(decision: Py<Decision>, send: Py<PyAny>) -> Self {
        CorsSend { decision, send }
    }
}

#[pymethods]
impl CorsSend {
    /// The server's `send` may hold this object in turn: let the collector
    /// see both references so such a cycle is freed.
    fn __traverse__(&self, visit: PyVisit<'_>) -> Result<(), PyTraverseError> {
        visit.call(&self.decision)?;
        visit.call(&self.send)
    }

    fn __call__<'py>(
        &self,
        py: Python<'py>,
        message: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let (kind, headers) = match message.cast::<PyDict>() {
            Ok(dict) => (
                dict.get_item(intern!(py, "type"))?,
                dict.get_item(intern!(py, "headers"))?,
            ),
            // Any other mapping, read through its own protocol: its CORS
            // lines are replaced all the same, never passed through.
            Err(_) => (
                Some(message.get_item(intern!(py, "type"))?),
                Some(message.call_method1(
                    intern!(py, "get"),
                    (intern!(py, "headers"), PyTuple::empty(py)),
                )?),
            ),
        };
        let starts =
            kind.is_some_and(|kind| kind.eq(intern!(py, "http.response.start")).unwrap_or(false));
        if starts {
            let headers = headers.unwrap_or_else(|| PyTuple::empty(py).into_any());
            let merged = merge(py, self.decision.get().core(), &headers, Form::Raw)?;
            message.set_item(intern!(py, "headers"), merged)?;
        }
        self.send.bind(py).call1((message,))
    }
}
