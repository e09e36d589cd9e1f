use thiserror::Error;

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
    #[error("non-finite value ({value}) in {what} at row {row}")]
    NonFinite {
        /// Which input holds the value.
        what: String,
        /// Zero-based row index.
        row: usize,
        /// The offending value, as text.
        value: String,
    },
    /// A weight is negative.
    #[error("negative sample weight {value} at row {row}")]
    NegativeWeight {
        /// Zero-based row index.
        row: usize,
        /// The weight.
        value: f64,
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
        "the sensitive column(s) {columns} hold a single group ({group}); fairness needs at least two"
    )]
    SingleGroup {
        /// The sensitive column names, joined with `,`.
        columns: String,
        /// The single group.
        group: String,
    },
    /// A group that is needed has no rows.
    #[error("group {group} has no rows{context}")]
    EmptyGroup {
        /// The group label.
        group: String,
        /// Where it happened.
        context: String,
    },
    /// A group seen at prediction time was not seen when fitting.
    #[error("group {group} was not seen when fitting")]
    UnseenGroup {
        /// The group label.
        group: String,
    },
    /// A parameter is outside its allowed range.
    #[error("invalid parameter {name} = {value}: {reason}")]
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

    /// Checks that every value is finite and every weight non-negative.
    pub fn check_weights(weights: &[f64]) -> Result<()> {
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
        }
        Ok(())
    }
}
