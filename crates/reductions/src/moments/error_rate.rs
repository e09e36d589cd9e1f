use fairkit_core::{Error, FairDataset};
use serde::{Deserialize, Serialize};

use super::{normalized_weights, weight_at};
use crate::Result;

/// The objective of the classification reductions: the (cost-weighted) error rate
/// (docs/reductions.md#error-rate-objective),
/// `err(h) = (c_FN·#{y=1, h=0} + c_FP·#{y=0, h=1}) / n`.
///
/// ```
/// use fairkit_reductions::ErrorRate;
///
/// let costs = ErrorRate::new(2.0, 1.0);
/// assert!(costs.check().is_ok());
/// assert!(ErrorRate::new(0.0, 0.0).check().is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ErrorRate {
    fp_cost: f64,
    fn_cost: f64,
}

impl Default for ErrorRate {
    /// Both costs 1: the plain misclassification rate.
    fn default() -> Self {
        Self {
            fp_cost: 1.0,
            fn_cost: 1.0,
        }
    }
}

impl ErrorRate {
    /// An error rate with a false-positive cost and a false-negative cost.
    pub fn new(fp_cost: f64, fn_cost: f64) -> Self {
        Self { fp_cost, fn_cost }
    }

    /// The false-positive cost.
    pub fn fp_cost(&self) -> f64 {
        self.fp_cost
    }

    /// The false-negative cost.
    pub fn fn_cost(&self) -> f64 {
        self.fn_cost
    }

    /// Checks the costs.
    ///
    /// # Errors
    /// A cost that is negative or not finite, or both costs zero.
    pub fn check(&self) -> Result<()> {
        for (name, v) in [("fp cost", self.fp_cost), ("fn cost", self.fn_cost)] {
            if !(v.is_finite() && v >= 0.0) {
                return Err(Error::invalid(name, v, "must be finite and >= 0").into());
            }
        }
        if self.fp_cost + self.fn_cost <= 0.0 {
            return Err(
                Error::invalid("costs", "fp = fn = 0", "at least one must be positive").into(),
            );
        }
        Ok(())
    }

    /// Checks the costs and binds them to the labels and weights of `data`.
    ///
    /// # Errors
    /// As [`check`](Self::check), and weights summing to zero.
    pub fn load(&self, data: &FairDataset) -> Result<LoadedErrorRate> {
        self.check()?;
        Ok(LoadedErrorRate {
            costs: *self,
            labels: data.labels().to_vec(),
            weights: normalized_weights(data)?,
        })
    }
}

/// An [`ErrorRate`] bound to a dataset's labels and weights.
#[derive(Debug, Clone, PartialEq)]
pub struct LoadedErrorRate {
    costs: ErrorRate,
    labels: Vec<bool>,
    weights: Option<Vec<f64>>,
}

impl LoadedErrorRate {
    /// The costs.
    pub fn costs(&self) -> ErrorRate {
        self.costs
    }

    /// The (weighted) error of predictions in `[0, 1]`, one per training row.
    pub fn error(&self, predictions: &[f64]) -> f64 {
        debug_assert_eq!(predictions.len(), self.labels.len());
        let ErrorRate { fp_cost, fn_cost } = self.costs;
        let total: f64 = self
            .labels
            .iter()
            .zip(predictions)
            .enumerate()
            .map(|(i, (&y, &h))| {
                let cost = if y { fn_cost * (1.0 - h) } else { fp_cost * h };
                weight_at(self.weights.as_deref(), i) * cost
            })
            .sum();
        total / self.labels.len() as f64
    }

    /// The per-row gain of predicting 1: `ω_i·(−c_FP + (c_FP + c_FN)·y_i)`, i.e. `+c_FN` for
    /// positives and `−c_FP` for negatives.
    pub fn signed_weights(&self) -> Vec<f64> {
        let ErrorRate { fp_cost, fn_cost } = self.costs;
        self.labels
            .iter()
            .enumerate()
            .map(|(i, &y)| {
                let s = -fp_cost + (fp_cost + fn_cost) * f64::from(u8::from(y));
                weight_at(self.weights.as_deref(), i) * s
            })
            .collect()
    }
}
