//! Assembling a policy from a file plus keys set one by one, the way a
//! server's own configuration language (nginx directives) describes it.

use unicors::{ConfigError, Policy, Problem, ProblemCode, Severity, Value};

use crate::boundary::{bytes, guard};
use crate::config_error::unicors_config_error;
use crate::policy::{deliver, path_from_bytes, unicors_policy};
use crate::status::unicors_status;

/// A byte string: pointer and length, not NUL-terminated.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct unicors_bytes {
    /// The bytes (NULL only with length 0).
    pub data: *const u8,
    /// Their number.
    pub len: usize,
}

/// A policy being assembled: an optional base document (a policy file)
/// and keys set on top of it, each replacing the file's value of that key
/// wholesale. Nothing is validated until `unicors_policy_builder_build`,
/// which reports every problem at once, including a file that could not be
/// read or parsed. Made by `unicors_policy_builder_new`; one thread at a
/// time; consumed by `_build` or released by `_free`.
#[derive(Debug, Default)]
pub struct unicors_policy_builder {
    base: Vec<(String, Value)>,
    keys: Vec<(String, Value)>,
    problems: Vec<Problem>,
}

impl unicors_policy_builder {
    fn set(&mut self, key: &[u8], value: Value) -> unicors_status {
        let Ok(key) = std::str::from_utf8(key) else {
            self.problems.push(not_utf8(String::new(), key));
            return unicors_status::Ok;
        };
        match self.keys.iter_mut().find(|(k, _)| k == key) {
            Some(entry) => entry.1 = value,
            None => self.keys.push((key.to_owned(), value)),
        }
        unicors_status::Ok
    }

    fn document(&self) -> Value {
        let mut table = self.base.clone();
        for (key, value) in &self.keys {
            match table.iter_mut().find(|(k, _)| k == key) {
                Some(entry) => entry.1 = value.clone(),
                None => table.push((key.clone(), value.clone())),
            }
        }
        Value::Table(table)
    }
}

fn not_utf8(field: String, bytes: &[u8]) -> Problem {
    Problem {
        severity: Severity::Error,
        code: ProblemCode::WrongType,
        field,
        value: String::from_utf8_lossy(bytes).into_owned(),
        message: "expected UTF-8 text".to_owned(),
    }
}

/// Runs `body` on the builder behind `builder` (NULL gives
/// NULL_PARAMETER), catching panics. Every caller passes the pointer its
/// own C caller promised to be NULL or a live builder used by one thread.
fn with_builder(
    builder: *mut unicors_policy_builder,
    body: impl FnOnce(&mut unicors_policy_builder) -> Result<unicors_status, unicors_status>,
) -> unicors_status {
    guard(unicors_status::Panic, || {
        // SAFETY: NULL or live and unshared, promised by the C caller.
        match unsafe { builder.as_mut() } {
            Some(builder) => body(builder).unwrap_or_else(|status| status),
            None => unicors_status::NullParameter,
        }
    })
}

/// A new, empty builder. NULL only if memory is exhausted.
#[unsafe(no_mangle)]
pub extern "C" fn unicors_policy_builder_new() -> *mut unicors_policy_builder {
    guard(std::ptr::null_mut(), || {
        Box::into_raw(Box::<unicors_policy_builder>::default())
    })
}

/// Frees a builder that was not built; NULL is a no-op.
///
/// # Safety
/// `builder` must be NULL or a live builder, not used afterwards.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn unicors_policy_builder_free(builder: *mut unicors_policy_builder) {
    guard((), || {
        if !builder.is_null() {
            // SAFETY: made by `Box::into_raw`, freed once.
            drop(unsafe { Box::from_raw(builder) });
        }
    });
}

/// Reads a policy file (`.json` is JSON, anything else TOML) as the base
/// document, replacing any earlier one. Keys set before or after still
/// win over the file's. A file that cannot be read or parsed is not an
/// error here: its problem is kept and reported by `_build` with every
/// other. The path is copied.
///
/// # Safety
/// `builder` must be NULL or a live builder; `path` must point to
/// `path_len` readable bytes (NULL only with length 0).
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn unicors_policy_builder_load_file(
    builder: *mut unicors_policy_builder,
    path: *const u8,
    path_len: usize,
) -> unicors_status {
    with_builder(builder, |builder| {
        // SAFETY: per the contract.
        let path = unsafe { bytes(path, path_len) }?;
        if path.is_empty() || path.contains(&0) {
            return Err(unicors_status::InvalidArgument);
        }
        let path = path_from_bytes(path).ok_or(unicors_status::InvalidArgument)?;
        builder.base.clear();
        match unicors::read_document(path) {
            Ok(Value::Table(table)) => builder.base = table,
            Ok(other) => builder.problems.push(Problem {
                severity: Severity::Error,
                code: ProblemCode::WrongType,
                field: String::new(),
                value: String::new(),
                message: format!(
                    "expected a table of policy keys, found {}",
                    other.type_name()
                ),
            }),
            Err(error) => builder.problems.extend_from_slice(error.problems()),
        }
        Ok(unicors_status::Ok)
    })
}

/// Sets `key` (a policy key such as `allow_origins`) to a list of strings,
/// replacing any earlier value. The strings are copied; one that is not
/// UTF-8 is reported by `_build` at `key[index]`.
///
/// # Safety
/// `builder` must be NULL or a live builder; `key` must point to
/// `key_len` readable bytes; `items` to `count` `unicors_bytes` whose
/// pointers are readable (NULL only with `count` 0).
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn unicors_policy_builder_set_strings(
    builder: *mut unicors_policy_builder,
    key: *const u8,
    key_len: usize,
    items: *const unicors_bytes,
    count: usize,
) -> unicors_status {
    with_builder(builder, |builder| {
        // SAFETY: per the contract.
        let key = unsafe { bytes(key, key_len) }?;
        let items: &[unicors_bytes] = if count == 0 {
            &[]
        } else if items.is_null() {
            return Err(unicors_status::NullParameter);
        } else if count > crate::boundary::MAX_LEN / size_of::<unicors_bytes>() {
            return Err(unicors_status::InvalidArgument);
        } else {
            // SAFETY: non-NULL, bounded, readable per the contract.
            unsafe { std::slice::from_raw_parts(items, count) }
        };
        let mut values = Vec::with_capacity(items.len());
        for (index, item) in items.iter().enumerate() {
            // SAFETY: per the contract.
            let raw = unsafe { bytes(item.data, item.len) }?;
            match std::str::from_utf8(raw) {
                Ok(text) => values.push(Value::String(text.to_owned())),
                Err(_) => {
                    let field = format!("{}[{index}]", String::from_utf8_lossy(key));
                    builder.problems.push(not_utf8(field, raw));
                }
            }
        }
        Ok(builder.set(key, Value::Array(values)))
    })
}

/// Sets `key` to a boolean, replacing any earlier value.
///
/// # Safety
/// `builder` must be NULL or a live builder; `key` must point to
/// `key_len` readable bytes.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn unicors_policy_builder_set_bool(
    builder: *mut unicors_policy_builder,
    key: *const u8,
    key_len: usize,
    value: bool,
) -> unicors_status {
    with_builder(builder, |builder| {
        // SAFETY: per the contract.
        let key = unsafe { bytes(key, key_len) }?;
        Ok(builder.set(key, Value::Bool(value)))
    })
}

/// Sets `key` to an integer, replacing any earlier value (range checks
/// happen in `_build`, with the policy's own error codes).
///
/// # Safety
/// `builder` must be NULL or a live builder; `key` must point to
/// `key_len` readable bytes.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn unicors_policy_builder_set_integer(
    builder: *mut unicors_policy_builder,
    key: *const u8,
    key_len: usize,
    value: i64,
) -> unicors_status {
    with_builder(builder, |builder| {
        // SAFETY: per the contract.
        let key = unsafe { bytes(key, key_len) }?;
        Ok(builder.set(key, Value::Integer(value)))
    })
}

/// Validates the assembled document and builds the policy. Always
/// consumes `builder` (also on failure). On success writes the policy to
/// `*policy_out` (and NULL to `*error_out` when given); otherwise returns
/// `UNICORS_STATUS_INVALID_POLICY` (or `UNICORS_STATUS_IO` when the file
/// could not be read) and, if `error_out` is not NULL, an object listing
/// every problem: the file's, the keys' and the policy's own.
///
/// # Safety
/// `builder` must be NULL or a live builder, not used afterwards;
/// `policy_out` must be writable; `error_out` NULL or writable.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn unicors_policy_builder_build(
    builder: *mut unicors_policy_builder,
    policy_out: *mut *const unicors_policy,
    error_out: *mut *mut unicors_config_error,
) -> unicors_status {
    guard(unicors_status::Panic, || {
        if builder.is_null() {
            return unicors_status::NullParameter;
        }
        // SAFETY: made by `Box::into_raw`, consumed once.
        let builder = unsafe { Box::from_raw(builder) };
        if policy_out.is_null() {
            return unicors_status::NullParameter;
        }
        let built = Policy::from_value(&builder.document());
        let result = match (built, builder.problems.is_empty()) {
            (Ok(policy), true) => Ok(policy),
            (Ok(policy), false) => {
                let mut problems = builder.problems.clone();
                problems.extend_from_slice(policy.warnings());
                Err(ConfigError::new(problems))
            }
            (Err(error), _) => {
                let mut problems = builder.problems.clone();
                problems.extend_from_slice(error.problems());
                Err(ConfigError::new(problems))
            }
        };
        // SAFETY: writable per the contract.
        unsafe { deliver(result, policy_out, error_out) }
    })
}
