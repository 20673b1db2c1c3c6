//! Problems of a policy, as plain JavaScript objects.

use napi_derive::napi;

use crate::case::{camel_path, camel_words};

/// One problem found in a policy.
#[napi(object, object_from_js = false)]
#[derive(Debug, Clone)]
pub struct Problem {
    /// `"error"` or `"warning"`.
    pub severity: String,
    /// The stable code, e.g. `"origin_not_canonical"`.
    pub code: String,
    /// Where: `allowOrigins[2]` for options, `allow_origins[2]` for documents.
    pub field: String,
    /// The offending value as written (may be empty).
    pub value: String,
    /// A readable explanation, with the fix when there is one.
    pub message: String,
}

impl Problem {
    pub(crate) fn new(problem: &unicors::Problem, camel_fields: bool) -> Self {
        Problem {
            severity: problem.severity.as_str().to_owned(),
            code: problem.code.as_str().to_owned(),
            field: if camel_fields {
                camel_path(&problem.field)
            } else {
                problem.field.clone()
            },
            value: problem.value.clone(),
            message: if camel_fields {
                camel_words(&problem.message)
            } else {
                problem.message.clone()
            },
        }
    }
}
