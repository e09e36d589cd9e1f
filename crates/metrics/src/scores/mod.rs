//! Score metrics by group (docs/metrics.md#score-metrics): ROC AUC, average precision, Brier
//! score, log loss and expected calibration error, overall and per group, with their
//! aggregates over groups (differences and ratios as the label metrics,
//! docs/metrics.md#aggregations), bootstrap intervals (docs/metrics.md#bootstrap-intervals)
//! and a calibration curve per group (docs/metrics.md#calibration-curve). Every value follows
//! scikit-learn's definition (`roc_auc_score`, `average_precision_score`, `brier_score_loss`,
//! `log_loss`, `calibration_curve`).
//!
//! ```
//! use fairkit_core::Groups;
//! use fairkit_metrics::scores::{ScoreInput, ScoreMetric, ScoreReport};
//!
//! let g = Groups::from_labels("g", &["a", "a", "a", "b", "b", "b"])?;
//! let y = [true, false, true, true, false, false];
//! let s = [0.9, 0.2, 0.4, 0.8, 0.8, 0.1];
//! let report = ScoreReport::params().compute(ScoreInput::new(&y, &s, &g))?;
//! assert_eq!(report.value(ScoreMetric::RocAuc, 0), 1.0);
//! assert_eq!(report.value(ScoreMetric::RocAuc, 1), 0.75); // a tied pair counts one half
//! assert_eq!(report.aggregate(ScoreMetric::RocAuc).difference, 0.25);
//! # Ok::<(), fairkit_metrics::MetricsError>(())
//! ```

mod json;
mod metrics;

use fairkit_core::{Error, Groups};
use linfa::ParamGuard;

pub use json::CompactScores;
pub use metrics::{Binning, CalibrationCurve};

use crate::Aggregate;
use crate::bootstrap::{self, BootstrapParams, BootstrapValidParams};
use crate::error::{MetricsError, Result, invalid};
use metrics::Rows;

/// A score metric.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ScoreMetric {
    /// Area under the ROC curve (`roc_auc_score`); undefined with one class only.
    RocAuc,
    /// Average precision (`average_precision_score`).
    AveragePrecision,
    /// Brier score (`brier_score_loss`).
    Brier,
    /// Log loss (`log_loss` with labels 0 and 1).
    LogLoss,
    /// Expected calibration error over the uniform bins of the calibration curve.
    Ece,
}

impl ScoreMetric {
    /// Every score metric, in report order.
    pub const ALL: [ScoreMetric; 5] = [
        ScoreMetric::RocAuc,
        ScoreMetric::AveragePrecision,
        ScoreMetric::Brier,
        ScoreMetric::LogLoss,
        ScoreMetric::Ece,
    ];

    /// The position in [`ALL`](Self::ALL).
    pub fn index(self) -> usize {
        self as usize
    }

    /// The snake_case name used in JSON and CSV, e.g. `roc_auc`.
    pub fn name(self) -> &'static str {
        match self {
            ScoreMetric::RocAuc => "roc_auc",
            ScoreMetric::AveragePrecision => "average_precision",
            ScoreMetric::Brier => "brier",
            ScoreMetric::LogLoss => "log_loss",
            ScoreMetric::Ece => "ece",
        }
    }

    /// The column header of tables, e.g. `AUC`.
    pub fn short(self) -> &'static str {
        match self {
            ScoreMetric::RocAuc => "AUC",
            ScoreMetric::AveragePrecision => "AP",
            ScoreMetric::Brier => "Brier",
            ScoreMetric::LogLoss => "log loss",
            ScoreMetric::Ece => "ECE",
        }
    }
}

/// Checks rows given to the score metrics: equal lengths, at least one row, scores finite
/// probabilities in `[0, 1]`, weights as everywhere ([`Error::check_weights`]).
fn check_rows(y: &[bool], s: &[f64], w: Option<&[f64]>) -> Result<()> {
    if y.is_empty() {
        return Err(Error::Empty {
            what: "y_true".into(),
        }
        .into());
    }
    Error::check_len("scores", y.len(), s.len())?;
    if let Some(w) = w {
        Error::check_len("sample weights", y.len(), w.len())?;
        Error::check_weights(w)?;
    }
    if let Some((row, v)) = s
        .iter()
        .enumerate()
        .find(|(_, v)| !(v.is_finite() && (0.0..=1.0).contains(*v)))
    {
        return Err(invalid(
            "scores",
            v,
            &format!("row {row}: a score must be a probability in [0, 1]"),
        ));
    }
    Ok(())
}

macro_rules! single_metric {
    ($(#[$doc:meta])* $name:ident, $f:expr) => {
        $(#[$doc])*
        ///
        /// # Errors
        /// No rows, lengths that differ, a score outside `[0, 1]` or invalid weights.
        pub fn $name(y_true: &[bool], scores: &[f64], weights: Option<&[f64]>) -> Result<f64> {
            check_rows(y_true, scores, weights)?;
            let f: fn(&Rows<'_>) -> f64 = $f;
            Ok(f(&Rows { y: y_true, s: scores, w: weights }))
        }
    };
}

single_metric!(
    /// ROC AUC (docs/metrics.md#roc-auc), NaN with one class only.
    roc_auc,
    metrics::roc_auc
);
single_metric!(
    /// Average precision (docs/metrics.md#average-precision).
    average_precision,
    metrics::average_precision
);
single_metric!(
    /// Brier score (docs/metrics.md#brier-score).
    brier_score,
    metrics::brier
);
single_metric!(
    /// Log loss (docs/metrics.md#log-loss).
    log_loss,
    metrics::log_loss
);

/// The calibration curve of `n_bins` bins (docs/metrics.md#calibration-curve).
///
/// # Errors
/// As [`roc_auc`], or `n_bins = 0`.
pub fn calibration_curve(
    y_true: &[bool],
    scores: &[f64],
    weights: Option<&[f64]>,
    binning: Binning,
    n_bins: usize,
) -> Result<CalibrationCurve> {
    check_rows(y_true, scores, weights)?;
    check_bins(n_bins)?;
    Ok(metrics::calibration_curve(
        &Rows {
            y: y_true,
            s: scores,
            w: weights,
        },
        binning,
        n_bins,
    ))
}

/// The most bins of a calibration curve.
pub const MAX_BINS: usize = 10_000;

fn check_bins(n_bins: usize) -> Result<()> {
    if n_bins == 0 || n_bins > MAX_BINS {
        return Err(invalid(
            "n_bins",
            n_bins,
            &format!("must be between 1 and {MAX_BINS}"),
        ));
    }
    Ok(())
}

/// The inputs of a score report: row-aligned labels, scores, groups, optional weights and
/// optional predicted labels (which only align the bootstrap resamples with the label
/// report's: see [`ScoreValidParams::compute`]).
#[derive(Debug, Clone, Copy)]
pub struct ScoreInput<'a> {
    /// True labels (`true` = 1).
    pub y_true: &'a [bool],
    /// Scores: the predicted probability of label 1, in `[0, 1]`.
    pub scores: &'a [f64],
    /// Sensitive groups.
    pub groups: &'a Groups,
    /// Sample weights.
    pub weights: Option<&'a [f64]>,
    /// Predicted labels, for resamples identical to the label report's.
    pub y_pred: Option<&'a [bool]>,
}

impl<'a> ScoreInput<'a> {
    /// Inputs without weights or predictions.
    pub fn new(y_true: &'a [bool], scores: &'a [f64], groups: &'a Groups) -> Self {
        Self {
            y_true,
            scores,
            groups,
            weights: None,
            y_pred: None,
        }
    }

    /// With sample weights.
    pub fn weights(mut self, weights: &'a [f64]) -> Self {
        self.weights = Some(weights);
        self
    }

    /// With the predicted labels of the same rows.
    pub fn predictions(mut self, y_pred: &'a [bool]) -> Self {
        self.y_pred = Some(y_pred);
        self
    }
}

/// Checked parameters of a [`ScoreReport`]: `n_bins` (default 10) bins of the calibration
/// curves and the ECE, and optional bootstrap intervals.
#[derive(Debug, Clone, PartialEq)]
pub struct ScoreValidParams {
    n_bins: usize,
    bootstrap: Option<BootstrapValidParams>,
}

impl Default for ScoreValidParams {
    fn default() -> Self {
        Self {
            n_bins: 10,
            bootstrap: None,
        }
    }
}

/// Unchecked parameters of a [`ScoreReport`] (linfa's idiom, as
/// [`ReportParams`](crate::ReportParams)).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ScoreParams(ScoreValidParams);

impl ScoreParams {
    /// Sets the number of bins of the calibration curves and the ECE.
    pub fn n_bins(mut self, n_bins: usize) -> Self {
        self.0.n_bins = n_bins;
        self
    }

    /// Requests bootstrap intervals.
    pub fn bootstrap(mut self, b: BootstrapParams) -> Self {
        self.0.bootstrap = Some(b.0);
        self
    }

    /// Bootstrap intervals with already checked parameters (e.g. a label report's).
    pub fn bootstrap_valid(mut self, b: Option<BootstrapValidParams>) -> Self {
        self.0.bootstrap = b;
        self
    }

    /// Checks the parameters and computes the report.
    ///
    /// # Errors
    /// As [`ScoreValidParams::compute`], and invalid parameters.
    pub fn compute(&self, input: ScoreInput<'_>) -> Result<ScoreReport> {
        self.check_ref()?.compute(input)
    }
}

impl ParamGuard for ScoreParams {
    type Checked = ScoreValidParams;
    type Error = MetricsError;

    /// Validates the parameters.
    ///
    /// # Errors
    /// `n_bins` outside `1..=MAX_BINS` or invalid bootstrap parameters.
    fn check_ref(&self) -> Result<&ScoreValidParams> {
        check_bins(self.0.n_bins)?;
        if let Some(b) = &self.0.bootstrap {
            bootstrap::check(b)?;
        }
        Ok(&self.0)
    }

    fn check(self) -> Result<ScoreValidParams> {
        self.check_ref()?;
        Ok(self.0)
    }
}

/// Values overall, by group and their aggregates over groups; `T` is `f64` for point values
/// and `Vec<f64>` (one entry per quantile) for intervals.
#[derive(Debug, Clone, PartialEq)]
pub struct ScoreSection<T> {
    /// Overall values, indexed by [`ScoreMetric::index`].
    pub overall: Vec<T>,
    /// `by_group[code][metric.index()]`.
    pub by_group: Vec<Vec<T>>,
    /// Aggregates over groups (undefined group values skipped), by [`ScoreMetric::index`].
    pub aggregates: Vec<Aggregate<T>>,
}

impl ScoreSection<f64> {
    fn compute(overall: [f64; 5], by_group: Vec<[f64; 5]>) -> Self {
        let aggregates = ScoreMetric::ALL
            .iter()
            .map(|m| {
                let v: Vec<f64> = by_group.iter().map(|row| row[m.index()]).collect();
                Aggregate::of(&v, overall[m.index()])
            })
            .collect();
        ScoreSection {
            overall: overall.to_vec(),
            by_group: by_group.into_iter().map(|r| r.to_vec()).collect(),
            aggregates,
        }
    }

    fn flatten(&self) -> Vec<f64> {
        let mut out = self.overall.clone();
        self.by_group.iter().for_each(|r| out.extend(r));
        for a in &self.aggregates {
            out.extend(a.values().into_iter().copied());
        }
        out
    }

    fn unflatten(&self, q: &[Vec<f64>]) -> ScoreSection<Vec<f64>> {
        let mut it = q.iter().cloned();
        let mut next = |_: &f64| it.next().unwrap_or_default();
        ScoreSection {
            overall: self.overall.iter().map(&mut next).collect(),
            by_group: self
                .by_group
                .iter()
                .map(|r| r.iter().map(&mut next).collect())
                .collect(),
            aggregates: self.aggregates.iter().map(|a| a.map(&mut next)).collect(),
        }
    }
}

/// The sample size of a group: rows, positives and weight.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ScoreSize {
    /// Rows.
    pub count: u64,
    /// Rows with label 1.
    pub positives: u64,
    /// Sum of the weights (the row count without weights).
    pub weight: f64,
}

/// The calibration curves of a group: uniform and quantile bins.
#[derive(Debug, Clone, PartialEq)]
pub struct Calibration {
    /// Uniform bins (those of the ECE).
    pub uniform: CalibrationCurve,
    /// Quantile bins.
    pub quantile: CalibrationCurve,
}

/// Bootstrap intervals of every value of a [`ScoreSection`].
#[derive(Debug, Clone, PartialEq)]
pub struct ScoreIntervals {
    /// The bootstrap parameters.
    pub params: BootstrapValidParams,
    /// Each value at each quantile.
    pub section: ScoreSection<Vec<f64>>,
}

/// Score metrics by group: values, aggregates, sizes, calibration curves and bootstrap
/// intervals (docs/metrics.md#score-metrics).
#[derive(Debug, Clone, PartialEq)]
pub struct ScoreReport {
    n_bins: usize,
    weighted: bool,
    columns: Vec<String>,
    labels: Vec<String>,
    overall_size: ScoreSize,
    sizes: Vec<ScoreSize>,
    section: ScoreSection<f64>,
    overall_calibration: Calibration,
    calibration: Vec<Option<Calibration>>,
    intervals: Option<ScoreIntervals>,
}

/// Each group's rows, in row order.
struct GroupRows {
    y: Vec<bool>,
    s: Vec<f64>,
    w: Option<Vec<f64>>,
}

impl GroupRows {
    fn rows(&self) -> Rows<'_> {
        Rows {
            y: &self.y,
            s: &self.s,
            w: self.w.as_deref(),
        }
    }
}

/// Splits the rows `idx` (in their order) by group.
fn split(
    input: &ScoreInput<'_>,
    idx: impl Iterator<Item = usize>,
    n_groups: usize,
) -> Vec<GroupRows> {
    let mut out: Vec<GroupRows> = (0..n_groups)
        .map(|_| GroupRows {
            y: Vec::new(),
            s: Vec::new(),
            w: input.weights.map(|_| Vec::new()),
        })
        .collect();
    let codes = input.groups.codes();
    for i in idx {
        let g = &mut out[codes[i] as usize];
        g.y.push(input.y_true[i]);
        g.s.push(input.scores[i]);
        if let (Some(w), Some(gw)) = (input.weights, g.w.as_mut()) {
            gw.push(w[i]);
        }
    }
    out
}

impl ScoreValidParams {
    /// The number of bins.
    pub fn n_bins(&self) -> usize {
        self.n_bins
    }

    /// The bootstrap parameters, if any.
    pub fn bootstrap(&self) -> Option<&BootstrapValidParams> {
        self.bootstrap.as_ref()
    }

    /// Computes the report. With bootstrap parameters, resample `i` draws `n` row indices with
    /// replacement from the seed stream `i` into the rows bucketed by cell (score metrics need
    /// the rows themselves). The label report draws its resamples from the cells instead
    /// (docs/counts.md#bootstrap-from-cells): the same distribution, other draws, so the label
    /// and score intervals come from independent resamples.
    ///
    /// # Errors
    /// No rows, lengths that differ, a score outside `[0, 1]`, invalid weights, or more memory
    /// than the machine has for the bootstrap.
    pub fn compute(&self, input: ScoreInput<'_>) -> Result<ScoreReport> {
        let n = input.y_true.len();
        check_rows(input.y_true, input.scores, input.weights)?;
        Error::check_len("sensitive groups", n, input.groups.len())?;
        if let Some(p) = input.y_pred {
            Error::check_len("y_pred", n, p.len())?;
        }
        let n_groups = input.groups.n_groups();
        let all = Rows {
            y: input.y_true,
            s: input.scores,
            w: input.weights,
        };
        let groups = split(&input, 0..n, n_groups);
        let size = |r: &Rows<'_>| ScoreSize {
            count: r.y.len() as u64,
            positives: r.y.iter().filter(|&&v| v).count() as u64,
            weight: r.w.map_or(r.y.len() as f64, |w| w.iter().sum()),
        };
        let calibration = |r: &Rows<'_>| Calibration {
            uniform: metrics::calibration_curve(r, Binning::Uniform, self.n_bins),
            quantile: metrics::calibration_curve(r, Binning::Quantile, self.n_bins),
        };
        let section = ScoreSection::compute(
            metrics::all(&all, self.n_bins),
            groups
                .iter()
                .map(|g| metrics::all(&g.rows(), self.n_bins))
                .collect(),
        );
        let intervals = match &self.bootstrap {
            None => None,
            Some(b) => {
                let order = bootstrap::bucketed_order(
                    input.y_true,
                    input.y_pred,
                    input.groups.codes(),
                    n_groups,
                );
                let stats = |i: u64| {
                    let rows = bootstrap::draw_rows(&order, b.seed(), i);
                    let idx = || rows.iter().map(|&r| r as usize);
                    let y: Vec<bool> = idx().map(|i| input.y_true[i]).collect();
                    let s: Vec<f64> = idx().map(|i| input.scores[i]).collect();
                    let w: Option<Vec<f64>> = input.weights.map(|w| idx().map(|i| w[i]).collect());
                    let overall = metrics::all(
                        &Rows {
                            y: &y,
                            s: &s,
                            w: w.as_deref(),
                        },
                        self.n_bins,
                    );
                    let by_group = split(&input, idx(), n_groups)
                        .iter()
                        .map(|g| metrics::all(&g.rows(), self.n_bins))
                        .collect();
                    ScoreSection::compute(overall, by_group).flatten()
                };
                let q = bootstrap::collect(b, stats)?;
                Some(ScoreIntervals {
                    params: b.clone(),
                    section: section.unflatten(&q),
                })
            }
        };
        Ok(ScoreReport {
            n_bins: self.n_bins,
            weighted: input.weights.is_some(),
            columns: input.groups.schema().columns().to_vec(),
            labels: input.groups.schema().labels(),
            overall_size: size(&all),
            sizes: groups.iter().map(|g| size(&g.rows())).collect(),
            section,
            overall_calibration: calibration(&all),
            calibration: groups
                .iter()
                .map(|g| (!g.y.is_empty()).then(|| calibration(&g.rows())))
                .collect(),
            intervals,
        })
    }
}

impl ScoreReport {
    /// Default parameters, to adjust and then compute.
    pub fn params() -> ScoreParams {
        ScoreParams::default()
    }

    /// The number of bins of the calibration curves and the ECE.
    pub fn n_bins(&self) -> usize {
        self.n_bins
    }

    /// Whether the values are weighted.
    pub fn weighted(&self) -> bool {
        self.weighted
    }

    /// The sensitive column names.
    pub fn columns(&self) -> &[String] {
        &self.columns
    }

    /// Group labels, indexed by code.
    pub fn labels(&self) -> &[String] {
        &self.labels
    }

    /// Values, aggregates.
    pub fn section(&self) -> &ScoreSection<f64> {
        &self.section
    }

    /// The overall value of a metric.
    pub fn overall(&self, metric: ScoreMetric) -> f64 {
        self.section.overall[metric.index()]
    }

    /// The value of a metric in group `code` (NaN where undefined: an empty group, or ROC AUC
    /// of a group with one class only).
    pub fn value(&self, metric: ScoreMetric, code: u32) -> f64 {
        self.section.by_group[code as usize][metric.index()]
    }

    /// The aggregates of a metric over groups.
    pub fn aggregate(&self, metric: ScoreMetric) -> &Aggregate<f64> {
        &self.section.aggregates[metric.index()]
    }

    /// The size of the whole data.
    pub fn overall_size(&self) -> &ScoreSize {
        &self.overall_size
    }

    /// The size of each group, indexed by code.
    pub fn sizes(&self) -> &[ScoreSize] {
        &self.sizes
    }

    /// The calibration curves of the whole data.
    pub fn overall_calibration(&self) -> &Calibration {
        &self.overall_calibration
    }

    /// The calibration curves of group `code` (`None` for a group without rows).
    pub fn calibration(&self, code: u32) -> Option<&Calibration> {
        self.calibration[code as usize].as_ref()
    }

    /// Bootstrap intervals, if requested.
    pub fn intervals(&self) -> Option<&ScoreIntervals> {
        self.intervals.as_ref()
    }
}
