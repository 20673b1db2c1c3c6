//! One request's inputs as Python hands them over — `evaluate`'s arguments,
//! a WSGI environ, or an ASGI scope — kept as Python objects until the core
//! needs their bytes, so only what a decision reads is ever converted.

use std::borrow::Cow;

use pyo3::PyTypeInfo;
use pyo3::exceptions::PyTypeError;
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyString};
use unicors::{BytePairs, REQUEST_HEADER_NAMES, Request};

use crate::convert::{any_bytes, request_header_objects};

/// A request header line: a pair the host gave, or a value the host keyed
/// by one of [`REQUEST_HEADER_NAMES`] (a WSGI environ).
enum Line<'py> {
    Pair(Bound<'py, PyAny>, Bound<'py, PyAny>),
    Known(&'static str, Bound<'py, PyAny>),
}

/// The request: method and path objects (kept as given, for reports), the
/// CORS header lines, and the host's own verdict on the Origin.
pub(crate) struct Inputs<'py> {
    method: Bound<'py, PyAny>,
    path: Option<Bound<'py, PyAny>>,
    lines: Vec<Line<'py>>,
    origin_verdict: Option<bool>,
}

/// A decision's request: method, path and header bytes borrowed or
/// converted from the Python objects.
pub(crate) type CoreRequest<'a> = Request<'a, BytePairs<'a, Cow<'a, [u8]>>>;

impl<'py> Inputs<'py> {
    /// `evaluate(method, headers, path, origin_allowed)`'s arguments:
    /// `headers` as pairs or a mapping, only the CORS lines kept.
    pub(crate) fn from_args(
        method: &Bound<'py, PyAny>,
        headers: &Bound<'py, PyAny>,
        path: Option<&Bound<'py, PyAny>>,
        origin_verdict: Option<bool>,
    ) -> PyResult<Self> {
        let lines = request_header_objects(headers)?
            .into_iter()
            .map(|(name, value)| Line::Pair(name, value))
            .collect();
        Ok(Inputs {
            method: method.clone(),
            path: path.filter(|p| !p.is_none()).cloned(),
            lines,
            origin_verdict,
        })
    }

    /// A WSGI environ (or Django's `request.META`): `REQUEST_METHOD`,
    /// `PATH_INFO` and the CGI keys of the CORS request headers. The server
    /// has already joined repeated lines with commas; a joined Origin is
    /// refused as malformed, as it must be.
    pub(crate) fn from_environ(
        environ: &Bound<'py, PyAny>,
        origin_verdict: Option<bool>,
    ) -> PyResult<Self> {
        let py = environ.py();
        let environ = Mapping::new(environ)?;
        let mut lines = Vec::with_capacity(REQUEST_HEADER_NAMES.len());
        for (key, name) in environ_keys(py).iter().zip(REQUEST_HEADER_NAMES) {
            if let Some(value) = environ.get(key.bind(py))? {
                lines.push(Line::Known(name, value));
            }
        }
        Ok(Inputs {
            method: environ.get_or(intern!(py, "REQUEST_METHOD"), intern!(py, "GET"))?,
            path: Some(environ.get_or(intern!(py, "PATH_INFO"), intern!(py, ""))?),
            lines,
            origin_verdict,
        })
    }

    /// An ASGI HTTP scope: its `method`, `path` and `headers` (every line,
    /// only the CORS lines kept).
    pub(crate) fn from_scope(
        scope: &Bound<'py, PyAny>,
        origin_verdict: Option<bool>,
    ) -> PyResult<Self> {
        let py = scope.py();
        let scope = Mapping::new(scope)?;
        let field = |key: &Bound<'py, PyString>| {
            scope.get(key)?.ok_or_else(|| {
                PyTypeError::new_err(format!("an ASGI HTTP scope must have a {key:?} key"))
            })
        };
        let headers = field(intern!(py, "headers"))?;
        let method = field(intern!(py, "method"))?;
        let path = scope.get(intern!(py, "path"))?;
        Inputs::from_args(&method, &headers, path.as_ref(), origin_verdict)
    }

    /// The method object as the host gave it.
    pub(crate) fn method(&self) -> &Bound<'py, PyAny> {
        &self.method
    }

    /// The path object as the host gave it, if any.
    pub(crate) fn path(&self) -> Option<&Bound<'py, PyAny>> {
        self.path.as_ref()
    }

    /// The first Origin line's value as latin-1 text (for reports).
    pub(crate) fn first_origin(&self) -> Option<String> {
        let value = self.lines.iter().find_map(|line| match line {
            Line::Known(name, value) => (*name == "origin").then_some(value),
            Line::Pair(name, value) => any_bytes(name, "header names")
                .is_ok_and(|n| n.eq_ignore_ascii_case(b"origin"))
                .then_some(value),
        })?;
        let bytes = any_bytes(value, "header values").ok()?;
        Some(bytes.iter().map(|&b| char::from(b)).collect())
    }

    /// Converts what the core reads and hands the request to `decide`.
    /// The path is converted only when a policy routes (`with_path`).
    pub(crate) fn decide<R>(
        &self,
        with_path: bool,
        decide: impl for<'a> FnOnce(CoreRequest<'a>) -> R,
    ) -> PyResult<R> {
        let method = any_bytes(&self.method, "method")?;
        let path = match (&self.path, with_path) {
            (Some(path), true) => any_bytes(path, "path")?,
            _ => Cow::Borrowed(&b""[..]),
        };
        let mut lines = Vec::with_capacity(self.lines.len());
        for line in &self.lines {
            lines.push(match line {
                Line::Pair(name, value) => (
                    any_bytes(name, "header names")?,
                    any_bytes(value, "header values")?,
                ),
                Line::Known(name, value) => (
                    Cow::Borrowed(name.as_bytes()),
                    any_bytes(value, "header values")?,
                ),
            });
        }
        let request = Request::from_pairs(&method[..], &lines)
            .with_path(&path)
            .with_origin_verdict(self.origin_verdict);
        Ok(decide(request))
    }
}

/// The environ keys of [`REQUEST_HEADER_NAMES`] (`HTTP_ORIGIN`, …),
/// interned once.
fn environ_keys(py: Python<'_>) -> &'static [Py<PyString>] {
    static KEYS: PyOnceLock<Vec<Py<PyString>>> = PyOnceLock::new();
    KEYS.get_or_init(py, || {
        REQUEST_HEADER_NAMES
            .iter()
            .map(|name| {
                let key = format!("HTTP_{}", name.to_ascii_uppercase().replace('-', "_"));
                PyString::intern(py, &key).unbind()
            })
            .collect()
    })
}

/// A dict read without a method call, or any other mapping through `get`.
enum Mapping<'a, 'py> {
    Dict(&'a Bound<'py, PyDict>),
    Other(&'a Bound<'py, PyAny>),
}

impl<'a, 'py> Mapping<'a, 'py> {
    fn new(value: &'a Bound<'py, PyAny>) -> PyResult<Self> {
        if let Ok(dict) = value.cast::<PyDict>() {
            return Ok(Mapping::Dict(dict));
        }
        if value.hasattr(intern!(value.py(), "get"))? {
            return Ok(Mapping::Other(value));
        }
        Err(PyTypeError::new_err(
            "an environ or scope must be a dict or a mapping",
        ))
    }

    /// The value at `key`, or `default` (a WSGI default) when it is missing.
    fn get_or(
        &self,
        key: &Bound<'py, PyString>,
        default: &Bound<'py, PyString>,
    ) -> PyResult<Bound<'py, PyAny>> {
        Ok(self.get(key)?.unwrap_or_else(|| default.clone().into_any()))
    }

    fn get(&self, key: &Bound<'py, PyString>) -> PyResult<Option<Bound<'py, PyAny>>> {
        match self {
            Mapping::Dict(dict) => dict.get_item(key),
            // `get(key, MISSING)`: a present None is refused as a dict's
            // would be, not taken for a missing key.
            Mapping::Other(mapping) => {
                let py = mapping.py();
                static MISSING: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
                let missing = MISSING
                    .get_or_try_init(py, || PyAny::type_object(py).call0().map(Bound::unbind))?
                    .bind(py);
                let value = mapping.call_method1(intern!(py, "get"), (key, missing))?;
                Ok((!value.is(missing)).then_some(value))
            }
        }
    }
}
