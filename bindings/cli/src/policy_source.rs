//! Where a policy comes from: a file, or the embedded example.

use std::path::{Path, PathBuf};

use unicors::{Format, Policy};

/// The example policy, used when no `--policy` is given.
pub(crate) const EMBEDDED: &str = include_str!("../../../examples/policy.toml");

/// The name shown for the embedded policy.
pub(crate) const EMBEDDED_NAME: &str = "embedded examples/policy.toml";

/// `--format` for documents whose file name does not tell.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum FormatArg {
    /// TOML
    Toml,
    /// JSON
    Json,
}

impl From<FormatArg> for Format {
    fn from(format: FormatArg) -> Format {
        match format {
            FormatArg::Toml => Format::Toml,
            FormatArg::Json => Format::Json,
        }
    }
}

/// A policy document's text, format and display name.
pub(crate) struct Source {
    pub(crate) name: String,
    pub(crate) text: String,
    pub(crate) format: Format,
}

/// Reads `path` (or stdin for `-`), or takes the embedded example.
pub(crate) fn read(path: Option<&PathBuf>, format: Option<FormatArg>) -> Result<Source, String> {
    let Some(path) = path else {
        return Ok(Source {
            name: EMBEDDED_NAME.to_owned(),
            text: EMBEDDED.to_owned(),
            format: Format::Toml,
        });
    };
    let text = if path == Path::new("-") {
        std::io::read_to_string(std::io::stdin())
            .map_err(|e| format!("cannot read the policy from stdin: {e}"))?
    } else {
        std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?
    };
    let format = format.map_or_else(|| Format::from_path(path), Format::from);
    Ok(Source {
        name: path.display().to_string(),
        text,
        format,
    })
}

/// Builds the policy, or explains every problem.
pub(crate) fn build(source: &Source) -> Result<Policy, String> {
    Policy::from_document(&source.text, source.format)
        .map_err(|error| format!("{}: {error}", source.name))
}
