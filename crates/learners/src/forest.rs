//! Random forest of exact CART trees (scikit-learn's `RandomForestClassifier`).

use fairkit_core::WeightSupport;
use fairkit_core::{Classifier, Error as CoreError, FeatureCache, Learner, LearnerError, rng};
use linfa::ParamGuard;
use ndarray::{Array1, ArrayView1, ArrayView2, Axis};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::tree::builder;
use crate::tree::columns::Columns;
use crate::tree::{cached_columns, row_weights};
use crate::{LearnersError, Node, Result, SplitQuality, Tree, TreeValidParams};

/// How many features each split of a forest's trees scans (scikit-learn's `max_features`).
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MaxFeatures {
    /// `max(1, floor(sqrt(d)))` of `d` features (scikit-learn's default for classifiers).
    #[default]
    Sqrt,
    /// `max(1, floor(log2(d)))`.
    Log2,
    /// Every feature (bagged trees).
    All,
    /// This many (at most `d`).
    Count(usize),
}

impl MaxFeatures {
    /// The number of features of `d` this selects.
    pub fn of(self, d: usize) -> usize {
        let n = match self {
            MaxFeatures::Sqrt => (d as f64).sqrt() as usize,
            MaxFeatures::Log2 => (d as f64).log2() as usize,
            MaxFeatures::All => d,
            MaxFeatures::Count(k) => k,
        };
        n.clamp(1, d.max(1))
    }
}

/// Checked parameters of the [`Forest`]: scikit-learn's `RandomForestClassifier` defaults.
///
/// | name | default | purpose | range |
/// |---|---|---|---|
/// | `n_estimators` | 100 | number of trees | `>= 1` |
/// | `max_features` | sqrt | features scanned per split: `"sqrt"`, `"log2"`, `"all"` or `{"count": k}` | |
/// | `bootstrap` | true | fit each tree on a bootstrap resample of the rows (else on all of them) | |
/// | `seed` | 0 | seed of the resamples and feature draws (scikit-learn's `random_state`) | |
/// | `max_depth` | none | depth limit of each tree | |
/// | `split_quality` | gini | impurity measure (`criterion` is accepted too) | gini, entropy |
/// | `min_samples_split` | 2 | as for the [`Tree`](TreeValidParams) | `>= 2` |
/// | `min_samples_leaf` | 1 | as for the tree | `>= 1` |
/// | `min_weight_fraction_leaf` | 0.0 | as for the tree, of each tree's (resampled) weight | `[0, 0.5]` |
/// | `min_impurity_decrease` | 0.0 | as for the tree | `>= 0` |
///
/// **Seed.** The forest's draws come from its own `seed`, not from the seed of a `fairkit`
/// run's split: `train`, `mitigate` and `compare` fit the same forest for the same data
/// whatever their `--seed`, and an experiment file sets another with
/// `estimator = { name = "forest", seed = 7 }`. Tree `t` draws from stream `t` of the seed
/// (`fairkit_core::rng::stream(seed, t)`), so the trees are the same on any number of
/// threads.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ForestValidParams {
    pub(crate) n_estimators: usize,
    pub(crate) max_features: MaxFeatures,
    pub(crate) bootstrap: bool,
    pub(crate) seed: u64,
    pub(crate) max_depth: Option<usize>,
    #[serde(alias = "criterion")]
    pub(crate) split_quality: SplitQuality,
    pub(crate) min_samples_split: usize,
    pub(crate) min_samples_leaf: usize,
    pub(crate) min_weight_fraction_leaf: f64,
    pub(crate) min_impurity_decrease: f64,
}

impl Default for ForestValidParams {
    fn default() -> Self {
        let tree = TreeValidParams::default();
        Self {
            n_estimators: 100,
            max_features: MaxFeatures::Sqrt,
            bootstrap: true,
            seed: 0,
            max_depth: None,
            split_quality: tree.split_quality,
            min_samples_split: tree.min_samples_split,
            min_samples_leaf: tree.min_samples_leaf,
            min_weight_fraction_leaf: tree.min_weight_fraction_leaf,
            min_impurity_decrease: tree.min_impurity_decrease,
        }
    }
}

impl ForestValidParams {
    /// Number of trees.
    pub fn n_estimators(&self) -> usize {
        self.n_estimators
    }

    /// Features scanned per split.
    pub fn max_features(&self) -> MaxFeatures {
        self.max_features
    }

    /// Whether each tree sees a bootstrap resample.
    pub fn bootstrap(&self) -> bool {
        self.bootstrap
    }

    /// The seed of every draw.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// The parameters of each tree.
    fn tree(&self) -> TreeValidParams {
        TreeValidParams {
            max_depth: self.max_depth,
            split_quality: self.split_quality,
            min_samples_split: self.min_samples_split,
            min_samples_leaf: self.min_samples_leaf,
            min_weight_fraction_leaf: self.min_weight_fraction_leaf,
            min_weight_leaf: 0.0,
            min_impurity_decrease: self.min_impurity_decrease,
        }
    }
}

/// Unchecked parameters of the [`Forest`]: a consuming builder.
///
/// ```
/// use fairkit_learners::{Forest, MaxFeatures};
/// use linfa::ParamGuard;
///
/// let params = Forest::params().n_estimators(10).seed(3).check().unwrap();
/// assert_eq!(params.max_features(), MaxFeatures::Sqrt);
/// assert!(Forest::params().n_estimators(0).check().is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ForestParams(pub(crate) ForestValidParams);

impl ForestParams {
    /// The defaults (see [`ForestValidParams`]).
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the number of trees.
    pub fn n_estimators(mut self, n: usize) -> Self {
        self.0.n_estimators = n;
        self
    }

    /// Sets the features scanned per split.
    pub fn max_features(mut self, max_features: MaxFeatures) -> Self {
        self.0.max_features = max_features;
        self
    }

    /// Resamples the rows for each tree, or not.
    pub fn bootstrap(mut self, bootstrap: bool) -> Self {
        self.0.bootstrap = bootstrap;
        self
    }

    /// Sets the seed.
    pub fn seed(mut self, seed: u64) -> Self {
        self.0.seed = seed;
        self
    }

    /// Sets the depth limit of each tree.
    pub fn max_depth(mut self, max_depth: Option<usize>) -> Self {
        self.0.max_depth = max_depth;
        self
    }

    /// Sets the impurity measure.
    pub fn split_quality(mut self, split_quality: SplitQuality) -> Self {
        self.0.split_quality = split_quality;
        self
    }

    /// Sets the fewest rows a split may leave on either side.
    pub fn min_samples_leaf(mut self, min_samples_leaf: usize) -> Self {
        self.0.min_samples_leaf = min_samples_leaf;
        self
    }
}

impl ParamGuard for ForestParams {
    type Checked = ForestValidParams;
    type Error = LearnersError;

    fn check_ref(&self) -> Result<&ForestValidParams> {
        let p = &self.0;
        if p.n_estimators == 0 {
            return Err(CoreError::invalid("n_estimators", 0, "must be at least 1").into());
        }
        if p.max_features == MaxFeatures::Count(0) {
            return Err(CoreError::invalid("max_features", 0, "must be at least 1").into());
        }
        p.tree().check()?;
        Ok(p)
    }

    fn check(self) -> Result<ForestValidParams> {
        self.check_ref()?;
        Ok(self.0)
    }
}

/// A fitted random forest: [`score`](Classifier::score) is the mean over its trees of the leaf
/// share of label `true` (scikit-learn's `predict_proba`), [`predict`](Classifier::predict)
/// is `score > 0.5` (ties to `false`, as scikit-learn's `argmax`).
///
/// Each tree is an exact CART tree (see [`Tree`]) scanning `max_features` features drawn at
/// random at each split. With `bootstrap`, a tree draws as many rows as there are rows of
/// positive weight, uniformly with replacement among them, and weights each by
/// `weight × (times drawn)` (scikit-learn's way of honouring sample weights in a forest;
/// scikit-learn also draws rows of zero weight, which here are left out first, so that they
/// are exactly as if absent). Integer weights then act as duplicated rows in distribution but
/// not draw for draw (the duplicated data draw more rows); without `bootstrap` they act
/// exactly so (see the weight conformance test). Trees are
/// fitted in parallel; each draws from its own stream of the seed, so the forest is the same on
/// any number of threads. Saved models hold each tree as one line of text: its nodes in
/// pre-order, a split as `feature:threshold:right`, a leaf as `positive_rate:weight`.
///
/// ```
/// use fairkit_core::{Classifier, Learner};
/// use fairkit_learners::Forest;
/// use ndarray::array;
///
/// let x = array![[0.0, 1.0], [1.0, 0.0], [2.0, 1.0], [3.0, 0.0]];
/// let y = array![false, false, true, true];
/// let forest = Forest::params().n_estimators(20).fit(x.view(), y.view(), None).unwrap();
/// assert_eq!(forest.n_trees(), 20);
/// assert!(forest.score(x.view()).iter().all(|p| (0.0..=1.0).contains(p)));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Forest {
    trees: Vec<CompactTree>,
    n_features: usize,
}

impl Forest {
    /// The default parameters, to be adjusted with the builder methods.
    pub fn params() -> ForestParams {
        ForestParams::new()
    }

    /// Number of trees.
    pub fn n_trees(&self) -> usize {
        self.trees.len()
    }

    /// The trees.
    pub fn trees(&self) -> impl Iterator<Item = &Tree> {
        self.trees.iter().map(|t| &t.0)
    }

    /// Checks every tree (see [`Tree::validate`]) and their width.
    ///
    /// # Errors
    /// [`fairkit_core::Error::Inconsistent`].
    pub fn validate(&self) -> Result<()> {
        if self.trees.is_empty() {
            return Err(CoreError::inconsistent("random forest", "it has no trees").into());
        }
        for tree in self.trees() {
            if tree.n_features != self.n_features {
                return Err(CoreError::inconsistent(
                    "random forest",
                    format!(
                        "a tree reads {} features, the forest {}",
                        tree.n_features, self.n_features
                    ),
                )
                .into());
            }
            tree.validate()?;
        }
        Ok(())
    }
}

/// Rows per parallel prediction task.
const PREDICT_CHUNK: usize = 1024;

impl Classifier for Forest {
    fn n_features(&self) -> usize {
        self.n_features
    }

    fn predict(&self, x: ArrayView2<'_, f64>) -> Array1<bool> {
        self.score(x).mapv(|p| p > 0.5)
    }

    fn score(&self, x: ArrayView2<'_, f64>) -> Array1<f64> {
        let n = self.trees.len() as f64;
        let chunks: Vec<Vec<f64>> = x
            .axis_chunks_iter(Axis(0), PREDICT_CHUNK)
            .into_par_iter()
            .map(|rows| {
                let mut sum = vec![0.0; rows.nrows()];
                for tree in self.trees() {
                    for (s, p) in sum.iter_mut().zip(tree.score(rows)) {
                        *s += p;
                    }
                }
                sum.into_iter().map(|s| s / n).collect()
            })
            .collect();
        chunks.into_iter().flatten().collect()
    }
}

/// Fits a forest on prepared columns.
fn fit_columns(
    params: &ForestValidParams,
    columns: &Columns,
    y: ArrayView1<'_, bool>,
    weights: Option<ArrayView1<'_, f64>>,
) -> Result<Forest> {
    let n = columns.n_rows;
    let w = row_weights(n, y, weights)?;
    let labels: Vec<bool> = y.to_vec();
    // rows of zero weight are left out before resampling, so they are exactly as if absent
    let positive: Vec<usize> = (0..n).filter(|&i| w[i] > 0.0).collect();
    let tree_params = params.tree();
    let k = params.max_features.of(columns.n_features());
    let trees = (0..params.n_estimators)
        .into_par_iter()
        .map(|t| {
            let mut draws = rng::stream(params.seed, t as u64);
            let tree_weights = if params.bootstrap {
                let mut counts = vec![0_u32; n];
                for i in rng::resample(&mut draws, positive.len()) {
                    counts[positive[i]] += 1;
                }
                w.iter()
                    .zip(counts)
                    .map(|(&wi, c)| wi * f64::from(c))
                    .collect()
            } else {
                w.clone()
            };
            let total: f64 = tree_weights.iter().sum();
            let config = tree_params.config(total, Some(k));
            let nodes = builder::grow(columns, config, &labels, &tree_weights, Some(draws));
            // a leaf predicts what the forest would from it alone (the saved form keeps only
            // the rate)
            let nodes = nodes
                .into_iter()
                .map(|node| match node {
                    Node::Leaf {
                        positive_rate,
                        weight,
                        ..
                    } => Node::Leaf {
                        prediction: positive_rate > 0.5,
                        positive_rate,
                        weight,
                    },
                    split => split,
                })
                .collect();
            CompactTree(Tree {
                nodes,
                n_features: columns.n_features(),
            })
        })
        .collect();
    Ok(Forest {
        trees,
        n_features: columns.n_features(),
    })
}

impl Learner for ForestParams {
    type Model = Forest;

    fn name(&self) -> String {
        "forest".into()
    }

    fn weight_support(&self) -> WeightSupport {
        WeightSupport::Honoured
    }

    fn fit(
        &self,
        x: ArrayView2<'_, f64>,
        y: ArrayView1<'_, bool>,
        weights: Option<ArrayView1<'_, f64>>,
    ) -> Result<Forest, LearnerError> {
        self.check_ref()
            .and_then(|params| {
                crate::input::check_targets(x.nrows(), y, weights)?;
                fit_columns(params, &Columns::new(x)?, y, weights)
            })
            .map_err(|e| LearnerError::new(self.name(), e))
    }

    /// Keeps the sorted columns of `x` in `cache`, as the tree does.
    fn fit_cached(
        &self,
        x: ArrayView2<'_, f64>,
        y: ArrayView1<'_, bool>,
        weights: Option<ArrayView1<'_, f64>>,
        warm: Option<&Forest>,
        cache: &FeatureCache,
    ) -> Result<Forest, LearnerError> {
        match cached_columns(x, cache) {
            Some(columns) => self
                .check_ref()
                .and_then(|params| fit_columns(params, columns?, y, weights))
                .map_err(|e| LearnerError::new(self.name(), e)),
            None => self.fit_warm(x, y, weights, warm),
        }
    }
}

/// A tree of a forest, written as one line of text: its nodes in pre-order, separated by
/// spaces, a split as `feature:threshold:right` (its left child is the next node), a leaf as
/// `positive_rate:weight`; numbers in Rust's shortest round-trip form. A forest of a hundred
/// deep trees is then a few tens of megabytes rather than hundreds.
#[derive(Debug, Clone, PartialEq)]
struct CompactTree(Tree);

impl CompactTree {
    fn encode(&self) -> String {
        let mut out = String::new();
        for (i, node) in self.0.nodes.iter().enumerate() {
            if i > 0 {
                out.push(' ');
            }
            match *node {
                Node::Split {
                    feature,
                    threshold,
                    right,
                    ..
                } => out.push_str(&format!("{feature}:{threshold:?}:{right}")),
                Node::Leaf {
                    positive_rate,
                    weight,
                    ..
                } => out.push_str(&format!("{positive_rate:?}:{weight:?}")),
            }
        }
        out
    }

    fn decode(text: &str, n_features: usize) -> std::result::Result<Self, String> {
        let mut nodes = Vec::new();
        for (i, token) in text.split(' ').enumerate() {
            let fields: Vec<&str> = token.split(':').collect();
            let bad = || {
                format!("node {i} ({token:?}) is neither feature:threshold:right nor rate:weight")
            };
            let node = match fields[..] {
                [feature, threshold, right] => Node::Split {
                    feature: feature.parse().map_err(|_| bad())?,
                    threshold: threshold.parse().map_err(|_| bad())?,
                    left: i + 1,
                    right: right.parse().map_err(|_| bad())?,
                },
                [rate, weight] => {
                    let positive_rate: f64 = rate.parse().map_err(|_| bad())?;
                    Node::Leaf {
                        prediction: positive_rate > 0.5,
                        positive_rate,
                        weight: weight.parse().map_err(|_| bad())?,
                    }
                }
                _ => return Err(bad()),
            };
            nodes.push(node);
        }
        Ok(Self(Tree { nodes, n_features }))
    }
}

/// How a forest is written: its width and one line per tree.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ForestFile {
    n_features: usize,
    trees: Vec<String>,
}

impl Serialize for Forest {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        ForestFile {
            n_features: self.n_features,
            trees: self.trees.iter().map(CompactTree::encode).collect(),
        }
        .serialize(s)
    }
}

impl<'de> Deserialize<'de> for Forest {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let file = ForestFile::deserialize(d)?;
        let trees = file
            .trees
            .iter()
            .enumerate()
            .map(|(t, text)| {
                CompactTree::decode(text, file.n_features)
                    .map_err(|e| serde::de::Error::custom(format!("tree {t}: {e}")))
            })
            .collect::<std::result::Result<_, _>>()?;
        Ok(Forest {
            trees,
            n_features: file.n_features,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::TreeParams;
    use crate::testutil::logistic_data;
    use ndarray::Array2;

    #[test]
    fn autotraits() {
        fn has<T: Send + Sync + Unpin + Sized>() {}
        has::<Forest>();
        has::<ForestParams>();
        has::<ForestValidParams>();
    }

    #[test]
    fn max_features_as_scikit_learn_counts_them() {
        assert_eq!(MaxFeatures::Sqrt.of(106), 10);
        assert_eq!(MaxFeatures::Sqrt.of(9), 3);
        assert_eq!(MaxFeatures::Log2.of(106), 6);
        assert_eq!(MaxFeatures::All.of(7), 7);
        assert_eq!(MaxFeatures::Count(200).of(7), 7);
        assert_eq!(MaxFeatures::Sqrt.of(1), 1);
        let json = serde_json::to_string(&MaxFeatures::Count(3)).unwrap();
        assert_eq!(json, r#"{"count":3}"#);
        assert_eq!(
            serde_json::to_string(&MaxFeatures::Sqrt).unwrap(),
            r#""sqrt""#
        );
    }

    #[test]
    fn the_same_forest_on_any_number_of_threads_and_another_with_another_seed() {
        let (x, y) = logistic_data(41, 300, 5);
        let w = Array1::from_iter((0..300).map(|i| (i % 4) as f64 * 0.5));
        let params = Forest::params().n_estimators(12);
        let fit = |threads: usize, seed: u64| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap()
                .install(|| {
                    params
                        .seed(seed)
                        .fit(x.view(), y.view(), Some(w.view()))
                        .unwrap()
                })
        };
        let one = fit(1, 0);
        assert_eq!(one.n_trees(), 12);
        assert_eq!(one, fit(2, 0));
        assert_eq!(one, fit(3, 0));
        assert_ne!(one, fit(2, 1));
    }

    #[test]
    fn scores_are_the_mean_of_the_trees_and_labels_their_majority() {
        let (x, y) = logistic_data(42, 200, 3);
        let forest = Forest::params()
            .n_estimators(7)
            .fit(x.view(), y.view(), None)
            .unwrap();
        let mean = forest
            .trees()
            .map(|t| t.score(x.view()))
            .fold(Array1::<f64>::zeros(200), |s, t| s + t)
            / 7.0;
        assert_eq!(forest.score(x.view()), mean);
        assert_eq!(forest.predict(x.view()), mean.mapv(|p| p > 0.5));
        // fully grown trees on bootstrap samples still fit the training rows well
        let correct = forest
            .predict(x.view())
            .iter()
            .zip(&y)
            .filter(|(p, t)| p == t)
            .count();
        assert!(correct > 180, "{correct}");
    }

    #[test]
    fn saved_forests_are_compact_and_read_back_exactly() {
        let (x, y) = logistic_data(43, 150, 3);
        let forest = Forest::params()
            .n_estimators(5)
            .fit(x.view(), y.view(), None)
            .unwrap();
        let json = serde_json::to_value(&forest).unwrap();
        let trees = json["trees"].as_array().unwrap();
        assert_eq!(trees.len(), 5);
        assert!(trees[0].as_str().unwrap().contains(':'));
        let back: Forest = serde_json::from_value(json.clone()).unwrap();
        assert_eq!(back, forest);
        back.validate().unwrap();
        // a damaged tree is refused when read, or when validated
        let mut broken = json.clone();
        broken["trees"][2] = "0:0.5:2 0.25:3 oops".into();
        let err = serde_json::from_value::<Forest>(broken)
            .unwrap_err()
            .to_string();
        assert!(err.contains("tree 2") && err.contains("node 2"), "{err}");
        let mut cyclic = json.clone();
        cyclic["trees"][1] = "0:0.5:0 0.25:3 1:2".into();
        let forest: Forest = serde_json::from_value(cyclic).unwrap();
        let err = forest.validate().unwrap_err().to_string();
        assert!(err.contains("node 0 has child 0"), "{err}");
        let mut wide = json;
        wide["trees"][0] = "7:0.5:2 0.25:3 1:2".into();
        let forest: Forest = serde_json::from_value(wide).unwrap();
        let err = forest.validate().unwrap_err().to_string();
        assert!(err.contains("feature 7 of 3"), "{err}");
    }

    #[test]
    fn without_bootstrap_and_with_every_feature_each_tree_is_the_exact_tree() {
        let (x, y) = logistic_data(44, 250, 3);
        let x = Array2::from_shape_fn(x.dim(), |(i, j)| (x[[i, j]] * 3.0).round());
        let forest = Forest::params()
            .n_estimators(3)
            .bootstrap(false)
            .max_features(MaxFeatures::All)
            .max_depth(Some(4))
            .fit(x.view(), y.view(), None)
            .unwrap();
        let tree = TreeParams::new()
            .max_depth(Some(4))
            .fit(x.view(), y.view(), None)
            .unwrap();
        for t in forest.trees() {
            assert_eq!(t.split_values(), tree.split_values());
            assert_eq!(t.score(x.view()), tree.score(x.view()));
        }
    }

    #[test]
    fn bad_params_and_single_class_are_errors() {
        let (x, y) = logistic_data(45, 50, 2);
        for (params, needle) in [
            (Forest::params().n_estimators(0), "n_estimators"),
            (
                Forest::params().max_features(MaxFeatures::Count(0)),
                "max_features",
            ),
            (Forest::params().min_samples_leaf(0), "min_samples_leaf"),
        ] {
            let err = params.fit(x.view(), y.view(), None).unwrap_err();
            assert!(err.message.contains(needle), "{err}");
        }
        let err = Forest::params()
            .fit(x.view(), y.mapv(|_| true).view(), None)
            .unwrap_err();
        assert!(err.message.contains("single class"), "{err}");
    }
}
