//! `http` header values for a decision, made without copying where the
//! bytes already exist as a `HeaderValue`: the policy's own values are
//! built once per layer, `true` and `*` are static, and an echo (Origin,
//! the requested method, the requested header list) is the request's own
//! `HeaderValue`, shared. Only what is left (a normalised header list) is
//! copied. Copying every value cost a tower layer an allocation per header.

use std::borrow::Cow;

use ::http::header::{self, HeaderMap, HeaderValue};

use crate::{HeaderName, Policy, ResponseHeader};

/// The policy's header values as `HeaderValue`s, keyed by where their
/// bytes live in the policy (which the owner keeps alive).
#[derive(Clone, Debug, Default)]
pub(crate) struct PolicyValues {
    values: Vec<(usize, usize, HeaderValue)>,
}

impl PolicyValues {
    /// The values of every scope of `policy` (max-age, expose lists).
    pub(crate) fn new(policy: &Policy) -> PolicyValues {
        let values = policy
            .own_header_values()
            .filter_map(|bytes| {
                let value = HeaderValue::from_bytes(bytes).ok()?;
                Some((bytes.as_ptr() as usize, bytes.len(), value))
            })
            .collect();
        PolicyValues { values }
    }

    /// The `HeaderValue` for one header of a decision made by the same
    /// policy on a request with these `request` headers.
    pub(crate) fn value(
        &self,
        header: &ResponseHeader<'_>,
        request: &HeaderMap,
    ) -> Option<HeaderValue> {
        let bytes: &[u8] = &header.value;
        match bytes {
            b"true" => return Some(HeaderValue::from_static("true")),
            b"*" => return Some(HeaderValue::from_static("*")),
            _ => {}
        }
        if let Cow::Borrowed(borrowed) = &header.value {
            let (at, len) = (borrowed.as_ptr() as usize, borrowed.len());
            if let Some((_, _, value)) = self.values.iter().find(|(p, l, _)| *p == at && *l == len)
            {
                return Some(value.clone());
            }
        }
        let echoed = match header.name {
            HeaderName::AllowOrigin => Some(header::ORIGIN),
            HeaderName::AllowMethods => Some(header::ACCESS_CONTROL_REQUEST_METHOD),
            HeaderName::AllowHeaders => Some(header::ACCESS_CONTROL_REQUEST_HEADERS),
            _ => None,
        };
        if let Some(value) = echoed
            .and_then(|name| request.get(name))
            .filter(|value| value.as_bytes() == bytes)
        {
            return Some(value.clone());
        }
        HeaderValue::from_bytes(bytes).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::request;
    use ::http::Method;

    #[test]
    fn echoes_share_the_request_bytes_and_policy_values_are_built_once() {
        let policy = Policy::from_toml(
            "allow_origins = [\"https://a.example\"]\nallow_methods = [\"PUT\"]\nallow_credentials = true\nmax_age = 600",
        )
        .unwrap();
        let values = PolicyValues::new(&policy);
        let mut headers = crate::http::preflight_request();
        headers.insert(
            header::ACCESS_CONTROL_REQUEST_HEADERS,
            HeaderValue::from_static("x-a,x-b"),
        );
        let decision = policy.evaluate(request(&Method::OPTIONS, "/", &headers));
        assert_eq!(decision.kind(), crate::Kind::Rejected); // x-a is not allowed
        headers.remove(header::ACCESS_CONTROL_REQUEST_HEADERS);
        let decision = policy.evaluate(request(&Method::OPTIONS, "/", &headers));
        let built: Vec<_> = decision
            .headers()
            .map(|h| (h.name, values.value(&h, &headers).unwrap()))
            .collect();
        let value = |name| &built.iter().find(|(n, _)| *n == name).unwrap().1;
        // The same bytes, not a copy.
        let origin = value(HeaderName::AllowOrigin);
        assert_eq!(
            origin.as_bytes().as_ptr(),
            headers[header::ORIGIN].as_bytes().as_ptr()
        );
        let method = value(HeaderName::AllowMethods);
        assert_eq!(
            method.as_bytes().as_ptr(),
            headers[header::ACCESS_CONTROL_REQUEST_METHOD]
                .as_bytes()
                .as_ptr()
        );
        let again = PolicyValues::value(
            &values,
            &decision
                .headers()
                .find(|h| h.name == HeaderName::MaxAge)
                .unwrap(),
            &headers,
        )
        .unwrap();
        assert_eq!(
            value(HeaderName::MaxAge).as_bytes().as_ptr(),
            again.as_bytes().as_ptr()
        );
        assert_eq!(value(HeaderName::MaxAge), "600");
        assert_eq!(value(HeaderName::AllowCredentials), "true");
    }
}
