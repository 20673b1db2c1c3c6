//! The response headers the engine asks the host to set.

use std::borrow::Cow;
use std::fmt;

/// A CORS response header name. Each one is single-valued in what the
/// engine emits: hosts must *set* it (replacing any value the app set),
/// never add a second line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum HeaderName {
    /// `Access-Control-Allow-Origin`
    AllowOrigin,
    /// `Access-Control-Allow-Credentials`
    AllowCredentials,
    /// `Access-Control-Allow-Methods`
    AllowMethods,
    /// `Access-Control-Allow-Headers`
    AllowHeaders,
    /// `Access-Control-Max-Age`
    MaxAge,
    /// `Access-Control-Allow-Private-Network`
    AllowPrivateNetwork,
    /// `Access-Control-Expose-Headers`
    ExposeHeaders,
}

impl HeaderName {
    /// Every CORS response header name, in the order decisions list them.
    /// Hosts that cannot enumerate a response's headers remove these before
    /// applying a decision (never a second or stale line).
    pub const ALL: [HeaderName; 7] = [
        HeaderName::AllowOrigin,
        HeaderName::AllowCredentials,
        HeaderName::AllowMethods,
        HeaderName::AllowHeaders,
        HeaderName::MaxAge,
        HeaderName::AllowPrivateNetwork,
        HeaderName::ExposeHeaders,
    ];

    /// The name as conventionally capitalised for HTTP/1.1.
    pub const fn as_str(self) -> &'static str {
        match self {
            HeaderName::AllowOrigin => "Access-Control-Allow-Origin",
            HeaderName::AllowCredentials => "Access-Control-Allow-Credentials",
            HeaderName::AllowMethods => "Access-Control-Allow-Methods",
            HeaderName::AllowHeaders => "Access-Control-Allow-Headers",
            HeaderName::MaxAge => "Access-Control-Max-Age",
            HeaderName::AllowPrivateNetwork => "Access-Control-Allow-Private-Network",
            HeaderName::ExposeHeaders => "Access-Control-Expose-Headers",
        }
    }

    /// The name in lowercase, as HTTP/2 and HTTP/3 require.
    pub const fn as_lowercase_str(self) -> &'static str {
        match self {
            HeaderName::AllowOrigin => "access-control-allow-origin",
            HeaderName::AllowCredentials => "access-control-allow-credentials",
            HeaderName::AllowMethods => "access-control-allow-methods",
            HeaderName::AllowHeaders => "access-control-allow-headers",
            HeaderName::MaxAge => "access-control-max-age",
            HeaderName::AllowPrivateNetwork => "access-control-allow-private-network",
            HeaderName::ExposeHeaders => "access-control-expose-headers",
        }
    }
}

/// Whether a response header an app (or an upstream) set is a CORS
/// response header (`Access-Control-*`, any case): hosts that can list a
/// response's headers drop these before applying a decision, so the
/// decision's are the only ones — never a second or forged
/// `Access-Control-Allow-Origin`.
pub fn is_cors_response_header(name: &[u8]) -> bool {
    let prefix = CORS_RESPONSE_HEADER_PREFIX.as_bytes();
    name.len() >= prefix.len() && name[..prefix.len()].eq_ignore_ascii_case(prefix)
}

/// What every CORS response header name starts with (any case): a host
/// can skip names shorter than this without reading them.
pub const CORS_RESPONSE_HEADER_PREFIX: &str = "access-control-";

impl fmt::Display for HeaderName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One header to set on the response.
///
/// The value borrows from the policy or from the request (an echoed
/// `Origin`, method or header list, always validated first). It is owned
/// only when a preflight's `Access-Control-Request-Headers` must be echoed
/// and did not arrive in the canonical browser form (one lowercase,
/// comma-joined line), so that the echo can be normalised.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResponseHeader<'a> {
    /// The header name.
    pub name: HeaderName,
    /// The exact value bytes: visible ASCII, no CR, LF or NUL.
    pub value: Cow<'a, [u8]>,
}

impl ResponseHeader<'_> {
    /// The value as text. Every value the engine emits is ASCII, so this
    /// never fails in practice; it returns `None` rather than panic.
    pub fn value_str(&self) -> Option<&str> {
        std::str::from_utf8(&self.value).ok()
    }
}

#[cfg(test)]
mod cors_response_header_tests {
    use super::*;

    #[test]
    fn every_emitted_name_and_any_case_of_the_prefix() {
        for name in HeaderName::ALL {
            assert!(is_cors_response_header(name.as_str().as_bytes()));
            assert!(is_cors_response_header(name.as_lowercase_str().as_bytes()));
        }
        assert!(is_cors_response_header(b"ACCESS-CONTROL-X"));
        assert!(!is_cors_response_header(b"Access-Control"));
        assert!(!is_cors_response_header(b"Vary"));
        assert!(!is_cors_response_header(b""));
    }
}
