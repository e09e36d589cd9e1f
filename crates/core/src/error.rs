use thiserror::Error;

use crate::text::{ellipsize, quote};

/// Result alias with the shared [`enum@Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What is wrong with the input. Every variant names the problem so that the command line can
/// print it as is; library crates wrap this type with `#[from]`.
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum Error {
    /// Two inputs that must be row-aligned have different lengths.
    #[error("length mismatch: {what} has {got} entries, expected {expected}")]
    LengthMismatch {
        /// Which input is misaligned, e.g. `"y_pred"`.
        what: String,
        /// The length it should have.
        expected: usize,
        /// The length it has.
        got: usize,
    },
    /// There are no rows at all.
    #[error("no rows: {what} is empty")]
    Empty {
        /// What is empty.
        what: String,
    },
    /// A value is NaN or infinite.
    #[error(
        "non-finite value ({value}) in {} at row {} (counting from 1)",
        ellipsize(.what, 120),
        .row + 1
    )]
    NonFinite {
        /// Which input holds the value.
        what: String,
        /// Zero-based row index.
        row: usize,
        /// The offending value, as text.
        value: String,
    },
    /// A weight is negative.
    #[error(
        "negative sample weight {value} at row {} (counting from 1); weights must be zero or positive",
        .row + 1
    )]
    NegativeWeight {
        /// Zero-based row index.
        row: usize,
        /// The weight.
        value: f64,
    },
    /// Every weight is zero.
    #[error("all {rows} sample weights are zero; at least one must be positive")]
    ZeroWeights {
        /// Number of weights.
        rows: usize,
    },
    /// Weights so large that `rows` of the largest one sum past `f64::MAX`: weighted totals
    /// (and bootstrap resamples, which draw `rows` rows) could overflow.
    #[error(
        "sample weight {value} at row {} (counting from 1) is too large: {rows} weights of this size sum past the largest number (about 1.8e308); divide every weight by the same factor",
        .row + 1
    )]
    WeightsOverflow {
        /// Zero-based row of the largest weight.
        row: usize,
        /// The largest weight.
        value: f64,
        /// Number of weights.
        rows: usize,
    },
    /// The labels hold one class only, where both are needed.
    #[error("labels have a single class ({class}); both classes are needed{context}")]
    SingleClass {
        /// The one class present.
        class: String,
        /// Where it happened, e.g. `" in group sex=F"` (empty when global).
        context: String,
    },
    /// A label column with more than two distinct values.
    #[error("labels are not binary: found {found}")]
    NonBinaryLabels {
        /// The distinct values found (at most a few are listed).
        found: String,
    },
    /// Only one sensitive group exists, so no comparison is possible.
    #[error(
        "the sensitive column(s) {columns} hold a single group ({}); fairness needs at least two",
        quote(.group)
    )]
    SingleGroup {
        /// The sensitive column names, joined with `,`.
        columns: String,
        /// The single group.
        group: String,
    },
    /// A group that is needed has no rows.
    #[error("group {} has no rows{context}", quote(.group))]
    EmptyGroup {
        /// The group label.
        group: String,
        /// Where it happened.
        context: String,
    },
    /// A group seen at prediction time was not seen when fitting.
    #[error("group {} was not seen when fitting", quote(.group))]
    UnseenGroup {
        /// The group label.
        group: String,
    },
    /// A group with test rows but no training rows, which the method needs to treat it.
    #[error(
        "{location}group {} has {test_rows} test row(s) but no training rows, so {method} cannot learn how to treat it; add rows of this group to the training data, or leave its rows out",
        quote(.group)
    )]
    GroupNotInTraining {
        /// The group label, e.g. `sex=X`.
        group: String,
        /// The group's value in each sensitive column.
        values: Vec<String>,
        /// How many test rows it has.
        test_rows: usize,
        /// The method, as the user named it.
        method: String,
        /// Where its first row is, e.g. `data.csv: line 402, row 401: ` (empty when unknown).
        location: String,
    },
    /// A parameter is outside its allowed range.
    #[error("invalid parameter {name} = {}: {reason}", ellipsize(.value, 80))]
    InvalidParameter {
        /// The parameter name as the user knows it.
        name: String,
        /// Its value, as text.
        value: String,
        /// What is allowed.
        reason: String,
    },
    /// A learner was asked to honour sample weights but ignores them.
    #[error("learner {learner} ignores sample weights, so it cannot be refit by {method}")]
    IgnoresWeights {
        /// The learner.
        learner: String,
        /// The method that needs weights.
        method: String,
    },
    /// The feature matrices of fit and predict time differ in width.
    #[error("feature count mismatch: fitted on {expected} features, got {got}")]
    FeatureMismatch {
        /// Features at fit time.
        expected: usize,
        /// Features now.
        got: usize,
    },
    /// A fitted object read back (e.g. from a saved model file) contradicts itself: a table
    /// that does not fit the others, an index out of range, a probability outside `[0, 1]`.
    #[error("inconsistent {what}: {reason}")]
    Inconsistent {
        /// The object, e.g. `"disparate-impact remover"`.
        what: String,
        /// What does not fit.
        reason: String,
    },
    /// A fitted learner failed.
    #[error(transparent)]
    Learner(#[from] crate::LearnerError),
}

impl Error {
    /// Shorthand for [`Error::InvalidParameter`].
    pub fn invalid(name: &str, value: impl ToString, reason: &str) -> Self {
        Error::InvalidParameter {
            name: name.to_string(),
            value: value.to_string(),
            reason: reason.to_string(),
        }
    }

    /// An [`Error::InvalidParameter`] for a name that is not one of `candidates`, suggesting
    /// the closest one ([`crate::suggest::one_of`]).
    pub fn unknown(name: &str, value: &str, candidates: &[&str]) -> Self {
        Error::invalid(name, value, &crate::suggest::one_of(value, candidates))
    }

    /// Shorthand for [`Error::Inconsistent`].
    pub fn inconsistent(what: &str, reason: impl ToString) -> Self {
        Error::Inconsistent {
            what: what.to_string(),
            reason: reason.to_string(),
        }
    }

    /// Shorthand for [`Error::LengthMismatch`]; returns `Ok` when the lengths agree.
    pub fn check_len(what: &str, expected: usize, got: usize) -> Result<()> {
        if expected == got {
            Ok(())
        } else {
            Err(Error::LengthMismatch {
                what: what.to_string(),
                expected,
                got,
            })
        }
    }

    /// Shorthand for [`Error::FeatureMismatch`]; returns `Ok` when a predictor fitted on
    /// `expected` features is given `got`.
    pub fn check_features(expected: usize, got: usize) -> Result<()> {
        if expected == got {
            Ok(())
        } else {
            Err(Error::FeatureMismatch { expected, got })
        }
    }

    /// Checks sample weights, the rule every fairkit entry point applies: every weight finite
    /// and non-negative, and no overflow in any sum of as many weights as there are rows (so
    /// that weighted totals, and bootstrap resamples, which draw that many rows, stay finite):
    /// `rows × largest weight` must be finite. Weights are refused rather than rescaled, since
    /// learners' regularization depends on their scale. Where weights are read from a file,
    /// [`check_some_weight`](Self::check_some_weight) also refuses them all zero.
    ///
    /// # Errors
    /// [`Error::NonFinite`], [`Error::NegativeWeight`] or [`Error::WeightsOverflow`], naming the
    /// first offending row (the first largest weight for an overflow).
    pub fn check_weights(weights: &[f64]) -> Result<()> {
        let mut largest: Option<(usize, f64)> = None;
        for (row, &w) in weights.iter().enumerate() {
            if !w.is_finite() {
                return Err(Error::NonFinite {
                    what: "sample weights".into(),
                    row,
                    value: w.to_string(),
                });
            }
            if w < 0.0 {
                return Err(Error::NegativeWeight { row, value: w });
            }
            if largest.is_none_or(|(_, m)| w > m) {
                largest = Some((row, w));
            }
        }
        let rows = weights.len();
        match largest {
            Some((row, m)) if !(m * rows as f64).is_finite() => Err(Error::WeightsOverflow {
                row,
                value: m,
                rows,
            }),
            _ => Ok(()),
        }
    }

    /// Checks that at least one of `weights` is positive (an empty slice passes: there is
    /// nothing to weigh). Data that is weighed as a whole (a file's weights column, a learner's
    /// fit) needs it; a few rows of new data may all weigh zero.
    ///
    /// # Errors
    /// [`Error::ZeroWeights`].
    pub fn check_some_weight(weights: &[f64]) -> Result<()> {
        if !weights.is_empty() && weights.iter().all(|&w| w == 0.0) {
            return Err(Error::ZeroWeights {
                rows: weights.len(),
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weights_rule() {
        assert!(Error::check_weights(&[]).is_ok());
        assert!(Error::check_weights(&[0.0, 2.5, 1e300]).is_ok());
        assert_eq!(
            Error::check_weights(&[1.0, -0.5]),
            Err(Error::NegativeWeight {
                row: 1,
                value: -0.5
            })
        );
        assert!(matches!(
            Error::check_weights(&[1.0, f64::NAN]),
            Err(Error::NonFinite { row: 1, .. })
        ));
        // Two rows of 1e308 sum past f64::MAX; so would any resample drawing that row twice.
        assert_eq!(
            Error::check_weights(&[1.0, 1e308]),
            Err(Error::WeightsOverflow {
                row: 1,
                value: 1e308,
                rows: 2
            })
        );
        let half = f64::MAX / 2.0;
        assert!(Error::check_weights(&[half, half]).is_ok());
        assert_eq!([half, half].iter().sum::<f64>(), f64::MAX);
        assert_eq!(
            Error::check_some_weight(&[0.0, 0.0]),
            Err(Error::ZeroWeights { rows: 2 })
        );
        assert!(Error::check_some_weight(&[0.0, 1e-300]).is_ok());
        assert!(Error::check_some_weight(&[]).is_ok());
        assert_eq!(
            Error::ZeroWeights { rows: 2 }.to_string(),
            "all 2 sample weights are zero; at least one must be positive"
        );
        assert_eq!(
            Error::NegativeWeight {
                row: 150,
                value: -1.0
            }
            .to_string(),
            "negative sample weight -1 at row 151 (counting from 1); weights must be zero or \
             positive"
        );
    }
}
