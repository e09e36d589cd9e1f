//! Decision tree through linfa-trees, converted into a serializable tree with leaf frequencies.

mod algorithm;
mod hyperparams;

pub use hyperparams::{SplitQuality, TreeParams, TreeValidParams};

use fairkit_core::{Classifier, Learner, LearnerError, WeightSupport};
use linfa::ParamGuard;
use ndarray::{Array1, ArrayView1, ArrayView2};
use serde::{Deserialize, Serialize};

#[cfg(test)]
pub(crate) use algorithm::linfa_weights;

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
