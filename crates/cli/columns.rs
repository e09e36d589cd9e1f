//! Reading the columns a fairness command needs from a CSV file: labels, predicted labels,
//! sensitive groups, weights, control features and encoded features. Shared by the subcommands
//! that assess data or predictions.

use std::path::Path;

use anyhow::{Result, anyhow, bail};
use fairkit_core::{FairDataset, Groups};
use fairkit_data::{DataError, DatasetSpec, Encoder, Table};
use fairkit_harness::io;

/// Reads a CSV file with a header row; errors name the file (and the line where known).
pub fn read_table(path: &Path) -> Result<Table> {
    let name = path.display().to_string();
    Ok(Table::from_csv(io::open(path)?, &name)?)
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
/// the line, row and column.
pub fn encode(table: &Table, spec: &DatasetSpec) -> Result<Encoded> {
    let encoder = Encoder::fit(spec, table, &[])?;
    let data = encoder
        .transform(table)
        .map_err(|e| locate(e, table, spec))?;
    Ok(Encoded { encoder, data })
}

/// Gives errors that carry only a 0-based row the file, line and column.
fn locate(e: DataError, table: &Table, spec: &DatasetSpec) -> anyhow::Error {
    match e {
        DataError::Core(fairkit_core::Error::NegativeWeight { row, value }) => anyhow!(
            "{}: line {}, row {}, column '{}': negative sample weight {value}; weights must be \
             non-negative",
            table.file(),
            table.line(row),
            row + 1,
            spec.weights.as_deref().unwrap_or_default(),
        ),
        e => e.into(),
    }
}

/// Whether two label values are the same number (`1` and `1.0`), as the encoder reads labels.
fn same_number(a: &str, b: &str) -> bool {
    matches!((a.trim().parse::<f64>(), b.trim().parse::<f64>()), (Ok(x), Ok(y)) if x == y)
}

/// The predicted labels in `column`, read against the two label classes of `encoder` (a value
/// equal to a class as a number, e.g. `1.0` for `1`, counts as that class).
///
/// # Errors
/// A missing column, or a value that is neither class (the message names the row).
pub fn predictions(table: &Table, encoder: &Encoder, column: &str) -> Result<Vec<bool>> {
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
                "{}: line {}, row {}, prediction column '{column}': value '{v}' is not one of the \
                 label classes ({neg}, {pos}) of column '{}'",
                table.file(),
                table.line(i),
                i + 1,
                encoder.spec().label,
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

/// The columns of `table` that play no other role: every column not listed in `used`, in file
/// order.
pub fn other_columns(table: &Table, used: &[&str]) -> Vec<String> {
    table
        .header()
        .iter()
        .filter(|c| !used.contains(&c.as_str()))
        .cloned()
        .collect()
}
