//! The fitted post-processor: one randomized threshold rule per group, and prediction.

use std::fmt::Write as _;

use fairkit_core::{Classifier, Error, FairDataset, GroupSchema, Groups, Result, rng};
use linfa::ParamGuard;
use ndarray::{Array2, ArrayView2};
use serde::{Deserialize, Serialize};

use crate::ThresholdOptimizerParams;
use crate::hyperparams::ThresholdOptimizerValidParams;
use crate::options::{Constraint, Objective, UnseenGroupPolicy};

/// The comparison of a threshold rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Operator {
    /// `score > threshold ⇒ 1` (the usual direction).
    #[serde(rename = ">")]
    Greater,
    /// `score < threshold ⇒ 1` (a flipped rule, only with `flip`).
    #[serde(rename = "<")]
    Less,
}

impl std::fmt::Display for Operator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Operator::Greater => ">",
            Operator::Less => "<",
        })
    }
}

impl std::fmt::Display for ThresholdOperation {
    /// Fairlearn's notation, e.g. `[>0.55]`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "[{}{}]", self.operator, self.threshold)
    }
}

/// A deterministic threshold rule: predict 1 iff `score > threshold` (or `<` when flipped).
/// `threshold = +∞` never fires with `>` and `−∞` always does. Infinite thresholds are written
/// `"inf"` / `"-inf"` when serialized, since JSON has no infinities.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ThresholdOperation {
    /// The comparison.
    pub operator: Operator,
    /// The threshold: a midpoint between two adjacent distinct training scores, or `±∞`.
    #[serde(with = "float_or_infinity")]
    pub threshold: f64,
}

impl ThresholdOperation {
    /// Whether the rule predicts 1 for `score`.
    #[inline]
    pub fn fires(&self, score: f64) -> bool {
        match self.operator {
            Operator::Greater => score > self.threshold,
            Operator::Less => score < self.threshold,
        }
    }

    /// Whether the rule fires on the whole open interval `(lo, hi)`, given that its threshold
    /// is not inside it.
    fn fires_between(&self, lo: f64, hi: f64) -> bool {
        match self.operator {
            Operator::Greater => self.threshold <= lo,
            Operator::Less => hi <= self.threshold,
        }
    }
}

/// The equalized-odds mixing with a constant predictor
/// (docs/threshold-optimizer.md#equalized-odds): with probability `p_ignore` the score is ignored
/// and the prediction is 1 with probability `prediction_constant`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ConstantMix {
    /// Probability of ignoring the score.
    pub p_ignore: f64,
    /// Probability of 1 when the score is ignored (the chosen false positive rate `x*`).
    pub prediction_constant: f64,
}

/// One group's randomized rule: apply `operation0` with probability `p0` and `operation1` with
/// probability `p1 = 1 − p0`, optionally mixed with a constant predictor.
///
/// The probability of predicting 1 for a score `s` is
/// `q = p0·1[operation0(s)] + p1·1[operation1(s)]`, replaced by
/// `p_ignore·prediction_constant + (1 − p_ignore)·q` when `ignore` is set. Serialized with the
/// field names of Fairlearn's `interpolation_dict`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct GroupRule {
    /// Probability of the first rule.
    pub p0: f64,
    /// The first rule (the hull vertex left of the target).
    pub operation0: ThresholdOperation,
    /// Probability of the second rule.
    pub p1: f64,
    /// The second rule (the hull vertex right of the target).
    pub operation1: ThresholdOperation,
    /// The constant-predictor mixing of equalized odds.
    #[serde(flatten, default, skip_serializing_if = "Option::is_none")]
    pub ignore: Option<ConstantMix>,
}

impl GroupRule {
    /// The probability of 1, kept in `[0, 1]`: a fitted rule's `p0 + p1` is 1, but a loaded one
    /// is accepted within 1e-9 of it ([`InterpolatedThresholder::validate`]), which could give
    /// `1 + 4e-13` (found by the `saved_model` fuzz target). Clamping changes nothing for a fit.
    #[inline]
    fn combine(&self, fires0: bool, fires1: bool) -> f64 {
        let q = if fires0 { self.p0 } else { 0.0 } + if fires1 { self.p1 } else { 0.0 };
        let p = match self.ignore {
            Some(m) => m.p_ignore * m.prediction_constant + (1.0 - m.p_ignore) * q,
            None => q,
        };
        p.clamp(0.0, 1.0)
    }

    /// The probability of predicting 1 for a score.
    #[inline]
    pub fn probability(&self, score: f64) -> f64 {
        self.combine(self.operation0.fires(score), self.operation1.fires(score))
    }

    /// The rule in words, from the highest scores down, e.g.
    /// `score > 0.515 -> 1; 0.508 < score <= 0.515 -> 1 with p = 0.003; else 0`.
    ///
    /// Each clause gives the probability of predicting 1 for the scores it covers, the
    /// randomization between the two thresholds (and the constant predictor of equalized odds)
    /// included, so the clauses are exactly [`probability`](Self::probability). When the score
    /// is sometimes ignored, a final parenthesis says how. Thresholds get as many decimals as
    /// needed to tell them apart.
    pub fn describe(&self) -> String {
        let mut cuts: Vec<f64> = [(self.p0, self.operation0), (self.p1, self.operation1)]
            .iter()
            .filter(|(p, op)| *p != 0.0 && op.threshold.is_finite())
            .map(|(_, op)| op.threshold)
            .collect();
        cuts.sort_by(f64::total_cmp);
        cuts.dedup();
        // Segments from low to high scores: (-inf, c1), {c1}, (c1, c2), {c2}, ..., (cm, +inf).
        let mut segments: Vec<(Bound, Bound, f64)> = Vec::with_capacity(2 * cuts.len() + 1);
        let mut lo = f64::NEG_INFINITY;
        for &c in cuts.iter().chain(std::iter::once(&f64::INFINITY)) {
            let q = self.combine(
                self.operation0.fires_between(lo, c),
                self.operation1.fires_between(lo, c),
            );
            segments.push((Bound::Open(lo), Bound::Open(c), q));
            if c.is_finite() {
                segments.push((Bound::Closed(c), Bound::Closed(c), self.probability(c)));
            }
            lo = c;
        }
        let mut runs: Vec<(Bound, Bound, f64)> = Vec::new();
        for seg in segments {
            match runs.last_mut() {
                Some(run) if run.2 == seg.2 => run.1 = seg.1,
                _ => runs.push(seg),
            }
        }
        let decimals = distinguishing_decimals(&cuts);
        let n_runs = runs.len();
        let mut out = String::new();
        for (i, (lower, upper, q)) in runs.into_iter().rev().enumerate() {
            if i > 0 {
                out.push_str("; ");
            }
            if n_runs > 1 && i == n_runs - 1 {
                out.push_str("else");
            } else {
                out.push_str(&condition(lower, upper, decimals));
                out.push_str(" ->");
            }
            let _ = write!(out, " {}", outcome(q));
        }
        if let Some(m) = self.ignore.filter(|m| m.p_ignore != 0.0) {
            let _ = write!(
                out,
                " (mixed in: with p = {} the score is ignored and 1 is predicted with p = {})",
                probability_text(m.p_ignore),
                probability_text(m.prediction_constant)
            );
        }
        out
    }
}

/// A bound of a run of scores; `Open(±∞)` means unbounded.
#[derive(Debug, Clone, Copy)]
enum Bound {
    Open(f64),
    Closed(f64),
}

fn condition(lower: Bound, upper: Bound, decimals: usize) -> String {
    let f = |v: f64| format!("{v:.decimals$}");
    let low = match lower {
        Bound::Open(v) if v == f64::NEG_INFINITY => None,
        Bound::Open(v) => Some((v, "<", ">")),
        Bound::Closed(v) => Some((v, "<=", ">=")),
    };
    let high = match upper {
        Bound::Open(v) if v == f64::INFINITY => None,
        Bound::Open(v) => Some((v, "<")),
        Bound::Closed(v) => Some((v, "<=")),
    };
    match (low, high) {
        (None, None) => "every score".into(),
        (Some((a, _, ">=")), Some((b, "<="))) if a == b => format!("score = {}", f(a)),
        (Some((a, _, op)), None) => format!("score {op} {}", f(a)),
        (None, Some((b, op))) => format!("score {op} {}", f(b)),
        (Some((a, op_a, _)), Some((b, op_b))) => format!("{} {op_a} score {op_b} {}", f(a), f(b)),
    }
}

/// The fewest decimals (at least 3) that print the cut points distinctly.
fn distinguishing_decimals(cuts: &[f64]) -> usize {
    (3..=17)
        .find(|&d| {
            let printed: Vec<String> = cuts.iter().map(|c| format!("{c:.d$}")).collect();
            printed.windows(2).all(|w| w[0] != w[1])
        })
        .unwrap_or(17)
}

/// A probability with 3 decimals, or more when 3 would print a value that is not exactly 0 or 1
/// as `0.000` or `1.000`.
fn probability_text(p: f64) -> String {
    if p == 0.0 || p == 1.0 {
        return format!("{p}");
    }
    (3..=17)
        .map(|d| format!("{p:.d$}"))
        .find(|s| s.parse::<f64>().is_ok_and(|v| v != 0.0 && v != 1.0))
        .unwrap_or_else(|| format!("{p}"))
}

fn outcome(q: f64) -> String {
    if q == 1.0 {
        "1".into()
    } else if q == 0.0 {
        "0".into()
    } else {
        format!("1 with p = {}", probability_text(q))
    }
}

mod float_or_infinity {
    use serde::de::Error as _;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(v: &f64, s: S) -> Result<S::Ok, S::Error> {
        if v.is_finite() {
            s.serialize_f64(*v)
        } else if v.is_nan() {
            s.serialize_str("nan")
        } else if *v > 0.0 {
            s.serialize_str("inf")
        } else {
            s.serialize_str("-inf")
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Repr {
            Number(f64),
            Text(String),
        }
        match Repr::deserialize(d)? {
            Repr::Number(v) => Ok(v),
            Repr::Text(t) => match t.as_str() {
                "inf" | "+inf" | "Infinity" => Ok(f64::INFINITY),
                "-inf" | "-Infinity" => Ok(f64::NEG_INFINITY),
                other => Err(D::Error::custom(format!(
                    "invalid threshold {other:?}: expected a number, \"inf\" or \"-inf\""
                ))),
            },
        }
    }
}

/// A group that had training rows, with its fitted rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FittedGroup {
    /// The group's code in the fitted [`GroupSchema`].
    pub code: u32,
    /// The group as `column=value` (see [`GroupSchema::describe`]).
    pub group: String,
    /// The value of the constraint rate this rule reaches in expectation on the fitting data
    /// (the grid point `x`); for equalized odds, the false positive rate.
    pub x: f64,
    /// The randomized rule.
    pub rule: GroupRule,
}

/// The fitted post-processor of [`ThresholdOptimizerValidParams`]: for every group seen in
/// the fitting data, a randomized mixture of two thresholds on the model's score.
///
/// Predictions come in three forms, all row-aligned with the input:
/// * [`probability`](Self::probability): the deterministic probability of predicting 1,
///   `P(ŷ = 1 | score, group)`; metrics computed from it are the expected metrics over the
///   randomization (Fairlearn's `_pmf_predict`);
/// * [`predict_proba`](Self::predict_proba): the same as `[1 − p, p]` rows;
/// * [`predict`](Self::predict): labels sampled from those probabilities with an explicit seed
///   (`ŷ_i = 1[p_i ≥ u_i]`, see [`fairkit_core::rng::sample_labels`]).
///
/// The `_on` variants take the scores from a fitted classifier on a [`FairDataset`].
///
/// Groups are matched by their values, so a test set whose [`GroupSchema`] was built
/// separately (other levels, other codes) works as long as it has the same sensitive columns.
/// A group without training rows follows the [`UnseenGroupPolicy`] chosen at fit time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InterpolatedThresholder {
    pub(crate) params: ThresholdOptimizerValidParams,
    pub(crate) schema: GroupSchema,
    pub(crate) groups: Vec<FittedGroup>,
    pub(crate) overall: Option<GroupRule>,
    pub(crate) x_best: Option<f64>,
    pub(crate) y_best: f64,
    pub(crate) objective_value: f64,
}

/// How a group of the prediction data is handled.
#[derive(Clone, Copy)]
enum Target<'a> {
    Rule(&'a GroupRule),
    Zero,
    Unseen,
}

impl InterpolatedThresholder {
    /// The parameters it was fitted with.
    pub fn params(&self) -> &ThresholdOptimizerValidParams {
        &self.params
    }

    /// The constraint.
    pub fn constraint(&self) -> Constraint {
        self.params.constraint
    }

    /// The objective.
    pub fn objective(&self) -> Objective {
        self.params.objective
    }

    /// The group schema of the fitting data.
    pub fn schema(&self) -> &GroupSchema {
        &self.schema
    }

    /// The fitted groups, by ascending code.
    pub fn groups(&self) -> &[FittedGroup] {
        &self.groups
    }

    /// The rule of a group code of the fitting schema, if the group had training rows.
    pub fn rule(&self, code: u32) -> Option<&GroupRule> {
        self.fitted(code).map(|g| &g.rule)
    }

    /// The rule applied to unseen groups under [`UnseenGroupPolicy::Overall`].
    pub fn overall_rule(&self) -> Option<&GroupRule> {
        self.overall.as_ref()
    }

    /// The common constraint value `x*` of the strict solves (the false positive rate for
    /// equalized odds); `None` for the relaxed solve, where each group has its own
    /// ([`FittedGroup::x`]).
    pub fn x_best(&self) -> Option<f64> {
        self.x_best
    }

    /// Fairlearn's `y_best`: the objective at the solution for the one-rate constraints
    /// (strict or relaxed), the common true positive rate `y*` for equalized odds.
    pub fn y_best(&self) -> f64 {
        self.y_best
    }

    /// The objective on the fitting data at the solution, in expectation over the
    /// randomization (for balanced accuracy and the rates of the one-rate constraints, the
    /// group-size weighted mean of the group values, as in Fairlearn).
    pub fn objective_value(&self) -> f64 {
        self.objective_value
    }

    /// The spread `max x − min x` of the groups' constraint values (0 for the strict solves).
    pub fn between_groups(&self) -> f64 {
        let xs = self.groups.iter().map(|g| g.x);
        let max = xs.clone().fold(f64::NEG_INFINITY, f64::max);
        let min = xs.fold(f64::INFINITY, f64::min);
        if self.groups.is_empty() {
            0.0
        } else {
            max - min
        }
    }

    /// The rules in words, one line per fitted group (`sex=Female: score > 0.412 -> 1; ...`),
    /// then one line for unseen groups.
    pub fn describe(&self) -> Vec<String> {
        let mut lines: Vec<String> = self
            .groups
            .iter()
            .map(|g| format!("{}: {}", g.group, g.rule.describe()))
            .collect();
        lines.push(match (&self.params.unseen_groups, &self.overall) {
            (UnseenGroupPolicy::Overall, Some(rule)) => {
                format!(
                    "unseen groups (rule fitted on all rows): {}",
                    rule.describe()
                )
            }
            (UnseenGroupPolicy::Zero, _) => "unseen groups: 0".into(),
            _ => "unseen groups: error".into(),
        });
        lines
    }

    /// Checks that a deserialized thresholder is consistent (what fitting guarantees): valid
    /// parameters, fitted groups in ascending code order that name groups of the schema, and
    /// rules whose probabilities lie in `[0, 1]` (the two rules' summing to 1) and whose
    /// thresholds are numbers.
    ///
    /// # Errors
    /// [`fairkit_core::Error::Inconsistent`] naming what does not fit (invalid parameters
    /// included).
    pub fn validate(&self) -> Result<()> {
        let bad = |reason: String| Error::inconsistent("threshold optimizer", reason);
        ThresholdOptimizerParams(self.params.clone())
            .check_ref()
            .map_err(|e| bad(e.to_string()))?;
        let n = self.schema.n_groups();
        for (i, g) in self.groups.iter().enumerate() {
            if g.code as usize >= n || (i > 0 && self.groups[i - 1].code >= g.code) {
                return Err(bad(format!(
                    "group codes must ascend below {n}; found code {} at position {i}",
                    g.code
                )));
            }
            if g.group != self.schema.describe(g.code) {
                return Err(bad(format!(
                    "group {} has code {} of {}",
                    g.group,
                    g.code,
                    self.schema.describe(g.code)
                )));
            }
        }
        let unit = |p: f64| (0.0..=1.0).contains(&p);
        let rules = self.groups.iter().map(|g| (g.group.as_str(), &g.rule));
        for (group, r) in rules.chain(self.overall.iter().map(|r| ("(overall)", r))) {
            let mix = r
                .ignore
                .is_none_or(|m| unit(m.p_ignore) && unit(m.prediction_constant));
            if !(unit(r.p0) && unit(r.p1) && (r.p0 + r.p1 - 1.0).abs() <= 1e-9 && mix)
                || r.operation0.threshold.is_nan()
                || r.operation1.threshold.is_nan()
            {
                return Err(bad(format!(
                    "the rule of {group} has probabilities outside [0, 1], not summing to 1, \
                     or a NaN threshold"
                )));
            }
        }
        Ok(())
    }

    fn fitted(&self, code: u32) -> Option<&FittedGroup> {
        self.groups
            .binary_search_by_key(&code, |g| g.code)
            .ok()
            .map(|i| &self.groups[i])
    }

    /// How each code of `groups`' schema is handled.
    fn targets(&self, groups: &Groups) -> Result<Vec<Target<'_>>> {
        let theirs = groups.schema();
        let same = theirs == &self.schema;
        if !same && theirs.columns() != self.schema.columns() {
            return Err(Error::invalid(
                "sensitive",
                theirs.columns().join(","),
                &format!(
                    "the thresholds were fitted on the sensitive column(s) {}",
                    self.schema.columns().join(",")
                ),
            ));
        }
        let unseen = match (self.params.unseen_groups, &self.overall) {
            (UnseenGroupPolicy::Zero, _) => Target::Zero,
            (UnseenGroupPolicy::Overall, Some(rule)) => Target::Rule(rule),
            _ => Target::Unseen,
        };
        Ok((0..theirs.n_groups() as u32)
            .map(|c| {
                let code = if same {
                    Some(c)
                } else {
                    self.schema.code(&theirs.values(c))
                };
                code.and_then(|code| self.fitted(code))
                    .map_or(unseen, |g| Target::Rule(&g.rule))
            })
            .collect())
    }

    /// Errors when `groups` cannot be predicted: sensitive columns other than the fitted ones,
    /// or (under [`UnseenGroupPolicy::Error`]) a group with rows that had none at fit time,
    /// the first such row's.
    ///
    /// # Errors
    /// [`fairkit_core::Error::InvalidParameter`] or [`fairkit_core::Error::UnseenGroup`].
    pub fn check_groups(&self, groups: &Groups) -> Result<()> {
        let targets = self.targets(groups)?;
        match groups
            .codes()
            .iter()
            .find(|&&c| matches!(targets[c as usize], Target::Unseen))
        {
            Some(&c) => Err(Error::UnseenGroup {
                group: groups.schema().describe(c),
            }),
            None => Ok(()),
        }
    }

    /// The probability of predicting 1 for each row, from its score and group.
    ///
    /// # Errors
    /// Lengths that differ, a NaN or infinite score, sensitive columns other than the fitted
    /// ones, or a group without training rows under [`UnseenGroupPolicy::Error`]
    /// ([`fairkit_core::Error::UnseenGroup`], naming the group).
    pub fn probability(&self, scores: &[f64], groups: &Groups) -> Result<Vec<f64>> {
        Error::check_len("sensitive groups", scores.len(), groups.len())?;
        check_scores(scores)?;
        let targets = self.targets(groups)?;
        scores
            .iter()
            .zip(groups.codes())
            .map(|(&s, &c)| match targets[c as usize] {
                Target::Rule(rule) => Ok(rule.probability(s)),
                Target::Zero => Ok(0.0),
                Target::Unseen => Err(Error::UnseenGroup {
                    group: groups.schema().describe(c),
                }),
            })
            .collect()
    }

    /// `[1 − p, p]` per row, where `p` is [`probability`](Self::probability).
    ///
    /// # Errors
    /// As [`probability`](Self::probability).
    pub fn predict_proba(&self, scores: &[f64], groups: &Groups) -> Result<Array2<f64>> {
        Ok(proba_matrix(&self.probability(scores, groups)?))
    }

    /// Labels sampled from [`probability`](Self::probability) with the generator of `seed`:
    /// the same seed gives the same labels.
    ///
    /// # Errors
    /// As [`probability`](Self::probability).
    pub fn predict(&self, scores: &[f64], groups: &Groups, seed: u64) -> Result<Vec<bool>> {
        Ok(rng::sample_labels(&self.probability(scores, groups)?, seed))
    }

    /// [`probability`](Self::probability) with the scores of `model` on `data`.
    ///
    /// # Errors
    /// As [`probability`](Self::probability), and a model fitted on another feature count.
    pub fn probability_on<C: Classifier + ?Sized>(
        &self,
        model: &C,
        data: &FairDataset,
    ) -> Result<Vec<f64>> {
        self.probability(&model_scores(model, data.features())?, data.groups())
    }

    /// [`predict_proba`](Self::predict_proba) with the scores of `model` on `data`.
    ///
    /// # Errors
    /// As [`probability_on`](Self::probability_on).
    pub fn predict_proba_on<C: Classifier + ?Sized>(
        &self,
        model: &C,
        data: &FairDataset,
    ) -> Result<Array2<f64>> {
        Ok(proba_matrix(&self.probability_on(model, data)?))
    }

    /// [`predict`](Self::predict) with the scores of `model` on `data`.
    ///
    /// # Errors
    /// As [`probability_on`](Self::probability_on).
    pub fn predict_on<C: Classifier + ?Sized>(
        &self,
        model: &C,
        data: &FairDataset,
        seed: u64,
    ) -> Result<Vec<bool>> {
        Ok(rng::sample_labels(&self.probability_on(model, data)?, seed))
    }
}

fn proba_matrix(p: &[f64]) -> Array2<f64> {
    Array2::from_shape_fn(
        (p.len(), 2),
        |(i, j)| if j == 1 { p[i] } else { 1.0 - p[i] },
    )
}

/// Errors on the first NaN or infinite score.
pub(crate) fn check_scores(scores: &[f64]) -> Result<()> {
    match scores.iter().position(|s| !s.is_finite()) {
        Some(row) => Err(Error::NonFinite {
            what: "scores".into(),
            row,
            value: scores[row].to_string(),
        }),
        None => Ok(()),
    }
}

/// The scores of a fitted model on the rows of `x`.
pub(crate) fn model_scores<C: Classifier + ?Sized>(
    model: &C,
    x: ArrayView2<'_, f64>,
) -> Result<Vec<f64>> {
    Error::check_features(model.n_features(), x.ncols())?;
    let scores = model.score(x).to_vec();
    Error::check_len("model scores", x.nrows(), scores.len())?;
    Ok(scores)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::FitThresholds;

    #[test]
    fn validate_accepts_a_fit_and_refuses_inconsistent_rules() {
        let groups = Groups::from_labels("g", &["a", "a", "a", "b", "b", "b"]).unwrap();
        let scores = [0.1, 0.5, 0.9, 0.2, 0.6, 0.8];
        let labels = [false, true, true, false, false, true];
        let fitted = crate::ThresholdOptimizerParams::new()
            .fit_scores(&scores, &labels, &groups, None)
            .unwrap();
        fitted.validate().unwrap();
        let refused = |edit: fn(&mut InterpolatedThresholder), needle: &str| {
            let mut t = fitted.clone();
            edit(&mut t);
            let err = t.validate().unwrap_err().to_string();
            assert!(err.contains(needle), "{err}");
        };
        refused(|t| t.groups[0].rule.p0 = -0.5, "the rule of g=a");
        refused(
            |t| t.groups[1].rule.operation1.threshold = f64::NAN,
            "NaN threshold",
        );
        refused(|t| t.groups.swap(0, 1), "group codes must ascend");
        refused(|t| t.groups[1].code = 5, "group codes must ascend below 2");
        refused(
            |t| t.groups[0].group = "g=b".into(),
            "group g=b has code 0 of g=a",
        );
        refused(|t| t.params.grid_size = 0, "invalid grid_size 0");
    }

    /// Found by the `saved_model` fuzz target: a saved rule whose `p1` was edited from 0.9975 to
    /// 0.9975000000004002 still validates (the sum is checked within 1e-9), and a score past
    /// both thresholds got the expected value 1.0000000000004, outside [0, 1].
    #[test]
    fn a_loaded_rule_summing_just_above_one_predicts_a_probability() {
        let groups = Groups::from_labels("g", &["a", "a", "a", "b", "b", "b"]).unwrap();
        let scores = [0.1, 0.5, 0.9, 0.2, 0.6, 0.8];
        let labels = [false, true, true, false, false, true];
        let mut t = crate::ThresholdOptimizerParams::new()
            .fit_scores(&scores, &labels, &groups, None)
            .unwrap();
        let r = &mut t.groups[0].rule;
        (r.p0, r.p1) = (0.0024999999999998357, 0.9975000000004002);
        r.operation0 = op(Operator::Greater, 0.6750644343987298);
        r.operation1 = op(Operator::Greater, 0.5468988813126929);
        r.ignore = None;
        t.validate().unwrap();
        let r = t.groups[0].rule;
        assert!(r.p0 + r.p1 > 1.0);
        assert_eq!(r.probability(0.9), 1.0);
        assert_eq!(r.probability(0.6), 0.9975000000004002);
        assert_eq!(r.probability(0.1), 0.0);
        let mixed = GroupRule {
            ignore: Some(ConstantMix {
                p_ignore: 0.0005203455094180578,
                prediction_constant: 1.0,
            }),
            ..r
        };
        assert_eq!(mixed.probability(0.9), 1.0);
    }

    fn op(operator: Operator, threshold: f64) -> ThresholdOperation {
        ThresholdOperation {
            operator,
            threshold,
        }
    }

    fn rule(p0: f64, t0: f64, t1: f64) -> GroupRule {
        GroupRule {
            p0,
            operation0: op(Operator::Greater, t0),
            p1: 1.0 - p0,
            operation1: op(Operator::Greater, t1),
            ignore: None,
        }
    }

    #[test]
    fn describes_a_mixture_of_two_thresholds() {
        let r = rule(0.7, 0.5154196, 0.5077404);
        assert_eq!(
            r.describe(),
            "score > 0.515 -> 1; 0.508 < score <= 0.515 -> 1 with p = 0.300; else 0"
        );
        // A single effective threshold.
        assert_eq!(
            rule(0.0, f64::INFINITY, 0.55).describe(),
            "score > 0.550 -> 1; else 0"
        );
        // Thresholds that agree to three decimals get more.
        assert_eq!(
            rule(0.5, 0.41234, 0.41229).describe(),
            "score > 0.41234 -> 1; 0.41229 < score <= 0.41234 -> 1 with p = 0.500; else 0"
        );
        // Everything 1 or a coin flip.
        assert_eq!(
            rule(0.25, f64::NEG_INFINITY, f64::INFINITY).describe(),
            "every score -> 1 with p = 0.250"
        );
    }

    #[test]
    fn describes_flipped_rules_and_the_constant_mix() {
        let flipped = GroupRule {
            p0: 0.5,
            operation0: op(Operator::Less, 0.3),
            p1: 0.5,
            operation1: op(Operator::Greater, 0.3),
            ignore: None,
        };
        assert_eq!(
            flipped.describe(),
            "score > 0.300 -> 1 with p = 0.500; score = 0.300 -> 0; else 1 with p = 0.500"
        );
        let mixed = GroupRule {
            ignore: Some(ConstantMix {
                p_ignore: 0.5,
                prediction_constant: 0.2,
            }),
            ..rule(0.0, f64::INFINITY, 0.55)
        };
        assert_eq!(
            mixed.describe(),
            "score > 0.550 -> 1 with p = 0.600; else 1 with p = 0.100 (mixed in: with p = 0.500 \
             the score is ignored and 1 is predicted with p = 0.200)"
        );
        // The text agrees with the probabilities.
        assert_eq!(mixed.probability(0.9), 0.6);
        assert_eq!(mixed.probability(0.1), 0.1);
    }

    #[test]
    fn tiny_probabilities_keep_their_digits() {
        assert_eq!(probability_text(0.0003), "0.0003");
        assert_eq!(probability_text(0.99996), "0.99996");
        assert_eq!(probability_text(0.3), "0.300");
    }

    #[test]
    fn infinite_thresholds_survive_json() {
        let r = rule(0.25, f64::INFINITY, f64::NEG_INFINITY);
        let text = serde_json::to_string(&r).unwrap();
        assert!(
            text.contains("\"inf\"") && text.contains("\"-inf\""),
            "{text}"
        );
        assert!(!text.contains("p_ignore"));
        let back: GroupRule = serde_json::from_str(&text).unwrap();
        assert_eq!(back, r);
        let mixed = GroupRule {
            ignore: Some(ConstantMix {
                p_ignore: 0.5,
                prediction_constant: 0.0,
            }),
            ..r
        };
        let text = serde_json::to_string(&mixed).unwrap();
        assert!(text.contains("\"p_ignore\":0.5"), "{text}");
        assert_eq!(serde_json::from_str::<GroupRule>(&text).unwrap(), mixed);
    }
}
