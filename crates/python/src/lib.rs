//! The compiled core of the `fairkit` Python module (docs/python.md).
//!
//! Thin: every number comes from the library crates (metrics, reductions, postprocessing,
//! learners, preprocessing); this file converts numpy arrays to their inputs, releases the GIL
//! while they run, and turns every error into a `ValueError` carrying fairkit's message. The
//! Fairlearn-shaped classes (`MetricFrame`, `ExponentiatedGradient`, ...) are the pure-Python
//! package around it (`python/fairkit`).

use std::sync::Arc;

use fairkit_core::{Classifier, FairDataset, GroupSchema, Groups, Learner};
use fairkit_learners::{Estimator, Model};
use fairkit_metrics::{
    Aggregation, ComputeReport, Disparity, EqualizedOddsAgg, GroupedReport, Metric, ReportInput,
};
use fairkit_postprocessing::{
    Constraint, FitThresholds, InterpolatedThresholder, Objective, ThresholdOptimizerParams,
};
use fairkit_reductions::{
    Bound as ParityBound, ExponentiatedGradient, FitReduction, GridSearch, UtilityParity,
};
use ndarray::{Array2, ArrayView1, ArrayView2};
use numpy::{IntoPyArray, PyArray1, PyArray2, PyReadonlyArray1, PyReadonlyArray2};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

mod compare;
mod datasets;
mod preprocessing;

/// Every fairkit error reaches Python as a `ValueError` with fairkit's message.
pub(crate) fn value_error(e: impl std::fmt::Display) -> PyErr {
    PyValueError::new_err(e.to_string())
}

/// Binary labels from a float column: 0 and 1 only.
pub(crate) fn binary(name: &str, a: ArrayView1<'_, f64>) -> PyResult<Vec<bool>> {
    a.iter()
        .enumerate()
        .map(|(i, &v)| {
            if v == 1.0 {
                Ok(true)
            } else if v == 0.0 {
                Ok(false)
            } else {
                Err(value_error(format!(
                    "{name}: row {i} is {v}; binary labels must be 0 or 1"
                )))
            }
        })
        .collect()
}

/// Sample weights, checked by fairkit where they are used.
fn weights(w: Option<PyReadonlyArray1<'_, f64>>) -> Option<Vec<f64>> {
    w.map(|w| w.as_array().to_vec())
}

/// An owned copy of a feature matrix; NaN and infinite entries are refused.
pub(crate) fn features(name: &str, x: ArrayView2<'_, f64>) -> PyResult<Array2<f64>> {
    if let Some(((i, j), v)) = x.indexed_iter().find(|(_, v)| !v.is_finite()) {
        return Err(value_error(format!(
            "{name}: row {i}, column {j} is {v}; features must be finite"
        )));
    }
    Ok(x.to_owned())
}

/// An estimator from its JSON form (`{"name": "logistic", "alpha": 1.0}`) or its bare name.
fn estimator(spec: &str) -> PyResult<Estimator> {
    if spec.trim_start().starts_with('{') {
        serde_json::from_str(spec).map_err(|e| value_error(format!("estimator {spec}: {e}")))
    } else {
        spec.parse().map_err(value_error)
    }
}

/// A metric by its snake_case name.
fn metric(name: &str) -> PyResult<Metric> {
    Metric::from_name(name).ok_or_else(|| {
        let known: Vec<&str> = Metric::ALL.iter().map(|m| m.name()).collect();
        value_error(format!(
            "unknown metric {name:?}; fairkit computes {}",
            known.join(", ")
        ))
    })
}

/// A parity constraint of the reductions by Fairlearn's class name.
fn parity(
    kind: &str,
    difference_bound: Option<f64>,
    ratio_bound: Option<f64>,
    ratio_bound_slack: f64,
) -> PyResult<UtilityParity> {
    let base = match kind {
        "DemographicParity" => UtilityParity::demographic_parity(),
        "EqualizedOdds" => UtilityParity::equalized_odds(),
        "TruePositiveRateParity" => UtilityParity::true_positive_rate_parity(),
        "FalsePositiveRateParity" => UtilityParity::false_positive_rate_parity(),
        "ErrorRateParity" => UtilityParity::error_rate_parity(),
        other => {
            return Err(value_error(format!(
                "unknown constraint {other:?}; fairkit has DemographicParity, EqualizedOdds, \
                 TruePositiveRateParity, FalsePositiveRateParity and ErrorRateParity"
            )));
        }
    };
    let bound = match (difference_bound, ratio_bound) {
        (Some(_), Some(_)) => {
            return Err(value_error(
                "give at most one of difference_bound and ratio_bound",
            ));
        }
        (Some(d), None) => ParityBound::Difference(d),
        (None, Some(ratio)) => ParityBound::Ratio {
            ratio,
            slack: ratio_bound_slack,
        },
        (None, None) => ParityBound::default(),
    };
    bound.check().map_err(value_error)?;
    Ok(base.with_bound(bound))
}

/// A serde enum from its snake_case name.
fn named<T: serde::de::DeserializeOwned>(what: &str, name: &str) -> PyResult<T> {
    serde_json::from_value(serde_json::Value::String(name.to_string()))
        .map_err(|_| value_error(format!("unknown {what} {name:?}")))
}

/// The sensitive groups of some rows: one or more columns, each given as its levels (in the
/// order the caller sorted them) and one index into them per row. fairkit numbers the
/// intersections its own way (`GroupSchema`); `order` maps the caller's numbering (first
/// column slowest) to fairkit's codes.
#[pyclass(frozen, module = "fairkit._fairkit")]
pub struct SensitiveGroups {
    pub(crate) groups: Groups,
    order: Vec<u32>,
}

#[pymethods]
impl SensitiveGroups {
    #[new]
    fn new(
        columns: Vec<String>,
        levels: Vec<Vec<String>>,
        codes: Vec<PyReadonlyArray1<'_, i64>>,
    ) -> PyResult<Self> {
        if codes.len() != columns.len() || levels.len() != columns.len() {
            return Err(value_error(format!(
                "sensitive features: {} columns, {} level lists and {} code columns",
                columns.len(),
                levels.len(),
                codes.len()
            )));
        }
        let schema = GroupSchema::new(columns.clone(), levels.clone()).map_err(value_error)?;
        // The caller's level index -> fairkit's level index, per column.
        let mut to_schema = Vec::with_capacity(columns.len());
        for (j, column) in levels.iter().enumerate() {
            let fitted = &schema.levels()[j];
            if fitted.len() != column.len() {
                return Err(value_error(format!(
                    "sensitive feature {}: two values have the same text",
                    columns[j]
                )));
            }
            let map: Vec<usize> = column
                .iter()
                .map(|l| fitted.iter().position(|f| f == l).unwrap_or(0))
                .collect();
            to_schema.push(map);
        }
        let sizes: Vec<usize> = levels.iter().map(Vec::len).collect();
        let total: usize = sizes.iter().product();
        let mut order = Vec::with_capacity(total);
        for p in 0..total {
            let mut rest = p;
            let mut idx = vec![0usize; sizes.len()];
            for j in (0..sizes.len()).rev() {
                idx[j] = rest % sizes[j];
                rest /= sizes[j];
            }
            let values: Vec<&str> = idx
                .iter()
                .enumerate()
                .map(|(j, &i)| schema.levels()[j][to_schema[j][i]].as_str())
                .collect();
            let code = schema
                .code(&values)
                .ok_or_else(|| value_error("sensitive features: a combination has no code"))?;
            order.push(code);
        }
        let arrays: Vec<ArrayView1<'_, i64>> = codes.iter().map(|c| c.as_array()).collect();
        let n = arrays.first().map_or(0, |a| a.len());
        for (j, a) in arrays.iter().enumerate() {
            if a.len() != n {
                return Err(value_error(format!(
                    "sensitive feature {}: {} rows where the first has {n}",
                    columns[j],
                    a.len()
                )));
            }
        }
        let mut row_codes = Vec::with_capacity(n);
        for i in 0..n {
            let mut p = 0usize;
            for (j, a) in arrays.iter().enumerate() {
                let c = a[i];
                if c < 0 || c as usize >= sizes[j] {
                    return Err(value_error(format!(
                        "sensitive feature {}: row {i} has level index {c}",
                        columns[j]
                    )));
                }
                p = p * sizes[j] + c as usize;
            }
            row_codes.push(order[p]);
        }
        let groups = Groups::new(Arc::new(schema), row_codes).map_err(value_error)?;
        Ok(Self { groups, order })
    }

    /// The caller's combination number -> fairkit's group code.
    #[getter]
    fn order(&self) -> Vec<u32> {
        self.order.clone()
    }

    /// fairkit's group labels, by code.
    #[getter]
    fn labels(&self) -> Vec<String> {
        self.groups.schema().labels()
    }

    fn __len__(&self) -> usize {
        self.groups.len()
    }
}

fn dataset(
    x: Array2<f64>,
    y: Vec<bool>,
    groups: &SensitiveGroups,
    w: Option<Vec<f64>>,
) -> PyResult<FairDataset> {
    let data = FairDataset::new(x, y, groups.groups.clone()).map_err(value_error)?;
    data.require_both_classes().map_err(value_error)?;
    match w {
        Some(w) => data.with_weights(w).map_err(value_error),
        None => Ok(data),
    }
}

/// A grouped report (fairkit's MetricFrame) of binary labels and predictions.
#[pyclass(frozen, module = "fairkit._fairkit")]
pub struct Report {
    report: GroupedReport,
}

#[pyfunction]
#[pyo3(signature = (y_true, y_pred, groups, sample_weight=None, method="between_groups", agg="worst_case"))]
fn grouped_report(
    py: Python<'_>,
    y_true: PyReadonlyArray1<'_, f64>,
    y_pred: PyReadonlyArray1<'_, f64>,
    groups: &SensitiveGroups,
    sample_weight: Option<PyReadonlyArray1<'_, f64>>,
    method: &str,
    agg: &str,
) -> PyResult<Report> {
    let method: Aggregation = named("method", method)?;
    let agg: EqualizedOddsAgg = named("agg", agg)?;
    let y = binary("y_true", y_true.as_array())?;
    let p = binary("y_pred", y_pred.as_array())?;
    let w = weights(sample_weight);
    let g = &groups.groups;
    let report = py
        .detach(|| {
            let mut input = ReportInput::new(&y, &p, g);
            if let Some(w) = &w {
                input = input.weights(w);
            }
            GroupedReport::params()
                .method(method)
                .equalized_odds_agg(agg)
                .compute(input)
        })
        .map_err(value_error)?;
    Ok(Report { report })
}

#[pymethods]
impl Report {
    /// The metric over all rows.
    fn overall(&self, metric_name: &str) -> PyResult<f64> {
        Ok(self.report.overall(metric(metric_name)?))
    }

    /// The metric of each group, by fairkit's group code (NaN for an empty intersection).
    fn by_group(&self, metric_name: &str) -> PyResult<Vec<f64>> {
        let m = metric(metric_name)?;
        let n = self.report.labels().len() as u32;
        Ok((0..n).map(|c| self.report.value(m, c)).collect())
    }

    /// `(group_min, group_max, difference, difference_to_overall, ratio, ratio_to_overall)`.
    fn aggregate(&self, metric_name: &str) -> PyResult<(f64, f64, f64, f64, f64, f64)> {
        let a = self.report.aggregate(metric(metric_name)?);
        Ok((
            a.group_min,
            a.group_max,
            a.difference,
            a.difference_to_overall,
            a.ratio,
            a.ratio_to_overall,
        ))
    }

    /// A named disparity (`demographic_parity_difference`, ...) with the report's method.
    fn disparity(&self, name: &str) -> PyResult<f64> {
        let d = Disparity::ALL
            .into_iter()
            .find(|d| d.name() == name)
            .ok_or_else(|| value_error(format!("unknown disparity {name:?}")))?;
        Ok(self.report.disparity(d))
    }
}

/// A learner fitted in Rust (`fairkit.learners`).
#[pyclass(frozen, module = "fairkit._fairkit")]
pub struct FittedModel {
    model: Model,
}

#[pyfunction]
#[pyo3(signature = (estimator_spec, x, y, sample_weight=None))]
fn fit_learner(
    py: Python<'_>,
    estimator_spec: &str,
    x: PyReadonlyArray2<'_, f64>,
    y: PyReadonlyArray1<'_, f64>,
    sample_weight: Option<PyReadonlyArray1<'_, f64>>,
) -> PyResult<FittedModel> {
    let est = estimator(estimator_spec)?;
    let x = features("X", x.as_array())?;
    let y = binary("y", y.as_array())?;
    fairkit_core::Error::check_len("y", x.nrows(), y.len()).map_err(value_error)?;
    let w = weights(sample_weight);
    if let Some(w) = &w {
        fairkit_core::Error::check_len("sample_weight", x.nrows(), w.len()).map_err(value_error)?;
        fairkit_core::Error::check_weights(w).map_err(value_error)?;
    }
    let model = py
        .detach(|| {
            let y = ndarray::Array1::from(y);
            let w = w.map(ndarray::Array1::from);
            est.fit(x.view(), y.view(), w.as_ref().map(|w| w.view()))
        })
        .map_err(value_error)?;
    Ok(FittedModel { model })
}

#[pymethods]
impl FittedModel {
    /// The model's score of the positive class (a probability for probabilistic learners).
    fn score<'py>(
        &self,
        py: Python<'py>,
        x: PyReadonlyArray2<'py, f64>,
    ) -> PyResult<Bound<'py, PyArray1<f64>>> {
        let x = features("X", x.as_array())?;
        fairkit_core::Error::check_features(self.model.n_features(), x.ncols())
            .map_err(value_error)?;
        Ok(py.detach(|| self.model.score(x.view())).into_pyarray(py))
    }

    /// Hard labels.
    fn predict<'py>(
        &self,
        py: Python<'py>,
        x: PyReadonlyArray2<'py, f64>,
    ) -> PyResult<Bound<'py, PyArray1<bool>>> {
        let x = features("X", x.as_array())?;
        fairkit_core::Error::check_features(self.model.n_features(), x.ncols())
            .map_err(value_error)?;
        Ok(py.detach(|| self.model.predict(x.view())).into_pyarray(py))
    }

    /// The number of features it was fitted on.
    #[getter]
    fn n_features_in(&self) -> usize {
        self.model.n_features()
    }
}

/// A fitted exponentiated-gradient mixture.
#[pyclass(frozen, module = "fairkit._fairkit")]
pub struct ExpGrad {
    inner: ExponentiatedGradient<Model>,
}

#[pyfunction]
#[pyo3(signature = (estimator_spec, constraint, difference_bound, ratio_bound, ratio_bound_slack,
    x, y, groups, sample_weight, eps, max_iter, nu, eta0, run_linprog_step))]
#[allow(clippy::too_many_arguments)]
fn fit_exponentiated_gradient(
    py: Python<'_>,
    estimator_spec: &str,
    constraint: &str,
    difference_bound: Option<f64>,
    ratio_bound: Option<f64>,
    ratio_bound_slack: f64,
    x: PyReadonlyArray2<'_, f64>,
    y: PyReadonlyArray1<'_, f64>,
    groups: &SensitiveGroups,
    sample_weight: Option<PyReadonlyArray1<'_, f64>>,
    eps: f64,
    max_iter: usize,
    nu: Option<f64>,
    eta0: f64,
    run_linprog_step: bool,
) -> PyResult<ExpGrad> {
    let est = estimator(estimator_spec)?;
    let c = parity(constraint, difference_bound, ratio_bound, ratio_bound_slack)?;
    let data = dataset(
        features("X", x.as_array())?,
        binary("y", y.as_array())?,
        groups,
        weights(sample_weight),
    )?;
    let inner = py
        .detach(|| {
            ExponentiatedGradient::params(est, c)
                .eps(eps)
                .max_iter(max_iter)
                .nu(nu)
                .eta0(eta0)
                .run_linprog_step(run_linprog_step)
                .fit(&data)
        })
        .map_err(value_error)?;
    Ok(ExpGrad { inner })
}

#[pymethods]
impl ExpGrad {
    /// `[P(0), P(1)]` of each row under the mixture (Fairlearn's `_pmf_predict`).
    fn pmf_predict<'py>(
        &self,
        py: Python<'py>,
        x: PyReadonlyArray2<'py, f64>,
    ) -> PyResult<Bound<'py, PyArray2<f64>>> {
        let x = features("X", x.as_array())?;
        let p = py
            .detach(|| self.inner.predict_proba(x.view()))
            .map_err(value_error)?;
        Ok(p.into_pyarray(py))
    }

    /// Labels sampled from the mixture with an explicit seed.
    fn predict<'py>(
        &self,
        py: Python<'py>,
        x: PyReadonlyArray2<'py, f64>,
        seed: u64,
    ) -> PyResult<Bound<'py, PyArray1<bool>>> {
        let x = features("X", x.as_array())?;
        let p = py
            .detach(|| self.inner.predict(x.view(), seed))
            .map_err(value_error)?;
        Ok(p.into_pyarray(py))
    }

    /// The weight of each predictor in the mixture.
    #[getter]
    fn weights(&self) -> Vec<f64> {
        self.inner.weights().to_vec()
    }

    /// How many times the base learner was fitted.
    #[getter]
    fn n_oracle_calls(&self) -> usize {
        self.inner.n_oracle_calls()
    }

    /// How many predictors the mixture holds.
    #[getter]
    fn n_predictors(&self) -> usize {
        self.inner.predictors().len()
    }

    /// The best duality gap.
    #[getter]
    fn best_gap(&self) -> f64 {
        self.inner.best_gap()
    }

    /// The iteration of the best gap.
    #[getter]
    fn best_iteration(&self) -> usize {
        self.inner.best_iteration()
    }

    /// The last iteration run.
    #[getter]
    fn last_iteration(&self) -> usize {
        self.inner.last_iteration()
    }

    /// The training error of each predictor.
    #[getter]
    fn training_errors(&self) -> Vec<f64> {
        self.inner.training_errors().to_vec()
    }

    /// The constraint values of each predictor.
    #[getter]
    fn training_gammas(&self) -> Vec<Vec<f64>> {
        self.inner.training_gammas().to_vec()
    }

    /// The Lagrange multipliers of each iteration.
    #[getter]
    fn lambda_history(&self) -> Vec<Vec<f64>> {
        self.inner.lambda_history().to_vec()
    }

    /// The constraint labels (`+,all,a`, ...).
    #[getter]
    fn constraint_labels(&self) -> Vec<String> {
        self.inner.constraint_labels().to_vec()
    }

    /// The positive-class score of predictor `i` on `x`.
    fn predictor_score<'py>(
        &self,
        py: Python<'py>,
        i: usize,
        x: PyReadonlyArray2<'py, f64>,
    ) -> PyResult<Bound<'py, PyArray1<f64>>> {
        let h = self.inner.predictors().get(i).ok_or_else(|| {
            value_error(format!(
                "predictor {i}: the mixture has {}",
                self.inner.predictors().len()
            ))
        })?;
        let x = features("X", x.as_array())?;
        fairkit_core::Error::check_features(self.inner.n_features(), x.ncols())
            .map_err(value_error)?;
        Ok(h.score(x.view()).into_pyarray(py))
    }
}

/// A fitted grid search.
#[pyclass(frozen, module = "fairkit._fairkit")]
pub struct GridFit {
    inner: GridSearch<Model>,
}

#[pyfunction]
#[pyo3(signature = (estimator_spec, constraint, difference_bound, ratio_bound, ratio_bound_slack,
    x, y, groups, sample_weight, constraint_weight, grid_size, grid_limit, grid=None))]
#[allow(clippy::too_many_arguments)]
fn fit_grid_search(
    py: Python<'_>,
    estimator_spec: &str,
    constraint: &str,
    difference_bound: Option<f64>,
    ratio_bound: Option<f64>,
    ratio_bound_slack: f64,
    x: PyReadonlyArray2<'_, f64>,
    y: PyReadonlyArray1<'_, f64>,
    groups: &SensitiveGroups,
    sample_weight: Option<PyReadonlyArray1<'_, f64>>,
    constraint_weight: f64,
    grid_size: usize,
    grid_limit: f64,
    grid: Option<Vec<Vec<f64>>>,
) -> PyResult<GridFit> {
    let est = estimator(estimator_spec)?;
    let c = parity(constraint, difference_bound, ratio_bound, ratio_bound_slack)?;
    let data = dataset(
        features("X", x.as_array())?,
        binary("y", y.as_array())?,
        groups,
        weights(sample_weight),
    )?;
    let inner = py
        .detach(|| {
            GridSearch::params(est, c)
                .constraint_weight(constraint_weight)
                .grid_size(grid_size)
                .grid_limit(grid_limit)
                .grid(grid)
                .fit(&data)
        })
        .map_err(value_error)?;
    Ok(GridFit { inner })
}

#[pymethods]
impl GridFit {
    /// Labels of the best predictor.
    fn predict<'py>(
        &self,
        py: Python<'py>,
        x: PyReadonlyArray2<'py, f64>,
    ) -> PyResult<Bound<'py, PyArray1<bool>>> {
        let x = features("X", x.as_array())?;
        let p = py
            .detach(|| self.inner.predict(x.view()))
            .map_err(value_error)?;
        Ok(p.into_pyarray(py))
    }

    /// Positive-class scores of the best predictor.
    fn score<'py>(
        &self,
        py: Python<'py>,
        x: PyReadonlyArray2<'py, f64>,
    ) -> PyResult<Bound<'py, PyArray1<f64>>> {
        let x = features("X", x.as_array())?;
        let p = py
            .detach(|| self.inner.score(x.view()))
            .map_err(value_error)?;
        Ok(p.into_pyarray(py))
    }

    /// The index of the chosen predictor.
    #[getter]
    fn best_index(&self) -> usize {
        self.inner.best_index()
    }

    /// How many predictors were fitted.
    #[getter]
    fn n_predictors(&self) -> usize {
        self.inner.predictors().len()
    }

    /// The Lagrange multipliers of each grid point.
    #[getter]
    fn lambdas(&self) -> Vec<Vec<f64>> {
        self.inner.lambdas().to_vec()
    }

    /// The objective (error) of each predictor.
    #[getter]
    fn objectives(&self) -> Vec<f64> {
        self.inner.objectives().to_vec()
    }

    /// The constraint values of each predictor.
    #[getter]
    fn gammas(&self) -> Vec<Vec<f64>> {
        self.inner.gammas().to_vec()
    }

    /// The selection loss of each predictor.
    #[getter]
    fn losses(&self) -> Vec<f64> {
        self.inner.losses().to_vec()
    }

    /// The constraint labels.
    #[getter]
    fn constraint_labels(&self) -> Vec<String> {
        self.inner.constraint_labels().to_vec()
    }
}

/// Fitted per-group thresholds (Fairlearn's `ThresholdOptimizer`) on a score.
#[pyclass(frozen, module = "fairkit._fairkit")]
pub struct Thresholds {
    inner: InterpolatedThresholder,
}

#[pyfunction]
#[pyo3(signature = (scores, y, groups, sample_weight, constraint, objective, grid_size, flip, tol=None))]
#[allow(clippy::too_many_arguments)]
fn fit_thresholds(
    py: Python<'_>,
    scores: PyReadonlyArray1<'_, f64>,
    y: PyReadonlyArray1<'_, f64>,
    groups: &SensitiveGroups,
    sample_weight: Option<PyReadonlyArray1<'_, f64>>,
    constraint: &str,
    objective: &str,
    grid_size: usize,
    flip: bool,
    tol: Option<f64>,
) -> PyResult<Thresholds> {
    let constraint: Constraint = named("constraints", constraint)?;
    let objective: Objective = named("objective", objective)?;
    let scores = scores.as_array().to_vec();
    let y = binary("y", y.as_array())?;
    let w = weights(sample_weight);
    let g = &groups.groups;
    let mut params = ThresholdOptimizerParams::new()
        .constraint(constraint)
        .objective(objective)
        .grid_size(grid_size)
        .flip(flip);
    if let Some(tol) = tol {
        params = params.tol(tol);
    }
    let inner = py
        .detach(|| params.fit_scores(&scores, &y, g, w.as_deref()))
        .map_err(value_error)?;
    Ok(Thresholds { inner })
}

#[pymethods]
impl Thresholds {
    /// The probability of a positive prediction of each row.
    fn probability<'py>(
        &self,
        py: Python<'py>,
        scores: PyReadonlyArray1<'py, f64>,
        groups: &SensitiveGroups,
    ) -> PyResult<Bound<'py, PyArray1<f64>>> {
        let scores = scores.as_array().to_vec();
        let g = &groups.groups;
        let p = py
            .detach(|| self.inner.probability(&scores, g))
            .map_err(value_error)?;
        Ok(p.into_pyarray(py))
    }

    /// Labels sampled with an explicit seed.
    fn predict<'py>(
        &self,
        py: Python<'py>,
        scores: PyReadonlyArray1<'py, f64>,
        groups: &SensitiveGroups,
        seed: u64,
    ) -> PyResult<Bound<'py, PyArray1<bool>>> {
        let scores = scores.as_array().to_vec();
        let g = &groups.groups;
        let p = py
            .detach(|| self.inner.predict(&scores, g, seed))
            .map_err(value_error)?;
        Ok(p.into_pyarray(py))
    }

    /// One line per group describing its rule.
    fn describe(&self) -> Vec<String> {
        self.inner.describe()
    }

    /// The constraint value chosen (None when the groups are not equalized on one value).
    #[getter]
    fn x_best(&self) -> Option<f64> {
        self.inner.x_best()
    }

    /// The objective at the chosen point.
    #[getter]
    fn y_best(&self) -> f64 {
        self.inner.y_best()
    }
}

/// The compiled core of `fairkit`.
#[pymodule]
fn _fairkit(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_class::<SensitiveGroups>()?;
    m.add_class::<Report>()?;
    m.add_class::<FittedModel>()?;
    m.add_class::<ExpGrad>()?;
    m.add_class::<GridFit>()?;
    m.add_class::<Thresholds>()?;
    m.add_function(wrap_pyfunction!(grouped_report, m)?)?;
    m.add_function(wrap_pyfunction!(fit_learner, m)?)?;
    m.add_function(wrap_pyfunction!(fit_exponentiated_gradient, m)?)?;
    m.add_function(wrap_pyfunction!(fit_grid_search, m)?)?;
    m.add_function(wrap_pyfunction!(fit_thresholds, m)?)?;
    preprocessing::register(m)?;
    datasets::register(m)?;
    compare::register(m)?;
    Ok(())
}
