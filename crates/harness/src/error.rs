//! The harness's error: every library crate's error, and the harness's own (files, jobs).

use std::path::PathBuf;

use thiserror::Error;

/// Result alias for the harness.
pub type Result<T, E = HarnessError> = std::result::Result<T, E>;

/// What went wrong in a harness run.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum HarnessError {
    /// Invalid input data or parameters.
    #[error(transparent)]
    Input(#[from] fairkit_core::Error),
    /// A message already in its final words, one line naming the file, line and column (and
    /// key): an experiment file that does not parse or holds an invalid value, a prediction
    /// that a saved model cannot make for a row's group.
    #[error("{0}")]
    Located(String),
    /// A data file or data request is invalid (boxed: the located CSV errors are the largest
    /// of all, and every `Result` of the harness would carry their size).
    #[error(transparent)]
    Data(Box<fairkit_data::DataError>),
    /// A Parquet file or dataset cannot be read or written (boxed as [`HarnessError::Data`]).
    #[error(transparent)]
    Columnar(Box<fairkit_columnar::ColumnarError>),
    /// A learner failed to fit.
    #[error(transparent)]
    Learner(#[from] fairkit_core::LearnerError),
    /// A reduction failed to fit (invalid parameters, degenerate data, a failing learner).
    #[error(transparent)]
    Reductions(#[from] fairkit_reductions::ReductionsError),
    /// The threshold optimizer failed to fit (invalid parameters, degenerate groups).
    #[error(transparent)]
    Postprocessing(#[from] fairkit_postprocessing::PostprocessingError),
    /// A two-group post-processor (reject option, equalized odds, calibrated equalized odds)
    /// failed to fit (invalid parameters, not two groups, a group lacking a label).
    #[error(transparent)]
    TwoGroup(#[from] fairkit_postprocessing::PostprocessingMethodError),
    /// An in-processing method failed to fit (invalid parameters, weights it refuses, not two
    /// groups).
    #[error(transparent)]
    Inprocessing(#[from] fairkit_inprocessing::InprocessingError),
    /// A pre-processing method failed to fit or apply (invalid parameters, degenerate groups).
    #[error(transparent)]
    Preprocessing(#[from] fairkit_preprocessing::PreprocessingError),
    /// A report could not be computed.
    #[error(transparent)]
    Metrics(#[from] fairkit_metrics::MetricsError),
    /// The gate's settings are invalid.
    #[error(transparent)]
    Gate(#[from] fairkit_gate::GateError),
    /// Consistency was asked for on a file without feature columns.
    #[error("--consistency needs feature columns, and {file} has none")]
    NoFeatures {
        /// The source name of the file.
        file: String,
    },
    /// An option that needs the rows themselves was given with a counts file.
    #[error("{what} needs the rows themselves; a counts file (--counts) holds only their counts")]
    NeedsRows {
        /// The option, e.g. `--consistency`.
        what: &'static str,
    },
    /// Consistency could not be computed (e.g. more neighbours than rows).
    #[error("--consistency")]
    Consistency(#[source] fairkit_metrics::MetricsError),
    /// One job of a comparison failed.
    #[error("{method} (seed {seed})")]
    Job {
        /// The method entry.
        method: String,
        /// The seed.
        seed: u64,
        /// What went wrong.
        source: Box<HarnessError>,
    },
    /// A file could not be read or written.
    #[error("{action} {path}")]
    Io {
        /// What was attempted, e.g. `"cannot read"`.
        action: &'static str,
        /// The file.
        path: PathBuf,
        /// The operating-system error.
        source: std::io::Error,
    },
    /// An output path that cannot be used as given (checked before anything is written).
    #[error("{}{}: {reason}", if flag.is_empty() { String::new() } else { format!("{flag} ") }, path.display())]
    Output {
        /// The flag or key that named it, e.g. `--out` (may be empty).
        flag: String,
        /// The path as given.
        path: PathBuf,
        /// Why it cannot be used, and what to do.
        reason: String,
    },
    /// The plot could not be drawn.
    #[error("cannot draw {path}: {message}")]
    Plot {
        /// The output file.
        path: PathBuf,
        /// The drawing backend's message.
        message: String,
    },
}

impl From<fairkit_data::DataError> for HarnessError {
    fn from(e: fairkit_data::DataError) -> Self {
        HarnessError::Data(Box::new(e))
    }
}

impl From<fairkit_columnar::ColumnarError> for HarnessError {
    fn from(e: fairkit_columnar::ColumnarError) -> Self {
        match e {
            fairkit_columnar::ColumnarError::Data(e) => HarnessError::Data(e),
            other => HarnessError::Columnar(Box::new(other)),
        }
    }
}
