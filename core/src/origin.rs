//! The request's `Origin`: bounds, malformed-value detection and the strict
//! `scheme://host[:port]` grammar used before any pattern or host verdict.
//!
//! Nothing here normalises the value: exact matches compare bytes, and the
//! grammar refuses uppercase, default-port games and anything after the
//! port, so a value that passes is echoed exactly as it arrived.

/// Longest `Origin` value the engine looks at (decisions: 2 KiB).
pub(crate) const MAX_ORIGIN_LEN: usize = 2048;

/// Longest DNS label allowed to the left of a subdomain wildcard.
pub(crate) const MAX_LABEL_LEN: usize = 63;

/// Whether an `Origin` value can never be one serialized origin: empty, or
/// containing a comma, whitespace or a control byte. Such values are
/// rejected as malformed (never "not CORS"), and never echoed.
#[inline]
pub(crate) fn is_malformed(value: &[u8]) -> bool {
    if value.is_empty() {
        return true;
    }
    // Eight bytes at a time (origins are short: one to four words), then
    // the tail byte by byte.
    let words = value.chunks_exact(8);
    let tail = words.remainder();
    let mut bad = false;
    for word in words {
        let mut bytes = [0u8; 8];
        bytes.copy_from_slice(word);
        bad |= word_is_bad(u64::from_le_bytes(bytes));
    }
    bad || tail.iter().any(|&b| byte_is_bad(b))
}

/// A byte no serialized origin contains: control, space, comma, DEL.
#[inline(always)]
fn byte_is_bad(b: u8) -> bool {
    (b <= b' ') | (b == b',') | (b == 0x7f)
}

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGHS: u64 = 0x8080_8080_8080_8080;

/// Whether some byte of `x` is below `n` (exact for `n <= 0x80`).
#[inline(always)]
fn has_byte_below(x: u64, n: u8) -> bool {
    x.wrapping_sub(ONES * u64::from(n)) & !x & HIGHS != 0
}

/// [`byte_is_bad`] for eight bytes at once.
#[inline(always)]
fn word_is_bad(x: u64) -> bool {
    has_byte_below(x, b' ' + 1)
        | has_byte_below(x ^ (ONES * u64::from(b',')), 1)
        | has_byte_below(x ^ (ONES * 0x7f), 1)
}

/// A request origin split by the strict grammar.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct OriginParts<'r> {
    pub(crate) scheme: &'r [u8],
    pub(crate) host: &'r [u8],
    /// The port digits (1–5, no leading zero, at most 65535), if any.
    pub(crate) port: Option<u16>,
}

/// Splits `scheme://host[:port]` where the scheme is lowercase
/// (`a-z` then `a-z 0-9 + - .`), the host is a lowercase registered name
/// (`a-z 0-9 - . _ ~`) or a bracketed lowercase IPv6 literal, and the port
/// is 1–5 digits without a leading zero, at most 65535. Returns `None`
/// for anything else (uppercase, userinfo, path, query, `%`, …).
pub(crate) fn parse_serialized(value: &[u8]) -> Option<OriginParts<'_>> {
    let sep = find_scheme_separator(value)?;
    let scheme = &value[..sep];
    if !is_scheme(scheme) {
        return None;
    }
    let rest = &value[sep + 3..];
    let (host, port_part) = if rest.first() == Some(&b'[') {
        let close = rest.iter().position(|&b| b == b']')?;
        let host = &rest[..=close];
        let inner = &host[1..close];
        if inner.is_empty()
            || !inner
                .iter()
                .all(|&b| matches!(b, b'0'..=b'9' | b'a'..=b'f' | b':'))
        {
            return None;
        }
        (host, &rest[close + 1..])
    } else {
        let end = rest.iter().position(|&b| b == b':').unwrap_or(rest.len());
        let host = &rest[..end];
        if host.is_empty() || !host.iter().all(|&b| is_host_byte(b)) {
            return None;
        }
        (host, &rest[end..])
    };
    let port = match port_part {
        [] => None,
        [b':', digits @ ..] => Some(parse_port(digits)?),
        _ => return None,
    };
    Some(OriginParts { scheme, host, port })
}

fn find_scheme_separator(value: &[u8]) -> Option<usize> {
    value.windows(3).position(|w| w == b"://")
}

fn is_scheme(scheme: &[u8]) -> bool {
    match scheme {
        [first, rest @ ..] => {
            first.is_ascii_lowercase()
                && rest.iter().all(|&b| {
                    b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'+' | b'-' | b'.')
                })
        }
        [] => false,
    }
}

fn is_host_byte(b: u8) -> bool {
    b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'-' | b'.' | b'_' | b'~')
}

/// 1–5 ASCII digits, no leading zero, at most 65535.
pub(crate) fn parse_port(digits: &[u8]) -> Option<u16> {
    if digits.is_empty() || digits.len() > 5 || digits[0] == b'0' {
        return None;
    }
    let mut port: u32 = 0;
    for &d in digits {
        if !d.is_ascii_digit() {
            return None;
        }
        port = port * 10 + u32::from(d - b'0');
    }
    u16::try_from(port).ok()
}

/// Whether `label` may stand to the left of a subdomain wildcard's base:
/// 1–63 bytes of `a-z 0-9 -`.
#[inline]
pub(crate) fn is_wildcard_label(label: &[u8]) -> bool {
    !label.is_empty()
        && label.len() <= MAX_LABEL_LEN
        && label
            .iter()
            .all(|&b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(value: &str) -> Option<(String, String, Option<u16>)> {
        parse_serialized(value.as_bytes()).map(|p| {
            (
                String::from_utf8_lossy(p.scheme).into_owned(),
                String::from_utf8_lossy(p.host).into_owned(),
                p.port,
            )
        })
    }

    #[test]
    fn accepts_serialized_origins() {
        assert_eq!(
            parts("https://a.example"),
            Some(("https".into(), "a.example".into(), None))
        );
        assert_eq!(
            parts("http://localhost:3000"),
            Some(("http".into(), "localhost".into(), Some(3000)))
        );
        assert_eq!(
            parts("http://[::1]:8080"),
            Some(("http".into(), "[::1]".into(), Some(8080)))
        );
        assert_eq!(
            parts("chrome-extension://abcdef"),
            Some(("chrome-extension".into(), "abcdef".into(), None))
        );
        assert_eq!(
            parts("https://x.example:65535").map(|p| p.2),
            Some(Some(65535))
        );
    }

    #[test]
    fn refuses_everything_else() {
        for bad in [
            "https://a.example/",
            "https://A.example",
            "HTTPS://a.example",
            "https://a.example:",
            "https://a.example:0",
            "https://a.example:08080",
            "https://a.example:65536",
            "https://a.example:123456",
            "https://user@a.example",
            "https://a.example?x",
            "https://a.example#x",
            "https://a%2eexample",
            "https://",
            "://a.example",
            "a.example",
            "https://[::FFFF]",
            "https://[::1",
            "https://[::1]x",
            "https://a.example:80:80",
            "https://a\\b.example",
            "null",
        ] {
            assert_eq!(parts(bad), None, "{bad}");
        }
    }

    #[test]
    fn malformed_values() {
        assert!(is_malformed(b""));
        assert!(is_malformed(b"https://a, https://b"));
        assert!(is_malformed(b"https://a.example "));
        assert!(is_malformed(b"https://a.example\r\nX: y"));
        assert!(is_malformed(b"https://a\x00"));
        assert!(!is_malformed(b"https://a.example"));
        assert!(!is_malformed(b"null"));
    }

    #[test]
    fn word_check_agrees_with_byte_check() {
        let interesting = [
            0u8, 1, 9, 10, 13, 31, 32, 33, 43, 44, 45, 126, 127, 128, 200, 255, b'a', b':', b'/',
        ];
        for len in 1..=20 {
            for position in 0..len {
                for &b in &interesting {
                    let mut value = vec![b'a'; len];
                    value[position] = b;
                    let expected = value.iter().any(|&x| byte_is_bad(x));
                    assert_eq!(is_malformed(&value), expected, "{value:?}");
                }
            }
        }
        assert!(!is_malformed(b"https://app.example.com:8443"));
        assert!(is_malformed(b"https://app.example.com,https://b"));
    }

    #[test]
    fn wildcard_labels() {
        assert!(is_wildcard_label(b"a-1"));
        assert!(!is_wildcard_label(b""));
        assert!(!is_wildcard_label(b"A"));
        assert!(!is_wildcard_label(b"a_b"));
        assert!(!is_wildcard_label(&[b'a'; 64]));
        assert!(is_wildcard_label(&[b'a'; 63]));
    }
}
