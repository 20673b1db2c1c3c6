//! Whole requests of any bytes: the first byte picks a policy and a host
//! verdict, then `\n`-separated lines give the method, the path and header
//! lines (`name:value`). Deciding never panics, keeps the invariants, and
//! gives the same answer with a scratch buffer, in any header-name case, and
//! from the CORS request lines alone.
#![no_main]

use libfuzzer_sys::fuzz_target;
use unicors_fuzz::{FuzzRequest, decide_all_ways, policies};

fuzz_target!(|data: &[u8]| {
    let Some(request) = FuzzRequest::parse(data) else {
        return;
    };
    let policy = &policies()[request.policy];
    decide_all_ways(
        policy,
        request.method,
        request.path,
        &request.headers,
        request.verdict(),
    );
});
