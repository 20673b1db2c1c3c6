//! What kind of request the engine saw, and what it decided.

use std::fmt;

/// The classification of a request, with the same strings on every surface.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    /// No `Origin` header: not a CORS request. The app answers; the
    /// decision may still carry headers (`*` policies) and Vary.
    NotCors,
    /// An allowed CORS preflight (`OPTIONS` + `Origin` +
    /// `Access-Control-Request-Method`).
    Preflight,
    /// An allowed actual CORS request: the app answers, with CORS headers.
    Actual,
    /// A CORS request (preflight or actual) that the policy refuses. A
    /// rejected preflight is answered without CORS headers; a rejected
    /// actual request still reaches the app, without CORS headers.
    Rejected,
}

impl Kind {
    /// The stable name of this kind: `not_cors`, `preflight`, `actual` or `rejected`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Kind::NotCors => "not_cors",
            Kind::Preflight => "preflight",
            Kind::Actual => "actual",
            Kind::Rejected => "rejected",
        }
    }

    /// Parses a stable kind name.
    pub fn from_name(name: &str) -> Option<Kind> {
        [Kind::NotCors, Kind::Preflight, Kind::Actual, Kind::Rejected]
            .into_iter()
            .find(|kind| kind.as_str() == name)
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
