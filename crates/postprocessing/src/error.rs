//! Errors of the threshold optimizer.

use thiserror::Error;

use crate::options::{Constraint, MAX_GRID_SIZE, Objective};

/// Invalid parameters, found before any data is read.
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum ThresholdOptimizerParamsError {
    /// The objective cannot be combined with the constraint (equalized odds allows only
    /// accuracy and balanced accuracy).
    #[error(
        "objective {objective} cannot be combined with constraint {constraint}; allowed objectives: {}",
        names(constraint.allowed_objectives())
    )]
    IncompatibleObjective {
        /// The constraint.
        constraint: Constraint,
        /// The objective.
        objective: Objective,
    },
    /// `tol` was given with equalized odds, whose solve has no relaxed form.
    #[error(
        "tol = {tol} cannot be used with equalized_odds: the relaxed solve exists only for the one-rate constraints"
    )]
    TolWithEqualizedOdds {
        /// The tolerance given.
        tol: f64,
    },
    /// `tol` is negative, NaN or infinite.
    #[error("invalid tol {tol}: it must be a finite number >= 0")]
    InvalidTol {
        /// The tolerance given.
        tol: f64,
    },
    /// `grid_size` is 0 or too large.
    #[error(
        "invalid grid_size {grid_size}: it is the number of grid intervals and must be between 1 and {max}",
        max = MAX_GRID_SIZE
    )]
    InvalidGridSize {
        /// The grid size given.
        grid_size: usize,
    },
    /// A constraint name that is not known.
    #[error(
        "unknown constraint {name:?}{}; expected one of: {}",
        fairkit_core::suggest::hint(name, &Constraint::ALL.map(|c| c.name())),
        Constraint::ALL.iter().map(|c| c.name()).collect::<Vec<_>>().join(", ")
    )]
    UnknownConstraint {
        /// The name given.
        name: String,
    },
    /// An objective name that is not known.
    #[error(
        "unknown objective {name:?}{}; expected one of: {}",
        fairkit_core::suggest::hint(name, &Objective::ALL.map(|o| o.name())),
        names(&Objective::ALL)
    )]
    UnknownObjective {
        /// The name given.
        name: String,
    },
}

fn names(objectives: &[Objective]) -> String {
    objectives
        .iter()
        .map(|o| o.name())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Why fitting failed (predicting fails only on input problems, [`fairkit_core::Error`]).
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum PostprocessingError {
    /// Invalid parameters.
    #[error(transparent)]
    Params(#[from] ThresholdOptimizerParamsError),
    /// A group has rows of one label class only (or zero total weight on a class), so its
    /// rates conditioned on the label are undefined. Fairlearn raises the same error for every
    /// constraint, demographic parity included.
    #[error(
        "Degenerate labels for sensitive feature value {group}: it has {positives} positive and {negatives} negative (weighted) rows; every group needs both labels"
    )]
    DegenerateLabels {
        /// The group, as `column=value`.
        group: String,
        /// Total weight (row count when unweighted) of its label-1 rows.
        positives: f64,
        /// Total weight (row count when unweighted) of its label-0 rows.
        negatives: f64,
    },
    /// Every score of a group is the same, so no threshold separates its rows: the only rules
    /// left are "all 0" and "all 1", and the optimizer would randomize blindly within the group.
    #[error(
        "all {rows} scores of group {group} equal {score}: thresholds cannot rank its rows; use a model score that varies within every group"
    )]
    ConstantScores {
        /// The group, as `column=value`.
        group: String,
        /// Its number of rows.
        rows: usize,
        /// The one score.
        score: f64,
    },
    /// Invalid input data (lengths, non-finite scores, a single group, an unseen group at
    /// prediction time, ...).
    #[error(transparent)]
    Core(#[from] fairkit_core::Error),
}

/// Result alias of this crate.
pub type Result<T, E = PostprocessingError> = std::result::Result<T, E>;
