//! The engine's answer for one request.

use std::borrow::Cow;

use crate::kind::Kind;
use crate::reason::Reason;
use crate::response_header::{HeaderName, ResponseHeader};
use crate::vary::Vary;

const EMPTY: Cow<'static, [u8]> = Cow::Borrowed(&[]);
const TRUE: &[u8] = b"true";

/// Header names in the order a decision lists them (the enum's order).
const ORDER: [HeaderName; 7] = [
    HeaderName::AllowOrigin,
    HeaderName::AllowCredentials,
    HeaderName::AllowMethods,
    HeaderName::AllowHeaders,
    HeaderName::MaxAge,
    HeaderName::AllowPrivateNetwork,
    HeaderName::ExposeHeaders,
];

/// The CORS decision for one request: its kind, why it was rejected,
/// whether the host answers now (and with which status) or lets the app
/// answer, the headers to set and the names to append to `Vary`.
///
/// Hosts apply it the same way everywhere:
/// 1. set every header of [`headers`](Self::headers), replacing any value
///    of the same name the app set (never a second line);
/// 2. append [`vary`](Self::vary) to the response's `Vary`;
/// 3. if [`status`](Self::status) is `Some`, answer now with that status and
///    an empty body, without calling the app; otherwise call the app.
///
/// The decision borrows from the policy and from the request's header
/// bytes; [`into_owned`](Self::into_owned) detaches it. What it lends is
/// read-only, so no host code can alter the policy's precomputed values
/// for later requests:
///
/// ```compile_fail
/// # let policy = unicors::Policy::from_toml("allow_origins = [\"https://a.example\"]").unwrap();
/// let headers: &[(&[u8], &[u8])] = &[(b"Origin", b"https://a.example")];
/// let decision = policy.evaluate(unicors::Request::new(b"GET", headers));
/// decision.headers()[0].value.to_mut().clear(); // error: behind a shared reference
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decision<'a> {
    kind: Kind,
    reason: Option<Reason>,
    status: Option<u16>,
    vary: Vary,
    /// Bit `name as u8` set when the header is present.
    present: u8,
    allow_origin: Cow<'a, [u8]>,
    allow_methods: Cow<'a, [u8]>,
    allow_headers: Cow<'a, [u8]>,
    /// `Access-Control-Max-Age` (preflights) or
    /// `Access-Control-Expose-Headers` (actual requests): never both.
    extra: Cow<'a, [u8]>,
}

impl<'a> Decision<'a> {
    pub(crate) fn new(kind: Kind, vary: Vary) -> Self {
        Decision {
            kind,
            reason: None,
            status: None,
            vary,
            present: 0,
            allow_origin: EMPTY,
            allow_methods: EMPTY,
            allow_headers: EMPTY,
            extra: EMPTY,
        }
    }

    /// Turns a fresh decision into a rejection, in place.
    pub(crate) fn set_rejected(&mut self, reason: Reason, vary: Vary, status: Option<u16>) {
        self.kind = Kind::Rejected;
        self.reason = Some(reason);
        self.vary = vary;
        self.status = status;
    }

    /// Sets the kind and Vary of a fresh decision, in place.
    pub(crate) fn set_kind(&mut self, kind: Kind, vary: Vary) {
        self.kind = kind;
        self.vary = vary;
    }

    pub(crate) fn set_status(&mut self, status: Option<u16>) {
        self.status = status;
    }

    #[inline]
    pub(crate) fn push(&mut self, name: HeaderName, value: Cow<'a, [u8]>) {
        self.present |= 1 << name as u8;
        match name {
            HeaderName::AllowOrigin => self.allow_origin = value,
            HeaderName::AllowMethods => self.allow_methods = value,
            HeaderName::AllowHeaders => self.allow_headers = value,
            HeaderName::MaxAge | HeaderName::ExposeHeaders => self.extra = value,
            HeaderName::AllowCredentials | HeaderName::AllowPrivateNetwork => {}
        }
    }

    fn value(&self, name: HeaderName) -> &[u8] {
        match name {
            HeaderName::AllowOrigin => &self.allow_origin,
            HeaderName::AllowMethods => &self.allow_methods,
            HeaderName::AllowHeaders => &self.allow_headers,
            HeaderName::MaxAge | HeaderName::ExposeHeaders => &self.extra,
            HeaderName::AllowCredentials | HeaderName::AllowPrivateNetwork => TRUE,
        }
    }

    /// The kind of request and outcome.
    pub fn kind(&self) -> Kind {
        self.kind
    }

    /// Why the request was rejected; `None` unless the kind is
    /// [`Kind::Rejected`].
    pub fn reason(&self) -> Option<Reason> {
        self.reason
    }

    /// The status to answer with now, without calling the app: `Some` for
    /// preflights (allowed or rejected) unless the policy sets
    /// `preflight_continue`; `None` when the app answers.
    pub fn status(&self) -> Option<u16> {
        self.status
    }

    /// Whether the host answers now (see [`status`](Self::status)).
    pub fn respond_now(&self) -> bool {
        self.status.is_some()
    }

    /// The headers to set, replacing any of the same name.
    pub fn headers(&self) -> impl ExactSizeIterator<Item = ResponseHeader<'_>> + '_ {
        HeaderIter {
            decision: self,
            remaining: self.present,
        }
    }

    /// The value of one header of this decision, if it sets it.
    pub fn header(&self, name: HeaderName) -> Option<&[u8]> {
        (self.present & (1 << name as u8) != 0).then(|| self.value(name))
    }

    /// The CORS response headers this decision does not set but a host must
    /// remove from the app's response when applying it, because a browser
    /// would read them: with no `Access-Control-Allow-Origin`,
    /// that header and `Access-Control-Allow-Credentials` (the rest are
    /// inert without it); with one, the others a browser reads on this kind
    /// of response (a preflight's credentials, methods, headers, max age and
    /// private network; an actual response's credentials and exposed
    /// headers). A host that rebuilds the header list may instead drop every
    /// CORS header ([`is_cors_response_header`](crate::is_cors_response_header));
    /// a host that can only look names up (Node) checks just these.
    pub fn headers_to_clear(&self) -> impl Iterator<Item = HeaderName> + '_ {
        use HeaderName::*;
        let read: &'static [HeaderName] = if self.header(AllowOrigin).is_none() {
            &[AllowOrigin, AllowCredentials]
        } else if self.kind == Kind::Preflight {
            &[
                AllowCredentials,
                AllowMethods,
                AllowHeaders,
                MaxAge,
                AllowPrivateNetwork,
            ]
        } else {
            &[AllowCredentials, ExposeHeaders]
        };
        read.iter()
            .copied()
            .filter(|&name| self.header(name).is_none())
    }

    /// The names to append to the response's `Vary`.
    pub fn vary(&self) -> Vary {
        self.vary
    }

    /// A copy that borrows nothing.
    pub fn into_owned(self) -> Decision<'static> {
        let own = |c: Cow<'a, [u8]>| -> Cow<'static, [u8]> { Cow::Owned(c.into_owned()) };
        Decision {
            kind: self.kind,
            reason: self.reason,
            status: self.status,
            vary: self.vary,
            present: self.present,
            allow_origin: own(self.allow_origin),
            allow_methods: own(self.allow_methods),
            allow_headers: own(self.allow_headers),
            extra: own(self.extra),
        }
    }
}

struct HeaderIter<'d, 'a> {
    decision: &'d Decision<'a>,
    /// The present headers not yielded yet, one bit per `HeaderName`.
    remaining: u8,
}

impl<'d> Iterator for HeaderIter<'d, '_> {
    type Item = ResponseHeader<'d>;

    #[inline]
    fn next(&mut self) -> Option<ResponseHeader<'d>> {
        // Lowest set bit first: the enum's (and ORDER's) order.
        let name = *ORDER.get(self.remaining.trailing_zeros() as usize)?;
        self.remaining &= self.remaining - 1;
        Some(ResponseHeader {
            name,
            value: Cow::Borrowed(self.decision.value(name)),
        })
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = self.remaining.count_ones() as usize;
        (left, Some(left))
    }
}

impl ExactSizeIterator for HeaderIter<'_, '_> {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_follows_the_bit_of_each_name() {
        for (bit, name) in ORDER.iter().enumerate() {
            assert_eq!(*name as usize, bit);
        }
    }

    #[test]
    fn headers_come_out_in_order_and_counted() {
        let mut decision = Decision::new(Kind::Preflight, Vary::EMPTY);
        decision.push(HeaderName::MaxAge, Cow::Borrowed(b"600"));
        decision.push(HeaderName::AllowOrigin, Cow::Borrowed(b"*"));
        decision.push(HeaderName::AllowPrivateNetwork, Cow::Borrowed(b"true"));
        let headers = decision.headers();
        assert_eq!(headers.len(), 3);
        let names: Vec<_> = headers.map(|h| h.name).collect();
        assert_eq!(
            names,
            [
                HeaderName::AllowOrigin,
                HeaderName::MaxAge,
                HeaderName::AllowPrivateNetwork
            ]
        );
        assert_eq!(decision.header(HeaderName::MaxAge), Some(&b"600"[..]));
        assert_eq!(decision.header(HeaderName::ExposeHeaders), None);
    }

    fn cleared(decision: &Decision<'_>) -> Vec<HeaderName> {
        decision.headers_to_clear().collect()
    }

    #[test]
    fn headers_to_clear_are_what_a_browser_would_read_and_the_decision_does_not_set() {
        use HeaderName::*;
        // No ACAO: a forged one (and its credentials flag) must go.
        let rejected = Decision::new(Kind::Rejected, Vary::EMPTY);
        assert_eq!(cleared(&rejected), [AllowOrigin, AllowCredentials]);
        let not_cors = Decision::new(Kind::NotCors, Vary::EMPTY);
        assert_eq!(cleared(&not_cors), [AllowOrigin, AllowCredentials]);

        let mut actual = Decision::new(Kind::Actual, Vary::EMPTY);
        actual.push(AllowOrigin, Cow::Borrowed(b"https://a.example"));
        assert_eq!(cleared(&actual), [AllowCredentials, ExposeHeaders]);
        actual.push(AllowCredentials, Cow::Borrowed(b"true"));
        actual.push(ExposeHeaders, Cow::Borrowed(b"x-id"));
        assert_eq!(cleared(&actual), []);

        let mut preflight = Decision::new(Kind::Preflight, Vary::EMPTY);
        preflight.push(AllowOrigin, Cow::Borrowed(b"https://a.example"));
        preflight.push(AllowMethods, Cow::Borrowed(b"PUT"));
        assert_eq!(
            cleared(&preflight),
            [AllowCredentials, AllowHeaders, MaxAge, AllowPrivateNetwork]
        );
        // Never one the decision sets.
        for decision in [&rejected, &not_cors, &actual, &preflight] {
            assert!(
                decision
                    .headers_to_clear()
                    .all(|n| decision.header(n).is_none())
            );
        }
    }
}
