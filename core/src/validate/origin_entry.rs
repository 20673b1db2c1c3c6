//! One entry of `allow_origins`: `*`, an exact origin, or a pattern with a
//! subdomain wildcard (`https://*.example.com`), a port wildcard
//! (`http://localhost:*`) or both. Entries must be written in the exact
//! form a browser sends; anything else is refused with the canonical form.

use crate::origin::parse_port;
use crate::origin_matcher::{OriginPattern, PortSpec};
use crate::problem::ProblemCode;

/// Schemes the URL standard calls special: their origins are parsed (and
/// canonicalised) by a URL parser. Other schemes are checked by grammar.
const SPECIAL_SCHEMES: [&str; 5] = ["http", "https", "ws", "wss", "ftp"];

/// Schemes whose documents have opaque origins (serialised as `null`).
const OPAQUE_SCHEMES: [&str; 4] = ["about", "blob", "data", "javascript"];

/// Schemes whose traffic is readable on the network.
const PLAINTEXT_SCHEMES: [&str; 3] = ["http", "ws", "ftp"];

/// A parsed `allow_origins` entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum OriginEntry {
    /// `*`
    Any,
    /// A canonical origin or pattern.
    Origin(OriginSpec),
}

/// The parts of a canonical origin or pattern.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct OriginSpec {
    pub(crate) scheme: String,
    /// The host; for subdomain patterns the base domain after `*.`.
    pub(crate) host: String,
    pub(crate) subdomains: bool,
    pub(crate) port: PortSpec,
}

impl OriginSpec {
    /// The canonical text of the entry.
    pub(crate) fn text(&self) -> String {
        let wildcard = if self.subdomains { "*." } else { "" };
        let port = match self.port {
            PortSpec::Default => String::new(),
            PortSpec::Fixed(port) => format!(":{port}"),
            PortSpec::Any => ":*".to_owned(),
        };
        format!("{}://{wildcard}{}{port}", self.scheme, self.host)
    }

    /// Whether a request `Origin` could ever match: the entry, with any
    /// wildcard replaced by a sample label or port, passes the strict
    /// grammar requests are held to.
    pub(crate) fn is_sendable(&self) -> bool {
        let sample = OriginSpec {
            scheme: self.scheme.clone(),
            host: if self.subdomains {
                format!("x.{}", self.host)
            } else {
                self.host.clone()
            },
            subdomains: false,
            port: if self.port == PortSpec::Any {
                PortSpec::Fixed(1)
            } else {
                self.port
            },
        };
        crate::origin::parse_serialized(sample.text().as_bytes()).is_some()
    }

    /// Whether the host is a DNS name (special schemes), so the Public
    /// Suffix List applies to it.
    pub(crate) fn is_dns(&self) -> bool {
        SPECIAL_SCHEMES.contains(&self.scheme.as_str())
    }

    /// Whether the entry is one exact origin (no wildcard).
    pub(crate) fn is_exact(&self) -> bool {
        !self.subdomains && self.port != PortSpec::Any
    }

    pub(crate) fn pattern(&self) -> OriginPattern {
        OriginPattern {
            scheme: self.scheme.clone(),
            host: self.host.clone(),
            subdomains: self.subdomains,
            port: self.port,
        }
    }

    /// Plain-text scheme on a host that is not this machine.
    pub(crate) fn is_insecure(&self) -> bool {
        PLAINTEXT_SCHEMES.contains(&self.scheme.as_str()) && !self.is_loopback()
    }

    fn is_loopback(&self) -> bool {
        let host = self.host.as_str();
        host == "localhost"
            || host.ends_with(".localhost")
            || host == "[::1]"
            || (!self.subdomains
                && host.starts_with("127.")
                && host.bytes().all(|b| b.is_ascii_digit() || b == b'.'))
    }
}

/// Why an entry was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct EntryProblem {
    pub(crate) code: ProblemCode,
    pub(crate) message: String,
}

fn problem(code: ProblemCode, message: impl Into<String>) -> EntryProblem {
    EntryProblem {
        code,
        message: message.into(),
    }
}

const SHAPE: &str =
    "an origin is scheme://host[:port] with no path, e.g. \"https://app.example.com\"";

/// Parses and checks one entry.
pub(crate) fn parse(text: &str) -> Result<OriginEntry, EntryProblem> {
    if text == "*" {
        return Ok(OriginEntry::Any);
    }
    if text.eq_ignore_ascii_case("null") {
        return Err(problem(
            ProblemCode::OriginNull,
            "`null` is not an origin to list: any site can send it (sandboxed iframes, file: pages); \
             set allow_null_origin = true if you really need it",
        ));
    }
    let Some((scheme_text, rest)) = text.split_once("://") else {
        let looks_like_host = !text.is_empty()
            && text
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-'));
        let hint = if looks_like_host {
            format!("; did you mean \"https://{text}\"?")
        } else {
            String::new()
        };
        return Err(problem(
            ProblemCode::OriginMalformed,
            format!("missing scheme: {SHAPE}{hint}"),
        ));
    };
    if !is_scheme(scheme_text) {
        return Err(problem(
            ProblemCode::OriginMalformed,
            format!("invalid scheme: {SHAPE}"),
        ));
    }
    let scheme = scheme_text.to_ascii_lowercase();
    if OPAQUE_SCHEMES.contains(&scheme.as_str()) {
        return Err(problem(
            ProblemCode::OriginMalformed,
            format!(
                "browsers send `Origin: null` from {scheme}: documents, never a {scheme}: origin"
            ),
        ));
    }
    if scheme == "file" {
        return Err(problem(
            ProblemCode::OriginFileScheme,
            "browsers send `Origin: null` for file: pages, never a file: origin",
        ));
    }
    let (rest, any_port) = match rest.strip_suffix(":*") {
        Some(rest) => (rest, true),
        None => (rest, false),
    };
    let (host_and_port, subdomains) = match rest.strip_prefix("*.") {
        Some(rest) => (rest, true),
        None => (rest, false),
    };
    if host_and_port.contains('*') {
        return Err(problem(
            ProblemCode::OriginMalformed,
            "`*` may only appear as a whole origin, as `*.` before the host (any subdomain) \
             or as `:*` for the port (any port)",
        ));
    }
    let port_part = match host_and_port.rfind(']') {
        Some(close) => &host_and_port[close..],
        None => host_and_port,
    };
    if any_port && port_part.contains(':') {
        return Err(problem(
            ProblemCode::OriginMalformed,
            "two ports: use either a port or `:*`",
        ));
    }
    let spec = if SPECIAL_SCHEMES.contains(&scheme.as_str()) {
        parse_special(&scheme, host_and_port, subdomains, any_port)?
    } else {
        parse_other(&scheme, host_and_port, subdomains, any_port)?
    };
    let canonical = spec.text();
    if canonical.len() > crate::origin::MAX_ORIGIN_LEN {
        return Err(problem(
            ProblemCode::OriginMalformed,
            format!(
                "longer than {} bytes: requests carrying it are refused as origin_too_large",
                crate::origin::MAX_ORIGIN_LEN
            ),
        ));
    }
    if !spec.is_sendable() {
        return Err(problem(
            ProblemCode::OriginMalformed,
            format!(
                "a browser never sends this origin: hosts are letters, digits and `-._~` (or an IP address); {SHAPE}"
            ),
        ));
    }
    if canonical != text {
        return Err(problem(
            ProblemCode::OriginNotCanonical,
            format!("browsers send this origin as \"{canonical}\"; write it that way"),
        ));
    }
    Ok(OriginEntry::Origin(spec))
}

fn is_scheme(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

/// Canonicalises through the URL standard's parser (`url` crate), so
/// punycode, IPv4/IPv6 serialisation and default ports come out exactly
/// as a browser serialises them.
fn parse_special(
    scheme: &str,
    host_and_port: &str,
    subdomains: bool,
    any_port: bool,
) -> Result<OriginSpec, EntryProblem> {
    // A placeholder label stands in for `*.` so the base parses as a host.
    let placeholder = if subdomains { "x." } else { "" };
    let probe = format!("{scheme}://{placeholder}{host_and_port}");
    let url = url::Url::parse(&probe).map_err(|e| {
        let message = if subdomains {
            format!("`*.` must be followed by a domain name ({e})")
        } else {
            format!("{e}: {SHAPE}")
        };
        problem(ProblemCode::OriginMalformed, message)
    })?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(problem(
            ProblemCode::OriginMalformed,
            format!("an origin has no user info: {SHAPE}"),
        ));
    }
    let host = match url.host() {
        Some(url::Host::Domain(domain)) => domain.to_owned(),
        Some(url::Host::Ipv4(_) | url::Host::Ipv6(_)) if subdomains => {
            return Err(problem(
                ProblemCode::OriginMalformed,
                "`*.` needs a domain name, not an IP address",
            ));
        }
        Some(host) => host.to_string(),
        None => {
            return Err(problem(
                ProblemCode::OriginMalformed,
                format!("missing host: {SHAPE}"),
            ));
        }
    };
    let host = match host.strip_prefix(placeholder) {
        Some(base) if subdomains => base.to_owned(),
        _ => host,
    };
    if subdomains && (host.is_empty() || host.starts_with('.')) {
        return Err(problem(
            ProblemCode::OriginMalformed,
            "`*.` must be followed by a domain name",
        ));
    }
    let port = match (url.port(), any_port) {
        (Some(_), true) => {
            return Err(problem(
                ProblemCode::OriginMalformed,
                "two ports: use either a port or `:*`",
            ));
        }
        (Some(0), false) => {
            return Err(problem(
                ProblemCode::OriginMalformed,
                "port 0 is not a port browsers use",
            ));
        }
        (Some(port), false) => PortSpec::Fixed(port),
        (None, true) => PortSpec::Any,
        (None, false) => PortSpec::Default,
    };
    Ok(OriginSpec {
        scheme: scheme.to_owned(),
        host,
        subdomains,
        port,
    })
}

/// Non-special schemes (`chrome-extension://…`, `tauri://localhost`) are
/// checked by grammar: a URL parser would turn them into opaque origins.
fn parse_other(
    scheme: &str,
    host_and_port: &str,
    subdomains: bool,
    any_port: bool,
) -> Result<OriginSpec, EntryProblem> {
    let (authority, path) = match host_and_port.find(['/', '?', '#']) {
        Some(end) => host_and_port.split_at(end),
        None => (host_and_port, ""),
    };
    let (host, port_text) = match authority.rsplit_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (authority, None),
    };
    if host.is_empty()
        || !host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'))
    {
        return Err(problem(
            ProblemCode::OriginMalformed,
            format!("invalid host: {SHAPE}"),
        ));
    }
    let port = match (port_text, any_port) {
        (Some(_), true) => {
            return Err(problem(
                ProblemCode::OriginMalformed,
                "two ports: use either a port or `:*`",
            ));
        }
        (Some(digits), false) => {
            PortSpec::Fixed(parse_port(digits.as_bytes()).ok_or_else(|| {
                problem(
                    ProblemCode::OriginMalformed,
                    "the port must be 1 to 65535 without leading zeros",
                )
            })?)
        }
        (None, true) => PortSpec::Any,
        (None, false) => PortSpec::Default,
    };
    let spec = OriginSpec {
        scheme: scheme.to_owned(),
        host: host.to_ascii_lowercase(),
        subdomains,
        port,
    };
    if !path.is_empty() {
        return Err(problem(
            ProblemCode::OriginNotCanonical,
            format!("an origin has no path; browsers send \"{}\"", spec.text()),
        ));
    }
    Ok(spec)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(text: &str) -> OriginSpec {
        match parse(text) {
            Ok(OriginEntry::Origin(spec)) => spec,
            other => panic!("{text}: {other:?}"),
        }
    }

    fn err(text: &str) -> (ProblemCode, String) {
        match parse(text) {
            Err(p) => (p.code, p.message),
            other => panic!("{text}: {other:?}"),
        }
    }

    #[test]
    fn canonical_entries() {
        assert!(ok("https://app.example.com").is_exact());
        assert_eq!(ok("https://admin.example:8443").port, PortSpec::Fixed(8443));
        assert_eq!(ok("http://[::ffff:7f00:1]").host, "[::ffff:7f00:1]");
        assert_eq!(
            ok("https://xn--caf-dma.example").host,
            "xn--caf-dma.example"
        );
        let wild = ok("https://*.example.com:*");
        assert!(wild.subdomains && wild.port == PortSpec::Any && wild.host == "example.com");
        assert_eq!(ok("http://localhost:*").port, PortSpec::Any);
        assert_eq!(ok("chrome-extension://abcdefgh").host, "abcdefgh");
        assert_eq!(ok("tauri://localhost").scheme, "tauri");
        assert_eq!(parse("*"), Ok(OriginEntry::Any));
    }

    #[test]
    fn non_canonical_entries_name_the_canonical_form() {
        for (text, canonical) in [
            ("https://app.example.com/", "https://app.example.com"),
            ("https://App.Example.com", "https://app.example.com"),
            ("HTTPS://app.example.com", "https://app.example.com"),
            ("https://app.example.com:443", "https://app.example.com"),
            ("http://a.example:80", "http://a.example"),
            ("https://café.example", "https://xn--caf-dma.example"),
            ("http://[::ffff:127.0.0.1]", "http://[::ffff:7f00:1]"),
            ("http://[0:0:0:0:0:0:0:1]", "http://[::1]"),
            ("http://127.1", "http://127.0.0.1"),
            ("https://*.Example.com", "https://*.example.com"),
            ("https://a.example/path", "https://a.example"),
            ("chrome-extension://ABC", "chrome-extension://abc"),
        ] {
            let (code, message) = err(text);
            assert_eq!(code, ProblemCode::OriginNotCanonical, "{text}");
            assert!(message.contains(canonical), "{text}: {message}");
        }
    }

    #[test]
    fn refused_entries() {
        for (text, code) in [
            ("null", ProblemCode::OriginNull),
            ("file:///etc", ProblemCode::OriginFileScheme),
            ("app.example.com", ProblemCode::OriginMalformed),
            ("https://", ProblemCode::OriginMalformed),
            ("https://user@a.example", ProblemCode::OriginMalformed),
            ("https://a.example:0", ProblemCode::OriginMalformed),
            ("https://a.example:65536", ProblemCode::OriginMalformed),
            ("https://a.*.example", ProblemCode::OriginMalformed),
            ("https://*", ProblemCode::OriginMalformed),
            ("*://a.example", ProblemCode::OriginMalformed),
            ("https://*.1.2.3.4", ProblemCode::OriginMalformed),
            ("https://a.example:443:*", ProblemCode::OriginMalformed),
            ("https://**.example.com", ProblemCode::OriginMalformed),
            ("https://a,b.example", ProblemCode::OriginMalformed),
            ("https://a!b.example", ProblemCode::OriginMalformed),
            ("data://x", ProblemCode::OriginMalformed),
            ("blob://x", ProblemCode::OriginMalformed),
            ("http://*.127.0.0.1", ProblemCode::OriginMalformed),
        ] {
            assert_eq!(err(text).0, code, "{text}");
        }
        assert!(err("app.example.com").1.contains("https://app.example.com"));
        assert!(!err("h*").1.contains("did you mean"));
        assert!(
            err("https://*.1.2.3.4")
                .1
                .contains("`*.` must be followed by a domain name")
        );
    }

    #[test]
    fn insecure_and_loopback() {
        assert!(ok("http://app.example.com").is_insecure());
        assert!(!ok("https://app.example.com").is_insecure());
        assert!(!ok("http://localhost:3000").is_insecure());
        assert!(!ok("http://127.0.0.1:8080").is_insecure());
        assert!(!ok("http://[::1]:8080").is_insecure());
        assert!(!ok("http://*.localhost:*").is_insecure());
        assert!(ok("http://*.example.com").is_insecure());
        assert!(!ok("chrome-extension://abc").is_insecure());
    }
}
