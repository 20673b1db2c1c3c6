//! Python values into the core's inputs: policy options into its document
//! tree, header pairs and methods into bytes.
//!
//! Text becomes bytes the way decisions.md says: latin-1 when every
//! character is at most U+00FF (what WSGI and most servers hand over),
//! else UTF-8 (lone surrogates passed through), so no header value ever
//! raises.

use std::borrow::Cow;

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{
    PyBool, PyByteArray, PyBytes, PyDict, PyFloat, PyInt, PyList, PySequence, PyString, PyTuple,
};
use unicors::{Problem, ProblemCode, Severity, Value};

/// Bytes of a `str` per the rule above (`unicors::header_text_bytes`).
pub(crate) fn text_bytes<'a>(text: &'a Bound<'_, PyString>) -> Cow<'a, [u8]> {
    match text.to_cow() {
        Ok(Cow::Borrowed(utf8)) => unicors::header_text_bytes(utf8),
        Ok(Cow::Owned(utf8)) => Cow::Owned(unicors::header_text_bytes(&utf8).into_owned()),
        // Lone surrogates: UTF-8 with the surrogates passed through.
        Err(_) => Cow::Owned(
            text.call_method1("encode", ("utf-8", "surrogatepass"))
                .and_then(|b| b.extract::<Vec<u8>>())
                .unwrap_or_default(),
        ),
    }
}

/// Bytes of a `str`, `bytes` or `bytearray`; anything else is a TypeError
/// naming `what`.
pub(crate) fn any_bytes<'a>(value: &'a Bound<'_, PyAny>, what: &str) -> PyResult<Cow<'a, [u8]>> {
    if let Ok(bytes) = value.cast::<PyBytes>() {
        return Ok(Cow::Borrowed(bytes.as_bytes()));
    }
    if let Ok(text) = value.cast::<PyString>() {
        return Ok(text_bytes(text));
    }
    if let Ok(array) = value.cast::<PyByteArray>() {
        return Ok(Cow::Owned(array.to_vec()));
    }
    Err(not_text(value, what))
}

/// Whether `value` is one of the types `any_bytes` reads (type checks
/// only: nothing is converted).
pub(crate) fn is_text(value: &Bound<'_, PyAny>) -> bool {
    value.cast::<PyString>().is_ok()
        || value.cast::<PyBytes>().is_ok()
        || value.cast::<PyByteArray>().is_ok()
}

/// The error for a value `any_bytes` cannot read.
pub(crate) fn not_text(value: &Bound<'_, PyAny>, what: &str) -> PyErr {
    PyTypeError::new_err(format!(
        "{what} must be str or bytes, not {}",
        type_name(value)
    ))
}

fn type_name(value: &Bound<'_, PyAny>) -> String {
    value
        .get_type()
        .name()
        .map_or_else(|_| "?".to_owned(), |n| n.to_string())
}

/// The header pairs of `headers`: an iterable of `(name, value)` pairs
/// (ASGI's list of byte pairs, WSGI-style str pairs, a list of tuples) or
/// a mapping (its items). Kept as Python objects so their bytes can be
/// borrowed without copying.
pub(crate) fn header_objects<'py>(
    headers: &Bound<'py, PyAny>,
) -> PyResult<Vec<(Bound<'py, PyAny>, Bound<'py, PyAny>)>> {
    collect_pairs(headers, |_| Ok(true))
}

/// As [`header_objects`], keeping only the lines a decision reads
/// (`unicors::REQUEST_HEADER_NAMES`, any case): the rest would only be
/// converted to be skipped by the core.
pub(crate) fn request_header_objects<'py>(
    headers: &Bound<'py, PyAny>,
) -> PyResult<Vec<(Bound<'py, PyAny>, Bound<'py, PyAny>)>> {
    collect_pairs(headers, |name| {
        let name = any_bytes(name, "header names")?;
        Ok(matches!(name.len(), 6 | 29 | 30 | 38)
            && unicors::REQUEST_HEADER_NAMES
                .iter()
                .any(|known| name.eq_ignore_ascii_case(known.as_bytes())))
    })
}

fn collect_pairs<'py>(
    headers: &Bound<'py, PyAny>,
    keep: impl Fn(&Bound<'py, PyAny>) -> PyResult<bool>,
) -> PyResult<Vec<(Bound<'py, PyAny>, Bound<'py, PyAny>)>> {
    let mut pairs = Vec::new();
    let mut push = |item: &Bound<'py, PyAny>| -> PyResult<()> {
        // The usual shape, a 2-tuple: look at the name without taking a
        // reference, and take the pair only when it is kept.
        if let Ok(tuple) = item.cast::<PyTuple>() {
            if tuple.len() == 2 {
                let name = tuple.get_borrowed_item(0)?;
                if keep(&name)? {
                    pairs.push((name.to_owned(), tuple.get_item(1)?));
                }
                return Ok(());
            }
        }
        let (name, value) = pair(item)?;
        if keep(&name)? {
            pairs.push((name, value));
        }
        Ok(())
    };
    if let Ok(list) = headers.cast::<PyList>() {
        for item in list.iter() {
            push(&item)?;
        }
        return Ok(pairs);
    }
    let iterable = match headers.cast::<PyDict>() {
        Ok(dict) => dict.items().into_any(),
        Err(_) if headers.hasattr("items")? && !headers.is_instance_of::<PyString>() => {
            headers.call_method0("items")?
        }
        Err(_) => headers.clone(),
    };
    for item in iterable.try_iter()? {
        push(&item?)?;
    }
    Ok(pairs)
}

pub(crate) fn pair<'py>(
    item: &Bound<'py, PyAny>,
) -> PyResult<(Bound<'py, PyAny>, Bound<'py, PyAny>)> {
    if let Ok(tuple) = item.cast::<PyTuple>() {
        if tuple.len() == 2 {
            return Ok((tuple.get_item(0)?, tuple.get_item(1)?));
        }
    }
    // ASGI allows any two-item iterable ([name, value] lists among them);
    // a str or bytes of length 2 is not a pair.
    if let Ok(list) = item.cast::<PyList>() {
        if list.len() == 2 {
            return Ok((list.get_item(0)?, list.get_item(1)?));
        }
    } else if !is_text(item) {
        if let Ok(sequence) = item.cast::<PySequence>() {
            if sequence.len()? == 2 {
                return Ok((sequence.get_item(0)?, sequence.get_item(1)?));
            }
        }
    }
    Err(PyTypeError::new_err(format!(
        "headers must be (name, value) pairs, found {}",
        type_name(item)
    )))
}

/// Policy options as the core's document tree. Values Python can say but a
/// document cannot (objects, non-str keys) become `wrong_type` problems at
/// their field and are left out, so the core still reports everything else.
pub(crate) fn options_document(options: Option<&Bound<'_, PyDict>>) -> (Value, Vec<Problem>) {
    let mut problems = Vec::new();
    let mut table = Vec::new();
    if let Some(options) = options {
        for (key, value) in options.iter() {
            let key = key.extract::<String>().unwrap_or_default();
            if let Some(value) = to_value(&value, &key, &mut problems) {
                table.push((key, value));
            }
        }
    }
    (Value::Table(table), problems)
}

fn to_value(value: &Bound<'_, PyAny>, field: &str, problems: &mut Vec<Problem>) -> Option<Value> {
    if value.is_none() {
        return Some(Value::Null);
    }
    // bool before int: bool is a subclass of int.
    if let Ok(flag) = value.cast::<PyBool>() {
        return Some(Value::Bool(flag.is_true()));
    }
    if value.is_instance_of::<PyInt>() {
        return match value.extract::<i64>() {
            Ok(n) => Some(Value::Integer(n)),
            Err(_) => wrong_type(field, value, "an integer that fits in 64 bits", problems),
        };
    }
    if let Ok(number) = value.cast::<PyFloat>() {
        return Some(Value::Float(number.value()));
    }
    if let Ok(text) = value.cast::<PyString>() {
        return Some(Value::String(text.to_string_lossy().into_owned()));
    }
    if let Ok(dict) = value.cast::<PyDict>() {
        let mut table = Vec::with_capacity(dict.len());
        for (key, item) in dict.iter() {
            let Ok(key) = key.extract::<String>() else {
                wrong_type(field, &key, "a str key", problems);
                continue;
            };
            if let Some(item) = to_value(&item, &format!("{field}.{key}"), problems) {
                table.push((key, item));
            }
        }
        return Some(Value::Table(table));
    }
    if value.is_instance_of::<PyList>() || value.is_instance_of::<PyTuple>() {
        let mut items = Vec::new();
        if let Ok(iter) = value.try_iter() {
            for (index, item) in iter.enumerate() {
                let Ok(item) = item else { break };
                if let Some(item) = to_value(&item, &format!("{field}[{index}]"), problems) {
                    items.push(item);
                }
            }
        }
        return Some(Value::Array(items));
    }
    wrong_type(field, value, "a str, bool, int, list or dict", problems)
}

fn wrong_type(
    field: &str,
    value: &Bound<'_, PyAny>,
    expected: &str,
    problems: &mut Vec<Problem>,
) -> Option<Value> {
    problems.push(Problem {
        severity: Severity::Error,
        code: ProblemCode::WrongType,
        field: field.to_owned(),
        value: value
            .repr()
            .map_or_else(|_| String::new(), |r| r.to_string_lossy().into_owned()),
        message: format!("expected {expected}, found {}", type_name(value)),
    });
    None
}
