//! Thresholds as a [`Predictor`]: behind a fitted model's scores, or on a score the rows
//! carry.
//!
//! Both are generic over the [`ScorePostprocessor`], the fitted part of a post-processing
//! method (per-group thresholds, [`InterpolatedThresholder`], by default): a new
//! post-processing method implements that trait and is a predictor through
//! [`ThresholdedModel`] and [`ScoreThresholder`] without code of its own.

use fairkit_core::{Classifier, Error, Groups, Predictor, Result};
use ndarray::ArrayView2;
use serde::{Deserialize, Serialize};

use crate::InterpolatedThresholder;
use crate::thresholder::model_scores;

/// The fitted part of a post-processing method: what turns a score per row (increasing with
/// the positive class) into the expected probability of predicting 1, given the row's group.
pub trait ScorePostprocessor: Send + Sync {
    /// Whether its predictions are randomized (expected and sampled predictions differ).
    fn is_randomized(&self) -> bool;

    /// Errors when `groups` holds a group it cannot predict.
    ///
    /// # Errors
    /// [`Error::UnseenGroup`] or [`Error::InvalidParameter`] (other sensitive columns).
    fn check_groups(&self, groups: &Groups) -> Result<()>;

    /// The expected probability of predicting 1 for each row, from its score and group.
    ///
    /// # Errors
    /// Lengths that differ, a non-finite score, and what
    /// [`check_groups`](Self::check_groups) refuses.
    fn probability(&self, scores: &[f64], groups: &Groups) -> Result<Vec<f64>>;

    /// Checks that a post-processor read back from a file is consistent.
    ///
    /// # Errors
    /// [`Error::Inconsistent`] naming what does not fit.
    fn validate(&self) -> Result<()>;
}

impl ScorePostprocessor for InterpolatedThresholder {
    fn is_randomized(&self) -> bool {
        true
    }

    fn check_groups(&self, groups: &Groups) -> Result<()> {
        InterpolatedThresholder::check_groups(self, groups)
    }

    fn probability(&self, scores: &[f64], groups: &Groups) -> Result<Vec<f64>> {
        InterpolatedThresholder::probability(self, scores, groups)
    }

    fn validate(&self) -> Result<()> {
        InterpolatedThresholder::validate(self)
    }
}

/// A fitted model and the per-group thresholds fitted on its scores: a randomized predictor of
/// the model's features (its expected prediction is
/// [`InterpolatedThresholder::probability`] of the model's scores). Any other
/// [`ScorePostprocessor`] may stand for the thresholds (`T`).
///
/// ```
/// use fairkit_core::{Classifier, Groups, Predictor};
/// use fairkit_postprocessing::{FitThresholds, ThresholdOptimizerParams, ThresholdedModel};
/// use ndarray::{Array1, ArrayView2, array};
///
/// /// Scores a row by its only feature.
/// #[derive(Clone)]
/// struct Identity;
///
/// impl Classifier for Identity {
///     fn n_features(&self) -> usize {
///         1
///     }
///     fn predict(&self, x: ArrayView2<'_, f64>) -> Array1<bool> {
///         x.column(0).mapv(|v| v >= 0.5)
///     }
///     fn score(&self, x: ArrayView2<'_, f64>) -> Array1<f64> {
///         x.column(0).to_owned()
///     }
/// }
///
/// impl Predictor for Identity {
///     fn n_features(&self) -> usize {
///         1
///     }
///     fn expected(&self, x: ArrayView2<'_, f64>, _: &Groups) -> fairkit_core::Result<Vec<f64>> {
///         fairkit_core::classifier_expected(self, x)
///     }
/// }
///
/// // O10 (docs/test-oracles.md#o10).
/// let x = array![[0.9], [0.8], [0.3], [0.2], [0.7], [0.6], [0.4], [0.1]];
/// let labels = [true, true, false, false, true, false, true, false];
/// let groups = Groups::from_labels("g", &["a", "a", "a", "a", "b", "b", "b", "b"])?;
/// let scores = Classifier::score(&Identity, x.view()).to_vec();
/// let thresholder = ThresholdOptimizerParams::new().fit_scores(&scores, &labels, &groups, None)?;
/// let model = ThresholdedModel::new(Identity, thresholder);
/// assert!(model.is_randomized());
/// assert_eq!(
///     model.expected(x.view(), &groups)?,
///     [1.0, 1.0, 0.0, 0.0, 1.0, 0.5, 0.5, 0.0]
/// );
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ThresholdedModel<M, T = InterpolatedThresholder> {
    base: M,
    thresholder: T,
}

impl<M, T> ThresholdedModel<M, T> {
    /// The model and the thresholds fitted on its scores.
    pub fn new(base: M, thresholder: T) -> Self {
        Self { base, thresholder }
    }

    /// The scoring model.
    pub fn base(&self) -> &M {
        &self.base
    }

    /// The thresholds.
    pub fn thresholder(&self) -> &T {
        &self.thresholder
    }
}

impl<M: Classifier + Predictor, T: ScorePostprocessor> Predictor for ThresholdedModel<M, T> {
    fn n_features(&self) -> usize {
        Classifier::n_features(&self.base)
    }

    fn is_randomized(&self) -> bool {
        self.thresholder.is_randomized()
    }

    fn check_groups(&self, groups: &Groups) -> Result<()> {
        self.thresholder.check_groups(groups)
    }

    fn expected(&self, x: ArrayView2<'_, f64>, groups: &Groups) -> Result<Vec<f64>> {
        self.thresholder
            .probability(&model_scores(&self.base, x)?, groups)
    }

    fn validate(&self) -> Result<()> {
        Predictor::validate(&self.base)?;
        self.thresholder.validate()
    }
}

/// Per-group thresholds on a score the rows carry as their only feature (e.g. an existing
/// model's scores, read from a column): a randomized predictor of one feature.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScoreThresholder<T = InterpolatedThresholder> {
    column: String,
    thresholder: T,
}

impl<T> ScoreThresholder<T> {
    /// The thresholds fitted on the score column `column`.
    pub fn new(column: impl Into<String>, thresholder: T) -> Self {
        Self {
            column: column.into(),
            thresholder,
        }
    }

    /// The score column's name.
    pub fn column(&self) -> &str {
        &self.column
    }

    /// The thresholds.
    pub fn thresholder(&self) -> &T {
        &self.thresholder
    }
}

impl<T: ScorePostprocessor> Predictor for ScoreThresholder<T> {
    fn n_features(&self) -> usize {
        1
    }

    fn is_randomized(&self) -> bool {
        self.thresholder.is_randomized()
    }

    fn check_groups(&self, groups: &Groups) -> Result<()> {
        self.thresholder.check_groups(groups)
    }

    fn expected(&self, x: ArrayView2<'_, f64>, groups: &Groups) -> Result<Vec<f64>> {
        Error::check_features(1, x.ncols())?;
        self.thresholder.probability(&x.column(0).to_vec(), groups)
    }

    fn validate(&self) -> Result<()> {
        self.thresholder.validate()
    }
}

#[cfg(test)]
mod tests {
    use fairkit_core::Groups;
    use ndarray::{Array2, array};

    use super::*;
    use crate::{FitThresholds, ThresholdOptimizerParams};

    /// O10 (docs/test-oracles.md#o10) as a one-column score.
    fn o10() -> (Array2<f64>, Groups, InterpolatedThresholder) {
        let x = array![[0.9], [0.8], [0.3], [0.2], [0.7], [0.6], [0.4], [0.1]];
        let labels = [true, true, false, false, true, false, true, false];
        let groups = Groups::from_labels("g", &["a", "a", "a", "a", "b", "b", "b", "b"]).unwrap();
        let fitted = ThresholdOptimizerParams::new()
            .fit_scores(&x.column(0).to_vec(), &labels, &groups, None)
            .unwrap();
        (x, groups, fitted)
    }

    #[test]
    fn a_score_column_is_thresholded_as_the_thresholder_does() {
        let (x, groups, fitted) = o10();
        let p = ScoreThresholder::new("s", fitted.clone());
        assert_eq!(p.column(), "s");
        assert!(p.is_randomized());
        assert_eq!(p.n_features(), 1);
        assert_eq!(
            p.expected(x.view(), &groups).unwrap(),
            fitted.probability(&x.column(0).to_vec(), &groups).unwrap()
        );
        assert_eq!(p.score(x.view(), &groups).unwrap(), None);
        p.validate().unwrap();
        let wide = Array2::zeros((1, 2));
        assert_eq!(
            p.expected(wide.view(), &groups),
            Err(Error::FeatureMismatch {
                expected: 1,
                got: 2
            })
        );
        let unseen = Groups::from_labels("g", &["c"]).unwrap();
        let err = Error::UnseenGroup {
            group: "g=c".into(),
        };
        assert_eq!(p.check_groups(&unseen), Err(err.clone()));
        assert_eq!(p.expected(array![[0.5]].view(), &unseen), Err(err));
    }

    #[test]
    fn invalid_saved_parameters_are_an_inconsistent_thresholder() {
        let (_, _, fitted) = o10();
        let mut json = serde_json::to_value(ScoreThresholder::new("s", fitted)).unwrap();
        json["thresholder"]["params"]["grid_size"] = serde_json::json!(0);
        let broken: ScoreThresholder = serde_json::from_value(json).unwrap();
        assert_eq!(
            broken.validate().unwrap_err().to_string(),
            "inconsistent threshold optimizer: invalid grid_size 0: it is the number of grid \
             intervals and must be between 1 and 10000000"
        );
    }

    /// A post-processor other than thresholds: group `a` keeps the score's sign at 0.5, group
    /// `b` always gets 1, deterministically.
    struct Flip;

    impl ScorePostprocessor for Flip {
        fn is_randomized(&self) -> bool {
            false
        }
        fn check_groups(&self, groups: &Groups) -> Result<()> {
            Error::check_len("groups", 2, groups.n_groups())
        }
        fn probability(&self, scores: &[f64], groups: &Groups) -> Result<Vec<f64>> {
            self.check_groups(groups)?;
            Ok(scores
                .iter()
                .zip(groups.codes())
                .map(|(&s, &c)| if c == 1 || s >= 0.5 { 1.0 } else { 0.0 })
                .collect())
        }
        fn validate(&self) -> Result<()> {
            Ok(())
        }
    }

    #[test]
    fn any_score_postprocessor_is_a_predictor_behind_a_model_or_a_column() {
        let (x, groups, _) = o10();
        let column = ScoreThresholder::new("s", Flip);
        assert!(!column.is_randomized());
        let expected = [1.0, 1.0, 0.0, 0.0, 1.0, 1.0, 1.0, 1.0];
        assert_eq!(column.expected(x.view(), &groups).unwrap(), expected);
        let model = ThresholdedModel::new(Identity, Flip);
        assert!(!model.is_randomized());
        assert_eq!(model.n_features(), 1);
        assert_eq!(model.expected(x.view(), &groups).unwrap(), expected);
        let one = Groups::from_labels("g", &["a"]).unwrap();
        assert!(model.check_groups(&one).is_err());
        assert!(model.expected(array![[0.5]].view(), &one).is_err());
    }

    /// Scores a row by its only feature.
    struct Identity;

    impl Classifier for Identity {
        fn n_features(&self) -> usize {
            1
        }
        fn predict(&self, x: ndarray::ArrayView2<'_, f64>) -> ndarray::Array1<bool> {
            x.column(0).mapv(|v| v >= 0.5)
        }
        fn score(&self, x: ndarray::ArrayView2<'_, f64>) -> ndarray::Array1<f64> {
            x.column(0).to_owned()
        }
    }

    impl Predictor for Identity {
        fn n_features(&self) -> usize {
            1
        }
        fn expected(&self, x: ndarray::ArrayView2<'_, f64>, _: &Groups) -> Result<Vec<f64>> {
            fairkit_core::classifier_expected(self, x)
        }
    }
}
