//! From a document's value tree to compiled rules, reporting every problem
//! of the whole document in one pass.

mod keys;
mod names;
mod origin_entry;
mod read;
mod regex_check;
mod report;
mod resolve;

use crate::document::Value;
use crate::problem::{Problem, ProblemCode};
use crate::rules::Rules;

use read::{Located, ScopeKind, read_scope};
use report::Report;

/// A validated, compiled policy.
#[derive(Debug)]
pub(crate) struct Built {
    pub(crate) root: Rules,
    /// Route prefixes and their rules, in document order.
    pub(crate) routes: Vec<(Box<[u8]>, Rules)>,
    pub(crate) warnings: Vec<Problem>,
}

/// Validates and compiles a document. On failure, returns every problem
/// (errors and warnings) in report order (each key's own problems in document order, then the checks that span several keys).
pub(crate) fn build(document: &Value) -> Result<Built, Vec<Problem>> {
    let mut report = Report::default();
    let Value::Table(entries) = document else {
        report.push(
            ProblemCode::WrongType,
            "",
            &document.render(),
            format!(
                "a policy is a table of keys, found {}",
                document.type_name()
            ),
        );
        return Err(report.into_problems());
    };
    let (top, routes_value) = read_scope(entries, "", ScopeKind::Top, &mut report);
    let routes = read_routes(routes_value, &top, &mut report);
    let any_origins = resolve::names_origins(&top)
        || routes
            .iter()
            .any(|(_, scope)| resolve::names_origins(scope));
    resolve::check(&top, !any_origins, &mut report);
    let root = resolve::compile(&top, &mut report);
    let routes = routes
        .into_iter()
        .map(|(prefix, scope)| {
            resolve::check(&scope, false, &mut report);
            (prefix, resolve::compile(&scope, &mut report))
        })
        .collect();
    if report.has_errors() {
        Err(report.into_problems())
    } else {
        Ok(Built {
            root,
            routes,
            warnings: report.into_problems(),
        })
    }
}

/// Reads `routes`: each a table with `path` and any scope keys, merged
/// over the top level.
fn read_routes(
    value: Option<Located<&Value>>,
    top: &read::Partial,
    report: &mut Report,
) -> Vec<(Box<[u8]>, read::Partial)> {
    let Some(Located { value, field }) = value else {
        return Vec::new();
    };
    let Value::Array(items) = value else {
        report.push(
            ProblemCode::WrongType,
            &field,
            &value.render(),
            format!(
                "expected an array of tables ([[routes]] in TOML), found {}",
                value.type_name()
            ),
        );
        return Vec::new();
    };
    let mut routes: Vec<(Box<[u8]>, read::Partial)> = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let prefix = format!("{field}[{i}].");
        let Value::Table(entries) = item else {
            report.push(
                ProblemCode::WrongType,
                &format!("{field}[{i}]"),
                &item.render(),
                format!(
                    "a route is a table with `path` and policy keys, found {}",
                    item.type_name()
                ),
            );
            continue;
        };
        let (partial, path) = read_scope(entries, &prefix, ScopeKind::Route, report);
        let Some(path) = read_route_path(path, &prefix, report) else {
            continue;
        };
        if routes
            .iter()
            .any(|(existing, _)| **existing == *path.value.as_bytes())
        {
            report.push(
                ProblemCode::RoutePathDuplicate,
                &path.field,
                &path.value,
                "another route has the same path",
            );
            continue;
        }
        routes.push((
            path.value.into_bytes().into_boxed_slice(),
            resolve::merge(top, &partial),
        ));
    }
    routes
}

fn read_route_path(
    path: Option<Located<&Value>>,
    prefix: &str,
    report: &mut Report,
) -> Option<Located<String>> {
    let Some(Located { value, field }) = path else {
        report.push(
            ProblemCode::RoutePathMissing,
            prefix.trim_end_matches('.'),
            "",
            "a route needs `path`, the path prefix it applies to, e.g. path = \"/api\"",
        );
        return None;
    };
    let Value::String(text) = value else {
        report.push(
            ProblemCode::WrongType,
            &field,
            &value.render(),
            format!("expected a string, found {}", value.type_name()),
        );
        return None;
    };
    let valid = text.starts_with('/')
        && !text
            .bytes()
            .any(|b| b == b'?' || b == b'#' || b.is_ascii_whitespace() || b.is_ascii_control());
    if !valid {
        report.push(
            ProblemCode::RoutePathInvalid,
            &field,
            text,
            "a route path is a path prefix as the router sees it: it starts with `/` and has no query, fragment, space or control character",
        );
        return None;
    }
    Some(Located {
        value: text.clone(),
        field,
    })
}

#[cfg(test)]
mod key_list_tests {
    #[test]
    fn the_scope_keys_are_the_public_list_without_routes_and_path() {
        let keys = crate::document::POLICY_KEYS;
        assert_eq!(&keys[keys.len() - 2..], ["routes", "path"]);
        assert_eq!(super::keys::SCOPE_KEYS.len(), keys.len() - 2);
        assert!(!super::keys::SCOPE_KEYS.contains(&"routes"));
    }
}
