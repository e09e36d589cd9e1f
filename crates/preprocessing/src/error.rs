use thiserror::Error;

/// Result alias with [`PreprocessingError`].
pub type Result<T, E = PreprocessingError> = std::result::Result<T, E>;

/// What went wrong when fitting or applying a pre-processing mitigation.
///
/// Input problems shared with the rest of fairkit (no rows, a single group or class, a
/// parameter out of range, an unseen group, a feature count that differs, a learner that ignores
/// weights) are the wrapped [`fairkit_core::Error`]; the variants here are specific to this crate.
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum PreprocessingError {
    /// An input problem described by the shared error.
    #[error(transparent)]
    Core(#[from] fairkit_core::Error),
    /// A stratum of the disparate-impact remover holds a single row. Its quantile table would
    /// have one entry, which forces a single quantile bucket for every feature and collapses each
    /// repaired feature to one value, so this is refused.
    #[error(
        "group {group} has a single row; the disparate-impact remover needs at least two rows per group"
    )]
    SingleRowGroup {
        /// The group (or, with AIF360 binning, the stratum's groups joined with `|`).
        group: String,
    },
    /// A row falls in a (group, label) cell that had no weight when reweighing was fitted, so its
    /// factor is undefined.
    #[error(
        "the cell (group {group}, label {label}) had no weight when reweighing was fitted, so it has no factor"
    )]
    EmptyCell {
        /// The group label.
        group: String,
        /// The label, 0 or 1.
        label: u8,
    },
    /// The method takes exactly two groups (a privileged and an unprivileged one).
    #[error("{method} needs exactly two groups with rows; the data has {found}: {groups}")]
    NotTwoGroups {
        /// The method, e.g. `"massaging"`.
        method: String,
        /// How many groups have rows.
        found: usize,
        /// Their labels, quoted and joined with `, ` (the first ten).
        groups: String,
    },
    /// The method does not take sample weights.
    #[error("{method} does not take sample weights: {reason}; drop the weights")]
    WeightsRefused {
        /// The method.
        method: String,
        /// Why.
        reason: String,
    },
    /// An optimizer failed (a non-finite objective, a line search that cannot start).
    #[error("{method}: the optimizer failed: {message}")]
    Optimizer {
        /// The method.
        method: String,
        /// The optimizer's message.
        message: String,
    },
}

impl From<fairkit_core::LearnerError> for PreprocessingError {
    fn from(e: fairkit_core::LearnerError) -> Self {
        PreprocessingError::Core(e.into())
    }
}

/// Checks that a mixing parameter (`repair_level`, `alpha`) lies in `[0, 1]`; NaN is refused.
pub(crate) fn check_unit(name: &str, value: f64) -> fairkit_core::Result<()> {
    if (0.0..=1.0).contains(&value) {
        Ok(())
    } else {
        Err(fairkit_core::Error::invalid(
            name,
            value,
            "must be in [0, 1]",
        ))
    }
}
