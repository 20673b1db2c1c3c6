//! The native half of the `unicors` npm package: the core's policy and
//! decisions for Node. Every CORS rule lives in the core; this crate only
//! converts JavaScript values to the core's inputs and back. The JS half
//! (`lib/`) shapes the API and the errors.

pub mod allocations;
mod case;
mod crossing;
pub mod decision;
pub mod policy;
pub mod problem;
mod registry;

use napi::bindgen_prelude::{JsValue, Object};
use napi::{Env, sys};
use napi_derive::napi;

/// Adds the raw functions (`decideFast`) to the exports napi-rs builds.
#[napi(module_exports)]
pub fn export_raw_functions(exports: Object, env: Env) -> napi::Result<()> {
    crossing::export(env.raw() as sys::napi_env, exports.raw())
}
