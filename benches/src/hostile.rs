//! The hostile requests of the threat model (docs/security.md), for the
//! `hostile` criterion group: what each costs next to an ordinary allowed
//! preflight, against the workload's policy. (`core/tests/allocations.rs`
//! shows that none of them allocates.)

/// One hostile request: a name, the method and the header lines.
#[derive(Debug)]
pub struct Hostile {
    /// What the request is, as the table prints it.
    pub name: &'static str,
    /// The request method.
    pub method: &'static [u8],
    /// The request's header lines.
    pub headers: Vec<(&'static [u8], &'static [u8])>,
}

const KIB: usize = 1024;
const ORIGIN: &[u8] = b"https://admin.example.com";

fn leaked(bytes: Vec<u8>) -> &'static [u8] {
    Box::leak(bytes.into_boxed_slice())
}

/// `unit` repeated to `len` bytes (the last copy cut short).
fn filled(unit: &[u8], len: usize) -> &'static [u8] {
    leaked(unit.iter().copied().cycle().take(len).collect())
}

fn asking(acrh: &'static [u8]) -> Vec<(&'static [u8], &'static [u8])> {
    vec![
        (b"Origin", ORIGIN),
        (b"Access-Control-Request-Method", b"PUT"),
        (b"Access-Control-Request-Headers", acrh),
    ]
}

/// Every hostile request, plus the ordinary preflight they are compared with first.
pub fn all() -> Vec<Hostile> {
    let mut split_lines = vec![
        (&b"Origin"[..], ORIGIN),
        (b"Access-Control-Request-Method", b"PUT"),
    ];
    split_lines
        .extend((0..4096).map(|_| (&b"Access-Control-Request-Headers"[..], &b"content-type"[..])));
    let mut padded: Vec<(&'static [u8], &'static [u8])> = vec![(b"X-Pad", b"0123456789"); 10_000];
    padded.push((b"Origin", b"https://app.example.com"));
    let row = |name, method, headers| Hostile {
        name,
        method,
        headers,
    };
    vec![
        row(
            "ordinary preflight",
            b"OPTIONS",
            asking(b"content-type,x-request-id"),
        ),
        row(
            "1 MiB ACRH of commas",
            b"OPTIONS",
            asking(filled(b",", 1024 * KIB)),
        ),
        row(
            "1 MiB ACRH of spaces",
            b"OPTIONS",
            asking(filled(b" ", 1024 * KIB)),
        ),
        row(
            "1 MiB ACRH of one name",
            b"OPTIONS",
            asking(filled(b"content-type,", 1024 * KIB)),
        ),
        row(
            "8 KiB ACRH of one allowed name",
            b"OPTIONS",
            asking(leaked(vec!["content-type"; 630].join(",").into_bytes())),
        ),
        row(
            "10,000 ACRH elements",
            b"OPTIONS",
            asking(leaked(vec!["a"; 10_000].join(",").into_bytes())),
        ),
        row("4,096 ACRH lines", b"OPTIONS", split_lines),
        row(
            "64 KiB Origin",
            b"GET",
            vec![(b"Origin", filled(ORIGIN, 64 * KIB))],
        ),
        row("10,000 header lines", b"GET", padded),
        row(
            "non-UTF-8 Origin",
            b"GET",
            vec![(b"Origin", b"https://admin.example.com\xff\xfe")],
        ),
        row(
            "CR LF in Origin",
            b"GET",
            vec![(b"Origin", b"https://admin.example.com\r\nSet-Cookie: a=b")],
        ),
    ]
}
