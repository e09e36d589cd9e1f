//! A classifier's predictions in a table: the label, predicted-label, sensitive and weights
//! columns that `fairkit assess` and `fairkit gate` read, encoded into a
//! [`FairDataset`] and the predicted labels.
//!
//! ```
//! use fairkit_data::Table;
//! use fairkit_data::predictions::{FeatureColumns, PredictionColumns};
//!
//! let table = Table::from_csv(&b"g,y,p\na,1,1\na,0,1.0\nb,1,0\nb,0,0\n"[..], "p.csv")?;
//! let columns = PredictionColumns::new("y", "p", ["g"]);
//! let read = columns.encode(&table, &FeatureColumns::None, false)?;
//! assert_eq!(read.predicted, [true, true, false, false]);
//! assert_eq!(read.data.labels(), [true, false, true, false]);
//! # Ok::<(), fairkit_data::DataError>(())
//! ```

use fairkit_core::text::quote_list;
use fairkit_core::{FairDataset, Groups};

use crate::encode::same_number;
use crate::{DataError, DatasetSpec, Encoder, Result, Table};

/// Where a classifier's predictions are in a table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PredictionColumns {
    /// Column of true labels (two classes).
    pub label: String,
    /// Column of predicted labels, in the label column's value set.
    pub prediction: String,
    /// Sensitive column(s); several give intersectional groups.
    pub sensitive: Vec<String>,
    /// The label value of the favourable outcome (a number also matches e.g. `1.0`).
    pub positive_label: String,
    /// Column of non-negative sample weights (every row weighs 1 without it).
    pub weights: Option<String>,
}

/// The feature columns read with the predictions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FeatureColumns {
    /// None: labels, predictions, groups and weights only.
    None,
    /// These columns.
    These(Vec<String>),
    /// Every column that is not the label, prediction, sensitive or weights column.
    Others,
}

/// Predictions read from a table under [`PredictionColumns`].
#[derive(Debug, Clone)]
pub struct Predictions {
    /// The encoder fitted on the table itself (label classes, groups, feature encoding).
    pub encoder: Encoder,
    /// Labels, groups, weights and the requested features.
    pub data: FairDataset,
    /// The predicted labels (true: the favourable class).
    pub predicted: Vec<bool>,
}

impl PredictionColumns {
    /// Columns `label`, `prediction` and `sensitive`, positive label `1`, no weights.
    pub fn new<S: Into<String>>(
        label: &str,
        prediction: &str,
        sensitive: impl IntoIterator<Item = S>,
    ) -> Self {
        PredictionColumns {
            label: label.to_string(),
            prediction: prediction.to_string(),
            sensitive: sensitive.into_iter().map(Into::into).collect(),
            positive_label: "1".to_string(),
            weights: None,
        }
    }

    /// The label, prediction, sensitive and weights columns, in this order.
    pub fn roles(&self) -> Vec<String> {
        let mut roles = vec![self.label.clone(), self.prediction.clone()];
        roles.extend(self.sensitive.iter().cloned());
        roles.extend(self.weights.clone());
        roles
    }

    /// The columns to keep when reading the file ([`crate::CsvFormat::select`]): the roles,
    /// the `features` and `also`; `None` (every column) for [`FeatureColumns::Others`].
    pub fn select(&self, features: &FeatureColumns, also: &[String]) -> Option<Vec<String>> {
        let roles = self.roles();
        match features {
            FeatureColumns::None => Some([&roles[..], also].concat()),
            FeatureColumns::These(list) => Some([&roles[..], list, also].concat()),
            FeatureColumns::Others => None,
        }
    }

    /// Encodes `table`: the labels (two classes, the positive one present), the groups (at
    /// least two), the weights (finite, non-negative), the predictions against the label's two
    /// classes, and the `features`, standardized or not.
    ///
    /// # Errors
    /// A missing column, a bad label, group or weight (as [`Encoder::fit`]), the prediction
    /// column equal to the label column, or a prediction that is neither label class (naming
    /// the line and row).
    pub fn encode(
        &self,
        table: &Table,
        features: &FeatureColumns,
        standardize: bool,
    ) -> Result<Predictions> {
        let features = match features {
            FeatureColumns::None => Vec::new(),
            FeatureColumns::These(list) => list.clone(),
            FeatureColumns::Others => {
                let roles = self.roles();
                table
                    .header()
                    .iter()
                    .filter(|c| !roles.contains(c))
                    .cloned()
                    .collect()
            }
        };
        let spec = DatasetSpec {
            positive_label: self.positive_label.clone(),
            features: Some(features),
            weights: self.weights.clone(),
            standardize,
            ..DatasetSpec::new(&self.label, self.sensitive.iter().cloned())
        };
        let encoder = Encoder::fit(&spec, table, &[])?;
        let data = encoder.transform(table)?;
        let predicted = predicted_labels(table, &encoder, &self.prediction)?;
        Ok(Predictions {
            encoder,
            data,
            predicted,
        })
    }
}

/// The scores (predicted probabilities of the favourable class) in `column`.
///
/// # Errors
/// A missing column, an empty cell, a value that is not a finite number, or one outside
/// `[0, 1]`: each naming the file, line, row and column.
pub fn scores(table: &Table, column: &str) -> Result<Vec<f64>> {
    let s = crate::encode::numbers(table, column, "")?;
    if let Some(i) = s.iter().position(|v| !(0.0..=1.0).contains(v)) {
        return Err(DataError::NotAProbability {
            file: table.file().to_string(),
            line: table.line(i),
            row: i + 1,
            column: column.to_string(),
            value: table.column(column)?.get(i).to_string(),
        });
    }
    Ok(s)
}

/// The predicted labels in `column`, read against the two label classes of `encoder` (a value
/// equal to a class as a number, e.g. `1.0` for `1`, counts as that class).
///
/// # Errors
/// The label column itself, a missing column, or a value that is neither class (the message
/// names the line and row).
pub fn predicted_labels(table: &Table, encoder: &Encoder, column: &str) -> Result<Vec<bool>> {
    let label = &encoder.spec().label;
    if column == label {
        return Err(DataError::SameColumn {
            column: column.to_string(),
        });
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
            return Err(DataError::UnknownPrediction {
                file: table.file().to_string(),
                line: table.line(i),
                row: i + 1,
                column: column.to_string(),
                value: v.to_string(),
                classes: quote_list(&[neg, pos], 2).into(),
                label: label.as_str().into(),
            });
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
            });
        }
        values.push(column.iter().collect::<Vec<&str>>());
    }
    let names: Vec<&str> = columns.iter().map(String::as_str).collect();
    Ok(Groups::from_columns(&names, &values)?)
}
