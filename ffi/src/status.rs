//! Status codes and their messages.

use std::ffi::c_char;

/// The result of a fallible call. `UNICORS_STATUS_OK` (0) is success;
/// errors start at 1000 so they are not mistaken for errno values.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum unicors_status {
    /// Success.
    Ok = 0,
    /// A required pointer was NULL (or NULL with a non-zero length).
    NullParameter = 1000,
    /// An argument is out of range (an unknown enum value, an index past
    /// the end, a length no buffer can have).
    InvalidArgument = 1001,
    /// The policy document has errors; see the `unicors_config_error`.
    InvalidPolicy = 1002,
    /// The policy file could not be read; see the `unicors_config_error`.
    Io = 1003,
    /// A bug in unicors was caught at the boundary; nothing was written.
    Panic = 1004,
}

impl unicors_status {
    const ALL: [unicors_status; 6] = [
        unicors_status::Ok,
        unicors_status::NullParameter,
        unicors_status::InvalidArgument,
        unicors_status::InvalidPolicy,
        unicors_status::Io,
        unicors_status::Panic,
    ];

    fn message(self) -> &'static std::ffi::CStr {
        match self {
            unicors_status::Ok => c"ok",
            unicors_status::NullParameter => c"a required pointer was NULL",
            unicors_status::InvalidArgument => c"an argument is out of range",
            unicors_status::InvalidPolicy => c"the policy document has errors",
            unicors_status::Io => c"the policy file could not be read",
            unicors_status::Panic => c"internal error caught at the unicors boundary",
        }
    }
}

/// A static, NUL-terminated description of a status code. Takes a plain
/// integer so any value from C is safe; unknown codes give "unknown status".
#[unsafe(no_mangle)]
pub extern "C" fn unicors_status_str(status: u32) -> *const c_char {
    crate::boundary::guard(c"unknown status".as_ptr(), || {
        unicors_status::ALL
            .iter()
            .find(|s| **s as u32 == status)
            .map_or(c"unknown status", |s| s.message())
            .as_ptr()
    })
}
