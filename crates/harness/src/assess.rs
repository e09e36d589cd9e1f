//! The library form of `fairkit assess`: read a classifier's predictions from a CSV file, as
//! rows or as counts of rows (docs/counts.md), and compute their [`Assessment`] (grouped
//! report, inequality indices, consistency).
//!
//! The binary only turns flags into an [`AssessConfig`], calls [`run`] and writes the
//! assessment as a table, JSON or CSV (its renderings are in `fairkit_metrics::assessment`).

use std::path::PathBuf;

use fairkit_data::CsvLayout;
use fairkit_data::counts::{self, CountColumns};
use fairkit_data::predictions::{self, FeatureColumns, PredictionColumns};
use fairkit_metrics::assessment::{AssessedInput, Assessment, Individual};
use fairkit_metrics::consistency::consistency;
use fairkit_metrics::inequality::InequalityIndices;
use fairkit_metrics::scores::{ScoreInput, ScoreParams};
use fairkit_metrics::{ComputeReport, ConfusionTable, Num, ReportInput, ReportParams};

use crate::data::read_table_with;
use crate::{HarnessError, Result};

/// What to assess and how.
#[derive(Debug, Clone)]
pub struct AssessConfig {
    /// The CSV file.
    pub data: PathBuf,
    /// How the file is laid out (delimiter, header row).
    pub layout: CsvLayout,
    /// Where the labels, predictions, groups and weights are.
    pub columns: PredictionColumns,
    /// Control feature columns: aggregates and disparities are also reported within each
    /// control level.
    pub control: Vec<String>,
    /// The grouped report's parameters (aggregation, zero division, minimum group size,
    /// bootstrap).
    pub report: ReportParams,
    /// Individual fairness (consistency), when asked for.
    pub consistency: Option<ConsistencyConfig>,
    /// The column of scores (predicted probabilities of the favourable label), when the score
    /// metrics are asked for (docs/metrics.md#score-metrics).
    pub score: Option<String>,
    /// The count column when the file holds counts of rows rather than rows
    /// (docs/counts.md): the weights column then holds weight sums, and the assessment is the
    /// one of the rows the counts stand for.
    pub counts: Option<String>,
}

/// The consistency part of an assessment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsistencyConfig {
    /// Nearest neighbours (the row itself included), at least 1.
    pub k: u64,
    /// Feature columns; `None`: every column that is not the label, prediction, sensitive or
    /// weights column.
    pub features: Option<Vec<String>>,
    /// Standardize numeric features over the file (as for training).
    pub standardize: bool,
}

impl AssessConfig {
    /// Assess `columns` of `data` (comma-separated, with a header row) with the default report and no control features or
    /// consistency.
    pub fn new(data: impl Into<PathBuf>, columns: PredictionColumns) -> Self {
        AssessConfig {
            data: data.into(),
            layout: CsvLayout::default(),
            columns,
            control: Vec::new(),
            report: ReportParams::default(),
            consistency: None,
            score: None,
            counts: None,
        }
    }
}

/// Reads the file and assesses the predictions.
///
/// # Errors
/// An unreadable file, every CSV and encoding error of [`PredictionColumns::encode`] (naming
/// the file, line and column), a score that is not a probability, consistency without
/// feature columns, and invalid report parameters.
pub fn run(config: &AssessConfig) -> Result<Assessment> {
    if let Some(count) = &config.counts {
        return run_counts(config, count);
    }
    if streams(config) {
        // Any error (a bad file, a bad value) is reported by the in-memory path, so that the
        // message is exactly its own.
        if let Ok(assessment) = run_streaming(config) {
            return Ok(assessment);
        }
    }
    run_in_memory(config)
}

/// Whether [`run`] counts the cells of the file without holding its rows
/// (docs/counts.md#streaming): a file of rows (CSV, or Parquet: docs/parquet.md#streaming),
/// no score or consistency (which need every row). Weighted bootstrap intervals stream too:
/// the cells keep the variance of their weights (docs/counts.md#bootstrap-from-cells).
fn streams(config: &AssessConfig) -> bool {
    config.counts.is_none() && config.score.is_none() && config.consistency.is_none()
}

/// [`run`] by counting the rows of every cell (sensitive values, label, prediction, control
/// values) in parallel blocks (CSV) or row groups (Parquet) and assessing the counts
/// (docs/counts.md#streaming).
fn run_streaming(config: &AssessConfig) -> Result<Assessment> {
    let c = &config.columns;
    let mut keys: Vec<String> = Vec::new();
    for k in c
        .sensitive
        .iter()
        .chain([&c.label, &c.prediction])
        .chain(&config.control)
    {
        if !keys.contains(k) {
            keys.push(k.clone());
        }
    }
    // Names for the count and weight-variance columns that no role uses.
    let free = |base: &str, taken: &[&String]| {
        let mut name = base.to_string();
        while keys.contains(&name) || c.weights.as_ref() == Some(&name) || taken.contains(&&name) {
            name.push('_');
        }
        name
    };
    let count = free("count", &[]);
    let variance = free("weight_variance", &[&count]);
    let file = config.data.display().to_string();
    let weights = c.weights.as_deref();
    let cells = if crate::data::is_parquet(&config.data, config.layout.file_format) {
        crate::parquet::accumulate(&config.data, &keys, weights)?
    } else {
        let format = config.layout.format()?;
        counts::accumulate_csv(
            crate::io::open(&config.data)?,
            &file,
            &format,
            &keys,
            weights,
        )?
    };
    let table = cells.finish_with(&file, &keys, &count, weights, Some(&variance))?;
    let variances: Option<Vec<f64>> = match weights {
        None => None,
        Some(_) => Some(
            table
                .column(&variance)?
                .iter()
                .map(|v| v.parse::<f64>().unwrap_or(0.0))
                .collect(),
        ),
    };
    let columns = CountColumns {
        columns: c.clone(),
        count,
    };
    let mut assessment = assess_counts(config, &columns, &table, variances.as_deref())?;
    assessment.input.counts = None;
    Ok(assessment)
}

/// [`run`] on the rows held in memory.
fn run_in_memory(config: &AssessConfig) -> Result<Assessment> {
    let columns = &config.columns;
    let features = match &config.consistency {
        None => FeatureColumns::None,
        Some(ConsistencyConfig {
            features: Some(list),
            ..
        }) => FeatureColumns::These(list.clone()),
        Some(ConsistencyConfig { features: None, .. }) => FeatureColumns::Others,
    };
    let standardize = config.consistency.as_ref().is_none_or(|c| c.standardize);
    let also: Vec<String> = config
        .control
        .iter()
        .chain(&config.score)
        .cloned()
        .collect();
    let table = read_table_with(
        &config.data,
        &config.layout,
        columns.select(&features, &also),
    )?;
    let read = columns.encode(&table, &features, standardize)?;
    let (data, y_pred) = (&read.data, &read.predicted);
    if config.consistency.is_some() && data.feature_names().is_empty() {
        return Err(HarnessError::NoFeatures {
            file: table.file().to_string(),
        });
    }
    let control = if config.control.is_empty() {
        None
    } else {
        Some(predictions::groups(&table, &config.control)?)
    };
    let mut input = ReportInput::new(data.labels(), y_pred, data.groups());
    if let Some(w) = data.weights() {
        input = input.weights(w);
    }
    if let Some(c) = &control {
        input = input.control(c);
    }
    let report = config.report.compute(input)?;
    let scores = match &config.score {
        None => None,
        Some(column) => {
            let s = predictions::scores(&table, column)?;
            let mut input = ScoreInput::new(data.labels(), &s, data.groups()).predictions(y_pred);
            if let Some(w) = data.weights() {
                input = input.weights(w);
            }
            let params = ScoreParams::default()
                .bootstrap_valid(report.report_params().bootstrap_params().cloned());
            Some(params.compute(input)?)
        }
    };
    // From the rows' confusion counts, as the streamed and counted paths compute it, so that
    // every way of reading the same rows gives the same bytes (docs/counts.md#streaming).
    let groups = data.groups();
    let cells = ConfusionTable::accumulate(
        data.labels(),
        y_pred,
        groups.codes(),
        groups.n_groups(),
        None,
    )?;
    let inequality = InequalityIndices::from_table(&cells, 2.0)?;
    let individual = match &config.consistency {
        None => None,
        Some(c) => {
            let k = usize::try_from(c.k).unwrap_or(usize::MAX);
            let score =
                consistency(data.features(), y_pred, k).map_err(HarnessError::Consistency)?;
            Some(Individual {
                consistency: Num(score),
                k: c.k,
                features: data.feature_names().to_vec(),
                standardized: c.standardize,
            })
        }
    };
    Ok(Assessment {
        report,
        inequality,
        individual,
        scores,
        input: AssessedInput {
            file: table.file().to_string(),
            rows: table.n_rows(),
            counts: None,
            label: columns.label.clone(),
            prediction: columns.prediction.clone(),
            positive_label: read.encoder.positive_label().to_string(),
            negative_label: read.encoder.negative_label().to_string(),
            sensitive: columns.sensitive.clone(),
            weights: columns.weights.clone(),
            score: config.score.clone(),
        },
    })
}

/// [`run`] on a counts file (docs/counts.md).
fn run_counts(config: &AssessConfig, count: &str) -> Result<Assessment> {
    if config.consistency.is_some() {
        return Err(HarnessError::NeedsRows {
            what: "--consistency",
        });
    }
    if config.score.is_some() {
        return Err(HarnessError::NeedsRows { what: "--score" });
    }
    let columns = CountColumns {
        columns: config.columns.clone(),
        count: count.to_string(),
    };
    let select = [&columns.select()[..], &config.control].concat();
    let table = read_table_with(&config.data, &config.layout, Some(select))?;
    assess_counts(config, &columns, &table, None)
}

/// The assessment of the counts in `table` (read as `columns` say), with the variance of the
/// weights within each listed row when known (streamed cells).
fn assess_counts(
    config: &AssessConfig,
    columns: &CountColumns,
    table: &fairkit_data::Table,
    variances: Option<&[f64]>,
) -> Result<Assessment> {
    let count = &columns.count;
    let read = columns.encode(table)?;
    let (data, y_pred, counts) = (
        &read.predictions.data,
        &read.predictions.predicted,
        &read.counts,
    );
    let control = if config.control.is_empty() {
        None
    } else {
        Some(predictions::groups(table, &config.control)?)
    };
    let rows = counts.iter().sum::<u64>();
    if rows == 0 {
        return Err(HarnessError::Located(format!(
            "{}: column '{count}': the counts add up to 0; there are no rows to assess",
            table.file()
        )));
    }
    let mut input = ReportInput::new(data.labels(), y_pred, data.groups()).counts(counts);
    if let Some(w) = data.weights() {
        input = input.weights(w);
        if let Some(v) = variances {
            input = input.weight_variances(v);
        }
    }
    if let Some(c) = &control {
        input = input.control(c);
    }
    let report = config.report.compute(input)?;
    let groups = data.groups();
    let cells = ConfusionTable::from_counts(
        data.labels(),
        y_pred,
        groups.codes(),
        groups.n_groups(),
        counts,
        None,
    )?;
    let inequality = InequalityIndices::from_table(&cells, 2.0)?;
    let encoder = &read.predictions.encoder;
    Ok(Assessment {
        report,
        inequality,
        individual: None,
        scores: None,
        input: AssessedInput {
            file: table.file().to_string(),
            rows: usize::try_from(rows).unwrap_or(usize::MAX),
            counts: Some(count.to_string()),
            label: columns.columns.label.clone(),
            prediction: columns.columns.prediction.clone(),
            positive_label: encoder.positive_label().to_string(),
            negative_label: encoder.negative_label().to_string(),
            sensitive: columns.columns.sensitive.clone(),
            weights: columns.columns.weights.clone(),
            score: None,
        },
    })
}

#[cfg(test)]
mod tests {
    use fairkit_metrics::{BootstrapParams, ReportParams};
    // Numbers to 1e-12: the inequality indices are computed from the cells' counts on every
    // path, so they agree to 1e-12 too.
    use fairkit_testkit::json::assert_close;

    use super::*;

    /// A file of `rows` predictions: two sensitive columns, a control column, weights, CRLF
    /// line ends and blank lines; with `quote`, one quoted value (read one record at a time).
    fn predictions(dir: &std::path::Path, rows: usize, quote: bool) -> PathBuf {
        let mut text = String::from("id,sex,race,y,p,w,region\r\n");
        for i in 0..rows {
            let h = (i as u64).wrapping_mul(2_654_435_761) % 1000;
            let sex = if h.is_multiple_of(3) { "F" } else { "M" };
            let race = ["a", "b", "c"][(h % 7 % 3) as usize];
            let y = u64::from(h < 420);
            let p = if h.is_multiple_of(5) { 1 - y } else { y };
            let w = 0.5 + (h % 13) as f64 / 4.0;
            let region = if quote && i == rows / 2 {
                "\"n,e\""
            } else {
                ["n", "s"][(h % 2) as usize]
            };
            text.push_str(&format!("{i},{sex},{race},{y},{p},{w},{region}\r\n"));
            if i % 1000 == 0 {
                text.push_str("\r\n");
            }
        }
        let path = dir.join(format!("p{rows}{quote}.csv"));
        std::fs::write(&path, text).unwrap();
        path
    }

    /// The CSV file `csv` written again as Parquet (fairkit's writer), and the same rows as a
    /// hive-partitioned dataset by `race` (several files; several row groups per file are
    /// tested in fairkit-columnar).
    fn as_parquet(csv: &std::path::Path) -> (PathBuf, PathBuf) {
        let table =
            fairkit_data::Table::from_csv(std::fs::File::open(csv).unwrap(), "x.csv").unwrap();
        let file = csv.with_extension("parquet");
        fairkit_columnar::write_table(&table, "x", std::fs::File::create(&file).unwrap()).unwrap();
        let dir = csv.with_extension("d");
        for race in ["a", "b", "c"] {
            let rows: Vec<usize> = (0..table.n_rows())
                .filter(|&i| table.column("race").unwrap().get(i) == race)
                .collect();
            let keep: Vec<&str> = table
                .header()
                .iter()
                .map(String::as_str)
                .filter(|h| *h != "race")
                .collect();
            let part = table
                .select_rows(&rows)
                .unwrap()
                .select_columns(&keep)
                .unwrap();
            let folder = dir.join(format!("race={race}"));
            std::fs::create_dir_all(&folder).unwrap();
            let out = std::fs::File::create(folder.join("part-0.parquet")).unwrap();
            fairkit_columnar::write_table(&part, "p", out).unwrap();
        }
        (file, dir)
    }

    /// Counting cells block by block (CSV) or row group by row group (Parquet file and
    /// partitioned dataset) gives the report of the rows held in memory: plain, intersectional
    /// with weights, with control features, with a seeded bootstrap (the same bootstrap over
    /// cells on every path), weighted with a bootstrap, on files of several blocks and row
    /// groups and on one with a quote. Without weights the bytes are equal; with weights the
    /// weight sums are added in another order, so numbers agree to 1e-12.
    #[test]
    fn streaming_equals_in_memory() {
        let dir = tempfile::tempdir().unwrap();
        for (rows, quote) in [(200, false), (300_000, false), (60_000, true)] {
            let path = predictions(dir.path(), rows, quote);
            let plain = AssessConfig::new(&path, PredictionColumns::new("y", "p", ["sex"]));
            let mut weighted = plain.clone();
            weighted.columns.sensitive = vec!["sex".into(), "race".into()];
            weighted.columns.weights = Some("w".into());
            let mut control = plain.clone();
            control.control = vec!["region".into(), "race".into()];
            let mut boot = plain.clone();
            boot.report = ReportParams::default().bootstrap(BootstrapParams::new(50, 7));
            let mut weighted_boot = weighted.clone();
            weighted_boot.report = boot.report.clone();
            let (file, dataset) = as_parquet(&path);
            for config in [&plain, &weighted, &control, &boot, &weighted_boot] {
                assert!(streams(config));
                let a = serde_json::to_value(run_streaming(config).unwrap()).unwrap();
                let b = serde_json::to_value(run_in_memory(config).unwrap()).unwrap();
                assert_close(&a, &b, "assessment");
                let c = serde_json::to_value(run(config).unwrap()).unwrap();
                assert_eq!(a, c);
                for parquet in [&file, &dataset] {
                    let mut pq = config.clone();
                    pq.data = parquet.clone();
                    let mut d = serde_json::to_value(run_streaming(&pq).unwrap()).unwrap();
                    let e = serde_json::to_value(run_in_memory(&pq).unwrap()).unwrap();
                    assert_close(&d, &e, "parquet");
                    d["input"]["file"] = a["input"]["file"].clone();
                    if config.columns.weights.is_none() && parquet == &file {
                        assert_eq!(d, a, "parquet and CSV");
                    } else {
                        assert_close(&d, &a, "parquet and CSV");
                    }
                }
            }
        }
    }

    /// A bad value is reported as the rows held in memory report it: the same error.
    #[test]
    fn streaming_errors_are_the_in_memory_ones() {
        let dir = tempfile::tempdir().unwrap();
        let path = predictions(dir.path(), 300_000, false);
        let text = std::fs::read_to_string(&path).unwrap();
        // A prediction that is no label class, a non-numeric weight, an empty group.
        for (row, field, value) in [(250_000, 4, "2"), (250_001, 5, "x"), (250_002, 1, "")] {
            let at = text.find(&format!("\n{row},")).unwrap();
            let end = at + 1 + text[at + 1..].find('\r').unwrap();
            let mut fields: Vec<&str> = text[at + 1..end].split(',').collect();
            fields[field] = value;
            let bad = format!("{}{}{}", &text[..at + 1], fields.join(","), &text[end..]);
            let file = dir.path().join("bad.csv");
            std::fs::write(&file, bad).unwrap();
            let mut config = AssessConfig::new(&file, PredictionColumns::new("y", "p", ["sex"]));
            config.columns.weights = Some("w".into());
            let streamed = run_streaming(&config).unwrap_err().to_string();
            let e = run(&config).unwrap_err().to_string();
            assert_eq!(e, run_in_memory(&config).unwrap_err().to_string());
            assert!(
                e.contains(&format!("line {}", text[..at].matches('\n').count() + 2)),
                "{e}"
            );
            // The streaming error itself names the line of the value's first occurrence.
            assert!(streamed.contains("line"), "{streamed}");
        }
    }
}
