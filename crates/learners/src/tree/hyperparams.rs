use fairkit_core::Error as CoreError;
use linfa::ParamGuard;
use serde::{Deserialize, Serialize};

use crate::{Error, Result};

/// How a split's quality is measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SplitQuality {
    /// Gini impurity (scikit-learn's default).
    #[default]
    Gini,
    /// Shannon entropy.
    Entropy,
}

/// Checked parameters of the [`Tree`](super::Tree) learner (a linfa-trees decision tree).
///
/// | name | default | purpose | range |
/// |---|---|---|---|
/// | `max_depth` | 5 | depth limit (`None`: grow until pure or blocked), as the reference `baseline_dt` | |
/// | `split_quality` | gini | impurity measure | gini, entropy |
/// | `min_samples_split` | 2 | a node with fewer rows is not split (linfa's `min_weight_split` counts rows) | `>= 1` |
/// | `min_weight_leaf` | 1.0 | a split must leave at least this much sample weight on each side (a row count without weights) | `>= 0` |
/// | `min_impurity_decrease` | 1e-5 | a split must lower the weighted impurity by at least this (linfa's default; linfa needs it positive) | `>= f64::EPSILON` |
///
/// Weights are frequency weights: a weight of 2 counts like two rows, and `min_weight_leaf` is in
/// the same units. Linfa's class frequencies are f32; see [`Tree`](super::Tree) for how the
/// weights are prepared for that.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TreeValidParams {
    pub(crate) max_depth: Option<usize>,
    pub(crate) split_quality: SplitQuality,
    pub(crate) min_samples_split: usize,
    pub(crate) min_weight_leaf: f64,
    pub(crate) min_impurity_decrease: f64,
}

impl Default for TreeValidParams {
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

    /// The smallest sample weight a split may leave on either side.
    pub fn min_weight_leaf(&self) -> f64 {
        self.min_weight_leaf
    }

    /// The smallest impurity decrease of a split.
    pub fn min_impurity_decrease(&self) -> f64 {
        self.min_impurity_decrease
    }
}

/// Unchecked parameters of the [`Tree`](super::Tree) learner: a consuming builder.
///
/// ```
/// use fairkit_learners::Tree;
/// use linfa::ParamGuard;
///
/// let params = Tree::params().max_depth(Some(3)).check().unwrap();
/// assert_eq!(params.max_depth(), Some(3));
/// assert!(Tree::params().min_impurity_decrease(0.0).check().is_err());
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
    type Error = Error;

    fn check_ref(&self) -> Result<&TreeValidParams> {
        let p = &self.0;
        if p.min_samples_split == 0 {
            return Err(CoreError::invalid("min_samples_split", 0, "must be at least 1").into());
        }
        if !(p.min_weight_leaf.is_finite() && p.min_weight_leaf >= 0.0) {
            return Err(CoreError::invalid(
                "min_weight_leaf",
                p.min_weight_leaf,
                "must be finite and >= 0",
            )
            .into());
        }
        if !(p.min_impurity_decrease.is_finite() && p.min_impurity_decrease >= f64::EPSILON) {
            return Err(CoreError::invalid(
                "min_impurity_decrease",
                p.min_impurity_decrease,
                "must be finite and at least f64::EPSILON (linfa needs a positive value)",
            )
            .into());
        }
        Ok(p)
    }

    fn check(self) -> Result<TreeValidParams> {
        self.check_ref()?;
        Ok(self.0)
    }
}
