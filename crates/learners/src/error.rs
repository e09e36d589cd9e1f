use thiserror::Error;

/// Result alias with this crate's [`LearnersError`].
pub type Result<T, E = LearnersError> = std::result::Result<T, E>;

/// Why a learner could not be configured or fitted.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum LearnersError {
    /// Invalid input or parameters (shapes, non-finite values, weights, a single label class).
    #[error(transparent)]
    Core(#[from] fairkit_core::Error),
    /// linfa rejected the data or the parameters.
    #[error(transparent)]
    Linfa(#[from] linfa::Error),
    /// linfa-logistic failed.
    #[error(transparent)]
    LinfaLogistic(#[from] linfa_logistic::error::Error),
    /// The logistic regression's solver failed.
    #[error("the {solver} solver failed: {message}")]
    Solver {
        /// Which solver: `"L-BFGS"` (argmin) or `"Newton-Cholesky"`.
        solver: &'static str,
        /// The solver's message.
        message: String,
    },
    /// A library fit failed in a way it reports only as a panic (guarded, never propagated).
    #[error("{learner} failed internally: {message}")]
    Internal {
        /// The library, e.g. `"linfa-trees"`.
        learner: String,
        /// The panic message.
        message: String,
    },
    /// The gradient boosting library (forust-ml) failed.
    #[error("gradient boosting failed: {message}")]
    Boosting {
        /// forust-ml's message.
        message: String,
    },
}
