//! A face on the [`http`] crate's types, for hyper, axum and other
//! Rust servers (feature `http`).
//!
//! Evaluate straight from [`http::request::Parts`]
//! or a [`HeaderMap`], then apply the decision to the response's
//! [`HeaderMap`]: CORS headers *replace* any the app set, and the `Vary`
//! names are appended once each. The byte-slice API
//! ([`Policy::evaluate`]) stays the primary one: its zero-allocation
//! guarantee does not extend to building `http` values here.
//!
//! ```
//! use http::{Request, Response, StatusCode};
//! use unicors::Policy;
//!
//! let policy = Policy::from_toml(r#"allow_origins = ["https://app.example.com"]"#)?;
//! let request = Request::get("/items").header("Origin", "https://app.example.com").body(())?;
//! let (parts, _body) = request.into_parts();
//! let decision = policy.evaluate_parts(&parts);
//! let mut response = Response::new(());
//! unicors::http::apply_to_response(&decision, &mut response);
//! assert_eq!(response.headers()["access-control-allow-origin"], "https://app.example.com");
//! assert_eq!(response.headers()["vary"], "Origin");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use ::http::header::{self, HeaderMap, HeaderValue};
use ::http::request::Parts;
use ::http::{Method, Response, StatusCode};

use crate::{Decision, Policy, Request};

/// A [`HeaderMap`] walked as `(name, value)` byte pairs; cloning restarts
/// the walk from the map and skips what was consumed.
#[derive(Debug)]
pub struct HeaderPairs<'a> {
    map: &'a HeaderMap,
    inner: header::Iter<'a, HeaderValue>,
    consumed: usize,
}

impl<'a> HeaderPairs<'a> {
    /// Walks `map`.
    pub fn new(map: &'a HeaderMap) -> Self {
        HeaderPairs {
            map,
            inner: map.iter(),
            consumed: 0,
        }
    }
}

impl Clone for HeaderPairs<'_> {
    fn clone(&self) -> Self {
        let mut inner = self.map.iter();
        if self.consumed > 0 {
            inner.nth(self.consumed - 1);
        }
        HeaderPairs {
            map: self.map,
            inner,
            consumed: self.consumed,
        }
    }
}

impl<'a> Iterator for HeaderPairs<'a> {
    type Item = (&'a [u8], &'a [u8]);

    fn next(&mut self) -> Option<Self::Item> {
        let (name, value) = self.inner.next()?;
        self.consumed += 1;
        Some((name.as_str().as_bytes(), value.as_bytes()))
    }
}

/// A request view over a method, the router's path and a [`HeaderMap`].
pub fn request<'a>(
    method: &'a Method,
    path: &'a str,
    headers: &'a HeaderMap,
) -> Request<'a, HeaderPairs<'a>> {
    Request::from_headers(method.as_str().as_bytes(), HeaderPairs::new(headers))
        .with_path(path.as_bytes())
}

impl Policy {
    /// Decides a request from its [`Parts`] (method, URI path, headers).
    pub fn evaluate_parts<'a>(&'a self, parts: &'a Parts) -> Decision<'a> {
        self.evaluate(request(&parts.method, parts.uri.path(), &parts.headers))
    }

    /// Decides a request from a method, the router's path and a [`HeaderMap`].
    pub fn evaluate_headers<'a>(
        &'a self,
        method: &'a Method,
        path: &'a str,
        headers: &'a HeaderMap,
    ) -> Decision<'a> {
        self.evaluate(request(method, path, headers))
    }
}

/// The `http` name of a CORS response header: `http`'s constants (and one
/// built at compile time), so no name is parsed per response —
/// `HeaderName::from_static` parses its string when called at run time.
pub(crate) fn header_name(name: crate::HeaderName) -> header::HeaderName {
    use crate::HeaderName as Name;
    match name {
        Name::AllowOrigin => header::ACCESS_CONTROL_ALLOW_ORIGIN,
        Name::AllowCredentials => header::ACCESS_CONTROL_ALLOW_CREDENTIALS,
        Name::AllowMethods => header::ACCESS_CONTROL_ALLOW_METHODS,
        Name::AllowHeaders => header::ACCESS_CONTROL_ALLOW_HEADERS,
        Name::MaxAge => header::ACCESS_CONTROL_MAX_AGE,
        Name::AllowPrivateNetwork => {
            const { header::HeaderName::from_static(Name::AllowPrivateNetwork.as_lowercase_str()) }
        }
        Name::ExposeHeaders => header::ACCESS_CONTROL_EXPOSE_HEADERS,
    }
}

/// The decision's headers as `http` values, ready to set. Values the engine
/// emits are visible ASCII, so none is ever dropped in practice; one that
/// could not be a header value would be skipped, never panicked on.
pub fn headers<'d>(
    decision: &'d Decision<'_>,
) -> impl Iterator<Item = (header::HeaderName, HeaderValue)> + 'd {
    decision.headers().filter_map(|h| {
        let value = HeaderValue::from_bytes(&h.value).ok()?;
        Some((header_name(h.name), value))
    })
}

/// Sets the decision's headers on `map` (replacing any value of the same
/// name) and appends the `Vary` names it does not list yet.
pub fn apply_to_headers(decision: &Decision<'_>, map: &mut HeaderMap) {
    apply_parts(headers(decision), decision.vary(), map);
}

/// Sets `headers` (replacing) and appends the missing `vary` names.
pub(crate) fn apply_parts(
    headers: impl IntoIterator<Item = (header::HeaderName, HeaderValue)>,
    vary: crate::Vary,
    map: &mut HeaderMap,
) {
    for (name, value) in headers {
        map.insert(name, value);
    }
    let missing = vary.missing_from(map.get_all(header::VARY).iter().map(HeaderValue::as_bytes));
    if !missing.is_empty() {
        map.append(header::VARY, vary_value(missing));
    }
}

/// The headers of a response the layer makes itself: `headers` (at most
/// `count`) and the `Vary` names, into a map sized for them, with nothing
/// to replace and no `Vary` to read.
pub(crate) fn fresh_headers(
    headers: impl IntoIterator<Item = (header::HeaderName, HeaderValue)>,
    count: usize,
    vary: crate::Vary,
) -> HeaderMap {
    let mut map = HeaderMap::with_capacity(count + 1);
    for (name, value) in headers {
        map.append(name, value);
    }
    if !vary.is_empty() {
        map.append(header::VARY, vary_value(vary));
    }
    map
}

/// The `Vary` value naming `vary`'s names, one per combination built at
/// compile time: `HeaderValue::from_static` checks every byte when called
/// at run time, ~70 bytes for a preflight's three names.
fn vary_value(vary: crate::Vary) -> HeaderValue {
    const fn value(bits: u32) -> HeaderValue {
        HeaderValue::from_static(crate::Vary::from_bits(bits).as_str())
    }
    static VALUES: [HeaderValue; 16] = [
        value(0),
        value(1),
        value(2),
        value(3),
        value(4),
        value(5),
        value(6),
        value(7),
        value(8),
        value(9),
        value(10),
        value(11),
        value(12),
        value(13),
        value(14),
        value(15),
    ];
    VALUES[vary.bits() as usize % VALUES.len()].clone()
}

/// [`apply_to_headers`] on a response.
pub fn apply_to_response<B>(decision: &Decision<'_>, response: &mut Response<B>) {
    apply_to_headers(decision, response.headers_mut());
}

/// The response to send now, without calling the app, when the decision
/// says so (preflights, unless `preflight_continue`): its status, its
/// headers and an empty body.
pub fn immediate_response<B: Default>(decision: &Decision<'_>) -> Option<Response<B>> {
    let status = StatusCode::from_u16(decision.status()?).ok()?;
    let mut response = Response::new(B::default());
    *response.status_mut() = status;
    *response.headers_mut() =
        fresh_headers(headers(decision), decision.headers().len(), decision.vary());
    Some(response)
}

/// A preflight's request headers for the tests: Origin
/// `https://a.example`, method `PUT`.
#[cfg(test)]
pub(crate) fn preflight_request() -> HeaderMap {
    let mut map = HeaderMap::new();
    map.insert(
        header::ORIGIN,
        HeaderValue::from_static("https://a.example"),
    );
    map.insert(
        header::ACCESS_CONTROL_REQUEST_METHOD,
        HeaderValue::from_static("PUT"),
    );
    map
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_cors_name_maps_to_its_own_http_name() {
        for name in crate::HeaderName::ALL {
            assert_eq!(header_name(name).as_str(), name.as_lowercase_str());
        }
    }

    #[test]
    fn every_vary_set_has_its_own_value() {
        assert_eq!(crate::Vary::from_bits(u32::MAX).bits(), 15); // 16 sets
        for bits in 0..16 {
            let vary = crate::Vary::from_bits(bits);
            assert_eq!(vary_value(vary), vary.as_str());
        }
    }

    #[test]
    fn header_pairs_clone_resumes_where_it_was() {
        let mut map = HeaderMap::new();
        map.append("origin", HeaderValue::from_static("https://a.example"));
        map.append("x-a", HeaderValue::from_static("1"));
        map.append("x-a", HeaderValue::from_static("2"));
        let mut pairs = HeaderPairs::new(&map);
        pairs.next();
        let rest: Vec<_> = pairs.clone().collect();
        assert_eq!(
            rest,
            vec![(&b"x-a"[..], &b"1"[..]), (&b"x-a"[..], &b"2"[..])]
        );
        assert_eq!(pairs.collect::<Vec<_>>(), rest);
    }

    #[test]
    fn an_immediate_response_has_the_decision_headers_in_order_and_one_vary() {
        let policy = Policy::from_toml(
            "allow_origins = [\"https://a.example\"]\nallow_methods = [\"PUT\"]\nallow_credentials = true\nmax_age = 600",
        )
        .unwrap();
        let request = preflight_request();
        let decision = policy.evaluate_headers(&Method::OPTIONS, "/", &request);
        let response: Response<()> = immediate_response(&decision).unwrap();
        // What setting each header on an empty map, then appending Vary, gives.
        let mut expected = HeaderMap::new();
        apply_to_headers(&decision, &mut expected);
        let lines = |map: &HeaderMap| -> Vec<(String, String)> {
            map.iter()
                .map(|(n, v)| (n.to_string(), v.to_str().unwrap().to_owned()))
                .collect()
        };
        assert_eq!(lines(response.headers()), lines(&expected));
        assert_eq!(response.headers().get_all(header::VARY).iter().count(), 1);
        assert_eq!(response.headers()[header::VARY], decision.vary().as_str());
        assert_eq!(response.headers().len(), decision.headers().len() + 1);
    }

    #[test]
    fn apply_replaces_cors_headers_and_appends_vary_once() {
        let policy =
            Policy::from_toml("allow_origins = [\"https://a.example\"]\nallow_credentials = true")
                .unwrap();
        let mut map = HeaderMap::new();
        map.insert(
            header::ORIGIN,
            HeaderValue::from_static("https://a.example"),
        );
        let decision = policy.evaluate_headers(&Method::GET, "/", &map);
        let mut response = HeaderMap::new();
        response.append(
            header::ACCESS_CONTROL_ALLOW_ORIGIN,
            HeaderValue::from_static("*"),
        );
        response.append(
            header::ACCESS_CONTROL_ALLOW_ORIGIN,
            HeaderValue::from_static("https://evil"),
        );
        response.append(header::VARY, HeaderValue::from_static("Accept-Encoding"));
        apply_to_headers(&decision, &mut response);
        apply_to_headers(&decision, &mut response);
        let acao: Vec<_> = response
            .get_all(header::ACCESS_CONTROL_ALLOW_ORIGIN)
            .iter()
            .collect();
        assert_eq!(acao, vec!["https://a.example"]);
        let vary: Vec<_> = response.get_all(header::VARY).iter().collect();
        assert_eq!(vary, vec!["Accept-Encoding", "Origin"]);
        assert_eq!(response[header::ACCESS_CONTROL_ALLOW_CREDENTIALS], "true");
    }

    #[test]
    fn immediate_response_for_preflights_only() {
        let policy =
            Policy::from_toml("allow_origins = [\"https://a.example\"]\nallow_methods = [\"PUT\"]")
                .unwrap();
        let map = preflight_request();
        let preflight = policy.evaluate_headers(&Method::OPTIONS, "/x", &map);
        let response: Response<String> = immediate_response(&preflight).expect("answered now");
        assert_eq!(response.status(), StatusCode::NO_CONTENT);
        assert_eq!(
            response.headers()[header::ACCESS_CONTROL_ALLOW_METHODS],
            "PUT"
        );
        let actual = policy.evaluate_headers(&Method::PUT, "/x", &map);
        assert!(immediate_response::<String>(&actual).is_none());
    }
}
