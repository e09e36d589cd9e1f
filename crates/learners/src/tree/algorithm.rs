//! Fitting through linfa-trees and converting the fitted tree.

use std::panic::{AssertUnwindSafe, catch_unwind};

use linfa::DatasetBase;
use linfa::traits::Fit;
use linfa_trees::{DecisionTree, TreeNode};
use ndarray::{Array1, ArrayView1, ArrayView2, Axis};

use super::{Node, SplitQuality, Tree, TreeValidParams};
use crate::input::check_fit;
use crate::{Error, Result};

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
    params: &TreeValidParams,
    x: ArrayView2<'_, f64>,
    y: ArrayView1<'_, bool>,
    weights: Option<ArrayView1<'_, f64>>,
) -> Result<Tree> {
    fit_with_linfa(params, x, y, weights).map(|(tree, _)| tree)
}

/// Fits a tree and also returns linfa's fitted tree it was converted from.
pub(crate) fn fit_with_linfa(
    params: &TreeValidParams,
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
            Error::Internal {
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
