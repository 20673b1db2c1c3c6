//! One policy shared by many threads gives every thread the same answers
//! it gets alone: no state is kept between decisions, nothing a decision
//! hands out can alter the policy (rs/cors #198, jub0bs/cors #14 and its
//! debug-mode race, Starlette #510).

use unicors::{Decision, Policy, Request};

const POLICY: &str = r#"
allow_origins = ["https://app.example.com", "https://*.tenants.example.com", "http://localhost:*"]
allow_origin_regex = ['https://pr-[0-9]+\.preview\.example\.com']
allow_methods = ["PUT", "DELETE"]
allow_headers = ["content-type", "x-request-id"]
expose_headers = ["x-request-id"]
allow_credentials = true
max_age = 600
"#;

/// A method and its header lines.
type Sample = (&'static [u8], Vec<(&'static [u8], &'static [u8])>);

fn requests() -> Vec<Sample> {
    let origins: [&'static [u8]; 6] = [
        b"https://app.example.com",
        b"https://a.tenants.example.com",
        b"http://localhost:5173",
        b"https://pr-7.preview.example.com",
        b"https://evil.example",
        b"null",
    ];
    let mut out = Vec::new();
    for origin in origins {
        out.push((&b"GET"[..], vec![(&b"Origin"[..], origin)]));
        out.push((
            &b"OPTIONS"[..],
            vec![
                (&b"Origin"[..], origin),
                (&b"Access-Control-Request-Method"[..], &b"PUT"[..]),
                (
                    &b"Access-Control-Request-Headers"[..],
                    &b"Content-Type, X-Request-ID"[..],
                ),
            ],
        ));
    }
    out.push((&b"GET"[..], vec![]));
    out
}

fn decide(policy: &Policy, method: &[u8], headers: &[(&[u8], &[u8])]) -> Decision<'static> {
    policy.evaluate(Request::new(method, headers)).into_owned()
}

#[test]
fn threads_share_one_policy_without_interference() {
    let policy = Policy::from_toml(POLICY).expect("valid policy");
    let requests = requests();
    let alone: Vec<Decision<'static>> = requests
        .iter()
        .map(|(m, h)| decide(&policy, m, h))
        .collect();
    std::thread::scope(|scope| {
        for thread in 0..4 {
            let (policy, requests, alone) = (&policy, &requests, &alone);
            scope.spawn(move || {
                for round in 0..2_000 {
                    // Each thread walks the requests in a different order.
                    let i = (round * 7 + thread * 3) % requests.len();
                    let (method, headers) = &requests[i];
                    assert_eq!(
                        decide(policy, method, headers),
                        alone[i],
                        "thread {thread}, request {i}"
                    );
                }
            });
        }
    });
}
