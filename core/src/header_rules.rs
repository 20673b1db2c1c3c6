//! The policy's allowed request-header names and the check of one
//! requested name against them.

use std::cmp::Ordering;

use crate::name_set::NameSet;
use crate::reason::Reason;
use crate::token::is_token;

const AUTHORIZATION: &[u8] = b"authorization";

/// Allowed request headers of one policy scope.
#[derive(Clone, Debug, Default)]
pub(crate) struct HeaderRules {
    /// `*`: every name except `authorization`.
    any: bool,
    /// `authorization` is listed explicitly.
    authorization: bool,
    /// Lowercase names.
    names: NameSet,
}

/// Compares a stored lowercase name with a requested name of any case.
fn cmp_lower(stored: &[u8], requested: &[u8]) -> Ordering {
    stored
        .iter()
        .copied()
        .cmp(requested.iter().map(u8::to_ascii_lowercase))
}

impl HeaderRules {
    /// `names` must already be lowercase tokens.
    pub(crate) fn new(any: bool, names: Vec<Box<[u8]>>) -> HeaderRules {
        let names = NameSet::new(names);
        let authorization = names.contains(AUTHORIZATION);
        HeaderRules {
            any,
            authorization,
            names,
        }
    }

    /// Checks one requested name, exact bytes first (browsers send
    /// lowercase names): `Ok(true)` when it is listed byte for byte (so a
    /// lowercase token), `Ok(false)` when allowed otherwise.
    #[inline]
    pub(crate) fn check_exact_first(&self, requested: &[u8]) -> Result<bool, Reason> {
        if self.names.contains(requested) {
            return Ok(true);
        }
        if !is_token(requested) {
            return Err(Reason::RequestHeadersInvalid);
        }
        if !self.any && !requested.iter().any(u8::is_ascii_uppercase) {
            // Lowercase and not listed byte for byte: not listed in any case.
            return Err(Reason::HeaderNotAllowed);
        }
        self.check(requested).map(|()| false)
    }

    /// Checks one requested name (a token, any case).
    #[inline]
    pub(crate) fn check(&self, requested: &[u8]) -> Result<(), Reason> {
        if requested.eq_ignore_ascii_case(AUTHORIZATION) {
            return match (self.authorization, self.any) {
                (true, _) => Ok(()),
                (false, true) => Err(Reason::AuthorizationNotAllowed),
                (false, false) => Err(Reason::HeaderNotAllowed),
            };
        }
        if self.any || self.names.search_by(|stored| cmp_lower(stored, requested)) {
            Ok(())
        } else {
            Err(Reason::HeaderNotAllowed)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules(any: bool, names: &[&str]) -> HeaderRules {
        HeaderRules::new(any, names.iter().map(|n| n.as_bytes().into()).collect())
    }

    #[test]
    fn case_insensitive_lookup() {
        let r = rules(false, &["content-type", "x-request-id"]);
        assert_eq!(r.check(b"Content-Type"), Ok(()));
        assert_eq!(r.check(b"X-REQUEST-ID"), Ok(()));
        assert_eq!(r.check(b"x-other"), Err(Reason::HeaderNotAllowed));
        assert_eq!(r.check(b"content-typ"), Err(Reason::HeaderNotAllowed));
        assert_eq!(r.check(b"content-type2"), Err(Reason::HeaderNotAllowed));
    }

    #[test]
    fn wildcard_never_covers_authorization() {
        assert_eq!(
            rules(true, &[]).check(b"Authorization"),
            Err(Reason::AuthorizationNotAllowed)
        );
        assert_eq!(
            rules(true, &["authorization"]).check(b"authorization"),
            Ok(())
        );
        assert_eq!(
            rules(false, &[]).check(b"authorization"),
            Err(Reason::HeaderNotAllowed)
        );
        assert_eq!(rules(true, &[]).check(b"x-anything"), Ok(()));
    }
}
