//! The hot crossing: one raw N-API function, `decideFast(id, method,
//! origin, requestMethod, requestHeaders, privateNetwork, path, verdict,
//! latin1, shadowId)`,
//! that decides a request from the four CORS request header values and
//! returns the decision as one short string (see [`encode`]). With a
//! report-only policy's number as `shadowId`, the string is the enforced
//! answer, a NUL, the difference bits, a NUL and the report-only answer.
//!
//! Why raw: a napi-rs class method spends most of a microsecond on checked
//! `this` unwrapping and borrow bookkeeping, and a decision returned as an
//! object costs one property store per field. Here the policy comes from
//! the thread's registry by number, the strings are read into reused
//! buffers, nothing is allocated once the buffers have grown, and the JS
//! side turns each distinct answer string into a frozen decision once.

use std::cell::RefCell;
use std::ffi::{CStr, c_char};
use std::ops::Range;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::ptr;

use napi::sys;
use unicors::{Decision, Request};

use crate::registry;

/// The argument count of `decideFast`.
const ARGS: usize = 10;

/// Buffers reused across calls on one thread.
#[derive(Default)]
struct Buffers {
    /// A string's UTF-16 code units (text beyond latin-1 only).
    units: Vec<u16>,
    /// The bytes of every text argument, back to back.
    bytes: Vec<u8>,
    /// The core's scratch for a normalised header echo.
    scratch: Vec<u8>,
    /// The same for the report-only policy's decision.
    shadow_scratch: Vec<u8>,
    /// The encoded answer.
    answer: Vec<u8>,
}

thread_local! {
    static BUFFERS: RefCell<Buffers> = RefCell::default();
}

/// Why a call fails: a thrown JavaScript error.
struct Thrown(&'static CStr);

/// The raw callback behind `decideFast`. It never unwinds into V8: a panic
/// becomes a thrown error.
pub(crate) unsafe extern "C" fn decide_fast(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> sys::napi_value {
    let outcome = catch_unwind(AssertUnwindSafe(|| unsafe { decide(env, info) }));
    let message = match outcome {
        Ok(Ok(value)) => return value,
        Ok(Err(Thrown(message))) => message,
        Err(_) => c"unicors: internal error while deciding (a bug: please report it)",
    };
    unsafe {
        sys::napi_throw_error(env, ptr::null(), message.as_ptr());
    }
    ptr::null_mut()
}

unsafe fn decide(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> Result<sys::napi_value, Thrown> {
    let mut argc = ARGS;
    let mut argv = [ptr::null_mut(); ARGS];
    let status = unsafe {
        sys::napi_get_cb_info(
            env,
            info,
            &mut argc,
            argv.as_mut_ptr(),
            ptr::null_mut(),
            ptr::null_mut(),
        )
    };
    if status != sys::Status::napi_ok || argc < 2 {
        return Err(Thrown(c"decideFast(id, method, ...): bad arguments"));
    }
    let mut id = 0u32;
    if unsafe { sys::napi_get_value_uint32(env, argv[0], &mut id) } != sys::Status::napi_ok {
        return Err(Thrown(c"decideFast: the policy id must be a number"));
    }
    let policy = registry::get(id).ok_or(Thrown(c"decideFast: no such policy on this thread"))?;
    let mut verdict = false;
    let verdict = (unsafe { sys::napi_get_value_bool(env, argv[7], &mut verdict) }
        == sys::Status::napi_ok)
        .then_some(verdict);
    let mut latin1 = false;
    if unsafe { sys::napi_get_value_bool(env, argv[8], &mut latin1) } != sys::Status::napi_ok {
        latin1 = false;
    }
    let mut shadow_id = 0u32;
    let shadow = if unsafe { sys::napi_get_value_uint32(env, argv[9], &mut shadow_id) }
        == sys::Status::napi_ok
    {
        Some(
            registry::get(shadow_id)
                .ok_or(Thrown(c"decideFast: no such shadow policy on this thread"))?,
        )
    } else {
        None
    };

    BUFFERS.with(|buffers| {
        let buffers = &mut *buffers.borrow_mut();
        buffers.bytes.clear();
        // method, origin, request method, request headers, private network, path
        let mut texts: [Option<Range<usize>>; 6] = Default::default();
        for (text, &value) in texts.iter_mut().zip(&argv[1..7]) {
            *text =
                unsafe { read_text(env, value, latin1, &mut buffers.units, &mut buffers.bytes) }?;
        }
        let bytes = &buffers.bytes[..];
        let slice = |range: &Option<Range<usize>>| range.clone().map(|r| &bytes[r]);
        let method = slice(&texts[0]).ok_or(Thrown(c"decideFast: the method must be a string"))?;
        let lines = unicors::REQUEST_HEADER_NAMES
            .iter()
            .zip(&texts[1..5])
            .filter_map(|(name, value)| slice(value).map(|value| (name.as_bytes(), value)));
        let request = Request::from_headers(method, lines)
            .with_path(slice(&texts[5]).unwrap_or(b"/"))
            .with_origin_verdict(verdict);
        let answer = &mut buffers.answer;
        answer.clear();
        let encoded = match &shadow {
            None => {
                let decision = policy.evaluate_with_scratch(request, &mut buffers.scratch);
                encode(&decision, answer)
            }
            Some(shadow) => {
                let shadowed = policy.evaluate_shadowed_with_scratch(
                    shadow,
                    request,
                    &mut buffers.scratch,
                    &mut buffers.shadow_scratch,
                );
                let first = encode(&shadowed.enforced, answer);
                answer.push(0);
                push_decimal(answer, shadowed.difference.bits());
                answer.push(0);
                first && encode(&shadowed.shadow, answer)
            }
        };
        if !encoded {
            return unsafe { null(env) };
        }
        let mut value = ptr::null_mut();
        let status = unsafe {
            sys::napi_create_string_latin1(
                env,
                buffers.answer.as_ptr().cast::<c_char>(),
                buffers.answer.len() as isize,
                &mut value,
            )
        };
        if status != sys::Status::napi_ok {
            return Err(Thrown(c"decideFast: could not create the answer string"));
        }
        Ok(value)
    })
}

/// Reads a string argument's text as the engine's bytes (appended to
/// `bytes`); `None` when the argument is not a string (undefined, null).
///
/// When the caller vouches that every character fits latin-1 (the JS side
/// checks with a RegExp V8 answers in constant time for the one-byte
/// strings Node's parser makes), V8 copies the string byte for byte.
/// Otherwise it is read as UTF-16 and re-encoded by the core's rule for
/// header text; reading latin-1 there would truncate U+012E to `.`.
unsafe fn read_text(
    env: sys::napi_env,
    value: sys::napi_value,
    latin1: bool,
    units: &mut Vec<u16>,
    bytes: &mut Vec<u8>,
) -> Result<Option<Range<usize>>, Thrown> {
    const UNREADABLE: Thrown = Thrown(c"decideFast: could not read a string argument");
    let start = bytes.len();
    let mut written = 0usize;
    if latin1 {
        // One call when the text fits the room the buffer has (V8 writes at
        // most room - 1 bytes and a NUL); else ask the length and read again.
        bytes.reserve(256);
        let mut status = unsafe { read_latin1(env, value, bytes, &mut written) };
        if status == sys::Status::napi_ok && written + 1 >= bytes.capacity() - start {
            let mut length = 0usize;
            status = unsafe {
                sys::napi_get_value_string_latin1(env, value, ptr::null_mut(), 0, &mut length)
            };
            bytes.reserve(length + 1);
            if status == sys::Status::napi_ok {
                status = unsafe { read_latin1(env, value, bytes, &mut written) };
            }
        }
        if status == sys::Status::napi_string_expected {
            return Ok(None);
        }
        if status != sys::Status::napi_ok || written >= bytes.capacity() - start {
            return Err(UNREADABLE);
        }
        // SAFETY: V8 initialised `written` bytes from `start`, within capacity.
        unsafe { bytes.set_len(start + written) };
    } else {
        let mut length = 0usize;
        let status = unsafe {
            sys::napi_get_value_string_utf16(env, value, ptr::null_mut(), 0, &mut length)
        };
        if status == sys::Status::napi_string_expected {
            return Ok(None);
        }
        units.clear();
        units.reserve(length + 1);
        let status = unsafe {
            sys::napi_get_value_string_utf16(
                env,
                value,
                units.as_mut_ptr(),
                length + 1,
                &mut written,
            )
        };
        if status != sys::Status::napi_ok || written > length {
            return Err(UNREADABLE);
        }
        // SAFETY: V8 initialised the first `written` units.
        unsafe { units.set_len(written) };
        unicors::header_utf16_bytes(units, bytes);
    }
    Ok(Some(start..bytes.len()))
}

/// Reads `value` as latin-1 into the spare capacity of `bytes`.
unsafe fn read_latin1(
    env: sys::napi_env,
    value: sys::napi_value,
    bytes: &mut Vec<u8>,
    written: &mut usize,
) -> i32 {
    let room = bytes.spare_capacity_mut();
    unsafe {
        sys::napi_get_value_string_latin1(
            env,
            value,
            room.as_mut_ptr().cast::<c_char>(),
            room.len(),
            written,
        )
    }
}

unsafe fn null(env: sys::napi_env) -> Result<sys::napi_value, Thrown> {
    let mut value = ptr::null_mut();
    if unsafe { sys::napi_get_null(env, &mut value) } != sys::Status::napi_ok {
        return Err(Thrown(c"decideFast: could not create null"));
    }
    Ok(value)
}

/// Writes `decision` as short lines, numbers standing for the core's
/// tables (`decisionTables()`): kind, status (empty: none), Vary bits,
/// reason index (empty: none), a bit per header to clear, then a name index
/// line and a value line per header. Short, because the JS side looks the
/// string up to reuse the decision it made from it last time.
///
/// Appends to `out`. Returns false — the caller then takes the general
/// path — if a value holds a byte outside visible ASCII and space, which
/// the core never emits: a line break (or a NUL) must never be read as a
/// field boundary.
fn encode(decision: &Decision<'_>, out: &mut Vec<u8>) -> bool {
    out.extend_from_slice(decision.kind().as_str().as_bytes());
    out.push(b'\n');
    if let Some(status) = decision.status() {
        push_decimal(out, u32::from(status));
    }
    out.push(b'\n');
    push_decimal(out, decision.vary().bits());
    out.push(b'\n');
    if let Some(reason) = decision.reason() {
        let index = unicors::Reason::ALL.iter().position(|&r| r == reason);
        push_decimal(out, index.map_or(u32::MAX, |i| i as u32));
    }
    out.push(b'\n');
    let clear = decision
        .headers_to_clear()
        .fold(0u32, |bits, name| bits | 1 << name as u8);
    push_decimal(out, clear);
    for header in decision.headers() {
        if !header.value.iter().all(|&b| (b' '..=b'~').contains(&b)) {
            return false;
        }
        out.push(b'\n');
        push_decimal(out, header.name as u32);
        out.push(b'\n');
        out.extend_from_slice(&header.value);
    }
    true
}

/// Appends `n` in decimal (no formatting machinery on the hot path).
fn push_decimal(out: &mut Vec<u8>, mut n: u32) {
    let mut digits = [0u8; 10];
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[at..]);
}

/// Adds `decideFast` to the module's exports.
pub(crate) fn export(env: sys::napi_env, exports: sys::napi_value) -> napi::Result<()> {
    let name = c"decideFast";
    let mut function = ptr::null_mut();
    napi::check_status!(unsafe {
        sys::napi_create_function(
            env,
            name.as_ptr(),
            name.count_bytes() as isize,
            Some(decide_fast),
            ptr::null_mut(),
            &mut function,
        )
    })?;
    napi::check_status!(unsafe {
        sys::napi_set_named_property(env, exports, name.as_ptr(), function)
    })
}
