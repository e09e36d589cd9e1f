//! The exact decision tree (CART as scikit-learn's `DecisionTreeClassifier` defines it) and
//! the serializable tree it fits, which the random forest and the linfa-trees adapter share.

mod algorithm;
pub(crate) mod builder;
pub(crate) mod columns;
mod hyperparams;

pub(crate) use algorithm::{cached_columns, row_weights};
pub use hyperparams::{SplitQuality, TreeParams, TreeValidParams};

use fairkit_core::{Classifier, FeatureCache, Learner, LearnerError, WeightSupport};
use linfa::ParamGuard;
use ndarray::{Array1, ArrayView1, ArrayView2};
use serde::{Deserialize, Serialize};

/// A node of a fitted [`Tree`], stored in a flat pre-order list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Node {
    /// Rows with `x[feature] < threshold` go to `left`, the others to `right`.
    Split {
        /// Feature column.
        feature: usize,
        /// The split value. An exact tree stores the smallest f64 above scikit-learn's
        /// threshold `t` (the midpoint of the two training values around the split), so that
        /// `x < threshold` is exactly scikit-learn's `x <= t`; a linfa-trees tree stores its
        /// own split value, with linfa's `<` rule.
        threshold: f64,
        /// Index of the left child.
        left: usize,
        /// Index of the right child.
        right: usize,
    },
    /// A leaf.
    Leaf {
        /// The label predicted here: the weighted majority, exact ties to `false`.
        prediction: bool,
        /// Weighted share of label `true` among the training rows routed here.
        positive_rate: f64,
        /// Total training weight routed here.
        weight: f64,
    },
}

/// A fitted decision tree whose leaves carry the weighted class frequencies of their training
/// rows: [`score`](Classifier::score) is the leaf's share of label `true` (scikit-learn's
/// `predict_proba`), [`predict`](Classifier::predict) its weighted majority (ties to `false`).
///
/// Made by [`TreeParams`] (the exact tree, see [`TreeValidParams`] and the rules below), by
/// the [`Forest`](crate::Forest) for each of its trees, and by [`LinfaTree`](crate::LinfaTree).
///
/// **The exact tree** grows depth first from the root. A node becomes a leaf at `max_depth`,
/// below `min_samples_split` rows or `2 · min_samples_leaf` rows, below twice the leaf weight
/// limit, or when pure. Otherwise every feature is scanned over the node's own rows (only rows
/// of positive weight take part): each candidate threshold lies midway between two consecutive
/// distinct values *present in the node*, must leave `min_samples_leaf` rows and the leaf
/// weight limit on both sides, and is scored by scikit-learn's impurity proxy. The best
/// candidate splits the node if its weighted impurity decrease reaches
/// `min_impurity_decrease`. **Ties** between equally good splits go to the lowest feature
/// index, then the lowest threshold (scikit-learn visits features in an order drawn from its
/// `random_state`, so its own choice among exact ties depends on that seed). Values are
/// compared as f64 (scikit-learn rounds features to f32 first; the prepared data of the tests
/// is the same either way).
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
/// assert_eq!(tree.split_values(), vec![(0, 1.5)]); // x <= 1.5 goes left
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tree {
    pub(crate) nodes: Vec<Node>,
    pub(crate) n_features: usize,
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
        // children come after their parent: one pass sets every node's depth
        let mut depth = vec![0; self.nodes.len()];
        for (i, node) in self.nodes.iter().enumerate() {
            if let Node::Split { left, right, .. } = *node {
                depth[left] = depth[i] + 1;
                depth[right] = depth[i] + 1;
            }
        }
        depth.into_iter().max().unwrap_or(0)
    }

    /// Each split's feature and its threshold as scikit-learn states it (rows with
    /// `x <= value` go left), in node order. For an exact tree these are scikit-learn's
    /// `tree_.threshold` values.
    pub fn split_values(&self) -> Vec<(usize, f64)> {
        self.nodes
            .iter()
            .filter_map(|node| match *node {
                Node::Split {
                    feature, threshold, ..
                } => Some((feature, threshold.next_down())),
                Node::Leaf { .. } => None,
            })
            .collect()
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
    pub(crate) fn set_leaf_frequencies(
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

    pub(crate) fn leaf_values<T>(
        &self,
        x: ArrayView2<'_, f64>,
        value: impl Fn(&Node) -> T,
    ) -> Array1<T> {
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

    /// Keeps the sorted columns of `x` in `cache` (made by the first fit), so later fits on the
    /// same features (the refits of a reduction) skip sorting them.
    fn fit_cached(
        &self,
        x: ArrayView2<'_, f64>,
        y: ArrayView1<'_, bool>,
        weights: Option<ArrayView1<'_, f64>>,
        _warm: Option<&Tree>,
        cache: &FeatureCache,
    ) -> Result<Tree, LearnerError> {
        self.check_ref()
            .and_then(|params| match algorithm::cached_columns(x, cache) {
                Some(columns) => algorithm::fit_columns(params, columns, y, weights),
                None => algorithm::fit(params, x, y, weights),
            })
            .map_err(|e| LearnerError::new(self.name(), e))
    }
}

#[cfg(test)]
mod tests {
    use super::builder::tests::naive_tree;
    use super::*;
    use crate::testutil::logistic_data;
    use fairkit_core::rng;
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
        has::<TreeValidParams>();
    }

    #[test]
    fn scores_are_the_leaf_frequencies_and_ties_take_the_lowest_threshold() {
        // splits at 1.5 and at 3.5 are equally good (proxy -1.5): the lower threshold wins
        let x = array![[0.0], [1.0], [2.0], [3.0], [4.0], [5.0]];
        let y = array![false, false, true, false, true, true];
        let tree = Tree::params()
            .max_depth(Some(1))
            .fit(x.view(), y.view(), None)
            .unwrap();
        assert_eq!(tree.split_values(), vec![(0, 1.5)]);
        assert_eq!(
            tree.score(x.view()).to_vec(),
            vec![0.0, 0.0, 0.75, 0.75, 0.75, 0.75]
        );
        assert_eq!(
            tree.predict(x.view()).to_vec(),
            vec![false, false, true, true, true, true]
        );
    }

    #[test]
    fn equally_good_features_go_to_the_lowest_index() {
        // columns 1 and 2 are copies; column 0 is useless
        let x = array![
            [5.0, 0.0, 0.0],
            [5.0, 1.0, 1.0],
            [5.0, 0.0, 0.0],
            [5.0, 1.0, 1.0]
        ];
        let y = array![false, true, false, true];
        let tree = Tree::params().fit(x.view(), y.view(), None).unwrap();
        assert_eq!(tree.split_values(), vec![(1, 0.5)]);
    }

    #[test]
    fn a_split_without_improvement_is_made_and_exact_ties_predict_false() {
        // as scikit-learn: with min_impurity_decrease 0, a split of zero decrease is kept
        let x = array![[0.0], [0.0], [1.0], [1.0]];
        let y = array![true, false, true, false];
        let tree = Tree::params().fit(x.view(), y.view(), None).unwrap();
        assert_eq!(tree.n_leaves(), 2);
        assert_eq!(tree.score(x.view()).to_vec(), vec![0.5; 4]);
        assert_eq!(tree.predict(x.view()).to_vec(), vec![false; 4]);
        let stump = Tree::params()
            .min_impurity_decrease(1e-9)
            .fit(x.view(), y.view(), None)
            .unwrap();
        assert_eq!(stump.n_leaves(), 1);
    }

    #[test]
    fn thresholds_between_adjacent_floats_keep_scikit_learns_rule() {
        // the midpoint of two adjacent floats rounds to one of them: the threshold is then the
        // lower value, and x <= lower goes left
        let a = 1.0_f64;
        let b = a.next_up();
        let x = array![[a], [b], [a], [b]];
        let y = array![false, true, false, true];
        let tree = Tree::params().fit(x.view(), y.view(), None).unwrap();
        assert_eq!(tree.split_values(), vec![(0, a)]);
        assert_eq!(tree.predict(x.view()), y);
    }

    #[test]
    fn leaf_limits_block_splits_as_scikit_learn_does() {
        let x = array![[0.0], [1.0], [2.0], [3.0], [4.0], [5.0]];
        let y = array![false, true, true, true, true, true];
        // the pure split (x <= 0.5) leaves one row on the left
        let free = Tree::params().fit(x.view(), y.view(), None).unwrap();
        assert_eq!(free.split_values(), vec![(0, 0.5)]);
        let two = Tree::params()
            .min_samples_leaf(2)
            .fit(x.view(), y.view(), None)
            .unwrap();
        assert_eq!(two.split_values()[0], (0, 1.5));
        // one sixth of the weight is not enough for a weight fraction of 0.2
        let fraction = Tree::params()
            .min_weight_fraction_leaf(0.2)
            .fit(x.view(), y.view(), None)
            .unwrap();
        assert_eq!(fraction.split_values()[0], (0, 1.5));
        // ... unless the row weighs more
        let w = array![2.0, 1.0, 1.0, 1.0, 1.0, 1.0];
        let heavy = Tree::params()
            .min_weight_fraction_leaf(0.2)
            .fit(x.view(), y.view(), Some(w.view()))
            .unwrap();
        assert_eq!(heavy.split_values(), vec![(0, 0.5)]);
        // min_samples_split 7 > 6 rows: a single leaf
        let stump = Tree::params()
            .min_samples_split(7)
            .fit(x.view(), y.view(), None)
            .unwrap();
        assert_eq!(stump.n_leaves(), 1);
        assert_eq!(stump.score(x.view())[0], 5.0 / 6.0);
    }

    #[test]
    fn matches_a_naive_cart_on_random_weighted_data() {
        // many ties: 4 coarse features, integer and fractional weights, zero weights
        for seed in 0..40 {
            let mut r = rng::seeded(seed);
            let rows = 20 + rng::index(&mut r, 60);
            let x = Array2::from_shape_fn((rows, 4), |(_, j)| {
                rng::index(&mut r, 2 + 3 * j) as f64 * 0.5
            });
            let y: Array1<bool> = (0..rows).map(|_| rng::uniform(&mut r) < 0.4).collect();
            let w: Array1<f64> = (0..rows)
                .map(|_| [0.0, 1.0, 1.0, 2.0, 0.75][rng::index(&mut r, 5)])
                .collect();
            let params = TreeParams::new()
                .max_depth([Some(3), None][seed as usize % 2])
                .split_quality([SplitQuality::Gini, SplitQuality::Entropy][seed as usize % 3 / 2])
                .min_samples_leaf(1 + seed as usize % 3)
                .min_weight_fraction_leaf([0.0, 0.05][seed as usize % 2]);
            let Ok(tree) = params.fit(x.view(), y.view(), Some(w.view())) else {
                continue; // a single class among the weighted rows
            };
            let naive = naive_tree(&params.check().unwrap(), x.view(), y.view(), w.view());
            assert_eq!(tree.nodes, naive, "seed {seed}");
            // without weights (the builder then reads labels alone)
            let ones = Array1::ones(rows);
            if let Ok(tree) = params.fit(x.view(), y.view(), None) {
                let naive = naive_tree(&params.check().unwrap(), x.view(), y.view(), ones.view());
                assert_eq!(tree.nodes, naive, "seed {seed} without weights");
            }
        }
    }

    #[test]
    fn the_same_tree_on_any_number_of_threads() {
        // more rows than the parallel threshold, a wide column (presorted) and coarse ones
        let (x, y) = logistic_data(24, 3 * builder::PARALLEL_ROWS + 11, 4);
        let x = Array2::from_shape_fn(x.dim(), |(i, j)| {
            if j == 0 {
                x[[i, j]]
            } else {
                (x[[i, j]] * 4.0).round()
            }
        });
        let w = Array1::from_iter((0..x.nrows()).map(|i| (i % 5) as f64 * 0.3));
        let fit = |threads: usize| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap()
                .install(|| {
                    Tree::params()
                        .max_depth(Some(8))
                        .fit(x.view(), y.view(), Some(w.view()))
                        .unwrap()
                })
        };
        let one = fit(1);
        assert_eq!(one.depth(), 8);
        assert_eq!(one, fit(2));
        assert_eq!(one, fit(3));
    }

    #[test]
    fn deep_trees_grow_without_recursion() {
        // alternating labels on one feature: a node per row
        let n = 20_000;
        let x = Array2::from_shape_fn((n, 1), |(i, _)| i as f64);
        let y: Array1<bool> = (0..n).map(|i| (i / 2) % 2 == 0).collect();
        let tree = Tree::params()
            .max_depth(None)
            .fit(x.view(), y.view(), None)
            .unwrap();
        assert_eq!(tree.predict(x.view()), y);
        tree.validate().unwrap();
    }

    #[test]
    fn zero_weights_are_dropped_rows_exactly() {
        crate::testutil::assert_zero_weights_drop_rows(&Tree::params(), (23, 200, 3), 3);
    }

    #[test]
    fn cached_columns_give_the_same_trees() {
        let (x, y) = logistic_data(25, 300, 3);
        let (other, _) = logistic_data(26, 300, 3);
        let cache = FeatureCache::new();
        let w = Array1::from_iter((0..300).map(|i| (i % 3) as f64));
        for weights in [None, Some(w.view())] {
            let cached = Tree::params().fit_cached(x.view(), y.view(), weights, None, &cache);
            let direct = Tree::params().fit(x.view(), y.view(), weights);
            assert_eq!(cached.unwrap(), direct.unwrap());
        }
        // other features than the cached ones are fitted directly
        let cached = Tree::params().fit_cached(other.view(), y.view(), None, None, &cache);
        assert_eq!(
            cached.unwrap(),
            Tree::params().fit(other.view(), y.view(), None).unwrap()
        );
        let nan = array![[0.0], [f64::NAN]];
        let err = Tree::params()
            .fit_cached(
                nan.view(),
                array![true, false].view(),
                None,
                None,
                &FeatureCache::new(),
            )
            .unwrap_err();
        assert!(err.message.contains("non-finite"), "{err}");
    }

    #[test]
    fn linfa_fit_reads_dataset_weights() {
        use linfa::DatasetBase;
        let (x, y) = logistic_data(27, 200, 2);
        let w: Vec<f32> = (0..200).map(|i| if y[i] { 3.0 } else { 0.5 }).collect();
        let w64 = Array1::from_iter(w.iter().map(|&v| f64::from(v)));
        let dataset = DatasetBase::new(x.clone(), y.clone()).with_weights(Array1::from(w));
        let params = Tree::params().check().unwrap();
        let via_linfa = linfa::traits::Fit::fit(&params, &dataset).unwrap();
        let via_learner = Tree::params()
            .fit(x.view(), y.view(), Some(w64.view()))
            .unwrap();
        assert_eq!(via_linfa, via_learner);
        let predicted: Array1<bool> = linfa::traits::Predict::predict(&via_linfa, &x);
        assert_eq!(predicted, via_linfa.predict(x.view()));
    }

    #[test]
    fn old_saved_parameters_still_load() {
        // a tree estimator as fairkit saved it before the exact tree
        let old = r#"{"max_depth": 5, "split_quality": "gini", "min_samples_split": 2,
                      "min_weight_leaf": 1.0, "min_impurity_decrease": 1e-5}"#;
        let params: TreeParams = serde_json::from_str(old).unwrap();
        assert_eq!(
            params,
            TreeParams::new()
                .min_weight_leaf(1.0)
                .min_impurity_decrease(1e-5)
        );
        let modern: TreeParams = serde_json::from_str(r#"{"criterion": "entropy"}"#).unwrap();
        assert_eq!(
            modern,
            TreeParams::new().split_quality(SplitQuality::Entropy)
        );
    }

    #[test]
    fn single_class_and_bad_params_are_errors() {
        let x = array![[0.0], [1.0]];
        let err = Tree::params()
            .fit(x.view(), array![false, false].view(), None)
            .unwrap_err();
        assert!(err.message.contains("single class"), "{err}");
        for (params, needle) in [
            (Tree::params().min_samples_split(1), "min_samples_split"),
            (Tree::params().min_samples_leaf(0), "min_samples_leaf"),
            (
                Tree::params().min_weight_fraction_leaf(0.6),
                "min_weight_fraction_leaf",
            ),
            (Tree::params().min_weight_leaf(-1.0), "min_weight_leaf"),
            (
                Tree::params().min_impurity_decrease(f64::NAN),
                "min_impurity_decrease",
            ),
        ] {
            let err = params
                .fit(x.view(), array![false, true].view(), None)
                .unwrap_err();
            assert!(err.message.contains(needle), "{err}");
        }
    }
}
