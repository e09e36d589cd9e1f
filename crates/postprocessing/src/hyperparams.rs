//! Parameters of the threshold optimizer: the unchecked builder and the checked values.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::ThresholdOptimizerParamsError;

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

impl FromStr for Constraint {
    type Err = ThresholdOptimizerParamsError;

    /// Parses Fairlearn's names; `selection_rate_parity` is accepted for demographic parity.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s == "selection_rate_parity" {
            return Ok(Constraint::DemographicParity);
        }
        Constraint::ALL
            .into_iter()
            .find(|c| c.name() == s)
            .ok_or_else(|| ThresholdOptimizerParamsError::UnknownConstraint { name: s.into() })
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

impl FromStr for Objective {
    type Err = ThresholdOptimizerParamsError;

    /// Parses Fairlearn's names; `accuracy` and `balanced_accuracy` are accepted too.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "accuracy" => return Ok(Objective::Accuracy),
            "balanced_accuracy" => return Ok(Objective::BalancedAccuracy),
            _ => {}
        }
        Objective::ALL
            .into_iter()
            .find(|o| o.name() == s)
            .ok_or_else(|| ThresholdOptimizerParamsError::UnknownObjective { name: s.into() })
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

/// Checked parameters of the threshold optimizer; fit with
/// [`fit`](ThresholdOptimizerValidParams::fit) or
/// [`fit_scores`](ThresholdOptimizerValidParams::fit_scores).
///
/// | name | default | purpose | range |
/// |---|---|---|---|
/// | `constraint` | [`Constraint::DemographicParity`] | the rate equalized across groups | any [`Constraint`] |
/// | `objective` | [`Objective::Accuracy`] | what is maximized on the fitting data | [`Constraint::allowed_objectives`] |
/// | `grid_size` | 1000 | number of grid intervals over the constraint rate | `1..=`[`MAX_GRID_SIZE`] |
/// | `flip` | `false` | also consider "score below the threshold ⇒ 1" rules | |
/// | `tol` | `None` (strict) | largest allowed spread of the groups' constraint rates | finite, `≥ 0`; not with equalized odds |
/// | `unseen_groups` | [`UnseenGroupPolicy::Error`] | prediction for groups without training rows | |
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ThresholdOptimizerValidParams {
    pub(crate) constraint: Constraint,
    pub(crate) objective: Objective,
    pub(crate) grid_size: usize,
    pub(crate) flip: bool,
    pub(crate) tol: Option<f64>,
    pub(crate) unseen_groups: UnseenGroupPolicy,
}

impl Default for ThresholdOptimizerValidParams {
    fn default() -> Self {
        Self {
            constraint: Constraint::DemographicParity,
            objective: Objective::Accuracy,
            grid_size: 1000,
            flip: false,
            tol: None,
            unseen_groups: UnseenGroupPolicy::Error,
        }
    }
}

impl ThresholdOptimizerValidParams {
    /// The constraint.
    pub fn constraint(&self) -> Constraint {
        self.constraint
    }

    /// The objective.
    pub fn objective(&self) -> Objective {
        self.objective
    }

    /// The number of grid intervals.
    pub fn grid_size(&self) -> usize {
        self.grid_size
    }

    /// Whether flipped rules are considered.
    pub fn flip(&self) -> bool {
        self.flip
    }

    /// The relaxation tolerance, `None` when strict.
    pub fn tol(&self) -> Option<f64> {
        self.tol
    }

    /// The unseen-group policy.
    pub fn unseen_groups(&self) -> UnseenGroupPolicy {
        self.unseen_groups
    }
}

/// Unchecked parameters of the threshold optimizer: a consuming builder (linfa's idiom).
/// [`check`](Self::check) validates them; the fit methods check them first.
///
/// ```
/// use fairkit_postprocessing::{Constraint, Objective, ThresholdOptimizerParams};
///
/// let params = ThresholdOptimizerParams::new()
///     .constraint(Constraint::EqualizedOdds)
///     .objective(Objective::BalancedAccuracy)
///     .grid_size(500);
/// assert!(params.check().is_ok());
/// let bad = ThresholdOptimizerParams::new().constraint(Constraint::EqualizedOdds).tol(0.05);
/// assert!(bad.check().is_err());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ThresholdOptimizerParams(pub(crate) ThresholdOptimizerValidParams);

impl ThresholdOptimizerParams {
    /// Fairlearn's defaults: demographic parity, accuracy, a grid of 1000 intervals, no flip,
    /// strict, unseen groups are an error.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the constraint.
    pub fn constraint(mut self, constraint: Constraint) -> Self {
        self.0.constraint = constraint;
        self
    }

    /// Sets the objective.
    pub fn objective(mut self, objective: Objective) -> Self {
        self.0.objective = objective;
        self
    }

    /// Sets the number of grid intervals (the grid has `grid_size + 1` points).
    pub fn grid_size(mut self, grid_size: usize) -> Self {
        self.0.grid_size = grid_size;
        self
    }

    /// Also considers flipped rules ("score below the threshold ⇒ 1").
    pub fn flip(mut self, flip: bool) -> Self {
        self.0.flip = flip;
        self
    }

    /// Relaxes the constraint: the groups' constraint rates may differ by at most `tol`
    /// (docs/threshold-optimizer.md#relaxed-constraints). As in Fairlearn, `tol = 0` is the strict
    /// solve.
    pub fn tol(mut self, tol: f64) -> Self {
        self.0.tol = Some(tol);
        self
    }

    /// Back to the strict constraint (no `tol`).
    pub fn strict(mut self) -> Self {
        self.0.tol = None;
        self
    }

    /// Sets what prediction does for groups without training rows.
    pub fn unseen_groups(mut self, policy: UnseenGroupPolicy) -> Self {
        self.0.unseen_groups = policy;
        self
    }

    /// Validates the parameters.
    ///
    /// # Errors
    /// An objective the constraint does not allow, `tol` with equalized odds, a negative or
    /// non-finite `tol`, `grid_size` 0 or above [`MAX_GRID_SIZE`].
    pub fn check_ref(
        &self,
    ) -> Result<&ThresholdOptimizerValidParams, ThresholdOptimizerParamsError> {
        let p = &self.0;
        if !p.constraint.allowed_objectives().contains(&p.objective) {
            return Err(ThresholdOptimizerParamsError::IncompatibleObjective {
                constraint: p.constraint,
                objective: p.objective,
            });
        }
        if let Some(tol) = p.tol {
            if p.constraint == Constraint::EqualizedOdds {
                return Err(ThresholdOptimizerParamsError::TolWithEqualizedOdds { tol });
            }
            if !(tol.is_finite() && tol >= 0.0) {
                return Err(ThresholdOptimizerParamsError::InvalidTol { tol });
            }
        }
        if p.grid_size == 0 || p.grid_size > MAX_GRID_SIZE {
            return Err(ThresholdOptimizerParamsError::InvalidGridSize {
                grid_size: p.grid_size,
            });
        }
        Ok(p)
    }

    /// Validates the parameters and returns the checked values.
    ///
    /// # Errors
    /// As [`check_ref`](Self::check_ref).
    pub fn check(self) -> Result<ThresholdOptimizerValidParams, ThresholdOptimizerParamsError> {
        self.check_ref()?;
        Ok(self.0)
    }
}
