//! `unicors diff OLD NEW`: replay requests through two policies and show
//! every response that would change if NEW replaced OLD.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use serde_json::json;
use unicors::{Decision, Kind, Policy, Request, ResponseHeader};

use crate::check::decision_json;
use crate::explain::{explain, printable};
use crate::policy_source;
use crate::requests::{self, Recorded};

/// Exit status when some response would change (as `diff` does).
const EXIT_CHANGED: u8 = 1;

/// Arguments of `unicors diff`.
#[derive(Debug, clap::Args)]
pub(crate) struct DiffArgs {
    /// The policy in force (TOML, or JSON when it ends in `.json`).
    old: PathBuf,
    /// The candidate policy.
    new: PathBuf,
    /// Recorded requests, one JSON object per line (`{"method": "GET",
    /// "path": "/", "headers": [["Origin", "https://a.example"]]}`), `-` for
    /// stdin. Default: the shared test corpus (tests/cases), embedded.
    #[arg(long, value_name = "FILE")]
    requests: Option<PathBuf>,
    /// Print one JSON object for machines.
    #[arg(long)]
    json: bool,
}

/// How a request's outcome moves from OLD to NEW.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Change {
    /// Allowed (or not CORS) before, rejected after.
    NewlyRejected,
    /// Rejected before, allowed after.
    NewlyAllowed,
    /// Same verdict, different response (headers, status, Vary, reason).
    Answered,
}

impl Change {
    fn of(old: &Decision<'_>, new: &Decision<'_>) -> Change {
        match (old.kind() == Kind::Rejected, new.kind() == Kind::Rejected) {
            (false, true) => Change::NewlyRejected,
            (true, false) => Change::NewlyAllowed,
            _ => Change::Answered,
        }
    }

    fn as_str(self) -> &'static str {
        match self {
            Change::NewlyRejected => "newly rejected",
            Change::NewlyAllowed => "newly allowed",
            Change::Answered => "answered differently",
        }
    }
}

pub(crate) fn run(args: &DiffArgs, out: &mut String) -> Result<ExitCode, String> {
    let old_source = policy_source::read(Some(&args.old), None)?;
    let new_source = policy_source::read(Some(&args.new), None)?;
    // Both policies' problems at once, not only the first file's.
    let (old, new) = match (
        policy_source::build(&old_source),
        policy_source::build(&new_source),
    ) {
        (Ok(old), Ok(new)) => (old, new),
        (Err(a), Err(b)) => return Err(format!("{a}\n{b}")),
        (Err(e), _) | (_, Err(e)) => return Err(e),
    };
    let (origin, text) = match &args.requests {
        None => (
            "the shared corpus (tests/cases), embedded".to_owned(),
            requests::CORPUS.to_owned(),
        ),
        Some(path) => (path.display().to_string(), read(path)?),
    };
    let recorded = requests::parse(&text)
        .map_err(|problems| format!("{origin}:\n  {}", problems.join("\n  ")))?;
    let report = Report::replay(&old, &new, &recorded);
    if args.json {
        let value = report.to_json(&old_source.name, &new_source.name, &origin, &recorded);
        say!(out, "{value:#}");
    } else {
        report.print(out, &old_source.name, &new_source.name, &origin, &recorded);
    }
    Ok(if report.changed.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_CHANGED)
    })
}

fn read(path: &Path) -> Result<String, String> {
    if path == Path::new("-") {
        return std::io::read_to_string(std::io::stdin())
            .map_err(|e| format!("cannot read the requests from stdin: {e}"));
    }
    std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

/// One changed request: its index in the replay and both decisions.
struct Changed<'a> {
    index: usize,
    change: Change,
    old: Decision<'a>,
    new: Decision<'a>,
    difference: unicors::Difference,
}

struct Report<'a> {
    total: usize,
    changed: Vec<Changed<'a>>,
}

impl<'a> Report<'a> {
    fn replay(old: &'a Policy, new: &'a Policy, recorded: &'a [Recorded]) -> Report<'a> {
        let mut changed = Vec::new();
        for (index, request) in recorded.iter().enumerate() {
            let lines = Request::from_pairs(&request.method, &request.headers)
                .with_path(&request.path)
                .with_origin_verdict(request.origin_verdict);
            let shadowed = old.evaluate_shadowed(new, lines);
            if shadowed.differs() {
                changed.push(Changed {
                    index,
                    change: Change::of(&shadowed.enforced, &shadowed.shadow),
                    old: shadowed.enforced.into_owned(),
                    new: shadowed.shadow.into_owned(),
                    difference: shadowed.difference,
                });
            }
        }
        Report {
            total: recorded.len(),
            changed,
        }
    }

    /// Counts per change, and per reason for the newly rejected.
    fn summary(&self) -> (BTreeMap<Change, usize>, BTreeMap<&'static str, usize>) {
        let mut changes = BTreeMap::new();
        let mut reasons = BTreeMap::new();
        for changed in &self.changed {
            *changes.entry(changed.change).or_default() += 1;
            if let (Change::NewlyRejected, Some(reason)) = (changed.change, changed.new.reason()) {
                *reasons.entry(reason.code()).or_default() += 1;
            }
        }
        (changes, reasons)
    }

    fn print(&self, out: &mut String, old: &str, new: &str, origin: &str, recorded: &[Recorded]) {
        say!(out, "old: {old}");
        say!(out, "new: {new}");
        say!(out, "requests: {} from {origin}", self.total);
        for changed in &self.changed {
            let request = &recorded[changed.index];
            let texts = text_headers(request);
            let method = String::from_utf8_lossy(&request.method);
            say!(out);
            say!(
                out,
                "{}: {} {} [{}]",
                changed.change.as_str(),
                printable(&request.method),
                printable(&request.path),
                request.name
            );
            for (name, value) in &request.headers {
                say!(out, "  > {}: {}", printable(name), printable(value));
            }
            say!(out, "  old: {}", explain(&changed.old, &method, &texts));
            say!(out, "  new: {}", explain(&changed.new, &method, &texts));
            say!(out, "  differs in: {}", changed.difference);
            header_changes(out, &changed.old, &changed.new);
        }
        let (changes, reasons) = self.summary();
        say!(out);
        if self.changed.is_empty() {
            say!(out, "summary: {} requests, none would change", self.total);
            return;
        }
        let parts: Vec<String> = changes
            .iter()
            .map(|(change, count)| format!("{count} {}", change.as_str()))
            .collect();
        say!(
            out,
            "summary: {} requests, {} would change: {}",
            self.total,
            self.changed.len(),
            parts.join(", ")
        );
        if !reasons.is_empty() {
            let parts: Vec<String> = reasons
                .iter()
                .map(|(code, count)| format!("{code} {count}"))
                .collect();
            say!(out, "newly rejected by reason: {}", parts.join(", "));
        }
    }

    fn to_json(
        &self,
        old: &str,
        new: &str,
        origin: &str,
        recorded: &[Recorded],
    ) -> serde_json::Value {
        let (changes, reasons) = self.summary();
        let changed: Vec<_> = self
            .changed
            .iter()
            .map(|changed| {
                let request = &recorded[changed.index];
                let texts = text_headers(request);
                let method = String::from_utf8_lossy(&request.method);
                json!({
                    "name": request.name,
                    "change": changed.change.as_str(),
                    "request": {
                        "method": method,
                        "path": String::from_utf8_lossy(&request.path),
                        "headers": texts.iter().map(|(n, v)| json!([n, v])).collect::<Vec<_>>(),
                        "origin_verdict": request.origin_verdict,
                    },
                    "difference": changed.difference.names().collect::<Vec<_>>(),
                    "old": decision_json(&changed.old, &explain(&changed.old, &method, &texts)),
                    "new": decision_json(&changed.new, &explain(&changed.new, &method, &texts)),
                })
            })
            .collect();
        json!({
            "old": old,
            "new": new,
            "requests": {"from": origin, "count": self.total},
            "changed": changed,
            "summary": {
                "changed": self.changed.len(),
                "newly_rejected": changes.get(&Change::NewlyRejected).copied().unwrap_or(0),
                "newly_allowed": changes.get(&Change::NewlyAllowed).copied().unwrap_or(0),
                "answered_differently": changes.get(&Change::Answered).copied().unwrap_or(0),
                "newly_rejected_by_reason": reasons,
            },
        })
    }
}

/// The request's header lines as text (bytes beyond ASCII shown lossily),
/// for the explanations.
fn text_headers(request: &Recorded) -> Vec<(String, String)> {
    request
        .headers
        .iter()
        .map(|(n, v)| {
            (
                String::from_utf8_lossy(n).into_owned(),
                String::from_utf8_lossy(v).into_owned(),
            )
        })
        .collect()
}

/// `- name: value` for headers only OLD sets, `+` for those only NEW sets,
/// then the Vary and status changes.
fn header_changes(out: &mut String, old: &Decision<'_>, new: &Decision<'_>) {
    let old_headers: Vec<ResponseHeader<'_>> = old.headers().collect();
    let new_headers: Vec<ResponseHeader<'_>> = new.headers().collect();
    for header in old_headers.iter().filter(|h| !new_headers.contains(h)) {
        say!(out, "  - {}: {}", header.name, printable(&header.value));
    }
    for header in new_headers.iter().filter(|h| !old_headers.contains(h)) {
        say!(out, "  + {}: {}", header.name, printable(&header.value));
    }
    if old.status() != new.status() {
        let show = |s: Option<u16>| s.map_or("the app answers".to_owned(), |s| s.to_string());
        say!(
            out,
            "  status: {} -> {}",
            show(old.status()),
            show(new.status())
        );
    }
    if old.vary() != new.vary() {
        say!(
            out,
            "  Vary: {:?} -> {:?}",
            old.vary().as_str(),
            new.vary().as_str()
        );
    }
}
