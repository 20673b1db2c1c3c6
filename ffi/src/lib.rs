//! The C ABI of unicors (`libunicors`, header `include/unicors.h`).
//!
//! Conventions, stated once here and in the header preamble:
//!
//! - Every function and type is prefixed `unicors_`; the Rust names are the
//!   C names. Opaque types are only ever handled through pointers.
//! - Byte strings are `(pointer, length)` pairs, never NUL-terminated, so
//!   nginx's `ngx_str_t` and other servers' header views pass without a
//!   copy. A NULL pointer is accepted only with length 0.
//! - Functions that can fail return `unicors_status` (`UNICORS_STATUS_OK`
//!   is 0); out-parameters are written only on success.
//! - Objects made by the library are freed only by the matching `_free`
//!   function; `_free(NULL)` does nothing; freeing twice is undefined.
//! - No panic crosses the boundary: each entry point catches one and
//!   returns `UNICORS_STATUS_PANIC` (or a neutral value).
//! - A built `unicors_policy` is immutable: any number of threads may
//!   evaluate against it at once, without locks. A `unicors_decision` is
//!   a buffer for one thread at a time.

#![allow(non_camel_case_types)]

mod boundary;
pub mod builder;
pub mod config_error;
pub mod counters;
pub mod decision;
pub mod enums;
pub mod header;
pub mod policy;
pub mod policy_cell;
pub mod shadow;
pub mod status;
pub mod version;
pub mod view;

#[cfg(test)]
mod header_file;
