//! Reads the keys of one scope (the top level or a route) into typed,
//! per-key-validated values. Checks that involve several keys (credentials
//! with `*`, insecure origins…) wait until routes are merged (`resolve`).

use crate::document::Value;
use crate::method::{FORBIDDEN_METHODS, NORMALIZED_METHODS};
use crate::problem::ProblemCode;
use crate::token::is_token;

use super::keys::{SCOPE_KEYS, suggest};
use super::names::{
    is_forbidden_request_header, is_forbidden_response_header, is_safelisted_response_header,
};
use super::origin_entry::{self, OriginEntry};
use super::regex_check;
use super::report::Report;

/// A value and the field path it came from.
#[derive(Clone, Debug)]
pub(crate) struct Located<T> {
    pub(crate) value: T,
    pub(crate) field: String,
}

/// A list of names where `*` may stand for "any".
#[derive(Clone, Debug, Default)]
pub(crate) struct NameList {
    /// The field of the `*` entry, when present.
    pub(crate) any: Option<String>,
    pub(crate) names: Vec<Located<String>>,
}

/// A compiled `allow_origin_regex` entry.
#[derive(Clone, Debug)]
pub(crate) struct RegexEntry {
    pub(crate) pattern: String,
    pub(crate) matches_any_origin: bool,
}

/// The keys one scope sets (`None`: not set here).
#[derive(Clone, Debug, Default)]
pub(crate) struct Partial {
    pub(crate) origins: Option<Vec<Located<OriginEntry>>>,
    /// Whether `allow_origins` had entries, valid or not (a list whose
    /// every entry was refused is already reported, not "no origins").
    pub(crate) origins_written: bool,
    pub(crate) regexes: Option<Vec<Located<RegexEntry>>>,
    pub(crate) allow_null_origin: Option<Located<bool>>,
    pub(crate) methods: Option<NameList>,
    pub(crate) headers: Option<NameList>,
    pub(crate) expose: Option<NameList>,
    pub(crate) credentials: Option<Located<bool>>,
    pub(crate) max_age: Option<Located<u32>>,
    pub(crate) private_network: Option<Located<bool>>,
    pub(crate) preflight_status: Option<Located<u16>>,
    pub(crate) rejected_preflight_status: Option<Located<u16>>,
    pub(crate) preflight_continue: Option<Located<bool>>,
    pub(crate) insecure_origins_ok: Option<Located<bool>>,
    pub(crate) public_suffix_wildcards_ok: Option<Located<bool>>,
}

/// Where a scope sits in the document.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ScopeKind {
    /// The top level, which may hold `routes`.
    Top,
    /// A route, which must hold `path`.
    Route,
}

/// Reads one scope's table. Returns the typed keys and, for the top level,
/// `routes` or, for a route, `path` (with its field).
pub(crate) fn read_scope<'v>(
    entries: &'v [(String, Value)],
    prefix: &str,
    kind: ScopeKind,
    report: &mut Report,
) -> (Partial, Option<Located<&'v Value>>) {
    let mut special = None;
    let mut partial = Partial::default();
    for (key, value) in entries {
        let field = format!("{prefix}{key}");
        match key.as_str() {
            "allow_origins" => {
                partial.origins_written = !matches!(value, Value::Array(items) if items.is_empty());
                partial.origins = read_origins(value, &field, report);
            }
            "allow_origin_regex" => partial.regexes = read_regexes(value, &field, report),
            "allow_null_origin" => partial.allow_null_origin = read_bool(value, &field, report),
            "allow_methods" => partial.methods = read_methods(value, &field, report),
            "allow_headers" => partial.headers = read_headers(value, &field, report),
            "expose_headers" => partial.expose = read_expose(value, &field, report),
            "allow_credentials" => partial.credentials = read_bool(value, &field, report),
            "max_age" => partial.max_age = read_max_age(value, &field, report),
            "allow_private_network" => partial.private_network = read_bool(value, &field, report),
            "preflight_status" => {
                partial.preflight_status = read_status(
                    value,
                    &field,
                    report,
                    |s| (200..=299).contains(&s),
                    "200 to 299 (browsers fail any other preflight status)",
                )
            }
            "rejected_preflight_status" => {
                partial.rejected_preflight_status = read_status(
                    value,
                    &field,
                    report,
                    |s| (200..=299).contains(&s) || (400..=599).contains(&s),
                    "200 to 299 or 400 to 599",
                )
            }
            "preflight_continue" => partial.preflight_continue = read_bool(value, &field, report),
            "dangerously_allow_insecure_origins" => {
                partial.insecure_origins_ok = read_bool(value, &field, report)
            }
            "dangerously_allow_public_suffix_wildcards" => {
                partial.public_suffix_wildcards_ok = read_bool(value, &field, report)
            }
            "routes" => match kind {
                ScopeKind::Top => special = Some(Located { value, field }),
                ScopeKind::Route => report.push(
                    ProblemCode::RouteNested,
                    &field,
                    "",
                    "routes cannot contain routes; list every path prefix at the top level",
                ),
            },
            // Editors point a JSON policy at its JSON Schema this way.
            "$schema" if kind == ScopeKind::Top => {
                if !matches!(value, Value::String(_)) {
                    wrong_type(
                        value,
                        &field,
                        "a string (the URL or path of the JSON Schema)",
                        report,
                    );
                }
            }
            "path" => match kind {
                ScopeKind::Route => special = Some(Located { value, field }),
                ScopeKind::Top => unknown_key(key, value, &field, false, report),
            },
            _ => unknown_key(key, value, &field, kind == ScopeKind::Route, report),
        }
    }
    (partial, special)
}

fn unknown_key(key: &str, value: &Value, field: &str, in_route: bool, report: &mut Report) {
    let mut allowed: Vec<&'static str> = SCOPE_KEYS.to_vec();
    allowed.push(if in_route { "path" } else { "routes" });
    let message = match suggest(key, &allowed) {
        Some(known) => format!("unknown key; did you mean `{known}`?"),
        None => format!("unknown key; the keys are {}", allowed.join(", ")),
    };
    report.push(ProblemCode::UnknownKey, field, &value.render(), message);
}

fn wrong_type(value: &Value, field: &str, expected: &str, report: &mut Report) {
    report.push(
        ProblemCode::WrongType,
        field,
        &value.render(),
        format!("expected {expected}, found {}", value.type_name()),
    );
}

fn read_bool(value: &Value, field: &str, report: &mut Report) -> Option<Located<bool>> {
    match value {
        Value::Bool(b) => Some(Located {
            value: *b,
            field: field.to_owned(),
        }),
        other => {
            wrong_type(other, field, "a boolean (true or false)", report);
            None
        }
    }
}

/// The items of a list, each with its field; `None` (reported) when the
/// value is not a list.
fn read_list<'v>(
    value: &'v Value,
    field: &str,
    report: &mut Report,
) -> Option<Vec<Located<&'v Value>>> {
    let Value::Array(items) = value else {
        wrong_type(value, field, "an array of strings", report);
        return None;
    };
    Some(
        items
            .iter()
            .enumerate()
            .map(|(i, item)| Located {
                value: item,
                field: format!("{field}[{i}]"),
            })
            .collect(),
    )
}

impl<'v> Located<&'v Value> {
    /// The item as a string, or `None` after reporting its wrong type, so
    /// that problems come out in document order.
    fn string(self, report: &mut Report) -> Option<Located<&'v str>> {
        match self.value {
            Value::String(s) => Some(Located {
                value: s.as_str(),
                field: self.field,
            }),
            other => {
                wrong_type(other, &self.field, "a string", report);
                None
            }
        }
    }
}

fn read_origins(
    value: &Value,
    field: &str,
    report: &mut Report,
) -> Option<Vec<Located<OriginEntry>>> {
    let items = read_list(value, field, report)?;
    let mut entries: Vec<Located<OriginEntry>> = Vec::with_capacity(items.len());
    for item in items {
        let Some(s) = item.string(report) else {
            continue;
        };
        match origin_entry::parse(s.value) {
            Ok(entry) => {
                if entries.iter().any(|e| e.value == entry) {
                    report.push(
                        ProblemCode::OriginRedundant,
                        &s.field,
                        s.value,
                        "listed twice",
                    );
                }
                entries.push(Located {
                    value: entry,
                    field: s.field,
                });
            }
            Err(problem) => report.push(problem.code, &s.field, s.value, problem.message),
        }
    }
    if entries.len() > 1 {
        if let Some(star) = entries.iter().find(|e| e.value == OriginEntry::Any) {
            report.push(
                ProblemCode::OriginRedundant,
                &star.field,
                "*",
                "`*` already allows every origin; the other entries have no effect",
            );
        }
    }
    Some(entries)
}

fn read_regexes(
    value: &Value,
    field: &str,
    report: &mut Report,
) -> Option<Vec<Located<RegexEntry>>> {
    // A single string is accepted, as in Starlette.
    let items = match value {
        Value::String(_) => vec![Located {
            value,
            field: field.to_owned(),
        }],
        other => read_list(other, field, report)?,
    };
    let mut entries = Vec::with_capacity(items.len());
    for item in items {
        let Some(s) = item.string(report) else {
            continue;
        };
        match regex_check::compile_one(s.value) {
            Ok(regex) => {
                if regex_check::has_unescaped_literal_dot(s.value) {
                    report.push(
                        ProblemCode::RegexUnescapedDot,
                        &s.field,
                        s.value,
                        "an unescaped `.` matches any character: escape it as `\\.` (or use a pattern such as \"https://*.example.com\" in allow_origins)",
                    );
                }
                if !regex_check::has_literal_scheme(s.value) {
                    report.push(
                        ProblemCode::RegexMissingScheme,
                        &s.field,
                        s.value,
                        "the regex must match the whole origin, scheme included: start it with `https://`",
                    );
                }
                entries.push(Located {
                    value: RegexEntry {
                        pattern: s.value.to_owned(),
                        matches_any_origin: regex_check::matches_any_origin(&regex),
                    },
                    field: s.field,
                });
            }
            Err(message) => report.push(ProblemCode::RegexInvalid, &s.field, s.value, message),
        }
    }
    Some(entries)
}

fn read_methods(value: &Value, field: &str, report: &mut Report) -> Option<NameList> {
    let items = read_list(value, field, report)?;
    let mut list = NameList::default();
    for item in items {
        let Some(s) = item.string(report) else {
            continue;
        };
        let text = s.value;
        if text == "*" {
            list.any = Some(s.field);
            continue;
        }
        if !is_token(text.as_bytes()) {
            report.push(
                ProblemCode::MethodInvalid,
                &s.field,
                text,
                "a method is a token: letters, digits and !#$%&'*+-.^_`|~",
            );
            continue;
        }
        if FORBIDDEN_METHODS
            .iter()
            .any(|f| f.eq_ignore_ascii_case(text))
        {
            report.push(
                ProblemCode::MethodForbidden,
                &s.field,
                text,
                "browsers never send CONNECT, TRACE or TRACK",
            );
            continue;
        }
        let method = match NORMALIZED_METHODS
            .iter()
            .find(|m| m.eq_ignore_ascii_case(text))
        {
            Some(normalized) => (*normalized).to_owned(),
            None => {
                if text.bytes().any(|b| b.is_ascii_lowercase()) {
                    report.push(
                        ProblemCode::MethodNotUppercase,
                        &s.field,
                        text,
                        format!(
                            "kept as written: browsers send `{text}` only if the page wrote it so, and `{}` is a different method",
                            text.to_ascii_uppercase()
                        ),
                    );
                }
                text.to_owned()
            }
        };
        list.names.push(Located {
            value: method,
            field: s.field,
        });
    }
    Some(list)
}

fn read_headers(value: &Value, field: &str, report: &mut Report) -> Option<NameList> {
    let list = read_header_names(value, field, report)?;
    for name in &list.names {
        if is_forbidden_request_header(&name.value) {
            report.push(
                ProblemCode::HeaderForbidden,
                &name.field,
                &name.value,
                "a forbidden request-header name: browsers never let pages send it, so listing it has no effect",
            );
        }
    }
    if let Some(star) = &list.any {
        if !list.names.iter().any(|n| n.value == "authorization") {
            report.push(
                ProblemCode::HeaderWildcardExcludesAuthorization,
                star,
                "*",
                "`*` never covers Authorization (Fetch standard): preflights asking for it are refused unless `authorization` is listed",
            );
        }
    }
    Some(list)
}

fn read_expose(value: &Value, field: &str, report: &mut Report) -> Option<NameList> {
    let mut list = read_header_names(value, field, report)?;
    list.names.retain(|name| {
        if is_forbidden_response_header(&name.value) {
            report.push(ProblemCode::ExposeForbidden, &name.field, &name.value, "browsers never expose Set-Cookie to scripts");
            false
        } else {
            if is_safelisted_response_header(&name.value) {
                report.push(
                    ProblemCode::ExposeSafelisted,
                    &name.field,
                    &name.value,
                    "a CORS-safelisted response header is always readable; listing it has no effect",
                );
            }
            true
        }
    });
    Some(list)
}

/// Header names: tokens, lowercased, `*` kept apart.
fn read_header_names(value: &Value, field: &str, report: &mut Report) -> Option<NameList> {
    let items = read_list(value, field, report)?;
    let mut list = NameList::default();
    for item in items {
        let Some(s) = item.string(report) else {
            continue;
        };
        if s.value == "*" {
            list.any = Some(s.field);
        } else if is_token(s.value.as_bytes()) {
            let lower = s.value.to_ascii_lowercase();
            if !list.names.iter().any(|n| n.value == lower) {
                list.names.push(Located {
                    value: lower,
                    field: s.field,
                });
            }
        } else {
            report.push(
                ProblemCode::HeaderInvalid,
                &s.field,
                s.value,
                "a header name is a token: letters, digits and !#$%&'*+-.^_`|~",
            );
        }
    }
    Some(list)
}

fn read_max_age(value: &Value, field: &str, report: &mut Report) -> Option<Located<u32>> {
    let Value::Integer(seconds) = value else {
        wrong_type(value, field, "an integer number of seconds", report);
        return None;
    };
    let Some(seconds) = u32::try_from(*seconds).ok().filter(|s| *s <= 86_400) else {
        report.push(
            ProblemCode::MaxAgeOutOfRange,
            field,
            &seconds.to_string(),
            "max_age is 0 to 86400 seconds (0 disables preflight caching; leave it out for the browsers' 5 s default)",
        );
        return None;
    };
    if seconds > 600 {
        let capped_by = if seconds > 7200 {
            "Chromium (7200 s) and WebKit (600 s)"
        } else {
            "WebKit (600 s)"
        };
        report.push(
            ProblemCode::MaxAgeAboveBrowserCap,
            field,
            &seconds.to_string(),
            format!("{capped_by} cap the preflight cache below this value"),
        );
    }
    Some(Located {
        value: seconds,
        field: field.to_owned(),
    })
}

fn read_status(
    value: &Value,
    field: &str,
    report: &mut Report,
    accept: impl Fn(u16) -> bool,
    range: &str,
) -> Option<Located<u16>> {
    let Value::Integer(status) = value else {
        wrong_type(value, field, "an integer HTTP status", report);
        return None;
    };
    match u16::try_from(*status).ok().filter(|s| accept(*s)) {
        Some(status) => Some(Located {
            value: status,
            field: field.to_owned(),
        }),
        None => {
            report.push(
                ProblemCode::StatusOutOfRange,
                field,
                &status.to_string(),
                format!("the status must be {range}"),
            );
            None
        }
    }
}
