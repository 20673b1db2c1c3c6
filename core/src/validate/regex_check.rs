//! `allow_origin_regex`: compile as full-match (anchored) regexes with the
//! linear-time `regex` crate, and lint the classic mistakes.

use regex::bytes::{RegexBuilder, RegexSet, RegexSetBuilder};

/// Compiled-size cap per regex, so a policy cannot make the engine huge.
const SIZE_LIMIT: usize = 1 << 20;

/// Origins no legitimate allowlist matches: a regex that matches one of
/// them reflects arbitrary origins.
const PROBES: [&str; 4] = [
    "https://unicors-probe.invalid",
    "http://unicors-probe.invalid",
    "https://unicors-probe.invalid:8443",
    "https://a.unicors-probe.invalid",
];

/// The pattern wrapped so that it must match the whole origin.
pub(crate) fn anchored(pattern: &str) -> String {
    format!(r"\A(?:{pattern})\z")
}

/// Compiles one pattern; the error is the regex crate's message.
pub(crate) fn compile_one(pattern: &str) -> Result<regex::bytes::Regex, String> {
    RegexBuilder::new(&anchored(pattern))
        .size_limit(SIZE_LIMIT)
        .build()
        .map_err(|e| e.to_string())
}

/// Compiles the set (every pattern already compiled alone).
pub(crate) fn compile_set(patterns: &[String]) -> Result<RegexSet, String> {
    RegexSetBuilder::new(patterns.iter().map(|p| anchored(p)))
        .size_limit(SIZE_LIMIT * patterns.len().max(1))
        .build()
        .map_err(|e| e.to_string())
}

/// Whether the compiled regex matches an origin nobody means to allow.
pub(crate) fn matches_any_origin(regex: &regex::bytes::Regex) -> bool {
    PROBES.iter().any(|probe| regex.is_match(probe.as_bytes()))
}

/// Whether the pattern has a `.` that is neither escaped, inside a class,
/// nor followed by a quantifier — most likely a literal dot that matches
/// any character (`app.example.com` also matches `appxexample.com`).
pub(crate) fn has_unescaped_literal_dot(pattern: &str) -> bool {
    let bytes = pattern.as_bytes();
    let mut in_class = false;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 1,
            b'[' if !in_class => in_class = true,
            b']' if in_class => in_class = false,
            b'.' if !in_class => {
                let quantified = matches!(bytes.get(i + 1), Some(b'*' | b'+' | b'?' | b'{'));
                if !quantified {
                    return true;
                }
            }
            _ => {}
        }
        i += 1;
    }
    false
}

/// Whether the pattern starts with a literal scheme (`https://`,
/// `https?://`, `(https|http)://`), after an optional `^`.
pub(crate) fn has_literal_scheme(pattern: &str) -> bool {
    let body = pattern
        .strip_prefix('^')
        .or_else(|| pattern.strip_prefix(r"\A"))
        .unwrap_or(pattern);
    let Some(end) = body.find("://").or_else(|| body.find(r":\/\/")) else {
        return false;
    };
    let prefix = &body[..end];
    !prefix.is_empty()
        && prefix.bytes().all(|b| {
            b.is_ascii_lowercase()
                || b.is_ascii_digit()
                || matches!(b, b'?' | b'|' | b'(' | b')' | b':' | b'-' | b'+')
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lints() {
        assert!(has_unescaped_literal_dot(r"https://app.example\.com"));
        assert!(!has_unescaped_literal_dot(r"https://app\.example\.com"));
        assert!(!has_unescaped_literal_dot(r"https://[a-z.]+\.example\.com"));
        assert!(!has_unescaped_literal_dot(r"https://.+\.example\.com"));
        assert!(has_literal_scheme(r"^https://x"));
        assert!(has_literal_scheme(r"https?://x"));
        assert!(has_literal_scheme(r"(?:https|http)://x"));
        assert!(!has_literal_scheme(r".*://x"));
        assert!(!has_literal_scheme(r"x\.example\.com"));
    }

    #[test]
    fn any_origin_probe() {
        assert!(matches_any_origin(&compile_one(".*").unwrap()));
        assert!(matches_any_origin(&compile_one("https://.*").unwrap()));
        assert!(!matches_any_origin(
            &compile_one(r"https://[a-z]+\.example\.com").unwrap()
        ));
    }

    #[test]
    fn anchoring_is_full_match() {
        let re = compile_one(r"https://app\.example\.com").unwrap();
        assert!(re.is_match(b"https://app.example.com"));
        assert!(!re.is_match(b"https://app.example.com.evil.com"));
        assert!(!re.is_match(b"https://evil.com/https://app.example.com"));
        let alternation = compile_one(r"https://a\.example|https://b\.example").unwrap();
        assert!(!alternation.is_match(b"https://a.example.evil"));
    }
}
