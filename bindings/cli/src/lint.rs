//! `unicors lint FILE`: every problem of a policy, with code, field and value.

use std::path::PathBuf;
use std::process::ExitCode;

use serde_json::json;
use unicors::{Problem, Severity};

use crate::policy_source::{self, FormatArg};

/// Arguments of `unicors lint`.
#[derive(Debug, clap::Args)]
pub(crate) struct LintArgs {
    /// The policy file (TOML, or JSON when it ends in `.json`); `-` reads stdin.
    file: PathBuf,
    /// The document format, when the file name does not tell.
    #[arg(long, value_enum)]
    format: Option<FormatArg>,
    /// Print one JSON object for machines.
    #[arg(long)]
    json: bool,
}

pub(crate) fn run(args: &LintArgs, out: &mut String) -> Result<ExitCode, String> {
    let source = policy_source::read(Some(&args.file), args.format)?;
    let problems = unicors::lint(&source.text, source.format);
    let errors = problems.iter().filter(|p| p.is_error()).count();
    let warnings = problems.len() - errors;
    if args.json {
        let report = json!({
            "file": source.name,
            "valid": errors == 0,
            "errors": errors,
            "warnings": warnings,
            "problems": problems.iter().map(problem_json).collect::<Vec<_>>(),
        });
        say!(out, "{report:#}");
    } else {
        for problem in &problems {
            say!(out, "{}: {problem}", source.name);
        }
        if problems.is_empty() {
            say!(out, "{}: ok, no problems", source.name);
        } else {
            say!(
                out,
                "{}: {} error{}, {} warning{}",
                source.name,
                errors,
                plural(errors),
                warnings,
                plural(warnings)
            );
        }
    }
    Ok(if errors > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn problem_json(problem: &Problem) -> serde_json::Value {
    json!({
        "severity": match problem.severity { Severity::Error => "error", Severity::Warning => "warning" },
        "code": problem.code.as_str(),
        "field": problem.field,
        "value": problem.value,
        "message": problem.message,
    })
}
