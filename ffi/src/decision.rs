//! Evaluating a request into a reusable decision buffer, and reading it.

use std::cell::Cell;
use std::ffi::{c_char, c_int, c_void};

use unicors::{Decision, Reason, Request, Vary};

use crate::boundary::{bytes, guard};
use crate::builder::unicors_bytes;
use crate::enums::{unicors_kind, unicors_origin_verdict};
use crate::header::{Lines, array, unicors_header};
use crate::policy::unicors_policy;
use crate::status::unicors_status;
use crate::view::unicors_decision_view;

/// Most headers one decision sets.
const MAX_HEADERS: usize = 7;

const NO_HEADER: unicors_header = unicors_header {
    name: std::ptr::null(),
    name_len: 0,
    value: std::ptr::null(),
    value_len: 0,
};

/// A reusable buffer holding one decision: make one per worker (or per
/// thread) with `unicors_decision_new`, pass it to every `unicors_evaluate`,
/// free it with `unicors_decision_free`. Evaluating into it allocates
/// nothing once it has served a few requests.
///
/// The header views it returns point into the policy, into the request's
/// header bytes (an echoed Origin, method or header list) or into the
/// buffer itself: they stay valid until the next `unicors_evaluate` into
/// this buffer or its `_free`, and only while the request's header memory
/// and the policy are alive. One thread at a time.
#[derive(Debug)]
pub struct unicors_decision {
    answer: Answer,
    scratch: Vec<u8>,
}

/// What the buffer holds of the last decision, in the form hosts read:
/// the view and the header array it points to. Kept apart from the
/// scratch buffer so that one evaluation can borrow the scratch and fill
/// this at once.
#[derive(Debug)]
pub(crate) struct Answer {
    view: unicors_decision_view,
    lines: [unicors_header; MAX_HEADERS],
    reason: Option<Reason>,
}

impl Answer {
    /// Back to an empty decision (kind `NOT_CORS`, no headers).
    #[inline(always)]
    fn reset(&mut self) {
        let headers = self.view.headers;
        self.view = unicors_decision_view {
            headers,
            ..unicors_decision_view::EMPTY
        };
        self.reason = None;
    }

    /// Copies a core decision in. Every value it lends points into the
    /// policy, the request or a scratch buffer, never into the `Decision`
    /// itself (core/tests/allocations.rs shows evaluation allocates
    /// nothing, hence owns nothing), so the pointers outlive it.
    #[inline(always)]
    pub(crate) fn fill(&mut self, result: &Decision<'_>) {
        let reason = result.reason();
        let vary = result.vary();
        let mut count = 0;
        for (slot, header) in self.lines.iter_mut().zip(result.headers()) {
            let name = header.name.as_str();
            *slot = unicors_header {
                name: name.as_ptr(),
                name_len: name.len(),
                value: header.value.as_ptr(),
                value_len: header.value.len(),
            };
            count += 1;
        }
        self.reason = reason;
        self.view = unicors_decision_view {
            kind: result.kind().into(),
            status: result.status().unwrap_or(0),
            vary_bits: vary.bits(),
            vary: vary.as_c_str().as_ptr(),
            reason_code: reason.map_or(std::ptr::null(), |r| r.code_c_str().as_ptr()),
            header_count: count,
            headers: self.view.headers,
        };
    }

    /// The decision's header `index` (a view), if it has one.
    fn header(&self, index: usize) -> Option<unicors_header> {
        self.lines[..self.view.header_count].get(index).copied()
    }
}

impl unicors_decision {
    /// Back to an empty decision.
    pub(crate) fn reset(&mut self) {
        self.answer.reset();
    }

    /// The answer to fill and the scratch buffer to evaluate with, borrowed
    /// together: the decision's views may point into the scratch.
    #[inline(always)]
    pub(crate) fn parts(&mut self) -> (&mut Answer, &mut Vec<u8>) {
        (&mut self.answer, &mut self.scratch)
    }

    /// The kind and reason, for the counters.
    pub(crate) fn outcome(&self) -> (unicors::Kind, Option<Reason>) {
        (self.answer.view.kind.into(), self.answer.reason)
    }

    /// The view hosts read, for a live buffer. Taken from the raw pointer,
    /// not a reference, so that it stays valid across later evaluations
    /// into the buffer.
    ///
    /// # Safety
    /// `decision` must be a live buffer.
    pub(crate) unsafe fn view(decision: *const unicors_decision) -> *const unicors_decision_view {
        // SAFETY: live, per the contract; no reference is made.
        unsafe { &raw const (*decision).answer.view }
    }

    fn kind(&self) -> unicors_kind {
        self.answer.view.kind
    }
}

/// A new, empty decision buffer (kind `NOT_CORS`, no headers). NULL only
/// if memory is exhausted.
#[unsafe(no_mangle)]
pub extern "C" fn unicors_decision_new() -> *mut unicors_decision {
    guard(std::ptr::null_mut(), || {
        let decision = Box::into_raw(Box::new(unicors_decision {
            answer: Answer {
                view: unicors_decision_view::EMPTY,
                lines: [NO_HEADER; MAX_HEADERS],
                reason: None,
            },
            scratch: Vec::new(),
        }));
        // SAFETY: just allocated; the box never moves, so the view may
        // point into it for its whole life.
        unsafe {
            (*decision).answer.view.headers = (&raw const (*decision).answer.lines).cast();
        }
        decision
    })
}

/// Frees a decision buffer; NULL is a no-op.
///
/// # Safety
/// `decision` must be NULL or a buffer from `unicors_decision_new` not yet freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn unicors_decision_free(decision: *mut unicors_decision) {
    guard((), || {
        if !decision.is_null() {
            // SAFETY: made by `Box::into_raw`, freed once.
            drop(unsafe { Box::from_raw(decision) });
        }
    });
}

/// Decides one request into `decision`.
///
/// - `method`: the request method exactly as received (case-sensitive).
/// - `path`: the path the router uses (nginx `r->uri`); anything from `?`
///   on is ignored; it selects the policy's routes. NULL/0 means no route.
/// - `headers`: every request header line, in order, names in any case,
///   repeated names allowed; nothing is copied.
/// - `origin_verdict`: a `unicors_origin_verdict` value.
///
/// On any status other than OK the buffer is left empty (kind `NOT_CORS`,
/// no headers). Never allocates once the buffer has warmed up.
///
/// # Safety
/// `policy` must be a live policy; `decision` a live buffer not used by
/// another thread; every pointer/length pair must describe readable memory
/// (NULL only with length 0), and `headers` must point to `header_count`
/// structs. The memory must stay valid while the decision's views are used.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn unicors_evaluate(
    policy: *const unicors_policy,
    method: *const u8,
    method_len: usize,
    path: *const u8,
    path_len: usize,
    headers: *const unicors_header,
    header_count: usize,
    origin_verdict: u32,
    decision: *mut unicors_decision,
) -> unicors_status {
    // SAFETY: NULL or a live buffer used by this thread only, per the contract.
    let Some(decision) = (unsafe { decision.as_mut() }) else {
        return unicors_status::NullParameter;
    };
    let status = guard(unicors_status::Panic, || {
        // SAFETY: NULL or live, per the contract.
        let Some(policy) = (unsafe { policy.as_ref() }) else {
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
        let result = policy
            .policy
            .evaluate_with_scratch(inputs.request(&first_bad), scratch);
        // A bad line read as empty: the evaluation is dropped.
        if first_bad.get() == unicors_status::Ok {
            answer.fill(&result);
        }
        first_bad.get()
    });
    // Success wrote every field; anything else (a panic included) leaves
    // the buffer empty, as the contract says.
    if status != unicors_status::Ok {
        decision.reset();
    }
    status
}

/// The checked arguments of one evaluation.
pub(crate) struct Inputs<'a> {
    method: &'a [u8],
    path: &'a [u8],
    lines: &'a [unicors_header],
    verdict: Option<bool>,
}

impl<'a> Inputs<'a> {
    /// Checks the arguments every evaluating entry point takes.
    ///
    /// # Safety
    /// As `unicors_evaluate`'s pointer/length contract, for `'a`.
    #[inline(always)]
    pub(crate) unsafe fn check(
        method: *const u8,
        method_len: usize,
        path: *const u8,
        path_len: usize,
        headers: *const unicors_header,
        header_count: usize,
        origin_verdict: u32,
    ) -> Result<Inputs<'a>, unicors_status> {
        let verdict = unicors_origin_verdict::from_u32(origin_verdict)
            .ok_or(unicors_status::InvalidArgument)?;
        // SAFETY: per this function's contract.
        unsafe {
            Ok(Inputs {
                method: bytes(method, method_len)?,
                path: bytes(path, path_len)?,
                lines: array(headers, header_count)?,
                verdict,
            })
        }
    }

    /// The request; a bad header line is recorded in `first_bad`.
    #[inline(always)]
    pub(crate) fn request(&self, first_bad: &'a Cell<unicors_status>) -> Request<'a, Lines<'a>> {
        Request::from_headers(self.method, Lines::new(self.lines, first_bad))
            .with_path(self.path)
            .with_origin_verdict(self.verdict)
    }
}

/// The decision's kind (`NOT_CORS` for NULL).
///
/// # Safety
/// `decision` must be NULL or a live buffer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn unicors_decision_kind(decision: *const unicors_decision) -> unicors_kind {
    guard(unicors_kind::NotCors, || {
        // SAFETY: NULL or live, per the contract.
        unsafe { decision.as_ref() }.map_or(unicors_kind::NotCors, unicors_decision::kind)
    })
}

/// The stable reason code of a rejection (e.g. `"origin_not_allowed"`),
/// static and NUL-terminated; NULL unless the kind is `REJECTED`.
///
/// # Safety
/// `decision` must be NULL or a live buffer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn unicors_decision_reason_code(
    decision: *const unicors_decision,
) -> *const c_char {
    guard(std::ptr::null(), || {
        // SAFETY: NULL or live, per the contract.
        unsafe { decision.as_ref() }.map_or(std::ptr::null(), |d| d.answer.view.reason_code)
    })
}

/// A one-line explanation of a rejection, static and NUL-terminated;
/// NULL unless the kind is `REJECTED`. It never contains request bytes.
///
/// # Safety
/// `decision` must be NULL or a live buffer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn unicors_decision_reason_message(
    decision: *const unicors_decision,
) -> *const c_char {
    guard(std::ptr::null(), || {
        // SAFETY: NULL or live, per the contract.
        unsafe { decision.as_ref() }
            .and_then(|d| d.answer.reason)
            .map_or(std::ptr::null(), |r| r.message_c_str().as_ptr())
    })
}

/// The status to answer with now, without calling the app (preflights,
/// unless the policy sets `preflight_continue`); 0 when the app answers.
///
/// # Safety
/// `decision` must be NULL or a live buffer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn unicors_decision_status(decision: *const unicors_decision) -> u16 {
    guard(0, || {
        // SAFETY: NULL or live, per the contract.
        unsafe { decision.as_ref() }.map_or(0, |d| d.answer.view.status)
    })
}

/// The number of headers to set (0 for NULL). Set each one, replacing any
/// value of the same name the app set; never add a second line.
///
/// # Safety
/// `decision` must be NULL or a live buffer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn unicors_decision_header_count(decision: *const unicors_decision) -> usize {
    guard(0, || {
        // SAFETY: NULL or live, per the contract.
        unsafe { decision.as_ref() }.map_or(0, |d| d.answer.view.header_count)
    })
}

/// Writes a view of header `index` to `out`: the name (conventional case,
/// static) and the value (visible ASCII, never CR, LF or NUL). See
/// `unicors_decision` for how long the value view lives.
///
/// # Safety
/// `decision` must be NULL or a live buffer; `out` NULL or writable.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn unicors_decision_header_at(
    decision: *const unicors_decision,
    index: usize,
    out: *mut unicors_header,
) -> unicors_status {
    guard(unicors_status::Panic, || {
        // SAFETY: NULL or live, per the contract.
        let Some(decision) = (unsafe { decision.as_ref() }) else {
            return unicors_status::NullParameter;
        };
        if out.is_null() {
            return unicors_status::NullParameter;
        }
        let Some(header) = decision.answer.header(index) else {
            return unicors_status::InvalidArgument;
        };
        // SAFETY: non-NULL and writable, per the contract.
        unsafe { out.write(header) };
        unicors_status::Ok
    })
}

/// Called once per header by `unicors_decision_foreach_header`; return 0
/// to continue, anything else to stop.
pub type unicors_header_callback =
    Option<unsafe extern "C" fn(userdata: *mut c_void, header: *const unicors_header) -> c_int>;

/// Calls `callback(userdata, &header)` for each header to set, in order,
/// until it returns non-zero. The header view is valid during the call
/// (and as long as `unicors_decision_header_at`'s views).
///
/// # Safety
/// `decision` must be NULL or a live buffer; `callback` must be safe to
/// call with `userdata`.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn unicors_decision_foreach_header(
    decision: *const unicors_decision,
    callback: unicors_header_callback,
    userdata: *mut c_void,
) -> unicors_status {
    guard(unicors_status::Panic, || {
        // SAFETY: NULL or live, per the contract.
        let (Some(decision), Some(callback)) = (unsafe { decision.as_ref() }, callback) else {
            return unicors_status::NullParameter;
        };
        let answer = &decision.answer;
        for header in &answer.lines[..answer.view.header_count] {
            // SAFETY: the caller vouches for the callback and its userdata.
            if unsafe { callback(userdata, header) } != 0 {
                break;
            }
        }
        unicors_status::Ok
    })
}

/// The names to append to the response's `Vary`, joined with `", "`,
/// static and NUL-terminated; `""` when there are none (and for NULL).
/// Append them (skipping names the app already listed); never replace
/// the app's `Vary`.
///
/// # Safety
/// `decision` must be NULL or a live buffer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn unicors_decision_vary(decision: *const unicors_decision) -> *const c_char {
    guard(c"".as_ptr(), || {
        // SAFETY: NULL or live, per the contract.
        unsafe { decision.as_ref() }.map_or(c"".as_ptr(), |d| d.answer.view.vary)
    })
}

/// The names of `unicors_decision_vary` as bits (`Origin` 1,
/// `Access-Control-Request-Method` 2, `Access-Control-Request-Headers` 4,
/// `Access-Control-Request-Private-Network` 8; 0 for NULL), a plain value
/// a host can keep after reusing the buffer, for `unicors_vary_missing`.
///
/// # Safety
/// `decision` must be NULL or a live buffer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn unicors_decision_vary_bits(decision: *const unicors_decision) -> u32 {
    guard(0, || {
        // SAFETY: NULL or live, per the contract.
        unsafe { decision.as_ref() }.map_or(0, |d| d.answer.view.vary_bits)
    })
}

/// The names of `vary_bits` that the response's existing `Vary` values
/// (`existing`, one per header line, as the app set them) do not list
/// yet, compared case-insensitively, joined with `", "`: static,
/// NUL-terminated, `""` when nothing needs appending (an existing
/// `Vary: *` covers everything). Append the result as one more `Vary`
/// line when it is not empty. Invalid arguments give every name of
/// `vary_bits` (appending twice is harmless; omitting is not).
///
/// # Safety
/// `existing` must point to `count` `unicors_bytes` whose pointers are
/// readable (NULL only with `count` 0).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn unicors_vary_missing(
    vary_bits: u32,
    existing: *const unicors_bytes,
    count: usize,
) -> *const c_char {
    let wanted = Vary::from_bits(vary_bits);
    guard(wanted.as_c_str().as_ptr(), || {
        if count == 0 {
            return wanted.as_c_str().as_ptr();
        }
        if existing.is_null() || count > crate::boundary::MAX_LEN / size_of::<unicors_bytes>() {
            return wanted.as_c_str().as_ptr();
        }
        // SAFETY: non-NULL, bounded, readable per the contract.
        let lines = unsafe { std::slice::from_raw_parts(existing, count) };
        // Checked first, so the scan below reads only valid views and
        // allocates nothing.
        // SAFETY: per the contract.
        if lines
            .iter()
            .any(|l| unsafe { bytes(l.data, l.len) }.is_err())
        {
            return wanted.as_c_str().as_ptr();
        }
        // SAFETY: each pair was just checked.
        let values = lines
            .iter()
            .map(|l| unsafe { bytes(l.data, l.len) }.unwrap_or(&[]));
        wanted.missing_from(values).as_c_str().as_ptr()
    })
}
