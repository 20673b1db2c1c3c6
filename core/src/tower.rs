//! A tower [`Layer`] for axum, hyper and tonic servers (feature `tower`):
//! drop [`CorsLayer`] in where you would use tower-http's `CorsLayer`.
//!
//! Preflights (and rejected preflights) are answered by the layer without
//! calling the inner service, unless the policy sets `preflight_continue`;
//! every other response gets the decision's headers, replacing any CORS
//! header the app set, and the `Vary` names appended once each.
//!
//! ```
//! use unicors::{Policy, tower::CorsLayer};
//!
//! let policy = Policy::from_toml(r#"allow_origins = ["https://app.example.com"]"#)?;
//! let layer = CorsLayer::new(policy);
//! // axum: Router::new().route("/", get(handler)).layer(layer)
//! # let _ = layer;
//! # Ok::<(), unicors::ConfigError>(())
//! ```

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use ::http::header::{HeaderName, HeaderValue};
use ::http::{Request, Response, StatusCode};
use pin_project_lite::pin_project;
use tower_layer::Layer;
use tower_service::Service;

use crate::http_values::PolicyValues;
use crate::{Policy, Vary};

/// Applies a [`Policy`] to every request of the wrapped service.
#[derive(Clone, Debug)]
pub struct CorsLayer {
    policy: Arc<Policy>,
    values: Arc<PolicyValues>,
}

impl CorsLayer {
    /// A layer enforcing `policy`.
    pub fn new(policy: Policy) -> Self {
        CorsLayer::from_shared(Arc::new(policy))
    }

    /// A layer enforcing a shared policy.
    pub fn from_shared(policy: Arc<Policy>) -> Self {
        let values = Arc::new(PolicyValues::new(&policy));
        CorsLayer { policy, values }
    }
}

impl<S> Layer<S> for CorsLayer {
    type Service = Cors<S>;

    fn layer(&self, inner: S) -> Cors<S> {
        Cors {
            inner,
            policy: Arc::clone(&self.policy),
            values: Arc::clone(&self.values),
        }
    }
}

/// The service [`CorsLayer`] produces.
#[derive(Clone, Debug)]
pub struct Cors<S> {
    inner: S,
    policy: Arc<Policy>,
    values: Arc<PolicyValues>,
}

impl<S, ReqBody, ResBody> Service<Request<ReqBody>> for Cors<S>
where
    S: Service<Request<ReqBody>, Response = Response<ResBody>>,
    ResBody: Default,
{
    type Response = Response<ResBody>;
    type Error = S::Error;
    type Future = ResponseFuture<S::Future, ResBody>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<ReqBody>) -> Self::Future {
        let (parts, body) = request.into_parts();
        let (immediate, headers, vary) = {
            let decision = self.policy.evaluate_parts(&parts);
            let values = &self.values;
            let headers = decision.headers().filter_map(|h| {
                let value = values.value(&h, &parts.headers)?;
                Some((crate::http::header_name(h.name), value))
            });
            match decision.status().and_then(|s| StatusCode::from_u16(s).ok()) {
                Some(status) => {
                    let count = decision.headers().len();
                    let mut response = Response::new(ResBody::default());
                    *response.status_mut() = status;
                    *response.headers_mut() =
                        crate::http::fresh_headers(headers, count, decision.vary());
                    (Some(response), Vec::new(), Vary::EMPTY)
                }
                None => (None, headers.collect(), decision.vary()),
            }
        };
        let state = match immediate {
            Some(response) => State::Immediate {
                response: Some(response),
            },
            None => State::Inner {
                future: self.inner.call(Request::from_parts(parts, body)),
                headers,
                vary,
            },
        };
        ResponseFuture { state }
    }
}

pin_project! {
    /// The response future of [`Cors`].
    pub struct ResponseFuture<F, B> {
        #[pin]
        state: State<F, B>,
    }
}

pin_project! {
    #[project = StateProjection]
    enum State<F, B> {
        Immediate { response: Option<Response<B>> },
        Inner {
            #[pin]
            future: F,
            headers: Vec<(HeaderName, HeaderValue)>,
            vary: Vary,
        },
    }
}

impl<F, B, E> Future for ResponseFuture<F, B>
where
    F: Future<Output = Result<Response<B>, E>>,
{
    type Output = Result<Response<B>, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.project().state.project() {
            // Polling again after completion breaks the Future contract;
            // stay pending rather than panic inside a server.
            StateProjection::Immediate { response } => response
                .take()
                .map_or(Poll::Pending, |r| Poll::Ready(Ok(r))),
            StateProjection::Inner {
                future,
                headers,
                vary,
            } => {
                let mut response = match future.poll(cx) {
                    Poll::Ready(Ok(response)) => response,
                    other => return other,
                };
                crate::http::apply_parts(std::mem::take(headers), *vary, response.headers_mut());
                Poll::Ready(Ok(response))
            }
        }
    }
}

impl<F, B> std::fmt::Debug for ResponseFuture<F, B> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ResponseFuture").finish_non_exhaustive()
    }
}
