//! The request headers a response varies on.

use std::ffi::CStr;
use std::fmt;

/// A request header name that a CORS response may vary on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum VaryName {
    /// `Origin`
    Origin,
    /// `Access-Control-Request-Method`
    RequestMethod,
    /// `Access-Control-Request-Headers`
    RequestHeaders,
    /// `Access-Control-Request-Private-Network`
    RequestPrivateNetwork,
}

impl VaryName {
    const ALL: [VaryName; 4] = [
        VaryName::Origin,
        VaryName::RequestMethod,
        VaryName::RequestHeaders,
        VaryName::RequestPrivateNetwork,
    ];

    /// The header name as conventionally capitalised.
    pub const fn as_str(self) -> &'static str {
        match self {
            VaryName::Origin => "Origin",
            VaryName::RequestMethod => "Access-Control-Request-Method",
            VaryName::RequestHeaders => "Access-Control-Request-Headers",
            VaryName::RequestPrivateNetwork => "Access-Control-Request-Private-Network",
        }
    }

    const fn bit(self) -> u8 {
        1 << self as u8
    }
}

/// The set of names to *append* to the response's `Vary` header (never
/// replacing what the app set, never `*`).
#[derive(Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Vary(u8);

/// The joined value for every subset, so hosts get one static string.
/// NUL-terminated, so C callers get the same static strings.
const JOINED: [&CStr; 16] = {
    let mut table = [c""; 16];
    table[0b0001] = c"Origin";
    table[0b0010] = c"Access-Control-Request-Method";
    table[0b0011] = c"Origin, Access-Control-Request-Method";
    table[0b0100] = c"Access-Control-Request-Headers";
    table[0b0101] = c"Origin, Access-Control-Request-Headers";
    table[0b0110] = c"Access-Control-Request-Method, Access-Control-Request-Headers";
    table[0b0111] = c"Origin, Access-Control-Request-Method, Access-Control-Request-Headers";
    table[0b1000] = c"Access-Control-Request-Private-Network";
    table[0b1001] = c"Origin, Access-Control-Request-Private-Network";
    table[0b1010] = c"Access-Control-Request-Method, Access-Control-Request-Private-Network";
    table[0b1011] =
        c"Origin, Access-Control-Request-Method, Access-Control-Request-Private-Network";
    table[0b1100] = c"Access-Control-Request-Headers, Access-Control-Request-Private-Network";
    table[0b1101] =
        c"Origin, Access-Control-Request-Headers, Access-Control-Request-Private-Network";
    table[0b1110] = c"Access-Control-Request-Method, Access-Control-Request-Headers, Access-Control-Request-Private-Network";
    table[0b1111] = c"Origin, Access-Control-Request-Method, Access-Control-Request-Headers, Access-Control-Request-Private-Network";
    table
};

impl Vary {
    /// No names.
    pub const EMPTY: Vary = Vary(0);

    /// This set plus `name`.
    #[must_use]
    pub const fn with(self, name: VaryName) -> Vary {
        Vary(self.0 | name.bit())
    }

    /// This set without `name`.
    #[must_use]
    pub const fn without(self, name: VaryName) -> Vary {
        Vary(self.0 & !name.bit())
    }

    /// Every name of either set.
    #[must_use]
    pub const fn union(self, other: Vary) -> Vary {
        Vary(self.0 | other.0)
    }

    /// Whether `name` is in the set.
    pub const fn contains(self, name: VaryName) -> bool {
        self.0 & name.bit() != 0
    }

    /// The set named by a joined list such as [`as_str`](Self::as_str)
    /// gives (`"Origin, Access-Control-Request-Method"`), for hosts that
    /// carry a decision's Vary as text; names compare case-insensitively,
    /// others are ignored.
    pub fn from_names(text: &str) -> Vary {
        let mut vary = Vary::EMPTY;
        for element in text.split(',').map(str::trim) {
            for name in VaryName::ALL {
                if element.eq_ignore_ascii_case(name.as_str()) {
                    vary = vary.with(name);
                }
            }
        }
        vary
    }

    /// The set as bits (`Origin` = 1, `Access-Control-Request-Method` = 2,
    /// `Access-Control-Request-Headers` = 4,
    /// `Access-Control-Request-Private-Network` = 8), for hosts that carry
    /// a decision's Vary across a boundary.
    pub const fn bits(self) -> u32 {
        self.0 as u32
    }

    /// The set from [`bits`](Self::bits); unknown bits are ignored.
    pub const fn from_bits(bits: u32) -> Vary {
        Vary((bits & 0b1111) as u8)
    }

    /// Whether the set is empty.
    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The names, in a fixed order.
    pub fn iter(self) -> impl Iterator<Item = VaryName> {
        VaryName::ALL
            .into_iter()
            .filter(move |name| self.contains(*name))
    }

    /// The names of this set that the response's existing `Vary` values do
    /// not list yet (compared case-insensitively), so hosts append each
    /// name once. An existing `Vary: *` already covers everything.
    #[must_use]
    pub fn missing_from<'v>(self, existing: impl IntoIterator<Item = &'v [u8]>) -> Vary {
        let mut missing = self;
        for value in existing {
            for element in value.split(|&b| b == b',').map(crate::token::trim_ows) {
                if element == b"*" {
                    return Vary::EMPTY;
                }
                for name in self.iter() {
                    if element.eq_ignore_ascii_case(name.as_str().as_bytes()) {
                        missing = missing.without(name);
                    }
                }
            }
        }
        missing
    }

    /// The names joined with `", "`, ready to append to `Vary`; empty when
    /// there is nothing to append.
    pub const fn as_str(self) -> &'static str {
        match self.as_c_str().to_str() {
            Ok(text) => text,
            Err(_) => "",
        }
    }

    /// [`as_str`](Self::as_str) as a static NUL-terminated string.
    pub const fn as_c_str(self) -> &'static CStr {
        JOINED[self.0 as usize & 0b1111]
    }
}

impl fmt::Debug for Vary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.iter()).finish()
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn from_names_reads_what_as_str_writes() {
        for bits in 0..16 {
            let vary = Vary::from_bits(bits);
            assert_eq!(Vary::from_names(vary.as_str()), vary);
        }
        assert_eq!(
            Vary::from_names(" origin ,X-Other"),
            Vary::EMPTY.with(VaryName::Origin)
        );
    }

    #[test]
    fn bits_round_trip_and_ignore_unknown_bits() {
        for bits in 0..16 {
            assert_eq!(Vary::from_bits(bits).bits(), bits);
        }
        assert_eq!(Vary::from_bits(0xf1), Vary::EMPTY.with(VaryName::Origin));
        assert_eq!(Vary::EMPTY.with(VaryName::Origin).bits(), 1);
        assert_eq!(Vary::EMPTY.with(VaryName::RequestPrivateNetwork).bits(), 8);
    }

    use super::*;

    #[test]
    fn missing_from_existing_values() {
        let all = Vary::EMPTY
            .with(VaryName::Origin)
            .with(VaryName::RequestMethod)
            .with(VaryName::RequestHeaders);
        let existing: [&[u8]; 2] = [
            b"Accept-Encoding, origin",
            b" access-control-request-method ",
        ];
        assert_eq!(
            all.missing_from(existing),
            Vary::EMPTY.with(VaryName::RequestHeaders)
        );
        assert_eq!(all.missing_from([&b"Accept, *"[..]]), Vary::EMPTY);
        assert_eq!(all.missing_from([&b"Originals"[..]]), all);
        assert_eq!(all.missing_from(std::iter::empty()), all);
    }

    #[test]
    fn joined_table_matches_names() {
        for bits in 0u8..16 {
            let vary = Vary(bits);
            let joined: Vec<_> = vary.iter().map(VaryName::as_str).collect();
            assert_eq!(vary.as_str(), joined.join(", "), "bits {bits:04b}");
        }
    }
}
