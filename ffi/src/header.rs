//! Header lines as C passes them: pointer + length pairs.

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

/// Checks an array of header lines and views it; the status of [`bytes`]
/// for the array or the first bad line. Nothing is copied or allocated.
///
/// # Safety
/// `headers` must point to `count` header structs whose pointers follow
/// [`bytes`]'s contract, all valid for `'a`.
pub(crate) unsafe fn view<'a>(
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
    let lines = unsafe { std::slice::from_raw_parts(headers, count) };
    // One branch-free pass; the bad line is looked for only on failure.
    let fine = |ptr: *const u8, len: usize| {
        (len == 0) | (!ptr.is_null() & (len <= crate::boundary::MAX_LEN))
    };
    if lines.iter().fold(true, |ok, l| {
        ok & fine(l.name, l.name_len) & fine(l.value, l.value_len)
    }) {
        return Ok(lines);
    }
    for line in lines {
        // SAFETY: the caller's promise covers every line's pointers.
        unsafe { bytes(line.name, line.name_len) }?;
        // SAFETY: as above.
        unsafe { bytes(line.value, line.value_len) }?;
    }
    Ok(lines)
}

/// A line of an array that [`view`] accepted, as byte slices.
#[inline(always)]
pub(crate) fn pair(line: &unicors_header) -> (&[u8], &[u8]) {
    (
        raw(line.name, line.name_len),
        raw(line.value, line.value_len),
    )
}

#[inline(always)]
fn raw<'a>(ptr: *const u8, len: usize) -> &'a [u8] {
    if len == 0 {
        return &[];
    }
    // SAFETY: `view` checked every line of the array this one comes from
    // (non-NULL, bounded length), and its caller promised the bytes live
    // as long as the array.
    unsafe { std::slice::from_raw_parts(ptr, len) }
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
