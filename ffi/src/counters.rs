//! Decision counters for a host's metrics: per kind and per rejection
//! reason, for the enforced and the report-only policy.

use std::ffi::{CString, c_char};
use std::sync::OnceLock;

use unicors::Counters;

use crate::boundary::guard;
use crate::decision::unicors_decision;

/// Counts of decisions by kind and reason, kept with relaxed atomic
/// additions: any number of threads may record into one set and read it
/// at once, without locks. Keep one per server (not per policy), so the
/// counts survive a policy swap.
#[derive(Debug, Default)]
pub struct unicors_counters {
    counters: Counters,
}

/// A new set of counters, all 0. NULL only if memory is exhausted.
#[unsafe(no_mangle)]
pub extern "C" fn unicors_counters_new() -> *mut unicors_counters {
    guard(std::ptr::null_mut(), || {
        Box::into_raw(Box::new(unicors_counters::default()))
    })
}

/// Frees a set of counters; NULL is a no-op.
///
/// # Safety
/// `counters` must be NULL or from `unicors_counters_new`, not yet freed,
/// and no longer used by any thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn unicors_counters_free(counters: *mut unicors_counters) {
    guard((), || {
        if !counters.is_null() {
            // SAFETY: made by `Box::into_raw`, freed once.
            drop(unsafe { Box::from_raw(counters) });
        }
    });
}

/// Counts the decision in `decision` (its kind, and its reason when
/// rejected). Nothing happens if either is NULL.
///
/// # Safety
/// `counters` and `decision` must be NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn unicors_counters_record(
    counters: *const unicors_counters,
    decision: *const unicors_decision,
) {
    guard((), || {
        // SAFETY: NULL or live, per the contract.
        if let (Some(counters), Some(decision)) = unsafe { (counters.as_ref(), decision.as_ref()) }
        {
            let (kind, reason) = decision.outcome();
            counters.counters.record_outcome(kind, reason);
        }
    });
}

/// Counts a request decided by `unicors_evaluate_shadowed`: `decision` as
/// `unicors_counters_record` does, `shadow_decision` in the `shadow.`
/// counters, and `shadow.differences` when `difference` is not 0.
///
/// # Safety
/// All three pointers must be NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn unicors_counters_record_shadowed(
    counters: *const unicors_counters,
    decision: *const unicors_decision,
    shadow_decision: *const unicors_decision,
    difference: u32,
) {
    guard((), || {
        // SAFETY: NULL or live, per the contract.
        let (Some(counters), Some(decision), Some(shadow)) = (unsafe {
            (
                counters.as_ref(),
                decision.as_ref(),
                shadow_decision.as_ref(),
            )
        }) else {
            return;
        };
        counters.counters.record_shadowed_outcome(
            decision.outcome(),
            shadow.outcome(),
            difference != 0,
        );
    });
}

/// The bytes one set of counters takes, for hosts that place it in
/// memory of their own (a shared memory zone that several worker
/// processes count into): see `unicors_counters_init`.
#[unsafe(no_mangle)]
pub extern "C" fn unicors_counters_size() -> usize {
    size_of::<unicors_counters>()
}

/// The alignment that memory must have (8 on common targets).
#[unsafe(no_mangle)]
pub extern "C" fn unicors_counters_align() -> usize {
    align_of::<unicors_counters>()
}

/// Places a set of counters in `memory` (`size` bytes, at least
/// `unicors_counters_size()`, aligned to `unicors_counters_align()`) and
/// returns it; NULL if the memory is NULL, too small or misaligned. With
/// `reset` false, memory that already holds a set (placed by an earlier
/// call, e.g. before a configuration reload) keeps its counts; with
/// `reset` true, or for fresh memory, pass zeroed memory or reset.
/// Counting from several processes into shared memory is safe: each
/// counter is a lock-free 64-bit atomic. Never pass the result to
/// `unicors_counters_free`: the memory is the host's.
///
/// # Safety
/// `memory` must be NULL or point to `size` writable bytes that outlive
/// every use of the result, holding either zeros or a set placed here
/// before (any other bytes are counts, not undefined behaviour).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn unicors_counters_init(
    memory: *mut std::ffi::c_void,
    size: usize,
    reset: bool,
) -> *mut unicors_counters {
    guard(std::ptr::null_mut(), || {
        let place = memory.cast::<unicors_counters>();
        if place.is_null() || size < size_of::<unicors_counters>() || !place.is_aligned() {
            return std::ptr::null_mut();
        }
        if reset {
            // SAFETY: writable, large enough and aligned, per the checks and
            // the contract; the old value is plain integers (no drop).
            unsafe { place.write(unicors_counters::default()) };
        }
        // Any bit pattern is a valid set of atomic integers, so the memory
        // is a set of counters whether or not it was reset.
        place
    })
}

/// How many counters a set has (the same for every set).
#[unsafe(no_mangle)]
pub extern "C" fn unicors_counter_count() -> usize {
    Counters::COUNT
}

/// The stable name of counter `index` — `"preflight"`,
/// `"rejected.origin_not_allowed"`, `"shadow.differences"`… — static and
/// NUL-terminated; NULL past `unicors_counter_count()`.
#[unsafe(no_mangle)]
pub extern "C" fn unicors_counter_name(index: usize) -> *const c_char {
    guard(std::ptr::null(), || {
        static NAMES: OnceLock<Vec<CString>> = OnceLock::new();
        NAMES
            .get_or_init(|| {
                (0..Counters::COUNT)
                    .map(|i| CString::new(Counters::name(i).unwrap_or("")).unwrap_or_default())
                    .collect()
            })
            .get(index)
            .map_or(std::ptr::null(), |name| name.as_ptr())
    })
}

/// The value of counter `index` (0 for NULL or an index past the count).
///
/// # Safety
/// `counters` must be NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn unicors_counters_get(
    counters: *const unicors_counters,
    index: usize,
) -> u64 {
    guard(0, || {
        // SAFETY: NULL or live, per the contract.
        unsafe { counters.as_ref() }.map_or(0, |c| c.counters.get(index))
    })
}
