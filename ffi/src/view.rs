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
/// it, and only between calls that use the buffer. Later versions may add
/// fields at the end, never move these.
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
