//! The decision algorithm (Fetch standard, server side, plus the
//! project's decisions on `*`, Vary, size caps and `null`).

use std::borrow::Cow;

use crate::acrh::{self, MAX_REQUEST_HEADERS_BYTES};
use crate::decision::Decision;
use crate::kind::Kind;
use crate::origin::{MAX_ORIGIN_LEN, is_malformed, parse_serialized};
use crate::reason::Reason;
use crate::request::{Request, scan};
use crate::response_header::HeaderName;
use crate::rules::Rules;
use crate::vary::{Vary, VaryName};

const STAR: &[u8] = b"*";
const TRUE: &[u8] = b"true";
const NULL: &[u8] = b"null";

/// How an allowed origin is answered in `Access-Control-Allow-Origin`.
#[derive(Clone, Copy)]
enum AllowOrigin<'r> {
    Star,
    Echo(&'r [u8]),
}

impl<'r> AllowOrigin<'r> {
    fn value(self) -> Cow<'r, [u8]> {
        match self {
            AllowOrigin::Star => Cow::Borrowed(STAR),
            AllowOrigin::Echo(origin) => Cow::Borrowed(origin),
        }
    }
}

/// Whether the answer depends on the request's `Origin` at all.
fn varies_on_origin(rules: &Rules, verdict: Option<bool>) -> bool {
    verdict.is_some() || !rules.is_public()
}

/// Checks one `Origin` line against the scope.
fn check_origin<'r>(
    rules: &Rules,
    origin: &'r [u8],
    lines: u32,
    verdict: Option<bool>,
) -> Result<AllowOrigin<'r>, Reason> {
    if lines > 1 {
        return Err(Reason::MultipleOrigins);
    }
    // The cap first, so an oversized Origin costs one compare, never a
    // hash of all its bytes.
    if origin.len() > MAX_ORIGIN_LEN {
        return Err(Reason::OriginTooLarge);
    }
    // Fast path: a value byte-equal to a listed origin is a validated
    // serialized origin (well formed, not `null`).
    if verdict.is_none() && !rules.is_public() && rules.origins.contains_exact(origin) {
        return Ok(AllowOrigin::Echo(origin));
    }
    if is_malformed(origin) {
        return Err(Reason::OriginMalformed);
    }
    if origin == NULL {
        return match verdict {
            Some(false) => Err(Reason::OriginRejectedByHost),
            None if rules.is_public() => Ok(AllowOrigin::Star),
            _ if rules.allow_null => Ok(AllowOrigin::Echo(origin)),
            _ => Err(Reason::NullOriginNotAllowed),
        };
    }
    match verdict {
        Some(true) if parse_serialized(origin).is_some() => Ok(AllowOrigin::Echo(origin)),
        Some(true) => Err(Reason::OriginMalformed),
        Some(false) => Err(Reason::OriginRejectedByHost),
        None if rules.is_public() => Ok(AllowOrigin::Star),
        // The exact set was probed above.
        None if rules.origins.matches_non_exact(origin) => Ok(AllowOrigin::Echo(origin)),
        None => Err(Reason::OriginNotAllowed),
    }
}

/// Evaluates one request against one scope.
///
/// One `Decision`, filled in place on every path and everything inlined
/// into the caller, so that no copy of it goes through memory: copying a
/// struct whose fields were just written with narrower stores stalls on
/// store forwarding (docs/benchmarks.md).
#[inline(always)]
pub(crate) fn evaluate<'a, H>(
    rules: &'a Rules,
    request: Request<'a, H>,
    scratch: Option<&'a mut Vec<u8>>,
) -> Decision<'a>
where
    H: Iterator<Item = (&'a [u8], &'a [u8])> + Clone,
{
    let mut decision = Decision::new(Kind::NotCors, Vary::EMPTY);
    decide(rules, request, scratch, &mut decision);
    decision
}

#[inline(always)]
fn decide<'a, H>(
    rules: &'a Rules,
    request: Request<'a, H>,
    scratch: Option<&'a mut Vec<u8>>,
    decision: &mut Decision<'a>,
) where
    H: Iterator<Item = (&'a [u8], &'a [u8])> + Clone,
{
    let found = scan(request.headers.clone());
    let verdict = request.origin_verdict;
    let origin_vary = if varies_on_origin(rules, verdict) {
        Vary::EMPTY.with(VaryName::Origin)
    } else {
        Vary::EMPTY
    };

    let Some(origin) = found.origin else {
        decision.set_kind(Kind::NotCors, origin_vary);
        if rules.is_public() && verdict.is_none() {
            // Same headers as an allowed actual request, so that a shared
            // cache may serve this response to anyone.
            push_actual_headers(decision, rules, AllowOrigin::Star);
        }
        return;
    };

    let is_preflight = request.method == b"OPTIONS" && found.request_method_lines > 0;
    let allowed_origin = check_origin(rules, origin, found.origin_lines, verdict);

    if !is_preflight {
        match allowed_origin {
            Ok(allow) => {
                decision.set_kind(Kind::Actual, origin_vary);
                push_actual_headers(decision, rules, allow);
            }
            Err(reason) => decision.set_rejected(reason, origin_vary.with(VaryName::Origin), None),
        }
        return;
    }

    let vary = origin_vary.union(rules.preflight_vary());
    let reject_vary = vary.with(VaryName::Origin);
    let reject_status = rules.preflight_answer(false);
    let allow = match allowed_origin {
        Ok(allow) => allow,
        Err(reason) => return decision.set_rejected(reason, reject_vary, reject_status),
    };
    let method = match found.request_method {
        Some(method) if found.request_method_lines == 1 => method,
        _ => {
            return decision.set_rejected(Reason::RequestMethodInvalid, reject_vary, reject_status);
        }
    };
    if let Err(reason) = rules.methods.check(method) {
        return decision.set_rejected(reason, reject_vary, reject_status);
    }
    let checked = match found.request_headers_lines {
        0 => Ok(None),
        _ if found.request_headers_bytes > MAX_REQUEST_HEADERS_BYTES => {
            Err(Reason::RequestHeadersTooLarge)
        }
        // One line (what browsers send): check it as found, no second walk.
        1 => acrh::check_values(
            found.request_headers_first.into_iter(),
            &rules.headers,
            scratch,
        ),
        _ => acrh::check(request.headers, &rules.headers, scratch),
    };
    let allow_headers = match checked {
        Ok(echo) => echo,
        Err(reason) => return decision.set_rejected(reason, reject_vary, reject_status),
    };

    decision.set_kind(Kind::Preflight, vary);
    decision.set_status(rules.preflight_answer(true));
    decision.push(HeaderName::AllowOrigin, allow.value());
    if rules.credentials {
        decision.push(HeaderName::AllowCredentials, Cow::Borrowed(TRUE));
    }
    decision.push(HeaderName::AllowMethods, Cow::Borrowed(method));
    if let Some(names) = allow_headers {
        decision.push(HeaderName::AllowHeaders, names);
    }
    if let Some(max_age) = &rules.max_age {
        decision.push(HeaderName::MaxAge, Cow::Borrowed(max_age));
    }
    if rules.private_network && found.private_network_true {
        decision.push(HeaderName::AllowPrivateNetwork, Cow::Borrowed(TRUE));
    }
}

fn push_actual_headers<'a>(decision: &mut Decision<'a>, rules: &'a Rules, allow: AllowOrigin<'a>) {
    decision.push(HeaderName::AllowOrigin, allow.value());
    if rules.credentials {
        decision.push(HeaderName::AllowCredentials, Cow::Borrowed(TRUE));
    }
    if let Some(expose) = &rules.expose {
        decision.push(HeaderName::ExposeHeaders, Cow::Borrowed(expose));
    }
}
