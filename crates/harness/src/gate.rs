//! The library form of `fairkit gate`: read a classifier's test predictions from a CSV file and
//! run the fairness gate's checks on them.
//!
//! The binary only turns flags and a `gate.toml` into a [`GateConfig`], calls [`run`] and
//! writes the [`GateReport`] (its table is its `Display`, its JSON its `Serialize`).

use std::path::Path;

use fairkit_data::CsvLayout;
use fairkit_data::predictions::{FeatureColumns, PredictionColumns};
use fairkit_gate::{GateConfig, GateReport, run_gate};

use crate::Result;
use crate::data::read_table_with;

/// Reads the predictions in `columns` of `data`, laid out as `layout` says, and runs the gate
/// under `config`.
///
/// # Errors
/// An unreadable file, every CSV and encoding error of [`PredictionColumns::encode`], and
/// invalid gate settings.
pub fn run(
    data: &Path,
    layout: &CsvLayout,
    columns: &PredictionColumns,
    config: &GateConfig,
) -> Result<GateReport> {
    let table = read_table_with(data, layout, columns.select(&FeatureColumns::None, &[]))?;
    let read = columns.encode(&table, &FeatureColumns::None, false)?;
    let d = &read.data;
    Ok(run_gate(
        d.labels(),
        &read.predicted,
        d.groups(),
        d.weights(),
        config,
    )?)
}
