//! Pre-processing (`fairkit.preprocessing`): reweighing, the disparate-impact remover and the
//! correlation remover of `fairkit_preprocessing`.

use fairkit_core::FairDataset;
use fairkit_preprocessing::{
    CorrelationRemover, DisparateImpactRemover, FeatureTransform, FitFeatureTransform, Reweighing,
};
use ndarray::Array2;
use numpy::{IntoPyArray, PyArray1, PyArray2, PyReadonlyArray1, PyReadonlyArray2};
use pyo3::prelude::*;

use crate::{SensitiveGroups, features, value_error};

/// Reweighing's instance weights (Kamiran and Calders 2012): each row's weight (1 without
/// `sample_weight`) times the factor of its (group, label) cell.
#[pyfunction]
#[pyo3(signature = (y, groups, sample_weight=None))]
fn reweigh<'py>(
    py: Python<'py>,
    y: PyReadonlyArray1<'py, f64>,
    groups: &SensitiveGroups,
    sample_weight: Option<PyReadonlyArray1<'py, f64>>,
) -> PyResult<Bound<'py, PyArray1<f64>>> {
    let y = crate::binary("y", y.as_array())?;
    let n = y.len();
    // Reweighing reads labels, groups and weights only; the features are a placeholder column.
    let mut data =
        FairDataset::new(Array2::zeros((n, 1)), y, groups.groups.clone()).map_err(value_error)?;
    if let Some(w) = sample_weight {
        data = data
            .with_weights(w.as_array().to_vec())
            .map_err(value_error)?;
    }
    let w = py
        .detach(|| Reweighing::fit(&data).and_then(|r| r.weights(&data)))
        .map_err(value_error)?;
    Ok(w.into_pyarray(py))
}

/// A fitted feature transform (disparate-impact or correlation remover).
#[pyclass(frozen, module = "fairkit._fairkit")]
pub struct Transform {
    inner: Box<dyn FeatureTransform + Send + Sync>,
}

#[pymethods]
impl Transform {
    /// The transformed features of rows in `groups`.
    fn transform<'py>(
        &self,
        py: Python<'py>,
        x: PyReadonlyArray2<'py, f64>,
        groups: &SensitiveGroups,
    ) -> PyResult<Bound<'py, PyArray2<f64>>> {
        let x = features("X", x.as_array())?;
        let g = &groups.groups;
        let out = py
            .detach(|| self.inner.transform_features(x.view(), g))
            .map_err(value_error)?;
        Ok(out.into_pyarray(py))
    }
}

fn transform_data(x: PyReadonlyArray2<'_, f64>, groups: &SensitiveGroups) -> PyResult<FairDataset> {
    let x = features("X", x.as_array())?;
    let n = x.nrows();
    FairDataset::new(x, vec![false; n], groups.groups.clone()).map_err(value_error)
}

/// Fits the correlation remover (Fairlearn's `CorrelationRemover`, the groups one-hot).
#[pyfunction]
fn fit_correlation_remover(
    py: Python<'_>,
    x: PyReadonlyArray2<'_, f64>,
    groups: &SensitiveGroups,
    alpha: f64,
) -> PyResult<Transform> {
    let data = transform_data(x, groups)?;
    let inner = py
        .detach(|| CorrelationRemover::params().alpha(alpha).fit(&data))
        .map_err(value_error)?;
    Ok(Transform {
        inner: Box::new(inner),
    })
}

/// Fits the disparate-impact remover (Feldman et al. 2015, AIF360's).
#[pyfunction]
fn fit_disparate_impact_remover(
    py: Python<'_>,
    x: PyReadonlyArray2<'_, f64>,
    groups: &SensitiveGroups,
    repair_level: f64,
) -> PyResult<Transform> {
    let data = transform_data(x, groups)?;
    let inner = py
        .detach(|| {
            DisparateImpactRemover::params()
                .repair_level(repair_level)
                .fit(&data)
        })
        .map_err(value_error)?;
    Ok(Transform {
        inner: Box::new(inner),
    })
}

/// Adds the pre-processing functions to the module.
pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Transform>()?;
    m.add_function(wrap_pyfunction!(reweigh, m)?)?;
    m.add_function(wrap_pyfunction!(fit_correlation_remover, m)?)?;
    m.add_function(wrap_pyfunction!(fit_disparate_impact_remover, m)?)?;
    Ok(())
}
