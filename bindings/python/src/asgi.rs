//! ASGI glue: the `send` an adapter hands the app, applying a decision to
//! the response's headers.

use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple};

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
    fn __call__<'py>(
        &self,
        py: Python<'py>,
        message: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        if let Ok(message) = message.cast::<PyDict>() {
            let starts = message
                .get_item(intern!(py, "type"))?
                .is_some_and(|kind| kind.eq(intern!(py, "http.response.start")).unwrap_or(false));
            if starts {
                let headers = match message.get_item(intern!(py, "headers"))? {
                    Some(headers) => headers,
                    None => PyTuple::empty(py).into_any(),
                };
                let merged = merge(py, self.decision.get().core(), &headers, Form::Raw)?;
                message.set_item(intern!(py, "headers"), merged)?;
            }
        }
        self.send.bind(py).call1((message,))
    }
}
