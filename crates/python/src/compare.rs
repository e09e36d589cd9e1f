//! `fairkit.compare`: the comparison harness of `fairkit compare` (`fairkit_harness::compare`).

use fairkit_harness::compare::{CompareConfig, compare};
use pyo3::prelude::*;

use crate::value_error;

/// Runs a comparison and returns `(results, table)`: every (method, seed) result as JSON (the
/// rows of `results.json`) and the table `fairkit compare` prints. `config` is an experiment
/// file's TOML text; `None` is the default comparison.
#[pyfunction]
#[pyo3(signature = (config=None))]
fn compare_json(py: Python<'_>, config: Option<&str>) -> PyResult<(String, String)> {
    let config = match config {
        Some(text) => CompareConfig::from_toml(text, "config").map_err(value_error)?,
        None => CompareConfig::default(),
    };
    let comparison = py
        .detach(|| compare(&config, &|_| {}))
        .map_err(value_error)?;
    let rows = serde_json::to_string(&comparison.results).map_err(value_error)?;
    Ok((rows, comparison.render_table()))
}

/// Adds `compare_json` to the module.
pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(compare_json, m)?)?;
    Ok(())
}
