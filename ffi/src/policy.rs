//! Building, sharing and freeing policies.

use std::sync::Arc;

use unicors::{ConfigError, Policy};

use crate::boundary::{bytes, guard};
use crate::config_error::{unicors_config_error, unicors_problem, write_problem};
use crate::enums::unicors_format;
use crate::status::unicors_status;

/// A validated, immutable CORS policy. Any number of threads may evaluate
/// against one policy at the same time without locking. Reference-counted:
/// `unicors_policy_clone` adds a reference, `unicors_policy_free` drops one.
#[derive(Debug)]
pub struct unicors_policy {
    pub(crate) policy: Policy,
}

/// Writes the outcome of a build to the out-parameters.
///
/// # Safety
/// `policy_out` must be writable; `error_out` NULL or writable.
pub(crate) unsafe fn deliver(
    result: Result<Policy, ConfigError>,
    policy_out: *mut *const unicors_policy,
    error_out: *mut *mut unicors_config_error,
) -> unicors_status {
    match result {
        Ok(policy) => {
            let shared = Arc::new(unicors_policy { policy });
            // SAFETY: writable per the contract.
            unsafe {
                policy_out.write(Arc::into_raw(shared));
                if !error_out.is_null() {
                    error_out.write(std::ptr::null_mut());
                }
            }
            unicors_status::Ok
        }
        Err(error) => {
            let io = error
                .problems()
                .iter()
                .any(|p| p.code == unicors::ProblemCode::Io);
            if !error_out.is_null() {
                let object = Box::new(unicors_config_error::new(&error));
                // SAFETY: writable per the contract.
                unsafe { error_out.write(Box::into_raw(object)) };
            }
            if io {
                unicors_status::Io
            } else {
                unicors_status::InvalidPolicy
            }
        }
    }
}

/// Builds a policy from a document (TOML or JSON bytes, UTF-8).
///
/// On success writes the policy to `*policy_out` (and NULL to `*error_out`
/// when given). When the document has errors, returns
/// `UNICORS_STATUS_INVALID_POLICY` and, if `error_out` is not NULL, writes
/// an object listing every problem (free it with
/// `unicors_config_error_free`). The document is not kept.
///
/// # Safety
/// `document` must point to `document_len` readable bytes (NULL only with
/// length 0); `policy_out` must be writable; `error_out` NULL or writable.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn unicors_policy_from_document(
    document: *const u8,
    document_len: usize,
    format: u32,
    policy_out: *mut *const unicors_policy,
    error_out: *mut *mut unicors_config_error,
) -> unicors_status {
    guard(unicors_status::Panic, || {
        if policy_out.is_null() {
            return unicors_status::NullParameter;
        }
        let Some(format) = unicors_format::from_u32(format) else {
            return unicors_status::InvalidArgument;
        };
        // SAFETY: per the contract.
        let document = match unsafe { bytes(document, document_len) } {
            Ok(document) => document,
            Err(status) => return status,
        };
        // SAFETY: out-parameters per the contract.
        unsafe {
            deliver(
                Policy::from_document_bytes(document, format),
                policy_out,
                error_out,
            )
        }
    })
}

/// Reads a policy file: `.json` is JSON, anything else TOML. `path` is a
/// byte string (not NUL-terminated). An unreadable file gives
/// `UNICORS_STATUS_IO` with the reason in the error object; otherwise as
/// `unicors_policy_from_document`.
///
/// # Safety
/// `path` must point to `path_len` readable bytes; `policy_out` must be
/// writable; `error_out` NULL or writable.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn unicors_policy_from_file(
    path: *const u8,
    path_len: usize,
    policy_out: *mut *const unicors_policy,
    error_out: *mut *mut unicors_config_error,
) -> unicors_status {
    guard(unicors_status::Panic, || {
        if policy_out.is_null() {
            return unicors_status::NullParameter;
        }
        // SAFETY: per the contract.
        let path = match unsafe { bytes(path, path_len) } {
            Ok(path) => path,
            Err(status) => return status,
        };
        if path.is_empty() || path.contains(&0) {
            return unicors_status::InvalidArgument;
        }
        let Some(path) = path_from_bytes(path) else {
            return unicors_status::InvalidArgument;
        };
        // SAFETY: out-parameters per the contract.
        unsafe { deliver(Policy::from_file(path), policy_out, error_out) }
    })
}

#[cfg(unix)]
pub(crate) fn path_from_bytes(bytes: &[u8]) -> Option<&std::path::Path> {
    use std::os::unix::ffi::OsStrExt;
    Some(std::path::Path::new(std::ffi::OsStr::from_bytes(bytes)))
}

#[cfg(not(unix))]
pub(crate) fn path_from_bytes(bytes: &[u8]) -> Option<&std::path::Path> {
    std::str::from_utf8(bytes).ok().map(std::path::Path::new)
}

/// Adds a reference to `policy` and returns it (NULL for NULL); each
/// reference is released with `unicors_policy_free`. Handy when several
/// nginx locations share one policy.
///
/// # Safety
/// `policy` must be NULL or a live policy from this library.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn unicors_policy_clone(
    policy: *const unicors_policy,
) -> *const unicors_policy {
    guard(std::ptr::null(), || {
        if !policy.is_null() {
            // SAFETY: made by `Arc::into_raw` and still referenced.
            unsafe { Arc::increment_strong_count(policy) };
        }
        policy
    })
}

/// Releases one reference; the policy is freed with the last. NULL is a no-op.
///
/// # Safety
/// `policy` must be NULL or a reference from this library not yet released.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn unicors_policy_free(policy: *const unicors_policy) {
    guard((), || {
        if !policy.is_null() {
            // SAFETY: made by `Arc::into_raw`, released once.
            drop(unsafe { Arc::from_raw(policy) });
        }
    });
}

/// The number of warnings of a built policy (0 for NULL).
///
/// # Safety
/// `policy` must be NULL or a live policy.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn unicors_policy_warning_count(policy: *const unicors_policy) -> usize {
    guard(0, || {
        // SAFETY: NULL or live, per the contract.
        unsafe { policy.as_ref() }.map_or(0, |p| p.policy.warnings().len())
    })
}

/// Writes a view of warning `index` to `out`; the views live as long as
/// the policy.
///
/// # Safety
/// `policy` must be NULL or a live policy; `out` NULL or writable.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn unicors_policy_warning_at(
    policy: *const unicors_policy,
    index: usize,
    out: *mut unicors_problem,
) -> unicors_status {
    guard(unicors_status::Panic, || {
        // SAFETY: NULL or live, per the contract.
        let Some(policy) = (unsafe { policy.as_ref() }) else {
            return unicors_status::NullParameter;
        };
        // SAFETY: `out` is NULL or writable, per the contract.
        unsafe { write_problem(policy.policy.warnings(), index, out) }
    })
}
