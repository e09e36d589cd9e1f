//! Gradient-boosted trees through forust-ml.

use std::sync::Arc;

use fairkit_core::{Classifier, Error as CoreError, Learner, LearnerError, WeightSupport};
use forust_ml::{GradientBooster, Matrix};
use linfa::ParamGuard;
use ndarray::{Array1, ArrayView1, ArrayView2, Axis};
use serde::{Deserialize, Serialize};

use crate::input::check_fit;
use crate::logistic::sigmoid;
use crate::{LearnersError, Result};

/// Checked parameters of the [`Boosting`] learner (forust-ml's `GradientBooster` with log loss).
///
/// | name | default | purpose | range |
/// |---|---|---|---|
/// | `iterations` | 100 | number of trees (scikit-learn's `n_estimators`) | `>= 1` |
/// | `learning_rate` | 0.1 | shrinkage of each tree | `> 0` |
/// | `max_depth` | 3 | depth of each tree | `>= 1` |
/// | `l2` | 1.0 | L2 penalty on leaf values | `>= 0` |
/// | `min_leaf_weight` | 1.0 | smallest hessian sum (weighted) in a leaf | `>= 0` |
/// | `nbins` | 256 | histogram bins per feature | `>= 2` |
/// | `parallel` | false | build histograms with rayon; forust-ml 0.8's parallel sums do not depend on the thread count, but off keeps a fit on one core | |
///
/// Weights are frequency weights (passed to forust-ml as is; zero-weight rows are dropped).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BoostingValidParams {
    pub(crate) iterations: usize,
    pub(crate) learning_rate: f64,
    pub(crate) max_depth: usize,
    pub(crate) l2: f64,
    pub(crate) min_leaf_weight: f64,
    pub(crate) nbins: u16,
    pub(crate) parallel: bool,
}

impl Default for BoostingValidParams {
    fn default() -> Self {
        Self {
            iterations: 100,
            learning_rate: 0.1,
            max_depth: 3,
            l2: 1.0,
            min_leaf_weight: 1.0,
            nbins: 256,
            parallel: false,
        }
    }
}

impl BoostingValidParams {
    /// Number of trees.
    pub fn iterations(&self) -> usize {
        self.iterations
    }

    /// Shrinkage of each tree.
    pub fn learning_rate(&self) -> f64 {
        self.learning_rate
    }

    /// Depth of each tree.
    pub fn max_depth(&self) -> usize {
        self.max_depth
    }
}

/// Unchecked parameters of the [`Boosting`] learner: a consuming builder.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct BoostingParams(pub(crate) BoostingValidParams);

impl BoostingParams {
    /// The defaults (see [`BoostingValidParams`]).
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the number of trees.
    pub fn iterations(mut self, iterations: usize) -> Self {
        self.0.iterations = iterations;
        self
    }

    /// Sets the shrinkage of each tree.
    pub fn learning_rate(mut self, learning_rate: f64) -> Self {
        self.0.learning_rate = learning_rate;
        self
    }

    /// Sets the depth of each tree.
    pub fn max_depth(mut self, max_depth: usize) -> Self {
        self.0.max_depth = max_depth;
        self
    }

    /// Sets the L2 penalty on leaf values.
    pub fn l2(mut self, l2: f64) -> Self {
        self.0.l2 = l2;
        self
    }

    /// Sets the smallest hessian sum in a leaf.
    pub fn min_leaf_weight(mut self, min_leaf_weight: f64) -> Self {
        self.0.min_leaf_weight = min_leaf_weight;
        self
    }

    /// Sets the number of histogram bins.
    pub fn nbins(mut self, nbins: u16) -> Self {
        self.0.nbins = nbins;
        self
    }

    /// Builds histograms in parallel or not.
    pub fn parallel(mut self, parallel: bool) -> Self {
        self.0.parallel = parallel;
        self
    }
}

impl ParamGuard for BoostingParams {
    type Checked = BoostingValidParams;
    type Error = LearnersError;

    fn check_ref(&self) -> Result<&BoostingValidParams> {
        let p = &self.0;
        let bad = |name: &str, value: String, reason: &str| -> Result<&BoostingValidParams> {
            Err(CoreError::invalid(name, value, reason).into())
        };
        if p.iterations == 0 {
            return bad("iterations", "0".into(), "must be at least 1");
        }
        if !(p.learning_rate.is_finite() && p.learning_rate > 0.0) {
            return bad("learning_rate", p.learning_rate.to_string(), "must be > 0");
        }
        if p.max_depth == 0 {
            return bad("max_depth", "0".into(), "must be at least 1");
        }
        if !(p.l2.is_finite() && p.l2 >= 0.0) {
            return bad("l2", p.l2.to_string(), "must be >= 0");
        }
        if !(p.min_leaf_weight.is_finite() && p.min_leaf_weight >= 0.0) {
            return bad(
                "min_leaf_weight",
                p.min_leaf_weight.to_string(),
                "must be >= 0",
            );
        }
        if p.nbins < 2 {
            return bad("nbins", p.nbins.to_string(), "must be at least 2");
        }
        Ok(p)
    }

    fn check(self) -> Result<BoostingValidParams> {
        self.check_ref()?;
        Ok(self.0)
    }
}

/// A fitted gradient-boosted tree ensemble (forust-ml, log loss): [`score`](Classifier::score)
/// is the probability of label `true`, [`predict`](Classifier::predict) thresholds its log-odds
/// at 0.
#[derive(Clone, Serialize, Deserialize)]
pub struct Boosting {
    booster: Arc<GradientBooster>,
    n_features: usize,
    parallel: bool,
}

impl std::fmt::Debug for Boosting {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Boosting")
            .field("trees", &self.booster.trees.len())
            .field("n_features", &self.n_features)
            .finish()
    }
}

impl Boosting {
    /// The default parameters, to be adjusted with the builder methods.
    pub fn params() -> BoostingParams {
        BoostingParams::new()
    }

    /// Number of trees.
    pub fn n_trees(&self) -> usize {
        self.booster.trees.len()
    }

    /// Checks the ensemble (see [`Model::validate`]): a finite base score, no more
    /// prediction trees than trees, no dedicated thread pool, and every tree non-empty with
    /// children after their parent, split features below
    /// [`n_features`](Classifier::n_features) and finite leaf weights.
    ///
    /// # Errors
    /// [`fairkit_core::Error::Inconsistent`].
    ///
    /// [`Model::validate`]: crate::Model::validate
    pub fn validate(&self) -> Result<()> {
        let what = "boosted ensemble";
        let bad = |reason: String| LearnersError::from(CoreError::inconsistent(what, reason));
        let b = &self.booster;
        if !b.base_score.is_finite() {
            return Err(bad(format!("the base score is {}", b.base_score)));
        }
        if b.prediction_iteration.is_some_and(|n| n > b.trees.len()) {
            return Err(bad("it predicts with more trees than it has".into()));
        }
        if b.num_threads.is_some() {
            return Err(bad("it asks for its own thread pool".into()));
        }
        for (t, tree) in b.trees.iter().enumerate() {
            if tree.nodes.is_empty() {
                return Err(bad(format!("tree {t} has no nodes")));
            }
            for (i, node) in tree.nodes.iter().enumerate() {
                if !node.weight_value.is_finite() {
                    return Err(bad(format!("node {i} of tree {t} has a non-finite weight")));
                }
                if !node.is_leaf {
                    crate::check_split(
                        what,
                        i,
                        &[node.left_child, node.right_child, node.missing_node],
                        node.split_feature,
                        self.n_features,
                        tree.nodes.len(),
                    )?;
                }
            }
        }
        Ok(())
    }

    /// The log-odds of label `true`.
    pub fn decision_function(&self, x: ArrayView2<'_, f64>) -> Array1<f64> {
        let columns = column_major(x);
        let matrix = Matrix::new(&columns, x.nrows(), x.ncols());
        Array1::from(self.booster.predict(&matrix, self.parallel))
    }
}

/// The values of `x` column after column, as forust-ml's `Matrix` wants them.
fn column_major(x: ArrayView2<'_, f64>) -> Vec<f64> {
    x.t().iter().copied().collect()
}

fn fit(
    params: &BoostingValidParams,
    x: ArrayView2<'_, f64>,
    y: ArrayView1<'_, bool>,
    weights: Option<ArrayView1<'_, f64>>,
) -> Result<Boosting> {
    check_fit(x, y, weights)?;
    let rows: Vec<usize> = match weights {
        Some(w) => (0..x.nrows()).filter(|&i| w[i] > 0.0).collect(),
        None => (0..x.nrows()).collect(),
    };
    let x = x.select(Axis(0), &rows);
    let labels: Vec<f64> = rows.iter().map(|&i| f64::from(u8::from(y[i]))).collect();
    let sample_weight: Vec<f64> = rows
        .iter()
        .map(|&i| weights.map_or(1.0, |w| w[i]))
        .collect();
    let columns = column_major(x.view());
    let matrix = Matrix::new(&columns, x.nrows(), x.ncols());
    let mut booster = GradientBooster::default()
        .set_iterations(params.iterations)
        .set_learning_rate(params.learning_rate as f32)
        .set_max_depth(params.max_depth)
        .set_l2(params.l2 as f32)
        .set_min_leaf_weight(params.min_leaf_weight as f32)
        .set_nbins(params.nbins)
        .set_parallel(params.parallel)
        .set_initialize_base_score(true);
    booster
        .fit(&matrix, &labels, &sample_weight, None)
        .map_err(|e| LearnersError::Boosting {
            message: e.to_string(),
        })?;
    Ok(Boosting {
        booster: Arc::new(booster),
        n_features: x.ncols(),
        parallel: params.parallel,
    })
}

impl Classifier for Boosting {
    fn n_features(&self) -> usize {
        self.n_features
    }

    fn predict(&self, x: ArrayView2<'_, f64>) -> Array1<bool> {
        self.decision_function(x).mapv(|z| z > 0.0)
    }

    fn score(&self, x: ArrayView2<'_, f64>) -> Array1<f64> {
        self.decision_function(x).mapv(sigmoid)
    }
}

impl Learner for BoostingParams {
    type Model = Boosting;

    fn name(&self) -> String {
        "boosting".into()
    }

    fn weight_support(&self) -> WeightSupport {
        WeightSupport::Honoured
    }

    fn fit(
        &self,
        x: ArrayView2<'_, f64>,
        y: ArrayView1<'_, bool>,
        weights: Option<ArrayView1<'_, f64>>,
    ) -> Result<Boosting, LearnerError> {
        self.check_ref()
            .and_then(|params| fit(params, x, y, weights))
            .map_err(|e| LearnerError::new(self.name(), e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::logistic_data;

    #[test]
    fn validate_accepts_a_fit_and_refuses_broken_trees() {
        let (x, y) = logistic_data(53, 200, 3);
        let fitted = Boosting::params()
            .iterations(5)
            .fit(x.view(), y.view(), None)
            .unwrap();
        fitted.validate().unwrap();
        let json = serde_json::to_value(&fitted).unwrap();
        for (pointer, value, needle) in [
            (
                "/booster/trees/1/nodes/0/left_child",
                0.into(),
                "node 0 has child 0",
            ),
            (
                "/booster/trees/2/nodes/0/split_feature",
                3.into(),
                "feature 3 of 3",
            ),
            (
                "/booster/trees/0/nodes",
                serde_json::json!([]),
                "tree 0 has no nodes",
            ),
            (
                "/booster/prediction_iteration",
                6.into(),
                "more trees than it has",
            ),
            ("/booster/num_threads", 2.into(), "thread pool"),
        ] {
            let mut broken = json.clone();
            *broken.pointer_mut(pointer).unwrap() = value;
            let b: Boosting = serde_json::from_value(broken).unwrap();
            let err = b.validate().unwrap_err().to_string();
            assert!(err.contains(needle), "{pointer}: {err}");
        }
    }

    #[test]
    fn autotraits() {
        fn has<T: Send + Sync + Unpin + Sized>() {}
        has::<Boosting>();
        has::<BoostingParams>();
    }

    #[test]
    fn reproducible_and_the_same_in_parallel() {
        let (x, y) = logistic_data(51, 500, 4);
        let serial = Boosting::params().fit(x.view(), y.view(), None).unwrap();
        let again = Boosting::params().fit(x.view(), y.view(), None).unwrap();
        let parallel = Boosting::params()
            .parallel(true)
            .fit(x.view(), y.view(), None)
            .unwrap();
        assert_eq!(serial.n_trees(), 100);
        assert_eq!(serial.score(x.view()), again.score(x.view()));
        assert_eq!(serial.score(x.view()), parallel.score(x.view()));
    }

    #[test]
    fn bad_params_and_single_class_are_errors() {
        let (x, y) = logistic_data(52, 50, 2);
        let err = Boosting::params()
            .learning_rate(0.0)
            .fit(x.view(), y.view(), None)
            .unwrap_err();
        assert!(err.message.contains("learning_rate"), "{err}");
        let err = Boosting::params()
            .fit(x.view(), y.mapv(|_| true).view(), None)
            .unwrap_err();
        assert!(err.message.contains("single class"), "{err}");
    }
}
