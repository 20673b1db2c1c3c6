//! The workload of `shared/reference/peer-bench.md`: one policy and the
//! request kinds (a)–(e), plus (f) the same policy with 1000 allowed
//! origins and (g) a 1 MiB `Access-Control-Request-Headers`. The request
//! shapes are those of `core/tests/allocations.rs`.

use std::sync::LazyLock;

use unicors::{Kind, Policy};

use crate::floor::Floor;

/// The three allowed origins of the common workload.
pub const ORIGINS: [&str; 3] = [
    "https://app.example.com",
    "https://admin.example.com",
    "http://localhost:3000",
];

/// Number of allowed origins of the large policy, (f).
pub const MANY: usize = 1000;

/// The 10 ordinary browser headers every request carries, before its CORS
/// headers.
pub const BROWSER_HEADERS: [(&[u8], &[u8]); 10] = [
    (b"Host", b"api.example.com"),
    (
        b"User-Agent",
        b"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Safari/537.36",
    ),
    (b"Accept", b"*/*"),
    (b"Accept-Language", b"en-US,en;q=0.9"),
    (b"Accept-Encoding", b"gzip, deflate, br, zstd"),
    (b"Referer", b"https://app.example.com/"),
    (b"Sec-Fetch-Mode", b"cors"),
    (b"Sec-Fetch-Site", b"same-site"),
    (b"Sec-Fetch-Dest", b"empty"),
    (b"Connection", b"keep-alive"),
];

/// (e): 1,024 single-letter names joined by `,,,` (4,093 bytes, none allowed).
static HOSTILE_ACRH: LazyLock<Vec<u8>> = LazyLock::new(|| {
    let names: Vec<String> = (0..1024u32)
        .map(|i| char::from(b'a' + (i % 26) as u8).to_string())
        .collect();
    names.join(",,,").into_bytes()
});

/// (g): 1 MiB of commas (over the 8 KiB cap).
static HUGE_ACRH: LazyLock<Vec<u8>> = LazyLock::new(|| vec![b','; 1 << 20]);

/// The allowed origins of the large policy: 997 generated ones, then the
/// workload's three, `https://admin.example.com` (the (a)/(f) origin) last.
pub fn many_origins() -> Vec<String> {
    let mut origins: Vec<String> = (0..MANY - ORIGINS.len())
        .map(|i| format!("https://{i}.example.com"))
        .collect();
    origins.extend(
        [ORIGINS[0], ORIGINS[2], ORIGINS[1]]
            .into_iter()
            .map(str::to_owned),
    );
    origins
}

/// The workload policy (peer-bench.md) with these allowed origins.
pub fn policy_toml(origins: &[String]) -> String {
    let quoted: Vec<String> = origins.iter().map(|o| format!("\"{o}\"")).collect();
    format!(
        "allow_origins = [{}]\n\
         allow_methods = [\"GET\", \"POST\", \"PUT\", \"DELETE\", \"PATCH\"]\n\
         allow_headers = [\"content-type\", \"authorization\", \"x-request-id\"]\n\
         expose_headers = [\"x-request-id\"]\n\
         allow_credentials = true\n\
         max_age = 600\n",
        quoted.join(", ")
    )
}

/// One request kind of the workload.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Case {
    /// (a) allowed preflight.
    A,
    /// (b) allowed actual request.
    B,
    /// (c) disallowed origin.
    C,
    /// (d) no `Origin`.
    D,
    /// (e) hostile preflight: 4 KiB ACRH `a,,,b,,,c…`.
    E,
    /// (f) (a) against the policy with 1000 allowed origins.
    F,
    /// (g) (a) with a 1 MiB ACRH.
    G,
}

impl Case {
    /// Every case, in order.
    pub const ALL: [Case; 7] = [
        Case::A,
        Case::B,
        Case::C,
        Case::D,
        Case::E,
        Case::F,
        Case::G,
    ];

    /// The one-letter name (`a`…`g`).
    pub const fn letter(self) -> &'static str {
        match self {
            Case::A => "a",
            Case::B => "b",
            Case::C => "c",
            Case::D => "d",
            Case::E => "e",
            Case::F => "f",
            Case::G => "g",
        }
    }

    /// Parses a one-letter name.
    pub fn from_letter(letter: &str) -> Option<Case> {
        Case::ALL.into_iter().find(|case| case.letter() == letter)
    }

    /// What the case is, for tables.
    pub const fn label(self) -> &'static str {
        match self {
            Case::A => "(a) allowed preflight",
            Case::B => "(b) allowed actual",
            Case::C => "(c) disallowed origin",
            Case::D => "(d) no Origin",
            Case::E => "(e) hostile preflight, 4 KiB ACRH",
            Case::F => "(f) preflight, 1000 allowed origins",
            Case::G => "(g) preflight, 1 MiB ACRH",
        }
    }

    /// The request method.
    pub const fn method(self) -> &'static [u8] {
        match self {
            Case::A | Case::E | Case::F | Case::G => b"OPTIONS",
            Case::B | Case::C | Case::D => b"GET",
        }
    }

    /// The kind the core (and the floor) must decide.
    pub const fn expected(self) -> Kind {
        match self {
            Case::A | Case::F => Kind::Preflight,
            Case::B => Kind::Actual,
            Case::C | Case::E | Case::G => Kind::Rejected,
            Case::D => Kind::NotCors,
        }
    }

    /// Whether the case runs against the 1000-origin policy.
    pub const fn many_origins(self) -> bool {
        matches!(self, Case::F)
    }

    /// The header lines: the browser headers, then the CORS ones.
    pub fn headers(self) -> Vec<(&'static [u8], &'static [u8])> {
        let preflight = |acrh: &'static [u8]| -> [(&'static [u8], &'static [u8]); 3] {
            [
                (b"Origin", b"https://admin.example.com"),
                (b"Access-Control-Request-Method", b"PUT"),
                (b"Access-Control-Request-Headers", acrh),
            ]
        };
        let cors: Vec<(&'static [u8], &'static [u8])> = match self {
            Case::A | Case::F => preflight(b"content-type,x-request-id").to_vec(),
            Case::B => vec![(b"Origin", b"https://app.example.com")],
            Case::C => vec![(b"Origin", b"https://evil.example.net")],
            Case::D => vec![],
            Case::E => preflight(HOSTILE_ACRH.as_slice()).to_vec(),
            Case::G => preflight(HUGE_ACRH.as_slice()).to_vec(),
        };
        let mut headers = BROWSER_HEADERS.to_vec();
        headers.extend(cors);
        headers
    }
}

/// The policies and floors of the workload, built once.
#[derive(Debug)]
pub struct Workload {
    /// The workload policy (3 allowed origins).
    pub policy: Policy,
    /// The same policy with 1000 allowed origins.
    pub policy_many: Policy,
    /// The floor for `policy`.
    pub floor: Floor,
    /// The floor for `policy_many`.
    pub floor_many: Floor,
}

impl Workload {
    /// Builds both policies and both floors.
    ///
    /// # Panics
    ///
    /// If the core refuses the workload policy (a bug in this crate).
    pub fn new() -> Workload {
        let three: Vec<String> = ORIGINS.iter().map(|&o| o.to_owned()).collect();
        let many = many_origins();
        Workload {
            policy: Policy::from_toml(&policy_toml(&three)).expect("the workload policy is valid"),
            policy_many: Policy::from_toml(&policy_toml(&many))
                .expect("the 1000-origin policy is valid"),
            floor: Floor::new(&three),
            floor_many: Floor::new(&many),
        }
    }

    /// The core policy a case runs against.
    pub fn policy(&self, case: Case) -> &Policy {
        if case.many_origins() {
            &self.policy_many
        } else {
            &self.policy
        }
    }

    /// The floor a case runs against.
    pub fn floor(&self, case: Case) -> &Floor {
        if case.many_origins() {
            &self.floor_many
        } else {
            &self.floor
        }
    }
}

impl Default for Workload {
    fn default() -> Self {
        Workload::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_match_peer_bench() {
        // 1,024 names + 3,069 commas (peer-bench.md rounds it to "4,096 bytes").
        assert_eq!(HOSTILE_ACRH.len(), 1024 + 3069);
        assert_eq!(HOSTILE_ACRH.iter().filter(|&&b| b == b',').count(), 3069);
        assert_eq!(HUGE_ACRH.len(), 1 << 20);
        assert_eq!(many_origins().len(), MANY);
        assert_eq!(
            many_origins().last().map(String::as_str),
            Some("https://admin.example.com")
        );
        for case in Case::ALL {
            let cors = case.headers().len() - BROWSER_HEADERS.len();
            assert_eq!(cors, [3, 1, 1, 0, 3, 3, 3][case as usize], "{case:?}");
            assert_eq!(Case::from_letter(case.letter()), Some(case));
        }
    }
}
