//! Merges a route over the top level, runs the checks that involve several
//! keys, and compiles the result into [`Rules`].

use crate::header_rules::HeaderRules;
use crate::method::MethodRules;
use crate::origin_matcher::OriginMatcher;
use crate::problem::{ProblemCode, Severity};
use crate::rules::Rules;

use super::origin_entry::OriginEntry;
use super::read::{Located, NameList, Partial};
use super::regex_check;
use super::report::Report;

const DEFAULT_PREFLIGHT_STATUS: u16 = 204;
const DEFAULT_REJECTED_PREFLIGHT_STATUS: u16 = 403;

/// A route's keys over the top level's: a key the route sets replaces the
/// top level's value as a whole; the others are inherited.
pub(crate) fn merge(top: &Partial, route: &Partial) -> Partial {
    fn pick<T: Clone>(route: &Option<T>, top: &Option<T>) -> Option<T> {
        route.clone().or_else(|| top.clone())
    }
    Partial {
        origins: pick(&route.origins, &top.origins),
        origins_written: if route.origins.is_some() {
            route.origins_written
        } else {
            top.origins_written
        },
        regexes: pick(&route.regexes, &top.regexes),
        allow_null_origin: pick(&route.allow_null_origin, &top.allow_null_origin),
        methods: pick(&route.methods, &top.methods),
        headers: pick(&route.headers, &top.headers),
        expose: pick(&route.expose, &top.expose),
        credentials: pick(&route.credentials, &top.credentials),
        max_age: pick(&route.max_age, &top.max_age),
        private_network: pick(&route.private_network, &top.private_network),
        preflight_status: pick(&route.preflight_status, &top.preflight_status),
        rejected_preflight_status: pick(
            &route.rejected_preflight_status,
            &top.rejected_preflight_status,
        ),
        preflight_continue: pick(&route.preflight_continue, &top.preflight_continue),
        insecure_origins_ok: pick(&route.insecure_origins_ok, &top.insecure_origins_ok),
        public_suffix_wildcards_ok: pick(
            &route.public_suffix_wildcards_ok,
            &top.public_suffix_wildcards_ok,
        ),
    }
}

/// "allow_credentials", naming where it was set when that is a route.
fn credentials_key(credentials: &Located<bool>) -> String {
    if credentials.field == "allow_credentials" {
        "allow_credentials".to_owned()
    } else {
        format!("allow_credentials (set at {})", credentials.field)
    }
}

fn flag(value: &Option<Located<bool>>) -> bool {
    value.as_ref().is_some_and(|v| v.value)
}

/// Whether `domain` is exactly a public suffix of the Public Suffix List.
fn is_public_suffix(domain: &str) -> bool {
    psl::suffix(domain.as_bytes())
        .is_some_and(|suffix| suffix.is_known() && suffix.as_bytes() == domain.as_bytes())
}

/// Whether the scope could allow some origin (entries were written, or a
/// regex, or `null`).
pub(crate) fn names_origins(scope: &Partial) -> bool {
    scope.origins_written
        || scope.regexes.as_ref().is_some_and(|r| !r.is_empty())
        || flag(&scope.allow_null_origin)
}

/// Checks one merged scope; `warn_no_origins` asks for the warning that no
/// scope of the policy allows any origin.
pub(crate) fn check(scope: &Partial, warn_no_origins: bool, report: &mut Report) {
    let credentials = scope.credentials.as_ref().filter(|c| c.value);
    let origins: &[Located<OriginEntry>] = scope.origins.as_deref().unwrap_or_default();
    let regexes = scope.regexes.as_deref().unwrap_or_default();
    let any_origin = origins.iter().find(|o| o.value == OriginEntry::Any);

    if let Some(credentials) = credentials {
        if let Some(star) = any_origin {
            report.push(
                ProblemCode::OriginWildcardWithCredentials,
                &star.field,
                "*",
                format!(
                    "`*` cannot be combined with {}: browsers refuse it, and reflecting \
                     every origin instead would let any site read your users' data. List the origins that need \
                     credentials, e.g. allow_origins = [\"https://app.example.com\"], or a subdomain pattern such as \
                     \"https://*.example.com\"",
                    credentials_key(credentials)
                ),
            );
        }
        if let Some(star) = scope.expose.as_ref().and_then(|e| e.any.as_ref()) {
            report.push(
                ProblemCode::ExposeWildcardWithCredentials,
                star,
                "*",
                format!(
                    "with {} browsers read `*` as a header literally named `*`: list the headers to expose",
                    credentials_key(credentials)
                ),
            );
        }
        if !flag(&scope.insecure_origins_ok) {
            for origin in origins {
                if let OriginEntry::Origin(spec) = &origin.value {
                    if spec.is_insecure() {
                        report.push(
                            ProblemCode::OriginInsecureWithCredentials,
                            &origin.field,
                            &spec.text(),
                            format!(
                                "a plain-text origin with {}: a network attacker can act as this \
                                 origin and read credentialed responses. Use https, or set dangerously_allow_insecure_origins = true",
                                credentials_key(credentials)
                            ),
                        );
                    }
                }
            }
        }
    }
    for regex in regexes {
        if regex.value.matches_any_origin {
            let (severity, message) = match credentials {
                Some(credentials) => (
                    Severity::Error,
                    format!(
                        "this regex matches origins nobody meant to allow (e.g. https://unicors-probe.invalid); with \
                         {} that reflects any origin. List the origins, or anchor the regex to your domains",
                        credentials_key(credentials)
                    ),
                ),
                None => (
                    Severity::Warning,
                    "this regex matches any origin; say allow_origins = [\"*\"] instead".to_owned(),
                ),
            };
            report.add(
                severity,
                ProblemCode::RegexMatchesAnyOrigin,
                &regex.field,
                &regex.value.pattern,
                message,
            );
        }
    }
    if !flag(&scope.public_suffix_wildcards_ok) {
        for origin in origins {
            if let OriginEntry::Origin(spec) = &origin.value {
                if spec.subdomains && spec.is_dns() && is_public_suffix(&spec.host) {
                    report.push(
                        ProblemCode::OriginPublicSuffixWildcard,
                        &origin.field,
                        &spec.text(),
                        format!(
                            "`{}` is a public suffix: anyone can register a subdomain of it. Name your own domain, or set \
                             dangerously_allow_public_suffix_wildcards = true",
                            spec.host
                        ),
                    );
                }
            }
        }
    }
    if let (Some(pna), Some(star)) = (
        scope.private_network.as_ref().filter(|p| p.value),
        any_origin,
    ) {
        report.push(
            ProblemCode::PrivateNetworkWithAnyOrigin,
            &pna.field,
            "true",
            format!(
                "allow_private_network with `*` (at {}) would let every website reach this private-network service: list the origins",
                star.field
            ),
        );
    }
    if let Some(null) = scope.allow_null_origin.as_ref().filter(|n| n.value) {
        report.push(
            ProblemCode::NullOriginAllowed,
            &null.field,
            "true",
            "any site can send `Origin: null` (a sandboxed iframe does), so this allows every site",
        );
    }
    if warn_no_origins {
        report.push(
            ProblemCode::NoOrigins,
            "allow_origins",
            "",
            "no origin is allowed: every CORS request is rejected (fine if the host supplies its own origin check)",
        );
    }
}

fn bytes_of(names: &[Located<String>]) -> Vec<Box<[u8]>> {
    names.iter().map(|n| n.value.as_bytes().into()).collect()
}

/// Compiles a checked scope.
pub(crate) fn compile(scope: &Partial, report: &mut Report) -> Rules {
    let mut origins = OriginMatcher::default();
    for origin in scope.origins.as_deref().unwrap_or_default() {
        match &origin.value {
            OriginEntry::Any => origins.allow_any(),
            OriginEntry::Origin(spec) if spec.is_exact() => origins.add_exact(&spec.text()),
            OriginEntry::Origin(spec) => origins.add_pattern(&spec.pattern()),
        }
    }
    let regexes = scope.regexes.as_deref().unwrap_or_default();
    if !regexes.is_empty() {
        let patterns: Vec<String> = regexes.iter().map(|r| r.value.pattern.clone()).collect();
        match regex_check::compile_set(&patterns) {
            Ok(set) => origins.set_regexes(set),
            Err(message) => report.push(
                ProblemCode::RegexInvalid,
                &regexes[0].field,
                &patterns.join(" | "),
                message,
            ),
        }
    }
    let empty = NameList::default();
    let methods = scope.methods.as_ref().unwrap_or(&empty);
    let headers = scope.headers.as_ref().unwrap_or(&empty);
    let expose = scope.expose.as_ref().unwrap_or(&empty);
    let expose_value = if expose.any.is_some() {
        Some(b"*".as_slice().into())
    } else if expose.names.is_empty() {
        None
    } else {
        let joined: Vec<&str> = expose.names.iter().map(|n| n.value.as_str()).collect();
        Some(joined.join(",").into_bytes().into_boxed_slice())
    };
    Rules {
        origins,
        allow_null: flag(&scope.allow_null_origin),
        credentials: flag(&scope.credentials),
        methods: MethodRules::new(methods.any.is_some(), bytes_of(&methods.names)),
        headers: HeaderRules::new(headers.any.is_some(), bytes_of(&headers.names)),
        expose: expose_value,
        max_age: scope
            .max_age
            .as_ref()
            .map(|m| m.value.to_string().into_bytes().into_boxed_slice()),
        private_network: flag(&scope.private_network),
        preflight_status: scope
            .preflight_status
            .as_ref()
            .map_or(DEFAULT_PREFLIGHT_STATUS, |s| s.value),
        rejected_preflight_status: scope
            .rejected_preflight_status
            .as_ref()
            .map_or(DEFAULT_REJECTED_PREFLIGHT_STATUS, |s| s.value),
        preflight_continue: flag(&scope.preflight_continue),
    }
}
