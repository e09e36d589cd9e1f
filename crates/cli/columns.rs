//! Reading the columns a fairness command needs from a CSV file: labels, predicted labels,
//! sensitive groups, weights, control features and encoded features. Shared by the subcommands
//! that assess data or predictions (`assess`, `audit`, `gate`).

use std::path::{Path, PathBuf};

use anyhow::{Result, bail};
use fairkit_core::text::{quote, quote_list};
use fairkit_core::{FairDataset, Groups};
use fairkit_data::{DataError, DatasetSpec, Encoder, Table};

use crate::data_args::LayoutArgs;

/// The flags that locate a classifier's predictions in a CSV file: `assess` and `gate`.
#[derive(Debug, clap::Args)]
pub struct PredictionArgs {
    /// CSV file with a header row holding the label, prediction and sensitive columns.
    #[arg(long, value_name = "FILE")]
    pub data: PathBuf,
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

/// A prediction file read under [`PredictionArgs`]: the table, its encoding and the predicted
/// labels.
pub struct Predictions {
    /// The file as read.
    pub table: Table,
    /// Labels, groups, weights and the requested features.
    pub encoded: Encoded,
    /// The predicted labels (true: the favourable class).
    pub pred: Vec<bool>,
}

/// The feature columns a prediction file is read with.
#[derive(Debug, Clone, Copy)]
pub enum Features<'a> {
    /// None: labels, predictions, groups and weights only.
    None,
    /// These columns.
    These(&'a [String]),
    /// Every column that is not the label, prediction, sensitive or weights column.
    Others,
}

impl PredictionArgs {
    /// Reads the file and encodes it: the labels (two classes, the positive one present), the
    /// groups (at least two), the weights (finite, non-negative), the predictions against the
    /// label's two classes, and the `features`, standardized or not. Only the columns named
    /// here and in `also` are kept (unless `features` is [`Features::Others`]).
    pub fn read(
        &self,
        features: Features<'_>,
        also: &[String],
        standardize: bool,
    ) -> Result<Predictions> {
        let mut roles = vec![self.label.clone(), self.pred.clone()];
        roles.extend(self.sensitive.iter().cloned());
        roles.extend(self.weights.clone());
        let select = match features {
            Features::None => Some([&roles[..], also].concat()),
            Features::These(list) => Some([&roles[..], list, also].concat()),
            Features::Others => None,
        };
        let table = read_table(&self.data, select, &self.layout)?;
        let features = match features {
            Features::None => Vec::new(),
            Features::These(list) => list.to_vec(),
            Features::Others => table
                .header()
                .iter()
                .filter(|c| !roles.contains(c))
                .cloned()
                .collect(),
        };
        let spec = DatasetSpec {
            positive_label: self.positive_label.clone(),
            features: Some(features),
            weights: self.weights.clone(),
            standardize,
            ..DatasetSpec::new(&self.label, self.sensitive.iter().cloned())
        };
        let encoded = encode(&table, &spec)?;
        let pred = predictions(&table, &encoded.encoder, &self.pred)?;
        Ok(Predictions {
            table,
            encoded,
            pred,
        })
    }
}

/// Reads a CSV file laid out as `layout` says, keeping only the columns in `select` (all
/// without it); errors name the file (and the line where known).
pub fn read_table(path: &Path, select: Option<Vec<String>>, layout: &LayoutArgs) -> Result<Table> {
    Ok(fairkit_harness::data::read_table(
        path,
        &layout.format(select)?,
    )?)
}

/// A table encoded under a spec: the encoder (label classes, group schema, feature encoding)
/// and the labels, groups, weights and features it produced.
pub struct Encoded {
    /// The encoder fitted on the table itself.
    pub encoder: Encoder,
    /// The encoded rows.
    pub data: FairDataset,
}

/// Fits an [`Encoder`] on `table` and encodes it. Every error names the file and, where known,
/// the line, row and column (the encoder checks weights where it reads them).
pub fn encode(table: &Table, spec: &DatasetSpec) -> Result<Encoded> {
    let encoder = Encoder::fit(spec, table, &[])?;
    let data = encoder.transform(table)?;
    Ok(Encoded { encoder, data })
}

/// Whether two label values are the same number (`1` and `1.0`), as the encoder reads labels.
fn same_number(a: &str, b: &str) -> bool {
    matches!((a.trim().parse::<f64>(), b.trim().parse::<f64>()), (Ok(x), Ok(y)) if x == y)
}

/// The predicted labels in `column`, read against the two label classes of `encoder` (a value
/// equal to a class as a number, e.g. `1.0` for `1`, counts as that class).
///
/// # Errors
/// The label column itself, a missing column, or a value that is neither class (the message
/// names the row).
pub fn predictions(table: &Table, encoder: &Encoder, column: &str) -> Result<Vec<bool>> {
    if column == encoder.spec().label {
        bail!("the prediction and label columns are the same column '{column}'");
    }
    let (pos, neg) = (encoder.positive_label(), encoder.negative_label());
    let values = table.column(column)?;
    let mut out = Vec::with_capacity(values.len());
    for (i, v) in values.iter().enumerate() {
        out.push(if v == pos {
            true
        } else if v == neg {
            false
        } else if same_number(v, pos) {
            true
        } else if same_number(v, neg) {
            false
        } else {
            bail!(
                "{}: line {}, row {}, prediction column {}: value {} is not one of the label \
                 classes ({}) of column {}",
                table.file(),
                table.line(i),
                i + 1,
                quote(column),
                quote(v),
                quote_list(&[neg, pos], 2),
                quote(&encoder.spec().label),
            );
        });
    }
    Ok(out)
}

/// The groups formed by the values of `columns` (several columns: every combination), e.g. for
/// control features.
///
/// # Errors
/// A missing column or an empty value.
pub fn groups(table: &Table, columns: &[String]) -> Result<Groups> {
    let mut values = Vec::with_capacity(columns.len());
    for name in columns {
        let column = table.column(name)?;
        if let Some(i) = column.iter().position(|v| v.trim().is_empty()) {
            return Err(DataError::EmptyValue {
                file: table.file().to_string(),
                line: table.line(i),
                row: i + 1,
                column: name.clone(),
            }
            .into());
        }
        values.push(column.iter().collect::<Vec<&str>>());
    }
    let names: Vec<&str> = columns.iter().map(String::as_str).collect();
    Ok(Groups::from_columns(&names, &values)?)
}
