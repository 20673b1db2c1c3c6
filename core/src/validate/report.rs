//! Collects every problem of a policy in one pass.

use crate::problem::{Problem, ProblemCode, Severity};

/// The problems found so far.
#[derive(Debug, Default)]
pub(crate) struct Report {
    problems: Vec<Problem>,
}

impl Report {
    pub(crate) fn add(
        &mut self,
        severity: Severity,
        code: ProblemCode,
        field: &str,
        value: &str,
        message: impl Into<String>,
    ) {
        let duplicate = self
            .problems
            .iter()
            .any(|p| p.code == code && p.field == field && p.value == value);
        if !duplicate {
            self.problems.push(Problem {
                severity,
                code,
                field: field.to_owned(),
                value: value.to_owned(),
                message: message.into(),
            });
        }
    }

    /// A problem with its code's usual severity.
    pub(crate) fn push(
        &mut self,
        code: ProblemCode,
        field: &str,
        value: &str,
        message: impl Into<String>,
    ) {
        self.add(code.default_severity(), code, field, value, message);
    }

    pub(crate) fn has_errors(&self) -> bool {
        self.problems.iter().any(Problem::is_error)
    }

    pub(crate) fn into_problems(self) -> Vec<Problem> {
        self.problems
    }
}
