//! Decision tree through linfa-trees, converted into a serializable tree with leaf frequencies.

mod algorithm;
mod hyperparams;

pub use hyperparams::{SplitQuality, TreeParams, TreeValidParams};

use fairkit_core::{Classifier, Learner, LearnerError, WeightSupport};
use linfa::ParamGuard;
use ndarray::{Array1, ArrayView1, ArrayView2};
use serde::{Deserialize, Serialize};

/// A node of a fitted [`Tree`], stored in a flat pre-order list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Node {
    /// Rows with `x[feature] < threshold` go to `left`, the others to `right` (as linfa predicts).
    Split {
        /// Feature column.
        feature: usize,
        /// Split value (a midpoint between two training values).
        threshold: f64,
        /// Index of the left child.
        left: usize,
        /// Index of the right child.
        right: usize,
    },
    /// A leaf.
    Leaf {
        /// The label linfa predicts here (the weighted majority, exact ties to `false`).
        prediction: bool,
        /// Weighted share of label `true` among the training rows routed here.
        positive_rate: f64,
        /// Total training weight routed here.
        weight: f64,
    },
}

/// A fitted decision tree: linfa-trees' tree, converted into our own serializable form whose
/// leaves carry the weighted class frequencies, so [`score`](Classifier::score) is the leaf's
/// probability of label `true` and [`predict`](Classifier::predict) linfa's leaf label.
///
/// Fitting (see [`TreeValidParams`]): rows of zero weight are dropped; the remaining weights go
/// to linfa as f32 with the preparation documented on the crate's tree module (exact power-of-two
/// rescaling, a tiny tie-break towards label `false`, a floor on `min_weight_leaf`); any panic
/// inside linfa-trees becomes [`Error::Internal`](crate::Error::Internal). linfa prunes sibling
/// leaves that predict the same label, so leaf frequencies are those of the pruned tree.
///
/// ```
/// use fairkit_core::{Classifier, Learner};
/// use fairkit_learners::Tree;
/// use ndarray::array;
///
/// let x = array![[0.0], [1.0], [2.0], [3.0]];
/// let y = array![false, false, true, true];
/// let tree = Tree::params().fit(x.view(), y.view(), None).unwrap();
/// assert_eq!(tree.predict(x.view()), y);
/// assert_eq!(tree.score(x.view()).to_vec(), vec![0.0, 0.0, 1.0, 1.0]);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tree {
    nodes: Vec<Node>,
    n_features: usize,
}

impl Tree {
    /// The default parameters, to be adjusted with the builder methods.
    pub fn params() -> TreeParams {
        TreeParams::new()
    }

    /// The nodes in pre-order; the root is the first.
    pub fn nodes(&self) -> &[Node] {
        &self.nodes
    }

    /// Number of leaves.
    pub fn n_leaves(&self) -> usize {
        self.nodes
            .iter()
            .filter(|n| matches!(n, Node::Leaf { .. }))
            .count()
    }

    /// Checks the node list (see [`Model::validate`]): at least one node, children after
    /// their parent, split features below [`n_features`](Classifier::n_features), leaf rates
    /// in `[0, 1]`.
    ///
    /// # Errors
    /// [`fairkit_core::Error::Inconsistent`].
    ///
    /// [`Model::validate`]: crate::Model::validate
    pub fn validate(&self) -> crate::Result<()> {
        let bad = |reason: String| fairkit_core::Error::inconsistent("decision tree", reason);
        if self.nodes.is_empty() {
            return Err(bad("it has no nodes".into()).into());
        }
        for (i, node) in self.nodes.iter().enumerate() {
            match *node {
                Node::Split {
                    feature,
                    left,
                    right,
                    ..
                } => crate::check_split(
                    "decision tree",
                    i,
                    &[left, right],
                    feature,
                    self.n_features,
                    self.nodes.len(),
                )?,
                Node::Leaf { positive_rate, .. } => {
                    if !(0.0..=1.0).contains(&positive_rate) {
                        return Err(bad(format!("leaf {i} has rate {positive_rate}")).into());
                    }
                }
            }
        }
        Ok(())
    }

    /// Depth of the deepest leaf (0 for a single leaf).
    pub fn depth(&self) -> usize {
        fn depth(nodes: &[Node], i: usize) -> usize {
            match nodes[i] {
                Node::Split { left, right, .. } => 1 + depth(nodes, left).max(depth(nodes, right)),
                Node::Leaf { .. } => 0,
            }
        }
        depth(&self.nodes, 0)
    }

    /// The index of the leaf that `row` falls into.
    fn leaf(&self, row: ArrayView1<'_, f64>) -> usize {
        let mut i = 0;
        while let Node::Split {
            feature,
            threshold,
            left,
            right,
        } = self.nodes[i]
        {
            i = if row[feature] < threshold {
                left
            } else {
                right
            };
        }
        i
    }

    /// Routes the training rows to the leaves and stores their weighted class frequencies.
    fn set_leaf_frequencies(
        &mut self,
        x: ArrayView2<'_, f64>,
        y: ArrayView1<'_, bool>,
        weights: Option<ArrayView1<'_, f64>>,
    ) {
        let mut sums = vec![(0.0, 0.0); self.nodes.len()];
        for (i, row) in x.rows().into_iter().enumerate() {
            let w = weights.map_or(1.0, |w| w[i]);
            let sum = &mut sums[self.leaf(row)];
            sum.0 += if y[i] { w } else { 0.0 };
            sum.1 += w;
        }
        for (node, (positive, total)) in self.nodes.iter_mut().zip(sums) {
            if let Node::Leaf {
                prediction,
                positive_rate,
                weight,
            } = node
            {
                *weight = total;
                *positive_rate = if total > 0.0 {
                    positive / total
                } else {
                    f64::from(u8::from(*prediction))
                };
            }
        }
    }

    fn leaf_values<T>(&self, x: ArrayView2<'_, f64>, value: impl Fn(&Node) -> T) -> Array1<T> {
        x.rows()
            .into_iter()
            .map(|row| value(&self.nodes[self.leaf(row)]))
            .collect()
    }
}

impl Classifier for Tree {
    fn n_features(&self) -> usize {
        self.n_features
    }

    fn predict(&self, x: ArrayView2<'_, f64>) -> Array1<bool> {
        self.leaf_values(x, |node| {
            matches!(
                node,
                Node::Leaf {
                    prediction: true,
                    ..
                }
            )
        })
    }

    fn score(&self, x: ArrayView2<'_, f64>) -> Array1<f64> {
        self.leaf_values(x, |node| match node {
            Node::Leaf { positive_rate, .. } => *positive_rate,
            Node::Split { .. } => f64::NAN,
        })
    }
}

impl Learner for TreeParams {
    type Model = Tree;

    fn name(&self) -> String {
        "tree".into()
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
        self.check_ref()
            .and_then(|params| algorithm::fit(params, x, y, weights))
            .map_err(|e| LearnerError::new(self.name(), e))
    }
}

#[cfg(test)]
mod tests {
    use super::algorithm::{fit_with_linfa, linfa_weights};
    use super::*;
    use crate::testutil::logistic_data;
    use fairkit_core::rng;
    use linfa::traits::Predict;
    use ndarray::{Array2, array};

    #[test]
    fn validate_refuses_cycles_missing_features_and_bad_rates() {
        let leaf = |positive_rate| Node::Leaf {
            prediction: true,
            positive_rate,
            weight: 1.0,
        };
        let split = |feature, left, right| Node::Split {
            feature,
            threshold: 0.5,
            left,
            right,
        };
        let tree = |nodes| Tree {
            nodes,
            n_features: 2,
        };
        tree(vec![split(1, 1, 2), leaf(0.0), leaf(1.0)])
            .validate()
            .unwrap();
        for (t, needle) in [
            (tree(vec![]), "no nodes"),
            (
                tree(vec![split(0, 0, 2), leaf(0.0), leaf(1.0)]),
                "node 0 has child 0",
            ),
            (tree(vec![split(0, 1, 3), leaf(0.0), leaf(1.0)]), "child 3"),
            (
                tree(vec![split(2, 1, 2), leaf(0.0), leaf(1.0)]),
                "feature 2 of 2",
            ),
            (
                tree(vec![split(0, 1, 2), leaf(0.0), leaf(1.5)]),
                "leaf 2 has rate 1.5",
            ),
        ] {
            let err = t.validate().unwrap_err().to_string();
            assert!(err.contains(needle), "{err}");
        }
    }

    #[test]
    fn autotraits() {
        fn has<T: Send + Sync + Unpin + Sized>() {}
        has::<Tree>();
        has::<TreeParams>();
    }

    #[test]
    fn scores_are_the_leaf_frequencies() {
        let x = array![[0.0], [1.0], [2.0], [3.0], [4.0], [5.0]];
        let y = array![false, false, true, false, true, true];
        let tree = Tree::params()
            .max_depth(Some(1))
            .fit(x.view(), y.view(), None)
            .unwrap();
        let scores = tree.score(x.view()).to_vec();
        assert!(
            scores == [0.0, 0.0, 0.75, 0.75, 0.75, 0.75]
                || scores == [0.25, 0.25, 0.25, 0.25, 1.0, 1.0],
            "{scores:?}"
        );
        assert_eq!(
            tree.predict(x.view()),
            scores.iter().map(|&s| s > 0.5).collect::<Array1<bool>>()
        );
    }

    #[test]
    fn an_exact_tie_predicts_label_false() {
        let x = array![[0.0], [0.0], [1.0], [1.0]];
        let y = array![true, false, true, false];
        let tree = Tree::params().fit(x.view(), y.view(), None).unwrap();
        assert_eq!(tree.n_leaves(), 1);
        assert_eq!(tree.score(x.view()).to_vec(), vec![0.5; 4]);
        assert_eq!(tree.predict(x.view()).to_vec(), vec![false; 4]);
    }

    #[test]
    fn predictions_are_linfas() {
        let (x, y) = logistic_data(21, 400, 3);
        let (probe, _) = logistic_data(22, 500, 3);
        let params = Tree::params().check().unwrap();
        let (tree, linfa_tree) = fit_with_linfa(&params, x.view(), y.view(), None).unwrap();
        let theirs: Array1<bool> = linfa_tree.predict(&probe);
        assert_eq!(tree.predict(probe.view()), theirs);
        assert_eq!(tree.depth(), 5);
    }

    #[test]
    fn a_tied_leaf_is_kept_apart_from_a_positive_sibling_on_every_fit() {
        // the left leaf ties (1 vs 1): without the tie-break linfa labels it at random, and
        // when it says `true` pruning merges it with its all-`true` sibling
        let x = array![[0.0], [0.0], [1.0], [1.0], [1.0]];
        let y = array![true, false, true, true, true];
        for _ in 0..30 {
            let tree = Tree::params().fit(x.view(), y.view(), None).unwrap();
            assert_eq!(tree.n_leaves(), 2);
            assert_eq!(tree.score(x.view()).to_vec(), vec![0.5, 0.5, 1.0, 1.0, 1.0]);
            assert_eq!(
                tree.predict(x.view()).to_vec(),
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
        let first = Tree::params().fit(x.view(), y.view(), None).unwrap();
        for _ in 0..20 {
            assert_eq!(Tree::params().fit(x.view(), y.view(), None).unwrap(), first);
        }
    }

    #[test]
    fn zero_weights_are_dropped_rows_exactly() {
        crate::testutil::assert_zero_weights_drop_rows(&Tree::params(), (23, 200, 3), 3);
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
    fn single_class_and_bad_params_are_errors() {
        let x = array![[0.0], [1.0]];
        let err = Tree::params()
            .fit(x.view(), array![false, false].view(), None)
            .unwrap_err();
        assert!(err.message.contains("single class"), "{err}");
        let err = Tree::params()
            .min_weight_leaf(-1.0)
            .fit(x.view(), array![false, true].view(), None)
            .unwrap_err();
        assert!(err.message.contains("min_weight_leaf"), "{err}");
    }
}
