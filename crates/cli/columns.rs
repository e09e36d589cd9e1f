//! The flags that locate a classifier's predictions in a CSV file, shared by `assess` and
//! `gate`; reading them is `fairkit_data::predictions`' and the harness's.

use std::path::PathBuf;

use fairkit_data::predictions::PredictionColumns;

use crate::data_args::LayoutArgs;

/// The flags that locate a classifier's predictions in a CSV file: `gate` (and `assess`,
/// which also reads counts).
#[derive(Debug, clap::Args)]
pub struct PredictionArgs {
    /// CSV file with a header row, or Parquet file or dataset directory, holding the label,
    /// prediction and sensitive columns.
    #[arg(long, value_name = "FILE")]
    pub data: PathBuf,
    #[command(flatten)]
    pub columns: ColumnArgs,
}

/// The flags that name the prediction columns, whatever the source.
#[derive(Debug, clap::Args)]
pub struct ColumnArgs {
    /// Column of true labels (two classes).
    #[arg(long, value_name = "COL")]
    pub label: String,
    /// Column of predicted labels, in the label column's value set.
    #[arg(long, value_name = "COL")]
    pub pred: String,
    /// Sensitive column(s), comma-separated; several give intersectional groups.
    #[arg(long, value_name = "COL[,COL]", value_delimiter = ',', required = true)]
    pub sensitive: Vec<String>,
    /// The label value of the favourable outcome (a number also matches e.g. `1.0`).
    #[arg(long, value_name = "V", default_value = "1")]
    pub positive_label: String,
    /// Column of non-negative sample weights; rates are weighted (default: every row weighs 1).
    #[arg(long, value_name = "COL")]
    pub weights: Option<String>,
    #[command(flatten)]
    pub layout: LayoutArgs,
}

impl PredictionArgs {
    /// The columns as the library names them.
    pub fn columns(&self) -> PredictionColumns {
        self.columns.columns()
    }
}

impl ColumnArgs {
    /// The columns as the library names them.
    pub fn columns(&self) -> PredictionColumns {
        PredictionColumns {
            label: self.label.clone(),
            prediction: self.pred.clone(),
            sensitive: self.sensitive.clone(),
            positive_label: self.positive_label.clone(),
            weights: self.weights.clone(),
        }
    }
}
