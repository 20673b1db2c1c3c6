//! No heap allocation per decision on the byte API: a counting global
//! allocator proves it for allowed preflights, allowed actual requests,
//! rejections, not-CORS requests, large allowlists, patterns and hostile
//! input. The counter is per thread, so tests running side by side do not
//! see each other's allocations.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use unicors::{Counters, Kind, Policy, Request};

struct Counting;

thread_local! {
    /// Allocations made by this thread (const-initialised: no allocation).
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

fn count_one() {
    // `try_with`: during thread teardown the slot may be gone.
    let _ = ALLOCATIONS.try_with(|n| n.set(n.get() + 1));
}

fn allocations() -> usize {
    ALLOCATIONS.with(Cell::get)
}

// SAFETY: every call is forwarded unchanged to the system allocator; the
// counter has no effect on the memory handed out.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count_one();
        // SAFETY: same contract as the caller's.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: same contract as the caller's.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count_one();
        // SAFETY: same contract as the caller's.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

/// One workload row: name, policy, method, path, headers, expected kind.
type Run<'a> = (
    &'a str,
    &'a Policy,
    &'a [u8],
    &'a [u8],
    &'a [(&'a [u8], &'a [u8])],
    Kind,
);

#[global_allocator]
static GLOBAL: Counting = Counting;

const BROWSER_HEADERS: [(&[u8], &[u8]); 10] = [
    (b"Host", b"api.example.com"),
    (b"User-Agent", b"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Safari/537.36"),
    (b"Accept", b"*/*"),
    (b"Accept-Language", b"en-US,en;q=0.9"),
    (b"Accept-Encoding", b"gzip, deflate, br, zstd"),
    (b"Referer", b"https://app.example.com/"),
    (b"Sec-Fetch-Mode", b"cors"),
    (b"Sec-Fetch-Site", b"same-site"),
    (b"Sec-Fetch-Dest", b"empty"),
    (b"Connection", b"keep-alive"),
];

fn with_browser_headers(
    extra: &[(&'static [u8], &'static [u8])],
) -> Vec<(&'static [u8], &'static [u8])> {
    let mut headers = BROWSER_HEADERS.to_vec();
    headers.extend_from_slice(extra);
    headers
}

/// Evaluates `request` many times and returns the allocations counted.
fn allocations_of(
    policy: &Policy,
    method: &[u8],
    path: &[u8],
    headers: &[(&[u8], &[u8])],
    expect: Kind,
) -> usize {
    // Warm up once (first-use work such as a regex cache is not per decision).
    let decision = policy.evaluate(Request::new(method, headers).with_path(path));
    assert_eq!(decision.kind(), expect, "{:?}", decision.reason());
    let before = allocations();
    for _ in 0..100 {
        let decision = policy.evaluate(Request::new(method, headers).with_path(path));
        std::hint::black_box(&decision);
    }
    allocations() - before
}

#[test]
fn decisions_do_not_allocate() {
    let workload = Policy::from_toml(
        r#"
        allow_origins = ["https://app.example.com", "https://admin.example.com", "http://localhost:3000"]
        allow_methods = ["GET", "POST", "PUT", "DELETE", "PATCH"]
        allow_headers = ["content-type", "authorization", "x-request-id"]
        expose_headers = ["x-request-id"]
        allow_credentials = true
        max_age = 600
        allow_origin_regex = ['https://[a-z]+\.preview\.example\.com']

        [[routes]]
        path = "/public"
        allow_origins = ["*"]
        allow_credentials = false
        allow_headers = ["*"]

        [[routes]]
        path = "/tenants"
        allow_origins = ["https://*.tenants.example.com:*", "http://localhost:*"]
        "#,
    )
    .expect("valid policy");
    let many: Vec<String> = (0..1000)
        .map(|i| format!("\"https://{i}.example.com\""))
        .collect();
    let thousand = Policy::from_toml(&format!(
        "allow_origins = [{}]\nallow_methods = [\"PUT\"]\nallow_headers = [\"content-type\"]\nallow_credentials = true",
        many.join(",")
    ))
    .expect("valid policy");

    // The same workload with one origin fewer and another max-age.
    let workload_candidate = Policy::from_toml(
        r#"
        allow_origins = ["https://app.example.com", "https://admin.example.com"]
        allow_methods = ["GET", "POST", "PUT", "DELETE", "PATCH"]
        allow_headers = ["content-type", "authorization", "x-request-id"]
        expose_headers = ["x-request-id"]
        allow_credentials = true
        max_age = 300
        "#,
    )
    .expect("valid policy");

    let hostile_acrh: &'static [u8] = {
        let names: Vec<String> = (0..1024)
            .map(|i| ((b'a' + (i % 26) as u8) as char).to_string())
            .collect();
        Box::leak(names.join(",,,").into_bytes().into_boxed_slice())
    };
    let huge_acrh: &'static [u8] = Box::leak(vec![b','; 1 << 20].into_boxed_slice());

    let preflight = with_browser_headers(&[
        (b"Origin", b"https://admin.example.com"),
        (b"Access-Control-Request-Method", b"PUT"),
        (
            b"Access-Control-Request-Headers",
            b"content-type,x-request-id",
        ),
    ]);
    let actual = with_browser_headers(&[(b"Origin", b"https://app.example.com")]);
    let bad_origin = with_browser_headers(&[(b"Origin", b"https://evil.example.net")]);
    let no_origin = with_browser_headers(&[]);
    let hostile = with_browser_headers(&[
        (b"Origin", b"https://admin.example.com"),
        (b"Access-Control-Request-Method", b"PUT"),
        (b"Access-Control-Request-Headers", hostile_acrh),
    ]);
    let huge = with_browser_headers(&[
        (b"Origin", b"https://admin.example.com"),
        (b"Access-Control-Request-Method", b"PUT"),
        (b"Access-Control-Request-Headers", huge_acrh),
    ]);
    let regex_origin = with_browser_headers(&[(b"Origin", b"https://pr.preview.example.com")]);
    let pattern_preflight = with_browser_headers(&[
        (b"Origin", b"https://acme.tenants.example.com:8443"),
        (b"Access-Control-Request-Method", b"DELETE"),
    ]);
    let public_preflight = with_browser_headers(&[
        (b"Origin", b"https://anyone.example.org"),
        (b"Access-Control-Request-Method", b"PATCH"),
        (b"Access-Control-Request-Headers", b"x-anything,x-else"),
    ]);
    let many_preflight = with_browser_headers(&[
        (b"Origin", b"https://999.example.com"),
        (b"Access-Control-Request-Method", b"PUT"),
        (b"Access-Control-Request-Headers", b"content-type"),
    ]);

    let runs: [Run<'_>; 11] = [
        (
            "(a) allowed preflight",
            &workload,
            b"OPTIONS",
            b"/",
            &preflight,
            Kind::Preflight,
        ),
        (
            "(b) allowed actual",
            &workload,
            b"GET",
            b"/",
            &actual,
            Kind::Actual,
        ),
        (
            "(c) disallowed origin",
            &workload,
            b"GET",
            b"/",
            &bad_origin,
            Kind::Rejected,
        ),
        (
            "(d) no Origin",
            &workload,
            b"GET",
            b"/",
            &no_origin,
            Kind::NotCors,
        ),
        (
            "(e) hostile preflight",
            &workload,
            b"OPTIONS",
            b"/",
            &hostile,
            Kind::Rejected,
        ),
        (
            "(g) 1 MiB ACRH",
            &workload,
            b"OPTIONS",
            b"/",
            &huge,
            Kind::Rejected,
        ),
        (
            "regex origin",
            &workload,
            b"POST",
            b"/",
            &regex_origin,
            Kind::Actual,
        ),
        (
            "pattern preflight on a route",
            &workload,
            b"OPTIONS",
            b"/tenants/1",
            &pattern_preflight,
            Kind::Preflight,
        ),
        (
            "public preflight on a route",
            &workload,
            b"OPTIONS",
            b"/public/x",
            &public_preflight,
            Kind::Preflight,
        ),
        (
            "public not-CORS on a route",
            &workload,
            b"GET",
            b"/public/x",
            &no_origin,
            Kind::NotCors,
        ),
        (
            "(f) 1000 origins",
            &thousand,
            b"OPTIONS",
            b"/",
            &many_preflight,
            Kind::Preflight,
        ),
    ];
    let mut report = Vec::new();
    for (name, policy, method, path, headers, kind) in runs {
        let count = allocations_of(policy, method, path, headers, kind);
        report.push(format!("{name}: {count} allocations in 100 decisions"));
        assert_eq!(count, 0, "{name} allocated:\n{}", report.join("\n"));
    }
    // Report-only evaluation and counting: against the same policy (they
    // agree) and against a candidate that answers differently.
    let counters = Counters::new();
    for (name, policy, method, path, headers, _) in runs {
        for (against, candidate) in [("itself", policy), ("a candidate", &workload_candidate)] {
            let request = || Request::new(method, headers).with_path(path);
            counters.record_shadowed(&policy.evaluate_shadowed(candidate, request()));
            let before = allocations();
            for _ in 0..100 {
                let shadowed = policy.evaluate_shadowed(candidate, request());
                counters.record_shadowed(&shadowed);
                std::hint::black_box(&shadowed);
            }
            let count = allocations() - before;
            report.push(format!(
                "{name}, shadowed by {against}: {count} allocations in 100"
            ));
            assert_eq!(
                count,
                0,
                "{name} shadowed by {against} allocated:\n{}",
                report.join("\n")
            );
        }
    }
    assert!(counters.get(Counters::index_of("shadow.differences").unwrap_or(0)) > 0);
    eprintln!("{}", report.join("\n"));
}

#[test]
fn the_counter_counts() {
    // A control: the one documented allocating path (a non-canonical ACRH
    // that must be echoed) is seen by the counter, so a zero above is real.
    let policy = Policy::from_toml(
        "allow_origins = [\"https://a.example\"]\nallow_headers = [\"x-a\", \"x-b\"]",
    )
    .expect("valid policy");
    let headers: &[(&[u8], &[u8])] = &[
        (b"Origin", b"https://a.example"),
        (b"Access-Control-Request-Method", b"GET"),
        (b"Access-Control-Request-Headers", b"X-A, X-B"),
    ];
    assert!(allocations_of(&policy, b"OPTIONS", b"/", headers, Kind::Preflight) >= 100);
}

#[test]
fn a_reused_scratch_buffer_removes_the_last_allocation() {
    let policy = Policy::from_toml(
        "allow_origins = [\"https://a.example\"]\nallow_headers = [\"x-a\", \"x-b\"]",
    )
    .expect("valid policy");
    let headers: &[(&[u8], &[u8])] = &[
        (b"Origin", b"https://a.example"),
        (b"Access-Control-Request-Method", b"GET"),
        (b"Access-Control-Request-Headers", b"X-A, X-B"),
        (b"access-control-request-headers", b" ,x-b"),
    ];
    let mut scratch = Vec::new();
    let decision = policy.evaluate_with_scratch(Request::new(b"OPTIONS", headers), &mut scratch);
    assert_eq!(
        decision.header(unicors::HeaderName::AllowHeaders),
        Some(&b"x-a,x-b,x-b"[..])
    );
    let before = allocations();
    for _ in 0..100 {
        let decision =
            policy.evaluate_with_scratch(Request::new(b"OPTIONS", headers), &mut scratch);
        assert_eq!(decision.kind(), Kind::Preflight);
        std::hint::black_box(&decision);
    }
    assert_eq!(allocations() - before, 0);
}

/// The hostile inputs of the threat model (docs/security.md), each decided
/// 100 times with a reused scratch buffer: never an allocation, whatever
/// the size, and the size caps of decisions.md answer before any parsing.
#[test]
fn hostile_inputs_cost_no_allocation() {
    let listed = Policy::from_toml(
        "allow_origins = [\"https://app.example.com\"]\nallow_methods = [\"PUT\"]\nallow_headers = [\"content-type\", \"x-custom\"]",
    )
    .expect("valid policy");
    let star = Policy::from_toml("allow_origins = [\"https://app.example.com\"]\nallow_methods = [\"PUT\"]\nallow_headers = [\"*\"]")
        .expect("valid policy");
    let leak = |bytes: Vec<u8>| -> &'static [u8] { Box::leak(bytes.into_boxed_slice()) };
    let repeat =
        |unit: &[u8], bytes: usize| leak(unit.iter().copied().cycle().take(bytes).collect());
    let elements = |count: usize| leak(vec!["a"; count].join(",").into_bytes());
    const MIB: usize = 1 << 20;

    let preflight = |acrh: &'static [u8]| -> Vec<(&'static [u8], &'static [u8])> {
        vec![
            (b"Origin", b"https://app.example.com"),
            (b"Access-Control-Request-Method", b"PUT"),
            (b"Access-Control-Request-Headers", acrh),
        ]
    };
    let mut lines_4096 = vec![
        (&b"Origin"[..], &b"https://app.example.com"[..]),
        (b"Access-Control-Request-Method", b"PUT"),
    ];
    lines_4096.extend(std::iter::repeat_n(
        (&b"access-control-request-headers"[..], &b"a"[..]),
        4096,
    ));
    let mut lines_10000: Vec<(&[u8], &[u8])> = (0..10_000)
        .map(|_| (&b"X-Padding"[..], &b"0123456789"[..]))
        .collect();
    lines_10000.push((b"Origin", b"https://app.example.com"));
    let origin_64k = repeat(b"https://app.example.com", 64 * 1024);
    type Row<'p> = (
        &'static str,
        &'p Policy,
        &'static [u8],
        Vec<(&'static [u8], &'static [u8])>,
        Kind,
    );
    let rows: Vec<Row<'_>> = vec![
        (
            "1 MiB ACRH of commas",
            &listed,
            b"OPTIONS",
            preflight(repeat(b",", MIB)),
            Kind::Rejected,
        ),
        (
            "1 MiB ACRH of spaces",
            &star,
            b"OPTIONS",
            preflight(repeat(b" ", MIB)),
            Kind::Rejected,
        ),
        (
            "1 MiB ACRH of one repeated name",
            &listed,
            b"OPTIONS",
            preflight(repeat(b"content-type,", MIB)),
            Kind::Rejected,
        ),
        (
            "8 KiB ACRH of one repeated allowed name",
            &listed,
            b"OPTIONS",
            preflight(leak(vec!["x-custom"; 900].join(",").into_bytes())),
            Kind::Preflight,
        ),
        (
            "4,000 elements under *",
            &star,
            b"OPTIONS",
            preflight(elements(4_000)),
            Kind::Preflight,
        ),
        (
            "10,000 elements",
            &star,
            b"OPTIONS",
            preflight(elements(10_000)),
            Kind::Rejected,
        ),
        (
            "4,096 ACRH lines",
            &star,
            b"OPTIONS",
            lines_4096,
            Kind::Preflight,
        ),
        (
            "64 KiB Origin",
            &listed,
            b"GET",
            vec![(b"Origin", origin_64k)],
            Kind::Rejected,
        ),
        (
            "10,000 header lines",
            &listed,
            b"GET",
            lines_10000,
            Kind::Actual,
        ),
        (
            "non-UTF-8 method, Origin and ACRH",
            &star,
            b"OPT\xffONS",
            vec![
                (b"Origin", b"https://app.example.com\xff"),
                (b"Access-Control-Request-Headers", b"x-\xff"),
            ],
            Kind::Rejected,
        ),
        (
            "CR LF in Origin",
            &listed,
            b"GET",
            vec![(b"Origin", b"https://app.example.com\r\nSet-Cookie: a=b")],
            Kind::Rejected,
        ),
        (
            "NUL in Origin",
            &listed,
            b"GET",
            vec![(b"Origin", b"https://app.example.com\0")],
            Kind::Rejected,
        ),
        (
            "CR in ACRH",
            &star,
            b"OPTIONS",
            preflight(b"x-a\r\nx-b"),
            Kind::Rejected,
        ),
    ];
    let mut report = Vec::new();
    let mut scratch = Vec::new();
    for (name, policy, method, headers, kind) in &rows {
        let reason = {
            let first = policy.evaluate_with_scratch(Request::new(method, headers), &mut scratch);
            assert_eq!(first.kind(), *kind, "{name}: {:?}", first.reason());
            for header in first.headers() {
                assert!(
                    header.value.iter().all(|&b| (b' '..=b'~').contains(&b)),
                    "{name}: {header:?}"
                );
            }
            first.reason()
        };
        let before = allocations();
        for _ in 0..100 {
            let decision =
                policy.evaluate_with_scratch(Request::new(method, headers), &mut scratch);
            std::hint::black_box(&decision);
        }
        let count = allocations() - before;
        report.push(format!(
            "{name}: {reason:?}, {count} allocations in 100 decisions"
        ));
        assert_eq!(count, 0, "{name} allocated:\n{}", report.join("\n"));
    }
    eprintln!("{}", report.join("\n"));
}
