//! The library's version.

use std::ffi::c_char;

/// `"unicors/MAJOR.MINOR.PATCH"`, static and NUL-terminated. Compare with
/// the `UNICORS_VERSION_*` macros of the header you compiled against.
#[unsafe(no_mangle)]
pub extern "C" fn unicors_version() -> *const c_char {
    const VERSION: &str = concat!("unicors/", env!("CARGO_PKG_VERSION"), "\0");
    VERSION.as_ptr().cast()
}
