use fairkit_core::LearnerError;
use thiserror::Error;

/// Result alias with [`ReductionsError`].
pub type Result<T, E = ReductionsError> = std::result::Result<T, E>;

/// What can go wrong when loading a moment, fitting a reduction or predicting with one.
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum ReductionsError {
    /// Invalid input or parameters: a bound or `eps` out of range, a group with a single label
    /// class where the constraint needs both, a learner that ignores weights, a group unseen in
    /// training, mismatched lengths.
    #[error(transparent)]
    Core(#[from] fairkit_core::Error),
    /// The base learner failed on one of the reweighted problems.
    #[error("the base learner failed: {0}")]
    Learner(#[from] LearnerError),
    /// The linear program over the hypotheses found (docs/reductions.md#lp-step) could not be
    /// solved. The problem is always feasible and bounded, so this means a numerical failure of the
    /// solver.
    #[error("the linear program over the hypotheses failed: {reason}")]
    LinearProgram {
        /// The solver's message.
        reason: String,
    },
}
