//! The grouped report, fairkit's analogue of fairlearn's `MetricFrame`
//! (docs/metrics.md#grouped-report).

use fairkit_core::{Error, GroupSchema, Groups};
use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};

use crate::aggregate::{Aggregate, AggregateJson, Aggregation, EqualizedOddsAgg};
use crate::bootstrap::{self, BootstrapParams};
use crate::disparity::{Disparities, DisparitiesJson, Disparity, DisparitySettings, FourFifths};
use crate::error::{Result, invalid};
use crate::ser::{CountRef, MapOf, Stat, StatRef};
use crate::small::SmallGroup;
use crate::{Confusion, ConfusionTable, Metric, ZeroDivision};

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

impl Serialize for GroupSize {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(5))?;
        map.serialize_entry("count", &self.count)?;
        map.serialize_entry("weight", &crate::ser::Num(self.weight))?;
        map.serialize_entry("positives", &crate::ser::Num(self.positives))?;
        map.serialize_entry("negatives", &crate::ser::Num(self.negatives))?;
        map.serialize_entry("warnings", &self.warnings.names())?;
        map.end()
    }
}

/// The settings a report was computed with.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Settings {
    pub zero_division: ZeroDivision,
    pub metrics: Vec<Metric>,
    pub disparity: DisparitySettings,
}

/// Parameters of a [`GroupedReport`], built with consuming setters from
/// [`GroupedReport::params`].
///
/// | name | default | meaning |
/// |---|---|---|
/// | `zero_division` | [`ZeroDivision::Zero`] | what TPR, FPR, … become with a zero denominator |
/// | `method` | [`Aggregation::BetweenGroups`] | how named disparities compare groups |
/// | `equalized_odds_agg` | [`EqualizedOddsAgg::WorstCase`] | how equalized odds combines TPR and FPR |
/// | `metrics` | [`Metric::REPORT`] | the metrics shown in `overall` / `by_group` (all are computed) |
/// | `four_fifths_threshold` | 0.8 | the four-fifths rule fails below it (strict) |
/// | `min_group_size` | 30 | non-empty groups below it make the rule inconclusive and are flagged `small` |
/// | `bootstrap` | none | bootstrap confidence intervals ([`BootstrapParams`]) |
#[derive(Debug, Clone, PartialEq)]
pub struct ReportParams {
    zero_division: ZeroDivision,
    method: Aggregation,
    eo_agg: EqualizedOddsAgg,
    metrics: Vec<Metric>,
    threshold: f64,
    min_group_size: u64,
    bootstrap: Option<BootstrapParams>,
}

impl Default for ReportParams {
    fn default() -> Self {
        Self {
            zero_division: ZeroDivision::Zero,
            method: Aggregation::BetweenGroups,
            eo_agg: EqualizedOddsAgg::WorstCase,
            metrics: Metric::REPORT.to_vec(),
            threshold: 0.8,
            min_group_size: 30,
            bootstrap: None,
        }
    }
}

/// The inputs of a report: row-aligned labels, predictions, groups and optional weights and
/// control features.
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
}

impl ReportParams {
    /// Sets the zero-division policy.
    pub fn zero_division(mut self, z: ZeroDivision) -> Self {
        self.zero_division = z;
        self
    }

    /// Sets how named disparities compare groups.
    pub fn method(mut self, method: Aggregation) -> Self {
        self.method = method;
        self
    }

    /// Sets how equalized odds combines its two parts.
    pub fn equalized_odds_agg(mut self, agg: EqualizedOddsAgg) -> Self {
        self.eo_agg = agg;
        self
    }

    /// Sets the metrics shown in `overall` and `by_group`.
    pub fn metrics(mut self, metrics: Vec<Metric>) -> Self {
        self.metrics = metrics;
        self
    }

    /// Sets the four-fifths threshold.
    pub fn four_fifths_threshold(mut self, threshold: f64) -> Self {
        self.threshold = threshold;
        self
    }

    /// Sets the smallest group size that gives a conclusive four-fifths outcome.
    pub fn min_group_size(mut self, n: u64) -> Self {
        self.min_group_size = n;
        self
    }

    /// Requests bootstrap confidence intervals.
    pub fn bootstrap(mut self, b: BootstrapParams) -> Self {
        self.bootstrap = Some(b);
        self
    }

    /// The comparison method's snake_case name, e.g. `"between_groups"`.
    pub fn method_name(&self) -> &'static str {
        match self.method {
            Aggregation::BetweenGroups => "between_groups",
            Aggregation::ToOverall => "to_overall",
        }
    }

    fn check(&self) -> Result<Settings> {
        if !(self.threshold.is_finite() && self.threshold > 0.0) {
            return Err(invalid(
                "four_fifths_threshold",
                self.threshold,
                "must be positive and finite",
            ));
        }
        if self.metrics.is_empty() {
            return Err(invalid(
                "metrics",
                "(none)",
                "at least one metric is needed",
            ));
        }
        if let Some(b) = &self.bootstrap {
            b.check()?;
        }
        Ok(Settings {
            zero_division: self.zero_division,
            metrics: self.metrics.clone(),
            disparity: DisparitySettings {
                method: self.method,
                eo_agg: self.eo_agg,
                threshold: self.threshold,
                min_group_size: self.min_group_size,
            },
        })
    }

    /// Computes the report.
    ///
    /// # Errors
    /// No rows, inputs of different lengths, invalid weights, invalid parameters, or a schema
    /// with too many (control × sensitive) combinations.
    pub fn compute(&self, input: ReportInput<'_>) -> Result<GroupedReport> {
        let settings = self.check()?;
        let n = input.y_true.len();
        if n == 0 {
            return Err(Error::Empty {
                what: "y_true".into(),
            }
            .into());
        }
        Error::check_len("y_pred", n, input.y_pred.len())?;
        Error::check_len("sensitive groups", n, input.groups.len())?;
        let n_sens = input.groups.n_groups();
        let combined;
        let (codes, n_ctrl) = match input.control {
            None => (input.groups.codes(), None),
            Some(control) => {
                Error::check_len("control groups", n, control.len())?;
                let n_ctrl = control.n_groups();
                if (n_ctrl as u64) * (n_sens as u64) > u32::MAX as u64 {
                    return Err(invalid(
                        "control",
                        control.schema().columns().join(","),
                        "too many control x sensitive combinations",
                    ));
                }
                combined = control
                    .codes()
                    .iter()
                    .zip(input.groups.codes())
                    .map(|(&c, &s)| c * n_sens as u32 + s)
                    .collect::<Vec<u32>>();
                (&combined[..], Some(n_ctrl))
            }
        };
        let n_cells = n_sens * n_ctrl.unwrap_or(1);
        // Codes of a `Groups` (and their combinations) are below the group count by construction.
        let table = ConfusionTable::accumulate_valid_codes(
            input.y_true,
            input.y_pred,
            codes,
            n_cells,
            input.weights,
        )?;
        let mut report = self.assemble(
            &settings,
            &table,
            input.groups.schema(),
            input.control.map(Groups::schema),
        );
        if let Some(b) = &self.bootstrap {
            let point = &report;
            let stats = |t: &ConfusionTable| {
                let mut out = Vec::new();
                let (top, levels) = sections(t, n_sens, n_ctrl, &settings);
                top.for_each(&mut |v| out.push(*v));
                for s in &levels {
                    s.for_each(&mut |v| out.push(*v));
                }
                out
            };
            let q = bootstrap::run(
                b,
                input.y_true,
                input.y_pred,
                codes,
                n_cells,
                input.weights,
                stats,
            )?;
            let mut k = 0;
            let mut next = |_: &f64| {
                k += 1;
                q[k - 1].clone()
            };
            let section = point.section.map(&mut next);
            let control = point
                .control
                .as_ref()
                .map(|c| c.levels.iter().map(|l| l.section.map(&mut next)).collect())
                .unwrap_or_default();
            report.intervals = Some(Intervals {
                params: b.clone(),
                section,
                control,
            });
        }
        Ok(report)
    }

    /// A report from counts accumulated elsewhere (shards, streams), without intervals.
    ///
    /// # Errors
    /// A table whose group count differs from the schema's, or invalid parameters.
    pub fn from_table(
        &self,
        table: &ConfusionTable,
        schema: &GroupSchema,
    ) -> Result<GroupedReport> {
        let settings = self.check()?;
        Error::check_len("groups of the table", schema.n_groups(), table.n_groups())?;
        Ok(self.assemble(&settings, table, schema, None))
    }

    fn assemble(
        &self,
        settings: &Settings,
        table: &ConfusionTable,
        schema: &GroupSchema,
        control: Option<&GroupSchema>,
    ) -> GroupedReport {
        let n_sens = schema.n_groups();
        let n_ctrl = control.map(GroupSchema::n_groups);
        let (section, level_sections) = sections(table, n_sens, n_ctrl, settings);
        let min = self.min_group_size;
        let sizes_of = |groups: &[Confusion]| -> (GroupSize, Vec<GroupSize>) {
            let mut all = Confusion::default();
            groups.iter().for_each(|c| all.add(c));
            (
                GroupSize::of(&all, min),
                groups.iter().map(|c| GroupSize::of(c, min)).collect(),
            )
        };
        let (overall_size, sizes) = sizes_of(&sensitive_totals(table, n_sens));
        let control = control.map(|cs| ControlBreakdown {
            columns: cs.columns().to_vec(),
            levels: level_sections
                .into_iter()
                .enumerate()
                .map(|(c, section)| {
                    let groups: Vec<Confusion> =
                        (0..n_sens).map(|g| table.group(c * n_sens + g)).collect();
                    let (overall_size, sizes) = sizes_of(&groups);
                    ControlLevel {
                        label: cs.label(c as u32),
                        overall_size,
                        sizes,
                        section,
                    }
                })
                .collect(),
        });
        GroupedReport {
            params: self.clone(),
            settings: settings.clone(),
            columns: schema.columns().to_vec(),
            labels: schema.labels(),
            overall_size,
            sizes,
            section,
            control,
            intervals: None,
        }
    }
}

/// Per sensitive group counts summed over control levels.
fn sensitive_totals(table: &ConfusionTable, n_sens: usize) -> Vec<Confusion> {
    let mut groups = vec![Confusion::default(); n_sens];
    for k in 0..table.n_groups() {
        groups[k % n_sens].add(&table.group(k));
    }
    groups
}

/// The overall section and one section per control level.
fn sections(
    table: &ConfusionTable,
    n_sens: usize,
    n_ctrl: Option<usize>,
    s: &Settings,
) -> (Section<f64>, Vec<Section<f64>>) {
    let top = Section::compute(&sensitive_totals(table, n_sens), s);
    let levels = (0..n_ctrl.unwrap_or(0))
        .map(|c| {
            let groups: Vec<Confusion> = (0..n_sens).map(|g| table.group(c * n_sens + g)).collect();
            Section::compute(&groups, s)
        })
        .collect();
    (top, levels)
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
    pub params: BootstrapParams,
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
/// use fairkit_metrics::{Disparity, GroupedReport, Metric, ReportInput};
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
    params: ReportParams,
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
    /// Default parameters, to adjust and then [`compute`](ReportParams::compute).
    pub fn params() -> ReportParams {
        ReportParams::default()
    }

    /// The parameters the report was computed with.
    pub fn report_params(&self) -> &ReportParams {
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

/// Writes a [`Section`] into an open map: `overall`, `by_group`, `disparities`, `aggregates`.
struct SectionWriter<'a, T> {
    section: &'a Section<T>,
    labels: &'a [String],
    metrics: &'a [Metric],
}

impl<T: Stat> SectionWriter<'_, T> {
    fn metric_map<'b>(&'b self, row: &'b [T]) -> impl Serialize + 'b {
        MapOf(move || {
            self.metrics
                .iter()
                .map(move |&m| (m.name(), ValueRef(m, &row[m.index()])))
        })
    }

    fn write_values<M: SerializeMap>(&self, map: &mut M) -> std::result::Result<(), M::Error> {
        map.serialize_entry("overall", &self.metric_map(&self.section.overall))?;
        let by_group = MapOf(|| {
            self.labels
                .iter()
                .zip(&self.section.by_group)
                .map(|(l, row)| (l.as_str(), self.metric_map(row)))
        });
        map.serialize_entry("by_group", &by_group)
    }

    fn write_disparities<M: SerializeMap>(&self, map: &mut M) -> std::result::Result<(), M::Error> {
        let d = DisparitiesJson {
            disparities: &self.section.disparities,
            labels: self.labels,
            aggregates: &self.section.aggregates,
        };
        map.serialize_entry("disparities", &d)
    }

    fn write_aggregates<M: SerializeMap>(&self, map: &mut M) -> std::result::Result<(), M::Error> {
        let aggs = MapOf(|| {
            self.metrics.iter().map(|&m| {
                let a = AggregateJson {
                    aggregate: &self.section.aggregates[m.index()],
                    labels: self.labels,
                };
                (m.name(), a)
            })
        });
        map.serialize_entry("aggregates", &aggs)
    }
}

/// A metric's value, serialized as an integer for counts.
struct ValueRef<'a, T>(Metric, &'a T);

impl<T: Stat> Serialize for ValueRef<'_, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        if self.0 == Metric::Count {
            CountRef(self.1).serialize(serializer)
        } else {
            StatRef(self.1).serialize(serializer)
        }
    }
}

/// Sizes of a set of groups: `{"overall": {...}, "by_group": {label: {...}}}`.
struct SizesJson<'a> {
    overall: &'a GroupSize,
    sizes: &'a [GroupSize],
    labels: &'a [String],
}

impl Serialize for SizesJson<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(2))?;
        map.serialize_entry("overall", self.overall)?;
        let by_group = MapOf(|| self.labels.iter().map(String::as_str).zip(self.sizes));
        map.serialize_entry("by_group", &by_group)?;
        map.end()
    }
}

/// A control level: its section and sizes.
struct LevelJson<'a, T> {
    writer: SectionWriter<'a, T>,
    sizes: Option<SizesJson<'a>>,
}

impl<T: Stat> Serialize for LevelJson<'_, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        self.writer.write_values(&mut map)?;
        self.writer.write_disparities(&mut map)?;
        if let Some(sizes) = &self.sizes {
            map.serialize_entry("sizes", sizes)?;
        }
        self.writer.write_aggregates(&mut map)?;
        map.end()
    }
}

/// Control levels keyed by label.
struct ControlJson<'a, T> {
    columns: &'a [String],
    levels: Vec<(&'a str, LevelJson<'a, T>)>,
}

impl<T: Stat> Serialize for ControlJson<'_, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(2))?;
        map.serialize_entry("columns", self.columns)?;
        let levels = MapOf(|| self.levels.iter().map(|(l, v)| (*l, v)));
        map.serialize_entry("levels", &levels)?;
        map.end()
    }
}

impl GroupedReport {
    fn writer<'a, T>(&'a self, section: &'a Section<T>) -> SectionWriter<'a, T> {
        SectionWriter {
            section,
            labels: &self.labels,
            metrics: &self.settings.metrics,
        }
    }
}

/// The intervals block.
struct IntervalsJson<'a>(&'a GroupedReport, &'a Intervals);

impl Serialize for IntervalsJson<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        let (report, iv) = (self.0, self.1);
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("n_boot", &iv.params.n_boot)?;
        map.serialize_entry("seed", &iv.params.seed)?;
        map.serialize_entry("quantiles", &iv.params.quantiles)?;
        let w = report.writer(&iv.section);
        w.write_values(&mut map)?;
        w.write_disparities(&mut map)?;
        w.write_aggregates(&mut map)?;
        if let Some(control) = &report.control {
            let levels = control
                .levels
                .iter()
                .zip(&iv.control)
                .map(|(l, s)| {
                    let level = LevelJson {
                        writer: report.writer(s),
                        sizes: None,
                    };
                    (l.label.as_str(), level)
                })
                .collect();
            let c = ControlJson {
                columns: &control.columns,
                levels,
            };
            map.serialize_entry("control", &c)?;
        }
        map.end()
    }
}

/// The stable JSON shape of every fairkit report: `overall`, `by_group` (keyed by group label,
/// in schema order), `disparities` (with `four_fifths` and `extreme_groups`), `intervals` (only
/// when bootstrapped), then `sizes` (counts, weight sums and warning flags), `aggregates` (per
/// metric min / max / difference / ratio and the groups attaining them), `settings`, with
/// control features `control`, and last `warnings` (the [small groups](crate::small), each with
/// its counts and a message). Undefined values are `null`.
impl Serialize for GroupedReport {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        let w = self.writer(&self.section);
        w.write_values(&mut map)?;
        w.write_disparities(&mut map)?;
        if let Some(iv) = &self.intervals {
            map.serialize_entry("intervals", &IntervalsJson(self, iv))?;
        }
        let sizes = SizesJson {
            overall: &self.overall_size,
            sizes: &self.sizes,
            labels: &self.labels,
        };
        map.serialize_entry("sizes", &sizes)?;
        w.write_aggregates(&mut map)?;
        map.serialize_entry("settings", &SettingsJson(&self.params))?;
        if let Some(control) = &self.control {
            let levels = control
                .levels
                .iter()
                .map(|l| {
                    let level = LevelJson {
                        writer: self.writer(&l.section),
                        sizes: Some(SizesJson {
                            overall: &l.overall_size,
                            sizes: &l.sizes,
                            labels: &self.labels,
                        }),
                    };
                    (l.label.as_str(), level)
                })
                .collect();
            let c = ControlJson {
                columns: &control.columns,
                levels,
            };
            map.serialize_entry("control", &c)?;
        }
        map.serialize_entry("warnings", &self.small_groups())?;
        map.end()
    }
}

/// The settings block.
struct SettingsJson<'a>(&'a ReportParams);

impl Serialize for SettingsJson<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        let p = self.0;
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("method", &p.method)?;
        map.serialize_entry("equalized_odds_agg", &p.eo_agg)?;
        map.serialize_entry("zero_division", &p.zero_division)?;
        map.serialize_entry("four_fifths_threshold", &p.threshold)?;
        map.serialize_entry("min_group_size", &p.min_group_size)?;
        map.end()
    }
}
