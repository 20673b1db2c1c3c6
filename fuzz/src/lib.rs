//! What every fuzz target checks of a decision, and the fixed policies the
//! request targets decide against. A broken invariant panics, which
//! libFuzzer reports as a crash with the input that caused it.

use std::sync::OnceLock;

use unicors::{Decision, HeaderName, Kind, Policy, REQUEST_HEADER_NAMES, Request};

/// The policy documents the request targets decide against (fuzz/policies/),
/// covering each way an origin can be allowed: exact lists, subdomain and
/// port patterns, a regex, `null`, `*`; and routes, PNA, `*` lists.
pub const POLICY_DOCUMENTS: [&str; 4] = [
    include_str!("../policies/0.toml"),
    include_str!("../policies/1.toml"),
    include_str!("../policies/2.toml"),
    include_str!("../policies/3.toml"),
];

/// [`POLICY_DOCUMENTS`], built.
pub fn policies() -> &'static [Policy] {
    static POLICIES: OnceLock<Vec<Policy>> = OnceLock::new();
    POLICIES.get_or_init(|| {
        POLICY_DOCUMENTS
            .iter()
            .map(|toml| Policy::from_toml(toml).expect("the fuzz policies are valid"))
            .collect()
    })
}

/// The value of the request's only line named `name` (any case); `None`
/// when absent or repeated.
pub fn single<'a>(headers: &[(&'a [u8], &'a [u8])], name: &str) -> Option<&'a [u8]> {
    let mut found = headers
        .iter()
        .filter(|(n, _)| n.eq_ignore_ascii_case(name.as_bytes()));
    let first = found.next()?;
    found.next().is_none().then_some(first.1)
}

/// The invariants of any decision for `headers`:
/// - every emitted value is visible ASCII or space (no CR, LF, NUL: nothing
///   smuggled from the request can split a header);
/// - `Access-Control-Allow-Origin` is `*` (never with credentials) or the
///   request's single Origin byte for byte;
/// - a rejection carries a reason and no CORS header; only preflights and
///   rejected preflights answer now;
/// - the answer varies on Origin whenever it allows a specific origin.
pub fn check_decision(decision: &Decision<'_>, headers: &[(&[u8], &[u8])]) {
    for header in decision.headers() {
        assert!(
            header.value.iter().all(|&b| (b' '..=b'~').contains(&b)),
            "{} carries a byte outside visible ASCII: {:?}",
            header.name,
            header.value
        );
    }
    if let Some(acao) = decision.header(HeaderName::AllowOrigin) {
        if acao == b"*" {
            assert!(
                decision.header(HeaderName::AllowCredentials).is_none(),
                "* with credentials"
            );
        } else {
            let origin =
                single(headers, "origin").expect("ACAO echoes an Origin, so there is exactly one");
            assert_eq!(acao, origin, "ACAO must be the Origin byte for byte");
            assert!(
                decision.vary().as_str().contains("Origin"),
                "a specific ACAO without Vary: Origin"
            );
        }
    }
    match decision.kind() {
        Kind::Rejected => {
            assert!(decision.reason().is_some(), "a rejection without a reason");
            assert_eq!(decision.headers().len(), 0, "a rejection with CORS headers");
        }
        _ => assert!(
            decision.reason().is_none(),
            "a reason on a decision that is not a rejection"
        ),
    }
    if decision.status().is_some() {
        assert!(
            matches!(decision.kind(), Kind::Preflight | Kind::Rejected),
            "only preflights answer now"
        );
    }
}

/// Decides `headers` against `policy` every way a host can and checks that
/// the ways agree: with and without a scratch buffer, with names in
/// uppercase, and with only the CORS request lines.
pub fn decide_all_ways(
    policy: &Policy,
    method: &[u8],
    path: &[u8],
    headers: &[(&[u8], &[u8])],
    verdict: Option<bool>,
) {
    let request = || {
        Request::new(method, headers)
            .with_path(path)
            .with_origin_verdict(verdict)
    };
    let decision = policy.evaluate(request());
    check_decision(&decision, headers);

    let mut scratch = Vec::new();
    assert_eq!(
        policy.evaluate_with_scratch(request(), &mut scratch),
        decision,
        "scratch changes the decision"
    );

    let upper: Vec<Vec<u8>> = headers
        .iter()
        .map(|(n, _)| n.to_ascii_uppercase())
        .collect();
    let shouted: Vec<(&[u8], &[u8])> = upper
        .iter()
        .zip(headers)
        .map(|(n, (_, v))| (&n[..], *v))
        .collect();
    let again = policy.evaluate(
        Request::new(method, &shouted)
            .with_path(path)
            .with_origin_verdict(verdict),
    );
    assert_eq!(again, decision, "header-name case changes the decision");

    let cors_only: Vec<(&[u8], &[u8])> = headers
        .iter()
        .copied()
        .filter(|(n, _)| {
            REQUEST_HEADER_NAMES
                .iter()
                .any(|c| n.eq_ignore_ascii_case(c.as_bytes()))
        })
        .collect();
    let trimmed = policy.evaluate(
        Request::new(method, &cors_only)
            .with_path(path)
            .with_origin_verdict(verdict),
    );
    assert_eq!(
        trimmed, decision,
        "lines other than the CORS request headers change the decision"
    );
}

/// A request read from fuzz input: a selector byte (bits 0–1 the policy of
/// [`policies`], bits 2–3 the host verdict: 0 none, 1 allow, 2 deny, 3 an
/// invalid value for the C ABI), then `\n`-separated method, path and
/// `name:value` header lines.
#[derive(Debug)]
pub struct FuzzRequest<'a> {
    /// Index into [`policies`] and [`POLICY_DOCUMENTS`].
    pub policy: usize,
    /// The verdict bits as the C ABI takes them (`unicors_origin_verdict`).
    pub verdict_code: u32,
    /// The request method.
    pub method: &'a [u8],
    /// The router's path.
    pub path: &'a [u8],
    /// The header lines.
    pub headers: Vec<(&'a [u8], &'a [u8])>,
}

impl<'a> FuzzRequest<'a> {
    /// The request in `data`, or `None` for empty input.
    pub fn parse(data: &'a [u8]) -> Option<Self> {
        let (&selector, rest) = data.split_first()?;
        let mut parts = rest.split(|&b| b == b'\n');
        Some(FuzzRequest {
            policy: usize::from(selector & 3),
            verdict_code: u32::from((selector >> 2) & 3),
            method: parts.next().unwrap_or_default(),
            path: parts.next().unwrap_or_default(),
            headers: parts.map(header).collect(),
        })
    }

    /// The host verdict for the core (`None` also for the invalid code 3).
    pub fn verdict(&self) -> Option<bool> {
        match self.verdict_code {
            1 => Some(true),
            2 => Some(false),
            _ => None,
        }
    }
}

/// Splits a line at its first `:` into a header (name, value).
fn header(line: &[u8]) -> (&[u8], &[u8]) {
    match line.iter().position(|&b| b == b':') {
        Some(colon) => (&line[..colon], &line[colon + 1..]),
        None => (line, &[]),
    }
}
