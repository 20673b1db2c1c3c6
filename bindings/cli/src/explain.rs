//! One readable line per decision, naming what in the request decided it.

use unicors::{Decision, Kind, Reason};

/// Text safe for a terminal: printable ASCII kept, everything else `\xNN`.
pub(crate) fn printable(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    for &b in bytes {
        if (0x20..0x7f).contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("\\x{b:02x}"));
        }
    }
    out
}

/// The values of the request's header lines named `name` (any case).
fn values<'a>(headers: &'a [(String, String)], name: &str) -> Vec<&'a str> {
    headers
        .iter()
        .filter(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
        .collect()
}

fn first(headers: &[(String, String)], name: &str) -> String {
    values(headers, name)
        .first()
        .map(|v| printable(v.as_bytes()))
        .unwrap_or_default()
}

/// One line: the outcome, and for a rejection what caused it and the fix.
pub(crate) fn explain(
    decision: &Decision<'_>,
    method: &str,
    headers: &[(String, String)],
) -> String {
    let origin = first(headers, "origin");
    match (decision.kind(), decision.reason()) {
        (Kind::NotCors, _) => {
            "not a CORS request (no Origin header): the app answers as usual".to_owned()
        }
        (Kind::Preflight, _) => format!(
            "preflight allowed: the browser may now send the {} request from {origin}",
            printable(first(headers, "access-control-request-method").as_bytes())
        ),
        (Kind::Actual, _) => {
            format!("allowed: the page at {origin} may read the response to this {method} request")
        }
        (Kind::Rejected, Some(reason)) => {
            let preflight = decision.status().is_some()
                || !values(headers, "access-control-request-method").is_empty();
            let consequence = if preflight {
                "the browser will not send the actual request"
            } else {
                "the app still runs, but the browser hides the response from the page"
            };
            format!(
                "rejected ({}): {}; {consequence}",
                reason.code(),
                cause(reason, &origin, headers)
            )
        }
        (Kind::Rejected, None) => "rejected".to_owned(),
    }
}

fn cause(reason: Reason, origin: &str, headers: &[(String, String)]) -> String {
    let requested_method = first(headers, "access-control-request-method");
    let requested_headers = values(headers, "access-control-request-headers").join(",");
    match reason {
        Reason::OriginNotAllowed => format!(
            "the origin {origin} is not allowed by the policy (origins match byte for byte: scheme, host and port as the browser sends them)"
        ),
        Reason::OriginRejectedByHost => format!("the host's own origin check refused {origin}"),
        Reason::NullOriginNotAllowed => {
            "the Origin is `null` (a sandboxed iframe, a file: page, a redirect) and allow_null_origin is off".to_owned()
        }
        Reason::MultipleOrigins => {
            format!("the request has {} Origin lines; browsers send exactly one", values(headers, "origin").len())
        }
        Reason::OriginMalformed => {
            format!("the Origin {origin:?} is not one serialized origin (scheme://host[:port], no path, space, comma or control byte)")
        }
        Reason::OriginTooLarge => format!("the Origin is {} bytes, above the 2048-byte limit", origin.len()),
        Reason::RequestMethodInvalid => format!(
            "Access-Control-Request-Method must be one method token on one line, got {requested_method:?}"
        ),
        Reason::MethodForbidden => {
            format!("{requested_method} is a forbidden method (CONNECT, TRACE, TRACK): browsers never send it")
        }
        Reason::MethodNotAllowed => format!(
            "the method {requested_method} is not in allow_methods (methods are case-sensitive: `patch` is not `PATCH`)"
        ),
        Reason::RequestHeadersTooLarge => format!(
            "Access-Control-Request-Headers is {} bytes, above the 8192-byte limit",
            requested_headers.len()
        ),
        Reason::RequestHeadersInvalid => format!(
            "Access-Control-Request-Headers {:?} has an element that is not a header name",
            printable(requested_headers.as_bytes())
        ),
        Reason::HeaderNotAllowed => format!(
            "a requested header in {:?} is not in allow_headers",
            printable(requested_headers.as_bytes())
        ),
        Reason::AuthorizationNotAllowed => {
            "Authorization was requested and `*` in allow_headers never covers it: list `authorization`".to_owned()
        }
        other => other.message().to_owned(),
    }
}
