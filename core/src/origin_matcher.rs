//! The compiled origin allowlist. Every look-up is a hash probe, so a
//! policy with 1000 origins costs what a policy with 3 costs.
//!
//! - exact origins: one hash set of the configured bytes;
//! - `scheme://host:*`: a table keyed by scheme then host;
//! - `scheme://*.base[:port|:*]`: a table keyed by scheme then base domain,
//!   probed once per label boundary of the request's host (only where the
//!   labels to the left are valid and the remaining suffix is no longer
//!   than the longest configured base);
//! - anchored regexes: one `RegexSet`.
//!
//! Patterns and regexes only see origins that pass the strict grammar of
//! [`crate::origin::parse_serialized`], so no path, userinfo, uppercase or
//! odd port ever reaches them.

use regex::bytes::RegexSet;
use rustc_hash::{FxHashMap, FxHashSet};

use crate::origin::{OriginParts, is_wildcard_label, parse_serialized};

/// Which ports a pattern accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum PortSpec {
    /// No port in the origin (the scheme's default).
    Default,
    /// Exactly this port.
    Fixed(u16),
    /// `:*` — any explicit port, 1 to 65535.
    Any,
}

/// A validated origin pattern with at least one wildcard.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct OriginPattern {
    pub(crate) scheme: String,
    /// The host, or for subdomain patterns the base domain after `*.`.
    pub(crate) host: String,
    pub(crate) subdomains: bool,
    pub(crate) port: PortSpec,
}

#[derive(Clone, Debug, Default)]
struct PortRule {
    default: bool,
    any: bool,
    ports: Vec<u16>,
}

impl PortRule {
    fn add(&mut self, spec: PortSpec) {
        match spec {
            PortSpec::Default => self.default = true,
            PortSpec::Any => self.any = true,
            PortSpec::Fixed(port) => {
                if !self.ports.contains(&port) {
                    self.ports.push(port);
                }
            }
        }
    }

    #[inline]
    fn accepts(&self, port: Option<u16>) -> bool {
        match port {
            None => self.default,
            Some(port) => self.any || self.ports.contains(&port),
        }
    }
}

type SchemeTable = FxHashMap<Box<[u8]>, FxHashMap<Box<[u8]>, PortRule>>;

/// The allowlist of one policy scope.
#[derive(Clone, Debug, Default)]
pub(crate) struct OriginMatcher {
    any: bool,
    exact: FxHashSet<Box<[u8]>>,
    any_port_hosts: SchemeTable,
    subdomains: SchemeTable,
    max_base_len: usize,
    regexes: Option<RegexSet>,
}

impl OriginMatcher {
    pub(crate) fn allow_any(&mut self) {
        self.any = true;
    }

    pub(crate) fn add_exact(&mut self, origin: &str) {
        self.exact.insert(origin.as_bytes().into());
    }

    pub(crate) fn add_pattern(&mut self, pattern: &OriginPattern) {
        let table = if pattern.subdomains {
            self.max_base_len = self.max_base_len.max(pattern.host.len());
            &mut self.subdomains
        } else {
            &mut self.any_port_hosts
        };
        table
            .entry(pattern.scheme.as_bytes().into())
            .or_default()
            .entry(pattern.host.as_bytes().into())
            .or_default()
            .add(pattern.port);
    }

    pub(crate) fn set_regexes(&mut self, set: RegexSet) {
        self.regexes = (!set.is_empty()).then_some(set);
    }

    /// Whether this exact origin is listed (a listed origin is a validated
    /// serialized origin, so a byte-equal request value is well formed).
    #[inline]
    pub(crate) fn contains_exact(&self, origin: &[u8]) -> bool {
        self.exact.contains(origin)
    }

    /// Whether `*` is in the list.
    pub(crate) fn allows_any(&self) -> bool {
        self.any
    }

    /// Whether the policy allows this (well-formed, non-null) origin.
    #[cfg(test)]
    pub(crate) fn matches(&self, origin: &[u8]) -> bool {
        self.exact.contains(origin) || self.matches_non_exact(origin)
    }

    /// [`matches`](Self::matches) without the exact set, for a caller that
    /// already probed it.
    #[inline]
    pub(crate) fn matches_non_exact(&self, origin: &[u8]) -> bool {
        if self.any {
            return true;
        }
        if self.any_port_hosts.is_empty() && self.subdomains.is_empty() && self.regexes.is_none() {
            return false;
        }
        let Some(parts) = parse_serialized(origin) else {
            return false;
        };
        self.matches_any_port_host(&parts)
            || self.matches_subdomain(&parts)
            || self
                .regexes
                .as_ref()
                .is_some_and(|set| set.is_match(origin))
    }

    fn matches_any_port_host(&self, parts: &OriginParts<'_>) -> bool {
        self.any_port_hosts
            .get(parts.scheme)
            .and_then(|hosts| hosts.get(parts.host))
            .is_some_and(|rule| rule.accepts(parts.port))
    }

    fn matches_subdomain(&self, parts: &OriginParts<'_>) -> bool {
        let Some(bases) = self.subdomains.get(parts.scheme) else {
            return false;
        };
        let host = parts.host;
        // Only suffixes no longer than the longest base can match.
        let window_start = host.len().saturating_sub(self.max_base_len + 1);
        let mut label_start = 0;
        for (dot, _) in host.iter().enumerate().filter(|(_, b)| **b == b'.') {
            if !is_wildcard_label(&host[label_start..dot]) {
                return false;
            }
            if dot >= window_start
                && bases
                    .get(&host[dot + 1..])
                    .is_some_and(|rule| rule.accepts(parts.port))
            {
                return true;
            }
            label_start = dot + 1;
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matcher(exact: &[&str], patterns: &[(&str, &str, bool, PortSpec)]) -> OriginMatcher {
        let mut m = OriginMatcher::default();
        for e in exact {
            m.add_exact(e);
        }
        for (scheme, host, subdomains, port) in patterns {
            m.add_pattern(&OriginPattern {
                scheme: (*scheme).into(),
                host: (*host).into(),
                subdomains: *subdomains,
                port: *port,
            });
        }
        m
    }

    #[test]
    fn exact_is_byte_for_byte() {
        let m = matcher(&["https://foo.com", "https://bar.com"], &[]);
        assert!(m.matches(b"https://foo.com"));
        assert!(!m.matches(b"https://barfoo.com"));
        assert!(!m.matches(b"https://FOO.com"));
        assert!(!m.matches(b"https://foo.com:443"));
    }

    #[test]
    fn subdomain_patterns() {
        let m = matcher(
            &[],
            &[
                ("https", "example.com", true, PortSpec::Default),
                ("https", "other.org", true, PortSpec::Any),
                ("https", "fixed.net", true, PortSpec::Fixed(8443)),
            ],
        );
        assert!(m.matches(b"https://a.example.com"));
        assert!(m.matches(b"https://a.b.example.com"));
        assert!(!m.matches(b"https://example.com"));
        assert!(!m.matches(b"https://aexample.com"));
        assert!(!m.matches(b"https://a.example.com:443"));
        assert!(!m.matches(b"http://a.example.com"));
        assert!(!m.matches(b"https://a_b.example.com"));
        assert!(!m.matches(b"https://.example.com"));
        assert!(!m.matches(b"https://a..example.com"));
        assert!(m.matches(b"https://x.other.org:1"));
        assert!(!m.matches(b"https://x.other.org"));
        assert!(m.matches(b"https://x.fixed.net:8443"));
        assert!(!m.matches(b"https://x.fixed.net:8444"));
        assert!(!m.matches(b"https://x.example.com.evil.org"));
    }

    #[test]
    fn any_port_hosts() {
        let m = matcher(&[], &[("http", "localhost", false, PortSpec::Any)]);
        assert!(m.matches(b"http://localhost:3000"));
        assert!(m.matches(b"http://localhost:65535"));
        assert!(!m.matches(b"http://localhost"));
        assert!(!m.matches(b"http://localhost:0"));
        assert!(!m.matches(b"http://localhost:03000"));
        assert!(!m.matches(b"http://localhost:65536"));
        assert!(!m.matches(b"http://localhost.evil.com:3000"));
        assert!(!m.matches(b"http://localhost:3000/"));
    }
}
