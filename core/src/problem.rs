//! Problems found in a policy: stable codes, field paths, offending values.

use std::fmt;

/// How serious a problem is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// The policy works but something in it will surprise; it still builds.
    Warning,
    /// The policy is refused.
    Error,
}

impl Severity {
    /// `"warning"` or `"error"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

macro_rules! problem_codes {
    ($($(#[$doc:meta])* $variant:ident => $code:literal, $severity:ident;)*) => {
        /// What is wrong, as a stable code shared by every surface.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum ProblemCode {
            $($(#[$doc])* $variant,)*
        }

        impl ProblemCode {
            /// Every code, in declaration order.
            pub const ALL: &'static [ProblemCode] = &[$(ProblemCode::$variant,)*];

            /// The stable snake_case code.
            pub const fn as_str(self) -> &'static str {
                match self { $(ProblemCode::$variant => $code,)* }
            }

            /// [`as_str`](Self::as_str) as a static NUL-terminated string.
            pub const fn as_c_str(self) -> &'static std::ffi::CStr {
                match self { $(ProblemCode::$variant => { const C: &std::ffi::CStr = crate::reason::c_str(concat!($code, "\0")); C })* }
            }

            /// Whether this code is usually an error or a warning (a few
            /// codes change severity with the context, e.g. credentials).
            pub const fn default_severity(self) -> Severity {
                match self { $(ProblemCode::$variant => Severity::$severity,)* }
            }
        }
    };
}

problem_codes! {
    /// The document is not valid TOML / JSON.
    Syntax => "syntax", Error;
    /// The document could not be read.
    Io => "io", Error;
    /// A key the policy does not know.
    UnknownKey => "unknown_key", Error;
    /// A value of the wrong type.
    WrongType => "wrong_type", Error;
    /// An origin that is not `scheme://host[:port]`.
    OriginMalformed => "origin_malformed", Error;
    /// An origin that a browser would never send in this form; the message
    /// names the canonical form.
    OriginNotCanonical => "origin_not_canonical", Error;
    /// A `file:` origin (browsers send `null` for them).
    OriginFileScheme => "origin_file_scheme", Error;
    /// `null` in `allow_origins` (use `allow_null_origin`).
    OriginNull => "origin_null", Error;
    /// `*` together with `allow_credentials`.
    OriginWildcardWithCredentials => "origin_wildcard_with_credentials", Error;
    /// A plain-text origin (`http`, `ws`, `ftp`) with credentials, other than
    /// localhost or loopback.
    OriginInsecureWithCredentials => "origin_insecure_with_credentials", Error;
    /// `*.` on a public suffix (`https://*.com`, `https://*.github.io`).
    OriginPublicSuffixWildcard => "origin_public_suffix_wildcard", Error;
    /// The same origin listed twice, or `*` beside other origins.
    OriginRedundant => "origin_redundant", Warning;
    /// A regex that does not compile (or is too large).
    RegexInvalid => "regex_invalid", Error;
    /// A regex that matches arbitrary origins: an error with credentials
    /// (reflect-any-origin), a warning without (say `*` instead).
    RegexMatchesAnyOrigin => "regex_matches_any_origin", Error;
    /// A `.` that is not escaped (it matches any character).
    RegexUnescapedDot => "regex_unescaped_dot", Warning;
    /// A regex that does not start with a literal scheme.
    RegexMissingScheme => "regex_missing_scheme", Warning;
    /// `allow_null_origin`: any site can send `Origin: null`.
    NullOriginAllowed => "null_origin_allowed", Warning;
    /// A method that is not a token.
    MethodInvalid => "method_invalid", Error;
    /// CONNECT, TRACE or TRACK.
    MethodForbidden => "method_forbidden", Error;
    /// A custom method that is not all uppercase (it is kept as written
    /// and matched byte for byte).
    MethodNotUppercase => "method_not_uppercase", Warning;
    /// A header name that is not a token.
    HeaderInvalid => "header_invalid", Error;
    /// A forbidden request-header name: browsers never send it in ACRH.
    HeaderForbidden => "header_forbidden", Warning;
    /// `*` in `allow_headers` without `authorization`: `*` never covers it.
    HeaderWildcardExcludesAuthorization => "header_wildcard_excludes_authorization", Warning;
    /// `*` in `expose_headers` with credentials.
    ExposeWildcardWithCredentials => "expose_wildcard_with_credentials", Error;
    /// `Set-Cookie` / `Set-Cookie2` in `expose_headers`: never exposed.
    ExposeForbidden => "expose_forbidden", Error;
    /// A safelisted response header in `expose_headers`: always exposed.
    ExposeSafelisted => "expose_safelisted", Warning;
    /// `max_age` outside 0..=86400.
    MaxAgeOutOfRange => "max_age_out_of_range", Error;
    /// `max_age` above a browser's cap (600 s WebKit, 7200 s Chromium).
    MaxAgeAboveBrowserCap => "max_age_above_browser_cap", Warning;
    /// A status outside the allowed range.
    StatusOutOfRange => "status_out_of_range", Error;
    /// `allow_private_network` with `*` origins.
    PrivateNetworkWithAnyOrigin => "private_network_with_any_origin", Error;
    /// A route `path` that is not an absolute path prefix.
    RoutePathInvalid => "route_path_invalid", Error;
    /// Two routes with the same `path`.
    RoutePathDuplicate => "route_path_duplicate", Error;
    /// A route without `path`.
    RoutePathMissing => "route_path_missing", Error;
    /// `routes` inside a route.
    RouteNested => "route_nested", Error;
    /// The policy allows no origin at all.
    NoOrigins => "no_origins", Warning;
}

impl ProblemCode {
    /// Looks a code up by its stable string.
    pub fn from_code(code: &str) -> Option<ProblemCode> {
        ProblemCode::ALL
            .iter()
            .copied()
            .find(|c| c.as_str() == code)
    }
}

impl fmt::Display for ProblemCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One problem in a policy document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// Whether the policy is refused because of it.
    pub severity: Severity,
    /// What is wrong.
    pub code: ProblemCode,
    /// Where: a path such as `allow_origins[2]` or `routes[0].max_age`
    /// (empty for the whole document).
    pub field: String,
    /// The offending value as written (empty when there is none).
    pub value: String,
    /// A readable explanation, with the fix when there is one.
    pub message: String,
}

impl Problem {
    /// Whether the policy is refused because of this problem.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} [{}]", self.severity.as_str(), self.code)?;
        if !self.field.is_empty() {
            write!(f, " {}", self.field)?;
        }
        if !self.value.is_empty() {
            write!(f, " = {:?}", self.value)?;
        }
        write!(f, ": {}", self.message)
    }
}

/// A refused policy: every problem found, errors and warnings, in report order
/// (each key's own problems in document order, then the checks that span several keys).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigError {
    problems: Vec<Problem>,
}

impl ConfigError {
    /// Wraps problems found by a host (e.g. while assembling a document)
    /// so they are reported with the policy's own.
    pub fn new(problems: Vec<Problem>) -> ConfigError {
        ConfigError { problems }
    }

    /// Every problem, errors and warnings.
    pub fn problems(&self) -> &[Problem] {
        &self.problems
    }

    /// Only the errors (never empty).
    pub fn errors(&self) -> impl Iterator<Item = &Problem> {
        self.problems.iter().filter(|p| p.is_error())
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let errors = self.errors().count();
        write!(
            f,
            "invalid CORS policy: {errors} error{}",
            if errors == 1 { "" } else { "s" }
        )?;
        for problem in &self.problems {
            write!(f, "\n  {problem}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ConfigError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique() {
        let mut codes: Vec<_> = ProblemCode::ALL.iter().map(|c| c.as_str()).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), ProblemCode::ALL.len());
        for code in ProblemCode::ALL {
            assert_eq!(code.as_c_str().to_str(), Ok(code.as_str()));
        }
    }
}
