//! `Decision`: what the core decided for one request, ready to apply.

use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList, PyString, PyTuple};
use unicors::{Kind, Vary};

use crate::asgi::CorsSend;
use crate::convert::any_bytes;
use crate::header_store;
use crate::merge::{Form, answer_now, merge};
use crate::wsgi::CorsStartResponse;

/// Whether a response header the app set is a CORS response header, which
/// adapters drop before applying a decision (`unicors::is_cors_response_header`).
#[pyfunction]
pub(crate) fn is_cors_response_header(name: &Bound<'_, PyAny>) -> PyResult<bool> {
    Ok(unicors::is_cors_response_header(&any_bytes(
        name,
        "header names",
    )?))
}

/// The decision for one request: its kind, the status to answer with now
/// (preflights) or None, the headers to set (replacing any of the same
/// name) and the names to append to `Vary`.
#[pyclass(frozen, module = "unicors", name = "Decision")]
#[derive(Debug)]
pub struct Decision {
    decision: unicors::Decision<'static>,
}

impl Decision {
    pub(crate) fn new(decision: unicors::Decision<'static>) -> Self {
        Decision { decision }
    }

    /// The core decision.
    pub(crate) fn core(&self) -> &unicors::Decision<'static> {
        &self.decision
    }

    /// The kind's stable name.
    pub(crate) fn kind_name(&self) -> &'static str {
        self.decision.kind().as_str()
    }
}

#[pymethods]
impl Decision {
    /// `"not_cors"`, `"preflight"`, `"actual"` or `"rejected"` (interned).
    #[getter]
    fn kind<'py>(&self, py: Python<'py>) -> &Bound<'py, PyString> {
        match self.decision.kind() {
            Kind::NotCors => intern!(py, "not_cors"),
            Kind::Preflight => intern!(py, "preflight"),
            Kind::Actual => intern!(py, "actual"),
            Kind::Rejected => intern!(py, "rejected"),
        }
    }

    /// Whether the request was refused (`kind == "rejected"`), without
    /// making a string: the adapters' per-request check.
    #[getter]
    fn rejected(&self) -> bool {
        self.decision.kind() == Kind::Rejected
    }

    /// The status to answer with now, without calling the app; None when
    /// the app answers.
    #[getter]
    fn status(&self) -> Option<u16> {
        self.decision.status()
    }

    /// The headers to set, as `(name, value)` str pairs (names in their
    /// conventional case), e.g. for WSGI.
    #[getter]
    fn headers<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let pairs = self.decision.headers().map(|header| {
            let value = String::from_utf8_lossy(&header.value).into_owned();
            (header.name.as_str(), value)
        });
        PyList::new(py, pairs)
    }

    /// The headers to set as `(name, value)` byte pairs with lowercase
    /// names, as ASGI sends them.
    #[getter]
    fn raw_headers<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let pairs = self.decision.headers().map(|header| {
            PyTuple::new(
                py,
                [
                    PyBytes::new(py, header.name.as_lowercase_str().as_bytes()),
                    PyBytes::new(py, &header.value),
                ],
            )
        });
        let tuples = pairs.collect::<PyResult<Vec<_>>>()?;
        PyList::new(py, tuples)
    }

    /// The names to append to `Vary`, joined with `", "` (`""` for none).
    #[getter]
    fn vary(&self) -> &'static str {
        self.decision.vary().as_str()
    }

    /// The stable reason code of a rejection (e.g. `"origin_not_allowed"`),
    /// None otherwise.
    #[getter]
    fn reason(&self) -> Option<&'static str> {
        self.decision.reason().map(|reason| reason.code())
    }

    /// A one-line explanation of a rejection (no request bytes), None
    /// otherwise.
    #[getter]
    fn reason_message(&self) -> Option<&'static str> {
        self.decision.reason().map(|reason| reason.message())
    }

    /// The `Vary` names still missing from the response's own `Vary`
    /// values (`existing`: the values, or one value, str or bytes; None for
    /// none), joined with `", "`: append them as one more `Vary` value when
    /// not empty. An existing `Vary: *` already covers everything.
    #[pyo3(signature = (existing = None))]
    fn vary_to_append(&self, existing: Option<&Bound<'_, PyAny>>) -> PyResult<&'static str> {
        let wanted = self.decision.vary();
        let Some(existing) = existing.filter(|e| !e.is_none()) else {
            return Ok(wanted.as_str());
        };
        if let Ok(single) = any_bytes(existing, "Vary values") {
            return Ok(wanted.missing_from([&single[..]]).as_str());
        }
        let mut values = Vec::new();
        for item in existing.try_iter()? {
            values.push(any_bytes(&item?, "Vary values")?.into_owned());
        }
        Ok(missing(wanted, &values))
    }

    /// The app's response headers with the decision applied, as ASGI byte
    /// pairs: the app's `Access-Control-*` headers dropped, the decision's
    /// added (lowercase names), its missing `Vary` names appended as one
    /// more `vary` line. `app_headers`: the app's `(name, value)` pairs.
    fn merge_raw<'py>(
        &self,
        py: Python<'py>,
        app_headers: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyList>> {
        merge(py, &self.decision, app_headers, Form::Raw)
    }

    /// As `merge_raw`, for WSGI: `(name, value)` str pairs, the decision's
    /// names in their conventional case.
    fn merge_text<'py>(
        &self,
        py: Python<'py>,
        app_headers: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyList>> {
        merge(py, &self.decision, app_headers, Form::Text)
    }

    /// The headers of a response answered now (`status` is not None), as
    /// ASGI byte pairs: the decision's headers, `vary`, and
    /// `content-length: 0` unless the status is 204.
    fn response_raw<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        answer_now(py, &self.decision, Form::Raw)
    }

    /// As `response_raw`, as WSGI str pairs.
    fn response_text<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        answer_now(py, &self.decision, Form::Text)
    }

    /// A WSGI `start_response` that applies this decision to the app's
    /// headers (as `merge_text`) and calls `start_response` with them.
    fn wrap_start_response(slf: Py<Self>, start_response: Py<PyAny>) -> CorsStartResponse {
        CorsStartResponse::new(slf, start_response)
    }

    /// Applies this decision to a dict keyed by lowercase header name
    /// holding `(name, value)` pairs (Django's `ResponseHeaders._store`):
    /// its CORS entries dropped, the decision's set, the missing `Vary`
    /// names appended to its `vary` entry.
    fn apply_to_header_store(&self, py: Python<'_>, store: &Bound<'_, PyDict>) -> PyResult<()> {
        header_store::apply(py, &self.decision, store)
    }

    /// An ASGI `send` that applies this decision to the
    /// `http.response.start` message's headers (as `merge_raw`) and passes
    /// every message on to `send`.
    fn wrap_send(slf: Py<Self>, send: Py<PyAny>) -> CorsSend {
        CorsSend::new(slf, send)
    }

    fn __repr__(&self) -> String {
        let mut text = format!("<unicors.Decision {}", self.decision.kind().as_str());
        if let Some(reason) = self.reason() {
            text.push_str(&format!(" {reason}"));
        }
        if let Some(status) = self.status() {
            text.push_str(&format!(" status={status}"));
        }
        text.push_str(&format!(" headers={}>", self.decision.headers().len()));
        text
    }
}

fn missing(wanted: Vary, values: &[Vec<u8>]) -> &'static str {
    wanted
        .missing_from(values.iter().map(Vec::as_slice))
        .as_str()
}
