//! A decision applied to an app's response header list, as ASGI byte pairs
//! or WSGI text pairs: the app's `Access-Control-*` lines dropped, the
//! decision's added, its missing `Vary` names appended as one more line.
//!
//! This runs on every response, so it touches as little as it can: the
//! app's own pairs are kept as the same tuple objects, a name is read only
//! when its length could make it a CORS or `Vary` name, and the decision's
//! header names are Python objects made once per process.

use pyo3::intern;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBytes, PyList, PyString, PyTuple};
use unicors::{CORS_RESPONSE_HEADER_PREFIX, HeaderName, Vary};

use crate::convert::{any_bytes, header_objects, is_text, not_text};

/// Which form the merged list takes.
#[derive(Clone, Copy)]
pub(crate) enum Form {
    /// ASGI: `(bytes, bytes)`, lowercase names.
    Raw,
    /// WSGI: `(str, str)`, names in their conventional case.
    Text,
}

/// `app_headers` (any iterable of pairs) with `decision` applied, as a new
/// list (the app's list is left as it was).
pub(crate) fn merge<'py>(
    py: Python<'py>,
    decision: &unicors::Decision<'static>,
    app_headers: &Bound<'py, PyAny>,
    form: Form,
) -> PyResult<Bound<'py, PyList>> {
    let (merged, vary) = app_lines_kept(py, app_headers)?;
    append_decision(py, decision, &merged, &vary, form)?;
    Ok(merged)
}

/// The headers of a response answered now: the decision's, `Vary`, and a
/// zero `Content-Length` unless the status is 204.
pub(crate) fn answer_now<'py>(
    py: Python<'py>,
    decision: &unicors::Decision<'static>,
    form: Form,
) -> PyResult<Bound<'py, PyList>> {
    let merged = PyList::empty(py);
    append_decision(py, decision, &merged, &[], form)?;
    if decision.status() != Some(204) {
        match form {
            Form::Raw => merged.append((
                constant(py, &RAW_CONTENT_LENGTH, b"content-length"),
                constant(py, &RAW_ZERO, b"0"),
            ))?,
            Form::Text => merged.append((intern!(py, "Content-Length"), intern!(py, "0")))?,
        }
    }
    Ok(merged)
}

static RAW_CONTENT_LENGTH: PyOnceLock<Py<PyBytes>> = PyOnceLock::new();
static RAW_ZERO: PyOnceLock<Py<PyBytes>> = PyOnceLock::new();
static RAW_VARY: PyOnceLock<Py<PyBytes>> = PyOnceLock::new();

/// A bytes constant, made once.
fn constant<'py>(
    py: Python<'py>,
    cell: &'static PyOnceLock<Py<PyBytes>>,
    bytes: &[u8],
) -> Bound<'py, PyBytes> {
    cell.get_or_init(py, || PyBytes::new(py, bytes).unbind())
        .bind(py)
        .clone()
}

fn append_decision<'py>(
    py: Python<'py>,
    decision: &unicors::Decision<'static>,
    merged: &Bound<'py, PyList>,
    vary: &[Vec<u8>],
    form: Form,
) -> PyResult<()> {
    for header in decision.headers() {
        let name = names(py)[header.name as usize].get(form).bind(py);
        let value = match form {
            Form::Raw => PyBytes::new(py, &header.value).into_any(),
            // Visible ASCII (the core's guarantee), so this never replaces.
            Form::Text => PyString::new(py, &String::from_utf8_lossy(&header.value)).into_any(),
        };
        merged.append(PyTuple::new(py, [name, &value])?)?;
    }
    let missing = decision.vary().missing_from(vary.iter().map(Vec::as_slice));
    if missing != Vary::EMPTY {
        let missing = missing.as_str();
        match form {
            Form::Raw => merged.append((
                constant(py, &RAW_VARY, b"vary"),
                PyBytes::new(py, missing.as_bytes()),
            ))?,
            Form::Text => merged.append((intern!(py, "Vary"), missing))?,
        }
    }
    Ok(())
}

/// The app's pairs without its CORS lines (the same tuple objects), and the
/// values of its `Vary` lines.
fn app_lines_kept<'py>(
    py: Python<'py>,
    app_headers: &Bound<'py, PyAny>,
) -> PyResult<(Bound<'py, PyList>, Vec<Vec<u8>>)> {
    let kept = PyList::empty(py);
    let mut vary = Vec::new();
    let mut keep = |item: Option<&Bound<'py, PyAny>>,
                    name: &Bound<'py, PyAny>,
                    value: &Bound<'py, PyAny>|
     -> PyResult<()> {
        if !is_text(name) {
            return Err(not_text(name, "header names"));
        }
        let length = name.len()?;
        if length == 4 || length >= CORS_RESPONSE_HEADER_PREFIX.len() {
            let bytes = any_bytes(name, "header names")?;
            if unicors::is_cors_response_header(&bytes) {
                return Ok(());
            }
            if bytes.eq_ignore_ascii_case(b"vary") {
                vary.push(any_bytes(value, "header values")?.into_owned());
            }
        }
        match item {
            Some(item) => kept.append(item),
            None => kept.append(PyTuple::new(py, [name, value])?),
        }
    };
    if let Ok(list) = app_headers.cast::<PyList>() {
        for item in list.iter() {
            if let Ok(pair) = item.cast::<PyTuple>() {
                if pair.len() == 2 {
                    let (name, value) = (pair.get_borrowed_item(0)?, pair.get_borrowed_item(1)?);
                    keep(Some(&item), &name, &value)?;
                    continue;
                }
            }
            let (name, value) = crate::convert::pair(&item)?;
            keep(None, &name, &value)?;
        }
        return Ok((kept, vary));
    }
    for (name, value) in header_objects(app_headers)? {
        keep(None, &name, &value)?;
    }
    Ok((kept, vary))
}

/// A decision header name in both forms.
struct Name {
    raw: Py<PyBytes>,
    text: Py<PyString>,
}

impl Name {
    fn get(&self, form: Form) -> &Py<PyAny> {
        match form {
            Form::Raw => self.raw.as_any(),
            Form::Text => self.text.as_any(),
        }
    }
}

// `names()` is indexed by discriminant: checked at compile time, so no
// panic can reach Python.
const _: () = {
    let mut index = 0;
    while index < HeaderName::ALL.len() {
        assert!(HeaderName::ALL[index] as usize == index);
        index += 1;
    }
};

/// Every [`HeaderName`], indexed by its discriminant, made once.
fn names(py: Python<'_>) -> &'static [Name] {
    static NAMES: PyOnceLock<Vec<Name>> = PyOnceLock::new();
    NAMES.get_or_init(py, || {
        HeaderName::ALL
            .iter()
            .map(|name| Name {
                raw: PyBytes::new(py, name.as_lowercase_str().as_bytes()).unbind(),
                text: PyString::intern(py, name.as_str()).unbind(),
            })
            .collect()
    })
}
