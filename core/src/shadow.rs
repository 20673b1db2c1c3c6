//! Report-only (shadow) evaluation: a candidate policy decides every
//! request beside the enforced one, so a change can be judged on live
//! traffic before it is applied.

use crate::decision::Decision;
use crate::difference::Difference;
use crate::policy::Policy;
use crate::request::Request;

/// One request decided by the enforced policy and, report-only, by a
/// candidate policy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Shadowed<'a> {
    /// The decision to apply.
    pub enforced: Decision<'a>,
    /// What the candidate would have decided: reported, never applied.
    pub shadow: Decision<'a>,
    /// What differs between the two ([`Difference::NONE`] when they agree).
    pub difference: Difference,
}

impl<'a> Shadowed<'a> {
    fn new(enforced: Decision<'a>, shadow: Decision<'a>) -> Self {
        let difference = Difference::between(&enforced, &shadow);
        Shadowed {
            enforced,
            shadow,
            difference,
        }
    }

    /// Whether the two decisions differ.
    pub fn differs(&self) -> bool {
        !self.difference.is_empty()
    }
}

impl Policy {
    /// Decides `request` with this policy and with `shadow`, and compares
    /// the two. Costs two evaluations and a comparison; allocates only
    /// where [`evaluate`](Self::evaluate) would (a non-canonical header
    /// list echoed), so nothing when the requests are ordinary.
    pub fn evaluate_shadowed<'a, H>(
        &'a self,
        shadow: &'a Policy,
        request: Request<'a, H>,
    ) -> Shadowed<'a>
    where
        H: Iterator<Item = (&'a [u8], &'a [u8])> + Clone,
    {
        let enforced = self.evaluate(request.clone());
        Shadowed::new(enforced, shadow.evaluate(request))
    }

    /// [`evaluate_shadowed`](Self::evaluate_shadowed) without any heap
    /// allocation once the two scratch buffers have grown (see
    /// [`evaluate_with_scratch`](Self::evaluate_with_scratch)).
    pub fn evaluate_shadowed_with_scratch<'a, H>(
        &'a self,
        shadow: &'a Policy,
        request: Request<'a, H>,
        scratch: &'a mut Vec<u8>,
        shadow_scratch: &'a mut Vec<u8>,
    ) -> Shadowed<'a>
    where
        H: Iterator<Item = (&'a [u8], &'a [u8])> + Clone,
    {
        let enforced = self.evaluate_with_scratch(request.clone(), scratch);
        Shadowed::new(
            enforced,
            shadow.evaluate_with_scratch(request, shadow_scratch),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{HeaderName, Kind, Reason};

    fn policy(origins: &str) -> Policy {
        Policy::from_toml(&format!(
            "allow_origins = [{origins}]\nallow_methods = [\"PUT\"]\nmax_age = 600"
        ))
        .unwrap()
    }

    #[test]
    fn the_same_policy_never_differs() {
        let p = policy(r#""https://a.example""#);
        let headers: &[(&[u8], &[u8])] = &[
            (b"Origin", b"https://a.example"),
            (b"Access-Control-Request-Method", b"PUT"),
        ];
        let shadowed = p.evaluate_shadowed(&p, Request::new(b"OPTIONS", headers));
        assert!(!shadowed.differs());
        assert_eq!(shadowed.enforced, shadowed.shadow);
        assert_eq!(shadowed.enforced.kind(), Kind::Preflight);
    }

    #[test]
    fn a_narrower_candidate_shows_what_it_would_refuse() {
        let enforced = policy(r#""https://a.example", "https://b.example""#);
        let candidate = policy(r#""https://a.example""#);
        let headers: &[(&[u8], &[u8])] = &[(b"Origin", b"https://b.example")];
        let shadowed = enforced.evaluate_shadowed(&candidate, Request::new(b"GET", headers));
        assert_eq!(shadowed.enforced.kind(), Kind::Actual);
        assert_eq!(shadowed.shadow.kind(), Kind::Rejected);
        assert_eq!(shadowed.shadow.reason(), Some(Reason::OriginNotAllowed));
        assert_eq!(
            shadowed.difference,
            Difference::KIND | Difference::REASON | Difference::HEADERS
        );
        assert_eq!(shadowed.difference.to_string(), "kind, reason, headers");
    }

    #[test]
    fn a_header_value_alone_is_a_difference() {
        let enforced = policy(r#""https://a.example""#);
        let candidate = Policy::from_toml(
            "allow_origins = [\"https://a.example\"]\nallow_methods = [\"PUT\"]\nmax_age = 60",
        )
        .unwrap();
        let headers: &[(&[u8], &[u8])] = &[
            (b"Origin", b"https://a.example"),
            (b"Access-Control-Request-Method", b"PUT"),
        ];
        let shadowed = enforced.evaluate_shadowed(&candidate, Request::new(b"OPTIONS", headers));
        assert_eq!(shadowed.difference, Difference::HEADERS);
        assert_eq!(shadowed.shadow.header(HeaderName::MaxAge), Some(&b"60"[..]));
    }
}
