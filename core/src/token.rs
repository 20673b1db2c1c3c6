//! RFC 9110 `token` grammar, the syntax of methods and header names.

/// `tchar` of RFC 9110 §5.6.2, as a lookup table for the hot path.
const TCHAR: [bool; 256] = {
    let mut table = [false; 256];
    let mut byte = 0;
    while byte < 256 {
        let c = byte as u8;
        table[byte] = c.is_ascii_alphanumeric()
            || matches!(
                c,
                b'!' | b'#'
                    | b'$'
                    | b'%'
                    | b'&'
                    | b'\''
                    | b'*'
                    | b'+'
                    | b'-'
                    | b'.'
                    | b'^'
                    | b'_'
                    | b'`'
                    | b'|'
                    | b'~'
            );
        byte += 1;
    }
    table
};

/// Whether `byte` may appear in a token.
#[inline]
pub(crate) fn is_tchar(byte: u8) -> bool {
    TCHAR[byte as usize]
}

/// Whether `bytes` is a non-empty token.
#[inline]
pub(crate) fn is_token(bytes: &[u8]) -> bool {
    !bytes.is_empty() && bytes.iter().all(|&b| is_tchar(b))
}

/// HTTP optional whitespace (SP / HTAB).
#[inline]
pub(crate) fn is_ows(byte: u8) -> bool {
    byte == b' ' || byte == b'\t'
}

/// Removes leading and trailing OWS.
#[inline]
pub(crate) fn trim_ows(mut bytes: &[u8]) -> &[u8] {
    while let [first, rest @ ..] = bytes {
        if !is_ows(*first) {
            break;
        }
        bytes = rest;
    }
    while let [rest @ .., last] = bytes {
        if !is_ows(*last) {
            break;
        }
        bytes = rest;
    }
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens() {
        assert!(is_token(b"x-request-id"));
        assert!(is_token(b"PATCH"));
        assert!(is_token(b"*"));
        assert!(!is_token(b""));
        assert!(!is_token(b"a b"));
        assert!(!is_token(b"a:b"));
        assert!(!is_token(b"a,b"));
        assert!(!is_token(b"caf\xc3\xa9"));
        assert!(!is_token(b"a\"b"));
    }

    #[test]
    fn trims_only_ows() {
        assert_eq!(trim_ows(b" \ta b\t "), b"a b");
        assert_eq!(trim_ows(b"   "), b"");
        assert_eq!(trim_ows(b"\r\na\n"), b"\r\na\n");
    }
}
