//! One compiled policy scope (the top level or one route), with every
//! response value precomputed at build time.

use crate::header_rules::HeaderRules;
use crate::method::MethodRules;
use crate::origin_matcher::OriginMatcher;
use crate::vary::{Vary, VaryName};

/// The compiled rules of one scope.
#[derive(Clone, Debug)]
pub(crate) struct Rules {
    pub(crate) origins: OriginMatcher,
    pub(crate) allow_null: bool,
    pub(crate) credentials: bool,
    pub(crate) methods: MethodRules,
    pub(crate) headers: HeaderRules,
    /// The `Access-Control-Expose-Headers` value, when any.
    pub(crate) expose: Option<Box<[u8]>>,
    /// The `Access-Control-Max-Age` value, when set.
    pub(crate) max_age: Option<Box<[u8]>>,
    pub(crate) private_network: bool,
    pub(crate) preflight_status: u16,
    pub(crate) rejected_preflight_status: u16,
    pub(crate) preflight_continue: bool,
}

impl Rules {
    /// `*` without credentials: the answer is the same for every
    /// well-formed origin, so allowed responses carry `ACAO: *` and need
    /// no `Vary: Origin` (validation refuses `*` with credentials).
    #[inline]
    pub(crate) fn is_public(&self) -> bool {
        self.origins.allows_any() && !self.credentials
    }

    /// What every preflight response varies on besides `Origin`.
    #[inline]
    pub(crate) fn preflight_vary(&self) -> Vary {
        let vary = Vary::EMPTY
            .with(VaryName::RequestMethod)
            .with(VaryName::RequestHeaders);
        if self.private_network {
            vary.with(VaryName::RequestPrivateNetwork)
        } else {
            vary
        }
    }

    /// The status a preflight is answered with now, or `None` when the
    /// app answers (`preflight_continue`).
    #[inline]
    pub(crate) fn preflight_answer(&self, allowed: bool) -> Option<u16> {
        match (self.preflight_continue, allowed) {
            (true, _) => None,
            (false, true) => Some(self.preflight_status),
            (false, false) => Some(self.rejected_preflight_status),
        }
    }
}
