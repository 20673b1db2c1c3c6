//! The floor of `targets.md`: a hand-written function for the workload
//! policy that does the least work a correct answer needs.
//!
//! - one pass over the header list for `Origin`, ACRM and ACRH, counting
//!   `Origin` lines (a second one rejects);
//! - the origin looked up in an [`FxHashSet`] (the core's hasher), which
//!   also proves it well formed: only valid origins are in the set;
//! - the method matched against the policy's (a match is a valid token);
//! - ACRH capped at 8 KiB before parsing, then each comma-separated name
//!   (OWS-trimmed, empty elements skipped) binary-searched in the sorted
//!   allowed names (case-insensitively when it has uppercase letters),
//!   stopping at the first refused one;
//! - the response header lines written into a reused `Vec<u8>` in the
//!   core's order, constant parts pre-joined.
//!
//! What it leaves out, which the core does: `Origin` syntax checks beyond the
//! set look-up, size caps on `Origin`, forbidden-method and token checks on
//! methods that are not allowed anyway, merging several ACRH lines (the
//! floor refuses a second ACRH or ACRM line), normalising a non-canonical
//! ACRH echo (the floor echoes the bytes as sent), routes, `*`, `null`,
//! regexes, patterns and Private Network Access.

use rustc_hash::FxHashSet;
use unicors::Kind;

/// Largest ACRH the floor parses (the core's cap).
pub const MAX_ACRH: usize = 8 * 1024;

/// The allowed request headers, lowercase and sorted.
const ALLOWED_HEADERS: [&[u8]; 3] = [b"authorization", b"content-type", b"x-request-id"];

const VARY_ORIGIN: &[u8] = b"Vary: Origin\r\n";
const VARY_PREFLIGHT: &[u8] =
    b"Vary: Origin, Access-Control-Request-Method, Access-Control-Request-Headers\r\n";

/// What the floor decided; the header lines are in the caller's buffer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Answer {
    /// The same classification as the core's.
    pub kind: Kind,
    /// The status to answer with now (preflights), as the core's.
    pub status: Option<u16>,
}

/// The floor for the workload policy with a given set of allowed origins.
#[derive(Clone, Debug)]
pub struct Floor {
    origins: FxHashSet<Box<[u8]>>,
}

fn is_ows(byte: u8) -> bool {
    byte == b' ' || byte == b'\t'
}

fn trim_ows(mut bytes: &[u8]) -> &[u8] {
    while let [first, rest @ ..] = bytes {
        if !is_ows(*first) {
            break;
        }
        bytes = rest;
    }
    while let [rest @ .., last] = bytes {
        if !is_ows(*last) {
            break;
        }
        bytes = rest;
    }
    bytes
}

/// Whether one requested name (any case) is allowed: browsers send
/// lowercase names, so a plain binary search first; a name with uppercase
/// letters is then compared case-insensitively.
#[inline]
fn is_allowed_header(name: &[u8]) -> bool {
    ALLOWED_HEADERS.binary_search(&name).is_ok()
        || (name.iter().any(u8::is_ascii_uppercase)
            && ALLOWED_HEADERS
                .iter()
                .any(|allowed| allowed.eq_ignore_ascii_case(name)))
}

impl Floor {
    /// A floor allowing exactly these origins.
    pub fn new<S: AsRef<str>>(origins: &[S]) -> Floor {
        Floor {
            origins: origins
                .iter()
                .map(|o| o.as_ref().as_bytes().into())
                .collect(),
        }
    }

    /// Decides one request and writes its header lines into `out`
    /// (cleared first).
    #[inline]
    pub fn decide(&self, method: &[u8], headers: &[(&[u8], &[u8])], out: &mut Vec<u8>) -> Answer {
        out.clear();
        let mut origin: Option<&[u8]> = None;
        let mut origin_lines = 0u32;
        let mut acrm: Option<&[u8]> = None;
        let mut acrm_lines = 0u32;
        let mut acrh: Option<&[u8]> = None;
        let mut acrh_lines = 0u32;
        for &(name, value) in headers {
            match name.len() {
                6 if name.eq_ignore_ascii_case(b"origin") => {
                    origin_lines += 1;
                    origin.get_or_insert(value);
                }
                29 if name.eq_ignore_ascii_case(b"access-control-request-method") => {
                    acrm_lines += 1;
                    acrm.get_or_insert(value);
                }
                30 if name.eq_ignore_ascii_case(b"access-control-request-headers") => {
                    acrh_lines += 1;
                    acrh.get_or_insert(value);
                }
                _ => {}
            }
        }

        let Some(origin) = origin else {
            out.extend_from_slice(VARY_ORIGIN);
            return Answer {
                kind: Kind::NotCors,
                status: None,
            };
        };
        let allowed = origin_lines == 1 && self.origins.contains(origin);

        let Some(method_requested) = acrm.filter(|_| method == b"OPTIONS") else {
            if !allowed {
                out.extend_from_slice(VARY_ORIGIN);
                return Answer {
                    kind: Kind::Rejected,
                    status: None,
                };
            }
            out.extend_from_slice(b"Access-Control-Allow-Origin: ");
            out.extend_from_slice(origin);
            out.extend_from_slice(
                b"\r\nAccess-Control-Allow-Credentials: true\r\n\
                  Access-Control-Expose-Headers: x-request-id\r\n",
            );
            out.extend_from_slice(VARY_ORIGIN);
            return Answer {
                kind: Kind::Actual,
                status: None,
            };
        };

        let reject = |out: &mut Vec<u8>| {
            out.extend_from_slice(VARY_PREFLIGHT);
            Answer {
                kind: Kind::Rejected,
                status: Some(403),
            }
        };
        if !allowed
            || acrm_lines != 1
            || !matches!(
                method_requested,
                b"GET" | b"HEAD" | b"POST" | b"PUT" | b"DELETE" | b"PATCH"
            )
        {
            return reject(out);
        }
        let mut echo: Option<&[u8]> = None;
        if let Some(requested) = acrh {
            if acrh_lines != 1 || requested.len() > MAX_ACRH {
                return reject(out);
            }
            for element in requested.split(|&b| b == b',') {
                let name = trim_ows(element);
                if name.is_empty() {
                    continue;
                }
                if !is_allowed_header(name) {
                    return reject(out);
                }
                echo = Some(requested);
            }
        }

        out.extend_from_slice(b"Access-Control-Allow-Origin: ");
        out.extend_from_slice(origin);
        out.extend_from_slice(
            b"\r\nAccess-Control-Allow-Credentials: true\r\nAccess-Control-Allow-Methods: ",
        );
        out.extend_from_slice(method_requested);
        out.extend_from_slice(b"\r\n");
        if let Some(names) = echo {
            out.extend_from_slice(b"Access-Control-Allow-Headers: ");
            out.extend_from_slice(names);
            out.extend_from_slice(b"\r\n");
        }
        out.extend_from_slice(b"Access-Control-Max-Age: 600\r\n");
        out.extend_from_slice(VARY_PREFLIGHT);
        Answer {
            kind: Kind::Preflight,
            status: Some(204),
        }
    }
}

#[cfg(test)]
mod tests {
    use unicors::Request;

    use super::*;
    use crate::workload::{BROWSER_HEADERS, Case, Workload};
    use crate::write_decision;

    type Headers = Vec<(&'static [u8], &'static [u8])>;

    /// The core's answer: kind, status and the header lines.
    fn core(
        workload: &Workload,
        case_policy: Case,
        method: &[u8],
        headers: &[(&[u8], &[u8])],
    ) -> (Answer, Vec<u8>) {
        let decision = workload
            .policy(case_policy)
            .evaluate(Request::new(method, headers).with_path(b"/"));
        let mut out = Vec::new();
        write_decision(&decision, &mut out);
        (
            Answer {
                kind: decision.kind(),
                status: decision.status(),
            },
            out,
        )
    }

    fn floor(
        workload: &Workload,
        case_policy: Case,
        method: &[u8],
        headers: &[(&[u8], &[u8])],
    ) -> (Answer, Vec<u8>) {
        let mut out = b"stale".to_vec();
        let answer = workload
            .floor(case_policy)
            .decide(method, headers, &mut out);
        (answer, out)
    }

    #[test]
    fn allowed_names_are_sorted() {
        assert!(ALLOWED_HEADERS.is_sorted());
        assert!(is_allowed_header(b"Authorization"));
        assert!(is_allowed_header(b"X-Request-ID"));
        assert!(!is_allowed_header(b"X-Request-IE"));
        assert!(!is_allowed_header(b"authorization2"));
        assert!(!is_allowed_header(b""));
    }

    #[test]
    fn same_answer_as_the_core_on_the_workload() {
        let workload = Workload::new();
        for case in Case::ALL {
            let headers = case.headers();
            let expected = core(&workload, case, case.method(), &headers);
            assert_eq!(expected.0.kind, case.expected(), "{case:?}");
            let got = floor(&workload, case, case.method(), &headers);
            assert_eq!(
                got,
                expected,
                "{case:?}:\nfloor: {}\ncore:  {}",
                String::from_utf8_lossy(&got.1),
                String::from_utf8_lossy(&expected.1)
            );
        }
    }

    #[test]
    fn same_answer_as_the_core_on_variants() {
        let workload = Workload::new();
        let with = |extra: &[(&'static [u8], &'static [u8])]| {
            let mut headers = BROWSER_HEADERS.to_vec();
            headers.extend_from_slice(extra);
            headers
        };
        let cases: Vec<(&[u8], Headers)> = vec![
            // Two Origin lines.
            (
                b"GET",
                with(&[
                    (b"Origin", b"https://app.example.com"),
                    (b"origin", b"https://app.example.com"),
                ]),
            ),
            // Preflight without ACRH, from a disallowed origin, with a
            // refused method, with a safelisted method, with names in
            // another case, with OWS and empty elements.
            (
                b"OPTIONS",
                with(&[
                    (b"ORIGIN", b"http://localhost:3000"),
                    (b"access-control-request-method", b"DELETE"),
                ]),
            ),
            (
                b"OPTIONS",
                with(&[
                    (b"Origin", b"https://evil.example.net"),
                    (b"Access-Control-Request-Method", b"PUT"),
                ]),
            ),
            (
                b"OPTIONS",
                with(&[
                    (b"Origin", b"https://app.example.com"),
                    (b"Access-Control-Request-Method", b"TRACE"),
                ]),
            ),
            (
                b"OPTIONS",
                with(&[
                    (b"Origin", b"https://app.example.com"),
                    (b"Access-Control-Request-Method", b"HEAD"),
                    (b"Access-Control-Request-Headers", b"authorization"),
                ]),
            ),
            (
                b"OPTIONS",
                with(&[
                    (b"Origin", b"https://app.example.com"),
                    (b"Access-Control-Request-Method", b"PATCH"),
                    (b"Access-Control-Request-Headers", b" , ,"),
                ]),
            ),
            (
                b"OPTIONS",
                with(&[
                    (b"Origin", b"https://app.example.com"),
                    (b"Access-Control-Request-Method", b"PUT"),
                    (b"Access-Control-Request-Headers", b"content-type,x-other"),
                ]),
            ),
            // OPTIONS without ACRM is an actual request.
            (
                b"OPTIONS",
                with(&[(b"Origin", b"https://admin.example.com")]),
            ),
            // ACRM on a GET is ignored.
            (
                b"GET",
                with(&[
                    (b"Origin", b"https://admin.example.com"),
                    (b"Access-Control-Request-Method", b"PUT"),
                ]),
            ),
        ];
        for (method, headers) in &cases {
            for case in [Case::A, Case::F] {
                let expected = core(&workload, case, method, headers);
                let got = floor(&workload, case, method, headers);
                assert_eq!(
                    got,
                    expected,
                    "{headers:?}:\nfloor: {}\ncore:  {}",
                    String::from_utf8_lossy(&got.1),
                    String::from_utf8_lossy(&expected.1)
                );
            }
        }
    }
}
