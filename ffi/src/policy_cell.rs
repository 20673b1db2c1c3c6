//! Swapping the policy of a running server: a cell holding the current
//! policy, read without a lock on every request and replaced atomically.

use std::sync::Arc;

use arc_swap::ArcSwap;

use crate::boundary::guard;
use crate::policy::unicors_policy;
use crate::status::unicors_status;

/// Holds the policy a server currently enforces. Readers take a reference
/// with `unicors_policy_cell_load` (lock-free); a writer builds a new policy
/// and stores it with `unicors_policy_cell_store`. A request that loaded the
/// old policy finishes with it, whole; the old policy is freed when the
/// last such reference is released. No request ever sees a mix of the two.
#[derive(Debug)]
pub struct unicors_policy_cell {
    current: ArcSwap<unicors_policy>,
}

/// Takes a new reference to `policy` (the caller keeps its own).
///
/// # Safety
/// `policy` must be a live policy from this library.
unsafe fn share(policy: *const unicors_policy) -> Arc<unicors_policy> {
    // SAFETY: a live policy is an `Arc` made by `Arc::into_raw`; the count
    // is raised before the new `Arc` takes ownership of one reference.
    unsafe {
        Arc::increment_strong_count(policy);
        Arc::from_raw(policy)
    }
}

/// A new cell holding `policy` (the cell takes its own reference: free
/// yours whenever you like). Writes it to `*cell_out`.
///
/// # Safety
/// `policy` must be NULL or live; `cell_out` NULL or writable.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn unicors_policy_cell_new(
    policy: *const unicors_policy,
    cell_out: *mut *mut unicors_policy_cell,
) -> unicors_status {
    guard(unicors_status::Panic, || {
        if policy.is_null() || cell_out.is_null() {
            return unicors_status::NullParameter;
        }
        // SAFETY: live, per the contract.
        let current = ArcSwap::new(unsafe { share(policy) });
        let cell = Box::into_raw(Box::new(unicors_policy_cell { current }));
        // SAFETY: writable, per the contract.
        unsafe { cell_out.write(cell) };
        unicors_status::Ok
    })
}

/// The current policy, as a new reference: evaluate with it for one
/// request (or a batch), then release it with `unicors_policy_free`.
/// Lock-free. NULL only for a NULL cell.
///
/// # Safety
/// `cell` must be NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn unicors_policy_cell_load(
    cell: *const unicors_policy_cell,
) -> *const unicors_policy {
    guard(std::ptr::null(), || {
        // SAFETY: NULL or live, per the contract.
        unsafe { cell.as_ref() }.map_or(std::ptr::null(), |cell| {
            Arc::into_raw(cell.current.load_full())
        })
    })
}

/// Makes `policy` the current one (the cell takes its own reference).
/// Requests already holding the old policy finish with it; it is freed
/// when the last of them releases it (and the caller's own reference, if
/// any, is gone).
///
/// # Safety
/// `cell` and `policy` must be NULL or live.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn unicors_policy_cell_store(
    cell: *const unicors_policy_cell,
    policy: *const unicors_policy,
) -> unicors_status {
    guard(unicors_status::Panic, || {
        // SAFETY: NULL or live, per the contract.
        let Some(cell) = (unsafe { cell.as_ref() }) else {
            return unicors_status::NullParameter;
        };
        if policy.is_null() {
            return unicors_status::NullParameter;
        }
        // SAFETY: live, per the contract.
        cell.current.store(unsafe { share(policy) });
        unicors_status::Ok
    })
}

/// Frees the cell and its reference to the current policy; NULL is a no-op.
///
/// # Safety
/// `cell` must be NULL or live and no longer used by any thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn unicors_policy_cell_free(cell: *mut unicors_policy_cell) {
    guard((), || {
        if !cell.is_null() {
            // SAFETY: made by `Box::into_raw`, freed once.
            drop(unsafe { Box::from_raw(cell) });
        }
    });
}
