//! A decision as a plain JavaScript object.

use napi_derive::napi;

/// The decision for one request.
#[napi(object, object_from_js = false)]
#[derive(Debug)]
pub struct Decision {
    /// `"not_cors"`, `"preflight"`, `"actual"` or `"rejected"`.
    pub kind: &'static str,
    /// The status to answer with now (preflights), or null: the app answers.
    pub status: Option<u32>,
    /// The headers to set, as `[name, value]` pairs (conventional case).
    pub headers: Vec<Vec<String>>,
    /// The names to append to `Vary`, joined with `", "` (`""` for none).
    pub vary: &'static str,
    /// The stable reason code of a rejection, or null.
    pub reason: Option<&'static str>,
    /// A one-line explanation of a rejection (no request bytes), or null.
    pub reason_message: Option<&'static str>,
    /// The CORS headers (lowercase) to remove from a response the decision
    /// is applied to, if there: the JS side keeps them out of sight.
    pub headers_to_clear: Vec<&'static str>,
}

impl From<unicors::Decision<'_>> for Decision {
    fn from(decision: unicors::Decision<'_>) -> Self {
        Decision {
            kind: decision.kind().as_str(),
            status: decision.status().map(u32::from),
            headers: decision
                .headers()
                .map(|h| {
                    vec![
                        h.name.as_str().to_owned(),
                        String::from_utf8_lossy(&h.value).into_owned(),
                    ]
                })
                .collect(),
            vary: decision.vary().as_str(),
            reason: decision.reason().map(|r| r.code()),
            reason_message: decision.reason().map(|r| r.message()),
            headers_to_clear: decision
                .headers_to_clear()
                .map(|name| name.as_lowercase_str())
                .collect(),
        }
    }
}

/// The names of `vary` (a decision's `vary`) that the response's existing
/// `Vary` values do not list yet, joined with `", "` (`""`: nothing to
/// append; an existing `Vary: *` covers everything).
#[napi(catch_unwind)]
pub fn vary_to_append(vary: String, existing: Vec<String>) -> &'static str {
    let existing: Vec<_> = existing
        .iter()
        .map(|value| unicors::header_text_bytes(value))
        .collect();
    unicors::Vary::from_names(&vary)
        .missing_from(existing.iter().map(|value| &value[..]))
        .as_str()
}

/// The core's tables that `decideFast` answers index into.
#[napi(object, object_from_js = false)]
#[derive(Debug)]
pub struct DecisionTables {
    /// Every rejection reason as `[code, message]`, by index.
    pub reasons: Vec<Vec<&'static str>>,
    /// The Vary names to append, joined with `", "`, by Vary bits.
    pub vary: Vec<&'static str>,
    /// The CORS response header names (conventional case), by index (bit).
    pub header_names: Vec<&'static str>,
    /// The counters' names, by index (`kind`, `rejected.<reason>`, then
    /// the same under `shadow.`, then `shadow.differences`).
    pub counters: Vec<&'static str>,
    /// What may differ between two decisions, by bit (`kind` is bit 0).
    pub differences: Vec<&'static str>,
}

/// The tables behind `decideFast`'s numbers.
#[napi(catch_unwind)]
pub fn decision_tables() -> DecisionTables {
    DecisionTables {
        reasons: unicors::Reason::ALL
            .iter()
            .map(|reason| vec![reason.code(), reason.message()])
            .collect(),
        vary: (0..16)
            .map(|bits| unicors::Vary::from_bits(bits).as_str())
            .collect(),
        header_names: unicors::HeaderName::ALL
            .iter()
            .map(|name| name.as_str())
            .collect(),
        counters: (0..unicors::Counters::COUNT)
            .filter_map(unicors::Counters::name)
            .collect(),
        differences: (0..5)
            .flat_map(|bit| unicors::Difference::from_bits(1 << bit).names())
            .collect(),
    }
}
