//! The library form of `fairkit gate`: read a classifier's test predictions from a CSV file
//! (and, against the model in production, the baseline's predictions on the same rows), run
//! the fairness gate's checks on them, and record the decision's evidence
//! (docs/gate-and-monitor.md#evidence-that-replays).
//!
//! The binary only turns flags and a `gate.toml` into a [`GateConfig`] and a [`GateInput`],
//! calls [`run`] and writes the [`GateReport`] (its table is its `Display`, its JSON its
//! `Serialize`) and, with `--evidence`, [`evidence_files`] and [`evidence`].

use std::path::{Path, PathBuf};

use fairkit_core::text::quote;
use fairkit_data::predictions::{FeatureColumns, PredictionColumns, predicted_labels};
use fairkit_data::{CsvLayout, Table};
use fairkit_gate::{GateConfig, GateReport, run_gate_against};

use crate::data::read_table_with;
use crate::evidence::{Evidence, GATE_FILES};
use crate::{HarnessError, Result};

/// Where the baseline (production) model's predictions on the same rows are
/// (docs/gate-and-monitor.md#candidate-against-baseline).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Baseline {
    /// A column of the candidate's file.
    Column(String),
    /// Another file with the same rows in the same order, laid out as the candidate's: its
    /// row count, and its label and sensitive columns where present, must match row by row.
    File {
        /// The file.
        path: PathBuf,
        /// The predictions' column (`None`: the candidate's prediction column's name).
        column: Option<String>,
    },
}

/// What the gate reads: the candidate's file, its layout and columns, and optionally a
/// baseline.
#[derive(Debug, Clone, PartialEq)]
pub struct GateInput {
    /// The candidate's predictions (with labels and sensitive columns).
    pub data: PathBuf,
    /// The files' delimiter and header.
    pub layout: CsvLayout,
    /// Where the label, prediction, sensitive and weights columns are.
    pub columns: PredictionColumns,
    /// The model in production, to compare with.
    pub baseline: Option<Baseline>,
}

impl GateInput {
    /// The candidate's `data` under `columns`, comma-separated with a header, no baseline.
    pub fn new(data: impl Into<PathBuf>, columns: PredictionColumns) -> Self {
        GateInput {
            data: data.into(),
            layout: CsvLayout::default(),
            columns,
            baseline: None,
        }
    }
}

/// Reads the predictions of `input` and runs the gate under `config` (with a baseline, the
/// comparisons too).
///
/// # Errors
/// An unreadable file, every CSV and encoding error of [`PredictionColumns::encode`], a
/// baseline that does not hold the same rows (naming the file, line and column), and invalid
/// gate settings.
pub fn run(input: &GateInput, config: &GateConfig) -> Result<GateReport> {
    let also: Vec<String> = match &input.baseline {
        Some(Baseline::Column(c)) => vec![c.clone()],
        _ => Vec::new(),
    };
    let select = input.columns.select(&FeatureColumns::None, &also);
    let table = read_table_with(&input.data, &input.layout, select)?;
    let read = input.columns.encode(&table, &FeatureColumns::None, false)?;
    let baseline = match &input.baseline {
        None => None,
        Some(Baseline::Column(c)) => Some(predicted_labels(&table, &read.encoder, c)?),
        Some(Baseline::File { path, column }) => {
            let column = column.as_deref().unwrap_or(&input.columns.prediction);
            let other = read_table_with(path, &input.layout, None)?;
            same_rows(&other, &table, column, &input.columns)?;
            Some(predicted_labels(&other, &read.encoder, column)?)
        }
    };
    let d = &read.data;
    Ok(run_gate_against(
        d.labels(),
        &read.predicted,
        baseline.as_deref(),
        d.groups(),
        d.weights(),
        config,
    )?)
}

/// Checks that `baseline` holds the rows of `data` in the same order: the same row count, and
/// the same label and sensitive values where `baseline` has those columns.
fn same_rows(
    baseline: &Table,
    data: &Table,
    column: &str,
    columns: &PredictionColumns,
) -> Result<()> {
    let same = "the baseline must hold the same rows in the same order";
    if baseline.n_rows() != data.n_rows() {
        return Err(HarnessError::Located(format!(
            "{}: {} rows, but --data {} has {}: {same}",
            baseline.file(),
            baseline.n_rows(),
            data.file(),
            data.n_rows()
        )));
    }
    let shared = std::iter::once(&columns.label)
        .chain(&columns.sensitive)
        .filter(|c| baseline.column_index(c).is_some() && c.as_str() != column);
    for name in shared {
        let (a, b) = (baseline.column(name)?, data.column(name)?);
        if let Some(i) = (0..a.len()).find(|&i| a.get(i) != b.get(i)) {
            return Err(HarnessError::Located(format!(
                "{}: line {}, row {}, column {}: value {} differs from {} in --data {} \
                 (line {}): {same}",
                baseline.file(),
                baseline.line(i),
                i + 1,
                quote(name),
                quote(a.get(i)),
                quote(b.get(i)),
                data.file(),
                data.line(i),
            )));
        }
    }
    Ok(())
}

/// The evidence files of a decision but the record: `report.json` (the JSON report, as
/// `--format json` prints it) and `gate.toml` (the resolved configuration).
///
/// # Errors
/// A report or configuration that JSON or TOML cannot hold (none is expected).
pub fn evidence_files(
    report: &GateReport,
    config: &GateConfig,
) -> Result<Vec<(&'static str, Vec<u8>)>> {
    let json = serde_json::to_string_pretty(report).map_err(|e| HarnessError::Io {
        action: "cannot write",
        path: GATE_FILES[1].into(),
        source: e.into(),
    })? + "\n";
    let toml = config
        .to_toml()
        .map_err(|e| HarnessError::Located(format!("{}: {e}", GATE_FILES[2])))?;
    Ok(vec![
        (GATE_FILES[1], json.into_bytes()),
        (GATE_FILES[2], toml.into_bytes()),
    ])
}

/// The evidence record of a decision without its outputs: the digests of the input files
/// (`--data`, a baseline file, the `--config` file `config_file` when there is one), the
/// seed and `command_line`.
///
/// # Errors
/// An input file that cannot be read.
pub fn evidence(
    input: &GateInput,
    config_file: Option<&Path>,
    config: &GateConfig,
    command_line: &[String],
) -> Result<Evidence> {
    let mut e = Evidence::new("gate", command_line.to_vec(), vec![config.seed]);
    e.add_input("--data", &input.data)?;
    if let Some(Baseline::File { path, .. }) = &input.baseline {
        e.add_input("--baseline", path)?;
    }
    if let Some(path) = config_file {
        e.add_input("--config", path)?;
    }
    Ok(e)
}
