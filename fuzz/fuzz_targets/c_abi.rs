//! The C ABI entry points with fuzzed bytes, as a C host calls them: a
//! policy document through `unicors_policy_from_document` (both formats),
//! then a request (`\n`-separated method, path and `name:value` lines)
//! through `unicors_evaluate` into a reused decision buffer, read back with
//! the accessors, and compared with the core's own decision; the same
//! request report-only against the same policy (no difference); plus NULL
//! pointers with non-zero lengths, which must be refused, never read.
#![no_main]

use std::ptr;

use libfuzzer_sys::fuzz_target;
use unicors::{Kind, Request};
use unicors_ffi::config_error::{
    unicors_config_error, unicors_config_error_count, unicors_config_error_free,
};
use unicors_ffi::decision::{
    unicors_decision, unicors_decision_free, unicors_decision_header_at,
    unicors_decision_header_count, unicors_decision_kind, unicors_decision_new, unicors_evaluate,
};
use unicors_ffi::enums::unicors_kind;
use unicors_ffi::header::unicors_header;
use unicors_ffi::policy::{unicors_policy, unicors_policy_free, unicors_policy_from_document};
use unicors_ffi::shadow::unicors_evaluate_shadowed;
use unicors_ffi::status::unicors_status;
use unicors_ffi::view::unicors_decision_get_view;
use unicors_fuzz::{FuzzRequest, POLICY_DOCUMENTS, check_decision, policies};

/// Header `index` of a live decision, through `unicors_decision_header_at`.
fn header_at(decision: *const unicors_decision, index: usize) -> unicors_header {
    let mut got = unicors_header {
        name: ptr::null(),
        name_len: 0,
        value: ptr::null(),
        value_len: 0,
    };
    // SAFETY: a live buffer and a writable out-parameter.
    let status = unsafe { unicors_decision_header_at(decision, index, &mut got) };
    assert_eq!(status, unicors_status::Ok);
    got
}

/// The C ABI's policy for a document, or its error count.
fn build(document: &[u8], format: u32) -> Result<*const unicors_policy, usize> {
    let mut policy: *const unicors_policy = ptr::null();
    let mut error: *mut unicors_config_error = ptr::null_mut();
    // SAFETY: a live slice and writable out-parameters.
    let status = unsafe {
        unicors_policy_from_document(
            document.as_ptr(),
            document.len(),
            format,
            &mut policy,
            &mut error,
        )
    };
    if status == unicors_status::Ok {
        assert!(!policy.is_null() && error.is_null());
        return Ok(policy);
    }
    assert!(policy.is_null(), "a policy with status {status:?}");
    // SAFETY: NULL or the error object just returned.
    let count = unsafe { unicors_config_error_count(error) };
    unsafe { unicors_config_error_free(error) };
    Err(count)
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    if selector & 0x80 != 0 {
        // A document: never a panic, a refusal lists its problems.
        for format in [0, 1] {
            match build(rest, format) {
                Ok(policy) => unsafe { unicors_policy_free(policy) },
                Err(count) => assert!(count > 0, "refused without a problem"),
            }
        }
        // SAFETY: NULL with a non-zero length must be refused before any read.
        let mut policy: *const unicors_policy = ptr::null();
        let status = unsafe {
            unicors_policy_from_document(
                ptr::null(),
                rest.len() + 1,
                0,
                &mut policy,
                ptr::null_mut(),
            )
        };
        assert_ne!(status, unicors_status::Ok);
        return;
    }

    let Some(request) = FuzzRequest::parse(data) else {
        return;
    };
    let core_policy = &policies()[request.policy];
    // The same document as `core_policy`, through the C ABI.
    let policy =
        build(POLICY_DOCUMENTS[request.policy].as_bytes(), 0).expect("the fuzz policies are valid");
    let verdict = request.verdict_code; // 3 is not a verdict: refused
    let (method, path, headers) = (request.method, request.path, &request.headers);
    let lines: Vec<unicors_header> = headers
        .iter()
        .map(|(n, v)| unicors_header {
            name: n.as_ptr(),
            name_len: n.len(),
            value: v.as_ptr(),
            value_len: v.len(),
        })
        .collect();

    let decision = unicors_decision_new();
    for _ in 0..2 {
        // Twice into the same buffer: a reused buffer answers the same.
        // SAFETY: live policy, slices and buffer.
        let status = unsafe {
            unicors_evaluate(
                policy,
                method.as_ptr(),
                method.len(),
                path.as_ptr(),
                path.len(),
                lines.as_ptr(),
                lines.len(),
                verdict,
                decision,
            )
        };
        if verdict == 3 {
            assert_eq!(status, unicors_status::InvalidArgument);
            // SAFETY: a live buffer.
            let view = unsafe { &*unicors_decision_get_view(decision) };
            assert_eq!(
                (view.kind as u32, view.header_count),
                (unicors_kind::NotCors as u32, 0)
            );
            break;
        }
        assert_eq!(status, unicors_status::Ok);
        let expected_verdict = request.verdict();
        let expected = core_policy.evaluate(
            Request::new(method, headers)
                .with_path(path)
                .with_origin_verdict(expected_verdict),
        );
        check_decision(&expected, headers);
        let kind = unsafe { unicors_decision_kind(decision) };
        let want = match expected.kind() {
            Kind::NotCors => unicors_kind::NotCors,
            Kind::Preflight => unicors_kind::Preflight,
            Kind::Actual => unicors_kind::Actual,
            Kind::Rejected => unicors_kind::Rejected,
        };
        assert_eq!(
            kind as u32, want as u32,
            "the C ABI's kind differs from the core's"
        );
        let count = unsafe { unicors_decision_header_count(decision) };
        assert_eq!(count, expected.headers().len());
        // SAFETY: a live buffer; the view lives as long as it.
        let view = unsafe { &*unicors_decision_get_view(decision) };
        assert_eq!(view.kind as u32, want as u32);
        assert_eq!(view.header_count, count);
        assert_eq!(view.status, expected.status().unwrap_or(0));
        assert_eq!(view.vary_bits, expected.vary().bits());
        for (index, want) in expected.headers().enumerate() {
            let got = header_at(decision, index);
            // SAFETY: views the ABI documents as valid while the decision and request live.
            let name = unsafe { std::slice::from_raw_parts(got.name, got.name_len) };
            let value = unsafe { std::slice::from_raw_parts(got.value, got.value_len) };
            assert!(name.eq_ignore_ascii_case(want.name.as_str().as_bytes()));
            assert_eq!(value, &want.value[..]);
            // The view lends the same views. SAFETY: `header_count` entries.
            let line = unsafe { &*view.headers.add(index) };
            assert!(ptr::eq(line.value, got.value) && line.value_len == got.value_len);
            assert!(ptr::eq(line.name, got.name) && line.name_len == got.name_len);
        }
    }
    // Report-only against the same policy: the same decision, no difference.
    if verdict != 3 {
        let (enforced, shadow) = (unicors_decision_new(), unicors_decision_new());
        let mut difference = u32::MAX;
        // SAFETY: live policy, slices and two distinct buffers.
        let status = unsafe {
            unicors_evaluate_shadowed(
                policy,
                policy,
                method.as_ptr(),
                method.len(),
                path.as_ptr(),
                path.len(),
                lines.as_ptr(),
                lines.len(),
                verdict,
                enforced,
                shadow,
                &mut difference,
            )
        };
        assert_eq!(status, unicors_status::Ok);
        assert_eq!(difference, 0, "a policy differs from itself");
        unsafe {
            assert_eq!(
                unicors_decision_kind(enforced) as u32,
                unicors_decision_kind(decision) as u32
            );
            assert_eq!(
                unicors_decision_kind(shadow) as u32,
                unicors_decision_kind(decision) as u32
            );
            assert_eq!(
                unicors_decision_header_count(shadow),
                unicors_decision_header_count(decision)
            );
            unicors_decision_free(enforced);
            unicors_decision_free(shadow);
        }
    }
    // NULL header array with a count: refused, the buffer left empty.
    if !lines.is_empty() {
        let status = unsafe {
            unicors_evaluate(
                policy,
                method.as_ptr(),
                method.len(),
                ptr::null(),
                0,
                ptr::null(),
                lines.len(),
                0,
                decision,
            )
        };
        assert_ne!(status, unicors_status::Ok);
        assert_eq!(unsafe { unicors_decision_header_count(decision) }, 0);
        // SAFETY: a live buffer.
        let view = unsafe { &*unicors_decision_get_view(decision) };
        assert_eq!(
            (view.kind as u32, view.header_count),
            (unicors_kind::NotCors as u32, 0)
        );
    }
    unsafe {
        unicors_decision_free(decision);
        unicors_policy_free(policy);
    }
});
