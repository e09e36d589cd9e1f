use fairkit_core::Error as CoreError;
use linfa::ParamGuard;
use serde::{Deserialize, Serialize};

use super::builder::Config;
use crate::{LearnersError, Result};

/// How a split's quality is measured (scikit-learn's `criterion`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SplitQuality {
    /// Gini impurity `1 − Σ p²` (scikit-learn's default).
    #[default]
    Gini,
    /// Shannon entropy `−Σ p log₂ p`.
    Entropy,
}

/// Checked parameters of the exact decision [`Tree`](super::Tree), scikit-learn's
/// `DecisionTreeClassifier` (best splitter, every feature at every split).
///
/// | name | default | purpose | range |
/// |---|---|---|---|
/// | `max_depth` | 5 | depth limit (`None`: grow until pure or blocked); scikit-learn's default is `None`, fairkit's `tree` is the reference baseline `DecisionTreeClassifier(max_depth=5)` | |
/// | `split_quality` | gini | impurity measure (scikit-learn's `criterion`; the key `criterion` is accepted too) | gini, entropy |
/// | `min_samples_split` | 2 | a node with fewer rows is not split | `>= 2` |
/// | `min_samples_leaf` | 1 | a split must leave at least this many rows on each side | `>= 1` |
/// | `min_weight_fraction_leaf` | 0.0 | a split must leave at least this share of the total sample weight on each side | `[0, 0.5]` |
/// | `min_weight_leaf` | 0.0 | a split must leave at least this sample weight on each side (fairkit's absolute form of the previous limit; the larger of the two applies) | `>= 0` |
/// | `min_impurity_decrease` | 0.0 | a split must lower the weighted impurity, `(w/W) · (i − w_R/w · i_R − w_L/w · i_L)`, by at least this | `>= 0` |
///
/// Rows count only when their weight is positive (`min_samples_*` count rows, everything else
/// sums weights), so integer weights act as duplicated rows wherever a count limit does not
/// bind, exactly as in scikit-learn; `min_samples_split` is raised to `2 · min_samples_leaf`
/// as scikit-learn does.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TreeValidParams {
    pub(crate) max_depth: Option<usize>,
    #[serde(alias = "criterion")]
    pub(crate) split_quality: SplitQuality,
    pub(crate) min_samples_split: usize,
    pub(crate) min_samples_leaf: usize,
    pub(crate) min_weight_fraction_leaf: f64,
    pub(crate) min_weight_leaf: f64,
    pub(crate) min_impurity_decrease: f64,
}

impl Default for TreeValidParams {
    fn default() -> Self {
        Self {
            max_depth: Some(5),
            split_quality: SplitQuality::Gini,
            min_samples_split: 2,
            min_samples_leaf: 1,
            min_weight_fraction_leaf: 0.0,
            min_weight_leaf: 0.0,
            min_impurity_decrease: 0.0,
        }
    }
}

impl TreeValidParams {
    /// The depth limit.
    pub fn max_depth(&self) -> Option<usize> {
        self.max_depth
    }

    /// The impurity measure.
    pub fn split_quality(&self) -> SplitQuality {
        self.split_quality
    }

    /// The smallest node (in rows) that may be split.
    pub fn min_samples_split(&self) -> usize {
        self.min_samples_split
    }

    /// The fewest rows a split may leave on either side.
    pub fn min_samples_leaf(&self) -> usize {
        self.min_samples_leaf
    }

    /// The smallest share of the total weight a split may leave on either side.
    pub fn min_weight_fraction_leaf(&self) -> f64 {
        self.min_weight_fraction_leaf
    }

    /// The smallest sample weight a split may leave on either side.
    pub fn min_weight_leaf(&self) -> f64 {
        self.min_weight_leaf
    }

    /// The smallest impurity decrease of a split.
    pub fn min_impurity_decrease(&self) -> f64 {
        self.min_impurity_decrease
    }

    /// The builder's settings for a fit whose rows weigh `total_weight`.
    pub(crate) fn config(&self, total_weight: f64, max_features: Option<usize>) -> Config {
        Config {
            criterion: self.split_quality,
            max_depth: self.max_depth.unwrap_or(usize::MAX),
            min_samples_split: self
                .min_samples_split
                .max(self.min_samples_leaf.saturating_mul(2)),
            min_samples_leaf: self.min_samples_leaf,
            min_weight_leaf: self
                .min_weight_leaf
                .max(self.min_weight_fraction_leaf * total_weight),
            min_impurity_decrease: self.min_impurity_decrease,
            max_features,
        }
    }

    /// Checks the limits (shared with the forest's parameters).
    pub(crate) fn check(&self) -> Result<()> {
        if self.min_samples_split < 2 {
            return Err(invalid(
                "min_samples_split",
                self.min_samples_split,
                "must be at least 2",
            ));
        }
        if self.min_samples_leaf == 0 {
            return Err(invalid("min_samples_leaf", 0, "must be at least 1"));
        }
        if !(0.0..=0.5).contains(&self.min_weight_fraction_leaf) {
            return Err(invalid(
                "min_weight_fraction_leaf",
                self.min_weight_fraction_leaf,
                "must be in [0, 0.5]",
            ));
        }
        for (name, value) in [
            ("min_weight_leaf", self.min_weight_leaf),
            ("min_impurity_decrease", self.min_impurity_decrease),
        ] {
            if !(value.is_finite() && value >= 0.0) {
                return Err(invalid(name, value, "must be finite and >= 0"));
            }
        }
        Ok(())
    }
}

fn invalid(name: &str, value: impl ToString, reason: &str) -> LearnersError {
    CoreError::invalid(name, value.to_string(), reason).into()
}

/// Unchecked parameters of the exact decision [`Tree`](super::Tree): a consuming builder.
///
/// ```
/// use fairkit_learners::Tree;
/// use linfa::ParamGuard;
///
/// let params = Tree::params().max_depth(Some(3)).check().unwrap();
/// assert_eq!(params.max_depth(), Some(3));
/// assert!(Tree::params().min_samples_leaf(0).check().is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct TreeParams(pub(crate) TreeValidParams);

impl TreeParams {
    /// The defaults (see [`TreeValidParams`]).
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the depth limit.
    pub fn max_depth(mut self, max_depth: Option<usize>) -> Self {
        self.0.max_depth = max_depth;
        self
    }

    /// Sets the impurity measure.
    pub fn split_quality(mut self, split_quality: SplitQuality) -> Self {
        self.0.split_quality = split_quality;
        self
    }

    /// Sets the smallest node (in rows) that may be split.
    pub fn min_samples_split(mut self, min_samples_split: usize) -> Self {
        self.0.min_samples_split = min_samples_split;
        self
    }

    /// Sets the fewest rows a split may leave on either side.
    pub fn min_samples_leaf(mut self, min_samples_leaf: usize) -> Self {
        self.0.min_samples_leaf = min_samples_leaf;
        self
    }

    /// Sets the smallest share of the total weight a split may leave on either side.
    pub fn min_weight_fraction_leaf(mut self, fraction: f64) -> Self {
        self.0.min_weight_fraction_leaf = fraction;
        self
    }

    /// Sets the smallest sample weight a split may leave on either side.
    pub fn min_weight_leaf(mut self, min_weight_leaf: f64) -> Self {
        self.0.min_weight_leaf = min_weight_leaf;
        self
    }

    /// Sets the smallest impurity decrease of a split.
    pub fn min_impurity_decrease(mut self, min_impurity_decrease: f64) -> Self {
        self.0.min_impurity_decrease = min_impurity_decrease;
        self
    }
}

impl ParamGuard for TreeParams {
    type Checked = TreeValidParams;
    type Error = LearnersError;

    fn check_ref(&self) -> Result<&TreeValidParams> {
        self.0.check()?;
        Ok(&self.0)
    }

    fn check(self) -> Result<TreeValidParams> {
        self.check_ref()?;
        Ok(self.0)
    }
}
