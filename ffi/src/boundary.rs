//! The one boundary every entry point goes through: a panic becomes a
//! status (or a neutral value), never an unwind into C.

use std::panic::{AssertUnwindSafe, catch_unwind};

/// Runs `body`, returning `on_panic` if it panics.
pub(crate) fn guard<T>(on_panic: T, body: impl FnOnce() -> T) -> T {
    catch_unwind(AssertUnwindSafe(body)).unwrap_or(on_panic)
}

use crate::status::unicors_status;

/// Longest byte string (and largest header array, in bytes) the library
/// accepts: 4 GiB − 1, or less where `isize` is smaller. Nothing a server
/// holds comes near it, so a larger length is a caller's bug, refused with
/// `UNICORS_STATUS_INVALID_ARGUMENT`, and its bytes are never read.
pub(crate) const MAX_LEN: usize = if (isize::MAX as u64) < u32::MAX as u64 {
    isize::MAX as usize
} else {
    u32::MAX as usize
};

/// A byte slice from a C pointer and length: empty for length 0 (whatever
/// the pointer); `NullParameter` for NULL with a length; `InvalidArgument`
/// for a length above [`MAX_LEN`].
///
/// # Safety
/// When `len > 0` and `ptr` is not NULL, `ptr` must point to `len`
/// readable bytes that stay valid and unchanged for `'a`.
pub(crate) unsafe fn bytes<'a>(ptr: *const u8, len: usize) -> Result<&'a [u8], unicors_status> {
    if len == 0 {
        return Ok(&[]);
    }
    if ptr.is_null() {
        return Err(unicors_status::NullParameter);
    }
    if len > MAX_LEN {
        return Err(unicors_status::InvalidArgument);
    }
    // SAFETY: non-NULL, bounded length, validity promised by the caller.
    Ok(unsafe { std::slice::from_raw_parts(ptr, len) })
}
