//! Header lines as C passes them: pointer + length pairs.

use std::cell::Cell;

use crate::boundary::bytes;
use crate::status::unicors_status;

/// One header line (or a view of one): name and value as byte strings,
/// not NUL-terminated. nginx's `ngx_str_t` fields map onto it directly.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct unicors_header {
    /// The name's bytes (any case).
    pub name: *const u8,
    /// The name's length.
    pub name_len: usize,
    /// The value's bytes (any bytes).
    pub value: *const u8,
    /// The value's length.
    pub value_len: usize,
}

/// Views an array of header lines, checking the array itself (NULL with a
/// count, a count past [`MAX_LEN`](crate::boundary::MAX_LEN) bytes); the
/// lines are checked by [`Lines`] as they are read.
///
/// # Safety
/// `headers` must point to `count` header structs, valid for `'a`.
pub(crate) unsafe fn array<'a>(
    headers: *const unicors_header,
    count: usize,
) -> Result<&'a [unicors_header], unicors_status> {
    if count == 0 {
        return Ok(&[]);
    }
    if headers.is_null() {
        return Err(unicors_status::NullParameter);
    }
    if count > crate::boundary::MAX_LEN / size_of::<unicors_header>() {
        return Err(unicors_status::InvalidArgument);
    }
    // SAFETY: non-NULL, bounded count, validity promised by the caller.
    Ok(unsafe { std::slice::from_raw_parts(headers, count) })
}

/// The lines of an [`array`] as `(name, value)` byte slices, each pointer
/// and length checked as its line is read, in the same pass that reads
/// it (checking the whole array first cost a second walk: ~13
/// instructions a line). A bad half (NULL with a length, a length past
/// `MAX_LEN`) is never dereferenced: it reads as empty and its status is
/// kept in `first_bad` (the first one only). The core's evaluation walks
/// every line once before anything else, so after it `first_bad` covers
/// the whole array.
#[derive(Clone)]
pub(crate) struct Lines<'a> {
    lines: std::slice::Iter<'a, unicors_header>,
    first_bad: &'a Cell<unicors_status>,
}

impl<'a> Lines<'a> {
    /// Reads `lines`, recording the first bad pointer/length in `first_bad`
    /// (which starts as `Ok`).
    pub(crate) fn new(lines: &'a [unicors_header], first_bad: &'a Cell<unicors_status>) -> Self {
        Lines {
            lines: lines.iter(),
            first_bad,
        }
    }

    #[cold]
    #[inline(never)]
    fn slice(&self, ptr: *const u8, len: usize) -> &'a [u8] {
        if !ptr.is_null() & (len <= crate::boundary::MAX_LEN) {
            // SAFETY: non-NULL, at most MAX_LEN bytes, and the caller of
            // `array` promised they live as long as the array.
            return unsafe { std::slice::from_raw_parts(ptr, len) };
        }
        self.refuse(ptr, len)
    }

    fn refuse(&self, ptr: *const u8, len: usize) -> &'a [u8] {
        if len != 0 && self.first_bad.get() == unicors_status::Ok {
            self.first_bad.set(if ptr.is_null() {
                unicors_status::NullParameter
            } else {
                unicors_status::InvalidArgument
            });
        }
        &[]
    }
}

impl<'a> Iterator for Lines<'a> {
    type Item = (&'a [u8], &'a [u8]);

    #[inline(always)]
    fn next(&mut self) -> Option<Self::Item> {
        let line = self.lines.next()?;
        // One test for the usual line (both pointers set, lengths in
        // range: MAX_LEN is 2^k - 1, so OR-ing the lengths is exact); an
        // empty half with a NULL pointer, or a bad one, takes the slow path.
        const { assert!((crate::boundary::MAX_LEN as u64 + 1).is_power_of_two()) };
        if !line.name.is_null()
            & !line.value.is_null()
            & ((line.name_len | line.value_len) <= crate::boundary::MAX_LEN)
        {
            // SAFETY: non-NULL, at most MAX_LEN bytes each, and the caller
            // of `array` promised they live as long as the array.
            return Some(unsafe {
                (
                    std::slice::from_raw_parts(line.name, line.name_len),
                    std::slice::from_raw_parts(line.value, line.value_len),
                )
            });
        }
        Some((
            self.slice(line.name, line.name_len),
            self.slice(line.value, line.value_len),
        ))
    }
}

/// Whether a response header name the app or an upstream set is a CORS
/// response header (`Access-Control-*`, any case): drop those before
/// applying a decision, so there is never a second or forged
/// `Access-Control-Allow-Origin`. false for NULL or an invalid length.
///
/// # Safety
/// `name` must point to `name_len` readable bytes (NULL only with length 0).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn unicors_is_cors_response_header(name: *const u8, name_len: usize) -> bool {
    crate::boundary::guard(false, || {
        // SAFETY: per the contract.
        unsafe { bytes(name, name_len) }.is_ok_and(unicors::is_cors_response_header)
    })
}
