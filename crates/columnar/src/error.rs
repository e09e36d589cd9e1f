//! The crate's error: every message is one line naming the file (and the row and column where
//! known), in the words the CSV reader uses.

use std::path::PathBuf;

use fairkit_core::text::quote;
use thiserror::Error;

/// Result alias for the crate.
pub type Result<T, E = ColumnarError> = std::result::Result<T, E>;

/// What went wrong reading or writing Parquet.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum ColumnarError {
    /// A file or directory could not be read or written.
    #[error("{action} {}: {source}", .path.display())]
    Io {
        /// What was attempted, e.g. `"cannot read"`.
        action: &'static str,
        /// The path.
        path: PathBuf,
        /// The system's error.
        source: std::io::Error,
    },
    /// The file is not a Parquet file, or is truncated or corrupt.
    #[error(
        "{file}: not a readable Parquet file (truncated, corrupt or another format): {message}"
    )]
    Corrupt {
        /// The file.
        file: String,
        /// The Parquet library's message.
        message: String,
    },
    /// A column has a type fairkit does not read.
    #[error(
        "{file}: column {}: type {data_type} is not supported; fairkit reads integer, float, \
         boolean and string columns (dictionary-encoded included): cast it to one of those",
        quote(.column)
    )]
    UnsupportedType {
        /// The file.
        file: String,
        /// The column.
        column: String,
        /// The Arrow type, as Arrow writes it.
        data_type: String,
    },
    /// A null value (a missing value) in a column.
    #[error(
        "{file}: row {row}, column {}: null value (missing values must be filled in)",
        quote(.column)
    )]
    Null {
        /// The file.
        file: String,
        /// 1-based row of the file.
        row: u64,
        /// The column.
        column: String,
    },
    /// A file of a dataset lacks a column the first file has, or the dataset's files disagree
    /// about their partition keys.
    #[error("{file}: {message}")]
    Dataset {
        /// The file (or directory).
        file: String,
        /// What is wrong.
        message: String,
    },
    /// A value does not fit the column type chosen for writing.
    #[error(
        "{file}: row {row}, column {}: value {} is not {what}, as the column's first {rows} rows \
         were when its Parquet type was chosen",
        quote(.column), quote(.value)
    )]
    TypeChanged {
        /// The output.
        file: String,
        /// 1-based row.
        row: u64,
        /// The column.
        column: String,
        /// The value.
        value: String,
        /// What the type holds, e.g. `"a whole number"`.
        what: &'static str,
        /// The rows the type was chosen from.
        rows: usize,
    },
    /// Writing Parquet failed.
    #[error("cannot write {file} as Parquet: {message}")]
    Write {
        /// The output.
        file: String,
        /// The library's message.
        message: String,
    },
    /// A table error of `fairkit-data` (a missing column, no rows, ...), boxed: it is large.
    #[error(transparent)]
    Data(Box<fairkit_data::DataError>),
}

impl From<fairkit_data::DataError> for ColumnarError {
    fn from(e: fairkit_data::DataError) -> Self {
        ColumnarError::Data(Box::new(e))
    }
}
