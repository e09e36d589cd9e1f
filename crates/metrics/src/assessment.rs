//! The assessment of a classifier's predictions, as `fairkit assess` reports it: the grouped
//! report, the inequality indices, individual fairness (consistency) when asked for, and what
//! was read; its JSON shape and its table and CSV renderings.

use serde::Serialize;

use crate::Num;
use crate::inequality::InequalityIndices;
use crate::report::GroupedReport;
use crate::scores::{ScoreMetric, ScoreReport};

/// Individual fairness: AIF360's consistency over the feature columns.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Individual {
    /// The consistency score.
    pub consistency: Num,
    /// The number of nearest neighbours (the row itself included).
    pub k: u64,
    /// The feature columns (after encoding).
    pub features: Vec<String>,
    /// Whether numeric features were standardized.
    pub standardized: bool,
}

/// What an assessment read, for the record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AssessedInput {
    /// The source name of the file.
    pub file: String,
    /// Its data rows; for a counts file, the rows its counts add up to.
    pub rows: usize,
    /// The count column, when the file held counts (docs/counts.md).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub counts: Option<String>,
    /// The label column.
    pub label: String,
    /// The prediction column.
    pub prediction: String,
    /// The favourable label value as it appears in the file.
    pub positive_label: String,
    /// The other label value.
    pub negative_label: String,
    /// The sensitive columns.
    pub sensitive: Vec<String>,
    /// The weights column, if any.
    pub weights: Option<String>,
    /// The score column, when the score metrics were computed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub score: Option<String>,
}

/// An assessment of predictions. Its JSON is the grouped report's stable shape, then
/// `inequality`, `individual` (when computed), `scores` (when a score column was given,
/// docs/metrics.md#score-metrics-json) and `input`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Assessment {
    /// The grouped report (rates, disparities, four-fifths rule, control levels, intervals).
    #[serde(flatten)]
    pub report: GroupedReport,
    /// The inequality indices of the individual benefits `b = 1 + pred - label`.
    pub inequality: InequalityIndices,
    /// Consistency, when asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub individual: Option<Individual>,
    /// The score metrics by group, when a score column was given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scores: Option<ScoreReport>,
    /// What was read.
    pub input: AssessedInput,
}

/// A value with four decimals, `-` when undefined.
fn num(v: f64) -> String {
    if v.is_finite() {
        format!("{v:.4}")
    } else {
        "-".into()
    }
}

impl Assessment {
    /// The report's table, then the inequality indices and consistency.
    pub fn render_table(&self) -> String {
        let ineq = &self.inequality;
        let mut out = self.report.render_table();
        out.push_str("\ninequality of benefits b = 1 + pred - label     overall  between groups\n");
        let rows = [
            (
                "generalized entropy index (alpha 2)",
                ineq.generalized_entropy_index,
                ineq.between_group_generalized_entropy_index,
            ),
            (
                "Theil index",
                ineq.theil_index,
                ineq.between_group_theil_index,
            ),
            (
                "coefficient of variation",
                ineq.coefficient_of_variation,
                ineq.between_group_coefficient_of_variation,
            ),
        ];
        for (name, overall, between) in rows {
            out.push_str(&format!(
                "  {name:<44} {:>8}  {:>14}\n",
                num(overall),
                num(between)
            ));
        }
        if let Some(ind) = &self.individual {
            out.push_str(&format!(
                "\nconsistency (k = {}, {} features{}) {}\n",
                ind.k,
                ind.features.len(),
                if ind.standardized {
                    ", standardized"
                } else {
                    ""
                },
                num(ind.consistency.0)
            ));
        }
        if let Some(scores) = &self.scores {
            out.push('\n');
            out.push_str(&scores.render_table());
        }
        out
    }

    /// The report's CSV ([`GroupedReport::render_csv`]); with score metrics, their five
    /// columns follow on the rows of the whole data (empty on control levels' rows).
    ///
    /// # Errors
    /// Only those of writing to memory.
    pub fn render_csv(&self) -> std::io::Result<Vec<u8>> {
        let csv = self.report.render_csv()?;
        let Some(scores) = &self.scores else {
            return Ok(csv);
        };
        let mut r = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(&csv[..]);
        let mut w = csv::Writer::from_writer(Vec::new());
        let control = self.report.control().is_some();
        let empty = vec![String::new(); ScoreMetric::ALL.len()];
        let n_groups = scores.labels().len();
        // The whole data's rows come first: each group in code order, then `overall`.
        let mut whole_rows = 0;
        for (i, record) in r.records().enumerate() {
            let record = record?;
            let mut out: Vec<String> = record.iter().map(str::to_string).collect();
            if i == 0 {
                out.extend(ScoreMetric::ALL.iter().map(|m| m.name().to_string()));
            } else if whole_rows <= n_groups && (!control || record.get(0) == Some("")) {
                let code = (whole_rows < n_groups).then_some(whole_rows as u32);
                out.extend(scores.csv_cells(code));
                whole_rows += 1;
            } else {
                out.extend(empty.iter().cloned());
            }
            w.write_record(&out)?;
        }
        w.into_inner().map_err(|e| e.into_error())
    }
}
