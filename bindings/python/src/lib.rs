//! The `unicors._native` extension module: the core's policy and decision
//! types for Python. Every CORS rule lives in the core; this crate only
//! converts Python values to the core's inputs and back.

use pyo3::prelude::*;

mod asgi;
mod convert;
mod decision;
mod header_store;
mod inputs;
mod live;
mod merge;
mod policy;
mod problems;
mod wsgi;

pub use asgi::CorsSend;
pub use decision::Decision;
pub use live::{LivePolicy, ShadowCall};
pub use policy::Policy;
pub use problems::{ConfigError, Problem};
pub use wsgi::CorsStartResponse;

/// The `unicors._native` module.
#[pymodule]
#[pyo3(name = "_native")]
fn native(module: &Bound<'_, PyModule>) -> PyResult<()> {
    module.add("__version__", env!("CARGO_PKG_VERSION"))?;
    module.add("REQUEST_HEADER_NAMES", unicors::REQUEST_HEADER_NAMES)?;
    module.add_function(wrap_pyfunction!(decision::is_cors_response_header, module)?)?;
    module.add_class::<Policy>()?;
    module.add_class::<Decision>()?;
    module.add_class::<LivePolicy>()?;
    module.add_class::<ShadowCall>()?;
    module.add_class::<CorsStartResponse>()?;
    module.add_class::<CorsSend>()?;
    module.add_class::<Problem>()?;
    module.add("ConfigError", module.py().get_type::<ConfigError>())?;
    Ok(())
}
