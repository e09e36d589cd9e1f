//! linfa-trees' decision tree, kept as the `linfa-tree` estimator for comparison: its split
//! search misses valid splits (see `docs/linfa-trees-defect.md`), so it is never the default.

use std::panic::{AssertUnwindSafe, catch_unwind};

use fairkit_core::{Error as CoreError, Learner, LearnerError, WeightSupport};
use linfa::DatasetBase;
use linfa::traits::Fit;
use linfa_trees::{DecisionTree, TreeNode};
use ndarray::{Array1, ArrayView1, ArrayView2, Axis};
use serde::{Deserialize, Serialize};

use crate::input::check_fit;
use crate::{LearnersError, Node, Result, SplitQuality, Tree};

/// linfa-trees 0.8.1's `DecisionTree`, converted into a [`Tree`] whose leaves carry the
/// weighted class frequencies (so [`score`](fairkit_core::Classifier::score) is the leaf's
/// share of label `true`).
///
/// **Defect** (linfa-trees 0.8.1, `decision_trees/algorithm.rs`): while scanning a feature, a
/// node compares each of its rows with the *next row of the whole training set's* sorted order,
/// which may lie outside the node. When that row ties (within 1e-5) the split is skipped, so
/// valid splits are never evaluated; when it does not, the threshold is the midpoint with the
/// outside row's value. The trees differ from scikit-learn's (on Adult at depth 5 the test
/// equalized odds difference is 0.123 against scikit-learn's 0.090), and at a million rows its
/// f32 class sums reach an assertion (`n_samples > 0.0`), returned here as
/// [`LearnersError::Internal`]. `docs/linfa-trees-defect.md` has a minimal reproduction. Use the exact
/// [`Tree`] (`tree`) instead; this estimator (`linfa-tree`) is kept to compare with and to
/// notice an upstream fix.
///
/// Fitting: rows of zero weight are dropped; the remaining weights go to linfa as f32, scaled
/// by a power of two towards mean 1, with a tiny tie-break towards label `false` and a floor on
/// `min_weight_leaf` (see `linfa_weights`); linfa prunes sibling leaves that predict the same
/// label, so leaf frequencies are those of the pruned tree.
///
/// | name | default | purpose | range |
/// |---|---|---|---|
/// | `max_depth` | 5 | depth limit (`None`: grow until pure or blocked) | |
/// | `split_quality` | gini | impurity measure | gini, entropy |
/// | `min_samples_split` | 2 | a node with fewer rows is not split (linfa's `min_weight_split` counts rows) | `>= 1` |
/// | `min_weight_leaf` | 1.0 | a split must leave at least this much sample weight on each side | `>= 0` |
/// | `min_impurity_decrease` | 1e-5 | a split must lower the weighted impurity by at least this (linfa needs it positive) | `>= f64::EPSILON` |
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LinfaTree {
    /// Depth limit.
    pub max_depth: Option<usize>,
    /// Impurity measure.
    pub split_quality: SplitQuality,
    /// Smallest node (in rows) that may be split.
    pub min_samples_split: usize,
    /// Smallest sample weight on either side of a split.
    pub min_weight_leaf: f64,
    /// Smallest impurity decrease of a split.
    pub min_impurity_decrease: f64,
}

impl Default for LinfaTree {
    fn default() -> Self {
        Self {
            max_depth: Some(5),
            split_quality: SplitQuality::Gini,
            min_samples_split: 2,
            min_weight_leaf: 1.0,
            min_impurity_decrease: 1e-5,
        }
    }
}

impl LinfaTree {
    fn check(&self) -> Result<()> {
        if self.min_samples_split == 0 {
            return Err(CoreError::invalid("min_samples_split", 0, "must be at least 1").into());
        }
        if !(self.min_weight_leaf.is_finite() && self.min_weight_leaf >= 0.0) {
            return Err(CoreError::invalid(
                "min_weight_leaf",
                self.min_weight_leaf,
                "must be finite and >= 0",
            )
            .into());
        }
        if !(self.min_impurity_decrease.is_finite() && self.min_impurity_decrease >= f64::EPSILON) {
            return Err(CoreError::invalid(
                "min_impurity_decrease",
                self.min_impurity_decrease,
                "must be finite and at least f64::EPSILON (linfa needs a positive value)",
            )
            .into());
        }
        Ok(())
    }
}

impl Learner for LinfaTree {
    type Model = Tree;

    fn name(&self) -> String {
        "linfa-tree".into()
    }

    fn weight_support(&self) -> WeightSupport {
        WeightSupport::Honoured
    }

    fn fit(
        &self,
        x: ArrayView2<'_, f64>,
        y: ArrayView1<'_, bool>,
        weights: Option<ArrayView1<'_, f64>>,
    ) -> Result<Tree, LearnerError> {
        self.check()
            .and_then(|()| fit(self, x, y, weights))
            .map_err(|e| LearnerError::new(self.name(), e))
    }
}

/// Weights whose mean lies in `[1/16, 16]` are passed unscaled; others are scaled by a power of
/// two towards mean 1, so that f32 keeps their precision (scaling by a power of two is exact).
const UNSCALED_MEAN_RANGE: (f64, f64) = (1.0 / 16.0, 16.0);

/// f32 holds integers exactly up to 2^24.
const F32_EXACT_BITS: i32 = 24;

/// The weights, leaf-weight limit and tie-break that linfa-trees is given.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct LinfaWeights {
    /// One f32 weight per kept row.
    pub weights: Array1<f32>,
    /// `min_weight_leaf` in the same scale.
    pub min_weight_leaf: f32,
}

/// Prepares frequency weights for linfa-trees' f32 class frequencies.
///
/// 1. Weights whose mean is far from 1 are scaled by a power of two towards 1 (exact), and
///    `min_weight_leaf` with them, so the model is unchanged but f32 keeps the precision.
/// 2. **Tie-break.** linfa picks a leaf's class by iterating a `HashMap` (randomly seeded), so a
///    leaf whose two classes weigh exactly the same gets a random label, and pruning (which
///    merges sibling leaves of equal label) then changes the tree from run to run. Label-`false`
///    rows are weighted by `1 + 2^-d`, the smallest factor that f32 still represents in sums of
///    the total weight (`d = 23 - ceil(log2 total)`, clamped to `6..=20`): exact ties go to label
///    `false` (as scikit-learn's `argmax` does) and every other comparison of integer-weighted
///    sums keeps its order while the sums stay below 2^24.
/// 3. `min_weight_leaf` is raised to at least `total * 2^-17`, far above the f32 rounding left
///    when linfa subtracts every row of a node from the node's total, which otherwise lets it
///    score a split with an empty side (and panic on it).
pub(crate) fn linfa_weights(
    y: ArrayView1<'_, bool>,
    weights: Option<ArrayView1<'_, f64>>,
    min_weight_leaf: f64,
) -> LinfaWeights {
    let n = y.len();
    let raw = weights.map_or_else(|| Array1::ones(n), |w| w.to_owned());
    let total = raw.sum();
    let mean = total / n as f64;
    let scale = if mean >= UNSCALED_MEAN_RANGE.0 && mean <= UNSCALED_MEAN_RANGE.1 {
        1.0
    } else {
        (-mean.log2().round()).exp2()
    };
    let scaled_total = total * scale;
    let digits = (F32_EXACT_BITS - 1 - scaled_total.log2().ceil() as i32).clamp(6, 20);
    let negative_factor = 1.0 + (-f64::from(digits)).exp2();
    let weights = raw
        .iter()
        .zip(y)
        .map(|(&w, &label)| {
            let w = w * scale;
            (if label { w } else { w * negative_factor }) as f32
        })
        .collect();
    let floor = scaled_total * (-17f64).exp2();
    LinfaWeights {
        weights,
        min_weight_leaf: (min_weight_leaf * scale).max(floor) as f32,
    }
}

/// Fits a tree (inputs are checked here).
pub(crate) fn fit(
    params: &LinfaTree,
    x: ArrayView2<'_, f64>,
    y: ArrayView1<'_, bool>,
    weights: Option<ArrayView1<'_, f64>>,
) -> Result<Tree> {
    fit_with_linfa(params, x, y, weights).map(|(tree, _)| tree)
}

/// Fits a tree and also returns linfa's fitted tree it was converted from.
pub(crate) fn fit_with_linfa(
    params: &LinfaTree,
    x: ArrayView2<'_, f64>,
    y: ArrayView1<'_, bool>,
    weights: Option<ArrayView1<'_, f64>>,
) -> Result<(Tree, DecisionTree<f64, bool>)> {
    check_fit(x, y, weights)?;
    // Rows of zero weight are dropped: linfa would still use their values as split midpoints.
    let rows: Vec<usize> = match weights {
        Some(w) => (0..x.nrows()).filter(|&i| w[i] > 0.0).collect(),
        None => (0..x.nrows()).collect(),
    };
    let x = x.select(Axis(0), &rows);
    let y = y.select(Axis(0), &rows);
    let weights = weights.map(|w| w.select(Axis(0), &rows));
    let prepared = linfa_weights(
        y.view(),
        weights.as_ref().map(|w| w.view()),
        params.min_weight_leaf,
    );
    let linfa_params = DecisionTree::<f64, bool>::params()
        .split_quality(match params.split_quality {
            SplitQuality::Gini => linfa_trees::SplitQuality::Gini,
            SplitQuality::Entropy => linfa_trees::SplitQuality::Entropy,
        })
        .max_depth(params.max_depth)
        .min_weight_split(params.min_samples_split as f32)
        .min_weight_leaf(prepared.min_weight_leaf)
        .min_impurity_decrease(params.min_impurity_decrease);
    let dataset = DatasetBase::new(x.view(), y.clone()).with_weights(prepared.weights);
    let fitted =
        catch_unwind(AssertUnwindSafe(|| linfa_params.fit(&dataset))).map_err(|panic| {
            LearnersError::Internal {
                learner: "linfa-trees".into(),
                message: panic
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| panic.downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "panic".into()),
            }
        })??;
    let mut tree = Tree {
        nodes: Vec::new(),
        n_features: x.ncols(),
    };
    convert(fitted.root_node(), &mut tree.nodes);
    tree.set_leaf_frequencies(x.view(), y.view(), weights.as_ref().map(|w| w.view()));
    Ok((tree, fitted))
}

/// Appends `node` and its descendants in pre-order; returns its index.
fn convert(node: &TreeNode<f64, bool>, nodes: &mut Vec<Node>) -> usize {
    let index = nodes.len();
    let children = node.children();
    match (node.is_leaf(), children[0], children[1]) {
        (false, Some(left), Some(right)) => {
            let (feature, threshold, _) = node.split();
            nodes.push(Node::Leaf {
                prediction: false,
                positive_rate: 0.0,
                weight: 0.0,
            });
            let left = convert(left, nodes);
            let right = convert(right, nodes);
            nodes[index] = Node::Split {
                feature,
                threshold,
                left,
                right,
            };
        }
        _ => nodes.push(Node::Leaf {
            prediction: node.prediction().unwrap_or(false),
            positive_rate: 0.0,
            weight: 0.0,
        }),
    }
    index
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::logistic_data;
    use fairkit_core::{Classifier, rng};
    use ndarray::{Array2, array};

    /// The reproduction of `docs/linfa-trees-defect.md`: the root splits on `x0`; in its left
    /// node `x1` separates the labels perfectly, but in the whole training set's order by `x1`
    /// the left node's last `x1 = 0` row is followed by rows of the right node with the same
    /// value, so linfa-trees never evaluates the split between 0 and 1.
    pub(crate) fn missed_split_data() -> (Array2<f64>, Array1<bool>) {
        let x = array![
            [0.0, 0.0],
            [0.0, 0.0],
            [0.0, 1.0],
            [0.0, 1.0],
            [1.0, 0.0],
            [1.0, 0.0],
            [1.0, 0.0]
        ];
        let y = array![false, false, true, true, true, true, true];
        (x, y)
    }

    #[test]
    fn linfa_trees_misses_a_split_the_exact_tree_finds() {
        let (x, y) = missed_split_data();
        let params = LinfaTree {
            max_depth: Some(2),
            ..LinfaTree::default()
        };
        let linfa = params.fit(x.view(), y.view(), None).unwrap();
        let exact = Learner::fit(
            &crate::Tree::params().max_depth(Some(2)),
            x.view(),
            y.view(),
            None,
        )
        .unwrap();
        // the exact tree: x0 at the root, then x1 in the left node; every row right
        assert_eq!(exact.split_values(), vec![(0, 0.5), (1, 0.5)]);
        assert_eq!(Classifier::predict(&exact, x.view()), y);
        // linfa-trees 0.8.1 leaves the left node (two rows of each label) unsplit and
        // predicts it `false`. When this fails, linfa-trees has been fixed upstream: update
        // docs/linfa-trees-defect.md and the estimator's documentation.
        assert_eq!(linfa.split_values().len(), 1, "{:?}", linfa.nodes());
        assert_eq!(linfa.split_values()[0].0, 0);
        assert_eq!(
            linfa.score(x.view()).to_vec(),
            vec![0.5, 0.5, 0.5, 0.5, 1.0, 1.0, 1.0]
        );
        let wrong = Classifier::predict(&linfa, x.view())
            .iter()
            .zip(&y)
            .filter(|(p, t)| p != t)
            .count();
        assert_eq!(wrong, 2);
    }

    #[test]
    fn the_documented_reproduction_fails_as_documented() {
        // docs/linfa-trees-defect.md, verbatim: linfa-trees alone, usize labels, defaults
        use linfa::prelude::*;
        let x = array![
            [0., 0.],
            [0., 0.],
            [0., 1.],
            [0., 1.],
            [1., 0.],
            [1., 0.],
            [1., 0.]
        ];
        let y = array![0usize, 0, 1, 1, 1, 1, 1];
        let data = Dataset::new(x, y);
        let tree = DecisionTree::params()
            .max_depth(Some(2))
            .fit(&data)
            .unwrap();
        let pred = tree.predict(&data);
        let errors = pred
            .iter()
            .zip(data.targets())
            .filter(|(p, t)| p != t)
            .count();
        // a depth-2 tree separates these rows perfectly (x0 <= 0.5, then x1 <= 0.5)
        assert_eq!(errors, 2, "{pred:?}");
    }

    #[test]
    fn predictions_are_linfas() {
        let (x, y) = logistic_data(21, 400, 3);
        let (probe, _) = logistic_data(22, 500, 3);
        let (tree, linfa_tree) =
            fit_with_linfa(&LinfaTree::default(), x.view(), y.view(), None).unwrap();
        let theirs: Array1<bool> = linfa::traits::Predict::predict(&linfa_tree, &probe);
        assert_eq!(Classifier::predict(&tree, probe.view()), theirs);
        assert_eq!(tree.depth(), 5);
    }

    #[test]
    fn a_tied_leaf_is_kept_apart_from_a_positive_sibling_on_every_fit() {
        // the left leaf ties (1 vs 1): without the tie-break linfa labels it at random, and
        // when it says `true` pruning merges it with its all-`true` sibling
        let x = array![[0.0], [0.0], [1.0], [1.0], [1.0]];
        let y = array![true, false, true, true, true];
        for _ in 0..30 {
            let tree = LinfaTree::default().fit(x.view(), y.view(), None).unwrap();
            assert_eq!(tree.n_leaves(), 2);
            assert_eq!(tree.score(x.view()).to_vec(), vec![0.5, 0.5, 1.0, 1.0, 1.0]);
            assert_eq!(
                Classifier::predict(&tree, x.view()).to_vec(),
                vec![false, false, true, true, true]
            );
        }
    }

    #[test]
    fn fits_are_reproducible() {
        // coarse integer features and noisy labels: many nodes with equal class counts
        let mut r = rng::seeded(5);
        let x = Array2::from_shape_fn((300, 3), |_| rng::index(&mut r, 4) as f64);
        let y: Array1<bool> = (0..300).map(|_| rng::uniform(&mut r) < 0.5).collect();
        let first = LinfaTree::default().fit(x.view(), y.view(), None).unwrap();
        for _ in 0..20 {
            assert_eq!(
                LinfaTree::default().fit(x.view(), y.view(), None).unwrap(),
                first
            );
        }
    }

    #[test]
    fn zero_weights_are_dropped_rows_exactly() {
        crate::testutil::assert_zero_weights_drop_rows(&LinfaTree::default(), (23, 200, 3), 3);
    }

    #[test]
    fn weights_are_rescaled_exactly_and_ties_broken_towards_false() {
        let y = array![true, false, true, false];
        let plain = linfa_weights(y.view(), None, 1.0);
        // total 4: d = 23 - 2 = 21 -> clamped to 20
        assert_eq!(
            plain.weights.to_vec(),
            vec![1.0, 1.0 + 2f32.powi(-20), 1.0, 1.0 + 2f32.powi(-20)]
        );
        assert_eq!(plain.min_weight_leaf, 1.0);
        // a mean of 1/4 stays as is; a mean of 1/32 is scaled by 32, the leaf limit with it
        let quarter = array![0.25, 0.25, 0.25, 0.25];
        assert_eq!(
            linfa_weights(y.view(), Some(quarter.view()), 1.0).weights[0],
            0.25
        );
        let tiny = array![1.0 / 32.0, 1.0 / 32.0, 1.0 / 32.0, 1.0 / 32.0];
        let scaled = linfa_weights(y.view(), Some(tiny.view()), 1.0);
        assert_eq!(scaled.weights, plain.weights);
        assert_eq!(scaled.min_weight_leaf, 32.0);
        // mean 1/1000: scaled by 2^10
        let small = array![0.001, 0.001, 0.001, 0.001];
        let scaled = linfa_weights(y.view(), Some(small.view()), 0.001);
        assert_eq!(scaled.weights[0], 1.024);
        assert_eq!(scaled.min_weight_leaf, 1.024);
        // the floor: total * 2^-17
        let floor = linfa_weights(y.view(), None, 0.0);
        assert_eq!(floor.min_weight_leaf, 4.0 * 2f32.powi(-17));
    }

    #[test]
    fn bad_params_are_errors() {
        let x = array![[0.0], [1.0]];
        let err = LinfaTree {
            min_weight_leaf: -1.0,
            ..LinfaTree::default()
        }
        .fit(x.view(), array![false, true].view(), None)
        .unwrap_err();
        assert!(err.message.contains("min_weight_leaf"), "{err}");
        assert_eq!(err.learner, "linfa-tree");
    }
}
