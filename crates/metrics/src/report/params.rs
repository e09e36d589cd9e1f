//! The parameters of a report (linfa's idiom: [`ReportParams`] checked into
//! [`ReportValidParams`]) and the computation.

use fairkit_core::{Error, GroupSchema, Groups};
use linfa::ParamGuard;

use super::{
    ControlBreakdown, ControlLevel, GroupSize, GroupedReport, Intervals, ReportInput, Section,
    Settings,
};
use crate::aggregate::{Aggregation, EqualizedOddsAgg};
use crate::bootstrap::{self, BootstrapParams, BootstrapValidParams, CellBootstrap};
use crate::counts::cell;
use crate::disparity::DisparitySettings;
use crate::error::{MetricsError, Result, invalid};
use crate::{Confusion, ConfusionTable, Metric, ZeroDivision};

/// The checked parameters of a [`GroupedReport`] (see [`ReportParams`]); they compute
/// reports ([`ComputeReport`]).
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
pub struct ReportValidParams {
    pub(super) zero_division: ZeroDivision,
    pub(super) method: Aggregation,
    pub(super) eo_agg: EqualizedOddsAgg,
    pub(super) metrics: Vec<Metric>,
    pub(super) threshold: f64,
    pub(super) min_group_size: u64,
    pub(super) bootstrap: Option<BootstrapValidParams>,
}

impl Default for ReportValidParams {
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

/// The unchecked parameters of a [`GroupedReport`], a consuming builder (linfa's idiom) made
/// by [`GroupedReport::params`]: [`check`](ParamGuard::check) gives the
/// [`ReportValidParams`], and [`ComputeReport`] computes with either.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReportParams(ReportValidParams);

impl ReportParams {
    /// Sets the zero-division policy.
    pub fn zero_division(mut self, z: ZeroDivision) -> Self {
        self.0.zero_division = z;
        self
    }

    /// Sets how named disparities compare groups.
    pub fn method(mut self, method: Aggregation) -> Self {
        self.0.method = method;
        self
    }

    /// Sets how equalized odds combines its two parts.
    pub fn equalized_odds_agg(mut self, agg: EqualizedOddsAgg) -> Self {
        self.0.eo_agg = agg;
        self
    }

    /// Sets the metrics shown in `overall` and `by_group`.
    pub fn metrics(mut self, metrics: Vec<Metric>) -> Self {
        self.0.metrics = metrics;
        self
    }

    /// Sets the four-fifths threshold.
    pub fn four_fifths_threshold(mut self, threshold: f64) -> Self {
        self.0.threshold = threshold;
        self
    }

    /// Sets the smallest group size that gives a conclusive four-fifths outcome.
    pub fn min_group_size(mut self, n: u64) -> Self {
        self.0.min_group_size = n;
        self
    }

    /// Requests bootstrap confidence intervals.
    pub fn bootstrap(mut self, b: BootstrapParams) -> Self {
        self.0.bootstrap = Some(b.0);
        self
    }
}

impl ParamGuard for ReportParams {
    type Checked = ReportValidParams;
    type Error = MetricsError;

    /// Validates the parameters.
    ///
    /// # Errors
    /// A four-fifths threshold that is not positive and finite, no metrics, or invalid
    /// bootstrap parameters.
    fn check_ref(&self) -> Result<&ReportValidParams> {
        let p = &self.0;
        if !(p.threshold.is_finite() && p.threshold > 0.0) {
            return Err(invalid(
                "four_fifths_threshold",
                p.threshold,
                "must be positive and finite",
            ));
        }
        if p.metrics.is_empty() {
            return Err(invalid(
                "metrics",
                "(none)",
                "at least one metric is needed",
            ));
        }
        if let Some(b) = &p.bootstrap {
            bootstrap::check(b)?;
        }
        Ok(p)
    }

    fn check(self) -> Result<ReportValidParams> {
        self.check_ref()?;
        Ok(self.0)
    }
}

/// What computes a report: the checked parameters, and through linfa's [`ParamGuard`] the
/// unchecked ones, which check themselves first.
pub trait ComputeReport {
    /// Computes the report.
    ///
    /// # Errors
    /// No rows, inputs of different lengths, invalid weights, invalid parameters, or a schema
    /// with too many (control × sensitive) combinations.
    fn compute(&self, input: ReportInput<'_>) -> Result<GroupedReport>;

    /// A report from counts accumulated elsewhere (shards, streams), without intervals.
    ///
    /// # Errors
    /// A table whose group count differs from the schema's, or invalid parameters.
    fn compute_table(&self, table: &ConfusionTable, schema: &GroupSchema) -> Result<GroupedReport>;
}

impl<P> ComputeReport for P
where
    P: ParamGuard<Checked = ReportValidParams, Error = MetricsError>,
{
    fn compute(&self, input: ReportInput<'_>) -> Result<GroupedReport> {
        self.check_ref()?.compute(input)
    }

    fn compute_table(&self, table: &ConfusionTable, schema: &GroupSchema) -> Result<GroupedReport> {
        self.check_ref()?.compute_table(table, schema)
    }
}

impl ReportValidParams {
    /// The comparison method's snake_case name, e.g. `"between_groups"`.
    pub fn method_name(&self) -> &'static str {
        match self.method {
            Aggregation::BetweenGroups => "between_groups",
            Aggregation::ToOverall => "to_overall",
        }
    }

    /// The bootstrap parameters, if intervals were asked for.
    pub fn bootstrap_params(&self) -> Option<&BootstrapValidParams> {
        self.bootstrap.as_ref()
    }

    /// The settings of the sections.
    fn settings(&self) -> Settings {
        Settings {
            zero_division: self.zero_division,
            metrics: self.metrics.clone(),
            disparity: DisparitySettings {
                method: self.method,
                eo_agg: self.eo_agg,
                threshold: self.threshold,
                min_group_size: self.min_group_size,
            },
        }
    }
}

impl ComputeReport for ReportValidParams {
    fn compute(&self, input: ReportInput<'_>) -> Result<GroupedReport> {
        let settings = self.settings();
        let n = input.y_true.len();
        if let Some(c) = input.counts {
            Error::check_len("counts", n, c.len())?;
        }
        let rows: u64 = input.counts.map_or(n as u64, |c| {
            c.iter().fold(0u64, |a, &c| a.saturating_add(c))
        });
        if rows == 0 {
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
        let table = match input.counts {
            None => ConfusionTable::accumulate_valid_codes(
                input.y_true,
                input.y_pred,
                codes,
                n_cells,
                input.weights,
            )?,
            Some(counts) => ConfusionTable::from_counts(
                input.y_true,
                input.y_pred,
                codes,
                n_cells,
                counts,
                input.weights,
            )?,
        };
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
            let q = match input.counts {
                None => bootstrap::run(
                    b,
                    input.y_true,
                    input.y_pred,
                    codes,
                    n_cells,
                    input.weights,
                    stats,
                )?,
                Some(counts) => {
                    // The multinomial over the listed rows: O(listed rows) per resample,
                    // whatever the counts add up to (docs/counts.md#bootstrap-from-cells).
                    let keys: Vec<u32> = (0..n)
                        .map(|i| 4 * codes[i] + cell(input.y_true[i], input.y_pred[i]) as u32)
                        .collect();
                    let r = CellBootstrap::new(
                        &keys,
                        counts,
                        4 * n_cells,
                        input.weights,
                        input.weight_variances,
                    );
                    bootstrap::run_cells(b, &r, stats)?
                }
            };
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

    fn compute_table(&self, table: &ConfusionTable, schema: &GroupSchema) -> Result<GroupedReport> {
        let settings = self.settings();
        Error::check_len("groups of the table", schema.n_groups(), table.n_groups())?;
        Ok(self.assemble(&settings, table, schema, None))
    }
}

impl ReportValidParams {
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
