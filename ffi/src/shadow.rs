//! Report-only evaluation: a candidate policy decides the same request
//! beside the enforced one.

use std::cell::Cell;

use crate::boundary::guard;
use crate::decision::{Inputs, unicors_decision};
use crate::header::unicors_header;
use crate::policy::unicors_policy;
use crate::status::unicors_status;

/// Decides one request with `policy` into `decision` (apply this one) and
/// with the report-only `shadow` policy into `shadow_decision` (log it,
/// never apply it), and writes what differs to `*difference`: 0 when the
/// browser would see the same response, else bits of `kind` 1, `reason` 2,
/// `status` 4, `headers` 8, `vary` 16 (`unicors_difference_names` spells
/// them). Arguments as `unicors_evaluate`; the two buffers must differ.
///
/// Costs about two evaluations; allocates nothing once both buffers have
/// warmed up. On any status other than OK both buffers are left empty and
/// `*difference` is 0.
///
/// # Safety
/// As `unicors_evaluate`, for both policies and both buffers;
/// `difference` NULL or writable.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn unicors_evaluate_shadowed(
    policy: *const unicors_policy,
    shadow: *const unicors_policy,
    method: *const u8,
    method_len: usize,
    path: *const u8,
    path_len: usize,
    headers: *const unicors_header,
    header_count: usize,
    origin_verdict: u32,
    decision: *mut unicors_decision,
    shadow_decision: *mut unicors_decision,
    difference: *mut u32,
) -> unicors_status {
    let status = guard(unicors_status::Panic, || {
        if !difference.is_null() {
            // SAFETY: writable per the contract.
            unsafe { difference.write(0) };
        }
        if std::ptr::eq(decision, shadow_decision) {
            return if decision.is_null() {
                unicors_status::NullParameter
            } else {
                unicors_status::InvalidArgument
            };
        }
        // SAFETY: NULL or live buffers used by this thread only, per the
        // contract, and distinct (checked above).
        let (Some(decision), Some(shadow_decision)) = (unsafe { decision.as_mut() }, unsafe {
            shadow_decision.as_mut()
        }) else {
            return unicors_status::NullParameter;
        };
        // SAFETY: NULL or live, per the contract.
        let (Some(policy), Some(shadow)) = (unsafe { policy.as_ref() }, unsafe { shadow.as_ref() })
        else {
            return unicors_status::NullParameter;
        };
        // SAFETY: pointer/length pairs per the contract.
        let inputs = match unsafe {
            Inputs::check(
                method,
                method_len,
                path,
                path_len,
                headers,
                header_count,
                origin_verdict,
            )
        } {
            Ok(inputs) => inputs,
            Err(status) => return status,
        };
        let first_bad = Cell::new(unicors_status::Ok);
        let (answer, scratch) = decision.parts();
        let (shadow_answer, shadow_scratch) = shadow_decision.parts();
        let mut bits = 0;
        let shadowed = policy.policy.evaluate_shadowed_with_scratch(
            &shadow.policy,
            inputs.request(&first_bad),
            scratch,
            shadow_scratch,
        );
        if first_bad.get() == unicors_status::Ok {
            answer.fill(&shadowed.enforced);
            shadow_answer.fill(&shadowed.shadow);
            bits = shadowed.difference.bits();
        }
        if !difference.is_null() {
            // SAFETY: writable per the contract.
            unsafe { difference.write(bits) };
        }
        first_bad.get()
    });
    // Success wrote every field of both buffers; anything else (the same
    // buffer twice, one NULL, a panic included) leaves each buffer given
    // empty and the difference 0, as the contract says.
    if status != unicors_status::Ok {
        for buffer in [decision, shadow_decision] {
            // SAFETY: NULL or a live buffer used by this thread only, per
            // the contract; the two are reset one after the other.
            if let Some(buffer) = unsafe { buffer.as_mut() } {
                buffer.reset();
            }
        }
        if !difference.is_null() {
            // SAFETY: writable per the contract.
            unsafe { difference.write(0) };
        }
    }
    status
}

/// The names of the parts in `difference` (from `unicors_evaluate_shadowed`),
/// joined with `", "` — e.g. `"kind, reason, headers"` — or `"none"`:
/// static, NUL-terminated, for logs.
#[unsafe(no_mangle)]
pub extern "C" fn unicors_difference_names(difference: u32) -> *const std::ffi::c_char {
    guard(c"none".as_ptr(), || names(difference).as_ptr())
}

/// Every combination of the five parts, spelled once.
fn names(difference: u32) -> &'static std::ffi::CStr {
    static TABLE: std::sync::OnceLock<Vec<std::ffi::CString>> = std::sync::OnceLock::new();
    let table = TABLE.get_or_init(|| {
        (0..32)
            .map(|bits| {
                let text = unicors::Difference::from_bits(bits).to_string();
                std::ffi::CString::new(text).unwrap_or_default()
            })
            .collect()
    });
    table
        .get((difference & 31) as usize)
        .map_or(c"none", |name| name.as_c_str())
}
