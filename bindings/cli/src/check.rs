//! `unicors check`: decide one request and show what the browser meets.

use std::path::PathBuf;
use std::process::ExitCode;

use serde_json::json;
use unicors::{Decision, Kind, Request};

use crate::explain::{explain, printable};
use crate::policy_source::{self, FormatArg};

/// Exit status of a rejected request.
const EXIT_REJECTED: u8 = 1;

/// Arguments of `unicors check`.
#[derive(Debug, clap::Args)]
pub(crate) struct CheckArgs {
    /// The policy file (TOML, or JSON when it ends in `.json`); without it,
    /// the embedded examples/policy.toml.
    #[arg(long)]
    policy: Option<PathBuf>,
    /// The policy's format, when the file name does not tell.
    #[arg(long, value_enum)]
    format: Option<FormatArg>,
    /// The request's Origin header.
    #[arg(long)]
    origin: Option<String>,
    /// The request method, exactly as sent (methods are case-sensitive).
    #[arg(long, default_value = "GET")]
    method: String,
    /// Make it a preflight for this method: OPTIONS with
    /// Access-Control-Request-Method.
    #[arg(long, value_name = "METHOD", conflicts_with = "method")]
    preflight: Option<String>,
    /// With --preflight: Access-Control-Request-Headers, e.g. "content-type,x-request-id".
    #[arg(long, value_name = "LIST", requires = "preflight")]
    request_headers: Option<String>,
    /// Another request header line, `Name: value` (repeatable).
    #[arg(long = "header", short = 'H', value_name = "NAME: VALUE")]
    headers: Vec<String>,
    /// The path the router sees (selects the policy's routes; the query is ignored).
    #[arg(long, default_value = "/")]
    path: String,
    /// The host's own verdict on the origin (a callback, a database…).
    #[arg(long, value_enum)]
    origin_verdict: Option<Verdict>,
    /// A candidate policy to run report-only beside `--policy`: both
    /// decisions are shown, and what differs. The exit status follows the
    /// enforced policy.
    #[arg(long, value_name = "FILE")]
    shadow: Option<PathBuf>,
    /// Print one JSON object for machines.
    #[arg(long)]
    json: bool,
}

/// `--origin-verdict`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum Verdict {
    /// The host allows the origin.
    Allow,
    /// The host refuses the origin.
    Deny,
}

/// The request as header lines, in the order given.
struct Lines {
    method: String,
    headers: Vec<(String, String)>,
}

fn request_lines(args: &CheckArgs) -> Result<Lines, String> {
    let mut headers = Vec::new();
    if let Some(origin) = &args.origin {
        headers.push(("Origin".to_owned(), origin.clone()));
    }
    let method = match &args.preflight {
        Some(requested) => {
            headers.push((
                "Access-Control-Request-Method".to_owned(),
                requested.clone(),
            ));
            if let Some(list) = &args.request_headers {
                headers.push(("Access-Control-Request-Headers".to_owned(), list.clone()));
            }
            "OPTIONS".to_owned()
        }
        None => args.method.clone(),
    };
    for line in &args.headers {
        let (name, value) = line
            .split_once(':')
            .ok_or_else(|| format!("--header {line:?}: expected `Name: value`"))?;
        if name.is_empty() || name.contains([' ', '\t']) {
            return Err(format!(
                "--header {line:?}: the header name is empty or has spaces"
            ));
        }
        // As an HTTP server would: optional whitespace around the value is not part of it.
        headers.push((name.to_owned(), value.trim_matches([' ', '\t']).to_owned()));
    }
    Ok(Lines { method, headers })
}

pub(crate) fn run(args: &CheckArgs, out: &mut String) -> Result<ExitCode, String> {
    let source = policy_source::read(args.policy.as_ref(), args.format)?;
    let policy = policy_source::build(&source)?;
    let shadow_source = match &args.shadow {
        Some(path) => Some(policy_source::read(Some(path), None)?),
        None => None,
    };
    let shadow_policy = shadow_source
        .as_ref()
        .map(policy_source::build)
        .transpose()?;
    let lines = request_lines(args)?;
    let pairs: Vec<(&[u8], &[u8])> = lines
        .headers
        .iter()
        .map(|(n, v)| (n.as_bytes(), v.as_bytes()))
        .collect();
    let verdict = args.origin_verdict.map(|v| v == Verdict::Allow);
    let request = Request::new(lines.method.as_bytes(), &pairs)
        .with_path(args.path.as_bytes())
        .with_origin_verdict(verdict);
    let (decision, shadow) = match &shadow_policy {
        Some(candidate) => {
            let shadowed = policy.evaluate_shadowed(candidate, request);
            (
                shadowed.enforced,
                Some((shadowed.shadow, shadowed.difference)),
            )
        }
        None => (policy.evaluate(request), None),
    };
    let explain_one = |d: &Decision<'_>| explain(d, &lines.method, &lines.headers);
    let shadow_name = shadow_source.as_ref().map_or("", |s| s.name.as_str());
    if args.json {
        let mut report = json!({
            "policy": source.name,
            "request": {
                "method": lines.method,
                "path": args.path,
                "headers": lines.headers.iter().map(|(n, v)| json!([n, v])).collect::<Vec<_>>(),
                "origin_verdict": verdict,
            },
        });
        extend(
            &mut report,
            decision_json(&decision, &explain_one(&decision)),
        );
        if let Some((candidate, difference)) = &shadow {
            let mut shadow_report = json!({ "policy": shadow_name });
            extend(
                &mut shadow_report,
                decision_json(candidate, &explain_one(candidate)),
            );
            report["shadow"] = shadow_report;
            report["difference"] = json!(difference.names().collect::<Vec<_>>());
        }
        say!(out, "{report:#}");
    } else {
        say!(out, "policy: {}", source.name);
        print_request(out, &lines, args);
        say!(out);
        print_decision(out, &decision, &explain_one(&decision));
        if let Some((candidate, difference)) = &shadow {
            say!(out);
            say!(out, "report-only policy: {shadow_name} (not applied)");
            print_decision(out, candidate, &explain_one(candidate));
            say!(out);
            if difference.is_empty() {
                say!(
                    out,
                    "difference: none (the browser would see the same response)"
                );
            } else {
                say!(
                    out,
                    "difference: {difference} (enforcing the report-only policy would change this response)"
                );
            }
        }
    }
    Ok(if decision.kind() == Kind::Rejected {
        ExitCode::from(EXIT_REJECTED)
    } else {
        ExitCode::SUCCESS
    })
}

fn print_request(out: &mut String, lines: &Lines, args: &CheckArgs) {
    say!(
        out,
        "> {} {}",
        printable(lines.method.as_bytes()),
        printable(args.path.as_bytes())
    );
    for (name, value) in &lines.headers {
        say!(
            out,
            "> {}: {}",
            printable(name.as_bytes()),
            printable(value.as_bytes())
        );
    }
}

/// The explanation line, then the response as the browser gets it.
pub(crate) fn print_decision(out: &mut String, decision: &Decision<'_>, explanation: &str) {
    say!(out, "{explanation}");
    match decision.status() {
        Some(status) => say!(
            out,
            "< {status} (unicors answers now; the app is not called)"
        ),
        None => say!(out, "< (the app answers)"),
    }
    for header in decision.headers() {
        say!(out, "< {}: {}", header.name, printable(&header.value));
    }
    if !decision.vary().is_empty() {
        say!(
            out,
            "< Vary: {} (appended to the app's Vary)",
            decision.vary().as_str()
        );
    }
}

/// Adds the fields of `more` (an object) to `report` (an object).
fn extend(report: &mut serde_json::Value, more: serde_json::Value) {
    if let (Some(report), serde_json::Value::Object(more)) = (report.as_object_mut(), more) {
        report.extend(more);
    }
}

/// A decision's fields, the same in `check --json` and `diff --json`.
pub(crate) fn decision_json(decision: &Decision<'_>, explanation: &str) -> serde_json::Value {
    json!({
        "kind": decision.kind().as_str(),
        "reason": decision.reason().map(|r| json!({"code": r.code(), "message": r.message()})),
        "explanation": explanation,
        "status": decision.status(),
        "respond_now": decision.respond_now(),
        "headers": decision
            .headers()
            .map(|h| json!([h.name.as_str(), String::from_utf8_lossy(&h.value)]))
            .collect::<Vec<_>>(),
        "vary": decision.vary().iter().map(|v| v.as_str()).collect::<Vec<_>>(),
    })
}
