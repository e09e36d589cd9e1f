use ndarray::ArrayView2;

use crate::{Classifier, Error, Groups, Result};

/// A fitted method that predicts rows from their features and groups: a learner's model, a
/// reduction's mixture or grid, a model behind thresholds (post-processing) or behind a feature
/// repair (pre-processing).
///
/// Every prediction is the **expected** probability that a row is predicted positive: 0 or 1
/// for deterministic predictors, the probability over the predictor's own randomization for
/// randomized ones (whose labels are then sampled with an explicit seed, see
/// [`rng::sample_labels`](crate::rng::sample_labels)). Metrics computed from expected
/// predictions are the method's metrics in expectation.
///
/// Object safe: the harness keeps every fitted method behind `&dyn Predictor`. Prediction
/// fails only on input problems ([`Error`]): a feature count other than the fitted one, a row
/// count that differs from the groups, a group the method never saw.
///
/// ```
/// use fairkit_core::{Groups, Predictor, Result};
/// use ndarray::{ArrayView2, array};
///
/// /// Predicts 1 with probability 0.5 for every row.
/// struct Coin;
///
/// impl Predictor for Coin {
///     fn n_features(&self) -> usize {
///         1
///     }
///     fn is_randomized(&self) -> bool {
///         true
///     }
///     fn expected(&self, x: ArrayView2<'_, f64>, _groups: &Groups) -> Result<Vec<f64>> {
///         fairkit_core::Error::check_features(1, x.ncols())?;
///         Ok(vec![0.5; x.nrows()])
///     }
/// }
///
/// let groups = Groups::from_labels("g", &["a", "b"])?;
/// let coin: &dyn Predictor = &Coin;
/// assert_eq!(coin.expected(array![[1.0], [2.0]].view(), &groups)?, [0.5, 0.5]);
/// assert_eq!(coin.score(array![[1.0], [2.0]].view(), &groups)?, None);
/// assert!(coin.expected(array![[1.0, 2.0]].view(), &groups).is_err());
/// # Ok::<(), fairkit_core::Error>(())
/// ```
pub trait Predictor: Send + Sync {
    /// Number of feature columns the predictor reads.
    fn n_features(&self) -> usize;

    /// Whether predictions are randomized (expected and sampled predictions differ).
    fn is_randomized(&self) -> bool {
        false
    }

    /// Errors when `groups` holds a group the predictor cannot predict (one it never saw,
    /// where it depends on groups). The default accepts every group.
    ///
    /// # Errors
    /// [`Error::UnseenGroup`] or [`Error::InvalidParameter`] (other sensitive columns).
    fn check_groups(&self, groups: &Groups) -> Result<()> {
        let _ = groups;
        Ok(())
    }

    /// The expected probability that each row of `x` (whose rows belong to `groups`) is
    /// predicted positive: the hard prediction as 0 or 1 for deterministic predictors.
    ///
    /// # Errors
    /// A feature count other than [`n_features`](Self::n_features), and what
    /// [`check_groups`](Self::check_groups) refuses.
    fn expected(&self, x: ArrayView2<'_, f64>, groups: &Groups) -> Result<Vec<f64>>;

    /// The predictor's own score per row, increasing with the positive class (a model's
    /// probability of label 1), where it has one; `None` when its only output is the expected
    /// probability (randomized mixtures and thresholds).
    ///
    /// # Errors
    /// As [`expected`](Self::expected).
    fn score(&self, x: ArrayView2<'_, f64>, groups: &Groups) -> Result<Option<Vec<f64>>> {
        let _ = (x, groups);
        Ok(None)
    }

    /// Checks that a predictor read back from a file (a saved model) is consistent, so that
    /// predicting with it cannot panic. A fitted predictor always is.
    ///
    /// # Errors
    /// [`Error::Inconsistent`] naming what does not fit.
    fn validate(&self) -> Result<()> {
        Ok(())
    }
}

/// [`Predictor::expected`] of a deterministic classifier: its hard predictions as 0 or 1,
/// after checking the feature count. Groups are not read.
///
/// # Errors
/// [`Error::FeatureMismatch`].
pub fn classifier_expected<C: Classifier + ?Sized>(
    model: &C,
    x: ArrayView2<'_, f64>,
) -> Result<Vec<f64>> {
    Error::check_features(model.n_features(), x.ncols())?;
    Ok(model
        .predict(x)
        .iter()
        .map(|&p| f64::from(u8::from(p)))
        .collect())
}

/// [`Predictor::score`] of a classifier: its [`Classifier::score`], after checking the
/// feature count.
///
/// # Errors
/// [`Error::FeatureMismatch`].
pub fn classifier_score<C: Classifier + ?Sized>(
    model: &C,
    x: ArrayView2<'_, f64>,
) -> Result<Option<Vec<f64>>> {
    Error::check_features(model.n_features(), x.ncols())?;
    Ok(Some(model.score(x).to_vec()))
}
