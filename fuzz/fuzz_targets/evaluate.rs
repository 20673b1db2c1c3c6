//! Whole requests of any bytes: the first byte picks a policy and a host
//! verdict, then `\n`-separated lines give the method, the path and header
//! lines (`name:value`). Deciding never panics, keeps the invariants, and
//! gives the same answer with a scratch buffer, in any header-name case, and
//! from the CORS request lines alone.
#![no_main]

use libfuzzer_sys::fuzz_target;
use unicors_fuzz::{decide_all_ways, header, lines, policies};

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let policy = &policies()[usize::from(selector & 3)];
    let verdict = match (selector >> 2) & 3 {
        1 => Some(true),
        2 => Some(false),
        _ => None,
    };
    let mut parts = lines(rest);
    let method = parts.next().unwrap_or_default();
    let path = parts.next().unwrap_or_default();
    let headers: Vec<(&[u8], &[u8])> = parts.map(header).collect();
    decide_all_ways(policy, method, path, &headers, verdict);
});
