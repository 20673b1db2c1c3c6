//! Header-name lists of the Fetch standard used to lint a policy.

/// Forbidden request-header names: page scripts cannot set them, so they
/// never appear in `Access-Control-Request-Headers`.
const FORBIDDEN_REQUEST_HEADERS: &[&str] = &[
    "accept-charset",
    "accept-encoding",
    "access-control-request-headers",
    "access-control-request-method",
    "access-control-request-private-network",
    "connection",
    "content-length",
    "cookie",
    "cookie2",
    "date",
    "dnt",
    "expect",
    "host",
    "keep-alive",
    "origin",
    "referer",
    "set-cookie",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "via",
];

/// Whether a lowercase name is a forbidden request-header name.
pub(crate) fn is_forbidden_request_header(name: &str) -> bool {
    FORBIDDEN_REQUEST_HEADERS.contains(&name)
        || name.starts_with("proxy-")
        || name.starts_with("sec-")
}

/// Response headers scripts can never read, whatever `expose_headers` says.
pub(crate) fn is_forbidden_response_header(name: &str) -> bool {
    matches!(name, "set-cookie" | "set-cookie2")
}

/// CORS-safelisted response-header names: always readable.
pub(crate) fn is_safelisted_response_header(name: &str) -> bool {
    matches!(
        name,
        "cache-control"
            | "content-language"
            | "content-length"
            | "content-type"
            | "expires"
            | "last-modified"
            | "pragma"
    )
}
