//! The grouped report, fairkit's analogue of fairlearn's `MetricFrame`
//! (docs/metrics.md#grouped-report).
//!
//! `mod.rs` holds the report and its parts, `params.rs` the parameters and the computation,
//! `json.rs` the stable JSON shape.

mod json;
mod params;

use fairkit_core::Groups;

pub use params::{ComputeReport, ReportParams, ReportValidParams};

use crate::aggregate::Aggregate;
use crate::bootstrap::BootstrapValidParams;
use crate::disparity::{Disparities, Disparity, DisparitySettings, FourFifths};
use crate::small::SmallGroup;
use crate::{Confusion, Metric, ZeroDivision};

/// Everything computed for one set of groups: values overall and by group, their aggregates
/// and the named disparities. `T` is `f64` for point values and `Vec<f64>` (one entry per
/// quantile) for bootstrap intervals.
#[derive(Debug, Clone, PartialEq)]
pub struct Section<T> {
    /// Overall values, indexed by [`Metric::index`].
    pub overall: Vec<T>,
    /// `by_group[code][metric.index()]`.
    pub by_group: Vec<Vec<T>>,
    /// Aggregates over groups, indexed by [`Metric::index`].
    pub aggregates: Vec<Aggregate<T>>,
    /// The named disparities and the four-fifths rule.
    pub disparities: Disparities<T>,
}

impl<T> Section<T> {
    /// Visits every value in a fixed order.
    pub(crate) fn for_each(&self, f: &mut impl FnMut(&T)) {
        self.overall.iter().for_each(&mut *f);
        self.by_group.iter().flatten().for_each(&mut *f);
        for a in &self.aggregates {
            a.values().into_iter().for_each(&mut *f);
        }
        self.disparities.for_each(f);
    }

    /// Maps every value, in the order of [`for_each`](Self::for_each).
    pub(crate) fn map<U>(&self, f: &mut impl FnMut(&T) -> U) -> Section<U> {
        Section {
            overall: self.overall.iter().map(&mut *f).collect(),
            by_group: self
                .by_group
                .iter()
                .map(|row| row.iter().map(&mut *f).collect())
                .collect(),
            aggregates: self.aggregates.iter().map(|a| a.map(f)).collect(),
            disparities: self.disparities.map(f),
        }
    }
}

impl Section<f64> {
    /// Computes a section from per-group counts.
    pub(crate) fn compute(groups: &[Confusion], s: &Settings) -> Self {
        let mut all = Confusion::default();
        for c in groups {
            all.add(c);
        }
        let overall = all.rates(s.zero_division).to_vec();
        let by_group: Vec<Vec<f64>> = groups
            .iter()
            .map(|c| c.rates(s.zero_division).to_vec())
            .collect();
        let aggregates: Vec<Aggregate<f64>> = Metric::ALL
            .iter()
            .map(|m| {
                // Empty groups are skipped (fairlearn reports them as NaN, count included).
                let values: Vec<f64> = groups
                    .iter()
                    .zip(&by_group)
                    .map(|(c, row)| {
                        if c.rows == 0 {
                            f64::NAN
                        } else {
                            row[m.index()]
                        }
                    })
                    .collect();
                Aggregate::of(&values, overall[m.index()])
            })
            .collect();
        let disparities = Disparities::compute(&aggregates, groups, &s.disparity);
        Section {
            overall,
            by_group,
            aggregates,
            disparities,
        }
    }

    /// The value of `metric` in group `code`.
    pub fn value(&self, metric: Metric, code: u32) -> f64 {
        self.by_group[code as usize][metric.index()]
    }
}

/// Why a group's values need care (docs/metrics.md#group-sizes-and-warnings). Undefined rates
/// follow the report's [`ZeroDivision`] policy; these flags say where that happened.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Warnings {
    /// No rows at all (an empty intersection): every rate is undefined, count 0.
    pub empty: bool,
    /// Rows, but their weights sum to 0: every rate is undefined.
    pub zero_weight: bool,
    /// No actual positives: TPR and FNR are undefined (0 under [`ZeroDivision::Zero`]).
    pub no_positives: bool,
    /// No actual negatives: FPR and TNR are undefined.
    pub no_negatives: bool,
    /// No predicted positives: PPV is undefined.
    pub no_predicted_positives: bool,
    /// No predicted negatives: NPV is undefined.
    pub no_predicted_negatives: bool,
    /// Fewer rows than the report's `min_group_size` (but not empty).
    pub small: bool,
}

impl Warnings {
    /// The flags of one group's counts.
    pub fn of(c: &Confusion, min_group_size: u64) -> Self {
        if c.rows == 0 {
            return Warnings {
                empty: true,
                ..Default::default()
            };
        }
        if c.total() == 0.0 {
            return Warnings {
                zero_weight: true,
                small: c.rows < min_group_size,
                ..Default::default()
            };
        }
        Warnings {
            empty: false,
            zero_weight: false,
            no_positives: c.positives() == 0.0,
            no_negatives: c.negatives() == 0.0,
            no_predicted_positives: c.tp + c.fp == 0.0,
            no_predicted_negatives: c.tn + c.fn_ == 0.0,
            small: c.rows < min_group_size,
        }
    }

    /// The names of the flags that are set, e.g. `["no_positives", "small"]`.
    pub fn names(&self) -> Vec<&'static str> {
        [
            (self.empty, "empty"),
            (self.zero_weight, "zero_weight"),
            (self.no_positives, "no_positives"),
            (self.no_negatives, "no_negatives"),
            (self.no_predicted_positives, "no_predicted_positives"),
            (self.no_predicted_negatives, "no_predicted_negatives"),
            (self.small, "small"),
        ]
        .into_iter()
        .filter_map(|(on, name)| on.then_some(name))
        .collect()
    }

    /// Whether any flag is set.
    pub fn any(&self) -> bool {
        !self.names().is_empty()
    }
}

/// A group's sample size: rows, weight sum and warning flags.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GroupSize {
    /// Rows, unweighted.
    pub count: u64,
    /// Sum of the weights (equal to `count` when unweighted).
    pub weight: f64,
    /// Positives (weighted), `P = TP + FN`.
    pub positives: f64,
    /// Negatives (weighted), `N = FP + TN`.
    pub negatives: f64,
    /// Warning flags.
    pub warnings: Warnings,
}

impl GroupSize {
    /// The size of one group's counts.
    pub fn of(c: &Confusion, min_group_size: u64) -> Self {
        GroupSize {
            count: c.rows,
            weight: c.total(),
            positives: c.positives(),
            negatives: c.negatives(),
            warnings: Warnings::of(c, min_group_size),
        }
    }
}

/// The settings a report was computed with.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Settings {
    pub zero_division: ZeroDivision,
    pub metrics: Vec<Metric>,
    pub disparity: DisparitySettings,
}

/// The inputs of a report: row-aligned labels, predictions, groups and optional weights and
/// control features; or, with [`counts`](Self::counts), pre-aggregated rows
/// (docs/counts.md), each entry standing for several rows and its weight its rows' weight sum.
#[derive(Debug, Clone, Copy)]
pub struct ReportInput<'a> {
    /// True labels (`true` = 1).
    pub y_true: &'a [bool],
    /// Predicted labels.
    pub y_pred: &'a [bool],
    /// Sensitive groups (several columns give intersectional groups).
    pub groups: &'a Groups,
    /// Sample weights, non-negative and finite.
    pub weights: Option<&'a [f64]>,
    /// Control features: aggregations are also computed within each control level.
    pub control: Option<&'a Groups>,
    /// Row counts: entry `i` stands for `counts[i]` rows (and `weights[i]` is their weight
    /// sum); `None`: each entry is one row.
    pub counts: Option<&'a [u64]>,
    /// With counts and weights: the population variance of the weights of the rows each
    /// entry stands for, so that bootstrap resamples keep the spread of weights within an
    /// entry (docs/counts.md#bootstrap-from-cells); `None`: each entry's rows weigh the same.
    pub weight_variances: Option<&'a [f64]>,
}

impl<'a> ReportInput<'a> {
    /// Inputs without weights or control features.
    pub fn new(y_true: &'a [bool], y_pred: &'a [bool], groups: &'a Groups) -> Self {
        Self {
            y_true,
            y_pred,
            groups,
            weights: None,
            control: None,
            counts: None,
            weight_variances: None,
        }
    }

    /// With sample weights.
    pub fn weights(mut self, weights: &'a [f64]) -> Self {
        self.weights = Some(weights);
        self
    }

    /// With control features.
    pub fn control(mut self, control: &'a Groups) -> Self {
        self.control = Some(control);
        self
    }

    /// Entries are pre-aggregated: entry `i` stands for `counts[i]` rows, and the weights (if
    /// any) are weight sums. The report equals the one of the rows the counts stand for, and
    /// bootstrap resamples draw those rows (docs/counts.md#bootstrap-from-cells).
    pub fn counts(mut self, counts: &'a [u64]) -> Self {
        self.counts = Some(counts);
        self
    }

    /// With counts and weights: the variance of the weights within each entry
    /// ([`weight_variances`](Self::weight_variances)).
    pub fn weight_variances(mut self, variances: &'a [f64]) -> Self {
        self.weight_variances = Some(variances);
        self
    }
}

/// One control level's results (docs/metrics.md#control-features, oracle E5).
#[derive(Debug, Clone, PartialEq)]
pub struct ControlLevel {
    /// The control level's label.
    pub label: String,
    /// Size of the level.
    pub overall_size: GroupSize,
    /// Size of each sensitive group within the level.
    pub sizes: Vec<GroupSize>,
    /// Values, aggregates and disparities within the level.
    pub section: Section<f64>,
}

/// Results within each control level.
#[derive(Debug, Clone, PartialEq)]
pub struct ControlBreakdown {
    /// Control column names.
    pub columns: Vec<String>,
    /// One entry per control level, in the control schema's code order.
    pub levels: Vec<ControlLevel>,
}

/// Bootstrap intervals: each statistic of the report at each requested quantile.
#[derive(Debug, Clone, PartialEq)]
pub struct Intervals {
    /// The bootstrap parameters.
    pub params: BootstrapValidParams,
    /// The intervals of the whole-data section.
    pub section: Section<Vec<f64>>,
    /// The intervals of each control level (empty without control features).
    pub control: Vec<Section<Vec<f64>>>,
}

/// A grouped fairness report: per-group rates, their aggregates, named disparities, the
/// four-fifths rule, sample sizes and warnings, optionally per control level and with bootstrap
/// intervals.
///
/// Empty intersections (a combination of sensitive values with no rows) are reported with
/// count 0 and every rate undefined (NaN, serialized as `null`); fairlearn reports their count
/// as NaN too. Aggregates skip them.
///
/// ```
/// use fairkit_core::Groups;
/// use fairkit_metrics::{ComputeReport, Disparity, GroupedReport, Metric, ReportInput};
///
/// // O1 (docs/test-oracles.md#o1).
/// let g = Groups::from_labels("g", &["a", "a", "a", "a", "a", "a", "b", "b", "b", "b", "b", "b"])?;
/// let y = [1, 1, 1, 0, 0, 0, 1, 1, 0, 0, 0, 0].map(|v| v == 1);
/// let p = [1, 1, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0].map(|v| v == 1);
/// let report = GroupedReport::params().compute(ReportInput::new(&y, &p, &g))?;
/// assert_eq!(report.value(Metric::SelectionRate, 1), 1.0 / 6.0);
/// assert_eq!(report.disparity(Disparity::DemographicParityRatio), 1.0 / 3.0);
/// assert_eq!(report.four_fifths().pass(), None); // groups below 30 rows: inconclusive
/// # Ok::<(), fairkit_metrics::MetricsError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct GroupedReport {
    params: ReportValidParams,
    settings: Settings,
    columns: Vec<String>,
    labels: Vec<String>,
    overall_size: GroupSize,
    sizes: Vec<GroupSize>,
    section: Section<f64>,
    control: Option<ControlBreakdown>,
    intervals: Option<Intervals>,
}

impl GroupedReport {
    /// Default parameters, to adjust and then [`compute`](ComputeReport::compute).
    pub fn params() -> ReportParams {
        ReportParams::default()
    }

    /// The parameters the report was computed with.
    pub fn report_params(&self) -> &ReportValidParams {
        &self.params
    }

    /// The sensitive column names.
    pub fn columns(&self) -> &[String] {
        &self.columns
    }

    /// Group labels, indexed by code.
    pub fn labels(&self) -> &[String] {
        &self.labels
    }

    /// The metrics shown in `overall` / `by_group`.
    pub fn metrics(&self) -> &[Metric] {
        &self.settings.metrics
    }

    /// The whole-data section.
    pub fn section(&self) -> &Section<f64> {
        &self.section
    }

    /// The overall value of a metric.
    pub fn overall(&self, metric: Metric) -> f64 {
        self.section.overall[metric.index()]
    }

    /// The value of a metric in group `code`.
    pub fn value(&self, metric: Metric, code: u32) -> f64 {
        self.section.value(metric, code)
    }

    /// The aggregates of a metric over groups.
    pub fn aggregate(&self, metric: Metric) -> &Aggregate<f64> {
        &self.section.aggregates[metric.index()]
    }

    /// A named disparity.
    pub fn disparity(&self, d: Disparity) -> f64 {
        *self.section.disparities.get(d)
    }

    /// The groups with the highest and lowest value of the metric driving `d`
    /// (`(argmax, argmin)`); for equalized odds, of the worse of TPR and FPR.
    pub fn extreme_groups(&self, d: Disparity) -> (Option<u32>, Option<u32>) {
        let m = self.section.disparities.driving_metric(d);
        let a = self.aggregate(m);
        (a.argmax, a.argmin)
    }

    /// The four-fifths rule.
    pub fn four_fifths(&self) -> &FourFifths<f64> {
        &self.section.disparities.four_fifths
    }

    /// Size and warnings of every group, indexed by code.
    pub fn sizes(&self) -> &[GroupSize] {
        &self.sizes
    }

    /// Size of the whole data.
    pub fn overall_size(&self) -> &GroupSize {
        &self.overall_size
    }

    /// The groups too small for their rates to mean much ([`crate::small`]: fewer rows than
    /// `min_group_size`, or fewer than 10 positives or negatives), in group order.
    pub fn small_groups(&self) -> Vec<SmallGroup> {
        self.labels
            .iter()
            .zip(&self.sizes)
            .filter_map(|(label, s)| {
                SmallGroup::check(
                    label,
                    s.count,
                    s.positives,
                    s.negatives,
                    self.params.min_group_size,
                )
            })
            .collect()
    }

    /// Results within each control level, if control features were given.
    pub fn control(&self) -> Option<&ControlBreakdown> {
        self.control.as_ref()
    }

    /// Bootstrap intervals, if requested.
    pub fn intervals(&self) -> Option<&Intervals> {
        self.intervals.as_ref()
    }
}
