//! Building policies and deciding requests.

use std::borrow::Cow;
use std::rc::Rc;

use napi::Env;
use napi::bindgen_prelude::{Either, Unknown};
use napi_derive::napi;
use unicors::{BytePairs, ConfigError, Request, Value};

use crate::case::snake_keys;
use crate::decision::Decision;
use crate::problem::Problem;
use crate::registry;

/// A validated, immutable policy (wrapped by the JS `Policy` class).
#[napi]
#[derive(Debug)]
pub struct NativePolicy {
    policy: Rc<unicors::Policy>,
    /// The policy's number in this thread's registry (`decideFast`).
    id: u32,
    /// Built from options: problem fields are reported in camelCase.
    camel_fields: bool,
}

impl Drop for NativePolicy {
    fn drop(&mut self) {
        registry::release(self.id);
    }
}

/// A built policy, or every problem that stopped it (errors and warnings).
pub type Built = Either<NativePolicy, Vec<Problem>>;

fn built(result: Result<unicors::Policy, ConfigError>, camel_fields: bool) -> Built {
    match result {
        Ok(policy) => {
            let policy = Rc::new(policy);
            Either::A(NativePolicy {
                id: registry::register(Rc::clone(&policy)),
                policy,
                camel_fields,
            })
        }
        Err(error) => Either::B(
            error
                .problems()
                .iter()
                .map(|p| Problem::new(p, camel_fields))
                .collect(),
        ),
    }
}

/// Builds a policy from an options object whose keys are the policy keys
/// in camelCase (`allowOrigins`, `maxAge`, `routes: [{ path, ... }]`).
#[napi(catch_unwind)]
pub fn build_from_options(env: Env, options: Unknown) -> napi::Result<Built> {
    let document: Value = env.from_js_value(options)?;
    Ok(built(
        unicors::Policy::from_value(&snake_keys(document)),
        true,
    ))
}

/// Reads a policy file (`.json` is JSON, anything else TOML).
#[napi(catch_unwind)]
pub fn build_from_file(path: String) -> Built {
    built(unicors::Policy::from_file(path), false)
}

/// Builds a policy from a TOML document.
#[napi(catch_unwind)]
pub fn build_from_toml(text: String) -> Built {
    built(unicors::Policy::from_toml(&text), false)
}

/// Builds a policy from a JSON document.
#[napi(catch_unwind)]
pub fn build_from_json(text: String) -> Built {
    built(unicors::Policy::from_json(&text), false)
}

/// The request header names a decision reads (lowercase): the JS side
/// passes only these lines across.
#[napi(catch_unwind)]
pub fn request_header_names() -> Vec<&'static str> {
    unicors::REQUEST_HEADER_NAMES.to_vec()
}

#[napi]
impl NativePolicy {
    /// The policy's warnings (camelCase fields when built from options).
    #[napi(catch_unwind)]
    pub fn warnings(&self) -> Vec<Problem> {
        self.policy
            .warnings()
            .iter()
            .map(|p| Problem::new(p, self.camel_fields))
            .collect()
    }

    /// The policy's number for `decideFast` (valid while this object lives).
    #[napi(catch_unwind)]
    pub fn id(&self) -> u32 {
        self.id
    }

    /// Whether the policy has routes (if not, the path never matters).
    #[napi(catch_unwind)]
    pub fn has_routes(&self) -> bool {
        self.policy.has_routes()
    }

    /// Decides one request. `headers` is flat: `[name, value, name, value,
    /// …]`, latin-1 strings as Node hands them over (any other text is
    /// encoded as UTF-8); an odd count ignores the last name.
    #[napi(catch_unwind)]
    pub fn evaluate(
        &self,
        method: String,
        headers: Vec<String>,
        path: Option<String>,
        origin_allowed: Option<bool>,
    ) -> Decision {
        with_request(
            &method,
            &headers,
            path.as_deref(),
            origin_allowed,
            |request| self.policy.evaluate(request).into(),
        )
    }

    /// Decides one request with this policy and, report-only, with
    /// `shadow` (arguments as `evaluate`).
    #[napi(catch_unwind)]
    pub fn evaluate_shadowed(
        &self,
        shadow: &NativePolicy,
        method: String,
        headers: Vec<String>,
        path: Option<String>,
        origin_allowed: Option<bool>,
    ) -> Shadowed {
        with_request(
            &method,
            &headers,
            path.as_deref(),
            origin_allowed,
            |request| {
                let shadowed = self.policy.evaluate_shadowed(&shadow.policy, request);
                Shadowed {
                    difference: shadowed.difference.bits(),
                    decision: shadowed.enforced.into(),
                    shadow: shadowed.shadow.into(),
                }
            },
        )
    }
}

/// A request decided by an enforced and a report-only policy.
#[napi(object, object_from_js = false)]
#[derive(Debug)]
pub struct Shadowed {
    /// The decision to apply.
    pub decision: Decision,
    /// What the report-only policy would have decided.
    pub shadow: Decision,
    /// What differs, as bits (`decisionTables().differences` names them).
    pub difference: u32,
}

/// Converts a request's JavaScript strings and hands the core request to `decide`.
fn with_request<R>(
    method: &str,
    headers: &[String],
    path: Option<&str>,
    origin_allowed: Option<bool>,
    decide: impl for<'a> FnOnce(Request<'a, BytePairs<'a, Cow<'a, [u8]>>>) -> R,
) -> R {
    let method = unicors::header_text_bytes(method);
    let path = path.map(unicors::header_text_bytes);
    let lines: Vec<_> = headers
        .chunks_exact(2)
        .map(|pair| {
            (
                unicors::header_text_bytes(&pair[0]),
                unicors::header_text_bytes(&pair[1]),
            )
        })
        .collect();
    let request = Request::from_pairs(&method[..], &lines)
        .with_path(path.as_deref().unwrap_or_default())
        .with_origin_verdict(origin_allowed);
    decide(request)
}
