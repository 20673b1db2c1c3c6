//! What differs between two decisions on the same request: the measure a
//! report-only (shadow) policy is judged by.

use std::fmt;

use crate::decision::Decision;

/// The parts of two decisions that differ, as a small bit set. Empty when
/// the two would give the browser exactly the same response.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Difference(u8);

/// The parts, with their stable names, in report order.
const PARTS: [(Difference, &str); 5] = [
    (Difference::KIND, "kind"),
    (Difference::REASON, "reason"),
    (Difference::STATUS, "status"),
    (Difference::HEADERS, "headers"),
    (Difference::VARY, "vary"),
];

impl Difference {
    /// Nothing differs.
    pub const NONE: Difference = Difference(0);
    /// The kinds differ (e.g. `actual` against `rejected`).
    pub const KIND: Difference = Difference(1);
    /// The rejection reasons differ (including one rejected, one not).
    pub const REASON: Difference = Difference(2);
    /// The status to answer now differs (or only one answers now).
    pub const STATUS: Difference = Difference(4);
    /// The headers to set differ: a name present in one only, or a value.
    pub const HEADERS: Difference = Difference(8);
    /// The `Vary` names differ.
    pub const VARY: Difference = Difference(16);

    /// What differs between `a` and `b`. Allocation-free.
    pub fn between(a: &Decision<'_>, b: &Decision<'_>) -> Difference {
        let mut bits = 0;
        if a.kind() != b.kind() {
            bits |= Difference::KIND.0;
        }
        if a.reason() != b.reason() {
            bits |= Difference::REASON.0;
        }
        if a.status() != b.status() {
            bits |= Difference::STATUS.0;
        }
        if !a.headers().eq(b.headers()) {
            bits |= Difference::HEADERS.0;
        }
        if a.vary() != b.vary() {
            bits |= Difference::VARY.0;
        }
        Difference(bits)
    }

    /// Whether nothing differs.
    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// Whether every part of `other` differs here too.
    pub const fn contains(self, other: Difference) -> bool {
        self.0 & other.0 == other.0
    }

    /// The parts as bits (`kind` 1, `reason` 2, `status` 4, `headers` 8,
    /// `vary` 16), the same on every surface.
    pub const fn bits(self) -> u32 {
        self.0 as u32
    }

    /// The parts of `bits` (unknown bits ignored).
    pub const fn from_bits(bits: u32) -> Difference {
        Difference((bits & 31) as u8)
    }

    /// The stable names of the parts that differ, in report order.
    pub fn names(self) -> impl Iterator<Item = &'static str> {
        PARTS
            .into_iter()
            .filter(move |(part, _)| self.contains(*part))
            .map(|(_, name)| name)
    }
}

impl std::ops::BitOr for Difference {
    type Output = Difference;
    fn bitor(self, other: Difference) -> Difference {
        Difference(self.0 | other.0)
    }
}

/// The names joined with `", "`, or `none`.
impl fmt::Display for Difference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_empty() {
            return f.write_str("none");
        }
        for (i, name) in self.names().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            f.write_str(name)?;
        }
        Ok(())
    }
}
