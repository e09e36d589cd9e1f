//! Parameters of the threshold optimizer: the unchecked builder and the checked values.

use std::str::FromStr;

use linfa::ParamGuard;
use serde::{Deserialize, Serialize};

use crate::error::ThresholdOptimizerParamsError;
use crate::options::{Constraint, MAX_GRID_SIZE, Objective, UnseenGroupPolicy};

/// Checked parameters of the threshold optimizer; fit with [`FitThresholds::fit`] or
/// [`FitThresholds::fit_scores`].
///
/// [`FitThresholds::fit`]: crate::FitThresholds::fit
/// [`FitThresholds::fit_scores`]: crate::FitThresholds::fit_scores
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
/// [`check`](ParamGuard::check) validates them into [`ThresholdOptimizerValidParams`]; the fit
/// methods of [`FitThresholds`](crate::FitThresholds) check them first.
///
/// ```
/// use fairkit_postprocessing::{Constraint, Objective, ParamGuard, ThresholdOptimizerParams};
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
}

impl ParamGuard for ThresholdOptimizerParams {
    type Checked = ThresholdOptimizerValidParams;
    type Error = ThresholdOptimizerParamsError;

    /// Validates the parameters.
    ///
    /// # Errors
    /// An objective the constraint does not allow, `tol` with equalized odds, a negative or
    /// non-finite `tol`, `grid_size` 0 or above [`MAX_GRID_SIZE`].
    fn check_ref(&self) -> Result<&ThresholdOptimizerValidParams, ThresholdOptimizerParamsError> {
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

    fn check(self) -> Result<ThresholdOptimizerValidParams, ThresholdOptimizerParamsError> {
        self.check_ref()?;
        Ok(self.0)
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
