//! Property tests: for random policies and requests, the invariants every
//! surface relies on hold.

use proptest::prelude::*;
use unicors::{Decision, Difference, HeaderName, Kind, Policy, Request, VaryName};

const EXACT_ORIGINS: [&str; 5] = [
    "https://app.example.com",
    "https://admin.example.com:8443",
    "http://localhost:3000",
    "http://[::1]:8080",
    "chrome-extension://abcdefgh",
];
const PATTERNS: [&str; 3] = [
    "https://*.example.org",
    "http://localhost:*",
    "https://*.tenant.example.net:*",
];
const REGEXES: [&str; 2] = [
    r"https://[a-z]+\.preview\.example\.com",
    r"https://pr-[0-9]+\.example\.io",
];

/// Origins a request may carry: allowed ones, near misses, malformed ones.
const REQUEST_ORIGINS: [&str; 22] = [
    "https://app.example.com",
    "https://admin.example.com:8443",
    "http://localhost:3000",
    "http://[::1]:8080",
    "chrome-extension://abcdefgh",
    "https://a.example.org",
    "https://a.b.example.org",
    "https://example.org",
    "http://localhost:1",
    "https://x.tenant.example.net:443",
    "https://abc.preview.example.com",
    "https://pr-42.example.io",
    "https://APP.example.com",
    "https://app.example.com/",
    "https://app.example.com:443",
    "https://evil.example",
    "https://app.example.com.evil.example",
    "null",
    "https://a, https://b",
    "",
    "https://app.example.com\r\nX-Injected: 1",
    "https://abc.preview.example.com/x",
];

#[derive(Clone, Debug)]
struct PolicySpec {
    public: bool,
    exact: Vec<usize>,
    patterns: Vec<usize>,
    regexes: Vec<usize>,
    null: bool,
    credentials: bool,
    methods: Vec<&'static str>,
    headers: Vec<&'static str>,
    expose: Vec<&'static str>,
    max_age: Option<u32>,
    pna: bool,
}

impl PolicySpec {
    fn json(&self) -> String {
        let quote = |items: Vec<String>| {
            items
                .iter()
                .map(|s| serde_json::to_string(s).unwrap_or_default())
                .collect::<Vec<_>>()
                .join(",")
        };
        let origins: Vec<String> = if self.public {
            vec!["*".into()]
        } else {
            self.exact
                .iter()
                .map(|i| EXACT_ORIGINS[*i].to_owned())
                .chain(self.patterns.iter().map(|i| PATTERNS[*i].to_owned()))
                .collect()
        };
        let regexes: Vec<String> = self
            .regexes
            .iter()
            .map(|i| REGEXES[*i].to_owned())
            .collect();
        let list = |items: &[&str]| quote(items.iter().map(|s| (*s).to_owned()).collect());
        let mut doc = format!(
            r#"{{"allow_origins":[{}],"allow_origin_regex":[{}],"allow_null_origin":{},"allow_credentials":{},"allow_methods":[{}],"allow_headers":[{}],"expose_headers":[{}],"allow_private_network":{}"#,
            quote(origins),
            quote(regexes),
            self.null,
            self.credentials && !self.public,
            list(&self.methods),
            list(&self.headers),
            list(&self.expose),
            self.pna && !self.public,
        );
        if let Some(max_age) = self.max_age {
            doc.push_str(&format!(r#","max_age":{max_age}"#));
        }
        doc.push('}');
        doc
    }

    fn is_public(&self) -> bool {
        self.public
    }
}

fn policy_spec() -> impl Strategy<Value = PolicySpec> {
    (
        any::<bool>(),
        proptest::sample::subsequence(
            (0..EXACT_ORIGINS.len()).collect::<Vec<_>>(),
            0..=EXACT_ORIGINS.len(),
        ),
        proptest::sample::subsequence((0..PATTERNS.len()).collect::<Vec<_>>(), 0..=PATTERNS.len()),
        proptest::sample::subsequence((0..REGEXES.len()).collect::<Vec<_>>(), 0..=REGEXES.len()),
        any::<bool>(),
        any::<bool>(),
        proptest::sample::subsequence(vec!["PUT", "DELETE", "PATCH", "patch", "PURGE", "*"], 0..=6),
        proptest::sample::subsequence(
            vec!["content-type", "x-request-id", "authorization", "*"],
            0..=4,
        ),
        proptest::sample::subsequence(vec!["x-request-id", "x-total"], 0..=2),
        proptest::option::of(0u32..=86_400),
        any::<bool>(),
    )
        .prop_map(
            |(
                public,
                exact,
                patterns,
                regexes,
                null,
                credentials,
                methods,
                headers,
                expose,
                max_age,
                pna,
            )| PolicySpec {
                public,
                exact,
                patterns,
                regexes,
                null,
                credentials,
                methods,
                headers,
                expose,
                max_age,
                pna,
            },
        )
}

fn header_name_case(name: &'static str) -> impl Strategy<Value = Vec<u8>> {
    proptest::collection::vec(any::<bool>(), name.len()).prop_map(move |upper| {
        name.bytes()
            .zip(upper)
            .map(|(b, u)| {
                if u {
                    b.to_ascii_uppercase()
                } else {
                    b.to_ascii_lowercase()
                }
            })
            .collect()
    })
}

#[derive(Clone, Debug)]
struct RequestSpec {
    method: Vec<u8>,
    headers: Vec<(Vec<u8>, Vec<u8>)>,
    verdict: Option<bool>,
}

fn header_line() -> impl Strategy<Value = (Vec<u8>, Vec<u8>)> {
    prop_oneof![
        4 => (header_name_case("origin"), proptest::sample::select(REQUEST_ORIGINS.to_vec()).prop_map(|o| o.as_bytes().to_vec())),
        1 => (header_name_case("origin"), proptest::collection::vec(any::<u8>(), 0..40)),
        3 => (
            header_name_case("access-control-request-method"),
            proptest::sample::select(vec!["PUT", "GET", "patch", "PATCH", "TRACE", "PURGE", "PUT,GET", ""]).prop_map(|m| m.as_bytes().to_vec()),
        ),
        3 => (
            header_name_case("access-control-request-headers"),
            proptest::sample::select(vec![
                "content-type", "x-request-id", "content-type,x-request-id", "Authorization", "X-Other, content-type",
                " ,x-request-id,,", "bad name", "x-request-id\u{0}",
            ]).prop_map(|m| m.as_bytes().to_vec()),
        ),
        1 => (header_name_case("access-control-request-private-network"), proptest::sample::select(vec!["true", "false", "True"]).prop_map(|m| m.as_bytes().to_vec())),
        2 => (proptest::sample::select(vec!["accept", "user-agent", "vary", "cookie"]).prop_map(|n| n.as_bytes().to_vec()), proptest::collection::vec(any::<u8>(), 0..20)),
    ]
}

fn request_spec() -> impl Strategy<Value = RequestSpec> {
    (
        prop_oneof![
            6 => Just(b"OPTIONS".to_vec()),
            3 => proptest::sample::select(vec!["GET", "POST", "PUT", "options", "PATCH"]).prop_map(|m| m.as_bytes().to_vec()),
            1 => proptest::collection::vec(any::<u8>(), 0..8),
        ],
        proptest::collection::vec(header_line(), 0..7),
        proptest::option::of(any::<bool>()),
    )
        .prop_map(|(method, headers, verdict)| RequestSpec { method, headers, verdict })
}

fn decide<'a>(
    policy: &'a Policy,
    method: &'a [u8],
    headers: &'a [(&'a [u8], &'a [u8])],
    verdict: Option<bool>,
) -> Decision<'a> {
    policy.evaluate(Request::new(method, headers).with_origin_verdict(verdict))
}

fn borrow(headers: &[(Vec<u8>, Vec<u8>)]) -> Vec<(&[u8], &[u8])> {
    headers
        .iter()
        .map(|(n, v)| (n.as_slice(), v.as_slice()))
        .collect()
}

fn origins_of(headers: &[(Vec<u8>, Vec<u8>)]) -> Vec<&[u8]> {
    headers
        .iter()
        .filter(|(n, _)| n.eq_ignore_ascii_case(b"origin"))
        .map(|(_, v)| v.as_slice())
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn allow_origin_is_star_or_the_single_allowed_origin(spec in policy_spec(), req in request_spec()) {
        let policy = Policy::from_json(&spec.json()).expect("generated policies are valid");
        let headers = borrow(&req.headers);
        let decision = decide(&policy, &req.method, &headers, req.verdict);
        let origins = origins_of(&req.headers);
        if let Some(acao) = decision.header(HeaderName::AllowOrigin) {
            prop_assert!(matches!(decision.kind(), Kind::Preflight | Kind::Actual | Kind::NotCors));
            if acao == b"*" {
                prop_assert!(decision.header(HeaderName::AllowCredentials).is_none());
                prop_assert!(spec.is_public());
            } else {
                prop_assert_eq!(origins.len(), 1);
                prop_assert_eq!(acao, origins[0]);
                let allowed_by_policy = EXACT_ORIGINS.iter().enumerate().any(|(i, o)| spec.exact.contains(&i) && o.as_bytes() == acao)
                    || !spec.patterns.is_empty() || !spec.regexes.is_empty()
                    || (acao == b"null" && spec.null)
                    || req.verdict == Some(true);
                prop_assert!(allowed_by_policy, "echoed an origin the policy does not list: {:?}", String::from_utf8_lossy(acao));
            }
        }
        if decision.kind() == Kind::Rejected {
            prop_assert!(decision.headers().len() == 0);
            prop_assert!(decision.vary().contains(VaryName::Origin));
        }
    }

    #[test]
    fn emitted_values_are_visible_ascii_from_policy_or_validated_echo(spec in policy_spec(), req in request_spec()) {
        let policy = Policy::from_json(&spec.json()).expect("generated policies are valid");
        let headers = borrow(&req.headers);
        let decision = decide(&policy, &req.method, &headers, req.verdict);
        for header in decision.headers() {
            prop_assert!(!header.value.is_empty());
            prop_assert!(header.value.iter().all(|b| (0x21..=0x7e).contains(b)),
                "{}: {:?}", header.name, String::from_utf8_lossy(&header.value));
            match header.name {
                HeaderName::AllowMethods => {
                    let requested: Vec<&[u8]> = req.headers.iter()
                        .filter(|(n, _)| n.eq_ignore_ascii_case(b"access-control-request-method"))
                        .map(|(_, v)| v.as_slice()).collect();
                    prop_assert_eq!(requested, vec![&*header.value]);
                }
                HeaderName::AllowHeaders => {
                    let requested: Vec<u8> = req.headers.iter()
                        .filter(|(n, _)| n.eq_ignore_ascii_case(b"access-control-request-headers"))
                        .flat_map(|(_, v)| v.to_ascii_lowercase()).collect();
                    for name in header.value.split(|b| *b == b',') {
                        prop_assert!(requested.windows(name.len()).any(|w| w == name), "ACAH name not requested");
                    }
                }
                HeaderName::AllowCredentials | HeaderName::AllowPrivateNetwork => prop_assert_eq!(&*header.value, b"true"),
                _ => {}
            }
        }
    }

    #[test]
    fn a_shadowed_request_is_two_plain_evaluations(spec in policy_spec(), other in policy_spec(), req in request_spec()) {
        let enforced = Policy::from_json(&spec.json()).expect("generated policies are valid");
        let candidate = Policy::from_json(&other.json()).expect("generated policies are valid");
        let headers = borrow(&req.headers);
        let request = || Request::new(&req.method, &headers).with_origin_verdict(req.verdict);
        let shadowed = enforced.evaluate_shadowed(&candidate, request());
        let (plain, plain_candidate) = (enforced.evaluate(request()), candidate.evaluate(request()));
        prop_assert_eq!(&shadowed.enforced, &plain);
        prop_assert_eq!(&shadowed.shadow, &plain_candidate);
        // No difference exactly when the browser would get the same response.
        prop_assert_eq!(shadowed.difference.is_empty(), plain == plain_candidate);
        prop_assert_eq!(shadowed.difference.contains(Difference::KIND), plain.kind() != plain_candidate.kind());
        prop_assert_eq!(shadowed.difference.contains(Difference::HEADERS), !plain.headers().eq(plain_candidate.headers()));
        prop_assert!(!enforced.evaluate_shadowed(&enforced, request()).differs());
    }

    #[test]
    fn vary_origin_whenever_the_answer_depends_on_it(spec in policy_spec(), req in request_spec()) {
        let policy = Policy::from_json(&spec.json()).expect("generated policies are valid");
        let headers = borrow(&req.headers);
        let decision = decide(&policy, &req.method, &headers, req.verdict);
        let depends = !spec.is_public() || req.verdict.is_some() || decision.kind() == Kind::Rejected;
        prop_assert_eq!(decision.vary().contains(VaryName::Origin), depends);
        if decision.kind() == Kind::Preflight {
            prop_assert!(decision.vary().contains(VaryName::RequestMethod));
            prop_assert!(decision.vary().contains(VaryName::RequestHeaders));
        }
    }

    #[test]
    fn header_name_case_does_not_matter(spec in policy_spec(), req in request_spec(), flips in proptest::collection::vec(any::<bool>(), 64)) {
        let policy = Policy::from_json(&spec.json()).expect("generated policies are valid");
        let headers = borrow(&req.headers);
        let before = decide(&policy, &req.method, &headers, req.verdict).into_owned();
        let recased: Vec<(Vec<u8>, Vec<u8>)> = req.headers.iter().enumerate().map(|(i, (n, v))| {
            let name = if flips[i % flips.len()] { n.to_ascii_uppercase() } else { n.to_ascii_lowercase() };
            (name, v.clone())
        }).collect();
        let recased_borrowed = borrow(&recased);
        let after = decide(&policy, &req.method, &recased_borrowed, req.verdict).into_owned();
        prop_assert_eq!(before, after);
    }

    #[test]
    fn only_the_request_header_names_matter(spec in policy_spec(), req in request_spec()) {
        let policy = Policy::from_json(&spec.json()).expect("generated policies are valid");
        let headers = borrow(&req.headers);
        let all = decide(&policy, &req.method, &headers, req.verdict).into_owned();
        let picked: Vec<(&[u8], &[u8])> = headers.iter().copied().filter(|(n, _)| {
            unicors::REQUEST_HEADER_NAMES.iter().any(|w| n.eq_ignore_ascii_case(w.as_bytes()))
        }).collect();
        let only = decide(&policy, &req.method, &picked, req.verdict).into_owned();
        prop_assert_eq!(all, only);
    }

    #[test]
    fn acrh_split_across_lines_does_not_matter(
        spec in policy_spec(),
        names in proptest::collection::vec(proptest::sample::select(vec!["content-type", "x-request-id", "authorization", "x-other", "X-Request-ID"]), 1..6),
        cuts in proptest::collection::vec(any::<bool>(), 6),
        origin in proptest::sample::select(REQUEST_ORIGINS[..12].to_vec()),
    ) {
        let policy = Policy::from_json(&spec.json()).expect("generated policies are valid");
        let joined = names.join(",");
        let one: Vec<(Vec<u8>, Vec<u8>)> = vec![
            (b"Origin".to_vec(), origin.as_bytes().to_vec()),
            (b"Access-Control-Request-Method".to_vec(), b"PUT".to_vec()),
            (b"Access-Control-Request-Headers".to_vec(), joined.into_bytes()),
        ];
        let mut split = one[..2].to_vec();
        let mut line = Vec::new();
        for (i, name) in names.iter().enumerate() {
            if !line.is_empty() {
                line.extend_from_slice(b", ");
            }
            line.extend_from_slice(name.as_bytes());
            if cuts[i % cuts.len()] || i + 1 == names.len() {
                split.push((b"access-control-request-headers".to_vec(), std::mem::take(&mut line)));
                split.push((b"x-between".to_vec(), b"1".to_vec()));
            }
        }
        let (a, b) = (borrow(&one), borrow(&split));
        let whole = decide(&policy, b"OPTIONS", &a, None).into_owned();
        let pieces = decide(&policy, b"OPTIONS", &b, None).into_owned();
        prop_assert_eq!(whole, pieces);
    }
}
