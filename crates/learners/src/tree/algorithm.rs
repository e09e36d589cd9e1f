//! Fitting the exact tree, and its linfa traits.

use fairkit_core::FeatureCache;
use linfa::dataset::{AsSingleTargets, DatasetBase};
use linfa::traits::{Fit, PredictInplace};
use ndarray::{Array1, ArrayBase, ArrayView1, ArrayView2, Data, Ix2};

use super::columns::Columns;
use super::{Tree, TreeValidParams, builder};
use crate::input::check_targets;
use crate::{LearnersError, Result};

/// What a tree keeps in a [`FeatureCache`]: the sorted columns of the features, or why they
/// could not be made.
pub(crate) type CachedColumns = std::result::Result<Columns, fairkit_core::Error>;

/// The columns of `x` from `cache` (made there by the first call), if the cache holds this
/// learner's kind of value for these very features; a failure to make them is an error.
pub(crate) fn cached_columns<'c>(
    x: ArrayView2<'_, f64>,
    cache: &'c FeatureCache,
) -> Option<std::result::Result<&'c Columns, fairkit_core::Error>> {
    match cache.get_or_init::<CachedColumns>(|| Columns::new(x))? {
        Ok(columns) if columns.is_of(x) => Some(Ok(columns)),
        Ok(_) => None,
        Err(e) => Some(Err(e.clone())),
    }
}

/// The weights of a fit, one per row (ones without weights), after checking the labels and
/// weights.
pub(crate) fn row_weights(
    n_rows: usize,
    y: ArrayView1<'_, bool>,
    weights: Option<ArrayView1<'_, f64>>,
) -> Result<Vec<f64>> {
    check_targets(n_rows, y, weights)?;
    Ok(weights.map_or_else(|| vec![1.0; n_rows], |w| w.to_vec()))
}

/// Fits a tree on `x` (inputs are checked here).
pub(crate) fn fit(
    params: &TreeValidParams,
    x: ArrayView2<'_, f64>,
    y: ArrayView1<'_, bool>,
    weights: Option<ArrayView1<'_, f64>>,
) -> Result<Tree> {
    check_targets(x.nrows(), y, weights)?;
    fit_columns(params, Ok(&Columns::new(x)?), y, weights)
}

/// Fits a tree on prepared columns.
pub(crate) fn fit_columns(
    params: &TreeValidParams,
    columns: std::result::Result<&Columns, fairkit_core::Error>,
    y: ArrayView1<'_, bool>,
    weights: Option<ArrayView1<'_, f64>>,
) -> Result<Tree> {
    let columns = columns?;
    let w = row_weights(columns.n_rows, y, weights)?;
    let total: f64 = w.iter().sum();
    let labels: Vec<bool> = y.to_vec();
    let nodes = builder::grow(columns, params.config(total, None), &labels, &w, None);
    Ok(Tree {
        nodes,
        n_features: columns.n_features(),
    })
}

impl<D, T> Fit<ArrayBase<D, Ix2>, T, LearnersError> for TreeValidParams
where
    D: Data<Elem = f64>,
    T: AsSingleTargets<Elem = bool>,
{
    type Object = Tree;

    /// Fits on a linfa dataset, honouring its sample weights (`DatasetBase::weights`).
    fn fit(&self, dataset: &DatasetBase<ArrayBase<D, Ix2>, T>) -> Result<Tree> {
        let y = dataset.as_single_targets();
        let weights: Option<Array1<f64>> = dataset
            .weights()
            .map(|w| w.iter().map(|&wi| f64::from(wi)).collect());
        fit(
            self,
            dataset.records().view(),
            y.view(),
            weights.as_ref().map(|w| w.view()),
        )
    }
}

impl<D: Data<Elem = f64>> PredictInplace<ArrayBase<D, Ix2>, Array1<bool>> for Tree {
    /// Predicts each row's leaf label.
    fn predict_inplace(&self, x: &ArrayBase<D, Ix2>, y: &mut Array1<bool>) {
        assert_eq!(x.nrows(), y.len(), "one target per row");
        y.assign(&fairkit_core::Classifier::predict(self, x.view()));
    }

    fn default_target(&self, x: &ArrayBase<D, Ix2>) -> Array1<bool> {
        Array1::from_elem(x.nrows(), false)
    }
}
