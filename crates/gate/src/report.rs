use std::fmt;

use fairkit_metrics::Confusion;
use serde::Serialize;

use crate::Multiplicity;

/// A check's verdict; they order by severity, `Pass < Inconclusive < Fail`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// The criterion is met (with `confidence`: the whole interval meets it).
    Pass,
    /// The data cannot decide: a group below the minimum sizes, an undefined value, or (with
    /// `confidence`) an interval that straddles the threshold.
    Inconclusive,
    /// The criterion is not met (with `confidence`: the whole interval is beyond the
    /// threshold).
    Fail,
}

/// The checks of the gate, in report order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckKind {
    /// Overall accuracy ≥ `accuracy_floor`.
    Accuracy,
    /// The smallest group accuracy ≥ `per_group_accuracy_floor`.
    GroupAccuracy,
    /// Demographic parity difference ≤ `dp_difference_max`.
    DemographicParityDifference,
    /// Equalized odds difference (worst case of TPR and FPR) ≤ `eo_difference_max`.
    EqualizedOddsDifference,
    /// Smallest over largest selection rate ≥ `four_fifths_threshold`.
    FourFifths,
}

impl CheckKind {
    /// The snake_case name.
    pub fn name(self) -> &'static str {
        match self {
            CheckKind::Accuracy => "accuracy",
            CheckKind::GroupAccuracy => "group_accuracy",
            CheckKind::DemographicParityDifference => "demographic_parity_difference",
            CheckKind::EqualizedOddsDifference => "equalized_odds_difference",
            CheckKind::FourFifths => "four_fifths",
        }
    }

    /// Whether the threshold is a maximum (differences) rather than a minimum.
    pub fn is_upper_bound(self) -> bool {
        matches!(
            self,
            CheckKind::DemographicParityDifference | CheckKind::EqualizedOddsDifference
        )
    }
}

/// A bootstrap interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Interval {
    /// Lower end (quantile `(1 − confidence) / 2`).
    pub lower: f64,
    /// Upper end (quantile `(1 + confidence) / 2`).
    pub upper: f64,
    /// Confidence level.
    pub confidence: f64,
}

/// One group's selection rate relative to the highest one (four-fifths rule).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupRatio {
    /// The group.
    pub group: String,
    /// `SR_group / SR_reference` (`None` when the reference rate is 0).
    pub ratio: Option<f64>,
}

/// The four-fifths rule's details (docs/metrics.md#four-fifths-rule).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FourFifthsDetail {
    /// The group with the highest selection rate (first in group order on ties).
    pub reference: Option<String>,
    /// Every group with rows, in group order.
    pub ratios: Vec<GroupRatio>,
}

/// One check's outcome.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Check {
    /// Which check.
    pub check: CheckKind,
    /// The measured value (`None` when undefined).
    pub value: Option<f64>,
    /// The threshold.
    pub threshold: f64,
    /// `"max"` or `"min"`: whether the value must stay at or below, or at or above it.
    pub bound: &'static str,
    /// The bootstrap interval, with `confidence`.
    pub interval: Option<Interval>,
    /// The verdict.
    pub status: Status,
    /// Why the check is inconclusive (groups below the minimum sizes, undefined value, an
    /// interval straddling the threshold), in group order; empty otherwise.
    pub reasons: Vec<String>,
    /// Details of the four-fifths rule.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub four_fifths: Option<FourFifthsDetail>,
    /// For a check left inconclusive by its interval: the labelled rows that would decide it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rows_needed: Option<RowsNeeded>,
}

/// How much labelled data would settle an inconclusive interval
/// (docs/gate-and-monitor.md#how-much-data-would-decide): the interval's half-width `h`
/// shrinks as `1/sqrt(n)`, so at the observed distance `d` between the value and the threshold
/// (or margin) it clears it once every group has grown by the factor `(h / d)^2`. Assumes the
/// observed value is the true one, every group grows by the same factor and the group mix,
/// confidence level and multiplicity method stay as they are.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct RowsNeeded {
    /// `(h / d)^2`: by how much every group's rows must grow (`None` when the value sits
    /// exactly at the threshold: no sample size decides at that effect).
    pub factor: Option<f64>,
    /// Labelled rows the smallest group involved would need (its rows times the factor,
    /// rounded up); the other groups grow by the same factor.
    pub rows_per_group: Option<u64>,
}

impl RowsNeeded {
    /// From the interval, the value, the boundary and the rows of the smallest group.
    pub(crate) fn estimate(lower: f64, upper: f64, value: f64, boundary: f64, rows: u64) -> Self {
        let (h, d) = ((upper - lower) / 2.0, (value - boundary).abs());
        let factor = (d > 0.0).then(|| (h / d).powi(2));
        RowsNeeded {
            factor,
            rows_per_group: factor
                .map(|f| (f * rows as f64).ceil())
                .filter(|r| r.is_finite() && *r < u64::MAX as f64)
                .map(|r| r as u64),
        }
    }
}

/// A candidate compared with the baseline model on the same rows
/// (docs/gate-and-monitor.md#candidate-against-baseline): the difference candidate minus
/// baseline of a metric, against a non-inferiority margin.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comparison {
    /// The compared metric: `demographic_parity_difference`, `equalized_odds_difference` or
    /// `accuracy`.
    pub metric: &'static str,
    /// The candidate's value.
    pub candidate: Option<f64>,
    /// The baseline's value.
    pub baseline: Option<f64>,
    /// Candidate minus baseline.
    pub difference: Option<f64>,
    /// The margin: a disparity may grow by at most `margin`, accuracy may drop by at most
    /// `margin` (the difference must stay `≥ −margin`).
    pub margin: f64,
    /// `"max"` (difference `≤ margin`) or `"min"` (difference `≥ −margin`).
    pub bound: &'static str,
    /// The paired bootstrap interval of the difference, with `confidence`.
    pub interval: Option<Interval>,
    /// The verdict: pass when the whole interval is within the margin, fail when it is wholly
    /// beyond, inconclusive otherwise.
    pub status: Status,
    /// Why the comparison is inconclusive.
    pub reasons: Vec<String>,
    /// For an interval straddling the margin: the labelled rows that would decide it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rows_needed: Option<RowsNeeded>,
}

/// One group's counts and rates.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupCounts {
    /// The group (several sensitive columns joined with `,`).
    pub group: String,
    /// Rows (unweighted).
    pub count: u64,
    /// Sum of weights (= count without weights).
    pub weight: f64,
    /// Rows with label 1 (unweighted).
    pub positives: u64,
    /// Rows with label 0 (unweighted).
    pub negatives: u64,
    /// Selection rate (weighted).
    pub selection_rate: Option<f64>,
    /// True positive rate.
    pub true_positive_rate: Option<f64>,
    /// False positive rate.
    pub false_positive_rate: Option<f64>,
    /// Accuracy.
    pub accuracy: Option<f64>,
}

fn defined(v: f64) -> Option<f64> {
    (!v.is_nan()).then_some(v)
}

impl GroupCounts {
    /// From the unweighted counts, the weight sum and the (weighted) SR, TPR, FPR, accuracy.
    pub(crate) fn new(group: String, weight: f64, plain: &Confusion, rates: [f64; 4]) -> Self {
        let [sr, tpr, fpr, acc] = rates.map(defined);
        GroupCounts {
            group,
            count: plain.rows,
            weight,
            positives: plain.positives() as u64,
            negatives: plain.negatives() as u64,
            selection_rate: sr,
            true_positive_rate: tpr,
            false_positive_rate: fpr,
            accuracy: acc,
        }
    }
}

/// The gate's verdict.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GateReport {
    /// The worst check status: `Fail` if any check fails, else `Inconclusive` if any is, else
    /// `Pass`.
    pub status: Status,
    /// Whether `Inconclusive` exits non-zero.
    pub strict: bool,
    /// The bootstrap confidence level, if intervals were used.
    pub confidence: Option<f64>,
    /// With `confidence`: how the intervals were made simultaneous, over how many statistics,
    /// and the critical value in standard errors.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub simultaneous: Option<Simultaneous>,
    /// The checks, in [`CheckKind`] order (only those turned on).
    pub checks: Vec<Check>,
    /// Every group of the schema, in group order (empty intersections have count 0 and take
    /// part in no check).
    pub groups: Vec<GroupCounts>,
    /// All rows together.
    pub overall: GroupCounts,
    /// Against a baseline: one comparison per margin that is set.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub comparisons: Vec<Comparison>,
}

/// How a report's intervals were made simultaneous.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Simultaneous {
    /// The method.
    pub multiplicity: Multiplicity,
    /// Base statistics with a simultaneous interval (group pairs × rates, accuracies,
    /// differences against a baseline); with `none`, only the differences (each check has the
    /// percentile interval of its own statistic).
    pub statistics: usize,
    /// Each simultaneous interval is the point value ± this many bootstrap standard errors.
    pub critical_value: Option<f64>,
}

impl GateReport {
    /// The process exit status: 0 on `Pass`, 1 on `Fail`, and on `Inconclusive` 1 when
    /// `strict`, else 0. (Bad input, status 2, never reaches a report.)
    pub fn exit_code(&self) -> i32 {
        match (self.status, self.strict) {
            (Status::Pass, _) | (Status::Inconclusive, false) => 0,
            (Status::Fail, _) | (Status::Inconclusive, true) => 1,
        }
    }

    /// The check of a kind, if it ran.
    pub fn check(&self, kind: CheckKind) -> Option<&Check> {
        self.checks.iter().find(|c| c.check == kind)
    }
}

fn num(v: Option<f64>) -> String {
    v.map_or_else(|| "-".to_string(), |v| format!("{v:.4}"))
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Status::Pass => "PASS",
            Status::Inconclusive => "INCONCLUSIVE",
            Status::Fail => "FAIL",
        })
    }
}

/// The assumptions behind [`RowsNeeded`], printed under a report that has an estimate.
pub const ROWS_NEEDED_NOTE: &str = "rows needed: the interval's half-width shrinks as 1/sqrt(n); \
assumes the observed value is the true one, every group grows by the same factor, and the \
confidence level and multiplicity method stay the same (docs/gate-and-monitor.md#how-much-data-would-decide)";

fn rows_needed(f: &mut fmt::Formatter<'_>, r: Option<RowsNeeded>) -> fmt::Result {
    match r {
        Some(RowsNeeded {
            factor: Some(k),
            rows_per_group: Some(n),
        }) => writeln!(
            f,
            "    rows needed: about {n} labelled rows in the smallest group (every group x{k:.2})"
        ),
        Some(_) => writeln!(
            f,
            "    rows needed: none decides; the value sits exactly at the threshold"
        ),
        None => Ok(()),
    }
}

/// A plain-text table: the checks, then the comparisons with the baseline, then the groups,
/// then the verdict.
impl fmt::Display for GateReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{:<31} {:>8} {:>11} {:>19}  status",
            "check", "value", "threshold", "interval"
        )?;
        for c in &self.checks {
            let op = if c.bound == "max" { "<=" } else { ">=" };
            let interval = c.interval.map_or_else(
                || "-".to_string(),
                |i| format!("[{:.4}, {:.4}]", i.lower, i.upper),
            );
            writeln!(
                f,
                "{:<31} {:>8} {:>11} {:>19}  {}",
                c.check.name(),
                num(c.value),
                format!("{op} {:.4}", c.threshold),
                interval,
                c.status
            )?;
            for r in &c.reasons {
                writeln!(f, "    {r}")?;
            }
            rows_needed(f, c.rows_needed)?;
        }
        if let Some(s) = &self.simultaneous {
            match (s.multiplicity, s.critical_value) {
                (Multiplicity::None, _) => writeln!(
                    f,
                    "intervals: none (each check's percentile interval on its own)"
                )?,
                (m, Some(c)) => writeln!(
                    f,
                    "intervals: {} over {} statistics (point value ± {c:.3} bootstrap standard \
                     errors)",
                    m.name(),
                    s.statistics,
                )?,
                (m, None) => writeln!(f, "intervals: {}", m.name())?,
            }
        }
        if !self.comparisons.is_empty() {
            writeln!(f)?;
            writeln!(
                f,
                "{:<31} {:>9} {:>9} {:>9} {:>11} {:>19}  status",
                "against baseline", "candidate", "baseline", "diff", "margin", "interval"
            )?;
            for c in &self.comparisons {
                let op = if c.bound == "max" { "<=" } else { ">=" };
                let bound = if c.bound == "max" {
                    c.margin
                } else {
                    -c.margin
                };
                let interval = c.interval.map_or_else(
                    || "-".to_string(),
                    |i| format!("[{:.4}, {:.4}]", i.lower, i.upper),
                );
                writeln!(
                    f,
                    "{:<31} {:>9} {:>9} {:>9} {:>11} {:>19}  {}",
                    c.metric,
                    num(c.candidate),
                    num(c.baseline),
                    num(c.difference),
                    format!("{op} {bound:.4}"),
                    interval,
                    c.status
                )?;
                for r in &c.reasons {
                    writeln!(f, "    {r}")?;
                }
                rows_needed(f, c.rows_needed)?;
            }
        }
        let estimated = self.checks.iter().any(|c| c.rows_needed.is_some())
            || self.comparisons.iter().any(|c| c.rows_needed.is_some());
        if estimated {
            writeln!(f)?;
            writeln!(f, "{ROWS_NEEDED_NOTE}")?;
        }
        writeln!(f)?;
        writeln!(
            f,
            "{:<20} {:>8} {:>6} {:>6} {:>8} {:>8} {:>8} {:>8}",
            "group", "n", "pos", "neg", "SR", "TPR", "FPR", "acc"
        )?;
        for g in self.groups.iter().chain(std::iter::once(&self.overall)) {
            writeln!(
                f,
                "{:<20} {:>8} {:>6} {:>6} {:>8} {:>8} {:>8} {:>8}",
                fairkit_core::text::ellipsize(&g.group, 40),
                g.count,
                g.positives,
                g.negatives,
                num(g.selection_rate),
                num(g.true_positive_rate),
                num(g.false_positive_rate),
                num(g.accuracy)
            )?;
        }
        writeln!(f)?;
        let note = match (self.status, self.strict) {
            (Status::Inconclusive, true) => " (strict: treated as a failure)",
            _ => "",
        };
        writeln!(f, "gate: {}{note}", self.status)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_needed_scale_with_the_squared_width_ratio() {
        // Half-width 0.25 at distance 0.125 from the threshold: 4 times the rows.
        let r = RowsNeeded::estimate(0.25, 0.75, 0.5, 0.625, 250);
        assert_eq!(r.factor, Some(4.0));
        assert_eq!(r.rows_per_group, Some(1000));
        // At the threshold no sample size decides.
        let at = RowsNeeded::estimate(0.0, 0.2, 0.1, 0.1, 250);
        assert_eq!((at.factor, at.rows_per_group), (None, None));
    }
}
