//! Why a CORS request was rejected: stable codes and readable messages.

use std::fmt;

/// A static string literal ending in NUL, as a `CStr` (checked at compile time).
pub(crate) const fn c_str(with_nul: &'static str) -> &'static std::ffi::CStr {
    match std::ffi::CStr::from_bytes_with_nul(with_nul.as_bytes()) {
        Ok(c) => c,
        Err(_) => panic!("not a NUL-terminated string without inner NUL"),
    }
}

macro_rules! reasons {
    ($($(#[$doc:meta])* $variant:ident => $code:literal, $message:literal;)*) => {
        /// Why the engine rejected a CORS request. The codes are stable and
        /// the same on every surface; the messages are for people.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum Reason {
            $($(#[$doc])* $variant,)*
        }

        impl Reason {
            /// Every reason, in declaration order.
            pub const ALL: &'static [Reason] = &[$(Reason::$variant,)*];

            /// The stable snake_case code of this reason.
            pub const fn code(self) -> &'static str {
                match self { $(Reason::$variant => $code,)* }
            }

            /// [`code`](Self::code) as a static NUL-terminated string.
            pub const fn code_c_str(self) -> &'static std::ffi::CStr {
                match self { $(Reason::$variant => { const C: &std::ffi::CStr = crate::reason::c_str(concat!($code, "\0")); C })* }
            }

            /// [`message`](Self::message) as a static NUL-terminated string.
            pub const fn message_c_str(self) -> &'static std::ffi::CStr {
                match self { $(Reason::$variant => { const C: &std::ffi::CStr = crate::reason::c_str(concat!($message, "\0")); C })* }
            }

            /// The name of this reason's counter (`rejected.<code>`).
            pub const fn counter_name(self) -> &'static str {
                match self { $(Reason::$variant => concat!("rejected.", $code),)* }
            }

            /// The name of this reason's report-only counter
            /// (`shadow.rejected.<code>`).
            pub const fn shadow_counter_name(self) -> &'static str {
                match self { $(Reason::$variant => concat!("shadow.rejected.", $code),)* }
            }

            /// A one-line explanation for logs and people.
            pub const fn message(self) -> &'static str {
                match self { $(Reason::$variant => $message,)* }
            }
        }
    };
}

reasons! {
    /// The `Origin` is well formed but the policy does not allow it.
    OriginNotAllowed => "origin_not_allowed",
        "the Origin is not allowed by the policy";
    /// The host's own origin check (callback, database…) refused the origin.
    OriginRejectedByHost => "origin_rejected_by_host",
        "the host's origin check refused the Origin";
    /// `Origin: null` (sandboxed iframes, `file:` pages, redirects) without
    /// `allow_null_origin`.
    NullOriginNotAllowed => "null_origin_not_allowed",
        "the Origin is `null` and the policy does not set allow_null_origin";
    /// The request carries more than one `Origin` line.
    MultipleOrigins => "origin_multiple",
        "the request carries more than one Origin header line";
    /// The `Origin` value is not a single serialized origin (comma, space,
    /// control byte, or not `scheme://host[:port]` where that is required).
    OriginMalformed => "origin_malformed",
        "the Origin is not a single serialized origin";
    /// The `Origin` value is longer than the 2 KiB cap.
    OriginTooLarge => "origin_too_large",
        "the Origin is longer than 2048 bytes";
    /// The preflight's `Access-Control-Request-Method` is missing a single
    /// method token (empty, several lines, a list, spaces).
    RequestMethodInvalid => "request_method_invalid",
        "Access-Control-Request-Method is not a single method token";
    /// The requested method is CONNECT, TRACE or TRACK.
    MethodForbidden => "method_forbidden",
        "the requested method is a forbidden method (CONNECT, TRACE, TRACK)";
    /// The requested method is not in `allow_methods` (compared byte for byte).
    MethodNotAllowed => "method_not_allowed",
        "the requested method is not allowed by the policy (methods are case-sensitive)";
    /// `Access-Control-Request-Headers` is larger than the 8 KiB cap.
    RequestHeadersTooLarge => "acrh_too_large",
        "Access-Control-Request-Headers is larger than 8192 bytes";
    /// An element of `Access-Control-Request-Headers` is not a header name.
    RequestHeadersInvalid => "request_headers_invalid",
        "Access-Control-Request-Headers contains an element that is not a header name";
    /// A requested header name is not in `allow_headers`.
    HeaderNotAllowed => "header_not_allowed",
        "a requested header is not allowed by the policy";
    /// `Authorization` was requested and `allow_headers` has `*` but does not
    /// list `authorization` (the Fetch standard never lets `*` cover it).
    AuthorizationNotAllowed => "authorization_not_allowed",
        "Authorization was requested; `*` never covers it, list `authorization` explicitly";
}

impl Reason {
    /// Looks a reason up by its stable code.
    pub fn from_code(code: &str) -> Option<Reason> {
        Reason::ALL
            .iter()
            .copied()
            .find(|reason| reason.code() == code)
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_round_trip() {
        let mut codes: Vec<_> = Reason::ALL.iter().map(|r| r.code()).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), Reason::ALL.len());
        for reason in Reason::ALL {
            assert_eq!(Reason::from_code(reason.code()), Some(*reason));
            assert_eq!(reason.code_c_str().to_str(), Ok(reason.code()));
            assert_eq!(reason.message_c_str().to_str(), Ok(reason.message()));
        }
    }
}
