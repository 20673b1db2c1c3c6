//! `LivePolicy`: what an adapter enforces — a policy and an optional
//! report-only policy, replaced together atomically — and its counters.

use std::path::PathBuf;

use arc_swap::ArcSwap;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};
use unicors::Counters;

use crate::decision::Decision;
use crate::inputs::Inputs;
use crate::policy::Policy;
use crate::problems::{config_error, problem_list};

/// The policies in force at one moment, and the files they came from.
#[derive(Debug)]
struct State {
    policy: Py<Policy>,
    shadow: Option<Py<Policy>>,
    policy_file: Option<PathBuf>,
    shadow_file: Option<PathBuf>,
}

impl State {
    fn with(&self, py: Python<'_>) -> State {
        State {
            policy: self.policy.clone_ref(py),
            shadow: self.shadow.as_ref().map(|s| s.clone_ref(py)),
            policy_file: self.policy_file.clone(),
            shadow_file: self.shadow_file.clone(),
        }
    }
}

/// The policy an adapter enforces, an optional report-only (shadow)
/// policy, and counts of the decisions. Requests read the pair without a
/// lock; `set_policy` / `set_shadow_policy` replace it atomically, so a
/// request is decided wholly by the old pair or wholly by the new one.
/// The counters survive swaps.
#[pyclass(frozen, module = "unicors", name = "LivePolicy")]
#[derive(Debug)]
pub struct LivePolicy {
    state: ArcSwap<State>,
    counters: Counters,
    on_difference: Option<Py<PyAny>>,
}

#[pymethods]
impl LivePolicy {
    /// `LivePolicy(policy, shadow_policy=None, on_difference=None,
    /// policy_file=None, shadow_file=None)`. `on_difference(report)` is
    /// called with a `ShadowDifference` whenever the report-only policy
    /// would answer a request differently; an exception it raises is
    /// reported as unraisable, never propagated. `policy_file` and
    /// `shadow_file` name the files `reload()` reads again.
    #[new]
    #[pyo3(signature = (policy, shadow_policy = None, on_difference = None, policy_file = None, shadow_file = None))]
    fn new(
        policy: Py<Policy>,
        shadow_policy: Option<Py<Policy>>,
        on_difference: Option<Py<PyAny>>,
        policy_file: Option<PathBuf>,
        shadow_file: Option<PathBuf>,
    ) -> Self {
        LivePolicy {
            state: ArcSwap::from_pointee(State {
                policy,
                shadow: shadow_policy,
                policy_file,
                shadow_file,
            }),
            counters: Counters::new(),
            on_difference,
        }
    }

    /// Reads the policy files again (the enforced one, and the report-only
    /// one if it came from a file) and swaps both in at once. On any
    /// problem raises ConfigError (every problem of every file) and
    /// changes nothing. Returns the new policies' warnings.
    fn reload<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let current = self.state.load();
        let Some(policy_file) = current.policy_file.clone() else {
            return Err(PyValueError::new_err(
                "reload: the enforced policy did not come from a file (give policy_file)",
            ));
        };
        let enforced = unicors::Policy::from_file(&policy_file);
        let shadow = current
            .shadow_file
            .as_ref()
            .map(unicors::Policy::from_file)
            .transpose();
        let (enforced, shadow) = match (enforced, shadow) {
            (Ok(enforced), Ok(shadow)) => (enforced, shadow),
            (enforced, shadow) => {
                let mut problems = Vec::new();
                for error in [enforced.err(), shadow.err()].into_iter().flatten() {
                    problems.extend_from_slice(error.problems());
                }
                return Err(config_error(py, &unicors::ConfigError::new(problems)));
            }
        };
        let warnings = problem_list(
            py,
            enforced
                .warnings()
                .iter()
                .chain(shadow.iter().flat_map(|s| s.warnings())),
        )?;
        let policy = Py::new(py, Policy::from_core(enforced))?;
        let shadow = shadow
            .map(|s| Py::new(py, Policy::from_core(s)))
            .transpose()?;
        self.state.rcu(|state| State {
            policy: policy.clone_ref(py),
            shadow: if state.shadow_file.is_some() {
                shadow.as_ref().map(|s| s.clone_ref(py))
            } else {
                state.shadow.as_ref().map(|s| s.clone_ref(py))
            },
            policy_file: state.policy_file.clone(),
            shadow_file: state.shadow_file.clone(),
        });
        Ok(warnings)
    }

    /// The enforced policy.
    #[getter]
    fn policy(&self, py: Python<'_>) -> Py<Policy> {
        self.state.load().policy.clone_ref(py)
    }

    /// The report-only policy, or None.
    #[getter]
    fn shadow_policy(&self, py: Python<'_>) -> Option<Py<Policy>> {
        self.state.load().shadow.as_ref().map(|s| s.clone_ref(py))
    }

    /// Replaces the enforced policy (and the file `reload()` reads for
    /// it); the report-only one stays.
    #[pyo3(signature = (policy, policy_file = None))]
    fn set_policy(&self, py: Python<'_>, policy: Py<Policy>, policy_file: Option<PathBuf>) {
        self.state.rcu(|state| State {
            policy: policy.clone_ref(py),
            policy_file: policy_file.clone(),
            ..state.with(py)
        });
    }

    /// Replaces (or with None, removes) the report-only policy.
    #[pyo3(signature = (shadow_policy, shadow_file = None))]
    fn set_shadow_policy(
        &self,
        py: Python<'_>,
        shadow_policy: Option<Py<Policy>>,
        shadow_file: Option<PathBuf>,
    ) {
        self.state.rcu(|state| State {
            shadow: shadow_policy.as_ref().map(|s| s.clone_ref(py)),
            shadow_file: shadow_file.clone(),
            ..state.with(py)
        });
    }

    /// Decides one request with the enforced policy (arguments as
    /// `Policy.evaluate`), counts it, and — with a report-only policy —
    /// decides it again with that one, counts that too, and reports a
    /// difference to `on_difference`. Returns the enforced decision.
    #[pyo3(signature = (method, headers, path = None, origin_allowed = None))]
    fn evaluate(
        &self,
        method: &Bound<'_, PyAny>,
        headers: &Bound<'_, PyAny>,
        path: Option<&Bound<'_, PyAny>>,
        origin_allowed: Option<bool>,
    ) -> PyResult<Decision> {
        self.decide(&Inputs::from_args(method, headers, path, origin_allowed)?)
    }

    /// As `evaluate`, for a WSGI environ (or Django's `request.META`): its
    /// `REQUEST_METHOD`, `PATH_INFO` and CORS request header keys, read
    /// without building a header list.
    #[pyo3(signature = (environ, origin_allowed = None))]
    fn evaluate_environ(
        &self,
        environ: &Bound<'_, PyAny>,
        origin_allowed: Option<bool>,
    ) -> PyResult<Decision> {
        self.decide(&Inputs::from_environ(environ, origin_allowed)?)
    }

    /// As `evaluate`, for an ASGI HTTP scope: its `method`, `path` and
    /// `headers`.
    #[pyo3(signature = (scope, origin_allowed = None))]
    fn evaluate_scope(
        &self,
        scope: &Bound<'_, PyAny>,
        origin_allowed: Option<bool>,
    ) -> PyResult<Decision> {
        self.decide(&Inputs::from_scope(scope, origin_allowed)?)
    }

    /// Every counter as `{name: count}`: `not_cors`, `preflight`, `actual`,
    /// `rejected`, `rejected.<reason>`, and the same under `shadow.` plus
    /// `shadow.differences` (names as on every unicors surface).
    fn counters<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let dict = PyDict::new(py);
        for (name, value) in self.counters.snapshot() {
            dict.set_item(name, value)?;
        }
        Ok(dict)
    }

    fn __repr__(&self) -> String {
        let state = self.state.load();
        format!(
            "<unicors.LivePolicy{}>",
            if state.shadow.is_some() {
                " with a report-only policy"
            } else {
                ""
            }
        )
    }
}

impl LivePolicy {
    /// The enforced decision for `inputs`, counted, and with a report-only
    /// policy, its difference reported.
    fn decide(&self, inputs: &Inputs<'_>) -> PyResult<Decision> {
        let py = inputs.method().py();
        let state = self.state.load();
        let policy = state.policy.get().core();
        let Some(shadow) = &state.shadow else {
            return inputs.decide(policy.has_routes(), |request| {
                let decision = policy.evaluate(request);
                self.counters.record(&decision);
                Decision::new(decision.into_owned())
            });
        };
        let shadow = shadow.get().core();
        let reporting = self.on_difference.is_some();
        let with_path = policy.has_routes() || shadow.has_routes();
        let (decision, difference) = inputs.decide(with_path, |request| {
            let shadowed = policy.evaluate_shadowed(shadow, request);
            self.counters.record_shadowed(&shadowed);
            // The report-only decision is kept only when someone reads it.
            let difference = (reporting && shadowed.differs())
                .then(|| (shadowed.shadow.into_owned(), shadowed.difference));
            (shadowed.enforced.into_owned(), difference)
        })?;
        if let (Some((candidate, difference)), Some(callback)) = (difference, &self.on_difference) {
            let call = Py::new(
                py,
                ShadowCall {
                    decision: Py::new(py, Decision::new(decision.clone()))?,
                    shadow: Py::new(py, Decision::new(candidate))?,
                    difference: difference.names().collect(),
                    method: inputs.method().clone().unbind(),
                    path: inputs.path().map(|p| p.clone().unbind()),
                    origin: inputs.first_origin(),
                },
            )
            .and_then(|arg| callback.call1(py, (arg,)));
            if let Err(error) = call {
                error.write_unraisable(py, Some(callback.bind(py)));
            }
        }
        Ok(Decision::new(decision))
    }
}

/// What `on_difference` receives: the request's method and path, the
/// enforced and the report-only decisions, and what differs.
#[pyclass(frozen, module = "unicors", name = "ShadowDifference")]
#[derive(Debug)]
pub struct ShadowCall {
    decision: Py<Decision>,
    shadow: Py<Decision>,
    difference: Vec<&'static str>,
    method: Py<PyAny>,
    path: Option<Py<PyAny>>,
    origin: Option<String>,
}

#[pymethods]
impl ShadowCall {
    /// The decision that was applied.
    #[getter]
    fn decision(&self, py: Python<'_>) -> Py<Decision> {
        self.decision.clone_ref(py)
    }

    /// What the report-only policy would have decided.
    #[getter]
    fn shadow(&self, py: Python<'_>) -> Py<Decision> {
        self.shadow.clone_ref(py)
    }

    /// What differs: names among `kind`, `reason`, `status`, `headers`,
    /// `vary`, in that order.
    #[getter]
    fn difference(&self) -> Vec<&'static str> {
        self.difference.clone()
    }

    /// The request method, as the adapter passed it.
    #[getter]
    fn method(&self, py: Python<'_>) -> Py<PyAny> {
        self.method.clone_ref(py)
    }

    /// The request path, as the adapter passed it (None if none).
    #[getter]
    fn path(&self, py: Python<'_>) -> Option<Py<PyAny>> {
        self.path.as_ref().map(|p| p.clone_ref(py))
    }

    /// The request's `Origin` (latin-1 text; the first line if several),
    /// or None: request bytes, so log it with `%r`.
    #[getter]
    fn origin(&self) -> Option<String> {
        self.origin.clone()
    }

    fn __repr__(&self) -> String {
        format!(
            "<unicors.ShadowDifference {} -> {}: {}>",
            self.decision.get().kind_name(),
            self.shadow.get().kind_name(),
            self.difference.join(", ")
        )
    }
}
