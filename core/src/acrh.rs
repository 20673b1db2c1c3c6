//! `Access-Control-Request-Headers`: one bounded pass over every line.
//!
//! The total size of all lines is capped (8 KiB) before any parsing, by
//! the caller. Below the cap any well-formed `#field-name` list is
//! accepted — any order, case, OWS, empty elements, duplicates, split over
//! several lines — and the first name the policy refuses ends the pass.

use std::borrow::Cow;

use crate::header_rules::HeaderRules;
use crate::reason::Reason;
use crate::request::{CorsHeader, classify};
use crate::token::trim_ows;

/// Largest `Access-Control-Request-Headers` (all lines together) the
/// engine parses.
pub(crate) const MAX_REQUEST_HEADERS_BYTES: usize = 8 * 1024;

/// Checks every requested name and returns what to echo in
/// `Access-Control-Allow-Headers`: `None` when no name was requested, the
/// request's own bytes when they are already canonical (one line of
/// lowercase names joined by `,`, as browsers send), else a normalised copy.
///
/// With `scratch`, the normalised copy is written there (reusing its
/// capacity) and borrowed, so a caller that keeps one buffer allocates
/// nothing.
pub(crate) fn check<'r, H>(
    headers: H,
    rules: &HeaderRules,
    scratch: Option<&'r mut Vec<u8>>,
) -> Result<Option<Cow<'r, [u8]>>, Reason>
where
    H: Iterator<Item = (&'r [u8], &'r [u8])> + Clone,
{
    check_values(
        headers
            .filter(|(name, _)| classify(name) == Some(CorsHeader::RequestHeaders))
            .map(|(_, value)| value),
        rules,
        scratch,
    )
}

/// [`check`] over the ACRH values themselves (one line: `iter::once`).
pub(crate) fn check_values<'r, V>(
    lines: V,
    rules: &HeaderRules,
    scratch: Option<&'r mut Vec<u8>>,
) -> Result<Option<Cow<'r, [u8]>>, Reason>
where
    V: Iterator<Item = &'r [u8]> + Clone,
{
    let mut first_line: Option<&'r [u8]> = None;
    let mut line_count = 0usize;
    let mut names = 0usize;
    let mut canonical = true;
    for value in lines.clone() {
        line_count += 1;
        first_line.get_or_insert(value);
        for element in value.split(|&b| b == b',') {
            let name = trim_ows(element);
            if name.is_empty() {
                canonical = false;
                continue;
            }
            let exact = rules.check_exact_first(name)?;
            canonical &=
                name.len() == element.len() && (exact || !name.iter().any(u8::is_ascii_uppercase));
            names += 1;
        }
    }
    if names == 0 {
        return Ok(None);
    }
    match first_line {
        Some(line) if canonical && line_count == 1 => Ok(Some(Cow::Borrowed(line))),
        _ => Ok(Some(match scratch {
            Some(buffer) => {
                buffer.clear();
                normalise(lines, buffer);
                Cow::Borrowed(buffer.as_slice())
            }
            None => {
                let mut owned = Vec::new();
                normalise(lines, &mut owned);
                Cow::Owned(owned)
            }
        })),
    }
}

/// Lowercase names joined by `,`, without OWS or empty elements.
fn normalise<'r>(values: impl Iterator<Item = &'r [u8]>, out: &mut Vec<u8>) {
    let start = out.len();
    for value in values {
        for name in value
            .split(|&b| b == b',')
            .map(trim_ows)
            .filter(|n| !n.is_empty())
        {
            if out.len() > start {
                out.push(b',');
            }
            out.extend(name.iter().map(u8::to_ascii_lowercase));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules() -> HeaderRules {
        HeaderRules::new(
            false,
            vec![
                b"content-type".as_slice().into(),
                b"x-request-id".as_slice().into(),
            ],
        )
    }

    fn run<'a>(lines: &'a [(&'a [u8], &'a [u8])]) -> Result<Option<Cow<'a, [u8]>>, Reason> {
        check(lines.iter().copied(), &rules(), None)
    }

    const ACRH: &[u8] = b"Access-Control-Request-Headers";

    #[test]
    fn canonical_is_borrowed() {
        let lines: &[(&[u8], &[u8])] = &[(ACRH, b"content-type,x-request-id")];
        assert!(matches!(
            run(lines),
            Ok(Some(Cow::Borrowed(b"content-type,x-request-id")))
        ));
    }

    #[test]
    fn tolerant_forms_are_normalised() {
        let cases: &[&[(&[u8], &[u8])]] = &[
            &[(ACRH, b"Content-Type, X-Request-ID")],
            &[(ACRH, b"content-type,,x-request-id,")],
            &[
                (ACRH, b"content-type"),
                (b"x-other", b"1"),
                (b"access-control-request-headers", b"x-request-id"),
            ],
            &[(ACRH, b" content-type ,\tx-request-id ")],
        ];
        for lines in cases {
            assert_eq!(
                run(lines).unwrap().as_deref(),
                Some(&b"content-type,x-request-id"[..]),
                "{lines:?}"
            );
        }
    }

    #[test]
    fn rejections() {
        let bad: &[(&[u8], &[u8])] = &[(ACRH, b"x-request-id x-other")];
        assert_eq!(run(bad), Err(Reason::RequestHeadersInvalid));
        let bad: &[(&[u8], &[u8])] = &[(ACRH, b"content-type,x-unknown")];
        assert_eq!(run(bad), Err(Reason::HeaderNotAllowed));
        let bad: &[(&[u8], &[u8])] = &[(ACRH, b"a\x00b")];
        assert_eq!(run(bad), Err(Reason::RequestHeadersInvalid));
    }

    #[test]
    fn empty_lists_request_nothing() {
        let lines: &[(&[u8], &[u8])] = &[(ACRH, b""), (ACRH, b" , ,")];
        assert_eq!(run(lines), Ok(None));
    }
}
