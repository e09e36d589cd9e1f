//! Errors of the two-group post-processors (reject option, equalized odds, calibrated
//! equalized odds).

use fairkit_core::text::quote;
use thiserror::Error;

/// Why checking parameters, fitting or predicting a two-group post-processor failed.
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum PostprocessingMethodError {
    /// A parameter outside its range, or a name that is not known.
    #[error("invalid parameter {name} = {}: {reason}", quote(.value))]
    InvalidParameter {
        /// The parameter, as the user knows it.
        name: &'static str,
        /// Its value, as text.
        value: String,
        /// What is allowed.
        reason: String,
    },
    /// A name (disparity metric, cost constraint) that is not known.
    #[error("unknown {what} {}; expected one of: {expected}", quote(.name))]
    UnknownName {
        /// What was named.
        what: &'static str,
        /// The name given.
        name: String,
        /// The accepted names.
        expected: String,
    },
    /// The method compares exactly two groups, and the data has more.
    #[error(
        "this method compares a privileged and an unprivileged group, but the training rows hold more than two groups: {groups}"
    )]
    NotTwoGroups {
        /// The groups found.
        groups: String,
    },
    /// The privileged group named is not among the training groups.
    #[error("privileged group {} is not among the training groups ({groups})", quote(.name))]
    UnknownPrivileged {
        /// The name given.
        name: String,
        /// The groups found.
        groups: String,
    },
    /// Both groups have the same base rate, so the privileged one must be named.
    #[error(
        "groups {groups} have the same base rate {base_rate}: name the privileged group explicitly"
    )]
    PrivilegedTie {
        /// The two groups.
        groups: String,
        /// Their common base rate.
        base_rate: f64,
    },
    /// A group lacks one label class, so its rates conditioned on the label are undefined.
    #[error(
        "group {} has {positives} positive and {negatives} negative (weighted) training rows; both groups need both labels",
        quote(.group)
    )]
    DegenerateLabels {
        /// The group.
        group: String,
        /// Total weight of its label-1 rows.
        positives: f64,
        /// Total weight of its label-0 rows.
        negatives: f64,
    },
    /// A score outside `[0, 1]` where a probability is needed.
    #[error("score {score} at row {} (counting from 1) is not a probability in [0, 1]", .row + 1)]
    ScoreOutOfRange {
        /// Zero-based row.
        row: usize,
        /// The score.
        score: f64,
    },
    /// Calibrated equalized odds cannot move the cheaper group: mixing in its trivial
    /// classifier leaves its cost where it is.
    #[error(
        "group {}: its cost {cost} equals the cost of predicting its base rate for every row, so mixing cannot equalize the costs",
        quote(.group)
    )]
    CannotMix {
        /// The group that would need mixing.
        group: String,
        /// Its cost.
        cost: f64,
    },
    /// The equalized-odds linear program failed (it is always feasible and bounded: this is a
    /// numerical failure of the solver).
    #[error("the equalized-odds linear program failed: {message}")]
    LinearProgram {
        /// The solver's message.
        message: String,
    },
    /// Invalid input data (lengths, non-finite values, a single group, an unseen group, ...).
    #[error(transparent)]
    Core(#[from] fairkit_core::Error),
}

/// Result alias of the two-group post-processors.
pub type Result<T, E = PostprocessingMethodError> = std::result::Result<T, E>;
