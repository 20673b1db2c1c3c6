//! A small sorted set of byte names (methods, header names) with an exact
//! look-up that stays inline: no `memcmp` call for 3–30-byte names.

/// Sorted, deduplicated names.
#[derive(Clone, Debug, Default)]
pub(crate) struct NameSet {
    names: Vec<Box<[u8]>>,
}

/// Sets up to this size are scanned; larger ones are binary-searched.
const SCAN_LIMIT: usize = 16;

/// Byte equality without a library call: lengths first, then a loop that
/// leaves at the first difference (names differ early).
#[inline(always)]
fn same(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

impl NameSet {
    pub(crate) fn new(mut names: Vec<Box<[u8]>>) -> NameSet {
        names.sort_unstable();
        names.dedup();
        NameSet { names }
    }

    /// Whether `name` is in the set, byte for byte.
    #[inline]
    pub(crate) fn contains(&self, name: &[u8]) -> bool {
        if self.names.len() <= SCAN_LIMIT {
            self.names.iter().any(|stored| same(stored, name))
        } else {
            self.search_by(|stored| stored.cmp(name))
        }
    }

    /// Binary search of the sorted names with a custom order (e.g. one
    /// that ignores the case of the probe).
    #[inline]
    pub(crate) fn search_by(&self, mut order: impl FnMut(&[u8]) -> std::cmp::Ordering) -> bool {
        self.names.binary_search_by(|stored| order(stored)).is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_and_large_sets() {
        let small = NameSet::new(vec![b"PUT".as_slice().into(), b"PATCH".as_slice().into()]);
        assert!(small.contains(b"PUT"));
        assert!(!small.contains(b"PU"));
        assert!(!small.contains(b"PUTS"));
        assert!(!small.contains(b"put"));
        let large = NameSet::new(
            (0..100)
                .map(|i| format!("x-{i}").into_bytes().into_boxed_slice())
                .collect(),
        );
        assert!(large.contains(b"x-42"));
        assert!(!large.contains(b"x-420"));
    }
}
