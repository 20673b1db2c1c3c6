//! A decision applied to a header store keyed by lowercase name holding
//! `(name, value)` pairs — the layout of Django's `ResponseHeaders` — in
//! one call, instead of a Python-level `__setitem__` per header (each of
//! which re-validates what the core already guarantees: visible ASCII, no
//! CR, LF or NUL).

use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString, PyTuple};
use unicors::{CORS_RESPONSE_HEADER_PREFIX, Vary};

use crate::convert::any_bytes;

/// Drops the store's CORS headers, sets the decision's, and appends the
/// missing `Vary` names to its `vary` entry.
pub(crate) fn apply(
    py: Python<'_>,
    decision: &unicors::Decision<'static>,
    store: &Bound<'_, PyDict>,
) -> PyResult<()> {
    let stale: Vec<Bound<'_, PyAny>> = store.keys().iter().filter(|key| is_cors_key(key)).collect();
    for key in stale {
        store.del_item(key)?;
    }
    for header in decision.headers() {
        let value = PyString::new(py, &String::from_utf8_lossy(&header.value));
        let pair = PyTuple::new(py, [PyString::new(py, header.name.as_str()), value])?;
        store.set_item(header.name.as_lowercase_str(), pair)?;
    }
    let vary = intern!(py, "vary");
    let existing = match store.get_item(vary)? {
        Some(pair) => Some(pair.cast_into::<PyTuple>()?.get_item(1)?),
        None => None,
    };
    let existing_bytes = existing
        .as_ref()
        .map(|value| any_bytes(value, "Vary values"))
        .transpose()?;
    let missing = decision.vary().missing_from(existing_bytes.as_deref());
    if missing != Vary::EMPTY {
        let value = match &existing {
            Some(existing) => format!("{}, {}", existing.str()?, missing.as_str()),
            None => missing.as_str().to_owned(),
        };
        store.set_item(vary, (intern!(py, "Vary"), value))?;
    }
    Ok(())
}

fn is_cors_key(key: &Bound<'_, PyAny>) -> bool {
    key.len()
        .is_ok_and(|length| length >= CORS_RESPONSE_HEADER_PREFIX.len())
        && any_bytes(key, "header names").is_ok_and(|name| unicors::is_cors_response_header(&name))
}
