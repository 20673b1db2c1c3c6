//! The decision as one struct a host reads in place: every field of a
//! decision without a call per field.

use std::ffi::c_char;

use crate::boundary::guard;
use crate::decision::unicors_decision;
use crate::enums::unicors_kind;
use crate::header::unicors_header;

/// Everything a host reads from a decision, kept up to date by the buffer
/// that owns it: `unicors_decision_get_view` returns its address, which
/// stays the same for the buffer's whole life, so a host can take it once,
/// next to `unicors_decision_new`, and read the fields after each
/// `unicors_evaluate` with no further call.
///
/// The library allocates it and only the library writes it; hosts read
/// it, and only between calls that use the buffer. A copy of it is not a
/// snapshot: `headers` still points at the buffer's array, which the next
/// evaluation rewrites. Later versions may add fields at the end, never
/// move these; a field added in a later minor version may be read only
/// after `unicors_version()` says the loaded library has it.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct unicors_decision_view {
    /// As `unicors_decision_kind`.
    pub kind: unicors_kind,
    /// As `unicors_decision_status`: the status to answer with now, or 0.
    pub status: u16,
    /// As `unicors_decision_vary_bits`.
    pub vary_bits: u32,
    /// As `unicors_decision_vary`: static, NUL-terminated, never NULL.
    pub vary: *const c_char,
    /// As `unicors_decision_reason_code`: static, NUL-terminated; NULL
    /// unless the kind is `REJECTED`.
    pub reason_code: *const c_char,
    /// How many entries `headers` has (as `unicors_decision_header_count`).
    pub header_count: usize,
    /// The headers to set, in order (as `unicors_decision_header_at`),
    /// never NULL; the array lives in the buffer, and each value view
    /// lives as `unicors_decision` says.
    pub headers: *const unicors_header,
}

impl unicors_decision_view {
    /// The view of an empty buffer (kind `NOT_CORS`, nothing to set);
    /// `headers` points to the buffer's array, set once it has an address.
    pub(crate) const EMPTY: unicors_decision_view = unicors_decision_view {
        kind: unicors_kind::NotCors,
        status: 0,
        vary_bits: 0,
        vary: unicors::Vary::EMPTY.as_c_str().as_ptr(),
        reason_code: std::ptr::null(),
        header_count: 0,
        headers: std::ptr::null(),
    };
}

/// The buffer's view of its current decision (see
/// `unicors_decision_view`); NULL for NULL. The same address for the
/// buffer's whole life, valid until `unicors_decision_free`.
///
/// # Safety
/// `decision` must be NULL or a live buffer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn unicors_decision_get_view(
    decision: *const unicors_decision,
) -> *const unicors_decision_view {
    guard(std::ptr::null(), || {
        if decision.is_null() {
            return std::ptr::null();
        }
        // SAFETY: live, per the contract.
        unsafe { unicors_decision::view(decision) }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decision::{unicors_decision_free, unicors_decision_new, unicors_evaluate};
    use crate::policy::{unicors_policy, unicors_policy_free, unicors_policy_from_document};
    use crate::status::unicors_status;

    fn line(name: &'static str, value: &'static str) -> unicors_header {
        unicors_header {
            name: name.as_ptr(),
            name_len: name.len(),
            value: value.as_ptr(),
            value_len: value.len(),
        }
    }

    /// The view is taken once and read after each of several evaluations
    /// into its buffer, only through raw pointers, as a C host does (run
    /// under Miri, this checks the pointers stay valid across the
    /// evaluations' writes).
    #[test]
    fn one_view_follows_every_evaluation_into_its_buffer() {
        let document = "allow_origins = [\"https://a.example\"]\nallow_methods = [\"PUT\"]\n";
        let mut policy: *const unicors_policy = std::ptr::null();
        let mut error = std::ptr::null_mut();
        // SAFETY: valid slices and out-parameters.
        let status = unsafe {
            unicors_policy_from_document(
                document.as_ptr(),
                document.len(),
                0,
                &mut policy,
                &mut error,
            )
        };
        assert_eq!(status, unicors_status::Ok);
        let decision = unicors_decision_new();
        // SAFETY: a live buffer.
        let view = unsafe { unicors_decision_get_view(decision) };
        let preflight = [
            line("Origin", "https://a.example"),
            line("Access-Control-Request-Method", "PUT"),
        ];
        let evaluate = |method: &str, lines: &[unicors_header]| {
            // SAFETY: live policy and buffer, valid slices.
            unsafe {
                unicors_evaluate(
                    policy,
                    method.as_ptr(),
                    method.len(),
                    std::ptr::null(),
                    0,
                    lines.as_ptr(),
                    lines.len(),
                    0,
                    decision,
                )
            }
        };
        for _ in 0..2 {
            assert_eq!(evaluate("OPTIONS", &preflight), unicors_status::Ok);
            // SAFETY: the view of a live buffer, read between calls.
            let (kind, count, first) = unsafe {
                let first = &*(*view).headers;
                let value = std::slice::from_raw_parts(first.value, first.value_len);
                ((*view).kind, (*view).header_count, value)
            };
            assert_eq!(kind, unicors_kind::Preflight);
            assert!(count >= 2);
            assert_eq!(first, b"https://a.example");
            assert_eq!(evaluate("GET", &[]), unicors_status::Ok);
            // SAFETY: as above.
            let (kind, count) = unsafe { ((*view).kind, (*view).header_count) };
            assert_eq!((kind, count), (unicors_kind::NotCors, 0));
        }
        assert_eq!(unsafe { unicors_decision_get_view(decision) }, view);
        // SAFETY: each freed once.
        unsafe {
            unicors_decision_free(decision);
            unicors_policy_free(policy);
        }
    }
}
