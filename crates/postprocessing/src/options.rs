//! The choices of the threshold optimizer: the constraint, the objective, what prediction does
//! for unseen groups, and the rates they name.

use std::fmt;

use serde::{Deserialize, Serialize};

/// The fairness constraint: which rate must be equal across groups
/// (docs/threshold-optimizer.md#parameters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Constraint {
    /// Equal selection rates `P(ŷ = 1 | group)` (synonym `selection_rate_parity`).
    DemographicParity,
    /// Equal true positive rates (equal opportunity).
    TruePositiveRateParity,
    /// Equal false positive rates.
    FalsePositiveRateParity,
    /// Equal true negative rates.
    TrueNegativeRateParity,
    /// Equal false negative rates.
    FalseNegativeRateParity,
    /// Equal true positive **and** false positive rates
    /// (docs/threshold-optimizer.md#equalized-odds).
    EqualizedOdds,
}

impl Constraint {
    /// Every constraint, in documentation order.
    pub const ALL: [Constraint; 6] = [
        Constraint::DemographicParity,
        Constraint::TruePositiveRateParity,
        Constraint::FalsePositiveRateParity,
        Constraint::TrueNegativeRateParity,
        Constraint::FalseNegativeRateParity,
        Constraint::EqualizedOdds,
    ];

    /// Fairlearn's name, e.g. `"demographic_parity"`.
    pub fn name(self) -> &'static str {
        match self {
            Constraint::DemographicParity => "demographic_parity",
            Constraint::TruePositiveRateParity => "true_positive_rate_parity",
            Constraint::FalsePositiveRateParity => "false_positive_rate_parity",
            Constraint::TrueNegativeRateParity => "true_negative_rate_parity",
            Constraint::FalseNegativeRateParity => "false_negative_rate_parity",
            Constraint::EqualizedOdds => "equalized_odds",
        }
    }

    /// The objectives this constraint can be combined with.
    pub fn allowed_objectives(self) -> &'static [Objective] {
        match self {
            Constraint::EqualizedOdds => &[Objective::Accuracy, Objective::BalancedAccuracy],
            _ => &Objective::ALL,
        }
    }

    /// The rate each group must share, for the simple (one-rate) constraints.
    pub(crate) fn rate(self) -> Option<Measure> {
        match self {
            Constraint::DemographicParity => Some(Measure::SelectionRate),
            Constraint::TruePositiveRateParity => Some(Measure::TruePositiveRate),
            Constraint::FalsePositiveRateParity => Some(Measure::FalsePositiveRate),
            Constraint::TrueNegativeRateParity => Some(Measure::TrueNegativeRate),
            Constraint::FalseNegativeRateParity => Some(Measure::FalseNegativeRate),
            Constraint::EqualizedOdds => None,
        }
    }
}

impl fmt::Display for Constraint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What the optimizer maximizes on the training data (docs/threshold-optimizer.md#parameters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Objective {
    /// Accuracy (`accuracy_score`).
    #[serde(rename = "accuracy_score")]
    Accuracy,
    /// Balanced accuracy `(TPR + TNR) / 2` (`balanced_accuracy_score`).
    #[serde(rename = "balanced_accuracy_score")]
    BalancedAccuracy,
    /// The selection rate.
    #[serde(rename = "selection_rate")]
    SelectionRate,
    /// The true positive rate.
    #[serde(rename = "true_positive_rate")]
    TruePositiveRate,
    /// The true negative rate.
    #[serde(rename = "true_negative_rate")]
    TrueNegativeRate,
}

impl Objective {
    /// Every objective.
    pub const ALL: [Objective; 5] = [
        Objective::Accuracy,
        Objective::BalancedAccuracy,
        Objective::SelectionRate,
        Objective::TruePositiveRate,
        Objective::TrueNegativeRate,
    ];

    /// Fairlearn's name, e.g. `"accuracy_score"`.
    pub fn name(self) -> &'static str {
        match self {
            Objective::Accuracy => "accuracy_score",
            Objective::BalancedAccuracy => "balanced_accuracy_score",
            Objective::SelectionRate => "selection_rate",
            Objective::TruePositiveRate => "true_positive_rate",
            Objective::TrueNegativeRate => "true_negative_rate",
        }
    }

    pub(crate) fn rate(self) -> Measure {
        match self {
            Objective::Accuracy => Measure::Accuracy,
            Objective::BalancedAccuracy => Measure::BalancedAccuracy,
            Objective::SelectionRate => Measure::SelectionRate,
            Objective::TruePositiveRate => Measure::TruePositiveRate,
            Objective::TrueNegativeRate => Measure::TrueNegativeRate,
        }
    }
}

impl fmt::Display for Objective {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What prediction does for a group that had no training rows
/// (docs/threshold-optimizer.md#unseen-groups).
///
/// Fairlearn silently predicts 0 for such rows; fairkit refuses by default, because a rule
/// that was never fitted for a group says nothing about it (Fairlearn maintainers agree, #958).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnseenGroupPolicy {
    /// Prediction fails with an error naming the group.
    #[default]
    Error,
    /// The group's rows get probability 0 (Fairlearn's behaviour).
    Zero,
    /// The group's rows follow a rule fitted on all training rows pooled, at the same
    /// constraint value as the fitted groups (for the relaxed solve, the grid point nearest the
    /// group-share weighted mean of the groups' values; for equalized odds, moved towards the
    /// common true positive rate as far as mixing with the constant predictor allows). It costs
    /// one more sort of the training scores at fit time.
    Overall,
}

/// The rates of docs/metrics.md#per-group-rates, on the counts of one threshold rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Measure {
    SelectionRate,
    TruePositiveRate,
    FalsePositiveRate,
    TrueNegativeRate,
    FalseNegativeRate,
    Accuracy,
    BalancedAccuracy,
}

/// The largest accepted `grid_size`: the fit keeps `grid_size + 1` interpolated points per group.
pub const MAX_GRID_SIZE: usize = 10_000_000;
