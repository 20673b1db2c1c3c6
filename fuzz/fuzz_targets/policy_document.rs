//! Policy documents (TOML and JSON) of any bytes: parsing and validation
//! never panic; a refused document lists at least one error, each with a
//! code and a message; an accepted one decides a preflight and an actual
//! request within the invariants.
#![no_main]

use libfuzzer_sys::fuzz_target;
use unicors::{Policy, Severity};
use unicors_fuzz::decide_all_ways;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for built in [Policy::from_toml(text), Policy::from_json(text)] {
        match built {
            Ok(policy) => {
                for problem in policy.warnings() {
                    assert_eq!(problem.severity, Severity::Warning);
                }
                let preflight: &[(&[u8], &[u8])] = &[
                    (b"Origin", b"https://app.example.com"),
                    (b"Access-Control-Request-Method", b"PUT"),
                    (b"Access-Control-Request-Headers", b"x-custom,authorization"),
                ];
                decide_all_ways(&policy, b"OPTIONS", b"/api", preflight, None);
                let actual: &[(&[u8], &[u8])] = &[(b"Origin", b"null")];
                decide_all_ways(&policy, b"GET", b"/", actual, None);
            }
            Err(error) => {
                assert!(
                    error
                        .problems()
                        .iter()
                        .any(|p| p.severity == Severity::Error),
                    "refused without an error"
                );
                for problem in error.problems() {
                    assert!(
                        !problem.message.is_empty(),
                        "{:?} without a message",
                        problem.code
                    );
                }
            }
        }
    }
});
