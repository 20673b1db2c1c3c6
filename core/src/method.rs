//! Method rules of the Fetch standard and the policy's allowed methods.

use crate::name_set::NameSet;
use crate::reason::Reason;
use crate::token::is_token;

/// Methods a browser uppercases itself (Fetch "normalize a method").
pub(crate) const NORMALIZED_METHODS: [&str; 6] =
    ["DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT"];

/// Methods `fetch()` refuses to send.
pub(crate) const FORBIDDEN_METHODS: [&str; 3] = ["CONNECT", "TRACE", "TRACK"];

/// Whether `method` is a forbidden method, compared case-insensitively.
pub(crate) fn is_forbidden(method: &[u8]) -> bool {
    FORBIDDEN_METHODS
        .iter()
        .any(|f| method.eq_ignore_ascii_case(f.as_bytes()))
}

/// Whether `method` is CORS-safelisted: exactly `GET`, `HEAD` or `POST`.
#[inline]
pub(crate) fn is_safelisted(method: &[u8]) -> bool {
    matches!(method, b"GET" | b"HEAD" | b"POST")
}

/// The allowed methods of one policy scope.
#[derive(Clone, Debug, Default)]
pub(crate) struct MethodRules {
    any: bool,
    /// Byte-exact method names.
    names: NameSet,
}

impl MethodRules {
    pub(crate) fn new(any: bool, names: Vec<Box<[u8]>>) -> MethodRules {
        MethodRules {
            any,
            names: NameSet::new(names),
        }
    }

    /// Checks a preflight's requested method (one `Access-Control-Request-Method` value).
    #[inline]
    pub(crate) fn check(&self, requested: &[u8]) -> Result<(), Reason> {
        // Listed methods are validated, non-forbidden tokens: a byte-equal
        // hit needs no other check.
        if self.names.contains(requested) {
            return Ok(());
        }
        if !is_token(requested) {
            return Err(Reason::RequestMethodInvalid);
        }
        if is_forbidden(requested) {
            return Err(Reason::MethodForbidden);
        }
        // Not listed byte for byte (checked above).
        if is_safelisted(requested) || self.any {
            Ok(())
        } else {
            Err(Reason::MethodNotAllowed)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_exact_and_safelisted() {
        let rules = MethodRules::new(
            false,
            vec![b"PUT".as_slice().into(), b"PATCH".as_slice().into()],
        );
        assert_eq!(rules.check(b"PUT"), Ok(()));
        assert_eq!(rules.check(b"GET"), Ok(()));
        assert_eq!(rules.check(b"patch"), Err(Reason::MethodNotAllowed));
        assert_eq!(rules.check(b"get"), Err(Reason::MethodNotAllowed));
        assert_eq!(rules.check(b"TRACE"), Err(Reason::MethodForbidden));
        assert_eq!(rules.check(b"connect"), Err(Reason::MethodForbidden));
        assert_eq!(
            rules.check(b"PUT,DELETE"),
            Err(Reason::RequestMethodInvalid)
        );
        assert_eq!(rules.check(b""), Err(Reason::RequestMethodInvalid));
        assert_eq!(rules.check(b" PUT"), Err(Reason::RequestMethodInvalid));
    }

    #[test]
    fn wildcard_allows_any_token() {
        let rules = MethodRules::new(true, vec![]);
        assert_eq!(rules.check(b"purge"), Ok(()));
        assert_eq!(rules.check(b"TRACK"), Err(Reason::MethodForbidden));
    }
}
