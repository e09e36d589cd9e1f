//! Thresholds as a [`Predictor`]: behind a fitted model's scores, or on a score the rows
//! carry.

use fairkit_core::{Classifier, Error, Groups, Predictor, Result};
use ndarray::ArrayView2;
use serde::{Deserialize, Serialize};

use crate::InterpolatedThresholder;
use crate::thresholder::model_scores;

/// A fitted model and the per-group thresholds fitted on its scores: a randomized predictor of
/// the model's features (its expected prediction is
/// [`InterpolatedThresholder::probability`] of the model's scores).
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
pub struct ThresholdedModel<M> {
    base: M,
    thresholder: InterpolatedThresholder,
}

impl<M> ThresholdedModel<M> {
    /// The model and the thresholds fitted on its scores.
    pub fn new(base: M, thresholder: InterpolatedThresholder) -> Self {
        Self { base, thresholder }
    }

    /// The scoring model.
    pub fn base(&self) -> &M {
        &self.base
    }

    /// The thresholds.
    pub fn thresholder(&self) -> &InterpolatedThresholder {
        &self.thresholder
    }
}

impl<M: Classifier + Predictor> Predictor for ThresholdedModel<M> {
    fn n_features(&self) -> usize {
        Classifier::n_features(&self.base)
    }

    fn is_randomized(&self) -> bool {
        true
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
pub struct ScoreThresholder {
    column: String,
    thresholder: InterpolatedThresholder,
}

impl ScoreThresholder {
    /// The thresholds fitted on the score column `column`.
    pub fn new(column: impl Into<String>, thresholder: InterpolatedThresholder) -> Self {
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
    pub fn thresholder(&self) -> &InterpolatedThresholder {
        &self.thresholder
    }
}

impl Predictor for ScoreThresholder {
    fn n_features(&self) -> usize {
        1
    }

    fn is_randomized(&self) -> bool {
        true
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
}
