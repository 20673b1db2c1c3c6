//! `unicors`: check a request against a CORS policy, lint a policy.

/// Appends one line to the output buffer (writing to a `String` cannot fail).
macro_rules! say {
    ($out:expr) => {{
        $out.push('\n');
    }};
    ($out:expr, $($arg:tt)*) => {{
        let _ = std::fmt::Write::write_fmt($out, format_args!($($arg)*));
        $out.push('\n');
    }};
}

mod check;
mod diff;
mod explain;
mod lint;
mod policy_source;
mod requests;

use std::io::Write as _;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Exit status when the command itself could not run (bad usage, a policy
/// that does not build, an unreadable file).
const EXIT_UNUSABLE: u8 = 2;

#[derive(Debug, Parser)]
#[command(
    name = "unicors",
    version,
    about = "Check requests against a CORS policy, compare policies, lint policies"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Decide one request as the engine would, and show what the browser gets.
    ///
    /// Exits 0 when the request is allowed or not a CORS request, 1 when it
    /// is rejected, 2 when the policy or the arguments are unusable.
    Check(check::CheckArgs),
    /// Report every problem of a policy file: errors (the policy is refused)
    /// and warnings. Exits 1 when there is an error.
    Lint(lint::LintArgs),
    /// Replay requests (the shared corpus, or recorded ones) through two
    /// policies and show every response that would change if NEW replaced
    /// OLD. Exits 0 when none would, 1 when some would, 2 when unusable.
    Diff(diff::DiffArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let mut out = String::new();
    let result = match cli.command {
        Command::Check(args) => check::run(&args, &mut out),
        Command::Lint(args) => lint::run(&args, &mut out),
        Command::Diff(args) => diff::run(&args, &mut out),
    };
    // Written once; a closed pipe (`unicors lint x | head -1`) is not an error.
    let mut stdout = std::io::stdout().lock();
    if let Err(e) = stdout
        .write_all(out.as_bytes())
        .and_then(|()| stdout.flush())
    {
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            eprintln!("unicors: cannot write the output: {e}");
            return ExitCode::from(EXIT_UNUSABLE);
        }
    }
    match result {
        Ok(code) => code,
        Err(message) => {
            eprintln!("unicors: {message}");
            ExitCode::from(EXIT_UNUSABLE)
        }
    }
}
