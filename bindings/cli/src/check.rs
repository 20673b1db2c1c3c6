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
    let decision = policy.evaluate(request);
    let explanation = explain(&decision, &lines.method, &lines.headers);
    if args.json {
        let report = to_json(&decision, &lines, args, &source.name, &explanation);
        say!(out, "{report:#}");
    } else {
        print_human(out, &decision, &lines, args, &source.name, &explanation);
    }
    Ok(if decision.kind() == Kind::Rejected {
        ExitCode::from(EXIT_REJECTED)
    } else {
        ExitCode::SUCCESS
    })
}

fn print_human(
    out: &mut String,
    decision: &Decision<'_>,
    lines: &Lines,
    args: &CheckArgs,
    policy: &str,
    explanation: &str,
) {
    say!(out, "policy: {policy}");
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
    say!(out);
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

fn to_json(
    decision: &Decision<'_>,
    lines: &Lines,
    args: &CheckArgs,
    policy: &str,
    explanation: &str,
) -> serde_json::Value {
    json!({
        "policy": policy,
        "request": {
            "method": lines.method,
            "path": args.path,
            "headers": lines.headers.iter().map(|(n, v)| json!([n, v])).collect::<Vec<_>>(),
            "origin_verdict": args.origin_verdict.map(|v| v == Verdict::Allow),
        },
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
