//! What the AIF360-style post-processors share (docs/postprocessing-aif360.md#two-groups): the
//! privileged and unprivileged group, each row's side, weighted confusion counts and the signed
//! disparities (unprivileged minus privileged).

use fairkit_core::{Error, Groups};
use linfa::ParamGuard;
use serde::{Deserialize, Serialize};

use crate::two_group_error::{PostprocessingMethodError, Result};

/// Fits a two-group post-processor on a score per row (any model's scores, or a score column),
/// binary labels, groups and optional sample weights (docs/postprocessing-aif360.md#two-groups).
///
/// Implemented by the checked parameters of each method and, through linfa's [`ParamGuard`], by
/// the unchecked ones, which check themselves first.
pub trait FitTwoGroups {
    /// The fitted post-processor.
    type Fitted;

    /// Fits on the fitting rows. Use training or validation rows, and evaluate on other rows.
    ///
    /// # Errors
    /// Invalid parameters, lengths that differ, no rows, an invalid score or weight, a number
    /// of groups other than two, an unknown privileged group, a group lacking a label class,
    /// and the method's own failures (see each method's checked parameters).
    fn fit_scores(
        &self,
        scores: &[f64],
        labels: &[bool],
        groups: &Groups,
        weights: Option<&[f64]>,
    ) -> Result<Self::Fitted>;
}

impl<P> FitTwoGroups for P
where
    P: ParamGuard<Error = PostprocessingMethodError>,
    P::Checked: FitTwoGroups,
{
    type Fitted = <P::Checked as FitTwoGroups>::Fitted;

    fn fit_scores(
        &self,
        scores: &[f64],
        labels: &[bool],
        groups: &Groups,
        weights: Option<&[f64]>,
    ) -> Result<Self::Fitted> {
        self.check_ref()?
            .fit_scores(scores, labels, groups, weights)
    }
}

/// The two groups a two-group post-processor compares, by their labels
/// ([`GroupSchema::label`](fairkit_core::GroupSchema::label)).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupPair {
    /// The privileged group (AIF360's `privileged_groups`).
    pub privileged: String,
    /// The unprivileged group.
    pub unprivileged: String,
}

impl GroupPair {
    /// Resolves the pair on training data: exactly two groups must have rows; the privileged
    /// one is `privileged` when given, else the group with the higher (weighted) base rate of
    /// label 1. Equal base rates need an explicit `privileged`.
    pub(crate) fn resolve(
        groups: &Groups,
        labels: &[bool],
        weights: Option<&[f64]>,
        privileged: Option<&str>,
    ) -> Result<Self> {
        groups.require_two_groups()?;
        let present = groups.present();
        if present.len() != 2 {
            return Err(PostprocessingMethodError::NotTwoGroups {
                groups: fairkit_core::text::quote_list(
                    &present
                        .iter()
                        .map(|&c| groups.schema().label(c))
                        .collect::<Vec<_>>(),
                    10,
                ),
            });
        }
        let labels_of: Vec<String> = present.iter().map(|&c| groups.schema().label(c)).collect();
        if let Some(name) = privileged {
            let Some(i) = labels_of.iter().position(|l| l == name) else {
                return Err(PostprocessingMethodError::UnknownPrivileged {
                    name: name.to_string(),
                    groups: fairkit_core::text::quote_list(&labels_of, 10),
                });
            };
            return Ok(Self {
                privileged: labels_of[i].clone(),
                unprivileged: labels_of[1 - i].clone(),
            });
        }
        let mut rate = [0.0; 2];
        for (k, &code) in present.iter().enumerate() {
            let (mut pos, mut all) = (0.0, 0.0);
            for (i, &c) in groups.codes().iter().enumerate() {
                if c == code {
                    let w = weights.map_or(1.0, |w| w[i]);
                    all += w;
                    if labels[i] {
                        pos += w;
                    }
                }
            }
            rate[k] = pos / all;
        }
        if rate[0] == rate[1] {
            return Err(PostprocessingMethodError::PrivilegedTie {
                groups: fairkit_core::text::quote_list(&labels_of, 10),
                base_rate: rate[0],
            });
        }
        let p = usize::from(rate[1] > rate[0]);
        Ok(Self {
            privileged: labels_of[p].clone(),
            unprivileged: labels_of[1 - p].clone(),
        })
    }

    /// Whether each row is privileged (`true`) or unprivileged (`false`).
    ///
    /// # Errors
    /// A row of a group that is neither of the pair ([`Error::UnseenGroup`]).
    pub fn sides(&self, groups: &Groups) -> Result<Vec<bool>> {
        let schema = groups.schema();
        let side_of: Vec<Option<bool>> = (0..schema.n_groups() as u32)
            .map(|c| {
                let label = schema.label(c);
                if label == self.privileged {
                    Some(true)
                } else if label == self.unprivileged {
                    Some(false)
                } else {
                    None
                }
            })
            .collect();
        groups
            .codes()
            .iter()
            .map(|&c| {
                side_of[c as usize].ok_or_else(|| {
                    Error::UnseenGroup {
                        group: schema.label(c),
                    }
                    .into()
                })
            })
            .collect()
    }
}

/// Checks the row-aligned inputs of a fit: lengths, at least one row, finite scores in
/// `[0, 1]` when `unit_scores`, valid weights.
pub(crate) fn check_inputs(
    scores: &[f64],
    labels: &[bool],
    groups: &Groups,
    weights: Option<&[f64]>,
    unit_scores: bool,
) -> Result<()> {
    if scores.is_empty() {
        return Err(Error::Empty {
            what: "scores".into(),
        }
        .into());
    }
    Error::check_len("labels", scores.len(), labels.len())?;
    Error::check_len("groups", scores.len(), groups.len())?;
    if let Some(w) = weights {
        Error::check_len("sample weights", scores.len(), w.len())?;
        Error::check_weights(w)?;
    }
    check_scores(scores, unit_scores)
}

/// Checks that scores are finite (and in `[0, 1]` when `unit_scores`).
pub(crate) fn check_scores(scores: &[f64], unit_scores: bool) -> Result<()> {
    for (row, &s) in scores.iter().enumerate() {
        if !s.is_finite() {
            return Err(Error::NonFinite {
                what: "scores".into(),
                row,
                value: s.to_string(),
            }
            .into());
        }
        if unit_scores && !(0.0..=1.0).contains(&s) {
            return Err(PostprocessingMethodError::ScoreOutOfRange { row, score: s });
        }
    }
    Ok(())
}

/// Weighted confusion counts of one group (expected counts for probabilities).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct Confusion {
    pub tp: f64,
    pub fp: f64,
    pub tn: f64,
    pub fn_: f64,
}

impl Confusion {
    pub fn positives(&self) -> f64 {
        self.tp + self.fn_
    }
    pub fn negatives(&self) -> f64 {
        self.tn + self.fp
    }
    pub fn total(&self) -> f64 {
        self.positives() + self.negatives()
    }
    pub fn tpr(&self) -> f64 {
        self.tp / self.positives()
    }
    pub fn fpr(&self) -> f64 {
        self.fp / self.negatives()
    }
    pub fn tnr(&self) -> f64 {
        self.tn / self.negatives()
    }
    pub fn fnr(&self) -> f64 {
        self.fn_ / self.positives()
    }
    pub fn selection_rate(&self) -> f64 {
        (self.tp + self.fp) / self.total()
    }
    pub fn add(&self, other: &Confusion) -> Confusion {
        Confusion {
            tp: self.tp + other.tp,
            fp: self.fp + other.fp,
            tn: self.tn + other.tn,
            fn_: self.fn_ + other.fn_,
        }
    }
}

/// Confusion counts of hard predictions, `[unprivileged, privileged]`.
pub(crate) fn confusion(
    predictions: impl Iterator<Item = bool>,
    labels: &[bool],
    sides: &[bool],
    weights: Option<&[f64]>,
) -> [Confusion; 2] {
    let mut out = [Confusion::default(); 2];
    for (i, p) in predictions.enumerate() {
        let w = weights.map_or(1.0, |w| w[i]);
        let c = &mut out[usize::from(sides[i])];
        match (labels[i], p) {
            (true, true) => c.tp += w,
            (true, false) => c.fn_ += w,
            (false, true) => c.fp += w,
            (false, false) => c.tn += w,
        }
    }
    out
}

/// Both label classes must be present (with positive weight) in both groups.
pub(crate) fn require_both_labels(pair: &GroupPair, counts: &[Confusion; 2]) -> Result<()> {
    for (k, c) in counts.iter().enumerate() {
        if !(c.positives() > 0.0 && c.negatives() > 0.0) {
            let group = if k == 1 {
                &pair.privileged
            } else {
                &pair.unprivileged
            };
            return Err(PostprocessingMethodError::DegenerateLabels {
                group: group.clone(),
                positives: c.positives(),
                negatives: c.negatives(),
            });
        }
    }
    Ok(())
}

/// The signed disparity a post-processor bounds (AIF360's names; unprivileged minus
/// privileged), docs/postprocessing-aif360.md#reject-option.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Disparity {
    /// `SR_u − SR_p` (AIF360 "Statistical parity difference").
    StatisticalParityDifference,
    /// `½((FPR_u − FPR_p) + (TPR_u − TPR_p))` (AIF360 "Average odds difference").
    AverageOddsDifference,
    /// `TPR_u − TPR_p` (AIF360 "Equal opportunity difference").
    EqualOpportunityDifference,
}

impl Disparity {
    /// Every disparity.
    pub const ALL: [Disparity; 3] = [
        Disparity::StatisticalParityDifference,
        Disparity::AverageOddsDifference,
        Disparity::EqualOpportunityDifference,
    ];

    /// The name, e.g. `"statistical_parity_difference"`.
    pub fn name(self) -> &'static str {
        match self {
            Disparity::StatisticalParityDifference => "statistical_parity_difference",
            Disparity::AverageOddsDifference => "average_odds_difference",
            Disparity::EqualOpportunityDifference => "equal_opportunity_difference",
        }
    }

    /// Its value on `[unprivileged, privileged]` counts, with AIF360's operations.
    pub(crate) fn value(self, c: &[Confusion; 2]) -> f64 {
        let [u, p] = c;
        match self {
            Disparity::StatisticalParityDifference => u.selection_rate() - p.selection_rate(),
            Disparity::AverageOddsDifference => 0.5 * ((u.fpr() - p.fpr()) + (u.tpr() - p.tpr())),
            Disparity::EqualOpportunityDifference => u.tpr() - p.tpr(),
        }
    }
}

impl std::fmt::Display for Disparity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for Disparity {
    type Err = PostprocessingMethodError;

    /// Parses [`Disparity::name`]; `spd`, `aod` and `eod` are accepted too.
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "spd" => return Ok(Disparity::StatisticalParityDifference),
            "aod" => return Ok(Disparity::AverageOddsDifference),
            "eod" => return Ok(Disparity::EqualOpportunityDifference),
            _ => {}
        }
        Disparity::ALL
            .into_iter()
            .find(|d| d.name() == s)
            .ok_or_else(|| PostprocessingMethodError::UnknownName {
                what: "disparity metric",
                name: s.to_string(),
                expected: Disparity::ALL.map(|d| d.name()).join(", "),
            })
    }
}
