//! Every problem of a refused policy (and the warnings of a built one).

use std::ffi::c_char;

use unicors::{ConfigError, Problem};

use crate::boundary::guard;
use crate::enums::unicors_severity;
use crate::status::unicors_status;

/// A refused policy's problems: every error and warning found, never only
/// the first. Made by `unicors_policy_from_document` / `_from_file`; free
/// it with `unicors_config_error_free`.
#[derive(Debug)]
pub struct unicors_config_error {
    problems: Vec<Problem>,
    text: String,
}

impl unicors_config_error {
    pub(crate) fn new(error: &ConfigError) -> Self {
        unicors_config_error {
            problems: error.problems().to_vec(),
            text: error.to_string(),
        }
    }
}

/// A view of one problem. `code` is static and NUL-terminated; `field`,
/// `value` and `message` are byte strings (not NUL-terminated) that live as
/// long as the object they were read from.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct unicors_problem {
    /// Error (the policy is refused) or warning.
    pub severity: unicors_severity,
    /// The stable code, e.g. `"origin_not_canonical"`.
    pub code: *const c_char,
    /// Where: e.g. `allow_origins[2]`, `routes[0].max_age` (may be empty).
    pub field: *const u8,
    /// Length of `field`.
    pub field_len: usize,
    /// The offending value as written (may be empty).
    pub value: *const u8,
    /// Length of `value`.
    pub value_len: usize,
    /// A readable explanation, with the fix when there is one.
    pub message: *const u8,
    /// Length of `message`.
    pub message_len: usize,
}

pub(crate) fn problem_view(problem: &Problem) -> unicors_problem {
    unicors_problem {
        severity: problem.severity.into(),
        code: problem.code.as_c_str().as_ptr(),
        field: problem.field.as_ptr(),
        field_len: problem.field.len(),
        value: problem.value.as_ptr(),
        value_len: problem.value.len(),
        message: problem.message.as_ptr(),
        message_len: problem.message.len(),
    }
}

/// Writes the view of `problems[index]` to `out`.
///
/// # Safety
/// `out` must be NULL or point to writable memory for one `unicors_problem`.
pub(crate) unsafe fn write_problem(
    problems: &[Problem],
    index: usize,
    out: *mut unicors_problem,
) -> unicors_status {
    if out.is_null() {
        return unicors_status::NullParameter;
    }
    let Some(problem) = problems.get(index) else {
        return unicors_status::InvalidArgument;
    };
    // SAFETY: non-NULL and writable per the caller's contract.
    unsafe { out.write(problem_view(problem)) };
    unicors_status::Ok
}

/// The number of problems (errors and warnings); 0 for NULL.
///
/// # Safety
/// `error` must be NULL or a live object from this library.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn unicors_config_error_count(error: *const unicors_config_error) -> usize {
    guard(0, || {
        // SAFETY: NULL or live, per the contract.
        unsafe { error.as_ref() }.map_or(0, |e| e.problems.len())
    })
}

/// Writes a view of problem `index` (0-based, in report order) to `out`.
/// The views live until `unicors_config_error_free(error)`.
///
/// # Safety
/// `error` must be NULL or a live object from this library; `out` must be
/// NULL or writable.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn unicors_config_error_at(
    error: *const unicors_config_error,
    index: usize,
    out: *mut unicors_problem,
) -> unicors_status {
    guard(unicors_status::Panic, || {
        // SAFETY: NULL or live, per the contract.
        let Some(error) = (unsafe { error.as_ref() }) else {
            return unicors_status::NullParameter;
        };
        // SAFETY: `out` is NULL or writable, per the contract.
        unsafe { write_problem(&error.problems, index, out) }
    })
}

/// The whole report as one text (a summary line, then one line per
/// problem), for logs: writes a view to `*text` / `*text_len`, valid until
/// the object is freed.
///
/// # Safety
/// `error` must be NULL or a live object; `text` and `text_len` must be
/// NULL or writable.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn unicors_config_error_text(
    error: *const unicors_config_error,
    text: *mut *const u8,
    text_len: *mut usize,
) -> unicors_status {
    guard(unicors_status::Panic, || {
        // SAFETY: NULL or live, per the contract.
        let Some(error) = (unsafe { error.as_ref() }) else {
            return unicors_status::NullParameter;
        };
        if text.is_null() || text_len.is_null() {
            return unicors_status::NullParameter;
        }
        // SAFETY: both non-NULL and writable, per the contract.
        unsafe {
            text.write(error.text.as_ptr());
            text_len.write(error.text.len());
        }
        unicors_status::Ok
    })
}

/// Frees the object; NULL is a no-op.
///
/// # Safety
/// `error` must be NULL or an object from this library not yet freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn unicors_config_error_free(error: *mut unicors_config_error) {
    guard((), || {
        if !error.is_null() {
            // SAFETY: made by `Box::into_raw` in this library, freed once.
            drop(unsafe { Box::from_raw(error) });
        }
    });
}
