//! A validated, immutable CORS policy and its entry points.

use std::path::Path;

use crate::decision::Decision;
use crate::document::{self, Format, Value};
use crate::evaluate;
use crate::problem::{ConfigError, Problem, ProblemCode, Severity};
use crate::request::Request;
use crate::routes::RouteTable;
use crate::rules::Rules;
use crate::validate;

/// A validated CORS policy, compiled for evaluation.
///
/// A `Policy` is immutable and `Send + Sync`: build it once, share it
/// between threads (behind an `Arc` if needed) without locking.
#[derive(Debug)]
pub struct Policy {
    root: Rules,
    routes: Vec<Rules>,
    table: RouteTable,
    warnings: Vec<Problem>,
}

const _: () = {
    const fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Policy>();
};

impl Policy {
    /// Builds a policy from a document's value tree (see [`Value`]); every
    /// surface funnels its configuration through here.
    pub fn from_value(document: &Value) -> Result<Policy, ConfigError> {
        let built = validate::build(document).map_err(ConfigError::new)?;
        let mut routes = Vec::with_capacity(built.routes.len());
        let mut prefixes = Vec::with_capacity(built.routes.len());
        for (index, (prefix, rules)) in built.routes.into_iter().enumerate() {
            prefixes.push((prefix, index));
            routes.push(rules);
        }
        Ok(Policy {
            root: built.root,
            routes,
            table: RouteTable::new(prefixes),
            warnings: built.warnings,
        })
    }

    /// Builds a policy from a TOML document.
    pub fn from_toml(text: &str) -> Result<Policy, ConfigError> {
        Policy::from_document(text, Format::Toml)
    }

    /// Builds a policy from a JSON document (same keys and meaning as TOML).
    pub fn from_json(text: &str) -> Result<Policy, ConfigError> {
        Policy::from_document(text, Format::Json)
    }

    /// Builds a policy from a document in the given format.
    pub fn from_document(text: &str, format: Format) -> Result<Policy, ConfigError> {
        let value = document::parse(text, format).map_err(|message| syntax_error(&message))?;
        Policy::from_value(&value)
    }

    /// Builds a policy from a document's bytes; bytes that are not UTF-8
    /// are a `syntax` problem, not a panic.
    pub fn from_document_bytes(bytes: &[u8], format: Format) -> Result<Policy, ConfigError> {
        let text = std::str::from_utf8(bytes).map_err(|e| {
            syntax_error(&format!(
                "the document is not UTF-8 (invalid byte at offset {})",
                e.valid_up_to()
            ))
        })?;
        Policy::from_document(text, format)
    }

    /// Reads a policy file: `.json` is JSON, anything else TOML.
    pub fn from_file(path: impl AsRef<Path>) -> Result<Policy, ConfigError> {
        Policy::from_value(&read_document(path)?)
    }

    /// What works but may surprise (lint warnings), in report order (each key's own problems in document order, then the checks that span several keys).
    pub fn warnings(&self) -> &[Problem] {
        &self.warnings
    }

    /// Decides one request.
    ///
    /// Allocation-free except in one case: a preflight whose
    /// `Access-Control-Request-Headers` must be echoed and did not arrive in
    /// the browsers' canonical form (one line of lowercase names joined by
    /// `,`) gets a normalised copy. [`evaluate_with_scratch`](Self::evaluate_with_scratch)
    /// writes that copy into a buffer the caller reuses instead.
    #[inline(always)]
    pub fn evaluate<'a, H>(&'a self, request: Request<'a, H>) -> Decision<'a>
    where
        H: Iterator<Item = (&'a [u8], &'a [u8])> + Clone,
    {
        evaluate::evaluate(self.rules_for(request.path), request, None)
    }

    /// Decides one request without any heap allocation once `scratch` has
    /// grown (at most 8 KiB): a normalised `Access-Control-Allow-Headers`
    /// echo is written into `scratch`, which the decision then borrows.
    #[inline(always)]
    pub fn evaluate_with_scratch<'a, H>(
        &'a self,
        request: Request<'a, H>,
        scratch: &'a mut Vec<u8>,
    ) -> Decision<'a>
    where
        H: Iterator<Item = (&'a [u8], &'a [u8])> + Clone,
    {
        evaluate::evaluate(self.rules_for(request.path), request, Some(scratch))
    }

    /// Which part of the policy decides requests to `path`: `None` for the
    /// top level, `Some(i)` for `routes[i]`. Two requests with the same
    /// route, method and CORS request headers get the same decision, so a
    /// host may cache decisions under this key.
    pub fn route_for(&self, path: &[u8]) -> Option<usize> {
        self.table.select(path)
    }

    /// Whether the policy has routes (if not, the path never matters).
    pub fn has_routes(&self) -> bool {
        !self.routes.is_empty()
    }

    /// The header values the policy itself holds (max-age and expose
    /// lists of every scope), for hosts that prebuild them.
    #[cfg(feature = "http")]
    pub(crate) fn own_header_values(&self) -> impl Iterator<Item = &[u8]> {
        std::iter::once(&self.root)
            .chain(&self.routes)
            .flat_map(|rules| [rules.max_age.as_deref(), rules.expose.as_deref()])
            .flatten()
    }

    #[inline]
    fn rules_for(&self, path: &[u8]) -> &Rules {
        match self.table.select(path) {
            Some(index) => self.routes.get(index).unwrap_or(&self.root),
            None => &self.root,
        }
    }
}

/// Reads and parses a policy file (`.json` is JSON, anything else TOML)
/// into its value tree without validating it, for hosts that overlay
/// their own keys before [`Policy::from_value`]. An unreadable file is an
/// `io` problem, a malformed one a `syntax` problem.
pub fn read_document(path: impl AsRef<Path>) -> Result<Value, ConfigError> {
    let path = path.as_ref();
    let text = std::fs::read_to_string(path).map_err(|e| {
        ConfigError::new(vec![Problem {
            severity: Severity::Error,
            code: ProblemCode::Io,
            field: String::new(),
            value: path.display().to_string(),
            message: format!("cannot read the policy file: {e}"),
        }])
    })?;
    document::parse(&text, Format::from_path(path)).map_err(|message| syntax_error(&message))
}

fn syntax_error(message: &str) -> ConfigError {
    ConfigError::new(vec![Problem {
        severity: Severity::Error,
        code: ProblemCode::Syntax,
        field: String::new(),
        value: String::new(),
        message: message.to_owned(),
    }])
}

/// Validates a document without keeping the policy: every error and
/// warning, in report order (each key's own problems in document order, then the checks that span several keys) — what `unicors lint` prints.
pub fn lint(text: &str, format: Format) -> Vec<Problem> {
    match document::parse(text, format) {
        Err(message) => syntax_error(&message).problems().to_vec(),
        Ok(value) => match validate::build(&value) {
            Ok(built) => built.warnings,
            Err(problems) => problems,
        },
    }
}
