//! Per-path-prefix policy scopes: byte-exact, case-sensitive prefixes on
//! segment boundaries, longest prefix wins, query ignored, nothing decoded.

/// Whether `prefix` covers `path` on a segment boundary: `/api` covers
/// `/api` and `/api/x` but not `/apix`; `/api/` and `/` cover what starts
/// with them.
#[inline]
pub(crate) fn covers(prefix: &[u8], path: &[u8]) -> bool {
    path.starts_with(prefix)
        && (path.len() == prefix.len() || prefix.ends_with(b"/") || path[prefix.len()] == b'/')
}

/// The path without its query (anything from the first `?`).
#[inline]
pub(crate) fn strip_query(path: &[u8]) -> &[u8] {
    match path.iter().position(|&b| b == b'?') {
        Some(end) => &path[..end],
        None => path,
    }
}

/// Route prefixes sorted longest first, each with the index of its rules.
#[derive(Clone, Debug, Default)]
pub(crate) struct RouteTable {
    routes: Vec<(Box<[u8]>, usize)>,
}

impl RouteTable {
    pub(crate) fn new(mut routes: Vec<(Box<[u8]>, usize)>) -> RouteTable {
        routes.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then_with(|| a.0.cmp(&b.0)));
        RouteTable { routes }
    }

    /// The rules index of the longest prefix covering `path`, if any.
    #[inline]
    pub(crate) fn select(&self, path: &[u8]) -> Option<usize> {
        if self.routes.is_empty() {
            return None;
        }
        let path = strip_query(path);
        self.routes
            .iter()
            .find(|(prefix, _)| covers(prefix, path))
            .map(|(_, index)| *index)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segment_boundaries() {
        assert!(covers(b"/api", b"/api"));
        assert!(covers(b"/api", b"/api/x"));
        assert!(!covers(b"/api", b"/apix"));
        assert!(!covers(b"/api", b"/ap"));
        assert!(covers(b"/api/", b"/api/x"));
        assert!(!covers(b"/api/", b"/api"));
        assert!(covers(b"/", b"/anything"));
        assert!(!covers(b"/API", b"/api"));
    }

    #[test]
    fn longest_prefix_wins_and_query_is_ignored() {
        let table = RouteTable::new(vec![
            (b"/api".as_slice().into(), 0),
            (b"/api/admin".as_slice().into(), 1),
        ]);
        assert_eq!(table.select(b"/api/admin/users"), Some(1));
        assert_eq!(table.select(b"/api/adminx"), Some(0));
        assert_eq!(table.select(b"/api?x=/api/admin"), Some(0));
        assert_eq!(table.select(b"/other"), None);
        assert_eq!(table.select(b"/api%2Fadmin"), None);
    }
}
