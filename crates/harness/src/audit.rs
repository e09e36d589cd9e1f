//! The library form of `fairkit audit`: the audit of a dataset before training (group sizes,
//! label base rates, proxy candidates), of a CSV file or of the built-in scenario.

use std::path::PathBuf;

use fairkit_data::{CsvLayout, DatasetSpec, Encoder, sim};
use fairkit_metrics::audit::{AuditInput, AuditParams, AuditReport};

use crate::Result;
use crate::data::read_table_with;

/// What to audit and how.
#[derive(Debug, Clone)]
pub struct AuditConfig {
    /// The CSV file; `None`: the built-in scenario (biased-credit, 10,000 rows, seed 0).
    pub data: Option<PathBuf>,
    /// How the file is laid out (delimiter, header row).
    pub layout: CsvLayout,
    /// The label column (default: the built-in scenario's, `approved`).
    pub label: Option<String>,
    /// The sensitive column(s) (default: the built-in scenario's, `group`).
    pub sensitive: Option<Vec<String>>,
    /// The label value of the favourable outcome (a number also matches e.g. `1.0`).
    pub positive_label: String,
    /// Column of non-negative sample weights, used for shares and base rates.
    pub weights: Option<String>,
    /// Feature columns to rank as proxy candidates (default: every column that is not the
    /// label, sensitive or weights column).
    pub features: Option<Vec<String>>,
    /// Small groups and the number of proxies shown.
    pub params: AuditParams,
}

impl Default for AuditConfig {
    /// The built-in scenario with positive label `1` and every feature.
    fn default() -> Self {
        AuditConfig {
            data: None,
            layout: CsvLayout::default(),
            label: None,
            sensitive: None,
            positive_label: "1".to_string(),
            weights: None,
            features: None,
            params: AuditParams::default(),
        }
    }
}

/// Reads (or simulates) the data and audits it.
///
/// # Errors
/// An unreadable file, every CSV and encoding error (naming the file, line and column), and
/// invalid audit parameters.
pub fn run(config: &AuditConfig) -> Result<AuditReport> {
    let base = sim::default_spec();
    let table = match &config.data {
        // With features given, only the columns the audit uses are kept.
        Some(path) => read_table_with(
            path,
            &config.layout,
            config.features.as_ref().map(|features| {
                let mut keep = features.clone();
                keep.extend(config.label.clone());
                keep.extend(config.sensitive.iter().flatten().cloned());
                keep.extend(config.weights.clone());
                keep
            }),
        )?,
        None => sim::simulate(sim::DEFAULT_SCENARIO, sim::DEFAULT_ROWS, 0)?,
    };
    let spec = DatasetSpec {
        label: config.label.clone().unwrap_or(base.label),
        sensitive: config.sensitive.clone().unwrap_or(base.sensitive),
        positive_label: config.positive_label.clone(),
        weights: config.weights.clone(),
        features: config.features.clone(),
        // eta² does not change under a linear rescaling: keep the values as they are.
        standardize: false,
        ..base
    };
    let encoder = Encoder::fit(&spec, &table, &[])?;
    let data = encoder.transform(&table)?;
    let mut input = AuditInput::new(data.labels(), data.groups())
        .features(data.features(), data.feature_names());
    if let Some(w) = data.weights() {
        input = input.weights(w);
    }
    Ok(config.params.compute(input)?)
}
