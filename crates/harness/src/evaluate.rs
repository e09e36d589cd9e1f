//! Test-set evaluation of a method run: the report of its predicted labels and the report of
//! its expected predictions.

use fairkit_core::FairDataset;
use fairkit_metrics::scores::{ScoreInput, ScoreParams, ScoreReport};
use fairkit_metrics::{
    ComputeReport, ConfusionTable, Disparity, GroupedReport, Metric, ReportInput, ReportParams,
};
use serde::{Deserialize, Serialize};

use crate::Result;
use crate::method::MethodRun;

/// The two reports of a run on test data.
#[derive(Debug, Clone)]
pub struct TestReports {
    /// The report of the predicted labels (sampled with the run's seed for randomized
    /// methods): what a deployment of this seed would see.
    pub predicted: GroupedReport,
    /// The report of the expected predictions (each row counted with its probability of being
    /// predicted positive): the method's rates in expectation over its randomization, which is
    /// what compares across random generators (the reference results'
    /// `expected_under_randomization`).
    pub expected: GroupedReport,
    /// The score metrics by group (docs/metrics.md#score-metrics) of the method's own scores,
    /// for methods whose score is a probability (every score in `[0, 1]`); no bootstrap.
    pub scores: Option<ScoreReport>,
}

/// Evaluates `run` on `test` with the report settings `params` (no bootstrap is applied to
/// the expected report).
///
/// # Errors
/// Misaligned inputs or invalid report parameters.
pub fn evaluate(test: &FairDataset, run: &MethodRun, params: &ReportParams) -> Result<TestReports> {
    evaluate_predictions(
        test,
        &run.predicted,
        &run.expected,
        run.score.as_deref(),
        params,
    )
}

/// Evaluates predictions on `test` as [`evaluate`] does a run: `predicted` labels, `expected`
/// positive probabilities and optionally the predictor's own `score` of every test row (used
/// for the points of grid search's whole grid in a sweep).
///
/// # Errors
/// Misaligned inputs or invalid report parameters.
pub fn evaluate_predictions(
    test: &FairDataset,
    predicted: &[bool],
    expected: &[f64],
    score: Option<&[f64]>,
    params: &ReportParams,
) -> Result<TestReports> {
    let groups = test.groups();
    let labels = predicted;
    let mut input = ReportInput::new(test.labels(), labels, groups);
    if let Some(w) = test.weights() {
        input = input.weights(w);
    }
    let predicted = params.compute(input)?;
    let table = ConfusionTable::accumulate_expected(
        test.labels(),
        expected,
        groups.codes(),
        groups.n_groups(),
        test.weights(),
    )?;
    let expected = params.compute_table(&table, groups.schema())?;
    let scores = match score {
        Some(s) if s.iter().all(|v| (0.0..=1.0).contains(v)) => {
            let mut input = ScoreInput::new(test.labels(), s, groups).predictions(labels);
            if let Some(w) = test.weights() {
                input = input.weights(w);
            }
            Some(ScoreParams::default().compute(input)?)
        }
        _ => None,
    };
    Ok(TestReports {
        predicted,
        expected,
        scores,
    })
}

/// One group's rates in a report: what the report's per-group bar charts draw.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupRates {
    /// The group (several sensitive columns joined with `,`).
    pub group: String,
    /// Selection rate.
    #[serde(with = "crate::resume::nan_null")]
    pub selection_rate: f64,
    /// True positive rate.
    #[serde(with = "crate::resume::nan_null")]
    pub true_positive_rate: f64,
    /// False positive rate.
    #[serde(with = "crate::resume::nan_null")]
    pub false_positive_rate: f64,
}

impl GroupRates {
    /// The metrics of [`values`](Self::values), in order.
    pub const METRICS: [Metric; 3] = [
        Metric::SelectionRate,
        Metric::TruePositiveRate,
        Metric::FalsePositiveRate,
    ];

    /// Each group's rates in `report`, in group order.
    pub fn of(report: &GroupedReport) -> Vec<Self> {
        let value = |m: Metric, code: usize| report.value(m, code as u32);
        report
            .labels()
            .iter()
            .enumerate()
            .map(|(code, group)| GroupRates {
                group: group.clone(),
                selection_rate: value(Metric::SelectionRate, code),
                true_positive_rate: value(Metric::TruePositiveRate, code),
                false_positive_rate: value(Metric::FalsePositiveRate, code),
            })
            .collect()
    }

    /// The rates in [`METRICS`](Self::METRICS) order.
    pub fn values(&self) -> [f64; 3] {
        [
            self.selection_rate,
            self.true_positive_rate,
            self.false_positive_rate,
        ]
    }
}

/// The headline numbers of one report: what the comparison harness tabulates.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Headline {
    /// Overall accuracy.
    #[serde(with = "crate::resume::nan_null")]
    pub accuracy: f64,
    /// Overall balanced accuracy.
    #[serde(with = "crate::resume::nan_null")]
    pub balanced_accuracy: f64,
    /// Demographic parity difference (between groups).
    #[serde(with = "crate::resume::nan_null")]
    pub demographic_parity_difference: f64,
    /// Demographic parity ratio (between groups).
    #[serde(with = "crate::resume::nan_null")]
    pub demographic_parity_ratio: f64,
    /// Equalized odds difference (worst case).
    #[serde(with = "crate::resume::nan_null")]
    pub equalized_odds_difference: f64,
    /// Equal opportunity (true positive rate) difference.
    #[serde(with = "crate::resume::nan_null")]
    pub equal_opportunity_difference: f64,
}

impl Headline {
    /// The metric keys, in column order.
    pub const KEYS: [&'static str; 6] = [
        "accuracy",
        "balanced_accuracy",
        "demographic_parity_difference",
        "demographic_parity_ratio",
        "equalized_odds_difference",
        "equal_opportunity_difference",
    ];

    /// The headline of a report.
    pub fn of(report: &GroupedReport) -> Self {
        Self {
            accuracy: report.overall(Metric::Accuracy),
            balanced_accuracy: report.overall(Metric::BalancedAccuracy),
            demographic_parity_difference: report.disparity(Disparity::DemographicParityDifference),
            demographic_parity_ratio: report.disparity(Disparity::DemographicParityRatio),
            equalized_odds_difference: report.disparity(Disparity::EqualizedOddsDifference),
            equal_opportunity_difference: report.disparity(Disparity::EqualOpportunityDifference),
        }
    }

    /// The values in [`KEYS`](Self::KEYS) order.
    pub fn values(&self) -> [f64; 6] {
        [
            self.accuracy,
            self.balanced_accuracy,
            self.demographic_parity_difference,
            self.demographic_parity_ratio,
            self.equalized_odds_difference,
            self.equal_opportunity_difference,
        ]
    }
}
