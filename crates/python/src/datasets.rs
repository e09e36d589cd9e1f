//! Built-in data (`fairkit.datasets`): the simulated scenarios of `fairkit_data::sim`, encoded
//! and split as the command line and the teaching examples do.

use fairkit_core::FairDataset;
use fairkit_data::{Prepared, sim};
use numpy::{IntoPyArray, PyArray1, PyArray2};
use pyo3::prelude::*;

use crate::value_error;

type Part<'py> = (
    Bound<'py, PyArray2<f64>>,
    Bound<'py, PyArray1<bool>>,
    Vec<String>,
);

fn part<'py>(py: Python<'py>, d: &FairDataset) -> Part<'py> {
    let schema = d.groups().schema();
    let groups = d
        .groups()
        .codes()
        .iter()
        .map(|&c| schema.label(c))
        .collect();
    (
        d.features().to_owned().into_pyarray(py),
        ndarray::Array1::from(d.labels().to_vec()).into_pyarray(py),
        groups,
    )
}

/// Simulates a scenario, encodes it (one-hot, standardized) and splits it into train and test:
/// `(feature_names, (X, y, groups) train, (X, y, groups) test)`.
#[pyfunction]
#[pyo3(signature = (scenario="biased-credit", rows=10_000, seed=0, test_size=0.3, split_seed=0))]
fn simulate<'py>(
    py: Python<'py>,
    scenario: &str,
    rows: usize,
    seed: u64,
    test_size: f64,
    split_seed: u64,
) -> PyResult<(Vec<String>, Part<'py>, Part<'py>)> {
    let table = sim::simulate(scenario, rows, seed).map_err(value_error)?;
    let p = Prepared::split(&sim::default_spec(), &table, test_size, split_seed, false)
        .map_err(value_error)?;
    Ok((
        p.train.feature_names().to_vec(),
        part(py, &p.train),
        part(py, &p.test),
    ))
}

/// Adds the dataset functions to the module.
pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(simulate, m)?)?;
    Ok(())
}
