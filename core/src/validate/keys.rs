//! The keys of a policy document, and "did you mean" hints for the rest.

/// Every key a scope (top level or route) may hold, besides `routes` and
/// `path`: the public list without its last two entries.
pub(crate) const SCOPE_KEYS: &[&str] = crate::document::POLICY_KEYS
    .split_at(crate::document::POLICY_KEYS.len() - 2)
    .0;

/// Option names of peer libraries that users carry over.
const ALIASES: &[(&str, &str)] = &[
    ("origins", "allow_origins"),
    ("origin", "allow_origins"),
    ("allowed_origins", "allow_origins"),
    ("allow_origin", "allow_origins"),
    ("cors_allowed_origins", "allow_origins"),
    ("cors_origin_whitelist", "allow_origins"),
    ("origin_regex", "allow_origin_regex"),
    ("allowed_origin_regexes", "allow_origin_regex"),
    ("allow_origin_regexes", "allow_origin_regex"),
    ("cors_allowed_origin_regexes", "allow_origin_regex"),
    ("methods", "allow_methods"),
    ("allowed_methods", "allow_methods"),
    ("allow_method", "allow_methods"),
    ("headers", "allow_headers"),
    ("allowed_headers", "allow_headers"),
    ("request_headers", "allow_headers"),
    ("exposed_headers", "expose_headers"),
    ("expose", "expose_headers"),
    ("response_headers", "expose_headers"),
    ("credentials", "allow_credentials"),
    ("supports_credentials", "allow_credentials"),
    ("credentialed", "allow_credentials"),
    ("max_age_in_seconds", "max_age"),
    ("preflight_max_age", "max_age"),
    ("allow_private_network_access", "allow_private_network"),
    ("private_network_access", "allow_private_network"),
    ("options_success_status", "preflight_status"),
    ("optionssuccessstatus", "preflight_status"),
    ("options_passthrough", "preflight_continue"),
    ("null_origin", "allow_null_origin"),
];

/// `allowedOrigins` → `allowed_origins`.
fn snake_case(key: &str) -> String {
    let mut out = String::with_capacity(key.len() + 4);
    for c in key.chars() {
        if c.is_ascii_uppercase() {
            if !out.is_empty() {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else if c == '-' {
            out.push('_');
        } else {
            out.push(c);
        }
    }
    out
}

/// The key the user probably meant, if any.
pub(crate) fn suggest(unknown: &str, allowed: &[&'static str]) -> Option<&'static str> {
    let snake = snake_case(unknown);
    if let Some(known) = allowed.iter().find(|k| **k == snake) {
        return Some(known);
    }
    if let Some((_, known)) = ALIASES.iter().find(|(alias, _)| *alias == snake) {
        return allowed.iter().find(|k| *k == known).copied();
    }
    allowed
        .iter()
        .map(|k| (strsim::jaro_winkler(&snake, k), *k))
        .filter(|(score, _)| *score >= 0.88)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, k)| k)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hints() {
        assert_eq!(suggest("allowedOrigins", SCOPE_KEYS), Some("allow_origins"));
        assert_eq!(suggest("allow_origin", SCOPE_KEYS), Some("allow_origins"));
        assert_eq!(suggest("maxAge", SCOPE_KEYS), Some("max_age"));
        assert_eq!(
            suggest("supports_credentials", SCOPE_KEYS),
            Some("allow_credentials")
        );
        assert_eq!(suggest("alow_methods", SCOPE_KEYS), Some("allow_methods"));
        assert_eq!(
            suggest("optionsSuccessStatus", SCOPE_KEYS),
            Some("preflight_status")
        );
        assert_eq!(suggest("zzz", SCOPE_KEYS), None);
    }
}
