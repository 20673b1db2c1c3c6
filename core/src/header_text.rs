//! Header text as bytes, for hosts whose headers arrive as text (WSGI and
//! Node hand over latin-1-decoded strings; Python and JavaScript callers
//! may pass any string).
//!
//! The rule of decisions.md: latin-1 when every character is at most
//! U+00FF (so a byte that arrived on the wire comes back as that byte),
//! otherwise UTF-8. Never an error: odd input is for the engine to
//! classify.

use std::borrow::Cow;

/// The bytes the engine should see for header text `text`.
///
/// ```
/// use unicors::header_text_bytes;
/// assert_eq!(header_text_bytes("https://app.example"), b"https://app.example".as_slice());
/// assert_eq!(header_text_bytes("caf\u{e9}"), b"caf\xe9".as_slice());        // latin-1
/// assert_eq!(header_text_bytes("\u{2603}"), "\u{2603}".as_bytes());          // UTF-8
/// ```
pub fn header_text_bytes(text: &str) -> Cow<'_, [u8]> {
    if text.is_ascii() {
        return Cow::Borrowed(text.as_bytes());
    }
    let latin1: Option<Vec<u8>> = text
        .chars()
        .map(|c| u8::try_from(u32::from(c)).ok())
        .collect();
    match latin1 {
        Some(bytes) => Cow::Owned(bytes),
        None => Cow::Borrowed(text.as_bytes()),
    }
}

/// Appends to `out` the bytes the engine should see for header text given
/// as UTF-16 code units (a JavaScript string read without a UTF-8 detour):
/// the same rule as [`header_text_bytes`] — latin-1 when every unit is at
/// most U+00FF, otherwise UTF-8, with lone surrogates as U+FFFD.
///
/// ```
/// let mut out = Vec::new();
/// unicors::header_utf16_bytes(&[0x63, 0xe9], &mut out);
/// assert_eq!(out, b"c\xe9");
/// ```
pub fn header_utf16_bytes(units: &[u16], out: &mut Vec<u8>) {
    // An OR over every unit and a plain narrowing loop: both vectorise,
    // which matters for a hostile 4 KiB header list.
    if units.iter().fold(0, |any, &unit| any | unit) <= 0xff {
        // Exact: every unit fits in a byte.
        out.extend(units.iter().map(|&unit| unit as u8));
        return;
    }
    out.extend_from_slice(String::from_utf16_lossy(units).as_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_is_borrowed_latin1_is_narrowed_the_rest_is_utf8() {
        assert!(matches!(header_text_bytes("abc"), Cow::Borrowed(b"abc")));
        assert_eq!(&*header_text_bytes("\u{ff}\u{80}"), &[0xff, 0x80]);
        assert_eq!(
            &*header_text_bytes("\u{e9}\u{100}"),
            "\u{e9}\u{100}".as_bytes()
        );
        assert_eq!(&*header_text_bytes(""), b"");
    }

    #[test]
    fn utf16_follows_the_same_rule_as_text() {
        for text in [
            "abc",
            "\u{ff}\u{80}",
            "\u{e9}\u{100}",
            "",
            "\u{2603}x",
            "\u{1f600}",
        ] {
            let units: Vec<u16> = text.encode_utf16().collect();
            let mut out = vec![b'!'];
            header_utf16_bytes(&units, &mut out);
            assert_eq!(&out[1..], &*header_text_bytes(text), "{text:?}");
        }
        let mut out = Vec::new();
        header_utf16_bytes(&[0xd800, 0x61], &mut out); // a lone surrogate
        assert_eq!(out, "\u{fffd}a".as_bytes());
    }
}
