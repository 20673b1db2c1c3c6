//! The one boundary every entry point goes through: a panic becomes a
//! status (or a neutral value), never an unwind into C.

use std::panic::{AssertUnwindSafe, catch_unwind};

/// Runs `body`, returning `on_panic` if it panics.
pub(crate) fn guard<T>(on_panic: T, body: impl FnOnce() -> T) -> T {
    catch_unwind(AssertUnwindSafe(body)).unwrap_or(on_panic)
}

/// Largest byte length a slice may have (`isize::MAX`), so that a huge
/// length from C is refused instead of reaching `from_raw_parts`.
pub(crate) const MAX_LEN: usize = isize::MAX as usize;

/// A byte slice from a C pointer and length: `Some(&[])` for length 0
/// (whatever the pointer), `None` for NULL with a length or a length no
/// slice can have.
///
/// # Safety
/// When `len > 0` and `ptr` is not NULL, `ptr` must point to `len`
/// readable bytes that stay valid and unchanged for `'a`.
pub(crate) unsafe fn bytes<'a>(ptr: *const u8, len: usize) -> Option<&'a [u8]> {
    if len == 0 {
        return Some(&[]);
    }
    if ptr.is_null() || len > MAX_LEN {
        return None;
    }
    // SAFETY: non-NULL, bounded length, validity promised by the caller.
    Some(unsafe { std::slice::from_raw_parts(ptr, len) })
}
