//! Origin bytes of any shape against exact lists, subdomain and port
//! patterns, an anchored regex and `null`: the decision keeps the
//! invariants, and who is allowed matches an independent model of
//! decisions.md's origin rules (a byte-exact list; `https://*.example.com`
//! = one or more labels of 1–63 bytes of `a-z 0-9 -`, never the apex; the
//! regex matches the whole origin).
#![no_main]

use libfuzzer_sys::fuzz_target;
use unicors::{Kind, Request};
use unicors_fuzz::{check_decision, policies};

/// One or more dot-separated labels of 1–63 bytes of `a-z 0-9 -`.
fn labels(host: &[u8]) -> bool {
    !host.is_empty()
        && host.split(|&b| b == b'.').all(|l| {
            (1..=63).contains(&l.len())
                && l.iter()
                    .all(|&b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        })
}

/// decisions.md: an Origin over 2 KiB is refused before any look-up. (The
/// model first lacked this; the fuzzer found it — tests/cases has the case.)
const MAX_ORIGIN: usize = 2048;

/// `https://<labels>.example.com`, at most [`MAX_ORIGIN`] bytes.
fn subdomain_of_example_com(origin: &[u8]) -> bool {
    origin.len() <= MAX_ORIGIN
        && origin
            .strip_prefix(b"https://")
            .and_then(|rest| rest.strip_suffix(b".example.com"))
            .is_some_and(labels)
}

/// What `http://localhost:*` or `https://*.example.org:*` can admit at most: that prefix (or
/// suffix) and then 1–5 digits.
fn port_pattern_shape(origin: &[u8]) -> bool {
    let digits = |p: &[u8]| (1..=5).contains(&p.len()) && p.iter().all(u8::is_ascii_digit);
    if let Some(port) = origin.strip_prefix(b"http://localhost:") {
        return digits(port);
    }
    let Some(colon) = origin.iter().rposition(|&b| b == b':') else {
        return false;
    };
    digits(&origin[colon + 1..])
        && origin[..colon]
            .strip_prefix(b"https://")
            .and_then(|h| h.strip_suffix(b".example.org"))
            .is_some_and(labels)
}

/// `https://[a-z0-9-]+\.partner\.example`, whole, at most [`MAX_ORIGIN`]
/// bytes. The regex's label has no 63-byte limit (the model first had one;
/// the fuzzer found it — tests/cases/origin-regex.json has the case).
fn partner(origin: &[u8]) -> bool {
    origin.len() <= MAX_ORIGIN
        && origin
            .strip_prefix(b"https://")
            .and_then(|rest| rest.strip_suffix(b".partner.example"))
            .is_some_and(|label| {
                !label.is_empty()
                    && label
                        .iter()
                        .all(|&b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            })
}

fuzz_target!(|origin: &[u8]| {
    let headers: &[(&[u8], &[u8])] = &[(b"Origin", origin)];
    let allowed: Vec<bool> = policies()
        .iter()
        .map(|policy| {
            let decision = policy.evaluate(Request::new(b"GET", headers));
            check_decision(&decision, headers);
            decision.kind() == Kind::Actual
        })
        .collect();

    let exact: &[&[u8]] = &[
        b"https://app.example.com",
        b"http://localhost:3000",
        b"https://[::1]:8443",
    ];
    assert_eq!(
        allowed[0],
        exact.contains(&origin),
        "exact list: {origin:?}"
    );

    if subdomain_of_example_com(origin) {
        assert!(allowed[1], "https://*.example.com must admit {origin:?}");
    }
    if allowed[1] {
        assert!(
            subdomain_of_example_com(origin) || port_pattern_shape(origin),
            "admitted {origin:?}"
        );
    }

    let by_model = origin == b"https://app.example.com" || origin == b"null" || partner(origin);
    assert_eq!(allowed[3], by_model, "exact + regex + null: {origin:?}");
});
