//! Calibrated equalized odds (Pleiss, Raghavan, Wu, Kleinberg and Weinberger 2017), as AIF360's
//! `CalibratedEqOddsPostprocessing`: docs/postprocessing-aif360.md#calibrated-eq-odds.

use fairkit_core::Groups;
use linfa::ParamGuard;
use serde::{Deserialize, Serialize};

use crate::two_group_error::{PostprocessingMethodError, Result};
use crate::two_groups::{
    FitTwoGroups, GroupPair, check_inputs, check_scores, confusion, require_both_labels,
};

/// Which generalized error rate calibrated equalized odds equalizes across the groups.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CostConstraint {
    /// The generalized false negative rate `Σ_{y=1} (1 − s) / #positives`.
    Fnr,
    /// The generalized false positive rate `Σ_{y=0} s / #negatives`.
    Fpr,
    /// `½·GFPR·(1 − base rate) + ½·GFNR·base rate` (AIF360's default).
    Weighted,
}

impl CostConstraint {
    /// Every cost constraint.
    pub const ALL: [CostConstraint; 3] = [
        CostConstraint::Fnr,
        CostConstraint::Fpr,
        CostConstraint::Weighted,
    ];

    /// AIF360's name: `fnr`, `fpr` or `weighted`.
    pub fn name(self) -> &'static str {
        match self {
            CostConstraint::Fnr => "fnr",
            CostConstraint::Fpr => "fpr",
            CostConstraint::Weighted => "weighted",
        }
    }
}

impl std::fmt::Display for CostConstraint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for CostConstraint {
    type Err = PostprocessingMethodError;

    fn from_str(s: &str) -> Result<Self> {
        CostConstraint::ALL
            .into_iter()
            .find(|c| c.name() == s)
            .ok_or_else(|| PostprocessingMethodError::UnknownName {
                what: "cost constraint",
                name: s.to_string(),
                expected: CostConstraint::ALL.map(|c| c.name()).join(", "),
            })
    }
}

/// Checked parameters of calibrated equalized odds; fit with [`FitTwoGroups::fit_scores`].
///
/// | name | default (AIF360) | purpose |
/// |---|---|---|
/// | `cost_constraint` | [`CostConstraint::Weighted`] | the generalized rate equalized |
/// | `threshold` | 0.5 | a (possibly replaced) score gives label 1 iff it is `≥ threshold` |
/// | `privileged` | `None`: the group with the higher base rate | the privileged group's label |
///
/// Scores must be probabilities in `[0, 1]` (the method assumes calibrated scores).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CalibratedEqOddsValidParams {
    cost_constraint: CostConstraint,
    threshold: f64,
    privileged: Option<String>,
}

impl Default for CalibratedEqOddsValidParams {
    fn default() -> Self {
        Self {
            cost_constraint: CostConstraint::Weighted,
            threshold: 0.5,
            privileged: None,
        }
    }
}

/// Unchecked parameters of calibrated equalized odds (linfa's builder idiom).
///
/// ```
/// use fairkit_core::Groups;
/// use fairkit_postprocessing::{FitTwoGroups, CalibratedEqOddsParams, CostConstraint};
///
/// let scores = [0.9, 0.7, 0.6, 0.2, 0.8, 0.3, 0.4, 0.1];
/// let labels = [true, true, false, false, true, true, false, false];
/// let groups = Groups::from_labels("g", &["a", "a", "a", "a", "b", "b", "b", "b"])?;
/// let fitted = CalibratedEqOddsParams::new()
///     .cost_constraint(CostConstraint::Fnr)
///     .privileged("a")
///     .fit_scores(&scores, &labels, &groups, None)?;
/// // Group a misses fewer positives (GFNR 0.2 against 0.45): its scores are mixed with its
/// // base rate, which raises its cost towards b's.
/// assert_eq!(fitted.mix_rates()[0], 0.0);
/// assert!(fitted.mix_rates()[1] > 0.0);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct CalibratedEqOddsParams(CalibratedEqOddsValidParams);

impl CalibratedEqOddsParams {
    /// AIF360's defaults (see [`CalibratedEqOddsValidParams`]).
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the cost constraint.
    pub fn cost_constraint(mut self, c: CostConstraint) -> Self {
        self.0.cost_constraint = c;
        self
    }

    /// Sets the score threshold of the final labels.
    pub fn threshold(mut self, threshold: f64) -> Self {
        self.0.threshold = threshold;
        self
    }

    /// Names the privileged group (its label); by default the group with the higher base rate.
    pub fn privileged(mut self, label: impl Into<String>) -> Self {
        self.0.privileged = Some(label.into());
        self
    }
}

impl ParamGuard for CalibratedEqOddsParams {
    type Checked = CalibratedEqOddsValidParams;
    type Error = PostprocessingMethodError;

    fn check_ref(&self) -> Result<&CalibratedEqOddsValidParams> {
        if !(0.0..=1.0).contains(&self.0.threshold) {
            return Err(PostprocessingMethodError::InvalidParameter {
                name: "threshold",
                value: self.0.threshold.to_string(),
                reason: "must be in [0, 1]".into(),
            });
        }
        Ok(&self.0)
    }

    fn check(self) -> Result<CalibratedEqOddsValidParams> {
        self.check_ref()?;
        Ok(self.0)
    }
}

/// Generalized rates of one group: (base rate, GFPR, GFNR), weighted.
fn generalized(
    scores: &[f64],
    labels: &[bool],
    sides: &[bool],
    weights: Option<&[f64]>,
    side: bool,
    constant: Option<f64>,
) -> (f64, f64, f64) {
    let (mut pos, mut neg, mut gfp, mut gfn) = (0.0, 0.0, 0.0, 0.0);
    for i in 0..scores.len() {
        if sides[i] != side {
            continue;
        }
        let w = weights.map_or(1.0, |w| w[i]);
        let s = constant.unwrap_or(scores[i]);
        if labels[i] {
            pos += w;
            gfn += w * (1.0 - s);
        } else {
            neg += w;
            gfp += w * s;
        }
    }
    (pos / (pos + neg), gfp / neg, gfn / pos)
}

impl FitTwoGroups for CalibratedEqOddsValidParams {
    type Fitted = CalibratedEqOdds;

    /// Fits the mixing rates on the fitting rows (AIF360's operations): each group's cost
    /// (by [`CostConstraint`]) for its scores and for its trivial classifier (every score
    /// replaced by the group's base rate); the group that costs more keeps its scores
    /// (mixing rate 0); the cheaper one's rate is `(cost_other − cost_own) / (trivial_own −
    /// cost_own)`, the share of its rows to replace so that its cost rises to the other's. Sample weights weight every rate and base rate, as AIF360's instance
    /// weights do.
    ///
    /// The rate is kept as computed, also above 1 (AIF360 does not cap it either): a row is
    /// replaced with probability `min(rate, 1)`, and a rate above 1 means that even replacing
    /// every row of the group leaves the costs unequal ([`CalibratedEqOdds::costs_equalized`]).
    ///
    /// # Errors
    /// Lengths that differ, no rows, a score outside `[0, 1]`, invalid weights, a number of
    /// groups other than two, an unknown privileged group, a group lacking a label class, a
    /// cheaper group whose trivial classifier costs as much as its scores
    /// ([`PostprocessingMethodError::CannotMix`]).
    fn fit_scores(
        &self,
        scores: &[f64],
        labels: &[bool],
        groups: &Groups,
        weights: Option<&[f64]>,
    ) -> Result<CalibratedEqOdds> {
        check_inputs(scores, labels, groups, weights, true)?;
        let pair = GroupPair::resolve(groups, labels, weights, self.privileged.as_deref())?;
        let sides = pair.sides(groups)?;
        let mut base_rate = [0.0; 2];
        let mut cost = [0.0; 2];
        let mut trivial = [0.0; 2];
        // Predicting the labels themselves counts every group's positives and negatives.
        let counts = confusion(labels.iter().copied(), labels, &sides, weights);
        require_both_labels(&pair, &counts)?;
        for side in [false, true] {
            let k = usize::from(side);
            let (br, gfpr, gfnr) = generalized(scores, labels, &sides, weights, side, None);
            let (_, tgfpr, tgfnr) = generalized(scores, labels, &sides, weights, side, Some(br));
            base_rate[k] = br;
            cost[k] = self.cost(br, gfpr, gfnr);
            trivial[k] = self.cost(br, tgfpr, tgfnr);
        }
        let [unpriv, priv_] = [0, 1];
        let mut mix = [0.0; 2];
        let mixed = if cost[unpriv] > cost[priv_] {
            // (unpriv_cost − priv_cost) / (priv_trivial_cost − priv_cost)
            mix[priv_] = (cost[unpriv] - cost[priv_]) / (trivial[priv_] - cost[priv_]);
            priv_
        } else {
            mix[unpriv] = (cost[priv_] - cost[unpriv]) / (trivial[unpriv] - cost[unpriv]);
            unpriv
        };
        if !mix[mixed].is_finite() {
            let group = if mixed == priv_ {
                &pair.privileged
            } else {
                &pair.unprivileged
            };
            return Err(PostprocessingMethodError::CannotMix {
                group: group.clone(),
                cost: cost[mixed],
            });
        }
        Ok(CalibratedEqOdds {
            groups: pair,
            cost_constraint: self.cost_constraint,
            threshold: self.threshold,
            base_rates: base_rate,
            costs: cost,
            trivial_costs: trivial,
            mix_rates: mix,
        })
    }
}

impl CalibratedEqOddsValidParams {
    fn cost(&self, base_rate: f64, gfpr: f64, gfnr: f64) -> f64 {
        match self.cost_constraint {
            CostConstraint::Fpr => gfpr,
            CostConstraint::Fnr => gfnr,
            // AIF360's weighted_cost with fp_rate = fn_rate = 1 (norm_const 2).
            CostConstraint::Weighted => {
                1.0 / 2.0 * gfpr * (1.0 - base_rate) + 1.0 / 2.0 * gfnr * base_rate
            }
        }
    }
}

/// Fitted calibrated equalized odds: per group, the probability of replacing a row's score by
/// the group's base rate (docs/postprocessing-aif360.md#calibrated-eq-odds). Randomized.
///
/// Arrays are indexed `[unprivileged, privileged]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CalibratedEqOdds {
    groups: GroupPair,
    cost_constraint: CostConstraint,
    threshold: f64,
    base_rates: [f64; 2],
    costs: [f64; 2],
    trivial_costs: [f64; 2],
    mix_rates: [f64; 2],
}

impl CalibratedEqOdds {
    /// The privileged and unprivileged group.
    pub fn groups(&self) -> &GroupPair {
        &self.groups
    }

    /// The cost constraint.
    pub fn cost_constraint(&self) -> CostConstraint {
        self.cost_constraint
    }

    /// The fitted mixing rates `[unprivileged, privileged]`, as computed (may exceed 1).
    pub fn mix_rates(&self) -> [f64; 2] {
        self.mix_rates
    }

    /// The probability that a row's score is replaced: the mixing rate clipped to `[0, 1]`.
    pub fn replacement_probabilities(&self) -> [f64; 2] {
        self.mix_rates.map(|r| r.clamp(0.0, 1.0))
    }

    /// The training base rates `[unprivileged, privileged]` (the trivial classifiers' scores).
    pub fn base_rates(&self) -> [f64; 2] {
        self.base_rates
    }

    /// The groups' costs on the fitting rows `[unprivileged, privileged]`.
    pub fn costs(&self) -> [f64; 2] {
        self.costs
    }

    /// The trivial classifiers' costs `[unprivileged, privileged]`.
    pub fn trivial_costs(&self) -> [f64; 2] {
        self.trivial_costs
    }

    /// Whether the mixing equalizes the costs on the fitting rows: both rates are within
    /// `[0, 1]`.
    pub fn costs_equalized(&self) -> bool {
        self.mix_rates.iter().all(|r| (0.0..=1.0).contains(r))
    }

    /// The probability of label 1 of every row:
    /// `(1 − e_g)·[s ≥ threshold] + e_g·[base_rate_g ≥ threshold]`, `e_g` the replacement
    /// probability of its group.
    ///
    /// # Errors
    /// Lengths that differ, a score outside `[0, 1]`, a group other than the two fitted.
    pub fn probability(&self, scores: &[f64], groups: &Groups) -> Result<Vec<f64>> {
        fairkit_core::Error::check_len("groups", scores.len(), groups.len())?;
        check_scores(scores, true)?;
        let sides = self.groups.sides(groups)?;
        let e = self.replacement_probabilities();
        let one = |v: f64| if v >= self.threshold { 1.0 } else { 0.0 };
        Ok(scores
            .iter()
            .zip(&sides)
            .map(|(&s, &p)| {
                let k = usize::from(p);
                (1.0 - e[k]) * one(s) + e[k] * one(self.base_rates[k])
            })
            .collect())
    }

    /// Sampled labels: an independent draw per row from [`probability`](Self::probability),
    /// from the generator of `seed` ([`fairkit_core::rng::sample_labels`]).
    ///
    /// # Errors
    /// As [`probability`](Self::probability).
    pub fn predict(&self, scores: &[f64], groups: &Groups, seed: u64) -> Result<Vec<bool>> {
        Ok(fairkit_core::rng::sample_labels(
            &self.probability(scores, groups)?,
            seed,
        ))
    }
}
