//! linfa-logistic as published: a baseline that ignores sample weights.

use fairkit_core::{Error as CoreError, LearnerError};
use linfa::DatasetBase;
use linfa::traits::Fit;
use linfa_logistic::LogisticRegression;
use ndarray::{ArrayView1, ArrayView2};
use serde::{Deserialize, Serialize};

use crate::input::check_fit;
use crate::{Logistic, Result};

/// linfa-logistic 0.8.1's `LogisticRegression`, fitted as is: it **ignores sample weights**
/// (its loss never reads them), so it reports [`WeightSupport::Ignored`] and fails the weight
/// conformance check. A baseline and a control for that check, never offered for reweighting.
///
/// linfa-logistic 0.8.1 makes the *more frequent* class its "positive" class; the fitted model is
/// converted so that label `true` is always the positive class of the returned [`Logistic`].
///
/// | name | default | purpose |
/// |---|---|---|
/// | `alpha` | 1.0 | L2 strength (intercept free) |
/// | `max_iterations` | 1000 | L-BFGS iteration limit |
/// | `gradient_tolerance` | 1e-4 | linfa's gradient-norm tolerance (on its summed loss) |
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LinfaLogistic {
    /// L2 strength.
    pub alpha: f64,
    /// Iteration limit.
    pub max_iterations: u64,
    /// Gradient-norm tolerance.
    pub gradient_tolerance: f64,
}

impl Default for LinfaLogistic {
    fn default() -> Self {
        Self {
            alpha: 1.0,
            max_iterations: 1000,
            gradient_tolerance: 1e-4,
        }
    }
}

impl LinfaLogistic {
    fn fit_model(
        &self,
        x: ArrayView2<'_, f64>,
        y: ArrayView1<'_, bool>,
        weights: Option<ArrayView1<'_, f64>>,
    ) -> Result<Logistic> {
        check_fit(x, y, weights)?;
        let dataset = DatasetBase::new(x, y.to_owned());
        let fitted = LogisticRegression::default()
            .alpha(self.alpha)
            .max_iterations(self.max_iterations)
            .gradient_tolerance(self.gradient_tolerance)
            .fit(&dataset)?;
        // P(pos) = sigmoid(x.w + b): when linfa's positive class is `false`, negate.
        let sign = if fitted.labels().pos.class { 1.0 } else { -1.0 };
        Ok(Logistic::from_parts(
            fitted.params().iter().map(|&c| sign * c).collect(),
            sign * fitted.intercept(),
        ))
    }
}

fairkit_core::learner! {
    LinfaLogistic => Logistic, "linfa-logistic", Ignored;

    /// Fits, ignoring `weights` except for the checks that every learner makes.
    fn fit(&self, x, y, weights) {
        let checked = if self.alpha.is_finite() && self.alpha >= 0.0 {
            Ok(())
        } else {
            Err(CoreError::invalid("alpha", self.alpha, "must be finite and >= 0").into())
        };
        checked
            .and_then(|()| self.fit_model(x, y, weights))
            .map_err(|e| LearnerError::new(self.name(), e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::logistic_data;
    use fairkit_core::Classifier;
    use fairkit_core::{Learner, WeightSupport};
    use linfa_logistic::LogisticRegression;

    #[test]
    fn label_true_is_positive_even_when_false_is_more_frequent() {
        // mostly `false`: linfa-logistic 0.8.1 then calls `false` its positive class
        let (x, y) = logistic_data(41, 300, 2);
        let y =
            y.mapv(|_| false) | ndarray::Array1::from_iter((0..300).map(|i| i % 4 == 0 && y[i]));
        let fitted = LogisticRegression::default()
            .fit(&DatasetBase::new(x.view(), y.clone()))
            .unwrap();
        assert!(!fitted.labels().pos.class);
        let ours = LinfaLogistic::default()
            .fit(x.view(), y.view(), None)
            .unwrap();
        let p_false = fitted.predict_probabilities(&x);
        for (p_true, p_false) in ours.score(x.view()).iter().zip(&p_false) {
            assert!((p_true + p_false - 1.0).abs() < 1e-12);
        }
    }

    #[test]
    fn reports_ignored_weights() {
        assert_eq!(
            LinfaLogistic::default().weight_support(),
            WeightSupport::Ignored
        );
    }
}
