//! Counts of decisions by kind and by rejection reason, for a host's
//! metrics: relaxed atomic increments, no lock, readable at any time.

use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

use crate::decision::Decision;
use crate::kind::Kind;
use crate::reason::Reason;
use crate::shadow::Shadowed;

const KINDS: [Kind; 4] = [Kind::NotCors, Kind::Preflight, Kind::Actual, Kind::Rejected];
// `kind as usize` indexes KINDS.
const _: () = assert!(
    Kind::NotCors as usize == 0
        && Kind::Preflight as usize == 1
        && Kind::Actual as usize == 2
        && Kind::Rejected as usize == 3
);
const REASONS: usize = Reason::ALL.len();
/// One tally: a counter per kind, then one per reason.
const TALLY: usize = KINDS.len() + REASONS;

const SHADOW_KIND_NAMES: [&str; 4] = [
    "shadow.not_cors",
    "shadow.preflight",
    "shadow.actual",
    "shadow.rejected",
];

/// Per-kind and per-reason counts of the decisions a host applied, and of
/// what a report-only policy would have decided beside them.
///
/// Keep one per adapter (not per policy), so counts survive a policy swap;
/// share it between threads as it is. Each record is one or two relaxed
/// atomic additions; a read may see a decision's kind counted before its
/// reason, never a torn number.
///
/// The counters, by index and stable name (the same on every surface):
/// - `not_cors`, `preflight`, `actual`, `rejected`: decisions applied;
/// - `rejected.<reason code>`: rejections by reason (they sum to `rejected`);
/// - `shadow.not_cors` … `shadow.rejected.<reason code>`: the same for the
///   report-only policy's decisions;
/// - `shadow.differences`: requests where the two decisions differ.
#[derive(Debug)]
pub struct Counters {
    values: [AtomicU64; Counters::COUNT],
}

impl Default for Counters {
    fn default() -> Self {
        Counters::new()
    }
}

impl Counters {
    /// How many counters there are.
    pub const COUNT: usize = 2 * TALLY + 1;

    const SHADOW: usize = TALLY;
    const DIFFERENCES: usize = 2 * TALLY;

    /// All counters at zero.
    pub const fn new() -> Counters {
        Counters {
            values: [const { AtomicU64::new(0) }; Counters::COUNT],
        }
    }

    /// The stable name of counter `index` (`None` past [`COUNT`](Self::COUNT)).
    pub fn name(index: usize) -> Option<&'static str> {
        let (base, shadow) = if index >= Counters::DIFFERENCES {
            return (index == Counters::DIFFERENCES).then_some("shadow.differences");
        } else if index >= Counters::SHADOW {
            (index - Counters::SHADOW, true)
        } else {
            (index, false)
        };
        Some(match (base.checked_sub(KINDS.len()), shadow) {
            (None, false) => KINDS[base].as_str(),
            (None, true) => SHADOW_KIND_NAMES[base],
            (Some(reason), false) => Reason::ALL[reason].counter_name(),
            (Some(reason), true) => Reason::ALL[reason].shadow_counter_name(),
        })
    }

    /// The index of the counter called `name`.
    pub fn index_of(name: &str) -> Option<usize> {
        (0..Counters::COUNT).find(|&i| Counters::name(i) == Some(name))
    }

    /// Counts a decision the host applied.
    #[inline]
    pub fn record(&self, decision: &Decision<'_>) {
        self.record_outcome(decision.kind(), decision.reason());
    }

    /// Counts an applied decision given by its kind and reason (for hosts
    /// that keep only those, like the C ABI's decision buffer).
    #[inline]
    pub fn record_outcome(&self, kind: Kind, reason: Option<Reason>) {
        self.tally(0, kind, reason);
    }

    /// Counts a shadowed request: the enforced decision as
    /// [`record`](Self::record) does, the report-only one in the `shadow.`
    /// counters, and a difference when there is one.
    #[inline]
    pub fn record_shadowed(&self, shadowed: &Shadowed<'_>) {
        self.record_shadowed_outcome(
            (shadowed.enforced.kind(), shadowed.enforced.reason()),
            (shadowed.shadow.kind(), shadowed.shadow.reason()),
            shadowed.differs(),
        );
    }

    /// [`record_shadowed`](Self::record_shadowed) from the two kinds and
    /// reasons and whether the decisions differ.
    #[inline]
    pub fn record_shadowed_outcome(
        &self,
        enforced: (Kind, Option<Reason>),
        shadow: (Kind, Option<Reason>),
        differs: bool,
    ) {
        self.tally(0, enforced.0, enforced.1);
        self.tally(Counters::SHADOW, shadow.0, shadow.1);
        if differs {
            self.values[Counters::DIFFERENCES].fetch_add(1, Relaxed);
        }
    }

    #[inline]
    fn tally(&self, base: usize, kind: Kind, reason: Option<Reason>) {
        self.values[base + kind as usize].fetch_add(1, Relaxed);
        if let Some(reason) = reason {
            self.values[base + KINDS.len() + reason as usize].fetch_add(1, Relaxed);
        }
    }

    /// The value of counter `index` (0 past [`COUNT`](Self::COUNT)).
    pub fn get(&self, index: usize) -> u64 {
        self.values.get(index).map_or(0, |v| v.load(Relaxed))
    }

    /// Every counter as `(name, value)`, in index order.
    pub fn snapshot(&self) -> impl Iterator<Item = (&'static str, u64)> + '_ {
        (0..Counters::COUNT).filter_map(|i| Some((Counters::name(i)?, self.get(i))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Policy, Request};

    #[test]
    fn names_are_unique_and_indexed() {
        let names: Vec<_> = (0..Counters::COUNT)
            .map(|i| Counters::name(i).unwrap())
            .collect();
        let mut sorted = names.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), Counters::COUNT);
        assert_eq!(Counters::name(Counters::COUNT), None);
        for (i, name) in names.iter().enumerate() {
            assert_eq!(Counters::index_of(name), Some(i));
        }
        assert_eq!(names[0], "not_cors");
        assert_eq!(names[4], "rejected.origin_not_allowed");
        assert_eq!(names[TALLY], "shadow.not_cors");
        assert_eq!(names[Counters::COUNT - 1], "shadow.differences");
    }

    #[test]
    fn kinds_and_reasons_are_counted() {
        let policy = Policy::from_toml(r#"allow_origins = ["https://a.example"]"#).unwrap();
        let counters = Counters::new();
        let requests: [&[(&[u8], &[u8])]; 4] = [
            &[(b"Origin", b"https://a.example")],
            &[(b"Origin", b"https://b.example")],
            &[(b"Origin", b"https://b.example")],
            &[],
        ];
        for headers in requests {
            counters.record(&policy.evaluate(Request::new(b"GET", headers)));
        }
        let get = |name| counters.get(Counters::index_of(name).unwrap());
        assert_eq!(get("actual"), 1);
        assert_eq!(get("rejected"), 2);
        assert_eq!(get("rejected.origin_not_allowed"), 2);
        assert_eq!(get("not_cors"), 1);
        assert_eq!(get("shadow.rejected"), 0);
        assert_eq!(counters.snapshot().map(|(_, v)| v).sum::<u64>(), 6);
    }
}
