//! The native half of the `unicors` npm package: the core's policy and
//! decisions for Node. Every CORS rule lives in the core; this crate only
//! converts JavaScript values to the core's inputs and back. The JS half
//! (`lib/`) shapes the API and the errors.

mod case;
pub mod decision;
pub mod policy;
pub mod problem;
