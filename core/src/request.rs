//! The request as the engine sees it: a method, a path and the header
//! lines exactly as the server holds them (names in any case, repeated
//! names, arbitrary bytes in values).

use std::iter::Copied;
use std::slice::Iter;

/// A borrowed request view.
///
/// `headers` is any cloneable iterator of `(name, value)` byte pairs — a
/// slice of pairs, an adapter over a C array or a framework's header map.
/// The engine walks it once, and a second time (from a clone taken before
/// the first walk) when a preflight carries `Access-Control-Request-Headers`.
#[derive(Clone, Debug)]
pub struct Request<'r, H> {
    pub(crate) method: &'r [u8],
    pub(crate) path: &'r [u8],
    pub(crate) headers: H,
    pub(crate) origin_verdict: Option<bool>,
}

/// The header iterator of a request built from a slice of pairs.
pub type PairIter<'r> = Copied<Iter<'r, (&'r [u8], &'r [u8])>>;

impl<'r> Request<'r, PairIter<'r>> {
    /// A request from a slice of `(name, value)` pairs, with path `/`.
    pub fn new(method: &'r [u8], headers: &'r [(&'r [u8], &'r [u8])]) -> Self {
        Request::from_headers(method, headers.iter().copied())
    }
}

/// The header iterator of a request built from owned or borrowed byte
/// pairs (`Vec<u8>`, `Cow<[u8]>`, `Box<[u8]>`…), as bindings convert them.
#[derive(Debug)]
pub struct BytePairs<'r, T>(Iter<'r, (T, T)>);

// Not derived: a derive would ask `T: Clone`, which cloning the slice
// iterator does not need.
impl<T> Clone for BytePairs<'_, T> {
    fn clone(&self) -> Self {
        BytePairs(self.0.clone())
    }
}

impl<'r, T: AsRef<[u8]>> Iterator for BytePairs<'r, T> {
    type Item = (&'r [u8], &'r [u8]);

    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        self.0
            .next()
            .map(|(name, value)| (name.as_ref(), value.as_ref()))
    }
}

impl<'r, T: AsRef<[u8]>> Request<'r, BytePairs<'r, T>> {
    /// A request from a slice of `(name, value)` pairs of any byte
    /// container, with path `/`.
    pub fn from_pairs(method: &'r [u8], headers: &'r [(T, T)]) -> Self {
        Request::from_headers(method, BytePairs(headers.iter()))
    }
}

impl<'r, H> Request<'r, H>
where
    H: Iterator<Item = (&'r [u8], &'r [u8])> + Clone,
{
    /// A request from any cloneable iterator of `(name, value)` pairs, with path `/`.
    pub fn from_headers(method: &'r [u8], headers: H) -> Self {
        Request {
            method,
            path: b"/",
            headers,
            origin_verdict: None,
        }
    }

    /// Sets the path the host's router uses (nginx `$uri`, ASGI
    /// `scope["path"]`, WSGI `PATH_INFO`); anything from `?` on is ignored.
    /// It selects the policy's `routes`.
    #[must_use]
    pub fn with_path(mut self, path: &'r [u8]) -> Self {
        self.path = path;
        self
    }

    /// Sets the host's own verdict on the origin (a callback, a database…).
    /// When set, it replaces the policy's origin lists; the engine still
    /// rejects malformed, repeated and (unless allowed) `null` origins, and
    /// the response always varies on `Origin`.
    #[must_use]
    pub fn with_origin_verdict(mut self, allowed: Option<bool>) -> Self {
        self.origin_verdict = allowed;
        self
    }
}

/// The only request headers a decision depends on, lowercase. A host that
/// hands over its headers by name (WSGI's environ, Node's `req.headers`)
/// may pass just these lines, in any case, and gets the same decision.
pub const REQUEST_HEADER_NAMES: [&str; 4] = [
    "origin",
    "access-control-request-method",
    "access-control-request-headers",
    "access-control-request-private-network",
];

/// The request headers the engine reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum CorsHeader {
    Origin,
    RequestMethod,
    RequestHeaders,
    RequestPrivateNetwork,
}

/// Classifies a header name, ASCII case-insensitively, by length first.
#[inline]
pub(crate) fn classify(name: &[u8]) -> Option<CorsHeader> {
    // A compare chain, not a jump table: ordinary names (up to 28 bytes)
    // leave after two well-predicted branches.
    let len = name.len();
    let (candidate, header): (&[u8], CorsHeader) = if len == 6 {
        return is_origin(name).then_some(CorsHeader::Origin);
    } else if len < 29 {
        return None;
    } else if len == 29 {
        (b"access-control-request-method", CorsHeader::RequestMethod)
    } else if len == 30 {
        (
            b"access-control-request-headers",
            CorsHeader::RequestHeaders,
        )
    } else if len == 38 {
        (
            b"access-control-request-private-network",
            CorsHeader::RequestPrivateNetwork,
        )
    } else {
        return None;
    };
    name.eq_ignore_ascii_case(candidate).then_some(header)
}

/// `origin` in any case, as two word compares: every byte of it is a
/// letter, and for a letter `x | 0x20` equals the lowercase letter only
/// when `x` is that letter in either case.
#[inline(always)]
fn is_origin(name: &[u8]) -> bool {
    let [a, b, c, d, e, f] = name else {
        return false;
    };
    let head = u32::from_le_bytes([*a, *b, *c, *d]) | 0x2020_2020;
    let tail = u16::from_le_bytes([*e, *f]) | 0x2020;
    head == u32::from_le_bytes(*b"orig") && tail == u16::from_le_bytes(*b"in")
}

/// What one pass over the header list found.
#[derive(Debug)]
pub(crate) struct Scan<'r> {
    pub(crate) origin: Option<&'r [u8]>,
    pub(crate) origin_lines: u32,
    pub(crate) request_method: Option<&'r [u8]>,
    pub(crate) request_method_lines: u32,
    pub(crate) request_headers_lines: u32,
    /// The first ACRH line's value.
    pub(crate) request_headers_first: Option<&'r [u8]>,
    pub(crate) request_headers_bytes: usize,
    pub(crate) private_network_true: bool,
    pub(crate) private_network_lines: u32,
}

pub(crate) fn scan<'r>(headers: impl Iterator<Item = (&'r [u8], &'r [u8])>) -> Scan<'r> {
    let mut found = Scan {
        origin: None,
        origin_lines: 0,
        request_method: None,
        request_method_lines: 0,
        request_headers_lines: 0,
        request_headers_first: None,
        request_headers_bytes: 0,
        private_network_true: false,
        private_network_lines: 0,
    };
    for (name, value) in headers {
        match classify(name) {
            None => {}
            Some(CorsHeader::Origin) => {
                found.origin_lines = found.origin_lines.saturating_add(1);
                found.origin.get_or_insert(value);
            }
            Some(CorsHeader::RequestMethod) => {
                found.request_method_lines = found.request_method_lines.saturating_add(1);
                found.request_method.get_or_insert(value);
            }
            Some(CorsHeader::RequestHeaders) => {
                found.request_headers_bytes =
                    found.request_headers_bytes.saturating_add(value.len());
                found.request_headers_lines = found.request_headers_lines.saturating_add(1);
                found.request_headers_first.get_or_insert(value);
            }
            Some(CorsHeader::RequestPrivateNetwork) => {
                found.private_network_lines = found.private_network_lines.saturating_add(1);
                found.private_network_true = found.private_network_lines == 1 && value == b"true";
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {

    #[test]
    fn request_header_names_are_exactly_what_classify_reads() {
        for name in REQUEST_HEADER_NAMES {
            assert!(classify(name.as_bytes()).is_some(), "{name}");
            assert!(
                classify(name.to_ascii_uppercase().as_bytes()).is_some(),
                "{name}"
            );
        }
        let read = [
            CorsHeader::Origin,
            CorsHeader::RequestMethod,
            CorsHeader::RequestHeaders,
            CorsHeader::RequestPrivateNetwork,
        ];
        assert_eq!(read.len(), REQUEST_HEADER_NAMES.len());
    }

    use super::*;

    #[test]
    fn classifies_any_case() {
        assert_eq!(classify(b"ORIGIN"), Some(CorsHeader::Origin));
        assert_eq!(
            classify(b"Access-Control-Request-Method"),
            Some(CorsHeader::RequestMethod)
        );
        assert_eq!(
            classify(b"access-control-request-headers"),
            Some(CorsHeader::RequestHeaders)
        );
        assert_eq!(
            classify(b"Access-Control-Request-Private-Network"),
            Some(CorsHeader::RequestPrivateNetwork)
        );
        assert_eq!(classify(b"origin2"), None);
        assert_eq!(classify(b"OrIgIn"), Some(CorsHeader::Origin));
        assert_eq!(classify(b"accept"), None);
        // Bytes that become letters under `| 0x20` only when they are letters.
        assert_eq!(classify(b"Origi\x0e"), None);
        assert_eq!(classify(b"\x0frigin"), None);
        assert_eq!(classify(b"orig\xc3\xadn"), None);
    }
}
