//! Pre-processing (`fairkit.preprocessing`): filled in below as the bindings grow.

use pyo3::prelude::*;

/// Adds the pre-processing functions to the module.
pub(crate) fn register(_m: &Bound<'_, PyModule>) -> PyResult<()> {
    Ok(())
}
