//! The engine's answer for one request.

use std::borrow::Cow;

use crate::kind::Kind;
use crate::reason::Reason;
use crate::response_header::{HeaderName, ResponseHeader};
use crate::vary::Vary;

/// Most headers one decision can carry (an allowed preflight: ACAO, ACAC,
/// ACAM, ACAH, ACMA, ACAPN).
pub(crate) const MAX_HEADERS: usize = 7;

const EMPTY_HEADER: ResponseHeader<'static> = ResponseHeader {
    name: HeaderName::AllowOrigin,
    value: Cow::Borrowed(&[]),
};

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
    headers: [ResponseHeader<'a>; MAX_HEADERS],
    header_count: usize,
    vary: Vary,
}

impl<'a> Decision<'a> {
    pub(crate) fn new(kind: Kind, vary: Vary) -> Self {
        Decision {
            kind,
            reason: None,
            status: None,
            headers: [EMPTY_HEADER; MAX_HEADERS],
            header_count: 0,
            vary,
        }
    }

    pub(crate) fn rejected(reason: Reason, vary: Vary, status: Option<u16>) -> Self {
        let mut decision = Decision::new(Kind::Rejected, vary);
        decision.reason = Some(reason);
        decision.status = status;
        decision
    }

    pub(crate) fn set_status(&mut self, status: Option<u16>) {
        self.status = status;
    }

    #[inline]
    pub(crate) fn push(&mut self, name: HeaderName, value: Cow<'a, [u8]>) {
        // The capacity covers the largest decision; a bug here must not
        // panic across an FFI boundary, so an extra header is dropped and
        // caught by the tests instead.
        if let Some(slot) = self.headers.get_mut(self.header_count) {
            *slot = ResponseHeader { name, value };
            self.header_count += 1;
        } else {
            debug_assert!(false, "more than {MAX_HEADERS} headers");
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
    pub fn headers(&self) -> &[ResponseHeader<'a>] {
        &self.headers[..self.header_count]
    }

    /// The value of one header of this decision, if it sets it.
    pub fn header(&self, name: HeaderName) -> Option<&[u8]> {
        self.headers()
            .iter()
            .find(|h| h.name == name)
            .map(|h| &*h.value)
    }

    /// The names to append to the response's `Vary`.
    pub fn vary(&self) -> Vary {
        self.vary
    }

    /// A copy that borrows nothing.
    pub fn into_owned(self) -> Decision<'static> {
        let mut owned = Decision::new(self.kind, self.vary);
        owned.reason = self.reason;
        owned.status = self.status;
        for header in self.headers() {
            owned.push(header.name, Cow::Owned(header.value.to_vec()));
        }
        owned
    }
}
