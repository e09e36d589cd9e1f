//! Equalized-odds post-processing by a linear program over flip probabilities (Hardt, Price
//! and Srebro 2016), as AIF360's `EqOddsPostprocessing`:
//! docs/postprocessing-aif360.md#eq-odds.

use fairkit_core::Groups;
use linfa::ParamGuard;
use microlp::{ComparisonOp, OptimizationDirection, Problem};
use serde::{Deserialize, Serialize};

use crate::two_group_error::{PostprocessingMethodError, Result};
use crate::two_groups::{
    Confusion, FitTwoGroups, GroupPair, check_inputs, check_scores, confusion, require_both_labels,
};

/// Checked parameters of equalized-odds post-processing; fit with
/// [`FitTwoGroups::fit_scores`].
///
/// | name | default | purpose |
/// |---|---|---|
/// | `threshold` | 0.5 | the base prediction is 1 iff the score is above it (strictly) |
/// | `privileged` | `None`: the group with the higher base rate | the privileged group's label |
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EqOddsValidParams {
    threshold: f64,
    privileged: Option<String>,
}

impl Default for EqOddsValidParams {
    fn default() -> Self {
        Self {
            threshold: 0.5,
            privileged: None,
        }
    }
}

/// Unchecked parameters of equalized-odds post-processing (linfa's builder idiom).
///
/// ```
/// use fairkit_core::Groups;
/// use fairkit_postprocessing::{EqOddsParams, FitTwoGroups};
///
/// let scores = [0.9, 0.7, 0.6, 0.2, 0.8, 0.3, 0.4, 0.1];
/// let labels = [true, true, false, false, true, true, false, false];
/// let groups = Groups::from_labels("g", &["a", "a", "a", "a", "b", "b", "b", "b"])?;
/// let fitted = EqOddsParams::new().privileged("a").fit_scores(&scores, &labels, &groups, None)?;
/// let p = fitted.probability(&scores, &groups)?;
/// // Expected TPR and FPR are equal across the groups.
/// let (tpr_a, tpr_b) = ((p[0] + p[1]) / 2.0, (p[4] + p[5]) / 2.0);
/// let (fpr_a, fpr_b) = ((p[2] + p[3]) / 2.0, (p[6] + p[7]) / 2.0);
/// assert!((tpr_a - tpr_b).abs() < 1e-12 && (fpr_a - fpr_b).abs() < 1e-12);
/// assert_eq!(fitted.predict(&scores, &groups, 7)?, fitted.predict(&scores, &groups, 7)?);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct EqOddsParams(EqOddsValidParams);

impl EqOddsParams {
    /// The defaults (see [`EqOddsValidParams`]).
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the score threshold of the base prediction.
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

impl ParamGuard for EqOddsParams {
    type Checked = EqOddsValidParams;
    type Error = PostprocessingMethodError;

    fn check_ref(&self) -> Result<&EqOddsValidParams> {
        if !self.0.threshold.is_finite() {
            return Err(PostprocessingMethodError::InvalidParameter {
                name: "threshold",
                value: self.0.threshold.to_string(),
                reason: "must be finite".into(),
            });
        }
        Ok(&self.0)
    }

    fn check(self) -> Result<EqOddsValidParams> {
        self.check_ref()?;
        Ok(self.0)
    }
}

/// The flip probabilities of one group: `p2p` = P(output 1 | base prediction 1),
/// `n2p` = P(output 1 | base prediction 0).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct FlipRates {
    /// P(output 1 | base prediction 1).
    pub p2p: f64,
    /// P(output 1 | base prediction 0).
    pub n2p: f64,
}

impl FitTwoGroups for EqOddsValidParams {
    type Fitted = EqOdds;

    /// Solves AIF360's linear program over `x = [p2p_priv, n2p_priv, p2p_unpriv, n2p_unpriv]`,
    /// each in `[0, 1]`: minimize `Σ_g (FPR_g − TPR_g)·p2p_g + (TNR_g − FNR_g)·n2p_g` subject to
    /// equal post-processed true positive rates `TPR_g·p2p_g + FNR_g·n2p_g` and false positive
    /// rates `FPR_g·p2p_g + TNR_g·n2p_g` across the groups, where the rates are those of the
    /// base prediction `score > threshold` on the fitting rows. Sample weights weight every
    /// count (AIF360 weights the objective's rates but not the constraints' means; with unit
    /// weights the two agree).
    ///
    /// # Errors
    /// Lengths that differ, no rows, a score that is not finite, invalid weights, a number of
    /// groups other than two, an unknown privileged group, a group lacking a label class, a
    /// failure of the solver.
    fn fit_scores(
        &self,
        scores: &[f64],
        labels: &[bool],
        groups: &Groups,
        weights: Option<&[f64]>,
    ) -> Result<EqOdds> {
        check_inputs(scores, labels, groups, weights, false)?;
        let pair = GroupPair::resolve(groups, labels, weights, self.privileged.as_deref())?;
        let sides = pair.sides(groups)?;
        let base = scores.iter().map(|&s| s > self.threshold);
        let counts = confusion(base, labels, &sides, weights);
        require_both_labels(&pair, &counts)?;
        let [u, p] = counts;

        let mut lp = Problem::new(OptimizationDirection::Minimize);
        let sp2p = lp.add_var(p.fpr() - p.tpr(), (0.0, 1.0));
        let sn2p = lp.add_var(p.tnr() - p.fnr(), (0.0, 1.0));
        let op2p = lp.add_var(u.fpr() - u.tpr(), (0.0, 1.0));
        let on2p = lp.add_var(u.tnr() - u.fnr(), (0.0, 1.0));
        // Equal post-processed TPR (p2p·TPR + n2p·FNR) and FPR (p2p·FPR + n2p·TNR).
        type Rate = fn(&Confusion) -> f64;
        let rates: [(Rate, Rate); 2] = [
            (Confusion::tpr, Confusion::fnr),
            (Confusion::fpr, Confusion::tnr),
        ];
        for (from_pos, from_neg) in rates {
            lp.add_constraint(
                [
                    (sp2p, from_pos(&p)),
                    (sn2p, from_neg(&p)),
                    (op2p, -from_pos(&u)),
                    (on2p, -from_neg(&u)),
                ],
                ComparisonOp::Eq,
                0.0,
            );
        }
        let solution = lp
            .solve()
            .map_err(|e| PostprocessingMethodError::LinearProgram {
                message: e.to_string(),
            })?;
        // The solver's values can leave the box by rounding; probabilities cannot.
        let x = |v| solution[v].clamp(0.0, 1.0);
        Ok(EqOdds {
            groups: pair,
            threshold: self.threshold,
            privileged: FlipRates {
                p2p: x(sp2p),
                n2p: x(sn2p),
            },
            unprivileged: FlipRates {
                p2p: x(op2p),
                n2p: x(on2p),
            },
        })
    }
}

/// Fitted equalized-odds post-processing: per group, the probability of output 1 given the
/// base prediction (docs/postprocessing-aif360.md#eq-odds). Randomized.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EqOdds {
    groups: GroupPair,
    threshold: f64,
    privileged: FlipRates,
    unprivileged: FlipRates,
}

impl EqOdds {
    /// The privileged and unprivileged group.
    pub fn groups(&self) -> &GroupPair {
        &self.groups
    }

    /// The flip probabilities of the privileged group.
    pub fn privileged_rates(&self) -> FlipRates {
        self.privileged
    }

    /// The flip probabilities of the unprivileged group.
    pub fn unprivileged_rates(&self) -> FlipRates {
        self.unprivileged
    }

    /// The threshold of the base prediction.
    pub fn threshold(&self) -> f64 {
        self.threshold
    }

    /// The probability of label 1 of every row: `p2p` of its group when its score is above
    /// the threshold, else `n2p`.
    ///
    /// # Errors
    /// Lengths that differ, a score that is not finite, a group other than the two fitted.
    pub fn probability(&self, scores: &[f64], groups: &Groups) -> Result<Vec<f64>> {
        fairkit_core::Error::check_len("groups", scores.len(), groups.len())?;
        check_scores(scores, false)?;
        let sides = self.groups.sides(groups)?;
        Ok(scores
            .iter()
            .zip(&sides)
            .map(|(&s, &priv_)| {
                let r = if priv_ {
                    self.privileged
                } else {
                    self.unprivileged
                };
                if s > self.threshold { r.p2p } else { r.n2p }
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
