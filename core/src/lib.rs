//! # unicors
//!
//! One CORS decision engine for every server. Give it a request's method,
//! path and header lines (byte pairs, exactly as the server holds them);
//! it returns the decision of the WHATWG Fetch standard's CORS protocol —
//! not CORS, an allowed preflight to answer now, an allowed actual
//! request, or a rejection with a stable reason — and the exact headers
//! and status to send.
//!
//! ```
//! use unicors::{HeaderName, Kind, Policy, Request};
//!
//! let policy = Policy::from_toml(r#"
//!     allow_origins = ["https://app.example.com"]
//!     allow_methods = ["PUT"]
//!     allow_headers = ["content-type"]
//!     allow_credentials = true
//!     max_age = 600
//! "#)?;
//!
//! let headers: &[(&[u8], &[u8])] = &[
//!     (b"Origin", b"https://app.example.com"),
//!     (b"Access-Control-Request-Method", b"PUT"),
//!     (b"Access-Control-Request-Headers", b"content-type"),
//! ];
//! let decision = policy.evaluate(Request::new(b"OPTIONS", headers));
//! assert_eq!(decision.kind(), Kind::Preflight);
//! assert_eq!(decision.status(), Some(204));
//! assert_eq!(decision.header(HeaderName::AllowOrigin), Some(&b"https://app.example.com"[..]));
//! assert_eq!(decision.vary().as_str(), "Origin, Access-Control-Request-Method, Access-Control-Request-Headers");
//! # Ok::<(), unicors::ConfigError>(())
//! ```
//!
//! ## Applying a decision
//!
//! Every host does the same three things: set each header of
//! [`Decision::headers`] (replacing any of the same name the app set),
//! append [`Decision::vary`] to `Vary`, and if [`Decision::status`] is
//! `Some`, answer now with that status and no body; otherwise run the app.
//!
//! ## Deployment rules
//!
//! - Run CORS before authentication and routing: a preflight never carries
//!   credentials, and a 401, 404, 405 or redirect fails it.
//! - Never stack two CORS layers; never let the app add its own
//!   `Access-Control-Allow-*` headers.
//! - Keep the app's `Vary`; unicors appends to it.
//! - CORS is not access control: a rejected *actual* request still reaches
//!   the app (browsers only hide the response). Use CSRF defences.
//!
//! ## Guarantees
//!
//! - No panic on any input; a malformed request is classified, never an error.
//! - `Access-Control-Allow-Origin` is `*` (only without credentials) or
//!   the request's single `Origin`, byte for byte, and only when allowed.
//! - No emitted value contains a control byte or anything the request
//!   smuggled in: echoes (origin, method, header names) are validated first.
//! - No heap allocation per decision (see [`Policy::evaluate`] for the one
//!   exception) and origin look-up cost independent of the number of
//!   allowed origins.

#![forbid(unsafe_code)]

mod acrh;
mod counters;
mod decision;
mod difference;
pub mod document;
mod evaluate;
mod header_rules;
mod header_text;
#[cfg(feature = "http")]
pub mod http;
#[cfg(feature = "http")]
mod http_values;
mod kind;
mod method;
mod name_set;
mod origin;
mod origin_matcher;
mod policy;
mod problem;
mod reason;
mod request;
mod response_header;
mod routes;
mod rules;
mod shadow;
mod token;
#[cfg(feature = "tower")]
pub mod tower;
mod validate;
mod vary;

pub use counters::Counters;
pub use decision::Decision;
pub use difference::Difference;
pub use document::{Format, Value};
pub use header_text::{header_text_bytes, header_utf16_bytes};
pub use kind::Kind;
pub use policy::{Policy, lint, read_document};
pub use problem::{ConfigError, Problem, ProblemCode, Severity};
pub use reason::Reason;
pub use request::{BytePairs, PairIter, REQUEST_HEADER_NAMES, Request};
pub use response_header::{
    CORS_RESPONSE_HEADER_PREFIX, HeaderName, ResponseHeader, is_cors_response_header,
};
pub use shadow::Shadowed;
pub use vary::{Vary, VaryName};
