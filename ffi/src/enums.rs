//! Small enums of the C ABI. Inputs arrive as `uint32_t` and are checked;
//! outputs are these enums.

use std::ffi::c_char;

use unicors::{Kind, Severity};

/// The kind of a decision (same names on every surface).
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum unicors_kind {
    /// No `Origin`: not a CORS request.
    NotCors = 0,
    /// An allowed preflight.
    Preflight = 1,
    /// An allowed actual CORS request.
    Actual = 2,
    /// A refused CORS request; see the reason.
    Rejected = 3,
}

impl From<Kind> for unicors_kind {
    fn from(kind: Kind) -> Self {
        match kind {
            Kind::NotCors => unicors_kind::NotCors,
            Kind::Preflight => unicors_kind::Preflight,
            Kind::Actual => unicors_kind::Actual,
            Kind::Rejected => unicors_kind::Rejected,
        }
    }
}

impl From<unicors_kind> for Kind {
    fn from(kind: unicors_kind) -> Self {
        match kind {
            unicors_kind::NotCors => Kind::NotCors,
            unicors_kind::Preflight => Kind::Preflight,
            unicors_kind::Actual => Kind::Actual,
            unicors_kind::Rejected => Kind::Rejected,
        }
    }
}

/// The format of a policy document.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum unicors_format {
    /// TOML.
    Toml = 0,
    /// JSON (same keys and meaning).
    Json = 1,
}

impl unicors_format {
    pub(crate) fn from_u32(value: u32) -> Option<unicors::Format> {
        [
            (unicors_format::Toml, unicors::Format::Toml),
            (unicors_format::Json, unicors::Format::Json),
        ]
        .into_iter()
        .find(|(c, _)| *c as u32 == value)
        .map(|(_, format)| format)
    }
}

/// The host's own verdict on the request's origin (a callback, a
/// database…). With `ALLOW` or `DENY` it replaces the policy's origin
/// lists; malformed, repeated and (unless allowed) `null` origins are
/// still refused, and the response always varies on `Origin`.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum unicors_origin_verdict {
    /// No verdict: the policy decides.
    None = 0,
    /// The host allows the origin.
    Allow = 1,
    /// The host refuses the origin.
    Deny = 2,
}

impl unicors_origin_verdict {
    pub(crate) fn from_u32(value: u32) -> Option<Option<bool>> {
        const NONE: u32 = unicors_origin_verdict::None as u32;
        const ALLOW: u32 = unicors_origin_verdict::Allow as u32;
        const DENY: u32 = unicors_origin_verdict::Deny as u32;
        match value {
            NONE => Some(None),
            ALLOW => Some(Some(true)),
            DENY => Some(Some(false)),
            _ => None,
        }
    }
}

/// How serious a policy problem is.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum unicors_severity {
    /// Works, but will surprise.
    Warning = 0,
    /// The policy is refused.
    Error = 1,
}

impl From<Severity> for unicors_severity {
    fn from(severity: Severity) -> Self {
        match severity {
            Severity::Warning => unicors_severity::Warning,
            Severity::Error => unicors_severity::Error,
        }
    }
}

/// The stable name of a kind (`"not_cors"`, `"preflight"`, `"actual"`,
/// `"rejected"`), static and NUL-terminated; `"unknown"` for other values.
#[unsafe(no_mangle)]
pub extern "C" fn unicors_kind_str(kind: u32) -> *const c_char {
    crate::boundary::guard(c"unknown".as_ptr(), || {
        match kind {
            0 => c"not_cors",
            1 => c"preflight",
            2 => c"actual",
            3 => c"rejected",
            _ => c"unknown",
        }
        .as_ptr()
    })
}
